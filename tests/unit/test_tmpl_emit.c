// SPDX-License-Identifier: MIT
/*
 * tv_tmpl_emit on its own: values, strings, template literals and keys
 * written as YAML (through libyaml's emitter) and as JSON, byte for byte,
 * without a template.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "libcommon/tmpl/tv_tmpl_int.h"

enum item_kind {
	I_STRING,  /* tmpl_out_string(s, style) */
	I_LITERAL, /* tmpl_out_literal(s, style, typed) */
	I_VAL,	   /* tmpl_out_val(v) */
};

struct item {
	enum item_kind kind;
	const char *s;
	yaml_scalar_style_t style;
	bool typed;
	struct tmpl_val v;
};

/* a mapping {k0: item0, k1: item1, ...} in @mode: the bytes written */
static char *write_map(enum tv_tmpl_mode mode, const struct item *items, size_t n)
{
	struct tmpl_out o;
	struct tv_strbuf out;
	struct tv_error err;
	char key[16];
	int rc;

	tv_strbuf_init(&out);
	tmpl_out_init(&o, "t.yaml", &err);
	rc = tmpl_out_begin(&o, mode, &out);
	if (rc == 0) {
		rc = tmpl_out_map_begin(&o, YAML_BLOCK_MAPPING_STYLE);
	}
	for (size_t i = 0; rc == 0 && i < n; i++) {
		snprintf(key, sizeof(key), "k%zu", i);
		rc = tmpl_out_key(&o, key, strlen(key), YAML_PLAIN_SCALAR_STYLE, true);
		if (rc < 0) {
			break;
		}
		if (items[i].kind == I_STRING) {
			rc = tmpl_out_string(&o, items[i].s, strlen(items[i].s), items[i].style);
		} else if (items[i].kind == I_LITERAL) {
			rc = tmpl_out_literal(&o, items[i].s, strlen(items[i].s), items[i].style,
					      items[i].typed);
		} else {
			rc = tmpl_out_val(&o, &items[i].v);
		}
	}
	if (rc == 0) {
		rc = tmpl_out_map_end(&o);
	}
	if (rc == 0) {
		rc = tmpl_out_end(&o, mode);
	}
	tmpl_out_finish(&o);
	assert_int_equal(rc, 0);
	return tv_strbuf_steal(&out);
}

static void expect(enum tv_tmpl_mode mode, const struct item *items, size_t n, const char *want)
{
	char *got = write_map(mode, items, n);

	if (strcmp(got, want) != 0) {
		fail_msg("got:\n%s\nwanted:\n%s", got, want);
	}
	free(got);
}

static void t_strings(void **state)
{
	static const struct item items[] = {
		{ .kind = I_STRING, .s = "plain", .style = YAML_ANY_SCALAR_STYLE },
		{ .kind = I_STRING, .s = "true", .style = YAML_ANY_SCALAR_STYLE },
		{ .kind = I_STRING, .s = "1.5", .style = YAML_ANY_SCALAR_STYLE },
		{ .kind = I_STRING, .s = "-.inf", .style = YAML_ANY_SCALAR_STYLE },
		{ .kind = I_STRING, .s = "", .style = YAML_ANY_SCALAR_STYLE },
		{ .kind = I_STRING, .s = "Off", .style = YAML_ANY_SCALAR_STYLE },
		{ .kind = I_STRING, .s = "kept quoted", .style = YAML_SINGLE_QUOTED_SCALAR_STYLE },
		{ .kind = I_STRING, .s = "two\nlines", .style = YAML_SINGLE_QUOTED_SCALAR_STYLE },
		{ .kind = I_STRING, .s = "blank\n\n", .style = YAML_ANY_SCALAR_STYLE },
		{ .kind = I_STRING, .s = "cr\rx", .style = YAML_ANY_SCALAR_STYLE },
		{ .kind = I_STRING, .s = "ls\xe2\x80\xa8x", .style = YAML_ANY_SCALAR_STYLE },
	};

	(void)state;
	expect(TV_TMPL_DOCUMENT, items, sizeof(items) / sizeof(items[0]),
	       "k0: plain\n"
	       "k1: 'true'\n"
	       "k2: '1.5'\n"
	       "k3: '-.inf'\n"
	       "k4: ''\n"
	       "k5: 'Off'\n"
	       "k6: 'kept quoted'\n"
	       "k7: |-\n"
	       "  two\n"
	       "  lines\n"
	       "k8: \"blank\\n\\n\"\n"
	       "k9: \"cr\\rx\"\n"
	       "k10: \"ls\\Lx\"\n");
	expect(TV_TMPL_JSON_LINE, items, 2, "{\"k0\":\"plain\",\"k1\":\"true\"}\n");
}

static void t_literals(void **state)
{
	static const struct item items[] = {
		{ .kind = I_LITERAL, .s = "~", .style = YAML_PLAIN_SCALAR_STYLE, .typed = true },
		{ .kind = I_LITERAL, .s = "", .style = YAML_PLAIN_SCALAR_STYLE, .typed = true },
		{ .kind = I_LITERAL, .s = "TRUE", .style = YAML_PLAIN_SCALAR_STYLE, .typed = true },
		{ .kind = I_LITERAL, .s = "False", .style = YAML_PLAIN_SCALAR_STYLE, .typed = true },
		{ .kind = I_LITERAL, .s = "yes", .style = YAML_PLAIN_SCALAR_STYLE, .typed = true },
		{ .kind = I_LITERAL, .s = "-12", .style = YAML_PLAIN_SCALAR_STYLE, .typed = true },
		{ .kind = I_LITERAL, .s = "007", .style = YAML_PLAIN_SCALAR_STYLE, .typed = true },
		{ .kind = I_LITERAL, .s = "1e3", .style = YAML_PLAIN_SCALAR_STYLE, .typed = true },
		{ .kind = I_LITERAL,
		  .s = "1.5",
		  .style = YAML_DOUBLE_QUOTED_SCALAR_STYLE,
		  .typed = true },
		{ .kind = I_LITERAL, .s = "12", .style = YAML_PLAIN_SCALAR_STYLE, .typed = false },
		{ .kind = I_LITERAL,
		  .s = "x y",
		  .style = YAML_SINGLE_QUOTED_SCALAR_STYLE,
		  .typed = true },
	};

	(void)state;
	expect(TV_TMPL_JSON_LINE, items, sizeof(items) / sizeof(items[0]),
	       "{\"k0\":null,\"k1\":null,\"k2\":true,\"k3\":false,\"k4\":\"yes\",\"k5\":-12,"
	       "\"k6\":\"007\",\"k7\":1000,\"k8\":\"1.5\",\"k9\":\"12\",\"k10\":\"x y\"}\n");
	/* in YAML as written, in their own style */
	expect(TV_TMPL_DOCUMENT, items + 8, 3, "k0: \"1.5\"\nk1: 12\nk2: 'x y'\n");
}

static void t_values(void **state)
{
	struct tv_json_parser *p = tv_json_parser_create();
	const char *json = "{\"l\":[1,\"true\",[],{\"a\":null}],\"e\":{}}", *why;
	struct tv_strbuf b;
	struct tv_jv root;
	struct item items[8];

	(void)state;
	tv_strbuf_init(&b);
	tv_strbuf_puts(&b, json);
	assert_int_equal(tv_json_parse(p, b.p, b.len, &root, &why), 0);
	memset(items, 0, sizeof(items));
	for (size_t i = 0; i < 8; i++) {
		items[i].kind = I_VAL;
	}
	items[0].v.k = TMPL_V_ABSENT;
	items[1].v = (struct tmpl_val){ .k = TMPL_V_DOUBLE, .d = 1e20 };
	items[2].v = (struct tmpl_val){ .k = TMPL_V_DOUBLE, .d = NAN };
	items[3].v = (struct tmpl_val){ .k = TMPL_V_INT, .i = -7 };
	items[4].v = (struct tmpl_val){ .k = TMPL_V_LIST0 };
	items[5].v = (struct tmpl_val){ .k = TMPL_V_MAP0 };
	tmpl_val_from_jv(&root, &items[6].v);
	items[7].v = (struct tmpl_val){ .k = TMPL_V_STR, .s = "null", .n = 4 };
	expect(TV_TMPL_DOCUMENT, items, 8,
	       "k0: null\n"
	       "k1: 1.0e+20\n"
	       "k2: null\n"
	       "k3: -7\n"
	       "k4: []\n"
	       "k5: {}\n"
	       "k6:\n"
	       "  l:\n"
	       "  - 1\n"
	       "  - 'true'\n"
	       "  - []\n"
	       "  - a: null\n"
	       "  e: {}\n"
	       "k7: 'null'\n");
	expect(TV_TMPL_JSON_LINE, items, 8,
	       "{\"k0\":null,\"k1\":1e+20,\"k2\":null,\"k3\":-7,\"k4\":[],\"k5\":{},"
	       "\"k6\":{\"l\":[1,\"true\",[],{\"a\":null}],\"e\":{}},\"k7\":\"null\"}\n");
	tv_strbuf_finish(&b);
	tv_json_parser_destroy(p);
}

/* the modes around the same mapping */
static void t_modes(void **state)
{
	static const struct item items[] = {
		{ .kind = I_STRING, .s = "v", .style = YAML_ANY_SCALAR_STYLE }
	};

	(void)state;
	expect(TV_TMPL_DOCUMENT, items, 1, "k0: v\n");
	expect(TV_TMPL_STREAM_DOC, items, 1, "---\nk0: v\n");
	expect(TV_TMPL_LIST_ITEM, items, 1, "- k0: v\n");
	expect(TV_TMPL_JSON_LINE, items, 1, "{\"k0\":\"v\"}\n");
}

/* @v written inside @n lists in @mode: the result (an error has no message) */
static int val_at(enum tv_tmpl_mode mode, int n, const struct tmpl_val *v)
{
	struct tv_strbuf out;
	struct tmpl_out o;
	struct tv_error err;
	int rc = 0;

	tv_strbuf_init(&out);
	tv_error_clear(&err);
	tmpl_out_init(&o, "t.yaml", &err);
	assert_int_equal(tmpl_out_begin(&o, mode, &out), 0);
	for (int i = 0; rc == 0 && i < n; i++) {
		rc = tmpl_out_seq_begin(&o, YAML_FLOW_SEQUENCE_STYLE);
	}
	if (rc == 0) {
		rc = tmpl_out_val(&o, v);
	}
	assert_string_equal(err.msg, "");
	tmpl_out_finish(&o);
	tv_strbuf_finish(&out);
	return rc;
}

/* lists and mappings nest at most TV_TMPL_MAX_DEPTH deep: -TV_EDEPTH */
static void t_depth(void **state)
{
	enum tv_tmpl_mode modes[] = { TV_TMPL_DOCUMENT, TV_TMPL_JSON_LINE };
	struct tv_json_parser *p = tv_json_parser_create();
	struct tmpl_val one = { .k = TMPL_V_INT, .i = 1 }, list0 = { .k = TMPL_V_LIST0 },
			map0 = { .k = TMPL_V_MAP0 }, three;
	struct tv_strbuf json;
	struct tv_jv root;
	const char *why;

	(void)state;
	tv_strbuf_init(&json);
	tv_strbuf_puts(&json, "[[[1]],[2]]");
	assert_int_equal(tv_json_parse(p, json.p, json.len, &root, &why), 0);
	tmpl_val_from_jv(&root, &three);
	for (size_t m = 0; m < 2; m++) {
		assert_int_equal(val_at(modes[m], TV_TMPL_MAX_DEPTH, &one), 0);
		assert_int_equal(val_at(modes[m], TV_TMPL_MAX_DEPTH + 1, &one), -TV_EDEPTH);
		assert_int_equal(val_at(modes[m], TV_TMPL_MAX_DEPTH - 1, &list0), 0);
		assert_int_equal(val_at(modes[m], TV_TMPL_MAX_DEPTH, &list0), -TV_EDEPTH);
		assert_int_equal(val_at(modes[m], TV_TMPL_MAX_DEPTH, &map0), -TV_EDEPTH);
		assert_int_equal(val_at(modes[m], TV_TMPL_MAX_DEPTH - 3, &three), 0);
		assert_int_equal(val_at(modes[m], TV_TMPL_MAX_DEPTH - 2, &three), -TV_EDEPTH);
	}
	tv_strbuf_finish(&json);
	tv_json_parser_destroy(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_strings), cmocka_unit_test(t_literals),
		cmocka_unit_test(t_values),  cmocka_unit_test(t_modes),
		cmocka_unit_test(t_depth),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
