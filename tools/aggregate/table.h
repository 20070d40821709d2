/* SPDX-License-Identifier: MIT */
/*
 * table: the report as titled tables of text cells, one model for the
 * terminal table, Markdown and HTML outputs (JSON and CSV write the
 * numbers themselves).  Values are formatted for people here: durations
 * in ms, s, min or h; rates in percent; costs in dollars.
 */
#ifndef TV_AGGREGATE_TABLE_H
#define TV_AGGREGATE_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "aggregate.h"

enum cell_style {
	ST_PLAIN,
	ST_GOOD, /* a change for the better */
	ST_BAD,	 /* for the worse; a fired alert */
	ST_DIM,
};

struct ttab {
	char *id; /* a short name: summary, distributions, groups, ... */
	char *title;
	char *note; /* a line under the title, or NULL */
	size_t ncols, nrows;
	char **head;	      /* ncols */
	bool *right;	      /* ncols: right-aligned (numbers) */
	char **cell;	      /* nrows * ncols */
	unsigned char *style; /* nrows * ncols, enum cell_style */
	size_t cap;	      /* rows allocated */
};

struct tables {
	struct ttab *v;
	size_t n;
	char *estimate; /* the note on weighted input, or NULL */
	char *footer;	/* what was read, the percentile definition */
};

/** report_tables: every table of the report.  0 or -ENOMEM (then free @t anyway). */
int report_tables(struct report *r, struct tables *t);
void tables_free(struct tables *t);

/** fmt_metric: metric @id's value @v for people into @buf (@n bytes). */
void fmt_metric(size_t id, double v, char *buf, size_t n);
/** fmt_ms: a duration in milliseconds for people. */
void fmt_ms(double ms, char *buf, size_t n);

/* ---- compare (table.c): what JSON, CSV and the tables say about a metric's change ---- */

struct change {
	bool has_before, has_after;
	double before, after, delta, pct; /* pct NaN when before is 0 */
	const char *direction;		  /* up, down, same; NULL without both values */
	int better;			  /* 1 better, -1 worse, 0 neither or unknown */
};

/** change_of: metric @id of @g now against the baseline group @b (may be NULL). */
void change_of(struct report *r, struct tv_agg_group *g, const struct base_group *b, size_t id,
	       struct change *c);

/* ---- text helpers ---- */

/** display_width: the characters of @s (UTF-8 lead bytes), for alignment. */
size_t display_width(const char *s);

#endif
