// SPDX-License-Identifier: MIT
/*
 * waza runtime telemetry (docs/FORMATS.md#waza): RuntimeCollector.export_to_file,
 * one pretty-printed {"exported_at", "sessions": [...]} document.  A bare
 * session object, or an array of them, is read the same way.
 *
 * The export is one JSON value, so memory is bounded by one export (the
 * format forces it; tv_jsonseq frames it, tv_read_max_record bounds it).
 * Each session object becomes one canonical session with one turn, built
 * whole and handed over with tv_read_complete(): the session object and
 * each of its events count as one record.  Events pair up in order:
 * llm.request with the next llm.response (of the same model if any is
 * waiting), tool.called with the next tool.completed of the same tool; an
 * `error` event fails the oldest request still waiting for its response
 * and marks the session's error.  The session's tool_calls array repeats
 * the tool.called data, so it is read only when there are no tool events.
 *
 * Times are Python's naive isoformat(): taken as UTC, with one warning per
 * input.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcommon/core/tv_text.h"
#include "libcommon/core/tv_time.h"
#include "libcommon/read/tv_backend.h"

/* Indices of calls still waiting for their second event. */
struct pending {
	size_t *v;
	size_t n, cap;
};

struct waza {
	struct tv_read_ctx *ctx;
	struct tv_json_parser *parser;
	bool keep;
	bool warned_naive;    /* once per input */
	uint64_t line;	      /* first line of the document */
	struct tv_strbuf buf; /* minified JSON */
	struct pending llm, tool;
	bool tool_events; /* the session has tool.called/completed events */
	bool typed_error; /* the session's error type came from an error event */
	char where[64];	  /* "sessions[3]" */
	char why[256];
};

static bool is(const char *s, size_t n, const char *lit)
{
	return n == strlen(lit) && memcmp(s, lit, n) == 0;
}

/* ---- pending calls ---- */

static int pending_push(struct pending *p, size_t idx)
{
	if (p->n == p->cap) {
		size_t c = p->cap ? p->cap * 2 : 16;
		size_t *v = realloc(p->v, c * sizeof(*v));

		if (v == NULL) {
			return -ENOMEM;
		}
		p->v = v;
		p->cap = c;
	}
	p->v[p->n++] = idx;
	return 0;
}

/* Take the i-th waiting call out (keeping the others in order); returns its index. */
static size_t pending_take(struct pending *p, size_t i)
{
	size_t idx = p->v[i];

	memmove(&p->v[i], &p->v[i + 1], (p->n - i - 1) * sizeof(*p->v));
	p->n--;
	return idx;
}

/* ---- values ---- */

/* An optional string member; null counts as absent.  False if another type. */
/* An optional string member copied into *@dst ("" and null leave it NULL). */
static int str_field(struct waza *w, const struct tv_jv *obj, const char *key, char **dst,
		     const char **why)
{
	const char *s;
	size_t n;

	if (!tv_jv_opt_str(obj, key, &s, &n)) {
		snprintf(w->why, sizeof(w->why), "%s is not a string", key);
		*why = w->why;
		return -TV_ETYPE;
	}
	return s != NULL && n > 0 ? tv_set_str(dst, s, n) : 0;
}

/* An optional ISO time member (naive: UTC, warned once). */
static int time_field(struct waza *w, const struct tv_jv *obj, const char *key, int64_t *out,
		      const char **why)
{
	const char *s;
	size_t n;
	bool naive = false;

	*out = TV_NONE;
	if (!tv_jv_opt_str(obj, key, &s, &n) ||
	    (s != NULL && tv_time_parse(s, n, out, &naive) < 0)) {
		*out = TV_NONE;
		snprintf(w->why, sizeof(w->why), "%s is not an ISO 8601 time", key);
		*why = w->why;
		return -TV_ETYPE;
	}
	if (naive && !w->warned_naive) {
		w->warned_naive = true;
		tv_read_warn(w->ctx, w->line,
			     "times without a time zone (Python's naive "
			     "isoformat) are taken as UTC");
	}
	return 0;
}

/* An optional non-negative number of milliseconds as nanoseconds. */
static int ms_field(struct waza *w, const struct tv_jv *obj, const char *key, int64_t *out,
		    const char **why)
{
	struct tv_jv v;
	double d;

	*out = TV_NONE;
	if (!tv_jv_get(obj, key, &v) || tv_jv_type(&v) == TV_J_NULL) {
		return 0;
	}
	if (!tv_jv_num(&v, &d) || !(d >= 0 && d < 9e12)) {
		snprintf(w->why, sizeof(w->why), "%s is not a number of milliseconds", key);
		*why = w->why;
		return -TV_ETYPE;
	}
	*out = (int64_t)llround(d * 1e6);
	return 0;
}

/* An optional integer member (token counts). */
static int int_field(struct waza *w, const struct tv_jv *obj, const char *key, int64_t *out,
		     const char **why)
{
	struct tv_jv v;

	*out = TV_NONE;
	if (!tv_jv_get(obj, key, &v) || tv_jv_type(&v) == TV_J_NULL) {
		return 0;
	}
	if (!tv_jv_int(&v, out)) {
		*out = TV_NONE;
		snprintf(w->why, sizeof(w->why), "%s is not an integer", key);
		*why = w->why;
		return -TV_ETYPE;
	}
	return 0;
}

static int bool_field(struct waza *w, const struct tv_jv *obj, const char *key, int *out,
		      const char **why)
{
	struct tv_jv v;
	bool b;

	if (!tv_jv_get(obj, key, &v) || tv_jv_type(&v) == TV_J_NULL) {
		return 0;
	}
	if (!tv_jv_bool(&v, &b)) {
		snprintf(w->why, sizeof(w->why), "%s is not true or false", key);
		*why = w->why;
		return -TV_ETYPE;
	}
	*out = b;
	return 0;
}

/* Member @key as minified JSON into *@dst (absent: untouched). */
static int json_field(struct waza *w, const struct tv_jv *obj, const char *key, char **dst)
{
	struct tv_jv v;
	int r;

	if (!tv_jv_get(obj, key, &v)) {
		return 0;
	}
	tv_strbuf_reset(&w->buf);
	r = tv_jv_minify(&v, &w->buf);
	return r < 0 ? r : tv_set_str(dst, w->buf.p, w->buf.len);
}

/* ---- session fields ---- */

static int metadata(struct waza *w, const struct tv_jv *sv, struct tv_session *s, const char **why)
{
	struct tv_jv md, v;
	struct tv_jiter it;
	const char *k;
	size_t kn;
	int r;

	if (!tv_jv_get(sv, "metadata", &md) || tv_jv_type(&md) == TV_J_NULL) {
		return 0;
	}
	if (tv_jv_type(&md) != TV_J_OBJECT) {
		*why = "metadata is not an object";
		return -TV_ETYPE;
	}
	tv_jv_iter_init(&md, &it);
	while (tv_jv_iter_next(&it, &k, &kn, &v)) {
		tv_strbuf_reset(&w->buf);
		r = tv_jv_minify(&v, &w->buf);
		if (r == 0) {
			r = tv_kvlist_set(&s->metadata, k, kn, w->buf.p, w->buf.len);
		}
		if (r < 0) {
			return r;
		}
	}
	/* user_id names the user; one of another type stays in metadata only */
	if (tv_jv_opt_str(&md, "user_id", &k, &kn) && k != NULL && kn > 0) {
		return tv_set_str(&s->user, k, kn);
	}
	return 0;
}

static int session_error(struct waza *w, const struct tv_jv *sv, struct tv_session *s,
			 const char **why)
{
	int r = str_field(w, sv, "error", &s->error_message, why);

	if (r < 0 || s->error_message == NULL) {
		return r;
	}
	s->has_error = true;
	return tv_set_str(&s->error_type, "error", 5);
}

/* The turn's times: start_time, end_time, duration_ms (0 while unfinished is none). */
static int session_times(struct waza *w, const struct tv_jv *sv, struct tv_turn *t,
			 const char **why)
{
	int r = time_field(w, sv, "start_time", &t->start_time, why);

	if (r == 0) {
		r = time_field(w, sv, "end_time", &t->end_time, why);
	}
	if (r == 0) {
		r = ms_field(w, sv, "duration_ms", &t->duration, why);
	}
	if (r == 0 && t->end_time == TV_NONE && t->duration == 0) {
		t->duration = TV_NONE;
	}
	return r;
}

static int session_fields(struct waza *w, const struct tv_jv *sv, struct tv_session *s,
			  const char **why)
{
	struct tv_turn *t = &s->turns[0];
	int r;

	r = str_field(w, sv, "session_id", &s->id, why);
	if (r == 0 && s->id == NULL) {
		*why = "session_id is missing";
		return -TV_ETYPE;
	}
	if (r == 0) {
		r = str_field(w, sv, "skill_name", &s->skill, why);
	}
	if (r == 0) {
		r = str_field(w, sv, "prompt", &t->prompt, why);
	}
	if (r == 0) {
		r = str_field(w, sv, "output", &t->output, why);
	}
	if (r == 0) {
		r = session_times(w, sv, t, why);
	}
	if (r == 0) {
		r = bool_field(w, sv, "success", &t->success, why);
	}
	if (r == 0) {
		r = session_error(w, sv, s, why);
	}
	if (r == 0) {
		r = metadata(w, sv, s, why);
	}
	return r;
}

/* ---- events ---- */

struct event {
	const char *type;
	size_t type_len;
	int64_t time;
	struct tv_jv data; /* an object, or null */
	bool has_data;
};

static int llm_request(struct waza *w, struct tv_turn *t, const struct event *e, const char **why)
{
	struct tv_llm_call *c;
	int64_t tokens = TV_NONE;
	const char *model = NULL;
	size_t n = 0;
	int r = 0;

	if (e->has_data) {
		r = int_field(w, &e->data, "tokens", &tokens, why);
	}
	if (r == 0 && e->has_data && !tv_jv_opt_str(&e->data, "model", &model, &n)) {
		*why = "data.model is not a string";
		r = -TV_ETYPE;
	}
	if (r < 0) {
		return r;
	}
	c = tv_turn_add_llm(t);
	if (c == NULL) {
		return -ENOMEM;
	}
	c->time = e->time;
	c->input_tokens = tokens;
	if (model != NULL && n > 0) {
		r = tv_set_str(&c->model, model, n);
	}
	return r < 0 ? r : pending_push(&w->llm, t->n_llm - 1);
}

/* The waiting request of @model (or the oldest one); SIZE_MAX if none waits. */
static size_t llm_waiting(struct waza *w, const struct tv_turn *t, const char *model)
{
	for (size_t i = 0; model != NULL && i < w->llm.n; i++) {
		const char *m = t->llm[w->llm.v[i]].model;

		if (m != NULL && strcmp(m, model) == 0) {
			return pending_take(&w->llm, i);
		}
	}
	return w->llm.n > 0 ? pending_take(&w->llm, 0) : SIZE_MAX;
}

static int llm_response(struct waza *w, struct tv_turn *t, const struct event *e, const char **why)
{
	struct tv_llm_call *c;
	char *model = NULL;
	int64_t latency = TV_NONE;
	size_t idx;
	int r = 0;

	if (e->has_data) {
		r = str_field(w, &e->data, "model", &model, why);
	}
	if (r == 0 && e->has_data) {
		r = ms_field(w, &e->data, "latency_ms", &latency, why);
	}
	idx = r == 0 ? llm_waiting(w, t, model) : SIZE_MAX;
	c = r == 0 && idx == SIZE_MAX ? tv_turn_add_llm(t) : NULL;
	if (r == 0 && idx == SIZE_MAX && c == NULL) {
		r = -ENOMEM;
	}
	if (r < 0) {
		free(model);
		return r;
	}
	if (idx != SIZE_MAX) {
		c = &t->llm[idx];
	} else if (e->time != TV_NONE) {
		c->time = latency != TV_NONE ? e->time - latency : e->time; /* no request seen */
	}
	c->duration = latency;
	c->status = TV_STATUS_OK;
	if (c->model == NULL) {
		c->model = model;
		model = NULL;
	}
	free(model);
	return 0;
}

static int tool_called(struct waza *w, struct tv_turn *t, const struct event *e, const char **why)
{
	struct tv_tool_call *c;
	const char *name = NULL;
	size_t n = 0;
	int r = 0;

	w->tool_events = true;
	if (e->has_data && !tv_jv_opt_str(&e->data, "tool", &name, &n)) {
		*why = "data.tool is not a string";
		return -TV_ETYPE;
	}
	c = tv_turn_add_tool(t);
	if (c == NULL) {
		return -ENOMEM;
	}
	c->time = e->time;
	if (name != NULL && n > 0) {
		r = tv_set_str(&c->name, name, n);
	}
	if (r == 0 && e->has_data) {
		r = json_field(w, &e->data, "args", &c->args_json);
	}
	return r < 0 ? r : pending_push(&w->tool, t->n_tools - 1);
}

/* The oldest waiting call of tool @name; SIZE_MAX if none. */
static size_t tool_waiting(struct waza *w, const struct tv_turn *t, const char *name)
{
	for (size_t i = 0; i < w->tool.n; i++) {
		const char *n = t->tools[w->tool.v[i]].name;

		if (name == NULL || (n != NULL && strcmp(n, name) == 0)) {
			return pending_take(&w->tool, i);
		}
	}
	return SIZE_MAX;
}

static int tool_completed(struct waza *w, struct tv_turn *t, const struct event *e,
			  const char **why)
{
	struct tv_tool_call *c, done = { .success = -1 };
	size_t idx;
	int r = 0;

	w->tool_events = true;
	if (e->has_data) {
		r = str_field(w, &e->data, "tool", &done.name, why);
	}
	if (r == 0 && e->has_data) {
		r = bool_field(w, &e->data, "success", &done.success, why);
	}
	if (r == 0 && e->has_data) {
		r = str_field(w, &e->data, "error", &done.error, why);
	}
	idx = r == 0 ? tool_waiting(w, t, done.name) : SIZE_MAX;
	c = r == 0 && idx == SIZE_MAX ? tv_turn_add_tool(t) : NULL;
	if (r == 0 && idx == SIZE_MAX && c == NULL) {
		r = -ENOMEM;
	}
	if (r < 0) {
		free(done.name);
		free(done.error);
		return r;
	}
	if (idx != SIZE_MAX) {
		c = &t->tools[idx];
		if (c->time != TV_NONE && e->time != TV_NONE && e->time >= c->time) {
			c->duration = e->time - c->time;
		}
	} else {
		c->time = e->time; /* no tool.called seen */
		c->name = done.name;
		done.name = NULL;
	}
	c->success = done.success;
	free(c->error);
	c->error = done.error;
	free(done.name);
	return 0;
}

/* error: the session's error, and the failure of the oldest waiting request. */
static int error_event(struct waza *w, struct tv_session *s, const struct event *e,
		       const char **why)
{
	char *type = NULL, *msg = NULL;
	struct tv_llm_call *c;
	int r = 0;

	if (e->has_data) {
		r = str_field(w, &e->data, "error_type", &type, why);
	}
	if (r == 0 && e->has_data) {
		r = str_field(w, &e->data, "message", &msg, why);
	}
	if (r == 0 && w->llm.n > 0) {
		c = &s->turns[0].llm[pending_take(&w->llm, 0)];
		c->status = (type && tv_text_mentions_timeout(type, strlen(type))) ||
					    (msg && tv_text_mentions_timeout(msg, strlen(msg)))
				    ? TV_STATUS_TIMEOUT
				    : TV_STATUS_ERROR;
		if (c->time != TV_NONE && e->time != TV_NONE && e->time >= c->time) {
			c->duration = e->time - c->time;
		}
		r = msg ? tv_set_str(&c->error, msg, strlen(msg)) : 0;
	}
	if (r == 0 && !w->typed_error) {
		w->typed_error = true;
		s->has_error = true;
		r = tv_set_str(&s->error_type, type ? type : "error",
			       strlen(type ? type : "error"));
		if (r == 0 && s->error_message == NULL && msg != NULL) {
			r = tv_set_str(&s->error_message, msg, strlen(msg));
		}
	}
	free(type);
	free(msg);
	return r;
}

/* skill.invoked: the skill (the event's skill_name, else data's) if none yet. */
static int skill_invoked(struct tv_session *s, const struct tv_jv *ev, const struct event *e,
			 const char **why)
{
	const char *a = NULL, *b = NULL;
	size_t an = 0, bn = 0;

	if (!tv_jv_opt_str(ev, "skill_name", &a, &an)) {
		*why = "skill_name is not a string";
		return -TV_ETYPE;
	}
	if (e->has_data && !tv_jv_opt_str(&e->data, "skill_name", &b, &bn)) {
		*why = "data.skill_name is not a string";
		return -TV_ETYPE;
	}
	if (s->skill != NULL) {
		return 0;
	}
	if (a != NULL && an > 0) {
		return tv_set_str(&s->skill, a, an);
	}
	return b != NULL && bn > 0 ? tv_set_str(&s->skill, b, bn) : 0;
}

static int apply_event(struct waza *w, struct tv_session *s, const struct tv_jv *ev,
		       const struct event *e, const char **why)
{
	struct tv_turn *t = &s->turns[0];

	if (is(e->type, e->type_len, "llm.request")) {
		return llm_request(w, t, e, why);
	}
	if (is(e->type, e->type_len, "llm.response")) {
		return llm_response(w, t, e, why);
	}
	if (is(e->type, e->type_len, "tool.called")) {
		return tool_called(w, t, e, why);
	}
	if (is(e->type, e->type_len, "tool.completed")) {
		return tool_completed(w, t, e, why);
	}
	if (is(e->type, e->type_len, "error")) {
		return error_event(w, s, e, why);
	}
	if (is(e->type, e->type_len, "skill.invoked")) {
		return skill_invoked(s, ev, e, why);
	}
	return 0; /* another event type: kept in events only */
}

static int read_event(struct waza *w, const struct tv_jv *ev, struct event *e, const char **why)
{
	if (tv_jv_type(ev) != TV_J_OBJECT) {
		*why = "not an object";
		return -TV_ETYPE;
	}
	if (!tv_jv_opt_str(ev, "event_type", &e->type, &e->type_len) || e->type == NULL) {
		*why = "event_type is missing or not a string";
		return -TV_ETYPE;
	}
	e->has_data = tv_jv_get(ev, "data", &e->data) && tv_jv_type(&e->data) != TV_J_NULL;
	if (e->has_data && tv_jv_type(&e->data) != TV_J_OBJECT) {
		*why = "data is not an object";
		return -TV_ETYPE;
	}
	return time_field(w, ev, "timestamp", &e->time, why);
}

/*
 * One event: 1 used, 0 rejected, or a fatal code.  A field of the wrong
 * type rejects the event before anything of it is applied.
 */
static int event(struct waza *w, struct tv_session *s, const struct tv_jv *ev, size_t idx)
{
	struct event e;
	const char *why = NULL;
	int r;

	memset(&e, 0, sizeof(e));
	r = read_event(w, ev, &e, &why);
	if (r == 0) {
		r = apply_event(w, s, ev, &e, &why);
	}
	if (r == -TV_ETYPE) {
		tv_read_reject(w->ctx, w->line, "%s.events[%zu]: %s", w->where, idx, why);
		return 0;
	}
	if (r == 0 && w->keep) {
		tv_strbuf_reset(&w->buf);
		r = tv_jv_minify(ev, &w->buf);
		if (r == 0) {
			r = tv_session_add_event(s, w->buf.p, w->buf.len);
		}
	}
	return r < 0 ? r : 1;
}

/* The events in order; *@used counts those that went into the session. */
static int events(struct waza *w, const struct tv_jv *sv, struct tv_session *s, uint64_t *used)
{
	struct tv_jv arr, ev;
	struct tv_jiter it;
	const char *k;
	size_t kn, idx = 0;
	int r;

	if (!tv_jv_get(sv, "events", &arr) || tv_jv_type(&arr) == TV_J_NULL) {
		return 0;
	}
	tv_jv_iter_init(&arr, &it);
	while (tv_jv_iter_next(&it, &k, &kn, &ev)) {
		r = event(w, s, &ev, idx++);
		if (r < 0) {
			return r;
		}
		*used += (uint64_t)r;
	}
	return 0;
}

/* Without tool events, the tool_calls array: the data of each tool.called. */
static int tool_calls_array(struct waza *w, const struct tv_jv *sv, struct tv_turn *t)
{
	struct tv_jv arr, v;
	struct tv_jiter it;
	const char *k, *why = NULL;
	size_t kn, idx = 0;
	int r;

	if (w->tool_events || !tv_jv_get(sv, "tool_calls", &arr)) {
		return 0;
	}
	tv_jv_iter_init(&arr, &it);
	while (tv_jv_iter_next(&it, &k, &kn, &v)) {
		struct tv_tool_call *c;

		if (tv_jv_type(&v) != TV_J_OBJECT) {
			tv_read_warn(w->ctx, w->line, "%s.tool_calls[%zu]: not an object: left out",
				     w->where, idx++);
			continue;
		}
		c = tv_turn_add_tool(t);
		if (c == NULL) {
			return -ENOMEM;
		}
		r = str_field(w, &v, "tool", &c->name, &why);
		if (r == -TV_ETYPE) {
			tv_read_warn(w->ctx, w->line, "%s.tool_calls[%zu]: %s", w->where, idx, why);
			r = 0;
		}
		if (r == 0) {
			r = json_field(w, &v, "args", &c->args_json);
		}
		if (r < 0) {
			return r;
		}
		idx++;
	}
	return 0;
}

/* ---- sessions and documents ---- */

static int check_shape(const struct tv_jv *sv, const char **why)
{
	struct tv_jv v;

	if (tv_jv_type(sv) != TV_J_OBJECT) {
		*why = "not a session object";
		return -TV_ETYPE;
	}
	if (tv_jv_get(sv, "events", &v) && tv_jv_type(&v) != TV_J_NULL &&
	    tv_jv_type(&v) != TV_J_ARRAY) {
		*why = "events is not an array";
		return -TV_ETYPE;
	}
	if (tv_jv_get(sv, "tool_calls", &v) && tv_jv_type(&v) != TV_J_NULL &&
	    tv_jv_type(&v) != TV_J_ARRAY) {
		*why = "tool_calls is not an array";
		return -TV_ETYPE;
	}
	return 0;
}

/* The session's success, and its error marking it failed. */
static void session_outcome(struct tv_session *s)
{
	struct tv_turn *t = &s->turns[0];

	if (t->success < 0 && s->has_error) {
		t->success = 0;
	}
	s->success = t->success;
	if (t->duration != TV_NONE && (t->start_time == TV_NONE || t->end_time == TV_NONE)) {
		s->duration = t->duration;
	}
}

static int build(struct waza *w, const struct tv_jv *sv, struct tv_session *s, uint64_t *used,
		 const char **why)
{
	int r;

	if (tv_session_add_turn(s) == NULL) {
		return -ENOMEM;
	}
	r = check_shape(sv, why);
	if (r == 0) {
		r = session_fields(w, sv, s, why);
	}
	if (r < 0) {
		return r;
	}
	r = events(w, sv, s, used);
	if (r == 0) {
		r = tool_calls_array(w, sv, &s->turns[0]);
	}
	session_outcome(s);
	return r;
}

static int session(struct waza *w, const struct tv_jv *sv, const char *where)
{
	struct tv_session *s = tv_session_create();
	const char *why = NULL;
	uint64_t used = 1; /* the session object */
	int r;

	if (s == NULL) {
		return -ENOMEM;
	}
	snprintf(w->where, sizeof(w->where), "%s", where);
	w->llm.n = w->tool.n = 0;
	w->tool_events = w->typed_error = false;
	r = build(w, sv, s, &used, &why);
	if (r < 0) {
		tv_session_destroy(s);
		return r == -TV_ETYPE ? tv_read_reject(w->ctx, w->line, "%s: %s", where, why) : r;
	}
	return tv_read_complete(w->ctx, s, used);
}

static int session_list(struct waza *w, const struct tv_jv *arr, const char *name)
{
	struct tv_jiter it;
	struct tv_jv v;
	const char *k;
	size_t kn, idx = 0;
	char where[64];
	int r;

	tv_jv_iter_init(arr, &it);
	while (tv_jv_iter_next(&it, &k, &kn, &v)) {
		snprintf(where, sizeof(where), "%s[%zu]", name, idx++);
		r = session(w, &v, where);
		if (r < 0) {
			return r;
		}
	}
	return 0;
}

static int document(struct waza *w, const char *p, size_t n)
{
	struct tv_jv root, arr;
	const char *why = NULL;
	int r;

	r = tv_json_parse(w->parser, p, n, &root, &why);
	if (r == -ENOMEM) {
		return r;
	}
	if (r < 0) {
		return tv_read_reject(w->ctx, w->line, "invalid JSON: %s",
				      why ? why : tv_strerror(r));
	}
	if (tv_jv_type(&root) == TV_J_ARRAY) {
		return session_list(w, &root, "");
	}
	if (tv_jv_type(&root) == TV_J_OBJECT && tv_jv_get(&root, "sessions", &arr)) {
		if (tv_jv_type(&arr) == TV_J_NULL) {
			return 0;
		}
		if (tv_jv_type(&arr) != TV_J_ARRAY) {
			return tv_read_reject(w->ctx, w->line, "sessions is not an array");
		}
		return session_list(w, &arr, "sessions");
	}
	if (tv_jv_type(&root) == TV_J_OBJECT && tv_jv_get(&root, "session_id", &arr)) {
		return session(w, &root, "session");
	}
	return tv_read_reject(w->ctx, w->line, "not a waza export (no sessions array)");
}

/* one framed document: what tv_read_json_values() calls */
static int value_cb(void *udata, const char *json, size_t n, uint64_t line)
{
	struct waza *w = udata;

	w->line = line;
	return document(w, json, n);
}

static int read_documents(struct waza *w, struct tv_input *in, struct tv_error *err)
{
	struct tv_strbuf buf;
	int r;

	tv_strbuf_init(&buf);
	r = tv_read_json_values(w->ctx, in, &buf, value_cb, w, err);
	tv_strbuf_finish(&buf);
	return r;
}

static int read_input(struct tv_read_ctx *ctx, struct tv_input *in, struct tv_error *err)
{
	struct waza w = {
		.ctx = ctx,
		.parser = tv_read_parser(ctx),
		.keep = tv_read_keep_events(ctx),
	};
	int r;

	tv_strbuf_init(&w.buf);
	r = read_documents(&w, in, err);
	tv_strbuf_finish(&w.buf);
	free(w.llm.v);
	free(w.tool.v);
	return r;
}

static bool detect(const struct tv_sniff *s)
{
	if (s->shape == TV_SHAPE_JSON_PRETTY) {
		return tv_text_has(s->data, s->len, "\"exported_at\"");
	}
	return s->shape == TV_SHAPE_JSON_LINE &&
	       tv_text_has(s->line, s->line_len, "\"exported_at\"") &&
	       tv_text_has(s->line, s->line_len, "\"sessions\"");
}

const struct tv_format tv_format_waza = {
	.name = "waza",
	.layout = TV_LAYOUT_JSON,
	.detect = detect,
	.read = read_input,
};
