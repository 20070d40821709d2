// SPDX-License-Identifier: MIT
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "libcommon/core/tv_error.h"
#include "libcommon/stats/tv_sketch.h"

/* the largest index any finite double can have at the smallest alpha we take */
#define MAX_INDEX 400000
#define MIN_ALPHA 1e-3

/* buckets lo .. lo + cap - 1; first/last: the range that holds weight */
struct store {
	double *w;
	int32_t lo;
	uint32_t cap;
	int32_t first, last;
	bool used;
};

struct tv_sketch {
	double alpha, gamma, lg, inv_lg;
	struct store pos, neg;
	double zero;
	double total;
};

int tv_sketch_create(double alpha, struct tv_sketch **out)
{
	struct tv_sketch *s;

	if (!(alpha >= MIN_ALPHA && alpha < 0.5)) {
		return -TV_EUSAGE;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		return -ENOMEM;
	}
	s->alpha = alpha;
	s->gamma = (1 + alpha) / (1 - alpha);
	s->lg = log(s->gamma);
	s->inv_lg = 1 / s->lg;
	*out = s;
	return 0;
}

void tv_sketch_destroy(struct tv_sketch *s)
{
	if (s == NULL) {
		return;
	}
	free(s->pos.w);
	free(s->neg.w);
	free(s);
}

double tv_sketch_alpha(const struct tv_sketch *s)
{
	return s->alpha;
}

double tv_sketch_weight(const struct tv_sketch *s)
{
	return s->total;
}

/* make index @i addressable in @st */
static int store_reach(struct store *st, int32_t i)
{
	int64_t lo, hi, slack;
	double *w;

	if (st->w && i >= st->lo && (int64_t)i < (int64_t)st->lo + st->cap) {
		return 0;
	}
	slack = st->cap ? st->cap / 2 + 16 : 32;
	lo = st->w && st->lo < i ? st->lo : (int64_t)i - slack;
	hi = st->w && (int64_t)st->lo + st->cap > i ? (int64_t)st->lo + st->cap
						    : (int64_t)i + slack;
	w = calloc((size_t)(hi - lo), sizeof(*w));
	if (w == NULL) {
		return -ENOMEM;
	}
	if (st->w) {
		memcpy(w + (st->lo - lo), st->w, st->cap * sizeof(*w));
		free(st->w);
	}
	st->w = w;
	st->lo = (int32_t)lo;
	st->cap = (uint32_t)(hi - lo);
	return 0;
}

static int store_add(struct store *st, int32_t i, double w)
{
	int r = store_reach(st, i);

	if (r < 0) {
		return r;
	}
	st->w[i - st->lo] += w;
	if (!st->used || i < st->first) {
		st->first = i;
	}
	if (!st->used || i > st->last) {
		st->last = i;
	}
	st->used = true;
	return 0;
}

static int32_t index_of(const struct tv_sketch *s, double mag)
{
	return (int32_t)ceil(log(mag) * s->inv_lg);
}

/* the value that stands for bucket @i: within alpha of all it holds */
static double value_of(const struct tv_sketch *s, int32_t i)
{
	return 2 * exp((double)i * s->lg) / (s->gamma + 1);
}

int tv_sketch_add(struct tv_sketch *s, double x, double w)
{
	int r;

	if (!isfinite(x) || !isfinite(w) || w <= 0) {
		return -TV_EUSAGE;
	}
	if (fabs(x) < TV_SKETCH_MIN_VALUE) {
		s->zero += w;
		r = 0;
	} else if (x > 0) {
		r = store_add(&s->pos, index_of(s, x), w);
	} else {
		r = store_add(&s->neg, index_of(s, -x), w);
	}
	if (r == 0) {
		s->total += w;
	}
	return r;
}

static int store_merge(struct store *dst, const struct store *src)
{
	int r;

	if (!src->used) {
		return 0;
	}
	/* reach both ends first so the loop below cannot fail half way */
	r = store_reach(dst, src->first);
	if (r == 0) {
		r = store_reach(dst, src->last);
	}
	for (int32_t i = src->first; r == 0 && i <= src->last; i++) {
		double w = src->w[i - src->lo];

		if (w > 0) {
			r = store_add(dst, i, w);
		}
	}
	return r;
}

int tv_sketch_merge(struct tv_sketch *dst, const struct tv_sketch *src)
{
	int r;

	if (dst->alpha != src->alpha) {
		return -TV_EUSAGE;
	}
	r = store_merge(&dst->pos, &src->pos);
	if (r == 0) {
		r = store_merge(&dst->neg, &src->neg);
	}
	if (r == 0) {
		dst->zero += src->zero;
		dst->total += src->total;
	}
	return r;
}

int tv_sketch_walk(const struct tv_sketch *s, int (*fn)(void *udata, double value, double w),
		   void *udata)
{
	const struct store *n = &s->neg, *p = &s->pos;
	int r = 0;

	for (int32_t i = n->last; n->used && r == 0 && i >= n->first; i--) {
		if (n->w[i - n->lo] > 0) {
			r = fn(udata, -value_of(s, i), n->w[i - n->lo]);
		}
	}
	if (r == 0 && s->zero > 0) {
		r = fn(udata, 0, s->zero);
	}
	for (int32_t i = p->first; p->used && r == 0 && i <= p->last; i++) {
		if (p->w[i - p->lo] > 0) {
			r = fn(udata, value_of(s, i), p->w[i - p->lo]);
		}
	}
	return r;
}

struct rank_walk {
	double target, cum, value;
	bool found;
};

static int rank_step(void *udata, double value, double w)
{
	struct rank_walk *rw = udata;

	rw->cum += w;
	rw->value = value;
	if (rw->cum >= rw->target) {
		rw->found = true;
		return 1;
	}
	return 0;
}

bool tv_sketch_rank(const struct tv_sketch *s, double target, double *out)
{
	struct rank_walk rw = { .target = target };

	if (!(s->total > 0)) {
		return false;
	}
	tv_sketch_walk(s, rank_step, &rw);
	*out = rw.value; /* the last bucket when the target is past the end */
	return true;
}

static void store_write(const struct store *st, struct tv_jw *w)
{
	tv_jw_arr_begin(w);
	if (st->used) {
		tv_jw_int(w, st->first);
		for (int32_t i = st->first; i <= st->last; i++) {
			tv_jw_double(w, st->w[i - st->lo]);
		}
	}
	tv_jw_arr_end(w);
}

void tv_sketch_write(const struct tv_sketch *s, struct tv_jw *w)
{
	tv_jw_obj_begin(w);
	TV_JW_KEY(w, "alpha");
	tv_jw_double(w, s->alpha);
	TV_JW_KEY(w, "zero");
	tv_jw_double(w, s->zero);
	TV_JW_KEY(w, "pos");
	store_write(&s->pos, w);
	TV_JW_KEY(w, "neg");
	store_write(&s->neg, w);
	tv_jw_obj_end(w);
}

/* [FIRST, W...] into @st; weights are added through store_add */
static int store_read(struct tv_sketch *s, struct store *st, const struct tv_jv *arr,
		      const char **why)
{
	struct tv_jiter it;
	struct tv_jv v;
	const char *k;
	size_t kn;
	int64_t i = 0;
	bool first = true;
	double w;
	int r;

	if (tv_jv_type(arr) != TV_J_ARRAY) {
		*why = "sketch buckets are not an array";
		return -TV_EPARSE;
	}
	tv_jv_iter_init(arr, &it);
	while (tv_jv_iter_next(&it, &k, &kn, &v)) {
		if (first) {
			if (!tv_jv_int(&v, &i) || i < -MAX_INDEX || i > MAX_INDEX) {
				*why = "bad sketch bucket index";
				return -TV_EPARSE;
			}
			first = false;
			continue;
		}
		if (!tv_jv_num(&v, &w) || !isfinite(w) || w < 0 || i > MAX_INDEX) {
			*why = "bad sketch bucket weight";
			return -TV_EPARSE;
		}
		if (w > 0) {
			r = store_add(st, (int32_t)i, w);
			if (r < 0) {
				return r;
			}
			s->total += w;
		}
		i++;
	}
	return 0;
}

static bool get_num(const struct tv_jv *obj, const char *key, double *out)
{
	struct tv_jv v;

	return tv_jv_get(obj, key, &v) && tv_jv_num(&v, out) && isfinite(*out);
}

int tv_sketch_read(const struct tv_jv *v, struct tv_sketch **out, const char **why)
{
	struct tv_sketch *s = NULL;
	struct tv_jv pos, neg;
	double alpha, zero;
	int r;

	if (!get_num(v, "alpha", &alpha) || !get_num(v, "zero", &zero) || zero < 0 ||
	    !tv_jv_get(v, "pos", &pos) || !tv_jv_get(v, "neg", &neg)) {
		*why = "a sketch needs alpha, zero, pos and neg";
		return -TV_EPARSE;
	}
	r = tv_sketch_create(alpha, &s);
	if (r == -TV_EUSAGE) {
		*why = "bad sketch alpha";
		return -TV_EPARSE;
	}
	if (r < 0) {
		return r;
	}
	s->zero = zero;
	s->total = zero;
	r = store_read(s, &s->pos, &pos, why);
	if (r == 0) {
		r = store_read(s, &s->neg, &neg, why);
	}
	if (r < 0) {
		tv_sketch_destroy(s);
		return r;
	}
	*out = s;
	return 0;
}
