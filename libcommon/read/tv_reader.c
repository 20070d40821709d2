// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcommon/json/tv_jsonseq.h"
#include "libcommon/json/tv_jw.h"
#include "libcommon/read/tv_reader_int.h"

#define DEFAULT_MAX_OPEN 1000000
#define EXPIRE_EVERY 512

/* ---- attributes ---- */

int tv_attrs_push(struct tv_attrs *a, const char *key, size_t klen, const struct tv_val *v)
{
	if (a->n == a->cap) {
		size_t c = a->cap ? a->cap * 2 : 32;
		struct tv_attr *p = realloc(a->v, c * sizeof(*p));

		if (p == NULL)
			return -ENOMEM;
		a->v = p;
		a->cap = c;
	}
	a->v[a->n].key = key;
	a->v[a->n].klen = klen;
	a->v[a->n].v = *v;
	a->n++;
	return 0;
}

void tv_attrs_reset(struct tv_attrs *a)
{
	a->n = 0;
}

void tv_attrs_finish(struct tv_attrs *a)
{
	free(a->v);
	a->v = NULL;
	a->n = a->cap = 0;
}

const struct tv_attr *tv_attrs_find(const struct tv_attr *v, size_t n, const char *key)
{
	size_t k = strlen(key);

	for (size_t i = 0; i < n; i++) {
		if (v[i].klen == k && memcmp(v[i].key, key, k) == 0)
			return &v[i];
	}
	return NULL;
}

int tv_val_to_json(const struct tv_val *v, struct tv_strbuf *out)
{
	struct tv_jw w;

	tv_jw_init(&w, out);
	switch (v->type) {
	case TV_V_STR:
		tv_jw_str(&w, v->s, v->n);
		break;
	case TV_V_INT:
		tv_jw_int(&w, v->i);
		break;
	case TV_V_DOUBLE:
		tv_jw_double(&w, v->d);
		break;
	case TV_V_BOOL:
		tv_jw_bool(&w, v->b);
		break;
	case TV_V_JSON:
		tv_jw_raw(&w, v->s, v->n);
		break;
	case TV_V_NONE:
	default:
		tv_jw_null(&w);
		break;
	}
	return tv_jw_error(&w);
}

int tv_read_json_values(struct tv_read_ctx *ctx, struct tv_input *in, struct tv_strbuf *buf,
			int (*fn)(void *udata, const char *json, size_t n, uint64_t line),
			void *udata, struct tv_error *err)
{
	uint64_t first, last;
	const char *why;
	int r;

	for (;;) {
		r = tv_jsonseq_next(in, buf, ctx->o.max_record, &first, &last, &why);
		if (r == 0)
			return 0;
		if (r == -TV_EPARSE || r == -TV_ETOOBIG) {
			if (last > first)
				tv_read_reject(ctx, first, "%s (lines %llu-%llu)", why,
					       (unsigned long long)first, (unsigned long long)last);
			else
				tv_read_reject(ctx, first, "%s", why);
			continue;
		}
		if (r < 0)
			return tv_error_set(err, r, tv_input_name(in), last, "cannot read: %s",
					    why ? why : tv_strerror(r));
		r = fn(udata, buf->p, buf->len, first);
		if (r < 0)
			return tv_error_set(err, r, tv_input_name(in), first, "%s", tv_strerror(r));
	}
}

int tv_val_from_jv(const struct tv_jv *v, struct tv_strbuf *json, struct tv_val *out)
{
	size_t off = json->len;
	int r;

	memset(out, 0, sizeof(*out));
	switch (tv_jv_type(v)) {
	case TV_J_STRING:
		out->type = TV_V_STR;
		tv_jv_str(v, &out->s, &out->n);
		return 0;
	case TV_J_INT:
		out->type = TV_V_INT;
		tv_jv_int(v, &out->i);
		return 0;
	case TV_J_UINT:
	case TV_J_DOUBLE:
		out->type = TV_V_DOUBLE;
		tv_jv_num(v, &out->d);
		return 0;
	case TV_J_BOOL:
		out->type = TV_V_BOOL;
		tv_jv_bool(v, &out->b);
		return 0;
	case TV_J_ARRAY:
	case TV_J_OBJECT:
		r = tv_jv_minify(v, json);
		if (r < 0)
			return r;
		out->type = TV_V_JSON;
		out->i = (int64_t)off;
		out->n = json->len - off;
		return 0;
	default:
		out->type = TV_V_NONE;
		return 0;
	}
}

void tv_val_fix(struct tv_val *v, const struct tv_strbuf *json)
{
	if (v->type == TV_V_JSON && v->s == NULL) {
		v->s = json->p + v->i;
		v->i = 0;
	}
}

void tv_attrs_fix(struct tv_attrs *a, const struct tv_strbuf *json)
{
	for (size_t i = 0; i < a->n; i++)
		tv_val_fix(&a->v[i].v, json);
}

bool tv_val_int(const struct tv_val *v, int64_t *out)
{
	switch (v->type) {
	case TV_V_INT:
		*out = v->i;
		return true;
	case TV_V_DOUBLE:
		if (v->d != (double)(int64_t)v->d)
			return false;
		*out = (int64_t)v->d;
		return true;
	case TV_V_STR:
		return tv_parse_int64(v->s, v->n, out) == 0;
	default:
		return false;
	}
}

bool tv_val_bool(const struct tv_val *v, bool *out)
{
	if (v->type == TV_V_BOOL) {
		*out = v->b;
		return true;
	}
	if (v->type == TV_V_STR && v->n == 4 && memcmp(v->s, "true", 4) == 0) {
		*out = true;
		return true;
	}
	if (v->type == TV_V_STR && v->n == 5 && memcmp(v->s, "false", 5) == 0) {
		*out = false;
		return true;
	}
	return false;
}

/* ---- context ---- */

struct tv_read_ctx *tv_read_ctx_create(const struct tv_read_opts *opts)
{
	struct tv_read_ctx *ctx = calloc(1, sizeof(*ctx));

	if (ctx == NULL)
		return NULL;
	ctx->o = *opts;
	if (ctx->o.max_open == 0)
		ctx->o.max_open = DEFAULT_MAX_OPEN;
	if (ctx->o.max_record == 0)
		ctx->o.max_record = TV_INPUT_DEFAULT_MAX_RECORD;
	ctx->group = tv_group_create();
	ctx->spans = tv_spans_create();
	ctx->jp = tv_json_parser_create();
	ctx->jp2 = tv_json_parser_create();
	ctx->clock = ctx->checked = TV_NONE;
	tv_strbuf_init(&ctx->scratch);
	tv_strbuf_init(&ctx->scratch2);
	if (ctx->group == NULL || ctx->spans == NULL || ctx->jp == NULL || ctx->jp2 == NULL) {
		tv_read_ctx_destroy(ctx);
		return NULL;
	}
	return ctx;
}

void tv_read_ctx_destroy(struct tv_read_ctx *ctx)
{
	if (ctx == NULL)
		return;
	tv_group_destroy(ctx->group);
	tv_spans_destroy(ctx->spans);
	tv_json_parser_destroy(ctx->jp);
	tv_json_parser_destroy(ctx->jp2);
	tv_strbuf_finish(&ctx->scratch);
	tv_strbuf_finish(&ctx->scratch2);
	tv_anyclaude_seen_free(ctx->anyclaude);
	free(ctx);
}

const struct tv_stats *tv_read_stats(const struct tv_read_ctx *ctx)
{
	return &ctx->st;
}

struct tv_json_parser *tv_read_parser(struct tv_read_ctx *ctx)
{
	return ctx->jp;
}

bool tv_read_keep_events(const struct tv_read_ctx *ctx)
{
	return ctx->o.keep_events;
}

size_t tv_read_max_record(const struct tv_read_ctx *ctx)
{
	return ctx->o.max_record;
}

static void report(struct tv_read_ctx *ctx, enum tv_report_level lvl, uint64_t line,
		   const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));

static void report(struct tv_read_ctx *ctx, enum tv_report_level lvl, uint64_t line,
		   const char *fmt, va_list ap)
{
	char msg[1024];

	if (ctx->o.report == NULL)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	ctx->o.report(ctx->o.report_udata ? ctx->o.report_udata : ctx->o.udata, lvl, ctx->name ? ctx->name : "", line, msg);
}

int tv_read_reject(struct tv_read_ctx *ctx, uint64_t line, const char *fmt, ...)
{
	va_list ap;

	ctx->st.records_read++;
	ctx->st.records_rejected++;
	va_start(ap, fmt);
	report(ctx, TV_REPORT_REJECT, line, fmt, ap);
	va_end(ap);
	return 0;
}

void tv_read_warn(struct tv_read_ctx *ctx, uint64_t line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(ctx, TV_REPORT_WARN, line, fmt, ap);
	va_end(ap);
}

void tv_read_skip(struct tv_read_ctx *ctx)
{
	ctx->st.records_read++;
	ctx->st.records_skipped++;
}

/* ---- sessions ---- */

static int emit_session(void *udata, struct tv_session *s)
{
	struct tv_read_ctx *ctx = udata;

	tv_session_finalize(s);
	ctx->st.sessions++;
	if (ctx->o.emit == NULL) {
		tv_session_destroy(s);
		return 0;
	}
	return ctx->o.emit(ctx->o.udata, s);
}

static bool session_busy(void *udata, const char *id)
{
	struct tv_read_ctx *ctx = udata;

	return tv_spans_count(ctx->spans) > 0 && tv_spans_busy(ctx->spans, id);
}

static int trace_cb(void *udata, const struct tv_trace *t)
{
	return tv_trace_apply(udata, t);
}

struct tv_session *tv_read_open_session(struct tv_read_ctx *ctx, const char *key, size_t n,
					int64_t t, uint64_t line)
{
	struct tv_session *s;
	bool created, reopened;

	s = tv_group_get(ctx->group, key, n, t, &created, &reopened);
	if (s == NULL || !created)
		return s;
	if (tv_set_str(&s->source_format, tv_format_name(ctx->fmt),
		       strlen(tv_format_name(ctx->fmt))) < 0 ||
	    (ctx->path && tv_set_str(&s->source_file, ctx->path, strlen(ctx->path)) < 0))
		return NULL;
	if (reopened) {
		ctx->st.late_records++;
		tv_read_warn(ctx, line, "session %.*s was closed after being idle longer than "
			     "the gap; its later records are written as another part "
			     "(raise --gap)", (int)(n > 200 ? 200 : n), key);
	}
	if (tv_group_count(ctx->group) > ctx->o.max_open) {
		if (!ctx->warned_evict) {
			ctx->warned_evict = true;
			tv_read_warn(ctx, line, "more than %zu sessions open at once: closing "
				     "the longest idle ones early", ctx->o.max_open);
		}
		return tv_group_evict_except(ctx->group, 1, s, emit_session, ctx) < 0 ? NULL : s;
	}
	return s;
}

/*
 * Advance the input's clock to @t and close what has been idle longer than
 * the gap.  The check runs every EXPIRE_EVERY records, and also whenever the
 * clock has moved on by more than the gap since the last check, so a
 * session idle too long is closed before its next record arrives.
 */
int tv_read_note_time(struct tv_read_ctx *ctx, int64_t t)
{
	int64_t cutoff;
	int r;

	if (t != TV_NONE && (ctx->clock == TV_NONE || t > ctx->clock))
		ctx->clock = t;
	if (ctx->o.gap <= 0 || ctx->clock == TV_NONE)
		return 0;
	if (++ctx->tick % EXPIRE_EVERY != 0 && ctx->checked != TV_NONE &&
	    ctx->clock - ctx->checked <= ctx->o.gap)
		return 0;
	ctx->checked = ctx->clock;
	cutoff = ctx->clock - ctx->o.gap;
	r = tv_spans_expire(ctx->spans, cutoff, trace_cb, ctx);
	if (r < 0)
		return r;
	/* a session whose other traces are still buffered stays open */
	return tv_group_expire_unless(ctx->group, cutoff, session_busy, emit_session, ctx);
}

int tv_read_record(struct tv_read_ctx *ctx, const struct tv_record *r)
{
	int ret = tv_read_note_time(ctx, r->time);

	if (ret < 0)
		return ret;
	ctx->st.records_read++;
	return tv_gemini_apply(ctx, r);
}

int tv_read_span(struct tv_read_ctx *ctx, const struct tv_span *sp)
{
	int r = tv_read_note_time(ctx, sp->end != TV_NONE ? sp->end : sp->start);

	if (r < 0)
		return r;
	ctx->st.records_read++;
	ctx->st.records_used++;
	return tv_spans_add(ctx->spans, sp, ctx->path ? ctx->path : "", tv_format_name(ctx->fmt),
			    ctx->o.keep_events);
}

int tv_read_session(struct tv_read_ctx *ctx, struct tv_session *s)
{
	ctx->st.records_read++;
	ctx->st.records_used++;
	ctx->st.sessions++;
	if (ctx->o.emit == NULL) {
		tv_session_destroy(s);
		return 0;
	}
	return ctx->o.emit(ctx->o.udata, s);
}

int tv_read_complete(struct tv_read_ctx *ctx, struct tv_session *s, uint64_t records)
{
	const char *fmt = tv_format_name(ctx->fmt);

	ctx->st.records_read += records;
	ctx->st.records_used += records;
	if ((s->source_format == NULL && tv_set_str(&s->source_format, fmt, strlen(fmt)) < 0) ||
	    (s->source_file == NULL && ctx->path &&
	     tv_set_str(&s->source_file, ctx->path, strlen(ctx->path)) < 0)) {
		tv_session_destroy(s);
		return -ENOMEM;
	}
	return emit_session(ctx, s);
}

/* ---- files ---- */

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return false;
	}
	return true;
}

static int dispatch(struct tv_read_ctx *ctx, struct tv_input *in, enum tv_format fmt,
		    struct tv_error *err)
{
	switch (fmt) {
	case TV_FMT_CANONICAL:
		return tv_read_canonical(ctx, in, err);
	case TV_FMT_COLLECTOR_LOG:
		return tv_read_collector_log(ctx, in, err);
	case TV_FMT_OUTFILE:
		return tv_read_outfile(ctx, in, err);
	case TV_FMT_OTLP:
		return tv_read_otlp(ctx, in, err);
	case TV_FMT_JAEGER:
		return tv_read_jaeger(ctx, in, err);
	case TV_FMT_LLAMA_STACK:
		return tv_read_llama_stack(ctx, in, err);
	case TV_FMT_ANYCLAUDE:
		return tv_read_anyclaude(ctx, in, err);
	case TV_FMT_WAZA:
		return tv_read_waza(ctx, in, err);
	case TV_FMT_PYLOG:
		return tv_read_pylog(ctx, in, err);
	default:
		return tv_error_set(err, -TV_EFORMAT, tv_input_name(in), 0,
				    "no reader for format %s yet", tv_format_name(fmt));
	}
}

int tv_read_file(struct tv_read_ctx *ctx, const char *path, enum tv_format fmt,
		 struct tv_error *err)
{
	struct tv_input *in = NULL;
	const char *data;
	size_t len;
	int r;

	r = tv_input_open(path, ctx->o.max_record, &in);
	if (r < 0)
		return tv_error_set(err, r, path, 0, "cannot open: %s", tv_strerror(r));
	ctx->name = tv_input_name(in);
	ctx->path = tv_input_path(in);
	ctx->clock = ctx->checked = TV_NONE;
	ctx->st.files++;
	if (fmt == TV_FMT_UNKNOWN) {
		r = tv_input_peek(in, &data, &len);
		if (r < 0) {
			r = tv_error_set(err, r, ctx->name, 0, "cannot read: %s", tv_strerror(r));
			goto out;
		}
		if (blank(data, len))
			goto out;	/* an empty input holds no records */
		fmt = tv_format_detect(data, len);
		if (fmt == TV_FMT_UNKNOWN) {
			r = tv_error_set(err, -TV_EFORMAT, ctx->name, 1,
					 "cannot tell the input format (use --from; one of %s)",
					 tv_format_list());
			goto out;
		}
	}
	ctx->fmt = fmt;
	r = dispatch(ctx, in, fmt, err);
out:
	ctx->st.bytes += tv_input_bytes(in);
	/* spans and sessions keep copies; the names must not dangle */
	ctx->name = NULL;
	ctx->path = NULL;
	tv_input_close(in);
	return r;
}

int tv_read_finish(struct tv_read_ctx *ctx, struct tv_error *err)
{
	int r;

	ctx->path = "";
	r = tv_spans_flush(ctx->spans, trace_cb, ctx);
	if (r == 0)
		r = tv_group_flush(ctx->group, emit_session, ctx);
	if (r < 0)
		return tv_error_set(err, r, NULL, 0, "%s", tv_strerror(r));
	return 0;
}
