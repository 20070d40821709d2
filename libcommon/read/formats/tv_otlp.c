// SPDX-License-Identifier: MIT
/*
 * OTLP/JSON export requests (docs/FORMATS.md#otlp): one request per line (the
 * collector's file exporter) or pretty-printed documents one after another.
 *
 * JSON Lines are parsed straight from the input buffer (tv_input_line pads
 * each line), so the hot path copies nothing.  Attribute arrays are built in
 * reader-local buffers reused across records; their strings are borrowed from
 * the parsed document, which stays alive until every record of the request
 * has been handed over.  array/kvlist values become plain JSON text in a
 * scratch buffer: while a list is built the scratch buffer may move, so such
 * values hold their offset in v.i until fix_json() turns it into a pointer.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "libcommon/core/tv_text.h"
#include "libcommon/core/tv_time.h"
#include "libcommon/json/tv_jw.h"
#include "libcommon/read/tv_backend.h"

struct otlp {
	struct tv_read_ctx *ctx;
	struct tv_json_parser *parser;
	bool keep;
	uint64_t line;		   /* of the request being read */
	struct tv_attrs attrs;	   /* the current record's */
	struct tv_attrs res;	   /* the current resource's */
	struct tv_strbuf json;	   /* JSON texts of the record's values */
	struct tv_strbuf res_json; /* ... and of the resource's */
	struct tv_strbuf raw;	   /* the record for --events */
	char why[160];		   /* a reason built for a rejection */
};

struct signal;

/* Where an item is: its signal and its three indices, for messages. */
struct loc {
	const struct signal *sig;
	const char *scope; /* the scope key the resource has: sig->scope or sig->scope_v0 */
	size_t r, s, i;
};

/*
 * One signal: its three nesting levels and what to do with each item.
 * @scope_v0 is the scope level's name before OTLP 0.15 (instrumentation
 * library), which older exporters and Grafana Tempo's trace API still write.
 */
struct signal {
	const char *res, *scope, *scope_v0, *items;
	bool need_res;
	int (*item)(struct otlp *o, const struct tv_jv *v, const struct loc *loc);
};

static bool key_is(const char *k, size_t n, const char *lit)
{
	return n == strlen(lit) && memcmp(k, lit, n) == 0;
}

/* ---- scalars ---- */

/* intValue: a decimal string or a number, as proto3 JSON allows. */
static int int_value(const struct tv_jv *v, int64_t *out, const char **why)
{
	const char *s;
	size_t n;
	double d;

	if (tv_jv_int(v, out)) {
		return 0;
	}
	if (tv_jv_str(v, &s, &n) && tv_parse_int64(s, n, out) == 0) {
		return 0;
	}
	if (tv_jv_type(v) == TV_J_DOUBLE && tv_jv_num(v, &d) && d == floor(d) && d >= -9.2e18 &&
	    d <= 9.2e18) {
		*out = (int64_t)d;
		return 0;
	}
	*why = "intValue is not a 64-bit integer";
	return -TV_ETYPE;
}

/* doubleValue: a number, or a string (proto3 JSON writes NaN/Infinity so). */
static int double_value(const struct tv_jv *v, double *out, const char **why)
{
	const char *s;
	size_t n;

	if (tv_jv_num(v, out)) {
		return 0;
	}
	if (tv_jv_str(v, &s, &n)) {
		if (key_is(s, n, "NaN")) {
			*out = NAN;
			return 0;
		}
		if (key_is(s, n, "Infinity") || key_is(s, n, "-Infinity")) {
			*out = s[0] == '-' ? -INFINITY : INFINITY;
			return 0;
		}
		if (tv_parse_double(s, n, out) == 0) {
			return 0;
		}
	}
	*why = "doubleValue is not a number";
	return -TV_ETYPE;
}

/*
 * A scalar AnyValue member into @out.  Returns 1 if @k is a scalar kind,
 * 0 if not (array, kvlist or unknown), or -TV_ETYPE.
 */
static int scalar(const char *k, size_t kn, const struct tv_jv *v, struct tv_val *out,
		  const char **why)
{
	int r;

	if (key_is(k, kn, "stringValue") || key_is(k, kn, "bytesValue")) {
		out->type = TV_V_STR;
		if (!tv_jv_str(v, &out->s, &out->n)) {
			*why = k[0] == 's' ? "stringValue is not a string"
					   : "bytesValue is not a string";
			return -TV_ETYPE;
		}
		return 1;
	}
	if (key_is(k, kn, "intValue")) {
		out->type = TV_V_INT;
		r = int_value(v, &out->i, why);
		return r < 0 ? r : 1;
	}
	if (key_is(k, kn, "doubleValue")) {
		out->type = TV_V_DOUBLE;
		r = double_value(v, &out->d, why);
		return r < 0 ? r : 1;
	}
	if (key_is(k, kn, "boolValue")) {
		out->type = TV_V_BOOL;
		if (!tv_jv_bool(v, &out->b)) {
			*why = "boolValue is not a bool";
			return -TV_ETYPE;
		}
		return 1;
	}
	return 0;
}

/* ---- AnyValue as plain JSON (array and kvlist values) ---- */

static int write_any(struct tv_jw *w, const struct tv_jv *v, const char **why);

static void write_scalar(struct tv_jw *w, const struct tv_val *v)
{
	switch (v->type) {
	case TV_V_STR:
		tv_jw_str(w, v->s, v->n);
		break;
	case TV_V_INT:
		tv_jw_int(w, v->i);
		break;
	case TV_V_DOUBLE:
		tv_jw_double(w, v->d);
		break;
	case TV_V_BOOL:
		tv_jw_bool(w, v->b);
		break;
	default:
		tv_jw_null(w);
		break;
	}
}

/*
 * The "values" array of an arrayValue/kvlistValue: 1, or 0 when there is
 * none (proto3 JSON leaves out an empty list), or -TV_ETYPE.
 */
static int list_values(const struct tv_jv *v, struct tv_jv *out, const char **why)
{
	if (tv_jv_type(v) == TV_J_OBJECT && !tv_jv_get(v, "values", out)) {
		return 0;
	}
	if (tv_jv_type(v) == TV_J_OBJECT && tv_jv_type(out) == TV_J_ARRAY) {
		return 1;
	}
	*why = "arrayValue/kvlistValue has no values array";
	return -TV_ETYPE;
}

static int write_array(struct tv_jw *w, const struct tv_jv *v, const char **why)
{
	struct tv_jv vals, e;
	struct tv_jiter it;
	const char *k;
	size_t kn;
	int have, r;

	have = list_values(v, &vals, why);
	if (have < 0) {
		return have;
	}
	tv_jw_arr_begin(w);
	if (have == 1) {
		tv_jv_iter_init(&vals, &it);
	}
	while (have == 1 && tv_jv_iter_next(&it, &k, &kn, &e)) {
		r = write_any(w, &e, why);
		if (r < 0) {
			return r;
		}
	}
	tv_jw_arr_end(w);
	return 0;
}

static int write_kvlist(struct tv_jw *w, const struct tv_jv *v, const char **why)
{
	struct tv_jv vals, kv, key, val;
	struct tv_jiter it;
	const char *k, *s;
	size_t kn, n;
	int have, r;

	have = list_values(v, &vals, why);
	if (have < 0) {
		return have;
	}
	tv_jw_obj_begin(w);
	if (have == 1) {
		tv_jv_iter_init(&vals, &it);
	}
	while (have == 1 && tv_jv_iter_next(&it, &k, &kn, &kv)) {
		if (!tv_jv_get(&kv, "key", &key) || !tv_jv_str(&key, &s, &n)) {
			*why = "kvlistValue entry without a string key";
			return -TV_ETYPE;
		}
		tv_jw_key_n(w, s, n);
		if (!tv_jv_get(&kv, "value", &val)) {
			tv_jw_null(w);
			continue;
		}
		r = write_any(w, &val, why);
		if (r < 0) {
			return r;
		}
	}
	tv_jw_obj_end(w);
	return 0;
}

static int write_any(struct tv_jw *w, const struct tv_jv *v, const char **why)
{
	struct tv_jiter it;
	struct tv_jv m;
	struct tv_val sv = { .type = TV_V_NONE };
	const char *k;
	size_t kn;
	int r;

	if (tv_jv_type(v) != TV_J_OBJECT) {
		*why = "value is not an AnyValue object";
		return -TV_ETYPE;
	}
	tv_jv_iter_init(v, &it);
	while (tv_jv_iter_next(&it, &k, &kn, &m)) {
		if (key_is(k, kn, "arrayValue")) {
			return write_array(w, &m, why);
		}
		if (key_is(k, kn, "kvlistValue")) {
			return write_kvlist(w, &m, why);
		}
		r = scalar(k, kn, &m, &sv, why);
		if (r < 0) {
			return r;
		}
		if (r == 1) {
			break;
		}
	}
	write_scalar(w, &sv);
	return 0;
}

/* ---- AnyValue and KV lists as struct tv_val ---- */

/* An array/kvlist member as TV_V_JSON; s stays NULL until fix_json(). */
static int any_json(const struct tv_jv *v, struct tv_strbuf *json, struct tv_val *out,
		    const char **why)
{
	struct tv_jw w;
	size_t off = json->len;
	int r;

	tv_jw_init(&w, json);
	r = write_any(&w, v, why);
	if (r == 0) {
		r = tv_jw_error(&w);
	}
	if (r < 0) {
		json->len = off;
		if (json->p != NULL) {
			json->p[off] = '\0';
		}
		return r;
	}
	out->type = TV_V_JSON;
	out->s = NULL;
	out->i = (int64_t)off;
	out->n = json->len - off;
	return 0;
}

static int any_to_val(const struct tv_jv *v, struct tv_strbuf *json, struct tv_val *out,
		      const char **why)
{
	struct tv_jiter it;
	struct tv_jv m;
	const char *k;
	size_t kn;
	int r;

	memset(out, 0, sizeof(*out));
	out->type = TV_V_NONE;
	if (tv_jv_type(v) != TV_J_OBJECT) {
		*why = "value is not an AnyValue object";
		return -TV_ETYPE;
	}
	/* most values are strings: one lookup instead of walking the members */
	if (tv_jv_len(v) == 1 && tv_jv_get(v, "stringValue", &m)) {
		r = scalar("stringValue", 11, &m, out, why);
		return r < 0 ? r : 0;
	}
	tv_jv_iter_init(v, &it);
	while (tv_jv_iter_next(&it, &k, &kn, &m)) {
		if (key_is(k, kn, "arrayValue") || key_is(k, kn, "kvlistValue")) {
			return any_json(v, json, out, why);
		}
		r = scalar(k, kn, &m, out, why);
		if (r != 0) {
			return r < 0 ? r : 0;
		}
	}
	return 0; /* {} or only unknown members: no value */
}
static int kv_entry(const struct tv_jv *kv, struct tv_attrs *out, struct tv_strbuf *json,
		    const char **why)
{
	struct tv_jv k, val;
	struct tv_val v = { .type = TV_V_NONE };
	const char *key;
	size_t klen;
	int r;

	struct tv_jkv fast;

	/* the common shape, a scalar attribute, in one call into the parser */
	if (tv_jv_otlp_kv(kv, &fast)) {
		switch (fast.type) {
		case TV_J_STRING:
			if (!fast.int_text) {
				v.type = TV_V_STR;
				v.s = fast.s;
				v.n = fast.n;
				return tv_attrs_push(out, fast.key, fast.klen, &v);
			}
			break; /* an intValue string: checked below */
		case TV_J_INT:
			v.type = TV_V_INT;
			v.i = fast.i;
			return tv_attrs_push(out, fast.key, fast.klen, &v);
		case TV_J_DOUBLE:
			v.type = TV_V_DOUBLE;
			v.d = fast.d;
			return tv_attrs_push(out, fast.key, fast.klen, &v);
		case TV_J_BOOL:
			v.type = TV_V_BOOL;
			v.b = fast.b;
			return tv_attrs_push(out, fast.key, fast.klen, &v);
		default:
			break;
		}
	}
	if (tv_jv_type(kv) != TV_J_OBJECT) {
		*why = "not a {key, value} object";
		return -TV_ETYPE;
	}
	/* two lookups beat walking the members: the iterator is dearer than at_key */
	if (!tv_jv_get(kv, "key", &k)) {
		*why = "attribute without a key";
		return -TV_ETYPE;
	}
	if (!tv_jv_str(&k, &key, &klen)) {
		*why = "key is not a string";
		return -TV_ETYPE;
	}
	if (tv_jv_get(kv, "value", &val) && tv_jv_type(&val) != TV_J_NULL) {
		r = any_to_val(&val, json, &v, why);
		if (r < 0) {
			return r;
		}
	}
	return tv_attrs_push(out, key, klen, &v);
}

/*
 * The KV array @field of @obj appended to @out (absent or null: nothing).
 * JSON values wait for fix_json().
 */
static int kv_list(struct otlp *o, const struct tv_jv *obj, const char *field, struct tv_attrs *out,
		   struct tv_strbuf *json, const char **why)
{
	struct tv_jv arr, kv;
	struct tv_jiter it;
	const char *k, *w = NULL;
	size_t kn, idx = 0;
	int r;

	if (!tv_jv_get(obj, field, &arr) || tv_jv_type(&arr) == TV_J_NULL) {
		return 0;
	}
	if (tv_jv_type(&arr) != TV_J_ARRAY) {
		snprintf(o->why, sizeof(o->why), "%s is not an array", field);
		*why = o->why;
		return -TV_ETYPE;
	}
	tv_jv_iter_init(&arr, &it);
	while (tv_jv_iter_next(&it, &k, &kn, &kv)) {
		r = kv_entry(&kv, out, json, &w);
		if (r == -TV_ETYPE) {
			snprintf(o->why, sizeof(o->why), "%s[%zu]: %s", field, idx, w);
			*why = o->why;
		}
		if (r < 0) {
			return r;
		}
		idx++;
	}
	return 0;
}

/* ---- record fields ---- */

/* a whole number past INT64_MAX (uint64 nanoseconds after 2262-04-11) */
static bool past_int64(const struct tv_jv *v)
{
	const char *s;
	size_t n;
	double d;

	if (tv_jv_str(v, &s, &n)) {
		for (size_t i = 0; i < n; i++) {
			if (s[i] < '0' || s[i] > '9') {
				return false;
			}
		}
		return n >= 19;
	}
	return tv_jv_num(v, &d) && d >= 9.2e18;
}

/* A *UnixNano field: absent or 0 is unknown (TV_NONE). */
static int nanos(struct otlp *o, const struct tv_jv *obj, const char *key, int64_t *out,
		 const char **why)
{
	struct tv_jv v;

	*out = TV_NONE;
	if (!tv_jv_get(obj, key, &v) || tv_jv_type(&v) == TV_J_NULL) {
		return 0;
	}
	if (int_value(&v, out, why) < 0 || *out < 0) {
		*out = TV_NONE;
		snprintf(o->why, sizeof(o->why), "%s is %s", key,
			 past_int64(&v) ? "outside the range televal holds (" TV_TIME_RANGE_TEXT ")"
					: "not a time in nanoseconds");
		*why = o->why;
		return -TV_ETYPE;
	}
	if (*out == 0) {
		*out = TV_NONE;
	}
	return 0;
}

/* An optional string member; "" counts as absent.  False if not a string. */
static int keep_raw(struct otlp *o, const struct tv_jv *v, const char **raw, size_t *n)
{
	*raw = NULL;
	*n = 0;
	return o->keep ? tv_jv_minify_into(v, &o->raw, raw, n) : 0;
}

static int reject_item(struct otlp *o, const struct loc *l, const char *why)
{
	return tv_read_reject(o->ctx, o->line, "%s[%zu].%s[%zu].%s[%zu]: %s", l->sig->res, l->r,
			      l->scope, l->s, l->sig->items, l->i, why);
}

/* -TV_ETYPE becomes a rejection of the item; anything else is returned. */
static int item_result(struct otlp *o, const struct loc *l, int r, const char *why)
{
	return r == -TV_ETYPE ? reject_item(o, l, why) : r;
}

/* ---- log records ---- */

static int record_name(const struct tv_jv *v, struct tv_record *rec, const char **why)
{
	const struct tv_attr *a;

	if (!tv_jv_opt_text(v, "eventName", &rec->name, &rec->name_len)) {
		*why = "eventName is not a string";
		return -TV_ETYPE;
	}
	if (rec->name != NULL) {
		return 0;
	}
	a = tv_attrs_find(rec->attrs, rec->n_attrs, "event.name");
	if (a != NULL && a->v.type == TV_V_STR && a->v.n > 0) {
		rec->name = a->v.s;
		rec->name_len = a->v.n;
	}
	return 0;
}

static int record_body(struct otlp *o, const struct tv_jv *v, struct tv_record *rec,
		       const char **why)
{
	struct tv_jv body;
	int r;

	if (!tv_jv_get(v, "body", &body) || tv_jv_type(&body) == TV_J_NULL) {
		return 0;
	}
	r = any_to_val(&body, &o->json, &rec->body, why);
	if (r == -TV_ETYPE) {
		snprintf(o->why, sizeof(o->why), "body: %s", *why);
		*why = o->why;
	}
	return r;
}

static int build_record(struct otlp *o, const struct tv_jv *v, struct tv_record *rec,
			const char **why)
{
	int r;

	rec->line = o->line;
	r = nanos(o, v, "timeUnixNano", &rec->time, why);
	if (r == 0 && rec->time == TV_NONE) {
		r = nanos(o, v, "observedTimeUnixNano", &rec->time, why);
	}
	if (r == 0) {
		r = kv_list(o, v, "attributes", &o->attrs, &o->json, why);
	}
	if (r == 0) {
		r = record_body(o, v, rec, why);
	}
	if (r < 0) {
		return r;
	}
	tv_attrs_fix(&o->attrs, &o->json);
	tv_val_fix(&rec->body, &o->json);
	rec->attrs = o->attrs.v;
	rec->n_attrs = o->attrs.n;
	rec->res = o->res.v;
	rec->n_res = o->res.n;
	r = record_name(v, rec, why);
	if (r < 0) {
		return r;
	}
	if (!tv_jv_opt_text(v, "traceId", &rec->trace_id, &rec->trace_id_len)) {
		*why = "traceId is not a string";
		return -TV_ETYPE;
	}
	return keep_raw(o, v, &rec->raw, &rec->raw_len);
}

static int log_record(struct otlp *o, const struct tv_jv *v, const struct loc *l)
{
	struct tv_record rec;
	const char *why = NULL;
	int r;

	if (tv_jv_type(v) != TV_J_OBJECT) {
		return reject_item(o, l, "not an object");
	}
	memset(&rec, 0, sizeof(rec));
	tv_attrs_reset(&o->attrs);
	tv_strbuf_reset(&o->json);
	r = build_record(o, v, &rec, &why);
	if (r < 0) {
		return item_result(o, l, r, why);
	}
	return tv_read_record(o->ctx, &rec);
}

/* ---- spans ---- */

static int span_status(const struct tv_jv *v, struct tv_span *sp, const char **why)
{
	struct tv_jv st, code;
	int64_t c;
	const char *s;
	size_t n;

	sp->status = 0;
	if (!tv_jv_get(v, "status", &st) || tv_jv_type(&st) == TV_J_NULL) {
		return 0;
	}
	if (tv_jv_type(&st) != TV_J_OBJECT) {
		*why = "status is not an object";
		return -TV_ETYPE;
	}
	if (!tv_jv_opt_text(&st, "message", &sp->status_message, &sp->status_message_len)) {
		*why = "status.message is not a string";
		return -TV_ETYPE;
	}
	if (!tv_jv_get(&st, "code", &code)) {
		return 0;
	}
	if (tv_jv_int(&code, &c) && c >= 0 && c <= 2) {
		sp->status = (int)c;
		return 0;
	}
	/* enum names, which some non-conforming exporters write */
	if (tv_jv_str(&code, &s, &n) && n > 12 && memcmp(s, "STATUS_CODE_", 12) == 0) {
		sp->status = key_is(s, n, "STATUS_CODE_OK")	 ? 1
			     : key_is(s, n, "STATUS_CODE_ERROR") ? 2
								 : 0;
		return 0;
	}
	*why = "status.code is not 0, 1 or 2";
	return -TV_ETYPE;
}

static int span_ids(const struct tv_jv *v, struct tv_span *sp, const char **why)
{
	if (!tv_jv_opt_text(v, "traceId", &sp->trace_id, &sp->trace_id_len) ||
	    sp->trace_id == NULL) {
		*why = "traceId is missing or not a string";
		return -TV_ETYPE;
	}
	if (!tv_jv_opt_text(v, "spanId", &sp->span_id, &sp->span_id_len) || sp->span_id == NULL) {
		*why = "spanId is missing or not a string";
		return -TV_ETYPE;
	}
	if (!tv_jv_opt_text(v, "parentSpanId", &sp->parent_id, &sp->parent_id_len)) {
		*why = "parentSpanId is not a string";
		return -TV_ETYPE;
	}
	if (!tv_jv_opt_text(v, "name", &sp->name, &sp->name_len)) {
		*why = "name is not a string";
		return -TV_ETYPE;
	}
	if (sp->name == NULL) {
		sp->name = ""; /* proto3 JSON leaves out an empty name */
	}
	return 0;
}

static int build_span(struct otlp *o, const struct tv_jv *v, struct tv_span *sp, const char **why)
{
	int r;

	sp->line = o->line;
	r = span_ids(v, sp, why);
	if (r == 0) {
		r = nanos(o, v, "startTimeUnixNano", &sp->start, why);
	}
	if (r == 0) {
		r = nanos(o, v, "endTimeUnixNano", &sp->end, why);
	}
	if (r == 0) {
		r = span_status(v, sp, why);
	}
	if (r == 0) {
		r = kv_list(o, v, "attributes", &o->attrs, &o->json, why);
	}
	if (r < 0) {
		return r;
	}
	tv_attrs_fix(&o->attrs, &o->json);
	sp->attrs = o->attrs.v;
	sp->n_attrs = o->attrs.n;
	sp->res = o->res.v;
	sp->n_res = o->res.n;
	return keep_raw(o, v, &sp->raw, &sp->raw_len);
}

static int span(struct otlp *o, const struct tv_jv *v, const struct loc *l)
{
	struct tv_span sp;
	const char *why = NULL;
	int r;

	if (tv_jv_type(v) != TV_J_OBJECT) {
		return reject_item(o, l, "not an object");
	}
	memset(&sp, 0, sizeof(sp));
	tv_attrs_reset(&o->attrs);
	tv_strbuf_reset(&o->json);
	r = build_span(o, v, &sp, &why);
	if (r < 0) {
		return item_result(o, l, r, why);
	}
	return tv_read_span(o->ctx, &sp);
}

/* ---- metrics: not session data ---- */

static int metric(struct otlp *o, const struct tv_jv *v, const struct loc *l)
{
	tv_read_skip_kind(o->ctx, "metrics");
	return 0;
}

static const struct signal signals[] = {
	{ "resourceLogs", "scopeLogs", "instrumentationLibraryLogs", "logRecords", true,
	  log_record },
	{ "resourceSpans", "scopeSpans", "instrumentationLibrarySpans", "spans", true, span },
	{ "resourceMetrics", "scopeMetrics", "instrumentationLibraryMetrics", "metrics", false,
	  metric },
	/* Grafana Tempo's trace API: {"batches": [resource spans]} */
	{ "batches", "scopeSpans", "instrumentationLibrarySpans", "spans", true, span },
};

/* ---- the request's nesting ---- */

static int walk_scope(struct otlp *o, const struct tv_jv *scope, struct loc *l)
{
	struct tv_jv items, v;
	struct tv_jiter it;
	const char *k;
	size_t kn;
	int r;

	if (tv_jv_type(scope) != TV_J_OBJECT) {
		return tv_read_reject(o->ctx, o->line, "%s[%zu].%s[%zu]: not an object",
				      l->sig->res, l->r, l->scope, l->s);
	}
	if (!tv_jv_get(scope, l->sig->items, &items) || tv_jv_type(&items) == TV_J_NULL) {
		return 0;
	}
	if (tv_jv_type(&items) != TV_J_ARRAY) {
		return tv_read_reject(o->ctx, o->line, "%s[%zu].%s[%zu]: %s is not an array",
				      l->sig->res, l->r, l->scope, l->s, l->sig->items);
	}
	l->i = 0;
	tv_jv_iter_init(&items, &it);
	while (tv_jv_iter_next(&it, &k, &kn, &v)) {
		r = l->sig->item(o, &v, l);
		if (r < 0) {
			return r;
		}
		l->i++;
	}
	return 0;
}

static int walk_resource_attrs(struct otlp *o, const struct tv_jv *rv, const struct loc *l)
{
	struct tv_jv res;
	const char *why = NULL;
	int r;

	tv_attrs_reset(&o->res);
	tv_strbuf_reset(&o->res_json);
	if (!l->sig->need_res || !tv_jv_get(rv, "resource", &res) ||
	    tv_jv_type(&res) == TV_J_NULL) {
		return 0;
	}
	if (tv_jv_type(&res) != TV_J_OBJECT) {
		why = "not an object";
		r = -TV_ETYPE;
	} else {
		r = kv_list(o, &res, "attributes", &o->res, &o->res_json, &why);
		tv_attrs_fix(&o->res, &o->res_json);
	}
	if (r == -TV_ETYPE) {
		tv_read_reject(o->ctx, o->line, "%s[%zu].resource: %s", l->sig->res, l->r, why);
		return 1;
	}
	return r;
}

static int walk_resource(struct otlp *o, const struct tv_jv *rv, struct loc *l)
{
	struct tv_jv scopes, v;
	struct tv_jiter it;
	const char *k;
	size_t kn;
	int r;

	if (tv_jv_type(rv) != TV_J_OBJECT) {
		return tv_read_reject(o->ctx, o->line, "%s[%zu]: not an object", l->sig->res, l->r);
	}
	r = walk_resource_attrs(o, rv, l);
	if (r != 0) {
		return r < 0 ? r : 0;
	}
	l->scope = l->sig->scope;
	if (!tv_jv_get(rv, l->scope, &scopes)) {
		l->scope = l->sig->scope_v0;
		if (!tv_jv_get(rv, l->scope, &scopes)) {
			return 0;
		}
	}
	if (tv_jv_type(&scopes) == TV_J_NULL) {
		return 0;
	}
	if (tv_jv_type(&scopes) != TV_J_ARRAY) {
		return tv_read_reject(o->ctx, o->line, "%s[%zu]: %s is not an array", l->sig->res,
				      l->r, l->scope);
	}
	l->s = 0;
	tv_jv_iter_init(&scopes, &it);
	while (tv_jv_iter_next(&it, &k, &kn, &v)) {
		r = walk_scope(o, &v, l);
		if (r < 0) {
			return r;
		}
		l->s++;
	}
	return 0;
}

static int walk_signal(struct otlp *o, const struct tv_jv *arr, const struct signal *sig)
{
	struct loc l = { .sig = sig };
	struct tv_jiter it;
	struct tv_jv v;
	const char *k;
	size_t kn;
	int r;

	if (tv_jv_type(arr) == TV_J_NULL) {
		return 0;
	}
	if (tv_jv_type(arr) != TV_J_ARRAY) {
		return tv_read_reject(o->ctx, o->line, "%s is not an array", sig->res);
	}
	tv_jv_iter_init(arr, &it);
	while (tv_jv_iter_next(&it, &k, &kn, &v)) {
		r = walk_resource(o, &v, &l);
		if (r < 0) {
			return r;
		}
		l.r++;
	}
	return 0;
}

/* One export request in @p/@n (padded).  0 or a fatal code. */
static int request(struct otlp *o, const char *p, size_t n)
{
	struct tv_jv root, arr;
	const char *why = NULL;
	bool found = false;
	int r;

	r = tv_json_parse(o->parser, p, n, &root, &why);
	if (r == -ENOMEM) {
		return r;
	}
	if (r < 0) {
		return tv_read_reject(o->ctx, o->line, "invalid JSON: %s", why);
	}
	if (tv_jv_type(&root) != TV_J_OBJECT) {
		return tv_read_reject(o->ctx, o->line,
				      "not an OTLP export request (not an object)");
	}
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++) {
		if (!tv_jv_get(&root, signals[i].res, &arr)) {
			continue;
		}
		found = true;
		r = walk_signal(o, &arr, &signals[i]);
		if (r < 0) {
			return r;
		}
	}
	if (!found) {
		return tv_read_reject(o->ctx, o->line,
				      "not an OTLP export request (no resourceLogs, "
				      "resourceSpans, resourceMetrics or batches)");
	}
	return 0;
}

/* ---- framing ---- */

static bool blank_char(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/*
 * JSON Lines if the first non-blank line is a whole JSON value; a line
 * longer than the peek window counts as whole (pretty documents open with
 * short lines).
 */
static bool is_jsonl(const char *p, size_t n)
{
	size_t i = 0, depth = 0;
	bool in_str = false, esc = false;

	while (i < n && (blank_char(p[i]) || p[i] == '\n')) {
		i++;
	}
	if (i == n || p[i] != '{') {
		return false;
	}
	for (; i < n && p[i] != '\n'; i++) {
		char c = p[i];

		if (in_str) {
			in_str = esc || c != '"';
			esc = !esc && c == '\\';
		} else if (c == '"') {
			in_str = true;
		} else if (c == '{' || c == '[') {
			depth++;
		} else if ((c == '}' || c == ']') && depth > 0) {
			depth--;
		}
	}
	return i == n || depth == 0;
}

static int read_lines(struct otlp *o, struct tv_input *in, struct tv_error *err)
{
	const char *line;
	size_t len, i;
	uint64_t lineno = 0;
	int r;

	for (;;) {
		r = tv_input_line(in, &line, &len, &lineno, NULL);
		if (r == 0) {
			return 0;
		}
		if (r == -TV_ETOOBIG) {
			tv_read_reject(o->ctx, lineno,
				       "line longer than the record limit (%zu bytes)",
				       tv_read_max_record(o->ctx));
			continue;
		}
		if (r < 0) {
			return tv_error_set(err, r, tv_input_name(in), lineno, "cannot read: %s",
					    tv_strerror(r));
		}
		for (i = 0; i < len && blank_char(line[i]); i++) {
		}
		if (i == len) {
			continue;
		}
		o->line = lineno;
		r = request(o, line + i, len - i);
		if (r < 0) {
			return tv_error_set(err, r, tv_input_name(in), lineno, "%s",
					    tv_strerror(r));
		}
	}
}

/* one framed document: what tv_read_json_values() calls */
static int value_cb(void *udata, const char *json, size_t n, uint64_t line)
{
	struct otlp *o = udata;

	o->line = line;
	return request(o, json, n);
}

static int read_documents(struct otlp *o, struct tv_input *in, struct tv_error *err)
{
	struct tv_strbuf buf;
	int r;

	tv_strbuf_init(&buf);
	r = tv_read_json_values(o->ctx, in, &buf, value_cb, o, err);
	tv_strbuf_finish(&buf);
	return r;
}

static int read_input(struct tv_read_ctx *ctx, struct tv_input *in, struct tv_error *err)
{
	struct otlp o = {
		.ctx = ctx,
		.parser = tv_read_parser(ctx),
		.keep = tv_read_keep_events(ctx),
	};
	const char *data;
	size_t len;
	int r;

	tv_strbuf_init(&o.json);
	tv_strbuf_init(&o.res_json);
	tv_strbuf_init(&o.raw);
	r = tv_input_peek(in, &data, &len);
	if (r < 0) {
		r = tv_error_set(err, r, tv_input_name(in), 0, "cannot read: %s", tv_strerror(r));
		goto out;
	}
	if (is_jsonl(data, len)) {
		r = read_lines(&o, in, err);
	} else {
		r = read_documents(&o, in, err);
	}
out:
	tv_attrs_finish(&o.attrs);
	tv_attrs_finish(&o.res);
	tv_strbuf_finish(&o.json);
	tv_strbuf_finish(&o.res_json);
	tv_strbuf_finish(&o.raw);
	return r;
}

static bool detect(const struct tv_sniff *s)
{
	const char *d = s->shape == TV_SHAPE_JSON_LINE ? s->line : s->data;
	size_t n = s->shape == TV_SHAPE_JSON_LINE ? s->line_len : s->len;

	if (s->shape != TV_SHAPE_JSON_LINE && s->shape != TV_SHAPE_JSON_PRETTY) {
		return false;
	}
	return tv_text_has(d, n, "\"resourceLogs\"") || tv_text_has(d, n, "\"resourceSpans\"") ||
	       tv_text_has(d, n, "\"resourceMetrics\"") ||
	       (tv_text_has(d, n, "\"batches\"") &&
		(tv_text_has(d, n, "\"scopeSpans\"") ||
		 tv_text_has(d, n, "\"instrumentationLibrarySpans\"")));
}

const struct tv_format tv_format_otlp = {
	.name = "otlp",
	.layout = TV_LAYOUT_JSON_LINES,
	.detect = detect,
	.read = read_input,
};
