// SPDX-License-Identifier: MIT
/*
 * tv_jw: the streaming JSON writer (separators, escaping, U+FFFD for bad
 * UTF-8, shortest doubles, nullable helpers) and tv_utf8_valid.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "libcommon/json/tv_json.h"
#include "libcommon/json/tv_jw.h"
#include "libcommon/core/tv_time.h"

#define FFFD "\xef\xbf\xbd"

struct fix {
	struct tv_strbuf b;
	struct tv_jw w;
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	if (f == NULL) {
		return -1;
	}
	tv_strbuf_init(&f->b);
	tv_jw_init(&f->w, &f->b);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	tv_strbuf_finish(&f->b);
	free(f);
	return 0;
}

/* the writer's output is exactly @want, and valid JSON */
static void check_out(struct fix *f, const char *want)
{
	struct tv_json_parser *p;
	struct tv_jv root;
	const char *why = NULL;

	assert_int_equal(tv_jw_error(&f->w), 0);
	assert_non_null(f->b.p);
	if (f->b.len != strlen(want) || memcmp(f->b.p, want, f->b.len) != 0) {
		fail_msg("got  %.*s\nwant %s", (int)f->b.len, f->b.p, want);
	}
	p = tv_json_parser_create();
	assert_non_null(p);
	if (tv_json_parse(p, f->b.p, f->b.len, &root, &why) != 0) {
		fail_msg("not valid JSON (%s): %.*s", why ? why : "?", (int)f->b.len, f->b.p);
	}
	tv_json_parser_destroy(p);
}

static void test_commas_nesting(void **state)
{
	struct fix *f = *state;
	struct tv_jw *w = &f->w;

	tv_jw_obj_begin(w);
	tv_jw_key(w, "a");
	tv_jw_int(w, 1);
	tv_jw_key(w, "b");
	tv_jw_arr_begin(w);
	tv_jw_int(w, 1);
	tv_jw_int(w, -2);
	tv_jw_obj_begin(w);
	tv_jw_obj_end(w);
	tv_jw_arr_begin(w);
	tv_jw_arr_end(w);
	tv_jw_str(w, "x", 1);
	tv_jw_arr_end(w);
	tv_jw_key(w, "c");
	tv_jw_obj_begin(w);
	tv_jw_key(w, "d");
	tv_jw_null(w);
	tv_jw_key(w, "e");
	tv_jw_bool(w, true);
	tv_jw_key(w, "f");
	tv_jw_bool(w, false);
	tv_jw_obj_end(w);
	tv_jw_key(w, "g");
	tv_jw_arr_begin(w);
	tv_jw_arr_begin(w);
	tv_jw_arr_begin(w);
	tv_jw_arr_end(w);
	tv_jw_arr_end(w);
	tv_jw_arr_end(w);
	tv_jw_obj_end(w);
	check_out(f, "{\"a\":1,\"b\":[1,-2,{},[],\"x\"],\"c\":{\"d\":null,\"e\":true,"
		     "\"f\":false},\"g\":[[[]]]}");
}

static void test_empty_containers(void **state)
{
	struct fix *f = *state;

	tv_jw_arr_begin(&f->w);
	tv_jw_obj_begin(&f->w);
	tv_jw_obj_end(&f->w);
	tv_jw_obj_begin(&f->w);
	tv_jw_key(&f->w, "k");
	tv_jw_arr_begin(&f->w);
	tv_jw_arr_end(&f->w);
	tv_jw_obj_end(&f->w);
	tv_jw_arr_end(&f->w);
	check_out(f, "[{},{\"k\":[]}]");
}

static void test_ints(void **state)
{
	struct fix *f = *state;

	tv_jw_arr_begin(&f->w);
	tv_jw_int(&f->w, 0);
	tv_jw_int(&f->w, INT64_MAX);
	tv_jw_int(&f->w, INT64_MIN);
	tv_jw_opt_int(&f->w, TV_NONE);
	tv_jw_opt_int(&f->w, 7);
	tv_jw_tristate(&f->w, -1);
	tv_jw_tristate(&f->w, 0);
	tv_jw_tristate(&f->w, 1);
	tv_jw_tristate(&f->w, 2);
	tv_jw_arr_end(&f->w);
	check_out(f, "[0,9223372036854775807,-9223372036854775808,null,7,null,false,true,true]");
}

static void test_escape_specials(void **state)
{
	struct fix *f = *state;
	const char s[] = "q\"b\\s/n\nr\rt\tb\bf\f.";

	tv_jw_str(&f->w, s, sizeof(s) - 1);
	check_out(f, "\"q\\\"b\\\\s/n\\nr\\rt\\tb\\bf\\f.\"");
}

static void test_escape_controls(void **state)
{
	struct fix *f = *state;
	struct tv_strbuf want;
	char in[32];

	tv_strbuf_init(&want);
	tv_strbuf_putc(&want, '"');
	for (int c = 0; c < 32; c++) {
		in[c] = (char)c;
		switch (c) {
		case '\n':
			tv_strbuf_puts(&want, "\\n");
			break;
		case '\r':
			tv_strbuf_puts(&want, "\\r");
			break;
		case '\t':
			tv_strbuf_puts(&want, "\\t");
			break;
		case '\b':
			tv_strbuf_puts(&want, "\\b");
			break;
		case '\f':
			tv_strbuf_puts(&want, "\\f");
			break;
		default:
			tv_strbuf_printf(&want, "\\u%04x", c);
			break;
		}
	}
	tv_strbuf_putc(&want, '"');
	tv_jw_str(&f->w, in, sizeof(in));
	check_out(f, want.p);
	tv_strbuf_finish(&want);
}

/* DEL and printable ASCII pass unchanged */
static void test_no_needless_escapes(void **state)
{
	struct fix *f = *state;
	const char s[] = "abc XYZ 019 ~!@#$%^&*()_+{}[]|:;'<>,.?/\x7f";

	tv_jw_str(&f->w, s, sizeof(s) - 1);
	check_out(f, "\"abc XYZ 019 ~!@#$%^&*()_+{}[]|:;'<>,.?/\x7f\"");
}

static void test_key_escaping(void **state)
{
	struct fix *f = *state;

	tv_jw_obj_begin(&f->w);
	tv_jw_key(&f->w, "a\"b");
	tv_jw_int(&f->w, 1);
	tv_jw_key_n(&f->w, "x\ny-ignored", 3);
	tv_jw_int(&f->w, 2);
	tv_jw_key_n(&f->w, "\xff", 1);
	tv_jw_int(&f->w, 3);
	tv_jw_obj_end(&f->w);
	check_out(f, "{\"a\\\"b\":1,\"x\\ny\":2,\"" FFFD "\":3}");
}

static void test_utf8_passthrough(void **state)
{
	struct fix *f = *state;
	const char s[] = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf";

	tv_jw_str(&f->w, s, sizeof(s) - 1);
	check_out(f, "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf\"");
}

static void test_invalid_utf8_replaced(void **state)
{
	struct fix *f = *state;
	static const struct {
		const char *in;
		const char *want;
	} cases[] = {
		{ "\xff", "\"" FFFD "\"" },
		{ "a\xfe"
		  "b",
		  "\"a" FFFD "b\"" },
		{ "\x80", "\"" FFFD "\"" },			       /* lone continuation */
		{ "x\xc3", "\"x" FFFD "\"" },			       /* truncated at the end */
		{ "\xc3(", "\"" FFFD "(\"" },			       /* bad continuation */
		{ "\xe2\x82", "\"" FFFD FFFD "\"" },		       /* truncated 3-byte */
		{ "\xc0\xaf", "\"" FFFD FFFD "\"" },		       /* overlong '/' */
		{ "\xe0\x80\xaf", "\"" FFFD FFFD FFFD "\"" },	       /* overlong 3-byte */
		{ "\xed\xa0\x80", "\"" FFFD FFFD FFFD "\"" },	       /* surrogate U+D800 */
		{ "\xf4\x90\x80\x80", "\"" FFFD FFFD FFFD FFFD "\"" }, /* > U+10FFFF */
		{ "\xf5\x80", "\"" FFFD FFFD "\"" },
		{ "ok\xc3\xa9\xff\xc3\xa9", "\"ok\xc3\xa9" FFFD "\xc3\xa9\"" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		tv_strbuf_reset(&f->b);
		tv_jw_init(&f->w, &f->b);
		tv_jw_str(&f->w, cases[i].in, strlen(cases[i].in));
		check_out(f, cases[i].want);
	}
}

static void test_escape_nul(void **state)
{
	struct fix *f = *state;

	tv_jw_str(&f->w, "a\0b", 3);
	check_out(f, "\"a\\u0000b\"");
}

static void test_json_escape_no_quotes(void **state)
{
	struct tv_strbuf b;

	(void)state;
	tv_strbuf_init(&b);
	assert_int_equal(tv_json_escape(&b, "say \"hi\"\n", 9), 0);
	assert_string_equal(b.p, "say \\\"hi\\\"\\n");
	assert_int_equal(tv_json_escape(&b, "", 0), 0);
	assert_string_equal(b.p, "say \\\"hi\\\"\\n");
	tv_strbuf_finish(&b);
}

static void test_utf8_valid(void **state)
{
	static const char *const good[] = {
		"",
		"plain ascii",
		"caf\xc3\xa9",
		"\xe2\x82\xac",
		"\xf0\x9f\x98\x80",
		"\xf4\x8f\xbf\xbf", /* U+10FFFF */
		"\xed\x9f\xbf",	    /* U+D7FF, just below the surrogates */
		"\xee\x80\x80",	    /* U+E000, just above */
		"\xc2\x80",
		"\xe0\xa0\x80",
		"\xf0\x90\x80\x80", /* smallest of each length */
	};
	static const char *const bad[] = {
		"\x80",
		"\xbf",
		"\xc3",
		"\xc3(",
		"\xe2\x82",
		"\xf0\x9f\x98",
		"\xc0\x80",
		"\xc1\xbf", /* overlong 2-byte */
		"\xe0\x80\x80",
		"\xe0\x9f\xbf", /* overlong 3-byte */
		"\xf0\x80\x80\x80",
		"\xf0\x8f\xbf\xbf", /* overlong 4-byte */
		"\xed\xa0\x80",
		"\xed\xbf\xbf", /* surrogates U+D800, U+DFFF */
		"\xed\xb0\x80", /* low surrogate U+DC00 */
		"\xf4\x90\x80\x80",
		"\xf7\xbf\xbf\xbf", /* above U+10FFFF */
		"\xf5",
		"\xf8\x88\x80\x80\x80",
		"\xfe",
		"\xff",
		"ok\xff",
		"\xe2\x82\xac\xe2\x82",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (!tv_utf8_valid(good[i], strlen(good[i]))) {
			fail_msg("good[%zu] rejected", i);
		}
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (tv_utf8_valid(bad[i], strlen(bad[i]))) {
			fail_msg("bad[%zu] accepted", i);
		}
	}
	/* NUL is valid UTF-8 */
	assert_true(tv_utf8_valid("a\0b", 3));
	/* the length is respected: a sequence cut by n is invalid */
	assert_false(tv_utf8_valid("\xc3\xa9", 1));
	assert_true(tv_utf8_valid("a\xff", 1));
}

static void check_double(double v, const char *want)
{
	struct tv_strbuf b;
	struct tv_jw w;

	tv_strbuf_init(&b);
	tv_jw_init(&w, &b);
	tv_jw_double(&w, v);
	assert_int_equal(tv_jw_error(&w), 0);
	if (strcmp(b.p, want) != 0) {
		fail_msg("tv_jw_double(%.17g) = %s, want %s", v, b.p, want);
	}
	tv_strbuf_finish(&b);
}

static void test_double_shortest(void **state)
{
	(void)state;
	check_double(0.0, "0");
	check_double(1.0, "1");
	check_double(-2.5, "-2.5");
	check_double(0.1, "0.1");
	check_double(0.1 + 0.2, "0.30000000000000004");
	check_double(1.0 / 3.0, "0.3333333333333333");
	check_double(123.456, "123.456");
	check_double(0.0042, "0.0042");
	check_double(1e300, "1e+300");
	check_double(5e-324, "5e-324");
	check_double(1.7976931348623157e308, "1.7976931348623157e+308");
}

static void test_double_round_trip(void **state)
{
	double v = 1.0;

	(void)state;
	for (int i = 0; i < 2000; i++) {
		struct tv_strbuf b;
		struct tv_jw w;
		double back;
		char *end;

		v = v * 1.37 + (i % 7) * 0.013 - 0.5;
		if (!isfinite(v) || fabs(v) > 1e200) {
			v = 1.0 / (i + 3);
		}
		tv_strbuf_init(&b);
		tv_jw_init(&w, &b);
		tv_jw_double(&w, v);
		back = strtod(b.p, &end);
		assert_int_equal(*end, '\0');
		if (back != v) {
			fail_msg("%.17g written as %s", v, b.p);
		}
		tv_strbuf_finish(&b);
	}
}

static void test_double_not_finite(void **state)
{
	struct fix *f = *state;

	tv_jw_arr_begin(&f->w);
	tv_jw_double(&f->w, NAN);
	tv_jw_double(&f->w, INFINITY);
	tv_jw_double(&f->w, -INFINITY);
	tv_jw_double(&f->w, 2.0);
	tv_jw_arr_end(&f->w);
	check_out(f, "[null,null,null,2]");
}

static void test_time_and_ms(void **state)
{
	struct fix *f = *state;

	tv_jw_obj_begin(&f->w);
	tv_jw_key(&f->w, "t");
	tv_jw_time(&f->w, INT64_C(1751360400123000000));
	tv_jw_key(&f->w, "t0");
	tv_jw_time(&f->w, TV_NONE);
	tv_jw_key(&f->w, "t1");
	tv_jw_time(&f->w, -1);
	tv_jw_key(&f->w, "d");
	tv_jw_ms(&f->w, 1500000);
	tv_jw_key(&f->w, "d0");
	tv_jw_ms(&f->w, TV_NONE);
	tv_jw_key(&f->w, "d1");
	tv_jw_ms(&f->w, 0);
	tv_jw_key(&f->w, "d2");
	tv_jw_ms(&f->w, 2000000000);
	tv_jw_obj_end(&f->w);
	check_out(f, "{\"t\":\"2025-07-01T09:00:00.123Z\",\"t0\":null,"
		     "\"t1\":\"1969-12-31T23:59:59.999999999Z\",\"d\":1.5,\"d0\":null,\"d1\":0,"
		     "\"d2\":2000}");
}

static void test_cstr_raw(void **state)
{
	struct fix *f = *state;

	tv_jw_arr_begin(&f->w);
	tv_jw_cstr(&f->w, NULL);
	tv_jw_cstr(&f->w, "s");
	tv_jw_cstr(&f->w, "");
	tv_jw_raw(&f->w, "{\"x\":[1,2]}", 11);
	tv_jw_raw(&f->w, "3", 1);
	tv_jw_arr_end(&f->w);
	check_out(f, "[null,\"s\",\"\",{\"x\":[1,2]},3]");
}

/* the writer appends: what was in the buffer stays */
static void test_appends(void **state)
{
	struct fix *f = *state;

	assert_int_equal(tv_strbuf_puts(&f->b, "prefix "), 0);
	tv_jw_init(&f->w, &f->b);
	tv_jw_arr_begin(&f->w);
	tv_jw_arr_end(&f->w);
	assert_int_equal(tv_jw_error(&f->w), 0);
	assert_string_equal(f->b.p, "prefix []");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_commas_nesting, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_containers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ints, setup, teardown),
		cmocka_unit_test_setup_teardown(test_escape_specials, setup, teardown),
		cmocka_unit_test_setup_teardown(test_escape_controls, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_needless_escapes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_escaping, setup, teardown),
		cmocka_unit_test_setup_teardown(test_utf8_passthrough, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_utf8_replaced, setup, teardown),
		cmocka_unit_test_setup_teardown(test_escape_nul, setup, teardown),
		cmocka_unit_test(test_json_escape_no_quotes),
		cmocka_unit_test(test_utf8_valid),
		cmocka_unit_test(test_double_shortest),
		cmocka_unit_test(test_double_round_trip),
		cmocka_unit_test_setup_teardown(test_double_not_finite, setup, teardown),
		cmocka_unit_test_setup_teardown(test_time_and_ms, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cstr_raw, setup, teardown),
		cmocka_unit_test_setup_teardown(test_appends, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
