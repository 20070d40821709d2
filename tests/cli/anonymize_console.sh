#!/bin/bash
# SPDX-License-Identifier: MIT
#
# An OpenTelemetry console exporter dump (Python's ConsoleSpanExporter:
# pretty-printed span objects back to back) through televal-anonymize keeps
# its layout: the same lines, indentation and order, only the PII (an
# e-mail address, the host name) replaced;
# the result is still a console dump and reads into the same sessions.
. "$(dirname "$0")/lib.sh"

ANON=${TELEVAL_ANONYMIZE:?TELEVAL_ANONYMIZE is not set (run the tests with meson test)}
printf 'a team key for the tests' >key

"$PY" - >dump.txt <<'PYEOF'
import json
def span(name, sid, parent, start, end, attrs):
    return json.dumps({
        "name": name,
        "context": {"trace_id": "0x0af7651916cd43dd8448eb211c80319c", "span_id": "0x" + sid,
                    "trace_state": "[]"},
        "kind": "SpanKind.INTERNAL",
        "parent_id": parent,
        "start_time": start, "end_time": end,
        "status": {"status_code": "UNSET"},
        "attributes": attrs,
        "events": [], "links": [],
        "resource": {"attributes": {"service.name": "mail-bot", "host.name": "build-7"},
                     "schema_url": ""}}, indent=4)
print(span("invoke_agent mail-bot", "00f067aa0ba902b7", None, "2025-07-01T09:00:00.000000Z",
           "2025-07-01T09:00:05.000000Z",
           {"gen_ai.operation.name": "invoke_agent", "gen_ai.conversation.id": "conv-1",
            "gen_ai.input.messages": json.dumps([{"role": "user",
                "content": "Mail the report to jane.doe@example.org"}])}))
print(span("chat gpt-4o", "00f067aa0ba902b8", "0x00f067aa0ba902b7", "2025-07-01T09:00:01.000000Z",
           "2025-07-01T09:00:02.000000Z",
           {"gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o",
            "gen_ai.usage.input_tokens": 10, "gen_ai.usage.output_tokens": 2}))
PYEOF

expect_filter 0 --stats dump.txt
grep -q '"format":"console"' "$T/out" || fail "dump.txt is not read as a console dump"
sed 's/"file":"[^"]*"/"file":"*"/; s/jane.doe@example.org/X/g' "$T/out" >want.jsonl

expect_exit 0 "$ANON" --key-file key dump.txt
cp "$T/out" anon.txt
grep -q 'jane.doe@example.org' anon.txt && fail "the address is still there"
[ "$(lines anon.txt)" -eq "$(lines dump.txt)" ] ||
	fail "$(lines anon.txt) lines out of $(lines dump.txt): the layout changed"
# line for line the same but where the address and the host name were
"$PY" - dump.txt anon.txt <<'PYEOF' || fail "the layout changed"
import sys
a, b = (open(f).read().splitlines() for f in sys.argv[1:3])
diff = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
assert diff and all("jane.doe" in a[i] or "host.name" in a[i] for i in diff), diff
assert all(a[i].split(":")[0] == b[i].split(":")[0] for i in diff), diff
PYEOF

expect_filter 0 --stats anon.txt
grep -q '"format":"console"' "$T/out" || fail "the anonymized dump is not a console dump"
sed 's/"file":"[^"]*"/"file":"*"/; s/<EMAIL[^>]*>/X/g; s/\\u003cEMAIL[^\\]*\\u003e/X/g' "$T/out" >got.jsonl
"$PY" - want.jsonl got.jsonl <<'PYEOF' || fail "other sessions from the anonymized dump"
import json, re, sys
want, got = (json.loads(open(f).readline()) for f in sys.argv[1:3])
for s in (want, got):
    s["turns"][0]["prompt"] = re.sub(r"to \S+$", "to X", s["turns"][0]["prompt"])
    s["metadata"] = {}
    s["events"] = []
    for c in s["turns"][0]["llm_calls"]:
        c.pop("request_text", None)
assert want == got, (want, got)
PYEOF
