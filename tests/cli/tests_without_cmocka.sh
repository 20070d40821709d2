#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The CLI tests do not need cmocka: a build configured with -Dtests=disabled
# (what a machine without cmocka gets from -Dtests=auto) registers every
# tests/cli/*.sh and the shape check (where nm is), and no unit test.  Configured only
# (meson introspect reads the test list without building anything).
. "$(dirname "$0")/lib.sh"

command -v meson >/dev/null || skip "meson is not on PATH"

meson setup "$T/b" "$SRC" -Dtests=disabled >"$T/setup.log" 2>&1 || {
	sed -n '1,40p' "$T/setup.log" >&2
	fail "meson setup -Dtests=disabled failed"
}
meson introspect "$T/b" --tests >"$T/tests.json" || fail "meson introspect --tests failed"
nm=$(command -v nm || true)
"$PY" - "$T/tests.json" "$SRC/tests/cli" "$nm" <<'EOF' || fail "the tests registered without cmocka are not the CLI tests"
import json, os, sys
tests = json.load(open(sys.argv[1]))
names = {t["name"] for t in tests}
suites = {s for t in tests for s in t["suite"]}
want = {f for f in os.listdir(sys.argv[2]) if f.endswith(".sh") and f != "lib.sh"}
missing = sorted(want - names)
unit = sorted(t["name"] for t in tests if any(s.endswith("unit") for s in t["suite"]))
assert not missing, "not registered: %s" % missing
assert not unit, "unit tests registered without cmocka: %s" % unit
assert not sys.argv[3] or "libcommon_circles" in names, "the shape check is not registered"
print("registered without cmocka: %d tests in %s" % (len(names), ", ".join(sorted(suites))))
EOF
