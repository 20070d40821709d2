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
#define SPLITS_NAMED 5 /* sessions split into parts that are named one by one */

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

/* the row of @kind among the skipped kinds, added if new; the last row takes the rest */
static struct tv_skip_kind *skip_kind(struct tv_stats *st, const char *kind, size_t len)
{
	struct tv_skip_kind *k;

	if (len >= TV_SKIP_KIND_MAX) {
		len = TV_SKIP_KIND_MAX - 1;
	}
	for (size_t i = 0; i < st->n_skip_kinds; i++) {
		k = &st->skip[i];
		if (strlen(k->name) == len && memcmp(k->name, kind, len) == 0) {
			return k;
		}
	}
	if (st->n_skip_kinds == TV_SKIP_KINDS) {
		return &st->skip[TV_SKIP_KINDS - 1];
	}
	if (st->n_skip_kinds == TV_SKIP_KINDS - 1) {
		kind = "other kinds";
		len = strlen(kind);
	}
	k = &st->skip[st->n_skip_kinds++];
	memcpy(k->name, kind, len);
	k->name[len] = '\0';
	return k;
}

void tv_read_skip_as(struct tv_read_ctx *ctx, uint64_t n, const char *kind, size_t len)
{
	if (n == 0) {
		return;
	}
	ctx->st.records_read += n;
	ctx->st.records_skipped += n;
	skip_kind(&ctx->st, kind, len)->n += n;
}

void tv_read_skip_kind(struct tv_read_ctx *ctx, const char *kind)
{
	tv_read_skip_as(ctx, 1, kind, strlen(kind));
}

void tv_read_skip(struct tv_read_ctx *ctx)
{
	tv_read_skip_kind(ctx, "other records");
}

void tv_read_unuse(struct tv_read_ctx *ctx, uint64_t n, const char *kind)
{
	if (n == 0 || n > ctx->st.records_used) {
		return;
	}
	ctx->st.records_used -= n;
	ctx->st.records_read -= n;
	tv_read_skip_as(ctx, n, kind, strlen(kind));
}

void tv_read_count(struct tv_read_ctx *ctx, uint64_t n, bool used)
{
	if (!used) {
		tv_read_skip_as(ctx, n, "other records", strlen("other records"));
		return;
	}
	ctx->st.records_read += n;
	ctx->st.records_used += n;
}

bool tv_read_key_ok(const char *key, size_t n)
{
	return key != NULL && n > 0 && key[0] != '\0';
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
	if (reopened && ++ctx->st.late_records <= SPLITS_NAMED) {
		tv_read_warn(ctx, line,
			     "session %.*s was closed %s; its later records are written as "
			     "another part (raise %s)",
			     (int)(n > 200 ? 200 : n), key,
			     ctx->warned_evict ? "early (more than --max-open sessions open, or "
						 "idle longer than the gap)"
					       : "after being idle longer than the gap",
			     ctx->warned_evict ? "--max-open or --gap" : "--gap");
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

void tv_read_note_splits(struct tv_read_ctx *ctx)
{
	uint64_t n = ctx->st.late_records;

	if (n <= SPLITS_NAMED) {
		return;
	}
	ctx->name = NULL;
	tv_read_warn(ctx, 0,
		     "%llu sessions in all were closed before their last record and are "
		     "written in parts (the first %d are named above; raise %s)",
		     (unsigned long long)n, SPLITS_NAMED,
		     ctx->warned_evict ? "--max-open or --gap" : "--gap");
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

/* ---- inputs ---- */

int tv_read_as_current(struct tv_read_ctx *ctx, const char *path,
		       int (*fn)(struct tv_read_ctx *ctx, struct tv_input *in, void *udata,
				 struct tv_error *err),
		       void *udata, struct tv_error *err)
{
	const char *name = ctx->name, *outer = ctx->path;
	struct tv_input *in = NULL;
	int r;

	r = tv_input_open(path, ctx->o.max_record, &in);
	if (r < 0) {
		return tv_error_set(err, r, path, 0, "cannot open: %s", tv_strerror(r));
	}
	ctx->name = tv_input_name(in);
	ctx->path = tv_input_path(in);
	r = fn(ctx, in, udata, err);
	ctx->st.bytes += tv_input_bytes(in);
	/* spans and sessions keep copies; the names must not dangle */
	ctx->name = name;
	ctx->path = outer;
	tv_input_close(in);
	return r;
}

struct nested {
	int (*fn)(void *udata, struct tv_input *in, struct tv_error *err);
	void *udata;
};

static int read_nested(struct tv_read_ctx *ctx, struct tv_input *in, void *udata,
		       struct tv_error *err)
{
	struct nested *n = udata;

	(void)ctx;
	return n->fn(n->udata, in, err);
}

int tv_read_nested(struct tv_read_ctx *ctx, const char *path,
		   int (*fn)(void *udata, struct tv_input *in, struct tv_error *err), void *udata,
		   struct tv_error *err)
{
	struct nested n = { fn, udata };

	return tv_read_as_current(ctx, path, read_nested, &n, err);
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

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r') {
			return false;
		}
	}
	return true;
}

int tv_read_lines(struct tv_read_ctx *ctx, struct tv_input *in,
		  int (*fn)(void *udata, const char *line, size_t n, uint64_t lineno), void *udata,
		  struct tv_error *err)
{
	const char *line;
	size_t len;
	uint64_t no = 0;
	int r;

	for (;;) {
		r = tv_input_line(in, &line, &len, &no, NULL);
		if (r == 0) {
			return 0;
		}
		if (r == -TV_ETOOBIG) {
			tv_read_reject(ctx, no, "line longer than the record limit (%zu bytes)",
				       ctx->o.max_record);
			continue;
		}
		if (r < 0) {
			return tv_error_set(err, r, tv_input_name(in), no, "cannot read: %s",
					    tv_strerror(r));
		}
		if (blank(line, len)) {
			continue;
		}
		r = fn(udata, line, len, no);
		if (r < 0) {
			return tv_error_set(err, r, tv_input_name(in), no, "%s", tv_strerror(r));
		}
	}
}
