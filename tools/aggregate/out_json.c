// SPDX-License-Identifier: MIT
/*
 * --format json: the machine interface.  One object; its members, their
 * order and their meaning are fixed by tools/aggregate/aggregate.schema.json
 * (a metric that has no value is null; durations are milliseconds; rates
 * are fractions).  Nothing in it depends on the time of the run.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "libcommon/core/tv_time.h"
#include "libcommon/json/tv_jw.h"
#include "table.h"

#define SCHEMA_VERSION 1

static void put_value(struct tv_jw *w, const struct tv_metric *m, bool weighted, bool has, double v)
{
	if (!has) {
		tv_jw_null(w);
	} else if (!weighted &&
		   (m->kind == TV_METRIC_COUNT || m->kind == TV_METRIC_TOKENS ||
		    (m->kind == TV_METRIC_DIST && strcmp(m->key, "count") == 0)) &&
		   fabs(v) < 9e15) {
		tv_jw_int(w, (int64_t)v);
	} else {
		tv_jw_double(w, v);
	}
}

static void put_time(struct tv_jw *w, int64_t ns)
{
	tv_jw_time(w, ns);
}

/* {"KEY": value, ...} of @g; null values for none and the other group */
static void put_key_object(struct report *r, struct tv_jw *w, const struct tv_agg_group *g)
{
	const struct tv_agg_opts *o = tv_agg_options(r->agg);

	tv_jw_obj_begin(w);
	for (size_t k = 0; k < o->n_by; k++) {
		tv_jw_key(w, o->by[k]);
		if (g->other || g->key[k].s == NULL) {
			tv_jw_null(w);
		} else {
			tv_jw_str(w, g->key[k].s, g->key[k].n);
		}
	}
	tv_jw_obj_end(w);
}

static void put_key(struct report *r, struct tv_jw *w, const struct tv_agg_group *g)
{
	TV_JW_KEY(w, "key");
	put_key_object(r, w, g);
	TV_JW_KEY(w, "other");
	tv_jw_bool(w, g->other);
}

/* the accuracy of a distribution's percentiles */
static void put_accuracy(struct report *r, struct tv_jw *w, const struct tv_dist *d)
{
	TV_JW_KEY(w, "exact");
	tv_jw_bool(w, tv_dist_exact(d));
	TV_JW_KEY(w, "relative_error");
	tv_jw_double(w, tv_dist_exact(d) ? 0 : tv_agg_options(r->agg)->alpha);
}

/*
 * The metrics of @g, section by section in the order of the metric table,
 * which ends with the distributions: "distributions": {NAME: {...}}.
 */
static void put_metrics(struct report *r, struct tv_jw *w, struct tv_agg_group *g)
{
	const char *section = NULL;
	bool weighted = tv_agg_weighted(r->agg), in_dists = false, has;
	int d = -1;
	double v;

	for (size_t id = 0; id < tv_metric_count(); id++) {
		const struct tv_metric *m = tv_metric_get(id);

		if (section == NULL || strcmp(section, m->section) != 0) {
			if (d >= 0) {
				put_accuracy(r, w, &g->dist[d]);
			}
			if (section) {
				tv_jw_obj_end(w);
			}
			if (m->kind == TV_METRIC_DIST && !in_dists) {
				TV_JW_KEY(w, "distributions");
				tv_jw_obj_begin(w);
				in_dists = true;
			}
			d = m->kind == TV_METRIC_DIST ? d + 1 : -1;
			section = m->section;
			tv_jw_key(w, section);
			tv_jw_obj_begin(w);
		}
		has = tv_metric_value(r->agg, g, id, &v);
		tv_jw_key(w, m->key);
		put_value(w, m, weighted, has, v);
	}
	put_accuracy(r, w, &g->dist[d]);
	tv_jw_obj_end(w);
	tv_jw_obj_end(w);
}

static void put_group(struct report *r, struct tv_jw *w, struct tv_agg_group *g, bool total)
{
	tv_jw_obj_begin(w);
	if (!total) {
		put_key(r, w, g);
	}
	TV_JW_KEY(w, "first_start");
	put_time(w, g->first_start);
	TV_JW_KEY(w, "last_start");
	put_time(w, g->last_start);
	put_metrics(r, w, g);
	tv_jw_obj_end(w);
}

static void put_input(struct report *r, struct tv_jw *w)
{
	const struct input_counts *c = &r->in;
	const int64_t v[] = { (int64_t)c->files,	   (int64_t)c->bytes,
			      (int64_t)c->records_read,	   (int64_t)c->records_used,
			      (int64_t)c->records_skipped, (int64_t)c->records_rejected,
			      (int64_t)c->sessions,	   (int64_t)c->selected,
			      (int64_t)c->partials };
	static const char *const names[] = { "files",	     "bytes",		"records_read",
					     "records_used", "records_skipped", "records_rejected",
					     "sessions",     "aggregated",	"partials" };

	TV_JW_KEY(w, "input");
	tv_jw_obj_begin(w);
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		tv_jw_key(w, names[i]);
		tv_jw_int(w, v[i]);
	}
	tv_jw_obj_end(w);
}

static void put_options(struct report *r, struct tv_jw *w)
{
	const struct tv_agg_opts *o = tv_agg_options(r->agg);
	const char *date, *source;

	TV_JW_KEY(w, "by");
	tv_jw_arr_begin(w);
	for (size_t k = 0; k < o->n_by; k++) {
		tv_jw_cstr(w, o->by[k]);
	}
	tv_jw_arr_end(w);
	TV_JW_KEY(w, "max_groups");
	tv_jw_int(w, (int64_t)o->max_groups);
	TV_JW_KEY(w, "percentiles");
	tv_jw_obj_begin(w);
	TV_JW_KEY(w, "definition");
	tv_jw_cstr(w, "nearest-rank");
	TV_JW_KEY(w, "exact_max");
	tv_jw_int(w, (int64_t)o->exact_max);
	TV_JW_KEY(w, "relative_error");
	tv_jw_double(w, o->alpha);
	tv_jw_obj_end(w);
	TV_JW_KEY(w, "costs");
	tv_jw_obj_begin(w);
	TV_JW_KEY(w, "from");
	tv_jw_cstr(w, tv_agg_prices(r->agg, &date, &source) ? "prices" : "data");
	TV_JW_KEY(w, "date");
	tv_jw_cstr(w, date);
	TV_JW_KEY(w, "source");
	tv_jw_cstr(w, source);
	tv_jw_obj_end(w);
}

static void put_count(struct report *r, struct tv_jw *w, const struct tv_agg_num *c)
{
	if (tv_agg_weighted(r->agg)) {
		tv_jw_double(w, c->w);
	} else {
		tv_jw_int(w, (int64_t)c->n);
	}
}

static void put_slowest(struct report *r, struct tv_jw *w)
{
	size_t n;
	const struct tv_agg_call *c = tv_agg_slowest(r->agg, &n);

	TV_JW_KEY(w, "slowest_llm_calls");
	tv_jw_arr_begin(w);
	for (size_t i = 0; i < n; i++) {
		tv_jw_obj_begin(w);
		TV_JW_KEY(w, "latency_ms");
		tv_jw_ms(w, c[i].dur);
		TV_JW_KEY(w, "model");
		tv_jw_cstr(w, c[i].model);
		TV_JW_KEY(w, "session");
		tv_jw_cstr(w, c[i].session);
		TV_JW_KEY(w, "turn");
		tv_jw_int(w, c[i].turn + 1);
		TV_JW_KEY(w, "call");
		tv_jw_int(w, c[i].call + 1);
		TV_JW_KEY(w, "time");
		put_time(w, c[i].time);
		tv_jw_obj_end(w);
	}
	tv_jw_arr_end(w);
}

static void put_name(struct report *r, struct tv_jw *w, enum tv_agg_tally_kind k,
		     const struct tv_agg_name *e)
{
	tv_jw_obj_begin(w);
	TV_JW_KEY(w, "name");
	tv_jw_str(w, e->name.s ? e->name.s : "", e->name.n);
	TV_JW_KEY(w, "count");
	put_count(r, w, &e->n);
	if (k == TV_AGG_TALLY_TOOLS) {
		TV_JW_KEY(w, "failed");
		put_count(r, w, &e->bad);
	}
	if (k == TV_AGG_TALLY_OPS) {
		TV_JW_KEY(w, "mean_ms");
		if (e->dur_n) {
			tv_jw_double(w, (double)e->dur_sum / (double)e->dur_n / 1e6);
		} else {
			tv_jw_null(w);
		}
		TV_JW_KEY(w, "max_ms");
		if (e->dur_n) {
			tv_jw_ms(w, e->dur_max);
		} else {
			tv_jw_null(w);
		}
	}
	tv_jw_obj_end(w);
}

static void put_tally(struct report *r, struct tv_jw *w, enum tv_agg_tally_kind k)
{
	static const char *const names[] = { "tools", "errors", "operations" };
	const struct tv_agg_name *other;
	size_t n;
	const struct tv_agg_name *const *v = tv_agg_tally(r->agg, k, &n, &other);

	tv_jw_key(w, names[k]);
	tv_jw_arr_begin(w);
	for (size_t i = 0; i < n; i++) {
		put_name(r, w, k, v[i]);
	}
	tv_jw_arr_end(w);
	tv_jw_key(w, k == TV_AGG_TALLY_TOOLS	? "tools_other"
		     : k == TV_AGG_TALLY_ERRORS ? "errors_other"
						: "operations_other");
	if (other) {
		tv_jw_obj_begin(w);
		TV_JW_KEY(w, "count");
		put_count(r, w, &other->n);
		tv_jw_obj_end(w);
	} else {
		tv_jw_null(w);
	}
}

static void put_top(struct report *r, struct tv_jw *w)
{
	TV_JW_KEY(w, "top");
	tv_jw_obj_begin(w);
	put_slowest(r, w);
	for (int k = 0; k < TV_AGG_NTALLY; k++) {
		put_tally(r, w, (enum tv_agg_tally_kind)k);
	}
	tv_jw_obj_end(w);
}

static void put_series(struct report *r, struct tv_jw *w)
{
	static const char *const names[] = { "sessions", "failed_sessions", "llm_calls",
					     "llm_errors" };
	size_t n;
	int64_t width;
	const struct tv_agg_point *p = tv_agg_series(r->agg, &n, &width);

	TV_JW_KEY(w, "series");
	tv_jw_obj_begin(w);
	TV_JW_KEY(w, "bucket_ms");
	tv_jw_ms(w, width);
	TV_JW_KEY(w, "points");
	tv_jw_arr_begin(w);
	for (size_t i = 0; i < n; i++) {
		tv_jw_obj_begin(w);
		TV_JW_KEY(w, "start");
		put_time(w, p[i].start);
		for (int s = 0; s < TV_AGG_NSERIES; s++) {
			tv_jw_key(w, names[s]);
			put_count(r, w, &p[i].v[s]);
		}
		tv_jw_obj_end(w);
	}
	tv_jw_arr_end(w);
	tv_jw_obj_end(w);
}

static void put_rows(struct tv_jw *w, const struct tv_agg_waterfall *f)
{
	static const char *const kinds[] = { "turn", "llm", "tool" };
	static const char *const status[] = { NULL, "ok", "failed" };

	TV_JW_KEY(w, "rows");
	tv_jw_arr_begin(w);
	for (size_t i = 0; i < f->n_rows; i++) {
		const struct tv_agg_row *row = &f->rows[i];

		tv_jw_obj_begin(w);
		TV_JW_KEY(w, "kind");
		tv_jw_cstr(w, kinds[row->kind]);
		TV_JW_KEY(w, "label");
		tv_jw_cstr(w, row->label);
		TV_JW_KEY(w, "start_ms");
		tv_jw_ms(w, row->start);
		TV_JW_KEY(w, "duration_ms");
		tv_jw_ms(w, row->dur);
		TV_JW_KEY(w, "status");
		tv_jw_cstr(w, status[row->status]);
		tv_jw_obj_end(w);
	}
	tv_jw_arr_end(w);
}

static void put_waterfalls(struct report *r, struct tv_jw *w)
{
	TV_JW_KEY(w, "waterfalls");
	tv_jw_obj_begin(w);
	for (int failed = 0; failed < 2; failed++) {
		size_t n;
		const struct tv_agg_waterfall *f = tv_agg_waterfalls(r->agg, failed, &n);

		if (f == NULL) {
			w->err = w->err ? w->err : -ENOMEM; /* not "none" */
			return;
		}
		tv_jw_key(w, failed ? "failed" : "slowest");
		tv_jw_arr_begin(w);
		for (size_t i = 0; i < n; i++) {
			tv_jw_obj_begin(w);
			TV_JW_KEY(w, "session");
			tv_jw_cstr(w, f[i].id);
			TV_JW_KEY(w, "start");
			put_time(w, f[i].start);
			TV_JW_KEY(w, "duration_ms");
			tv_jw_ms(w, f[i].dur);
			TV_JW_KEY(w, "success");
			tv_jw_tristate(w, f[i].success);
			TV_JW_KEY(w, "rows_dropped");
			tv_jw_int(w, (int64_t)f[i].dropped);
			put_rows(w, &f[i]);
			tv_jw_obj_end(w);
		}
		tv_jw_arr_end(w);
	}
	tv_jw_obj_end(w);
}

static void put_group_ref(struct report *r, struct tv_jw *w, const struct tv_agg_group *g)
{
	if (g == NULL) {
		tv_jw_null(w);
	} else {
		put_key_object(r, w, g);
	}
}

static void put_fired(struct report *r, struct tv_jw *w, const struct fired *f)
{
	struct tv_agg_group *g = f->group ? f->group : tv_agg_total(r->agg);
	size_t n;
	const int *ids = alerts_metrics(r->alerts, f->expr, &n);
	double v;

	tv_jw_obj_begin(w);
	TV_JW_KEY(w, "expr");
	tv_jw_cstr(w, alerts_source(r->alerts, f->expr));
	TV_JW_KEY(w, "group");
	put_group_ref(r, w, f->group);
	TV_JW_KEY(w, "other");
	tv_jw_bool(w, f->group && f->group->other);
	TV_JW_KEY(w, "values");
	tv_jw_obj_begin(w);
	for (size_t i = 0; i < n; i++) {
		const struct tv_metric *m = tv_metric_get((size_t)ids[i]);

		bool has = tv_metric_value(r->agg, g, (size_t)ids[i], &v);

		tv_jw_key(w, m->name);
		put_value(w, m, tv_agg_weighted(r->agg), has, v);
	}
	tv_jw_obj_end(w);
	tv_jw_obj_end(w);
}

static void put_alerts(struct report *r, struct tv_jw *w)
{
	TV_JW_KEY(w, "alerts");
	tv_jw_obj_begin(w);
	TV_JW_KEY(w, "evaluated");
	tv_jw_arr_begin(w);
	for (size_t i = 0; r->alerts && i < alerts_count(r->alerts); i++) {
		tv_jw_cstr(w, alerts_source(r->alerts, i));
	}
	tv_jw_arr_end(w);
	TV_JW_KEY(w, "fired");
	tv_jw_arr_begin(w);
	for (size_t i = 0; i < r->n_fired; i++) {
		put_fired(r, w, &r->fired[i]);
	}
	tv_jw_arr_end(w);
	tv_jw_obj_end(w);
}

static void put_opt_double(struct tv_jw *w, bool has, double v)
{
	if (has && isfinite(v)) {
		tv_jw_double(w, v);
	} else {
		tv_jw_null(w);
	}
}

static void put_changes(struct report *r, struct tv_jw *w, struct tv_agg_group *g,
			const struct base_group *b)
{
	struct change c;

	tv_jw_arr_begin(w);
	for (size_t id = 0; id < tv_metric_count(); id++) {
		change_of(r, g, b, id, &c);
		tv_jw_obj_begin(w);
		TV_JW_KEY(w, "metric");
		tv_jw_cstr(w, tv_metric_get(id)->name);
		TV_JW_KEY(w, "before");
		put_opt_double(w, c.has_before, c.before);
		TV_JW_KEY(w, "after");
		put_opt_double(w, c.has_after, c.after);
		TV_JW_KEY(w, "change");
		put_opt_double(w, c.direction != NULL, c.delta);
		TV_JW_KEY(w, "change_pct");
		put_opt_double(w, c.direction != NULL, c.pct * 100);
		TV_JW_KEY(w, "direction");
		tv_jw_cstr(w, c.direction);
		TV_JW_KEY(w, "better");
		if (c.better) {
			tv_jw_bool(w, c.better > 0);
		} else {
			tv_jw_null(w);
		}
		tv_jw_obj_end(w);
	}
	tv_jw_arr_end(w);
}

static void put_compare(struct report *r, struct tv_jw *w)
{
	size_t n, nk = tv_agg_options(r->agg)->n_by;
	struct tv_agg_group **g = tv_agg_groups(r->agg, &n);

	TV_JW_KEY(w, "compare");
	if (r->base == NULL) {
		tv_jw_null(w);
		return;
	}
	tv_jw_obj_begin(w);
	TV_JW_KEY(w, "baseline");
	tv_jw_cstr(w, r->base->file);
	TV_JW_KEY(w, "kind");
	tv_jw_cstr(w, r->base->kind);
	TV_JW_KEY(w, "total");
	put_changes(r, w, tv_agg_total(r->agg), &r->base->total);
	TV_JW_KEY(w, "groups");
	tv_jw_arr_begin(w);
	for (size_t i = 0; i < n; i++) {
		tv_jw_obj_begin(w);
		put_key(r, w, g[i]);
		TV_JW_KEY(w, "metrics");
		put_changes(r, w, g[i], baseline_find(r->base, g[i], nk));
		tv_jw_obj_end(w);
	}
	tv_jw_arr_end(w);
	tv_jw_obj_end(w);
}

int out_json(struct report *r, struct tv_strbuf *out)
{
	struct tv_jw w;
	size_t n;
	struct tv_agg_group **g;

	tv_jw_init(&w, out);
	tv_jw_obj_begin(&w);
	TV_JW_KEY(&w, "televal_aggregate");
	tv_jw_int(&w, SCHEMA_VERSION);
	TV_JW_KEY(&w, "estimated");
	tv_jw_bool(&w, tv_agg_weighted(r->agg));
	put_options(r, &w);
	put_input(r, &w);
	TV_JW_KEY(&w, "total");
	put_group(r, &w, tv_agg_total(r->agg), true);
	TV_JW_KEY(&w, "groups");
	tv_jw_arr_begin(&w);
	g = tv_agg_groups(r->agg, &n);
	for (size_t i = 0; i < n; i++) {
		put_group(r, &w, g[i], false);
	}
	tv_jw_arr_end(&w);
	put_top(r, &w);
	put_series(r, &w);
	put_waterfalls(r, &w);
	put_alerts(r, &w);
	put_compare(r, &w);
	tv_jw_obj_end(&w);
	tv_strbuf_putc(out, '\n');
	return tv_jw_error(&w);
}
