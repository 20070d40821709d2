#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Sharded runs: 5,000 generated sessions cut into K = 1, 2 and 7 shards of
# uneven sizes; --partial on each shard and --merge of the states equals one
# run over everything: the same JSON report (counts and sums identical,
# percentiles identical too: lists that fit stay exact, sketches add their
# buckets) and the percentiles within the bound of the exact ones.  Also:
# merges in stages, groups past --max-groups, sampled (weighted) input,
# states of other options refused, a truncated state reported.
. "$(dirname "$0")/lib.sh"

AGG=${TELEVAL_AGGREGATE:?TELEVAL_AGGREGATE is not set}
N=5000

gen otlp-logs "$N" corpus.otlp
expect_filter 0 corpus.otlp
mv "$T/out" sessions.jsonl
[ "$(lines sessions.jsonl)" -eq "$N" ] || fail "expected $N sessions"

# same_report A B: equal reports but for input.files and input.partials
same_report() {
	"$PY" - "$1" "$2" <<'PY' || fail "$1 and $2 differ"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for d in (a, b):
    d["input"].pop("files")
    d["input"].pop("partials")
if a != b:
    for k in a:
        if a[k] != b[k]:
            print("differs:", k, file=sys.stderr)
    sys.exit(1)
PY
}

# shard K FILE: FILE cut into K shards of uneven sizes, shard.K.0 ...
shard() {
	rm -f shard."$1".*
	awk -v k="$1" -v p="shard.$1." '{ print > (p (int(NR * NR / 7) % k)) }' "$2"
}

merge_equals_one_run() {	# NAME AGGREGATE-ARGS...
	local name=$1 k
	shift
	expect_exit 0 "$AGG" --format json "$@" sessions.jsonl
	mv "$T/out" "$name.one.json"
	for k in 1 2 7; do
		shard "$k" sessions.jsonl
		for s in shard."$k".*; do
			expect_exit 0 "$AGG" --partial "$@" -o "$s.state" "$s"
		done
		expect_exit 0 "$AGG" --merge --format json --stats shard."$k".*.state
		stderr_has "^televal-aggregate: partial states merged: $k\$"
		check_report "$T/out"
		same_report "$name.one.json" "$T/out"
		note "$name: $k shards merged = one run"
	done
}

part "by model" merge_equals_one_run model --by model
part "sketches" merge_equals_one_run sketch --by model --by tool --exact 0
part "lists that overflow" merge_equals_one_run small --by skill --exact 500
part "other group" merge_equals_one_run other --by tool --by model --max-groups 7

# the merged percentiles are within the bound of the exact ones
bound() {
	"$PY" "$CHECK_AGGREGATE" reference --by model --by tool --bound 0.01 sketch.one.json \
		sessions.jsonl >bound.log || {
		sed -n '1,20p' bound.log >&2
		fail "the sketch's percentiles are not within 1% of the exact ones"
	}
}
part "within the bound" bound

# states merged in stages: shards 0-3 and 4-6, then the two
stages() {
	shard 7 sessions.jsonl
	for s in shard.7.*; do
		expect_exit 0 "$AGG" --partial --by model -o "$s.state" "$s"
	done
	expect_exit 0 "$AGG" --merge --partial -o a.state shard.7.[0-3].state
	expect_exit 0 "$AGG" --merge --partial -o b.state shard.7.[4-6].state
	expect_exit 0 "$AGG" --merge --format json --stats a.state b.state
	stderr_has '^televal-aggregate: partial states merged: 7$'
	same_report model.one.json "$T/out"
}
part "stages" stages

# sampled input: the same estimates (floating sums to rounding)
weighted() {
	expect_filter 0 --sample 30% --seed 5 sessions.jsonl
	mv "$T/out" sample.jsonl
	expect_exit 0 "$AGG" --format json --by model sample.jsonl
	mv "$T/out" w.one.json
	shard 7 sample.jsonl
	for s in shard.7.*; do
		expect_exit 0 "$AGG" --partial --by model -o "$s.state" "$s"
	done
	expect_exit 0 "$AGG" --merge --format json shard.7.*.state
	"$PY" - w.one.json "$T/out" <<'PY' || fail "the weighted merge differs from one run"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
assert a["estimated"] and b["estimated"]
def walk(x, y, path):
    if isinstance(x, dict):
        for k in x:
            if path == "" and k == "input":
                continue
            walk(x[k], y[k], path + "." + k)
    elif isinstance(x, list):
        assert len(x) == len(y), path
        for i, (u, v) in enumerate(zip(x, y)):
            walk(u, v, f"{path}[{i}]")
    elif isinstance(x, float) or isinstance(y, float):
        assert abs(x - y) <= 1e-9 * max(abs(x), abs(y)), (path, x, y)
    else:
        assert x == y, (path, x, y)
walk(a, b, "")
PY
}
part "weighted" weighted

# states one after another in one stream, as GNU parallel --pipe writes them
concatenated() {
	shard 7 sessions.jsonl
	for s in shard.7.*; do
		expect_exit 0 "$AGG" --partial --by model -o "$s.state" "$s"
	done
	cat shard.7.*.state >all.states
	expect_exit 0 "$AGG" --merge --format json --stats - <all.states
	stderr_has '^televal-aggregate: partial states merged: 7$'
	same_report model.one.json "$T/out"
	if ! command -v parallel >/dev/null 2>&1; then
		note "GNU parallel is not installed: its pipe is not run"
		return 0
	fi
	parallel --will-cite --pipe --block 2M "$AGG" --by model --partial <sessions.jsonl >par.states ||
		fail "parallel --pipe --partial"
	expect_exit 0 "$AGG" --merge --format json par.states
	same_report model.one.json "$T/out"
	note "GNU parallel: $(grep -c televal_partial par.states) states merged = one run"
}
part "concatenated states" concatenated

refused() {
	head -100 sessions.jsonl >h.jsonl
	expect_exit 0 "$AGG" --partial --by model -o m.state h.jsonl
	expect_exit 0 "$AGG" --partial --by skill -o s.state h.jsonl
	expect_exit 1 "$AGG" --merge --format json m.state s.state
	stderr_has 's\.state: a partial state of other options'
	check_report "$T/out"
	head -3 m.state >cut.state
	expect_exit 1 "$AGG" --merge --format json m.state cut.state
	stderr_has 'cut\.state: not a complete partial state'
	printf '{"televal_partial":1}\n' >bad.state
	expect_exit 1 "$AGG" --merge --format json bad.state m.state
	stderr_has '^televal-aggregate: bad\.state:1: '
	expect_exit 2 "$AGG" --merge --by model m.state
	stderr_has 'merge takes --by'
}
part "refused" refused
finish
