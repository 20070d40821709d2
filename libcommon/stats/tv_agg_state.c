// SPDX-License-Identifier: MIT
/*
 * The partial state of an aggregate, as JSON Lines, and back:
 *
 *   {"televal_partial":1,"by":[..],"max_groups":N,"exact_max":N,"alpha":A,"top":N,
 *    "prices":null|{"date":..,"source":..},"weighted":B,"level":L,"lines":K,"tool":{..}}
 *   {"total":GROUP}
 *   {"group":GROUP}                       one per kept group, then the other group
 *   {"tally":"tools"|"errors"|"operations","names":[NAME..],"other":NAME|null}
 *   {"slowest":[CALL..]}
 *   {"series":[POINT..]}
 *   {"waterfalls":"slowest"|"failed","list":[WATERFALL..]}
 *
 *   GROUP = {"key":[S|null..],"other":B,"counts":[[n,w]..],"sums":[[v,w]..],
 *            "first_start":NS|null,"last_start":NS|null,"dists":[DIST..]}
 *
 * Counts, sums and distributions are in the order of their enums in
 * tv_agg.h; doubles are written so they read back to the same bits, so a
 * state read back merges as the aggregate it was written from.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "libcommon/core/tv_time.h"
#include "libcommon/json/tv_jw.h"
#include "libcommon/stats/tv_agg_int.h"

#define STATE_VERSION 1

static const char *const tally_names[TV_AGG_NTALLY] = { "tools", "errors", "operations" };
static const char *const wf_names[2] = { "slowest", "failed" };

/* ---- writing ---- */

static void put_num(struct tv_jw *w, const struct tv_agg_num *c)
{
	tv_jw_arr_begin(w);
	tv_jw_int(w, (int64_t)c->n);
	tv_jw_double(w, c->w);
	tv_jw_arr_end(w);
}

static void put_opt(struct tv_jw *w, int64_t v)
{
	tv_jw_opt_int(w, v);
}

static void put_str(struct tv_jw *w, const char *s, size_t n)
{
	if (s == NULL) {
		tv_jw_null(w);
	} else {
		tv_jw_str(w, s, n);
	}
}

static void put_group(const struct tv_agg *a, struct tv_jw *w, struct tv_agg_group *g)
{
	tv_jw_obj_begin(w);
	TV_JW_KEY(w, "key");
	tv_jw_arr_begin(w);
	for (size_t k = 0; k < a->o.n_by; k++) {
		put_str(w, g->key ? g->key[k].s : NULL, g->key ? g->key[k].n : 0);
	}
	tv_jw_arr_end(w);
	TV_JW_KEY(w, "other");
	tv_jw_bool(w, g->other);
	TV_JW_KEY(w, "counts");
	tv_jw_arr_begin(w);
	for (int i = 0; i < TV_AGG_NCOUNT; i++) {
		put_num(w, &g->count[i]);
	}
	tv_jw_arr_end(w);
	TV_JW_KEY(w, "sums");
	tv_jw_arr_begin(w);
	for (int i = 0; i < TV_AGG_NSUM; i++) {
		tv_jw_arr_begin(w);
		tv_jw_int(w, g->sum[i].v);
		tv_jw_double(w, g->sum[i].w);
		tv_jw_arr_end(w);
	}
	tv_jw_arr_end(w);
	TV_JW_KEY(w, "first_start");
	put_opt(w, g->first_start);
	TV_JW_KEY(w, "last_start");
	put_opt(w, g->last_start);
	TV_JW_KEY(w, "dists");
	tv_jw_arr_begin(w);
	for (int i = 0; i < TV_AGG_NDIST; i++) {
		tv_dist_write(&g->dist[i], w);
	}
	tv_jw_arr_end(w);
	tv_jw_obj_end(w);
}

static void put_name(struct tv_jw *w, const struct tv_agg_name *e)
{
	tv_jw_obj_begin(w);
	TV_JW_KEY(w, "name");
	put_str(w, e->name.s ? e->name.s : "", e->name.n);
	TV_JW_KEY(w, "n");
	put_num(w, &e->n);
	TV_JW_KEY(w, "bad");
	put_num(w, &e->bad);
	TV_JW_KEY(w, "dur");
	tv_jw_arr_begin(w);
	tv_jw_int(w, e->dur_sum);
	tv_jw_int(w, (int64_t)e->dur_n);
	tv_jw_int(w, e->dur_max);
	tv_jw_arr_end(w);
	tv_jw_obj_end(w);
}

static int cmp_name(const void *pa, const void *pb)
{
	const struct tv_agg_name *a = *(const struct tv_agg_name *const *)pa;
	const struct tv_agg_name *b = *(const struct tv_agg_name *const *)pb;
	int c = memcmp(a->name.s, b->name.s, a->name.n < b->name.n ? a->name.n : b->name.n);

	return c ? c : (a->name.n > b->name.n) - (a->name.n < b->name.n);
}

/* the names in name order, so equal tallies write equal text */
static void put_tally(const struct tv_agg *a, struct tv_jw *w, int k)
{
	const struct tv_agg_tally *t = &a->tally[k];
	const struct tv_agg_name **v = malloc((t->n ? t->n : 1) * sizeof(*v));

	if (v == NULL) {
		w->err = -ENOMEM;
		return;
	}
	for (size_t i = 0; i < t->n; i++) {
		v[i] = &t->v[i];
	}
	qsort(v, t->n, sizeof(*v), cmp_name);
	tv_jw_obj_begin(w);
	TV_JW_KEY(w, "tally");
	tv_jw_cstr(w, tally_names[k]);
	TV_JW_KEY(w, "names");
	tv_jw_arr_begin(w);
	for (size_t i = 0; i < t->n; i++) {
		put_name(w, v[i]);
	}
	tv_jw_arr_end(w);
	free(v);
	TV_JW_KEY(w, "other");
	if (t->has_other) {
		put_name(w, &t->other);
	} else {
		tv_jw_null(w);
	}
	tv_jw_obj_end(w);
}

static void put_slowest(struct tv_agg *a, struct tv_jw *w)
{
	size_t n;
	const struct tv_agg_call *sorted = tv_agg_slowest(a, &n);

	tv_jw_obj_begin(w);
	TV_JW_KEY(w, "slowest");
	tv_jw_arr_begin(w);
	for (size_t i = 0; i < n; i++) {
		const struct tv_agg_call *c = &sorted[i];

		tv_jw_obj_begin(w);
		TV_JW_KEY(w, "dur");
		tv_jw_int(w, c->dur);
		TV_JW_KEY(w, "session");
		tv_jw_cstr(w, c->session);
		TV_JW_KEY(w, "model");
		tv_jw_cstr(w, c->model);
		TV_JW_KEY(w, "turn");
		tv_jw_int(w, c->turn);
		TV_JW_KEY(w, "call");
		tv_jw_int(w, c->call);
		TV_JW_KEY(w, "time");
		put_opt(w, c->time);
		tv_jw_obj_end(w);
	}
	tv_jw_arr_end(w);
	tv_jw_obj_end(w);
}

static void put_series(const struct tv_agg *a, struct tv_jw *w)
{
	tv_jw_obj_begin(w);
	TV_JW_KEY(w, "series");
	tv_jw_arr_begin(w);
	for (size_t i = 0; i < a->n_points; i++) {
		tv_jw_obj_begin(w);
		TV_JW_KEY(w, "start");
		tv_jw_int(w, a->points[i].start);
		TV_JW_KEY(w, "v");
		tv_jw_arr_begin(w);
		for (int s = 0; s < TV_AGG_NSERIES; s++) {
			put_num(w, &a->points[i].v[s]);
		}
		tv_jw_arr_end(w);
		tv_jw_obj_end(w);
	}
	tv_jw_arr_end(w);
	tv_jw_obj_end(w);
}

static void put_waterfall(struct tv_jw *w, const struct tv_agg_waterfall *f)
{
	tv_jw_obj_begin(w);
	TV_JW_KEY(w, "id");
	tv_jw_cstr(w, f->id);
	TV_JW_KEY(w, "start");
	put_opt(w, f->start);
	TV_JW_KEY(w, "dur");
	put_opt(w, f->dur);
	TV_JW_KEY(w, "success");
	tv_jw_int(w, f->success);
	TV_JW_KEY(w, "dropped");
	tv_jw_int(w, (int64_t)f->dropped);
	TV_JW_KEY(w, "rows");
	tv_jw_arr_begin(w);
	for (size_t i = 0; i < f->n_rows; i++) {
		const struct tv_agg_row *r = &f->rows[i];

		tv_jw_arr_begin(w);
		tv_jw_int(w, r->kind);
		tv_jw_int(w, r->status);
		tv_jw_cstr(w, r->label);
		put_opt(w, r->start);
		put_opt(w, r->dur);
		tv_jw_arr_end(w);
	}
	tv_jw_arr_end(w);
	tv_jw_obj_end(w);
}

static void put_waterfalls(struct tv_agg *a, struct tv_jw *w, int which)
{
	size_t n;
	const struct tv_agg_waterfall *sorted = tv_agg_waterfalls(a, which == 1, &n);

	if (sorted == NULL) {
		w->err = w->err ? w->err : -ENOMEM; /* not "no waterfalls" */
		return;
	}
	tv_jw_obj_begin(w);
	TV_JW_KEY(w, "waterfalls");
	tv_jw_cstr(w, wf_names[which]);
	TV_JW_KEY(w, "list");
	tv_jw_arr_begin(w);
	for (size_t i = 0; i < n; i++) {
		put_waterfall(w, &sorted[i]);
	}
	tv_jw_arr_end(w);
	tv_jw_obj_end(w);
}

static void put_header(const struct tv_agg *a, struct tv_jw *w, const char *tool_json, size_t lines)
{
	tv_jw_obj_begin(w);
	TV_JW_KEY(w, "televal_partial");
	tv_jw_int(w, STATE_VERSION);
	TV_JW_KEY(w, "by");
	tv_jw_arr_begin(w);
	for (size_t k = 0; k < a->o.n_by; k++) {
		tv_jw_cstr(w, a->by[k]);
	}
	tv_jw_arr_end(w);
	TV_JW_KEY(w, "max_groups");
	tv_jw_int(w, (int64_t)a->o.max_groups);
	TV_JW_KEY(w, "exact_max");
	tv_jw_int(w, (int64_t)a->o.exact_max);
	TV_JW_KEY(w, "alpha");
	tv_jw_double(w, a->o.alpha);
	TV_JW_KEY(w, "top");
	tv_jw_int(w, (int64_t)a->o.top);
	TV_JW_KEY(w, "prices");
	if (a->price_date) {
		tv_jw_obj_begin(w);
		TV_JW_KEY(w, "date");
		tv_jw_cstr(w, a->price_date);
		TV_JW_KEY(w, "source");
		tv_jw_cstr(w, a->price_source);
		tv_jw_obj_end(w);
	} else {
		tv_jw_null(w);
	}
	TV_JW_KEY(w, "weighted");
	tv_jw_bool(w, a->weighted);
	TV_JW_KEY(w, "level");
	tv_jw_int(w, a->level);
	TV_JW_KEY(w, "lines");
	tv_jw_int(w, (int64_t)lines);
	TV_JW_KEY(w, "tool");
	tv_jw_raw(w, tool_json ? tool_json : "{}", strlen(tool_json ? tool_json : "{}"));
	tv_jw_obj_end(w);
}

/* line @i of the state into @w (0: header, then the body in its order) */
static void put_line(struct tv_agg *a, struct tv_jw *w, size_t i, const char *tool_json,
		     size_t lines)
{
	size_t groups;
	struct tv_agg_group **sorted = tv_agg_groups(a, &groups);

	if (i == 0) {
		put_header(a, w, tool_json, lines);
	} else if (i == 1) {
		tv_jw_obj_begin(w);
		TV_JW_KEY(w, "total");
		put_group(a, w, &a->total);
		tv_jw_obj_end(w);
	} else if (i < 2 + groups) {
		tv_jw_obj_begin(w);
		TV_JW_KEY(w, "group");
		put_group(a, w, sorted[i - 2]);
		tv_jw_obj_end(w);
	} else if (i < 2 + groups + TV_AGG_NTALLY) {
		put_tally(a, w, (int)(i - 2 - groups));
	} else if (i == 2 + groups + TV_AGG_NTALLY) {
		put_slowest(a, w);
	} else if (i == 3 + groups + TV_AGG_NTALLY) {
		put_series(a, w);
	} else {
		put_waterfalls(a, w, (int)(i - 4 - groups - TV_AGG_NTALLY));
	}
}

int tv_agg_state_write(struct tv_agg *a, const char *tool_json,
		       int (*write)(void *udata, const char *line, size_t n), void *udata)
{
	size_t groups, body;
	struct tv_strbuf b;
	struct tv_jw w;
	int r = 0;

	tv_agg_groups(a, &groups);
	body = 1 + groups + TV_AGG_NTALLY + 2 + 2;
	tv_strbuf_init(&b);
	for (size_t i = 0; r == 0 && i <= body; i++) {
		tv_strbuf_reset(&b);
		tv_jw_init(&w, &b);
		put_line(a, &w, i, tool_json, body);
		r = tv_jw_error(&w);
		if (r == 0) {
			r = tv_strbuf_putc(&b, '\n');
		}
		if (r == 0) {
			r = write(udata, b.p, b.len);
		}
	}
	tv_strbuf_finish(&b);
	return r;
}

/* ---- reading ---- */

static int bad(const char **why, const char *msg)
{
	*why = msg;
	return -TV_EPARSE;
}

static bool get(const struct tv_jv *obj, const char *key, enum tv_jtype type, struct tv_jv *out)
{
	return tv_jv_get(obj, key, out) && tv_jv_type(out) == type;
}

static bool get_int(const struct tv_jv *obj, const char *key, int64_t *out)
{
	struct tv_jv v;

	return tv_jv_get(obj, key, &v) && tv_jv_int(&v, out);
}

/* an integer or null (TV_NONE) */
static bool get_opt(const struct tv_jv *obj, const char *key, int64_t *out)
{
	struct tv_jv v;

	if (!tv_jv_get(obj, key, &v)) {
		return false;
	}
	if (tv_jv_type(&v) == TV_J_NULL) {
		*out = TV_NONE;
		return true;
	}
	return tv_jv_int(&v, out);
}

/* the elements of array @arr into @v (at most @max) */
static size_t elements(const struct tv_jv *arr, struct tv_jv *v, size_t max)
{
	struct tv_jiter it;
	const char *k;
	size_t kn, n = 0;

	tv_jv_iter_init(arr, &it);
	while (n < max && tv_jv_iter_next(&it, &k, &kn, &v[n])) {
		n++;
	}
	return n;
}

/* [n, w] */
static bool read_num(const struct tv_jv *v, struct tv_agg_num *out)
{
	struct tv_jv e[2];
	int64_t n;

	if (tv_jv_len(v) != 2 || elements(v, e, 2) != 2 || !tv_jv_int(&e[0], &n) || n < 0 ||
	    !tv_jv_num(&e[1], &out->w) || !isfinite(out->w)) {
		return false;
	}
	out->n = (uint64_t)n;
	return true;
}

static bool read_sum(const struct tv_jv *v, struct tv_agg_sumv *out)
{
	struct tv_jv e[2];

	return tv_jv_len(v) == 2 && elements(v, e, 2) == 2 && tv_jv_int(&e[0], &out->v) &&
	       tv_jv_num(&e[1], &out->w) && isfinite(out->w);
}

static int read_counts(struct tv_agg_group *g, const struct tv_jv *obj, const char **why)
{
	struct tv_jv arr, e[(int)TV_AGG_NCOUNT + (int)TV_AGG_NSUM];

	if (!get(obj, "counts", TV_J_ARRAY, &arr) || tv_jv_len(&arr) != TV_AGG_NCOUNT) {
		return bad(why, "a group's counts are missing");
	}
	elements(&arr, e, TV_AGG_NCOUNT);
	for (int i = 0; i < TV_AGG_NCOUNT; i++) {
		if (!read_num(&e[i], &g->count[i])) {
			return bad(why, "a bad count in a group");
		}
	}
	if (!get(obj, "sums", TV_J_ARRAY, &arr) || tv_jv_len(&arr) != TV_AGG_NSUM) {
		return bad(why, "a group's sums are missing");
	}
	elements(&arr, e, TV_AGG_NSUM);
	for (int i = 0; i < TV_AGG_NSUM; i++) {
		if (!read_sum(&e[i], &g->sum[i])) {
			return bad(why, "a bad sum in a group");
		}
	}
	if (!get_opt(obj, "first_start", &g->first_start) ||
	    !get_opt(obj, "last_start", &g->last_start)) {
		return bad(why, "a group's first_start or last_start is missing");
	}
	return 0;
}

static int read_dists(struct tv_agg_group *g, const struct tv_jv *obj, const char **why)
{
	struct tv_jv arr, e[TV_AGG_NDIST];
	int r = 0;

	if (!get(obj, "dists", TV_J_ARRAY, &arr) || tv_jv_len(&arr) != TV_AGG_NDIST) {
		return bad(why, "a group's distributions are missing");
	}
	elements(&arr, e, TV_AGG_NDIST);
	for (int i = 0; r == 0 && i < TV_AGG_NDIST; i++) {
		r = tv_dist_read(&g->dist[i], &e[i], why);
	}
	return r;
}

/* the key tuple of a group, encoded in a->enc, its values in a->vals */
static int read_key(struct tv_agg *a, const struct tv_jv *obj, bool *other, const char **why)
{
	struct tv_jv arr, o, v;
	struct tv_jiter it;
	const char *k;
	size_t kn, i = 0;
	bool b;

	if (!get(obj, "key", TV_J_ARRAY, &arr) || tv_jv_len(&arr) != a->o.n_by ||
	    !tv_jv_get(obj, "other", &o) || !tv_jv_bool(&o, &b)) {
		return bad(why, "a group's key does not match the keys of the header");
	}
	tv_jv_iter_init(&arr, &it);
	while (tv_jv_iter_next(&it, &k, &kn, &v)) {
		a->vals[i] = (struct vstr){ NULL, 0 };
		if (tv_jv_type(&v) != TV_J_NULL && !tv_jv_str(&v, &a->vals[i].s, &a->vals[i].n)) {
			return bad(why, "a group's key holds strings and nulls");
		}
		i++;
	}
	*other = b;
	return agg_key_encode(&a->enc, a->vals, a->o.n_by);
}

static void group_scratch(const struct tv_agg *a, struct tv_agg_group *g)
{
	memset(g, 0, sizeof(*g));
	for (int d = 0; d < TV_AGG_NDIST; d++) {
		tv_dist_init(&g->dist[d], a->o.exact_max, a->o.alpha);
	}
}

static void group_scratch_free(struct tv_agg_group *g)
{
	for (int d = 0; d < TV_AGG_NDIST; d++) {
		tv_dist_finish(&g->dist[d]);
	}
}

/* a "total" or "group" line: read into a scratch group, then merged where it belongs */
static int read_group(struct tv_agg *a, const struct tv_jv *obj, bool total, const char **why)
{
	struct tv_agg_group g, *dst = &a->total;
	bool other = false;
	int r;

	group_scratch(a, &g);
	r = total ? 0 : read_key(a, obj, &other, why);
	if (r == 0) {
		r = read_counts(&g, obj, why);
	}
	if (r == 0) {
		r = read_dists(&g, obj, why);
	}
	if (r == 0 && !total) {
		dst = other ? agg_other(a)
			    : agg_group_get(a, a->enc.p ? a->enc.p : "", a->enc.len, a->vals);
		r = dst ? 0 : -ENOMEM;
	}
	if (r == 0) {
		r = agg_group_merge(a, dst, &g);
	}
	group_scratch_free(&g);
	return r;
}

static bool read_name(const struct tv_jv *obj, struct tv_agg_name *e)
{
	struct tv_jv v, d[3];
	int64_t sum, n, max;

	*e = (struct tv_agg_name){ 0 };
	if (!get(obj, "name", TV_J_STRING, &v) ||
	    !tv_jv_str(&v, (const char **)&e->name.s, &e->name.n)) {
		return false;
	}
	if (!tv_jv_get(obj, "n", &v) || !read_num(&v, &e->n) || !tv_jv_get(obj, "bad", &v) ||
	    !read_num(&v, &e->bad) || !get(obj, "dur", TV_J_ARRAY, &v) || tv_jv_len(&v) != 3) {
		return false;
	}
	elements(&v, d, 3);
	if (!tv_jv_int(&d[0], &sum) || !tv_jv_int(&d[1], &n) || n < 0 || !tv_jv_int(&d[2], &max)) {
		return false;
	}
	e->dur_sum = sum;
	e->dur_n = (uint64_t)n;
	e->dur_max = max;
	return true;
}

static int read_tally(struct tv_agg *a, const struct tv_jv *obj, const char **why)
{
	struct tv_jv kind, names, v, other;
	struct tv_jiter it;
	struct tv_agg_name e;
	const char *k, *s;
	size_t kn, sn;
	int t = 0, r = 0;

	if (!get(obj, "tally", TV_J_STRING, &kind) || !tv_jv_str(&kind, &s, &sn) ||
	    !get(obj, "names", TV_J_ARRAY, &names) || !tv_jv_get(obj, "other", &other)) {
		return bad(why, "a tally line needs tally, names and other");
	}
	while (t < TV_AGG_NTALLY &&
	       (strlen(tally_names[t]) != sn || memcmp(tally_names[t], s, sn))) {
		t++;
	}
	if (t == TV_AGG_NTALLY) {
		return bad(why, "an unknown tally");
	}
	tv_jv_iter_init(&names, &it);
	while (r == 0 && tv_jv_iter_next(&it, &k, &kn, &v)) {
		r = read_name(&v, &e) ? agg_tally_add(a, (enum tv_agg_tally_kind)t, &e)
				      : bad(why, "a bad name in a tally");
	}
	if (r == 0 && tv_jv_type(&other) != TV_J_NULL) {
		if (!read_name(&other, &e)) {
			return bad(why, "a bad other entry in a tally");
		}
		agg_tally_other(a, (enum tv_agg_tally_kind)t, &e);
	}
	return r;
}

static int read_call(struct tv_agg *a, const struct tv_jv *obj, const char **why)
{
	struct slow_cand c = { 0 };
	struct tv_jv v;
	int64_t turn, call;

	if (!get_int(obj, "dur", &c.dur) || !get(obj, "session", TV_J_STRING, &v) ||
	    !tv_jv_str(&v, &c.session.s, &c.session.n) || !get_int(obj, "turn", &turn) ||
	    !get_int(obj, "call", &call) || turn < 0 || call < 0 || turn > UINT32_MAX ||
	    call > UINT32_MAX || !get_opt(obj, "time", &c.time) || !tv_jv_get(obj, "model", &v)) {
		return bad(why, "a bad slow call");
	}
	if (tv_jv_type(&v) != TV_J_NULL && !tv_jv_str(&v, &c.model.s, &c.model.n)) {
		return bad(why, "a bad slow call's model");
	}
	c.turn = (uint32_t)turn;
	c.call = (uint32_t)call;
	return agg_slow_offer(a, &c);
}

static int read_point(struct tv_agg *a, const struct tv_jv *obj, const char **why)
{
	struct tv_agg_point p;
	struct tv_jv arr, e[TV_AGG_NSERIES];

	if (!get_int(obj, "start", &p.start) || !get(obj, "v", TV_J_ARRAY, &arr) ||
	    tv_jv_len(&arr) != TV_AGG_NSERIES) {
		return bad(why, "a bad point of the series");
	}
	elements(&arr, e, TV_AGG_NSERIES);
	for (int i = 0; i < TV_AGG_NSERIES; i++) {
		if (!read_num(&e[i], &p.v[i])) {
			return bad(why, "a bad count in the series");
		}
	}
	return agg_point_add(a, &p);
}

static int read_row(struct tv_agg_waterfall *f, const struct tv_jv *arr)
{
	struct tv_jv e[5];
	struct tv_agg_row *r = &f->rows[f->n_rows];
	int64_t kind, status;
	const char *s;
	size_t n;

	if (tv_jv_len(arr) != 5 || elements(arr, e, 5) != 5 || !tv_jv_int(&e[0], &kind) ||
	    kind < TV_AGG_ROW_TURN || kind > TV_AGG_ROW_TOOL || !tv_jv_int(&e[1], &status) ||
	    status < TV_AGG_ROW_UNKNOWN || status > TV_AGG_ROW_FAILED ||
	    !tv_jv_str(&e[2], &s, &n)) {
		return -TV_EPARSE;
	}
	*r = (struct tv_agg_row){ (enum tv_agg_row_kind)kind, (enum tv_agg_row_status)status, NULL,
				  TV_NONE, TV_NONE };
	if ((tv_jv_type(&e[3]) != TV_J_NULL && !tv_jv_int(&e[3], &r->start)) ||
	    (tv_jv_type(&e[4]) != TV_J_NULL && !tv_jv_int(&e[4], &r->dur))) {
		return -TV_EPARSE;
	}
	r->label = tv_strndup(s, n);
	if (r->label == NULL) {
		return -ENOMEM;
	}
	f->n_rows++;
	return 0;
}

static int read_waterfall(struct tv_agg_waterfall *f, const struct tv_jv *obj)
{
	struct tv_jv rows, v, id;
	struct tv_jiter it;
	const char *k, *s;
	size_t kn, n;
	int64_t success, dropped;
	int r = 0;

	*f = (struct tv_agg_waterfall){ 0 };
	if (!get(obj, "id", TV_J_STRING, &id) || !tv_jv_str(&id, &s, &n) ||
	    !get_opt(obj, "start", &f->start) || !get_opt(obj, "dur", &f->dur) ||
	    !get_int(obj, "success", &success) || success < -1 || success > 1 ||
	    !get_int(obj, "dropped", &dropped) || dropped < 0 ||
	    !get(obj, "rows", TV_J_ARRAY, &rows) || tv_jv_len(&rows) > TV_AGG_MAX_ROWS) {
		return -TV_EPARSE;
	}
	f->success = (int)success;
	f->dropped = (uint64_t)dropped;
	f->id = tv_strndup(s, n);
	f->rows = calloc(tv_jv_len(&rows) ? tv_jv_len(&rows) : 1, sizeof(*f->rows));
	if (f->id == NULL || f->rows == NULL) {
		return -ENOMEM;
	}
	tv_jv_iter_init(&rows, &it);
	while (r == 0 && tv_jv_iter_next(&it, &k, &kn, &v)) {
		r = read_row(f, &v);
	}
	return r;
}

static int read_waterfalls(struct tv_agg *a, const struct tv_jv *obj, const char **why)
{
	struct tv_jv which, list, v;
	struct tv_jiter it;
	const char *k, *s;
	size_t kn, sn;
	int w, r = 0;

	if (!get(obj, "waterfalls", TV_J_STRING, &which) || !tv_jv_str(&which, &s, &sn) ||
	    !get(obj, "list", TV_J_ARRAY, &list)) {
		return bad(why, "a waterfalls line needs waterfalls and list");
	}
	w = sn == 6 && memcmp(s, "failed", 6) == 0 ? 1 : 0;
	tv_jv_iter_init(&list, &it);
	while (r == 0 && tv_jv_iter_next(&it, &k, &kn, &v)) {
		struct tv_agg_waterfall f;

		r = read_waterfall(&f, &v);
		if (r == 0) {
			r = agg_wf_offer(a, w, &f);
		} else {
			agg_wf_free(&f);
		}
	}
	return r == -TV_EPARSE ? bad(why, "a bad waterfall") : r;
}

static int each_elem(struct tv_agg *a, const struct tv_jv *obj, const char *key,
		     int (*fn)(struct tv_agg *, const struct tv_jv *, const char **),
		     const char **why)
{
	struct tv_jv arr, v;
	struct tv_jiter it;
	const char *k;
	size_t kn;
	int r = 0;

	if (!get(obj, key, TV_J_ARRAY, &arr)) {
		return bad(why, "a list is not an array");
	}
	tv_jv_iter_init(&arr, &it);
	while (r == 0 && tv_jv_iter_next(&it, &k, &kn, &v)) {
		r = fn(a, &v, why);
	}
	return r;
}

int tv_agg_state_line(struct tv_agg *a, const struct tv_jv *line, const char **why)
{
	struct tv_jv v;

	if (a->state_seen >= a->state_lines) {
		return bad(why, "more lines than the header announced");
	}
	a->state_seen++;
	if (tv_jv_get(line, "total", &v)) {
		return read_group(a, &v, true, why);
	}
	if (tv_jv_get(line, "group", &v)) {
		return read_group(a, &v, false, why);
	}
	if (tv_jv_get(line, "tally", &v)) {
		return read_tally(a, line, why);
	}
	if (tv_jv_get(line, "slowest", &v)) {
		return each_elem(a, line, "slowest", read_call, why);
	}
	if (tv_jv_get(line, "series", &v)) {
		return each_elem(a, line, "series", read_point, why);
	}
	if (tv_jv_get(line, "waterfalls", &v)) {
		return read_waterfalls(a, line, why);
	}
	return bad(why, "a line of unknown kind");
}

int tv_agg_state_end(const struct tv_agg *a, const char **why)
{
	if (a->state_seen != a->state_lines) {
		return bad(why, "the state ends before the lines its header announced");
	}
	return 0;
}

struct header {
	struct tv_agg_opts o;
	const char *by[64];
	struct tv_jv prices, tool;
	bool weighted;
	int64_t level, lines;
};

static int header_by(struct header *h, const struct tv_jv *root, struct tv_strbuf *names,
		     const char **why)
{
	struct tv_jv arr, v;
	struct tv_jiter it;
	const char *k, *s;
	size_t kn, n, offs[64];

	if (!get(root, "by", TV_J_ARRAY, &arr) || tv_jv_len(&arr) > 64) {
		return bad(why, "the header's by is not a list of keys");
	}
	tv_jv_iter_init(&arr, &it);
	while (tv_jv_iter_next(&it, &k, &kn, &v)) {
		if (!tv_jv_str(&v, &s, &n) || memchr(s, 0, n)) {
			return bad(why, "the header's by is not a list of keys");
		}
		offs[h->o.n_by++] = names->len;
		if (tv_strbuf_append(names, s, n) < 0 || tv_strbuf_putc(names, 0) < 0) {
			return -ENOMEM;
		}
	}
	for (size_t i = 0; i < h->o.n_by; i++) {
		h->by[i] = names->p + offs[i];
	}
	h->o.by = h->by;
	return 0;
}

static int header_read(struct header *h, const struct tv_jv *root, struct tv_strbuf *names,
		       const char **why)
{
	int64_t version, max_groups, exact_max, top;
	struct tv_jv v;

	if (!get_int(root, "televal_partial", &version) || version != STATE_VERSION) {
		return bad(why, "not a televal-aggregate partial state (version 1)");
	}
	if (!get_int(root, "max_groups", &max_groups) || max_groups <= 0 ||
	    !get_int(root, "exact_max", &exact_max) || exact_max < 0 ||
	    !get_int(root, "top", &top) || top <= 0 || !tv_jv_get(root, "alpha", &v) ||
	    !tv_jv_num(&v, &h->o.alpha) || !get_int(root, "level", &h->level) || h->level < 0 ||
	    !get_int(root, "lines", &h->lines) || h->lines < 0 ||
	    !tv_jv_get(root, "prices", &h->prices) || !tv_jv_get(root, "weighted", &v) ||
	    !tv_jv_bool(&v, &h->weighted)) {
		return bad(why, "the header of the partial state is incomplete");
	}
	h->o.max_groups = (size_t)max_groups;
	h->o.exact_max = (size_t)exact_max;
	h->o.top = (size_t)top;
	if (!tv_jv_get(root, "tool", &h->tool) || tv_jv_type(&h->tool) != TV_J_OBJECT) {
		return bad(why, "the header's tool member is not an object");
	}
	return header_by(h, root, names, why);
}

static int header_prices(struct tv_agg *a, const struct tv_jv *p, const char **why)
{
	struct tv_jv d, s;
	const char *ds, *ss;
	size_t dn, sn;

	if (tv_jv_type(p) == TV_J_NULL) {
		return 0;
	}
	if (!get(p, "date", TV_J_STRING, &d) || !get(p, "source", TV_J_STRING, &s) ||
	    !tv_jv_str(&d, &ds, &dn) || !tv_jv_str(&s, &ss, &sn)) {
		return bad(why, "the header's prices need a date and a source");
	}
	a->price_date = tv_strndup(ds, dn);
	a->price_source = tv_strndup(ss, sn);
	return a->price_date && a->price_source ? 0 : -ENOMEM;
}

int tv_agg_state_begin(const struct tv_jv *root, struct tv_agg **out, struct tv_strbuf *tool_json,
		       const char **why)
{
	struct header h = { 0 };
	struct tv_strbuf names;
	struct tv_error err;
	struct tv_agg *a = NULL;
	int r;

	tv_strbuf_init(&names);
	r = header_read(&h, root, &names, why);
	if (r == 0) {
		r = tv_agg_create(&h.o, &a, &err);
		if (r == -TV_EUSAGE) {
			r = bad(why, "the header's options are not valid");
		}
	}
	tv_strbuf_finish(&names);
	if (r == 0) {
		r = header_prices(a, &h.prices, why);
	}
	if (r == 0) {
		a->weighted = h.weighted;
		a->state_lines = (uint64_t)h.lines;
		r = agg_set_level(a, (unsigned)(h.level < 64 ? h.level : 64));
	}
	if (r == 0) {
		tv_strbuf_reset(tool_json);
		r = tv_jv_minify(&h.tool, tool_json);
	}
	if (r < 0) {
		tv_agg_destroy(a);
		return r;
	}
	*out = a;
	return 0;
}
