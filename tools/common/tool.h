/* SPDX-License-Identifier: MIT */
/*
 * tool: what every televal tool shares: its name in messages, messages on
 * stderr, the output stream with write-error checks, and --stats lines.
 */
#ifndef TV_TOOL_H
#define TV_TOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "libcommon/read/tv_reader.h"

extern const char *tv_progname;

/**
 * tool_init: set tv_progname from argv[0] (and argv[0] itself, so getopt's
 * messages name the tool, not its path); ignore SIGPIPE so write errors are
 * seen: tool_write() and tool_output_close() then end the program quietly,
 * killed by SIGPIPE (status 141), when the error is EPIPE.
 */
void tool_init(char **argv);
/** tool_err: `prog: message` on stderr. */
void tool_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** tool_warn: `prog: warning: message` on stderr. */
void tool_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** tool_version: print `prog (televal) VERSION` on standard output; returns -1 (stop, exit 0). */
int tool_version(void);
/** tool_bad_option: the hint after getopt's own message; returns 2 (a usage error). */
int tool_bad_option(void);
/** tool_oom: `prog: out of memory` on stderr; returns 1 (not a usage error). */
int tool_oom(void);
/** tool_usage_err: a usage error with the --help hint; returns 2. */
int tool_usage_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* reader messages: rejections as `prog: FILE:LINE: reason` (at most max shown) */
struct tool_report {
	uint64_t shown;
	uint64_t max; /* 0: no limit */
	bool suppressed_note;
	bool quiet_warnings;
};
void tool_report_cb(void *udata, enum tv_report_level lvl, const char *file, uint64_t line,
		    const char *msg);

/** tool_output_open: stdout for NULL or "-", else the file (truncated).  NULL on error. */
FILE *tool_output_open(const char *path);
/**
 * tool_write: write @n bytes; on failure report `write error: ...` once and
 * return -1 (the caller stops).  EPIPE (the reader went away) does not
 * return: the program ends as if killed by SIGPIPE.
 */
int tool_write(FILE *f, const void *p, size_t n);
/** tool_output_close: flush and close; reports and returns -1 on error (EPIPE: as tool_write). */
int tool_output_close(FILE *f);

/**
 * tool_parse_size: a byte count or number with an optional k/K, M or G
 * suffix (powers of 1024).  Returns 0 and *@out, or -1 for anything else
 * (signs, blanks, overflow past SIZE_MAX / 2).  0 is accepted.
 */
int tool_parse_size(const char *s, size_t *out);

/**
 * tool_parse_count: a whole non-negative decimal number, nothing else.
 * Returns 0 and *@out, or -1.
 */
int tool_parse_count(const char *s, uint64_t *out);

/**
 * tool_print_record_stats: the `input:` and `records:` --stats lines, and
 * a `skipped:` line naming the kinds of the skipped records.
 */
void tool_print_record_stats(const struct tv_stats *st);

/**
 * tool_print_skipped_kinds: the --stats line `skipped: 3 metrics, 1
 * gemini_cli.config` (the kinds of skipped records, most first), or nothing
 * when no record was skipped.
 */
void tool_print_skipped_kinds(const struct tv_stats *st);

/** tool_same_file: true if @a and @b name the same existing file ("-" never does). */
bool tool_same_file(const char *a, const char *b);

/**
 * tool_walk: call @fn for @path, or for every regular file below it when it
 * is a directory (names sorted, hidden entries skipped), so the order is the
 * same on every machine.  A path below it that cannot be read (a directory
 * that cannot be opened, a dangling link, a link back to a directory above
 * it, anything but a file or a directory) is named on stderr and the walk
 * goes on.  Returns 0, a negative code from @fn (which stops the walk) or
 * -ENOMEM, or -1 when a path was not read.
 */
int tool_walk(const char *path, int (*fn)(const char *file, void *udata), void *udata);

#endif
