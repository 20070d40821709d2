// SPDX-License-Identifier: MIT
/*
 * Sessions in: every input through the shared input loop, the selection
 * (--where, --since, --until) evaluated on the canonical session object,
 * and the object handed to the aggregate.  Canonical input arrives parsed;
 * sessions from the other readers are written as canonical lines and
 * parsed, so both take the same path.
 */
#include <errno.h>
#include <string.h>

#include "aggregate.h"
#include "tools/common/tool.h"

static bool id_is(const struct tv_jv *root, const char *id)
{
	struct tv_jv v;
	const char *s;
	size_t n;

	return tv_jv_get(root, "id", &v) && tv_jv_str(&v, &s, &n) && n == strlen(id) &&
	       memcmp(s, id, n) == 0;
}

static int take(struct feed *f, const struct tv_jv *root, const struct tv_session *s)
{
	struct input_counts *c = f->counts;
	int r;

	c->sessions++;
	if (!tool_where_eval(f->where, root)) {
		return 0;
	}
	c->selected++;
	if (f->session_id) {
		return id_is(root, f->session_id) ? f->show(f->udata, root, s) : 0;
	}
	r = tv_agg_add(f->agg, root);
	if (f->in.progress && (c->sessions & 255) == 0) {
		tool_input_progress(&f->in, false, c->selected, "aggregated");
	}
	return r;
}

static int emit(void *udata, struct tv_session *s)
{
	struct feed *f = udata;
	struct tv_jv root;
	int r;

	tv_strbuf_reset(&f->line);
	r = tv_session_write(s, &f->line);
	if (r == 0) {
		r = tv_json_parse(f->jp, f->line.p, f->line.len, &root, NULL);
	}
	if (r == 0) {
		r = take(f, &root, s);
	}
	tv_session_destroy(s);
	return r;
}

static int emit_line(void *udata, const char *line, size_t len, const struct tv_jv *root)
{
	(void)line;
	(void)len;
	return take(udata, root, NULL);
}

static void copy_stats(struct feed *f)
{
	const struct tv_stats *st = tv_read_stats(f->in.ctx);
	struct input_counts *c = f->counts;

	c->files += st->files;
	c->bytes += st->bytes;
	c->records_read += st->records_read;
	c->records_used += st->records_used;
	c->records_skipped += st->records_skipped;
	c->records_rejected += st->records_rejected;
}

int feed_run(struct feed *f, const struct tool_input_opts *o, int argc, char **argv)
{
	struct tv_read_opts ro = { .emit = emit, .emit_line = emit_line, .udata = f };
	int r;

	tv_strbuf_init(&f->line);
	f->jp = tv_json_parser_create();
	if (f->jp == NULL || tool_input_start(&f->in, o, &ro) != 0) {
		return -ENOMEM;
	}
	r = tool_input_read_all(&f->in, argc, argv);
	copy_stats(f);
	tool_input_progress(&f->in, true, f->counts->selected, "aggregated");
	if (r < 0) {
		f->in.failed = true;
	}
	return r;
}

void feed_finish(struct feed *f)
{
	tool_input_end(&f->in);
	tv_json_parser_destroy(f->jp);
	f->jp = NULL;
	tv_strbuf_finish(&f->line);
}
