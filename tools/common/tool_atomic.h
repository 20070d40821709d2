/* SPDX-License-Identifier: MIT */
/*
 * tool_atomic: output files that are complete or absent.
 *
 * A regular file (or one not there yet) is written as a hidden temporary
 * file in the same directory (.NAME.tmp.XXXXXX), made durable (fsync) and
 * renamed over NAME once complete; on failure, or when SIGINT, SIGTERM or
 * SIGHUP ends the program, the temporary file is removed and NAME is left
 * as it was.  A symbolic link is followed and its target replaced (or, for
 * a dangling link, created) that way, so the link stays.  Anything else (a
 * character device such as /dev/null or /dev/full, a FIFO, a socket) is
 * never replaced: it is written through.
 * NULL and "-" are standard output.
 *
 * Errors are reported on stderr (tool_err) before the -1 is returned.
 */
#ifndef TOOL_ATOMIC_H
#define TOOL_ATOMIC_H

#include <stdbool.h>
#include <stdio.h>

struct tool_atomic {
	FILE *f;    /* where to write; stdout for NULL and "-" */
	char *path; /* the file to replace (a link's target); NULL for stdout */
	char *tmp;  /* the temporary file; NULL when written through */
};

/** tool_atomic_open: start writing @path (see above).  0, or -1 (reported). */
int tool_atomic_open(struct tool_atomic *o, const char *path);
/**
 * tool_atomic_open_tmp: only create the temporary file for @path and close
 * it (its name in o->tmp), for writers that open it themselves (SQLite);
 * o->f stays NULL.  0, or -1 (reported).
 */
int tool_atomic_open_tmp(struct tool_atomic *o, const char *path);
/**
 * tool_atomic_close: flush and close o->f (not standard output, which is
 * only flushed), and fsync the temporary file when @sync.  Then
 * tool_atomic_rename() puts it into place.  0, or -1 (reported; the
 * temporary file removed).
 */
int tool_atomic_close(struct tool_atomic *o, bool sync);
/** tool_atomic_rename: the closed temporary file becomes o->path.  0 or -1 (reported). */
int tool_atomic_rename(struct tool_atomic *o);
/**
 * tool_atomic_commit: tool_atomic_close() with sync, tool_atomic_rename(),
 * and an fsync of the directory so the rename survives a crash.  0 or -1.
 */
int tool_atomic_commit(struct tool_atomic *o);
/** tool_atomic_abort: give up: close, remove the temporary file, free.  @o may be zeroed. */
void tool_atomic_abort(struct tool_atomic *o);
/** tool_atomic_signals: remove the current temporary file when a signal ends the run. */
void tool_atomic_signals(void);
/** tool_atomic_is_tmp: true when the file name @name is one of our temporary files. */
bool tool_atomic_is_tmp(const char *name);
/** tool_atomic_sync_dir: fsync the directory that holds @path.  0 or -1 (not reported). */
int tool_atomic_sync_dir(const char *path);

#endif
