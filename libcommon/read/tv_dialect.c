// SPDX-License-Identifier: MIT
// The dialects of the coding agents' telemetry events (see tv_dialect.h).
// Sources: the OpenTelemetry GenAI semantic conventions (gen-ai-events.md,
// v1.37+); Gemini CLI docs/telemetry.md; Qwen Code the same; Claude Code
// code.claude.com/docs/en/monitoring-usage ("Events"); Codex CLI
// docs/config.md ("otel").
#include <string.h>

#include "libcommon/read/tv_dialect.h"

static const struct tv_dialect_event gemini_events[] = {
	{ "user_prompt", TV_EV_USER_PROMPT, NULL, NULL },
	{ "api_request", TV_EV_REQUEST, NULL, NULL },
	{ "api_response", TV_EV_RESPONSE, NULL, NULL },
	{ "api_error", TV_EV_ERROR, NULL, NULL },
	{ "tool_call", TV_EV_TOOL, NULL, NULL },
	{ NULL, TV_EV_OTHER, NULL, NULL },
};

/* api_request is written when a request ended, with its usage: a whole call */
static const struct tv_dialect_event claude_events[] = {
	{ "user_prompt", TV_EV_USER_PROMPT, NULL, NULL },
	{ "api_request", TV_EV_RESPONSE, NULL, NULL },
	{ "api_error", TV_EV_ERROR, NULL, NULL },
	{ "tool_result", TV_EV_TOOL, NULL, NULL },
	{ "tool_decision", TV_EV_DECISION, NULL, NULL },
	{ "assistant_response", TV_EV_OUTPUT, NULL, NULL },
	{ NULL, TV_EV_OTHER, NULL, NULL },
};

/* a model response is the sse_event that completes it; api_request is one HTTP attempt */
static const struct tv_dialect_event codex_events[] = {
	{ "user_prompt", TV_EV_USER_PROMPT, NULL, NULL },
	{ "sse_event", TV_EV_RESPONSE, "event.kind", "response.completed" },
	{ "sse_event", TV_EV_ERROR, "event.kind", "response.failed" },
	{ "websocket_event", TV_EV_RESPONSE, "event.kind", "response.completed" },
	{ "tool_result", TV_EV_TOOL, NULL, NULL },
	{ "tool_decision", TV_EV_DECISION, NULL, NULL },
	{ NULL, TV_EV_OTHER, NULL, NULL },
};

/*
 * OpenTelemetry GenAI semantic conventions v1.37+: one event per model call;
 * before (v1.36), one event per message, whose texts fill the turn (the
 * call itself is its span's).
 */
static const struct tv_dialect_event genai_events[] = {
	{ "client.inference.operation.details", TV_EV_RESPONSE, NULL, NULL },
	{ "user.message", TV_EV_USER_MESSAGE, NULL, NULL },
	{ "choice", TV_EV_CHOICE, NULL, NULL },
	{ NULL, TV_EV_OTHER, NULL, NULL },
};

#define GEMINI_ATTRS                                                                                  \
	{                                                                                             \
		[TV_DF_TURN_ID] = { "prompt_id" }, [TV_DF_PROMPT] = { "prompt" },                     \
		[TV_DF_MODEL] = { "model", "model_name" }, [TV_DF_REQUEST_TEXT] = { "request_text" }, \
		[TV_DF_RESPONSE_TEXT] = { "response_text" }, [TV_DF_DURATION_MS] = { "duration_ms" }, \
		[TV_DF_STATUS_CODE] = { "status_code", "http.status_code" },                          \
		[TV_DF_INPUT_TOKENS] = { "input_token_count" },                                       \
		[TV_DF_OUTPUT_TOKENS] = { "output_token_count" },                                     \
		[TV_DF_CACHE_READ] = { "cached_content_token_count" },                                \
		[TV_DF_THINKING_TOKENS] = { "thoughts_token_count" },                                 \
		[TV_DF_TOTAL_TOKENS] = { "total_token_count" },                                       \
		[TV_DF_FINISH_REASON] = { "finish_reasons", "finish_reason" },                        \
		[TV_DF_ERROR] = { "error.message", "error", "error_message" },                        \
		[TV_DF_ERROR_TYPE] = { "error.type", "error_type" },                                  \
		[TV_DF_TOOL_NAME] = { "function_name" }, [TV_DF_TOOL_ARGS] = { "function_args" },     \
		[TV_DF_SUCCESS] = { "success" }, [TV_DF_DECISION] = { "decision" },                   \
		[TV_DF_TOOL_TYPE] = { "tool_type" },                                                  \
	}

static const struct tv_dialect dialects[] = {
	{
		.name = "gen-ai",
		.prefix = "gen_ai.",
		.session = "gen_ai.conversation.id",
		.events = genai_events,
		.attrs = {
			[TV_DF_MODEL] = { "gen_ai.response.model", "gen_ai.request.model" },
			[TV_DF_REQUEST_TEXT] = { "gen_ai.input.messages" },
			[TV_DF_RESPONSE_TEXT] = { "gen_ai.output.messages" },
			[TV_DF_INPUT_TOKENS] = { "gen_ai.usage.input_tokens" },
			[TV_DF_OUTPUT_TOKENS] = { "gen_ai.usage.output_tokens" },
			[TV_DF_CACHE_READ] = { "gen_ai.usage.cache_read.input_tokens",
					       "gen_ai.usage.cache_read_input_tokens" },
			[TV_DF_CACHE_WRITE] = { "gen_ai.usage.cache_creation.input_tokens",
						"gen_ai.usage.cache_creation_input_tokens" },
			[TV_DF_FINISH_REASON] = { "gen_ai.response.finish_reasons" },
			[TV_DF_ERROR] = { "error.message", "error.type" },
			[TV_DF_ERROR_TYPE] = { "error.type" },
		},
	},
	{
		.name = "gemini-cli",
		.prefix = "gemini_cli.",
		.service = "gemini-cli",
		.session = "session.id",
		.events = gemini_events,
		.attrs = GEMINI_ATTRS,
	},
	{
		.name = "qwen-code",
		.prefix = "qwen-code.",
		.service = "qwen-code",
		.session = "session.id",
		.events = gemini_events,
		.attrs = GEMINI_ATTRS,
	},
	{
		.name = "claude-code",
		.prefix = "claude_code.",
		.service = "claude-code",
		.session = "session.id",
		.input_excludes_cache = true,
		.events = claude_events,
		.attrs = {
			[TV_DF_TURN_ID] = { "prompt.id" },
			[TV_DF_PROMPT] = { "prompt" },
			[TV_DF_MODEL] = { "model" },
			[TV_DF_RESPONSE_TEXT] = { "response" },
			[TV_DF_DURATION_MS] = { "duration_ms" },
			[TV_DF_STATUS_CODE] = { "status_code" },
			[TV_DF_INPUT_TOKENS] = { "input_tokens" },
			[TV_DF_OUTPUT_TOKENS] = { "output_tokens" },
			[TV_DF_CACHE_READ] = { "cache_read_tokens" },
			[TV_DF_CACHE_WRITE] = { "cache_creation_tokens" },
			[TV_DF_COST_USD] = { "cost_usd" },
			[TV_DF_ERROR] = { "error" },
			[TV_DF_TOOL_NAME] = { "tool_name" },
			[TV_DF_TOOL_ARGS] = { "tool_parameters", "tool_input" },
			[TV_DF_TOOL_ID] = { "tool_use_id" },
			[TV_DF_SUCCESS] = { "success" },
			[TV_DF_DECISION] = { "decision" },
			[TV_DF_TOOL_TYPE] = { "tool_source" },
		},
	},
	{
		.name = "codex",
		.prefix = "codex.",
		.service = "codex",
		.session = "conversation.id",
		.events = codex_events,
		.attrs = {
			[TV_DF_PROMPT] = { "prompt" },
			[TV_DF_MODEL] = { "model", "slug" },
			[TV_DF_DURATION_MS] = { "duration_ms" },
			[TV_DF_STATUS_CODE] = { "http.response.status_code" },
			[TV_DF_INPUT_TOKENS] = { "input_token_count" },
			[TV_DF_OUTPUT_TOKENS] = { "output_token_count" },
			[TV_DF_CACHE_READ] = { "cached_token_count" },
			[TV_DF_THINKING_TOKENS] = { "reasoning_token_count" },
			[TV_DF_ERROR] = { "error.message" },
			[TV_DF_TOOL_NAME] = { "tool_name" },
			[TV_DF_TOOL_ARGS] = { "arguments" },
			[TV_DF_TOOL_ID] = { "call_id" },
			[TV_DF_SUCCESS] = { "success" },
			[TV_DF_DECISION] = { "decision" },
		},
	},
};

static bool is(const char *s, size_t n, const char *lit)
{
	return strlen(lit) == n && memcmp(s, lit, n) == 0;
}

static enum tv_ev kind(const struct tv_dialect *d, const char *suffix, size_t n,
		       bool (*get)(void *, const char *, const char **, size_t *), void *udata)
{
	const char *s;
	size_t sn;

	for (const struct tv_dialect_event *e = d->events; e->suffix; e++) {
		if (!is(suffix, n, e->suffix)) {
			continue;
		}
		if (e->when_key == NULL ||
		    (get(udata, e->when_key, &s, &sn) && is(s, sn, e->when_value))) {
			return e->ev;
		}
	}
	return TV_EV_OTHER;
}

const struct tv_dialect *tv_dialect_event(const char *name, size_t n, enum tv_ev *ev,
					  bool (*get)(void *udata, const char *key, const char **s,
						      size_t *len),
					  void *udata)
{
	for (size_t i = 0; i < sizeof(dialects) / sizeof(dialects[0]); i++) {
		const struct tv_dialect *d = &dialects[i];
		size_t k = strlen(d->prefix);

		if (n > k && memcmp(name, d->prefix, k) == 0) {
			*ev = kind(d, name + k, n - k, get, udata);
			return d;
		}
	}
	*ev = TV_EV_OTHER;
	return NULL;
}

const char *tv_dialect_decision(const char *s, size_t n)
{
	static const char *const words[][2] = {
		{ "accept", "accept" },
		{ "reject", "reject" },
		{ "modify", "modify" },
		{ "auto_accept", "auto_accept" },
		{ "approved", "accept" },
		{ "approved_for_session", "accept" },
		{ "approved_execpolicy_amendment", "accept" },
		{ "denied", "reject" },
		{ "abort", "reject" },
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (is(s, n, words[i][0])) {
			return words[i][1];
		}
	}
	return NULL;
}
