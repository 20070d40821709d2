#!/bin/bash
# SPDX-License-Identifier: MIT
#
# examples/Makefile, the pipeline collector.log -> televal-filter (sample) ->
# televal-anonymize (--check gate) -> televal-to-eval -> tasks/: `make demo`
# builds it; a second make does nothing; a log that changed in one session
# rewrites that session's task only; a --check that finds PII stops the
# pipeline before any task is written.
. "$(dirname "$0")/lib.sh"

TO_EVAL=${TELEVAL_TO_EVAL:?TELEVAL_TO_EVAL is not set (run the tests with meson test)}
ANON=${TELEVAL_ANONYMIZE:-}
command -v make >/dev/null 2>&1 || skip "make is not installed"
[ -n "$ANON" ] && [ -x "$ANON" ] || skip "televal-anonymize is not built"

mk() {
	make -C "$SRC/examples" --no-print-directory FILTER="$FILTER" ANONYMIZE="$ANON" \
		TO_EVAL="$TO_EVAL" OUT="$T/mk" "$@"
}

snapshot() {
	(cd "$T/mk/tasks" && find . -maxdepth 1 -type f -printf '%f %i %T@\n' | sort)
}

demo() {
	RC=0
	mk demo >demo.log 2>&1 || RC=$?
	[ "$RC" -eq 0 ] || { sed -n '1,40p' demo.log >&2; fail "make demo: exit status $RC"; }
	check_no_crash 0 demo.log "make demo"
	[ -f "$T/mk/tasks/eval.yaml" ] || fail "make demo: no eval.yaml"
	ls "$T/mk/tasks"/runtime-*.yaml >/dev/null 2>&1 || fail "make demo: no task"
	mk -q tasks || fail "make: not up to date after make demo"
}
part "make demo" demo

incremental() {
	local before after changed total
	gen gemini-collector-log 12 c.log --sequential
	rm -rf "$T/mk"
	mk tasks LOG="$T/c.log" RATE=100% >m1.log 2>&1 || { cat m1.log >&2; fail "make tasks"; }
	before=$(snapshot)
	total=$(printf '%s\n' "$before" | wc -l)
	mk -q tasks LOG="$T/c.log" RATE=100% || fail "not up to date"
	sleep 1
	touch c.log
	mk tasks LOG="$T/c.log" RATE=100% >m2.log 2>&1 || fail "make after touch"
	[ "$before" = "$(snapshot)" ] || fail "a touched log rewrote task files"
	# one prompt changes: the first prompt of the log's first session
	sed '0,/-> prompt: Str(/s//-> prompt: Str(CHANGED /' c.log >c2.log
	cmp -s c.log c2.log && fail "the test did not change the log"
	mv c2.log c.log
	mk tasks LOG="$T/c.log" RATE=100% >m3.log 2>&1 || { cat m3.log >&2; fail "make after a change"; }
	after=$(snapshot)
	changed=$(diff <(printf '%s\n' "$before") <(printf '%s\n' "$after") | grep -c '^>' || true)
	[ "$changed" -eq 1 ] || fail "$changed of $total task files changed, expected 1"
	grep -l CHANGED "$T/mk/tasks"/runtime-*.yaml >/dev/null || fail "the change is not in a task"
}
part "incremental" incremental

gate() {
	cat >fake-anonymize <<'SH'
#!/bin/sh
# a stand-in whose --check always finds PII
for a in "$@"; do [ "$a" = --check ] && { echo "x:1: email: a***@b" >&2; exit 3; }; done
while [ $# -gt 1 ]; do case $1 in -o) out=$2; shift 2;; *) shift;; esac; done
cp "$1" "$out"
SH
	chmod +x fake-anonymize
	rm -rf "$T/mk"
	RC=0
	make -C "$SRC/examples" --no-print-directory FILTER="$FILTER" ANONYMIZE="$T/fake-anonymize" \
		TO_EVAL="$TO_EVAL" OUT="$T/mk" tasks >g.log 2>&1 || RC=$?
	[ "$RC" -ne 0 ] || fail "make went on although --check found PII"
	[ ! -e "$T/mk/shared.jsonl" ] || fail "the unchecked sessions became shared.jsonl"
	[ ! -d "$T/mk/tasks" ] || fail "tasks were written although --check found PII"
}
part "the --check gate" gate
finish
