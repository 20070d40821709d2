// SPDX-License-Identifier: MIT
/*
 * Deterministic sampling (tv_sample.c): the sampling hash against values
 * computed independently with Python's hmac module,
 *
 *   int.from_bytes(hmac.new(str(seed).encode(), id.encode(), "sha256").digest()[:8], "big")
 *
 * the threshold floor(rate * 2^64) and the keep decision at their edges,
 * and the rate forms --sample accepts (0.05, 5%, 1/20) and refuses.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "libcommon/core/tv_error.h"
#include "libcommon/core/tv_hmac.h"
#include "libcommon/sample/tv_sample.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void test_hmac_rfc4231(void **state)
{
	/* RFC 4231 test case 2 */
	static const unsigned char want[32] = {
		0x5b, 0xdc, 0xc1, 0x46, 0xbf, 0x60, 0x75, 0x4e, 0x6a, 0x04, 0x24,
		0x26, 0x08, 0x95, 0x75, 0xc7, 0x5a, 0x00, 0x3f, 0x08, 0x9d, 0x27,
		0x39, 0x83, 0x9d, 0xec, 0x58, 0xb9, 0x64, 0xec, 0x38, 0x43,
	};
	const char *msg = "what do ya want for nothing?";
	unsigned char out[32];

	(void)state;
	tv_hmac_sha256("Jefe", 4, msg, strlen(msg), out);
	assert_memory_equal(out, want, 32);
}

/* RFC 4231 cases 1, 6 (a key longer than a block) and 7 */
static void test_hmac_vectors(void **state)
{
	static const unsigned char case1[32] = {
		0xb0, 0x34, 0x4c, 0x61, 0xd8, 0xdb, 0x38, 0x53, 0x5c, 0xa8, 0xaf,
		0xce, 0xaf, 0x0b, 0xf1, 0x2b, 0x88, 0x1d, 0xc2, 0x00, 0xc9, 0x83,
		0x3d, 0xa7, 0x26, 0xe9, 0x37, 0x6c, 0x2e, 0x32, 0xcf, 0xf7,
	};
	static const unsigned char case6[32] = {
		0x60, 0xe4, 0x31, 0x59, 0x1e, 0xe0, 0xb6, 0x7f, 0x0d, 0x8a, 0x26,
		0xaa, 0xcb, 0xf5, 0xb7, 0x7f, 0x8e, 0x0b, 0xc6, 0x21, 0x37, 0x28,
		0xc5, 0x14, 0x05, 0x46, 0x04, 0x0f, 0x0e, 0xe3, 0x7f, 0x54,
	};
	static const unsigned char case7[32] = {
		0x9b, 0x09, 0xff, 0xa7, 0x1b, 0x94, 0x2f, 0xcb, 0x27, 0x63, 0x5f,
		0xbc, 0xd5, 0xb0, 0xe9, 0x44, 0xbf, 0xdc, 0x63, 0x64, 0x4f, 0x07,
		0x13, 0x93, 0x8a, 0x7f, 0x51, 0x53, 0x5c, 0x3a, 0x35, 0xe2,
	};
	const char *m7 = "This is a test using a larger than block-size key and a larger than "
			 "block-size data. The key needs to be hashed before being used by the "
			 "HMAC algorithm.";
	unsigned char key[131], out[32];

	(void)state;
	memset(key, 0x0b, 20);
	tv_hmac_sha256(key, 20, "Hi There", 8, out);
	assert_memory_equal(out, case1, 32);
	memset(key, 0xaa, sizeof(key));
	tv_hmac_sha256(key, sizeof(key), "Test Using Larger Than Block-Size Key - Hash Key First",
		       54, out);
	assert_memory_equal(out, case6, 32);
	tv_hmac_sha256(key, sizeof(key), m7, strlen(m7), out);
	assert_memory_equal(out, case7, 32);
}

static void test_hash_python_values(void **state)
{
	/* computed with the Python line above */
	static const struct {
		uint64_t seed;
		const char *id;
		uint64_t h;
	} v[] = {
		{ UINT64_C(0), "a", UINT64_C(0x713439f4031c8cce) },
		{ UINT64_C(7), "c386bbc4-cd61-4e30-98f1-6adf91b7584a",
		  UINT64_C(0xad6078d0c7d7b425) },
		{ UINT64_C(7), "", UINT64_C(0x4487bed8e4d8b291) },
		{ UINT64_C(42), "session-1", UINT64_C(0xb852c284764dc197) },
		{ UINT64_C(18446744073709551615), "x", UINT64_C(0x724c5520ce49cfc2) },
		{ UINT64_C(1), "h\xc3\xa9llo", UINT64_C(0x6bf3d7c3355aa974) },
		{ UINT64_C(7), "abc", UINT64_C(0x49e7cff1c8377928) },
		{ UINT64_C(8), "abc", UINT64_C(0x36c18c18feecbfb1) },
		{ UINT64_C(10), "abc", UINT64_C(0xd5cff63c18ae1e65) },
		{ UINT64_C(0), "s-000001", UINT64_C(0xb778a79cd40c7985) },
	};

	(void)state;
	for (size_t i = 0; i < N(v); i++) {
		uint64_t h = tv_sample_hash(v[i].seed, v[i].id, strlen(v[i].id));

		if (h != v[i].h) {
			fail_msg("seed %llu id \"%s\": hash %016llx, expected %016llx",
				 (unsigned long long)v[i].seed, v[i].id, (unsigned long long)h,
				 (unsigned long long)v[i].h);
		}
	}
}

static void test_hash_uses_length(void **state)
{
	(void)state;
	/* the id is @n bytes, not a C string: no NUL needed, the rest ignored */
	assert_true(tv_sample_hash(7, "abcdef", 3) == UINT64_C(0x49e7cff1c8377928));
	assert_true(tv_sample_hash(7, "abc", 0) == UINT64_C(0x4487bed8e4d8b291));
	/* an embedded NUL is part of the id */
	assert_true(tv_sample_hash(7, "ab\0c", 4) != tv_sample_hash(7, "ab", 2));
	/* deterministic */
	assert_true(tv_sample_hash(123, "same", 4) == tv_sample_hash(123, "same", 4));
}

static void test_threshold(void **state)
{
	(void)state;
	/* nothing at or below 0 (and NaN) */
	assert_true(tv_sample_threshold(0) == 0);
	assert_true(tv_sample_threshold(-0.5) == 0);
	assert_true(tv_sample_threshold(-INFINITY) == 0);
	assert_true(tv_sample_threshold(NAN) == 0);
	/* saturates at 1 and above */
	assert_true(tv_sample_threshold(1) == UINT64_MAX);
	assert_true(tv_sample_threshold(2) == UINT64_MAX);
	assert_true(tv_sample_threshold(INFINITY) == UINT64_MAX);
	/* exact powers of two */
	assert_true(tv_sample_threshold(0.5) == UINT64_C(1) << 63);
	assert_true(tv_sample_threshold(0.25) == UINT64_C(1) << 62);
	assert_true(tv_sample_threshold(ldexp(1, -64)) == 1);
	assert_true(tv_sample_threshold(ldexp(3, -64)) == 3);
	/* floor(rate * 2^64) of the double rate (Python: int(Fraction(rate) * 2**64)) */
	assert_true(tv_sample_threshold(0.1) == UINT64_C(1844674407370955264));
	assert_true(tv_sample_threshold(0.05) == UINT64_C(922337203685477632));
	assert_true(tv_sample_threshold(1.0 / 3) == UINT64_C(6148914691236516864));
	/* tiny rates */
	assert_true(tv_sample_threshold(1e-19) == 1);
	assert_true(tv_sample_threshold(5e-20) == 0);
	assert_true(tv_sample_threshold(1e-300) == 0);
	assert_true(tv_sample_threshold(4.9e-324) == 0);
	/* just below 1 */
	assert_true(tv_sample_threshold(nextafter(1, 0)) == UINT64_C(18446744073709549568));
}

static void test_keep(void **state)
{
	(void)state;
	/* rate 1 (and more) keeps everything, the largest hash too */
	assert_true(tv_sample_keep(UINT64_MAX, 1));
	assert_true(tv_sample_keep(0, 1));
	assert_true(tv_sample_keep(UINT64_MAX, 1.5));
	/* rate 0 keeps nothing, not even hash 0 */
	assert_false(tv_sample_keep(0, 0));
	assert_false(tv_sample_keep(UINT64_MAX, 0));
	/* h < threshold, strictly */
	assert_true(tv_sample_keep((UINT64_C(1) << 63) - 1, 0.5));
	assert_false(tv_sample_keep(UINT64_C(1) << 63, 0.5));
	assert_true(tv_sample_keep(UINT64_C(1844674407370955263), 0.1));
	assert_false(tv_sample_keep(UINT64_C(1844674407370955264), 0.1));
	/* the smallest rates */
	assert_true(tv_sample_keep(0, ldexp(1, -64)));
	assert_false(tv_sample_keep(1, ldexp(1, -64)));
	assert_false(tv_sample_keep(0, 1e-300));
	/* just below 1: the largest hashes are out */
	assert_false(tv_sample_keep(UINT64_MAX, nextafter(1, 0)));
	assert_true(tv_sample_keep(UINT64_C(18446744073709549567), nextafter(1, 0)));
	assert_false(tv_sample_keep(UINT64_C(18446744073709549568), nextafter(1, 0)));
}

static void test_parse_rate(void **state)
{
	static const struct {
		const char *s;
		double rate;
	} ok[] = {
		{ "0.05", 0.05 },
		{ "5%", 0.05 },
		{ "1/20", 0.05 },
		{ "0.1", 0.1 },
		{ "10%", 0.1 },
		{ "1/10", 0.1 },
		{ "1", 1 },
		{ "1.0", 1 },
		{ "100%", 1 },
		{ "1/1", 1 },
		{ "20/20", 1 },
		{ ".5", 0.5 },
		{ "50%", 0.5 },
		{ "0.5%", 0.005 },
		{ "1/3", 1.0 / 3 },
		{ "2/3", 2.0 / 3 },
		{ "3/1000", 0.003 },
		{ "0.000001", 0.000001 },
		{ "1/1000000", 0.000001 },
	};
	static const char *const bad[] = {
		"",	 "0",	"0.0",	 "0%",	  "0/5",  "-0.1",   "-5%",  "1.5", "101%",
		"2/1",	 "3/2", "1/0",	 "1/0.0", "1/",	  "1/-2",   "1/+2", "/2",  "%",
		"5%%",	 "5 %", " 0.1",	 "0.1 ",  "0.1x", "abc",    "nan",  "inf", "+0.5",
		"1/20x", "%5",	"1/2/3", "5%/2",  "1/2%", "1e-400",
	};

	(void)state;
	for (size_t i = 0; i < N(ok); i++) {
		double r = -1;

		if (tv_sample_parse_rate(ok[i].s, &r) != 0) {
			fail_msg("\"%s\" refused", ok[i].s);
		}
		if (r != ok[i].rate) {
			fail_msg("\"%s\": %.17g, expected %.17g", ok[i].s, r, ok[i].rate);
		}
	}
	for (size_t i = 0; i < N(bad); i++) {
		double r = 42;
		int ret = tv_sample_parse_rate(bad[i], &r);

		if (ret != -TV_EPARSE) {
			fail_msg("\"%s\": %d (rate %.17g), expected -TV_EPARSE", bad[i], ret, r);
		}
		if (r != 42) {
			fail_msg("\"%s\": refused but the rate was changed to %.17g", bad[i], r);
		}
	}
	{
		double r = 42;

		assert_int_equal(tv_sample_parse_rate(NULL, &r), -TV_EPARSE);
		assert_true(r == 42);
	}
}

/* the forms of one rate give the same threshold, so the same sample */
static void test_rate_forms_agree(void **state)
{
	static const char *const forms[][3] = {
		{ "0.05", "5%", "1/20" }, { "0.1", "10%", "1/10" },  { "0.5", "50%", "1/2" },
		{ "0.25", "25%", "1/4" }, { "0.01", "1%", "1/100" }, { "0.2", "20%", "1/5" },
	};

	(void)state;
	for (size_t i = 0; i < N(forms); i++) {
		double a, b, c;

		assert_int_equal(tv_sample_parse_rate(forms[i][0], &a), 0);
		assert_int_equal(tv_sample_parse_rate(forms[i][1], &b), 0);
		assert_int_equal(tv_sample_parse_rate(forms[i][2], &c), 0);
		if (tv_sample_threshold(a) != tv_sample_threshold(b) ||
		    tv_sample_threshold(a) != tv_sample_threshold(c)) {
			fail_msg("%s, %s and %s give different thresholds", forms[i][0],
				 forms[i][1], forms[i][2]);
		}
	}
}

/* for one seed a lower rate's sample is a subset of a higher rate's */
static void test_subset(void **state)
{
	static const double rates[] = { 0.01, 0.05, 0.1, 0.5, 1 };
	size_t kept[N(rates)] = { 0 };
	char id[32];

	(void)state;
	for (int i = 0; i < 5000; i++) {
		int n = snprintf(id, sizeof(id), "id-%d", i);
		uint64_t h = tv_sample_hash(7, id, (size_t)n);
		bool prev = false;

		for (size_t r = 0; r < N(rates); r++) {
			bool k = tv_sample_keep(h, rates[r]);

			if (prev && !k) {
				fail_msg("%s: kept at rate %g, not at %g", id, rates[r - 1],
					 rates[r]);
			}
			prev = k;
			kept[r] += k;
		}
	}
	/* and the shares are about right */
	assert_true(kept[0] > 20 && kept[0] < 90);
	assert_true(kept[2] > 400 && kept[2] < 600);
	assert_true(kept[3] > 2300 && kept[3] < 2700);
	assert_int_equal(kept[4], 5000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hmac_rfc4231),
		cmocka_unit_test(test_hmac_vectors),
		cmocka_unit_test(test_hash_python_values),
		cmocka_unit_test(test_hash_uses_length),
		cmocka_unit_test(test_threshold),
		cmocka_unit_test(test_keep),
		cmocka_unit_test(test_parse_rate),
		cmocka_unit_test(test_rate_forms_agree),
		cmocka_unit_test(test_subset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
