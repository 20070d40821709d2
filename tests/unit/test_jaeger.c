// SPDX-License-Identifier: MIT
/*
 * tv_read_jaeger: Jaeger query-API / UI JSON (the envelope, a bare trace,
 * an array of spans, a lone span) read through tv_read_file() into
 * sessions by the shared trace mapping; tags of every type, processes,
 * parents, status, and every kind of bad input rejected and counted.
 * Fixtures are written with ' for " to stay readable.
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

/* Read @q (' for ") as Jaeger JSON into @r. */
static void run_opts(struct rf_run *r, const char *q, size_t max_record, bool keep)
{
	rf_run_q(r, q, rf_fmt("jaeger"), max_record, keep);
}

static void run_q(struct rf_run *r, const char *q)
{
	rf_run_q(r, q, rf_fmt("jaeger"), 0, false);
}

/* ---- fixtures: one GenAI turn, as Jaeger's OTLP translator writes it ---- */

#define TID "0af7651916cd43dd8448eb211c80319c"
/* 2025-07-01T09:00:00Z in microseconds */
#define T0 "1751360400000000"
#define T1 "1751360400100000"
#define T2 "1751360401100000"

#define TAG(k, type, v) "{'key':'" k "','type':'" type "','value':" v "}"
#define REF(kind, span) "{'refType':'" kind "','traceID':'" TID "','spanID':'" span "'}"
#define SPAN(id, refs, name, start, dur, tags, proc)                                            \
	"{'traceID':'" TID "','spanID':'" id "','operationName':'" name "','references':[" refs \
	"],'startTime':" start ",'duration':" dur ",'tags':[" tags "],'logs':[]," proc          \
	",'warnings':null}"

#define ROOT_TAGS                                                                           \
	TAG("gen_ai.operation.name", "string", "'invoke_agent'")                            \
	"," TAG("gen_ai.conversation.id", "string", "'s-1'") "," TAG("span.kind", "string", \
								     "'internal'")
#define CHAT_TAGS                                                              \
	TAG("gen_ai.operation.name", "string", "'chat'")                       \
	"," TAG("gen_ai.request.model", "string", "'gemini-2.5-pro'") "," TAG( \
		"gen_ai.usage.input_tokens", "int64",                          \
		"'120'") "," TAG("gen_ai.usage.output_tokens", "int64",        \
				 "30") "," TAG("otel.status_code", "string", "'OK'")
#define TOOL_TAGS                                                                               \
	TAG("gen_ai.operation.name", "string", "'execute_tool'")                                \
	"," TAG("gen_ai.tool.name", "string", "'read_file'") "," TAG(                           \
		"gen_ai.tool.call.arguments", "string",                                         \
		"'{\\'path\\':\\'x\\'}'") "," TAG("otel.status_code", "string",                 \
						  "'ERROR'") "," TAG("otel.status_description", \
								     "string", "'no such file'")

#define ROOT(proc) \
	SPAN("b7ad6b7169203331", "", "invoke_agent gemini-cli", T0, "1500000", ROOT_TAGS, proc)
#define CHAT(proc)                                                                               \
	SPAN("00f067aa0ba902b7", REF("CHILD_OF", "b7ad6b7169203331"), "chat gemini-2.5-pro", T1, \
	     "1000000", CHAT_TAGS, proc)
#define TOOL(proc)                                                                              \
	SPAN("53995c3f42cd8ad8", REF("CHILD_OF", "b7ad6b7169203331"), "execute_tool read_file", \
	     T2, "400000", TOOL_TAGS, proc)

#define PID "'processID':'p1'"
#define PROCS                                                                               \
	"'processes':{'p1':{'serviceName':'gemini-cli','tags':[" TAG("host.name", "string", \
								     "'devbox'") "]}}"
#define EMBEDDED \
	"'process':{'serviceName':'gemini-cli','tags':[" TAG("host.name", "string", "'devbox'") "]}"
#define TRACE                                                                             \
	"{'traceID':'" TID "','spans':[" ROOT(PID) "," CHAT(PID) "," TOOL(PID) "]," PROCS \
									       ",'warnings':null}"
#define ENVELOPE "{'data':[" TRACE "],'total':0,'limit':0,'offset':0,'errors':null}\n"

static void check_session(const struct rf_run *r)
{
	struct tv_session *s;
	struct tv_turn *t;

	assert_int_equal(r->ret, 0);
	assert_int_equal(r->st.records_read, 3);
	assert_int_equal(r->st.records_used, 3);
	assert_int_equal(r->n, 1);
	s = rf_session(r, "s-1");
	assert_string_equal(s->source_format, "jaeger");
	assert_string_equal(s->source_service, "gemini-cli");
	assert_string_equal(tv_kvlist_find(&s->metadata, "resource"),
			    "{\"service.name\":\"gemini-cli\",\"host.name\":\"devbox\"}");
	assert_int_equal(s->n_turns, 1);
	t = &s->turns[0];
	assert_string_equal(t->id, "b7ad6b7169203331");
	assert_int_equal(t->start_time, rf_ts("2025-07-01T09:00:00Z"));
	assert_int_equal(t->end_time, rf_ts("2025-07-01T09:00:01.5Z"));
	assert_int_equal(t->n_llm, 1);
	assert_string_equal(t->llm[0].model, "gemini-2.5-pro");
	assert_int_equal(t->llm[0].time, rf_ts("2025-07-01T09:00:00.1Z"));
	assert_int_equal(t->llm[0].duration, 1000 * TV_NS_PER_MS);
	assert_int_equal(t->llm[0].status, TV_STATUS_OK);
	assert_int_equal(t->llm[0].input_tokens, 120);
	assert_int_equal(t->llm[0].output_tokens, 30);
	assert_int_equal(t->n_tools, 1);
	assert_string_equal(t->tools[0].name, "read_file");
	assert_string_equal(t->tools[0].args_json, "{\"path\":\"x\"}");
	assert_int_equal(t->tools[0].success, 0);
	assert_string_equal(t->tools[0].error, "no such file");
	assert_int_equal(t->tools[0].duration, 400 * TV_NS_PER_MS);
}

static void test_envelope(void **state)
{
	struct rf_run r;

	(void)state;
	run_q(&r, ENVELOPE);
	check_session(&r);
	assert_int_equal(r.n_msgs, 0);
	rf_free(&r);
}

/* the envelope, a bare trace, an array of spans and lone spans: the same session */
static void test_shapes(void **state)
{
	static const char *const docs[] = {
		TRACE "\n",
		"[" ROOT(EMBEDDED) "," CHAT(EMBEDDED) "," TOOL(EMBEDDED) "]\n",
		"[" TRACE "]\n",
		ROOT(EMBEDDED) "\n" CHAT(EMBEDDED) "\n" TOOL(EMBEDDED) "\n",
	};
	struct rf_run ref, r;
	char *want, *got;

	(void)state;
	run_q(&ref, ENVELOPE);
	want = rf_session_text(ref.s[0]);
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		run_q(&r, docs[i]);
		check_session(&r);
		got = rf_session_text(r.s[0]);
		assert_string_equal(got, want);
		free(got);
		rf_free(&r);
	}
	free(want);
	rf_free(&ref);
}

/* pretty-printed documents one after another, with a BOM and CRLF line ends */
static void test_pretty_crlf_bom(void **state)
{
	const char *doc =
		"\xef\xbb\xbf{\r\n  'data': [\r\n    {\r\n      'traceID': '" TID
		"',\r\n      'spans': [\r\n        " ROOT(PID) ",\r\n        " CHAT(
			PID) "\r\n      ],\r\n      " PROCS "\r\n    }\r\n  ]\r\n}\r\n"
			     "{\r\n  'data': [\r\n    {\r\n      'spans': [\r\n        " TOOL(
				     PID) "\r\n      ],\r\n      " PROCS
					  "\r\n    }\r\n  ]\r\n}\r\n";
	struct rf_run r;

	(void)state;
	run_q(&r, doc);
	check_session(&r);
	rf_free(&r);
}

/* every tag type, seen through the process tags in metadata.resource */
static void test_tag_types(void **state)
{
	const char *doc =
		"{'traceID':'" TID
		"','spans':[" SPAN("01", "", "op", T0, "5", "", PID) "],'processes':{'p1':{'serviceName':'svc','tags':[" TAG("s", "string", "'x\\'y'") "," TAG("b", "bool", "true") "," TAG(
			"b2", "bool",
			"'false'") "," TAG("i", "int64",
					   "-42") "," TAG("big", "int64",
							  "'9223372036854775222'") "," TAG("f",
											   "float64",
											   "72.5") "," TAG("f2",
													   "float64",
													   "'NaN'") "," TAG("bin",
															    "binary",
															    "'AAAwOQ=='") ","
																	  "{'key':'untyped','value':[1,{'a':null}]},"
																	  "{'key':'novalue','type':'string'}," TAG(
																		  "nullvalue",
																		  "int64",
																		  "null") "," TAG("odd",
																				  "complex",
																				  "3") "]}}}";
	struct rf_run r;

	(void)state;
	run_q(&r, doc);
	assert_int_equal(r.st.records_used, 1);
	assert_string_equal(tv_kvlist_find(&rf_session(&r, TID)->metadata, "resource"),
			    "{\"service.name\":\"svc\",\"s\":\"x\\\"y\",\"b\":true,\"b2\":false,"
			    "\"i\":-42,\"big\":9223372036854775222,\"f\":72.5,\"f2\":null,"
			    "\"bin\":\"AAAwOQ==\",\"untyped\":[1,{\"a\":null}],"
			    "\"novalue\":null,\"nullvalue\":null,\"odd\":3}");
	rf_free(&r);
}

/*
 * Parents as Jaeger finds them: the first CHILD_OF reference within the
 * trace, else FOLLOWS_FROM, else parentSpanID.  Without GenAI spans every
 * root is a turn: only "a" and "e" are roots.
 */
static void test_parents(void **state)
{
	const char *doc =
		"{'traceID':'" TID "','spans':[" SPAN("0a", "", "a", T0, "5", "", PID) "," SPAN(
			"0b",
			"{'refType':'CHILD_OF','traceID':'ff','spanID':'0e'}," REF(
				"FOLLOWS_FROM", "0e") "," REF("CHILD_OF", "0a"),
			"b", T0, "5", "",
			PID) "," SPAN("0c", REF("FOLLOWS_FROM", "0a"), "c", T0, "5", "",
				      PID) ","
					   "{'traceID':'" TID
					   "','spanID':'0d','parentSpanID':'0a','startTime':" T0
					   "},"
					   "{'traceID':'" TID
					   "','spanID':'0f','parentSpanID':'0000000000000000',"
					   "'references':[],'startTime':" T1 "}," SPAN(
						   "0e",
						   "{'refType':'CHILD_OF','traceID':'ff','spanID':'0a'}",
						   "e", T1, "5", "", PID) "]," PROCS "}";
	struct tv_session *s;
	struct rf_run r;

	(void)state;
	run_q(&r, doc);
	assert_int_equal(r.st.records_used, 6);
	s = rf_session(&r, TID);
	assert_int_equal(s->n_turns, 3);
	assert_string_equal(s->turns[0].id, "0a");
	assert_string_equal(s->turns[1].id, "0f");
	assert_string_equal(s->turns[2].id, "0e");
	rf_free(&r);
}

/*
 * A trace across two processes (an A2A call): every service and every
 * process's resource, not only the first; a session keyed by session.id
 * keeps each turn's trace id, one keyed by the trace id does not.
 */
static void test_processes(void **state)
{
	const char *doc = "{'traceID':'" TID "','spans':[" SPAN(
		"0a", "", "invoke_agent", T0, "900000",
		TAG("gen_ai.operation.name", "string",
		    "'invoke_agent'") "," TAG("session.id", "string", "'s-multi'"),
		"'processID':'p1'") "," SPAN("0b", REF("CHILD_OF", "0a"), "chat m", T1, "5",
					     CHAT_TAGS,
					     "'processID':'p2'") "," SPAN("0c",
									  REF("CHILD_OF", "0a"),
									  "chat m", T2, "5",
									  CHAT_TAGS,
									  "'processID':"
									  "'p1'") "],"
										  "'processes':{'p1':{'serviceName':'controller','tags':[" TAG(
											  "k8s.pod.name",
											  "string",
											  "'ctl-1'") "]},'p2':{'serviceName':'helm_agent','tags':[" TAG("host.name",
																			"string",
																			"'pod-7'") "]}}}";
	struct tv_session *s;
	struct rf_run r;

	(void)state;
	run_q(&r, doc);
	s = rf_session(&r, "s-multi");
	assert_string_equal(s->source_service, "controller, helm_agent");
	assert_string_equal(tv_kvlist_find(&s->metadata, "resource"),
			    "[{\"service.name\":\"controller\",\"k8s.pod.name\":\"ctl-1\"},"
			    "{\"service.name\":\"helm_agent\",\"host.name\":\"pod-7\"}]");
	assert_int_equal(s->n_turns, 1);
	assert_string_equal(tv_kvlist_find(&s->turns[0].extra, "trace_id"), "\"" TID "\"");
	rf_free(&r);
	/* keyed by the trace id: the turn says nothing more */
	run_q(&r, "{'traceID':'" TID
		  "','spans':[" SPAN("0a", "", "chat m", T0, "5", CHAT_TAGS, PID) "]," PROCS "}");
	assert_null(tv_kvlist_find(&rf_session(&r, TID)->turns[0].extra, "trace_id"));
	rf_free(&r);
}

/* the `error` tag and otel.status_code ERROR fail an llm call */
static void test_status(void **state)
{
	const char *doc = "{'traceID':'" TID "','spans':[" SPAN(
		"0a", "", "chat m", T0, "5",
		TAG("gen_ai.operation.name", "string",
		    "'chat'") "," TAG("gen_ai.conversation.id", "string",
				      "'s-3'") "," TAG("error", "bool", "true"),
		PID) "," SPAN("0b", "", "chat m", T1, "5",
			      TAG("gen_ai.operation.name", "string",
				  "'chat'") "," TAG("otel.status_code", "string",
						    "'ERROR'") "," TAG("otel.status_description",
								       "string", "'quota'"),
			      PID) "," SPAN("0c", "", "chat m", T2, "5",
					    TAG("gen_ai.operation.name", "string",
						"'chat'") "," TAG("error", "bool", "false"),
					    PID) "]," PROCS "}";
	struct tv_session *s;
	struct rf_run r;

	(void)state;
	run_q(&r, doc);
	s = rf_session(&r, "s-3");
	assert_int_equal(s->n_turns, 3);
	assert_int_equal(s->turns[0].llm[0].status, TV_STATUS_ERROR);
	assert_int_equal(s->turns[1].llm[0].status, TV_STATUS_ERROR);
	assert_string_equal(s->turns[1].llm[0].error, "quota");
	assert_int_equal(s->turns[2].llm[0].status, TV_STATUS_OK);
	rf_free(&r);
}

static void test_keep_events(void **state)
{
	char *want = rf_unq(CHAT(PID));
	struct tv_session *s;
	struct rf_run r;

	(void)state;
	run_opts(&r, ENVELOPE, 0, true);
	s = rf_session(&r, "s-1");
	assert_int_equal(s->n_events, 3);
	assert_string_equal(s->events[1], want); /* the span, minified */
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
	run_q(&r, "\n  \n{'data':[]}\n{'data':null}\n{'traceID':'x','spans':[]}\n[]\n"
		  "{'data':[{'traceID':'x'}]}\n");
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.st.records_read, 0);
	assert_int_equal(r.n, 0);
	rf_free(&r);
}

/* each bad span is rejected with its place and reason; the good ones stay */
static void test_bad_spans(void **state)
{
	const char *doc = "{'data':[{'traceID':'" TID "','spans':[" ROOT(
		PID) ","
		     "7,"
		     "{'traceID':'" TID "','operationName':'x'},"
		     "{'spanID':'1','traceID':5},"
		     "{'spanID':'2','tags':{}},"
		     "{'spanID':'3','tags':[" TAG(
			     "n", "int64",
			     "'12x'") "]},"
				      "{'spanID':'4','tags':[" TAG(
					      "n", "bool",
					      "1") "]},"
						   "{'spanID':'5','tags':[{'type':'string','value':'v'}]},"
						   "{'spanID':'6','startTime':'soon'},"
						   "{'spanID':'7','startTime':" T0
						   ",'duration':-1},"
						   "{'spanID':'8','references':{}},"
						   "{'spanID':'9','references':[{'refType':1}]},"
						   "{'spanID':'10','processID':7},"
						   "{'spanID':'11','process':{'serviceName':1}},"
						   "{'spanID':'12','operationName':[]},"
						   "{'spanID':'13','tags':[" TAG(
							   "f", "float64",
							   "'fast'") "]},"
								     "{'spanID':'14','tags':[" TAG(
									     "s", "string",
									     "1") "]},"
										  "{'spanID':'15','startTime':18446744073709551615}"
										  "]," PROCS "},"
										  "{'traceID':'x','spans':{}},"
										  "{'traceID':1,'spans':[]},"
										  "{'traceID':'x','processes':[],'spans':[]},"
										  "17"
										  "]}\n"
										  "{'data':{}}\n"
										  "{'hello':'world'}\n"
										  "'text'\n";
	struct rf_run r;

	(void)state;
	run_q(&r, doc);
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.st.records_used, 1);
	assert_int_equal(r.st.records_rejected, 17 + 4 + 3);
	rf_assert_msg(&r, 1, "data[0].spans[1]: not a span object");
	rf_assert_msg(&r, 1, "data[0].spans[2]: spanID is missing or not a string");
	rf_assert_msg(&r, 1, "data[0].spans[3]: traceID is not a string");
	rf_assert_msg(&r, 1, "data[0].spans[4]: tags is not an array");
	rf_assert_msg(&r, 1,
		      "data[0].spans[5]: tags[0]: the value of an int64 tag is not a "
		      "64-bit integer");
	rf_assert_msg(&r, 1, "data[0].spans[6]: tags[0]: the value of a bool tag");
	rf_assert_msg(&r, 1, "data[0].spans[7]: tags[0]: key is missing or not a string");
	rf_assert_msg(&r, 1, "data[0].spans[8]: startTime is not a number of microseconds");
	rf_assert_msg(&r, 1, "data[0].spans[9]: duration is not a number of microseconds");
	rf_assert_msg(&r, 1, "data[0].spans[10]: references is not an array");
	rf_assert_msg(&r, 1, "data[0].spans[11]: references: an entry is not");
	rf_assert_msg(&r, 1, "data[0].spans[12]: processID is not a string");
	rf_assert_msg(&r, 1, "data[0].spans[13]: process serviceName is not a string");
	rf_assert_msg(&r, 1, "data[0].spans[14]: operationName is not a string");
	rf_assert_msg(&r, 1, "data[0].spans[15]: tags[0]: the value of a float64 tag");
	rf_assert_msg(&r, 1, "data[0].spans[16]: tags[0]: the value of a string or binary tag");
	rf_assert_msg(&r, 1, "data[0].spans[17]: startTime is outside the range televal holds");
	rf_assert_msg(&r, 1, "data[1]: spans is not an array");
	rf_assert_msg(&r, 1, "data[2]: traceID is not a string");
	rf_assert_msg(&r, 1, "data[3]: processes is not an object");
	rf_assert_msg(&r, 1, "data[4]: not a trace object");
	rf_assert_msg(&r, 2, "data is not an array of traces");
	rf_assert_msg(&r, 3, "not Jaeger JSON");
	rf_assert_msg(&r, 4, "text outside any JSON value");
	rf_free(&r);
}

/* a processID missing from processes: the span stays, without a service; warned once */
static void test_unknown_process(void **state)
{
	const char *doc =
		"{'traceID':'" TID
		"','spans':[" SPAN("01", "", "op", T0, "5", "", "'processID':'p9'") "," SPAN(
			"02", "", "op", T0, "5", "",
			"'processID':'p9'") "]}\n{'data':[],'errors':[{'code':500,'msg':'storage down'}]}\n";
	struct rf_run r;

	(void)state;
	run_q(&r, doc);
	assert_int_equal(r.st.records_used, 2);
	assert_int_equal(r.n_msgs, 2);
	rf_assert_msg(&r, 1, "spans[0]: process p9 is not in the trace's processes");
	rf_assert_msg(&r, 2, "the query reported 1 error(s): storage down");
	assert_null(rf_session(&r, TID)->source_service);
	rf_free(&r);
}

static void test_broken_documents(void **state)
{
	struct rf_run r;
	char *deep;
	size_t n = 10000;

	(void)state;
	/* truncated in the middle: lost up to the next closer in column 0 */
	run_q(&r, "{\n  'data': [\n    {\n      'spans': [\n{\n  'data': []\n}\n" ENVELOPE);
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.st.records_used, 3);
	assert_int_equal(r.st.records_rejected, 1);
	rf_free(&r);
	/* truncated at the end */
	run_q(&r, "{'data':[{'traceID':'" TID "','spans':[");
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.st.records_rejected, 1);
	rf_assert_msg(&r, 1, "unterminated JSON value");
	rf_free(&r);
	/* invalid UTF-8 in a string */
	run_q(&r, "{'traceID':'" TID "','spans':[{'spanID':'\xff\xfe'}]}\n");
	assert_int_equal(r.st.records_rejected, 1);
	rf_assert_msg(&r, 1, "invalid JSON");
	rf_free(&r);
	/* 10,000 levels deep */
	deep = malloc(2 * n + 2);
	assert_non_null(deep);
	memset(deep, '[', n);
	memset(deep + n, ']', n);
	deep[2 * n] = '\n';
	deep[2 * n + 1] = '\0';
	run_q(&r, deep);
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.st.records_rejected, 1);
	rf_assert_msg(&r, 1, "invalid JSON");
	rf_free(&r);
	free(deep);
}

static void test_too_big(void **state)
{
	struct rf_run r;

	(void)state;
	/* the first document is over 256 bytes: rejected; the next one is read */
	run_opts(&r,
		 "{'data':[{'traceID':'" TID
		 "','spans':[" ROOT(PID) "]}]}\n"
					 "{'traceID':'" TID "','spans':[{'spanID':'1'}]}\n",
		 256, false);
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.st.records_rejected, 1);
	assert_int_equal(r.st.records_used, 1);
	rf_assert_msg(&r, 1, "record limit");
	rf_free(&r);
}

/* ---- the specification's example files ---- */

/* the query API's envelope, converted from OTLP: the same span twice */
static void test_reference_envelope(void **state)
{
	char *path = rf_reference("jaeger-json/otlp2jaeger-out.json");
	struct tv_session *s;
	struct rf_run r;

	(void)state;
	if (path == NULL) {
		skip();
	}
	rf_run_file(&r, path, rf_fmt("jaeger"), 0, true);
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.st.records_read, 2);
	assert_int_equal(r.st.records_used, 1); /* the second copy is merged: skipped */
	assert_int_equal(r.st.records_skipped, 1);
	assert_string_equal(r.st.skip[0].name, "duplicate spans");
	assert_int_equal(r.n_msgs, 0);
	s = rf_session(&r, "83a9efd15c1c98a977e0711cc93ee28b");
	assert_string_equal(s->source_service, "telemetrygen");
	assert_int_equal(s->n_turns, 1);
	assert_string_equal(s->turns[0].id, "e127af99e3b3e074");
	assert_int_equal(s->turns[0].start_time, INT64_C(1706678909209712000));
	assert_int_equal(s->turns[0].end_time, INT64_C(1706678909209835000));
	assert_int_equal(s->n_events, 2);
	assert_non_null(strstr(s->events[0], "\"key\":\"peer.service\""));
	rf_free(&r);
	free(path);
}

/*
 * A bare UI trace with tags of every type (an int64 as a string, binary),
 * logs, and references across traces: span 4's first CHILD_OF points into
 * another trace, so its parent is span 2, and the trace has one root.
 */
static void test_reference_ui(void **state)
{
	char *path = rf_reference("jaeger-json/ui_01.json");
	struct tv_session *s;
	struct rf_run r;

	(void)state;
	if (path == NULL) {
		skip();
	}
	rf_run_file(&r, path, rf_fmt("jaeger"), 0, false);
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.st.records_read, 5);
	assert_int_equal(r.st.records_used, 4); /* span 2 is there twice */
	assert_int_equal(r.st.records_rejected, 0);
	assert_int_equal(r.n, 1);
	s = rf_session(&r, "0000000000000001");
	assert_string_equal(s->source_format, "jaeger");
	/* two processes: both services, both resources */
	assert_string_equal(s->source_service, "service-x, service-y");
	assert_string_equal(tv_kvlist_find(&s->metadata, "resource"),
			    "[{\"service.name\":\"service-x\"},{\"service.name\":\"service-y\"}]");
	assert_int_equal(s->n_turns, 1);
	assert_string_equal(s->turns[0].id, "0000000000000002");
	assert_int_equal(s->turns[0].start_time, INT64_C(1485467191639875000));
	assert_int_equal(s->turns[0].duration, 5000);
	rf_free(&r);
	free(path);
}

static void test_reference_otlp_input_is_not_jaeger(void **state)
{
	char *path = rf_reference("jaeger-json/otlp2jaeger-in.json");
	struct rf_run r;

	(void)state;
	if (path == NULL) {
		skip();
	}
	rf_run_file(&r, path, rf_fmt("jaeger"), 0, false);
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.st.records_rejected, 1);
	rf_assert_msg(&r, 1, "not Jaeger JSON");
	rf_free(&r);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_envelope),
		cmocka_unit_test(test_shapes),
		cmocka_unit_test(test_pretty_crlf_bom),
		cmocka_unit_test(test_tag_types),
		cmocka_unit_test(test_parents),
		cmocka_unit_test(test_processes),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_keep_events),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_bad_spans),
		cmocka_unit_test(test_unknown_process),
		cmocka_unit_test(test_broken_documents),
		cmocka_unit_test(test_too_big),
		cmocka_unit_test(test_reference_envelope),
		cmocka_unit_test(test_reference_ui),
		cmocka_unit_test(test_reference_otlp_input_is_not_jaeger),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
