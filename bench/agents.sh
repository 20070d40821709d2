#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# bench/agents.sh: televal-filter reading Claude Code transcripts and Codex
# rollouts against the OTLP logs reader, per MB of input (best of 3 runs,
# one core), on corpora of gen_corpus.py of at least SIZE_MB each.
#
#   bench/agents.sh             # 100 MB
#   SIZE_MB=40 bench/agents.sh
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
out=$here/out
build=$root/build-bench
SIZE_MB=${SIZE_MB:-100}
mkdir -p "$out"
if [[ ! -f $build/build.ninja ]]; then
	meson setup "$build" "$root" -Dbuildtype=release -Db_ndebug=true -Dtests=disabled >&2
fi
ninja -C "$build" >&2
filter=$build/tools/filter/televal-filter
PIN=()
taskset -c 1 true 2>/dev/null && PIN=(taskset -c 1)

# gen FORMAT: $out/agents-FORMAT-SIZE_MB (a file or a directory) of at least SIZE_MB
gen() {
	local fmt=$1 dst=$out/agents-$1-${SIZE_MB}MB n=2000
	while [[ ! -e $dst.done ]]; do
		rm -rf "$dst"
		python3 "$here/gen_corpus.py" --format "$fmt" --sessions "$n" -o "$dst" >&2
		if (($(du -sb "$dst" | cut -f1) >= SIZE_MB * 1000000)); then
			touch "$dst.done"
		fi
		n=$((n * 2))
	done
	echo "$dst"
}

# best of 3: seconds
run() {
	local best=999999 t s e
	for _ in 1 2 3; do
		s=$(date +%s.%N)
		"${PIN[@]}" "$filter" "$1" >/dev/null
		e=$(date +%s.%N)
		t=$(echo "$e - $s" | bc)
		best=$(echo "if ($t < $best) $t else $best" | bc)
	done
	echo "$best"
}

printf '%-12s %10s %8s %8s\n' format MB seconds MB/s
for fmt in otlp-logs claude-code codex; do
	src=$(gen "$fmt")
	mb=$(echo "scale=1; $(du -sb "$src" | cut -f1) / 1000000" | bc)
	secs=$(run "$src")
	printf '%-12s %10s %8s %8s\n' "$fmt" "$mb" "$secs" "$(echo "scale=1; $mb / $secs" | bc)"
done
