/* SPDX-License-Identifier: MIT */
/*
 * tv_dialect: the telemetry events of each producer, as one table
 * (private to read/; docs/FORMATS.md#log-events shows the same table).
 *
 * Each coding agent writes its own OpenTelemetry log events: Gemini CLI
 * (gemini_cli.*), Qwen Code (qwen-code.*), Claude Code (claude_code.*) and
 * Codex CLI (codex.*); the GenAI semantic conventions (v1.37+) add one
 * event per model call (gen_ai.client.inference.operation.details).  A dialect names its events (what each one is for a
 * session) and, per field of the session model, the attributes that hold
 * it, first one present wins.  tv_events.c maps every dialect with the
 * same code through this table.
 */
#ifndef TV_DIALECT_H
#define TV_DIALECT_H

#include <stdbool.h>
#include <stddef.h>

/* what an event is for the session */
enum tv_ev {
	TV_EV_OTHER,	    /* kept as an event only */
	TV_EV_USER_PROMPT,  /* starts a turn */
	TV_EV_REQUEST,	    /* the request half of an llm_call */
	TV_EV_RESPONSE,	    /* the response half, or a whole call reported when it ended */
	TV_EV_ERROR,	    /* a failed llm_call */
	TV_EV_TOOL,	    /* a tool call, reported when it ended */
	TV_EV_DECISION,	    /* the user's (or config's) decision on a tool call */
	TV_EV_OUTPUT,	    /* the model's answer text */
	TV_EV_USER_MESSAGE, /* a user message in the body (GenAI v1.36 and before) */
	TV_EV_CHOICE,	    /* the model's answer in the body (GenAI v1.36 and before) */
};

/* the session model's fields an attribute can fill */
enum tv_df {
	TV_DF_TURN_ID,
	TV_DF_PROMPT,
	TV_DF_MODEL,
	TV_DF_REQUEST_TEXT,
	TV_DF_RESPONSE_TEXT,
	TV_DF_DURATION_MS,
	TV_DF_STATUS_CODE,
	TV_DF_INPUT_TOKENS,
	TV_DF_OUTPUT_TOKENS,
	TV_DF_CACHE_READ,
	TV_DF_CACHE_WRITE,
	TV_DF_THINKING_TOKENS,
	TV_DF_TOTAL_TOKENS,
	TV_DF_COST_USD,
	TV_DF_FINISH_REASON,
	TV_DF_ERROR,
	TV_DF_ERROR_TYPE,
	TV_DF_TOOL_NAME,
	TV_DF_TOOL_ARGS,
	TV_DF_TOOL_ID,
	TV_DF_SUCCESS,
	TV_DF_DECISION,
	TV_DF_TOOL_TYPE,
	TV_DF_COUNT,
};

#define TV_DIALECT_ALTS 3 /* attribute names tried per field */

struct tv_dialect_event {
	const char *suffix; /* the event name after the prefix */
	enum tv_ev ev;
	const char *when_key;	/* only when this attribute ... */
	const char *when_value; /* ... has this value (NULL: always) */
};

struct tv_dialect {
	const char *name;	   /* "gemini-cli", "claude-code", ... */
	const char *prefix;	   /* of its event names: "gemini_cli.", ... */
	const char *service;	   /* source.service when the resource names none */
	const char *session;	   /* the attribute keying its sessions */
	bool input_excludes_cache; /* input tokens do not count cache reads and writes */
	const struct tv_dialect_event *events;
	const char *attrs[TV_DF_COUNT][TV_DIALECT_ALTS];
};

/**
 * tv_dialect_event: the dialect whose prefix starts @name (@n bytes) and
 * the event's kind (TV_EV_OTHER for an event of the dialect that is not
 * session data); NULL when no dialect writes @name.  @get looks an
 * attribute's string value up (for when_key), with @udata.
 */
const struct tv_dialect *tv_dialect_event(const char *name, size_t n, enum tv_ev *ev,
					  bool (*get)(void *udata, const char *key, const char **s,
						      size_t *len),
					  void *udata);

/**
 * tv_dialect_decision: a producer's decision word as the model's (accept,
 * reject, modify, auto_accept); NULL for a word of no known meaning.
 */
const char *tv_dialect_decision(const char *s, size_t n);

#endif
