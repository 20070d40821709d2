#!/bin/bash
# SPDX-License-Identifier: MIT
#
# televal-aggregate's command line: usage errors exit 2, --session prints a
# tree (exit 1 for an unknown id), --stats counts add up, price tables are
# checked with FILE:LINE, -o picks the format from the extension and writes
# atomically, an empty input is a report of nothing, colours only on a
# terminal and never with NO_COLOR.
. "$(dirname "$0")/lib.sh"

AGG=${TELEVAL_AGGREGATE:?TELEVAL_AGGREGATE is not set}
EX="$SRC/examples"
LOG="$EX/gemini/collector.log"

usage() {
	expect_exit 0 "$AGG" --help
	grep -q -- '--fail-if EXPR' "$T/out" || fail "--help lacks --fail-if"
	expect_exit 0 "$AGG" --version
	grep -q '(televal)' "$T/out" || fail "--version"
	for args in "--bogus" "--format xml" "--top 0" "--top x" "--exact -1" "--relative-error 0.5" \
		"--relative-error x" "--max-groups 0" "--merge --by model" "--merge --where success" \
		"--merge --prices $EX/prices.yaml" "--partial --format json" "--partial --fail-if sessions>0" \
		"--session x --partial" "--since yesterday" "--merge --gap 5m"; do
		# shellcheck disable=SC2086
		expect_exit 2 "$AGG" $args "$LOG"
		stderr_has "Try 'televal-aggregate --help'|invalid|--merge|--partial|--session"
	done
	expect_exit 2 "$AGG" --by 'metadata..x' "$LOG"
	stderr_has '^televal-aggregate: --by metadata\.\.x: not a key'
	stderr_has '^ +\^$'
	expect_exit 2 "$AGG" --where 'turns >' "$LOG"
	stderr_has '^televal-aggregate: invalid expression'
}
part "usage errors" usage

session() {
	local id
	id=$("$FILTER" --ids "$LOG" | head -1)
	expect_exit 0 "$AGG" --session "$id" "$LOG"
	grep -q "^session $id\$" "$T/out" || fail "no session head"
	grep -qE '^(├|└)── turn 1 ' "$T/out" || fail "no turn"
	grep -qE '^│   (├|└)── llm [a-z0-9.-]+  \+[0-9.]+ (ms|s)  [0-9.]+ (ms|s)  ok 200  tokens in [0-9]+' "$T/out" ||
		fail "no LLM call line"
	grep -qE '── tool [a-z_]+  \+' "$T/out" || fail "no tool call line"
	if grep -q $'\033' "$T/out"; then
		fail "colours off a terminal"
	fi
	expect_exit 1 "$AGG" --session no-such-session "$LOG"
	stderr_has "no session 'no-such-session'"
	expect_exit 0 "$AGG" --session "$id" --where 'success == true' "$EX/gemini"
}
part "session" session

stats() {
	expect_exit 0 "$AGG" --format json --stats --since 2025-07-01T09:01:00Z "$LOG"
	stderr_has '^televal-aggregate: records: read 103 = used 68 \+ skipped 35 \+ rejected 0$'
	stderr_has '^televal-aggregate: sessions: read 4 = aggregated 2 \+ filtered 2$'
	check_report "$T/out"
	: >empty.jsonl
	expect_exit 0 "$AGG" --format json empty.jsonl
	check_report "$T/out"
	expect_exit 0 "$AGG" --format table empty.jsonl
	grep -q '^  sessions  *0$' "$T/out" || fail "an empty report"
	expect_exit 0 "$AGG" --format html empty.jsonl
}
part "stats" stats

prices() {
	expect_exit 2 "$AGG" --prices no-such.yaml "$LOG"
	stderr_has 'no-such\.yaml'
	printf 'date: 2025-07-01\nsource: here\nmodels:\n  m: {input: 1}\n' >p.yaml
	expect_exit 2 "$AGG" --prices p.yaml "$LOG"
	stderr_has "^televal-aggregate: p\.yaml:4: model 'm' needs an input and an output price$"
	printf 'date: 2025-07-01\nsource: here\nmodels:\n  gemini-2.5-pro: {input: 1, output: 2}\n' >p.yaml
	expect_exit 0 "$AGG" --format json --prices p.yaml "$LOG"
	"$PY" - "$T/out" <<'PY' || fail "costs with a partial price table"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["costs"] == {"from": "prices", "date": "2025-07-01", "source": "here"}, r["costs"]
assert r["total"]["cost"]["cost_usd"] > 0
PY
}
part "prices" prices

outputs() {
	expect_exit 0 "$AGG" -o r.html "$LOG"
	head -c 15 r.html | grep -q '<!DOCTYPE html>' || fail "-o r.html is not HTML"
	expect_exit 0 "$AGG" -o r.csv "$LOG"
	head -c 6 r.csv | grep -q '^scope,' || fail "-o r.csv is not CSV"
	expect_exit 0 "$AGG" -o r.md "$LOG"
	expect_exit 0 "$AGG" -o r.out "$LOG"
	check_report r.out
	expect_exit 0 "$AGG" "$LOG"
	check_report "$T/out" # not a terminal: json
	echo keep >kept.json
	expect_exit 1 "$AGG" -o kept.json --format json "$LOG" no-such-file
	check_report kept.json # what was read is written; the missing input is exit 1
	if [ -w /dev/full ]; then
		expect_exit 1 "$AGG" -o /dev/full "$LOG"
		stderr_has 'write error'
	fi
}
part "outputs" outputs

colours() {
	if ! command -v script >/dev/null 2>&1 || ! script -qec true /dev/null >/dev/null 2>&1; then
		note "script(1) has no pseudo-terminal here: the terminal cases are not checked"
		return 0
	fi
	TERM=xterm script -qec "'$AGG' '$LOG'" /dev/null >tty.out 2>&1 || true
	grep -q $'\033\\[1mSummary' tty.out || fail "no colours on a terminal"
	grep -q '^Summary' tty.out && fail "not the table format on a terminal" || true
	NO_COLOR=1 TERM=xterm script -qec "'$AGG' '$LOG'" /dev/null >tty2.out 2>&1 || true
	grep -q 'Summary' tty2.out || fail "not a table on a terminal"
	if grep -q $'\033\\[' tty2.out; then
		fail "colours with NO_COLOR"
	fi
}
part "colours" colours
finish
