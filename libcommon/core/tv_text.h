/* SPDX-License-Identifier: MIT */
/* tv_text: small byte-string helpers shared by the readers and the tools. */
#ifndef TV_TEXT_H
#define TV_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/** tv_text_has: true when the NUL-terminated @needle occurs in the @n bytes at @d. */
bool tv_text_has(const char *d, size_t n, const char *needle);

/**
 * tv_text_stamp: true when @s starts with "YYYY-MM-DD?HH:MM:SS" (digits
 * only, not checked as a date) with @sep in place of the ?.
 */
bool tv_text_stamp(const char *s, size_t n, char sep);

#endif
