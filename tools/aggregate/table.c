// SPDX-License-Identifier: MIT
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcommon/core/tv_time.h"
#include "table.h"

#define CELL_MAX 256

/* ---- formatting values ---- */

void fmt_ms(double ms, char *buf, size_t n)
{
	double a = fabs(ms);

	if (a < 10) {
		snprintf(buf, n, "%.3g ms", ms);
	} else if (a < 1000) {
		snprintf(buf, n, "%.0f ms", ms);
	} else if (a < 60000) {
		snprintf(buf, n, "%.2f s", ms / 1000);
	} else if (a < 3600000) {
		snprintf(buf, n, "%.1f min", ms / 60000);
	} else {
		snprintf(buf, n, "%.2f h", ms / 3600000);
	}
}

static void fmt_usd(double v, char *buf, size_t n)
{
	snprintf(buf, n, fabs(v) < 1 && v != 0 ? "$%.4f" : "$%.2f", v);
}

void fmt_metric(size_t id, double v, char *buf, size_t n)
{
	const struct tv_metric *m = tv_metric_get(id);

	switch (m->kind) {
	case TV_METRIC_RATE:
		snprintf(buf, n, "%.1f%%", v * 100);
		return;
	case TV_METRIC_PER:
		snprintf(buf, n, "%.2f", v);
		return;
	case TV_METRIC_USD:
		fmt_usd(v, buf, n);
		return;
	case TV_METRIC_DIST:
		if (strstr(m->section, "_ms") && strcmp(m->key, "count") != 0) {
			fmt_ms(v, buf, n);
			return;
		}
		snprintf(buf, n, strcmp(m->key, "mean") == 0 ? "%.1f" : "%.0f", v);
		return;
	default:
		snprintf(buf, n, "%.0f", v);
		return;
	}
}

size_t display_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++) {
		w += ((unsigned char)*s & 0xc0) != 0x80;
	}
	return w;
}

/* ---- building tables ---- */

static struct ttab *tab_new(struct tables *t, const char *id, const char *title, size_t ncols)
{
	struct ttab *v = realloc(t->v, (t->n + 1) * sizeof(*v)), *tab;

	if (v == NULL) {
		return NULL;
	}
	t->v = v;
	tab = &v[t->n];
	*tab = (struct ttab){ .ncols = ncols };
	tab->id = strdup(id);
	tab->title = strdup(title);
	tab->head = calloc(ncols, sizeof(*tab->head));
	tab->right = calloc(ncols, sizeof(*tab->right));
	if (!tab->id || !tab->title || !tab->head || !tab->right) {
		free(tab->id);
		free(tab->title);
		free(tab->head);
		free(tab->right);
		return NULL;
	}
	t->n++;
	return tab;
}

/* the column heads, "#" before a name marks a right-aligned (number) column */
static int tab_head(struct ttab *tab, const char *const *names)
{
	for (size_t c = 0; c < tab->ncols; c++) {
		const char *h = names[c];

		tab->right[c] = h[0] == '#';
		tab->head[c] = strdup(h + (h[0] == '#'));
		if (tab->head[c] == NULL) {
			return -ENOMEM;
		}
	}
	return 0;
}

/* a new row of empty cells; its index in *@row */
static int tab_row(struct ttab *tab, size_t *row)
{
	if (tab->nrows == tab->cap) {
		size_t c = tab->cap ? tab->cap * 2 : 16;
		char **cell = realloc(tab->cell, c * tab->ncols * sizeof(*cell));
		unsigned char *st;

		if (cell == NULL) {
			return -ENOMEM;
		}
		tab->cell = cell;
		st = realloc(tab->style, c * tab->ncols);
		if (st == NULL) {
			return -ENOMEM;
		}
		tab->style = st;
		tab->cap = c;
	}
	for (size_t c = 0; c < tab->ncols; c++) {
		tab->cell[tab->nrows * tab->ncols + c] = NULL;
		tab->style[tab->nrows * tab->ncols + c] = ST_PLAIN;
	}
	*row = tab->nrows++;
	return 0;
}

static int cell(struct ttab *tab, size_t row, size_t col, enum cell_style st, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int cell(struct ttab *tab, size_t row, size_t col, enum cell_style st, const char *fmt, ...)
{
	char buf[CELL_MAX];
	va_list ap;
	char **p = &tab->cell[row * tab->ncols + col];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	free(*p);
	*p = strdup(buf);
	tab->style[row * tab->ncols + col] = (unsigned char)st;
	return *p ? 0 : -ENOMEM;
}

/* a cell of metric @id of @g, "-" without a value */
static int metric_cell(struct report *r, struct ttab *tab, size_t row, size_t col,
		       struct tv_agg_group *g, int id)
{
	char buf[64];
	double v;

	if (id < 0 || !tv_metric_value(r->agg, g, (size_t)id, &v)) {
		return cell(tab, row, col, ST_DIM, "-");
	}
	fmt_metric((size_t)id, v, buf, sizeof(buf));
	return cell(tab, row, col, ST_PLAIN, "%s", buf);
}

static int metric_id(const char *name)
{
	return tv_metric_find(name, strlen(name));
}

/* ---- the tables ---- */

static int summary(struct report *r, struct tables *t)
{
	static const char *const head[] = { "metric", "#value" };
	struct ttab *tab = tab_new(t, "summary", "Summary", 2);
	struct tv_agg_group *g = tv_agg_total(r->agg);
	size_t row;
	int e = tab ? tab_head(tab, head) : -ENOMEM;

	for (size_t id = 0; e == 0 && id < tv_metric_count(); id++) {
		if (tv_metric_get(id)->kind == TV_METRIC_DIST) {
			continue;
		}
		e = tab_row(tab, &row);
		if (e == 0) {
			e = cell(tab, row, 0, ST_PLAIN, "%s", tv_metric_get(id)->name);
		}
		if (e == 0) {
			e = metric_cell(r, tab, row, 1, g, (int)id);
		}
	}
	return e;
}

static int dist_row(struct report *r, struct ttab *tab, int d)
{
	static const char *const stat[] = { "count", "mean", "min", "p50",
					    "p90",   "p95",  "p99", "max" };
	struct tv_agg_group *g = tv_agg_total(r->agg);
	const char *name = tv_agg_dist_name((enum tv_agg_dist)d);
	char full[64];
	size_t row;
	int e = tab_row(tab, &row);

	if (e == 0) {
		e = cell(tab, row, 0, ST_PLAIN, "%s", name);
	}
	for (size_t s = 0; e == 0 && s < sizeof(stat) / sizeof(stat[0]); s++) {
		snprintf(full, sizeof(full), "%s(%s)", stat[s], name);
		e = metric_cell(r, tab, row, 1 + s, g, metric_id(full));
	}
	if (e == 0 && g->dist[d].n == 0) {
		e = cell(tab, row, 9, ST_DIM, "-");
	} else if (e == 0) {
		e = tv_dist_exact(&g->dist[d]) ? cell(tab, row, 9, ST_PLAIN, "exact")
					       : cell(tab, row, 9, ST_PLAIN, "±%g%%",
						      tv_agg_options(r->agg)->alpha * 100);
	}
	return e;
}

static int distributions(struct report *r, struct tables *t)
{
	static const char *const head[] = {
		"distribution", "#count", "#mean", "#min", "#p50",
		"#p90",		"#p95",	  "#p99",  "#max", "percentiles"
	};
	struct ttab *tab = tab_new(t, "distributions", "Distributions", 10);
	int e = tab ? tab_head(tab, head) : -ENOMEM;

	for (int d = 0; e == 0 && d < TV_AGG_NDIST; d++) {
		e = dist_row(r, tab, d);
	}
	return e;
}

static const char *const group_metrics[] = {
	"sessions",
	"success_rate",
	"llm_calls",
	"error_rate",
	"p50(llm.latency_ms)",
	"p95(llm.latency_ms)",
	"p99(llm.latency_ms)",
	"input_tokens",
	"output_tokens",
	"cost_usd",
};
#define N_GROUP_METRICS (sizeof(group_metrics) / sizeof(group_metrics[0]))

static int key_cells(struct report *r, struct ttab *tab, size_t row, const struct tv_agg_group *g)
{
	int e = 0;

	for (size_t k = 0; e == 0 && k < tv_agg_options(r->agg)->n_by; k++) {
		if (g->other) {
			e = cell(tab, row, k, ST_DIM, "(other)");
		} else if (g->key[k].s == NULL) {
			e = cell(tab, row, k, ST_DIM, "(none)");
		} else {
			e = cell(tab, row, k, ST_PLAIN, "%.*s", (int)g->key[k].n, g->key[k].s);
		}
	}
	return e;
}

static int groups(struct report *r, struct tables *t)
{
	size_t n, nk = tv_agg_options(r->agg)->n_by, row;
	struct tv_agg_group **g = tv_agg_groups(r->agg, &n);
	struct ttab *tab;
	const char *head[64 + N_GROUP_METRICS];
	int e;

	if (nk == 0 || nk > 64) {
		return 0;
	}
	tab = tab_new(t, "groups", "Groups", nk + N_GROUP_METRICS);
	if (tab == NULL) {
		return -ENOMEM;
	}
	for (size_t k = 0; k < nk; k++) {
		head[k] = tv_agg_options(r->agg)->by[k];
	}
	for (size_t m = 0; m < N_GROUP_METRICS; m++) {
		head[nk + m] = "#";
	}
	e = tab_head(tab, head);
	for (size_t m = 0; e == 0 && m < N_GROUP_METRICS; m++) {
		free(tab->head[nk + m]);
		tab->head[nk + m] = strdup(group_metrics[m]);
		e = tab->head[nk + m] ? 0 : -ENOMEM;
	}
	for (size_t i = 0; e == 0 && i < n; i++) {
		e = tab_row(tab, &row);
		if (e == 0) {
			e = key_cells(r, tab, row, g[i]);
		}
		for (size_t m = 0; e == 0 && m < N_GROUP_METRICS; m++) {
			e = metric_cell(r, tab, row, nk + m, g[i], metric_id(group_metrics[m]));
		}
	}
	return e;
}

static int slowest(struct report *r, struct tables *t)
{
	static const char *const head[] = {
		"#latency", "model", "session", "#turn", "#call", "time"
	};
	size_t n, row;
	const struct tv_agg_call *c = tv_agg_slowest(r->agg, &n);
	struct ttab *tab = tab_new(t, "slowest", "Slowest LLM calls", 6);
	char ms[32], when[TV_TIME_BUFSZ];
	int e = tab ? tab_head(tab, head) : -ENOMEM;

	for (size_t i = 0; e == 0 && i < n; i++) {
		fmt_ms((double)c[i].dur / 1e6, ms, sizeof(ms));
		when[0] = '\0';
		if (c[i].time != TV_NONE) {
			tv_time_format(c[i].time, when);
		}
		e = tab_row(tab, &row);
		e = e ? e : cell(tab, row, 0, ST_PLAIN, "%s", ms);
		e = e ? e : cell(tab, row, 1, ST_PLAIN, "%s", c[i].model ? c[i].model : "-");
		e = e ? e : cell(tab, row, 2, ST_PLAIN, "%s", c[i].session);
		e = e ? e : cell(tab, row, 3, ST_PLAIN, "%u", c[i].turn + 1);
		e = e ? e : cell(tab, row, 4, ST_PLAIN, "%u", c[i].call + 1);
		e = e ? e : cell(tab, row, 5, ST_PLAIN, "%s", when);
	}
	return e;
}

static double shown(const struct report *r, const struct tv_agg_num *c)
{
	return tv_agg_weighted(r->agg) ? c->w : (double)c->n;
}

static int name_cells(struct report *r, struct ttab *tab, enum tv_agg_tally_kind k,
		      const struct tv_agg_name *e, bool other)
{
	char a[32], b[32];
	size_t row;
	int rc = tab_row(tab, &row);
	const char *name = other ? "(other)" : e->name.s;

	if (rc == 0) {
		rc = cell(tab, row, 0, other ? ST_DIM : ST_PLAIN, "%s", name);
	}
	if (rc == 0 && k == TV_AGG_TALLY_OPS) {
		fmt_ms(e->dur_n ? (double)e->dur_sum / (double)e->dur_n / 1e6 : 0, a, sizeof(a));
		fmt_ms((double)e->dur_max / 1e6, b, sizeof(b));
		rc = cell(tab, row, 1, ST_PLAIN, "%.0f", shown(r, &e->n));
		rc = rc ? rc : cell(tab, row, 2, ST_PLAIN, "%s", e->dur_n ? a : "-");
		rc = rc ? rc : cell(tab, row, 3, ST_PLAIN, "%s", e->dur_n ? b : "-");
	} else if (rc == 0 && k == TV_AGG_TALLY_TOOLS) {
		double calls = shown(r, &e->n), bad = shown(r, &e->bad);

		rc = cell(tab, row, 1, ST_PLAIN, "%.0f", calls);
		rc = rc ? rc : cell(tab, row, 2, ST_PLAIN, "%.0f", bad);
		rc = rc ? rc
			: cell(tab, row, 3, ST_PLAIN, "%.1f%%", calls > 0 ? bad / calls * 100 : 0);
	} else if (rc == 0) {
		rc = cell(tab, row, 1, ST_PLAIN, "%.0f", shown(r, &e->n));
	}
	return rc;
}

static int tally(struct report *r, struct tables *t, enum tv_agg_tally_kind k)
{
	static const char *const heads[][4] = {
		{ "tool", "#calls", "#failed", "#failure rate" },
		{ "error", "#count", "", "" },
		{ "operation", "#count", "#mean", "#max" },
	};
	static const char *const titles[] = { "Tools", "Errors", "Slowest operations" };
	static const char *const ids[] = { "tools", "errors", "operations" };
	const struct tv_agg_name *other;
	size_t n, ncols = k == TV_AGG_TALLY_ERRORS ? 2 : 4;
	const struct tv_agg_name *const *v = tv_agg_tally(r->agg, k, &n, &other);
	struct ttab *tab = tab_new(t, ids[k], titles[k], ncols);
	int e = tab ? tab_head(tab, heads[k]) : -ENOMEM;

	for (size_t i = 0; e == 0 && i < n; i++) {
		e = name_cells(r, tab, k, v[i], false);
	}
	if (e == 0 && other) {
		e = name_cells(r, tab, k, other, true);
	}
	return e;
}

static int alerts(struct report *r, struct tables *t)
{
	static const char *const head[] = { "alert", "where", "values" };
	struct ttab *tab;
	struct tv_strbuf label;
	size_t row;
	int e;

	if (r->alerts == NULL) {
		return 0;
	}
	tab = tab_new(t, "alerts", "Alerts", 3);
	e = tab ? tab_head(tab, head) : -ENOMEM;
	tv_strbuf_init(&label);
	for (size_t i = 0; e == 0 && i < r->n_fired; i++) {
		const struct fired *f = &r->fired[i];

		tv_strbuf_reset(&label);
		group_label(r, f->group, &label);
		e = tab_row(tab, &row);
		e = e ? e : cell(tab, row, 0, ST_BAD, "%s", alerts_source(r->alerts, f->expr));
		e = e ? e : cell(tab, row, 1, ST_PLAIN, "%s", label.p ? label.p : "");
		e = e ? e : cell(tab, row, 2, ST_PLAIN, "%s", f->values);
	}
	tv_strbuf_finish(&label);
	if (e == 0 && r->n_fired == 0) {
		tab->note = strdup("no alert fired");
		e = tab->note ? 0 : -ENOMEM;
	}
	return e;
}

void change_of(struct report *r, struct tv_agg_group *g, const struct base_group *b, size_t id,
	       struct change *c)
{
	int better = tv_metric_get(id)->better;

	*c = (struct change){ .pct = NAN };
	c->has_after = g && tv_metric_value(r->agg, g, id, &c->after);
	c->has_before = b && !isnan(b->v[id]);
	if (c->has_before) {
		c->before = b->v[id];
	}
	if (!c->has_before || !c->has_after) {
		return;
	}
	c->delta = c->after - c->before;
	if (c->before != 0) {
		c->pct = c->delta / fabs(c->before);
	}
	c->direction = c->delta > 0 ? "up" : c->delta < 0 ? "down" : "same";
	if (c->delta != 0) {
		c->better = (c->delta > 0) == (better > 0) ? 1 : -1;
		c->better = better ? c->better : 0;
	}
}

static int change_cells(struct ttab *tab, size_t row, size_t col, size_t id, const struct change *c)
{
	char buf[64];
	enum cell_style st = c->better > 0 ? ST_GOOD : c->better < 0 ? ST_BAD : ST_PLAIN;
	int e = 0;

	if (c->has_before) {
		fmt_metric(id, c->before, buf, sizeof(buf));
		e = cell(tab, row, col, ST_PLAIN, "%s", buf);
	} else {
		e = cell(tab, row, col, ST_DIM, "-");
	}
	if (e == 0 && c->has_after) {
		fmt_metric(id, c->after, buf, sizeof(buf));
		e = cell(tab, row, col + 1, ST_PLAIN, "%s", buf);
	} else if (e == 0) {
		e = cell(tab, row, col + 1, ST_DIM, "-");
	}
	if (e == 0 && c->direction && tv_metric_get(id)->kind == TV_METRIC_RATE) {
		e = cell(tab, row, col + 2, st, "%+.1f pp", c->delta * 100); /* percentage points */
	} else if (e == 0 && c->direction && !isnan(c->pct)) {
		e = cell(tab, row, col + 2, st, "%+.1f%%", c->pct * 100);
	} else if (e == 0 && c->direction) {
		e = cell(tab, row, col + 2, st, "%+.4g", c->delta);
	}
	if (e == 0 && c->direction) {
		e = cell(tab, row, col + 3, st, "%s",
			 c->delta > 0	? "↑"
			 : c->delta < 0 ? "↓"
					: "=");
	}
	return e;
}

static int compare_total(struct report *r, struct tables *t)
{
	static const char *const head[] = { "metric", "#before", "#now", "#change", "" };
	struct ttab *tab = tab_new(t, "compare", "Compared with the baseline", 5);
	struct change c;
	size_t row;
	int e = tab ? tab_head(tab, head) : -ENOMEM;

	if (e == 0) {
		e = (tab->note = malloc(strlen(r->base->file) + 40)) ? 0 : -ENOMEM;
	}
	if (e == 0) {
		snprintf(tab->note, strlen(r->base->file) + 40, "baseline: %s (%s)", r->base->file,
			 r->base->kind);
	}
	for (size_t id = 0; e == 0 && id < tv_metric_count(); id++) {
		change_of(r, tv_agg_total(r->agg), &r->base->total, id, &c);
		if (!c.has_before && !c.has_after) {
			continue;
		}
		e = tab_row(tab, &row);
		e = e ? e : cell(tab, row, 0, ST_PLAIN, "%s", tv_metric_get(id)->name);
		e = e ? e : change_cells(tab, row, 1, id, &c);
	}
	return e;
}

static int compare_group_rows(struct report *r, struct ttab *tab, struct tv_agg_group *g)
{
	const struct base_group *b = baseline_find(r->base, g, tv_agg_options(r->agg)->n_by);
	size_t nk = tv_agg_options(r->agg)->n_by, row;
	struct change c;
	int e = 0;

	for (size_t m = 0; e == 0 && m < N_GROUP_METRICS; m++) {
		int id = metric_id(group_metrics[m]);

		change_of(r, g, b, (size_t)id, &c);
		if (!c.has_before && !c.has_after) {
			continue;
		}
		e = tab_row(tab, &row);
		e = e ? e : key_cells(r, tab, row, g);
		e = e ? e : cell(tab, row, nk, ST_PLAIN, "%s", group_metrics[m]);
		e = e ? e : change_cells(tab, row, nk + 1, (size_t)id, &c);
	}
	return e;
}

static int compare_groups(struct report *r, struct tables *t)
{
	size_t n, nk = tv_agg_options(r->agg)->n_by;
	struct tv_agg_group **g = tv_agg_groups(r->agg, &n);
	const char *head[64 + 5];
	struct ttab *tab;
	int e;

	if (nk == 0 || nk > 64) {
		return 0;
	}
	tab = tab_new(t, "compare_groups", "Compared by group", nk + 5);
	if (tab == NULL) {
		return -ENOMEM;
	}
	for (size_t k = 0; k < nk; k++) {
		head[k] = tv_agg_options(r->agg)->by[k];
	}
	head[nk] = "metric";
	head[nk + 1] = "#before";
	head[nk + 2] = "#now";
	head[nk + 3] = "#change";
	head[nk + 4] = "";
	e = tab_head(tab, head);
	for (size_t i = 0; e == 0 && i < n; i++) {
		e = compare_group_rows(r, tab, g[i]);
	}
	return e;
}

static int notes(struct report *r, struct tables *t)
{
	const struct input_counts *c = &r->in;
	const struct tv_agg_opts *o = tv_agg_options(r->agg);
	const char *date, *source;
	struct tv_strbuf b;

	tv_strbuf_init(&b);
	tv_strbuf_printf(&b,
			 "Read %llu records (used %llu, skipped %llu, rejected %llu) in %llu "
			 "files; %llu sessions, %llu aggregated.",
			 (unsigned long long)c->records_read, (unsigned long long)c->records_used,
			 (unsigned long long)c->records_skipped,
			 (unsigned long long)c->records_rejected, (unsigned long long)c->files,
			 (unsigned long long)c->sessions, (unsigned long long)c->selected);
	if (c->partials) {
		tv_strbuf_printf(&b, " Merged from %llu partial states.",
				 (unsigned long long)c->partials);
	}
	tv_strbuf_printf(&b,
			 " Percentiles: nearest rank; exact up to %zu values per distribution, "
			 "then within %g%%.",
			 o->exact_max, o->alpha * 100);
	if (tv_agg_prices(r->agg, &date, &source)) {
		tv_strbuf_printf(&b, " Costs: prices of %s (%s).", date, source);
	} else {
		tv_strbuf_printf(&b, " Costs: as the data gave them.");
	}
	t->footer = tv_strbuf_steal(&b);
	if (tv_agg_weighted(r->agg)) {
		t->estimate = strdup("Estimates: the input was sampled; counts, sums and "
				     "percentiles are weighted by sampling.weight.");
		if (t->estimate == NULL) {
			return -ENOMEM;
		}
	}
	return t->footer ? 0 : -ENOMEM;
}

int report_tables(struct report *r, struct tables *t)
{
	int e;

	*t = (struct tables){ 0 };
	e = alerts(r, t);
	e = e ? e : summary(r, t);
	e = e ? e : distributions(r, t);
	e = e ? e : groups(r, t);
	if (e == 0 && r->base) {
		e = compare_total(r, t);
		e = e ? e : compare_groups(r, t);
	}
	e = e ? e : slowest(r, t);
	e = e ? e : tally(r, t, TV_AGG_TALLY_TOOLS);
	e = e ? e : tally(r, t, TV_AGG_TALLY_ERRORS);
	e = e ? e : tally(r, t, TV_AGG_TALLY_OPS);
	return e ? e : notes(r, t);
}

void tables_free(struct tables *t)
{
	for (size_t i = 0; i < t->n; i++) {
		struct ttab *tab = &t->v[i];

		for (size_t c = 0; c < tab->nrows * tab->ncols; c++) {
			free(tab->cell[c]);
		}
		for (size_t c = 0; c < tab->ncols; c++) {
			free(tab->head[c]);
		}
		free(tab->cell);
		free(tab->style);
		free(tab->head);
		free(tab->right);
		free(tab->id);
		free(tab->title);
		free(tab->note);
	}
	free(t->v);
	free(t->estimate);
	free(t->footer);
	*t = (struct tables){ 0 };
}

void group_label(const struct report *r, const struct tv_agg_group *g, struct tv_strbuf *out)
{
	if (g == NULL) {
		tv_strbuf_puts(out, "total");
		return;
	}
	if (g->other) {
		tv_strbuf_puts(out, "other");
		return;
	}
	for (size_t k = 0; k < tv_agg_options(r->agg)->n_by; k++) {
		tv_strbuf_printf(out, "%s%s=", k ? ", " : "", tv_agg_options(r->agg)->by[k]);
		if (g->key[k].s) {
			tv_strbuf_append(out, g->key[k].s, g->key[k].n);
		} else {
			tv_strbuf_puts(out, "(none)");
		}
	}
}
