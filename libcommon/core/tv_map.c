// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libcommon/core/tv_hash.h"
#include "libcommon/core/tv_map.h"

static struct tv_map_slot *find(const struct tv_map *m, const char *key, size_t klen, uint64_t h)
{
	size_t mask = m->cap - 1;

	for (size_t i = h & mask;; i = (i + 1) & mask) {
		struct tv_map_slot *s = &m->slots[i];

		if (s->hash == 0 ||
		    (s->hash == h && s->klen == klen && memcmp(m->keys + s->key, key, klen) == 0)) {
			return s;
		}
	}
}

bool tv_map_get(const struct tv_map *m, const char *key, size_t klen, uint64_t *value)
{
	const struct tv_map_slot *s;

	if (m->n == 0) {
		return false;
	}
	s = find(m, key, klen, tv_hash64(key, klen));
	if (s->hash == 0) {
		return false;
	}
	*value = s->value;
	return true;
}

static int grow(struct tv_map *m)
{
	struct tv_map_slot *old = m->slots, *s;
	size_t old_cap = m->cap, cap = m->cap ? m->cap * 2 : 16;

	m->slots = calloc(cap, sizeof(*m->slots));
	if (m->slots == NULL) {
		m->slots = old;
		return -ENOMEM;
	}
	m->cap = cap;
	for (size_t i = 0; i < old_cap; i++) {
		if (old[i].hash == 0) {
			continue;
		}
		for (size_t j = old[i].hash & (cap - 1);; j = (j + 1) & (cap - 1)) {
			s = &m->slots[j];
			if (s->hash == 0) {
				*s = old[i];
				break;
			}
		}
	}
	free(old);
	return 0;
}

/* room for @n more key bytes */
static int keys_room(struct tv_map *m, size_t n)
{
	size_t cap = m->keys_cap ? m->keys_cap : 256;
	char *k;

	if (m->keys_len + n <= m->keys_cap) {
		return 0;
	}
	while (cap < m->keys_len + n) {
		cap *= 2;
	}
	k = realloc(m->keys, cap);
	if (k == NULL) {
		return -ENOMEM;
	}
	m->keys = k;
	m->keys_cap = cap;
	return 0;
}

int tv_map_put(struct tv_map *m, const char *key, size_t klen, uint64_t value)
{
	uint64_t h = tv_hash64(key, klen);
	struct tv_map_slot *s;

	if ((m->n + 1) * 2 > m->cap && grow(m) < 0) {
		return -ENOMEM;
	}
	s = find(m, key, klen, h);
	if (s->hash != 0) {
		s->value = value;
		return 0;
	}
	if (keys_room(m, klen) < 0) {
		return -ENOMEM;
	}
	memcpy(m->keys + m->keys_len, key, klen);
	s->key = m->keys_len;
	s->klen = klen;
	s->hash = h;
	s->value = value;
	m->keys_len += klen;
	m->n++;
	return 0;
}

void tv_map_finish(struct tv_map *m)
{
	free(m->slots);
	free(m->keys);
	memset(m, 0, sizeof(*m));
}
