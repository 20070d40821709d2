#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Coding agents' own logs (README "Formats": claude-code, codex): corpora from
# bench/gen_corpus.py with interleaved sessions, API errors, rejected tools,
# cache tokens, sub-agents (inline, beside the session, in
# <session>/subagents/) and unicode must match their ground truth
# (check_truth_agents.py), validate against the schema, with --stats counts
# that add up and nothing rejected.  A Claude Code project directory is
# read as one input: every session once, whichever order its files come in.
# --from gives the same sessions as detection; televal-anonymize keeps the
# layout (the same files, the same lines, read back to the same sessions);
# televal-to-eval turns the tool calls into expectations.
. "$(dirname "$0")/lib.sh"

N=80
CHECK_AGENTS="$SRC/tests/tools/check_truth_agents.py"
ANONYMIZE=${TELEVAL_ANONYMIZE:?TELEVAL_ANONYMIZE is not set}
TO_EVAL=${TELEVAL_TO_EVAL:?TELEVAL_TO_EVAL is not set}

gen claude-code "$N" projects/-home-dev-proj --truth cc.truth.json --seed 3
gen codex "$N" sessions --truth cx.truth.json --seed 4

# run FMT OUT INPUT...: televal-filter --stats INPUT... rejects nothing and writes N sessions to OUT
run() {
	local out=$1
	shift
	expect_filter 0 --stats "$@"
	check_stats
	[ "$REJECTED" -eq 0 ] || fail "televal-filter $*: $REJECTED records rejected"
	[ "$WRITTEN" -eq "$N" ] || fail "televal-filter $*: $WRITTEN sessions, expected $N"
	mv "$T/out" "$out"
}

truth() {
	local name=$1 dir=$2 fmt=$3
	run "$name.jsonl" "$dir"
	"$PY" "$CHECK_AGENTS" "$name.jsonl" "$name.truth.json" >"$name.log" || {
		sed -n '1,20p' "$name.log" >&2
		fail "$fmt: the output differs from the ground truth"
	}
	"$PY" "$CHECK_TRUTH" "$name.jsonl" "$name.truth.json" >/dev/null ||
		fail "$fmt: check_truth.py disagrees"
	check_schema "$name.jsonl"
	run forced.jsonl --from "$fmt" "$dir"
	same "$name.jsonl" forced.jsonl "--from $fmt"
}

claude_truth() {
	truth cc projects claude-code
	# the corpus has sub-agents in all three places, and harness lines
	[ -n "$(find projects -path '*/subagents/agent-*.jsonl' | head -1)" ] || fail "no subagents/ folder"
	[ -n "$(find projects -maxdepth 2 -name 'agent-*.jsonl' | head -1)" ] || fail "no agent file beside a session"
	grep -q '"isSidechain": true' projects/-home-dev-proj/*.jsonl || fail "no inline sidechain"
	grep -q '"agent_id"' cc.jsonl || fail "no call marked with its sub-agent"
}

# every file named on the command line in reverse order: the same sessions
claude_order() {
	local files
	mapfile -t files < <(find projects -name '*.jsonl' | sort -r)
	run reversed.jsonl "${files[@]}"
	no_file_names cc.jsonl | sort >a.sorted
	no_file_names reversed.jsonl | sort >b.sorted
	same a.sorted b.sorted "files in reverse order"
}

codex_truth() {
	truth cx sessions codex
	grep -q '"cached_tokens":[1-9]' cx.jsonl || fail "no cached tokens"
}

anonymize() {
	local dir=$1 name=$2
	TELEVAL_KEY=k "$ANONYMIZE" -o "anon-$dir/" "$dir" 2>anon.err || {
		cat anon.err >&2
		fail "televal-anonymize $dir failed"
	}
	# the same files and lines, but for the user in Claude Code's project
	# directory names (the working directory, dashed), which is pseudonymized
	(cd "$dir" && find . -type f -exec wc -l {} + | sed -E 's#/-(home|Users)-[^-/]*#/-\1-U#' | sort) >a.layout
	(cd "anon-$dir" && find . -type f -exec wc -l {} + | sed -E 's#/-(home|Users)-[^-/]*#/-\1-U#' | sort) >b.layout
	same a.layout b.layout "$dir anonymized: files and lines"
	if find "anon-$dir" -type d | grep -E '/-(home|Users)-' | grep -vqE '/-(home|Users)-<USERNAME:[0-9a-f]+>(-|$)'; then
		find "anon-$dir" -type d | grep -E '/-(home|Users)-' >&2
		fail "$dir anonymized: a user in a project directory name survived"
	fi
	run "anon-$name.jsonl" "anon-$dir"
	# the prompts lose their PII; everything else is as before
	"$PY" "$CHECK_TRUTH" "anon-$name.jsonl" "$name.truth.json" >anon.log || true
	if grep -v -e ': prompts: ' -e 'mismatches$' anon.log | grep -q .; then
		sed -n '1,10p' anon.log >&2
		fail "$dir anonymized: not the same sessions"
	fi
}

to_eval() {
	"$TO_EVAL" --format promptfoo -o tasks/ cc.jsonl cx.jsonl 2>to_eval.err || {
		cat to_eval.err >&2
		fail "televal-to-eval failed"
	}
	grep -l 'source_format: claude-code' tasks/*.yaml >/dev/null || fail "no claude-code task"
	grep -l 'source_format: codex' tasks/*.yaml >/dev/null || fail "no codex task"
	grep -q -- '- shell$' tasks/*.yaml || fail "no codex shell call in required_tools"
	grep -q -- '- Task$' tasks/*.yaml || fail "no Claude Code Task call in required_tools"
}

part "claude-code ground truth" claude_truth
part "claude-code file order" claude_order
part "codex ground truth" codex_truth
part "anonymize keeps the claude-code layout" anonymize projects cc
part "anonymize keeps the codex layout" anonymize sessions cx
part "to-eval" to_eval
finish
