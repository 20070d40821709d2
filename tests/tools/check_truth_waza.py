#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Compare canonical sessions read from a waza export with the ground truth.

  check_truth_waza.py [--seed S] [--pii-rate R] [--sequential] OUTPUT.jsonl TRUTH.json

tests/tools/gen_corpus.py --format waza exports only each session's FIRST turn,
and the truth file describes whole sessions, so the first turns are
regenerated with the same options (the generator is deterministic) and
checked against the truth file first (session ids, first prompts).  Then,
per session, exactly: one turn, its prompt and output, skill, user,
metadata, start and end times, success and error; every llm_call (time,
model, latency, input tokens, status "ok": the export writes an
llm.response for failed calls too and no error event), models, usage;
every tool_call (time, name, args, success, error); and the set of
sessions, none missing, unexpected or repeated.

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


def load_gen():
    spec = importlib.util.spec_from_file_location("gen_corpus", GEN)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def expected(g, s):
    """The canonical view of session @s's first turn, as waza exports it."""
    tu = s["turns"][0]
    last = tu["llm"][-1:]
    ok = all(c["status_code"] == 200 for c in last)
    calls = [{"time": g.iso(c["start"]), "model": c["model"], "duration_ms": c["duration_ms"],
              "input_tokens": c["input_tokens"], "status": "ok"} for c in tu["llm"]]
    tools = [{"time": g.iso(x["start"]), "name": x["name"], "args": x["args"],
              "success": x["success"], "error": x["error"]} for x in tu["tools"]]
    return {
        "turns": 1,
        "prompt": tu["prompt"] or None,
        "output": tu["output"] or None,
        "skill": s["skill"],
        "user": s["user"],
        "metadata": {"user_id": s["user"], "environment": "production"},
        "start": g.iso(tu["start"]),
        "end": g.iso(tu["end"]),
        "success": ok,
        "error": None if ok else {"type": "error", "message": last[0]["error"]},
        "llm_calls": calls,
        "models": sorted({c["model"] for c in tu["llm"]}),
        "usage.input_tokens": sum(c["input_tokens"] for c in tu["llm"]),
        "tool_calls": tools,
    }


def got(out):
    turns = out.get("turns") or []
    t = turns[0] if turns else {}
    return {
        "turns": len(turns),
        "prompt": t.get("prompt"),
        "output": t.get("output"),
        "skill": out.get("skill"),
        "user": out.get("user"),
        "metadata": out.get("metadata"),
        "start": out.get("start_time"),
        "end": out.get("end_time"),
        "success": out.get("success"),
        "error": out.get("error"),
        "llm_calls": [{k: c.get(k) for k in ("time", "model", "duration_ms", "input_tokens",
                                             "status")} for c in t.get("llm_calls") or []],
        "models": out.get("models"),
        "usage.input_tokens": (out.get("usage") or {}).get("input_tokens"),
        "tool_calls": [{k: x.get(k) for k in ("time", "name", "args", "success", "error")}
                       for x in t.get("tool_calls") or []],
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
        sys.stderr.write("usage: check_truth_waza.py [--seed S] [--pii-rate R] "
                         "[--sequential] OUTPUT.jsonl TRUTH.json\n")
        sys.exit(2)
    return opts, args


def main(argv):
    opts, (out_path, truth_path) = parse_args(argv)
    with open(truth_path, encoding="utf-8") as f:
        truth = json.load(f)["sessions"]
    g = load_gen()
    sessions = g.Gen(opts["seed"], opts["pii"]).sessions(len(truth), opts["interleave"])
    problems = []

    def report(msg):
        if len(problems) < MAX_SHOWN:
            sys.stdout.write(msg + "\n")
        problems.append(msg)

    want = {}
    for s, t in zip(sessions, truth):
        if s["session_id"] != t["session_id"] or s["turns"][0]["prompt"] != t["prompts"][0]:
            sys.stderr.write("check_truth_waza.py: the regenerated corpus differs from the "
                             "truth file (other generator options?)\n")
            return 2
        want[s["session_id"]] = expected(g, s)
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
        sys.stdout.write(f"check_truth_waza.py: {out_path}: {len(problems)} mismatches\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
