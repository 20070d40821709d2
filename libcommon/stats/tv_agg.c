// SPDX-License-Identifier: MIT
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcommon/core/tv_hash.h"
#include "libcommon/core/tv_time.h"
#include "libcommon/model/tv_session.h"
#include "libcommon/stats/tv_agg_int.h"

enum unit_kind {
	UNIT_SESSION,
	UNIT_TURN,
	UNIT_LLM,
	UNIT_TOOL,
};

static const struct {
	const char *name;
	enum agg_key_kind kind;
} builtin_keys[] = {
	{ "model", KEY_MODEL }, { "status", KEY_STATUS }, { "tool", KEY_TOOL },
	{ "skill", KEY_SKILL }, { "source", KEY_SOURCE }, { "day", KEY_DAY },
	{ "hour", KEY_HOUR },
};

static const char *const status_names[] = { NULL, "ok", "error", "timeout" };

/* ---- groups ---- */

static void group_init(const struct tv_agg *a, struct tv_agg_group *g)
{
	memset(g, 0, sizeof(*g));
	g->first_start = g->last_start = TV_NONE;
	for (int d = 0; d < TV_AGG_NDIST; d++) {
		tv_dist_init(&g->dist[d], a->o.exact_max, a->o.alpha);
	}
}

static void group_finish(const struct tv_agg *a, struct tv_agg_group *g)
{
	for (size_t k = 0; g->key && k < a->o.n_by; k++) {
		free(g->key[k].s);
	}
	free(g->key);
	free(g->enc);
	for (int d = 0; d < TV_AGG_NDIST; d++) {
		tv_dist_finish(&g->dist[d]);
	}
}

static void group_destroy(const struct tv_agg *a, struct tv_agg_group *g)
{
	if (g) {
		group_finish(a, g);
		free(g);
	}
}

/* a new group for the tuple @vals, encoded as @enc */
static struct tv_agg_group *group_new(struct tv_agg *a, uint64_t h, const char *enc, size_t enc_n,
				      const struct vstr *vals)
{
	struct tv_agg_group *g = malloc(sizeof(*g));
	int r = 0;

	if (g == NULL) {
		return NULL;
	}
	group_init(a, g);
	g->hash = h;
	g->key = calloc(a->o.n_by ? a->o.n_by : 1, sizeof(*g->key));
	g->enc = tv_strndup(enc, enc_n);
	g->enc_n = enc_n;
	r = g->key && g->enc ? 0 : -ENOMEM;
	for (size_t k = 0; r == 0 && k < a->o.n_by; k++) {
		r = agg_str_set(&g->key[k], vals[k].s, vals[k].n);
	}
	if (r < 0) {
		group_destroy(a, g);
		return NULL;
	}
	return g;
}

static uint64_t group_hash(const void *ctx, size_t item)
{
	return ((const struct tv_agg *)ctx)->groups[item]->hash;
}

static bool group_eq(const void *ctx, size_t item, const void *key, size_t n)
{
	const struct tv_agg_group *g = ((const struct tv_agg *)ctx)->groups[item];

	return g->enc_n == n && memcmp(g->enc, key, n) == 0;
}

/* @v with each 0x00 written as 0x00 0xff */
static int escaped(struct tv_strbuf *out, struct vstr v)
{
	int r = 0;

	for (size_t i = 0; r == 0 && i < v.n; i++) {
		r = tv_strbuf_putc(out, v.s[i]);
		if (r == 0 && v.s[i] == 0) {
			r = tv_strbuf_putc(out, (char)0xff);
		}
	}
	return r;
}

/*
 * The tuple as bytes that sort like the values: none is 0x00; a value is
 * 0x01, its bytes (0x00 written as 0x00 0xff) and 0x00 0x00.
 */
int agg_key_encode(struct tv_strbuf *out, const struct vstr *vals, size_t n)
{
	int r = 0;

	tv_strbuf_reset(out);
	for (size_t k = 0; r == 0 && k < n; k++) {
		if (vals[k].s == NULL) {
			r = tv_strbuf_putc(out, 0);
			continue;
		}
		r = tv_strbuf_putc(out, 1);
		if (r == 0 && memchr(vals[k].s, 0, vals[k].n) == NULL) {
			r = tv_strbuf_append(out, vals[k].s, vals[k].n);
		} else {
			r = r ? r : escaped(out, vals[k]);
		}
		if (r == 0) {
			r = tv_strbuf_append(out, "\0\0", 2);
		}
	}
	return r;
}

struct tv_agg_group *agg_other(struct tv_agg *a)
{
	struct vstr *none;

	if (a->other) {
		return a->other;
	}
	none = calloc(a->o.n_by ? a->o.n_by : 1, sizeof(*none));
	if (none == NULL) {
		return NULL;
	}
	a->other = group_new(a, 0, "", 0, none);
	free(none);
	if (a->other) {
		a->other->other = true;
	}
	return a->other;
}

static void num_merge(struct tv_agg_num *dst, const struct tv_agg_num *src)
{
	dst->n = tv_addu_sat(dst->n, src->n);
	dst->w += src->w;
}

int agg_group_merge(struct tv_agg *a, struct tv_agg_group *dst, const struct tv_agg_group *src)
{
	int r = 0;

	(void)a;
	for (int c = 0; c < TV_AGG_NCOUNT; c++) {
		num_merge(&dst->count[c], &src->count[c]);
	}
	for (int s = 0; s < TV_AGG_NSUM; s++) {
		dst->sum[s].v = tv_add_sat(dst->sum[s].v, src->sum[s].v);
		dst->sum[s].w += src->sum[s].w;
	}
	if (src->first_start != TV_NONE &&
	    (dst->first_start == TV_NONE || src->first_start < dst->first_start)) {
		dst->first_start = src->first_start;
	}
	if (src->last_start != TV_NONE && src->last_start > dst->last_start) {
		dst->last_start = src->last_start;
	}
	for (int d = 0; r == 0 && d < TV_AGG_NDIST; d++) {
		r = tv_dist_merge(&dst->dist[d], &src->dist[d]);
	}
	return r;
}

static struct tv_agg_group *largest_group(struct tv_agg *a)
{
	struct tv_agg_group *m = a->groups[0];

	if (a->largest) {
		return a->largest;
	}
	for (size_t i = 1; i < a->n_groups; i++) {
		struct tv_agg_group *g = a->groups[i];

		if (agg_key_less(m->hash, m->enc, m->enc_n, g->hash, g->enc, g->enc_n)) {
			m = g;
		}
	}
	a->largest = m;
	return m;
}

/* the kept group @old makes room for @g: its counts go to the other group */
static int evict(struct tv_agg *a, struct tv_agg_group *old, struct tv_agg_group *g)
{
	struct hindex_ops ops = { group_hash, group_eq, a };
	struct tv_agg_group *other = agg_other(a);
	size_t i = 0;
	int r;

	if (other == NULL) {
		return -ENOMEM;
	}
	r = agg_group_merge(a, other, old);
	if (r < 0) {
		return r;
	}
	while (a->groups[i] != old) {
		i++;
	}
	a->groups[i] = g;
	group_destroy(a, old);
	a->largest = NULL;
	return hindex_build(&a->index, &ops, a->n_groups, a->o.max_groups);
}

struct tv_agg_group *agg_group_get(struct tv_agg *a, const char *enc, size_t enc_n,
				   const struct vstr *vals)
{
	struct hindex_ops ops = { group_hash, group_eq, a };
	uint64_t h = tv_hash64(enc, enc_n);
	size_t i = hindex_find(&a->index, &ops, h, enc, enc_n);
	struct tv_agg_group *g, *m = NULL;

	if (i != SIZE_MAX) {
		return a->groups[i];
	}
	if (a->n_groups == a->o.max_groups) {
		m = largest_group(a);
		if (!agg_key_less(h, enc, enc_n, m->hash, m->enc, m->enc_n)) {
			return agg_other(a);
		}
	}
	g = group_new(a, h, enc, enc_n, vals);
	if (g == NULL) {
		return NULL;
	}
	if (m) {
		return evict(a, m, g) < 0 ? NULL : g;
	}
	a->groups[a->n_groups] = g;
	hindex_put(&a->index, h, a->n_groups++);
	if (a->largest &&
	    agg_key_less(a->largest->hash, a->largest->enc, a->largest->enc_n, h, enc, enc_n)) {
		a->largest = g;
	}
	return g;
}

/* ---- create, destroy ---- */

static int parse_key(struct agg_key *k, const char *name, struct tv_error *err)
{
	char why[200];
	size_t col = 0;

	k->name = strdup(name);
	if (k->name == NULL) {
		return -ENOMEM;
	}
	for (size_t i = 0; i < sizeof(builtin_keys) / sizeof(builtin_keys[0]); i++) {
		if (strcmp(name, builtin_keys[i].name) == 0) {
			k->kind = builtin_keys[i].kind;
			return 0;
		}
	}
	k->kind = KEY_PATH;
	if (tv_expr_path_compile(name, &k->path, &col, why, sizeof(why)) < 0) {
		tv_error_set(err, -TV_EUSAGE, name, col + 1, "%s", why);
		return -TV_EUSAGE;
	}
	return 0;
}

static int check_opts(struct tv_agg_opts *o, struct tv_error *err)
{
	if (o->max_groups == 0) {
		o->max_groups = TV_AGG_MAX_GROUPS;
	}
	if (o->top == 0) {
		o->top = TV_AGG_TOP;
	}
	if (!(o->alpha >= 0.001 && o->alpha < 0.5)) {
		return tv_error_set(err, -TV_EUSAGE, NULL, 0,
				    "relative error %g: not in [0.001, 0.5)", o->alpha);
	}
	if (o->max_groups > TV_AGG_GROUPS_LIMIT || o->top > TV_AGG_TOP_LIMIT ||
	    o->exact_max > TV_AGG_EXACT_LIMIT) {
		return tv_error_set(err, -TV_EUSAGE, NULL, 0,
				    "more than %d groups, %d top entries or %d exact values",
				    TV_AGG_GROUPS_LIMIT, TV_AGG_TOP_LIMIT, TV_AGG_EXACT_LIMIT);
	}
	return 0;
}

static int alloc_scratch(struct tv_agg *a)
{
	size_t n = a->o.n_by ? a->o.n_by : 1;

	a->by = calloc(n, sizeof(*a->by));
	a->keys = calloc(n, sizeof(*a->keys));
	a->kl = calloc(n, sizeof(*a->kl));
	a->sval = calloc(n, sizeof(*a->sval));
	a->vals = calloc(n, sizeof(*a->vals));
	a->sbuf = calloc(n, sizeof(*a->sbuf));
	a->idx = calloc(n, sizeof(*a->idx));
	a->groups = calloc(a->o.max_groups, sizeof(*a->groups));
	if (!a->by || !a->keys || !a->kl || !a->sval || !a->vals || !a->sbuf || !a->idx ||
	    !a->groups) {
		return -ENOMEM;
	}
	for (size_t k = 0; k < a->o.n_by; k++) {
		tv_strbuf_init(&a->sbuf[k]);
	}
	return 0;
}

static int copy_prices(struct tv_agg *a)
{
	if (a->o.prices == NULL) {
		return 0;
	}
	a->price_date = strdup(a->o.prices->date);
	a->price_source = strdup(a->o.prices->source);
	return a->price_date && a->price_source ? 0 : -ENOMEM;
}

int tv_agg_create(const struct tv_agg_opts *o, struct tv_agg **out, struct tv_error *err)
{
	struct hindex_ops ops = { group_hash, group_eq, NULL };
	struct tv_agg *a = calloc(1, sizeof(*a));
	int r;

	if (a == NULL) {
		return -ENOMEM;
	}
	a->o = *o;
	ops.ctx = a;
	tv_strbuf_init(&a->enc);
	tv_strbuf_init(&a->tmp);
	group_init(a, &a->total);
	r = check_opts(&a->o, err);
	if (r == 0) {
		r = alloc_scratch(a);
	}
	for (size_t k = 0; r == 0 && k < o->n_by; k++) {
		a->by[k] = strdup(o->by[k]);
		r = a->by[k] ? parse_key(&a->keys[k], o->by[k], err) : -ENOMEM;
	}
	a->o.by = (const char *const *)a->by;
	if (r == 0) {
		r = copy_prices(a);
	}
	if (r == 0) {
		r = hindex_build(&a->index, &ops, 0, a->o.max_groups);
	}
	if (r < 0) {
		tv_agg_destroy(a);
		return r;
	}
	group_init(a, &a->total); /* with the checked options */
	*out = a;
	return 0;
}

static void free_keys(struct tv_agg *a)
{
	for (size_t k = 0; k < a->o.n_by; k++) {
		if (a->keys) {
			free(a->keys[k].name);
			tv_expr_destroy(a->keys[k].path);
		}
		if (a->by) {
			free(a->by[k]);
		}
		if (a->kl) {
			free(a->kl[k].v);
		}
		if (a->sbuf) {
			tv_strbuf_finish(&a->sbuf[k]);
		}
	}
	free(a->keys);
	free(a->by);
	free(a->kl);
	free(a->sbuf);
	free(a->sval);
	free(a->vals);
	free(a->idx);
}

void tv_agg_destroy(struct tv_agg *a)
{
	if (a == NULL) {
		return;
	}
	for (size_t i = 0; i < a->n_groups; i++) {
		group_destroy(a, a->groups[i]);
	}
	free(a->groups);
	free(a->sorted);
	group_destroy(a, a->other);
	group_finish(a, &a->total);
	hindex_free(&a->index);
	agg_extra_free(a);
	free_keys(a);
	free(a->price_date);
	free(a->price_source);
	free(a->cost);
	agg_view_finish(&a->view);
	tv_strbuf_finish(&a->enc);
	tv_strbuf_finish(&a->tmp);
	free(a);
}

/* ---- the values of each key for a unit ---- */

static int klist_add(struct klist *l, struct vstr v, bool distinct)
{
	for (size_t i = 0; distinct && i < l->n; i++) {
		if ((l->v[i].s == NULL) == (v.s == NULL) && l->v[i].n == v.n &&
		    (v.s == NULL || memcmp(l->v[i].s, v.s, v.n) == 0)) {
			return 0;
		}
	}
	if (l->n == l->cap) {
		size_t c = l->cap ? l->cap * 2 : 8;
		struct vstr *p = realloc(l->v, c * sizeof(*p));

		if (p == NULL) {
			return -ENOMEM;
		}
		l->v = p;
		l->cap = c;
	}
	l->v[l->n++] = v;
	return 0;
}

/* the model or status of LLM call @i */
static struct vstr llm_value(const struct tv_agg *a, enum agg_key_kind kind, size_t i)
{
	const struct v_llm *c = &a->view.llm[i];
	const char *s;

	if (kind == KEY_MODEL) {
		return c->model;
	}
	s = status_names[c->status];
	return (struct vstr){ s, s ? strlen(s) : 0 };
}

/* the distinct values over LLM calls [from, to) */
static int llm_values(struct tv_agg *a, struct klist *l, enum agg_key_kind kind, size_t from,
		      size_t to)
{
	int r = 0;

	for (size_t i = from; r == 0 && i < to; i++) {
		r = klist_add(l, llm_value(a, kind, i), true);
	}
	return r;
}

/* the distinct names of tool calls [from, to) asked for by call @req (SIZE_MAX: any) */
static int tool_values(struct tv_agg *a, struct klist *l, size_t from, size_t to, size_t req)
{
	int r = 0;

	for (size_t i = from; r == 0 && i < to; i++) {
		if (req == SIZE_MAX || a->view.tools[i].req == req) {
			r = klist_add(l, a->view.tools[i].name, true);
		}
	}
	return r;
}

static int call_key_values(struct tv_agg *a, struct klist *l, enum agg_key_kind kind,
			   enum unit_kind u, size_t i)
{
	const struct agg_view *v = &a->view;

	if (u == UNIT_LLM) {
		return klist_add(l, llm_value(a, kind, i), false);
	}
	if (u == UNIT_TOOL) {
		size_t req = v->tools[i].req;

		return klist_add(
			l, req == SIZE_MAX ? (struct vstr){ NULL, 0 } : llm_value(a, kind, req),
			false);
	}
	if (u == UNIT_TURN) {
		return llm_values(a, l, kind, v->turns[i].llm0,
				  v->turns[i].llm0 + v->turns[i].n_llm);
	}
	return llm_values(a, l, kind, 0, v->n_llm);
}

static int tool_key_values(struct tv_agg *a, struct klist *l, enum unit_kind u, size_t i)
{
	const struct agg_view *v = &a->view;
	const struct v_turn *t;

	switch (u) {
	case UNIT_TOOL:
		return klist_add(l, v->tools[i].name, false);
	case UNIT_LLM:
		t = &v->turns[v->llm[i].turn];
		return tool_values(a, l, t->tool0, t->tool0 + t->n_tool, i);
	case UNIT_TURN:
		t = &v->turns[i];
		return tool_values(a, l, t->tool0, t->tool0 + t->n_tool, SIZE_MAX);
	default:
		return tool_values(a, l, 0, v->n_tools, SIZE_MAX);
	}
}

static int key_values(struct tv_agg *a, size_t k, enum unit_kind u, size_t i)
{
	struct klist *l = &a->kl[k];
	enum agg_key_kind kind = a->keys[k].kind;
	int r;

	l->n = 0;
	if (kind == KEY_MODEL || kind == KEY_STATUS) {
		r = call_key_values(a, l, kind, u, i);
	} else if (kind == KEY_TOOL) {
		r = tool_key_values(a, l, u, i);
	} else {
		r = klist_add(l, a->sval[k], false);
	}
	if (r == 0 && l->n == 0) {
		r = klist_add(l, (struct vstr){ NULL, 0 }, false); /* no value: the none group */
	}
	return r;
}

/* ---- the session-level key values ---- */

static int join_value(void *udata, const char *text, size_t n)
{
	struct tv_strbuf *b = udata;

	if (b->len > 0 && tv_strbuf_putc(b, ',') < 0) {
		return -ENOMEM;
	}
	return tv_strbuf_append(b, text, n);
}

static struct vstr time_key(struct tv_strbuf *b, int64_t start, bool hour)
{
	char buf[TV_TIME_BUFSZ];

	if (start == TV_NONE) {
		return (struct vstr){ NULL, 0 };
	}
	tv_time_format(start, buf);
	tv_strbuf_reset(b);
	if (tv_strbuf_append(b, buf, hour ? 13 : 10) < 0 ||
	    (hour && tv_strbuf_puts(b, ":00Z") < 0)) {
		return (struct vstr){ NULL, 0 };
	}
	return (struct vstr){ b->p, b->len };
}

static int path_key(struct tv_agg *a, size_t k, const struct tv_jv *root)
{
	struct tv_strbuf *b = &a->sbuf[k];
	int r;

	tv_strbuf_reset(b);
	r = tv_expr_path_values(a->keys[k].path, root, join_value, b);
	if (r < 0) {
		return r;
	}
	if (b->len == 4 && memcmp(b->p, "null", 4) == 0) {
		a->sval[k] = (struct vstr){ NULL, 0 };
	} else {
		a->sval[k] = (struct vstr){ b->p ? b->p : "", b->len };
	}
	return 0;
}

static int session_keys(struct tv_agg *a, const struct tv_jv *root)
{
	const struct agg_view *v = &a->view;

	for (size_t k = 0; k < a->o.n_by; k++) {
		switch (a->keys[k].kind) {
		case KEY_SKILL:
			a->sval[k] = v->skill;
			break;
		case KEY_SOURCE:
			a->sval[k] = v->service.s ? v->service : v->format;
			break;
		case KEY_DAY:
		case KEY_HOUR:
			a->sval[k] = time_key(&a->sbuf[k], v->start, a->keys[k].kind == KEY_HOUR);
			break;
		case KEY_PATH:
			if (path_key(a, k, root) < 0) {
				return -ENOMEM;
			}
			break;
		default:
			break;
		}
	}
	return 0;
}

/* ---- what each unit adds to a group ---- */

static void count(struct tv_agg_group *g, enum tv_agg_count c, double w)
{
	g->count[c].n = tv_addu_sat(g->count[c].n, 1);
	g->count[c].w += w;
}

static void add_sum(struct tv_agg_group *g, enum tv_agg_sum s, int64_t v, double w)
{
	g->sum[s].v = tv_add_sat(g->sum[s].v, v);
	g->sum[s].w += w * (double)v;
}

static int add_dist(struct tv_agg_group *g, enum tv_agg_dist d, int64_t v, double w)
{
	return v == TV_NONE ? 0 : tv_dist_add(&g->dist[d], v, w);
}

static void add_tokens(struct tv_agg_group *g, const int64_t *tok, double w)
{
	for (int i = 0; i < 5; i++) {
		if (tok[i] != TV_NONE) {
			add_sum(g, (enum tv_agg_sum)(TV_AGG_INPUT_TOKENS + i), tok[i], w);
		}
	}
}

static int apply_session(struct tv_agg *a, struct tv_agg_group *g)
{
	const struct agg_view *v = &a->view;
	double w = v->weight;

	count(g, TV_AGG_SESSIONS, w);
	if (v->success >= 0) {
		count(g, v->success ? TV_AGG_SESSIONS_OK : TV_AGG_SESSIONS_FAILED, w);
	}
	if (v->start != TV_NONE) {
		if (g->first_start == TV_NONE || v->start < g->first_start) {
			g->first_start = v->start;
		}
		if (v->start > g->last_start) {
			g->last_start = v->start;
		}
	}
	if (a->o.prices == NULL && a->price_date == NULL && !isnan(v->cost)) {
		count(g, TV_AGG_COSTED, w);
		add_sum(g, TV_AGG_COST_NANO, (int64_t)llround(v->cost * 1e9), w);
	}
	if (!a->call_tokens) { /* the calls have no token counts: the session's usage */
		add_tokens(g, v->usage, w);
	}
	return add_dist(g, TV_AGG_SESSION_DURATION, v->dur, w);
}

static int apply_turn(struct tv_agg *a, struct tv_agg_group *g, size_t i)
{
	const struct v_turn *t = &a->view.turns[i];
	double w = a->view.weight;
	int r;

	count(g, TV_AGG_TURNS, w);
	if (t->prompt.s) {
		count(g, TV_AGG_PROMPTS, w);
	}
	r = add_dist(g, TV_AGG_TURN_DURATION, t->dur, w);
	return r ? r : add_dist(g, TV_AGG_PROMPT_LENGTH, t->prompt_len, w);
}

/* tokens of one call: total, else input + output + thinking; TV_NONE without any */
static int64_t call_tokens(const struct v_llm *c)
{
	int64_t n = 0;
	bool any = false;

	if (c->tok[4] != TV_NONE) {
		return c->tok[4];
	}
	for (int i = 0; i < 4; i++) {
		if (i != 2 && c->tok[i] != TV_NONE) {
			n = tv_add_sat(n, c->tok[i]);
			any = true;
		}
	}
	return any ? n : TV_NONE;
}

static int apply_llm(struct tv_agg *a, struct tv_agg_group *g, size_t i)
{
	const struct v_llm *c = &a->view.llm[i];
	double w = a->view.weight;
	int r;

	count(g, TV_AGG_LLM_CALLS, w);
	if (c->status == TV_STATUS_ERROR) {
		count(g, TV_AGG_LLM_ERRORS, w);
	} else if (c->status == TV_STATUS_TIMEOUT) {
		count(g, TV_AGG_LLM_TIMEOUTS, w);
	}
	if (c->cache_hit >= 0) {
		count(g, TV_AGG_CACHE_KNOWN, w);
		if (c->cache_hit) {
			count(g, TV_AGG_CACHE_HITS, w);
		}
	}
	add_tokens(g, c->tok, w);
	if (a->o.prices && a->cost[i] == TV_NONE) {
		count(g, TV_AGG_UNPRICED, w);
	} else if (a->o.prices) {
		count(g, TV_AGG_COSTED, w);
		add_sum(g, TV_AGG_COST_NANO, a->cost[i], w);
	}
	r = add_dist(g, TV_AGG_LLM_LATENCY, c->dur, w);
	return r ? r : add_dist(g, TV_AGG_LLM_TOKENS, call_tokens(c), w);
}

static int apply_tool(struct tv_agg *a, struct tv_agg_group *g, size_t i)
{
	static const enum tv_agg_count dec[] = { TV_AGG_ACCEPT, TV_AGG_REJECT, TV_AGG_MODIFY,
						 TV_AGG_AUTO_ACCEPT };
	const struct v_tool *t = &a->view.tools[i];
	double w = a->view.weight;

	count(g, TV_AGG_TOOL_CALLS, w);
	if (t->success >= 0) {
		count(g, TV_AGG_TOOL_KNOWN, w);
		if (t->success) {
			count(g, TV_AGG_TOOL_OK, w);
		}
	}
	if (t->decision >= DEC_ACCEPT && t->decision <= DEC_AUTO_ACCEPT) {
		count(g, TV_AGG_DECIDED, w);
		count(g, dec[t->decision - DEC_ACCEPT], w);
	}
	return add_dist(g, TV_AGG_TOOL_DURATION, t->dur, w);
}

static int apply(struct tv_agg *a, struct tv_agg_group *g, enum unit_kind u, size_t i)
{
	switch (u) {
	case UNIT_SESSION:
		return apply_session(a, g);
	case UNIT_TURN:
		return apply_turn(a, g, i);
	case UNIT_LLM:
		return apply_llm(a, g, i);
	default:
		return apply_tool(a, g, i);
	}
}

/* the unit goes to the total and to each group of the product of its keys' values */
static int unit(struct tv_agg *a, enum unit_kind u, size_t i)
{
	size_t n = a->o.n_by, k;
	int r = apply(a, &a->total, u, i);

	for (k = 0; r == 0 && k < n; k++) {
		r = key_values(a, k, u, i);
		a->idx[k] = 0;
	}
	while (r == 0 && n > 0) {
		struct tv_agg_group *g;

		for (k = 0; k < n; k++) {
			a->vals[k] = a->kl[k].v[a->idx[k]];
		}
		r = agg_key_encode(&a->enc, a->vals, n);
		g = r ? NULL : agg_group_get(a, a->enc.p ? a->enc.p : "", a->enc.len, a->vals);
		r = g ? apply(a, g, u, i) : -ENOMEM;
		for (k = 0; k < n && ++a->idx[k] == a->kl[k].n; k++) {
			a->idx[k] = 0; /* the next tuple, as an odometer */
		}
		if (k == n) {
			break;
		}
	}
	return r;
}

/* per call: its price in nanodollars, or TV_NONE for a model without one */
static int price_calls(struct tv_agg *a)
{
	struct agg_view *v = &a->view;

	a->call_tokens = false;
	for (size_t i = 0; i < v->n_llm; i++) {
		for (int t = 0; t < 5; t++) {
			a->call_tokens = a->call_tokens || v->llm[i].tok[t] != TV_NONE;
		}
	}
	if (a->o.prices == NULL || v->n_llm == 0) {
		return 0;
	}
	if (v->n_llm > a->cap_cost) {
		int64_t *c = realloc(a->cost, v->n_llm * sizeof(*c));

		if (c == NULL) {
			return -ENOMEM;
		}
		a->cost = c;
		a->cap_cost = v->n_llm;
	}
	for (size_t i = 0; i < v->n_llm; i++) {
		const struct v_llm *c = &v->llm[i];
		const struct tv_price *p =
			c->model.s ? tv_prices_find(a->o.prices, c->model.s, c->model.n) : NULL;

		a->cost[i] = p ? tv_price_nano(p, c->tok[0], c->tok[2], c->tok[1], c->tok[3])
			       : TV_NONE;
	}
	return 0;
}

/* ---- one session ---- */

static bool needs_requests(const struct tv_agg *a)
{
	for (size_t k = 0; k < a->o.n_by; k++) {
		if (a->keys[k].kind <= KEY_TOOL) {
			return true;
		}
	}
	return false;
}

int tv_agg_add(struct tv_agg *a, const struct tv_jv *session)
{
	struct agg_view *v = &a->view;
	int r = agg_view_parse(v, session);

	if (r == 0) {
		r = price_calls(a);
	}
	if (r == 0) {
		r = session_keys(a, session);
	}
	if (r < 0) {
		return r;
	}
	if (v->weight != 1) {
		a->weighted = true;
	}
	r = needs_requests(a) ? agg_view_requests(v) : 0;
	if (r == 0) {
		r = unit(a, UNIT_SESSION, 0);
	}
	for (size_t i = 0; r == 0 && i < v->n_turns; i++) {
		r = unit(a, UNIT_TURN, i);
	}
	for (size_t i = 0; r == 0 && i < v->n_llm; i++) {
		r = unit(a, UNIT_LLM, i);
	}
	for (size_t i = 0; r == 0 && i < v->n_tools; i++) {
		r = unit(a, UNIT_TOOL, i);
	}
	return r ? r : agg_extras(a);
}

/* ---- merge ---- */

static bool same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

static bool same_opts(const struct tv_agg *a, const struct tv_agg *b)
{
	if (a->o.n_by != b->o.n_by || a->o.max_groups != b->o.max_groups ||
	    a->o.exact_max != b->o.exact_max || a->o.alpha != b->o.alpha || a->o.top != b->o.top ||
	    !same_str(a->price_date, b->price_date) ||
	    !same_str(a->price_source, b->price_source)) {
		return false;
	}
	for (size_t k = 0; k < a->o.n_by; k++) {
		if (strcmp(a->by[k], b->by[k]) != 0) {
			return false;
		}
	}
	return true;
}

static int merge_group(struct tv_agg *dst, const struct tv_agg_group *src)
{
	struct tv_agg_group *g;

	for (size_t k = 0; k < dst->o.n_by; k++) {
		dst->vals[k] = (struct vstr){ src->key[k].s, src->key[k].n };
	}
	g = src->other ? agg_other(dst) : agg_group_get(dst, src->enc, src->enc_n, dst->vals);
	return g ? agg_group_merge(dst, g, src) : -ENOMEM;
}

static int merge_tallies(struct tv_agg *dst, const struct tv_agg *src)
{
	int r = 0;

	for (int k = 0; k < TV_AGG_NTALLY; k++) {
		const struct tv_agg_tally *t = &src->tally[k];

		for (size_t i = 0; r == 0 && i < t->n; i++) {
			r = agg_tally_add(dst, (enum tv_agg_tally_kind)k, &t->v[i]);
		}
		if (t->has_other) {
			agg_tally_other(dst, (enum tv_agg_tally_kind)k, &t->other);
		}
	}
	return r;
}

static int merge_extras(struct tv_agg *dst, const struct tv_agg *src)
{
	int r = merge_tallies(dst, src);

	for (size_t i = 0; r == 0 && i < src->n_slow; i++) {
		const struct tv_agg_call *c = &src->slow[i];
		struct slow_cand k = { .dur = c->dur,
				       .session = { c->session, strlen(c->session) },
				       .model = { c->model, c->model ? strlen(c->model) : 0 },
				       .turn = c->turn,
				       .call = c->call,
				       .time = c->time };

		r = agg_slow_offer(dst, &k);
	}
	if (r == 0) {
		r = agg_set_level(dst, src->level);
	}
	for (size_t i = 0; r == 0 && i < src->n_points; i++) {
		r = agg_point_add(dst, &src->points[i]);
	}
	for (int which = 0; r == 0 && which < 2; which++) {
		for (size_t i = 0; r == 0 && i < src->n_wf[which]; i++) {
			struct tv_agg_waterfall w;

			r = agg_wf_copy(&w, &src->wf[which][i]);
			if (r == 0) {
				r = agg_wf_offer(dst, which, &w);
			}
		}
	}
	return r;
}

int tv_agg_merge(struct tv_agg *dst, const struct tv_agg *src)
{
	int r;

	if (!same_opts(dst, src)) {
		return -TV_EUSAGE;
	}
	dst->weighted = dst->weighted || src->weighted;
	r = agg_group_merge(dst, &dst->total, &src->total);
	for (size_t i = 0; r == 0 && i < src->n_groups; i++) {
		r = merge_group(dst, src->groups[i]);
	}
	if (r == 0 && src->other) {
		r = merge_group(dst, src->other);
	}
	return r ? r : merge_extras(dst, src);
}

/* ---- reading it ---- */

const struct tv_agg_opts *tv_agg_options(const struct tv_agg *a)
{
	return &a->o;
}

bool tv_agg_prices(const struct tv_agg *a, const char **date, const char **source)
{
	*date = a->price_date;
	*source = a->price_source;
	return a->price_date != NULL;
}

bool tv_agg_weighted(const struct tv_agg *a)
{
	return a->weighted;
}

struct tv_agg_group *tv_agg_total(struct tv_agg *a)
{
	return &a->total;
}

static int cmp_group(const void *pa, const void *pb)
{
	const struct tv_agg_group *a = *(const struct tv_agg_group *const *)pa;
	const struct tv_agg_group *b = *(const struct tv_agg_group *const *)pb;
	int c = memcmp(a->enc, b->enc, a->enc_n < b->enc_n ? a->enc_n : b->enc_n);

	return c ? c : (a->enc_n > b->enc_n) - (a->enc_n < b->enc_n);
}

struct tv_agg_group **tv_agg_groups(struct tv_agg *a, size_t *n)
{
	size_t total = a->n_groups + (a->other ? 1 : 0);
	struct tv_agg_group **v;

	*n = 0;
	if (a->o.n_by == 0) {
		return NULL;
	}
	v = realloc(a->sorted, (total ? total : 1) * sizeof(*v));
	if (v == NULL) {
		return NULL;
	}
	a->sorted = v;
	memcpy(v, a->groups, a->n_groups * sizeof(*v));
	qsort(v, a->n_groups, sizeof(*v), cmp_group);
	if (a->other) {
		v[a->n_groups] = a->other;
	}
	*n = total;
	return v;
}
