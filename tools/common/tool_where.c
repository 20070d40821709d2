// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libcommon/core/tv_strbuf.h"
#include "libcommon/core/tv_time.h"
#include "tools/common/tool.h"
#include "tools/common/tool_where.h"

int tool_where_add(struct tool_where *w, const char *expr)
{
	const char **v = realloc(w->expr, (w->n + 1) * sizeof(*v));

	if (v == NULL) {
		return -ENOMEM;
	}
	w->expr = v;
	w->expr[w->n++] = expr;
	return 0;
}

/* an expression string literal holding @s */
static char *quoted(const char *s)
{
	struct tv_strbuf b;

	tv_strbuf_init(&b);
	tv_strbuf_putc(&b, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\') {
			tv_strbuf_putc(&b, '\\');
		}
		tv_strbuf_putc(&b, *s);
	}
	tv_strbuf_putc(&b, '"');
	return tv_strbuf_steal(&b);
}

/*
 * A PCRE2 pattern matching @s as one element of a ", "-separated list (a
 * session's services): quoted with \Q...\E, whose own \E is written apart.
 */
static char *listed_pattern(const char *s)
{
	struct tv_strbuf b;

	tv_strbuf_init(&b);
	tv_strbuf_puts(&b, "(?:^|, )\\Q");
	for (; *s; s++) {
		if (s[0] == '\\' && s[1] == 'E') { /* \E would end the quoting: end it, say it */
			tv_strbuf_puts(&b, "\\E\\\\E\\Q");
			s++;
			continue;
		}
		tv_strbuf_putc(&b, *s);
	}
	tv_strbuf_puts(&b, "\\E(?:, |$)");
	return tv_strbuf_steal(&b);
}

int tool_where_shorthand(struct tool_where *w, const char *fmt, const char *arg)
{
	char *q = arg ? quoted(arg) : NULL, *pat = arg ? listed_pattern(arg) : NULL, **v;
	char *qp = pat ? quoted(pat) : NULL;
	struct tv_strbuf b;

	tv_strbuf_init(&b);
	for (const char *p = fmt; *p; p++) {
		if (p[0] == '%' && (p[1] == 's' || p[1] == 'r')) {
			const char *x = p[1] == 's' ? q : qp;

			tv_strbuf_puts(&b, x ? x : "null");
			p++;
		} else {
			tv_strbuf_putc(&b, *p);
		}
	}
	free(q);
	free(pat);
	free(qp);
	v = realloc(w->owned, (w->n_owned + 1) * sizeof(*v));
	if (v == NULL) {
		tv_strbuf_finish(&b);
		return -ENOMEM;
	}
	w->owned = v;
	w->owned[w->n_owned] = tv_strbuf_steal(&b);
	if (w->owned[w->n_owned] == NULL) {
		return -ENOMEM;
	}
	w->n_owned++;
	return tool_where_add(w, w->owned[w->n_owned - 1]);
}

int tool_where_time(struct tool_where *w, const char *opt, const char *arg, const char *fmt)
{
	char buf[TV_TIME_BUFSZ];
	struct timespec now;
	int64_t ns, d;
	int r;

	if (tv_time_parse(arg, strlen(arg), &ns, NULL) == 0 ||
	    (strlen(arg) == 10 && arg[4] == '-' && arg[7] == '-')) {
		r = tool_where_shorthand(w, fmt, arg); /* a date is checked by the compiler */
	} else if (tv_duration_parse(arg, &d) < 0) {
		return tool_usage_err("invalid time '%s' for %s (RFC 3339, YYYY-MM-DD or a "
				      "duration like 7d)",
				      arg, opt);
	} else {
		clock_gettime(CLOCK_REALTIME, &now);
		ns = (int64_t)now.tv_sec * TV_NS_PER_SEC - d;
		tv_time_format(ns, buf);
		r = tool_where_shorthand(w, fmt, buf);
	}
	return r < 0 ? tool_oom() : 0;
}

/* the width of @n bytes of UTF-8 on a terminal: one column per character */
static size_t columns(const char *s, size_t n)
{
	size_t chars = 0;

	for (size_t i = 0; i < n && s[i]; i++) {
		chars += ((unsigned char)s[i] & 0xc0) != 0x80;
	}
	return chars;
}

/* back from @i to the start of a UTF-8 character */
static size_t char_start(const char *s, size_t i)
{
	while (i > 0 && ((unsigned char)s[i] & 0xc0) == 0x80) {
		i--;
	}
	return i;
}

#define CARET_CONTEXT 60

/*
 * the expression with a caret under byte @col; a long one is cut to the
 * CARET_CONTEXT bytes either side of the column, with "..." for the rest
 * (a caret under column 60,000 helps no one)
 */
int tool_expr_error(const char *src, size_t col, const char *why)
{
	const char *s = src ? src : "";
	size_t len = strlen(s), from = 0, to = len;

	if (col > len) {
		col = len;
	}
	if (col > CARET_CONTEXT) {
		from = char_start(s, col - CARET_CONTEXT);
	}
	if (len - col > CARET_CONTEXT) {
		to = char_start(s, col + CARET_CONTEXT);
	}
	tool_err("invalid expression: %s", why);
	fprintf(stderr, "  %s%.*s%s\n  %*s^\n", from > 0 ? "..." : "", (int)(to - from), s + from,
		to < len ? "..." : "", (int)(columns(s + from, col - from) + (from > 0 ? 3 : 0)),
		"");
	return 2;
}

int tool_where_compile(struct tool_where *w)
{
	char why[256];
	size_t col = 0;
	int r;

	w->compiled = calloc(w->n ? w->n : 1, sizeof(*w->compiled));
	if (w->compiled == NULL) {
		return tool_oom();
	}
	for (size_t i = 0; i < w->n; i++) {
		r = tv_expr_compile(w->expr[i], &w->compiled[i], &col, why, sizeof(why));
		if (r == -ENOMEM) {
			return tool_oom();
		}
		if (r < 0) {
			return tool_expr_error(w->expr[i], col, why);
		}
		w->n_compiled++;
	}
	return 0;
}

bool tool_where_eval(const struct tool_where *w, const struct tv_jv *session)
{
	for (size_t i = 0; i < w->n_compiled; i++) {
		if (!tv_expr_eval(w->compiled[i], session)) {
			return false;
		}
	}
	return true;
}

void tool_where_free(struct tool_where *w)
{
	for (size_t i = 0; i < w->n_compiled; i++) {
		tv_expr_destroy(w->compiled[i]);
	}
	free(w->compiled);
	for (size_t i = 0; i < w->n_owned; i++) {
		free(w->owned[i]);
	}
	free(w->owned);
	free(w->expr);
	*w = (struct tool_where){ 0 };
}
