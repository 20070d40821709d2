#!/bin/bash
# SPDX-License-Identifier: MIT
# Every telemetry file in examples/ converts cleanly: exit 0, nothing
# rejected, schema-valid sessions; and examples/demo.sh runs.
. "$(dirname "$0")/lib.sh"

one() {	# FILE
	local f=$1 out
	out=$T/$(echo "$f" | tr '/' '_').jsonl
	"$FILTER" --stats "$SRC/examples/$f" >"$out" 2>"$T/err" || {
		cat "$T/err" >&2
		fail "$f: exit status $?"
	}
	grep -q 'rejected 0$' "$T/err" || fail "$f: records rejected: $(cat "$T/err")"
	[ -s "$out" ] || fail "$f: no sessions"
	"$PY" "$CHECK_SCHEMA" "$out" || fail "$f: output does not match the schema"
	note "$f: $(wc -l <"$out") sessions"
}

n=0
for f in $(cd "$SRC/examples" && find . -type f \( -name '*.log' -o -name '*.jsonl' -o -name '*.json' \
	-o -name '*.db' \) ! -name 'policy*' | sed 's|^\./||' | sort); do
	part "$f" one "$f"
	n=$((n + 1))
done
[ "$n" -ge 6 ] || fail "only $n example files found"
part "demo.sh" sh -c "sh '$SRC/examples/demo.sh' '$FILTER' >'$T/demo.out' 2>&1"
finish
