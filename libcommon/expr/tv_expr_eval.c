// SPDX-License-Identifier: MIT
// The --where evaluator: a compiled tree (tv_expr.c) against one session.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <pcre2.h>

#include "libcommon/core/tv_error.h"
#include "libcommon/core/tv_time.h"
#include "libcommon/expr/tv_expr.h"
#include "libcommon/expr/tv_expr_int.h"

/* ---- evaluation ---- */

static bool eval(struct node *n, const struct tv_jv *s);

static bool push(struct vals *v, struct atom a)
{
	if (v->n == v->cap) {
		size_t c = v->cap ? v->cap * 2 : 16;
		struct atom *x = realloc(v->v, c * sizeof(*x));

		if (x == NULL) {
			return false;
		}
		v->v = x;
		v->cap = c;
	}
	v->v[v->n++] = a;
	return true;
}

static struct atom to_atom(const struct tv_jv *jv)
{
	struct atom a = { .k = A_NULL };

	switch (tv_jv_type(jv)) {
	case TV_J_BOOL:
		a.k = A_BOOL;
		tv_jv_bool(jv, &a.b);
		break;
	case TV_J_INT:
	case TV_J_UINT:
	case TV_J_DOUBLE:
		a.k = A_NUM;
		tv_jv_num(jv, &a.num);
		break;
	case TV_J_STRING:
		a.k = A_STR;
		tv_jv_str(jv, &a.s, &a.n);
		break;
	case TV_J_ARRAY:
	case TV_J_OBJECT:
		a.k = A_OBJ;
		break;
	default:
		break;
	}
	return a;
}

static void add_value(struct vals *v, const struct tv_jv *jv)
{
	struct tv_jiter it;
	struct tv_jv el;
	const char *k;
	size_t kn;

	if (tv_jv_type(jv) != TV_J_ARRAY) {
		push(v, to_atom(jv));
		return;
	}
	v->counted = true;
	tv_jv_iter_init(jv, &it);
	while (tv_jv_iter_next(&it, &k, &kn, &el)) {
		v->count++;
		push(v, to_atom(&el));
	}
}

static void resolve(const struct node *n, const struct tv_jv *jv, size_t i, struct vals *v)
{
	struct tv_jiter it;
	struct tv_jv el;
	const char *k;
	size_t kn;

	if (i == n->nseg) {
		add_value(v, jv);
		return;
	}
	switch (tv_jv_type(jv)) {
	case TV_J_ARRAY:
		tv_jv_iter_init(jv, &it);
		while (tv_jv_iter_next(&it, &k, &kn, &el)) {
			resolve(n, &el, i, v);
		}
		break;
	case TV_J_OBJECT:
		if (tv_jv_get(jv, n->seg[i], &el)) {
			resolve(n, &el, i + 1, v);
		} else if (i + 1 == n->nseg) {
			push(v, (struct atom){ .k = A_NULL });
		}
		break;
	default:
		break;
	}
}

/* prompt of the first turn, output of the last, errors over all llm calls */
static void computed(const struct node *n, const struct tv_jv *s, struct vals *v)
{
	struct tv_jv turns, t, x, calls, c, st;
	struct tv_jiter it, ic;
	const char *k, *str;
	size_t kn, len, count = 0;
	bool have = false;

	if (!tv_jv_get(s, "turns", &turns)) {
		return;
	}
	tv_jv_iter_init(&turns, &it);
	while (tv_jv_iter_next(&it, &k, &kn, &x)) {
		if (n->comp == C_PROMPT && !have) {
			t = x;
			have = true;
		} else if (n->comp == C_OUTPUT) {
			t = x;
			have = true;
		} else if (n->comp == C_ERRORS && tv_jv_get(&x, "llm_calls", &calls)) {
			tv_jv_iter_init(&calls, &ic);
			while (tv_jv_iter_next(&ic, &k, &kn, &c)) {
				if (tv_jv_get(&c, "status", &st) && tv_jv_str(&st, &str, &len) &&
				    (len == 5 || len == 7) && strncmp(str, "ok", 2) != 0) {
					count++;
				}
			}
		}
	}
	if (n->comp == C_ERRORS) {
		push(v, (struct atom){ .k = A_NUM, .num = (double)count });
		return;
	}
	if (!have) { /* no turns: no prompt, no output */
		push(v, (struct atom){ .k = A_NULL });
		return;
	}
	if (tv_jv_get(&t, n->comp == C_PROMPT ? "prompt" : "output", &x)) {
		push(v, to_atom(&x));
	}
}

static struct vals *values(struct node *n, const struct tv_jv *s);

static void aggregate(struct node *n, const struct tv_jv *s, struct vals *v)
{
	struct vals *in = values(n->a, s); /* computed fields too */
	double acc = 0;
	size_t cnt = 0;

	for (size_t i = 0; i < in->n; i++) {
		double x = in->v[i].num;

		if (in->v[i].k != A_NUM) {
			if (n->fn == F_COUNT && in->v[i].k != A_NULL) {
				cnt++;
			}
			continue;
		}
		if (cnt == 0 || (n->fn == F_MAX && x > acc) || (n->fn == F_MIN && x < acc)) {
			acc = (n->fn == F_SUM || n->fn == F_AVG) ? acc + x : x;
		} else if (n->fn == F_SUM || n->fn == F_AVG) {
			acc += x;
		}
		cnt++;
	}
	if (n->fn == F_COUNT) {
		push(v, (struct atom){ .k = A_NUM, .num = (double)cnt });
		return;
	}
	if (cnt == 0) {
		push(v, (struct atom){ .k = A_NULL });
		return;
	}
	push(v, (struct atom){ .k = A_NUM, .num = n->fn == F_AVG ? acc / (double)cnt : acc });
}

/* the values of an operand node, in its own scratch buffer */
static struct vals *values(struct node *n, const struct tv_jv *s)
{
	struct vals *v = &n->buf;

	v->n = 0;
	v->counted = false;
	v->count = 0;
	v->time = false;
	switch (n->type) {
	case N_LIT:
		if (n->lit == L_NUM) {
			push(v, (struct atom){ .k = A_NUM, .num = n->num });
		} else if (n->lit == L_STR) {
			push(v, (struct atom){ .k = A_STR, .s = n->s, .n = n->slen });
		} else if (n->lit == L_BOOL) {
			push(v, (struct atom){ .k = A_BOOL, .b = n->bval });
		} else {
			push(v, (struct atom){ .k = A_NULL });
		}
		break;
	case N_PATH:
		if (n->comp != C_NONE) {
			computed(n, s, v);
		} else {
			resolve(n, s, 0, v);
		}
		if (n->array_field && v->n == 0) {
			v->counted = true; /* no turns: zero calls, not "unknown" */
		}
		v->time = n->time_field;
		break;
	case N_AGG:
		aggregate(n, s, v);
		break;
	default:
		push(v, (struct atom){ .k = A_BOOL, .b = eval(n, s) });
		break;
	}
	return v;
}

static int ord(double d)
{
	return d < 0 ? -1 : d > 0;
}

static bool apply(enum tok op, int c)
{
	switch (op) {
	case T_EQ:
		return c == 0;
	case T_NE:
		return c != 0;
	case T_LT:
		return c < 0;
	case T_LE:
		return c <= 0;
	case T_GT:
		return c > 0;
	case T_GE:
		return c >= 0;
	default:
		return false;
	}
}

/* compare two atoms; @time_lit: the right side's literal time when set */
static bool cmp_atom(enum tok op, const struct atom *l, const struct atom *r, bool time,
		     const struct node *rlit)
{
	int64_t t;
	int c;

	if (l->k == A_NULL || r->k == A_NULL) {
		if (op == T_EQ) {
			return l->k == r->k;
		}
		if (op == T_NE) {
			return l->k != r->k;
		}
		return false;
	}
	if (time && l->k == A_STR && rlit && rlit->has_time) {
		if (tv_time_parse(l->s, l->n, &t, NULL) < 0) {
			return op == T_NE;
		}
		return apply(op, t < rlit->time_ns ? -1 : t > rlit->time_ns);
	}
	if (l->k != r->k) {
		return op == T_NE;
	}
	switch (l->k) {
	case A_NUM:
		return apply(op, ord(l->num - r->num));
	case A_STR:
		c = memcmp(l->s, r->s, l->n < r->n ? l->n : r->n);
		if (c == 0) {
			c = l->n < r->n ? -1 : l->n > r->n;
		}
		return apply(op, c);
	case A_BOOL:
		if (op != T_EQ && op != T_NE) {
			return false;
		}
		return apply(op, l->b != r->b);
	default:
		return op == T_NE;
	}
}

static enum tok mirror(enum tok op)
{
	switch (op) {
	case T_LT:
		return T_GT;
	case T_LE:
		return T_GE;
	case T_GT:
		return T_LT;
	case T_GE:
		return T_LE;
	default:
		return op;
	}
}

static bool single_num(const struct vals *v)
{
	return v->n == 1 && v->v[0].k == A_NUM && !v->counted;
}

static bool eval_cmp(struct node *n, const struct tv_jv *s)
{
	struct vals *l = values(n->a, s), *r = values(n->b, s);
	const struct node *rl = n->b->type == N_LIT ? n->b : NULL;
	const struct node *ll = n->a->type == N_LIT ? n->a : NULL;

	/* an array compared with a number compares its length */
	if (l->counted && single_num(r)) {
		struct atom a = { .k = A_NUM, .num = (double)l->count };

		return cmp_atom(n->op, &a, &r->v[0], false, NULL);
	}
	if (r->counted && single_num(l)) {
		struct atom a = { .k = A_NUM, .num = (double)r->count };

		return cmp_atom(mirror(n->op), &a, &l->v[0], false, NULL);
	}
	for (size_t i = 0; i < l->n; i++) {
		for (size_t j = 0; j < r->n; j++) {
			if (rl && cmp_atom(n->op, &l->v[i], &r->v[j], l->time, rl)) {
				return true;
			}
			if (!rl && ll && cmp_atom(mirror(n->op), &r->v[j], &l->v[i], r->time, ll)) {
				return true;
			}
			if (!rl && !ll && cmp_atom(n->op, &l->v[i], &r->v[j], false, NULL)) {
				return true;
			}
		}
	}
	return false;
}

static bool eval_in(struct node *n, const struct tv_jv *s)
{
	struct vals *l = values(n->a, s);

	for (size_t i = 0; i < l->n; i++) {
		for (size_t j = 0; j < n->b->nitems; j++) {
			struct vals *r = values(n->b->items[j], s);

			if (cmp_atom(T_EQ, &l->v[i], &r->v[0], false, NULL)) {
				return true;
			}
		}
	}
	return false;
}

static bool eval_match(struct node *n, const struct tv_jv *s)
{
	struct vals *l = values(n->a, s);
	bool hit = false;

	for (size_t i = 0; i < l->n && !hit; i++) {
		if (l->v[i].k != A_STR) {
			continue;
		}
		/* canonical strings are valid UTF-8: the JSON parser checked them */
		hit = pcre2_match(n->re, (PCRE2_SPTR)l->v[i].s, l->v[i].n, 0, PCRE2_NO_UTF_CHECK,
				  n->md, NULL) >= 0;
	}
	return n->op == T_MATCH ? hit : !hit;
}

static bool truthy(struct node *n, const struct tv_jv *s)
{
	struct vals *v = values(n, s);

	if (v->counted) {
		return v->count > 0;
	}
	for (size_t i = 0; i < v->n; i++) {
		const struct atom *a = &v->v[i];

		if ((a->k == A_BOOL && a->b) || (a->k == A_NUM && a->num != 0) ||
		    (a->k == A_STR && a->n > 0) || a->k == A_OBJ) {
			return true;
		}
	}
	return false;
}

static bool eval(struct node *n, const struct tv_jv *s)
{
	switch (n->type) {
	case N_OR:
		for (size_t i = 0; i < n->nitems; i++) {
			if (eval(n->items[i], s)) {
				return true;
			}
		}
		return false;
	case N_AND:
		for (size_t i = 0; i < n->nitems; i++) {
			if (!eval(n->items[i], s)) {
				return false;
			}
		}
		return true;
	case N_NOT:
		return !eval(n->a, s);
	case N_CMP:
		return eval_cmp(n, s);
	case N_IN:
		return eval_in(n, s);
	case N_MATCH:
		return eval_match(n, s);
	default:
		return truthy(n, s);
	}
}

bool tv_expr_eval(struct tv_expr *e, const struct tv_jv *session)
{
	return eval(e->root, session);
}

int tv_expr_path_values(struct tv_expr *e, const struct tv_jv *session,
			int (*fn)(void *udata, const char *json, size_t n), void *udata)
{
	struct node *n = e->root;
	struct vals *v = values(n, session);
	int r;

	for (size_t i = 0; i < v->n; i++) {
		const struct atom *a = &v->v[i];

		tv_strbuf_reset(&e->tmp);
		switch (a->k) {
		case A_STR:
			r = tv_strbuf_append(&e->tmp, a->s, a->n);
			break;
		case A_NUM:
			r = tv_strbuf_printf(&e->tmp, "%.17g", a->num);
			break;
		case A_BOOL:
			r = tv_strbuf_puts(&e->tmp, a->b ? "true" : "false");
			break;
		case A_OBJ:
			r = tv_strbuf_puts(&e->tmp, "{...}");
			break;
		default:
			r = tv_strbuf_puts(&e->tmp, "null");
			break;
		}
		if (r < 0) {
			return r;
		}
		r = fn(udata, e->tmp.p, e->tmp.len);
		if (r) {
			return r;
		}
	}
	if (v->n == 0) {
		return fn(udata, "null", 4);
	}
	return 0;
}
