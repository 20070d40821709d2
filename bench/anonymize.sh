#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# bench/anonymize.sh: televal-anonymize against the npm PII redactors
# redact-pii and @redactpii/node, on the same OTLP logs, for speed (MB/s on
# one core) and quality (recall on planted PII, survival of look-alikes).
# See bench/README.md.
#
#   bench/anonymize.sh                      # 300 MB corpus
#   SIZE_MB=50 PEER_MB=20 bench/anonymize.sh
#
# Environment:
#   SIZE_MB          size of the OTLP logs corpus timed, MB = 10^6 bytes (default 300);
#                    bench/out/otlp-logs-<SIZE_MB>MB.jsonl from bench/run.sh is reused
#   PEER_MB          time the npm peers on the first PEER_MB of it only (default:
#                    SIZE_MB); their MB/s is computed on what they read
#   RECALL_SESSIONS  sessions in the corpus with planted PII for recall (default 2000)
#   RUNS             best of N (default 1)
#   SKIP_BUILD       1: do not (re)build build-bench
#   BUILD            the build tree to take televal-anonymize from (default:
#                    build-bench, a release build)
#   CPU              the core to pin every command to (default 1; "" for none)
#
# Output: a table on stdout and in bench/out/anonymize-results.txt; outputs
# and stderr of every command in bench/out/anon/.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
GEN_CORPUS=$root/tests/tools/gen_corpus.py	# the tests own the corpus generator
out=$here/out
work=$out/anon
build=${BUILD:-$root/build-bench}

SIZE_MB=${SIZE_MB:-300}
PEER_MB=${PEER_MB:-$SIZE_MB}
RECALL_SESSIONS=${RECALL_SESSIONS:-2000}
RUNS=${RUNS:-1}
SKIP_BUILD=${SKIP_BUILD:-0}
CPU=${CPU-1}
BYTES_PER_SESSION=18500
GEN_CHUNK=20000

die() { echo "anonymize.sh: $*" >&2; exit 1; }
note() { echo "anonymize.sh: $*" >&2; }

[[ $SIZE_MB =~ ^[0-9]+$ && $SIZE_MB -ge 1 ]] || die "SIZE_MB must be a positive integer"
[[ $PEER_MB =~ ^[0-9]+$ && $PEER_MB -ge 1 && $PEER_MB -le $SIZE_MB ]] ||
	die "PEER_MB must be an integer from 1 to SIZE_MB"
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer"
TIME=/usr/bin/time
[[ -x $TIME ]] || die "$TIME is missing (Debian: apt-get install -y time)"
for p in python3 node npm meson ninja; do
	command -v "$p" >/dev/null || die "$p is missing"
done
PIN=()
if [[ -n $CPU ]] && command -v taskset >/dev/null && taskset -c "$CPU" true 2>/dev/null; then
	PIN=(taskset -c "$CPU")
else
	note "not pinning to a core"
fi

# ---- build and peers ---------------------------------------------------------
if [[ $SKIP_BUILD != 1 ]]; then
	if [[ ! -f $build/build.ninja ]]; then
		meson setup "$build" "$root" -Dbuildtype=release -Db_ndebug=true -Dtests=disabled >&2
	fi
	ninja -C "$build" >&2
fi
anon=$build/tools/anonymize/televal-anonymize
[[ -x $anon ]] || die "$anon was not built"
if [[ ! -d $here/node_modules/redact-pii || ! -d $here/node_modules/@redactpii/node ]]; then
	note "installing the npm peers into bench/node_modules"
	(cd "$here" && npm ci --no-audit --no-fund >&2) || die "npm ci failed in bench/"
fi

# ---- corpora -----------------------------------------------------------------
mkdir -p "$work"

# gen_big BYTES DEST: OTLP logs of at least BYTES, made of generator runs of
# GEN_CHUNK sessions with distinct seeds (distinct session ids)
gen_big() {
	local want=$1 dst=$2 k=0 n sessions
	if [[ -s $dst ]] && (($(stat -c %s "$dst") >= want)); then
		note "reusing $dst"
		return
	fi
	sessions=$(((want + BYTES_PER_SESSION - 1) / BYTES_PER_SESSION))
	note "generating $dst: $sessions sessions"
	: >"$dst.tmp"
	while ((sessions > 0 || $(stat -c %s "$dst.tmp") < want)); do
		n=$((sessions > GEN_CHUNK ? GEN_CHUNK : sessions))
		((n > 0)) || n=1000
		python3 "$GEN_CORPUS" --format otlp-logs --sessions "$n" --seed $((k + 1)) \
			-o - >>"$dst.tmp"
		sessions=$((sessions - n))
		k=$((k + 1))
	done
	mv "$dst.tmp" "$dst"
}

big=$out/otlp-logs-${SIZE_MB}MB.jsonl
gen_big $((SIZE_MB * 1000000)) "$big"
peer_in=$big
if ((PEER_MB < SIZE_MB)); then
	peer_in=$work/otlp-logs-head-${PEER_MB}MB.jsonl
	head -c $((PEER_MB * 1000000)) "$big" | sed '$d' >"$peer_in"	# whole lines only
fi
recall_in=$work/recall-$RECALL_SESSIONS.jsonl
if [[ ! -s $recall_in ]]; then
	python3 "$GEN_CORPUS" --format otlp-logs --sessions "$RECALL_SESSIONS" --seed 11 \
		--pii-rate 0.5 -o "$recall_in" --truth "$recall_in.truth.json"
fi
look_in=$work/lookalikes.jsonl
python3 "$here/anon_quality.py" lookalikes "$look_in"
key=$work/bench.key
[[ -s $key ]] || head -c 32 /dev/urandom >"$key"

# ---- the commands ------------------------------------------------------------
declare -A CMD NAME
TAGS=(televal redact_pii redactpii_node)
NAME[televal]=televal-anonymize
NAME[redact_pii]="redact-pii (npm)"
NAME[redactpii_node]="@redactpii/node (npm)"
CMD[televal]="$anon --key-file $key"
CMD[redact_pii]="node $here/redact_peers.js redact-pii"
CMD[redactpii_node]="node $here/redact_peers.js @redactpii/node"
[[ $here != *[[:space:]]* && $build != *[[:space:]]* ]] || die "the checkout path must not contain blanks"

tf=$(mktemp)
trap 'rm -f "$tf"' EXIT
declare -A W C R IN
# time_one TAG FILE: best wall and CPU time, peak RSS
time_one() {
	local tag=$1 file=$2 t0 t1 w m u s c
	local -a cmd
	read -ra cmd <<<"${CMD[$tag]}"
	IN[$tag]=$(stat -c %s "$file")
	t0=$EPOCHREALTIME
	"$TIME" -f '%e %M %U %S' -o "$tf" "${PIN[@]}" "${cmd[@]}" "$file" >/dev/null \
		2>"$work/$tag.time.err" || die "${CMD[$tag]} $file failed: see $work/$tag.time.err"
	t1=$EPOCHREALTIME
	read -r _ m u s < <(tail -n 1 "$tf")
	w=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
	c=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
	if [[ -z ${W[$tag]:-} ]] || awk -v a="$w" -v b="${W[$tag]}" 'BEGIN { exit !(a < b) }'; then
		W[$tag]=$w
	fi
	if [[ -z ${C[$tag]:-} ]] || awk -v a="$c" -v b="${C[$tag]}" 'BEGIN { exit !(a < b) }'; then
		C[$tag]=$c
	fi
	R[$tag]=$m
}

cat "$big" >/dev/null
for ((round = 1; round <= RUNS; round++)); do
	for tag in "${TAGS[@]}"; do
		note "round $round: ${NAME[$tag]}"
		if [[ $tag == televal ]]; then
			time_one "$tag" "$big"
		else
			time_one "$tag" "$peer_in"
		fi
	done
done

# quality: the same commands on the planted corpus and the look-alikes
declare -A RECALL LOOK
for tag in "${TAGS[@]}"; do
	read -ra cmd <<<"${CMD[$tag]}"
	"${cmd[@]}" "$recall_in" >"$work/$tag.recall.out" 2>"$work/$tag.recall.err" ||
		die "${CMD[$tag]} $recall_in failed"
	"${cmd[@]}" "$look_in" >"$work/$tag.look.out" 2>"$work/$tag.look.err" ||
		die "${CMD[$tag]} $look_in failed"
	python3 "$here/anon_quality.py" recall "$recall_in.truth.json" "$recall_in" \
		"$work/$tag.recall.out" >"$work/$tag.recall.txt"
	python3 "$here/anon_quality.py" survival "$look_in.values" "$work/$tag.look.out" \
		>"$work/$tag.look.txt"
	RECALL[$tag]=$(awk '$2 == "all" { print $3 }' "$work/$tag.recall.txt")
	LOOK[$tag]=$(awk '$2 == "all" { print $3 }' "$work/$tag.look.txt")
done

# ---- the table ---------------------------------------------------------------
pct() { awk -v f="$1" 'BEGIN { split(f, a, "/"); printf "%.1f%%", a[2] ? 100 * a[1] / a[2] : 0 }'; }
{
	echo "televal-anonymize vs npm PII redactors: OTLP logs, JSON Lines"
	echo "timed input: $(basename "$big") ($((IN[televal] / 1000000)) MB) for televal," \
		"$((IN[redact_pii] / 1000000)) MB for the peers; best of $RUNS; ${PIN[*]:-unpinned}"
	echo "recall: $(basename "$recall_in") ($RECALL_SESSIONS sessions, PII planted at rate 0.5);" \
		"look-alikes: $(wc -l <"$look_in") lines"
	echo
	printf '%-24s %9s %8s %9s %8s %10s %10s %16s\n' tool "input MB" "wall s" "MB/s" \
		"cpu MB/s" "RSS MiB" recall "look-alikes kept"
	for tag in "${TAGS[@]}"; do
		printf '%-24s %9.1f %8.2f %9.1f %8.1f %10.1f %10s %16s\n' "${NAME[$tag]}" \
			"$(awk -v b="${IN[$tag]}" 'BEGIN { print b / 1e6 }')" "${W[$tag]}" \
			"$(awk -v b="${IN[$tag]}" -v w="${W[$tag]}" 'BEGIN { print b / 1e6 / w }')" \
			"$(awk -v b="${IN[$tag]}" -v c="${C[$tag]}" 'BEGIN { print (c > 0 ? b / 1e6 / c : 0) }')" \
			"$(awk -v m="${R[$tag]}" 'BEGIN { print m / 1024 }')" \
			"${RECALL[$tag]} $(pct "${RECALL[$tag]}")" "${LOOK[$tag]} $(pct "${LOOK[$tag]}")"
	done
	echo
	echo "recall by kind (found/planted):"
	for tag in "${TAGS[@]}"; do
		printf '  %-24s %s\n' "${NAME[$tag]}" "$(awk '$2 != "all" { printf "%s %s  ", $2, $3 }' \
			"$work/$tag.recall.txt")"
	done
	echo "look-alikes kept by kind:"
	for tag in "${TAGS[@]}"; do
		printf '  %-24s %s\n' "${NAME[$tag]}" "$(awk '$2 != "all" { printf "%s %s  ", $2, $3 }' \
			"$work/$tag.look.txt")"
	done
} | tee "$out/anonymize-results.txt"
