// SPDX-License-Identifier: MIT
/*
 * tv_pii_keys: the shapes of keys that the key policies need beyond a
 * glob (tv_pii_int.h): which keys with "token" in them name a secret, and
 * where `key=value` pairs stand in free text.  Pure functions over bytes,
 * tested on their own.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "libcommon/pii/tv_pii_int.h"

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static bool is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

static bool is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool is_alnum(char c)
{
	return is_lower(c) || is_upper(c) || (c >= '0' && c <= '9');
}

/* @w/@n, lower-cased, is @lit */
static bool word_is(const char *w, size_t n, const char *lit)
{
	size_t k = strlen(lit);

	if (n != k) {
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		if (lower(w[i]) != lit[i]) {
			return false;
		}
	}
	return true;
}

/*
 * Words that make a key with "token" in it metadata about tokens (counts,
 * limits, the kind of token) rather than a token itself: gen_ai.token.type,
 * llm.token_count.prompt, auto_compact_token_limit, token_usage, max_token.
 */
static const char *const count_words[] = {
	"count", "counts", "usage", "type",   "types", "limit", "limits",   "max",
	"min",	 "budget", "len",   "length", "num",   "total", "estimate", "size",
};

static bool is_count_word(const char *w, size_t n)
{
	for (size_t i = 0; i < sizeof(count_words) / sizeof(count_words[0]); i++) {
		if (word_is(w, n, count_words[i])) {
			return true;
		}
	}
	return false;
}

/* the end of the word of @k starting at @i: letters and digits, split at a camelCase hump */
static size_t word_end(const char *k, size_t n, size_t i)
{
	size_t j = i + 1;

	while (j < n && is_alnum(k[j]) && !(is_upper(k[j]) && is_lower(k[j - 1]))) {
		j++;
	}
	return j;
}

bool pii_token_secret_key(const char *k, size_t n)
{
	bool token = false;

	for (size_t i = 0; i < n;) {
		size_t j;

		if (!is_alnum(k[i])) {
			i++;
			continue;
		}
		j = word_end(k, n, i);
		if (is_count_word(k + i, j - i)) {
			return false;
		}
		token = token || word_is(k + i, j - i, "token");
		i = j;
	}
	return token;
}

/* ---- key=value in text ---- */

static bool key_char(char c)
{
	return is_alnum(c) || c == '_' || c == '.' || c == '-';
}

/* where an unquoted value ends: a space, a separator, or a bracket it did not open */
static size_t value_end(const char *s, size_t n, size_t i)
{
	int depth = 0;

	for (; i < n; i++) {
		char c = s[i];

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || strchr(",;&\"'<>", c)) {
			break;
		}
		if (c == '(' || c == '[' || c == '{') {
			depth++;
		} else if ((c == ')' || c == ']' || c == '}') && depth-- == 0) {
			break;
		}
	}
	return i;
}

/* the key before the '=' at @eq: [*ks, eq), or false */
static bool key_before(const char *s, size_t eq, size_t *ks)
{
	size_t k = eq;

	while (k > 0 && key_char(s[k - 1])) {
		k--;
	}
	/* `--user=` and `.user=`: the key starts at its first letter */
	while (k < eq && !is_alnum(s[k]) && s[k] != '_') {
		k++;
	}
	if (k == eq || (s[k] >= '0' && s[k] <= '9')) {
		return false;
	}
	*ks = k;
	return true;
}

/* the value after the '=' at @eq: [*vs, *ve), quotes left out; false if empty */
static bool value_after(const char *s, size_t n, size_t eq, size_t *vs, size_t *ve)
{
	size_t i = eq + 1;

	if (i < n && (s[i] == '"' || s[i] == '\'')) {
		const char *q = memchr(s + i + 1, s[i], n - i - 1);

		*vs = i + 1;
		*ve = q ? (size_t)(q - s) : n; /* unclosed: to the end */
		return *ve > *vs;
	}
	if (i >= n || s[i] == '=') {
		return false; /* `a==b` */
	}
	*vs = i;
	*ve = value_end(s, n, i);
	return *ve > *vs;
}

bool pii_kv_next(const char *s, size_t n, size_t from, struct pii_kv *kv)
{
	while (from < n) {
		const char *e = memchr(s + from, '=', n - from);
		size_t eq;

		if (e == NULL) {
			return false;
		}
		eq = (size_t)(e - s);
		from = eq + 1;
		if (key_before(s, eq, &kv->ks) && value_after(s, n, eq, &kv->vs, &kv->ve)) {
			kv->ke = eq;
			return true;
		}
	}
	return false;
}
