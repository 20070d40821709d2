#!/bin/bash
# SPDX-License-Identifier: MIT
#
# A record is used only when it goes into a session.  A file whose records
# are all of an event kind the reader does not map yields no session (not
# empty ones); its records are skipped, and --stats names their kinds on a
# `skipped:` line, most first.  A file that was read but is of no known
# format counts the bytes read, not 0.
. "$(dirname "$0")/lib.sh"

rec() { # NAME SESSION SECOND: one OTLP log record
	printf '{"timeUnixNano":"17513604%02d000000000","eventName":"%s","attributes":[{"key":"session.id","value":{"stringValue":"%s"}}]}' \
		"$3" "$1" "$2"
}
logs() { # RECORD...: one OTLP logs request
	local IFS=,
	printf '{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"acme"}}]},"scopeLogs":[{"logRecords":[%s]}]}]}\n' "$*"
}

# ---- only unknown kinds: nothing used, no session ----
{
	logs "$(rec acme.heartbeat s1 1)" "$(rec acme.heartbeat s1 2)" "$(rec acme.config s2 3)"
	echo '{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"m"}]}]}]}'
} >unknown.jsonl
expect_filter 0 --stats unknown.jsonl
[ ! -s "$T/out" ] || fail "sessions written for records no reader maps: $(cat "$T/out")"
check_stats
[ "$USED" -eq 0 ] && [ "$SKIPPED" -eq 4 ] ||
	fail "expected read 4 = used 0 + skipped 4: $(grep records: "$T/err")"
stderr_has "^televal-filter: skipped: 2 acme\.heartbeat, 1 acme\.config, 1 metrics$"

# ---- beside a record that makes a turn, the others are still skipped ----
{
	logs "$(rec acme.heartbeat s3 1)" \
		'{"timeUnixNano":"1751360402000000000","eventName":"gemini_cli.user_prompt","attributes":[{"key":"session.id","value":{"stringValue":"s3"}},{"key":"prompt","value":{"stringValue":"hi"}}]}'
} >mixed.jsonl
expect_filter 0 --stats mixed.jsonl
[ "$(lines "$T/out")" -eq 1 ] || fail "mixed.jsonl: expected one session"
check_stats
[ "$USED" -eq 1 ] && [ "$SKIPPED" -eq 1 ] || fail "mixed.jsonl: $(grep records: "$T/err")"
stderr_has "^televal-filter: skipped: 1 acme\.heartbeat$"

# ---- no skipped record, no skipped line ----
"$FILTER" mixed.jsonl >canon.jsonl
expect_filter 0 --stats canon.jsonl
stderr_lacks "skipped:"

# ---- a file of no known format: its bytes are counted ----
printf 'hello\nworld\n' >plain.txt
expect_filter 1 --stats plain.txt
stderr_has "^televal-filter: plain\.txt:1: cannot tell the input format"
stderr_has "^televal-filter: input: 1 files, 12 bytes$"
