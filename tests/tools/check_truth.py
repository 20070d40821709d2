#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Compare canonical sessions with the ground truth of tests/tools/gen_corpus.py.

  check_truth.py [--extra] OUTPUT.jsonl TRUTH.json

Sessions are matched by id (the truth's session_id).  Compared exactly, per
session: the number of turns, the prompts (text, in order), llm_calls, llm
errors (llm_calls whose status is not "ok"), tool_calls, and input/output
tokens (the sum over the session's llm_calls, null counted as 0; the truth
counts successful calls only, and failed calls carry no tokens) -- and the
number of sessions, with no session missing, unexpected or repeated.

--extra also compares what the truth knows beyond that: outputs (the
truth's "" for a turn without a successful call is null), models,
llm latencies, tool names (in order), tool failures, session success,
start and end times, and usage.input_tokens/output_tokens.

Every mismatch is printed as `SESSION_ID: FIELD: expected X, got Y`; the
exit status is 1 if there was any, 2 on usage errors.
"""
import json
import sys

MAX_SHOWN = 200


def tokens(calls, key):
    return sum(c.get(key) or 0 for c in calls)


def short(v):
    s = json.dumps(v, ensure_ascii=False)
    return s if len(s) <= 200 else s[:200] + "..."


def compare(sid, out, want, extra, report):
    turns = out.get("turns") or []
    calls = [c for t in turns for c in (t.get("llm_calls") or [])]
    tools = [x for t in turns for x in (t.get("tool_calls") or [])]
    got = {
        "turns": len(turns),
        "prompts": [t.get("prompt") for t in turns],
        "llm_calls": len(calls),
        "llm_errors": sum(c.get("status") != "ok" for c in calls),
        "tool_calls": len(tools),
        "input_tokens": tokens(calls, "input_tokens"),
        "output_tokens": tokens(calls, "output_tokens"),
    }
    if extra:
        usage = out.get("usage") or {}
        got.update({
            "outputs": [t.get("output") for t in turns],
            "models": out.get("models"),
            "llm_latency_ms": [c.get("duration_ms") for c in calls],
            "tools": [x.get("name") for x in tools],
            "tool_failures": sum(x.get("success") is False for x in tools),
            "success": out.get("success"),
            "start": out.get("start_time"),
            "end": out.get("end_time"),
            "usage.input_tokens": usage.get("input_tokens") or 0,
            "usage.output_tokens": usage.get("output_tokens") or 0,
        })
    for field, value in got.items():
        if field.startswith("usage."):
            expected = want[field[6:]]
        elif field == "outputs":
            # the generator writes "" for a turn without a successful call: no output
            expected = [o if o != "" else None for o in want[field]]
        else:
            expected = want[field]
        if value != expected:
            report(f"{sid}: {field}: expected {short(expected)}, got {short(value)}")


def main(argv):
    extra = False
    args = []
    for a in argv:
        if a == "--extra":
            extra = True
        elif a in ("-h", "--help"):
            sys.stdout.write(__doc__)
            return 0
        elif a.startswith("-"):
            sys.stderr.write(f"check_truth.py: unknown option {a}\n")
            return 2
        else:
            args.append(a)
    if len(args) != 2:
        sys.stderr.write("usage: check_truth.py [--extra] OUTPUT.jsonl TRUTH.json\n")
        return 2
    out_path, truth_path = args
    with open(truth_path, encoding="utf-8") as f:
        truth = {s["session_id"]: s for s in json.load(f)["sessions"]}

    problems = []

    def report(msg):
        if len(problems) < MAX_SHOWN:
            sys.stdout.write(msg + "\n")
        problems.append(msg)

    seen = {}
    with open(out_path, encoding="utf-8") as f:
        for no, line in enumerate(f, 1):
            try:
                s = json.loads(line)
                sid = s["id"]
            except (ValueError, KeyError, TypeError) as e:
                report(f"{out_path}:{no}: not a session: {e}")
                continue
            if sid in seen:
                report(f"{sid}: session written twice (lines {seen[sid]} and {no})")
                continue
            seen[sid] = no
            if sid not in truth:
                report(f"{sid}: unexpected session (line {no})")
                continue
            compare(sid, s, truth[sid], extra, report)
    for sid in truth:
        if sid not in seen:
            report(f"{sid}: session missing from the output")
    if len(seen) != len(truth):
        report(f"(all): sessions: expected {len(truth)}, got {len(seen)}")
    if len(problems) > MAX_SHOWN:
        sys.stdout.write(f"... {len(problems) - MAX_SHOWN} more mismatches not shown\n")
    if problems:
        sys.stdout.write(f"check_truth.py: {out_path}: {len(problems)} mismatches\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
