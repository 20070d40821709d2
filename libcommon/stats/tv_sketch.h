/* SPDX-License-Identifier: MIT */
/*
 * tv_sketch: a mergeable quantile sketch with a guaranteed relative error,
 * after DDSketch (Masson, Rim and Lee, "DDSketch: a fast and fully-mergeable
 * quantile sketch with relative-error guarantees", VLDB 2019).
 *
 * A value x > 0 falls in bucket i = ceil(log_gamma(x)), gamma =
 * (1 + alpha) / (1 - alpha), which holds (gamma^(i-1), gamma^i]; the
 * bucket's value 2 gamma^i / (gamma + 1) is within alpha of every value in
 * it, relatively.  Negative values go to a mirrored set of buckets, and
 * values whose magnitude is below TV_SKETCH_MIN_VALUE count as zero.  So the
 * value of any rank read from the sketch is within alpha (relative) of the
 * exact value of that rank, whatever the distribution: no collapsing of
 * buckets, the store holds every index in use.  Its size is bounded by the
 * range of magnitudes: at alpha = 1% about 230 buckets per decade, about
 * 2,200 for every positive 64-bit integer.
 *
 * Buckets hold weights (doubles), so weighted values are counted as such.
 * Bucket indexes depend only on alpha, so sketches with the same alpha
 * merge by adding their buckets: a merge of shards is the sketch of one run.
 */
#ifndef TV_SKETCH_H
#define TV_SKETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libcommon/json/tv_json.h"
#include "libcommon/json/tv_jw.h"

#define TV_SKETCH_DEFAULT_ALPHA 0.01
/* magnitudes below this count as zero */
#define TV_SKETCH_MIN_VALUE 1e-9

struct tv_sketch;

/**
 * tv_sketch_create: an empty sketch with relative error @alpha (0.001 <= alpha < 0.5).
 * Returns 0 and *@out (free with tv_sketch_destroy()), -TV_EUSAGE for a bad
 * @alpha, or -ENOMEM.
 */
int tv_sketch_create(double alpha, struct tv_sketch **out);
/** tv_sketch_destroy: @s may be NULL. */
void tv_sketch_destroy(struct tv_sketch *s);

/** tv_sketch_alpha: the relative error bound of @s. */
double tv_sketch_alpha(const struct tv_sketch *s);
/** tv_sketch_weight: the total weight added. */
double tv_sketch_weight(const struct tv_sketch *s);

/**
 * tv_sketch_add: count @x (finite) with weight @w (> 0).
 * Returns 0, -TV_EUSAGE for a value or weight that is not, or -ENOMEM.
 */
int tv_sketch_add(struct tv_sketch *s, double x, double w);

/**
 * tv_sketch_merge: add every bucket of @src to @dst.  Returns 0,
 * -TV_EUSAGE when their alphas differ, or -ENOMEM.
 */
int tv_sketch_merge(struct tv_sketch *dst, const struct tv_sketch *src);

/**
 * tv_sketch_rank: the value of the first bucket, in increasing value
 * order, at which the cumulated weight reaches @target (the nearest-rank
 * rule; see tv_dist.h).  Returns false when the sketch is empty; a target
 * above the total weight gives the last bucket.
 */
bool tv_sketch_rank(const struct tv_sketch *s, double target, double *out);

/**
 * tv_sketch_walk: call @fn with each non-empty bucket's value and weight,
 * in increasing value order (zero has value 0).  Returns 0 or the first
 * non-zero @fn result.
 */
int tv_sketch_walk(const struct tv_sketch *s, int (*fn)(void *udata, double value, double w),
		   void *udata);

/**
 * tv_sketch_write: @s as a JSON object:
 * {"alpha":A,"zero":W,"pos":[FIRST_INDEX,W...],"neg":[FIRST_INDEX,W...]}.
 */
void tv_sketch_write(const struct tv_sketch *s, struct tv_jw *w);

/**
 * tv_sketch_read: a sketch from what tv_sketch_write() wrote.  Returns 0
 * and *@out (free with tv_sketch_destroy()), -TV_EPARSE with @why set to a
 * static message, or -ENOMEM.
 */
int tv_sketch_read(const struct tv_jv *v, struct tv_sketch **out, const char **why);

#endif
