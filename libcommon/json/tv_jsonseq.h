/* SPDX-License-Identifier: MIT */
/*
 * tv_jsonseq: framing of concatenated JSON values in a text stream.
 *
 * Gemini/Qwen's telemetry.outfile and pretty-printed OTLP files hold JSON
 * objects written one after another, each spread over many lines.  This
 * module cuts the stream into complete top-level values without parsing
 * them (the parser then gets one value at a time), so memory is bounded by
 * the largest record, not the file.
 */
#ifndef TV_JSONSEQ_H
#define TV_JSONSEQ_H

#include <stddef.h>
#include <stdint.h>

#include "libcommon/core/tv_input.h"
#include "libcommon/core/tv_strbuf.h"

/**
 * tv_jsonseq_next: read the next top-level JSON object or array from @in
 * into @out (reset first; TV_STRBUF_PAD bytes follow for the parser).
 * @max: the record size limit in bytes.
 * *@first_line / *@last_line: the lines the value spans.
 * Returns 1 for a value, 0 at end of input, or a negative code for a bad
 * stretch that was skipped, with *@why set to a static reason:
 * -TV_EPARSE (text outside any value, unterminated final value: *@first_line
 * is where it starts), -TV_ETOOBIG (over @max; skipped to the next line that
 * starts a value), or -errno for read errors (fatal).
 */
int tv_jsonseq_next(struct tv_input *in, struct tv_strbuf *out, size_t max, uint64_t *first_line,
		    uint64_t *last_line, const char **why);

#endif
