#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check a televal-aggregate report in a text format.

  check_report.py csv|markdown|html|table FILE

csv: RFC 4180 (CRLF line ends), a header naming the metrics, every row as
wide as the header, the total first.  markdown: a title, "## " sections,
tables whose rows have as many cells as their header.  html: well-formed
enough to parse, one document, self-contained (no script, no element or
style that fetches anything: no src, no link, no url(), no http), with SVG
charts.  table: no terminal escape codes, no line ending in a blank.
Exit 1 with the problem on standard output.
"""
import csv
import io
import re
import sys
from html.parser import HTMLParser


def check_csv(text):
    assert "\r\n" in text, "no CRLF line ends"
    rows = list(csv.reader(io.StringIO(text, newline="")))
    head = rows[0]
    assert head[0] == "scope", head[:3]
    assert "sessions" in head and "p95(llm.latency_ms)" in head or "metric" in head, head[:10]
    for i, r in enumerate(rows[1:], 2):
        assert len(r) == len(head), f"row {i}: {len(r)} fields, the header has {len(head)}"
    assert rows[1][0] == "total", rows[1][:2]


def check_markdown(text):
    lines = text.split("\n")
    assert lines[0] == "# televal-aggregate report", lines[0]
    assert any(l.startswith("## Summary") for l in lines)
    width = None
    for no, l in enumerate(lines, 1):
        if not l.startswith("|"):
            width = None
            continue
        cells = len(re.findall(r"(?<!\\)\|", l)) - 1
        if width is None:
            width = cells
        assert cells == width, f"line {no}: {cells} cells, the table has {width}"


class Page(HTMLParser):
    VOID = {"meta", "br", "img", "input", "link", "hr", "rect", "line"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.tags = [], {}

    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        assert tag not in ("script", "link", "iframe", "img", "object", "embed"), f"<{tag}>"
        for k, v in attrs:
            assert k not in ("src", "href") and not k.startswith("on"), f"<{tag} {k}=...>"
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1] if self.stack else None}>"
        self.stack.pop()


def check_html(text):
    assert text.startswith("<!DOCTYPE html>"), text[:20]
    assert "url(" not in text and "@import" not in text, "a style fetches something"
    for m in re.finditer(r"https?://", text):
        ctx = text[max(0, m.start() - 40):m.start()]
        assert "xmlns=" in ctx, "a web address: " + text[m.start() - 40:m.start() + 40]
    p = Page()
    p.feed(text)
    p.close()
    assert not p.stack, f"unclosed: {p.stack}"
    assert p.tags.get("html") == 1 and p.tags.get("body") == 1
    assert p.tags.get("svg", 0) >= 1, "no chart"
    assert p.tags.get("table", 0) >= 2, "no tables"


def check_table(text):
    assert "\033" not in text, "terminal escape codes"
    for no, l in enumerate(text.split("\n"), 1):
        assert l == l.rstrip(" "), f"line {no} ends in a blank"
    assert text.startswith("Summary") or text.startswith("Alerts") or text.startswith("Estimates"), text[:40]


def main(argv):
    if len(argv) != 2 or argv[0] not in ("csv", "markdown", "html", "table"):
        sys.stderr.write(__doc__)
        return 2
    with open(argv[1], encoding="utf-8", newline="") as f:
        text = f.read()
    try:
        globals()["check_" + argv[0]](text)
    except AssertionError as e:
        print(f"{argv[1]}: {argv[0]}: {e}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
