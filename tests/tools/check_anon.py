#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks of televal-anonymize output against tests/tools/gen_corpus.py's truth.

  check_anon.py leaks TRUTH.json PATH...
      No planted PII value (the truth's "pii" list) occurs in any PATH (a
      file, read as bytes, or every file below a directory): not as is, not
      JSON-escaped, not escaped twice (JSON inside a JSON string), not with
      "/" escaped.  Fails too when nothing was planted.

  check_anon.py same ORIG.jsonl ANON.jsonl TRUTH.json
      The canonical sessions televal-filter read from the original and from
      the anonymized input have the same structure: the same session ids
      (or, with --anyclaude, the same number), turns, llm_calls,
      tool_calls, models and token counts.  Prompts and outputs that carry
      no planted PII are unchanged; those that carry some differ.

  check_anon.py parses FORMAT FILE
      FILE is still valid in its format's JSON framing: JSON Lines (otlp,
      anyclaude), JSON values one after another (outfile), one JSON
      document (jaeger, waza), or the JSON messages of Python log lines.

Each problem is printed; the exit status is 1 if there was any.
"""
import json
import os
import re
import sys


def forms(v):
    once = json.dumps(v, ensure_ascii=False)[1:-1]
    twice = json.dumps(once, ensure_ascii=False)[1:-1]
    out = {v, once, twice, v.replace("/", "\\/"), once.replace("/", "\\/")}
    return [f.encode() for f in out if f]


def files_of(paths):
    for p in paths:
        if os.path.isdir(p):
            for d, _, names in sorted(os.walk(p)):
                for n in sorted(names):
                    yield os.path.join(d, n)
        else:
            yield p


def leaks(truth, paths):
    pii = json.load(open(truth))["pii"]
    if not pii:
        print("no PII was planted: the test proves nothing")
        return 1
    bad = 0
    for f in files_of(paths):
        data = open(f, "rb").read()
        for p in pii:
            for form in forms(p["value"]):
                if form in data:
                    print(f"{f}: planted {p['kind']} survived: {p['value']!r} (session {p['session_id']})")
                    bad += 1
                    break
    return 1 if bad else 0


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def shape(s):
    turns = s.get("turns") or []
    return {
        "turns": len(turns),
        "llm_calls": [len(t.get("llm_calls") or []) for t in turns],
        "tool_calls": [len(t.get("tool_calls") or []) for t in turns],
        "tools": [x.get("name") for t in turns for x in (t.get("tool_calls") or [])],
        "models": s.get("models"),
        "tokens": [(c.get("input_tokens"), c.get("output_tokens"))
                   for t in turns for c in (t.get("llm_calls") or [])],
        "success": s.get("success"),
    }


def texts(s):
    for i, t in enumerate(s.get("turns") or []):
        for field in ("prompt", "output"):
            if t.get(field) is not None:
                yield f"turns[{i}].{field}", t[field]


def cut_off(text, v):
    """@text ends in the start of @v, cut off (a preview)."""
    return any(text.endswith(v[:k]) for k in range(4, len(v)))


def same(orig, anon, truth, anyclaude=False):
    pii = [p["value"] for p in json.load(open(truth))["pii"]]
    a, b = load(orig), load(anon)
    bad = []
    if len(a) != len(b):
        bad.append(f"{len(a)} sessions in the original, {len(b)} anonymized")
    if anyclaude:
        # ids come from file names, which stay; pair sessions in order
        pairs = list(zip(sorted(a, key=lambda s: s["id"]), sorted(b, key=lambda s: s["id"])))
    else:
        byid = {s["id"]: s for s in b}
        pairs = []
        for s in a:
            if s["id"] not in byid:
                bad.append(f"{s['id']}: session missing after anonymization")
            else:
                pairs.append((s, byid[s["id"]]))
    changed = kept = 0
    for s, t in pairs:
        if s["id"] != t["id"]:
            bad.append(f"{s['id']}: id changed to {t['id']}")
        if shape(s) != shape(t):
            bad.append(f"{s['id']}: structure differs: {shape(s)} vs {shape(t)}")
        other = dict(texts(t))
        for where, text in texts(s):
            got = other.get(where)
            has = any(v in text for v in pii)
            if not has and any(cut_off(text, v) for v in pii):
                continue  # a preview that ends in part of a value: either may be right
            if has and got == text:
                bad.append(f"{s['id']}: {where} still holds PII")
            elif not has and got != text:
                bad.append(f"{s['id']}: {where} changed without PII: {text!r} -> {got!r}")
            elif has:
                changed += 1
            else:
                kept += 1
    if kept == 0 and changed > 0:
        bad.append("no text without PII to compare")
    for m in bad[:50]:
        print(m)
    print(f"# {len(pairs)} sessions, {kept} texts kept, {changed} texts scrubbed")
    return 1 if bad else 0


def parses(fmt, path):
    text = open(path, encoding="utf-8").read()
    try:
        if fmt in ("otlp", "anyclaude"):
            for n, line in enumerate(text.splitlines(), 1):
                if line.strip():
                    json.loads(line)
        elif fmt == "outfile":
            dec, i = json.JSONDecoder(), 0
            while True:
                while i < len(text) and text[i].isspace():
                    i += 1
                if i == len(text):
                    break
                _, i = dec.raw_decode(text, i)
        elif fmt in ("jaeger", "waza"):
            json.loads(text)
        elif fmt == "pylog":
            pat = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} - .+? - [A-Z]+ - (\{.*)$")
            for line in text.splitlines():
                m = pat.match(line)
                if m:
                    json.loads(m.group(1))
        else:
            print(f"unknown format {fmt}")
            return 2
    except ValueError as e:
        print(f"{path}: not valid {fmt} JSON: {e}")
        return 1
    return 0


def main(argv):
    if len(argv) >= 3 and argv[0] == "leaks":
        return leaks(argv[1], argv[2:])
    if len(argv) >= 4 and argv[0] == "same":
        anyclaude = "--anyclaude" in argv
        rest = [a for a in argv[1:] if a != "--anyclaude"]
        return same(*rest[:3], anyclaude=anyclaude)
    if len(argv) == 3 and argv[0] == "parses":
        return parses(argv[1], argv[2])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
