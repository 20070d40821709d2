// SPDX-License-Identifier: MIT
// One input at a time: open it, tell its format, hand it to the format's
// reader; and the end of all inputs.
#include <stdio.h>
#include <string.h>

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

/* why a text that is not UTF-8 cannot be read: the encoding it is in, or looks like */
static int unreadable(struct tv_read_ctx *ctx, struct tv_input *in, const char *data, size_t len,
		      int r, struct tv_error *err)
{
	const char *enc = tv_input_encoding(in), *like = tv_input_looks_utf16(data, len);

	if (r == -TV_EENCODING && strncmp(enc, "UTF-32", 6) == 0) {
		return tv_error_set(err, r, ctx->name, 0,
				    "cannot read: the input is %s (it starts with a byte-order "
				    "mark); only UTF-8 and UTF-16 are read",
				    enc);
	}
	if (r < 0) {
		return tv_error_set(err, r, ctx->name, 0, "cannot read: %s", tv_strerror(r));
	}
	if (like != NULL) {
		return tv_error_set(err, -TV_EFORMAT, ctx->name, 1,
				    "cannot tell the input format: the input looks like %s "
				    "without a byte-order mark (save it as UTF-8, or as UTF-16 "
				    "with its mark)",
				    like);
	}
	return tv_error_set(err, -TV_EFORMAT, ctx->name, 1,
			    "cannot tell the input format%s%s%s (use --from; one of %s)",
			    strcmp(enc, "UTF-8") ? " of this " : "",
			    strcmp(enc, "UTF-8") ? enc : "", strcmp(enc, "UTF-8") ? " input" : "",
			    tv_format_list());
}

/* the format of @in when none was named: 0 and *@fmt (NULL for an empty input) */
static int detect(struct tv_read_ctx *ctx, struct tv_input *in, const struct tv_format **fmt,
		  struct tv_error *err)
{
	const char *data = NULL;
	size_t len = 0;
	int r;

	r = tv_format_sniff(in, ctx->o.max_record, fmt, &data, &len);
	if (r < 0) {
		return unreadable(ctx, in, NULL, 0, r, err);
	}
	if (blank(data, len)) {
		return 0; /* an empty input holds no records */
	}
	if (*fmt == NULL) {
		ctx->st.bytes += len; /* they were read, and are not of any format */
		return unreadable(ctx, in, data, len, 0, err);
	}
	return 0;
}

/* a failure in a UTF-16 input says so: the lines it names are of the transcoded text */
static void name_encoding(struct tv_input *in, struct tv_error *err)
{
	const char *enc = tv_input_encoding(in);
	size_t n = strlen(err->msg);

	if (strncmp(enc, "UTF-16", 6) != 0 || strstr(err->msg, enc) != NULL) {
		return;
	}
	snprintf(err->msg + n, sizeof(err->msg) - n, " (in this %s input)", enc);
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
	if (r < 0 && err != NULL) {
		name_encoding(in, err);
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
