#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The HTML report renders: headless Chromium (Debian's chromium, installed
# here when missing and possible, else the test is skipped) takes a
# screenshot of a report on a generated corpus, with name resolution
# disabled so nothing could be fetched, and the picture is not blank: the
# charts' blue bars and the red of failures are there.
. "$(dirname "$0")/lib.sh"

AGG=${TELEVAL_AGGREGATE:?TELEVAL_AGGREGATE is not set}

browser() {
	local b
	for b in chromium chromium-browser google-chrome; do
		if command -v "$b" >/dev/null 2>&1; then
			echo "$b"
			return 0
		fi
	done
	return 1
}

CHROME=$(browser) || {
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		note "installing chromium (apt-get)"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium \
			>apt.log 2>&1 || true
	fi
	CHROME=$(browser) || skip "no chromium, and it could not be installed (apt-get install chromium)"
}

gen gemini-collector-log 300 corpus.log
expect_exit 0 "$AGG" --format html --by model -o report.html corpus.log
[ -s report.html ] || fail "no report"

render() {
	timeout 180 "$CHROME" --headless --no-sandbox --disable-gpu --hide-scrollbars \
		--no-first-run --disable-extensions --host-resolver-rules='MAP * ~NOTFOUND' \
		--user-data-dir="$T/profile" --window-size=1200,3000 \
		--screenshot="$T/report.png" "file://$T/report.html" >chrome.log 2>&1 || true
	[ -s report.png ] || {
		sed -n '1,20p' chrome.log >&2
		fail "chromium wrote no screenshot"
	}
	"$PY" "$SRC/tests/tools/check_png.py" report.png 3b73b9 c0392b || fail "the screenshot is blank"
	if [ -n "${TV_KEEP_SCREENSHOT:-}" ]; then
		cp report.png "$TV_KEEP_SCREENSHOT"
	fi
}
part "render" render
finish
