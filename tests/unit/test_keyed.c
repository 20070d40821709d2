// SPDX-License-Identifier: MIT
/*
 * The keyed lines of a sharded run (read/tv_keyed.c): keys are escaped and
 * read back, every attribute type survives a round trip with its type,
 * times sort as text in time order, and bad lines are refused with a reason.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "libcommon/core/tv_time.h"
#include "libcommon/read/tv_keyed.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void test_key_escape(void **state)
{
	static const char key[] = "a%b\tc\nd\re\xc3\xa9";
	struct tv_strbuf line, back;
	const char *payload, *why = NULL;
	size_t plen;

	(void)state;
	tv_strbuf_init(&line);
	tv_strbuf_init(&back);
	assert_int_equal(tv_keyed_put_line(&line, key, sizeof(key) - 1, "{}", 2), 0);
	assert_memory_equal(line.p, "a%25b%09c%0Ad%0De\xc3\xa9\t{}\n", line.len);
	assert_int_equal(tv_keyed_split(line.p, line.len - 1, &back, &payload, &plen, &why), 0);
	assert_int_equal(back.len, sizeof(key) - 1);
	assert_memory_equal(back.p, key, back.len);
	assert_int_equal(plen, 2);
	/* no TAB, a cut escape, a bad digit */
	assert_int_equal(tv_keyed_split("abc", 3, &back, &payload, &plen, &why), -TV_EPARSE);
	assert_int_equal(tv_keyed_split("a%2\t{}", 6, &back, &payload, &plen, &why), -TV_EPARSE);
	assert_int_equal(tv_keyed_split("a%zz\t{}", 7, &back, &payload, &plen, &why), -TV_EPARSE);
	tv_strbuf_finish(&line);
	tv_strbuf_finish(&back);
}

static void test_record_round_trip(void **state)
{
	struct tv_attr attrs[] = {
		{ "s", 1, { .type = TV_V_STR, .s = "x\"y\n", .n = 4 } },
		{ "i", 1, { .type = TV_V_INT, .i = -42 } },
		{ "d", 1, { .type = TV_V_DOUBLE, .d = 3.0 } },
		{ "f", 1, { .type = TV_V_DOUBLE, .d = 0.1 } },
		{ "b", 1, { .type = TV_V_BOOL, .b = true } },
		{ "j", 1, { .type = TV_V_JSON, .s = "{\"a\":[1,2]}", .n = 11 } },
		{ "n", 1, { .type = TV_V_NONE } },
	};
	struct tv_attr res[] = { { "service.name", 12, { .type = TV_V_STR, .s = "cli", .n = 3 } } };
	struct tv_record r = { .line = 7,
			       .time = 1751360410004000000,
			       .name = "ev",
			       .name_len = 2,
			       .body = { .type = TV_V_STR, .s = "body", .n = 4 },
			       .attrs = attrs,
			       .n_attrs = N(attrs),
			       .res = res,
			       .n_res = 1,
			       .trace_id = "abcd",
			       .trace_id_len = 4,
			       .raw = "{\"raw\":true}",
			       .raw_len = 12 };
	struct tv_keyed_parser *p = tv_keyed_parser_create();
	struct tv_keyed_item it;
	struct tv_strbuf b;
	const char *why = NULL;

	(void)state;
	assert_non_null(p);
	tv_strbuf_init(&b);
	assert_int_equal(tv_keyed_put_record(&b, &r, "otlp", "in.jsonl"), 0);
	assert_int_equal(tv_keyed_parse(p, b.p, b.len, &it, &why), 0);
	assert_int_equal(it.kind, TV_KEYED_EVENT);
	assert_string_equal(it.fmt, "otlp");
	assert_string_equal(it.file, "in.jsonl");
	assert_int_equal(it.line, 7);
	assert_int_equal(it.rec.time, r.time);
	assert_memory_equal(it.rec.name, "ev", 2);
	assert_memory_equal(it.rec.trace_id, "abcd", 4);
	assert_memory_equal(it.rec.raw, "{\"raw\":true}", 12);
	assert_int_equal(it.rec.n_attrs, N(attrs));
	for (size_t i = 0; i < N(attrs); i++) {
		const struct tv_val *a = &attrs[i].v, *g = &it.rec.attrs[i].v;

		assert_memory_equal(it.rec.attrs[i].key, attrs[i].key, 1);
		assert_int_equal(g->type, a->type);
		if (a->type == TV_V_STR || a->type == TV_V_JSON) {
			assert_int_equal(g->n, a->n);
			assert_memory_equal(g->s, a->s, a->n);
		}
	}
	assert_int_equal(it.rec.attrs[1].v.i, -42);
	assert_true(it.rec.attrs[2].v.d == 3.0);
	assert_true(it.rec.attrs[3].v.d == 0.1);
	assert_true(it.rec.attrs[4].v.b);
	assert_int_equal(it.rec.n_res, 1);
	tv_strbuf_finish(&b);
	tv_keyed_parser_destroy(p);
}

/* the "t" member sorts as text the way the times sort, unknown first */
static void test_time_order(void **state)
{
	static const int64_t times[] = { TV_NONE, -5000000000LL,	 -1,	   0, 1, 999,
					 1000,	  1751360410004000000LL, INT64_MAX };
	struct tv_strbuf prev, cur;

	(void)state;
	tv_strbuf_init(&prev);
	tv_strbuf_init(&cur);
	for (size_t i = 0; i < N(times); i++) {
		tv_strbuf_reset(&cur);
		assert_int_equal(tv_keyed_put_text(&cur, times[i], "pylog", "f", 1, "x", 1), 0);
		if (i > 0 && strcmp(prev.p, cur.p) >= 0) {
			fail_msg("%s sorts after %s", prev.p, cur.p);
		}
		tv_strbuf_reset(&prev);
		tv_strbuf_append(&prev, cur.p, cur.len);
	}
	tv_strbuf_finish(&prev);
	tv_strbuf_finish(&cur);
}

static void test_bad_payloads(void **state)
{
	static const char *const bad[] = {
		"[1]",
		"{\"t\":\"0\",\"k\":\"x\",\"f\":\"otlp\"}",
		"{\"k\":\"e\"}",
		"{\"k\":\"e\",\"f\":\"otlp\",\"attrs\":5,\"res\":[]}",
		"{\"k\":\"e\",\"f\":\"otlp\",\"attrs\":[[1,2]],\"res\":[]}",
		"{\"k\":\"s\",\"f\":\"otlp\",\"attrs\":[],\"res\":[]}",
		"{\"k\":\"c\",\"f\":\"waza\"}",
		"{\"k\":\"l\",\"f\":\"pylog\"}",
		"not json",
	};
	struct tv_keyed_parser *p = tv_keyed_parser_create();
	struct tv_keyed_item it;
	struct tv_strbuf b;

	(void)state;
	tv_strbuf_init(&b);
	for (size_t i = 0; i < N(bad); i++) {
		const char *why = NULL;

		tv_strbuf_reset(&b);
		tv_strbuf_puts(&b, bad[i]);
		assert_int_equal(tv_keyed_parse(p, b.p, b.len, &it, &why), -TV_EPARSE);
		assert_non_null(why);
	}
	tv_strbuf_finish(&b);
	tv_keyed_parser_destroy(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_escape),
		cmocka_unit_test(test_record_round_trip),
		cmocka_unit_test(test_time_order),
		cmocka_unit_test(test_bad_payloads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
