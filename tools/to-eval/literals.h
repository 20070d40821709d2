/* SPDX-License-Identifier: MIT */
/*
 * literals: distinctive literals in a captured output (URLs, file names and
 * paths, identifiers), the facts an eval task can expect to see again.
 * Never whole sentences: a literal never holds whitespace.
 */
#ifndef TV_TO_EVAL_LITERALS_H
#define TV_TO_EVAL_LITERALS_H

#include <stddef.h>

enum literal_kind {
	LIT_URL,
	LIT_PATH,
	LIT_IDENT,
};

struct literal {
	enum literal_kind kind;
	const char *s; /* borrowed from the text given to literals_find() */
	size_t n;
};

struct literals {
	struct literal *v;
	size_t n, cap;
};

/**
 * literals_find: append to @out the distinct literals of @text (@len bytes),
 * in the order they first appear, until @out holds @max.  Returns 0 or
 * -ENOMEM.
 */
int literals_find(const char *text, size_t len, size_t max, struct literals *out);

/** literals_reset: empty @l, keeping its allocation. */
void literals_reset(struct literals *l);
void literals_finish(struct literals *l);

#endif
