# SPDX-License-Identifier: MIT
# shellcheck shell=bash disable=SC2034
# (SC2034: the variables set here are for the tests that source this file)
#
# Sourced by every tests/cli/*.sh test.  tests/meson.build runs each test
# with TELEVAL_FILTER (the built tool), TV_SRCDIR (the source tree),
# TV_BUILDDIR and TV_SHARED (../shared, which may be absent).  A test passes
# with exit status 0, fails with anything else, and skips with 77.

set -eu

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

skip() {
	echo "SKIP: $*"
	exit 77
}

note() {
	echo "# $*"
}

FILTER=${TELEVAL_FILTER:?TELEVAL_FILTER is not set (run the tests with meson test)}
SRC=${TV_SRCDIR:?TV_SRCDIR is not set (run the tests with meson test)}
SHARED=${TV_SHARED:-}
[ -x "$FILTER" ] || fail "$FILTER is not an executable"

# a python with the jsonschema module (the pyenv python3 on the dev machine
# may lack it; Debian's python3-jsonschema is in /usr/bin/python3)
PY=
for py in python3 /usr/bin/python3; do
	if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import jsonschema' >/dev/null 2>&1; then
		PY=$py
		break
	fi
done
[ -n "$PY" ] || fail "no python3 with the jsonschema module (apt-get install python3-jsonschema)"

GEN="$SRC/tests/tools/gen_corpus.py"
CHECK_SCHEMA="$SRC/tests/tools/check_schema.py"
CHECK_TRUTH="$SRC/tests/tools/check_truth.py"
CHECK_AGGREGATE="$SRC/tests/tools/check_aggregate.py"
AGGREGATE_SCHEMA="$SRC/tools/aggregate/aggregate.schema.json"

T=$(mktemp -d "${TMPDIR:-/tmp}/televal-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T"

# A crash is an exit status of 128 or more (a signal; ASan aborts), or a
# sanitizer report on stderr.  check_no_crash RC STDERR-FILE WHAT
check_no_crash() {
	if [ "$1" -ge 128 ]; then
		sed -n '1,40p' "$2" >&2
		fail "$3: crashed (exit status $1)"
	fi
	if grep -Eq 'ERROR: (Address|Leak|Memory|Thread)Sanitizer|runtime error:|SUMMARY: [A-Za-z]*Sanitizer' "$2"; then
		sed -n '1,60p' "$2" >&2
		fail "$3: sanitizer report"
	fi
}

# run_filter ARGS...: run televal-filter with stdout in $T/out, stderr in
# $T/err and the exit status in RC; fails on a crash only.
RC=0
run_filter() {
	RC=0
	"$FILTER" "$@" >"$T/out" 2>"$T/err" || RC=$?
	check_no_crash "$RC" "$T/err" "televal-filter $*"
}

# expect_exit CODE CMD...: run CMD (stdout in $T/out, stderr in $T/err) and
# fail unless it exits with CODE without crashing.
expect_exit() {
	local want=$1
	shift
	RC=0
	"$@" >"$T/out" 2>"$T/err" || RC=$?
	check_no_crash "$RC" "$T/err" "$*"
	if [ "$RC" -ne "$want" ]; then
		echo "--- stderr:" >&2
		sed -n '1,30p' "$T/err" >&2
		fail "$*: exit status $RC, expected $want"
	fi
}

# expect_filter CODE ARGS...: expect_exit CODE televal-filter ARGS...
expect_filter() {
	local want=$1
	shift
	expect_exit "$want" "$FILTER" "$@"
}

# stderr_has ERE [FILE]: fail unless FILE (default $T/err) has a line matching ERE
stderr_has() {
	local f=${2:-$T/err}
	if ! grep -Eq -- "$1" "$f"; then
		echo "--- $f:" >&2
		sed -n '1,30p' "$f" >&2
		fail "no line matching /$1/ in $(basename "$f")"
	fi
}

# stderr_lacks ERE [FILE]
stderr_lacks() {
	local f=${2:-$T/err}
	if grep -Eq -- "$1" "$f"; then
		grep -E -- "$1" "$f" | sed -n '1,10p' >&2
		fail "unexpected line matching /$1/ in $(basename "$f")"
	fi
}

# ere_quote STRING: STRING with ERE metacharacters escaped
ere_quote() {
	printf '%s' "$1" | sed 's/[][\.*^$?+(){}|/]/\\&/g'
}

# check_stats [FILE]: the --stats lines in FILE (default $T/err) must be
# there and add up.  Sets READ USED SKIPPED REJECTED SESSIONS WRITTEN FILTERED.
check_stats() {
	local f=${1:-$T/err} line
	line=$(grep -E '^televal-filter: records: read [0-9]+ = used [0-9]+ \+ skipped [0-9]+ \+ rejected [0-9]+$' "$f" || true)
	[ -n "$line" ] || { sed -n '1,30p' "$f" >&2; fail "no --stats records line"; }
	[ "$(printf '%s\n' "$line" | wc -l)" -eq 1 ] || fail "more than one --stats records line"
	read -r READ USED SKIPPED REJECTED <<<"$(printf '%s\n' "$line" | sed 's/[^0-9][^0-9]*/ /g')"
	[ "$READ" -eq $((USED + SKIPPED + REJECTED)) ] ||
		fail "records do not add up: $line"
	line=$(grep -E '^televal-filter: sessions: read [0-9]+ = written [0-9]+ \+ filtered [0-9]+$' "$f" || true)
	[ -n "$line" ] || { sed -n '1,30p' "$f" >&2; fail "no --stats sessions line"; }
	read -r SESSIONS WRITTEN FILTERED <<<"$(printf '%s\n' "$line" | sed 's/[^0-9][^0-9]*/ /g')"
	[ "$SESSIONS" -eq $((WRITTEN + FILTERED)) ] ||
		fail "sessions do not add up: $line"
}

# lines FILE: the number of lines in FILE
lines() {
	wc -l <"$1" | tr -d ' '
}

# check_schema FILE...: every line of every FILE validates against the schema
check_schema() {
	"$PY" "$CHECK_SCHEMA" "$@" >"$T/schema.log" 2>&1 || {
		sed -n '1,30p' "$T/schema.log" >&2
		fail "output does not validate against libcommon/model/session.schema.json: $*"
	}
}

# check_report FILE...: each FILE is a televal-aggregate JSON report that
# validates against tools/aggregate/aggregate.schema.json
check_report() {
	"$PY" "$CHECK_SCHEMA" --schema "$AGGREGATE_SCHEMA" --no-order "$@" >"$T/report-schema.log" 2>&1 || {
		sed -n '1,30p' "$T/report-schema.log" >&2
		fail "not a valid televal-aggregate report: $*"
	}
}

# gen FORMAT SESSIONS OUT [gen_corpus options...]: a synthetic corpus
gen() {
	local fmt=$1 n=$2 out=$3
	shift 3
	"$PY" "$GEN" --format "$fmt" --sessions "$n" -o "$out" "$@" ||
		fail "gen_corpus.py --format $fmt failed"
}

# no_file_names FILE: FILE with every "source":{...,"file":"..."} replaced by
# "file":"*", so outputs read from differently named inputs compare equal
no_file_names() {
	sed 's/\("source":{"format":\("[^"]*"\|null\),"service":\("\([^"\\]\|\\.\)*"\|null\),"file":\)\("\([^"\\]\|\\.\)*"\|null\)/\1"*"/' "$1"
}

# same FILE1 FILE2 WHAT: byte-identical files
same() {
	cmp "$1" "$2" >/dev/null 2>&1 || {
		cmp "$1" "$2" >&2 || true
		fail "$3: $(basename "$1") and $(basename "$2") differ"
	}
}

# part NAME CMD...: run CMD in a subshell (with set -e); a failure is noted
# and the test goes on, so one run shows every broken part.  Call finish at
# the end.
FAILED_PARTS=
part() {
	local name=$1 rc
	shift
	set +e
	(
		set -e
		"$@"
	)
	rc=$?
	set -e
	if [ "$rc" -ne 0 ]; then
		echo "FAILED PART: $name" >&2
		FAILED_PARTS="$FAILED_PARTS
  $name"
	fi
}

# finish: fail if a part failed
finish() {
	[ -z "$FAILED_PARTS" ] || fail "failed parts:$FAILED_PARTS"
}
