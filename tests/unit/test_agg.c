// SPDX-License-Identifier: MIT
/*
 * The metric accumulator (stats/tv_agg*.c) and the price table
 * (stats/tv_prices.c): which groups a unit belongs to at each key level,
 * the bounded groups and their "other" group whatever the input order,
 * K-shard merges (in memory and through the partial state) equal to one
 * run, weighted sessions, costs, and broken partial states.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "libcommon/core/tv_error.h"
#include "libcommon/core/tv_time.h"
#include "libcommon/json/tv_json.h"
#include "libcommon/json/tv_jw.h"
#include "libcommon/stats/tv_agg.h"
#include "libcommon/stats/tv_prices.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define T0 INT64_C(1751360400000000000) /* 2025-07-01T09:00:00Z */

static const char *const models[] = { "gemini-2.5-pro", "gpt-4.1-mini", "claude-sonnet-4" };
static const char *const tools[] = { "read_file", "glob", "run_shell_command", "replace" };

static struct tv_json_parser *jp;

static int setup(void **state)
{
	(void)state;
	jp = tv_json_parser_create();
	return jp ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	tv_json_parser_destroy(jp);
	return 0;
}

/* ---- sessions ---- */

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= UINT64_C(0xff51afd7ed558ccd);
	x ^= x >> 33;
	return x;
}

static void llm_call(struct tv_jw *w, int64_t at, const char *model, int64_t ms, bool ok,
		     int64_t in)
{
	tv_jw_obj_begin(w);
	TV_JW_KEY(w, "time");
	tv_jw_time(w, at);
	TV_JW_KEY(w, "model");
	tv_jw_cstr(w, model);
	TV_JW_KEY(w, "duration_ms");
	tv_jw_int(w, ms);
	TV_JW_KEY(w, "status");
	tv_jw_cstr(w, ok ? "ok" : "error");
	TV_JW_KEY(w, "input_tokens");
	tv_jw_int(w, in);
	TV_JW_KEY(w, "output_tokens");
	tv_jw_int(w, in / 10);
	TV_JW_KEY(w, "cached_tokens");
	tv_jw_int(w, in / 4);
	TV_JW_KEY(w, "cache_hit");
	tv_jw_bool(w, in % 3 == 0);
	TV_JW_KEY(w, "error");
	tv_jw_cstr(w, ok ? NULL : "Resource exhausted after 30s (request 83726)");
	tv_jw_obj_end(w);
}

static void tool_call(struct tv_jw *w, int64_t at, const char *name, int64_t ms, bool ok)
{
	tv_jw_obj_begin(w);
	TV_JW_KEY(w, "time");
	tv_jw_time(w, at);
	TV_JW_KEY(w, "name");
	tv_jw_cstr(w, name);
	TV_JW_KEY(w, "duration_ms");
	tv_jw_int(w, ms);
	TV_JW_KEY(w, "success");
	tv_jw_bool(w, ok);
	TV_JW_KEY(w, "decision");
	tv_jw_cstr(w, ok ? "accept" : "reject");
	tv_jw_obj_end(w);
}

/* session @i: 1 to 3 turns of 1 to 3 calls, each followed by 0 to 2 tools */
static void session_json(struct tv_strbuf *b, unsigned i, double weight)
{
	static const char source[] =
		"{\"format\":\"canonical\",\"service\":\"test\",\"file\":null}";
	uint64_t r = mix(i + 1);
	int64_t t = T0 + (int64_t)i * 37 * TV_NS_PER_SEC, start = t;
	struct tv_jw w;
	char id[32], skill[16];

	snprintf(id, sizeof(id), "s-%05u", i);
	snprintf(skill, sizeof(skill), "skill-%u", i % 7);
	tv_strbuf_reset(b);
	tv_jw_init(&w, b);
	tv_jw_obj_begin(&w);
	TV_JW_KEY(&w, "id");
	tv_jw_cstr(&w, id);
	TV_JW_KEY(&w, "source");
	tv_jw_raw(&w, source, strlen(source));
	TV_JW_KEY(&w, "start_time");
	tv_jw_time(&w, start);
	TV_JW_KEY(&w, "duration_ms");
	tv_jw_int(&w, (int64_t)(r % 100000));
	TV_JW_KEY(&w, "skill");
	tv_jw_cstr(&w, skill);
	TV_JW_KEY(&w, "success");
	tv_jw_bool(&w, r % 5 != 0);
	if (weight != 1) {
		TV_JW_KEY(&w, "sampling");
		tv_jw_obj_begin(&w);
		TV_JW_KEY(&w, "weight");
		tv_jw_double(&w, weight);
		tv_jw_obj_end(&w);
	}
	TV_JW_KEY(&w, "turns");
	tv_jw_arr_begin(&w);
	for (unsigned k = 0; k < 1 + r % 3; k++) {
		uint64_t q = mix(r + k);

		tv_jw_obj_begin(&w);
		TV_JW_KEY(&w, "prompt");
		tv_jw_cstr(&w, k % 2 ? "fix the build" : "héllo wörld");
		TV_JW_KEY(&w, "start_time");
		tv_jw_time(&w, t);
		TV_JW_KEY(&w, "duration_ms");
		tv_jw_int(&w, (int64_t)(q % 9000));
		TV_JW_KEY(&w, "llm_calls");
		tv_jw_arr_begin(&w);
		for (unsigned c = 0; c < 1 + q % 3; c++) {
			llm_call(&w, t + (int64_t)c * 10 * TV_NS_PER_SEC,
				 models[(q >> (4 * c)) % 3], (int64_t)(100 + mix(q + c) % 5000),
				 (q >> c) % 11 != 0, (int64_t)(mix(q * 3 + c) % 20000));
		}
		tv_jw_arr_end(&w);
		TV_JW_KEY(&w, "tool_calls");
		tv_jw_arr_begin(&w);
		for (unsigned c = 0; c < (q >> 8) % 4; c++) {
			tool_call(&w, t + (int64_t)(c * 10 + 5) * TV_NS_PER_SEC,
				  tools[(q >> c) % 4], (int64_t)(mix(q ^ c) % 900),
				  (q >> (c + 3)) % 7 != 0);
		}
		tv_jw_arr_end(&w);
		tv_jw_obj_end(&w);
		t += 60 * TV_NS_PER_SEC;
	}
	tv_jw_arr_end(&w);
	tv_jw_obj_end(&w);
	assert_int_equal(tv_jw_error(&w), 0);
}

static void add_json(struct tv_agg *a, const char *json)
{
	struct tv_strbuf b;
	struct tv_jv root;

	tv_strbuf_init(&b);
	tv_strbuf_puts(&b, json);
	assert_int_equal(tv_json_parse(jp, b.p, b.len, &root, NULL), 0);
	assert_int_equal(tv_agg_add(a, &root), 0);
	tv_strbuf_finish(&b);
}

static void add_session(struct tv_agg *a, unsigned i, double weight)
{
	struct tv_strbuf b;

	tv_strbuf_init(&b);
	session_json(&b, i, weight);
	add_json(a, b.p);
	tv_strbuf_finish(&b);
}

static struct tv_agg *make(const char *const *by, size_t n_by, size_t max_groups, size_t exact)
{
	struct tv_agg_opts o = {
		.by = by, .n_by = n_by, .max_groups = max_groups, .exact_max = exact, .alpha = 0.01
	};
	struct tv_agg *a = NULL;
	struct tv_error err;

	assert_int_equal(tv_agg_create(&o, &a, &err), 0);
	return a;
}

static double metric(struct tv_agg *a, struct tv_agg_group *g, const char *name)
{
	int id = tv_metric_find(name, strlen(name));
	double v = NAN;

	assert_true(id >= 0);
	if (!tv_metric_value(a, g, (size_t)id, &v)) {
		return NAN;
	}
	return v;
}

static struct tv_agg_group *group(struct tv_agg *a, const char *key)
{
	size_t n;
	struct tv_agg_group **g = tv_agg_groups(a, &n);

	for (size_t i = 0; i < n; i++) {
		const char *s = g[i]->key[0].s;

		if (!g[i]->other &&
		    ((s == NULL && key == NULL) || (s && key && strcmp(s, key) == 0))) {
			return g[i];
		}
	}
	fail_msg("no group %s", key ? key : "(none)");
	return NULL;
}

/* ---- key levels ---- */

static const char levels_session[] =
	"{\"id\":\"x\",\"start_time\":\"2025-07-01T09:00:00.000Z\",\"skill\":null,"
	"\"turns\":["
	"{\"prompt\":\"a\",\"llm_calls\":["
	"{\"time\":\"2025-07-01T09:00:01.000Z\",\"model\":\"A\",\"duration_ms\":100,\"status\":\"ok\"},"
	"{\"time\":\"2025-07-01T09:00:05.000Z\",\"model\":\"B\",\"duration_ms\":300,\"status\":\"error\"}"
	"],\"tool_calls\":["
	"{\"time\":\"2025-07-01T09:00:02.000Z\",\"name\":\"glob\",\"duration_ms\":7,\"success\":true},"
	"{\"time\":\"2025-07-01T09:00:06.000Z\",\"name\":\"grep\",\"duration_ms\":9,\"success\":false},"
	"{\"time\":\"2025-07-01T09:00:00.500Z\",\"name\":\"early\",\"duration_ms\":1,\"success\":true}"
	"]},"
	"{\"prompt\":null,\"llm_calls\":[],\"tool_calls\":["
	"{\"time\":null,\"name\":\"glob\",\"duration_ms\":2,\"success\":true}]}"
	"]}";

static void test_levels_model(void **state)
{
	static const char *const by[] = { "model" };
	struct tv_agg *a = make(by, 1, 0, 100);
	struct tv_agg_group *ga, *gb, *gn;

	(void)state;
	add_json(a, levels_session);
	ga = group(a, "A");
	gb = group(a, "B");
	gn = group(a, NULL);
	/* the session used both models: it is in both groups, and the total once */
	assert_true(metric(a, ga, "sessions") == 1 && metric(a, gb, "sessions") == 1);
	assert_true(metric(a, tv_agg_total(a), "sessions") == 1);
	/* each call in its own model's group */
	assert_true(metric(a, ga, "llm_calls") == 1 && metric(a, gb, "llm_calls") == 1);
	assert_true(metric(a, ga, "p50(llm.latency_ms)") == 100);
	assert_true(metric(a, gb, "error_rate") == 1 && metric(a, ga, "error_rate") == 0);
	/* tools: glob after A's start, grep after B's; "early" before any: the turn's first (A) */
	assert_true(metric(a, ga, "tool_calls") == 2 && metric(a, gb, "tool_calls") == 1);
	assert_true(metric(a, gb, "tool_failures") == 1);
	/* the second turn has no call: it and its tool are in the none group */
	assert_true(metric(a, gn, "turns") == 1 && metric(a, gn, "tool_calls") == 1);
	assert_true(metric(a, ga, "turns") == 1 && metric(a, gb, "turns") == 1);
	assert_true(metric(a, tv_agg_total(a), "turns") == 2);
	assert_true(metric(a, tv_agg_total(a), "prompts") == 1);
	tv_agg_destroy(a);
}

/* a session of more LLM calls than the first allocation holds, and a tool call */
static void test_many_calls_requests(void **state)
{
	static const char *const by[] = { "model" };
	struct tv_agg *a = make(by, 1, 0, 100);
	struct tv_strbuf b;
	struct tv_jw w;

	(void)state;
	tv_strbuf_init(&b);
	tv_jw_init(&w, &b);
	tv_jw_obj_begin(&w);
	TV_JW_KEY(&w, "id");
	tv_jw_cstr(&w, "many");
	TV_JW_KEY(&w, "turns");
	tv_jw_arr_begin(&w);
	tv_jw_obj_begin(&w);
	TV_JW_KEY(&w, "llm_calls");
	tv_jw_arr_begin(&w);
	for (int i = 0; i < 40; i++) {
		llm_call(&w, (int64_t)i * TV_NS_PER_SEC, "M", 10, true, 100);
	}
	tv_jw_arr_end(&w);
	TV_JW_KEY(&w, "tool_calls");
	tv_jw_arr_begin(&w);
	tool_call(&w, 39 * TV_NS_PER_SEC + 1, "grep", 5, true);
	tv_jw_arr_end(&w);
	tv_jw_obj_end(&w);
	tv_jw_arr_end(&w);
	tv_jw_obj_end(&w);
	add_json(a, b.p);
	assert_true(metric(a, group(a, "M"), "llm_calls") == 40);
	assert_true(metric(a, group(a, "M"), "tool_calls") == 1);
	tv_strbuf_finish(&b);
	tv_agg_destroy(a);
}

static void test_levels_tool(void **state)
{
	static const char *const by[] = { "tool" };
	struct tv_agg *a = make(by, 1, 0, 100);

	(void)state;
	add_json(a, levels_session);
	/* call A asked for glob and early, call B for grep */
	assert_true(metric(a, group(a, "glob"), "llm_calls") == 1);
	assert_true(metric(a, group(a, "grep"), "llm_calls") == 1);
	assert_true(metric(a, group(a, "early"), "llm_calls") == 1);
	assert_true(metric(a, group(a, "glob"), "tool_calls") == 2);
	assert_true(metric(a, group(a, "glob"), "turns") == 2);
	assert_true(metric(a, group(a, "grep"), "turns") == 1);
	assert_true(metric(a, group(a, "glob"), "sessions") == 1);
	tv_agg_destroy(a);
}

static void test_bad_key(void **state)
{
	static const char *const by[] = { "model", "metadata..x" };
	struct tv_agg_opts o = { .by = by, .n_by = 2, .exact_max = 10, .alpha = 0.01 };
	struct tv_agg *a = NULL;
	struct tv_error err;

	(void)state;
	tv_error_clear(&err);
	assert_int_equal(tv_agg_create(&o, &a, &err), -TV_EUSAGE);
	assert_string_equal(err.file, "metadata..x");
	assert_true(err.line > 0);
	o.n_by = 1;
	o.alpha = 0.7;
	assert_int_equal(tv_agg_create(&o, &a, &err), -TV_EUSAGE);
}

/* times in the canonical form (read at fixed places) and others (parsed) */
static void test_times(void **state)
{
	static const char *const times[] = {
		"2025-07-01T09:00:00.000Z",	  "2024-02-29T23:59:59.999999Z",
		"1999-12-31T00:00:00.123456789Z", "2025-07-01T09:00:00Z",
		"2025-07-01T11:00:00.5+02:00",
	};

	(void)state;
	for (size_t i = 0; i < N(times); i++) {
		struct tv_agg *a = make(NULL, 0, 0, 10);
		struct tv_strbuf b;
		int64_t want;

		tv_strbuf_init(&b);
		tv_strbuf_printf(&b, "{\"id\":\"t\",\"start_time\":\"%s\",\"turns\":[]}", times[i]);
		add_json(a, b.p);
		assert_int_equal(tv_time_parse(times[i], strlen(times[i]), &want, NULL), 0);
		if (tv_agg_total(a)->first_start != want) {
			fail_msg("%s: %lld, expected %lld", times[i],
				 (long long)tv_agg_total(a)->first_start, (long long)want);
		}
		tv_strbuf_finish(&b);
		tv_agg_destroy(a);
	}
}

/* ---- states: written to text, compared ---- */

static int collect(void *udata, const char *line, size_t n)
{
	return tv_strbuf_append(udata, line, n);
}

static char *state_text(struct tv_agg *a)
{
	struct tv_strbuf b;

	tv_strbuf_init(&b);
	assert_int_equal(tv_agg_state_write(a, NULL, collect, &b), 0);
	return tv_strbuf_steal(&b);
}

static struct tv_agg *state_read(const char *text)
{
	struct tv_strbuf line, tool;
	struct tv_agg *a = NULL;
	const char *why = NULL;

	tv_strbuf_init(&line);
	tv_strbuf_init(&tool);
	for (const char *p = text, *nl; *p; p = nl + 1) {
		struct tv_jv root;

		nl = strchr(p, '\n');
		tv_strbuf_reset(&line);
		tv_strbuf_append(&line, p, (size_t)(nl - p));
		assert_int_equal(tv_json_parse(jp, line.p, line.len, &root, NULL), 0);
		if (a == NULL) {
			assert_int_equal(tv_agg_state_begin(&root, &a, &tool, &why), 0);
		} else if (tv_agg_state_line(a, &root, &why) != 0) {
			fail_msg("state line: %s", why);
		}
	}
	assert_int_equal(tv_agg_state_end(a, &why), 0);
	tv_strbuf_finish(&line);
	tv_strbuf_finish(&tool);
	return a;
}

/* the smallest-hash rule: the same groups and "other" whatever the order */
static void test_other_any_order(void **state)
{
	static const char *const by[] = { "skill", "model" };
	struct tv_agg *fwd = make(by, 2, 5, 50), *rev = make(by, 2, 5, 50);
	char *a, *b;
	size_t n;

	(void)state;
	for (unsigned i = 0; i < 400; i++) {
		add_session(fwd, i, 1);
		add_session(rev, 399 - i, 1);
	}
	tv_agg_groups(fwd, &n);
	assert_int_equal(n, 6); /* 5 kept, and other */
	a = state_text(fwd);
	b = state_text(rev);
	assert_string_equal(a, b);
	assert_true(metric(fwd, tv_agg_total(fwd), "sessions") == 400);
	free(a);
	free(b);
	tv_agg_destroy(fwd);
	tv_agg_destroy(rev);
}

static void merge_k(size_t k, size_t exact, bool through_state)
{
	static const char *const by[] = { "model" };
	struct tv_agg *one = make(by, 1, 2, exact), *merged = NULL;
	struct tv_agg **shard = calloc(k, sizeof(*shard));
	char *want, *got;

	assert_non_null(shard);
	for (size_t j = 0; j < k; j++) {
		shard[j] = make(by, 1, 2, exact);
	}
	for (unsigned i = 0; i < 600; i++) {
		add_session(one, i, 1);
		add_session(shard[mix(i) % k], i, 1);
	}
	for (size_t j = 0; j < k; j++) {
		struct tv_agg *s = shard[j];

		if (through_state) {
			char *text = state_text(s);

			s = state_read(text);
			free(text);
			tv_agg_destroy(shard[j]);
		}
		if (merged == NULL) {
			merged = s;
		} else {
			assert_int_equal(tv_agg_merge(merged, s), 0);
			tv_agg_destroy(s);
		}
	}
	want = state_text(one);
	got = state_text(merged);
	assert_string_equal(want, got);
	free(want);
	free(got);
	tv_agg_destroy(one);
	tv_agg_destroy(merged);
	free(shard);
}

static void test_merge_k_shards(void **state)
{
	static const size_t ks[] = { 1, 2, 7 };

	(void)state;
	for (size_t i = 0; i < N(ks); i++) {
		merge_k(ks[i], 4096, false); /* exact everywhere */
		merge_k(ks[i], 300, false);  /* shards exact, the merge not */
		merge_k(ks[i], 0, true);     /* sketches, through the partial state */
		merge_k(ks[i], 300, true);
	}
}

static void test_merge_other_options(void **state)
{
	static const char *const by[] = { "model" }, *const by2[] = { "skill" };
	struct tv_agg *a = make(by, 1, 0, 10), *b = make(by2, 1, 0, 10), *c = make(by, 1, 0, 11);

	(void)state;
	assert_int_equal(tv_agg_merge(a, b), -TV_EUSAGE);
	assert_int_equal(tv_agg_merge(a, c), -TV_EUSAGE);
	tv_agg_destroy(a);
	tv_agg_destroy(b);
	tv_agg_destroy(c);
}

/* a session of weight 4 is an estimate of 4 sessions; the exact counts stay */
static void test_weights(void **state)
{
	struct tv_agg *w = make(NULL, 0, 0, 4096), *u = make(NULL, 0, 0, 4096);
	static const char *const names[] = {
		"sessions",	"llm_calls",	       "error_rate",
		"input_tokens", "p95(llm.latency_ms)", "mean(turn.duration_ms)"
	};

	(void)state;
	for (unsigned i = 0; i < 50; i++) {
		add_session(w, i, i % 2 ? 4 : 1);
		for (int k = 0; k < (i % 2 ? 4 : 1); k++) {
			add_session(u, i, 1);
		}
	}
	assert_true(tv_agg_weighted(w));
	assert_false(tv_agg_weighted(u));
	for (size_t i = 0; i < N(names); i++) {
		double x = metric(w, tv_agg_total(w), names[i]);
		double y = metric(u, tv_agg_total(u), names[i]);

		if (fabs(x - y) > 1e-9 * fabs(y)) {
			fail_msg("%s: weighted %g, copies %g", names[i], x, y);
		}
	}
	assert_int_equal(tv_agg_total(w)->count[TV_AGG_SESSIONS].n, 50);
	tv_agg_destroy(w);
	tv_agg_destroy(u);
}

static void test_tallies(void **state)
{
	struct tv_agg *a = make(NULL, 0, 0, 100);
	const struct tv_agg_name *other;
	const struct tv_agg_name *const *v;
	size_t n;

	(void)state;
	for (unsigned i = 0; i < 100; i++) {
		add_session(a, i, 1);
	}
	v = tv_agg_tally(a, TV_AGG_TALLY_ERRORS, &n, &other);
	assert_true(n >= 1);
	/* digit runs of four and more are ids: the messages count as one */
	assert_string_equal(v[0]->name.s, "llm: Resource exhausted after 30s (request #)");
	v = tv_agg_tally(a, TV_AGG_TALLY_TOOLS, &n, &other);
	assert_int_equal(n, 4);
	assert_null(other);
	for (size_t i = 1; i < n; i++) {
		assert_true(v[i - 1]->n.n >= v[i]->n.n);
	}
	tv_agg_destroy(a);
}

static void test_state_broken(void **state)
{
	struct tv_agg *a = make(NULL, 0, 0, 100), *b = NULL;
	char *text, *cut;
	struct tv_strbuf tool, line;
	struct tv_jv root;
	const char *why = NULL;

	(void)state;
	add_session(a, 1, 1);
	text = state_text(a);
	tv_strbuf_init(&tool);
	tv_strbuf_init(&line);
	cut = strchr(text, '\n');
	tv_strbuf_append(&line, text, (size_t)(cut - text));
	assert_int_equal(tv_json_parse(jp, line.p, line.len, &root, NULL), 0);
	assert_int_equal(tv_agg_state_begin(&root, &b, &tool, &why), 0);
	/* only the header: the lines it announced are missing */
	assert_int_equal(tv_agg_state_end(b, &why), -TV_EPARSE);
	tv_strbuf_reset(&line);
	tv_strbuf_puts(&line, "{\"televal_partial\":2}");
	assert_int_equal(tv_json_parse(jp, line.p, line.len, &root, NULL), 0);
	tv_agg_destroy(b);
	b = NULL;
	assert_int_equal(tv_agg_state_begin(&root, &b, &tool, &why), -TV_EPARSE);
	assert_null(b);
	/* a header may claim any option: past the command line's limits it is refused, not allocated */
	for (int i = 0; i < 4; i++) {
		static const long long claim[4][3] = { { 200, 10, 100 },
						       { 1000000000000LL, 10, 100 },
						       { 200, 10000000000LL, 100 },
						       { 200, 10, 1000000000000000LL } };

		tv_strbuf_reset(&line);
		tv_strbuf_printf(&line,
				 "{\"televal_partial\":1,\"by\":[],\"max_groups\":%lld,"
				 "\"top\":%lld,\"exact_max\":%lld,\"alpha\":0.01,\"prices\":null,"
				 "\"weighted\":false,\"level\":0,\"lines\":8,\"tool\":{}}",
				 claim[i][0], claim[i][1], claim[i][2]);
		assert_int_equal(tv_json_parse(jp, line.p, line.len, &root, NULL), 0);
		assert_int_equal(tv_agg_state_begin(&root, &b, &tool, &why),
				 i == 0 ? 0 : -TV_EPARSE);
		tv_agg_destroy(b);
		b = NULL;
	}
	free(text);
	tv_strbuf_finish(&tool);
	tv_strbuf_finish(&line);
	tv_agg_destroy(a);
}

/* ---- prices ---- */

static char *write_temp(const char *text)
{
	char *path = strdup("/tmp/test_agg_prices.XXXXXX");
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void test_prices(void **state)
{
	static const char ok[] = "date: 2025-07-01\nsource: test\nmodels:\n"
				 "  m: {input: 1, output: 10, cached_input: 0.1}\n"
				 "  \"m-*\": {input: 2, output: 20}\n"
				 "  \"m-long*\": {input: 3, output: 30}\n";
	char *path = write_temp(ok);
	struct tv_prices *p = NULL;
	struct tv_error err;
	const struct tv_price *x;

	(void)state;
	assert_int_equal(tv_prices_load(path, &p, &err), 0);
	assert_non_null(x = tv_prices_find(p, "m", 1));
	assert_true(x->input == 1);
	assert_true(tv_prices_find(p, "m-1", 3)->input == 2);
	assert_true(tv_prices_find(p, "m-longer", 8)->input == 3);
	assert_null(tv_prices_find(p, "n", 1));
	/* 1000 in of which 200 cached, 100 out, 50 thinking: (800 + 20 + 1500) / 1e6 $ */
	assert_int_equal(tv_price_nano(x, 1000, 200, 100, 50), 2320000);
	assert_int_equal(tv_price_nano(tv_prices_find(p, "m-1", 3), 1000, 200, 100, 50), 5000000);
	tv_prices_destroy(p);
	unlink(path);
	free(path);
}

static void test_prices_bad(void **state)
{
	static const struct {
		const char *text;
		uint64_t line;
	} bad[] = {
		{ "date: 2025-07-01\nsource: s\nmodels:\n  m: {input: 1}\n", 4 },
		{ "date: 2025-13-01\nsource: s\nmodels:\n  m: {input: 1, output: 2}\n", 1 },
		{ "date: 2025-07-01\nmodels:\n  m: {input: 1, output: 2}\n", 1 },
		{ "date: 2025-07-01\nsource: s\nmodels:\n  m: {input: -1, output: 2}\n", 4 },
		{ "date: 2025-07-01\nsource: s\ncurrency: EUR\nmodels: {}\n", 3 },
		{ "date: 2025-07-01\nsource: s\nmodels:\n  m: {input: 1, output: 2, x: 3}\n", 4 },
		{ "date: 2025-07-01\nsource: [\n", 3 },
	};

	(void)state;
	for (size_t i = 0; i < N(bad); i++) {
		char *path = write_temp(bad[i].text);
		struct tv_prices *p = NULL;
		struct tv_error err;

		tv_error_clear(&err);
		assert_int_equal(tv_prices_load(path, &p, &err), -TV_EPARSE);
		if (err.line != bad[i].line) {
			fail_msg("case %zu: line %llu, expected %llu: %s", i,
				 (unsigned long long)err.line, (unsigned long long)bad[i].line,
				 err.msg);
		}
		unlink(path);
		free(path);
	}
}

/*
 * token counts past any real bill (a hostile file) and the sums a partial
 * state claims hold at the largest value: no signed overflow (UBSan is
 * fatal in this build), no sum that turns negative
 */
static void test_huge_sums(void **state)
{
	static const char huge[] =
		"{\"televal\":1,\"id\":\"h\",\"usage\":{\"input_tokens\":9000000000000000000},"
		"\"turns\":[{\"llm_calls\":[{\"model\":\"m\",\"duration_ms\":9000000000000,"
		"\"input_tokens\":9000000000000000000}],\"tool_calls\":[{\"name\":\"t\","
		"\"duration_ms\":9000000000000}]}]}";
	static const char table[] = "date: 2025-07-01\nsource: test\nmodels:\n"
				    "  m: {input: 100000, output: 100000}\n";
	struct tv_agg *a = make(NULL, 0, 0, 4), *b;
	struct tv_prices *p = NULL;
	struct tv_error err;
	char *path = write_temp(table), *text;

	(void)state;
	for (int i = 0; i < 3; i++) {
		add_json(a, huge);
	}
	assert_true(tv_agg_total(a)->sum[TV_AGG_INPUT_TOKENS].v == INT64_MAX);
	text = state_text(a);
	b = state_read(text);
	assert_int_equal(tv_agg_merge(a, b), 0);
	assert_int_equal(tv_agg_merge(a, b), 0);
	assert_true(tv_agg_total(a)->sum[TV_AGG_INPUT_TOKENS].v == INT64_MAX);
	assert_true(metric(a, tv_agg_total(a), "mean(tool.duration_ms)") > 0);
	assert_int_equal(tv_prices_load(path, &p, &err), 0);
	assert_true(tv_price_nano(tv_prices_find(p, "m", 1), INT64_MAX, 0, INT64_MAX, 0) ==
		    INT64_MAX);
	tv_prices_destroy(p);
	unlink(path);
	free(path);
	free(text);
	tv_agg_destroy(b);
	tv_agg_destroy(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_levels_model),   cmocka_unit_test(test_many_calls_requests),
		cmocka_unit_test(test_levels_tool),    cmocka_unit_test(test_bad_key),
		cmocka_unit_test(test_times),	       cmocka_unit_test(test_other_any_order),
		cmocka_unit_test(test_merge_k_shards), cmocka_unit_test(test_merge_other_options),
		cmocka_unit_test(test_weights),	       cmocka_unit_test(test_tallies),
		cmocka_unit_test(test_state_broken),   cmocka_unit_test(test_prices),
		cmocka_unit_test(test_prices_bad),     cmocka_unit_test(test_huge_sums),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
