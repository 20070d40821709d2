#!/bin/bash
# SPDX-License-Identifier: MIT
#
# For every format tests/tools/gen_corpus.py writes, a corpus with planted PII
# (--pii-rate 0.5) through televal-anonymize: no planted value survives
# (as is, JSON-escaped, or escaped twice), the output still parses in its
# format and reads back through televal-filter into the same sessions,
# turns, llm_calls and tool_calls, text without PII is unchanged, and
# --check exits 3 on the original and 0 on the anonymized output.
. "$(dirname "$0")/lib.sh"

ANON=${TELEVAL_ANONYMIZE:?TELEVAL_ANONYMIZE is not set (run the tests with meson test)}
CHECK_ANON="$SRC/tests/tools/check_anon.py"
N=40

printf 'a team key for the tests' >key

# the same input through televal-filter: canonical sessions in $2
sessions_of() {
	expect_filter 0 --stats "$1"
	mv "$T/out" "$2"
	check_stats
	[ "$REJECTED" -eq 0 ] || fail "$1: $REJECTED records rejected"
}

# anyclaude records hold no free text but error messages, and the generator
# plants nothing there: plant an e-mail address and an IP address in them,
# and put them in the truth
plant_anyclaude() {
	local f
	for f in "$1"/*; do
		sed -i 's/"error_message": "Internal error"/"error_message": "Internal error for jane.doe@example.org at 10.20.30.40"/' "$f"
	done
	grep -qF jane.doe@example.org "$1"/* || fail "anyclaude: nothing planted"
	"$PY" - "$2" <<-'EOF'
	import json, sys
	t = json.load(open(sys.argv[1]))
	t["pii"] = [{"session_id": None, "kind": "email", "value": "jane.doe@example.org"},
	            {"session_id": None, "kind": "ipv4", "value": "10.20.30.40"}]
	json.dump(t, open(sys.argv[1], "w"))
	EOF
}

# one_format GEN-FORMAT PARSE-FORMAT IN OUT: $IN is generated, $OUT written
one_format() {
	local fmt=$1 parse=$2 in=$3 out=$4
	if [ "$fmt" = anyclaude ]; then
		gen "$fmt" "$N" "$in" --pii-rate 0.5 --truth "$fmt.truth.json"
		plant_anyclaude "$in" "$fmt.truth.json"
		expect_exit 0 "$ANON" --key-file key --stats -o "$out/" "$in"
	elif [ "$fmt" = llama-stack ]; then
		gen "$fmt" "$N" "$in" --pii-rate 0.5 --truth "$fmt.truth.json"
		cp "$in" "$in.orig"
		expect_exit 0 "$ANON" --key-file key --stats -o "$out" "$in"
		same "$in" "$in.orig" "$fmt: the input database was changed"
	else
		gen "$fmt" "$N" "$in" --pii-rate 0.5 --truth "$fmt.truth.json"
		expect_exit 0 "$ANON" --key-file key --stats "$in"
		mv "$T/out" "$out"
	fi
	stderr_has '^televal-anonymize: records: read [0-9]+ = written [0-9]+ \+ rejected 0$'
	stderr_lacks 'warning'

	"$PY" "$CHECK_ANON" leaks "$fmt.truth.json" "$out" >"$fmt.leaks" ||
		{ sed -n '1,20p' "$fmt.leaks" >&2; fail "$fmt: planted PII survived"; }
	if [ -n "$parse" ]; then
		"$PY" "$CHECK_ANON" parses "$parse" "$out" >"$fmt.parse" ||
			{ cat "$fmt.parse" >&2; fail "$fmt: the output no longer parses"; }
	fi

	sessions_of "$in" "$fmt.orig.jsonl"
	sessions_of "$out" "$fmt.anon.jsonl"
	"$PY" "$CHECK_ANON" same "$fmt.orig.jsonl" "$fmt.anon.jsonl" "$fmt.truth.json" \
		>"$fmt.same" || { sed -n '1,20p' "$fmt.same" >&2; fail "$fmt: structure or text changed"; }
	note "$fmt: $(tail -1 "$fmt.same" | sed 's/^# //')"
	check_schema "$fmt.anon.jsonl"

	# the gate: PII in the original, none left
	expect_exit 3 "$ANON" --check "$in"
	stderr_has '^televal-anonymize: [^ ]+(: [^:]+)?: [a-z][a-z0-9_.-]*: [a-zA-Z0-9]?\*\*\*[a-zA-Z0-9]?$'
	stderr_lacks "$(ere_quote "$(
		"$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["pii"][0]["value"])' \
			"$fmt.truth.json")")"
	expect_exit 0 "$ANON" --check "$out"
}

part gemini-collector-log one_format gemini-collector-log "" gcl.log gcl.anon.log
part qwen-collector-log one_format qwen-collector-log "" qcl.log qcl.anon.log
part gemini-outfile one_format gemini-outfile outfile gof.json gof.anon.json
part qwen-outfile one_format qwen-outfile outfile qof.json qof.anon.json
part otlp-logs one_format otlp-logs otlp ol.jsonl ol.anon.jsonl
part otlp-traces one_format otlp-traces otlp ot.jsonl ot.anon.jsonl
part jaeger one_format jaeger jaeger jg.json jg.anon.json
part waza one_format waza waza wz.json wz.anon.json
part pylog one_format pylog pylog py.log py.anon.log
part anyclaude one_format anyclaude "" ac ac.anon
part llama-stack one_format llama-stack "" ls.db ls.anon.db

# the keys that tell the format come after a first value larger than the
# bytes detection first looks at (1 MiB): the whole first record is looked at
long_first() {
	"$PY" - <<-'EOF' >long.jsonl
	import json
	first = {"timestamp": "2025-07-01T09:00:00Z", "error_stack": "x" * 3000000,
	         "request_id": "r1", "request_start_ms": 1, "latency_ms": 2, "cache_hit": False,
	         "error_message": "failed for jane.doe@example.org"}
	print(json.dumps(first))
	print(json.dumps(dict(first, request_id="r2", error_stack="short")))
	EOF
	expect_exit 0 "$ANON" --key-file key long.jsonl
	grep -q '<EMAIL' "$T/out" || fail "long first record: no e-mail replaced"
	! grep -q 'jane.doe@example.org' "$T/out" || fail "long first record: the e-mail survived"
	[ "$(wc -l <"$T/out")" -eq 2 ] || fail "long first record: $(wc -l <"$T/out") lines out, expected 2"
}
part "a long first record" long_first
finish
