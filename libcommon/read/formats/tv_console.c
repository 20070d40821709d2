// SPDX-License-Identifier: MIT
/*
 * OpenTelemetry SDK console exporters (docs/FORMATS.md#console): what
 * Python's ConsoleSpanExporter, ConsoleLogExporter and ConsoleMetricExporter
 * print, one pretty-printed JSON object per span, record or export, back to
 * back, often in a program's stdout among its own lines.
 *
 *   span:   {"name", "context": {"trace_id": "0x...", "span_id": "0x..."},
 *            "kind": "SpanKind.CLIENT", "parent_id", "start_time",
 *            "end_time" (ISO 8601), "status": {"status_code", "description"},
 *            "attributes": {flat, native JSON types}, "events", "links",
 *            "resource": {"attributes": {...}, "schema_url"}}
 *   record: {"body", "severity_number", "severity_text", "attributes",
 *            "timestamp", "observed_timestamp", "trace_id", "span_id", "resource"}
 *   export: {"resource_metrics": [...]}: skipped as metrics
 *
 * Spans go to the trace mapper as OTLP spans do (GenAI attributes
 * included), records to the log mapper.  Ids are taken with or without
 * their 0x; all-zero ids are none.  A span printed twice (a program that
 * exports twice) is one span.  Some wrappers print the spans as one JSON
 * array (Monocle: "[{" ... ",{" ... "]"): its elements are read one by one.
 * Lines that are no JSON value (a program's own output, logging lines) are
 * skipped, counted as text lines.  The JavaScript ConsoleSpanExporter
 * prints util.inspect() text, not JSON, which cuts deep or long values:
 * such an input is refused with that reason.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "libcommon/core/tv_text.h"
#include "libcommon/core/tv_time.h"
#include "libcommon/json/tv_jsonseq.h"
#include "libcommon/read/tv_backend.h"

struct console {
	struct tv_read_ctx *ctx;
	struct tv_json_parser *parser;
	bool keep;
	uint64_t line; /* first line of the value */
	struct tv_attrs attrs, res;
	struct tv_strbuf json; /* minified nested values */
	struct tv_strbuf raw;  /* the object for --events */
	char why[160];
};

static bool has(const struct tv_jv *obj, const char *key)
{
	struct tv_jv v;

	return tv_jv_get(obj, key, &v);
}

/* an id without its 0x; NULL for absent, null or all zeros.  false if not a string. */
static bool id_of(const struct tv_jv *obj, const char *key, const char **s, size_t *n)
{
	size_t i;

	*s = NULL;
	*n = 0;
	if (!tv_jv_opt_text(obj, key, s, n)) {
		return false;
	}
	if (*s != NULL && *n >= 2 && (*s)[0] == '0' && ((*s)[1] == 'x' || (*s)[1] == 'X')) {
		*s += 2;
		*n -= 2;
	}
	for (i = 0; *s != NULL && i < *n && (*s)[i] == '0'; i++) {
	}
	if (*s != NULL && i == *n) {
		*s = NULL;
		*n = 0;
	}
	return true;
}

/* an ISO 8601 time member; TV_NONE if absent.  0, or -TV_ETYPE with o->why set. */
static int time_of(struct console *o, const struct tv_jv *obj, const char *key, int64_t *t)
{
	const char *s;
	size_t n;
	int r;

	*t = TV_NONE;
	if (!tv_jv_opt_text(obj, key, &s, &n)) {
		snprintf(o->why, sizeof(o->why), "%s is not a string", key);
		return -TV_ETYPE;
	}
	if (s == NULL) {
		return 0;
	}
	r = tv_time_parse(s, n, t, NULL);
	if (r < 0) {
		*t = TV_NONE;
		snprintf(o->why, sizeof(o->why), "%s is %s", key,
			 r == -TV_ERANGE ? "outside the range televal holds (" TV_TIME_RANGE_TEXT
					   ")"
					 : "not an ISO 8601 time");
		return -TV_ETYPE;
	}
	return 0;
}

/* the members of object @key of @obj, if any, appended to @out */
static int object_member(struct console *o, const struct tv_jv *obj, const char *key,
			 struct tv_attrs *out)
{
	struct tv_jv v;

	if (!tv_jv_get(obj, key, &v) || tv_jv_type(&v) == TV_J_NULL) {
		return 0;
	}
	if (tv_jv_type(&v) != TV_J_OBJECT) {
		snprintf(o->why, sizeof(o->why), "%s is not an object", key);
		return -TV_ETYPE;
	}
	return tv_attrs_from_jv(&v, &o->json, out);
}

/* the attributes and the resource's, and the object for --events */
static int attrs_and_resource(struct console *o, const struct tv_jv *root, const char **raw,
			      size_t *raw_len)
{
	struct tv_jv res;
	int r;

	tv_attrs_reset(&o->attrs);
	tv_attrs_reset(&o->res);
	tv_strbuf_reset(&o->json);
	*raw = NULL;
	*raw_len = 0;
	r = object_member(o, root, "attributes", &o->attrs);
	if (r == 0 && tv_jv_get(root, "resource", &res) && tv_jv_type(&res) == TV_J_OBJECT) {
		r = object_member(o, &res, "attributes", &o->res);
	}
	if (r == 0 && o->keep) {
		r = tv_jv_minify_into(root, &o->raw, raw, raw_len);
	}
	if (r == 0) {
		tv_attrs_fix(&o->attrs, &o->json);
		tv_attrs_fix(&o->res, &o->json);
	}
	return r;
}

/* ---- spans ---- */

static int span_status(struct console *o, const struct tv_jv *root, struct tv_span *sp)
{
	struct tv_jv st;
	const char *s;
	size_t n;

	if (!tv_jv_get(root, "status", &st) || tv_jv_type(&st) != TV_J_OBJECT) {
		return 0;
	}
	if (!tv_jv_opt_text(&st, "status_code", &s, &n) ||
	    !tv_jv_opt_text(&st, "description", &sp->status_message, &sp->status_message_len)) {
		snprintf(o->why, sizeof(o->why), "status is not status_code and description");
		return -TV_ETYPE;
	}
	sp->status = s == NULL ? 0 : tv_text_has(s, n, "ERROR") ? 2 : tv_text_has(s, n, "OK");
	return 0;
}

static int span_ids(struct console *o, const struct tv_jv *root, struct tv_span *sp)
{
	struct tv_jv ctx;

	if (!tv_jv_get(root, "context", &ctx) || tv_jv_type(&ctx) != TV_J_OBJECT ||
	    !id_of(&ctx, "trace_id", &sp->trace_id, &sp->trace_id_len) ||
	    !id_of(&ctx, "span_id", &sp->span_id, &sp->span_id_len) || sp->trace_id == NULL ||
	    sp->span_id == NULL) {
		snprintf(o->why, sizeof(o->why), "span: context has no trace_id and span_id");
		return -TV_ETYPE;
	}
	if (!id_of(root, "parent_id", &sp->parent_id, &sp->parent_id_len) ||
	    !tv_jv_opt_text(root, "name", &sp->name, &sp->name_len)) {
		snprintf(o->why, sizeof(o->why), "span: parent_id or name is not a string");
		return -TV_ETYPE;
	}
	return 0;
}

static int span(struct console *o, const struct tv_jv *root)
{
	struct tv_span sp;
	int r;

	memset(&sp, 0, sizeof(sp));
	sp.line = o->line;
	r = span_ids(o, root, &sp);
	if (r == 0) {
		r = time_of(o, root, "start_time", &sp.start);
	}
	if (r == 0) {
		r = time_of(o, root, "end_time", &sp.end);
	}
	if (r == 0) {
		r = span_status(o, root, &sp);
	}
	if (r == 0) {
		r = attrs_and_resource(o, root, &sp.raw, &sp.raw_len);
	}
	if (r == -TV_ETYPE) {
		return tv_read_reject(o->ctx, o->line, "%s", o->why);
	}
	if (r < 0) {
		return r;
	}
	sp.attrs = o->attrs.v;
	sp.n_attrs = o->attrs.n;
	sp.res = o->res.v;
	sp.n_res = o->res.n;
	return tv_read_span(o->ctx, &sp);
}

/* ---- log records ---- */

static int record_fields(struct console *o, const struct tv_jv *root, struct tv_record *rec)
{
	struct tv_jv body;
	int r = time_of(o, root, "timestamp", &rec->time);

	if (r == 0 && rec->time == TV_NONE) {
		r = time_of(o, root, "observed_timestamp", &rec->time);
	}
	if (r == 0 && !id_of(root, "trace_id", &rec->trace_id, &rec->trace_id_len)) {
		snprintf(o->why, sizeof(o->why), "log record: trace_id is not a string");
		r = -TV_ETYPE;
	}
	if (r == 0 && !tv_jv_opt_text(root, "event_name", &rec->name, &rec->name_len)) {
		snprintf(o->why, sizeof(o->why), "log record: event_name is not a string");
		r = -TV_ETYPE;
	}
	if (r == 0 && tv_jv_get(root, "body", &body)) {
		r = tv_val_from_jv(&body, &o->json, &rec->body);
	}
	return r;
}

static int record(struct console *o, const struct tv_jv *root)
{
	struct tv_record rec;
	int r;

	memset(&rec, 0, sizeof(rec));
	rec.line = o->line;
	r = attrs_and_resource(o, root, &rec.raw, &rec.raw_len);
	if (r == 0) {
		r = record_fields(o, root, &rec);
	}
	if (r == -TV_ETYPE) {
		return tv_read_reject(o->ctx, o->line, "%s", o->why);
	}
	if (r < 0) {
		return r;
	}
	tv_val_fix(&rec.body, &o->json);
	rec.attrs = o->attrs.v;
	rec.n_attrs = o->attrs.n;
	rec.res = o->res.v;
	rec.n_res = o->res.n;
	return tv_read_record(o->ctx, &rec);
}

/* ---- values ---- */

static int object(struct console *o, const struct tv_jv *v)
{
	if (tv_jv_type(v) != TV_J_OBJECT) {
		tv_read_skip_kind(o->ctx, "JSON values of no exporter");
		return 0;
	}
	if (has(v, "context") && has(v, "name")) {
		return span(o, v);
	}
	if (has(v, "resource_metrics")) {
		tv_read_skip_kind(o->ctx, "metrics");
		return 0;
	}
	if (has(v, "body") && (has(v, "severity_number") || has(v, "observed_timestamp"))) {
		return record(o, v);
	}
	tv_read_skip_kind(o->ctx, "JSON values of no exporter");
	return 0;
}

/* one value: an object, or an array of them (Monocle) */
static int value(struct console *o, const char *p, size_t n, uint64_t first, uint64_t last)
{
	struct tv_jv root, el;
	struct tv_jiter it;
	const char *why = NULL, *k;
	size_t kn;
	int r;

	o->line = first;
	r = tv_json_parse(o->parser, p, n, &root, &why);
	if (r == -ENOMEM) {
		return r;
	}
	if (r < 0 && first == last) { /* a line like {'a': 1}: a program's output, not JSON */
		tv_read_skip_kind(o->ctx, "text lines");
		return 0;
	}
	if (r < 0 && tv_text_has(p, n < 200 ? n : 200, "\"resource_metrics\"")) {
		/* exemplars print 128-bit trace ids as bare integers, which JSON parsers refuse */
		tv_read_skip_kind(o->ctx, "metrics");
		return 0;
	}
	if (r < 0) {
		return tv_read_reject(o->ctx, first, "invalid JSON: %s", why);
	}
	if (tv_jv_type(&root) != TV_J_ARRAY) {
		return object(o, &root);
	}
	tv_jv_iter_init(&root, &it);
	while (r == 0 && tv_jv_iter_next(&it, &k, &kn, &el)) {
		r = object(o, &el);
	}
	return r;
}

/* the JavaScript exporter's util.inspect() text: `traceId: '...'` with bare keys */
static bool js_inspect(const char *d, size_t n)
{
	return tv_text_has(d, n, "\n  traceId: '") && tv_text_has(d, n, "\n  timestamp: ");
}

static int read_values(struct console *o, struct tv_input *in, struct tv_strbuf *buf,
		       struct tv_error *err)
{
	uint64_t first, last;
	const char *why;
	int r;

	for (;;) {
		r = tv_jsonseq_next(in, buf, tv_read_max_record(o->ctx), &first, &last, &why);
		if (r == 0) {
			return 0;
		}
		if (r == -TV_EPARSE && strcmp(why, "text outside any JSON value") == 0) {
			tv_read_skip_kind(o->ctx, "text lines");
			continue;
		}
		if (r == -TV_EPARSE || r == -TV_ETOOBIG) {
			tv_read_reject(o->ctx, first, "%s", why);
			continue;
		}
		if (r < 0) {
			return tv_error_set(err, r, tv_input_name(in), last, "cannot read: %s",
					    why ? why : tv_strerror(r));
		}
		r = value(o, buf->p, buf->len, first, last);
		if (r < 0) {
			return tv_error_set(err, r, tv_input_name(in), first, "%s", tv_strerror(r));
		}
	}
}

static int read_input(struct tv_read_ctx *ctx, struct tv_input *in, struct tv_error *err)
{
	struct console o = {
		.ctx = ctx,
		.parser = tv_read_parser(ctx),
		.keep = tv_read_keep_events(ctx),
	};
	struct tv_strbuf buf;
	const char *d;
	size_t n;
	int r;

	if (tv_input_peek(in, &d, &n) == 0 && js_inspect(d, n)) {
		tv_read_count_bytes(ctx, n); /* read, and refused */
		return tv_error_set(err, -TV_EFORMAT, tv_input_name(in), 1,
				    "the JavaScript ConsoleSpanExporter's output is not JSON "
				    "(util.inspect text, which cuts deep and long values): it "
				    "cannot be read whole; export to an OTLP file instead");
	}
	tv_strbuf_init(&buf);
	tv_strbuf_init(&o.json);
	tv_strbuf_init(&o.raw);
	r = read_values(&o, in, &buf, err);
	tv_attrs_finish(&o.attrs);
	tv_attrs_finish(&o.res);
	tv_strbuf_finish(&o.json);
	tv_strbuf_finish(&o.raw);
	tv_strbuf_finish(&buf);
	return r;
}

/*
 * The Python exporters' keys (a span's "kind": "SpanKind.", a record's
 * "severity_number" and "observed_timestamp", an export's
 * "resource_metrics") anywhere in the first bytes, whatever comes before
 * them; and the JavaScript exporter's inspect text, to refuse it by name.
 */
static bool detect(const struct tv_sniff *s)
{
	const char *d = s->data;
	size_t n = s->len;

	if (s->shape == TV_SHAPE_SQLITE) {
		return false;
	}
	return (tv_text_has(d, n, "\"context\": {") &&
		(tv_text_has(d, n, "\"kind\": \"SpanKind.") ||
		 tv_text_has(d, n, "\"kind\":\"SpanKind."))) ||
	       (tv_text_has(d, n, "\"severity_number\": ") &&
		tv_text_has(d, n, "\"observed_timestamp\": ")) ||
	       (tv_text_has(d, n, "\"resource_metrics\": [") &&
		tv_text_has(d, n, "\"scope_metrics\": [")) ||
	       js_inspect(d, n);
}

const struct tv_format tv_format_console = {
	.name = "console",
	.layout = TV_LAYOUT_JSON,
	.detect = detect,
	.read = read_input,
};
