#!/bin/sh
# Banned calls (STYLE.md): unbounded or unchecked string and number functions.
cd "$(dirname "$0")/.." || exit 1
hits=$(grep -nE '\b(gets|strcpy|strcat|sprintf|vsprintf|strtok|atoi|atol|atoll)[[:space:]]*\(' \
	$(find libcommon -name "*.[ch]" -o -name "*.cpp") tools/*/*.c tools/*/*.h tests/unit/*.c \
	tests/unit/*.h tests/fuzz/*.c 2>/dev/null)
if [ -n "$hits" ]; then
	echo "banned functions in the source:" >&2
	echo "$hits" >&2
	exit 1
fi
echo "check-source: no banned functions"
