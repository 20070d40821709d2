// SPDX-License-Identifier: MIT
/*
 * tv_yaml: compile YAML templates (placeholders, filters, _if/_each/_value)
 * and render them through libyaml's emitter, or as one line of JSON.
 *
 * The template stays a libyaml document (yaml_parser_load); compiling adds
 * one struct ninfo per node with the parsed placeholders, and rendering
 * walks the document, emitting events.  Nothing here prints.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

#include "libcommon/core/tv_text.h"
#include "libcommon/json/tv_jw.h"
#include "libcommon/tmpl/tv_yaml.h"

#define MAX_DEPTH 64	   /* nesting of template nodes (and alias chains) */
#define MAX_VISITS 1000000 /* nodes rendered per call: stops alias bombs */
#define MAX_LOOPS 16	   /* nested _each */
#define TEMPLATE_MAX (16u << 20)

/* ---- compiled placeholders ---- */

struct step {
	char *key; /* a member name, or NULL for an index */
	size_t index;
};

struct path {
	char *root;
	struct step *steps;
	size_t n;
};

enum lit_kind {
	LIT_NULL,
	LIT_BOOL,
	LIT_INT,
	LIT_DOUBLE,
	LIT_STR,
	LIT_LIST,
	LIT_MAP
};

struct lit {
	enum lit_kind kind;
	bool b;
	int64_t i;
	double d;
	char *s;
	size_t n;
};

enum fkind {
	F_FIRST,
	F_LAST,
	F_JSON,
	F_TRUNCATE,
	F_DEFAULT,
	F_OMIT,
	F_JOIN,
	F_LENGTH
};

struct filter {
	enum fkind kind;
	size_t n;	   /* truncate */
	struct lit lit;	   /* default (unless path), join */
	struct path *path; /* default PATH */
};

struct expr {
	char *text; /* as written, for messages */
	struct path path;
	struct filter *f;
	size_t nf;
	bool lenient; /* has default or omit: an absent member is no error */
	bool omit;
	unsigned long line;
};

struct seg {
	char *text; /* literal text, or NULL for the placeholder */
	size_t len;
	struct expr *ex;
};

enum role {
	R_PLAIN,  /* no placeholder */
	R_TEXT,	  /* text with placeholders */
	R_SINGLE, /* exactly one placeholder (a scalar, or unquoted {{x}}) */
};

struct ninfo {
	enum role role;
	struct seg *segs; /* R_TEXT */
	size_t n_segs;
	struct expr *ex; /* R_SINGLE */
	char *lit;	 /* R_PLAIN with \{{ escapes: the text to write */
	size_t lit_len;
	int if_id, each_id, value_id; /* a mapping's special keys: their values */
	bool special;		      /* a key scalar that is _if, _each or _value */
};

struct tv_yaml_tmpl {
	char *name;
	yaml_document_t doc;
	struct ninfo *info; /* indexed by node id - 1 */
	size_t n;
};

static yaml_node_t *node_at(const struct tv_yaml_tmpl *t, int id)
{
	return yaml_document_get_node((yaml_document_t *)&t->doc, id);
}

static struct ninfo *info_at(const struct tv_yaml_tmpl *t, int id)
{
	return &t->info[id - 1];
}

/* ---- freeing ---- */

static void path_finish(struct path *p)
{
	free(p->root);
	for (size_t i = 0; i < p->n; i++) {
		free(p->steps[i].key);
	}
	free(p->steps);
	memset(p, 0, sizeof(*p));
}

static void expr_destroy(struct expr *e)
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

static void ninfo_finish(struct ninfo *in)
{
	for (size_t i = 0; i < in->n_segs; i++) {
		free(in->segs[i].text);
		expr_destroy(in->segs[i].ex);
	}
	free(in->segs);
	expr_destroy(in->ex);
	free(in->lit);
}

void tv_yaml_tmpl_destroy(struct tv_yaml_tmpl *t)
{
	if (t == NULL) {
		return;
	}
	for (size_t i = 0; i < t->n; i++) {
		ninfo_finish(&t->info[i]);
	}
	free(t->info);
	yaml_document_delete(&t->doc);
	free(t->name);
	free(t);
}

const char *tv_yaml_tmpl_name(const struct tv_yaml_tmpl *t)
{
	return t->name;
}

/* ---- the placeholder language ---- */

struct lex {
	const char *p, *end;
	const char *why; /* static message on failure */
};

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

static bool word_is(const char *s, size_t n, const char *w)
{
	return strlen(w) == n && memcmp(s, w, n) == 0;
}

static int hex4(const char *p, const char *end, unsigned *out)
{
	long v = end - p < 4 ? -1 : tv_text_hex4(p);

	if (v < 0) {
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}
/* a "..." literal with JSON's escapes */
static int lex_string(struct lex *x, char **out, size_t *len)
{
	struct tv_strbuf b;
	unsigned cp, lo;

	tv_strbuf_init(&b);
	x->p++; /* the opening quote */
	while (x->p < x->end && *x->p != '"') {
		char c = *x->p++;

		if (c != '\\') {
			tv_strbuf_putc(&b, c);
			continue;
		}
		if (x->p >= x->end) {
			break;
		}
		c = *x->p++;
		switch (c) {
		case 'n':
			tv_strbuf_putc(&b, '\n');
			break;
		case 't':
			tv_strbuf_putc(&b, '\t');
			break;
		case 'r':
			tv_strbuf_putc(&b, '\r');
			break;
		case 'b':
			tv_strbuf_putc(&b, '\b');
			break;
		case 'f':
			tv_strbuf_putc(&b, '\f');
			break;
		case 'u':
			if (hex4(x->p, x->end, &cp) < 0) {
				goto bad;
			}
			x->p += 4;
			if (cp >= 0xD800 && cp < 0xDC00 && x->end - x->p >= 6 && x->p[0] == '\\' &&
			    x->p[1] == 'u' && hex4(x->p + 2, x->end, &lo) == 0 && lo >= 0xDC00 &&
			    lo < 0xE000) {
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				x->p += 6;
			} else if (cp >= 0xD800 && cp < 0xE000) {
				goto bad;
			}
			tv_text_put_utf8(&b, cp);
			break;
		case '"':
		case '\\':
		case '/':
			tv_strbuf_putc(&b, c);
			break;
		default:
			goto bad;
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
bad:
	tv_strbuf_finish(&b);
	x->why = "bad escape in string";
	return -TV_EPARSE;
}

static int path_push(struct path *p, char *key, size_t index)
{
	struct step *v = realloc(p->steps, (p->n + 1) * sizeof(*v));

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

static int parse_index(struct lex *x, struct path *p)
{
	size_t idx = 0, len;
	char *key;
	int r;

	x->p++; /* [ */
	skip_ws(x);
	if (x->p < x->end && *x->p == '"') {
		r = lex_string(x, &key, &len);
		if (r < 0) {
			return r;
		}
		if (memchr(key, '\0', len)) {
			free(key);
			x->why = "a member name cannot hold NUL";
			return -TV_EPARSE;
		}
		r = path_push(p, key, 0);
	} else {
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
		r = path_push(p, NULL, idx);
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

static int parse_path(struct lex *x, struct path *p)
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
			r = parse_index(x, p);
		} else {
			break;
		}
		if (r < 0) {
			return r;
		}
	}
	return 0;
}

static int parse_number(struct lex *x, struct lit *l)
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
		l->kind = LIT_DOUBLE;
		l->d = strtod(buf, &end);
	} else {
		l->kind = LIT_INT;
		l->i = strtoll(buf, &end, 10);
	}
	if (errno != 0 || *end != '\0') {
		x->why = "bad number";
		return -TV_EPARSE;
	}
	return 0;
}

/* default's argument: a literal or a path */
static int parse_default(struct lex *x, struct filter *f)
{
	const char *s = x->p;
	size_t n;

	if (x->p >= x->end) {
		x->why = "default needs a value";
		return -TV_EPARSE;
	}
	if (*x->p == '"') {
		f->lit.kind = LIT_STR;
		return lex_string(x, &f->lit.s, &f->lit.n);
	}
	if (*x->p == '-' || (*x->p >= '0' && *x->p <= '9')) {
		return parse_number(x, &f->lit);
	}
	if (x->end - x->p >= 2 && (memcmp(x->p, "[]", 2) == 0 || memcmp(x->p, "{}", 2) == 0)) {
		f->lit.kind = *x->p == '[' ? LIT_LIST : LIT_MAP;
		x->p += 2;
		return 0;
	}
	while (x->p < x->end && ident_char(*x->p)) {
		x->p++;
	}
	n = (size_t)(x->p - s);
	if (x->p >= x->end || (*x->p != '.' && *x->p != '[')) {
		if (word_is(s, n, "true") || word_is(s, n, "false")) {
			f->lit.kind = LIT_BOOL;
			f->lit.b = *s == 't';
			return 0;
		}
		if (word_is(s, n, "null")) {
			f->lit.kind = LIT_NULL;
			return 0;
		}
	}
	x->p = s;
	f->path = calloc(1, sizeof(*f->path));
	if (f->path == NULL) {
		return -ENOMEM;
	}
	return parse_path(x, f->path);
}

static const struct {
	const char *name;
	enum fkind kind;
} filter_names[] = {
	{ "first", F_FIRST },	    { "last", F_LAST },	      { "json", F_JSON },
	{ "truncate", F_TRUNCATE }, { "default", F_DEFAULT }, { "omit", F_OMIT },
	{ "join", F_JOIN },	    { "length", F_LENGTH },
};

static int parse_filter(struct lex *x, struct expr *e)
{
	struct filter *f, *v;
	const char *s;
	size_t n, i;
	int r = 0;

	skip_ws(x);
	s = x->p;
	while (x->p < x->end && ident_char(*x->p)) {
		x->p++;
	}
	n = (size_t)(x->p - s);
	for (i = 0; i < sizeof(filter_names) / sizeof(filter_names[0]); i++) {
		if (word_is(s, n, filter_names[i].name)) {
			break;
		}
	}
	if (i == sizeof(filter_names) / sizeof(filter_names[0])) {
		x->why = n ? "unknown filter" : "expected a filter name after |";
		return -TV_EPARSE;
	}
	v = realloc(e->f, (e->nf + 1) * sizeof(*v));
	if (v == NULL) {
		return -ENOMEM;
	}
	e->f = v;
	f = &e->f[e->nf++];
	memset(f, 0, sizeof(*f));
	f->kind = filter_names[i].kind;
	skip_ws(x);
	switch (f->kind) {
	case F_TRUNCATE:
		r = parse_number(x, &f->lit);
		if (r == 0 && (f->lit.kind != LIT_INT || f->lit.i < 0)) {
			x->why = "truncate needs a count";
			r = -TV_EPARSE;
		}
		f->n = (size_t)f->lit.i;
		break;
	case F_DEFAULT:
		e->lenient = true;
		r = parse_default(x, f);
		break;
	case F_OMIT:
		e->lenient = true;
		e->omit = true;
		break;
	case F_JOIN:
		f->lit.kind = LIT_STR;
		if (x->p < x->end && *x->p == '"') {
			r = lex_string(x, &f->lit.s, &f->lit.n);
		}
		break;
	default:
		break;
	}
	return r;
}

static int compile_expr(const char *s, size_t n, unsigned long line, struct expr **out,
			const char *tname, struct tv_error *err)
{
	struct lex x = { .p = s, .end = s + n };
	struct expr *e = calloc(1, sizeof(*e));
	int r;

	if (e == NULL) {
		return -ENOMEM;
	}
	e->line = line;
	e->text = tv_strndup(s, n);
	if (e->text == NULL) {
		expr_destroy(e);
		return -ENOMEM;
	}
	skip_ws(&x);
	r = parse_path(&x, &e->path);
	skip_ws(&x);
	while (r == 0 && x.p < x.end && *x.p == '|') {
		x.p++;
		r = parse_filter(&x, e);
		skip_ws(&x);
	}
	if (r == 0 && x.p < x.end) {
		x.why = x.why ? x.why : "unexpected text";
		r = -TV_EPARSE;
	}
	if (r < 0) {
		if (r != -ENOMEM) {
			tv_error_set(err, r, tname, line, "{{%s}}: %s", e->text,
				     x.why ? x.why : "bad placeholder");
		}
		expr_destroy(e);
		return r;
	}
	*out = e;
	return 0;
}

/* ---- compiling scalars ---- */

static int seg_push(struct ninfo *in, char *text, size_t len, struct expr *ex)
{
	struct seg *v = realloc(in->segs, (in->n_segs + 1) * sizeof(*v));

	if (v == NULL) {
		free(text);
		expr_destroy(ex);
		return -ENOMEM;
	}
	in->segs = v;
	in->segs[in->n_segs++] = (struct seg){ .text = text, .len = len, .ex = ex };
	return 0;
}

static int flush_text(struct ninfo *in, struct tv_strbuf *b)
{
	size_t len = b->len;
	char *s;

	if (len == 0) {
		return 0;
	}
	s = tv_strbuf_steal(b);
	if (s == NULL) {
		return -ENOMEM;
	}
	return seg_push(in, s, len, NULL);
}

/* the end of the placeholder starting at @p (after "{{"): its "}}" outside quotes */
static const char *placeholder_end(const char *p, const char *end)
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

static unsigned long scalar_line(const yaml_node_t *node, const char *s, size_t off)
{
	unsigned long line = node->start_mark.line + 1;
	yaml_scalar_style_t st = node->data.scalar.style;

	if (st == YAML_LITERAL_SCALAR_STYLE || st == YAML_FOLDED_SCALAR_STYLE) {
		line++;
		for (size_t i = 0; i < off; i++) {
			line += s[i] == '\n';
		}
	}
	return line;
}

static int scan_scalar(struct tv_yaml_tmpl *t, yaml_node_t *node, struct ninfo *in,
		       struct tv_error *err)
{
	const char *s = (const char *)node->data.scalar.value, *e, *end;
	size_t n = node->data.scalar.length, i = 0;
	struct tv_strbuf b;
	bool escaped = false;
	struct expr *ex;
	int r = 0;

	if (memchr(s, '{', n) == NULL) {
		return 0;
	}
	end = s + n;
	tv_strbuf_init(&b);
	while (i < n && r == 0) {
		if (s[i] == '\\' && i + 2 < n && s[i + 1] == '{' && s[i + 2] == '{') {
			tv_strbuf_append(&b, "{{", 2);
			escaped = true;
			i += 3;
		} else if (s[i] == '{' && i + 1 < n && s[i + 1] == '{') {
			e = placeholder_end(s + i + 2, end);
			if (e == NULL) {
				tv_strbuf_finish(&b);
				return tv_error_set(err, -TV_EPARSE, t->name,
						    scalar_line(node, s, i),
						    "unterminated placeholder %.*s",
						    (int)(n - i > 40 ? 40 : n - i), s + i);
			}
			r = flush_text(in, &b);
			if (r == 0) {
				r = compile_expr(s + i + 2, (size_t)(e - (s + i + 2)),
						 scalar_line(node, s, i), &ex, t->name, err);
			}
			if (r == 0) {
				r = seg_push(in, NULL, 0, ex);
			}
			i = (size_t)(e - s) + 2;
		} else {
			tv_strbuf_putc(&b, s[i++]);
		}
	}
	if (r == 0 && in->n_segs == 0) {
		/* no placeholder: keep the text when \{{ changed it */
		if (escaped) {
			in->lit_len = b.len;
			in->lit = tv_strbuf_steal(&b);
			return in->lit ? 0 : -ENOMEM;
		}
		tv_strbuf_finish(&b);
		return 0;
	}
	if (r == 0) {
		r = flush_text(in, &b);
	}
	tv_strbuf_finish(&b);
	if (r < 0) {
		return r;
	}
	if (in->n_segs == 1 && in->segs[0].ex) {
		in->role = R_SINGLE;
		in->ex = in->segs[0].ex;
		free(in->segs);
		in->segs = NULL;
		in->n_segs = 0;
	} else {
		in->role = R_TEXT;
	}
	return 0;
}

static bool plain_empty(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE && n->data.scalar.length == 0 &&
	       n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

/* `{{x}}` unquoted reads as {{x: null}: null}: the text of x, or NULL */
static const yaml_node_t *unquoted_placeholder(const struct tv_yaml_tmpl *t,
					       const yaml_node_t *node)
{
	const yaml_node_t *k, *inner_k;

	if (node->type != YAML_MAPPING_NODE ||
	    node->data.mapping.style != YAML_FLOW_MAPPING_STYLE ||
	    node->data.mapping.pairs.top - node->data.mapping.pairs.start != 1) {
		return NULL;
	}
	k = node_at(t, node->data.mapping.pairs.start->key);
	if (!plain_empty(node_at(t, node->data.mapping.pairs.start->value)) || k == NULL ||
	    k->type != YAML_MAPPING_NODE || k->data.mapping.style != YAML_FLOW_MAPPING_STYLE ||
	    k->data.mapping.pairs.top - k->data.mapping.pairs.start != 1) {
		return NULL;
	}
	inner_k = node_at(t, k->data.mapping.pairs.start->key);
	if (!plain_empty(node_at(t, k->data.mapping.pairs.start->value)) || inner_k == NULL ||
	    inner_k->type != YAML_SCALAR_NODE ||
	    inner_k->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) {
		return NULL;
	}
	return inner_k;
}

static int special_key(const yaml_node_t *k)
{
	const char *s;
	size_t n;

	if (k == NULL || k->type != YAML_SCALAR_NODE) {
		return 0;
	}
	s = (const char *)k->data.scalar.value;
	n = k->data.scalar.length;
	if (word_is(s, n, "_if")) {
		return 1;
	}
	if (word_is(s, n, "_each")) {
		return 2;
	}
	if (word_is(s, n, "_value")) {
		return 3;
	}
	return 0;
}

static int compile_mapping(struct tv_yaml_tmpl *t, int id, struct tv_error *err)
{
	yaml_node_t *node = node_at(t, id);
	struct ninfo *in = info_at(t, id);
	const yaml_node_t *ph = unquoted_placeholder(t, node);
	static const char *const names[] = { "", "_if", "_each", "_value" };

	if (ph) {
		in->role = R_SINGLE;
		return compile_expr((const char *)ph->data.scalar.value, ph->data.scalar.length,
				    node->start_mark.line + 1, &in->ex, t->name, err);
	}
	for (yaml_node_pair_t *p = node->data.mapping.pairs.start; p < node->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = node_at(t, p->key);
		int *slot, sk = special_key(k);

		if (k->type != YAML_SCALAR_NODE && unquoted_placeholder(t, k) == NULL) {
			return tv_error_set(err, -TV_EPARSE, t->name, k->start_mark.line + 1,
					    "mapping keys must be scalars");
		}
		if (sk == 0) {
			continue;
		}
		slot = sk == 1 ? &in->if_id : sk == 2 ? &in->each_id : &in->value_id;
		if (*slot) {
			return tv_error_set(err, -TV_EPARSE, t->name, k->start_mark.line + 1,
					    "%s given twice", names[sk]);
		}
		*slot = p->value;
		info_at(t, p->key)->special = true;
	}
	return 0;
}

/* checks that need the tree: _each/_if take one placeholder, _each only in lists */
enum place {
	P_ROOT,
	P_ITEM,
	P_VALUE,
	P_KEY
};

static int check_node(struct tv_yaml_tmpl *t, int id, enum place where, int depth, size_t *visits,
		      struct tv_error *err)
{
	yaml_node_t *node = node_at(t, id);
	struct ninfo *in = info_at(t, id);
	unsigned long line = node->start_mark.line + 1;
	int r;

	if (depth > MAX_DEPTH || ++*visits > MAX_VISITS) {
		return tv_error_set(err, -TV_EPARSE, t->name, line,
				    "template nested too deep or expands too much (aliases?)");
	}
	if (node->type == YAML_SEQUENCE_NODE) {
		for (yaml_node_item_t *it = node->data.sequence.items.start;
		     it < node->data.sequence.items.top; it++) {
			r = check_node(t, *it, P_ITEM, depth + 1, visits, err);
			if (r < 0) {
				return r;
			}
		}
		return 0;
	}
	if (node->type != YAML_MAPPING_NODE || in->role == R_SINGLE) {
		return 0;
	}
	if (in->each_id && where != P_ITEM) {
		return tv_error_set(err, -TV_EPARSE, t->name, line,
				    "_each is only allowed in a list item");
	}
	if (in->if_id && info_at(t, in->if_id)->role != R_SINGLE) {
		return tv_error_set(err, -TV_EPARSE, t->name, line,
				    "_if needs one placeholder, like \"{{x}}\"");
	}
	if (in->each_id && info_at(t, in->each_id)->role != R_SINGLE) {
		return tv_error_set(err, -TV_EPARSE, t->name, line,
				    "_each needs one placeholder, like \"{{x}}\"");
	}
	if (where == P_KEY && (in->if_id || in->value_id)) {
		return tv_error_set(err, -TV_EPARSE, t->name, line,
				    "_if and _value are not allowed in keys");
	}
	for (yaml_node_pair_t *p = node->data.mapping.pairs.start; p < node->data.mapping.pairs.top;
	     p++) {
		if (info_at(t, p->key)->special) {
			if (p->value == in->value_id) {
				r = check_node(t, p->value, where, depth + 1, visits, err);
				if (r < 0) {
					return r;
				}
			}
			continue;
		}
		r = check_node(t, p->value, P_VALUE, depth + 1, visits, err);
		if (r < 0) {
			return r;
		}
	}
	return 0;
}

static int compile(struct tv_yaml_tmpl *t, struct tv_error *err)
{
	size_t visits = 0;
	int r;

	t->n = (size_t)(t->doc.nodes.top - t->doc.nodes.start);
	t->info = calloc(t->n ? t->n : 1, sizeof(*t->info));
	if (t->info == NULL) {
		return -ENOMEM;
	}
	for (size_t i = 0; i < t->n; i++) {
		yaml_node_t *node = &t->doc.nodes.start[i];

		r = 0;
		if (node->type == YAML_SCALAR_NODE) {
			r = scan_scalar(t, node, &t->info[i], err);
		} else if (node->type == YAML_MAPPING_NODE) {
			r = compile_mapping(t, (int)i + 1, err);
		}
		if (r < 0) {
			return r;
		}
	}
	return check_node(t, 1, P_ROOT, 0, &visits, err);
}

static int load_doc(struct tv_yaml_tmpl *t, const char *text, size_t len, struct tv_error *err)
{
	yaml_parser_t parser;
	yaml_document_t extra;
	int r = 0;

	if (!yaml_parser_initialize(&parser)) {
		return -ENOMEM;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &t->doc)) {
		/* libyaml leaves some allocation failures unnamed: no error is one */
		r = parser.error == YAML_MEMORY_ERROR || parser.error == YAML_NO_ERROR ? -ENOMEM
										       : -TV_EPARSE;
		tv_error_set(err, r, t->name, parser.problem_mark.line + 1, "%s%s%s",
			     parser.problem ? parser.problem : "bad YAML",
			     parser.context ? " " : "", parser.context ? parser.context : "");
		yaml_parser_delete(&parser);
		memset(&t->doc, 0, sizeof(t->doc));
		return r;
	}
	if (yaml_document_get_root_node(&t->doc) == NULL) {
		r = tv_error_set(err, -TV_EPARSE, t->name, 1, "the template is empty");
	} else if (!yaml_parser_load(&parser, &extra)) {
		r = tv_error_set(err, -TV_EPARSE, t->name, parser.problem_mark.line + 1, "%s",
				 parser.problem ? parser.problem : "bad YAML");
	} else {
		if (yaml_document_get_root_node(&extra) != NULL) {
			r = tv_error_set(err, -TV_EPARSE, t->name, extra.start_mark.line + 1,
					 "a template is one YAML document, this has more");
		}
		yaml_document_delete(&extra);
	}
	yaml_parser_delete(&parser);
	return r;
}

int tv_yaml_tmpl_parse(const char *name, const char *text, size_t len, struct tv_yaml_tmpl **out,
		       struct tv_error *err)
{
	struct tv_yaml_tmpl *t = calloc(1, sizeof(*t));
	int r;

	if (t == NULL) {
		return -ENOMEM;
	}
	t->name = strdup(name ? name : "template");
	if (t->name == NULL) {
		free(t);
		return -ENOMEM;
	}
	r = load_doc(t, text, len, err);
	if (r == 0) {
		r = compile(t, err);
	}
	if (r < 0) {
		if (r == -ENOMEM) {
			tv_error_set(err, r, name, 0, "out of memory");
		}
		tv_yaml_tmpl_destroy(t);
		return r;
	}
	*out = t;
	return 0;
}

int tv_yaml_tmpl_load(const char *path, struct tv_yaml_tmpl **out, struct tv_error *err)
{
	struct tv_strbuf b;
	char buf[65536];
	ssize_t n;
	int fd, r;

	fd = open(path, O_RDONLY);
	if (fd < 0) {
		r = -errno;
		return tv_error_set(err, r, path, 0, "cannot open: %s", strerror(-r));
	}
	tv_strbuf_init(&b);
	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			break;
		}
		if (b.len + (size_t)n > TEMPLATE_MAX || tv_strbuf_append(&b, buf, (size_t)n) < 0) {
			n = -2;
			break;
		}
	}
	r = n == -1 ? -errno : 0;
	close(fd);
	if (n == -2) {
		tv_strbuf_finish(&b);
		return tv_error_set(err, -TV_ETOOBIG, path, 0, "template too large");
	}
	if (r < 0) {
		tv_strbuf_finish(&b);
		return tv_error_set(err, r, path, 0, "read error: %s", strerror(-r));
	}
	r = tv_yaml_tmpl_parse(path, b.p ? b.p : "", b.len, out, err);
	tv_strbuf_finish(&b);
	return r;
}

/* ---- values ---- */

/* the next element of an array (tv_jv_iter_next() wants the key pointers) */
static bool next_el(struct tv_jiter *it, struct tv_jv *el)
{
	const char *k;
	size_t kn;

	return tv_jv_iter_next(it, &k, &kn, el);
}

enum vk {
	V_ABSENT,
	V_NULL,
	V_BOOL,
	V_INT,
	V_DOUBLE,
	V_STR,
	V_JV,
	V_LIST0,
	V_MAP0
};

struct val {
	enum vk k;
	bool b;
	int64_t i;
	double d;
	const char *s;
	size_t n;
	struct tv_jv jv; /* V_JV: an array or object */
	char *owned;	 /* a string this value owns */
};

static void val_free(struct val *v)
{
	free(v->owned);
	v->owned = NULL;
}

static void val_from_jv(const struct tv_jv *jv, struct val *v)
{
	memset(v, 0, sizeof(*v));
	switch (tv_jv_type(jv)) {
	case TV_J_NULL:
		v->k = V_NULL;
		break;
	case TV_J_BOOL:
		v->k = V_BOOL;
		tv_jv_bool(jv, &v->b);
		break;
	case TV_J_INT:
		v->k = V_INT;
		tv_jv_int(jv, &v->i);
		break;
	case TV_J_UINT:
	case TV_J_DOUBLE:
		v->k = V_DOUBLE;
		tv_jv_num(jv, &v->d);
		break;
	case TV_J_STRING:
		v->k = V_STR;
		tv_jv_str(jv, &v->s, &v->n);
		break;
	default:
		v->k = V_JV;
		v->jv = *jv;
		break;
	}
}

static void val_from_lit(const struct lit *l, struct val *v)
{
	memset(v, 0, sizeof(*v));
	switch (l->kind) {
	case LIT_NULL:
		v->k = V_NULL;
		break;
	case LIT_BOOL:
		v->k = V_BOOL;
		v->b = l->b;
		break;
	case LIT_INT:
		v->k = V_INT;
		v->i = l->i;
		break;
	case LIT_DOUBLE:
		v->k = V_DOUBLE;
		v->d = l->d;
		break;
	case LIT_STR:
		v->k = V_STR;
		v->s = l->s ? l->s : "";
		v->n = l->n;
		break;
	case LIT_LIST:
		v->k = V_LIST0;
		break;
	case LIT_MAP:
		v->k = V_MAP0;
		break;
	}
}

/* absent, null, "", [] or {} */
static bool val_empty(const struct val *v)
{
	switch (v->k) {
	case V_ABSENT:
	case V_NULL:
	case V_LIST0:
	case V_MAP0:
		return true;
	case V_STR:
		return v->n == 0;
	case V_JV:
		return tv_jv_len(&v->jv) == 0;
	default:
		return false;
	}
}

static bool val_truthy(const struct val *v)
{
	if (v->k == V_BOOL) {
		return v->b;
	}
	if (v->k == V_INT) {
		return v->i != 0;
	}
	if (v->k == V_DOUBLE) {
		return v->d != 0;
	}
	return !val_empty(v);
}

/* @v as text: strings as they are, null as "", the rest as JSON */
static int val_text(const struct val *v, struct tv_strbuf *b, bool json)
{
	struct tv_jw w;

	switch (v->k) {
	case V_ABSENT:
	case V_NULL:
		return json ? tv_strbuf_puts(b, "null") : 0;
	case V_STR:
		if (!json) {
			return tv_strbuf_append(b, v->s, v->n);
		}
		tv_jw_init(&w, b);
		tv_jw_str(&w, v->s, v->n);
		return tv_jw_error(&w);
	case V_BOOL:
		return tv_strbuf_puts(b, v->b ? "true" : "false");
	case V_INT:
		return tv_strbuf_printf(b, "%lld", (long long)v->i);
	case V_DOUBLE:
		tv_jw_init(&w, b);
		tv_jw_double(&w, v->d);
		return tv_jw_error(&w);
	case V_JV:
		return tv_jv_minify(&v->jv, b);
	case V_LIST0:
		return tv_strbuf_puts(b, "[]");
	case V_MAP0:
		return tv_strbuf_puts(b, "{}");
	}
	return 0;
}

/* replace @v by the string in @b (taken) */
static int val_set_owned(struct val *v, struct tv_strbuf *b)
{
	size_t n = b->len;
	char *s = tv_strbuf_steal(b);

	if (s == NULL) {
		return -ENOMEM;
	}
	val_free(v);
	memset(v, 0, sizeof(*v));
	v->k = V_STR;
	v->s = v->owned = s;
	v->n = n;
	return 0;
}

static size_t utf8_count(const char *s, size_t n)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++) {
		c += ((unsigned char)s[i] & 0xC0) != 0x80;
	}
	return c;
}

/* the byte length of the first @chars characters of @s */
static size_t utf8_prefix(const char *s, size_t n, size_t chars)
{
	size_t i = 0, c = 0;

	while (i < n) {
		if (((unsigned char)s[i] & 0xC0) != 0x80) {
			if (c == chars) {
				break;
			}
			c++;
		}
		i++;
	}
	return i;
}

/* ---- rendering ---- */

struct rctx {
	const struct tv_yaml_tmpl *t;
	const struct tv_yaml_var *vars;
	size_t n_vars;
	struct tv_jv items[MAX_LOOPS];
	size_t n_items;
	yaml_emitter_t *em; /* YAML output */
	struct tv_jw *jw;   /* JSON output */
	struct tv_strbuf scratch;
	struct tv_error *err;
	size_t visits;
	int depth;
};

static int expr_err(struct rctx *r, const struct expr *e, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int expr_err(struct rctx *r, const struct expr *e, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return tv_error_set(r->err, -TV_ETYPE, r->t->name, e->line, "{{%s}}: %s", e->text, msg);
}

static int eval_path(struct rctx *r, const struct expr *e, const struct path *p, bool lenient,
		     struct val *out)
{
	struct tv_jv cur, next;
	struct tv_jiter it;
	bool found = false;
	size_t i;

	if (strcmp(p->root, "item") == 0 && r->n_items > 0) {
		cur = r->items[r->n_items - 1];
		found = true;
	}
	for (i = 0; !found && i < r->n_vars; i++) {
		if (strcmp(r->vars[i].name, p->root) == 0) {
			cur = r->vars[i].value;
			found = true;
		}
	}
	if (!found) {
		return expr_err(r, e, "unknown name '%s'", p->root);
	}
	for (i = 0; i < p->n; i++) {
		const struct step *s = &p->steps[i];
		enum tv_jtype ty = tv_jv_type(&cur);

		if (ty == TV_J_NULL) {
			break;
		}
		if (s->key && ty == TV_J_OBJECT) {
			if (!tv_jv_get(&cur, s->key, &next)) {
				if (lenient) {
					out->k = V_ABSENT;
					return 0;
				}
				return expr_err(r, e, "no member '%s'", s->key);
			}
			cur = next;
			continue;
		}
		if (!s->key && ty == TV_J_ARRAY) {
			size_t k = 0;

			found = false;
			tv_jv_iter_init(&cur, &it);
			while (next_el(&it, &next)) {
				if (k++ == s->index) {
					found = true;
					break;
				}
			}
			if (!found) {
				if (lenient) {
					out->k = V_ABSENT;
					return 0;
				}
				return expr_err(r, e, "index out of range");
			}
			cur = next;
			continue;
		}
		if (s->key) {
			return expr_err(r, e,
					ty == TV_J_ARRAY
						? "member '%s' of a list (use [N] or | first)"
						: "member '%s' of a scalar",
					s->key);
		}
		return expr_err(r, e, "index of a %s", ty == TV_J_OBJECT ? "mapping" : "scalar");
	}
	val_from_jv(&cur, out);
	return 0;
}

static int apply_filter(struct rctx *r, const struct expr *e, const struct filter *f, struct val *v)
{
	struct tv_jiter it;
	struct tv_jv el;
	struct tv_strbuf b;
	size_t k, cut;
	int rc = 0;

	switch (f->kind) {
	case F_FIRST:
	case F_LAST:
		if (v->k != V_JV || tv_jv_type(&v->jv) != TV_J_ARRAY) {
			if (v->k == V_LIST0) {
				v->k = V_NULL;
			}
			return 0;
		}
		k = 0;
		tv_jv_iter_init(&v->jv, &it);
		while (next_el(&it, &el)) {
			val_from_jv(&el, v);
			k++;
			if (f->kind == F_FIRST) {
				break;
			}
		}
		if (k == 0) {
			v->k = V_NULL;
		}
		return 0;
	case F_DEFAULT:
		if (v->k != V_ABSENT && v->k != V_NULL && !(v->k == V_STR && v->n == 0)) {
			return 0;
		}
		val_free(v);
		if (f->path) {
			return eval_path(r, e, f->path, true, v);
		}
		val_from_lit(&f->lit, v);
		return 0;
	case F_OMIT:
		return 0;
	case F_LENGTH:
		k = 0;
		if (v->k == V_JV) {
			k = tv_jv_len(&v->jv);
		} else if (v->k == V_STR) {
			k = utf8_count(v->s, v->n);
		} else if (v->k == V_BOOL || v->k == V_INT || v->k == V_DOUBLE) {
			tv_strbuf_init(&b);
			rc = val_text(v, &b, false);
			k = utf8_count(b.p ? b.p : "", b.len);
			tv_strbuf_finish(&b);
		}
		val_free(v);
		memset(v, 0, sizeof(*v));
		v->k = V_INT;
		v->i = (int64_t)k;
		return rc;
	default:
		break;
	}
	if (v->k == V_ABSENT || (v->k == V_NULL && f->kind != F_JSON)) {
		return 0;
	}
	tv_strbuf_init(&b);
	if (f->kind == F_JOIN && v->k == V_JV && tv_jv_type(&v->jv) == TV_J_ARRAY) {
		struct val ev;

		k = 0;
		tv_jv_iter_init(&v->jv, &it);
		while (rc == 0 && next_el(&it, &el)) {
			if (k++ > 0 && f->lit.n) {
				rc = tv_strbuf_append(&b, f->lit.s, f->lit.n);
			}
			val_from_jv(&el, &ev);
			if (rc == 0) {
				rc = val_text(&ev, &b, false);
			}
		}
	} else {
		rc = val_text(v, &b, f->kind == F_JSON);
	}
	if (rc == 0 && f->kind == F_TRUNCATE && utf8_count(b.p ? b.p : "", b.len) > f->n) {
		/* N characters in all, the last one an ellipsis */
		cut = f->n ? utf8_prefix(b.p, b.len, f->n - 1) : 0;
		b.len = cut;
		if (f->n) {
			rc = tv_strbuf_puts(&b, "\xe2\x80\xa6");
		}
	}
	if (rc == 0) {
		rc = val_set_owned(v, &b);
	}
	tv_strbuf_finish(&b);
	return rc;
}

static int eval_expr(struct rctx *r, const struct expr *e, struct val *v)
{
	int rc;

	memset(v, 0, sizeof(*v));
	rc = eval_path(r, e, &e->path, e->lenient, v);
	for (size_t i = 0; rc == 0 && i < e->nf; i++) {
		rc = apply_filter(r, e, &e->f[i], v);
	}
	if (rc < 0) {
		val_free(v);
		if (rc == -ENOMEM) {
			tv_error_set(r->err, rc, r->t->name, e->line, "out of memory");
		}
	}
	return rc;
}

/* ---- output: libyaml events or the JSON writer ---- */

static int emit(struct rctx *r, yaml_event_t *ev, int ok)
{
	if (!ok) {
		return tv_error_set(r->err, -ENOMEM, r->t->name, 0, "out of memory");
	}
	if (!yaml_emitter_emit(r->em, ev)) {
		/* the writer fails only when the output cannot grow */
		int code = r->em->error == YAML_MEMORY_ERROR || r->em->error == YAML_WRITER_ERROR
				   ? -ENOMEM
				   : -TV_ETYPE;

		return tv_error_set(r->err, code, r->t->name, 0, "yaml emitter: %s",
				    r->em->problem ? r->em->problem : "error");
	}
	return 0;
}

/* true if a plain scalar @s would read back as something other than a string */
static bool needs_quotes(const char *s, size_t n)
{
	static const char *const words[] = { "null", "~",   "true", "false", "yes", "no",
					     "on",   "off", "y",    "n",     "<<",  "=" };
	char low[8];

	if (n == 0) {
		return true;
	}
	if (s[0] >= '0' && s[0] <= '9') {
		return true;
	}
	if ((s[0] == '+' || s[0] == '-' || s[0] == '.') && n > 1 &&
	    ((s[1] >= '0' && s[1] <= '9') || strchr(".iInN", s[1]) != NULL)) {
		return true;
	}
	if (n >= sizeof(low)) {
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		low[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
	}
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (word_is(low, n, words[i])) {
			return true;
		}
	}
	return false;
}

/* line breaks that a literal block would not keep: CR, NEL, LS, PS */
static bool odd_breaks(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\r') {
			return true;
		}
		if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0x85) {
			return true;
		}
		if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
		    ((unsigned char)s[i + 2] == 0xA8 || (unsigned char)s[i + 2] == 0xA9)) {
			return true;
		}
	}
	return false;
}

static int out_string(struct rctx *r, const char *s, size_t n, yaml_scalar_style_t hint)
{
	yaml_scalar_style_t style = YAML_ANY_SCALAR_STYLE;
	yaml_event_t ev;
	int plain = 1;

	if (r->jw) {
		tv_jw_str(r->jw, s, n);
		return 0;
	}
	if (n > INT32_MAX) {
		return tv_error_set(r->err, -TV_ETOOBIG, r->t->name, 0, "string too long");
	}
	if (odd_breaks(s, n)) {
		style = YAML_DOUBLE_QUOTED_SCALAR_STYLE;
		plain = 0;
	} else if (memchr(s, '\n', n)) {
		/* |+ (kept trailing blank lines) would end a list of items with "..." */
		bool keep = n == 1 || (s[n - 1] == '\n' && s[n - 2] == '\n');

		style = keep ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_LITERAL_SCALAR_STYLE;
		plain = 0;
	} else if (hint == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
		   hint == YAML_DOUBLE_QUOTED_SCALAR_STYLE) {
		style = hint;
		plain = 0;
	} else if (needs_quotes(s, n)) {
		plain = 0;
	}
	return emit(r, &ev,
		    yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)n, plain,
						 1, style));
}

static int out_plain(struct rctx *r, const char *s)
{
	yaml_event_t ev;

	return emit(r, &ev,
		    yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)strlen(s),
						 1, 0, YAML_PLAIN_SCALAR_STYLE));
}

/* a double as a YAML float that YAML 1.1 readers also take as one */
static void yaml_double(double d, char *buf, size_t size)
{
	char tmp[48];
	const char *e;
	int n = 0;

	for (int prec = 1; prec <= 17; prec++) {
		n = snprintf(tmp, sizeof(tmp), "%.*g", prec, d);
		if (strtod(tmp, NULL) == d) {
			break;
		}
	}
	e = strchr(tmp, 'e');
	if (e && strchr(tmp, '.') == NULL) {
		snprintf(buf, size, "%.*s.0%s", (int)(e - tmp), tmp, e);
	} else {
		snprintf(buf, size, "%.*s", n, tmp);
	}
}

static int out_jv(struct rctx *r, const struct tv_jv *jv);

static int out_val(struct rctx *r, const struct val *v)
{
	char buf[64];
	yaml_event_t ev;

	if (r->jw) {
		switch (v->k) {
		case V_ABSENT:
		case V_NULL:
			tv_jw_null(r->jw);
			return 0;
		case V_BOOL:
			tv_jw_bool(r->jw, v->b);
			return 0;
		case V_INT:
			tv_jw_int(r->jw, v->i);
			return 0;
		case V_DOUBLE:
			tv_jw_double(r->jw, v->d);
			return 0;
		case V_STR:
			tv_jw_str(r->jw, v->s, v->n);
			return 0;
		case V_LIST0:
			tv_jw_raw(r->jw, "[]", 2);
			return 0;
		case V_MAP0:
			tv_jw_raw(r->jw, "{}", 2);
			return 0;
		case V_JV:
			tv_strbuf_reset(&r->scratch);
			if (tv_jv_minify(&v->jv, &r->scratch) < 0) {
				return -ENOMEM;
			}
			tv_jw_raw(r->jw, r->scratch.p, r->scratch.len);
			return 0;
		}
		return 0;
	}
	switch (v->k) {
	case V_ABSENT:
	case V_NULL:
		return out_plain(r, "null");
	case V_BOOL:
		return out_plain(r, v->b ? "true" : "false");
	case V_INT:
		snprintf(buf, sizeof(buf), "%lld", (long long)v->i);
		return out_plain(r, buf);
	case V_DOUBLE:
		if (!isfinite(v->d)) {
			return out_plain(r, "null");
		}
		yaml_double(v->d, buf, sizeof(buf));
		return out_plain(r, buf);
	case V_STR:
		return out_string(r, v->s, v->n, YAML_ANY_SCALAR_STYLE);
	case V_LIST0:
		if (emit(r, &ev,
			 yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
							      YAML_FLOW_SEQUENCE_STYLE)) < 0) {
			return -TV_ETYPE;
		}
		return emit(r, &ev, yaml_sequence_end_event_initialize(&ev));
	case V_MAP0:
		if (emit(r, &ev,
			 yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
							     YAML_FLOW_MAPPING_STYLE)) < 0) {
			return -TV_ETYPE;
		}
		return emit(r, &ev, yaml_mapping_end_event_initialize(&ev));
	case V_JV:
		return out_jv(r, &v->jv);
	}
	return 0;
}

static int out_jv(struct rctx *r, const struct tv_jv *jv)
{
	enum tv_jtype ty = tv_jv_type(jv);
	struct tv_jiter it;
	struct tv_jv el;
	const char *key;
	struct val v;
	yaml_event_t ev;
	size_t klen;
	int rc;

	if (ty != TV_J_ARRAY && ty != TV_J_OBJECT) {
		val_from_jv(jv, &v);
		return out_val(r, &v);
	}
	if (ty == TV_J_ARRAY) {
		rc = emit(r, &ev,
			  yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
							       YAML_ANY_SEQUENCE_STYLE));
	} else {
		rc = emit(r, &ev,
			  yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
							      YAML_ANY_MAPPING_STYLE));
	}
	tv_jv_iter_init(jv, &it);
	while (rc == 0 && tv_jv_iter_next(&it, &key, &klen, &el)) {
		if (ty == TV_J_OBJECT) {
			rc = out_string(r, key, klen, YAML_ANY_SCALAR_STYLE);
		}
		if (rc == 0) {
			rc = out_jv(r, &el);
		}
	}
	if (rc < 0) {
		return rc;
	}
	if (ty == TV_J_ARRAY) {
		return emit(r, &ev, yaml_sequence_end_event_initialize(&ev));
	}
	return emit(r, &ev, yaml_mapping_end_event_initialize(&ev));
}

/* a template scalar without placeholders, typed as YAML reads it (for JSON) */
static void json_plain(struct rctx *r, const char *s, size_t n)
{
	char buf[64], *end;
	long long i;
	double d;

	if (n == 0 || word_is(s, n, "~") || word_is(s, n, "null") || word_is(s, n, "Null") ||
	    word_is(s, n, "NULL")) {
		tv_jw_null(r->jw);
		return;
	}
	if (word_is(s, n, "true") || word_is(s, n, "True") || word_is(s, n, "TRUE")) {
		tv_jw_bool(r->jw, true);
		return;
	}
	if (word_is(s, n, "false") || word_is(s, n, "False") || word_is(s, n, "FALSE")) {
		tv_jw_bool(r->jw, false);
		return;
	}
	if (n < sizeof(buf) && strspn(s, "0123456789+-.eE") == n && strpbrk(s, "0123456789")) {
		memcpy(buf, s, n);
		buf[n] = '\0';
		errno = 0;
		if (strpbrk(buf, ".eE") == NULL) {
			i = strtoll(buf, &end, 10);
			if (errno == 0 && *end == '\0' && !(n > 1 && buf[0] == '0')) {
				tv_jw_int(r->jw, (int64_t)i);
				return;
			}
		} else {
			d = strtod(buf, &end);
			if (errno == 0 && *end == '\0' && isfinite(d)) {
				tv_jw_double(r->jw, d);
				return;
			}
		}
	}
	tv_jw_str(r->jw, s, n);
}

static int out_literal(struct rctx *r, const yaml_node_t *node, const struct ninfo *in)
{
	const char *s = in->lit ? in->lit : (const char *)node->data.scalar.value;
	size_t n = in->lit ? in->lit_len : node->data.scalar.length;
	yaml_scalar_style_t st = node->data.scalar.style;
	yaml_event_t ev;

	if (r->jw) {
		if (st == YAML_PLAIN_SCALAR_STYLE && !in->lit) {
			json_plain(r, s, n);
		} else {
			tv_jw_str(r->jw, s, n);
		}
		return 0;
	}
	return emit(r, &ev,
		    yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)n,
						 st == YAML_PLAIN_SCALAR_STYLE, 1, st));
}

static int out_text(struct rctx *r, const yaml_node_t *node, const struct ninfo *in)
{
	struct tv_strbuf b;
	struct val v;
	int rc = 0;

	tv_strbuf_init(&b);
	for (size_t i = 0; rc == 0 && i < in->n_segs; i++) {
		if (in->segs[i].ex == NULL) {
			rc = tv_strbuf_append(&b, in->segs[i].text, in->segs[i].len);
			continue;
		}
		rc = eval_expr(r, in->segs[i].ex, &v);
		if (rc == 0) {
			rc = val_text(&v, &b, false);
			val_free(&v);
		}
	}
	if (rc == 0) {
		rc = out_string(r, b.p ? b.p : "", b.len, node->data.scalar.style);
	}
	tv_strbuf_finish(&b);
	return rc;
}

static int render_node(struct rctx *r, int id);

/* a node in a list item, mapping value or the root, after _if/_value/omit */
struct slot {
	int id;
	bool has_val;
	struct val v;
};

/* Returns 0 (ready: emit with slot_emit), 1 (dropped) or a negative error. */
static int slot_prepare(struct rctx *r, int id, struct slot *s)
{
	const struct ninfo *in = info_at(r->t, id);
	const yaml_node_t *node = node_at(r->t, id);
	struct val cond;
	int rc, hops = 0;

	memset(s, 0, sizeof(*s));
	while (node->type == YAML_MAPPING_NODE && in->role != R_SINGLE) {
		if (in->if_id) {
			rc = eval_expr(r, info_at(r->t, in->if_id)->ex, &cond);
			if (rc < 0) {
				return rc;
			}
			rc = val_truthy(&cond);
			val_free(&cond);
			if (!rc) {
				return 1;
			}
		}
		if (in->value_id == 0 || ++hops > MAX_DEPTH) {
			break;
		}
		id = in->value_id;
		in = info_at(r->t, id);
		node = node_at(r->t, id);
	}
	s->id = id;
	if (in->role == R_SINGLE) {
		rc = eval_expr(r, in->ex, &s->v);
		if (rc < 0) {
			return rc;
		}
		s->has_val = true;
		if (in->ex->omit && val_empty(&s->v)) {
			val_free(&s->v);
			return 1;
		}
	}
	return 0;
}

static int slot_emit(struct rctx *r, struct slot *s)
{
	int rc;

	if (!s->has_val) {
		return render_node(r, s->id);
	}
	rc = out_val(r, &s->v);
	val_free(&s->v);
	return rc;
}

static int render_item(struct rctx *r, int id)
{
	struct slot s;
	int rc = slot_prepare(r, id, &s);

	if (rc != 0) {
		return rc < 0 ? rc : 0;
	}
	return slot_emit(r, &s);
}

static int render_each(struct rctx *r, int id)
{
	const struct expr *e = info_at(r->t, info_at(r->t, id)->each_id)->ex;
	struct tv_jiter it;
	struct tv_jv el;
	struct val list;
	int rc;

	rc = eval_expr(r, e, &list);
	if (rc < 0) {
		return rc;
	}
	if (val_empty(&list) && list.k != V_JV) {
		val_free(&list);
		return 0;
	}
	if (list.k != V_JV || tv_jv_type(&list.jv) != TV_J_ARRAY) {
		val_free(&list);
		return expr_err(r, e, "_each needs a list");
	}
	if (r->n_items == MAX_LOOPS) {
		return expr_err(r, e, "_each nested too deep");
	}
	tv_jv_iter_init(&list.jv, &it);
	while (next_el(&it, &el)) {
		r->items[r->n_items++] = el;
		rc = render_item(r, id);
		r->n_items--;
		if (rc < 0) {
			return rc;
		}
	}
	return 0;
}

static int render_key(struct rctx *r, int id)
{
	const yaml_node_t *node = node_at(r->t, id);
	const struct ninfo *in = info_at(r->t, id);
	struct tv_strbuf b;
	struct val v;
	int rc;

	if (in->role == R_PLAIN && node->type == YAML_SCALAR_NODE) {
		if (r->jw) {
			tv_jw_key_n(r->jw,
				    in->lit ? in->lit : (const char *)node->data.scalar.value,
				    in->lit ? in->lit_len : node->data.scalar.length);
			return 0;
		}
		return out_literal(r, node, in);
	}
	if (in->role == R_TEXT) {
		if (!r->jw) {
			return out_text(r, node, in);
		}
		tv_strbuf_init(&b);
		rc = 0;
		for (size_t i = 0; rc == 0 && i < in->n_segs; i++) {
			if (in->segs[i].ex == NULL) {
				rc = tv_strbuf_append(&b, in->segs[i].text, in->segs[i].len);
				continue;
			}
			rc = eval_expr(r, in->segs[i].ex, &v);
			if (rc == 0) {
				rc = val_text(&v, &b, false);
				val_free(&v);
			}
		}
		if (rc == 0) {
			tv_jw_key_n(r->jw, b.p ? b.p : "", b.len);
		}
		tv_strbuf_finish(&b);
		return rc;
	}
	rc = eval_expr(r, in->ex, &v);
	if (rc < 0) {
		return rc;
	}
	if (v.k == V_JV || v.k == V_LIST0 || v.k == V_MAP0) {
		val_free(&v);
		return expr_err(r, in->ex, "a key must be a scalar");
	}
	tv_strbuf_init(&b);
	rc = val_text(&v, &b, false);
	val_free(&v);
	if (rc == 0 && r->jw) {
		tv_jw_key_n(r->jw, b.p ? b.p : "", b.len);
	} else if (rc == 0) {
		rc = out_string(r, b.p ? b.p : "", b.len, YAML_ANY_SCALAR_STYLE);
	}
	tv_strbuf_finish(&b);
	return rc;
}

static int render_seq(struct rctx *r, const yaml_node_t *node)
{
	yaml_event_t ev;
	int rc = 0;

	if (r->jw) {
		tv_jw_arr_begin(r->jw);
	} else {
		rc = emit(r, &ev,
			  yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
							       node->data.sequence.style));
	}
	for (yaml_node_item_t *it = node->data.sequence.items.start;
	     rc == 0 && it < node->data.sequence.items.top; it++) {
		if (node_at(r->t, *it)->type == YAML_MAPPING_NODE && info_at(r->t, *it)->each_id &&
		    info_at(r->t, *it)->role != R_SINGLE) {
			rc = render_each(r, *it);
		} else {
			rc = render_item(r, *it);
		}
	}
	if (rc < 0) {
		return rc;
	}
	if (r->jw) {
		tv_jw_arr_end(r->jw);
		return 0;
	}
	return emit(r, &ev, yaml_sequence_end_event_initialize(&ev));
}

static int render_map(struct rctx *r, const yaml_node_t *node)
{
	struct slot s;
	yaml_event_t ev;
	int rc = 0;

	if (r->jw) {
		tv_jw_obj_begin(r->jw);
	} else {
		rc = emit(r, &ev,
			  yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
							      node->data.mapping.style));
	}
	for (yaml_node_pair_t *p = node->data.mapping.pairs.start;
	     rc == 0 && p < node->data.mapping.pairs.top; p++) {
		if (info_at(r->t, p->key)->special) {
			continue;
		}
		rc = slot_prepare(r, p->value, &s);
		if (rc == 1) {
			rc = 0;
			continue;
		}
		if (rc == 0) {
			rc = render_key(r, p->key);
		}
		if (rc == 0) {
			rc = slot_emit(r, &s);
		} else if (s.has_val) {
			val_free(&s.v);
		}
	}
	if (rc < 0) {
		return rc;
	}
	if (r->jw) {
		tv_jw_obj_end(r->jw);
		return 0;
	}
	return emit(r, &ev, yaml_mapping_end_event_initialize(&ev));
}

static int render_node(struct rctx *r, int id)
{
	const yaml_node_t *node = node_at(r->t, id);
	const struct ninfo *in = info_at(r->t, id);
	struct val v;
	int rc;

	if (++r->visits > MAX_VISITS || r->depth >= MAX_DEPTH) {
		return tv_error_set(r->err, -TV_ETYPE, r->t->name, node->start_mark.line + 1,
				    "template nested too deep or expands too much");
	}
	if (in->role == R_SINGLE) {
		rc = eval_expr(r, in->ex, &v);
		if (rc == 0) {
			rc = out_val(r, &v);
			val_free(&v);
		}
		return rc;
	}
	r->depth++;
	switch (node->type) {
	case YAML_SCALAR_NODE:
		rc = in->role == R_TEXT ? out_text(r, node, in) : out_literal(r, node, in);
		break;
	case YAML_SEQUENCE_NODE:
		rc = render_seq(r, node);
		break;
	case YAML_MAPPING_NODE:
		rc = render_map(r, node);
		break;
	default:
		rc = 0;
		break;
	}
	r->depth--;
	return rc;
}

static int write_handler(void *data, unsigned char *buffer, size_t size)
{
	return tv_strbuf_append(data, buffer, size) == 0;
}

static int render_yaml(struct rctx *r, struct slot *root, enum tv_yaml_mode mode,
		       struct tv_strbuf *out)
{
	yaml_emitter_t em;
	yaml_event_t ev;
	int rc;

	if (!yaml_emitter_initialize(&em)) {
		return -ENOMEM;
	}
	yaml_emitter_set_output(&em, write_handler, out);
	yaml_emitter_set_unicode(&em, 1);
	yaml_emitter_set_indent(&em, 2);
	yaml_emitter_set_width(&em, -1);
	yaml_emitter_set_break(&em, YAML_LN_BREAK);
	r->em = &em;
	rc = emit(r, &ev, yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING));
	if (rc == 0) {
		rc = emit(r, &ev,
			  yaml_document_start_event_initialize(&ev, NULL, NULL, NULL,
							       mode != TV_YAML_STREAM_DOC));
	}
	if (rc == 0 && mode == TV_YAML_LIST_ITEM) {
		rc = emit(r, &ev,
			  yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
							       YAML_BLOCK_SEQUENCE_STYLE));
	}
	if (rc == 0) {
		rc = slot_emit(r, root);
	} else if (root->has_val) {
		val_free(&root->v);
	}
	if (rc == 0 && mode == TV_YAML_LIST_ITEM) {
		rc = emit(r, &ev, yaml_sequence_end_event_initialize(&ev));
	}
	if (rc == 0) {
		rc = emit(r, &ev, yaml_document_end_event_initialize(&ev, 1));
	}
	if (rc == 0) {
		rc = emit(r, &ev, yaml_stream_end_event_initialize(&ev));
	}
	if (rc == 0 && !yaml_emitter_flush(&em)) {
		rc = tv_error_set(r->err, -ENOMEM, r->t->name, 0, "out of memory");
	}
	yaml_emitter_delete(&em);
	r->em = NULL;
	return rc;
}

int tv_yaml_render(const struct tv_yaml_tmpl *t, const struct tv_yaml_var *vars, size_t n_vars,
		   enum tv_yaml_mode mode, struct tv_strbuf *out, struct tv_error *err)
{
	struct rctx r = { .t = t, .vars = vars, .n_vars = n_vars, .err = err };
	size_t orig = out->len;
	struct slot root;
	struct tv_jw w;
	int rc;

	tv_strbuf_init(&r.scratch);
	rc = slot_prepare(&r, 1, &root);
	if (rc == 0 && mode == TV_YAML_JSON_LINE) {
		tv_jw_init(&w, out);
		r.jw = &w;
		rc = slot_emit(&r, &root);
		if (rc == 0) {
			rc = tv_jw_error(&w);
		}
		if (rc == 0) {
			rc = tv_strbuf_putc(out, '\n');
		}
	} else if (rc == 0) {
		rc = render_yaml(&r, &root, mode, out);
	}
	tv_strbuf_finish(&r.scratch);
	if (rc != 0) {
		out->len = orig;
		if (out->p) {
			out->p[orig] = '\0';
		}
	}
	if (rc == 1) {
		return TV_YAML_SKIPPED;
	}
	return rc;
}
