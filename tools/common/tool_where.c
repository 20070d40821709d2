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
	return r < 0 ? tool_usage_err("out of memory") : 0;
}

int tool_expr_error(const char *src, size_t col, const char *why)
{
	size_t chars = 0;

	/* the caret goes under the character: count UTF-8 lead bytes, not bytes */
	for (size_t i = 0; src && i < col && src[i]; i++) {
		chars += ((unsigned char)src[i] & 0xc0) != 0x80;
	}
	tool_err("invalid expression: %s", why);
	fprintf(stderr, "  %s\n  %*s^\n", src ? src : "", (int)chars, "");
	return 2;
}

int tool_where_compile(struct tool_where *w)
{
	char why[256];
	size_t col = 0;
	int r;

	w->compiled = calloc(w->n ? w->n : 1, sizeof(*w->compiled));
	if (w->compiled == NULL) {
		tool_err("out of memory");
		return 1;
	}
	for (size_t i = 0; i < w->n; i++) {
		r = tv_expr_compile(w->expr[i], &w->compiled[i], &col, why, sizeof(why));
		if (r == -ENOMEM) {
			tool_err("out of memory");
			return 1;
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
