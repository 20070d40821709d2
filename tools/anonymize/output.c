// SPDX-License-Identifier: MIT
/*
 * The output side of televal-anonymize: the buffered output, the scrub
 * helpers every format handler uses, --check messages, and output files
 * written atomically (a temporary file renamed into place once complete).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "anonymize.h"

/* ---- the buffered output ---- */

int anon_flush(struct anon *a)
{
	if (a->buf.len == 0) {
		return 0;
	}
	if (a->out != NULL && tool_write(a->out, a->buf.p, a->buf.len) < 0) {
		a->write_error = true;
		tv_strbuf_reset(&a->buf);
		return -TV_EWRITE;
	}
	tv_strbuf_reset(&a->buf);
	return 0;
}

int anon_flush_maybe(struct anon *a)
{
	return a->buf.len >= ANON_FLUSH_AT && !a->hold ? anon_flush(a) : 0;
}

int anon_put(struct anon *a, const char *p, size_t n)
{
	if (tv_strbuf_append(&a->buf, p, n) < 0) {
		return -ENOMEM;
	}
	return anon_flush_maybe(a);
}

int anon_scrub(struct anon *a, const char *key, size_t klen, const char *s, size_t n)
{
	int r = tv_pii_scrub(a->pii, key, klen, s, n, &a->buf);

	if (r < 0 || r == TV_PII_DROPPED) {
		return r;
	}
	return anon_flush_maybe(a) < 0 ? -TV_EWRITE : r;
}

int anon_scrub_json(struct anon *a, const char *s, size_t n)
{
	int r = tv_pii_scrub_json(a->pii, s, n, &a->buf);

	if (r < 0) {
		return r;
	}
	return anon_flush_maybe(a) < 0 ? -TV_EWRITE : r;
}

void anon_reject(struct anon *a, uint64_t line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	a->rejected++;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	tool_report_cb(&a->rep, TV_REPORT_REJECT, a->file, line, msg);
}

/* ---- --check ---- */

static bool shown_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

void anon_mask(const char *s, size_t n, char *out, size_t size)
{
	/* short values show nothing: two characters of five say too much */
	if (n < 6 || !shown_char(s[0]) || !shown_char(s[n - 1])) {
		snprintf(out, size, "***");
		return;
	}
	snprintf(out, size, "%c***%c", s[0], s[n - 1]);
}

/* the offset of @p in the record text, or -1 when it is not in it */
static long long text_offset(const struct anon *a, const char *p)
{
	uintptr_t v = (uintptr_t)p, t = (uintptr_t)a->text;

	if (a->text == NULL || p == NULL || v < t || v - t > a->text_len) {
		return -1;
	}
	return (long long)(v - t);
}

/*
 * The line of byte @off of the record text.  Findings come in order, so
 * the count goes on from the last one (a Jaeger document of 18,000 lines
 * is one record): linear in the record, whatever the number of findings.
 */
static uint64_t line_of(struct anon *a, size_t off)
{
	if (a->lc_text != a->text || a->lc_first != a->line || off < a->lc_off) {
		a->lc_text = a->text;
		a->lc_first = a->line;
		a->lc_off = 0;
		a->lc_line = a->line;
	}
	for (; a->lc_off < off; a->lc_off++) {
		a->lc_line += a->text[a->lc_off] == '\n';
	}
	return a->lc_line;
}

/*
 * The line a finding is on: inside the record when the value lies in its
 * text, else at the string token the value was decoded from (escapes, JSON
 * inside a string: f->at), else the record's first line.
 */
static uint64_t finding_line(struct anon *a, const struct tv_pii_finding *f, const char *value,
			     size_t start)
{
	long long v = text_offset(a, value), at = text_offset(a, f->at);

	if (a->line == 0) {
		return 0;
	}
	if (v >= 0 && start <= a->text_len - (size_t)v) {
		return line_of(a, (size_t)v + start);
	}
	return at >= 0 ? line_of(a, (size_t)at) : a->line;
}

/*
 * `<TYPE>` or `<TYPE:hex>`: what tv_pii writes in place of a finding.  Key
 * policies act on whatever value sits under their key, so in output that was
 * anonymized before they find these again; they are no PII.
 */
static bool is_token(const char *s, size_t n)
{
	size_t i = 1, h;

	if (n < 3 || s[0] != '<' || s[n - 1] != '>' || !(s[1] >= 'A' && s[1] <= 'Z')) {
		return false;
	}
	while (i < n - 1 &&
	       ((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_')) {
		i++;
	}
	if (i == n - 1) {
		return true;
	}
	if (s[i] != ':') {
		return false;
	}
	for (h = ++i; i < n - 1 && ((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'));
	     i++) {
	}
	return i == n - 1 && i - h >= 4;
}

void anon_finding_cb(void *udata, const struct tv_pii_finding *f, const char *value, size_t n)
{
	struct anon *a = udata;
	char mask[16];
	uint64_t line;

	if (f->op == TV_PII_KEEP) {
		return; /* allowed by the policy */
	}
	if (f->start <= n && f->len <= n - f->start && is_token(value + f->start, f->len)) {
		return; /* anonymized already */
	}
	a->findings++;
	if (f->start > n || f->len > n - f->start) {
		snprintf(mask, sizeof(mask), "***");
	} else {
		anon_mask(value + f->start, f->len, mask, sizeof(mask));
	}
	line = finding_line(a, f, value, f->start <= n ? f->start : 0);
	if (a->where != NULL) {
		fprintf(stderr, "%s: %s: %s: %s: %s\n", tv_progname, a->file, a->where, f->rule,
			mask);
	} else if (line > 0) {
		fprintf(stderr, "%s: %s:%llu: %s: %s\n", tv_progname, a->file,
			(unsigned long long)line, f->rule, mask);
	} else {
		fprintf(stderr, "%s: %s: %s: %s\n", tv_progname, a->file, f->rule, mask);
	}
}
