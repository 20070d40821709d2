/* SPDX-License-Identifier: MIT */
/*
 * tv_hmac: HMAC-SHA256 (RFC 2104), for the sampling hash and the keyed
 * pseudonyms, over GNU Nettle.
 *
 * Nettle's HMAC works in a context on the stack: it neither allocates nor
 * fails, so hashing a session id or a value cannot run out of memory
 * half-way through a run (OpenSSL 3's HMAC() fetched its algorithm and
 * allocated on every call, and leaked when an allocation failed).  The
 * bytes are the standard HMAC-SHA256, the same as Python's hmac module.
 */
#ifndef TV_HMAC_H
#define TV_HMAC_H

#include <stddef.h>

#define TV_HMAC_SIZE 32

/** tv_hmac_sha256: HMAC-SHA256 of @msg (@mlen bytes) under @key into @out. */
void tv_hmac_sha256(const void *key, size_t klen, const void *msg, size_t mlen,
		    unsigned char out[TV_HMAC_SIZE]);

#endif
