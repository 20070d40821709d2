// SPDX-License-Identifier: MIT
// One input at a time: open it, tell its format, hand it to the format's
// reader; and the end of all inputs.
#include "libcommon/read/tv_read_ctx.h"

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r') {
			return false;
		}
	}
	return true;
}

/* the format of @in when none was named: 0 and *@fmt (NULL for an empty input) */
static int detect(struct tv_read_ctx *ctx, struct tv_input *in, const struct tv_format **fmt,
		  struct tv_error *err)
{
	const char *data;
	size_t len;
	int r;

	r = tv_input_peek(in, &data, &len);
	if (r < 0) {
		return tv_error_set(err, r, ctx->name, 0, "cannot read: %s", tv_strerror(r));
	}
	if (blank(data, len)) {
		return 0; /* an empty input holds no records */
	}
	*fmt = tv_format_detect(data, len);
	if (*fmt == NULL) {
		return tv_error_set(err, -TV_EFORMAT, ctx->name, 1,
				    "cannot tell the input format (use --from; one of %s)",
				    tv_format_list());
	}
	return 0;
}

static int read_top(struct tv_read_ctx *ctx, struct tv_input *in, void *udata, struct tv_error *err)
{
	const struct tv_format *fmt = *(const struct tv_format **)udata;
	int r = 0;

	ctx->clock = ctx->checked = TV_NONE;
	ctx->st.files++;
	if (fmt == NULL) {
		r = detect(ctx, in, &fmt, err);
	}
	if (r == 0 && fmt != NULL) {
		ctx->fmt = fmt;
		r = fmt->read(ctx, in, err);
	}
	return r;
}

int tv_read_file(struct tv_read_ctx *ctx, const char *path, const struct tv_format *fmt,
		 struct tv_error *err)
{
	ctx->name = ctx->path = NULL;
	return tv_read_as_current(ctx, path, read_top, &fmt, err);
}

int tv_read_finish(struct tv_read_ctx *ctx, struct tv_error *err)
{
	int r;

	ctx->path = "";
	r = tv_read_flush(ctx);
	if (r < 0) {
		return tv_error_set(err, r, NULL, 0, "%s", tv_strerror(r));
	}
	return 0;
}
