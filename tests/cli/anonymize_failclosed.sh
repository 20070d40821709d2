#!/bin/bash
# SPDX-License-Identifier: MIT
#
# televal-anonymize fails closed: every cell of every table of a Llama
# Stack store is scrubbed (what cannot be rewritten is dropped, saying so);
# a store that cannot be read completely is an error, never clean; nothing
# is copied unread (NUL bytes, a truncated record, a line cut short, a
# canonical record or a number televal-filter rejects); --check never hides
# what it could not read behind exit 3; and -o writes through devices,
# FIFOs and symbolic links without replacing them.
. "$(dirname "$0")/lib.sh"

ANON=${TELEVAL_ANONYMIZE:?TELEVAL_ANONYMIZE is not set (run the tests with meson test)}
printf 'a key' >key
PII_MAIL=jane.doe@example.org
PII_CARD='4111 1111 1111 1111'

# anon CODE ARGS...: televal-anonymize --key-file key ARGS..., expecting CODE
anon() {
	local want=$1
	shift
	expect_exit "$want" "$ANON" --key-file key "$@"
}

# sql DB STATEMENTS: run SQL on a copy of the generated store
sql() {
	cp store.db "$1"
	"$PY" -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit(); c.close()' "$1" "$2" ||
		fail "cannot make $1"
}

# dump DB: every row of every table, as text
dump() {
	"$PY" -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
for (t,) in c.execute("SELECT name FROM sqlite_master WHERE type = ?", ("table",)):
    for row in c.execute("SELECT * FROM \"%s\"" % t.replace("\"", "\"\"")):
        print(t, [bytes(v).decode("utf-8", "replace") if isinstance(v, bytes) else v for v in row])' "$1"
}

# scrubbed DB: anonymize DB (exit 0), the copy holds no planted PII and --check passes it
scrubbed() {
	rm -f "$1.anon"
	anon 0 -o "$1.anon" "$1"
	cp "$T/err" "$1.err"
	dump "$1.anon" >"$1.txt"
	if grep -qF -e "$PII_MAIL" -e "$PII_CARD" -e 'sk-ant-api03' "$1.txt"; then
		grep -F -e "$PII_MAIL" -e "$PII_CARD" "$1.txt" | sed -n 1,3p >&2
		fail "$1: PII survived in the copy"
	fi
	anon 0 --check "$1.anon"
}

llama_every_cell() {
	gen llama-stack 5 store.db --pii-rate 0
	anon 0 --check store.db
	local key=sk-ant-api03-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
	sql extra_table.db "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT, card TEXT, k BLOB);
INSERT INTO notes (body, card, k) VALUES ('mail $PII_MAIL', '$PII_CARD', CAST('$key' AS BLOB));"
	anon 3 --check extra_table.db
	stderr_has '^televal-anonymize: extra_table\.db: notes row 1 body: email: '
	stderr_has '^televal-anonymize: extra_table\.db: notes row 1 card: credit_card: '
	stderr_has '^televal-anonymize: extra_table\.db: notes row 1 k: anthropic_api_key: '
	scrubbed extra_table.db
	grep -q "^notes \[1, 'mail <EMAIL:" extra_table.db.txt || fail "the notes row is gone"
	sql extra_column.db "ALTER TABLE spans ADD COLUMN owner TEXT;
UPDATE spans SET owner = 'owned by $PII_MAIL';
ALTER TABLE traces ADD COLUMN meta TEXT; UPDATE traces SET meta = '{\"user.name\": \"jdoe\"}';"
	anon 3 --check extra_column.db
	stderr_has 'spans row [0-9]+ owner: email: '
	stderr_has 'traces row [0-9]+ meta: key:user\.name: '
	scrubbed extra_column.db
	grep -q 'jdoe' extra_column.db.txt && fail "a user name in JSON in an extra column survived"
	# a trigger would copy old values back: it goes before any cell is written
	sql trigger.db "CREATE TABLE spy (v TEXT); CREATE TABLE notes (body TEXT);
CREATE TRIGGER t AFTER UPDATE ON notes BEGIN INSERT INTO spy VALUES (old.body); END;
INSERT INTO notes VALUES ('mail $PII_MAIL');"
	scrubbed trigger.db
	# what cannot be rewritten cell by cell is dropped, saying so; --check counts it
	sql norowid.db "CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID;
INSERT INTO kv VALUES ('user', '$PII_MAIL');"
	anon 3 --check norowid.db
	stderr_has '^televal-anonymize: norowid\.db: table kv: not_understood'
	scrubbed norowid.db
	stderr_has 'table kv cannot be rewritten cell by cell.*dropped' norowid.db.err
	if "$PY" -c 'import sqlite3; sqlite3.connect(":memory:").execute("CREATE VIRTUAL TABLE f USING fts5(b)")' 2>/dev/null; then
		sql fts.db "CREATE VIRTUAL TABLE f USING fts5(body); INSERT INTO f VALUES ('mail $PII_MAIL');"
		anon 3 --check fts.db
		stderr_has 'table f: not_understood'
		scrubbed fts.db
	fi
}

llama_unreadable() {
	gen llama-stack 5 store.db --pii-rate 0.5
	local size
	size=$(wc -c <store.db)
	head -c $((size / 2)) store.db >truncated.db
	head -c 100 store.db >header.db
	"$PY" -c 'import sys
d = bytearray(open(sys.argv[1], "rb").read())
d[8192:12288] = b"Z" * 4096
open(sys.argv[2], "wb").write(bytes(d))' store.db corrupt.db
	"$PY" -c 'import sqlite3; c = sqlite3.connect("wrong.db"); c.execute("CREATE TABLE x (a)"); c.commit()'
	"$PY" -c 'import sqlite3; c = sqlite3.connect("notables.db"); c.execute("PRAGMA user_version = 7"); c.commit()'
	for db in truncated header corrupt wrong notables; do
		anon 1 --check "$db.db"
		stderr_has "^televal-anonymize: $db\\.db: "
		stderr_has 'not all of the input was checked'
		anon 1 -o "$db.anon.db" "$db.db"
		[ ! -e "$db.anon.db" ] || fail "$db.db: a copy was written"
		anon 1 --check --from llama-stack "$db.db"
	done
}

# --check: findings and records it could not read are both said, and exit 1 wins
check_says_both() {
	{
		echo "{\"m\": \"$PII_MAIL\"}"
		echo '{"m": "cut'
	} >both.jsonl
	anon 1 --check --from otlp both.jsonl
	stderr_has 'both\.jsonl:1: email: '
	stderr_has 'both\.jsonl:2: not valid JSON'
	stderr_has '^televal-anonymize: --check: 1 finding, and records were rejected'
}

nothing_unread() {
	head -c 4096 /dev/zero >nul.bin
	anon 1 --stats nul.bin
	stderr_has 'nul\.bin: cannot tell the input format'
	stderr_has 'input: 1 files, 4096 bytes'
	anon 1 --check nul.bin
	# blank lines first, then data past what detection looks at: read all the same
	{ head -c 3000000 /dev/zero | tr '\0' '\n'; echo "{\"m\": \"$PII_MAIL\"}"; } >late.txt
	anon 3 --check late.txt
	stderr_has 'late\.txt:3000001: email: '
	{ head -c 3000000 /dev/zero | tr '\0' '\n'; echo "mail $PII_MAIL"; } >late2.txt
	anon 1 --check late2.txt
	stderr_has 'late2\.txt:3000001: not valid JSON'
	# a collector.log cut inside a log record: the record goes, whole
	gen gemini-collector-log 3 cl.log --pii-rate 0
	local cut
	cut=$(grep -n '^LogRecord #' cl.log | sed -n 3p | cut -d: -f1)
	{ head -n $((cut + 5)) cl.log; printf '     -> prompt: Str(mail jane.doe@exa'; } >cut.log
	anon 1 --stats cut.log
	stderr_has "^televal-anonymize: cut\\.log:$cut: truncated log record"
	stderr_has "records: read $((cut + 6)) = written $((cut - 1)) \\+ rejected 7\$"
	head -n $((cut - 1)) cl.log >want.log
	anon 0 want.log
	mv "$T/out" want.out
	anon 1 cut.log
	same "$T/out" want.out "the output of a collector.log cut in a record"
	# a Python log whose last line has no end
	{ echo '2025-01-01 12:00:00,123 - app - INFO - started'; printf '2025-01-01 12:00:01,123 - app - INFO - mail jane.doe@exa'; } >cut.pylog
	anon 1 --from pylog cut.pylog
	stderr_has 'cut\.pylog:2: a line without its end'
	grep -q 'jane' "$T/out" && fail "a cut line was written"
	# a canonical record televal-filter rejects
	"$FILTER" "$SRC/examples/otlp/logs.jsonl" >c.jsonl || fail "televal-filter"
	sed '1s/"usage":{"input_tokens":[0-9]*/"usage":{"input_tokens":"many"/' c.jsonl >badc.jsonl
	cmp -s c.jsonl badc.jsonl && fail "nothing changed in badc.jsonl"
	expect_filter 1 --from canonical badc.jsonl
	anon 1 badc.jsonl
	stderr_has 'badc\.jsonl:1: not a canonical session: usage\.input_tokens is not an integer'
	[ "$(lines "$T/out")" -eq $(($(lines c.jsonl) - 1)) ] || fail "the bad record was written"
	# numbers televal-filter rejects
	sed '1s/"timeUnixNano":"/"n":18446744073709551616,"timeUnixNano":"/' "$SRC/examples/otlp/logs.jsonl" >bign.jsonl
	expect_filter 1 --from otlp bign.jsonl
	anon 1 --from otlp bign.jsonl
	stderr_has 'bign\.jsonl:1: not valid JSON'
}

# write_targets DIR: -o through devices, FIFOs and symbolic links (as whoever runs it)
write_targets() {
	local d=$1 in=$SRC/examples/otlp/logs.jsonl
	"$ANON" --key-file "$d/key" -o /dev/null "$in" || fail "-o /dev/null"
	[ -c /dev/null ] || fail "/dev/null is no longer a character device"
	RC=0
	"$ANON" --key-file "$d/key" -o /dev/full "$in" 2>"$d/err" || RC=$?
	[ "$RC" -eq 1 ] || fail "-o /dev/full: exit $RC"
	grep -q 'write error' "$d/err" || fail "-o /dev/full: no write error said"
	[ -c /dev/full ] || fail "/dev/full is no longer a character device"
	mkfifo "$d/fifo"
	cat "$d/fifo" >"$d/fifo.out" &
	"$ANON" --key-file "$d/key" -o "$d/fifo" "$in" || fail "-o FIFO"
	wait
	[ -p "$d/fifo" ] || fail "the FIFO was replaced"
	"$ANON" --key-file "$d/key" -o "$d/direct" "$in" || fail "-o FILE"
	same "$d/fifo.out" "$d/direct" "through a FIFO and to a file"
	echo old >"$d/target"
	ln -s target "$d/link"
	"$ANON" --key-file "$d/key" -o "$d/link" "$in" || fail "-o LINK"
	[ -L "$d/link" ] || fail "the symbolic link was replaced"
	same "$d/target" "$d/direct" "the link's target"
	mkdir "$d/out"
	ln -s ../target2 "$d/out/logs.jsonl"
	"$ANON" --key-file "$d/key" -o "$d/out/" "$in" || fail "-o DIR/ onto a link"
	[ -L "$d/out/logs.jsonl" ] || fail "-o DIR/: the symbolic link was replaced"
	same "$d/target2" "$d/direct" "-o DIR/: the link's target"
	# the SQLite copy goes to a link's target too, and never to a device
	"$PY" "$GEN" --format llama-stack --sessions 3 -o "$d/s.db" || fail "gen llama-stack"
	ln -s s.target.db "$d/s.link.db"
	"$ANON" --key-file "$d/key" -o "$d/s.link.db" "$d/s.db" || fail "-o LINK for a store"
	[ -L "$d/s.link.db" ] && [ -s "$d/s.target.db" ] || fail "the store's link was replaced"
	RC=0
	"$ANON" --key-file "$d/key" -o /dev/null "$d/s.db" 2>"$d/err" || RC=$?
	[ "$RC" -eq 1 ] && grep -q 'not a regular file' "$d/err" || fail "a store to /dev/null"
	[ -c /dev/null ] || fail "/dev/null is no longer a character device"
}

output_targets() {
	mkdir w
	cp key w/key
	write_targets "$T/w"
	# and as a user other than root, when we can become one
	if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null &&
		setpriv --reuid=nobody --regid=nogroup --clear-groups true 2>/dev/null; then
		local u
		u=$(mktemp -d /tmp/televal-nobody.XXXXXX)
		chmod 755 "$u"
		cp key "$u/key"
		chown -R nobody "$u"
		if setpriv --reuid=nobody --regid=nogroup --clear-groups test -x "$ANON"; then
			RC=0
			setpriv --reuid=nobody --regid=nogroup --clear-groups \
				env HOME="$u" bash -c "$(declare -f fail same write_targets); SRC='$SRC' ANON='$ANON' PY='$PY' GEN='$GEN'; set -eu; write_targets '$u'" ||
				RC=$?
			rm -rf "$u"
			[ "$RC" -eq 0 ] || fail "as nobody"
			note "devices, FIFOs and links as nobody: ok"
		else
			rm -rf "$u"
			note "nobody cannot run $ANON: the non-root run is left out"
		fi
	fi
}

part llama-every-cell llama_every_cell
part llama-unreadable llama_unreadable
part check-says-both check_says_both
part nothing-unread nothing_unread
part output-targets output_targets

# the structure of a text format is scanned too: a key, a record line, the
# time or level of a collector's own line, an Int that is no number, a
# Python logger name (found by fuzz_anonymize: they were copied unread)
structure_scanned() {
	local card='4111 1111 1111 1111'
	sed -e "s/     -> host.name: Str(devbox-17)/     -> host. $PII_MAIL name: Str(devbox-17)/" \
		-e "0,/^ObservedTimestamp: /s/^ObservedTimestamp: \\(.*\\)/ObservedTimestamp: \\1 $PII_MAIL/" \
		-e "0,/\\tinfo\\t/s/\\tinfo\\t/\\tinfo $card\\t/" \
		-e "0,/prompt_length: Int(/s/prompt_length: Int(\\([0-9]*\\))/prompt_length: Int(\\1 $PII_MAIL)/" \
		"$SRC/examples/gemini/collector.log" >hostile.log
	[ "$(grep -c "$PII_MAIL\\|$card" hostile.log)" -gt 4 ] || fail "hostile.log was not made"
	anon 0 hostile.log
	! grep -q "$PII_MAIL\\|$card" "$T/out" || { grep "$PII_MAIL\\|$card" "$T/out" >&2; fail "PII in collector.log structure survived"; }
	anon 3 --check hostile.log
	# the example itself comes out as before: the structure has no finding
	anon 0 "$SRC/examples/gemini/collector.log"
	mv "$T/out" plain.out
	anon 0 --check plain.out
	printf '2025-01-01 12:00:00,123 - app.%s - INFO - started\n' "$PII_MAIL" >logger.pylog
	anon 0 --from pylog logger.pylog
	! grep -q "$PII_MAIL" "$T/out" || fail "PII in a Python logger name survived"
	grep -q '^2025-01-01 12:00:00,123 - <EMAIL:[0-9a-f]*> - INFO - started$' "$T/out" ||
		{ cat "$T/out" >&2; fail "the Python log line lost its layout"; }
}
part structure-scanned structure_scanned
# the stack trace zap prints after an error line belongs to that line: a
# line of it that a replacement leaves without its dots (an address alone,
# a line not valid UTF-8) stays a stack line, so the output reads back as
# the input did (found by fuzz_anonymize: it read back as a rejected line)
stack_lines_kept() {
	{
		printf '2025-07-01T09:00:00.000+0000\terror\texporterhelper/queue.go:10\tExporting failed\t{"kind": "exporter"}\n'
		printf 'go.opentelemetry.io/collector/exporter.(*T).Send\n\t/home/alice/go/queue.go:120\n'
		printf '%s\nmain.\377\376\n' "$PII_MAIL"
		cat "$SRC/examples/gemini/collector.log"
	} >stack.log
	run_filter --stats stack.log
	check_stats
	local before="$READ $USED $SKIPPED $REJECTED"
	anon 0 stack.log
	! grep -q "$PII_MAIL" "$T/out" || fail "an address in a stack trace survived"
	mv "$T/out" stack.anon
	run_filter --stats --from collector-log stack.anon
	check_stats
	[ "$READ $USED $SKIPPED $REJECTED" = "$before" ] ||
		{ cat "$T/err" >&2; fail "the anonymized stack trace reads otherwise: $before -> $READ $USED $SKIPPED $REJECTED"; }
}
part stack-lines-kept stack_lines_kept
finish
