#!/bin/bash
# SPDX-License-Identifier: MIT
#
# --fail-if on a generated corpus: a threshold just below a metric's true
# value fires (exit 3, the alert and the value on standard error, in the
# JSON report), one at the value does not (exit 0); per group it fires for
# the groups past it only; a syntax error exits 2 with a caret under the
# column; a failed input wins over an alert (exit 1).
. "$(dirname "$0")/lib.sh"

AGG=${TELEVAL_AGGREGATE:?TELEVAL_AGGREGATE is not set}

gen gemini-collector-log 200 corpus.log
expect_exit 0 "$AGG" --format json --by model corpus.log
mv "$T/out" report.json

# value PYTHON-EXPR: a value of the report, for the shell
value() {
	"$PY" -c 'import json, sys; r = json.load(open("report.json")); print(repr(eval(sys.argv[1])))' "$1"
}

fires() {	# EXPR
	expect_exit 3 "$AGG" --format json --fail-if "$1" corpus.log
	stderr_has "^televal-aggregate: alert: $(ere_quote "$1"): "
	check_report "$T/out"
	"$PY" - "$T/out" "$1" <<'PY' || fail "$1: not in the report's fired alerts"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["alerts"]["evaluated"] == [sys.argv[2]]
assert any(f["expr"] == sys.argv[2] and f["group"] is None for f in r["alerts"]["fired"])
PY
}

quiet() {	# EXPR
	expect_exit 0 "$AGG" --format json --fail-if "$1" corpus.log
	stderr_lacks 'alert'
	"$PY" -c 'import json, sys; assert json.load(open(sys.argv[1]))["alerts"]["fired"] == []' "$T/out" ||
		fail "$1: an alert in the report"
}

around() {	# METRIC VALUE: fires below the value, not at it
	fires "$1 > $("$PY" -c 'import sys; print(repr(float(sys.argv[1]) * (1 - 1e-9) - 1e-9))' "$2")"
	fires "$1 >= $2"
	quiet "$1 > $2"
	quiet "$1 < $2"
	fires "$1 == $2"
}

thresholds() {
	local p95 err sessions
	p95=$(value 'r["total"]["distributions"]["llm.latency_ms"]["p95"]')
	err=$(value 'r["total"]["rates"]["error_rate"]')
	sessions=$(value 'r["total"]["counts"]["sessions"]')
	note "p95(llm.latency_ms) = $p95, error_rate = $err, sessions = $sessions"
	around 'p95(llm.latency_ms)' "$p95"
	around error_rate "$err"
	around sessions "$sessions"
	# units: seconds are milliseconds, a percentage a fraction
	quiet "p95(llm.latency_ms) > 1000s"
	fires "p95(llm.latency_ms) > 1ms"
	fires "error_rate > 0% && avg(llm.latency_ms) > 0.001s"
	quiet "error_rate > 100%"
	# the message shows the value
	expect_exit 3 "$AGG" --format table --fail-if "sessions >= $sessions" corpus.log
	stderr_has "^televal-aggregate: alert: sessions >= $sessions: sessions = $sessions \\(total\\)$"
	grep -q '^Alerts$' "$T/out" || fail "the table has no Alerts section"
}
part "thresholds" thresholds

per_group() {
	local lo hi mid n
	lo=$(value 'min(g["counts"]["llm_calls"] for g in r["groups"])')
	hi=$(value 'max(g["counts"]["llm_calls"] for g in r["groups"])')
	mid=$(( (lo + hi) / 2 ))
	n=$(value "sum(1 for g in r['groups'] if g['counts']['llm_calls'] > $mid)")
	note "llm_calls per model from $lo to $hi; $n models above $mid"
	expect_exit 3 "$AGG" --format json --by model --fail-if "llm_calls > $mid && llm_calls < $((hi + 1))" corpus.log
	[ "$(grep -c 'alert: ' "$T/err")" -eq "$n" ] || fail "expected $n alerts: $(cat "$T/err")"
	stderr_has '\(model=[a-z0-9.-]+\)$'
	"$PY" - "$T/out" "$mid" <<'PY' || fail "the fired groups in the report"
import json, sys
r = json.load(open(sys.argv[1])); mid = int(sys.argv[2])
want = sorted(g["key"]["model"] for g in r["groups"] if g["counts"]["llm_calls"] > mid)
got = sorted(f["group"]["model"] for f in r["alerts"]["fired"])
assert want == got, (want, got)
assert all("llm_calls" in f["values"] for f in r["alerts"]["fired"])
PY
	# two alerts, one fires
	expect_exit 3 "$AGG" --format json --fail-if 'sessions < 0' --fail-if 'sessions > 0' corpus.log
	# no data: a rate over nothing does not fire
	: >empty.jsonl
	expect_exit 0 "$AGG" --format json --fail-if 'error_rate > 0.1' --fail-if 'p95(llm.latency_ms) > 1' empty.jsonl
	# not: a comparison without a value is false, its negation true
	expect_exit 3 "$AGG" --format json --fail-if 'not error_rate > 0.1' empty.jsonl
}
part "per group" per_group

syntax() {	# EXPR COLUMN
	expect_exit 2 "$AGG" --fail-if "$1" corpus.log
	stderr_has "^televal-aggregate: invalid expression: "
	local caret shown want=$2
	caret=$(grep -E '^ +\^$' "$T/err" | head -1)
	shown=$(grep -E -B1 '^ +\^$' "$T/err" | head -1)
	# a long expression is shown in a window whose '...' stands for its first characters
	case $shown in "  ..."*) want=$(( 3 + $2 - (${#1} - (${#shown} - 5)) )) ;; esac
	[ "${#caret}" -eq $(( want + 3 )) ] || fail "'$1': caret at $(( ${#caret} - 3 )), expected $want"
	[ ! -s "$T/out" ] || fail "'$1': a report was written"
}

errors() {
	syntax 'p95(llm.latency_ms) >' 21
	syntax 'foo > 1' 0
	syntax 'p95(llm.latncy_ms) > 3' 4
	syntax 'p42(llm.latency_ms) > 3' 0
	syntax 'error_rate >> 1' 12
	syntax 'error_rate > 10xyz' 15
	syntax '(error_rate > 1' 15
	syntax 'p95(llm.latency_ms > 1' 19
	syntax 'sessions > 1 sessions' 13
	syntax 'llm.latency_ms > 1' 0
	syntax "$(printf '(%.0s' $(seq 100))sessions > 1" 64
	syntax 'éé > 1' 0
}
part "syntax errors" errors

# a record rejected and an alert fired: the data error wins
rejected() {
	head -20 "$SRC/examples/otlp/logs.jsonl" >otlp.jsonl
	printf '{"resourceLogs": [\n' >>otlp.jsonl
	expect_exit 1 "$AGG" --format json --fail-if 'sessions > 0' otlp.jsonl
	stderr_has 'otlp\.jsonl:[0-9]+: '
	stderr_has 'alert: sessions > 0'
}
part "rejected wins" rejected
finish
