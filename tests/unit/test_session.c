// SPDX-License-Identifier: MIT
/*
 * tv_session: the session model, tv_session_finalize's derived fields,
 * the canonical JSON line writer and reading it back (round trips, unknown
 * members, type errors).
 */
#include <errno.h>
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

#include "libcommon/core/tv_error.h"
#include "libcommon/json/tv_json.h"
#include "libcommon/model/tv_session.h"
#include "libcommon/core/tv_time.h"

/* 2025-07-01T09:00:00Z */
#define T0 INT64_C(1751360400000000000)
#define MS TV_NS_PER_MS
#define SEC TV_NS_PER_SEC

static void set(char **dst, const char *s)
{
	assert_int_equal(tv_set_str(dst, s, strlen(s)), 0);
}

static void kv(struct tv_kvlist *l, const char *key, const char *json)
{
	assert_int_equal(tv_kvlist_set(l, key, strlen(key), json, strlen(json)), 0);
}

/* the session as its JSON line (caller frees) */
static char *write_str(const struct tv_session *s)
{
	struct tv_strbuf b;

	tv_strbuf_init(&b);
	assert_int_equal(tv_session_write(s, &b), 0);
	assert_true(b.len > 0);
	assert_int_equal(b.p[b.len - 1], '\n');
	assert_null(memchr(b.p, '\n', b.len - 1));
	return tv_strbuf_steal(&b);
}

static void assert_line(const struct tv_session *s, const char *want)
{
	char *got = write_str(s);
	bool same = strcmp(got, want) == 0;

	if (!same) {
		size_t i = 0;

		while (got[i] && got[i] == want[i]) {
			i++;
		}
		print_error("differs at byte %zu\ngot  %s\nwant %s", i, got, want);
	}
	free(got);
	if (!same) {
		fail();
	}
}

/* parse @text and build a session; returns the code, *@why on failure */
static int from_text(const char *text, struct tv_session **out, const char **why)
{
	struct tv_json_parser *p = tv_json_parser_create();
	struct tv_strbuf b;
	struct tv_jv root;
	int r;

	assert_non_null(p);
	tv_strbuf_init(&b);
	assert_int_equal(tv_strbuf_puts(&b, text), 0);
	r = tv_json_parse(p, b.p, b.len, &root, NULL);
	if (r != 0) {
		fail_msg("test JSON does not parse: %s", text);
	}
	*out = NULL;
	*why = NULL;
	r = tv_session_from_json(&root, out, why);
	tv_strbuf_finish(&b);
	tv_json_parser_destroy(p);
	return r;
}

static void test_create_destroy(void **state)
{
	struct tv_session *s = tv_session_create();

	(void)state;
	assert_non_null(s);
	assert_null(s->id);
	assert_int_equal(s->start_time, TV_NONE);
	assert_int_equal(s->end_time, TV_NONE);
	assert_int_equal(s->duration, TV_NONE);
	assert_int_equal(s->success, -1);
	assert_false(s->has_error);
	assert_int_equal(s->usage.input_tokens, TV_NONE);
	assert_int_equal(s->usage.total_tokens, TV_NONE);
	assert_true(isnan(s->usage.cost_usd));
	assert_int_equal(s->n_turns, 0);
	assert_int_equal(s->n_models, 0);
	tv_session_destroy(s);
	tv_session_destroy(NULL);
}

static void test_add_parts(void **state)
{
	struct tv_session *s = tv_session_create();
	struct tv_turn *t;
	struct tv_llm_call *c;
	struct tv_tool_call *k;

	(void)state;
	assert_non_null(s);
	t = tv_session_add_turn(s);
	assert_non_null(t);
	assert_int_equal(s->n_turns, 1);
	assert_null(t->id);
	assert_int_equal(t->start_time, TV_NONE);
	assert_int_equal(t->duration, TV_NONE);
	assert_int_equal(t->success, -1);
	c = tv_turn_add_llm(t);
	assert_non_null(c);
	assert_int_equal(t->n_llm, 1);
	assert_int_equal(c->time, TV_NONE);
	assert_int_equal(c->duration, TV_NONE);
	assert_int_equal(c->status, TV_STATUS_NONE);
	assert_int_equal(c->status_code, TV_NONE);
	assert_int_equal(c->input_tokens, TV_NONE);
	assert_int_equal(c->cache_hit, -1);
	k = tv_turn_add_tool(t);
	assert_non_null(k);
	assert_int_equal(t->n_tools, 1);
	assert_int_equal(k->time, TV_NONE);
	assert_int_equal(k->success, -1);
	assert_null(k->args_json);
	/* many of each: the arrays grow and keep their contents */
	for (int i = 0; i < 100; i++) {
		t = tv_session_add_turn(s);
		assert_non_null(t);
		set(&t->prompt, "p");
		for (int j = 0; j < 10; j++) {
			c = tv_turn_add_llm(t);
			assert_non_null(c);
			c->input_tokens = j;
			k = tv_turn_add_tool(t);
			assert_non_null(k);
			set(&k->name, "tool");
		}
	}
	assert_int_equal(s->n_turns, 101);
	assert_int_equal(s->turns[100].n_llm, 10);
	assert_int_equal(s->turns[100].llm[9].input_tokens, 9);
	assert_string_equal(s->turns[50].tools[3].name, "tool");
	tv_session_destroy(s);
}

static void test_models_events_kv(void **state)
{
	struct tv_session *s = tv_session_create();

	(void)state;
	assert_non_null(s);
	assert_int_equal(tv_session_add_model(s, "b-model", 7), 0);
	assert_int_equal(tv_session_add_model(s, "a-modelXXX", 7), 0);
	assert_int_equal(tv_session_add_model(s, "b-model", 7), 0);
	assert_int_equal(s->n_models, 2);
	assert_string_equal(s->models[0], "b-model");
	assert_string_equal(s->models[1], "a-model");
	assert_int_equal(tv_session_add_event(s, "{\"a\":1}", 7), 0);
	assert_int_equal(s->n_events, 1);
	assert_string_equal(s->events[0], "{\"a\":1}");
	assert_int_equal(tv_kvlist_set(&s->metadata, "k", 1, "1", 1), 0);
	assert_int_equal(tv_kvlist_set(&s->metadata, "k2xx", 2, "[]", 2), 0);
	assert_int_equal(tv_kvlist_set(&s->metadata, "k", 1, "\"v\"", 3), 0);
	assert_int_equal(s->metadata.n, 2);
	assert_string_equal(tv_kvlist_find(&s->metadata, "k"), "\"v\"");
	assert_string_equal(tv_kvlist_find(&s->metadata, "k2"), "[]");
	assert_null(tv_kvlist_find(&s->metadata, "k2xx"));
	assert_null(tv_kvlist_find(&s->metadata, "missing"));
	set(&s->user, "first");
	set(&s->user, "second");
	assert_string_equal(s->user, "second");
	tv_session_destroy(s);
}

/* ---- finalize ---- */

static void test_finalize_empty(void **state)
{
	struct tv_session *s = tv_session_create();

	(void)state;
	set(&s->id, "e");
	tv_session_finalize(s);
	assert_int_equal(s->start_time, TV_NONE);
	assert_int_equal(s->end_time, TV_NONE);
	assert_int_equal(s->duration, TV_NONE);
	assert_int_equal(s->success, -1);
	assert_false(s->has_error);
	assert_int_equal(s->usage.input_tokens, TV_NONE);
	assert_int_equal(s->usage.total_tokens, TV_NONE);
	assert_int_equal(s->n_models, 0);
	tv_session_destroy(s);
}

static void test_finalize_times(void **state)
{
	struct tv_session *s = tv_session_create();
	struct tv_turn *t;
	struct tv_llm_call *c;
	struct tv_tool_call *k;

	(void)state;
	t = tv_session_add_turn(s);
	c = tv_turn_add_llm(t);
	c->time = T0 + 1 * SEC;
	c->duration = 2 * SEC; /* ends at +3 s */
	k = tv_turn_add_tool(t);
	k->time = T0 + 4 * SEC;
	k->duration = 500 * MS; /* ends at +4.5 s */
	t = tv_session_add_turn(s);
	t->start_time = T0 + 10 * SEC; /* given: kept */
	c = tv_turn_add_llm(t);
	c->time = T0 + 9 * SEC; /* before the turn's own start */
	c->duration = 3 * SEC;
	t = tv_session_add_turn(s); /* nothing timed */
	tv_session_finalize(s);

	assert_int_equal(s->turns[0].start_time, T0 + 1 * SEC);
	assert_int_equal(s->turns[0].end_time, T0 + 4500 * MS);
	assert_int_equal(s->turns[0].duration, 3500 * MS);
	assert_int_equal(s->turns[1].start_time, T0 + 10 * SEC);
	assert_int_equal(s->turns[1].end_time, T0 + 12 * SEC);
	assert_int_equal(s->turns[1].duration, 2 * SEC);
	assert_int_equal(s->turns[2].start_time, TV_NONE);
	assert_int_equal(s->turns[2].end_time, TV_NONE);
	assert_int_equal(s->turns[2].duration, TV_NONE);
	assert_int_equal(s->start_time, T0 + 1 * SEC);
	assert_int_equal(s->end_time, T0 + 12 * SEC);
	assert_int_equal(s->duration, 11 * SEC);
	tv_session_destroy(s);
}

static void test_finalize_keeps_given(void **state)
{
	struct tv_session *s = tv_session_create();
	struct tv_turn *t;
	struct tv_llm_call *c;

	(void)state;
	s->start_time = T0 - 5 * SEC;
	s->duration = 99 * SEC;
	s->success = 1;
	t = tv_session_add_turn(s);
	t->success = 1;
	t->duration = 7 * SEC;
	c = tv_turn_add_llm(t);
	c->time = T0;
	c->duration = SEC;
	c->status = TV_STATUS_ERROR;
	tv_session_finalize(s);
	assert_int_equal(s->start_time, T0 - 5 * SEC);
	assert_int_equal(s->end_time, T0 + SEC);
	assert_int_equal(s->duration, 99 * SEC);
	assert_int_equal(s->success, 1);
	assert_false(s->has_error);
	assert_int_equal(t->success, 1);
	assert_int_equal(t->duration, 7 * SEC);
	tv_session_destroy(s);
}

/* a turn's success is the status of its last answered llm call */
static void test_finalize_turn_success(void **state)
{
	static const struct {
		enum tv_status st[3];
		size_t n;
		int want;
	} cases[] = {
		{ { TV_STATUS_OK }, 1, 1 },
		{ { TV_STATUS_ERROR }, 1, 0 },
		{ { TV_STATUS_TIMEOUT }, 1, 0 },
		{ { TV_STATUS_ERROR, TV_STATUS_OK }, 2, 1 }, /* retried and succeeded */
		{ { TV_STATUS_OK, TV_STATUS_ERROR }, 2, 0 },
		{ { TV_STATUS_OK, TV_STATUS_NONE }, 2, 1 }, /* unanswered call ignored */
		{ { TV_STATUS_ERROR, TV_STATUS_NONE, TV_STATUS_NONE }, 3, 0 },
		{ { TV_STATUS_NONE }, 1, -1 },
		{ { TV_STATUS_NONE }, 0, -1 }, /* no llm calls */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tv_session *s = tv_session_create();
		struct tv_turn *t = tv_session_add_turn(s);

		for (size_t j = 0; j < cases[i].n; j++) {
			tv_turn_add_llm(t)->status = cases[i].st[j];
		}
		tv_session_finalize(s);
		if (s->turns[0].success != cases[i].want) {
			fail_msg("case %zu: turn success %d, want %d", i, s->turns[0].success,
				 cases[i].want);
		}
		assert_int_equal(s->success, cases[i].want);
		tv_session_destroy(s);
	}
}

static void test_finalize_session_success(void **state)
{
	struct tv_session *s;

	(void)state;
	/* ok, unknown, ok: true */
	s = tv_session_create();
	tv_turn_add_llm(tv_session_add_turn(s))->status = TV_STATUS_OK;
	tv_session_add_turn(s);
	tv_turn_add_llm(tv_session_add_turn(s))->status = TV_STATUS_OK;
	tv_session_finalize(s);
	assert_int_equal(s->success, 1);
	assert_false(s->has_error);
	tv_session_destroy(s);
	/* ok then failed: false */
	s = tv_session_create();
	tv_turn_add_llm(tv_session_add_turn(s))->status = TV_STATUS_OK;
	tv_turn_add_llm(tv_session_add_turn(s))->status = TV_STATUS_ERROR;
	tv_session_finalize(s);
	assert_int_equal(s->success, 0);
	assert_true(s->has_error);
	tv_session_destroy(s);
	/* a turn marked failed by its reader counts even without llm calls */
	s = tv_session_create();
	tv_session_add_turn(s)->success = 0;
	tv_session_finalize(s);
	assert_int_equal(s->success, 0);
	assert_false(s->has_error); /* no failed llm call to describe */
	tv_session_destroy(s);
}

static void test_finalize_error(void **state)
{
	struct tv_session *s = tv_session_create();
	struct tv_turn *t;
	struct tv_llm_call *c;

	(void)state;
	t = tv_session_add_turn(s);
	c = tv_turn_add_llm(t);
	c->status = TV_STATUS_OK;
	t = tv_session_add_turn(s);
	c = tv_turn_add_llm(t);
	c->status = TV_STATUS_ERROR;
	set(&c->error, "first failure");
	c = tv_turn_add_llm(t);
	c->status = TV_STATUS_ERROR;
	set(&c->error, "429 Too Many Requests");
	c = tv_turn_add_llm(t);
	c->status = TV_STATUS_NONE;
	tv_session_finalize(s);
	assert_int_equal(s->success, 0);
	assert_true(s->has_error);
	assert_non_null(s->error_type);
	assert_string_equal(s->error_type, "llm_error");
	assert_non_null(s->error_message);
	assert_string_equal(s->error_message, "429 Too Many Requests");
	tv_session_destroy(s);
}

static void test_finalize_error_timeout(void **state)
{
	struct tv_session *s = tv_session_create();
	struct tv_turn *t = tv_session_add_turn(s);
	struct tv_llm_call *c;

	(void)state;
	c = tv_turn_add_llm(t);
	c->status = TV_STATUS_ERROR;
	set(&c->error, "500");
	c = tv_turn_add_llm(t);
	c->status = TV_STATUS_TIMEOUT; /* no message */
	tv_session_finalize(s);
	assert_true(s->has_error);
	assert_string_equal(s->error_type, "timeout");
	assert_null(s->error_message);
	tv_session_destroy(s);
}

/* an error the reader set is not replaced */
static void test_finalize_error_given(void **state)
{
	struct tv_session *s = tv_session_create();
	struct tv_llm_call *c;

	(void)state;
	s->has_error = true;
	set(&s->error_type, "crash");
	c = tv_turn_add_llm(tv_session_add_turn(s));
	c->status = TV_STATUS_ERROR;
	set(&c->error, "other");
	tv_session_finalize(s);
	assert_string_equal(s->error_type, "crash");
	assert_null(s->error_message);
	tv_session_destroy(s);
}

static void test_finalize_usage(void **state)
{
	struct tv_session *s = tv_session_create();
	struct tv_turn *t;
	struct tv_llm_call *c;

	(void)state;
	t = tv_session_add_turn(s);
	c = tv_turn_add_llm(t);
	c->input_tokens = 100;
	c->output_tokens = 20;
	c->cached_tokens = 50;
	c->total_tokens = 125; /* given: used as is */
	c = tv_turn_add_llm(t);
	c->input_tokens = 10;
	c->output_tokens = 5;
	c->thinking_tokens = 7; /* no total: in + out + thinking */
	t = tv_session_add_turn(s);
	c = tv_turn_add_llm(t); /* nothing known: adds nothing */
	c = tv_turn_add_llm(t);
	c->output_tokens = 1;
	tv_session_finalize(s);
	assert_int_equal(s->usage.input_tokens, 110);
	assert_int_equal(s->usage.output_tokens, 26);
	assert_int_equal(s->usage.cached_tokens, 50);
	assert_int_equal(s->usage.thinking_tokens, 7);
	assert_int_equal(s->usage.total_tokens, 125 + 22 + 1);
	assert_true(isnan(s->usage.cost_usd));
	tv_session_destroy(s);
}

static void test_finalize_usage_given(void **state)
{
	struct tv_session *s = tv_session_create();
	struct tv_llm_call *c;

	(void)state;
	s->usage.input_tokens = 1;
	c = tv_turn_add_llm(tv_session_add_turn(s));
	c->input_tokens = 100;
	c->output_tokens = 100;
	tv_session_finalize(s);
	assert_int_equal(s->usage.input_tokens, 1);
	assert_int_equal(s->usage.output_tokens, TV_NONE);
	tv_session_destroy(s);
}

static void test_finalize_models(void **state)
{
	static const char *const names[] = {
		"gemini-2.5-pro", "gemini-2.5-flash", NULL,
		"gemini-2.5-pro", "claude",	      "gemini-2.5-flash"
	};
	struct tv_session *s = tv_session_create();
	struct tv_turn *t;

	(void)state;
	assert_int_equal(tv_session_add_model(s, "zeta", 4), 0);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct tv_llm_call *c;

		t = i % 2 ? &s->turns[s->n_turns - 1] : tv_session_add_turn(s);
		c = tv_turn_add_llm(t);
		if (names[i]) {
			set(&c->model, names[i]);
		}
	}
	tv_session_finalize(s);
	assert_int_equal(s->n_models, 4);
	assert_string_equal(s->models[0], "claude");
	assert_string_equal(s->models[1], "gemini-2.5-flash");
	assert_string_equal(s->models[2], "gemini-2.5-pro");
	assert_string_equal(s->models[3], "zeta");
	tv_session_destroy(s);
}

/* ---- writer ---- */

static struct tv_session *small_session(void)
{
	struct tv_session *s = tv_session_create();
	struct tv_turn *t;
	struct tv_llm_call *c;
	struct tv_tool_call *k;

	assert_non_null(s);
	set(&s->id, "s1");
	set(&s->source_format, "otlp");
	set(&s->source_service, "gemini-cli");
	set(&s->source_file, "in.jsonl");
	set(&s->user, "u@example.com");
	t = tv_session_add_turn(s);
	set(&t->id, "p1");
	set(&t->prompt, "hello");
	set(&t->output, "world");
	c = tv_turn_add_llm(t);
	c->time = T0;
	set(&c->model, "gemini-2.5-pro");
	c->duration = 1500 * MS;
	c->status = TV_STATUS_OK;
	c->status_code = 200;
	c->input_tokens = 10;
	c->output_tokens = 5;
	c->cached_tokens = 2;
	c->thinking_tokens = 3;
	c->total_tokens = 18;
	set(&c->finish_reason, "STOP");
	k = tv_turn_add_tool(t);
	k->time = T0 + 2 * SEC;
	set(&k->name, "read_file");
	set(&k->args_json, "{\"path\":\"/x\"}");
	k->duration = 250 * MS;
	k->success = 1;
	set(&k->decision, "accept");
	set(&k->type, "native");
	return s;
}

static void test_write_null_session(void **state)
{
	struct tv_session *s = tv_session_create();

	(void)state;
	set(&s->id, "x");
	assert_line(
		s, "{\"televal\":1,\"id\":\"x\",\"source\":{\"format\":null,\"service\":null,"
		   "\"file\":null},\"start_time\":null,\"end_time\":null,\"duration_ms\":null,"
		   "\"skill\":null,\"user\":null,\"models\":[],\"success\":null,\"error\":null,"
		   "\"usage\":{\"input_tokens\":null,\"output_tokens\":null,\"cached_tokens\":null,"
		   "\"thinking_tokens\":null,\"total_tokens\":null,\"cost_usd\":null},"
		   "\"metadata\":{},\"turns\":[],\"events\":[]}\n");
	tv_session_destroy(s);
}

static void test_write_small_session(void **state)
{
	struct tv_session *s = small_session();

	(void)state;
	tv_session_finalize(s);
	assert_line(
		s,
		"{\"televal\":1,\"id\":\"s1\","
		"\"source\":{\"format\":\"otlp\",\"service\":\"gemini-cli\",\"file\":\"in.jsonl\"},"
		"\"start_time\":\"2025-07-01T09:00:00.000Z\","
		"\"end_time\":\"2025-07-01T09:00:02.250Z\",\"duration_ms\":2250,"
		"\"skill\":null,\"user\":\"u@example.com\",\"models\":[\"gemini-2.5-pro\"],"
		"\"success\":true,\"error\":null,"
		"\"usage\":{\"input_tokens\":10,\"output_tokens\":5,\"cached_tokens\":2,"
		"\"thinking_tokens\":3,\"total_tokens\":18,\"cost_usd\":null},"
		"\"metadata\":{},"
		"\"turns\":[{\"id\":\"p1\",\"prompt\":\"hello\",\"output\":\"world\","
		"\"start_time\":\"2025-07-01T09:00:00.000Z\","
		"\"end_time\":\"2025-07-01T09:00:02.250Z\",\"duration_ms\":2250,\"success\":true,"
		"\"llm_calls\":[{\"time\":\"2025-07-01T09:00:00.000Z\",\"model\":\"gemini-2.5-pro\","
		"\"duration_ms\":1500,\"status\":\"ok\",\"status_code\":200,\"input_tokens\":10,"
		"\"output_tokens\":5,\"cached_tokens\":2,\"thinking_tokens\":3,\"total_tokens\":18,"
		"\"cache_hit\":null,\"finish_reason\":\"STOP\",\"error\":null}],"
		"\"tool_calls\":[{\"time\":\"2025-07-01T09:00:02.000Z\",\"name\":\"read_file\","
		"\"args\":{\"path\":\"/x\"},\"duration_ms\":250,\"success\":true,"
		"\"decision\":\"accept\",\"error\":null,\"type\":\"native\"}]}],"
		"\"events\":[]}\n");
	tv_session_destroy(s);
}

static void test_write_optional_members(void **state)
{
	struct tv_session *s = tv_session_create();
	struct tv_llm_call *c;
	struct tv_turn *t;

	(void)state;
	set(&s->id, "o");
	s->has_error = true;
	set(&s->error_type, "llm_error");
	s->usage.cost_usd = 0.0125;
	kv(&s->metadata, "b", "{\"x\":[1]}");
	kv(&s->metadata, "a", "2");
	kv(&s->extra, "sampling", "{\"rate\":0.5}");
	assert_int_equal(tv_session_add_event(s, "{\"e\":1}", 7), 0);
	assert_int_equal(tv_session_add_event(s, "[2]", 3), 0);
	t = tv_session_add_turn(s);
	kv(&t->extra, "tx", "true");
	c = tv_turn_add_llm(t);
	c->status = TV_STATUS_TIMEOUT;
	c->cache_hit = 0;
	set(&c->request_text, "req \"q\"");
	set(&c->response_text, "");
	kv(&c->extra, "cx", "null");
	assert_line(
		s,
		"{\"televal\":1,\"id\":\"o\",\"source\":{\"format\":null,\"service\":null,"
		"\"file\":null},\"start_time\":null,\"end_time\":null,\"duration_ms\":null,"
		"\"skill\":null,\"user\":null,\"models\":[],\"success\":null,"
		"\"error\":{\"type\":\"llm_error\",\"message\":null},"
		"\"usage\":{\"input_tokens\":null,\"output_tokens\":null,\"cached_tokens\":null,"
		"\"thinking_tokens\":null,\"total_tokens\":null,\"cost_usd\":0.0125},"
		"\"metadata\":{\"b\":{\"x\":[1]},\"a\":2},"
		"\"turns\":[{\"id\":null,\"prompt\":null,\"output\":null,\"start_time\":null,"
		"\"end_time\":null,\"duration_ms\":null,\"success\":null,"
		"\"llm_calls\":[{\"time\":null,\"model\":null,\"duration_ms\":null,"
		"\"status\":\"timeout\",\"status_code\":null,\"input_tokens\":null,"
		"\"output_tokens\":null,\"cached_tokens\":null,\"thinking_tokens\":null,"
		"\"total_tokens\":null,\"cache_hit\":false,\"finish_reason\":null,\"error\":null,"
		"\"request_text\":\"req \\\"q\\\"\",\"response_text\":\"\",\"cx\":null}],"
		"\"tool_calls\":[],\"tx\":true}],"
		"\"events\":[{\"e\":1},[2]],\"sampling\":{\"rate\":0.5}}\n");
	tv_session_destroy(s);
}

/* a rich session: every kind of member, escapes, unicode, sub-ms times */
static struct tv_session *rich_session(void)
{
	struct tv_session *s = small_session();
	struct tv_turn *t;
	struct tv_llm_call *c;
	struct tv_tool_call *k;
	const char *ev;

	set(&s->skill, "refactor");
	s->usage.cost_usd = 0.1 + 0.2;
	kv(&s->metadata, "resource", "{\"service.name\":\"gemini-cli\",\"n\":3}");
	kv(&s->metadata, "interactive", "true");
	kv(&s->extra, "redaction", "{\"counts\":{\"email\":2}}");
	ev = "{\"name\":\"gemini_cli.user_prompt\",\"n\":1}";
	assert_int_equal(tv_session_add_event(s, ev, strlen(ev)), 0);
	t = tv_session_add_turn(s);
	set(&t->id, "p2");
	set(&t->prompt, "line1\nline2\t\"quoted\" caf\xc3\xa9 \xe2\x82\xac \\ \x01");
	kv(&t->extra, "x-turn", "[1,\"two\",{}]");
	c = tv_turn_add_llm(t);
	c->time = T0 + 5 * SEC + 123456789;
	set(&c->model, "gemini-2.5-flash");
	c->duration = 1234567; /* 1.234567 ms */
	c->status = TV_STATUS_ERROR;
	c->status_code = 429;
	set(&c->error, "Resource exhausted");
	c->cache_hit = 1;
	set(&c->request_text, "[{\"role\":\"user\"}]");
	set(&c->response_text, "");
	kv(&c->extra, "x-llm", "{\"a\":null}");
	c = tv_turn_add_llm(t);
	c->time = T0 + 7 * SEC + 1000;
	c->status = TV_STATUS_TIMEOUT;
	k = tv_turn_add_tool(t);
	set(&k->name, "run_shell_command");
	set(&k->args_json, "{\"command\":\"ls -la\",\"n\":[1,2,3],\"o\":{\"deep\":true}}");
	k->success = 0;
	set(&k->decision, "reject");
	set(&k->error, "denied");
	set(&k->type, "mcp");
	kv(&k->extra, "x-tool", "\"s\"");
	k = tv_turn_add_tool(t); /* all null */
	tv_session_finalize(s);
	return s;
}

static void round_trip(struct tv_session *s)
{
	struct tv_session *back;
	const char *why;
	char *one, *two;
	int r;

	one = write_str(s);
	r = from_text(one, &back, &why);
	if (r != 0) {
		fail_msg("from_json = %d (%s) for %s", r, why ? why : "?", one);
	}
	assert_non_null(back);
	two = write_str(back);
	r = strcmp(one, two);
	if (r != 0) {
		print_error("round trip differs\nfirst  %s\nsecond %s", one, two);
	}
	free(one);
	free(two);
	tv_session_destroy(back);
	if (r != 0) {
		fail();
	}
}

static void test_round_trip_small(void **state)
{
	struct tv_session *s = small_session();

	(void)state;
	tv_session_finalize(s);
	round_trip(s);
	tv_session_destroy(s);
}

static void test_round_trip_rich(void **state)
{
	struct tv_session *s = rich_session();

	(void)state;
	assert_true(s->has_error);
	round_trip(s);
	tv_session_destroy(s);
}

static void test_round_trip_unfinalized(void **state)
{
	struct tv_session *s = tv_session_create();

	(void)state;
	set(&s->id, "bare");
	round_trip(s);
	tv_session_destroy(s);
	s = small_session(); /* not finalized: nulls where finalize would fill */
	round_trip(s);
	tv_session_destroy(s);
}

/* durations are written in ms with up to 6 decimals: they must read back exactly */
static void test_round_trip_durations(void **state)
{
	static const int64_t d[] = {
		0,
		1,
		999,
		1000,
		1234567,
		-5 * MS,
		86400 * SEC + 1,
		INT64_C(9007199254740993),     /* 2^53 + 1 ns, about 104 days */
		200 * 86400 * SEC + 123456789, /* 200 days and a bit */
		INT64_C(9000000000000) * MS,   /* 9e12 ms: refused by the reader before */
		INT64_MAX,		       /* the longest: written rounded up to a whole ms */
		-INT64_MAX,
	};
	int bad = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
		struct tv_session *s = tv_session_create();
		struct tv_session *back;
		const char *why;
		char *line;

		set(&s->id, "d");
		s->duration = d[i];
		line = write_str(s);
		assert_int_equal(from_text(line, &back, &why), 0);
		/*
		 * Exact below 2^53 ns (about 104 days); beyond, whole milliseconds are
		 * written (a double cannot carry the fraction), and the text is stable.
		 */
		if (d[i] < (INT64_C(1) << 53) ? back->duration != d[i]
					      : llabs(back->duration - d[i]) > 500000) {
			print_error("duration %lld ns read back as %lld from %s", (long long)d[i],
				    (long long)back->duration, line);
			bad++;
		} else {
			char *again = write_str(back);

			if (strcmp(again, line) != 0) {
				print_error("not byte-identical: %s then %s", line, again);
				bad++;
			}
			free(again);
		}
		free(line);
		tv_session_destroy(back);
		tv_session_destroy(s);
	}
	if (bad) {
		fail();
	}
}

/* the fields read back are the fields written */
static void test_from_json_fields(void **state)
{
	struct tv_session *s = rich_session(), *b;
	const char *why;
	char *line = write_str(s);

	(void)state;
	assert_int_equal(from_text(line, &b, &why), 0);
	assert_string_equal(b->id, "s1");
	assert_string_equal(b->source_format, "otlp");
	assert_string_equal(b->skill, "refactor");
	assert_int_equal(b->start_time, s->start_time);
	assert_int_equal(b->end_time, s->end_time);
	assert_int_equal(b->duration, s->duration);
	assert_int_equal(b->success, 0);
	assert_true(b->has_error);
	assert_string_equal(b->error_type, s->error_type);
	assert_true(b->usage.cost_usd == 0.1 + 0.2);
	assert_int_equal(b->n_models, 2);
	assert_int_equal(b->n_turns, 2);
	assert_string_equal(b->turns[1].prompt, s->turns[1].prompt);
	assert_int_equal(b->turns[1].llm[0].time, T0 + 5 * SEC + 123456789);
	assert_int_equal(b->turns[1].llm[0].duration, 1234567);
	assert_int_equal(b->turns[1].llm[0].status, TV_STATUS_ERROR);
	assert_int_equal(b->turns[1].llm[0].status_code, 429);
	assert_int_equal(b->turns[1].llm[0].cache_hit, 1);
	assert_int_equal(b->turns[1].llm[1].status, TV_STATUS_TIMEOUT);
	assert_string_equal(b->turns[1].tools[0].args_json, s->turns[1].tools[0].args_json);
	assert_int_equal(b->turns[1].tools[0].success, 0);
	assert_null(b->turns[1].tools[1].args_json);
	assert_int_equal(b->n_events, 1);
	free(line);
	tv_session_destroy(b);
	tv_session_destroy(s);
}

static void test_from_json_unknown_members(void **state)
{
	struct tv_session *s;
	const char *why;
	const char *text =
		"{\"televal\":1,\"id\":\"u\",\"sampling\":{\"rate\":0.05,\"seed\":7},"
		"\"zzz\":[1, 2],"
		"\"turns\":[{\"prompt\":\"p\",\"custom\":\"c\",\"llm_calls\":[{\"status\":\"ok\","
		"\"latency_p\":  5}],\"tool_calls\":[{\"name\":\"t\",\"mcp_server\":\"srv\"}]}]}";

	(void)state;
	assert_int_equal(from_text(text, &s, &why), 0);
	assert_int_equal(s->extra.n, 2);
	assert_string_equal(tv_kvlist_find(&s->extra, "sampling"), "{\"rate\":0.05,\"seed\":7}");
	assert_string_equal(tv_kvlist_find(&s->extra, "zzz"), "[1,2]");
	assert_string_equal(tv_kvlist_find(&s->turns[0].extra, "custom"), "\"c\"");
	assert_string_equal(tv_kvlist_find(&s->turns[0].llm[0].extra, "latency_p"), "5");
	assert_string_equal(tv_kvlist_find(&s->turns[0].tools[0].extra, "mcp_server"), "\"srv\"");
	/* absent members stay null */
	assert_null(s->source_format);
	assert_int_equal(s->start_time, TV_NONE);
	assert_int_equal(s->success, -1);
	tv_session_destroy(s);
	/* a kept name is a C string: one holding a NUL would be written cut short */
	assert_true(from_text("{\"televal\":1,\"id\":\"u\",\"turns\":[{\"llm_calls\":"
			      "[{\"status\\u0000\":\"error\"}]}]}",
			      &s, &why) < 0);
	assert_non_null(strstr(why, "NUL"));
	assert_true(from_text("{\"televal\":1,\"id\":\"u\",\"models\":[\"\\u00001-mini\"]}", &s,
			      &why) < 0);
	assert_non_null(strstr(why, "NUL"));
}

/* integral numbers written as doubles are accepted where integers are expected */
static void test_from_json_lenient_numbers(void **state)
{
	struct tv_session *s;
	const char *why;

	(void)state;
	assert_int_equal(from_text("{\"televal\":1,\"id\":\"n\",\"usage\":{\"input_tokens\":3.0},"
				   "\"duration_ms\":2}",
				   &s, &why),
			 0);
	assert_int_equal(s->usage.input_tokens, 3);
	assert_int_equal(s->duration, 2 * MS);
	tv_session_destroy(s);
}

static void check_type_error(const char *text)
{
	struct tv_session *s = NULL;
	const char *why = NULL;
	int r = from_text(text, &s, &why);

	if (r != -TV_ETYPE) {
		fail_msg("from_json(%s) = %d, want -TV_ETYPE", text, r);
	}
	if (why == NULL || why[0] == '\0') {
		fail_msg("from_json(%s): no message", text);
	}
}

static void test_from_json_type_errors(void **state)
{
	static const char *const bad[] = {
		"[]",
		"\"session\"",
		"{\"televal\":1,\"id\":5}",
		"{\"televal\":1,\"id\":\"x\",\"source\":\"otlp\"}",
		"{\"televal\":1,\"id\":\"x\",\"source\":{\"format\":1}}",
		"{\"televal\":1,\"id\":\"x\",\"start_time\":\"yesterday\"}",
		"{\"televal\":1,\"id\":\"x\",\"start_time\":1751360400}",
		"{\"televal\":1,\"id\":\"x\",\"end_time\":true}",
		"{\"televal\":1,\"id\":\"x\",\"duration_ms\":\"5\"}",
		"{\"televal\":1,\"id\":\"x\",\"skill\":[]}",
		"{\"televal\":1,\"id\":\"x\",\"models\":\"m\"}",
		"{\"televal\":1,\"id\":\"x\",\"models\":[1]}",
		"{\"televal\":1,\"id\":\"x\",\"success\":\"yes\"}",
		"{\"televal\":1,\"id\":\"x\",\"success\":1}",
		"{\"televal\":1,\"id\":\"x\",\"error\":\"boom\"}",
		"{\"televal\":1,\"id\":\"x\",\"error\":{\"type\":3}}",
		"{\"televal\":1,\"id\":\"x\",\"usage\":[]}",
		"{\"televal\":1,\"id\":\"x\",\"usage\":{\"input_tokens\":1.5}}",
		"{\"televal\":1,\"id\":\"x\",\"usage\":{\"total_tokens\":\"9\"}}",
		"{\"televal\":1,\"id\":\"x\",\"usage\":{\"cost_usd\":\"cheap\"}}",
		"{\"televal\":1,\"id\":\"x\",\"metadata\":[]}",
		"{\"televal\":1,\"id\":\"x\",\"turns\":{}}",
		"{\"televal\":1,\"id\":\"x\",\"turns\":[1]}",
		"{\"televal\":1,\"id\":\"x\",\"turns\":[{\"prompt\":7}]}",
		"{\"televal\":1,\"id\":\"x\",\"turns\":[{\"success\":\"no\"}]}",
		"{\"televal\":1,\"id\":\"x\",\"turns\":[{\"llm_calls\":{}}]}",
		"{\"televal\":1,\"id\":\"x\",\"turns\":[{\"llm_calls\":[\"c\"]}]}",
		"{\"televal\":1,\"id\":\"x\",\"turns\":[{\"llm_calls\":[{\"status\":\"weird\"}]}]}",
		"{\"televal\":1,\"id\":\"x\",\"turns\":[{\"llm_calls\":[{\"status\":1}]}]}",
		"{\"televal\":1,\"id\":\"x\",\"turns\":[{\"llm_calls\":[{\"model\":{}}]}]}",
		"{\"televal\":1,\"id\":\"x\",\"turns\":[{\"llm_calls\":[{\"time\":\"t\"}]}]}",
		"{\"televal\":1,\"id\":\"x\",\"turns\":[{\"llm_calls\":[{\"cache_hit\":0}]}]}",
		"{\"televal\":1,\"id\":\"x\",\"turns\":[{\"tool_calls\":[{\"success\":1}]}]}",
		"{\"televal\":1,\"id\":\"x\",\"turns\":[{\"tool_calls\":[{\"duration_ms\":\"1\"}]}]}",
		"{\"televal\":1,\"id\":\"x\",\"turns\":[{\"tool_calls\":[3]}]}",
		"{\"televal\":1,\"id\":\"x\",\"events\":{}}",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		check_type_error(bad[i]);
	}
}

static void check_why(const char *text, const char *want_why)
{
	struct tv_session *s = NULL;
	const char *why = NULL;

	assert_int_equal(from_text(text, &s, &why), -TV_ETYPE);
	assert_non_null(why);
	if (strstr(why, want_why) == NULL) {
		fail_msg("from_json(%s): message \"%s\" lacks \"%s\"", text, why, want_why);
	}
}

static void test_from_json_messages(void **state)
{
	(void)state;
	check_why("{\"televal\":1,\"id\":5}", "id is not a string");
	check_why("{\"televal\":1,\"id\":\"x\",\"start_time\":\"yesterday\"}",
		  "start_time is not a timestamp");
	check_why(
		"{\"televal\":1,\"id\":\"x\",\"turns\":[{\"llm_calls\":[{\"status\":\"weird\"}]}]}",
		"llm_call.status");
	check_why("{\"televal\":1,\"id\":\"x\",\"usage\":{\"cost_usd\":\"cheap\"}}",
		  "usage.cost_usd");
	check_why("{\"televal\":1}", "no id");
}

/* a time outside what int64 nanoseconds hold is refused by name, not wrapped */
static void test_from_json_time_range(void **state)
{
	(void)state;
	check_why("{\"televal\":1,\"id\":\"x\",\"start_time\":\"2300-01-01T00:00:00.000Z\"}",
		  "outside the range televal holds (1677-09-21");
	check_why(
		"{\"televal\":1,\"id\":\"x\",\"turns\":[{\"end_time\":\"1600-01-01T00:00:00Z\"}]}",
		"outside the range televal holds");
	check_why("{\"televal\":1,\"id\":\"x\",\"duration_ms\":9223372036856}", "duration_ms");
}

/*
 * A session from 1700 to 2025 lasts longer than int64 nanoseconds hold: its
 * duration is unknown (not 0, not wrapped), and every written session reads
 * back to the same bytes, at both ends of the range.
 */
static void test_finalize_time_range(void **state)
{
	static const int64_t ends[][2] = {
		{ -INT64_C(8520336000) * SEC, T0 },	/* 1700 to 2025 */
		{ INT64_MIN + 1, INT64_MAX },		/* the earliest and the latest */
		{ INT64_MAX - SEC, INT64_MAX },		/* the last second */
		{ INT64_MIN + 1, INT64_MIN + 1 + SEC }, /* the first one */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(ends) / sizeof(ends[0]); i++) {
		struct tv_session *s = tv_session_create();
		struct tv_turn *t;
		struct tv_llm_call *c;
		bool longer = tv_time_diff(ends[i][1], ends[i][0]) == TV_NONE;

		set(&s->id, "range");
		t = tv_session_add_turn(s);
		c = tv_turn_add_llm(t);
		c->time = ends[i][0];
		c->duration = tv_time_diff(ends[i][1], ends[i][0]);
		t->end_time = ends[i][1];
		tv_session_finalize(s);
		assert_int_equal(s->start_time, ends[i][0]);
		assert_int_equal(s->end_time, ends[i][1]);
		assert_int_equal(s->duration, longer ? TV_NONE : ends[i][1] - ends[i][0]);
		assert_int_equal(t->duration, s->duration);
		round_trip(s);
		tv_session_destroy(s);
	}
}

/*
 * Sub-agents: written after tool_calls, only when a turn has some (so an
 * older canonical line reads and writes back unchanged), read back to the
 * same bytes; a call made by one names it in its agent_id.
 */
static void test_agents_round_trip(void **state)
{
	static const char *const old_line =
		"{\"televal\":1,\"id\":\"old\",\"turns\":[{\"id\":\"t\",\"llm_calls\":[],"
		"\"tool_calls\":[],\"x\":1}]}";
	struct tv_session *s = tv_session_create(), *back;
	struct tv_turn *t;
	struct tv_agent *a;
	struct tv_llm_call *c;
	const char *why;
	char *line;

	(void)state;
	set(&s->id, "sub");
	t = tv_session_add_turn(s);
	set(&t->prompt, "the user's prompt");
	a = tv_turn_add_agent(t);
	set(&a->id, "b");
	set(&a->name, "checker");
	set(&a->parent_id, "a");
	a->start_time = T0 + 2 * SEC;
	a = tv_turn_add_agent(t);
	set(&a->id, "a");
	set(&a->name, "researcher");
	set(&a->instruction, "find papers on X");
	set(&a->output, "3 papers");
	a->start_time = T0 + SEC;
	a->end_time = T0 + 4 * SEC;
	a->success = 1;
	kv(&a->extra, "x-agent", "7");
	c = tv_turn_add_llm(t);
	c->time = T0 + 3 * SEC;
	assert_int_equal(tv_kvlist_set_str(&c->extra, "agent_id", "a", 1), 0);
	tv_session_finalize(s);
	/* in time order, the duration derived */
	assert_string_equal(t->agents[0].id, "a");
	assert_int_equal(t->agents[0].duration, 3 * SEC);
	line = write_str(s);
	assert_non_null(
		strstr(line, "\"tool_calls\":[],\"agents\":[{\"id\":\"a\",\"name\":"
			     "\"researcher\",\"parent_id\":null,\"instruction\":\"find papers "
			     "on X\",\"output\":\"3 papers\",\"start_time\":\"2025-07-01T09:00:"
			     "01.000Z\",\"end_time\":\"2025-07-01T09:00:04.000Z\",\"duration_ms\":"
			     "3000,\"success\":true,\"x-agent\":7},{\"id\":\"b\""));
	assert_non_null(strstr(line, "\"agent_id\":\"a\""));
	free(line);
	round_trip(s);
	tv_session_destroy(s);
	/* a line without agents writes none */
	assert_int_equal(from_text(old_line, &back, &why), 0);
	line = write_str(back);
	assert_null(strstr(line, "agents"));
	free(line);
	tv_session_destroy(back);
	check_why("{\"televal\":1,\"id\":\"x\",\"turns\":[{\"agents\":{}}]}",
		  "agents is not an array");
	check_why("{\"televal\":1,\"id\":\"x\",\"turns\":[{\"agents\":[{\"name\":3}]}]}",
		  "agent.name is not a string");
}

static void test_from_json_missing_televal_or_id(void **state)
{
	(void)state;
	check_type_error("{}");
	check_type_error("{\"id\":\"x\"}");
	check_type_error("{\"televal\":2,\"id\":\"x\"}");
	check_type_error("{\"televal\":\"1\",\"id\":\"x\"}");
	check_type_error("{\"televal\":1.5,\"id\":\"x\"}");
	check_type_error("{\"televal\":null,\"id\":\"x\"}");
	check_type_error("{\"televal\":1}");
	check_type_error("{\"televal\":1,\"id\":null}");
	check_type_error("{\"televal\":1,\"turns\":[]}");
}

/* tv_session_check_json() on @text: its return value */
static int check_text(const char *text)
{
	struct tv_json_parser *p = tv_json_parser_create();
	struct tv_strbuf b;
	struct tv_jv root;
	const char *why = NULL;
	int r;

	assert_non_null(p);
	tv_strbuf_init(&b);
	assert_int_equal(tv_strbuf_append(&b, text, strlen(text)), 0);
	assert_int_equal(tv_json_parse(p, b.p, b.len, &root, NULL), 0);
	r = tv_session_check_json(&root, &why);
	tv_strbuf_finish(&b);
	tv_json_parser_destroy(p);
	return r;
}

/* 0 when every member the schema requires is there, 1 when one is missing */
static void test_check_json_complete(void **state)
{
	static const char *const member[] = {
		"\"id\":\"x\"",	     "\"source\":null",	     "\"start_time\":null",
		"\"end_time\":null", "\"duration_ms\":null", "\"skill\":null",
		"\"user\":null",     "\"models\":[]",	     "\"success\":null",
		"\"error\":null",    "\"usage\":null",	     "\"metadata\":{\"k\":[1,{}]}",
		"\"turns\":[]",	     "\"events\":[1,\"e\"]",
	};
	const size_t n = sizeof(member) / sizeof(member[0]);
	char line[1024];

	(void)state;
	for (size_t drop = 0; drop <= n; drop++) {
		size_t len = (size_t)snprintf(line, sizeof(line), "{\"televal\":1");

		for (size_t i = 0; i < n; i++) {
			if (i != drop || i == 0) { /* an id is needed in any case */
				len += (size_t)snprintf(line + len, sizeof(line) - len, ",%s",
							member[i]);
			}
		}
		/* an unknown member and a repeated one count for nothing */
		len += (size_t)snprintf(line + len, sizeof(line) - len,
					",\"other\":1,\"id\":\"y\"}");
		assert_true(len < sizeof(line));
		assert_int_equal(check_text(line), drop == 0 || drop == n ? 0 : 1);
	}
	assert_int_equal(check_text("{\"televal\":1,\"id\":\"x\",\"metadata\":[]}"), -TV_ETYPE);
	/* the check refuses what the builder refuses: a metadata name holding a NUL */
	assert_int_equal(check_text("{\"televal\":1,\"id\":\"x\",\"metadata\":{\"a\\u0000b\":1}}"),
			 -TV_ETYPE);
}

/* events and extra members are stored minified: a second pass is stable */
static void test_from_json_minifies(void **state)
{
	struct tv_session *s;
	const char *why;
	char *line;

	(void)state;
	assert_int_equal(
		from_text("{ \"televal\" : 1 , \"id\" : \"m\" , \"events\" : [ { \"a\" : [ 1 ,"
			  " 2 ] } ] , \"metadata\" : { \"k\" : { \"x\" : 1 } } ,"
			  " \"turns\" : [ { \"tool_calls\" : [ { \"args\" : { \"p\" : \"v\" }"
			  " } ] } ] }",
			  &s, &why),
		0);
	assert_string_equal(s->events[0], "{\"a\":[1,2]}");
	assert_string_equal(tv_kvlist_find(&s->metadata, "k"), "{\"x\":1}");
	assert_string_equal(s->turns[0].tools[0].args_json, "{\"p\":\"v\"}");
	line = write_str(s);
	tv_session_destroy(s);
	assert_int_equal(from_text(line, &s, &why), 0);
	round_trip(s);
	free(line);
	tv_session_destroy(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_destroy),
		cmocka_unit_test(test_check_json_complete),
		cmocka_unit_test(test_add_parts),
		cmocka_unit_test(test_models_events_kv),
		cmocka_unit_test(test_finalize_empty),
		cmocka_unit_test(test_finalize_times),
		cmocka_unit_test(test_finalize_keeps_given),
		cmocka_unit_test(test_finalize_turn_success),
		cmocka_unit_test(test_finalize_session_success),
		cmocka_unit_test(test_finalize_error),
		cmocka_unit_test(test_finalize_error_timeout),
		cmocka_unit_test(test_finalize_error_given),
		cmocka_unit_test(test_finalize_usage),
		cmocka_unit_test(test_finalize_usage_given),
		cmocka_unit_test(test_finalize_models),
		cmocka_unit_test(test_write_null_session),
		cmocka_unit_test(test_write_small_session),
		cmocka_unit_test(test_write_optional_members),
		cmocka_unit_test(test_round_trip_small),
		cmocka_unit_test(test_round_trip_rich),
		cmocka_unit_test(test_round_trip_unfinalized),
		cmocka_unit_test(test_round_trip_durations),
		cmocka_unit_test(test_from_json_fields),
		cmocka_unit_test(test_from_json_unknown_members),
		cmocka_unit_test(test_from_json_lenient_numbers),
		cmocka_unit_test(test_from_json_type_errors),
		cmocka_unit_test(test_from_json_messages),
		cmocka_unit_test(test_from_json_time_range),
		cmocka_unit_test(test_finalize_time_range),
		cmocka_unit_test(test_agents_round_trip),
		cmocka_unit_test(test_from_json_missing_televal_or_id),
		cmocka_unit_test(test_from_json_minifies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
