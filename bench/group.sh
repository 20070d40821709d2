#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# bench/group.sh: the cost of closing sessions early as --max-open grows.
#
#   bench/group.sh                       # 200,000 interleaved sessions
#   SESSIONS=50000 bench/group.sh        # quicker
#   MAX_OPEN="100 1000" bench/group.sh   # other limits
#
# The corpus is OTLP logs (gen-ai events of Gemini CLI) for SESSIONS
# sessions whose records are interleaved: every session's user_prompt, then
# every session's tool_call, all within a few minutes (so the gap closes
# nothing).  With --max-open N below SESSIONS, each new session closes the
# one idle longest, and each tool_call reopens a session closed early: about
# 2 x SESSIONS early closes whatever N is.  The table gives, per --max-open,
# the best CPU time (user + sys, steadier than wall time on a shared machine)
# of RUNS runs and its wall time, the sessions written (parts), the early
# closes (parts closed before the end) and the CPU time per record, first for a
# run that closes nothing early (--max-open above SESSIONS).  Closing the
# idlest session is O(log n), so the time stays flat as N grows (it was
# O(n): 2.9 s at 100, 28 s at 1,000, 440 s at 10,000).
#
# Environment: SESSIONS (default 200000), MAX_OPEN (default "100 1000 10000
# 100000"), RUNS (default 3), SKIP_BUILD=1 (use build-bench as it is), FILTER (a televal-filter
# to time instead of build-bench's, e.g. an older one), CPU (the core to pin
# to, default 1; "" for none).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
out=$here/out
build=$root/build-bench
SESSIONS=${SESSIONS:-200000}
MAX_OPEN=${MAX_OPEN:-100 1000 10000 100000}
SKIP_BUILD=${SKIP_BUILD:-0}
CPU=${CPU-1}
RUNS=${RUNS:-3}

die() { echo "group.sh: $*" >&2; exit 1; }
[[ $SESSIONS =~ ^[1-9][0-9]*$ ]] || die "SESSIONS must be a positive integer"

if [[ -z ${FILTER:-} && $SKIP_BUILD != 1 ]]; then
	if [[ ! -f $build/build.ninja ]]; then
		meson setup "$build" "$root" -Dbuildtype=release -Db_ndebug=true -Dtests=disabled >&2
	fi
	ninja -C "$build" >&2
fi
filter=${FILTER:-$build/tools/filter/televal-filter}
[[ -x $filter ]] || die "$filter was not built"
PIN=()
if [[ -n $CPU ]] && command -v taskset >/dev/null && taskset -c "$CPU" true 2>/dev/null; then
	PIN=(taskset -c "$CPU")
fi

mkdir -p "$out"
corpus=$out/group-$SESSIONS.jsonl
if [[ ! -s $corpus ]]; then
	python3 - "$SESSIONS" "$corpus" <<'PYEOF'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
t0 = 1751360400000000000
def rec(i, k, name, extra):
    return ('{"timeUnixNano":"%d","eventName":"gemini_cli.%s","attributes":['
            '{"key":"session.id","value":{"stringValue":"s%07d"}},'
            '{"key":"prompt_id","value":{"stringValue":"s%07d-p"}}%s]}'
            % (t0 + (k * n + i) * 1000, name, i, i, extra))
with open(path, "w") as f:
    for k, (name, extra) in enumerate([
            ("user_prompt", ',{"key":"prompt","value":{"stringValue":"list the files"}}'),
            ("tool_call", ',{"key":"function_name","value":{"stringValue":"ls"}},'
                          '{"key":"duration_ms","value":{"intValue":"3"}}')]):
        for b in range(0, n, 100):
            recs = ",".join(rec(i, k, name, extra) for i in range(b, min(n, b + 100)))
            f.write('{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name",'
                    '"value":{"stringValue":"gemini-cli"}}]},"scopeLogs":[{"logRecords":['
                    + recs + ']}]}]}\n')
PYEOF
fi

# run MAX_OPEN: prints "cpu-seconds wall-seconds sessions-written peak-RSS-MiB", the best of
# RUNS runs (the peak RSS of the last: it follows the sessions open at once, not the load)
run() {
	local t0 t1 best= bestw= cpu wall written rss
	for ((k = 0; k < RUNS; k++)); do
		t0=$EPOCHREALTIME
		"${PIN[@]}" /usr/bin/time -f '%U %S %M' -o "$out/group.time" "$filter" --count --stats \
			--max-open "$1" "$corpus" >"$out/group.count" 2>"$out/group-$1.err" ||
			die "televal-filter --max-open $1 failed (see $out/group-$1.err)"
		t1=$EPOCHREALTIME
		cpu=$(awk '{ print $1 + $2 }' "$out/group.time")
		rss=$(awk '{ printf "%.1f", $3 / 1024 }' "$out/group.time")
		wall=$(echo "$t1 - $t0" | bc -l)
		if [[ -z $best ]] || (($(echo "$cpu < $best" | bc -l))); then
			best=$cpu
			bestw=$wall
		fi
	done
	written=$(cat "$out/group.count")
	echo "$best $bestw $written $rss"
}

records=$((SESSIONS * 2))
printf '%-10s %8s %8s %10s %13s %14s %9s\n' "max-open" "cpu s" "wall s" "written" "early closes" \
	"cpu us/record" "peak MiB"
for m in $((SESSIONS * 2)) $MAX_OPEN; do
	read -r c w n rss <<<"$(run "$m")"
	# every part written but the (at most m) still open at the end was closed early
	closes=$((n > m ? n - m : 0))
	printf '%-10s %8.2f %8.2f %10s %13s %14.2f %9s\n' "$m" "$c" "$w" "$n" "$closes" \
		"$(echo "$c * 1000000 / $records" | bc -l)" "$rss"
done
