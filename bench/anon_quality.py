#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Quality figures for bench/anonymize.sh.

  anon_quality.py lookalikes OUT.jsonl
      Write a corpus of look-alikes: OTLP/JSON log lines, one per line, each
      with a sentence holding one value that looks like PII but is not:
      dates and times, versions, UUIDs, ports, order and ticket numbers,
      16-digit numbers that fail the Luhn check, git hashes, durations,
      Unix times, HTTP status codes.  The values are listed in
      OUT.jsonl.values (kind TAB value, one per line).

  anon_quality.py recall TRUTH.json INPUT OUTPUT
      Of the planted PII values (gen_corpus.py --truth) that occur in INPUT,
      the share that no longer occurs in OUTPUT,
      overall and per kind.  Prints `recall KIND FOUND/PLANTED`.

  anon_quality.py survival VALUES OUTPUT
      Of the look-alikes, the share still found intact on their own line of
      OUTPUT (the tools keep one output line per input line).  Prints
      `survival KIND KEPT/TOTAL`.
"""
import json
import random
import re
import sys
import uuid


def luhn_ok(d):
    s = 0
    for i, c in enumerate(reversed(d)):
        x = int(c)
        if i % 2 == 1:
            x *= 2
            x -= 9 if x > 9 else 0
        s += x
    return s % 10 == 0


def bad_card(rng):
    while True:
        d = "4" + "".join(rng.choice("0123456789") for _ in range(15))
        if not luhn_ok(d):
            return " ".join(d[i:i + 4] for i in range(0, 16, 4))


def lookalike(rng, kind):
    if kind == "date":
        return f"2025-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
    if kind == "datetime":
        return f"2025-07-{rng.randrange(1, 29):02d}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}.{rng.randrange(1000):03d}Z"
    if kind == "version":
        return f"{rng.randrange(0, 30)}.{rng.randrange(0, 20)}.{rng.randrange(0, 40)}"
    if kind == "uuid":
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))
    if kind == "port":
        return f"localhost:{rng.choice([3000, 5432, 6379, 8080, 8443, 9090, 4317])}"
    if kind == "order":
        return f"ORD-{rng.randrange(2020, 2026)}-{rng.randrange(10**6):06d}"
    if kind == "ticket":
        return f"#{rng.randrange(1000, 99999)}"
    if kind == "luhn_fail":
        return bad_card(rng)
    if kind == "git_sha":
        return "".join(rng.choice("0123456789abcdef") for _ in range(40))
    if kind == "duration":
        return f"{rng.randrange(1, 9999)}ms"
    if kind == "unix_ms":
        return str(1751360404000 + rng.randrange(10**9))
    if kind == "http_status":
        return f"HTTP {rng.choice([200, 201, 404, 429, 500, 503])}"
    raise ValueError(kind)


KINDS = ["date", "datetime", "version", "uuid", "port", "order", "ticket", "luhn_fail",
         "git_sha", "duration", "unix_ms", "http_status"]
WORDS = "the build failed at step retry with module parser loading docs please fix".split()


def lookalikes(out, n=600):
    rng = random.Random(7)
    with open(out, "w") as f, open(out + ".values", "w") as v:
        for i in range(n):
            kind = KINDS[i % len(KINDS)]
            val = lookalike(rng, kind)
            words = [rng.choice(WORDS) for _ in range(8)]
            words.insert(rng.randrange(len(words) + 1), val)
            rec = {"resourceLogs": [{"resource": {"attributes": [
                {"key": "service.name", "value": {"stringValue": "bench"}}]},
                "scopeLogs": [{"scope": {"name": "bench"}, "logRecords": [{
                    "timeUnixNano": "1751360404000000000",
                    "body": {"stringValue": " ".join(words)},
                    "attributes": [{"key": "session.id", "value": {"stringValue": f"s{i}"}},
                                   {"key": "note", "value": {"stringValue": " ".join(words)}}]}]}]}]}
            f.write(json.dumps(rec, separators=(",", ":")) + "\n")
            v.write(f"{kind}\t{val}\n")
    return 0


# what gen_corpus.py plants, by kind: all candidates of a text are found in
# one pass, instead of one search of the whole text per value
SHAPES = {
    "email": r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
    "phone": r"\(\d{3}\) \d{3}-\d{4}",
    "credit_card": r"\d{4} \d{4} \d{4} \d{4}",
    "aws_key": r"AKIA[A-Z2-7]{16}",
    "home_path": r"/home/[^\s\"\\]+",
    "ipv4": r"\d{1,3}(?:\.\d{1,3}){3}",
}
SHAPE_RE = re.compile("|".join(f"(?:{x})" for x in SHAPES.values()))


def present(values, text):
    """The values found in @text: by shape when they have one, else by search."""
    found = set(SHAPE_RE.findall(text))
    return {v for v in values if v in found or (not SHAPE_RE.fullmatch(v) and v in text)}


def recall(truth, inp, out):
    pii = json.load(open(truth))["pii"]
    src = open(inp, encoding="utf-8", errors="replace").read()
    dst = open(out, encoding="utf-8", errors="replace").read()
    kinds = {p["value"]: p["kind"] for p in pii}
    planted = present(kinds, src)
    left = present(planted, dst)
    seen = {v: (kinds[v], v not in left) for v in planted}
    per = {}
    for kind, gone in seen.values():
        a, b = per.get(kind, (0, 0))
        per[kind] = (a + gone, b + 1)
    tot = (sum(a for a, _ in per.values()), sum(b for _, b in per.values()))
    for kind in sorted(per):
        print(f"recall {kind} {per[kind][0]}/{per[kind][1]}")
    print(f"recall all {tot[0]}/{tot[1]}")
    return 0


def survival(values, out):
    vals = [line.rstrip("\n").split("\t", 1) for line in open(values)]
    lines = open(out, encoding="utf-8", errors="replace").read().split("\n")
    per = {}
    for i, (kind, v) in enumerate(vals):
        kept = i < len(lines) and v in lines[i]
        a, b = per.get(kind, (0, 0))
        per[kind] = (a + kept, b + 1)
    tot = (sum(a for a, _ in per.values()), sum(b for _, b in per.values()))
    for kind in KINDS:
        if kind in per:
            print(f"survival {kind} {per[kind][0]}/{per[kind][1]}")
    print(f"survival all {tot[0]}/{tot[1]}")
    return 0


def main(argv):
    if len(argv) == 2 and argv[0] == "lookalikes":
        return lookalikes(argv[1])
    if len(argv) == 4 and argv[0] == "recall":
        return recall(*argv[1:])
    if len(argv) == 3 and argv[0] == "survival":
        return survival(*argv[1:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
