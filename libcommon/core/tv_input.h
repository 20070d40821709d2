/* SPDX-License-Identifier: MIT */
/*
 * tv_input: a buffered, line-numbered input stream over a file or stdin.
 *
 * Reads through zlib, so gzip-compressed files (detected by their magic
 * bytes) are read transparently.  Lines are returned without their "\n"
 * (and without a "\r" before it); a line longer than the record limit is
 * skipped and reported with -TV_ETOOBIG, so memory stays bounded.
 */
#ifndef TV_INPUT_H
#define TV_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libcommon/core/tv_strbuf.h"

#define TV_INPUT_DEFAULT_MAX_RECORD (256u << 20)

struct tv_input;

/**
 * tv_input_open: open @path ("-" is stdin).  @max_record: largest line or
 * record accepted (0 = default).  Returns 0 and sets *@out (free with
 * tv_input_close()), or -errno.
 */
int tv_input_open(const char *path, size_t max_record, struct tv_input **out);
/**
 * tv_input_open_mem: an input over a copy of the @len bytes at @data, named
 * @name in messages.  Returns 0 and sets *@out (free with tv_input_close()),
 * or -ENOMEM.
 */
int tv_input_open_mem(const char *name, const char *data, size_t len, struct tv_input **out);
/** tv_input_close: close and free; @in may be NULL. */
void tv_input_close(struct tv_input *in);

/** tv_input_name: the name used in messages ("-" becomes "<stdin>"); borrowed. */
const char *tv_input_name(const struct tv_input *in);
/** tv_input_path: the path as given; borrowed. */
const char *tv_input_path(const struct tv_input *in);
/** tv_input_compressed: true if the stream is gzip. */
bool tv_input_compressed(const struct tv_input *in);

/**
 * tv_input_peek: the first bytes of the (decompressed) stream without
 * consuming them; up to 64 KiB.  *@data is borrowed until the next read.
 * Returns 0 or -errno.
 */
int tv_input_peek(struct tv_input *in, const char **data, size_t *len);

/**
 * tv_input_line: the next line.  *@line is borrowed until the next call and
 * is followed by TV_STRBUF_PAD readable bytes; *@lineno is its 1-based number.
 * Returns 1 for a line, 0 at end of input, -TV_ETOOBIG for an overlong line
 * (already skipped; *@lineno set), or -errno / -TV_ECORRUPT (corrupt gzip).
 * *@unterminated is set (may be NULL) when the last line lacked its "\n".
 */
int tv_input_line(struct tv_input *in, const char **line, size_t *len, uint64_t *lineno,
		  bool *unterminated);

/**
 * tv_input_unget: give back the last @n bytes of the line tv_input_line()
 * just returned (before its line end): the next call returns them again,
 * as the same line number.  For a reader that found two records on one
 * line.  Returns 0, or -TV_EUSAGE when there is no such line to give back to.
 */
int tv_input_unget(struct tv_input *in, size_t n);

/** tv_input_bytes: decompressed bytes consumed so far. */
uint64_t tv_input_bytes(const struct tv_input *in);

#endif
