// SPDX-License-Identifier: MIT
/*
 * literals: URLs, file names/paths and identifiers found in an output.
 *
 * The text is cut at whitespace; each word loses surrounding punctuation and
 * quotes, then is kept when it is
 *   a URL          http:// or https:// and at least one more character;
 *   a path         only [A-Za-z0-9_.~/+-], with a '/' between two name
 *                  characters or a file extension (a '.' after a name and
 *                  1-8 letters or digits, at least one a letter);
 *   an identifier  [A-Za-z_][A-Za-z0-9_]* of 4 or more characters with an
 *                  inner '_', a lower-to-upper case change (camelCase), or
 *                  written as a call (name()).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "literals.h"

#define MAX_LITERAL 200

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool path_char(char c)
{
	return is_alnum(c) || c == '_' || c == '.' || c == '~' || c == '/' || c == '-' || c == '+';
}

static bool name_char(char c)
{
	return is_alnum(c) || c == '_' || c == '-';
}

static void trim(const char **s, size_t *n)
{
	static const char lead[] = "([{<\"'`*";
	static const char trail[] = ".,;:!?)]}>\"'`*";

	while (*n > 0 && strchr(lead, (*s)[0]) != NULL) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && strchr(trail, (*s)[*n - 1]) != NULL) {
		(*n)--;
	}
}

static bool is_url(const char *s, size_t n)
{
	size_t skip = 0;

	if (n > 8 && memcmp(s, "https://", 8) == 0) {
		skip = 8;
	} else if (n > 7 && memcmp(s, "http://", 7) == 0) {
		skip = 7;
	}
	if (skip == 0) {
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		if ((unsigned char)s[i] < 0x21 || strchr("\"<>\\^`{|}", s[i]) != NULL) {
			return false;
		}
	}
	return is_alnum(s[skip]);
}

static bool has_extension(const char *s, size_t n)
{
	const char *dot = NULL;
	bool letter = false;
	size_t ext;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '.') {
			dot = s + i;
		}
	}
	if (dot == NULL || dot == s || !name_char(dot[-1])) {
		return false;
	}
	ext = (size_t)(s + n - dot - 1);
	if (ext < 1 || ext > 8) {
		return false;
	}
	for (size_t i = 1; i <= ext; i++) {
		if (!is_alnum(dot[i])) {
			return false;
		}
		letter |= is_alpha(dot[i]);
	}
	/* "e.g", "i.e": a one-letter name before the dot is an abbreviation */
	if (dot - s == 1 && ext == 1) {
		return false;
	}
	return letter;
}

static bool is_path(const char *s, size_t n)
{
	bool slash = false;

	if (n < 3) {
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		if (!path_char(s[i])) {
			return false;
		}
		if (s[i] == '/' && i > 0 && i + 1 < n && name_char(s[i - 1]) &&
		    name_char(s[i + 1])) {
			slash = true;
		}
		if (i + 1 < n && s[i] == '/' && s[i + 1] == '/') {
			return false;
		}
	}
	return slash || has_extension(s, n);
}

static bool is_ident(const char *s, size_t n, bool call)
{
	bool inner_us = false, camel = false;

	if (n < 4 || !(is_alpha(s[0]) || s[0] == '_')) {
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		if (!(is_alnum(s[i]) || s[i] == '_')) {
			return false;
		}
		if (s[i] == '_' && i > 0 && i + 1 < n && s[i - 1] != '_' && s[i + 1] != '_') {
			inner_us = true;
		}
		if (i > 0 && s[i - 1] >= 'a' && s[i - 1] <= 'z' && s[i] >= 'A' && s[i] <= 'Z') {
			camel = true;
		}
	}
	return inner_us || camel || call;
}

static bool seen(const struct literals *l, const char *s, size_t n)
{
	for (size_t i = 0; i < l->n; i++) {
		if (l->v[i].n == n && memcmp(l->v[i].s, s, n) == 0) {
			return true;
		}
	}
	return false;
}

static int add(struct literals *l, enum literal_kind kind, const char *s, size_t n)
{
	if (n == 0 || n > MAX_LITERAL || seen(l, s, n)) {
		return 0;
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		struct literal *v = realloc(l->v, cap * sizeof(*v));

		if (v == NULL) {
			return -ENOMEM;
		}
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = (struct literal){ .kind = kind, .s = s, .n = n };
	return 0;
}

/* one whitespace-free word */
static int word(const char *s, size_t n, struct literals *out)
{
	const char *u;
	bool call = false;

	u = NULL;
	for (size_t i = 0; i + 7 < n; i++) {
		if (memcmp(s + i, "http://", 7) == 0 ||
		    (i + 8 < n && memcmp(s + i, "https://", 8) == 0)) {
			u = s + i;
			break;
		}
	}
	if (u) {
		n -= (size_t)(u - s);
		s = u;
		trim(&s, &n);
		return is_url(s, n) ? add(out, LIT_URL, s, n) : 0;
	}
	/* "name()." is a call: look for "()" before dropping closing brackets */
	while (n > 0 && strchr(".,;:!?\"'`*", s[n - 1]) != NULL) {
		n--;
	}
	if (n > 2 && s[n - 2] == '(' && s[n - 1] == ')') {
		n -= 2;
		call = true;
	}
	trim(&s, &n);
	if (is_ident(s, n, call)) {
		return add(out, LIT_IDENT, s, n);
	}
	if (!call && is_path(s, n)) {
		return add(out, LIT_PATH, s, n);
	}
	return 0;
}

int literals_find(const char *text, size_t len, size_t max, struct literals *out)
{
	size_t i = 0, start;
	int r;

	while (i < len && out->n < max) {
		while (i < len && is_space((unsigned char)text[i])) {
			i++;
		}
		start = i;
		while (i < len && !is_space((unsigned char)text[i])) {
			i++;
		}
		if (i > start) {
			r = word(text + start, i - start, out);
			if (r < 0) {
				return r;
			}
		}
	}
	if (out->n > max) {
		out->n = max;
	}
	return 0;
}

void literals_reset(struct literals *l)
{
	l->n = 0;
}

void literals_finish(struct literals *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}
