// SPDX-License-Identifier: MIT
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "libcommon/core/tv_int.h"
#include "libcommon/json/tv_jw.h"
#include "libcommon/model/tv_session.h"

/* ---- allocation ---- */

static int grow(void **v, size_t *cap, size_t n, size_t size)
{
	size_t c;
	void *p;

	if (n < *cap) {
		return 0;
	}
	c = *cap ? *cap * 2 : 4;
	p = realloc(*v, c * size);
	if (p == NULL) {
		return -ENOMEM;
	}
	*v = p;
	*cap = c;
	return 0;
}

int tv_set_str(char **dst, const char *s, size_t n)
{
	char *p = tv_strndup(s, n);

	if (p == NULL) {
		return -ENOMEM;
	}
	free(*dst);
	*dst = p;
	return 0;
}

int tv_kvlist_set(struct tv_kvlist *l, const char *key, size_t klen, const char *json, size_t jlen)
{
	char *j;

	for (size_t i = 0; i < l->n; i++) {
		if (strlen(l->v[i].key) == klen && memcmp(l->v[i].key, key, klen) == 0) {
			return tv_set_str(&l->v[i].json, json, jlen);
		}
	}
	if (grow((void **)&l->v, &l->cap, l->n, sizeof(*l->v)) < 0) {
		return -ENOMEM;
	}
	j = tv_strndup(json, jlen);
	l->v[l->n].key = tv_strndup(key, klen);
	if (j == NULL || l->v[l->n].key == NULL) {
		free(j);
		free(l->v[l->n].key);
		return -ENOMEM;
	}
	l->v[l->n].json = j;
	l->n++;
	return 0;
}

int tv_kvlist_set_str(struct tv_kvlist *l, const char *key, const char *s, size_t n)
{
	struct tv_strbuf b;
	int r;

	tv_strbuf_init(&b);
	r = tv_strbuf_putc(&b, '"');
	if (r == 0) {
		r = tv_json_escape(&b, s, n);
	}
	if (r == 0) {
		r = tv_strbuf_putc(&b, '"');
	}
	if (r == 0) {
		r = tv_kvlist_set(l, key, strlen(key), b.p, b.len);
	}
	tv_strbuf_finish(&b);
	return r < 0 ? -ENOMEM : 0;
}

int tv_kvlist_set_int(struct tv_kvlist *l, const char *key, int64_t v)
{
	char num[32];
	int k = snprintf(num, sizeof(num), "%lld", (long long)v);

	return tv_kvlist_set(l, key, strlen(key), num, (size_t)k);
}

const char *tv_kvlist_find(const struct tv_kvlist *l, const char *key)
{
	for (size_t i = 0; i < l->n; i++) {
		if (strcmp(l->v[i].key, key) == 0) {
			return l->v[i].json;
		}
	}
	return NULL;
}

void tv_kvlist_finish(struct tv_kvlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].key);
		free(l->v[i].json);
	}
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

static void llm_init(struct tv_llm_call *c)
{
	memset(c, 0, sizeof(*c));
	c->time = c->duration = c->status_code = TV_NONE;
	c->input_tokens = c->output_tokens = c->cached_tokens = TV_NONE;
	c->thinking_tokens = c->total_tokens = TV_NONE;
	c->cache_hit = -1;
}

static void llm_finish(struct tv_llm_call *c)
{
	free(c->model);
	free(c->finish_reason);
	free(c->error);
	free(c->request_text);
	free(c->response_text);
	tv_kvlist_finish(&c->extra);
}

static void tool_init(struct tv_tool_call *t)
{
	memset(t, 0, sizeof(*t));
	t->time = t->duration = TV_NONE;
	t->success = -1;
}

static void tool_finish(struct tv_tool_call *t)
{
	free(t->name);
	free(t->args_json);
	free(t->decision);
	free(t->error);
	free(t->type);
	tv_kvlist_finish(&t->extra);
}

static void agent_init(struct tv_agent *a)
{
	memset(a, 0, sizeof(*a));
	a->start_time = a->end_time = a->duration = TV_NONE;
	a->success = -1;
}

static void agent_finish(struct tv_agent *a)
{
	free(a->id);
	free(a->name);
	free(a->parent_id);
	free(a->instruction);
	free(a->output);
	tv_kvlist_finish(&a->extra);
}

static void turn_init(struct tv_turn *t)
{
	memset(t, 0, sizeof(*t));
	t->start_time = t->end_time = t->duration = t->output_at = TV_NONE;
	t->success = -1;
}

static void turn_finish(struct tv_turn *t)
{
	free(t->id);
	free(t->prompt);
	free(t->output);
	for (size_t i = 0; i < t->n_llm; i++) {
		llm_finish(&t->llm[i]);
	}
	free(t->llm);
	for (size_t i = 0; i < t->n_tools; i++) {
		tool_finish(&t->tools[i]);
	}
	free(t->tools);
	for (size_t i = 0; i < t->n_agents; i++) {
		agent_finish(&t->agents[i]);
	}
	free(t->agents);
	tv_kvlist_finish(&t->extra);
}

struct tv_session *tv_session_create(void)
{
	struct tv_session *s = calloc(1, sizeof(*s));

	if (s == NULL) {
		return NULL;
	}
	s->start_time = s->end_time = s->duration = TV_NONE;
	s->success = -1;
	s->usage.input_tokens = s->usage.output_tokens = s->usage.cached_tokens = TV_NONE;
	s->usage.thinking_tokens = s->usage.total_tokens = TV_NONE;
	s->usage.cost_usd = NAN;
	return s;
}

void tv_session_destroy(struct tv_session *s)
{
	if (s == NULL) {
		return;
	}
	free(s->id);
	free(s->source_format);
	free(s->source_service);
	free(s->source_file);
	free(s->skill);
	free(s->user);
	for (size_t i = 0; i < s->n_models; i++) {
		free(s->models[i]);
	}
	free(s->models);
	free(s->error_type);
	free(s->error_message);
	tv_kvlist_finish(&s->metadata);
	for (size_t i = 0; i < s->n_turns; i++) {
		turn_finish(&s->turns[i]);
	}
	free(s->turns);
	for (size_t i = 0; i < s->n_events; i++) {
		free(s->events[i]);
	}
	free(s->events);
	tv_kvlist_finish(&s->extra);
	free(s);
}

struct tv_turn *tv_session_add_turn(struct tv_session *s)
{
	if (grow((void **)&s->turns, &s->cap_turns, s->n_turns, sizeof(*s->turns)) < 0) {
		return NULL;
	}
	turn_init(&s->turns[s->n_turns]);
	return &s->turns[s->n_turns++];
}

struct tv_llm_call *tv_turn_add_llm(struct tv_turn *t)
{
	if (grow((void **)&t->llm, &t->cap_llm, t->n_llm, sizeof(*t->llm)) < 0) {
		return NULL;
	}
	llm_init(&t->llm[t->n_llm]);
	return &t->llm[t->n_llm++];
}

struct tv_tool_call *tv_turn_add_tool(struct tv_turn *t)
{
	if (grow((void **)&t->tools, &t->cap_tools, t->n_tools, sizeof(*t->tools)) < 0) {
		return NULL;
	}
	tool_init(&t->tools[t->n_tools]);
	return &t->tools[t->n_tools++];
}

static void fill_int(int64_t *dst, int64_t v)
{
	if (*dst == TV_NONE) {
		*dst = v;
	}
}

static void fill_str(char **dst, char **src)
{
	if (*dst == NULL) {
		*dst = *src;
		*src = NULL;
	}
}

void tv_turn_merge_llm(struct tv_turn *t, size_t into, size_t from)
{
	struct tv_llm_call *c = &t->llm[into], *o = &t->llm[from];

	fill_int(&c->time, o->time);
	fill_int(&c->duration, o->duration);
	fill_int(&c->status_code, o->status_code);
	fill_int(&c->input_tokens, o->input_tokens);
	fill_int(&c->output_tokens, o->output_tokens);
	fill_int(&c->cached_tokens, o->cached_tokens);
	fill_int(&c->thinking_tokens, o->thinking_tokens);
	fill_int(&c->total_tokens, o->total_tokens);
	if (c->status == TV_STATUS_NONE || (c->status == TV_STATUS_OK && o->status > c->status)) {
		c->status = o->status;
	}
	if (c->cache_hit < 0) {
		c->cache_hit = o->cache_hit;
	}
	fill_str(&c->model, &o->model);
	fill_str(&c->finish_reason, &o->finish_reason);
	fill_str(&c->error, &o->error);
	fill_str(&c->request_text, &o->request_text);
	fill_str(&c->response_text, &o->response_text);
	c->seen |= o->seen;
	llm_finish(o);
	memmove(o, o + 1, (t->n_llm - from - 1) * sizeof(*o));
	t->n_llm--;
}

struct tv_agent *tv_turn_add_agent(struct tv_turn *t)
{
	if (grow((void **)&t->agents, &t->cap_agents, t->n_agents, sizeof(*t->agents)) < 0) {
		return NULL;
	}
	agent_init(&t->agents[t->n_agents]);
	return &t->agents[t->n_agents++];
}

int tv_session_add_model(struct tv_session *s, const char *model, size_t n)
{
	char *m;

	for (size_t i = 0; i < s->n_models; i++) {
		if (strlen(s->models[i]) == n && memcmp(s->models[i], model, n) == 0) {
			return 0;
		}
	}
	if (grow((void **)&s->models, &s->cap_models, s->n_models, sizeof(*s->models)) < 0) {
		return -ENOMEM;
	}
	m = tv_strndup(model, n);
	if (m == NULL) {
		return -ENOMEM;
	}
	s->models[s->n_models++] = m;
	return 0;
}

int tv_session_add_event(struct tv_session *s, const char *json, size_t n)
{
	char *e;

	if (grow((void **)&s->events, &s->cap_events, s->n_events, sizeof(*s->events)) < 0) {
		return -ENOMEM;
	}
	e = tv_strndup(json, n);
	if (e == NULL) {
		return -ENOMEM;
	}
	s->events[s->n_events++] = e;
	return 0;
}

/* ---- finalize ---- */

static void minmax(int64_t *lo, int64_t *hi, int64_t start, int64_t dur)
{
	if (start == TV_NONE) {
		return;
	}
	if (*lo == TV_NONE || start < *lo) {
		*lo = start;
	}
	if (dur != TV_NONE && dur > 0 && tv_time_add(start, dur) != TV_NONE) {
		start += dur;
	}
	if (*hi == TV_NONE || start > *hi) {
		*hi = start;
	}
}

/*
 * A stable insertion sort by time, untimed items last: the lists are short
 * and records mostly arrive in order.  @tmp holds one item.
 */
static void sort_by_time(void *base, size_t n, size_t size, int64_t (*time_of)(const void *),
			 void *tmp)
{
	char *v = base;

	for (size_t i = 1; i < n; i++) {
		int64_t t = time_of(v + i * size);
		size_t j = i;

		while (j > 0 && time_of(v + (j - 1) * size) > t) {
			j--;
		}
		if (j == i) {
			continue;
		}
		memcpy(tmp, v + i * size, size);
		memmove(v + (j + 1) * size, v + j * size, (i - j) * size);
		memcpy(v + j * size, tmp, size);
	}
}

static int64_t llm_time(const void *p)
{
	int64_t t = ((const struct tv_llm_call *)p)->time;

	return t == TV_NONE ? INT64_MAX : t;
}

static int64_t tool_time(const void *p)
{
	int64_t t = ((const struct tv_tool_call *)p)->time;

	return t == TV_NONE ? INT64_MAX : t;
}

static int64_t turn_time(const void *p)
{
	int64_t t = ((const struct tv_turn *)p)->start_time;

	return t == TV_NONE ? INT64_MAX : t;
}

static void sort_llm(struct tv_llm_call *v, size_t n)
{
	struct tv_llm_call tmp;

	sort_by_time(v, n, sizeof(*v), llm_time, &tmp);
}

static void sort_tools(struct tv_tool_call *v, size_t n)
{
	struct tv_tool_call tmp;

	sort_by_time(v, n, sizeof(*v), tool_time, &tmp);
}

static int64_t agent_time(const void *p)
{
	int64_t t = ((const struct tv_agent *)p)->start_time;

	return t == TV_NONE ? INT64_MAX : t;
}

static void sort_agents(struct tv_agent *v, size_t n)
{
	struct tv_agent tmp;

	sort_by_time(v, n, sizeof(*v), agent_time, &tmp);
}

static void sort_turns(struct tv_turn *v, size_t n)
{
	struct tv_turn tmp;

	sort_by_time(v, n, sizeof(*v), turn_time, &tmp);
}

/* ---- request and response halves of llm calls ---- */

#define PAIR_TOLERANCE (1000 * TV_NS_PER_MS)

static bool same_model(const struct tv_llm_call *a, const struct tv_llm_call *b)
{
	return a->model == NULL || b->model == NULL || strcmp(a->model, b->model) == 0;
}

static void move_str(char **dst, char **src)
{
	if (*src == NULL) {
		return;
	}
	free(*dst);
	*dst = *src;
	*src = NULL;
}

/* complete the request half @req with the response half @resp (left empty) */
static void merge_response(struct tv_llm_call *req, struct tv_llm_call *resp)
{
	req->duration = resp->duration;
	req->status = resp->status;
	req->status_code = resp->status_code;
	req->input_tokens = resp->input_tokens;
	req->output_tokens = resp->output_tokens;
	req->cached_tokens = resp->cached_tokens;
	req->thinking_tokens = resp->thinking_tokens;
	req->total_tokens = resp->total_tokens;
	if (resp->cache_hit >= 0) {
		req->cache_hit = resp->cache_hit;
	}
	if (req->model == NULL) {
		move_str(&req->model, &resp->model);
	}
	move_str(&req->finish_reason, &resp->finish_reason);
	move_str(&req->error, &resp->error);
	move_str(&req->response_text, &resp->response_text);
	if (req->time == TV_NONE) {
		req->time = resp->time;
	}
	req->seen |= TV_LLM_SEEN_RESPONSE;
}

/* the unpaired response half for @req: same model, start closest to the request */
static ssize_t response_for(const struct tv_turn *t, const struct tv_llm_call *req,
			    const bool *used)
{
	uint64_t best_d = UINT64_MAX, d;
	ssize_t best = -1;

	for (size_t j = 0; j < t->n_llm; j++) {
		const struct tv_llm_call *c = &t->llm[j];

		if (used[j] || c->seen != TV_LLM_SEEN_RESPONSE || !same_model(req, c)) {
			continue;
		}
		if (req->time == TV_NONE || c->time == TV_NONE) {
			return (ssize_t)j; /* no times: in arrival order */
		}
		/* in unsigned arithmetic: times far apart do not overflow */
		d = c->time > req->time ? (uint64_t)c->time - (uint64_t)req->time
					: (uint64_t)req->time - (uint64_t)c->time;
		if (d <= PAIR_TOLERANCE && d < best_d) {
			best = (ssize_t)j;
			best_d = d;
		}
	}
	return best;
}

/*
 * Readers that see a call as a request and a response (Gemini/Qwen events)
 * record each half as a call; pair them here, once every record is in, so
 * the result does not depend on the order the records arrived in.
 */
static int pair_halves(struct tv_turn *t)
{
	bool *used;
	size_t k = 0;

	used = calloc(t->n_llm ? t->n_llm : 1, sizeof(*used));
	if (used == NULL) {
		return -ENOMEM;
	}
	sort_llm(t->llm, t->n_llm); /* requests in time order */
	for (size_t i = 0; i < t->n_llm; i++) {
		ssize_t j;

		if (t->llm[i].seen != TV_LLM_SEEN_REQUEST) {
			continue;
		}
		j = response_for(t, &t->llm[i], used);
		if (j < 0) {
			continue;
		}
		merge_response(&t->llm[i], &t->llm[j]);
		used[j] = true;
	}
	for (size_t i = 0; i < t->n_llm; i++) {
		if (used[i]) {
			llm_finish(&t->llm[i]);
			continue;
		}
		t->llm[k++] = t->llm[i];
	}
	t->n_llm = k;
	free(used);
	return 0;
}

/* 0, or -ENOMEM when the halves of calls could not be paired */
static int turn_finalize(struct tv_turn *t)
{
	int64_t lo = TV_NONE, hi = TV_NONE;
	int r = pair_halves(t);

	sort_llm(t->llm, t->n_llm);
	sort_tools(t->tools, t->n_tools);
	sort_agents(t->agents, t->n_agents);
	minmax(&lo, &hi, t->start_time, TV_NONE);
	minmax(&lo, &hi, t->end_time, TV_NONE);
	for (size_t i = 0; i < t->n_agents; i++) {
		struct tv_agent *a = &t->agents[i];

		if (a->duration == TV_NONE) {
			a->duration = tv_time_diff(a->end_time, a->start_time);
		}
		minmax(&lo, &hi, a->start_time, TV_NONE);
		minmax(&lo, &hi, a->end_time, TV_NONE);
	}
	for (size_t i = 0; i < t->n_llm; i++) {
		minmax(&lo, &hi, t->llm[i].time, t->llm[i].duration);
	}
	for (size_t i = 0; i < t->n_tools; i++) {
		minmax(&lo, &hi, t->tools[i].time, t->tools[i].duration);
	}
	if (t->start_time == TV_NONE) {
		t->start_time = lo;
	}
	if (t->end_time == TV_NONE) {
		t->end_time = hi;
	}
	if (t->duration == TV_NONE) {
		t->duration = tv_time_diff(t->end_time, t->start_time);
	}
	if (t->success >= 0) {
		return r;
	}
	for (size_t i = t->n_llm; i-- > 0;) {
		if (t->llm[i].status == TV_STATUS_NONE) {
			continue;
		}
		t->success = t->llm[i].status == TV_STATUS_OK;
		break;
	}
	return r;
}

static void add_opt(int64_t *sum, int64_t v)
{
	if (v == TV_NONE) {
		return;
	}
	*sum = *sum == TV_NONE ? v : tv_add_sat(*sum, v);
}

static void usage_finalize(struct tv_session *s)
{
	struct tv_usage u = s->usage;
	bool any = u.input_tokens != TV_NONE || u.output_tokens != TV_NONE ||
		   u.total_tokens != TV_NONE;

	if (any) {
		return; /* the reader set usage itself */
	}
	for (size_t i = 0; i < s->n_turns; i++) {
		for (size_t j = 0; j < s->turns[i].n_llm; j++) {
			const struct tv_llm_call *c = &s->turns[i].llm[j];
			int64_t total = c->total_tokens;

			add_opt(&u.input_tokens, c->input_tokens);
			add_opt(&u.output_tokens, c->output_tokens);
			add_opt(&u.cached_tokens, c->cached_tokens);
			add_opt(&u.thinking_tokens, c->thinking_tokens);
			if (total == TV_NONE &&
			    (c->input_tokens != TV_NONE || c->output_tokens != TV_NONE)) {
				total = 0;
				add_opt(&total, c->input_tokens);
				add_opt(&total, c->output_tokens);
				if (!(c->seen & TV_LLM_THINKING_IN_OUTPUT)) {
					add_opt(&total, c->thinking_tokens);
				}
			}
			add_opt(&u.total_tokens, total);
		}
	}
	s->usage = u;
}

/* 0, or -ENOMEM when the error could not be copied */
static int error_finalize(struct tv_session *s)
{
	if (s->has_error || s->success != 0) {
		return 0;
	}
	for (size_t i = 0; i < s->n_turns; i++) {
		const struct tv_turn *t = &s->turns[i];

		if (t->success != 0) {
			continue;
		}
		for (size_t j = t->n_llm; j-- > 0;) {
			const struct tv_llm_call *c = &t->llm[j];

			if (c->status != TV_STATUS_ERROR && c->status != TV_STATUS_TIMEOUT) {
				continue;
			}
			s->error_type =
				tv_strndup(c->status == TV_STATUS_TIMEOUT ? "timeout" : "llm_error",
					   c->status == TV_STATUS_TIMEOUT ? 7 : 9);
			if (c->error) {
				s->error_message = tv_strndup(c->error, strlen(c->error));
			}
			s->has_error = true;
			return s->error_type == NULL || (c->error && s->error_message == NULL)
				       ? -ENOMEM
				       : 0;
		}
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int tv_session_finalize(struct tv_session *s)
{
	int64_t lo = TV_NONE, hi = TV_NONE;
	int any_ok = 0, any_fail = 0, r = 0;

	for (size_t i = 0; i < s->n_turns; i++) {
		struct tv_turn *t = &s->turns[i];

		if (turn_finalize(t) < 0) {
			r = -ENOMEM;
		}
		minmax(&lo, &hi, t->start_time, TV_NONE);
		minmax(&lo, &hi, t->end_time, TV_NONE);
		any_ok |= t->success == 1;
		any_fail |= t->success == 0;
		for (size_t j = 0; j < t->n_llm; j++) {
			if (t->llm[j].model &&
			    tv_session_add_model(s, t->llm[j].model, strlen(t->llm[j].model)) < 0) {
				r = -ENOMEM;
			}
		}
	}
	sort_turns(s->turns, s->n_turns);
	if (lo != TV_NONE && (s->start_time == TV_NONE || lo < s->start_time)) {
		s->start_time = lo;
	}
	if (hi != TV_NONE && (s->end_time == TV_NONE || hi > s->end_time)) {
		s->end_time = hi;
	}
	if (s->duration == TV_NONE) {
		s->duration = tv_time_diff(s->end_time, s->start_time);
	}
	if (s->success < 0 && (any_ok || any_fail)) {
		s->success = !any_fail;
	}
	if (error_finalize(s) < 0) {
		r = -ENOMEM;
	}
	usage_finalize(s);
	if (s->n_models > 1) {
		qsort(s->models, s->n_models, sizeof(*s->models), cmp_str);
	}
	return r;
}

/* ---- writer ---- */

static void write_kvlist_members(struct tv_jw *w, const struct tv_kvlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		tv_jw_key(w, l->v[i].key);
		tv_jw_raw(w, l->v[i].json, strlen(l->v[i].json));
	}
}

static void write_llm(struct tv_jw *w, const struct tv_llm_call *c)
{
	static const char *const status[] = { NULL, "ok", "error", "timeout" };

	tv_jw_obj_begin(w);
	TV_JW_KEY(w, "time");
	tv_jw_time(w, c->time);
	TV_JW_KEY(w, "model");
	tv_jw_cstr(w, c->model);
	TV_JW_KEY(w, "duration_ms");
	tv_jw_ms(w, c->duration);
	TV_JW_KEY(w, "status");
	tv_jw_cstr(w, status[c->status]);
	TV_JW_KEY(w, "status_code");
	tv_jw_opt_int(w, c->status_code);
	TV_JW_KEY(w, "input_tokens");
	tv_jw_opt_int(w, c->input_tokens);
	TV_JW_KEY(w, "output_tokens");
	tv_jw_opt_int(w, c->output_tokens);
	TV_JW_KEY(w, "cached_tokens");
	tv_jw_opt_int(w, c->cached_tokens);
	TV_JW_KEY(w, "thinking_tokens");
	tv_jw_opt_int(w, c->thinking_tokens);
	TV_JW_KEY(w, "total_tokens");
	tv_jw_opt_int(w, c->total_tokens);
	TV_JW_KEY(w, "cache_hit");
	tv_jw_tristate(w, c->cache_hit);
	TV_JW_KEY(w, "finish_reason");
	tv_jw_cstr(w, c->finish_reason);
	TV_JW_KEY(w, "error");
	tv_jw_cstr(w, c->error);
	if (c->request_text) {
		TV_JW_KEY(w, "request_text");
		tv_jw_cstr(w, c->request_text);
	}
	if (c->response_text) {
		TV_JW_KEY(w, "response_text");
		tv_jw_cstr(w, c->response_text);
	}
	write_kvlist_members(w, &c->extra);
	tv_jw_obj_end(w);
}

static void write_tool(struct tv_jw *w, const struct tv_tool_call *t)
{
	tv_jw_obj_begin(w);
	TV_JW_KEY(w, "time");
	tv_jw_time(w, t->time);
	TV_JW_KEY(w, "name");
	tv_jw_cstr(w, t->name);
	TV_JW_KEY(w, "args");
	if (t->args_json) {
		tv_jw_raw(w, t->args_json, strlen(t->args_json));
	} else {
		tv_jw_null(w);
	}
	TV_JW_KEY(w, "duration_ms");
	tv_jw_ms(w, t->duration);
	TV_JW_KEY(w, "success");
	tv_jw_tristate(w, t->success);
	TV_JW_KEY(w, "decision");
	tv_jw_cstr(w, t->decision);
	TV_JW_KEY(w, "error");
	tv_jw_cstr(w, t->error);
	TV_JW_KEY(w, "type");
	tv_jw_cstr(w, t->type);
	write_kvlist_members(w, &t->extra);
	tv_jw_obj_end(w);
}

static void write_agent(struct tv_jw *w, const struct tv_agent *a)
{
	tv_jw_obj_begin(w);
	TV_JW_KEY(w, "id");
	tv_jw_cstr(w, a->id);
	TV_JW_KEY(w, "name");
	tv_jw_cstr(w, a->name);
	TV_JW_KEY(w, "parent_id");
	tv_jw_cstr(w, a->parent_id);
	TV_JW_KEY(w, "instruction");
	tv_jw_cstr(w, a->instruction);
	TV_JW_KEY(w, "output");
	tv_jw_cstr(w, a->output);
	TV_JW_KEY(w, "start_time");
	tv_jw_time(w, a->start_time);
	TV_JW_KEY(w, "end_time");
	tv_jw_time(w, a->end_time);
	TV_JW_KEY(w, "duration_ms");
	tv_jw_ms(w, a->duration);
	TV_JW_KEY(w, "success");
	tv_jw_tristate(w, a->success);
	write_kvlist_members(w, &a->extra);
	tv_jw_obj_end(w);
}

static void write_turn(struct tv_jw *w, const struct tv_turn *t)
{
	tv_jw_obj_begin(w);
	TV_JW_KEY(w, "id");
	tv_jw_cstr(w, t->id);
	TV_JW_KEY(w, "prompt");
	tv_jw_cstr(w, t->prompt);
	TV_JW_KEY(w, "output");
	tv_jw_cstr(w, t->output);
	TV_JW_KEY(w, "start_time");
	tv_jw_time(w, t->start_time);
	TV_JW_KEY(w, "end_time");
	tv_jw_time(w, t->end_time);
	TV_JW_KEY(w, "duration_ms");
	tv_jw_ms(w, t->duration);
	TV_JW_KEY(w, "success");
	tv_jw_tristate(w, t->success);
	TV_JW_KEY(w, "llm_calls");
	tv_jw_arr_begin(w);
	for (size_t i = 0; i < t->n_llm; i++) {
		write_llm(w, &t->llm[i]);
	}
	tv_jw_arr_end(w);
	TV_JW_KEY(w, "tool_calls");
	tv_jw_arr_begin(w);
	for (size_t i = 0; i < t->n_tools; i++) {
		write_tool(w, &t->tools[i]);
	}
	tv_jw_arr_end(w);
	if (t->n_agents > 0) { /* a turn without sub-agents is written as before they were */
		TV_JW_KEY(w, "agents");
		tv_jw_arr_begin(w);
		for (size_t i = 0; i < t->n_agents; i++) {
			write_agent(w, &t->agents[i]);
		}
		tv_jw_arr_end(w);
	}
	write_kvlist_members(w, &t->extra);
	tv_jw_obj_end(w);
}

static void write_usage(struct tv_jw *w, const struct tv_usage *u)
{
	tv_jw_obj_begin(w);
	TV_JW_KEY(w, "input_tokens");
	tv_jw_opt_int(w, u->input_tokens);
	TV_JW_KEY(w, "output_tokens");
	tv_jw_opt_int(w, u->output_tokens);
	TV_JW_KEY(w, "cached_tokens");
	tv_jw_opt_int(w, u->cached_tokens);
	TV_JW_KEY(w, "thinking_tokens");
	tv_jw_opt_int(w, u->thinking_tokens);
	TV_JW_KEY(w, "total_tokens");
	tv_jw_opt_int(w, u->total_tokens);
	TV_JW_KEY(w, "cost_usd");
	tv_jw_double(w, u->cost_usd);
	tv_jw_obj_end(w);
}

static void write_head(struct tv_jw *w, const struct tv_session *s)
{
	TV_JW_KEY(w, "televal");
	tv_jw_int(w, TV_SCHEMA_VERSION);
	TV_JW_KEY(w, "id");
	tv_jw_cstr(w, s->id);
	TV_JW_KEY(w, "source");
	tv_jw_obj_begin(w);
	TV_JW_KEY(w, "format");
	tv_jw_cstr(w, s->source_format);
	TV_JW_KEY(w, "service");
	tv_jw_cstr(w, s->source_service);
	TV_JW_KEY(w, "file");
	tv_jw_cstr(w, s->source_file);
	tv_jw_obj_end(w);
	TV_JW_KEY(w, "start_time");
	tv_jw_time(w, s->start_time);
	TV_JW_KEY(w, "end_time");
	tv_jw_time(w, s->end_time);
	TV_JW_KEY(w, "duration_ms");
	tv_jw_ms(w, s->duration);
	TV_JW_KEY(w, "skill");
	tv_jw_cstr(w, s->skill);
	TV_JW_KEY(w, "user");
	tv_jw_cstr(w, s->user);
	TV_JW_KEY(w, "models");
	tv_jw_arr_begin(w);
	for (size_t i = 0; i < s->n_models; i++) {
		tv_jw_cstr(w, s->models[i]);
	}
	tv_jw_arr_end(w);
	TV_JW_KEY(w, "success");
	tv_jw_tristate(w, s->success);
	TV_JW_KEY(w, "error");
	if (s->has_error) {
		tv_jw_obj_begin(w);
		TV_JW_KEY(w, "type");
		tv_jw_cstr(w, s->error_type);
		TV_JW_KEY(w, "message");
		tv_jw_cstr(w, s->error_message);
		tv_jw_obj_end(w);
	} else {
		tv_jw_null(w);
	}
}

int tv_session_write(const struct tv_session *s, struct tv_strbuf *out)
{
	struct tv_jw w;

	tv_jw_init(&w, out);
	tv_jw_obj_begin(&w);
	write_head(&w, s);
	TV_JW_KEY(&w, "usage");
	write_usage(&w, &s->usage);
	TV_JW_KEY(&w, "metadata");
	tv_jw_obj_begin(&w);
	write_kvlist_members(&w, &s->metadata);
	tv_jw_obj_end(&w);
	TV_JW_KEY(&w, "turns");
	tv_jw_arr_begin(&w);
	for (size_t i = 0; i < s->n_turns; i++) {
		write_turn(&w, &s->turns[i]);
	}
	tv_jw_arr_end(&w);
	TV_JW_KEY(&w, "events");
	tv_jw_arr_begin(&w);
	for (size_t i = 0; i < s->n_events; i++) {
		tv_jw_raw(&w, s->events[i], strlen(s->events[i]));
	}
	tv_jw_arr_end(&w);
	write_kvlist_members(&w, &s->extra);
	tv_jw_obj_end(&w);
	if (tv_jw_error(&w) == 0) {
		tv_strbuf_putc(out, '\n');
	}
	return tv_jw_error(&w);
}
