#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# bench/readers.sh: televal-filter reading large Jaeger JSON and Llama Stack
# SQLite inputs (>= 200 MB each): MB/s and peak memory, at full size and 1/10.
# A Jaeger export is one JSON document, which the format forces televal to
# load whole; the SQLite store is read row by row.
#
#   bench/readers.sh             # 200 MB
#   SIZE_MB=40 bench/readers.sh
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
GEN_CORPUS=$root/tests/tools/gen_corpus.py	# the tests own the corpus generator
out=$here/out
build=$root/build-bench
SIZE_MB=${SIZE_MB:-200}
mkdir -p "$out"
if [[ ! -f $build/build.ninja ]]; then
	meson setup "$build" "$root" -Dbuildtype=release -Db_ndebug=true -Dtests=disabled >&2
fi
ninja -C "$build" >&2
filter=$build/tools/filter/televal-filter
PIN=()
taskset -c 1 true 2>/dev/null && PIN=(taskset -c 1)

# gen FORMAT EXT MB: a corpus of at least MB megabytes (sessions estimated from a
# 200-session probe, then topped up)
gen() {
	local fmt=$1 ext=$2 mb=$3 n per dst=$out/$1-$3MB.$2
	if [[ ! -s $dst ]]; then
		python3 "$GEN_CORPUS" --format "$fmt" --sessions 200 -o "$dst.probe" >&2
		per=$(($(stat -c %s "$dst.probe") / 200))
		rm -f "$dst.probe"
		n=$((mb * 1000000 / per + 1))
		while :; do
			rm -f "$dst"
			python3 "$GEN_CORPUS" --format "$fmt" --sessions "$n" -o "$dst" >&2
			(($(stat -c %s "$dst") >= mb * 1000000)) && break
			n=$((n * 12 / 10 + 1))
		done
	fi
	echo "$dst"
}

tf=$(mktemp)
trap 'rm -f "$tf"' EXIT
row() {	# FILE
	local w m u s bytes sess
	# a Jaeger export is one document: allow it whole (the default limit is 256M)
	/usr/bin/time -f '%e %M %U %S' -o "$tf" "${PIN[@]}" "$filter" --stats --max-record 2G "$1" \
		>/dev/null 2>"$tf.err" || echo "  televal-filter exited $? on $1: $(tail -n 3 "$tf.err")"
	read -r w m u s <"$tf"
	bytes=$(stat -c %s "$1")
	sess=$(sed -n 's/.*sessions: read \([0-9]*\).*/\1/p' "$tf.err")
	awk -v f="$(basename "$1")" -v b="$bytes" -v w="$w" -v u="$u" -v s="$s" -v m="$m" -v n="$sess" \
		'BEGIN { if (w < 0.01) w = 0.01; printf "  %-28s %8.1f MB %7.2f s %8.1f MB/s %7.1f MB/s cpu %8.1f MiB RSS %7d sessions\n",
			f, b / 1e6, w, b / 1e6 / w, b / 1e6 / (u + s + 0.001), m / 1024, n }'
	rm -f "$tf.err"
}

{
	echo "televal-filter reading Jaeger JSON and Llama Stack SQLite ($(date -u +%Y-%m-%dT%H:%M:%SZ))"
	for spec in "jaeger json" "llama-stack db"; do
		set -- $spec
		row "$(gen "$1" "$2" $((SIZE_MB / 10)))"
		row "$(gen "$1" "$2" "$SIZE_MB")"
	done
} | tee "$out/readers-results.txt"
