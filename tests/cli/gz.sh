#!/bin/bash
# SPDX-License-Identifier: MIT
#
# gzip-compressed input is read transparently: for every text format, the
# `gzip -c` of a file (under the same name, so source.file is the same)
# gives byte-identical output, warnings and --stats to the plain file, and
# under a .gz name the same sessions.  A truncated or corrupt .gz gives a
# clear error and exit status 1, never a crash, and what was written before
# it stays valid.  A gzip-compressed SQLite store is refused clearly.
. "$(dirname "$0")/lib.sh"

N=30
mkdir plain gz

# NAME: plain/NAME and gz/NAME (its gzip -c) give the same bytes
same_both_ways() {
	local name=$1 f
	if [ -d "plain/$name" ]; then
		mkdir "gz/$name"
		for f in "plain/$name"/*; do
			gzip -c "$f" >"gz/$name/$(basename "$f")"
		done
	else
		gzip -c "plain/$name" >"gz/$name"
	fi
	(cd plain && "$FILTER" --stats "$name" >../plain.out 2>../plain.err) ||
		fail "$name: televal-filter failed on the plain input"
	check_no_crash 0 plain.err "$name"
	[ -s plain.out ] || fail "$name: no sessions from the plain input"
	RC=0
	(cd gz && "$FILTER" --stats "$name" >../gz.out 2>../gz.err) || RC=$?
	check_no_crash "$RC" gz.err "$name (gzip)"
	[ "$RC" -eq 0 ] || { sed -n '1,20p' gz.err >&2; fail "$name: televal-filter failed on the gzip input"; }
	same gz.out plain.out "$name: output"
	same gz.err plain.err "$name: warnings and --stats"
	check_schema gz.out
}

# NAME: the gzip input under a .gz name: the same sessions
same_with_suffix() {
	local name=$1 f
	if [ -d "plain/$name" ]; then
		mkdir "sfx.$name"
		for f in "plain/$name"/*; do
			gzip -c "$f" >"sfx.$name/$(basename "$f").gz"
		done
		expect_filter 0 "sfx.$name"
	else
		gzip -c "plain/$name" >"sfx.$name.gz"
		expect_filter 0 "sfx.$name.gz"
	fi
	no_file_names "$T/out" >a
	no_file_names plain.out >b
	same a b "$name: under a .gz name"
}

# NAME: the first half of gz/NAME, and a gzip stream with a bad byte
truncated() {
	local name=$1 size
	[ -f "gz/$name" ] || return 0
	size=$(wc -c <"gz/$name")
	head -c $((size / 2)) "gz/$name" >"half.$name"
	expect_filter 1 "half.$name"
	stderr_has "^televal-filter: half\\.$(ere_quote "$name")(:[0-9]+)?: .*(corrupt or truncated|truncated|corrupt)"
	check_schema "$T/out"
	head -c 10 "gz/$name" >"head.$name"
	expect_filter 1 "head.$name"
	stderr_has "^televal-filter: head\\.$(ere_quote "$name")(:[0-9]+)?: .*(corrupt|truncated)"
	# flip a byte in the middle of the deflate data
	"$PY" -c 'import sys; d = bytearray(open(sys.argv[1], "rb").read()); d[len(d) // 2] ^= 0xff; open(sys.argv[2], "wb").write(d)' \
		"gz/$name" "flip.$name"
	RC=0
	"$FILTER" "flip.$name" >"$T/out" 2>"$T/err" || RC=$?
	check_no_crash "$RC" "$T/err" "flip.$name"
	[ "$RC" -eq 1 ] || fail "flip.$name: exit status $RC, expected 1"
	check_schema "$T/out"
}

# FORMAT NAME: generate, then every check
one() {
	local fmt=$1 name=$2
	gen "$fmt" "$N" "plain/$name"
	same_both_ways "$name"
	same_with_suffix "$name"
	truncated "$name"
}

canonical() {
	gen otlp-logs "$N" otlp.src.jsonl
	"$FILTER" otlp.src.jsonl >plain/canonical.jsonl || fail "cannot make canonical input"
	same_both_ways canonical.jsonl
	same_with_suffix canonical.jsonl
	truncated canonical.jsonl
}

sqlite_gz() {
	gen llama-stack 3 store.db
	gzip -c store.db >store.db.gz
	expect_filter 1 store.db.gz
	stderr_has '^televal-filter: store\.db\.gz: a gzip-compressed SQLite database cannot be read'
}

part collector-log one gemini-collector-log collector.log
part outfile one gemini-outfile telemetry.json
part otlp-logs one otlp-logs logs.jsonl
part otlp-traces one otlp-traces traces.jsonl
part canonical canonical
part pylog one pylog app.log
part jaeger one jaeger jaeger.json
part waza one waza waza.json
part anyclaude one anyclaude anyclaude
part sqlite sqlite_gz
finish
