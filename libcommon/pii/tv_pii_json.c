// SPDX-License-Identifier: MIT
/*
 * tv_pii_json: scrub the strings of a JSON text and keep everything else
 * byte for byte.  A scanner, not a parser: it walks the text once,
 * validating it, and copies it lazily (bytes from `from` to the current
 * position are copied only when something changes), so an untouched record
 * costs one pass and a memcpy.  String tokens are decoded, handed to
 * pii_scrub_value() with the key they sit under, and re-encoded with
 * tv_json_escape() only when their text changed.
 *
 * The key of a value is its member name.  In OTLP and Jaeger key-value
 * lists, {"key": K, "value": V} (Jaeger adds "type"), it is K for
 * everything in V: V's AnyValue wrapper members (stringValue, arrayValue,
 * kvlistValue, values) are transparent, and the numbers OTLP writes as
 * strings (intValue, doubleValue, boolValue) are left alone.  When "value"
 * comes before "key" the member name "value" is used.
 *
 * A dropped value removes its member (with the right comma); inside a
 * key-value pair it removes the whole pair from its list.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libcommon/core/tv_text.h"
#include "libcommon/json/tv_json.h"
#include "libcommon/json/tv_jw.h"
#include "libcommon/pii/tv_pii_int.h"

struct scan {
	struct tv_pii *p;
	int lvl;
	struct pii_level *L;
	const char *s;
	size_t n, i;
	size_t from; /* input copied to out up to here */
	struct tv_strbuf *out;
	size_t mark; /* out's length before the scan */
	int findings;
};

enum state {
	ST_VALUE,
	ST_FIRST_KEY,
	ST_KEY,
	ST_FIRST_ELEM,
	ST_AFTER
};

static bool is_ws(char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

static void skip_ws(struct scan *sc)
{
	while (sc->i < sc->n && is_ws(sc->s[sc->i])) {
		sc->i++;
	}
}

/* ---- lazy output ---- */

static size_t vlen(const struct scan *sc)
{
	return sc->out->len + (sc->i - sc->from);
}

static int flush_to(struct scan *sc, size_t upto)
{
	int r = 0;

	if (upto > sc->from) {
		r = tv_strbuf_append(sc->out, sc->s + sc->from, upto - sc->from);
	}
	sc->from = upto;
	return r;
}

static int cut_to(struct scan *sc, size_t len)
{
	int r = flush_to(sc, sc->i);

	if (r == 0 && len < sc->out->len) {
		sc->out->len = len;
		sc->out->p[len] = '\0';
	}
	return r;
}

/* ---- frames ---- */

static struct pii_frame *top(struct scan *sc)
{
	return sc->L->nframes ? &sc->L->frames[sc->L->nframes - 1] : NULL;
}

static const char *name_ptr(const struct scan *sc, const struct pii_name *nm)
{
	if (nm->s != NULL) {
		return nm->s;
	}
	return sc->L->names.p ? sc->L->names.p + nm->off : "";
}

static bool name_is(const struct scan *sc, const struct pii_name *nm, const char *lit)
{
	size_t k = strlen(lit);

	return nm->len == k && memcmp(name_ptr(sc, nm), lit, k) == 0;
}

/* OTLP AnyValue members that only wrap the value of the pair around them */
static bool is_wrapper(const struct scan *sc, const struct pii_name *nm)
{
	return name_is(sc, nm, "stringValue") || name_is(sc, nm, "arrayValue") ||
	       name_is(sc, nm, "kvlistValue") || name_is(sc, nm, "values") ||
	       name_is(sc, nm, "bytesValue");
}

static bool is_number(const struct scan *sc, const struct pii_name *nm)
{
	return name_is(sc, nm, "intValue") || name_is(sc, nm, "doubleValue") ||
	       name_is(sc, nm, "boolValue");
}

/* does a value of the current element of @f pass on (and drop with) its pair? */
static bool passes_through(const struct scan *sc, const struct pii_frame *f)
{
	if (!f->is_obj) {
		return false;
	}
	return (f->kv && name_is(sc, &f->name, "value")) ||
	       (f->transparent && is_wrapper(sc, &f->name));
}

struct vkey {
	enum pii_keymode mode;
	const char *key;
	size_t klen;
	bool transparent; /* for a container: it is (part of) a pair's value */
	bool have;
	struct pii_name name;
};

/* the key the current value of @f sits under */
static void value_key(const struct scan *sc, const struct pii_frame *f, struct vkey *k)
{
	memset(k, 0, sizeof(*k));
	k->mode = PII_KEY_POLICY;
	if (f == NULL) {
		return;
	}
	if (!f->is_obj) {
		k->have = f->have_inherit;
		k->name = f->inherit;
		k->transparent = f->transparent;
	} else if (name_is(sc, &f->name, "key")) {
		k->mode = PII_KEY_RULES;
	} else if (f->kv && name_is(sc, &f->name, "value")) {
		k->have = true;
		k->name = f->kvkey;
		k->transparent = true;
	} else if (f->transparent && is_number(sc, &f->name)) {
		k->mode = PII_KEY_VERBATIM;
	} else if (f->transparent && is_wrapper(sc, &f->name)) {
		k->have = f->have_inherit;
		k->name = f->inherit;
		k->transparent = true;
	} else {
		k->have = true;
		k->name = f->name;
	}
	if (k->have) {
		k->key = name_ptr(sc, &k->name);
		k->klen = k->name.len;
	}
}

static int push(struct scan *sc, bool is_obj, const struct vkey *k)
{
	struct pii_level *L = sc->L;
	struct pii_frame *f;

	if (L->nframes >= TV_JSON_MAX_DEPTH) {
		return -TV_EDEPTH;
	}
	if (L->nframes == L->capframes) {
		size_t cap = L->capframes ? L->capframes * 2 : 16;
		void *v = realloc(L->frames, cap * sizeof(*L->frames));

		if (v == NULL) {
			return -ENOMEM;
		}
		L->frames = v;
		L->capframes = cap;
	}
	f = &L->frames[L->nframes++];
	memset(f, 0, sizeof(*f));
	f->silent = L->nframes > 1 && f[-1].silent;
	f->is_obj = is_obj;
	f->transparent = k->transparent;
	f->have_inherit = k->have;
	f->inherit = k->name;
	sc->i++;
	f->open_out = vlen(sc);
	return 0;
}

/* remove the current element of @f from the output */
static int remove_elem(struct scan *sc, struct pii_frame *f)
{
	int r = cut_to(sc, f->has_sep ? f->sep_out : f->elem_out);

	if (!f->has_sep) {
		f->skip_comma = true;
	}
	f->cur_removed = true;
	return r;
}

/* the current value of the top frame was dropped */
static int drop_value(struct scan *sc)
{
	struct pii_frame *f = top(sc);

	if (f == NULL) {
		return 1; /* the whole document: the caller writes null */
	}
	if (passes_through(sc, f) && sc->L->nframes > 1) {
		f->dropped = true; /* removed with its pair when it closes */
		return 0;
	}
	return remove_elem(sc, f);
}

/* ---- tokens ---- */

#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

/* a byte of @w is zero */
static uint64_t has_zero(uint64_t w)
{
	return (w - ONES) & ~w & HIGHS;
}

/* the first '"', '\\' or control character at or after @i (or @n) */
static size_t plain_run(const unsigned char *s, size_t n, size_t i)
{
	uint64_t w;

	/*
	 * Eight bytes at a time: most strings are runs of plain text.  The
	 * lowest flagged byte is exact (a false flag only follows a true one),
	 * assuming a little-endian load; other byte orders take the loop below.
	 */
	for (; i + 8 <= n; i += 8) {
		uint64_t hit;

		memcpy(&w, s + i, 8);
		hit = has_zero(w ^ (ONES * '"')) | has_zero(w ^ (ONES * '\\')) |
		      ((w - ONES * 0x20) & ~w & HIGHS);
		if (hit) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			return i + (size_t)__builtin_ctzll(hit) / 8;
#else
			break;
#endif
		}
	}
	while (i < n && s[i] != '"' && s[i] != '\\' && s[i] >= 0x20) {
		i++;
	}
	return i;
}

/* the closing quote of the string at sc->i; *esc: it has escapes */
static int string_end(struct scan *sc, size_t *end, bool *esc)
{
	const unsigned char *s = (const unsigned char *)sc->s;
	size_t i = sc->i + 1;

	*esc = false;
	for (;;) {
		i = plain_run(s, sc->n, i);
		if (i >= sc->n || s[i] < 0x20) {
			return -TV_EPARSE;
		}
		if (s[i] == '"') {
			*end = i;
			return 0;
		}
		*esc = true;
		if (i + 1 >= sc->n || strchr("\"\\/bfnrtu", s[i + 1]) == NULL || s[i + 1] == 0) {
			return -TV_EPARSE;
		}
		if (s[i + 1] == 'u' && (i + 6 > sc->n || tv_text_hex4(sc->s + i + 2) < 0)) {
			return -TV_EPARSE;
		}
		i += s[i + 1] == 'u' ? 6 : 2;
	}
}

/* a \uXXXX escape at @s (a pair of them for astral characters); *bad: lone surrogate */
static int put_u_escape(struct tv_strbuf *b, const char *s, const char *end, size_t *used,
			bool *bad)
{
	long hi = tv_text_hex4(s + 2), lo;

	*used = 6;
	if (hi >= 0xd800 && hi < 0xdc00 && end - s >= 12 && s[6] == '\\' && s[7] == 'u') {
		lo = tv_text_hex4(s + 8);
		if (lo >= 0xdc00 && lo < 0xe000) {
			*used = 12;
			return tv_text_put_utf8(b, 0x10000 + (((unsigned long)hi - 0xd800) << 10) +
							   ((unsigned long)lo - 0xdc00));
		}
	}
	if (hi >= 0xd800 && hi < 0xe000) {
		*bad = true;
		return tv_text_put_utf8(b, 0xfffd);
	}
	return tv_text_put_utf8(b, (unsigned long)hi);
}

/* decode the (validated) string body @s/@n into @b */
static int decode(const char *s, size_t n, struct tv_strbuf *b, bool *bad)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *e = s + n;
	int r = 0;

	*bad = false;
	while (r == 0 && s < e) {
		const char *q = memchr(s, '\\', (size_t)(e - s));
		size_t used;

		if (q == NULL) {
			return tv_strbuf_append(b, s, (size_t)(e - s));
		}
		r = tv_strbuf_append(b, s, (size_t)(q - s));
		if (r == 0 && q[1] == 'u') {
			r = put_u_escape(b, q, e, &used, bad);
			s = q + used;
		} else if (r == 0) {
			r = tv_strbuf_putc(b, to[strchr(from, q[1]) - from]);
			s = q + 2;
		}
	}
	return r;
}

/* a string token, decoded */
struct str {
	const char *d; /* its text: in the input, or in the scratch buffer */
	size_t dn;
	size_t end; /* the closing quote */
	bool bad;   /* a lone surrogate: not valid Unicode */
	bool in_input;
};

static int read_string(struct scan *sc, struct tv_strbuf *buf, struct str *t)
{
	bool esc;
	int r = string_end(sc, &t->end, &esc);

	t->bad = false;
	t->in_input = !esc;
	if (r < 0) {
		return r;
	}
	if (!esc) {
		t->d = sc->s + sc->i + 1;
		t->dn = t->end - sc->i - 1;
		return 0;
	}
	tv_strbuf_reset(buf);
	r = decode(sc->s + sc->i + 1, t->end - sc->i - 1, buf, &t->bad);
	t->d = buf->p ? buf->p : "";
	t->dn = buf->len;
	return r;
}

/* write the scrubbed text for the token [sc->i, end] unless it is unchanged */
static int replace_token(struct scan *sc, size_t end, const char *orig, size_t on,
			 const struct tv_strbuf *res)
{
	int r;

	if (res->len == on && (on == 0 || memcmp(res->p, orig, on) == 0)) {
		sc->i = end + 1;
		return 0;
	}
	r = flush_to(sc, sc->i);
	if (r == 0) {
		r = tv_strbuf_putc(sc->out, '"');
	}
	if (r == 0 && res->len) {
		r = tv_json_escape(sc->out, res->p, res->len);
	}
	if (r == 0) {
		r = tv_strbuf_putc(sc->out, '"');
	}
	sc->i = end + 1;
	sc->from = sc->i;
	return r;
}

/* a text that could not be decoded to valid Unicode: fail closed */
static int redact_token(struct scan *sc, size_t end)
{
	struct tv_strbuf *res = &sc->L->res;
	int r;

	tv_strbuf_reset(res);
	r = pii_fail_closed(sc->p, "invalid_utf8", sc->s + sc->i + 1, end - sc->i - 1, res);
	if (r < 0) {
		return r;
	}
	sc->findings += r;
	return replace_token(sc, end, "", 0, res);
}

/* remember a name (member name or a pair's K) beyond the scratch buffer's life */
static int keep_name(struct scan *sc, const struct str *t, struct pii_name *nm)
{
	struct tv_strbuf *a = &sc->L->names;

	nm->len = t->dn;
	if (t->in_input) {
		nm->s = t->d;
		return 0;
	}
	nm->s = NULL;
	nm->off = a->len;
	return tv_strbuf_append(a, t->d, t->dn);
}

static int string_value(struct scan *sc)
{
	struct pii_level *L = sc->L;
	struct pii_frame *f = top(sc);
	struct vkey k;
	struct str t;
	int r = read_string(sc, &L->dec, &t);

	if (r < 0) {
		return r;
	}
	if (f && f->silent) {
		sc->i = t.end + 1; /* going with its container */
		return 0;
	}
	if (t.bad) {
		return redact_token(sc, t.end);
	}
	value_key(sc, f, &k);
	if (f && f->is_obj && k.mode == PII_KEY_RULES) {
		f->kv = true; /* {"key": K, ...} */
		r = keep_name(sc, &t, &f->kvkey);
		if (r < 0) {
			return r;
		}
	}
	tv_strbuf_reset(&L->res);
	r = pii_scrub_value(sc->p, sc->lvl, k.mode, k.key, k.klen, t.d, t.dn, &L->res);
	if (r < 0) {
		return r;
	}
	if (r == TV_PII_DROPPED) {
		sc->i = t.end + 1;
		sc->findings++;
		return drop_value(sc);
	}
	sc->findings += r;
	if (r == 0) {
		sc->i = t.end + 1;
		return 0;
	}
	return replace_token(sc, t.end, t.d, t.dn, &L->res);
}

/* a member name: scanned by the rules (an e-mail used as a key), kept for the key */
static int member_name(struct scan *sc, struct pii_frame *f)
{
	struct pii_level *L = sc->L;
	struct str t;
	int r = read_string(sc, &L->dec, &t);

	if (r < 0) {
		return r;
	}
	if (f->silent) {
		sc->i = t.end + 1; /* going with its container */
		return 0;
	}
	if (t.bad) {
		f->name.s = "";
		f->name.len = 0;
		return redact_token(sc, t.end);
	}
	r = keep_name(sc, &t, &f->name);
	if (r < 0) {
		return r;
	}
	tv_strbuf_reset(&L->res);
	r = pii_scrub_value(sc->p, sc->lvl, PII_KEY_RULES, NULL, 0, t.d, t.dn, &L->res);
	if (r == TV_PII_DROPPED) {
		tv_strbuf_reset(&L->res);
		r = tv_strbuf_puts(&L->res, "<REDACTED>") < 0 ? -ENOMEM : 1;
	}
	if (r <= 0) {
		sc->i = t.end + 1;
		return r;
	}
	sc->findings += r;
	return replace_token(sc, t.end, t.d, t.dn, &L->res);
}

static int literal(struct scan *sc)
{
	static const char *const lits[] = { "true", "false", "null" };
	size_t k;

	for (k = 0; k < 3; k++) {
		size_t len = strlen(lits[k]);

		if (sc->n - sc->i >= len && memcmp(sc->s + sc->i, lits[k], len) == 0) {
			sc->i += len;
			return 0;
		}
	}
	return -TV_EPARSE;
}

static bool digit_at(const struct scan *sc, size_t i)
{
	return i < sc->n && sc->s[i] >= '0' && sc->s[i] <= '9';
}

static size_t digits(const struct scan *sc, size_t i)
{
	while (digit_at(sc, i)) {
		i++;
	}
	return i;
}

static int number(struct scan *sc)
{
	size_t i = sc->i;

	if (i < sc->n && sc->s[i] == '-') {
		i++;
	}
	if (!digit_at(sc, i)) {
		return -TV_EPARSE;
	}
	i = sc->s[i] == '0' ? i + 1 : digits(sc, i);
	if (i < sc->n && sc->s[i] == '.') {
		if (!digit_at(sc, i + 1)) {
			return -TV_EPARSE;
		}
		i = digits(sc, i + 1);
	}
	if (i < sc->n && (sc->s[i] == 'e' || sc->s[i] == 'E')) {
		i++;
		if (i < sc->n && (sc->s[i] == '+' || sc->s[i] == '-')) {
			i++;
		}
		if (!digit_at(sc, i)) {
			return -TV_EPARSE;
		}
		i = digits(sc, i);
	}
	sc->i = i;
	return 0;
}

/* ---- structure ---- */

static void begin_elem(struct scan *sc, struct pii_frame *f)
{
	f->elem_out = vlen(sc);
	f->cur_removed = false;
	f->in_elem = true;
}

/* the current element ends (at a comma or the closing bracket) */
static void end_elem(struct pii_frame *f)
{
	if (f->in_elem && !f->cur_removed) {
		f->any_kept = true;
	}
	f->in_elem = false;
}

/* a container under a key whose policy is drop goes whole, unscanned */
static int open_container(struct scan *sc, bool is_obj, const struct vkey *k)
{
	struct pii_frame *parent = top(sc);
	bool drop = parent && !parent->silent && k->mode == PII_KEY_POLICY && k->key &&
		    pii_key_drop(sc->p, k->key, k->klen);
	int r = push(sc, is_obj, k);

	if (r == 0 && drop) {
		top(sc)->dropped = true;
		top(sc)->silent = true;
		sc->findings++;
	}
	return r;
}

/* the value at sc->i: scalars are consumed, containers are opened */
static int value(struct scan *sc, enum state *st)
{
	struct pii_frame *f = top(sc);
	struct vkey k;
	char c;

	if (sc->i >= sc->n) {
		return -TV_EPARSE;
	}
	c = sc->s[sc->i];
	*st = ST_AFTER;
	if (c == '{' || c == '[') {
		value_key(sc, f, &k);
		*st = c == '{' ? ST_FIRST_KEY : ST_FIRST_ELEM;
		return open_container(sc, c == '{', &k);
	}
	if (c == '"') {
		return string_value(sc);
	}
	if (c == '-' || (c >= '0' && c <= '9')) {
		return number(sc);
	}
	return literal(sc);
}

static int key(struct scan *sc, enum state *st)
{
	struct pii_frame *f = top(sc);
	int r;

	if (sc->i >= sc->n || sc->s[sc->i] != '"') {
		return -TV_EPARSE;
	}
	begin_elem(sc, f);
	r = member_name(sc, f);
	if (r < 0) {
		return r;
	}
	skip_ws(sc);
	if (sc->i >= sc->n || sc->s[sc->i] != ':') {
		return -TV_EPARSE;
	}
	sc->i++;
	*st = ST_VALUE;
	return 0;
}

static int close_frame(struct scan *sc)
{
	struct pii_level *L = sc->L;
	struct pii_frame *f = top(sc);
	bool dropped = f->dropped;
	bool removed = f->skip_comma || (f->in_elem && f->cur_removed);
	int r = 0;

	end_elem(f);
	if (!f->any_kept && removed) {
		r = cut_to(sc, f->open_out); /* everything removed: {} or [] */
		sc->from = sc->i;
	}
	sc->i++;
	L->nframes--;
	if (r == 0 && dropped) {
		r = drop_value(sc);
	}
	return r;
}

static int comma(struct scan *sc, struct pii_frame *f, enum state *st)
{
	int r = 0;

	end_elem(f);
	if (f->skip_comma) {
		r = flush_to(sc, sc->i);
		sc->i++;
		skip_ws(sc);
		sc->from = sc->i;
		f->skip_comma = false;
		f->has_sep = false;
	} else {
		f->sep_out = vlen(sc);
		f->has_sep = true;
		sc->i++;
		skip_ws(sc);
	}
	if (f->is_obj) {
		*st = ST_KEY;
	} else {
		begin_elem(sc, f);
		*st = ST_VALUE;
	}
	return r;
}

static int after(struct scan *sc, enum state *st)
{
	struct pii_frame *f = top(sc);
	char c;

	if (sc->i >= sc->n) {
		return -TV_EPARSE;
	}
	c = sc->s[sc->i];
	if (c == ',') {
		return comma(sc, f, st);
	}
	if (c != (f->is_obj ? '}' : ']')) {
		return -TV_EPARSE;
	}
	*st = ST_AFTER;
	return close_frame(sc);
}

static int step(struct scan *sc, enum state *st)
{
	struct pii_frame *f = top(sc);

	skip_ws(sc);
	switch (*st) {
	case ST_VALUE:
		return value(sc, st);
	case ST_FIRST_KEY:
		if (sc->i < sc->n && sc->s[sc->i] == '}') {
			*st = ST_AFTER;
			return close_frame(sc);
		}
		return key(sc, st);
	case ST_KEY:
		return key(sc, st);
	case ST_FIRST_ELEM:
		if (sc->i < sc->n && sc->s[sc->i] == ']') {
			*st = ST_AFTER;
			return close_frame(sc);
		}
		begin_elem(sc, f);
		*st = ST_VALUE;
		return 0;
	case ST_AFTER:
		return after(sc, st);
	}
	return -TV_EPARSE;
}

static int scan_all(struct scan *sc)
{
	enum state st = ST_VALUE;
	int r;

	do {
		r = step(sc, &st);
		if (r == 1) {
			/* the top-level value was dropped */
			r = cut_to(sc, sc->mark);
			sc->from = sc->i;
			if (r == 0) {
				r = tv_strbuf_puts(sc->out, "null");
			}
		}
	} while (r == 0 && (st != ST_AFTER || sc->L->nframes > 0));
	if (r < 0) {
		return r;
	}
	skip_ws(sc);
	if (sc->i != sc->n) {
		return -TV_EPARSE;
	}
	/* nothing changed: the caller has the text already */
	return sc->findings ? flush_to(sc, sc->n) : 0;
}

int pii_json_scan(struct tv_pii *p, int lvl, const char *json, size_t n, struct tv_strbuf *out)
{
	struct pii_level *L = pii_level_get(p, lvl);
	struct scan sc;
	int r;

	if (L == NULL) {
		return -TV_EDEPTH;
	}
	memset(&sc, 0, sizeof(sc));
	sc.p = p;
	sc.lvl = lvl;
	sc.L = L;
	sc.s = json;
	sc.n = n;
	sc.out = out;
	sc.mark = out->len;
	L->nframes = 0;
	tv_strbuf_reset(&L->names);
	r = scan_all(&sc);
	if (r < 0 || sc.findings == 0) {
		if (out->len > sc.mark) {
			out->len = sc.mark;
			out->p[sc.mark] = '\0';
		}
		return r;
	}
	return sc.findings;
}
