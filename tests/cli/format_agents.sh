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

# a resumed session: Claude Code writes a new session file that begins with
# a copy of the old one's records (same uuids, the new sessionId); read with
# the old one, in either order, every call counts once
claude_resumed() {
	local a=9b1d6d3e-0000-4000-8000-00000000000a b=9b1d6d3e-0000-4000-8000-00000000000b tot order
	mkdir -p resumed
	"$PY" - "$a" "$b" resumed <<'EOF'
import json, sys
a, b, d = sys.argv[1:]
def rec(sid, kind, n, t, msg):
    return {"type": kind, "sessionId": sid, "uuid": "0000000%d-1111-4222-8333-444444444444" % n,
            "parentUuid": None, "isSidechain": False, "timestamp": "2026-02-10T10:00:0%dZ" % t, "message": msg}
def turn(sid, n, t, prompt):
    return [rec(sid, "user", n, t, {"role": "user", "content": prompt}),
            rec(sid, "assistant", n + 1, t + 1, {"id": "msg_%d" % n, "role": "assistant", "model": "claude-sonnet-4",
                "content": [{"type": "text", "text": "ok"}], "usage": {"input_tokens": 100, "output_tokens": 10}})]
old = turn(a, 1, 0, "first") + turn(a, 3, 2, "second")
new = [dict(r, sessionId=b) for r in old] + turn(b, 5, 5, "third")
for sid, recs in ((a, old), (b, new)):
    with open("%s/%s.jsonl" % (d, sid), "w") as f:
        f.write("".join(json.dumps(r) + "\n" for r in recs))
EOF
	for order in "resumed/$a.jsonl resumed/$b.jsonl" "resumed/$b.jsonl resumed/$a.jsonl"; do
		# shellcheck disable=SC2086
		expect_filter 0 --stats $order
		check_stats
		tot=$("$PY" -c 'import json,sys; print(sum(json.loads(l)["usage"]["input_tokens"] for l in open(sys.argv[1])))' "$T/out")
		[ "$tot" -eq 300 ] || fail "a resumed session read with the old one ($order): $tot input tokens, expected 300"
		[ "$READ" -eq 10 ] && [ "$SKIPPED" -eq 4 ] ||
			fail "a resumed session ($order): $READ records read, $SKIPPED skipped; expected 10 and 4"
		stderr_has 'copied records \(uuid seen before\)'
	done
}

codex_truth() {
	truth cx sessions codex
	grep -q '"cached_tokens":[1-9]' cx.jsonl || fail "no cached tokens"
	# sub-agents are rollouts of their own, some filed under the next day:
	# joined to the turn that spawned them, not sessions of their own
	[ "$(grep -l '"parent_thread_id"' -r sessions | wc -l)" -ge 5 ] || fail "too few sub-agent rollouts"
	grep -q '"agent_id":' cx.jsonl || fail "no codex call marked with its sub-agent"
	grep -q '"agents":\[{"id":"[^"]*","name":"explorer","parent_id":null,"instruction":"look into it","output":"sub-agent notes' cx.jsonl ||
		fail "no codex sub-agent in a turn's agents"
}

# every rollout named on the command line in reverse order (sub-agents
# before the sessions that spawned them): the same sessions; a sub-agent's
# rollout alone reads its parent's; from stdin it is a session of its own
codex_order() {
	local files child parent
	mapfile -t files < <(find sessions -name '*.jsonl' | sort -r)
	run cx-reversed.jsonl "${files[@]}"
	no_file_names cx.jsonl | sort >a.sorted
	no_file_names cx-reversed.jsonl | sort >b.sorted
	same a.sorted b.sorted "codex rollouts in reverse order"
	child=$(grep -l '"parent_thread_id"' -r sessions | sort | head -1)
	parent=$("$PY" -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["payload"]["source"]["subagent"]["thread_spawn"]["parent_thread_id"])' "$child")
	expect_filter 0 --stats "$child"
	check_stats
	[ "$WRITTEN" -eq 1 ] && grep -q "\"id\":\"$parent\"" "$T/out" ||
		fail "a sub-agent's rollout alone did not read the session that spawned it"
	expect_filter 0 - <"$child"
	grep -q '"parent_thread_id' "$T/out" && grep -q '"subagent"' "$T/out" ||
		fail "a sub-agent's rollout on stdin is not a session of its own"
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
part "claude-code resumed session" claude_resumed
part "codex ground truth" codex_truth
part "codex file order" codex_order

# rollout DIR ID PARENT [TURNS]: a rollout of session ID (a sub-agent of PARENT
# unless "-") with TURNS prompts (default 1), each with one call
rollout() {
	local dir=$1 id=$2 parent=$3 turns=${4:-1} src='"cli"' i
	[ "$parent" = - ] || src='{"subagent":{"thread_spawn":{"parent_thread_id":"'$parent'","depth":1}}}'
	mkdir -p "$dir"
	{
		printf '{"timestamp":"2026-05-12T10:00:00Z","type":"session_meta","payload":{"id":"%s","source":%s}}\n' "$id" "$src"
		for ((i = 0; i < turns; i++)); do
			printf '{"timestamp":"2026-05-12T10:00:0%dZ","type":"event_msg","payload":{"type":"user_message","message":"ask %s"}}\n' "$i" "$id"
			printf '{"timestamp":"2026-05-12T10:00:0%dZ","type":"response_item","payload":{"type":"message","role":"assistant","content":[{"type":"output_text","text":"ok"}]}}\n' "$i"
		done
	} >"$dir/rollout-2026-05-12T10-00-00-$id.jsonl"
}

# sessions EXPECTED INPUT...: televal-filter reads EXPECTED sessions, counts adding up
sessions_of() {
	local want=$1
	shift
	expect_filter 0 --stats "$@"
	check_stats
	[ "$WRITTEN" -eq "$want" ] || fail "televal-filter $*: $WRITTEN sessions, expected $want"
}

# a parent with no conversation, a parent missing, a cycle, a chain deeper
# than the join goes, a folder below an undated one: every rollout read
# once, nothing lost
codex_edges() {
	local i
	rollout e1 00000000-0000-4000-8000-00000000000a - 0
	rollout e1 00000000-0000-4000-8000-00000000000b 00000000-0000-4000-8000-00000000000a
	sessions_of 1 e1
	sessions_of 1 e1/*b.jsonl e1/*a.jsonl
	rollout e2 00000000-0000-4000-8000-00000000000c 00000000-0000-4000-8000-0000000000ff
	sessions_of 1 e2
	rollout e3 00000000-0000-4000-8000-00000000000d 00000000-0000-4000-8000-00000000000e
	rollout e3 00000000-0000-4000-8000-00000000000e 00000000-0000-4000-8000-00000000000d
	sessions_of 1 e3
	grep -c '"agent_id"' "$T/out" | grep -qx 1 || fail "a cycle of two rollouts: not one joined to the other"
	rollout e4 00000000-0000-4000-8000-000000000100 -
	for ((i = 1; i <= 12; i++)); do
		rollout e4 "$(printf '00000000-0000-4000-8000-%012d' $((100 + i)))" "$(printf '00000000-0000-4000-8000-%012d' $((99 + i)))"
	done
	sessions_of 2 e4
	[ "$READ" -eq 39 ] || fail "a chain of 13 rollouts: $READ records read, expected 39"
	# outside YYYY/MM/DD only the rollouts beside a file are looked at
	rollout e5 00000000-0000-4000-8000-0000000000f0 -
	rollout e5/2026 00000000-0000-4000-8000-0000000000f1 00000000-0000-4000-8000-0000000000f0
	sessions_of 2 e5/rollout-*f0.jsonl e5/2026/rollout-*f1.jsonl
}
part "codex sub-agent edges" codex_edges
part "anonymize keeps the claude-code layout" anonymize projects cc
part "anonymize keeps the codex layout" anonymize sessions cx
part "to-eval" to_eval
finish
