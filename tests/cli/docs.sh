#!/bin/bash
# SPDX-License-Identifier: MIT
# --help and the man page name the same options, for every tool; every man
# page has a LIMITS section whose flags the tool has and README.md's Limits
# table names; the source's references to docs/FORMATS.md name headings it
# has.
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
	check_limits "$bin" "$man"
}

# check_limits BINARY MANPAGE: the page has a LIMITS section; each flag that
# raises a limit ("raised with *--flag*") is in --help and in README.md's
# Limits table
check_limits() {
	local bin=$1 man=$2 opt
	grep -qx '# LIMITS' "$man" || fail "$(basename "$man") has no LIMITS section"
	awk '/^# / { on = ($0 == "# LIMITS"); next } on' "$man" |
		grep -oE -- 'raised with \*--[a-z][a-z-]+\*' | grep -oE -- '--[a-z-]+' | sort -u >"$T/limit.opts"
	awk '/^## / { on = ($0 == "## Limits"); next } on' "$SRC/README.md" >"$T/readme.limits"
	[ -s "$T/readme.limits" ] || fail "README.md has no Limits section"
	for opt in $(cat "$T/limit.opts"); do
		grep -qxF -- "$opt" "$T/help.opts" || fail "$(basename "$man"): LIMITS names $opt, not in --help"
		grep -qF -- "\`$opt\`" "$T/readme.limits" || fail "$(basename "$man"): LIMITS names $opt, README.md's Limits table does not"
	done
}

# anchors FILE: the GitHub anchor of every heading of the Markdown FILE, one
# per line (lowercase; characters other than letters, digits, blanks, "-"
# and "_" dropped; blanks turned into "-"), code blocks left out
anchors() {
	awk '/^```/ { code = !code; next } !code && /^#+ / { sub(/^#+ +/, ""); print }' "$1" |
		tr 'A-Z' 'a-z' | sed 's/[^a-z0-9 _-]//g; s/ /-/g' | sort -u
}

# Comments point into the formats document as docs/FORMATS.md#ANCHOR (for
# example docs/FORMATS.md#jaeger): every such reference in the source must
# have that form and name a heading the document has, and every --from
# format has a section of its own.
check_format_refs() {
	local doc="$SRC/docs/FORMATS.md" ref bad=0 name
	[ -f "$doc" ] || fail "docs/FORMATS.md is missing"
	anchors "$doc" >"$T/anchors"
	(cd "$SRC" && grep -rnoE --exclude='*.md' --exclude=docs.sh '[A-Za-z0-9_./-]*FORMATS\.md(#[A-Za-z0-9_-]*)?' \
		libcommon tools tests bench examples templates meson.build Makefile || true) >"$T/refs"
	while IFS= read -r ref; do
		case ${ref#*:*:} in
		docs/FORMATS.md\#?*) grep -qxF "${ref##*#}" "$T/anchors" && continue ;;
		esac
		echo "${ref%:*}: ${ref#*:*:} names no heading of docs/FORMATS.md" \
			"(write docs/FORMATS.md#ANCHOR)" >&2
		bad=1
	done <"$T/refs"
	[ "$bad" -eq 0 ] || fail "references to docs/FORMATS.md without a heading"
	"$FILTER" --help | sed -n '/--from FORMAT/{n;p}' | tr -d ' ' | tr ',' '\n' >"$T/formats"
	[ -s "$T/formats" ] || fail "no format list after --from in televal-filter --help"
	while IFS= read -r name; do
		grep -qxF "$name" "$T/anchors" || fail "docs/FORMATS.md has no section \"## $name\""
	done <"$T/formats"
	note "$(wc -l <"$T/refs") references to docs/FORMATS.md name its headings;" \
		"$(wc -l <"$T/formats") formats have a section"
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
front="$(dirname "$TELEVAL_FILTER")/../televal/televal"
if [ -x "$front" ]; then
	part televal check_tool "$front" "$SRC/tools/televal/televal.1.scd"
fi
part "docs/FORMATS.md references" check_format_refs
finish
