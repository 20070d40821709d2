#!/bin/bash
# SPDX-License-Identifier: MIT
#
# televal-filter's selection end to end.  Two generated corpora (300
# gemini-outfile sessions, 300 waza sessions with skills) are converted to
# canonical sessions, checked against the generator's ground truth, and then
# for many --where expressions and shorthands the expected selection is
# computed in Python from the ground truth (and, where the truth does not
# say, from the canonical sessions) and compared exactly: --ids (ids, in
# input order), the lines themselves (byte-identical to the input lines,
# --stats adding up) and --count.  Also: -v, --limit, several --where
# ANDed, raw input giving the same selection as canonical input, --dedupe
# and --dedupe-window on corpora with planted duplicate prompts, syntax
# errors (exit 2, the expression with a caret under the column), unknown
# fields (exit 2), usage errors, and schema-valid output.
. "$(dirname "$0")/lib.sh"

N=300

# ---- the corpora ----
gen gemini-outfile "$N" g.in --truth g.truth.json
expect_filter 0 g.in
mv "$T/out" g.jsonl
[ "$(lines g.jsonl)" -eq "$N" ] || fail "gemini-outfile: $(lines g.jsonl) sessions, expected $N"
"$PY" "$CHECK_TRUTH" --extra g.jsonl g.truth.json >g.truth.log ||
	{ sed -n '1,20p' g.truth.log >&2; fail "gemini-outfile: the output differs from the ground truth"; }

gen waza "$N" w.in --truth w.truth.json
expect_filter 0 w.in
mv "$T/out" w.jsonl
[ "$(lines w.jsonl)" -eq "$N" ] || fail "waza: $(lines w.jsonl) sessions, expected $N"

# dd.jsonl: the waza sessions with 120 planted near-duplicates (first prompt
# in other case and blanks, new ids) at seeded random places; wd.jsonl: for
# --dedupe-window, 100 sessions, the same 100 prompts again 100 sessions
# later, then 20 prompts each followed at once by a duplicate
"$PY" - <<'EOF' || fail "could not build the dedupe corpora"
import json, random

rnd = random.Random(5)
sessions = [json.loads(l) for l in open("w.jsonl", encoding="utf-8")]


def clone(s, new_id, prompt):
    c = json.loads(json.dumps(s))
    c["id"] = new_id
    c["turns"][0]["prompt"] = prompt
    return c


def vary(p, k):
    words = p.split(" ")
    forms = [
        lambda: p.upper(),
        lambda: "  " + p + "  ",
        lambda: "\t" + "  ".join(words) + "\n",
        lambda: " \r\n ".join(w.capitalize() for w in words),
        lambda: p,
    ]
    return forms[k % len(forms)]()


def dump(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for s in rows:
            f.write(json.dumps(s, ensure_ascii=False, separators=(",", ":")) + "\n")


rows = list(sessions)
for k in range(120):
    src = rnd.choice(sessions[:150])
    rows.insert(rnd.randrange(len(rows) + 1), clone(src, f"dup-{k:03d}", vary(src["turns"][0]["prompt"], k)))
dump("dd.jsonl", rows)

rows = list(sessions[:100])
rows += [clone(s, f"again-{i:03d}", s["turns"][0]["prompt"]) for i, s in enumerate(sessions[:100])]
for i, s in enumerate(sessions[100:120]):
    rows += [s, clone(s, f"next-{i:03d}", vary(s["turns"][0]["prompt"], i))]
dump("wd.jsonl", rows)
EOF

# the planted corpora are canonical input: read back, they give the same sessions
for c in dd wd; do
	expect_filter 0 "$c.jsonl"
	mv "$T/out" "$c.canon.jsonl"
	[ "$(lines "$c.canon.jsonl")" -eq "$(lines "$c.jsonl")" ] || fail "$c.jsonl: sessions lost"
	mv "$c.canon.jsonl" "$c.jsonl"
done

# ---- the selections, computed in Python ----
cat >select_check.py <<'EOF'
import datetime
import json
import os
import re
import subprocess
import sys

FILTER = sys.argv[1]
SAN = re.compile(r"ERROR: (Address|Leak|Memory|Thread)Sanitizer|runtime error:|SUMMARY: [A-Za-z]*Sanitizer")
problems = []
keep_for_schema = []


def load(path):
    raw = open(path, "rb").read().split(b"\n")
    assert raw[-1] == b""
    return [(json.loads(l), l + b"\n") for l in raw[:-1]]


def truth(path):
    return {s["session_id"]: s for s in json.load(open(path, encoding="utf-8"))["sessions"]}


CORPORA = {"g": load("g.jsonl"), "w": load("w.jsonl"), "dd": load("dd.jsonl"), "wd": load("wd.jsonl")}
TRUTH = {"g": truth("g.truth.json"), "w": truth("w.truth.json")}
INPUT = {"g": "g.jsonl", "w": "w.jsonl", "dd": "dd.jsonl", "wd": "wd.jsonl", "g.raw": "g.in"}
LINE = {k: {c["id"]: line for c, line in v} for k, v in CORPORA.items()}

# the truth and the canonical sessions describe the same sessions
for k in ("g", "w"):
    assert [c["id"] for c, _ in CORPORA[k]] and set(c["id"] for c, _ in CORPORA[k]) == set(TRUTH[k])
for c, _ in CORPORA["w"]:
    assert c["skill"] == TRUTH["w"][c["id"]]["skill"]


def ts(s):
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))


def at(s):
    return ts(s)


def run(args):
    p = subprocess.run([FILTER] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    err = p.stderr.decode("utf-8", "replace")
    if p.returncode < 0 or p.returncode >= 128 or SAN.search(err):
        problems.append(f"televal-filter {' '.join(args)}: crashed ({p.returncode}):\n{err[:2000]}")
        return None, err
    if p.returncode != 0:
        problems.append(f"televal-filter {' '.join(args)}: exit status {p.returncode}: {err[:500]}")
        return None, err
    return p.stdout, err


def check(name, corpus, args, want_ids, schema=False):
    """--ids, the lines (with --stats) and --count of one selection."""
    src = INPUT[corpus]
    lines_of = LINE[corpus.split(".")[0]]
    n_in = len(CORPORA[corpus.split(".")[0]])
    want = list(want_ids)
    out, err = run(["--ids"] + args + [src])
    if out is not None:
        got = out.decode().split("\n")[:-1]
        if got != want:
            only_got = [i for i in got if i not in set(want)][:5]
            only_want = [i for i in want if i not in set(got)][:5]
            problems.append(f"{name}: --ids: {len(got)} ids, expected {len(want)}; "
                            f"unexpected {only_got}, missing {only_want}"
                            + ("; same set, other order" if sorted(got) == sorted(want) else ""))
    out, err = run(["--stats"] + args + [src])
    if out is not None:
        want_lines = b"".join(lines_of[i] for i in want)
        if out != want_lines:
            problems.append(f"{name}: the lines written are not the selected input lines "
                            f"({len(out.splitlines())} lines, expected {len(want)})")
        m = re.search(r"^televal-filter: sessions: read (\d+) = written (\d+) \+ filtered (\d+)$", err, re.M)
        if not m:
            problems.append(f"{name}: no --stats sessions line in: {err[:300]}")
        elif (int(m[1]), int(m[2]), int(m[3])) != (n_in, len(want), n_in - len(want)):
            problems.append(f"{name}: --stats: {m[0]}, expected read {n_in} = written {len(want)} "
                            f"+ filtered {n_in - len(want)}")
        if schema and out:
            path = f"selected.{len(keep_for_schema)}.jsonl"
            open(path, "wb").write(out)
            keep_for_schema.append(path)
    out, err = run(["--count"] + args + [src])
    if out is not None and out != f"{len(want)}\n".encode():
        problems.append(f"{name}: --count wrote {out[:40]!r}, expected {len(want)}")
    print(f"# {name}: {len(want)} of {n_in}")


def expect(corpus, pred):
    """ids of the corpus (in input order) whose canonical session c and truth t satisfy pred"""
    tr = TRUTH.get(corpus, {})
    return [c["id"] for c, _ in CORPORA[corpus] if pred(c, tr.get(c["id"]))]


def lat(t):
    return t["llm_latency_ms"]


def mean(v):
    return sum(v) / len(v)


def grep(t, pat):
    return any(re.search(pat, x) for x in t["prompts"] + t["outputs"] if x)


T10 = ts("2025-07-01T10:00:00Z")
T11 = ts("2025-07-01T11:00:00Z")

G_CASES = [
    # name, args, predicate(canonical, truth)
    ("tool_calls > 2", ["--where", "tool_calls > 2"], lambda c, t: t["tool_calls"] > 2),
    ("tool_calls == 0", ["--where", "tool_calls == 0"], lambda c, t: t["tool_calls"] == 0),
    ("3 <= tool_calls", ["--where", "3 <= tool_calls"], lambda c, t: t["tool_calls"] >= 3),
    ("errors >= 1", ["--where", "errors >= 1"], lambda c, t: t["llm_errors"] >= 1),
    ("errors == 0", ["--where", "errors == 0"], lambda c, t: t["llm_errors"] == 0),
    ("glob any-match", ["--where", 'turns.tool_calls.name == "glob"'], lambda c, t: "glob" in t["tools"]),
    ("glob short path", ["--where", 'tool_calls.name == "glob"'], lambda c, t: "glob" in t["tools"]),
    ("tool in list", ["--where", 'tool_calls.name in ["glob", "replace"]'],
     lambda c, t: "glob" in t["tools"] or "replace" in t["tools"]),
    ("no glob", ["--where", 'tool_calls.name not in ["glob"]'], lambda c, t: "glob" not in t["tools"]),
    ("max latency > 10s", ["--where", "max(llm_calls.duration_ms) > 10s"],
     lambda c, t: bool(lat(t)) and max(lat(t)) > 10000),
    ("max latency > 5s", ["--where", "max(llm_calls.duration_ms) > 5s"],
     lambda c, t: bool(lat(t)) and max(lat(t)) > 5000),
    ("min latency < 500ms", ["--where", "min(llm_calls.duration_ms) < 500ms"],
     lambda c, t: bool(lat(t)) and min(lat(t)) < 500),
    ("sum latency >= 15s", ["--where", "sum(llm_calls.duration_ms) >= 15s"], lambda c, t: sum(lat(t)) >= 15000),
    ("avg latency > 3s", ["--where", "avg(llm_calls.duration_ms) > 3s"],
     lambda c, t: bool(lat(t)) and mean(lat(t)) > 3000),
    ("any latency > 8s", ["--where", "llm_calls.duration_ms > 8s"], lambda c, t: any(x > 8000 for x in lat(t))),
    ("count(llm_calls) >= 5", ["--where", "count(llm_calls) >= 5"], lambda c, t: t["llm_calls"] >= 5),
    ("llm_calls == 1", ["--where", "llm_calls == 1"], lambda c, t: t["llm_calls"] == 1),
    ("turns > 2", ["--where", "turns > 2"], lambda c, t: t["turns"] > 2),
    ("prompt =~", ["--where", 'prompt =~ "^(fix|add|update) "'],
     lambda c, t: re.search(r"^(fix|add|update) ", t["prompts"][0]) is not None),
    ("prompt !~", ["--where", 'prompt !~ "retry"'], lambda c, t: "retry" not in t["prompts"][0]),
    ("output =~", ["--where", 'output =~ "records$"'],
     lambda c, t: bool(t["outputs"][-1]) and t["outputs"][-1].endswith("records")),
    ("any prompt =~", ["--where", r'turns.prompt =~ "\bretry\b"'],
     lambda c, t: any(re.search(r"\bretry\b", p) for p in t["prompts"])),
    ("models == X", ["--where", 'models == "gemini-2.5-pro"'], lambda c, t: "gemini-2.5-pro" in t["models"]),
    ("--model", ["--model", "gemini-2.5-pro"], lambda c, t: "gemini-2.5-pro" in t["models"]),
    ("one model", ["--where", "models == 1"], lambda c, t: len(t["models"]) == 1),
    ("models in", ["--where", 'models in ["gpt-4.1-mini", "claude-sonnet-4"]'],
     lambda c, t: bool({"gpt-4.1-mini", "claude-sonnet-4"} & set(t["models"]))),
    ("success == true", ["--where", "success == true"], lambda c, t: t["success"] is True),
    ("--success", ["--success"], lambda c, t: t["success"] is True),
    ("--failed", ["--failed"], lambda c, t: t["success"] is False),
    ("-v --success", ["-v", "--success"], lambda c, t: t["success"] is not True),
    ("tool failure", ["--where", "tool_calls.success == false"], lambda c, t: t["tool_failures"] > 0),
    ("input tokens", ["--where", "sum(llm_calls.input_tokens) > 50000"], lambda c, t: t["input_tokens"] > 50000),
    ("usage tokens", ["--where", "usage.input_tokens > 50000"], lambda c, t: t["input_tokens"] > 50000),
    ("duration_ms > 1m", ["--where", "duration_ms > 1m"],
     lambda c, t: (ts(t["end"]) - ts(t["start"])).total_seconds() * 1000 > 60000),
    ("time range", ["--where", 'start_time >= "2025-07-01T10:00:00Z" && start_time < "2025-07-01T11:00:00Z"'],
     lambda c, t: T10 <= ts(t["start"]) < T11),
    ("--since", ["--since", "2025-07-01T10:00:00Z"], lambda c, t: ts(t["start"]) >= T10),
    ("--until", ["--until", "2025-07-01T11:00:00Z"], lambda c, t: ts(t["start"]) < T11),
    ("--since offset", ["--since", "2025-07-01T12:00:00+02:00"], lambda c, t: ts(t["start"]) >= T10),
    ("--since --until", ["--since", "2025-07-01T10:00:00Z", "--until", "2025-07-01T11:00:00Z"],
     lambda c, t: T10 <= ts(t["start"]) < T11),
    ("--since date", ["--since", "2025-07-01"], lambda c, t: True),
    ("--since next day", ["--since", "2025-07-02"], lambda c, t: False),
    ("--until date", ["--until", "2025-07-01"], lambda c, t: False),
    ("--since 36500d", ["--since", "36500d"], lambda c, t: True),
    ("--until 36500d", ["--until", "36500d"], lambda c, t: False),
    ("-v where", ["-v", "--where", "tool_calls > 2"], lambda c, t: not t["tool_calls"] > 2),
    ("ANDed where", ["--where", "tool_calls > 2", "--where", "errors >= 1"],
     lambda c, t: t["tool_calls"] > 2 and t["llm_errors"] >= 1),
    ("-v ANDed where", ["-v", "--where", "tool_calls > 2", "--where", "errors >= 1"],
     lambda c, t: not (t["tool_calls"] > 2 and t["llm_errors"] >= 1)),
    ("--model --failed", ["--model", "qwen3-coder-plus", "--failed"],
     lambda c, t: "qwen3-coder-plus" in t["models"] and t["success"] is False),
    ("precedence", ["--where", "!(tool_calls > 2) || errors >= 1 && turns > 1"],
     lambda c, t: not t["tool_calls"] > 2 or (t["llm_errors"] >= 1 and t["turns"] > 1)),
    ("parentheses", ["--where", '(errors >= 1 || turns > 2) && models == "gpt-4.1-mini"'],
     lambda c, t: (t["llm_errors"] >= 1 or t["turns"] > 2) and "gpt-4.1-mini" in t["models"]),
    ("--grep", ["--grep", "exponential backoff"], lambda c, t: grep(t, "exponential backoff")),
    ("--grep anchored", ["--grep", "^(fix|add|update) "], lambda c, t: grep(t, r"^(fix|add|update) ")),
    ("--grep caseless", ["--grep", "(?i)^FIX "], lambda c, t: grep(t, r"(?i)^FIX ")),
    ("-v --grep", ["-v", "--grep", "backoff"], lambda c, t: not grep(t, "backoff")),
    ("--source format", ["--source", "outfile"], lambda c, t: True),
    ("--source service", ["--source", "gemini-cli"], lambda c, t: True),
    ("--source other", ["--source", "waza"], lambda c, t: False),
    ("metadata path", ["--where", 'metadata."installation.id" != null && metadata.auth_type == "oauth-personal"'],
     lambda c, t: c["metadata"].get("installation.id") is not None and c["metadata"].get("auth_type") == "oauth-personal"),
]

W_CASES = [
    ("--skill", ["--skill", "azure-deploy"], lambda c, t: t["skill"] == "azure-deploy"),
    ("skill == null", ["--where", "skill == null"], lambda c, t: t["skill"] is None),
    ("skill in", ["--where", 'skill in ["bug-triage", "code-explainer"]'],
     lambda c, t: t["skill"] in ("bug-triage", "code-explainer")),
    ("skill not in", ["--where", 'skill not in ["bug-triage"]'], lambda c, t: t["skill"] != "bug-triage"),
    ("skill =~", ["--where", 'skill =~ "^azure-"'], lambda c, t: (t["skill"] or "").startswith("azure-")),
    ("-v --skill", ["-v", "--skill", "azure-deploy"], lambda c, t: t["skill"] != "azure-deploy"),
    ("--skill --success", ["--skill", "bug-triage", "--success"],
     lambda c, t: t["skill"] == "bug-triage" and c["success"] is True),
    ("metadata.user_id", ["--where", 'metadata.user_id == "user-16"'], lambda c, t: c["metadata"].get("user_id") == "user-16"),
    ("user =~", ["--where", 'user =~ "^user-1[0-9]$"'], lambda c, t: re.match(r"^user-1[0-9]$", c["user"] or "") is not None),
    ("--source waza", ["--source", "waza"], lambda c, t: True),
    ("tool_calls > 2", ["--where", "tool_calls > 2"], lambda c, t: len(c["turns"][0]["tool_calls"]) > 2),
]

for name, args, pred in G_CASES:
    check("gemini: " + name, "g", args, expect("g", pred), schema=name in ("tool_calls > 2", "--failed"))
for name, args, pred in W_CASES:
    check("waza: " + name, "w", args, expect("w", pred), schema=name == "--skill")

# raw input selects the same sessions, and writes the same lines
for name, args, pred in G_CASES[:: 6]:
    check("gemini raw: " + name, "g.raw", args, expect("g", pred))

# --limit: the first N of the selection
sel = expect("g", lambda c, t: t["tool_calls"] > 2)
check("--limit 7", "g", ["--where", "tool_calls > 2", "--limit", "7"], sel[:7])
check("--limit 1", "g", ["--limit", "1"], [c["id"] for c, _ in CORPORA["g"]][:1])
check("--limit 0", "g", ["--limit", "0"], [])
check("--limit beyond", "g", ["--where", "tool_calls > 2", "--limit", "100000"], sel)
check("-v --limit", "g", ["-v", "--where", "tool_calls > 2", "--limit", "5"],
      expect("g", lambda c, t: not t["tool_calls"] > 2)[:5])


# --dedupe: the first session of each normalised first prompt
def norm(p):
    return " ".join((p or "").lower().split())


def first_of_each(corpus, pred=lambda c: True):
    seen, out = set(), []
    for c, _ in CORPORA[corpus]:
        if not pred(c):
            continue
        k = norm(c["turns"][0]["prompt"] if c["turns"] else None)
        if k not in seen:
            seen.add(k)
            out.append(c["id"])
    return out


assert len(first_of_each("dd")) == 300 and len(CORPORA["dd"]) == 420
bug = lambda c: c["skill"] == "bug-triage"
check("--dedupe", "dd", ["--dedupe"], first_of_each("dd"))
check("--dedupe --where", "dd", ["--dedupe", "--where", 'skill == "bug-triage"'], first_of_each("dd", bug))
check("-v --dedupe --where", "dd", ["-v", "--dedupe", "--where", 'skill == "bug-triage"'],
      first_of_each("dd", lambda c: not bug(c)))
check("--dedupe --limit", "dd", ["--dedupe", "--limit", "5"], first_of_each("dd")[:5])
check("--dedupe-window large", "dd", ["--dedupe-window", "100000"], first_of_each("dd"))
check("no --dedupe", "dd", [], [c["id"] for c, _ in CORPORA["dd"]])
# wd: 100 prompts, the same 100 again, then 20 adjacent pairs
wd = [c["id"] for c, _ in CORPORA["wd"]]
assert len(wd) == 240
check("--dedupe (wd)", "wd", ["--dedupe"], wd[:100] + wd[200::2])
check("--dedupe-window 10", "wd", ["--dedupe-window", "10"], wd[:200] + wd[200::2])
check("--dedupe-window 1", "wd", ["--dedupe-window", "1"], wd[:200] + wd[200::2])

open("schema.list", "w").write("\n".join(keep_for_schema) + "\n")
for p in problems:
    print("PROBLEM: " + p, file=sys.stderr)
sys.exit(1 if problems else 0)
EOF

part "selections" "$PY" select_check.py "$FILTER"

# ---- output validates ----
check_sel_schema() {
	# shellcheck disable=SC2046
	check_schema $(cat schema.list)
}
part "schema" check_sel_schema

# ---- syntax errors: exit 2, the expression with a caret under the column ----
caret_line() {	# caret_line COL: two blanks, COL blanks, ^
	printf '  %*s^' "$1" ''
}

syntax_error() {	# syntax_error COL REASON-ERE EXPR [more options]
	local col=$1 why=$2 expr=$3
	shift 3
	expect_filter 2 "$@" --where "$expr" g.jsonl
	[ ! -s "$T/out" ] || fail "--where '$expr': wrote output on a syntax error"
	stderr_has "^televal-filter: invalid expression: $why"
	grep -Fxq -- "  $expr" "$T/err" || { cat "$T/err" >&2; fail "--where '$expr': the expression is not shown"; }
	grep -Fxq -- "$(caret_line "$col")" "$T/err" ||
		{ cat -A "$T/err" >&2; fail "--where '$expr': no caret under column $col"; }
	# the caret comes right after the expression
	[ "$(grep -Fx -A1 -- "  $expr" "$T/err" | tail -n 1)" = "$(caret_line "$col")" ] ||
		fail "--where '$expr': the caret is not on the line after the expression"
}

syntax_errors() {
	syntax_error 8 "expected a value" 'turns > > 1'
	syntax_error 10 "expected an operator" 'turns > 1 2'
	syntax_error 9 "unbalanced '\)'" 'turns > 1)'
	syntax_error 10 "expected '\)'" '(turns > 1'
	syntax_error 6 "'=' is not an operator" 'skill = "x"'
	syntax_error 9 "unterminated string" 'skill == "abc'
	syntax_error 9 "unexpected character '@'" 'skill == @'
	syntax_error 16 "unknown unit 'sec'" 'duration_ms > 10sec'
	syntax_error 9 "expected '\[' after in" 'skill in "x"'
	syntax_error 10 "invalid regular expression" 'prompt =~ "(abc"'
	syntax_error 7 "computed field has no members" 'prompt.text == "x"'
	syntax_error 0 "empty expression" ''
	# the bad one of several is shown
	syntax_error 9 "unexpected character '@'" 'skill == @' --where 'turns > 1'
	expect_filter 2 --where 'turns > 1' --where 'errors >>= 1' g.jsonl
	grep -Fxq -- "  errors >>= 1" "$T/err" || fail "the second --where is not the one shown"
	grep -Fxq -- "$(caret_line 8)" "$T/err" || { cat -A "$T/err" >&2; fail "no caret under column 8"; }
}
part "syntax errors" syntax_errors

# the caret is under the character, also after multi-byte UTF-8 text
# ("é" is 2 bytes, 1 column: '@' is at column 13)
syntax_error_utf8() {
	expect_filter 2 --where 'skill == "é" @' g.jsonl
	stderr_has "unexpected character '@'"
	grep -Fxq -- "$(caret_line 13)" "$T/err" ||
		{ cat "$T/err" >&2; fail "'skill == \"é\" @': the caret is not under the '@' (column 13)"; }
}
part "caret after UTF-8 text" syntax_error_utf8

unknown_fields() {
	local e
	for e in 'foo == 1' 'usage.foo > 1' 'turns.tool_calls.nme == "glob"' 'llm_calls.bogus == 1' \
		'max(foo) > 1' 'models.x == "a"'; do
		expect_filter 2 --where "$e" g.jsonl
		[ ! -s "$T/out" ] || fail "--where '$e': wrote output"
		stderr_has "invalid expression: unknown field '"
	done
	expect_filter 2 --where 'foo == 1' g.jsonl
	grep -Fxq -- "$(caret_line 0)" "$T/err" || fail "unknown field: no caret under column 0"
	expect_filter 2 --where 'usage.foo > 1' g.jsonl
	grep -Fxq -- "$(caret_line 6)" "$T/err" || fail "unknown member: no caret under column 6"
	expect_filter 2 --per bogus 5 g.jsonl
	stderr_has "unknown field 'bogus'"
	expect_filter 2 --per skill.x 5 g.jsonl
	stderr_has "unknown field 'x'"
}
part "unknown fields" unknown_fields

usage_errors() {
	expect_filter 2 --since yesterday g.jsonl
	stderr_has "invalid time 'yesterday'"
	expect_filter 2 --until 2025-13-45 g.jsonl
	expect_filter 2 --grep '(abc' g.jsonl
	stderr_has "invalid regular expression"
	expect_filter 2 --limit -1 g.jsonl
	expect_filter 2 --limit x g.jsonl
	expect_filter 2 --dedupe-window 0 g.jsonl
	expect_filter 2 --ids --count g.jsonl
	expect_filter 2 --sample 0 g.jsonl
	expect_filter 2 --sample 150% g.jsonl
	expect_filter 2 --seed 3 g.jsonl
	expect_filter 2 --sample 10% --reservoir 5 g.jsonl
	expect_filter 2 --per skill g.jsonl
	expect_filter 2 --per skill 0 g.jsonl
}
part "usage errors" usage_errors

# --ids writes each id as a JSON string body: an id with a newline, a tab,
# an escape sequence, a quote or a backslash stays on its line and reads back
ids_escaped() {
	"$PY" - w.jsonl >hostile.jsonl <<'EOF'
import json, sys
ids = ["a\nb", "tab\there", 'q"uote\\back', "esc\u001b[31mred", "plain-id", "\u00fcn\u00ef", "nul\u0000x"]
with open(sys.argv[1]) as f:
    for line, new in zip(f, ids):
        s = json.loads(line)
        s["id"] = new
        print(json.dumps(s, ensure_ascii=False, separators=(",", ":")))
EOF
	expect_filter 0 --ids hostile.jsonl
	[ "$(lines "$T/out")" -eq 7 ] || fail "--ids: $(lines "$T/out") lines for 7 ids"
	"$PY" - "$T/out" hostile.jsonl <<'EOF' || fail "--ids: the lines do not decode to the ids"
import json, sys
text = open(sys.argv[1], encoding="utf-8").read()
lines = text.split("\n")[:-1]
got = [json.loads('"' + l + '"') for l in lines]
want = [json.loads(l)["id"] for l in open(sys.argv[2], encoding="utf-8")]
assert got == want, (got, want)
assert lines[0] == "a\\nb" and lines[4] == "plain-id" and lines[5] == "\u00fcn\u00ef", lines
EOF
}
part "--ids escapes ids" ids_escaped

finish
