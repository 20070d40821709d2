#!/bin/bash
# SPDX-License-Identifier: MIT
#
# promptfoo itself loads and runs what televal-to-eval writes: the -o DIR
# suite (promptfooconfig.yaml + one test per file) and a tests file from
# standard output, with promptfoo's echo provider, offline.  promptfoo
# 0.121.20 (the newest that runs on Node 20) is installed from npm once into
# $TV_BUILDDIR/promptfoo and reused; without npm, or when the install fails,
# the test is skipped with the reason.
. "$(dirname "$0")/lib.sh"
[ "${TV_VALGRIND:-0}" != 1 ] || skip "promptfoo (node) runs the tasks, not televal: nothing for valgrind"

TO_EVAL=${TELEVAL_TO_EVAL:?TELEVAL_TO_EVAL is not set (run the tests with meson test)}
MAKE="$SRC/tests/tools/make_sessions.py"
VERSION=0.121.20
CACHE=${TV_BUILDDIR:-$T}/promptfoo
PF="$CACHE/node_modules/.bin/promptfoo"

command -v npm >/dev/null 2>&1 || skip "npm is not installed: promptfoo cannot be installed"
if [ ! -x "$PF" ] || ! grep -q "\"version\": \"$VERSION\"" "$CACHE/node_modules/promptfoo/package.json" 2>/dev/null; then
	note "installing promptfoo@$VERSION into $CACHE (takes a minute or more)"
	mkdir -p "$CACHE"
	if ! timeout 480 npm install --prefix "$CACHE" --no-audit --no-fund --loglevel=error \
		"promptfoo@$VERSION" >"$T/npm.log" 2>&1; then
		sed -n '1,20p' "$T/npm.log"
		skip "npm install promptfoo@$VERSION failed (offline?)"
	fi
fi
[ -x "$PF" ] || skip "promptfoo is not in $CACHE after npm install"

export PROMPTFOO_DISABLE_TELEMETRY=1 PROMPTFOO_DISABLE_UPDATE=1
export PROMPTFOO_CONFIG_DIR="$T/promptfoo-config"

# pf DIR CONFIG WANT: run promptfoo eval in DIR, expect exit status WANT
pf() {
	local dir=$1 config=$2 want=$3 rc=0
	(cd "$dir" && timeout 300 "$PF" eval -c "$config" --no-cache -o out.json) \
		>"$dir.pf.log" 2>&1 || rc=$?
	if [ "$rc" -ne "$want" ]; then
		# promptfoo's first run in a fresh config dir sets up its database;
		# under load that has failed once: say so and run it again
		note "promptfoo eval in $dir: exit status $rc, expected $want; running it again"
		grep -v '[│├┌└]' "$dir.pf.log" | tail -n 30
		rc=0
		(cd "$dir" && timeout 300 "$PF" eval -c "$config" --no-cache -o out.json) \
			>"$dir.pf.log" 2>&1 || rc=$?
	fi
	if [ "$rc" -ne "$want" ]; then
		grep -v '[│├┌└]' "$dir.pf.log" | tail -n 40 >&2
		fail "promptfoo eval in $dir: exit status $rc, expected $want"
	fi
}

# results N: promptfoo's out.json holds N results
results() {
	"$PY" -c 'import json, sys; r = json.load(open(sys.argv[1]))["results"]; n = len(r["results"]); sys.exit(0 if n == int(sys.argv[2]) else print(n, "results") or 1)' "$1/out.json" "$2" ||
		fail "$1: promptfoo did not run every test"
}

gen gemini-collector-log 30 in.log

suite() {
	expect_exit 0 "$TO_EVAL" -f promptfoo --no-expect literals --stats -o suite in.log
	local n
	n=$(ls suite/runtime-*.yaml | wc -l)
	[ "$n" -gt 0 ] || fail "no tests written"
	pf suite promptfooconfig.yaml 0
	results suite "$n"
}
part "-o DIR suite, echo provider" suite

tests_file() {
	mkdir tf
	expect_exit 0 "$TO_EVAL" -f promptfoo --unit turn --no-expect literals in.log
	mv "$T/out" tf/tests.yaml
	cat >tf/promptfooconfig.yaml <<'Y'
description: a tests file from televal-to-eval's standard output
prompts:
  - '{{prompt}}'
providers:
  - echo
tests: file://tests.yaml
Y
	pf tf promptfooconfig.yaml 0
	results tf "$("$PY" -c 'import sys, yaml; print(len(yaml.safe_load(open(sys.argv[1]))))' tf/tests.yaml)"
}
part "tests file on standard output" tests_file

# the assertions are real: output literals the echo provider cannot produce fail
failing() {
	cat >spec.json <<'J'
[{"id": "lit", "turns": [{"prompt": "where is the parser? {{not a var}} # - : 'x'",
  "output": "See https://example.com/docs and src/parse_args.c, then call parse_args()."}]},
 {"id": "plain", "turns": [{"prompt": "say hello", "output": "hello"}]}]
J
	"$PY" "$MAKE" spec.json >lit.jsonl
	expect_exit 0 "$TO_EVAL" -f promptfoo -o lit lit.jsonl
	grep -q 'type: regex' lit/runtime-lit.yaml || fail "no regex assertion for an identifier"
	grep -q 'type: contains' lit/runtime-lit.yaml || fail "no contains assertion"
	pf lit promptfooconfig.yaml 100
	expect_exit 0 "$TO_EVAL" -f promptfoo --ignore-case -o lit-i lit.jsonl
	grep -q 'type: icontains' lit-i/runtime-lit.yaml || fail "no icontains assertion with --ignore-case"
	pf lit-i promptfooconfig.yaml 100
}
part "failing assertions exit 100" failing
finish
