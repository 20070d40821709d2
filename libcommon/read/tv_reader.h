/* SPDX-License-Identifier: MIT */
/*
 * tv_reader: turning input files of any format into canonical sessions.
 *
 * A tool creates one struct tv_read_ctx, calls tv_read_file() for each input
 * and tv_read_finish() at the end.  Readers decode source records into
 * struct tv_record (log events) or struct tv_span (trace spans); the shared
 * mappers in this module turn those into sessions, grouped by session key
 * in memory bounded by the sessions still open (see tv_group.h).  Finished
 * sessions go to the tool's emit callback, which takes ownership.
 *
 * Nothing is printed: bad records go to the report callback with file:line
 * and are counted in struct tv_stats.
 */
#ifndef TV_READER_H
#define TV_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libcommon/core/tv_error.h"
#include "libcommon/read/tv_format.h"
#include "libcommon/core/tv_input.h"
#include "libcommon/json/tv_json.h"
#include "libcommon/model/tv_session.h"
#include "libcommon/core/tv_strbuf.h"

struct tv_group;
struct tv_spans;

/* Counts that add up: records_read == used + skipped + rejected. */
struct tv_stats {
	uint64_t files;
	uint64_t bytes;
	uint64_t records_read;		/* source records: log records, spans, lines, objects */
	uint64_t records_used;		/* went into a session */
	uint64_t records_skipped;	/* not session data (metrics, collector's own log lines) */
	uint64_t records_rejected;	/* malformed: reported with file:line */
	uint64_t sessions;		/* sessions emitted */
	uint64_t late_records;		/* records for a session already emitted (subset of used) */
};

enum tv_report_level {
	TV_REPORT_REJECT,	/* a record was rejected (already counted) */
	TV_REPORT_WARN,		/* something worth knowing; nothing lost */
};

/* A typed attribute value; strings are borrowed from the reader's buffers. */
enum tv_vtype {
	TV_V_NONE = 0,	/* absent or empty */
	TV_V_STR,
	TV_V_INT,
	TV_V_DOUBLE,
	TV_V_BOOL,
	TV_V_JSON,	/* an array or map, as JSON text in s/n */
};

struct tv_val {
	enum tv_vtype type;
	const char *s;
	size_t n;
	int64_t i;
	double d;
	bool b;
};

struct tv_attr {
	const char *key;
	size_t klen;
	struct tv_val v;
};

/* A growable array of borrowed attributes; the array itself is owned. */
struct tv_attrs {
	struct tv_attr *v;
	size_t n, cap;
};

int tv_attrs_push(struct tv_attrs *a, const char *key, size_t klen, const struct tv_val *v);
void tv_attrs_reset(struct tv_attrs *a);
void tv_attrs_finish(struct tv_attrs *a);
/** tv_attrs_find: the attribute named @key (NUL-terminated), or NULL. */
const struct tv_attr *tv_attrs_find(const struct tv_attr *v, size_t n, const char *key);

/* One log event (Gemini/Qwen telemetry event, OTLP log record), borrowed. */
struct tv_record {
	uint64_t line;			/* where the record starts */
	int64_t time;			/* TV_NONE if unknown */
	const char *name;		/* event name, may be NULL */
	size_t name_len;
	struct tv_val body;
	const struct tv_attr *attrs;
	size_t n_attrs;
	const struct tv_attr *res;	/* resource attributes */
	size_t n_res;
	const char *trace_id;		/* hex, may be NULL */
	size_t trace_id_len;
	const char *raw;		/* the record as JSON text for --events, or NULL */
	size_t raw_len;
};

/* One trace span (OTLP, Jaeger, ...), borrowed; tv_spans_add() copies it. */
struct tv_span {
	uint64_t line;
	const char *trace_id, *span_id, *parent_id;	/* hex; parent may be NULL */
	size_t trace_id_len, span_id_len, parent_id_len;
	const char *name;
	size_t name_len;
	int64_t start, end;
	int status;			/* 0 unset, 1 ok, 2 error */
	const char *status_message;
	size_t status_message_len;
	const struct tv_attr *attrs;
	size_t n_attrs;
	const struct tv_attr *res;
	size_t n_res;
	const char *raw;		/* the span as JSON text for --events, or NULL */
	size_t raw_len;
};

typedef int (*tv_emit_fn)(void *udata, struct tv_session *s);
typedef void (*tv_report_fn)(void *udata, enum tv_report_level level, const char *file,
			     uint64_t line, const char *msg);

struct tv_read_opts {
	bool keep_events;	/* fill session.events with the source records */
	int64_t gap;		/* close a session idle this long (ns); <= 0: only at the end */
	size_t max_record;	/* largest record in bytes; 0 = default */
	size_t max_open;	/* most sessions held open at once; 0 = default */
	tv_emit_fn emit;	/* takes ownership of each session */
	/*
	 * Optional: canonical input is checked (tv_session_check_json) and each
	 * line handed here as it is, with its parsed DOM (borrowed, valid during
	 * the call), instead of being built into a session for emit.
	 */
	int (*emit_line)(void *udata, const char *line, size_t len, const struct tv_jv *root);
	tv_report_fn report;
	void *udata;		/* passed to emit, and to report unless report_udata is set */
	void *report_udata;
};

struct tv_read_ctx;

/** tv_read_ctx_create: a reader context (copies @opts).  Free with tv_read_ctx_destroy(). */
struct tv_read_ctx *tv_read_ctx_create(const struct tv_read_opts *opts);
/** tv_read_ctx_destroy: frees open sessions without emitting them; @ctx may be NULL. */
void tv_read_ctx_destroy(struct tv_read_ctx *ctx);
/** tv_read_stats: the counts so far (borrowed). */
const struct tv_stats *tv_read_stats(const struct tv_read_ctx *ctx);

/**
 * tv_read_file: read one input (@path, "-" for stdin) in format @fmt, or
 * auto-detected when TV_FMT_UNKNOWN.  Bad records are reported and
 * counted, not returned.  Returns 0, or a negative code with @err set when
 * the whole input failed (cannot open, unknown format, read error) or the
 * emit callback failed.
 */
int tv_read_file(struct tv_read_ctx *ctx, const char *path, enum tv_format fmt,
		 struct tv_error *err);

/** tv_read_finish: end of all inputs: emit every open session.  0 or the emit error. */
int tv_read_finish(struct tv_read_ctx *ctx, struct tv_error *err);

/* ---- for the readers (tv_read_*.c) ---- */

/** tv_read_reject: count a rejected record and report it.  Returns 0. */
int tv_read_reject(struct tv_read_ctx *ctx, uint64_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/** tv_read_warn: report a warning for the current input. */
void tv_read_warn(struct tv_read_ctx *ctx, uint64_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/** tv_read_skip: count a record that is not session data. */
void tv_read_skip(struct tv_read_ctx *ctx);
/** tv_read_parser: the context's JSON parser (borrowed). */
struct tv_json_parser *tv_read_parser(struct tv_read_ctx *ctx);
/** tv_read_keep_events: true when records should be kept as events. */
bool tv_read_keep_events(const struct tv_read_ctx *ctx);
/** tv_read_max_record: the record size limit in bytes. */
size_t tv_read_max_record(const struct tv_read_ctx *ctx);

/**
 * tv_read_record: map one log event into its session (counts it as read
 * and used or skipped).  Returns 0, or a negative emit/ENOMEM error that
 * must stop reading.
 */
int tv_read_record(struct tv_read_ctx *ctx, const struct tv_record *r);
/** tv_read_span: buffer one span of a trace (counts it as read).  0 or negative. */
int tv_read_span(struct tv_read_ctx *ctx, const struct tv_span *sp);
/** tv_read_session: hand over a complete session (canonical input).  Takes @s. */
int tv_read_session(struct tv_read_ctx *ctx, struct tv_session *s);

/* The format readers: each reads all of @in.  Return 0 or a fatal negative code. */
int tv_read_canonical(struct tv_read_ctx *ctx, struct tv_input *in, struct tv_error *err);
int tv_read_collector_log(struct tv_read_ctx *ctx, struct tv_input *in, struct tv_error *err);
int tv_read_outfile(struct tv_read_ctx *ctx, struct tv_input *in, struct tv_error *err);
int tv_read_otlp(struct tv_read_ctx *ctx, struct tv_input *in, struct tv_error *err);
int tv_read_jaeger(struct tv_read_ctx *ctx, struct tv_input *in, struct tv_error *err);
int tv_read_llama_stack(struct tv_read_ctx *ctx, struct tv_input *in, struct tv_error *err);
int tv_read_anyclaude(struct tv_read_ctx *ctx, struct tv_input *in, struct tv_error *err);
int tv_read_waza(struct tv_read_ctx *ctx, struct tv_input *in, struct tv_error *err);
int tv_read_pylog(struct tv_read_ctx *ctx, struct tv_input *in, struct tv_error *err);

/**
 * tv_read_complete: hand over a session a reader built whole (waza, anyclaude):
 * it is finalized, its source fields filled from the current input where
 * unset, @records counted as read and used, and emitted.  Takes @s.
 */
int tv_read_complete(struct tv_read_ctx *ctx, struct tv_session *s, uint64_t records);

/**
 * tv_val_to_json: append @v as JSON (strings quoted and escaped, TV_V_JSON
 * copied as is, TV_V_NONE as null).  0 or -ENOMEM.
 */
int tv_val_to_json(const struct tv_val *v, struct tv_strbuf *out);
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

/**
 * tv_val_from_jv: a parsed JSON value as a struct tv_val: strings borrowed
 * from the parser, numbers and bools by value, null as TV_V_NONE; an array
 * or object is minified onto @json and, since @json may move as it grows,
 * recorded as its offset (v.i) with v.s NULL until tv_val_fix().
 * Returns 0 or -ENOMEM.
 */
int tv_val_from_jv(const struct tv_jv *v, struct tv_strbuf *json, struct tv_val *out);
/** tv_val_fix: point a TV_V_JSON value made by tv_val_from_jv() into @json (now final). */
void tv_val_fix(struct tv_val *v, const struct tv_strbuf *json);
/** tv_attrs_fix: tv_val_fix() on every attribute of @a. */
void tv_attrs_fix(struct tv_attrs *a, const struct tv_strbuf *json);

/** tv_val_int: @v as an integer (ints, integral doubles, decimal strings). */
bool tv_val_int(const struct tv_val *v, int64_t *out);
/** tv_val_bool: @v as a bool (bools, "true"/"false" strings). */
bool tv_val_bool(const struct tv_val *v, bool *out);

#endif
