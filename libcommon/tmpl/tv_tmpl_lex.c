// SPDX-License-Identifier: MIT
/*
 * tv_tmpl_lex: the placeholder language, the text between {{ and }}:
 *
 *   placeholder  path ( "|" filter )*
 *   path         NAME ( "." NAME | "[" DIGITS "]" | "[" STRING "]" )*
 *   filter       first | last | json | omit | length | truncate DIGITS
 *                | join [STRING] | default ( STRING | NUMBER | true | false
 *                | null | [] | {} | path )
 *
 * NAME is [A-Za-z_][A-Za-z0-9_-]*, STRING a "..." with JSON's escapes.
 * Nothing here knows YAML.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libcommon/core/tv_text.h"
#include "libcommon/tmpl/tv_tmpl_int.h"

struct lex {
	const char *p, *end;
	const char *why; /* static message on failure */
};

bool tmpl_word_is(const char *s, size_t n, const char *w)
{
	return strlen(w) == n && memcmp(s, w, n) == 0;
}

/* ---- freeing ---- */

static void path_finish(struct tmpl_path *p)
{
	free(p->root);
	for (size_t i = 0; i < p->n; i++) {
		free(p->steps[i].key);
	}
	free(p->steps);
	memset(p, 0, sizeof(*p));
}

void tmpl_expr_destroy(struct tmpl_expr *e)
{
	if (e == NULL) {
		return;
	}
	free(e->text);
	path_finish(&e->path);
	for (size_t i = 0; i < e->nf; i++) {
		free(e->f[i].lit.s);
		if (e->f[i].path) {
			path_finish(e->f[i].path);
			free(e->f[i].path);
		}
	}
	free(e->f);
	free(e);
}

/* ---- tokens ---- */

static void skip_ws(struct lex *x)
{
	while (x->p < x->end && (*x->p == ' ' || *x->p == '\t' || *x->p == '\n' || *x->p == '\r')) {
		x->p++;
	}
}

static bool ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool ident_char(char c)
{
	return ident_start(c) || (c >= '0' && c <= '9') || c == '-';
}

static char *lex_ident(struct lex *x)
{
	const char *s = x->p;

	if (x->p >= x->end || !ident_start(*x->p)) {
		x->why = "expected a name";
		return NULL;
	}
	while (x->p < x->end && ident_char(*x->p)) {
		x->p++;
	}
	return tv_strndup(s, (size_t)(x->p - s));
}

/* the four hex digits at x->p as a number, or -1 (also when fewer are left) */
static long lex_hex4(const struct lex *x, const char *p)
{
	return x->end - p < 4 ? -1 : tv_text_hex4(p);
}

/* after "\u": the code point of one escape, or of a surrogate pair; -1 if bad */
static long lex_unicode(struct lex *x)
{
	long cp = lex_hex4(x, x->p), lo;

	if (cp < 0) {
		return -1;
	}
	x->p += 4;
	if (cp >= 0xD800 && cp < 0xDC00 && x->end - x->p >= 6 && x->p[0] == '\\' &&
	    x->p[1] == 'u') {
		lo = lex_hex4(x, x->p + 2);
		if (lo >= 0xDC00 && lo < 0xE000) {
			x->p += 6;
			return 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
		}
	}
	return cp >= 0xD800 && cp < 0xE000 ? -1 : cp;
}

/* after a backslash: append what the escape stands for; -1 if it is bad */
static int lex_escape(struct lex *x, struct tv_strbuf *b)
{
	static const char from[] = "ntrbf\"\\/", to[] = "\n\t\r\b\f\"\\/";
	const char *hit;
	long cp;
	char c;

	if (x->p >= x->end) {
		return 0; /* reported as unterminated */
	}
	c = *x->p++;
	if (c == 'u') {
		cp = lex_unicode(x);
		if (cp < 0) {
			return -1;
		}
		tv_text_put_utf8(b, (unsigned long)cp);
		return 0;
	}
	hit = c ? strchr(from, c) : NULL;
	if (hit == NULL) {
		return -1;
	}
	tv_strbuf_putc(b, to[hit - from]);
	return 0;
}

/* a "..." literal with JSON's escapes */
static int lex_string(struct lex *x, char **out, size_t *len)
{
	struct tv_strbuf b;

	tv_strbuf_init(&b);
	x->p++; /* the opening quote */
	while (x->p < x->end && *x->p != '"') {
		char c = *x->p++;

		if (c != '\\') {
			tv_strbuf_putc(&b, c);
		} else if (lex_escape(x, &b) < 0) {
			tv_strbuf_finish(&b);
			x->why = "bad escape in string";
			return -TV_EPARSE;
		}
	}
	if (x->p >= x->end) {
		tv_strbuf_finish(&b);
		x->why = "unterminated string";
		return -TV_EPARSE;
	}
	x->p++;
	*len = b.len;
	*out = tv_strbuf_steal(&b);
	return *out ? 0 : -ENOMEM;
}

/* ---- paths ---- */

static int path_push(struct tmpl_path *p, char *key, size_t index)
{
	struct tmpl_step *v = realloc(p->steps, (p->n + 1) * sizeof(*v));

	if (v == NULL) {
		free(key);
		return -ENOMEM;
	}
	p->steps = v;
	p->steps[p->n].key = key;
	p->steps[p->n].index = index;
	p->n++;
	return 0;
}

/* ["key"] */
static int parse_key_step(struct lex *x, struct tmpl_path *p)
{
	size_t len;
	char *key;
	int r;

	r = lex_string(x, &key, &len);
	if (r < 0) {
		return r;
	}
	if (memchr(key, '\0', len)) {
		free(key);
		x->why = "a member name cannot hold NUL";
		return -TV_EPARSE;
	}
	return path_push(p, key, 0);
}

/* [N] */
static int parse_index_step(struct lex *x, struct tmpl_path *p)
{
	size_t idx = 0;

	if (x->p >= x->end || *x->p < '0' || *x->p > '9') {
		x->why = "expected an index or a \"key\" in [ ]";
		return -TV_EPARSE;
	}
	while (x->p < x->end && *x->p >= '0' && *x->p <= '9') {
		if (idx > (SIZE_MAX - 9) / 10) {
			x->why = "index too large";
			return -TV_EPARSE;
		}
		idx = idx * 10 + (size_t)(*x->p - '0');
		x->p++;
	}
	return path_push(p, NULL, idx);
}

static int parse_bracket(struct lex *x, struct tmpl_path *p)
{
	int r;

	x->p++; /* [ */
	skip_ws(x);
	if (x->p < x->end && *x->p == '"') {
		r = parse_key_step(x, p);
	} else {
		r = parse_index_step(x, p);
	}
	if (r < 0) {
		return r;
	}
	skip_ws(x);
	if (x->p >= x->end || *x->p != ']') {
		x->why = "expected ]";
		return -TV_EPARSE;
	}
	x->p++;
	return 0;
}

static int parse_path(struct lex *x, struct tmpl_path *p)
{
	char *key;
	int r;

	p->root = lex_ident(x);
	if (p->root == NULL) {
		return x->why ? -TV_EPARSE : -ENOMEM;
	}
	while (x->p < x->end) {
		if (*x->p == '.') {
			x->p++;
			key = lex_ident(x);
			if (key == NULL) {
				return x->why ? -TV_EPARSE : -ENOMEM;
			}
			r = path_push(p, key, 0);
		} else if (*x->p == '[') {
			r = parse_bracket(x, p);
		} else {
			break;
		}
		if (r < 0) {
			return r;
		}
	}
	return 0;
}

/* ---- filters ---- */

static int parse_number(struct lex *x, struct tmpl_lit *l)
{
	const char *s = x->p;
	char buf[64], *end;
	bool frac = false;
	size_t n;

	while (x->p < x->end && (strchr("0123456789+-.eE", *x->p) != NULL)) {
		if (*x->p == '.' || *x->p == 'e' || *x->p == 'E') {
			frac = true;
		}
		x->p++;
	}
	n = (size_t)(x->p - s);
	if (n == 0 || n >= sizeof(buf)) {
		x->why = "bad number";
		return -TV_EPARSE;
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
	errno = 0;
	if (frac) {
		l->kind = TMPL_LIT_DOUBLE;
		l->d = strtod(buf, &end);
	} else {
		l->kind = TMPL_LIT_INT;
		l->i = strtoll(buf, &end, 10);
	}
	if (errno != 0 || *end != '\0') {
		x->why = "bad number";
		return -TV_EPARSE;
	}
	return 0;
}

/* true, false or null at x->p (not the start of a path like true.x): set @l */
static bool parse_word_lit(struct lex *x, struct tmpl_lit *l)
{
	const char *s = x->p, *e = x->p;
	size_t n;

	while (e < x->end && ident_char(*e)) {
		e++;
	}
	n = (size_t)(e - s);
	if (e < x->end && (*e == '.' || *e == '[')) {
		return false;
	}
	if (tmpl_word_is(s, n, "true") || tmpl_word_is(s, n, "false")) {
		l->kind = TMPL_LIT_BOOL;
		l->b = *s == 't';
	} else if (tmpl_word_is(s, n, "null")) {
		l->kind = TMPL_LIT_NULL;
	} else {
		return false;
	}
	x->p = e;
	return true;
}

/* default's argument: a literal or a path */
static int parse_default(struct lex *x, struct tmpl_filter *f)
{
	if (x->p >= x->end) {
		x->why = "default needs a value";
		return -TV_EPARSE;
	}
	if (*x->p == '"') {
		f->lit.kind = TMPL_LIT_STR;
		return lex_string(x, &f->lit.s, &f->lit.n);
	}
	if (*x->p == '-' || (*x->p >= '0' && *x->p <= '9')) {
		return parse_number(x, &f->lit);
	}
	if (x->end - x->p >= 2 && (memcmp(x->p, "[]", 2) == 0 || memcmp(x->p, "{}", 2) == 0)) {
		f->lit.kind = *x->p == '[' ? TMPL_LIT_LIST : TMPL_LIT_MAP;
		x->p += 2;
		return 0;
	}
	if (parse_word_lit(x, &f->lit)) {
		return 0;
	}
	f->path = calloc(1, sizeof(*f->path));
	if (f->path == NULL) {
		return -ENOMEM;
	}
	return parse_path(x, f->path);
}

static const struct {
	const char *name;
	enum tmpl_fkind kind;
} filter_names[] = {
	{ "first", TMPL_F_FIRST },	 { "last", TMPL_F_LAST },	{ "json", TMPL_F_JSON },
	{ "truncate", TMPL_F_TRUNCATE }, { "default", TMPL_F_DEFAULT }, { "omit", TMPL_F_OMIT },
	{ "join", TMPL_F_JOIN },	 { "length", TMPL_F_LENGTH },
};

/* a filter's name: a new filter at the end of e->f, or NULL with x->why set */
static struct tmpl_filter *add_filter(struct lex *x, struct tmpl_expr *e)
{
	size_t n, i, count = sizeof(filter_names) / sizeof(filter_names[0]);
	const char *s = x->p;
	struct tmpl_filter *v;

	while (x->p < x->end && ident_char(*x->p)) {
		x->p++;
	}
	n = (size_t)(x->p - s);
	for (i = 0; i < count; i++) {
		if (tmpl_word_is(s, n, filter_names[i].name)) {
			break;
		}
	}
	if (i == count) {
		x->why = n ? "unknown filter" : "expected a filter name after |";
		return NULL;
	}
	v = realloc(e->f, (e->nf + 1) * sizeof(*v));
	if (v == NULL) {
		return NULL;
	}
	e->f = v;
	memset(&e->f[e->nf], 0, sizeof(e->f[0]));
	e->f[e->nf].kind = filter_names[i].kind;
	return &e->f[e->nf++];
}

/* the argument of the filter @f, if it takes one */
static int parse_filter_arg(struct lex *x, struct tmpl_expr *e, struct tmpl_filter *f)
{
	int r = 0;

	switch (f->kind) {
	case TMPL_F_TRUNCATE:
		r = parse_number(x, &f->lit);
		if (r == 0 && (f->lit.kind != TMPL_LIT_INT || f->lit.i < 0)) {
			x->why = "truncate needs a count";
			r = -TV_EPARSE;
		}
		f->n = (size_t)f->lit.i;
		return r;
	case TMPL_F_DEFAULT:
		e->lenient = true;
		return parse_default(x, f);
	case TMPL_F_OMIT:
		e->lenient = true;
		e->omit = true;
		return 0;
	case TMPL_F_JOIN:
		f->lit.kind = TMPL_LIT_STR;
		if (x->p < x->end && *x->p == '"') {
			r = lex_string(x, &f->lit.s, &f->lit.n);
		}
		return r;
	default:
		return 0;
	}
}

static int parse_filter(struct lex *x, struct tmpl_expr *e)
{
	struct tmpl_filter *f;

	skip_ws(x);
	f = add_filter(x, e);
	if (f == NULL) {
		return x->why ? -TV_EPARSE : -ENOMEM;
	}
	skip_ws(x);
	return parse_filter_arg(x, e, f);
}

/* ---- placeholders ---- */

static int parse_expr(struct lex *x, struct tmpl_expr *e)
{
	int r;

	skip_ws(x);
	r = parse_path(x, &e->path);
	skip_ws(x);
	while (r == 0 && x->p < x->end && *x->p == '|') {
		x->p++;
		r = parse_filter(x, e);
		skip_ws(x);
	}
	if (r == 0 && x->p < x->end) {
		x->why = x->why ? x->why : "unexpected text";
		r = -TV_EPARSE;
	}
	return r;
}

int tmpl_expr_parse(const char *s, size_t n, unsigned long line, const char *tname,
		    struct tmpl_expr **out, struct tv_error *err)
{
	struct lex x = { .p = s, .end = s + n };
	struct tmpl_expr *e = calloc(1, sizeof(*e));
	int r;

	if (e == NULL) {
		return -ENOMEM;
	}
	e->line = line;
	e->text = tv_strndup(s, n);
	if (e->text == NULL) {
		tmpl_expr_destroy(e);
		return -ENOMEM;
	}
	r = parse_expr(&x, e);
	if (r < 0) {
		if (r != -ENOMEM) {
			tv_error_set(err, r, tname, line, "{{%s}}: %s", e->text,
				     x.why ? x.why : "bad placeholder");
		}
		tmpl_expr_destroy(e);
		return r;
	}
	*out = e;
	return 0;
}

const char *tmpl_placeholder_end(const char *p, const char *end)
{
	bool in_str = false;

	for (; p + 1 < end; p++) {
		if (in_str && *p == '\\') {
			p++;
		} else if (*p == '"') {
			in_str = !in_str;
		} else if (!in_str && p[0] == '}' && p[1] == '}') {
			return p;
		}
	}
	return NULL;
}
