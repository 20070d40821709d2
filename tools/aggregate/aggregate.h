/* SPDX-License-Identifier: MIT */
/*
 * televal-aggregate's parts:
 *
 *   main.c      options, then sessions or partial states in, a report or a state out
 *   feed.c      sessions in: the input loop, the selection, into an aggregate
 *   partial.c   partial states (--partial) written and read (--merge)
 *   alert.c     --fail-if: parse, evaluate on the total and every group
 *   baseline.c  --compare: a previous JSON result, a partial state, or sessions
 *   tree.c      --session ID: one session as a tree
 *   table.c     the report as tables of text, shared by the table, markdown and HTML outputs
 *   out_text.c  --format table and markdown
 *   out_json.c  --format json (schema: tools/aggregate/aggregate.schema.json)
 *   out_csv.c   --format csv
 *   out_html.c  --format html, with svg.c's charts
 */
#ifndef TV_AGGREGATE_H
#define TV_AGGREGATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libcommon/core/tv_strbuf.h"
#include "libcommon/stats/tv_agg.h"
#include "tools/common/tool_input.h"
#include "tools/common/tool_where.h"

enum out_format {
	OUT_TABLE,
	OUT_JSON,
	OUT_CSV,
	OUT_MARKDOWN,
	OUT_HTML,
};

struct agg_opts {
	struct tool_input_opts in;
	struct tool_where where;
	const char **by;
	size_t n_by;
	size_t max_groups, top, exact_max;
	double alpha;
	enum out_format format;
	bool format_set;
	const char *output;
	const char *session_id;
	const char **fail_if;
	size_t n_fail_if;
	const char *compare;
	const char *prices;
	bool partial, merge;
};

/* what was read, for the report (summed over partial states with --merge) */
struct input_counts {
	uint64_t files, bytes, records_read, records_used, records_skipped, records_rejected;
	uint64_t sessions; /* sessions read */
	uint64_t selected; /* of those, the ones --where, --since and --until kept */
	uint64_t partials; /* partial states merged */
};

/* ---- sessions in (feed.c) ---- */

struct feed {
	struct tv_agg *agg; /* where the sessions go (not with show) */
	const struct tool_where *where;
	const char *session_id; /* only this session, to show */
	int (*show)(void *udata, const struct tv_jv *root, const struct tv_session *s);
	void *udata;
	struct input_counts *counts;
	struct tool_input in;
	struct tv_json_parser *jp;
	struct tv_strbuf line;
};

/**
 * feed_run: read the operands (@argc of @argv, standard input without) as
 * sessions with the input options @o, select them, and add them to
 * f->agg (or show the one asked for).  Inputs that fail are reported and
 * set f->in.failed.  Returns 0 or the negative code that stopped the run.
 * Call feed_finish() afterwards in any case.
 */
int feed_run(struct feed *f, const struct tool_input_opts *o, int argc, char **argv);
void feed_finish(struct feed *f);

/* ---- partial states (partial.c) ---- */

/**
 * partial_write: @a as a partial state, with @c and the selection @w in
 * its header, through @write.  0 or the first error.
 */
int partial_write(struct tv_agg *a, const struct input_counts *c, const struct tool_where *w,
		  int (*write)(void *udata, const char *line, size_t n), void *udata);

/**
 * partial_read: the partial state in @file; its counts added to @c only on
 * success.  Returns 0 and *@out, -ENOMEM, or another negative code after
 * reporting `prog: FILE:LINE: why`.
 */
int partial_read(const char *file, struct tv_json_parser *jp, struct tv_agg **out,
		 struct input_counts *c);

/* ---- alerts (alert.c) ---- */

struct alerts;

/**
 * alerts_compile: compile every --fail-if expression.  Returns 0, or 2
 * after reporting a syntax error with a caret, or 1 (out of memory).
 */
int alerts_compile(const char **src, size_t n, struct alerts **out);
void alerts_destroy(struct alerts *al);

/* one expression that held for one group (NULL: the total) */
struct fired {
	size_t expr;
	struct tv_agg_group *group;
	char *values; /* "metric = value, ..." */
};

/**
 * alerts_eval: evaluate on the total and on every group; the ones that
 * held are in *@fired (owned by @al).  0 or -ENOMEM.
 */
int alerts_eval(struct alerts *al, struct tv_agg *a, const struct fired **fired, size_t *n);
/** alerts_source: the text of expression @i. */
const char *alerts_source(const struct alerts *al, size_t i);
/** alerts_count: the number of expressions. */
size_t alerts_count(const struct alerts *al);
/** alerts_metrics: the ids of the metrics expression @i reads (borrowed), *@n set. */
const int *alerts_metrics(const struct alerts *al, size_t i, size_t *n);

/* ---- the baseline of --compare (baseline.c) ---- */

struct base_group {
	char **key; /* n_by values, NULL for none */
	bool other;
	double *v; /* one per metric; NaN: no value */
};

struct baseline {
	char *file;
	const char *kind; /* "result", "partial" or "sessions" */
	char **by;
	size_t n_by;
	struct base_group total;
	struct base_group *groups;
	size_t n_groups;
};

struct report;

/**
 * baseline_load: read --compare's @file: a JSON result of this tool, a
 * partial state, or sessions in any input format (aggregated with the
 * options of @r).  Returns 0 and *@out, or 1 after reporting why not.
 */
int baseline_load(struct report *r, const char *file, struct baseline **out);
void baseline_destroy(struct baseline *b);
/** baseline_find: the baseline group with the key of @g, or NULL. */
const struct base_group *baseline_find(const struct baseline *b, const struct tv_agg_group *g,
				       size_t n_by);
/** baseline_from_agg: the metrics of @a as a baseline.  0 or -ENOMEM. */
int baseline_from_agg(struct tv_agg *a, struct baseline *b);

/* ---- the report ---- */

struct report {
	const struct agg_opts *o;
	struct tv_agg *agg;
	struct tv_prices *prices;
	struct input_counts in;
	struct alerts *alerts;
	const struct fired *fired;
	size_t n_fired;
	struct baseline *base;
	bool color; /* ANSI colors in the table output */
};

/** group_label: "model=x, skill=y", "total" for NULL, "other" for the other group. */
void group_label(const struct report *r, const struct tv_agg_group *g, struct tv_strbuf *out);

/* the outputs: the report appended to @out; 0 or -ENOMEM */
int out_table(struct report *r, struct tv_strbuf *out);
int out_markdown(struct report *r, struct tv_strbuf *out);
int out_json(struct report *r, struct tv_strbuf *out);
int out_csv(struct report *r, struct tv_strbuf *out);
int out_html(struct report *r, struct tv_strbuf *out);

/* ---- --session (tree.c) ---- */

/** tree_write: the session @s as a tree into @out.  0 or -ENOMEM. */
int tree_write(const struct tv_session *s, bool color, struct tv_strbuf *out);

#endif
