/* SPDX-License-Identifier: MIT */
/*
 * tv_backend: what a format reader is, and the services it may use.
 *
 * A format is one file in read/formats/ that defines one struct tv_format
 * and one row of the table in tv_format.c; this header is all it includes
 * from read/.  Its read() turns one input into source records:
 *
 *   - log events (struct tv_record) go to tv_read_record(), which maps them
 *     into sessions (read/tv_events.c);
 *   - trace spans (struct tv_span) go to tv_read_span(), which buffers them
 *     by trace and maps each complete trace (read/tv_trace.c);
 *   - a reader that builds sessions itself opens them with
 *     tv_read_open_session() or hands them over whole (tv_read_complete());
 *   - whatever is not session data is counted with tv_read_skip(), and
 *     whatever is malformed with tv_read_reject() and its line.
 *
 * The context is opaque here: readers see it only through these calls.
 * Nothing here prints; reports go to the tool's callback.
 */
#ifndef TV_BACKEND_H
#define TV_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libcommon/core/tv_error.h"
#include "libcommon/core/tv_input.h"
#include "libcommon/core/tv_strbuf.h"
#include "libcommon/json/tv_json.h"
#include "libcommon/model/tv_session.h"
#include "libcommon/model/tv_value.h"
#include "libcommon/read/tv_format.h"

struct tv_read_ctx;

/* ---- what detect() is shown ---- */

enum tv_shape {
	TV_SHAPE_SQLITE,      /* the input starts with the SQLite header */
	TV_SHAPE_JSON_LINE,   /* the first line is (the start of) a JSON value */
	TV_SHAPE_JSON_PRETTY, /* the first line is a lone "{" or "[" */
	TV_SHAPE_TEXT_LINE,   /* one of the first lines of a text input */
};

struct tv_sniff {
	enum tv_shape shape;
	const char *data; /* the input's first bytes, past a BOM and blank space */
	size_t len;
	const char *line; /* JSON_LINE: the first line; TEXT_LINE: the line asked about */
	size_t line_len;
};

/* ---- a format ---- */

struct tv_format {
	const char *name; /* the --from name */
	enum tv_layout layout;
	/** detect: true when @s looks like this format (asked in table order). */
	bool (*detect)(const struct tv_sniff *s);
	/** read: read all of @in.  0, or a negative code with @err set when the input failed. */
	int (*read)(struct tv_read_ctx *ctx, struct tv_input *in, struct tv_error *err);
	/* optional state kept across the inputs of one context (tv_read_state()) */
	void *(*state_create)(void);
	void (*state_destroy)(void *state);
};

/* ---- source records ---- */

/* One log event (Gemini/Qwen telemetry event, OTLP log record), borrowed. */
struct tv_record {
	uint64_t line;	  /* where the record starts */
	int64_t time;	  /* TV_NONE if unknown */
	const char *name; /* event name, may be NULL */
	size_t name_len;
	struct tv_val body;
	const struct tv_attr *attrs;
	size_t n_attrs;
	const struct tv_attr *res; /* resource attributes */
	size_t n_res;
	const char *trace_id; /* hex, may be NULL */
	size_t trace_id_len;
	const char *raw; /* the record as JSON text for --events, or NULL */
	size_t raw_len;
};

/* One trace span (OTLP, Jaeger, ...), borrowed; tv_read_span() copies it. */
struct tv_span {
	uint64_t line;
	const char *trace_id, *span_id, *parent_id; /* hex; parent may be NULL */
	size_t trace_id_len, span_id_len, parent_id_len;
	const char *name;
	size_t name_len;
	int64_t start, end;
	int status; /* 0 unset, 1 ok, 2 error */
	const char *status_message;
	size_t status_message_len;
	const struct tv_attr *attrs;
	size_t n_attrs;
	const struct tv_attr *res;
	size_t n_res;
	const char *raw; /* the span as JSON text for --events, or NULL */
	size_t raw_len;
};

/* ---- records into sessions (read/tv_feed.c) ---- */

/**
 * tv_read_record: map one log event into its session (counts it as read
 * and used or skipped).  Returns 0, or a negative emit/ENOMEM error that
 * must stop reading.
 */
int tv_read_record(struct tv_read_ctx *ctx, const struct tv_record *r);
/** tv_read_span: buffer one span of a trace (counts it as read and used).  0 or negative. */
int tv_read_span(struct tv_read_ctx *ctx, const struct tv_span *sp);
/** tv_read_note_time: advance the input's clock to @t and close idle sessions and traces. */
int tv_read_note_time(struct tv_read_ctx *ctx, int64_t t);

/* ---- sessions a reader builds itself (read/tv_backend.c) ---- */

/**
 * tv_read_open_session: the open session @key (created with its source
 * fields set from the current input).  @t marks activity.  Borrowed: the
 * context owns it until it is emitted.  NULL on ENOMEM.
 */
struct tv_session *tv_read_open_session(struct tv_read_ctx *ctx, const char *key, size_t n,
					int64_t t, uint64_t line);
/**
 * tv_read_complete: hand over a session a reader built whole (waza, anyclaude):
 * it is finalized, its source fields filled from the current input where
 * unset, @records counted as read and used, and emitted.  Takes @s.
 */
int tv_read_complete(struct tv_read_ctx *ctx, struct tv_session *s, uint64_t records);
/** tv_read_session: hand over a complete canonical session, counted as one record.  Takes @s. */
int tv_read_session(struct tv_read_ctx *ctx, struct tv_session *s);
/** tv_read_wants_lines: true when the tool takes canonical lines as they are. */
bool tv_read_wants_lines(const struct tv_read_ctx *ctx);
/**
 * tv_read_session_line: hand over one checked canonical line (not copied)
 * with its parsed DOM (borrowed), counted as one record and one session.
 */
int tv_read_session_line(struct tv_read_ctx *ctx, const char *line, size_t len,
			 const struct tv_jv *root);

/**
 * tv_read_nested: read the file @path as part of the current input (the
 * files a transcript's sub-agents were written to): it is opened, reports
 * name it and sessions opened meanwhile take it as their source file, its
 * bytes are counted (not as another input), and @fn reads it.  Returns
 * @fn's result, or a negative code with @err set when it cannot be opened.
 * (read/tv_backend.c)
 */
int tv_read_nested(struct tv_read_ctx *ctx, const char *path,
		   int (*fn)(void *udata, struct tv_input *in, struct tv_error *err), void *udata,
		   struct tv_error *err);

/* ---- the map of a sharded run (read/tv_backend.c) ---- */

/** tv_read_mapping: true when records become keyed lines, not sessions (tv_keyed.h). */
bool tv_read_mapping(const struct tv_read_ctx *ctx);
/**
 * tv_read_map_text: in the map, hand over the text of one record of a line
 * format (and the lines that belong to it) as session @key's, at time @t,
 * to be read again by this format in the reduce.  Counts nothing.  0 or
 * a negative emit/ENOMEM error.
 */
int tv_read_map_text(struct tv_read_ctx *ctx, const char *key, size_t klen, int64_t t,
		     uint64_t line, const char *text, size_t n);

/* ---- counting and reporting (read/tv_backend.c) ---- */

/** tv_read_reject: count a rejected record and report it.  Returns 0. */
int tv_read_reject(struct tv_read_ctx *ctx, uint64_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/** tv_read_warn: report a warning for the current input. */
void tv_read_warn(struct tv_read_ctx *ctx, uint64_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/**
 * tv_read_skip_as: count @n records read and skipped as the kind @kind
 * (@len bytes: "metrics", an event name, ...), which --stats lists.  A
 * record is used only when it went into a session; any other is skipped.
 */
void tv_read_skip_as(struct tv_read_ctx *ctx, uint64_t n, const char *kind, size_t len);
/** tv_read_skip_kind: tv_read_skip_as() of one record, the kind a C string. */
void tv_read_skip_kind(struct tv_read_ctx *ctx, const char *kind);
/** tv_read_skip: count one record skipped as "other records" (name the kind instead). */
void tv_read_skip(struct tv_read_ctx *ctx);
/** tv_read_count: count @n records read, as used (@used) or skipped as "other records". */
void tv_read_count(struct tv_read_ctx *ctx, uint64_t n, bool used);
/** tv_read_count_bytes: count @n input bytes read other than through the tv_input. */
void tv_read_count_bytes(struct tv_read_ctx *ctx, uint64_t n);

/**
 * tv_read_key_ok: can @key (@n bytes) name a session?  A session's id is
 * kept as a C string, so a key ends at its first NUL byte: one that is
 * empty or starts with a NUL names nothing (the record has no session key).
 */
bool tv_read_key_ok(const char *key, size_t n);

/* ---- what the context lends (read/tv_backend.c) ---- */

/** tv_read_parser: the context's JSON parser (borrowed). */
struct tv_json_parser *tv_read_parser(struct tv_read_ctx *ctx);
/** tv_read_parser2: a second parser, for JSON inside values (borrowed). */
struct tv_json_parser *tv_read_parser2(struct tv_read_ctx *ctx);
/** tv_read_keep_events: true when records should be kept as events. */
bool tv_read_keep_events(const struct tv_read_ctx *ctx);
/** tv_read_max_record: the record size limit in bytes. */
size_t tv_read_max_record(const struct tv_read_ctx *ctx);
/**
 * tv_read_state: the current format's state, made by its state_create() at
 * first use and freed with the context (borrowed).  NULL on ENOMEM or when
 * the format keeps none.
 */
void *tv_read_state(struct tv_read_ctx *ctx);

/**
 * tv_read_lines: hand every line of @in that is not blank to @fn with its
 * number.  A line over the record limit is rejected and skipped.  Returns
 * 0, or a negative code with @err set for a read error or a negative
 * return of @fn.
 */
int tv_read_lines(struct tv_read_ctx *ctx, struct tv_input *in,
		  int (*fn)(void *udata, const char *line, size_t n, uint64_t lineno), void *udata,
		  struct tv_error *err);

/**
 * tv_read_json_values: read every top-level JSON value of @in (framed with
 * tv_jsonseq: pretty-printed documents back to back, one per line, or
 * glued) into @buf and hand each to @fn with the line it starts on.  A bad
 * stretch (invalid framing, over the record limit) is rejected with its
 * lines and skipped.  Returns 0, or a negative code with @err set for a
 * read error or a negative return of @fn.
 */
int tv_read_json_values(struct tv_read_ctx *ctx, struct tv_input *in, struct tv_strbuf *buf,
			int (*fn)(void *udata, const char *json, size_t n, uint64_t line),
			void *udata, struct tv_error *err);

#endif
