#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Llama Stack telemetry stores (SQLite, docs/FORMATS.md#llama-stack): 200 generated
# sessions must match the ground truth exactly (everything the store
# carries; it has no token counts), detected or forced, with and without
# --events, the same bytes on every run; and stores that cannot be read
# give a clear error and exit status 1, never a crash: standard input, a
# locked database, a corrupt file, a database of something else.
. "$(dirname "$0")/lib.sh"

N=200
CHECK_TRUTH_LLAMA="$SRC/tests/tools/check_truth_llama.py"

gen llama-stack "$N" store.db --truth truth.json

truth() {
	expect_filter 0 --stats store.db
	mv "$T/out" llama.jsonl
	check_stats
	[ "$REJECTED" -eq 0 ] || fail "$REJECTED records rejected"
	[ "$SKIPPED" -eq 0 ] || fail "$SKIPPED records skipped"
	[ "$WRITTEN" -eq "$N" ] || fail "$WRITTEN sessions written, expected $N"
	[ "$(lines llama.jsonl)" -eq "$N" ] || fail "the output has $(lines llama.jsonl) lines"
	# every spans row is a record
	rows=$("$PY" -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT (SELECT count(*) FROM spans) + (SELECT count(*) FROM span_events)").fetchone()[0])' store.db)
	[ "$READ" -eq "$rows" ] || fail "$READ records read, the store has $rows rows"
	stderr_lacks 'warning'
	"$PY" "$CHECK_TRUTH_LLAMA" llama.jsonl truth.json >truth.log || {
		sed -n '1,20p' truth.log >&2
		fail "the output differs from the ground truth"
	}
	check_schema llama.jsonl
}

forced_and_again() {
	expect_filter 0 --from llama-stack store.db
	same "$T/out" llama.jsonl "--from llama-stack"
	expect_filter 0 store.db
	same "$T/out" llama.jsonl "a second run"
}

events() {
	expect_filter 0 --events store.db
	mv "$T/out" events.jsonl
	check_schema events.jsonl
	"$PY" - events.jsonl llama.jsonl <<'PYEOF' || fail "--events output differs beyond events[]"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
plain = [json.loads(l) for l in open(sys.argv[2])]
assert len(ev) == len(plain)
for a, b in zip(ev, plain):
    n = sum(len(t["llm_calls"]) + len(t["tool_calls"]) + 2 for t in a["turns"])
    assert len(a["events"]) == n, (a["id"], len(a["events"]), n)
    assert all(e["table"] == "spans" for e in a["events"])
    a["events"] = []
    assert a == b, a["id"]
PYEOF
}

# the notebook's real attributes (the query_spans cell output) in a store
notebook() {
	local ref="$SHARED/reference/llama-stack-sqlite/getting_started_ipynb_query_spans_cells.txt"
	[ -n "$SHARED" ] && [ -r "$ref" ] || { note "notebook: $ref is not there"; return 0; }
	"$PY" - "$ref" nb.db <<'PYEOF' || fail "cannot build nb.db"
import ast, json, re, sqlite3, sys
text = open(sys.argv[1], encoding="utf-8").read()
vals = [ast.literal_eval(m.group(2)) for m in re.finditer(r"'(input|output)': ('.*'),?\n", text)]
db = sqlite3.connect(sys.argv[2])
db.executescript("""
CREATE TABLE traces (trace_id TEXT PRIMARY KEY, service_name TEXT, root_span_id TEXT, start_time TIMESTAMP, end_time TIMESTAMP, created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE spans (span_id TEXT PRIMARY KEY, trace_id TEXT REFERENCES traces(trace_id), parent_span_id TEXT, name TEXT, start_time TIMESTAMP, end_time TIMESTAMP, attributes TEXT, status TEXT, kind TEXT);
CREATE TABLE span_events (id INTEGER PRIMARY KEY AUTOINCREMENT, span_id TEXT REFERENCES spans(span_id), name TEXT, timestamp TIMESTAMP, attributes TEXT);""")
sid, tid = "d73d9aaa-65ac-4255-8153-9f5cbff6e01e", "ab" * 16
t = lambda s: f"2025-03-01T12:00:0{s}+00:00"
db.execute("INSERT INTO traces VALUES (?, 'llama-stack', 'r', ?, ?, CURRENT_TIMESTAMP)", (tid, t(0), t(9)))
rows = [("r", None, "/v1/agents/{agent_id}/session/{session_id}/turn", 0, 9, {"__root__": True}),
        ("t", "r", "create_and_execute_turn", 0, 9, {"session_id": sid, "turn_id": "turn-1", "agent_id": "a1",
         "request": json.dumps({"messages": [{"role": "user", "content": "Which teams played in the NBA western conference finals of 2024. Search the web for the answer."}]})}),
        ("i", "t", "inference", 1, 2, {"input": vals[0], "output": vals[1], "stop_reason": "end_of_message"}),
        ("x", "t", "tool_execution", 3, 4, {"tool_name": "brave_search", "input": vals[2], "output": vals[3]})]
for span, parent, name, a, b, attrs in rows:
    db.execute("INSERT INTO spans VALUES (?, ?, ?, ?, ?, ?, ?, 'OK', 'INTERNAL')", (span, tid, parent, name, t(a), t(b), json.dumps(attrs)))
db.commit()
PYEOF
	expect_filter 0 --stats nb.db
	check_schema "$T/out"
	"$PY" - "$T/out" nb.db <<'PYEOF' || fail "nb.db: unexpected session"
import json, sqlite3, sys
(s,) = [json.loads(l) for l in open(sys.argv[1])]
attrs = {r[0]: json.loads(r[1]) for r in sqlite3.connect(sys.argv[2]).execute("SELECT span_id, attributes FROM spans")}
assert s["id"] == "d73d9aaa-65ac-4255-8153-9f5cbff6e01e", s["id"]
assert s["metadata"] == {"agent_id": "a1"}
(t,) = s["turns"]
assert t["id"] == "turn-1"
assert t["prompt"].startswith("Which teams played in the NBA western conference finals of 2024"), t["prompt"]
assert t["output"] is None
(c,) = t["llm_calls"]
assert c["request_text"] == attrs["i"]["input"] and c["response_text"] == attrs["i"]["output"]
assert c["finish_reason"] == "end_of_message" and c["status"] == "ok" and c["duration_ms"] == 1000
(x,) = t["tool_calls"]
assert x["name"] == "brave_search" and x["success"] is True and x["error"] is None
assert x["args"] == {"query": "NBA Western Conference Finals 2024 teams"}, x["args"]
PYEOF
}

bad_stores() {
	# standard input cannot be a database, detected or forced
	expect_exit 1 sh -c '"$0" - <store.db' "$FILTER"
	stderr_has 'standard input'
	expect_filter 1 --from llama-stack - <store.db
	stderr_has 'standard input'
	# a writer holding the database: "database is locked" after the busy timeout
	"$PY" - store.db "$FILTER" >lock.out 2>lock.err <<'PYEOF' || { cat lock.err >&2; fail "locked store"; }
import sqlite3, subprocess, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
p = subprocess.run([sys.argv[2], sys.argv[1]], capture_output=True, text=True)
db.execute("ROLLBACK")
sys.stderr.write(p.stderr)
assert p.returncode == 1, p.returncode
assert "database is locked" in p.stderr, p.stderr
assert p.stdout == "", p.stdout[:200]
PYEOF
	check_no_crash 0 lock.err "locked store"
	# the SQLite header and then garbage
	{ printf 'SQLite format 3\000'; head -c 8000 /dev/zero | tr '\0' '\245'; } >corrupt.db
	expect_filter 1 corrupt.db
	stderr_has 'corrupt\.db: .*(file is not a database|malformed)'
	# a store cut short
	head -c 20000 store.db >cut.db
	expect_filter 1 cut.db
	stderr_has 'cut\.db: .*(malformed|not a database)'
	# another database
	"$PY" -c 'import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute("CREATE TABLE t (x)")' other.db
	expect_filter 1 --from llama-stack other.db
	stderr_has 'other\.db: not a Llama Stack telemetry store: no table traces'
	# a text file forced as a store
	echo hello >text.db
	expect_filter 1 --from llama-stack text.db
	stderr_has 'text\.db: .*file is not a database'
	# the error of one input does not stop the next
	expect_filter 1 other.db store.db
	[ "$(lines "$T/out")" -eq "$N" ] || fail "the good store after a bad one was not read"
}

part truth truth
part forced_and_again forced_and_again
part events events
part notebook notebook
part bad_stores bad_stores
finish
