// SPDX-License-Identifier: MIT
/*
 * Claude Code transcripts read through tv_read_file(): turns from real
 * prompts only, one llm_call per message id whatever the number of lines,
 * tool calls paired with their results, API errors, a rejected tool, and
 * sub-agents stored inline, beside the session and in <session>/subagents/.
 *
 * The fixtures are written from the producers' public documents: the
 * Anthropic Messages API reference (docs.anthropic.com/en/api/messages:
 * content blocks text, thinking, tool_use, tool_result; usage with
 * input_tokens, cache_creation_input_tokens, cache_read_input_tokens,
 * output_tokens), and the Claude Code documentation of where transcripts
 * live (code.claude.com/docs/en/settings, "~/.claude/projects", and the
 * sub-agents page, code.claude.com/docs/en/sub-agents).  Fixtures are
 * written with ' for ".
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

#define ENV(type, uuid, ts, rest)                                                                \
	"{'parentUuid':null,'isSidechain':false,'userType':'external','cwd':'/home/ana/proj','"  \
	"sessionId':'s-1','version':'2.1.38','gitBranch':'main','type':'" type "','uuid':'" uuid \
	"','timestamp':'2026-02-10T10:00:" ts "Z'" rest "}\n"
#define USER(uuid, ts, content) \
	ENV("user", uuid, ts, ",'message':{'role':'user','content':" content "}")
#define USAGE(out)                                                                                \
	"'usage':{'input_tokens':10,'cache_creation_input_tokens':100,'cache_read_input_tokens':" \
	"1000,'output_tokens':" out "}"
#define ASSIST(uuid, ts, id, block, out)                                                       \
	ENV("assistant", uuid, ts,                                                             \
	    ",'requestId':'req_" id "','message':{'id':'msg_" id "','type':'message','role':'" \
	    "assistant','model':'claude-opus-4-6','content':[" block                           \
	    "],'stop_reason':null," USAGE(out) "}")
#define RESULT(uuid, ts, tool, rest) \
	USER(uuid, ts, "[{'type':'tool_result','tool_use_id':'" tool "'" rest "}]")

static void run(struct rf_run *r, const char *q)
{
	rf_run_q(r, q, rf_fmt("claude-code"), 0, false);
	assert_int_equal(r->ret, 0);
	rf_check_sessions(r);
}

/* one response spread over three lines: usage once, output the largest; tools paired */
static void test_message_per_id(void **state)
{
	struct rf_run r;
	struct tv_session *s;
	struct tv_turn *t;
	struct tv_llm_call *c;

	(void)state;
	run(&r, USER("u1", "00.000", "'Fix the typo in README'") ASSIST(
			"a1", "01.000", "1", "{'type':'thinking','thinking':'...','signature':'x'}",
			"5") ASSIST("a2", "01.100", "1", "{'type':'text','text':'Fixing it.'}", "5")
			ASSIST("a3", "01.200", "1",
			       "{'type':'tool_use','id':'toolu_1','name':'Edit','input':{'file_"
			       "path':'/home/ana/proj/README.md','old_string':'teh','new_"
			       "string':'the'}}",
			       "40") RESULT("u2", "02.000", "toolu_1",
					    ",'content':'The file has been updated.'")
				ASSIST("a4", "03.000", "2",
				       "{'type':'text','text':'Done: fixed “teh”.'}", "7"));
	assert_int_equal(r.n, 1);
	s = rf_session(&r, "s-1");
	assert_string_equal(s->source_format, "claude-code");
	assert_int_equal(s->n_turns, 1);
	t = &s->turns[0];
	assert_string_equal(t->prompt, "Fix the typo in README");
	assert_string_equal(t->output, "Done: fixed “teh”.");
	assert_int_equal(t->n_llm, 2);
	c = &t->llm[0];
	assert_string_equal(c->model, "claude-opus-4-6");
	assert_int_equal(c->input_tokens, 1110);
	assert_int_equal(c->cached_tokens, 1000);
	assert_int_equal(c->output_tokens, 40);
	assert_string_equal(tv_kvlist_find(&c->extra, "cache_creation_tokens"), "100");
	assert_int_equal(t->n_tools, 1);
	assert_string_equal(t->tools[0].name, "Edit");
	assert_string_equal(t->tools[0].args_json,
			    "{\"file_path\":\"/home/ana/proj/README.md\","
			    "\"old_string\":\"teh\",\"new_string\":\"the\"}");
	assert_int_equal(t->tools[0].success, 1);
	assert_int_equal(t->tools[0].duration, 800 * TV_NS_PER_MS);
	assert_int_equal(s->usage.input_tokens, 2220);
	assert_int_equal(s->usage.output_tokens, 47);
	assert_string_equal(tv_kvlist_find(&s->metadata, "cwd"), "\"/home/ana/proj\"");
	assert_int_equal(r.st.records_used, 6);
	rf_free(&r);
}

/* harness lines are no prompts; a slash command is one only when answered */
static void test_harness_lines(void **state)
{
	struct rf_run r;
	struct tv_session *s;

	(void)state;
	run(&r,
	    "{'type':'summary','summary':'Old work','leafUuid':'x'}\n"
	    "{'type':'file-history-snapshot','messageId':'m','snapshot':{},'isSnapshotUpdate':false}\n" ENV(
		    "user", "u0", "00.000",
		    ",'isMeta':true,'message':{'role':'user','content':'Caveat: The messages below "
		    "were generated by the user while running local commands.'}")
		    USER("u1", "00.100",
			 "'<command-name>/clear</command-name>\\n<command-message>clear</"
			 "command-message>\\n<command-args></command-args>'")
			    USER("u2", "00.200", "'<local-command-stdout></local-command-stdout>'") USER(
				    "u3", "01.000",
				    "'Write "
				    "tests'") ASSIST("a1", "02.000", "1",
						     "{'type':'text','text':'On it'}",
						     "3") USER("u4", "03.000",
							       "[{'type':'text','text':'[Request interrupted by "
							       "user]'}]")
				    ENV("system", "y1", "03.500",
					",'subtype':'api_error','level':"
					"'error','error':{'message':'"
					"Request timed out.'},'retryInMs':"
					"600,'retryAttempt':1,'maxRetries':"
					"10") ENV("system", "y2", "04.000",
						  ",'subtype':'compact_boundary','content':'Conversation "
						  "compacted','compactMetadata':{'trigger':'auto'}")
					    ENV("user", "u5", "04.100",
						",'isCompactSummary':true,'isVisibleInTranscriptOnly':true,'message':{'role':'user','content':'This session is being continued from a previous conversation'}")
						    USER("u6", "05.000",
							 "'<command-name>/review</"
							 "command-name>\\n<command-args>src/</"
							 "command-args>'")
							    ASSIST("a2", "06.000", "2",
								   "{'type':'text','text':'Reviewed'}",
								   "3"));
	s = rf_session(&r, "s-1");
	assert_int_equal(s->n_turns, 2);
	assert_string_equal(s->turns[0].prompt, "Write tests");
	assert_string_equal(tv_kvlist_find(&s->turns[0].extra, "interrupted"), "true");
	assert_string_equal(s->turns[1].prompt, "/review src/");
	assert_string_equal(s->turns[1].output, "Reviewed");
	assert_string_equal(tv_kvlist_find(&s->metadata, "api_retries"), "1");
	assert_string_equal(tv_kvlist_find(&s->metadata, "compactions"), "1");
	/* used: the prompt, two answers, the answered command, retry, boundary */
	assert_int_equal(r.st.records_used, 6);
	assert_int_equal(r.st.records_skipped, 7);
	rf_free(&r);
}

/* a synthetic API error message is a failed call without a model */
static void test_api_error(void **state)
{
	struct rf_run r;
	struct tv_session *s;
	struct tv_llm_call *c;

	(void)state;
	run(&r,
	    USER("u1", "00.000", "'hello'") ENV(
		    "assistant", "a1", "01.000",
		    ",'isApiErrorMessage':true,'error':'rate_limit','apiErrorStatus':429,'message':{"
		    "'id':'e1','model':'<synthetic>','role':'assistant','content':[{'type':'text','"
		    "text':'API Error: 429 rate limited'}],'usage':{'input_tokens':0,'output_tokens':"
		    "0}}"));
	s = rf_session(&r, "s-1");
	c = &s->turns[0].llm[0];
	assert_null(c->model);
	assert_int_equal(c->status, TV_STATUS_ERROR);
	assert_int_equal(c->status_code, 429);
	assert_string_equal(c->error, "API Error: 429 rate limited");
	assert_null(s->turns[0].output);
	assert_int_equal(s->n_models, 0);
	assert_int_equal(s->success, 0);
	assert_true(s->has_error);
	rf_free(&r);
}

/* the user said no to a tool */
static void test_rejected_tool(void **state)
{
	struct rf_run r;
	struct tv_tool_call *t;

	(void)state;
	run(&r,
	    USER("u1", "00.000", "'delete the build dir'") ASSIST(
		    "a1", "01.000", "1",
		    "{'type':'tool_use','id':'toolu_9','name':'Bash','input':{'command':'rm -rf build'}}",
		    "9")
		    RESULT("u2", "05.000", "toolu_9",
			   ",'is_error':true,'content':'The user doesn\\u0027t want to proceed "
			   "with this tool use. The tool use was rejected.'"));
	t = &rf_session(&r, "s-1")->turns[0].tools[0];
	assert_int_equal(t->success, 0);
	assert_string_equal(t->decision, "reject");
	assert_non_null(t->error);
	rf_free(&r);
}

/* bad lines are rejected with their line, the rest still read */
static void test_bad_lines(void **state)
{
	struct rf_run r;

	(void)state;
	run(&r,
	    USER("u1", "00.000", "'ok'") "'just a string'\n[1,2]\n{'no':'type'}\n{broken\n" ASSIST(
		    "a1", "01.000", "1", "{'type':'text','text':'fine'}", "1"));
	assert_int_equal(r.n, 1);
	assert_int_equal(r.st.records_rejected, 4);
	rf_assert_msg(&r, 2, "not a JSON object");
	rf_assert_msg(&r, 4, "no type");
	rf_assert_msg(&r, 5, "invalid JSON");
	rf_free(&r);
}

/* inline sidechain lines: calls of the turn, marked with the agent */
static void test_inline_sidechain(void **state)
{
	struct rf_run r;
	struct tv_turn *t;

	(void)state;
	run(&r,
	    USER("u1", "00.000", "'Search the repo'") ASSIST(
		    "a1", "01.000", "1",
		    "{'type':'tool_use','id':'toolu_t','name':'Task','input':{'prompt':'find "
		    "x','subagent_type':'general-purpose'}}",
		    "2") "{'isSidechain':true,'agentId':'ab12','sessionId':'s-1','type':'user','"
			 "timestamp':'2026-02-10T10:00:01.500Z','message':{'role':'user','content':'"
			 "find x'}}\n"
			 "{'isSidechain':true,'agentId':'ab12','sessionId':'s-1','type':'assistant','"
			 "timestamp':'2026-02-10T10:00:02.000Z','message':{'id':'msg_s','model':'claude-"
			 "haiku-4-5','content':[{'type':'text','text':'found'}],'usage':{'input_tokens':"
			 "5,'output_tokens':1}}}\n" RESULT("u2", "03.000", "toolu_t",
							   ",'content':'found'"));
	t = &rf_session(&r, "s-1")->turns[0];
	assert_int_equal(rf_session(&r, "s-1")->n_turns, 1);
	assert_int_equal(t->n_llm, 2);
	assert_string_equal(t->llm[1].model, "claude-haiku-4-5");
	assert_string_equal(tv_kvlist_find(&t->llm[1].extra, "agent_id"), "\"ab12\"");
	assert_null(t->output); /* a sub-agent's text is not the turn's answer */
	rf_free(&r);
}

/* ---- sub-agent files ---- */

struct dir {
	char root[64];
};

#define SUB(agent, ts, id, model)                                                  \
	"{'parentUuid':null,'isSidechain':true,'agentId':'" agent                  \
	"','sessionId':'s-1','type':'user','timestamp':'2026-02-10T10:00:" ts      \
	"Z','message':{'role':'user','content':'look around'}}\n"                  \
	"{'parentUuid':'x','isSidechain':true,'agentId':'" agent                   \
	"','sessionId':'s-1','type':'assistant','timestamp':'2026-02-10T10:00:" ts \
	"Z','message':{'id':'" id "','model':'" model                              \
	"','content':[{'type':'text','text':'seen'}],"                             \
	"'usage':{'input_tokens':3,'output_tokens':2}}}\n"

#define PARENT                                                                           \
	USER("u1", "00.000", "'Look around'")                                            \
	ASSIST("a1", "01.000", "1",                                                      \
	       "{'type':'tool_use','id':'toolu_t','name':'Task','input':{'prompt':'"     \
	       "look around'}}",                                                         \
	       "2")                                                                      \
	ENV("user", "u2", "09.000",                                                      \
	    ",'message':{'role':'user','content':[{'type':'tool_result','tool_use_id':'" \
	    "toolu_t','content':'seen'}]},'toolUseResult':{'agentId':'a77','status':'"   \
	    "completed'}")

static void read_paths(struct rf_run *r, const char *const *paths, size_t n)
{
	rf_run_paths(r, paths, n, NULL, NULL);
	assert_int_equal(r->ret, 0);
	rf_check_sessions(r);
}

static void check_parent(const struct rf_run *r, size_t calls)
{
	struct tv_session *s;

	assert_int_equal(r->n, 1);
	s = rf_session(r, "s-1");
	assert_int_equal(s->n_turns, 1);
	assert_int_equal(s->turns[0].n_llm, calls);
	assert_string_equal(s->turns[0].prompt, "Look around");
}

/* <session>/subagents/agent-<id>.jsonl, met before the session in a walk, and after */
static void test_subagents_folder(void **state)
{
	char dir[] = "/tmp/test_claude_XXXXXX", p[256], a[512], sub[256];
	const char *walk[2];
	struct rf_run r;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/s-1.jsonl", dir);
	snprintf(sub, sizeof(sub), "%s/s-1", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(sub, sizeof(sub), "%s/s-1/subagents", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(a, sizeof(a), "%s/agent-a77.jsonl", sub);
	rf_put(p, PARENT);
	rf_put(a, SUB("a77", "02.000", "msg_sub", "claude-haiku-4-5"));
	walk[0] = a; /* as a directory walk meets them: s-1/ sorts before s-1.jsonl */
	walk[1] = p;
	read_paths(&r, walk, 2);
	check_parent(&r, 2);
	assert_string_equal(rf_session(&r, "s-1")->turns[0].llm[1].model, "claude-haiku-4-5");
	assert_int_equal(r.st.records_read, 5);
	rf_free(&r);
	read_paths(&r, walk + 1, 1); /* the session alone reads its sub-agents too */
	check_parent(&r, 2);
	rf_free(&r);
	unlink(a);
	rmdir(sub);
	snprintf(sub, sizeof(sub), "%s/s-1", dir);
	rmdir(sub);
	unlink(p);
	rmdir(dir);
}

/* agent-<id>.jsonl beside the session (Claude Code 2.0); a Warmup run is not work */
static void test_flat_agents(void **state)
{
	char dir[] = "/tmp/test_claude_XXXXXX", p[256], a[256], w[256];
	const char *walk[3];
	struct rf_run r;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/s-1.jsonl", dir);
	snprintf(a, sizeof(a), "%s/agent-a77.jsonl", dir);
	snprintf(w, sizeof(w), "%s/agent-b00.jsonl", dir);
	rf_put(p, PARENT);
	rf_put(a, SUB("a77", "02.000", "msg_sub", "claude-haiku-4-5"));
	rf_put(w,
	       "{'isSidechain':true,'agentId':'b00','sessionId':'s-1','type':'user','timestamp':'"
	       "2026-02-10T10:00:00.000Z','message':{'role':'user','content':'Warmup'}}\n"
	       "{'isSidechain':true,'agentId':'b00','sessionId':'s-1','type':'assistant','timestamp':"
	       "'2026-02-10T10:00:00.500Z','message':{'id':'msg_w','model':'claude-haiku-4-5',"
	       "'content':[{'type':'text','text':'ready'}],'usage':{'input_tokens':1,'output_tokens':"
	       "1}}}\n");
	walk[0] = a;
	walk[1] = w;
	walk[2] = p;
	read_paths(&r, walk, 3);
	check_parent(&r, 2);
	assert_int_equal(r.st.records_read, 7);
	assert_int_equal(r.st.records_skipped, 3); /* the Warmup run, a sub-agent's instructions */
	rf_free(&r);
	unlink(a);
	unlink(w);
	unlink(p);
	rmdir(dir);
}

/* a sub-agent file without its session is a session of its own */
static void test_orphan_agent(void **state)
{
	char dir[] = "/tmp/test_claude_XXXXXX", a[256];
	const char *walk[1];
	struct rf_run r;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(a, sizeof(a), "%s/agent-a77.jsonl", dir);
	rf_put(a, SUB("a77", "02.000", "msg_sub", "claude-haiku-4-5"));
	walk[0] = a;
	read_paths(&r, walk, 1);
	assert_int_equal(r.n, 1);
	assert_int_equal(rf_session(&r, "s-1")->turns[0].n_llm, 1);
	assert_null(rf_session(&r, "s-1")->turns[0].prompt);
	rf_free(&r);
	unlink(a);
	rmdir(dir);
}

/* the first line of each kind of transcript is told apart from the other formats */
static void test_detect(void **state)
{
	static const char *const lines[] = {
		"{\"type\":\"summary\",\"summary\":\"x\",\"leafUuid\":\"y\"}\n",
		"{\"parentUuid\":null,\"isSidechain\":false,\"sessionId\":\"s\",\"type\":\"user\"}\n",
		"{\"type\":\"file-history-snapshot\",\"messageId\":\"m\",\"snapshot\":{}}\n",
		"{\"timestamp\":\"2026-01-09T10:00:00Z\",\"sessionId\":\"s\",\"message\":{},"
		"\"costUSD\":0.1}\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		assert_ptr_equal(tv_format_detect(lines[i], strlen(lines[i])),
				 rf_fmt("claude-code"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_message_per_id),	 cmocka_unit_test(test_harness_lines),
		cmocka_unit_test(test_api_error),	 cmocka_unit_test(test_rejected_tool),
		cmocka_unit_test(test_bad_lines),	 cmocka_unit_test(test_inline_sidechain),
		cmocka_unit_test(test_subagents_folder), cmocka_unit_test(test_flat_agents),
		cmocka_unit_test(test_orphan_agent),	 cmocka_unit_test(test_detect),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
