#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Beyond one machine: a run split into K shards (K = 1, 2, 7) gives the
# answer of one run.
#  - filter's map (--emit-keyed) | sort by key | reduce (--group-sorted)
#    equals one run over the whole input, for every format whose sessions
#    can be spread (records dealt round robin, the hardest split), and under
#    a simulated Hadoop Streaming job with several reducers;
#  - filter --sample, --reservoir and --per over shards of whole sessions,
#    the reservoirs merged by a second --reservoir/--per run, give one
#    run's bytes (sampling.seen included);
#  - anonymize on contiguous shards gives one run's bytes (OTLP logs on the
#    5,000 sessions, the text formats on 200); with --to canonical, one
#    run's sessions;
#  - to-eval on shards writes one run's task files;
#  - GNU parallel --pipe gives one run's bytes.
. "$(dirname "$0")/lib.sh"
[ "${TV_VALGRIND:-0}" != 1 ] || skip "large inputs on both cores: too slow under valgrind"

ANON=${TELEVAL_ANONYMIZE:?TELEVAL_ANONYMIZE is not set}
TOEVAL=${TELEVAL_TO_EVAL:?TELEVAL_TO_EVAL is not set}
SHARD="$SRC/tests/tools/shard.py"
FRONT="$(dirname "$FILTER")/../televal/televal"
export TELEVAL_KEY=00112233445566778899aabbccddeeff
export LC_ALL=C

# split FORMAT K MODE FILE [DIR]: shards in DIR/0 .. DIR/K-1 (DIR: sh), each
# holding FILE's name
split_k() {
	local dir=${5:-sh}
	rm -rf "$dir"
	"$PY" "$SHARD" --format "$1" --k "$2" --mode "$3" "$4" "$dir" || fail "shard.py $*"
}

# map_reduce K FILE [OPTION...]: every shard mapped (run inside its directory,
# so source.file names FILE as a run over FILE does), sorted, reduced
map_reduce() {
	local k=$1 f=$2 i
	shift 2
	for ((i = 0; i < k; i++)); do
		(cd "sh/$i" && "$FILTER" --emit-keyed "$f") || fail "map of shard $i"
	done >keyed
	sort -t$'\t' -k1,1 keyed | "$FILTER" --group-sorted "$@" 2>reduce.err >red ||
		{ cat reduce.err >&2; fail "reduce: exit status $?"; }
	sort red
}

# spread FORMAT GEN-FORMAT N: map/reduce over K round-robin shards equals one run
spread() {
	local fmt=$1 g=$2 n=$3 k
	mkdir -p "one-$g" && cd "one-$g"
	if [ "$n" = big ]; then
		cp ../big.jsonl in
	else
		gen "$g" "$n" in
	fi
	"$FILTER" in | sort >one || fail "$g: one run"
	for k in 1 2 7; do
		split_k "$fmt" "$k" rr in
		map_reduce "$k" in >reduced
		same one reduced "$g: map/sort/reduce over $k shards"
	done
	note "$g: $(lines one) sessions, the same over 1, 2 and 7 shards"
	cd ..
}

# 5,000 interleaved sessions, and the same as canonical sessions; 500 for the
# engines' runs
gen otlp-logs 5000 big.jsonl
gen otlp-logs 500 small.jsonl --seed 2
"$FILTER" big.jsonl >canon.jsonl || fail "canonical corpus"
for k in 1 2 7; do split_k canonical "$k" rr canon.jsonl "canon.$k"; done

part otlp-logs spread otlp otlp-logs big
part otlp-traces spread otlp otlp-traces 300
part collector-log spread collector-log gemini-collector-log 300
part outfile spread outfile gemini-outfile 300
part qwen-outfile spread outfile qwen-outfile 300
part jaeger spread jaeger jaeger 300
part pylog spread pylog pylog 300
part waza spread waza waza 300

# whole sessions in shards: sampling, reservoirs and their merge

sampled() {
	local k opt
	for opt in "--sample 10% --seed 5" "--reservoir 100 --seed 3" "--per models 20 --seed 3"; do
		# shellcheck disable=SC2086
		"$FILTER" $opt canon.jsonl >one || fail "one run $opt"
		for k in 1 2 7; do
			# shellcheck disable=SC2086
			for ((i = 0; i < k; i++)); do "$FILTER" $opt "canon.$k/$i/canon.jsonl"; done >cat
			case $opt in
			--sample*) sort cat >merged && sort one >one.sorted && same one.sorted merged "$opt, $k shards" ;;
			*) "$FILTER" $opt cat >merged && same one merged "$opt, $k shards merged" ;;
			esac
		done
	done
}
part sampling sampled

anonymized() {
	local k f spec fmt
	for spec in otlp:otlp-logs collector-log:gemini-collector-log outfile:gemini-outfile pylog:pylog; do
		fmt=${spec%%:*}
		f=${spec#*:}
		if [ "$f" = otlp-logs ]; then
			cp big.jsonl "a.$f" # the 5,000 interleaved sessions
		else
			gen "$f" 200 "a.$f" --pii-rate 0.5
		fi
		"$ANON" --from "$fmt" "a.$f" >one || fail "anonymize $f"
		for k in 1 2 7; do
			split_k "$fmt" "$k" chunks "a.$f"
			for ((i = 0; i < k; i++)); do "$ANON" --from "$fmt" "sh/$i/a.$f"; done >cat
			same one cat "anonymize $f, $k contiguous shards"
		done
	done
	"$ANON" --to canonical canon.jsonl | sort >one || fail "anonymize --to canonical"
	for k in 1 2 7; do
		for ((i = 0; i < k; i++)); do "$ANON" --to canonical "canon.$k/$i/canon.jsonl"; done |
			sort >cat
		same one cat "anonymize --to canonical, $k shards"
	done
}
part anonymize anonymized

to_eval() {
	local k i f n=0
	"$TOEVAL" --no-fsync -o one.d canon.jsonl || fail "to-eval one run"
	for k in 1 2 7; do
		rm -rf k.d
		for ((i = 0; i < k; i++)); do
			"$TOEVAL" --no-fsync -o "k.d/$i" "canon.$k/$i/canon.jsonl" ||
				fail "to-eval shard $i"
		done
		# every task file of the one run, with the same bytes, and no other
		(cd one.d && sha256sum runtime-*) | sort >one.sums
		for ((i = 0; i < k; i++)); do (cd "k.d/$i" && sha256sum runtime-*); done | sort >k.sums
		same one.sums k.sums "to-eval task files over $k shards"
		n=$(ls one.d/runtime-* | wc -l)
	done
	note "to-eval: $n task files, the same over 1, 2 and 7 shards"
}
part to-eval to_eval

gnu_parallel() {
	command -v parallel >/dev/null || { note "GNU parallel is not installed: skipped"; return 0; }
	"$FILTER" <canon.jsonl >one || fail "one run on stdin"
	parallel --pipe --block 8M -k "$FILTER" <canon.jsonl >par || fail "parallel filter"
	same one par "filter under parallel --pipe"
	"$FILTER" --sample 10% --seed 5 <canon.jsonl >one
	parallel --pipe --block 8M -k "$FILTER" --sample 10% --seed 5 <canon.jsonl >par
	same one par "filter --sample under parallel --pipe"
	"$FILTER" <small.jsonl | sort >one
	parallel --pipe --block 2M "$FILTER" --emit-keyed <small.jsonl | sort -t$'\t' -k1,1 |
		"$FILTER" --group-sorted | sort >par
	same one par "map under parallel --pipe, reduce"
	"$ANON" <small.jsonl >one
	parallel --pipe --block 2M -k "$ANON" --from otlp <small.jsonl >par
	same one par "anonymize under parallel --pipe"
}
part parallel gnu_parallel

# Hadoop Streaming's contract: mappers over input splits, the shuffle
# partitions by key hash to R reducers, each sorted by key
hadoop() {
	local r=3 i
	"$FILTER" small.jsonl | sort >one
	split_k otlp 4 chunks small.jsonl
	for i in 0 1 2 3; do (cd "sh/$i" && "$FILTER" --emit-keyed small.jsonl); done |
		awk -F'\t' -v r="$r" '{ h = 0; for (i = 1; i <= length($1); i++)
			h = (h * 31 + index("0123456789abcdef-", substr($1, i, 1))) % 1000003
			print > ("part-" (h % r)) }'
	for ((i = 0; i < r; i++)); do
		sort -t$'\t' -k1,1 "part-$i" | "$FILTER" --group-sorted || fail "reducer $i"
	done | sort >red
	same one red "4 mappers, $r reducers"
}
part hadoop hadoop

usage() {
	expect_exit 2 "$FILTER" --emit-keyed --where 'turns > 1' canon.jsonl
	stderr_has "select in the reduce"
	expect_exit 2 "$FILTER" --group-sorted --from otlp canon.jsonl
	expect_exit 2 "$FILTER" --emit-keyed --group-sorted canon.jsonl
	# keyed lines out of order: said, not silently wrong
	"$FILTER" --emit-keyed small.jsonl | sort -r >rev
	expect_exit 0 "$FILTER" --group-sorted rev
	stderr_has "not sorted by key"
	printf 'key-without-payload\n' >bad.keyed
	expect_exit 1 "$FILTER" --group-sorted bad.keyed
	stderr_has "bad.keyed:1: not a keyed line"
}
part usage usage

front() {
	[ -x "$FRONT" ] || fail "$FRONT is not built"
	expect_exit 0 "$FRONT" --help
	grep -q "filter" out && grep -q "to-eval" out || fail "televal --help lists no tools"
	"$FRONT" filter canon.jsonl >front.out || fail "televal filter: exit status $?"
	"$FILTER" canon.jsonl | cmp -s - front.out || fail "televal filter differs from televal-filter"
	expect_exit 2 "$FRONT" no-such-tool
	expect_exit 2 "$FRONT"
}
part front front
finish
