// SPDX-License-Identifier: MIT
/*
 * tv_read_waza: waza RuntimeCollector exports read through tv_read_file()
 * into one session per session object: the pairing of llm and tool events,
 * errors, the tool_calls fallback, naive times, and every kind of bad
 * input rejected and counted.  Fixtures are written with ' for ".
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

/* Read @q (' for ") as waza JSON into @r; every session counted is there. */
static void run_opts(struct rf_run *r, const char *q, size_t max_record, bool keep)
{
	rf_run_q(r, q, rf_fmt("waza"), max_record, keep);
	rf_check_sessions(r);
}

static void run_q(struct rf_run *r, const char *q)
{
	run_opts(r, q, 0, false);
}

/* @q (in ' notation) pretty-printed as json.dumps(v, indent=2) does, and a newline. */
static char *pretty(const char *q)
{
	struct tv_strbuf b;
	char *u = rf_unq(q), *p = rf_pretty(u);

	tv_strbuf_init(&b);
	assert_int_equal(tv_strbuf_puts(&b, p), 0);
	assert_int_equal(tv_strbuf_putc(&b, '\n'), 0);
	free(p);
	free(u);
	return tv_strbuf_steal(&b);
}

/* ---- fixtures ---- */

#define EV(t, type, data)                                           \
	"{'timestamp':'2025-07-01T09:00:" t "','event_type':'" type \
	"','skill_name':'azure-deploy','data':" data ",'session_id':'s-1'}"
#define EVENTS                                                                                                                       \
	EV("00.000000", "skill.invoked", "{}")                                                                                       \
	"," EV("00.100000", "llm.request", "{'model':'gpt-4.1','tokens':1200}") "," EV(                                              \
		"01.100000", "llm.response",                                                                                         \
		"{'model':'gpt-4.1','latency_ms':1000}") "," EV("01.200000", "tool.called",                                          \
								"{'tool':'az','args':['webapp','create']}") "," EV("01.450000",      \
														   "tool.completed", \
														   "{'tool':'az','success':true,'error':null}")
#define SESSION(id, events, tool_calls, rest)                                         \
	"{'session_id':'" id "',"                                                     \
	"'start_time':'2025-07-01T09:00:00','end_time':'2025-07-01T09:00:02.500000'," \
	"'skill_name':null,'prompt':'Deploy my app','output':'Deployed',"             \
	"'events':[" events "],'tool_calls':[" tool_calls "],'success':true,"         \
	"'error':null,'duration_ms':2500,'metadata':{'user_id':'user123',"            \
	"'environment':'production','tags':['a',1]}" rest "}"
#define EXPORT(sessions) "{'exported_at':'2025-07-31T12:00:00.000000','sessions':[" sessions "]}"

static void check_session(const struct rf_run *r, const char *id)
{
	struct tv_session *s = rf_session(r, id);
	struct tv_turn *t;

	assert_string_equal(s->source_format, "waza");
	assert_string_equal(s->skill, "azure-deploy");
	assert_string_equal(s->user, "user123");
	assert_int_equal(s->success, 1);
	assert_false(s->has_error);
	assert_int_equal(s->start_time, rf_ts("2025-07-01T09:00:00Z"));
	assert_int_equal(s->end_time, rf_ts("2025-07-01T09:00:02.5Z"));
	assert_int_equal(s->duration, 2500 * TV_NS_PER_MS);
	assert_int_equal(s->metadata.n, 3);
	assert_string_equal(tv_kvlist_find(&s->metadata, "user_id"), "\"user123\"");
	assert_string_equal(tv_kvlist_find(&s->metadata, "tags"), "[\"a\",1]");
	assert_int_equal(s->n_models, 1);
	assert_string_equal(s->models[0], "gpt-4.1");
	assert_int_equal(s->n_turns, 1);
	t = &s->turns[0];
	assert_string_equal(t->prompt, "Deploy my app");
	assert_string_equal(t->output, "Deployed");
	assert_int_equal(t->success, 1);
	assert_int_equal(t->n_llm, 1);
	assert_int_equal(t->llm[0].time, rf_ts("2025-07-01T09:00:00.1Z"));
	assert_int_equal(t->llm[0].duration, 1000 * TV_NS_PER_MS);
	assert_int_equal(t->llm[0].input_tokens, 1200);
	assert_int_equal(t->llm[0].status, TV_STATUS_OK);
	assert_int_equal(t->n_tools, 1);
	assert_string_equal(t->tools[0].name, "az");
	assert_string_equal(t->tools[0].args_json, "[\"webapp\",\"create\"]");
	assert_int_equal(t->tools[0].time, rf_ts("2025-07-01T09:00:01.2Z"));
	assert_int_equal(t->tools[0].duration, 250 * TV_NS_PER_MS);
	assert_int_equal(t->tools[0].success, 1);
	assert_null(t->tools[0].error);
	assert_int_equal(s->usage.input_tokens, 1200);
}

/* an export as json.dumps(indent=2) writes it; tool_calls repeats the tool.called data */
static void test_export(void **state)
{
	char *doc = pretty(
		EXPORT(SESSION("s-1", EVENTS, "{'tool':'az','args':['webapp','create']}", "")));
	struct rf_run r;

	(void)state;
	run_q(&r, doc);
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.st.records_read, 6); /* the session and its 5 events */
	assert_int_equal(r.st.records_used, 6);
	check_session(&r, "s-1");
	assert_int_equal(r.n_msgs, 1);
	assert_int_equal(r.msgs[0].level, TV_REPORT_WARN);
	rf_assert_msg(&r, 1, "without a time zone");
	rf_free(&r);
	free(doc);
}

/* two exports back to back, a bare session and an array of sessions; one warning */
static void test_shapes(void **state)
{
	const char *doc = EXPORT(SESSION("s-1", EVENTS, "", "")) "\n" EXPORT(
		SESSION("s-2", EVENTS, "", "") "," SESSION(
			"s-3", EVENTS, "", "")) "\n" SESSION("s-4", EVENTS, "",
							     "") "\n"
								 "[" SESSION("s-5", EVENTS, "",
									     "") "]\n";
	struct rf_run r;

	(void)state;
	run_q(&r, doc);
	assert_int_equal(r.n, 5);
	assert_int_equal(r.st.records_used, 5 * 6);
	check_session(&r, "s-1");
	check_session(&r, "s-3");
	check_session(&r, "s-4");
	check_session(&r, "s-5");
	assert_int_equal(r.n_msgs, 1);
	rf_free(&r);
}

/* without tool events the tool_calls array gives the calls */
static void test_tool_calls_fallback(void **state)
{
	struct tv_session *s;
	struct rf_run r;

	(void)state;
	run_q(&r, EXPORT(SESSION("s-1", "", "{'tool':'az','args':{'x':1}},{'tool':'ls'},7", "")));
	s = rf_session(&r, "s-1");
	assert_int_equal(r.st.records_used, 1);
	assert_int_equal(s->turns[0].n_tools, 2);
	assert_string_equal(s->turns[0].tools[0].name, "az");
	assert_string_equal(s->turns[0].tools[0].args_json, "{\"x\":1}");
	assert_int_equal(s->turns[0].tools[0].success, -1);
	assert_string_equal(s->turns[0].tools[1].name, "ls");
	assert_null(s->turns[0].tools[1].args_json);
	rf_assert_msg(&r, 1, "sessions[0].tool_calls[2]: not an object");
	rf_free(&r);
}

#define PAIR_EVENTS                                                                                                                                                                                                                                                     \
	EV("00.000000", "llm.request", "{'model':'a','tokens':1}")                                                                                                                                                                                                      \
	"," EV("00.100000", "llm.request", "{'model':'b','tokens':2}") "," EV("00.200000", "tool.called", "{'tool':'x','args':1}") "," EV("00.300000", "tool.called", "{'tool':'y','args':2}") "," EV("00.400000", "tool.called", "{'tool':'x','args':3}") "," EV(      \
		"00.500000", "llm.response",                                                                                                                                                                                                                            \
		"{'model':'b','latency_ms':400}") "," EV("00.600000", "tool.completed",                                                                                                                                                                                 \
							 "{'tool':'x','success':false,'error':'boom'}") "," EV("00.700000",                                                                                                                                             \
													       "tool.completed",                                                                                                                                        \
													       "{'tool':'y','success':true}") "," EV("00.800000",                                                                                                       \
																		     "llm.response",                                                                                                    \
																		     "{'model':'c','latency_ms':300.5}") "," EV("00.900000",                                                            \
																								"tool.completed",                                                       \
																								"{'tool':'z','success':true}") "," EV("01.000000",                      \
																												      "custom.thing",                   \
																												      "{'x':1}") "," EV("01.100000",    \
																															"llm.response", \
																															"{'latency_ms':50}")

/*
 * Pairing in order: a response goes to the waiting request of its model,
 * a completion to the oldest waiting call of its tool; one without its
 * first half stands alone; a request never answered has no status.
 */
static void test_pairing(void **state)
{
	struct tv_turn *t;
	struct rf_run r;

	(void)state;
	run_q(&r, EXPORT(SESSION("s-1", PAIR_EVENTS, "{'tool':'x'}", "")));
	assert_int_equal(r.st.records_used, 13);
	t = &rf_session(&r, "s-1")->turns[0];
	assert_int_equal(t->n_llm, 3);
	assert_string_equal(t->llm[0].model, "a"); /* answered by c's response (none waits for c) */
	assert_int_equal(t->llm[0].duration, 300500000);
	assert_int_equal(t->llm[0].status, TV_STATUS_OK);
	assert_string_equal(t->llm[1].model, "b");
	assert_int_equal(t->llm[1].duration, 400 * TV_NS_PER_MS);
	assert_int_equal(t->llm[1].input_tokens, 2);
	assert_null(t->llm[2].model); /* a response with no request left */
	assert_int_equal(t->llm[2].time, rf_ts("2025-07-01T09:00:01.05Z"));
	assert_int_equal(t->llm[2].status, TV_STATUS_OK);
	assert_int_equal(t->n_tools, 4);
	assert_string_equal(t->tools[0].args_json, "1");
	assert_int_equal(t->tools[0].success, 0);
	assert_string_equal(t->tools[0].error, "boom");
	assert_int_equal(t->tools[0].duration, 400 * TV_NS_PER_MS);
	assert_int_equal(t->tools[1].success, 1);
	assert_int_equal(t->tools[2].success, -1); /* the second x never completed */
	assert_string_equal(t->tools[3].name, "z");
	assert_int_equal(t->tools[3].success, 1);
	assert_int_equal(t->tools[3].time, rf_ts("2025-07-01T09:00:00.9Z"));
	rf_free(&r);
}

#define ERR_EVENTS                                                                                  \
	EV("00.000000", "llm.request", "{'model':'a','tokens':1}")                                  \
	"," EV("00.250000", "error", "{'error_type':'RateLimit','message':'429 from api'}") "," EV( \
		"00.300000", "error", "{'error_type':'Other','message':'later'}")

/* an error event fails the waiting request and the session */
static void test_errors(void **state)
{
	struct tv_session *s;
	struct rf_run r;

	(void)state;
	run_q(&r,
	      EXPORT("{'session_id':'e-1','start_time':'2025-07-01T09:00:00','events':[" ERR_EVENTS
		     "]},"
		     "{'session_id':'e-2','success':false,'error':'it broke','events':[" ERR_EVENTS
		     "]},"
		     "{'session_id':'e-3','success':null,'error':'bad','end_time':null,'duration_ms':0}"));
	assert_int_equal(r.n, 3);
	s = rf_session(&r, "e-1");
	assert_int_equal(s->success, 0);
	assert_true(s->has_error);
	assert_string_equal(s->error_type, "RateLimit");
	assert_string_equal(s->error_message, "429 from api");
	assert_int_equal(s->turns[0].llm[0].status, TV_STATUS_ERROR);
	assert_string_equal(s->turns[0].llm[0].error, "429 from api");
	assert_int_equal(s->turns[0].llm[0].duration, 250 * TV_NS_PER_MS);
	s = rf_session(&r, "e-2");
	assert_string_equal(s->error_type, "RateLimit");
	assert_string_equal(s->error_message, "it broke");
	s = rf_session(&r, "e-3");
	assert_int_equal(s->success, 0);
	assert_string_equal(s->error_type, "error");
	assert_string_equal(s->error_message, "bad");
	assert_int_equal(s->duration, TV_NONE);
	assert_null(s->turns[0].prompt);
	rf_free(&r);
}

static void test_keep_events(void **state)
{
	char *want =
		rf_unq(EV("01.100000", "llm.response", "{'model':'gpt-4.1','latency_ms':1000}"));
	char *doc = pretty(EXPORT(SESSION("s-1", EVENTS, "", "")));
	struct tv_session *s;
	struct rf_run r;

	(void)state;
	run_opts(&r, doc, 0, true);
	free(doc);
	s = rf_session(&r, "s-1");
	assert_int_equal(s->n_events, 5);
	assert_string_equal(s->events[2], want);
	rf_free(&r);
	free(want);
}

/* ---- bad input ---- */

static void test_empty(void **state)
{
	struct rf_run r;

	(void)state;
	run_q(&r, "");
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.st.records_read, 0);
	rf_free(&r);
	run_q(&r, "\n \n{'exported_at':'x','sessions':[]}\n{'sessions':null}\n[]\n");
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.st.records_read, 0);
	assert_int_equal(r.n, 0);
	rf_free(&r);
}

static void test_bad_sessions(void **state)
{
	const char *doc = EXPORT(
		SESSION("ok", EVENTS, "",
			"") ","
			    "7,"
			    "{'prompt':'no id'},"
			    "{'session_id':''},"
			    "{'session_id':'a','start_time':'yesterday'},"
			    "{'session_id':'b','end_time':5},"
			    "{'session_id':'c','metadata':[]},"
			    "{'session_id':'d','events':{}},"
			    "{'session_id':'e','tool_calls':'x'},"
			    "{'session_id':'f','success':'yes'},"
			    "{'session_id':'g','duration_ms':-5},"
			    "{'session_id':'h','prompt':3},"
			    "{'session_id':'i','error':{}}") "\n"
							     "{'exported_at':'x','sessions':{}}\n"
							     "{'hello':1}\n"
							     "'text'\n";
	struct rf_run r;

	(void)state;
	run_q(&r, doc);
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.st.records_used, 6);
	assert_int_equal(r.st.records_rejected, 12 + 3);
	rf_assert_msg(&r, 1, "sessions[1]: not a session object");
	rf_assert_msg(&r, 1, "sessions[2]: session_id is missing");
	rf_assert_msg(&r, 1, "sessions[3]: session_id is missing");
	rf_assert_msg(&r, 1, "sessions[4]: start_time is not an ISO 8601 time");
	rf_assert_msg(&r, 1, "sessions[5]: end_time is not an ISO 8601 time");
	rf_assert_msg(&r, 1, "sessions[6]: metadata is not an object");
	rf_assert_msg(&r, 1, "sessions[7]: events is not an array");
	rf_assert_msg(&r, 1, "sessions[8]: tool_calls is not an array");
	rf_assert_msg(&r, 1, "sessions[9]: success is not true or false");
	rf_assert_msg(&r, 1, "sessions[10]: duration_ms is not a number of milliseconds");
	rf_assert_msg(&r, 1, "sessions[11]: prompt is not a string");
	rf_assert_msg(&r, 1, "sessions[12]: error is not a string");
	rf_assert_msg(&r, 2, "sessions is not an array");
	rf_assert_msg(&r, 3, "not a waza export");
	rf_assert_msg(&r, 4, "text outside any JSON value");
	rf_free(&r);
}

#define BAD_EVENTS                                                                         \
	EVENTS ","                                                                         \
	       "7,"                                                                        \
	       "{'timestamp':'2025-07-01T09:00:03'},"                                      \
	       "{'event_type':'llm.request','timestamp':'noon'},"                          \
	       "{'event_type':'llm.request','timestamp':'2025-07-01T09:00:03','data':[]}," \
	       "{'event_type':'llm.request','data':{'tokens':'many'}},"                    \
	       "{'event_type':'llm.request','data':{'model':5}},"                          \
	       "{'event_type':'llm.response','data':{'latency_ms':'slow'}},"               \
	       "{'event_type':'tool.called','data':{'tool':['x']}},"                       \
	       "{'event_type':'tool.completed','data':{'tool':'az','success':'ok'}},"      \
	       "{'event_type':'error','data':{'message':false}},"                          \
	       "{'event_type':'skill.invoked','skill_name':7}"

/* a bad event is rejected alone and leaves nothing behind; the session stays */
static void test_bad_events(void **state)
{
	struct tv_session *s;
	struct rf_run r;

	(void)state;
	run_q(&r, EXPORT(SESSION("s-1", BAD_EVENTS, "", "")));
	assert_int_equal(r.n, 1);
	assert_int_equal(r.st.records_used, 6);
	assert_int_equal(r.st.records_rejected, 11);
	rf_assert_msg(&r, 1, "sessions[0].events[5]: not an object");
	rf_assert_msg(&r, 1, "sessions[0].events[6]: event_type is missing or not a string");
	rf_assert_msg(&r, 1, "sessions[0].events[7]: timestamp is not an ISO 8601 time");
	rf_assert_msg(&r, 1, "sessions[0].events[8]: data is not an object");
	rf_assert_msg(&r, 1, "sessions[0].events[9]: tokens is not an integer");
	rf_assert_msg(&r, 1, "sessions[0].events[10]: data.model is not a string");
	rf_assert_msg(&r, 1, "sessions[0].events[11]: latency_ms is not a number of milliseconds");
	rf_assert_msg(&r, 1, "sessions[0].events[12]: data.tool is not a string");
	rf_assert_msg(&r, 1, "sessions[0].events[13]: success is not true or false");
	rf_assert_msg(&r, 1, "sessions[0].events[14]: message is not a string");
	rf_assert_msg(&r, 1, "sessions[0].events[15]: skill_name is not a string");
	check_session(&r, "s-1");
	s = rf_session(&r, "s-1");
	assert_false(s->has_error);
	rf_free(&r);
}

static void test_broken_documents(void **state)
{
	char *doc = pretty(EXPORT(SESSION("s-1", EVENTS, "", "")));
	char *half, *deep, *crlf;
	size_t n = 10000, k = 0;
	struct rf_run r;

	(void)state;
	/* truncated at the end of the file */
	half = strndup(doc, strlen(doc) / 2);
	assert_non_null(half);
	run_q(&r, half);
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.n, 0);
	assert_int_equal(r.st.records_rejected, 1);
	rf_assert_msg(&r, 1, "unterminated JSON value");
	rf_free(&r);
	free(half);
	/* invalid UTF-8 */
	run_q(&r, EXPORT(SESSION("s-\xc3\x28", EVENTS, "", "")));
	assert_int_equal(r.st.records_rejected, 1);
	rf_assert_msg(&r, 1, "invalid JSON");
	rf_free(&r);
	/* 10,000 levels deep */
	deep = malloc(2 * n + 2);
	assert_non_null(deep);
	memset(deep, '[', n);
	memset(deep + n, ']', n);
	memcpy(deep + 2 * n, "\n", 2);
	run_q(&r, deep);
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.st.records_rejected, 1);
	rf_assert_msg(&r, 1, "invalid JSON");
	rf_free(&r);
	free(deep);
	/* a BOM and CRLF line ends */
	crlf = malloc(strlen(doc) * 2 + 4);
	assert_non_null(crlf);
	memcpy(crlf, "\xef\xbb\xbf", 3);
	k = 3;
	for (const char *p = doc; *p; p++) {
		if (*p == '\n') {
			crlf[k++] = '\r';
		}
		crlf[k++] = *p;
	}
	crlf[k] = '\0';
	run_q(&r, crlf);
	check_session(&r, "s-1");
	rf_free(&r);
	free(crlf);
	/* over the record limit */
	run_opts(&r, doc, 512, false);
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.n, 0);
	assert_int_equal(r.st.records_rejected, 1);
	rf_assert_msg(&r, 1, "larger than the record limit");
	rf_free(&r);
	free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_export),
		cmocka_unit_test(test_shapes),
		cmocka_unit_test(test_tool_calls_fallback),
		cmocka_unit_test(test_pairing),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_keep_events),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_bad_sessions),
		cmocka_unit_test(test_bad_events),
		cmocka_unit_test(test_broken_documents),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
