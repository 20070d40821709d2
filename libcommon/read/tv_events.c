// SPDX-License-Identifier: MIT
/*
 * Coding agents' telemetry events to sessions (docs/FORMATS.md#log-events
 * and its table of dialects): Gemini CLI, Qwen Code, Claude Code and Codex CLI write
 * the same kinds of events under their own names and attributes, which
 * tv_dialect.c lists.  The dialect's session attribute (session.id,
 * conversation.id) is the session; its turn attribute (prompt_id,
 * prompt.id) the turn, which a user_prompt starts; requests, responses and
 * errors are llm_calls; tool results and decisions are tool_calls (paired
 * on the tool call id when the dialect has one).  Records are used only
 * when they go into a session: events of other kinds (Gemini's config or
 * startup events, generic OTLP logs) are skipped and counted under their
 * event name, and open no session.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "libcommon/core/tv_int.h"
#include "libcommon/core/tv_text.h"
#include "libcommon/json/tv_jw.h"
#include "libcommon/read/tv_dialect.h"
#include "libcommon/read/tv_read_ctx.h"

struct evctx {
	struct tv_read_ctx *ctx;
	const struct tv_record *r;
	struct tv_session *s;
	const struct tv_dialect *d; /* NULL: no coding agent's event */
};

static bool eq(const char *s, size_t n, const char *lit)
{
	return strlen(lit) == n && memcmp(s, lit, n) == 0;
}

static const struct tv_val *attr(const struct evctx *e, const char *key)
{
	const struct tv_attr *a = tv_attrs_find(e->r->attrs, e->r->n_attrs, key);

	return a && a->v.type != TV_V_NONE ? &a->v : NULL;
}

static const struct tv_val *attr_str(const struct evctx *e, const char *key)
{
	const struct tv_val *v = attr(e, key);

	return v && v->type == TV_V_STR ? v : NULL;
}

static int set_attr_str(const struct evctx *e, char **dst, const char *key)
{
	const struct tv_val *v = attr_str(e, key);

	return v ? tv_set_str(dst, v->s, v->n) : 0;
}

/* the dialect's attribute for @f: the first of its names present */
static const struct tv_val *field(const struct evctx *e, enum tv_df f)
{
	const struct tv_val *v;

	if (e->d == NULL) {
		return NULL;
	}
	for (size_t i = 0; i < TV_DIALECT_ALTS && e->d->attrs[f][i]; i++) {
		v = attr(e, e->d->attrs[f][i]);
		if (v != NULL) {
			return v;
		}
	}
	return NULL;
}

/* a text field; a value the producer redacted ("<REDACTED>") is none */
static const struct tv_val *field_str(const struct evctx *e, enum tv_df f)
{
	const struct tv_val *v = field(e, f);

	if (v == NULL || v->type != TV_V_STR || eq(v->s, v->n, "<REDACTED>")) {
		return NULL;
	}
	return v;
}

/* a text or structured (JSON) field, unless redacted */
static const struct tv_val *field_text(const struct evctx *e, enum tv_df f)
{
	const struct tv_val *v = field(e, f);

	if (v != NULL && v->type == TV_V_JSON) {
		return v;
	}
	return field_str(e, f);
}

static int64_t field_int(const struct evctx *e, enum tv_df f)
{
	const struct tv_val *v = field(e, f);
	int64_t i;

	return v && tv_val_int(v, &i) ? i : TV_NONE;
}

/* a duration in milliseconds; one that nanoseconds cannot hold is unknown (warned once) */
static int64_t field_ms(const struct evctx *e, enum tv_df f)
{
	int64_t ms = field_int(e, f), ns;

	if (ms == TV_NONE) {
		return TV_NONE;
	}
	if (tv_time_scale(ms, TV_NS_PER_MS, &ns) < 0) {
		if (!e->ctx->warned_range) {
			e->ctx->warned_range = true;
			tv_read_warn(e->ctx, e->r->line,
				     "a duration of %lld ms is longer than televal can hold (about "
				     "292 years): taken as unknown",
				     (long long)ms);
		}
		return TV_NONE;
	}
	return ns;
}

/* when something that ended at @end after @duration began (@end when that cannot be told) */
static int64_t started(int64_t end, int64_t duration)
{
	int64_t t = duration != TV_NONE ? tv_time_add(end, -duration) : end;

	return t != TV_NONE ? t : end;
}

static int set_text(const struct evctx *e, char **dst, enum tv_df f)
{
	const struct tv_val *v = field_text(e, f);

	return v ? tv_set_str(dst, v->s, v->n) : 0;
}

static int set_field_str(const struct evctx *e, char **dst, enum tv_df f)
{
	const struct tv_val *v = field_str(e, f);

	return v ? tv_set_str(dst, v->s, v->n) : 0;
}

static bool get_str_cb(void *udata, const char *key, const char **s, size_t *n)
{
	const struct tv_val *v = attr_str(udata, key);

	if (v == NULL) {
		return false;
	}
	*s = v->s;
	*n = v->n;
	return true;
}

/* the event's dialect and kind, from its name, its body or its event.name */
static enum tv_ev classify(struct evctx *e)
{
	const struct tv_record *r = e->r;
	const struct tv_val *v = attr_str(e, "event.name");
	const char *names[3] = { r->name, r->body.type == TV_V_STR ? r->body.s : NULL,
				 v ? v->s : NULL };
	size_t lens[3] = { r->name_len, r->body.type == TV_V_STR ? r->body.n : 0, v ? v->n : 0 };
	enum tv_ev ev = TV_EV_OTHER;

	for (size_t i = 0; i < 3 && e->d == NULL; i++) {
		if (names[i] != NULL && lens[i] > 0) {
			e->d = tv_dialect_event(names[i], lens[i], &ev, get_str_cb, e);
		}
	}
	return ev;
}

/* the session key: the dialect's, session.id, gen_ai.conversation.id, else the trace id */
static bool session_key(const struct tv_record *r, const struct tv_dialect *d,
			struct tv_strbuf *buf, const char **k, size_t *n)
{
	const char *keys[] = { d ? d->session : "session.id", "session.id",
			       "gen_ai.conversation.id" };

	for (size_t i = 0; i < 3; i++) {
		const struct tv_attr *a = tv_attrs_find(r->attrs, r->n_attrs, keys[i]);

		if (a == NULL) {
			a = tv_attrs_find(r->res, r->n_res, keys[i]);
		}
		if (a && a->v.type == TV_V_STR && tv_read_key_ok(a->v.s, a->v.n)) {
			*k = a->v.s;
			*n = a->v.n;
			return true;
		}
	}
	tv_strbuf_reset(buf);
	if (tv_read_key_ok(r->trace_id, r->trace_id_len) &&
	    tv_text_put_id(buf, r->trace_id, r->trace_id_len) == 0) {
		*k = buf->p;
		*n = buf->len;
		return true;
	}
	return false;
}

bool tv_events_key(const struct tv_record *r, struct tv_strbuf *buf, const char **k, size_t *n)
{
	struct evctx e = { .r = r };

	classify(&e);
	return session_key(r, e.d, buf, k, n);
}

/* the event's name: the record's own, else its event.name attribute ("" if none) */
static void event_name(const struct tv_record *r, const char **name, size_t *n)
{
	const struct tv_attr *a = tv_attrs_find(r->attrs, r->n_attrs, "event.name");

	*name = r->name;
	*n = r->name_len;
	if (*name == NULL) {
		bool str = a && a->v.type == TV_V_STR;

		*name = str ? a->v.s : "";
		*n = str ? a->v.n : 0;
	}
}

/* the kind of @e and its session key; false (counted as skipped) when it goes nowhere */
static bool take(struct evctx *e, enum tv_ev *ev, const char **key, size_t *n)
{
	struct tv_read_ctx *ctx = e->ctx;
	const char *name;
	size_t name_len;

	*ev = classify(e);
	if (*ev == TV_EV_OTHER) {
		event_name(e->r, &name, &name_len);
		if (name_len == 0) {
			tv_read_skip_kind(ctx, "log records without an event name");
		} else {
			tv_read_skip_as(ctx, 1, name, name_len);
		}
		return false;
	}
	if (session_key(e->r, e->d, &ctx->keybuf, key, n)) {
		return true;
	}
	tv_read_skip_kind(ctx, "log records without a session key");
	if (!ctx->warned_nokey) {
		ctx->warned_nokey = true;
		tv_read_warn(ctx, e->r->line,
			     "log records without session.id, "
			     "gen_ai.conversation.id or trace id are skipped (counted)");
	}
	return false;
}

bool tv_events_take(struct tv_read_ctx *ctx, const struct tv_record *r, const char **key, size_t *n)
{
	struct evctx e = { .ctx = ctx, .r = r };
	enum tv_ev ev;

	return take(&e, &ev, key, n);
}

static struct tv_turn *turn_for(struct evctx *e)
{
	const struct tv_val *pid = field_str(e, TV_DF_TURN_ID);
	struct tv_session *s = e->s;
	struct tv_turn *t;

	if (pid == NULL) {
		if (s->n_turns > 0) {
			return &s->turns[s->n_turns - 1];
		}
	} else {
		for (size_t i = s->n_turns; i-- > 0;) {
			const char *id = s->turns[i].id;

			if (id && strlen(id) == pid->n && memcmp(id, pid->s, pid->n) == 0) {
				return &s->turns[i];
			}
		}
	}
	/* a user_prompt without prompt_id (older Gemini CLI) opened the turn */
	if (pid && s->n_turns > 0 && s->turns[s->n_turns - 1].id == NULL) {
		t = &s->turns[s->n_turns - 1];
	} else {
		t = tv_session_add_turn(s);
	}
	if (t && pid && tv_set_str(&t->id, pid->s, pid->n) < 0) {
		return NULL;
	}
	return t;
}

/*
 * parse JSON text held in a value (copied: the parser needs padding):
 * 0, 1 when it is not JSON, or -ENOMEM (never taken for "not JSON")
 */
static int parse_inner(struct evctx *e, const char *s, size_t n, struct tv_jv *root)
{
	struct tv_strbuf *b = &e->ctx->scratch;
	int r;

	tv_strbuf_reset(b);
	if (tv_strbuf_append(b, s, n) < 0) {
		return -ENOMEM;
	}
	r = tv_json_parse(e->ctx->jp2, b->p, b->len, root, NULL);
	return r == -ENOMEM ? r : r < 0 ? 1 : 0;
}

static int on_user_prompt(struct evctx *e)
{
	const struct tv_val *p = field_str(e, TV_DF_PROMPT);
	/* a user_prompt starts a turn: without a prompt_id, always a new one */
	struct tv_turn *t = field_str(e, TV_DF_TURN_ID) ? turn_for(e) : tv_session_add_turn(e->s);

	if (t == NULL) {
		return -ENOMEM;
	}
	if (e->r->time != TV_NONE && (t->start_time == TV_NONE || e->r->time < t->start_time)) {
		t->start_time = e->r->time;
	}
	if (p && t->prompt == NULL) {
		return tv_set_str(&t->prompt, p->s, p->n);
	}
	return 0;
}

/*
 * api_request and api_response/api_error are two halves of one llm_call.
 * Each half becomes a call of its own here; tv_session_finalize() pairs
 * them (same model, matching start), so records may arrive in any order.
 */
static int on_api_request(struct evctx *e)
{
	struct tv_turn *t = turn_for(e);
	struct tv_llm_call *c;
	int r;

	if (t == NULL || (c = tv_turn_add_llm(t)) == NULL) {
		return -ENOMEM;
	}
	c->seen = TV_LLM_SEEN_REQUEST;
	c->time = e->r->time;
	r = set_field_str(e, &c->model, TV_DF_MODEL);
	if (r == 0) {
		r = set_text(e, &c->request_text, TV_DF_REQUEST_TEXT);
	}
	return r;
}

/* the response half of a call: timed from its end and duration */
static struct tv_llm_call *call_for(struct evctx *e, struct tv_turn *t)
{
	struct tv_llm_call *c = tv_turn_add_llm(t);

	if (c == NULL) {
		return NULL;
	}
	c->seen = TV_LLM_SEEN_RESPONSE;
	if (set_field_str(e, &c->model, TV_DF_MODEL) < 0) {
		return NULL;
	}
	c->duration = field_ms(e, TV_DF_DURATION_MS);
	c->time = started(e->r->time, c->duration);
	c->status_code = field_int(e, TV_DF_STATUS_CODE);
	return c;
}

/* append the text parts of one response chunk: candidates[].content.parts[].text */
static int chunk_text(const struct tv_jv *chunk, struct tv_strbuf *out)
{
	struct tv_jv cand, x, parts, part, txt, th;
	struct tv_jiter ic, ip;
	const char *k, *s;
	size_t kn, n;
	bool thought;

	if (!tv_jv_get(chunk, "candidates", &cand)) {
		return 0;
	}
	tv_jv_iter_init(&cand, &ic);
	while (tv_jv_iter_next(&ic, &k, &kn, &x)) {
		if (!tv_jv_get(&x, "content", &x) || !tv_jv_get(&x, "parts", &parts)) {
			continue;
		}
		tv_jv_iter_init(&parts, &ip);
		while (tv_jv_iter_next(&ip, &k, &kn, &part)) {
			thought = false;
			if (tv_jv_get(&part, "thought", &th) && tv_jv_bool(&th, &thought) &&
			    thought) {
				continue;
			}
			if (!tv_jv_get(&part, "text", &txt) || !tv_jv_str(&txt, &s, &n)) {
				continue;
			}
			if (tv_strbuf_append(out, s, n) < 0) {
				return -ENOMEM;
			}
		}
	}
	return 0;
}

/*
 * The text parts of GenAI messages ([{"role", "parts": [{"type": "text",
 * "content"}]}], semantic conventions v1.37+) of @role, the last such
 * message only, appended to @out.
 */
static int messages_text(const struct tv_jv *root, const char *role, struct tv_strbuf *out)
{
	struct tv_jv msg, parts, part, last;
	struct tv_jiter it;
	const char *k, *s;
	size_t kn, n;
	bool found = false;

	tv_jv_iter_init(root, &it);
	while (tv_jv_type(root) == TV_J_ARRAY && tv_jv_iter_next(&it, &k, &kn, &msg)) {
		if (tv_jv_opt_str(&msg, "role", &s, &n) && s && eq(s, n, role) &&
		    tv_jv_get(&msg, "parts", &parts)) {
			last = parts;
			found = true;
		}
	}
	if (!found) {
		return 0;
	}
	tv_jv_iter_init(&last, &it);
	while (tv_jv_iter_next(&it, &k, &kn, &part)) {
		if (!tv_jv_opt_str(&part, "type", &s, &n) || s == NULL || !eq(s, n, "text") ||
		    !tv_jv_opt_str(&part, "content", &s, &n) || s == NULL) {
			continue;
		}
		if ((out->len && tv_strbuf_putc(out, '\n') < 0) ||
		    tv_strbuf_append(out, s, n) < 0) {
			return -ENOMEM;
		}
	}
	return 0;
}

/*
 * The turn's output: the text of a GenAI output messages or Gemini response
 * JSON, else the raw text.
 * Returns 1 if it was set, 0 if the response had no text, or -ENOMEM.
 */
static int response_output(struct evctx *e, const struct tv_val *v, struct tv_turn *t)
{
	struct tv_strbuf *out = &e->ctx->scratch2;
	struct tv_jv root, chunk;
	struct tv_jiter it;
	const char *k;
	size_t kn;
	int r = v->n == 0 || (v->s[0] != '{' && v->s[0] != '[') ? 1
								: parse_inner(e, v->s, v->n, &root);

	if (r < 0) {
		return r;
	}
	if (r > 0) {
		r = tv_set_str(&t->output, v->s, v->n);
		return r < 0 ? r : 1;
	}
	tv_strbuf_reset(out);
	r = messages_text(&root, "assistant", out);
	if (r == 0 && out->len == 0 && tv_jv_type(&root) == TV_J_ARRAY) { /* streamed chunks */
		tv_jv_iter_init(&root, &it);
		while (r == 0 && tv_jv_iter_next(&it, &k, &kn, &chunk)) {
			r = chunk_text(&chunk, out);
		}
	} else {
		r = chunk_text(&root, out);
	}
	if (r < 0) {
		return r;
	}
	if (out->len == 0) {
		return 0; /* only function calls: the text output stays what it was */
	}
	r = tv_set_str(&t->output, out->p, out->len);
	return r < 0 ? r : 1;
}

static int finish_reason(struct evctx *e, struct tv_llm_call *c)
{
	const struct tv_val *v = field(e, TV_DF_FINISH_REASON);
	struct tv_jv root, first;
	struct tv_jiter it;
	const char *k, *s;
	size_t kn, n;
	int r;

	if (v == NULL) {
		return 0;
	}
	if (v->type == TV_V_STR) {
		return tv_set_str(&c->finish_reason, v->s, v->n);
	}
	if (v->type != TV_V_JSON || (r = parse_inner(e, v->s, v->n, &root)) > 0) {
		return 0;
	}
	if (r < 0) {
		return r;
	}
	tv_jv_iter_init(&root, &it);
	if (tv_jv_iter_next(&it, &k, &kn, &first) && tv_jv_str(&first, &s, &n)) {
		return tv_set_str(&c->finish_reason, s, n);
	}
	return 0;
}

/* a number: ints, doubles, decimal strings */
static bool field_num(const struct evctx *e, enum tv_df f, double *out)
{
	const struct tv_val *v = field(e, f);
	int64_t i;

	if (v && v->type == TV_V_DOUBLE) {
		*out = v->d;
		return true;
	}
	if (v && v->type == TV_V_STR && tv_parse_double(v->s, v->n, out) == 0) {
		return true;
	}
	if (v && tv_val_int(v, &i)) {
		*out = (double)i;
		return true;
	}
	return false;
}

/*
 * The call's tokens and cost.  Input tokens count cache reads and writes
 * (as the GenAI conventions say): added where the dialect leaves them out;
 * cache writes and the cost are kept as call members, the cost summed.
 */
static int call_usage(struct evctx *e, struct tv_llm_call *c)
{
	int64_t cw = field_int(e, TV_DF_CACHE_WRITE);
	double cost;
	int r = 0;

	c->input_tokens = field_int(e, TV_DF_INPUT_TOKENS);
	c->output_tokens = field_int(e, TV_DF_OUTPUT_TOKENS);
	c->cached_tokens = field_int(e, TV_DF_CACHE_READ);
	c->thinking_tokens = field_int(e, TV_DF_THINKING_TOKENS);
	c->total_tokens = field_int(e, TV_DF_TOTAL_TOKENS);
	if (e->d && e->d->input_excludes_cache && c->input_tokens != TV_NONE) {
		c->input_tokens =
			tv_add_sat(c->input_tokens,
				   tv_add_sat(c->cached_tokens != TV_NONE ? c->cached_tokens : 0,
					      cw != TV_NONE ? cw : 0));
	}
	if (cw != TV_NONE) {
		r = tv_kvlist_set_int(&c->extra, "cache_creation_tokens", cw);
	}
	if (r == 0 && field_num(e, TV_DF_COST_USD, &cost)) {
		e->s->usage.cost_usd = isnan(e->s->usage.cost_usd) ? cost
								   : e->s->usage.cost_usd + cost;
		tv_strbuf_reset(&e->ctx->scratch2);
		r = tv_strbuf_printf(&e->ctx->scratch2, "%.17g", cost);
		if (r == 0) {
			r = tv_kvlist_set(&c->extra, "cost_usd", 8, e->ctx->scratch2.p,
					  e->ctx->scratch2.len);
		}
	}
	return r;
}

/*
 * A whole call's request (GenAI operation details): its messages, the
 * error it ended with, and the turn's prompt when nothing else gave one
 * (the last user message).
 */
static int call_request(struct evctx *e, struct tv_turn *t, struct tv_llm_call *c)
{
	const struct tv_val *req = field_text(e, TV_DF_REQUEST_TEXT);
	const struct tv_val *err = field_str(e, TV_DF_ERROR_TYPE);
	struct tv_strbuf *b = &e->ctx->scratch2;
	struct tv_jv root;
	int r = 0;

	if (err != NULL) {
		c->status = TV_STATUS_ERROR;
		r = set_field_str(e, &c->error, TV_DF_ERROR);
	}
	if (r < 0 || req == NULL || c->request_text != NULL) {
		return r;
	}
	r = tv_set_str(&c->request_text, req->s, req->n);
	if (r < 0 || t->prompt != NULL) {
		return r;
	}
	r = parse_inner(e, req->s, req->n, &root);
	if (r != 0) {
		return r < 0 ? r : 0;
	}
	tv_strbuf_reset(b);
	r = messages_text(&root, "user", b);
	return r == 0 && b->len > 0 ? tv_set_str(&t->prompt, b->p, b->len) : r;
}

static int on_api_response(struct evctx *e)
{
	struct tv_turn *t = turn_for(e);
	const struct tv_val *resp;
	struct tv_llm_call *c;
	int r;

	if (t == NULL || (c = call_for(e, t)) == NULL) {
		return -ENOMEM;
	}
	c->status = c->status_code != TV_NONE && c->status_code >= 400 ? TV_STATUS_ERROR
								       : TV_STATUS_OK;
	r = call_usage(e, c);
	if (r == 0) {
		r = finish_reason(e, c);
	}
	if (r == 0) {
		r = call_request(e, t, c);
	}
	resp = field_text(e, TV_DF_RESPONSE_TEXT);
	if (r == 0 && resp) {
		r = tv_set_str(&c->response_text, resp->s, resp->n);
		/* the turn's output is the latest successful response, whatever the record order */
		if (r == 0 && c->status == TV_STATUS_OK &&
		    (t->output == NULL || e->r->time == TV_NONE || t->output_at == TV_NONE ||
		     e->r->time >= t->output_at)) {
			r = response_output(e, resp, t);
			if (r > 0) {
				t->output_at = e->r->time;
			}
			r = r < 0 ? r : 0;
		}
	}
	return r;
}

static bool has_word(const struct tv_val *v, const char *w)
{
	size_t k = strlen(w);

	if (v == NULL || v->n < k) {
		return false;
	}
	for (size_t i = 0; i + k <= v->n; i++) {
		size_t j = 0;

		while (j < k && (v->s[i + j] | 0x20) == w[j]) {
			j++;
		}
		if (j == k) {
			return true;
		}
	}
	return false;
}

static int on_api_error(struct evctx *e)
{
	struct tv_turn *t = turn_for(e);
	const struct tv_val *msg, *type;
	struct tv_llm_call *c;

	if (t == NULL || (c = call_for(e, t)) == NULL) {
		return -ENOMEM;
	}
	type = field_str(e, TV_DF_ERROR_TYPE);
	msg = field_str(e, TV_DF_ERROR);
	c->status = TV_STATUS_ERROR;
	if (c->status_code == 408 || c->status_code == 504 || has_word(type, "timeout") ||
	    has_word(type, "deadline") || has_word(msg, "timed out")) {
		c->status = TV_STATUS_TIMEOUT;
	}
	if (msg) {
		return tv_set_str(&c->error, msg->s, msg->n);
	}
	if (type) {
		return tv_set_str(&c->error, type->s, type->n);
	}
	return 0;
}

static int tool_args(struct evctx *e, struct tv_tool_call *c)
{
	const struct tv_val *v = field(e, TV_DF_TOOL_ARGS);
	struct tv_strbuf *b = &e->ctx->scratch2;
	struct tv_jv root;
	int r;

	if (v == NULL) {
		return 0;
	}
	tv_strbuf_reset(b);
	r = v->type == TV_V_STR ? parse_inner(e, v->s, v->n, &root) : 1;
	if (r == 0) {
		r = tv_jv_minify(&root, b);
	} else if (r > 0) {
		r = tv_val_to_json(v, b);
	}
	if (r < 0) {
		return r;
	}
	return tv_set_str(&c->args_json, b->p, b->len);
}

/* the tool call with the event's tool call id, else a new one (NULL on ENOMEM) */
static struct tv_tool_call *tool_for(struct evctx *e, struct tv_turn *t)
{
	const struct tv_val *id = field_str(e, TV_DF_TOOL_ID);
	struct tv_strbuf *b = &e->ctx->scratch2;
	struct tv_tool_call *c;
	const char *have;

	if (id != NULL) {
		tv_strbuf_reset(b);
		if (tv_val_to_json(id, b) < 0) {
			return NULL;
		}
		for (size_t i = t->n_tools; i-- > 0;) {
			have = tv_kvlist_find(&t->tools[i].extra, "id");
			if (have && strlen(have) == b->len && memcmp(have, b->p, b->len) == 0) {
				return &t->tools[i];
			}
		}
	}
	c = tv_turn_add_tool(t);
	if (c == NULL || (id && tv_kvlist_set(&c->extra, "id", 2, b->p, b->len) < 0)) {
		return NULL;
	}
	return c;
}

static int tool_decision(struct evctx *e, struct tv_tool_call *c)
{
	const struct tv_val *v = field_str(e, TV_DF_DECISION);
	const char *d;

	if (v == NULL) {
		return 0;
	}
	d = tv_dialect_decision(v->s, v->n);
	if (d != NULL && strcmp(d, "reject") == 0 && c->success < 0) {
		c->success = 0;
	}
	return d ? tv_set_str(&c->decision, d, strlen(d)) : tv_set_str(&c->decision, v->s, v->n);
}

static int tool_fields(struct evctx *e, struct tv_tool_call *c)
{
	int r = 0;

	if (c->name == NULL) {
		r = set_field_str(e, &c->name, TV_DF_TOOL_NAME);
	}
	if (r == 0 && c->args_json == NULL) {
		r = tool_args(e, c);
	}
	if (r == 0) {
		r = tool_decision(e, c);
	}
	if (r == 0 && c->type == NULL) {
		r = set_field_str(e, &c->type, TV_DF_TOOL_TYPE);
	}
	if (r == 0 && c->error == NULL) {
		r = set_field_str(e, &c->error, TV_DF_ERROR);
	}
	return r;
}

static int on_tool_call(struct evctx *e)
{
	struct tv_turn *t = turn_for(e);
	const struct tv_val *v;
	struct tv_tool_call *c;
	bool ok;

	if (t == NULL || (c = tool_for(e, t)) == NULL) {
		return -ENOMEM;
	}
	c->duration = field_ms(e, TV_DF_DURATION_MS);
	c->time = started(e->r->time, c->duration);
	v = field(e, TV_DF_SUCCESS);
	if (v && tv_val_bool(v, &ok)) {
		c->success = ok;
	}
	return tool_fields(e, c);
}

/* a decision before the tool ran (or instead of it, when rejected) */
static int on_decision(struct evctx *e)
{
	struct tv_turn *t = turn_for(e);
	struct tv_tool_call *c;

	if (t == NULL || (c = tool_for(e, t)) == NULL) {
		return -ENOMEM;
	}
	if (c->time == TV_NONE) {
		c->time = e->r->time;
	}
	return tool_fields(e, c);
}

/* the model's answer text, unless redacted */
static int on_output(struct evctx *e)
{
	const struct tv_val *v = field_str(e, TV_DF_RESPONSE_TEXT);
	struct tv_turn *t;

	if (v == NULL) {
		return 0;
	}
	t = turn_for(e);
	if (t == NULL) {
		return -ENOMEM;
	}
	if (t->output != NULL && t->output_at != TV_NONE && e->r->time != TV_NONE &&
	    e->r->time < t->output_at) {
		return 0;
	}
	t->output_at = e->r->time;
	return tv_set_str(&t->output, v->s, v->n);
}

/* the string at @path ("content", "message.content") of the record's JSON body: 1, 0 or -ENOMEM */
static int body_text(struct evctx *e, const char *const *path, const char **s, size_t *n)
{
	const struct tv_val *b = &e->r->body;
	struct tv_jv v;
	int r;

	if (b->type != TV_V_JSON && b->type != TV_V_STR) {
		return 0;
	}
	r = parse_inner(e, b->s, b->n, &v);
	if (r != 0) {
		return r < 0 ? r : 0;
	}
	for (; *path; path++) {
		if (!tv_jv_get(&v, *path, &v)) {
			return 0;
		}
	}
	return tv_jv_str(&v, s, n) && *n > 0;
}

/*
 * A v1.36 user message: the prompt of a turn.  The whole history is sent
 * again with every call, so a text some turn already has opens nothing.
 */
static int on_user_message(struct evctx *e)
{
	static const char *const path[] = { "content", NULL };
	struct tv_session *s = e->s;
	struct tv_turn *t;
	const char *text;
	size_t n;
	int r = body_text(e, path, &text, &n);

	if (r <= 0) {
		return r;
	}
	for (size_t i = 0; i < s->n_turns; i++) {
		if (s->turns[i].prompt && eq(text, n, s->turns[i].prompt)) {
			return 0;
		}
	}
	t = s->n_turns > 0 && s->turns[s->n_turns - 1].prompt == NULL ? &s->turns[s->n_turns - 1]
								      : tv_session_add_turn(s);
	if (t == NULL || tv_set_str(&t->prompt, text, n) < 0) {
		return -ENOMEM;
	}
	if (t->start_time == TV_NONE) {
		t->start_time = e->r->time;
	}
	return 0;
}

/* a v1.36 choice: the answer of the latest turn */
static int on_choice(struct evctx *e)
{
	static const char *const path[] = { "message", "content", NULL };
	struct tv_turn *t;
	const char *text;
	size_t n;
	int r = body_text(e, path, &text, &n);

	if (r <= 0) {
		return r;
	}
	t = e->s->n_turns > 0 ? &e->s->turns[e->s->n_turns - 1] : tv_session_add_turn(e->s);
	if (t == NULL) {
		return -ENOMEM;
	}
	t->output_at = e->r->time;
	return tv_set_str(&t->output, text, n);
}

static int apply(struct evctx *e, enum tv_ev ev)
{
	switch (ev) {
	case TV_EV_USER_PROMPT:
		return on_user_prompt(e);
	case TV_EV_REQUEST:
		return on_api_request(e);
	case TV_EV_RESPONSE:
		return on_api_response(e);
	case TV_EV_ERROR:
		return on_api_error(e);
	case TV_EV_TOOL:
		return on_tool_call(e);
	case TV_EV_DECISION:
		return on_decision(e);
	case TV_EV_OUTPUT:
		return on_output(e);
	case TV_EV_USER_MESSAGE:
		return on_user_message(e);
	case TV_EV_CHOICE:
		return on_choice(e);
	case TV_EV_OTHER:
	default:
		return 0;
	}
}

/* the record as an event object, when the reader has no JSON of its own */
static int build_event(struct evctx *e, struct tv_strbuf *b)
{
	const struct tv_record *r = e->r;
	struct tv_jw w;
	int ret;

	tv_strbuf_reset(b);
	tv_jw_init(&w, b);
	tv_jw_obj_begin(&w);
	tv_jw_key(&w, "time");
	tv_jw_time(&w, r->time);
	tv_jw_key(&w, "name");
	if (r->name) {
		tv_jw_str(&w, r->name, r->name_len);
	} else {
		tv_jw_null(&w);
	}
	tv_jw_key(&w, "body");
	ret = tv_jw_error(&w);
	if (ret == 0) {
		ret = tv_val_to_json(&r->body, b);
	}
	w.need_comma = true;
	tv_jw_key(&w, "attributes");
	tv_jw_obj_begin(&w);
	for (size_t i = 0; i < r->n_attrs && ret == 0; i++) {
		tv_jw_key_n(&w, r->attrs[i].key, r->attrs[i].klen);
		ret = tv_jw_error(&w);
		if (ret == 0) {
			ret = tv_val_to_json(&r->attrs[i].v, b);
		}
		w.need_comma = true;
	}
	tv_jw_obj_end(&w);
	if (r->trace_id) {
		tv_jw_key(&w, "trace_id");
		tv_jw_str(&w, r->trace_id, r->trace_id_len);
	}
	tv_jw_obj_end(&w);
	return ret ? ret : tv_jw_error(&w);
}

static int add_event(struct evctx *e)
{
	struct tv_strbuf *b = &e->ctx->scratch2;
	int r;

	if (e->r->raw) {
		return tv_session_add_event(e->s, e->r->raw, e->r->raw_len);
	}
	r = build_event(e, b);
	if (r < 0) {
		return r;
	}
	return tv_session_add_event(e->s, b->p, b->len);
}

/* first-seen session attributes: service, user, resource and a few common attrs */
static int session_info(struct evctx *e)
{
	static const char *const common[] = { "installation.id", "auth_type", "interactive",
					      "experiments.ids" };
	struct tv_session *s = e->s;
	struct tv_strbuf *b = &e->ctx->scratch2;
	const struct tv_attr *a;
	int r = 0;

	if (s->source_service == NULL) {
		a = tv_attrs_find(e->r->res, e->r->n_res, "service.name");
		if (a && a->v.type == TV_V_STR) {
			r = tv_set_str(&s->source_service, a->v.s, a->v.n);
		} else if (e->d && e->d->service) {
			r = tv_set_str(&s->source_service, e->d->service, strlen(e->d->service));
		}
	}
	if (r == 0 && s->user == NULL) {
		r = set_attr_str(e, &s->user, "user.email");
	}
	if (r == 0 && e->r->n_res > 0 && tv_kvlist_find(&s->metadata, "resource") == NULL) {
		r = tv_attrs_to_json(e->r->res, e->r->n_res, "session.id", b);
		if (r == 0) {
			r = tv_kvlist_set(&s->metadata, "resource", 8, b->p, b->len);
		}
	}
	for (size_t i = 0; i < 4 && r == 0; i++) {
		a = tv_attrs_find(e->r->attrs, e->r->n_attrs, common[i]);
		if (a == NULL || a->v.type == TV_V_NONE ||
		    tv_kvlist_find(&s->metadata, common[i])) {
			continue;
		}
		tv_strbuf_reset(b);
		r = tv_val_to_json(&a->v, b);
		if (r == 0) {
			r = tv_kvlist_set(&s->metadata, common[i], strlen(common[i]), b->p, b->len);
		}
	}
	return r;
}

int tv_events_apply(struct tv_read_ctx *ctx, const struct tv_record *r)
{
	struct evctx e = { .ctx = ctx, .r = r };
	const char *key;
	size_t key_len;
	enum tv_ev ev;
	int ret;

	if (!take(&e, &ev, &key, &key_len)) {
		return 0;
	}
	e.s = tv_read_open_session(ctx, key, key_len, r->time, r->line);
	if (e.s == NULL) {
		return -ENOMEM;
	}
	if (r->time != TV_NONE) { /* the session spans its records */
		if (e.s->start_time == TV_NONE || r->time < e.s->start_time) {
			e.s->start_time = r->time;
		}
		if (e.s->end_time == TV_NONE || r->time > e.s->end_time) {
			e.s->end_time = r->time;
		}
	}
	ctx->st.records_read++;
	ctx->st.records_used++;
	ret = session_info(&e);
	if (ret == 0 && ctx->o.keep_events) {
		ret = add_event(&e);
	}
	return ret < 0 ? ret : apply(&e, ev);
}
