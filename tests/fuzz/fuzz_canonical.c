// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for the canonical session format: the input is read as
 * canonical sessions twice, once built into sessions (what to-eval and
 * anonymize do) and once checked line by line (what televal-filter does).
 * Properties: both ways accept the same lines; the records add up (read =
 * used + skipped + rejected); what the writer writes reads back as the
 * same bytes.  Every session either way is also aggregated (as
 * televal-aggregate reads canonical lines, grouped by model and tool) and
 * its metrics taken.  Dictionary: canonical.dict (the schema's member names).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_util.h"
#include "libcommon/read/tv_reader.h"
#include "libcommon/model/tv_session.h"
#include "libcommon/stats/tv_agg.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

struct got {
	struct tv_strbuf out;
	uint64_t lines;
	struct tv_agg *agg; /* NULL: not aggregated */
};

static int emit(void *udata, struct tv_session *s)
{
	struct got *g = udata;
	int r = tv_session_write(s, &g->out);

	tv_session_destroy(s);
	return r;
}

static int emit_line(void *udata, const char *line, size_t len, const struct tv_jv *root)
{
	struct got *g = udata;

	(void)line;
	(void)len;
	g->lines++;
	return g->agg ? tv_agg_add(g->agg, root) : 0;
}

/* an aggregate by model and tool, as `televal-aggregate --by model --by tool` makes */
static struct tv_agg *agg_create(void)
{
	static const char *const by[] = { "model", "tool" };
	struct tv_agg_opts o = { .by = by, .n_by = 2, .exact_max = 8, .alpha = 0.01 };
	struct tv_agg *a = NULL;
	struct tv_error err;

	return tv_agg_create(&o, &a, &err) == 0 ? a : NULL;
}

/* every metric of every group, and the lists a report reads */
static void agg_report(struct tv_agg *a)
{
	struct tv_agg_group **g;
	size_t n, m;
	double v;
	int64_t width;

	g = tv_agg_groups(a, &n);
	for (size_t id = 0; id < tv_metric_count(); id++) {
		tv_metric_value(a, tv_agg_total(a), id, &v);
		for (size_t i = 0; i < n; i++) {
			tv_metric_value(a, g[i], id, &v);
		}
	}
	tv_agg_slowest(a, &m);
	tv_agg_series(a, &m, &width);
	tv_agg_waterfalls(a, true, &m);
	tv_agg_waterfalls(a, false, &m);
}

/* the canonical lines of @b aggregated into @a */
static void agg_lines(struct tv_agg *a, const struct tv_strbuf *b)
{
	struct tv_json_parser *jp = tv_json_parser_create();
	struct tv_strbuf line;
	const char *p = b->p, *end = p ? p + b->len : NULL, *nl;
	struct tv_jv root;

	tv_strbuf_init(&line);
	while (jp != NULL && p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		nl = nl ? nl : end;
		tv_strbuf_reset(&line);
		if (tv_strbuf_append(&line, p, (size_t)(nl - p)) == 0 &&
		    tv_json_parse(jp, line.p, line.len, &root, NULL) == 0) {
			tv_agg_add(a, &root);
		}
		p = nl + 1;
	}
	tv_strbuf_finish(&line);
	tv_json_parser_destroy(jp);
}

/* read @path as canonical input; returns the sessions emitted */
static uint64_t read_path(const char *path, struct got *g, bool lines)
{
	struct tv_read_opts o = { .gap = 0,
				  .max_record = 1 << 20,
				  .max_open = 64,
				  .emit = emit,
				  .emit_line = lines ? emit_line : NULL,
				  .report = fuzz_quiet,
				  .udata = g };
	struct tv_read_ctx *ctx = tv_read_ctx_create(&o);
	const struct tv_stats *st;
	struct tv_error err;
	uint64_t n;

	if (ctx == NULL) {
		return 0;
	}
	tv_read_file(ctx, path, tv_format_find("canonical"), &err);
	tv_read_finish(ctx, &err);
	st = tv_read_stats(ctx);
	if (st->records_read != st->records_used + st->records_skipped + st->records_rejected) {
		abort();
	}
	n = st->sessions;
	tv_read_ctx_destroy(ctx);
	return n;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char path[] = "/tmp/tv-fuzz-canon-XXXXXX";
	struct got built = { .lines = 0 }, checked = { .lines = 0 }, again = { .lines = 0 };
	uint64_t n_built, n_checked;
	int fd = mkstemp(path);

	if (fd < 0) {
		return 0;
	}
	close(fd);
	tv_strbuf_init(&built.out);
	tv_strbuf_init(&checked.out);
	tv_strbuf_init(&again.out);
	if (fuzz_put_file(path, data, size) == 0) {
		n_built = read_path(path, &built, false);
		/*
		 * the checked path and the building path accept the same lines
		 * (the checked path passes a complete line through, and builds one
		 * that lacks members to write it in full: both count as sessions)
		 */
		checked.agg = agg_create();
		n_checked = read_path(path, &checked, true);
		if (n_checked != n_built || checked.lines > n_built) {
			fprintf(stderr, "built %llu sessions, checked %llu (%llu passed through)\n",
				(unsigned long long)n_built, (unsigned long long)n_checked,
				(unsigned long long)checked.lines);
			abort();
		}
		/* the writer's output is canonical input that reads back to the same bytes */
		if (built.out.len > 0 && fuzz_put_file(path, built.out.p, built.out.len) == 0) {
			read_path(path, &again, false);
			if (again.out.len != built.out.len ||
			    memcmp(again.out.p, built.out.p, built.out.len) != 0) {
				abort();
			}
		}
	}
	unlink(path);
	if (checked.agg != NULL) {
		agg_lines(checked.agg, &built.out); /* the sessions built in full */
		agg_report(checked.agg);
		tv_agg_destroy(checked.agg);
	}
	tv_strbuf_finish(&built.out);
	tv_strbuf_finish(&checked.out);
	tv_strbuf_finish(&again.out);
	return 0;
}
