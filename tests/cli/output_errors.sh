#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Every output path of every tool, when the output fails:
#   - the reader of standard output goes away (`televal-filter big.log |
#     head`), or of a FIFO given to -o: the tool ends at once and quietly,
#     killed by SIGPIPE as cat(1) is (status 141 from the shell), with
#     nothing on standard error;
#   - the disk is full (/dev/full; a small tmpfs in a mount namespace
#     where one can be made): exit 1 with "write error", and -o FILE or
#     DIR holds no half-written file: the old file stays as it was, no
#     temporary file is left.
. "$(dirname "$0")/lib.sh"

ANON=${TELEVAL_ANONYMIZE:?TELEVAL_ANONYMIZE is not set (run the tests with meson test)}
TO_EVAL=${TELEVAL_TO_EVAL:?TELEVAL_TO_EVAL is not set (run the tests with meson test)}
AGG=${TELEVAL_AGGREGATE:?TELEVAL_AGGREGATE is not set (run the tests with meson test)}
FRONT=$(dirname "$(dirname "$FILTER")")/televal/televal
export TELEVAL_KEY=00112233445566778899aabbccddeeff

# big enough that every output is far larger than a pipe's buffer
gen gemini-collector-log 300 big.log
expect_filter 0 big.log
mv "$T/out" big.jsonl
[ "$(wc -c <big.jsonl)" -gt 1000000 ] || fail "big.jsonl is too small for the pipe cases"
# --ids writes 38 bytes a session: 300 sessions fit in a pipe's buffer, and
# the run could end before the reader went away; 9000 (the 300 thirty
# times over) do not
for i in $(seq 1 30); do cat big.jsonl; done >ids.jsonl

# the commands, one per output path to standard output
commands() {
	cat <<CMDS
$FILTER big.log
$FILTER --ids ids.jsonl
$FILTER --emit-keyed big.log
$FILTER --events big.log
$FRONT filter big.log
$ANON big.log
$ANON big.jsonl
$ANON --to canonical big.log
$TO_EVAL big.jsonl
$TO_EVAL --format promptfoo big.jsonl
$TO_EVAL --jsonl --template $SRC/templates/waza.yaml big.jsonl
$AGG --format json --by model --by tool big.log
$AGG --format html --by model --by tool big.jsonl
$AGG --partial big.log
CMDS
}

# a reader that goes away after 100 bytes: status 141, nothing said
sigpipe() {
	local cmd st
	while read -r cmd; do
		# shellcheck disable=SC2086
		$cmd 2>err.txt | head -c 100 >/dev/null
		st=${PIPESTATUS[0]}
		[ "$st" -eq 141 ] || { cat err.txt >&2; fail "$cmd | head: status $st, expected 141 (SIGPIPE)"; }
		grep -v '^televal-[a-z-]*: warning: ' err.txt >err.rest || true
		[ ! -s err.rest ] || { cat err.rest >&2; fail "$cmd | head: said something"; }
	done < <(commands)
}
part "SIGPIPE on standard output" sigpipe

# -o FIFO: the FIFO is written through; its reader going away is SIGPIPE too
fifo() {
	local st
	mkfifo f.fifo
	for tool in "$FILTER big.log" "$ANON big.jsonl" "$AGG --format json --by model --by tool big.log"; do
		head -c 100 f.fifo >/dev/null &
		st=0
		# shellcheck disable=SC2086
		$tool -o f.fifo 2>err.txt || st=$?
		wait
		[ "$st" -eq 141 ] || { cat err.txt >&2; fail "$tool -o FIFO: status $st, expected 141"; }
		[ -p f.fifo ] || fail "$tool -o FIFO: the FIFO was replaced"
	done
}
part "SIGPIPE on -o FIFO" fifo

# standard output on a full device: exit 1, "write error", no crash
dev_full() {
	local cmd st
	[ -w /dev/full ] || { note "no /dev/full"; return 0; }
	while read -r cmd; do
		st=0
		# shellcheck disable=SC2086
		$cmd >/dev/full 2>err.txt || st=$?
		check_no_crash "$st" err.txt "$cmd >/dev/full"
		[ "$st" -eq 1 ] || { cat err.txt >&2; fail "$cmd >/dev/full: status $st, expected 1"; }
		grep -q 'write error: No space left on device' err.txt ||
			{ cat err.txt >&2; fail "$cmd >/dev/full: no write error said"; }
	done < <(commands)
	for cmd in "$FILTER big.log" "$ANON big.log" "$AGG big.log"; do
		st=0
		# shellcheck disable=SC2086
		$cmd -o /dev/full 2>err.txt || st=$?
		[ "$st" -eq 1 ] || fail "$cmd -o /dev/full: status $st, expected 1"
		[ -c /dev/full ] || fail "/dev/full is no longer a device"
	done
}
part "standard output on /dev/full" dev_full

# -o FILE and -o DIR on a full file system: old files kept, nothing half-written
full_fs() {
	if ! unshare -rm true 2>/dev/null; then
		note "no mount namespace: skipping the full file system"
		return 0
	fi
	mkdir -p mnt
	RC=0
	unshare -rm bash -c '
		mount -t tmpfs -o size=256k tmpfs mnt || exit 99
		echo old >mnt/out.jsonl
		cp mnt/out.jsonl keep.txt
		"$1" big.log -o mnt/out.jsonl 2>e1.txt; echo $? >rc1.txt
		cmp -s mnt/out.jsonl keep.txt || echo "filter -o: the old file changed" >>bad.txt
		"$2" big.log -o mnt/out.jsonl 2>e2.txt; echo $? >rc2.txt
		cmp -s mnt/out.jsonl keep.txt || echo "anonymize -o: the old file changed" >>bad.txt
		head -c 220k /dev/zero >mnt/filler # what is left is less than the state
		"$4" --partial big.log -o mnt/out.jsonl 2>e5.txt; echo $? >rc5.txt
		cmp -s mnt/out.jsonl keep.txt || echo "aggregate -o: the old file changed" >>bad.txt
		rm mnt/filler
		mkdir mnt/dir
		"$2" big.log -o mnt/dir/ 2>e3.txt; echo $? >rc3.txt
		[ ! -e mnt/dir/big.log ] || echo "anonymize -o DIR/: a half-written file" >>bad.txt
		ls -A mnt mnt/dir | grep -q "\.tmp\." && echo "a temporary file was left" >>bad.txt
		"$3" big.jsonl --no-fsync -o mnt/tasks 2>e4.txt; echo $? >rc4.txt
		ls -A mnt/tasks | grep -q "\.tmp\." && echo "to-eval: a temporary file was left" >>bad.txt
		true' sh "$FILTER" "$ANON" "$TO_EVAL" "$AGG" || RC=$?
	[ "$RC" -eq 0 ] || fail "the mount namespace run failed ($RC)"
	[ ! -s bad.txt ] || { cat bad.txt >&2; fail "full file system: $(head -1 bad.txt)"; }
	for i in 1 2 3 4 5; do
		check_no_crash "$(cat rc$i.txt)" e$i.txt "case $i on a full file system"
		[ "$(cat rc$i.txt)" -eq 1 ] || { cat e$i.txt >&2; fail "case $i: status $(cat rc$i.txt), expected 1"; }
		grep -q 'No space left on device' e$i.txt || { cat e$i.txt >&2; fail "case $i: ENOSPC not said"; }
	done
}
part "-o on a full file system" full_fs

finish
