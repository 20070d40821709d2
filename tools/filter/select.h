/* SPDX-License-Identifier: MIT */
/*
 * select: televal-filter's selection of canonical session lines:
 * predicates (--where and the shorthands), --dedupe, hash sampling,
 * bottom-k reservoirs (whole stream or per stratum), --limit, and the
 * output forms (lines, --ids, --count).
 */
#ifndef TV_FILTER_SELECT_H
#define TV_FILTER_SELECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libcommon/json/tv_json.h"

struct select_opts {
	const char **where; /* expressions, ANDed */
	size_t n_where;
	bool invert;	      /* -v: invert the predicates */
	size_t dedupe_window; /* 0: no dedupe; SIZE_MAX: exact */
	bool sample;
	double rate;
	uint64_t seed;
	size_t reservoir; /* 0: none */
	const char *per_field;
	size_t per_n;
	size_t max_strata; /* --per: most values of the field (-TV_ETOOBIG past it) */
	uint64_t limit;	   /* UINT64_MAX: none */
	bool ids;
	bool count;
};

/* --max-strata by default */
#define SELECT_MAX_STRATA 10000

typedef int (*select_write_fn)(void *udata, const char *p, size_t n);

struct selector;

/**
 * selector_create: compile @o.  On a usage error returns -TV_EPARSE with
 * *@bad the offending source text (borrowed from @o), *@col the column and
 * @why the reason.  0 and *@out otherwise; free with selector_destroy().
 */
int selector_create(const struct select_opts *o, struct selector **out, const char **bad,
		    size_t *col, char *why, size_t whylen);
void selector_destroy(struct selector *s);

/**
 * selector_feed: one canonical session line (with its "\n", followed by
 * TV_JSON_PAD readable bytes).  Kept lines are written now or, for
 * reservoirs, at selector_finish().  Returns 0 or a negative code
 * (a write error, ENOMEM, or -TV_EPARSE for a line that is not JSON).
 */
int selector_feed(struct selector *s, const char *line, size_t len, select_write_fn w, void *udata);
/**
 * selector_feed_parsed: selector_feed() for a line already parsed into
 * @root (borrowed), which saves parsing it again.
 */
int selector_feed_parsed(struct selector *s, const char *line, size_t len, const struct tv_jv *root,
			 select_write_fn w, void *udata);
/** selector_finish: write what reservoirs kept, or the --count. */
int selector_finish(struct selector *s, select_write_fn w, void *udata);

/** selector_counts: sessions seen, written and filtered out (seen = written + filtered). */
void selector_counts(const struct selector *s, uint64_t *seen, uint64_t *written,
		     uint64_t *filtered);

/** selector_passthrough: true when every line is written unchanged (no selection at all). */
bool selector_passthrough(const struct selector *s);

#endif
