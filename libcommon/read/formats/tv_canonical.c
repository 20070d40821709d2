// SPDX-License-Identifier: MIT
// Canonical session JSON Lines: one session per line, read back as is.
#include <errno.h>

#include "libcommon/core/tv_text.h"
#include "libcommon/read/tv_backend.h"

/* returns 0 to go on, or a fatal negative code */
static int one_line(struct tv_read_ctx *ctx, const char *line, size_t len, uint64_t lineno)
{
	struct tv_session *s = NULL;
	struct tv_jv root;
	const char *why = NULL;
	int r;

	r = tv_json_parse(tv_read_parser(ctx), line, len, &root, &why);
	if (r == -ENOMEM) {
		return r;
	}
	if (r < 0) {
		return tv_read_reject(ctx, lineno, "invalid JSON: %s", why ? why : tv_strerror(r));
	}
	if (tv_read_wants_lines(ctx)) { /* passed through as is, once checked */
		r = tv_session_check_json(&root, &why);
		if (r < 0) {
			return tv_read_reject(ctx, lineno, "not a canonical session: %s", why);
		}
		if (r == 0) {
			return tv_read_session_line(ctx, line, len, &root);
		}
		/* members missing: rebuilt below, so that what is written has them all */
	}
	r = tv_session_from_json(&root, &s, &why);
	if (r == -ENOMEM) {
		return r;
	}
	if (r < 0) {
		return tv_read_reject(ctx, lineno, "not a canonical session: %s", why);
	}
	return tv_read_session(ctx, s);
}

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] != ' ' && s[i] != '\t') {
			return false;
		}
	}
	return true;
}

static int read_input(struct tv_read_ctx *ctx, struct tv_input *in, struct tv_error *err)
{
	const char *line;
	size_t len;
	uint64_t lineno = 0;
	int r;

	for (;;) {
		r = tv_input_line(in, &line, &len, &lineno, NULL);
		if (r == 0) {
			return 0;
		}
		if (r == -TV_ETOOBIG) {
			tv_read_reject(ctx, lineno, "line longer than %zu bytes",
				       tv_read_max_record(ctx));
			continue;
		}
		if (r < 0) {
			return tv_error_set(err, r, tv_input_name(in), lineno, "read error: %s",
					    tv_strerror(r));
		}
		if (blank(line, len)) {
			continue;
		}
		r = one_line(ctx, line, len, lineno);
		if (r < 0) {
			return tv_error_set(err, r, tv_input_name(in), lineno, "%s",
					    tv_strerror(r));
		}
	}
}

static bool detect(const struct tv_sniff *s)
{
	return s->shape == TV_SHAPE_JSON_LINE &&
	       (tv_text_has(s->line, s->line_len, "\"televal\":1") ||
		tv_text_has(s->line, s->line_len, "\"televal\": 1"));
}

const struct tv_format tv_format_canonical = {
	.name = "canonical",
	.layout = TV_LAYOUT_CANONICAL,
	.detect = detect,
	.read = read_input,
};
