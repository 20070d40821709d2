#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# bench/aggregate.sh: televal-aggregate against mlr and a Python script on
# canonical sessions, grouped by model: p50/p95/p99 of LLM latency and the
# token sums.  See bench/README.md.
#
#   bench/aggregate.sh                      # 300 MB (and 30 MB for memory), 1 run
#   SIZE_MB=60 RUNS=3 bench/aggregate.sh    # smaller, the median of 3
#
# Environment: SIZE_MB (default 300; a corpus SIZE_MB/10 is made too),
# RUNS (default 1), SKIP_BUILD=1, BUILD_DIR (default build-bench), CPU (the
# core to pin to; default 1, "" for none), MLR_MB (mlr on the first MLR_MB of
# the corpus only; its ratio is per MB; default: all of it), GEN_ONLY=1 (make
# the corpora and stop: generate while the machine is busy, time later).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
out=$here/out
build=${BUILD_DIR:-$root/build-bench}
SIZE_MB=${SIZE_MB:-300}
RUNS=${RUNS:-1}
SKIP_BUILD=${SKIP_BUILD:-0}
CPU=${CPU-1}
MLR_MB=${MLR_MB:-0}
CHUNK=20000 # sessions per generator run, about 105 MB of canonical sessions

die() { echo "aggregate.sh: $*" >&2; exit 1; }
note() { echo "aggregate.sh: $*" >&2; }

[[ $SIZE_MB =~ ^[0-9]+$ && $SIZE_MB -ge 10 ]] || die "SIZE_MB must be an integer >= 10"
TIME=/usr/bin/time
[[ -x $TIME ]] || die "$TIME is missing (Debian: apt-get install -y time)"
for p in python3 mlr meson ninja; do
	command -v "$p" >/dev/null || die "$p is missing (mlr: apt-get install -y miller)"
done
GEN=$root/tests/tools/gen_corpus.py
PIN=()
if [[ -n $CPU ]] && command -v taskset >/dev/null && taskset -c "$CPU" true 2>/dev/null; then
	PIN=(taskset -c "$CPU")
fi

if [[ $SKIP_BUILD != 1 ]]; then
	[[ -f $build/build.ninja ]] ||
		meson setup "$build" "$root" -Dbuildtype=release -Db_ndebug=true -Dtests=disabled >&2
	meson configure "$build" -Dbench=true >&2
	ninja -C "$build" >&2
fi
AGG=$build/tools/aggregate/televal-aggregate
FILTER=$build/tools/filter/televal-filter
FLOOR=$build/bench/parse_floor
[[ -x $AGG && -x $FILTER && -x $FLOOR ]] || die "televal was not built in $build (-Dbench=true)"

# canonical MB DEST: canonical sessions, generated in chunks of distinct seeds
canonical() {
	local want=$(($1 * 1000000)) dst=$2 k=0
	if [[ -s $dst ]] && (($(stat -c %s "$dst") >= want)); then
		note "reusing $dst"
		return
	fi
	note "generating $dst ($1 MB)"
	: >"$dst.tmp"
	while (($(stat -c %s "$dst.tmp") < want)); do
		local left=$(((want - $(stat -c %s "$dst.tmp")) / 5200 + 1))
		local n=$((left > CHUNK ? CHUNK : left))
		python3 "$GEN" --format otlp-logs --sessions "$n" --seed $((k + 1)) -o "$dst.otlp"
		"$FILTER" "$dst.otlp" >>"$dst.tmp"
		k=$((k + 1))
	done
	rm -f "$dst.otlp"
	mv "$dst.tmp" "$dst"
}

mkdir -p "$out/logs"
small_mb=$((SIZE_MB / 10))
BIG=$out/canonical-${SIZE_MB}MB.jsonl
SMALL=$out/canonical-${small_mb}MB.jsonl
canonical "$SIZE_MB" "$BIG"
canonical "$small_mb" "$SMALL"
[[ ${GEN_ONLY:-0} == 1 ]] && exit 0
MLR_IN=$BIG
if ((MLR_MB > 0)); then
	MLR_IN=$out/canonical-mlr-${MLR_MB}MB.jsonl
	head -c $((MLR_MB * 1000000)) "$BIG" | sed '$d' >"$MLR_IN"
fi

# two halves for the two-core row (cut by lines, so by session)
HALF=$out/canonical-${SIZE_MB}MB.half
if [[ ! -s $HALF.0 || $HALF.0 -ot $BIG ]]; then
	awk -v p="$HALF." '{ print > (p (NR % 2)) }' "$BIG"
fi
cat >"$out/two-cores.sh" <<EOF2
#!/bin/sh
# both halves at once, one process a core, then the merge of their states
"$AGG" --by model --partial -o "$HALF.0.state" "$HALF.0" &
"$AGG" --by model --partial -o "$HALF.1.state" "$HALF.1" &
wait
exec "$AGG" --merge --format json "$HALF.0.state" "$HALF.1.state"
EOF2
chmod +x "$out/two-cores.sh"

MLR_PROG='for (t in $turns) { for (c in t["llm_calls"]) {
	emit1 {"model": c["model"], "latency": c["duration_ms"],
	       "input_tokens": c["input_tokens"], "output_tokens": c["output_tokens"]} } }'

# the commands: NAME|INPUT|CMD (CMD reads INPUT as its last argument)
CMDS=(
	"televal-aggregate --by model|$BIG|$AGG --by model --format json"
	"televal-aggregate --by model (1/10)|$SMALL|$AGG --by model --format json"
	"mlr put (calls) then stats1 -a p50,p95,p99,sum|$MLR_IN|mlr"
	"python3 json.loads, lists, sort|$BIG|python3 $here/aggregate_peer.py"
	"televal-aggregate, 2 halves at once + --merge|$BIG|two-cores"
	"parse_floor: read + parse each line, nothing else|$BIG|$FLOOR"
)

declare -A WALL CPUS RSS # WALL, CPUS: every run's figure, then the median
tf=$(mktemp)
trap 'rm -f "$tf"' EXIT
run() {	# I
	local name input cmd t0 t1 w c m u s
	IFS='|' read -r name input cmd <<<"${CMDS[$1]}"
	local log=$out/logs/aggregate.$1
	t0=$EPOCHREALTIME
	if [[ $cmd == two-cores ]]; then # not pinned: it is meant to use both cores
		"$TIME" -f '%M %U %S' -o "$tf" sh "$out/two-cores.sh" >"$log.out" 2>"$log.err" ||
			die "$name failed (see $log.err)"
	elif [[ $cmd == mlr ]]; then
		"$TIME" -f '%M %U %S' -o "$tf" "${PIN[@]}" mlr --ijsonl --ojson put -q "$MLR_PROG" \
			then stats1 -a p50,p95,p99,sum -f latency,input_tokens,output_tokens -g model \
			"$input" >"$log.out" 2>"$log.err" || die "$name failed (see $log.err)"
	else
		# shellcheck disable=SC2086
		"$TIME" -f '%M %U %S' -o "$tf" "${PIN[@]}" $cmd "$input" >"$log.out" 2>"$log.err" ||
			die "$name failed (see $log.err)"
	fi
	t1=$EPOCHREALTIME
	read -r m u s < <(tail -n 1 "$tf")
	w=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
	c=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
	WALL[$1]="${WALL[$1]:-} $w"
	CPUS[$1]="${CPUS[$1]:-} $c"
	RSS[$1]=$m
}

median() { # the median of the numbers in $1 (the lower middle one of an even count)
	tr ' ' '\n' <<<"$1" | sed '/^$/d' | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
cat "$BIG" "$SMALL" >/dev/null
for ((r = 1; r <= RUNS; r++)); do
	for i in "${!CMDS[@]}"; do
		note "round $r: ${CMDS[$i]%%|*}"
		run "$i"
	done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
for i in "${!CMDS[@]}"; do
	WALL[$i]=$(median "${WALL[$i]}")
	CPUS[$i]=$(median "${CPUS[$i]}")
done

# ---- report: throughput, the ratios to televal on the same corpus, memory ----
res=$out/aggregate-results.txt
{
	echo "televal-aggregate vs mlr and python, $(date -u +%Y-%m-%d), $(nproc) cores, pinned: ${PIN[*]:-no}, median of $RUNS"
	echo "load average before: $load_before, after: $load_after (2 cores: above ~1 the machine was busy)"
	printf '  %-48s %8s %8s %8s %9s %8s %9s %8s\n' command "input MB" "wall s" "cpu s" "cpu MB/s" \
		"x wall" "x cpu" "RSS MiB"
	for i in "${!CMDS[@]}"; do
		IFS='|' read -r name input _ <<<"${CMDS[$i]}"
		bytes=$(stat -c %s "$input")
		awk -v n="$name" -v b="$bytes" -v w="${WALL[$i]}" -v c="${CPUS[$i]}" -v m="${RSS[$i]}" \
			-v bb="$(stat -c %s "$BIG")" -v tw="${WALL[0]}" -v tc="${CPUS[0]}" 'BEGIN {
			if (c < 0.01) c = 0.01
			# the ratio per byte, against televal on the large corpus
			rw = (w / b) / (tw / bb); rc = (c / b) / (tc / bb)
			printf "  %-48s %8.1f %8.2f %8.2f %9.1f %7.1fx %8.1fx %8.1f\n", n, b / 1e6, w, c,
				b / 1e6 / c, rw, rc, m / 1024
		}'
	done
	echo "x wall, x cpu: seconds per MB of the command over those of televal-aggregate on the"
	echo "large corpus: how many times slower the peer is.  Every command is pinned to one core"
	echo "but the two halves (two processes, not pinned; its cpu s is their sum, its RSS the largest)."
	echo "parse_floor only reads and parses each line (simdjson's DOM, as televal does): its x cpu"
	echo "below 1 is the share of televal-aggregate's time that no aggregation code can save."
} | tee "$res"
python3 - "$out/logs/aggregate.0.out" "$out/logs/aggregate.3.out" "$out/logs/aggregate.4.out" <<'PY' | tee -a "$res"
import json, sys
t = json.load(open(sys.argv[1]))
p = {g["model"]: g for g in json.load(open(sys.argv[2]))}
two = json.load(open(sys.argv[3]))
for d in (t, two):
    d.pop("input")
print("two halves merged = one run:", two == t)
worst = 0
for g in t["groups"]:
    m, d = g["key"]["model"], g["distributions"]["llm.latency_ms"]
    for q in ("p50", "p95", "p99"):
        worst = max(worst, abs(d[q] - p[m][q]) / p[m][q])
    assert g["tokens"]["input_tokens"] == p[m]["input_tokens"], m
    assert g["tokens"]["output_tokens"] == p[m]["output_tokens"], m
print(f"televal vs python: token sums equal; percentiles within {worst:.3%} "
      f"(televal exact: {t['total']['distributions']['llm.latency_ms']['exact']})")
PY
