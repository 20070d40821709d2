// SPDX-License-Identifier: MIT
// Records and spans into the mappers; the input clock that closes idle
// sessions and traces; the end of all input.
#include "libcommon/read/tv_read_ctx.h"

#define EXPIRE_EVERY 512

static int emit_cb(void *udata, struct tv_session *s)
{
	return tv_read_emit_session(udata, s);
}

static bool session_busy(void *udata, const char *id)
{
	struct tv_read_ctx *ctx = udata;

	return tv_spans_count(ctx->spans) > 0 && tv_spans_busy(ctx->spans, id);
}

/* the map: a complete trace becomes its spans, keyed by the trace's session */
static int map_trace(struct tv_read_ctx *ctx, const struct tv_trace *t)
{
	size_t kn;
	const char *key = tv_trace_key(t, &kn);
	int r = 0;

	for (size_t i = 0; i < t->n && r == 0; i++) {
		tv_strbuf_reset(&ctx->keyed);
		r = tv_keyed_put_span(&ctx->keyed, &t->spans[i]);
		if (r == 0) {
			r = tv_read_map_out(ctx, key, kn);
		}
	}
	return r;
}

static int trace_cb(void *udata, const struct tv_trace *t)
{
	struct tv_read_ctx *ctx = udata;

	return tv_read_mapping(ctx) ? map_trace(ctx, t) : tv_trace_apply(ctx, t);
}

/* the map: a log event becomes one keyed line, or is skipped without a key */
static int map_record(struct tv_read_ctx *ctx, const struct tv_record *r)
{
	const char *key;
	size_t n;
	int ret;

	if (!tv_events_key(r, &ctx->keybuf, &key, &n)) {
		tv_events_skip_keyless(ctx, r);
		return 0;
	}
	ctx->st.records_used++;
	tv_strbuf_reset(&ctx->keyed);
	ret = tv_keyed_put_record(&ctx->keyed, r, tv_read_format_name(ctx), ctx->path);
	return ret < 0 ? ret : tv_read_map_out(ctx, key, n);
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

	if (t != TV_NONE && (ctx->clock == TV_NONE || t > ctx->clock)) {
		ctx->clock = t;
	}
	if (ctx->o.gap <= 0 || ctx->clock == TV_NONE) {
		return 0;
	}
	if (++ctx->tick % EXPIRE_EVERY != 0 && ctx->checked != TV_NONE &&
	    ctx->clock - ctx->checked <= ctx->o.gap) {
		return 0;
	}
	ctx->checked = ctx->clock;
	cutoff = ctx->clock - ctx->o.gap;
	r = tv_spans_expire(ctx->spans, cutoff, trace_cb, ctx);
	if (r < 0) {
		return r;
	}
	/* a session whose other traces are still buffered stays open */
	return tv_group_expire_unless(ctx->group, cutoff, session_busy, emit_cb, ctx);
}

int tv_read_record(struct tv_read_ctx *ctx, const struct tv_record *r)
{
	int ret = tv_read_note_time(ctx, r->time);

	if (ret < 0) {
		return ret;
	}
	ctx->st.records_read++;
	if (tv_read_mapping(ctx)) {
		return map_record(ctx, r);
	}
	return tv_events_apply(ctx, r);
}

int tv_read_span(struct tv_read_ctx *ctx, const struct tv_span *sp)
{
	int r = tv_read_note_time(ctx, sp->end != TV_NONE ? sp->end : sp->start);

	if (r < 0) {
		return r;
	}
	ctx->st.records_read++;
	ctx->st.records_used++;
	return tv_spans_add(ctx->spans, sp, ctx->path ? ctx->path : "", ctx->fmt,
			    ctx->o.keep_events);
}

int tv_read_flush(struct tv_read_ctx *ctx)
{
	int r = tv_spans_flush(ctx->spans, trace_cb, ctx);

	if (r == 0) {
		r = tv_group_flush(ctx->group, emit_cb, ctx);
	}
	return r;
}

int tv_read_end_group(struct tv_read_ctx *ctx)
{
	int r = tv_read_flush(ctx);

	ctx->clock = ctx->checked = TV_NONE;
	return r;
}
