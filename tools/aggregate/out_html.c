// SPDX-License-Identifier: MIT
/*
 * --format html: one self-contained page (inline CSS and SVG, no script,
 * nothing fetched): the key figures, the charts (LLM latency histogram,
 * percentiles per group, sessions and errors over time, tool use), the
 * waterfalls of the slowest and the failed sessions, and every table.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcommon/core/tv_time.h"
#include "svg.h"
#include "table.h"

#define MAX_BINS 40

static const char style[] =
	"body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px auto;"
	"max-width:1100px;padding:0 16px;color:#1d2733;background:#fff}\n"
	"h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;"
	"border-bottom:1px solid #dde3ea;padding-bottom:4px}\n"
	"p.note{color:#5a6673;margin:4px 0}p.estimate{background:#fff4e0;padding:6px 10px}\n"
	".cards{display:flex;flex-wrap:wrap;gap:10px;margin:14px 0}\n"
	".card{border:1px solid #dde3ea;border-radius:6px;padding:8px 14px;min-width:120px}\n"
	".card .v{font-size:20px;font-weight:600}.card .k{color:#5a6673;font-size:12px}\n"
	"table{border-collapse:collapse;margin:6px 0 10px;font-size:13px}\n"
	"th,td{padding:3px 10px;border-bottom:1px solid #edf0f3;text-align:left}\n"
	"th{background:#f4f6f8}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}\n"
	".good{color:#1e7b45}.bad{color:#b8322a;font-weight:600}.dim{color:#98a2ad}\n"
	"figure{margin:10px 0 18px}figcaption{color:#5a6673;font-size:13px}\n"
	"svg.chart{max-width:100%;height:auto;display:block;margin:6px 0}\n"
	"svg text{font:11px system-ui,sans-serif;fill:#3c4752}\n"
	"svg .axis{stroke:#3c4752}svg .grid{stroke:#dde3ea;stroke-dasharray:3 3}\n"
	"footer{color:#5a6673;font-size:12px;margin-top:30px}\n";

static const char *const cell_class[] = { "", "good", "bad", "dim" };

static void html_table(struct tv_strbuf *out, const struct ttab *tab)
{
	tv_strbuf_puts(out, "<h2>");
	html_escape(out, tab->title);
	tv_strbuf_puts(out, "</h2>\n");
	if (tab->note) {
		tv_strbuf_puts(out, "<p class=\"note\">");
		html_escape(out, tab->note);
		tv_strbuf_puts(out, "</p>\n");
	}
	if (tab->nrows == 0) {
		tv_strbuf_puts(out, tab->note ? "" : "<p class=\"note\">(none)</p>\n");
		return;
	}
	tv_strbuf_printf(out, "<table id=\"%s\"><thead><tr>", tab->id);
	for (size_t c = 0; c < tab->ncols; c++) {
		tv_strbuf_puts(out, tab->right[c] ? "<th class=\"num\">" : "<th>");
		html_escape(out, tab->head[c]);
		tv_strbuf_puts(out, "</th>");
	}
	tv_strbuf_puts(out, "</tr></thead>\n<tbody>\n");
	for (size_t r = 0; r < tab->nrows; r++) {
		tv_strbuf_puts(out, "<tr>");
		for (size_t c = 0; c < tab->ncols; c++) {
			const char *s = tab->cell[r * tab->ncols + c];
			int st = tab->style[r * tab->ncols + c];

			tv_strbuf_printf(out, "<td class=\"%s%s%s\">", tab->right[c] ? "num" : "",
					 tab->right[c] && st ? " " : "", cell_class[st]);
			html_escape(out, s ? s : "");
			tv_strbuf_puts(out, "</td>");
		}
		tv_strbuf_puts(out, "</tr>\n");
	}
	tv_strbuf_puts(out, "</tbody></table>\n");
}

static void card(struct report *r, struct tv_strbuf *out, const char *metric)
{
	int id = tv_metric_find(metric, strlen(metric));
	char buf[64] = "-";
	double v;

	if (id >= 0 && tv_metric_value(r->agg, tv_agg_total(r->agg), (size_t)id, &v)) {
		fmt_metric((size_t)id, v, buf, sizeof(buf));
	}
	tv_strbuf_puts(out, "<div class=\"card\"><div class=\"v\">");
	html_escape(out, buf);
	tv_strbuf_puts(out, "</div><div class=\"k\">");
	html_escape(out, metric);
	tv_strbuf_puts(out, "</div></div>\n");
}

static void cards(struct report *r, struct tv_strbuf *out)
{
	static const char *const names[] = {
		"sessions",   "success_rate",	     "llm_calls",
		"error_rate", "p50(llm.latency_ms)", "p95(llm.latency_ms)",
		"tool_calls", "total_tokens",	     "cost_usd",
	};

	tv_strbuf_puts(out, "<div class=\"cards\">\n");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		card(r, out, names[i]);
	}
	tv_strbuf_puts(out, "</div>\n");
}

/* the latency histogram: bins on a 1-2-5 scale from 1 ms, empty ends dropped */
static void latency_chart(struct report *r, struct tv_strbuf *out)
{
	static const double steps[] = { 1, 2, 5 };
	const struct tv_dist *d = &tv_agg_total(r->agg)->dist[TV_AGG_LLM_LATENCY];
	double edges[MAX_BINS + 1], w[MAX_BINS];
	char labels[MAX_BINS][32], tips[MAX_BINS][64];
	struct bar b[MAX_BINS];
	size_t n = 0, first = MAX_BINS, last = 0;

	for (size_t i = 0; i <= MAX_BINS; i++) {
		edges[i] = steps[i % 3] * pow(10, (double)(i / 3)) * 1e6; /* ns */
	}
	edges[0] = -1e300; /* the first bin takes all below 2 ms */
	tv_dist_histogram(d, edges, MAX_BINS + 1, w);
	for (size_t i = 0; i < MAX_BINS; i++) {
		if (w[i] > 0) {
			first = i < first ? i : first;
			last = i;
		}
	}
	tv_strbuf_puts(out, "<h2>LLM latency</h2>\n");
	if (first == MAX_BINS) {
		tv_strbuf_puts(out, "<p class=\"note\">no LLM call with a duration</p>\n");
		return;
	}
	for (size_t i = first; i <= last; i++, n++) {
		fmt_ms(i ? edges[i] / 1e6 : 0, labels[n], sizeof(labels[n]));
		snprintf(tips[n], sizeof(tips[n]), "from %.31s: %.0f calls", labels[n], w[i]);
		b[n] = (struct bar){ labels[n], { w[i], 0 }, tips[n] };
	}
	svg_columns(out, "LLM calls by latency (bins from the label up)", b, n, "", 0);
}

/* p50, p90, p95 and p99 of LLM latency for the total and each group */
static void percentile_chart(struct report *r, struct tv_strbuf *out)
{
	static const char *const series[] = { "p50", "p90", "p95", "p99" };
	static const char *const names[] = { "p50(llm.latency_ms)", "p90(llm.latency_ms)",
					     "p95(llm.latency_ms)", "p99(llm.latency_ms)" };
	size_t n;
	struct tv_agg_group **g = tv_agg_groups(r->agg, &n);
	size_t count = n + 1;
	double *v = malloc(count * 4 * sizeof(*v));
	const char **labels = calloc(count, sizeof(*labels));
	struct tv_strbuf *text = calloc(count, sizeof(*text));

	tv_strbuf_puts(out, "<h2>LLM latency percentiles per group</h2>\n");
	for (size_t i = 0; v && labels && text && i < count; i++) {
		struct tv_agg_group *grp = i == 0 ? tv_agg_total(r->agg) : g[i - 1];

		tv_strbuf_init(&text[i]);
		group_label(r, i == 0 ? NULL : grp, &text[i]);
		labels[i] = text[i].p ? text[i].p : "";
		for (size_t s = 0; s < 4; s++) {
			int id = tv_metric_find(names[s], strlen(names[s]));

			if (!tv_metric_value(r->agg, grp, (size_t)id, &v[i * 4 + s])) {
				v[i * 4 + s] = NAN;
			}
		}
	}
	if (v && labels && text) {
		svg_grouped(out, "LLM latency percentiles (ms)", labels, v, count, series, 4, "ms");
	}
	for (size_t i = 0; text && i < count; i++) {
		tv_strbuf_finish(&text[i]);
	}
	free(text);
	free(labels);
	free(v);
}

static void point_label(char *buf, size_t n, int64_t start, int64_t width)
{
	char t[TV_TIME_BUFSZ];

	tv_time_format(start, t);
	/* days and longer: the date; hours: the date and the hour */
	if (width >= 24 * 3600 * TV_NS_PER_SEC) {
		snprintf(buf, n, "%.10s", t);
	} else {
		snprintf(buf, n, "%.10s %.2sh", t, t + 11);
	}
}

static double count_of(const struct report *r, const struct tv_agg_num *c)
{
	return tv_agg_weighted(r->agg) ? c->w : (double)c->n;
}

static void series_charts(struct report *r, struct tv_strbuf *out)
{
	size_t n;
	int64_t width;
	const struct tv_agg_point *p = tv_agg_series(r->agg, &n, &width);
	struct bar *b = calloc(n ? n : 1, sizeof(*b)), *e = calloc(n ? n : 1, sizeof(*e));
	char(*labels)[32] = calloc(n ? n : 1, sizeof(*labels));
	char(*tips)[2][96] = calloc(n ? n : 1, sizeof(*tips));

	tv_strbuf_puts(out, "<h2>Sessions and errors over time</h2>\n");
	if (b == NULL || e == NULL || labels == NULL || tips == NULL || n == 0) {
		tv_strbuf_puts(out, "<p class=\"note\">no session with a start time</p>\n");
		n = 0;
	}
	for (size_t i = 0; i < n; i++) {
		double s = count_of(r, &p[i].v[TV_AGG_SERIES_SESSIONS]);
		double f = count_of(r, &p[i].v[TV_AGG_SERIES_FAILED]);
		double c = count_of(r, &p[i].v[TV_AGG_SERIES_LLM_CALLS]);
		double x = count_of(r, &p[i].v[TV_AGG_SERIES_LLM_ERRORS]);

		point_label(labels[i], sizeof(labels[i]), p[i].start, width);
		snprintf(tips[i][0], sizeof(tips[i][0]), "%s: %.0f sessions, %.0f failed",
			 labels[i], s, f);
		snprintf(tips[i][1], sizeof(tips[i][1]),
			 "%s: %.0f LLM errors of %.0f calls (%.1f%%)", labels[i], x, c,
			 c > 0 ? x / c * 100 : 0);
		b[i] = (struct bar){ labels[i], { s - f, f }, tips[i][0] };
		e[i] = (struct bar){ labels[i], { x, 0 }, tips[i][1] };
	}
	if (n > 0) {
		svg_columns(out, "Sessions started (failed ones on top, in red)", b, n, "", 1);
		svg_columns(out, "LLM calls that failed (error or timeout)", e, n, "", 0);
	}
	free(b);
	free(e);
	free(labels);
	free(tips);
}

static void tools_chart(struct report *r, struct tv_strbuf *out)
{
	const struct tv_agg_name *other;
	size_t n;
	const struct tv_agg_name *const *v = tv_agg_tally(r->agg, TV_AGG_TALLY_TOOLS, &n, &other);
	struct bar *b = calloc(n ? n : 1, sizeof(*b));
	char(*tips)[96] = calloc(n ? n : 1, sizeof(*tips));

	tv_strbuf_puts(out, "<h2>Tool use</h2>\n");
	if (b == NULL || tips == NULL || n == 0) {
		tv_strbuf_puts(out, "<p class=\"note\">no tool call</p>\n");
		n = 0;
	}
	for (size_t i = 0; i < n; i++) {
		double calls = count_of(r, &v[i]->n), bad = count_of(r, &v[i]->bad);

		snprintf(tips[i], sizeof(tips[i]), "%s: %.0f calls, %.0f failed", v[i]->name.s,
			 calls, bad);
		b[i] = (struct bar){ v[i]->name.s, { calls - bad, bad }, tips[i] };
	}
	if (n > 0) {
		svg_rows(out, "Tool calls by tool (failed ones in red)", b, n, "", 1);
	}
	free(b);
	free(tips);
}

static void waterfalls(struct report *r, struct tv_strbuf *out)
{
	char title[200];

	for (int failed = 0; failed < 2; failed++) {
		size_t n;
		const struct tv_agg_waterfall *w = tv_agg_waterfalls(r->agg, failed, &n);

		if (w == NULL) {
			out->err = -ENOMEM; /* not "none": write_report() fails */
			return;
		}
		tv_strbuf_puts(out, failed ? "<h2>Failed sessions</h2>\n"
					   : "<h2>Slowest sessions</h2>\n");
		if (n == 0) {
			tv_strbuf_puts(out, "<p class=\"note\">none</p>\n");
		}
		for (size_t i = 0; i < n; i++) {
			char ms[32] = "?";

			if (w[i].dur != TV_NONE) {
				fmt_ms((double)w[i].dur / 1e6, ms, sizeof(ms));
			}
			snprintf(title, sizeof(title), "session %s, %s%s", w[i].id, ms,
				 w[i].dropped ? " (rows cut)" : "");
			svg_waterfall(out, title, &w[i]);
		}
	}
}

int out_html(struct report *r, struct tv_strbuf *out)
{
	struct tables t;
	int e = report_tables(r, &t);

	if (e) {
		tables_free(&t);
		return e;
	}
	tv_strbuf_printf(
		out,
		"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		"<title>televal-aggregate report</title>\n<style>\n%s</style>\n</head>\n"
		"<body>\n<h1>televal-aggregate report</h1>\n",
		style);
	if (t.estimate) {
		tv_strbuf_puts(out, "<p class=\"note estimate\">");
		html_escape(out, t.estimate);
		tv_strbuf_puts(out, "</p>\n");
	}
	cards(r, out);
	for (size_t i = 0; i < t.n && strcmp(t.v[i].id, "alerts") == 0; i++) {
		html_table(out, &t.v[i]);
	}
	latency_chart(r, out);
	percentile_chart(r, out);
	series_charts(r, out);
	tools_chart(r, out);
	waterfalls(r, out);
	for (size_t i = 0; i < t.n; i++) {
		if (strcmp(t.v[i].id, "alerts") != 0) {
			html_table(out, &t.v[i]);
		}
	}
	tv_strbuf_puts(out, "<footer>");
	html_escape(out, t.footer);
	tv_strbuf_puts(out, "</footer>\n</body>\n</html>\n");
	tables_free(&t);
	return 0;
}
