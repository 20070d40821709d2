// SPDX-License-Identifier: MIT
/*
 * tv_json: the C API over simdjson (parse, types, member access, ordered
 * iteration, minify) and its errors (bad JSON, bad UTF-8, deep nesting).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "libcommon/core/tv_error.h"
#include "libcommon/json/tv_json.h"

struct fix {
	struct tv_json_parser *p;
	struct tv_strbuf buf; /* the parsed text: must outlive the handles */
	struct tv_strbuf out;
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	if (f == NULL) {
		return -1;
	}
	f->p = tv_json_parser_create();
	if (f->p == NULL) {
		free(f);
		return -1;
	}
	tv_strbuf_init(&f->buf);
	tv_strbuf_init(&f->out);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	tv_json_parser_destroy(f->p);
	tv_strbuf_finish(&f->buf);
	tv_strbuf_finish(&f->out);
	free(f);
	return 0;
}

/* parse @n bytes of @s (copied into a padded buffer) */
static int parse_n(struct fix *f, const char *s, size_t n, struct tv_jv *root, const char **why)
{
	tv_strbuf_reset(&f->buf);
	assert_int_equal(tv_strbuf_append(&f->buf, s, n), 0);
	return tv_json_parse(f->p, f->buf.p, f->buf.len, root, why);
}

static void parse_ok(struct fix *f, const char *s, struct tv_jv *root)
{
	const char *why = NULL;
	int r = parse_n(f, s, strlen(s), root, &why);

	if (r != 0) {
		fail_msg("parse(%s) = %d (%s)", s, r, why ? why : "?");
	}
}

static void check_str(const struct tv_jv *v, const char *want, size_t wn)
{
	const char *s;
	size_t n;

	assert_true(tv_jv_str(v, &s, &n));
	assert_int_equal(n, wn);
	assert_memory_equal(s, want, wn);
}

static void test_parser_lifecycle(void **state)
{
	struct tv_json_parser *p = tv_json_parser_create();

	(void)state;
	assert_non_null(p);
	tv_json_parser_destroy(p);
	tv_json_parser_destroy(NULL);
}

static void test_types(void **state)
{
	static const struct {
		const char *text;
		enum tv_jtype type;
	} cases[] = {
		{ "null", TV_J_NULL },
		{ "true", TV_J_BOOL },
		{ "false", TV_J_BOOL },
		{ "0", TV_J_INT },
		{ "-17", TV_J_INT },
		{ "9223372036854775807", TV_J_INT },
		{ "-9223372036854775808", TV_J_INT },
		{ "9223372036854775808", TV_J_UINT },
		{ "18446744073709551615", TV_J_UINT },
		{ "1.5", TV_J_DOUBLE },
		{ "1.0", TV_J_DOUBLE },
		{ "-2e3", TV_J_DOUBLE },
		{ "\"s\"", TV_J_STRING },
		{ "\"\"", TV_J_STRING },
		{ "[]", TV_J_ARRAY },
		{ "[1,[2]]", TV_J_ARRAY },
		{ "{}", TV_J_OBJECT },
		{ "{\"a\":{}}", TV_J_OBJECT },
		{ "  \n\t{ }\r\n", TV_J_OBJECT },
	};
	struct fix *f = *state;
	struct tv_jv v;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		parse_ok(f, cases[i].text, &v);
		if (tv_jv_type(&v) != cases[i].type) {
			fail_msg("type of %s = %d, want %d", cases[i].text, tv_jv_type(&v),
				 cases[i].type);
		}
	}
}

static void test_scalars(void **state)
{
	struct fix *f = *state;
	struct tv_jv v;
	int64_t i;
	double d;
	bool b;
	const char *s;
	size_t n;

	parse_ok(f, "-42", &v);
	assert_true(tv_jv_int(&v, &i));
	assert_int_equal(i, -42);
	assert_true(tv_jv_num(&v, &d));
	assert_true(d == -42.0);
	assert_false(tv_jv_str(&v, &s, &n));
	assert_false(tv_jv_bool(&v, &b));

	parse_ok(f, "2.5", &v);
	assert_false(tv_jv_int(&v, &i));
	assert_true(tv_jv_num(&v, &d));
	assert_true(d == 2.5);

	parse_ok(f, "true", &v);
	assert_true(tv_jv_bool(&v, &b));
	assert_true(b);
	assert_false(tv_jv_int(&v, &i));
	assert_false(tv_jv_num(&v, &d));

	parse_ok(f, "false", &v);
	assert_true(tv_jv_bool(&v, &b));
	assert_false(b);

	parse_ok(f, "null", &v);
	assert_false(tv_jv_bool(&v, &b));
	assert_false(tv_jv_num(&v, &d));
	assert_false(tv_jv_str(&v, &s, &n));
	assert_int_equal(tv_jv_len(&v), 0);

	parse_ok(f, "\"7\"", &v);
	assert_false(tv_jv_int(&v, &i));
	assert_false(tv_jv_num(&v, &d));
}

static void test_big_integers(void **state)
{
	struct fix *f = *state;
	struct tv_jv v;
	int64_t i = 5;
	double d;

	parse_ok(f, "18446744073709551615", &v);
	assert_int_equal(tv_jv_type(&v), TV_J_UINT);
	assert_false(tv_jv_int(&v, &i));
	assert_int_equal(i, 5);
	assert_true(tv_jv_num(&v, &d));
	assert_true(d == 18446744073709551615.0);

	parse_ok(f, "{\"n\":9223372036854775808}", &v);
	assert_true(tv_jv_get(&v, "n", &v));
	assert_int_equal(tv_jv_type(&v), TV_J_UINT);
	assert_false(tv_jv_int(&v, &i));
}

static void test_strings(void **state)
{
	struct fix *f = *state;
	struct tv_jv v;

	parse_ok(f, "\"a\\nb\\u00e9\\\"\\\\\\/\"", &v);
	check_str(&v, "a\nb\xc3\xa9\"\\/", 8);
	/* an escaped NUL: the length says where the string ends */
	parse_ok(f, "\"x\\u0000y\"", &v);
	check_str(&v, "x\0y", 3);
	/* a surrogate pair */
	parse_ok(f, "\"\\ud83d\\ude00\"", &v);
	check_str(&v, "\xf0\x9f\x98\x80", 4);
	/* raw UTF-8 */
	parse_ok(f, "\"caf\xc3\xa9\"", &v);
	check_str(&v, "caf\xc3\xa9", 5);
}

static void test_get(void **state)
{
	struct fix *f = *state;
	struct tv_jv root, v, w;
	int64_t i;

	parse_ok(f, "{\"a\":1,\"b\":{\"c\":\"x\",\"d\":[true]},\"e\":null,\"q\\\"k\":2}", &root);
	assert_true(tv_jv_get(&root, "a", &v));
	assert_true(tv_jv_int(&v, &i));
	assert_int_equal(i, 1);
	assert_true(tv_jv_get(&root, "b", &v));
	assert_int_equal(tv_jv_type(&v), TV_J_OBJECT);
	assert_true(tv_jv_get(&v, "c", &w));
	check_str(&w, "x", 1);
	assert_true(tv_jv_get(&v, "d", &w));
	assert_int_equal(tv_jv_type(&w), TV_J_ARRAY);
	assert_int_equal(tv_jv_len(&w), 1);
	/* a member that is null is present */
	assert_true(tv_jv_get(&root, "e", &v));
	assert_int_equal(tv_jv_type(&v), TV_J_NULL);
	/* keys are compared unescaped */
	assert_true(tv_jv_get(&root, "q\"k", &v));
	assert_true(tv_jv_int(&v, &i));
	assert_int_equal(i, 2);
	/* absent, wrong case, prefix */
	assert_false(tv_jv_get(&root, "z", &v));
	assert_false(tv_jv_get(&root, "A", &v));
	assert_false(tv_jv_get(&root, "", &v));
	/* not an object */
	assert_true(tv_jv_get(&root, "a", &v));
	assert_false(tv_jv_get(&v, "a", &w));
	parse_ok(f, "[{\"a\":1}]", &root);
	assert_false(tv_jv_get(&root, "a", &v));
}

static void test_len(void **state)
{
	struct fix *f = *state;
	struct tv_jv v;

	parse_ok(f, "[1,2,[3,4,5]]", &v);
	assert_int_equal(tv_jv_len(&v), 3);
	parse_ok(f, "{\"a\":1,\"b\":[1,2,3,4]}", &v);
	assert_int_equal(tv_jv_len(&v), 2);
	parse_ok(f, "[]", &v);
	assert_int_equal(tv_jv_len(&v), 0);
	parse_ok(f, "\"abc\"", &v);
	assert_int_equal(tv_jv_len(&v), 0);
	parse_ok(f, "12", &v);
	assert_int_equal(tv_jv_len(&v), 0);
}

static void test_iter_array(void **state)
{
	struct fix *f = *state;
	struct tv_jv root, v;
	struct tv_jiter it;
	const char *k = "junk";
	size_t kn = 99;
	int64_t i;
	int count = 0;

	parse_ok(f, "[10,\"x\",[1,2],{\"a\":1},null,11]", &root);
	tv_jv_iter_init(&root, &it);
	while (tv_jv_iter_next(&it, &k, &kn, &v)) {
		assert_null(k);
		assert_int_equal(kn, 0);
		switch (count) {
		case 0:
			assert_true(tv_jv_int(&v, &i));
			assert_int_equal(i, 10);
			break;
		case 1:
			check_str(&v, "x", 1);
			break;
		case 2:
			assert_int_equal(tv_jv_type(&v), TV_J_ARRAY);
			assert_int_equal(tv_jv_len(&v), 2);
			break;
		case 3:
			assert_int_equal(tv_jv_type(&v), TV_J_OBJECT);
			break;
		case 4:
			assert_int_equal(tv_jv_type(&v), TV_J_NULL);
			break;
		case 5:
			assert_true(tv_jv_int(&v, &i));
			assert_int_equal(i, 11);
			break;
		default:
			fail_msg("too many elements");
		}
		count++;
	}
	assert_int_equal(count, 6);
	/* done stays done */
	assert_false(tv_jv_iter_next(&it, &k, &kn, &v));
}

static void test_iter_object_order(void **state)
{
	static const char *const keys[] = { "zeta", "alpha", "mid", "alpha2", "" };
	struct fix *f = *state;
	struct tv_jv root, v;
	struct tv_jiter it;
	const char *k;
	size_t kn;
	int64_t i;
	size_t count = 0;

	parse_ok(f, "{\"zeta\":0,\"alpha\":1,\"mid\":2,\"alpha2\":3,\"\":4}", &root);
	tv_jv_iter_init(&root, &it);
	while (tv_jv_iter_next(&it, &k, &kn, &v)) {
		assert_true(count < 5);
		assert_int_equal(kn, strlen(keys[count]));
		assert_memory_equal(k, keys[count], kn);
		assert_true(tv_jv_int(&v, &i));
		assert_int_equal(i, (int64_t)count);
		count++;
	}
	assert_int_equal(count, 5);
}

/* iterators are independent, and nested iteration works */
static void test_iter_nested(void **state)
{
	struct fix *f = *state;
	struct tv_jv root, v, w;
	struct tv_jiter outer, inner;
	const char *k, *k2;
	size_t kn, kn2;
	int64_t i, sum = 0;
	int rows = 0;

	parse_ok(f, "{\"a\":[1,2,3],\"b\":[],\"c\":[40]}", &root);
	tv_jv_iter_init(&root, &outer);
	while (tv_jv_iter_next(&outer, &k, &kn, &v)) {
		rows++;
		tv_jv_iter_init(&v, &inner);
		while (tv_jv_iter_next(&inner, &k2, &kn2, &w)) {
			assert_true(tv_jv_int(&w, &i));
			sum += i;
		}
	}
	assert_int_equal(rows, 3);
	assert_int_equal(sum, 46);
}

static void test_iter_empty_and_scalar(void **state)
{
	struct fix *f = *state;
	struct tv_jv root, v;
	struct tv_jiter it;
	const char *k;
	size_t kn;

	parse_ok(f, "[]", &root);
	tv_jv_iter_init(&root, &it);
	assert_false(tv_jv_iter_next(&it, &k, &kn, &v));
	parse_ok(f, "{}", &root);
	tv_jv_iter_init(&root, &it);
	assert_false(tv_jv_iter_next(&it, &k, &kn, &v));
	parse_ok(f, "42", &root);
	tv_jv_iter_init(&root, &it);
	assert_false(tv_jv_iter_next(&it, &k, &kn, &v));
	parse_ok(f, "\"s\"", &root);
	tv_jv_iter_init(&root, &it);
	assert_false(tv_jv_iter_next(&it, &k, &kn, &v));
}

static void check_minify(struct fix *f, const char *in, const char *want)
{
	struct tv_jv root;

	parse_ok(f, in, &root);
	tv_strbuf_reset(&f->out);
	assert_int_equal(tv_jv_minify(&root, &f->out), 0);
	if (strcmp(f->out.p, want) != 0) {
		fail_msg("minify(%s) = %s, want %s", in, f->out.p, want);
	}
}

static void test_minify(void **state)
{
	struct fix *f = *state;
	struct tv_jv root, v;

	check_minify(f, "{ \"a\" : [ 1 , 2 ] ,\n \"b\" : \"x y\" }", "{\"a\":[1,2],\"b\":\"x y\"}");
	check_minify(f, "[ ]", "[]");
	check_minify(f, " { } ", "{}");
	check_minify(f, "[true, false, null, -3]", "[true,false,null,-3]");
	check_minify(f, "\"q\\\"\\\\\\n\"", "\"q\\\"\\\\\\n\"");
	check_minify(f, "{\"k\":{\"n\":{\"m\":[[],[{}]]}}}", "{\"k\":{\"n\":{\"m\":[[],[{}]]}}}");
	check_minify(f, "18446744073709551615", "18446744073709551615");
	/*
	 * numbers and escapes as televal's writer writes them, so that what it
	 * wrote reads back and is written again as the same bytes (a double 60
	 * was written 6e+01 and read back as 60.0; found by fuzz_readers)
	 */
	check_minify(f, "[6e1, 60.0, -0.0, 0.1, 1e300, 1.5e-7, 1e16]",
		     "[60,60,0,0.1,1e+300,1.5e-07,1e+16]");
	check_minify(f, "[60, 1e+300, 1.5e-07, 1e+16]", "[60,1e+300,1.5e-07,1e+16]");
	check_minify(f, "\"\\u007f\\u0001\\/\"", "\"\x7f\\u0001/\""); /* DEL needs no escape */

	/* a member, not the whole document; appends to what is there */
	parse_ok(f, "{\"skip\": 1, \"args\": {\n  \"path\": \"/tmp/x\",\n  \"n\": 2\n}}", &root);
	assert_true(tv_jv_get(&root, "args", &v));
	tv_strbuf_reset(&f->out);
	assert_int_equal(tv_strbuf_puts(&f->out, ">"), 0);
	assert_int_equal(tv_jv_minify(&v, &f->out), 0);
	assert_string_equal(f->out.p, ">{\"path\":\"/tmp/x\",\"n\":2}");
}

/* minified output parses back to the same values */
static void test_minify_reparse(void **state)
{
	struct fix *f = *state;
	struct tv_jv root, v;
	char *text;
	double d;

	parse_ok(f, "{\"d\": 0.1, \"e\": 1e300, \"s\": \"\\u00e9\\u0001\"}", &root);
	tv_strbuf_reset(&f->out);
	assert_int_equal(tv_jv_minify(&root, &f->out), 0);
	text = tv_strndup(f->out.p, f->out.len);
	assert_non_null(text);
	parse_ok(f, text, &root);
	assert_true(tv_jv_get(&root, "d", &v));
	assert_true(tv_jv_num(&v, &d));
	assert_true(d == 0.1);
	assert_true(tv_jv_get(&root, "e", &v));
	assert_true(tv_jv_num(&v, &d));
	assert_true(d == 1e300);
	assert_true(tv_jv_get(&root, "s", &v));
	check_str(&v, "\xc3\xa9\x01", 3);
	free(text);
}

static void check_bad(struct fix *f, const char *s, size_t n, int want)
{
	struct tv_jv root;
	const char *why = NULL;
	int r = parse_n(f, s, n, &root, &why);

	if (r != want) {
		fail_msg("parse(%.*s) = %d, want %d", (int)n, s, r, want);
	}
	assert_non_null(why);
	assert_true(why[0] != '\0');
}

static void test_invalid_json(void **state)
{
	static const char *const bad[] = {
		"",
		" ",
		"{",
		"}",
		"[1,]",
		"[1 2]",
		"{\"a\" 1}",
		"{\"a\":}",
		"{a:1}",
		"{'a':1}",
		"tru",
		"nul",
		"01",
		"1.",
		"-",
		"+1",
		".5",
		"\"unterminated",
		"\"bad \\x escape\"",
		"\"ctl \x01 char\"",
		"1 2",
		"{} {}",
		"[] x",
		"NaN",
		"Infinity",
		"[1]]",
	};
	struct fix *f = *state;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		check_bad(f, bad[i], strlen(bad[i]), -TV_EPARSE);
	}
	/* why may be NULL */
	{
		struct tv_jv root;

		assert_int_equal(parse_n(f, "[", 1, &root, NULL), -TV_EPARSE);
	}
}

static void test_invalid_utf8(void **state)
{
	static const char *const bad[] = {
		"\"\xff\"",
		"\"a\xc3\"",
		"\"\xc0\xaf\"",
		"\"\xed\xa0\x80\"",
		"\"\xf4\x90\x80\x80\"",
		"{\"k\xfe\":1}",
		"[\"ok\", \"\x80\"]",
	};
	struct fix *f = *state;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		check_bad(f, bad[i], strlen(bad[i]), -TV_EPARSE);
	}
}

static void deep(struct tv_strbuf *b, size_t depth, const char *open, const char *close)
{
	tv_strbuf_reset(b);
	for (size_t i = 0; i < depth; i++) {
		assert_int_equal(tv_strbuf_puts(b, open), 0);
	}
	for (size_t i = 0; i < depth; i++) {
		assert_int_equal(tv_strbuf_puts(b, close), 0);
	}
}

static void test_depth(void **state)
{
	struct fix *f = *state;
	struct tv_strbuf b;
	struct tv_jv root;

	tv_strbuf_init(&b);
	deep(&b, 10000, "[", "]");
	check_bad(f, b.p, b.len, -TV_EDEPTH);
	deep(&b, 10000, "{\"a\":", "}");
	check_bad(f, b.p, b.len, -TV_EDEPTH);
	/* moderately deep is fine, and the parser is still usable after the error */
	deep(&b, 500, "[", "]");
	assert_int_equal(parse_n(f, b.p, b.len, &root, NULL), 0);
	assert_int_equal(tv_jv_type(&root), TV_J_ARRAY);
	tv_strbuf_finish(&b);
}

/* documents larger than the parser's initial capacity, and parser reuse */
static void test_large_and_reuse(void **state)
{
	struct fix *f = *state;
	struct tv_strbuf b;
	struct tv_jv root, v;
	struct tv_jiter it;
	const char *k;
	size_t kn, count = 0;
	int64_t i, sum = 0;

	tv_strbuf_init(&b);
	assert_int_equal(tv_strbuf_putc(&b, '['), 0);
	for (int n = 0; n < 100000; n++) {
		assert_int_equal(tv_strbuf_printf(&b, "%s%d", n ? "," : "", n), 0);
	}
	assert_int_equal(tv_strbuf_putc(&b, ']'), 0);
	assert_true(b.len > (1u << 16));
	assert_int_equal(tv_json_parse(f->p, b.p, b.len, &root, NULL), 0);
	assert_int_equal(tv_jv_len(&root), 100000);
	tv_jv_iter_init(&root, &it);
	while (tv_jv_iter_next(&it, &k, &kn, &v)) {
		assert_true(tv_jv_int(&v, &i));
		sum += i;
		count++;
	}
	assert_int_equal(count, 100000);
	assert_int_equal(sum, (int64_t)99999 * 100000 / 2);
	tv_strbuf_finish(&b);
	/* then a small one on the same parser */
	parse_ok(f, "{\"x\":1}", &root);
	assert_true(tv_jv_get(&root, "x", &v));
}

/* handles are plain values: a copy stays valid as long as the parse */
static void test_handle_copy(void **state)
{
	struct fix *f = *state;
	struct tv_jv root, a, copy;
	int64_t i;

	parse_ok(f, "{\"a\":[7,8]}", &root);
	assert_true(tv_jv_get(&root, "a", &a));
	copy = a;
	assert_int_equal(tv_jv_len(&copy), 2);
	assert_true(tv_jv_get(&root, "a", &a));
	{
		struct tv_jiter it;
		const char *k;
		size_t kn;
		struct tv_jv v;

		tv_jv_iter_init(&copy, &it);
		assert_true(tv_jv_iter_next(&it, &k, &kn, &v));
		assert_true(tv_jv_int(&v, &i));
		assert_int_equal(i, 7);
	}
}

#define TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parser_lifecycle),
		TEST(test_types),
		TEST(test_scalars),
		TEST(test_big_integers),
		TEST(test_strings),
		TEST(test_get),
		TEST(test_len),
		TEST(test_iter_array),
		TEST(test_iter_object_order),
		TEST(test_iter_nested),
		TEST(test_iter_empty_and_scalar),
		TEST(test_minify),
		TEST(test_minify_reparse),
		TEST(test_invalid_json),
		TEST(test_invalid_utf8),
		TEST(test_depth),
		TEST(test_large_and_reuse),
		TEST(test_handle_copy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
