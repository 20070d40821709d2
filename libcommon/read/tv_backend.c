// SPDX-License-Identifier: MIT
// The reader context and the services of tv_backend.h: counts, reports,
// open sessions and emitting them.  Knows no format and no mapper.
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcommon/json/tv_jsonseq.h"
#include "libcommon/read/tv_read_ctx.h"

#define DEFAULT_MAX_OPEN 1000000

/* ---- context ---- */

struct tv_read_ctx *tv_read_ctx_create(const struct tv_read_opts *opts)
{
	struct tv_read_ctx *ctx = calloc(1, sizeof(*ctx));

	if (ctx == NULL) {
		return NULL;
	}
	ctx->o = *opts;
	if (ctx->o.max_open == 0) {
		ctx->o.max_open = DEFAULT_MAX_OPEN;
	}
	if (ctx->o.max_record == 0) {
		ctx->o.max_record = TV_INPUT_DEFAULT_MAX_RECORD;
	}
	ctx->group = tv_group_create();
	ctx->spans = tv_spans_create();
	ctx->jp = tv_json_parser_create();
	ctx->jp2 = tv_json_parser_create();
	ctx->clock = ctx->checked = TV_NONE;
	tv_strbuf_init(&ctx->scratch);
	tv_strbuf_init(&ctx->scratch2);
	tv_strbuf_init(&ctx->keyed);
	tv_strbuf_init(&ctx->keybuf);
	if (ctx->group == NULL || ctx->spans == NULL || ctx->jp == NULL || ctx->jp2 == NULL) {
		tv_read_ctx_destroy(ctx);
		return NULL;
	}
	return ctx;
}

void tv_read_ctx_destroy(struct tv_read_ctx *ctx)
{
	if (ctx == NULL) {
		return;
	}
	tv_group_destroy(ctx->group);
	tv_spans_destroy(ctx->spans);
	tv_json_parser_destroy(ctx->jp);
	tv_json_parser_destroy(ctx->jp2);
	tv_strbuf_finish(&ctx->scratch);
	tv_strbuf_finish(&ctx->scratch2);
	tv_strbuf_finish(&ctx->keyed);
	tv_strbuf_finish(&ctx->keybuf);
	for (size_t i = 0; i < ctx->n_states; i++) {
		ctx->states[i].fmt->state_destroy(ctx->states[i].state);
	}
	free(ctx->states);
	free(ctx);
}

const struct tv_stats *tv_read_stats(const struct tv_read_ctx *ctx)
{
	return &ctx->st;
}

const char *tv_read_format_name(const struct tv_read_ctx *ctx)
{
	return ctx->fmt ? ctx->fmt->name : "unknown";
}

struct tv_json_parser *tv_read_parser(struct tv_read_ctx *ctx)
{
	return ctx->jp;
}

struct tv_json_parser *tv_read_parser2(struct tv_read_ctx *ctx)
{
	return ctx->jp2;
}

bool tv_read_keep_events(const struct tv_read_ctx *ctx)
{
	return ctx->o.keep_events;
}

size_t tv_read_max_record(const struct tv_read_ctx *ctx)
{
	return ctx->o.max_record;
}

void *tv_read_state(struct tv_read_ctx *ctx)
{
	const struct tv_format *f = ctx->fmt;
	struct tv_format_state *p;
	void *state;

	if (f == NULL || f->state_create == NULL || f->state_destroy == NULL) {
		return NULL;
	}
	for (size_t i = 0; i < ctx->n_states; i++) {
		if (ctx->states[i].fmt == f) {
			return ctx->states[i].state;
		}
	}
	p = realloc(ctx->states, (ctx->n_states + 1) * sizeof(*p));
	if (p == NULL) {
		return NULL;
	}
	ctx->states = p;
	state = f->state_create();
	if (state == NULL) {
		return NULL;
	}
	p[ctx->n_states++] = (struct tv_format_state){ .fmt = f, .state = state };
	return state;
}

/* ---- counting and reporting ---- */

static void report(struct tv_read_ctx *ctx, enum tv_report_level lvl, uint64_t line,
		   const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));

static void report(struct tv_read_ctx *ctx, enum tv_report_level lvl, uint64_t line,
		   const char *fmt, va_list ap)
{
	char msg[1024];

	if (ctx->o.report == NULL) {
		return;
	}
	vsnprintf(msg, sizeof(msg), fmt, ap);
	ctx->o.report(ctx->o.report_udata ? ctx->o.report_udata : ctx->o.udata, lvl,
		      ctx->name ? ctx->name : "", line, msg);
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
	tv_read_count(ctx, 1, false);
}

void tv_read_count(struct tv_read_ctx *ctx, uint64_t n, bool used)
{
	ctx->st.records_read += n;
	if (used) {
		ctx->st.records_used += n;
	} else {
		ctx->st.records_skipped += n;
	}
}

void tv_read_count_bytes(struct tv_read_ctx *ctx, uint64_t n)
{
	ctx->st.bytes += n;
}

/* ---- sessions ---- */

/* the map: a complete session becomes one keyed line; takes @s */
static int map_session(struct tv_read_ctx *ctx, struct tv_session *s)
{
	int r;

	tv_strbuf_reset(&ctx->keyed);
	r = tv_keyed_put_session(&ctx->keyed, s);
	if (r == 0) {
		r = tv_read_map_out(ctx, s->id ? s->id : "", s->id ? strlen(s->id) : 0);
	}
	tv_session_destroy(s);
	return r;
}

int tv_read_emit_session(struct tv_read_ctx *ctx, struct tv_session *s)
{
	int r = tv_session_finalize(s);

	if (r < 0) {
		tv_session_destroy(s);
		return r;
	}
	ctx->st.sessions++;
	if (ctx->o.emit_keyed != NULL) {
		return map_session(ctx, s);
	}
	if (ctx->o.emit == NULL) {
		tv_session_destroy(s);
		return 0;
	}
	return ctx->o.emit(ctx->o.udata, s);
}

static int emit_cb(void *udata, struct tv_session *s)
{
	return tv_read_emit_session(udata, s);
}

struct tv_session *tv_read_open_session(struct tv_read_ctx *ctx, const char *key, size_t n,
					int64_t t, uint64_t line)
{
	const char *fmt = tv_read_format_name(ctx);
	struct tv_session *s;
	bool created, reopened;

	s = tv_group_get(ctx->group, key, n, t, &created, &reopened);
	if (s == NULL || !created) {
		return s;
	}
	if (tv_set_str(&s->source_format, fmt, strlen(fmt)) < 0 ||
	    (ctx->path && tv_set_str(&s->source_file, ctx->path, strlen(ctx->path)) < 0)) {
		return NULL;
	}
	if (reopened) {
		ctx->st.late_records++;
		tv_read_warn(ctx, line,
			     "session %.*s was closed after being idle longer than "
			     "the gap; its later records are written as another part "
			     "(raise --gap)",
			     (int)(n > 200 ? 200 : n), key);
	}
	if (tv_group_count(ctx->group) > ctx->o.max_open) {
		if (!ctx->warned_evict) {
			ctx->warned_evict = true;
			tv_read_warn(ctx, line,
				     "more than %zu sessions open at once: closing "
				     "the longest idle ones early",
				     ctx->o.max_open);
		}
		return tv_group_evict_except(ctx->group, 1, s, emit_cb, ctx) < 0 ? NULL : s;
	}
	return s;
}

int tv_read_session(struct tv_read_ctx *ctx, struct tv_session *s)
{
	ctx->st.records_read++;
	ctx->st.records_used++;
	ctx->st.sessions++;
	if (ctx->o.emit_keyed != NULL) {
		return map_session(ctx, s);
	}
	if (ctx->o.emit == NULL) {
		tv_session_destroy(s);
		return 0;
	}
	return ctx->o.emit(ctx->o.udata, s);
}

bool tv_read_wants_lines(const struct tv_read_ctx *ctx)
{
	return ctx->o.emit_line != NULL && ctx->o.emit_keyed == NULL;
}

/* ---- the map ---- */

bool tv_read_mapping(const struct tv_read_ctx *ctx)
{
	return ctx->o.emit_keyed != NULL;
}

int tv_read_map_out(struct tv_read_ctx *ctx, const char *key, size_t klen)
{
	return ctx->o.emit_keyed(ctx->o.udata, key, klen, ctx->keyed.p ? ctx->keyed.p : "",
				 ctx->keyed.len);
}

int tv_read_map_text(struct tv_read_ctx *ctx, const char *key, size_t klen, int64_t t,
		     uint64_t line, const char *text, size_t n)
{
	int r;

	tv_strbuf_reset(&ctx->keyed);
	r = tv_keyed_put_text(&ctx->keyed, t, tv_read_format_name(ctx), ctx->path, line, text, n);
	return r < 0 ? r : tv_read_map_out(ctx, key, klen);
}

int tv_read_session_line(struct tv_read_ctx *ctx, const char *line, size_t len,
			 const struct tv_jv *root)
{
	ctx->st.records_read++;
	ctx->st.records_used++;
	ctx->st.sessions++;
	return ctx->o.emit_line(ctx->o.udata, line, len, root);
}

int tv_read_complete(struct tv_read_ctx *ctx, struct tv_session *s, uint64_t records)
{
	const char *fmt = tv_read_format_name(ctx);

	ctx->st.records_read += records;
	ctx->st.records_used += records;
	if ((s->source_format == NULL && tv_set_str(&s->source_format, fmt, strlen(fmt)) < 0) ||
	    (s->source_file == NULL && ctx->path &&
	     tv_set_str(&s->source_file, ctx->path, strlen(ctx->path)) < 0)) {
		tv_session_destroy(s);
		return -ENOMEM;
	}
	return tv_read_emit_session(ctx, s);
}

/* ---- framing ---- */

int tv_read_json_values(struct tv_read_ctx *ctx, struct tv_input *in, struct tv_strbuf *buf,
			int (*fn)(void *udata, const char *json, size_t n, uint64_t line),
			void *udata, struct tv_error *err)
{
	uint64_t first, last;
	const char *why;
	int r;

	for (;;) {
		r = tv_jsonseq_next(in, buf, ctx->o.max_record, &first, &last, &why);
		if (r == 0) {
			return 0;
		}
		if (r == -TV_EPARSE || r == -TV_ETOOBIG) {
			if (last > first) {
				tv_read_reject(ctx, first, "%s (lines %llu-%llu)", why,
					       (unsigned long long)first, (unsigned long long)last);
			} else {
				tv_read_reject(ctx, first, "%s", why);
			}
			continue;
		}
		if (r < 0) {
			return tv_error_set(err, r, tv_input_name(in), last, "cannot read: %s",
					    why ? why : tv_strerror(r));
		}
		r = fn(udata, buf->p, buf->len, first);
		if (r < 0) {
			return tv_error_set(err, r, tv_input_name(in), first, "%s", tv_strerror(r));
		}
	}
}
