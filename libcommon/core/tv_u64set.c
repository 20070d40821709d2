// SPDX-License-Identifier: MIT
/* tv_u64set: a set of non-zero 64-bit numbers (tv_u64set.h). */
#include <errno.h>
#include <stdlib.h>

#include "libcommon/core/tv_u64set.h"

/* the slot of @x in @v (@cap a power of two): where it is, or the free one it would go to */
static size_t slot(const uint64_t *v, size_t cap, uint64_t x)
{
	size_t i = (size_t)(x ^ (x >> 32)) & (cap - 1);

	while (v[i] != 0 && v[i] != x) {
		i = (i + 1) & (cap - 1);
	}
	return i;
}

static int grow(struct tv_u64set *s)
{
	size_t cap = s->cap ? s->cap * 2 : 64;
	uint64_t *v;

	if (cap < s->cap || cap > SIZE_MAX / sizeof(*v)) {
		return -ENOMEM;
	}
	v = calloc(cap, sizeof(*v));
	if (v == NULL) {
		return -ENOMEM;
	}
	for (size_t i = 0; i < s->cap; i++) {
		if (s->v[i] != 0) {
			v[slot(v, cap, s->v[i])] = s->v[i];
		}
	}
	free(s->v);
	s->v = v;
	s->cap = cap;
	return 0;
}

int tv_u64set_add(struct tv_u64set *s, uint64_t x)
{
	size_t i;

	if (x == 0) {
		return -EINVAL;
	}
	if (s->cap > 0 && s->v[slot(s->v, s->cap, x)] == x) {
		return 1;
	}
	if ((s->n + 1) * 2 > s->cap && grow(s) < 0) {
		return -ENOMEM;
	}
	i = slot(s->v, s->cap, x);
	s->v[i] = x;
	s->n++;
	return 0;
}

void tv_u64set_finish(struct tv_u64set *s)
{
	free(s->v);
	s->v = NULL;
	s->cap = s->n = 0;
}
