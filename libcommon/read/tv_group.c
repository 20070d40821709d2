// SPDX-License-Identifier: MIT
/*
 * Open sessions by key (see tv_group.h).  Each open session is an entry
 * found by key in an open-addressing table.  The entries with a time sit
 * in a binary min-heap ordered by (last activity, creation), the ones
 * without a time in a list in creation order ahead of them, so the longest
 * idle session is found in O(1) and closed in O(log n) whatever --max-open
 * is, and an expiry costs O(log n) per session it closes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libcommon/read/tv_group.h"

struct entry {
	struct tv_session *s;
	uint64_t hash;
	int64_t first, last;	   /* activity on the records' clock */
	uint64_t seq;		   /* creation order */
	size_t pos;		   /* index in the heap, when last is a time */
	struct entry *prev, *next; /* the untimed list, when it is not */
};

/* a heap node: the entry's order key is kept beside it, so sifting reads one array */
struct node {
	int64_t last;
	uint64_t seq;
	struct entry *e;
};

struct tv_group {
	struct entry **slots; /* NULL: empty */
	size_t cap, count;    /* cap is a power of two */
	uint64_t seq;
	int64_t clock;
	struct node *heap; /* timed entries, least recently active on top */
	size_t n_heap, cap_heap;
	struct entry *untimed, *untimed_tail; /* entries without a time, oldest first */
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
		if (g->slots[i] != NULL) {
			tv_session_destroy(g->slots[i]->s);
			free(g->slots[i]);
		}
	}
	free(g->slots);
	free(g->heap);
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

/* ---- the order of idleness: untimed first, then the heap by (last, seq) ---- */

static bool idler(const struct node *a, const struct node *b)
{
	return a->last < b->last || (a->last == b->last && a->seq < b->seq);
}

static void heap_set(struct tv_group *g, size_t i, struct node n)
{
	g->heap[i] = n;
	n.e->pos = i;
}

static void sift_up(struct tv_group *g, size_t i)
{
	struct node n = g->heap[i];

	while (i > 0 && idler(&n, &g->heap[(i - 1) / 2])) {
		heap_set(g, i, g->heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	heap_set(g, i, n);
}

static void sift_down(struct tv_group *g, size_t i)
{
	struct node n = g->heap[i];

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= g->n_heap) {
			break;
		}
		if (c + 1 < g->n_heap && idler(&g->heap[c + 1], &g->heap[c])) {
			c++;
		}
		if (!idler(&g->heap[c], &n)) {
			break;
		}
		heap_set(g, i, g->heap[c]);
		i = c;
	}
	heap_set(g, i, n);
}

static int heap_push(struct tv_group *g, struct entry *e)
{
	if (g->n_heap == g->cap_heap) {
		size_t cap = g->cap_heap ? g->cap_heap * 2 : 64;
		struct node *h = realloc(g->heap, cap * sizeof(*h));

		if (h == NULL) {
			return -ENOMEM;
		}
		g->heap = h;
		g->cap_heap = cap;
	}
	heap_set(g, g->n_heap++, (struct node){ .last = e->last, .seq = e->seq, .e = e });
	sift_up(g, e->pos);
	return 0;
}

static void heap_remove(struct tv_group *g, struct entry *e)
{
	size_t i = e->pos;
	struct node moved = g->heap[--g->n_heap];

	if (moved.e == e) {
		return;
	}
	heap_set(g, i, moved);
	sift_up(g, i);
	sift_down(g, moved.e->pos);
}

static void untimed_append(struct tv_group *g, struct entry *e)
{
	e->next = NULL;
	e->prev = g->untimed_tail;
	if (g->untimed_tail) {
		g->untimed_tail->next = e;
	} else {
		g->untimed = e;
	}
	g->untimed_tail = e;
}

static void untimed_unlink(struct tv_group *g, struct entry *e)
{
	if (e->prev) {
		e->prev->next = e->next;
	} else {
		g->untimed = e->next;
	}
	if (e->next) {
		e->next->prev = e->prev;
	} else {
		g->untimed_tail = e->prev;
	}
	e->prev = e->next = NULL;
}

/* put @e in the order of idleness (it is in neither place) */
static int order_add(struct tv_group *g, struct entry *e)
{
	if (e->last == TV_NONE) {
		untimed_append(g, e);
		return 0;
	}
	return heap_push(g, e);
}

/* take @e out of the order of idleness */
static void order_remove(struct tv_group *g, struct entry *e)
{
	if (e->last == TV_NONE) {
		untimed_unlink(g, e);
	} else {
		heap_remove(g, e);
	}
}

/* the session idle longest: the oldest untimed one, else the top of the heap */
static struct entry *idlest(const struct tv_group *g)
{
	if (g->untimed != NULL) {
		return g->untimed;
	}
	return g->n_heap > 0 ? g->heap[0].e : NULL;
}

/* ---- keys of closed sessions ---- */

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

/* ---- the table of open sessions ---- */

static int rehash(struct tv_group *g)
{
	size_t ncap = g->cap * 2;
	struct entry **n = calloc(ncap, sizeof(*n));

	if (n == NULL) {
		return -ENOMEM;
	}
	for (size_t i = 0; i < g->cap; i++) {
		size_t j;

		if (g->slots[i] == NULL) {
			continue;
		}
		for (j = g->slots[i]->hash & (ncap - 1); n[j]; j = (j + 1) & (ncap - 1)) {
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

	for (i = h & mask; g->slots[i]; i = (i + 1) & mask) {
		const char *id = g->slots[i]->s->id;

		if (g->slots[i]->hash == h && strlen(id) == n && memcmp(id, key, n) == 0) {
			*found = true;
			return i;
		}
	}
	*found = false;
	return i;
}

/* a new open session @key in slot @i; NULL on ENOMEM */
static struct entry *add_entry(struct tv_group *g, size_t i, uint64_t h, const char *key, size_t n,
			       int64_t t)
{
	struct entry *e = calloc(1, sizeof(*e));

	if (e == NULL) {
		return NULL;
	}
	e->s = tv_session_create();
	if (e->s != NULL) {
		e->s->id = tv_strndup(key, n);
	}
	*e = (struct entry){ .s = e->s, .hash = h, .first = t, .last = t, .seq = g->seq };
	if (e->s == NULL || e->s->id == NULL || order_add(g, e) < 0) {
		tv_session_destroy(e->s);
		free(e);
		return NULL;
	}
	g->seq++;
	g->slots[i] = e;
	g->count++;
	return e;
}

/* activity at @t: the entry moves down the order of idleness */
static int touch(struct tv_group *g, struct entry *e, int64_t t)
{
	if (t == TV_NONE) {
		return 0;
	}
	if (e->first == TV_NONE || t < e->first) {
		e->first = t;
	}
	if (e->last == TV_NONE) {
		untimed_unlink(g, e);
		e->last = t;
		return heap_push(g, e);
	}
	if (t > e->last) {
		e->last = t;
		g->heap[e->pos].last = t;
		sift_down(g, e->pos);
	}
	return 0;
}

struct tv_session *tv_group_get(struct tv_group *g, const char *key, size_t n, int64_t t,
				bool *created, bool *reopened)
{
	struct entry *e;
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
	if (found) {
		e = g->slots[i];
		return touch(g, e, t) < 0 ? NULL : e->s;
	}
	if ((g->count + 1) * 4 > g->cap * 3) {
		if (rehash(g) < 0) {
			return NULL;
		}
		i = find(g, h, key, n, &found);
	}
	e = add_entry(g, i, h, key, n, t);
	if (e == NULL) {
		return NULL;
	}
	*created = true;
	*reopened = closed_has(g, h);
	return e->s;
}

/* remove slot i with backward-shift deletion; returns its entry */
static struct entry *take(struct tv_group *g, size_t i)
{
	size_t mask = g->cap - 1, j = i;
	struct entry *e = g->slots[i];

	closed_add(g, e->hash);
	g->slots[i] = NULL;
	for (;;) {
		size_t home;

		j = (j + 1) & mask;
		if (g->slots[j] == NULL) {
			break;
		}
		home = g->slots[j]->hash & mask;
		/* move j back to i if its home is not in (i, j] cyclically */
		if ((j > i && (home <= i || home > j)) || (j < i && (home <= i && home > j))) {
			g->slots[i] = g->slots[j];
			g->slots[j] = NULL;
			i = j;
		}
	}
	g->count--;
	return e;
}

/* ---- closing ---- */

/* entries picked to be closed (already out of the order of idleness) */
struct picks {
	struct entry **v;
	size_t n, cap;
};

static int pick(struct picks *p, struct entry *e)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		struct entry **v = realloc(p->v, cap * sizeof(*v));

		if (v == NULL) {
			return -ENOMEM;
		}
		p->v = v;
		p->cap = cap;
	}
	p->v[p->n++] = e;
	return 0;
}

static int cmp_first(const void *a, const void *b)
{
	const struct entry *x = *(struct entry *const *)a, *y = *(struct entry *const *)b;

	if (x->first != y->first) {
		return x->first < y->first ? -1 : 1;
	}
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* close the picked sessions, oldest first; the rest are destroyed after an error */
static int close_picked(struct tv_group *g, struct picks *p, tv_group_emit_fn emit, void *udata)
{
	int r = 0;

	if (p->n > 1) {
		qsort(p->v, p->n, sizeof(*p->v), cmp_first);
	}
	for (size_t k = 0; k < p->n; k++) {
		const char *id = p->v[k]->s->id;
		bool found;
		struct entry *e = take(g, find(g, p->v[k]->hash, id, strlen(id), &found));
		struct tv_session *s = e->s;

		free(e);
		if (r == 0) {
			r = emit(udata, s);
		} else {
			tv_session_destroy(s);
		}
	}
	free(p->v);
	return r;
}

/* back into the order: entries popped but kept open */
static int put_back(struct tv_group *g, struct picks *kept)
{
	int r = 0;

	for (size_t k = 0; k < kept->n && r == 0; k++) {
		r = order_add(g, kept->v[k]);
	}
	free(kept->v);
	return r;
}

/* close the sessions idle since before @cutoff, unless @busy */
static int expire(struct tv_group *g, int64_t cutoff, bool (*busy)(void *, const char *),
		  tv_group_emit_fn emit, void *udata)
{
	struct picks p = { 0 }, kept = { 0 };
	int r = 0;

	while (r == 0 && g->n_heap > 0 && g->heap[0].last < cutoff) {
		struct entry *e = g->heap[0].e;

		heap_remove(g, e);
		r = busy && busy(udata, e->s->id) ? pick(&kept, e) : pick(&p, e);
		if (r < 0) {
			order_add(g, e); /* cannot fail: the heap had room for it */
		}
	}
	if (r == 0) {
		r = put_back(g, &kept);
	} else {
		put_back(g, &kept);
	}
	if (r < 0) {
		put_back(g, &p);
		return r;
	}
	return close_picked(g, &p, emit, udata);
}

int tv_group_expire(struct tv_group *g, int64_t cutoff, tv_group_emit_fn emit, void *udata)
{
	return expire(g, cutoff, NULL, emit, udata);
}

int tv_group_expire_unless(struct tv_group *g, int64_t cutoff,
			   bool (*busy)(void *udata, const char *id), tv_group_emit_fn emit,
			   void *udata)
{
	return expire(g, cutoff, busy, emit, udata);
}

int tv_group_evict(struct tv_group *g, size_t n, tv_group_emit_fn emit, void *udata)
{
	return tv_group_evict_except(g, n, NULL, emit, udata);
}

int tv_group_evict_except(struct tv_group *g, size_t n, const struct tv_session *keep,
			  tv_group_emit_fn emit, void *udata)
{
	struct picks p = { 0 };
	struct entry *e, *held = NULL;
	int r = 0;

	while (r == 0 && p.n < n && (e = idlest(g)) != NULL) {
		order_remove(g, e);
		if (e->s == keep) {
			held = e;
			continue;
		}
		r = pick(&p, e);
		if (r < 0) {
			order_add(g, e);
		}
	}
	if (held != NULL && order_add(g, held) < 0) {
		r = -ENOMEM;
	}
	if (r < 0) {
		put_back(g, &p);
		return r;
	}
	return close_picked(g, &p, emit, udata);
}

int tv_group_flush(struct tv_group *g, tv_group_emit_fn emit, void *udata)
{
	struct picks p = { 0 };
	int r = 0;

	for (size_t i = 0; i < g->cap && r == 0; i++) {
		if (g->slots[i] != NULL) {
			r = pick(&p, g->slots[i]);
		}
	}
	if (r < 0) {
		free(p.v);
		return r;
	}
	for (size_t k = 0; k < p.n; k++) {
		order_remove(g, p.v[k]);
	}
	return close_picked(g, &p, emit, udata);
}
