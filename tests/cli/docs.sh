#!/bin/bash
# SPDX-License-Identifier: MIT
# --help and the man page name the same options, for every tool.
. "$(dirname "$0")/lib.sh"

check_tool() {	# BINARY MANPAGE
	local bin=$1 man=$2 opt
	[ -x "$bin" ] || fail "$bin is not built"
	"$bin" --help >"$T/help" || fail "$bin --help: exit status $?"
	"$bin" --version | grep -q "(televal)" || fail "$bin --version"
	grep -oE -- '--[a-z][a-z-]+' "$T/help" | sort -u >"$T/help.opts"
	grep -oE -- '\*--[a-z][a-z-]+\*' "$man" | tr -d '*' | sort -u >"$T/man.opts"
	for opt in $(comm -23 "$T/help.opts" "$T/man.opts"); do
		fail "$(basename "$bin"): $opt is in --help but not in $(basename "$man")"
	done
	for opt in $(comm -13 "$T/help.opts" "$T/man.opts"); do
		fail "$(basename "$bin"): $opt is in $(basename "$man") but not in --help"
	done
	note "$(basename "$bin"): $(wc -l <"$T/help.opts") options documented in both"
}

part filter check_tool "$TELEVAL_FILTER" "$SRC/tools/filter/televal-filter.1.scd"
if [ -n "${TELEVAL_ANONYMIZE:-}" ]; then
	part anonymize check_tool "$TELEVAL_ANONYMIZE" "$SRC/tools/anonymize/televal-anonymize.1.scd"
fi
if [ -n "${TELEVAL_TO_EVAL:-}" ]; then
	part to-eval check_tool "$TELEVAL_TO_EVAL" "$SRC/tools/to-eval/televal-to-eval.1.scd"
fi
if [ -n "${TELEVAL_AGGREGATE:-}" ]; then
	part aggregate check_tool "$TELEVAL_AGGREGATE" "$SRC/tools/aggregate/televal-aggregate.1.scd"
fi
finish
