#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""py_parse.py: the Python peer for bench/run.sh (parse only, no grouping).

  python3 py_parse.py otlp FILE        json.loads() every line (OTLP/JSON logs, JSONL)
  python3 py_parse.py collector FILE   tokenize every "     -> key: Type(value)" line
                                       of a collector.log into (key, value); other
                                       lines are only read

This is the cheapest honest thing Python can do with each format: it measures
the parser (the C json module; str methods), not a conversion.  Counts go to
stderr.
"""
import json
import sys


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("otlp", "collector"):
        sys.exit("usage: py_parse.py otlp|collector FILE")
    mode, path = sys.argv[1], sys.argv[2]
    n = 0
    if mode == "otlp":
        loads = json.loads
        with open(path, "rb", buffering=1 << 20) as f:
            for line in f:
                if line.strip():
                    loads(line)
                    n += 1
        print(f"python: {n} lines parsed", file=sys.stderr)
    else:
        with open(path, "r", encoding="utf-8", buffering=1 << 20) as f:
            for line in f:
                if line.startswith("     -> "):
                    key, _, raw = line[8:].rstrip("\n").partition(": ")
                    _ty, _, _val = raw.partition("(")
                    n += 1
        print(f"python: {n} attributes tokenized", file=sys.stderr)


if __name__ == "__main__":
    main()
