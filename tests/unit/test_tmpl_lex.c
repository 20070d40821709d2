// SPDX-License-Identifier: MIT
/*
 * tv_tmpl_lex on its own: placeholder texts become paths and filters, bad
 * ones are errors naming the template, line and placeholder, and the end
 * of a placeholder is found outside its strings.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "libcommon/tmpl/tv_tmpl_int.h"

static struct tmpl_expr *parse_ok(const char *text)
{
	struct tmpl_expr *e = NULL;
	struct tv_error err;
	int r;

	tv_error_clear(&err);
	r = tmpl_expr_parse(text, strlen(text), 7, "t.yaml", &e, &err);
	if (r != 0) {
		fail_msg("{{%s}}: %d %s", text, r, err.msg);
	}
	return e;
}

/* a placeholder that does not compile: the message at t.yaml:7 holds @frag */
static void parse_bad(const char *text, const char *frag)
{
	struct tmpl_expr *e = NULL;
	struct tv_error err;
	int r;

	tv_error_clear(&err);
	r = tmpl_expr_parse(text, strlen(text), 7, "t.yaml", &e, &err);
	if (r != -TV_EPARSE || strstr(err.msg, frag) == NULL || err.line != 7 ||
	    strcmp(err.file, "t.yaml") != 0) {
		fail_msg("{{%s}}: got %d %s:%llu: %s, wanted /%s/", text, r, err.file,
			 (unsigned long long)err.line, err.msg, frag);
	}
	assert_null(e);
}

static void t_path(void **state)
{
	struct tmpl_expr *e;

	(void)state;
	e = parse_ok(" session.turns[12][\"host.name\"].x-y_z ");
	assert_string_equal(e->text, " session.turns[12][\"host.name\"].x-y_z ");
	assert_int_equal(e->line, 7);
	assert_string_equal(e->path.root, "session");
	assert_int_equal(e->path.n, 4);
	assert_string_equal(e->path.steps[0].key, "turns");
	assert_null(e->path.steps[1].key);
	assert_int_equal(e->path.steps[1].index, 12);
	assert_string_equal(e->path.steps[2].key, "host.name");
	assert_string_equal(e->path.steps[3].key, "x-y_z");
	assert_int_equal(e->nf, 0);
	assert_false(e->lenient);
	tmpl_expr_destroy(e);
	e = parse_ok("item");
	assert_string_equal(e->path.root, "item");
	assert_int_equal(e->path.n, 0);
	tmpl_expr_destroy(e);
	e = parse_ok("x[ 3 ][ \"k\" ]");
	assert_int_equal(e->path.steps[0].index, 3);
	assert_string_equal(e->path.steps[1].key, "k");
	tmpl_expr_destroy(e);
}

static void t_filters(void **state)
{
	struct tmpl_expr *e;

	(void)state;
	e = parse_ok("x | first|last | json | truncate 5 | join \", \" | join | length | omit");
	assert_int_equal(e->nf, 8);
	assert_int_equal(e->f[0].kind, TMPL_F_FIRST);
	assert_int_equal(e->f[1].kind, TMPL_F_LAST);
	assert_int_equal(e->f[2].kind, TMPL_F_JSON);
	assert_int_equal(e->f[3].kind, TMPL_F_TRUNCATE);
	assert_int_equal(e->f[3].n, 5);
	assert_int_equal(e->f[4].kind, TMPL_F_JOIN);
	assert_int_equal(e->f[4].lit.n, 2);
	assert_memory_equal(e->f[4].lit.s, ", ", 2);
	assert_int_equal(e->f[5].kind, TMPL_F_JOIN);
	assert_int_equal(e->f[5].lit.n, 0);
	assert_int_equal(e->f[6].kind, TMPL_F_LENGTH);
	assert_int_equal(e->f[7].kind, TMPL_F_OMIT);
	assert_true(e->lenient);
	assert_true(e->omit);
	tmpl_expr_destroy(e);
}

static void t_default(void **state)
{
	struct tmpl_expr *e;

	(void)state;
	e = parse_ok("x | default \"s\" | default -12 | default 2.5e1 | default true | default "
		     "false | default null | default [] | default {} | default y.z | default "
		     "true.k | default nulls");
	assert_int_equal(e->nf, 11);
	assert_true(e->lenient);
	assert_false(e->omit);
	assert_int_equal(e->f[0].lit.kind, TMPL_LIT_STR);
	assert_string_equal(e->f[0].lit.s, "s");
	assert_int_equal(e->f[1].lit.kind, TMPL_LIT_INT);
	assert_int_equal(e->f[1].lit.i, -12);
	assert_int_equal(e->f[2].lit.kind, TMPL_LIT_DOUBLE);
	assert_true(e->f[2].lit.d == 25.0);
	assert_int_equal(e->f[3].lit.kind, TMPL_LIT_BOOL);
	assert_true(e->f[3].lit.b);
	assert_int_equal(e->f[4].lit.kind, TMPL_LIT_BOOL);
	assert_false(e->f[4].lit.b);
	assert_int_equal(e->f[5].lit.kind, TMPL_LIT_NULL);
	assert_null(e->f[5].path);
	assert_int_equal(e->f[6].lit.kind, TMPL_LIT_LIST);
	assert_int_equal(e->f[7].lit.kind, TMPL_LIT_MAP);
	/* paths, also when they start like a literal word */
	assert_non_null(e->f[8].path);
	assert_string_equal(e->f[8].path->root, "y");
	assert_string_equal(e->f[8].path->steps[0].key, "z");
	assert_string_equal(e->f[9].path->root, "true");
	assert_string_equal(e->f[10].path->root, "nulls");
	tmpl_expr_destroy(e);
}

static void t_strings(void **state)
{
	struct tmpl_expr *e;

	(void)state;
	e = parse_ok("x | default \"a\\\"b\\\\c\\/d\\n\\t\\r\\b\\f\\u00e9\\ud83c\\udf89|}}\"");
	assert_int_equal(e->f[0].lit.n, strlen("a\"b\\c/d\n\t\r\b\f\xc3\xa9\xf0\x9f\x8e\x89|}}"));
	assert_string_equal(e->f[0].lit.s, "a\"b\\c/d\n\t\r\b\f\xc3\xa9\xf0\x9f\x8e\x89|}}");
	tmpl_expr_destroy(e);
	e = parse_ok("x[\"\\u0041\"]");
	assert_string_equal(e->path.steps[0].key, "A");
	tmpl_expr_destroy(e);
	parse_bad("x | default \"\\x\"", "bad escape in string");
	parse_bad("x | default \"\\ud800\"", "bad escape in string");
	parse_bad("x | default \"\\udc00x\"", "bad escape in string");
	parse_bad("x | default \"\\u12\"", "bad escape in string");
	parse_bad("x | default \"open", "unterminated string");
	parse_bad("x | default \"open\\", "unterminated string");
	parse_bad("x[\"a\\u0000b\"]", "cannot hold NUL");
}

static void t_errors(void **state)
{
	(void)state;
	parse_bad("", "expected a name");
	parse_bad(".x", "expected a name");
	parse_bad("x.", "expected a name");
	parse_bad("x.1", "expected a name");
	parse_bad("x[", "expected an index");
	parse_bad("x[a]", "expected an index");
	parse_bad("x[1", "expected ]");
	parse_bad("x[99999999999999999999999]", "index too large");
	parse_bad("x | nope", "{{x | nope}}: unknown filter");
	parse_bad("x |", "expected a filter name after |");
	parse_bad("x | truncate", "bad number");
	parse_bad("x | truncate -1", "truncate needs a count");
	parse_bad("x | truncate 1.5", "truncate needs a count");
	parse_bad("x | default", "default needs a value");
	parse_bad("x | default 1x", "unexpected text");
	parse_bad("x | default 1-", "bad number");
	parse_bad("x y", "unexpected text");
	parse_bad("x | first y", "unexpected text");
}

static void t_placeholder_end(void **state)
{
	const char *s;

	(void)state;
	s = "x.a}} tail";
	assert_ptr_equal(tmpl_placeholder_end(s, s + strlen(s)), s + 3);
	s = "x | default \"}}\" }}";
	assert_ptr_equal(tmpl_placeholder_end(s, s + strlen(s)), s + strlen(s) - 2);
	s = "x | default \"\\\"}}\" }}";
	assert_ptr_equal(tmpl_placeholder_end(s, s + strlen(s)), s + strlen(s) - 2);
	s = "x | default \"}}";
	assert_null(tmpl_placeholder_end(s, s + strlen(s)));
	s = "x }";
	assert_null(tmpl_placeholder_end(s, s + strlen(s)));
	assert_true(tmpl_word_is("_if", 3, "_if"));
	assert_false(tmpl_word_is("_if", 2, "_if"));
	assert_false(tmpl_word_is("_iff", 4, "_if"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_path),    cmocka_unit_test(t_filters),
		cmocka_unit_test(t_default), cmocka_unit_test(t_strings),
		cmocka_unit_test(t_errors),  cmocka_unit_test(t_placeholder_end),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
