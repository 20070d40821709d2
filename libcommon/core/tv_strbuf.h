/* SPDX-License-Identifier: MIT */
/*
 * tv_strbuf: a growable byte buffer.
 *
 * init/finish work on the caller's struct; the bytes are owned by the
 * buffer and freed by tv_strbuf_finish().  The buffer always keeps
 * TV_STRBUF_PAD readable bytes past `len` (zeroed at p[len]) so that its
 * contents can be handed to the SIMD JSON parser without a copy.
 * Allocation failure aborts nothing: functions return -ENOMEM, and `err`
 * remembers it until the next reset, so a text built by many appends can
 * be checked once at the end.
 */
#ifndef TV_STRBUF_H
#define TV_STRBUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TV_STRBUF_PAD 64

struct tv_strbuf {
	char *p; /* NUL-terminated when len > 0 or after any append */
	size_t len;
	size_t cap; /* usable bytes, not counting TV_STRBUF_PAD */
	int err;    /* -ENOMEM once an append failed; cleared by init and reset */
};

void tv_strbuf_init(struct tv_strbuf *b);
/** tv_strbuf_finish: free the bytes; @b may be reused after init. */
void tv_strbuf_finish(struct tv_strbuf *b);
/** tv_strbuf_reserve: make room for @extra more bytes.  Returns 0 or -ENOMEM. */
int tv_strbuf_reserve(struct tv_strbuf *b, size_t extra);
int tv_strbuf_append(struct tv_strbuf *b, const void *s, size_t n);
int tv_strbuf_puts(struct tv_strbuf *b, const char *s);
int tv_strbuf_putc(struct tv_strbuf *b, char c);
int tv_strbuf_printf(struct tv_strbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/** tv_strbuf_reset: len = 0, keeps the allocation. */
void tv_strbuf_reset(struct tv_strbuf *b);
/**
 * tv_strbuf_steal: hand the bytes to the caller (free with free()) and
 * reinitialise @b.  Returns a NUL-terminated string, "" for an empty buffer,
 * or NULL on allocation failure, now or in an append since the last reset.
 */
char *tv_strbuf_steal(struct tv_strbuf *b);

/** tv_strndup: NUL-terminated copy of @n bytes; free with free().  NULL on ENOMEM. */
char *tv_strndup(const char *s, size_t n);

#ifdef __cplusplus
}
#endif

#endif
