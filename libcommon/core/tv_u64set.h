/* SPDX-License-Identifier: MIT */
/*
 * tv_u64set: a set of non-zero 64-bit numbers (hashes, tv_hash64()), in
 * 16 bytes or less a member: open addressing, at most half full.  A
 * zeroed struct is an empty set; tv_u64set_finish() frees what it holds.
 */
#ifndef TV_U64SET_H
#define TV_U64SET_H

#include <stddef.h>
#include <stdint.h>

struct tv_u64set {
	uint64_t *v; /* cap slots, 0 free */
	size_t cap, n;
};

/** tv_u64set_add: add @x (not 0): 1 when it was there, 0 when added, -ENOMEM. */
int tv_u64set_add(struct tv_u64set *s, uint64_t x);
/** tv_u64set_finish: free what @s holds and leave it empty. */
void tv_u64set_finish(struct tv_u64set *s);

#endif
