// SPDX-License-Identifier: MIT
/*
 * tv_pii: find PII and secrets in telemetry text and replace them.
 *
 * How a value is processed (scrub_value):
 *   1. invalid UTF-8: the whole value becomes <REDACTED> (fail closed);
 *   2. a value on an allow-list is kept as is;
 *   3. a key policy for the key the value sits under acts on the whole
 *      value (op keep: the value is not even scanned);
 *   4. a value that is itself JSON is scanned as JSON: tv_jscan walks it,
 *      keeping its layout, and asks on_string() / on_container() below
 *      about each string and container, which come back here;
 *   5. otherwise every enabled rule whose prefilter hits runs its pattern,
 *      its validator checks each candidate, overlaps are resolved (the rule
 *      listed first wins, then the earliest match) and each finding is
 *      replaced by its operator.
 * The prefilter is one pass over the value computing cheap features (the
 * longest run of digits with separators, '@', hex-colon pairs, ...) and a
 * second, bigram-gated pass for keywords ("sk-", "AKIA", "/home/", ...);
 * a rule's PCRE2 pattern (JIT) runs only when its features and keywords
 * are present, as gitleaks does with its keywords.
 *
 * Operators: redact `<TYPE>`, pseudonym `<TYPE:8 hex of HMAC-SHA256(key,
 * value)>` (equal values give equal tokens under one key, whatever the
 * rule or key found them), mask `****` + the last N characters, drop
 * (remove the field), keep.
 *
 * POLICY FILE (YAML; also docs/policy.md, example in examples/policy.yaml)
 *
 *   rules:                     # change built-in or added rules by name
 *     email: {op: redact}      # a name, or a glob over names: "phone_*"
 *     phone_*: {op: mask, mask_keep: 4}
 *     ipv6: {disabled: true}
 *   keys:                      # key policies, tried before the built-in ones
 *     - {match: "customer_id", op: pseudonym, type: CUSTOMER}
 *     - {match: "*session*", op: keep}   # keep: not even scanned
 *     - {match: "debug_dump", op: drop}
 *   add_rules:                 # new rules, after the built-in ones
 *     - name: employee_id
 *       pattern: '\bEMP-\d{6}\b'  # PCRE2; a group named "pii" narrows
 *       type: EMPLOYEE_ID         #   the replaced part: 'id=(?<pii>\d+)'
 *       op: pseudonym             # default redact
 *       mask_keep: 4
 *   allow:                     # never touched (whole value or one finding)
 *     values: ["noreply@example.com"]
 *     patterns: ['.*@example\.com']   # must match the whole text
 *     defaults: true           # 127.0.0.1, ::1, 0.0.0.0, localhost, ...
 *
 * ops: redact, pseudonym, mask, drop, keep.  mask_keep: 0-64, default 4.
 * Key globs are matched case-insensitively against the whole key, with
 * `*` and `?`.  An unknown section, setting, op or rule name, a bad
 * pattern or bad YAML is an error naming the file and line.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcre2.h>

#include "libcommon/core/tv_hmac.h"
#include "libcommon/json/tv_jw.h"
#include "libcommon/pii/tv_jscan.h"
#include "libcommon/pii/tv_pii_int.h"

static const char *const keywords[KW_COUNT] = {
	[KW_PEM] = "-----begin",
	[KW_JWT] = "eyj",
	[KW_SK] = "sk-",
	[KW_AKIA] = "akia",
	[KW_ASIA] = "asia",
	[KW_ABIA] = "abia",
	[KW_ACCA] = "acca",
	[KW_A3T] = "a3t",
	[KW_GHP] = "ghp_",
	[KW_GHO] = "gho_",
	[KW_GHU] = "ghu_",
	[KW_GHS] = "ghs_",
	[KW_GHR] = "ghr_",
	[KW_GHPAT] = "github_pat_",
	[KW_XOX] = "xox",
	[KW_XAPP] = "xapp-",
	[KW_SLACKHOOK] = "hooks.slack.com",
	[KW_AIZA] = "aiza",
	[KW_YA29] = "ya29.",
	[KW_SKU] = "sk_",
	[KW_RKU] = "rk_",
	[KW_HF] = "hf_",
	[KW_APIORG] = "api_org_",
	[KW_URL] = "://",
	[KW_HOME] = "/home/",
	[KW_USERS] = "/users/",
	[KW_WINUSERS] = "\\users\\",
	[KW_SSN] = "ssn",
	[KW_SOCIAL] = "social",
	[KW_PHONE] = "phone",
	[KW_TEL] = "tel",
	[KW_MOB] = "mob",
	[KW_CELL] = "cell",
	[KW_FAX] = "fax",
	[KW_SMS] = "sms",
	[KW_WHATSAPP] = "whatsapp",
	[KW_DESK] = "desk",
	[KW_OFFICE] = "office",
	[KW_HOMEW] = "home",
	[KW_WORK] = "work",
	[KW_DIRECT] = "direct",
	[KW_CALL] = "call",
	[KW_KEY] = "key",
	[KW_TOKEN] = "token",
	[KW_SECRET] = "secret",
	[KW_PASSW] = "passw",
	[KW_PWD] = "pwd",
	[KW_PASSPHRASE] = "passphrase",
	[KW_CRED] = "cred",
	[KW_AUTH] = "auth",
	[KW_ACCESS] = "access",
	[KW_API] = "api",
	[KW_BEARER] = "bearer",
};

struct feat {
	uint32_t bits;
	unsigned digits; /* most digits in one run of digits and " -.()" */
	bool eq;	 /* an '=': there may be key=value pairs */
};

static const char *const extra_names[CNT_EXTRA] = { "invalid_utf8", "rule_error" };

/* how a value's key is used */
enum keymode {
	KEY_POLICY,   /* key policies first, then the rules */
	KEY_RULES,    /* rules only: the key is structure (a KV list's "key") */
	KEY_VERBATIM, /* untouched: a number in a string (OTLP intValue) */
};

static int json_scan(struct tv_pii *p, int lvl, const char *json, size_t n, struct tv_strbuf *out);

static bool digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * Is @s/@n a number written as text, as OTLP writes an intValue or a
 * doubleValue ("-12", "0.5", "1e-3", "NaN", "Infinity")?  Nothing else
 * under those keys is kept unread.
 */
static bool numeric_text(const char *s, size_t n)
{
	size_t i = 0, d = 0;

	if ((n == 3 && memcmp(s, "NaN", 3) == 0) || (n == 8 && memcmp(s, "Infinity", 8) == 0) ||
	    (n == 9 && memcmp(s, "-Infinity", 9) == 0)) {
		return true;
	}
	if (i < n && (s[i] == '-' || s[i] == '+')) {
		i++;
	}
	for (; i < n && digit(s[i]); i++) {
		d++;
	}
	if (i < n && s[i] == '.') {
		for (i++; i < n && digit(s[i]); i++) {
			d++;
		}
	}
	if (d > 0 && i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '-' || s[i] == '+')) {
			i++;
		}
		if (i == n || !digit(s[i])) {
			return false;
		}
		while (i < n && digit(s[i])) {
			i++;
		}
	}
	return d > 0 && i == n;
}

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static unsigned bigram(const unsigned char *lc5, unsigned char a, unsigned char b)
{
	return (unsigned)lc5[a] << 5 | lc5[b];
}

static void build_kw2(struct tv_pii *p)
{
	size_t k;
	int c;

	for (c = 0; c < 256; c++) {
		p->lc5[c] = (unsigned char)(lower((char)c) & 0x1f);
	}
	for (k = 0; k < KW_COUNT; k++) {
		const unsigned char *w = (const unsigned char *)keywords[k];

		p->kw2[bigram(p->lc5, w[0], w[1])] |= KB(k);
	}
}

/* ---- prefilter ---- */

enum {
	C_DIGIT = 1,
	C_HEX = 2,
	C_ALPHA = 4,
	C_SEP = 8,
	C_SPECIAL = 16,
	C_TOK = 32
};

static void init_ctab(unsigned char *ctab)
{
	static const char special[] = "@=:?&+-./\\";
	int c;

	for (c = 0; c < 256; c++) {
		unsigned char k = 0;

		if (c >= '0' && c <= '9') {
			k |= C_DIGIT | C_HEX;
		}
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
			k |= C_ALPHA;
		}
		if ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) {
			k |= C_HEX;
		}
		if (c != 0 && strchr(" -.()", c) != NULL) {
			k |= C_SEP;
		}
		if ((k & (C_DIGIT | C_ALPHA)) || c == '_' || c == '-') {
			k |= C_TOK;
		}
		if (c != 0 && c < 0x80 && strchr(special, c) != NULL) {
			k |= C_SPECIAL;
		}
		ctab[c] = k;
	}
}

void pii_prefilter_init(struct tv_pii *p)
{
	init_ctab(p->ctab);
	build_kw2(p);
}

struct fstate {
	const unsigned char *ctab;
	unsigned cl, dots, gap, tok;
	unsigned hexcolon, hexsep5, hexdot;
	bool eq, qa;
};

static bool cls(const struct fstate *st, const unsigned char *s, size_t n, size_t i,
		unsigned char k)
{
	return i < n && (st->ctab[s[i]] & k);
}

static void end_cluster(struct fstate *st, struct feat *f)
{
	if (st->cl > f->digits) {
		f->digits = st->cl;
	}
	if (st->dots >= 3) {
		f->bits |= F_DOT3;
	}
	st->cl = st->dots = st->gap = 0;
}

static void special(const unsigned char *s, size_t n, size_t i, struct fstate *st, struct feat *f)
{
	bool hexnb = i > 0 && cls(st, s, n, i - 1, C_HEX) && cls(st, s, n, i + 1, C_HEX);

	switch (s[i]) {
	case '@':
		f->bits |= F_AT;
		break;
	case '=':
		st->eq = true;
		break;
	case ':':
		f->bits |= F_ASSIGN;
		st->hexcolon += hexnb || (i + 1 < n && s[i + 1] == ':');
		st->hexsep5 += hexnb;
		break;
	case '?':
	case '&':
		st->qa = true;
		break;
	case '+':
		f->bits |= cls(st, s, n, i + 1, C_DIGIT) ? F_PLUSDIG : 0;
		break;
	case '-':
		st->hexsep5 += hexnb;
		f->bits |= (i + 4 < n && memcmp(s + i, "-----", 5) == 0) ? F_DASH5 : 0;
		break;
	case '.':
		st->hexdot += hexnb;
		break;
	case '/':
	case '\\':
		f->bits |= F_PATH;
		break;
	default:
		break;
	}
}

/* two letters and two digits at @i - 3 .. @i, at the start of a word */
static bool iban_start(const unsigned char *ctab, const unsigned char *s, size_t i)
{
	return i >= 3 && (ctab[s[i - 1]] & C_DIGIT) && (ctab[s[i - 2]] & C_ALPHA) &&
	       (ctab[s[i - 3]] & C_ALPHA) && (i == 3 || !(ctab[s[i - 4]] & (C_ALPHA | C_DIGIT)));
}

static void features(const unsigned char *ctab, const unsigned char *s, size_t n, struct feat *f)
{
	struct fstate st;
	size_t i;

	memset(&st, 0, sizeof(st));
	memset(f, 0, sizeof(*f));
	st.ctab = ctab;
	for (i = 0; i < n; i++) {
		unsigned char k = ctab[s[i]];

		if (!(k & C_TOK)) {
			f->bits |= st.tok >= LONGTOK ? F_LONGTOK : 0;
			st.tok = 0;
		} else if (st.tok++, k & C_DIGIT) {
			st.cl++;
			st.gap = 0;
			f->bits |= iban_start(ctab, s, i) ? F_IBAN : 0;
			continue;
		} else if (!(k & C_SPECIAL) && st.cl == 0) {
			continue; /* a letter, the common case */
		}
		if (st.cl && (k & C_SEP) && st.gap < 2) {
			st.gap++;
			st.dots += s[i] == '.' && cls(&st, s, n, i + 1, C_DIGIT) && st.gap == 1;
		} else if (st.cl) {
			end_cluster(&st, f);
		}
		if (k & C_SPECIAL) {
			special(s, n, i, &st, f);
		}
	}
	end_cluster(&st, f);
	f->bits |= st.tok >= LONGTOK ? F_LONGTOK : 0;
	f->bits |= st.eq ? F_ASSIGN : 0;
	f->eq = st.eq;
	f->bits |= (st.eq && st.qa) ? F_QUERY : 0;
	f->bits |= st.hexcolon >= 2 ? F_HEXCOLON : 0;
	f->bits |= (st.hexsep5 >= 5 || st.hexdot >= 2) ? F_MAC : 0;
	f->bits |= (f->bits & (F_ASSIGN | F_LONGTOK)) ? F_AUTH : 0;
}

static bool kw_here(const unsigned char *s, size_t n, size_t i, const char *w)
{
	size_t k;

	for (k = 0; w[k]; k++) {
		if (i + k >= n || lower((char)s[i + k]) != w[k]) {
			return false;
		}
	}
	return true;
}

/* the keywords among @want present in @s */
static uint64_t find_keywords(const struct tv_pii *p, const unsigned char *s, size_t n,
			      uint64_t want)
{
	uint64_t found = 0;
	size_t i;

	for (i = 0; i + 1 < n && want; i++) {
		uint64_t m = p->kw2[bigram(p->lc5, s[i], s[i + 1])] & want;

		while (m) {
			int k = __builtin_ctzll(m);

			m &= m - 1;
			if (kw_here(s, n, i, keywords[k])) {
				found |= KB(k);
				want &= ~KB(k);
			}
		}
	}
	return found;
}

/* the rules whose prefilter passes on @s (bit i: rule i, for the first 64) */
static uint64_t prefilter(const struct tv_pii *p, const char *s, size_t n, bool *eq)
{
	uint64_t ok = p->enabled, want = 0, hit = 0, m, found;
	struct feat f;

	features(p->ctab, (const unsigned char *)s, n, &f);
	*eq = f.eq;
	ok &= p->feat_ok[f.bits & ((1u << F_COUNT) - 1)];
	ok &= ~p->digit_need[f.digits < MAX_DIGITS ? f.digits : MAX_DIGITS];
	want = p->kw_base;
	for (m = ok & p->kw_cond; m; m &= m - 1) {
		want |= p->rules[__builtin_ctzll(m)].kw;
	}
	found = want ? find_keywords(p, (const unsigned char *)s, n, want) : 0;
	for (m = found; m; m &= m - 1) {
		hit |= p->kw_rules[__builtin_ctzll(m)];
	}
	return ok & (p->kwless | hit);
}

void pii_prefilter_masks(struct tv_pii *p)
{
	size_t i, k;

	for (i = 0; i < p->nrules && i < MASK_RULES; i++) {
		const struct rule *r = &p->rules[i];
		uint64_t bit = UINT64_C(1) << i;

		p->enabled |= r->disabled ? 0 : bit;
		p->kwless |= r->kw ? 0 : bit;
		if (!r->disabled && r->kw && (r->need || r->min_digits)) {
			p->kw_cond |= bit;
		} else if (!r->disabled) {
			p->kw_base |= r->kw;
		}
		for (k = 0; k < (1u << F_COUNT); k++) {
			p->feat_ok[k] |= (r->need & ~k) == 0 ? bit : 0;
		}
		for (k = 0; k <= MAX_DIGITS; k++) {
			p->digit_need[k] |= r->min_digits > k ? bit : 0;
		}
		for (k = 0; k < KW_COUNT; k++) {
			p->kw_rules[k] |= (r->kw & KB(k)) ? bit : 0;
		}
	}
}

/* ---- glob and key policies ---- */

bool pii_glob_match(const char *g, const char *k, size_t n)
{
	const char *star = NULL;
	size_t i = 0, back = 0;

	while (i < n) {
		if (*g == '*') {
			star = ++g;
			back = i;
		} else if (*g && (*g == '?' || lower(*g) == lower(k[i]))) {
			g++;
			i++;
		} else if (star) {
			g = star;
			i = ++back;
		} else {
			return false;
		}
	}
	while (*g == '*') {
		g++;
	}
	return *g == '\0';
}

static uint64_t fnv(const char *s, size_t n)
{
	uint64_t h = UINT64_C(1469598103934665603);
	size_t i;

	for (i = 0; i < n; i++) {
		h = (h ^ (unsigned char)s[i]) * UINT64_C(1099511628211);
	}
	return h;
}

static int find_key_slow(const struct tv_pii *p, const char *key, size_t klen)
{
	size_t i;

	for (i = 0; i < p->nkeys; i++) {
		if (pii_glob_match(p->keys[i].glob, key, klen) &&
		    (p->keys[i].when == NULL || p->keys[i].when(key, klen))) {
			return (int)i;
		}
	}
	return -1;
}

/* a cache slot for @h: two ways, the hot one first */
static size_t slot_of(uint64_t h, size_t size)
{
	h ^= h >> 29;
	return (size_t)(h % (size / 2)) * 2;
}

/* the key policy for @key, -1 if none (cached: keys repeat in every record) */
static int find_key(struct tv_pii *p, const char *key, size_t klen)
{
	struct key_slot *ks, tmp;
	size_t w;

	if (klen > sizeof(ks->key)) {
		return find_key_slow(p, key, klen);
	}
	ks = &p->kcache[slot_of(fnv(key, klen), KEY_CACHE)];
	for (w = 0; w < 2; w++) {
		if (ks[w].used && ks[w].len == klen && memcmp(ks[w].key, key, klen) == 0) {
			return ks[w].idx;
		}
	}
	ks[1] = ks[0];
	tmp.idx = find_key_slow(p, key, klen);
	memcpy(tmp.key, key, klen);
	tmp.len = klen;
	tmp.used = true;
	ks[0] = tmp;
	return tmp.idx;
}

/* ---- operators ---- */

static void report(struct tv_pii *p, size_t counter, const char *name, size_t start, size_t len,
		   enum tv_pii_op op, const char *s, size_t n)
{
	struct tv_pii_finding f = { name, start, len, op, p->at };

	p->counts[counter]++;
	if (p->cb) {
		p->cb(p->udata, &f, s, n);
	}
}

static int pseudonym_hex(struct tv_pii *p, const char *s, size_t n, char hex[9])
{
	static const char digits[] = "0123456789abcdef";
	struct pseudo_slot *ps = NULL;
	unsigned char mac[TV_HMAC_SIZE];
	int i;

	if (n <= PSEUDO_MAX) {
		ps = &p->pcache[slot_of(fnv(s, n), PSEUDO_CACHE)];
		for (i = 0; i < 2; i++) {
			if (ps[i].used && ps[i].len == n && memcmp(ps[i].val, s, n) == 0) {
				memcpy(hex, ps[i].hex, 9);
				return 0;
			}
		}
		ps[1] = ps[0];
	}
	tv_hmac_sha256(p->key, p->key_len, s, n, mac);
	for (i = 0; i < 4; i++) {
		hex[2 * i] = digits[mac[i] >> 4];
		hex[2 * i + 1] = digits[mac[i] & 15];
	}
	hex[8] = '\0';
	if (ps) {
		memcpy(ps->val, s, n);
		ps->len = n;
		memcpy(ps->hex, hex, 9);
		ps->used = true;
	}
	return 0;
}

/* <TYPE> or <TYPE:hex> */
static int put_label(struct tv_strbuf *out, const char *type, const char *hex)
{
	int r = tv_strbuf_putc(out, '<');

	if (r == 0) {
		r = tv_strbuf_puts(out, type);
	}
	if (r == 0 && hex) {
		r = tv_strbuf_putc(out, ':');
		r = r ? r : tv_strbuf_append(out, hex, 8);
	}
	return r ? r : tv_strbuf_putc(out, '>');
}

/* the start of the last @keep characters of @s/@n (UTF-8) */
static size_t tail_start(const char *s, size_t n, unsigned keep)
{
	size_t i = n;

	while (i > 0 && keep > 0) {
		i--;
		if (((unsigned char)s[i] & 0xc0) != 0x80) {
			keep--;
		}
	}
	return keep > 0 ? n : i; /* too short: mask it all */
}

static int put_op(struct tv_pii *p, enum tv_pii_op op, const char *type, unsigned keep,
		  const char *s, size_t n, struct tv_strbuf *out)
{
	char hex[9];
	size_t t;
	int r;

	switch (op) {
	case TV_PII_KEEP:
		return tv_strbuf_append(out, s, n);
	case TV_PII_PSEUDONYM:
		r = pseudonym_hex(p, s, n, hex);
		return r < 0 ? r : put_label(out, type, hex);
	case TV_PII_MASK:
		t = tail_start(s, n, keep);
		r = tv_strbuf_append(out, "****", 4);
		return r < 0 ? r : tv_strbuf_append(out, s + t, n - t);
	case TV_PII_DROP:
		return 0;
	case TV_PII_REDACT:
		break;
	}
	return put_label(out, type, NULL);
}

/*
 * Append the text that replaces a value tv_pii could not process (invalid
 * UTF-8, a lone surrogate, a rule error) and count it.  Returns 1 (one
 * finding) or -ENOMEM.
 */
static int fail_closed(struct tv_pii *p, const char *why, const char *s, size_t n,
		       struct tv_strbuf *out)
{
	size_t extra = strcmp(why, "rule_error") == 0 ? CNT_ERROR : CNT_UTF8;
	size_t counter = p->nrules + p->nkeys + extra;
	int r = tv_strbuf_puts(out, "<REDACTED>");

	if (r < 0) {
		return r;
	}
	report(p, counter, extra_names[extra], 0, n, TV_PII_REDACT, s, n);
	return 1;
}

/* ---- matching ---- */

static bool allowed(const struct tv_pii *p, const char *s, size_t n)
{
	size_t i;

	if (n > p->allow_max && p->nallow_re == 0) {
		return false;
	}
	for (i = 0; i < p->nallow; i++) {
		if (p->allow_len[i] == n && memcmp(p->allow[i], s, n) == 0) {
			return true;
		}
	}
	for (i = 0; i < p->nallow_re; i++) {
		if (pcre2_match(p->allow_re[i], (PCRE2_SPTR)s, n, 0, PCRE2_NO_UTF_CHECK,
				p->md_allow, p->mctx) >= 0) {
			return true;
		}
	}
	return false;
}

static int cands_reserve(struct cands *c, size_t n)
{
	size_t cap = c->cap ? c->cap : 16;
	void *v;

	if (n <= c->cap) {
		return 0;
	}
	while (cap < n) {
		cap *= 2;
	}
	v = realloc(c->v, cap * sizeof(*c->v));
	if (v == NULL) {
		return -ENOMEM;
	}
	c->v = v;
	c->cap = cap;
	return 0;
}

/* does [start, end) overlap an accepted finding? */
static bool cand_overlaps(const struct cands *acc, size_t start, size_t end)
{
	size_t lo = 0, hi = acc->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (acc->v[mid].end <= start) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return lo < acc->n && acc->v[lo].start < end;
}

/*
 * Take [start, end) for @rule unless it overlaps a finding of an earlier
 * rule.  One rule's findings come in order and do not overlap each other
 * (its scan goes on after each one), so they wait in `pend` and are merged
 * in after the scan: linear, whatever the number of findings.
 */
static int cand_add(struct tv_pii *p, uint32_t rule, size_t start, size_t end, bool allow)
{
	int r;

	if (cand_overlaps(&p->acc, start, end)) {
		return 0;
	}
	r = cands_reserve(&p->pend, p->pend.n + 1);
	if (r == 0) {
		p->pend.v[p->pend.n++] = (struct cand){ start, end, rule, -1, allow };
	}
	return r;
}

static int cand_merge(struct tv_pii *p)
{
	struct cands *a = &p->acc, *b = &p->pend, *t = &p->tmp, swap;
	size_t i = 0, j = 0;
	int r;

	if (b->n == 0) {
		return 0;
	}
	r = cands_reserve(t, a->n + b->n);
	if (r < 0) {
		return r;
	}
	t->n = 0;
	while (i < a->n || j < b->n) {
		bool from_a = j == b->n || (i < a->n && a->v[i].start < b->v[j].start);

		t->v[t->n++] = from_a ? a->v[i++] : b->v[j++];
	}
	swap = *a;
	*a = *t;
	*t = swap;
	b->n = 0;
	return 0;
}

/* the part to replace: the first set "pii" group, else the whole match */
static void pii_span(const struct rule *r, const PCRE2_SIZE *ov, size_t *ps, size_t *pe)
{
	size_t g;

	*ps = ov[0];
	*pe = ov[1];
	for (g = 0; g < r->npii; g++) {
		if (ov[2 * r->pii_grp[g]] != PCRE2_UNSET) {
			*ps = ov[2 * r->pii_grp[g]];
			*pe = ov[2 * r->pii_grp[g] + 1];
			return;
		}
	}
}

static size_t next_char(const char *s, size_t n, size_t i)
{
	i++;
	while (i < n && ((unsigned char)s[i] & 0xc0) == 0x80) {
		i++;
	}
	return i;
}

/*
 * one candidate of rule @ri: validate, narrow, check the allow-lists, add;
 * *@end: where the finding ends (a validator may keep less than the match)
 */
static int take(struct tv_pii *p, uint32_t ri, const char *s, const PCRE2_SIZE *ov, bool *ok,
		size_t *end)
{
	const struct rule *r = &p->rules[ri];
	size_t ps, pe, off = 0, len;

	pii_span(r, ov, &ps, &pe);
	len = pe - ps;
	*ok = pe > ps && (r->valid == NULL || r->valid(s + ps, pe - ps, &off, &len));
	if (!*ok || len == 0) {
		*ok = false;
		return 0;
	}
	*end = ps + off + len;
	return cand_add(p, ri, ps + off, ps + off + len, allowed(p, s + ps + off, len));
}

static int rule_scan(struct tv_pii *p, uint32_t ri, const char *s, size_t n)
{
	const struct rule *r = &p->rules[ri];
	size_t off = 0;

	while (off <= n) {
		int rc = pcre2_match(r->re, (PCRE2_SPTR)s, n, off, PCRE2_NO_UTF_CHECK, p->md,
				     p->mctx);
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(p->md);
		size_t ms = ov[0], me = 0;
		bool ok;
		int e;

		if (rc == PCRE2_ERROR_NOMATCH) {
			return 0;
		}
		if (rc < 0) {
			return -TV_EPARSE;
		}
		e = take(p, ri, s, ov, &ok, &me);
		if (e < 0) {
			return e;
		}
		/*
		 * go on after the finding, not after the match: a validator that kept
		 * less (an IBAN followed by text the pattern took in) leaves the rest,
		 * and a valid candidate may start inside a rejected one
		 */
		off = (ok && me > ms && me > off) ? me : next_char(s, n, ms > off ? ms : off);
	}
	return 0;
}

static bool is_token(const char *s, size_t n);

/*
 * `key=value` pairs in text: the key policies act on their values as they
 * do on a JSON member's (a drop policy redacts: text has no field to
 * remove).  After the rules: a value a rule found (a URL's token=, an
 * e-mail under user=) keeps the rule's finding.
 */
static int find_pairs(struct tv_pii *p, const char *s, size_t n)
{
	struct pii_kv kv;
	size_t from = 0;
	int r = 0;

	while (r == 0 && pii_kv_next(s, n, from, &kv)) {
		int ki = find_key(p, s + kv.ks, kv.ke - kv.ks);
		size_t vn = kv.ve - kv.vs;

		from = kv.ke + 1;
		if (ki < 0 || p->keys[ki].op == TV_PII_KEEP || is_token(s + kv.vs, vn) ||
		    cand_overlaps(&p->acc, kv.vs, kv.ve)) {
			continue;
		}
		r = cands_reserve(&p->pend, p->pend.n + 1);
		if (r == 0) {
			p->pend.v[p->pend.n++] =
				(struct cand){ kv.vs, kv.ve, 0, ki, allowed(p, s + kv.vs, vn) };
			from = kv.ve;
		}
	}
	return r ? r : cand_merge(p);
}

static int find_all(struct tv_pii *p, const char *s, size_t n)
{
	bool eq;
	uint64_t sel = prefilter(p, s, n, &eq);
	uint32_t i;
	int r;

	p->acc.n = 0;
	p->pend.n = 0;
	r = 0;
	/* in rule order: an earlier rule's finding wins an overlap */
	for (; r == 0 && sel; sel &= sel - 1) {
		r = rule_scan(p, (uint32_t)__builtin_ctzll(sel), s, n);
		r = r ? r : cand_merge(p);
	}
	for (i = MASK_RULES; r == 0 && i < p->nrules; i++) {
		if (!p->rules[i].disabled) {
			r = rule_scan(p, i, s, n);
			r = r ? r : cand_merge(p);
		}
	}
	return r == 0 && eq ? find_pairs(p, s, n) : r;
}

static int emit_rule(struct tv_pii *p, const struct cand *c, const char *s, size_t n,
		     struct tv_strbuf *out)
{
	const struct rule *ru = &p->rules[c->rule];
	int r = put_op(p, ru->op, ru->type, ru->mask_keep, s + c->start, c->end - c->start, out);

	report(p, c->rule, ru->name, c->start, c->end - c->start, ru->op, s, n);
	return r;
}

static int emit_pair(struct tv_pii *p, const struct cand *c, const char *s, size_t n,
		     struct tv_strbuf *out)
{
	const struct keypol *k = &p->keys[c->key];
	enum tv_pii_op op = k->op == TV_PII_DROP ? TV_PII_REDACT : k->op;
	int r = put_op(p, op, k->type, k->mask_keep, s + c->start, c->end - c->start, out);

	report(p, p->nrules + (size_t)c->key, k->name, c->start, c->end - c->start, op, s, n);
	return r;
}

/* write @s with every accepted candidate replaced */
static int emit(struct tv_pii *p, const char *s, size_t n, struct tv_strbuf *out)
{
	size_t pos = 0, i, mark = out->len;
	bool drop = false;
	int found = 0, r = 0;

	for (i = 0; r == 0 && i < p->acc.n; i++) {
		const struct cand *c = &p->acc.v[i];

		r = tv_strbuf_append(out, s + pos, c->start - pos);
		pos = c->start;
		if (r < 0 || c->allowed) {
			continue;
		}
		r = c->key >= 0 ? emit_pair(p, c, s, n, out) : emit_rule(p, c, s, n, out);
		drop = drop || (c->key < 0 && p->rules[c->rule].op == TV_PII_DROP);
		found++;
		pos = c->end;
	}
	if (r == 0) {
		r = tv_strbuf_append(out, s + pos, n - pos);
	}
	if (r < 0) {
		return r;
	}
	if (drop) {
		out->len = mark;
		if (out->p) {
			out->p[mark] = '\0';
		}
		return TV_PII_DROPPED;
	}
	return found;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* an object or array, by its first and last characters */
static bool looks_json(const char *s, size_t n)
{
	size_t a = 0, b = n;

	while (a < b && is_space(s[a])) {
		a++;
	}
	while (b > a && is_space(s[b - 1])) {
		b--;
	}
	return b - a >= 2 && ((s[a] == '{' && s[b - 1] == '}') || (s[a] == '[' && s[b - 1] == ']'));
}

static int scan_text(struct tv_pii *p, int lvl, const char *s, size_t n, struct tv_strbuf *out)
{
	int r;

	if (lvl + 1 < PII_MAX_LEVELS && looks_json(s, n)) {
		r = json_scan(p, lvl + 1, s, n, out);
		if (r >= 0 || r == -ENOMEM) {
			return r;
		}
		/* not JSON after all: scan it as text */
	}
	r = find_all(p, s, n);
	if (r == -ENOMEM) {
		return r;
	}
	if (r < 0) {
		return fail_closed(p, "rule_error", s, n, out);
	}
	if (p->acc.n == 0 || allowed(p, s, n)) {
		return 0;
	}
	return emit(p, s, n, out);
}

static bool upper_or_digit(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* <TYPE> or <TYPE:8 hex>: what tv_pii wrote; scrubbing it again changes nothing */
static bool is_token(const char *s, size_t n)
{
	size_t i = 1, h;

	if (n < 3 || s[0] != '<' || s[n - 1] != '>' || !(s[1] >= 'A' && s[1] <= 'Z')) {
		return false;
	}
	while (i < n - 1 && upper_or_digit(s[i])) {
		i++;
	}
	if (i == n - 1 || s[i] != ':') {
		return i == n - 1;
	}
	for (h = ++i; i < n - 1 && ((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'));
	     i++) {
	}
	return i == n - 1 && i - h == 8;
}

static int key_apply(struct tv_pii *p, int ki, const char *s, size_t n, struct tv_strbuf *out)
{
	const struct keypol *k = &p->keys[ki];
	int r;

	if (k->op == TV_PII_KEEP || (k->op != TV_PII_DROP && is_token(s, n))) {
		return 0;
	}
	if (n == 0 && k->op != TV_PII_DROP) {
		return 0; /* nothing to hide */
	}
	report(p, p->nrules + (size_t)ki, k->name, 0, n, k->op, s, n);
	if (k->op == TV_PII_DROP) {
		return TV_PII_DROPPED;
	}
	r = put_op(p, k->op, k->type, k->mask_keep, s, n, out);
	return r < 0 ? r : 1;
}

static bool needs_utf8_check(const char *s, size_t n)
{
	uint64_t acc = 0, w;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, s + i, 8);
		acc |= w;
	}
	for (; i < n; i++) {
		acc |= (unsigned char)s[i];
	}
	return (acc & UINT64_C(0x8080808080808080)) != 0;
}

/*
 * Append the scrubbed form of @s/@n (decoded text) found under @key to
 * @out.  @lvl: the JSON nesting level @s came from (JSON inside it is
 * scanned at @lvl + 1).  Returns the number of findings, TV_PII_DROPPED
 * (nothing appended) or -ENOMEM.  When it returns 0 the text is unchanged
 * and @out may or may not hold a copy of it: callers use @s (copying every
 * untouched value would cost a pass over every byte).
 */
static int scrub_value(struct tv_pii *p, int lvl, enum keymode mode, const char *key, size_t klen,
		       const char *s, size_t n, struct tv_strbuf *out)
{
	int ki = -1;

	if (needs_utf8_check(s, n) && !tv_utf8_valid(s, n)) {
		return fail_closed(p, "invalid_utf8", s, n, out);
	}
	if (mode == KEY_VERBATIM) {
		if (numeric_text(s, n)) {
			return 0;
		}
		mode = KEY_RULES; /* text where a number belongs is text: scanned */
	}
	if (mode == KEY_POLICY && key != NULL) {
		ki = find_key(p, key, klen);
	}
	if (ki >= 0) {
		/* an allowed value is never touched */
		if (p->keys[ki].op == TV_PII_KEEP || allowed(p, s, n)) {
			return 0;
		}
		return key_apply(p, ki, s, n, out);
	}
	if (n == 0) {
		return 0;
	}
	return scan_text(p, lvl, s, n, out);
}

/*
 * Does the key policy for @key drop the value?  Then the finding is counted
 * and reported.  For containers, whose strings are not scanned when they
 * go.  Returns 1 (dropped) or 0.
 */
static int key_drop(struct tv_pii *p, const char *key, size_t klen)
{
	int ki = p->drop_keys ? find_key(p, key, klen) : -1;

	if (ki < 0 || p->keys[ki].op != TV_PII_DROP) {
		return 0;
	}
	report(p, p->nrules + (size_t)ki, p->keys[ki].name, 0, 0, TV_PII_DROP, "", 0);
	return 1;
}

/* ---- JSON: tv_jscan walks it, these callbacks scrub what it finds ---- */

struct jctx {
	struct tv_pii *p;
	int lvl;
	int findings;
};

static int on_string(void *udata, const struct tv_jscan_item *it, struct tv_strbuf *repl)
{
	static const enum keymode modes[] = {
		[TV_JSCAN_VALUE] = KEY_POLICY,
		[TV_JSCAN_NAME] = KEY_RULES,
		[TV_JSCAN_PAIR_KEY] = KEY_RULES,
		[TV_JSCAN_NUMERIC] = KEY_VERBATIM,
	};
	struct jctx *c = udata;
	int r;

	if (c->lvl == 0) {
		c->p->at = it->raw;
	}
	if (it->bad) {
		r = fail_closed(c->p, "invalid_utf8", it->raw, it->rawlen, repl);
	} else {
		r = scrub_value(c->p, c->lvl, modes[it->role], it->key, it->klen, it->s, it->n,
				repl);
	}
	if (r == TV_PII_DROPPED && it->role == TV_JSCAN_NAME) {
		/* a name cannot go without its value: replaced whole */
		tv_strbuf_reset(repl);
		r = tv_strbuf_puts(repl, "<REDACTED>") < 0 ? -ENOMEM : 1;
	}
	if (r == TV_PII_DROPPED) {
		c->findings++;
		return TV_JSCAN_DROP;
	}
	if (r <= 0) {
		return r;
	}
	c->findings += r;
	return TV_JSCAN_REPLACE;
}

/* a container under a key whose policy is drop goes whole, unscanned */
static int on_container(void *udata, const struct tv_jscan_item *it)
{
	struct jctx *c = udata;

	if (c->lvl == 0) {
		c->p->at = it->raw;
	}
	if (it->role != TV_JSCAN_VALUE || it->key == NULL || !key_drop(c->p, it->key, it->klen)) {
		return TV_JSCAN_KEEP;
	}
	c->findings++;
	return TV_JSCAN_DROP;
}

/*
 * Append @json/@n with every string scrubbed and the layout kept (see
 * tv_pii_scrub_json()), with the scanner of level @lvl.  Returns the number
 * of findings, -TV_EPARSE (nothing appended), -TV_EDEPTH or -ENOMEM.  With
 * no findings nothing is appended either: the text is unchanged.
 */
static int json_scan(struct tv_pii *p, int lvl, const char *json, size_t n, struct tv_strbuf *out)
{
	/* containers need a look only when a key policy drops */
	static const struct tv_jscan_ops ops = { on_string, on_container };
	static const struct tv_jscan_ops ops_nodrop = { on_string, NULL };
	struct jctx c = { p, lvl, 0 };
	int r;

	if (lvl < 0 || lvl >= PII_MAX_LEVELS) {
		return -TV_EDEPTH;
	}
	r = tv_jscan_run(p->js[lvl], json, n, p->drop_keys ? &ops : &ops_nodrop, &c, out);
	return r < 0 ? r : c.findings;
}

void tv_pii_set_finding_cb(struct tv_pii *p, tv_pii_finding_fn fn, void *udata)
{
	p->cb = fn;
	p->udata = udata;
}

enum tv_pii_op tv_pii_key_op(struct tv_pii *p, const char *key, size_t klen)
{
	int ki = key ? find_key(p, key, klen) : -1;

	return ki >= 0 ? p->keys[ki].op : TV_PII_KEEP;
}

int tv_pii_scrub(struct tv_pii *p, const char *key, size_t klen, const char *s, size_t n,
		 struct tv_strbuf *out)
{
	size_t mark = out->len;
	int r = scrub_value(p, 0, KEY_POLICY, key, klen, s, n, out);

	if (r != 0) {
		return r;
	}
	/* nothing found: the text itself */
	if (out->len > mark) {
		out->len = mark;
		out->p[mark] = '\0';
	}
	r = tv_strbuf_append(out, s, n);
	return r < 0 ? r : 0;
}

int tv_pii_scrub_json(struct tv_pii *p, const char *json, size_t n, struct tv_strbuf *out)
{
	int r = json_scan(p, 0, json, n, out);

	p->at = NULL;
	if (r == 0) {
		r = tv_strbuf_append(out, json, n); /* unchanged */
	}
	return r;
}

uint64_t tv_pii_count(const struct tv_pii *p, size_t i)
{
	return i < p->nrules + p->nkeys + CNT_EXTRA ? p->counts[i] : 0;
}

const char *tv_pii_rule_name(const struct tv_pii *p, size_t i)
{
	if (i < p->nrules) {
		return p->rules[i].name;
	}
	i -= p->nrules;
	if (i < p->nkeys) {
		return p->keys[i].name;
	}
	i -= p->nkeys;
	return i < CNT_EXTRA ? extra_names[i] : NULL;
}

bool tv_pii_key_is_random(const struct tv_pii *p)
{
	return p->key_random;
}
