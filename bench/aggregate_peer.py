#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The Python peer of bench/aggregate.sh: what a user writes to get, per
model, p50/p95/p99 of LLM latency and the input/output token sums from
canonical sessions.  json.loads every line (the C json module), keep
every latency in a list per model, sort, take nearest-rank percentiles.

  aggregate_peer.py SESSIONS.jsonl
"""
import json
import math
import sys


def nearest_rank(v, p):
    return v[max(1, math.ceil(p * len(v) / 100)) - 1]


def main(path):
    lat, tok = {}, {}
    with open(path, "rb") as f:
        for line in f:
            s = json.loads(line)
            for t in s["turns"]:
                for c in t["llm_calls"]:
                    m = c["model"]
                    if c["duration_ms"] is not None:
                        lat.setdefault(m, []).append(c["duration_ms"])
                    a = tok.setdefault(m, [0, 0])
                    a[0] += c["input_tokens"] or 0
                    a[1] += c["output_tokens"] or 0
    out = []
    for m in sorted(lat, key=str):
        v = sorted(lat[m])
        out.append({"model": m, "calls": len(v), "p50": nearest_rank(v, 50),
                    "p95": nearest_rank(v, 95), "p99": nearest_rank(v, 99),
                    "input_tokens": tok[m][0], "output_tokens": tok[m][1]})
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
