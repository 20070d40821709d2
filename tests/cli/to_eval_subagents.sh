#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Sub-agents are not user turns.  A trace in which the app (a root span
# with its own chat and tool) calls a tool that runs an agent: one turn,
# the user's prompt, the agent recorded in turns[].agents with its
# instruction, its calls marked with its agent_id.  televal-to-eval makes
# one task whose prompt is the user's and which lists no follow-up (the
# sub-agent's instruction once became a second prompt).  Canonical output
# round-trips byte for byte through televal-filter and validates.
. "$(dirname "$0")/lib.sh"

TO_EVAL=${TELEVAL_TO_EVAL:?TELEVAL_TO_EVAL is not set}

kv() { printf '{"key":"%s","value":{"%s":%s}}' "$1" "$2" "$3"; }
s() { kv "$1" stringValue "$(printf '%s' "$2" | "$PY" -c 'import json,sys; print(json.dumps(sys.stdin.read()))')"; }
i() { kv "$1" intValue "\"$2\""; }
span() { # ID PARENT NAME START_S END_S ATTRS...
	local id=$1 parent=$2 name=$3 a=$4 b=$5 IFS=,
	shift 5
	printf '{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"%s",%s"name":"%s","startTimeUnixNano":"%d","endTimeUnixNano":"%d","attributes":[%s]}' \
		"$id" "${parent:+\"parentSpanId\":\"$parent\",}" "$name" \
		$((1751360400 + a))000000000 $((1751360400 + b))000000000 "$*"
}

{
	printf '{"resourceSpans":[{"resource":{"attributes":[%s]},"scopeSpans":[{"spans":[' "$(s service.name shop-app)"
	span 00000000000000a1 "" "POST /chat" 0 10 "$(s session.id sess-1)"
	printf ','
	span 00000000000000a2 00000000000000a1 "chat sup" 1 2 "$(s gen_ai.operation.name chat)" \
		"$(s gen_ai.request.model sup-model)" "$(i gen_ai.usage.input_tokens 50)" \
		"$(i gen_ai.usage.output_tokens 5)" \
		"$(s gen_ai.input.messages '[{"role":"user","content":"Summarise the papers on X"}]')" \
		"$(s gen_ai.output.messages '[{"role":"assistant","content":"Here is the summary"}]')"
	printf ','
	span 00000000000000a3 00000000000000a1 "execute_tool ask_researcher" 3 7 \
		"$(s gen_ai.operation.name execute_tool)" "$(s gen_ai.tool.name ask_researcher)"
	printf ','
	span 00000000000000b1 00000000000000a3 "invoke_agent researcher" 4 7 \
		"$(s gen_ai.operation.name invoke_agent)" "$(s gen_ai.agent.name researcher)" \
		"$(s gen_ai.input.messages '[{"role":"user","content":"find papers on X"}]')"
	printf ','
	span 00000000000000b2 00000000000000b1 "chat sub" 5 6 "$(s gen_ai.operation.name chat)" \
		"$(s gen_ai.request.model sub-model)" "$(i gen_ai.usage.input_tokens 30)" \
		"$(i gen_ai.usage.output_tokens 3)" \
		"$(s gen_ai.input.messages '[{"role":"user","content":"find papers on X"}]')"
	printf ','
	span 00000000000000b3 00000000000000b1 "execute_tool search" 6 7 \
		"$(s gen_ai.operation.name execute_tool)" "$(s gen_ai.tool.name search)"
	printf ']}]}]}\n'
} >trace.jsonl

expect_filter 0 trace.jsonl
cp "$T/out" canon.jsonl
check_schema canon.jsonl
"$PY" - canon.jsonl <<'PYEOF' || fail "the session is not one turn with a sub-agent"
import json, sys
s = json.loads(open(sys.argv[1]).readline())
assert len(s["turns"]) == 1, [t["prompt"] for t in s["turns"]]
t = s["turns"][0]
assert t["prompt"] == "Summarise the papers on X", t["prompt"]
assert [(a["name"], a["instruction"]) for a in t["agents"]] == [("researcher", "find papers on X")], t["agents"]
ids = [c.get("agent_id") for c in t["llm_calls"]] + [c.get("agent_id") for c in t["tool_calls"]]
assert ids == [None, "00000000000000b1", None, "00000000000000b1"], ids
assert s["usage"]["input_tokens"] == 80, s["usage"]
PYEOF
expect_filter 0 canon.jsonl
same "$T/out" canon.jsonl "a session with sub-agents through televal-filter"

cat >task.yaml <<'EOF'
prompt: "{{task.prompt}}"
follow_ups: "{{task.follow_ups | default []}}"
EOF
expect_exit 0 "$TO_EVAL" --template task.yaml --jsonl trace.jsonl
[ "$(lines "$T/out")" -eq 1 ] || fail "expected one task: $(cat "$T/out")"
"$PY" - "$T/out" <<'PYEOF' || fail "the task lists the sub-agent's instruction"
import json, sys
task = json.loads(open(sys.argv[1]).readline())
assert task["prompt"] == "Summarise the papers on X", task
assert task["follow_ups"] in ([], None), task
PYEOF
