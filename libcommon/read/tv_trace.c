// SPDX-License-Identifier: MIT
/*
 * One complete trace to turns (docs/FORMATS.md#traces): the session is
 * gen_ai.conversation.id, else session.id, else the trace id; an
 * invoke_agent span (or, without one, a root span) is a turn; chat,
 * generate_content and text_completion spans are llm_calls and
 * execute_tool spans tool_calls, attached to the turn above them.  An
 * agent run inside a turn (through a tool or an A2A call) is a sub-agent
 * of that turn, not a turn: its calls are the turn's, marked with its id.
 * Which span is whose is read/tv_tree.c's; the attributes are read here.
 * OTel GenAI (current and deprecated keys), OpenInference and OpenLLMetry
 * attributes are all understood.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcommon/core/tv_int.h"
#include "libcommon/read/tv_origin.h"
#include "libcommon/read/tv_read_ctx.h"
#include "libcommon/read/tv_tree.h"

struct tctx {
	struct tv_read_ctx *ctx;
	const struct tv_trace *t;
	struct tv_session *s;
	struct tv_tree tree;  /* turns, sub-agents and calls, by span index */
	bool by_trace;	      /* the session is keyed by the trace id */
	size_t *by_id;	      /* span indexes sorted by span id */
	int *status;	      /* span status, merged over copies of one span */
	const char **message; /* the status message of the copy whose status it is */
	bool *dup;	      /* a later copy of a span already seen */
};

static bool eq(const char *s, size_t n, const char *lit)
{
	return strlen(lit) == n && memcmp(s, lit, n) == 0;
}

static const struct tv_val *sattr(const struct tv_ospan *sp, const char *key)
{
	const struct tv_attr *a = tv_attrs_find(sp->attrs, sp->n_attrs, key);

	return a && a->v.type != TV_V_NONE ? &a->v : NULL;
}

static const struct tv_val *sattr_str(const struct tv_ospan *sp, const char *key)
{
	const struct tv_val *v = sattr(sp, key);

	return v && v->type == TV_V_STR ? v : NULL;
}

static int64_t sattr_int(const struct tv_ospan *sp, const char *const *keys)
{
	int64_t i;

	for (; *keys; keys++) {
		const struct tv_val *v = sattr(sp, *keys);

		if (v && tv_val_int(v, &i)) {
			return i;
		}
	}
	return TV_NONE;
}

static const struct tv_val *first_str(const struct tv_ospan *sp, const char *const *keys)
{
	for (; *keys; keys++) {
		const struct tv_val *v = sattr_str(sp, *keys);

		if (v && v->n > 0) {
			return v;
		}
	}
	return NULL;
}

static bool str_is(const struct tv_val *v, const char *lit)
{
	return v && v->type == TV_V_STR && eq(v->s, v->n, lit);
}

static bool str_ci(const struct tv_val *v, const char *lit)
{
	size_t k = strlen(lit);

	if (v == NULL || v->type != TV_V_STR || v->n != k) {
		return false;
	}
	for (size_t i = 0; i < k; i++) {
		if ((v->s[i] | 0x20) != (lit[i] | 0x20)) {
			return false;
		}
	}
	return true;
}

static enum tv_tree_role span_role(const struct tv_ospan *sp)
{
	const struct tv_val *op = sattr_str(sp, "gen_ai.operation.name");
	const struct tv_val *oi = sattr_str(sp, "openinference.span.kind");
	const struct tv_val *tl = sattr_str(sp, "traceloop.span.kind");

	if (str_is(op, "invoke_agent") || str_ci(oi, "AGENT") || str_is(tl, "agent")) {
		return TV_TREE_AGENT;
	}
	/* Gemini CLI spells the operations tool_call and llm_call; Claude Code names its spans */
	if (str_is(op, "execute_tool") || str_is(op, "tool_call") || str_ci(oi, "TOOL") ||
	    str_is(tl, "tool") || (sp->name && strcmp(sp->name, "claude_code.tool") == 0)) {
		return TV_TREE_TOOL;
	}
	if (str_is(op, "chat") || str_is(op, "generate_content") || str_is(op, "text_completion") ||
	    str_is(op, "llm_call") || str_ci(oi, "LLM") || sattr(sp, "llm.request.type") ||
	    (sp->name && strcmp(sp->name, "claude_code.llm_request") == 0)) {
		return TV_TREE_LLM;
	}
	if (op == NULL && oi == NULL && sattr(sp, "gen_ai.request.model")) {
		return TV_TREE_LLM;
	}
	return TV_TREE_OTHER;
}

/* ---- message text ---- */

/* JSON text held in a value: 0, 1 when it is not JSON, or -ENOMEM (never "not JSON") */
static int parse_inner(struct tv_read_ctx *ctx, const char *s, size_t n, struct tv_jv *root)
{
	int r;

	tv_strbuf_reset(&ctx->scratch);
	if (tv_strbuf_append(&ctx->scratch, s, n) < 0) {
		return -ENOMEM;
	}
	r = tv_json_parse(ctx->jp2, ctx->scratch.p, ctx->scratch.len, root, NULL);
	return r == -ENOMEM ? r : r < 0 ? 1 : 0;
}

static int append_text(struct tv_strbuf *out, const char *s, size_t n)
{
	if (out->len > 0 && tv_strbuf_putc(out, '\n') < 0) {
		return -ENOMEM;
	}
	return tv_strbuf_append(out, s, n);
}

/* text of one message's content: a string, or parts [{type:text, content|text}] */
static int content_text(const struct tv_jv *m, struct tv_strbuf *out)
{
	static const char *const fields[] = { "parts", "content", "text" };
	struct tv_jv c, part, txt;
	struct tv_jiter it;
	const char *k, *s;
	size_t kn, n;
	int r = 0;

	for (size_t f = 0; f < 3; f++) {
		if (!tv_jv_get(m, fields[f], &c)) {
			continue;
		}
		if (tv_jv_str(&c, &s, &n)) {
			return append_text(out, s, n);
		}
		tv_jv_iter_init(&c, &it);
		while (r == 0 && tv_jv_iter_next(&it, &k, &kn, &part)) {
			struct tv_jv ty;
			const char *ts;
			size_t tn;

			if (tv_jv_get(&part, "type", &ty) && tv_jv_str(&ty, &ts, &tn) &&
			    !eq(ts, tn, "text")) {
				continue;
			}
			if ((tv_jv_get(&part, "content", &txt) || tv_jv_get(&part, "text", &txt)) &&
			    tv_jv_str(&txt, &s, &n)) {
				r = append_text(out, s, n);
			}
		}
		return r;
	}
	return 0;
}

/*
 * The text of the last message with @role in a messages JSON (GenAI
 * input/output messages, OpenAI-style messages); a JSON string or plain
 * text is taken as is.  Result in ctx->scratch2; false if none.
 */
static int messages_text(struct tv_read_ctx *ctx, const struct tv_val *v, const char *role)
{
	struct tv_strbuf *out = &ctx->scratch2;
	struct tv_jv root, m, last, rv;
	struct tv_jiter it;
	const char *k, *s;
	size_t kn, n;
	bool found = false;
	int r;

	tv_strbuf_reset(out);
	if (v == NULL || v->type != TV_V_STR || v->n == 0) {
		return 0;
	}
	r = v->s[0] != '[' && v->s[0] != '{' ? 1 : parse_inner(ctx, v->s, v->n, &root);
	if (r != 0) {
		return r < 0 ? r : tv_strbuf_append(out, v->s, v->n) < 0 ? -ENOMEM : 1;
	}
	if (tv_jv_type(&root) == TV_J_OBJECT) {
		/* {"messages": [...]} or a single message */
		if (!tv_jv_get(&root, "messages", &m)) {
			m = root;
		}
		root = m;
	}
	if (tv_jv_type(&root) == TV_J_OBJECT) {
		last = root;
		found = true;
	} else {
		tv_jv_iter_init(&root, &it);
		while (tv_jv_iter_next(&it, &k, &kn, &m)) {
			if (tv_jv_get(&m, "role", &rv) && tv_jv_str(&rv, &s, &n) &&
			    !eq(s, n, role) &&
			    !(eq(role, strlen(role), "assistant") && eq(s, n, "model"))) {
				continue;
			}
			last = m;
			found = true;
		}
	}
	if (!found) {
		return 0;
	}
	if (content_text(&last, out) < 0) {
		return -ENOMEM;
	}
	return out->len > 0;
}

/* indexed keys: PREFIX.<i>.role / PREFIX.<i>.MIDcontent (OpenLLMetry, OpenInference) */
static int indexed_text(struct tv_read_ctx *ctx, const struct tv_ospan *sp, const char *prefix,
			const char *mid, const char *role)
{
	struct tv_strbuf *out = &ctx->scratch2;
	char key[128];
	const struct tv_val *r, *c, *best = NULL;

	tv_strbuf_reset(out);
	int best_i = -1;

	for (int i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "%s.%d.%srole", prefix, i, mid);
		r = sattr_str(sp, key);
		snprintf(key, sizeof(key), "%s.%d.%scontent", prefix, i, mid);
		c = sattr_str(sp, key);
		if (c == NULL) { /* OpenInference: contents.J.message_content.text */
			snprintf(key, sizeof(key), "%s.%d.%scontents.0.message_content.text",
				 prefix, i, mid);
			c = sattr_str(sp, key);
		}
		if (r == NULL && c == NULL) {
			break;
		}
		if (c && (r == NULL || eq(r->s, r->n, role))) {
			best = c;
			best_i = i;
		}
	}
	if (best == NULL) {
		return 0;
	}
	if (tv_strbuf_append(out, best->s, best->n) < 0) {
		return -ENOMEM;
	}
	for (int j = 1; j < 100; j++) { /* further text parts of the same message */
		snprintf(key, sizeof(key), "%s.%d.%scontents.%d.message_content.text", prefix,
			 best_i, mid, j);
		c = sattr_str(sp, key);
		if (c == NULL) {
			break;
		}
		if (append_text(out, c->s, c->n) < 0) {
			return -ENOMEM;
		}
	}
	return 1;
}

/* the user prompt (@user) or the assistant output of a span, in ctx->scratch2: 1, 0 or -ENOMEM */
static int span_text(struct tv_read_ctx *ctx, const struct tv_ospan *sp, bool user)
{
	static const char *const in_keys[] = {
		"gen_ai.input.messages",  "gen_ai.prompt", "input.value",
		"traceloop.entity.input", "user_prompt",   NULL
	}; /* claude_code.interaction */
	static const char *const out_keys[] = { "gen_ai.output.messages", "gen_ai.completion",
						"output.value", "traceloop.entity.output", NULL };
	const char *const *keys = user ? in_keys : out_keys;
	const char *role = user ? "user" : "assistant";
	int r = 0;

	for (; *keys && r == 0; keys++) {
		r = messages_text(ctx, sattr_str(sp, *keys), role);
	}
	if (r == 0) {
		r = indexed_text(ctx, sp, user ? "gen_ai.prompt" : "gen_ai.completion", "", role);
	}
	if (r == 0) {
		r = indexed_text(ctx, sp, user ? "llm.input_messages" : "llm.output_messages",
				 "message.", role);
	}
	return r;
}

/* the user prompt (@user) or the output of a span into *@dst, if it has one: 0 or -ENOMEM */
static int take_text(struct tv_read_ctx *ctx, const struct tv_ospan *sp, bool user, char **dst)
{
	int r = span_text(ctx, sp, user);

	return r <= 0 ? r : tv_set_str(dst, ctx->scratch2.p, ctx->scratch2.len);
}

/* span indexes sorted by span id (then position), for lookups by id */
static const struct tv_trace *sort_trace;

static int cmp_span_idx(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	const char *x = sort_trace->spans[i].span_id, *y = sort_trace->spans[j].span_id;
	int c = strcmp(x ? x : "", y ? y : "");

	return c ? c : (i > j) - (i < j);
}

/* the first span with @id, by binary search over x->by_id */
static ssize_t find_span(const struct tctx *x, const char *id)
{
	size_t lo = 0, hi = x->t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *m = x->t->spans[x->by_id[mid]].span_id;

		if (strcmp(m ? m : "", id) < 0) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	if (lo < x->t->n && x->t->spans[x->by_id[lo]].span_id &&
	    strcmp(x->t->spans[x->by_id[lo]].span_id, id) == 0) {
		return (ssize_t)x->by_id[lo];
	}
	return -1;
}

/*
 * Index the spans by id.  A span reported twice (Jaeger does this) is one
 * span: the first copy stands for it, with the worst status of all copies.
 */
static void index_spans(struct tctx *x)
{
	const struct tv_trace *t = x->t;
	size_t k = 0;

	for (size_t i = 0; i < t->n; i++) {
		x->by_id[i] = i;
		x->status[i] = t->spans[i].status;
		x->message[i] = t->spans[i].status_message;
	}
	sort_trace = t;
	qsort(x->by_id, t->n, sizeof(*x->by_id), cmp_span_idx);
	sort_trace = NULL;
	while (k < t->n) {
		size_t head = x->by_id[k], e = k + 1; /* ties sort by position: head is first */
		const char *id = t->spans[head].span_id;

		while (e < t->n && id && t->spans[x->by_id[e]].span_id &&
		       strcmp(t->spans[x->by_id[e]].span_id, id) == 0) {
			size_t d = x->by_id[e++];

			if (x->status[d] == 2 || (x->status[head] == 0 && x->status[d] == 1)) {
				if (x->status[d] != x->status[head] && t->spans[d].status_message) {
					x->message[head] = t->spans[d].status_message;
				}
				x->status[head] = x->status[d];
			}
			x->dup[d] = true;
		}
		k = e;
	}
}

static int span_status(const struct tctx *x, const struct tv_ospan *sp)
{
	return x->status[sp - x->t->spans];
}

/* the status message that goes with span_status() (NULL or "" for none) */
static const char *span_message(const struct tctx *x, const struct tv_ospan *sp)
{
	return x->message[sp - x->t->spans];
}

/* ---- building ---- */

static int set_val(char **dst, const struct tv_val *v)
{
	return v ? tv_set_str(dst, v->s, v->n) : 0;
}

/* the first string of a JSON array value */
static int first_json_str(struct tv_read_ctx *ctx, const struct tv_val *v, char **dst)
{
	struct tv_jv root, first;
	struct tv_jiter it;
	const char *k, *s;
	size_t kn, n;

	int r = parse_inner(ctx, v->s, v->n, &root);

	if (r != 0) {
		return r < 0 ? r : 0;
	}
	tv_jv_iter_init(&root, &it);
	if (tv_jv_iter_next(&it, &k, &kn, &first) && tv_jv_str(&first, &s, &n)) {
		return tv_set_str(dst, s, n);
	}
	return 0;
}

/* "finish_reason" of an output JSON object ({"text": ..., "finish_reason": ...}) */
static int output_finish_reason(struct tv_read_ctx *ctx, const struct tv_val *v, char **dst)
{
	struct tv_jv root, fr;
	const char *s;
	size_t n;

	int r = v == NULL || v->n == 0 || v->s[0] != '{' ? 1 : parse_inner(ctx, v->s, v->n, &root);

	if (r != 0) {
		return r < 0 ? r : 0;
	}
	if (tv_jv_get(&root, "finish_reason", &fr) && tv_jv_str(&fr, &s, &n)) {
		return tv_set_str(dst, s, n);
	}
	return 0;
}

/*
 * Claude Code's claude_code.llm_request spans count input_tokens without
 * the cache (cache_read_tokens, cache_creation_tokens): input counts all.
 */
static void claude_tokens(const struct tv_ospan *sp, struct tv_llm_call *c)
{
	static const char *const in[] = { "input_tokens", NULL };
	static const char *const out[] = { "output_tokens", NULL };
	static const char *const read[] = { "cache_read_tokens", NULL };
	static const char *const write[] = { "cache_creation_tokens", NULL };
	int64_t cr = sattr_int(sp, read), cw = sattr_int(sp, write);

	if (c->input_tokens != TV_NONE || (c->input_tokens = sattr_int(sp, in)) == TV_NONE) {
		return;
	}
	if (c->output_tokens == TV_NONE) {
		c->output_tokens = sattr_int(sp, out);
	}
	c->input_tokens = tv_add_sat(c->input_tokens,
				     tv_add_sat(cr != TV_NONE ? cr : 0, cw != TV_NONE ? cw : 0));
	if (c->cached_tokens == TV_NONE) {
		c->cached_tokens = cr;
	}
}

/* token counts: input, output and total, wherever a span carries them */
static const char *const in_tokens[] = { "gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens",
					 "llm.token_count.prompt", NULL };
static const char *const out_tokens[] = { "gen_ai.usage.output_tokens",
					  "gen_ai.usage.completion_tokens",
					  "llm.token_count.completion", NULL };
static const char *const total_tokens[] = { "llm.usage.total_tokens", "llm.token_count.total",
					    "gen_ai.usage.total_tokens", NULL };

static bool has_usage(const struct tv_ospan *sp)
{
	return sattr_int(sp, in_tokens) != TV_NONE || sattr_int(sp, out_tokens) != TV_NONE ||
	       sattr_int(sp, total_tokens) != TV_NONE;
}

static int llm_from_span(struct tctx *x, const struct tv_ospan *sp, struct tv_turn *t)
{
	static const char *const model[] = { "gen_ai.response.model", "gen_ai.request.model",
					     "llm.model_name", "model", NULL };
	static const char *const cached[] = { "gen_ai.usage.cache_read.input_tokens",
					      "gen_ai.usage.cache_read_input_tokens",
					      "llm.token_count.prompt_details.cache_read", NULL };
	static const char *const think[] = { "gen_ai.usage.reasoning.output_tokens",
					     "gen_ai.usage.reasoning_tokens",
					     "llm.token_count.completion_details.reasoning", NULL };
	static const char *const code[] = { "http.response.status_code", "http.status_code", NULL };
	static const char *const reqk[] = { "gen_ai.input.messages", "gen_ai.prompt", "input.value",
					    NULL };
	static const char *const respk[] = { "gen_ai.output.messages", "gen_ai.completion",
					     "output.value", NULL };
	struct tv_llm_call *c = tv_turn_add_llm(t);
	const struct tv_val *err = sattr_str(sp, "error.type");
	const struct tv_val *fr = sattr(sp, "gen_ai.response.finish_reasons");
	int r;

	if (c == NULL) {
		return -ENOMEM;
	}
	c->time = sp->start;
	c->duration = tv_time_diff(sp->end, sp->start);
	c->status = span_status(x, sp) == 2 || err ? TV_STATUS_ERROR : TV_STATUS_OK;
	if (err && (str_ci(err, "timeout") || str_ci(err, "deadline_exceeded"))) {
		c->status = TV_STATUS_TIMEOUT;
	}
	c->status_code = sattr_int(sp, code);
	if (c->status_code == TV_NONE && err && !tv_val_int(err, &c->status_code)) {
		c->status_code = TV_NONE;
	}
	c->input_tokens = sattr_int(sp, in_tokens);
	c->output_tokens = sattr_int(sp, out_tokens);
	c->cached_tokens = sattr_int(sp, cached);
	claude_tokens(sp, c);
	c->thinking_tokens = sattr_int(sp, think);
	c->total_tokens = sattr_int(sp, total_tokens);
	c->seen |= TV_LLM_THINKING_IN_OUTPUT; /* as the conventions count reasoning */
	r = set_val(&c->model, first_str(sp, model));
	if (r == 0 && fr &&
	    (fr->type == TV_V_JSON || (fr->type == TV_V_STR && fr->n > 0 && fr->s[0] == '['))) {
		r = first_json_str(x->ctx, fr, &c->finish_reason); /* ["stop"], maybe as text */
	} else if (r == 0 && fr && fr->type == TV_V_STR) {
		r = set_val(&c->finish_reason, fr);
	}
	if (r == 0 && c->finish_reason == NULL) {
		r = output_finish_reason(x->ctx, first_str(sp, respk), &c->finish_reason);
	}
	if (r == 0 && c->status != TV_STATUS_OK) {
		const char *msg = span_message(x, sp);

		if (msg && msg[0]) {
			r = tv_set_str(&c->error, msg, strlen(msg));
		} else {
			r = set_val(&c->error, err);
		}
	}
	if (r == 0) {
		r = set_val(&c->request_text, first_str(sp, reqk));
	}
	if (r == 0) {
		r = set_val(&c->response_text, first_str(sp, respk));
	}
	return r;
}

static int tool_from_span(struct tctx *x, const struct tv_ospan *sp, struct tv_turn *t)
{
	static const char *const name[] = { "gen_ai.tool.name", "tool.name",
					    "traceloop.entity.name", "tool_name", NULL };
	static const char *const args[] = { "gen_ai.tool.call.arguments", "tool.parameters",
					    "input.value", "traceloop.entity.input", NULL };
	/* the call id: GenAI, Gemini CLI's spelling, OpenInference, Claude Code */
	static const char *const ids[] = { "gen_ai.tool.call.id", "gen_ai.tool.call_id",
					   "tool_call.id",	  "tool.id",
					   "tool_use_id",	  NULL };
	struct tv_tool_call *c = tv_turn_add_tool(t);
	const struct tv_val *a, *nm;
	struct tv_strbuf *b = &x->ctx->scratch2;
	struct tv_jv root;
	int r = 0;

	if (c == NULL) {
		return -ENOMEM;
	}
	c->time = sp->start;
	c->duration = tv_time_diff(sp->end, sp->start);
	c->success = span_status(x, sp) != 2 && sattr(sp, "error.type") == NULL;
	nm = first_str(sp, name);
	if (nm) {
		r = set_val(&c->name, nm);
	} else if (sp->name && strncmp(sp->name, "execute_tool ", 13) == 0) {
		r = tv_set_str(&c->name, sp->name + 13, strlen(sp->name + 13));
	}
	a = first_str(sp, args);
	if (r == 0 && a) {
		tv_strbuf_reset(b);
		r = parse_inner(x->ctx, a->s, a->n, &root);
		if (r == 0) {
			r = tv_jv_minify(&root, b);
		} else if (r > 0) {
			r = tv_val_to_json(a, b);
		}
		if (r == 0) {
			r = tv_set_str(&c->args_json, b->p, b->len);
		}
	}
	if (r == 0) {
		r = set_val(&c->type, sattr_str(sp, "gen_ai.tool.type"));
	}
	if (r == 0 && (a = first_str(sp, ids)) != NULL) {
		r = tv_kvlist_set_str(&c->extra, "id", a->s, a->n);
	}
	if (r == 0 && !c->success && span_message(x, sp) && span_message(x, sp)[0]) {
		r = tv_set_str(&c->error, span_message(x, sp), strlen(span_message(x, sp)));
	}
	return r;
}

const char *tv_trace_key(const struct tv_trace *t, size_t *n)
{
	static const char *const keys[] = { "gen_ai.conversation.id", "session.id" };

	for (size_t k = 0; k < 2; k++) {
		for (size_t i = 0; i < t->n; i++) {
			const struct tv_attr *a =
				tv_attrs_find(t->spans[i].attrs, t->spans[i].n_attrs, keys[k]);

			if (a == NULL) {
				a = tv_attrs_find(t->spans[i].res, t->spans[i].n_res, keys[k]);
			}
			if (a && a->v.type == TV_V_STR && tv_read_key_ok(a->v.s, a->v.n)) {
				*n = a->v.n;
				return a->v.s;
			}
		}
	}
	*n = strlen(t->trace_id);
	return t->trace_id;
}

/* insert a turn keeping turns ordered by start time (stable) */
static struct tv_turn *new_turn(struct tv_session *s, int64_t start)
{
	struct tv_turn *t = tv_session_add_turn(s), tmp;
	size_t i;

	if (t == NULL) {
		return NULL;
	}
	i = s->n_turns - 1;
	while (i > 0 && start != TV_NONE && s->turns[i - 1].start_time != TV_NONE &&
	       s->turns[i - 1].start_time > start) {
		i--;
	}
	if (i == s->n_turns - 1) {
		return t;
	}
	tmp = s->turns[s->n_turns - 1];
	memmove(&s->turns[i + 1], &s->turns[i], (s->n_turns - 1 - i) * sizeof(*s->turns));
	s->turns[i] = tmp;
	return &s->turns[i];
}

static int fill_turn(struct tctx *x, const struct tv_ospan *sp, struct tv_turn *t)
{
	int r = 0;

	t->start_time = sp->start;
	t->end_time = sp->end;
	if (span_status(x, sp) == 2) {
		t->success = 0;
	}
	if (sp->span_id) {
		r = tv_set_str(&t->id, sp->span_id, strlen(sp->span_id));
	}
	if (r == 0) {
		r = take_text(x->ctx, sp, true, &t->prompt);
	}
	if (r == 0) {
		r = take_text(x->ctx, sp, false, &t->output);
	}
	return r;
}

/*
 * A turn (@agent -1) or a sub-agent (@agent its span) without its own
 * prompt/output takes them from the first/last llm span it made itself:
 * never from a sub-agent's, whose prompt is the sub-agent's instruction.
 */
static int borrow_text(struct tctx *x, ssize_t ti, ssize_t agent, char **prompt, char **output)
{
	bool need_output = *output == NULL;
	int r = 0;

	for (size_t i = 0; i < x->t->n && r == 0; i++) {
		const struct tv_ospan *sp = &x->t->spans[i];

		if (x->tree.role[i] != TV_TREE_LLM || x->dup[i] || x->tree.turn_of[i] != ti ||
		    x->tree.call_agent[i] != agent) {
			continue;
		}
		if (*prompt == NULL) {
			r = take_text(x->ctx, sp, true, prompt);
		}
		if (r == 0 && need_output) { /* the last one wins */
			r = take_text(x->ctx, sp, false, output);
		}
	}
	return r;
}

/* the span that speaks for the trace: its first root (no parent), else its first span */
static size_t first_root(const struct tv_trace *t)
{
	for (size_t i = 0; i < t->n; i++) {
		if (t->spans[i].parent_id == NULL) {
			return i;
		}
	}
	return 0;
}

/* an agent span says something of its own: a prompt or an output */
static bool agent_text(struct tctx *x, const struct tv_ospan *sp)
{
	return span_text(x->ctx, sp, true) || span_text(x->ctx, sp, false);
}

/* the shape of the trace (x->tree); true when some span has a GenAI role */
static int build(struct tctx *x, bool *genai)
{
	const struct tv_trace *t = x->t;
	struct tv_tree_span *in = calloc(t->n ? t->n : 1, sizeof(*in));
	int r;

	if (in == NULL) {
		return -ENOMEM;
	}
	index_spans(x);
	for (size_t i = 0; i < t->n; i++) {
		const struct tv_ospan *sp = &t->spans[i];

		in[i] = (struct tv_tree_span){
			.parent = sp->parent_id ? find_span(x, sp->parent_id) : -1,
			.names_parent = sp->parent_id != NULL,
			.skip = x->dup[i],
			.role = span_role(sp),
			.start = sp->start,
			.end = sp->end,
			.usage = has_usage(sp),
		};
		in[i].text = in[i].role == TV_TREE_AGENT && agent_text(x, sp);
	}
	r = tv_tree_build(&x->tree, in, t->n);
	free(in);
	*genai = false;
	for (size_t i = 0; i < t->n && r == 0; i++) {
		*genai |= x->tree.role[i] != TV_TREE_OTHER;
	}
	return r;
}

static struct tv_turn *turn_by_id(struct tv_session *s, const char *id)
{
	for (size_t i = s->n_turns; i-- > 0;) {
		if (s->turns[i].id && strcmp(s->turns[i].id, id) == 0) {
			return &s->turns[i];
		}
	}
	return NULL;
}

/* mark the last call of @kv as made by sub-agent span @agent (-1: by the turn's agent) */
static int mark_agent(struct tctx *x, struct tv_kvlist *kv, ssize_t agent)
{
	const char *id = agent >= 0 ? x->t->spans[agent].span_id : NULL;

	return id ? tv_kvlist_set_str(kv, "agent_id", id, strlen(id)) : 0;
}

/*
 * The llm_call of span @i: its own, completed from the llm spans around it
 * that describe the same call (tv_tree's call_of).
 */
static int llm_call(struct tctx *x, size_t i, struct tv_turn *turn)
{
	size_t into = turn->n_llm;
	int r = llm_from_span(x, &x->t->spans[i], turn);

	for (ssize_t up = x->tree.llm_up[i]; r == 0 && up >= 0; up = x->tree.llm_up[up]) {
		if (x->tree.call_of[up] != (ssize_t)i) {
			continue;
		}
		r = llm_from_span(x, &x->t->spans[up], turn);
		if (r == 0) {
			tv_turn_merge_llm(turn, into, turn->n_llm - 1);
		}
	}
	return r ? r : mark_agent(x, &turn->llm[into].extra, x->tree.call_agent[i]);
}

/* a sub-agent of @turn: who, what it was asked and answered, when */
static int add_agent(struct tctx *x, size_t i, struct tv_turn *turn)
{
	static const char *const name[] = { "gen_ai.agent.name", "agent.name",
					    "traceloop.entity.name", NULL };
	const struct tv_ospan *sp = &x->t->spans[i];
	struct tv_agent *a = tv_turn_add_agent(turn);
	ssize_t up = x->tree.sub_parent[i];
	int r = 0;

	if (a == NULL) {
		return -ENOMEM;
	}
	a->start_time = sp->start;
	a->end_time = sp->end;
	a->success = span_status(x, sp) == 2 ? 0 : span_status(x, sp) == 1 ? 1 : -1;
	if (sp->span_id) {
		r = tv_set_str(&a->id, sp->span_id, strlen(sp->span_id));
	}
	if (r == 0) {
		r = set_val(&a->name, first_str(sp, name));
	}
	if (r == 0 && a->name == NULL && sp->name && strncmp(sp->name, "invoke_agent ", 13) == 0) {
		r = tv_set_str(&a->name, sp->name + 13, strlen(sp->name + 13));
	}
	if (r == 0 && a->name == NULL && sp->name) {
		r = tv_set_str(&a->name, sp->name, strlen(sp->name));
	}
	if (r == 0 && up >= 0 && x->t->spans[up].span_id) {
		r = tv_set_str(&a->parent_id, x->t->spans[up].span_id,
			       strlen(x->t->spans[up].span_id));
	}
	if (r == 0) {
		r = take_text(x->ctx, sp, true, &a->instruction);
	}
	if (r == 0) {
		r = take_text(x->ctx, sp, false, &a->output);
	}
	return r;
}

/* what span @i adds to its turn: a sub-agent, an llm_call, a tool_call */
static int span_into(struct tctx *x, size_t i, struct tv_turn *turn)
{
	const struct tv_tree *tr = &x->tree;
	int r = 0;

	if (tr->role[i] == TV_TREE_AGENT && tr->sub[i]) {
		r = add_agent(x, i, turn);
	} else if (tr->role[i] == TV_TREE_LLM && tr->call_of[i] == (ssize_t)i) {
		r = llm_call(x, i, turn);
	} else if (tr->role[i] == TV_TREE_TOOL) {
		r = tool_from_span(x, &x->t->spans[i], turn);
		if (r == 0) {
			r = mark_agent(x, &turn->tools[turn->n_tools - 1].extra, tr->call_agent[i]);
		}
	}
	if (r == 0 && tr->usage_call[i]) { /* tokens an agent or tool span alone carries */
		r = llm_from_span(x, &x->t->spans[i], turn);
		if (r == 0) {
			r = mark_agent(x, &turn->llm[turn->n_llm - 1].extra,
				       tr->sub[i] ? (ssize_t)i : tr->call_agent[i]);
		}
	}
	return r;
}

/* the text a turn or a sub-agent lacks, from the llm calls it made itself */
static int borrow_all(struct tctx *x)
{
	int r = 0;

	for (size_t i = 0; i < x->s->n_turns && r == 0; i++) {
		struct tv_turn *turn = &x->s->turns[i];
		ssize_t ti = turn->id ? find_span(x, turn->id) : -1;

		if (ti >= 0 && (turn->prompt == NULL || turn->output == NULL)) {
			r = borrow_text(x, ti, -1, &turn->prompt, &turn->output);
		}
		for (size_t k = 0; k < turn->n_agents && r == 0 && ti >= 0; k++) {
			struct tv_agent *a = &turn->agents[k];
			ssize_t ai = a->id ? find_span(x, a->id) : -1;

			if (ai >= 0 && (a->instruction == NULL || a->output == NULL)) {
				r = borrow_text(x, ti, ai, &a->instruction, &a->output);
			}
		}
	}
	return r;
}

static int map_trace(struct tctx *x)
{
	const struct tv_trace *t = x->t;
	bool genai;
	int r = build(x, &genai);

	/*
	 * Create each turn once, found again by span id (turn pointers move as
	 * the array grows).  A trace without GenAI spans makes a turn per root.
	 */
	for (size_t i = 0; i < t->n && r == 0; i++) {
		ssize_t ti = x->tree.turn_of[i];
		const struct tv_ospan *ts = &t->spans[ti];
		struct tv_turn *turn;

		if (x->dup[i] ||
		    (x->tree.role[i] == TV_TREE_OTHER && (genai || x->tree.parent[i] >= 0))) {
			continue;
		}
		turn = ts->span_id ? turn_by_id(x->s, ts->span_id) : NULL;
		if (turn == NULL) {
			turn = new_turn(x->s, ts->start);
			if (turn == NULL) {
				return -ENOMEM;
			}
			r = fill_turn(x, ts, turn);
			if (r == 0 && !x->by_trace) { /* keyed by session.id: say which trace */
				r = tv_kvlist_set_str(&turn->extra, "trace_id", t->trace_id,
						      strlen(t->trace_id));
			}
		}
		if (r == 0) {
			r = span_into(x, i, turn);
		}
	}
	return r == 0 ? borrow_all(x) : r;
}

/* a second copy of a span goes into nothing: skipped, once index_spans() found it */
static void count_copies(struct tctx *x)
{
	uint64_t n = 0;

	for (size_t i = 0; i < x->t->n; i++) {
		n += x->dup[i];
	}
	tv_read_unuse(x->ctx, n, "duplicate spans");
}

/* the spans kept as events (--events), in the order they were read */
static int add_events(struct tv_session *s, const struct tv_trace *t)
{
	size_t *order = malloc(t->n * sizeof(*order));
	int r = 0;

	if (order == NULL) {
		return -ENOMEM;
	}
	for (size_t i = 0; i < t->n; i++) {
		order[i] = SIZE_MAX;
	}
	for (size_t i = 0; i < t->n; i++) {
		if (t->spans[i].seq < t->n) {
			order[t->spans[i].seq] = i;
		}
	}
	for (size_t k = 0; k < t->n && r == 0; k++) {
		const char *raw = order[k] == SIZE_MAX ? NULL : t->spans[order[k]].raw;

		if (raw != NULL) {
			r = tv_session_add_event(s, raw, strlen(raw));
		}
	}
	free(order);
	return r;
}

int tv_trace_apply(struct tv_read_ctx *ctx, const struct tv_trace *t)
{
	struct tctx x = { .ctx = ctx, .t = t };
	const char *saved_path = ctx->path, *saved_name = ctx->name, *key;
	const struct tv_format *saved_fmt = ctx->fmt;
	int64_t first = TV_NONE, last = TV_NONE;
	size_t kn;
	int r = -ENOMEM;

	if (t->n == 0) {
		return 0;
	}
	for (size_t i = 0; i < t->n; i++) {
		if (t->spans[i].start != TV_NONE &&
		    (first == TV_NONE || t->spans[i].start < first)) {
			first = t->spans[i].start;
		}
		if (t->spans[i].end != TV_NONE && (last == TV_NONE || t->spans[i].end > last)) {
			last = t->spans[i].end;
		}
	}
	key = tv_trace_key(t, &kn);
	x.by_trace = key == t->trace_id;
	ctx->path = ctx->name = t->spans[0].file;
	ctx->fmt = t->spans[0].fmt;
	x.s = tv_read_open_session(ctx, key, kn, first, t->spans[0].line);
	if (x.s && last != TV_NONE) { /* activity runs to the trace's last span */
		x.s = tv_read_open_session(ctx, key, kn, last, t->spans[0].line);
	}
	ctx->path = saved_path;
	ctx->name = saved_name;
	ctx->fmt = saved_fmt;
	if (x.s == NULL) {
		return -ENOMEM;
	}
	x.by_id = calloc(t->n, sizeof(*x.by_id));
	x.status = calloc(t->n, sizeof(*x.status));
	x.message = calloc(t->n, sizeof(*x.message));
	x.dup = calloc(t->n, sizeof(*x.dup));
	if (x.by_id && x.status && x.message && x.dup) {
		r = tv_origin_add(x.s, t, first_root(t), &ctx->scratch, &ctx->scratch2);
		if (r == 0) {
			r = add_events(x.s, t);
		}
		if (r == 0) {
			r = map_trace(&x);
		}
		if (r == 0) {
			count_copies(&x);
		}
	}
	free(x.by_id);
	free(x.status);
	free(x.message);
	free(x.dup);
	tv_tree_free(&x.tree);
	return r;
}
