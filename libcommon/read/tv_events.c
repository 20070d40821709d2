// SPDX-License-Identifier: MIT
/*
 * Gemini CLI / Qwen Code telemetry events to sessions (docs/FORMATS.md#log-events).
 *
 * session.id is the session; prompt_id the turn (user_prompt starts it);
 * api_request/api_response/api_error are llm_calls; tool_call is a
 * tool_call.  Events of other producers (generic OTLP logs) land in the
 * session named by session.id, gen_ai.conversation.id or the trace id and
 * are kept only as events.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libcommon/core/tv_text.h"
#include "libcommon/json/tv_jw.h"
#include "libcommon/read/tv_read_ctx.h"

enum ev {
	EV_OTHER,
	EV_USER_PROMPT,
	EV_API_REQUEST,
	EV_API_RESPONSE,
	EV_API_ERROR,
	EV_TOOL_CALL,
};

struct evctx {
	struct tv_read_ctx *ctx;
	const struct tv_record *r;
	struct tv_session *s;
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

static int64_t attr_int(const struct evctx *e, const char *key)
{
	const struct tv_val *v = attr(e, key);
	int64_t i;

	return v && tv_val_int(v, &i) ? i : TV_NONE;
}

static int set_attr_str(const struct evctx *e, char **dst, const char *key)
{
	const struct tv_val *v = attr_str(e, key);

	return v ? tv_set_str(dst, v->s, v->n) : 0;
}

static enum ev classify(const char *name, size_t n, const char **service, size_t *svc_len)
{
	static const struct {
		const char *suffix;
		enum ev ev;
	} map[] = {
		{ "user_prompt", EV_USER_PROMPT },   { "api_request", EV_API_REQUEST },
		{ "api_response", EV_API_RESPONSE }, { "api_error", EV_API_ERROR },
		{ "tool_call", EV_TOOL_CALL },
	};
	const char *dot;

	*service = NULL;
	*svc_len = 0;
	if (n > 11 && memcmp(name, "gemini_cli.", 11) == 0) {
		*service = "gemini-cli";
		*svc_len = 10;
	} else if (n > 10 && memcmp(name, "qwen-code.", 10) == 0) {
		*service = "qwen-code";
		*svc_len = 9;
	} else {
		return EV_OTHER;
	}
	dot = memchr(name, '.', n);
	dot++;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (eq(dot, n - (size_t)(dot - name), map[i].suffix)) {
			return map[i].ev;
		}
	}
	return EV_OTHER;
}

/* the session key: session.id, gen_ai.conversation.id, else the trace id */
void tv_events_skip_keyless(struct tv_read_ctx *ctx, const struct tv_record *r)
{
	ctx->st.records_skipped++;
	if (!ctx->warned_nokey) {
		ctx->warned_nokey = true;
		tv_read_warn(ctx, r->line,
			     "log records without session.id, "
			     "gen_ai.conversation.id or trace id are skipped (counted)");
	}
}

bool tv_events_key(const struct tv_record *r, struct tv_strbuf *buf, const char **k, size_t *n)
{
	static const char *const keys[] = { "session.id", "gen_ai.conversation.id" };

	for (size_t i = 0; i < 2; i++) {
		const struct tv_attr *a = tv_attrs_find(r->attrs, r->n_attrs, keys[i]);

		if (a == NULL) {
			a = tv_attrs_find(r->res, r->n_res, keys[i]);
		}
		if (a && a->v.type == TV_V_STR && a->v.n > 0) {
			*k = a->v.s;
			*n = a->v.n;
			return true;
		}
	}
	tv_strbuf_reset(buf);
	if (r->trace_id && r->trace_id_len > 0 &&
	    tv_text_put_id(buf, r->trace_id, r->trace_id_len) == 0) {
		*k = buf->p;
		*n = buf->len;
		return true;
	}
	return false;
}

static struct tv_turn *turn_for(struct evctx *e)
{
	const struct tv_val *pid = attr_str(e, "prompt_id");
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
	const struct tv_val *p = attr_str(e, "prompt");
	/* a user_prompt starts a turn: without a prompt_id, always a new one */
	struct tv_turn *t = attr_str(e, "prompt_id") ? turn_for(e) : tv_session_add_turn(e->s);

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
	r = set_attr_str(e, &c->model, "model");
	if (r == 0) {
		r = set_attr_str(e, &c->request_text, "request_text");
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
	if (set_attr_str(e, &c->model, "model") < 0) {
		return NULL;
	}
	if (c->model == NULL && set_attr_str(e, &c->model, "model_name") < 0) {
		return NULL;
	}
	c->duration = attr_int(e, "duration_ms");
	if (c->duration != TV_NONE) {
		c->duration *= TV_NS_PER_MS;
	}
	if (e->r->time != TV_NONE) {
		c->time = e->r->time - (c->duration != TV_NONE ? c->duration : 0);
	}
	c->status_code = attr_int(e, "status_code");
	if (c->status_code == TV_NONE) {
		c->status_code = attr_int(e, "http.status_code");
	}
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
 * The turn's output: the text of a Gemini response JSON, else the raw text.
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
	if (tv_jv_type(&root) == TV_J_ARRAY) { /* streamed chunks */
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
	const struct tv_val *v = attr(e, "finish_reasons");
	struct tv_jv root, first;
	struct tv_jiter it;
	const char *k, *s;
	size_t kn, n;
	int r;

	if (v == NULL) {
		v = attr(e, "finish_reason");
	}
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
	c->input_tokens = attr_int(e, "input_token_count");
	c->output_tokens = attr_int(e, "output_token_count");
	c->cached_tokens = attr_int(e, "cached_content_token_count");
	c->thinking_tokens = attr_int(e, "thoughts_token_count");
	c->total_tokens = attr_int(e, "total_token_count");
	r = finish_reason(e, c);
	resp = attr_str(e, "response_text");
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
	type = attr_str(e, "error.type");
	if (type == NULL) {
		type = attr_str(e, "error_type");
	}
	msg = attr_str(e, "error.message");
	if (msg == NULL) {
		msg = attr_str(e, "error");
	}
	if (msg == NULL) {
		msg = attr_str(e, "error_message");
	}
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
	const struct tv_val *v = attr(e, "function_args");
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

static int on_tool_call(struct evctx *e)
{
	struct tv_turn *t = turn_for(e);
	const struct tv_val *v;
	struct tv_tool_call *c;
	bool ok;
	int r;

	if (t == NULL || (c = tv_turn_add_tool(t)) == NULL) {
		return -ENOMEM;
	}
	c->duration = attr_int(e, "duration_ms");
	if (c->duration != TV_NONE) {
		c->duration *= TV_NS_PER_MS;
	}
	if (e->r->time != TV_NONE) {
		c->time = e->r->time - (c->duration != TV_NONE ? c->duration : 0);
	}
	v = attr(e, "success");
	if (v && tv_val_bool(v, &ok)) {
		c->success = ok;
	}
	r = set_attr_str(e, &c->name, "function_name");
	if (r == 0) {
		r = tool_args(e, c);
	}
	if (r == 0) {
		r = set_attr_str(e, &c->decision, "decision");
	}
	if (r == 0) {
		r = set_attr_str(e, &c->type, "tool_type");
	}
	if (r == 0) {
		r = set_attr_str(e, &c->error, "error.message");
	}
	if (r == 0 && c->error == NULL) {
		r = set_attr_str(e, &c->error, "error");
	}
	return r;
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

static int attrs_object(const struct tv_attr *a, size_t n, struct tv_strbuf *b, const char *skip)
{
	struct tv_jw w;
	int r = 0;

	tv_strbuf_reset(b);
	tv_jw_init(&w, b);
	tv_jw_obj_begin(&w);
	for (size_t i = 0; i < n && r == 0; i++) {
		if (skip && eq(a[i].key, a[i].klen, skip)) {
			continue;
		}
		tv_jw_key_n(&w, a[i].key, a[i].klen);
		r = tv_jw_error(&w);
		if (r == 0) {
			r = tv_val_to_json(&a[i].v, b);
		}
		w.need_comma = true;
	}
	tv_jw_obj_end(&w);
	return r ? r : tv_jw_error(&w);
}

/* first-seen session attributes: service, user, resource and a few common attrs */
static int session_info(struct evctx *e, const char *svc, size_t svc_len)
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
		} else if (svc) {
			r = tv_set_str(&s->source_service, svc, svc_len);
		}
	}
	if (r == 0 && s->user == NULL) {
		r = set_attr_str(e, &s->user, "user.email");
	}
	if (r == 0 && e->r->n_res > 0 && tv_kvlist_find(&s->metadata, "resource") == NULL) {
		r = attrs_object(e->r->res, e->r->n_res, b, "session.id");
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
	const char *name = r->name, *key, *svc;
	size_t name_len = r->name_len, key_len, svc_len;
	enum ev ev;
	int ret;

	if (name == NULL) {
		const struct tv_val *v = attr_str(&e, "event.name");

		name = v ? v->s : "";
		name_len = v ? v->n : 0;
	}
	if (!tv_events_key(r, &ctx->keybuf, &key, &key_len)) {
		tv_events_skip_keyless(ctx, r);
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
	ctx->st.records_used++;
	ev = classify(name, name_len, &svc, &svc_len);
	ret = session_info(&e, svc, svc_len);
	if (ret == 0 && ctx->o.keep_events) {
		ret = add_event(&e);
	}
	if (ret < 0) {
		return ret;
	}
	switch (ev) {
	case EV_USER_PROMPT:
		return on_user_prompt(&e);
	case EV_API_REQUEST:
		return on_api_request(&e);
	case EV_API_RESPONSE:
		return on_api_response(&e);
	case EV_API_ERROR:
		return on_api_error(&e);
	case EV_TOOL_CALL:
		return on_tool_call(&e);
	case EV_OTHER:
	default:
		return 0;
	}
}
