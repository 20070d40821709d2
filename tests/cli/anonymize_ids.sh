#!/bin/bash
# SPDX-License-Identifier: MIT
#
# --scrub-ids pseudonymizes every id a reader joins records by, and the ids
# that refer to it, alike: a tool result still finds its call (Claude Code's
# tool_use_id, Codex's call_id), a span its parent, a sub-agent its parent
# session.  So on every example and on generated corpora of every format,
# the output reads into sessions of the same shape (turns, LLM calls, tool
# calls and which of them have a result) with the same records used and
# skipped; and no id of the input is left in the output's ids, also where
# a reader takes them from file names (anyclaude's session-<id>-metrics.jsonl,
# Claude Code's <uuid>.jsonl and agent-<id>.jsonl, Codex's rollouts, a
# trace saved as <trace id>.json, a Codex sub-agent's parent_thread_id).
. "$(dirname "$0")/lib.sh"

ANON=${TELEVAL_ANONYMIZE:?TELEVAL_ANONYMIZE is not set (run the tests with meson test)}
printf 'a key' >key

# shape FILE: the sessions of canonical FILE without their ids, one line each
shape() {
	"$PY" - "$1" <<'EOF'
import json, sys
rows = []
for line in open(sys.argv[1], encoding="utf-8"):
    s = json.loads(line)
    turns = []
    for t in s["turns"]:
        tools = t["tool_calls"]
        done = sum(1 for c in tools if c.get("output") is not None or c.get("success") is not None)
        turns.append([len(t["llm_calls"]), len(tools), done])
    rows.append(json.dumps([s["start_time"], s["duration_ms"], turns, len(s["events"])]))
print("\n".join(sorted(rows)))
EOF
}

# records ERRFILE: the --stats records line
records() {
	grep '^televal-filter: records:' "$1" || fail "no --stats records line in $1"
}

# same_shape INPUT [names]: anonymize --scrub-ids INPUT, read both, compare;
# "names" when the session ids come from the file names, which are kept
same_shape() {
	local in=$1 out=$T/ids.out
	rm -rf "$out" "$out.d"
	if [ -d "$in" ]; then
		mkdir "$out.d"
		out=$out.d/
	fi
	expect_exit 0 "$ANON" --key-file key --scrub-ids -o "$out" "$in"
	[ -d "$in" ] && out=$T/ids.out.d
	run_filter --stats "$in"
	[ "$RC" -eq 0 ] || fail "$in: televal-filter exits $RC"
	mv "$T/out" ids.in.sessions
	records "$T/err" >ids.in.records
	run_filter --stats "$out"
	[ "$RC" -eq 0 ] || { sed -n 1,5p "$T/err" >&2; fail "$in: televal-filter exits $RC on the output"; }
	mv "$T/out" ids.out.sessions
	records "$T/err" >ids.out.records
	same ids.in.records ids.out.records "the records of $in and of its --scrub-ids output"
	shape ids.in.sessions >ids.in.shape
	shape ids.out.sessions >ids.out.shape
	cmp -s ids.in.shape ids.out.shape || {
		diff ids.in.shape ids.out.shape | sed -n 1,8p >&2
		fail "$in: the --scrub-ids output reads into other sessions"
	}
	[ -s ids.in.shape ] || fail "$in: no sessions"
	# the ids themselves are gone
	[ "${2:-}" = names ] && return 0
	"$PY" - ids.in.sessions ids.out.sessions <<'EOF' || fail "$in: an id survived --scrub-ids"
import json, sys
ids = lambda f: {json.loads(l)["id"] for l in open(f, encoding="utf-8")}
kept = ids(sys.argv[1]) & ids(sys.argv[2])
if kept:
    sys.exit("kept: %s" % sorted(kept)[:3])
EOF
}

examples() {
	local f
	# the examples, not what make demo wrote beside them (examples/out)
	for f in $(find "$SRC/examples" -type f ! -name Makefile ! -name demo.sh ! -name '*.yaml' \
		! -path '*/anyclaude/*' ! -path '*/claude-code/*' ! -path '*/codex/*' \
		! -path "$SRC/examples/out/*" | sort); do
		same_shape "$f"
	done
	# trees whose files are read together (sub-agents, summaries)
	same_shape "$SRC/examples/anyclaude"
	same_shape "$SRC/examples/claude-code"
	same_shape "$SRC/examples/codex"
}
part examples examples

corpora() {
	local fmt o
	for fmt in gemini-outfile gemini-collector-log otlp-logs otlp-traces jaeger waza pylog qwen-outfile; do
		o=gen.$fmt.txt
		gen "$fmt" 8 "$o" --pii-rate 0 --seed 5
		same_shape "$o"
	done
	# Codex sub-agents name their parent (parent_thread_id) in rollouts of their own
	gen codex 40 gen.codex --pii-rate 0 --seed 5
	grep -rq '"parent_thread_id"' gen.codex || fail "no codex sub-agent in the corpus"
	same_shape gen.codex
	grep -rhq '"parent_thread_id": *"<ID:' "$T/ids.out.d" || fail "a sub-agent's parent id was kept"
}
part corpora corpora

# the shapes of the joins, written small: a Claude Code tool result names
# its call by tool_use_id, a Codex output by call_id, a console span its
# parent by parent_id
joins() {
	mkdir -p cc
	cat >cc/s.jsonl <<'EOF'
{"type":"user","sessionId":"sess-7","uuid":"u-1","parentUuid":null,"timestamp":"2026-02-10T10:00:00.000Z","message":{"role":"user","content":"list files"}}
{"type":"assistant","sessionId":"sess-7","uuid":"a-1","parentUuid":"u-1","requestId":"req_1","timestamp":"2026-02-10T10:00:01.000Z","message":{"id":"msg_1","role":"assistant","model":"claude-sonnet-4","content":[{"type":"tool_use","id":"toolu_9","name":"Bash","input":{"command":"ls"}}],"usage":{"input_tokens":10,"output_tokens":5}}}
{"type":"user","sessionId":"sess-7","uuid":"u-2","parentUuid":"a-1","timestamp":"2026-02-10T10:00:02.000Z","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_9","content":"a b"}]}}
EOF
	same_shape cc/s.jsonl
	grep -q '"tool_use_id":"toolu_9"' cc/s.jsonl || fail "the Claude Code file was not made"
	grep -q 'toolu_9' "$T/ids.out" && fail "tool_use_id survived --scrub-ids"
	"$PY" - "$T/ids.out" <<'EOF' || fail "the tool result does not name its call's new id"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
use = recs[1]["message"]["content"][0]["id"]
res = recs[2]["message"]["content"][0]["tool_use_id"]
sys.exit(0 if use == res and use.startswith("<ID:") else "%s != %s" % (use, res))
EOF
}
part joins joins
# a Claude Code project whose session is named by its UUID, with a
# sub-agent in <uuid>/subagents/agent-<id>.jsonl: renamed alike, still joined
uuid_names() {
	local id=5f0c2a8e-1b7d-4c3e-9a6f-2d8e4b1c7a90 p=uu/-home-dev-proj
	mkdir -p "$p/$id/subagents"
	sed "s/\"s-1\"/\"$id\"/g" "$SRC/examples/claude-code/-home-ana-proj/s-1.jsonl" >"$p/$id.jsonl"
	sed "s/\"s-1\"/\"$id\"/g" "$SRC/examples/claude-code/-home-ana-proj/s-1/subagents/agent-a77.jsonl" \
		>"$p/$id/subagents/agent-a77.jsonl"
	grep -q "$id" "$p/$id/subagents/agent-a77.jsonl" || fail "the sub-agent file was not made"
	same_shape uu
	find "$T/ids.out.d" | grep -q -e "$id" -e 'agent-a77' && { find "$T/ids.out.d" >&2; fail "an id survived in a file name"; }
	[ "$(find "$T/ids.out.d" -path '*/subagents/agent-<ID:*>.jsonl' | wc -l)" -eq 1 ] ||
		{ find "$T/ids.out.d" >&2; fail "the sub-agent file was not renamed alike"; }
	return 0
}
part uuid-names uuid_names
# a trace saved under its trace id (Jaeger's download, <trace id>.json):
# the name gets the pseudonym the records give that id; a run of decimal
# digits (a time) and a short hex word stay
hex_names() {
	local id=07ac5fed4b6ea010bea4256e36c2a4c7 new
	mkdir -p hx
	cp "$SRC/examples/jaeger/traces.json" "hx/$id.json"
	cp "$SRC/examples/jaeger/traces.json" "hx/export-1735689600000000000-cafe.json"
	same_shape hx
	find "$T/ids.out.d" | grep -q "$id" && { find "$T/ids.out.d" >&2; fail "a trace id survived in a file name"; }
	[ -f "$T/ids.out.d/export-1735689600000000000-cafe.json" ] ||
		{ find "$T/ids.out.d" >&2; fail "a time or a short hex word in a name was taken for an id"; }
	new=$(cd "$T/ids.out.d" && ls | grep -v '^export-')
	new=${new%.json}
	grep -qF "\"traceID\": \"$new\"" "$T/ids.out.d/$new.json" ||
		fail "the name ($new) is not the pseudonym the records give the trace id"
}
part hex-names hex_names
finish
