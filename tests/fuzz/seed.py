#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write the seed corpora of the fuzz harnesses (tests/fuzz/corpus/NAME/).

    tests/fuzz/seed.py BUILD-DIR

Seeds are small: the head of every file in examples/, two-session corpora of
every format gen_corpus.py writes, the canonical sessions
televal-filter makes of them, the expressions of tests/unit/test_expr.c, the
built-in templates and the example policy.  The anonymize seeds carry the
bytes 0x01..0x07 (planted values, see fuzz_anonymize.c) inside string
values.  Rerun after a format is added; commit what changes.
"""
import hashlib
import os
import re
import subprocess
import sys
import tempfile

SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(SRC, "tests", "fuzz", "corpus")
MAX = 6000  # bytes per seed
GEN = next(p for p in (os.path.join(SRC, "tests", "tools", "gen_corpus.py"),
                       os.path.join(SRC, "bench", "gen_corpus.py")) if os.path.exists(p))
GEN_FORMATS = ["gemini-outfile", "gemini-collector-log", "otlp-logs", "otlp-traces", "jaeger",
               "anyclaude", "waza", "pylog", "qwen-outfile"]


def put(name, data):
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    h = hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, h), "wb") as f:
        f.write(data)


def clear_seeds():
    """remove the seeds written before (16 hex digits); the inputs of
    findings (named by their whole SHA-1) stay"""
    for d in os.listdir(OUT) if os.path.isdir(OUT) else []:
        for f in os.listdir(os.path.join(OUT, d)):
            if re.fullmatch(r"[0-9a-f]{16}", f):
                os.unlink(os.path.join(OUT, d, f))


ALERTS = [b"error_rate > 0.1", b"not sessions > 0 || p95(llm.latency_ms) >= 3.5s",
          b"(mean(tool.duration_ms) > 1m and cache_hit_rate < 50%) or cost_usd != 0"]
AGG_KEYS = [[], ["model"], ["tool", "status"], ["day"], ["metadata.user_id"]]


def partial_states(agg, path):
    """--partial states of the sessions in path, grouped in several ways"""
    for i, keys in enumerate(AGG_KEYS):
        args = [agg, "--partial", "--exact", "4" if i % 2 else "4096"]
        for k in keys:
            args += ["--by", k]
        r = subprocess.run(args + [os.path.basename(path)], capture_output=True,
                           cwd=os.path.dirname(path))
        if r.stdout:
            yield r.stdout


def head(data, limit=MAX):
    """whole lines (or JSON values) up to limit bytes"""
    if len(data) <= limit:
        return data
    cut = data.rfind(b"\n", 0, limit)
    return data[:cut + 1] if cut > 0 else data[:limit]


def plant(data):
    """put the markers 1..7 at the start of the first string values"""
    n = [0]

    def sub(m):
        n[0] += 1
        return m.group(1) + bytes([(n[0] - 1) % 7 + 1]) if n[0] <= 14 else m.group(0)
    data = re.sub(rb'(":\s*")', sub, data)
    if n[0] == 0:  # text: a marker at the end of the first lines
        lines = data.split(b"\n")
        for i in range(min(7, len(lines))):
            lines[i] += b" " + bytes([i + 1])
        data = b"\n".join(lines)
    return data


def inputs(tmp):
    """(name, bytes) of the example files and small generated corpora"""
    for root, _, files in sorted(os.walk(os.path.join(SRC, "examples"))):
        for f in sorted(files):
            if f.endswith((".db", ".sh", ".yaml")) or f == "Makefile":
                continue
            with open(os.path.join(root, f), "rb") as fh:
                yield f, head(fh.read())
    for fmt in GEN_FORMATS:
        out = os.path.join(tmp, fmt)
        subprocess.run([sys.executable, GEN, "--format",
                        fmt, "--sessions", "2", "--pii-rate", "0.3", "-o", out], check=True)
        paths = [out] if os.path.isfile(out) else \
            [os.path.join(out, p) for p in sorted(os.listdir(out))]
        for p in paths:
            with open(p, "rb") as fh:
                yield fmt, head(fh.read())


def main():
    build = os.path.abspath(sys.argv[1])
    filt = os.path.join(build, "tools", "filter", "televal-filter")
    agg = os.path.join(build, "tools", "aggregate", "televal-aggregate")
    clear_seeds()
    with tempfile.TemporaryDirectory() as tmp:
        for name, data in inputs(tmp):
            put("readers", b"\0" + data)
            put("anonymize", b"\0" + plant(data))
            p = os.path.join(tmp, "in")
            with open(p, "wb") as fh:
                fh.write(data)
            r = subprocess.run([filt, "in"], capture_output=True, cwd=tmp)  # a stable file name
            if r.stdout:
                put("canonical", head(r.stdout))
                put("readers", b"\0" + head(r.stdout))
                with open(p, "wb") as fh:
                    fh.write(r.stdout)
                for j, state in enumerate(partial_states(agg, p)):
                    put("aggregate", state if j % 2 else b"?" + ALERTS[j % 3] + b"\n" + state)
    with open(os.path.join(SRC, "tests", "unit", "test_expr.c"), encoding="utf-8") as fh:
        text = fh.read()
    for m in re.finditer(r'\b(?:IS|NOT|ERR|PATH_ERR|VALUES)\("((?:[^"\\]|\\.)*)"', text):
        expr = bytes(m.group(1), "utf-8").decode("unicode_escape").encode("utf-8")
        put("expr", expr)
    for f in sorted(os.listdir(os.path.join(SRC, "templates"))):
        with open(os.path.join(SRC, "templates", f), "rb") as fh:
            put("tmpl", fh.read())
    with open(os.path.join(SRC, "examples", "policy.yaml"), "rb") as fh:
        put("policy", fh.read())
    for extra in [b"rules:\n  email: {op: mask, mask_keep: 3}\n",
                  b"keys:\n  - {match: \"*.secret\", op: drop}\n",
                  b"allow:\n  values: [a@b.c]\n  patterns: ['x.*']\n",
                  b"add_rules:\n  - {name: r, pattern: '\\\\d{4}', type: T, op: redact}\n"]:
        put("policy", extra)


if __name__ == "__main__":
    main()
