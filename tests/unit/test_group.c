// SPDX-License-Identifier: MIT
/*
 * tv_group: open sessions by key: creation, lookup, expiry by idle time,
 * eviction, flushing in a deterministic order, reopened keys, growth, and
 * freeing what is still open (ASan checks for leaks).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "libcommon/read/tv_group.h"

/* the ids emitted, in order */
struct sink {
	char **ids;
	size_t n, cap;
	size_t fail_at; /* return -EIO for this emit (1-based), 0 never */
	size_t calls;
};

static int emit_cb(void *udata, struct tv_session *s)
{
	struct sink *k = udata;

	k->calls++;
	if (k->fail_at && k->calls == k->fail_at) {
		tv_session_destroy(s);
		return -EIO;
	}
	if (k->n == k->cap) {
		k->cap = k->cap ? k->cap * 2 : 16;
		k->ids = realloc(k->ids, k->cap * sizeof(*k->ids));
		assert_non_null(k->ids);
	}
	k->ids[k->n++] = tv_strndup(s->id, strlen(s->id));
	tv_session_destroy(s);
	return 0;
}

static void sink_free(struct sink *k)
{
	for (size_t i = 0; i < k->n; i++) {
		free(k->ids[i]);
	}
	free(k->ids);
	memset(k, 0, sizeof(*k));
}

static void expect_ids(const struct sink *k, const char *const *want, size_t n)
{
	if (k->n != n) {
		fail_msg("emitted %zu sessions, want %zu", k->n, n);
	}
	for (size_t i = 0; i < n; i++) {
		if (strcmp(k->ids[i], want[i]) != 0) {
			fail_msg("emit #%zu: %s, want %s", i, k->ids[i], want[i]);
		}
	}
}

static struct tv_session *get(struct tv_group *g, const char *key, int64_t t, bool *created,
			      bool *reopened)
{
	struct tv_session *s = tv_group_get(g, key, strlen(key), t, created, reopened);

	assert_non_null(s);
	return s;
}

static void test_create_destroy(void **state)
{
	struct tv_group *g = tv_group_create();

	(void)state;
	assert_non_null(g);
	assert_int_equal(tv_group_count(g), 0);
	assert_int_equal(tv_group_clock(g), TV_NONE);
	tv_group_destroy(g);
	tv_group_destroy(NULL);
}

static void test_get_creates_once(void **state)
{
	struct tv_group *g = tv_group_create();
	struct tv_session *a, *b, *a2;
	bool created, reopened;

	(void)state;
	a = get(g, "alpha", 100, &created, &reopened);
	assert_true(created);
	assert_false(reopened);
	assert_string_equal(a->id, "alpha");
	assert_int_equal(tv_group_count(g), 1);
	b = get(g, "beta", 50, &created, &reopened);
	assert_true(created);
	assert_ptr_not_equal(a, b);
	assert_int_equal(tv_group_count(g), 2);
	a2 = get(g, "alpha", 200, &created, &reopened);
	assert_false(created);
	assert_false(reopened);
	assert_ptr_equal(a, a2);
	assert_int_equal(tv_group_count(g), 2);
	/* the key is the bytes given, not up to a NUL */
	a2 = tv_group_get(g, "alphabet", 5, TV_NONE, &created, &reopened);
	assert_ptr_equal(a, a2);
	assert_false(created);
	/* a prefix is another key */
	a2 = get(g, "alph", TV_NONE, &created, &reopened);
	assert_true(created);
	assert_int_equal(tv_group_count(g), 3);
	/* keys may hold any bytes */
	a2 = tv_group_get(g, "x\0y", 3, TV_NONE, &created, &reopened);
	assert_non_null(a2);
	assert_true(created);
	tv_group_destroy(g);
}

static void test_clock(void **state)
{
	struct tv_group *g = tv_group_create();
	bool created, reopened;

	(void)state;
	get(g, "a", TV_NONE, &created, &reopened);
	assert_int_equal(tv_group_clock(g), TV_NONE);
	get(g, "a", 500, &created, &reopened);
	assert_int_equal(tv_group_clock(g), 500);
	get(g, "b", 300, &created, &reopened);
	assert_int_equal(tv_group_clock(g), 500);
	get(g, "b", -7, &created, &reopened);
	assert_int_equal(tv_group_clock(g), 500);
	get(g, "c", 900, &created, &reopened);
	assert_int_equal(tv_group_clock(g), 900);
	tv_group_destroy(g);
}

static void test_expire(void **state)
{
	static const char *const first[] = { "a", "b" };
	static const char *const second[] = { "a", "b", "c" };
	struct tv_group *g = tv_group_create();
	struct sink k = { 0 };
	bool created, reopened;

	(void)state;
	get(g, "c", 5, &created, &reopened);	   /* first 5, last 100 */
	get(g, "b", 20, &created, &reopened);	   /* first 20, last 30 */
	get(g, "a", 10, &created, &reopened);	   /* first 10, last 50 */
	get(g, "n", TV_NONE, &created, &reopened); /* never timed: never idle */
	get(g, "b", 30, &created, &reopened);
	get(g, "a", 50, &created, &reopened);
	get(g, "c", 100, &created, &reopened);
	/* nothing idle before 30 */
	assert_int_equal(tv_group_expire(g, 30, emit_cb, &k), 0);
	assert_int_equal(k.n, 0);
	assert_int_equal(tv_group_count(g), 4);
	/* last < 60: a and b, oldest first activity first */
	assert_int_equal(tv_group_expire(g, 60, emit_cb, &k), 0);
	expect_ids(&k, first, 2);
	assert_int_equal(tv_group_count(g), 2);
	/* c goes at 101; n stays */
	assert_int_equal(tv_group_expire(g, 101, emit_cb, &k), 0);
	expect_ids(&k, second, 3);
	assert_int_equal(tv_group_count(g), 1);
	assert_int_equal(tv_group_expire(g, INT64_MAX, emit_cb, &k), 0);
	assert_int_equal(tv_group_count(g), 1);
	sink_free(&k);
	tv_group_destroy(g); /* frees n */
}

/* activity earlier than what was seen still moves first, not last */
static void test_expire_out_of_order_times(void **state)
{
	static const char *const want[] = { "late", "early" };
	struct tv_group *g = tv_group_create();
	struct sink k = { 0 };
	bool created, reopened;

	(void)state;
	get(g, "early", 100, &created, &reopened);
	get(g, "late", 200, &created, &reopened);
	get(g, "late", 50, &created, &reopened); /* first becomes 50, last stays 200 */
	assert_int_equal(tv_group_expire(g, 150, emit_cb, &k), 0);
	assert_int_equal(k.n, 1);
	assert_string_equal(k.ids[0], "early");
	sink_free(&k);
	get(g, "early", 100, &created, &reopened);
	assert_true(created);
	assert_true(reopened);
	assert_int_equal(tv_group_flush(g, emit_cb, &k), 0);
	expect_ids(&k, want, 2);
	sink_free(&k);
	tv_group_destroy(g);
}

/* equal first activity: creation order decides */
static void test_order_ties(void **state)
{
	static const char *const want[] = { "k3", "k1", "k2", "k0" };
	struct tv_group *g = tv_group_create();
	struct sink k = { 0 };
	bool created, reopened;

	(void)state;
	get(g, "k3", 10, &created, &reopened);
	get(g, "k1", 10, &created, &reopened);
	get(g, "k2", 10, &created, &reopened);
	get(g, "k0", 11, &created, &reopened);
	assert_int_equal(tv_group_flush(g, emit_cb, &k), 0);
	expect_ids(&k, want, 4);
	assert_int_equal(tv_group_count(g), 0);
	sink_free(&k);
	tv_group_destroy(g);
}

static void test_evict(void **state)
{
	static const char *const want[] = { "s3", "s1" };
	struct tv_group *g = tv_group_create();
	struct sink k = { 0 };
	bool created, reopened;

	(void)state;
	get(g, "s1", 10, &created, &reopened);
	get(g, "s2", 20, &created, &reopened);
	get(g, "s3", 5, &created, &reopened);
	get(g, "s4", 40, &created, &reopened);
	get(g, "s1", 30, &created, &reopened); /* s1: first 10, last 30 */
	get(g, "s3", 25, &created, &reopened); /* s3: first 5, last 25 */
	get(g, "s2", 45, &created, &reopened); /* s2: last 45 */
	assert_int_equal(tv_group_evict(g, 0, emit_cb, &k), 0);
	assert_int_equal(k.n, 0);
	/* the two idle longest: s3 (25) and s1 (30), emitted oldest first */
	assert_int_equal(tv_group_evict(g, 2, emit_cb, &k), 0);
	expect_ids(&k, want, 2);
	assert_int_equal(tv_group_count(g), 2);
	/* more than there are: all */
	assert_int_equal(tv_group_evict(g, 10, emit_cb, &k), 0);
	assert_int_equal(k.n, 4);
	assert_int_equal(tv_group_count(g), 0);
	assert_int_equal(tv_group_evict(g, 1, emit_cb, &k), 0);
	sink_free(&k);
	tv_group_destroy(g);
}

static void test_flush(void **state)
{
	static const char *const want[] = { "c", "a", "d", "b" };
	struct tv_group *g = tv_group_create();
	struct sink k = { 0 };
	bool created, reopened;

	(void)state;
	assert_int_equal(tv_group_flush(g, emit_cb, &k), 0); /* empty */
	get(g, "a", 20, &created, &reopened);
	get(g, "b", 40, &created, &reopened);
	get(g, "c", 10, &created, &reopened);
	get(g, "d", 30, &created, &reopened);
	get(g, "a", 99, &created, &reopened);
	assert_int_equal(tv_group_flush(g, emit_cb, &k), 0);
	expect_ids(&k, want, 4);
	assert_int_equal(tv_group_count(g), 0);
	assert_int_equal(tv_group_flush(g, emit_cb, &k), 0);
	assert_int_equal(k.n, 4);
	sink_free(&k);
	tv_group_destroy(g);
}

/* the same input gives the same order, whatever the hash layout */
static void test_flush_deterministic(void **state)
{
	struct sink k1 = { 0 }, k2 = { 0 };
	char key[32];

	(void)state;
	for (int round = 0; round < 2; round++) {
		struct tv_group *g = tv_group_create();
		bool created, reopened;

		for (int i = 0; i < 500; i++) {
			snprintf(key, sizeof(key), "key-%d", (i * 7919) % 500);
			get(g, key, 1000 - i / 3, &created, &reopened);
		}
		assert_int_equal(tv_group_flush(g, emit_cb, round ? &k2 : &k1), 0);
		tv_group_destroy(g);
	}
	assert_int_equal(k1.n, 500);
	assert_int_equal(k2.n, 500);
	for (size_t i = 0; i < 500; i++) {
		assert_string_equal(k1.ids[i], k2.ids[i]);
	}
	/*
	 * Oldest first: time 834 is shared by i = 498 and 499, created in that
	 * order; the newest, 1000, by i = 0, 1, 2, so i = 2 comes last.
	 */
	snprintf(key, sizeof(key), "key-%d", (498 * 7919) % 500);
	assert_string_equal(k1.ids[0], key);
	snprintf(key, sizeof(key), "key-%d", (499 * 7919) % 500);
	assert_string_equal(k1.ids[1], key);
	snprintf(key, sizeof(key), "key-%d", (2 * 7919) % 500);
	assert_string_equal(k1.ids[499], key);
	sink_free(&k1);
	sink_free(&k2);
}

static void test_reopened(void **state)
{
	struct tv_group *g = tv_group_create();
	struct sink k = { 0 };
	struct tv_session *s;
	bool created, reopened;

	(void)state;
	get(g, "s", 10, &created, &reopened);
	get(g, "t", 10, &created, &reopened);
	assert_int_equal(tv_group_expire(g, 11, emit_cb, &k), 0);
	assert_int_equal(k.n, 2);
	s = get(g, "s", 100, &created, &reopened);
	assert_true(created);
	assert_true(reopened);
	assert_string_equal(s->id, "s");
	assert_int_equal(s->n_turns, 0); /* a fresh session */
	get(g, "s", 101, &created, &reopened);
	assert_false(created);
	assert_false(reopened);
	get(g, "u", 100, &created, &reopened);
	assert_true(created);
	assert_false(reopened);
	/* closed by flush counts too */
	assert_int_equal(tv_group_flush(g, emit_cb, &k), 0);
	get(g, "u", 200, &created, &reopened);
	assert_true(reopened);
	get(g, "t", 200, &created, &reopened);
	assert_true(reopened);
	sink_free(&k);
	tv_group_destroy(g);
}

static void test_emit_error(void **state)
{
	struct tv_group *g = tv_group_create();
	struct sink k = { .fail_at = 2 };
	bool created, reopened;

	(void)state;
	get(g, "a", 1, &created, &reopened);
	get(g, "b", 2, &created, &reopened);
	get(g, "c", 3, &created, &reopened);
	get(g, "d", 4, &created, &reopened);
	/* the first error is returned; the sessions selected are gone either way */
	assert_int_equal(tv_group_flush(g, emit_cb, &k), -EIO);
	assert_int_equal(k.n, 1);
	assert_string_equal(k.ids[0], "a");
	assert_int_equal(tv_group_count(g), 0);
	sink_free(&k);
	tv_group_destroy(g);
}

static void test_rehash_10k(void **state)
{
	struct tv_group *g = tv_group_create();
	struct tv_session **v = calloc(10000, sizeof(*v));
	struct sink k = { 0 };
	bool created, reopened;
	char key[32];

	(void)state;
	assert_non_null(v);
	for (int i = 0; i < 10000; i++) {
		snprintf(key, sizeof(key), "session-%05d", i);
		v[i] = get(g, key, i, &created, &reopened);
		assert_true(created);
		assert_false(reopened);
	}
	assert_int_equal(tv_group_count(g), 10000);
	/* every session is found again, at the same address */
	for (int i = 0; i < 10000; i++) {
		snprintf(key, sizeof(key), "session-%05d", i);
		assert_ptr_equal(get(g, key, TV_NONE, &created, &reopened), v[i]);
		assert_false(created);
	}
	/* close the older half: emitted in order */
	assert_int_equal(tv_group_expire(g, 5000, emit_cb, &k), 0);
	assert_int_equal(k.n, 5000);
	assert_int_equal(tv_group_count(g), 5000);
	for (int i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "session-%05d", i);
		assert_string_equal(k.ids[i], key);
	}
	/* the rest is still there after the deletions */
	for (int i = 5000; i < 10000; i++) {
		snprintf(key, sizeof(key), "session-%05d", i);
		assert_ptr_equal(get(g, key, TV_NONE, &created, &reopened), v[i]);
		assert_false(created);
	}
	/* closed keys come back as reopened */
	for (int i = 0; i < 5000; i += 500) {
		snprintf(key, sizeof(key), "session-%05d", i);
		get(g, key, 20000, &created, &reopened);
		assert_true(created);
		assert_true(reopened);
	}
	assert_int_equal(tv_group_count(g), 5010);
	sink_free(&k);
	assert_int_equal(tv_group_flush(g, emit_cb, &k), 0);
	assert_int_equal(k.n, 5010);
	assert_string_equal(k.ids[0], "session-05000");
	assert_string_equal(k.ids[4999], "session-09999");
	assert_string_equal(k.ids[5000], "session-00000");
	assert_int_equal(tv_group_count(g), 0);
	sink_free(&k);
	free(v);
	tv_group_destroy(g);
}

/* interleaved removals and inserts keep every key reachable */
static void test_churn(void **state)
{
	struct tv_group *g = tv_group_create();
	struct sink k = { 0 };
	bool created, reopened;
	char key[32];
	int64_t t = 0;

	(void)state;
	for (int round = 0; round < 20; round++) {
		for (int i = 0; i < 300; i++) {
			snprintf(key, sizeof(key), "r%d-%d", round, i);
			get(g, key, t++, &created, &reopened);
			assert_true(created);
		}
		/* close everything but the newest 150 */
		assert_int_equal(tv_group_expire(g, t - 150, emit_cb, &k), 0);
		assert_int_equal(tv_group_count(g), 150);
		for (int i = 150; i < 300; i++) {
			snprintf(key, sizeof(key), "r%d-%d", round, i);
			get(g, key, TV_NONE, &created, &reopened);
			assert_false(created);
		}
	}
	assert_int_equal(k.n, 20 * 300 - 150);
	sink_free(&k);
	tv_group_destroy(g);
}

static int count_cb(void *udata, struct tv_session *s)
{
	(*(size_t *)udata)++;
	tv_session_destroy(s);
	return 0;
}

/*
 * Closing the idlest session does not cost O(open sessions): with 60,000
 * open, 200,000 sessions that each close one (as --max-open does) take
 * well under the time O(n) closes took (which was minutes here).  Untimed
 * sessions go first, then by last activity, so the idlest is always taken.
 */
static void test_evict_cost(void **state)
{
	const int open = 60000, total = 200000;
	struct tv_group *g = tv_group_create();
	bool created, reopened;
	size_t closed = 0;
	char key[32];
	clock_t t0 = clock();
	double secs;

	(void)state;
	for (int i = 0; i < total; i++) {
		snprintf(key, sizeof(key), "s%d", i);
		/* every tenth session has no time yet: it is idler than all */
		get(g, key, i % 10 ? i : TV_NONE, &created, &reopened);
		if (tv_group_count(g) > (size_t)open) {
			assert_int_equal(tv_group_evict(g, 1, count_cb, &closed), 0);
		}
		if (i % 1000 == 999) { /* and some old one is active again */
			snprintf(key, sizeof(key), "s%d", i - 500);
			get(g, key, i, &created, &reopened);
		}
	}
	secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	assert_int_equal(tv_group_count(g), open);
	assert_int_equal(closed + open, total + 0u);
	if (secs > 20) {
		fail_msg("%d evictions among %d open sessions took %.1f s", total - open, open,
			 secs);
	}
	assert_int_equal(tv_group_flush(g, count_cb, &closed), 0);
	tv_group_destroy(g);
}

/*
 * Random gets, expiries and evictions checked against a plain model:
 * which sessions are open, their first/last activity, and the exact order
 * each close emits them in.
 */
#define MODEL_KEYS 400

struct model {
	bool open;
	bool closed_once;
	int64_t first, last;
	uint64_t seq;
};

static uint32_t rnd(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

/* model: the keys a close selects, in the documented order */
static size_t model_select(const struct model *m, bool evict, size_t n_evict, int64_t cutoff,
			   int *out)
{
	size_t n = 0;

	for (int i = 0; i < MODEL_KEYS; i++) {
		if (!m[i].open) {
			continue;
		}
		if (!evict && (m[i].last == TV_NONE || m[i].last >= cutoff)) {
			continue;
		}
		out[n++] = i;
	}
	if (evict) {
		/* the n idle longest: smallest last, then creation order */
		for (size_t a = 1; a < n; a++) {
			for (size_t b = a; b > 0; b--) {
				const struct model *x = &m[out[b - 1]], *y = &m[out[b]];
				int tmp;

				if (x->last < y->last || (x->last == y->last && x->seq < y->seq)) {
					break;
				}
				tmp = out[b - 1];
				out[b - 1] = out[b];
				out[b] = tmp;
			}
		}
		if (n > n_evict) {
			n = n_evict;
		}
	}
	/* emitted by first activity, then creation order */
	for (size_t a = 1; a < n; a++) {
		for (size_t b = a; b > 0; b--) {
			const struct model *x = &m[out[b - 1]], *y = &m[out[b]];
			int tmp;

			if (x->first < y->first || (x->first == y->first && x->seq < y->seq)) {
				break;
			}
			tmp = out[b - 1];
			out[b - 1] = out[b];
			out[b] = tmp;
		}
	}
	return n;
}

static void test_random_against_model(void **state)
{
	struct tv_group *g = tv_group_create();
	struct model *m = calloc(MODEL_KEYS, sizeof(*m));
	int *want = calloc(MODEL_KEYS, sizeof(*want));
	struct sink k = { 0 };
	uint32_t x = 2463534242u;
	uint64_t seq = 0;
	int64_t clock = 0;
	size_t closed = 0, evicted = 0;
	char key[32];

	(void)state;
	assert_non_null(m);
	assert_non_null(want);
	for (int step = 0; step < 20000; step++) {
		uint32_t op = rnd(&x) % 100;

		if (op < 90) {
			int i = (int)(rnd(&x) % MODEL_KEYS);
			int64_t t = rnd(&x) % 10 == 0 ? TV_NONE : clock - (int64_t)(rnd(&x) % 50);
			bool created, reopened;
			struct tv_session *s;

			clock += rnd(&x) % 3;
			snprintf(key, sizeof(key), "m%d", i);
			s = get(g, key, t, &created, &reopened);
			assert_string_equal(s->id, key);
			assert_int_equal(created, !m[i].open);
			assert_int_equal(reopened, !m[i].open && m[i].closed_once);
			if (!m[i].open) {
				m[i] = (struct model){ .open = true,
						       .closed_once = m[i].closed_once,
						       .first = t,
						       .last = t,
						       .seq = seq++ };
			} else if (t != TV_NONE) {
				if (m[i].last == TV_NONE || t > m[i].last) {
					m[i].last = t;
				}
				if (m[i].first == TV_NONE || t < m[i].first) {
					m[i].first = t;
				}
			}
		} else {
			bool evict = op >= 97;
			size_t n_evict = 1 + rnd(&x) % 20;
			int64_t cutoff = clock - (int64_t)(rnd(&x) % 200);
			size_t n = model_select(m, evict, n_evict, cutoff, want);

			sink_free(&k);
			if (evict) {
				assert_int_equal(tv_group_evict(g, n_evict, emit_cb, &k), 0);
			} else {
				assert_int_equal(tv_group_expire(g, cutoff, emit_cb, &k), 0);
			}
			if (k.n != n) {
				fail_msg("step %d: closed %zu, model %zu", step, k.n, n);
			}
			for (size_t j = 0; j < n; j++) {
				snprintf(key, sizeof(key), "m%d", want[j]);
				if (strcmp(k.ids[j], key) != 0) {
					fail_msg("step %d: close #%zu is %s, model %s", step, j,
						 k.ids[j], key);
				}
				m[want[j]].open = false;
				m[want[j]].closed_once = true;
			}
			closed += n;
			evicted += evict ? n : 0;
		}
		{
			size_t open = 0;

			for (int i = 0; i < MODEL_KEYS; i++) {
				open += m[i].open;
			}
			assert_int_equal(tv_group_count(g), open);
		}
	}
	/* the run exercised both kinds of close */
	assert_true(closed > 2000);
	assert_true(evicted > 500);
	sink_free(&k);
	free(m);
	free(want);
	tv_group_destroy(g);
}

static void test_destroy_open_sessions(void **state)
{
	struct tv_group *g = tv_group_create();
	bool created, reopened;
	char key[32];

	(void)state;
	for (int i = 0; i < 1000; i++) {
		struct tv_session *s;
		struct tv_turn *t;

		snprintf(key, sizeof(key), "open-%d", i);
		s = get(g, key, i, &created, &reopened);
		t = tv_session_add_turn(s);
		assert_non_null(t);
		assert_int_equal(tv_set_str(&t->prompt, "p", 1), 0);
		assert_non_null(tv_turn_add_llm(t));
	}
	tv_group_destroy(g); /* LeakSanitizer reports anything left */
}

static void test_hash64(void **state)
{
	(void)state;
	assert_true(tv_hash64("", 0) == UINT64_C(0xcbf29ce484222325));
	assert_true(tv_hash64("a", 1) == UINT64_C(0xaf63dc4c8601ec8c));
	assert_true(tv_hash64("foobar", 6) == UINT64_C(0x85944171f73967e8));
	assert_true(tv_hash64("ab", 1) == tv_hash64("a", 1));
	assert_true(tv_hash64("ab", 2) != tv_hash64("ba", 2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_destroy),
		cmocka_unit_test(test_get_creates_once),
		cmocka_unit_test(test_clock),
		cmocka_unit_test(test_expire),
		cmocka_unit_test(test_expire_out_of_order_times),
		cmocka_unit_test(test_order_ties),
		cmocka_unit_test(test_evict),
		cmocka_unit_test(test_flush),
		cmocka_unit_test(test_flush_deterministic),
		cmocka_unit_test(test_reopened),
		cmocka_unit_test(test_emit_error),
		cmocka_unit_test(test_rehash_10k),
		cmocka_unit_test(test_churn),
		cmocka_unit_test(test_evict_cost),
		cmocka_unit_test(test_random_against_model),
		cmocka_unit_test(test_destroy_open_sessions),
		cmocka_unit_test(test_hash64),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
