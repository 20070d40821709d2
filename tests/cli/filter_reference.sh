#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The real telemetry files in $TV_SHARED/reference parse without error and
# give what they contain: a Gemini CLI collector.log excerpt and the
# collector debug exporter's golden outputs, the OTLP/JSON examples of
# opentelemetry-proto, and GenAI span attributes (OTel GenAI current and
# deprecated keys, OpenInference, the semconv examples) wrapped into OTLP
# traces here.  The files are read where they are, never copied into the
# repository; without them the test is skipped.
. "$(dirname "$0")/lib.sh"

REF=${SHARED:+$SHARED/reference}
[ -n "$REF" ] && [ -d "$REF" ] || skip "no reference files (${SHARED:-TV_SHARED unset}/reference is absent)"

# pycheck FILE WHAT <<'EOF' ... EOF: python checks over the sessions of FILE
# (S: the list of sessions; eq(what, got, want) notes a mismatch)
cat >prelude.py <<'PYEOF'
import json, sys
S = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
FAILS = []
def eq(what, got, want):
    if got != want:
        FAILS.append(what)
        print(f"{what}: expected {want!r}, got {got!r}", file=sys.stderr)
def by_id(sid):
    for s in S:
        if s["id"].lower() == sid.lower():
            return s
    FAILS.append(f"session {sid}")
    print(f"session {sid} not in the output (ids: {[s['id'] for s in S]})", file=sys.stderr)
    sys.exit(1)
def llm(s): return [c for t in s["turns"] for c in t["llm_calls"]]
def tools(s): return [c for t in s["turns"] for c in t["tool_calls"]]
PYEOF
pycheck() {
	local f=$1 what=$2
	{ cat prelude.py; cat; echo 'sys.exit(1 if FAILS else 0)'; } >check.py
	"$PY" check.py "$f" || fail "$what"
}

# clean FILE [OPTIONS...]: exit 0, nothing rejected, output valid; leaves it in FILE.out
clean() {
	local f=$1 base
	shift
	base=$(basename "$f")
	expect_filter 0 --stats "$@" "$f"
	check_stats
	[ "$REJECTED" -eq 0 ] || fail "$base: $REJECTED records rejected"
	[ "$WRITTEN" -eq "$(lines "$T/out")" ] || fail "$base: --stats says $WRITTEN written"
	cp "$T/out" "$base.out"
	check_schema "$base.out"
}

# ---- gemini-collector-log ----
GCL=$REF/gemini-collector-log

msioen() {
	clean "$GCL/msioen_collector_log_excerpts.txt"
	[ "$READ" -eq 5 ] && [ "$USED" -eq 5 ] || fail "msioen excerpt: read $READ, used $USED; expected 5 log records, all used"
	pycheck msioen_collector_log_excerpts.txt.out "msioen excerpt" <<'PYEOF'
eq("sessions", len(S), 1)
s = by_id("b9280381-505c-433a-a0f5-731345d35f87")
eq("source.format", s["source"]["format"], "collector-log")
eq("source.service", s["source"]["service"], "gemini-cli")
eq("start_time", s["start_time"], "2025-07-27T08:52:48.314Z")
eq("end_time", s["end_time"], "2025-07-27T08:57:03.076Z")
eq("models", s["models"], ["gemini-2.5-flash", "gemini-2.5-pro"])
eq("success", s["success"], False)
eq("error", s["error"], {"type": "llm_error", "message": "Please submit a new query to continue with the Flash model."})
eq("prompts", [t["prompt"] for t in s["turns"] if t["prompt"] is not None], ["..."])
c = llm(s)
eq("llm_calls", len(c), 2)
ok = [x for x in c if x["status"] == "ok"]
err = [x for x in c if x["status"] == "error"]
eq("ok calls", len(ok), 1)
eq("failed calls (api_error)", len(err), 1)
if ok:
    x = ok[0]
    eq("ok call", {k: x[k] for k in ("time", "model", "duration_ms", "status_code", "input_tokens", "output_tokens",
                                     "cached_tokens", "thinking_tokens", "total_tokens")},
       {"time": "2025-07-27T08:52:48.582Z", "model": "gemini-2.5-pro", "duration_ms": 3430, "status_code": 200,
        "input_tokens": 12004, "output_tokens": 18, "cached_tokens": 3482, "thinking_tokens": 93, "total_tokens": 12115})
if err:
    x = err[0]
    eq("api_error model", x["model"], "gemini-2.5-flash")
    eq("api_error duration", x["duration_ms"], 4870)
    eq("api_error message", x["error"], "Please submit a new query to continue with the Flash model.")
    eq("api_error time (end - duration)", x["time"], "2025-07-27T08:56:58.206Z")
t = tools(s)
eq("tool names", [x["name"] for x in t], ["glob"])
if t:
    eq("glob args (parsed from the multi-line function_args)", t[0]["args"], {"pattern": "**", "path": "smartscreen/"})
    eq("glob success", t[0]["success"], True)
    eq("glob duration", t[0]["duration_ms"], 55)
    eq("glob time (end - duration)", t[0]["time"], "2025-07-27T08:53:43.025Z")
eq("usage", {k: s["usage"][k] for k in ("input_tokens", "output_tokens")}, {"input_tokens": 12004, "output_tokens": 18})
PYEOF
}

# In gemini-cli 0.1.x the user_prompt event has no prompt_id: the prompt
# still belongs to the turn its calls make (prompt_id ...########0).
msioen_turn() {
	clean "$GCL/msioen_collector_log_excerpts.txt"
	pycheck msioen_collector_log_excerpts.txt.out "msioen excerpt: one turn" <<'PYEOF'
s = by_id("b9280381-505c-433a-a0f5-731345d35f87")
eq("turns", len(s["turns"]), 1)
t = s["turns"][0]
eq("turn id", t["id"], "b9280381-505c-433a-a0f5-731345d35f87########0")
eq("turn prompt", t["prompt"], "...")
eq("turn llm_calls", len(t["llm_calls"]), 2)
eq("turn tool_calls", len(t["tool_calls"]), 1)
PYEOF
}

golden_logs() {
	clean "$GCL/otelcol_debugexporter_logs_log_with_event_name.out" --events
	[ "$READ" -eq 1 ] && [ "$USED" -eq 1 ] || fail "log_with_event_name.out: read $READ, used $USED; expected 1, 1"
	pycheck otelcol_debugexporter_logs_log_with_event_name.out.out "log_with_event_name.out" <<'PYEOF'
eq("sessions", len(S), 1)
s = by_id("08040201000000000000000000000000")   # no session.id: the trace id
eq("turns", s["turns"], [])
eq("events", len(s["events"]), 1)
text = json.dumps(s["events"])
for want in ("This is a log message", "event_name", "server"):
    eq(f"{want!r} in events", want in text, True)
PYEOF
	clean "$GCL/otelcol_debugexporter_logs_two_records.out"
	[ "$READ" -eq 2 ] && [ "$USED" -eq 1 ] && [ "$SKIPPED" -eq 1 ] ||
		fail "two_records.out: read $READ, used $USED, skipped $SKIPPED; expected 2 = 1 + 1 (the record without any key)"
	[ "$WRITTEN" -eq 1 ] || fail "two_records.out: $WRITTEN sessions, expected 1"
	stderr_has 'two_records\.out:[0-9]+: .*skipped'
	pycheck otelcol_debugexporter_logs_two_records.out.out "two_records.out" <<'PYEOF'
s = by_id("08040201000000000000000000000000")
eq("resource attributes in metadata", s["metadata"].get("resource"), {"resource-attr": "resource-attr-val-1"})
PYEOF
}

golden_other() {
	local f
	for f in otelcol_debugexporter_metrics_two_metrics.out otelcol_debugexporter_traces_two_spans.out; do
		clean "$GCL/$f"
		[ "$WRITTEN" -eq 0 ] || fail "$f: $WRITTEN sessions, expected none"
		[ "$READ" -ge 1 ] && [ "$SKIPPED" -eq "$READ" ] ||
			fail "$f: read $READ, skipped $SKIPPED: expected every record skipped"
	done
}

# the README's console example, with the tabs the collector writes
# (the README renders them as spaces; PROVENANCE.txt)
readme_console() {
	# shellcheck disable=SC2016 # backquotes, not an expansion
	sed -n '/^```console$/,/^```$/p' "$GCL/otelcol_debugexporter_README_detailed_example.md" | sed '1d;$d' |
		sed 's/^\([0-9-]*T[^ ]*\) \+\(info\) \+\([^ {][^{]*[^ ]\) \+{/\1\t\2\t\3\t{/;
		     s/^\([0-9-]*T[^ ]*\) \+info \+\(Resource\)/\1\tinfo\t\2/; s/^ \+{"otelcol/\t{"otelcol/' >readme-console.log
	grep -q '	info	Traces	{' readme-console.log || fail "could not rebuild the README console example"
	clean readme-console.log
	[ "$WRITTEN" -eq 0 ] || fail "README console example (traces): $WRITTEN sessions, expected none"
	[ "$READ" -ge 1 ] && [ "$SKIPPED" -eq "$READ" ] ||
		fail "README console example: read $READ, skipped $SKIPPED: expected every record skipped"
}

if [ -d "$GCL" ]; then
	note "gemini-collector-log"
	part "collector log: msioen excerpt" msioen
	part "collector log: msioen excerpt, the prompt in the turn of its calls" msioen_turn
	part "collector log: debug exporter golden logs" golden_logs
	part "collector log: debug exporter golden metrics and traces" golden_other
	part "collector log: README console example" readme_console
else
	note "SKIP: no $GCL"
fi

# ---- otlp-json ----
OJ=$REF/otlp-json

otlp_trace() {
	clean "$OJ/trace.json" --events
	[ "$READ" -eq 1 ] && [ "$USED" -eq 1 ] || fail "trace.json: read $READ, used $USED; expected the 1 span"
	pycheck trace.json.out "trace.json" <<'PYEOF'
eq("sessions", len(S), 1)
s = by_id("5b8efff798038103d269b633813fc60c")   # no conversation id: the trace id, lower case
eq("source", [s["source"]["format"], s["source"]["service"]], ["otlp", "my.service"])
eq("turns (one span, a root: its parent is not in the file)", len(s["turns"]), 1)
if s["turns"]:
    t = s["turns"][0]
    eq("turn id", (t["id"] or "").lower(), "eee19b7ec3c1b174")
    eq("turn start", t["start_time"], "2018-12-13T14:51:00.000Z")
    eq("turn end", t["end_time"], "2018-12-13T14:51:01.000Z")
    eq("turn duration", t["duration_ms"], 1000)
    eq("llm_calls", t["llm_calls"], [])
    eq("tool_calls", t["tool_calls"], [])
eq("session duration", s["duration_ms"], 1000)
eq("resource", s["metadata"].get("resource"), {"service.name": "my.service"})
eq("events", [e.get("name") for e in s["events"]], ["I'm a server span"])
PYEOF
}

otlp_logs() {
	clean "$OJ/logs.json" --events
	[ "$READ" -eq 1 ] && [ "$USED" -eq 1 ] || fail "logs.json: read $READ, used $USED; expected the 1 log record"
	pycheck logs.json.out "logs.json" <<'PYEOF'
eq("sessions", len(S), 1)
s = by_id("5b8efff798038103d269b633813fc60c")   # no session.id: the trace id, lower case
eq("source", [s["source"]["format"], s["source"]["service"]], ["otlp", "my.service"])
eq("turns", s["turns"], [])
eq("resource", s["metadata"].get("resource"), {"service.name": "my.service"})
eq("events", len(s["events"]), 1)
text = json.dumps(s["events"])
for want in ("Example log record", "string.attribute", "some.map.key", "637.704"):
    eq(f"{want!r} in events", want in text, True)
PYEOF
}

otlp_events() {
	clean "$OJ/events.json"
	[ "$READ" -eq 1 ] && [ "$SKIPPED" -eq 1 ] ||
		fail "events.json: read $READ, skipped $SKIPPED; expected its 1 record (no session key) skipped"
	[ "$WRITTEN" -eq 0 ] || fail "events.json: $WRITTEN sessions, expected none"
}

otlp_metrics() {
	clean "$OJ/metrics.json"
	[ "$WRITTEN" -eq 0 ] || fail "metrics.json: $WRITTEN sessions, expected none"
	[ "$READ" -ge 1 ] && [ "$SKIPPED" -eq "$READ" ] ||
		fail "metrics.json: read $READ, skipped $SKIPPED: expected every record skipped"
}

if [ -d "$OJ" ]; then
	note "otlp-json"
	part "otlp-json: trace.json" otlp_trace
	part "otlp-json: logs.json" otlp_logs
	part "otlp-json: events.json" otlp_events
	part "otlp-json: metrics.json" otlp_metrics
else
	note "SKIP: no $OJ"
fi

# ---- genai-semconv: attribute maps wrapped into one-line OTLP traces ----
SC=$REF/genai-semconv

cat >wrap.py <<'PYEOF'
"""wrap.py OUT CHAT.json [TOOL.json]: one OTLP resourceSpans line holding a
chat span with CHAT's attributes and, if given, a child execute_tool span."""
import json, sys

def anyvalue(v):
    if isinstance(v, bool): return {"boolValue": v}
    if isinstance(v, int): return {"intValue": str(v)}
    if isinstance(v, float): return {"doubleValue": v}
    if isinstance(v, list): return {"arrayValue": {"values": [anyvalue(x) for x in v]}}
    return {"stringValue": str(v)}

def kvs(d): return [{"key": k, "value": anyvalue(v)} for k, v in d.items()]

TRACE = "0af7651916cd43dd8448eb211c80319c"
out, chat = sys.argv[1], json.load(open(sys.argv[2], encoding="utf-8"))
spans = [{"traceId": TRACE, "spanId": "b7ad6b7169203331", "name": "chat gpt-4", "kind": 3,
          "startTimeUnixNano": "1760000000000000000", "endTimeUnixNano": "1760000001500000000",
          "attributes": kvs(chat), "status": {}}]
if len(sys.argv) > 3:
    tool = json.load(open(sys.argv[3], encoding="utf-8"))
    spans.append({"traceId": TRACE, "spanId": "00f067aa0ba902b7", "parentSpanId": "b7ad6b7169203331",
                  "name": "execute_tool get_weather", "kind": 1,
                  "startTimeUnixNano": "1760000001000000000", "endTimeUnixNano": "1760000001200000000",
                  "attributes": kvs(tool), "status": {}})
doc = {"resourceSpans": [{"resource": {"attributes": kvs({"service.name": "semconv-test"})},
                          "scopeSpans": [{"scope": {"name": "semconv-test"}, "spans": spans}]}]}
with open(out, "w", encoding="utf-8") as f:
    f.write(json.dumps(doc, ensure_ascii=False) + "\n")
PYEOF

# the checks every variant shares: one chat call about the weather in Paris
cat >weather.py <<'PYEOF'
eq("sessions", len(S), 1)
s = by_id("0af7651916cd43dd8448eb211c80319c")
eq("turns", len(s["turns"]), 1)
t = s["turns"][0] if s["turns"] else {"prompt": None, "output": None, "llm_calls": [], "tool_calls": []}
eq("prompt (the last user message)", t["prompt"], "Weather in Paris?")
eq("output", t["output"], "The weather in Paris is currently rainy with a temperature of 57\u00b0F.")
eq("llm_calls", len(t["llm_calls"]), 1)
if t["llm_calls"]:
    c = t["llm_calls"][0]
    eq("model (the response model)", c["model"], "gpt-4-0613")
    eq("status", c["status"], "ok")
    eq("input_tokens", c["input_tokens"], 97)
    eq("output_tokens", c["output_tokens"], 52)
    eq("finish_reason", c["finish_reason"], "stop")
    eq("duration_ms", c["duration_ms"], 1500)
    eq("the earlier get_weather call kept in request_text", "get_weather" in (c.get("request_text") or ""), True)
eq("models", s["models"], ["gpt-4-0613"])
eq("usage", [s["usage"]["input_tokens"], s["usage"]["output_tokens"]], [97, 52])
PYEOF

semconv_current() {
	"$PY" wrap.py current.jsonl "$SC/openinference-genai_otel_genai_client_span_tool_calls.json" \
		"$SC/openinference-genai_otel_genai_tool_execution_span.json"
	clean current.jsonl
	{ cat weather.py; cat <<'PYEOF'; } | pycheck current.jsonl.out "OTel GenAI (current keys)"
x = tools(s)
eq("tool names (the execute_tool span)", [c["name"] for c in x], ["get_weather"])
if x:
    eq("tool type", x[0]["type"], "function")
    eq("tool success", x[0]["success"], True)
    eq("tool duration", x[0]["duration_ms"], 200)
    eq("tool time", x[0]["time"], "2025-10-09T08:53:21.000Z")
PYEOF
}

semconv_deprecated() {
	"$PY" wrap.py deprecated.jsonl "$SC/openinference-genai_otel_genai_deprecated_client_span_tool_calls.json"
	clean deprecated.jsonl
	pycheck deprecated.jsonl.out "OTel GenAI (deprecated gen_ai.prompt / gen_ai.completion)" <weather.py
}

semconv_openinference() {
	"$PY" wrap.py openinference.jsonl "$SC/openinference-genai_openinference_client_span_tool_calls.json"
	clean openinference.jsonl
	{ cat weather.py; cat <<'PYEOF'; } | pycheck openinference.jsonl.out "OpenInference"
c = llm(s)
if c:
    eq("total_tokens (llm.token_count.total)", c[0]["total_tokens"], 149)
PYEOF
}

# the semconv doc's "content capturing is enabled on span attributes"
# example: its attribute table and the two message blocks it links to
semconv_doc() {
	"$PY" - "$SC/semconv_examples-llm-calls.md" doc.jsonl <<'PYEOF' || fail "could not read the semconv example"
import json, re, sys
md = open(sys.argv[1], encoding="utf-8").read()
sec = md.split("### GenAI client span when content capturing is enabled on span attributes", 1)[1].split("\n### ", 1)[0]
attrs, props = {}, {}
for m in re.finditer(r"^\|\s*(`?)([^|`]+?)\1\s*\|\s*(.+?)\s*\|\s*$", sec, re.M):
    key, val = m.group(2).strip(), m.group(3).strip()
    if key in ("Property",) or set(key) <= set("- "):
        continue
    lit = re.fullmatch(r"`(.*)`", val)
    if lit:
        v = json.loads(lit.group(1))
    else:
        anchor = re.search(r"\(#([^)]+)\)", val).group(1)
        block = md.split(f'<span id="{anchor}">', 1)[1]
        v = json.dumps(json.loads(re.search(r"```json\n(.*?)```", block, re.S).group(1)))
    (attrs if key.startswith("gen_ai.") else props)[key] = v
def kv(v):
    if isinstance(v, bool): return {"boolValue": v}
    if isinstance(v, int): return {"intValue": str(v)}
    if isinstance(v, float): return {"doubleValue": v}
    if isinstance(v, list): return {"arrayValue": {"values": [kv(x) for x in v]}}
    return {"stringValue": v}
span = {"traceId": props["Trace id"], "spanId": props["Span id"], "name": props["Span name"], "kind": 3,
        "startTimeUnixNano": "1760000000000000000", "endTimeUnixNano": "1760000002000000000",
        "attributes": [{"key": k, "value": kv(v)} for k, v in attrs.items()]}
doc = {"resourceSpans": [{"resource": {"attributes": []}, "scopeSpans": [{"scope": {}, "spans": [span]}]}]}
open(sys.argv[2], "w", encoding="utf-8").write(json.dumps(doc) + "\n")
PYEOF
	clean doc.jsonl
	pycheck doc.jsonl.out "semconv doc example" <<'PYEOF'
eq("sessions", len(S), 1)
s = by_id("4bf92f3577b34da6a3ce929d0e0e4736")
eq("turns", len(s["turns"]), 1)
if s["turns"]:
    t = s["turns"][0]
    eq("turn id", t["id"], "00f067aa0ba902b7")
    eq("prompt (the user message, not the system one)", t["prompt"], "Tell me a joke about OpenTelemetry")
    eq("output", t["output"], " Why did the developer bring OpenTelemetry to the party? Because it always knows how to trace the fun!")
    c = t["llm_calls"]
    eq("llm_calls", len(c), 1)
    if c:
        eq("call", [c[0]["model"], c[0]["input_tokens"], c[0]["output_tokens"], c[0]["finish_reason"], c[0]["status"]],
           ["gpt-4-0613", 52, 47, "stop", "ok"])
PYEOF
}

if [ -d "$SC" ]; then
	note "genai-semconv"
	part "genai-semconv: OTel GenAI current keys" semconv_current
	part "genai-semconv: OTel GenAI deprecated keys" semconv_deprecated
	part "genai-semconv: OpenInference" semconv_openinference
	part "genai-semconv: semconv example" semconv_doc
else
	note "SKIP: no $SC"
fi

[ -d "$GCL" ] || [ -d "$OJ" ] || [ -d "$SC" ] || skip "none of the reference folders is in $REF"
finish
