// SPDX-License-Identifier: MIT
/*
 * anyclaude telemetry (docs/FORMATS.md#anyclaude): ~/.anyclaude/telemetry/
 * session-<id>-metrics.jsonl holds one RequestMetric per line and no
 * session id (it is in the file name); session-<id>-summary.json is the
 * pretty-printed SessionSummary written at the end.
 *
 * A metrics file becomes one session with one turn (anyclaude records no
 * prompt) and an llm_call per good line, handed over whole at the end of
 * the file; bad lines are rejected and the rest still form the session.
 * A summary repeats what the metrics say, so it is not session data: it
 * counts as one skipped record, and its totals are checked against the
 * metrics file of the same session when both are read in one run (the
 * context keeps each anyclaude session's counts for that).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcommon/core/tv_int.h"
#include "libcommon/core/tv_hash.h"
#include "libcommon/core/tv_text.h"
#include "libcommon/core/tv_time.h"
#include "libcommon/json/tv_jsonseq.h"
#include "libcommon/read/tv_backend.h"

/* What a metrics file held, or what a summary says it held. */
struct counts {
	int64_t requests, ok, failed, timeout, input_tokens, output_tokens;
};

struct entry {
	char *id;
	uint64_t hash;
	bool has_metrics, has_summary;
	struct counts metrics, summary;
};

/* Session id -> counts: entries in arrival order, indexed by hash. */
struct seen {
	struct entry *v;
	size_t n, cap;
	size_t *tab; /* entry index + 1; 0 is free */
	size_t tcap;
};

struct anyclaude {
	struct tv_read_ctx *ctx;
	struct tv_json_parser *parser;
	bool keep;
	bool warned_naive;
	char *id;	   /* the session id */
	bool id_from_name; /* the file name had the session-<id>-... form */
	bool warned_name;
	struct tv_session *s; /* the metrics file's session */
	uint64_t used;	      /* its lines */
	struct counts got;
	struct tv_strbuf buf;
	char why[256];
};

/* One RequestMetric line, checked before anything is kept. */
struct metric {
	int64_t time, duration, input_tokens, output_tokens;
	enum tv_status status;
	int cache_hit;
	const char *model, *finish_reason, *error;
	size_t model_len, finish_reason_len, error_len;
	struct tv_jv provider;
	bool has_provider;
};

static bool is(const char *s, size_t n, const char *lit)
{
	return n == strlen(lit) && memcmp(s, lit, n) == 0;
}

static bool ends_with(const char *s, size_t n, const char *lit)
{
	size_t k = strlen(lit);

	return n >= k && memcmp(s + n - k, lit, k) == 0;
}

/* ---- the map of sessions seen ---- */

static void *seen_create(void)
{
	return calloc(1, sizeof(struct seen));
}

static void seen_destroy(void *state)
{
	struct seen *m = state;

	if (m == NULL) {
		return;
	}
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].id);
	}
	free(m->v);
	free(m->tab);
	free(m);
}

static struct entry *seen_find(struct seen *m, const char *id, uint64_t h)
{
	for (size_t i = h & (m->tcap - 1); m->tab[i] != 0; i = (i + 1) & (m->tcap - 1)) {
		struct entry *e = &m->v[m->tab[i] - 1];

		if (e->hash == h && strcmp(e->id, id) == 0) {
			return e;
		}
	}
	return NULL;
}

static int seen_rehash(struct seen *m, size_t cap)
{
	size_t *tab = calloc(cap, sizeof(*tab));

	if (tab == NULL) {
		return -ENOMEM;
	}
	for (size_t k = 0; k < m->n; k++) {
		size_t i = m->v[k].hash & (cap - 1);

		while (tab[i] != 0) {
			i = (i + 1) & (cap - 1);
		}
		tab[i] = k + 1;
	}
	free(m->tab);
	m->tab = tab;
	m->tcap = cap;
	return 0;
}

static int seen_grow(struct seen *m)
{
	struct entry *v;
	size_t c;

	if ((m->n + 1) * 2 > m->tcap && seen_rehash(m, m->tcap ? m->tcap * 2 : 64) < 0) {
		return -ENOMEM;
	}
	if (m->n < m->cap) {
		return 0;
	}
	c = m->cap ? m->cap * 2 : 16;
	v = realloc(m->v, c * sizeof(*v));
	if (v == NULL) {
		return -ENOMEM;
	}
	m->v = v;
	m->cap = c;
	return 0;
}

/* The entry of session @id, created if new.  NULL on ENOMEM. */
static struct entry *seen_get(struct tv_read_ctx *ctx, const char *id)
{
	struct seen *m = tv_read_state(ctx);
	uint64_t h = tv_hash64(id, strlen(id));
	struct entry *e;
	size_t i;

	if (m == NULL) {
		return NULL;
	}
	e = m->tcap ? seen_find(m, id, h) : NULL;
	if (e != NULL) {
		return e;
	}
	if (seen_grow(m) < 0) {
		return NULL;
	}
	e = &m->v[m->n];
	memset(e, 0, sizeof(*e));
	e->id = tv_strndup(id, strlen(id));
	if (e->id == NULL) {
		return NULL;
	}
	e->hash = h;
	for (i = h & (m->tcap - 1); m->tab[i] != 0; i = (i + 1) & (m->tcap - 1)) {
	}
	m->tab[i] = ++m->n;
	return e;
}

/* ---- cross-checks ---- */

static void mismatch(struct tv_strbuf *b, const char *what, int64_t summary, int64_t metrics)
{
	if (summary != TV_NONE && summary != metrics) { /* absent: nothing to check */
		tv_strbuf_printf(b, "%s%s %lld in the summary, %lld in the metrics",
				 b->len ? "; " : "", what, (long long)summary, (long long)metrics);
	}
}

/* Both files of a session read: warn if the summary disagrees with the metrics. */
static void cross_check(struct anyclaude *a, const struct entry *e, uint64_t line)
{
	const struct counts *s = &e->summary, *m = &e->metrics;

	if (!e->has_metrics || !e->has_summary) {
		return;
	}
	tv_strbuf_reset(&a->buf);
	mismatch(&a->buf, "total_requests", s->requests, m->requests);
	mismatch(&a->buf, "successful_requests", s->ok, m->ok);
	mismatch(&a->buf, "failed_requests", s->failed, m->failed);
	mismatch(&a->buf, "timeout_requests", s->timeout, m->timeout);
	mismatch(&a->buf, "total_input_tokens", s->input_tokens, m->input_tokens);
	mismatch(&a->buf, "total_output_tokens", s->output_tokens, m->output_tokens);
	if (a->buf.len > 0) {
		tv_read_warn(a->ctx, line, "session %s: summary and metrics disagree: %s", e->id,
			     a->buf.p);
	}
}

/* ---- the session id from the file name ---- */

/* session-<id>-metrics.jsonl or session-<id>-summary.json, maybe .gz. */
static int session_id(struct anyclaude *a, const char *path)
{
	const char *base = strrchr(path, '/'), *dot;
	size_t n;

	base = base ? base + 1 : path;
	n = strlen(base);
	if (ends_with(base, n, ".gz")) {
		n -= 3;
	}
	if (n > 8 && memcmp(base, "session-", 8) == 0 &&
	    (ends_with(base, n, "-metrics.jsonl") || ends_with(base, n, "-summary.json"))) {
		size_t tail = ends_with(base, n, "-metrics.jsonl") ? 14 : 13;

		if (n > 8 + tail) {
			a->id_from_name = true;
			a->id = tv_strndup(base + 8, n - 8 - tail);
			return a->id ? 0 : -ENOMEM;
		}
	}
	if (strcmp(path, "-") == 0) {
		base = "stdin";
		n = 5;
	}
	dot = memchr(base, '.', n);
	if (dot != NULL && dot > base) {
		n = (size_t)(dot - base);
	}
	a->id = tv_strndup(base, n);
	return a->id ? 0 : -ENOMEM;
}

static void warn_name(struct anyclaude *a, uint64_t line)
{
	if (!a->id_from_name && !a->warned_name) {
		a->warned_name = true;
		tv_read_warn(a->ctx, line,
			     "the file name is not session-<id>-metrics.jsonl: "
			     "taking \"%s\" as the session id",
			     a->id);
	}
}

/* ---- one RequestMetric ---- */

/* An optional number (JS numbers: integral doubles too); false if not one. */
static bool opt_num(const struct tv_jv *obj, const char *key, double *out, bool *have)
{
	struct tv_jv v;

	*have = false;
	if (!tv_jv_get(obj, key, &v) || tv_jv_type(&v) == TV_J_NULL) {
		return true;
	}
	*have = tv_jv_num(&v, out) && isfinite(*out);
	return *have;
}

static int count_field(struct anyclaude *a, const struct tv_jv *obj, const char *key, int64_t *out,
		       const char **why)
{
	double d;
	bool have;

	*out = TV_NONE;
	if (!opt_num(obj, key, &d, &have) || (have && (d != floor(d) || d < 0 || d > 9e15))) {
		snprintf(a->why, sizeof(a->why), "%s is not a count", key);
		*why = a->why;
		return -TV_ETYPE;
	}
	*out = have ? (int64_t)d : TV_NONE;
	return 0;
}

/* A non-negative number of milliseconds as nanoseconds (TV_NONE if absent). */
static int ms_field(struct anyclaude *a, const struct tv_jv *obj, const char *key, int64_t *out,
		    const char **why)
{
	double d;
	bool have;

	*out = TV_NONE;
	if (!opt_num(obj, key, &d, &have) || (have && !(d >= 0 && d < 9e12))) {
		snprintf(a->why, sizeof(a->why), "%s is not a number of milliseconds", key);
		*why = a->why;
		return -TV_ETYPE;
	}
	*out = have ? (int64_t)llround(d * 1e6) : TV_NONE;
	return 0;
}

static int metric_status(const struct tv_jv *v, struct metric *m, const char **why)
{
	const char *s;
	size_t n;

	if (!tv_jv_opt_str(v, "status", &s, &n)) {
		*why = "status is not a string";
		return -TV_ETYPE;
	}
	if (s == NULL) {
		m->status = TV_STATUS_NONE;
	} else if (is(s, n, "success")) {
		m->status = TV_STATUS_OK;
	} else if (is(s, n, "error")) {
		m->status = TV_STATUS_ERROR;
	} else if (is(s, n, "timeout")) {
		m->status = TV_STATUS_TIMEOUT;
	} else {
		*why = "status is not success, error or timeout";
		return -TV_ETYPE;
	}
	return 0;
}

/* timestamp (ISO; naive is UTC, warned once), else request_start_ms. */
static int metric_time(struct anyclaude *a, const struct tv_jv *v, struct metric *m, uint64_t line,
		       const char **why)
{
	const char *s;
	size_t n;
	bool naive = false;
	int r;

	r = tv_jv_opt_str(v, "timestamp", &s, &n) ? 0 : -TV_ETYPE;
	if (r == 0 && s != NULL) {
		r = tv_time_parse(s, n, &m->time, &naive);
	}
	if (r < 0) {
		*why = r == -TV_ERANGE ? "timestamp is outside the range televal holds "
					 "(" TV_TIME_RANGE_TEXT ")"
				       : "timestamp is not an ISO 8601 time";
		return -TV_ETYPE;
	}
	if (naive && !a->warned_naive) {
		a->warned_naive = true;
		tv_read_warn(a->ctx, line, "times without a time zone are taken as UTC");
	}
	if (s == NULL) {
		return ms_field(a, v, "request_start_ms", &m->time, why);
	}
	return 0;
}

static int metric_strings(const struct tv_jv *v, struct metric *m, const char **why)
{
	struct tv_jv p;

	if (!tv_jv_opt_str(v, "model", &m->model, &m->model_len)) {
		*why = "model is not a string";
		return -TV_ETYPE;
	}
	if (!tv_jv_opt_str(v, "finish_reason", &m->finish_reason, &m->finish_reason_len)) {
		*why = "finish_reason is not a string";
		return -TV_ETYPE;
	}
	if (!tv_jv_opt_str(v, "error_message", &m->error, &m->error_len)) {
		*why = "error_message is not a string";
		return -TV_ETYPE;
	}
	m->has_provider = tv_jv_get(v, "provider", &p) && tv_jv_type(&p) != TV_J_NULL;
	if (m->has_provider && tv_jv_type(&p) != TV_J_STRING) {
		*why = "provider is not a string";
		return -TV_ETYPE;
	}
	m->provider = p;
	return 0;
}

static int read_metric(struct anyclaude *a, const struct tv_jv *v, struct metric *m, uint64_t line,
		       const char **why)
{
	struct tv_jv cache;
	bool b;
	int r;

	m->cache_hit = -1;
	if (tv_jv_get(v, "cache_hit", &cache) && tv_jv_type(&cache) != TV_J_NULL) {
		if (!tv_jv_bool(&cache, &b)) {
			*why = "cache_hit is not true or false";
			return -TV_ETYPE;
		}
		m->cache_hit = b;
	}
	r = metric_time(a, v, m, line, why);
	if (r == 0) {
		r = ms_field(a, v, "latency_ms", &m->duration, why);
	}
	if (r == 0) {
		r = count_field(a, v, "message_tokens", &m->input_tokens, why);
	}
	if (r == 0) {
		r = count_field(a, v, "response_tokens", &m->output_tokens, why);
	}
	if (r == 0) {
		r = metric_status(v, m, why);
	}
	return r == 0 ? metric_strings(v, m, why) : r;
}

static int set_opt(char **dst, const char *s, size_t n)
{
	return s != NULL && n > 0 ? tv_set_str(dst, s, n) : 0;
}

/* The session's first provider, as metadata.provider. */
static int provider(struct anyclaude *a, const struct metric *m)
{
	if (!m->has_provider || tv_kvlist_find(&a->s->metadata, "provider") != NULL) {
		return 0;
	}
	tv_strbuf_reset(&a->buf);
	if (tv_jv_minify(&m->provider, &a->buf) < 0) {
		return -ENOMEM;
	}
	return tv_kvlist_set(&a->s->metadata, "provider", 8, a->buf.p, a->buf.len);
}

static void tally(struct counts *c, const struct metric *m)
{
	c->requests++;
	c->ok += m->status == TV_STATUS_OK;
	c->failed += m->status == TV_STATUS_ERROR;
	c->timeout += m->status == TV_STATUS_TIMEOUT;
	c->input_tokens =
		tv_add_sat(c->input_tokens, m->input_tokens != TV_NONE ? m->input_tokens : 0);
	c->output_tokens =
		tv_add_sat(c->output_tokens, m->output_tokens != TV_NONE ? m->output_tokens : 0);
}

static int add_call(struct anyclaude *a, const struct tv_jv *v, const struct metric *m)
{
	struct tv_llm_call *c = tv_turn_add_llm(&a->s->turns[0]);
	int r;

	if (c == NULL) {
		return -ENOMEM;
	}
	c->time = m->time;
	c->duration = m->duration;
	c->status = m->status;
	c->cache_hit = m->cache_hit;
	c->input_tokens = m->input_tokens;
	c->output_tokens = m->output_tokens;
	r = set_opt(&c->model, m->model, m->model_len);
	if (r == 0) {
		r = set_opt(&c->finish_reason, m->finish_reason, m->finish_reason_len);
	}
	if (r == 0) {
		r = set_opt(&c->error, m->error, m->error_len);
	}
	if (r == 0) {
		r = provider(a, m);
	}
	if (r == 0 && a->keep) {
		tv_strbuf_reset(&a->buf);
		r = tv_jv_minify(v, &a->buf);
		if (r == 0) {
			r = tv_session_add_event(a->s, a->buf.p, a->buf.len);
		}
	}
	tally(&a->got, m);
	return r;
}

static int summary_root(struct anyclaude *a, const struct tv_jv *v, uint64_t line,
			struct tv_strbuf *id);

static bool has(const struct tv_jv *obj, const char *key)
{
	struct tv_jv v;

	return tv_jv_get(obj, key, &v);
}

/* A SessionSummary on a line of its own: checked, not data. */
static int summary_line(struct anyclaude *a, const struct tv_jv *v, uint64_t line)
{
	struct tv_strbuf id;
	int r;

	tv_strbuf_init(&id);
	r = summary_root(a, v, line, &id);
	tv_strbuf_finish(&id);
	return r;
}

/* One line: 0 (used, skipped or rejected) or a fatal code. */
static int metric_line(struct anyclaude *a, const char *p, size_t n, uint64_t line)
{
	struct metric m;
	struct tv_jv v;
	const char *why = NULL;
	int r;

	r = tv_json_parse(a->parser, p, n, &v, &why);
	if (r == -ENOMEM) {
		return r;
	}
	if (r < 0) {
		return tv_read_reject(a->ctx, line, "invalid JSON: %s", why ? why : tv_strerror(r));
	}
	if (tv_jv_type(&v) != TV_J_OBJECT) {
		return tv_read_reject(a->ctx, line, "not a RequestMetric object");
	}
	if (has(&v, "total_requests") && !has(&v, "request_id")) {
		return summary_line(a, &v, line);
	}
	if (!has(&v, "request_id") && !has(&v, "status") && !has(&v, "latency_ms")) {
		return tv_read_reject(a->ctx, line,
				      "not a RequestMetric (no request_id, status "
				      "or latency_ms)");
	}
	memset(&m, 0, sizeof(m));
	r = read_metric(a, &v, &m, line, &why);
	if (r == -TV_ETYPE) {
		return tv_read_reject(a->ctx, line, "%s", why);
	}
	if (a->s == NULL) {
		a->s = tv_session_create();
		if (a->s == NULL || tv_session_add_turn(a->s) == NULL) {
			return -ENOMEM;
		}
	}
	warn_name(a, line);
	a->used++;
	return add_call(a, &v, &m);
}

/* The end of the metrics file: hand the session over and remember its counts. */
static int metrics_done(struct anyclaude *a)
{
	struct tv_session *s = a->s;
	struct entry *e;
	int r;

	if (s == NULL) {
		return 0; /* no good line: no session */
	}
	a->s = NULL;
	r = tv_set_str(&s->id, a->id, strlen(a->id));
	if (r < 0) {
		tv_session_destroy(s);
		return r;
	}
	r = tv_read_complete(a->ctx, s, a->used);
	e = r == 0 ? seen_get(a->ctx, a->id) : NULL;
	if (r == 0 && e == NULL) {
		return -ENOMEM;
	}
	if (r == 0) {
		e->has_metrics = true;
		e->metrics = a->got;
		cross_check(a, e, 0);
	}
	return r;
}

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r') {
			return false;
		}
	}
	return true;
}

static int read_metrics(struct anyclaude *a, struct tv_input *in, struct tv_error *err)
{
	const char *line;
	size_t len;
	uint64_t lineno = 0;
	int r;

	for (;;) {
		r = tv_input_line(in, &line, &len, &lineno, NULL);
		if (r == 0) {
			break;
		}
		if (r == -TV_ETOOBIG) {
			tv_read_reject(a->ctx, lineno,
				       "line longer than the record limit "
				       "(%zu bytes)",
				       tv_read_max_record(a->ctx));
			continue;
		}
		if (r < 0) {
			return tv_error_set(err, r, tv_input_name(in), lineno, "cannot read: %s",
					    tv_strerror(r));
		}
		if (blank(line, len)) {
			continue;
		}
		r = metric_line(a, line, len, lineno);
		if (r < 0) {
			return tv_error_set(err, r, tv_input_name(in), lineno, "%s",
					    tv_strerror(r));
		}
	}
	r = metrics_done(a);
	if (r < 0) {
		return tv_error_set(err, r, tv_input_name(in), lineno, "%s", tv_strerror(r));
	}
	return 0;
}

/* ---- session summaries ---- */

static int summary_counts(struct anyclaude *a, const struct tv_jv *v, struct counts *c,
			  const char **why)
{
	int r = count_field(a, v, "total_requests", &c->requests, why);

	if (r == 0 && c->requests == TV_NONE) {
		*why = "not an anyclaude session summary (no total_requests)";
		return -TV_ETYPE;
	}
	if (r == 0) {
		r = count_field(a, v, "successful_requests", &c->ok, why);
	}
	if (r == 0) {
		r = count_field(a, v, "failed_requests", &c->failed, why);
	}
	if (r == 0) {
		r = count_field(a, v, "timeout_requests", &c->timeout, why);
	}
	if (r == 0) {
		r = count_field(a, v, "total_input_tokens", &c->input_tokens, why);
	}
	if (r == 0) {
		r = count_field(a, v, "total_output_tokens", &c->output_tokens, why);
	}
	return r;
}

/* The summary's session: its session_id, else the file name's. */
static int summary_id(struct anyclaude *a, const struct tv_jv *v, struct tv_strbuf *id,
		      uint64_t line, const char **why)
{
	const char *s;
	size_t n;

	if (!tv_jv_opt_str(v, "session_id", &s, &n)) {
		*why = "session_id is not a string";
		return -TV_ETYPE;
	}
	if (s == NULL || n == 0) {
		warn_name(a, line);
		s = a->id;
		n = strlen(a->id);
	}
	tv_strbuf_reset(id);
	return tv_strbuf_append(id, s, n);
}

static int summary_root(struct anyclaude *a, const struct tv_jv *v, uint64_t line,
			struct tv_strbuf *id)
{
	struct counts c = { 0 };
	struct entry *e;
	const char *why = NULL;
	int r;

	r = tv_jv_type(v) == TV_J_OBJECT ? summary_counts(a, v, &c, &why) : -TV_ETYPE;
	if (r == 0) {
		r = summary_id(a, v, id, line, &why);
	}
	if (r == -TV_ETYPE) {
		return tv_read_reject(a->ctx, line, "%s",
				      why ? why
					  : "not an anyclaude session summary (not an object)");
	}
	if (r < 0) {
		return r;
	}
	tv_read_skip_kind(a->ctx, "session summaries"); /* the metrics file holds the data */
	e = seen_get(a->ctx, id->p);
	if (e == NULL) {
		return -ENOMEM;
	}
	e->has_summary = true;
	e->summary = c;
	cross_check(a, e, line);
	return 0;
}

static int summary(struct anyclaude *a, const char *p, size_t n, uint64_t line,
		   struct tv_strbuf *id)
{
	struct tv_jv v;
	const char *why = NULL;
	int r;

	r = tv_json_parse(a->parser, p, n, &v, &why);
	if (r == -ENOMEM) {
		return r;
	}
	if (r < 0) {
		return tv_read_reject(a->ctx, line, "invalid JSON: %s", why ? why : tv_strerror(r));
	}
	return summary_root(a, &v, line, id);
}

static int read_summaries(struct anyclaude *a, struct tv_input *in, struct tv_error *err)
{
	struct tv_strbuf doc, id;
	uint64_t first, last;
	const char *why;
	int r;

	tv_strbuf_init(&doc);
	tv_strbuf_init(&id);
	for (;;) {
		r = tv_jsonseq_next(in, &doc, tv_read_max_record(a->ctx), &first, &last, &why);
		if (r == 0) {
			break;
		}
		if (r == -TV_EPARSE || r == -TV_ETOOBIG) {
			tv_read_reject(a->ctx, first, "%s", why);
			continue;
		}
		if (r < 0) {
			r = tv_error_set(err, r, tv_input_name(in), last, "cannot read: %s",
					 why ? why : tv_strerror(r));
			break;
		}
		r = summary(a, doc.p, doc.len, first, &id);
		if (r < 0) {
			r = tv_error_set(err, r, tv_input_name(in), first, "%s", tv_strerror(r));
			break;
		}
	}
	tv_strbuf_finish(&doc);
	tv_strbuf_finish(&id);
	return r;
}

/*
 * A summary: named session-<id>-summary.json, or pretty JSON (a line
 * holding only "{" first), which a metrics file never is.
 */
static bool is_summary(struct tv_input *in, const char *path)
{
	const char *d;
	size_t n, i = 0, k;

	k = strlen(path);
	if (ends_with(path, k, ".gz")) {
		k -= 3;
	}
	if (ends_with(path, k, "-summary.json")) {
		return true;
	}
	if (tv_input_peek(in, &d, &n) < 0) {
		return false;
	}
	while (i < n && (d[i] == ' ' || d[i] == '\t' || d[i] == '\r' || d[i] == '\n')) {
		i++;
	}
	if (i == n || d[i] != '{') {
		return false;
	}
	for (i++; i < n && (d[i] == ' ' || d[i] == '\t' || d[i] == '\r'); i++) {
	}
	return i < n && d[i] == '\n';
}

static int read_input(struct tv_read_ctx *ctx, struct tv_input *in, struct tv_error *err)
{
	struct anyclaude a = {
		.ctx = ctx,
		.parser = tv_read_parser(ctx),
		.keep = tv_read_keep_events(ctx),
	};
	int r;

	tv_strbuf_init(&a.buf);
	r = session_id(&a, tv_input_path(in));
	if (r < 0) {
		r = tv_error_set(err, r, tv_input_name(in), 0, "%s", tv_strerror(r));
	} else if (is_summary(in, tv_input_path(in))) {
		r = read_summaries(&a, in, err);
	} else {
		r = read_metrics(&a, in, err);
	}
	tv_session_destroy(a.s);
	free(a.id);
	tv_strbuf_finish(&a.buf);
	return r;
}

/* a SessionSummary (session-<id>-summary.json, or on one line) */
static bool looks_summary(const char *d, size_t n)
{
	return tv_text_has(d, n, "\"total_requests\"") && tv_text_has(d, n, "\"p95_latency_ms\"");
}

static bool detect(const struct tv_sniff *s)
{
	if (s->shape == TV_SHAPE_JSON_PRETTY) {
		return looks_summary(s->data, s->len);
	}
	if (s->shape != TV_SHAPE_JSON_LINE) {
		return false;
	}
	return (tv_text_has(s->line, s->line_len, "\"request_id\"") &&
		tv_text_has(s->line, s->line_len, "\"latency_ms\"")) ||
	       looks_summary(s->line, s->line_len);
}

const struct tv_format tv_format_anyclaude = {
	.name = "anyclaude",
	.layout = TV_LAYOUT_JSON_LINES,
	.detect = detect,
	.read = read_input,
	.state_create = seen_create,
	.state_destroy = seen_destroy,
};
