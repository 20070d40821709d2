#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# bench/run.sh: throughput and memory of televal-filter against jq, node and
# python on large synthetic corpora.  See bench/README.md.
#
#   bench/run.sh                     # 300 MB corpora, best of 1
#   SIZE_MB=50 RUNS=3 bench/run.sh   # smaller corpora, best of 3
#
# Environment:
#   SIZE_MB    size of each large corpus in MB (10^6 bytes; default 300).  A
#              corpus 10x smaller is made as well, for the memory check.
#   RUNS       time each command N times and keep the best wall time (default 1)
#   SKIP_GEN   1: never generate; use the corpora already in bench/out/
#   SKIP_BUILD 1: do not (re)build build-bench
#   CPU        the core to pin every command to (default 1; "" for no pinning)
#   GEN_CHUNK  sessions per generator run (default 20000, about 370 MB); larger
#              corpora are made of several runs with distinct seeds, each
#              shifted one year later so session ids are unique and the
#              records' clock keeps moving forward
#
# Output: a table on stdout and in bench/out/results.txt; each command's
# stderr (televal's --stats, the peers' counts) in bench/out/logs/.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
GEN_CORPUS=$root/tests/tools/gen_corpus.py	# the tests own the corpus generator
out=$here/out
logs=$out/logs
build=$root/build-bench

SIZE_MB=${SIZE_MB:-300}
RUNS=${RUNS:-1}
SKIP_GEN=${SKIP_GEN:-0}
SKIP_BUILD=${SKIP_BUILD:-0}
CPU=${CPU-1}
GEN_CHUNK=${GEN_CHUNK:-20000}
BYTES_PER_SESSION=18500		# what gen_corpus.py writes per session, both formats, a bit less

die() { echo "run.sh: $*" >&2; exit 1; }
note() { echo "run.sh: $*" >&2; }

[[ $SIZE_MB =~ ^[0-9]+$ && $SIZE_MB -ge 10 ]] || die "SIZE_MB must be an integer >= 10"
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer"

# ---- tools -------------------------------------------------------------------
TIME=/usr/bin/time
[[ -x $TIME ]] || die "$TIME is missing (Debian: apt-get install -y time)"
for p in python3 node jq meson ninja perl; do
	command -v "$p" >/dev/null || die "$p is missing"
done
PIN=()
if [[ -n $CPU ]] && command -v taskset >/dev/null && taskset -c "$CPU" true 2>/dev/null; then
	PIN=(taskset -c "$CPU")
else
	note "not pinning to a core (taskset or CPU $CPU unavailable)"
fi

# ---- build -------------------------------------------------------------------
if [[ $SKIP_BUILD != 1 ]]; then
	if [[ ! -f $build/build.ninja ]]; then
		meson setup "$build" "$root" -Dbuildtype=release -Db_ndebug=true -Dtests=disabled >&2
	fi
	ninja -C "$build" >&2
fi
filter=$build/tools/filter/televal-filter
[[ -x $filter ]] || die "$filter was not built"

# ---- corpora -----------------------------------------------------------------
mkdir -p "$out" "$logs"

# gen FORMAT BYTES DEST: make DEST (at least BYTES) unless it is there already.
gen() {
	local fmt=$1 want=$2 dst=$3
	if [[ -s $dst ]] && (($(stat -c %s "$dst") >= want)); then
		note "reusing $dst"
		return
	fi
	[[ $SKIP_GEN == 1 ]] && die "SKIP_GEN=1 but $dst is missing or too small"
	local sessions=$(((want + BYTES_PER_SESSION - 1) / BYTES_PER_SESSION))
	local tmp=$dst.tmp k=0 n base_s
	base_s=$(date -u -d 2025-07-01 +%s)
	note "generating $dst: $fmt, $sessions sessions"
	: >"$tmp"
	while ((sessions > 0 || $(stat -c %s "$tmp") < want)); do
		n=$((sessions > GEN_CHUNK ? GEN_CHUNK : sessions))
		if ((n == 0)); then	# short of the size: top up by the shortfall + 10%
			n=$(((want - $(stat -c %s "$tmp")) * 11 / 10 / BYTES_PER_SESSION + 1))
			n=$((n > GEN_CHUNK ? GEN_CHUNK : n))
		fi
		if ((k == 0)); then
			python3 "$GEN_CORPUS" --format "$fmt" --sessions "$n" --seed 1 -o "$tmp.part"
		else
			# Chunk k: seed k+1 (new session ids), every time shifted k years
			# (the corpus lies within July 2025, so "2025-07-" -> "2025+k-07-"
			# and epoch nanoseconds + the same number of days).
			local y=$((2025 + k)) off
			off=$(($(date -u -d "$y-07-01" +%s) - base_s))
			python3 "$GEN_CORPUS" --format "$fmt" --sessions "$n" --seed $((k + 1)) -o - |
				perl -pe 'BEGIN { $o = '"$off"' * 1000000000 }
					s/"(1\d{18})"/"\"" . ($1 + $o) . "\""/ge;
					s/\b2025-07-/'"$y"'-07-/g' >"$tmp.part"
		fi
		cat "$tmp.part" >>"$tmp"
		rm -f "$tmp.part"
		sessions=$((sessions - n))
		k=$((k + 1))
	done
	mv "$tmp" "$dst"
}

small_mb=$((SIZE_MB / 10))
declare -A FILE_L FILE_S
for fmt in otlp-logs gemini-collector-log; do
	ext=jsonl
	[[ $fmt == *collector-log ]] && ext=log
	FILE_L[$fmt]=$out/$fmt-${SIZE_MB}MB.$ext
	FILE_S[$fmt]=$out/$fmt-${small_mb}MB.$ext
	gen "$fmt" $((SIZE_MB * 1000000)) "${FILE_L[$fmt]}"
	gen "$fmt" $((small_mb * 1000000)) "${FILE_S[$fmt]}"
done

# ---- measuring ---------------------------------------------------------------
tf=$(mktemp)
trap 'rm -f "$tf"' EXIT

# Every command runs RUNS times, round-robin (round 1: every command once, then
# round 2, ...), so a burst of load from elsewhere hits all tools alike rather
# than one tool's every run.  Per command we keep the best wall time (W), the
# worst (WW, for the spread column), the best CPU time user+sys (C), the
# largest peak RSS in KiB (R) and OK=0 if any run failed.  Wall time is taken with bash's microsecond clock
# around /usr/bin/time (whose %e has 10 ms steps), so it includes a fork+exec
# or two; RSS is /usr/bin/time's %M.  stderr goes to logs/TAG.err.
declare -A CMD W WW C R OK NAME
TAGS=()
add() {	# TAG NAME FILE CMD...
	local tag=$1 name=$2 file=$3
	shift 3
	TAGS+=("$tag")
	NAME[$tag]=$name
	CMD[$tag]="$* $file"
	W[$tag]="" WW[$tag]=0 C[$tag]="" R[$tag]=0 OK[$tag]=1
}
run_once() {	# TAG
	local tag=$1 w m c u sy t0 t1
	local -a cmd
	read -ra cmd <<<"${CMD[$tag]}"
	t0=$EPOCHREALTIME
	if ! "$TIME" -f '%e %M %U %S' -o "$tf" "${PIN[@]}" "${cmd[@]}" >/dev/null 2>"$logs/$tag.err"; then
		OK[$tag]=0
		note "FAILED: ${CMD[$tag]} (see $logs/$tag.err)"
		tail -n 5 "$logs/$tag.err" >&2 || true
	fi
	t1=$EPOCHREALTIME
	read -r _ m u sy < <(tail -n 1 "$tf")
	c=$(awk -v u="$u" -v s="$sy" 'BEGIN { printf "%.2f", u + s }')
	if [[ -z ${C[$tag]} ]] || awk -v a="$c" -v b="${C[$tag]}" 'BEGIN { exit !(a < b) }'; then C[$tag]=$c; fi
	w=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
	if [[ -z ${W[$tag]} ]] || awk -v a="$w" -v b="${W[$tag]}" 'BEGIN { exit !(a < b) }'; then W[$tag]=$w; fi
	if awk -v a="$w" -v b="${WW[$tag]}" 'BEGIN { exit !(a > b) }'; then WW[$tag]=$w; fi
	if ((m > R[$tag])); then R[$tag]=$m; fi
	return 0
}

declare -A PEERS
PEERS[otlp-logs]="node convert (node_parse.js otlp)|node $here/node_parse.js otlp
node JSON.parse only|node $here/node_parse.js otlp-parse
jq -c .|jq -c .
python3 json.loads per line|python3 $here/py_parse.py otlp"
PEERS[gemini-collector-log]="node convert (node_parse.js collector)|node $here/node_parse.js collector
jq -R . (line reading only)|jq -R .
python3 tokenize attr lines|python3 $here/py_parse.py collector"
FORMATS=(otlp-logs gemini-collector-log)
# Paths are split on blanks when run: keep them blank-free.
[[ $here != *[[:space:]]* && $build != *[[:space:]]* ]] || die "the checkout path must not contain blanks"

for fmt in "${FORMATS[@]}"; do
	add "$fmt.televal" televal-filter "${FILE_L[$fmt]}" "$filter" --stats
	add "$fmt.televal.small" televal-filter "${FILE_S[$fmt]}" "$filter" --stats
	while IFS='|' read -r name cmd; do
		tag=$fmt.$(echo "$name" | tr -c 'a-zA-Z0-9\n' '_' | sed 's/__*/_/g;s/_$//')
		# shellcheck disable=SC2086  # cmd is a word list by design
		add "$tag" "$name" "${FILE_L[$fmt]}" $cmd
		# shellcheck disable=SC2086
		add "$tag.small" "$name" "${FILE_S[$fmt]}" $cmd
	done <<<"${PEERS[$fmt]}"
done

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for fmt in "${FORMATS[@]}"; do
	cat "${FILE_L[$fmt]}" "${FILE_S[$fmt]}" >/dev/null	# page cache warm for everyone
done
for ((round = 1; round <= RUNS; round++)); do
	note "round $round of $RUNS"
	for tag in "${TAGS[@]}"; do
		run_once "$tag"
	done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- report ------------------------------------------------------------------
mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1e6 }'; }
row() {	# TAG BYTES REF_TAG
	local t=$1 ref=${3:-}
	awk -v n="${NAME[$t]}" -v w="${W[$t]}" -v ww="${WW[$t]}" -v c="${C[$t]}" -v b="$2" \
		-v r="${ref:+${W[$ref]}}" -v rc="${ref:+${C[$ref]}}" \
		-v rl="${R[$t]}" -v rs="${R[$t.small]}" -v ok="$((OK[$t] && OK[$t.small]))" -v runs="$RUNS" 'BEGIN {
		if (w < 0.001) w = 0.001
		if (c < 0.01) c = 0.01
		ratio = (r > 0) ? sprintf("%.2fx", w / r) : "-"
		cratio = (rc > 0) ? sprintf("%.2fx", c / rc) : "-"
		spread = (runs > 1) ? sprintf("%.0f%%", 100 * (ww - w) / w) : "-"
		printf "  %-40s %7.3f %6s %7.1f %9s %7.2f %7.1f %8s %8.1f %8.1f%s\n", n, w, spread, b / 1e6 / w, ratio,
			c, b / 1e6 / c, cratio, rl / 1024, rs / 1024, ok ? "" : "   FAILED"
	}'
}

res=$out/results.txt.new
: >"$res"
say() { echo "$*" | tee -a "$res"; }

pinned="not pinned"
((${#PIN[@]})) && pinned="pinned with taskset -c $CPU"
say "televal bench: $(date -u +%Y-%m-%dT%H:%M:%SZ), televal $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?') + working tree, release build"
say "host: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores, $pinned;" \
	"best of $RUNS round(s); load average before: $load_before, after: $load_after"
say "peers: node $(node --version), $(jq --version), python $(python3 -c 'import sys; print(sys.version.split()[0])')"
say "MB = 10^6 bytes.  Wall: best wall s over the rounds, spread = (worst - best) / best, MB/s = input"
say "bytes / best wall s, televal = peer wall / televal wall (how many times faster televal is)."
say "CPU: the same from the best user+sys CPU time (less sensitive to other load on a shared machine)."
say "RSS = peak resident set in MiB on the large corpus and on the 1/10 corpus."

declare -A SUMMARY
for fmt in "${FORMATS[@]}"; do
	L=${FILE_L[$fmt]} S=${FILE_S[$fmt]}
	bl=$(stat -c %s "$L") bs=$(stat -c %s "$S")
	say ""
	say "== $fmt: $(basename "$L") ($(mb "$bl") MB), 1/10: $(basename "$S") ($(mb "$bs") MB) =="
	say "$(printf '  %-40s %7s %6s %7s %9s %7s %7s %8s %8s %8s' tool 'wall s' spread 'MB/s' 'televal' 'cpu s' 'MB/s' 'televal' 'RSS MiB' 'RSS 1/10')"
	say "$(row "$fmt.televal" "$bl")"
	nw="" nc="" nsess=""
	for tag in "${TAGS[@]}"; do
		[[ $tag == "$fmt".* && $tag != *.small && $tag != "$fmt.televal" ]] || continue
		say "$(row "$tag" "$bl" "$fmt.televal")"
		if [[ ${NAME[$tag]} == "node convert"* ]]; then
			nw=${W[$tag]} nc=${C[$tag]}
			nsess=$(sed -n 's/.* \([0-9]*\) sessions$/\1/p' "$logs/$tag.err" | tail -n 1)
		fi
	done
	tsess=$(sed -n 's/.*sessions: read \([0-9]*\).*/\1/p' "$logs/$fmt.televal.err" | tail -n 1)
	say "  sessions written: televal ${tsess:-?}, node ${nsess:-?}"
	SUMMARY[$fmt]=$(awk -v w="${W[$fmt.televal]}" -v c="${C[$fmt.televal]}" -v b="$bl" -v nw="$nw" -v nc="$nc" \
		-v tr="${R[$fmt.televal]}" \
		-v trs="${R[$fmt.televal.small]}" -v f="$fmt" 'BEGIN {
		mbs = b / 1e6 / w; x = nw / w
		t = (f == "otlp-logs") ? sprintf(" (target >= 300: %s)", mbs >= 300 ? "met" : "NOT met") : ""
		u = (f == "otlp-logs") ? sprintf(" (target >= 4x: %s)", x >= 4 ? "met" : "NOT met") : ""
		printf "%.0f MB/s%s, %.1fx node convert%s (CPU time: %.0f MB/s, %.1fx);\n      peak RSS %.1f MiB (1/10 input: %.1f MiB)",
			mbs, t, x, u, b / 1e6 / c, nc / c, tr / 1024, trs / 1024 }')
done

say ""
say "summary:"
for fmt in "${FORMATS[@]}"; do
	say "  $fmt: televal-filter ${SUMMARY[$fmt]}"
done
mv "$res" "$out/results.txt"
note "results in $out/results.txt, stderr of each command in $logs/"
