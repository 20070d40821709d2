/* SPDX-License-Identifier: MIT */
/*
 * reader_fixture: the harness of the reader unit tests.
 *
 * A struct rf_run holds what one read produced: the sessions the emit
 * callback was given, the reports, the counts and the result.  Fill it by
 * reading a file or a string in some format (rf_run_file, rf_run_data), or
 * by feeding hand-built records to a context of its own (rf_start, then
 * tv_read_record() or tv_read_span() on r->ctx, then rf_finish); then look
 * sessions and reports up, and free it with rf_free().  A case that may
 * crash runs in a child process (rf_fork, rf_wait).
 *
 * Every read checks that the counts add up (rf_check_counts).  The rf_
 * functions fail the running cmocka test when something goes wrong, so
 * they are for test code only.  tests/meson.build links reader_fixture.c
 * into every unit test.
 */
#ifndef TV_READER_FIXTURE_H
#define TV_READER_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "libcommon/core/tv_error.h"
#include "libcommon/read/tv_format.h"
#include "libcommon/read/tv_backend.h"
#include "libcommon/read/tv_reader.h"
#include "libcommon/model/tv_session.h"

#define RF_MAX_MSGS 64	  /* reports kept per run; later ones are only counted */
#define RF_ANY_LEVEL (-1) /* for rf_find_msg() and rf_count_msgs(): any level */

/* One report of the reader, copied. */
struct rf_msg {
	enum tv_report_level level;
	uint64_t line;
	char file[256]; /* the input as reported ("" for none), cut to fit */
	char text[512]; /* the message, cut to fit */
};

/*
 * What one read produced.  Everything in it is owned by it: free it with
 * rf_free(), which leaves it zeroed and ready for the next read.
 */
struct rf_run {
	struct tv_session **s; /* the emitted sessions, in order */
	size_t n, cap;
	struct rf_msg msgs[RF_MAX_MSGS]; /* the first reports, in order */
	size_t n_msgs;
	size_t n_reports;	 /* every report, kept in msgs or not */
	struct tv_stats st;	 /* the counts when the read ended */
	struct tv_error err;	 /* why, when ret < 0 */
	int ret;		 /* tv_read_file(), then tv_read_finish(): 0 or < 0 */
	char path[64];		 /* rf_run_data(): the temporary file read (removed) */
	struct tv_read_ctx *ctx; /* rf_start(): the context fed by hand */
	uint64_t line;		 /* rf_start(): the test's line numbers for what it feeds */
};

/* The reader options a test may set; zero means the default (see struct tv_read_opts). */
struct rf_opts {
	size_t max_record;
	bool keep_events;
	int64_t gap;
	size_t max_open;
};

/* ---- cmocka state ---- */

/** rf_setup: a setup function: *@state = a zeroed struct rf_run.  Returns 0 or -1. */
int rf_setup(void **state);
/** rf_teardown: the matching teardown: rf_free() and free() the run.  Returns 0. */
int rf_teardown(void **state);

/* ---- reading ---- */

/**
 * rf_run_paths: read the inputs @paths (@n of them, "-" for stdin) in format
 * @fmt (NULL: detect) into @r, in one context with the options @o
 * (NULL: the defaults), then tv_read_finish().  @r is overwritten, not freed:
 * rf_free() an earlier result first.  Stops at the first input that fails;
 * r->ret and r->err tell.  Checks that the counts add up.
 */
void rf_run_paths(struct rf_run *r, const char *const *paths, size_t n, const struct tv_format *fmt,
		  const struct rf_opts *o);
/** rf_run_file: rf_run_paths() of one input with @max_record and @keep_events. */
void rf_run_file(struct rf_run *r, const char *path, const struct tv_format *fmt, size_t max_record,
		 bool keep_events);
/**
 * rf_run_data: rf_run_file() of a temporary file holding the @len bytes of
 * @data; the file is removed again (its name stays in r->path).
 */
void rf_run_data(struct rf_run *r, const char *data, size_t len, const struct tv_format *fmt,
		 size_t max_record, bool keep_events);
/** rf_run_q: rf_run_data() of the string @q written with ' for " (see rf_unq()). */
void rf_run_q(struct rf_run *r, const char *q, const struct tv_format *fmt, size_t max_record,
	      bool keep_events);

/**
 * rf_ctx: a new reader context with the options @o (NULL: the defaults)
 * that hands its sessions and reports to @r.  For tests that drive the
 * context themselves; destroy it with tv_read_ctx_destroy().
 */
struct tv_read_ctx *rf_ctx(struct rf_run *r, const struct rf_opts *o);

/**
 * rf_start: open r->ctx (@gap, @keep_events) for records or spans fed by
 * hand with tv_read_record()/tv_read_span().  @r must be zeroed.
 *
 * Those calls take strlen() of the current input path, which is NULL
 * outside tv_read_file() (see test_records_outside_read_file in
 * test_gemini.c and test_spans_outside_read_file in test_spans.c).
 * Finishing the empty context first leaves the path set to "", so the
 * mappings can be tested until that is fixed.
 */
void rf_start(struct rf_run *r, int64_t gap, bool keep_events);
/**
 * rf_finish: the end of input for r->ctx: tv_read_finish() must succeed,
 * the counts are copied and must add up, and every session counted as
 * emitted must be in @r.
 */
void rf_finish(struct rf_run *r);

/** rf_free: destroy the sessions and the context of @r and zero it. */
void rf_free(struct rf_run *r);

/* ---- cases that may crash ---- */

/**
 * rf_fork: fork() for a case that may crash, so that a crash fails that
 * test only.  In the child (0 returned) a crash signal ends the process
 * instead of returning into cmocka's runner; the child ends with _exit(0)
 * when all went well, _exit(1) otherwise.  Returns the child's pid to the
 * parent, for rf_wait().
 */
pid_t rf_fork(void);
/**
 * rf_wait: wait for the child @pid of rf_fork(); the test fails, naming the
 * case with the printf-style @fmt, unless the child exited with 0.
 */
void rf_wait(pid_t pid, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- checking ---- */

/** rf_check_counts: records_read == records_used + records_skipped + records_rejected. */
void rf_check_counts(const struct rf_run *r);
/** rf_check_sessions: the sessions counted as emitted are the ones @r holds. */
void rf_check_sessions(const struct rf_run *r);

/** rf_find_session: the first session of @r with id @id (borrowed), or NULL. */
struct tv_session *rf_find_session(const struct rf_run *r, const char *id);
/** rf_session: rf_find_session(), failing the test when there is none. */
struct tv_session *rf_session(const struct rf_run *r, const char *id);

/**
 * rf_find_msg: the first report of @level (RF_ANY_LEVEL: any) whose text
 * contains @text (NULL: any text), or NULL.
 */
const struct rf_msg *rf_find_msg(const struct rf_run *r, int level, const char *text);
/** rf_count_msgs: how many reports rf_find_msg() would choose from. */
size_t rf_count_msgs(const struct rf_run *r, int level, const char *text);
/** rf_has_msg: true when a report at @line contains @text. */
bool rf_has_msg(const struct rf_run *r, uint64_t line, const char *text);
/** rf_assert_msg: rf_has_msg(), else the test fails after listing the reports. */
void rf_assert_msg(const struct rf_run *r, uint64_t line, const char *text);
/** rf_msg_at: the first report at @line (borrowed); the test fails when there is none. */
const struct rf_msg *rf_msg_at(const struct rf_run *r, uint64_t line);

/* ---- fixtures ---- */

/** rf_fmt: the format named @name; the test fails when there is none. */
const struct tv_format *rf_fmt(const char *name);

/** rf_basename: the part of @path after its last '/' (borrowed from @path). */
const char *rf_basename(const char *path);
/** rf_ts: the ISO 8601 time @iso in ns; the test fails when it does not parse. */
int64_t rf_ts(const char *iso);
/**
 * rf_unq: @q with every ' turned into ", the fixtures' notation for JSON.
 * Returns: newly allocated; free with free().
 */
char *rf_unq(const char *q);
/** rf_put: write rf_unq(@q) to the file @path; the test fails when it cannot. */
void rf_put(const char *path, const char *q);
/**
 * rf_pretty: JSON text (one value, or several one per line) indented as
 * JSON.stringify(v, null, 2) does.  Returns: newly allocated; free with free().
 */
char *rf_pretty(const char *json);
/**
 * rf_session_text: @s as its canonical JSON line, without source_file (the
 * input path, which differs per run).  Returns: newly allocated; free().
 */
char *rf_session_text(struct tv_session *s);
/**
 * rf_reference: the path of $TV_SHARED/reference/@rel, or NULL (after saying
 * why) when TV_SHARED is not set or the file is not there: skip the test.
 * Returns: newly allocated; free with free().
 */
char *rf_reference(const char *rel);

#endif
