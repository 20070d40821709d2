#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Canonical input gives back the same bytes (with and without --events),
# the conversion is idempotent, and the way input arrives does not matter:
# several files (sessions interleaved across them), standard input, a
# directory.
. "$(dirname "$0")/lib.sh"

FORMATS="gemini-collector-log qwen-collector-log gemini-outfile qwen-outfile otlp-logs otlp-traces"
N=40	# 40 sessions 37 s apart: well inside the default 1 h --gap

# sorted_no_names FILE: FILE's lines, source.file blanked, sorted (by id: every line starts with it)
sorted_no_names() {
	no_file_names "$1" | LC_ALL=C sort
}

# expect_same_sessions A B WHAT: the same sessions, in any order, from any file names
expect_same_sessions() {
	sorted_no_names "$1" >"$T/a.sorted"
	sorted_no_names "$2" >"$T/b.sorted"
	cmp -s "$T/a.sorted" "$T/b.sorted" && return 0
	"$PY" - "$T/a.sorted" "$T/b.sorted" <<'PYEOF' >&2 || true
import json, sys
a = {json.loads(l)["id"]: json.loads(l) for l in open(sys.argv[1], encoding="utf-8")}
b = {json.loads(l)["id"]: json.loads(l) for l in open(sys.argv[2], encoding="utf-8")}
print(f"sessions: {len(a)} vs {len(b)}; only in the first: {sorted(set(a) - set(b))[:5]}, only in the second: {sorted(set(b) - set(a))[:5]}")
shown = 0
for k in sorted(set(a) & set(b)):
    for f in a[k]:
        if a[k][f] != b[k].get(f) and shown < 5:
            shown += 1
            print(f"{k}: {f}: {json.dumps(a[k][f])[:300]}\n    vs {json.dumps(b[k].get(f))[:300]}")
PYEOF
	fail "$3: different sessions"
}

# clean_run OUT ARGS...: televal-filter ARGS... must exit 0, reject nothing, and write OUT
clean_run() {
	local out=$1
	shift
	expect_filter 0 --stats "$@"
	check_stats
	[ "$REJECTED" -eq 0 ] || fail "televal-filter $*: $REJECTED records rejected"
	[ "$WRITTEN" -eq "$(lines "$T/out")" ] ||
		fail "televal-filter $*: --stats says $WRITTEN written, got $(lines "$T/out") lines"
	mv "$T/out" "$out"
}

roundtrip() {
	local fmt=$1
	clean_run "$fmt.c1" "$fmt.in"
	[ "$(lines "$fmt.c1")" -eq "$N" ] || fail "$fmt: $(lines "$fmt.c1") sessions, expected $N"
	check_schema "$fmt.c1"
	# canonical in, the same bytes out; and again (idempotent)
	clean_run "$fmt.c2" "$fmt.c1"
	[ "$READ" -eq "$N" ] && [ "$USED" -eq "$N" ] && [ "$SESSIONS" -eq "$N" ] ||
		fail "$fmt: canonical input: records read $READ, used $USED, sessions $SESSIONS; expected $N each"
	same "$fmt.c1" "$fmt.c2" "$fmt: canonical round trip"
	clean_run "$fmt.c3" --from canonical "$fmt.c2"
	same "$fmt.c2" "$fmt.c3" "$fmt: second round trip (--from canonical)"
}

roundtrip_events() {
	local fmt=$1
	clean_run "$fmt.e1" --events "$fmt.in"
	check_schema "$fmt.e1"
	"$PY" - "$fmt.e1" "$fmt.c1" <<'PYEOF' || fail "$fmt: --events output differs from the plain output beyond events[]"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
plain = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8")]
assert len(ev) == len(plain), (len(ev), len(plain))
for e, p in zip(ev, plain):
    assert e["events"], f"{e['id']}: --events gave no events"
    assert p["events"] == [], f"{p['id']}: events without --events"
    e["events"] = []
    assert e == p, f"{e['id']}: differs"
PYEOF
	clean_run "$fmt.e2" --events "$fmt.e1"
	same "$fmt.e1" "$fmt.e2" "$fmt: canonical round trip with --events"
	clean_run "$fmt.e3" "$fmt.e1"
	same "$fmt.e1" "$fmt.e3" "$fmt: canonical round trip of events[] without --events"
}

from_stdin() {
	local fmt=$1
	clean_run "$fmt.stdin" <"$fmt.in"
	expect_same_sessions "$fmt.c1" "$fmt.stdin" "$fmt: standard input"
	grep -q '"file":"-"' "$fmt.stdin" || fail "$fmt: source.file of standard input is not \"-\""
	clean_run "$fmt.dash" - <"$fmt.in"
	same "$fmt.stdin" "$fmt.dash" "$fmt: - as standard input"
}

for fmt in $FORMATS; do
	note "$fmt: canonical round trip, --events, standard input"
	gen "$fmt" "$N" "$fmt.in"
	part "$fmt: round trip" roundtrip "$fmt"
	part "$fmt: --events round trip" roundtrip_events "$fmt"
	part "$fmt: standard input" from_stdin "$fmt"
done

canonical_streams() {
	cat gemini-outfile.c1 otlp-traces.c1 >mixed.c1
	clean_run mixed.stdin <mixed.c1
	same mixed.c1 mixed.stdin "canonical from standard input"
	# shellcheck disable=SC2002 # a pipe, not a file, on purpose
	cat mixed.c1 | "$FILTER" - >mixed.pipe || fail "canonical through a pipe: exit status $?"
	same mixed.c1 mixed.pipe "canonical through a pipe"
	clean_run mixed.two gemini-outfile.c1 otlp-traces.c1
	same mixed.c1 mixed.two "two canonical files: their sessions in order"
}
note "canonical from standard input, a pipe, two files"
part "canonical streams" canonical_streams

# split_lines FILE A B: odd lines to A, even lines to B
split_lines() {
	awk -v a="$2" -v b="$3" 'NR % 2 { print > a; next } { print > b }' "$1"
}

split_jsonl() {
	local fmt=$1
	split_lines "$fmt.in" "$fmt.a" "$fmt.b"
	clean_run "$fmt.split" "$fmt.a" "$fmt.b"
	expect_same_sessions "$fmt.c1" "$fmt.split" "$fmt: two files"
	clean_run "$fmt.split2" "$fmt.b" "$fmt.a"
	expect_same_sessions "$fmt.c1" "$fmt.split2" "$fmt: two files, the other order"
}
note "JSON Lines split in two files by lines (sessions interleave across them)"
for fmt in otlp-logs otlp-traces; do
	part "$fmt: split by lines" split_jsonl "$fmt"
done

split_canonical() {
	split_lines otlp-logs.c1 canon.a canon.b
	clean_run canon.split canon.a gemini-outfile.in canon.b
	cat otlp-logs.c1 gemini-outfile.c1 >canon.want
	expect_same_sessions canon.want canon.split "canonical files and an outfile"
}
part "canonical split by lines, with an outfile between" split_canonical

# split_at FMT REGEX: split FMT.in in two at the first line matching REGEX past the middle
split_at() {
	local fmt=$1 cut
	cut=$(grep -n -- "$2" "$fmt.in" | awk -F: -v n="$(lines "$fmt.in")" '$1 > n / 2 { print $1; exit }')
	[ -n "$cut" ] || fail "$fmt: nothing to split at"
	head -n $((cut - 1)) "$fmt.in" >"$fmt.a"
	tail -n +"$cut" "$fmt.in" >"$fmt.b"
	clean_run "$fmt.split" "$fmt.a" "$fmt.b"
	expect_same_sessions "$fmt.c1" "$fmt.split" "$fmt: two files"
}
note "collector-log and outfile split in two at a record boundary"
for fmt in gemini-collector-log qwen-collector-log; do
	# at a batch: the zap line that starts the debug exporter's output
	part "$fmt: split at a batch" split_at "$fmt" "	info	Logs	"
done
for fmt in gemini-outfile qwen-outfile; do
	part "$fmt: split at a record" split_at "$fmt" '^{$'
done

big_split() {
	gen otlp-logs 200 big.in
	clean_run big.one --gap 0 big.in
	split_lines big.in big.a big.b
	clean_run big.two --gap 0 big.a big.b
	expect_same_sessions big.one big.two "otlp-logs, 200 sessions, two files"
}
note "200 interleaved sessions split in two files, --gap 0"
part "200 sessions in two files" big_split

directory() {
	mkdir -p dir/sub
	split_lines otlp-traces.in dir/1.jsonl dir/sub/2.jsonl
	printf 'this is not telemetry\n' >dir/.hidden
	clean_run dir.out dir
	expect_same_sessions otlp-traces.c1 dir.out "a directory"
	clean_run dir.files dir/1.jsonl dir/sub/2.jsonl
	same dir.files dir.out "a directory and its files named one by one"
}
note "a directory: every regular file below it, in name order, hidden ones skipped"
part "directory input" directory

finish
