#!/bin/bash
# SPDX-License-Identifier: MIT
#
# A DIR operand is read whole: every path below it that cannot be read (a
# link pointing nowhere, a link to itself, a link back to a directory above
# it, a directory that cannot be opened) is named on stderr as
# `PATH: not read: why`, the rest of the directory is still read (the files
# after it in name order too), and the exit status is 1.  The tests run as
# root, where permissions do not stop reading: the unreadable directory is
# checked as the user nobody when setpriv or runuser can switch to it.
. "$(dirname "$0")/lib.sh"

gen otlp-logs 3 one.jsonl --seed 1
gen otlp-logs 2 two.jsonl --seed 2
"$FILTER" --ids one.jsonl two.jsonl | sort >want || fail "the plain files cannot be read"
[ "$(lines want)" -eq 5 ] || fail "expected 5 distinct sessions: $(cat want)"

mkdir -p top/a top/b/deeper top/c
cp one.jsonl top/a/1.jsonl
cp two.jsonl top/c/2.jsonl
ln -s nowhere top/b/dangling
ln -s self top/b/self
ln -s ../.. top/b/deeper/up

expect_filter 1 --ids top
sort "$T/out" >got
same got want "sessions below top"
stderr_has "^televal-filter: top/b/dangling: not read: a dangling link$"
stderr_has "^televal-filter: top/b/self: not read: .*(symbolic links|loop)"
stderr_has "^televal-filter: top/b/deeper/up: not read: a link back to a directory above it"
[ "$(grep -c 'not read' "$T/err")" -eq 3 ] || fail "expected three paths named: $(cat "$T/err")"

# a file operand that is missing is named as before, and the rest is read
expect_filter 1 --count missing.jsonl top/a
stderr_has "^televal-filter: missing.jsonl: cannot open"
[ "$(cat "$T/out")" = "3" ] || fail "top/a after a missing operand: $(cat "$T/out")"

# the unreadable directory, as a user permissions apply to
as_nobody() {
	if command -v setpriv >/dev/null 2>&1; then
		setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"
	else
		runuser -u nobody -- "$@"
	fi
}
if [ "$(id -u)" -ne 0 ] || ! { command -v setpriv || command -v runuser; } >/dev/null 2>&1 ||
	! as_nobody test -x "$FILTER" 2>/dev/null; then
	note "cannot run as nobody here: the unreadable directory is not checked"
	exit 0
fi
rm -f top/b/dangling top/b/self top/b/deeper/up
mkdir top/b/locked
cp one.jsonl top/b/locked/3.jsonl
chmod -R a+rX "$T"
chmod 000 top/b/locked
RC=0
(cd "$T" && as_nobody "$FILTER" --ids top) >"$T/out" 2>"$T/err" || RC=$?
check_no_crash "$RC" "$T/err" "televal-filter as nobody"
[ "$RC" -eq 1 ] || fail "as nobody: exit status $RC, expected 1 ($(cat "$T/err"))"
sort "$T/out" >got
same got want "sessions below top, as nobody"
stderr_has "^televal-filter: top/b/locked: not read: Permission denied$"
