#!/bin/bash
# SPDX-License-Identifier: MIT
#
# televal-aggregate on generated corpora with ground truth: the totals equal
# the generator's truth (counts, rates, token sums, exact nearest-rank
# percentiles of LLM latency and prompt length); every metric of the total
# and of every group equals an independent computation from the canonical
# sessions (tests/tools/check_aggregate.py), for each grouping key, with
# prices, and within the stated bound when the percentiles come from the
# sketch; raw and canonical input give the same report; sampled input gives
# weighted estimates, labelled so.
. "$(dirname "$0")/lib.sh"

AGG=${TELEVAL_AGGREGATE:?TELEVAL_AGGREGATE is not set}
PRICES="$SRC/examples/prices.yaml"

# metrics_of JSON: the report without what depends on the input's bytes
metrics_of() {
	"$PY" -c 'import json, sys; d = json.load(open(sys.argv[1])); d.pop("input"); print(json.dumps(d, sort_keys=True))' "$1"
}

check() {	# NAME CHECK-ARGS... -- AGGREGATE-ARGS...
	local name=$1 cargs=() aargs=()
	shift
	while [ "$1" != -- ]; do cargs+=("$1"); shift; done
	shift
	aargs=("$@")
	expect_exit 0 "$AGG" --format json "${aargs[@]}" sessions.jsonl
	mv "$T/out" "$name.json"
	"$PY" "$CHECK_AGGREGATE" reference "${cargs[@]}" "$name.json" sessions.jsonl >"$name.log" || {
		sed -n '1,20p' "$name.log" >&2
		fail "$name: the report differs from the reference computation"
	}
	check_report "$name.json"
}

gen otlp-logs 300 corpus.otlp --truth truth.json
expect_filter 0 corpus.otlp
mv "$T/out" sessions.jsonl

truth() {
	expect_exit 0 "$AGG" --format json --stats corpus.otlp
	mv "$T/out" raw.json
	"$PY" "$CHECK_AGGREGATE" truth raw.json truth.json >truth.log || {
		sed -n '1,20p' truth.log >&2
		fail "the totals differ from the generator's truth"
	}
	stderr_has '^televal-aggregate: records: read ([0-9]+) = used [0-9]+ \+ skipped [0-9]+ \+ rejected 0$'
	stderr_has '^televal-aggregate: sessions: read 300 = aggregated 300 \+ filtered 0$'
	expect_exit 0 "$AGG" --format json sessions.jsonl
	[ "$(metrics_of raw.json)" = "$(metrics_of "$T/out")" ] ||
		fail "the report of the raw logs differs from that of their canonical sessions"
}
part "truth" truth

part "total" check total --
part "by model" check model --by model -- --by model
part "by tool" check tool --by tool -- --by tool
part "by skill" check skill --by skill -- --by skill
part "by status" check status --by status -- --by status
part "by source" check source --by source -- --by source
part "by day and model" check day_model --by day --by model -- --by day --by model
part "by hour" check hour --by hour -- --by hour
part "by a path" check user --by user -- --by user
part "prices" check prices --by model --prices "$PRICES" -- --by model --prices "$PRICES"
part "sketch at 1%" check sketch --by model --bound 0.01 -- --by model --exact 0
part "sketch at 5%" check sketch5 --by tool --bound 0.05 -- --by tool --exact 0 --relative-error 0.05
part "exact up to 100" check exact100 --by model --bound 0.01 -- --by model --exact 100

# a 50% sample: each kept session weighs 2, the report says it estimates
weighted() {
	expect_filter 0 --sample 50% --seed 3 sessions.jsonl
	mv "$T/out" sample.jsonl
	expect_exit 0 "$AGG" --format json sample.jsonl
	"$PY" - "$T/out" sample.jsonl <<'PY' || fail "weighted estimates"
import json, sys
r = json.load(open(sys.argv[1]))
kept = [json.loads(l) for l in open(sys.argv[2])]
assert r["estimated"] is True, "not labelled an estimate"
assert abs(r["total"]["counts"]["sessions"] - 2 * len(kept)) < 1e-9, r["total"]["counts"]["sessions"]
calls = sum(len(t["llm_calls"]) for s in kept for t in s["turns"])
assert abs(r["total"]["counts"]["llm_calls"] - 2 * calls) < 1e-9
PY
	expect_exit 0 "$AGG" --format table sample.jsonl
	grep -q '^Estimates: the input was sampled' "$T/out" || fail "the table does not say it estimates"
}
part "weighted" weighted
finish
