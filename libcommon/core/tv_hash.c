// SPDX-License-Identifier: MIT
#include "libcommon/core/tv_hash.h"

uint64_t tv_hash64(const void *data, size_t n)
{
	const unsigned char *p = data;
	uint64_t h = UINT64_C(0xcbf29ce484222325);

	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= UINT64_C(0x100000001b3);
	}
	return h ? h : 1;
}
