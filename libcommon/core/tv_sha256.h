/* SPDX-License-Identifier: MIT */
/*
 * tv_sha256: SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104), in plain C.
 *
 * No allocation and no failure: hashing a session id for sampling or a
 * value for its pseudonym cannot run out of memory, and costs a few
 * hundred nanoseconds (OpenSSL 3's HMAC() fetched its algorithm and
 * allocated on every call, and leaked when an allocation failed).
 */
#ifndef TV_SHA256_H
#define TV_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct tv_sha256 {
	uint32_t h[8];
	uint64_t len; /* bytes hashed */
	unsigned char buf[64];
	size_t n; /* bytes in buf */
};

void tv_sha256_init(struct tv_sha256 *c);
void tv_sha256_update(struct tv_sha256 *c, const void *data, size_t n);
/** tv_sha256_final: the digest of everything given to @c into @out. */
void tv_sha256_final(struct tv_sha256 *c, unsigned char out[32]);

/** tv_hmac_sha256: HMAC-SHA256 of @msg under @key into @out.  Returns 0. */
int tv_hmac_sha256(const void *key, size_t klen, const void *msg, size_t mlen,
		   unsigned char out[32]);

#endif
