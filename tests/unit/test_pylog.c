// SPDX-License-Identifier: MIT
/*
 * tv_read_pylog: Python logging lines and plain JSON lines of query
 * events, read through tv_read_file() into one session per query.
 */
#include <math.h>
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

/* Read @data in @fmt into @r (freeing what it held). */
static void run_data(struct rf_run *r, const char *data, size_t n, const struct tv_format *fmt,
		     bool keep_events)
{
	rf_free(r);
	rf_run_data(r, data, n, fmt, 0, keep_events);
}

static void run_str(struct rf_run *r, const char *data)
{
	run_data(r, data, strlen(data), rf_fmt("pylog"), false);
}

static const struct tv_llm_call *call_of(const struct tv_session *s)
{
	assert_int_equal(s->n_turns, 1);
	assert_int_equal(s->turns[0].n_llm, 1);
	return &s->turns[0].llm[0];
}

/* ---- fixtures: as tests/tools/gen_corpus.py w_pylog() writes them ---- */

#define L(t, lvl) "2025-07-01 09:00:" t " - app.telemetry - " lvl " - "
#define START(q, t, p)                                           \
	L(t, "INFO")                                             \
	"{\"event\": \"query_start\", \"query_id\": \"" q "\", " \
	"\"query_preview\": \"" p "\", \"timestamp\": \"2025-07-01T09:00:" t "000\"}\n"
#define OK(q, t, ms, cost, m)                                                         \
	L(t, "INFO")                                                                  \
	"{\"event\": \"query_success\", \"query_id\": \"" q "\", \"latency_ms\": " ms \
	", \"cost_usd\": " cost ", \"response_length\": 12, "                         \
	"\"model\": \"" m "\", \"timestamp\": \"2025-07-01T09:00:" t "000\"}\n"
#define FAIL(q, t, msg)                                                  \
	L(t, "ERROR")                                                    \
	"{\"event\": \"query_error\", \"query_id\": \"" q "\", "         \
	"\"error_type\": \"APIError\", \"error_message\": \"" msg "\", " \
	"\"timestamp\": \"2025-07-01T09:00:" t "000\"}\n"
#define TB                                               \
	"Traceback (most recent call last):\n"           \
	"  File \"app.py\", line 42, in query_handler\n" \
	"    response = your_ai_system(query)\n"         \
	"APIError: upstream failure\n"

static const char two_queries[] = START("q-1", "04,001", "list the files")
	START("q-2", "05,000", "fix the build") FAIL("q-2", "06,500", "Internal error")
		TB OK("q-1", "07,501", "3500.0", "0.0125", "gemini-2.5-pro");

static void check_two(const struct rf_run *r)
{
	const struct tv_llm_call *c;
	struct tv_session *s;

	assert_int_equal(r->ret, 0);
	assert_int_equal(r->n, 2);
	s = rf_session(r, "q-1");
	assert_string_equal(s->source_format, "pylog");
	assert_string_equal(s->source_service, "app.telemetry");
	assert_string_equal(s->turns[0].prompt, "list the files");
	assert_string_equal(s->turns[0].id, "q-1");
	c = call_of(s);
	assert_int_equal(c->status, TV_STATUS_OK);
	assert_int_equal(c->time, rf_ts("2025-07-01T09:00:04.001Z"));
	assert_int_equal(c->duration, 3500 * TV_NS_PER_MS);
	assert_string_equal(c->model, "gemini-2.5-pro");
	assert_true(s->usage.cost_usd == 0.0125);
	assert_int_equal(s->success, 1);
	assert_false(s->has_error);
	assert_int_equal(s->start_time, rf_ts("2025-07-01T09:00:04.001Z"));
	assert_int_equal(s->end_time, rf_ts("2025-07-01T09:00:07.501Z"));
	s = rf_session(r, "q-2");
	c = call_of(s);
	assert_int_equal(c->status, TV_STATUS_ERROR);
	assert_int_equal(c->duration, 1500 * TV_NS_PER_MS); /* start to error */
	assert_string_equal(c->error, "Internal error\n"
				      "Traceback (most recent call last):\n"
				      "  File \"app.py\", line 42, in query_handler\n"
				      "    response = your_ai_system(query)\n"
				      "APIError: upstream failure");
	assert_true(s->has_error);
	assert_string_equal(s->error_type, "APIError");
	assert_string_equal(s->error_message, "Internal error");
	assert_int_equal(s->success, 0);
	assert_true(isnan(s->usage.cost_usd));
}

static void test_queries(void **state)
{
	struct rf_run *r = *state;

	run_str(r, two_queries);
	check_two(r);
	assert_int_equal(r->st.records_read, 8);
	assert_int_equal(r->st.records_used, 8); /* the traceback's 4 lines too */
	assert_int_equal(rf_count_msgs(r, TV_REPORT_WARN, "no time zone"), 1);
	assert_int_equal(r->n_msgs, 1);
}

/* detected without --from; CRLF line ends and a BOM change nothing */
static void test_detect_crlf_bom(void **state)
{
	struct rf_run *r = *state;
	char buf[8192];
	size_t n = 0;

	memcpy(buf, "\xef\xbb\xbf", 3);
	n = 3;
	for (const char *p = two_queries; *p; p++) {
		if (*p == '\n') {
			buf[n++] = '\r';
		}
		buf[n++] = *p;
	}
	run_data(r, buf, n, NULL, false);
	check_two(r);
	assert_int_equal(r->st.records_used, 8);
}

/* the same events as plain JSON lines */
static void test_json_lines(void **state)
{
	struct rf_run *r = *state;
	const struct tv_llm_call *c;
	struct tv_session *s;
	static const char data[] =
		"{\"event\": \"query_start\", \"query_id\": 17, \"query_preview\": \"hi\", "
		"\"timestamp\": \"2025-07-01T09:00:00Z\"}\n"
		"{\"event\": \"query_success\", \"query_id\": 17, \"latency_ms\": 250, "
		"\"timestamp\": 1751360400.25, \"input_tokens\": 10, \"output_tokens\": 5}\n"
		"{\"event\": \"query_error\", \"query_id\": \"t\", \"error_type\": \"ReadTimeout\"}\n"
		"{\"event\": \"heartbeat\"}\n"
		"[1, 2]\n";

	run_data(r, data, sizeof(data) - 1, NULL, true);
	assert_int_equal(r->ret, 0);
	assert_int_equal(r->n, 2);
	assert_int_equal(r->st.records_used, 3);
	assert_int_equal(r->st.records_skipped, 2);
	assert_int_equal(r->n_msgs, 0); /* times with zones, or numbers: no warning */
	s = rf_session(r, "17");
	assert_null(s->source_service);
	c = call_of(s);
	assert_int_equal(c->time, rf_ts("2025-07-01T09:00:00Z"));
	assert_int_equal(c->duration, 250 * TV_NS_PER_MS);
	assert_int_equal(c->input_tokens, 10);
	assert_int_equal(s->usage.input_tokens, 10);
	assert_int_equal(s->n_events, 2);
	assert_string_equal(s->events[0],
			    "{\"event\":\"query_start\",\"query_id\":17,"
			    "\"query_preview\":\"hi\",\"timestamp\":\"2025-07-01T09:00:00Z\"}");
	s = rf_session(r, "t");
	c = call_of(s);
	assert_int_equal(c->status, TV_STATUS_TIMEOUT);
	assert_string_equal(c->error, "ReadTimeout");
	assert_int_equal(c->time, TV_NONE);
	assert_null(s->turns[0].prompt);
}

/* other log lines, stray text and tracebacks after other records are skipped */
static void test_garbage(void **state)
{
	struct rf_run *r = *state;
	static const char data[] = "starting up\n" L(
		"00,000",
		"INFO") "Application started\n"
			"Traceback (most recent call last):\n"
			"\n" L("00,100", "WARNING") "{\"msg\": \"no query here\"}\n" L(
				"00,200",
				"INFO") "[\"a list\"]\n"
					"2025-07-01 09:00:00,300 - a - b - c - NOTICE - {}\n"
					"2025-07-01 09:00:00,300 - x - y - DEBUG - {\"event\": \"query_start\", "
					"\"query_id\": \"q\"}\n"
					"  indented\n" START("q", "01,000",
							     "p") "  after a start\n";

	run_str(r, data);
	assert_int_equal(r->ret, 0);
	assert_int_equal(r->n, 1);
	assert_int_equal(r->st.records_used, 2);
	assert_int_equal(r->st.records_skipped, 8);
	assert_int_equal(r->st.records_rejected, 0);
	/* the logger runs to the first " - LEVEL - " */
	assert_string_equal(rf_session(r, "q")->source_service, "x - y");
}

static void test_bad_json(void **state)
{
	struct rf_run *r = *state;
	static const char data[] = L(
		"00,000",
		"INFO") "{\"event\": \"query_start\", \"query_id\": }\n" TB
			"{\"event\": \"query_start\", \"query_id\": \"q\", \"query_preview\": \"\xff\"}\n" START(
				"ok", "01,000",
				"fine") "{\"event\": \"query_success\", \"query_id\": \"ok\", \"latency_ms\": 1";

	run_str(r, data);
	assert_int_equal(r->ret, 0);
	assert_int_equal(r->n, 1);
	assert_int_equal(r->st.records_rejected, 3);
	assert_int_equal(r->st.records_skipped, 4); /* the traceback after a bad record */
	assert_int_equal(r->st.records_used, 1);
	assert_true(rf_has_msg(r, 1, "invalid JSON"));
	assert_true(rf_has_msg(r, 6, "invalid JSON"));
	assert_true(rf_has_msg(r, 8, "invalid JSON (the last line is cut short)"));
	assert_int_equal(call_of(rf_session(r, "ok"))->status, TV_STATUS_NONE);
}

/* invalid UTF-8 outside JSON (a traceback) is kept; the writer replaces it */
static void test_invalid_utf8_traceback(void **state)
{
	struct rf_run *r = *state;
	struct tv_strbuf out;
	static const char data[] =
		FAIL("q", "01,000", "boom") "ValueError: bad byte \xc3\x28 here\n";

	run_str(r, data);
	assert_int_equal(r->ret, 0);
	assert_int_equal(r->n, 1);
	assert_string_equal(call_of(r->s[0])->error, "boom\nValueError: bad byte \xc3\x28 here");
	tv_strbuf_init(&out);
	assert_int_equal(tv_session_write(r->s[0], &out), 0);
	assert_non_null(strstr(out.p, "bad byte \xef\xbf\xbd( here"));
	tv_strbuf_finish(&out);
}

/* a traceback longer than the record limit is cut, with one warning */
static void test_long_traceback(void **state)
{
	struct rf_run *r = *state;
	const struct rf_opts o = { .max_record = 300 };
	char path[] = "/tmp/test_pylog_XXXXXX";
	struct tv_read_ctx *ctx;
	FILE *f;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(FAIL("q", "01,000", "boom"), f);
	for (int i = 0; i < 20; i++) {
		fprintf(f, "  File \"x.py\", line %d, in f\n", i);
	}
	assert_int_equal(fclose(f), 0);
	rf_free(r);
	ctx = rf_ctx(r, &o);
	assert_int_equal(tv_read_file(ctx, path, rf_fmt("pylog"), &r->err), 0);
	assert_int_equal(tv_read_finish(ctx, &r->err), 0);
	r->st = *tv_read_stats(ctx);
	tv_read_ctx_destroy(ctx);
	unlink(path);
	assert_int_equal(r->st.records_read, 21);
	assert_true(r->st.records_skipped > 0);
	assert_int_equal(r->st.records_used + r->st.records_skipped, 21);
	assert_true(strlen(call_of(r->s[0])->error) <= 300);
	assert_int_equal(rf_count_msgs(r, TV_REPORT_WARN, "traceback longer than"), 1);
}

static void test_empty(void **state)
{
	struct rf_run *r = *state;

	run_str(r, "");
	assert_int_equal(r->ret, 0);
	assert_int_equal(r->n, 0);
	run_str(r, "\n\n  \n");
	assert_int_equal(r->ret, 0);
	assert_int_equal(r->st.records_read, 0);
}

#define TEST(f) cmocka_unit_test_setup_teardown(f, rf_setup, rf_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_queries),	   TEST(test_detect_crlf_bom),
		TEST(test_json_lines),	   TEST(test_garbage),
		TEST(test_bad_json),	   TEST(test_invalid_utf8_traceback),
		TEST(test_long_traceback), TEST(test_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
