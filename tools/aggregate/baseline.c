// SPDX-License-Identifier: MIT
/*
 * --compare BASELINE: the metrics to compare with, from a JSON result of
 * this tool (its total and groups, read back through the metric table), a
 * partial state, or sessions in any input format aggregated here with the
 * options of this run.  Groups are compared when the baseline was grouped
 * by the same keys.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "aggregate.h"
#include "libcommon/core/tv_input.h"
#include "tools/common/tool.h"

#define MAX_RESULT (512u << 20)

static int group_init(struct base_group *g, size_t n_by)
{
	size_t n = tv_metric_count();

	*g = (struct base_group){ 0 };
	g->key = calloc(n_by ? n_by : 1, sizeof(*g->key));
	g->v = malloc(n * sizeof(*g->v));
	if (g->key == NULL || g->v == NULL) {
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		g->v[i] = NAN;
	}
	return 0;
}

static void group_free(struct base_group *g, size_t n_by)
{
	for (size_t k = 0; g->key && k < n_by; k++) {
		free(g->key[k]);
	}
	free(g->key);
	free(g->v);
}

void baseline_destroy(struct baseline *b)
{
	if (b == NULL) {
		return;
	}
	group_free(&b->total, b->n_by);
	for (size_t i = 0; i < b->n_groups; i++) {
		group_free(&b->groups[i], b->n_by);
	}
	for (size_t k = 0; k < b->n_by; k++) {
		free(b->by[k]);
	}
	free(b->by);
	free(b->groups);
	free(b->file);
	free(b);
}

static bool same_key(const struct base_group *b, const struct tv_agg_group *g, size_t n_by)
{
	if (b->other || g->other) {
		return b->other && g->other;
	}
	for (size_t k = 0; k < n_by; k++) {
		const char *s = b->key[k];

		if ((s == NULL) != (g->key[k].s == NULL)) {
			return false;
		}
		if (s && (strlen(s) != g->key[k].n || memcmp(s, g->key[k].s, g->key[k].n) != 0)) {
			return false;
		}
	}
	return true;
}

const struct base_group *baseline_find(const struct baseline *b, const struct tv_agg_group *g,
				       size_t n_by)
{
	if (b->n_by != n_by) {
		return NULL;
	}
	for (size_t i = 0; i < b->n_groups; i++) {
		if (same_key(&b->groups[i], g, n_by)) {
			return &b->groups[i];
		}
	}
	return NULL;
}

static int add_group(struct baseline *b, struct base_group **out)
{
	struct base_group *v = realloc(b->groups, (b->n_groups + 1) * sizeof(*v));

	if (v == NULL) {
		return -ENOMEM;
	}
	b->groups = v;
	*out = &v[b->n_groups];
	if (group_init(*out, b->n_by) < 0) {
		group_free(*out, b->n_by);
		return -ENOMEM;
	}
	b->n_groups++;
	return 0;
}

static int copy_by(struct baseline *b, const char *const *by, size_t n)
{
	b->by = calloc(n ? n : 1, sizeof(*b->by));
	if (b->by == NULL) {
		return -ENOMEM;
	}
	for (size_t k = 0; k < n; k++) {
		b->by[k] = strdup(by[k]);
		if (b->by[k] == NULL) {
			return -ENOMEM;
		}
		b->n_by++;
	}
	return 0;
}

/* ---- from an aggregate (a partial state, or sessions) ---- */

static void agg_values(struct tv_agg *a, struct tv_agg_group *g, struct base_group *out)
{
	for (size_t id = 0; id < tv_metric_count(); id++) {
		if (!tv_metric_value(a, g, id, &out->v[id])) {
			out->v[id] = NAN;
		}
	}
}

static int agg_group(struct baseline *b, struct tv_agg *a, struct tv_agg_group *g)
{
	struct base_group *bg;
	int r = add_group(b, &bg);

	for (size_t k = 0; r == 0 && k < b->n_by; k++) {
		if (g->key[k].s) {
			bg->key[k] = tv_strndup(g->key[k].s, g->key[k].n);
			r = bg->key[k] ? 0 : -ENOMEM;
		}
	}
	if (r == 0) {
		bg->other = g->other;
		agg_values(a, g, bg);
	}
	return r;
}

int baseline_from_agg(struct tv_agg *a, struct baseline *b)
{
	const struct tv_agg_opts *o = tv_agg_options(a);
	size_t n;
	struct tv_agg_group **g = tv_agg_groups(a, &n);
	int r = copy_by(b, o->by, o->n_by);

	if (r == 0) {
		r = group_init(&b->total, b->n_by);
	}
	if (r == 0) {
		agg_values(a, tv_agg_total(a), &b->total);
	}
	for (size_t i = 0; r == 0 && i < n; i++) {
		r = agg_group(b, a, g[i]);
	}
	return r;
}

/* ---- from a JSON result ---- */

/* the metric values of a result's group object, through the metric table */
static void json_values(const struct tv_jv *obj, struct base_group *out)
{
	struct tv_jv dists, sec, v;

	tv_jv_get(obj, "distributions", &dists);
	for (size_t id = 0; id < tv_metric_count(); id++) {
		const struct tv_metric *m = tv_metric_get(id);
		const struct tv_jv *in = m->kind == TV_METRIC_DIST ? &dists : obj;

		if ((m->kind != TV_METRIC_DIST || tv_jv_type(&dists) == TV_J_OBJECT) &&
		    tv_jv_get(in, m->section, &sec) && tv_jv_get(&sec, m->key, &v) &&
		    tv_jv_num(&v, &out->v[id])) {
			continue;
		}
		out->v[id] = NAN;
	}
}

static int json_group(struct baseline *b, const struct tv_jv *obj)
{
	struct base_group *g;
	struct tv_jv key, v;
	const char *s;
	size_t n;
	bool other = false;
	int r = add_group(b, &g);

	if (r < 0) {
		return r;
	}
	if (tv_jv_get(obj, "other", &v)) {
		tv_jv_bool(&v, &other);
	}
	g->other = other;
	tv_jv_get(obj, "key", &key);
	for (size_t k = 0; k < b->n_by; k++) {
		if (tv_jv_get(&key, b->by[k], &v) && tv_jv_str(&v, &s, &n)) {
			g->key[k] = tv_strndup(s, n);
			if (g->key[k] == NULL) {
				return -ENOMEM;
			}
		}
	}
	json_values(obj, g);
	return 0;
}

static int json_by(struct baseline *b, const struct tv_jv *root)
{
	struct tv_jv by, v;
	struct tv_jiter it;
	const char *k, *s;
	size_t kn, n;

	if (!tv_jv_get(root, "by", &by) || tv_jv_type(&by) != TV_J_ARRAY) {
		return -TV_EPARSE;
	}
	b->by = calloc(tv_jv_len(&by) + 1, sizeof(*b->by));
	if (b->by == NULL) {
		return -ENOMEM;
	}
	tv_jv_iter_init(&by, &it);
	while (tv_jv_iter_next(&it, &k, &kn, &v)) {
		if (!tv_jv_str(&v, &s, &n)) {
			return -TV_EPARSE;
		}
		b->by[b->n_by] = tv_strndup(s, n);
		if (b->by[b->n_by] == NULL) {
			return -ENOMEM;
		}
		b->n_by++;
	}
	return 0;
}

static int from_result(struct baseline *b, const struct tv_jv *root)
{
	struct tv_jv total, groups, v;
	struct tv_jiter it;
	const char *k;
	size_t kn;
	int r;

	if (!tv_jv_get(root, "total", &total) || !tv_jv_get(root, "groups", &groups)) {
		return -TV_EPARSE;
	}
	r = json_by(b, root);
	if (r == 0) {
		r = group_init(&b->total, b->n_by);
	}
	if (r < 0) {
		return r;
	}
	json_values(&total, &b->total);
	tv_jv_iter_init(&groups, &it);
	while (r == 0 && tv_jv_iter_next(&it, &k, &kn, &v)) {
		r = json_group(b, &v);
	}
	return r;
}

/* ---- which kind of file ---- */

enum kind {
	K_SESSIONS,
	K_RESULT,
	K_PARTIAL,
};

static enum kind kind_of_doc(const struct tv_jv *root)
{
	struct tv_jv v;

	if (tv_jv_type(root) != TV_J_OBJECT) {
		return K_SESSIONS;
	}
	if (tv_jv_get(root, "televal_aggregate", &v)) {
		return K_RESULT;
	}
	return tv_jv_get(root, "televal_partial", &v) ? K_PARTIAL : K_SESSIONS;
}

/*
 * The kind of @file, from its first line (a result is one line), or from
 * the whole file when the first line is only "{" (a result pretty-printed
 * by jq); @buf keeps the text of a result, parsed into *@root.
 */
static int kind_of(const char *file, struct tv_json_parser *jp, struct tv_strbuf *buf,
		   struct tv_jv *root, enum kind *kind)
{
	struct tv_input *in;
	const char *line;
	size_t len;
	uint64_t no;
	int r = tv_input_open(file, MAX_RESULT, &in);

	*kind = K_SESSIONS;
	if (r < 0) {
		return r;
	}
	r = tv_input_line(in, &line, &len, &no, NULL);
	if (r == 1 && len == 1 && line[0] == '{') {
		do {
			r = tv_strbuf_append(buf, line, len);
			r = r ? r : tv_strbuf_putc(buf, '\n');
		} while (r == 0 && buf->len < MAX_RESULT &&
			 (r = tv_input_line(in, &line, &len, &no, NULL)) == 1);
	} else if (r == 1) {
		r = tv_strbuf_append(buf, line, len);
	}
	tv_input_close(in);
	if (r < 0) {
		return r;
	}
	if (buf->len && tv_json_parse(jp, buf->p, buf->len, root, NULL) == 0) {
		*kind = kind_of_doc(root);
	}
	return 0;
}

static int from_sessions(struct report *r, const char *file, struct baseline *b)
{
	const struct tv_agg_opts *ao = tv_agg_options(r->agg);
	struct tv_agg_opts o = *ao;
	struct input_counts c = { 0 };
	struct feed f = { .where = &r->o->where, .counts = &c };
	struct tv_error err;
	char *argv[] = { (char *)file, NULL };
	int e;

	o.prices = r->prices;
	e = tv_agg_create(&o, &f.agg, &err);
	if (e == 0) {
		e = feed_run(&f, &r->o->in, 1, argv);
	}
	if (e == 0 && (f.in.failed || c.records_rejected)) {
		e = -TV_EPARSE; /* reported */
	}
	feed_finish(&f);
	if (e == 0) {
		e = baseline_from_agg(f.agg, b);
	}
	tv_agg_destroy(f.agg);
	return e;
}

static int from_partial(const char *file, struct tv_json_parser *jp, struct baseline *b)
{
	struct input_counts c = { 0 };
	struct tv_agg *a = NULL;
	int e = partial_read(file, jp, &a, &c);

	if (e == 0) {
		e = baseline_from_agg(a, b);
	}
	tv_agg_destroy(a);
	return e;
}

static int load(struct report *r, const char *file, struct baseline *b)
{
	struct tv_json_parser *jp = tv_json_parser_create();
	struct tv_strbuf buf;
	struct tv_jv root;
	enum kind kind;
	int e = jp ? 0 : -ENOMEM;

	tv_strbuf_init(&buf);
	if (e == 0) {
		e = kind_of(file, jp, &buf, &root, &kind);
	}
	if (e == 0) {
		b->kind = kind == K_RESULT ? "result" : kind == K_PARTIAL ? "partial" : "sessions";
		if (kind == K_RESULT) {
			e = from_result(b, &root);
		} else if (kind == K_PARTIAL) {
			e = from_partial(file, jp, b);
		} else {
			e = from_sessions(r, file, b);
		}
	}
	tv_strbuf_finish(&buf);
	tv_json_parser_destroy(jp);
	return e;
}

static bool same_by(const struct baseline *b, const struct tv_agg_opts *o)
{
	if (b->n_by != o->n_by) {
		return false;
	}
	for (size_t k = 0; k < b->n_by; k++) {
		if (strcmp(b->by[k], o->by[k]) != 0) {
			return false;
		}
	}
	return true;
}

int baseline_load(struct report *r, const char *file, struct baseline **out)
{
	struct baseline *b = calloc(1, sizeof(*b));
	int e = b ? 0 : -ENOMEM;

	if (e == 0) {
		b->file = strdup(file);
		e = b->file ? load(r, file, b) : -ENOMEM;
	}
	if (e == -ENOMEM) {
		tool_err("out of memory");
	} else if (e == -TV_EPARSE && b && b->kind && strcmp(b->kind, "result") == 0) {
		tool_err("%s: not a result of televal-aggregate --format json", file);
	} else if (e < 0 && e != -TV_EPARSE) {
		tool_err("%s: %s", file, tv_strerror(e));
	}
	if (e < 0) {
		baseline_destroy(b);
		return 1;
	}
	if (!same_by(b, tv_agg_options(r->agg))) {
		tool_warn("%s: grouped by other keys: only the totals are compared", file);
		for (size_t i = 0; i < b->n_groups; i++) {
			group_free(&b->groups[i], b->n_by);
		}
		b->n_groups = 0;
	}
	*out = b;
	return 0;
}
