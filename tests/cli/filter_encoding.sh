#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Text encodings: a file saved by Windows PowerShell (UTF-16LE with a
# byte-order mark and CRLF line ends; also UTF-16BE, and a UTF-8 mark) is
# read as the same file in UTF-8 would be, in every layout (JSON Lines, a
# pretty-printed outfile, a collector log).  What cannot be read names its
# encoding: UTF-16 without a mark, UTF-32, invalid UTF-16.
. "$(dirname "$0")/lib.sh"

gen otlp-logs 4 logs.jsonl
gen gemini-outfile 3 out.json
gen gemini-collector-log 3 coll.log

# recode SRC DST ENCODING [crlf]: DST is SRC in ENCODING (python's codec names)
recode() {
	"$PY" - "$@" <<'PYEOF'
import sys
src, dst, enc = sys.argv[1:4]
text = open(src, encoding="utf-8", newline="").read()
if len(sys.argv) > 4:
    text = text.replace("\n", "\r\n")
marks = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff", "utf-8": b"\xef\xbb\xbf"}
with open(dst, "wb") as f:
    f.write(marks.get(enc, b"") + text.encode(enc))
PYEOF
}

for f in logs.jsonl out.json coll.log; do
	"$FILTER" --stats "$f" >"$f.want" 2>"$f.err" || fail "$f: televal-filter failed"
	grep 'records:' "$f.err" >"$f.counts"
	for enc in utf-16-le utf-16-be utf-8; do
		mkdir -p "$enc"
		recode "$f" "$enc/$f" "$enc" crlf
		(cd "$enc" && "$FILTER" --stats "$f" >"../$f.$enc" 2>"../$f.$enc.err") ||
			{ cat "$f.$enc.err" >&2; fail "$enc/$f: televal-filter failed"; }
		check_no_crash 0 "$f.$enc.err" "$enc/$f"
		same "$f.$enc" "$f.want" "$enc/$f"
		grep 'records:' "$f.$enc.err" | cmp -s - "$f.counts" ||
			fail "$enc/$f: other counts: $(grep records: "$f.$enc.err")"
	done
done

# anonymize and to-eval read it too
recode logs.jsonl le.jsonl utf-16-le crlf
expect_exit 0 "$TELEVAL_TO_EVAL" --format openai-evals le.jsonl
[ -s "$T/out" ] || fail "televal-to-eval wrote nothing for a UTF-16 input"

# ---- what cannot be read names its encoding ----
recode logs.jsonl nomark.jsonl utf_16_le # no mark
expect_filter 1 nomark.jsonl
stderr_has "^televal-filter: nomark\.jsonl:1: cannot tell the input format: the input looks like UTF-16LE without a byte-order mark"

recode logs.jsonl wide.jsonl utf-32
expect_filter 1 wide.jsonl
stderr_has "^televal-filter: wide\.jsonl: cannot read: the input is UTF-32LE"

printf '\377\376{\000"\000a\000"\000:\000"\000\000\330"\000}\000\n\000' >lone.jsonl
expect_filter 1 lone.jsonl
stderr_has "^televal-filter: lone\.jsonl: cannot read: invalid UTF-16 text.*\(in this UTF-16LE input\)$"

printf '\377\376h\000i\000\n\000' >hi.txt
expect_filter 1 hi.txt
stderr_has "^televal-filter: hi\.txt:1: cannot tell the input format of this UTF-16LE input"
