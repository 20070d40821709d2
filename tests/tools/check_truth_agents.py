#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Compare canonical sessions read from coding-agent logs with the ground truth.

  check_truth_agents.py OUTPUT.jsonl TRUTH.json

For the claude-code and codex corpora of bench/gen_corpus.py: what
check_truth.py compares (turns, prompts, llm_calls, llm errors, tool_calls,
input/output tokens, every session once), and what these formats record
beyond that: outputs, models (of the successful calls for claude-code, whose
API errors name no model), tool names in time order, tool failures
(rejected tools among them), session success, the start time, cached
tokens, and the usage totals.  Latencies are not compared: neither format
records how long a model call took.

Every mismatch is printed as `SESSION_ID: FIELD: expected X, got Y`; the
exit status is 1 if there was any, 2 on usage errors.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_truth  # noqa: E402


def compare(sid, out, want, report):
    check_truth.compare(sid, out, want, False, report)
    turns = out.get("turns") or []
    calls = [c for t in turns for c in (t.get("llm_calls") or [])]
    tools = [x for t in turns for x in (t.get("tool_calls") or [])]
    usage = out.get("usage") or {}
    got = {
        "outputs": [t.get("output") for t in turns],
        "models": out.get("models"),
        "tools": sorted(x.get("name") for x in tools),
        "tool_failures": sum(x.get("success") is False for x in tools),
        "success": out.get("success"),
        "start": out.get("start_time"),
        "cached_tokens": check_truth.tokens(calls, "cached_tokens"),
        "usage.input_tokens": usage.get("input_tokens") or 0,
        "usage.output_tokens": usage.get("output_tokens") or 0,
    }
    for field, value in got.items():
        if field.startswith("usage."):
            expected = want[field[6:]]
        elif field == "outputs":
            expected = [o if o != "" else None for o in want[field]]
        elif field == "models" and out.get("source", {}).get("format") == "claude-code":
            expected = want["ok_models"]  # a failed call's line names no model
        elif field == "tools":
            expected = sorted(want[field])
        else:
            expected = want[field]
        if value != expected:
            report(f"{sid}: {field}: expected {check_truth.short(expected)}, got {check_truth.short(value)}")


def main(argv):
    if len(argv) != 2 or argv[0].startswith("-"):
        sys.stderr.write("usage: check_truth_agents.py OUTPUT.jsonl TRUTH.json\n")
        return 2
    with open(argv[1], encoding="utf-8") as f:
        truth = {s["session_id"]: s for s in json.load(f)["sessions"]}
    problems = []

    def report(msg):
        if len(problems) < check_truth.MAX_SHOWN:
            print(msg)
        problems.append(msg)

    seen = set()
    with open(argv[0], encoding="utf-8") as f:
        for no, line in enumerate(f, 1):
            s = json.loads(line)
            if s["id"] in seen or s["id"] not in truth:
                report(f"{s['id']}: written twice or not in the truth (line {no})")
                continue
            seen.add(s["id"])
            compare(s["id"], s, truth[s["id"]], report)
    for sid in truth.keys() - seen:
        report(f"{sid}: session missing from the output")
    if problems:
        print(f"check_truth_agents.py: {argv[0]}: {len(problems)} mismatches")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
