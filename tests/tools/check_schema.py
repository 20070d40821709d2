#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Validate canonical session streams against libcommon/model/session.schema.json.

  check_schema.py [--schema FILE] [--no-order] FILE...

Every line of every FILE (JSON Lines; - is stdin) must be one JSON object
that validates against the schema (draft 2020-12, with the jsonschema
module).  Also checked, because the schema language cannot say it: the file
is UTF-8, every line ends with a newline, no object has duplicate keys, no
NaN/Infinity, and (unless --no-order) the members of every session, source,
usage, error, turn, llm_call and tool_call come in the order
tv_session_write() writes them (the schema's "required" order, unknown
members last).  Each problem is printed as FILE:LINE: message; the exit
status is 1 if there was any, 2 on usage errors.
"""
import json
import os
import sys

try:
    import jsonschema
except ImportError:
    sys.exit("check_schema.py: the python module 'jsonschema' is missing "
             "(Debian: apt-get install python3-jsonschema)")

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SCHEMA = os.path.join(HERE, "..", "..", "libcommon", "model", "session.schema.json")
MAX_ERRORS_PER_FILE = 50


class DuplicateKey(ValueError):
    pass


def pairs_hook(pairs):
    d = {}
    for k, v in pairs:
        if k in d:
            raise DuplicateKey(f"duplicate key {k!r}")
        d[k] = v
    # remember the order for the member-order check (dicts keep insertion order)
    return d


def bad_constant(name):
    raise ValueError(f"{name} is not JSON")


def json_path(path):
    out = "$"
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else f".{p}"
    return out


class OrderChecker:
    """Members in tv_session_write() order: the schema's required list, then
    the known optional members listed here, then anything else."""

    OPTIONAL_AFTER = {"llm_call": ["request_text", "response_text"]}

    def __init__(self, schema):
        d = schema["$defs"]
        self.order = {
            "session": schema["required"],
            "source": d["source"]["required"],
            "usage": d["usage"]["required"],
            "error": ["type", "message"],
            "turn": d["turn"]["required"],
            "llm_call": d["llm_call"]["required"] + self.OPTIONAL_AFTER["llm_call"],
            "tool_call": d["tool_call"]["required"],
        }

    def check_obj(self, kind, obj, path, errs):
        if not isinstance(obj, dict):
            return
        want = self.order[kind]
        keys = list(obj.keys())
        known = [k for k in keys if k in want]
        expect = [k for k in want if k in obj]
        if known != expect or keys[:len(known)] != known:
            errs.append(f"{json_path(path)}: members out of order: {keys} "
                        f"(expected {expect} first, unknown members after them)")

    def check(self, s, errs):
        if not isinstance(s, dict):
            return
        self.check_obj("session", s, [], errs)
        for k in ("source", "usage", "error"):
            if isinstance(s.get(k), dict):
                self.check_obj(k, s[k], [k], errs)
        turns = s.get("turns")
        if not isinstance(turns, list):
            return
        for i, t in enumerate(turns):
            self.check_obj("turn", t, ["turns", i], errs)
            if not isinstance(t, dict):
                continue
            for kind, key in (("llm_call", "llm_calls"), ("tool_call", "tool_calls")):
                calls = t.get(key)
                if isinstance(calls, list):
                    for j, c in enumerate(calls):
                        self.check_obj(kind, c, ["turns", i, key, j], errs)


def check_file(name, validator, order, out):
    """Returns the number of bad lines."""
    if name == "-":
        data = sys.stdin.buffer.read()
        name = "<stdin>"
    else:
        with open(name, "rb") as f:
            data = f.read()
    bad = 0
    shown = 0
    if not data:
        return 0
    lines = data.split(b"\n")
    last_unterminated = lines[-1] != b""
    if not last_unterminated:
        lines.pop()
    for no, raw in enumerate(lines, 1):
        errs = []
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            errs.append(f"not UTF-8: {e}")
            text = None
        if no == len(lines) and last_unterminated:
            errs.append("last line does not end with a newline")
        obj = None
        if text is not None:
            if text.strip() == "":
                errs.append("empty line")
            else:
                try:
                    obj = json.loads(text, object_pairs_hook=pairs_hook,
                                     parse_constant=bad_constant)
                except (ValueError, RecursionError) as e:
                    errs.append(f"not JSON: {e}")
        if obj is not None:
            for e in sorted(validator.iter_errors(obj), key=lambda e: list(e.absolute_path)):
                msg = e.message
                if len(msg) > 300:
                    msg = msg[:300] + "..."
                errs.append(f"{json_path(e.absolute_path)}: {msg}")
            if order is not None:
                order.check(obj, errs)
        if errs:
            bad += 1
            for m in errs:
                if shown < MAX_ERRORS_PER_FILE:
                    out.write(f"{name}:{no}: {m}\n")
                shown += 1
    if shown > MAX_ERRORS_PER_FILE:
        out.write(f"{name}: ... {shown - MAX_ERRORS_PER_FILE} more errors not shown\n")
    return bad


def main(argv):
    schema_path = DEFAULT_SCHEMA
    check_order = True
    files = []
    args = iter(argv)
    for a in args:
        if a == "--schema":
            schema_path = next(args, None)
            if schema_path is None:
                sys.stderr.write("check_schema.py: --schema needs a file\n")
                return 2
        elif a == "--no-order":
            check_order = False
        elif a in ("-h", "--help"):
            sys.stdout.write(__doc__)
            return 0
        elif a.startswith("-") and a != "-":
            sys.stderr.write(f"check_schema.py: unknown option {a}\n")
            return 2
        else:
            files.append(a)
    if not files:
        sys.stderr.write("usage: check_schema.py [--schema FILE] [--no-order] FILE...\n")
        return 2
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    order = OrderChecker(schema) if check_order else None
    bad = 0
    for name in files:
        try:
            bad += check_file(name, validator, order, sys.stdout)
        except OSError as e:
            sys.stdout.write(f"{name}: {e.strerror}\n")
            bad += 1
    sys.stdout.flush()
    return 1 if bad else 0


def run_deep(argv):
    """main() in a thread with a big stack, so deeply nested (but valid)
    JSON such as 10,000-deep tool args can be parsed and checked."""
    import threading
    result = []
    sys.setrecursionlimit(100000)
    threading.stack_size(512 * 1024 * 1024)
    t = threading.Thread(target=lambda: result.append(main(argv)))
    t.start()
    t.join()
    return result[0] if result else 1


if __name__ == "__main__":
    sys.exit(run_deep(sys.argv[1:]))
