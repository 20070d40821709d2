// SPDX-License-Identifier: MIT
/*
 * The console format: what the OpenTelemetry SDK's console exporters print
 * (Python's ConsoleSpanExporter, ConsoleLogExporter, ConsoleMetricExporter),
 * pretty-printed objects back to back among a program's own output; spans
 * read as OTLP spans are (GenAI attributes included), duplicates merged,
 * Monocle's array wrapping, ids without 0x; the JavaScript exporter's
 * inspect text refused by name.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "libcommon/read/tv_format.h"
#include "reader_fixture.h"

/* one span as Python's ReadableSpan.to_json() prints it (indent 4) */
#define SPAN(name, id, parent, start, end, attrs)                         \
	"{\n"                                                             \
	"    \"name\": \"" name "\",\n"                                   \
	"    \"context\": {\n"                                            \
	"        \"trace_id\": \"0x0af7651916cd43dd8448eb211c80319c\",\n" \
	"        \"span_id\": \"0x" id "\",\n"                            \
	"        \"trace_state\": \"[]\"\n"                               \
	"    },\n"                                                        \
	"    \"kind\": \"SpanKind.CLIENT\",\n"                            \
	"    \"parent_id\": " parent ",\n"                                \
	"    \"start_time\": \"" start "\",\n"                            \
	"    \"end_time\": \"" end "\",\n"                                \
	"    \"status\": {\n"                                             \
	"        \"status_code\": \"OK\"\n"                               \
	"    },\n"                                                        \
	"    \"attributes\": {\n" attrs "\n    },\n"                      \
	"    \"events\": [],\n"                                           \
	"    \"links\": [],\n"                                            \
	"    \"resource\": {\n"                                           \
	"        \"attributes\": {\n"                                     \
	"            \"telemetry.sdk.language\": \"python\",\n"           \
	"            \"service.name\": \"travel-bot\"\n"                  \
	"        },\n"                                                    \
	"        \"schema_url\": \"\"\n"                                  \
	"    }\n"                                                         \
	"}\n"

#define AGENT_ATTRS                                                                         \
	"        \"gen_ai.operation.name\": \"invoke_agent\",\n"                            \
	"        \"gen_ai.conversation.id\": \"conv-9\",\n"                                 \
	"        \"gen_ai.input.messages\": \"[{\\\"role\\\":\\\"user\\\",\\\"content\\\":" \
	"\\\"Book a flight to Oslo\\\"}]\""

#define CHAT_ATTRS                                        \
	"        \"gen_ai.operation.name\": \"chat\",\n"  \
	"        \"gen_ai.request.model\": \"gpt-4o\",\n" \
	"        \"gen_ai.usage.input_tokens\": 120,\n"   \
	"        \"gen_ai.usage.output_tokens\": 12,\n"   \
	"        \"gen_ai.response.finish_reasons\": [\n" \
	"            \"stop\"\n"                          \
	"        ]"

#define AGENT_SPAN                                                                                 \
	SPAN("invoke_agent travel-bot", "00f067aa0ba902b7", "null", "2025-07-01T09:00:00.000000Z", \
	     "2025-07-01T09:00:05.000000Z", AGENT_ATTRS)
#define CHAT_SPAN                                                         \
	SPAN("chat gpt-4o", "00f067aa0ba902b8", "\"0x00f067aa0ba902b7\"", \
	     "2025-07-01T09:00:01.000000Z", "2025-07-01T09:00:02.500000Z", CHAT_ATTRS)

/* a metrics export whose exemplar holds a 128-bit trace id as a bare integer */
#define METRICS                                                                                 \
	"{\n    \"resource_metrics\": [\n        {\n            \"scope_metrics\": [],\n"       \
	"            \"exemplars\": [{\"trace_id\": 27019542480527418515130145646832490510}]\n" \
	"        }\n    ]\n}\n"

/* a program's stdout: logging lines, a dict repr, a metrics export and the spans, one twice */
static void test_python_spans(void **state)
{
	static const char data[] = "2025-07-01 09:00:00,001 - INFO - booking started\n"
				   "{'flight': 'OSL'}\n" METRICS AGENT_SPAN CHAT_SPAN
				   "stdout='ok' exit_code=0\n" CHAT_SPAN;
	struct rf_run *r = *state;
	struct tv_session *s;
	struct tv_llm_call *c;

	rf_run_data(r, data, sizeof(data) - 1, NULL, 0, false);
	assert_int_equal(r->ret, 0);
	assert_int_equal(r->st.records_rejected, 0);
	assert_int_equal(r->st.records_used, 2);
	assert_int_equal(r->st.records_skipped, 5); /* 3 text lines, metrics, a duplicate */
	s = rf_session(r, "conv-9");
	assert_string_equal(s->source_format, "console");
	assert_string_equal(s->source_service, "travel-bot");
	assert_int_equal(s->n_turns, 1);
	assert_string_equal(s->turns[0].id, "00f067aa0ba902b7");
	assert_string_equal(s->turns[0].prompt, "Book a flight to Oslo");
	assert_int_equal(s->turns[0].n_llm, 1);
	c = &s->turns[0].llm[0];
	assert_string_equal(c->model, "gpt-4o");
	assert_int_equal(c->duration, 1500 * TV_NS_PER_MS);
	assert_string_equal(c->finish_reason, "stop");
	assert_int_equal(s->usage.input_tokens, 120); /* the second copy counts nothing */
	assert_int_equal(s->usage.output_tokens, 12);
}

/* Monocle wraps the spans in one array, "[{" ... ",{" ... "]", and writes ids without 0x */
static void test_monocle_array(void **state)
{
	static const char data[] =
		"[{\n"
		"    \"name\": \"workflow\",\n"
		"    \"context\": {\n"
		"        \"trace_id\": \"cc69e45939b9ff868b73ad7b725797ed\",\n"
		"        \"span_id\": \"cf0661acf4a64153\"\n"
		"    },\n"
		"    \"kind\": \"SpanKind.INTERNAL\",\n"
		"    \"parent_id\": null,\n"
		"    \"start_time\": \"2026-01-09T03:11:13.000000Z\",\n"
		"    \"end_time\": \"2026-01-09T03:11:20.000000Z\",\n"
		"    \"status\": {\"status_code\": \"ERROR\", \"description\": \"boom\"},\n"
		"    \"attributes\": {\"session.id\": \"m-1\"},\n"
		"    \"resource\": {\"attributes\": {\"service.name\": \"monocle-app\"}}\n"
		"}\n"
		",{\n"
		"    \"name\": \"inference\",\n"
		"    \"context\": {\n"
		"        \"trace_id\": \"cc69e45939b9ff868b73ad7b725797ed\",\n"
		"        \"span_id\": \"1e3c17d8544dd007\"\n"
		"    },\n"
		"    \"kind\": \"SpanKind.INTERNAL\",\n"
		"    \"parent_id\": \"cf0661acf4a64153\",\n"
		"    \"start_time\": \"2026-01-09T03:11:14.000000Z\",\n"
		"    \"end_time\": \"2026-01-09T03:11:16.000000Z\",\n"
		"    \"attributes\": {\"gen_ai.request.model\": \"kshitiz-gpt\"},\n"
		"    \"resource\": {\"attributes\": {\"service.name\": \"monocle-app\"}}\n"
		"}\n"
		"]\n";
	struct rf_run *r = *state;
	struct tv_session *s;

	rf_run_data(r, data, sizeof(data) - 1, NULL, 0, false);
	assert_int_equal(r->ret, 0);
	assert_int_equal(r->st.records_used, 2);
	s = rf_session(r, "m-1");
	assert_string_equal(s->source_format, "console");
	assert_int_equal(s->n_turns, 1);
	assert_string_equal(s->turns[0].id, "cf0661acf4a64153");
	assert_int_equal(s->turns[0].success, 0);
	assert_int_equal(s->turns[0].n_llm, 1);
	assert_string_equal(s->turns[0].llm[0].model, "kshitiz-gpt");
}

/* ConsoleLogExporter records go to the log mapper; an all-zero trace id is none */
static void test_log_records(void **state)
{
	static const char data[] =
		"{\n"
		"    \"body\": \"User prompt. Length: 5.\",\n"
		"    \"severity_number\": 9,\n"
		"    \"severity_text\": \"INFO\",\n"
		"    \"attributes\": {\n"
		"        \"event.name\": \"gemini_cli.user_prompt\",\n"
		"        \"session.id\": \"g-1\",\n"
		"        \"prompt_id\": \"p-1\",\n"
		"        \"prompt\": \"hello\"\n"
		"    },\n"
		"    \"dropped_attributes\": 0,\n"
		"    \"timestamp\": \"2025-07-01T09:00:00.000000Z\",\n"
		"    \"observed_timestamp\": \"2025-07-01T09:00:00.000100Z\",\n"
		"    \"trace_id\": \"0x00000000000000000000000000000000\",\n"
		"    \"span_id\": \"0x0000000000000000\",\n"
		"    \"trace_flags\": 0,\n"
		"    \"resource\": {\"attributes\": {\"service.name\": \"gemini-cli\"}}\n"
		"}\n"
		"{\n"
		"    \"body\": \"no session here\",\n"
		"    \"severity_number\": 9,\n"
		"    \"attributes\": {},\n"
		"    \"timestamp\": \"2025-07-01T09:00:01.000000Z\",\n"
		"    \"observed_timestamp\": \"2025-07-01T09:00:01.000000Z\",\n"
		"    \"trace_id\": \"0x00000000000000000000000000000000\"\n"
		"}\n";
	struct rf_run *r = *state;
	struct tv_session *s;

	rf_run_data(r, data, sizeof(data) - 1, NULL, 0, false);
	assert_int_equal(r->ret, 0);
	assert_int_equal(r->st.records_used, 1);
	assert_int_equal(r->st.records_skipped, 1);
	s = rf_session(r, "g-1");
	assert_int_equal(s->n_turns, 1);
	assert_string_equal(s->turns[0].prompt, "hello");
	assert_int_equal(s->start_time, rf_ts("2025-07-01T09:00:00Z"));
}

/* what is not a span: a broken span is rejected at its line, an unknown object skipped */
static void test_bad_values(void **state)
{
	static const char data[] =
		"{\n    \"name\": \"x\",\n    \"context\": {\"span_id\": \"01\"}\n}\n"
		"{\n    \"name\": \"y\",\n    \"context\": {\"trace_id\": \"0xab\", "
		"\"span_id\": \"0x01\"},\n    \"start_time\": \"2300-01-01T00:00:00Z\"\n}\n"
		"{\n    \"hello\": \"world\"\n}\n"
		"{\n    \"name\": \"z\",\n    \"context\": {\n}\n";
	struct rf_run *r = *state;

	rf_run_data(r, data, sizeof(data) - 1, rf_fmt("console"), 0, false);
	assert_int_equal(r->ret, 0);
	assert_int_equal(r->st.records_rejected, 3);
	rf_assert_msg(r, 1, "span: context has no trace_id and span_id");
	rf_assert_msg(r, 5, "start_time is outside the range televal holds");
	rf_assert_msg(r, 13, "truncated JSON value");
	assert_int_equal(r->st.records_skipped, 1);
	assert_string_equal(r->st.skip[0].name, "JSON values of no exporter");
}

/* the JavaScript exporter's util.inspect() text is detected, and refused by name */
static void test_javascript_refused(void **state)
{
	static const char data[] = "{\n"
				   "  resource: {\n"
				   "    attributes: {\n"
				   "      'service.name': 'unknown_service:node',\n"
				   "    }\n"
				   "  },\n"
				   "  traceId: '7daf5e9c4f7c872e1430804de9737f64',\n"
				   "  parentId: undefined,\n"
				   "  name: 'request',\n"
				   "  id: '0656d7f6c5270654',\n"
				   "  kind: 0,\n"
				   "  timestamp: 1760814138396000,\n"
				   "  duration: 721.584,\n"
				   "  status: { code: 0 },\n"
				   "}\n";
	struct rf_run *r = *state;

	rf_run_data(r, data, sizeof(data) - 1, NULL, 0, false);
	assert_int_equal(r->ret, -TV_EFORMAT);
	assert_non_null(strstr(r->err.msg, "JavaScript ConsoleSpanExporter"));
	assert_int_equal(r->st.bytes, sizeof(data) - 1);
}

/* detection: after a program's lines too, before the text formats see them */
static void test_detect(void **state)
{
	static const char after_logs[] =
		"2025-07-01 09:00:00,001 - app - INFO - started\n"
		"2025-07-01 09:00:00,002 - app - INFO - {\"a\": 1}\n" CHAT_SPAN;
	static const char logs_only[] = "2025-07-01 09:00:00,001 - app - INFO - started\n";

	(void)state;
	assert_ptr_equal(tv_format_detect(CHAT_SPAN, strlen(CHAT_SPAN)), rf_fmt("console"));
	assert_ptr_equal(tv_format_detect(after_logs, strlen(after_logs)), rf_fmt("console"));
	assert_ptr_equal(tv_format_detect(METRICS, strlen(METRICS)), rf_fmt("console"));
	assert_ptr_equal(tv_format_detect(logs_only, strlen(logs_only)), rf_fmt("pylog"));
}

#define TEST(f) cmocka_unit_test_setup_teardown(f, rf_setup, rf_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_python_spans),       TEST(test_monocle_array),
		TEST(test_log_records),	       TEST(test_bad_values),
		TEST(test_javascript_refused), cmocka_unit_test(test_detect),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
