/* SPDX-License-Identifier: MIT */
/*
 * tv_error: error codes and the error record that libcommon fills.
 *
 * libcommon never prints and never exits.  Functions return 0 on success
 * or a negative code: -errno for system errors, or -TV_E* (>= 1024) for
 * televal's own.  Parsers take an optional struct tv_error * that they fill
 * with a message and the input position; the caller owns the struct.
 */
#ifndef TV_ERROR_H
#define TV_ERROR_H

#include <stdint.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
	TV_EFIRST = 1024,
	TV_EPARSE,    /* malformed input record */
	TV_EFORMAT,   /* input format not recognised */
	TV_ETOOBIG,   /* record larger than the configured limit */
	TV_EDEPTH,    /* nesting too deep */
	TV_ETYPE,     /* a value of the wrong JSON type */
	TV_EUSAGE,    /* a bad argument from the caller */
	TV_EWRITE,    /* output could not be written */
	TV_ECORRUPT,  /* corrupt or truncated compressed input */
	TV_EENCODING, /* text that is not valid in its encoding (UTF-16) */
	TV_ERANGE,    /* a time or duration outside what 64-bit nanoseconds hold */
};

#define TV_ERROR_MSG_MAX 512
#define TV_ERROR_FILE_MAX 1024

struct tv_error {
	int code;		      /* negative code, 0 when unset */
	char file[TV_ERROR_FILE_MAX]; /* input name, "" if none */
	uint64_t line;		      /* 1-based line, 0 if unknown */
	char msg[TV_ERROR_MSG_MAX];   /* lowercase, no trailing period */
};

/**
 * tv_error_set: fill @err (may be NULL) with @code, a position and a message.
 * @file: may be NULL.  Returns: @code, so callers can `return tv_error_set(...)`.
 */
int tv_error_set(struct tv_error *err, int code, const char *file, uint64_t line, const char *fmt,
		 ...) __attribute__((format(printf, 5, 6)));

/** tv_error_clear: reset @err (may be NULL) to "no error". */
void tv_error_clear(struct tv_error *err);

/** tv_strerror: text for a negative code.  Returns: a static string. */
const char *tv_strerror(int code);

#ifdef __cplusplus
}
#endif

#endif
