#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write canonical sessions (JSON Lines) for the to-eval tests from a JSON spec.

  make_sessions.py SPEC.json > sessions.jsonl

SPEC is a list of {"id", "turns": [{"prompt", "output", "tools": [[name,
success, decision], ...], "duration_ms"}], "success", "cost_usd"}; every
other member of the canonical schema is filled with null or a constant."""
import json
import sys


def turn(i, t):
    tools = [{"time": None, "name": n, "args": {"path": "src/a.c"}, "duration_ms": 5,
              "success": ok, "decision": dec, "error": None, "type": "native"}
             for n, ok, dec in t.get("tools", [])]
    return {"id": t.get("id", "t%d" % i), "prompt": t.get("prompt"), "output": t.get("output"),
            "start_time": "2025-07-01T09:00:0%d.000Z" % (i % 10), "end_time": None,
            "duration_ms": t.get("duration_ms", 1000), "success": t.get("success"),
            "llm_calls": [{"time": None, "model": "m-1", "duration_ms": 900, "status": "ok",
                           "status_code": 200, "input_tokens": 100, "output_tokens": 20,
                           "cached_tokens": None, "thinking_tokens": None, "total_tokens": 120,
                           "cache_hit": None, "finish_reason": None, "error": None}],
            "tool_calls": tools}


def session(s):
    turns = [turn(i, t) for i, t in enumerate(s["turns"])]
    ok = s.get("success", True)
    return {"televal": 1, "id": s["id"],
            "source": {"format": "canonical", "service": "test-cli", "file": None},
            "start_time": "2025-07-01T09:00:00.000Z", "end_time": "2025-07-01T09:00:09.000Z",
            "duration_ms": s.get("duration_ms", 9000), "skill": s.get("skill"), "user": None,
            "models": ["m-1"], "success": ok,
            "error": None if ok is not False else {"type": "api_error", "message": "boom"},
            "usage": {"input_tokens": 100, "output_tokens": 20, "cached_tokens": None,
                      "thinking_tokens": None, "total_tokens": 120 * len(turns),
                      "cost_usd": s.get("cost_usd")},
            "metadata": s.get("metadata", {}), "turns": turns, "events": []}


def main():
    spec = json.load(open(sys.argv[1], encoding="utf-8"))
    for s in spec:
        sys.stdout.write(json.dumps(session(s), ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
