/* SPDX-License-Identifier: MIT */
/*
 * tv_map: a map from byte strings to 64-bit values, for the lookups of a
 * reader (message ids, tool call ids, agent ids).  Open addressing on
 * tv_hash64(); the keys are copied into one buffer the map owns, freed by
 * tv_map_finish().  A zeroed struct is an empty map.
 */
#ifndef TV_MAP_H
#define TV_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tv_map_slot {
	uint64_t hash; /* 0: free */
	size_t key;    /* offset of the key in keys */
	size_t klen;
	uint64_t value;
};

struct tv_map {
	struct tv_map_slot *slots;
	size_t cap, n;
	char *keys; /* the keys, back to back */
	size_t keys_len, keys_cap;
};

/** tv_map_get: true and *@value when @key is in @m. */
bool tv_map_get(const struct tv_map *m, const char *key, size_t klen, uint64_t *value);
/** tv_map_put: set @key (copied) to @value, replacing an old value.  0 or -ENOMEM. */
int tv_map_put(struct tv_map *m, const char *key, size_t klen, uint64_t value);
/** tv_map_finish: free what @m holds and leave it empty. */
void tv_map_finish(struct tv_map *m);

#endif
