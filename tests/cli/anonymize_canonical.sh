#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Canonical sessions out of televal-anonymize: --to canonical from any
# format, and canonical input kept line by line, agree; every session
# carries redaction counts that add up to --report's; anonymizing twice
# keeps one redaction member; the output validates against the schema.
. "$(dirname "$0")/lib.sh"

ANON=${TELEVAL_ANONYMIZE:?TELEVAL_ANONYMIZE is not set (run the tests with meson test)}
CHECK_ANON="$SRC/tests/tools/check_anon.py"

printf 'a key' >key
gen otlp-logs 50 in.jsonl --pii-rate 0.5 --truth truth.json

to_canonical() {
	expect_exit 0 "$ANON" --key-file key --to canonical --report --stats in.jsonl
	mv "$T/out" tc.jsonl
	cp "$T/err" tc.err
	check_schema tc.jsonl
	stderr_has '^televal-anonymize: sessions: read 50 = written 50 \+ rejected 0$'
	[ "$(grep -c '"redaction":{"counts":{' tc.jsonl)" -eq 50 ] || fail "sessions without redaction counts"
	"$PY" "$CHECK_ANON" leaks truth.json tc.jsonl || fail "planted PII survived"
	"$PY" - tc.jsonl tc.err <<-'EOF' || fail "redaction counts do not add up to --report"
	import json, re, sys
	total = sum(sum(json.loads(l)["redaction"]["counts"].values()) for l in open(sys.argv[1]))
	rep = int(re.search(r"report: total: (\d+)", open(sys.argv[2]).read()).group(1))
	print(f"# {total} replaced in sessions, {rep} reported")
	sys.exit(0 if total == rep and total > 0 else 1)
	EOF
	"$FILTER" in.jsonl >orig.jsonl || fail "televal-filter failed"
	"$PY" "$CHECK_ANON" same orig.jsonl tc.jsonl truth.json >same.log ||
		{ sed -n '1,20p' same.log >&2; fail "sessions changed beyond their PII"; }
}

canonical_input() {
	"$FILTER" in.jsonl >orig.jsonl || fail "televal-filter failed"
	expect_exit 0 "$ANON" --key-file key orig.jsonl
	mv "$T/out" ci.jsonl
	expect_exit 0 "$ANON" --key-file key --to canonical in.jsonl
	same ci.jsonl "$T/out" "canonical input and --to canonical"
	expect_exit 0 "$ANON" --check ci.jsonl
	# the anonymized stream reads back as is
	"$FILTER" ci.jsonl >back.jsonl || fail "televal-filter cannot read the output"
	same ci.jsonl back.jsonl "televal-filter over anonymized sessions"
}

twice() {
	"$FILTER" in.jsonl >orig.jsonl || fail "televal-filter failed"
	expect_exit 0 "$ANON" --key-file key orig.jsonl
	mv "$T/out" once.jsonl
	expect_exit 0 "$ANON" --key-file key once.jsonl
	mv "$T/out" twice.jsonl
	check_schema twice.jsonl
	[ "$(grep -o '"redaction":' twice.jsonl | wc -l)" -eq "$(lines twice.jsonl)" ] ||
		fail "not exactly one redaction member per session"
	"$PY" - once.jsonl twice.jsonl <<-'EOF' || fail "counts of the second run lost the first's"
	import json, sys
	a = [json.loads(l)["redaction"]["counts"] for l in open(sys.argv[1])]
	b = [json.loads(l)["redaction"]["counts"] for l in open(sys.argv[2])]
	sys.exit(0 if all(all(y.get(k, 0) >= v for k, v in x.items()) for x, y in zip(a, b)) else 1)
	EOF
}

part to-canonical to_canonical
part canonical-input canonical_input
part twice twice
finish
