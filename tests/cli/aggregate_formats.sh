#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Every output format on every example file: exit 0, nothing rejected; the
# JSON validates against tools/aggregate/aggregate.schema.json, the CSV,
# Markdown, HTML and table are well formed (tests/tools/check_report.py:
# the HTML self-contained, with charts; no colours off a terminal); the
# same input gives the same bytes; grouped, with prices and compared, too.
. "$(dirname "$0")/lib.sh"

AGG=${TELEVAL_AGGREGATE:?TELEVAL_AGGREGATE is not set}
CHECK_REPORT="$SRC/tests/tools/check_report.py"
EX="$SRC/examples"

one() {	# FILE ARGS...
	local f=$1 name fmt
	shift
	name=$(echo "$f $*" | tr '/ ' '__')
	for fmt in json csv markdown html table; do
		expect_exit 0 "$AGG" --format "$fmt" "$@" "$EX/$f"
		stderr_lacks '^televal-aggregate: [^w]'
		mv "$T/out" "$name.$fmt"
		if [ "$fmt" = json ]; then
			check_report "$name.json"
		else
			"$PY" "$CHECK_REPORT" "$fmt" "$name.$fmt" || fail "$f $*: --format $fmt"
		fi
		"$AGG" --format "$fmt" "$@" "$EX/$f" >again 2>/dev/null || fail "$f: second run"
		same "$name.$fmt" again "$f $* --format $fmt: two runs"
	done
	"$PY" -c 'import json, sys; r = json.load(open(sys.argv[1])); assert r["total"]["counts"]["sessions"] > 0' \
		"$name.json" || fail "$f: no session"
}

n=0
for f in $(cd "$EX" && find . -type f \( -name '*.log' -o -name '*.jsonl' -o -name '*.json' \
	-o -name '*.db' \) ! -name 'policy*' | sed 's|^\./||' | sort); do
	part "$f" one "$f"
	n=$((n + 1))
done
[ "$n" -ge 6 ] || fail "only $n example files found"
part "anyclaude (a directory)" one anyclaude
part "by model, with prices" one gemini/collector.log --by model --prices "$EX/prices.yaml"
part "by skill and tool" one waza/export.json --by skill --by tool
part "compared" one qwen/collector.log --by model --compare "$EX/gemini/collector.log"

# a comparison with a JSON result: the same as with the sessions it came from
compared() {
	expect_exit 0 "$AGG" --format json --by model -o base.json "$EX/gemini/collector.log"
	expect_exit 0 "$AGG" --format json --by model --compare base.json "$EX/qwen/collector.log"
	mv "$T/out" a.json
	expect_exit 0 "$AGG" --format json --by model --compare "$EX/gemini/collector.log" "$EX/qwen/collector.log"
	"$PY" - a.json "$T/out" <<'PY' || fail "a JSON baseline and a sessions baseline differ"
import json, sys
a, b = (json.load(open(p))["compare"] for p in sys.argv[1:3])
assert a["kind"] == "result" and b["kind"] == "sessions"
for x, y in zip(a["total"] + [m for g in a["groups"] for m in g["metrics"]],
                b["total"] + [m for g in b["groups"] for m in g["metrics"]]):
    for k in ("before", "after", "change"):
        assert (x[k] is None) == (y[k] is None), (x, y)
        assert x[k] is None or abs(x[k] - y[k]) <= 1e-9 * max(1, abs(x[k])), (x, y)
    assert x["direction"] == y["direction"] and x["better"] == y["better"], (x, y)
PY
	# the baseline has other keys: the totals only, with a warning
	expect_exit 0 "$AGG" --format json --by skill --compare base.json "$EX/qwen/collector.log"
	stderr_has 'grouped by other keys'
}
part "compared with a result" compared
finish
