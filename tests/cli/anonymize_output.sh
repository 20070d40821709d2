#!/bin/bash
# SPDX-License-Identifier: MIT
#
# televal-anonymize -o writes complete outputs or none: a failed input, a
# read error in the middle, or a signal leaves no output file (an old one
# stays as it was) and no temporary file.  -o DIR/ writes one output per
# input, under its name scanned like the records: no user of a Claude Code
# project directory, no address in a file name is copied, and --check
# reports them.  A Llama Stack database is copied, never changed in place.
. "$(dirname "$0")/lib.sh"

ANON=${TELEVAL_ANONYMIZE:?TELEVAL_ANONYMIZE is not set (run the tests with meson test)}

printf 'a key' >key
gen otlp-logs 30 in.jsonl --pii-rate 0.5
gen gemini-outfile 10 in.json --pii-rate 0.5

# no_tmp DIR: no temporary output left in DIR
no_tmp() {
	if ls -A "$1" | grep -q '\.tmp\.'; then
		ls -la "$1" >&2
		fail "a temporary file was left in $1"
	fi
}

missing_input() {
	expect_exit 1 "$ANON" --key-file key -o out.jsonl in.jsonl no-such-file
	stderr_has 'no-such-file: cannot open'
	[ ! -e out.jsonl ] || fail "an output was written although an input failed"
	no_tmp .
}

old_output_kept() {
	echo "old content" >old.jsonl
	expect_exit 1 "$ANON" --key-file key -o old.jsonl in.jsonl no-such-file
	[ "$(cat old.jsonl)" = "old content" ] || fail "the old output was changed"
	no_tmp .
	expect_exit 0 "$ANON" --key-file key -o old.jsonl in.jsonl
	[ "$(lines old.jsonl)" -eq "$(lines in.jsonl)" ] || fail "the output is not complete"
}

read_error_midway() {
	gzip -c in.jsonl >in.jsonl.gz
	head -c "$(($(stat -c %s in.jsonl.gz) / 2))" in.jsonl.gz >cut.jsonl.gz
	expect_exit 1 "$ANON" --key-file key -o cut.out cut.jsonl.gz
	[ ! -e cut.out ] || fail "an output was written from a truncated input"
	no_tmp .
	# the whole one is fine, and written uncompressed
	expect_exit 0 "$ANON" --key-file key -o gz.out in.jsonl.gz
	expect_exit 0 "$ANON" --key-file key -o plain.out in.jsonl
	same gz.out plain.out "gzip and plain input"
}

killed() {
	local pid rc=0
	mkdir -p sig
	mkfifo sig/fifo
	"$ANON" --key-file key --from otlp -o sig/out.jsonl sig/fifo 2>sig/err &
	pid=$!
	exec 3>sig/fifo
	head -5 in.jsonl >&3
	sleep 1
	ls -A sig | grep -q '\.tmp\.' || note "no temporary file seen yet"
	kill -TERM "$pid"
	wait "$pid" || rc=$?
	exec 3>&-
	[ "$rc" -eq 143 ] || { cat sig/err >&2; fail "killed: exit status $rc, expected 143"; }
	[ ! -e sig/out.jsonl ] || fail "a killed run left an output"
	no_tmp sig
}

mode() {
	(umask 027 && "$ANON" --key-file key -o mode.out in.jsonl) || fail "exit status $?"
	[ "$(stat -c %a mode.out)" = 640 ] || fail "mode $(stat -c %a mode.out) under umask 027"
}

out_dir() {
	mkdir -p tree/sub
	cp in.jsonl tree/a.jsonl
	cp in.json tree/sub/b.json
	echo "not telemetry at all" >tree/sub/c.txt
	expect_exit 1 "$ANON" --key-file key -o outdir/ tree
	stderr_has 'c.txt: cannot tell the input format'
	[ -s outdir/a.jsonl ] || fail "outdir/a.jsonl was not written"
	[ -s outdir/sub/b.json ] || fail "outdir/sub/b.json was not written"
	[ ! -e outdir/sub/c.txt ] || fail "outdir/sub/c.txt was written"
	no_tmp outdir
	no_tmp outdir/sub
	expect_exit 0 "$ANON" --key-file key -o single.json in.json
	same single.json outdir/sub/b.json "-o FILE and -o DIR/"
	# two inputs of one name
	mkdir -p other
	cp in.jsonl other/a.jsonl
	expect_exit 1 "$ANON" --key-file key -o outdir2/ tree/a.jsonl other/a.jsonl
	stderr_has 'would overwrite'
	# an output that is an input
	expect_exit 1 "$ANON" --key-file key -o tree/ tree/a.jsonl
	stderr_has 'would overwrite'
	same tree/a.jsonl in.jsonl "the input"
}

llama() {
	gen llama-stack 10 ls.db --pii-rate 0.5
	cp ls.db ls.orig
	expect_exit 2 "$ANON" --key-file key ls.db
	stderr_has 'Llama Stack database'
	expect_exit 2 "$ANON" --key-file key -o ls.db ls.db
	ln -s ls.db link.db
	expect_exit 2 "$ANON" --key-file key -o link.db ls.db
	expect_exit 2 "$ANON" --key-file key -o ls2.db ls.db in.jsonl
	same ls.db ls.orig "the database after refused runs"
	expect_exit 0 "$ANON" --key-file key -o ls.anon.db ls.db
	same ls.db ls.orig "the input database"
	no_tmp .
	"$FILTER" ls.anon.db >/dev/null || fail "the copy does not read back"
	mkdir -p dbdir
	expect_exit 0 "$ANON" --key-file key -o dbdir/ ls.db
	[ -s dbdir/ls.db ] || fail "dbdir/ls.db was not written"
}

part missing-input missing_input
part old-output-kept old_output_kept
part read-error-midway read_error_midway
part killed killed
part mode mode
part out-dir out_dir
part llama llama
# the names below a directory operand are scanned like the records
names_scanned() {
	local d=names.in
	mkdir -p "$d/-home-ana-proj" "$d/-Users-chip-dev-music" "$d/C--Users-mary-src" \
		"$d/-home-runner-work" "$d/mail"
	cp "$SRC/examples/claude-code/-home-ana-proj/s-1.jsonl" "$d/-home-ana-proj/"
	cp "$SRC/examples/claude-code/-home-ana-proj/s-2.jsonl" "$d/-Users-chip-dev-music/"
	cp "$SRC/examples/claude-code/-home-ana-proj/s-2.jsonl" "$d/C--Users-mary-src/"
	cp "$SRC/examples/claude-code/-home-ana-proj/s-2.jsonl" "$d/-home-runner-work/"
	cp "$SRC/examples/claude-code/-home-ana-proj/s-2.jsonl" "$d/mail/notes-jane.doe@example.org.jsonl"
	expect_exit 3 "$ANON" --key-file key --check "$d"
	for w in -home-ana-proj -Users-chip-dev-music C--Users-mary-src jane.doe@example.org; do
		grep -F -- "$w" "$T/err" | grep -q 'file name:' || { cat "$T/err" >&2; fail "--check does not report the name $w"; }
	done
	grep -F -- '-home-runner-work' "$T/err" | grep -q 'file name:' && fail "--check reports a CI user"
	expect_exit 0 "$ANON" --key-file key -o names.out/ "$d"
	(cd names.out && find . -type f | sort) >names.list
	[ "$(wc -l <names.list)" -eq 5 ] || { cat names.list >&2; fail "not one output per input"; }
	if grep -E 'ana|chip|mary|jane' names.list; then
		fail "a user or an address survived in an output name"
	fi
	grep -q '^\./-home-runner-work/s-2\.jsonl$' names.list || fail "a CI user's directory was renamed"
	grep -q '^\./C--Users-<USERNAME:[0-9a-f]*>-src/s-2\.jsonl$' names.list || fail "the Windows form was not scrubbed"
	# the same pseudonym as the user's home directory in the records
	local u
	u=$(sed -n 's#^\./-home-\(<USERNAME:[0-9a-f]*>\)-proj/.*#\1#p' names.list)
	[ -n "$u" ] || fail "no pseudonym in the project directory name"
	grep -qF "/home/$u/" "names.out/-home-$u-proj/s-1.jsonl" || fail "the name's pseudonym is not the records' one"
	expect_exit 0 "$ANON" --key-file key --check names.out
	expect_exit 0 "$ANON" --key-file key -o names.again/ names.out
	diff -r names.out names.again >/dev/null || fail "anonymizing the output again changes it"
}
part names-scanned names_scanned
finish
