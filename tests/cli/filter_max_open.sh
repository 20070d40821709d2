#!/bin/bash
# SPDX-License-Identifier: MIT
#
# --max-open: with more sessions interleaved than may be open, the idlest
# are closed early and a later record starts another part.  The first few
# sessions split so are named as it happens; the rest are a count at the
# end, not one warning each (200,000 split sessions made 200,000 lines).
# Every record is still used, and the parts hold them all.
. "$(dirname "$0")/lib.sh"

# N sessions, all user_prompts, then all tool_calls (OTLP logs, one line each)
interleaved() {
	"$PY" - "$1" <<'PYEOF'
import sys
n = int(sys.argv[1])
t0 = 1751360400000000000
for k, name in enumerate(["user_prompt", "tool_call"]):
    for i in range(n):
        print('{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":"%d",'
              '"eventName":"gemini_cli.%s","attributes":[{"key":"session.id","value":'
              '{"stringValue":"s%03d"}},{"key":"prompt_id","value":{"stringValue":"p"}}]}]}]}]}'
              % (t0 + (k * n + i) * 1000000, name, i))
PYEOF
}

interleaved 40 >many.jsonl
expect_filter 0 --stats --max-open 4 many.jsonl
check_stats
[ "$USED" -eq 80 ] || fail "records used: $USED, expected 80"
[ "$WRITTEN" -eq 80 ] || fail "parts written: $WRITTEN, expected 80 (each record its own part)"
[ "$(grep -c 'was closed early' "$T/err")" -eq 5 ] ||
	fail "expected 5 split sessions named: $(grep -c 'was closed early' "$T/err")"
stderr_has "^televal-filter: warning: many\.jsonl:41: session s000 was closed early \(more than --max-open sessions open"
stderr_has "^televal-filter: warning: 40 sessions in all were closed before their last record and are written in parts \(the first 5 are named above; raise --max-open or --gap\)$"
[ "$(grep -c warning "$T/err")" -eq 7 ] || fail "expected 7 warnings in all: $(cat "$T/err")"

# a few splits: named one by one, no count
interleaved 5 >few.jsonl
expect_filter 0 --max-open 4 few.jsonl
[ "$(grep -c 'was closed early' "$T/err")" -eq 5 ] || fail "few: $(cat "$T/err")"
stderr_lacks "in all were closed"

# without splits, nothing
expect_filter 0 many.jsonl
stderr_lacks warning
[ "$(lines "$T/out")" -eq 40 ] || fail "40 sessions without --max-open: $(lines "$T/out")"
