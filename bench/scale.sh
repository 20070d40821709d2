#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# bench/scale.sh: televal beyond one core and as inputs grow.
#
#   bench/scale.sh                 # 1 GB corpora
#   SIZE_MB=200 bench/scale.sh     # a quicker look
#
# 1. Workers: each tool (filter, filter --sample, anonymize, to-eval) on a
#    SIZE_MB corpus alone (1 worker) and under GNU parallel -j2 -k
#    (2 workers, --pipepart: parallel seeks to the blocks of the file): wall
#    time, speed-up, and the largest peak RSS of one process.
# 2. Growth: each tool on 10 MB, 100 MB and SIZE_MB prefixes of the same
#    corpus: peak RSS must stay flat for filter, anonymize and to-eval; for
#    grouping it follows the sessions open at once, shown by the map/reduce
#    path (--emit-keyed | sort | --group-sorted), which holds one session.
#
# Environment: SIZE_MB (default 1000), SKIP_BUILD=1, SKIP_GEN=1 (reuse
# bench/out/scale-*), PARTS ("workers growth" by default; one of them to run
# only that part: the growth figures are peak memory, which other work on
# the machine does not change, the worker figures want a quiet machine).
# Output: a table on stdout and bench/out/scale.txt (scale-PART.txt for one part).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
out=$here/out
build=$root/build-bench
SIZE_MB=${SIZE_MB:-1000}
SKIP_BUILD=${SKIP_BUILD:-0}
SKIP_GEN=${SKIP_GEN:-0}
PARTS=${PARTS:-workers growth}
GEN=$root/tests/tools/gen_corpus.py

TIME=/usr/bin/time

die() { echo "scale.sh: $*" >&2; exit 1; }
[[ -x $TIME ]] || die "$TIME is missing (Debian: apt-get install -y time)"
command -v parallel >/dev/null || die "GNU parallel is missing (Debian: apt-get install -y parallel)"

if [[ $SKIP_BUILD != 1 ]]; then
	[[ -f $build/build.ninja ]] ||
		meson setup "$build" -Dbuildtype=release -Db_ndebug=true -Dtests=disabled >/dev/null
	ninja -C "$build" >/dev/null
fi
FILTER=$build/tools/filter/televal-filter
ANON=$build/tools/anonymize/televal-anonymize
TOEVAL=$build/tools/to-eval/televal-to-eval
export TELEVAL_KEY=00112233445566778899aabbccddeeff LC_ALL=C
mkdir -p "$out"

# ---- corpora: OTLP logs (interleaved sessions) and canonical sessions, SIZE_MB each ----
big=$out/scale-otlp.jsonl
canon=$out/scale-canon.jsonl
if [[ $SKIP_GEN != 1 || ! -s $big ]]; then
	n=$((SIZE_MB * 1000000 / 18700 + 1))	# gen_corpus.py writes ~18.7 kB per otlp-logs session
	echo "scale.sh: generating $n sessions of OTLP logs" >&2
	python3 "$GEN" --format otlp-logs --sessions "$n" --seed 11 -o "$big" >/dev/null
	"$FILTER" "$big" >"$canon.one"
	# canonical at SIZE_MB too: copies of the sessions with new ids
	rm -f "$canon"
	while [[ $(stat -c %s "$canon" 2>/dev/null || echo 0) -lt $((SIZE_MB * 1000000)) ]]; do
		c=$(( $(stat -c %s "$canon" 2>/dev/null || echo 0) / $(stat -c %s "$canon.one") ))
		sed "s/^{\"televal\":1,\"id\":\"/{\"televal\":1,\"id\":\"c$c-/" "$canon.one" >>"$canon"
	done
	rm -f "$canon.one"
fi
for f in "$big" "$canon"; do
	head -c 10000000 "$f" | sed '$d' >"$f.10"
	head -c 100000000 "$f" | sed '$d' >"$f.100"
	cat "$f" >/dev/null
done

# run NAME CMD...: wall seconds and the peak RSS (MiB) of the largest process
peak_file=$(mktemp)
trap 'rm -f "$peak_file"' EXIT
run() {
	local t0 t1
	: >"$peak_file"
	t0=$EPOCHREALTIME
	"$@" >/dev/null
	t1=$EPOCHREALTIME
	printf '%.2f %s\n' "$(echo "$t1 - $t0" | bc)" "$(sort -n "$peak_file" | tail -1 | awk '{printf "%.1f", $1/1024}')"
}
# timed CMD...: CMD under /usr/bin/time, its peak RSS (KiB) appended to the peak file
timed() {
	$TIME -f %M -a -o "$peak_file" "$@"
}
export -f timed
export TIME peak_file

tools=(
	"filter|$big|$FILTER"
	"filter --sample 5%|$big|$FILTER --sample 5% --seed 7"
	"anonymize|$big|$ANON --from otlp"
	"to-eval (stdout)|$canon|$TOEVAL"
)

workers() {
	echo "== workers: $SIZE_MB MB, 1 process vs GNU parallel --pipepart -j2 --block 64M -k"
	printf '%-22s %10s %10s %8s %12s %12s\n' tool "1 worker s" "2 workers s" speedup "1: peak MiB" "2: peak MiB"
	for spec in "${tools[@]}"; do
		IFS='|' read -r name input cmd <<<"$spec"
		# shellcheck disable=SC2086
		read -r t1 m1 < <(run timed $cmd "$input")
		# shellcheck disable=SC2086
		read -r t2 m2 < <(run parallel --pipepart -a "$input" -j2 --block 64M -k timed $cmd)
		printf '%-22s %10s %10s %8.2f %12s %12s\n' "$name" "$t1" "$t2" "$(echo "$t1 / $t2" | bc -l)" "$m1" "$m2"
	done
	echo
}

growth() {
	echo "== growth: peak RSS (MiB) of one process over 10 MB, 100 MB and $SIZE_MB MB"
	printf '%-34s %10s %10s %10s\n' tool "10 MB" "100 MB" "$SIZE_MB MB"
	grow() {
		local name=$1 input=$2
		shift 2
		local a b c
		read -r _ a < <(run timed "$@" "$input.10")
		read -r _ b < <(run timed "$@" "$input.100")
		read -r _ c < <(run timed "$@" "$input")
		printf '%-34s %10s %10s %10s\n' "$name" "$a" "$b" "$c"
	}
	grow "filter (OTLP logs, grouping)" "$big" "$FILTER"
	grow "filter --emit-keyed (the map)" "$big" "$FILTER" --emit-keyed
	grow "filter (canonical)" "$canon" "$FILTER"
	grow "anonymize" "$big" "$ANON" --from otlp
	grow "to-eval" "$canon" "$TOEVAL"
	for s in 10 100 ""; do
		f=$big${s:+.$s}
		"$FILTER" --emit-keyed "$f" | sort -t$'\t' -k1,1 -S 1G >"$out/scale.keyed"
		read -r _ m < <(run timed "$FILTER" --group-sorted "$out/scale.keyed")
		printf '%-34s %s MB: %s MiB\n' "filter --group-sorted (the reduce)" "${s:-$SIZE_MB}" "$m"
	done
	rm -f "$out/scale.keyed"
}

res=$out/scale.txt
[[ $PARTS == "workers growth" ]] || res=$out/scale-${PARTS// /-}.txt
for part in $PARTS; do
	case $part in
	workers | growth) "$part" ;;
	*) die "PARTS: no part '$part' (workers, growth)" ;;
	esac
done | tee "$res"
