// SPDX-License-Identifier: MIT
/*
 * OpenAI Codex CLI rollouts read through tv_read_file(): the envelope
 * layout and the older bare layout, each prompt counted once, injected
 * context not a prompt, one llm_call per model response with the usage of
 * its token_count (cumulative, some written twice), tool calls with their
 * exit status, errors, interrupts and a declined command; sub-agents in
 * rollouts of their own, joined to the turn that spawned them.
 *
 * The fixtures follow the rollout types of the Codex source, the public
 * description of the format: openai/codex codex-rs/protocol/src/protocol.rs
 * (RolloutLine {timestamp, type, payload}, RolloutItem SessionMeta /
 * ResponseItem / TurnContext / EventMsg, TokenCountEvent {info:
 * TokenUsageInfo {total_token_usage, last_token_usage}}, ExecCommandEndEvent)
 * and codex-rs/protocol/src/models.rs (ResponseItem message, reasoning,
 * function_call, function_call_output).  Fixtures are written with ' for ".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "libcommon/core/tv_time.h"
#include "libcommon/read/tv_reader.h"

#include "reader_fixture.h"

#define LINE(ts, type, payload) \
	"{'timestamp':'2026-05-11T08:00:" ts "Z','type':'" type "','payload':" payload "}\n"
#define META                                                                                      \
	LINE("00.000", "session_meta",                                                            \
	     "{'id':'019e-aaaa','timestamp':'2026-05-11T08:00:00Z','cwd':'/home/ana/proj',"       \
	     "'originator':'codex-tui','cli_version':'0.125.0','source':'cli','model_provider':'" \
	     "openai','base_instructions':{'text':'You are Codex'}}")
#define USAGE(in, cached, out, total)                                                  \
	"{'input_tokens':" in ",'cached_input_tokens':" cached ",'output_tokens':" out \
	",'reasoning_output_tokens':2,'total_tokens':" total "}"
#define TOKENS(ts, total_u, last_u)                                       \
	LINE(ts, "event_msg",                                             \
	     "{'type':'token_count','info':{'total_token_usage':" total_u \
	     ",'last_token_usage':" last_u ",'model_context_window':258400},'rate_limits':null}")
#define USER_ITEM(ts, text)                                                                  \
	LINE(ts, "response_item",                                                            \
	     "{'type':'message','role':'user','content':[{'type':'input_text','text':'" text \
	     "'}]}")
#define USER_EVENT(ts, text) LINE(ts, "event_msg", "{'type':'user_message','message':'" text "'}")

static void run(struct rf_run *r, const char *q)
{
	rf_run_q(r, q, NULL, 0, false); /* detected */
	assert_int_equal(r->ret, 0);
	rf_check_sessions(r);
}

#define TURN_ONE                                                                                     \
	META LINE("00.100", "event_msg", "{'type':'task_started','turn_id':'t1'}") LINE(             \
		"00.200", "response_item",                                                           \
		"{'type':'message','role':'developer','content':[{'type':'input_text','text':'<"     \
		"permissions instructions>...'}]}")                                                  \
		LINE("00.300", "response_item",                                                      \
		     "{'type':'message','role':'user','content':[{'type':'input_text','text':'# "    \
		     "AGENTS.md instructions for /home/ana/proj'},{'type':'input_text','text':'<"    \
		     "environment_context>...</environment_context>'}]}")                            \
			LINE("00.400", "turn_context",                                               \
			     "{'turn_id':'t1','cwd':'/home/ana/proj','model':'gpt-5.5','effort':"    \
			     "'medium'}") USER_ITEM("00.500", "Run the tests ✓")                     \
				USER_EVENT("00.510", "Run the tests ✓") LINE(                        \
					"01.000", "response_item",                                   \
					"{'type':'reasoning','summary':[],'encrypted_content':'x'}") \
					LINE("01.100", "response_item",                              \
					     "{'type':'function_call','name':'shell','arguments':'{\\'command\\':[\\'bash\\',\\'-lc\\',\\'make test\\']}','call_id':'call_1'}")

/* one turn: a prompt written twice, injected context, two responses with their usage */
static void test_turn(void **state)
{
	struct rf_run r;
	struct tv_session *s;
	struct tv_turn *t;

	(void)state;
	run(&r,
	    TURN_ONE TOKENS("01.200", USAGE("1000", "800", "50", "1050"),
			    USAGE("1000", "800", "50", "1050"))
		    LINE("03.000", "response_item",
			 "{'type':'function_call_output','call_id':'call_1','output':'Process exited "
			 "with code 0\\nOutput:\\nok'}")
			    LINE("03.100", "event_msg",
				 "{'type':'exec_command_end','call_id':'call_1','exit_code':0,"
				 "'duration':{'secs':1,'nanos':500000000},'status':'completed'}")
				    LINE("04.000", "response_item",
					 "{'type':'message','role':'assistant','content':[{'type':'"
					 "output_text','text':'All tests pass.'}]}")
					    TOKENS("04.100", USAGE("2100", "1900", "70", "2170"),
						   USAGE("1100", "1100", "20",
							 "1120")) TOKENS("04.200",
									 USAGE("2100", "1900", "70",
									       "2170"),
									 USAGE("1100", "1100", "20",
									       "1120"))
						    LINE("04.300", "event_msg",
							 "{'type':'task_complete','turn_id':'t1',"
							 "'last_agent_message':'All tests pass.'}"));
	assert_int_equal(r.n, 1);
	s = rf_session(&r, "019e-aaaa");
	assert_string_equal(s->source_format, "codex");
	assert_int_equal(s->n_turns, 1);
	t = &s->turns[0];
	assert_string_equal(t->prompt, "Run the tests ✓");
	assert_string_equal(t->output, "All tests pass.");
	assert_int_equal(t->n_llm, 2);
	assert_string_equal(t->llm[0].model, "gpt-5.5");
	assert_int_equal(t->llm[0].input_tokens, 1000);
	assert_int_equal(t->llm[0].cached_tokens, 800);
	assert_int_equal(t->llm[1].output_tokens, 20);
	assert_int_equal(s->usage.total_tokens, 2170);
	assert_int_equal(s->usage.input_tokens, 2100);
	assert_int_equal(t->n_tools, 1);
	assert_string_equal(t->tools[0].name, "shell");
	assert_string_equal(t->tools[0].args_json,
			    "{\"command\":[\"bash\",\"-lc\",\"make test\"]}");
	assert_int_equal(t->tools[0].success, 1);
	assert_int_equal(t->tools[0].duration, 1500 * TV_NS_PER_MS);
	assert_string_equal(tv_kvlist_find(&s->metadata, "version"), "\"0.125.0\"");
	assert_int_equal(r.st.records_rejected, 0);
	rf_free(&r);
}

/* the output in a JSON object with metadata.exit_code (0.77); a declined command */
static void test_tool_outcomes(void **state)
{
	struct rf_run r;
	struct tv_turn *t;

	(void)state;
	run(&r,
	    TURN_ONE LINE("02.000", "response_item",
			  "{'type':'function_call_output','call_id':'call_1','output':'{\\'"
			  "output\\':\\'boom\\',\\'metadata\\':{\\'exit_code\\':2,\\'"
			  "duration_seconds\\':0.5}}'}")
		    LINE("03.000", "response_item",
			 "{'type':'function_call','name':'shell','arguments':'{}','call_id':'call_2'}")
			    LINE("04.000", "response_item",
				 "{'type':'function_call_output','call_id':'call_2','output':'exec "
				 "command rejected by user'}"));
	t = &rf_session(&r, "019e-aaaa")->turns[0];
	assert_int_equal(t->n_tools, 2);
	assert_int_equal(t->tools[0].success, 0);
	assert_non_null(t->tools[0].error);
	assert_int_equal(t->tools[1].success, 0);
	assert_string_equal(t->tools[1].decision, "reject");
	rf_free(&r);
}

/* an error event fails the call; an aborted turn is marked */
static void test_error_and_abort(void **state)
{
	struct rf_run r;
	struct tv_session *s;

	(void)state;
	run(&r, TURN_ONE LINE("02.000", "event_msg",
			      "{'type':'error','message':'stream disconnected before completion'}")
			LINE("03.000", "event_msg",
			     "{'type':'turn_aborted','turn_id':'t1','reason':'interrupted'}")
				USER_EVENT("04.000", "try again"));
	s = rf_session(&r, "019e-aaaa");
	assert_int_equal(s->n_turns, 2);
	assert_int_equal(s->turns[0].llm[0].status, TV_STATUS_ERROR);
	assert_string_equal(s->turns[0].llm[0].error, "stream disconnected before completion");
	assert_string_equal(tv_kvlist_find(&s->turns[0].extra, "interrupted"), "true");
	assert_string_equal(s->turns[1].prompt, "try again");
	assert_true(s->has_error);
	rf_free(&r);
}

/* the older layout: a bare header, state markers and bare items */
static void test_older_layout(void **state)
{
	struct rf_run r;
	struct tv_session *s;

	(void)state;
	run(&r, "{'id':'old-1','timestamp':'2025-08-20T10:00:00.000Z','instructions':null,'git':{'"
		"branch':'main'}}\n"
		"{'record_type':'state'}\n"
		"{'type':'message','id':null,'role':'user','content':[{'type':'input_text','text':'"
		"Create a README'}]}\n"
		"{'type':'reasoning','id':'rs_1','summary':[],'encrypted_content':'x'}\n"
		"{'type':'function_call','name':'shell','arguments':'{\\'command\\':[\\'touch\\',"
		"\\'README.md\\']}','call_id':'c1'}\n"
		"{'type':'function_call_output','call_id':'c1','output':'{\\'output\\':\\'\\',"
		"\\'metadata\\':{\\'exit_code\\':0}}'}\n"
		"{'type':'message','id':null,'role':'assistant','content':[{'type':'output_text','"
		"text':'Created.'}]}\n");
	s = rf_session(&r, "old-1");
	assert_int_equal(s->n_turns, 1);
	assert_string_equal(s->turns[0].prompt, "Create a README");
	assert_string_equal(s->turns[0].output, "Created.");
	assert_int_equal(s->turns[0].n_llm, 2);
	assert_int_equal(s->turns[0].tools[0].success, 1);
	assert_int_equal(s->start_time, rf_ts("2025-08-20T10:00:00Z"));
	assert_int_equal(r.st.records_skipped, 1);
	rf_free(&r);
}

/* lines that are not rollout lines are rejected with their number */
static void test_bad_lines(void **state)
{
	struct rf_run r;

	(void)state;
	run(&r, META
	    "not json\n[1]\n{'timestamp':'2026-05-11T08:00:01Z','type':'event_msg'}\n" USER_EVENT(
		    "02.000", "hi"));
	assert_int_equal(r.n, 1);
	assert_int_equal(r.st.records_rejected, 3);
	rf_assert_msg(&r, 2, "invalid JSON");
	rf_assert_msg(&r, 3, "not a JSON object");
	rf_assert_msg(&r, 4, "without a payload");
	rf_free(&r);
}

/* ---- sub-agents: rollouts of their own, read with the session that spawned them ---- */

#define SUB_META(id, parent, role)                                                              \
	LINE("05.000", "session_meta",                                                          \
	     "{'id':'" id "','source':{'subagent':{'thread_spawn':{'parent_thread_id':'" parent \
	     "','depth':1,'agent_role':'" role "'}}}}")
#define ANSWER(ts, text)                                                                           \
	LINE(ts, "response_item",                                                                  \
	     "{'type':'message','role':'assistant','content':[{'type':'output_text','text':'" text \
	     "'}]}")                                                                               \
	TOKENS(ts, USAGE("10", "0", "1", "11"), USAGE("10", "0", "1", "11"))

/*
 * A session, the sub-agent it spawned (filed under the next day) and that
 * one's own sub-agent, met grandchild first as a directory walk may: one
 * session whose turn has the three calls, two of them marked, and both
 * agents, the grandchild's run by the child.
 */
static void test_subagents(void **state)
{
	char root[] = "/tmp/tv-codex-XXXXXX", d1[64], d2[64], p[160], c[160], g[160];
	const char *walk[3];
	struct rf_run r = { 0 };
	struct tv_turn *t;

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(d1, sizeof(d1), "%s/2026", root);
	assert_int_equal(mkdir(d1, 0700), 0);
	snprintf(d1, sizeof(d1), "%s/2026/05", root);
	assert_int_equal(mkdir(d1, 0700), 0);
	snprintf(d1, sizeof(d1), "%s/2026/05/11", root);
	snprintf(d2, sizeof(d2), "%s/2026/05/12", root);
	assert_int_equal(mkdir(d1, 0700), 0);
	assert_int_equal(mkdir(d2, 0700), 0);
	snprintf(p, sizeof(p), "%s/rollout-2026-05-11T08-00-00-019e-aaaa.jsonl", d1);
	snprintf(c, sizeof(c), "%s/rollout-2026-05-12T00-00-00-019e-bbbb.jsonl", d2);
	snprintf(g, sizeof(g), "%s/rollout-2026-05-12T00-00-01-019e-cccc.jsonl", d2);
	rf_put(p, META USER_EVENT("01.000", "Review it") ANSWER("09.000", "Reviewed."));
	rf_put(c, SUB_META("019e-bbbb", "019e-aaaa", "explorer") USER_ITEM("05.100", "look into it")
			  ANSWER("06.000", "found one"));
	rf_put(g, SUB_META("019e-cccc", "019e-bbbb", "checker") USER_ITEM("06.100", "check it")
			  ANSWER("07.000", "checked"));
	walk[0] = g;
	walk[1] = c;
	walk[2] = p;
	rf_run_paths(&r, walk, 3, NULL, NULL);
	assert_int_equal(r.ret, 0);
	rf_check_sessions(&r);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.st.records_read, 12);
	assert_int_equal(r.st.records_rejected, 0);
	t = &rf_session(&r, "019e-aaaa")->turns[0];
	assert_string_equal(t->prompt, "Review it");
	assert_int_equal(t->n_llm, 3);
	assert_null(tv_kvlist_find(&t->llm[2].extra, "agent_id")); /* 09.000: the session's own */
	assert_string_equal(tv_kvlist_find(&t->llm[0].extra, "agent_id"), "\"019e-bbbb\"");
	assert_string_equal(tv_kvlist_find(&t->llm[1].extra, "agent_id"), "\"019e-cccc\"");
	assert_int_equal(t->n_agents, 2);
	assert_string_equal(t->agents[0].id, "019e-bbbb"); /* by start time */
	assert_null(t->agents[0].parent_id);
	assert_string_equal(t->agents[0].name, "explorer");
	assert_string_equal(t->agents[0].instruction, "look into it");
	assert_string_equal(t->agents[0].output, "found one");
	assert_string_equal(t->agents[1].id, "019e-cccc");
	assert_string_equal(t->agents[1].parent_id, "019e-bbbb");
	assert_string_equal(t->agents[1].name, "checker");
	rf_free(&r);
	unlink(g);
	unlink(c);
	unlink(p);
	rmdir(d2);
	rmdir(d1);
	snprintf(d1, sizeof(d1), "%s/2026/05", root);
	rmdir(d1);
	snprintf(d1, sizeof(d1), "%s/2026", root);
	rmdir(d1);
	rmdir(root);
}

/* a line with its ordinal, as Codex writes them since the sub-agents came */
#define ORD(n, ts, type, payload)                                               \
	"{'timestamp':'2026-05-11T08:00:" ts "Z','ordinal':" n ",'type':'" type \
	"','payload':" payload "}\n"

/*
 * A sub-agent spawned with its parent's context starts with a copy of the
 * parent's conversation (its session_meta, prompt and token count): the
 * records before subagent_history_start_ordinal, or without it those dated
 * before the sub-agent was made, are skipped, not counted twice.
 */
static void test_fork_history(void **state)
{
	static const char *const forks[] = {
		ORD("0", "05.000", "session_meta",
		    "{'id':'019e-bbbb','subagent_history_start_ordinal':4,'source':{'subagent':{"
		    "'thread_spawn':{'parent_thread_id':'019e-aaaa'}}}}")
			ORD("1", "00.000", "session_meta", "{'id':'019e-aaaa'}") ORD(
				"2", "01.000", "event_msg",
				"{'type':'user_message','message':'Review it'}")
				ORD("3", "01.100", "event_msg",
				    "{'type':'token_count','info':{'total_token_usage':" USAGE(
					    "5000000", "0", "9",
					    "5000009") ",'last_token_usage':" USAGE("5000000", "0",
										    "9",
										    "5000009") "}}")
					ORD("4", "05.100", "response_item",
					    "{'type':'message','role':'user','content':[{'type':'input_text',"
					    "'text':'look into it'}]}")
						ANSWER("06.000", "found one"),
		LINE("05.000", "session_meta",
		     "{'id':'019e-bbbb','timestamp':'2026-05-11T08:00:05.000Z','source':{'subagent':{"
		     "'thread_spawn':{'parent_thread_id':'019e-aaaa'}}}}")
			LINE("00.000", "session_meta", "{'id':'019e-aaaa'}")
				USER_EVENT("01.000", "Review it")
					TOKENS("01.100", USAGE("5000000", "0", "9", "5000009"),
					       USAGE("5000000", "0", "9", "5000009"))
						USER_ITEM("05.100", "look into it")
							ANSWER("06.000", "found one"),
	};

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		struct rf_run r;
		struct tv_session *s;

		run(&r, forks[i]);
		assert_int_equal(r.n, 1);
		s = rf_session(&r, "019e-bbbb");
		assert_int_equal(s->n_turns, 1);
		assert_string_equal(s->turns[0].prompt, "look into it");
		assert_int_equal(s->turns[0].n_llm, 1);
		assert_int_equal(s->turns[0].llm[0].input_tokens, 10);
		assert_int_equal(r.st.records_skipped,
				 3); /* the copy: session_meta, prompt, tokens */
		rf_free(&r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_turn),
		cmocka_unit_test(test_tool_outcomes),
		cmocka_unit_test(test_error_and_abort),
		cmocka_unit_test(test_older_layout),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_subagents),
		cmocka_unit_test(test_fork_history),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
