/* SPDX-License-Identifier: MIT */
/*
 * tv_sample: deterministic sampling by session id.
 *
 * The sampling hash of a session is
 *
 *     h = first 8 bytes, big-endian, of HMAC-SHA256(key = SEED, msg = ID)
 *
 * where SEED is the seed written in decimal ASCII (seed 7 -> key "7") and ID
 * the session id's UTF-8 bytes.  In Python:
 *
 *     int.from_bytes(hmac.new(str(seed).encode(), id.encode(), "sha256").digest()[:8], "big")
 *
 * `--sample RATE` keeps a session iff h < floor(RATE * 2^64) (RATE >= 1 keeps
 * all).  The decision depends on nothing but (seed, id), so it is the same
 * on any machine, in any order and in any shard, and for one seed a lower
 * rate's sample is a subset of a higher rate's.  Reservoirs keep the N
 * smallest h (bottom-k), which is order-free and mergeable.
 */
#ifndef TV_SAMPLE_H
#define TV_SAMPLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** tv_sample_hash: the sampling hash of @id under @seed (see above). */
uint64_t tv_sample_hash(uint64_t seed, const char *id, size_t n);

/** tv_sample_threshold: floor(@rate * 2^64), saturating; keep iff h < threshold. */
uint64_t tv_sample_threshold(double rate);

/** tv_sample_keep: true if a session with hash @h is in the @rate sample. */
bool tv_sample_keep(uint64_t h, double rate);

/**
 * tv_sample_parse_rate: "0.05", "5%" or "1/20" into a rate in (0, 1].
 * Returns 0 or -TV_EPARSE.
 */
int tv_sample_parse_rate(const char *s, double *rate);

#endif
