// SPDX-License-Identifier: MIT
/*
 * Jaeger query-API / UI JSON (docs/FORMATS.md#jaeger): the API envelope
 * {"data":[trace...]}, a bare trace {"traceID","spans","processes"}, an
 * array of spans (or of traces), or a single span, one document after
 * another.
 *
 * The format is one JSON value per export, so a whole document is held in
 * memory (tv_jsonseq frames it; tv_read_max_record bounds it).  Each span
 * becomes a struct tv_span for the shared trace mapping: times are
 * microseconds, tags [{key, type, value}] become typed attributes, and the
 * span's process (from the trace's processes map or embedded) becomes its
 * resource, with serviceName as service.name.  Tag strings are borrowed
 * from the parsed document; nested values are minified into a scratch
 * buffer that may move while a span is built, so they hold their offset in
 * v.i until fix_json() turns it into a pointer.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "libcommon/core/tv_text.h"
#include "libcommon/core/tv_time.h"
#include "libcommon/read/tv_backend.h"

#define US_MAX (INT64_MAX / 1000)

struct jaeger {
	struct tv_read_ctx *ctx;
	struct tv_json_parser *parser;
	bool keep;
	bool warned_process;   /* a processID without a process, once per input */
	uint64_t line;	       /* first line of the document */
	struct tv_attrs attrs; /* the span's tags */
	struct tv_attrs res;   /* its process */
	struct tv_strbuf json; /* nested tag values */
	struct tv_strbuf raw;  /* the span for --events */
	struct tv_strbuf key;  /* a processID, NUL-terminated */
	char where[96];	       /* the span's place in the document */
	char why[256];	       /* a reason built for a rejection */
};

/* Where a span list sits: its trace's processes and trace id. */
struct trace {
	const struct tv_jv *processes; /* NULL if none */
	const char *id;
	size_t id_len;
	const char *prefix; /* "data[0].spans", "spans", "" */
};

static bool is(const char *s, size_t n, const char *lit)
{
	return n == strlen(lit) && memcmp(s, lit, n) == 0;
}

static bool has(const struct tv_jv *obj, const char *key)
{
	struct tv_jv v;

	return tv_jv_get(obj, key, &v);
}

/* An optional string member; "" and null count as absent.  False if another type. */
/* ---- tag values ---- */

static bool int64_of(const struct tv_jv *v, int64_t *out)
{
	const char *s;
	size_t n;
	double d;

	if (tv_jv_int(v, out)) {
		return true;
	}
	if (tv_jv_str(v, &s, &n)) {
		return tv_parse_int64(s, n, out) == 0;
	}
	if (tv_jv_type(v) == TV_J_DOUBLE && tv_jv_num(v, &d) && d == floor(d) && d >= -9.2e18 &&
	    d <= 9.2e18) {
		*out = (int64_t)d;
		return true;
	}
	return false;
}

static bool double_of(const struct tv_jv *v, double *out)
{
	const char *s;
	size_t n;

	if (tv_jv_num(v, out)) {
		return true;
	}
	if (!tv_jv_str(v, &s, &n)) {
		return false;
	}
	if (is(s, n, "NaN")) {
		*out = NAN;
		return true;
	}
	if (is(s, n, "Infinity") || is(s, n, "-Infinity")) {
		*out = s[0] == '-' ? -INFINITY : INFINITY;
		return true;
	}
	return tv_parse_double(s, n, out) == 0;
}

static bool bool_of(const struct tv_jv *v, bool *out)
{
	const char *s;
	size_t n;

	if (tv_jv_bool(v, out)) {
		return true;
	}
	if (tv_jv_str(v, &s, &n) && (is(s, n, "true") || is(s, n, "false"))) {
		*out = s[0] == 't';
		return true;
	}
	return false;
}

/* A value of no (or an unknown) declared type, by its JSON type. */
static int untyped(struct jaeger *o, const struct tv_jv *v, struct tv_val *out)
{
	return tv_val_from_jv(v, &o->json, out);
}

/* @v of declared @type (string|bool|int64|float64|binary) into @out. */
static int typed(struct jaeger *o, const char *type, size_t tn, const struct tv_jv *v,
		 struct tv_val *out, const char **why)
{
	if (tv_jv_type(v) == TV_J_NULL) {
		out->type = TV_V_NONE;
		return 0;
	}
	if (is(type, tn, "string") || is(type, tn, "binary")) {
		out->type = TV_V_STR; /* binary stays base64 text */
		*why = "the value of a string or binary tag is not a string";
		return tv_jv_str(v, &out->s, &out->n) ? 0 : -TV_ETYPE;
	}
	if (is(type, tn, "bool")) {
		out->type = TV_V_BOOL;
		*why = "the value of a bool tag is not true or false";
		return bool_of(v, &out->b) ? 0 : -TV_ETYPE;
	}
	if (is(type, tn, "int64")) {
		out->type = TV_V_INT;
		*why = "the value of an int64 tag is not a 64-bit integer";
		return int64_of(v, &out->i) ? 0 : -TV_ETYPE;
	}
	if (is(type, tn, "float64")) {
		out->type = TV_V_DOUBLE;
		*why = "the value of a float64 tag is not a number";
		return double_of(v, &out->d) ? 0 : -TV_ETYPE;
	}
	return untyped(o, v, out);
}

/* One {key, type, value} tag appended to @out. */
static int tag(struct jaeger *o, const struct tv_jv *kv, struct tv_attrs *out, const char **why)
{
	struct tv_val val = { .type = TV_V_NONE };
	struct tv_jv v;
	const char *key, *type;
	size_t klen, tn;
	int r;

	if (tv_jv_type(kv) != TV_J_OBJECT) {
		*why = "not a {key, type, value} object";
		return -TV_ETYPE;
	}
	if (!tv_jv_opt_text(kv, "key", &key, &klen) || key == NULL) {
		*why = "key is missing or not a string";
		return -TV_ETYPE;
	}
	if (!tv_jv_opt_text(kv, "type", &type, &tn)) {
		*why = "type is not a string";
		return -TV_ETYPE;
	}
	if (tv_jv_get(kv, "value", &v)) {
		r = type ? typed(o, type, tn, &v, &val, why) : untyped(o, &v, &val);
		if (r < 0) {
			return r;
		}
	}
	return tv_attrs_push(out, key, klen, &val);
}

/* The tag array @field of @obj appended to @out (absent or null: nothing). */
static int tag_list(struct jaeger *o, const struct tv_jv *obj, const char *field,
		    struct tv_attrs *out, const char **why)
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
		r = tag(o, &kv, out, &w);
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

/* ---- the span's process ---- */

static int process_attrs(struct jaeger *o, const struct tv_jv *proc, const char **why)
{
	struct tv_val v = { .type = TV_V_STR };
	int r;

	if (tv_jv_type(proc) != TV_J_OBJECT) {
		*why = "process is not an object";
		return -TV_ETYPE;
	}
	if (!tv_jv_opt_text(proc, "serviceName", &v.s, &v.n)) {
		*why = "process serviceName is not a string";
		return -TV_ETYPE;
	}
	if (v.s != NULL) {
		r = tv_attrs_push(&o->res, "service.name", strlen("service.name"), &v);
		if (r < 0) {
			return r;
		}
	}
	r = tag_list(o, proc, "tags", &o->res, why);
	if (r == -TV_ETYPE) {
		snprintf(o->where + strlen(o->where), sizeof(o->where) - strlen(o->where),
			 ".process");
	}
	return r;
}

/* The embedded `process`, else `processID` looked up in the trace's processes. */
static int span_process(struct jaeger *o, const struct tv_jv *span, const struct trace *t,
			const char **why)
{
	struct tv_jv proc;
	const char *id;
	size_t n;
	int r;

	if (tv_jv_get(span, "process", &proc) && tv_jv_type(&proc) != TV_J_NULL) {
		return process_attrs(o, &proc, why);
	}
	if (!tv_jv_opt_text(span, "processID", &id, &n)) {
		*why = "processID is not a string";
		return -TV_ETYPE;
	}
	if (id == NULL) {
		return 0;
	}
	tv_strbuf_reset(&o->key);
	r = tv_strbuf_append(&o->key, id, n);
	if (r < 0) {
		return r;
	}
	if (t->processes == NULL || !tv_jv_get(t->processes, o->key.p, &proc)) {
		if (!o->warned_process) {
			o->warned_process = true;
			tv_read_warn(o->ctx, o->line,
				     "%s: process %.*s is not in the trace's "
				     "processes: the span has no service",
				     o->where, (int)(n > 64 ? 64 : n), id);
		}
		return 0;
	}
	return process_attrs(o, &proc, why);
}

/* ---- span fields ---- */

/* A non-negative integer number of microseconds (a number or a decimal string). */
static int micros(const struct tv_jv *span, const char *key, int64_t *out, char *why, size_t whyn)
{
	struct tv_jv v;
	double d;

	*out = TV_NONE;
	if (!tv_jv_get(span, key, &v) || tv_jv_type(&v) == TV_J_NULL) {
		return 0;
	}
	if (!int64_of(&v, out) || *out < 0 || *out > US_MAX) {
		bool past = *out > US_MAX || (tv_jv_num(&v, &d) && d > (double)US_MAX);

		*out = TV_NONE;
		snprintf(why, whyn, "%s is %s", key,
			 past ? "outside the range televal holds (" TV_TIME_RANGE_TEXT ")"
			      : "not a number of microseconds");
		return -TV_ETYPE;
	}
	return 0;
}

static int span_times(struct jaeger *o, const struct tv_jv *span, struct tv_span *sp,
		      const char **why)
{
	int64_t start, dur;
	int r;

	*why = o->why;
	r = micros(span, "startTime", &start, o->why, sizeof(o->why));
	if (r == 0) {
		r = micros(span, "duration", &dur, o->why, sizeof(o->why));
	}
	if (r < 0) {
		return r;
	}
	sp->start = sp->end = TV_NONE;
	if (start == TV_NONE || start == 0) {
		return 0; /* unknown, as OTLP's 0 */
	}
	sp->start = start * 1000;
	if (dur != TV_NONE && dur <= (INT64_MAX - sp->start) / 1000) {
		sp->end = sp->start + dur * 1000;
	}
	return 0;
}

/* Hex ids compare case-insensitively and without leading zeros (64/128-bit forms). */
static bool same_id(const char *a, size_t an, const char *b, size_t bn)
{
	while (an > 0 && *a == '0') {
		a++;
		an--;
	}
	while (bn > 0 && *b == '0') {
		b++;
		bn--;
	}
	if (an != bn) {
		return false;
	}
	for (size_t i = 0; i < an; i++) {
		if ((a[i] | 0x20) != (b[i] | 0x20)) {
			return false;
		}
	}
	return true;
}

/* One reference: 1 CHILD_OF, 2 FOLLOWS_FROM, 0 another trace or kind; -TV_ETYPE. */
static int reference(const struct tv_jv *ref, const struct tv_span *sp, const char **id, size_t *n,
		     const char **why)
{
	const char *type, *tid;
	size_t tn, tidn;

	if (tv_jv_type(ref) != TV_J_OBJECT || !tv_jv_opt_text(ref, "refType", &type, &tn) ||
	    !tv_jv_opt_text(ref, "traceID", &tid, &tidn) || !tv_jv_opt_text(ref, "spanID", id, n)) {
		*why = "references: an entry is not {refType, traceID, spanID} strings";
		return -TV_ETYPE;
	}
	if (*id == NULL || (tid != NULL && !same_id(tid, tidn, sp->trace_id, sp->trace_id_len))) {
		return 0;
	}
	return type && is(type, tn, "CHILD_OF") ? 1 : type && is(type, tn, "FOLLOWS_FROM") ? 2 : 0;
}

/*
 * The parent, as Jaeger's own model finds it: the first CHILD_OF reference
 * within the same trace, else the first FOLLOWS_FROM one, else the
 * deprecated parentSpanID.
 */
static int span_parent(const struct tv_jv *span, struct tv_span *sp, const char **why)
{
	struct tv_jv refs, ref;
	struct tv_jiter it;
	const char *k, *id, *follows = NULL;
	size_t kn, n, fn = 0;
	int r;

	if (tv_jv_get(span, "references", &refs) && tv_jv_type(&refs) != TV_J_NULL) {
		if (tv_jv_type(&refs) != TV_J_ARRAY) {
			*why = "references is not an array";
			return -TV_ETYPE;
		}
		tv_jv_iter_init(&refs, &it);
		while (tv_jv_iter_next(&it, &k, &kn, &ref)) {
			r = reference(&ref, sp, &id, &n, why);
			if (r < 0) {
				return r;
			}
			if (r == 1) {
				sp->parent_id = id;
				sp->parent_id_len = n;
				return 0;
			}
			if (r == 2 && follows == NULL) {
				follows = id;
				fn = n;
			}
		}
	}
	sp->parent_id = follows;
	sp->parent_id_len = fn;
	if (follows == NULL &&
	    !tv_jv_opt_text(span, "parentSpanID", &sp->parent_id, &sp->parent_id_len)) {
		*why = "parentSpanID is not a string";
		return -TV_ETYPE;
	}
	if (sp->parent_id != NULL && same_id(sp->parent_id, sp->parent_id_len, "", 0)) {
		sp->parent_id = NULL; /* all zeros: no parent */
		sp->parent_id_len = 0;
	}
	return 0;
}

static int span_ids(const struct tv_jv *span, const struct trace *t, struct tv_span *sp,
		    const char **why)
{
	if (!tv_jv_opt_text(span, "traceID", &sp->trace_id, &sp->trace_id_len)) {
		*why = "traceID is not a string";
		return -TV_ETYPE;
	}
	if (sp->trace_id == NULL) {
		sp->trace_id = t->id;
		sp->trace_id_len = t->id_len;
	}
	if (sp->trace_id == NULL) {
		*why = "traceID is missing";
		return -TV_ETYPE;
	}
	if (!tv_jv_opt_text(span, "spanID", &sp->span_id, &sp->span_id_len) ||
	    sp->span_id == NULL) {
		*why = "spanID is missing or not a string";
		return -TV_ETYPE;
	}
	if (!tv_jv_opt_text(span, "operationName", &sp->name, &sp->name_len)) {
		*why = "operationName is not a string";
		return -TV_ETYPE;
	}
	if (sp->name == NULL) {
		sp->name = "";
	}
	return span_parent(span, sp, why);
}

/* otel.status_code / error / otel.status_description tags, as the OTLP translator writes them. */
static void span_status(struct tv_span *sp)
{
	const struct tv_attr *code = tv_attrs_find(sp->attrs, sp->n_attrs, "otel.status_code");
	const struct tv_attr *err = tv_attrs_find(sp->attrs, sp->n_attrs, "error");
	const struct tv_attr *desc =
		tv_attrs_find(sp->attrs, sp->n_attrs, "otel.status_description");
	bool b;

	sp->status = 0;
	if (code != NULL && code->v.type == TV_V_STR) {
		sp->status = is(code->v.s, code->v.n, "ERROR") ? 2
			     : is(code->v.s, code->v.n, "OK")  ? 1
							       : 0;
	}
	if (err != NULL && tv_val_bool(&err->v, &b) && b) {
		sp->status = 2;
	}
	if (desc != NULL && desc->v.type == TV_V_STR && desc->v.n > 0) {
		sp->status_message = desc->v.s;
		sp->status_message_len = desc->v.n;
	}
}

static int keep_raw(struct jaeger *o, const struct tv_jv *v, struct tv_span *sp)
{
	return o->keep ? tv_jv_minify_into(v, &o->raw, &sp->raw, &sp->raw_len) : 0;
}

static int build_span(struct jaeger *o, const struct tv_jv *span, const struct trace *t,
		      struct tv_span *sp, const char **why)
{
	int r;

	sp->line = o->line;
	r = span_ids(span, t, sp, why);
	if (r == 0) {
		r = span_times(o, span, sp, why);
	}
	if (r == 0) {
		r = tag_list(o, span, "tags", &o->attrs, why);
	}
	if (r == 0) {
		r = span_process(o, span, t, why);
	}
	if (r < 0) {
		return r;
	}
	tv_attrs_fix(&o->attrs, &o->json);
	tv_attrs_fix(&o->res, &o->json);
	sp->attrs = o->attrs.v;
	sp->n_attrs = o->attrs.n;
	sp->res = o->res.v;
	sp->n_res = o->res.n;
	span_status(sp);
	return keep_raw(o, span, sp);
}

static int span(struct jaeger *o, const struct tv_jv *v, const struct trace *t, size_t idx)
{
	struct tv_span sp;
	const char *why = NULL;
	int r;

	if (t->prefix != NULL) {
		snprintf(o->where, sizeof(o->where), "%s[%zu]", t->prefix, idx);
	} else {
		snprintf(o->where, sizeof(o->where), "span");
	}
	if (tv_jv_type(v) != TV_J_OBJECT) {
		return tv_read_reject(o->ctx, o->line, "%s: not a span object", o->where);
	}
	memset(&sp, 0, sizeof(sp));
	tv_attrs_reset(&o->attrs);
	tv_attrs_reset(&o->res);
	tv_strbuf_reset(&o->json);
	r = build_span(o, v, t, &sp, &why);
	if (r == -TV_ETYPE) {
		return tv_read_reject(o->ctx, o->line, "%s: %s", o->where, why);
	}
	if (r < 0) {
		return r;
	}
	return tv_read_span(o->ctx, &sp);
}

/* ---- traces and documents ---- */

static int span_list(struct jaeger *o, const struct tv_jv *arr, const struct trace *t)
{
	struct tv_jiter it;
	struct tv_jv v;
	const char *k;
	size_t kn, idx = 0;
	int r;

	tv_jv_iter_init(arr, &it);
	while (tv_jv_iter_next(&it, &k, &kn, &v)) {
		r = span(o, &v, t, idx++);
		if (r < 0) {
			return r;
		}
	}
	return 0;
}

/* A trace object at @where ("data[0]", "[2]" or "" for a bare one). */
static int trace(struct jaeger *o, const struct tv_jv *v, const char *where)
{
	struct tv_jv spans, procs;
	struct trace t = { NULL, NULL, 0, NULL };
	char prefix[64];

	if (tv_jv_type(v) != TV_J_OBJECT) {
		return tv_read_reject(o->ctx, o->line, "%s: not a trace object", where);
	}
	if (!tv_jv_opt_text(v, "traceID", &t.id, &t.id_len)) {
		return tv_read_reject(o->ctx, o->line, "%s%straceID is not a string", where,
				      where[0] ? ": " : "");
	}
	if (tv_jv_get(v, "processes", &procs) && tv_jv_type(&procs) != TV_J_NULL) {
		if (tv_jv_type(&procs) != TV_J_OBJECT) {
			return tv_read_reject(o->ctx, o->line, "%s%sprocesses is not an object",
					      where, where[0] ? ": " : "");
		}
		t.processes = &procs;
	}
	if (!tv_jv_get(v, "spans", &spans) || tv_jv_type(&spans) == TV_J_NULL) {
		return 0; /* a trace without spans holds no records */
	}
	if (tv_jv_type(&spans) != TV_J_ARRAY) {
		return tv_read_reject(o->ctx, o->line, "%s%sspans is not an array", where,
				      where[0] ? ": " : "");
	}
	snprintf(prefix, sizeof(prefix), "%s%sspans", where, where[0] ? "." : "");
	t.prefix = prefix;
	return span_list(o, &spans, &t);
}

static void envelope_errors(struct jaeger *o, const struct tv_jv *root)
{
	struct tv_jv errs, e, msg;
	struct tv_jiter it;
	const char *k, *s = "";
	size_t kn, n = 0;

	if (!tv_jv_get(root, "errors", &errs) || tv_jv_type(&errs) != TV_J_ARRAY ||
	    tv_jv_len(&errs) == 0) {
		return;
	}
	tv_jv_iter_init(&errs, &it);
	if (tv_jv_iter_next(&it, &k, &kn, &e) && tv_jv_get(&e, "msg", &msg)) {
		tv_jv_str(&msg, &s, &n);
	}
	tv_read_warn(o->ctx, o->line, "the query reported %zu error(s): %.*s", tv_jv_len(&errs),
		     (int)(n > 200 ? 200 : n), s);
}

/* {"data": [trace...], "errors": ...} */
static int envelope(struct jaeger *o, const struct tv_jv *root)
{
	struct tv_jv data, v;
	struct tv_jiter it;
	const char *k;
	size_t kn, idx = 0;
	char where[32];
	int r;

	envelope_errors(o, root);
	tv_jv_get(root, "data", &data);
	if (tv_jv_type(&data) == TV_J_NULL) {
		return 0;
	}
	if (tv_jv_type(&data) != TV_J_ARRAY) {
		return tv_read_reject(o->ctx, o->line, "data is not an array of traces");
	}
	tv_jv_iter_init(&data, &it);
	while (tv_jv_iter_next(&it, &k, &kn, &v)) {
		snprintf(where, sizeof(where), "data[%zu]", idx++);
		r = trace(o, &v, where);
		if (r < 0) {
			return r;
		}
	}
	return 0;
}

/* A top-level array: of spans, or of traces (told apart per element). */
static int array(struct jaeger *o, const struct tv_jv *root)
{
	struct trace t = { NULL, NULL, 0, "" };
	struct tv_jiter it;
	struct tv_jv v;
	const char *k;
	size_t kn, idx = 0;
	char where[32];
	int r;

	tv_jv_iter_init(root, &it);
	while (tv_jv_iter_next(&it, &k, &kn, &v)) {
		if (tv_jv_type(&v) == TV_J_OBJECT && has(&v, "spans") && !has(&v, "spanID")) {
			snprintf(where, sizeof(where), "[%zu]", idx);
			r = trace(o, &v, where);
		} else {
			r = span(o, &v, &t, idx);
		}
		if (r < 0) {
			return r;
		}
		idx++;
	}
	return 0;
}

static int document(struct jaeger *o, const char *p, size_t n)
{
	struct trace t = { NULL, NULL, 0, "" };
	struct tv_jv root;
	const char *why = NULL;
	int r;

	r = tv_json_parse(o->parser, p, n, &root, &why);
	if (r == -ENOMEM) {
		return r;
	}
	if (r < 0) {
		return tv_read_reject(o->ctx, o->line, "invalid JSON: %s",
				      why ? why : tv_strerror(r));
	}
	if (tv_jv_type(&root) == TV_J_ARRAY) {
		return array(o, &root);
	}
	if (tv_jv_type(&root) == TV_J_OBJECT && has(&root, "data")) {
		return envelope(o, &root);
	}
	if (tv_jv_type(&root) == TV_J_OBJECT && has(&root, "spans")) {
		return trace(o, &root, "");
	}
	if (tv_jv_type(&root) == TV_J_OBJECT && has(&root, "spanID")) {
		t.prefix = NULL; /* a lone span */
		return span(o, &root, &t, 0);
	}
	return tv_read_reject(o->ctx, o->line, "not Jaeger JSON (no data, spans or spanID)");
}

/* one framed document: what tv_read_json_values() calls */
static int value_cb(void *udata, const char *json, size_t n, uint64_t line)
{
	struct jaeger *o = udata;

	o->line = line;
	return document(o, json, n);
}

static int read_documents(struct jaeger *o, struct tv_input *in, struct tv_error *err)
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
	struct jaeger o = {
		.ctx = ctx,
		.parser = tv_read_parser(ctx),
		.keep = tv_read_keep_events(ctx),
	};
	int r;

	tv_strbuf_init(&o.json);
	tv_strbuf_init(&o.raw);
	tv_strbuf_init(&o.key);
	r = read_documents(&o, in, err);
	tv_attrs_finish(&o.attrs);
	tv_attrs_finish(&o.res);
	tv_strbuf_finish(&o.json);
	tv_strbuf_finish(&o.raw);
	tv_strbuf_finish(&o.key);
	return r;
}

static bool detect(const struct tv_sniff *s)
{
	if (s->shape == TV_SHAPE_JSON_PRETTY) {
		return tv_text_has(s->data, s->len, "\"traceID\"");
	}
	return s->shape == TV_SHAPE_JSON_LINE && tv_text_has(s->line, s->line_len, "\"traceID\"") &&
	       (tv_text_has(s->line, s->line_len, "\"spans\"") ||
		tv_text_has(s->line, s->line_len, "\"operationName\""));
}

const struct tv_format tv_format_jaeger = {
	.name = "jaeger",
	.layout = TV_LAYOUT_JSON,
	.detect = detect,
	.read = read_input,
};
