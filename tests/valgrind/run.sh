#!/bin/sh
# SPDX-License-Identifier: MIT
#
# make valgrind: the end-to-end shell tests (tests/cli/*.sh) with every
# televal binary run under valgrind's memcheck.
#
#   tests/valgrind/run.sh BUILDDIR [TEST.sh...]
#
# BUILDDIR is a debug build without sanitizers (make valgrind sets up
# build-valgrind).  TELEVAL_FILTER, TELEVAL_ANONYMIZE, TELEVAL_TO_EVAL and
# TELEVAL_AGGREGATE point to wrapper scripts in BUILDDIR/valgrind/bin that
# exec the real binary under
#
#   valgrind --error-exitcode=99 --leak-check=full
#            --errors-for-leak-kinds=definite,indirect
#
# with one log file per process in BUILDDIR/valgrind/logs, and
# tests/valgrind/nojit.c preloaded: PCRE2's JIT code reads past the end of
# a subject, which memcheck reports in code it cannot name (see there);
# PCRE2's interpreter runs instead.  A test fails
# when it fails, and the run fails when any log holds a report (a test that
# ignores its tool's exit status cannot hide one).  TV_VALGRIND=1 tells the
# tests they run under valgrind: those that cannot (timing, the fault
# library, large inputs) skip, saying why.
#
# With no TEST, the default set below runs (about 20 minutes on two busy
# cores); VALGRIND_ALL=1 runs every test (hours: a test that runs a tool a
# few hundred times takes ten minutes or more under memcheck).
set -eu

[ $# -ge 1 ] || {
	echo "usage: $0 BUILDDIR [TEST.sh...]" >&2
	exit 2
}
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$1" && pwd)
shift
vg=$build/valgrind
command -v valgrind >/dev/null || {
	echo "valgrind is not installed (make valgrind installs it)" >&2
	exit 1
}

# The default set: every tool on every input format (conservation.sh), on
# bad input, on every output path and error, at every limit, and the
# examples; the tests left out run many more tools over the same code.
DEFAULT="conservation.sh limits.sh output_errors.sh filter_badinput.sh anonymize_badinput.sh
	to_eval_usage.sh aggregate_usage.sh to_eval_nasty.sh filter_max_open.sh gz.sh
	examples.sh docs.sh"

rm -rf "$vg"
mkdir -p "$vg/logs" "$vg/out"
# tests that run a tool as the user nobody (filter_dirs.sh, anonymize_failclosed.sh) log here too
chmod 1777 "$vg/logs"
${CC:-cc} -shared -fPIC -O1 -o "$vg/nojit.so" "$src/tests/valgrind/nojit.c" || {
	echo "cannot build tests/valgrind/nojit.c" >&2
	exit 1
}

# wrap DIR NAME: BUILDDIR/valgrind/bin/DIR/NAME runs BUILDDIR/tools/DIR/NAME
wrap() {
	mkdir -p "$vg/bin/$1"
	cat >"$vg/bin/$1/$2" <<EOF
#!/bin/sh
LD_PRELOAD="$vg/nojit.so\${LD_PRELOAD:+:\$LD_PRELOAD}"
export LD_PRELOAD
exec valgrind -q --error-exitcode=99 --leak-check=full \\
	--errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \\
	--log-file="$vg/logs/$2.%p.log" "$build/tools/$1/$2" "\$@"
EOF
	chmod +x "$vg/bin/$1/$2"
}
wrap filter televal-filter
wrap anonymize televal-anonymize
wrap to-eval televal-to-eval
wrap aggregate televal-aggregate
wrap televal televal

if [ $# -eq 0 ] && [ "${VALGRIND_ALL:-0}" = 1 ]; then
	set -- $(cd "$src/tests/cli" && ls *.sh | grep -v '^lib\.sh$')
elif [ $# -eq 0 ]; then
	# shellcheck disable=SC2086
	set -- $DEFAULT
	echo "valgrind: the default set ($# tests; VALGRIND_ALL=1 runs all of them)"
fi

# one TEST: its output in BUILDDIR/valgrind/out/TEST.log, a line of result
one() {
	t=$1
	start=$(date +%s)
	rc=0
	env TV_SRCDIR="$src" TV_BUILDDIR="$build" TV_SHARED="$src/../shared" TV_VALGRIND=1 \
		TELEVAL_FILTER="$vg/bin/filter/televal-filter" \
		TELEVAL_ANONYMIZE="$vg/bin/anonymize/televal-anonymize" \
		TELEVAL_TO_EVAL="$vg/bin/to-eval/televal-to-eval" \
		TELEVAL_AGGREGATE="$vg/bin/aggregate/televal-aggregate" \
		bash "$src/tests/cli/$t" >"$vg/out/$t.log" 2>&1 || rc=$?
	case $rc in
	0) res=OK ;;
	77) res="SKIP ($(sed -n 's/^SKIP: //p' "$vg/out/$t.log" | head -1))" ;;
	*) res="FAIL (exit $rc; $vg/out/$t.log)" ;;
	esac
	echo "valgrind: $t: $res, $(($(date +%s) - start)) s"
}

failed=0
for t in "$@"; do
	one "$t" || failed=1
done | tee "$vg/results.txt"
grep -q ': FAIL' "$vg/results.txt" && failed=1

# every log with a report
reports=0
for f in "$vg"/logs/*.log; do
	[ -s "$f" ] || continue
	reports=$((reports + 1))
	echo "== $f"
	sed -n '1,60p' "$f"
done
if [ "$reports" -gt 0 ]; then
	echo "valgrind: $reports process(es) with a report (above; all in $vg/logs)"
	failed=1
fi
[ "$failed" -eq 0 ] && echo "valgrind: clean ($(ls "$vg/logs" | wc -l) processes checked)"
exit "$failed"
