// SPDX-License-Identifier: MIT
/*
 * tv_tmpl_eval: a placeholder against the roots of the context: its path
 * looked up (strictly: an absent member is an error unless the placeholder
 * has default or omit; a path through null gives null), then its filters
 * applied in turn.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcommon/tmpl/tv_tmpl_int.h"

int tmpl_expr_error(struct tmpl_scope *sc, const struct tmpl_expr *e, int code, const char *fmt,
		    ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return tv_error_set(sc->err, code, sc->name, e->line, "{{%s}}: %s", e->text, msg);
}

/* the next element of an array (tv_jv_iter_next() wants the key pointers) */
static bool next_el(struct tv_jiter *it, struct tv_jv *el)
{
	const char *k;
	size_t kn;

	return tv_jv_iter_next(it, &k, &kn, el);
}

/* ---- paths ---- */

/* the root @name: the innermost _each's item, or one of the variables */
static bool find_root(const struct tmpl_scope *sc, const char *name, struct tv_jv *out)
{
	if (strcmp(name, "item") == 0 && sc->n_items > 0) {
		*out = sc->items[sc->n_items - 1];
		return true;
	}
	for (size_t i = 0; i < sc->n_vars; i++) {
		if (strcmp(sc->vars[i].name, name) == 0) {
			*out = sc->vars[i].value;
			return true;
		}
	}
	return false;
}

static bool array_at(const struct tv_jv *arr, size_t index, struct tv_jv *out)
{
	struct tv_jiter it;
	size_t k = 0;

	tv_jv_iter_init(arr, &it);
	while (next_el(&it, out)) {
		if (k++ == index) {
			return true;
		}
	}
	return false;
}

/* one step of a path from *@cur: 0 (moved), 1 (absent and @lenient) or an error */
static int path_step(struct tmpl_scope *sc, const struct tmpl_expr *e, const struct tmpl_step *s,
		     bool lenient, struct tv_jv *cur)
{
	enum tv_jtype ty = tv_jv_type(cur);
	struct tv_jv next;

	if (s->key && ty == TV_J_OBJECT) {
		if (tv_jv_get(cur, s->key, &next)) {
			*cur = next;
			return 0;
		}
		return lenient ? 1 : tmpl_expr_error(sc, e, -TV_ETYPE, "no member '%s'", s->key);
	}
	if (!s->key && ty == TV_J_ARRAY) {
		if (array_at(cur, s->index, &next)) {
			*cur = next;
			return 0;
		}
		return lenient ? 1 : tmpl_expr_error(sc, e, -TV_ETYPE, "index out of range");
	}
	if (s->key) {
		return tmpl_expr_error(sc, e, -TV_ETYPE,
				       ty == TV_J_ARRAY
					       ? "member '%s' of a list (use [N] or | first)"
					       : "member '%s' of a scalar",
				       s->key);
	}
	return tmpl_expr_error(sc, e, -TV_ETYPE, "index of a %s",
			       ty == TV_J_OBJECT ? "mapping" : "scalar");
}

static int eval_path(struct tmpl_scope *sc, const struct tmpl_expr *e, const struct tmpl_path *p,
		     bool lenient, struct tmpl_val *out)
{
	struct tv_jv cur;
	int r;

	if (!find_root(sc, p->root, &cur)) {
		return tmpl_expr_error(sc, e, -TV_ETYPE, "unknown name '%s'", p->root);
	}
	for (size_t i = 0; i < p->n; i++) {
		if (tv_jv_type(&cur) == TV_J_NULL) {
			break;
		}
		r = path_step(sc, e, &p->steps[i], lenient, &cur);
		if (r < 0) {
			return r;
		}
		if (r == 1) {
			out->k = TMPL_V_ABSENT;
			return 0;
		}
	}
	tmpl_val_from_jv(&cur, out);
	return 0;
}

/* ---- filters ---- */

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

/* replace @v by the string in @b (taken) */
static int val_set_owned(struct tmpl_val *v, struct tv_strbuf *b)
{
	size_t n = b->len;
	char *s = tv_strbuf_steal(b);

	if (s == NULL) {
		return -ENOMEM;
	}
	tmpl_val_free(v);
	memset(v, 0, sizeof(*v));
	v->k = TMPL_V_STR;
	v->s = v->owned = s;
	v->n = n;
	return 0;
}

/* first, last: an array's element (null for none); other values pass */
static int filter_pick(const struct tmpl_filter *f, struct tmpl_val *v)
{
	struct tv_jiter it;
	struct tv_jv el;
	size_t k = 0;

	if (v->k != TMPL_V_JV || tv_jv_type(&v->jv) != TV_J_ARRAY) {
		if (v->k == TMPL_V_LIST0) {
			v->k = TMPL_V_NULL;
		}
		return 0;
	}
	tv_jv_iter_init(&v->jv, &it);
	while (next_el(&it, &el)) {
		tmpl_val_from_jv(&el, v);
		k++;
		if (f->kind == TMPL_F_FIRST) {
			break;
		}
	}
	if (k == 0) {
		v->k = TMPL_V_NULL;
	}
	return 0;
}

static int filter_default(struct tmpl_scope *sc, const struct tmpl_expr *e,
			  const struct tmpl_filter *f, struct tmpl_val *v)
{
	if (v->k != TMPL_V_ABSENT && v->k != TMPL_V_NULL && !(v->k == TMPL_V_STR && v->n == 0)) {
		return 0;
	}
	tmpl_val_free(v);
	if (f->path) {
		return eval_path(sc, e, f->path, true, v);
	}
	tmpl_val_from_lit(&f->lit, v);
	return 0;
}

/* length: elements of a list or mapping, characters of a string or number */
static int filter_length(struct tmpl_val *v)
{
	struct tv_strbuf b;
	size_t k = 0;
	int rc = 0;

	if (v->k == TMPL_V_JV) {
		k = tv_jv_len(&v->jv);
	} else if (v->k == TMPL_V_STR) {
		k = utf8_count(v->s, v->n);
	} else if (v->k == TMPL_V_BOOL || v->k == TMPL_V_INT || v->k == TMPL_V_DOUBLE) {
		tv_strbuf_init(&b);
		rc = tmpl_val_text(v, &b, false);
		k = utf8_count(b.p ? b.p : "", b.len);
		tv_strbuf_finish(&b);
	}
	tmpl_val_free(v);
	memset(v, 0, sizeof(*v));
	v->k = TMPL_V_INT;
	v->i = (int64_t)k;
	return rc;
}

/* join: the elements of the array @v as text, with the separator between */
static int join_into(const struct tmpl_filter *f, const struct tmpl_val *v, struct tv_strbuf *b)
{
	struct tv_jiter it;
	struct tv_jv el;
	struct tmpl_val ev;
	size_t k = 0;
	int rc = 0;

	tv_jv_iter_init(&v->jv, &it);
	while (rc == 0 && next_el(&it, &el)) {
		if (k++ > 0 && f->lit.n) {
			rc = tv_strbuf_append(b, f->lit.s, f->lit.n);
		}
		tmpl_val_from_jv(&el, &ev);
		if (rc == 0) {
			rc = tmpl_val_text(&ev, b, false);
		}
	}
	return rc;
}

/* truncate: at most @n characters in all, the last one an ellipsis when cut */
static int truncate_text(struct tv_strbuf *b, size_t n)
{
	if (utf8_count(b->p ? b->p : "", b->len) <= n) {
		return 0;
	}
	b->len = n ? utf8_prefix(b->p, b->len, n - 1) : 0;
	return n ? tv_strbuf_puts(b, "\xe2\x80\xa6") : 0;
}

/* json, truncate, join: the value becomes a string */
static int filter_text(const struct tmpl_filter *f, struct tmpl_val *v)
{
	struct tv_strbuf b;
	int rc;

	if (v->k == TMPL_V_ABSENT || (v->k == TMPL_V_NULL && f->kind != TMPL_F_JSON)) {
		return 0;
	}
	tv_strbuf_init(&b);
	if (f->kind == TMPL_F_JOIN && v->k == TMPL_V_JV && tv_jv_type(&v->jv) == TV_J_ARRAY) {
		rc = join_into(f, v, &b);
	} else {
		rc = tmpl_val_text(v, &b, f->kind == TMPL_F_JSON);
	}
	if (rc == 0 && f->kind == TMPL_F_TRUNCATE) {
		rc = truncate_text(&b, f->n);
	}
	if (rc == 0) {
		rc = val_set_owned(v, &b);
	}
	tv_strbuf_finish(&b);
	return rc;
}

static int apply_filter(struct tmpl_scope *sc, const struct tmpl_expr *e,
			const struct tmpl_filter *f, struct tmpl_val *v)
{
	switch (f->kind) {
	case TMPL_F_FIRST:
	case TMPL_F_LAST:
		return filter_pick(f, v);
	case TMPL_F_DEFAULT:
		return filter_default(sc, e, f, v);
	case TMPL_F_OMIT:
		return 0;
	case TMPL_F_LENGTH:
		return filter_length(v);
	default:
		return filter_text(f, v);
	}
}

int tmpl_eval(struct tmpl_scope *sc, const struct tmpl_expr *e, struct tmpl_val *v)
{
	int rc;

	memset(v, 0, sizeof(*v));
	rc = eval_path(sc, e, &e->path, e->lenient, v);
	for (size_t i = 0; rc == 0 && i < e->nf; i++) {
		rc = apply_filter(sc, e, &e->f[i], v);
	}
	if (rc < 0) {
		tmpl_val_free(v);
		if (rc == -ENOMEM) {
			tv_error_set(sc->err, rc, sc->name, e->line, "out of memory");
		}
	}
	return rc;
}
