#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Python logging lines of query events (docs/FORMATS.md#pylog): 200 generated
# sessions, whose llm calls are logged as separate queries `<session>-<n>`,
# must match the ground truth exactly, tracebacks included, with every line
# used and one warning about zoneless times.  The same events as plain JSON
# lines, with CRLF line ends, a BOM, or stray lines before them give the
# same sessions.
. "$(dirname "$0")/lib.sh"

N=200
CHECK_TRUTH_PYLOG="$SRC/tests/tools/check_truth_pylog.py"

gen pylog "$N" app.log --truth truth.json

truth() {
	local calls
	expect_filter 0 --stats app.log
	mv "$T/out" pylog.jsonl
	check_stats
	calls=$("$PY" -c 'import json, sys; print(sum(s["llm_calls"] for s in json.load(open(sys.argv[1]))["sessions"]))' truth.json)
	[ "$REJECTED" -eq 0 ] || fail "$REJECTED records rejected"
	[ "$SKIPPED" -eq 0 ] || fail "$SKIPPED records skipped"
	[ "$READ" -eq "$(lines app.log)" ] || fail "$READ records read, app.log has $(lines app.log) lines"
	[ "$WRITTEN" -eq "$calls" ] || fail "$WRITTEN sessions written, the truth has $calls llm calls"
	[ "$(grep -c 'warning' "$T/err")" -eq 1 ] || fail "expected one warning"
	stderr_has '^televal-filter: warning: app\.log:1: times carry no time zone'
	"$PY" "$CHECK_TRUTH_PYLOG" pylog.jsonl truth.json >truth.log || {
		sed -n '1,20p' truth.log >&2
		fail "the output differs from the ground truth"
	}
	check_schema pylog.jsonl
	expect_filter 0 --from pylog app.log
	same "$T/out" pylog.jsonl "--from pylog"
}

# SRC DST: the log without the logging prefix (a JSON message per line)
to_json_lines() {
	sed -E 's/^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8},[0-9]{3} - app\.telemetry - [A-Z]+ - //' "$1" >"$2"
}

# FILE: the sessions with file names and the service (the logger) blanked
normalized() {
	no_file_names "$1" | sed 's/"service":"app\.telemetry"/"service":null/'
}

json_lines() {
	to_json_lines app.log app.jsonl
	head -c 1 app.jsonl | grep -q '{' || fail "app.jsonl does not start with JSON"
	expect_filter 0 --stats app.jsonl
	check_stats
	[ "$REJECTED" -eq 0 ] && [ "$SKIPPED" -eq 0 ] || fail "app.jsonl: records rejected or skipped"
	normalized "$T/out" >a
	normalized pylog.jsonl >b
	same a b "JSON lines"
}

crlf_bom_garbage() {
	{ printf '\357\273\277'; sed 's/$/\r/' app.log; } >crlf.log
	expect_filter 0 crlf.log
	no_file_names "$T/out" >a
	no_file_names pylog.jsonl >b
	same a b "CRLF and BOM"
	{ echo 'Starting server on :8080'; echo; printf '2025-07-01 08:59:59,000 - uvicorn - INFO - ready\n'
	  cat app.log; } >noisy.log
	expect_filter 0 --stats noisy.log
	check_stats
	[ "$SKIPPED" -eq 2 ] || fail "noisy.log: $SKIPPED skipped, expected 2"
	no_file_names "$T/out" >a
	same a b "stray lines"
	# a bad record and a cut last line are rejected, the rest goes on
	{ echo '2025-07-01 09:00:04,001 - app.telemetry - INFO - {"event": '
	  cat app.log; head -n 1 app.log | head -c 90; } >bad.log
	expect_filter 1 --stats bad.log
	check_stats
	[ "$REJECTED" -eq 2 ] || fail "bad.log: $REJECTED rejected, expected 2"
	stderr_has '^televal-filter: bad\.log:1: invalid JSON'
	stderr_has "^televal-filter: bad\\.log:$(( $(lines app.log) + 2 )): invalid JSON \\(the last line is cut short\\)"
	no_file_names "$T/out" >a
	same a b "bad lines"
}

part truth truth
part json_lines json_lines
part crlf_bom_garbage crlf_bom_garbage
finish
