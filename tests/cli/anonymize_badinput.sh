#!/bin/bash
# SPDX-License-Identifier: MIT
#
# televal-anonymize fails closed: a record that is not valid JSON, or is
# too long, is reported with its file and line and left out (exit 1), never
# copied; values with invalid UTF-8 do not pass through; usage errors exit 2.
. "$(dirname "$0")/lib.sh"

ANON=${TELEVAL_ANONYMIZE:?TELEVAL_ANONYMIZE is not set (run the tests with meson test)}
CHECK_ANON="$SRC/tests/tools/check_anon.py"

printf 'a key' >key
gen otlp-logs 20 in.jsonl --pii-rate 0.5

# anon CODE ARGS...: televal-anonymize --key-file key ARGS..., expecting CODE
anon() {
	local want=$1
	shift
	expect_exit "$want" "$ANON" --key-file key "$@"
}

bad_json_line() {
	{
		sed -n 1,2p in.jsonl
		echo '{"resourceLogs": [{"secret": "jane.doe@example.org"'
		sed -n '3,$p' in.jsonl
	} >bad.jsonl
	local n
	n=$(lines in.jsonl)
	anon 1 --stats bad.jsonl
	stderr_has '^televal-anonymize: bad.jsonl:3: not valid JSON'
	stderr_has "records: read $((n + 1)) = written $n \\+ rejected 1\$"
	grep -qF 'jane.doe' "$T/out" && fail "the bad record was copied"
	[ "$(lines "$T/out")" -eq "$n" ] || fail "$(lines "$T/out") lines written, expected $n"
	cp "$T/out" bad.out
	"$PY" "$CHECK_ANON" parses otlp bad.out || fail "the output does not parse"
	# --max-errors limits what is shown, not what is counted
	sed 's/^{"resourceLogs/{"x/; s/}$//' in.jsonl >allbad.jsonl
	anon 1 --stats --max-errors 3 --from otlp allbad.jsonl
	[ "$(grep -c 'not valid JSON' "$T/err")" -eq 3 ] || fail "--max-errors 3 showed another number"
	stderr_has "rejected $n\$"
	[ ! -s "$T/out" ] || fail "bad records were copied"
}

bad_pretty_value() {
	gen gemini-outfile 5 of.json --pii-rate 0.5
	# cut one value short in the middle of the file
	awk 'NR == 40 { print "    \"broken\": \"jane.doe@example.org"; next } { print }' of.json >bad.json
	anon 1 --from outfile bad.json
	stderr_has '^televal-anonymize: bad.json:[0-9]+: '
	grep -qF 'jane.doe' "$T/out" && fail "the broken value was copied"
	cp "$T/out" bad.out
	"$PY" "$CHECK_ANON" parses outfile bad.out || fail "the output does not parse"
}

bad_pylog() {
	{
		echo '2025-01-01 12:00:00,123 - app - INFO - {"event": "query_start", "query_id": "q1", "query_preview": "hi"}'
		echo '2025-01-01 12:00:01,123 - app - INFO - {"event": "query_start", "query_preview": "mail jane.doe@example.org'
		echo '2025-01-01 12:00:02,123 - app - INFO - plain text from jane.doe@example.org'
		echo '  File "/home/janedoe/app.py", line 3, in main'
	} >bad.log
	anon 1 bad.log
	stderr_has '^televal-anonymize: bad.log:2: not valid JSON'
	grep -qF 'jane.doe' "$T/out" && fail "PII was copied"
	grep -qF '/home/janedoe' "$T/out" && fail "a home path in a traceback was copied"
	[ "$(lines "$T/out")" -eq 3 ] || fail "$(lines "$T/out") lines written, expected 3"
	grep -q '^2025-01-01 12:00:00,123 - app - INFO - {"event": "query_start", "query_id": "q1", "query_preview": "hi"}$' "$T/out" ||
		fail "a line without PII changed"
}

bad_canonical() {
	"$FILTER" in.jsonl >c.jsonl || fail "televal-filter failed"
	{ head -1 c.jsonl; echo '{"televal":1,"id":"x","prompt":"jane.doe@example.org"'; sed -n '2,$p' c.jsonl; } >badc.jsonl
	anon 1 badc.jsonl
	stderr_has '^televal-anonymize: badc.jsonl:2: not valid JSON'
	grep -qF 'jane.doe' "$T/out" && fail "the bad record was copied"
	[ "$(lines "$T/out")" -eq "$(lines c.jsonl)" ] || fail "sessions lost"
}

too_long() {
	local long
	long=$(awk 'length($0) > 2048' in.jsonl | wc -l)
	[ "$long" -gt 0 ] || fail "no line longer than 2k to test with"
	anon 1 --stats --max-record 2k in.jsonl
	stderr_has 'longer than the record limit'
	stderr_has "rejected $long\$"
	[ "$(awk 'length($0) > 2048' "$T/out" | wc -l)" -eq 0 ] || fail "overlong lines were copied"
	[ "$(lines "$T/out")" -eq $(($(lines in.jsonl) - long)) ] || fail "short lines were lost"
	anon 2 --max-record 2x in.jsonl
}

invalid_utf8() {
	# a collector.log value: the whole value goes, the rest stays
	gen gemini-collector-log 3 cl.log --pii-rate 0
	awk '/-> prompt: Str\(/ && !done { print "     -> prompt: Str(write to jane.doe@example.org \xff\xfe now)"; done = 1; next } { print }' cl.log >u.log
	grep -qF 'jane.doe' u.log || fail "nothing planted"
	anon 0 u.log
	grep -qF 'jane.doe' "$T/out" && fail "a value with invalid UTF-8 was copied"
	[ "$(lines "$T/out")" -eq "$(lines u.log)" ] || fail "lines lost"
	# a JSON line: the value, or the line, goes
	printf '{"resourceLogs":[{"x":"write to jane.doe@example.org \xff now"}]}\n' >u.jsonl
	RC=0
	"$ANON" --key-file key --from otlp u.jsonl >u.out 2>"$T/err" || RC=$?
	check_no_crash "$RC" "$T/err" "invalid UTF-8 in JSON"
	grep -qF 'jane.doe' u.out && fail "a JSON string with invalid UTF-8 was copied"
	true
}

usage() {
	anon 2 --to jsonl in.jsonl
	anon 2 --from nonsense in.jsonl
	anon 2 --check -o x in.jsonl
	anon 2 --to canonical -o dir/ in.jsonl
	anon 2 -o dir/ <in.jsonl
	anon 2 --no-such-option in.jsonl
	stderr_has "Try 'televal-anonymize --help'"
	anon 2 -o in.jsonl in.jsonl
	printf 'rules: [oops\n' >bad.yaml
	anon 2 --policy bad.yaml in.jsonl
	stderr_has '^televal-anonymize: bad.yaml(:[0-9]+)?: '
	expect_exit 0 "$ANON" --help
	grep -q '^Usage: televal-anonymize' "$T/out" || fail "--help is not on stdout"
	expect_exit 0 "$ANON" --version
	grep -q '(televal)' "$T/out" || fail "--version"
}

part bad-json-line bad_json_line
part bad-pretty-value bad_pretty_value
part bad-pylog bad_pylog
part bad-canonical bad_canonical
part too-long too_long
part invalid-utf8 invalid_utf8
part usage usage
finish
