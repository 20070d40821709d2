#!/bin/bash
# SPDX-License-Identifier: MIT
#
# anyclaude telemetry (docs/FORMATS.md#anyclaude): a directory of 200
# session-<id>-metrics.jsonl files from tests/tools/gen_corpus.py, given as a
# directory, must match the ground truth exactly (check_truth_anyclaude.py:
# sessions keyed by the truth's anyclaude_id, one turn, no prompt, every
# llm_call's time, latency, status, tokens, cache_hit and error, models, no
# tool_calls), validate against the schema, with --stats counts that add up
# and nothing rejected or warned.  The same files gzipped give the same
# sessions; session-<id>-summary.json files beside them are each one
# skipped record, checked against their metrics: no warning when they
# agree, a warning naming the session when not.
. "$(dirname "$0")/lib.sh"

N=200
CHECK_ANY="$SRC/tests/tools/check_truth_anyclaude.py"

gen anyclaude "$N" telemetry --truth truth.json --seed 1

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
	clean_run dir.jsonl telemetry
	[ "$WRITTEN" -eq "$N" ] || fail "$WRITTEN sessions written, expected $N"
	[ "$READ" -eq "$(cat telemetry/*.jsonl | wc -l)" ] || fail "not one record per line"
	"$PY" "$CHECK_ANY" --seed 1 dir.jsonl truth.json >truth.log || {
		sed -n '1,20p' truth.log >&2
		fail "the output differs from the ground truth"
	}
	check_schema dir.jsonl
	grep -q '"metadata":{"provider":"vllm-mlx"}' dir.jsonl || fail "no metadata.provider"
}

same_ways() {
	local f

	mkdir gz
	for f in telemetry/*; do
		gzip -c "$f" >"gz/$(basename "$f").gz"
	done
	clean_run gz.jsonl gz
	no_file_names dir.jsonl >a.nofile
	no_file_names gz.jsonl >b.nofile
	same a.nofile b.nofile ".gz files"
	f=$(ls telemetry | head -n 1)
	clean_run forced.jsonl --from anyclaude "telemetry/$f"
	clean_run one.jsonl "telemetry/$f"
	same forced.jsonl one.jsonl "--from anyclaude"
	[ "$(lines one.jsonl)" -eq 1 ] || fail "one metrics file, not one session"
}

# summaries FILE...: write each metrics file's SessionSummary beside it, as
# anyclaude does (JSON.stringify(summary, null, 2))
summaries() {
	"$PY" - "$@" <<'PYEOF'
import json, os, sys
for f in sys.argv[1:]:
    ms = [json.loads(l) for l in open(f, encoding="utf-8")]
    lat = sorted(m["latency_ms"] for m in ms if m["status"] == "success") or [0]
    s = {"session_id": os.path.basename(f)[len("session-"):-len("-metrics.jsonl")],
         "start_time": ms[0]["timestamp"], "end_time": ms[-1]["timestamp"], "duration_ms": 1,
         "total_requests": len(ms),
         "successful_requests": sum(m["status"] == "success" for m in ms),
         "failed_requests": sum(m["status"] == "error" for m in ms),
         "timeout_requests": sum(m["status"] == "timeout" for m in ms),
         "total_latency_ms": sum(lat), "avg_latency_ms": sum(lat) / len(lat),
         "min_latency_ms": lat[0], "max_latency_ms": lat[-1], "p50_latency_ms": lat[0],
         "p95_latency_ms": lat[-1], "p99_latency_ms": lat[-1],
         "cache_hits": sum(m["cache_hit"] for m in ms), "cache_hit_rate": 0,
         "total_input_tokens": sum(m["message_tokens"] for m in ms),
         "total_output_tokens": sum(m["response_tokens"] for m in ms),
         "total_tool_calls": sum(m["tool_calls_made"] for m in ms),
         "models_used": sorted({m["model"] for m in ms}),
         "providers_used": sorted({m["provider"] for m in ms})}
    with open(f.replace("-metrics.jsonl", "-summary.json"), "w", encoding="utf-8") as o:
        json.dump(s, o, indent=2)
PYEOF
}

with_summaries() {
	local f sid

	summaries telemetry/*-metrics.jsonl
	clean_run sum.jsonl telemetry
	[ "$SKIPPED" -eq "$N" ] || fail "$SKIPPED records skipped, expected $N summaries"
	same dir.jsonl sum.jsonl "summaries beside the metrics"
	# a summary alone: detected, skipped, no session
	f=$(ls telemetry/*-summary.json | head -n 1)
	clean_run alone.jsonl "$f"
	[ "$READ" -eq 1 ] && [ "$SKIPPED" -eq 1 ] && [ "$WRITTEN" -eq 0 ] ||
		fail "a summary alone: read $READ, skipped $SKIPPED, written $WRITTEN"
	# a summary that disagrees: warned about, nothing else changes
	sid=$(basename "$f" -summary.json)
	sid=${sid#session-}
	sed -i 's/"total_requests": [0-9]*/"total_requests": 999/' "$f"
	expect_filter 0 --stats telemetry
	check_stats
	[ "$REJECTED" -eq 0 ] && [ "$SKIPPED" -eq "$N" ] || fail "a bad summary changed the counts"
	same dir.jsonl "$T/out" "a disagreeing summary"
	stderr_has "^televal-filter: warning: $(ere_quote "$f"):1: session $(ere_quote "$sid"): summary and metrics disagree: total_requests 999 in the summary, [0-9]+ in the metrics\$"
	[ "$(grep -c warning "$T/err")" -eq 1 ] || fail "not exactly one warning"
	rm telemetry/*-summary.json
}

damaged() {
	local f

	f=$(ls telemetry | head -n 1)
	cp "telemetry/$f" "$f"
	printf '{"request_id":"x","status":"maybe"}\nnot json\n' >>"$f"
	cat "telemetry/$f" >>"$f"
	expect_filter 1 --stats "$f"
	check_stats
	[ "$REJECTED" -eq 2 ] || fail "damaged metrics: $REJECTED rejected, expected 2"
	[ "$WRITTEN" -eq 1 ] || fail "damaged metrics: $WRITTEN sessions, expected 1"
	stderr_has "^televal-filter: $(ere_quote "$f"):$(( $(lines "telemetry/$f") + 1 )): status is not success, error or timeout\$"
	stderr_has "^televal-filter: $(ere_quote "$f"):$(( $(lines "telemetry/$f") + 2 )): invalid JSON"
}

part "ground truth" truth
part "gz, --from" same_ways
part "summaries" with_summaries
part "damaged metrics" damaged
finish
