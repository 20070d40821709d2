// SPDX-License-Identifier: MIT
/*
 * tv_time: parsing the timestamp dialects found in agent logs, formatting
 * RFC 3339 and milliseconds, and the strict integer/number/duration parsers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "libcommon/core/tv_error.h"
#include "libcommon/core/tv_time.h"

/* 2025-07-01T09:00:00Z */
#define T0 INT64_C(1751360400000000000)

static int parse(const char *s, int64_t *ns, bool *naive)
{
	return tv_time_parse(s, strlen(s), ns, naive);
}

static void check_time(const char *s, int64_t want, bool want_naive)
{
	int64_t ns = 0;
	bool naive = !want_naive;
	int r = parse(s, &ns, &naive);

	if (r != 0) {
		fail_msg("tv_time_parse(\"%s\") = %d, want 0", s, r);
	}
	if (ns != want) {
		fail_msg("tv_time_parse(\"%s\") = %lld, want %lld", s, (long long)ns,
			 (long long)want);
	}
	if (naive != want_naive) {
		fail_msg("tv_time_parse(\"%s\"): naive = %d, want %d", s, naive, want_naive);
	}
}

static void check_bad_time(const char *s)
{
	int64_t ns = 12345;
	int r = parse(s, &ns, NULL);

	if (r != -TV_EPARSE) {
		fail_msg("tv_time_parse(\"%s\") = %d (ns %lld), want -TV_EPARSE", s, r,
			 (long long)ns);
	}
}

static void test_rfc3339_zulu(void **state)
{
	(void)state;
	check_time("2025-07-01T09:00:00Z", T0, false);
	check_time("2025-07-01T09:00:00.123Z", T0 + 123000000, false);
	check_time("2025-07-01t09:00:00z", T0, false);
	check_time("1970-01-01T00:00:00Z", 0, false);
	check_time("1969-12-31T23:59:59Z", -INT64_C(1000000000), false);
	check_time("2000-02-29T00:00:00Z", INT64_C(951782400) * TV_NS_PER_SEC, false);
	check_time("2024-02-29T12:00:00Z", INT64_C(1709208000) * TV_NS_PER_SEC, false);
	check_time("1900-01-01T00:00:00Z", -INT64_C(2208988800) * TV_NS_PER_SEC, false);
}

static void test_rfc3339_offsets(void **state)
{
	(void)state;
	check_time("2025-07-01T11:00:00+02:00", T0, false);
	check_time("2025-07-01T04:30:00-04:30", T0, false);
	check_time("2025-07-01T09:00:00+00:00", T0, false);
	check_time("2025-07-01T09:00:00-00:00", T0, false);
	check_time("2025-07-01T11:00:00.5+0200", T0 + 500000000, false);
	/* crossing the date line */
	check_time("2025-07-02T00:30:00+15:30", T0, false);
	check_time("2025-06-30T23:00:00-10:00", T0, false);
}

static void test_python_isoformat(void **state)
{
	(void)state;
	/* datetime.isoformat() of a naive datetime: no zone, taken as UTC */
	check_time("2025-07-01T09:00:00", T0, true);
	check_time("2025-07-01T09:00:00.123456", T0 + 123456000, true);
	/* str(datetime) uses a space */
	check_time("2025-07-01 09:00:00.123456", T0 + 123456000, true);
	/* aware isoformat */
	check_time("2025-07-01T09:00:00.123456+00:00", T0 + 123456000, false);
	/* logging's asctime: comma before the milliseconds */
	check_time("2025-07-01 09:00:00,250", T0 + 250000000, true);
}

static void test_naive_may_be_null(void **state)
{
	int64_t ns = 0;

	(void)state;
	assert_int_equal(parse("2025-07-01T09:00:00", &ns, NULL), 0);
	assert_int_equal(ns, T0);
}

static void test_go_time_string(void **state)
{
	(void)state;
	/* fmt.Println(time.Now()) without the monotonic part */
	check_time("2025-07-27 08:52:48.08 +0000 UTC", INT64_C(1753606368080000000), false);
	check_time("2025-07-27 10:52:48.08 +0200 CEST", INT64_C(1753606368080000000), false);
	check_time("2025-07-27 08:52:48 +0000 UTC", INT64_C(1753606368000000000), false);
	check_time("2025-07-27 03:52:48.123456789 -0500 EST", INT64_C(1753606368123456789), false);
}

static void test_zap_prefix(void **state)
{
	(void)state;
	/* the collector's zap console encoder */
	check_time("2025-04-17T10:40:44.560+0200", INT64_C(1744879244560000000), false);
	check_time("2025-04-17T08:40:44.560Z", INT64_C(1744879244560000000), false);
}

static void test_fractions(void **state)
{
	(void)state;
	check_time("2025-07-01T09:00:00.1Z", T0 + 100000000, false);
	check_time("2025-07-01T09:00:00.12Z", T0 + 120000000, false);
	check_time("2025-07-01T09:00:00.123Z", T0 + 123000000, false);
	check_time("2025-07-01T09:00:00.1234Z", T0 + 123400000, false);
	check_time("2025-07-01T09:00:00.12345Z", T0 + 123450000, false);
	check_time("2025-07-01T09:00:00.123456Z", T0 + 123456000, false);
	check_time("2025-07-01T09:00:00.1234567Z", T0 + 123456700, false);
	check_time("2025-07-01T09:00:00.12345678Z", T0 + 123456780, false);
	check_time("2025-07-01T09:00:00.123456789Z", T0 + 123456789, false);
	check_time("2025-07-01T09:00:00.000000001Z", T0 + 1, false);
	/* more than 9 digits: nanoseconds kept, the rest dropped */
	check_time("2025-07-01T09:00:00.1234567891Z", T0 + 123456789, false);
	check_time("2025-07-01T09:00:00.123456789999999Z", T0 + 123456789, false);
	check_time("2025-07-01T09:00:00.000000000000Z", T0, false);
	/* fraction before a pre-epoch time still counts forward */
	check_time("1969-12-31T23:59:59.75Z", -INT64_C(250000000), false);
}

static void test_length_bounded(void **state)
{
	const char *s = "2025-07-01T09:00:00Zxxxxxxxx";
	int64_t ns = 0;

	(void)state;
	assert_int_equal(tv_time_parse(s, 20, &ns, NULL), 0);
	assert_int_equal(ns, T0);
	/* cut inside the seconds */
	assert_int_equal(tv_time_parse(s, 18, &ns, NULL), -TV_EPARSE);
	assert_int_equal(tv_time_parse(s, 0, &ns, NULL), -TV_EPARSE);
}

static void test_garbage(void **state)
{
	(void)state;
	check_bad_time("");
	check_bad_time("garbage");
	check_bad_time("now");
	check_bad_time("1751360400");
	check_bad_time("2025-07-01");
	check_bad_time("2025-07-01T09:00");
	check_bad_time("2025-07-01T09:00:00.");
	check_bad_time("2025-07-01T09:00:00.Z");
	check_bad_time("2025-7-01T09:00:00Z");
	check_bad_time("2025/07/01T09:00:00Z");
	check_bad_time("2025-07-01X09:00:00Z");
	check_bad_time("2025-07-01T9:00:00Z");
	check_bad_time("2025-07-01T09:00:00+2");
	check_bad_time("2025-07-01T09:00:00+25:00");
	check_bad_time("2025-07-01T09:00:00+01:60");
	check_bad_time("2025-07-01T09:00:00Z 12");
	check_bad_time("2025-07-01T09:00:00Z!");
	check_bad_time(" 2025-07-01T09:00:00Z");
	check_bad_time("2025-07-01T09:00:00.12a3Z");
}

/* trailing letters are only Go's zone abbreviation, never arbitrary text */
static void test_trailing_text(void **state)
{
	(void)state;
	check_bad_time("2025-07-01T09:00:00junk");
	check_bad_time("2025-07-01T09:00:00Zjunk");
}

static void test_invalid_fields(void **state)
{
	(void)state;
	check_bad_time("2025-00-01T09:00:00Z");
	check_bad_time("2025-13-01T09:00:00Z");
	check_bad_time("2025-07-00T09:00:00Z");
	check_bad_time("2025-07-32T09:00:00Z");
	check_bad_time("2025-07-01T24:00:00Z");
	check_bad_time("2025-07-01T09:60:00Z");
	check_bad_time("2025-07-01T09:00:61Z");
}

/* days that do not exist in their month */
static void test_invalid_dates(void **state)
{
	(void)state;
	check_bad_time("2025-02-30T00:00:00Z");
	check_bad_time("2025-02-29T00:00:00Z"); /* 2025 is no leap year */
	check_bad_time("1900-02-29T00:00:00Z"); /* nor is 1900 */
	check_bad_time("2025-04-31T00:00:00Z");
	check_bad_time("2025-06-31T00:00:00Z");
	check_bad_time("2025-09-31T00:00:00Z");
	check_bad_time("2025-11-31T00:00:00Z");
}

static void check_format(int64_t ns, const char *want)
{
	char buf[TV_TIME_BUFSZ];
	size_t n;

	memset(buf, 'X', sizeof(buf));
	n = tv_time_format(ns, buf);
	if (strcmp(buf, want) != 0) {
		fail_msg("tv_time_format(%lld) = \"%s\", want \"%s\"", (long long)ns, buf, want);
	}
	assert_int_equal(n, strlen(want));
}

static void test_format_digits(void **state)
{
	(void)state;
	check_format(T0, "2025-07-01T09:00:00.000Z");
	check_format(T0 + 123000000, "2025-07-01T09:00:00.123Z");
	check_format(T0 + 100000000, "2025-07-01T09:00:00.100Z");
	check_format(T0 + 123456000, "2025-07-01T09:00:00.123456Z");
	check_format(T0 + 1000, "2025-07-01T09:00:00.000001Z");
	check_format(T0 + 123456789, "2025-07-01T09:00:00.123456789Z");
	check_format(T0 + 1, "2025-07-01T09:00:00.000000001Z");
	check_format(T0 + 100, "2025-07-01T09:00:00.000000100Z");
	check_format(0, "1970-01-01T00:00:00.000Z");
	check_format(INT64_C(951782400) * TV_NS_PER_SEC + 86399 * TV_NS_PER_SEC,
		     "2000-02-29T23:59:59.000Z");
}

static void test_format_pre_1970(void **state)
{
	(void)state;
	check_format(-1, "1969-12-31T23:59:59.999999999Z");
	check_format(-1000, "1969-12-31T23:59:59.999999Z");
	check_format(-INT64_C(1000000), "1969-12-31T23:59:59.999Z");
	check_format(-INT64_C(1000000000), "1969-12-31T23:59:59.000Z");
	check_format(-INT64_C(1500000000), "1969-12-31T23:59:58.500Z");
	check_format(-INT64_C(86400) * TV_NS_PER_SEC, "1969-12-31T00:00:00.000Z");
	check_format(-INT64_C(2208988800) * TV_NS_PER_SEC, "1900-01-01T00:00:00.000Z");
	check_format(-INT64_C(2208988800) * TV_NS_PER_SEC + 250000000, "1900-01-01T00:00:00.250Z");
}

static void test_format_round_trip(void **state)
{
	static const int64_t v[] = {
		0,
		1,
		-1,
		999,
		T0,
		T0 + 7,
		T0 + 123456000,
		-INT64_C(2208988800000000001),
		INT64_C(4102444800000000000), /* 2100-01-01 */
		INT64_MAX,		      /* 2262-04-11T23:47:16.854775807Z */
	};
	char buf[TV_TIME_BUFSZ];

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		int64_t back = 0;
		bool naive = true;
		size_t n = tv_time_format(v[i], buf);

		assert_int_equal(tv_time_parse(buf, n, &back, &naive), 0);
		assert_false(naive);
		if (back != v[i]) {
			fail_msg("%lld -> %s -> %lld", (long long)v[i], buf, (long long)back);
		}
	}
}

static void check_ms(int64_t ns, const char *want)
{
	char buf[32];
	size_t n;

	memset(buf, 'X', sizeof(buf));
	n = tv_ms_format(ns, buf);
	if (strcmp(buf, want) != 0) {
		fail_msg("tv_ms_format(%lld) = \"%s\", want \"%s\"", (long long)ns, buf, want);
	}
	assert_int_equal(n, strlen(want));
}

static void test_ms_format(void **state)
{
	(void)state;
	check_ms(0, "0");
	check_ms(1000000, "1");
	check_ms(1234000000, "1234");
	check_ms(1234500000, "1234.5");
	check_ms(1234560000, "1234.56");
	check_ms(1234567891, "1234.567891");
	check_ms(1, "0.000001");
	check_ms(1500, "0.0015");
	check_ms(100000, "0.1");
	check_ms(-2500000, "-2.5");
	check_ms(-1, "-0.000001");
	/* from 2^53 ns on, whole milliseconds: what a double reads back */
	check_ms(INT64_C(9007199254740991), "9007199254.740991");
	check_ms(INT64_C(9007199254740993), "9007199255");
	check_ms(INT64_MAX, "9223372036855");
	check_ms(INT64_MIN, "-9223372036855");
}

static void check_int(const char *s, int64_t want)
{
	int64_t v = 0;
	int r = tv_parse_int64(s, strlen(s), &v);

	if (r != 0 || v != want) {
		fail_msg("tv_parse_int64(\"%s\") = %d, %lld; want %lld", s, r, (long long)v,
			 (long long)want);
	}
}

static void check_bad_int(const char *s)
{
	int64_t v = 777;
	int r = tv_parse_int64(s, strlen(s), &v);

	if (r != -TV_EPARSE) {
		fail_msg("tv_parse_int64(\"%s\") = %d (%lld), want -TV_EPARSE", s, r, (long long)v);
	}
	assert_int_equal(v, 777);
}

static void test_parse_int64(void **state)
{
	int64_t v = 0;

	(void)state;
	check_int("0", 0);
	check_int("-0", 0);
	check_int("42", 42);
	check_int("-42", -42);
	check_int("007", 7);
	check_int("9223372036854775807", INT64_MAX);
	check_int("-9223372036854775808", INT64_MIN);
	/* only the first n bytes count */
	assert_int_equal(tv_parse_int64("123abc", 3, &v), 0);
	assert_int_equal(v, 123);
}

static void test_parse_int64_overflow(void **state)
{
	(void)state;
	check_bad_int("9223372036854775808");
	check_bad_int("-9223372036854775809");
	check_bad_int("99999999999999999999");
	check_bad_int("123456789012345678901234567890123456789");
}

static void test_parse_int64_garbage(void **state)
{
	(void)state;
	check_bad_int("");
	check_bad_int("-");
	check_bad_int("+1");
	check_bad_int(" 1");
	check_bad_int("1 ");
	check_bad_int("1a");
	check_bad_int("a1");
	check_bad_int("0x10");
	check_bad_int("1.0");
	check_bad_int("1e3");
	check_bad_int("--1");
}

/* strtoll skips any leading white space; the parser must not */
static void test_parse_int64_leading_space(void **state)
{
	(void)state;
	check_bad_int("\t1");
	check_bad_int("\n1");
}

static void test_parse_double(void **state)
{
	double d = 0;

	(void)state;
	assert_int_equal(tv_parse_double("1.5", 3, &d), 0);
	assert_true(d == 1.5);
	assert_int_equal(tv_parse_double("-2e3", 4, &d), 0);
	assert_true(d == -2000.0);
	assert_int_equal(tv_parse_double("7", 1, &d), 0);
	assert_true(d == 7.0);
	assert_int_equal(tv_parse_double("", 0, &d), -TV_EPARSE);
	assert_int_equal(tv_parse_double("abc", 3, &d), -TV_EPARSE);
	assert_int_equal(tv_parse_double("1.5x", 4, &d), -TV_EPARSE);
	assert_int_equal(tv_parse_double(" 1", 2, &d), -TV_EPARSE);
	assert_int_equal(tv_parse_double("1e999", 5, &d), -TV_EPARSE);
}

static void check_dur(const char *s, int64_t want)
{
	int64_t ns = 0;
	int r = tv_duration_parse(s, &ns);

	if (r != 0 || ns != want) {
		fail_msg("tv_duration_parse(\"%s\") = %d, %lld; want %lld", s, r, (long long)ns,
			 (long long)want);
	}
}

static void check_bad_dur(const char *s)
{
	int64_t ns = 777;
	int r = tv_duration_parse(s, &ns);

	if (r != -TV_EPARSE) {
		fail_msg("tv_duration_parse(\"%s\") = %d (%lld), want -TV_EPARSE", s ? s : "NULL",
			 r, (long long)ns);
	}
}

static void test_duration_units(void **state)
{
	(void)state;
	check_dur("42ns", 42);
	check_dur("500us", 500000);
	check_dur("250ms", 250 * TV_NS_PER_MS);
	check_dur("10s", 10 * TV_NS_PER_SEC);
	check_dur("30m", 1800 * TV_NS_PER_SEC);
	check_dur("1h", 3600 * TV_NS_PER_SEC);
	check_dur("1.5h", 5400 * TV_NS_PER_SEC);
	check_dur("7d", 7 * 86400 * TV_NS_PER_SEC);
	check_dur("2w", 14 * 86400 * TV_NS_PER_SEC);
	check_dur("10", 10 * TV_NS_PER_SEC);
	check_dur("0.5", 500 * TV_NS_PER_MS);
	check_dur("0", 0);
	check_dur("0s", 0);
	check_dur(".25s", 250 * TV_NS_PER_MS);
	check_dur("1.5ms", 1500000);
}

static void test_duration_errors(void **state)
{
	(void)state;
	check_bad_dur(NULL);
	check_bad_dur("");
	check_bad_dur("-1s");
	check_bad_dur("+1s");
	check_bad_dur(" 1s");
	check_bad_dur("1s ");
	check_bad_dur("1 s");
	check_bad_dur("s");
	check_bad_dur("ms");
	check_bad_dur("1x");
	check_bad_dur("1sec");
	check_bad_dur("1S");
	check_bad_dur("1.5.5s");
	check_bad_dur("inf");
	check_bad_dur("1e30h");
	check_bad_dur("300000w");
}

/* strtod accepts "nan": it must not become a duration */
static void test_duration_nan(void **state)
{
	(void)state;
	check_bad_dur("nan");
	check_bad_dur("nanms");
}

/* strtod also reads hexadecimal: "decimal" parsers must not */
static void test_hex_rejected(void **state)
{
	double d = 0;

	(void)state;
	assert_int_equal(tv_parse_double("0x10", 4, &d), -TV_EPARSE);
	assert_int_equal(tv_parse_double("0x1p3", 5, &d), -TV_EPARSE);
	check_bad_dur("0x10");
	check_bad_dur("0x10s");
}

static void test_days_from_civil(void **state)
{
	(void)state;
	assert_int_equal(tv_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(tv_days_from_civil(1969, 12, 31), -1);
	assert_int_equal(tv_days_from_civil(2000, 3, 1), 11017);
	assert_int_equal(tv_days_from_civil(2025, 7, 1), 20270);
	assert_int_equal(tv_days_from_civil(1600, 1, 1), -135140);
}

/* the range int64 nanoseconds hold, to the nanosecond; outside it a clear -TV_ERANGE */
static void test_range(void **state)
{
	static const char *const out[] = {
		"2300-01-01T00:00:00Z",		  "1600-01-01T00:00:00Z",
		"0001-01-01T00:00:00Z",		  "9999-12-31T23:59:59.999999999Z",
		"2262-04-11T23:47:16.854775808Z", "1677-09-21T00:12:43.145224192Z",
		"1677-09-21T00:12:43Z",		  "2262-04-11T23:00:00-01:00",
	};
	int64_t ns = 42;

	(void)state;
	check_time("2262-04-11T23:47:16.854775807Z", INT64_MAX, false);
	check_time("1677-09-21T00:12:43.145224193Z", INT64_MIN + 1, false);
	check_time("1677-09-21T00:12:44Z", -INT64_C(9223372036) * TV_NS_PER_SEC, false);
	check_time("1700-01-01T00:00:00Z", -INT64_C(8520336000) * TV_NS_PER_SEC, false);
	/* a zone offset brings a time outside in, or out */
	check_time("2262-04-12T00:00:00+01:00", INT64_C(9223369200) * TV_NS_PER_SEC, false);
	for (size_t i = 0; i < sizeof(out) / sizeof(out[0]); i++) {
		if (parse(out[i], &ns, NULL) != -TV_ERANGE) {
			fail_msg("tv_time_parse(\"%s\") is not -TV_ERANGE", out[i]);
		}
		assert_int_equal(ns, 42); /* untouched */
	}
	assert_non_null(strstr(tv_strerror(-TV_ERANGE), "1677-09-21"));
}

static void test_arithmetic(void **state)
{
	int64_t ns = 0;

	(void)state;
	assert_int_equal(tv_time_diff(T0, T0 - 5), 5);
	assert_int_equal(tv_time_diff(INT64_MAX, 0), INT64_MAX);
	assert_int_equal(tv_time_diff(INT64_MAX, -1), TV_NONE);
	assert_int_equal(tv_time_diff(INT64_MIN + 1, 1), TV_NONE);
	assert_int_equal(tv_time_diff(T0, TV_NONE), TV_NONE);
	assert_int_equal(tv_time_add(T0, 5), T0 + 5);
	assert_int_equal(tv_time_add(INT64_MAX, 1), TV_NONE);
	assert_int_equal(tv_time_add(INT64_MIN + 1, -1), TV_NONE);
	assert_int_equal(tv_time_add(TV_NONE, 1), TV_NONE);
	assert_int_equal(tv_time_scale(1000, TV_NS_PER_MS, &ns), 0);
	assert_int_equal(ns, 1000000000);
	assert_int_equal(tv_time_scale(INT64_MAX / 1000 + 1, 1000, &ns), -TV_ERANGE);
	assert_int_equal(tv_time_scale(-(INT64_MAX / 1000) - 1, 1000, &ns), -TV_ERANGE);
	assert_int_equal(tv_time_scale_double(1.5, 1e6, &ns), 0);
	assert_int_equal(ns, 1500000);
	assert_int_equal(tv_time_scale_double(1e11, 1e9, &ns), -TV_ERANGE);
	assert_int_equal(tv_time_scale_double(-1e11, 1e9, &ns), -TV_ERANGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc3339_zulu),
		cmocka_unit_test(test_rfc3339_offsets),
		cmocka_unit_test(test_python_isoformat),
		cmocka_unit_test(test_naive_may_be_null),
		cmocka_unit_test(test_go_time_string),
		cmocka_unit_test(test_zap_prefix),
		cmocka_unit_test(test_fractions),
		cmocka_unit_test(test_length_bounded),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_trailing_text),
		cmocka_unit_test(test_invalid_fields),
		cmocka_unit_test(test_invalid_dates),
		cmocka_unit_test(test_format_digits),
		cmocka_unit_test(test_format_pre_1970),
		cmocka_unit_test(test_format_round_trip),
		cmocka_unit_test(test_ms_format),
		cmocka_unit_test(test_parse_int64),
		cmocka_unit_test(test_parse_int64_overflow),
		cmocka_unit_test(test_parse_int64_garbage),
		cmocka_unit_test(test_parse_int64_leading_space),
		cmocka_unit_test(test_parse_double),
		cmocka_unit_test(test_duration_units),
		cmocka_unit_test(test_duration_errors),
		cmocka_unit_test(test_duration_nan),
		cmocka_unit_test(test_hex_rejected),
		cmocka_unit_test(test_days_from_civil),
		cmocka_unit_test(test_range),
		cmocka_unit_test(test_arithmetic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
