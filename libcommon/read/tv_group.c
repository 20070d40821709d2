// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libcommon/read/tv_group.h"

struct slot {
	struct tv_session *s; /* NULL: empty */
	uint64_t hash;
	int64_t first, last; /* activity on the records' clock */
	uint64_t seq;	     /* creation order */
};

struct tv_group {
	struct slot *slots;
	size_t cap, count; /* cap is a power of two */
	uint64_t seq;
	int64_t clock;
	uint64_t *closed; /* set of closed key hashes, open addressing, 0 = empty */
	size_t closed_cap, closed_count;
};

struct tv_group *tv_group_create(void)
{
	struct tv_group *g = calloc(1, sizeof(*g));

	if (g == NULL) {
		return NULL;
	}
	g->cap = 64;
	g->slots = calloc(g->cap, sizeof(*g->slots));
	if (g->slots == NULL) {
		free(g);
		return NULL;
	}
	g->clock = TV_NONE;
	return g;
}

void tv_group_destroy(struct tv_group *g)
{
	if (g == NULL) {
		return;
	}
	for (size_t i = 0; i < g->cap; i++) {
		tv_session_destroy(g->slots[i].s);
	}
	free(g->slots);
	free(g->closed);
	free(g);
}

size_t tv_group_count(const struct tv_group *g)
{
	return g->count;
}

int64_t tv_group_clock(const struct tv_group *g)
{
	return g->clock;
}

static bool closed_has(const struct tv_group *g, uint64_t h)
{
	size_t mask = g->closed_cap - 1;

	if (g->closed_cap == 0) {
		return false;
	}
	for (size_t i = h & mask; g->closed[i]; i = (i + 1) & mask) {
		if (g->closed[i] == h) {
			return true;
		}
	}
	return false;
}

static int closed_add(struct tv_group *g, uint64_t h)
{
	size_t mask, i;

	if (closed_has(g, h)) {
		return 0;
	}
	if ((g->closed_count + 1) * 2 > g->closed_cap) {
		size_t ncap = g->closed_cap ? g->closed_cap * 2 : 1024;
		uint64_t *n = calloc(ncap, sizeof(*n));

		if (n == NULL) {
			return -ENOMEM;
		}
		for (i = 0; i < g->closed_cap; i++) {
			size_t j;

			if (!g->closed[i]) {
				continue;
			}
			for (j = g->closed[i] & (ncap - 1); n[j]; j = (j + 1) & (ncap - 1)) {
				;
			}
			n[j] = g->closed[i];
		}
		free(g->closed);
		g->closed = n;
		g->closed_cap = ncap;
	}
	mask = g->closed_cap - 1;
	for (i = h & mask; g->closed[i]; i = (i + 1) & mask) {
		;
	}
	g->closed[i] = h;
	g->closed_count++;
	return 0;
}

static int rehash(struct tv_group *g)
{
	size_t ncap = g->cap * 2;
	struct slot *n = calloc(ncap, sizeof(*n));

	if (n == NULL) {
		return -ENOMEM;
	}
	for (size_t i = 0; i < g->cap; i++) {
		size_t j;

		if (g->slots[i].s == NULL) {
			continue;
		}
		for (j = g->slots[i].hash & (ncap - 1); n[j].s; j = (j + 1) & (ncap - 1)) {
			;
		}
		n[j] = g->slots[i];
	}
	free(g->slots);
	g->slots = n;
	g->cap = ncap;
	return 0;
}

static size_t find(const struct tv_group *g, uint64_t h, const char *key, size_t n, bool *found)
{
	size_t mask = g->cap - 1, i;

	for (i = h & mask; g->slots[i].s; i = (i + 1) & mask) {
		const char *id = g->slots[i].s->id;

		if (g->slots[i].hash == h && strlen(id) == n && memcmp(id, key, n) == 0) {
			*found = true;
			return i;
		}
	}
	*found = false;
	return i;
}

struct tv_session *tv_group_get(struct tv_group *g, const char *key, size_t n, int64_t t,
				bool *created, bool *reopened)
{
	struct slot *sl;
	bool found;
	size_t i;
	uint64_t h;

	/* the id is kept as a C string: a key is what comes before a NUL byte */
	n = strnlen(key, n);
	h = tv_hash64(key, n);

	if (t != TV_NONE && (g->clock == TV_NONE || t > g->clock)) {
		g->clock = t;
	}
	*created = *reopened = false;
	i = find(g, h, key, n, &found);
	if (!found) {
		struct tv_session *s;

		if ((g->count + 1) * 4 > g->cap * 3) {
			if (rehash(g) < 0) {
				return NULL;
			}
			i = find(g, h, key, n, &found);
		}
		s = tv_session_create();
		if (s == NULL) {
			return NULL;
		}
		s->id = tv_strndup(key, n);
		if (s->id == NULL) {
			tv_session_destroy(s);
			return NULL;
		}
		g->slots[i] =
			(struct slot){ .s = s, .hash = h, .first = t, .last = t, .seq = g->seq++ };
		g->count++;
		*created = true;
		*reopened = closed_has(g, h);
	}
	sl = &g->slots[i];
	if (t != TV_NONE) {
		if (sl->last == TV_NONE || t > sl->last) {
			sl->last = t;
		}
		if (sl->first == TV_NONE || t < sl->first) {
			sl->first = t;
		}
	}
	return sl->s;
}

/* remove slot i with backward-shift deletion; returns its session */
static struct tv_session *take(struct tv_group *g, size_t i)
{
	size_t mask = g->cap - 1, j = i;
	struct tv_session *s = g->slots[i].s;

	closed_add(g, g->slots[i].hash);
	g->slots[i].s = NULL;
	for (;;) {
		size_t home;

		j = (j + 1) & mask;
		if (g->slots[j].s == NULL) {
			break;
		}
		home = g->slots[j].hash & mask;
		/* move j back to i if its home is not in (i, j] cyclically */
		if ((j > i && (home <= i || home > j)) || (j < i && (home <= i && home > j))) {
			g->slots[i] = g->slots[j];
			g->slots[j].s = NULL;
			i = j;
		}
	}
	g->count--;
	return s;
}

struct pick {
	int64_t first, last;
	uint64_t seq;
	struct tv_session *s;
};

static int cmp_first(const void *a, const void *b)
{
	const struct pick *x = a, *y = b;

	if (x->first != y->first) {
		return x->first < y->first ? -1 : 1;
	}
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int cmp_last(const void *a, const void *b)
{
	const struct pick *x = a, *y = b;

	if (x->last != y->last) {
		return x->last < y->last ? -1 : 1;
	}
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* close the picked sessions, oldest first; the rest are destroyed after an error */
static int close_picked(struct tv_group *g, struct pick *p, size_t n, tv_group_emit_fn emit,
			void *udata)
{
	int r = 0;

	qsort(p, n, sizeof(*p), cmp_first);
	for (size_t k = 0; k < n; k++) {
		bool found;
		size_t i = find(g, tv_hash64(p[k].s->id, strlen(p[k].s->id)), p[k].s->id,
				strlen(p[k].s->id), &found);
		struct tv_session *s = take(g, i);

		if (r == 0) {
			r = emit(udata, s);
		} else {
			tv_session_destroy(s);
		}
	}
	return r;
}

/* close the sessions idle since before @cutoff (or all), unless @busy */
static int close_some(struct tv_group *g, bool all, int64_t cutoff,
		      bool (*busy)(void *, const char *), tv_group_emit_fn emit, void *udata)
{
	struct pick *p;
	size_t n = 0;
	int r = 0;

	if (g->count == 0) {
		return 0;
	}
	p = malloc(g->count * sizeof(*p));
	if (p == NULL) {
		return -ENOMEM;
	}
	for (size_t i = 0; i < g->cap; i++) {
		struct slot *sl = &g->slots[i];

		if (sl->s == NULL) {
			continue;
		}
		if (!all && (sl->last == TV_NONE || sl->last >= cutoff)) {
			continue;
		}
		if (busy && busy(udata, sl->s->id)) {
			continue;
		}
		p[n++] = (struct pick){ sl->first, sl->last, sl->seq, sl->s };
	}
	r = close_picked(g, p, n, emit, udata);
	free(p);
	return r;
}

int tv_group_expire(struct tv_group *g, int64_t cutoff, tv_group_emit_fn emit, void *udata)
{
	return close_some(g, false, cutoff, NULL, emit, udata);
}

int tv_group_expire_unless(struct tv_group *g, int64_t cutoff,
			   bool (*busy)(void *udata, const char *id), tv_group_emit_fn emit,
			   void *udata)
{
	return close_some(g, false, cutoff, busy, emit, udata);
}

int tv_group_evict(struct tv_group *g, size_t n, tv_group_emit_fn emit, void *udata)
{
	return tv_group_evict_except(g, n, NULL, emit, udata);
}

int tv_group_evict_except(struct tv_group *g, size_t n, const struct tv_session *keep,
			  tv_group_emit_fn emit, void *udata)
{
	struct pick *p;
	size_t m = 0;
	int r = 0;

	if (n == 0 || g->count == 0) {
		return 0;
	}
	p = malloc(g->count * sizeof(*p));
	if (p == NULL) {
		return -ENOMEM;
	}
	for (size_t i = 0; i < g->cap; i++) {
		if (g->slots[i].s != NULL && g->slots[i].s != keep) {
			p[m++] = (struct pick){ g->slots[i].first, g->slots[i].last,
						g->slots[i].seq, g->slots[i].s };
		}
	}
	qsort(p, m, sizeof(*p), cmp_last);
	r = close_picked(g, p, m < n ? m : n, emit, udata);
	free(p);
	return r;
}

int tv_group_flush(struct tv_group *g, tv_group_emit_fn emit, void *udata)
{
	return close_some(g, true, 0, NULL, emit, udata);
}
