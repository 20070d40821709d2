#!/bin/bash
# SPDX-License-Identifier: MIT
#
# televal-to-eval -o DIR with hostile session ids: nothing is written outside
# DIR, no name is hidden, a device name (con, nul, com1, ...) or too long,
# no two names clash (even ignoring case), the suite file and the manifest
# are never overwritten by a task, and every task is there with its own id.
. "$(dirname "$0")/lib.sh"

TO_EVAL=${TELEVAL_TO_EVAL:?TELEVAL_TO_EVAL is not set (run the tests with meson test)}
CHECK_EVAL="$SRC/tests/tools/check_eval.py"
MAKE="$SRC/tests/tools/make_sessions.py"
"$PY" -c 'import yaml' 2>/dev/null || fail "$PY lacks the yaml module (apt-get install python3-yaml)"

"$PY" - >spec.json <<'PY'
import json
ids = ["../../etc/passwd", "/abs/olute", "con:", "CON", "con", "nul.txt", "aux", "com1", "LPT9",
       ".hidden", "..", ".", "-rf", "a/b", "a_b", "a\\b", "ABC", "abc", "x" * 500, "\u00fcn\u00ef",
       "new\nline", "tab\tid", "eval", "promptfooconfig", ".televal-to-eval", "dup", "dup",
       "runtime-x", "trailing.", "nul\u0000byte", "eval.yaml", "a_b-4f1b2c3d", " ", "*?<>|\"",
       "C:\\Windows\\system32", "%2e%2e%2f"]
print(json.dumps([{"id": i, "turns": [{"prompt": "prompt of %r" % i, "output": "ok"}]} for i in ids]))
PY
"$PY" "$MAKE" spec.json >sessions.jsonl || fail "make_sessions.py failed"
N=$(lines sessions.jsonl)

names() {
	local fmt=$1 prefix=$2 dir
	dir="w-$fmt-${prefix:-none}/out"
	mkdir -p "$(dirname "$dir")"
	expect_exit 0 "$TO_EVAL" -f "$fmt" --id-prefix "$prefix" --stats -o "$dir" sessions.jsonl
	[ "$(ls -A "$(dirname "$dir")")" = out ] || fail "$fmt: files outside the output directory"
	[ ! -e etc ] && [ ! -e "$T/../etc/passwd.yaml" ] || fail "$fmt: a path escaped"
	"$PY" "$CHECK_EVAL" --format "$fmt" --sessions sessions.jsonl --id-prefix "$prefix" \
		--dir "$dir" >check.log 2>&1 || { cat check.log >&2; fail "$fmt: tasks missing or wrong"; }
	"$PY" - "$dir" "$N" "$fmt" <<'PY' || fail "$fmt: unsafe or clashing names"
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
names = [x for x in os.listdir(d) if not x.startswith('.')]
suite = {'waza': {'eval.yaml'}, 'promptfoo': {'promptfooconfig.yaml'}}.get(sys.argv[3], set())
tasks = [x for x in names if x not in suite]
assert len(tasks) == n, (len(tasks), n)
assert len({x.lower() for x in names}) == len(names), 'names clash ignoring case'
for x in names:
    assert len(x.encode()) <= 140, x
    assert x.split('.')[0].lower() not in {'con', 'prn', 'aux', 'nul'}, x
    assert not x.endswith('.'), x
    assert all(c.isascii() and (c.isalnum() or c in '._-') for c in x), x
PY
	# the same input names the files the same way
	expect_exit 0 "$TO_EVAL" -f "$fmt" --id-prefix "$prefix" --stats -o "$dir" sessions.jsonl
	local suites=1
	[ "$fmt" != inspect ] || suites=0
	stderr_has "files: written 0 \+ unchanged $((N + suites)), pruned 0"
}

for fmt in waza promptfoo inspect; do
	part "$fmt, prefix runtime-" names "$fmt" runtime-
	part "$fmt, no prefix" names "$fmt" ""
done

# -o on a file, or on a directory that cannot be made
badir() {
	: >plain
	expect_exit 1 "$TO_EVAL" -o plain sessions.jsonl
	stderr_has '^televal-to-eval: plain: cannot use as the output directory'
	expect_exit 1 "$TO_EVAL" -o plain/sub sessions.jsonl
}
part "bad -o" badir
finish
