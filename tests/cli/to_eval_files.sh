#!/bin/bash
# SPDX-License-Identifier: MIT
#
# televal-to-eval -o DIR keeps make(1) incremental and never shows a half
# file: the same input gives the same bytes; a rerun rewrites nothing (same
# inodes, same times); a changed session rewrites its file only, by rename
# (a hard link to the old file keeps the old text); --prune removes the tasks
# an earlier run wrote and this one did not, and nothing else; no temporary
# file is left behind; write errors are errors.
. "$(dirname "$0")/lib.sh"

TO_EVAL=${TELEVAL_TO_EVAL:?TELEVAL_TO_EVAL is not set (run the tests with meson test)}

gen gemini-collector-log 40 in.log
expect_filter 0 in.log
mv "$T/out" s.jsonl
N=$(lines s.jsonl)

# the files of DIR with inode and modification time, suite and manifest included
snapshot() {
	(cd "$1" && find . -maxdepth 1 -type f -printf '%f %i %T@\n' | sort)
}

same_bytes() {
	expect_exit 0 "$TO_EVAL" s.jsonl
	mv "$T/out" a.yaml
	expect_exit 0 "$TO_EVAL" s.jsonl
	same a.yaml "$T/out" "two runs"
	expect_exit 0 "$TO_EVAL" -o d1 s.jsonl
	expect_exit 0 "$TO_EVAL" --no-fsync -o d2 s.jsonl
	diff -r d1 d2 >/dev/null || fail "--no-fsync wrote other bytes"
	# the files hold what standard output holds, document by document
	cat d1/runtime-*.yaml | sed -n '/./p' >files.txt
	sed -n '/^---$/!p' a.yaml >stdout.txt
	[ "$(wc -c <files.txt)" -eq "$(wc -c <stdout.txt)" ] || fail "files and standard output differ"
}
part "same input, same bytes" same_bytes

incremental() {
	local tasks before after changed
	expect_exit 0 "$TO_EVAL" --stats -o d s.jsonl
	tasks=$(ls d/runtime-*.yaml | wc -l)
	stderr_has "files: written $((tasks + 1)) \+ unchanged 0, pruned 0"
	before=$(snapshot d)
	sleep 1
	expect_exit 0 "$TO_EVAL" --stats -o d s.jsonl
	stderr_has "files: written 0 \+ unchanged $((tasks + 1)), pruned 0"
	after=$(snapshot d)
	[ "$before" = "$after" ] || fail "a rerun touched files"
	# change the first session's prompt: its file only is replaced, by rename
	local first id
	id=$(head -1 s.jsonl | sed 's/^{"televal":1,"id":"\([^"]*\)".*/\1/')
	first=d/runtime-$id.yaml
	[ -f "$first" ] || fail "no $first"
	ln "$first" old-link.yaml
	sed '1s/"prompt":"/"prompt":"CHANGED /' s.jsonl >s2.jsonl
	expect_exit 0 "$TO_EVAL" --stats -o d s2.jsonl
	stderr_has "files: written 1 \+ unchanged $tasks, pruned 0"
	after=$(snapshot d)
	changed=$(diff <(printf '%s\n' "$before") <(printf '%s\n' "$after") | grep -c '^>' || true)
	[ "$changed" -eq 1 ] || fail "$changed files changed, expected 1"
	grep -q CHANGED "$first" || fail "the changed task was not rewritten"
	grep -q CHANGED old-link.yaml && fail "the file was rewritten in place, not replaced"
	ls -A d | grep -q '^\.tvtmp-' && fail "temporary files left behind"
	return 0
}
part "incremental" incremental

prune() {
	local tasks
	expect_exit 0 "$TO_EVAL" -o p s.jsonl
	tasks=$(ls p/runtime-*.yaml | wc -l)
	echo "mine" >p/notes.txt
	echo "id: mine" >p/runtime-handmade.yaml
	: >p/.tvtmp-leftover
	# the last eligible session goes: its task stays without --prune
	grep -v "$(ls p/runtime-*.yaml | grep -v handmade | tail -1 | sed 's|p/runtime-||; s|\.yaml$||')" s.jsonl >s3.jsonl
	expect_exit 0 "$TO_EVAL" --stats -o p s3.jsonl
	stderr_has "pruned 0"
	[ "$(ls p/runtime-*.yaml | wc -l)" -eq $((tasks + 1)) ] || fail "a task went without --prune"
	expect_exit 0 "$TO_EVAL" --stats --prune -o p s3.jsonl
	stderr_has "files: written 0 \+ unchanged $tasks, pruned 1"
	[ "$(ls p/runtime-*.yaml | wc -l)" -eq "$tasks" ] || fail "--prune did not remove the stale task"
	[ -f p/notes.txt ] && [ -f p/runtime-handmade.yaml ] || fail "--prune removed a file it did not write"
	[ ! -e p/.tvtmp-leftover ] || fail "--prune left a stale temporary file"
	grep -c '^  - runtime-\|^- runtime-' p/eval.yaml | grep -qx "$((tasks - 1))" ||
		fail "eval.yaml does not list the remaining tasks"
}
part "prune" prune

errors() {
	expect_exit 1 sh -c "\"$TO_EVAL\" s.jsonl >/dev/full"
	stderr_has '^televal-to-eval: write error: '
	expect_exit 1 "$TO_EVAL" no-such-file.jsonl
	stderr_has '^televal-to-eval: no-such-file.jsonl: '
	if [ "$(id -u)" != 0 ]; then
		mkdir ro && chmod 555 ro
		expect_exit 1 "$TO_EVAL" -o ro s.jsonl
		stderr_has 'ro: cannot create a file'
	fi
}
part "errors" errors

# no task at all, with -o, in every format and unit: an empty suite, no
# undefined behaviour (memcpy and qsort of nothing were called with NULL)
zero_tasks() {
	local f
	: >empty.jsonl
	for f in waza promptfoo openai-evals inspect langfuse; do
		expect_exit 0 "$TO_EVAL" --stats --format "$f" -o "z-$f" empty.jsonl
		# the suite file, for the formats that have one
		stderr_has '^televal-to-eval: files: written [01] \+ unchanged 0, pruned 0$'
		[ "$(find "z-$f" -type f ! -name '.*' | wc -l)" -eq \
			"$(sed -n 's/^televal-to-eval: files: written \([01]\) .*/\1/p' "$T/err")" ] ||
			fail "$f: --stats does not count the files written"
		[ -z "$(find "z-$f" -name '.*tmp*')" ] || fail "$f: a temporary file was left"
		[ ! -s "$T/out" ] || fail "$f: output on standard output with -o"
		expect_exit 0 "$TO_EVAL" --unit turn --format "$f" -o "zt-$f" empty.jsonl
		expect_exit 0 "$TO_EVAL" --format "$f" empty.jsonl
	done
	[ -s z-waza/eval.yaml ] || fail "no suite file for zero tasks"
	expect_exit 0 "$TO_EVAL" --prune -o z-waza empty.jsonl
}
part "zero tasks" zero_tasks

# a full disk (a small tmpfs in a mount namespace): exit 1, every file in
# the directory complete, no temporary file, and --stats counts the files
# that are there, with one records line and one sessions line
full_disk() {
	if ! unshare -rm true 2>/dev/null; then
		note "no mount namespace: skipping the full-disk case"
		return 0
	fi
	expect_exit 0 "$TO_EVAL" --no-fsync -o whole s.jsonl
	mkdir -p mnt got
	RC=0
	unshare -rm sh -c 'mount -t tmpfs -o size=48k tmpfs mnt || exit 99
		"$1" --stats -o mnt/d s.jsonl 2>err.txt; echo $? >rc.txt
		cp -a mnt/d/. got/' sh "$TO_EVAL" || RC=$?
	[ "$RC" -eq 0 ] || fail "the mount namespace run failed ($RC)"
	check_no_crash "$(cat rc.txt)" err.txt "televal-to-eval on a full disk"
	[ "$(cat rc.txt)" -eq 1 ] || fail "full disk: exit status $(cat rc.txt), expected 1"
	stderr_has 'No space left on device' err.txt
	[ "$(grep -c '^televal-to-eval: records: ' err.txt)" -eq 1 ] || fail "not one records line"
	[ "$(grep -c '^televal-to-eval: sessions: ' err.txt)" -eq 1 ] || fail "not one sessions line"
	local n there
	n=$(sed -n 's/^televal-to-eval: files: written \([0-9]*\) .*/\1/p' err.txt)
	there=$(find got -maxdepth 1 -type f ! -name '.*' | wc -l)
	[ -n "$n" ] && [ "$n" -eq "$there" ] || fail "--stats says $n files written, $there are there"
	[ "$there" -lt "$N" ] || fail "the disk was not full: $there files"
	[ -z "$(find got -name '.*tmp*')" ] || fail "a temporary file was left: $(find got -name '.*tmp*')"
	for f in got/runtime-*; do
		[ -e "$f" ] || continue
		cmp -s "$f" "whole/$(basename "$f")" || fail "$f is not complete"
	done
}
part "full disk" full_disk
finish
