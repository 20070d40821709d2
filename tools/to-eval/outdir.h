/* SPDX-License-Identifier: MIT */
/*
 * outdir: one file per task in a directory, safely.
 *
 * Names come from task ids: sanitized to [A-Za-z0-9._-], length-limited,
 * never hidden, never a device name (con, nul, ...), and unique even on a
 * case-insensitive file system (a changed or clashing name gets a hash of
 * the id).  Writes are atomic: a temporary file in the same directory,
 * flushed to disk, then renamed over the old one; a file whose content
 * would not change is left alone, so make(1) sees it unchanged.  The names
 * written are kept in DIR/.televal-to-eval, which --prune uses to remove
 * the tasks an earlier run wrote that this one did not.
 */
#ifndef TV_TO_EVAL_OUTDIR_H
#define TV_TO_EVAL_OUTDIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OUTDIR_MANIFEST ".televal-to-eval"

struct outdir;

struct outdir_stats {
	uint64_t written;   /* created or replaced */
	uint64_t unchanged; /* same content: not rewritten */
	uint64_t pruned;
};

/**
 * outdir_open: use directory @path (created if missing).  @sync: flush
 * data to disk before each rename.  Returns NULL after reporting.
 */
struct outdir *outdir_open(const char *path, bool sync);

/** outdir_reserve: keep @name (a suite file) from being given to a task. */
int outdir_reserve(struct outdir *d, const char *name);

/**
 * outdir_name: a unique, safe file name for the task @id with @ext (".yaml").
 * Returns the name (owned by @d, valid until outdir_destroy()) or NULL on ENOMEM.
 */
const char *outdir_name(struct outdir *d, const char *id, size_t id_len, const char *ext);

/**
 * outdir_write: write @len bytes as DIR/@name, atomically, unless the file
 * already holds them.  Returns 0, or -1 after reporting.
 */
int outdir_write(struct outdir *d, const char *name, const char *data, size_t len);

/** outdir_files: the task file names written so far, in order (borrowed). */
const char *const *outdir_files(const struct outdir *d, size_t *n);

/**
 * outdir_finish: complete pending writes, write the manifest and, with
 * @prune, remove the tasks of the previous manifest not written now.
 * Returns 0, or -1 after reporting.
 */
int outdir_finish(struct outdir *d, bool prune);

const struct outdir_stats *outdir_stats(const struct outdir *d);
void outdir_destroy(struct outdir *d);

#endif
