/* SPDX-License-Identifier: MIT */
/*
 * tv_input: a buffered, line-numbered input stream over a file or stdin.
 *
 * Reads through zlib, so gzip-compressed files (detected by their magic
 * bytes) are read transparently.  Text that starts with a UTF-16 byte-order
 * mark (FF FE or FE FF, as Windows PowerShell writes it) is transcoded to
 * UTF-8 as it is read, a chunk at a time; a UTF-8 byte-order mark is
 * skipped.  Lines are returned without their "\n" (and without a "\r"
 * before it); a line longer than the record limit is skipped and reported
 * with -TV_ETOOBIG, so memory stays bounded.
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
 * tv_input_encoding: the encoding of the text as far as read: "UTF-8",
 * "UTF-16LE" or "UTF-16BE" (transcoded), "UTF-32LE" or "UTF-32BE" (a
 * byte-order mark that tv_input does not read: reading fails with
 * -TV_EENCODING).  Static.
 */
const char *tv_input_encoding(const struct tv_input *in);
/**
 * tv_input_looks_utf16: the encoding @data/@len (the first bytes, no
 * byte-order mark) looks like: "UTF-16LE" or "UTF-16BE" when every other
 * byte is 0, as in ASCII text saved as UTF-16 without a mark, else NULL.
 */
const char *tv_input_looks_utf16(const char *data, size_t len);

/**
 * tv_input_peek: the first bytes of the (decompressed) stream without
 * consuming them; up to 64 KiB.  *@data is borrowed until the next read.
 * Returns 0 or -errno.
 */
int tv_input_peek(struct tv_input *in, const char **data, size_t *len);

/**
 * tv_input_peek_until: tv_input_peek(), but read on until the bytes from
 * the second one on hold @mark (@mark_len bytes), the input ends, or @max
 * bytes are held: for looking at a whole first record however long it is.
 * Memory grows with what is held (at most about @max).  Returns 0 or -errno.
 */
int tv_input_peek_until(struct tv_input *in, const char *mark, size_t mark_len, size_t max,
			const char **data, size_t *len);

/**
 * tv_input_line: the next line.  *@line is borrowed until the next call and
 * is followed by TV_STRBUF_PAD readable bytes; *@lineno is its 1-based number.
 * Returns 1 for a line, 0 at end of input, -TV_ETOOBIG for an overlong line
 * (already skipped; *@lineno set), or -errno / -TV_ECORRUPT (corrupt gzip)
 * / -TV_EENCODING (invalid UTF-16, or UTF-32).
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
