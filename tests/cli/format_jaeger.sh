#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Jaeger query-API JSON (docs/FORMATS.md#jaeger): 200 synthetic sessions from
# tests/tools/gen_corpus.py (one {"data": [...]} envelope, one trace per turn)
# must match the ground truth exactly (check_truth.py --extra: sessions,
# turns, prompts, llm_calls and errors, tool_calls, tokens, outputs,
# models, latencies, tool names, success, times), validate against the
# schema, with --stats counts that add up and nothing rejected.  The format
# is detected; a .gz of the file, standard input and --from jaeger give the
# same sessions; --events keeps every span; the real Jaeger fixtures read.
# The sessions interleave over two hours, longer than the default --gap:
# a session's turns (separate traces) must still come out as one session.
. "$(dirname "$0")/lib.sh"

N=200

gen jaeger "$N" jaeger.json --truth truth.json

# clean_run OUT ARGS...: televal-filter --stats ARGS... exits 0, rejects
# nothing, warns of nothing, and writes OUT
clean_run() {
	local out=$1
	shift
	expect_filter 0 --stats "$@"
	check_stats
	[ "$REJECTED" -eq 0 ] || fail "televal-filter $*: $REJECTED records rejected"
	[ "$WRITTEN" -eq "$(lines "$T/out")" ] ||
		fail "televal-filter $*: --stats says $WRITTEN written, got $(lines "$T/out") lines"
	stderr_lacks 'warning'
	mv "$T/out" "$out"
}

truth() {
	clean_run detected.jsonl jaeger.json
	[ "$WRITTEN" -eq "$N" ] || fail "$WRITTEN sessions written, expected $N"
	"$PY" "$CHECK_TRUTH" --extra detected.jsonl truth.json >truth.log || {
		sed -n '1,20p' truth.log >&2
		fail "the output differs from the ground truth"
	}
	check_schema detected.jsonl
	grep -q '"source":{"format":"jaeger","service":"gemini-cli"' detected.jsonl ||
		fail "source.format/service are not jaeger/gemini-cli"
}

same_ways() {
	clean_run forced.jsonl --from jaeger jaeger.json
	same detected.jsonl forced.jsonl "--from jaeger"
	gzip -c jaeger.json >jaeger.json.gz
	clean_run gz.jsonl jaeger.json.gz
	no_file_names detected.jsonl >a.nofile
	no_file_names gz.jsonl >b.nofile
	same a.nofile b.nofile ".gz input"
	clean_run stdin.jsonl - <jaeger.json.gz
	no_file_names stdin.jsonl >c.nofile
	same a.nofile c.nofile "gzip on standard input"
}

events() {
	clean_run events.jsonl --events jaeger.json
	check_schema events.jsonl
	"$PY" - events.jsonl "$READ" <<'PYEOF' || fail "--events does not keep every span"
import json, sys
n = 0
for line in open(sys.argv[1], encoding="utf-8"):
    for e in json.loads(line)["events"]:
        assert "spanID" in e and "operationName" in e, e
        n += 1
assert n == int(sys.argv[2]), (n, sys.argv[2])
PYEOF
}

reference() {
	local dir="$SHARED/reference/jaeger-json"

	if [ -z "$SHARED" ] || [ ! -r "$dir/ui_01.json" ]; then
		note "SKIP reference: $dir is not there"
		return 0
	fi
	clean_run ui.jsonl "$dir/ui_01.json"
	[ "$READ" -eq 5 ] && [ "$WRITTEN" -eq 1 ] || fail "ui_01.json: $READ spans, $WRITTEN sessions"
	grep -q '"id":"0000000000000001","source":{"format":"jaeger","service":"service-x"' ui.jsonl ||
		fail "ui_01.json: not the session of trace 0000000000000001"
	clean_run out.jsonl "$dir/otlp2jaeger-out.json"
	[ "$READ" -eq 2 ] && [ "$WRITTEN" -eq 1 ] ||
		fail "otlp2jaeger-out.json: $READ spans, $WRITTEN sessions"
	check_schema ui.jsonl out.jsonl
}

hostile() {
	# a document truncated in the middle: one stretch is rejected, up to the
	# next closing brace in column 0 (the end of the next document); the
	# document after that is read whole
	{ head -c 100000 jaeger.json; printf '\n'; cat jaeger.json jaeger.json; } >broken.json
	expect_filter 1 --stats --from jaeger broken.json
	mv "$T/out" broken.jsonl
	check_stats
	[ "$REJECTED" -eq 1 ] || fail "truncated document: $REJECTED rejected, expected 1"
	stderr_has '^televal-filter: broken\.json:1: truncated JSON value \(lines 1-[0-9]+\)$'
	"$PY" "$CHECK_TRUTH" --extra broken.jsonl truth.json >broken.log || {
		sed -n '1,20p' broken.log >&2
		fail "the document after a truncated one is not read whole"
	}
	printf '' >empty.json
	expect_filter 0 --stats --from jaeger empty.json
	check_stats
	[ "$READ" -eq 0 ] || fail "an empty file has records"
}

part "ground truth" truth
part "gz, stdin, --from" same_ways
part "--events" events
part "reference fixtures" reference
part "hostile input" hostile
finish
