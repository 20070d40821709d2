/* SPDX-License-Identifier: MIT */
/*
 * tv_dist: a distribution of integer values (durations in nanoseconds,
 * token counts, lengths): count, weight, sum, min, max and percentiles,
 * exact while small, bounded when large.
 *
 * The first @exact_max values are kept as they are, so every percentile is
 * exact.  When the count goes past @exact_max, the values move into a
 * tv_sketch (relative error @alpha) and the list is freed: from then on a
 * percentile is within @alpha of the exact one, relatively, and memory no
 * longer grows with the input.  count, weight, min and max stay exact; the
 * sum too (in 128 bits) while every weight is 1.
 *
 * Percentiles follow the nearest-rank definition: with the n values sorted,
 * the p-th percentile (0 < p <= 100) is the value of rank ceil(p/100 * n)
 * (1-based); with weights, the smallest value whose cumulated weight
 * reaches p/100 of the total weight.  p = 0 is the minimum.  A sketch
 * applies the same rule to its buckets, and its answer is clamped to the
 * exact [min, max].
 *
 * Merging two distributions gives what one run over both inputs gives: the
 * lists join while the total count is at most @exact_max (the same values,
 * so the same percentiles), else both go into one sketch (bucket weights
 * add up; the same buckets as one run).
 *
 * init/finish work on the caller's struct (embedded in larger states).
 */
#ifndef TV_DIST_H
#define TV_DIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libcommon/json/tv_json.h"
#include "libcommon/json/tv_jw.h"
#include "libcommon/stats/tv_sketch.h"

/* the default number of values kept exactly per distribution */
#define TV_DIST_EXACT_MAX 4096

struct tv_dist {
	uint64_t n;	 /* values added */
	double w;	 /* their total weight */
	double wsum;	 /* the weighted sum */
	uint64_t sum_lo; /* the exact sum of the values, two's complement 128-bit */
	int64_t sum_hi;
	int64_t min, max; /* meaningful when n > 0 */
	bool unit;	  /* every weight was 1 */
	bool sorted;	  /* the list is in increasing order */
	size_t exact_max;
	double alpha;
	int64_t *v; /* the list while n <= exact_max */
	double *vw; /* the weights of the list, NULL while all are 1 */
	size_t len, cap;
	struct tv_sketch *sk; /* once n > exact_max */
};

/** tv_dist_init: an empty distribution (no allocation yet). */
void tv_dist_init(struct tv_dist *d, size_t exact_max, double alpha);
/** tv_dist_finish: free what @d holds; @d may then be initialised again. */
void tv_dist_finish(struct tv_dist *d);

/**
 * tv_dist_add: add @x with weight @w (finite, > 0).  Returns 0,
 * -TV_EUSAGE for a bad weight, or -ENOMEM (then @d is unchanged).
 */
int tv_dist_add(struct tv_dist *d, int64_t x, double w);

/**
 * tv_dist_merge: add everything @src holds to @dst.  Returns 0,
 * -TV_EUSAGE when their exact_max or alpha differ, or -ENOMEM.
 */
int tv_dist_merge(struct tv_dist *dst, const struct tv_dist *src);

/** tv_dist_exact: true while every value is kept (percentiles are exact). */
bool tv_dist_exact(const struct tv_dist *d);

/**
 * tv_dist_percentile: the nearest-rank percentile @bp in basis points
 * (5000 = p50, 9900 = p99, 0 = min, 10000 = max).  Sorts the list in
 * place.  Returns false when @d is empty.
 */
bool tv_dist_percentile(struct tv_dist *d, unsigned bp, double *out);

/** tv_dist_mean: the weighted mean; false when @d is empty. */
bool tv_dist_mean(const struct tv_dist *d, double *out);

/**
 * tv_dist_histogram: the weight of the values in each bin [@edges[i],
 * @edges[i+1]) into @w[i] (@n_edges - 1 bins; values below the first edge
 * go to the first bin, at or above the last to the last).  A sketch's
 * buckets count at their value.
 */
void tv_dist_histogram(const struct tv_dist *d, const double *edges, size_t n_edges, double *w);

/**
 * tv_dist_write: @d as a JSON object, for tv_dist_read().  The list is
 * sorted in place first, so equal distributions write equal text.
 */
void tv_dist_write(struct tv_dist *d, struct tv_jw *w);

/**
 * tv_dist_read: fill @d (initialised, empty) from tv_dist_write()'s object.
 * Returns 0, -TV_EPARSE with @why set, or -ENOMEM; either way @d is
 * freed with tv_dist_finish().
 */
int tv_dist_read(struct tv_dist *d, const struct tv_jv *v, const char **why);

#endif
