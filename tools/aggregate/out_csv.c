// SPDX-License-Identifier: MIT
/*
 * --format csv (RFC 4180): one row per group (the total first), one column
 * per metric, named as in --fail-if.  With --compare, one row per group and
 * metric: before, after, change, change in percent, direction, better.
 * Empty fields have no value.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"

static void field(struct tv_strbuf *out, const char *s, size_t n, bool first)
{
	bool quote = false;

	if (!first) {
		tv_strbuf_putc(out, ',');
	}
	for (size_t i = 0; i < n; i++) {
		quote = quote || s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
	}
	if (!quote) {
		tv_strbuf_append(out, s, n);
		return;
	}
	tv_strbuf_putc(out, '"');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"') {
			tv_strbuf_putc(out, '"');
		}
		tv_strbuf_putc(out, s[i]);
	}
	tv_strbuf_putc(out, '"');
}

static void cfield(struct tv_strbuf *out, const char *s)
{
	field(out, s, strlen(s), false);
}

/* the shortest text that reads back as @v; empty for no value */
static void num(struct tv_strbuf *out, bool has, double v)
{
	char buf[40];

	tv_strbuf_putc(out, ',');
	if (!has || !isfinite(v)) {
		return;
	}
	if (v == floor(v) && fabs(v) < 1e15) {
		tv_strbuf_printf(out, "%.0f", v);
		return;
	}
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, v);
		if (strtod(buf, NULL) == v) {
			break;
		}
	}
	tv_strbuf_puts(out, buf);
}

static void key_fields(struct report *r, struct tv_strbuf *out, const struct tv_agg_group *g,
		       bool total)
{
	const struct tv_agg_opts *o = tv_agg_options(r->agg);
	const char *scope = total ? "total" : g->other ? "other" : "group";

	field(out, scope, strlen(scope), true);
	for (size_t k = 0; k < o->n_by; k++) {
		if (total || g->other || g->key[k].s == NULL) {
			field(out, "", 0, false);
		} else {
			field(out, g->key[k].s, g->key[k].n, false);
		}
	}
}

static void head(struct report *r, struct tv_strbuf *out)
{
	const struct tv_agg_opts *o = tv_agg_options(r->agg);

	field(out, "scope", 5, true);
	for (size_t k = 0; k < o->n_by; k++) {
		cfield(out, o->by[k]);
	}
}

static void metric_row(struct report *r, struct tv_strbuf *out, struct tv_agg_group *g, bool total)
{
	double v;

	key_fields(r, out, g, total);
	for (size_t id = 0; id < tv_metric_count(); id++) {
		bool has = tv_metric_value(r->agg, g, id, &v);

		num(out, has, v);
	}
	tv_strbuf_puts(out, "\r\n");
}

static void change_rows(struct report *r, struct tv_strbuf *out, struct tv_agg_group *g,
			const struct base_group *b, bool total)
{
	struct change c;

	for (size_t id = 0; id < tv_metric_count(); id++) {
		change_of(r, total ? tv_agg_total(r->agg) : g, b, id, &c);
		if (!c.has_before && !c.has_after) {
			continue;
		}
		key_fields(r, out, g, total);
		cfield(out, tv_metric_get(id)->name);
		num(out, c.has_before, c.before);
		num(out, c.has_after, c.after);
		num(out, c.direction != NULL, c.delta);
		num(out, c.direction != NULL, c.pct * 100);
		cfield(out, c.direction ? c.direction : "");
		cfield(out, c.better > 0 ? "true" : c.better < 0 ? "false" : "");
		tv_strbuf_puts(out, "\r\n");
	}
}

static void compare(struct report *r, struct tv_strbuf *out)
{
	size_t n, nk = tv_agg_options(r->agg)->n_by;
	struct tv_agg_group **g = tv_agg_groups(r->agg, &n);

	head(r, out);
	tv_strbuf_puts(out, ",metric,before,after,change,change_pct,direction,better\r\n");
	change_rows(r, out, tv_agg_total(r->agg), &r->base->total, true);
	for (size_t i = 0; i < n; i++) {
		change_rows(r, out, g[i], baseline_find(r->base, g[i], nk), false);
	}
}

int out_csv(struct report *r, struct tv_strbuf *out)
{
	size_t n;
	struct tv_agg_group **g;

	if (r->base) {
		compare(r, out);
		return 0;
	}
	head(r, out);
	for (size_t id = 0; id < tv_metric_count(); id++) {
		cfield(out, tv_metric_get(id)->name);
	}
	tv_strbuf_puts(out, "\r\n");
	metric_row(r, out, tv_agg_total(r->agg), true);
	g = tv_agg_groups(r->agg, &n);
	for (size_t i = 0; i < n; i++) {
		metric_row(r, out, g[i], false);
	}
	return 0;
}
