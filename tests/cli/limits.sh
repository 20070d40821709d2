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

finish
