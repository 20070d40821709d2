// SPDX-License-Identifier: MIT
/*
 * `codex exec --json` output read through tv_read_file(): a session per
 * thread.started, a turn per turn.started with the usage of its
 * turn.completed as its one llm_call, a tool call per tool item however
 * many lines report it, the last agent message as the turn's output.
 *
 * The fixtures follow the event types of the Codex source, the public
 * description of the stream: openai/codex codex-rs/exec/src/exec_events.rs
 * (ThreadEvent thread.started, turn.started, turn.completed {usage},
 * turn.failed {error}, item.started/updated/completed {item}, error;
 * ThreadItemDetails agent_message, reasoning, command_execution,
 * file_change, mcp_tool_call, web_search, todo_list) and docs/exec.md.
 * Fixtures are written with ' for ".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "libcommon/read/tv_reader.h"

#include "reader_fixture.h"

#define CMD(ev, id, status, code)                                                             \
	"{'type':'" ev "','item':{'id':'" id "','type':'command_execution','command':'make'," \
	"'aggregated_output':'','exit_code':" code ",'status':'" status "'}}\n"

static void run(struct rf_run *r, const char *q)
{
	rf_run_q(r, q, tv_format_find("codex-exec"), 0, false);
	assert_int_equal(r->ret, 0);
	rf_check_sessions(r);
}

/* two runs in one log; a command reported three times is one tool call */
static void test_runs(void **state)
{
	struct rf_run r;
	struct tv_session *s;
	struct tv_turn *t;

	(void)state;
	run(&r,
	    "{'type':'thread.started','thread_id':'t-1'}\n"
	    "{'type':'turn.started'}\n" CMD("item.started", "i0", "in_progress",
					    "null") CMD("item.updated", "i0", "in_progress", "null")
		    CMD("item.completed", "i0", "completed",
			"0") "{'type':'item.completed','item':{'id':'i1','type':'agent_message','text':'first'}}\n"
			     "{'type':'item.completed','item':{'id':'i2','type':'agent_message','text':'done'}}\n"
			     "{'type':'turn.completed','usage':{'input_tokens':100,'cached_input_tokens':40,"
			     "'output_tokens':7,'reasoning_output_tokens':3}}\n"
			     "{'type':'turn.started'}\n"
			     "{'type':'turn.completed','usage':{'input_tokens':50,'output_tokens':1}}\n"
			     "{'type':'thread.started','thread_id':'t-2'}\n"
			     "{'type':'turn.started'}\n"
			     "{'type':'turn.failed','error':{'message':'quota exceeded'}}\n");
	assert_int_equal(r.n, 2);
	s = rf_session(&r, "t-1");
	assert_int_equal(s->n_turns, 2);
	t = &s->turns[0];
	assert_null(t->prompt);
	assert_string_equal(t->output, "done");
	assert_int_equal(t->n_tools, 1);
	assert_string_equal(t->tools[0].name, "shell");
	assert_int_equal(t->tools[0].success, 1);
	assert_int_equal(t->n_llm, 1);
	assert_int_equal(t->llm[0].input_tokens, 100);
	assert_int_equal(t->llm[0].cached_tokens, 40);
	assert_int_equal(t->llm[0].thinking_tokens, 3);
	assert_int_equal(t->llm[0].total_tokens, 107);
	assert_int_equal(s->usage.input_tokens, 150);
	s = rf_session(&r, "t-2");
	assert_int_equal(s->turns[0].llm[0].status, TV_STATUS_ERROR);
	assert_string_equal(s->turns[0].llm[0].error, "quota exceeded");
	assert_int_equal(r.st.records_read, 13);
	assert_int_equal(r.st.records_rejected, 0);
	rf_free(&r);
}

/* lines before any thread.started belong to a session named after the input */
static void test_no_thread(void **state)
{
	struct rf_run r;

	(void)state;
	run(&r,
	    "{'type':'turn.started'}\n"
	    "{'type':'item.completed','item':{'id':'i0','type':'mcp_tool_call','server':'gh',"
	    "'tool':'search','arguments':{'q':'x'},'status':'failed','error':{'message':'401'}}}\n"
	    "{'type':'turn.completed','usage':{'input_tokens':1,'output_tokens':1}}\n");
	assert_int_equal(r.n, 1);
	assert_string_equal(r.s[0]->id, rf_basename(r.path));
	assert_string_equal(r.s[0]->turns[0].tools[0].name, "mcp__gh__search");
	assert_string_equal(r.s[0]->turns[0].tools[0].type, "mcp");
	assert_string_equal(r.s[0]->turns[0].tools[0].args_json, "{\"q\":\"x\"}");
	assert_string_equal(r.s[0]->turns[0].tools[0].error, "401");
	assert_int_equal(r.s[0]->turns[0].tools[0].success, 0);
	rf_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_runs),
		cmocka_unit_test(test_no_thread),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
