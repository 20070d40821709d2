// SPDX-License-Identifier: MIT
/*
 * tv_jscan: the layout-keeping JSON scanner (tv_jscan.h).  A scanner, not
 * a parser: it walks the text once, validating it, and copies it lazily
 * (bytes from `from` to the current position are copied only when
 * something changes), so an untouched text costs one pass and a memcpy.
 * String tokens are decoded, handed to ops->string with the key they sit
 * under, and re-encoded with tv_json_escape() only when replaced.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "libcommon/core/tv_error.h"
#include "libcommon/core/tv_text.h"
#include "libcommon/json/tv_json.h"
#include "libcommon/json/tv_jw.h"
#include "libcommon/pii/tv_jscan.h"

/* a member name: bytes in the input, or (escaped names) in the arena */
struct name {
	const char *s; /* NULL: in the arena at off */
	size_t off, len;
};

struct frame {
	bool is_obj;
	bool transparent; /* a pair's value (OTLP AnyValue): drops go up */
	bool kv;	  /* a "key" member holding a string was seen */
	bool dropped;	  /* remove this whole container when it closes */
	bool silent;	  /* inside a dropped container: strings are not scanned */
	bool any_kept;	  /* an element stayed: the next one has a comma */
	bool cur_removed; /* the current element was removed */
	bool skip_comma;  /* a first element was removed: eat the next comma */
	bool has_sep;	  /* a comma was written before the current element */
	bool in_elem;	  /* an element has begun */
	bool have_inherit;
	bool have_tkey;	     /* an array whose first element is a string like a key */
	bool tuple;	     /* ... and has exactly two elements: the second is under it */
	size_t nelem;	     /* elements begun */
	size_t open_out;     /* out length just after the bracket */
	size_t elem_out;     /* out length where the current element starts */
	size_t sep_out;	     /* out length before the current element's comma */
	struct name name;    /* current member name */
	struct name kvkey;   /* K of {"key": K, ...} */
	struct name inherit; /* the key this container sits under */
	struct name tkey;    /* K of a [K, V] tuple */
};

struct tv_jscan {
	struct tv_strbuf dec;	/* a decoded string */
	struct tv_strbuf res;	/* its replacement */
	struct tv_strbuf names; /* decoded member names with escapes */
	struct frame *frames;
	size_t nframes, capframes;
};

struct scan {
	struct tv_jscan *L;
	const struct tv_jscan_ops *ops;
	void *udata;
	const char *s;
	size_t n, i;
	size_t from; /* input copied to out up to here */
	struct tv_strbuf *out;
	size_t mark; /* out's length before the scan */
	int changes;
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

static struct frame *top(struct scan *sc)
{
	return sc->L->nframes ? &sc->L->frames[sc->L->nframes - 1] : NULL;
}

static const char *name_ptr(const struct scan *sc, const struct name *nm)
{
	if (nm->s != NULL) {
		return nm->s;
	}
	return sc->L->names.p ? sc->L->names.p + nm->off : "";
}

static bool name_is(const struct scan *sc, const struct name *nm, const char *lit)
{
	size_t k = strlen(lit);

	return nm->len == k && memcmp(name_ptr(sc, nm), lit, k) == 0;
}

/* OTLP AnyValue members that only wrap the value of the pair around them */
static bool is_wrapper(const struct scan *sc, const struct name *nm)
{
	return name_is(sc, nm, "stringValue") || name_is(sc, nm, "arrayValue") ||
	       name_is(sc, nm, "kvlistValue") || name_is(sc, nm, "values") ||
	       name_is(sc, nm, "bytesValue");
}

static bool is_number(const struct scan *sc, const struct name *nm)
{
	return name_is(sc, nm, "intValue") || name_is(sc, nm, "doubleValue") ||
	       name_is(sc, nm, "boolValue");
}

/* does a value of the current element of @f pass on (and drop with) its pair? */
static bool passes_through(const struct scan *sc, const struct frame *f)
{
	if (!f->is_obj) {
		return f->tuple;
	}
	return (f->kv && name_is(sc, &f->name, "value")) ||
	       (f->transparent && is_wrapper(sc, &f->name));
}

struct vkey {
	enum tv_jscan_role role;
	const char *key;
	size_t klen;
	bool transparent; /* for a container: it is (part of) a pair's value */
	bool have;
	struct name name;
};

/* the key the current value of @f sits under */
static void value_key(const struct scan *sc, const struct frame *f, struct vkey *k)
{
	memset(k, 0, sizeof(*k));
	k->role = TV_JSCAN_VALUE;
	if (f == NULL) {
		return;
	}
	if (!f->is_obj && f->tuple) {
		k->have = true;
		k->name = f->tkey;
		k->transparent = true;
	} else if (!f->is_obj) {
		k->have = f->have_inherit;
		k->name = f->inherit;
		k->transparent = f->transparent;
	} else if (name_is(sc, &f->name, "key")) {
		k->role = TV_JSCAN_PAIR_KEY;
	} else if (f->kv && name_is(sc, &f->name, "value")) {
		k->have = true;
		k->name = f->kvkey;
		k->transparent = true;
	} else if (f->transparent && is_number(sc, &f->name)) {
		k->role = TV_JSCAN_NUMERIC;
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
	struct tv_jscan *L = sc->L;
	struct frame *f;

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
static int remove_elem(struct scan *sc, struct frame *f)
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
	struct frame *f = top(sc);

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
static int string_end(const struct scan *sc, size_t *end, bool *esc)
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

/* write the replacement in L->res for the string token @t, unless it is the same text */
static int replace_token(struct scan *sc, const struct str *t)
{
	const struct tv_strbuf *res = &sc->L->res;
	size_t end = t->end;
	int r;

	sc->changes++;
	if (res->len == t->dn && (t->dn == 0 || memcmp(res->p, t->d, t->dn) == 0)) {
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

/* remember a name (member name or a pair's K) beyond the scratch buffer's life */
static int keep_name(struct scan *sc, const struct str *t, struct name *nm)
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

/* ask ops->string about the string token @t; its answer (>= 0) or a negative code */
static int ask_string(struct scan *sc, const struct str *t, const struct vkey *k)
{
	struct tv_jscan_item it = {
		.role = k->role,
		.key = k->key,
		.klen = k->klen,
		.s = t->d,
		.n = t->dn,
		.bad = t->bad,
		.raw = sc->s + sc->i + 1,
		.rawlen = t->end - sc->i - 1,
	};

	tv_strbuf_reset(&sc->L->res);
	return sc->ops->string(sc->udata, &it, &sc->L->res);
}

static int string_value(struct scan *sc)
{
	struct frame *f = top(sc);
	struct vkey k;
	struct str t;
	int r = read_string(sc, &sc->L->dec, &t);

	if (r < 0) {
		return r;
	}
	if (f && f->silent) {
		sc->i = t.end + 1; /* going with its container */
		return 0;
	}
	value_key(sc, f, &k);
	if (f && f->is_obj && k.role == TV_JSCAN_PAIR_KEY && !t.bad) {
		f->kv = true; /* {"key": K, ...} */
		r = keep_name(sc, &t, &f->kvkey);
	} else if (f && !f->is_obj && f->nelem == 1 && !t.bad && tv_jscan_keylike(t.d, t.dn)) {
		f->have_tkey = true; /* [K, ...] */
		r = keep_name(sc, &t, &f->tkey);
	}
	if (r < 0) {
		return r;
	}
	r = ask_string(sc, &t, &k);
	if (r == TV_JSCAN_REPLACE) {
		return replace_token(sc, &t);
	}
	if (r < 0 || r != TV_JSCAN_DROP) {
		sc->i = t.end + 1;
		return r < 0 ? r : 0;
	}
	sc->i = t.end + 1;
	sc->changes++;
	return drop_value(sc);
}

/* a member name: shown to ops->string, kept for the key of the value */
static int member_name(struct scan *sc, struct frame *f)
{
	struct vkey k = { .role = TV_JSCAN_NAME };
	struct str t;
	int r = read_string(sc, &sc->L->dec, &t);

	if (r < 0) {
		return r;
	}
	if (f->silent) {
		sc->i = t.end + 1; /* going with its container */
		return 0;
	}
	r = keep_name(sc, &t, &f->name);
	if (r == 0) {
		r = ask_string(sc, &t, &k);
	}
	if (r == TV_JSCAN_REPLACE) {
		return replace_token(sc, &t);
	}
	sc->i = t.end + 1;
	return r == TV_JSCAN_DROP ? -EINVAL : r < 0 ? r : 0;
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

/*
 * Does the number @s/@n (valid JSON syntax) fit, as tv_json takes numbers?
 * An integer must fit in 64 bits (int64 below zero, uint64 above), any
 * other number must be finite as a double.  What the readers reject as a
 * number, the scanner rejects too.
 */
static bool number_fits(const char *s, size_t n, bool integer)
{
	char buf[64], *copy;
	size_t digits = n - (s[0] == '-');
	const char *limit = s[0] == '-' ? "9223372036854775808" : "18446744073709551615";
	double d;

	if (integer) {
		return digits < strlen(limit) ||
		       (digits == strlen(limit) && memcmp(s + n - digits, limit, digits) <= 0);
	}
	copy = n < sizeof(buf) ? buf : malloc(n + 1);
	if (copy == NULL) {
		return false; /* cannot tell: refused */
	}
	memcpy(copy, s, n);
	copy[n] = '\0';
	d = strtod(copy, NULL);
	if (copy != buf) {
		free(copy);
	}
	return !isinf(d);
}

static int number(struct scan *sc)
{
	size_t i = sc->i;
	bool integer = true;

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
		integer = false;
	}
	if (i < sc->n && (sc->s[i] == 'e' || sc->s[i] == 'E')) {
		integer = false;
		i++;
		if (i < sc->n && (sc->s[i] == '+' || sc->s[i] == '-')) {
			i++;
		}
		if (!digit_at(sc, i)) {
			return -TV_EPARSE;
		}
		i = digits(sc, i);
	}
	if (!number_fits(sc->s + sc->i, i - sc->i, integer)) {
		return -TV_EPARSE;
	}
	sc->i = i;
	return 0;
}

/* ---- structure ---- */

/* the end of the value at @i (just past it), or 0 if it is not valid */
static size_t skip_value(const struct scan *sc, size_t i)
{
	size_t depth = 0;

	do {
		if (i >= sc->n) {
			return 0;
		}
		if (sc->s[i] == '"') {
			/* to the closing quote; the scan proper validates the string */
			for (i++; i < sc->n && sc->s[i] != '"'; i++) {
				i += sc->s[i] == '\\';
			}
			if (i >= sc->n) {
				return 0;
			}
		} else if (sc->s[i] == '{' || sc->s[i] == '[') {
			depth++;
		} else if (sc->s[i] == '}' || sc->s[i] == ']') {
			depth--;
		} else if (depth == 0) {
			while (i + 1 < sc->n && strchr(",]} \t\r\n", sc->s[i + 1]) == NULL) {
				i++; /* a number or literal */
			}
		}
		i++;
	} while (depth > 0);
	return i;
}

/* does the array close right after the value at sc->i? */
static bool last_elem(const struct scan *sc)
{
	size_t i = skip_value(sc, sc->i);

	while (i > 0 && i < sc->n && is_ws(sc->s[i])) {
		i++;
	}
	return i > 0 && i < sc->n && sc->s[i] == ']';
}

static void begin_elem(struct scan *sc, struct frame *f)
{
	f->elem_out = vlen(sc);
	f->cur_removed = false;
	f->in_elem = true;
	if (!f->is_obj) {
		f->nelem++;
		f->tuple = false;
	}
}

/* the current element ends (at a comma or the closing bracket) */
static void end_elem(struct frame *f)
{
	if (f->in_elem && !f->cur_removed) {
		f->any_kept = true;
	}
	f->in_elem = false;
}

static int ask_container(struct scan *sc, const struct vkey *k)
{
	struct tv_jscan_item it = {
		.role = k->role,
		.key = k->key,
		.klen = k->klen,
		.raw = sc->s + sc->i,
		.rawlen = 1,
	};

	return sc->ops->container ? sc->ops->container(sc->udata, &it) : TV_JSCAN_KEEP;
}

/* a container below the top that ops->container drops goes whole, unscanned */
static int open_container(struct scan *sc, bool is_obj, const struct vkey *k)
{
	struct frame *parent = top(sc);
	int act = TV_JSCAN_KEEP, r;

	if (parent && !parent->silent) {
		act = ask_container(sc, k);
		if (act < 0) {
			return act;
		}
	}
	r = push(sc, is_obj, k);
	if (r == 0 && act == TV_JSCAN_DROP) {
		top(sc)->dropped = true;
		top(sc)->silent = true;
		sc->changes++;
	}
	return r;
}

/* the value at sc->i: scalars are consumed, containers are opened */
static int value(struct scan *sc, enum state *st)
{
	struct frame *f = top(sc);
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
	struct frame *f = top(sc);
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
	struct tv_jscan *L = sc->L;
	struct frame *f = top(sc);
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

static int comma(struct scan *sc, struct frame *f, enum state *st)
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
		f->tuple = f->have_tkey && f->nelem == 2 && last_elem(sc);
		*st = ST_VALUE;
	}
	return r;
}

static int after(struct scan *sc, enum state *st)
{
	struct frame *f = top(sc);
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
	struct frame *f = top(sc);

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
	return sc->changes ? flush_to(sc, sc->n) : 0;
}

int tv_jscan_run(struct tv_jscan *js, const char *json, size_t n, const struct tv_jscan_ops *ops,
		 void *udata, struct tv_strbuf *out)
{
	struct scan sc;
	int r;

	memset(&sc, 0, sizeof(sc));
	sc.L = js;
	sc.ops = ops;
	sc.udata = udata;
	sc.s = json;
	sc.n = n;
	sc.out = out;
	sc.mark = out->len;
	js->nframes = 0;
	tv_strbuf_reset(&js->names);
	r = scan_all(&sc);
	if (r < 0 || sc.changes == 0) {
		if (out->len > sc.mark) {
			out->len = sc.mark;
			out->p[sc.mark] = '\0';
		}
		return r;
	}
	return sc.changes;
}

static bool key_char(char c, bool first)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') {
		return true;
	}
	return !first && ((c >= '0' && c <= '9') || c == '.' || c == '-' || c == ':' || c == '/');
}

bool tv_jscan_keylike(const char *s, size_t n)
{
	if (n == 0 || n > TV_JSCAN_KEY_MAX) {
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		if (!key_char(s[i], i == 0)) {
			return false;
		}
	}
	return true;
}

struct tv_jscan *tv_jscan_create(void)
{
	struct tv_jscan *js = calloc(1, sizeof(*js));

	if (js != NULL) {
		tv_strbuf_init(&js->dec);
		tv_strbuf_init(&js->res);
		tv_strbuf_init(&js->names);
	}
	return js;
}

void tv_jscan_destroy(struct tv_jscan *js)
{
	if (js == NULL) {
		return;
	}
	tv_strbuf_finish(&js->dec);
	tv_strbuf_finish(&js->res);
	tv_strbuf_finish(&js->names);
	free(js->frames);
	free(js);
}
