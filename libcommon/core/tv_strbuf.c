// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcommon/core/tv_strbuf.h"

void tv_strbuf_init(struct tv_strbuf *b)
{
	b->p = NULL;
	b->len = 0;
	b->cap = 0;
	b->err = 0;
}

void tv_strbuf_finish(struct tv_strbuf *b)
{
	free(b->p);
	tv_strbuf_init(b);
}

int tv_strbuf_reserve(struct tv_strbuf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (extra > SIZE_MAX - b->len - TV_STRBUF_PAD - 1) {
		b->err = -ENOMEM;
		return -ENOMEM;
	}
	need = b->len + extra + 1;
	if (need <= b->cap && b->p != NULL) {
		return 0;
	}
	cap = b->cap ? b->cap : 256;
	while (cap < need) {
		if (cap > SIZE_MAX / 2 - TV_STRBUF_PAD) {
			b->err = -ENOMEM;
			return -ENOMEM;
		}
		cap *= 2;
	}
	p = realloc(b->p, cap + TV_STRBUF_PAD);
	if (p == NULL) {
		b->err = -ENOMEM;
		return -ENOMEM;
	}
	memset(p + b->len, 0, cap + TV_STRBUF_PAD - b->len);
	b->p = p;
	b->cap = cap;
	return 0;
}

int tv_strbuf_append(struct tv_strbuf *b, const void *s, size_t n)
{
	int r = tv_strbuf_reserve(b, n);

	if (r < 0) {
		return r;
	}
	if (n) {
		memcpy(b->p + b->len, s, n);
	}
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

int tv_strbuf_puts(struct tv_strbuf *b, const char *s)
{
	return tv_strbuf_append(b, s, strlen(s));
}

int tv_strbuf_putc(struct tv_strbuf *b, char c)
{
	if (b->len + 1 < b->cap && b->p != NULL) {
		b->p[b->len++] = c;
		b->p[b->len] = '\0';
		return 0;
	}
	return tv_strbuf_append(b, &c, 1);
}

int tv_strbuf_printf(struct tv_strbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n, r;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		return -EINVAL;
	}
	r = tv_strbuf_reserve(b, (size_t)n);
	if (r < 0) {
		return r;
	}
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

void tv_strbuf_reset(struct tv_strbuf *b)
{
	b->len = 0;
	b->err = 0;
	if (b->p) {
		b->p[0] = '\0';
	}
}

char *tv_strbuf_steal(struct tv_strbuf *b)
{
	char *p = b->p;

	if (b->err < 0) {
		tv_strbuf_finish(b); /* an append failed: the text is not whole */
		tv_strbuf_init(b);
		return NULL;
	}
	if (p == NULL) {
		return tv_strndup("", 0);
	}
	tv_strbuf_init(b);
	return p;
}

char *tv_strndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p == NULL) {
		return NULL;
	}
	if (n) {
		memcpy(p, s, n);
	}
	p[n] = '\0';
	return p;
}
