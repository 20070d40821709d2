// SPDX-License-Identifier: MIT
/*
 * tv_tmpl_parse on its own: what compiling finds in each node (plain
 * text, text with placeholders, one placeholder, \{{ escapes, an unquoted
 * {{x}}, the special keys), the lines placeholders are reported on, and
 * the checks on the tree.  Nothing is rendered.
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

static struct tv_tmpl *compile_ok(const char *text)
{
	struct tv_tmpl *t = NULL;
	struct tv_error err;
	int r;

	tv_error_clear(&err);
	r = tv_tmpl_parse("t.yaml", text, strlen(text), &t, &err);
	if (r != 0) {
		fail_msg("%s\n%d %s:%llu: %s", text, r, err.file, (unsigned long long)err.line,
			 err.msg);
	}
	return t;
}

/* the pair of the mapping @map whose key is the scalar @key */
static const yaml_node_pair_t *pair_of(const struct tv_tmpl *t, int map, const char *key)
{
	const yaml_node_t *node = tmpl_yaml_node(t, map);

	assert_int_equal(node->type, YAML_MAPPING_NODE);
	for (yaml_node_pair_t *p = node->data.mapping.pairs.start; p < node->data.mapping.pairs.top;
	     p++) {
		const yaml_node_t *k = tmpl_yaml_node(t, p->key);

		if (k->type == YAML_SCALAR_NODE &&
		    strcmp((const char *)k->data.scalar.value, key) == 0) {
			return p;
		}
	}
	fail_msg("no key %s", key);
	return NULL;
}

static int value_of(const struct tv_tmpl *t, int map, const char *key)
{
	return pair_of(t, map, key)->value;
}

static int key_of(const struct tv_tmpl *t, int map, const char *key)
{
	return pair_of(t, map, key)->key;
}

static void t_roles(void **state)
{
	struct tv_tmpl *t;
	const struct tmpl_node *in;

	(void)state;
	t = compile_ok("plain: text\n"
		       "one: \"{{ x.a | first }}\"\n"
		       "bare: {{x.b}}\n"
		       "text: a {{x.c}} b {{x.d}}\n"
		       "esc: '\\{{x}} and {'\n"
		       "both: '\\{{x}} {{x.e}}'\n");
	assert_string_equal(tv_tmpl_name(t), "t.yaml");
	in = tmpl_node(t, value_of(t, 1, "plain"));
	assert_int_equal(in->role, TMPL_R_PLAIN);
	assert_null(in->lit);
	in = tmpl_node(t, value_of(t, 1, "one"));
	assert_int_equal(in->role, TMPL_R_SINGLE);
	assert_string_equal(in->ex->path.root, "x");
	assert_int_equal(in->ex->nf, 1);
	assert_int_equal(in->ex->line, 2);
	in = tmpl_node(t, value_of(t, 1, "bare"));
	assert_int_equal(tmpl_yaml_node(t, value_of(t, 1, "bare"))->type, YAML_MAPPING_NODE);
	assert_int_equal(in->role, TMPL_R_SINGLE);
	assert_string_equal(in->ex->text, "x.b");
	in = tmpl_node(t, value_of(t, 1, "text"));
	assert_int_equal(in->role, TMPL_R_TEXT);
	assert_int_equal(in->n_segs, 4);
	assert_string_equal(in->segs[0].text, "a ");
	assert_string_equal(in->segs[1].ex->text, "x.c");
	assert_string_equal(in->segs[2].text, " b ");
	assert_string_equal(in->segs[3].ex->text, "x.d");
	in = tmpl_node(t, value_of(t, 1, "esc"));
	assert_int_equal(in->role, TMPL_R_PLAIN);
	assert_int_equal(in->lit_len, strlen("{{x}} and {"));
	assert_string_equal(in->lit, "{{x}} and {");
	in = tmpl_node(t, value_of(t, 1, "both"));
	assert_int_equal(in->role, TMPL_R_TEXT);
	assert_string_equal(in->segs[0].text, "{{x}} ");
	tv_tmpl_destroy(t);
}

static void t_specials(void **state)
{
	struct tv_tmpl *t;
	const struct tmpl_node *in;
	int list, item;

	(void)state;
	t = compile_ok("l:\n"
		       "  - _each: \"{{x.list}}\"\n"
		       "    _if: \"{{item}}\"\n"
		       "    _value: \"{{item.v}}\"\n"
		       "    other: 1\n");
	list = value_of(t, 1, "l");
	item = *tmpl_yaml_node(t, list)->data.sequence.items.start;
	in = tmpl_node(t, item);
	assert_int_equal(in->each_id, value_of(t, item, "_each"));
	assert_int_equal(in->if_id, value_of(t, item, "_if"));
	assert_int_equal(in->value_id, value_of(t, item, "_value"));
	assert_true(tmpl_node(t, key_of(t, item, "_each"))->special);
	assert_true(tmpl_node(t, key_of(t, item, "_if"))->special);
	assert_true(tmpl_node(t, key_of(t, item, "_value"))->special);
	assert_false(tmpl_node(t, key_of(t, item, "other"))->special);
	assert_int_equal(tmpl_node(t, in->each_id)->ex->line, 2);
	assert_int_equal(tmpl_node(t, in->value_id)->ex->line, 4);
	tv_tmpl_destroy(t);
}

/* placeholders in a literal block are reported on their own line */
static void t_lines(void **state)
{
	struct tv_tmpl *t;
	const struct tmpl_node *in;

	(void)state;
	t = compile_ok("a: 1\n"
		       "b: |\n"
		       "  one {{x.a}}\n"
		       "  two\n"
		       "  three {{x.b}}\n");
	in = tmpl_node(t, value_of(t, 1, "b"));
	assert_int_equal(in->role, TMPL_R_TEXT);
	assert_int_equal(in->segs[1].ex->line, 3);
	assert_int_equal(in->segs[3].ex->line, 5);
	tv_tmpl_destroy(t);
}

static void compile_bad(const char *text, unsigned long line, const char *frag)
{
	struct tv_tmpl *t = NULL;
	struct tv_error err;
	int r;

	tv_error_clear(&err);
	r = tv_tmpl_parse("t.yaml", text, strlen(text), &t, &err);
	if (r != -TV_EPARSE || err.line != line || strstr(err.msg, frag) == NULL) {
		fail_msg("%s\ngot %d %s:%llu: %s\nwanted line %lu /%s/", text, r, err.file,
			 (unsigned long long)err.line, err.msg, line, frag);
	}
	assert_null(t);
}

static void t_checks(void **state)
{
	(void)state;
	compile_bad("a:\n  _if: \"{{x}}\"\n  _if: \"{{y}}\"\n", 3, "_if given twice");
	compile_bad("a:\n  _value: 1\n  _value: 2\n", 3, "_value given twice");
	compile_bad("? [1, 2]\n: v\n", 1, "mapping keys must be scalars");
	compile_bad("a: 1\nb: \"x {{x.n\"\n", 2, "unterminated placeholder {{x.n");
	compile_bad("a:\n  b: \"{{x | nope}}\"\n", 2, "{{x | nope}}: unknown filter");
	compile_bad("_each: \"{{x}}\"\n", 1, "_each is only allowed in a list item");
	compile_bad("l:\n  - _each: \"a{{x}}\"\n", 2, "_each needs one placeholder");
	compile_bad("l:\n  - _if: plain\n", 2, "_if needs one placeholder");
	/* _value stands where its mapping is: _each in it is in the list item */
	tv_tmpl_destroy(compile_ok("l:\n  - _value:\n      _each: \"{{x}}\"\n      v: 1\n"));
	compile_bad("m:\n  _value:\n    _each: \"{{x}}\"\n", 3, "_each is only allowed");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_roles),
		cmocka_unit_test(t_specials),
		cmocka_unit_test(t_lines),
		cmocka_unit_test(t_checks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
