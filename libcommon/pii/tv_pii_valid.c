// SPDX-License-Identifier: MIT
/*
 * tv_pii_valid: the validators behind tv_pii's rules.  A pattern finds a
 * candidate cheaply; the validator decides with arithmetic the pattern
 * cannot do: Luhn and issuer prefixes for cards, mod-97 for IBANs,
 * Presidio's invalidation list for SSNs, octet ranges for IPv4,
 * inet_pton() for IPv6, Shannon entropy for generic secrets.  Some narrow
 * the candidate to the part that is valid (a card number written after
 * other digit groups).
 */
#include <arpa/inet.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "libcommon/pii/tv_pii_int.h"

#define MAX_GROUPS 24

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static char up(char c)
{
	return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
}

static char low(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static bool eq_nocase(const char *a, size_t n, const char *b)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (b[i] == '\0' || low(a[i]) != low(b[i])) {
			return false;
		}
	}
	return b[n] == '\0';
}

/* digits of @s/@n before the first letter (an extension "x123" is not counted) */
static size_t lead_digits(const char *s, size_t n, char *dst, size_t cap)
{
	size_t i, k = 0;

	for (i = 0; i < n && !is_alpha(s[i]); i++) {
		if (is_digit(s[i])) {
			if (k < cap) {
				dst[k] = s[i];
			}
			k++;
		}
	}
	return k;
}

/* ---- cards ---- */

bool pii_luhn(const char *d, size_t n)
{
	unsigned sum = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned x = (unsigned)(d[n - 1 - i] - '0');

		if (i % 2 == 1) {
			x *= 2;
			if (x > 9) {
				x -= 9;
			}
		}
		sum += x;
	}
	return n > 0 && sum % 10 == 0;
}

/*
 * Issuer identification numbers (the first digits) of the current ranges of
 * the networks we know, and the lengths they issue.  Source: the networks'
 * published IIN ranges as tabled in Wikipedia's "Payment card number"
 * article (checked 2025); docs: televal-anonymize(1), PAYMENT CARDS.
 *
 *   Visa 4 (13-19 digits)            Mastercard 51-55, 2221-2720 (16)
 *   American Express 34, 37 (15)     Discover 6011, 644-649, 65,
 *   Diners Club 300-305, 3095, 36,     622126-622925 (16-19)
 *     38-39 (14-19)                  JCB 3528-3589 (16-19), and the
 *                                      whole 35 block (16-19) and the
 *                                      15-digit 2131 and 1800 series of
 *                                      older JCB cards, which card
 *                                      generators (Faker, hence
 *                                      Presidio's test data) still make
 *   UnionPay 62 (16-19)              Mir 2200-2204 (16-19)
 *   Maestro 50, 56-69 (12-19)
 *
 * Ranges overlap (622126-622925 lies in 62, 65 in 56-69): a number needs
 * one row that takes it.
 */
static const struct {
	unsigned lo, hi;
	unsigned char plen, minlen, maxlen;
} iins[] = {
	{ 4, 4, 1, 13, 19 },	       /* Visa */
	{ 51, 55, 2, 16, 16 },	       /* Mastercard */
	{ 2221, 2720, 4, 16, 16 },     /* Mastercard 2-series (since 2017) */
	{ 34, 34, 2, 15, 15 },	       /* American Express */
	{ 37, 37, 2, 15, 15 },	       /* American Express */
	{ 6011, 6011, 4, 16, 19 },     /* Discover */
	{ 644, 649, 3, 16, 19 },       /* Discover */
	{ 65, 65, 2, 16, 19 },	       /* Discover */
	{ 622126, 622925, 6, 16, 19 }, /* Discover (co-branded UnionPay) */
	{ 300, 305, 3, 14, 19 },       /* Diners Club International */
	{ 3095, 3095, 4, 14, 19 },     /* Diners Club International */
	{ 36, 36, 2, 14, 19 },	       /* Diners Club International */
	{ 38, 39, 2, 14, 19 },	       /* Diners Club International */
	{ 35, 35, 2, 16, 19 },	       /* JCB (3528-3589 allocated; the block fails closed) */
	{ 2131, 2131, 4, 15, 15 },     /* JCB, older 15-digit series */
	{ 1800, 1800, 4, 15, 15 },     /* JCB, older 15-digit series */
	{ 62, 62, 2, 16, 19 },	       /* UnionPay */
	{ 2200, 2204, 4, 16, 19 },     /* Mir */
	{ 50, 50, 2, 12, 19 },	       /* Maestro */
	{ 56, 69, 2, 12, 19 },	       /* Maestro */
};

bool pii_card_prefix(const char *d, size_t n)
{
	size_t i, k;

	for (i = 0; i < sizeof(iins) / sizeof(iins[0]); i++) {
		unsigned v = 0;

		if (n < iins[i].minlen || n > iins[i].maxlen) {
			continue;
		}
		for (k = 0; k < iins[i].plen; k++) {
			v = v * 10 + (unsigned)(d[k] - '0');
		}
		if (v >= iins[i].lo && v <= iins[i].hi) {
			return true;
		}
	}
	return false;
}

/* digit groups of a candidate and the separator after each */
struct groups {
	size_t start[MAX_GROUPS], end[MAX_GROUPS];
	size_t n;
};

static bool split_groups(const char *s, size_t n, struct groups *g)
{
	size_t i = 0;

	g->n = 0;
	while (i < n) {
		if (!is_digit(s[i])) {
			i++;
			continue;
		}
		if (g->n == MAX_GROUPS) {
			return false;
		}
		g->start[g->n] = i;
		while (i < n && is_digit(s[i])) {
			i++;
		}
		g->end[g->n++] = i;
	}
	return g->n > 0;
}

static size_t glen(const struct groups *g, size_t i)
{
	return g->end[i] - g->start[i];
}

/*
 * Can group @i of [a, b) be part of a card number as written?  Groups of
 * 3 to 6 digits (4-4-4-4, Amex's 4-6-5, Diners' 4-6-4, 4-4-4-4-3), or a
 * tail of 1 or 2 after three or more groups of four (a 13, 14, 17 or
 * 18-digit number printed in fours).
 */
static bool group_ok(const struct groups *g, size_t a, size_t b, size_t i)
{
	size_t len = glen(g, i);

	if (b - a == 1 || (len >= 3 && len <= 6)) {
		return true;
	}
	if (len > 2 || i != b - 1 || b - a < 4) {
		return false;
	}
	for (size_t j = a; j < i; j++) {
		if (glen(g, j) != 4) {
			return false;
		}
	}
	return true;
}

/* groups [a, b) of @g as a card number: one separator kind, groups as group_ok() takes */
static bool card_span(const char *s, const struct groups *g, size_t a, size_t b)
{
	char d[24];
	size_t i, k = 0;
	char sep = 0;

	for (i = a; i < b; i++) {
		size_t len = glen(g, i);

		if (!group_ok(g, a, b, i)) {
			return false;
		}
		if (i > a) {
			char c = s[g->start[i] - 1];

			if (g->start[i] - g->end[i - 1] != 1 || (sep && c != sep)) {
				return false;
			}
			sep = c;
		}
		if (k + len > 19) {
			return false;
		}
		memcpy(d + k, s + g->start[i], len);
		k += len;
	}
	return k >= 12 && pii_card_prefix(d, k) && pii_luhn(d, k);
}

static bool four_by_four(const struct groups *g)
{
	if (g->n != 4) {
		return false;
	}
	for (size_t i = 0; i < 4; i++) {
		if (g->end[i] - g->start[i] != 4) {
			return false;
		}
	}
	return true;
}

/*
 * Groups [a, b) stand apart from the others of the run by blanks: in
 * "ref 2024 4111 1111 1111 1111" the number before is another one, while
 * "4111-1111-1111-1111-2222" is one identifier, not a card and a tail.
 */
static bool space_apart(const char *s, const struct groups *g, size_t a, size_t b)
{
	return (a == 0 || s[g->start[a] - 1] == ' ') && (b == g->n || s[g->end[b - 1]] == ' ');
}

bool pii_valid_card(const char *s, size_t n, size_t *off, size_t *len)
{
	struct groups g;
	size_t width, a;

	if (!split_groups(s, n, &g)) {
		return false;
	}
	/* the usual layout of a card, four groups of four: the whole or nothing */
	if (four_by_four(&g)) {
		if (!card_span(s, &g, 0, g.n)) {
			return false;
		}
		*off = g.start[0];
		*len = g.end[g.n - 1] - g.start[0];
		return true;
	}
	for (width = g.n; width > 0; width--) {
		for (a = 0; a + width <= g.n; a++) {
			if (!space_apart(s, &g, a, a + width)) {
				continue;
			}
			if (card_span(s, &g, a, a + width)) {
				*off = g.start[a];
				*len = g.end[a + width - 1] - g.start[a];
				return true;
			}
		}
	}
	return false;
}

/* ---- IBAN ---- */

/* country code and IBAN length, SWIFT's registry plus the "experimental" ones */
static const char iban_lengths[] =
	"AD24AE23AL28AO25AT20AZ28BA20BE16BF28BG22BH22BI27BJ28BR29BY28CF27CG27CH21"
	"CI28CM27CR22CV25CY28CZ24DE22DJ27DK18DO28DZ26EE20EG29ES24FI18FK18FO18FR27"
	"GA27GB22GE22GI23GL18GQ27GR27GT28GW25HN28HR21HU28IE22IL23IQ23IR26IS26IT27"
	"JO30KM27KW30KZ20LB28LC32LI21LT20LU20LV21LY25MA28MC27MD24ME22MG27MK19ML28"
	"MN20MR27MT31MU30MZ25NE28NI28NL18NO15OM23PK24PL28PS29PT25QA29RO24RS22RU33"
	"SA24SC31SD18SE24SI19SK24SM27SN28SO23ST25SV28TD27TL23TN24TR26UA29VA22VG24"
	"XK20YE30";

static size_t iban_length(char a, char b)
{
	size_t i;

	for (i = 0; i + 4 <= sizeof(iban_lengths) - 1; i += 4) {
		if (iban_lengths[i] == a && iban_lengths[i + 1] == b) {
			return (size_t)(iban_lengths[i + 2] - '0') * 10 +
			       (size_t)(iban_lengths[i + 3] - '0');
		}
	}
	return 0;
}

bool pii_iban_mod97(const char *s, size_t n)
{
	unsigned rem = 0;
	size_t i;

	if (n < 5) {
		return false;
	}
	for (i = 0; i < n; i++) {
		char c = up(s[(i + 4) % n]);

		if (is_digit(c)) {
			rem = (rem * 10 + (unsigned)(c - '0')) % 97;
		} else if (c >= 'A' && c <= 'Z') {
			rem = (rem * 100 + (unsigned)(c - 'A' + 10)) % 97;
		} else {
			return false;
		}
	}
	return rem == 1;
}

/* @s/@n (spaces allowed between groups of four) as one IBAN */
static bool iban_exact(const char *s, size_t n)
{
	char c[40];
	size_t i, k = 0, grp = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == ' ') {
			if (grp != 4) {
				return false;
			}
			grp = 0;
			continue;
		}
		if (k == sizeof(c)) {
			return false;
		}
		c[k++] = up(s[i]);
		grp++;
	}
	if (k < 15 || !is_alpha(c[0]) || !is_alpha(c[1]) || !is_digit(c[2]) || !is_digit(c[3])) {
		return false;
	}
	return iban_length(c[0], c[1]) == k && pii_iban_mod97(c, k);
}

bool pii_valid_iban(const char *s, size_t n, size_t *off, size_t *len)
{
	size_t end = n;

	/* the pattern may run on into the next words: try shorter ends */
	for (;;) {
		if (iban_exact(s, end)) {
			*off = 0;
			*len = end;
			return true;
		}
		while (end > 0 && s[end - 1] != ' ') {
			end--;
		}
		if (end == 0) {
			return false;
		}
		end--;
	}
}

/* ---- US SSN (Presidio's UsSsnRecognizer.invalidate_result) ---- */

bool pii_valid_ssn(const char *s, size_t n, size_t *off, size_t *len)
{
	static const char *const samples[] = {
		"000", "666", "123456789", "98765432", "078051120",
	};
	char d[16], delim = 0;
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (is_digit(s[i])) {
			if (k == sizeof(d)) {
				return false;
			}
			d[k++] = s[i];
		} else if (delim && s[i] != delim) {
			return false; /* mismatched delimiters */
		} else {
			delim = s[i];
		}
	}
	if (k != 9) {
		return false;
	}
	for (i = 1; i < 9 && d[i] == d[0]; i++) {
	}
	if (i == 9 || memcmp(d + 3, "00", 2) == 0 || memcmp(d + 5, "0000", 4) == 0) {
		return false;
	}
	for (i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		if (strncmp(d, samples[i], strlen(samples[i])) == 0) {
			return false;
		}
	}
	(void)off;
	(void)len;
	return true;
}

/* ---- network ---- */

bool pii_valid_ipv4(const char *s, size_t n, size_t *off, size_t *len)
{
	size_t i = 0, parts = 0;

	while (i < n) {
		unsigned v = 0;
		size_t start = i;

		while (i < n && is_digit(s[i])) {
			v = v * 10 + (unsigned)(s[i] - '0');
			i++;
		}
		if (i == start || i - start > 3 || v > 255 || (i - start > 1 && s[start] == '0') ||
		    (parts == 0 && v == 0)) {
			return false;
		}
		parts++;
		if (i < n && s[i++] != '.') {
			return false;
		}
	}
	(void)off;
	(void)len;
	return parts == 4 && s[n - 1] != '.';
}

bool pii_valid_ipv6(const char *s, size_t n, size_t *off, size_t *len)
{
	unsigned char addr[16];
	char buf[64];
	size_t i, groups = 0, first = 0, cur = 0;

	if (n >= sizeof(buf)) {
		return false;
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET6, buf, addr) != 1) {
		return false;
	}
	for (i = 0; i <= n; i++) {
		if (i == n || s[i] == ':') {
			if (cur > 0 && groups++ == 0) {
				first = cur;
			}
			cur = 0;
		} else {
			cur++;
		}
	}
	(void)off;
	(void)len;
	/* "1::2" is a Python slice more often than an address */
	return groups >= 3 || (groups == 2 && first == 4);
}

bool pii_valid_mac(const char *s, size_t n, size_t *off, size_t *len)
{
	bool zero = true, ones = true;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!is_hex(s[i])) {
			continue;
		}
		zero = zero && s[i] == '0';
		ones = ones && low(s[i]) == 'f';
	}
	(void)off;
	(void)len;
	return !zero && !ones;
}

/* ---- e-mail ---- */

bool pii_valid_email(const char *s, size_t n, size_t *off, size_t *len)
{
	/* icon@2x.png is a retina image, not an address */
	static const char *const files[] = {
		"png", "jpg", "jpeg", "gif", "svg", "webp", "ico", "bmp", "tif", "tiff",
	};
	size_t i = n, t;

	if (n > 4 && memcmp(s, "git@", 4) == 0) {
		return false; /* git@github.com:org/repo: an SSH remote */
	}
	while (i > 0 && s[i - 1] != '.') {
		i--;
	}
	for (t = 0; t < sizeof(files) / sizeof(files[0]); t++) {
		if (eq_nocase(s + i, n - i, files[t])) {
			return false;
		}
	}
	(void)off;
	(void)len;
	return true;
}

/* ---- phones ---- */

bool pii_valid_nanp(const char *s, size_t n, size_t *off, size_t *len)
{
	char d[24];
	size_t k = lead_digits(s, n, d, sizeof(d));
	const char *area = d;

	if (k > sizeof(d)) {
		return false;
	}
	if (k == 13 && memcmp(d, "001", 3) == 0) {
		area += 3;
		k -= 3;
	} else if (k == 11 && d[0] == '1') {
		area++;
		k--;
	}
	(void)off;
	(void)len;
	/* an area code starts with 2-9: 123-456-7890 is a placeholder */
	return k == 10 && area[0] >= '2';
}

bool pii_valid_phone(const char *s, size_t n, size_t *off, size_t *len)
{
	char d[32];
	size_t k = lead_digits(s, n, d, sizeof(d));

	(void)off;
	(void)len;
	return k >= 7 && k <= 15;
}

static size_t count_groups(const char *s, size_t n)
{
	size_t i, g = 0;

	for (i = 0; i < n; i++) {
		g += is_digit(s[i]) && (i == 0 || !is_digit(s[i - 1]));
	}
	return g;
}

static size_t last_group(const char *s, size_t n)
{
	size_t k = 0;

	while (k < n && is_digit(s[n - 1 - k])) {
		k++;
	}
	return k;
}

bool pii_valid_local_phone(const char *s, size_t n, size_t *off, size_t *len)
{
	char d[32];
	size_t k = lead_digits(s, n, d, sizeof(d));

	(void)off;
	(void)len;
	if (s[0] == '(') {
		return k >= 8 && k <= 12;
	}
	if (s[0] == '0') {
		/*
		 * A date 01.02.2024 has 8 digits; 078-05-1120 is shaped as an SSN;
		 * with two groups the second is long (0393 1144137), not a house
		 * number after a postcode (03262 2437).
		 */
		return k >= 9 && k <= 12 && !(n == 11 && s[3] == '-' && s[6] == '-') &&
		       (count_groups(s, n) > 2 || last_group(s, n) >= 6);
	}
	return k == 8;
}

bool pii_valid_ctx_phone(const char *s, size_t n, size_t *off, size_t *len)
{
	char d[48];
	size_t k = lead_digits(s, n, d, sizeof(d));

	/* "phones 052 5552606 074-7111234": keep the first number */
	while (k > 15) {
		while (n > 0 && s[n - 1] != ' ') {
			n--;
		}
		while (n > 0 && (s[n - 1] == ' ' || !is_digit(s[n - 1]))) {
			n--;
		}
		k = lead_digits(s, n, d, sizeof(d));
	}
	*off = 0;
	*len = n;
	return k >= 7;
}

/* ---- user names in home paths ---- */

bool pii_valid_username(const char *s, size_t n, size_t *off, size_t *len)
{
	/* system and well-known accounts and folders: no person behind them */
	static const char *const shared[] = {
		"shared",    "public",	 "default",  "default user", "all users", "defaultuser0",
		"user",	     "username", "runner",   "ubuntu",	     "ec2-user",  "vagrant",
		"node",	     "root",	 "admin",    "vscode",	     "codespace", "jovyan",
		"linuxbrew", "git",	 "circleci", "travis",
	};
	size_t i;

	if (n == 0 || strchr("$<{%~*.", s[0]) != NULL) {
		return false; /* a placeholder: $USER, <user>, {user}, %USERNAME% */
	}
	for (i = 0; i < sizeof(shared) / sizeof(shared[0]); i++) {
		if (eq_nocase(s, n, shared[i])) {
			return false;
		}
	}
	(void)off;
	(void)len;
	return true;
}

/* ---- secrets ---- */

double pii_entropy(const char *s, size_t n)
{
	unsigned count[256] = { 0 };
	double h = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		count[(unsigned char)s[i]]++;
	}
	for (i = 0; i < 256; i++) {
		if (count[i]) {
			double p = (double)count[i] / (double)n;

			h -= p * log2(p);
		}
	}
	return h;
}

bool pii_valid_key(const char *s, size_t n, size_t *off, size_t *len)
{
	(void)off;
	(void)len;
	/* gitleaks: AWS's documentation keys end in EXAMPLE; entropy >= 3 */
	if (n >= 7 && memcmp(s + n - 7, "EXAMPLE", 7) == 0) {
		return false;
	}
	return pii_entropy(s, n) >= 3.0;
}

static bool placeholder(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || strchr("$<{%", s[0]) != NULL) {
		return true;
	}
	for (i = 1; i < n && s[i] == s[0]; i++) {
	}
	return i == n; /* ****, xxxx */
}

/* a plain word (lower, UPPER or Capitalized letters): "required", "None" */
static bool word_like(const char *s, size_t n)
{
	bool lower = true, upper = true;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!is_alpha(s[i])) {
			return false;
		}
		if (s[i] >= 'A' && s[i] <= 'Z') {
			lower = lower && i == 0;
		} else {
			upper = false;
		}
	}
	return lower || upper;
}

bool pii_valid_secret(const char *s, size_t n, size_t *off, size_t *len)
{
	size_t i;
	bool other = false;

	(void)off;
	(void)len;
	if (n < 10 || placeholder(s, n)) {
		return false;
	}
	/* identifiers (letters, '_', '.', '-') are names, not keys */
	for (i = 0; i < n && !other; i++) {
		other = !is_alpha(s[i]) && s[i] != '_' && s[i] != '.' && s[i] != '-';
	}
	return other && pii_entropy(s, n) >= 3.5; /* gitleaks' threshold */
}

bool pii_valid_password(const char *s, size_t n, size_t *off, size_t *len)
{
	(void)off;
	(void)len;
	return n >= 4 && !placeholder(s, n) && !word_like(s, n);
}
