#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# bench/to_eval.sh: televal-to-eval against a Python peer that does the same
# with yaml.safe_dump (bench/to_eval_peer.py), in one run:
#
#   1. 100,000 canonical sessions to waza task files (one file per task,
#      written atomically, plus eval.yaml), without and with flushing to disk;
#   2. the same sessions to one promptfoo tests file;
#   3. a rerun over the existing task files (nothing changes: nothing written).
#
#   bench/to_eval.sh                      # 100,000 sessions
#   SESSIONS=20000 bench/to_eval.sh       # quicker
#
# Environment:
#   SESSIONS    sessions in the corpus (default 100000)
#   BUILD       a release build tree (default build-bench; made and built
#               unless SKIP_BUILD=1)
#   CPU         the core every command is pinned to (default 1; "" for none)
#   PY          the python with PyYAML (default python3)
#   SYNC        1: also time the runs that flush to disk (default 1)
#
# Output: a table on stdout and in bench/out/to-eval/results.txt.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
GEN_CORPUS=$root/tests/tools/gen_corpus.py	# the tests own the corpus generator
out=$here/out/to-eval
SESSIONS=${SESSIONS:-100000}
BUILD=${BUILD:-$root/build-bench}
CPU=${CPU-1}
PY=${PY:-python3}
SYNC=${SYNC:-1}
SKIP_BUILD=${SKIP_BUILD:-0}
BASE=10000			# sessions generated; the corpus repeats them with new ids

die() { echo "to_eval.sh: $*" >&2; exit 1; }
note() { echo "to_eval.sh: $*" >&2; }

[[ $SESSIONS =~ ^[0-9]+$ && $SESSIONS -ge 1000 ]] || die "SESSIONS must be an integer >= 1000"
"$PY" -c 'import yaml' 2>/dev/null || die "$PY lacks PyYAML (apt-get install python3-yaml)"
PIN=()
if [[ -n $CPU ]] && command -v taskset >/dev/null && taskset -c "$CPU" true 2>/dev/null; then
	PIN=(taskset -c "$CPU")
fi

if [[ $SKIP_BUILD != 1 ]]; then
	if [[ ! -f $BUILD/build.ninja ]]; then
		meson setup "$BUILD" "$root" -Dbuildtype=release -Db_ndebug=true -Dtests=disabled >&2
	fi
	ninja -C "$BUILD" tools/filter/televal-filter tools/to-eval/televal-to-eval >&2
fi
filter=$BUILD/tools/filter/televal-filter
to_eval=$BUILD/tools/to-eval/televal-to-eval
[[ -x $filter && -x $to_eval ]] || die "the tools are not built in $BUILD"

# ---- the corpus: BASE generated sessions, repeated with distinct ids ----------
mkdir -p "$out"
corpus=$out/canonical-$SESSIONS.jsonl
if [[ ! -s $corpus ]]; then
	note "generating $BASE sessions, then $SESSIONS canonical sessions in $corpus"
	"$PY" "$GEN_CORPUS" --format gemini-collector-log --sessions "$BASE" \
		-o "$out/base.log" >&2
	"$filter" "$out/base.log" >"$out/base.jsonl"
	"$PY" - "$out/base.jsonl" "$SESSIONS" >"$corpus.tmp" <<'PY'
import sys
base = open(sys.argv[1], encoding='utf-8').read().splitlines(True)
n = int(sys.argv[2])
head = '{"televal":1,"id":"'
for i in range(n):
    line = base[i % len(base)]
    assert line.startswith(head)
    r = i // len(base)
    sys.stdout.write(line if r == 0 else head + 'r%d-' % r + line[len(head):])
PY
	mv "$corpus.tmp" "$corpus"
fi
cat "$corpus" >/dev/null	# into the page cache
mb=$(($(stat -c %s "$corpus") / 1000000))

# ---- timing -----------------------------------------------------------------
declare -A secs
# timed NAME CMD...: wall seconds of CMD (stdout to /dev/null unless redirected)
timed() {
	local name=$1 t0 t1
	shift
	sync
	t0=$EPOCHREALTIME
	"${PIN[@]}" "$@" 2>"$out/$name.err"
	t1=$EPOCHREALTIME
	secs[$name]=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
	note "$name: ${secs[$name]} s"
}

rm -rf "$out/waza-c" "$out/waza-py" "$out/waza-c-sync" "$out/waza-py-sync"
timed c-waza "$to_eval" -f waza --no-fsync --stats -o "$out/waza-c" "$corpus"
timed py-waza "$PY" "$here/to_eval_peer.py" --format waza --dir "$out/waza-py" "$corpus"
timed c-promptfoo sh -c '"$0" -f promptfoo "$1" >"$2"' "$to_eval" "$corpus" "$out/promptfoo-c.yaml"
timed py-promptfoo "$PY" "$here/to_eval_peer.py" --format promptfoo --out "$out/promptfoo-py.yaml" "$corpus"
timed c-rerun "$to_eval" -f waza --stats -o "$out/waza-c" "$corpus"
if [[ $SYNC == 1 ]]; then
	timed c-waza-sync "$to_eval" -f waza --stats -o "$out/waza-c-sync" "$corpus"
	timed py-waza-sync "$PY" "$here/to_eval_peer.py" --format waza --fsync --dir "$out/waza-py-sync" "$corpus"
fi

tasks=$(ls "$out/waza-c" | grep -c '^runtime-')
py_tasks=$(ls "$out/waza-py" | grep -c '^runtime-')
[[ $tasks -eq $py_tasks ]] || die "televal-to-eval wrote $tasks tasks, the peer $py_tasks"
grep -q "written 0 + unchanged $((tasks + 1))" "$out/c-rerun.err" || die "the rerun wrote files"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1fx", (b > 0 ? a / b : 0) }'; }
rate() { awk -v n="$tasks" -v s="$1" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'; }
{
	echo "televal-to-eval vs Python (yaml.safe_dump): $SESSIONS sessions ($mb MB canonical), $tasks tasks"
	printf '%-44s %9s %11s %8s\n' "run" "seconds" "tasks/s" "speedup"
	printf '%-44s %9s %11s %8s\n' "waza task files: televal-to-eval --no-fsync" "${secs[c-waza]}" "$(rate "${secs[c-waza]}")" "$(ratio "${secs[py-waza]}" "${secs[c-waza]}")"
	printf '%-44s %9s %11s %8s\n' "waza task files: python peer" "${secs[py-waza]}" "$(rate "${secs[py-waza]}")" ""
	printf '%-44s %9s %11s %8s\n' "promptfoo tests file: televal-to-eval" "${secs[c-promptfoo]}" "$(rate "${secs[c-promptfoo]}")" "$(ratio "${secs[py-promptfoo]}" "${secs[c-promptfoo]}")"
	printf '%-44s %9s %11s %8s\n' "promptfoo tests file: python peer" "${secs[py-promptfoo]}" "$(rate "${secs[py-promptfoo]}")" ""
	printf '%-44s %9s %11s %8s\n' "rerun, nothing changed: televal-to-eval" "${secs[c-rerun]}" "$(rate "${secs[c-rerun]}")" ""
	if [[ $SYNC == 1 ]]; then
		printf '%-44s %9s %11s %8s\n' "waza, flushed to disk: televal-to-eval" "${secs[c-waza-sync]}" "$(rate "${secs[c-waza-sync]}")" "$(ratio "${secs[py-waza-sync]}" "${secs[c-waza-sync]}")"
		printf '%-44s %9s %11s %8s\n' "waza, flushed to disk: python peer" "${secs[py-waza-sync]}" "$(rate "${secs[py-waza-sync]}")" ""
	fi
} | tee "$out/results.txt"
