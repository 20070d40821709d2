// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for televal-aggregate's own inputs: partial states
 * (--partial writes them, --merge reads them back, often from other
 * machines) and --fail-if expressions.
 *
 * The input is JSON Lines: one partial state or several one after another,
 * read as --merge reads a file (tv_agg_state_begin/line/end, each complete
 * state merged into those before it).  An input whose first byte is '?'
 * starts with a --fail-if expression on its first line.
 *
 * Properties: no crash, leak or undefined behaviour; every view a report
 * reads (groups, tallies, the slowest calls, the series, the waterfalls,
 * every metric of every group) can be taken; a state that was read writes
 * out as a state that reads back and writes out as the same bytes; and a
 * state merges with itself.  Dictionary: aggregate.dict (the state's
 * member names, the metrics and the expression grammar).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcommon/core/tv_strbuf.h"
#include "libcommon/json/tv_json.h"
#include "libcommon/stats/tv_agg.h"
#include "tools/aggregate/aggregate.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

/* the states of one input, as --merge reads them */
struct states {
	struct tv_json_parser *jp;
	struct tv_strbuf line, tool;
	struct tv_agg *acc, *cur;
};

/* the state read is complete: merged into those before it; false if refused */
static bool finish(struct states *s)
{
	const char *why;
	bool ok = tv_agg_state_end(s->cur, &why) == 0;

	if (ok && s->acc == NULL) {
		s->acc = s->cur;
		s->cur = NULL;
	} else if (ok) {
		ok = tv_agg_merge(s->acc, s->cur) == 0;
	}
	tv_agg_destroy(s->cur);
	s->cur = NULL;
	return ok;
}

/* one line of a state; false when the input is refused */
static bool one_line(struct states *s, const char *p, size_t n)
{
	const char *why;
	struct tv_jv root;

	tv_strbuf_reset(&s->line);
	if (tv_strbuf_append(&s->line, p, n) < 0 ||
	    tv_json_parse(s->jp, s->line.p, s->line.len, &root, &why) < 0) {
		return false;
	}
	if (s->cur != NULL && tv_agg_state_end(s->cur, &why) == 0 && !finish(s)) {
		return false;
	}
	if (s->cur != NULL) {
		return tv_agg_state_line(s->cur, &root, &why) == 0;
	}
	return tv_agg_state_begin(&root, &s->cur, &s->tool, &why) == 0;
}

/* the states in @p: their merge, or NULL when refused */
static struct tv_agg *read_states(struct tv_json_parser *jp, const char *p, size_t n)
{
	struct states s = { .jp = jp };
	const char *end = p + n, *nl;
	bool ok = true;

	tv_strbuf_init(&s.line);
	tv_strbuf_init(&s.tool);
	while (ok && p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL) {
			nl = end;
		}
		ok = one_line(&s, p, (size_t)(nl - p));
		p = nl + 1;
	}
	ok = ok && s.cur != NULL && finish(&s);
	tv_agg_destroy(s.cur);
	if (!ok) {
		tv_agg_destroy(s.acc);
		s.acc = NULL;
	}
	tv_strbuf_finish(&s.line);
	tv_strbuf_finish(&s.tool);
	return s.acc;
}

static int put(void *udata, const char *line, size_t n)
{
	return tv_strbuf_append(udata, line, n);
}

/* every metric of @g: a value or none, never a trap */
static void metrics(struct tv_agg *a, struct tv_agg_group *g)
{
	double v;

	for (size_t id = 0; id < tv_metric_count(); id++) {
		if (tv_metric_value(a, g, id, &v) && v != v) {
			abort(); /* a metric is a number or has no value */
		}
	}
}

/* what the report formats read */
static void views(struct tv_agg *a)
{
	struct tv_agg_group **groups;
	const struct tv_agg_name *other;
	int64_t width;
	size_t n;

	metrics(a, tv_agg_total(a));
	groups = tv_agg_groups(a, &n);
	for (size_t i = 0; i < n; i++) {
		metrics(a, groups[i]);
	}
	tv_agg_slowest(a, &n);
	for (int k = 0; k < TV_AGG_NTALLY; k++) {
		tv_agg_tally(a, (enum tv_agg_tally_kind)k, &n, &other);
	}
	tv_agg_series(a, &n, &width);
	tv_agg_waterfalls(a, false, &n);
	tv_agg_waterfalls(a, true, &n);
}

/* --fail-if on @a: compiled from @expr (NUL-terminated), evaluated */
static void alerts(const char *expr, struct tv_agg *a)
{
	FILE *saved = stderr, *null = fopen("/dev/null", "w");
	const struct fired *fired;
	struct alerts *al = NULL;
	size_t n;

	if (null == NULL) {
		return;
	}
	stderr = null; /* a syntax error is reported with a caret */
	if (alerts_compile(&expr, 1, &al) == 0) {
		alerts_eval(al, a, &fired, &n);
	}
	stderr = saved;
	fclose(null);
	alerts_destroy(al);
}

/* @a written as a state, read back and written again: the same bytes */
static void round_trip(struct tv_json_parser *jp, struct tv_agg *a)
{
	struct tv_strbuf once, twice;
	struct tv_agg *back;

	tv_strbuf_init(&once);
	tv_strbuf_init(&twice);
	if (tv_agg_state_write(a, NULL, put, &once) == 0) {
		back = read_states(jp, once.p, once.len);
		if (back == NULL) {
			fprintf(stderr, "a written state is refused:\n%s", once.p);
			abort();
		}
		if (tv_agg_state_write(back, NULL, put, &twice) == 0 &&
		    (once.len != twice.len || memcmp(once.p, twice.p, once.len) != 0)) {
			fprintf(stderr, "a state reads back otherwise:\n%s---\n%s", once.p,
				twice.p);
			abort();
		}
		tv_agg_destroy(back);
	}
	tv_strbuf_finish(&once);
	tv_strbuf_finish(&twice);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size, *nl;
	struct tv_json_parser *jp = tv_json_parser_create();
	struct tv_agg *a, *again;
	char *expr = NULL;
	size_t n;

	if (jp == NULL) {
		return 0;
	}
	if (size > 0 && p[0] == '?') {
		nl = memchr(p, '\n', size);
		nl = nl ? nl : end;
		expr = strndup(p + 1, (size_t)(nl - p - 1));
		p = nl < end ? nl + 1 : end;
	}
	n = (size_t)(end - p);
	a = read_states(jp, p, n);
	if (a != NULL) {
		views(a);
		if (expr != NULL) {
			alerts(expr, a);
		}
		round_trip(jp, a);
		again = read_states(jp, p, n);
		if (again != NULL && tv_agg_merge(a, again) == 0) {
			views(a);
		}
		tv_agg_destroy(again);
		tv_agg_destroy(a);
	}
	free(expr);
	tv_json_parser_destroy(jp);
	return 0;
}
