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
	bool warned_range; /* a duration too long for int64 nanoseconds */
	struct tv_strbuf scratch;
	struct tv_strbuf scratch2;
	struct tv_format_state *states; /* per-format state, made on first use */
	size_t n_states;
};

/** tv_read_format_name: the current input's format name ("unknown" if none). */
const char *tv_read_format_name(const struct tv_read_ctx *ctx);

/**
 * tv_read_unuse: @n records counted as used turned out not to go into a
 * session (a second copy of a span): count them as skipped, as @kind.
 */
void tv_read_unuse(struct tv_read_ctx *ctx, uint64_t n, const char *kind);

/** tv_read_emit_session: finalize @s, count it and hand it to the tool.  Takes @s. */
int tv_read_emit_session(struct tv_read_ctx *ctx, struct tv_session *s);

/** tv_events_apply: map one log event into its session (tv_events.c). */
int tv_events_apply(struct tv_read_ctx *ctx, const struct tv_record *r);

/** tv_trace_apply: map one complete trace into turns of its session (tv_trace.c). */
int tv_trace_apply(struct tv_read_ctx *ctx, const struct tv_trace *t);

/**
 * tv_read_note_splits: at the end, one warning counting the sessions split
 * into parts when there were more than the few named as they happened.
 */
void tv_read_note_splits(struct tv_read_ctx *ctx);

/** tv_read_flush: end of all input: map every buffered trace, emit every open session. */
int tv_read_flush(struct tv_read_ctx *ctx);

#endif
