// SPDX-License-Identifier: MIT
/*
 * tv_jscan: the layout-keeping JSON scanner, driven by callbacks written
 * here (no PII rule is involved): what it shows the callbacks (the key
 * context of every string and container), what it writes for keep,
 * replace and drop, and what it refuses.
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
#include "libcommon/pii/tv_jscan.h"

/* what the test callbacks do, and what they saw */
struct probe {
	const char *replace;  /* replace strings with this text ... */
	const char *with;     /* ... by this one */
	const char *drop;     /* drop strings with this text */
	const char *drop_key; /* drop containers under this key */
	int fail;	      /* > 0: the fail-th string call returns -EIO */
	const char *json;     /* the input, to check item->raw */
	struct tv_strbuf log; /* one entry per call: ROLE[key]=text; */
	int calls;
};

static const char role_char[] = {
	[TV_JSCAN_VALUE] = 'V', [TV_JSCAN_NAME] = 'N', [TV_JSCAN_PAIR_KEY] = 'K', [TV_JSCAN_NUMERIC] = '#'
};

static void log_item(struct probe *pr, const struct tv_jscan_item *it, bool container)
{
	tv_strbuf_putc(&pr->log, container ? 'C' : role_char[it->role]);
	if (it->key != NULL) {
		tv_strbuf_printf(&pr->log, "[%.*s]", (int)it->klen, it->key);
	}
	if (!container) {
		tv_strbuf_printf(&pr->log, "=%.*s", (int)it->n, it->s);
	}
	tv_strbuf_puts(&pr->log, it->bad ? "!;" : ";");
}

static bool text_is(const struct tv_jscan_item *it, const char *lit)
{
	return lit != NULL && it->n == strlen(lit) && memcmp(it->s, lit, it->n) == 0;
}

static int on_string(void *udata, const struct tv_jscan_item *it, struct tv_strbuf *repl)
{
	struct probe *pr = udata;

	assert_int_equal(repl->len, 0);
	if (pr->json != NULL) {
		/* raw is the token's body in the input, just after its quote */
		assert_true(it->raw > pr->json && it->raw[-1] == '"');
		assert_true(it->raw[it->rawlen] == '"');
	}
	log_item(pr, it, false);
	if (++pr->calls == pr->fail) {
		return -EIO;
	}
	if (text_is(it, pr->drop)) {
		return TV_JSCAN_DROP;
	}
	if (text_is(it, pr->replace)) {
		tv_strbuf_puts(repl, pr->with);
		return TV_JSCAN_REPLACE;
	}
	return TV_JSCAN_KEEP;
}

static int on_container(void *udata, const struct tv_jscan_item *it)
{
	struct probe *pr = udata;

	assert_true(it->raw[0] == '{' || it->raw[0] == '[');
	log_item(pr, it, true);
	if (pr->drop_key && it->key && it->klen == strlen(pr->drop_key) &&
	    memcmp(it->key, pr->drop_key, it->klen) == 0) {
		return TV_JSCAN_DROP;
	}
	return TV_JSCAN_KEEP;
}

static const struct tv_jscan_ops ops = { on_string, on_container };

struct fix {
	struct tv_jscan *js;
	struct tv_strbuf out;
	struct probe pr;
};

static int setup(void **state)
{
	struct fix *x = calloc(1, sizeof(*x));

	assert_non_null(x);
	x->js = tv_jscan_create();
	assert_non_null(x->js);
	tv_strbuf_init(&x->out);
	tv_strbuf_init(&x->pr.log);
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct fix *x = *state;

	tv_jscan_destroy(x->js);
	tv_strbuf_finish(&x->out);
	tv_strbuf_finish(&x->pr.log);
	free(x);
	return 0;
}

/* scan @json with the probe as set; the output (the input when unchanged) in x->out */
static int run(struct fix *x, const char *json)
{
	int r;

	tv_strbuf_reset(&x->out);
	tv_strbuf_reset(&x->pr.log);
	x->pr.calls = 0;
	x->pr.json = json;
	r = tv_jscan_run(x->js, json, strlen(json), &ops, &x->pr, &x->out);
	if (r == 0) {
		assert_int_equal(x->out.len, 0); /* nothing appended when unchanged */
		tv_strbuf_puts(&x->out, json);
	}
	return r;
}

static void expect(struct fix *x, const char *json, const char *want, const char *log)
{
	int r = run(x, json);

	if (r < 0) {
		fail_msg("%s: %d", json, r);
	}
	if (want == NULL) {
		want = json; /* unchanged */
	}
	if (strcmp(x->out.p, want) != 0) {
		fail_msg("%s\n  gave %s\n  want %s", json, x->out.p, want);
	}
	if (log != NULL && strcmp(x->pr.log.p ? x->pr.log.p : "", log) != 0) {
		fail_msg("%s\n  calls %s\n  want  %s", json, x->pr.log.p ? x->pr.log.p : "", log);
	}
}

static void reset_probe(struct fix *x)
{
	struct tv_strbuf log = x->pr.log;

	memset(&x->pr, 0, sizeof(x->pr));
	x->pr.log = log;
}

/* ---- keep ---- */

static void test_keep_is_byte_for_byte(void **state)
{
	static const char *const texts[] = {
		"{}",
		"[]",
		"\"top\"",
		"0",
		"-1.5e+10",
		"true",
		" null \n",
		"{\n  \"a\" : [1, 2.0, -0, 1E3],\n\t\"b\":{\"c\":null}\r\n}",
		"{\"esc\":\"\\u00e9\\n\\\"\\\\\\/\\b\\f\\r\\t\",\"\\u0041\":\"\\ud83d\\ude00\"}",
		"[[[[\"deep\"]]],{},[],\"\"]",
		"{\"dup\":1,\"dup\":2}",
		"[18446744073709551615,-9223372036854775808,1.7976931348623157e308,1e-400,0e99999]",
	};
	struct fix *x = *state;

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		reset_probe(x);
		assert_int_equal(run(x, texts[i]), 0);
		assert_string_equal(x->out.p, texts[i]);
	}
}

/* ---- what the callbacks are told ---- */

static void test_member_and_element_keys(void **state)
{
	struct fix *x = *state;

	reset_probe(x);
	expect(x, "{\"a\":\"x\",\"b\":[\"y\",{\"c\":\"z\"},1],\"d\":{\"e\":\"w\"}}",
	       "{\"a\":\"x\",\"b\":[\"y\",{\"c\":\"z\"},1],\"d\":{\"e\":\"w\"}}",
	       "N=a;V[a]=x;N=b;C[b];V[b]=y;C[b];N=c;V[c]=z;N=d;C[d];N=e;V[e]=w;");
	/* the top-level value has no key; escaped names are decoded */
	expect(x, "[\"t\"]", "[\"t\"]", "V=t;");
	expect(x, "{\"k\\u0065y\\n\":\"v\"}", "{\"k\\u0065y\\n\":\"v\"}", "N=key\n;V[key\n]=v;");
}

static void test_otlp_pairs(void **state)
{
	struct fix *x = *state;
	const char *kv = "{\"attributes\":[{\"key\":\"user.email\",\"value\":{\"stringValue\":"
			 "\"a\"}},{\"key\":\"n\",\"value\":{\"intValue\":\"42\"}},{\"key\":\"l\","
			 "\"value\":{\"arrayValue\":{\"values\":[{\"stringValue\":\"b\"}]}}},"
			 "{\"key\":\"m\",\"value\":{\"kvlistValue\":{\"values\":[{\"key\":\"in\","
			 "\"value\":{\"stringValue\":\"c\"}}]}}}]}";

	reset_probe(x);
	expect(x, kv, kv,
	       "N=attributes;C[attributes];C[attributes];N=key;K=user.email;N=value;C[user.email];"
	       "N=stringValue;V[user.email]=a;"
	       "C[attributes];N=key;K=n;N=value;C[n];N=intValue;#=42;"
	       "C[attributes];N=key;K=l;N=value;C[l];N=arrayValue;C[l];N=values;C[l];C[l];"
	       "N=stringValue;V[l]=b;"
	       "C[attributes];N=key;K=m;N=value;C[m];N=kvlistValue;C[m];N=values;C[m];C[m];"
	       "N=key;K=in;N=value;C[in];N=stringValue;V[in]=c;");
}

static void test_jaeger_tags_and_order(void **state)
{
	/* Jaeger: {"key", "type", "value"}; the value is the plain string */
	static const char *const tags =
		"{\"tags\":[{\"key\":\"host.name\",\"type\":\"string\",\"value\":\"h\"}]}";
	struct fix *x = *state;

	reset_probe(x);
	expect(x, tags, tags,
	       "N=tags;C[tags];C[tags];N=key;K=host.name;N=type;V[type]=string;N=value;"
	       "V[host.name]=h;");
	/* "value" before "key": the member name is the key */
	expect(x, "{\"value\":\"v\",\"key\":\"k\"}", "{\"value\":\"v\",\"key\":\"k\"}",
	       "N=value;V[value]=v;N=key;K=k;");
	/* a "key" member that is not a string makes no pair */
	expect(x, "{\"key\":1,\"value\":\"v\"}", "{\"key\":1,\"value\":\"v\"}",
	       "N=key;N=value;V[value]=v;");
}

static void test_tuples(void **state)
{
	struct fix *x = *state;

	reset_probe(x);
	/* Gemini CLI's _rawAttributes: V sits under K, whatever V is */
	expect(x, "{\"r\":[[\"host.name\",\"h\"],[\"pid\",1],[\"args\",[\"/bin/a\",\"b\"]]]}", NULL,
	       "N=r;C[r];C[r];V[r]=host.name;V[host.name]=h;C[r];V[r]=pid;C[r];V[r]=args;C[args];"
	       "V[args]=/bin/a;V[args]=b;");
	expect(x, "[\n  [\n    \"process.owner\",\n    {\"a\": \"o\"}\n  ]\n]", NULL,
	       "C;V=process.owner;C[process.owner];N=a;V[a]=o;");
	/* not tuples: three elements, a first element unlike a key, or not a string */
	expect(x, "[[\"k\",\"v\",\"w\"],[\"a b\",\"v\"],[\"\",\"v\"],[\"9k\",\"v\"],[1,\"v\"]]",
	       NULL, "C;V=k;V=v;V=w;C;V=a b;V=v;C;V=;V=v;C;V=9k;V=v;C;V=v;");
	/* a dropped V takes its tuple along */
	x->pr.drop = "gone";
	expect(x, "{\"r\": [[\"user.name\", \"gone\"], [\"os\", \"linux\"]]}",
	       "{\"r\": [[\"os\", \"linux\"]]}", NULL);
	x->pr.drop = NULL;
	x->pr.drop_key = "dump";
	expect(x, "[[\"dump\",{\"a\":\"b\"}],[\"dump\",[1]],2]", "[2]", NULL);
	assert_true(tv_jscan_keylike("a", 1));
	assert_true(tv_jscan_keylike("_x.y-z:w/v0", 11));
	assert_false(tv_jscan_keylike("0a", 2));
	assert_false(tv_jscan_keylike("a b", 3));
}

/* ---- replace ---- */

static void test_replace_keeps_layout(void **state)
{
	struct fix *x = *state;

	reset_probe(x);
	x->pr.replace = "secret";
	x->pr.with = "<S>\"q\"";
	expect(x, "{\n  \"a\": \"secret\",\n  \"b\": [ \"secret\" , 1 ]\n}\n",
	       "{\n  \"a\": \"<S>\\\"q\\\"\",\n  \"b\": [ \"<S>\\\"q\\\"\" , 1 ]\n}\n", NULL);
	/* a member name replaced; the value still sits under the old name */
	x->pr.replace = "me@x";
	x->pr.with = "<E>";
	expect(x, "{\"me@x\":\"v\"}", "{\"<E>\":\"v\"}", "N=me@x;V[me@x]=v;");
	/* the same text back: the token stays as written, escapes and all */
	x->pr.replace = "A";
	x->pr.with = "A";
	assert_int_equal(run(x, "[\"\\u0041\"]"), 1);
	assert_string_equal(x->out.p, "[\"\\u0041\"]");
}

/* ---- drop ---- */

static void test_drop_members_and_elements(void **state)
{
	struct fix *x = *state;

	reset_probe(x);
	x->pr.drop = "d";
	expect(x, "{\"a\":\"d\",\"b\":1}", "{\"b\":1}", NULL);
	expect(x, "{\"a\":1, \"b\":\"d\", \"c\":2}", "{\"a\":1, \"c\":2}", NULL);
	expect(x, "{\"a\":1,\"b\":\"d\"}", "{\"a\":1}", NULL);
	expect(x, "{ \"a\" : \"d\" }", "{}", NULL);
	expect(x, "[\"d\",\"d\",1,\"d\"]", "[1]", NULL);
	expect(x, "[\n  \"d\",\n  2\n]", "[\n  2\n]", NULL);
	expect(x, "{\"a\":[\"d\"]}", "{\"a\":[]}", NULL);
	/* the top-level value dropped */
	expect(x, "\"d\"", "null", NULL);
}

static void test_drop_pair(void **state)
{
	struct fix *x = *state;

	reset_probe(x);
	x->pr.drop = "gone";
	/* a dropped value inside a pair removes the pair from its list */
	expect(x,
	       "{\"attributes\":[{\"key\":\"a\",\"value\":{\"stringValue\":\"gone\"}},"
	       "{\"key\":\"b\",\"value\":{\"stringValue\":\"kept\"}}]}",
	       "{\"attributes\":[{\"key\":\"b\",\"value\":{\"stringValue\":\"kept\"}}]}", NULL);
	expect(x, "{\"tags\":[{\"key\":\"a\",\"type\":\"string\",\"value\":\"gone\"}]}",
	       "{\"tags\":[]}", NULL);
}

static void test_drop_container_unscanned(void **state)
{
	struct fix *x = *state;

	reset_probe(x);
	x->pr.drop_key = "dump";
	expect(x, "{\"a\":1,\"dump\":{\"x\":\"never seen\",\"y\":[\"no\"]},\"b\":\"s\"}",
	       "{\"a\":1,\"b\":\"s\"}", "N=a;N=dump;C[dump];N=b;V[b]=s;");
	/* the top-level container is never asked about */
	expect(x, "[\"v\"]", "[\"v\"]", "V=v;");
	/* a pair whose value is dropped goes whole */
	expect(x, "[{\"key\":\"dump\",\"value\":{\"kvlistValue\":{}}},1]", "[1]", NULL);
}

static void test_drop_name_is_an_error(void **state)
{
	struct fix *x = *state;
	const char *j = "{\"n\":1}";

	reset_probe(x);
	x->pr.drop = "n";
	tv_strbuf_reset(&x->out);
	assert_int_equal(tv_jscan_run(x->js, j, strlen(j), &ops, &x->pr, &x->out), -EINVAL);
	assert_int_equal(x->out.len, 0);
}

/* ---- refused ---- */

static void test_invalid_json(void **state)
{
	static const char *const bad[] = {
		"",
		"{",
		"{\"a\"}",
		"{\"a\":}",
		"[1,]",
		"{\"a\":1,}",
		"[1 2]",
		"\"open",
		"\"\\x\"",
		"\"\\u12\"",
		"\"a\nb\"",
		"01",
		"1.",
		"-",
		"1e",
		"tru",
		"[] []",
		"{} x",
		"{'a':1}",
		"[\"a\"",
		"{\"a\" 1}",
		"nul",
		"\"\\u00zz\"",
		"[,1]",
		/* numbers tv_json refuses: past 64 bits, or infinite as a double */
		"18446744073709551616",
		"-9223372036854775809",
		"123456789012345678901234567890",
		"1e999",
		"[-1.7976931348623159e308]",
	};
	struct fix *x = *state;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		reset_probe(x);
		x->pr.replace = "a";
		x->pr.with = "b";
		tv_strbuf_reset(&x->out);
		tv_strbuf_puts(&x->out, "mark");
		if (tv_jscan_run(x->js, bad[i], strlen(bad[i]), &ops, &x->pr, &x->out) !=
		    -TV_EPARSE) {
			fail_msg("accepted: %s", bad[i]);
		}
		assert_string_equal(x->out.p, "mark"); /* nothing appended */
	}
}

static void test_too_deep(void **state)
{
	struct fix *x = *state;
	size_t n = TV_JSON_MAX_DEPTH + 1;
	char *j = malloc(2 * n + 1);

	assert_non_null(j);
	memset(j, '[', n);
	memset(j + n, ']', n);
	j[2 * n] = '\0';
	reset_probe(x);
	tv_strbuf_reset(&x->out);
	assert_int_equal(tv_jscan_run(x->js, j, 2 * n, &ops, &x->pr, &x->out), -TV_EDEPTH);
	/* one level less is fine */
	assert_int_equal(tv_jscan_run(x->js, j + 1, 2 * n - 2, &ops, &x->pr, &x->out), 0);
	free(j);
}

static void test_lone_surrogate_is_flagged(void **state)
{
	struct fix *x = *state;

	reset_probe(x);
	expect(x, "{\"a\":\"x\\ud800y\"}", "{\"a\":\"x\\ud800y\"}", "N=a;V[a]=x\xef\xbf\xbdy!;");
}

static void test_callback_error_stops(void **state)
{
	struct fix *x = *state;
	const char *j = "[\"a\",\"b\",\"c\"]";

	reset_probe(x);
	x->pr.replace = "a";
	x->pr.with = "z";
	x->pr.fail = 2;
	tv_strbuf_reset(&x->out);
	assert_int_equal(tv_jscan_run(x->js, j, strlen(j), &ops, &x->pr, &x->out), -EIO);
	assert_int_equal(x->out.len, 0);
	assert_int_equal(x->pr.calls, 2);
}

/* a run after a failed one starts clean: the scratch is reused */
static void test_reuse(void **state)
{
	struct fix *x = *state;

	reset_probe(x);
	assert_int_equal(run(x, "{\"a\":[{\"b\":"), -TV_EPARSE);
	x->pr.replace = "v";
	x->pr.with = "w";
	expect(x, "{\"k\":\"v\"}", "{\"k\":\"w\"}", "N=k;V[k]=v;");
	tv_jscan_destroy(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_keep_is_byte_for_byte, setup, teardown),
		cmocka_unit_test_setup_teardown(test_member_and_element_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_otlp_pairs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_jaeger_tags_and_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tuples, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replace_keeps_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drop_members_and_elements, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drop_pair, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drop_container_unscanned, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drop_name_is_an_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_deep, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lone_surrogate_is_flagged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_callback_error_stops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reuse, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
