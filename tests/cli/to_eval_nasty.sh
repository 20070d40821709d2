#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Nasty prompt and output texts through every built-in template, to standard
# output and to files: YAML readers (PyYAML here) and JSON readers must get
# every prompt and output back exactly, whatever it holds (quotes, ": ", "#",
# a leading "-", YAML keywords, numbers, multi-line text, CR, tabs, control
# characters, unicode, {{placeholders}}, very long lines).
. "$(dirname "$0")/lib.sh"

TO_EVAL=${TELEVAL_TO_EVAL:?TELEVAL_TO_EVAL is not set (run the tests with meson test)}
CHECK_EVAL="$SRC/tests/tools/check_eval.py"
MAKE="$SRC/tests/tools/make_sessions.py"
"$PY" -c 'import yaml' 2>/dev/null || fail "$PY lacks the yaml module (apt-get install python3-yaml)"
SCHEMA=
if [ -n "$SHARED" ] && [ -f "$SHARED/reference/evalformats/waza/task.schema.json" ]; then
	SCHEMA="$SHARED/reference/evalformats/waza/task.schema.json"
fi

"$PY" - >spec.json <<'PY'
import json
nasty = ["true", "False", "null", "~", "yes", "no", "on", "off", "123", "1.5", "-1", ".5", "1e3",
         "0x1F", "0o17", "2024-01-01", "12:30:00", ".inf", "<<", "=", "- item", "-", "key: value",
         "# comment", "a #b", "'single'", '"double"', "it's", "{{x}}", "{{ session.id }}", "}}{{",
         "[1, 2]", "{a: 1}", "!tag", "!!python/object:os.system", "&anchor", "*alias", "|", ">",
         "%YAML 1.2", "@at", "`back`", "a\nb", "a\n", "\nlead", "trailing \n", "a\n\n", "\n\n",
         "  spaced  ", "tab\there", "cr\r\nlf", "only\rcr", "nel\u0085x", "ls\u2028x",
         "\u0001\u001f ctl", "del\u007f", "bom\ufeffmid", "\ufefflead", "\u00fcn\u00efc\u00f6d\u00e9 \u2713 \U0001F389",
         "...", "---", "--- x", "? q", ": colon", "a: b: c", "multi\nline: with\n- dashes\n# hash\n",
         "\\backslash\\", "% percent", ", comma", "[", "}", "x\u00a0nbsp", "\u200bzw", "\uffff",
         "file:///etc/passwd as text", "nul\u0000byte", "long words: " * 400,
         "see https://example.com/a?b=c&d=e, src/main.c and parse_args() or fooBar."]
spec = []
for i, s in enumerate(nasty):
    spec.append({"id": "nasty-%03d" % i, "turns": [{"prompt": s, "output": nasty[-1 - i]}]})
# a multi-turn one: the later prompts become follow-ups / messages
spec.append({"id": "multi", "turns": [{"prompt": p, "output": o} for p, o in
             zip(nasty[:5], nasty[5:10])]})
print(json.dumps(spec))
PY
"$PY" "$MAKE" spec.json >sessions.jsonl || fail "make_sessions.py failed"

nasty() {
	local fmt=$1 dir="$1$#.dir"
	shift
	expect_exit 0 "$TO_EVAL" -f "$fmt" "$@" sessions.jsonl
	mv "$T/out" "$fmt.out"
	"$PY" "$CHECK_EVAL" --format "$fmt" --sessions sessions.jsonl ${SCHEMA:+--schema "$SCHEMA"} \
		--stdout "$fmt.out" "$@" >"$fmt.log" 2>&1 || { cat "$fmt.log" >&2; fail "$fmt: texts changed"; }
	expect_exit 0 "$TO_EVAL" -f "$fmt" "$@" -o "$dir" sessions.jsonl
	"$PY" "$CHECK_EVAL" --format "$fmt" --sessions sessions.jsonl ${SCHEMA:+--schema "$SCHEMA"} \
		--dir "$dir" "$@" >"$fmt.log" 2>&1 || { cat "$fmt.log" >&2; fail "$fmt: texts changed in files"; }
}

for fmt in waza promptfoo openai-evals inspect langfuse; do
	part "$fmt" nasty "$fmt"
	part "$fmt, turns" nasty "$fmt" --unit turn
done

# a user's own template, YAML and JSON Lines, text around the placeholders
own() {
	cat >own.yaml <<'Y'
id: "{{task.id}}"
prompt: "{{turn.prompt}}"
quoted: 'said: "{{turn.prompt | truncate 40}}" #'
json: "{{turn.prompt | json}}"
Y
	expect_exit 0 "$TO_EVAL" -t own.yaml sessions.jsonl
	"$PY" - "$T/out" sessions.jsonl <<'PY' || fail "own template: texts changed"
import json, sys, yaml
docs = list(yaml.safe_load_all(open(sys.argv[1], encoding='utf-8')))
sess = [json.loads(l) for l in open(sys.argv[2], encoding='utf-8')]
sess = [s for s in sess if s['turns'][0]['prompt'].strip(' \t\r\n')]
assert len(docs) == len(sess), (len(docs), len(sess))
for d, s in zip(docs, sess):
    p = s['turns'][0]['prompt']
    assert d['prompt'] == p, (d['prompt'], p)
    assert json.loads(d['json']) == p
    assert d['quoted'].startswith('said: "') and d['quoted'].endswith('" #')
PY
	expect_exit 0 "$TO_EVAL" -t own.yaml --jsonl sessions.jsonl
	"$PY" -c '
import json, sys
sess = [json.loads(l)["turns"][0]["prompt"] for l in open(sys.argv[2], encoding="utf-8")]
sess = [p for p in sess if p.strip(" \t\r\n")]
got = [json.loads(l)["prompt"] for l in open(sys.argv[1], encoding="utf-8").read().split("\n") if l]
assert got == sess, (len(got), len(sess))
' "$T/out" sessions.jsonl || fail "own template, --jsonl: texts changed"
}
part "own template" own
finish
