#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The golden cases of tests/data/<format>/ (tests/data/README.md): each
# case's input through televal-filter, detected and then forced with
# --from <format>, must give exactly its expected output, messages and exit
# status; the expected outputs must validate against the session schema;
# every format has a folder and every file of a folder belongs to a case.
# Known-broken cases (NAME.xfail) are listed and must still fail.
#
#   TV_GOLDEN_UPDATE=1 meson test -C build-dev golden.sh
#
# (or golden.sh run by hand with FORMAT or FORMAT/NAME arguments: only those
# cases) rewrites NAME.out (and NAME.err, NAME.exit) from what the tool does now;
# read the diff before committing it.
. "$(dirname "$0")/lib.sh"

DATA=${TV_GOLDEN_DATA:-$SRC/tests/data}	# another tree: the harness checks itself (golden_harness.sh)
UPDATE=${TV_GOLDEN_UPDATE:-}
[ -d "$DATA" ] || fail "$DATA is missing"

# FILE: the arguments of a NAME.args file, as shell words (quotes allowed)
ARGS=()
read_args() {
	ARGS=()
	[ -f "$1" ] || return 0
	xargs -r printf '%s\0' <"$1" >"$T/args" || fail "$1: cannot split into arguments"
	mapfile -d '' ARGS <"$T/args"
}

# DIR NAME: the input of case NAME of DIR, made in the current directory;
# prints the path the tool is given
make_input() {
	local dir=$1 name=$2
	if [ -d "$dir/$name.in" ]; then
		cp -R "$dir/$name.in" "$name"
		echo "$name"
	elif [ -f "$dir/$name.in.gz" ]; then
		cp "$dir/$name.in.gz" "$name.gz"
		echo "$name.gz"
	elif [ -f "$dir/$name.sql" ]; then
		"$PY" -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[2])
db.executescript(open(sys.argv[1], encoding="utf-8").read())
db.commit()' "$dir/$name.sql" "$name" || return 1
		echo "$name"
	else
		cp "$dir/$name.in" "$name"
		echo "$name"
	fi
}

# The case names of DIR: its inputs without .in, .in.gz or .sql
case_names() {
	local f
	for f in "$1"/*.in "$1"/*.in.gz "$1"/*.sql; do
		[ -e "$f" ] || continue
		f=${f##*/}
		f=${f%.gz}
		f=${f%.in}
		echo "${f%.sql}"
	done | sort
}

# A run's result in $W: out, err, rc.  WHY says why it differs from the
# expectation of case $1/$2, or is empty.
WHY=
compare() {
	local exp=$1/$2 want_rc=0
	WHY=
	[ -f "$exp.exit" ] && want_rc=$(tr -d ' \n' <"$exp.exit")
	if [ "$(cat "$W/rc")" -ge 128 ] ||
		grep -Eq 'ERROR: (Address|Leak|Memory|Thread)Sanitizer|runtime error:|SUMMARY: [A-Za-z]*Sanitizer' "$W/err"; then
		WHY="crashed (exit status $(cat "$W/rc"))"
		return
	fi
	if [ "$(cat "$W/rc")" != "$want_rc" ]; then
		WHY="exit status $(cat "$W/rc"), expected $want_rc"
	elif ! cmp -s "$W/out" "$exp.out"; then
		WHY="the output differs from $2.out"
	elif [ -f "$exp.err" ] && ! cmp -s "$W/err" "$exp.err"; then
		WHY="the messages differ from $2.err"
	elif [ ! -f "$exp.err" ] && [ -s "$W/err" ]; then
		WHY="unexpected messages (no $2.err)"
	fi
}

# FORMAT-DIR NAME [--from FORMAT]: run the case, results in $W
run_case() {
	local dir=$1 name=$2 input rc=0
	shift 2
	rm -rf "$W" && mkdir -p "$W/in"
	read_args "$dir/$name.args"
	(
		cd "$W/in"
		input=$(make_input "$dir" "$name") || exit 1
		"$FILTER" "$@" "${ARGS[@]}" "$input" >"$W/out" 2>"$W/err"
	) || rc=$?
	echo "$rc" >"$W/rc"
}

show_diff() {
	local exp=$1/$2
	if [ -f "$exp.out" ]; then
		diff -u "$exp.out" "$W/out" | sed -n '1,40p' >&2 || true
	fi
	if [ -f "$exp.err" ]; then
		diff -u "$exp.err" "$W/err" | sed -n '1,20p' >&2 || true
	else
		sed -n '1,20p' "$W/err" >&2
	fi
}

# Rewrite the expectations of case DIR/NAME from the run in $W.
update_case() {
	local exp=$1/$2
	cp "$W/out" "$exp.out"
	if [ -s "$W/err" ]; then cp "$W/err" "$exp.err"; else rm -f "$exp.err"; fi
	if [ "$(cat "$W/rc")" != 0 ]; then cp "$W/rc" "$exp.exit"; else rm -f "$exp.exit"; fi
}

W=$T/run
PASSED=0
BROKEN=
FAILED=

# FORMAT NAME: one case, detected and forced
one_case() {
	local fmt=$1 name=$2 dir=$DATA/$1 why=
	run_case "$dir" "$name"
	if [ -n "$UPDATE" ] && [ ! -f "$dir/$name.xfail" ]; then
		update_case "$dir" "$name"
	fi
	compare "$dir" "$name"
	why=$WHY
	if [ -z "$why" ] && ! printf '%s\n' "${ARGS[@]}" | grep -q '^--from'; then
		run_case "$dir" "$name" --from "$fmt"
		compare "$dir" "$name"
		[ -z "$WHY" ] || why="with --from $fmt: $WHY"
	fi
	if [ -f "$dir/$name.xfail" ]; then
		if [ -z "$why" ]; then
			echo "XPASS $fmt/$name: it passes now; remove $name.xfail" >&2
			FAILED="$FAILED $fmt/$name"
		else
			echo "XFAIL $fmt/$name: $(head -n 1 "$dir/$name.xfail") ($why)"
			BROKEN="$BROKEN
  $fmt/$name: $(head -n 1 "$dir/$name.xfail")"
		fi
	elif [ -n "$why" ]; then
		echo "FAIL $fmt/$name: $why" >&2
		show_diff "$dir" "$name"
		FAILED="$FAILED $fmt/$name"
	else
		echo "ok $fmt/$name"
		PASSED=$((PASSED + 1))
	fi
}

# Every file of a format folder belongs to a case.
check_files() {
	local dir=$1 f base
	for f in "$dir"/*; do
		base=${f##*/}
		case $base in
		*.in | *.in.gz | *.sql) continue ;;
		*.out | *.args | *.err | *.exit | *.xfail) ;;
		*) fail "$dir: $base is not a part of a case (see tests/data/README.md)" ;;
		esac
		base=${base%.*}
		[ -e "$dir/$base.in" ] || [ -e "$dir/$base.in.gz" ] || [ -e "$dir/$base.sql" ] ||
			fail "$dir: ${f##*/} has no input ($base.in, $base.in.gz or $base.sql)"
	done
}

# FORMAT NAME: true when the command line selects the case (all without one)
selected() {
	local want
	[ "${#ONLY[@]}" -gt 0 ] || return 0
	for want in "${ONLY[@]}"; do
		if [ "$want" = "$1" ] || [ "$want" = "$1/$2" ]; then
			return 0
		fi
	done
	return 1
}

ONLY=("$@")
formats=$("$FILTER" --help | sed -n '/--from FORMAT/{n;p;}' | tr -d ' ' | tr ',' '\n')
[ -n "$formats" ] || fail "no format list in televal-filter --help"
for fmt in $formats; do
	[ -d "$DATA/$fmt" ] || [ "${#ONLY[@]}" -gt 0 ] ||
		fail "format $fmt has no golden cases (tests/data/$fmt/)"
done
outs=()
for dir in "$DATA"/*/; do
	dir=${dir%/}
	fmt=${dir##*/}
	printf '%s\n' "$formats" | grep -qx -- "$fmt" ||
		fail "tests/data/$fmt: not a --from format"
	check_files "$dir"
	names=$(case_names "$dir")
	[ -n "$names" ] || fail "tests/data/$fmt has no case"
	for name in $names; do
		selected "$fmt" "$name" || continue
		[ -f "$dir/$name.out" ] || [ -n "$UPDATE" ] || fail "$fmt/$name: $name.out is missing"
		one_case "$fmt" "$name"
		if [ -s "$dir/$name.out" ]; then
			outs+=("$dir/$name.out")
		fi
	done
done
# the expectations themselves are canonical output
[ "${#outs[@]}" -eq 0 ] || check_schema "${outs[@]}"

echo "# $PASSED passed, $(printf '%s' "$BROKEN" | grep -c .) known broken, $(echo "$FAILED" | wc -w) failed"
[ -z "$BROKEN" ] || echo "# known broken (NAME.xfail):$BROKEN"
[ -z "$FAILED" ] || fail "failed:$FAILED"
[ -z "$UPDATE" ] || note "TV_GOLDEN_UPDATE: expectations rewritten; read the diff before committing"
