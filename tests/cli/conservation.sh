#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Conservation, for every tool and every input format: nothing is lost
# without being counted, and the counts say so.
#
# For each format, a small corpus from tests/tools/gen_corpus.py (with its
# ground truth), then the same corpus with records injected that must be
# skipped or rejected (a line that is no JSON, a truncated last record, an
# unknown event, a metric record: what the format can hold).  On both:
#
#   - every tool's --stats: records read = used + skipped + rejected, the
#     `skipped:` kinds add up to skipped, and filter, to-eval and aggregate
#     count the same records (aggregate's JSON report too);
#   - the injected corpus reads exactly the injected records more, uses the
#     same records, and skips and rejects the ones expected;
#   - sessions read = written + filtered (filter, also under --where and
#     --sample), = tasks + no prompt + failed + skipped by the template
#     (to-eval), = aggregated + filtered (aggregate); sessions read is the
#     truth's count, --where 'turns > 1' selects the truth's count, and
#     written is what the output holds;
#   - televal-anonymize: records read = written + rejected, the injected
#     rejections rejected, and each type's --report count is the number of
#     its placeholders in the output (tests/tools/check_placeholders.py);
#     with --to canonical, the records filter counts and sessions read =
#     written + rejected.
. "$(dirname "$0")/lib.sh"

TO_EVAL=${TELEVAL_TO_EVAL:?TELEVAL_TO_EVAL is not set (run the tests with meson test)}
ANON=${TELEVAL_ANONYMIZE:?TELEVAL_ANONYMIZE is not set (run the tests with meson test)}
AGG=${TELEVAL_AGGREGATE:?TELEVAL_AGGREGATE is not set (run the tests with meson test)}
CHECK_PLACEHOLDERS="$SRC/tests/tools/check_placeholders.py"
export TELEVAL_KEY=00112233445566778899aabbccddeeff
N=6

# counts PROG WHAT FILE: the numbers on the one `PROG: WHAT: ...` line of FILE
counts() {
	local line
	line=$(grep -E "^$1: $2: " "$3" || true)
	[ -n "$line" ] || { sed -n '1,20p' "$3" >&2; fail "$1: no '$2:' line"; }
	[ "$(printf '%s\n' "$line" | wc -l)" -eq 1 ] || fail "$1: more than one '$2:' line"
	printf '%s\n' "${line#"$1: $2: "}" | sed 's/[^0-9][^0-9]*/ /g; s/^ //; s/ $//'
}

# run CMD...: CMD's stdout in $T/out, stderr in $T/err, exit status in RC;
# fails on a crash only (the status is checked against the counts)
run() {
	RC=0
	"$@" >"$T/out" 2>"$T/err" || RC=$?
	check_no_crash "$RC" "$T/err" "$*"
}

# status_ok WHAT REJECTED: exit status 1 when records were rejected, else 0
status_ok() {
	local want=0
	[ "$2" -eq 0 ] || want=1
	[ "$RC" -eq "$want" ] || { sed -n '1,20p' "$T/err" >&2; fail "$1: exit status $RC, expected $want"; }
}

# records PROG FILE: check the records line of PROG's --stats in FILE (read =
# used + skipped + rejected, the skipped kinds add up) and print
# "READ USED SKIPPED REJECTED"
records() {
	local r u s j kinds
	read -r r u s j <<<"$(counts "$1" records "$2")"
	[ "$r" -eq $((u + s + j)) ] || fail "$1: records: read $r != used $u + skipped $s + rejected $j"
	kinds=$(sed -n "s/^$1: skipped: //p" "$2" | tr ',' '\n' | awk '{ n += $1 } END { print n + 0 }')
	[ "$kinds" -eq "$s" ] || fail "$1: the skipped kinds add up to $kinds, not $s"
	echo "$r $u $s $j"
}

# truth_count TRUTH: the sessions in the truth (Python logs: one per LLM
# call, see tests/tools/check_truth_pylog.py)
truth_count() {
	"$PY" -c 'import json, sys
t = json.load(open(sys.argv[1]))["sessions"]
print(sum(s["llm_calls"] for s in t) if sys.argv[2] == "pylog" else len(t))' "$1" "$FMT"
}

# more_than_one_turn FILE: the canonical sessions in FILE with more than one
# turn; with the truth's turns too where the format has them all
more_than_one_turn() {
	"$PY" -c 'import json, sys
print(sum(len(json.loads(l)["turns"]) > 1 for l in open(sys.argv[1])))' "$1"
}
truth_more_than_one_turn() {
	"$PY" -c 'import json, sys
print(sum(s["turns"] > 1 for s in json.load(open(sys.argv[1]))["sessions"]))' "$1"
}

# filter_run NAME INPUT SESSIONS [ARGS...]: filter with --stats; check its
# counts; WRITTEN and FILTERED for the caller, REC the records line
filter_run() {
	local name=$1 in=$2 want=$3 sr
	shift 3
	run "$FILTER" --stats "$@" "$in"
	REC=$(records televal-filter "$T/err")
	status_ok "$name" "${REC##* }"
	mv "$T/out" "$name.out"
	mv "$T/err" "$name.err"
	read -r sr WRITTEN FILTERED <<<"$(counts televal-filter sessions "$name.err")"
	[ "$sr" -eq $((WRITTEN + FILTERED)) ] ||
		fail "$name: sessions: read $sr != written $WRITTEN + filtered $FILTERED"
	[ "$sr" -eq "$want" ] || fail "$name: $sr sessions read, the truth has $want"
	[ "$WRITTEN" -eq "$(lines "$name.out")" ] ||
		fail "$name: --stats says $WRITTEN written, the output has $(lines "$name.out")"
}

# filter_checks NAME INPUT TRUTH: whole, --where, --sample
filter_checks() {
	local name=$1 in=$2 truth=$3 n=$TRUTH_N
	filter_run "$name.filter" "$in" "$n"
	[ "$FILTERED" -eq 0 ] || fail "$name: $FILTERED sessions filtered without a selection"
	FILTER_REC=$REC
	WANT_TURNS=$(more_than_one_turn "$name.filter.out")
	case $FMT in
	*-outfile | *-collector-log | otlp-*)
		[ "$WANT_TURNS" -eq "$(truth_more_than_one_turn "$truth")" ] ||
			fail "$name: $WANT_TURNS sessions of more than one turn, the truth has $(truth_more_than_one_turn "$truth")" ;;
	esac
	filter_run "$name.where" "$in" "$n" --where 'turns > 1'
	[ "$WRITTEN" -eq "$WANT_TURNS" ] ||
		fail "$name: --where 'turns > 1' wrote $WRITTEN, $WANT_TURNS have more than one turn"
	[ "$REC" = "$FILTER_REC" ] || fail "$name: --where changed the records line"
	filter_run "$name.sample" "$in" "$n" --sample 0.5
	[ "$REC" = "$FILTER_REC" ] || fail "$name: --sample changed the records line"
}

# to_eval_checks NAME INPUT TRUTH: the units line, tasks = what is written
to_eval_checks() {
	local name=$1 in=$2 truth=$3 rec n tasks np failed sk
	run "$TO_EVAL" -f openai-evals --stats "$in"
	rec=$(records televal-to-eval "$T/err")
	status_ok "$name: to-eval" "${rec##* }"
	[ "$rec" = "$FILTER_REC" ] || fail "$name: to-eval counts records '$rec', filter '$FILTER_REC'"
	read -r n tasks np failed sk <<<"$(counts televal-to-eval sessions "$T/err")"
	[ "$n" -eq $((tasks + np + failed + sk)) ] ||
		fail "$name: to-eval: sessions: read $n != $tasks + $np + $failed + $sk"
	[ "$n" -eq "$TRUTH_N" ] || fail "$name: to-eval read $n sessions, the truth has $TRUTH_N"
	[ "$tasks" -eq "$(lines "$T/out")" ] || fail "$name: to-eval: $tasks tasks, $(lines "$T/out") written"
}

# aggregate_checks NAME INPUT TRUTH: --stats and the JSON report's input
aggregate_checks() {
	local name=$1 in=$2 truth=$3 rec n sel filt js
	run "$AGG" --stats --format json -o "$name.agg.json" "$in"
	rec=$(records televal-aggregate "$T/err")
	status_ok "$name: aggregate" "${rec##* }"
	[ "$rec" = "$FILTER_REC" ] || fail "$name: aggregate counts records '$rec', filter '$FILTER_REC'"
	read -r n sel filt <<<"$(counts televal-aggregate sessions "$T/err")"
	[ "$n" -eq $((sel + filt)) ] || fail "$name: aggregate: sessions: read $n != $sel + $filt"
	[ "$n" -eq "$TRUTH_N" ] || fail "$name: aggregate read $n sessions, the truth has $TRUTH_N"
	js=$("$PY" -c 'import json, sys
i = json.load(open(sys.argv[1]))["input"]
print(i["records_read"], i["records_used"], i["records_skipped"], i["records_rejected"],
      i["sessions"], i["aggregated"])' "$name.agg.json")
	[ "$js" = "$rec $n $sel" ] || fail "$name: the JSON report's input says '$js', --stats '$rec $n $sel'"
	run "$AGG" --stats --where 'turns > 1' -o /dev/null "$in"
	read -r n sel filt <<<"$(counts televal-aggregate sessions "$T/err")"
	[ "$sel" -eq "$WANT_TURNS" ] || fail "$name: aggregate --where selected $sel, not $WANT_TURNS"
	[ "$n" -eq $((sel + filt)) ] || fail "$name: aggregate --where: read $n != $sel + $filt"
}

# anon_checks NAME INPUT OUTPUT: records, placeholders = --report;
# ANON_REC "READ REJECTED" for the caller
anon_checks() {
	local name=$1 in=$2 out=$3 r w j
	rm -rf "$out"
	run "$ANON" --stats --report -o "$out" "$in"
	cp "$T/err" "$name.anon.err"
	read -r r w j <<<"$(counts televal-anonymize records "$name.anon.err")"
	status_ok "$name: anonymize" "$j"
	[ "$r" -eq $((w + j)) ] || fail "$name: anonymize: records: read $r != written $w + rejected $j"
	"$PY" "$CHECK_PLACEHOLDERS" "$out" "$name.anon.err" "$in" >"$name.ph" 2>&1 || {
		cat "$name.ph" >&2
		fail "$name: --report and the placeholders in the output differ"
	}
	ANON_REC="$r $j"
}

# anon_canonical_checks NAME INPUT: --to canonical reads as filter does
anon_canonical_checks() {
	local name=$1 in=$2 rec n w j
	run "$ANON" --to canonical --stats "$in"
	rec=$(records televal-anonymize "$T/err")
	status_ok "$name: anonymize --to canonical" "${rec##* }"
	[ "$rec" = "$FILTER_REC" ] ||
		fail "$name: anonymize --to canonical counts records '$rec', filter '$FILTER_REC'"
	read -r n w j <<<"$(counts televal-anonymize sessions "$T/err")"
	[ "$n" -eq $((w + j)) ] || fail "$name: anonymize --to canonical: sessions: read $n != $w + $j"
	[ "$n" -eq "$TRUTH_N" ] || fail "$name: anonymize --to canonical read $n sessions"
	[ "$w" -eq "$(lines "$T/out")" ] || fail "$name: anonymize --to canonical: $w written, $(lines "$T/out") in the output"
}

# every tool on INPUT; sets FILTER_REC, ANON_REC
all_tools() {
	local name=$1 in=$2 truth=$3 out=$4
	filter_checks "$name" "$in" "$truth"
	to_eval_checks "$name" "$in" "$truth"
	aggregate_checks "$name" "$in" "$truth"
	anon_checks "$name" "$in" "$out"
	anon_canonical_checks "$name" "$in"
}

# ---- what each format can be given that must not be used ----

NOT_JSON='this is not JSON'
# a metric export and an event no reader knows, as OTLP/JSON lines
OTLP_METRIC='{"resourceMetrics":[{"resource":{"attributes":[]},"scopeMetrics":[{"metrics":[{"name":"gemini_cli.session.count","sum":{"dataPoints":[{"asInt":"1"}]}}]}]}]}'
OTLP_UNKNOWN='{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"gemini-cli"}}]},"scopeLogs":[{"logRecords":[{"timeUnixNano":"1751360404000000000","body":{"stringValue":"x"},"attributes":[{"key":"session.id","value":{"stringValue":"s-unknown"}},{"key":"event.name","value":{"stringValue":"gemini_cli.never_heard_of"}}]}]}]}]}'

# collector_batch gemini|qwen: a debug exporter batch of one unknown event,
# then the header of a metrics batch
collector_batch() {
	local prefix=gemini_cli service=gemini-cli tab
	tab=$(printf '\t')
	[ "$1" = gemini ] || { prefix=qwen-code; service=qwen-code; }
	cat <<EOF
2025-07-01T09:59:00.000+0000${tab}info${tab}Logs${tab}{"otelcol.component.id": "debug", "otelcol.component.kind": "exporter", "otelcol.signal": "logs", "resource logs": 1, "log records": 1}
2025-07-01T09:59:00.000+0000${tab}info${tab}ResourceLog #0
Resource SchemaURL: 
Resource attributes:
     -> service.name: Str($service)
ScopeLogs #0
ScopeLogs SchemaURL: 
InstrumentationScope $service 
LogRecord #0
ObservedTimestamp: 2025-07-01 09:59:00 +0000 UTC
Timestamp: 2025-07-01 09:59:00 +0000 UTC
SeverityText: 
SeverityNumber: Unspecified(0)
Body: Str(x)
Attributes:
     -> session.id: Str(s-unknown)
     -> event.name: Str($prefix.never_heard_of)
Trace ID: 
Span ID: 
Flags: 0
${tab}{"otelcol.component.id": "debug", "otelcol.component.kind": "exporter", "otelcol.signal": "logs"}
2025-07-01T09:59:01.000+0000${tab}info${tab}Metrics${tab}{"otelcol.component.id": "debug", "otelcol.component.kind": "exporter", "otelcol.signal": "metrics", "resource metrics": 1, "metrics": 1, "data points": 1}
EOF
}

# truncate FILE: the first 40 bytes of FILE's first line, with no newline
truncated() {
	head -n 1 "$1" | cut -c 1-40 | tr -d '\n'
}

# inject FORMAT CLEAN INJECTED: write INJECTED; print what the reader must
# make of the injected records ("SKIPPED REJECTED") and anonymize ("READ
# REJECTED": its records, lines or JSON values)
inject() {
	local fmt=$1 in=$2 out=$3 f
	case $fmt in
	otlp-logs)
		{ cat "$in"; printf '%s\n%s\n%s\n' "$NOT_JSON" "$OTLP_METRIC" "$OTLP_UNKNOWN"; truncated "$in"; } >"$out"
		echo "2 2 4 2" ;;
	otlp-traces)
		{ cat "$in"; printf '%s\n%s\n' "$NOT_JSON" "$OTLP_METRIC"; truncated "$in"; } >"$out"
		echo "1 2 3 2" ;;
	*-outfile)
		{
			cat "$in"
			printf '{\n  "hrTime": [1751360404, 0],\n  "attributes": {"session.id": "s-unknown", "event.name": "%s.never_heard_of"},\n  "body": "x"\n}\n' "${fmt%-outfile}"
			printf '{"descriptor": {"name": "gemini_cli.tool.call.count"}, "dataPoints": []}\n%s\n{\n  "hrTime": [\n    17513' "$NOT_JSON"
		} >"$out"
		echo "2 2 4 2" ;;
	*-collector-log)
		# a batch of one event no reader knows (skipped, with its batch
		# header and trailer), a metrics batch header (a collector line),
		# and a line that belongs to no part of the debug exporter's output
		# (rejected by the reader; anonymize scrubs every line as text)
		{ cat "$in"; collector_batch "${fmt%-collector-log}"; printf '%s\n' "$NOT_JSON"; } >"$out"
		echo "4 1 23 0" ;;
	pylog)
		{
			cat "$in"
			printf '2025-07-01 09:00:09,002 - app.telemetry - INFO - {"event": "query_start", "query_id": "x-1", "query_pre\n'
			printf '2025-07-01 09:00:09,003 - app.telemetry - INFO - %s\n' "$NOT_JSON"
		} >"$out"
		echo "1 1 2 1" ;;
	canonical | claude-code | codex | anyclaude)
		cp -r "$in" "$out"
		f=$out
		[ -d "$out" ] && f=$(find "$out" -type f -name '*.jsonl' | sort | head -n 1)
		case $fmt in
		claude-code) printf '{"type": "never_heard_of", "sessionId": "x", "uuid": "u-x", "timestamp": "2025-07-01T09:00:04.000Z"}\n' >>"$f" ;;
		codex) printf '{"timestamp": "2025-07-01T09:00:04.000Z", "type": "never_heard_of", "payload": {}}\n' >>"$f" ;;
		esac
		{ printf '%s\n' "$NOT_JSON"; truncated "$f"; } >>"$f"
		case $fmt in
		claude-code | codex) echo "1 2 3 2" ;;
		*) echo "0 2 2 2" ;;
		esac ;;
	*)
		# one JSON document (waza, jaeger) or a database (llama-stack):
		# nothing to inject that would not make the whole input unreadable
		echo "" ;;
	esac
}

# one FORMAT: the clean corpus, then the injected one
one_format() {
	local fmt=$1 in=in.$fmt out=anon.$fmt ks kj ka kaj clean_rec clean_anon r u s j
	case $fmt in
	claude-code | codex | anyclaude)
		gen "$fmt" "$N" "$in" --truth "$fmt.truth"
		out=anon.$fmt/ ;;
	llama-stack)
		in=in.$fmt.db
		gen "$fmt" "$N" "$in" --truth "$fmt.truth"
		out=anon.$fmt.db ;;
	canonical)
		gen otlp-logs "$N" in.src --truth "$fmt.truth"
		"$FILTER" in.src >"$in" 2>/dev/null || fail "canonical: televal-filter failed" ;;
	*)
		gen "$fmt" "$N" "$in" --truth "$fmt.truth" ;;
	esac
	TRUTH_N=$(truth_count "$fmt.truth")
	all_tools "$fmt" "$in" "$fmt.truth" "$out"
	clean_rec=$FILTER_REC
	clean_anon=$ANON_REC
	read -r ks kj ka kaj <<<"$(inject "$fmt" "$in" "$in.inj")"
	[ -n "$ks" ] || return 0
	all_tools "$fmt.inj" "$in.inj" "$fmt.truth" "inj.$out"
	read -r r u s j <<<"$clean_rec"
	[ "$FILTER_REC" = "$((r + ks + kj)) $u $((s + ks)) $((j + kj))" ] ||
		fail "$fmt: injected $ks to skip, $kj to reject: records '$FILTER_REC', clean '$clean_rec'"
	read -r r j <<<"$clean_anon"
	[ "$ANON_REC" = "$((r + ka)) $((j + kaj))" ] ||
		fail "$fmt: anonymize: injected $ka, $kaj to reject: '$ANON_REC', clean '$clean_anon'"
}

for fmt in gemini-outfile qwen-outfile gemini-collector-log qwen-collector-log otlp-logs \
	otlp-traces jaeger waza pylog anyclaude claude-code codex llama-stack canonical; do
	note "$fmt"
	FMT=$fmt
	part "$fmt" one_format "$fmt"
done
finish
