// SPDX-License-Identifier: MIT
/*
 * tv_tmpl: placeholders, filters, typed values, _if/_each/_value, nasty
 * strings through the emitter (read back with libyaml's parser and typed
 * the way YAML 1.1 readers type plain scalars), JSON lines, and template
 * errors that name the file, line and placeholder.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <yaml.h>

#include "libcommon/json/tv_json.h"
#include "libcommon/json/tv_jw.h"
#include "libcommon/tmpl/tv_tmpl.h"

/* ---- reading the output back: YAML -> JSON text, plain scalars typed ---- */

static bool all_in(const char *s, size_t n, const char *set)
{
	for (size_t i = 0; i < n; i++) {
		if (strchr(set, s[i]) == NULL) {
			return false;
		}
	}
	return n > 0;
}

static bool is_word(const char *s, size_t n, const char *const *words)
{
	for (; *words; words++) {
		if (strlen(*words) == n && memcmp(*words, s, n) == 0) {
			return true;
		}
	}
	return false;
}

/* a plain scalar as YAML 1.1 (PyYAML) types it: null, bool, number or string */
static void put_plain(struct tv_jw *w, const char *s, size_t n)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL", NULL };
	static const char *const trues[] = { "true", "True", "TRUE", "yes", "Yes",
					     "YES",  "on",   "On",   "ON",  NULL };
	static const char *const falses[] = { "false", "False", "FALSE", "no",	"No",
					      "NO",    "off",	"Off",	 "OFF", NULL };

	if (is_word(s, n, nulls)) {
		tv_jw_null(w);
	} else if (is_word(s, n, trues)) {
		tv_jw_bool(w, true);
	} else if (is_word(s, n, falses)) {
		tv_jw_bool(w, false);
	} else if (all_in(s, n, "0123456789+-.eE_:xabcdefABCDEF") &&
		   strchr("0123456789+-.", s[0]) &&
		   !(n == 1 && (s[0] == '-' || s[0] == '.' || s[0] == '+'))) {
		tv_jw_raw(w, s, n); /* a number (or a date): kept as written */
	} else {
		tv_jw_str(w, s, n);
	}
}

static int to_json(yaml_parser_t *p, struct tv_jw *w, bool in_map, bool *is_key)
{
	yaml_event_t ev;
	int r = 0;

	for (;;) {
		if (!yaml_parser_parse(p, &ev)) {
			return -1;
		}
		switch (ev.type) {
		case YAML_SCALAR_EVENT:
			if (in_map && *is_key) {
				tv_jw_key_n(w, (const char *)ev.data.scalar.value,
					    ev.data.scalar.length);
			} else if (ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
				put_plain(w, (const char *)ev.data.scalar.value,
					  ev.data.scalar.length);
			} else {
				tv_jw_str(w, (const char *)ev.data.scalar.value,
					  ev.data.scalar.length);
			}
			*is_key = in_map ? !*is_key : false;
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT: {
			bool map = ev.type == YAML_MAPPING_START_EVENT, k = true;

			if (map) {
				tv_jw_obj_begin(w);
			} else {
				tv_jw_arr_begin(w);
			}
			r = to_json(p, w, map, &k);
			if (map) {
				tv_jw_obj_end(w);
			} else {
				tv_jw_arr_end(w);
			}
			*is_key = in_map ? !*is_key : false;
			break;
		}
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
		case YAML_DOCUMENT_END_EVENT:
		case YAML_STREAM_END_EVENT:
			yaml_event_delete(&ev);
			return 0;
		default:
			break;
		}
		yaml_event_delete(&ev);
		if (r < 0) {
			return r;
		}
	}
}

/* every document of @yaml as JSON, one per line; NULL if it does not parse */
static char *read_back(const char *yaml)
{
	yaml_parser_t p;
	yaml_event_t ev;
	struct tv_strbuf b;
	struct tv_jw w;
	bool k = false;
	int r = 0;

	tv_strbuf_init(&b);
	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, (const unsigned char *)yaml, strlen(yaml));
	for (;;) {
		if (!yaml_parser_parse(&p, &ev)) {
			r = -1;
			break;
		}
		if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		if (ev.type == YAML_DOCUMENT_START_EVENT) {
			tv_jw_init(&w, &b);
			r = to_json(&p, &w, false, &k);
			tv_strbuf_putc(&b, '\n');
		}
		yaml_event_delete(&ev);
		if (r < 0) {
			break;
		}
	}
	yaml_parser_delete(&p);
	if (r < 0) {
		tv_strbuf_finish(&b);
		return NULL;
	}
	return tv_strbuf_steal(&b);
}

/* ---- rendering against a context given as JSON ---- */

struct ctx {
	struct tv_json_parser *p;
	struct tv_tmpl_var vars[8];
	size_t n;
	struct tv_strbuf json;
};

static void ctx_load(struct ctx *c, const char *json)
{
	struct tv_jiter it;
	struct tv_jv root, v;
	const char *key, *why = NULL;
	size_t klen;
	static char names[8][32];

	tv_strbuf_init(&c->json);
	tv_strbuf_puts(&c->json, json);
	c->p = tv_json_parser_create();
	assert_non_null(c->p);
	assert_int_equal(tv_json_parse(c->p, c->json.p, c->json.len, &root, &why), 0);
	c->n = 0;
	tv_jv_iter_init(&root, &it);
	while (tv_jv_iter_next(&it, &key, &klen, &v)) {
		assert_true(c->n < 8 && klen < 32);
		memcpy(names[c->n], key, klen);
		names[c->n][klen] = '\0';
		c->vars[c->n].name = names[c->n];
		c->vars[c->n].value = v;
		c->n++;
	}
}

static void ctx_finish(struct ctx *c)
{
	tv_json_parser_destroy(c->p);
	tv_strbuf_finish(&c->json);
}

/* render @tmpl in @mode; returns the text (free it) and the result in *rc */
static char *render_mode(const char *tmpl, const char *json, enum tv_tmpl_mode mode, int *rc,
			 struct tv_error *err)
{
	struct tv_tmpl *t = NULL;
	struct tv_strbuf out;
	struct ctx c;
	int r;

	tv_error_clear(err);
	r = tv_tmpl_parse("t.yaml", tmpl, strlen(tmpl), &t, err);
	if (r < 0) {
		*rc = r;
		return NULL;
	}
	ctx_load(&c, json);
	tv_strbuf_init(&out);
	tv_strbuf_puts(&out, "");
	*rc = tv_tmpl_render(t, c.vars, c.n, mode, &out, err);
	ctx_finish(&c);
	tv_tmpl_destroy(t);
	return tv_strbuf_steal(&out);
}

/* render in YAML and in JSON; both must read back as @want (one JSON line) */
static void check(const char *tmpl, const char *json, const char *want)
{
	struct tv_error err;
	char *yaml, *back, *line;
	int rc;

	yaml = render_mode(tmpl, json, TV_TMPL_DOCUMENT, &rc, &err);
	if (rc != 0) {
		fail_msg("render failed (%d): %s:%llu: %s", rc, err.file,
			 (unsigned long long)err.line, err.msg);
	}
	back = read_back(yaml);
	if (back == NULL) {
		fail_msg("output is not YAML:\n%s", yaml);
	}
	if (strcmp(back, want) != 0 &&
	    !(strlen(back) == strlen(want) + 1 && strncmp(back, want, strlen(want)) == 0)) {
		fail_msg("YAML:\n%s\nread back: %s\nwanted:    %s", yaml, back, want);
	}
	free(back);
	free(yaml);
	line = render_mode(tmpl, json, TV_TMPL_JSON_LINE, &rc, &err);
	assert_int_equal(rc, 0);
	assert_true(strlen(line) > 0 && line[strlen(line) - 1] == '\n');
	line[strlen(line) - 1] = '\0';
	if (strcmp(line, want) != 0) {
		fail_msg("JSON line: %s\nwanted:    %s", line, want);
	}
	free(line);
}

static const char CTX[] =
	"{\"x\":{\"name\":\"W\",\"n\":1,\"d\":2.5,\"b\":true,\"z\":null,\"e\":\"\","
	"\"list\":[\"a\",\"b\",\"c\"],\"empty\":[],\"o\":{\"k\":\"v\",\"host.name\":\"h\"},"
	"\"nums\":[3,4],\"u\":\"h\\u00e9llo w\\u00f6rld\",\"big\":1e20}}";

static void t_text(void **state)
{
	(void)state;
	check("a: \"hello {{x.name}}!\"\n", CTX, "{\"a\":\"hello W!\"}");
	check("a: 'n={{x.n}} d={{x.d}} b={{x.b}} z={{x.z}}.'\n", CTX,
	      "{\"a\":\"n=1 d=2.5 b=true z=.\"}");
	check("a: \"{{x.list}} {{x.o}}\"\n", CTX,
	      "{\"a\":\"[\\\"a\\\",\\\"b\\\",\\\"c\\\"] {\\\"k\\\":\\\"v\\\",\\\"host.name\\\":\\\"h\\\"}\"}");
	check("a: plain {{x.name}} text\n", CTX, "{\"a\":\"plain W text\"}");
	check("\"{{x.name}}-key\": 1\n", CTX, "{\"W-key\":1}");
}

static void t_typed(void **state)
{
	(void)state;
	check("l: \"{{x.list}}\"\nn: '{{x.n}}'\nd: \"{{x.d}}\"\nb: \"{{x.b}}\"\nz: \"{{x.z}}\"\n"
	      "o: \"{{x.o}}\"\ne: \"{{x.empty}}\"\n",
	      CTX,
	      "{\"l\":[\"a\",\"b\",\"c\"],\"n\":1,\"d\":2.5,\"b\":true,\"z\":null,"
	      "\"o\":{\"k\":\"v\",\"host.name\":\"h\"},\"e\":[]}");
	/* unquoted: YAML reads {{x}} as a flow mapping, which is recognised */
	check("n: {{x.n}}\nl: {{ x.list | first }}\n", CTX, "{\"n\":1,\"l\":\"a\"}");
	check("- {{x.nums}}\n- \"{{x.nums[1]}}\"\n- \"{{x.o[\\\"host.name\\\"]}}\"\n", CTX,
	      "[[3,4],4,\"h\"]");
	/* template literals keep their own types */
	check("a: 1\nb: 'x'\nc: true\nd: ~\ne: 1.5\nf: \"007\"\n", CTX,
	      "{\"a\":1,\"b\":\"x\",\"c\":true,\"d\":null,\"e\":1.5,\"f\":\"007\"}");
}

static void t_filters(void **state)
{
	(void)state;
	check("f: \"{{x.list | first}}\"\nl: \"{{x.list | last}}\"\nn: \"{{x.empty | first}}\"\n",
	      CTX, "{\"f\":\"a\",\"l\":\"c\",\"n\":null}");
	check("j: \"{{x.o | json}}\"\ns: \"{{x.name | json}}\"\nz: \"{{x.z | json}}\"\n", CTX,
	      "{\"j\":\"{\\\"k\\\":\\\"v\\\",\\\"host.name\\\":\\\"h\\\"}\",\"s\":\"\\\"W\\\"\","
	      "\"z\":\"null\"}");
	check("a: \"{{x.u | truncate 5}}\"\nb: \"{{x.u | truncate 11}}\"\nc: \"{{x.u | truncate 0}}\"\n"
	      "d: \"{{x.n | truncate 3}}\"\n",
	      CTX,
	      "{\"a\":\"h\xc3\xa9ll\xe2\x80\xa6\",\"b\":\"h\xc3\xa9llo w\xc3\xb6rld\",\"c\":\"\",\"d\":\"1\"}");
	check("a: '{{x.z | default \"none\"}}'\nb: '{{x.e | default 7}}'\nc: '{{x.missing | default x.name}}'\n"
	      "d: '{{x.missing | default x.gone | default []}}'\ne: '{{x.n | default 9}}'\n"
	      "f: '{{x.missing | default false}}'\n",
	      CTX, "{\"a\":\"none\",\"b\":7,\"c\":\"W\",\"d\":[],\"e\":1,\"f\":false}");
	check("a: '{{x.list | join \", \"}}'\nb: '{{x.nums | join}}'\n", CTX,
	      "{\"a\":\"a, b, c\",\"b\":\"34\"}");
	check("a: \"{{x.list | length}}\"\nb: \"{{x.u | length}}\"\nc: \"{{x.z | length}}\"\n"
	      "d: \"{{x.o | length}}\"\n",
	      CTX, "{\"a\":3,\"b\":11,\"c\":0,\"d\":2}");
	check("a: \"{{ x.list|first|truncate 1 }}\"\n", CTX, "{\"a\":\"a\"}");
}

static void t_omit_if_each(void **state)
{
	(void)state;
	check("a: \"{{x.z | omit}}\"\nb: \"{{x.empty | omit}}\"\nc: \"{{x.e | omit}}\"\n"
	      "d: \"{{x.missing | omit}}\"\ne: \"{{x.n | omit}}\"\nl:\n  - \"{{x.z | omit}}\"\n  - 1\n",
	      CTX, "{\"e\":1,\"l\":[1]}");
	check("a:\n  _if: \"{{x.b}}\"\n  k: 1\nb:\n  _if: \"{{x.z}}\"\n  k: 2\n"
	      "l:\n  - _if: \"{{x.empty}}\"\n    k: 3\n  - _if: \"{{x.list}}\"\n    k: 4\n",
	      CTX, "{\"a\":{\"k\":1},\"l\":[{\"k\":4}]}");
	check("l:\n  - 0\n  - _each: \"{{x.list}}\"\n    v: \"{{item}}\"\n    up: \"<{{item}}>\"\n  - 9\n",
	      CTX,
	      "{\"l\":[0,{\"v\":\"a\",\"up\":\"<a>\"},{\"v\":\"b\",\"up\":\"<b>\"},"
	      "{\"v\":\"c\",\"up\":\"<c>\"},9]}");
	check("l:\n  - _each: \"{{x.nums}}\"\n    _value: \"n{{item}}\"\n", CTX,
	      "{\"l\":[\"n3\",\"n4\"]}");
	check("l:\n  - _each: \"{{x.empty}}\"\n    v: 1\n  - _each: \"{{x.z}}\"\n    v: 2\n", CTX,
	      "{\"l\":[]}");
	check("l:\n  - _each: \"{{x.nums}}\"\n    _if: \"{{item}}\"\n    _value: \"{{item}}\"\n",
	      CTX, "{\"l\":[3,4]}");
	check("v:\n  _value: \"{{x.list}}\"\n", CTX, "{\"v\":[\"a\",\"b\",\"c\"]}");
	check("p: '\\{{prompt}} {{x.name}}'\nq: '\\{{raw}}'\n", CTX,
	      "{\"p\":\"{{prompt}} W\",\"q\":\"{{raw}}\"}");
}

static void t_skip(void **state)
{
	struct tv_error err;
	char *out;
	int rc;

	(void)state;
	out = render_mode("_if: \"{{x.z}}\"\na: 1\n", CTX, TV_TMPL_DOCUMENT, &rc, &err);
	assert_int_equal(rc, TV_TMPL_SKIPPED);
	assert_string_equal(out, "");
	free(out);
	out = render_mode("_if: \"{{x.n}}\"\na: 1\n", CTX, TV_TMPL_DOCUMENT, &rc, &err);
	assert_int_equal(rc, 0);
	assert_string_equal(out, "a: 1\n");
	free(out);
}

/* strings that break naive YAML writers */
static const char *const nasty[] = {
	"",
	"true",
	"False",
	"null",
	"~",
	"yes",
	"NO",
	"on",
	"off",
	"y",
	"n",
	"123",
	"1.5",
	"-1",
	".5",
	"1e3",
	"0x1F",
	"0o17",
	"2024-01-01",
	"12:30:00",
	".inf",
	"-.inf",
	".NaN",
	"<<",
	"=",
	"- item",
	"-",
	"key: value",
	"key:value",
	"# comment",
	"a #b",
	"a# b",
	"'single'",
	"\"double\"",
	"it's",
	"{{x}}",
	"{{",
	"}}",
	"[1, 2]",
	"{a: 1}",
	"!tag",
	"!!str x",
	"&anchor",
	"*alias",
	"|",
	">",
	"|-\n  x",
	"%YAML 1.2",
	"@at",
	"`back`",
	"a\nb",
	"a\n",
	"\nlead",
	"trailing \n",
	"a\n\n",
	"a\n\n\n",
	"\n",
	"\n\n",
	"  spaced  ",
	" lead",
	"trail ",
	"tab\there",
	"\ttab",
	"cr\r\nlf",
	"only\rcr",
	"nel\xc2\x85x",
	"ls\xe2\x80\xa8x",
	"ps\xe2\x80\xa9x",
	"\x01\x02\x1f"
	" ctl",
	"del\x7f"
	"",
	"bom\xef\xbb\xbf"
	"mid",
	"\xef\xbb\xbf"
	"lead",
	"\xc3\xbc"
	"n\xc3\xaf"
	"c\xc3\xb6"
	"d\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x8e\x89",
	"...",
	"---",
	"--- x",
	"... x",
	"? q",
	": colon",
	"a: b: c",
	"multi\nline: with\n- dashes\n# hash\n",
	"\\backslash\\",
	"\\n literal",
	"% percent",
	", comma",
	"[",
	"]",
	"{",
	"}",
	"a,b",
	"x\xc2\xa0"
	"nbsp",
	"\xe2\x80\x8b"
	"zw",
	"\xef\xbf\xbe",
	"long " /* grown below */,
};

static void put_json_string(struct tv_strbuf *b, const char *s, size_t n)
{
	struct tv_jw w;

	tv_jw_init(&w, b);
	tv_jw_str(&w, s, n);
}

static void t_nasty(void **state)
{
	struct tv_strbuf ctx, want, all, esc;
	struct tv_error err;
	char *out, *back;
	size_t count = sizeof(nasty) / sizeof(nasty[0]);
	int rc;

	(void)state;
	tv_strbuf_init(&all);
	for (size_t i = 0; i < count + 1; i++) {
		const char *s = i < count ? nasty[i] : "nul\0byte";
		size_t n = i < count ? strlen(s) : 8;
		struct tv_strbuf big;

		tv_strbuf_init(&big);
		if (i == count - 1) {
			/* longer than any line width: must not be folded */
			for (int k = 0; k < 300; k++) {
				tv_strbuf_puts(&big, "long words: ");
			}
			s = big.p;
			n = big.len;
		}
		tv_strbuf_init(&ctx);
		tv_strbuf_puts(&ctx, "{\"x\":{\"s\":");
		put_json_string(&ctx, s, n);
		tv_strbuf_puts(&ctx, "}}");
		tv_strbuf_init(&esc);
		put_json_string(&esc, s, n);
		tv_strbuf_init(&want);
		tv_strbuf_puts(&want, "{\"v\":");
		tv_strbuf_append(&want, esc.p, esc.len);
		tv_strbuf_puts(&want, ",\"t\":\"<");
		tv_strbuf_append(&want, esc.p + 1, esc.len - 2);
		tv_strbuf_puts(&want, ">\",\"l\":[");
		tv_strbuf_append(&want, esc.p, esc.len);
		tv_strbuf_puts(&want, "]}");
		tv_strbuf_finish(&esc);
		check("v: \"{{x.s}}\"\nt: \"<{{x.s}}>\"\nl:\n  - \"{{x.s}}\"\n", ctx.p, want.p);
		/* as list items, concatenated: one list */
		out = render_mode("v: \"{{x.s}}\"\n", ctx.p, TV_TMPL_LIST_ITEM, &rc, &err);
		assert_int_equal(rc, 0);
		tv_strbuf_puts(&all, out);
		free(out);
		tv_strbuf_finish(&ctx);
		tv_strbuf_finish(&want);
		tv_strbuf_finish(&big);
	}
	back = read_back(all.p);
	assert_non_null(back);
	/* one document, one list of count + 1 items */
	assert_non_null(strchr(back, '\n'));
	assert_int_equal(strchr(back, '\n') - back + 1, (long)strlen(back));
	{
		struct tv_json_parser *p = tv_json_parser_create();
		struct tv_jv root;
		const char *why;

		assert_int_equal(tv_json_parse(p, back, strlen(back), &root, &why), 0);
		assert_int_equal(tv_jv_len(&root), count + 1);
		tv_json_parser_destroy(p);
	}
	free(back);
	tv_strbuf_finish(&all);
}

static void t_modes(void **state)
{
	struct tv_error err;
	char *out, *again;
	int rc;

	(void)state;
	out = render_mode("a: \"{{x.name}}\"\nb: [1, 2]\n", CTX, TV_TMPL_STREAM_DOC, &rc, &err);
	assert_int_equal(rc, 0);
	assert_string_equal(out, "---\na: W\nb: [1, 2]\n");
	again = render_mode("a: \"{{x.name}}\"\nb: [1, 2]\n", CTX, TV_TMPL_STREAM_DOC, &rc, &err);
	assert_string_equal(out, again);
	free(out);
	free(again);
	/* a float YAML 1.1 readers take as one, not "1e+20", a string to them */
	out = render_mode("big: \"{{x.big}}\"\n", CTX, TV_TMPL_DOCUMENT, &rc, &err);
	assert_string_equal(out, "big: 1.0e+20\n");
	free(out);
	out = render_mode("a: \"{{x.name}}\"\nb: \"{{x.list}}\"\n", CTX, TV_TMPL_LIST_ITEM, &rc,
			  &err);
	assert_int_equal(rc, 0);
	assert_string_equal(out, "- a: W\n  b:\n  - a\n  - b\n  - c\n");
	free(out);
	out = render_mode("a: \"{{x.name}}\"\nb: \"{{x.list}}\"\nc: 1\n", CTX, TV_TMPL_JSON_LINE,
			  &rc, &err);
	assert_string_equal(out, "{\"a\":\"W\",\"b\":[\"a\",\"b\",\"c\"],\"c\":1}\n");
	free(out);
}

/* a template error: its code, line and a fragment of its message */
static void expect_error(const char *tmpl, int code, unsigned long line, const char *frag)
{
	struct tv_error err;
	char *out;
	int rc;

	out = render_mode(tmpl, CTX, TV_TMPL_DOCUMENT, &rc, &err);
	if (rc != code || err.line != line || strstr(err.msg, frag) == NULL ||
	    strcmp(err.file, "t.yaml") != 0) {
		fail_msg("template:\n%s\ngot %d %s:%llu: %s\nwanted %d line %lu /%s/", tmpl, rc,
			 err.file, (unsigned long long)err.line, err.msg, code, line, frag);
	}
	if (out) {
		assert_string_equal(out, ""); /* nothing half-written */
	}
	free(out);
}

static void t_errors(void **state)
{
	(void)state;
	expect_error("a: 1\nb: 2\nc: \"{{x.n | bogus}}\"\n", -TV_EPARSE, 3,
		     "{{x.n | bogus}}: unknown filter");
	expect_error("a: 1\nb: \"{{x.n\"\n", -TV_EPARSE, 2, "unterminated placeholder");
	expect_error("a: \"{{x.n | truncate}}\"\n", -TV_EPARSE, 1, "truncate");
	expect_error("a: \"{{x.n | default}}\"\n", -TV_EPARSE, 1, "default needs a value");
	expect_error("a: \"{{.n}}\"\n", -TV_EPARSE, 1, "expected a name");
	expect_error("a: \"{{x.n junk}}\"\n", -TV_EPARSE, 1, "unexpected text");
	expect_error("a: [1,\n", -TV_EPARSE, 2, "");
	expect_error("a: 1\n---\nb: 2\n", -TV_EPARSE, 2, "one YAML document");
	expect_error("", -TV_EPARSE, 1, "empty");
	expect_error("a:\n  _each: \"{{x.list}}\"\n  b: 1\n", -TV_EPARSE, 2,
		     "_each is only allowed in a list item");
	expect_error("l:\n  - _if: \"x {{x.b}}\"\n    a: 1\n", -TV_EPARSE, 2,
		     "_if needs one placeholder");
	expect_error("a: 1\nb: 2\nc: 3\nd: \"{{nope.x}}\"\n", -TV_ETYPE, 4,
		     "{{nope.x}}: unknown name 'nope'");
	expect_error("a: 1\nb: \"text {{x.nmae}}\"\n", -TV_ETYPE, 2, "no member 'nmae'");
	expect_error("a: |\n  line one\n  line two {{x.gone}}\n", -TV_ETYPE, 3, "no member 'gone'");
	expect_error("a: \"{{x.list.name}}\"\n", -TV_ETYPE, 1, "of a list");
	expect_error("a: \"{{x.n.k}}\"\n", -TV_ETYPE, 1, "of a scalar");
	expect_error("a: \"{{x.list[7]}}\"\n", -TV_ETYPE, 1, "out of range");
	expect_error("l:\n  - _each: \"{{x.o}}\"\n    a: 1\n", -TV_ETYPE, 2, "_each needs a list");
	expect_error("\"{{x.list}}\": 1\n", -TV_ETYPE, 1, "a key must be a scalar");
	expect_error("a: &a [*a]\n", -TV_EPARSE, 1, "nested too deep");
	expect_error("a: &a {b: *a}\n", -TV_EPARSE, 1, "nested too deep");
	expect_error(
		"a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
		"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
		"e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
		"g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n",
		-TV_EPARSE, 1, "expands too much");
}

/* @n times @open, then @mid, then @n times @close */
static char *nested(size_t n, const char *open, const char *mid, const char *close)
{
	struct tv_strbuf b;

	tv_strbuf_init(&b);
	for (size_t i = 0; i < n; i++) {
		tv_strbuf_puts(&b, open);
	}
	tv_strbuf_puts(&b, mid);
	for (size_t i = 0; i < n; i++) {
		tv_strbuf_puts(&b, close);
	}
	return tv_strbuf_steal(&b);
}

/* @n mappings in block style, one per line, the innermost holding "x: 1" */
static char *nested_block(size_t n)
{
	struct tv_strbuf b;

	tv_strbuf_init(&b);
	for (size_t i = 0; i + 1 < n; i++) {
		for (size_t k = 0; k < i; k++) {
			tv_strbuf_puts(&b, "  ");
		}
		tv_strbuf_puts(&b, "k:\n");
	}
	for (size_t k = 0; k + 1 < n; k++) {
		tv_strbuf_puts(&b, "  ");
	}
	tv_strbuf_puts(&b, "x: 1\n");
	return tv_strbuf_steal(&b);
}

/* renders in YAML and JSON, without error */
static void renders(const char *tmpl, const char *json)
{
	struct tv_error err;
	char *out;
	int rc;

	out = render_mode(tmpl, json, TV_TMPL_DOCUMENT, &rc, &err);
	if (rc != 0) {
		fail_msg("%d %s:%llu: %s", rc, err.file, (unsigned long long)err.line, err.msg);
	}
	free(out);
	out = render_mode(tmpl, json, TV_TMPL_JSON_LINE, &rc, &err);
	assert_int_equal(rc, 0);
	free(out);
}

/* templates nest at most TV_TMPL_MAX_DEPTH lists and mappings, whatever their style */
static void t_template_depth(void **state)
{
	char *t;

	(void)state;
	t = nested(TV_TMPL_MAX_DEPTH, "[", "1", "]");
	renders(t, CTX);
	free(t);
	t = nested(TV_TMPL_MAX_DEPTH + 1, "[", "1", "]");
	expect_error(t, -TV_EPARSE, 1,
		     "nested too deep: more than 64 levels of lists and mappings");
	free(t);
	t = nested_block(TV_TMPL_MAX_DEPTH);
	renders(t, CTX);
	free(t);
	/* the 65th mapping is on line 65, also when libyaml is stopped early */
	t = nested_block(TV_TMPL_MAX_DEPTH + 1);
	expect_error(t, -TV_EPARSE, 65, "nested too deep");
	free(t);
	t = nested_block(2000);
	expect_error(t, -TV_EPARSE, 65, "nested too deep");
	free(t);
	/* a million levels: an error at once, no deep recursion, no slow scan */
	t = nested(1000000, "[", "1", "]");
	expect_error(t, -TV_EPARSE, 1, "nested too deep");
	free(t);
	t = nested(1000000, "{a: ", "1", "}");
	expect_error(t, -TV_EPARSE, 1, "nested too deep");
	free(t);
	/* an unquoted {{x}} is a scalar, though YAML reads two mappings */
	t = nested(TV_TMPL_MAX_DEPTH, "[", "{{x.n}}", "]");
	renders(t, CTX);
	free(t);
	/* _value counts as written */
	t = nested(TV_TMPL_MAX_DEPTH - 1, "[", "{_value: 1}", "]");
	renders(t, CTX);
	free(t);
	t = nested(TV_TMPL_MAX_DEPTH - 1, "[", "{_value: [1]}", "]");
	expect_error(t, -TV_EPARSE, 1, "nested too deep");
	free(t);
}

/* a context of @n nested lists ([[...["leaf"]...]]) under x.deep */
static char *deep_ctx(size_t n)
{
	char *inner = nested(n, "[", "\"leaf\"", "]"), *ctx;
	struct tv_strbuf b;

	tv_strbuf_init(&b);
	tv_strbuf_puts(&b, "{\"x\":{\"deep\":");
	tv_strbuf_puts(&b, inner);
	tv_strbuf_puts(&b, "}}");
	free(inner);
	ctx = tv_strbuf_steal(&b);
	return ctx;
}

static void expect_value_too_deep(const char *tmpl, const char *ctx, unsigned long line)
{
	enum tv_tmpl_mode modes[] = { TV_TMPL_DOCUMENT, TV_TMPL_LIST_ITEM, TV_TMPL_JSON_LINE };
	struct tv_error err;
	char *out;
	int rc;

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		out = render_mode(tmpl, ctx, modes[i], &rc, &err);
		if (rc != -TV_EDEPTH || err.line != line || strcmp(err.file, "t.yaml") != 0 ||
		    strstr(err.msg, "the value nests too deep: the output would have more than 64 "
				    "levels of lists and mappings") == NULL) {
			fail_msg("mode %d: got %d %s:%llu: %s", (int)modes[i], rc, err.file,
				 (unsigned long long)err.line, err.msg);
		}
		assert_string_equal(out, "");
		free(out);
	}
}

/* what a template renders nests at most TV_TMPL_MAX_DEPTH deep too */
static void t_value_depth(void **state)
{
	char *ok = deep_ctx(TV_TMPL_MAX_DEPTH - 1), *deep = deep_ctx(TV_TMPL_MAX_DEPTH);
	char *far = deep_ctx(1000), *t;

	(void)state;
	/* in the root mapping: 63 levels more fit, 64 do not */
	renders("a: 1\nv: \"{{x.deep}}\"\n", ok);
	expect_value_too_deep("a: 1\nv: \"{{x.deep}}\"\n", deep, 2);
	expect_value_too_deep("a: 1\nv: \"{{x.deep}}\"\n", far, 2);
	/* as the root, in a list, through _each, _value and default */
	renders("\"{{x.deep}}\"\n", deep);
	expect_value_too_deep("- \"{{x.deep}}\"\n", deep, 1);
	expect_value_too_deep("l:\n  - _each: \"{{x.deep}}\"\n    v: \"{{item}}\"\n", deep, 3);
	expect_value_too_deep("a:\n  _value: \"{{x.deep}}\"\n", deep, 2);
	expect_value_too_deep("a: \"{{x.gone | default x.deep}}\"\n", deep, 1);
	/* text and json give a string: no nesting */
	renders("a: \"<{{x.deep}}>\"\nb: \"{{x.deep | json}}\"\n", far);
	/* [] and {} from default take a level */
	t = nested(TV_TMPL_MAX_DEPTH - 1, "[", "\"{{x.gone | default []}}\"", "]");
	renders(t, CTX);
	free(t);
	t = nested(TV_TMPL_MAX_DEPTH, "[", "\"{{x.gone | default {} }}\"", "]");
	expect_value_too_deep(t, CTX, 1);
	free(t);
	free(ok);
	free(deep);
	free(far);
}

static void t_load(void **state)
{
	char path[] = "/tmp/tv-test-tmpl-XXXXXX";
	struct tv_tmpl *t = NULL;
	struct tv_error err;
	int fd, rc;

	(void)state;
	tv_error_clear(&err);
	rc = tv_tmpl_load("/nonexistent/t.yaml", &t, &err);
	assert_int_equal(rc, -ENOENT);
	assert_string_equal(err.file, "/nonexistent/t.yaml");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "a: 1\nb: \"{{x | nope}}\"\n", 23), 23);
	close(fd);
	rc = tv_tmpl_load(path, &t, &err);
	assert_int_equal(rc, -TV_EPARSE);
	assert_string_equal(err.file, path);
	assert_int_equal(err.line, 2);
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_int_equal(write(fd, "a: \"{{x.n}}\"\n", 13), 13);
	close(fd);
	rc = tv_tmpl_load(path, &t, &err);
	assert_int_equal(rc, 0);
	assert_string_equal(tv_tmpl_name(t), path);
	tv_tmpl_destroy(t);
	unlink(path);
}

/* render @tmpl against @json with the output limit @max, in @mode, after
 * "keep" already in the buffer; returns the result, the buffer in *@text */
static int render_max(const char *tmpl, const char *json, size_t max, enum tv_tmpl_mode mode,
		      char **text, struct tv_error *err)
{
	struct tv_tmpl *t = NULL;
	struct tv_strbuf out;
	struct ctx c;
	int rc;

	tv_error_clear(err);
	assert_int_equal(tv_tmpl_parse("t.yaml", tmpl, strlen(tmpl), &t, err), 0);
	tv_tmpl_set_max_output(t, max);
	ctx_load(&c, json);
	tv_strbuf_init(&out);
	tv_strbuf_puts(&out, "keep");
	rc = tv_tmpl_render(t, c.vars, c.n, mode, &out, err);
	ctx_finish(&c);
	tv_tmpl_destroy(t);
	*text = tv_strbuf_steal(&out);
	return rc;
}

/* the output limit: past it -TV_ETOOBIG at the template line, the buffer as it was */
static void t_max_output(void **state)
{
	static const char tmpl[] = "a:\n"
				   "  - _each: \"{{xs}}\"\n"
				   "    _value:\n"
				   "      - _each: \"{{xs}}\"\n"
				   "        _value: \"{{s}}\"\n";
	static const char js[] = "{\"xs\": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], "
				 "\"s\": \"a string of some forty bytes or so, repeated\"}";
	struct tv_error err;
	char *text;
	enum tv_tmpl_mode modes[] = { TV_TMPL_DOCUMENT, TV_TMPL_JSON_LINE };

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		/* 100 copies of a 46-byte string: over 4000 bytes */
		assert_int_equal(render_max(tmpl, js, 1000, modes[i], &text, &err), -TV_ETOOBIG);
		assert_string_equal(text, "keep");
		assert_non_null(strstr(err.msg, "output larger than 1000 bytes"));
		assert_int_equal(err.code, -TV_ETOOBIG);
		free(text);
		assert_int_equal(render_max(tmpl, js, 10000, modes[i], &text, &err), 0);
		assert_true(strlen(text) > 4000);
		free(text);
		assert_int_equal(render_max(tmpl, js, 0, modes[i], &text, &err), 0);
		free(text);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_text),	 cmocka_unit_test(t_typed),
		cmocka_unit_test(t_filters),	 cmocka_unit_test(t_omit_if_each),
		cmocka_unit_test(t_skip),	 cmocka_unit_test(t_nasty),
		cmocka_unit_test(t_modes),	 cmocka_unit_test(t_errors),
		cmocka_unit_test(t_load),	 cmocka_unit_test(t_template_depth),
		cmocka_unit_test(t_value_depth), cmocka_unit_test(t_max_output),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
