// SPDX-License-Identifier: MIT
/*
 * tv_read_anyclaude: anyclaude's session-<id>-metrics.jsonl read through
 * tv_read_file() into one session per file (the id from the file name),
 * session-<id>-summary.json counted as skipped and checked against the
 * metrics of the same run, and every kind of bad input rejected and
 * counted.  Fixtures are written with ' for ".
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
#include <zlib.h>

#include <cmocka.h>

#include "libcommon/read/tv_reader.h"
#include "libcommon/core/tv_time.h"

#include "reader_fixture.h"

#define ID "1761645600000-k3j9x2m1q"
#define METRICS "session-" ID "-metrics.jsonl"
#define SUMMARY "session-" ID "-summary.json"
#define LONG ID ID ID ID ID ID ID ID ID ID /* 230 bytes */

/* a temporary directory for the files of one test */
static char dir[] = "/tmp/test_anyclaude_XXXXXX";

static char *path_of(const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);

	assert_non_null(p);
	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

/* Read the files @names (in @dir) in one context, in order, as @fmt. */
static void run_files(struct rf_run *r, const char *const *names, size_t n,
		      const struct tv_format *fmt, size_t max_record, bool keep_events)
{
	const struct rf_opts o = { .max_record = max_record, .keep_events = keep_events };
	char **paths = calloc(n, sizeof(*paths));

	assert_non_null(paths);
	for (size_t i = 0; i < n; i++) {
		paths[i] = path_of(names[i]);
	}
	rf_run_paths(r, (const char *const *)paths, n, fmt, &o);
	for (size_t i = 0; i < n; i++) {
		free(paths[i]);
	}
	free(paths);
	rf_check_sessions(r);
}

static void run_file(struct rf_run *r, const char *name)
{
	run_files(r, &name, 1, rf_fmt("anyclaude"), 0, false);
}

/* Write @q (in ' notation) as the file @name in @dir. */
static void put(const char *name, const char *q)
{
	char *p = path_of(name), *s = rf_unq(q);
	FILE *f = fopen(p, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(s, 1, strlen(s), f), strlen(s));
	assert_int_equal(fclose(f), 0);
	free(p);
	free(s);
}

static void put_gz(const char *name, const char *q)
{
	char *p = path_of(name), *s = rf_unq(q);
	gzFile f = gzopen(p, "wb");

	assert_non_null(f);
	assert_int_equal(gzwrite(f, s, (unsigned)strlen(s)), (int)strlen(s));
	assert_int_equal(gzclose(f), Z_OK);
	free(p);
	free(s);
}

static void unput(const char *name)
{
	char *p = path_of(name);

	unlink(p);
	free(p);
}

static int setup(void **state)
{
	(void)state;
	memcpy(dir + strlen(dir) - 6, "XXXXXX", 6);
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
	static const char *const names[] = { METRICS,
					     SUMMARY,
					     METRICS ".gz",
					     "odd.jsonl",
					     "session-x-metrics.jsonl",
					     "session-x-summary.json",
					     "notes.txt" };

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		unput(names[i]);
	}
	return rmdir(dir);
}

/* ---- fixtures: RequestMetric lines as JSON.stringify writes them ---- */

#define METRIC(t, model, status, cache, extra)                                               \
	"{'timestamp':'2025-10-28T10:00:" t "Z',"                                            \
	"'request_id':'req-" t "','provider':'lmstudio','model':'" model "',"                \
	"'message_count':3,'message_tokens':1200,'has_system_prompt':true,'has_tools':true," \
	"'tool_count':17,'stream':false,'status':'" status "','tool_calls_made':1,"          \
	"'request_start_ms':1761645600000,'request_end_ms':1761645601250,'latency_ms':1250," \
	"'cache_hit':" cache ",'response_tokens':80,'response_length':312" extra "}\n"
#define OK1 METRIC("00.000", "qwen3-coder", "success", "false", ",'finish_reason':'stop'")
#define ERR                                               \
	METRIC("02.000", "qwen3-coder", "error", "false", \
	       ",'finish_reason':'error',"                \
	       "'error_message':'connection refused','error_stack':'at x'")
#define TIMEOUT METRIC("04.000", "gpt-oss", "timeout", "true", "")
#define LINES OK1 ERR TIMEOUT

#define SUMMARY_DOC(total, in)                                                             \
	"{\n  'session_id': '" ID "',\n"                                                   \
	"  'start_time': '2025-10-28T10:00:00.000Z',\n  'total_requests': " total ",\n"    \
	"  'successful_requests': 1,\n  'failed_requests': 1,\n  'timeout_requests': 1,\n" \
	"  'total_latency_ms': 1250,\n  'p95_latency_ms': 1250,\n  'cache_hits': 1,\n"     \
	"  'total_input_tokens': " in ",\n  'total_output_tokens': 240,\n"                 \
	"  'models_used': [\n    'qwen3-coder',\n    'gpt-oss'\n  ],\n"                    \
	"  'providers_used': [\n    'lmstudio'\n  ]\n}"

static void check_session(const struct rf_run *r)
{
	struct tv_session *s;
	struct tv_turn *t;

	assert_int_equal(r->ret, 0);
	assert_int_equal(r->n, 1);
	s = rf_session(r, ID);
	assert_string_equal(s->source_format, "anyclaude");
	assert_string_equal(tv_kvlist_find(&s->metadata, "provider"), "\"lmstudio\"");
	assert_int_equal(s->n_turns, 1);
	t = &s->turns[0];
	assert_null(t->prompt);
	assert_int_equal(t->n_llm, 3);
	assert_int_equal(t->llm[0].time, rf_ts("2025-10-28T10:00:00Z"));
	assert_string_equal(t->llm[0].model, "qwen3-coder");
	assert_int_equal(t->llm[0].duration, 1250 * TV_NS_PER_MS);
	assert_int_equal(t->llm[0].status, TV_STATUS_OK);
	assert_int_equal(t->llm[0].input_tokens, 1200);
	assert_int_equal(t->llm[0].output_tokens, 80);
	assert_int_equal(t->llm[0].cache_hit, 0);
	assert_string_equal(t->llm[0].finish_reason, "stop");
	assert_null(t->llm[0].error);
	assert_int_equal(t->llm[1].status, TV_STATUS_ERROR);
	assert_string_equal(t->llm[1].error, "connection refused");
	assert_int_equal(t->llm[2].status, TV_STATUS_TIMEOUT);
	assert_int_equal(t->llm[2].cache_hit, 1);
	assert_null(t->llm[2].finish_reason);
	assert_int_equal(s->n_models, 2);
	assert_int_equal(s->success, 0);
	assert_string_equal(s->error_type, "timeout");
	assert_int_equal(s->start_time, rf_ts("2025-10-28T10:00:00Z"));
	assert_int_equal(s->end_time, rf_ts("2025-10-28T10:00:05.25Z"));
	assert_int_equal(s->usage.input_tokens, 3600);
}

static void test_metrics(void **state)
{
	struct rf_run r;

	(void)state;
	put(METRICS, LINES);
	run_file(&r, METRICS);
	check_session(&r);
	assert_int_equal(r.st.records_read, 3);
	assert_int_equal(r.st.records_used, 3);
	assert_int_equal(r.n_msgs, 0);
	rf_free(&r);
}

/* gzip, CRLF, a BOM and blank lines change nothing */
static void test_gz_crlf_bom(void **state)
{
	struct rf_run r;

	(void)state;
	put_gz(METRICS ".gz", LINES);
	run_file(&r, METRICS ".gz");
	check_session(&r);
	assert_int_equal(r.n_msgs, 0);
	rf_free(&r);
	put(METRICS, "\xef\xbb\xbf{'timestamp':'2025-10-28T10:00:00.000Z','status':'success',"
		     "'provider':'lmstudio','latency_ms':1250}\r\n\r\n   \n" ERR);
	run_file(&r, METRICS);
	assert_int_equal(r.st.records_used, 2);
	assert_int_equal(rf_session(&r, ID)->turns[0].n_llm, 2);
	rf_free(&r);
}

/* a file not named session-<id>-metrics.jsonl: its base name, and one warning */
static void test_odd_name(void **state)
{
	struct rf_run r;

	(void)state;
	put("odd.jsonl", LINES);
	run_file(&r, "odd.jsonl");
	assert_int_equal(r.n, 1);
	rf_session(&r, "odd");
	assert_int_equal(r.n_msgs, 1);
	rf_assert_msg(&r, 1, "taking \"odd\" as the session id");
	rf_free(&r);
}

/* bad lines are rejected with their line; the rest still make the session */
static void test_bad_lines(void **state)
{
	struct rf_run r;
	struct tv_turn *t;

	(void)state;
	put(METRICS,
	    OK1 "{'request_id':'x','status':'maybe'}\n"
		"[1,2]\n"
		"{'request_id':'x','latency_ms':'slow'}\n"
		"{'request_id':'x','timestamp':'later'}\n"
		"{'request_id':'x','message_tokens':1.5}\n"
		"{'request_id':'x','response_tokens':-1}\n"
		"{'request_id':'x','cache_hit':'no'}\n"
		"{'request_id':'x','model':7}\n"
		"{'request_id':'x','provider':{}}\n"
		"{'request_id':'x','error_message':[]}\n"
		"{'request_id':'x','finish_reason':0}\n"
		"{'hello':'world'}\n"
		"{'request_id':'x',\n"
		"{'request_id':'\xff'}\n"
		"{'request_id':'x','status':'success','request_start_ms':1761645610000}\n" ERR);
	run_file(&r, METRICS);
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.st.records_used, 3);
	assert_int_equal(r.st.records_rejected, 14);
	rf_assert_msg(&r, 2, "status is not success, error or timeout");
	rf_assert_msg(&r, 3, "not a RequestMetric object");
	rf_assert_msg(&r, 4, "latency_ms is not a number of milliseconds");
	rf_assert_msg(&r, 5, "timestamp is not an ISO 8601 time");
	rf_assert_msg(&r, 6, "message_tokens is not a count");
	rf_assert_msg(&r, 7, "response_tokens is not a count");
	rf_assert_msg(&r, 8, "cache_hit is not true or false");
	rf_assert_msg(&r, 9, "model is not a string");
	rf_assert_msg(&r, 10, "provider is not a string");
	rf_assert_msg(&r, 11, "error_message is not a string");
	rf_assert_msg(&r, 12, "finish_reason is not a string");
	rf_assert_msg(&r, 13, "not a RequestMetric (no request_id, status or latency_ms)");
	rf_assert_msg(&r, 14, "invalid JSON");
	rf_assert_msg(&r, 15, "invalid JSON");
	t = &rf_session(&r, ID)->turns[0];
	assert_int_equal(t->n_llm, 3);
	/* no timestamp: request_start_ms; no latency: no duration (calls sort by time) */
	assert_int_equal(t->llm[2].time, rf_ts("2025-10-28T10:00:10Z"));
	assert_int_equal(t->llm[2].duration, TV_NONE);
	rf_free(&r);
}

static void test_hostile(void **state)
{
	struct rf_run r;
	char *deep;
	size_t n = 10000;

	(void)state;
	/* an empty file, and one of only bad lines: no session */
	put(METRICS, "");
	run_file(&r, METRICS);
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.st.records_read, 0);
	assert_int_equal(r.n, 0);
	rf_free(&r);
	deep = malloc(2 * n + 2);
	assert_non_null(deep);
	memset(deep, '[', n);
	memset(deep + n, ']', n);
	memcpy(deep + 2 * n, "\n", 2);
	put(METRICS, deep);
	free(deep);
	run_file(&r, METRICS);
	assert_int_equal(r.n, 0);
	assert_int_equal(r.st.records_rejected, 1);
	rf_assert_msg(&r, 1, "invalid JSON");
	rf_free(&r);
	/* a line over the record limit, and a last line without its newline */
	put(METRICS, OK1 "{'request_id':'" LONG LONG LONG LONG "'}\n"
			 "{'request_id':'x','status':'error'}");
	{
		const char *name = METRICS;

		run_files(&r, &name, 1, rf_fmt("anyclaude"), 600, false);
	}
	assert_int_equal(r.st.records_used, 2);
	assert_int_equal(r.st.records_rejected, 1);
	rf_assert_msg(&r, 2, "line longer than the record limit");
	rf_free(&r);
}

static void test_keep_events(void **state)
{
	const char *name = METRICS;
	char *want = rf_unq(ERR);
	struct tv_session *s;
	struct rf_run r;

	(void)state;
	put(METRICS, LINES);
	run_files(&r, &name, 1, rf_fmt("anyclaude"), 0, true);
	s = rf_session(&r, ID);
	assert_int_equal(s->n_events, 3);
	want[strlen(want) - 1] = '\0'; /* without the newline */
	assert_string_equal(s->events[1], want);
	rf_free(&r);
	free(want);
}

/* ---- summaries ---- */

/* a summary is one skipped record; it agrees with the metrics: no warning */
static void test_summary_agrees(void **state)
{
	static const char *const names[] = { METRICS, SUMMARY };
	struct rf_run r;

	(void)state;
	put(METRICS, LINES);
	put(SUMMARY, SUMMARY_DOC("3", "3600"));
	run_files(&r, names, 2, NULL, 0, false);
	check_session(&r);
	assert_int_equal(r.st.records_read, 4);
	assert_int_equal(r.st.records_used, 3);
	assert_int_equal(r.st.records_skipped, 1);
	assert_int_equal(r.n_msgs, 0);
	rf_free(&r);
	/* alone, it is read, skipped, and makes no session */
	run_files(&r, names + 1, 1, NULL, 0, false);
	assert_int_equal(r.st.records_skipped, 1);
	assert_int_equal(r.n, 0);
	rf_free(&r);
}

/* a disagreement is warned about, whichever file comes first */
static void test_summary_disagrees(void **state)
{
	static const char *const after[] = { METRICS, SUMMARY };
	static const char *const before[] = { SUMMARY, METRICS };
	struct rf_run r;

	(void)state;
	put(METRICS, LINES);
	put(SUMMARY, SUMMARY_DOC("4", "3601"));
	run_files(&r, after, 2, rf_fmt("anyclaude"), 0, false);
	assert_int_equal(r.n_msgs, 1);
	assert_string_equal(rf_basename(r.msgs[0].file), SUMMARY);
	rf_assert_msg(&r, 1,
		      "session " ID ": summary and metrics disagree: total_requests 4 "
		      "in the summary, 3 in the metrics; total_input_tokens 3601 in the summary, "
		      "3600 in the metrics");
	rf_free(&r);
	run_files(&r, before, 2, rf_fmt("anyclaude"), 0, false);
	assert_int_equal(r.n_msgs, 1);
	assert_string_equal(rf_basename(r.msgs[0].file), METRICS);
	rf_assert_msg(&r, 0, "total_requests 4 in the summary, 3 in the metrics");
	rf_free(&r);
}

/* without a session_id, the file name says whose summary it is */
static void test_summary_named(void **state)
{
	static const char *const names[] = { "session-x-metrics.jsonl", "session-x-summary.json" };
	struct rf_run r;

	(void)state;
	put("session-x-metrics.jsonl", OK1);
	put("session-x-summary.json", "{'total_requests': 2, 'p95_latency_ms': 1}");
	run_files(&r, names, 2, NULL, 0, false);
	rf_session(&r, "x");
	assert_int_equal(r.st.records_skipped, 1);
	rf_assert_msg(&r, 1, "session x: summary and metrics disagree: total_requests 2");
	rf_free(&r);
	/* a one-line summary inside a metrics file is a summary too */
	put("session-x-metrics.jsonl",
	    OK1 "{'session_id':'x','total_requests':1,"
		"'total_input_tokens':1200,'total_output_tokens':80,'successful_requests':1,"
		"'failed_requests':0,'timeout_requests':0}\n");
	run_files(&r, names, 1, rf_fmt("anyclaude"), 0, false);
	assert_int_equal(r.st.records_used, 1);
	assert_int_equal(r.st.records_skipped, 1);
	assert_int_equal(r.n_msgs, 0);
	rf_free(&r);
}

static void test_bad_summaries(void **state)
{
	const char *name = SUMMARY;
	struct rf_run r;

	(void)state;
	put(SUMMARY, "{\n  'session_id': 'a',\n  'total_requests': 'many'\n}\n"
		     "{\n  'session_id': 'b'\n}\n"
		     "{\n  'session_id': 7,\n  'total_requests': 1\n}\n"
		     "[\n  1\n]\n"
		     "{\n  'session_id': 'c',\n  'total_requests': 1,\n");
	run_files(&r, &name, 1, rf_fmt("anyclaude"), 0, false);
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.st.records_rejected, 5);
	assert_int_equal(r.st.records_skipped, 0);
	rf_assert_msg(&r, 1, "total_requests is not a count");
	rf_assert_msg(&r, 5, "not an anyclaude session summary (no total_requests)");
	rf_assert_msg(&r, 8, "session_id is not a string");
	rf_assert_msg(&r, 12, "not an anyclaude session summary (not an object)");
	rf_assert_msg(&r, 15, "unterminated JSON value");
	rf_free(&r);
}

static void test_detect(void **state)
{
	char *s = rf_unq(SUMMARY_DOC("3", "3600"));

	(void)state;
	assert_int_equal(tv_format_detect(s, strlen(s)), rf_fmt("anyclaude"));
	free(s);
	s = rf_unq("{'session_id':'x','total_requests':1,'p95_latency_ms':0}\n");
	assert_int_equal(tv_format_detect(s, strlen(s)), rf_fmt("anyclaude"));
	free(s);
	s = rf_unq(OK1);
	assert_int_equal(tv_format_detect(s, strlen(s)), rf_fmt("anyclaude"));
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_metrics, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gz_crlf_bom, setup, teardown),
		cmocka_unit_test_setup_teardown(test_odd_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keep_events, setup, teardown),
		cmocka_unit_test_setup_teardown(test_summary_agrees, setup, teardown),
		cmocka_unit_test_setup_teardown(test_summary_disagrees, setup, teardown),
		cmocka_unit_test_setup_teardown(test_summary_named, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_summaries, setup, teardown),
		cmocka_unit_test(test_detect),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
