#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Compare televal-anonymize --report with the replacements in its output.

  check_placeholders.py OUTPUT STDERR [INPUT]

OUTPUT is what televal-anonymize wrote: a file, a directory (every file
under it) or a SQLite store (every text cell).  STDERR holds its
`televal-anonymize: report: RULE: N` lines.  Each finding of a rule is one
placeholder in the output, `<TYPE>` (redacted) or `<TYPE:hex>`
(pseudonymized), TYPE the rule's type: the count of each TYPE in the output
must be the sum of the report's counts of the rules of that TYPE (plus the
count in INPUT, when given: text such as <REDACTED> or <INSTRUCTIONS> that
was there before), and the
report's total their sum.  The types of the rules and key policies are
read from libcommon/pii/tv_pii_build.c; a rule not found there is an
error.

Prints `TYPE: N` for each type found; exit status 1 on a mismatch.
"""
import os
import re
import sqlite3
import sys

# the built-in rules and key policies and their types, read from the
# tables of libcommon/pii/tv_pii_build.c (`{ "name", "TYPE", TV_PII_...`)
BUILD_C = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "libcommon",
                       "pii", "tv_pii_build.c")
# what tv_pii could not process, replaced whole by <REDACTED> (fail closed)
EXTRA_TYPES = {"invalid_utf8": "REDACTED", "rule_error": "REDACTED"}


def builtin_types():
    src = open(BUILD_C, encoding="utf-8").read()
    rules, keys = src.split("/* ---- built-in key policies", 1)
    entry = re.compile(r'\{\s*"([^"]+)",\s*"([A-Z_]+)",\s*TV_PII_')
    rule_types = dict(entry.findall(rules))
    rule_types.update(EXTRA_TYPES)
    key_types = dict(entry.findall(keys))
    ids = re.search(r"id_keys\[\]\s*=\s*\{(.*?)\};", keys, re.S)
    for k in re.findall(r'"([^"]+)"', ids.group(1) if ids else ""):
        key_types[k] = "ID"
    return rule_types, key_types


RULE_TYPES, KEY_TYPES = builtin_types()
PLACEHOLDER = re.compile(r"<([A-Z][A-Z_]*)(?::[0-9a-f]+)?>")


def texts(path):
    if os.path.isdir(path):
        for top, _, files in os.walk(path):
            for f in sorted(files):
                yield from texts(os.path.join(top, f))
        return
    with open(path, "rb") as f:
        head = f.read(16)
    if head.startswith(b"SQLite format 3"):
        db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
        for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'"):
            for row in db.execute('SELECT * FROM "%s"' % t.replace('"', '""')):
                yield from (c for c in row if isinstance(c, str))
        return
    with open(path, encoding="utf-8", errors="replace") as f:
        yield f.read()


def placeholders(path):
    got = {}
    for text in texts(path):
        for m in PLACEHOLDER.finditer(text):
            got[m.group(1)] = got.get(m.group(1), 0) + 1
    return got


def report(stderr):
    rules, total = {}, None
    for line in open(stderr, encoding="utf-8", errors="replace"):
        m = re.match(r"^televal-anonymize: report: (.+): (\d+)$", line.rstrip("\n"))
        if not m:
            continue
        if m.group(1) == "total":
            total = int(m.group(2))
        else:
            rules[m.group(1)] = int(m.group(2))
    return rules, total


def rule_type(rule):
    if rule.startswith("key:"):
        return KEY_TYPES.get(rule[4:])
    return RULE_TYPES.get(rule)


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit("usage: check_placeholders.py OUTPUT STDERR [INPUT]")
    rules, total = report(sys.argv[2])
    bad = []
    if total is None:
        bad.append("no 'report: total:' line")
    elif total != sum(rules.values()):
        bad.append("report: total %d, the rules add up to %d" % (total, sum(rules.values())))
    want = placeholders(sys.argv[3]) if len(sys.argv) == 4 else {}
    for rule, n in rules.items():
        t = rule_type(rule)
        if t is None:
            bad.append("rule %s: type unknown to this script" % rule)
            continue
        want[t] = want.get(t, 0) + n
    got = placeholders(sys.argv[1])
    for t in sorted(set(want) | set(got)):
        print("%s: %d" % (t, got.get(t, 0)))
        if want.get(t, 0) != got.get(t, 0):
            bad.append("%s: the report (and the input) count %d, the output holds %d" %
                       (t, want.get(t, 0), got.get(t, 0)))
    for b in bad:
        print("MISMATCH: " + b, file=sys.stderr)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
