// SPDX-License-Identifier: MIT
/*
 * tv_read_collector: the collector's debug exporter text, read through
 * tv_read_file() and the Gemini/Qwen mapper into sessions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "libcommon/read/tv_reader.h"
#include "libcommon/core/tv_time.h"

#include "reader_fixture.h"

/* Read @data as collector-log into @r (freeing what it held). */
static void run_data(struct rf_run *r, const char *data, size_t n, size_t max_record,
		     bool keep_events)
{
	rf_free(r);
	rf_run_data(r, data, n, rf_fmt("collector-log"), max_record, keep_events);
}

static void run_str(struct rf_run *r, const char *data)
{
	run_data(r, data, strlen(data), 0, false);
}

/* ---- fixtures ---- */

#define SID "b9280381-505c-433a-a0f5-731345d35f87"
#define PID SID "########0"

#define ZAP "2025-07-27T08:53:44.100+0000\tinfo\t"
#define LOGS_HDR ZAP "Logs\t{\"otelcol.component.id\": \"debug\", \"resource logs\": 1}\n"
#define TRAILER "\t{\"otelcol.component.id\": \"debug\", \"otelcol.signal\": \"logs\"}\n"
#define SCOPE "ScopeLogs #0\nScopeLogs SchemaURL: \nInstrumentationScope gemini-cli \n"
#define RECORD_HEAD(n, t)            \
	"LogRecord #" n "\n"         \
	"ObservedTimestamp: " t "\n" \
	"Timestamp: " t "\n"         \
	"SeverityText: \n"           \
	"SeverityNumber: Unspecified(0)\n"
#define RECORD_TAIL "Trace ID: \nSpan ID: \nFlags: 0\n"

/* one turn: a prompt, a request, its response, a tool call with multi-line arguments */
#define TURN_RECORDS(sid, pfx)                                                                                                                                                                        \
	RECORD_HEAD("0", "2025-07-27 08:52:48.314 +0000 UTC")                                                                                                                                         \
	"Body: Str(User prompt. Length: 12.)\n"                                                                                                                                                       \
	"Attributes:\n"                                                                                                                                                                               \
	"     -> session.id: Str(" sid ")\n"                                                                                                                                                          \
	"     -> event.name: Str(" pfx ".user_prompt)\n"                                                                                                                                              \
	"     -> prompt_length: Int(12)\n"                                                                                                                                                            \
	"     -> prompt_id: Str(" sid "#0)\n"                                                                                                                                                         \
	"     -> prompt: Str(list the files)\n" RECORD_TAIL RECORD_HEAD(                                                                                                                              \
		"1",                                                                                                                                                                                  \
		"2025-07-27 08:52:48.5 +0000 UTC") "Body: Str(API request to gemini-2.5-pro.)\n"                                                                                                      \
						   "Attributes:\n"                                                                                                                                    \
						   "     -> session.id: Str(" sid ")\n"                                                                                                               \
						   "     -> event.name: Str(" pfx                                                                                                                     \
						   ".api_request)\n"                                                                                                                                  \
						   "     -> model: Str(gemini-2.5-pro)\n"                                                                                                             \
						   "     -> prompt_id: Str(" sid                                                                                                                      \
						   "#0)\n" RECORD_TAIL RECORD_HEAD(                                                                                                                   \
							   "2",                                                                                                                                       \
							   "2025-07-27 08:52:51.5 +0000 UTC") "Body: Str(API response from gemini-2.5-pro. Status: 200. Duration: 3000ms.)\n"                         \
											      "Attributes:\n"                                                                                         \
											      "     -> session.id: Str(" sid                                                                          \
											      ")\n"                                                                                                   \
											      "     -> event.name: Str(" pfx                                                                          \
											      ".api_response)\n"                                                                                      \
											      "     -> model: Str(gemini-2.5-pro)\n"                                                                  \
											      "     -> status_code: Int(200)\n"                                                                       \
											      "     -> duration_ms: Int(3000)\n"                                                                      \
											      "     -> input_token_count: Int(100)\n"                                                                 \
											      "     -> output_token_count: Int(20)\n"                                                                 \
											      "     -> total_token_count: Int(120)\n"                                                                 \
											      "     -> prompt_id: Str(" sid                                                                           \
											      "#0)\n" RECORD_TAIL RECORD_HEAD(                                                                        \
												      "3",                                                                                            \
												      "2025-07-27 08:52:52 +0000 UTC") "Body: Str(Tool call: glob. Success: true. Duration: 55ms.)\n" \
																       "Attributes:\n"                                                \
																       "     -> session.id: Str(" sid                                 \
																       ")\n"                                                          \
																       "     -> event.name: Str(" pfx                                 \
																       ".tool_call)\n"                                                \
																       "     -> function_name: Str(glob)\n"                           \
																       "     -> function_args: Str({\n"                               \
																       "  \"pattern\": \"**/*.c (not .h)\",\n"                        \
																       "  \"path\": \"src/\"\n"                                       \
																       "})\n"                                                         \
																       "     -> duration_ms: Int(55)\n"                               \
																       "     -> success: Bool(true)\n"                                \
																       "     -> prompt_id: Str(" sid                                  \
																       "#0)\n" RECORD_TAIL

static const char gemini_batch[] = LOGS_HDR ZAP "ResourceLog #0\n"
						"Resource SchemaURL: \n"
						"Resource attributes:\n"
						"     -> service.name: Str(gemini-cli)\n"
						"     -> session.id: Str(" SID
						")\n" SCOPE TURN_RECORDS(SID, "gemini_cli") TRAILER;

static void check_turn(const struct tv_session *s, const char *sid)
{
	const struct tv_turn *t;
	const struct tv_llm_call *c;
	const struct tv_tool_call *tc;
	char pid[128];

	snprintf(pid, sizeof(pid), "%s#0", sid);
	assert_int_equal(s->n_turns, 1);
	t = &s->turns[0];
	assert_string_equal(t->id, pid);
	assert_string_equal(t->prompt, "list the files");
	assert_int_equal(t->start_time, rf_ts("2025-07-27T08:52:48.314Z"));
	assert_int_equal(t->n_llm, 1);
	c = &t->llm[0];
	assert_string_equal(c->model, "gemini-2.5-pro");
	assert_int_equal(c->status, TV_STATUS_OK);
	assert_int_equal(c->status_code, 200);
	assert_int_equal(c->duration, 3000 * TV_NS_PER_MS);
	assert_int_equal(c->input_tokens, 100);
	assert_int_equal(c->output_tokens, 20);
	assert_int_equal(c->total_tokens, 120);
	assert_int_equal(t->n_tools, 1);
	tc = &t->tools[0];
	assert_string_equal(tc->name, "glob");
	assert_string_equal(tc->args_json, "{\"pattern\":\"**/*.c (not .h)\",\"path\":\"src/\"}");
	assert_int_equal(tc->duration, 55 * TV_NS_PER_MS);
	assert_int_equal(tc->success, 1);
	assert_int_equal(tc->time, rf_ts("2025-07-27T08:52:52Z") - 55 * TV_NS_PER_MS);
}

/* ---- tests ---- */

static void test_one_batch(void **state)
{
	struct rf_run *r = *state;
	struct tv_session *s;

	run_str(r, gemini_batch);
	assert_int_equal(r->ret, 0);
	assert_int_equal(r->n, 1);
	s = rf_session(r, SID);
	check_turn(s, SID);
	assert_string_equal(s->source_format, "collector-log");
	assert_string_equal(s->source_service, "gemini-cli");
	assert_int_equal(r->st.records_used, 4);
	assert_int_equal(r->st.records_skipped, 2); /* the Logs line and the trailer */
	assert_int_equal(r->st.records_rejected, 0);
	assert_int_equal(r->n_msgs, 0);
}

/* the turn that holds llm calls or tool calls (the first such) */
static const struct tv_turn *busy_turn(const struct tv_session *s)
{
	for (size_t i = 0; i < s->n_turns; i++) {
		if (s->turns[i].n_llm > 0 || s->turns[i].n_tools > 0) {
			return &s->turns[i];
		}
	}
	fail_msg("no turn with calls");
	return NULL;
}

/*
 * The real capture: 4- and 5-space arrows, an arrow with none after a
 * multi-line value.  Its user_prompt has no prompt_id, so which turn the
 * prompt lands in is the mapper's business: only the calls are checked.
 */
static void test_msioen(void **state)
{
	struct rf_run *r = *state;
	const char *shared = getenv("TV_SHARED");
	const struct tv_turn *t;
	struct tv_session *s;
	char path[4096];

	snprintf(path, sizeof(path),
		 "%s/reference/gemini-collector-log/"
		 "msioen_collector_log_excerpts.txt",
		 shared ? shared : "");
	if (shared == NULL || access(path, R_OK) != 0) {
		print_message("skipped: %s is not there\n", path);
		skip();
	}
	rf_run_file(r, path, rf_fmt("collector-log"), 0, false);
	assert_int_equal(r->ret, 0);
	assert_int_equal(r->st.records_read, 5);
	assert_int_equal(r->st.records_used, 5);
	assert_int_equal(r->n, 1);
	s = rf_session(r, SID);
	assert_string_equal(s->turns[0].prompt, "...");
	assert_int_equal(s->turns[0].start_time, rf_ts("2025-07-27T08:52:48.314Z"));
	t = busy_turn(s);
	assert_string_equal(t->id, PID);
	assert_int_equal(t->n_llm, 2);
	assert_string_equal(t->llm[0].model, "gemini-2.5-pro");
	assert_int_equal(t->llm[0].status, TV_STATUS_OK);
	assert_int_equal(t->llm[0].status_code, 200);
	assert_int_equal(t->llm[0].input_tokens, 12004);
	assert_int_equal(t->llm[0].output_tokens, 18);
	assert_int_equal(t->llm[0].cached_tokens, 3482);
	assert_int_equal(t->llm[0].thinking_tokens, 93);
	assert_int_equal(t->llm[0].total_tokens, 12115);
	assert_int_equal(t->llm[0].duration, 3430 * TV_NS_PER_MS);
	assert_string_equal(t->llm[1].model, "gemini-2.5-flash");
	assert_int_equal(t->llm[1].status, TV_STATUS_ERROR);
	assert_string_equal(t->llm[1].error,
			    "Please submit a new query to continue with the Flash model.");
	assert_int_equal(t->n_tools, 1);
	assert_string_equal(t->tools[0].name, "glob");
	assert_string_equal(t->tools[0].args_json,
			    "{\"pattern\":\"**\",\"path\":\"smartscreen/\"}");
	assert_int_equal(t->tools[0].duration, 55 * TV_NS_PER_MS);
	assert_int_equal(t->tools[0].success, 1);
	assert_int_equal(t->tools[0].time, rf_ts("2025-07-27T08:53:43.025Z"));
	assert_true(s->has_error);
}

/*
 * A batch with two ResourceLog blocks (the second unprefixed), each giving
 * session.id only as a resource attribute; then a second batch.
 */
static void test_resource_blocks(void **state)
{
	struct rf_run *r = *state;
	static const char data[] =
		"2025-07-27T08:52:40.000+0000\tinfo\tservice@v0.129.0/service.go:199\t"
		"Starting otelcol-contrib...\t{\"NumCPU\": 8}\n" LOGS_HDR ZAP "ResourceLog #0\n"
		"Resource SchemaURL: https://opentelemetry.io/schemas/1.25.0\n"
		"Resource attributes:\n"
		"     -> service.name: Str(qwen-code)\n"
		"     -> session.id: Str(sess-a)\n" SCOPE RECORD_HEAD(
			"0",
			"2025-07-27 08:52:48 +0000 UTC") "Body: Str(User prompt. Length: 1.)\n"
							 "Attributes:\n"
							 "     -> event.name: Str(qwen-code.user_prompt)\n"
							 "     -> prompt_id: Str(a#1)\n"
							 "     -> prompt: Str(first)\n" RECORD_TAIL
							 "ResourceLog #1\n"
							 "Resource SchemaURL: \n"
							 "Resource attributes:\n"
							 "     -> service.name: Str(qwen-code)\n"
							 "     -> session.id: Str(sess-b)\n"
							 "ScopeLogs #0\n"
							 "ScopeLogs SchemaURL: \n"
							 "InstrumentationScope qwen-code 0.1\n"
							 "InstrumentationScope attributes:\n"
							 "     -> scope.note: Str(not a\n"
							 "resource attribute)\n" RECORD_HEAD(
								 "0",
								 "2025-07-27 08:52:49 +0000 UTC") "Body: Str(User prompt. Length: 1.)\n"
												  "Attributes:\n"
												  "     -> event.name: Str(qwen-code.user_prompt)\n"
												  "     -> prompt_id: Str(b#1)\n"
												  "     -> prompt: Str(second)\n" RECORD_TAIL RECORD_HEAD(
													  "1",
													  "2025-07-27 08:52:50 +0000 UTC") "Body: Str(User prompt. Length: 1.)\n"
																	   "Attributes:\n"
																	   "     -> event.name: Str(qwen-code.user_prompt)\n"
																	   "     -> prompt_id: Str(b#2)\n"
																	   "     -> prompt: Str(third)\n" RECORD_TAIL
																		   TRAILER LOGS_HDR
																			   ZAP
																	   "ResourceLog #0\n"
																	   "Resource SchemaURL: \n"
																	   "Resource attributes:\n"
																	   "     -> session.id: Str(sess-a)\n" SCOPE RECORD_HEAD(
																		   "0",
																		   "2025-07-27 08:53:00 +0000 UTC") "Body: Str(User prompt. Length: 1.)\n"
																						    "Attributes:\n"
																						    "     -> event.name: Str(qwen-code.user_prompt)\n"
																						    "     -> prompt_id: Str(a#2)\n"
																						    "     -> prompt: Str(fourth)\n" RECORD_TAIL
																							    TRAILER;
	struct tv_session *a, *b;

	run_str(r, data);
	assert_int_equal(r->ret, 0);
	assert_int_equal(r->n, 2);
	a = rf_session(r, "sess-a");
	b = rf_session(r, "sess-b");
	assert_int_equal(a->n_turns, 2);
	assert_string_equal(a->turns[0].prompt, "first");
	assert_string_equal(a->turns[1].prompt, "fourth");
	assert_int_equal(b->n_turns, 2);
	assert_string_equal(b->turns[0].prompt, "second");
	assert_string_equal(b->turns[1].prompt, "third");
	assert_string_equal(b->source_service, "qwen-code");
	assert_null(strstr(tv_kvlist_find(&b->metadata, "resource"), "scope.note"));
	assert_int_equal(r->st.records_used, 4);
	assert_int_equal(r->st.records_skipped, 5); /* Starting, 2 Logs, 2 trailers */
	assert_int_equal(r->st.records_rejected, 0);
}

/* A multi-line Str value runs until the next attribute, whatever its lines say. */
static void test_multiline_values(void **state)
{
	struct rf_run *r = *state;
	static const char data[] = RECORD_HEAD(
		"0",
		"2025-07-27 08:52:48 +0000 UTC") "Body: Str(User prompt.\n"
						 "Second body line)\n"
						 "Attributes:\n"
						 "     -> session.id: Str(s1)\n"
						 "     -> event.name: Str(gemini_cli.user_prompt)\n"
						 "     -> prompt_id: Str(s1#0)\n"
						 "     -> prompt: Str(fix this (please)\n"
						 "\n"
						 "Attributes:\n"
						 "Timestamp: not a field\n"
						 "  -> not: an attribute\n"
						 "LogRecord 7\n"
						 "the end))\n"
						 "-> prompt_length: Int(99)\n" RECORD_TAIL;
	struct tv_session *s;

	run_str(r, data);
	assert_int_equal(r->ret, 0);
	s = rf_session(r, "s1");
	assert_int_equal(s->n_turns, 1);
	assert_string_equal(s->turns[0].prompt,
			    "fix this (please)\n\nAttributes:\nTimestamp: not a field\n"
			    "  -> not: an attribute\nLogRecord 7\nthe end)");
	assert_int_equal(r->st.records_used, 1);
	assert_int_equal(r->st.records_rejected, 0);
}

/* The value types, as the mapper writes them into events. */
static void test_value_types(void **state)
{
	struct rf_run *r = *state;
	static const char data[] = RECORD_HEAD(
		"0", "2025-07-27 08:52:48 +0000 UTC") "EventName: gemini_cli.user_prompt\n"
						      "Body: Map({\"k\":[1,2]})\n"
						      "Attributes:\n"
						      "     -> session.id: Str(s1)\n"
						      "     -> s: Str(...)\n"
						      "     -> i: Int(-42)\n"
						      "     -> d: Double(1.5)\n"
						      "     -> t: Bool(true)\n"
						      "     -> f: Bool(false)\n"
						      "     -> e: Empty()\n"
						      "     -> by: Bytes(AAEC)\n"
						      "     -> sl: Slice([\"a\",\"b\"])\n"
						      "     -> m: Map({\"x\":{\"y\":null}})\n"
						      "     -> bad_map: Map({\"x\":)\n"
						      "     -> paren: Str(a)b))\n"
						      "Trace ID: 0102030405060708090a0b0c0d0e0f10\n"
						      "Span ID: 0102030405060708\n"
						      "Flags: 0\n";
	struct tv_session *s;
	const char *ev;

	run_data(r, data, sizeof(data) - 1, 0, true);
	assert_int_equal(r->ret, 0);
	s = rf_session(r, "s1");
	assert_int_equal(s->n_events, 1);
	ev = s->events[0];
	assert_non_null(strstr(ev, "\"name\":\"gemini_cli.user_prompt\""));
	assert_non_null(strstr(ev, "\"body\":{\"k\":[1,2]}"));
	assert_non_null(strstr(ev, "\"s\":\"...\""));
	assert_non_null(strstr(ev, "\"i\":-42"));
	assert_non_null(strstr(ev, "\"d\":1.5"));
	assert_non_null(strstr(ev, "\"t\":true"));
	assert_non_null(strstr(ev, "\"f\":false"));
	assert_non_null(strstr(ev, "\"e\":null"));
	assert_non_null(strstr(ev, "\"by\":\"AAEC\""));
	assert_non_null(strstr(ev, "\"sl\":[\"a\",\"b\"]"));
	assert_non_null(strstr(ev, "\"m\":{\"x\":{\"y\":null}}"));
	assert_non_null(strstr(ev, "\"bad_map\":\"{\\\"x\\\":\""));
	assert_non_null(strstr(ev, "\"paren\":\"a)b)\""));
	assert_non_null(strstr(ev, "\"trace_id\":\"0102030405060708090a0b0c0d0e0f10\""));
	/* EventName named the event: a turn was started */
	assert_int_equal(s->n_turns, 1);
}

/* A zero Timestamp means unset: the observed time is used. */
static void test_zero_timestamp(void **state)
{
	struct rf_run *r = *state;
	static const char data[] = "LogRecord #0\n"
				   "ObservedTimestamp: 2025-07-27 08:52:48.08 +0000 UTC\n"
				   "Timestamp: 1970-01-01 00:00:00 +0000 UTC\n"
				   "Body: Str(x)\n"
				   "Attributes:\n"
				   "     -> session.id: Str(s1)\n"
				   "     -> event.name: Str(gemini_cli.user_prompt)\n"
				   "     -> prompt: Str(p)\n" RECORD_TAIL;

	run_str(r, data);
	assert_int_equal(r->ret, 0);
	assert_int_equal(rf_session(r, "s1")->turns[0].start_time,
			 rf_ts("2025-07-27T08:52:48.080Z"));
}

/* Cut off at EOF: delivered when it has attributes, else rejected. */
static void test_truncated(void **state)
{
	struct rf_run *r = *state;
	static const char with_attrs[] = TURN_RECORDS("s1", "gemini_cli") RECORD_HEAD(
		"4",
		"2025-07-27 08:53:00 +0000 UTC") "Body: Str(API response from m.)\n"
						 "Attributes:\n"
						 "     -> session.id: Str(s1)\n"
						 "     -> event.name: Str(gemini_cli.api_response)\n"
						 "     -> model: Str(m)\n"
						 "     -> prompt_id: Str(s1#0)\n"
						 "     -> input_token_count: Int(7)\n"
						 "     -> response_text: Str({\n"
						 "  \"cut";
	static const char without[] = TURN_RECORDS("s1", "gemini_cli") "\n" RECORD_HEAD(
		"4", "2025-07-27 08:53:00 +0000 UTC") "Body: Str(API resp";
	const struct tv_turn *t;

	/* cut off inside a value: the record is rejected, the others kept */
	run_str(r, with_attrs);
	assert_int_equal(r->ret, 0);
	t = &rf_session(r, "s1")->turns[0];
	assert_int_equal(t->n_llm, 1);
	assert_int_equal(r->st.records_used, 4);
	assert_int_equal(r->st.records_rejected, 1);
	assert_true(rf_has_msg(r, 69, "truncated log record"));

	run_str(r, without);
	assert_int_equal(r->ret, 0);
	check_turn(rf_session(r, "s1"), "s1");
	assert_int_equal(r->st.records_used, 4);
	assert_int_equal(r->st.records_rejected, 1);
	assert_true(rf_has_msg(r, 70, "truncated log record")); /* after 68 lines and a blank */
}

/* A record cut short by the next one, and garbage between records. */
static void test_garbage(void **state)
{
	struct rf_run *r = *state;
	static const char data[] = "this is not a collector log\n" /* 1 */
				   "\n"
				   "   \n" RECORD_HEAD("0", "2025-07-27 08:52:48 +0000 UTC") /* 4 */
		"Body: Str(x)\n" RECORD_HEAD("1", "2025-07-27 08:52:48 +0000 UTC") /* 10 */
		"Body: Str(User prompt.)\n"
		"Attributes:\n"
		"     -> session.id: Str(s1)\n"
		"     -> event.name: Str(gemini_cli.user_prompt)\n"
		"     -> prompt: Str(p)\n" RECORD_TAIL	      /* 20-22 */
		"Flags: 0\n"				      /* 23 */
		"     -> orphan: Str(x)\n"		      /* 24 */
		"\x01\x02\xff\xfe\n"			      /* 25 */
		"Timestamp: 2025-07-27 08:52:48 +0000 UTC\n"; /* 26 */

	run_str(r, data);
	assert_int_equal(r->ret, 0);
	assert_int_equal(rf_session(r, "s1")->n_turns, 1);
	assert_int_equal(r->st.records_used, 1);
	assert_int_equal(r->st.records_rejected, 6);
	assert_true(rf_has_msg(r, 1, "unrecognized line"));
	assert_true(rf_has_msg(r, 4, "truncated log record"));
	assert_true(rf_has_msg(r, 23, "unrecognized line"));
	assert_true(rf_has_msg(r, 24, "unrecognized line"));
	assert_true(rf_has_msg(r, 25, "unrecognized line"));
	assert_true(rf_has_msg(r, 26, "unrecognized line"));
}

/* CRLF line ends and a BOM give the same sessions. */
static void test_crlf_bom(void **state)
{
	struct rf_run *r = *state;
	struct tv_strbuf b;

	tv_strbuf_init(&b);
	assert_int_equal(tv_strbuf_puts(&b, "\xef\xbb\xbf"), 0);
	for (const char *p = gemini_batch; *p != '\0'; p++) {
		if (*p == '\n') {
			assert_int_equal(tv_strbuf_putc(&b, '\r'), 0);
		}
		assert_int_equal(tv_strbuf_putc(&b, *p), 0);
	}
	run_data(r, b.p, b.len, 0, false);
	tv_strbuf_finish(&b);
	assert_int_equal(r->ret, 0);
	assert_int_equal(r->n, 1);
	check_turn(rf_session(r, SID), SID);
	assert_int_equal(r->st.records_used, 4);
	assert_int_equal(r->st.records_skipped, 2);
	assert_int_equal(r->st.records_rejected, 0);
}

/* Metrics and spans are not session data: one skipped record per Metric and Span. */
static void test_metrics_and_spans(void **state)
{
	struct rf_run *r = *state;
	static const char data[] = ZAP
		"Metrics\t{\"otelcol.component.id\": \"debug\", \"metrics\": 2}\n" ZAP
		"ResourceMetrics #0\n"
		"Resource SchemaURL: \n"
		"Resource attributes:\n"
		"     -> service.name: Str(gemini-cli)\n"
		"     -> session.id: Str(s9)\n"
		"ScopeMetrics #0\n"
		"ScopeMetrics SchemaURL: \n"
		"InstrumentationScope gemini-cli \n"
		"Metric #0\n"
		"Descriptor:\n"
		"     -> Name: gemini_cli.token.usage\n"
		"     -> Description: \n"
		"     -> Unit: 1\n"
		"     -> DataType: Sum\n"
		"NumberDataPoints #0\n"
		"Data point attributes:\n"
		"     -> session.id: Str(s9)\n"
		"     -> type: Str(input\n"
		"Attributes:)\n"
		"StartTimestamp: 2025-07-27 08:52:40 +0000 UTC\n"
		"Timestamp: 2025-07-27 08:52:50 +0000 UTC\n"
		"Value: 123\n"
		"Metric #1\n"
		"Descriptor:\n"
		"     -> Name: gemini_cli.api.request.latency\n"
		"     -> DataType: Histogram\n"
		"HistogramDataPoints #0\n"
		"Count: 1\n"
		"Sum: 3000.000000\n"
		"ExplicitBounds #0: 0.000000\n"
		"Buckets #0, Count: 0\n"
		"\t{\"otelcol.component.id\": \"debug\", \"otelcol.signal\": \"metrics\"}\n" ZAP
		"Traces\t{\"otelcol.component.id\": \"debug\"}\n" ZAP "ResourceSpans #0\n"
		"Resource SchemaURL: \n"
		"ScopeSpans #0\n"
		"Span #0\n"
		"    Trace ID       : fafdac970271dd2ce89de2442c0518c7\n"
		"    Name           : llm_call\n"
		"Attributes:\n"
		"     -> session.id: Str(s9)\n"
		"Span #1\n"
		"    Name           : tool_call\n"
		"\t{\"otelcol.component.id\": \"debug\", \"otelcol.signal\": \"traces\"}\n"
		"ResourceMetrics #0\n"
		"Metric #0\n"
		"Value: 1\n"
		"LogRecord #0\n"
		"Timestamp: 2025-07-27 08:52:48 +0000 UTC\n"
		"Body: Str(x)\n"
		"Attributes:\n"
		"     -> session.id: Str(s1)\n"
		"     -> event.name: Str(gemini_cli.user_prompt)\n"
		"     -> prompt: Str(p)\n" RECORD_TAIL;

	run_str(r, data);
	assert_int_equal(r->ret, 0);
	assert_int_equal(r->n, 1);
	assert_string_equal(rf_session(r, "s1")->turns[0].prompt, "p");
	/* Metrics, 2 metrics, trailer, Traces, 2 spans, trailer, 1 metric */
	assert_int_equal(r->st.records_skipped, 9);
	assert_int_equal(r->st.records_used, 1);
	assert_int_equal(r->st.records_rejected, 0);
}

/* Qwen Code: `qwen-code.` event names, service from the resource. */
static void test_qwen(void **state)
{
	struct rf_run *r = *state;
	static const char data[] = LOGS_HDR ZAP
		"ResourceLog #0\n"
		"Resource SchemaURL: \n"
		"Resource attributes:\n"
		"     -> service.name: Str(qwen-code)\n" SCOPE TURN_RECORDS("q1", "qwen-code")
			TRAILER;
	struct tv_session *s;

	run_str(r, data);
	assert_int_equal(r->ret, 0);
	s = rf_session(r, "q1");
	check_turn(s, "q1");
	assert_string_equal(s->source_service, "qwen-code");
	assert_int_equal(s->usage.input_tokens, 100);
}

/* An overlong line is rejected on its own; reading goes on. */
static void test_overlong_line(void **state)
{
	struct rf_run *r = *state;
	struct tv_strbuf b;

	tv_strbuf_init(&b);
	assert_int_equal(
		tv_strbuf_puts(
			&b,
			RECORD_HEAD(
				"0",
				"2025-07-27 08:52:48 +0000 UTC") "Body: Str(x)\n"
								 "Attributes:\n"
								 "     -> session.id: Str(s1)\n"
								 "     -> event.name: Str(gemini_cli.user_prompt)\n"
								 "     -> prompt_id: Str(s1#0)\n"
								 "     -> prompt: Str("),
		0);
	for (int i = 0; i < 3000; i++) {
		assert_int_equal(tv_strbuf_putc(&b, 'a'), 0);
	}
	assert_int_equal(tv_strbuf_puts(&b, ")\n     -> prompt_length: Int(3000)\n" RECORD_TAIL),
			 0);
	run_data(r, b.p, b.len, 1024, false);
	tv_strbuf_finish(&b);
	/* the record holding the line is rejected whole, and counted once */
	assert_int_equal(r->ret, 0);
	assert_int_equal(r->n, 0);
	assert_int_equal(r->st.records_used, 0);
	assert_int_equal(r->st.records_rejected, 1);
	assert_int_equal(rf_count_msgs(r, RF_ANY_LEVEL, "log record longer than 1024 bytes"), 1);
	assert_true(rf_has_msg(r, 1, "log record longer than"));
}

/* A record larger than the limit over many lines is rejected whole. */
static void test_record_too_big(void **state)
{
	struct rf_run *r = *state;
	struct tv_strbuf b;

	tv_strbuf_init(&b);
	assert_int_equal(
		tv_strbuf_puts(
			&b,
			RECORD_HEAD("0",
				    "2025-07-27 08:52:48 +0000 UTC") "Body: Str(x)\n"
								     "Attributes:\n"
								     "     -> session.id: Str(s1)\n"
								     "     -> prompt: Str("),
		0);
	for (int i = 0; i < 100; i++) {
		assert_int_equal(tv_strbuf_puts(&b, "a line of a long prompt\n"), 0);
	}
	assert_int_equal(tv_strbuf_puts(&b, ")\n" RECORD_TAIL), 0);
	assert_int_equal(
		tv_strbuf_puts(
			&b,
			RECORD_HEAD(
				"1",
				"2025-07-27 08:52:49 +0000 UTC") "Body: Str(x)\n"
								 "Attributes:\n"
								 "     -> session.id: Str(s2)\n"
								 "     -> event.name: Str(gemini_cli.user_prompt)\n" RECORD_TAIL),
		0);
	run_data(r, b.p, b.len, 1024, false);
	tv_strbuf_finish(&b);
	assert_int_equal(r->ret, 0);
	assert_int_equal(r->n, 1);
	rf_session(r, "s2");
	assert_int_equal(r->st.records_rejected, 1);
	assert_true(rf_has_msg(r, 1, "log record longer than 1024 bytes"));
}

/* NUL bytes and invalid UTF-8 are kept (and made valid by the JSON writer). */
static void test_binary_values(void **state)
{
	struct rf_run *r = *state;
	static const char data[] = RECORD_HEAD(
		"0",
		"2025-07-27 08:52:48 +0000 UTC") "Body: Str(\xff\xfe)\n"
						 "Attributes:\n"
						 "     -> session.id: Str(s1)\n"
						 "     -> event.name: Str(gemini_cli.user_prompt)\n"
						 "     -> prompt: Str(a\0b\xc3)\n"
						 "     -> k\0ey: Int(1\0002)\n" RECORD_TAIL;

	run_data(r, data, sizeof(data) - 1, 0, true);
	assert_int_equal(r->ret, 0);
	assert_int_equal(r->n, 0);
	assert_int_equal(r->st.records_rejected, 1);
	assert_true(rf_has_msg(r, 1, "invalid UTF-8"));
}

/* A value that does not fit its type rejects the record, naming the attribute. */
static void test_bad_int(void **state)
{
	struct rf_run *r = *state;
	static const char data[] = RECORD_HEAD(
		"0",
		"2025-07-27 08:52:48 +0000 UTC") "Body: Str(x)\n"
						 "Attributes:\n"
						 "     -> session.id: Str(s1)\n"
						 "     -> event.name: Str(gemini_cli.user_prompt)\n"
						 "     -> prompt_length: Int(12x)\n" RECORD_TAIL;

	run_data(r, data, sizeof(data) - 1, 0, false);
	assert_int_equal(r->ret, 0);
	assert_int_equal(r->n, 0);
	assert_int_equal(r->st.records_rejected, 1);
	assert_true(rf_has_msg(r, 1, "prompt_length: Int value is not an integer"));
}

/* The stack trace of a collector error line belongs to that line. */
static void test_collector_stack_trace(void **state)
{
	struct rf_run *r = *state;
	static const char data[] =
		"2025-07-27T08:53:44.100+0000\terror\tinternal/queue_sender.go:128\t"
		"Exporting failed. Dropping data.\t{\"otelcol.component.id\": \"otlp\", "
		"\"error\": \"rpc error: code = Unavailable\"}\n"
		"go.opentelemetry.io/collector/exporter/exporterhelper/internal.NewQueueSender.func1\n"
		"\tgo.opentelemetry.io/collector/exporter@v0.129.0/exporterhelper/internal/"
		"queue_sender.go:128\n"
		"go.opentelemetry.io/collector/exporter/exporterhelper/internal/queuebatch."
		"(*disabledBatcher[...]).Consume\n"
		"\tgo.opentelemetry.io/collector/exporter@v0.129.0/exporterhelper/internal/"
		"queuebatch/disabled_batcher.go:23\n"
		"not a stack line\n"
		"go.opentelemetry.io/collector/after.garbage\n" RECORD_HEAD(
			"0",
			"2025-07-27 08:52:48 +0000 UTC") "Body: Str(x)\n"
							 "Attributes:\n"
							 "     -> session.id: Str(s1)\n"
							 "     -> event.name: Str(gemini_cli.user_prompt)\n" RECORD_TAIL;

	run_str(r, data);
	assert_int_equal(r->ret, 0);
	assert_int_equal(r->st.records_skipped, 1);
	assert_int_equal(r->st.records_used, 1);
	assert_int_equal(r->st.records_rejected, 2);
	assert_true(rf_has_msg(r, 6, "unrecognized line"));
	assert_true(rf_has_msg(r, 7, "unrecognized line"));
}

static void test_empty(void **state)
{
	struct rf_run *r = *state;

	run_str(r, "");
	assert_int_equal(r->ret, 0);
	assert_int_equal(r->n, 0);
	assert_int_equal(r->st.records_read, 0);
	run_str(r, "\n\n\xef\xbb\xbf\n");
	assert_int_equal(r->ret, 0);
	assert_int_equal(r->st.records_rejected, 1);
}

#define TEST(f) cmocka_unit_test_setup_teardown(f, rf_setup, rf_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_one_batch),
		TEST(test_msioen),
		TEST(test_resource_blocks),
		TEST(test_multiline_values),
		TEST(test_value_types),
		TEST(test_zero_timestamp),
		TEST(test_truncated),
		TEST(test_garbage),
		TEST(test_crlf_bom),
		TEST(test_metrics_and_spans),
		TEST(test_qwen),
		TEST(test_overlong_line),
		TEST(test_record_too_big),
		TEST(test_binary_values),
		TEST(test_bad_int),
		TEST(test_collector_stack_trace),
		TEST(test_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
