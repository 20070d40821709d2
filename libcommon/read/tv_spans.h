/* SPDX-License-Identifier: MIT */
/*
 * tv_spans: spans buffered by trace until the trace is complete.
 *
 * A trace is complete when it has been idle longer than the gap (on the
 * spans' own clock) or at the end of input.  The buffer owns copies of
 * every span; a struct tv_trace handed to the callback is borrowed and
 * freed after the callback returns.
 */
#ifndef TV_SPANS_H
#define TV_SPANS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libcommon/read/tv_backend.h"

/* an owned copy of a struct tv_span; attribute strings are owned too */
struct tv_ospan {
	uint64_t line;
	uint64_t seq; /* arrival order within its trace */
	char *trace_id, *span_id, *parent_id;
	char *name;
	int64_t start, end;
	int status;
	char *status_message;
	struct tv_attr *attrs; /* key and string values owned */
	size_t n_attrs;
	struct tv_attr *res;
	size_t n_res;
	char *raw;		     /* event JSON, or NULL */
	char *file;		     /* input path the span came from */
	const struct tv_format *fmt; /* the input's format (static) */
};

struct tv_trace {
	const char *trace_id;
	struct tv_ospan *spans; /* in arrival order */
	size_t n;
};

struct tv_spans;

typedef int (*tv_trace_fn)(void *udata, const struct tv_trace *t);

struct tv_spans *tv_spans_create(void);
/** tv_spans_destroy: frees buffered spans; @b may be NULL. */
void tv_spans_destroy(struct tv_spans *b);
/**
 * tv_spans_add: copy @sp into its trace.  @file/@fmt label its origin
 * (@file copied, @fmt static).  Returns 0 or -ENOMEM.
 */
int tv_spans_add(struct tv_spans *b, const struct tv_span *sp, const char *file,
		 const struct tv_format *fmt, bool keep_raw);
/** tv_spans_count: traces buffered. */
size_t tv_spans_count(const struct tv_spans *b);
/**
 * tv_spans_busy: true if a buffered trace belongs to session @key (by its
 * gen_ai.conversation.id, session.id or trace id, as far as seen so far).
 */
bool tv_spans_busy(const struct tv_spans *b, const char *key);
/** tv_spans_expire: hand over traces whose latest span ended before @cutoff. */
int tv_spans_expire(struct tv_spans *b, int64_t cutoff, tv_trace_fn fn, void *udata);
/** tv_spans_flush: hand over every trace, in order of first arrival. */
int tv_spans_flush(struct tv_spans *b, tv_trace_fn fn, void *udata);

#endif
