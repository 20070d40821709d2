#!/bin/bash
# SPDX-License-Identifier: MIT
#
# televal-to-eval's command line: --help and --version on standard output
# (exit 0), usage errors (exit 2) with a hint, template errors naming the
# template file, line and placeholder (exit 2 when compiling, 1 when a
# session's data does not fit), the nesting limit of templates and of what
# they write, --print-template, --list-formats, --var,
# --suite-template, --expect and the budget factor.
. "$(dirname "$0")/lib.sh"

TO_EVAL=${TELEVAL_TO_EVAL:?TELEVAL_TO_EVAL is not set (run the tests with meson test)}
MAKE="$SRC/tests/tools/make_sessions.py"

cat >spec.json <<'J'
[{"id": "s1", "cost_usd": 0.01, "turns": [{"prompt": "fix src/a.c", "output": "Fixed src/a.c; see fix_it().",
  "duration_ms": 1500, "tools": [["read_file", true, "accept"], ["run_shell_command", false, "reject"],
  ["write_file", true, "auto_accept"]]}]},
 {"id": "s2", "success": false, "turns": [{"prompt": "second", "output": "no"}]}]
J
"$PY" "$MAKE" spec.json >s.jsonl

basics() {
	expect_exit 0 "$TO_EVAL" --help
	grep -q '^Usage: televal-to-eval ' "$T/out" || fail "--help: no usage line"
	expect_exit 0 "$TO_EVAL" --version
	grep -Eq '^televal-to-eval \(televal\) [0-9]' "$T/out" || fail "--version"
	expect_exit 0 "$TO_EVAL" --list-formats
	for f in waza promptfoo openai-evals inspect langfuse; do
		grep -q "^$f " "$T/out" || fail "--list-formats lacks $f"
	done
	expect_exit 0 "$TO_EVAL" --print-template waza
	grep -q 'inputs:' "$T/out" || fail "--print-template waza"
	expect_exit 0 "$TO_EVAL" --print-template promptfoo-config.yaml
	grep -q 'providers:' "$T/out" || fail "--print-template promptfoo-config.yaml"
}
part "help, version, formats, templates" basics

usage() {
	local args
	for args in "--format nope" "--unit week" "--expect bogus" "--budget-factor 0" \
		"--budget-factor x" "--max-literals -1" "--var novalue" "--var =x" "--prune" \
		"-f waza -t x.yaml" "-f waza --jsonl" "--bogus" "-o -" "--from nope"; do
		# shellcheck disable=SC2086
		expect_exit 2 "$TO_EVAL" $args s.jsonl
		grep -q "Try 'televal-to-eval --help'" "$T/err" || fail "$args: no --help hint"
	done
}
part "usage errors exit 2" usage

template_errors() {
	printf 'id: "{{task.id}}"\nname: x\nbad: "{{task.id | nope}}"\n' >bad.yaml
	expect_exit 2 "$TO_EVAL" -t bad.yaml s.jsonl
	stderr_has '^televal-to-eval: bad.yaml:3: \{\{task.id \| nope\}\}: unknown filter$'
	printf 'a: [1,\n' >broken.yaml
	expect_exit 2 "$TO_EVAL" -t broken.yaml s.jsonl
	stderr_has '^televal-to-eval: broken.yaml:2: '
	expect_exit 2 "$TO_EVAL" -t missing.yaml s.jsonl
	stderr_has '^televal-to-eval: missing.yaml: cannot open'
	printf 'id: "{{task.id}}"\n\nwho: "{{session.metadata.owner}}"\n' >strict.yaml
	expect_exit 1 "$TO_EVAL" -t strict.yaml s.jsonl
	stderr_has "^televal-to-eval: strict.yaml:3: \{\{session.metadata.owner\}\}: no member 'owner'$"
	printf 'id: "{{task.id}}"\nwho: "{{session.metadata.owner | default \\"nobody\\"}}"\n' >ok.yaml
	expect_exit 0 "$TO_EVAL" -t ok.yaml s.jsonl
	grep -q '^who: nobody$' "$T/out" || fail "default did not apply"
}
part "template errors" template_errors

nesting() {
	# 64 lists and mappings nest; the 65th is an error at its line
	"$PY" -c 'print("a: " + "[" * 63 + "1" + "]" * 63)' >ok.yaml
	expect_exit 0 "$TO_EVAL" -t ok.yaml s.jsonl
	"$PY" -c 'print("id: 1\na: " + "[" * 64 + "1" + "]" * 64)' >deep.yaml
	expect_exit 2 "$TO_EVAL" -t deep.yaml s.jsonl
	stderr_has '^televal-to-eval: deep.yaml:2: template nested too deep: more than 64 levels of lists and mappings$'
	# a million levels: the same error, at once
	"$PY" -c 'print("[" * 1000000 + "]" * 1000000)' >huge.yaml
	expect_exit 2 "$TO_EVAL" -t huge.yaml s.jsonl
	stderr_has '^televal-to-eval: huge.yaml:1: template nested too deep'
	# a session's value that would nest the output deeper: an error at its placeholder
	"$PY" - s.jsonl <<'PY' >deep.jsonl
import json, sys
for line in open(sys.argv[1]):
    s = json.loads(line)
    v = "leaf"
    for _ in range(70):
        v = {"k": v}
    s["metadata"] = {"deep": v}
    print(json.dumps(s))
PY
	printf 'id: "{{task.id}}"\nmeta: "{{session.metadata}}"\n' >meta.yaml
	expect_exit 1 "$TO_EVAL" -t meta.yaml deep.jsonl
	stderr_has '^televal-to-eval: meta.yaml:2: \{\{session.metadata\}\}: the value nests too deep: the output would have more than 64 levels of lists and mappings$'
	[ -s "$T/out" ] && fail "a task was written"
	expect_exit 1 "$TO_EVAL" -t meta.yaml --jsonl deep.jsonl
	stderr_has '^televal-to-eval: meta.yaml:2: \{\{session.metadata\}\}: the value nests too deep'
	printf 'id: "{{task.id}}"\nmeta: "{{session.metadata | json}}"\n' >text.yaml
	expect_exit 0 "$TO_EVAL" -t text.yaml deep.jsonl
}
part "nesting limits" nesting

expectations() {
	expect_exit 0 "$TO_EVAL" -f langfuse --budget-factor 3 s.jsonl
	"$PY" - "$T/out" <<'PY' || fail "expectations differ"
import json, sys
d = json.loads(open(sys.argv[1]).readline())
e = d['expectedOutput']
assert e['required_tools'] == ['read_file', 'write_file'], e
assert e['forbidden_tools'] == ['run_shell_command'], e
assert e['max_tool_calls'] == 9, e
assert e['max_duration_ms'] == 27000, e          # the session's 9000 ms x 3
assert abs(e['max_cost_usd'] - 0.03) < 1e-9, e
assert e['output_contains'] == ['src/a.c', 'fix_it'], e
assert d['metadata']['televal']['session_id'] == 's1'
assert d['metadata']['failed'] is False
PY
	expect_exit 0 "$TO_EVAL" -f langfuse --no-expect required-tools,cost,literals s.jsonl
	"$PY" - "$T/out" <<'PY' || fail "--no-expect did not switch them off"
import json, sys
e = json.loads(open(sys.argv[1]).readline())['expectedOutput']
assert 'required_tools' not in e and 'max_cost_usd' not in e and 'output_contains' not in e, e
assert e['forbidden_tools'] == ['run_shell_command'], e
PY
	expect_exit 0 "$TO_EVAL" -f langfuse --expect none --include-failed s.jsonl
	[ "$(lines "$T/out")" -eq 2 ] || fail "--include-failed: not 2 tasks"
	grep -q '"failed":true' "$T/out" || fail "the failed task is not marked"
	grep -q 'max_tool_calls' "$T/out" && fail "--expect none left a budget"
	return 0
}
part "expectations" expectations

own_suite() {
	printf 'id: "{{task.id}}"\n' >t.yaml
	printf 'files: "{{suite.files}}"\nby: "{{vars.by}}"\nn: "{{vars.n}}"\n' >index.yaml
	expect_exit 0 "$TO_EVAL" -t t.yaml --suite-template index.yaml --var by=me --var n=3 -o d s.jsonl
	[ -f d/index.yaml ] && [ -f d/runtime-s1.yaml ] || fail "no suite or task file"
	grep -q '^by: me$' d/index.yaml && grep -q '^n: 3$' d/index.yaml || fail "--var values"
	grep -q -- '- runtime-s1.yaml' d/index.yaml || fail "the suite does not list the task"
	expect_exit 0 "$TO_EVAL" -f promptfoo --var provider=openai:gpt-4.1 -o p s.jsonl
	grep -q -- '- openai:gpt-4.1' p/promptfooconfig.yaml || fail "--var provider"
}
part "own suite, vars" own_suite
finish
