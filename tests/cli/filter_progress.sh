#!/bin/bash
# SPDX-License-Identifier: MIT
# The progress line: on with --progress (and by default on a terminal), never
# with --no-progress or when standard error is not a terminal.
. "$(dirname "$0")/lib.sh"

"$PY" "$GEN" --format otlp-logs --sessions 300 -o in.jsonl
"$FILTER" --progress in.jsonl >out.jsonl 2>err || fail "--progress: exit status $?"
grep -q $'\r'"televal-filter: .* records, 300 sessions, 300 kept" err ||
	fail "--progress: no final progress line: $(cat -A err | head -3)"
"$FILTER" in.jsonl >/dev/null 2>err2 || fail "exit status $?"
[ ! -s err2 ] || fail "a progress line without a terminal: $(cat -A err2 | head -3)"
if command -v script >/dev/null 2>&1 && script -qec true /dev/null >/dev/null 2>&1; then
	# a terminal on standard error: progress by default, none with --no-progress
	script -qec "'$FILTER' in.jsonl >/dev/null" /dev/null >tty.out 2>&1 || true
	grep -q "300 sessions" tty.out || fail "no progress line on a terminal: $(cat -A tty.out | head -3)"
	script -qec "'$FILTER' --no-progress in.jsonl >/dev/null" /dev/null >tty2.out 2>&1 || true
	! grep -q "sessions" tty2.out || fail "--no-progress still shows progress"
else
	note "script(1) is missing or has no pseudo-terminal here: the terminal cases are not checked"
fi
cmp -s out.jsonl <("$FILTER" in.jsonl) || fail "--progress changed the output"
