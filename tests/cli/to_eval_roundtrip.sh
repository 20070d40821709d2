#!/bin/bash
# SPDX-License-Identifier: MIT
#
# televal-to-eval round trips, for every output format: synthetic corpora in
# several input formats (read directly, not only canonical) become as many
# tasks as there are eligible sessions (or turns), with the same ids and
# prompts; the output parses (PyYAML, json) and every waza task validates
# against waza's own schema (when ../shared/reference is there).
. "$(dirname "$0")/lib.sh"

TO_EVAL=${TELEVAL_TO_EVAL:?TELEVAL_TO_EVAL is not set (run the tests with meson test)}
CHECK_EVAL="$SRC/tests/tools/check_eval.py"
"$PY" -c 'import yaml' 2>/dev/null || fail "$PY lacks the yaml module (apt-get install python3-yaml)"
SCHEMA=
if [ -n "$SHARED" ] && [ -f "$SHARED/reference/evalformats/waza/task.schema.json" ]; then
	SCHEMA="$SHARED/reference/evalformats/waza/task.schema.json"
else
	note "no waza schema in \$TV_SHARED/reference: the schema check is skipped"
fi

N=60

# run FMT INPUT CANONICAL [to-eval options]: stdout and -o DIR, both checked
run() {
	local fmt=$1 in=$2 canon=$3 tag
	shift 3
	tag="$fmt$(printf '%s' "$*" | tr -c 'a-z' '_')-$(basename "$in")"
	expect_exit 0 "$TO_EVAL" -f "$fmt" "$@" "$in"
	mv "$T/out" "$tag.out"
	"$PY" "$CHECK_EVAL" --format "$fmt" --sessions "$canon" ${SCHEMA:+--schema "$SCHEMA"} \
		--stdout "$tag.out" $(opts_for_check "$@") >"$tag.log" 2>&1 || {
		cat "$tag.log" >&2
		fail "$fmt $* $in: standard output does not match the sessions"
	}
	expect_exit 0 "$TO_EVAL" -f "$fmt" "$@" -o "$tag.dir" "$in"
	"$PY" "$CHECK_EVAL" --format "$fmt" --sessions "$canon" ${SCHEMA:+--schema "$SCHEMA"} \
		--dir "$tag.dir" $(opts_for_check "$@") >"$tag.log" 2>&1 || {
		cat "$tag.log" >&2
		fail "$fmt $* $in: -o DIR does not match the sessions"
	}
}

opts_for_check() {
	local o
	for o in "$@"; do
		case $o in
		--unit=turn) echo --unit turn ;;
		--include-failed) echo --include-failed ;;
		esac
	done
}

corpus() {
	local fmt=$1
	gen "$fmt" "$N" "$fmt.in"
	expect_filter 0 "$fmt.in"
	mv "$T/out" "$fmt.jsonl"
}

for in in gemini-collector-log otlp-traces waza pylog; do
	corpus "$in"
done
note "$(wc -l < gemini-collector-log.jsonl) sessions per corpus"

for fmt in waza promptfoo openai-evals inspect langfuse; do
	part "$fmt: collector.log" run "$fmt" gemini-collector-log.in gemini-collector-log.jsonl
	part "$fmt: canonical" run "$fmt" gemini-collector-log.jsonl gemini-collector-log.jsonl
	part "$fmt: otlp traces, turns, failed too" run "$fmt" otlp-traces.in otlp-traces.jsonl \
		--unit=turn --include-failed
	part "$fmt: waza export" run "$fmt" waza.in waza.jsonl --include-failed
	part "$fmt: python logs, turns" run "$fmt" pylog.in pylog.jsonl --unit=turn
done

# the counts add up, and sessions without a prompt (anyclaude metrics) are
# skipped and counted, not lost
counts() {
	gen anyclaude 5 anyclaude.d
	expect_exit 0 "$TO_EVAL" --stats anyclaude.d
	[ ! -s "$T/out" ] || fail "anyclaude: tasks from sessions without prompts"
	stderr_has '^televal-to-eval: sessions: read 5 = tasks 0 \+ no prompt 5 \+ failed 0 \+ skipped by the template 0$'
	expect_exit 0 "$TO_EVAL" --stats gemini-collector-log.jsonl
	local line read tasks np failed skipped
	line=$(grep -E '^televal-to-eval: sessions: read [0-9]+ = tasks' "$T/err")
	read -r read tasks np failed skipped <<<"$(printf '%s\n' "$line" | sed 's/[^0-9][^0-9]*/ /g')"
	[ "$read" -eq $((tasks + np + failed + skipped)) ] || fail "counts do not add up: $line"
	[ "$read" -eq "$(lines gemini-collector-log.jsonl)" ] || fail "not every session counted: $line"
	[ "$failed" -gt 0 ] || fail "the corpus has no failed session to skip"
	expect_exit 0 "$TO_EVAL" --stats --include-failed -f langfuse gemini-collector-log.jsonl
	[ "$(lines "$T/out")" -eq "$read" ] || fail "--include-failed: not one task per session"
	grep -c '"failed":true' "$T/out" | grep -qx "$failed" || fail "--include-failed: failed tasks not marked"
}
part "counts" counts
finish
