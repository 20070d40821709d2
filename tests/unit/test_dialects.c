// SPDX-License-Identifier: MIT
/*
 * The coding agents' OpenTelemetry log events, each in its own dialect,
 * read from OTLP/JSON logs into the same session model (tv_dialect.c).
 *
 * Claude Code: the events and attributes of its monitoring documentation
 * (code.claude.com/docs/en/monitoring-usage, "Events": claude_code.user_prompt,
 * api_request with input_tokens/output_tokens/cache_read_tokens/
 * cache_creation_tokens/cost_usd/duration_ms, api_error, tool_decision,
 * tool_result, assistant_response; session.id and prompt.id), with the
 * event name in the body and the short name in event.name as Claude Code
 * 2.1 writes them.  Codex CLI: its configuration documentation (docs/config.md,
 * "otel": codex.user_prompt, codex.sse_event with event.kind and the token
 * counts, codex.tool_decision, codex.tool_result; conversation.id), with the
 * full event name in the event.name attribute and a source location as the
 * record's eventName, as Codex 0.140 writes them.
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

#include "libcommon/core/tv_time.h"
#include "libcommon/read/tv_reader.h"

#include "reader_fixture.h"

#define S(k, v) "{'key':'" k "','value':{'stringValue':'" v "'}}"
#define I(k, v) "{'key':'" k "','value':{'intValue':" v "}}"
#define D(k, v) "{'key':'" k "','value':{'doubleValue':" v "}}"
#define REC(ms, body, attrs)                                                  \
	"{'timeUnixNano':'17914473" ms "000000','body':{'stringValue':'" body \
	"'},'attributes':[" attrs "]}"
#define CODEX_REC(ms, attrs)                                                         \
	"{'timeUnixNano':'17914473" ms "000000','eventName':'event otel/src/events/" \
	"session_telemetry.rs:925','attributes':[" attrs "]}"
#define LOGS(svc, scope, recs)                                                          \
	"{'resourceLogs':[{'resource':{'attributes':[" S("service.name",                \
							 svc) "]},'scopeLogs':[{"       \
							      "'scope':{'name':'" scope \
							      "'},'logRecords':[" recs "]}]}]}\n"

#define CC(name) \
	S("session.id", "cc-1") "," S("user.email", "ana@example.com") "," S("event.name", name)

static void run(struct rf_run *r, const char *q)
{
	rf_run_q(r, q, rf_fmt("otlp"), 0, false);
	assert_int_equal(r->ret, 0);
	rf_check_sessions(r);
	assert_int_equal(r->st.records_rejected, 0);
}

static void test_claude_code(void **state)
{
	struct rf_run r;
	struct tv_session *s;
	struct tv_turn *t;
	struct tv_tool_call *x;

	(void)state;
	run(&r,
	    LOGS("claude-code", "com.anthropic.claude_code.events",
		 REC("10000", "claude_code.user_prompt", CC("user_prompt") "," S("prompt.id", "p1") "," S("prompt", "List the files ✓") "," S("prompt_length", "16")) "," REC(
			 "12000", "claude_code.api_request",
			 CC("api_request") "," S("prompt.id", "p1") "," S("model", "claude-opus-4-6") "," I("input_tokens", "2") "," I("output_tokens", "40") "," I("cache_read_tokens", "9000") "," I("cache_creation_tokens", "100") "," D("cost_usd", "0.5") "," I(
				 "duration_ms",
				 "1500")) "," REC("12100", "claude_code.tool_decision",
						  CC("tool_decision") "," S("prompt.id", "p1") "," S("tool_name", "Bash") "," S("tool_use_id", "toolu_1") "," S("decision", "accept") "," S(
							  "source",
							  "config")) "," REC("12600",
									     "claude_code.tool_result",
									     CC("tool_result") "," S("prompt.id", "p1") "," S("tool_name", "Bash") "," S("tool_use_id", "toolu_1") "," S("success", "true") "," I(
										     "duration_ms",
										     "400")) "," REC("12700",
												     "claude_code.tool_decision",
												     CC("tool_decision") "," S("prompt.id", "p1") "," S("tool_name", "Write") "," S("tool_use_id", "toolu_2") "," S("decision", "reject") "," S(
													     "source",
													     "user_reject")) "," REC("14000",
																     "claude_code.api_error",
																     CC("api_error") "," S("prompt.id", "p1") "," S("model", "claude-opus-4-6") "," S("error", "rate limited") "," I(
																	     "status_code",
																	     "429") "," I("duration_ms",
																			  "100")) "," REC("15000",
																					  "claude_code.assistant_response",
																					  CC("assistant_response") "," S(
																						  "prompt.id",
																						  "p1") "," S("response",
																							      "Two files.") "," S("model",
																										  "claude-opus-4-6"))));
	s = rf_session(&r, "cc-1");
	assert_string_equal(s->source_service, "claude-code");
	assert_string_equal(s->user, "ana@example.com");
	assert_int_equal(s->n_turns, 1);
	t = &s->turns[0];
	assert_string_equal(t->id, "p1");
	assert_string_equal(t->prompt, "List the files ✓");
	assert_string_equal(t->output, "Two files.");
	assert_int_equal(t->n_llm, 2);
	assert_string_equal(t->llm[0].model, "claude-opus-4-6");
	assert_int_equal(t->llm[0].input_tokens, 9102);
	assert_int_equal(t->llm[0].cached_tokens, 9000);
	assert_int_equal(t->llm[0].output_tokens, 40);
	assert_int_equal(t->llm[0].duration, 1500 * TV_NS_PER_MS);
	assert_string_equal(tv_kvlist_find(&t->llm[0].extra, "cache_creation_tokens"), "100");
	assert_int_equal(t->llm[1].status, TV_STATUS_ERROR);
	assert_int_equal(t->llm[1].status_code, 429);
	assert_string_equal(t->llm[1].error, "rate limited");
	assert_true(s->usage.cost_usd == 0.5);
	assert_int_equal(t->n_tools, 2);
	x = &t->tools[0];
	assert_string_equal(x->name, "Bash");
	assert_string_equal(x->decision, "accept");
	assert_int_equal(x->success, 1);
	assert_int_equal(x->duration, 400 * TV_NS_PER_MS);
	x = &t->tools[1];
	assert_string_equal(x->name, "Write");
	assert_string_equal(x->decision, "reject");
	assert_int_equal(x->success, 0);
	rf_free(&r);
}

/* the redacted prompt (OTEL_LOG_USER_PROMPTS unset) is no prompt text */
static void test_claude_code_redacted(void **state)
{
	struct rf_run r;
	struct tv_session *s;

	(void)state;
	run(&r,
	    LOGS("claude-code", "com.anthropic.claude_code.events",
		 REC("10000", "claude_code.user_prompt",
		     CC("user_prompt") "," S("prompt.id", "p1") "," S("prompt", "<REDACTED>"))));
	s = rf_session(&r, "cc-1");
	assert_int_equal(s->n_turns, 1);
	assert_null(s->turns[0].prompt);
	rf_free(&r);
}

#define CX(name) S("conversation.id", "cx-1") "," S("event.name", name) "," S("model", "gpt-5.5")

static void test_codex(void **state)
{
	struct rf_run r;
	struct tv_session *s;
	struct tv_turn *t;

	(void)state;
	run(&r,
	    LOGS("codex_cli_rs", "codex_otel",
		 CODEX_REC("10000", CX("codex.conversation_starts") "," S("provider_name", "openai")) "," CODEX_REC("10100", CX("codex.user_prompt") "," S("prompt", "Run the tests") "," S("prompt_length", "13")) "," CODEX_REC("11000", CX("codex.sse_event") "," S("event.kind", "response.created")) "," CODEX_REC(
			 "12000",
			 CX("codex.sse_event") "," S("event.kind", "response.completed") "," S("input_token_count", "12000") "," I("output_token_count", "300") "," I("cached_token_count", "8000") "," I("reasoning_token_count", "100") "," I(
				 "duration_ms",
				 "2000")) "," CODEX_REC("12100",
							CX("codex.tool_decision") "," S("tool_name", "shell") "," S("call_id", "call_1") "," S("decision", "approved_for_session") "," S(
								"source",
								"user")) "," CODEX_REC("13000",
										       CX("codex.tool_result") "," S("tool_name", "shell") "," S("call_id", "call_1") "," S("arguments", "{\\'command\\':[\\'make\\',\\'test\\']}") "," I(
											       "duration_ms",
											       "800") "," S("success",
													    "false") "," S("output",
															   "exit 2")) "," CODEX_REC("13500",
																		    CX("codex.tool_decision") "," S("tool_name", "shell") "," S(
																			    "call_id",
																			    "call_2") "," S("decision",
																					    "denied") "," S("source",
																							    "user"))));
	s = rf_session(&r, "cx-1");
	assert_string_equal(s->source_service, "codex_cli_rs");
	assert_int_equal(s->n_turns, 1);
	t = &s->turns[0];
	assert_string_equal(t->prompt, "Run the tests");
	assert_int_equal(t->n_llm, 1);
	assert_string_equal(t->llm[0].model, "gpt-5.5");
	assert_int_equal(t->llm[0].input_tokens, 12000);
	assert_int_equal(t->llm[0].cached_tokens, 8000);
	assert_int_equal(t->llm[0].thinking_tokens, 100);
	assert_int_equal(t->n_tools, 2);
	assert_string_equal(t->tools[0].decision, "accept");
	assert_int_equal(t->tools[0].success, 0);
	assert_string_equal(t->tools[0].args_json, "{\"command\":[\"make\",\"test\"]}");
	assert_string_equal(t->tools[1].decision, "reject");
	assert_int_equal(t->tools[1].success, 0);
	rf_free(&r);
}

/*
 * The GenAI semantic conventions' event per model call (gen-ai-events.md
 * v1.37: gen_ai.client.inference.operation.details with gen_ai.input.messages
 * and gen_ai.output.messages as JSON, gen_ai.usage.*, error.type), keyed by
 * gen_ai.conversation.id, from a producer with no dialect of its own.
 */
static void test_genai_operation_details(void **state)
{
	struct rf_run r;
	struct tv_session *s;
	struct tv_turn *t;

	(void)state;
	run(&r,
	    LOGS("my-app", "opentelemetry.instrumentation.genai",
		 "{'timeUnixNano':'1791447310000000000','eventName':'gen_ai.client.inference."
		 "operation.details','attributes':[" S("gen_ai.conversation.id", "conv-1") "," S("gen_ai.operation.name", "chat") "," S("gen_ai.request.model", "gpt-4.1") "," S("gen_ai.input.messages", "[{\\'role\\':\\'system\\',\\'parts\\':[{\\'type\\':\\'text\\',\\'content\\':\\'Be brief\\'}]},{\\'role\\':\\'user\\',\\'parts\\':[{\\'type\\':\\'text\\',\\'content\\':\\'Weather in Paris?\\'}]}]") "," S("gen_ai.output.messages", "[{\\'role\\':\\'assistant\\',\\'parts\\':[{\\'type\\':\\'text\\',\\'content\\':\\'Rainy, 12°C.\\'}],\\'finish_reason\\':\\'stop\\'}]") "," I(
			 "gen_ai.usage.input_tokens",
			 "120") "," I("gen_ai.usage.output_tokens",
				      "8") "]},"
					   "{'timeUnixNano':'1791447320000000000','eventName':'gen_ai.client.inference."
					   "operation.details','attributes':[" S(
						   "gen_ai.conversation.id",
						   "conv-1") "," S("gen_ai.request.model",
								   "gpt-4.1") "," S("error.type",
										    "timeout") "]}"));
	s = rf_session(&r, "conv-1");
	assert_int_equal(s->n_turns, 1);
	t = &s->turns[0];
	assert_string_equal(t->prompt, "Weather in Paris?");
	assert_string_equal(t->output, "Rainy, 12°C.");
	assert_int_equal(t->n_llm, 2);
	assert_string_equal(t->llm[0].model, "gpt-4.1");
	assert_int_equal(t->llm[0].input_tokens, 120);
	assert_int_equal(t->llm[0].status, TV_STATUS_OK);
	assert_int_equal(t->llm[1].status, TV_STATUS_ERROR);
	assert_string_equal(t->llm[1].error, "timeout");
	rf_free(&r);
}

/*
 * Claude Code's beta tracing (monitoring-usage, "Traces"): a
 * claude_code.interaction span per prompt (user_prompt), claude_code.llm_request
 * children (model, input_tokens, cache_read_tokens, cache_creation_tokens),
 * claude_code.tool children (tool_name), a sub-agent's llm_request nested
 * under the Task tool's span, and hooks that are not calls.
 */
#define SPAN(id, parent, name, start, end, attrs)                                                 \
	"{'traceId':'0af7651916cd43dd8448eb211c80319c','spanId':'" id "','parentSpanId':'" parent \
	"','name':'" name "','kind':1,'startTimeUnixNano':'17914473" start                        \
	"000000','endTimeUnixNano':'17914473" end "000000','attributes':[" attrs "]}"
#define TRACE(spans)                                                                                                 \
	"{'resourceSpans':[{'resource':{'attributes':[" S(                                                           \
		"service.name",                                                                                      \
		"claude-code") "]},"                                                                                 \
			       "'scopeSpans':[{'scope':{'name':'com.anthropic.claude_code.tracing'},'spans':[" spans \
			       "]}]}]}\n"
#define SID S("session.id", "cc-9")

static void test_claude_code_spans(void **state)
{
	struct rf_run r;
	struct tv_turn *t;

	(void)state;
	run(&r,
	    TRACE(SPAN("a000000000000001", "", "claude_code.interaction", "10000", "20000", SID "," S("user_prompt", "Fix the bug") "," I("interaction.sequence", "1")) "," SPAN(
		    "a000000000000002", "a000000000000001", "claude_code.llm_request",
		    "10100", "11000",
		    SID
		    "," S("model", "claude-opus-4-6") "," I("input_tokens", "3") "," I("output_tokens", "50") "," I("cache_read_tokens", "1000") "," I(
			    "cache_creation_tokens",
			    "7")) "," SPAN("a000000000000003", "a000000000000001",
					   "claude_code.tool", "11000", "15000",
					   SID "," S("tool_name", "Task") "," S(
						   "gen_ai.tool.call.id",
						   "toolu_9")) "," SPAN("a000000000000004",
									"a000000000000003",
									"claude_code.llm_request",
									"11500", "14000",
									SID
									"," S("model", "claude-haiku-4-5") "," I(
										"input_tokens",
										"10") "," I("output_tokens",
											    "5")) "," SPAN("a000000000000005",
													   "a000000000000001",
													   "claude_code.hook",
													   "15000",
													   "15100",
													   SID)));
	assert_int_equal(r.n, 1);
	assert_int_equal(rf_session(&r, "cc-9")->n_turns, 1);
	t = &rf_session(&r, "cc-9")->turns[0];
	assert_string_equal(t->prompt, "Fix the bug");
	assert_int_equal(t->n_llm, 2);
	assert_string_equal(t->llm[0].model, "claude-opus-4-6");
	assert_int_equal(t->llm[0].input_tokens, 1010);
	assert_int_equal(t->llm[0].cached_tokens, 1000);
	assert_int_equal(t->llm[0].output_tokens, 50);
	assert_string_equal(t->llm[1].model, "claude-haiku-4-5");
	assert_int_equal(t->n_tools, 1);
	assert_string_equal(t->tools[0].name, "Task");
	assert_string_equal(tv_kvlist_find(&t->tools[0].extra, "id"), "\"toolu_9\"");
	rf_free(&r);
}

/*
 * GenAI v1.36 per-message events (gen-ai-events.md of v1.36: gen_ai.user.message
 * body {content}, gen_ai.choice body {index, finish_reason, message{content}}),
 * keyed by the trace: the history sent again does not open turns again,
 * and no llm_call is made (the call is the span's).
 */
#define MSG(ms, name, body)                                                                        \
	"{'timeUnixNano':'17914473" ms "000000','eventName':'" name "','traceId':'0af7651916cd43d" \
	"d8448eb211c80319c','body':" body ",'attributes':[" S("gen_ai.system", "openai") "]}"
#define KV(k, v) "{'kvlistValue':{'values':[{'key':'" k "','value':" v "}]}}"
#define SV(x) "{'stringValue':'" x "'}"

static void test_genai_message_events(void **state)
{
	struct rf_run r;
	struct tv_session *s;

	(void)state;
	run(&r,
	    LOGS("my-app", "opentelemetry.instrumentation.openai",
		 MSG("10000", "gen_ai.system.message", KV("content", SV("Be brief"))) "," MSG("10001", "gen_ai.user.message", KV("content", SV("Tell me a joke"))) "," MSG(
			 "11000", "gen_ai.choice",
			 KV("message",
			    KV("content",
			       SV("Knock knock.")))) "," MSG("20000", "gen_ai.user.message",
							     KV("content",
								SV("Tell me a joke"))) "," MSG("20001",
											       "gen_ai.assistant.message",
											       KV("content",
												  SV("Knock knock."))) "," MSG("20002",
															       "gen_ai.user.message",
															       KV("content",
																  SV("Another one"))) "," MSG("21000",
																			      "gen_ai.choice",
																			      KV("message",
																				 KV("content",
																				    SV("Why did the span cross the trace?"))))));
	s = rf_session(&r, "0af7651916cd43dd8448eb211c80319c");
	assert_int_equal(s->n_turns, 2);
	assert_string_equal(s->turns[0].prompt, "Tell me a joke");
	assert_string_equal(s->turns[0].output, "Knock knock.");
	assert_string_equal(s->turns[1].prompt, "Another one");
	assert_string_equal(s->turns[1].output, "Why did the span cross the trace?");
	assert_int_equal(s->turns[0].n_llm + s->turns[1].n_llm, 0);
	rf_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_claude_code),
		cmocka_unit_test(test_claude_code_redacted),
		cmocka_unit_test(test_codex),
		cmocka_unit_test(test_genai_operation_details),
		cmocka_unit_test(test_claude_code_spans),
		cmocka_unit_test(test_genai_message_events),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
