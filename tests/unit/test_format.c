// SPDX-License-Identifier: MIT
/*
 * tv_format: detecting each input format from the first bytes of a stream,
 * and the --from names.
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

#include "libcommon/core/tv_input.h"
#include "libcommon/core/tv_strbuf.h"
#include "libcommon/read/tv_format.h"
#include "reader_fixture.h"

static void check(const char *data, size_t n, const struct tv_format *want)
{
	const struct tv_format *got = tv_format_detect(data, n);

	if (got != want) {
		fail_msg("detect(%.*s) = %s, want %s", (int)(n > 80 ? 80 : n), data,
			 tv_format_name(got), tv_format_name(want));
	}
}

static void check_s(const char *data, const struct tv_format *want)
{
	check(data, strlen(data), want);
}

static void test_canonical(void **state)
{
	(void)state;
	check_s("{\"televal\":1,\"id\":\"s1\",\"source\":{\"format\":\"otlp\"},\"turns\":[]}\n",
		rf_fmt("canonical"));
	check_s("{\"televal\": 1, \"id\": \"s1\"}\n{\"televal\": 1, \"id\": \"s2\"}\n",
		rf_fmt("canonical"));
	/* BOM, blank lines and CRLF in front */
	check_s("\xef\xbb\xbf\r\n  \n{\"televal\":1,\"id\":\"x\"}\r\n", rf_fmt("canonical"));
	/* no newline at all */
	check_s("{\"televal\":1,\"id\":\"x\"}", rf_fmt("canonical"));
}

static void test_otlp_jsonl(void **state)
{
	(void)state;
	check_s("{\"resourceLogs\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\","
		"\"value\":{\"stringValue\":\"gemini-cli\"}}]},\"scopeLogs\":[]}]}\n",
		rf_fmt("otlp"));
	check_s("{\"resourceSpans\":[{\"resource\":{},\"scopeSpans\":[{\"spans\":[]}]}]}\n",
		rf_fmt("otlp"));
	check_s("{\"resourceMetrics\":[]}\n{\"resourceLogs\":[]}\n", rf_fmt("otlp"));
}

static void test_otlp_pretty(void **state)
{
	(void)state;
	check_s("{\n"
		"  \"resourceSpans\": [\n"
		"    {\n"
		"      \"resource\": {\n"
		"        \"attributes\": [\n"
		"          {\n"
		"            \"key\": \"service.name\",\n"
		"            \"value\": { \"stringValue\": \"my.service\" }\n"
		"          }\n"
		"        ]\n"
		"      },\n",
		rf_fmt("otlp"));
	check_s("{\r\n  \"resourceLogs\": []\r\n}\r\n", rf_fmt("otlp"));
}

static void test_outfile(void **state)
{
	(void)state;
	/* a log record of the JS SDK, pretty-printed */
	check_s("{\n"
		"  \"resource\": {\n"
		"    \"_rawAttributes\": [\n"
		"      [\n"
		"        \"service.name\",\n"
		"        \"gemini-cli\"\n"
		"      ]\n"
		"    ],\n"
		"    \"_asyncAttributesPending\": false\n"
		"  },\n"
		"  \"instrumentationScope\": {\n"
		"    \"name\": \"gemini-cli\"\n"
		"  },\n"
		"  \"hrTime\": [\n"
		"    1751360400,\n"
		"    123000000\n"
		"  ],\n"
		"  \"attributes\": {\n"
		"    \"event.name\": \"gemini_cli.user_prompt\"\n"
		"  }\n"
		"}\n",
		rf_fmt("outfile"));
	/* a metrics object first */
	check_s("{\n  \"resource\": {},\n  \"scopeMetrics\": [\n    {\n", rf_fmt("outfile"));
	/* hrTime alone is enough, even before any other key */
	check_s("{\n  \"hrTime\": [1751360400, 0]\n}\n", rf_fmt("outfile"));
}

static void test_collector_log(void **state)
{
	(void)state;
	check_s("2025-04-17T10:40:44.560+0200\tinfo\tLogs\t{\"otelcol.component.id\": \"debug\", "
		"\"otelcol.component.kind\": \"Exporter\", \"resource logs\": 1, "
		"\"log records\": 3}\n"
		"2025-04-17T10:40:44.560+0200\tinfo\tResourceLog #0\n",
		rf_fmt("collector-log"));
	check_s("2025-07-27T08:52:47.001-0700\tdebug\tsome component message\n",
		rf_fmt("collector-log"));
	/* the debug exporter's body alone */
	check_s("LogRecord #0\nObservedTimestamp: 2025-07-27 08:52:48.314 +0000 UTC\n",
		rf_fmt("collector-log"));
	check_s("ResourceLog #0\nResource SchemaURL: \n", rf_fmt("collector-log"));
	check_s("LogRecord #12", rf_fmt("collector-log"));
	/* a banner line before the zap lines */
	check_s("Starting otelcol-contrib...\n"
		"2025-04-17T10:40:44.560+0200\tinfo\tservice@v0.0/service.go:1\tStarting\n",
		rf_fmt("collector-log"));
}

static void test_waza(void **state)
{
	(void)state;
	check_s("{\n"
		"  \"exported_at\": \"2025-07-01T09:00:00.123456\",\n"
		"  \"sessions\": [\n"
		"    {\n"
		"      \"session_id\": \"0b1c\",\n",
		rf_fmt("waza"));
	check_s("{\"exported_at\": \"2025-07-01T09:00:00\", \"sessions\": []}\n", rf_fmt("waza"));
}

static void test_jaeger(void **state)
{
	(void)state;
	check_s("{\"data\":[{\"traceID\":\"5b8efff798038103d269b633813fc60c\",\"spans\":[{"
		"\"traceID\":\"5b8efff798038103d269b633813fc60c\",\"spanID\":\"eee19b7ec3c1b174\","
		"\"operationName\":\"chat\"}],\"processes\":{}}],\"total\":0,\"limit\":0,"
		"\"offset\":0,\"errors\":null}\n",
		rf_fmt("jaeger"));
	check_s("{\n"
		"  \"data\": [\n"
		"    {\n"
		"      \"traceID\": \"5b8efff798038103d269b633813fc60c\",\n"
		"      \"spans\": [\n",
		rf_fmt("jaeger"));
	/* a bare trace */
	check_s("{\"traceID\":\"ab\",\"spans\":[],\"processes\":{}}", rf_fmt("jaeger"));
}

static void test_anyclaude(void **state)
{
	(void)state;
	check_s("{\"timestamp\":\"2025-10-28T10:00:00.000Z\",\"request_id\":\"req-1\","
		"\"provider\":\"lmstudio\",\"model\":\"qwen3\",\"message_count\":3,"
		"\"status\":\"success\",\"request_start_ms\":1,\"request_end_ms\":13,"
		"\"latency_ms\":12,\"cache_hit\":false}\n",
		rf_fmt("anyclaude"));
}

/* Claude Code transcripts: the first line of each version's files, and a neighbour */
static void test_claude_code(void **state)
{
	(void)state;
	check_s("{\"type\":\"summary\",\"summary\":\"Typo fixes\",\"leafUuid\":\"u9\"}\n",
		rf_fmt("claude-code"));
	check_s("{\"type\":\"file-history-snapshot\",\"messageId\":\"m0\",\"snapshot\":{}}\n",
		rf_fmt("claude-code"));
	check_s("{\"parentUuid\":null,\"isSidechain\":false,\"userType\":\"external\",\"cwd\":\"/p\","
		"\"sessionId\":\"s-1\",\"version\":\"2.1.38\",\"type\":\"user\"}\n",
		rf_fmt("claude-code"));
	check_s("{\"type\":\"queue-operation\",\"operation\":\"enqueue\",\"sessionId\":\"s-1\"}\n",
		rf_fmt("claude-code"));
	/* a usage tool's minimal lines */
	check_s("{\"timestamp\":\"2026-01-09T10:00:00Z\",\"sessionId\":\"s\",\"message\":{\"usage\":{}},"
		"\"costUSD\":0.12}\n",
		rf_fmt("claude-code"));
	/* anyclaude names sessions in file names, never in lines */
	check_s("{\"timestamp\":\"2025-10-28T10:00:00Z\",\"request_id\":\"r\",\"latency_ms\":12}\n",
		rf_fmt("anyclaude"));
}

/* Codex rollouts, both layouts, and the OTLP and canonical neighbours */
static void test_codex(void **state)
{
	(void)state;
	check_s("{\"timestamp\":\"2026-05-11T08:27:17Z\",\"type\":\"session_meta\",\"payload\":{\"id\":"
		"\"019e\"}}\n",
		rf_fmt("codex"));
	check_s("{\"timestamp\":\"2026-05-13T09:00:00Z\",\"type\":\"turn_context\",\"payload\":{\"model\":"
		"\"gpt-5\"}}\n",
		rf_fmt("codex"));
	check_s("{\"id\":\"c27a914d\",\"timestamp\":\"2025-08-20T10:00:00Z\",\"instructions\":null}\n",
		rf_fmt("codex"));
	check_s("{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"attributes\":[{\"key\":"
		"\"event.name\",\"value\":{\"stringValue\":\"codex.sse_event\"}}]}]}]}]}\n",
		rf_fmt("otlp"));
}

static void test_pylog(void **state)
{
	(void)state;
	check_s("2025-01-01 12:00:00,123 - agent - INFO - {\"query_id\": \"q1\", "
		"\"event\": \"start\"}\n",
		rf_fmt("pylog"));
	check_s("2026-11-22 12:40:01,099 - demo - WARNING - plain text\n", rf_fmt("pylog"));
	/* JSON lines of such a logger without the prefix */
	check_s("{\"query_id\": \"q1\", \"event\": \"llm_call\"}\n", rf_fmt("pylog"));
}

static void test_sqlite(void **state)
{
	static const char hdr[] = "SQLite format 3\0\x10\x00\x01\x01\x00\x40\x20\x20";

	(void)state;
	check(hdr, sizeof(hdr) - 1, rf_fmt("llama-stack"));
	/* the text without its NUL is not the header */
	check("SQLite format 3", 15, NULL);
}

static void test_unknown(void **state)
{
	(void)state;
	check("", 0, NULL);
	check_s(" \r\n\t\n", NULL);
	check_s("\xef\xbb\xbf", NULL);
	check_s("hello world\n", NULL);
	check_s("{\"foo\":1}\n", NULL);
	check_s("[1,2,3]\n", NULL);
	check_s("{\n  \"foo\": 1\n}\n", NULL);
	check("\x00\x01\x02\x03", 4, NULL);
	check_s("id: task-1\ninputs:\n  prompt: hi\n", NULL);
	/* almost a zap line: no tab after the zone */
	check_s("2025-04-17T10:40:44.560+0200 info Logs\n", NULL);
	/* almost a Python logging line: a dot before the milliseconds */
	check_s("2025-01-01 12:00:00.123 - agent - INFO - x\n", NULL);
	/* "LogRecord #" without a number */
	check_s("LogRecord #\n", NULL);
	/* the canonical key with another version */
	check_s("{\"televal\":2,\"id\":\"x\"}\n", NULL);
}

/* detection looks at a bounded prefix and never reads past @len */
static void test_prefix_only(void **state)
{
	const char *s = "{\"televal\":1,\"id\":\"x\"}\n";

	(void)state;
	/* cut before the key's value */
	check(s, 11, NULL);
	check(s, 12, rf_fmt("canonical"));
	check("LogRecord #0", 11, NULL);
}

static void test_names(void **state)
{
	const char *list = tv_format_list();

	(void)state;
	assert_string_equal(tv_format_name(rf_fmt("canonical")), "canonical");
	assert_string_equal(tv_format_name(rf_fmt("collector-log")), "collector-log");
	assert_string_equal(tv_format_name(rf_fmt("outfile")), "outfile");
	assert_string_equal(tv_format_name(rf_fmt("otlp")), "otlp");
	assert_string_equal(tv_format_name(rf_fmt("jaeger")), "jaeger");
	assert_string_equal(tv_format_name(rf_fmt("llama-stack")), "llama-stack");
	assert_string_equal(tv_format_name(rf_fmt("anyclaude")), "anyclaude");
	assert_string_equal(tv_format_name(rf_fmt("waza")), "waza");
	assert_string_equal(tv_format_name(rf_fmt("pylog")), "pylog");
	assert_string_equal(tv_format_name(NULL), "unknown");
	/* every name of the list is found under that name */
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ",");
		char name[64];

		assert_true(n < sizeof(name));
		memcpy(name, p, n);
		name[n] = '\0';
		assert_non_null(tv_format_find(name));
		assert_string_equal(tv_format_name(tv_format_find(name)), name);
		p += n;
		if (*p == ',') {
			p += 2;
		}
	}
	assert_null(tv_format_find("unknown"));
	assert_null(tv_format_find("nope"));
	assert_null(tv_format_find(""));
	assert_null(tv_format_find("OTLP"));
}

/* tv_format_sniff on a file holding @b: the format found and how much was looked at */
static const struct tv_format *sniff_file(const struct tv_strbuf *b, size_t max, size_t *looked)
{
	char path[] = "/tmp/test_format_XXXXXX";
	const struct tv_format *fmt = NULL;
	struct tv_input *in;
	const char *data;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, b->p, b->len), (ssize_t)b->len);
	assert_int_equal(close(fd), 0);
	assert_int_equal(tv_input_open(path, 0, &in), 0);
	assert_int_equal(tv_format_sniff(in, max, &fmt, &data, looked), 0);
	assert_int_equal(tv_input_bytes(in), 0); /* nothing consumed */
	tv_input_close(in);
	unlink(path);
	return fmt;
}

static void put_big(struct tv_strbuf *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(tv_strbuf_putc(b, (char)('a' + i % 26)), 0);
	}
}

/* the keys that tell a format may come after a first value far larger than the first bytes */
static void test_long_first_record(void **state)
{
	struct tv_strbuf b;
	size_t looked;

	(void)state;
	tv_strbuf_init(&b);
	/* a JSON line: anyclaude's keys after 300 KB */
	tv_strbuf_puts(&b, "{\"timestamp\":\"2025-07-01T09:00:00Z\",\"error_stack\":\"");
	put_big(&b, 300u << 10);
	tv_strbuf_puts(&b, "\",\"request_id\":\"r\",\"request_start_ms\":1,\"latency_ms\":2,"
			   "\"cache_hit\":false}\n{\"request_id\":\"r2\"}\n");
	assert_ptr_equal(sniff_file(&b, 1u << 20, &looked), rf_fmt("anyclaude"));
	assert_true(looked > 300u << 10);
	/* a pretty-printed outfile object whose hrTime follows a long attribute */
	tv_strbuf_reset(&b);
	tv_strbuf_puts(&b, "{\n  \"attributes\": {\n    \"prompt\": \"");
	put_big(&b, 300u << 10);
	tv_strbuf_puts(&b, "\"\n  },\n  \"hrTime\": [\n    1751360400,\n    0\n  ]\n}\n{\n}\n");
	assert_ptr_equal(sniff_file(&b, 1u << 20, &looked), rf_fmt("outfile"));
	/* looking stops near the limit (reads go by 1 MiB): a line of no format longer than it */
	tv_strbuf_reset(&b);
	tv_strbuf_puts(&b, "{\"foo\":\"");
	put_big(&b, 6u << 20);
	tv_strbuf_puts(&b, "\"}\n");
	assert_null(sniff_file(&b, 256u << 10, &looked));
	assert_true(looked < 3u << 20);
	/* text formats are not read further */
	tv_strbuf_reset(&b);
	put_big(&b, 6u << 20);
	assert_null(sniff_file(&b, 8u << 20, &looked));
	assert_true(looked < 3u << 20);
	tv_strbuf_finish(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_canonical),     cmocka_unit_test(test_otlp_jsonl),
		cmocka_unit_test(test_otlp_pretty),   cmocka_unit_test(test_outfile),
		cmocka_unit_test(test_collector_log), cmocka_unit_test(test_waza),
		cmocka_unit_test(test_jaeger),	      cmocka_unit_test(test_anyclaude),
		cmocka_unit_test(test_pylog),	      cmocka_unit_test(test_sqlite),
		cmocka_unit_test(test_unknown),	      cmocka_unit_test(test_prefix_only),
		cmocka_unit_test(test_names),	      cmocka_unit_test(test_claude_code),
		cmocka_unit_test(test_codex),	      cmocka_unit_test(test_long_first_record),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
