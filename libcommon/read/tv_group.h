/* SPDX-License-Identifier: MIT */
/*
 * tv_group: sessions still open, keyed by session id.
 *
 * Records of one session may be interleaved with others and spread over
 * several files; the group holds each session until it is complete.  Memory
 * is bounded by the sessions still open: a session is closed when it has
 * been idle (no record) for longer than the gap, measured on the records'
 * own clock (the latest record time seen), or at the end of all input.
 * Keys of closed sessions are remembered as 64-bit hashes (8 bytes each) so
 * a record arriving after its session was closed can be reported.
 *
 * The group owns its open sessions; the emit callback receives ownership.
 */
#ifndef TV_GROUP_H
#define TV_GROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libcommon/core/tv_hash.h"
#include "libcommon/model/tv_session.h"

struct tv_group;

typedef int (*tv_group_emit_fn)(void *udata, struct tv_session *s);

/** tv_group_create: an empty group; free with tv_group_destroy().  NULL on ENOMEM. */
struct tv_group *tv_group_create(void);
/** tv_group_destroy: free the group and any open sessions (not emitted); @g may be NULL. */
void tv_group_destroy(struct tv_group *g);

/**
 * tv_group_get: the open session @key, created (with its id set) if absent.
 * @t: the record's time (TV_NONE if unknown) marks activity.
 * *@created is set when the session is new; *@reopened when its key was
 * closed before.  Returns the session (owned by the group) or NULL on ENOMEM.
 */
struct tv_session *tv_group_get(struct tv_group *g, const char *key, size_t n, int64_t t,
				bool *created, bool *reopened);

/** tv_group_count: sessions open now. */
size_t tv_group_count(const struct tv_group *g);
/** tv_group_clock: the latest record time seen (TV_NONE if none). */
int64_t tv_group_clock(const struct tv_group *g);

/**
 * tv_group_expire: close every session whose last activity is older than
 * @cutoff, oldest first (by first activity, then creation order), passing
 * each to @emit.  Returns 0 or the first negative code from @emit.
 */
int tv_group_expire(struct tv_group *g, int64_t cutoff, tv_group_emit_fn emit, void *udata);

/**
 * tv_group_expire_unless: tv_group_expire(), but a session for which @busy
 * returns true stays open (it still has pending records elsewhere).
 */
int tv_group_expire_unless(struct tv_group *g, int64_t cutoff,
			   bool (*busy)(void *udata, const char *id), tv_group_emit_fn emit,
			   void *udata);

/** tv_group_evict: close the @n sessions idle longest.  Same ordering and returns. */
int tv_group_evict(struct tv_group *g, size_t n, tv_group_emit_fn emit, void *udata);

/** tv_group_evict_except: tv_group_evict(), never closing @keep. */
int tv_group_evict_except(struct tv_group *g, size_t n, const struct tv_session *keep,
			  tv_group_emit_fn emit, void *udata);

/** tv_group_flush: close every open session, oldest first.  0 or the first error. */
int tv_group_flush(struct tv_group *g, tv_group_emit_fn emit, void *udata);

#endif
