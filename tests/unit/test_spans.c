// SPDX-License-Identifier: MIT
/*
 * The trace mapping (tv_spans.c, tv_trace.c), driven through the reader
 * API: hand-built struct tv_span values go to tv_read_span(), traces are
 * mapped to turns at tv_read_finish() and the sessions come out of the
 * emit callback.  OTel GenAI, OpenInference and OpenLLMetry attributes.
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

#include <cmocka.h>

#include "libcommon/read/tv_reader.h"
#include "libcommon/model/tv_session.h"
#include "libcommon/core/tv_time.h"

#include "reader_fixture.h"

/* 2025-07-01T09:00:00Z */
#define T0 INT64_C(1751360400000000000)
#define MS TV_NS_PER_MS
#define SEC TV_NS_PER_SEC

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define STR(k, x)                                                    \
	{                                                            \
		k, sizeof(k) - 1,                                    \
		{                                                    \
			.type = TV_V_STR, .s = x, .n = sizeof(x) - 1 \
		}                                                    \
	}
#define INT(k, x)                                \
	{                                        \
		k, sizeof(k) - 1,                \
		{                                \
			.type = TV_V_INT, .i = x \
		}                                \
	}
#define JSONV(k, x)                                                   \
	{                                                             \
		k, sizeof(k) - 1,                                     \
		{                                                     \
			.type = TV_V_JSON, .s = x, .n = sizeof(x) - 1 \
		}                                                     \
	}

#define TRACE_A "0af7651916cd43dd8448eb211c80319c"
#define TRACE_B "4bf92f3577b34da6a3ce929d0e0e4736"
#define TRACE_C "5b8efff798038103d269b633813fc60c"

struct sp {
	const char *trace, *id, *parent, *name;
	int64_t start, end;
	int status;
	const char *msg;
	const struct tv_attr *a;
	size_t n;
	const struct tv_attr *res;
	size_t nres;
	const char *raw;
};

static void span(struct rf_run *f, const struct sp *p)
{
	struct tv_span s = {
		.line = ++f->line,
		.trace_id = p->trace,
		.trace_id_len = p->trace ? strlen(p->trace) : 0,
		.span_id = p->id,
		.span_id_len = p->id ? strlen(p->id) : 0,
		.parent_id = p->parent,
		.parent_id_len = p->parent ? strlen(p->parent) : 0,
		.name = p->name,
		.name_len = p->name ? strlen(p->name) : 0,
		.start = p->start,
		.end = p->end,
		.status = p->status,
		.status_message = p->msg,
		.status_message_len = p->msg ? strlen(p->msg) : 0,
		.attrs = p->a,
		.n_attrs = p->n,
		.res = p->res,
		.n_res = p->nres,
		.raw = p->raw,
		.raw_len = p->raw ? strlen(p->raw) : 0,
	};

	assert_int_equal(tv_read_span(f->ctx, &s), 0);
}

/* ---- an OTel GenAI agent trace ---- */

static const struct tv_attr agent_res[] = {
	STR("service.name", "gemini-cli"),
};

static const struct tv_attr agent_root[] = {
	STR("gen_ai.operation.name", "invoke_agent"),
	STR("gen_ai.agent.name", "gemini-cli"),
	STR("gen_ai.conversation.id", "conv-1"),
	STR("gen_ai.input.messages",
	    "[{\"role\":\"system\",\"parts\":[{\"type\":\"text\",\"content\":\"be brief\"}]},"
	    "{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"What is 2+2?\"}]}]"),
	STR("gen_ai.output.messages",
	    "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":\"4\"}],"
	    "\"finish_reason\":\"stop\"}]"),
};

static const struct tv_attr chat_fail[] = {
	STR("gen_ai.operation.name", "chat"),
	STR("gen_ai.request.model", "gemini-2.5-pro"),
	STR("error.type", "429"),
};

static const struct tv_attr chat_ok[] = {
	STR("gen_ai.operation.name", "chat"),
	STR("gen_ai.request.model", "gemini-2.5-pro"),
	STR("gen_ai.response.model", "gemini-2.5-pro-002"),
	INT("gen_ai.usage.input_tokens", 100),
	INT("gen_ai.usage.output_tokens", 20),
	INT("gen_ai.usage.cache_read.input_tokens", 30),
	JSONV("gen_ai.response.finish_reasons", "[\"stop\"]"),
	STR("gen_ai.input.messages",
	    "[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"What is 2+2?\"}]}]"),
	STR("gen_ai.output.messages",
	    "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":\"4\"}]}]"),
};

static const struct tv_attr tool_attrs[] = {
	STR("gen_ai.operation.name", "execute_tool"),
	STR("gen_ai.tool.name", "read_file"),
	STR("gen_ai.tool.call.id", "call_1"),
	STR("gen_ai.tool.type", "function"),
	STR("gen_ai.tool.call.arguments", "{\n  \"path\": \"/tmp/a\",\n  \"n\": 2\n}"),
};

static const struct tv_attr http_attrs[] = {
	STR("http.request.method", "POST"),
	INT("http.response.status_code", 200),
};

static void agent_trace(struct rf_run *f, const char *trace)
{
	span(f, &(struct sp){ trace, "r1", NULL, "invoke_agent gemini-cli", T0, T0 + 10 * SEC, 0,
			      NULL, agent_root, N(agent_root), agent_res, N(agent_res), NULL });
	span(f, &(struct sp){ trace, "c1", "r1", "chat gemini-2.5-pro", T0 + 1 * SEC, T0 + 2 * SEC,
			      2, "Resource exhausted", chat_fail, N(chat_fail), agent_res,
			      N(agent_res), NULL });
	span(f, &(struct sp){ trace, "h1", "c1", "POST", T0 + 1 * SEC, T0 + 2 * SEC, 0, NULL,
			      http_attrs, N(http_attrs), agent_res, N(agent_res), NULL });
	span(f, &(struct sp){ trace, "c2", "r1", "chat gemini-2.5-pro", T0 + 3 * SEC, T0 + 5 * SEC,
			      1, NULL, chat_ok, N(chat_ok), agent_res, N(agent_res), NULL });
	span(f, &(struct sp){ trace, "t1", "r1", "execute_tool read_file", T0 + 6 * SEC,
			      T0 + 6500 * MS, 0, NULL, tool_attrs, N(tool_attrs), agent_res,
			      N(agent_res), NULL });
}

static void test_genai_agent(void **state)
{
	struct rf_run *f = *state;
	struct tv_session *s;
	struct tv_turn *t;
	struct tv_llm_call *c;
	struct tv_tool_call *k;

	rf_start(f, 0, false);
	agent_trace(f, TRACE_A);
	rf_finish(f);
	assert_int_equal(f->n, 1);
	s = rf_session(f, "conv-1");
	assert_string_equal(s->source_service, "gemini-cli");
	assert_non_null(tv_kvlist_find(&s->metadata, "resource"));
	assert_string_equal(tv_kvlist_find(&s->metadata, "resource"),
			    "{\"service.name\":\"gemini-cli\"}");
	assert_int_equal(s->n_turns, 1);
	t = &s->turns[0];
	assert_string_equal(t->id, "r1");
	assert_string_equal(t->prompt, "What is 2+2?");
	assert_string_equal(t->output, "4");
	assert_int_equal(t->start_time, T0);
	assert_int_equal(t->end_time, T0 + 10 * SEC);
	assert_int_equal(t->duration, 10 * SEC);
	/* the HTTP span under a chat span is not a call */
	assert_int_equal(t->n_llm, 2);
	c = &t->llm[0];
	assert_int_equal(c->status, TV_STATUS_ERROR);
	assert_int_equal(c->status_code, 429);
	assert_string_equal(c->error, "Resource exhausted");
	assert_string_equal(c->model, "gemini-2.5-pro");
	assert_int_equal(c->time, T0 + 1 * SEC);
	assert_int_equal(c->duration, 1 * SEC);
	c = &t->llm[1];
	assert_int_equal(c->status, TV_STATUS_OK);
	assert_null(c->error);
	assert_string_equal(c->model, "gemini-2.5-pro-002"); /* the response model wins */
	assert_int_equal(c->input_tokens, 100);
	assert_int_equal(c->output_tokens, 20);
	assert_int_equal(c->cached_tokens, 30);
	assert_string_equal(c->finish_reason, "stop");
	assert_int_equal(c->duration, 2 * SEC);
	assert_non_null(c->request_text);
	assert_non_null(strstr(c->request_text, "What is 2+2?"));
	assert_non_null(c->response_text);
	assert_int_equal(t->n_tools, 1);
	k = &t->tools[0];
	assert_string_equal(k->name, "read_file");
	assert_string_equal(k->args_json, "{\"path\":\"/tmp/a\",\"n\":2}");
	assert_int_equal(k->time, T0 + 6 * SEC);
	assert_int_equal(k->duration, 500 * MS);
	assert_int_equal(k->success, 1);
	assert_string_equal(k->type, "function");
	/* the retry succeeded: the turn and the session succeed */
	assert_int_equal(t->success, 1);
	assert_int_equal(s->success, 1);
	assert_false(s->has_error);
	assert_int_equal(s->usage.input_tokens, 100);
	assert_int_equal(s->usage.total_tokens, 120);
	assert_int_equal(s->n_models, 2);
	assert_int_equal(f->st.records_read, 5);
	assert_int_equal(f->st.records_used, 5);
}

/* the last chat fails: the turn fails and the session error names it */
static void test_genai_failure(void **state)
{
	static const struct tv_attr root[] = {
		STR("gen_ai.operation.name", "invoke_agent"),
		STR("session.id", "sess-f"),
	};
	static const struct tv_attr timeout[] = {
		STR("gen_ai.operation.name", "chat"),
		STR("gen_ai.request.model", "m"),
		STR("error.type", "timeout"),
	};
	static const struct tv_attr tool_err[] = {
		STR("gen_ai.operation.name", "execute_tool"),
		STR("gen_ai.tool.name", "shell"),
		STR("error.type", "ToolError"),
	};
	struct rf_run *f = *state;
	struct tv_session *s;

	rf_start(f, 0, false);
	span(f, &(struct sp){ TRACE_B, "r", NULL, "invoke_agent", T0, T0 + 3 * SEC, 2, "failed",
			      root, N(root), NULL, 0, NULL });
	span(f, &(struct sp){ TRACE_B, "k", "r", "execute_tool shell", T0 + 100 * MS, T0 + 200 * MS,
			      2, "exit 1", tool_err, N(tool_err), NULL, 0, NULL });
	span(f, &(struct sp){ TRACE_B, "c", "r", "chat m", T0 + SEC, T0 + 2 * SEC, 2, NULL, timeout,
			      N(timeout), NULL, 0, NULL });
	rf_finish(f);
	s = rf_session(f, "sess-f");
	assert_int_equal(s->n_turns, 1);
	assert_int_equal(s->turns[0].success, 0);
	assert_int_equal(s->turns[0].llm[0].status, TV_STATUS_TIMEOUT);
	assert_int_equal(s->turns[0].tools[0].success, 0);
	assert_string_equal(s->turns[0].tools[0].error, "exit 1");
	assert_int_equal(s->success, 0);
	assert_true(s->has_error);
	assert_string_equal(s->error_type, "timeout");
}

static void test_session_key(void **state)
{
	static const struct tv_attr conv_and_sess[] = {
		STR("gen_ai.operation.name", "chat"),
		STR("session.id", "sess-1"),
	};
	static const struct tv_attr conv_child[] = {
		STR("gen_ai.operation.name", "chat"),
		STR("gen_ai.conversation.id", "conv-9"),
	};
	static const struct tv_attr sess_only[] = {
		STR("gen_ai.operation.name", "chat"),
		STR("session.id", "sess-2"),
	};
	static const struct tv_attr sess_res[] = {
		STR("service.name", "svc"),
		STR("session.id", "sess-res"),
	};
	static const struct tv_attr none[] = {
		STR("gen_ai.operation.name", "chat"),
		STR("gen_ai.request.model", "m"),
	};
	struct rf_run *f = *state;

	rf_start(f, 0, false);
	/* conversation id (on any span) before session id */
	span(f, &(struct sp){ TRACE_A, "a1", NULL, "chat", T0, T0 + 1, 0, NULL, conv_and_sess,
			      N(conv_and_sess), NULL, 0, NULL });
	span(f, &(struct sp){ TRACE_A, "a2", "a1", "chat", T0, T0 + 1, 0, NULL, conv_child,
			      N(conv_child), NULL, 0, NULL });
	/* session id */
	span(f, &(struct sp){ TRACE_B, "b1", NULL, "chat", T0 + 1, T0 + 2, 0, NULL, sess_only,
			      N(sess_only), NULL, 0, NULL });
	/* session id in the resource */
	span(f, &(struct sp){ TRACE_C, "c1", NULL, "chat", T0 + 2, T0 + 3, 0, NULL, none, N(none),
			      sess_res, N(sess_res), NULL });
	/* nothing: the trace id */
	span(f, &(struct sp){ "1111111111111111aaaaaaaaaaaaaaaa", "d1", NULL, "chat", T0 + 3,
			      T0 + 4, 0, NULL, none, N(none), NULL, 0, NULL });
	rf_finish(f);
	assert_int_equal(f->n, 4);
	assert_int_equal(rf_session(f, "conv-9")->n_turns, 1);
	assert_int_equal(rf_session(f, "sess-2")->n_turns, 1);
	assert_int_equal(rf_session(f, "sess-res")->n_turns, 1);
	assert_int_equal(rf_session(f, "1111111111111111aaaaaaaaaaaaaaaa")->n_turns, 1);
}

/* several traces of one conversation: one session, a turn per trace, in time order */
static void test_traces_to_turns(void **state)
{
	struct rf_run *f = *state;
	static const struct tv_attr root2[] = {
		STR("gen_ai.operation.name", "invoke_agent"),
		STR("gen_ai.conversation.id", "conv-1"),
		STR("gen_ai.input.messages", "second question"),
	};
	struct tv_session *s;

	rf_start(f, 0, false);
	/* the later trace arrives first */
	span(f, &(struct sp){ TRACE_B, "r2", NULL, "invoke_agent", T0 + 60 * SEC, T0 + 61 * SEC, 0,
			      NULL, root2, N(root2), NULL, 0, NULL });
	agent_trace(f, TRACE_A);
	rf_finish(f);
	assert_int_equal(f->n, 1);
	s = rf_session(f, "conv-1");
	assert_int_equal(s->n_turns, 2);
	assert_string_equal(s->turns[0].id, "r1");
	assert_string_equal(s->turns[1].id, "r2");
	/* a plain-text message attribute is the text itself */
	assert_string_equal(s->turns[1].prompt, "second question");
	assert_int_equal(s->turns[0].n_llm, 2);
	assert_int_equal(s->turns[1].n_llm, 0);
	assert_int_equal(s->start_time, T0);
	assert_int_equal(s->end_time, T0 + 61 * SEC);
}

/* a sub-agent under the agent belongs to the same turn */
static void test_nested_agents(void **state)
{
	static const struct tv_attr root[] = {
		STR("gen_ai.operation.name", "invoke_agent"),
		STR("session.id", "nest"),
		STR("gen_ai.input.messages", "[{\"role\":\"user\",\"content\":\"top prompt\"}]"),
	};
	static const struct tv_attr sub[] = {
		STR("gen_ai.operation.name", "invoke_agent"),
		STR("gen_ai.input.messages", "[{\"role\":\"user\",\"content\":\"sub prompt\"}]"),
	};
	static const struct tv_attr chat[] = {
		STR("gen_ai.operation.name", "chat"),
		STR("gen_ai.request.model", "m"),
	};
	struct rf_run *f = *state;
	struct tv_session *s;

	rf_start(f, 0, false);
	span(f, &(struct sp){ TRACE_A, "r", NULL, "invoke_agent", T0, T0 + 5 * SEC, 0, NULL, root,
			      N(root), NULL, 0, NULL });
	span(f, &(struct sp){ TRACE_A, "s", "r", "invoke_agent sub", T0 + SEC, T0 + 4 * SEC, 0,
			      NULL, sub, N(sub), NULL, 0, NULL });
	span(f, &(struct sp){ TRACE_A, "c", "s", "chat", T0 + 2 * SEC, T0 + 3 * SEC, 0, NULL, chat,
			      N(chat), NULL, 0, NULL });
	rf_finish(f);
	s = rf_session(f, "nest");
	assert_int_equal(s->n_turns, 1);
	assert_string_equal(s->turns[0].id, "r");
	assert_string_equal(s->turns[0].prompt, "top prompt");
	assert_int_equal(s->turns[0].n_llm, 1);
}

/* ---- sub-agents: not turns; recorded inside the turn that ran them ---- */

static const struct tv_attr sup_chat[] = {
	STR("gen_ai.operation.name", "chat"),
	STR("gen_ai.request.model", "sup-model"),
	INT("gen_ai.usage.input_tokens", 50),
	INT("gen_ai.usage.output_tokens", 5),
	STR("gen_ai.input.messages",
	    "[{\"role\":\"user\",\"content\":\"Summarise the papers on X\"}]"),
	STR("gen_ai.output.messages", "[{\"role\":\"assistant\",\"content\":\"Here it is\"}]"),
};
static const struct tv_attr ask_tool[] = {
	STR("gen_ai.operation.name", "execute_tool"),
	STR("gen_ai.tool.name", "ask_researcher"),
};
static const struct tv_attr researcher[] = {
	STR("gen_ai.operation.name", "invoke_agent"),
	STR("gen_ai.agent.name", "researcher"),
	STR("gen_ai.input.messages", "[{\"role\":\"user\",\"content\":\"find papers on X\"}]"),
	STR("gen_ai.output.messages", "[{\"role\":\"assistant\",\"content\":\"3 papers\"}]"),
};
static const struct tv_attr sub_chat[] = {
	STR("gen_ai.operation.name", "chat"),
	STR("gen_ai.request.model", "sub-model"),
	INT("gen_ai.usage.input_tokens", 30),
	INT("gen_ai.usage.output_tokens", 3),
	STR("gen_ai.input.messages", "[{\"role\":\"user\",\"content\":\"find papers on X\"}]"),
};
static const struct tv_attr search_tool[] = {
	STR("gen_ai.operation.name", "execute_tool"),
	STR("gen_ai.tool.name", "search"),
};

/* the researcher's spans below span @parent of trace @trace, from @t on */
static void researcher_spans(struct rf_run *f, const char *trace, const char *parent, int64_t t)
{
	span(f, &(struct sp){ trace, "ra", parent, "invoke_agent researcher", t, t + 3 * SEC, 1,
			      NULL, researcher, N(researcher), NULL, 0, NULL });
	span(f, &(struct sp){ trace, "rc", "ra", "chat sub-model", t + SEC, t + 2 * SEC, 0, NULL,
			      sub_chat, N(sub_chat), NULL, 0, NULL });
	span(f, &(struct sp){ trace, "rt", "ra", "execute_tool search", t + 2 * SEC, t + 2500 * MS,
			      0, NULL, search_tool, N(search_tool), NULL, 0, NULL });
}

/* one turn, the user's prompt, the researcher inside it and its calls marked as its */
static void check_researcher_turn(struct rf_run *f, const char *turn_id)
{
	struct tv_session *s = rf_session(f, TRACE_C);
	struct tv_turn *t;
	struct tv_agent *a;

	assert_int_equal(s->n_turns, 1);
	t = &s->turns[0];
	assert_string_equal(t->id, turn_id);
	assert_string_equal(t->prompt, "Summarise the papers on X");
	assert_int_equal(t->n_agents, 1);
	a = &t->agents[0];
	assert_string_equal(a->id, "ra");
	assert_string_equal(a->name, "researcher");
	assert_null(a->parent_id);
	assert_string_equal(a->instruction, "find papers on X");
	assert_string_equal(a->output, "3 papers");
	assert_int_equal(a->duration, 3 * SEC);
	assert_int_equal(a->success, 1);
	assert_int_equal(t->n_llm, 2);
	assert_null(tv_kvlist_find(&t->llm[0].extra, "agent_id"));
	assert_string_equal(tv_kvlist_find(&t->llm[1].extra, "agent_id"), "\"ra\"");
	assert_int_equal(t->n_tools, 2);
	assert_null(tv_kvlist_find(&t->tools[0].extra, "agent_id"));
	assert_string_equal(t->tools[0].name, "ask_researcher");
	assert_string_equal(tv_kvlist_find(&t->tools[1].extra, "agent_id"), "\"ra\"");
	assert_int_equal(s->usage.input_tokens, 80);
	assert_int_equal(s->usage.output_tokens, 8);
}

/* a supervisor agent whose tool runs a sub-agent */
static void test_subagent_in_tool(void **state)
{
	static const struct tv_attr sup[] = {
		STR("gen_ai.operation.name", "invoke_agent"),
		STR("gen_ai.agent.name", "supervisor"),
	};
	struct rf_run *f = *state;

	rf_start(f, 0, false);
	span(f, &(struct sp){ TRACE_C, "sa", NULL, "invoke_agent supervisor", T0, T0 + 10 * SEC, 0,
			      NULL, sup, N(sup), NULL, 0, NULL });
	span(f, &(struct sp){ TRACE_C, "sc", "sa", "chat sup-model", T0 + SEC, T0 + 2 * SEC, 0,
			      NULL, sup_chat, N(sup_chat), NULL, 0, NULL });
	span(f, &(struct sp){ TRACE_C, "st", "sa", "execute_tool ask_researcher", T0 + 3 * SEC,
			      T0 + 7 * SEC, 0, NULL, ask_tool, N(ask_tool), NULL, 0, NULL });
	researcher_spans(f, TRACE_C, "st", T0 + 4 * SEC);
	rf_finish(f);
	check_researcher_turn(f, "sa");
}

/*
 * A supervisor that is no agent span (an instrumented app: a root span, its
 * own chat and tool) whose tool runs an agent: once that agent's
 * instruction became a second prompt and its work a second turn.
 */
static void test_subagent_under_plain_root(void **state)
{
	static const struct tv_attr http[] = {
		STR("http.request.method", "POST"),
	};
	struct rf_run *f = *state;

	rf_start(f, 0, false);
	span(f, &(struct sp){ TRACE_C, "root", NULL, "POST /chat", T0, T0 + 10 * SEC, 0, NULL, http,
			      N(http), NULL, 0, NULL });
	span(f, &(struct sp){ TRACE_C, "sc", "root", "chat sup-model", T0 + SEC, T0 + 2 * SEC, 0,
			      NULL, sup_chat, N(sup_chat), NULL, 0, NULL });
	span(f, &(struct sp){ TRACE_C, "st", "root", "execute_tool ask_researcher", T0 + 3 * SEC,
			      T0 + 7 * SEC, 0, NULL, ask_tool, N(ask_tool), NULL, 0, NULL });
	researcher_spans(f, TRACE_C, "st", T0 + 4 * SEC);
	rf_finish(f);
	check_researcher_turn(f, "root");
	assert_string_equal(rf_session(f, TRACE_C)->turns[0].output, "Here it is");
}

/*
 * An A2A call across services: the caller's invoke_agent only relays (no
 * text, no call of its own), and the callee's spans hang under a span the
 * export lost.  One turn, the callee's, with the user's prompt.
 */
static void test_relay_with_missing_parent(void **state)
{
	static const struct tv_attr proxy[] = {
		STR("gen_ai.operation.name", "invoke_agent"),
		STR("gen_ai.agent.name", "helm-agent"),
	};
	static const struct tv_attr helm[] = {
		STR("gen_ai.operation.name", "invoke_agent"),
		STR("gen_ai.agent.name", "helm_agent"),
		STR("gen_ai.conversation.id", "ctx-1"),
	};
	static const struct tv_attr chat[] = {
		STR("gen_ai.request.model", "m"),
		INT("gen_ai.usage.input_tokens", 7),
		INT("gen_ai.usage.output_tokens", 1),
		STR("gen_ai.prompt.0.role", "user"),
		STR("gen_ai.prompt.0.content", "list all helm releases"),
	};
	struct rf_run *f = *state;
	struct tv_session *s;

	rf_start(f, 0, false);
	span(f, &(struct sp){ TRACE_A, "post", NULL, "POST /api/a2a/helm-agent/", T0, T0 + 10 * SEC,
			      0, NULL, NULL, 0, NULL, 0, NULL });
	span(f, &(struct sp){ TRACE_A, "px", "post", "invoke_agent", T0 + 1 * MS, T0 + 9 * SEC, 0,
			      NULL, proxy, N(proxy), NULL, 0, NULL });
	span(f, &(struct sp){ TRACE_A, "inv", "lost", "invocation", T0 + 2 * SEC, T0 + 8 * SEC, 0,
			      NULL, NULL, 0, NULL, 0, NULL });
	span(f, &(struct sp){ TRACE_A, "ha", "inv", "invoke_agent helm_agent", T0 + 3 * SEC,
			      T0 + 7 * SEC, 0, NULL, helm, N(helm), NULL, 0, NULL });
	span(f, &(struct sp){ TRACE_A, "hc", "ha", "call_llm", T0 + 4 * SEC, T0 + 5 * SEC, 0, NULL,
			      chat, N(chat), NULL, 0, NULL });
	rf_finish(f);
	assert_int_equal(f->n, 1);
	s = rf_session(f, "ctx-1");
	assert_int_equal(s->n_turns, 1);
	assert_string_equal(s->turns[0].id, "ha");
	assert_string_equal(s->turns[0].prompt, "list all helm releases");
	assert_int_equal(s->turns[0].n_agents, 0);
	assert_int_equal(s->usage.input_tokens, 7);
}

/* ---- usage: wherever the source puts it, exactly once ---- */

/* a framework's llm span around the client library's: one call, counted once */
static void test_nested_llm_spans(void **state)
{
	static const struct tv_attr agent[] = {
		STR("gen_ai.operation.name", "invoke_agent"),
		STR("session.id", "nested-llm"),
	};
	static const struct tv_attr outer[] = {
		/* ADK's call_llm */
		STR("gen_ai.system", "gcp.vertex.agent"),
		STR("gen_ai.request.model", "gpt-4.1-mini"),
		INT("gen_ai.usage.input_tokens", 1820),
		INT("gen_ai.usage.output_tokens", 13),
		JSONV("gen_ai.response.finish_reasons", "[\"stop\"]"),
	};
	static const struct tv_attr inner[] = {
		/* OpenLLMetry's openai.chat */
		STR("llm.request.type", "chat"),
		STR("gen_ai.request.model", "gpt-4.1-mini"),
		STR("gen_ai.response.model", "gpt-4.1-mini-2025-04-14"),
		INT("gen_ai.usage.prompt_tokens", 1820),
		INT("gen_ai.usage.completion_tokens", 13),
		INT("gen_ai.usage.cache_read_input_tokens", 1792),
	};
	struct rf_run *f = *state;
	struct tv_session *s;
	struct tv_llm_call *c;

	rf_start(f, 0, false);
	span(f, &(struct sp){ TRACE_A, "a", NULL, "invoke_agent", T0, T0 + 10 * SEC, 0, NULL, agent,
			      N(agent), NULL, 0, NULL });
	span(f, &(struct sp){ TRACE_A, "o", "a", "call_llm", T0 + SEC, T0 + 6 * SEC, 0, NULL, outer,
			      N(outer), NULL, 0, NULL });
	span(f, &(struct sp){ TRACE_A, "h", "o", "POST", T0 + SEC, T0 + 4 * SEC, 0, NULL, NULL, 0,
			      NULL, 0, NULL });
	span(f, &(struct sp){ TRACE_A, "i", "h", "openai.chat", T0 + 2 * SEC, T0 + 3 * SEC, 0, NULL,
			      inner, N(inner), NULL, 0, NULL });
	rf_finish(f);
	s = rf_session(f, "nested-llm");
	assert_int_equal(s->turns[0].n_llm, 1);
	c = &s->turns[0].llm[0];
	assert_string_equal(c->model, "gpt-4.1-mini-2025-04-14"); /* the inner span's */
	assert_int_equal(c->time, T0 + 2 * SEC);
	assert_int_equal(c->duration, SEC);
	assert_int_equal(c->cached_tokens, 1792);
	assert_string_equal(c->finish_reason, "stop"); /* completed from the outer span */
	assert_int_equal(s->usage.input_tokens, 1820);
	assert_int_equal(s->usage.output_tokens, 13);
	assert_int_equal(s->n_models, 1);
}

/* tokens on a span with no model and no operation name still count */
static void test_usage_only_span(void **state)
{
	static const struct tv_attr run[] = {
		STR("session.id", "usage-only"),
		INT("gen_ai.usage.input_tokens", 40),
		INT("gen_ai.usage.output_tokens", 4),
	};
	struct rf_run *f = *state;
	struct tv_session *s;

	rf_start(f, 0, false);
	span(f, &(struct sp){ TRACE_B, "w", NULL, "workflow", T0, T0 + SEC, 0, NULL, NULL, 0, NULL,
			      0, NULL });
	span(f, &(struct sp){ TRACE_B, "r", "w", "run", T0, T0 + SEC, 0, NULL, run, N(run), NULL, 0,
			      NULL });
	rf_finish(f);
	s = rf_session(f, "usage-only");
	assert_int_equal(s->usage.input_tokens, 40);
	assert_int_equal(s->usage.output_tokens, 4);
	assert_int_equal(s->usage.total_tokens, 44);
}

/*
 * Tokens on an agent span count when nothing below carries them; when its
 * llm spans carry them, theirs count and the agent's total does not.
 * Several calls inside a wrapper that alone carries tokens: counted once.
 */
static void test_usage_counted_once(void **state)
{
	static const struct tv_attr agent_a[] = {
		STR("gen_ai.operation.name", "invoke_agent"),
		STR("session.id", "once-a"),
		INT("gen_ai.usage.input_tokens", 100),
		INT("gen_ai.usage.output_tokens", 10),
	};
	static const struct tv_attr agent_b[] = {
		STR("gen_ai.operation.name", "invoke_agent"),
		STR("session.id", "once-b"),
		INT("gen_ai.usage.input_tokens", 100),
		INT("gen_ai.usage.output_tokens", 10),
	};
	static const struct tv_attr chat_usage[] = {
		STR("gen_ai.operation.name", "chat"),
		INT("gen_ai.usage.input_tokens", 60),
		INT("gen_ai.usage.output_tokens", 6),
	};
	static const struct tv_attr wrapper[] = {
		STR("gen_ai.operation.name", "chat"),
		STR("session.id", "once-c"),
		INT("gen_ai.usage.input_tokens", 9),
		INT("gen_ai.usage.output_tokens", 2),
	};
	static const struct tv_attr bare_chat[] = {
		STR("gen_ai.operation.name", "chat"),
	};
	struct rf_run *f = *state;

	rf_start(f, 0, false);
	span(f, &(struct sp){ TRACE_A, "a", NULL, "invoke_agent", T0, T0 + SEC, 0, NULL, agent_a,
			      N(agent_a), NULL, 0, NULL });
	span(f, &(struct sp){ TRACE_A, "ac", "a", "chat", T0, T0 + SEC, 0, NULL, chat_usage,
			      N(chat_usage), NULL, 0, NULL });
	span(f, &(struct sp){ TRACE_B, "b", NULL, "invoke_agent", T0, T0 + SEC, 0, NULL, agent_b,
			      N(agent_b), NULL, 0, NULL });
	span(f, &(struct sp){ TRACE_B, "bc", "b", "chat", T0, T0 + SEC, 0, NULL, bare_chat,
			      N(bare_chat), NULL, 0, NULL });
	span(f, &(struct sp){ TRACE_C, "w", NULL, "chat", T0, T0 + SEC, 0, NULL, wrapper,
			      N(wrapper), NULL, 0, NULL });
	span(f, &(struct sp){ TRACE_C, "w1", "w", "chat", T0, T0 + SEC, 0, NULL, bare_chat,
			      N(bare_chat), NULL, 0, NULL });
	span(f, &(struct sp){ TRACE_C, "w2", "w", "chat", T0, T0 + SEC, 0, NULL, bare_chat,
			      N(bare_chat), NULL, 0, NULL });
	rf_finish(f);
	assert_int_equal(rf_session(f, "once-a")->usage.input_tokens, 60);
	assert_int_equal(rf_session(f, "once-a")->turns[0].n_llm, 1);
	assert_int_equal(rf_session(f, "once-b")->usage.input_tokens, 100);
	assert_int_equal(rf_session(f, "once-b")->usage.output_tokens, 10);
	assert_int_equal(rf_session(f, "once-c")->usage.input_tokens, 9);
	assert_int_equal(rf_session(f, "once-c")->turns[0].n_llm, 3);
}

static void test_openinference(void **state)
{
	static const struct tv_attr a[] = {
		STR("openinference.span.kind", "LLM"),
		STR("session.id", "oi-sess"),
		STR("llm.model_name", "gpt-4o"),
		STR("llm.input_messages.0.message.role", "system"),
		STR("llm.input_messages.0.message.content", "be nice"),
		STR("llm.input_messages.1.message.role", "user"),
		STR("llm.input_messages.1.message.content", "hello oi"),
		STR("llm.output_messages.0.message.role", "assistant"),
		STR("llm.output_messages.0.message.content", "hi from oi"),
		INT("llm.token_count.prompt", 11),
		INT("llm.token_count.completion", 3),
		INT("llm.token_count.total", 14),
	};
	struct rf_run *f = *state;
	struct tv_session *s;
	struct tv_llm_call *c;

	rf_start(f, 0, false);
	span(f, &(struct sp){ TRACE_A, "o1", NULL, "ChatCompletion", T0, T0 + 800 * MS, 0, NULL, a,
			      N(a), NULL, 0, NULL });
	rf_finish(f);
	s = rf_session(f, "oi-sess");
	assert_int_equal(s->n_turns, 1);
	assert_string_equal(s->turns[0].prompt, "hello oi");
	assert_string_equal(s->turns[0].output, "hi from oi");
	assert_int_equal(s->turns[0].n_llm, 1);
	c = &s->turns[0].llm[0];
	assert_string_equal(c->model, "gpt-4o");
	assert_int_equal(c->input_tokens, 11);
	assert_int_equal(c->output_tokens, 3);
	assert_int_equal(c->total_tokens, 14);
	assert_int_equal(c->status, TV_STATUS_OK);
	assert_int_equal(c->duration, 800 * MS);
	assert_int_equal(s->usage.total_tokens, 14);
	assert_int_equal(s->success, 1);
}

/* OpenInference AGENT and TOOL spans */
static void test_openinference_agent_tool(void **state)
{
	static const struct tv_attr agent[] = {
		STR("openinference.span.kind", "AGENT"),
		STR("session.id", "oi-agent"),
		STR("input.value", "plan my trip"),
		STR("output.value", "done"),
	};
	static const struct tv_attr tool[] = {
		STR("openinference.span.kind", "TOOL"),
		STR("tool.name", "search"),
		STR("tool.parameters", "{\"q\": \"flights\"}"),
	};
	struct rf_run *f = *state;
	struct tv_session *s;

	rf_start(f, 0, false);
	span(f, &(struct sp){ TRACE_A, "ag", NULL, "agent", T0, T0 + SEC, 0, NULL, agent, N(agent),
			      NULL, 0, NULL });
	span(f, &(struct sp){ TRACE_A, "tl", "ag", "tool", T0 + 10 * MS, T0 + 20 * MS, 0, NULL,
			      tool, N(tool), NULL, 0, NULL });
	rf_finish(f);
	s = rf_session(f, "oi-agent");
	assert_int_equal(s->n_turns, 1);
	assert_string_equal(s->turns[0].prompt, "plan my trip");
	assert_string_equal(s->turns[0].output, "done");
	assert_int_equal(s->turns[0].n_tools, 1);
	assert_string_equal(s->turns[0].tools[0].name, "search");
	assert_string_equal(s->turns[0].tools[0].args_json, "{\"q\":\"flights\"}");
}

static void test_openllmetry(void **state)
{
	static const struct tv_attr a[] = {
		STR("llm.request.type", "chat"),
		STR("gen_ai.system", "openai"),
		STR("gen_ai.request.model", "gpt-4o-mini"),
		STR("gen_ai.prompt.0.role", "system"),
		STR("gen_ai.prompt.0.content", "you are terse"),
		STR("gen_ai.prompt.1.role", "user"),
		STR("gen_ai.prompt.1.content", "hello llmetry"),
		STR("gen_ai.completion.0.role", "assistant"),
		STR("gen_ai.completion.0.content", "hi from llmetry"),
		STR("gen_ai.completion.0.finish_reason", "stop"),
		INT("gen_ai.usage.prompt_tokens", 7),
		INT("gen_ai.usage.completion_tokens", 2),
		INT("llm.usage.total_tokens", 9),
	};
	struct rf_run *f = *state;
	struct tv_session *s;
	struct tv_llm_call *c;

	rf_start(f, 0, false);
	span(f, &(struct sp){ TRACE_C, "l1", NULL, "openai.chat", T0, T0 + 300 * MS, 0, NULL, a,
			      N(a), NULL, 0, NULL });
	rf_finish(f);
	s = rf_session(f, TRACE_C); /* no conversation or session id: the trace */
	assert_int_equal(s->n_turns, 1);
	assert_string_equal(s->turns[0].prompt, "hello llmetry");
	assert_string_equal(s->turns[0].output, "hi from llmetry");
	c = &s->turns[0].llm[0];
	assert_string_equal(c->model, "gpt-4o-mini");
	assert_int_equal(c->input_tokens, 7);
	assert_int_equal(c->output_tokens, 2);
	assert_int_equal(c->total_tokens, 9);
}

/* OpenLLMetry workflow with a traceloop agent, task and tool */
static void test_openllmetry_workflow(void **state)
{
	static const struct tv_attr wf[] = {
		STR("traceloop.span.kind", "agent"),
		STR("traceloop.entity.name", "joke_agent"),
		STR("traceloop.entity.input", "{\"topic\": \"cats\"}"),
	};
	static const struct tv_attr llm[] = {
		STR("llm.request.type", "chat"),
		STR("gen_ai.request.model", "gpt-4o"),
		STR("gen_ai.prompt.0.role", "user"),
		STR("gen_ai.prompt.0.content", "tell a cat joke"),
		STR("gen_ai.completion.0.content", "meow"),
	};
	static const struct tv_attr tool[] = {
		STR("traceloop.span.kind", "tool"),
		STR("traceloop.entity.name", "lookup"),
		STR("traceloop.entity.input", "{\"k\": 1}"),
	};
	struct rf_run *f = *state;
	struct tv_session *s;

	rf_start(f, 0, false);
	span(f, &(struct sp){ TRACE_B, "w", NULL, "joke_agent.agent", T0, T0 + SEC, 0, NULL, wf,
			      N(wf), NULL, 0, NULL });
	span(f, &(struct sp){ TRACE_B, "l", "w", "openai.chat", T0 + 1, T0 + 2, 0, NULL, llm,
			      N(llm), NULL, 0, NULL });
	span(f, &(struct sp){ TRACE_B, "t", "w", "lookup.tool", T0 + 3, T0 + 4, 0, NULL, tool,
			      N(tool), NULL, 0, NULL });
	rf_finish(f);
	s = rf_session(f, TRACE_B);
	assert_int_equal(s->n_turns, 1);
	assert_int_equal(s->turns[0].n_llm, 1);
	assert_int_equal(s->turns[0].n_tools, 1);
	assert_string_equal(s->turns[0].tools[0].name, "lookup");
	assert_string_equal(s->turns[0].tools[0].args_json, "{\"k\":1}");
	/* the agent span has no messages: the llm span's text is borrowed */
	assert_string_equal(s->turns[0].output, "meow");
}

/* no GenAI span at all: a turn per root span, no calls */
static void test_plain_trace(void **state)
{
	static const struct tv_attr http[] = {
		STR("http.request.method", "GET"),
		STR("url.path", "/api"),
	};
	static const struct tv_attr db[] = {
		STR("db.system", "postgresql"),
	};
	struct rf_run *f = *state;
	struct tv_session *s;

	rf_start(f, 0, false);
	span(f, &(struct sp){ TRACE_A, "job", "ffffffffffffffff", "nightly job", T0 + 2 * SEC,
			      T0 + 3 * SEC, 0, NULL, db, N(db), NULL, 0, NULL });
	span(f, &(struct sp){ TRACE_A, "root", NULL, "GET /api", T0, T0 + SEC, 2, "boom", http,
			      N(http), NULL, 0, NULL });
	span(f, &(struct sp){ TRACE_A, "q", "root", "SELECT", T0 + 100 * MS, T0 + 200 * MS, 0, NULL,
			      db, N(db), NULL, 0, NULL });
	rf_finish(f);
	s = rf_session(f, TRACE_A);
	assert_int_equal(s->n_turns, 2);
	/* in time order */
	assert_string_equal(s->turns[0].id, "root");
	assert_int_equal(s->turns[0].start_time, T0);
	assert_int_equal(s->turns[0].end_time, T0 + SEC);
	assert_int_equal(s->turns[0].success, 0); /* the root span failed */
	assert_string_equal(s->turns[1].id, "job");
	assert_int_equal(s->turns[1].start_time, T0 + 2 * SEC);
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(s->turns[i].n_llm, 0);
		assert_int_equal(s->turns[i].n_tools, 0);
	}
	assert_int_equal(s->success, 0);
}

/* spans of one trace in two batches, with another trace in between */
static void test_two_batches(void **state)
{
	static const struct tv_attr other[] = {
		STR("gen_ai.operation.name", "chat"),
		STR("session.id", "other"),
	};
	struct rf_run *f = *state;
	struct tv_session *s;

	rf_start(f, 0, false);
	span(f, &(struct sp){ TRACE_A, "c1", "r1", "chat gemini-2.5-pro", T0 + 1 * SEC,
			      T0 + 2 * SEC, 2, "Resource exhausted", chat_fail, N(chat_fail),
			      agent_res, N(agent_res), NULL });
	span(f,
	     &(struct sp){ TRACE_A, "c2", "r1", "chat gemini-2.5-pro", T0 + 3 * SEC, T0 + 5 * SEC,
			   1, NULL, chat_ok, N(chat_ok), agent_res, N(agent_res), NULL });
	for (int i = 0; i < 50; i++) {
		span(f, &(struct sp){ TRACE_C, "x", NULL, "chat", T0 + i * MS, T0 + i * MS + 1, 0,
				      NULL, other, N(other), NULL, 0, NULL });
	}
	/* the root and the tool arrive later (children often end first) */
	span(f, &(struct sp){ TRACE_A, "t1", "r1", "execute_tool read_file", T0 + 6 * SEC,
			      T0 + 6500 * MS, 0, NULL, tool_attrs, N(tool_attrs), agent_res,
			      N(agent_res), NULL });
	span(f, &(struct sp){ TRACE_A, "r1", NULL, "invoke_agent gemini-cli", T0, T0 + 10 * SEC, 0,
			      NULL, agent_root, N(agent_root), agent_res, N(agent_res), NULL });
	rf_finish(f);
	assert_int_equal(f->n, 2);
	s = rf_session(f, "conv-1");
	assert_int_equal(s->n_turns, 1);
	assert_string_equal(s->turns[0].id, "r1");
	assert_string_equal(s->turns[0].prompt, "What is 2+2?");
	assert_int_equal(s->turns[0].n_llm, 2);
	assert_int_equal(s->turns[0].n_tools, 1);
	assert_int_equal(f->st.records_read, 54);
}

/* a gap between the batches, but less than the configured gap: still one trace */
static void test_two_batches_within_gap(void **state)
{
	static const struct tv_attr other[] = {
		STR("gen_ai.operation.name", "chat"),
		STR("session.id", "other"),
	};
	struct rf_run *f = *state;
	struct tv_session *s;

	rf_start(f, 60 * SEC, false);
	span(f,
	     &(struct sp){ TRACE_A, "c2", "r1", "chat gemini-2.5-pro", T0 + 3 * SEC, T0 + 5 * SEC,
			   1, NULL, chat_ok, N(chat_ok), agent_res, N(agent_res), NULL });
	for (int i = 0; i < 1100; i++) {
		span(f, &(struct sp){ TRACE_C, "x", NULL, "chat", T0 + 5 * SEC + i * 10 * MS,
				      T0 + 5 * SEC + i * 10 * MS + 1, 0, NULL, other, N(other),
				      NULL, 0, NULL });
	}
	span(f, &(struct sp){ TRACE_A, "r1", NULL, "invoke_agent gemini-cli", T0, T0 + 20 * SEC, 0,
			      NULL, agent_root, N(agent_root), agent_res, N(agent_res), NULL });
	rf_finish(f);
	s = rf_session(f, "conv-1");
	assert_int_equal(s->n_turns, 1);
	assert_string_equal(s->turns[0].id, "r1");
	assert_int_equal(s->turns[0].n_llm, 1);
}

static void test_keep_events(void **state)
{
	static const struct tv_attr a[] = {
		STR("gen_ai.operation.name", "chat"),
		STR("session.id", "ev"),
	};
	struct rf_run *f = *state;
	struct tv_session *s;

	rf_start(f, 0, true);
	span(f, &(struct sp){ TRACE_A, "p", NULL, "invoke", T0, T0 + 2, 0, NULL, a, N(a), NULL, 0,
			      "{\"spanId\":\"p\"}" });
	span(f, &(struct sp){ TRACE_A, "q", "p", "chat", T0, T0 + 1, 0, NULL, a, N(a), NULL, 0,
			      "{\"spanId\":\"q\"}" });
	rf_finish(f);
	s = rf_session(f, "ev");
	assert_int_equal(s->n_events, 2);
	assert_string_equal(s->events[0], "{\"spanId\":\"p\"}");
	assert_string_equal(s->events[1], "{\"spanId\":\"q\"}");
}

/*
 * An agent span with its own output but no prompt: the prompt is borrowed
 * from its llm span, the agent's own output is kept.
 */
static void test_agent_output_kept(void **state)
{
	static const struct tv_attr root[] = {
		STR("gen_ai.operation.name", "invoke_agent"),
		STR("session.id", "own"),
		STR("gen_ai.output.messages",
		    "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":\"AGENT OUT\"}]}]"),
	};
	static const struct tv_attr chat[] = {
		STR("gen_ai.operation.name", "chat"),
		STR("gen_ai.request.model", "m"),
		STR("gen_ai.input.messages",
		    "[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"question\"}]}]"),
		STR("gen_ai.output.messages",
		    "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":\"CHAT OUT\"}]}]"),
	};
	struct rf_run *f = *state;
	struct tv_session *s;

	rf_start(f, 0, false);
	span(f, &(struct sp){ TRACE_A, "r", NULL, "invoke_agent", T0, T0 + 5 * SEC, 0, NULL, root,
			      N(root), NULL, 0, NULL });
	span(f, &(struct sp){ TRACE_A, "c", "r", "chat m", T0 + SEC, T0 + 2 * SEC, 0, NULL, chat,
			      N(chat), NULL, 0, NULL });
	rf_finish(f);
	s = rf_session(f, "own");
	assert_string_equal(s->turns[0].prompt, "question");
	assert_string_equal(s->turns[0].output, "AGENT OUT");
}

/*
 * Two traces (turns) of one conversation with a short pause between them,
 * while the gap is active: the conversation is never idle longer than the
 * gap, so it stays one session, even when the first trace is complete
 * long before the second.
 */
static void test_conversation_across_traces_with_gap(void **state)
{
	static const struct tv_attr root[] = {
		STR("gen_ai.operation.name", "invoke_agent"),
		STR("gen_ai.conversation.id", "long"),
	};
	static const struct tv_attr chat[] = {
		STR("gen_ai.operation.name", "chat"),
		STR("gen_ai.conversation.id", "long"),
		STR("gen_ai.request.model", "m"),
	};
	struct rf_run *f = *state;
	struct tv_session *s;

	rf_start(f, 60 * SEC, false);
	/* turn 1: T0 .. T0+10s */
	span(f, &(struct sp){ TRACE_A, "c1", "r1", "chat m", T0 + SEC, T0 + 9 * SEC, 0, NULL, chat,
			      N(chat), NULL, 0, NULL });
	span(f, &(struct sp){ TRACE_A, "r1", NULL, "invoke_agent", T0, T0 + 10 * SEC, 0, NULL, root,
			      N(root), NULL, 0, NULL });
	/* turn 2 from T0+20s: many chat spans over three minutes, its root last */
	for (int i = 0; i < 1500; i++) {
		char id[16];

		snprintf(id, sizeof(id), "x%d", i);
		span(f, &(struct sp){ TRACE_B, id, "r2", "chat m", T0 + 20 * SEC + i * 120 * MS,
				      T0 + 20 * SEC + i * 120 * MS + 100 * MS, 0, NULL, chat,
				      N(chat), NULL, 0, NULL });
	}
	span(f, &(struct sp){ TRACE_B, "r2", NULL, "invoke_agent", T0 + 20 * SEC, T0 + 200 * SEC, 0,
			      NULL, root, N(root), NULL, 0, NULL });
	rf_finish(f);
	if (f->n != 1) {
		fail_msg("conversation split into %zu sessions (%zu warnings)", f->n, f->n_reports);
	}
	s = rf_session(f, "long");
	assert_int_equal(s->n_turns, 2);
	assert_string_equal(s->turns[0].id, "r1");
	assert_string_equal(s->turns[1].id, "r2");
	assert_int_equal(s->turns[1].n_llm, 1500);
	assert_int_equal(f->st.late_records, 0);
}

/* tv_read_span() on a fresh context must not crash (run in a child) */
static void test_spans_outside_read_file(void **state)
{
	struct rf_run *f = *state;
	pid_t pid = rf_fork();

	if (pid == 0) {
		static const struct tv_attr a[] = {
			STR("gen_ai.operation.name", "chat"),
			STR("session.id", "x"),
		};
		struct tv_span sp = {
			.line = 1,
			.trace_id = TRACE_A,
			.trace_id_len = 32,
			.span_id = "s",
			.span_id_len = 1,
			.name = "chat",
			.name_len = 4,
			.start = T0,
			.end = T0 + 1,
			.attrs = a,
			.n_attrs = N(a),
		};
		struct tv_read_ctx *ctx;
		int ok;

		ctx = rf_ctx(f, NULL);
		ok = tv_read_span(ctx, &sp) == 0 && tv_read_finish(ctx, NULL) == 0 && f->n == 1;
		_exit(ok ? 0 : 1);
	}
	rf_wait(pid, "tv_read_span on a fresh context");
}

#define TEST(f) cmocka_unit_test_setup_teardown(f, rf_setup, rf_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_genai_agent),
		TEST(test_genai_failure),
		TEST(test_session_key),
		TEST(test_traces_to_turns),
		TEST(test_nested_agents),
		TEST(test_subagent_in_tool),
		TEST(test_subagent_under_plain_root),
		TEST(test_relay_with_missing_parent),
		TEST(test_nested_llm_spans),
		TEST(test_usage_only_span),
		TEST(test_usage_counted_once),
		TEST(test_openinference),
		TEST(test_openinference_agent_tool),
		TEST(test_openllmetry),
		TEST(test_openllmetry_workflow),
		TEST(test_plain_trace),
		TEST(test_two_batches),
		TEST(test_two_batches_within_gap),
		TEST(test_keep_events),
		TEST(test_agent_output_kept),
		TEST(test_conversation_across_traces_with_gap),
		TEST(test_spans_outside_read_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
