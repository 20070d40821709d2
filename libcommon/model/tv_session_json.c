// SPDX-License-Identifier: MIT
// Reading canonical session JSON back into struct tv_session.
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "libcommon/model/tv_session.h"

struct rd {
	const char *why;
	struct tv_strbuf tmp;
	bool dry;      /* check types only: nothing is stored or allocated */
	uint32_t seen; /* the required members met, one bit each (enum member) */
};

static bool key_is(const char *k, size_t n, const char *lit)
{
	return strlen(lit) == n && memcmp(k, lit, n) == 0;
}

static int fail(struct rd *rd, const char *why)
{
	rd->why = why;
	return -TV_ETYPE;
}

static int get_str(struct rd *rd, const struct tv_jv *v, char **dst, const char *why)
{
	const char *s;
	size_t n;

	if (tv_jv_type(v) == TV_J_NULL) {
		free(*dst);
		*dst = NULL;
		return 0;
	}
	if (!tv_jv_str(v, &s, &n)) {
		return fail(rd, why);
	}
	return rd->dry ? 0 : tv_set_str(dst, s, n);
}

static int get_int(struct rd *rd, const struct tv_jv *v, int64_t *dst, const char *why)
{
	double d;

	if (tv_jv_type(v) == TV_J_NULL) {
		*dst = TV_NONE;
		return 0;
	}
	if (tv_jv_int(v, dst)) {
		return 0;
	}
	if (!tv_jv_num(v, &d) || d != floor(d) || fabs(d) > 9e18) {
		return fail(rd, why);
	}
	*dst = (int64_t)d;
	return 0;
}

static int get_time(struct rd *rd, const struct tv_jv *v, int64_t *dst, const char *why)
{
	const char *s;
	size_t n;
	int r;

	if (tv_jv_type(v) == TV_J_NULL) {
		*dst = TV_NONE;
		return 0;
	}
	if (!tv_jv_str(v, &s, &n)) {
		return fail(rd, why);
	}
	r = tv_time_parse(s, n, dst, NULL);
	if (r == -TV_ERANGE) {
		return fail(rd,
			    "a time is outside the range televal holds (" TV_TIME_RANGE_TEXT ")");
	}
	return r < 0 ? fail(rd, why) : 0;
}

/*
 * Milliseconds: every duration int64 nanoseconds hold reads back as
 * written, including the whole-millisecond rounding of the largest ones.
 */
static int get_ms(struct rd *rd, const struct tv_jv *v, int64_t *dst, const char *why)
{
	const int64_t ms_max = INT64_MAX / TV_NS_PER_MS;
	int64_t i;
	double d;

	if (tv_jv_type(v) == TV_J_NULL) {
		*dst = TV_NONE;
		return 0;
	}
	if (tv_jv_int(v, &i) && i >= -ms_max - 1 && i <= ms_max + 1) {
		*dst = i > ms_max ? INT64_MAX : i < -ms_max ? -INT64_MAX : i * TV_NS_PER_MS;
		return 0;
	}
	if (!tv_jv_num(v, &d) || tv_time_scale_double(d, 1e6, dst) < 0) {
		return fail(rd, why);
	}
	return 0;
}

static int get_tri(struct rd *rd, const struct tv_jv *v, int *dst, const char *why)
{
	bool b;

	if (tv_jv_type(v) == TV_J_NULL) {
		*dst = -1;
		return 0;
	}
	if (!tv_jv_bool(v, &b)) {
		return fail(rd, why);
	}
	*dst = b;
	return 0;
}

static int put_extra(struct rd *rd, struct tv_kvlist *l, const char *k, size_t kn,
		     const struct tv_jv *v)
{
	int r;

	if (memchr(k, '\0', kn) != NULL) { /* kept names are C strings */
		return fail(rd, "a member name holds a NUL character");
	}
	if (rd->dry) {
		return 0;
	}
	tv_strbuf_reset(&rd->tmp);
	r = tv_jv_minify(v, &rd->tmp);
	if (r < 0) {
		return r;
	}
	return tv_kvlist_set(l, k, kn, rd->tmp.p, rd->tmp.len);
}

static int get_kvlist(struct rd *rd, const struct tv_jv *v, struct tv_kvlist *l, const char *why)
{
	struct tv_jiter it;
	struct tv_jv val;
	const char *k;
	size_t kn;
	int r;

	if (tv_jv_type(v) == TV_J_NULL) {
		return 0;
	}
	if (tv_jv_type(v) != TV_J_OBJECT) {
		return fail(rd, why);
	}
	/* in a dry check too: put_extra refuses a name with a NUL, takes any value */
	tv_jv_iter_init(v, &it);
	while (tv_jv_iter_next(&it, &k, &kn, &val)) {
		r = put_extra(rd, l, k, kn, &val);
		if (r < 0) {
			return r;
		}
	}
	return 0;
}

static int get_status(struct rd *rd, const struct tv_jv *v, enum tv_status *dst)
{
	const char *s;
	size_t n;

	if (tv_jv_type(v) == TV_J_NULL) {
		*dst = TV_STATUS_NONE;
		return 0;
	}
	if (!tv_jv_str(v, &s, &n)) {
		return fail(rd, "llm_call.status is not a string");
	}
	if (key_is(s, n, "ok")) {
		*dst = TV_STATUS_OK;
	} else if (key_is(s, n, "error")) {
		*dst = TV_STATUS_ERROR;
	} else if (key_is(s, n, "timeout")) {
		*dst = TV_STATUS_TIMEOUT;
	} else {
		return fail(rd, "llm_call.status is not ok, error or timeout");
	}
	return 0;
}

static int read_llm(struct rd *rd, const struct tv_jv *o, struct tv_llm_call *c)
{
	struct tv_jiter it;
	struct tv_jv v;
	const char *k;
	size_t n;
	int r;

	if (tv_jv_type(o) != TV_J_OBJECT) {
		return fail(rd, "llm_calls[] element is not an object");
	}
	tv_jv_iter_init(o, &it);
	while (tv_jv_iter_next(&it, &k, &n, &v)) {
		if (key_is(k, n, "time")) {
			r = get_time(rd, &v, &c->time, "llm_call.time is not a timestamp");
		} else if (key_is(k, n, "model")) {
			r = get_str(rd, &v, &c->model, "llm_call.model is not a string");
		} else if (key_is(k, n, "duration_ms")) {
			r = get_ms(rd, &v, &c->duration, "llm_call.duration_ms is not a number");
		} else if (key_is(k, n, "status")) {
			r = get_status(rd, &v, &c->status);
		} else if (key_is(k, n, "status_code")) {
			r = get_int(rd, &v, &c->status_code,
				    "llm_call.status_code is not an integer");
		} else if (key_is(k, n, "input_tokens")) {
			r = get_int(rd, &v, &c->input_tokens, "input_tokens is not an integer");
		} else if (key_is(k, n, "output_tokens")) {
			r = get_int(rd, &v, &c->output_tokens, "output_tokens is not an integer");
		} else if (key_is(k, n, "cached_tokens")) {
			r = get_int(rd, &v, &c->cached_tokens, "cached_tokens is not an integer");
		} else if (key_is(k, n, "thinking_tokens")) {
			r = get_int(rd, &v, &c->thinking_tokens,
				    "thinking_tokens is not an integer");
		} else if (key_is(k, n, "total_tokens")) {
			r = get_int(rd, &v, &c->total_tokens, "total_tokens is not an integer");
		} else if (key_is(k, n, "cache_hit")) {
			r = get_tri(rd, &v, &c->cache_hit, "llm_call.cache_hit is not a boolean");
		} else if (key_is(k, n, "finish_reason")) {
			r = get_str(rd, &v, &c->finish_reason, "finish_reason is not a string");
		} else if (key_is(k, n, "error")) {
			r = get_str(rd, &v, &c->error, "llm_call.error is not a string");
		} else if (key_is(k, n, "request_text")) {
			r = get_str(rd, &v, &c->request_text, "request_text is not a string");
		} else if (key_is(k, n, "response_text")) {
			r = get_str(rd, &v, &c->response_text, "response_text is not a string");
		} else {
			r = put_extra(rd, &c->extra, k, n, &v);
		}
		if (r < 0) {
			return r;
		}
	}
	return 0;
}

static int read_tool(struct rd *rd, const struct tv_jv *o, struct tv_tool_call *t)
{
	struct tv_jiter it;
	struct tv_jv v;
	const char *k;
	size_t n;
	int r;

	if (tv_jv_type(o) != TV_J_OBJECT) {
		return fail(rd, "tool_calls[] element is not an object");
	}
	tv_jv_iter_init(o, &it);
	while (tv_jv_iter_next(&it, &k, &n, &v)) {
		if (key_is(k, n, "time")) {
			r = get_time(rd, &v, &t->time, "tool_call.time is not a timestamp");
		} else if (key_is(k, n, "name")) {
			r = get_str(rd, &v, &t->name, "tool_call.name is not a string");
		} else if (key_is(k, n, "args")) {
			free(t->args_json);
			t->args_json = NULL;
			r = 0;
			if (tv_jv_type(&v) != TV_J_NULL && !rd->dry) {
				tv_strbuf_reset(&rd->tmp);
				r = tv_jv_minify(&v, &rd->tmp);
				if (r == 0) {
					r = tv_set_str(&t->args_json, rd->tmp.p, rd->tmp.len);
				}
			}
		} else if (key_is(k, n, "duration_ms")) {
			r = get_ms(rd, &v, &t->duration, "tool_call.duration_ms is not a number");
		} else if (key_is(k, n, "success")) {
			r = get_tri(rd, &v, &t->success, "tool_call.success is not a boolean");
		} else if (key_is(k, n, "decision")) {
			r = get_str(rd, &v, &t->decision, "tool_call.decision is not a string");
		} else if (key_is(k, n, "error")) {
			r = get_str(rd, &v, &t->error, "tool_call.error is not a string");
		} else if (key_is(k, n, "type")) {
			r = get_str(rd, &v, &t->type, "tool_call.type is not a string");
		} else {
			r = put_extra(rd, &t->extra, k, n, &v);
		}
		if (r < 0) {
			return r;
		}
	}
	return 0;
}

static int read_calls(struct rd *rd, const struct tv_jv *a, struct tv_turn *t, bool llm)
{
	struct tv_jiter it;
	struct tv_jv v;
	const char *k;
	size_t n;
	int r;

	if (tv_jv_type(a) == TV_J_NULL) {
		return 0;
	}
	if (tv_jv_type(a) != TV_J_ARRAY) {
		return fail(rd, llm ? "llm_calls is not an array" : "tool_calls is not an array");
	}
	tv_jv_iter_init(a, &it);
	while (tv_jv_iter_next(&it, &k, &n, &v)) {
		if (llm) {
			struct tv_llm_call dummy = { 0 };
			struct tv_llm_call *c = rd->dry ? &dummy : tv_turn_add_llm(t);

			r = c ? read_llm(rd, &v, c) : -ENOMEM;
		} else {
			struct tv_tool_call dummy = { 0 };
			struct tv_tool_call *c = rd->dry ? &dummy : tv_turn_add_tool(t);

			r = c ? read_tool(rd, &v, c) : -ENOMEM;
		}
		if (r < 0) {
			return r;
		}
	}
	return 0;
}

static int read_agent(struct rd *rd, const struct tv_jv *o, struct tv_agent *a)
{
	struct tv_jiter it;
	struct tv_jv v;
	const char *k;
	size_t n;
	int r;

	if (tv_jv_type(o) != TV_J_OBJECT) {
		return fail(rd, "agents[] element is not an object");
	}
	tv_jv_iter_init(o, &it);
	while (tv_jv_iter_next(&it, &k, &n, &v)) {
		if (key_is(k, n, "id")) {
			r = get_str(rd, &v, &a->id, "agent.id is not a string");
		} else if (key_is(k, n, "name")) {
			r = get_str(rd, &v, &a->name, "agent.name is not a string");
		} else if (key_is(k, n, "parent_id")) {
			r = get_str(rd, &v, &a->parent_id, "agent.parent_id is not a string");
		} else if (key_is(k, n, "instruction")) {
			r = get_str(rd, &v, &a->instruction, "agent.instruction is not a string");
		} else if (key_is(k, n, "output")) {
			r = get_str(rd, &v, &a->output, "agent.output is not a string");
		} else if (key_is(k, n, "start_time")) {
			r = get_time(rd, &v, &a->start_time, "agent.start_time is not a timestamp");
		} else if (key_is(k, n, "end_time")) {
			r = get_time(rd, &v, &a->end_time, "agent.end_time is not a timestamp");
		} else if (key_is(k, n, "duration_ms")) {
			r = get_ms(rd, &v, &a->duration, "agent.duration_ms is not a number");
		} else if (key_is(k, n, "success")) {
			r = get_tri(rd, &v, &a->success, "agent.success is not a boolean");
		} else {
			r = put_extra(rd, &a->extra, k, n, &v);
		}
		if (r < 0) {
			return r;
		}
	}
	return 0;
}

static int read_agents(struct rd *rd, const struct tv_jv *a, struct tv_turn *t)
{
	struct tv_jiter it;
	struct tv_jv v;
	const char *k;
	size_t n;
	int r;

	if (tv_jv_type(a) == TV_J_NULL) {
		return 0;
	}
	if (tv_jv_type(a) != TV_J_ARRAY) {
		return fail(rd, "agents is not an array");
	}
	tv_jv_iter_init(a, &it);
	while (tv_jv_iter_next(&it, &k, &n, &v)) {
		struct tv_agent dummy = { 0 };
		struct tv_agent *ag = rd->dry ? &dummy : tv_turn_add_agent(t);

		r = ag ? read_agent(rd, &v, ag) : -ENOMEM;
		if (r < 0) {
			return r;
		}
	}
	return 0;
}

static int read_turn(struct rd *rd, const struct tv_jv *o, struct tv_turn *t)
{
	struct tv_jiter it;
	struct tv_jv v;
	const char *k;
	size_t n;
	int r;

	if (tv_jv_type(o) != TV_J_OBJECT) {
		return fail(rd, "turns[] element is not an object");
	}
	tv_jv_iter_init(o, &it);
	while (tv_jv_iter_next(&it, &k, &n, &v)) {
		if (key_is(k, n, "id")) {
			r = get_str(rd, &v, &t->id, "turn.id is not a string");
		} else if (key_is(k, n, "prompt")) {
			r = get_str(rd, &v, &t->prompt, "turn.prompt is not a string");
		} else if (key_is(k, n, "output")) {
			r = get_str(rd, &v, &t->output, "turn.output is not a string");
		} else if (key_is(k, n, "start_time")) {
			r = get_time(rd, &v, &t->start_time, "turn.start_time is not a timestamp");
		} else if (key_is(k, n, "end_time")) {
			r = get_time(rd, &v, &t->end_time, "turn.end_time is not a timestamp");
		} else if (key_is(k, n, "duration_ms")) {
			r = get_ms(rd, &v, &t->duration, "turn.duration_ms is not a number");
		} else if (key_is(k, n, "success")) {
			r = get_tri(rd, &v, &t->success, "turn.success is not a boolean");
		} else if (key_is(k, n, "llm_calls")) {
			r = read_calls(rd, &v, t, true);
		} else if (key_is(k, n, "tool_calls")) {
			r = read_calls(rd, &v, t, false);
		} else if (key_is(k, n, "agents")) {
			r = read_agents(rd, &v, t);
		} else {
			r = put_extra(rd, &t->extra, k, n, &v);
		}
		if (r < 0) {
			return r;
		}
	}
	return 0;
}

static int read_source(struct rd *rd, const struct tv_jv *o, struct tv_session *s)
{
	struct tv_jv v;
	int r = 0;

	if (tv_jv_type(o) == TV_J_NULL) {
		return 0;
	}
	if (tv_jv_type(o) != TV_J_OBJECT) {
		return fail(rd, "source is not an object");
	}
	if (tv_jv_get(o, "format", &v)) {
		r = get_str(rd, &v, &s->source_format, "source.format is not a string");
	}
	if (r == 0 && tv_jv_get(o, "service", &v)) {
		r = get_str(rd, &v, &s->source_service, "source.service is not a string");
	}
	if (r == 0 && tv_jv_get(o, "file", &v)) {
		r = get_str(rd, &v, &s->source_file, "source.file is not a string");
	}
	return r;
}

static int read_usage(struct rd *rd, const struct tv_jv *o, struct tv_usage *u)
{
	struct tv_jv v;
	double d;
	int r = 0;

	if (tv_jv_type(o) == TV_J_NULL) {
		return 0;
	}
	if (tv_jv_type(o) != TV_J_OBJECT) {
		return fail(rd, "usage is not an object");
	}
	if (tv_jv_get(o, "input_tokens", &v)) {
		r = get_int(rd, &v, &u->input_tokens, "usage.input_tokens is not an integer");
	}
	if (r == 0 && tv_jv_get(o, "output_tokens", &v)) {
		r = get_int(rd, &v, &u->output_tokens, "usage.output_tokens is not an integer");
	}
	if (r == 0 && tv_jv_get(o, "cached_tokens", &v)) {
		r = get_int(rd, &v, &u->cached_tokens, "usage.cached_tokens is not an integer");
	}
	if (r == 0 && tv_jv_get(o, "thinking_tokens", &v)) {
		r = get_int(rd, &v, &u->thinking_tokens, "usage.thinking_tokens is not an integer");
	}
	if (r == 0 && tv_jv_get(o, "total_tokens", &v)) {
		r = get_int(rd, &v, &u->total_tokens, "usage.total_tokens is not an integer");
	}
	if (r == 0 && tv_jv_get(o, "cost_usd", &v) && tv_jv_type(&v) != TV_J_NULL) {
		if (!tv_jv_num(&v, &d)) {
			return fail(rd, "usage.cost_usd is not a number");
		}
		u->cost_usd = d;
	}
	return r;
}

static int read_error(struct rd *rd, const struct tv_jv *o, struct tv_session *s)
{
	struct tv_jv v;
	int r = 0;

	if (tv_jv_type(o) == TV_J_NULL) {
		return 0;
	}
	if (tv_jv_type(o) != TV_J_OBJECT) {
		return fail(rd, "error is not an object or null");
	}
	s->has_error = true;
	if (tv_jv_get(o, "type", &v)) {
		r = get_str(rd, &v, &s->error_type, "error.type is not a string");
	}
	if (r == 0 && tv_jv_get(o, "message", &v)) {
		r = get_str(rd, &v, &s->error_message, "error.message is not a string");
	}
	return r;
}

static int read_models(struct rd *rd, const struct tv_jv *a, struct tv_session *s)
{
	struct tv_jiter it;
	struct tv_jv v;
	const char *k, *m;
	size_t n, mn;
	int r;

	if (tv_jv_type(a) == TV_J_NULL) {
		return 0;
	}
	if (tv_jv_type(a) != TV_J_ARRAY) {
		return fail(rd, "models is not an array");
	}
	tv_jv_iter_init(a, &it);
	while (tv_jv_iter_next(&it, &k, &n, &v)) {
		if (!tv_jv_str(&v, &m, &mn)) {
			return fail(rd, "models[] element is not a string");
		}
		if (memchr(m, '\0', mn) != NULL) { /* kept as C strings, compared whole */
			return fail(rd, "a model name holds a NUL character");
		}
		r = rd->dry ? 0 : tv_session_add_model(s, m, mn);
		if (r < 0) {
			return r;
		}
	}
	return 0;
}

static int read_list(struct rd *rd, const struct tv_jv *a, struct tv_session *s, bool turns)
{
	struct tv_jiter it;
	struct tv_jv v;
	const char *k;
	size_t n;
	int r;

	if (tv_jv_type(a) == TV_J_NULL) {
		return 0;
	}
	if (tv_jv_type(a) != TV_J_ARRAY) {
		return fail(rd, turns ? "turns is not an array" : "events is not an array");
	}
	tv_jv_iter_init(a, &it);
	while (tv_jv_iter_next(&it, &k, &n, &v)) {
		if (turns) {
			struct tv_turn dummy = { 0 };
			struct tv_turn *t = rd->dry ? &dummy : tv_session_add_turn(s);

			r = t ? read_turn(rd, &v, t) : -ENOMEM;
		} else if (rd->dry) {
			r = 0; /* any JSON value is an event */
		} else {
			tv_strbuf_reset(&rd->tmp);
			r = tv_jv_minify(&v, &rd->tmp);
			if (r == 0) {
				r = tv_session_add_event(s, rd->tmp.p, rd->tmp.len);
			}
		}
		if (r < 0) {
			return r;
		}
	}
	return 0;
}

/* every member the schema requires (session.schema.json), in the order of required[] */
enum member {
	M_ID,
	M_SOURCE,
	M_START,
	M_END,
	M_DURATION,
	M_SKILL,
	M_USER,
	M_MODELS,
	M_SUCCESS,
	M_ERROR,
	M_USAGE,
	M_METADATA,
	M_TURNS,
	M_EVENTS,
	M_COUNT, /* none of them */
};
#define ALL_MEMBERS ((1u << M_COUNT) - 1)

static const char *const required[M_COUNT] = {
	"id",	  "source",  "start_time", "end_time", "duration_ms", "skill", "user",
	"models", "success", "error",	   "usage",    "metadata",    "turns", "events",
};

static enum member member_of(const char *k, size_t n)
{
	int m = 0;

	while (m < M_COUNT && !key_is(k, n, required[m])) {
		m++;
	}
	return (enum member)m;
}

static int read_member(struct rd *rd, const char *k, size_t n, const struct tv_jv *v,
		       struct tv_session *s)
{
	enum member m = member_of(k, n);

	rd->seen |= 1u << m;
	switch (m) {
	case M_ID:
		return get_str(rd, v, &s->id, "id is not a string");
	case M_SOURCE:
		return read_source(rd, v, s);
	case M_START:
		return get_time(rd, v, &s->start_time, "start_time is not a timestamp");
	case M_END:
		return get_time(rd, v, &s->end_time, "end_time is not a timestamp");
	case M_DURATION:
		return get_ms(rd, v, &s->duration, "duration_ms is not a number");
	case M_SKILL:
		return get_str(rd, v, &s->skill, "skill is not a string");
	case M_USER:
		return get_str(rd, v, &s->user, "user is not a string");
	case M_MODELS:
		return read_models(rd, v, s);
	case M_SUCCESS:
		return get_tri(rd, v, &s->success, "success is not a boolean");
	case M_ERROR:
		return read_error(rd, v, s);
	case M_USAGE:
		return read_usage(rd, v, &s->usage);
	case M_METADATA:
		return get_kvlist(rd, v, &s->metadata, "metadata is not an object");
	case M_TURNS:
		return read_list(rd, v, s, true);
	case M_EVENTS:
		return read_list(rd, v, s, false);
	default:
		/* "televal" is checked by the caller */
		return key_is(k, n, "televal") ? 0 : put_extra(rd, &s->extra, k, n, v);
	}
}

/* what both readers check first: an object of version 1 */
static int check_head(const struct tv_jv *root, const char **why)
{
	struct tv_jv v;
	int64_t version;

	if (tv_jv_type(root) != TV_J_OBJECT) {
		*why = "not a JSON object";
		return -TV_ETYPE;
	}
	if (!tv_jv_get(root, "televal", &v) || !tv_jv_int(&v, &version) ||
	    version != TV_SCHEMA_VERSION) {
		*why = "not a televal version 1 session (\"televal\": 1 missing)";
		return -TV_ETYPE;
	}
	return 0;
}

/* and once its members have their types: an id that names something */
static int check_id(const struct tv_jv *root, const char **why)
{
	struct tv_jv v;
	const char *id;
	size_t n;

	if (!tv_jv_get(root, "id", &v) || !tv_jv_str(&v, &id, &n)) {
		*why = "session has no id";
		return -TV_ETYPE;
	}
	if (n == 0) {
		*why = "id is empty";
		return -TV_ETYPE;
	}
	return 0;
}

int tv_session_from_json(const struct tv_jv *root, struct tv_session **out, const char **why)
{
	struct rd rd = { .why = NULL };
	struct tv_session *s;
	struct tv_jiter it;
	struct tv_jv v;
	const char *k;
	size_t n;
	int r = check_head(root, why);

	if (r < 0) {
		return r;
	}
	s = tv_session_create();
	if (s == NULL) {
		return -ENOMEM;
	}
	tv_strbuf_init(&rd.tmp);
	tv_jv_iter_init(root, &it);
	while (r == 0 && tv_jv_iter_next(&it, &k, &n, &v)) {
		r = read_member(&rd, k, n, &v, s);
	}
	if (r == 0 && s->id == NULL) {
		rd.why = "session has no id";
		r = -TV_ETYPE;
	}
	if (r == 0 && check_id(root, &rd.why) < 0) {
		r = -TV_ETYPE;
	}
	tv_strbuf_finish(&rd.tmp);
	if (r < 0) {
		*why = rd.why ? rd.why : "out of memory";
		tv_session_destroy(s);
		return r;
	}
	*out = s;
	return 0;
}

int tv_session_check_json(const struct tv_jv *root, const char **why)
{
	struct rd rd = { .why = NULL, .dry = true };
	struct tv_session dummy = { 0 };
	struct tv_jiter it;
	struct tv_jv v;
	const char *k;
	size_t n;
	int r = check_head(root, why);

	if (r < 0) {
		return r;
	}
	tv_jv_iter_init(root, &it);
	while (r == 0 && tv_jv_iter_next(&it, &k, &n, &v)) {
		r = read_member(&rd, k, n, &v, &dummy);
	}
	if (r < 0) {
		*why = rd.why ? rd.why : "out of memory";
		return r;
	}
	r = check_id(root, why);
	/* every required member is there (else the line is written again in full) */
	return r < 0 ? r : (rd.seen & ALL_MEMBERS) == ALL_MEMBERS ? 0 : 1;
}
