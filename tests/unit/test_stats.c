// SPDX-License-Identifier: MIT
/*
 * The distributions of televal-aggregate (stats/tv_dist.c, stats/tv_sketch.c):
 * exact nearest-rank percentiles against a reference computed here by
 * sorting, the sketch's relative error bound on a million values from
 * skewed distributions, merges of K shards equal to one run, weights, and
 * the serialised form read back.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "libcommon/core/tv_error.h"
#include "libcommon/json/tv_json.h"
#include "libcommon/json/tv_jw.h"
#include "libcommon/stats/tv_dist.h"
#include "libcommon/stats/tv_sketch.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define MILLION 1000000

static const unsigned bps[] = { 1, 100, 500, 1000, 2500, 5000, 7500, 9000, 9500, 9900, 9990, 9999 };

/* ---- a reproducible generator (xorshift64*) and skewed distributions ---- */

static uint64_t rng_state;

static double uniform(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (double)((rng_state * UINT64_C(2685821657736338717)) >> 11) / 9007199254740992.0;
}

static double normal(void)
{
	double u = uniform(), v = uniform();

	return sqrt(-2 * log(u > 0 ? u : 1e-300)) * cos(6.283185307179586 * v);
}

enum shape {
	LOGNORMAL,
	PARETO,
	EXPONENTIAL,
	BIMODAL,
	WITH_ZEROS,
	NSHAPES
};

static const char *shape_name[] = { "lognormal", "pareto", "exponential", "bimodal", "with zeros" };

/* a latency in nanoseconds, or a token count, of the given shape */
static int64_t draw(enum shape s)
{
	double u = uniform();

	switch (s) {
	case LOGNORMAL: /* LLM latency: median about 1.5 s */
		return (int64_t)(exp(7.3 + 0.7 * normal()) * 1e6);
	case PARETO: /* a heavy tail: alpha 1.1 from 1 ms */
		return (int64_t)(1e6 / pow(1 - u, 1 / 1.1));
	case EXPONENTIAL:
		return (int64_t)(-log(1 - u) * 5e8) + 1;
	case BIMODAL: /* cache hits and misses */
		return u < 0.7 ? (int64_t)(exp(4 + 0.3 * normal()) * 1e6)
			       : (int64_t)(exp(9 + 0.5 * normal()) * 1e6);
	default: /* token counts, a fifth of them 0 */
		return u < 0.2 ? 0 : (int64_t)(exp(8 + 1.5 * normal()));
	}
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* the reference: sort, take rank ceil(p * n) (1-based) */
static int64_t reference(const int64_t *sorted, size_t n, unsigned bp)
{
	size_t rank = (size_t)ceil((double)bp * (double)n / 10000.0 - 1e-9);

	return sorted[rank ? rank - 1 : 0];
}

/* ---- exact percentiles ---- */

static void test_exact_small(void **state)
{
	/* the worked example of the nearest-rank method: 15 20 35 40 50 */
	static const int64_t v[] = { 50, 15, 40, 20, 35 };
	static const struct {
		unsigned bp;
		double want;
	} c[] = { { 0, 15 }, { 500, 15 }, { 3000, 20 }, { 4000, 20 }, { 5000, 35 }, { 10000, 50 } };
	struct tv_dist d;
	double got;

	(void)state;
	tv_dist_init(&d, 16, 0.01);
	assert_false(tv_dist_percentile(&d, 5000, &got));
	for (size_t i = 0; i < N(v); i++) {
		assert_int_equal(tv_dist_add(&d, v[i], 1), 0);
	}
	for (size_t i = 0; i < N(c); i++) {
		assert_true(tv_dist_percentile(&d, c[i].bp, &got));
		assert_true(got == c[i].want);
	}
	assert_true(tv_dist_mean(&d, &got));
	assert_true(got == 32);
	assert_true(tv_dist_exact(&d));
	tv_dist_finish(&d);
}

static void test_exact_reference(void **state)
{
	size_t n = 4000;
	int64_t *ref = malloc(n * sizeof(*ref));
	struct tv_dist d;
	double got;

	(void)state;
	assert_non_null(ref);
	rng_state = 42;
	tv_dist_init(&d, TV_DIST_EXACT_MAX, 0.01);
	for (size_t i = 0; i < n; i++) {
		ref[i] = draw((enum shape)(i % NSHAPES));
		assert_int_equal(tv_dist_add(&d, ref[i], 1), 0);
	}
	qsort(ref, n, sizeof(*ref), cmp_i64);
	assert_true(tv_dist_exact(&d));
	for (size_t i = 0; i < N(bps); i++) {
		assert_true(tv_dist_percentile(&d, bps[i], &got));
		assert_true(got == (double)reference(ref, n, bps[i]));
	}
	assert_true(d.min == ref[0] && d.max == ref[n - 1]);
	tv_dist_finish(&d);
	free(ref);
}

/* a weight of 3 counts as three values of weight 1 */
static void test_weighted(void **state)
{
	struct tv_dist w, u;
	double a, b;

	(void)state;
	tv_dist_init(&w, 64, 0.01);
	tv_dist_init(&u, 64, 0.01);
	rng_state = 7;
	for (int i = 0; i < 20; i++) {
		int64_t x = draw(LOGNORMAL);
		int k = 1 + i % 3;

		assert_int_equal(tv_dist_add(&w, x, k), 0);
		for (int j = 0; j < k; j++) {
			assert_int_equal(tv_dist_add(&u, x, 1), 0);
		}
	}
	assert_false(w.unit);
	for (size_t i = 0; i < N(bps); i++) {
		assert_true(tv_dist_percentile(&w, bps[i], &a));
		assert_true(tv_dist_percentile(&u, bps[i], &b));
		assert_true(a == b);
	}
	assert_true(tv_dist_mean(&w, &a) && tv_dist_mean(&u, &b));
	assert_true(fabs(a - b) <= 1e-9 * b);
	assert_int_equal(tv_dist_add(&w, 1, 0), -TV_EUSAGE);
	assert_int_equal(tv_dist_add(&w, 1, NAN), -TV_EUSAGE);
	tv_dist_finish(&w);
	tv_dist_finish(&u);
}

/* ---- the sketch ---- */

static void check_bound(struct tv_dist *d, const int64_t *sorted, size_t n, double alpha,
			const char *what)
{
	for (size_t i = 0; i < N(bps); i++) {
		double got, want = (double)reference(sorted, n, bps[i]);

		assert_true(tv_dist_percentile(d, bps[i], &got));
		if (fabs(got - want) > alpha * fabs(want) * (1 + 1e-9)) {
			fail_msg("%s: p%.2f = %.17g, exact %.17g: relative error %g > %g", what,
				 bps[i] / 100.0, got, want, fabs(got - want) / fabs(want), alpha);
		}
	}
}

static void test_sketch_bound(void **state)
{
	int64_t *v = malloc(MILLION * sizeof(*v));
	static const double alphas[] = { 0.01, 0.05 };

	(void)state;
	assert_non_null(v);
	for (size_t a = 0; a < N(alphas); a++) {
		for (int s = 0; s < NSHAPES; s++) {
			struct tv_dist d;
			char what[64];

			rng_state = 1000 + (uint64_t)s;
			tv_dist_init(&d, TV_DIST_EXACT_MAX, alphas[a]);
			for (size_t i = 0; i < MILLION; i++) {
				v[i] = draw((enum shape)s);
				assert_int_equal(tv_dist_add(&d, v[i], 1), 0);
			}
			assert_false(tv_dist_exact(&d));
			qsort(v, MILLION, sizeof(*v), cmp_i64);
			snprintf(what, sizeof(what), "%s at %g", shape_name[s], alphas[a]);
			check_bound(&d, v, MILLION, alphas[a], what);
			assert_true(d.n == MILLION);
			assert_true(d.min == v[0] && d.max == v[MILLION - 1]);
			tv_dist_finish(&d);
		}
	}
	free(v);
}

static void test_sketch_negative(void **state)
{
	struct tv_sketch *s;
	double got;
	static const double x[] = { -1000, -10, -1e-12, 0, 5, 7, 1e6 };

	(void)state;
	assert_int_equal(tv_sketch_create(0.0001, &s), -TV_EUSAGE);
	assert_int_equal(tv_sketch_create(0.01, &s), 0);
	assert_false(tv_sketch_rank(s, 1, &got));
	for (size_t i = 0; i < N(x); i++) {
		assert_int_equal(tv_sketch_add(s, x[i], 1), 0);
	}
	assert_int_equal(tv_sketch_add(s, INFINITY, 1), -TV_EUSAGE);
	for (size_t i = 0; i < N(x); i++) {
		assert_true(tv_sketch_rank(s, (double)i + 1, &got));
		assert_true(fabs(got - x[i]) <= 0.01 * fabs(x[i]) * (1 + 1e-9) + 1e-9);
	}
	assert_true(tv_sketch_weight(s) == 7);
	tv_sketch_destroy(s);
}

/* ---- merges: K shards, merged, answer as one run ---- */

static void same_dist(struct tv_dist *a, struct tv_dist *b)
{
	double x, y;

	assert_true(a->n == b->n && a->min == b->min && a->max == b->max);
	assert_true(a->sum_hi == b->sum_hi && a->sum_lo == b->sum_lo);
	assert_int_equal(tv_dist_exact(a), tv_dist_exact(b));
	if (a->n == 0) {
		assert_false(tv_dist_percentile(a, 5000, &x) || tv_dist_mean(b, &y));
		return;
	}
	for (size_t i = 0; i < N(bps); i++) {
		assert_true(tv_dist_percentile(a, bps[i], &x));
		assert_true(tv_dist_percentile(b, bps[i], &y));
		assert_true(x == y);
	}
	assert_true(tv_dist_mean(a, &x) && tv_dist_mean(b, &y));
	assert_true(x == y);
}

static void merge_shards(size_t n, size_t k, size_t exact_max)
{
	struct tv_dist one, merged, *shard = calloc(k, sizeof(*shard));

	assert_non_null(shard);
	tv_dist_init(&one, exact_max, 0.01);
	tv_dist_init(&merged, exact_max, 0.01);
	for (size_t j = 0; j < k; j++) {
		tv_dist_init(&shard[j], exact_max, 0.01);
	}
	rng_state = 99 + n;
	for (size_t i = 0; i < n; i++) {
		int64_t x = draw((enum shape)(i % NSHAPES));

		assert_int_equal(tv_dist_add(&one, x, 1), 0);
		/* uneven shards: a value goes to shard hash(i) mod k */
		assert_int_equal(tv_dist_add(&shard[(i * 2654435761u >> 7) % k], x, 1), 0);
	}
	for (size_t j = 0; j < k; j++) {
		assert_int_equal(tv_dist_merge(&merged, &shard[j]), 0);
		tv_dist_finish(&shard[j]);
	}
	same_dist(&one, &merged);
	tv_dist_finish(&one);
	tv_dist_finish(&merged);
	free(shard);
}

static void test_merge_equals_one_run(void **state)
{
	static const size_t ks[] = { 1, 2, 7 };

	(void)state;
	for (size_t i = 0; i < N(ks); i++) {
		merge_shards(3000, ks[i], 4096);   /* exact everywhere */
		merge_shards(6000, ks[i], 4096);   /* shards exact, the merge a sketch */
		merge_shards(200000, ks[i], 4096); /* sketches */
		merge_shards(500, ks[i], 0);	   /* sketches from the first value */
	}
}

static void test_merge_mismatch(void **state)
{
	struct tv_dist a, b;

	(void)state;
	tv_dist_init(&a, 10, 0.01);
	tv_dist_init(&b, 10, 0.02);
	assert_int_equal(tv_dist_add(&b, 3, 1), 0);
	assert_int_equal(tv_dist_merge(&a, &b), -TV_EUSAGE);
	tv_dist_finish(&a);
	tv_dist_finish(&b);
}

/* ---- the serialised form ---- */

static void roundtrip(struct tv_dist *d)
{
	struct tv_json_parser *p = tv_json_parser_create();
	struct tv_strbuf b;
	struct tv_jw w;
	struct tv_jv root;
	struct tv_dist back;
	const char *why = NULL;

	assert_non_null(p);
	tv_strbuf_init(&b);
	tv_jw_init(&w, &b);
	tv_dist_write(d, &w);
	assert_int_equal(tv_jw_error(&w), 0);
	assert_int_equal(tv_json_parse(p, b.p, b.len, &root, NULL), 0);
	tv_dist_init(&back, d->exact_max, d->alpha);
	assert_int_equal(tv_dist_read(&back, &root, &why), 0);
	same_dist(d, &back);
	assert_true(back.w == d->w && back.wsum == d->wsum && back.unit == d->unit);
	tv_dist_finish(&back);
	tv_strbuf_finish(&b);
	tv_json_parser_destroy(p);
}

static void test_roundtrip(void **state)
{
	struct tv_dist d;

	(void)state;
	tv_dist_init(&d, 100, 0.01);
	roundtrip(&d);
	rng_state = 5;
	for (int i = 0; i < 50; i++) {
		assert_int_equal(tv_dist_add(&d, draw(PARETO), i % 4 ? 1 : 2.5), 0);
	}
	roundtrip(&d);
	for (int i = 0; i < 5000; i++) {
		assert_int_equal(tv_dist_add(&d, -draw(WITH_ZEROS), 1), 0);
	}
	assert_false(tv_dist_exact(&d));
	roundtrip(&d);
	tv_dist_finish(&d);
}

static void test_read_rejects(void **state)
{
	static const char *bad[] = {
		"{}",
		"{\"n\":2,\"w\":2,\"wsum\":3,\"sum\":[0,3],\"min\":1,\"max\":2,\"unit\":true,"
		"\"values\":[1]}",
		"{\"n\":1,\"w\":1,\"wsum\":1,\"sum\":[0,1],\"min\":1,\"max\":1,\"unit\":true,"
		"\"values\":[\"x\"]}",
		"{\"n\":1,\"w\":1,\"wsum\":1,\"sum\":[0,1],\"min\":1,\"max\":1,\"unit\":true,"
		"\"sketch\":{\"alpha\":0.01,\"zero\":0,\"pos\":[0,1],\"neg\":[]}}",
		"{\"n\":200,\"w\":1,\"wsum\":1,\"sum\":[0,1],\"min\":1,\"max\":1,\"unit\":true,"
		"\"sketch\":{\"alpha\":0.02,\"zero\":0,\"pos\":[0,1],\"neg\":[]}}",
		"{\"n\":200,\"w\":1,\"wsum\":1,\"sum\":[0,1],\"min\":1,\"max\":1,\"unit\":true,"
		"\"sketch\":{\"alpha\":0.01,\"zero\":0,\"pos\":[0,-1],\"neg\":[]}}",
	};
	struct tv_json_parser *p = tv_json_parser_create();

	(void)state;
	for (size_t i = 0; i < N(bad); i++) {
		struct tv_dist d;
		struct tv_jv root;
		const char *why = NULL;
		struct tv_strbuf b;

		tv_strbuf_init(&b);
		tv_strbuf_puts(&b, bad[i]);
		assert_int_equal(tv_json_parse(p, b.p, b.len, &root, NULL), 0);
		tv_dist_init(&d, 100, 0.01);
		assert_int_equal(tv_dist_read(&d, &root, &why), -TV_EPARSE);
		assert_non_null(why);
		tv_dist_finish(&d);
		tv_strbuf_finish(&b);
	}
	tv_json_parser_destroy(p);
}

static void test_histogram(void **state)
{
	static const double edges[] = { 0, 10, 100, 1000 };
	double w[3], ws[3];
	struct tv_dist d, s;

	(void)state;
	tv_dist_init(&d, 100, 0.01);
	tv_dist_init(&s, 0, 0.01);
	for (int64_t x = 1; x <= 2000; x *= 3) { /* 1 3 9 27 81 243 729 */
		assert_int_equal(tv_dist_add(&d, x, 1), 0);
		assert_int_equal(tv_dist_add(&s, x, 1), 0);
	}
	assert_int_equal(tv_dist_add(&d, 5000, 1), 0); /* past the last edge: last bin */
	assert_int_equal(tv_dist_add(&s, 5000, 1), 0);
	tv_dist_histogram(&d, edges, N(edges), w);
	tv_dist_histogram(&s, edges, N(edges), ws);
	assert_true(w[0] == 3 && w[1] == 2 && w[2] == 3);
	assert_true(ws[0] == 3 && ws[1] == 2 && ws[2] == 3);
	tv_dist_finish(&d);
	tv_dist_finish(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact_small),	cmocka_unit_test(test_exact_reference),
		cmocka_unit_test(test_weighted),	cmocka_unit_test(test_sketch_bound),
		cmocka_unit_test(test_sketch_negative), cmocka_unit_test(test_merge_equals_one_run),
		cmocka_unit_test(test_merge_mismatch),	cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_read_rejects),	cmocka_unit_test(test_histogram),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
