#!/bin/sh
# SPDX-License-Identifier: MIT
# The source rules every C file follows (CONTRIBUTING.md):
#  - no unbounded or unchecked string and number functions;
#  - braces around every if/for/while/else body;
#  - the layout of .clang-format (checked where clang-format is installed).
cd "$(dirname "$0")/.." || exit 1
files=$(find libcommon tools tests/unit tests/fuzz -name "*.[ch]" -o -name "*.cpp" | sort)
status=0

hits=$(grep -nE '\b(gets|strcpy|strcat|sprintf|vsprintf|strtok|atoi|atol|atoll)[[:space:]]*\(' \
	$files 2>/dev/null)
if [ -n "$hits" ]; then
	echo "banned functions in the source:" >&2
	echo "$hits" >&2
	status=1
fi

hits=$(grep -nE '^[[:space:]]*((if|for|while) \(.*\)|else)[[:space:]]*$' $files 2>/dev/null)
if [ -n "$hits" ]; then
	echo "a body without braces:" >&2
	echo "$hits" >&2
	status=1
fi

if command -v clang-format >/dev/null 2>&1; then
	bad=$(for f in $files; do
		clang-format "$f" | cmp -s - "$f" || echo "$f"
	done)
	if [ -n "$bad" ]; then
		echo "not laid out as .clang-format says (run clang-format -i on them):" >&2
		echo "$bad" >&2
		status=1
	fi
else
	echo "check-source: clang-format not installed: layout not checked"
fi
[ "$status" -eq 0 ] && echo "check-source: no banned functions, braces everywhere, layout as .clang-format"
exit "$status"
