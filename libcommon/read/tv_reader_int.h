/* SPDX-License-Identifier: MIT */
/* Internal to the readers: the context and the shared mappers. */
#ifndef TV_READER_INT_H
#define TV_READER_INT_H

#include "libcommon/read/tv_group.h"
#include "libcommon/read/tv_reader.h"
#include "libcommon/read/tv_spans.h"

struct tv_anyclaude_seen;

struct tv_read_ctx {
	struct tv_read_opts o;
	struct tv_stats st;
	struct tv_group *group;
	struct tv_spans *spans;
	struct tv_json_parser *jp;
	struct tv_json_parser *jp2;	/* for JSON inside values; jp may be borrowed */
	bool warned_nokey;
	const char *name;	/* current input, for messages */
	const char *path;	/* current input as given, for source.file */
	enum tv_format fmt;	/* current input's format */
	int64_t clock;		/* latest record time in the current input */
	int64_t checked;	/* the clock at the last idle check */
	uint64_t tick;
	bool warned_evict;
	struct tv_strbuf scratch;
	struct tv_strbuf scratch2;
	struct tv_anyclaude_seen *anyclaude;	/* anyclaude sessions read, for cross-checks */
};

/**
 * tv_read_open_session: the open session @key (created with source fields
 * set from the current input).  @t marks activity.  NULL on ENOMEM.
 */
struct tv_session *tv_read_open_session(struct tv_read_ctx *ctx, const char *key, size_t n,
					int64_t t, uint64_t line);

/** tv_read_note_time: advance the input clock and close idle sessions/traces. */
int tv_read_note_time(struct tv_read_ctx *ctx, int64_t t);

/** tv_gemini_apply: map one Gemini/Qwen (or generic) log event into its session. */
int tv_gemini_apply(struct tv_read_ctx *ctx, const struct tv_record *r);

/** tv_anyclaude_seen_free: the anyclaude reader's session map (tv_read_anyclaude.c); NULL ok. */
void tv_anyclaude_seen_free(struct tv_anyclaude_seen *m);

/** tv_trace_apply: map one complete trace into turns of its session; takes nothing. */
int tv_trace_apply(struct tv_read_ctx *ctx, const struct tv_trace *t);

#endif
