#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Compare canonical sessions read from Python logging lines with the ground
truth of tests/tools/gen_corpus.py --format pylog.

  check_truth_pylog.py OUTPUT.jsonl TRUTH.json

The generator logs one query per LLM call, with the query_id
`<session_id>-<n>` (n grows through the file), so each truth session
becomes as many one-turn, one-call sessions as it has llm_calls.  Compared
exactly, per truth session, with its queries in n order: their number
(= llm_calls); each has one turn with one llm_call; the prompts (each the
first 100 characters of a truth prompt, walking the truth's turns in order
and visiting every one); llm errors; each call's duration (the truth
latency, for failed calls too: query_start to query_error); the models of
the successful calls (a subset of the truth's: failed calls name none); a
failed query's error type "APIError" and its call error holding the
traceback.  No query session may be missing, unexpected or repeated.
Mismatches are printed as `SESSION_ID: FIELD: expected X, got Y`; exit
status 1 if there was any, 2 on usage errors.
"""
import json
import sys

MAX_SHOWN = 200


def prompts_walk(got, turns):
    """True if got[] walks turns[] in order, staying or moving by one, ending on the last."""
    want = [p[:100] for p in turns]
    states = {0} if got and want and got[0] == want[0] else set()
    for g in got[1:]:
        states = {j for i in states for j in (i, i + 1) if j < len(want) and want[j] == g}
    return len(want) - 1 in states


def check_session(sid, truth, queries, report):
    calls = [(q["turns"] or [{}])[0].get("llm_calls") or [] for _, q in queries]
    if len(queries) != truth["llm_calls"]:
        report(f"{sid}: llm_calls: expected {truth['llm_calls']}, got {len(queries)}")
        return
    for (qid, q), c in zip(queries, calls):
        if len(q["turns"]) != 1 or len(c) != 1:
            report(f"{qid}: shape: expected 1 turn with 1 llm_call, got {len(q['turns'])} turns, {len(c)} calls")
            return
    prompts = [q["turns"][0]["prompt"] for _, q in queries]
    if not prompts_walk(prompts, truth["prompts"]):
        report(f"{sid}: prompts: {json.dumps(prompts)[:200]} do not walk the truth's turns")
    errors = sum(c[0]["status"] != "ok" for c in calls)
    if errors != truth["llm_errors"]:
        report(f"{sid}: llm_errors: expected {truth['llm_errors']}, got {errors}")
    durations = [c[0]["duration_ms"] for c in calls]
    if durations != truth["llm_latency_ms"]:
        report(f"{sid}: llm_latency_ms: expected {truth['llm_latency_ms']}, got {durations}")
    models = {c[0]["model"] for c in calls if c[0]["status"] == "ok"}
    if not models <= set(truth["models"]) or None in models:
        report(f"{sid}: models: {sorted(models, key=str)} not within {truth['models']}")
    for (qid, q), c in zip(queries, calls):
        if c[0]["status"] == "ok":
            continue
        err = q.get("error") or {}
        if err.get("type") != "APIError" or "Traceback (most recent call last):" not in (c[0].get("error") or ""):
            report(f"{qid}: error: expected APIError with a traceback, got {json.dumps(err)} / {json.dumps(c[0].get('error'))}")


def main(argv):
    if len(argv) != 2 or argv[0].startswith("-"):
        sys.stderr.write("usage: check_truth_pylog.py OUTPUT.jsonl TRUTH.json\n")
        return 2
    out_path, truth_path = argv
    with open(truth_path, encoding="utf-8") as f:
        truth = {s["session_id"]: s for s in json.load(f)["sessions"]}
    problems = []

    def report(msg):
        if len(problems) < MAX_SHOWN:
            sys.stdout.write(msg + "\n")
        problems.append(msg)

    by_session = {sid: [] for sid in truth}
    seen = set()
    with open(out_path, encoding="utf-8") as f:
        for no, line in enumerate(f, 1):
            s = json.loads(line)
            qid = s["id"]
            sid, _, n = qid.rpartition("-")
            if qid in seen:
                report(f"{qid}: session written twice")
            elif sid not in truth or not n.isdigit():
                report(f"{qid}: unexpected session (line {no})")
            else:
                by_session[sid].append((int(n), qid, s))
            seen.add(qid)
    for sid, qs in by_session.items():
        qs.sort()
        check_session(sid, truth[sid], [(qid, s) for _, qid, s in qs], report)
    total = sum(s["llm_calls"] for s in truth.values())
    if len(seen) != total:
        report(f"(all): sessions: expected {total}, got {len(seen)}")
    if problems:
        sys.stdout.write(f"check_truth_pylog.py: {out_path}: {len(problems)} mismatches\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
