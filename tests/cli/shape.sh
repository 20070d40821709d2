#!/bin/bash
# SPDX-License-Identifier: MIT
# The layout check: tests/tools/check_circles.py fails on a library whose
# object files call each other in a circle, passes a chain, and passes
# libcommon as built (the check the suite runs as libcommon_circles).
. "$(dirname "$0")/lib.sh"

CHECK="$SRC/tests/tools/check_circles.py"
command -v cc >/dev/null && command -v ar >/dev/null && command -v nm >/dev/null ||
	skip "no cc, ar or nm"

printf 'int b(int);\nint a(int x) { return x ? b(x - 1) : 0; }\n' >a.c
printf 'int a(int);\nint b(int x) { return x ? a(x - 1) : 1; }\n' >b.c
printf 'int c(int x) { return x; }\n' >c.c
printf 'int c(int);\nint d(int x) { return c(x); }\n' >d.c
for f in a b c d; do cc -c "$f.c" -o "$f.o" || fail "cc $f.c"; done
ar rcs circle.a a.o b.o c.o d.o
ar rcs chain.a c.o d.o

expect_exit 1 "$PY" "$CHECK" circle.a
grep -q '^circle: a b$' out || fail "the circle a <-> b is not named: $(cat out)"
expect_exit 0 "$PY" "$CHECK" circle.a nm --allow a,b
expect_exit 0 "$PY" "$CHECK" chain.a
grep -q 'no dependency circle' out || fail "a chain is reported: $(cat out)"
finish
