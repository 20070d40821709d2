// SPDX-License-Identifier: MIT
/*
 * tv_tmpl_value and tv_tmpl_eval on their own: placeholders evaluated
 * against roots given as JSON, without a template or an output; values'
 * emptiness, truth and text.
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

static const char CTX[] = "{\"s\":\"h\\u00e9llo\",\"n\":12,\"d\":-2.5,\"b\":false,\"z\":null,"
			  "\"e\":\"\",\"l\":[\"a\",1,true,null,{\"k\":\"v\"}],\"none\":[],"
			  "\"o\":{\"k\":\"v\",\"sub\":{\"deep\":[10,20]}},\"eo\":{}}";

struct fix {
	struct tv_json_parser *p;
	struct tv_strbuf json;
	struct tv_tmpl_var vars[2];
	struct tmpl_scope sc;
	struct tv_error err;
	struct tmpl_val v;
	struct tv_strbuf text;
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	const char *why;
	struct tv_jv root;

	assert_non_null(f);
	tv_strbuf_init(&f->json);
	tv_strbuf_puts(&f->json, CTX);
	f->p = tv_json_parser_create();
	assert_int_equal(tv_json_parse(f->p, f->json.p, f->json.len, &root, &why), 0);
	f->vars[0] = (struct tv_tmpl_var){ "x", root };
	f->vars[1] = (struct tv_tmpl_var){ "y", root };
	f->sc = (struct tmpl_scope){
		.name = "t.yaml", .vars = f->vars, .n_vars = 2, .err = &f->err
	};
	tv_strbuf_init(&f->text);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	tv_json_parser_destroy(f->p);
	tv_strbuf_finish(&f->json);
	tv_strbuf_finish(&f->text);
	free(f);
	return 0;
}

/* evaluate @text: the result code; the value in f->v, its text in f->text */
static int eval(struct fix *f, const char *text, bool json)
{
	struct tmpl_expr *e = NULL;
	int r;

	tv_error_clear(&f->err);
	assert_int_equal(tmpl_expr_parse(text, strlen(text), 3, "t.yaml", &e, &f->err), 0);
	tv_strbuf_reset(&f->text);
	r = tmpl_eval(&f->sc, e, &f->v);
	if (r == 0) {
		assert_int_equal(tmpl_val_text(&f->v, &f->text, json), 0);
		tmpl_val_free(&f->v);
	}
	tmpl_expr_destroy(e);
	return r;
}

/* @text gives a value of kind @k whose JSON text is @want */
static void expect(struct fix *f, const char *text, enum tmpl_vkind k, const char *want)
{
	int r = eval(f, text, true);

	if (r != 0) {
		fail_msg("{{%s}}: %d %s", text, r, f->err.msg);
	}
	if (f->v.k != k || strcmp(f->text.p ? f->text.p : "", want) != 0) {
		fail_msg("{{%s}}: kind %d %s, wanted %d %s", text, f->v.k, f->text.p, k, want);
	}
}

static void expect_error(struct fix *f, const char *text, const char *frag)
{
	int r = eval(f, text, true);

	if (r != -TV_ETYPE || strstr(f->err.msg, frag) == NULL || f->err.line != 3 ||
	    strcmp(f->err.file, "t.yaml") != 0) {
		fail_msg("{{%s}}: got %d %s:%llu: %s, wanted /%s/", text, r, f->err.file,
			 (unsigned long long)f->err.line, f->err.msg, frag);
	}
}

static void t_paths(void **state)
{
	struct fix *f = *state;

	expect(f, "x.s", TMPL_V_STR, "\"h\xc3\xa9llo\"");
	expect(f, "y.n", TMPL_V_INT, "12");
	expect(f, "x.d", TMPL_V_DOUBLE, "-2.5");
	expect(f, "x.b", TMPL_V_BOOL, "false");
	expect(f, "x.z", TMPL_V_NULL, "null");
	expect(f, "x.l[4].k", TMPL_V_STR, "\"v\"");
	expect(f, "x.o[\"sub\"].deep[1]", TMPL_V_INT, "20");
	expect(f, "x.o.sub", TMPL_V_JV, "{\"deep\":[10,20]}");
	/* through null: null */
	expect(f, "x.z.a[3].b", TMPL_V_NULL, "null");
	expect(f, "x.l[3].k", TMPL_V_NULL, "null");
	/* absent with default or omit: absent, then the default */
	expect(f, "x.gone | omit", TMPL_V_ABSENT, "null");
	expect(f, "x.l[9] | omit", TMPL_V_ABSENT, "null");
	expect(f, "x.gone.deeper | default 3", TMPL_V_INT, "3");
	expect_error(f, "q.s", "{{q.s}}: unknown name 'q'");
	expect_error(f, "item", "unknown name 'item'");
	expect_error(f, "x.gone", "no member 'gone'");
	expect_error(f, "x.l[5]", "index out of range");
	expect_error(f, "x.l.k", "member 'k' of a list (use [N] or | first)");
	expect_error(f, "x.s.k", "member 'k' of a scalar");
	expect_error(f, "x.o[0]", "index of a mapping");
	expect_error(f, "x.n[0]", "index of a scalar");
}

static void t_items(void **state)
{
	struct fix *f = *state;
	struct tv_jv l, el;

	assert_true(tv_jv_get(&f->vars[0].value, "l", &l));
	assert_true(tv_jv_get(&f->vars[0].value, "o", &el));
	f->sc.items[f->sc.n_items++] = l;
	f->sc.items[f->sc.n_items++] = el;
	expect(f, "item.k", TMPL_V_STR, "\"v\"");
	f->sc.n_items--;
	expect(f, "item[1]", TMPL_V_INT, "1");
	f->sc.n_items--;
}

static void t_filters(void **state)
{
	struct fix *f = *state;

	expect(f, "x.l | first", TMPL_V_STR, "\"a\"");
	expect(f, "x.l | last", TMPL_V_JV, "{\"k\":\"v\"}");
	expect(f, "x.none | first", TMPL_V_NULL, "null");
	expect(f, "x.none | default [] | last", TMPL_V_NULL, "null");
	expect(f, "x.s | first", TMPL_V_STR, "\"h\xc3\xa9llo\"");
	expect(f, "x.z | default \"d\"", TMPL_V_STR, "\"d\"");
	expect(f, "x.e | default x.n", TMPL_V_INT, "12");
	expect(f, "x.b | default 1", TMPL_V_BOOL, "false");
	expect(f, "x.none | default 1", TMPL_V_JV, "[]");
	expect(f, "x.gone | default x.gone2 | default {}", TMPL_V_MAP0, "{}");
	expect(f, "x.s | length", TMPL_V_INT, "5");
	expect(f, "x.l | length", TMPL_V_INT, "5");
	expect(f, "x.o | length", TMPL_V_INT, "2");
	expect(f, "x.d | length", TMPL_V_INT, "4");
	expect(f, "x.z | length", TMPL_V_INT, "0");
	expect(f, "x.l | join \"+\"", TMPL_V_STR, "\"a+1+true++{\\\"k\\\":\\\"v\\\"}\"");
	expect(f, "x.l | join", TMPL_V_STR, "\"a1true{\\\"k\\\":\\\"v\\\"}\"");
	expect(f, "x.s | join \"+\"", TMPL_V_STR, "\"h\xc3\xa9llo\"");
	expect(f, "x.o | json", TMPL_V_STR,
	       "\"{\\\"k\\\":\\\"v\\\",\\\"sub\\\":{\\\"deep\\\":[10,20]}}\"");
	expect(f, "x.s | json", TMPL_V_STR, "\"\\\"h\xc3\xa9llo\\\"\"");
	expect(f, "x.z | json", TMPL_V_STR, "\"null\"");
	expect(f, "x.z | truncate 2", TMPL_V_NULL, "null");
	expect(f, "x.gone | omit | json", TMPL_V_ABSENT, "null");
	expect(f, "x.s | truncate 5", TMPL_V_STR, "\"h\xc3\xa9llo\"");
	expect(f, "x.s | truncate 4", TMPL_V_STR, "\"h\xc3\xa9l\xe2\x80\xa6\"");
	expect(f, "x.s | truncate 1", TMPL_V_STR, "\"\xe2\x80\xa6\"");
	expect(f, "x.s | truncate 0", TMPL_V_STR, "\"\"");
	expect(f, "x.n | truncate 1", TMPL_V_STR, "\"\xe2\x80\xa6\"");
	expect(f, "x.l | truncate 3 | length", TMPL_V_INT, "3");
}

/* one value of each kind: @json its JSON text, @text its plain text */
static void check_val(const struct tmpl_val *v, bool empty, bool truthy, const char *json,
		      const char *text)
{
	struct tv_strbuf b;

	assert_int_equal(tmpl_val_empty(v), empty);
	assert_int_equal(tmpl_val_truthy(v), truthy);
	tv_strbuf_init(&b);
	assert_int_equal(tmpl_val_text(v, &b, true), 0);
	assert_string_equal(b.p ? b.p : "", json);
	tv_strbuf_reset(&b);
	assert_int_equal(tmpl_val_text(v, &b, false), 0);
	assert_string_equal(b.p ? b.p : "", text);
	tv_strbuf_finish(&b);
}

static void t_values(void **state)
{
	struct fix *f = *state;
	char str[] = "t\"x";
	struct tmpl_lit lit = { .kind = TMPL_LIT_STR, .s = str, .n = 3 };
	struct tmpl_val v = { .k = TMPL_V_ABSENT };
	struct tv_jv j;

	check_val(&v, true, false, "null", "");
	tmpl_val_from_lit(&lit, &v);
	check_val(&v, false, true, "\"t\\\"x\"", "t\"x");
	lit = (struct tmpl_lit){ .kind = TMPL_LIT_STR };
	tmpl_val_from_lit(&lit, &v);
	check_val(&v, true, false, "\"\"", "");
	lit = (struct tmpl_lit){ .kind = TMPL_LIT_INT, .i = 0 };
	tmpl_val_from_lit(&lit, &v);
	check_val(&v, false, false, "0", "0");
	lit = (struct tmpl_lit){ .kind = TMPL_LIT_DOUBLE, .d = 0.5 };
	tmpl_val_from_lit(&lit, &v);
	check_val(&v, false, true, "0.5", "0.5");
	lit = (struct tmpl_lit){ .kind = TMPL_LIT_BOOL, .b = true };
	tmpl_val_from_lit(&lit, &v);
	check_val(&v, false, true, "true", "true");
	lit = (struct tmpl_lit){ .kind = TMPL_LIT_NULL };
	tmpl_val_from_lit(&lit, &v);
	check_val(&v, true, false, "null", "");
	lit = (struct tmpl_lit){ .kind = TMPL_LIT_LIST };
	tmpl_val_from_lit(&lit, &v);
	check_val(&v, true, false, "[]", "[]");
	lit = (struct tmpl_lit){ .kind = TMPL_LIT_MAP };
	tmpl_val_from_lit(&lit, &v);
	check_val(&v, true, false, "{}", "{}");
	assert_true(tv_jv_get(&f->vars[0].value, "none", &j));
	tmpl_val_from_jv(&j, &v);
	check_val(&v, true, false, "[]", "[]");
	assert_true(tv_jv_get(&f->vars[0].value, "eo", &j));
	tmpl_val_from_jv(&j, &v);
	check_val(&v, true, false, "{}", "{}");
	assert_true(tv_jv_get(&f->vars[0].value, "o", &j));
	tmpl_val_from_jv(&j, &v);
	check_val(&v, false, true, "{\"k\":\"v\",\"sub\":{\"deep\":[10,20]}}",
		  "{\"k\":\"v\",\"sub\":{\"deep\":[10,20]}}");
}

/* how deep a JSON value nests, counted up to a bound */
static void t_deeper(void **state)
{
	static const char *const docs[] = { "1", "[]", "[1]", "{\"a\":[{}]}", "[1,[2,[3]],4]" };
	static const int levels[] = { 0, 1, 1, 3, 3 };
	struct tv_json_parser *p = tv_json_parser_create();
	struct tv_strbuf b;
	struct tv_jv root;
	const char *why;

	(void)state;
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		tv_strbuf_init(&b);
		tv_strbuf_puts(&b, docs[i]);
		assert_int_equal(tv_json_parse(p, b.p, b.len, &root, &why), 0);
		assert_false(tmpl_jv_deeper(&root, levels[i]));
		assert_int_equal(tmpl_jv_deeper(&root, levels[i] - 1), levels[i] > 0);
		tv_strbuf_finish(&b);
	}
	tv_json_parser_destroy(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(t_paths, setup, teardown),
		cmocka_unit_test_setup_teardown(t_items, setup, teardown),
		cmocka_unit_test_setup_teardown(t_filters, setup, teardown),
		cmocka_unit_test_setup_teardown(t_values, setup, teardown),
		cmocka_unit_test(t_deeper),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
