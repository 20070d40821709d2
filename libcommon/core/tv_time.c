// SPDX-License-Identifier: MIT
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcommon/core/tv_error.h"
#include "libcommon/core/tv_time.h"

int64_t tv_time_diff(int64_t a, int64_t b)
{
	if (a == TV_NONE || b == TV_NONE || (b < 0 && a > INT64_MAX + b) ||
	    (b > 0 && a < INT64_MIN + 1 + b)) {
		return TV_NONE;
	}
	return a - b;
}

int64_t tv_time_add(int64_t t, int64_t d)
{
	if (t == TV_NONE || d == TV_NONE || (d > 0 && t > INT64_MAX - d) ||
	    (d < 0 && t < INT64_MIN + 1 - d)) {
		return TV_NONE;
	}
	return t + d;
}

int tv_time_scale(int64_t v, int64_t unit, int64_t *ns)
{
	if (v == TV_NONE || unit <= 0 || v > INT64_MAX / unit || v < -(INT64_MAX / unit)) {
		return -TV_ERANGE;
	}
	*ns = v * unit;
	return 0;
}

int tv_time_scale_double(double v, double unit, int64_t *ns)
{
	double x = v * unit;

	/* 9.2233720368547748e18 is the largest double below 2^63 */
	if (!isfinite(x) || x >= 9.2233720368547748e18 || x <= -9.2233720368547748e18) {
		return -TV_ERANGE;
	}
	*ns = llround(x);
	return 0;
}

int64_t tv_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int64_t days_in_month(int64_t y, unsigned m)
{
	static const unsigned char dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : dm[m - 1];
}

/* read exactly @w digits at *p */
static bool digits(const char **p, const char *end, int w, int64_t *out)
{
	int64_t v = 0;

	if (end - *p < w) {
		return false;
	}
	for (int i = 0; i < w; i++) {
		char c = (*p)[i];

		if (c < '0' || c > '9') {
			return false;
		}
		v = v * 10 + (c - '0');
	}
	*p += w;
	*out = v;
	return true;
}

static bool expect(const char **p, const char *end, char c)
{
	if (*p >= end || **p != c) {
		return false;
	}
	(*p)++;
	return true;
}

static bool parse_zone(const char **p, const char *end, int64_t *off_s, bool *has_zone)
{
	int64_t hh, mm = 0;
	int sign;

	while (*p < end && **p == ' ') {
		(*p)++;
	}
	if (*p >= end) {
		return true;
	}
	if (**p == 'Z' || **p == 'z') {
		(*p)++;
		*has_zone = true;
		return true;
	}
	if (**p != '+' && **p != '-') {
		return true;
	}
	sign = **p == '-' ? -1 : 1;
	(*p)++;
	if (!digits(p, end, 2, &hh)) {
		return false;
	}
	if (*p < end && **p == ':') {
		(*p)++;
	}
	if (*p < end && **p >= '0' && **p <= '9' && !digits(p, end, 2, &mm)) {
		return false;
	}
	if (hh > 23 || mm > 59) {
		return false;
	}
	*off_s = sign * (hh * 3600 + mm * 60);
	*has_zone = true;
	return true;
}

/*
 * @secs seconds (which fit for any year 0000-9999) and @frac nanoseconds
 * as one count; before 1970 the fraction is taken from the next second up,
 * so the earliest second that int64 holds in part is read too.
 */
static int whole_ns(int64_t secs, int64_t frac, int64_t *ns)
{
	int64_t t;

	if (frac > 0 && secs < 0) {
		secs++;
		frac -= TV_NS_PER_SEC;
	}
	if (tv_time_scale(secs, TV_NS_PER_SEC, &t) < 0) {
		return -TV_ERANGE;
	}
	t = tv_time_add(t, frac);
	if (t == TV_NONE) {
		return -TV_ERANGE;
	}
	*ns = t;
	return 0;
}

int tv_time_parse(const char *s, size_t n, int64_t *ns, bool *naive)
{
	const char *p = s, *end = s + n;
	int64_t y, mo, d, h, mi, sec, frac = 0, off = 0, days;
	int fdigits = 0;
	bool has_zone = false;

	if (!digits(&p, end, 4, &y) || !expect(&p, end, '-') || !digits(&p, end, 2, &mo) ||
	    !expect(&p, end, '-') || !digits(&p, end, 2, &d)) {
		return -TV_EPARSE;
	}
	if (p >= end || (*p != 'T' && *p != 't' && *p != ' ')) {
		return -TV_EPARSE;
	}
	p++;
	if (!digits(&p, end, 2, &h) || !expect(&p, end, ':') || !digits(&p, end, 2, &mi) ||
	    !expect(&p, end, ':') || !digits(&p, end, 2, &sec)) {
		return -TV_EPARSE;
	}
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) {
		return -TV_EPARSE;
	}
	if (p < end && (*p == '.' || *p == ',')) {
		p++;
		while (p < end && *p >= '0' && *p <= '9') {
			if (fdigits < 9) {
				frac = frac * 10 + (*p - '0');
				fdigits++;
			}
			p++;
		}
		if (fdigits == 0) {
			return -TV_EPARSE;
		}
		for (int i = fdigits; i < 9; i++) {
			frac *= 10;
		}
	}
	if (!parse_zone(&p, end, &off, &has_zone)) {
		return -TV_EPARSE;
	}
	/* Go's time.String() appends the zone abbreviation, e.g. " UTC" */
	if (p < end && *p == ' ' && has_zone) {
		const char *abbr = ++p;

		while (p < end && *p >= 'A' && *p <= 'Z') {
			p++;
		}
		if (p - abbr < 1 || p - abbr > 5) {
			return -TV_EPARSE;
		}
	}
	if (p != end) {
		return -TV_EPARSE;
	}
	if (d > days_in_month(y, (unsigned)mo)) {
		return -TV_EPARSE;
	}
	days = tv_days_from_civil(y, (unsigned)mo, (unsigned)d);
	if (whole_ns((days * 86400 + h * 3600 + mi * 60 + sec) - off, frac, ns) < 0) {
		return -TV_ERANGE;
	}
	if (naive) {
		*naive = !has_zone;
	}
	return 0;
}

/* @w digits of @v at @p */
static char *put_digits(char *p, uint64_t v, int w)
{
	for (int i = w - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + w;
}

size_t tv_time_format(int64_t ns, char *buf)
{
	int64_t secs = ns / TV_NS_PER_SEC, frac = ns % TV_NS_PER_SEC, days, rem, y;
	unsigned m, d;
	char *p = buf;

	if (frac < 0) {
		frac += TV_NS_PER_SEC;
		secs--;
	}
	days = secs / 86400;
	rem = secs % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999) { /* outside RFC 3339: printf does the odd cases */
		return (size_t)snprintf(buf, TV_TIME_BUFSZ, "%04lld-%02u-%02uT%02d:%02d:%02d.%09dZ",
					(long long)y, m, d, (int)(rem / 3600), (int)(rem / 60 % 60),
					(int)(rem % 60), (int)frac);
	}
	p = put_digits(p, (uint64_t)y, 4);
	*p++ = '-';
	p = put_digits(p, m, 2);
	*p++ = '-';
	p = put_digits(p, d, 2);
	*p++ = 'T';
	p = put_digits(p, (uint64_t)(rem / 3600), 2);
	*p++ = ':';
	p = put_digits(p, (uint64_t)(rem / 60 % 60), 2);
	*p++ = ':';
	p = put_digits(p, (uint64_t)(rem % 60), 2);
	*p++ = '.';
	if (frac % 1000000 == 0) {
		p = put_digits(p, (uint64_t)(frac / 1000000), 3);
	} else if (frac % 1000 == 0) {
		p = put_digits(p, (uint64_t)(frac / 1000), 6);
	} else {
		p = put_digits(p, (uint64_t)frac, 9);
	}
	*p++ = 'Z';
	*p = '\0';
	return (size_t)(p - buf);
}

size_t tv_ms_format(int64_t ns, char *buf)
{
	uint64_t a = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
	uint64_t whole = a / 1000000, frac = a % 1000000;
	int n, width = 6;

	/* beyond 2^53 ns a double cannot carry the fraction back: whole ms */
	if (a >= (UINT64_C(1) << 53)) {
		whole = (a + 500000) / 1000000;
		frac = 0;
	}

	if (frac == 0) {
		n = snprintf(buf, 32, "%s%llu", ns < 0 ? "-" : "", (unsigned long long)whole);
	} else {
		while (frac % 10 == 0) {
			frac /= 10;
			width--;
		}
		n = snprintf(buf, 32, "%s%llu.%0*llu", ns < 0 ? "-" : "", (unsigned long long)whole,
			     width, (unsigned long long)frac);
	}
	return n > 0 ? (size_t)n : 0;
}

int tv_parse_int64(const char *s, size_t n, int64_t *out)
{
	uint64_t v = 0, limit;
	bool neg;
	size_t i;

	if (n == 0) {
		return -TV_EPARSE;
	}
	neg = s[0] == '-';
	i = neg;
	if (i == n) {
		return -TV_EPARSE;
	}
	limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < n; i++) {
		unsigned d = (unsigned char)s[i] - '0';

		if (d > 9 || v > (limit - d) / 10) {
			return -TV_EPARSE; /* not a digit, or overflow */
		}
		v = v * 10 + d;
	}
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

int tv_parse_double(const char *s, size_t n, double *out)
{
	char buf[64], *end;
	double v;

	if (n == 0 || n >= sizeof(buf)) {
		return -TV_EPARSE;
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (!(buf[0] == '-' || buf[0] == '.' || (buf[0] >= '0' && buf[0] <= '9')) ||
	    strpbrk(buf, "xX") != NULL) { /* no C99 hex floats */
		return -TV_EPARSE;
	}
	errno = 0;
	v = strtod(buf, &end);
	if (errno == ERANGE || *end != '\0' || !isfinite(v)) {
		return -TV_EPARSE;
	}
	*out = v;
	return 0;
}

int tv_duration_parse(const char *s, int64_t *ns)
{
	static const struct {
		const char *unit;
		double ns;
	} units[] = {
		{ "ns", 1 },	 { "us", 1e3 },	   { "ms", 1e6 },     { "s", 1e9 }, { "m", 60e9 },
		{ "h", 3600e9 }, { "d", 86400e9 }, { "w", 604800e9 }, { "", 1e9 },
	};
	char *end;
	double v;

	if (s == NULL || !((*s >= '0' && *s <= '9') || *s == '.') || strpbrk(s, "xX") != NULL) {
		return -TV_EPARSE;
	}
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || v < 0) {
		return -TV_EPARSE;
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].unit) != 0) {
			continue;
		}
		if (v * units[i].ns > 9.2e18) {
			return -TV_EPARSE;
		}
		*ns = (int64_t)(v * units[i].ns + 0.5);
		return 0;
	}
	return -TV_EPARSE;
}
