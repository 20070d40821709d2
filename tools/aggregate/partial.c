// SPDX-License-Identifier: MIT
/*
 * Partial states: the aggregate's state (tv_agg_state_write) with, in its
 * header's "tool" object, what was read ("input": the counts) and the
 * selection that was applied ("selection": the expressions), so a merge
 * reports the counts of all the shards.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "aggregate.h"
#include "libcommon/core/tv_input.h"
#include "libcommon/json/tv_jw.h"
#include "tools/common/tool.h"

static const char *const count_names[] = { "files",	   "bytes",	      "records_read",
					   "records_used", "records_skipped", "records_rejected",
					   "sessions",	   "selected",	      "partials" };

#define N_COUNTS (sizeof(count_names) / sizeof(count_names[0]))

static uint64_t *count_field(struct input_counts *c, size_t i)
{
	uint64_t *f[N_COUNTS] = { &c->files,	    &c->bytes,		 &c->records_read,
				  &c->records_used, &c->records_skipped, &c->records_rejected,
				  &c->sessions,	    &c->selected,	 &c->partials };

	return f[i];
}

/* the tool's object in the header */
static char *tool_object(const struct input_counts *counts, const struct tool_where *where)
{
	struct input_counts c = *counts;
	struct tv_strbuf b;
	struct tv_jw w;

	tv_strbuf_init(&b);
	tv_jw_init(&w, &b);
	tv_jw_obj_begin(&w);
	TV_JW_KEY(&w, "input");
	tv_jw_obj_begin(&w);
	for (size_t i = 0; i < N_COUNTS; i++) {
		tv_jw_key(&w, count_names[i]);
		tv_jw_int(&w, (int64_t)*count_field(&c, i));
	}
	tv_jw_obj_end(&w);
	TV_JW_KEY(&w, "selection");
	tv_jw_arr_begin(&w);
	for (size_t i = 0; where && i < where->n; i++) {
		tv_jw_cstr(&w, where->expr[i]);
	}
	tv_jw_arr_end(&w);
	tv_jw_obj_end(&w);
	if (tv_jw_error(&w)) {
		tv_strbuf_finish(&b);
		return NULL;
	}
	return tv_strbuf_steal(&b);
}

int partial_write(struct tv_agg *a, const struct input_counts *c, const struct tool_where *w,
		  int (*write)(void *udata, const char *line, size_t n), void *udata)
{
	char *tool = tool_object(c, w);
	int r;

	if (tool == NULL) {
		return -ENOMEM;
	}
	r = tv_agg_state_write(a, tool, write, udata);
	free(tool);
	return r;
}

static void read_counts(struct input_counts *c, const struct tv_jv *tool)
{
	struct tv_jv in, v;
	int64_t n;

	if (!tv_jv_get(tool, "input", &in)) {
		return;
	}
	for (size_t i = 0; i < N_COUNTS; i++) {
		if (tv_jv_get(&in, count_names[i], &v) && tv_jv_int(&v, &n) && n > 0) {
			*count_field(c, i) = (uint64_t)n;
		}
	}
}

static void sum_counts(struct input_counts *dst, struct input_counts *src)
{
	for (size_t i = 0; i < N_COUNTS; i++) {
		*count_field(dst, i) += *count_field(src, i);
	}
}

/*
 * A file holds one partial state or several one after another (the output
 * of --partial runs concatenated, as GNU parallel --pipe writes them): each
 * complete state is merged into those before it.
 */
struct partial {
	struct tv_json_parser *jp;
	struct tv_agg *acc; /* the complete states so far, merged */
	struct tv_agg *cur; /* the state being read */
	const char *file;
	uint64_t line;
	struct input_counts counts, cur_counts;
	struct tv_strbuf tool;
};

static int header(struct partial *p, const struct tv_jv *root, const char **why)
{
	struct tv_jv tool;
	int r = tv_agg_state_begin(root, &p->cur, &p->tool, why);

	/* the header's DOM is gone once the tool object is parsed: it was copied */
	p->cur_counts = (struct input_counts){ 0 };
	if (r == 0 && tv_json_parse(p->jp, p->tool.p, p->tool.len, &tool, NULL) == 0) {
		read_counts(&p->cur_counts, &tool);
	}
	return r;
}

/* the state read is complete: merged into those before it */
static int finish_state(struct partial *p, const char **why)
{
	int r = tv_agg_state_end(p->cur, why);

	if (r == 0 && p->acc == NULL) {
		p->acc = p->cur;
		p->cur = NULL;
	} else if (r == 0) {
		r = tv_agg_merge(p->acc, p->cur);
		if (r == -TV_EUSAGE) {
			*why = "a partial state of other options (--by, --max-groups, --top, --exact, "
			       "--relative-error, --prices) than the one before it";
			r = -TV_EPARSE;
		}
		tv_agg_destroy(p->cur);
		p->cur = NULL;
	}
	if (r == 0) {
		if (p->cur_counts.partials == 0) {
			p->cur_counts.partials = 1; /* the state of one run */
		}
		sum_counts(&p->counts, &p->cur_counts);
	}
	return r;
}

static int one_line(struct partial *p, const char *text, size_t len)
{
	struct tv_jv root;
	const char *why = "not JSON";
	int r = tv_json_parse(p->jp, text, len, &root, &why);

	if (r == 0 && p->cur && tv_agg_state_end(p->cur, &why) == 0) {
		r = finish_state(p, &why); /* and this line starts the next one */
	}
	if (r == 0) {
		r = p->cur ? tv_agg_state_line(p->cur, &root, &why) : header(p, &root, &why);
	}
	if (r < 0 && r != -ENOMEM) {
		tool_err("%s:%llu: %s", p->file, (unsigned long long)p->line, why);
	}
	return r;
}

static int read_lines(struct partial *p, struct tv_input *in)
{
	const char *text, *why = "it is empty";
	size_t len;
	int r;

	while ((r = tv_input_line(in, &text, &len, &p->line, NULL)) == 1) {
		r = one_line(p, text, len);
		if (r < 0) {
			return r;
		}
	}
	if (r < 0) {
		tool_err("%s:%llu: %s", p->file, (unsigned long long)p->line, tv_strerror(r));
		return r;
	}
	r = p->cur ? finish_state(p, &why) : -TV_EPARSE;
	if (r == -ENOMEM) {
		return r;
	}
	if (r < 0 || p->acc == NULL) {
		tool_err("%s: not a complete partial state: %s", p->file, why);
		return -TV_EPARSE;
	}
	return 0;
}

int partial_read(const char *file, struct tv_json_parser *jp, struct tv_agg **out,
		 struct input_counts *c)
{
	struct partial p = { .jp = jp, .file = file };
	struct tv_input *in;
	int r = tv_input_open(file, 0, &in);

	if (r < 0) {
		tool_err("%s: %s", file, tv_strerror(r));
		return r;
	}
	tv_strbuf_init(&p.tool);
	p.file = tv_input_name(in);
	r = read_lines(&p, in);
	tv_input_close(in);
	tv_strbuf_finish(&p.tool);
	tv_agg_destroy(p.cur);
	if (r < 0) {
		tv_agg_destroy(p.acc);
		return r;
	}
	sum_counts(c, &p.counts);
	*out = p.acc;
	return 0;
}
