#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Bad input never crashes a reader: truncated final records, invalid UTF-8,
# NUL bytes, a 50 MB line, 10,000-deep nesting, wrong types, an empty file,
# CRLF line ends, a UTF-8 BOM -- in canonical JSON Lines, OTLP JSON Lines,
# a telemetry outfile and a collector log.  Each bad record is reported as
# `televal-filter: FILE:LINE: reason` (at the line where the record starts),
# skipped and counted; --stats counts add up; the exit status is 1 when
# anything was rejected; what is written stays valid.  Also: usage errors,
# unknown formats, write errors.
. "$(dirname "$0")/lib.sh"

MB50=$((50 * 1024 * 1024))

# ---- the clean corpora ----
gen otlp-logs 6 otlp.jsonl
gen otlp-traces 6 traces.jsonl
gen gemini-outfile 6 out.json
gen gemini-collector-log 6 coll.log
"$FILTER" otlp.jsonl >canon.jsonl || fail "televal-filter otlp.jsonl failed"
[ "$(lines canon.jsonl)" -eq 6 ] || fail "canon.jsonl: $(lines canon.jsonl) sessions, expected 6"

# ---- mutate.py CASE SRC DST: write a damaged copy, print the expected line(s) ----
cat >mutate.py <<'PYEOF'
import json, re, sys

case, src, dst = sys.argv[1:4]
data = open(src, "rb").read()
L = data.split(b"\n")
if L and L[-1] == b"":
    L.pop()
DEEP = b"[" * 10000 + b"]" * 10000
MB50 = 50 * 1024 * 1024


def out(lines, final_newline=True):
    with open(dst, "wb") as f:
        f.write(b"\n".join(lines) + (b"\n" if final_newline else b""))


def start_of(i, pattern):
    """1-based number of the last line at or before index i matching pattern"""
    while i > 0 and not re.match(pattern, L[i]):
        i -= 1
    return i + 1


def find(pattern, nth=0):
    hits = [i for i, l in enumerate(L) if re.search(pattern, l)]
    return hits[nth]


REC = {"outfile": rb"^\{$", "coll": rb"^(\S.*\t)?LogRecord #"}

# JSON Lines (canonical, OTLP)
if case == "jsonl-trunc":              # the last line cut in half, no newline
    L[-1] = L[-1][: len(L[-1]) // 2]
    out(L, False)
    print(len(L))
elif case in ("jsonl-utf8", "jsonl-nul"):  # bad bytes inside a string of line 3
    bad = b"\xff\xfe\xc3\x28" if case == "jsonl-utf8" else b"\x00"
    L[2] = L[2].replace(b':"', b':"' + bad, 1)
    out(L)
    print(3)
elif case == "jsonl-deep":             # a 10,000-deep array as line 3
    out(L[:2] + [DEEP] + L[2:])
    print(3)
elif case == "canon-types":            # wrong member types, lines 2-8
    muts = ['s["turns"] = "x"', 's["usage"]["input_tokens"] = "12"',
            's["turns"][0]["llm_calls"][0]["status"] = 5', 's["id"] = 7',
            's["start_time"] = "yesterday"', 's["models"] = [1]', 's["success"] = "yes"']
    bad = []
    for m in muts:
        s = json.loads(L[0])
        exec(m)
        bad.append(json.dumps(s, separators=(",", ":")).encode())
    out(L[:1] + bad + L[1:])
    print(" ".join(str(i) for i in range(2, 2 + len(bad))))
elif case == "canon-deepargs":         # valid: a tool call's args nested 10,000 deep
    s = json.loads(L[0])
    s["turns"][0]["tool_calls"] = [{"time": None, "name": "deep", "args": None, "duration_ms": None,
                                    "success": None, "decision": None, "error": None, "type": None}]
    line = json.dumps(s, separators=(",", ":")).encode().replace(b'"args":null', b'"args":' + DEEP, 1)
    out([line] + L[1:])
    print(1)
elif case == "canon-big":              # valid: a 50 MB prompt in line 2
    s = json.loads(L[1])
    s["id"] = "big-session"
    s["turns"][0]["prompt"] = "x" * MB50
    out(L[:1] + [json.dumps(s, separators=(",", ":")).encode()] + L[1:])
    print(2)
elif case == "otlp-types":             # wrong types, lines 2-6
    muts = ['o["resourceLogs"] = 5', 'o["resourceLogs"][0]["scopeLogs"] = {}',
            'r["timeUnixNano"] = True', 'r["attributes"] = "x"',
            'r["attributes"][0]["value"] = {"intValue": "abc"}']
    bad = []
    for m in muts:
        o = json.loads(L[0])
        r = o["resourceLogs"][0]["scopeLogs"][0]["logRecords"][0]
        exec(m)
        bad.append(json.dumps(o, separators=(",", ":")).encode())
    out(L[:1] + bad + L[1:])
    print(" ".join(str(i) for i in range(2, 2 + len(bad))))
elif case == "traces-types":           # wrong types, lines 2-4
    muts = ['o["resourceSpans"][0]["scopeSpans"][0]["spans"] = {}',
            'sp["startTimeUnixNano"] = "noon"', 'sp["attributes"] = {"a": 1}']
    bad = []
    for m in muts:
        o = json.loads(L[0])
        sp = o["resourceSpans"][0]["scopeSpans"][0]["spans"][0]
        exec(m)
        bad.append(json.dumps(o, separators=(",", ":")).encode())
    out(L[:1] + bad + L[1:])
    print(" ".join(str(i) for i in range(2, 2 + len(bad))))
elif case == "otlp-big":               # valid: a 50 MB prompt
    i = find(rb'"key":"prompt","value":\{"stringValue":"')
    L[i] = L[i].replace(b'"key":"prompt","value":{"stringValue":"',
                        b'"key":"prompt","value":{"stringValue":"' + b"y" * MB50, 1)
    out(L)
    print(i + 1)
elif case == "otlp-deepargs":          # valid: function_args holding 10,000-deep JSON text
    i = find(rb'"key":"function_args"')
    L[i] = re.sub(rb'("key":"function_args","value":\{"stringValue":)"(\\.|[^"\\])*"',
                  lambda m: m.group(1) + b'"' + DEEP + b'"', L[i], count=1)
    out(L)
    print(i + 1)

# outfile: pretty-printed JSON objects, a record starts at a "{" line
elif case == "outfile-trunc":          # cut inside the last record
    i = start_of(len(L) - 1, REC["outfile"]) - 1
    L = L[: i + (len(L) - i) // 2]
    out(L, False)
    print(i + 1)
elif case in ("outfile-utf8", "outfile-nul"):
    i = find(rb'^  "attributes": \{', 3)
    j = i + [k for k, l in enumerate(L[i:]) if l.startswith(b'    "prompt": "')][0]
    bad = b"\xff\xfe\xc3\x28" if case == "outfile-utf8" else b"\x00"
    L[j] = L[j].replace(b'"prompt": "', b'"prompt": "' + bad, 1)
    out(L)
    print(start_of(j, REC["outfile"]))
elif case == "outfile-deep":           # a 10,000-deep array between two records
    i = find(REC["outfile"], 2)
    out(L[:i] + [DEEP] + L[i:])
    print(i + 1)
elif case == "outfile-types":          # attributes a list; hrTime a string
    recs = [i for i, l in enumerate(L) if re.match(REC["outfile"], l)]
    a, b = recs[1], recs[3]
    ia = a + [k for k, l in enumerate(L[a:]) if l.startswith(b'  "attributes": {')][0]
    L[ia] = b'  "attributes": ["x"], "x-attributes": {'
    ib = b + [k for k, l in enumerate(L[b:]) if l.startswith(b'  "hrTime": [')][0]
    end = ib + [k for k, l in enumerate(L[ib:]) if l.startswith(b"  ],")][0]
    L[ib:end + 1] = [b'  "hrTime": "noon",']
    out(L)
    print(a + 1, b + 1)
elif case == "outfile-big":            # valid: a 50 MB prompt
    j = find(rb'^    "prompt": "')
    L[j] = L[j].replace(b'"prompt": "', b'"prompt": "' + b"z" * MB50, 1)
    out(L)
    print(start_of(j, REC["outfile"]))
elif case == "outfile-deepargs":       # valid: function_args holding 10,000-deep JSON text
    j = find(rb'^    "function_args": "')
    L[j] = b'    "function_args": "' + DEEP + b'",'
    out(L)
    print(start_of(j, REC["outfile"]))

# collector log: a record starts at a "LogRecord #" line
elif case == "coll-trunc":             # EOF inside a multi-line Str( value
    j = find(rb"-> function_args: Str\(\{$", -1)
    out(L[: j + 2], False)
    print(start_of(j, REC["coll"]), j + 1)
elif case in ("coll-utf8", "coll-nul"):
    j = find(rb"-> prompt: Str\(", 1)
    bad = b"\xff\xfe\xc3\x28" if case == "coll-utf8" else b"\x00"
    L[j] = L[j][:-1] + bad + b")"
    out(L)
    print(start_of(j, REC["coll"]), j + 1)
elif case == "coll-int":               # Int(abc)
    j = find(rb"-> duration_ms: Int\(")
    L[j] = re.sub(rb"Int\(\d+\)", b"Int(abc)", L[j])
    out(L)
    print(start_of(j, REC["coll"]), j + 1)
elif case == "coll-type":              # an unknown value type
    j = find(rb"-> model: Str\(")
    L[j] = L[j].replace(b"Str(", b"Frob(", 1)
    out(L)
    print(start_of(j, REC["coll"]), j + 1)
elif case == "coll-big":               # valid: a 50 MB prompt
    j = find(rb"-> prompt: Str\(")
    L[j] = L[j][:-1] + b"z" * MB50 + b")"
    out(L)
    print(start_of(j, REC["coll"]), j + 1)
elif case == "coll-deepargs":          # valid: function_args holding 10,000-deep JSON
    j = find(rb"-> function_args: Str\(\{$")
    k = j + [n for n, l in enumerate(L[j:]) if l == b"})"][0]
    L[j:k + 1] = [b"     -> function_args: Str(" + DEEP + b")"]
    out(L)
    print(start_of(j, REC["coll"]), j + 1)
else:
    sys.exit(f"mutate.py: unknown case {case}")
PYEOF

# mutate CASE SRC DST: sets WANT to the expected line(s) (the first one is the record's start)
mutate() {
	WANT=$("$PY" mutate.py "$1" "$2" "$3") || fail "mutate.py $1 failed"
}

# all_lines_prefixed: every stderr line is `televal-filter: ...`
all_lines_prefixed() {
	if grep -v '^televal-filter: ' "$T/err" | grep -q .; then
		grep -v '^televal-filter: ' "$T/err" | sed -n '1,5p' >&2
		fail "stderr lines without the 'televal-filter: ' prefix"
	fi
}

# valid_output: what was written validates against the schema
valid_output() {
	[ -s "$T/out" ] || return 0
	cp "$T/out" "$T/checked.jsonl"
	check_schema "$T/checked.jsonl"
}

# rejected FILE N [LINE-ERE] [OPTIONS...]: televal-filter rejects N records of FILE
# (N: - for at least one), exits 1, names FILE:LINE for each (LINE matching
# LINE-ERE), counts them, and writes valid sessions.
rejected() {
	local file=$1 n=$2 line=${3:-[0-9]+} msgs
	shift 3 || shift $#
	run_filter --stats "$@" "$file"
	[ "$RC" -eq 1 ] || { sed -n '1,10p' "$T/err" >&2; fail "$file: exit status $RC, expected 1"; }
	check_stats
	msgs=$(grep -Ec "^televal-filter: $(ere_quote "$file"):($line): [^ ]" "$T/err" || true)
	if [ "$msgs" -lt 1 ]; then
		sed -n '1,10p' "$T/err" >&2
		fail "$file: no 'televal-filter: $file:LINE: reason' message with LINE $line"
	fi
	[ "$REJECTED" -ge 1 ] || fail "$file: --stats counts no rejected record"
	if [ "$n" != - ]; then
		[ "$REJECTED" -eq "$n" ] || { sed -n '1,10p' "$T/err" >&2; fail "$file: $REJECTED records rejected, expected $n"; }
	fi
	[ "$(grep -Ec "^televal-filter: $(ere_quote "$file"):[0-9]+: " "$T/err")" -eq "$REJECTED" ] ||
		{ sed -n '1,10p' "$T/err" >&2; fail "$file: $REJECTED rejected, but a different number of FILE:LINE messages"; }
	[ "$WRITTEN" -eq "$(lines "$T/out")" ] || fail "$file: --stats says $WRITTEN written, got $(lines "$T/out")"
	all_lines_prefixed
	valid_output
}

# accepted FILE [OPTIONS...]: exit 0, nothing rejected, valid output
accepted() {
	local file=$1
	shift
	run_filter --stats "$@" "$file"
	[ "$RC" -eq 0 ] || { sed -n '1,10p' "$T/err" >&2; fail "$file: exit status $RC, expected 0"; }
	check_stats
	[ "$REJECTED" -eq 0 ] || fail "$file: $REJECTED records rejected"
	[ "$WRITTEN" -eq "$(lines "$T/out")" ] || fail "$file: --stats says $WRITTEN written, got $(lines "$T/out")"
	valid_output
}

# robust FILE: exit 0 (accepted) or 1 (with FILE:LINE messages, counted); never a crash
robust() {
	local file=$1
	run_filter --stats "$file"
	case $RC in
	0) ;;
	1) stderr_has "^televal-filter: $(ere_quote "$file"):[0-9]+: " ;;
	*) sed -n '1,10p' "$T/err" >&2; fail "$file: exit status $RC" ;;
	esac
	check_stats
	[ "$RC" -eq 0 ] || [ "$REJECTED" -ge 1 ] || fail "$file: exit status 1 but nothing rejected"
	valid_output
}

# same_as_clean CLEAN VARIANT: VARIANT (CRLF, BOM) gives the sessions CLEAN gives
same_as_clean() {
	accepted "$1"
	no_file_names "$T/out" >"$T/clean.out"
	accepted "$2"
	no_file_names "$T/out" >"$T/variant.out"
	same "$T/clean.out" "$T/variant.out" "$2 (vs $1)"
}

# ---- truncated final records ----
trunc_jsonl() {
	mutate jsonl-trunc "$1" "trunc.$1"
	rejected "trunc.$1" 1 "$WANT"
}
trunc_outfile() {
	mutate outfile-trunc out.json trunc.out.json
	rejected trunc.out.json 1 "$WANT"
	[ "$WRITTEN" -eq 6 ] || fail "trunc.out.json: $WRITTEN sessions, expected 6"
}
trunc_coll() {
	mutate coll-trunc coll.log trunc.coll.log
	rejected trunc.coll.log 1 "$(echo "$WANT" | tr ' ' '|')"
	[ "$WRITTEN" -eq 6 ] || fail "trunc.coll.log: $WRITTEN sessions, expected 6"
}
part "truncated: canonical" trunc_jsonl canon.jsonl
part "truncated: otlp logs" trunc_jsonl otlp.jsonl
part "truncated: otlp traces" trunc_jsonl traces.jsonl
part "truncated: outfile" trunc_outfile
part "truncated: collector log" trunc_coll

# ---- invalid UTF-8, NUL bytes ----
bytes_jsonl() {
	mutate "jsonl-$2" "$1" "$2.$1"
	rejected "$2.$1" 1 "$WANT"
}
bytes_other() {	# FORMAT-PREFIX SRC CASE
	mutate "$1-$3" "$2" "$3.$2"
	rejected "$3.$2" 1 "$(echo "$WANT" | tr ' ' '|')"
	[ "$WRITTEN" -eq 6 ] || fail "$3.$2: $WRITTEN sessions, expected 6"
}
for c in utf8 nul; do
	part "$c: canonical" bytes_jsonl canon.jsonl "$c"
	part "$c: otlp logs" bytes_jsonl otlp.jsonl "$c"
	part "$c: outfile" bytes_other outfile out.json "$c"
	part "$c: collector log" bytes_other coll coll.log "$c"
done

# ---- 10,000-deep nesting ----
deep_record() {
	mutate jsonl-deep "$1" "deep.$1"
	rejected "deep.$1" 1 "$WANT"
}
deep_outfile() {
	mutate outfile-deep out.json deep.out.json
	rejected deep.out.json 1 "$WANT"
}
deep_inner() {	# CASE SRC: valid JSON with deep nesting inside: handled either way
	mutate "$1" "$2" "deepargs.$2"
	robust "deepargs.$2"
}
part "deep: canonical line" deep_record canon.jsonl
part "deep: otlp line" deep_record otlp.jsonl
part "deep: outfile value" deep_outfile
part "deep: canonical tool args" deep_inner canon-deepargs canon.jsonl
part "deep: otlp function_args" deep_inner otlp-deepargs otlp.jsonl
part "deep: outfile function_args" deep_inner outfile-deepargs out.json
part "deep: collector function_args" deep_inner coll-deepargs coll.log

# ---- wrong types ----
types_jsonl() {	# CASE SRC
	local l n
	mutate "$1" "$2" "types.$2"
	n=$(echo "$WANT" | wc -w)
	rejected "types.$2" "$n" "$(echo "$WANT" | tr ' ' '|')"
	for l in $WANT; do
		stderr_has "^televal-filter: $(ere_quote "types.$2"):$l: "
	done
}
types_outfile() {
	local l
	mutate outfile-types out.json types.out.json
	rejected types.out.json 2 "$(echo "$WANT" | tr ' ' '|')"
	for l in $WANT; do
		stderr_has "^televal-filter: types\\.out\\.json:$l: "
	done
}
types_coll() {	# CASE
	mutate "$1" coll.log "$1.coll.log"
	rejected "$1.coll.log" 1 "$(echo "$WANT" | tr ' ' '|')"
}
part "types: canonical" types_jsonl canon-types canon.jsonl
part "types: otlp logs" types_jsonl otlp-types otlp.jsonl
part "types: otlp traces" types_jsonl traces-types traces.jsonl
part "types: outfile" types_outfile
part "types: collector Int(abc)" types_coll coll-int
part "types: collector unknown type" types_coll coll-type

# ---- a 50 MB line: parsed under the default limit, rejected over --max-record 1M ----
big() {	# CASE SRC
	mutate "$1" "$2" "big.$2"
	accepted "big.$2"
	[ "$(wc -c <"$T/out")" -gt "$MB50" ] || fail "big.$2: the 50 MB value is not in the output"
	rejected "big.$2" 1 "$(echo "$WANT" | tr ' ' '|')" --max-record 1M
	stderr_has "^televal-filter: $(ere_quote "big.$2"):($(echo "$WANT" | tr ' ' '|')): .*(longer|larger|too (long|large|big)|limit)"
	[ "$(wc -c <"$T/out")" -lt 1000000 ] || fail "big.$2: the 50 MB value was written despite --max-record 1M"
	rm -f "big.$2"
}
part "50 MB: canonical" big canon-big canon.jsonl
part "50 MB: otlp logs" big otlp-big otlp.jsonl
part "50 MB: outfile" big outfile-big out.json
part "50 MB: collector log" big coll-big coll.log

# ---- CRLF line ends, a UTF-8 BOM: the same sessions ----
variants() {
	sed 's/$/\r/' "$1" >"crlf.$1"
	same_as_clean "$1" "crlf.$1"
	{ printf '\357\273\277'; cat "$1"; } >"bom.$1"
	same_as_clean "$1" "bom.$1"
}
for f in canon.jsonl otlp.jsonl traces.jsonl out.json coll.log; do
	part "CRLF and BOM: $f" variants "$f"
done

# ---- empty input ----
empty() {
	local fmt
	: >empty.txt
	for fmt in "" canonical collector-log outfile otlp; do
		if [ -n "$fmt" ]; then
			expect_filter 0 --stats --from "$fmt" empty.txt
		else
			expect_filter 0 --stats empty.txt
		fi
		[ ! -s "$T/out" ] || fail "empty file ${fmt:+(--from $fmt)}: output written"
		check_stats
		[ "$READ" -eq 0 ] && [ "$WRITTEN" -eq 0 ] || fail "empty file ${fmt:+(--from $fmt)}: records or sessions counted"
	done
	expect_filter 0 </dev/null
	[ ! -s "$T/out" ] || fail "empty standard input: output written"
}
part "empty file" empty

# ---- too many bad records: counted, the messages capped by --max-errors ----
many() {
	{ head -n 3 canon.jsonl; for i in $(seq 150); do echo "{not json $i"; done; tail -n 3 canon.jsonl; } >many.jsonl
	run_filter --stats many.jsonl
	[ "$RC" -eq 1 ] || fail "many.jsonl: exit status $RC, expected 1"
	check_stats
	[ "$REJECTED" -eq 150 ] || fail "many.jsonl: $REJECTED rejected, expected 150"
	[ "$WRITTEN" -eq 6 ] || fail "many.jsonl: $WRITTEN written, expected 6"
	[ "$(grep -Ec '^televal-filter: many\.jsonl:[0-9]+: ' "$T/err")" -eq 100 ] ||
		fail "many.jsonl: expected 100 messages (the --max-errors default)"
	stderr_has '^televal-filter: many\.jsonl:4: '
	stderr_has '^televal-filter: many\.jsonl:103: '
	stderr_has 'max-errors'
	run_filter --stats --max-errors 0 many.jsonl
	[ "$(grep -Ec '^televal-filter: many\.jsonl:[0-9]+: ' "$T/err")" -eq 150 ] ||
		fail "many.jsonl: --max-errors 0 should show all 150 messages"
	stderr_has '^televal-filter: many\.jsonl:153: '
}
part "150 bad records" many

# ---- input the tool cannot read ----
unreadable() {
	printf 'hello world\nthis is not telemetry\n' >notes.txt
	expect_filter 1 notes.txt
	stderr_has "^televal-filter: notes\\.txt(:[0-9]+)?: .*--from"
	[ ! -s "$T/out" ] || fail "notes.txt: output written"
	# the other inputs are still read
	expect_filter 1 notes.txt canon.jsonl
	[ "$(lines "$T/out")" -eq 6 ] || fail "an unreadable input stopped the others"
	expect_filter 1 does-not-exist.json
	stderr_has '^televal-filter: does-not-exist\.json: '
}
part "unknown format, missing file" unreadable

# ---- usage ----
usage() {
	expect_filter 2 --no-such-option canon.jsonl
	stderr_has "Try 'televal-filter --help'"
	[ ! -s "$T/out" ] || fail "--no-such-option: output written"
	all_lines_prefixed_or_try
	expect_filter 2 --from nope canon.jsonl
	stderr_has "Try 'televal-filter --help'"
	stderr_has "nope"
	expect_filter 2 --max-record 0 canon.jsonl
	expect_filter 2 --gap soon canon.jsonl
	expect_filter 0 --help
	grep -q '^Usage: televal-filter ' "$T/out" || fail "--help: no usage on standard output"
	[ ! -s "$T/err" ] || fail "--help: something on standard error"
	expect_filter 0 --version
	grep -Eq '^televal-filter .*[0-9]+\.[0-9]+' "$T/out" || fail "--version: no version on standard output"
}
# usage errors: `televal-filter: ...` lines and the --help hint
all_lines_prefixed_or_try() {
	if grep -Ev "^(televal-filter: |Try 'televal-filter --help')" "$T/err" | grep -q .; then
		grep -Ev "^(televal-filter: |Try 'televal-filter --help')" "$T/err" >&2
		fail "usage error message without the 'televal-filter: ' prefix"
	fi
}
part "usage errors" usage

# ---- write errors ----
write_errors() {
	local rc
	if [ -w /dev/full ]; then
		expect_filter 1 canon.jsonl -o /dev/full
		stderr_has 'write error'
		RC=0
		"$FILTER" canon.jsonl >/dev/full 2>"$T/err" || RC=$?
		check_no_crash "$RC" "$T/err" "televal-filter canon.jsonl > /dev/full"
		[ "$RC" -eq 1 ] || fail "televal-filter canon.jsonl > /dev/full: exit status $RC, expected 1"
		stderr_has 'write error'
	else
		note "no /dev/full: skipping the full-disk case"
	fi
	gen otlp-logs 200 pipe.jsonl
	"$FILTER" pipe.jsonl >pipe.canon || fail "televal-filter pipe.jsonl failed"
	set +o pipefail
	"$FILTER" pipe.canon 2>"$T/err" | head -c1 >/dev/null
	rc=${PIPESTATUS[0]}
	# a reader that goes away ends the run as coreutils do: killed by SIGPIPE, nothing said
	[ "$rc" -eq 141 ] || fail "televal-filter pipe.canon | head -c1: exit status $rc, expected 141 (SIGPIPE)"
	[ ! -s "$T/err" ] || fail "televal-filter pipe.canon | head -c1: said $(cat "$T/err")"
	expect_filter 1 -o /nonexistent-dir/x canon.jsonl
	stderr_has '/nonexistent-dir/x'
}
part "write errors" write_errors

finish
