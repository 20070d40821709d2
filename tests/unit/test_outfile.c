// SPDX-License-Identifier: MIT
/*
 * tv_read_outfile: Gemini CLI / Qwen Code telemetry.outfile, the JS SDK's
 * log records, metrics and spans dumped as pretty JSON one after another,
 * read through tv_read_file() into sessions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "libcommon/read/tv_reader.h"
#include "libcommon/core/tv_time.h"

#include "reader_fixture.h"

/* Read @data as an outfile into @r. */
static void run_str(struct rf_run *r, const char *data)
{
	rf_run_data(r, data, strlen(data), rf_fmt("outfile"), 0, false);
}

/* Read @objects (JSON Lines) as the outfile holds them: JSON.stringify(obj, null, 2) + "\n". */
static void run_pretty(struct rf_run *r, const char *objects, bool keep_events)
{
	char *doc = rf_pretty(objects);

	rf_run_data(r, doc, strlen(doc), rf_fmt("outfile"), 0, keep_events);
	free(doc);
}

/* ---- fixtures (docs/FORMATS.md#outfile), as in a real Gemini CLI outfile ---- */

#define RESOURCE(sid)                                                                              \
	"\"resource\":{\"_rawAttributes\":[[\"host.name\",\"devbox\"],"                            \
	"[\"process.pid\",45123],[\"service.name\",\"gemini-cli\"],[\"session.id\",\"" sid "\"]]," \
	"\"_asyncAttributesPending\":false}"
#define LOG(sec, ns, name, body, attrs)                                                                     \
	"{\"hrTime\":[" #sec "," #ns "],"                                                                   \
	"\"hrTimeObserved\":[" #sec "," #ns "]," RESOURCE(                                                  \
		"s-1") ","                                                                                  \
		       "\"instrumentationScope\":{\"name\":\"gemini-cli\"},\"attributes\":{\"session.id\":" \
		       "\"s-1\",\"installation.id\":\"5b2f\",\"event.name\":\"gemini_cli." name             \
		       "\","                                                                                \
		       "\"event.timestamp\":\"2025-07-01T09:00:00.000Z\"," attrs                            \
		       "},\"_body\":\"" body "\","                                                          \
		       "\"totalAttributesCount\":9,\"_isReadonly\":true,\"_logRecordLimits\":"              \
		       "{\"attributeCountLimit\":128,\"attributeValueLengthLimit\":null}}\n"

/* 1751360400 = 2025-07-01T09:00:00Z */
#define PROMPT                                                                            \
	LOG(1751360400, 0, "user_prompt", "User prompt. Length: 14.",                     \
	    "\"prompt_length\":14,\"prompt_id\":\"p1\",\"auth_type\":\"oauth-personal\"," \
	    "\"prompt\":\"list the files\"")
#define REQUEST                                                                     \
	LOG(1751360400, 100000000, "api_request", "API request to gemini-2.5-pro.", \
	    "\"model\":\"gemini-2.5-pro\",\"prompt_id\":\"p1\",\"request_text\":\"[]\"")
#define RESPONSE                                                                              \
	LOG(1751360401, 100000000, "api_response", "API response from gemini-2.5-pro.",       \
	    "\"model\":\"gemini-2.5-pro\",\"status_code\":200,\"duration_ms\":1000,"          \
	    "\"input_token_count\":120,\"output_token_count\":30,"                            \
	    "\"cached_content_token_count\":10,\"thoughts_token_count\":5,"                   \
	    "\"tool_token_count\":0,\"total_token_count\":155,\"finish_reasons\":[\"STOP\"]," \
	    "\"response_text\":\"Here they are\",\"prompt_id\":\"p1\"")
#define TOOL                                                                                     \
	LOG(1751360401, 500000000, "tool_call", "Tool call: ls. Success: true. Duration: 20ms.", \
	    "\"function_name\":\"ls\",\"function_args\":\"{\\n  \\\"path\\\": \\\".\\\"\\n}\","  \
	    "\"duration_ms\":20,\"success\":true,\"decision\":\"auto_accept\","                  \
	    "\"prompt_id\":\"p1\",\"tool_type\":\"native\"")
#define METRICS                                                                                                     \
	"{" RESOURCE(                                                                                               \
		"s-1") ",\"scopeMetrics\":[{\"scope\":{\"name\":\"gemini-cli\","                                    \
		       "\"version\":\"\"},\"metrics\":[{\"descriptor\":{\"name\":\"gemini_cli.api.request.count\"," \
		       "\"type\":\"COUNTER\",\"description\":\"\",\"unit\":\"\",\"valueType\":0,\"advice\":{}},"    \
		       "\"aggregationTemporality\":1,\"dataPointType\":3,\"isMonotonic\":true,\"dataPoints\":"      \
		       "[{\"attributes\":{\"model\":\"gemini-2.5-pro\"},\"startTime\":[1751360400,0],"              \
		       "\"endTime\":[1751360410,0],\"value\":3}]}]}]}\n"

#define TURN PROMPT REQUEST METRICS RESPONSE TOOL

static void check_turn(const struct rf_run *r)
{
	struct tv_session *s;
	struct tv_turn *t;
	struct tv_llm_call *c;
	struct tv_tool_call *x;

	assert_int_equal(r->ret, 0);
	assert_int_equal(r->n, 1);
	assert_int_equal(r->st.records_read, 5);
	assert_int_equal(r->st.records_used, 4);
	assert_int_equal(r->st.records_skipped, 1);
	s = rf_session(r, "s-1");
	assert_string_equal(s->source_format, "outfile");
	assert_string_equal(s->source_service, "gemini-cli");
	assert_int_equal(s->n_turns, 1);
	t = &s->turns[0];
	assert_string_equal(t->id, "p1");
	assert_string_equal(t->prompt, "list the files");
	assert_int_equal(t->start_time, rf_ts("2025-07-01T09:00:00Z"));
	assert_int_equal(t->n_llm, 1);
	c = &t->llm[0];
	assert_string_equal(c->model, "gemini-2.5-pro");
	assert_int_equal(c->time, rf_ts("2025-07-01T09:00:00.100Z"));
	assert_int_equal(c->duration, 1000 * TV_NS_PER_MS);
	assert_int_equal(c->status, TV_STATUS_OK);
	assert_int_equal(c->input_tokens, 120);
	assert_int_equal(c->output_tokens, 30);
	assert_int_equal(c->cached_tokens, 10);
	assert_int_equal(c->thinking_tokens, 5);
	assert_int_equal(c->total_tokens, 155);
	assert_string_equal(c->finish_reason, "STOP");
	assert_string_equal(t->output, "Here they are");
	assert_int_equal(t->n_tools, 1);
	x = &t->tools[0];
	assert_string_equal(x->name, "ls");
	assert_string_equal(x->args_json, "{\"path\":\".\"}");
	assert_int_equal(x->success, 1);
	assert_int_equal(x->duration, 20 * TV_NS_PER_MS);
	assert_int_equal(x->time, rf_ts("2025-07-01T09:00:01.480Z"));
	assert_string_equal(x->decision, "auto_accept");
	assert_int_equal(s->usage.input_tokens, 120);
}

static void test_turn(void **state)
{
	struct rf_run r;

	(void)state;
	run_pretty(&r, TURN, false);
	check_turn(&r);
	assert_int_equal(r.n_msgs, 0);
	rf_free(&r);
}

/* the resource's _rawAttributes pairs, with native JSON types */
static void test_resource(void **state)
{
	struct rf_run r;
	const char *meta;

	(void)state;
	run_pretty(&r, PROMPT, false);
	meta = tv_kvlist_find(&rf_session(&r, "s-1")->metadata, "resource");
	assert_string_equal(meta, "{\"host.name\":\"devbox\",\"process.pid\":45123,"
				  "\"service.name\":\"gemini-cli\"}");
	rf_free(&r);
	/* odd pairs are passed over; nested values kept as JSON; an attributes object works too */
	run_pretty(&r,
		   "{\"hrTime\":[1751360400,0],\"resource\":{\"_rawAttributes\":["
		   "[\"a\",1.5],[\"b\",{\"c\":[1,null]}],[\"lone\"],[7,\"x\"],\"y\",[\"d\",null],"
		   "[\"e\",true]]},\"attributes\":{\"session.id\":\"s-2\",\"event.name\":"
		   "\"gemini_cli.user_prompt\"}}\n"
		   "{\"hrTime\":[1751360400,0],\"resource\":{\"attributes\":{\"service.name\":"
		   "\"qwen-code\",\"f\":[\"g\"]}},\"attributes\":{\"session.id\":\"s-3\","
		   "\"event.name\":\"qwen-code.user_prompt\"}}\n",
		   false);
	assert_int_equal(r.st.records_used, 2);
	meta = tv_kvlist_find(&rf_session(&r, "s-2")->metadata, "resource");
	assert_string_equal(meta, "{\"a\":1.5,\"b\":{\"c\":[1,null]},\"d\":null,\"e\":true}");
	meta = tv_kvlist_find(&rf_session(&r, "s-3")->metadata, "resource");
	assert_string_equal(meta, "{\"service.name\":\"qwen-code\",\"f\":[\"g\"]}");
	assert_string_equal(rf_session(&r, "s-3")->source_service, "qwen-code");
	rf_free(&r);
}

/* hrTime, else hrTimeObserved, else no time */
static void test_times(void **state)
{
	struct rf_run r;

	(void)state;
	run_pretty(&r,
		   "{\"hrTime\":[1751360400,500000000],\"attributes\":{\"session.id\":\"a\","
		   "\"event.name\":\"gemini_cli.user_prompt\"}}\n"
		   "{\"hrTime\":\"soon\",\"hrTimeObserved\":[1751360460,0],\"attributes\":{"
		   "\"session.id\":\"b\",\"event.name\":\"gemini_cli.user_prompt\"}}\n"
		   "{\"hrTime\":[-1,0],\"hrTimeObserved\":[1e30,0],\"attributes\":{"
		   "\"session.id\":\"c\",\"event.name\":\"gemini_cli.user_prompt\"}}\n",
		   false);
	/* a malformed hrTime rejects the record, even with an hrTimeObserved */
	assert_int_equal(r.st.records_used, 1);
	assert_int_equal(r.st.records_rejected, 2);
	assert_int_equal(rf_session(&r, "a")->turns[0].start_time, rf_ts("2025-07-01T09:00:00.5Z"));
	assert_int_equal(r.n, 1);
	rf_free(&r);
}

static void test_qwen(void **state)
{
	struct rf_run r;
	struct tv_session *s;

	(void)state;
	run_pretty(&r,
		   "{\"hrTime\":[1751360400,0],\"attributes\":{\"session.id\":\"q\","
		   "\"event.name\":\"qwen-code.user_prompt\",\"prompt_id\":\"q1\","
		   "\"prompt\":\"hi\"},\"_body\":\"User prompt. Length: 2.\"}\n"
		   "{\"hrTime\":[1751360401,0],\"attributes\":{\"session.id\":\"q\","
		   "\"event.name\":\"qwen-code.api_response\",\"prompt_id\":\"q1\","
		   "\"model\":\"qwen3-coder\",\"input_token_count\":7,\"output_token_count\":3,"
		   "\"duration_ms\":250}}\n",
		   false);
	s = rf_session(&r, "q");
	assert_string_equal(s->source_service, "qwen-code");
	assert_int_equal(s->n_turns, 1);
	assert_string_equal(s->turns[0].llm[0].model, "qwen3-coder");
	assert_int_equal(s->turns[0].llm[0].input_tokens, 7);
	rf_free(&r);
}

static void test_keep_events(void **state)
{
	struct rf_run r;
	struct tv_session *s;
	char *expect;

	(void)state;
	run_pretty(&r, TURN, true);
	check_turn(&r);
	s = rf_session(&r, "s-1");
	assert_int_equal(s->n_events, 4);
	/* the object as written, minified */
	expect = tv_strndup(PROMPT, strlen(PROMPT) - 1);
	assert_string_equal(s->events[0], expect);
	free(expect);
	rf_free(&r);
}

/* metric objects in every shape seen: counted as skipped, no session */
static void test_metrics(void **state)
{
	struct rf_run r;

	(void)state;
	run_pretty(&r,
		   METRICS METRICS "{\"descriptor\":{\"name\":\"x\"},\"dataPoints\":[]}\n"
				   "{\"dataPoints\":[{\"value\":1}]}\n",
		   false);
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.st.records_read, 4);
	assert_int_equal(r.st.records_skipped, 4);
	assert_int_equal(r.n, 0);
	rf_free(&r);
}

/* ---- spans (ReadableSpan) ---- */

#define SPAN(id, parent, name, start, end, status, attrs)                                          \
	"{\"resource\":{\"_rawAttributes\":"                                                       \
	"[[\"service.name\",\"gemini-cli\"]]},\"name\":\"" name "\",\"kind\":0,\"_spanContext\":{" \
	"\"traceId\":\"0af7651916cd43dd8448eb211c80319c\",\"spanId\":\"" id "\","                  \
	"\"traceFlags\":1}," parent "\"startTime\":[" start "],\"endTime\":[" end "],"             \
	"\"attributes\":{" attrs "},\"status\":" status ",\"events\":[],\"links\":[]}\n"
#define ROOT                                                                         \
	SPAN("b7ad6b7169203331", "", "invoke_agent", "1751360400,0", "1751360402,0", \
	     "{\"code\":0}",                                                         \
	     "\"gen_ai.operation.name\":\"invoke_agent\","                           \
	     "\"gen_ai.conversation.id\":\"s-9\"")
#define CHAT                                                                                   \
	SPAN("00f067aa0ba902b7", "\"parentSpanId\":\"b7ad6b7169203331\",", "llm_call",         \
	     "1751360400,100000000", "1751360401,100000000", "{\"code\":1}",                   \
	     "\"gen_ai.operation.name\":\"chat\",\"gen_ai.request.model\":\"gemini-2.5-pro\"," \
	     "\"gen_ai.usage.input_tokens\":100,\"gen_ai.usage.output_tokens\":20,"            \
	     "\"gen_ai.response.finish_reasons\":[\"stop\"]")
#define EXEC                                                                           \
	SPAN("53995c3f42cd8ad8",                                                       \
	     "\"parentSpanContext\":{\"traceId\":"                                     \
	     "\"0af7651916cd43dd8448eb211c80319c\",\"spanId\":\"b7ad6b7169203331\"},", \
	     "tool_call", "1751360401,200000000", "1751360401,300000000",              \
	     "{\"code\":2,\"message\":\"denied\"}",                                    \
	     "\"gen_ai.operation.name\":\"execute_tool\","                             \
	     "\"gen_ai.tool.name\":\"write_file\",\"gen_ai.tool.call.arguments\":{\"path\":\"a\"}")

static void test_spans(void **state)
{
	struct rf_run r;
	struct tv_turn *t;

	(void)state;
	run_pretty(&r, ROOT CHAT METRICS EXEC, false);
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.st.records_read, 4);
	assert_int_equal(r.st.records_used, 3);
	assert_int_equal(r.st.records_skipped, 1);
	t = &rf_session(&r, "s-9")->turns[0];
	assert_int_equal(t->start_time, rf_ts("2025-07-01T09:00:00Z"));
	assert_int_equal(t->end_time, rf_ts("2025-07-01T09:00:02Z"));
	assert_int_equal(t->n_llm, 1);
	assert_string_equal(t->llm[0].model, "gemini-2.5-pro");
	assert_int_equal(t->llm[0].input_tokens, 100);
	assert_int_equal(t->llm[0].output_tokens, 20);
	assert_string_equal(t->llm[0].finish_reason, "stop");
	assert_int_equal(t->llm[0].duration, 1000 * TV_NS_PER_MS);
	assert_int_equal(t->n_tools, 1);
	assert_string_equal(t->tools[0].name, "write_file");
	assert_int_equal(t->tools[0].success, 0);
	assert_string_equal(t->tools[0].error, "denied");
	assert_int_equal(t->tools[0].duration, 100 * TV_NS_PER_MS);
	rf_free(&r);
}

/* ---- bad input ---- */

static void test_empty(void **state)
{
	struct rf_run r;

	(void)state;
	run_str(&r, "");
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.st.records_read, 0);
	rf_free(&r);
	run_str(&r, "\n \n\n");
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.st.records_read, 0);
	rf_free(&r);
}

static void test_crlf_bom(void **state)
{
	char *doc = rf_pretty(TURN), *crlf = malloc(strlen(doc) * 2 + 4);
	size_t n = 3;
	struct rf_run r;

	(void)state;
	assert_non_null(crlf);
	memcpy(crlf, "\xef\xbb\xbf", 3);
	for (const char *p = doc; *p; p++) {
		if (*p == '\n') {
			crlf[n++] = '\r';
		}
		crlf[n++] = *p;
	}
	rf_run_data(&r, crlf, n, rf_fmt("outfile"), 0, false);
	check_turn(&r);
	rf_free(&r);
	free(crlf);
	free(doc);
}

/* bad objects between good ones: each rejected at its first line, the rest read */
static void test_bad_objects(void **state)
{
	static const struct {
		const char *text; /* already pretty, ends with "\n" */
		const char *why;
	} bad[] = {
		{ "Starting telemetry...\n", "text outside any JSON value" },
		{ "{\n  \"hello\": 1\n}\n", "not a telemetry object" },
		{ "[\n  1\n]\n", "not a telemetry object" },
		{ "{\n  \"hrTime\": [\n    1,\n    2\n  ],\n  \"attributes\": \"x\"\n}\n",
		  "attributes is not an object" },
		{ "{\n  \"_spanContext\": {},\n  \"name\": \"x\",\n  \"startTime\": [\n    1,\n"
		  "    0\n  ]\n}\n",
		  "_spanContext.traceId is missing" },
		{ "{\n  \"_spanContext\": {\n    \"traceId\": \"01\",\n    \"spanId\": \"02\"\n  },\n"
		  "  \"name\": \"x\",\n  \"startTime\": \"now\"\n}\n",
		  "startTime is not [seconds" },
		{ "{\n  \"_spanContext\": {\n    \"traceId\": \"01\",\n    \"spanId\": \"02\"\n  },\n"
		  "  \"name\": \"x\",\n  \"startTime\": [\n    1,\n    0\n  ],\n  \"status\": {\n"
		  "    \"code\": 9\n  }\n}\n",
		  "status.code is not 0, 1 or 2" },
		{ "{\n  \"_spanContext\": {\n    \"traceId\": \"01\",\n    \"spanId\": \"02\"\n  },\n"
		  "  \"name\": \"x\",\n  \"startTime\": [\n    1,\n    0\n  ],\n  \"attributes\": [\n"
		  "  ]\n}\n",
		  "attributes is not an object" },
		{ "{\n  \"hrTime\": [\n    1,\n    2\n  ],\n  \"attributes\": {\n    \"a\": \"\xc3\x28\"\n"
		  "  }\n}\n",
		  "invalid JSON" },
		{ "{\n  \"hrTime\": [\n    1,\n    2\n  ],\n  \"attributes\": {\n    \"a\": 1,\n  }\n}\n",
		  "invalid JSON" },
		{ "{\n  \"a\": 1\n}{\n  \"hrTime\": 2\n}\n", "not a telemetry object" },
		{ "{\n  \"a\": {\n    \"b\": [\n{\n  \"hrTime\": [\n    1,\n    2\n  ]\n}\n",
		  "truncated JSON value" },
	};
	size_t n = sizeof(bad) / sizeof(bad[0]);
	uint64_t lines[sizeof(bad) / sizeof(bad[0])];
	char *good = rf_pretty(PROMPT), *good2 = rf_pretty(REQUEST);
	struct tv_strbuf b;
	struct rf_run r;
	uint64_t line;

	(void)state;
	tv_strbuf_init(&b);
	assert_int_equal(tv_strbuf_puts(&b, good), 0);
	for (size_t i = 0; i < n; i++) {
		line = 1;
		for (size_t k = 0; k < b.len; k++) {
			line += b.p[k] == '\n';
		}
		lines[i] = line;
		assert_int_equal(tv_strbuf_puts(&b, bad[i].text), 0);
	}
	assert_int_equal(tv_strbuf_puts(&b, good2), 0);
	rf_run_data(&r, b.p, b.len, rf_fmt("outfile"), 0, false);
	assert_int_equal(r.ret, 0);
	for (size_t i = 0; i < n; i++) {
		rf_assert_msg(&r, lines[i], bad[i].why);
	}
	/* `}{`: two objects on one line, each read (and rejected) on its own */
	assert_int_equal(r.st.records_rejected, n + 1);
	assert_int_equal(r.st.records_used, 2);
	assert_int_equal(rf_session(&r, "s-1")->turns[0].n_llm, 1);
	rf_free(&r);
	tv_strbuf_finish(&b);
	free(good);
	free(good2);
}

/* the writer died mid-object: the last one is cut short */
static void test_truncated_final(void **state)
{
	char *doc = rf_pretty(PROMPT REQUEST);
	struct rf_run r;

	(void)state;
	rf_run_data(&r, doc, strlen(doc) - 50, rf_fmt("outfile"), 0, false);
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.st.records_used, 1);
	assert_int_equal(r.st.records_rejected, 1);
	assert_non_null(strstr(r.msgs[0].text, "unterminated JSON value"));
	rf_free(&r);
	free(doc);
}

static void test_nul_deep_big(void **state)
{
	const char nul[] = "{\n  \"hrTime\": [\n    1,\n    2\n  ],\n  \"attributes\": {\n"
			   "    \"a\": \"x\0y\"\n  }\n}\n";
	char *good = rf_pretty(PROMPT);
	struct tv_strbuf b;
	struct rf_run r;

	(void)state;
	tv_strbuf_init(&b);
	assert_int_equal(tv_strbuf_append(&b, nul, sizeof(nul) - 1), 0);
	assert_int_equal(tv_strbuf_puts(&b, good), 0);
	rf_run_data(&r, b.p, b.len, rf_fmt("outfile"), 0, false);
	assert_int_equal(r.st.records_rejected, 1);
	assert_int_equal(r.st.records_used, 1);
	rf_assert_msg(&r, 1, "invalid JSON");
	rf_free(&r);
	/* 10,000 levels of nesting */
	tv_strbuf_reset(&b);
	assert_int_equal(tv_strbuf_puts(&b, "{\n  \"attributes\":\n"), 0);
	for (int i = 0; i < 10000; i++) {
		assert_int_equal(tv_strbuf_puts(&b, "  [\n"), 0);
	}
	for (int i = 0; i < 10000; i++) {
		assert_int_equal(tv_strbuf_puts(&b, "  ]\n"), 0);
	}
	assert_int_equal(tv_strbuf_puts(&b, "}\n"), 0);
	assert_int_equal(tv_strbuf_puts(&b, good), 0);
	rf_run_data(&r, b.p, b.len, rf_fmt("outfile"), 0, false);
	assert_int_equal(r.st.records_rejected, 1);
	assert_int_equal(r.st.records_used, 1);
	rf_assert_msg(&r, 1, "invalid JSON");
	rf_free(&r);
	/* over the record limit: skipped whole */
	tv_strbuf_reset(&b);
	assert_int_equal(tv_strbuf_puts(&b, good), 0);
	assert_int_equal(tv_strbuf_puts(&b, "{\n  \"hrTime\": [\n    1,\n    2\n  ],\n"), 0);
	for (int i = 0; i < 100; i++) {
		assert_int_equal(tv_strbuf_printf(&b, "  \"k%d\": \"%0100d\",\n", i, i), 0);
	}
	assert_int_equal(tv_strbuf_puts(&b, "  \"attributes\": {}\n}\n"), 0);
	assert_int_equal(tv_strbuf_puts(&b, good), 0);
	rf_run_data(&r, b.p, b.len, rf_fmt("outfile"), strlen(good) + 100, false);
	assert_int_equal(r.st.records_rejected, 1);
	assert_int_equal(r.st.records_used, 2);
	assert_non_null(strstr(r.msgs[0].text, "larger than the record limit"));
	rf_free(&r);
	tv_strbuf_finish(&b);
	free(good);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_turn),
		cmocka_unit_test(test_resource),
		cmocka_unit_test(test_times),
		cmocka_unit_test(test_qwen),
		cmocka_unit_test(test_keep_events),
		cmocka_unit_test(test_metrics),
		cmocka_unit_test(test_spans),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_crlf_bom),
		cmocka_unit_test(test_bad_objects),
		cmocka_unit_test(test_truncated_final),
		cmocka_unit_test(test_nul_deep_big),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
