/* SPDX-License-Identifier: MIT */
/*
 * fuzz_util: what the fuzz harnesses share (linked into each of them).
 */
#ifndef FUZZ_UTIL_H
#define FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "libcommon/core/tv_strbuf.h"
#include "libcommon/read/tv_reader.h"

/** fuzz_quiet: a reader report callback that shows nothing. */
void fuzz_quiet(void *udata, enum tv_report_level level, const char *file, uint64_t line,
		const char *msg);
/** fuzz_put_file: @path (created or truncated) holds the @n bytes at @p.  0 or -1. */
int fuzz_put_file(const char *path, const void *p, size_t n);
/** fuzz_get_file: append the bytes of @path to @b.  0 or -1. */
int fuzz_get_file(const char *path, struct tv_strbuf *b);

#endif
