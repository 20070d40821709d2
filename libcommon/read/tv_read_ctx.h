/* SPDX-License-Identifier: MIT */
/*
 * tv_read_ctx: the reader context, private to read/ (formats see it only
 * through tv_backend.h).  Its parts, from the bottom up:
 *
 *   tv_backend.c  the context, counts, reports, open sessions, emitting
 *   tv_events.c   log events -> sessions     (tv_events_apply)
 *   tv_trace.c    complete traces -> sessions (tv_trace_apply)
 *   tv_feed.c     records and spans in, the input clock, idle closing
 *   tv_reader.c   one input: open, detect, dispatch to its format
 */
#ifndef TV_READ_CTX_H
#define TV_READ_CTX_H

#include "libcommon/read/tv_backend.h"
#include "libcommon/read/tv_keyed.h"
#include "libcommon/read/tv_group.h"
#include "libcommon/read/tv_reader.h"
#include "libcommon/read/tv_spans.h"

struct tv_format_state {
	const struct tv_format *fmt;
	void *state;
};

struct tv_read_ctx {
	struct tv_read_opts o;
	struct tv_stats st;
	struct tv_group *group;
	struct tv_spans *spans;
	struct tv_json_parser *jp;
	struct tv_json_parser *jp2; /* for JSON inside values; jp may be borrowed */
	bool warned_nokey;
	const char *name;	     /* current input, for messages */
	const char *path;	     /* current input as given, for source.file */
	const struct tv_format *fmt; /* current input's format */
	int64_t clock;		     /* latest record time in the current input */
	int64_t checked;	     /* the clock at the last idle check */
	uint64_t tick;
	bool warned_evict;
	struct tv_strbuf scratch;
	struct tv_strbuf scratch2;
	struct tv_format_state *states; /* per-format state, made on first use */
	size_t n_states;
	struct tv_strbuf keyed;	 /* the map: the payload being written */
	struct tv_strbuf keybuf; /* a session key made from a trace id */
};

/** tv_read_format_name: the current input's format name ("unknown" if none). */
const char *tv_read_format_name(const struct tv_read_ctx *ctx);

/** tv_read_emit_session: finalize @s, count it and hand it to the tool.  Takes @s. */
int tv_read_emit_session(struct tv_read_ctx *ctx, struct tv_session *s);

/**
 * tv_read_map_out: hand the payload in ctx->keyed, keyed @key, to the tool
 * (the map; tv_backend.c).  0 or the tool's error.
 */
int tv_read_map_out(struct tv_read_ctx *ctx, const char *key, size_t klen);

/**
 * tv_events_key: the session key of log event @r: borrowed from @r, or (a
 * trace id, as tv_text_put_id() writes it) from @buf; false if none.
 */
bool tv_events_key(const struct tv_record *r, struct tv_strbuf *buf, const char **key, size_t *n);

/** tv_events_skip_keyless: count @r, which has no session key, as skipped (and say so once). */
void tv_events_skip_keyless(struct tv_read_ctx *ctx, const struct tv_record *r);

/** tv_events_apply: map one log event into its session (tv_events.c). */
int tv_events_apply(struct tv_read_ctx *ctx, const struct tv_record *r);

/** tv_trace_apply: map one complete trace into turns of its session (tv_trace.c). */
int tv_trace_apply(struct tv_read_ctx *ctx, const struct tv_trace *t);

/** tv_trace_key: the session key of trace @t (borrowed from it) (tv_trace.c). */
const char *tv_trace_key(const struct tv_trace *t, size_t *n);

/** tv_read_flush: end of all input: map every buffered trace, emit every open session. */
int tv_read_flush(struct tv_read_ctx *ctx);

/** tv_read_end_group: the reduce's key changed: tv_read_flush(), and a new input clock. */
int tv_read_end_group(struct tv_read_ctx *ctx);

#endif
