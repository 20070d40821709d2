#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# bench/filter.sh: televal-filter selecting from a large canonical session file
# (a regex predicate and a 10% hash sample), next to jq and node doing the
# same selection on the same input, in one run; and peak memory as the
# input grows 10x.
#
#   bench/filter.sh            # >= 300 MB of canonical sessions
#   SIZE_MB=50 bench/filter.sh
#
# The canonical corpus is made from bench/out/otlp-logs-*.jsonl (bench/run.sh
# makes it) converted by televal-filter, then copied with distinct session
# ids until it reaches SIZE_MB.  jq cannot compute an HMAC: its sample is a
# cheap stand-in on the id (which flatters jq), the regex select is the same.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
GEN_CORPUS=$root/tests/tools/gen_corpus.py	# the tests own the corpus generator
out=$here/out
build=$root/build-bench
SIZE_MB=${SIZE_MB:-300}
RUNS=${RUNS:-1}
RE='fix.*test|retry'
mkdir -p "$out"

if [[ ! -f $build/build.ninja ]]; then
	meson setup "$build" "$root" -Dbuildtype=release -Db_ndebug=true -Dtests=disabled >&2
fi
ninja -C "$build" >&2
filter=$build/tools/filter/televal-filter

src=$(ls -S "$out"/otlp-logs-*MB.jsonl 2>/dev/null | head -n 1 || true)
if [[ -z $src ]]; then
	python3 "$GEN_CORPUS" --format otlp-logs --sessions 6000 -o "$out/otlp-logs-100MB.jsonl"
	src=$out/otlp-logs-100MB.jsonl
fi
base=$out/canonical-base.jsonl
[[ -s $base ]] || "$filter" "$src" >"$base"

# make FILE of at least BYTES from copies of the base with distinct ids
make_corpus() {
	local dst=$1 want=$2 k=0
	[[ -s $dst && $(stat -c %s "$dst") -ge $want ]] && return
	: >"$dst.tmp"
	while (($(stat -c %s "$dst.tmp") < want)); do
		sed "s/^{\"televal\":1,\"id\":\"/{\"televal\":1,\"id\":\"c$k-/" "$base" >>"$dst.tmp"
		k=$((k + 1))
	done
	mv "$dst.tmp" "$dst"
}
big=$out/canonical-${SIZE_MB}MB.jsonl
small=$out/canonical-$((SIZE_MB / 10))MB.jsonl
make_corpus "$big" $((SIZE_MB * 1000000))
make_corpus "$small" $((SIZE_MB * 100000))

PIN=()
taskset -c 1 true 2>/dev/null && PIN=(taskset -c 1)
tf=$(mktemp)
trap 'rm -f "$tf"' EXIT

# measure NAME CMD...: best wall and CPU seconds over RUNS, peak RSS
measure() {
	local name=$1 best=999999 cbest=999999 rss=0 w c m u s
	shift
	for ((i = 0; i < RUNS; i++)); do
		/usr/bin/time -f '%e %M %U %S' -o "$tf" "${PIN[@]}" "$@" >"$out/$name.out" 2>"$out/$name.err"
		read -r w m u s <"$tf"
		c=$(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }')
		best=$(awk -v a="$w" -v b="$best" 'BEGIN { print (a < b) ? a : b }')
		cbest=$(awk -v a="$c" -v b="$cbest" 'BEGIN { print (a < b) ? a : b }')
		((m > rss)) && rss=$m
	done
	echo "$name $best $cbest $rss $(wc -l <"$out/$name.out")"
}

bytes=$(stat -c %s "$big")
{
	measure televal "$filter" --where "prompt =~ \"$RE\"" --sample 10% --seed 7 "$big"
	measure televal-small "$filter" --where "prompt =~ \"$RE\"" --sample 10% --seed 7 "$small"
	measure node node "$here/filter_select.js" "$RE" 0.1 7 "$big"
	measure jq jq -c "select(((.turns[0].prompt // \"\") | test(\"$RE\")) and ((.id | explode | add) % 10 == 0))" "$big"
} >"$out/filter-results.raw"

awk -v b="$bytes" '
	{ w[$1] = $2; c[$1] = $3; r[$1] = $4; n[$1] = $5 }
	END {
		printf "televal-filter --where regex --sample 10%% on %.1f MB of canonical sessions\n", b / 1e6
		printf "  %-10s %8s %8s %8s %10s %8s %9s\n", "tool", "wall s", "MB/s", "cpu s", "televal", "RSS MiB", "kept"
		split("televal node jq", t, " ")
		for (i = 1; i <= 3; i++) {
			k = t[i]
			printf "  %-10s %8.2f %8.1f %8.2f %9.1fx %8.1f %9d\n", k, w[k], b / 1e6 / w[k], c[k],
				w[k] / w["televal"], r[k] / 1024, n[k]
		}
		printf "  memory: televal peak RSS %.1f MiB on the full input, %.1f MiB on 1/10 of it\n",
			r["televal"] / 1024, r["televal-small"] / 1024
		printf "  targets: >= 10x jq: %s, >= 4x node: %s\n",
			(w["jq"] / w["televal"] >= 10) ? "met" : "NOT met",
			(w["node"] / w["televal"] >= 4) ? "met" : "NOT met"
	}' "$out/filter-results.raw" | tee "$out/filter-results.txt"
