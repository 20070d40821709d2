// SPDX-License-Identifier: MIT
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcommon/json/tv_jw.h"
#include "libcommon/core/tv_time.h"

/* true: the byte needs escaping or a closer look (control, quote, backslash, non-ASCII) */
static inline bool special(unsigned char c)
{
	return c < 0x20 || c == '"' || c == '\\' || c >= 0x80;
}

#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

/* true if any byte of @x is below 0x20, '"', '\\' or has its high bit set */
static inline bool has_special8(uint64_t x)
{
	uint64_t q = x ^ (ONES * '"'), b = x ^ (ONES * '\\');

	return (((x - ONES * 0x20) & ~x) | ((q - ONES) & ~q) | ((b - ONES) & ~b) | x) & HIGHS;
}

/* length of the valid UTF-8 sequence at s (n bytes left), 0 if invalid */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];

	if (c < 0x80) {
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		return n >= 2 && (s[1] & 0xc0) == 0x80 ? 2 : 0;
	}
	if (c >= 0xe0 && c <= 0xef) {
		if (n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80) {
			return 0;
		}
		if (c == 0xe0 && s[1] < 0xa0) {
			return 0;
		}
		if (c == 0xed && s[1] > 0x9f) {
			return 0; /* surrogates */
		}
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (n < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80) {
			return 0;
		}
		if (c == 0xf0 && s[1] < 0x90) {
			return 0;
		}
		if (c == 0xf4 && s[1] > 0x8f) {
			return 0;
		}
		return 4;
	}
	return 0;
}

bool tv_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;

	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		k = utf8_seq(p + i, n - i);
		if (k == 0) {
			return false;
		}
		i += k;
	}
	return true;
}

static int escape_byte(struct tv_strbuf *out, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

	switch (c) {
	case '"':
		return tv_strbuf_append(out, "\\\"", 2);
	case '\\':
		return tv_strbuf_append(out, "\\\\", 2);
	case '\n':
		return tv_strbuf_append(out, "\\n", 2);
	case '\r':
		return tv_strbuf_append(out, "\\r", 2);
	case '\t':
		return tv_strbuf_append(out, "\\t", 2);
	case '\b':
		return tv_strbuf_append(out, "\\b", 2);
	case '\f':
		return tv_strbuf_append(out, "\\f", 2);
	default:
		return tv_strbuf_append(out, e, sizeof(e));
	}
}

int tv_json_escape(struct tv_strbuf *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0, k;
	int r;

	r = tv_strbuf_reserve(out, n + 2);
	if (r < 0) {
		return r;
	}
	while (i < n) {
		run = i;
		/* eight plain bytes at a time: no control, quote, backslash or high bit */
		while (i + 8 <= n) {
			uint64_t x;

			memcpy(&x, p + i, 8);
			if (has_special8(x)) {
				break;
			}
			i += 8;
		}
		while (i < n && !special(p[i])) {
			i++;
		}
		if (i > run) {
			r = tv_strbuf_append(out, s + run, i - run);
			if (r < 0) {
				return r;
			}
		}
		if (i >= n) {
			break;
		}
		if (p[i] < 0x80) {
			r = escape_byte(out, p[i]);
			i++;
		} else {
			k = utf8_seq(p + i, n - i);
			if (k == 0) {
				r = tv_strbuf_append(out, "\xef\xbf\xbd", 3);
				i++;
			} else {
				r = tv_strbuf_append(out, s + i, k);
				i += k;
			}
		}
		if (r < 0) {
			return r;
		}
	}
	return 0;
}

void tv_jw_init(struct tv_jw *w, struct tv_strbuf *out)
{
	w->out = out;
	w->need_comma = false;
	w->err = 0;
}

static void put(struct tv_jw *w, const char *s, size_t n)
{
	struct tv_strbuf *b = w->out;
	int r;

	if (w->err) {
		return;
	}
	if (b->p != NULL && b->len + n < b->cap) { /* the common case: room left */
		memcpy(b->p + b->len, s, n);
		b->len += n;
		b->p[b->len] = '\0';
		return;
	}
	r = tv_strbuf_append(b, s, n);
	if (r < 0) {
		w->err = r;
	}
}

static void sep(struct tv_jw *w)
{
	if (w->need_comma) {
		put(w, ",", 1);
	}
	w->need_comma = true;
}

void tv_jw_obj_begin(struct tv_jw *w)
{
	sep(w);
	put(w, "{", 1);
	w->need_comma = false;
}

void tv_jw_obj_end(struct tv_jw *w)
{
	put(w, "}", 1);
	w->need_comma = true;
}

void tv_jw_arr_begin(struct tv_jw *w)
{
	sep(w);
	put(w, "[", 1);
	w->need_comma = false;
}

void tv_jw_arr_end(struct tv_jw *w)
{
	put(w, "]", 1);
	w->need_comma = true;
}

void tv_jw_key_n(struct tv_jw *w, const char *k, size_t n)
{
	int r;

	sep(w);
	put(w, "\"", 1);
	if (!w->err) {
		r = tv_json_escape(w->out, k, n);
		if (r < 0) {
			w->err = r;
		}
	}
	put(w, "\":", 2);
	w->need_comma = false;
}

void tv_jw_lkey(struct tv_jw *w, const char *quoted, size_t n)
{
	sep(w);
	put(w, quoted, n);
	w->need_comma = false;
}

void tv_jw_key(struct tv_jw *w, const char *k)
{
	size_t n = 0;
	char buf[64];

	while (k[n] && !special((unsigned char)k[n])) {
		n++;
	}
	if (k[n] != '\0' || n + 3 > sizeof(buf)) {
		tv_jw_key_n(w, k, n + strlen(k + n));
		return;
	}
	/* plain ASCII, nothing to escape (the keys of the schema) */
	buf[0] = '"';
	memcpy(buf + 1, k, n);
	buf[n + 1] = '"';
	buf[n + 2] = ':';
	sep(w);
	put(w, buf, n + 3);
	w->need_comma = false;
}

void tv_jw_str(struct tv_jw *w, const char *s, size_t n)
{
	int r;

	sep(w);
	put(w, "\"", 1);
	if (!w->err) {
		r = tv_json_escape(w->out, s, n);
		if (r < 0) {
			w->err = r;
		}
	}
	put(w, "\"", 1);
}

void tv_jw_cstr(struct tv_jw *w, const char *s)
{
	if (s == NULL) {
		tv_jw_null(w);
	} else {
		tv_jw_str(w, s, strlen(s));
	}
}

/* decimal digits of @v at the end of @buf (24 bytes); returns where they start */
static char *int_text(int64_t v, char *buf)
{
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	char *p = buf + 24;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0) {
		*--p = '-';
	}
	return p;
}

void tv_jw_int(struct tv_jw *w, int64_t v)
{
	char buf[24], *p = int_text(v, buf);

	sep(w);
	put(w, p, (size_t)(buf + 24 - p));
}

void tv_jw_double(struct tv_jw *w, double v)
{
	char buf[40];
	int n = 0;

	if (!isfinite(v)) {
		tv_jw_null(w);
		return;
	}
	/*
	 * a whole number in digits (60, not 6e+01), which reads back as the
	 * integer it is and is written again the same; else the shortest %g
	 * that reads back as @v
	 */
	if (v == 0) {
		v = 0; /* no -0 */
	}
	if (v == floor(v) && fabs(v) < 1e16) {
		n = snprintf(buf, sizeof(buf), "%.0f", v);
		sep(w);
		put(w, buf, (size_t)n);
		return;
	}
	for (int prec = 1; prec <= 17; prec++) {
		n = snprintf(buf, sizeof(buf), "%.*g", prec, v);
		if (strtod(buf, NULL) == v) {
			break;
		}
	}
	sep(w);
	put(w, buf, (size_t)n);
}

void tv_jw_bool(struct tv_jw *w, bool v)
{
	sep(w);
	if (v) {
		put(w, "true", 4);
	} else {
		put(w, "false", 5);
	}
}

void tv_jw_null(struct tv_jw *w)
{
	sep(w);
	put(w, "null", 4);
}

void tv_jw_raw(struct tv_jw *w, const char *json, size_t n)
{
	sep(w);
	put(w, json, n);
}

void tv_jw_time(struct tv_jw *w, int64_t ns)
{
	char buf[TV_TIME_BUFSZ + 2];
	size_t n;

	if (ns == TV_NONE) {
		tv_jw_null(w);
		return;
	}
	buf[0] = '"';
	n = tv_time_format(ns, buf + 1);
	buf[n + 1] = '"';
	sep(w);
	put(w, buf, n + 2);
}

void tv_jw_ms(struct tv_jw *w, int64_t ns)
{
	char buf[32];
	size_t n;

	if (ns == TV_NONE) {
		tv_jw_null(w);
		return;
	}
	n = tv_ms_format(ns, buf);
	sep(w);
	put(w, buf, n);
}

void tv_jw_opt_int(struct tv_jw *w, int64_t v)
{
	if (v == TV_NONE) {
		tv_jw_null(w);
	} else {
		tv_jw_int(w, v);
	}
}

void tv_jw_tristate(struct tv_jw *w, int v)
{
	if (v < 0) {
		tv_jw_null(w);
	} else {
		tv_jw_bool(w, v != 0);
	}
}

int tv_jw_error(const struct tv_jw *w)
{
	return w->err;
}
