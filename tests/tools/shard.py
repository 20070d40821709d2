#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Split one telemetry file into K shards the way a cluster would see it.

  shard.py --format F --k K [--mode rr|chunks] INPUT OUTDIR

writes OUTDIR/0/NAME ... OUTDIR/K-1/NAME (NAME = INPUT's base name, so a
tool run inside each shard directory names its input as a run over INPUT
does).  The unit of splitting is the format's record, never less:

  lines          otlp, canonical, anyclaude, JSON log lines: a line
  pylog          a logging line and the lines after it that are not one
  collector-log  a block from one collector line to the next
  outfile        a top-level JSON value
  jaeger         a span: each shard gets a document with its spans of each
                 trace (and the trace's processes)
  waza           a session of the export

--mode rr deals the units round robin (a session's records end up in every
shard: the hardest case); chunks gives each shard a contiguous run.
"""
import argparse
import json
import os
import re

STAMP = re.compile(r"^\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d")


def line_units(text):
    return [l for l in text.splitlines(keepends=True) if l.strip()]


def pylog_units(text):
    units = []
    for l in text.splitlines(keepends=True):
        if STAMP.match(l) or l.startswith("{") or not units:
            units.append(l)
        else:
            units[-1] += l
    return units


def collector_units(text):
    units = []
    for l in text.splitlines(keepends=True):
        if STAMP.match(l) or not units:
            units.append(l)
        else:
            units[-1] += l
    return units


def json_values(text):
    dec, i, out = json.JSONDecoder(), 0, []
    while True:
        while i < len(text) and text[i] in " \t\r\n":
            i += 1
        if i >= len(text):
            return out
        v, j = dec.raw_decode(text, i)
        out.append(text[i:j] + "\n")
        i = j


def deal(units, k, mode):
    shards = [[] for _ in range(k)]
    if mode == "rr":
        for i, u in enumerate(units):
            shards[i % k].append(u)
    else:
        per = (len(units) + k - 1) // k
        for i, u in enumerate(units):
            shards[min(i // max(per, 1), k - 1)].append(u)
    return ["".join(s) for s in shards]


def jaeger_shards(text, k, mode):
    docs = [json.loads(v) for v in json_values(text)]
    spans = []  # (trace, span)
    for d in docs:
        for t in d.get("data", []):
            for sp in t.get("spans", []):
                spans.append((t, sp))
    parts = [[] for _ in range(k)]
    for i, ts in enumerate(spans):
        j = i % k if mode == "rr" else min(i * k // max(len(spans), 1), k - 1)
        parts[j].append(ts)
    out = []
    for p in parts:
        traces = {}
        for t, sp in p:
            e = traces.setdefault(t["traceID"], {"traceID": t["traceID"], "spans": [],
                                                 "processes": t.get("processes", {})})
            e["spans"].append(sp)
        out.append(json.dumps({"data": list(traces.values())}, indent=2) + "\n"
                   if traces else "")
    return out


def waza_shards(text, k, mode):
    out = []
    for i in range(k):
        out.append([])
    docs = [json.loads(v) for v in json_values(text)]
    sessions = [(d, s) for d in docs for s in d.get("sessions", [])]
    for i, (d, s) in enumerate(sessions):
        j = i % k if mode == "rr" else min(i * k // max(len(sessions), 1), k - 1)
        out[j].append((d, s))
    res = []
    for part in out:
        if not part:
            res.append("")
            continue
        doc = dict(part[0][0])
        doc["sessions"] = [s for _, s in part]
        res.append(json.dumps(doc, indent=2) + "\n")
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--format", required=True)
    ap.add_argument("--k", type=int, required=True)
    ap.add_argument("--mode", choices=["rr", "chunks"], default="rr")
    ap.add_argument("input")
    ap.add_argument("outdir")
    a = ap.parse_args()
    with open(a.input, encoding="utf-8") as f:
        text = f.read()
    f = a.format
    if f == "jaeger":
        shards = jaeger_shards(text, a.k, a.mode)
    elif f == "waza":
        shards = waza_shards(text, a.k, a.mode)
    elif f == "outfile":
        shards = deal(json_values(text), a.k, a.mode)
    elif f == "collector-log":
        shards = deal(collector_units(text), a.k, a.mode)
    elif f == "pylog":
        shards = deal(pylog_units(text), a.k, a.mode)
    else:
        shards = deal(line_units(text), a.k, a.mode)
    name = os.path.basename(a.input)
    for i, s in enumerate(shards):
        d = os.path.join(a.outdir, str(i))
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, name), "w", encoding="utf-8") as out:
            out.write(s)


if __name__ == "__main__":
    main()
