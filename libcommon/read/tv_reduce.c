// SPDX-License-Identifier: MIT
// The reduce of a sharded run: keyed lines (tv_keyed.h), sorted by key, built
// into sessions one key at a time.  It sits beside tv_reader.c, above the
// table of formats, because the text of a line format is read again by that
// format's reader.
#include <errno.h>
#include <string.h>

#include "libcommon/read/tv_read_ctx.h"

struct reduce {
	struct tv_read_ctx *ctx;
	struct tv_keyed_parser *kp;
	const char *name;	    /* the keyed input, for messages */
	struct tv_strbuf key, prev; /* this line's key, the key of the group */
	bool in_group;
	bool warned_order;
	struct tv_strbuf text; /* TEXT payloads of the group, one per line */
	struct tv_strbuf text_file;
	const struct tv_format *text_fmt;
};

/* the group's text, read by its format as one input */
static int flush_text(struct reduce *R, struct tv_error *err)
{
	struct tv_read_ctx *ctx = R->ctx;
	struct tv_input *in = NULL;
	int r;

	if (R->text.len == 0) {
		return 0;
	}
	r = tv_input_open_mem(R->text_file.p ? R->text_file.p : "", R->text.p, R->text.len, &in);
	if (r < 0) {
		return tv_error_set(err, r, R->name, 0, "%s", tv_strerror(r));
	}
	ctx->fmt = R->text_fmt;
	ctx->name = ctx->path = tv_input_path(in);
	r = R->text_fmt->read(ctx, in, err);
	tv_input_close(in);
	ctx->name = R->name;
	ctx->path = NULL;
	tv_strbuf_reset(&R->text);
	return r;
}

static int end_group(struct reduce *R, struct tv_error *err)
{
	int r = flush_text(R, err);

	if (r == 0) {
		r = tv_read_end_group(R->ctx);
		if (r < 0) {
			tv_error_set(err, r, R->name, 0, "%s", tv_strerror(r));
		}
	}
	return r;
}

/* a new key ends the group before it */
static int next_key(struct reduce *R, uint64_t lineno, struct tv_error *err)
{
	const struct tv_strbuf *k = &R->key, *p = &R->prev;
	size_t n = k->len < p->len ? k->len : p->len;
	int c;

	if (R->in_group && k->len == p->len && memcmp(k->p, p->p, k->len) == 0) {
		return 0;
	}
	if (R->in_group) {
		c = memcmp(k->p, p->p, n);
		if ((c < 0 || (c == 0 && k->len < p->len)) && !R->warned_order) {
			R->warned_order = true;
			tv_read_warn(R->ctx, lineno,
				     "the keyed lines are not sorted by key (byte "
				     "order: sort them with LC_ALL=C sort -t$'\\t' -k1,1)");
		}
		if (end_group(R, err) < 0) {
			return -1;
		}
	}
	R->in_group = true;
	tv_strbuf_reset(&R->prev);
	return tv_strbuf_append(&R->prev, k->p ? k->p : "", k->len);
}

static int add_text(struct reduce *R, const struct tv_keyed_item *it, const struct tv_format *fmt,
		    struct tv_error *err)
{
	int r = 0;

	if (R->text.len > 0 && fmt != R->text_fmt) {
		r = flush_text(R, err);
	}
	if (r == 0 && R->text.len == 0) {
		R->text_fmt = fmt;
		tv_strbuf_reset(&R->text_file);
		r = tv_strbuf_puts(&R->text_file, it->file);
	}
	if (r == 0) {
		r = tv_strbuf_append(&R->text, it->text, it->text_len);
	}
	if (r == 0) {
		r = tv_strbuf_putc(&R->text, '\n');
	}
	return r;
}

static int feed(struct reduce *R, struct tv_keyed_item *it, uint64_t lineno, struct tv_error *err)
{
	const struct tv_format *fmt = tv_format_find(it->fmt);
	struct tv_read_ctx *ctx = R->ctx;
	struct tv_session *s = NULL;
	const char *why = NULL;
	int r;

	if (it->kind == TV_KEYED_TEXT) {
		if (fmt == NULL) {
			return tv_read_reject(ctx, lineno, "text of an unknown format '%s'",
					      it->fmt);
		}
		return add_text(R, it, fmt, err);
	}
	if (it->kind == TV_KEYED_SESSION) {
		r = tv_session_from_json(&it->session, &s, &why);
		if (r == -ENOMEM) {
			return r;
		}
		return r < 0 ? tv_read_reject(ctx, lineno, "not a canonical session: %s", why)
			     : tv_read_session(ctx, s);
	}
	ctx->fmt = fmt;
	ctx->name = ctx->path = it->file;
	r = it->kind == TV_KEYED_EVENT ? tv_read_record(ctx, &it->rec)
				       : tv_read_span(ctx, &it->span);
	ctx->name = R->name;
	ctx->path = NULL;
	return r;
}

static int one_line(struct reduce *R, const char *line, size_t n, uint64_t lineno,
		    struct tv_error *err)
{
	struct tv_keyed_item it;
	const char *payload, *why = NULL;
	size_t plen;
	int r;

	r = tv_keyed_split(line, n, &R->key, &payload, &plen, &why);
	if (r == -TV_EPARSE) {
		return tv_read_reject(R->ctx, lineno, "%s", why);
	}
	if (r == 0) {
		r = next_key(R, lineno, err);
	}
	if (r < 0) {
		return r;
	}
	r = tv_keyed_parse(R->kp, payload, plen, &it, &why);
	if (r == -TV_EPARSE) {
		return tv_read_reject(R->ctx, lineno, "bad keyed payload: %s", why ? why : "");
	}
	return r < 0 ? r : feed(R, &it, lineno, err);
}

static int read_lines(struct reduce *R, struct tv_input *in, struct tv_error *err)
{
	const char *line;
	size_t len;
	uint64_t lineno = 0;
	int r;

	for (;;) {
		r = tv_input_line(in, &line, &len, &lineno, NULL);
		if (r == 0) {
			return R->in_group ? end_group(R, err) : 0;
		}
		if (r == -TV_ETOOBIG) {
			tv_read_reject(R->ctx, lineno, "line longer than %zu bytes",
				       R->ctx->o.max_record);
			continue;
		}
		if (r < 0) {
			return tv_error_set(err, r, R->name, lineno, "cannot read: %s",
					    tv_strerror(r));
		}
		if (len == 0) {
			continue;
		}
		r = one_line(R, line, len, lineno, err);
		if (r < 0) {
			return err->msg[0] ? r
					   : tv_error_set(err, r, R->name, lineno, "%s",
							  tv_strerror(r));
		}
	}
}

int tv_read_keyed(struct tv_read_ctx *ctx, const char *path, struct tv_error *err)
{
	struct reduce R = { .ctx = ctx };
	struct tv_input *in = NULL;
	int r;

	r = tv_input_open(path, ctx->o.max_record, &in);
	if (r < 0) {
		return tv_error_set(err, r, path, 0, "cannot open: %s", tv_strerror(r));
	}
	R.kp = tv_keyed_parser_create();
	if (R.kp == NULL) {
		tv_input_close(in);
		return tv_error_set(err, -ENOMEM, path, 0, "%s", tv_strerror(-ENOMEM));
	}
	R.name = ctx->name = tv_input_name(in);
	ctx->st.files++;
	ctx->clock = ctx->checked = TV_NONE;
	tv_strbuf_init(&R.key);
	tv_strbuf_init(&R.prev);
	tv_strbuf_init(&R.text);
	tv_strbuf_init(&R.text_file);
	r = read_lines(&R, in, err);
	ctx->st.bytes += tv_input_bytes(in);
	ctx->name = NULL;
	ctx->path = NULL;
	tv_keyed_parser_destroy(R.kp);
	tv_strbuf_finish(&R.key);
	tv_strbuf_finish(&R.prev);
	tv_strbuf_finish(&R.text);
	tv_strbuf_finish(&R.text_file);
	tv_input_close(in);
	return r;
}
