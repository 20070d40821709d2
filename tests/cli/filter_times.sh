#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Times: televal holds what 64-bit nanoseconds since 1970 hold (1677-09-21
# to 2262-04-11).  A time outside it is rejected where it is read, with a
# reason that says so (a year 2300 is not written as 1715); a session
# longer than int64 nanoseconds (1700 to 2025) has an unknown duration,
# not 0; and every session written reads back to the same bytes, at both
# ends of the range.
. "$(dirname "$0")/lib.sh"

span() { # ID START_NS END_NS: one OTLP span of trace t1 with session s1
	printf '{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"%s","name":"chat m","startTimeUnixNano":"%s","endTimeUnixNano":"%s","attributes":[{"key":"gen_ai.operation.name","value":{"stringValue":"chat"}},{"key":"session.id","value":{"stringValue":"s1"}},{"key":"gen_ai.usage.input_tokens","value":{"intValue":"3"}}]}' "$1" "$2" "$3"
}
spans() { # SPAN...: one OTLP traces request
	local IFS=,
	printf '{"resourceSpans":[{"scopeSpans":[{"spans":[%s]}]}]}\n' "$*"
}

# ---- out of range: rejected with the reason ----
spans "$(span 00f067aa0ba902b7 9300000000000000000 9300000000000000001)" \
	"$(span 00f067aa0ba902b8 1751360400000000000 1751360401000000000)" >late.jsonl
expect_filter 1 --stats late.jsonl
stderr_has "^televal-filter: late\.jsonl:1: .*startTimeUnixNano is outside the range televal holds \(1677-09-21T00:12:43Z to 2262-04-11T23:47:16Z\)"
grep -q '"start_time":"2025-07-01T09:00:00.000Z"' "$T/out" || fail "the good span is lost: $(cat "$T/out")"
stderr_lacks '17[0-9][0-9]-'

printf '{"televal":1,"id":"c1","start_time":"2300-01-01T00:00:00.000Z"}\n' >canon.jsonl
expect_filter 1 canon.jsonl
stderr_has "^televal-filter: canon\.jsonl:1: .*outside the range televal holds"
[ ! -s "$T/out" ] || fail "a session from 2300 was written: $(cat "$T/out")"

printf '2025-01-01 12:00:00,000 - agent - INFO - {"event": "query_start", "query_id": "q1", "timestamp": "2300-06-01T00:00:00Z"}\n' >py.log
printf '2025-01-01 12:00:01,000 - agent - INFO - {"event": "query_success", "query_id": "q2", "timestamp": 99999999999.5}\n' >>py.log
expect_filter 1 --stats py.log
stderr_has "^televal-filter: py\.log:1: time outside the range televal holds"
stderr_has "^televal-filter: py\.log:2: time outside the range televal holds"

# ---- the longest durations: unknown when too long, and they read back ----
# a span from 1970 to 2262: 292 years fit; the turn and session take them
spans "$(span 00f067aa0ba902b9 1 9223372036854775807)" >long.jsonl
expect_filter 0 long.jsonl
cp "$T/out" long.canon
grep -q '"duration_ms":9223372036855' long.canon || fail "no 292-year duration: $(cat long.canon)"
expect_filter 0 long.canon
same "$T/out" long.canon "a 292-year session read back"
check_schema long.canon

# a session from 1700 to 2025 in canonical input: its turns' times are
# kept, and a duration is only what int64 nanoseconds hold
printf '{"televal":1,"id":"c2","start_time":"1700-01-01T00:00:00.000Z","end_time":"2025-07-01T09:00:00.000Z","duration_ms":null,"turns":[{"start_time":"1700-01-01T00:00:00.000Z","end_time":"2025-07-01T09:00:00.000Z","duration_ms":null}]}\n' >old.jsonl
expect_filter 0 old.jsonl
cp "$T/out" old.canon
grep -q '"start_time":"1700-01-01T00:00:00.000Z"' old.canon || fail "1700 lost: $(cat old.canon)"
expect_filter 0 old.canon
same "$T/out" old.canon "a session from 1700 read back"

# a query from 1700 to 2025 (Python logs): every duration is unknown, the
# times are kept, and what is written reads back
printf '2025-01-01 12:00:00,000 - agent - INFO - {"event": "query_start", "query_id": "q3", "timestamp": "1700-01-01T00:00:00Z"}\n' >span.log
printf '2025-01-01 12:00:01,000 - agent - INFO - {"event": "query_success", "query_id": "q3", "timestamp": "2025-07-01T09:00:00Z"}\n' >>span.log
expect_filter 0 span.log
cp "$T/out" span.canon
grep -q '"start_time":"1700-01-01T00:00:00.000Z","end_time":"2025-07-01T09:00:00.000Z","duration_ms":null' span.canon ||
	fail "the 325-year session: $(cat span.canon)"
grep -q '"duration_ms":0' span.canon && fail "a duration collapsed to 0: $(cat span.canon)"
expect_filter 0 span.canon
same "$T/out" span.canon "a session from 1700 to 2025 read back"
check_schema span.canon
