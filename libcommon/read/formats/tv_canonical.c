// SPDX-License-Identifier: MIT
// Canonical session JSON Lines: one session per line, read back as is.
#include <errno.h>

#include "libcommon/read/tv_reader_int.h"

/* returns 0 to go on, or a fatal negative code */
static int one_line(struct tv_read_ctx *ctx, const char *line, size_t len, uint64_t lineno)
{
	struct tv_session *s = NULL;
	struct tv_jv root;
	const char *why = NULL;
	int r;

	r = tv_json_parse(ctx->jp, line, len, &root, &why);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return tv_read_reject(ctx, lineno, "invalid JSON: %s", why ? why : tv_strerror(r));
	if (ctx->o.emit_line) {	/* passed through as is, once checked */
		r = tv_session_check_json(&root, &why);
		if (r < 0)
			return tv_read_reject(ctx, lineno, "not a canonical session: %s", why);
		ctx->st.records_read++;
		ctx->st.records_used++;
		ctx->st.sessions++;
		return ctx->o.emit_line(ctx->o.udata, line, len, &root);
	}
	r = tv_session_from_json(&root, &s, &why);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return tv_read_reject(ctx, lineno, "not a canonical session: %s", why);
	return tv_read_session(ctx, s);
}

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] != ' ' && s[i] != '\t')
			return false;
	}
	return true;
}

int tv_read_canonical(struct tv_read_ctx *ctx, struct tv_input *in, struct tv_error *err)
{
	const char *line;
	size_t len;
	uint64_t lineno = 0;
	int r;

	for (;;) {
		r = tv_input_line(in, &line, &len, &lineno, NULL);
		if (r == 0)
			return 0;
		if (r == -TV_ETOOBIG) {
			tv_read_reject(ctx, lineno, "line longer than %zu bytes", ctx->o.max_record);
			continue;
		}
		if (r < 0)
			return tv_error_set(err, r, tv_input_name(in), lineno, "read error: %s",
					    tv_strerror(r));
		if (blank(line, len))
			continue;
		r = one_line(ctx, line, len, lineno);
		if (r < 0)
			return tv_error_set(err, r, tv_input_name(in), lineno, "%s", tv_strerror(r));
	}
}
