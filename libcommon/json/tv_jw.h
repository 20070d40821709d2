/* SPDX-License-Identifier: MIT */
/*
 * tv_jw: a streaming JSON writer into a struct tv_strbuf.
 *
 * It places commas and colons itself; strings are escaped and invalid
 * UTF-8 is replaced by U+FFFD, so the output is always valid JSON.  A
 * serializer this thin beats building a cJSON tree only to print it (the
 * canonical writer is on every tool's hot path).  Errors are sticky: check
 * tv_jw_error() once at the end.  The writer borrows @out.
 */
#ifndef TV_JW_H
#define TV_JW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libcommon/core/tv_strbuf.h"

struct tv_jw {
	struct tv_strbuf *out;
	bool need_comma;
	int err;
};

void tv_jw_init(struct tv_jw *w, struct tv_strbuf *out);
void tv_jw_obj_begin(struct tv_jw *w);
void tv_jw_obj_end(struct tv_jw *w);
void tv_jw_arr_begin(struct tv_jw *w);
void tv_jw_arr_end(struct tv_jw *w);
/** tv_jw_key: an object key given as a NUL-terminated string (fast for plain ASCII). */
void tv_jw_key(struct tv_jw *w, const char *k);
/**
 * tv_jw_lkey: a key already written as JSON with its colon, e.g. "\"id\":"
 * (use TV_JW_KEY for a literal).
 */
void tv_jw_lkey(struct tv_jw *w, const char *quoted, size_t n);
#define TV_JW_KEY(w, lit) tv_jw_lkey((w), "\"" lit "\":", sizeof("\"" lit "\":") - 1)
/** tv_jw_key_n: any object key, escaped. */
void tv_jw_key_n(struct tv_jw *w, const char *k, size_t n);
void tv_jw_str(struct tv_jw *w, const char *s, size_t n);
/** tv_jw_cstr: a NUL-terminated string, or null when @s is NULL. */
void tv_jw_cstr(struct tv_jw *w, const char *s);
void tv_jw_int(struct tv_jw *w, int64_t v);
/**
 * tv_jw_double: a whole number below 1e16 in digits (60), else the shortest
 * text that reads back as @v; null for NaN/Inf.
 */
void tv_jw_double(struct tv_jw *w, double v);
void tv_jw_bool(struct tv_jw *w, bool v);
void tv_jw_null(struct tv_jw *w);
/** tv_jw_raw: an already valid JSON value, copied as is. */
void tv_jw_raw(struct tv_jw *w, const char *json, size_t n);
/** tv_jw_time: nanoseconds since the epoch as RFC 3339 UTC; null for TV_NONE. */
void tv_jw_time(struct tv_jw *w, int64_t ns);
/** tv_jw_ms: a nanosecond duration written in milliseconds; null for TV_NONE. */
void tv_jw_ms(struct tv_jw *w, int64_t ns);
/** tv_jw_opt_int: an integer, or null for TV_NONE. */
void tv_jw_opt_int(struct tv_jw *w, int64_t v);
/** tv_jw_tristate: -1 null, 0 false, 1 true. */
void tv_jw_tristate(struct tv_jw *w, int v);
/** tv_jw_error: 0 or the first error (-ENOMEM). */
int tv_jw_error(const struct tv_jw *w);

/**
 * tv_json_escape: append @s escaped as a JSON string body (no quotes) to @out.
 * Invalid UTF-8 becomes U+FFFD.  Returns 0 or -ENOMEM.
 */
int tv_json_escape(struct tv_strbuf *out, const char *s, size_t n);

/** tv_utf8_valid: true if @s is well-formed UTF-8. */
bool tv_utf8_valid(const char *s, size_t n);

#endif
