#!/bin/bash
# SPDX-License-Identifier: MIT
#
# waza RuntimeCollector exports (docs/FORMATS.md#waza): 200 synthetic sessions from
# tests/tools/gen_corpus.py (one json.dumps(indent=2) export; waza keeps only each
# session's first turn) must match the ground truth exactly
# (check_truth_waza.py: the turn's prompt, output, every llm_call and
# tool_call, skill, user, metadata, times, success and error), validate
# against the schema, with --stats counts that add up (a session and each
# of its events are records), nothing rejected and one warning: the naive
# times are taken as UTC.  The format is detected; a .gz of the file,
# standard input and --from waza give the same sessions; --events keeps
# every event; a damaged export loses only what is damaged.
. "$(dirname "$0")/lib.sh"

N=200
CHECK_WAZA="$SRC/tests/tools/check_truth_waza.py"

gen waza "$N" waza.json --truth truth.json --seed 1

# run_waza OUT ARGS...: televal-filter --stats ARGS... exits 0, rejects
# nothing, warns only of the naive times, once, and writes OUT
run_waza() {
	local out=$1
	shift
	expect_filter 0 --stats "$@"
	check_stats
	[ "$REJECTED" -eq 0 ] || fail "televal-filter $*: $REJECTED records rejected"
	[ "$WRITTEN" -eq "$(lines "$T/out")" ] ||
		fail "televal-filter $*: --stats says $WRITTEN written, got $(lines "$T/out") lines"
	[ "$(grep -c 'warning' "$T/err")" -eq 1 ] || fail "televal-filter $*: not exactly one warning"
	stderr_has '^televal-filter: warning: [^:]*:1: times without a time zone .* are taken as UTC$'
	mv "$T/out" "$out"
}

truth() {
	run_waza detected.jsonl waza.json
	[ "$WRITTEN" -eq "$N" ] || fail "$WRITTEN sessions written, expected $N"
	"$PY" - waza.json "$READ" <<'PYEOF' || fail "records: not one per session and event"
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
assert int(sys.argv[2]) == sum(1 + len(s["events"]) for s in d["sessions"])
PYEOF
	"$PY" "$CHECK_WAZA" --seed 1 detected.jsonl truth.json >truth.log || {
		sed -n '1,20p' truth.log >&2
		fail "the output differs from the ground truth"
	}
	check_schema detected.jsonl
}

same_ways() {
	run_waza forced.jsonl --from waza waza.json
	same detected.jsonl forced.jsonl "--from waza"
	gzip -c waza.json >waza.json.gz
	run_waza gz.jsonl waza.json.gz
	no_file_names detected.jsonl >a.nofile
	no_file_names gz.jsonl >b.nofile
	same a.nofile b.nofile ".gz input"
	run_waza stdin.jsonl - <waza.json
	no_file_names stdin.jsonl >c.nofile
	same a.nofile c.nofile "standard input"
}

events() {
	run_waza events.jsonl --events waza.json
	check_schema events.jsonl
	"$PY" - waza.json events.jsonl <<'PYEOF' || fail "--events does not keep every event in order"
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
want = {s["session_id"]: s["events"] for s in d["sessions"]}
for line in open(sys.argv[2], encoding="utf-8"):
    s = json.loads(line)
    assert s["events"] == want[s["id"]], s["id"]
PYEOF
}

damaged() {
	# one session object and one event broken: each rejected alone
	"$PY" - waza.json damaged.json <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
d["sessions"][3]["start_time"] = "not a time"
d["sessions"][5]["events"][1]["data"] = "not an object"
json.dump(d, open(sys.argv[2], "w", encoding="utf-8"), indent=2)
PYEOF
	expect_filter 1 --stats damaged.json
	check_stats
	[ "$REJECTED" -eq 2 ] || fail "damaged export: $REJECTED rejected, expected 2"
	[ "$WRITTEN" -eq $((N - 1)) ] || fail "damaged export: $WRITTEN sessions, expected $((N - 1))"
	stderr_has '^televal-filter: damaged\.json:1: sessions\[3\]: start_time is not an ISO 8601 time$'
	stderr_has '^televal-filter: damaged\.json:1: sessions\[5\]\.events\[1\]: data is not an object$'
	# truncated: nothing is made up
	head -c 300000 waza.json >truncated.json
	expect_filter 1 --stats truncated.json
	check_stats
	[ "$READ" -eq 1 ] && [ "$REJECTED" -eq 1 ] && [ "$WRITTEN" -eq 0 ] ||
		fail "truncated export: read $READ, rejected $REJECTED, written $WRITTEN"
	stderr_has 'unterminated JSON value'
}

part "ground truth" truth
part "gz, stdin, --from" same_ways
part "--events" events
part "damaged exports" damaged
finish
