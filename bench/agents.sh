#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# bench/agents.sh: televal-filter reading Claude Code transcripts (a project
# directory, sub-agent files included) and Codex rollouts (a sessions tree)
# against the OTLP logs reader, per MB of input, on corpora of tests/tools/gen_corpus.py
# of at least SIZE_MB each.  The figure is CPU time (user + system, best of
# 5 runs), which a machine shared with other builds does not disturb as it
# does wall time.
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

# gen FORMAT: $out/agents-FORMAT-SIZE_MB (a file or a directory) of at least SIZE_MB
gen() {
	local fmt=$1 dst=$out/agents-$1-${SIZE_MB}MB n=2000
	while [[ ! -e $dst.done ]]; do
		rm -rf "$dst"
		python3 "$root/tests/tools/gen_corpus.py" --format "$fmt" --sessions "$n" -o "$dst" >&2
		if (($(du -sb "$dst" | cut -f1) >= SIZE_MB * 1000000)); then
			touch "$dst.done"
		fi
		n=$((n * 2))
	done
	echo "$dst"
}

# best of 5: CPU seconds (user + system)
run() {
	local best=999999 t
	for _ in 1 2 3 4 5; do
		t=$({ /usr/bin/time -f '%U %S' "$filter" "$1" >/dev/null; } 2>&1 | tail -1 |
			awk '{ print $1 + $2 }')
		best=$(echo "if ($t < $best) $t else $best" | bc)
	done
	echo "$best"
}

printf '%-12s %10s %8s %8s\n' format MB cpu-s MB/s
for fmt in otlp-logs claude-code codex; do
	src=$(gen "$fmt")
	mb=$(echo "scale=1; $(du -sb "$src" | cut -f1) / 1000000" | bc)
	secs=$(run "$src")
	printf '%-12s %10s %8s %8s\n' "$fmt" "$mb" "$secs" "$(echo "scale=1; $mb / $secs" | bc)"
done
