// SPDX-License-Identifier: MIT
#include <string.h>

#include "libcommon/core/tv_text.h"

bool tv_text_has(const char *d, size_t n, const char *needle)
{
	size_t k = strlen(needle);

	if (k == 0 || k > n) {
		return k == 0;
	}
	for (const char *p = d; (size_t)(p - d) + k <= n;) {
		const char *q = memchr(p, needle[0], n - (size_t)(p - d) - k + 1);

		if (q == NULL) {
			return false;
		}
		if (memcmp(q, needle, k) == 0) {
			return true;
		}
		p = q + 1;
	}
	return false;
}

bool tv_text_has_ci(const char *d, size_t n, const char *needle)
{
	size_t k = strlen(needle);

	for (size_t i = 0; i + k <= n; i++) {
		size_t j = 0;

		while (j < k && (d[i + j] | 0x20) == needle[j]) {
			j++;
		}
		if (j == k) {
			return true;
		}
	}
	return false;
}

bool tv_text_mentions_timeout(const char *s, size_t n)
{
	return tv_text_has_ci(s, n, "timeout") || tv_text_has_ci(s, n, "timed out");
}

bool tv_text_stamp(const char *s, size_t n, char sep)
{
	static const char pat[] = "dddd-dd-ddXdd:dd:dd";

	if (n < sizeof(pat) - 1) {
		return false;
	}
	for (size_t i = 0; i < sizeof(pat) - 1; i++) {
		bool ok = pat[i] == 'd'	  ? s[i] >= '0' && s[i] <= '9'
			  : pat[i] == 'X' ? s[i] == sep
					  : s[i] == pat[i];

		if (!ok) {
			return false;
		}
	}
	return true;
}

int tv_text_hexval(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'F') {
		return c - 'A' + 10;
	}
	return -1;
}

long tv_text_hex4(const char *s)
{
	long v = 0;

	for (int k = 0; k < 4; k++) {
		int h = tv_text_hexval(s[k]);

		if (h < 0) {
			return -1;
		}
		v = v * 16 + h;
	}
	return v;
}

int tv_text_put_utf8(struct tv_strbuf *b, unsigned long cp)
{
	char u[4];
	size_t k;

	if (cp < 0x80) {
		u[0] = (char)cp;
		k = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		k = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		k = 3;
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		k = 4;
	}
	return tv_strbuf_append(b, u, k);
}

int tv_text_put_id(struct tv_strbuf *b, const char *s, size_t n)
{
	size_t at = b->len, i;
	int r = tv_strbuf_append(b, s, n);

	for (i = 0; r == 0 && i < n && tv_text_hexval(s[i]) >= 0; i++) {
	}
	if (r == 0 && i == n) {
		for (size_t k = at; k < b->len; k++) {
			if (b->p[k] >= 'A' && b->p[k] <= 'F') {
				b->p[k] = (char)(b->p[k] - 'A' + 'a');
			}
		}
	}
	return r;
}

/* a hex digit, either case, without a call: this runs on every Claude Code record */
static bool hex_digit(unsigned char c)
{
	unsigned char l = c | 0x20;

	return (c >= '0' && c <= '9') || (l >= 'a' && l <= 'f');
}

bool tv_text_is_uuid(const char *s, size_t n)
{
	if (n != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-') {
		return false;
	}
	for (size_t i = 0; i < 36; i++) {
		if (i != 8 && i != 13 && i != 18 && i != 23 && !hex_digit((unsigned char)s[i])) {
			return false;
		}
	}
	return true;
}
