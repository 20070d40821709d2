#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check televal-aggregate --format json against an independent computation.

  check_aggregate.py truth RESULT.json TRUTH.json
  check_aggregate.py reference [--by KEY]... [--prices FILE] [--bound A] RESULT.json SESSIONS.jsonl

truth: the total against the ground truth of the corpus generator (its
--truth file): session, turn, prompt, LLM call and tool call counts, LLM
errors, failed sessions and the rates over them, input and output token
sums, and the LLM latency and prompt length distributions (count, min, max,
mean, nearest-rank p50/p90/p95/p99).

reference: every metric of the total and of every group, recomputed here
from the canonical sessions (the ones the result was made from) with the
grouping rules of televal-aggregate(1): --by model, status, tool, skill,
source, day, hour or a plain session member.  Counts, sums, rates and
exact percentiles must be equal (floating values to 1e-9 relative); with
--bound A, percentiles may differ by A relative (the sketch's bound).

Percentiles are nearest-rank: with n sorted values, the p-th is the value
of rank ceil(p/100 * n).  Every mismatch is printed; exit 1 if any.
"""
import json
import math
import sys
from datetime import datetime, timezone

STATS = ["count", "mean", "min", "max", "p50", "p90", "p95", "p99"]
DISTS = ["session.duration_ms", "turn.duration_ms", "llm.latency_ms", "tool.duration_ms",
         "llm.tokens", "prompt.length"]
MAX_SHOWN = 100


def nearest_rank(sorted_values, p):
    n = len(sorted_values)
    rank = max(1, math.ceil(p * n / 100 - 1e-9))
    return sorted_values[rank - 1]


def dist_stats(values):
    if not values:
        return {"count": 0, "mean": None, "min": None, "max": None, "p50": None, "p90": None,
                "p95": None, "p99": None}
    v = sorted(values)
    out = {"count": len(v), "mean": sum(v) / len(v), "min": v[0], "max": v[-1]}
    for p in (50, 90, 95, 99):
        out[f"p{p}"] = nearest_rank(v, p)
    return out


def parse_time(s):
    if s is None:
        return None
    return datetime.strptime(s[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc).timestamp() \
        + float("0" + s[19:-1])


class Problems:
    def __init__(self):
        self.n = 0

    def __call__(self, msg):
        if self.n < MAX_SHOWN:
            print(msg)
        self.n += 1


def close(a, b, rel=1e-9):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= rel * max(abs(a), abs(b)) + 1e-9


# ---- truth ----

def check_truth(result, truth, report):
    ts = truth["sessions"]
    tot = result["total"]
    calls = sum(s["llm_calls"] for s in ts)
    errors = sum(s["llm_errors"] for s in ts)
    tools = sum(s["tool_calls"] for s in ts)
    failed = sum(1 for s in ts if s["success"] is False)
    ok = sum(1 for s in ts if s["success"] is True)
    want = {
        ("counts", "sessions"): len(ts),
        ("counts", "turns"): sum(s["turns"] for s in ts),
        ("counts", "prompts"): sum(len(s["prompts"]) for s in ts),
        ("counts", "llm_calls"): calls,
        ("counts", "tool_calls"): tools,
        ("counts", "tool_failures"): sum(s["tool_failures"] for s in ts),
        ("counts", "failed_sessions"): failed,
        ("rates", "success_rate"): ok / (ok + failed) if ok + failed else None,
        ("rates", "error_rate"): errors / calls if calls else None,
        ("tokens", "input_tokens"): sum(s["input_tokens"] for s in ts),
        ("tokens", "output_tokens"): sum(s["output_tokens"] for s in ts),
    }
    got_errors = tot["counts"]["llm_errors"] + tot["counts"]["llm_timeouts"]
    if got_errors != errors:
        report(f"total: llm_errors + llm_timeouts: expected {errors}, got {got_errors}")
    for (sec, key), v in want.items():
        if not close(tot[sec][key], v):
            report(f"total: {sec}.{key}: expected {v}, got {tot[sec][key]}")
    lat = dist_stats([x for s in ts for x in s["llm_latency_ms"]])
    plen = dist_stats([len(p) for s in ts for p in s["prompts"]])
    for name, ref in (("llm.latency_ms", lat), ("prompt.length", plen)):
        got = tot["distributions"][name]
        for st in STATS:
            if not close(got[st], ref[st]):
                report(f"total: {name}.{st}: expected {ref[st]}, got {got[st]}")
        if not got["exact"]:
            report(f"total: {name}: not exact")


# ---- the reference aggregation ----

class Unit:
    """What one unit adds: counts, sums, distribution values."""

    def __init__(self):
        self.c = {}
        self.s = {}
        self.d = {}

    def count(self, k, cond=True):
        if cond:
            self.c[k] = self.c.get(k, 0) + 1

    def add(self, k, v):
        if v is not None:
            self.s[k] = self.s.get(k, 0) + v

    def val(self, k, v):
        if v is not None:
            self.d.setdefault(k, []).append(v)


class Group:
    def __init__(self):
        self.c, self.s, self.d = {}, {}, {}
        self.first = self.last = None

    def take(self, u):
        for k, v in u.c.items():
            self.c[k] = self.c.get(k, 0) + v
        for k, v in u.s.items():
            self.s[k] = self.s.get(k, 0) + v
        for k, v in u.d.items():
            self.d.setdefault(k, []).extend(v)


def load_prices(path):
    import yaml
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)["models"]


def price_of(prices, model):
    if prices is None or model is None:
        return None
    if model in prices:
        return prices[model]
    best = None
    for name, p in prices.items():
        if name.endswith("*") and model.startswith(name[:-1]) and (best is None or len(name) > len(best[0])):
            best = (name, p)
    return best[1] if best else None


def call_cost(p, c):
    def pos(x):
        return x if x and x > 0 else 0
    inp = pos(c["input_tokens"])
    ca = min(pos(c["cached_tokens"]), inp)
    nano = ((inp - ca) * p["input"] + ca * p.get("cached_input", p["input"])
            + (pos(c["output_tokens"]) + pos(c["thinking_tokens"])) * p["output"]) * 1e3
    return int(math.floor(nano + 0.5))


TOKENS = ["input_tokens", "output_tokens", "cached_tokens", "thinking_tokens", "total_tokens"]


def session_unit(s, prices, call_tokens):
    u = Unit()
    u.count("sessions")
    u.count("ok", s["success"] is True)
    u.count("failed", s["success"] is False)
    u.val("session.duration_ms", s["duration_ms"])
    cost = s["usage"]["cost_usd"]
    if prices is None and cost is not None:
        u.count("costed")
        u.add("cost_nano", int(math.floor(cost * 1e9 + 0.5)))
    if not call_tokens:
        for k in TOKENS:
            u.add(k, s["usage"][k])
    return u


def turn_unit(t):
    u = Unit()
    u.count("turns")
    u.count("prompts", t["prompt"] is not None)
    u.val("turn.duration_ms", t["duration_ms"])
    u.val("prompt.length", len(t["prompt"]) if t["prompt"] is not None else None)
    return u


def llm_unit(c, prices):
    u = Unit()
    u.count("llm_calls")
    u.count("llm_errors", c["status"] == "error")
    u.count("llm_timeouts", c["status"] == "timeout")
    u.count("cache_known", c["cache_hit"] is not None)
    u.count("cache_hits", c["cache_hit"] is True)
    for k in TOKENS:
        u.add(k, c[k])
    if prices is not None:
        p = price_of(prices, c["model"])
        if p is None:
            u.count("unpriced")
        else:
            u.count("costed")
            u.add("cost_nano", call_cost(p, c))
    u.val("llm.latency_ms", c["duration_ms"])
    tok = c["total_tokens"]
    if tok is None and any(c[k] is not None for k in ("input_tokens", "output_tokens", "thinking_tokens")):
        tok = sum(c[k] or 0 for k in ("input_tokens", "output_tokens", "thinking_tokens"))
    u.val("llm.tokens", tok)
    return u


def tool_unit(t):
    u = Unit()
    u.count("tool_calls")
    u.count("tool_known", t["success"] is not None)
    u.count("tool_ok", t["success"] is True)
    if t["decision"] in ("accept", "reject", "modify", "auto_accept"):
        u.count("decided")
        u.count(t["decision"])
    u.val("tool.duration_ms", t["duration_ms"])
    return u


def requester(turn, tool):
    """The index in turn's llm_calls of the call that asked for @tool, or None."""
    calls = turn["llm_calls"]
    if not calls:
        return None
    when = parse_time(tool["time"])
    best = 0
    if when is None:
        return best
    for i, c in enumerate(calls):
        t = parse_time(c["time"])
        if t is not None and t <= when:
            best = i
    return best


def distinct(values):
    out = []
    for v in values:
        if v not in out:
            out.append(v)
    return out or [None]


def session_value(s, key):
    if key == "skill":
        return s["skill"]
    if key == "source":
        return s["source"]["service"] if s["source"]["service"] is not None else s["source"]["format"]
    if key in ("day", "hour"):
        st = s["start_time"]
        if st is None:
            return None
        return st[:10] if key == "day" else st[:13] + ":00Z"
    v = s
    for part in key.split("."):
        v = v.get(part) if isinstance(v, dict) else None
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        return ",".join(str(x) for x in v) if v else None
    return str(v)


def key_values(s, key, kind, ti=None, ci=None):
    """The values of @key for a unit: kind session/turn/llm/tool; ti the turn, ci the call."""
    turns = s["turns"]
    if key in ("model", "status"):
        def of(c):
            return c[key]
        if kind == "llm":
            return [of(turns[ti]["llm_calls"][ci])]
        if kind == "tool":
            r = requester(turns[ti], turns[ti]["tool_calls"][ci])
            return [None if r is None else of(turns[ti]["llm_calls"][r])]
        calls = turns[ti]["llm_calls"] if kind == "turn" else [c for t in turns for c in t["llm_calls"]]
        return distinct([of(c) for c in calls])
    if key == "tool":
        if kind == "tool":
            return [turns[ti]["tool_calls"][ci]["name"]]
        if kind == "llm":
            t = turns[ti]
            return distinct([x["name"] for x in t["tool_calls"] if requester(t, x) == ci])
        tools = turns[ti]["tool_calls"] if kind == "turn" else [x for t in turns for x in t["tool_calls"]]
        return distinct([x["name"] for x in tools])
    return [session_value(s, key)]


def tuples(lists):
    out = [()]
    for values in lists:
        out = [t + (v,) for t in out for v in values]
    return out


def aggregate(sessions, by, prices):
    total, groups = Group(), {}

    def put(unit, s, kind, ti=None, ci=None):
        total.take(unit)
        if not by:
            return
        for t in tuples([key_values(s, k, kind, ti, ci) for k in by]):
            groups.setdefault(t, Group()).take(unit)

    for s in sessions:
        w = (s.get("sampling") or {}).get("weight")
        if w not in (None, 1, 1.0):
            sys.exit("check_aggregate.py: weighted sessions are not supported by the reference")
        call_tokens = any(c[k] is not None for t in s["turns"] for c in t["llm_calls"] for k in TOKENS)
        u = session_unit(s, prices, call_tokens)
        start = s["start_time"]
        for g in [total] + ([groups.setdefault(t, Group()) for t in tuples([key_values(s, k, "session") for k in by])] if by else []):
            if start is not None:
                g.first = start if g.first is None or start < g.first else g.first
                g.last = start if g.last is None or start > g.last else g.last
        put(u, s, "session")
        for ti, t in enumerate(s["turns"]):
            put(turn_unit(t), s, "turn", ti)
        for ti, t in enumerate(s["turns"]):
            for ci, c in enumerate(t["llm_calls"]):
                put(llm_unit(c, prices), s, "llm", ti, ci)
        for ti, t in enumerate(s["turns"]):
            for ci, x in enumerate(t["tool_calls"]):
                put(tool_unit(x), s, "tool", ti, ci)
    return total, groups


def ratio(a, b):
    return a / b if b else None


def span(first, last, unit):
    if first is None:
        return None
    f, l = parse_time(first), parse_time(last)
    return math.floor(l / unit) - math.floor(f / unit) + 1


def metrics(g):
    c = lambda k: g.c.get(k, 0)
    s = lambda k: g.s.get(k, 0)
    sessions = c("sessions")
    out = {
        ("counts", "sessions"): sessions,
        ("counts", "failed_sessions"): c("failed"),
        ("counts", "turns"): c("turns"),
        ("counts", "prompts"): c("prompts"),
        ("counts", "llm_calls"): c("llm_calls"),
        ("counts", "llm_errors"): c("llm_errors"),
        ("counts", "llm_timeouts"): c("llm_timeouts"),
        ("counts", "tool_calls"): c("tool_calls"),
        ("counts", "tool_failures"): c("tool_known") - c("tool_ok"),
        ("rates", "success_rate"): ratio(c("ok"), c("ok") + c("failed")),
        ("rates", "error_rate"): ratio(c("llm_errors") + c("llm_timeouts"), c("llm_calls")),
        ("rates", "timeout_rate"): ratio(c("llm_timeouts"), c("llm_calls")),
        ("rates", "tool_success_rate"): ratio(c("tool_ok"), c("tool_known")),
        ("rates", "cache_hit_rate"): ratio(c("cache_hits"), c("cache_known")),
        ("per", "turns_per_session"): ratio(c("turns"), sessions),
        ("per", "llm_calls_per_session"): ratio(c("llm_calls"), sessions),
        ("per", "tool_calls_per_session"): ratio(c("tool_calls"), sessions),
        ("per", "sessions_per_hour"): ratio(sessions, span(g.first, g.last, 3600) or 0),
        ("per", "sessions_per_day"): ratio(sessions, span(g.first, g.last, 86400) or 0),
        ("cost", "cost_usd"): s("cost_nano") / 1e9 if c("costed") else None,
        ("cost", "cost_per_session"): ratio(s("cost_nano") / 1e9, sessions) if c("costed") else None,
    }
    for d in ("accept", "reject", "modify", "auto_accept"):
        out[("rates", d + "_rate")] = ratio(c(d), c("decided"))
    for k in TOKENS:
        out[("tokens", k)] = s(k)
    return out


def compare_group(label, got, ref, bound, report):
    for (sec, key), v in metrics(ref).items():
        if not close(got[sec][key], v):
            report(f"{label}: {sec}.{key}: expected {v}, got {got[sec][key]}")
    for d in DISTS:
        want = dist_stats(ref.d.get(d, []))
        have = got["distributions"][d]
        for st in STATS:
            rel = bound if st.startswith("p") and bound else 1e-9
            if not close(have[st], want[st], rel):
                report(f"{label}: {d}.{st}: expected {want[st]}, got {have[st]}")
        if bound == 0 and have["count"] and not have["exact"]:
            report(f"{label}: {d}: not exact")
    if got["first_start"] != ref.first or got["last_start"] != ref.last:
        report(f"{label}: first/last start: expected {ref.first}/{ref.last}, got {got['first_start']}/{got['last_start']}")


def check_reference(result, sessions, by, prices, bound, report):
    if result["by"] != by:
        report(f"result grouped by {result['by']}, expected {by}")
        return
    total, groups = aggregate(sessions, by, prices)
    compare_group("total", result["total"], total, bound, report)
    got = {}
    for g in result["groups"]:
        if g["other"]:
            report("an other group: the reference keeps every group")
            continue
        got[tuple(g["key"][k] for k in by)] = g
    for key, ref in groups.items():
        if key not in got:
            report(f"group {key}: missing")
            continue
        compare_group(f"group {key}", got.pop(key), ref, bound, report)
    for key in got:
        report(f"group {key}: unexpected")
    order = [tuple(g["key"][k] for k in by) for g in result["groups"] if not g["other"]]
    sort_key = lambda t: [(0, b"") if v is None else (1, v.encode()) for v in t]
    if order != sorted(order, key=sort_key):
        report("groups are not in key order")


def main(argv):
    if len(argv) < 3 or argv[0] not in ("truth", "reference"):
        sys.stderr.write(__doc__)
        return 2
    report = Problems()
    if argv[0] == "truth":
        result = json.load(open(argv[1], encoding="utf-8"))
        check_truth(result, json.load(open(argv[2], encoding="utf-8")), report)
    else:
        by, prices, bound, args = [], None, 0.0, argv[1:]
        while args and args[0].startswith("--"):
            opt = args.pop(0)
            if opt == "--by":
                by.append(args.pop(0))
            elif opt == "--prices":
                prices = load_prices(args.pop(0))
            elif opt == "--bound":
                bound = float(args.pop(0))
            else:
                sys.stderr.write(f"check_aggregate.py: unknown option {opt}\n")
                return 2
        result = json.load(open(args[0], encoding="utf-8"))
        sessions = [json.loads(line) for line in open(args[1], encoding="utf-8")]
        check_reference(result, sessions, by, prices, bound, report)
    if report.n:
        print(f"check_aggregate.py: {report.n} mismatches")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
