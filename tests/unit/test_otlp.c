// SPDX-License-Identifier: MIT
/*
 * tv_read_otlp: OTLP/JSON export requests, one per line or pretty-printed,
 * read through tv_read_file() into sessions (logs through the Gemini
 * mapper, spans through trace assembly), and every kind of bad input
 * rejected and counted.
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

/* Read @data as OTLP into @r. */
static void run_str(struct rf_run *r, const char *data)
{
	rf_run_data(r, data, strlen(data), rf_fmt("otlp"), 0, false);
}

/* ---- fixtures ---- */

#define KV(k, v) "{\"key\":\"" k "\",\"value\":" v "}"
#define STR(v) "{\"stringValue\":\"" v "\"}"
#define INT(v) "{\"intValue\":\"" v "\"}"
#define KS(k, v) KV(k, STR(v))
#define KI(k, v) KV(k, INT(v))

#define RESOURCE \
	"{\"attributes\":[" KS("service.name", "gemini-cli") "," KS("host.name", "devbox") "]}"
#define LOGS(recs)                                                                 \
	"{\"resourceLogs\":[{\"resource\":" RESOURCE ",\"scopeLogs\":[{\"scope\":" \
	"{\"name\":\"gemini-cli\"},\"logRecords\":[" recs "]}]}]}\n"
#define REC(t, name, attrs)                                               \
	"{\"timeUnixNano\":\"" t "\",\"observedTimeUnixNano\":\"" t "\"," \
	"\"severityNumber\":9,\"body\":{\"stringValue\":\"body of " name  \
	"\"},\"eventName\":\"" name                                       \
	"\",\"attributes\":[" KS("session.id", "s-1") "," KS("event.name", name) "," attrs "]}"

/* 2025-07-01T09:00:00Z, and so on */
#define T0 "1751360400000000000"
#define T1 "1751360400100000000"
#define T2 "1751360401100000000"
#define T3 "1751360401500000000"

#define PROMPT                                                                               \
	REC(T0, "gemini_cli.user_prompt",                                                    \
	    KS("prompt_id", "p1") "," KS("prompt", "list the files") "," KI("prompt_length", \
									    "14"))
#define REQUEST \
	REC(T1, "gemini_cli.api_request", KS("prompt_id", "p1") "," KS("model", "gemini-2.5-pro"))
#define RESPONSE                                                                                                                                   \
	REC(T2, "gemini_cli.api_response",                                                                                                         \
	    KS("prompt_id", "p1") "," KS("model", "gemini-2.5-pro") "," KV("duration_ms", "{\"intValue\":1000}") "," KI(                           \
		    "input_token_count",                                                                                                           \
		    "120") "," KI("output_token_count",                                                                                            \
				  "30") "," KI("cached_content_token_count",                                                                       \
					       "10") "," KI("thoughts_token_count",                                                                \
							    "5") "," KI("total_token_count",                                                       \
									"155") "," KI("status_code",                                               \
										      "200") "," KV("finish_reasons",                              \
												    "{\"arrayValue\":{\"values\":[" STR(           \
													    "STOP") "]}}") "," KS("response_text", \
																  "Here they are"))
#define TOOL                                                                                                                 \
	REC(T3, "gemini_cli.tool_call",                                                                                      \
	    KS("prompt_id", "p1") "," KS("function_name", "ls") "," KS("function_args", "{\\\"path\\\": \\\".\\\"}") "," KV( \
		    "success",                                                                                               \
		    "{\"boolValue\":true}") "," KI("duration_ms",                                                            \
						   "20") "," KS("decision",                                                  \
								"auto_accept") "," KS("tool_type",                           \
										      "native"))

/* one turn in two requests, as the collector's file exporter writes them */
#define GEMINI_JSONL LOGS(PROMPT "," REQUEST) LOGS(RESPONSE "," TOOL)

static void check_gemini_session(const struct rf_run *r)
{
	struct tv_session *s;
	struct tv_turn *t;
	struct tv_llm_call *c;
	struct tv_tool_call *x;

	assert_int_equal(r->ret, 0);
	assert_int_equal(r->n, 1);
	assert_int_equal(r->st.records_read, 4);
	assert_int_equal(r->st.records_used, 4);
	s = rf_session(r, "s-1");
	assert_string_equal(s->source_service, "gemini-cli");
	assert_string_equal(s->source_format, "otlp");
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
	assert_int_equal(c->status_code, 200);
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
	assert_string_equal(x->type, "native");
	assert_int_equal(s->usage.input_tokens, 120);
	assert_int_equal(s->usage.output_tokens, 30);
}

static void test_gemini_jsonl(void **state)
{
	struct rf_run r;

	(void)state;
	run_str(&r, GEMINI_JSONL);
	check_gemini_session(&r);
	assert_int_equal(r.n_msgs, 0);
	rf_free(&r);
}

/* the same requests pretty-printed give the same session */
static void test_gemini_pretty(void **state)
{
	char *doc = rf_pretty(GEMINI_JSONL);
	char *a, *b;
	struct rf_run r1, r2;

	(void)state;
	assert_non_null(strstr(doc, "{\n  \"resourceLogs\": [\n    {\n"));
	run_str(&r1, doc);
	check_gemini_session(&r1);
	run_str(&r2, GEMINI_JSONL);
	a = rf_session_text(r1.s[0]);
	b = rf_session_text(r2.s[0]);
	assert_string_equal(a, b);
	free(a);
	free(b);
	free(doc);
	rf_free(&r1);
	rf_free(&r2);
}

/* a JSONL file that opens with a request split over lines is read as documents */
static void test_mode_detection(void **state)
{
	struct rf_run r;

	(void)state;
	/* a first line that opens but does not close a value: documents */
	run_str(&r, "\n  \n{\"resourceLogs\": [{\"scopeLogs\": [{\"logRecords\": [\n" PROMPT
		    "\n]}]}]}\n" LOGS(REQUEST));
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.st.records_used, 2);
	assert_int_equal(r.st.records_rejected, 0);
	assert_int_equal(rf_session(&r, "s-1")->turns[0].n_llm, 1);
	rf_free(&r);
	/* blank lines between JSON lines */
	run_str(&r, "\n" LOGS(PROMPT) "\n   \n" LOGS(REQUEST) "\n");
	assert_int_equal(r.st.records_used, 2);
	assert_int_equal(r.st.records_rejected, 0);
	rf_free(&r);
}

static void test_crlf_bom(void **state)
{
	const char *data = "\xef\xbb\xbf"
			   "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[" PROMPT
			   "]}]}]}\r\n";
	struct rf_run r;
	char *doc = rf_pretty(GEMINI_JSONL), *crlf;
	size_t n = 0;

	(void)state;
	run_str(&r, data);
	assert_int_equal(r.st.records_used, 1);
	assert_string_equal(rf_session(&r, "s-1")->turns[0].prompt, "list the files");
	rf_free(&r);
	/* pretty documents with CRLF and a BOM */
	crlf = malloc(strlen(doc) * 2 + 4);
	assert_non_null(crlf);
	memcpy(crlf, "\xef\xbb\xbf", 3);
	n = 3;
	for (const char *p = doc; *p; p++) {
		if (*p == '\n') {
			crlf[n++] = '\r';
		}
		crlf[n++] = *p;
	}
	rf_run_data(&r, crlf, n, rf_fmt("otlp"), 0, false);
	check_gemini_session(&r);
	rf_free(&r);
	free(crlf);
	free(doc);
}

static void test_empty(void **state)
{
	struct rf_run r;

	(void)state;
	run_str(&r, "");
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.st.records_read, 0);
	assert_int_equal(r.n, 0);
	rf_free(&r);
	run_str(&r, "\n\n  \n");
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.st.records_read, 0);
	rf_free(&r);
	/* requests holding nothing */
	run_str(&r, "{\"resourceLogs\":[]}\n{\"resourceSpans\":[{\"scopeSpans\":[{}]}]}\n"
		    "{\"resourceLogs\":[{\"resource\":{}}]}\n");
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.st.records_read, 0);
	rf_free(&r);
}

/* every AnyValue kind, seen through the session's resource metadata */
static void test_any_values(void **state)
{
	const char *data =
		"{\"resourceLogs\":[{\"resource\":{\"attributes\":[" KS("s", "x\\\"y") "," KI("i", "-42") "," KV("i2", "{\"intValue\":7}") "," KV("d", "{\"doubleValue\":1.5}") "," KV("d2", "{\"doubleValue\":\"Infinity\"}") "," KV("d3", "{\"doubleValue\":\"2.25\"}") "," KV("b", "{\"boolValue\":false}") "," KV(
			"bytes",
			"{\"bytesValue\":\"AAE=\"}") "," KV("arr",
							    "{\"arrayValue\":{\"values\":[" STR("a") "," INT(
								    "1") ","
									 "{\"arrayValue\":{\"values\":[{\"boolValue\":true},{}]}},"
									 "{\"arrayValue\":{}}]}}") "," KV("map",
													  "{\"kvlistValue\":{\"values\":[" KS("k", "v") "," KV(
														  "n",
														  "{\"kvlistValue\":{\"values\":[{\"key\":\"m\"}]}}") "]}}") "," KV("empty",
																						    "{}") ","
																							  "{\"key\":\"novalue\"}," KV(
																								  "nullvalue",
																								  "null") "]},\"scopeLogs\":[{\"logRecords\":[" PROMPT
																									  "]}]}]}\n";
	struct rf_run r;
	const char *meta;

	(void)state;
	run_str(&r, data);
	assert_int_equal(r.st.records_used, 1);
	meta = tv_kvlist_find(&rf_session(&r, "s-1")->metadata, "resource");
	assert_non_null(meta);
	assert_string_equal(meta, "{\"s\":\"x\\\"y\",\"i\":-42,\"i2\":7,\"d\":1.5,\"d2\":null,"
				  "\"d3\":2.25,\"b\":false,\"bytes\":\"AAE=\","
				  "\"arr\":[\"a\",1,[true,null],[]],"
				  "\"map\":{\"k\":\"v\",\"n\":{\"m\":null}},"
				  "\"empty\":null,\"novalue\":null,\"nullvalue\":null}");
	rf_free(&r);
}

/* times: string or number; 0 or absent falls back to the observed time */
static void test_times(void **state)
{
	const char *data = LOGS("{\"timeUnixNano\":1751360400000000000,\"attributes\":[" KS("session.id", "a") "," KS(
		"event.name",
		"gemini_cli.user_prompt") "]},"
					  "{\"timeUnixNano\":\"0\",\"observedTimeUnixNano\":\"1751360460000000000\","
					  "\"attributes\":[" KS("session.id", "b") "," KS(
						  "event.name",
						  "gemini_cli.user_prompt") "]},"
									    "{\"attributes\":[" KS(
										    "session.id",
										    "c") "," KS("event.name",
												"gemini_cli.user_prompt") "]}");
	struct rf_run r;

	(void)state;
	run_str(&r, data);
	assert_int_equal(r.st.records_used, 3);
	assert_int_equal(rf_session(&r, "a")->turns[0].start_time, rf_ts("2025-07-01T09:00:00Z"));
	assert_int_equal(rf_session(&r, "b")->turns[0].start_time, rf_ts("2025-07-01T09:01:00Z"));
	assert_int_equal(rf_session(&r, "c")->turns[0].start_time, TV_NONE);
	rf_free(&r);
}

/* the name: eventName, else the event.name attribute; the trace id as the session */
static void test_names_and_trace_id(void **state)
{
	const char *data = LOGS(
		"{\"timeUnixNano\":\"" T0
		"\",\"attributes\":[" KS("session.id", "a") "," KS("event.name", "gemini_cli.user_prompt") "," KS(
			"prompt",
			"hi") "]},"
			      "{\"timeUnixNano\":\"" T0
			      "\",\"traceId\":\"5b8efff798038103d269b633813fc60c\","
			      "\"eventName\":\"gemini_cli.user_prompt\",\"attributes\":[" KS(
				      "prompt", "yo") "]},"
						      "{\"timeUnixNano\":\"" T0
						      "\",\"traceId\":\"\",\"attributes\":[]}");
	struct rf_run r;

	(void)state;
	run_str(&r, data);
	assert_int_equal(r.st.records_used, 2);
	assert_int_equal(r.st.records_skipped, 1); /* no session key at all */
	assert_string_equal(rf_session(&r, "a")->turns[0].prompt, "hi");
	assert_string_equal(rf_session(&r, "5b8efff798038103d269b633813fc60c")->turns[0].prompt,
			    "yo");
	rf_free(&r);
}

static void test_keep_events(void **state)
{
	struct rf_run r;
	struct tv_session *s;

	(void)state;
	rf_run_data(&r, GEMINI_JSONL, strlen(GEMINI_JSONL), rf_fmt("otlp"), 0, true);
	s = rf_session(&r, "s-1");
	assert_int_equal(s->n_events, 4);
	/* the log record itself, minified */
	assert_string_equal(s->events[0], PROMPT);
	assert_string_equal(s->events[3], TOOL);
	rf_free(&r);
}

/* ---- traces ---- */

#define SPAN(id, parent, name, start, end, status, attrs)                                     \
	"{\"traceId\":\""                                                                     \
	"0af7651916cd43dd8448eb211c80319c\",\"spanId\":\"" id "\"," parent "\"name\":\"" name \
	"\",\"kind\":1,\"startTimeUnixNano\":\"" start "\",\"endTimeUnixNano\":\"" end "\","  \
	"\"attributes\":[" attrs "]," status "}"
#define SPANS(spans)                                                                 \
	"{\"resourceSpans\":[{\"resource\":" RESOURCE ",\"scopeSpans\":[{\"scope\":" \
	"{\"name\":\"gemini-cli\"},\"spans\":[" spans "]}]}]}\n"
#define ROOT                                                                                  \
	SPAN("b7ad6b7169203331", "\"parentSpanId\":\"\",", "invoke_agent gemini-cli", T0, T3, \
	     "\"status\":{\"code\":1}",                                                       \
	     KS("gen_ai.operation.name", "invoke_agent") "," KS("gen_ai.conversation.id", "s-2"))
#define CHAT                                                                                                \
	SPAN("00f067aa0ba902b7", "\"parentSpanId\":\"b7ad6b7169203331\",",                                  \
	     "chat gemini-2.5-flash", T1, T2, "\"status\":{}",                                              \
	     KS("gen_ai.operation.name", "chat") "," KS("gen_ai.request.model", "gemini-2.5-flash") "," KI( \
		     "gen_ai.usage.input_tokens",                                                           \
		     "100") "," KV("gen_ai.usage.output_tokens",                                            \
				   "{\"intValue\":20}") "," KV("gen_ai.response.finish_reasons",            \
							       "{\"arrayValue\":{\"values\":[" STR(         \
								       "stop") "]}}"))
#define EXEC                                                                               \
	SPAN("53995c3f42cd8ad8", "\"parentSpanId\":\"b7ad6b7169203331\",",                 \
	     "execute_tool read_file", T2, T3,                                             \
	     "\"status\":{\"code\":2,\"message\":\"no such file\"}",                       \
	     KS("gen_ai.operation.name", "execute_tool") "," KS(                           \
		     "gen_ai.tool.name", "read_file") "," KS("gen_ai.tool.call.arguments", \
							     "{\\\"path\\\":\\\"x\\\"}"))

static void check_trace_session(const struct rf_run *r)
{
	struct tv_session *s;
	struct tv_turn *t;

	assert_int_equal(r->ret, 0);
	assert_int_equal(r->st.records_read, 3);
	assert_int_equal(r->st.records_used, 3);
	s = rf_session(r, "s-2");
	assert_int_equal(s->n_turns, 1);
	t = &s->turns[0];
	assert_int_equal(t->start_time, rf_ts("2025-07-01T09:00:00Z"));
	assert_int_equal(t->end_time, rf_ts("2025-07-01T09:00:01.5Z"));
	assert_int_equal(t->n_llm, 1);
	assert_string_equal(t->llm[0].model, "gemini-2.5-flash");
	assert_int_equal(t->llm[0].input_tokens, 100);
	assert_int_equal(t->llm[0].output_tokens, 20);
	assert_string_equal(t->llm[0].finish_reason, "stop");
	assert_int_equal(t->llm[0].duration, 1000 * TV_NS_PER_MS);
	assert_int_equal(t->n_tools, 1);
	assert_string_equal(t->tools[0].name, "read_file");
	assert_string_equal(t->tools[0].args_json, "{\"path\":\"x\"}");
	assert_int_equal(t->tools[0].success, 0);
	assert_string_equal(t->tools[0].error, "no such file");
}

static void test_spans(void **state)
{
	struct rf_run r;
	char *doc;

	(void)state;
	/* the spans of one trace spread over two requests */
	run_str(&r, SPANS(ROOT "," CHAT) SPANS(EXEC));
	check_trace_session(&r);
	rf_free(&r);
	doc = rf_pretty(SPANS(ROOT "," CHAT) SPANS(EXEC));
	run_str(&r, doc);
	check_trace_session(&r);
	rf_free(&r);
	free(doc);
}

static void test_mixed_signals(void **state)
{
	struct rf_run r;

	(void)state;
	run_str(&r,
		LOGS(PROMPT) SPANS(
			ROOT
			"," CHAT
			"," EXEC) "{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"name\":\"a\"},"
				  "{\"name\":\"b\"}]}]}]}\n");
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.st.records_read, 6);
	assert_int_equal(r.st.records_used, 4);
	assert_int_equal(r.st.records_skipped, 2);
	assert_int_equal(r.n, 2);
	rf_free(&r);
}

/* ---- the specification's example files ---- */

static void test_reference_logs(void **state)
{
	char *path = rf_reference("otlp-json/logs.json");
	struct rf_run r;
	struct tv_session *s;

	(void)state;
	if (path == NULL) {
		skip();
	}
	rf_run_file(&r, path, rf_fmt("otlp"), 0, true);
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.st.records_read, 1);
	assert_int_equal(r.st.records_used, 1);
	/* no session.id: the trace id names the session */
	s = rf_session(&r, "5b8efff798038103d269b633813fc60c");
	assert_string_equal(s->source_service, "my.service");
	assert_string_equal(tv_kvlist_find(&s->metadata, "resource"),
			    "{\"service.name\":\"my.service\"}");
	assert_int_equal(s->n_events, 1);
	assert_non_null(strstr(s->events[0], "\"body\":{\"stringValue\":\"Example log record\"}"));
	assert_non_null(strstr(s->events[0], "\"key\":\"map.attribute\""));
	rf_free(&r);
	free(path);
}

static void test_reference_events(void **state)
{
	char *path = rf_reference("otlp-json/events.json");
	struct rf_run r;

	(void)state;
	if (path == NULL) {
		skip();
	}
	rf_run_file(&r, path, rf_fmt("otlp"), 0, false);
	assert_int_equal(r.ret, 0);
	/* browser.page_view names no session: read and skipped, not rejected */
	assert_int_equal(r.st.records_read, 1);
	assert_int_equal(r.st.records_skipped, 1);
	assert_int_equal(r.st.records_rejected, 0);
	rf_free(&r);
	free(path);
}

static void test_reference_trace(void **state)
{
	char *path = rf_reference("otlp-json/trace.json");
	struct rf_run r;
	struct tv_session *s;

	(void)state;
	if (path == NULL) {
		skip();
	}
	rf_run_file(&r, path, rf_fmt("otlp"), 0, false);
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.st.records_read, 1);
	assert_int_equal(r.st.records_used, 1);
	s = rf_session(&r, "5b8efff798038103d269b633813fc60c");
	assert_int_equal(s->n_turns, 1);
	assert_int_equal(s->turns[0].start_time, INT64_C(1544712660000000000));
	assert_int_equal(s->turns[0].end_time, INT64_C(1544712661000000000));
	rf_free(&r);
	free(path);
}

static void test_reference_metrics(void **state)
{
	char *path = rf_reference("otlp-json/metrics.json");
	struct rf_run r;

	(void)state;
	if (path == NULL) {
		skip();
	}
	rf_run_file(&r, path, rf_fmt("otlp"), 0, false);
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.st.records_read, 4);
	assert_int_equal(r.st.records_skipped, 4);
	assert_int_equal(r.n, 0);
	rf_free(&r);
	free(path);
}

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *p;
	long len;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	assert_true(len >= 0);
	rewind(f);
	p = malloc((size_t)len + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	*n = (size_t)len;
	return p;
}

/*
 * The example files end without a newline: `cat` glues them into `}{`,
 * which is rejected as one stretch; with newlines between them all read.
 */
static void test_reference_concatenated(void **state)
{
	const char *names[] = { "otlp-json/trace.json", "otlp-json/logs.json",
				"otlp-json/metrics.json" };
	char *paths[3], *data[3], *all;
	size_t n[3], total = 0;
	struct rf_run r;

	(void)state;
	for (int i = 0; i < 3; i++) {
		paths[i] = rf_reference(names[i]);
		if (paths[i] == NULL) {
			for (int j = 0; j < i; j++) {
				free(paths[j]);
				free(data[j]);
			}
			skip();
		}
		data[i] = slurp(paths[i], &n[i]);
		total += n[i];
	}
	all = malloc(total + 3);
	assert_non_null(all);
	total = 0;
	for (int i = 0; i < 3; i++) {
		memcpy(all + total, data[i], n[i]);
		total += n[i];
		all[total++] = '\n';
	}
	rf_run_data(&r, all, total, rf_fmt("otlp"), 0, false);
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.st.records_read, 6);
	assert_int_equal(r.st.records_used, 2);
	assert_int_equal(r.st.records_skipped, 4);
	assert_int_equal(r.n, 1); /* the log record and the span share the trace id */
	rf_free(&r);
	/* glued: the trace and the logs on one line, the metrics on a new one */
	total = 0;
	for (int i = 0; i < 3; i++) {
		memcpy(all + total, data[i], n[i]);
		total += n[i];
		if (i == 1) {
			all[total++] = '\n';
		}
	}
	rf_run_data(&r, all, total, rf_fmt("otlp"), 0, false);
	assert_int_equal(r.ret, 0);
	/* glued documents (`}{`, as cat makes of files without a final newline) read too */
	assert_int_equal(r.st.records_rejected, 0);
	assert_int_equal(r.st.records_read, 6);
	assert_int_equal(r.st.records_used, 2);
	assert_int_equal(r.st.records_skipped, 4);
	rf_free(&r);
	for (int i = 0; i < 3; i++) {
		free(paths[i]);
		free(data[i]);
	}
	free(all);
}

/* ---- bad input ---- */

#define BAD_REC(...) LOGS("{\"timeUnixNano\":\"" T0 "\"," __VA_ARGS__ "}")

static const struct {
	const char *line;
	const char *why;
} bad[] = {
	{ "{\"resourceLogs\": [", "invalid JSON" },
	{ "[1, 2]", "not an OTLP export request" },
	{ "{}", "not an OTLP export request" },
	{ "{\"resourceLogs\":{}}", "resourceLogs is not an array" },
	{ "{\"resourceSpans\":[7]}", "resourceSpans[0]: not an object" },
	{ "{\"resourceLogs\":[{\"resource\":[]}]}", "resourceLogs[0].resource: not an object" },
	{ "{\"resourceLogs\":[{\"resource\":{\"attributes\":[{\"value\":{}}]}}]}",
	  "resourceLogs[0].resource: attributes[0]: attribute without a key" },
	{ "{\"resourceLogs\":[{\"scopeLogs\":{}}]}", "resourceLogs[0]: scopeLogs is not an array" },
	{ "{\"resourceLogs\":[{\"scopeLogs\":[{},\"x\"]}]}",
	  "resourceLogs[0].scopeLogs[1]: not an object" },
	{ "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":3}]}]}",
	  "resourceLogs[0].scopeLogs[0]: logRecords is not an array" },
	{ "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[null]}]}]}",
	  "resourceLogs[0].scopeLogs[0].logRecords[0]: not an object" },
	{ BAD_REC("\"attributes\":{}"),
	  "resourceLogs[0].scopeLogs[0].logRecords[0]: attributes is not an array" },
	{ BAD_REC("\"attributes\":[" KS("a", "b") ",{\"value\":" STR("x") "}]"),
	  "logRecords[0]: attributes[1]: attribute without a key" },
	{ BAD_REC("\"attributes\":[{\"key\":5}]"), "attributes[0]: key is not a string" },
	{ BAD_REC("\"attributes\":[7]"), "attributes[0]: not a {key, value} object" },
	{ BAD_REC("\"attributes\":[" KV("a", "\"plain\"") "]"),
	  "attributes[0]: value is not an AnyValue object" },
	{ BAD_REC("\"attributes\":[" KV("a", "{\"stringValue\":1}") "]"),
	  "stringValue is not a string" },
	{ BAD_REC("\"attributes\":[" KI("a", "12x") "]"), "intValue is not a 64-bit integer" },
	{ BAD_REC("\"attributes\":[" KI("a", "99999999999999999999") "]"),
	  "intValue is not a 64-bit integer" },
	{ BAD_REC("\"attributes\":[" KV("a", "{\"doubleValue\":\"x\"}") "]"),
	  "doubleValue is not a number" },
	{ BAD_REC("\"attributes\":[" KV("a", "{\"boolValue\":\"true\"}") "]"),
	  "boolValue is not a bool" },
	{ BAD_REC("\"attributes\":[" KV("a", "{\"arrayValue\":{\"values\":{}}}") "]"),
	  "has no values array" },
	{ BAD_REC("\"attributes\":[" KV("a", "{\"arrayValue\":{\"values\":[7]}}") "]"),
	  "value is not an AnyValue object" },
	{ BAD_REC("\"attributes\":[" KV("a", "{\"kvlistValue\":{\"values\":[{}]}}") "]"),
	  "kvlistValue entry without a string key" },
	{ BAD_REC("\"body\":\"text\""), "body: value is not an AnyValue object" },
	{ LOGS("{\"timeUnixNano\":\"soon\"}"), "timeUnixNano is not a time" },
	{ LOGS("{\"timeUnixNano\":\"-5\"}"), "timeUnixNano is not a time" },
	{ BAD_REC("\"eventName\":3"), "eventName is not a string" },
	{ BAD_REC("\"traceId\":[]"), "traceId is not a string" },
	{ SPANS("{\"spanId\":\"01\"}"),
	  "resourceSpans[0].scopeSpans[0].spans[0]: traceId is missing" },
	{ SPANS("{\"traceId\":\"01\",\"spanId\":1}"), "spanId is missing or not a string" },
	{ SPANS("{\"traceId\":\"01\",\"spanId\":\"02\",\"parentSpanId\":{}}"),
	  "parentSpanId is not a string" },
	{ SPANS("{\"traceId\":\"01\",\"spanId\":\"02\",\"name\":false}"), "name is not a string" },
	{ SPANS("{\"traceId\":\"01\",\"spanId\":\"02\",\"status\":{\"code\":7}}"),
	  "status.code is not 0, 1 or 2" },
	{ SPANS("{\"traceId\":\"01\",\"spanId\":\"02\",\"status\":1}"), "status is not an object" },
	{ SPANS("{\"traceId\":\"01\",\"spanId\":\"02\",\"startTimeUnixNano\":true}"),
	  "startTimeUnixNano is not a time" },
	{ SPANS("{\"traceId\":\"01\",\"spanId\":\"02\",\"attributes\":[[]]}"),
	  "attributes[0]: not a {key, value} object" },
	{ "{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":\"m\"}]}]}",
	  "resourceMetrics[0].scopeMetrics[0]: metrics is not an array" },
	{ "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"attributes\":[" KS(
		  "s", "\xff\xfe") "]}]}]}]}",
	  "invalid JSON" },
};

/* each bad line is one rejection at its line; good lines around still count */
static void test_bad_lines(void **state)
{
	struct tv_strbuf b;
	struct rf_run r;
	size_t n = sizeof(bad) / sizeof(bad[0]);

	(void)state;
	assert_true(n <= RF_MAX_MSGS);
	tv_strbuf_init(&b);
	assert_int_equal(tv_strbuf_puts(&b, LOGS(PROMPT)), 0);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(tv_strbuf_puts(&b, bad[i].line), 0);
		if (b.p[b.len - 1] != '\n') {
			assert_int_equal(tv_strbuf_putc(&b, '\n'), 0);
		}
	}
	assert_int_equal(tv_strbuf_puts(&b, LOGS(REQUEST)), 0);
	rf_run_data(&r, b.p, b.len, rf_fmt("otlp"), 0, false);
	assert_int_equal(r.ret, 0);
	for (size_t i = 0; i < n; i++) {
		rf_assert_msg(&r, i + 2, bad[i].why);
	}
	assert_int_equal(r.st.records_rejected, n);
	assert_int_equal(r.st.records_used, 2);
	assert_int_equal(rf_session(&r, "s-1")->turns[0].n_llm, 1);
	rf_free(&r);
	tv_strbuf_finish(&b);
}

/* a bad record does not take its good neighbours in the same request with it */
static void test_bad_record_among_good(void **state)
{
	struct rf_run r;

	(void)state;
	run_str(&r, LOGS(PROMPT ",{\"attributes\":5}," REQUEST));
	assert_int_equal(r.st.records_used, 2);
	assert_int_equal(r.st.records_rejected, 1);
	rf_assert_msg(&r, 1, "logRecords[1]: attributes is not an array");
	rf_free(&r);
}

static void test_truncated(void **state)
{
	const char *jsonl = LOGS(PROMPT) LOGS(REQUEST);
	char *doc = rf_pretty(GEMINI_JSONL);
	struct rf_run r;

	(void)state;
	/* the last JSON line cut short */
	rf_run_data(&r, jsonl, strlen(jsonl) - 20, rf_fmt("otlp"), 0, false);
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.st.records_used, 1);
	assert_int_equal(r.st.records_rejected, 1);
	rf_assert_msg(&r, 2, "invalid JSON");
	rf_free(&r);
	/* the last pretty document cut short */
	rf_run_data(&r, doc, strlen(doc) - 40, rf_fmt("otlp"), 0, false);
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.st.records_used, 2);
	assert_int_equal(r.st.records_rejected, 1);
	assert_int_equal(r.msgs[0].level, TV_REPORT_REJECT);
	assert_non_null(strstr(r.msgs[0].text, "unterminated JSON value"));
	rf_free(&r);
	free(doc);
}

static void test_nul_and_deep(void **state)
{
	const char nul[] = "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"attributes\":["
			   "{\"key\":\"a\\u0000\",\"value\":{\"stringValue\":\"x\0y\"}}]}]}]}]}\n";
	struct tv_strbuf b;
	struct rf_run r;

	(void)state;
	rf_run_data(&r, nul, sizeof(nul) - 1, rf_fmt("otlp"), 0, false);
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.st.records_rejected, 1);
	rf_assert_msg(&r, 1, "invalid JSON");
	rf_free(&r);
	/* 10,000 levels of nesting */
	tv_strbuf_init(&b);
	assert_int_equal(tv_strbuf_puts(&b, "{\"resourceLogs\":"), 0);
	for (int i = 0; i < 10000; i++) {
		assert_int_equal(tv_strbuf_putc(&b, '['), 0);
	}
	for (int i = 0; i < 10000; i++) {
		assert_int_equal(tv_strbuf_putc(&b, ']'), 0);
	}
	assert_int_equal(tv_strbuf_puts(&b, "}\n" LOGS(PROMPT)), 0);
	rf_run_data(&r, b.p, b.len, rf_fmt("otlp"), 0, false);
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.st.records_rejected, 1);
	assert_int_equal(r.st.records_used, 1);
	rf_assert_msg(&r, 1, "invalid JSON");
	rf_free(&r);
	/* the same as a pretty document */
	b.len = 0;
	assert_int_equal(tv_strbuf_puts(&b, "{\n  \"resourceLogs\":\n"), 0);
	for (int i = 0; i < 10000; i++) {
		assert_int_equal(tv_strbuf_puts(&b, "  [\n"), 0);
	}
	for (int i = 0; i < 10000; i++) {
		assert_int_equal(tv_strbuf_puts(&b, "  ]\n"), 0);
	}
	assert_int_equal(tv_strbuf_puts(&b, "}\n"), 0);
	rf_run_data(&r, b.p, b.len, rf_fmt("otlp"), 0, false);
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.st.records_rejected, 1);
	rf_assert_msg(&r, 1, "invalid JSON");
	rf_free(&r);
	tv_strbuf_finish(&b);
}

/* lines over the record limit are rejected and reading goes on */
static void test_record_limit(void **state)
{
	const char *data = LOGS(PROMPT) LOGS(PROMPT "," REQUEST) LOGS(REQUEST);
	char *doc = rf_pretty(data), *one = rf_pretty(LOGS(PROMPT));
	struct rf_run r;

	(void)state;
	rf_run_data(&r, data, strlen(data), rf_fmt("otlp"), strlen(LOGS(PROMPT)) + 10, false);
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.st.records_used, 2);
	assert_int_equal(r.st.records_rejected, 1);
	rf_assert_msg(&r, 2, "longer than the record limit");
	rf_free(&r);
	/* pretty: the middle document is over the limit */
	rf_run_data(&r, doc, strlen(doc), rf_fmt("otlp"), strlen(one) + 10, false);
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.st.records_used, 2);
	assert_int_equal(r.st.records_rejected, 1);
	assert_non_null(strstr(r.msgs[0].text, "larger than the record limit"));
	rf_free(&r);
	free(doc);
	free(one);
}

/* a 50 MB line is fine under the default limit */
static void test_big_line(void **state)
{
	const char *head = "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"attributes\":[" KS(
		"session.id",
		"big") "," KS("event.name",
			      "gemini_cli.user_prompt") ",{\"key\":\"prompt\",\"value\":{\"stringValue\":\"";
	const char *tail = "\"}}]}]}]}]}\n";
	size_t big = 50u << 20, hn = strlen(head), tn = strlen(tail);
	char *data = malloc(hn + big + tn);
	struct rf_run r;

	(void)state;
	assert_non_null(data);
	memcpy(data, head, hn);
	memset(data + hn, 'x', big);
	memcpy(data + hn + big, tail, tn);
	rf_run_data(&r, data, hn + big + tn, rf_fmt("otlp"), 0, false);
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.st.records_used, 1);
	assert_int_equal(strlen(rf_session(&r, "big")->turns[0].prompt), big);
	rf_free(&r);
	free(data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gemini_jsonl),
		cmocka_unit_test(test_gemini_pretty),
		cmocka_unit_test(test_mode_detection),
		cmocka_unit_test(test_crlf_bom),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_any_values),
		cmocka_unit_test(test_times),
		cmocka_unit_test(test_names_and_trace_id),
		cmocka_unit_test(test_keep_events),
		cmocka_unit_test(test_spans),
		cmocka_unit_test(test_mixed_signals),
		cmocka_unit_test(test_reference_logs),
		cmocka_unit_test(test_reference_events),
		cmocka_unit_test(test_reference_trace),
		cmocka_unit_test(test_reference_metrics),
		cmocka_unit_test(test_reference_concatenated),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_bad_record_among_good),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_nul_and_deep),
		cmocka_unit_test(test_record_limit),
		cmocka_unit_test(test_big_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
