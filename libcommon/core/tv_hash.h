/* SPDX-License-Identifier: MIT */
/* tv_hash: a fast non-cryptographic hash for in-memory tables. */
#ifndef TV_HASH_H
#define TV_HASH_H

#include <stddef.h>
#include <stdint.h>

/** tv_hash64: the 64-bit FNV-1a hash of @n bytes, never 0 (0 marks a free slot). */
uint64_t tv_hash64(const void *data, size_t n);

#endif
