#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The property that guards televal-anonymize, on every input format, every
# example, generated corpora (with and without planted PII) and hostile
# files (truncated, NUL bytes, corrupt, empty, header-only and wrong-schema
# SQLite stores, extra tables and columns):
#
#   - --check on anonymize's output exits 0;
#   - --check on the input exits 1 iff some of it could not be read, which
#     is when anonymize exits 1 on it;
#   - else --check exits 3 iff anonymize changes something (canonical
#     sessions compared without the redaction member anonymize adds,
#     SQLite stores row by row), and 0 iff it changes nothing.
. "$(dirname "$0")/lib.sh"

ANON=${TELEVAL_ANONYMIZE:?TELEVAL_ANONYMIZE is not set (run the tests with meson test)}
printf 'a key' >key
: >"$T/inputs"

# content FILE|DIR: what anonymize may change, in a form to compare
content() {
	"$PY" - "$1" <<'EOF'
import json, os, sqlite3, sys
p = sys.argv[1]
def rows(db):
    c = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    for (t,) in c.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"):
        if t.startswith("sqlite_"):
            continue
        for r in sorted(repr(r) for r in c.execute('SELECT * FROM "%s"' % t.replace('"', '""'))):
            print(t, r)
def text(f):
    data = open(f, "rb").read()
    if data.startswith(b'{"televal":'):
        # canonical sessions: anonymize adds a redaction member to each
        for line in data.splitlines():
            try:
                o = json.loads(line)
            except ValueError:
                print(repr(line)); continue
            if isinstance(o, dict):
                o.pop("redaction", None)
            print(json.dumps(o, sort_keys=True))
    else:
        sys.stdout.buffer.write(data)
if os.path.isdir(p):
    for name in sorted(os.listdir(p)):
        print("==", name); sys.stdout.flush(); text(os.path.join(p, name))
elif open(p, "rb").read(16) == b"SQLite format 3\0":
    rows(p)
else:
    text(p)
EOF
}

# prop INPUT: the property on one input (a file or a directory)
prop() {
	local in=$1 out rc_a rc_c
	echo "$in" >>"$T/inputs"
	out=$T/prop.out
	rm -rf "$out" "$out.d"
	if [ -d "$in" ]; then
		mkdir "$out.d"
		out=$out.d/
	fi
	rc_a=0
	"$ANON" --key-file key -o "$out" "$in" >/dev/null 2>"$T/a.err" || rc_a=$?
	check_no_crash "$rc_a" "$T/a.err" "anonymize $in"
	rc_c=0
	"$ANON" --key-file key --check "$in" >/dev/null 2>"$T/c.err" || rc_c=$?
	check_no_crash "$rc_c" "$T/c.err" "--check $in"
	if [ "$rc_a" -eq 1 ] || [ "$rc_c" -eq 1 ]; then
		[ "$rc_a" -eq 1 ] && [ "$rc_c" -eq 1 ] ||
			fail "$in: anonymize exits $rc_a, --check $rc_c: one read it all, one did not"
		return 0
	fi
	[ "$rc_a" -eq 0 ] || { sed -n 1,5p "$T/a.err" >&2; fail "$in: anonymize exits $rc_a"; }
	if [ -d "$in" ]; then
		out=$T/prop.out.d
	fi
	content "$in" >"$T/in.txt" || fail "$in: cannot read it back"
	content "$out" >"$T/out.txt" || fail "$in: cannot read the output back"
	if cmp -s "$T/in.txt" "$T/out.txt"; then
		[ "$rc_c" -eq 0 ] || { sed -n 1,5p "$T/c.err" >&2; fail "$in: unchanged, but --check exits $rc_c"; }
	else
		[ "$rc_c" -eq 3 ] || {
			diff "$T/in.txt" "$T/out.txt" | sed -n 1,6p >&2
			fail "$in: changed, but --check exits $rc_c"
		}
	fi
	rc_c=0
	"$ANON" --key-file key --check "$out" >/dev/null 2>"$T/c.err" || rc_c=$?
	[ "$rc_c" -eq 0 ] || { sed -n 1,5p "$T/c.err" >&2; fail "$in: --check on the output exits $rc_c"; }
}

FORMATS="gemini-outfile gemini-collector-log otlp-logs otlp-traces jaeger anyclaude waza pylog llama-stack qwen-outfile"

# out_name FORMAT BASE: where gen_corpus.py writes a corpus of FORMAT
out_name() {
	case $1 in
	llama-stack) echo "$2.db" ;;
	anyclaude) echo "$2.d" ;;
	*) echo "$2.txt" ;;
	esac
}

examples() {
	local f
	for f in $(find "$SRC/examples" -type f ! -name Makefile ! -name demo.sh ! -name policy.yaml ! -path '*/anyclaude/*' | sort); do
		cp "$f" "ex.$(basename "$f")"
		prop "ex.$(basename "$f")"
	done
	cp -r "$SRC/examples/anyclaude" ex.anyclaude
	prop ex.anyclaude
}

corpora() {
	local fmt rate o
	for fmt in $FORMATS; do
		for rate in 0 0.5; do
			o=$(out_name "$fmt" "gen.$fmt.$rate")
			gen "$fmt" 12 "$o" --pii-rate "$rate" --seed 3
			prop "$o"
		done
	done
}

# cut FILE FRACTION-PERCENT: the first part of FILE
cut_file() {
	local size
	size=$(wc -c <"$1")
	head -c $((size * $2 / 100)) "$1" >"$3"
}

hostile_text() {
	local fmt o
	for fmt in $FORMATS; do
		[ "$fmt" = anyclaude ] && continue
		o=$(out_name "$fmt" "gen.$fmt.0.5")
		[ -e "$o" ] || gen "$fmt" 12 "$o" --pii-rate 0.5 --seed 3
		cut_file "$o" 37 "cut37.$fmt.$(basename "$o")"
		prop "cut37.$fmt.$(basename "$o")"
		cut_file "$o" 71 "cut71.$fmt.$(basename "$o")"
		prop "cut71.$fmt.$(basename "$o")"
	done
	head -c 5000 /dev/zero >nul.bin
	prop nul.bin
	: >empty.txt
	prop empty.txt
	printf '\n\n   \n' >blank.txt
	prop blank.txt
	o=$(out_name otlp-logs gen.otlp-logs.0.5)
	{ head -n 2 "$o"; printf '{"a":"\0 jane.doe@example.org"}\n'; } >nulline.jsonl
	prop nulline.jsonl
	{ head -n 2 "$o"; printf '\0\0\0\n'; } >nulbytes.jsonl
	prop nulbytes.jsonl
}

# db NAME SQL: the generated store with SQL run on a copy
db() {
	cp gen.llama-stack.0.5.db "$1"
	"$PY" -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit(); c.close()' "$1" "$2" ||
		fail "cannot make $1"
}

hostile_stores() {
	local size
	[ -e gen.llama-stack.0.5.db ] || gen llama-stack 12 gen.llama-stack.0.5.db --pii-rate 0.5 --seed 3
	size=$(wc -c <gen.llama-stack.0.5.db)
	head -c $((size / 2)) gen.llama-stack.0.5.db >trunc.db
	head -c 100 gen.llama-stack.0.5.db >header.db
	head -c 4096 gen.llama-stack.0.5.db >page.db
	"$PY" -c 'import sys
d = bytearray(open(sys.argv[1], "rb").read())
d[len(d) // 3:len(d) // 3 + 4096] = b"\x5a" * 4096
open(sys.argv[2], "wb").write(bytes(d))' gen.llama-stack.0.5.db corrupt.db
	"$PY" -c 'import sqlite3; c = sqlite3.connect("wrong.db"); c.execute("CREATE TABLE spans (a)"); c.commit()'
	"$PY" -c 'import sqlite3; c = sqlite3.connect("notables.db"); c.execute("PRAGMA user_version = 1"); c.commit()'
	db extra_table.db "CREATE TABLE notes (body TEXT, n INTEGER);
INSERT INTO notes VALUES ('mail jane.doe@example.org', 1), ('nothing here', 2);"
	db extra_clean.db "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('nothing here');"
	db extra_column.db "ALTER TABLE spans ADD COLUMN owner TEXT; UPDATE spans SET owner = 'card 4111 1111 1111 1111';"
	db blob.db "CREATE TABLE b (x BLOB); INSERT INTO b VALUES (CAST('ghp_0123456789abcdefghijABCDEFGHIJ012345' AS BLOB));"
	db norowid.db "CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID; INSERT INTO kv VALUES ('a', 'b');"
	for f in trunc header page corrupt wrong notables extra_table extra_clean extra_column blob norowid; do
		prop "$f.db"
	done
}

part examples examples
part corpora corpora
part hostile-text hostile_text
part hostile-stores hostile_stores
note "$(lines "$T/inputs") inputs"
finish
