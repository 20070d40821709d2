// SPDX-License-Identifier: MIT
/*
 * The Gemini CLI / Qwen Code event mapping (tv_gemini.c), driven through
 * the reader API: hand-built struct tv_record values go to tv_read_record()
 * and the sessions come out of tv_read_finish() through the emit callback.
 */
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

#include "libcommon/json/tv_json.h"
#include "libcommon/read/tv_reader.h"
#include "libcommon/model/tv_session.h"
#include "libcommon/core/tv_time.h"

#include "reader_fixture.h"

/* 2025-07-01T09:00:00Z */
#define T0 INT64_C(1751360400000000000)
#define MS TV_NS_PER_MS
#define SEC TV_NS_PER_SEC

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define STR(k, x)                                                    \
	{                                                            \
		k, sizeof(k) - 1,                                    \
		{                                                    \
			.type = TV_V_STR, .s = x, .n = sizeof(x) - 1 \
		}                                                    \
	}
#define INT(k, x)                                \
	{                                        \
		k, sizeof(k) - 1,                \
		{                                \
			.type = TV_V_INT, .i = x \
		}                                \
	}
#define BOOL(k, x)                                \
	{                                         \
		k, sizeof(k) - 1,                 \
		{                                 \
			.type = TV_V_BOOL, .b = x \
		}                                 \
	}
#define JSONV(k, x)                                                   \
	{                                                             \
		k, sizeof(k) - 1,                                     \
		{                                                     \
			.type = TV_V_JSON, .s = x, .n = sizeof(x) - 1 \
		}                                                     \
	}

static void rec_full(struct rf_run *f, int64_t t, const char *name, const struct tv_attr *a,
		     size_t n, const struct tv_attr *res, size_t nres, const char *trace_id)
{
	struct tv_record r = {
		.line = ++f->line,
		.time = t,
		.name = name,
		.name_len = name ? strlen(name) : 0,
		.attrs = a,
		.n_attrs = n,
		.res = res,
		.n_res = nres,
		.trace_id = trace_id,
		.trace_id_len = trace_id ? strlen(trace_id) : 0,
	};

	assert_int_equal(tv_read_record(f->ctx, &r), 0);
}

static void rec(struct rf_run *f, int64_t t, const char *name, const struct tv_attr *a, size_t n)
{
	rec_full(f, t, name, a, n, NULL, 0, NULL);
}

static void assert_json_eq(const char *got, const char *want)
{
	if (got == NULL || strcmp(got, want) != 0) {
		fail_msg("got %s, want %s", got ? got : "NULL", want);
	}
}

/* ---- the tests ---- */

static void test_user_prompt(void **state)
{
	struct rf_run *f = *state;
	const struct tv_attr a[] = {
		STR("session.id", "s1"),
		STR("prompt_id", "s1########0"),
		INT("prompt_length", 5),
		STR("prompt", "hello"),
		STR("auth_type", "oauth-personal"),
		STR("installation.id", "inst-1"),
		BOOL("interactive", true),
		STR("user.email", "dev@example.com"),
	};
	struct tv_session *s;
	struct tv_turn *t;

	rf_start(f, 0, false);
	rec(f, T0, "gemini_cli.user_prompt", a, N(a));
	rf_finish(f);
	assert_int_equal(f->n, 1);
	s = rf_session(f, "s1");
	assert_string_equal(s->source_service, "gemini-cli");
	assert_string_equal(s->user, "dev@example.com");
	assert_int_equal(s->n_turns, 1);
	t = &s->turns[0];
	assert_string_equal(t->id, "s1########0");
	assert_string_equal(t->prompt, "hello");
	assert_null(t->output);
	assert_int_equal(t->start_time, T0);
	assert_int_equal(t->n_llm, 0);
	assert_int_equal(s->start_time, T0);
	assert_int_equal(s->success, -1);
	assert_json_eq(tv_kvlist_find(&s->metadata, "installation.id"), "\"inst-1\"");
	assert_json_eq(tv_kvlist_find(&s->metadata, "interactive"), "true");
	assert_json_eq(tv_kvlist_find(&s->metadata, "auth_type"), "\"oauth-personal\"");
	assert_int_equal(f->st.records_read, 1);
	assert_int_equal(f->st.records_used, 1);
}

/* the first prompt of a turn is kept; a second user_prompt with the same id does not replace it */
static void test_user_prompt_twice(void **state)
{
	struct rf_run *f = *state;
	const struct tv_attr a[] = {
		STR("session.id", "s1"),
		STR("prompt_id", "p1"),
		STR("prompt", "first"),
	};
	const struct tv_attr b[] = {
		STR("session.id", "s1"),
		STR("prompt_id", "p1"),
		STR("prompt", "second"),
	};
	const struct tv_attr c[] = {
		STR("session.id", "s1"),
		STR("prompt_id", "p2"),
		STR("prompt", "third"),
	};
	struct tv_session *s;

	rf_start(f, 0, false);
	rec(f, T0, "gemini_cli.user_prompt", a, N(a));
	rec(f, T0 + SEC, "gemini_cli.user_prompt", b, N(b));
	rec(f, T0 + 2 * SEC, "gemini_cli.user_prompt", c, N(c));
	rf_finish(f);
	s = rf_session(f, "s1");
	assert_int_equal(s->n_turns, 2);
	assert_string_equal(s->turns[0].prompt, "first");
	assert_string_equal(s->turns[1].id, "p2");
	assert_string_equal(s->turns[1].prompt, "third");
}

static void test_request_response(void **state)
{
	struct rf_run *f = *state;
	const struct tv_attr up[] = {
		STR("session.id", "s1"),
		STR("prompt_id", "p1"),
		STR("prompt", "say hi"),
	};
	const struct tv_attr req[] = {
		STR("session.id", "s1"),
		STR("prompt_id", "p1"),
		STR("model", "gemini-2.5-pro"),
		STR("request_text", "[{\"role\":\"user\",\"parts\":[{\"text\":\"say hi\"}]}]"),
	};
	const struct tv_attr resp[] = {
		STR("session.id", "s1"),
		STR("prompt_id", "p1"),
		STR("model", "gemini-2.5-pro"),
		INT("duration_ms", 2000),
		INT("input_token_count", 100),
		INT("output_token_count", 20),
		INT("cached_content_token_count", 5),
		INT("thoughts_token_count", 7),
		INT("total_token_count", 127),
		INT("status_code", 200),
		JSONV("finish_reasons", "[\"STOP\"]"),
		STR("response_text",
		    "[{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"hi\"}]}}]}]"),
	};
	struct tv_session *s;
	struct tv_llm_call *c;
	struct tv_turn *t;

	rf_start(f, 0, false);
	rec(f, T0, "gemini_cli.user_prompt", up, N(up));
	rec(f, T0 + 1 * SEC, "gemini_cli.api_request", req, N(req));
	rec(f, T0 + 3 * SEC, "gemini_cli.api_response", resp, N(resp));
	rf_finish(f);
	s = rf_session(f, "s1");
	assert_int_equal(s->n_turns, 1);
	t = &s->turns[0];
	assert_int_equal(t->n_llm, 1); /* request and response paired */
	c = &t->llm[0];
	assert_string_equal(c->model, "gemini-2.5-pro");
	assert_int_equal(c->time, T0 + 1 * SEC);
	assert_int_equal(c->duration, 2000 * MS);
	assert_int_equal(c->status, TV_STATUS_OK);
	assert_int_equal(c->status_code, 200);
	assert_int_equal(c->input_tokens, 100);
	assert_int_equal(c->output_tokens, 20);
	assert_int_equal(c->cached_tokens, 5);
	assert_int_equal(c->thinking_tokens, 7);
	assert_int_equal(c->total_tokens, 127);
	assert_non_null(c->finish_reason);
	assert_string_equal(c->finish_reason, "STOP");
	assert_string_equal(c->request_text,
			    "[{\"role\":\"user\",\"parts\":[{\"text\":\"say hi\"}]}]");
	assert_string_equal(c->response_text,
			    "[{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"hi\"}]}}]}]");
	assert_null(c->error);
	/* the turn's output is the text of the response */
	assert_string_equal(t->output, "hi");
	assert_string_equal(t->prompt, "say hi");
	/* derived by finalize */
	assert_int_equal(t->success, 1);
	assert_int_equal(t->start_time, T0);
	assert_int_equal(t->end_time, T0 + 3 * SEC);
	assert_int_equal(s->success, 1);
	assert_false(s->has_error);
	assert_int_equal(s->n_models, 1);
	assert_string_equal(s->models[0], "gemini-2.5-pro");
	assert_int_equal(s->usage.input_tokens, 100);
	assert_int_equal(s->usage.total_tokens, 127);
	assert_int_equal(s->duration, 3 * SEC);
}

/* streamed chunks are joined; thought parts are left out */
static void test_response_chunks(void **state)
{
	struct rf_run *f = *state;
	const struct tv_attr resp[] = {
		STR("session.id", "s1"),
		STR("prompt_id", "p1"),
		STR("model", "m"),
		INT("duration_ms", 10),
		STR("response_text",
		    "[{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"Hel\"}]}}]},"
		    "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"thinking...\",\"thought\":true},"
		    "{\"text\":\"lo\"}]}}]}]"),
	};
	const struct tv_attr resp2[] = {
		STR("session.id", "s2"),
		STR("prompt_id", "q1"),
		STR("model", "m"),
		INT("duration_ms", 10),
		STR("response_text", "plain text answer"),
	};
	struct tv_session *s;

	rf_start(f, 0, false);
	rec(f, T0, "gemini_cli.api_response", resp, N(resp));
	rec(f, T0, "gemini_cli.api_response", resp2, N(resp2));
	rf_finish(f);
	s = rf_session(f, "s1");
	assert_string_equal(s->turns[0].output, "Hello");
	/* a response without a matching request: timed back from its end */
	assert_int_equal(s->turns[0].n_llm, 1);
	assert_int_equal(s->turns[0].llm[0].time, T0 - 10 * MS);
	/* text that is not JSON is the output as is */
	s = rf_session(f, "s2");
	assert_string_equal(s->turns[0].output, "plain text answer");
}

/* two requests in flight: responses pair by model, oldest first */
static void test_pairing_by_model(void **state)
{
	struct rf_run *f = *state;
	const struct tv_attr req_a[] = {
		STR("session.id", "s1"),
		STR("prompt_id", "p1"),
		STR("model", "model-a"),
	};
	const struct tv_attr req_b[] = {
		STR("session.id", "s1"),
		STR("prompt_id", "p1"),
		STR("model", "model-b"),
	};
	const struct tv_attr resp_b[] = {
		STR("session.id", "s1"), STR("prompt_id", "p1"),      STR("model", "model-b"),
		INT("duration_ms", 500), INT("input_token_count", 2),
	};
	const struct tv_attr resp_a[] = {
		STR("session.id", "s1"), STR("prompt_id", "p1"),      STR("model", "model-a"),
		INT("duration_ms", 900), INT("input_token_count", 1),
	};
	struct tv_turn *t;

	rf_start(f, 0, false);
	rec(f, T0, "gemini_cli.api_request", req_a, N(req_a));
	rec(f, T0 + 100 * MS, "gemini_cli.api_request", req_b, N(req_b));
	rec(f, T0 + 600 * MS, "gemini_cli.api_response", resp_b, N(resp_b));
	rec(f, T0 + 900 * MS, "gemini_cli.api_response", resp_a, N(resp_a));
	rf_finish(f);
	t = &rf_session(f, "s1")->turns[0];
	assert_int_equal(t->n_llm, 2);
	assert_string_equal(t->llm[0].model, "model-a");
	assert_int_equal(t->llm[0].time, T0);
	assert_int_equal(t->llm[0].duration, 900 * MS);
	assert_int_equal(t->llm[0].input_tokens, 1);
	assert_string_equal(t->llm[1].model, "model-b");
	assert_int_equal(t->llm[1].time, T0 + 100 * MS);
	assert_int_equal(t->llm[1].duration, 500 * MS);
	assert_int_equal(t->llm[1].input_tokens, 2);
	assert_int_equal(rf_session(f, "s1")->n_models, 2);
	assert_string_equal(rf_session(f, "s1")->models[0], "model-a");
}

static void test_api_error(void **state)
{
	struct rf_run *f = *state;
	const struct tv_attr req[] = {
		STR("session.id", "s1"),
		STR("prompt_id", "p1"),
		STR("model", "gemini-2.5-pro"),
	};
	const struct tv_attr err[] = {
		STR("session.id", "s1"),
		STR("prompt_id", "p1"),
		STR("model", "gemini-2.5-pro"),
		STR("error.message", "Quota exceeded for quota metric"),
		STR("error", "x"),
		INT("status_code", 429),
		INT("duration_ms", 300),
	};
	struct tv_session *s;
	struct tv_llm_call *c;

	rf_start(f, 0, false);
	rec(f, T0, "gemini_cli.api_request", req, N(req));
	rec(f, T0 + 300 * MS, "gemini_cli.api_error", err, N(err));
	rf_finish(f);
	s = rf_session(f, "s1");
	assert_int_equal(s->turns[0].n_llm, 1);
	c = &s->turns[0].llm[0];
	assert_int_equal(c->status, TV_STATUS_ERROR);
	assert_int_equal(c->status_code, 429);
	assert_int_equal(c->duration, 300 * MS);
	assert_string_equal(c->error, "Quota exceeded for quota metric");
	assert_int_equal(s->turns[0].success, 0);
	assert_int_equal(s->success, 0);
	assert_true(s->has_error);
	assert_string_equal(s->error_type, "llm_error");
	assert_string_equal(s->error_message, "Quota exceeded for quota metric");
}

/* an error, then a retry that succeeds: the turn succeeds */
static void test_api_error_then_retry(void **state)
{
	struct rf_run *f = *state;
	const struct tv_attr err[] = {
		STR("session.id", "s1"),
		STR("prompt_id", "p1"),
		STR("model", "m"),
		STR("error_message", "503 unavailable"),
		STR("error_type", "ServerError"),
		INT("status_code", 503),
	};
	const struct tv_attr req[] = {
		STR("session.id", "s1"),
		STR("prompt_id", "p1"),
		STR("model", "m"),
	};
	const struct tv_attr resp[] = {
		STR("session.id", "s1"), STR("prompt_id", "p1"),  STR("model", "m"),
		INT("duration_ms", 100), INT("status_code", 200),
	};
	struct tv_session *s;

	rf_start(f, 0, false);
	rec(f, T0, "gemini_cli.api_error", err, N(err));
	rec(f, T0 + SEC, "gemini_cli.api_request", req, N(req));
	rec(f, T0 + 2 * SEC, "gemini_cli.api_response", resp, N(resp));
	rf_finish(f);
	s = rf_session(f, "s1");
	assert_int_equal(s->turns[0].n_llm, 2);
	assert_int_equal(s->turns[0].llm[0].status, TV_STATUS_ERROR);
	assert_string_equal(s->turns[0].llm[0].error, "503 unavailable");
	assert_int_equal(s->turns[0].llm[1].status, TV_STATUS_OK);
	assert_int_equal(s->turns[0].success, 1);
	assert_int_equal(s->success, 1);
	assert_false(s->has_error);
}

static void test_timeouts(void **state)
{
	struct rf_run *f = *state;
	const struct tv_attr by_type[] = {
		STR("session.id", "t1"),
		STR("prompt_id", "p"),
		STR("model", "m"),
		STR("error.type", "DEADLINE_EXCEEDED"),
		STR("error.message", "deadline"),
	};
	const struct tv_attr by_code[] = {
		STR("session.id", "t2"), STR("prompt_id", "p"),		  STR("model", "m"),
		INT("status_code", 504), STR("error", "Gateway Timeout"),
	};
	const struct tv_attr by_msg[] = {
		STR("session.id", "t3"),
		STR("prompt_id", "p"),
		STR("model", "m"),
		STR("error.message", "Request Timed Out after 60s"),
	};
	const struct tv_attr not_timeout[] = {
		STR("session.id", "t4"),
		STR("prompt_id", "p"),
		STR("model", "m"),
		INT("status_code", 400),
		STR("error.message", "Bad request"),
	};
	struct tv_session *s;

	rf_start(f, 0, false);
	rec(f, T0, "gemini_cli.api_error", by_type, N(by_type));
	rec(f, T0, "gemini_cli.api_error", by_code, N(by_code));
	rec(f, T0, "gemini_cli.api_error", by_msg, N(by_msg));
	rec(f, T0, "gemini_cli.api_error", not_timeout, N(not_timeout));
	rf_finish(f);
	assert_int_equal(f->n, 4);
	s = rf_session(f, "t1");
	assert_int_equal(s->turns[0].llm[0].status, TV_STATUS_TIMEOUT);
	assert_string_equal(s->error_type, "timeout");
	assert_string_equal(s->error_message, "deadline");
	s = rf_session(f, "t2");
	assert_int_equal(s->turns[0].llm[0].status, TV_STATUS_TIMEOUT);
	assert_string_equal(s->turns[0].llm[0].error, "Gateway Timeout");
	s = rf_session(f, "t3");
	assert_int_equal(s->turns[0].llm[0].status, TV_STATUS_TIMEOUT);
	s = rf_session(f, "t4");
	assert_int_equal(s->turns[0].llm[0].status, TV_STATUS_ERROR);
	assert_string_equal(s->error_type, "llm_error");
}

static void test_tool_call(void **state)
{
	struct rf_run *f = *state;
	const struct tv_attr ok[] = {
		STR("session.id", "s1"),
		STR("prompt_id", "p1"),
		STR("function_name", "read_file"),
		STR("function_args", "{\n  \"absolute_path\": \"/tmp/a.txt\",\n  \"limit\": 10\n}"),
		INT("duration_ms", 15),
		BOOL("success", true),
		STR("decision", "accept"),
		STR("tool_type", "native"),
	};
	const struct tv_attr bad[] = {
		STR("session.id", "s1"),
		STR("prompt_id", "p1"),
		STR("function_name", "run_shell_command"),
		STR("function_args", "{\n  \"command\": \"rm -rf /\"\n}"),
		INT("duration_ms", 2),
		BOOL("success", false),
		STR("decision", "reject"),
		STR("error", "Tool call rejected by user"),
		STR("tool_type", "mcp"),
	};
	const struct tv_attr odd[] = {
		STR("session.id", "s1"),      STR("prompt_id", "p1"),
		STR("function_name", "echo"), STR("function_args", "not json {"),
		STR("success", "true"),
	};
	struct tv_tool_call *c;
	struct tv_turn *t;

	rf_start(f, 0, false);
	rec(f, T0 + SEC, "gemini_cli.tool_call", ok, N(ok));
	rec(f, T0 + 2 * SEC, "gemini_cli.tool_call", bad, N(bad));
	rec(f, T0 + 3 * SEC, "gemini_cli.tool_call", odd, N(odd));
	rf_finish(f);
	t = &rf_session(f, "s1")->turns[0];
	assert_string_equal(t->id, "p1");
	assert_int_equal(t->n_tools, 3);
	c = &t->tools[0];
	assert_string_equal(c->name, "read_file");
	assert_string_equal(c->args_json, "{\"absolute_path\":\"/tmp/a.txt\",\"limit\":10}");
	assert_int_equal(c->duration, 15 * MS);
	assert_int_equal(c->time, T0 + SEC - 15 * MS);
	assert_int_equal(c->success, 1);
	assert_string_equal(c->decision, "accept");
	assert_string_equal(c->type, "native");
	assert_null(c->error);
	c = &t->tools[1];
	assert_string_equal(c->args_json, "{\"command\":\"rm -rf /\"}");
	assert_int_equal(c->success, 0);
	assert_string_equal(c->decision, "reject");
	assert_string_equal(c->error, "Tool call rejected by user");
	assert_string_equal(c->type, "mcp");
	c = &t->tools[2];
	/* arguments that are not JSON are kept as a JSON string */
	assert_string_equal(c->args_json, "\"not json {\"");
	assert_int_equal(c->success, 1);
	assert_int_equal(c->duration, TV_NONE);
	assert_int_equal(c->time, T0 + 3 * SEC);
	assert_null(c->decision);
}

/* written out, the arguments are a JSON object, not a string */
static void test_tool_call_written(void **state)
{
	struct rf_run *f = *state;
	const struct tv_attr ok[] = {
		STR("session.id", "w1"),
		STR("prompt_id", "p1"),
		STR("function_name", "glob"),
		STR("function_args", "{\n  \"pattern\": \"**/*.c\"\n}"),
		INT("duration_ms", 1),
		BOOL("success", true),
	};
	struct tv_json_parser *p;
	struct tv_strbuf b;
	struct tv_jv root;

	rf_start(f, 0, false);
	rec(f, T0, "gemini_cli.tool_call", ok, N(ok));
	rf_finish(f);
	tv_strbuf_init(&b);
	assert_int_equal(tv_session_write(rf_session(f, "w1"), &b), 0);
	p = tv_json_parser_create();
	assert_non_null(p);
	assert_int_equal(tv_json_parse(p, b.p, b.len, &root, NULL), 0);
	assert_non_null(strstr(b.p, "\"name\":\"glob\",\"args\":{\"pattern\":\"**/*.c\"},"));
	tv_json_parser_destroy(p);
	tv_strbuf_finish(&b);
}

static void test_qwen_code(void **state)
{
	struct rf_run *f = *state;
	const struct tv_attr up[] = {
		STR("session.id", "q1"),
		STR("prompt_id", "q1########1"),
		STR("prompt", "hola"),
		STR("model", "qwen3-coder-plus"),
	};
	const struct tv_attr resp[] = {
		STR("session.id", "q1"),	  STR("prompt_id", "q1########1"),
		STR("model", "qwen3-coder-plus"), INT("duration_ms", 1200),
		INT("input_token_count", 40),	  INT("output_token_count", 9),
		INT("status_code", 200),	  STR("response_id", "r-1"),
	};
	const struct tv_attr tool[] = {
		STR("session.id", "q1"),
		STR("prompt_id", "q1########1"),
		STR("function_name", "list_directory"),
		STR("function_args", "{\"path\": \".\"}"),
		INT("duration_ms", 3),
		BOOL("success", true),
	};
	struct tv_session *s;

	rf_start(f, 0, false);
	rec(f, T0, "qwen-code.user_prompt", up, N(up));
	rec(f, T0 + 2 * SEC, "qwen-code.api_response", resp, N(resp));
	rec(f, T0 + 3 * SEC, "qwen-code.tool_call", tool, N(tool));
	rf_finish(f);
	s = rf_session(f, "q1");
	assert_string_equal(s->source_service, "qwen-code");
	assert_int_equal(s->n_turns, 1);
	assert_string_equal(s->turns[0].prompt, "hola");
	assert_int_equal(s->turns[0].n_llm, 1);
	assert_string_equal(s->turns[0].llm[0].model, "qwen3-coder-plus");
	assert_int_equal(s->turns[0].llm[0].output_tokens, 9);
	/* no total given: input + output */
	assert_int_equal(s->usage.total_tokens, 49);
	assert_int_equal(s->turns[0].n_tools, 1);
	assert_string_equal(s->turns[0].tools[0].args_json, "{\"path\":\".\"}");
	assert_int_equal(s->success, 1);
}

/* a record named by its event.name attribute (no EventName field) */
static void test_event_name_attribute(void **state)
{
	struct rf_run *f = *state;
	const struct tv_attr a[] = {
		STR("event.name", "gemini_cli.user_prompt"),
		STR("session.id", "e1"),
		STR("prompt_id", "p"),
		STR("prompt", "from attr"),
	};

	rf_start(f, 0, false);
	rec(f, T0, NULL, a, N(a));
	rf_finish(f);
	assert_int_equal(rf_session(f, "e1")->n_turns, 1);
	assert_string_equal(rf_session(f, "e1")->turns[0].prompt, "from attr");
}

/*
 * Events of other names go into no session: they are skipped, counted by
 * name, and a file of nothing else yields no session (not empty ones).
 */
static void test_other_events(void **state)
{
	struct rf_run *f = *state;
	const struct tv_attr cfg[] = {
		STR("session.id", "o1"),
		STR("model", "gemini-2.5-pro"),
		BOOL("sandbox_enabled", false),
	};
	const struct tv_attr done[] = {
		STR("session.id", "o1"),
		INT("turnCount", 3),
	};

	rf_start(f, 0, false);
	rec(f, T0, "gemini_cli.config", cfg, N(cfg));
	rec(f, T0 + SEC, "gemini_cli.conversation_finished", done, N(done));
	rec(f, T0 + 2 * SEC, "session.end", done, N(done));
	rec(f, T0 + 3 * SEC, "session.end", done, N(done));
	rf_finish(f);
	assert_int_equal(f->n, 0);
	assert_int_equal(f->st.records_read, 4);
	assert_int_equal(f->st.records_used, 0);
	assert_int_equal(f->st.records_skipped, 4);
	assert_int_equal(f->st.n_skip_kinds, 3);
	assert_string_equal(f->st.skip[0].name, "gemini_cli.config");
	assert_string_equal(f->st.skip[2].name, "session.end");
	assert_int_equal(f->st.skip[2].n, 2);
}

/* beside records that make a turn, the others still go into nothing */
static void test_other_events_beside_turns(void **state)
{
	struct rf_run *f = *state;
	const struct tv_attr cfg[] = {
		STR("session.id", "o2"),
		STR("installation.id", "inst-9"),
	};
	const struct tv_attr prompt[] = {
		STR("session.id", "o2"),
		STR("prompt_id", "p1"),
		STR("prompt", "hello"),
	};

	rf_start(f, 0, true);
	rec(f, T0, "gemini_cli.config", cfg, N(cfg));
	rec(f, T0 + SEC, "gemini_cli.user_prompt", prompt, N(prompt));
	rf_finish(f);
	assert_int_equal(f->n, 1);
	assert_int_equal(f->st.records_used, 1);
	assert_int_equal(f->st.records_skipped, 1);
	assert_int_equal(rf_session(f, "o2")->n_events, 1); /* --events: the used record only */
	assert_int_equal(rf_session(f, "o2")->start_time, T0 + SEC);
}

static void test_no_session_key(void **state)
{
	struct rf_run *f = *state;
	const struct tv_attr nokey[] = {
		STR("prompt_id", "p"),
		STR("prompt", "orphan"),
	};
	const struct tv_attr empty_key[] = {
		STR("session.id", ""),
		STR("prompt", "orphan"),
	};
	const struct tv_attr int_key[] = {
		INT("session.id", 5),
	};
	const struct tv_attr good[] = {
		STR("session.id", "g1"),
		STR("prompt_id", "p"),
	};

	rf_start(f, 0, false);
	rec(f, T0, "gemini_cli.user_prompt", nokey, N(nokey));
	rec(f, T0, "gemini_cli.user_prompt", empty_key, N(empty_key));
	rec(f, T0, "gemini_cli.user_prompt", int_key, N(int_key));
	rec(f, T0, "gemini_cli.user_prompt", good, N(good));
	rec(f, T0, "gemini_cli.user_prompt", nokey, N(nokey));
	rf_finish(f);
	assert_int_equal(f->n, 1);
	assert_int_equal(f->st.records_read, 5);
	assert_int_equal(f->st.records_skipped, 4);
	assert_int_equal(f->st.records_used, 1);
	assert_int_equal(f->st.records_rejected, 0);
	/* one warning, not one per record */
	assert_non_null(rf_find_msg(f, TV_REPORT_WARN, "session.id"));
	assert_int_equal(f->n_msgs, 1);
	assert_int_equal(f->msgs[0].line, 1);
}

/* without session.id: gen_ai.conversation.id, then the trace id */
static void test_key_fallbacks(void **state)
{
	struct rf_run *f = *state;
	const struct tv_attr conv[] = {
		STR("gen_ai.conversation.id", "conv-1"),
		STR("gen_ai.operation.name", "chat"),
	};
	const struct tv_attr both[] = {
		STR("gen_ai.conversation.id", "conv-2"),
		STR("session.id", "sess-2"),
	};
	const struct tv_attr none[] = {
		STR("event.domain", "x"),
	};

	rf_start(f, 0, false);
	rec(f, T0, "gemini_cli.user_prompt", conv, N(conv));
	rec(f, T0, "gemini_cli.user_prompt", both, N(both));
	rec_full(f, T0, "gemini_cli.user_prompt", none, N(none), NULL, 0,
		 "5b8efff798038103d269b633813fc60c");
	rf_finish(f);
	assert_int_equal(f->n, 3);
	rf_session(f, "conv-1");
	rf_session(f, "sess-2"); /* session.id wins */
	rf_session(f, "5b8efff798038103d269b633813fc60c");
}

static void test_session_id_in_resource(void **state)
{
	struct rf_run *f = *state;
	const struct tv_attr res[] = {
		STR("service.name", "gemini-cli"),
		STR("session.id", "r1"),
		STR("host.name", "build-7"),
		INT("process.pid", 4242),
	};
	const struct tv_attr a[] = {
		STR("prompt_id", "p1"),
		STR("prompt", "from resource"),
	};
	struct tv_session *s;

	rf_start(f, 0, false);
	rec_full(f, T0, "gemini_cli.user_prompt", a, N(a), res, N(res), NULL);
	rec_full(f, T0 + SEC, "gemini_cli.user_prompt", a, N(a), res, N(res), NULL);
	rf_finish(f);
	assert_int_equal(f->n, 1);
	s = rf_session(f, "r1");
	assert_string_equal(s->source_service, "gemini-cli");
	assert_int_equal(s->n_turns, 1);
	assert_string_equal(s->turns[0].prompt, "from resource");
	/* the resource is kept as metadata, without the session id */
	assert_json_eq(tv_kvlist_find(&s->metadata, "resource"),
		       "{\"service.name\":\"gemini-cli\",\"host.name\":\"build-7\","
		       "\"process.pid\":4242}");
}

/* a custom service.name in the resource wins over the event prefix */
static void test_service_from_resource(void **state)
{
	struct rf_run *f = *state;
	const struct tv_attr res[] = {
		STR("service.name", "my-gemini"),
	};
	const struct tv_attr a[] = {
		STR("session.id", "s"),
		STR("prompt_id", "p"),
	};

	rf_start(f, 0, false);
	rec_full(f, T0, "gemini_cli.user_prompt", a, N(a), res, N(res), NULL);
	rf_finish(f);
	assert_string_equal(rf_session(f, "s")->source_service, "my-gemini");
}

static void test_interleaved(void **state)
{
	struct rf_run *f = *state;
	const struct tv_attr a1[] = { STR("session.id", "A"), STR("prompt_id", "a1"),
				      STR("prompt", "A one") };
	const struct tv_attr b1[] = { STR("session.id", "B"), STR("prompt_id", "b1"),
				      STR("prompt", "B one") };
	const struct tv_attr ar[] = { STR("session.id", "A"), STR("prompt_id", "a1"),
				      STR("model", "ma"), INT("duration_ms", 5) };
	const struct tv_attr br[] = { STR("session.id", "B"), STR("prompt_id", "b1"),
				      STR("model", "mb"), INT("duration_ms", 7) };
	const struct tv_attr a2[] = { STR("session.id", "A"), STR("prompt_id", "a2"),
				      STR("prompt", "A two") };
	const struct tv_attr b_old[] = { STR("session.id", "B"), STR("prompt_id", "b1"),
					 STR("function_name", "t"), BOOL("success", true) };
	struct tv_session *s;

	rf_start(f, 0, false);
	rec(f, T0, "gemini_cli.user_prompt", a1, N(a1));
	rec(f, T0 + 1 * MS, "gemini_cli.user_prompt", b1, N(b1));
	rec(f, T0 + 2 * MS, "gemini_cli.api_response", ar, N(ar));
	rec(f, T0 + 3 * MS, "gemini_cli.api_response", br, N(br));
	rec(f, T0 + 4 * MS, "gemini_cli.user_prompt", a2, N(a2));
	rec(f, T0 + 5 * MS, "gemini_cli.tool_call", b_old, N(b_old));
	rf_finish(f);
	assert_int_equal(f->n, 2);
	/* emitted oldest first */
	assert_string_equal(f->s[0]->id, "A");
	assert_string_equal(f->s[1]->id, "B");
	s = rf_session(f, "A");
	assert_int_equal(s->n_turns, 2);
	assert_string_equal(s->turns[0].prompt, "A one");
	assert_int_equal(s->turns[0].n_llm, 1);
	assert_string_equal(s->turns[0].llm[0].model, "ma");
	assert_string_equal(s->turns[1].prompt, "A two");
	s = rf_session(f, "B");
	assert_int_equal(s->n_turns, 1);
	assert_string_equal(s->turns[0].llm[0].model, "mb");
	assert_int_equal(s->turns[0].n_tools, 1);
	assert_int_equal(f->st.records_used, 6);
}

/* events kept on request: the reader's JSON when given, else built from the record */
static void test_keep_events(void **state)
{
	struct rf_run *f = *state;
	const struct tv_attr a[] = {
		STR("session.id", "k1"),
		STR("prompt_id", "p"),
		INT("n", 3),
		BOOL("b", false),
	};
	struct tv_record r = {
		.line = 7,
		.time = T0,
		.name = "gemini_cli.user_prompt",
		.name_len = 22,
		.body = { .type = TV_V_STR, .s = "User prompt.", .n = 12 },
		.attrs = a,
		.n_attrs = N(a),
		.raw = "{\"raw\":true}",
		.raw_len = 12,
	};
	struct tv_session *s;

	rf_start(f, 0, true);
	assert_int_equal(tv_read_record(f->ctx, &r), 0);
	r.raw = NULL;
	r.raw_len = 0;
	r.time = T0 + SEC;
	assert_int_equal(tv_read_record(f->ctx, &r), 0);
	rf_finish(f);
	s = rf_session(f, "k1");
	assert_int_equal(s->n_events, 2);
	assert_string_equal(s->events[0], "{\"raw\":true}");
	assert_string_equal(
		s->events[1],
		"{\"time\":\"2025-07-01T09:00:01.000Z\",\"name\":\"gemini_cli.user_prompt\","
		"\"body\":\"User prompt.\",\"attributes\":{\"session.id\":\"k1\","
		"\"prompt_id\":\"p\",\"n\":3,\"b\":false}}");
}

/* a single (not streamed) response object */
static void test_response_object(void **state)
{
	struct rf_run *f = *state;
	const struct tv_attr resp[] = {
		STR("session.id", "s1"),
		STR("prompt_id", "p1"),
		STR("model", "m"),
		INT("duration_ms", 10),
		STR("response_text",
		    "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"one \"},{\"text\":\"piece\"}]},"
		    "\"finishReason\":\"STOP\"}],\"usageMetadata\":{\"promptTokenCount\":3}}"),
	};

	rf_start(f, 0, false);
	rec(f, T0, "gemini_cli.api_response", resp, N(resp));
	rf_finish(f);
	assert_string_equal(rf_session(f, "s1")->turns[0].output, "one piece");
}

/*
 * A response that holds no text (only a function call) says nothing about
 * the turn's output: the text of an earlier response stays, and the raw
 * response JSON never becomes the output.
 */
static void test_response_without_text(void **state)
{
	struct rf_run *f = *state;
	const struct tv_attr text[] = {
		STR("session.id", "s1"),
		STR("prompt_id", "p1"),
		STR("model", "m"),
		INT("duration_ms", 10),
		STR("response_text",
		    "[{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Reading the file.\"}]}}]}]"),
	};
	const struct tv_attr call[] = {
		STR("session.id", "s1"),
		STR("prompt_id", "p1"),
		STR("model", "m"),
		INT("duration_ms", 10),
		STR("response_text",
		    "[{\"candidates\":[{\"content\":{\"parts\":[{\"functionCall\":{\"name\":\"read_file\","
		    "\"args\":{\"path\":\"a\"}}}]}}]}]"),
	};
	const struct tv_attr only_call[] = {
		STR("session.id", "s2"),
		STR("prompt_id", "q1"),
		STR("model", "m"),
		INT("duration_ms", 10),
		STR("response_text",
		    "[{\"candidates\":[{\"content\":{\"parts\":[{\"functionCall\":{\"name\":\"ls\"}}]}}]}]"),
	};
	struct tv_session *s;

	rf_start(f, 0, false);
	rec(f, T0, "gemini_cli.api_response", text, N(text));
	rec(f, T0 + SEC, "gemini_cli.api_response", call, N(call));
	rec(f, T0, "gemini_cli.api_response", only_call, N(only_call));
	rf_finish(f);
	s = rf_session(f, "s1");
	assert_int_equal(s->turns[0].n_llm, 2);
	/* the raw text is still kept on the call */
	assert_non_null(strstr(s->turns[0].llm[1].response_text, "functionCall"));
	assert_non_null(s->turns[0].output);
	assert_string_equal(s->turns[0].output, "Reading the file.");
	s = rf_session(f, "s2");
	if (s->turns[0].output != NULL) {
		fail_msg("output of a text-less response: %s, want null", s->turns[0].output);
	}
}

/* older Gemini CLI: user_prompt without prompt_id, later events with one */
static void test_user_prompt_without_prompt_id(void **state)
{
	struct rf_run *f = *state;
	const struct tv_attr up[] = {
		STR("session.id", "s1"),
		STR("prompt", "old style"),
	};
	const struct tv_attr req[] = {
		STR("session.id", "s1"),
		STR("prompt_id", "p1"),
		STR("model", "m"),
	};
	const struct tv_attr up2[] = {
		STR("session.id", "s1"),
		STR("prompt", "second"),
	};
	struct tv_session *s;

	rf_start(f, 0, false);
	rec(f, T0, "gemini_cli.user_prompt", up, N(up));
	rec(f, T0 + SEC, "gemini_cli.api_request", req, N(req));
	rec(f, T0 + 5 * SEC, "gemini_cli.user_prompt", up2, N(up2));
	rf_finish(f);
	s = rf_session(f, "s1");
	assert_int_equal(s->n_turns, 2);
	assert_string_equal(s->turns[0].prompt, "old style");
	assert_string_equal(s->turns[0].id, "p1");
	assert_int_equal(s->turns[0].n_llm, 1);
	/* no prompt_id: the last turn */
	assert_string_equal(s->turns[1].prompt, "second");
}

/* like a tool: each session is written out and freed as soon as it is emitted */
static struct tv_strbuf written;

static int write_cb(void *udata, struct tv_session *s)
{
	int r = tv_session_write(s, &written);

	(void)udata;
	tv_session_destroy(s);
	return r;
}

static int prompt_record(struct tv_read_ctx *ctx, const struct tv_attr *a, size_t n, int64_t t,
			 uint64_t line)
{
	struct tv_record r = {
		.line = line,
		.time = t,
		.name = "gemini_cli.user_prompt",
		.name_len = 22,
		.attrs = a,
		.n_attrs = n,
	};

	return tv_read_record(ctx, &r);
}

/*
 * More sessions than max_open: the longest idle is closed early.  A new
 * session whose record is older than every open one (or has no time) is
 * itself the longest idle; it must not be emitted before the record that
 * opened it is mapped into it.  Run in a child: a use after free would
 * end the whole test program.
 */
static void check_max_open(int64_t third_time)
{
	pid_t pid = rf_fork();

	if (pid == 0) {
		const struct tv_attr a[] = { STR("session.id", "s1"), STR("prompt_id", "p"),
					     STR("prompt", "one") };
		const struct tv_attr b[] = { STR("session.id", "s2"), STR("prompt_id", "p"),
					     STR("prompt", "two") };
		const struct tv_attr c[] = { STR("session.id", "s3"), STR("prompt_id", "p"),
					     STR("prompt", "three") };
		struct tv_read_opts o = { .max_open = 2, .emit = write_cb };
		struct tv_read_ctx *ctx;
		int ok = 1;

		tv_strbuf_init(&written);
		ctx = tv_read_ctx_create(&o);
		ok &= ctx != NULL && tv_read_finish(ctx, NULL) == 0;
		ok &= prompt_record(ctx, a, N(a), T0 + 10 * SEC, 1) == 0;
		ok &= prompt_record(ctx, b, N(b), T0 + 20 * SEC, 2) == 0;
		ok &= prompt_record(ctx, c, N(c), third_time, 3) == 0;
		ok &= tv_read_finish(ctx, NULL) == 0;
		ok &= tv_read_stats(ctx)->sessions == 3;
		tv_read_ctx_destroy(ctx);
		/* each session was written whole: its prompt is in the output */
		ok &= written.p != NULL && strstr(written.p, "\"prompt\":\"one\"") != NULL &&
		      strstr(written.p, "\"prompt\":\"two\"") != NULL &&
		      strstr(written.p, "\"prompt\":\"three\"") != NULL;
		_exit(ok ? 0 : 1);
	}
	rf_wait(pid, "max_open 2, third session at %lld", (long long)third_time);
}

static void test_max_open(void **state)
{
	(void)state;
	check_max_open(T0 + 30 * SEC); /* the usual case: s1 is closed early */
}

static void test_max_open_older_record(void **state)
{
	(void)state;
	check_max_open(T0);
}

static void test_max_open_untimed_record(void **state)
{
	(void)state;
	check_max_open(TV_NONE);
}

/*
 * The gap: a session idle longer than opts.gap is closed, and its later
 * records open a second part, with a warning.  Records of one session
 * 10 s apart with a 1 s gap.
 */
static void test_gap_split(void **state)
{
	struct rf_run *f = *state;
	const struct tv_attr p1[] = { STR("session.id", "g"), STR("prompt_id", "p1"),
				      STR("prompt", "first") };
	const struct tv_attr p2[] = { STR("session.id", "g"), STR("prompt_id", "p2"),
				      STR("prompt", "second") };
	const struct rf_msg *m;

	rf_start(f, 1 * SEC, false);
	rec(f, T0, "gemini_cli.user_prompt", p1, N(p1));
	rec(f, T0 + 10 * SEC, "gemini_cli.user_prompt", p2, N(p2));
	rf_finish(f);
	if (f->n != 2) {
		fail_msg("records 10 s apart with a 1 s gap: %zu session(s), want 2", f->n);
	}
	assert_string_equal(f->s[0]->id, "g");
	assert_string_equal(f->s[1]->id, "g");
	assert_string_equal(f->s[0]->turns[0].prompt, "first");
	assert_string_equal(f->s[1]->turns[0].prompt, "second");
	m = rf_find_msg(f, TV_REPORT_WARN, "gap");
	assert_non_null(m);
	assert_int_equal(m->line, 2);
	assert_int_equal(f->st.late_records, 1);
}

/* the gap with many records in between (the group is checked in batches) */
static void test_gap_split_busy(void **state)
{
	struct rf_run *f = *state;
	const struct tv_attr p1[] = { STR("session.id", "g"), STR("prompt_id", "p1"),
				      STR("prompt", "first") };
	const struct tv_attr p2[] = { STR("session.id", "g"), STR("prompt_id", "p2"),
				      STR("prompt", "second") };
	const struct tv_attr other[] = { STR("session.id", "busy"), STR("prompt_id", "x") };
	size_t parts = 0;

	rf_start(f, 1 * SEC, false);
	rec(f, T0, "gemini_cli.user_prompt", p1, N(p1));
	for (int i = 0; i < 2000; i++) {
		rec(f, T0 + 10 * SEC + i * MS, "gemini_cli.user_prompt", other, N(other));
	}
	rec(f, T0 + 20 * SEC, "gemini_cli.user_prompt", p2, N(p2));
	rf_finish(f);
	for (size_t i = 0; i < f->n; i++) {
		parts += strcmp(f->s[i]->id, "g") == 0;
	}
	assert_int_equal(parts, 2);
	assert_string_equal(f->s[0]->id, "g");
	assert_string_equal(f->s[0]->turns[0].prompt, "first");
	assert_non_null(rf_find_msg(f, TV_REPORT_WARN, "gap"));
	assert_int_equal(f->st.late_records, 1);
	assert_int_equal(f->st.records_used, 2002);
}

/* with no gap, sessions are held to the end however far apart their records are */
static void test_no_gap(void **state)
{
	struct rf_run *f = *state;
	const struct tv_attr p1[] = { STR("session.id", "g"), STR("prompt_id", "p1") };
	const struct tv_attr p2[] = { STR("session.id", "g"), STR("prompt_id", "p2") };

	rf_start(f, 0, false);
	rec(f, T0, "gemini_cli.user_prompt", p1, N(p1));
	rec(f, T0 + 86400 * SEC, "gemini_cli.user_prompt", p2, N(p2));
	rf_finish(f);
	assert_int_equal(f->n, 1);
	assert_int_equal(f->s[0]->n_turns, 2);
	assert_int_equal(f->n_msgs, 0);
}

/*
 * tv_read_record() on a fresh context (no tv_read_file() around it) must
 * not crash: run in a child so a crash fails this test only.
 */
static void test_records_outside_read_file(void **state)
{
	struct rf_run *f = *state;
	pid_t pid = rf_fork();

	if (pid == 0) {
		const struct tv_attr a[] = { STR("session.id", "x"), STR("prompt_id", "p") };
		struct tv_record r = {
			.line = 1,
			.time = T0,
			.name = "gemini_cli.user_prompt",
			.name_len = 22,
			.attrs = a,
			.n_attrs = N(a),
		};
		struct tv_read_ctx *ctx;
		int ok;

		ctx = rf_ctx(f, NULL);
		ok = tv_read_record(ctx, &r) == 0 && tv_read_finish(ctx, NULL) == 0 && f->n == 1;
		_exit(ok ? 0 : 1);
	}
	rf_wait(pid, "tv_read_record on a fresh context");
}

#define TEST(f) cmocka_unit_test_setup_teardown(f, rf_setup, rf_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_user_prompt),
		TEST(test_user_prompt_twice),
		TEST(test_user_prompt_without_prompt_id),
		TEST(test_request_response),
		TEST(test_response_chunks),
		TEST(test_response_object),
		TEST(test_response_without_text),
		TEST(test_pairing_by_model),
		TEST(test_api_error),
		TEST(test_api_error_then_retry),
		TEST(test_timeouts),
		TEST(test_tool_call),
		TEST(test_tool_call_written),
		TEST(test_qwen_code),
		TEST(test_event_name_attribute),
		TEST(test_other_events),
		TEST(test_other_events_beside_turns),
		TEST(test_no_session_key),
		TEST(test_key_fallbacks),
		TEST(test_session_id_in_resource),
		TEST(test_service_from_resource),
		TEST(test_interleaved),
		TEST(test_keep_events),
		TEST(test_gap_split),
		TEST(test_gap_split_busy),
		TEST(test_no_gap),
		TEST(test_max_open),
		TEST(test_max_open_older_record),
		TEST(test_max_open_untimed_record),
		TEST(test_records_outside_read_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
