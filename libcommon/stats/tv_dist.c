// SPDX-License-Identifier: MIT
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libcommon/core/tv_error.h"
#include "libcommon/core/tv_int.h"
#include "libcommon/stats/tv_dist.h"

/* a weighted target is reached at this fraction of it: sums of doubles round */
#define TARGET_SLACK (1 - 1e-12)

void tv_dist_init(struct tv_dist *d, size_t exact_max, double alpha)
{
	*d = (struct tv_dist){
		.unit = true, .sorted = true, .exact_max = exact_max, .alpha = alpha
	};
}

void tv_dist_finish(struct tv_dist *d)
{
	free(d->v);
	free(d->vw);
	tv_sketch_destroy(d->sk);
	tv_dist_init(d, d->exact_max, d->alpha);
}

bool tv_dist_exact(const struct tv_dist *d)
{
	return d->sk == NULL;
}

/* move the list into a sketch; @d is unchanged on failure */
static int to_sketch(struct tv_dist *d)
{
	struct tv_sketch *sk;
	int r = tv_sketch_create(d->alpha, &sk);

	for (size_t i = 0; r == 0 && i < d->len; i++) {
		r = tv_sketch_add(sk, (double)d->v[i], d->vw ? d->vw[i] : 1);
	}
	if (r < 0) {
		if (r != -TV_EUSAGE) {
			tv_sketch_destroy(sk);
		}
		return r;
	}
	free(d->v);
	free(d->vw);
	d->v = NULL;
	d->vw = NULL;
	d->len = d->cap = 0;
	d->sk = sk;
	return 0;
}

static int list_reserve(struct tv_dist *d, size_t want, bool weights)
{
	size_t cap = d->cap ? d->cap : 16;
	int64_t *v;
	double *vw;

	while (cap < want) {
		cap *= 2;
	}
	if (cap > d->exact_max && want <= d->exact_max) {
		cap = d->exact_max;
	}
	if (cap > d->cap) {
		v = realloc(d->v, cap * sizeof(*v));
		if (v == NULL) {
			return -ENOMEM;
		}
		d->v = v;
		if (d->vw) {
			vw = realloc(d->vw, cap * sizeof(*vw));
			if (vw == NULL) {
				return -ENOMEM;
			}
			d->vw = vw;
		}
		d->cap = cap;
	}
	if (weights && d->vw == NULL) {
		d->vw = malloc(d->cap * sizeof(*d->vw));
		if (d->vw == NULL) {
			return -ENOMEM;
		}
		for (size_t i = 0; i < d->len; i++) {
			d->vw[i] = 1;
		}
	}
	return 0;
}

static int list_add(struct tv_dist *d, int64_t x, double w)
{
	int r = list_reserve(d, d->len + 1, w != 1);

	if (r < 0) {
		return r;
	}
	if (d->len > 0 && x < d->v[d->len - 1]) {
		d->sorted = false;
	}
	d->v[d->len] = x;
	if (d->vw) {
		d->vw[d->len] = w;
	}
	d->len++;
	return 0;
}

/*
 * the high half of the 128-bit sum plus @v, modulo 2^64: sums of real
 * values never come near 2^127, those a partial state claims may, and
 * wrap instead of overflowing a signed integer
 */
static int64_t hi_add(int64_t hi, uint64_t v)
{
	return (int64_t)((uint64_t)hi + v);
}

static void sum_add(struct tv_dist *d, int64_t x)
{
	uint64_t lo = d->sum_lo + (uint64_t)x;

	/* a carry out of the low half, or the sign of x borrowed from the high one */
	d->sum_hi = hi_add(d->sum_hi, (lo < d->sum_lo ? 1u : 0u) - (x < 0 ? 1u : 0u));
	d->sum_lo = lo;
}

static void account(struct tv_dist *d, int64_t x, double w)
{
	if (d->n == 0 || x < d->min) {
		d->min = x;
	}
	if (d->n == 0 || x > d->max) {
		d->max = x;
	}
	d->n++;
	d->w += w;
	d->wsum += w * (double)x;
	sum_add(d, x);
	d->unit = d->unit && w == 1;
}

int tv_dist_add(struct tv_dist *d, int64_t x, double w)
{
	int r;

	if (!isfinite(w) || w <= 0) {
		return -TV_EUSAGE;
	}
	if (d->sk == NULL && d->n >= d->exact_max) {
		r = to_sketch(d);
		if (r < 0) {
			return r;
		}
	}
	r = d->sk ? tv_sketch_add(d->sk, (double)x, w) : list_add(d, x, w);
	if (r < 0) {
		return r;
	}
	account(d, x, w);
	return 0;
}

static int sketch_list(struct tv_sketch *sk, const struct tv_dist *src)
{
	int r = 0;

	for (size_t i = 0; r == 0 && i < src->len; i++) {
		r = tv_sketch_add(sk, (double)src->v[i], src->vw ? src->vw[i] : 1);
	}
	return r;
}

static int append_list(struct tv_dist *dst, const struct tv_dist *src)
{
	int r = list_reserve(dst, dst->len + src->len, src->vw != NULL);

	if (r < 0) {
		return r;
	}
	if (!src->sorted || (dst->len > 0 && src->len > 0 && src->v[0] < dst->v[dst->len - 1])) {
		dst->sorted = false;
	}
	memcpy(dst->v + dst->len, src->v, src->len * sizeof(*src->v));
	for (size_t i = 0; dst->vw && i < src->len; i++) {
		dst->vw[dst->len + i] = src->vw ? src->vw[i] : 1;
	}
	dst->len += src->len;
	return 0;
}

static void merge_totals(struct tv_dist *dst, const struct tv_dist *src)
{
	uint64_t lo = dst->sum_lo + src->sum_lo;

	dst->sum_hi = hi_add(dst->sum_hi, (uint64_t)src->sum_hi + (lo < dst->sum_lo ? 1u : 0u));
	dst->sum_lo = lo;
	if (dst->n == 0 || src->min < dst->min) {
		dst->min = src->min;
	}
	if (dst->n == 0 || src->max > dst->max) {
		dst->max = src->max;
	}
	dst->n = tv_addu_sat(dst->n, src->n);
	dst->w += src->w;
	dst->wsum += src->wsum;
	dst->unit = dst->unit && src->unit;
}

int tv_dist_merge(struct tv_dist *dst, const struct tv_dist *src)
{
	int r;

	if (dst->exact_max != src->exact_max || dst->alpha != src->alpha) {
		return -TV_EUSAGE;
	}
	if (src->n == 0) {
		return 0;
	}
	if (dst->sk == NULL && src->sk == NULL && dst->n + src->n <= dst->exact_max) {
		r = append_list(dst, src);
	} else {
		r = dst->sk ? 0 : to_sketch(dst);
		if (r == 0) {
			r = src->sk ? tv_sketch_merge(dst->sk, src->sk) : sketch_list(dst->sk, src);
		}
	}
	if (r < 0) {
		return r;
	}
	merge_totals(dst, src);
	return 0;
}

struct pair {
	int64_t v;
	double w;
};

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static int cmp_pair(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;

	if (x->v != y->v) {
		return x->v < y->v ? -1 : 1;
	}
	return (x->w > y->w) - (x->w < y->w);
}

static void sort_list(struct tv_dist *d)
{
	struct pair *p;

	if (d->sorted || d->len < 2) {
		d->sorted = true;
		return;
	}
	if (d->vw == NULL) {
		qsort(d->v, d->len, sizeof(*d->v), cmp_i64);
		d->sorted = true;
		return;
	}
	p = malloc(d->len * sizeof(*p));
	if (p == NULL) {
		return; /* the caller falls back to a scan */
	}
	for (size_t i = 0; i < d->len; i++) {
		p[i] = (struct pair){ d->v[i], d->vw[i] };
	}
	qsort(p, d->len, sizeof(*p), cmp_pair);
	for (size_t i = 0; i < d->len; i++) {
		d->v[i] = p[i].v;
		d->vw[i] = p[i].w;
	}
	free(p);
	d->sorted = true;
}

/* the 1-based nearest rank of @bp basis points among @n values, without overflow */
static uint64_t nearest_rank(uint64_t n, unsigned bp)
{
	uint64_t r = (n / 10000) * bp + ((n % 10000) * bp + 9999) / 10000;

	return r ? r : 1;
}

/* the weighted rule on an unsorted list: the smallest value whose weight below reaches target */
static double weighted_scan(const struct tv_dist *d, double target)
{
	double best = (double)d->max;

	for (size_t i = 0; i < d->len; i++) {
		double below = 0;

		if ((double)d->v[i] >= best) {
			continue;
		}
		for (size_t j = 0; j < d->len; j++) {
			below += d->v[j] <= d->v[i] ? d->vw[j] : 0;
		}
		if (below >= target) {
			best = (double)d->v[i];
		}
	}
	return best;
}

static double list_percentile(struct tv_dist *d, unsigned bp)
{
	double target = (double)bp / 10000 * d->w * TARGET_SLACK, cum = 0;

	sort_list(d);
	if (d->vw == NULL) {
		return (double)d->v[nearest_rank(d->n, bp) - 1];
	}
	if (!d->sorted) {
		return weighted_scan(d, target);
	}
	for (size_t i = 0; i < d->len; i++) {
		cum += d->vw[i];
		if (cum >= target) {
			return (double)d->v[i];
		}
	}
	return (double)d->max;
}

bool tv_dist_percentile(struct tv_dist *d, unsigned bp, double *out)
{
	double target, v;

	if (d->n == 0) {
		return false;
	}
	if (bp == 0 || bp >= 10000) {
		*out = (double)(bp == 0 ? d->min : d->max);
		return true;
	}
	if (d->sk == NULL) {
		*out = list_percentile(d, bp);
		return true;
	}
	if (d->unit) {
		target = (double)nearest_rank(d->n, bp);
	} else {
		target = (double)bp / 10000 * d->w * TARGET_SLACK;
	}
	if (!tv_sketch_rank(d->sk, target, &v)) {
		return false;
	}
	*out = fmin(fmax(v, (double)d->min), (double)d->max);
	return true;
}

bool tv_dist_mean(const struct tv_dist *d, double *out)
{
	if (d->n == 0) {
		return false;
	}
	if (d->unit) {
		/* the exact sum, rounded once */
		*out = ((double)d->sum_hi * 18446744073709551616.0 + (double)d->sum_lo) /
		       (double)d->n;
	} else {
		*out = d->wsum / d->w;
	}
	return true;
}

static size_t bin_of(const double *edges, size_t n_edges, double x)
{
	size_t lo = 0, hi = n_edges - 1; /* bins 0 .. n_edges - 2 */

	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (x >= edges[mid]) {
			lo = mid;
		} else {
			hi = mid;
		}
	}
	return lo;
}

struct hist {
	const double *edges;
	size_t n_edges;
	double *w;
};

static int hist_step(void *udata, double value, double w)
{
	struct hist *h = udata;

	h->w[bin_of(h->edges, h->n_edges, value)] += w;
	return 0;
}

void tv_dist_histogram(const struct tv_dist *d, const double *edges, size_t n_edges, double *w)
{
	struct hist h = { edges, n_edges, w };

	if (n_edges < 2) {
		return;
	}
	for (size_t i = 0; i + 1 < n_edges; i++) {
		w[i] = 0;
	}
	if (d->sk) {
		tv_sketch_walk(d->sk, hist_step, &h);
		return;
	}
	for (size_t i = 0; i < d->len; i++) {
		hist_step(&h, (double)d->v[i], d->vw ? d->vw[i] : 1);
	}
}

static void write_list(const struct tv_dist *d, struct tv_jw *w)
{
	TV_JW_KEY(w, "values");
	tv_jw_arr_begin(w);
	for (size_t i = 0; i < d->len; i++) {
		tv_jw_int(w, d->v[i]);
	}
	tv_jw_arr_end(w);
	if (d->vw) {
		TV_JW_KEY(w, "weights");
		tv_jw_arr_begin(w);
		for (size_t i = 0; i < d->len; i++) {
			tv_jw_double(w, d->vw[i]);
		}
		tv_jw_arr_end(w);
	}
}

void tv_dist_write(struct tv_dist *d, struct tv_jw *w)
{
	sort_list(d); /* equal distributions, equal text */
	tv_jw_obj_begin(w);
	TV_JW_KEY(w, "n");
	tv_jw_int(w, (int64_t)d->n);
	TV_JW_KEY(w, "w");
	tv_jw_double(w, d->w);
	TV_JW_KEY(w, "wsum");
	tv_jw_double(w, d->wsum);
	TV_JW_KEY(w, "sum");
	tv_jw_arr_begin(w);
	tv_jw_int(w, d->sum_hi);
	tv_jw_int(w, (int64_t)d->sum_lo);
	tv_jw_arr_end(w);
	TV_JW_KEY(w, "min");
	tv_jw_int(w, d->n ? d->min : 0);
	TV_JW_KEY(w, "max");
	tv_jw_int(w, d->n ? d->max : 0);
	TV_JW_KEY(w, "unit");
	tv_jw_bool(w, d->unit);
	if (d->sk) {
		TV_JW_KEY(w, "sketch");
		tv_sketch_write(d->sk, w);
	} else {
		write_list(d, w);
	}
	tv_jw_obj_end(w);
}

static bool get_i64(const struct tv_jv *obj, const char *key, int64_t *out)
{
	struct tv_jv v;

	return tv_jv_get(obj, key, &v) && tv_jv_int(&v, out);
}

static bool get_dbl(const struct tv_jv *obj, const char *key, double *out)
{
	struct tv_jv v;

	return tv_jv_get(obj, key, &v) && tv_jv_num(&v, out) && isfinite(*out);
}

/* the scalar members; the values come after */
static int read_totals(struct tv_dist *d, const struct tv_jv *v, const char **why)
{
	struct tv_jv sum, hi, lo, unit;
	struct tv_jiter it;
	const char *k;
	size_t kn;
	int64_t n, h, l;
	bool u;

	if (!get_i64(v, "n", &n) || n < 0 || !get_dbl(v, "w", &d->w) ||
	    !get_dbl(v, "wsum", &d->wsum) || !get_i64(v, "min", &d->min) ||
	    !get_i64(v, "max", &d->max) || !tv_jv_get(v, "unit", &unit) || !tv_jv_bool(&unit, &u) ||
	    !tv_jv_get(v, "sum", &sum) || tv_jv_len(&sum) != 2) {
		*why = "a distribution needs n, w, wsum, sum, min, max and unit";
		return -TV_EPARSE;
	}
	tv_jv_iter_init(&sum, &it);
	if (!tv_jv_iter_next(&it, &k, &kn, &hi) || !tv_jv_iter_next(&it, &k, &kn, &lo) ||
	    !tv_jv_int(&hi, &h) || !tv_jv_int(&lo, &l)) {
		*why = "a distribution's sum is two integers";
		return -TV_EPARSE;
	}
	d->n = (uint64_t)n;
	d->sum_hi = h;
	d->sum_lo = (uint64_t)l;
	d->unit = u;
	return 0;
}

static int read_weights(struct tv_dist *d, const struct tv_jv *arr, const char **why)
{
	struct tv_jiter it;
	struct tv_jv e;
	const char *k;
	size_t kn, i = 0;
	double w;

	if (tv_jv_len(arr) != d->len) {
		*why = "a distribution has as many weights as values";
		return -TV_EPARSE;
	}
	tv_jv_iter_init(arr, &it);
	while (tv_jv_iter_next(&it, &k, &kn, &e)) {
		if (!tv_jv_num(&e, &w) || !isfinite(w) || w <= 0) {
			*why = "bad weight in a distribution";
			return -TV_EPARSE;
		}
		d->vw[i++] = w;
	}
	return 0;
}

static int read_list(struct tv_dist *d, const struct tv_jv *v, const char **why)
{
	struct tv_jv vals, wts, e;
	struct tv_jiter it;
	const char *k;
	size_t kn;
	bool has_w = tv_jv_get(v, "weights", &wts);
	int r;

	if (!tv_jv_get(v, "values", &vals) || tv_jv_type(&vals) != TV_J_ARRAY ||
	    tv_jv_len(&vals) != d->n || d->n > d->exact_max) {
		*why = "a distribution's values do not match its count";
		return -TV_EPARSE;
	}
	r = list_reserve(d, d->n, has_w);
	if (r < 0) {
		return r;
	}
	tv_jv_iter_init(&vals, &it);
	while (tv_jv_iter_next(&it, &k, &kn, &e)) {
		if (!tv_jv_int(&e, &d->v[d->len])) {
			*why = "a distribution's values are integers";
			return -TV_EPARSE;
		}
		d->sorted = d->sorted && (d->len == 0 || d->v[d->len] >= d->v[d->len - 1]);
		d->len++;
	}
	return has_w ? read_weights(d, &wts, why) : 0;
}

int tv_dist_read(struct tv_dist *d, const struct tv_jv *v, const char **why)
{
	struct tv_jv sk;
	int r = read_totals(d, v, why);

	if (r < 0) {
		return r;
	}
	if (!tv_jv_get(v, "sketch", &sk)) {
		return read_list(d, v, why);
	}
	if (d->n <= d->exact_max) {
		*why = "a distribution this small has no sketch";
		return -TV_EPARSE;
	}
	r = tv_sketch_read(&sk, &d->sk, why);
	if (r == 0 && tv_sketch_alpha(d->sk) != d->alpha) {
		*why = "a sketch of another relative error";
		r = -TV_EPARSE;
	}
	return r;
}
