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
		    (s->hash == h && s->klen == klen && memcmp(s->key, key, klen) == 0)) {
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
	struct tv_map old = *m;
	size_t cap = m->cap ? m->cap * 2 : 16;

	m->slots = calloc(cap, sizeof(*m->slots));
	if (m->slots == NULL) {
		m->slots = old.slots;
		return -ENOMEM;
	}
	m->cap = cap;
	for (size_t i = 0; i < old.cap; i++) {
		if (old.slots[i].hash != 0) {
			*find(m, old.slots[i].key, old.slots[i].klen, old.slots[i].hash) =
				old.slots[i];
		}
	}
	free(old.slots);
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
	s->key = malloc(klen + 1);
	if (s->key == NULL) {
		return -ENOMEM;
	}
	memcpy(s->key, key, klen);
	s->key[klen] = '\0';
	s->klen = klen;
	s->hash = h;
	s->value = value;
	m->n++;
	return 0;
}

void tv_map_finish(struct tv_map *m)
{
	for (size_t i = 0; i < m->cap; i++) {
		free(m->slots[i].key);
	}
	free(m->slots);
	memset(m, 0, sizeof(*m));
}
