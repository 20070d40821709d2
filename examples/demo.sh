#!/bin/sh
# make demo: convert every example to canonical sessions and summarise them.
# usage: demo.sh PATH/TO/televal-filter
set -eu
filter=$(cd "$(dirname "${1:?path to televal-filter}")" && pwd)/$(basename "$1")
cd "$(dirname "$0")"
out=${TMPDIR:-/tmp}/televal-demo.$$.jsonl
trap 'rm -f "$out"' EXIT
for f in gemini/collector.log gemini/telemetry.log qwen/collector.log qwen/telemetry.log \
	 otlp/logs.jsonl otlp/traces.jsonl jaeger/traces.json llama-stack/trace_store.db \
	 anyclaude waza/export.json pylog/app.log; do
	echo "== televal-filter --stats examples/$f"
	"$filter" --stats "$f" >"$out"
	python3 - "$out" <<'PY'
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    s = json.loads(line)
    calls = [c for t in s["turns"] for c in t["llm_calls"]]
    tools = [c["name"] for t in s["turns"] for c in t["tool_calls"]]
    errs = sum(c["status"] != "ok" for c in calls)
    prompt = (s["turns"][0]["prompt"] or "")[:48] if s["turns"] else ""
    print(f'  {s["id"][:8]} {s["source"]["format"]:13} turns={len(s["turns"])} '
          f'llm_calls={len(calls)} errors={errs} tools={len(tools)} '
          f'tokens={s["usage"]["total_tokens"]} success={s["success"]}  "{prompt}..."')
PY
done
echo "== the pipeline: all examples at once, one canonical session per line"
"$filter" --stats gemini qwen otlp jaeger llama-stack anyclaude waza pylog >"$out"
head -c 600 "$out"; echo " ..."
