#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Allocation failure is a clean error, for every tool: each case runs with
# tests/faults/failmalloc.c preloaded, failing the Nth allocation made
# after main() starts, for N over the run of a small input.  Every run must
# end without a crash or a sanitizer report (leaks on the way out included),
# and either succeed with the same output as a run without failures
# (nothing lost silently) or exit 1 saying it ran out of memory.
#
# The suite tries a bounded set of N per case (the first ones, then evenly
# spread: TV_FAULTS_MAX, default 40); TV_FAULTS=all (make faults) tries
# every N.
. "$(dirname "$0")/lib.sh"
[ "${TV_VALGRIND:-0}" != 1 ] || skip "the fault library cannot be preloaded under valgrind"

ANON=${TELEVAL_ANONYMIZE:?TELEVAL_ANONYMIZE is not set (run the tests with meson test)}
TO_EVAL=${TELEVAL_TO_EVAL:?TELEVAL_TO_EVAL is not set (run the tests with meson test)}
AGG=${TELEVAL_AGGREGATE:?TELEVAL_AGGREGATE is not set (run the tests with meson test)}
CC=${CC:-cc}
command -v "$CC" >/dev/null 2>&1 || skip "no C compiler to build the fault library"
"$CC" -shared -fPIC -O1 -o failmalloc.so "$SRC/tests/faults/failmalloc.c" -ldl ||
	fail "cannot build tests/faults/failmalloc.c"
SHIM=$T/failmalloc.so
# ASan's runtime is not first in the library list when the shim is preloaded
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
export TELEVAL_KEY=00112233445566778899aabbccddeeff
MAX=${TV_FAULTS_MAX:-40}

# ---- small inputs ----
for f in gemini-outfile gemini-collector-log otlp-logs otlp-traces jaeger waza pylog; do
	gen "$f" 2 "$f.in" --pii-rate 0.5
done
gen llama-stack 2 ls.db
expect_filter 0 gemini-outfile.in
mv "$T/out" canon.jsonl
printf 'rules:\n  phone_*: {op: mask, mask_keep: 2}\nkeys:\n  - {match: "*.secret", op: drop}\n' >policy.yaml
# partial states of two shards, and keyed lines sorted for --group-sorted
"$TELEVAL_AGGREGATE" --partial --by model otlp-logs.in >part1.state || fail "cannot make part1.state"
"$TELEVAL_AGGREGATE" --partial --by model otlp-traces.in >part2.state || fail "cannot make part2.state"
"$FILTER" --emit-keyed otlp-logs.in | LC_ALL=C sort -s -k1,1 >keyed.txt || fail "cannot make keyed.txt"
# a Claude Code project named by its user, a UUID session with a sub-agent folder
cc=cctree/-home-ana-proj
uuid=5f0c2a8e-1b7d-4c3e-9a6f-2d8e4b1c7a90
mkdir -p "$cc/$uuid/subagents"
sed "s/\"s-1\"/\"$uuid\"/g" "$SRC/examples/claude-code/-home-ana-proj/s-1.jsonl" >"$cc/$uuid.jsonl"
sed "s/\"s-1\"/\"$uuid\"/g" "$SRC/examples/claude-code/-home-ana-proj/s-1/subagents/agent-a77.jsonl" \
	>"$cc/$uuid/subagents/agent-a77.jsonl"
# a Codex sessions tree with a sub-agent's rollout
cp -r "$SRC/examples/codex" cxtree
# a Claude Code session and its resumed copy (the same record uuids)
mkdir -p resumed
for sid in 9b1d6d3e-0000-4000-8000-00000000000a 9b1d6d3e-0000-4000-8000-00000000000b; do
	for n in 1 2; do
		printf '{"type":"user","sessionId":"%s","parentUuid":null,"uuid":"0000000%d-1111-4222-8333-444444444444","timestamp":"2026-02-10T10:00:0%dZ","message":{"role":"user","content":"ask %d"}}\n' "$sid" "$n" "$n" "$n"
	done >"resumed/$sid.jsonl"
done
printf '{"type":"user","sessionId":"9b1d6d3e-0000-4000-8000-00000000000b","parentUuid":null,"uuid":"00000003-1111-4222-8333-444444444444","timestamp":"2026-02-10T10:00:03Z","message":{"role":"user","content":"ask 3"}}\n' \
	>>resumed/9b1d6d3e-0000-4000-8000-00000000000b.jsonl

# the cases: one line each, a name and a command run by bash; $RUN is where
# the tool goes (with the library preloaded, or nothing for the reference)
cases() {
	cat <<'CASES'
filter-outfile	$RUN "$FILTER" gemini-outfile.in
filter-collector	$RUN "$FILTER" --events gemini-collector-log.in
filter-otlp-logs	$RUN "$FILTER" otlp-logs.in
filter-otlp-traces	$RUN "$FILTER" otlp-traces.in
filter-jaeger	$RUN "$FILTER" jaeger.in
filter-waza	$RUN "$FILTER" waza.in
filter-pylog	$RUN "$FILTER" pylog.in
filter-llama	$RUN "$FILTER" ls.db
filter-codex-agents	$RUN "$FILTER" cxtree
filter-codex-child	$RUN "$FILTER" cxtree/2026/05/11/*2.jsonl
filter-claude-resumed	$RUN "$FILTER" --stats resumed
filter-select	$RUN "$FILTER" --where 'turns > 1 || errors > 0 || prompt =~ "fix"' --sample 50% --seed 3 --stats canon.jsonl
filter-per	$RUN "$FILTER" --per skill 1 --seed 3 --dedupe --ids canon.jsonl
filter-keyed	$RUN "$FILTER" --emit-keyed otlp-logs.in
anonymize-json	$RUN "$ANON" --policy policy.yaml otlp-logs.in
anonymize-collector	$RUN "$ANON" gemini-collector-log.in
anonymize-pylog	$RUN "$ANON" --report pylog.in
anonymize-canonical	$RUN "$ANON" --to canonical jaeger.in
anonymize-check	$RUN "$ANON" --check gemini-outfile.in; [ $? -eq 3 ]
anonymize-names	rm -rf od; $RUN "$ANON" --scrub-ids -o od/ cctree && (cd od && find . -type f | sort && cat ./*/*.jsonl ./*/*/*/*.jsonl)
anonymize-names-check	$RUN "$ANON" --check cctree; [ $? -eq 3 ]
anonymize-llama	rm -f out.db; $RUN "$ANON" -o out.db ls.db && "$PY" -c 'import sqlite3, sys; print("\n".join(sqlite3.connect(sys.argv[1]).iterdump()))' out.db
to-eval-yaml	$RUN "$TO_EVAL" canon.jsonl
to-eval-dir	rm -rf out.d; $RUN "$TO_EVAL" --unit turn -o out.d canon.jsonl && cat out.d/*
to-eval-json	$RUN "$TO_EVAL" --format promptfoo --stats canon.jsonl
aggregate-json	$RUN "$AGG" --format json --by model --by tool otlp-traces.in
aggregate-alerts	$RUN "$AGG" --format csv --by skill --where 'turns > 0' --fail-if 'p95(llm.latency_ms) > 1000000' canon.jsonl
aggregate-partial	$RUN "$AGG" --partial gemini-collector-log.in
aggregate-html	$RUN "$AGG" --format html --by model gemini-outfile.in
aggregate-merge	$RUN "$AGG" --merge --format json part1.state part2.state
aggregate-compare	$RUN "$AGG" --format json --by model --compare part1.state canon.jsonl
filter-grouped	$RUN "$FILTER" --group-sorted keyed.txt
CASES
}

# the N to try out of @1 allocations
picks() {
	local total=$1 i
	if [ "${TV_FAULTS:-}" = all ] || [ "$total" -le "$MAX" ]; then
		seq 1 "$total"
		return
	fi
	seq 1 15
	for i in $(seq 1 $((MAX - 15))); do
		echo $((15 + i * (total - 15) / (MAX - 15)))
	done
}

# one_case NAME CMD: every pick of N for CMD
one_case() {
	local name=$1 cmd=$2 total n rc
	export RUN=
	RC=0
	bash -c "$cmd" >"ref.$name" 2>"ref.$name.err" || RC=$?
	[ "$RC" -eq 0 ] || { cat "ref.$name.err" >&2; fail "$name: exit status $RC without faults"; }
	RUN="env LD_PRELOAD=$SHIM TV_FAIL_COUNT=$T/count.$name"
	bash -c "$cmd" >/dev/null 2>&1 || fail "$name: fails with the library preloaded"
	total=$(cat "count.$name")
	note "$name: $total allocations"
	for n in $(picks "$total"); do
		RUN="env LD_PRELOAD=$SHIM TV_FAIL_AT=$n"
		rc=0
		bash -c "$cmd" >"out.$name" 2>"err.$name" || rc=$?
		check_no_crash "$rc" "err.$name" "$name, allocation $n failing"
		if [ "$rc" -eq 0 ]; then
			cmp -s "out.$name" "ref.$name" ||
				fail "$name, allocation $n failing: exit 0 with other output (lost silently)"
		elif ! grep -q 'out of memory\|Cannot allocate memory' "err.$name"; then
			sed -n '1,10p' "err.$name" >&2
			fail "$name, allocation $n failing: exit $rc without saying it ran out of memory"
		elif [ "$rc" -ne 1 ]; then
			fail "$name, allocation $n failing: exit $rc, expected 1"
		fi
	done
}

export FILTER ANON TO_EVAL AGG PY
while IFS=$'\t' read -r name cmd; do
	part "$name" one_case "$name" "$cmd"
done < <(cases)

finish
