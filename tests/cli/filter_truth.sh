#!/bin/bash
# SPDX-License-Identifier: MIT
#
# For each synthetic format, 200 sessions from tests/tools/gen_corpus.py through
# televal-filter must match the generator's ground truth exactly (sessions,
# turns, prompts, llm_calls, llm errors, tool_calls, tokens, and with
# --extra outputs, models, latencies, tool names, failures, success, times),
# with valid output, --stats counts that add up, nothing rejected, no
# warnings.
. "$(dirname "$0")/lib.sh"

N=200

truth_of() {
	local fmt=$1
	gen "$fmt" "$N" "$fmt.in" --truth "$fmt.truth.json"
	expect_filter 0 --stats "$fmt.in"
	mv "$T/out" "$fmt.jsonl"
	check_stats
	[ "$REJECTED" -eq 0 ] || fail "$fmt: $REJECTED records rejected"
	[ "$WRITTEN" -eq "$(lines "$fmt.jsonl")" ] ||
		fail "$fmt: --stats says $WRITTEN written, the output has $(lines "$fmt.jsonl") lines"
	"$PY" "$CHECK_TRUTH" --extra "$fmt.jsonl" "$fmt.truth.json" >"$fmt.truth.log" || {
		sed -n '1,20p' "$fmt.truth.log" >&2
		fail "$fmt: the output differs from the ground truth"
	}
	check_schema "$fmt.jsonl"
	stderr_lacks 'warning'
}

for fmt in gemini-collector-log qwen-collector-log gemini-outfile qwen-outfile otlp-logs otlp-traces; do
	note "$fmt: $N sessions"
	part "$fmt" truth_of "$fmt"
done
finish
