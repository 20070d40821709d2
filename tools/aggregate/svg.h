/* SPDX-License-Identifier: MIT */
/*
 * svg: the charts of the HTML report, as inline SVG: plain shapes and
 * text, no script, no external resource.  Each chart has a <title> for
 * screen readers and tooltips on its bars.
 */
#ifndef TV_AGGREGATE_SVG_H
#define TV_AGGREGATE_SVG_H

#include <stddef.h>

#include "libcommon/core/tv_strbuf.h"
#include "libcommon/stats/tv_agg.h"

/* one bar of a chart: its label, its values (stacked: v[0] below v[1]), a tooltip */
struct bar {
	const char *label;
	double v[2];
	const char *tip;
};

/** html_escape: @s with & < > " ' escaped for HTML text and attributes. */
void html_escape(struct tv_strbuf *out, const char *s);

/**
 * svg_columns: vertical bars (@n of them) under @title; @v[1] stacked on
 * @v[0] in the warning colour when @stacked; @unit names the values.
 */
void svg_columns(struct tv_strbuf *out, const char *title, const struct bar *b, size_t n,
		 const char *unit, int stacked);

/** svg_rows: horizontal bars, one per line, labels on the left. */
void svg_rows(struct tv_strbuf *out, const char *title, const struct bar *b, size_t n,
	      const char *unit, int stacked);

/**
 * svg_grouped: for each of @n groups, @k bars side by side (the series
 * named @series), e.g. p50, p90, p95 and p99 of each model.
 */
void svg_grouped(struct tv_strbuf *out, const char *title, const char *const *labels,
		 const double *v, size_t n, const char *const *series, size_t k, const char *unit);

/** svg_waterfall: the rows of a session on a time axis. */
void svg_waterfall(struct tv_strbuf *out, const char *title, const struct tv_agg_waterfall *w);

#endif
