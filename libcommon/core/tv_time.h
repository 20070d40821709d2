/* SPDX-License-Identifier: MIT */
/* tv_time: timestamps as int64 nanoseconds since the Unix epoch, UTC. */
#ifndef TV_TIME_H
#define TV_TIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "no value" for times, durations and optional integers */
#define TV_NONE INT64_MIN

#define TV_NS_PER_MS INT64_C(1000000)
#define TV_NS_PER_SEC INT64_C(1000000000)

/*
 * The times televal holds: every int64 nanosecond count but TV_NONE, from
 * 1677-09-21T00:12:43.145224193Z to 2262-04-11T23:47:16.854775807Z.  A
 * time outside it is refused (-TV_ERANGE) where it is read, never wrapped;
 * a duration longer than int64 nanoseconds hold (about 292 years) is unknown.
 */
#define TV_TIME_RANGE_TEXT "1677-09-21T00:12:43Z to 2262-04-11T23:47:16Z"

/**
 * tv_time_diff: @a - @b, or TV_NONE when either is TV_NONE or the
 * difference does not fit (times more than about 292 years apart).
 */
int64_t tv_time_diff(int64_t a, int64_t b);

/** tv_time_add: @t + @d, or TV_NONE when either is TV_NONE or the sum does not fit. */
int64_t tv_time_add(int64_t t, int64_t d);

/**
 * tv_time_scale: @v units of @unit nanoseconds (1000 for microseconds,
 * TV_NS_PER_MS, ...) into *@ns.  Returns 0, or -TV_ERANGE when it does not fit.
 */
int tv_time_scale(int64_t v, int64_t unit, int64_t *ns);

/**
 * tv_time_scale_double: @v units of @unit nanoseconds, rounded, into *@ns
 * (seconds since the epoch, fractional milliseconds).  Returns 0, or
 * -TV_ERANGE when @v is not finite or the result does not fit.
 */
int tv_time_scale_double(double v, double unit, int64_t *ns);

/**
 * tv_time_parse: parse an ISO 8601 / RFC 3339 timestamp into nanoseconds.
 * Accepts `YYYY-MM-DD[T ]HH:MM:SS[.,fraction][ ][Z|+HH:MM|+HHMM|-..][ UTC]`,
 * which covers RFC 3339, Python isoformat(), Go's time.String() and the
 * collector's zap prefix.  A time without a zone is taken as UTC and
 * @naive (may be NULL) is set to true.
 * Returns: 0, -TV_EPARSE, or -TV_ERANGE for a time of years 0000-9999
 * outside TV_TIME_RANGE_TEXT.
 */
int tv_time_parse(const char *s, size_t n, int64_t *ns, bool *naive);

/**
 * tv_time_format: RFC 3339 UTC with 3, 6 or 9 fraction digits (the fewest
 * that lose nothing), e.g. `2025-07-01T09:00:00.123Z`.
 * @buf: at least TV_TIME_BUFSZ bytes.  Returns the length written.
 */
#define TV_TIME_BUFSZ 40
size_t tv_time_format(int64_t ns, char *buf);

/** tv_ms_format: nanoseconds as milliseconds text (`1234`, `1234.5`).  Returns length. */
size_t tv_ms_format(int64_t ns, char *buf);

/** tv_days_from_civil: days since 1970-01-01 of a proleptic Gregorian date. */
int64_t tv_days_from_civil(int64_t y, unsigned m, unsigned d);

/**
 * tv_parse_int64: a whole decimal integer (optional sign), nothing else.
 * Returns: 0 or -TV_EPARSE (also on overflow).
 */
int tv_parse_int64(const char *s, size_t n, int64_t *out);

/** tv_parse_double: a whole decimal number.  Returns 0 or -TV_EPARSE. */
int tv_parse_double(const char *s, size_t n, double *out);

/**
 * tv_duration_parse: a duration like `250ms`, `10s`, `30m`, `1h`, `7d`,
 * `1.5h` or a bare number of seconds.  Returns 0 and *@ns, or -TV_EPARSE.
 */
int tv_duration_parse(const char *s, int64_t *ns);

#endif
