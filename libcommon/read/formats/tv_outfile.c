// SPDX-License-Identifier: MIT
/*
 * Gemini CLI / Qwen Code telemetry.outfile (docs/FORMATS.md#outfile): the JS SDK's
 * log records, metrics and spans, each dumped as pretty-printed JSON, one
 * after another in the same file.
 *
 * tv_jsonseq cuts the stream into objects; each is parsed and sorted by its
 * keys: log records (hrTime + attributes) go to the Gemini mapper, spans
 * (_spanContext + name + startTime) to the trace assembler, and metric
 * objects are counted as skipped.  Attributes are flat objects with native
 * JSON types; nested values are kept as minified JSON in a scratch buffer
 * that may move while a record is built, so they hold their offset in v.i
 * until fix_json() turns it into a pointer.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "libcommon/core/tv_text.h"
#include "libcommon/core/tv_time.h"
#include "libcommon/read/tv_backend.h"

struct outfile {
	struct tv_read_ctx *ctx;
	struct tv_json_parser *parser;
	bool keep;
	uint64_t line; /* first line of the object */
	struct tv_attrs attrs, res;
	struct tv_strbuf json; /* minified nested values */
	struct tv_strbuf raw;  /* the object for --events */
};

static bool has(const struct tv_jv *obj, const char *key)
{
	struct tv_jv v;

	return tv_jv_get(obj, key, &v);
}
/*
 * The resource: `_rawAttributes` [[key, value], ...] as the SDK keeps it,
 * else an `attributes` object.  The layout is SDK-private, so entries of
 * another shape are passed over rather than failing the record.
 */
static int resource_attrs(struct outfile *o, const struct tv_jv *root)
{
	struct tv_jv res, raw, pair, key, v;
	struct tv_jiter it, pit;
	struct tv_val val;
	const char *k, *ks;
	size_t kn, kl;
	int r;

	if (!tv_jv_get(root, "resource", &res) || tv_jv_type(&res) != TV_J_OBJECT) {
		return 0;
	}
	if (!tv_jv_get(&res, "_rawAttributes", &raw) || tv_jv_type(&raw) != TV_J_ARRAY) {
		if (tv_jv_get(&res, "attributes", &raw) && tv_jv_type(&raw) == TV_J_OBJECT) {
			return tv_attrs_from_jv(&raw, &o->json, &o->res);
		}
		return 0;
	}
	tv_jv_iter_init(&raw, &it);
	while (tv_jv_iter_next(&it, &k, &kn, &pair)) {
		if (tv_jv_len(&pair) != 2 || tv_jv_type(&pair) != TV_J_ARRAY) {
			continue;
		}
		tv_jv_iter_init(&pair, &pit);
		tv_jv_iter_next(&pit, &k, &kn, &key);
		tv_jv_iter_next(&pit, &k, &kn, &v);
		if (!tv_jv_str(&key, &ks, &kl)) {
			continue;
		}
		r = tv_val_from_jv(&v, &o->json, &val);
		if (r == 0) {
			r = tv_attrs_push(&o->res, ks, kl, &val);
		}
		if (r < 0) {
			return r;
		}
	}
	return 0;
}

/*
 * [seconds, nanoseconds] as nanoseconds since the epoch: 0, -TV_ETYPE
 * (absent or not such a pair) or -TV_ERANGE (after 2262-04-11).
 */
static int hr_time_of(const struct tv_jv *obj, const char *key, int64_t *out)
{
	struct tv_jv arr, v;
	struct tv_jiter it;
	const char *k;
	size_t kn;
	double part[2];

	if (!tv_jv_get(obj, key, &arr) || tv_jv_type(&arr) != TV_J_ARRAY || tv_jv_len(&arr) != 2) {
		return -TV_ETYPE;
	}
	tv_jv_iter_init(&arr, &it);
	for (int i = 0; i < 2; i++) {
		tv_jv_iter_next(&it, &k, &kn, &v);
		if (!tv_jv_num(&v, &part[i]) || part[i] < 0 || (i == 1 && part[i] >= 1e9)) {
			return -TV_ETYPE;
		}
	}
	if (part[0] > (double)(INT64_MAX / TV_NS_PER_SEC) - 1) {
		return -TV_ERANGE;
	}
	*out = (int64_t)part[0] * TV_NS_PER_SEC + (int64_t)part[1];
	return 0;
}

static bool hr_time(const struct tv_jv *obj, const char *key, int64_t *out)
{
	return hr_time_of(obj, key, out) == 0;
}

/* why @key is not a time, for a rejection */
static const char *hr_why(const struct tv_jv *obj, const char *key)
{
	int64_t t;

	return hr_time_of(obj, key, &t) == -TV_ERANGE
		       ? "is outside the range televal holds (" TV_TIME_RANGE_TEXT ")"
		       : "is not [seconds, nanoseconds]";
}

/* An optional non-empty string member of @obj; false if of another type. */
static int keep_raw(struct outfile *o, const struct tv_jv *v, const char **raw, size_t *n)
{
	*raw = NULL;
	*n = 0;
	return o->keep ? tv_jv_minify_into(v, &o->raw, raw, n) : 0;
}

/* Start a record's scratch state. */
static void reset(struct outfile *o)
{
	tv_attrs_reset(&o->attrs);
	tv_attrs_reset(&o->res);
	tv_strbuf_reset(&o->json);
}

/* ---- log records ---- */

static int record_body(struct outfile *o, const struct tv_jv *root, struct tv_val *body)
{
	struct tv_jv v;

	if (!tv_jv_get(root, "_body", &v) && !tv_jv_get(root, "body", &v)) {
		return 0;
	}
	return tv_val_from_jv(&v, &o->json, body);
}

static void record_ids(const struct tv_jv *root, struct tv_record *rec)
{
	struct tv_jv sc;
	const struct tv_attr *a;

	a = tv_attrs_find(rec->attrs, rec->n_attrs, "event.name");
	if (a != NULL && a->v.type == TV_V_STR && a->v.n > 0) {
		rec->name = a->v.s;
		rec->name_len = a->v.n;
	}
	if (tv_jv_get(root, "spanContext", &sc) && tv_jv_type(&sc) == TV_J_OBJECT &&
	    !tv_jv_opt_text(&sc, "traceId", &rec->trace_id, &rec->trace_id_len)) {
		rec->trace_id = NULL;
		rec->trace_id_len = 0;
	}
}

static int log_record(struct outfile *o, const struct tv_jv *root)
{
	struct tv_record rec;
	struct tv_jv attrs;
	int64_t time;
	int r;

	if (!tv_jv_get(root, "attributes", &attrs) || tv_jv_type(&attrs) != TV_J_OBJECT) {
		return tv_read_reject(o->ctx, o->line, "log record: attributes is not an object");
	}
	if (!hr_time(root, "hrTime", &time)) {
		struct tv_jv v;

		/* present but malformed: a wrong type, as in the other readers */
		if (tv_jv_get(root, "hrTime", &v) && tv_jv_type(&v) != TV_J_NULL) {
			return tv_read_reject(o->ctx, o->line, "log record: hrTime %s",
					      hr_why(root, "hrTime"));
		}
		if (!hr_time(root, "hrTimeObserved", &time)) {
			time = TV_NONE;
		}
	}
	memset(&rec, 0, sizeof(rec));
	reset(o);
	rec.line = o->line;
	rec.time = time;
	r = tv_attrs_from_jv(&attrs, &o->json, &o->attrs);
	if (r == 0) {
		r = record_body(o, root, &rec.body);
	}
	if (r == 0) {
		r = resource_attrs(o, root);
	}
	if (r == 0) {
		r = keep_raw(o, root, &rec.raw, &rec.raw_len);
	}
	if (r < 0) {
		return r;
	}
	tv_attrs_fix(&o->attrs, &o->json);
	tv_attrs_fix(&o->res, &o->json);
	tv_val_fix(&rec.body, &o->json);
	rec.attrs = o->attrs.v;
	rec.n_attrs = o->attrs.n;
	rec.res = o->res.v;
	rec.n_res = o->res.n;
	record_ids(root, &rec);
	return tv_read_record(o->ctx, &rec);
}

/* ---- spans ---- */

static const char *span_ids(const struct tv_jv *root, struct tv_span *sp)
{
	struct tv_jv sc, psc;

	if ((!tv_jv_get(root, "_spanContext", &sc) && !tv_jv_get(root, "spanContext", &sc)) ||
	    tv_jv_type(&sc) != TV_J_OBJECT) {
		return "span: _spanContext is not an object";
	}
	if (!tv_jv_opt_text(&sc, "traceId", &sp->trace_id, &sp->trace_id_len) ||
	    sp->trace_id == NULL) {
		return "span: _spanContext.traceId is missing or not a string";
	}
	if (!tv_jv_opt_text(&sc, "spanId", &sp->span_id, &sp->span_id_len) || sp->span_id == NULL) {
		return "span: _spanContext.spanId is missing or not a string";
	}
	if (!tv_jv_opt_text(root, "parentSpanId", &sp->parent_id, &sp->parent_id_len)) {
		return "span: parentSpanId is not a string";
	}
	if (sp->parent_id == NULL && tv_jv_get(root, "parentSpanContext", &psc) &&
	    tv_jv_type(&psc) == TV_J_OBJECT &&
	    !tv_jv_opt_text(&psc, "spanId", &sp->parent_id, &sp->parent_id_len)) {
		return "span: parentSpanContext.spanId is not a string";
	}
	if (!tv_jv_opt_text(root, "name", &sp->name, &sp->name_len)) {
		return "span: name is not a string";
	}
	if (sp->name == NULL) {
		sp->name = "";
	}
	return NULL;
}

static const char *span_fields(const struct tv_jv *root, struct tv_span *sp)
{
	struct tv_jv st, code;
	int64_t c = 0;

	if (!hr_time(root, "startTime", &sp->start)) {
		return hr_time_of(root, "startTime", &sp->start) == -TV_ERANGE
			       ? "span: startTime is outside the range televal holds (" TV_TIME_RANGE_TEXT
				 ")"
			       : "span: startTime is not [seconds, nanoseconds]";
	}
	if (!hr_time(root, "endTime", &sp->end)) {
		sp->end = TV_NONE;
	}
	if (!tv_jv_get(root, "status", &st) || tv_jv_type(&st) == TV_J_NULL) {
		return NULL;
	}
	if (tv_jv_type(&st) != TV_J_OBJECT) {
		return "span: status is not an object";
	}
	if (tv_jv_get(&st, "code", &code) && (!tv_jv_int(&code, &c) || c < 0 || c > 2)) {
		return "span: status.code is not 0, 1 or 2";
	}
	sp->status = (int)c;
	if (!tv_jv_opt_text(&st, "message", &sp->status_message, &sp->status_message_len)) {
		return "span: status.message is not a string";
	}
	return NULL;
}

/* The span's attributes object, if any.  0, -ENOMEM, or -TV_ETYPE with @why set. */
static int span_attrs(struct outfile *o, const struct tv_jv *root, const char **why)
{
	struct tv_jv attrs;

	if (!tv_jv_get(root, "attributes", &attrs) || tv_jv_type(&attrs) == TV_J_NULL) {
		return 0;
	}
	if (tv_jv_type(&attrs) != TV_J_OBJECT) {
		*why = "span: attributes is not an object";
		return -TV_ETYPE;
	}
	return tv_attrs_from_jv(&attrs, &o->json, &o->attrs);
}

static int span(struct outfile *o, const struct tv_jv *root)
{
	struct tv_span sp;
	const char *why;
	int r = 0;

	memset(&sp, 0, sizeof(sp));
	reset(o);
	sp.line = o->line;
	why = span_ids(root, &sp);
	if (why == NULL) {
		why = span_fields(root, &sp);
	}
	if (why == NULL) {
		r = span_attrs(o, root, &why);
	}
	if (why != NULL) {
		return tv_read_reject(o->ctx, o->line, "%s", why);
	}
	if (r == 0) {
		r = resource_attrs(o, root);
	}
	if (r == 0) {
		r = keep_raw(o, root, &sp.raw, &sp.raw_len);
	}
	if (r < 0) {
		return r;
	}
	tv_attrs_fix(&o->attrs, &o->json);
	tv_attrs_fix(&o->res, &o->json);
	sp.attrs = o->attrs.v;
	sp.n_attrs = o->attrs.n;
	sp.res = o->res.v;
	sp.n_res = o->res.n;
	return tv_read_span(o->ctx, &sp);
}

/* ---- objects ---- */

static int object(struct outfile *o, const char *p, size_t n)
{
	struct tv_jv root;
	const char *why = NULL;
	int r;

	r = tv_json_parse(o->parser, p, n, &root, &why);
	if (r == -ENOMEM) {
		return r;
	}
	if (r < 0) {
		return tv_read_reject(o->ctx, o->line, "invalid JSON: %s", why);
	}
	if (tv_jv_type(&root) != TV_J_OBJECT) {
		return tv_read_reject(o->ctx, o->line, "not a telemetry object");
	}
	if (has(&root, "hrTime") && has(&root, "attributes")) {
		return log_record(o, &root);
	}
	if (has(&root, "scopeMetrics") || has(&root, "descriptor") || has(&root, "dataPoints")) {
		tv_read_skip_kind(o->ctx, "metrics");
		return 0;
	}
	if ((has(&root, "_spanContext") || has(&root, "spanContext")) && has(&root, "name") &&
	    has(&root, "startTime")) {
		return span(o, &root);
	}
	return tv_read_reject(o->ctx, o->line, "not a telemetry object");
}

/* one framed object: what tv_read_json_values() calls */
static int value_cb(void *udata, const char *json, size_t n, uint64_t line)
{
	struct outfile *o = udata;

	o->line = line;
	return object(o, json, n);
}

static int read_objects(struct outfile *o, struct tv_input *in, struct tv_strbuf *buf,
			struct tv_error *err)
{
	return tv_read_json_values(o->ctx, in, buf, value_cb, o, err);
}

static int read_input(struct tv_read_ctx *ctx, struct tv_input *in, struct tv_error *err)
{
	struct outfile o = {
		.ctx = ctx,
		.parser = tv_read_parser(ctx),
		.keep = tv_read_keep_events(ctx),
	};
	struct tv_strbuf buf;
	int r;

	tv_strbuf_init(&buf);
	tv_strbuf_init(&o.json);
	tv_strbuf_init(&o.raw);
	r = read_objects(&o, in, &buf, err);
	tv_attrs_finish(&o.attrs);
	tv_attrs_finish(&o.res);
	tv_strbuf_finish(&o.json);
	tv_strbuf_finish(&o.raw);
	tv_strbuf_finish(&buf);
	return r;
}

static bool detect(const struct tv_sniff *s)
{
	if (s->shape == TV_SHAPE_JSON_PRETTY) {
		return tv_text_has(s->data, s->len, "\"hrTime\"") ||
		       tv_text_has(s->data, s->len, "\"_rawAttributes\"") ||
		       tv_text_has(s->data, s->len, "\"scopeMetrics\"") ||
		       tv_text_has(s->data, s->len, "\"_spanContext\"");
	}
	return s->shape == TV_SHAPE_JSON_LINE &&
	       (tv_text_has(s->line, s->line_len, "\"hrTime\"") ||
		tv_text_has(s->line, s->line_len, "\"scopeMetrics\""));
}

const struct tv_format tv_format_outfile = {
	.name = "outfile",
	.layout = TV_LAYOUT_JSON,
	.detect = detect,
	.read = read_input,
};
