#!/bin/bash
# SPDX-License-Identifier: MIT
#
# golden.sh checks itself on a tree of its own: a right case passes; a
# wrong output, wrong messages, a wrong exit status, a stray file, a case
# without its .out and an .xfail case that passes all fail; a failing .xfail
# case is listed as known broken; TV_GOLDEN_UPDATE=1 writes .out, .err and
# .exit and leaves .xfail cases alone.
. "$(dirname "$0")/lib.sh"

GOLDEN=$SRC/tests/cli/golden.sh
D=$T/data/canonical
mkdir -p "$D"

line='{"televal":1,"id":"h-1","source":{"format":null,"service":null,"file":null},"start_time":null,"end_time":null,"duration_ms":null,"skill":null,"user":null,"models":[],"success":null,"error":null,"usage":{"input_tokens":null,"output_tokens":null,"cached_tokens":null,"thinking_tokens":null,"total_tokens":null,"cost_usd":null},"metadata":{},"turns":[],"events":[]}'

# golden [CASES...]: run the harness on $T/data; RC, out in $T/golden.log
golden() {
	RC=0
	TV_GOLDEN_DATA=$T/data bash "$GOLDEN" "$@" >"$T/golden.log" 2>&1 || RC=$?
}

expect_golden() {
	local want=$1 what=$2
	shift 2
	golden "$@"
	if { [ "$want" = pass ] && [ "$RC" -ne 0 ]; } || { [ "$want" = fail ] && [ "$RC" -eq 0 ]; }; then
		sed -n '1,30p' "$T/golden.log" >&2
		fail "$what: golden.sh should $want (exit status $RC)"
	fi
}

reset_case() {
	rm -f "$D"/*
	printf '%s\n' "$line" >"$D/one.in"
	printf '%s\n' "$line" >"$D/one.out"
}

reset_case
expect_golden pass "a right case" canonical
grep -q '^ok canonical/one$' "$T/golden.log" || fail "no ok line for canonical/one"

printf '%s\n' "${line/h-1/other}" >"$D/one.out"
expect_golden fail "a wrong output" canonical
grep -q 'FAIL canonical/one: the output differs' "$T/golden.log" || fail "the wrong output is not named"

reset_case
echo 'televal-filter: something' >"$D/one.err"
expect_golden fail "a missing message" canonical

reset_case
echo 2 >"$D/one.exit"
expect_golden fail "a wrong exit status" canonical

reset_case
printf '{"televal":1,"id":\n' >"$D/bad.in"
: >"$D/bad.out"
echo 1 >"$D/bad.exit"
expect_golden fail "unexpected messages" canonical
grep -q 'unexpected messages' "$T/golden.log" || fail "the unexpected messages are not named"
rm -f "$D"/bad.*

reset_case
: >"$D/notes.txt"
expect_golden fail "a stray file" canonical
grep -q 'notes.txt is not a part of a case' "$T/golden.log" || fail "the stray file is not named"

reset_case
rm "$D/one.out"
expect_golden fail "a case without its .out" canonical

reset_case
echo 'known: it passes anyway' >"$D/one.xfail"
expect_golden fail "an .xfail case that passes" canonical
grep -q 'XPASS canonical/one' "$T/golden.log" || fail "no XPASS line"

printf '%s\n' "${line/h-1/as it should be}" >"$D/one.out"
expect_golden pass "a failing .xfail case" canonical
grep -q '^XFAIL canonical/one: known: it passes anyway' "$T/golden.log" || fail "no XFAIL line"
grep -q '1 known broken' "$T/golden.log" || fail "the known broken case is not counted"

# the update rewrites expectations, and leaves .xfail cases alone
reset_case
printf '{"televal":1,"id":\n' >"$D/bad.in"
echo stale >"$D/one.out"
printf '%s\n' "$line" >"$D/keep.in"
other=${line/h-1/h-2}
printf '%s\n' "$other" >"$D/keep.out"
echo 'should say h-2' >"$D/keep.xfail"
TV_GOLDEN_UPDATE=1 golden canonical
[ "$RC" -eq 0 ] || { sed -n '1,30p' "$T/golden.log" >&2; fail "the update failed"; }
same "$D/one.out" "$D/one.in" "the rewritten one.out"
[ "$(cat "$D/bad.exit")" = 1 ] || fail "bad.exit was not written"
grep -q '^televal-filter: bad:1: invalid JSON' "$D/bad.err" || fail "bad.err was not written"
[ ! -s "$D/bad.out" ] || fail "bad.out is not empty"
[ "$(cat "$D/keep.out")" = "$other" ] || fail "the update rewrote an .xfail case"
expect_golden pass "the updated cases" canonical

# the expectations, known-broken ones too, validate against the schema
echo '{"televal":1,"id":"h-2"}' >"$D/keep.out"
expect_golden fail "an expectation that breaks the schema" canonical
grep -q 'does not validate' "$T/golden.log" || fail "the schema failure is not named"
