/* SPDX-License-Identifier: MIT */
/*
 * tv_int: sums of numbers that come from input (token counts, durations,
 * costs in nanodollars, counts a partial state claims).  A file may hold
 * any 64-bit number, so a sum of two may not fit: these hold at the end of
 * the type instead of overflowing (undefined behaviour for signed types,
 * a count that starts again from 0 for unsigned ones).  Header only.
 */
#ifndef TV_INT_H
#define TV_INT_H

#include <stdint.h>

/** tv_add_sat: @a + @b, or INT64_MAX / INT64_MIN when it does not fit. */
static inline int64_t tv_add_sat(int64_t a, int64_t b)
{
	if (b > 0 && a > INT64_MAX - b) {
		return INT64_MAX;
	}
	if (b < 0 && a < INT64_MIN - b) {
		return INT64_MIN;
	}
	return a + b;
}

/** tv_addu_sat: @a + @b, or UINT64_MAX when it does not fit. */
static inline uint64_t tv_addu_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

#endif
