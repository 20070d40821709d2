#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Every limit is a clear error, never a crash: --where nested too deep
# (60,000 '(' or 120,000 '!' overflowed the parser's stack) exits 2 with the
# reason and a caret under the token that went too deep.
. "$(dirname "$0")/lib.sh"

gen gemini-collector-log 3 in.log
expect_filter 0 in.log
mv "$T/out" s.jsonl

# repeat STRING N: STRING N times
repeat() {
	local s=$1 n=$2
	awk -v s="$s" -v n="$n" 'BEGIN { for (i = 0; i < n; i++) printf "%s", s }'
}

where_depth() {
	local open close
	open=$(repeat '(' 60000)
	close=$(repeat ')' 60000)
	expect_filter 2 --where "${open}turns > 0${close}" s.jsonl
	stderr_has '^televal-filter: invalid expression: nested deeper than 256 levels'
	# the caret line sits under the 257th '(', in a window of the expression
	stderr_has '^  \.\.\.\(+\.\.\.$'
	[ "$(sed -n '3p' "$T/err")" = "$(printf '  %63s^' '')" ] || fail "caret misplaced: $(sed -n '3p' "$T/err")"
	[ ! -s "$T/out" ] || fail "output written for a bad expression"
	expect_filter 2 --where "$(repeat '!' 120000)true" s.jsonl
	stderr_has '^televal-filter: invalid expression: nested deeper than 256 levels'
	expect_filter 2 --where "$(repeat 'not ' 300)true" s.jsonl
	stderr_has 'nested deeper than 256 levels'
	# the limit itself is fine, and so is a long chain of one operator
	expect_filter 0 --where "$(repeat '(' 256)turns > 0$(repeat ')' 256)" s.jsonl
	[ "$(lines "$T/out")" -eq 3 ] || fail "256 levels: $(lines "$T/out") sessions, expected 3"
	expect_filter 0 --where "$(repeat 'turns > 99 || ' 9000)turns > 0" s.jsonl
	[ "$(lines "$T/out")" -eq 3 ] || fail "a long chain: $(lines "$T/out") sessions, expected 3"
}
part "--where nested too deep" where_depth

# a template of eight nested _each over the turns, each innermost item the
# whole session: 5^8 copies of it, gigabytes; it used to grow until memory
# ran out.  One task is at most --max-task-size (default 64M) bytes.
task_size() {
	local to_eval=${TELEVAL_TO_EVAL:?TELEVAL_TO_EVAL is not set} pre='  ' i
	gen otlp-logs 30 b.log --seed 3
	expect_filter 0 --where 'turns >= 5' b.log
	head -n 1 "$T/out" >five.jsonl
	{
		echo 'bomb:'
		for i in 1 2 3 4 5 6 7; do
			printf '%s- _each: "{{session.turns}}"\n%s  _value:\n' "$pre" "$pre"
			pre="$pre    "
		done
		printf '%s- _each: "{{session.turns}}"\n%s  _value: "{{session}}"\n' "$pre" "$pre"
	} >bomb.yaml
	expect_exit 1 "$to_eval" -t bomb.yaml --max-task-size 1M five.jsonl
	stderr_has '^televal-to-eval: bomb\.yaml:[0-9]+: output larger than 1048576 bytes \(--max-task-size\)$'
	[ ! -s "$T/out" ] || fail "a task larger than --max-task-size was written"
	# the default (not under valgrind: 64M rendered there takes minutes)
	if [ "${TV_VALGRIND:-0}" != 1 ]; then
		expect_exit 1 "$to_eval" -t bomb.yaml five.jsonl
		stderr_has '^televal-to-eval: bomb\.yaml:[0-9]+: output larger than 67108864 bytes \(--max-task-size\)$'
	fi
	# -o: nothing written, no task file left behind
	expect_exit 1 "$to_eval" -t bomb.yaml --max-task-size 1M -o tasks five.jsonl
	[ -z "$(find tasks -type f -name '*.yaml' 2>/dev/null)" ] || fail "a task file was left in tasks/"
	# a task under the limit is written; the limit is a size
	expect_exit 0 "$to_eval" --max-task-size 1M five.jsonl
	grep -q '^id: ' "$T/out" || fail "no task written under --max-task-size 1M"
	expect_exit 2 "$to_eval" --max-task-size 0 five.jsonl
	stderr_has "invalid size '0' for --max-task-size"
	expect_exit 2 "$to_eval" --max-task-size 1X five.jsonl
}
part "template output size" task_size

# YAML files nested deep: 100,000 '[' took libyaml's scanner over a minute
# (a megabyte of them, hours); the policy and the price table stop at 32
# levels, at the line of the one too deep.  A pipe is read once, unchecked.
yaml_depth() {
	local anon=${TELEVAL_ANONYMIZE:?TELEVAL_ANONYMIZE is not set}
	local agg=${TELEVAL_AGGREGATE:?TELEVAL_AGGREGATE is not set} i
	{ printf 'rules: '; repeat '[' 100000; repeat ']' 100000; echo; } >deep.yaml
	expect_exit 2 env TELEVAL_KEY=k "$anon" --policy deep.yaml in.log
	stderr_has '^televal-anonymize: deep\.yaml:1: nested deeper than 32 levels of lists and mappings$'
	{ printf 'models: '; repeat '{a: ' 100000; echo; } >deep-prices.yaml
	expect_exit 2 "$agg" --prices deep-prices.yaml in.log
	stderr_has '^televal-aggregate: deep-prices\.yaml:1: nested deeper than 32 levels of lists and mappings$'
	# block style: the line of the mapping one level too deep
	{
		echo 'rules:'
		for i in $(seq 1 40); do printf '%*sk%d:\n' $((2 * i)) '' "$i"; done
	} >deep-block.yaml
	expect_exit 2 env TELEVAL_KEY=k "$anon" --policy deep-block.yaml in.log
	stderr_has '^televal-anonymize: deep-block\.yaml:33: nested deeper than 32 levels'
	# 32 levels are read (and refused for what they say, not their depth)
	{ printf 'rules: '; repeat '[' 31; repeat ']' 31; echo; } >ok.yaml
	expect_exit 2 env TELEVAL_KEY=k "$anon" --policy ok.yaml in.log
	stderr_lacks 'nested deeper'
	stderr_has "'rules' must be a mapping"
}
part "YAML nesting" yaml_depth

# a JSON record nested deeper than 1024 levels is a counted rejection, in
# the readers (simdjson's depth) and in anonymize's scanner alike
json_depth() {
	local anon=${TELEVAL_ANONYMIZE:?TELEVAL_ANONYMIZE is not set}
	gen otlp-logs 2 deep.jsonl
	{ repeat '[' 2000; repeat ']' 2000; echo; } >>deep.jsonl
	expect_filter 1 --stats deep.jsonl
	stderr_has '^televal-filter: deep\.jsonl:[0-9]+: invalid JSON: The JSON document was too deep'
	check_stats
	[ "$REJECTED" -eq 1 ] || fail "$REJECTED records rejected, expected 1"
	[ "$WRITTEN" -eq 2 ] || fail "$WRITTEN sessions written, expected 2"
	expect_exit 1 env TELEVAL_KEY=k "$anon" --stats deep.jsonl
	stderr_has '^televal-anonymize: deep\.jsonl:[0-9]+: nesting too deep: record left out$'
	stderr_has '^televal-anonymize: records: read [0-9]+ = written [0-9]+ \+ rejected 1$'
}
part "JSON nesting" json_depth

# --per FIELD N keeps N sessions per value: memory is values x N, so the
# values are limited too (--max-strata, default 10000); past it the run
# stops with the reason, and -o leaves no file
strata() {
	gen otlp-logs 6 six.jsonl
	expect_filter 0 --per id 1 --max-strata 6 six.jsonl
	[ "$(lines "$T/out")" -eq 6 ] || fail "--max-strata 6: $(lines "$T/out") sessions, expected 6"
	expect_filter 1 --per id 1 --max-strata 5 -o per.jsonl six.jsonl
	stderr_has '^televal-filter: --per id: more than 5 values \(--max-strata raises the limit\)$'
	[ ! -e per.jsonl ] || fail "-o left a file after --max-strata was hit"
	expect_filter 0 --per id 1 six.jsonl
	[ "$(lines "$T/out")" -eq 6 ] || fail "default --max-strata: $(lines "$T/out") sessions"
	expect_filter 2 --per id 1 --max-strata 0 six.jsonl
	stderr_has "invalid number '0' for --max-strata"
}
part "--per values" strata

# numbers no file of real telemetry holds: every token count of every
# example set to 9e18, so that any two of them add past 2^63.  Sums hold at
# the largest value (a signed overflow is fatal in the sanitized build).
huge_counts() {
	local agg=${TELEVAL_AGGREGATE:?TELEVAL_AGGREGATE is not set}
	local to_eval=${TELEVAL_TO_EVAL:?TELEVAL_TO_EVAL is not set} f out rc n=0
	for f in $(cd "$SRC/examples" && find . -path ./out -prune -o \( -name '*.json*' -o -name '*.log' \) -print | sort); do
		out=huge/$f
		mkdir -p "$(dirname "$out")"
		sed -E -e 's/("[A-Za-z_.]*[Tt]okens?[A-Za-z_]*" ?: ?)[0-9]+/\19000000000000000000/g' \
			-e 's/("key" ?: ?"[^"]*token[^"]*" ?, ?"value" ?: ?\{ ?"intValue" ?: ?)"?[0-9]+"?/\1"9000000000000000000"/g' \
			-e 's/([a-z_]*token_count: Int\()[0-9]+/\19000000000000000000/g' \
			"$SRC/examples/$f" >"$out"
		cmp -s "$out" "$SRC/examples/$f" || n=$((n + 1))
	done
	[ "$n" -ge 8 ] || fail "only $n examples hold token counts to change"
	run_filter huge
	[ "$RC" -le 1 ] || { sed -n 1,5p "$T/err" >&2; fail "televal-filter exits $RC"; }
	cp "$T/out" huge.jsonl
	grep -q '9223372036854775807' huge.jsonl || fail "no sum held at the largest value"
	for cmd in "$agg --prices $SRC/examples/prices.yaml --format json huge.jsonl" \
		"$agg --by model --partial huge.jsonl huge.jsonl" "$to_eval -o huge.tasks huge.jsonl"; do
		rc=0
		$cmd >huge.out 2>huge.err || rc=$?
		[ "$rc" -le 1 ] || { cat huge.err >&2; fail "$cmd: exit $rc"; }
		! grep -q 'runtime error' huge.err || { cat huge.err >&2; fail "$cmd: undefined behaviour"; }
	done
}
part "huge counts" huge_counts

finish
