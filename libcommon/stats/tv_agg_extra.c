// SPDX-License-Identifier: MIT
/*
 * What only the total has: the slowest LLM calls (a bounded heap), tallies
 * of names (tools, errors, operations: bounded like groups, the smallest
 * hashes kept), the time series (buckets that widen when there are too
 * many) and the waterfalls of the slowest and the failed sessions.  Each
 * keeps the same entries whatever the order of the input, so merges of
 * shards equal one run.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcommon/core/tv_hash.h"
#include "libcommon/core/tv_time.h"
#include "libcommon/model/tv_session.h"
#include "libcommon/stats/tv_agg_int.h"

#define HOUR (3600 * TV_NS_PER_SEC)
#define DAY (24 * HOUR)
#define LABEL_MAX 60
#define ERROR_TEXT_MAX 120
#define DIGITS_ID 4 /* digit runs this long in error messages are ids or times */

const int64_t agg_widths[] = {
	HOUR,	  2 * HOUR,  4 * HOUR,	12 * HOUR,  DAY,	7 * DAY,
	28 * DAY, 112 * DAY, 448 * DAY, 1792 * DAY, 7168 * DAY, 28672 * DAY,
};
const size_t agg_n_widths = sizeof(agg_widths) / sizeof(agg_widths[0]);

int agg_str_set(struct tv_agg_str *dst, const char *s, size_t n)
{
	dst->n = n;
	if (s == NULL) {
		dst->s = NULL;
		return 0;
	}
	dst->s = tv_strndup(s, n);
	return dst->s ? 0 : -ENOMEM;
}

bool agg_key_less(uint64_t ha, const char *a, size_t an, uint64_t hb, const char *b, size_t bn)
{
	int c;

	if (ha != hb) {
		return ha < hb;
	}
	c = memcmp(a, b, an < bn ? an : bn);
	return c ? c < 0 : an < bn;
}

/* ---- the hash index ---- */

size_t hindex_find(const struct hindex *x, const struct hindex_ops *ops, uint64_t h,
		   const void *key, size_t n)
{
	if (x->cap == 0) {
		return SIZE_MAX;
	}
	for (size_t i = h & (x->cap - 1); x->slot[i]; i = (i + 1) & (x->cap - 1)) {
		size_t item = x->slot[i] - 1;

		if (ops->hash(ops->ctx, item) == h && ops->eq(ops->ctx, item, key, n)) {
			return item;
		}
	}
	return SIZE_MAX;
}

void hindex_put(struct hindex *x, uint64_t h, size_t item)
{
	size_t i = h & (x->cap - 1);

	while (x->slot[i]) {
		i = (i + 1) & (x->cap - 1);
	}
	x->slot[i] = item + 1;
}

int hindex_build(struct hindex *x, const struct hindex_ops *ops, size_t n, size_t room)
{
	size_t cap = 16;

	while (cap < 2 * (room > n ? room : n) + 2) {
		cap *= 2;
	}
	if (cap != x->cap) {
		size_t *slot = calloc(cap, sizeof(*slot));

		if (slot == NULL) {
			return -ENOMEM;
		}
		free(x->slot);
		x->slot = slot;
		x->cap = cap;
	} else {
		memset(x->slot, 0, cap * sizeof(*x->slot));
	}
	for (size_t i = 0; i < n; i++) {
		hindex_put(x, ops->hash(ops->ctx, i), i);
	}
	return 0;
}

void hindex_free(struct hindex *x)
{
	free(x->slot);
	*x = (struct hindex){ 0 };
}

/* ---- a heap whose root is the entry that leaves first ---- */

typedef bool (*leaves_first_fn)(const void *a, const void *b);

static void swap(char *a, char *b, size_t size)
{
	char t[128];

	memcpy(t, a, size);
	memcpy(a, b, size);
	memcpy(b, t, size);
}

static void heap_up(void *base, size_t size, size_t i, leaves_first_fn first)
{
	char *p = base;

	while (i > 0) {
		size_t up = (i - 1) / 2;

		if (!first(p + i * size, p + up * size)) {
			return;
		}
		swap(p + i * size, p + up * size, size);
		i = up;
	}
}

static void heap_down(void *base, size_t n, size_t size, size_t i, leaves_first_fn first)
{
	char *p = base;

	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < n && first(p + l * size, p + m * size)) {
			m = l;
		}
		if (r < n && first(p + r * size, p + m * size)) {
			m = r;
		}
		if (m == i) {
			return;
		}
		swap(p + i * size, p + m * size, size);
		i = m;
	}
}

static int cmp_str(const char *a, size_t an, const char *b, size_t bn)
{
	int c = memcmp(a ? a : "", b ? b : "", an < bn ? an : bn);

	return c ? c : (an > bn) - (an < bn);
}

/* ---- the slowest LLM calls ---- */

/* slower first; ties by session id, then position */
static bool call_before(const struct slow_cand *a, const struct slow_cand *b)
{
	int c;

	if (a->dur != b->dur) {
		return a->dur > b->dur;
	}
	c = cmp_str(a->session.s, a->session.n, b->session.s, b->session.n);
	if (c) {
		return c < 0;
	}
	return a->turn != b->turn ? a->turn < b->turn : a->call < b->call;
}

static struct slow_cand cand_of(const struct tv_agg_call *c)
{
	return (struct slow_cand){ .dur = c->dur,
				   .session = { c->session, strlen(c->session) },
				   .turn = c->turn,
				   .call = c->call,
				   .time = c->time };
}

static bool kept_before(const struct tv_agg_call *a, const struct tv_agg_call *b)
{
	struct slow_cand x = cand_of(a), y = cand_of(b);

	return call_before(&x, &y);
}

static bool call_leaves_first(const void *a, const void *b)
{
	return kept_before(b, a);
}

static void call_free(struct tv_agg_call *c)
{
	free(c->session);
	free(c->model);
}

static int call_copy(struct tv_agg_call *k, const struct slow_cand *c)
{
	*k = (struct tv_agg_call){
		.dur = c->dur, .turn = c->turn, .call = c->call, .time = c->time
	};
	if (k->time == TV_NONE && c->time_s.s) {
		k->time = agg_view_time(c->time_s);
	}
	k->session = tv_strndup(c->session.s ? c->session.s : "", c->session.s ? c->session.n : 0);
	k->model = c->model.s ? tv_strndup(c->model.s, c->model.n) : NULL;
	if (k->session == NULL || (c->model.s && k->model == NULL)) {
		call_free(k);
		return -ENOMEM;
	}
	return 0;
}

int agg_slow_offer(struct tv_agg *a, const struct slow_cand *c)
{
	size_t top = a->o.top;
	struct tv_agg_call k;
	struct slow_cand root;

	if (a->n_slow == top) {
		root = cand_of(&a->slow[0]);
		if (!call_before(c, &root)) {
			return 0;
		}
	}
	if (a->slow == NULL) {
		a->slow = calloc(top, sizeof(*a->slow));
		if (a->slow == NULL) {
			return -ENOMEM;
		}
	}
	if (call_copy(&k, c) < 0) {
		return -ENOMEM;
	}
	if (a->n_slow == top) {
		call_free(&a->slow[0]);
		a->slow[0] = k;
		heap_down(a->slow, a->n_slow, sizeof(k), 0, call_leaves_first);
		return 0;
	}
	a->slow[a->n_slow] = k;
	heap_up(a->slow, sizeof(k), a->n_slow++, call_leaves_first);
	return 0;
}

/*
 * Two calls of one session, turn and position (a partial state merged with
 * itself, or a damaged one) are ordered by time and model, so that the
 * list is the same however it was read.
 */
static int cmp_call(const void *pa, const void *pb)
{
	const struct tv_agg_call *a = pa, *b = pb;

	if (kept_before(a, b) || kept_before(b, a)) {
		return kept_before(a, b) ? -1 : 1;
	}
	if (a->time != b->time) {
		return a->time < b->time ? -1 : 1;
	}
	return strcmp(a->model ? a->model : "", b->model ? b->model : "");
}

const struct tv_agg_call *tv_agg_slowest(struct tv_agg *a, size_t *n)
{
	struct tv_agg_call *v = realloc(a->slow_sorted, (a->n_slow ? a->n_slow : 1) * sizeof(*v));

	*n = 0;
	if (v == NULL) {
		return NULL;
	}
	a->slow_sorted = v;
	if (a->n_slow) {
		memcpy(v, a->slow, a->n_slow * sizeof(*v));
	}
	qsort(v, a->n_slow, sizeof(*v), cmp_call);
	*n = a->n_slow;
	return v;
}

/* ---- tallies ---- */

static uint64_t name_hash(const void *ctx, size_t item)
{
	return ((const struct tv_agg_tally *)ctx)->v[item].hash;
}

static bool name_eq(const void *ctx, size_t item, const void *key, size_t n)
{
	const struct tv_agg_name *e = &((const struct tv_agg_tally *)ctx)->v[item];

	return e->name.n == n && memcmp(e->name.s, key, n) == 0;
}

static void name_add(struct tv_agg_name *dst, const struct tv_agg_name *src)
{
	if (src->dur_n > 0 && (dst->dur_n == 0 || src->dur_max > dst->dur_max)) {
		dst->dur_max = src->dur_max;
	}
	dst->n.n = tv_addu_sat(dst->n.n, src->n.n);
	dst->n.w += src->n.w;
	dst->bad.n = tv_addu_sat(dst->bad.n, src->bad.n);
	dst->bad.w += src->bad.w;
	dst->dur_sum = tv_add_sat(dst->dur_sum, src->dur_sum);
	dst->dur_n = tv_addu_sat(dst->dur_n, src->dur_n);
}

void agg_tally_other(struct tv_agg *a, enum tv_agg_tally_kind k, const struct tv_agg_name *src)
{
	a->tally[k].has_other = true;
	name_add(&a->tally[k].other, src);
}

static size_t largest_name(const struct tv_agg_tally *t)
{
	size_t m = 0;

	for (size_t i = 1; i < t->n; i++) {
		if (agg_key_less(t->v[m].hash, t->v[m].name.s, t->v[m].name.n, t->v[i].hash,
				 t->v[i].name.s, t->v[i].name.n)) {
			m = i;
		}
	}
	return m;
}

/* put @src in slot @i (a new slot, or the one of an evicted name) */
static int tally_put(struct tv_agg *a, enum tv_agg_tally_kind k, size_t i,
		     const struct tv_agg_name *src, uint64_t h)
{
	struct tv_agg_tally *t = &a->tally[k];
	struct hindex_ops ops = { name_hash, name_eq, t };
	struct tv_agg_name e = *src;

	e.hash = h;
	e.name.s = tv_strndup(src->name.s, src->name.n);
	if (e.name.s == NULL) {
		return -ENOMEM;
	}
	if (i < t->n) { /* evict: its counts go to other, the index is rebuilt */
		agg_tally_other(a, k, &t->v[i]);
		free(t->v[i].name.s);
		t->v[i] = e;
		return hindex_build(&a->tally_index[k], &ops, t->n, TV_AGG_MAX_NAMES);
	}
	t->v[t->n++] = e;
	hindex_put(&a->tally_index[k], h, i);
	return 0;
}

int agg_tally_add(struct tv_agg *a, enum tv_agg_tally_kind k, const struct tv_agg_name *src)
{
	struct tv_agg_tally *t = &a->tally[k];
	struct hindex_ops ops = { name_hash, name_eq, t };
	uint64_t h = tv_hash64(src->name.s, src->name.n);
	size_t i, m;

	if (t->v == NULL) {
		t->v = calloc(TV_AGG_MAX_NAMES, sizeof(*t->v));
		if (t->v == NULL ||
		    hindex_build(&a->tally_index[k], &ops, 0, TV_AGG_MAX_NAMES) < 0) {
			return -ENOMEM;
		}
		t->cap = TV_AGG_MAX_NAMES;
	}
	i = hindex_find(&a->tally_index[k], &ops, h, src->name.s, src->name.n);
	if (i != SIZE_MAX) {
		name_add(&t->v[i], src);
		return 0;
	}
	if (t->n < t->cap) {
		return tally_put(a, k, t->n, src, h);
	}
	m = largest_name(t);
	if (!agg_key_less(h, src->name.s, src->name.n, t->v[m].hash, t->v[m].name.s,
			  t->v[m].name.n)) {
		agg_tally_other(a, k, src);
		return 0;
	}
	return tally_put(a, k, m, src, h);
}

static double order_value(const struct tv_agg *a, enum tv_agg_tally_kind k,
			  const struct tv_agg_name *e)
{
	if (k == TV_AGG_TALLY_OPS) {
		return e->dur_n ? (double)e->dur_sum / (double)e->dur_n : 0;
	}
	return a->weighted ? e->n.w : (double)e->n.n;
}

struct ranked {
	double key;
	const struct tv_agg_name *e;
};

/* larger first, then by name */
static int cmp_ranked(const void *pa, const void *pb)
{
	const struct ranked *x = pa, *y = pb;

	/* weighted counts of shards add up in another order: equal to rounding is a tie */
	if (fabs(x->key - y->key) > 1e-9 * fmax(fabs(x->key), fabs(y->key))) {
		return x->key > y->key ? -1 : 1;
	}
	return cmp_str(x->e->name.s, x->e->name.n, y->e->name.s, y->e->name.n);
}

const struct tv_agg_name *const *tv_agg_tally(struct tv_agg *a, enum tv_agg_tally_kind k, size_t *n,
					      const struct tv_agg_name **other)
{
	struct tv_agg_tally *t = &a->tally[k];
	const struct tv_agg_name **v;
	struct ranked *r;

	*n = 0;
	*other = t->has_other ? &t->other : NULL;
	v = realloc(a->tally_sorted, (t->n ? t->n : 1) * sizeof(*v));
	r = malloc((t->n ? t->n : 1) * sizeof(*r));
	if (v) {
		a->tally_sorted = v;
	}
	if (v == NULL || r == NULL) {
		free(r);
		return NULL;
	}
	for (size_t i = 0; i < t->n; i++) {
		r[i] = (struct ranked){ order_value(a, k, &t->v[i]), &t->v[i] };
	}
	qsort(r, t->n, sizeof(*r), cmp_ranked);
	for (size_t i = 0; i < t->n; i++) {
		v[i] = r[i].e;
	}
	free(r);
	*n = t->n < a->o.top ? t->n : a->o.top;
	return v;
}

/* ---- the time series ---- */

static int64_t floor_to(int64_t t, int64_t width)
{
	int64_t q = t / width;

	if (t % width < 0) {
		q--;
	}
	return q * width;
}

static void point_add(struct tv_agg_point *dst, const struct tv_agg_point *src)
{
	for (int i = 0; i < TV_AGG_NSERIES; i++) {
		dst->v[i].n = tv_addu_sat(dst->v[i].n, src->v[i].n);
		dst->v[i].w += src->v[i].w;
	}
}

static int64_t width_of(unsigned level)
{
	return agg_widths[level < agg_n_widths ? level : agg_n_widths - 1];
}

int agg_set_level(struct tv_agg *a, unsigned level)
{
	size_t out = 0;

	if (level >= agg_n_widths) {
		level = (unsigned)agg_n_widths - 1;
	}
	if (level <= a->level) {
		return 0;
	}
	a->level = level;
	for (size_t i = 0; i < a->n_points; i++) {
		struct tv_agg_point p = a->points[i];

		p.start = floor_to(p.start, width_of(level));
		if (out > 0 && a->points[out - 1].start == p.start) {
			point_add(&a->points[out - 1], &p);
		} else {
			a->points[out++] = p;
		}
	}
	a->n_points = out;
	return 0;
}

static size_t point_search(const struct tv_agg *a, int64_t start)
{
	size_t lo = 0, hi = a->n_points;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (a->points[mid].start < start) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return lo;
}

int agg_point_add(struct tv_agg *a, const struct tv_agg_point *src)
{
	struct tv_agg_point p = *src;
	size_t i;

	p.start = floor_to(p.start, width_of(a->level));
	i = point_search(a, p.start);
	if (i < a->n_points && a->points[i].start == p.start) {
		point_add(&a->points[i], &p);
		return 0;
	}
	if (a->n_points == a->cap_points) {
		size_t c = a->cap_points ? a->cap_points * 2 : 64;
		struct tv_agg_point *v = realloc(a->points, c * sizeof(*v));

		if (v == NULL) {
			return -ENOMEM;
		}
		a->points = v;
		a->cap_points = c;
	}
	memmove(&a->points[i + 1], &a->points[i], (a->n_points - i) * sizeof(p));
	a->points[i] = p;
	a->n_points++;
	while (a->n_points > TV_AGG_MAX_POINTS && a->level + 1 < agg_n_widths) {
		agg_set_level(a, a->level + 1);
	}
	return 0;
}

const struct tv_agg_point *tv_agg_series(const struct tv_agg *a, size_t *n, int64_t *width)
{
	*n = a->n_points;
	*width = width_of(a->level);
	return a->points;
}

/* ---- waterfalls ---- */

/* slowest: longer first; failed: later first; then by id */
static bool wf_before(int which, const char *ida, size_t na, int64_t sa, int64_t da,
		      const char *idb, size_t nb, int64_t sb, int64_t db)
{
	int64_t x = which ? sa : da, y = which ? sb : db;

	if (x != y) {
		return x > y;
	}
	return cmp_str(ida, na, idb, nb) < 0;
}

static bool wf_leaves_first_slow(const void *pa, const void *pb)
{
	const struct tv_agg_waterfall *a = pa, *b = pb;

	return wf_before(0, b->id, strlen(b->id), b->start, b->dur, a->id, strlen(a->id), a->start,
			 a->dur);
}

static bool wf_leaves_first_failed(const void *pa, const void *pb)
{
	const struct tv_agg_waterfall *a = pa, *b = pb;

	return wf_before(1, b->id, strlen(b->id), b->start, b->dur, a->id, strlen(a->id), a->start,
			 a->dur);
}

static const leaves_first_fn wf_first[2] = { wf_leaves_first_slow, wf_leaves_first_failed };

bool agg_wf_wanted(const struct tv_agg *a, int which, const char *id, size_t idn, int64_t start,
		   int64_t dur)
{
	const struct tv_agg_waterfall *root = a->wf[which];

	if (a->n_wf[which] < TV_AGG_WATERFALLS) {
		return true;
	}
	return wf_before(which, id, idn, start, dur, root->id, strlen(root->id), root->start,
			 root->dur);
}

void agg_wf_free(struct tv_agg_waterfall *w)
{
	for (size_t i = 0; i < w->n_rows; i++) {
		free(w->rows[i].label);
	}
	free(w->rows);
	free(w->id);
	*w = (struct tv_agg_waterfall){ 0 };
}

int agg_wf_copy(struct tv_agg_waterfall *dst, const struct tv_agg_waterfall *src)
{
	*dst = *src;
	dst->id = strdup(src->id);
	dst->rows = calloc(src->n_rows ? src->n_rows : 1, sizeof(*dst->rows));
	dst->n_rows = 0;
	if (dst->id == NULL || dst->rows == NULL) {
		agg_wf_free(dst);
		return -ENOMEM;
	}
	for (size_t i = 0; i < src->n_rows; i++) {
		dst->rows[i] = src->rows[i];
		dst->rows[i].label = strdup(src->rows[i].label);
		if (dst->rows[i].label == NULL) {
			agg_wf_free(dst);
			return -ENOMEM;
		}
		dst->n_rows++;
	}
	return 0;
}

int agg_wf_offer(struct tv_agg *a, int which, struct tv_agg_waterfall *w)
{
	struct tv_agg_waterfall *h = a->wf[which];

	if (!agg_wf_wanted(a, which, w->id, strlen(w->id), w->start, w->dur)) {
		agg_wf_free(w);
		return 0;
	}
	if (h == NULL) {
		h = calloc(TV_AGG_WATERFALLS, sizeof(*h));
		if (h == NULL) {
			agg_wf_free(w);
			return -ENOMEM;
		}
		a->wf[which] = h;
	}
	if (a->n_wf[which] == TV_AGG_WATERFALLS) {
		agg_wf_free(&h[0]);
		h[0] = *w;
		heap_down(h, a->n_wf[which], sizeof(*h), 0, wf_first[which]);
	} else {
		h[a->n_wf[which]] = *w;
		heap_up(h, sizeof(*h), a->n_wf[which]++, wf_first[which]);
	}
	*w = (struct tv_agg_waterfall){ 0 };
	return 0;
}

static int cmp_i64(int64_t a, int64_t b)
{
	return (a > b) - (a < b);
}

/*
 * Two waterfalls the order cannot tell apart (the same session id, start
 * and duration: a partial state merged with itself, or a damaged one),
 * ordered by their rows, so that the list is the same however it was read.
 */
static int cmp_wf_rows(const struct tv_agg_waterfall *a, const struct tv_agg_waterfall *b)
{
	int c = cmp_i64((int64_t)a->n_rows, (int64_t)b->n_rows);

	c = c ? c : cmp_i64(a->success, b->success);
	c = c ? c : cmp_i64((int64_t)a->dropped, (int64_t)b->dropped);
	for (size_t i = 0; c == 0 && i < a->n_rows; i++) {
		const struct tv_agg_row *x = &a->rows[i], *y = &b->rows[i];

		c = cmp_i64(x->kind, y->kind);
		c = c ? c : cmp_i64(x->status, y->status);
		c = c ? c : cmp_i64(x->start, y->start);
		c = c ? c : cmp_i64(x->dur, y->dur);
		c = c ? c : strcmp(x->label ? x->label : "", y->label ? y->label : "");
	}
	return c;
}

static int cmp_wf_slow(const void *a, const void *b)
{
	return wf_leaves_first_slow(b, a) ? -1 : wf_leaves_first_slow(a, b) ? 1 : cmp_wf_rows(a, b);
}

static int cmp_wf_failed(const void *a, const void *b)
{
	return wf_leaves_first_failed(b, a)   ? -1
	       : wf_leaves_first_failed(a, b) ? 1
					      : cmp_wf_rows(a, b);
}

const struct tv_agg_waterfall *tv_agg_waterfalls(struct tv_agg *a, bool failed, size_t *n)
{
	int which = failed ? 1 : 0;
	struct tv_agg_waterfall *v;

	*n = 0;
	v = realloc(a->wf_sorted[which], TV_AGG_WATERFALLS * sizeof(*v));
	if (v == NULL) {
		return NULL;
	}
	a->wf_sorted[which] = v;
	if (a->n_wf[which]) {
		memcpy(v, a->wf[which], a->n_wf[which] * sizeof(*v));
	}
	qsort(v, a->n_wf[which], sizeof(*v), failed ? cmp_wf_failed : cmp_wf_slow);
	*n = a->n_wf[which];
	return v;
}

static int add_row(struct tv_agg_waterfall *w, enum tv_agg_row_kind kind, int ok, struct vstr label,
		   int64_t at, int64_t dur)
{
	struct tv_agg_row *r;
	size_t n = label.n;

	if (w->n_rows == TV_AGG_MAX_ROWS) {
		w->dropped++;
		return 0;
	}
	if (n > LABEL_MAX) { /* cut at a character boundary */
		n = LABEL_MAX;
		while (n > 0 && ((unsigned char)label.s[n] & 0xc0) == 0x80) {
			n--;
		}
	}
	r = &w->rows[w->n_rows];
	*r = (struct tv_agg_row){ kind,
				  ok == 1   ? TV_AGG_ROW_OK
				  : ok == 0 ? TV_AGG_ROW_FAILED
					    : TV_AGG_ROW_UNKNOWN,
				  NULL, at, dur };
	r->label = tv_strndup(label.s ? label.s : "", label.s ? n : 0);
	if (r->label == NULL) {
		return -ENOMEM;
	}
	w->n_rows++;
	return 0;
}

static int64_t offset(const struct agg_view *v, struct vstr t)
{
	int64_t at = agg_view_time(t);

	return tv_time_diff(at, v->start); /* TV_NONE also when they are too far apart */
}

static int llm_row(struct tv_agg_waterfall *w, const struct agg_view *v, const struct v_llm *c)
{
	static const struct vstr llm = { "llm", 3 };
	int ok = c->status == 0 ? -1 : c->status == 1;

	return add_row(w, TV_AGG_ROW_LLM, ok, c->model.s ? c->model : llm, offset(v, c->time),
		       c->dur);
}

static int tool_row(struct tv_agg_waterfall *w, const struct agg_view *v, const struct v_tool *c)
{
	static const struct vstr tool = { "tool", 4 };

	return add_row(w, TV_AGG_ROW_TOOL, c->success, c->name.s ? c->name : tool,
		       offset(v, c->time), c->dur);
}

/* a turn's calls and tools, merged in time order (calls first on ties) */
static int turn_rows(struct tv_agg_waterfall *w, const struct agg_view *v, const struct v_turn *t)
{
	size_t i = t->llm0, j = t->tool0, ie = t->llm0 + t->n_llm, je = t->tool0 + t->n_tool;
	int r = add_row(w, TV_AGG_ROW_TURN, t->success, t->prompt, offset(v, t->time), t->dur);

	while (r == 0 && (i < ie || j < je)) {
		int64_t ti = i < ie ? offset(v, v->llm[i].time) : TV_NONE;
		int64_t tj = j < je ? offset(v, v->tools[j].time) : TV_NONE;

		if (j >= je || (i < ie && (tj == TV_NONE || (ti != TV_NONE && ti <= tj)))) {
			r = llm_row(w, v, &v->llm[i++]);
		} else {
			r = tool_row(w, v, &v->tools[j++]);
		}
	}
	return r;
}

int agg_wf_build(struct tv_agg *a, struct tv_agg_waterfall *w)
{
	const struct agg_view *v = &a->view;
	size_t rows = v->n_turns + v->n_llm + v->n_tools;
	int r = 0;

	*w = (struct tv_agg_waterfall){ .start = v->start, .dur = v->dur, .success = v->success };
	w->id = tv_strndup(v->id.s ? v->id.s : "", v->id.s ? v->id.n : 0);
	w->rows = calloc(rows < TV_AGG_MAX_ROWS ? (rows ? rows : 1) : TV_AGG_MAX_ROWS,
			 sizeof(*w->rows));
	if (w->id == NULL || w->rows == NULL) {
		agg_wf_free(w);
		return -ENOMEM;
	}
	for (size_t i = 0; r == 0 && i < v->n_turns; i++) {
		r = turn_rows(w, v, &v->turns[i]);
	}
	if (r < 0) {
		agg_wf_free(w);
	}
	return r;
}

/* ---- one session's share ---- */

static int offer_calls(struct tv_agg *a)
{
	const struct agg_view *v = &a->view;
	int r = 0;

	for (size_t i = 0; r == 0 && i < v->n_llm; i++) {
		const struct v_llm *c = &v->llm[i];
		struct slow_cand k = { .dur = c->dur,
				       .session = v->id,
				       .model = c->model,
				       .turn = (uint32_t)c->turn,
				       .call = (uint32_t)(i - v->turns[c->turn].llm0),
				       .time = TV_NONE,
				       .time_s = c->time };

		if (c->dur != TV_NONE) {
			r = agg_slow_offer(a, &k); /* the time is parsed only if kept */
		}
	}
	return r;
}

/* digits at @s[@i..@n) */
static size_t digit_run(const char *s, size_t i, size_t n)
{
	size_t k = i;

	while (k < n && s[k] >= '0' && s[k] <= '9') {
		k++;
	}
	return k - i;
}

/* @text cut at a character boundary; runs of DIGITS_ID digits or more as '#' when @digits */
static void put_text(struct tv_strbuf *b, struct vstr text, bool digits)
{
	size_t n = text.n, i = 0, from = 0;

	if (n > ERROR_TEXT_MAX) {
		n = ERROR_TEXT_MAX;
		while (n > 0 && ((unsigned char)text.s[n] & 0xc0) == 0x80) {
			n--;
		}
	}
	while (i < n) {
		char ch = text.s[i];
		size_t run = digits ? digit_run(text.s, i, n) : 0;

		if (run < DIGITS_ID && ch != '\n' && ch != '\r' && ch != '\t') {
			i += run ? run : 1;
			continue;
		}
		tv_strbuf_append(b, text.s + from, i - from);
		tv_strbuf_putc(b, run ? '#' : ' '); /* an id, a time, a port; a line end */
		i += run ? run : 1;
		from = i;
	}
	tv_strbuf_append(b, text.s + from, n - from);
}

/* "PREFIXNAME" or "PREFIXNAME: MESSAGE" in a->tmp (messages with digits as '#') */
static struct vstr tally_name(struct tv_agg *a, const char *prefix, struct vstr name,
			      struct vstr msg)
{
	struct tv_strbuf *b = &a->tmp;

	tv_strbuf_reset(b);
	tv_strbuf_puts(b, prefix);
	put_text(b, name, false);
	if (msg.s) {
		tv_strbuf_puts(b, ": ");
		put_text(b, msg, true);
	}
	return (struct vstr){ b->p ? b->p : "", b->len };
}

static int tally(struct tv_agg *a, enum tv_agg_tally_kind k, struct vstr name, bool bad,
		 int64_t dur)
{
	double w = a->view.weight;
	struct tv_agg_name e = { .name = { (char *)name.s, name.n }, .n = { 1, w } };

	if (a->tmp.err < 0) {
		return a->tmp.err; /* tally_name() could not write the whole name */
	}
	if (bad) {
		e.bad = (struct tv_agg_num){ 1, w };
	}
	if (dur != TV_NONE) {
		e.dur_sum = e.dur_max = dur;
		e.dur_n = 1;
	}
	return agg_tally_add(a, k, &e);
}

static int tally_llm(struct tv_agg *a, const struct v_llm *c)
{
	static const struct vstr unknown = { "(unknown model)", 15 }, none = { "", 0 },
				 nomsg = { NULL, 0 };
	char code[32];
	struct vstr why = c->error;
	int r;

	r = tally(a, TV_AGG_TALLY_OPS,
		  tally_name(a, "llm ", c->model.s ? c->model : unknown, nomsg), false, c->dur);
	if (r < 0 || c->status < TV_STATUS_ERROR) {
		return r;
	}
	if (why.s == NULL && c->status == TV_STATUS_TIMEOUT) {
		why = (struct vstr){ "timeout", 7 };
	} else if (why.s == NULL) {
		snprintf(code, sizeof(code), "status %lld",
			 c->code == TV_NONE ? 0LL : (long long)c->code);
		why = (struct vstr){ code, strlen(code) };
	}
	return tally(a, TV_AGG_TALLY_ERRORS, tally_name(a, "llm", none, why), false, TV_NONE);
}

static int tally_tool(struct tv_agg *a, const struct v_tool *t)
{
	static const struct vstr unnamed = { "(unnamed)", 9 }, failed = { "failed", 6 },
				 nomsg = { NULL, 0 };
	struct vstr name = t->name.s ? t->name : unnamed;
	int r = tally(a, TV_AGG_TALLY_TOOLS, name, t->success == 0, TV_NONE);

	if (r == 0) {
		r = tally(a, TV_AGG_TALLY_OPS, tally_name(a, "tool ", name, nomsg), false, t->dur);
	}
	if (r == 0 && t->success == 0) {
		r = tally(a, TV_AGG_TALLY_ERRORS,
			  tally_name(a, "tool ", name, t->error.s ? t->error : failed), false,
			  TV_NONE);
	}
	return r;
}

static int add_point(struct tv_agg *a)
{
	const struct agg_view *v = &a->view;
	double w = v->weight;
	struct tv_agg_point p = { .start = v->start };
	uint64_t errors = 0;

	if (v->start == TV_NONE) {
		return 0;
	}
	for (size_t i = 0; i < v->n_llm; i++) {
		errors += v->llm[i].status >= TV_STATUS_ERROR;
	}
	p.v[TV_AGG_SERIES_SESSIONS] = (struct tv_agg_num){ 1, w };
	p.v[TV_AGG_SERIES_FAILED] = (struct tv_agg_num){ v->success == 0, v->success == 0 ? w : 0 };
	p.v[TV_AGG_SERIES_LLM_CALLS] = (struct tv_agg_num){ v->n_llm, (double)v->n_llm * w };
	p.v[TV_AGG_SERIES_LLM_ERRORS] = (struct tv_agg_num){ errors, (double)errors * w };
	return agg_point_add(a, &p);
}

static int offer_waterfalls(struct tv_agg *a)
{
	const struct agg_view *v = &a->view;
	struct tv_agg_waterfall w;
	int r = 0;

	for (int which = 0; r == 0 && which < 2; which++) {
		if (which == 0 ? v->dur == TV_NONE : v->success != 0) {
			continue;
		}
		if (!agg_wf_wanted(a, which, v->id.s ? v->id.s : "", v->id.n, v->start, v->dur)) {
			continue;
		}
		r = agg_wf_build(a, &w);
		if (r == 0) {
			r = agg_wf_offer(a, which, &w);
		}
	}
	return r;
}

int agg_extras(struct tv_agg *a)
{
	const struct agg_view *v = &a->view;
	int r = offer_calls(a);

	for (size_t i = 0; r == 0 && i < v->n_llm; i++) {
		r = tally_llm(a, &v->llm[i]);
	}
	for (size_t i = 0; r == 0 && i < v->n_tools; i++) {
		r = tally_tool(a, &v->tools[i]);
	}
	if (r == 0) {
		r = add_point(a);
	}
	return r ? r : offer_waterfalls(a);
}

void agg_extra_free(struct tv_agg *a)
{
	for (size_t i = 0; i < a->n_slow; i++) {
		call_free(&a->slow[i]);
	}
	free(a->slow);
	free(a->slow_sorted);
	for (int k = 0; k < TV_AGG_NTALLY; k++) {
		for (size_t i = 0; i < a->tally[k].n; i++) {
			free(a->tally[k].v[i].name.s);
		}
		free(a->tally[k].v);
		hindex_free(&a->tally_index[k]);
	}
	free(a->tally_sorted);
	free(a->points);
	for (int which = 0; which < 2; which++) {
		for (size_t i = 0; i < a->n_wf[which]; i++) {
			agg_wf_free(&a->wf[which][i]);
		}
		free(a->wf[which]);
		free(a->wf_sorted[which]);
	}
}
