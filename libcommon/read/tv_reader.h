/* SPDX-License-Identifier: MIT */
/*
 * tv_reader: turning input files of any format into canonical sessions.
 *
 * A tool creates one struct tv_read_ctx, calls tv_read_file() for each input
 * and tv_read_finish() at the end.  The format of each input is named or
 * detected (tv_format.h); its reader (read/formats/) turns the bytes into
 * source records, and the mappers of read/ turn those into sessions,
 * grouped by session key in memory bounded by the sessions still open (see
 * tv_group.h).  Finished sessions go to the tool's emit callback, which
 * takes ownership.
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
#include "libcommon/json/tv_json.h"
#include "libcommon/model/tv_session.h"
#include "libcommon/read/tv_format.h"

/* How many skipped records were of one kind ("metrics", an event name, ...). */
#define TV_SKIP_KINDS 24
#define TV_SKIP_KIND_MAX 64 /* bytes of a kind's name kept, with its NUL */
struct tv_skip_kind {
	char name[TV_SKIP_KIND_MAX];
	uint64_t n;
};

/*
 * Counts that add up: records_read == used + skipped + rejected, and the
 * skipped records are the sum over skip[] (the kinds in the order first
 * seen; once TV_SKIP_KINDS are taken, further kinds count in the last, "other kinds").
 */
struct tv_stats {
	uint64_t files;
	uint64_t bytes;
	uint64_t records_read;	   /* source records: log records, spans, lines, objects */
	uint64_t records_used;	   /* went into a session */
	uint64_t records_skipped;  /* not session data (metrics, collector's own log lines) */
	uint64_t records_rejected; /* malformed: reported with file:line */
	uint64_t sessions;	   /* sessions emitted */
	uint64_t late_records; /* sessions reopened after being emitted: parts beyond the first */
	struct tv_skip_kind skip[TV_SKIP_KINDS];
	size_t n_skip_kinds;
};

enum tv_report_level {
	TV_REPORT_REJECT, /* a record was rejected (already counted) */
	TV_REPORT_WARN,	  /* something worth knowing; nothing lost */
};

typedef int (*tv_emit_fn)(void *udata, struct tv_session *s);
typedef void (*tv_report_fn)(void *udata, enum tv_report_level level, const char *file,
			     uint64_t line, const char *msg);

struct tv_read_opts {
	bool keep_events;  /* fill session.events with the source records */
	int64_t gap;	   /* close a session idle this long (ns); <= 0: only at the end */
	size_t max_record; /* largest record in bytes; 0 = default */
	size_t max_open;   /* most sessions held open at once; 0 = default */
	tv_emit_fn emit;   /* takes ownership of each session */
	/*
	 * Optional: canonical input is checked (tv_session_check_json) and each
	 * line handed here as it is, with its parsed DOM (borrowed, valid during
	 * the call), instead of being built into a session for emit.
	 */
	int (*emit_line)(void *udata, const char *line, size_t len, const struct tv_jv *root);
	/*
	 * Optional: the map of a sharded run (televal-filter --emit-keyed).
	 * When set, records are not built into sessions: each is handed here
	 * as a keyed line's key and payload (borrowed, valid during the call;
	 * see tv_keyed.h), and emit and emit_line are not called.
	 */
	int (*emit_keyed)(void *udata, const char *key, size_t klen, const char *payload, size_t n);
	tv_report_fn report;
	void *udata; /* passed to emit, and to report unless report_udata is set */
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
 * detected when @fmt is NULL.  Bad records are reported and counted, not
 * returned.  Returns 0, or a negative code with @err set when the whole
 * input failed (cannot open, unknown format, read error) or the emit
 * callback failed.
 */
int tv_read_file(struct tv_read_ctx *ctx, const char *path, const struct tv_format *fmt,
		 struct tv_error *err);

/**
 * tv_read_keyed: the reduce of a sharded run: read @path ("-" for stdin),
 * keyed lines sorted by key (tv_keyed.h), and build each key's sessions
 * from its records, closing them when the key changes, so memory holds
 * one key at a time.  Bad lines are reported and counted.  Returns 0, or a
 * negative code with @err set when the whole input failed or emit failed.
 */
int tv_read_keyed(struct tv_read_ctx *ctx, const char *path, struct tv_error *err);

/** tv_read_finish: end of all inputs: emit every open session.  0 or the emit error. */
int tv_read_finish(struct tv_read_ctx *ctx, struct tv_error *err);

#endif
