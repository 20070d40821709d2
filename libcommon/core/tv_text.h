/* SPDX-License-Identifier: MIT */
/* tv_text: small byte-string helpers shared by the readers and the tools. */
#ifndef TV_TEXT_H
#define TV_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "libcommon/core/tv_strbuf.h"

/** tv_text_has: true when the NUL-terminated @needle occurs in the @n bytes at @d. */
bool tv_text_has(const char *d, size_t n, const char *needle);

/** tv_text_has_ci: tv_text_has(), ignoring the case of ASCII letters (@needle in lower case). */
bool tv_text_has_ci(const char *d, size_t n, const char *needle);

/**
 * tv_text_mentions_timeout: true when @s says a call timed out ("timeout",
 * "timed out", "TimeoutError", any case).
 */
bool tv_text_mentions_timeout(const char *s, size_t n);

/**
 * tv_text_stamp: true when @s starts with "YYYY-MM-DD?HH:MM:SS" (digits
 * only, not checked as a date) with @sep in place of the ?.
 */
bool tv_text_stamp(const char *s, size_t n, char sep);

/**
 * tv_text_put_id: append the id @s, in lower case when it is all hex
 * digits: trace and span ids are case-insensitive hex (OTLP, W3C trace
 * context), so "ABC1" and "abc1" are one id.  Other ids are kept as they
 * are.  Returns 0 or -ENOMEM.
 */
int tv_text_put_id(struct tv_strbuf *b, const char *s, size_t n);

/** tv_text_hexval: the value of the hex digit @c (either case), or -1. */
int tv_text_hexval(char c);

/** tv_text_hex4: the four hex digits at @s as a number (0-0xffff), or -1. */
long tv_text_hex4(const char *s);

/**
 * tv_text_put_utf8: append the code point @cp (at most 0x10ffff) as UTF-8.
 * Returns 0 or -ENOMEM.
 */
int tv_text_put_utf8(struct tv_strbuf *b, unsigned long cp);

/** tv_text_is_uuid: true when @s (@n bytes) is a UUID: 8-4-4-4-12 hex digits, any case. */
bool tv_text_is_uuid(const char *s, size_t n);

#endif
