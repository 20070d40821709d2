#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Compare televal-anonymize --report with the replacements in its output.

  check_placeholders.py OUTPUT STDERR

OUTPUT is what televal-anonymize wrote: a file, a directory (every file
under it) or a SQLite store (every text cell).  STDERR holds its
`televal-anonymize: report: RULE: N` lines.  Each finding of a rule is one
placeholder in the output, `<TYPE>` (redacted) or `<TYPE:hex>`
(pseudonymized), TYPE the rule's type: the count of each TYPE in the output
must be the sum of the report's counts of the rules of that TYPE, and the
report's total their sum.  A rule this script does not know is an error
(add it to RULE_TYPES or KEY_TYPES).

Prints `TYPE: N` for each type found; exit status 1 on a mismatch.
"""
import os
import re
import sqlite3
import sys

# the built-in rules of libcommon/pii/tv_pii_build.c and their types
RULE_TYPES = {
    "email": "EMAIL", "iban": "IBAN", "credit_card": "CREDIT_CARD", "us_ssn": "US_SSN",
    "us_ssn_context": "US_SSN", "ipv4": "IP_ADDRESS", "ipv6": "IP_ADDRESS",
    "mac_address": "MAC_ADDRESS", "phone_nanp": "PHONE", "phone_intl": "PHONE",
    "phone_local": "PHONE", "phone_context": "PHONE", "home_path": "USERNAME",
    "url_credential": "URL_CREDENTIAL", "url_secret_param": "URL_CREDENTIAL",
    "pem_private_key": "SECRET", "jwt": "SECRET", "anthropic_api_key": "SECRET",
    "openai_api_key": "SECRET", "aws_access_key": "SECRET", "github_token": "SECRET",
    "github_fine_grained_pat": "SECRET", "slack_token": "SECRET", "google_api_key": "SECRET",
    "stripe_key": "SECRET", "huggingface_token": "SECRET", "auth_header": "SECRET",
    "generic_password": "SECRET", "generic_secret": "SECRET",
    # what tv_pii could not process, replaced whole (fail closed)
    "invalid_utf8": "REDACTED", "rule_error": "REDACTED",
}
# the built-in key policies (`key:NAME` in the report)
KEY_TYPES = {
    "host.name": "HOST", "host.id": "HOST", "host.hostname": "HOST", "hostname": "HOST",
    "installation.id": "ID", "device.id": "ID", "machine.id": "ID",
    "process.owner": "USER", "user_id": "USER", "user.id": "USER", "userid": "USER",
    "enduser.id": "USER", "user.account_id": "USER", "account_id": "USER",
    "account.id": "USER", "user": "USER", "user.name": "USER", "username": "USER",
    "user_name": "USER", "login": "USER", "email": "EMAIL",
}
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
    if len(sys.argv) != 3:
        sys.exit("usage: check_placeholders.py OUTPUT STDERR")
    rules, total = report(sys.argv[2])
    bad = []
    if total is None:
        bad.append("no 'report: total:' line")
    elif total != sum(rules.values()):
        bad.append("report: total %d, the rules add up to %d" % (total, sum(rules.values())))
    want = {}
    for rule, n in rules.items():
        t = rule_type(rule)
        if t is None:
            bad.append("rule %s: type unknown to this script" % rule)
            continue
        want[t] = want.get(t, 0) + n
    got = {}
    for text in texts(sys.argv[1]):
        for m in PLACEHOLDER.finditer(text):
            got[m.group(1)] = got.get(m.group(1), 0) + 1
    for t in sorted(set(want) | set(got)):
        print("%s: %d" % (t, got.get(t, 0)))
        if want.get(t, 0) != got.get(t, 0):
            bad.append("%s: the report counts %d, the output holds %d" %
                       (t, want.get(t, 0), got.get(t, 0)))
    for b in bad:
        print("MISMATCH: " + b, file=sys.stderr)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
