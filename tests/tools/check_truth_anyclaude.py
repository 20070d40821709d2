#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Compare canonical sessions read from anyclaude metrics with the ground truth.

  check_truth_anyclaude.py [--seed S] [--pii-rate R] [--sequential] OUTPUT.jsonl TRUTH.json

anyclaude names a session by its file (session-<id>-metrics.jsonl): the
truth's anyclaude_id.  It records LLM requests only, all in one turn with
no prompt.  Checked exactly against the truth file, per session: one turn,
no prompt, the number of llm_calls and of failed ones (status not "ok"),
no tool_calls, latencies in order, models, output tokens (failed calls
have none), input tokens of the successful calls (anyclaude also counts
the request tokens of failed ones).  Checked against the regenerated
corpus (the generator is deterministic; it is checked against the truth
file first): every call's time, status (HTTP 503 is a timeout, other
failures errors), input and output tokens, cache_hit and error; and the
set of sessions, none missing, unexpected or repeated.

Mismatches are printed as `SESSION_ID: FIELD: expected X, got Y`; exit
status 1 if there was any, 2 on usage errors.
"""
import importlib.util
import json
import os
import sys

MAX_SHOWN = 200
HERE = os.path.dirname(os.path.abspath(__file__))
GEN = os.path.join(HERE, "gen_corpus.py")
ERRORS = {"error", "timeout"}


def load_gen():
    spec = importlib.util.spec_from_file_location("gen_corpus", GEN)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def from_truth(t):
    return {
        "turns": 1,
        "prompts": [None],
        "llm_calls": t["llm_calls"],
        "llm_errors": t["llm_errors"],
        "tool_calls": 0,
        "llm_latency_ms": t["llm_latency_ms"],
        "models": t["models"],
        "output_tokens": t["output_tokens"],
        "ok_input_tokens": t["input_tokens"],
    }


def status(code):
    return "ok" if code == 200 else "timeout" if code == 503 else "error"


def from_gen(g, s):
    calls = [c for tu in s["turns"] for c in tu["llm"]]
    return {
        "calls": [{"time": g.iso(c["start"]), "status": status(c["status_code"]),
                   "input_tokens": c["input_tokens"], "output_tokens": c["output_tokens"],
                   "cache_hit": c["cache_hit"], "error": c["error"]} for c in calls],
    }


def got(out):
    turns = out.get("turns") or []
    calls = [c for t in turns for c in (t.get("llm_calls") or [])]
    return {
        "turns": len(turns),
        "prompts": [t.get("prompt") for t in turns],
        "llm_calls": len(calls),
        "llm_errors": sum(c.get("status") != "ok" for c in calls),
        "tool_calls": sum(len(t.get("tool_calls") or []) for t in turns),
        "llm_latency_ms": [c.get("duration_ms") for c in calls],
        "models": out.get("models"),
        "output_tokens": sum(c.get("output_tokens") or 0 for c in calls),
        "ok_input_tokens": sum(c.get("input_tokens") or 0 for c in calls
                               if c.get("status") == "ok"),
        "calls": [{k: c.get(k) for k in ("time", "status", "input_tokens", "output_tokens",
                                         "cache_hit", "error")} for c in calls],
    }


def short(v):
    s = json.dumps(v, ensure_ascii=False)
    return s if len(s) <= 300 else s[:300] + "..."


def parse_args(argv):
    opts = {"seed": 1, "pii": 0.2, "interleave": True}
    args = []
    it = iter(argv)
    for a in it:
        if a == "--seed":
            opts["seed"] = int(next(it))
        elif a == "--pii-rate":
            opts["pii"] = float(next(it))
        elif a == "--sequential":
            opts["interleave"] = False
        elif a in ("-h", "--help"):
            sys.stdout.write(__doc__)
            sys.exit(0)
        else:
            args.append(a)
    if len(args) != 2:
        sys.stderr.write("usage: check_truth_anyclaude.py [--seed S] [--pii-rate R] "
                         "[--sequential] OUTPUT.jsonl TRUTH.json\n")
        sys.exit(2)
    return opts, args


def expectations(opts, truth):
    g = load_gen()
    sessions = g.Gen(opts["seed"], opts["pii"]).sessions(len(truth), opts["interleave"])
    want = {}
    for s, t in zip(sessions, truth):
        if s["session_id"] != t["session_id"] or not t.get("anyclaude_id"):
            return None
        want[t["anyclaude_id"]] = dict(from_truth(t), **from_gen(g, s))
    return want


def main(argv):
    opts, (out_path, truth_path) = parse_args(argv)
    with open(truth_path, encoding="utf-8") as f:
        truth = json.load(f)["sessions"]
    want = expectations(opts, truth)
    if want is None:
        sys.stderr.write("check_truth_anyclaude.py: the regenerated corpus differs from the "
                         "truth file (other generator options, or not --format anyclaude?)\n")
        return 2
    problems = []

    def report(msg):
        if len(problems) < MAX_SHOWN:
            sys.stdout.write(msg + "\n")
        problems.append(msg)

    seen = {}
    with open(out_path, encoding="utf-8") as f:
        for no, line in enumerate(f, 1):
            s = json.loads(line)
            sid = s.get("id")
            if sid in seen:
                report(f"{sid}: session written twice (lines {seen[sid]} and {no})")
                continue
            seen[sid] = no
            if sid not in want:
                report(f"{sid}: unexpected session (line {no})")
                continue
            have = got(s)
            for field, value in want[sid].items():
                if have[field] != value:
                    report(f"{sid}: {field}: expected {short(value)}, got {short(have[field])}")
    for sid in want:
        if sid not in seen:
            report(f"{sid}: session missing from the output")
    if problems:
        sys.stdout.write(f"check_truth_anyclaude.py: {out_path}: {len(problems)} mismatches\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
