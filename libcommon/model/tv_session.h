/* SPDX-License-Identifier: MIT */
/*
 * tv_session: the canonical session model and its JSON Lines form.
 *
 * A session owns everything below it: every char * is a NUL-terminated
 * string allocated with malloc (or NULL for JSON null) and freed by
 * tv_session_destroy().  Times are nanoseconds since the epoch and
 * durations nanoseconds, TV_NONE for null; tristates are -1 (null),
 * 0 (false), 1 (true).  Free-form values (args, metadata, events, unknown
 * members) are kept as minified JSON text.
 *
 * The schema is libcommon/model/session.schema.json; tv_session_write() emits
 * every member in schema order, so reading canonical input with
 * tv_session_from_json() and writing it again gives the same bytes.
 */
#ifndef TV_SESSION_H
#define TV_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libcommon/core/tv_error.h"
#include "libcommon/json/tv_json.h"
#include "libcommon/core/tv_strbuf.h"
#include "libcommon/core/tv_time.h"

#define TV_SCHEMA_VERSION 1

/* one "key": <JSON text> member */
struct tv_kv {
	char *key;
	char *json;
};

struct tv_kvlist {
	struct tv_kv *v;
	size_t n, cap;
};

enum tv_status {
	TV_STATUS_NONE = 0, /* null: no response seen */
	TV_STATUS_OK,
	TV_STATUS_ERROR,
	TV_STATUS_TIMEOUT,
};

struct tv_llm_call {
	int64_t time; /* start */
	char *model;
	int64_t duration;
	enum tv_status status;
	int64_t status_code;
	int64_t input_tokens, output_tokens, cached_tokens, thinking_tokens, total_tokens;
	int cache_hit;
	char *finish_reason;
	char *error;
	char *request_text;	/* written only when non-NULL */
	char *response_text;	/* written only when non-NULL */
	struct tv_kvlist extra; /* unknown members, kept for round trips */
	unsigned seen;		/* reader bookkeeping (TV_LLM_SEEN_*), never written */
};

#define TV_LLM_SEEN_REQUEST 1u
#define TV_LLM_SEEN_RESPONSE 2u
/* the output tokens already count the thinking tokens (GenAI, OpenInference) */
#define TV_LLM_THINKING_IN_OUTPUT 4u

struct tv_tool_call {
	int64_t time; /* start */
	char *name;
	char *args_json; /* JSON text: an object when the source held JSON */
	int64_t duration;
	int success;
	char *decision; /* accept | reject | modify | auto_accept */
	char *error;
	char *type; /* native | mcp */
	struct tv_kvlist extra;
};

/*
 * A sub-agent the turn's agent ran (through a tool, an A2A call, ...).  Its
 * llm_calls and tool_calls are the turn's, each marked with an "agent_id"
 * member (in its extra list) naming the sub-agent's id; its instruction is
 * what it was asked, never a prompt of the session.
 */
struct tv_agent {
	char *id;	   /* the source's id for this run (a span id) */
	char *name;	   /* gen_ai.agent.name, ... */
	char *parent_id;   /* the sub-agent that ran this one; NULL: the turn's agent did */
	char *instruction; /* what it was asked */
	char *output;	   /* what it answered */
	int64_t start_time, end_time, duration;
	int success;
	struct tv_kvlist extra;
};

struct tv_turn {
	char *id;
	char *prompt;
	char *output;
	int64_t start_time, end_time, duration;
	int success;
	struct tv_llm_call *llm;
	size_t n_llm, cap_llm;
	struct tv_tool_call *tools;
	size_t n_tools, cap_tools;
	struct tv_agent *agents; /* written only when there are some */
	size_t n_agents, cap_agents;
	struct tv_kvlist extra;
	int64_t output_at; /* reader bookkeeping: time of the output's source, never written */
};

struct tv_usage {
	int64_t input_tokens, output_tokens, cached_tokens, thinking_tokens, total_tokens;
	double cost_usd; /* NaN for null */
};

struct tv_session {
	char *id;
	char *source_format, *source_service, *source_file;
	int64_t start_time, end_time, duration;
	char *skill, *user;
	char **models;
	size_t n_models, cap_models;
	int success;
	bool has_error;
	char *error_type, *error_message;
	struct tv_usage usage;
	struct tv_kvlist metadata;
	struct tv_turn *turns;
	size_t n_turns, cap_turns;
	char **events; /* JSON texts, in source order */
	size_t n_events, cap_events;
	struct tv_kvlist extra; /* unknown top-level members (sampling, redaction, ...) */
};

/** tv_session_create: an empty session with every field null.  Free with tv_session_destroy(). */
struct tv_session *tv_session_create(void);
/** tv_session_destroy: free @s and all it owns; @s may be NULL. */
void tv_session_destroy(struct tv_session *s);

/** tv_session_add_turn: append a null turn.  Returns it (owned by @s) or NULL on ENOMEM. */
struct tv_turn *tv_session_add_turn(struct tv_session *s);
/** tv_turn_add_llm: append a null llm_call to @t.  NULL on ENOMEM. */
struct tv_llm_call *tv_turn_add_llm(struct tv_turn *t);
/** tv_turn_add_tool: append a null tool_call to @t.  NULL on ENOMEM. */
struct tv_tool_call *tv_turn_add_tool(struct tv_turn *t);
/**
 * tv_turn_merge_llm: llm_calls[@from] is the same call as llm_calls[@into]
 * seen by another span (a framework's span around the client library's):
 * it completes what @into lacks (model, tokens, texts, ...), makes its
 * status an error if it was one, and is removed.  @from > @into.
 */
void tv_turn_merge_llm(struct tv_turn *t, size_t into, size_t from);
/** tv_turn_add_agent: append a null sub-agent to @t.  NULL on ENOMEM. */
struct tv_agent *tv_turn_add_agent(struct tv_turn *t);
/** tv_kvlist_set_str: set @key to the JSON string of @s (@n bytes, copied).  0 or -ENOMEM. */
int tv_kvlist_set_str(struct tv_kvlist *l, const char *key, const char *s, size_t n);
/** tv_session_add_model: add @model (copied) to models[] unless present. 0 or -ENOMEM. */
int tv_session_add_model(struct tv_session *s, const char *model, size_t n);
/** tv_session_add_event: append a copy of the JSON text @json.  0 or -ENOMEM. */
int tv_session_add_event(struct tv_session *s, const char *json, size_t n);

/** tv_kvlist_set: set @key to the JSON text @json (both copied); replaces an existing key. */
int tv_kvlist_set(struct tv_kvlist *l, const char *key, size_t klen, const char *json, size_t jlen);
/** tv_kvlist_set_str: set @key to the JSON string of @s/@n (copied).  0 or -ENOMEM. */
int tv_kvlist_set_str(struct tv_kvlist *l, const char *key, const char *s, size_t n);
/** tv_kvlist_set_int: set @key to the JSON number @v.  0 or -ENOMEM. */
int tv_kvlist_set_int(struct tv_kvlist *l, const char *key, int64_t v);
/** tv_kvlist_find: the JSON text of @key (borrowed), or NULL. */
const char *tv_kvlist_find(const struct tv_kvlist *l, const char *key);
void tv_kvlist_finish(struct tv_kvlist *l);

/** tv_set_str: replace *@dst with a copy of @s/@n (freeing the old one).  0 or -ENOMEM. */
int tv_set_str(char **dst, const char *s, size_t n);

/**
 * tv_session_finalize: derive the summary fields from the turns: start/end
 * times and durations where unset, turn success, session success and error,
 * usage totals, sorted models[]; turns, llm_calls and tool_calls are put in
 * time order (stable), so the result does not depend on the order records
 * arrived in.  Readers call it once before emitting.  Returns 0, or
 * -ENOMEM when memory ran out on the way (the session is then incomplete:
 * the caller fails, it does not write it).
 */
int tv_session_finalize(struct tv_session *s);

/**
 * tv_session_write: append @s as one JSON line (with '\n') to @out.
 * Returns 0 or -ENOMEM.
 */
int tv_session_write(const struct tv_session *s, struct tv_strbuf *out);

/**
 * tv_session_from_json: build a session from a parsed canonical object.
 * Returns 0 and sets *@out (caller frees), or -TV_EPARSE/-TV_ETYPE with
 * @why set to a static message, or -ENOMEM.
 */
int tv_session_from_json(const struct tv_jv *root, struct tv_session **out, const char **why);

/**
 * tv_session_check_json: the checks of tv_session_from_json() without
 * building anything: 0 if @root is a canonical session with every member
 * the schema requires, 1 if it is one but lacks some (read it with
 * tv_session_from_json(), which writes them all, rather than passing it on
 * as it is), else -TV_ETYPE with @why set.  Cheap enough to validate lines
 * that are passed through as is.
 */
int tv_session_check_json(const struct tv_jv *root, const char **why);

#endif
