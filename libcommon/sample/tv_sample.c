// SPDX-License-Identifier: MIT
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcommon/core/tv_error.h"
#include "libcommon/core/tv_hmac.h"
#include "libcommon/sample/tv_sample.h"

uint64_t tv_sample_hash(uint64_t seed, const char *id, size_t n)
{
	unsigned char mac[TV_HMAC_SIZE];
	char key[24];
	uint64_t h = 0;
	int k = snprintf(key, sizeof(key), "%llu", (unsigned long long)seed);

	tv_hmac_sha256(key, (size_t)k, id, n, mac);
	for (int i = 0; i < 8; i++) {
		h = h << 8 | mac[i];
	}
	return h;
}

uint64_t tv_sample_threshold(double rate)
{
	double t;

	if (!(rate > 0)) {
		return 0;
	}
	if (rate >= 1) {
		return UINT64_MAX;
	}
	t = ldexp(rate, 64); /* exact: a power-of-two scaling */
	if (t >= 18446744073709551615.0) {
		return UINT64_MAX;
	}
	return (uint64_t)t;
}

bool tv_sample_keep(uint64_t h, double rate)
{
	if (rate >= 1) {
		return true;
	}
	return h < tv_sample_threshold(rate);
}

int tv_sample_parse_rate(const char *s, double *rate)
{
	char *end;
	double v, d;

	if (s == NULL || !((*s >= '0' && *s <= '9') || *s == '.')) {
		return -TV_EPARSE;
	}
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s) {
		return -TV_EPARSE;
	}
	if (*end == '%' && end[1] == '\0') {
		v /= 100;
	} else if (*end == '/') {
		const char *q = end + 1;

		if (!(*q >= '0' && *q <= '9')) {
			return -TV_EPARSE;
		}
		d = strtod(q, &end);
		if (errno || *end != '\0' || !(d > 0)) {
			return -TV_EPARSE;
		}
		v /= d;
	} else if (*end != '\0') {
		return -TV_EPARSE;
	}
	if (!(v > 0) || v > 1 || !isfinite(v)) {
		return -TV_EPARSE;
	}
	*rate = v;
	return 0;
}
