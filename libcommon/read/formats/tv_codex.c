// SPDX-License-Identifier: MIT
/*
 * OpenAI Codex CLI rollouts (docs/FORMATS.md#codex):
 * ~/.codex/sessions/YYYY/MM/DD/rollout-<time>-<uuid>.jsonl, one JSON
 * object a line, in two layouts:
 *
 *   - the envelope layout: {"timestamp","type","payload"} with type
 *     session_meta, turn_context, response_item, event_msg, compacted;
 *   - the older layout: a bare header {"id","timestamp","instructions"},
 *     {"record_type":"state"} markers, then bare response items.
 *
 * One file is one session, built whole and handed over at its end:
 *
 *   - a turn starts at a prompt.  Each prompt is written twice (the
 *     event_msg user_message and the response_item user message): the
 *     second copy, before any call of the turn, is not a second prompt.
 *     Injected context (<environment_context>, AGENTS.md instructions,
 *     developer messages) is not a prompt;
 *   - an llm_call is one model response: the run of model output items
 *     (reasoning, assistant message, function calls) up to the token_count
 *     event that follows it.  Token counts are cumulative snapshots, some
 *     written twice: a snapshot whose total did not change is skipped, and
 *     the call takes last_token_usage (else the growth of the total);
 *   - function_call, custom_tool_call and local_shell_call items are tool
 *     calls, paired with their output on call_id; exec_command_end and
 *     patch_apply_end events give the exit status and duration;
 *   - the model comes from turn_context (or the token_count's info).
 *
 * A sub-agent's rollout is read with the session that spawned it, found
 * through an index of the sessions tree (tv_codex_tree.h): its calls join
 * the turn it ran in, and it is one of that turn's agents ("sub-agents"
 * below).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "libcommon/core/tv_map.h"
#include "libcommon/core/tv_text.h"
#include "libcommon/core/tv_time.h"
#include "libcommon/json/tv_jw.h"
#include "libcommon/read/formats/tv_codex_tree.h"
#include "libcommon/read/tv_backend.h"

#define REF(turn, i) (((uint64_t)(turn) << 32) | (uint64_t)(i))
#define REF_TURN(r) ((size_t)((r) >> 32))
#define REF_INDEX(r) ((size_t)((r)&0xffffffffu))
#define MAX_ERROR 2000
#define REJECTED 3 /* what a line handler returns for a line it rejected */

struct cx {
	struct tv_read_ctx *ctx;
	struct tv_json_parser *p;
	bool keep;
	struct tv_session *s;
	uint64_t used;
	struct tv_map tools; /* call_id -> REF(turn, tool call) */
	char *model;	     /* the current model */
	size_t cur;	     /* current turn + 1 */
	bool open;	     /* the last llm_call of the turn still takes output items */
	bool calls;	     /* the current turn has calls */
	size_t unmetered;    /* the turn's last llm_call + 1 while no token count came for it */
	int64_t total;	     /* the last cumulative total seen; TV_NONE before */
	int64_t time;	     /* the header's time (older layout: lines have none) */
	uint64_t ordinal;    /* the next record's place in the file, from 0 */
	int64_t own_from;    /* a fork's first record of its own (an ordinal); TV_NONE */
	int64_t born;	     /* else a fork's creation: records before it are copies; TV_NONE */
	struct tv_strbuf buf, text;
};

struct item {
	uint64_t no;
	int64_t time;
	struct tv_jv p; /* the payload (the line itself in the older layout) */
};

static bool is(const char *s, size_t n, const char *lit)
{
	return s != NULL && n == strlen(lit) && memcmp(s, lit, n) == 0;
}

static bool starts(const char *s, size_t n, const char *lit)
{
	size_t k = strlen(lit);

	return s != NULL && n >= k && memcmp(s, lit, k) == 0;
}

static const char *str(const struct tv_jv *obj, const char *key, size_t *n)
{
	const char *s = NULL;

	*n = 0;
	return tv_jv_opt_str(obj, key, &s, n) ? s : NULL;
}

static int64_t count(const struct tv_jv *obj, const char *key)
{
	int64_t v;

	return tv_jv_count(obj, key, &v) ? v : TV_NONE;
}

static bool next_item(struct tv_jiter *it, struct tv_jv *v)
{
	const char *k;
	size_t kn;

	return tv_jv_iter_next(it, &k, &kn, v);
}

/* ---- turns and calls ---- */

static struct tv_turn *new_turn(struct cx *c, int64_t t)
{
	struct tv_turn *turn = tv_session_add_turn(c->s);

	if (turn == NULL) {
		return NULL;
	}
	turn->start_time = t;
	c->cur = c->s->n_turns;
	c->open = c->calls = false;
	c->unmetered = 0;
	return turn;
}

static struct tv_turn *turn(struct cx *c, int64_t t)
{
	if (c->cur == 0) {
		return new_turn(c, t);
	}
	return &c->s->turns[c->cur - 1];
}

/* The open llm_call of the turn, or a new one.  NULL on ENOMEM. */
static struct tv_llm_call *call(struct cx *c, int64_t t)
{
	struct tv_turn *tn = turn(c, t);
	struct tv_llm_call *k;

	if (tn == NULL) {
		return NULL;
	}
	if (c->open && tn->n_llm > 0) {
		return &tn->llm[tn->n_llm - 1];
	}
	k = tv_turn_add_llm(tn);
	if (k == NULL) {
		return NULL;
	}
	k->time = t;
	k->status = TV_STATUS_OK;
	if (c->model && tv_set_str(&k->model, c->model, strlen(c->model)) < 0) {
		return NULL;
	}
	c->open = c->calls = true;
	c->unmetered = tn->n_llm;
	return k;
}

/* ---- prompts ---- */

static bool injected(const char *s, size_t n)
{
	static const char *const prefixes[] = {
		"<environment_context>",
		"# AGENTS.md instructions",
		"<INSTRUCTIONS>",
		"<user_instructions>",
		"<permissions instructions>",
		"<collaboration_mode>",
		"<skills_instructions>",
		"<plugins_instructions>",
		"<turn_aborted>",
		NULL,
	};

	while (n > 0 && (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')) {
		s++;
		n--;
	}
	for (size_t i = 0; prefixes[i]; i++) {
		if (starts(s, n, prefixes[i])) {
			return true;
		}
	}
	return n == 0;
}

/* A prompt: a new turn, unless it repeats the current turn's prompt before any call. */
static int prompt(struct cx *c, const struct item *it, const char *s, size_t n)
{
	struct tv_turn *t;

	if (injected(s, n)) {
		return 0;
	}
	if (c->cur > 0) {
		t = &c->s->turns[c->cur - 1];
		if (!c->calls && t->prompt && is(s, n, t->prompt)) {
			return 1; /* the other copy of the same prompt */
		}
	}
	t = new_turn(c, it->time);
	return t == NULL || tv_set_str(&t->prompt, s, n) < 0 ? -ENOMEM : 1;
}

/* The text parts of a message (input_text/output_text), joined, not injected ones. */
static int message_text(struct cx *c, const struct tv_jv *msg, const char **s, size_t *n)
{
	struct tv_jv content, part;
	struct tv_jiter it;

	tv_strbuf_reset(&c->text);
	if (tv_jv_get(msg, "content", &content)) {
		if (tv_jv_str(&content, s, n)) {
			return 0;
		}
		tv_jv_iter_init(&content, &it);
		while (next_item(&it, &part)) {
			const char *t = str(&part, "text", n);

			if (t == NULL || injected(t, *n)) {
				continue;
			}
			if ((c->text.len && tv_strbuf_putc(&c->text, '\n') < 0) ||
			    tv_strbuf_append(&c->text, t, *n) < 0) {
				return -ENOMEM;
			}
		}
	}
	*s = c->text.p;
	*n = c->text.len;
	return 0;
}

static int set_output(struct cx *c, const struct item *it, const char *s, size_t n)
{
	struct tv_turn *t;

	if (s == NULL || n == 0) {
		return 0;
	}
	t = turn(c, it->time);
	if (t == NULL) {
		return -ENOMEM;
	}
	t->output_at = it->time;
	return tv_set_str(&t->output, s, n);
}

static int message(struct cx *c, const struct item *it)
{
	const char *role, *s;
	size_t rn, n;

	role = str(&it->p, "role", &rn);
	if (is(role, rn, "developer") || is(role, rn, "system")) {
		return 0;
	}
	if (message_text(c, &it->p, &s, &n) < 0) {
		return -ENOMEM;
	}
	if (is(role, rn, "user")) {
		return prompt(c, it, s, n);
	}
	if (call(c, it->time) == NULL || set_output(c, it, s, n) < 0) {
		return -ENOMEM;
	}
	return 1;
}

/* ---- tool calls ---- */

/* arguments: a JSON text that is kept as JSON, else as a string */
static int tool_args(struct cx *c, struct tv_tool_call *t, const char *s, size_t n)
{
	struct tv_jv v;
	const char *why;

	tv_strbuf_reset(&c->buf);
	if (tv_strbuf_append(&c->buf, s, n) < 0) {
		return -ENOMEM;
	}
	if (tv_json_parse(tv_read_parser2(c->ctx), c->buf.p, c->buf.len, &v, &why) == 0 &&
	    (tv_jv_type(&v) == TV_J_OBJECT || tv_jv_type(&v) == TV_J_ARRAY)) {
		tv_strbuf_reset(&c->buf);
		if (tv_jv_minify(&v, &c->buf) < 0) {
			return -ENOMEM;
		}
		return tv_set_str(&t->args_json, c->buf.p, c->buf.len);
	}
	tv_strbuf_reset(&c->buf);
	if (tv_strbuf_putc(&c->buf, '"') < 0 || tv_json_escape(&c->buf, s, n) < 0 ||
	    tv_strbuf_putc(&c->buf, '"') < 0) {
		return -ENOMEM;
	}
	return tv_set_str(&t->args_json, c->buf.p, c->buf.len);
}

static int tool_input(struct cx *c, struct tv_tool_call *t, const struct item *it)
{
	struct tv_jv v;
	const char *s;
	size_t n;

	if ((s = str(&it->p, "arguments", &n)) != NULL || (s = str(&it->p, "input", &n)) != NULL) {
		return tool_args(c, t, s, n);
	}
	if (tv_jv_get(&it->p, "arguments", &v) || tv_jv_get(&it->p, "action", &v)) {
		tv_strbuf_reset(&c->buf);
		return tv_jv_minify(&v, &c->buf) < 0
			       ? -ENOMEM
			       : tv_set_str(&t->args_json, c->buf.p, c->buf.len);
	}
	return 0;
}

static int tool_call(struct cx *c, const struct item *it, const char *dflt)
{
	struct tv_tool_call *t;
	struct tv_turn *tn;
	const char *name, *id;
	size_t nn, in;

	if (call(c, it->time) == NULL) {
		return -ENOMEM;
	}
	tn = &c->s->turns[c->cur - 1];
	t = tv_turn_add_tool(tn);
	if (t == NULL) {
		return -ENOMEM;
	}
	t->time = it->time;
	name = str(&it->p, "name", &nn);
	if (name == NULL || nn == 0) {
		name = dflt;
		nn = strlen(dflt);
	}
	if (tv_set_str(&t->name, name, nn) < 0 || tv_set_str(&t->type, "native", 6) < 0 ||
	    tool_input(c, t, it) < 0) {
		return -ENOMEM;
	}
	id = str(&it->p, "call_id", &in);
	if (id == NULL || in == 0) {
		return 1;
	}
	if (tv_kvlist_set_str(&t->extra, "id", id, in) < 0 ||
	    tv_map_put(&c->tools, id, in, REF(c->cur - 1, tn->n_tools - 1)) < 0) {
		return -ENOMEM;
	}
	return 1;
}

/* The tool call with the call_id of @p, or NULL. */
static struct tv_tool_call *tool_of(struct cx *c, const struct tv_jv *p)
{
	const char *id;
	size_t n;
	uint64_t ref;

	id = str(p, "call_id", &n);
	if (id == NULL || !tv_map_get(&c->tools, id, n, &ref)) {
		return NULL;
	}
	return &c->s->turns[REF_TURN(ref)].tools[REF_INDEX(ref)];
}

static void tool_ended(struct tv_tool_call *t, int64_t time)
{
	if (t->duration == TV_NONE && time != TV_NONE && t->time != TV_NONE && time >= t->time) {
		t->duration = time - t->time;
	}
}

/* The exit code in an output: {"metadata":{"exit_code":N}} or "Process exited with code N". */
static int64_t exit_code(struct cx *c, const char *s, size_t n)
{
	static const char said[] = "Process exited with code ";
	struct tv_jv v, md;
	const char *why, *at;
	int64_t code = TV_NONE;

	if (n > 0 && s[0] == '{') {
		tv_strbuf_reset(&c->buf);
		if (tv_strbuf_append(&c->buf, s, n) == 0 &&
		    tv_json_parse(tv_read_parser2(c->ctx), c->buf.p, c->buf.len, &v, &why) == 0 &&
		    tv_jv_get(&v, "metadata", &md) && tv_jv_count(&md, "exit_code", &code)) {
			return code;
		}
		return TV_NONE;
	}
	for (size_t i = 0; n >= sizeof(said) && i + sizeof(said) <= n && i < 512; i++) {
		if (memcmp(s + i, said, sizeof(said) - 1) == 0) {
			at = s + i + sizeof(said) - 1;
			code = 0;
			while (at < s + n && *at >= '0' && *at <= '9') {
				code = code * 10 + (*at++ - '0');
			}
			return code;
		}
	}
	return TV_NONE;
}

/* the output Codex gives the model when the user declined a command or a patch */
static bool rejected(const char *s, size_t n)
{
	return starts(s, n, "exec command rejected by user") ||
	       starts(s, n, "patch rejected by user");
}

static int tool_output(struct cx *c, const struct item *it)
{
	struct tv_tool_call *t = tool_of(c, &it->p);
	const char *s;
	size_t n;
	int64_t code;

	c->open = false; /* the model's response is over */
	if (t == NULL) {
		return 0;
	}
	tool_ended(t, it->time);
	s = str(&it->p, "output", &n);
	code = s ? exit_code(c, s, n) : TV_NONE;
	if (code != TV_NONE && t->success < 0) {
		t->success = code == 0;
	}
	if (s && rejected(s, n)) {
		t->success = 0;
		if (tv_set_str(&t->decision, "reject", 6) < 0) {
			return -ENOMEM;
		}
	}
	if (t->success == 0 && s && t->error == NULL &&
	    tv_set_str(&t->error, s, n > MAX_ERROR ? MAX_ERROR : n) < 0) {
		return -ENOMEM;
	}
	return 1;
}

/* exec_command_end / patch_apply_end: the exit status and duration of a call. */
static int tool_end(struct cx *c, const struct item *it)
{
	struct tv_tool_call *t = tool_of(c, &it->p);
	struct tv_jv d;
	int64_t code, secs, nanos;
	bool ok;

	if (t == NULL) {
		return 0;
	}
	if (tv_jv_count(&it->p, "exit_code", &code)) {
		t->success = code == 0;
	} else if (tv_jv_get(&it->p, "success", &d) && tv_jv_bool(&d, &ok)) {
		t->success = ok;
	}
	if (tv_jv_get(&it->p, "duration", &d) && tv_jv_count(&d, "secs", &secs)) {
		t->duration = secs * TV_NS_PER_SEC + (tv_jv_count(&d, "nanos", &nanos) ? nanos : 0);
	}
	return 1;
}

/* ---- token counts ---- */

static void usage_of(struct tv_llm_call *k, const struct tv_jv *u)
{
	k->input_tokens = count(u, "input_tokens");
	k->cached_tokens = count(u, "cached_input_tokens");
	k->output_tokens = count(u, "output_tokens");
	k->thinking_tokens = count(u, "reasoning_output_tokens");
	k->total_tokens = count(u, "total_tokens");
	if (k->cached_tokens != TV_NONE) {
		k->cache_hit = k->cached_tokens > 0;
	}
}

static int info_model(struct cx *c, const struct tv_jv *info)
{
	const char *m;
	size_t n;

	m = str(info, "model", &n);
	if (m == NULL || n == 0 || (c->model && is(m, n, c->model))) {
		return 0;
	}
	free(c->model);
	c->model = tv_strndup(m, n);
	return c->model ? 0 : -ENOMEM;
}

static int token_count(struct cx *c, const struct item *it)
{
	struct tv_jv info, total, last;
	struct tv_llm_call *k;
	int64_t sum;

	if (!tv_jv_get(&it->p, "info", &info) || tv_jv_type(&info) != TV_J_OBJECT) {
		return 0; /* rate limits only */
	}
	if (info_model(c, &info) < 0) {
		return -ENOMEM;
	}
	sum = tv_jv_get(&info, "total_token_usage", &total) ? count(&total, "total_tokens")
							    : TV_NONE;
	if (sum != TV_NONE && sum == c->total) {
		return 0; /* the same snapshot again */
	}
	k = c->unmetered ? &c->s->turns[c->cur - 1].llm[c->unmetered - 1] : call(c, it->time);
	if (k == NULL) {
		return -ENOMEM;
	}
	c->unmetered = 0;
	if (c->model && k->model == NULL && tv_set_str(&k->model, c->model, strlen(c->model)) < 0) {
		return -ENOMEM;
	}
	if (tv_jv_get(&info, "last_token_usage", &last)) {
		usage_of(k, &last);
	} else if (sum != TV_NONE) {
		k->total_tokens = c->total == TV_NONE ? sum : sum - c->total;
	}
	c->total = sum != TV_NONE ? sum : c->total;
	c->open = false;
	return 1;
}

/* ---- events ---- */

static int turn_context(struct cx *c, const struct item *it)
{
	const char *m;
	size_t n;

	m = str(&it->p, "model", &n);
	if (m == NULL || n == 0) {
		return 0;
	}
	free(c->model);
	c->model = tv_strndup(m, n);
	return c->model ? 1 : -ENOMEM;
}

static int error_event(struct cx *c, const struct item *it)
{
	struct tv_llm_call *k = call(c, it->time);
	struct tv_jv e;
	const char *s;
	size_t n;

	if (k == NULL) {
		return -ENOMEM;
	}
	k->status = TV_STATUS_ERROR;
	s = str(&it->p, "message", &n);
	if (s == NULL && tv_jv_get(&it->p, "error", &e)) {
		s = str(&e, "message", &n);
	}
	c->open = false;
	return s && tv_set_str(&k->error, s, n > MAX_ERROR ? MAX_ERROR : n) < 0 ? -ENOMEM : 1;
}

static int aborted(struct cx *c)
{
	if (c->cur == 0) {
		return 0;
	}
	c->open = false;
	return tv_kvlist_set(&c->s->turns[c->cur - 1].extra, "interrupted", 11, "true", 4) < 0
		       ? -ENOMEM
		       : 1;
}

static int event(struct cx *c, const struct item *it, const char *type, size_t n)
{
	const char *s;
	size_t sn;

	if (is(type, n, "user_message")) {
		s = str(&it->p, "message", &sn);
		return s ? prompt(c, it, s, sn) : 0;
	}
	if (is(type, n, "token_count")) {
		return token_count(c, it);
	}
	if (is(type, n, "exec_command_end") || is(type, n, "patch_apply_end")) {
		return tool_end(c, it);
	}
	if (is(type, n, "error") || is(type, n, "stream_error")) {
		return error_event(c, it);
	}
	if (is(type, n, "turn_aborted")) {
		return aborted(c);
	}
	if (is(type, n, "task_complete")) {
		s = str(&it->p, "last_agent_message", &sn);
		return set_output(c, it, s, sn) < 0 ? -ENOMEM : s != NULL;
	}
	return 0; /* agent_message and agent_reasoning repeat response items; the rest is UI */
}

static int response_item(struct cx *c, const struct item *it, const char *type, size_t n)
{
	if (is(type, n, "message")) {
		return message(c, it);
	}
	if (is(type, n, "function_call") || is(type, n, "custom_tool_call")) {
		return tool_call(c, it, "function");
	}
	if (is(type, n, "local_shell_call")) {
		return tool_call(c, it, "local_shell");
	}
	if (is(type, n, "web_search_call")) {
		return tool_call(c, it, "web_search");
	}
	if (is(type, n, "function_call_output") || is(type, n, "custom_tool_call_output")) {
		return tool_output(c, it);
	}
	if (is(type, n, "reasoning")) {
		return call(c, it->time) ? 1 : -ENOMEM;
	}
	return 0; /* ghost_snapshot, ... */
}

/* ---- the session ---- */

/*
 * Where a sub-agent's or a fork's own records start (docs/FORMATS.md#codex,
 * "Forks"): a rollout spawned with its parent's context (or forked from
 * another thread) begins with a copy of that conversation, token counts
 * included.  Its session_meta gives the first record of its own as
 * subagent_history_start_ordinal or history_base.end_ordinal_exclusive;
 * without either, records dated before its creation are the copy.
 */
static void fork_boundary(struct cx *c, const struct tv_jv *p, bool sub)
{
	struct tv_jv base, v;
	const char *ts;
	size_t n;
	bool naive;

	c->own_from = count(p, "subagent_history_start_ordinal");
	if (c->own_from == TV_NONE && tv_jv_get(p, "history_base", &base)) {
		c->own_from = count(&base, "end_ordinal_exclusive");
	}
	if (c->own_from != TV_NONE ||
	    !(sub || tv_jv_get(p, "forked_from_id", &v) || tv_jv_get(p, "parent_thread_id", &v))) {
		return;
	}
	ts = str(p, "timestamp", &n);
	if (ts == NULL || tv_time_parse(ts, n, &c->born, &naive) < 0) {
		c->born = TV_NONE;
	}
}

/* is the record @it, the @ord-th of the file, part of a fork's copied history? */
static bool inherited(const struct cx *c, const struct item *it, int64_t ord)
{
	if (c->s->id == NULL) {
		return false; /* before the session_meta that says */
	}
	if (c->own_from != TV_NONE) {
		return ord < c->own_from;
	}
	return c->born != TV_NONE && it->time != TV_NONE && it->time < c->born;
}

static int session_meta(struct cx *c, const struct tv_jv *p)
{
	static const char *const keys[][2] = {
		{ "cwd", "cwd" },
		{ "cli_version", "version" },
		{ "originator", "originator" },
		{ "model_provider", "model_provider" },
	};
	const char *s;
	size_t n;
	struct tv_jv git, src, sub;

	if (c->s->id != NULL) {
		return 1; /* a later copy (resumed or forked) */
	}
	s = str(p, "id", &n);
	if (s && n && tv_set_str(&c->s->id, s, n) < 0) {
		return -ENOMEM;
	}
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		s = str(p, keys[i][0], &n);
		if (s && n && tv_kvlist_set_str(&c->s->metadata, keys[i][1], s, n) < 0) {
			return -ENOMEM;
		}
	}
	if (tv_jv_get(p, "git", &git) && (s = str(&git, "branch", &n)) != NULL && n &&
	    tv_kvlist_set_str(&c->s->metadata, "git_branch", s, n) < 0) {
		return -ENOMEM;
	}
	if (tv_jv_get(p, "source", &src) && tv_jv_get(&src, "subagent", &sub)) {
		tv_strbuf_reset(&c->buf);
		if (tv_jv_minify(&sub, &c->buf) < 0 ||
		    tv_kvlist_set(&c->s->metadata, "subagent", 8, c->buf.p, c->buf.len) < 0) {
			return -ENOMEM;
		}
	}
	fork_boundary(c, p, tv_jv_get(p, "source", &src) && tv_jv_get(&src, "subagent", &sub));
	return 1;
}

static int envelope(struct cx *c, struct item *it, const char *type, size_t n)
{
	const char *pt;
	size_t pn;

	if (!tv_jv_get(&it->p, "payload", &it->p) || tv_jv_type(&it->p) != TV_J_OBJECT) {
		tv_read_reject(c->ctx, it->no, "%.*s line without a payload object",
			       (int)(n > 40 ? 40 : n), type);
		return REJECTED;
	}
	pt = str(&it->p, "type", &pn);
	if (is(type, n, "session_meta")) {
		return session_meta(c, &it->p);
	}
	if (is(type, n, "turn_context")) {
		return turn_context(c, it);
	}
	if (is(type, n, "response_item")) {
		return response_item(c, it, pt, pn);
	}
	if (is(type, n, "event_msg")) {
		return event(c, it, pt, pn);
	}
	return 0; /* compacted, ... */
}

/* The older layout's header: {"id","timestamp","instructions"...} */
static int header(struct cx *c, const struct item *it)
{
	const char *s;
	size_t n;

	s = str(&it->p, "id", &n);
	if (c->s->id == NULL && s && n && tv_set_str(&c->s->id, s, n) < 0) {
		return -ENOMEM;
	}
	c->time = it->time;
	return 1;
}

static int64_t line_time(struct cx *c, const struct tv_jv *v)
{
	const char *ts;
	size_t n;
	int64_t t;
	bool naive;

	ts = str(v, "timestamp", &n);
	if (ts == NULL || tv_time_parse(ts, n, &t, &naive) < 0) {
		return c->time;
	}
	return t;
}

static bool envelope_type(const char *type, size_t n)
{
	return is(type, n, "session_meta") || is(type, n, "turn_context") ||
	       is(type, n, "response_item") || is(type, n, "event_msg") || is(type, n, "compacted");
}

static int dispatch(struct cx *c, struct item *it)
{
	const char *type;
	size_t n;
	struct tv_jv v;

	type = str(&it->p, "type", &n);
	if (type != NULL && (tv_jv_get(&it->p, "payload", &v) || envelope_type(type, n))) {
		return envelope(c, it, type, n);
	}
	if (type != NULL) {
		return response_item(c, it, type, n); /* the older layout's bare items */
	}
	if (tv_jv_get(&it->p, "record_type", &v)) {
		return 0;
	}
	if (tv_jv_get(&it->p, "id", &v) && tv_jv_get(&it->p, "timestamp", &v)) {
		return header(c, it);
	}
	tv_read_reject(c->ctx, it->no, "not a rollout line (no type)");
	return REJECTED;
}

static int one_line(void *udata, const char *p, size_t len, uint64_t no)
{
	struct cx *c = udata;
	struct item it = { .no = no };
	const char *why = NULL;
	int64_t ord;
	int r;

	c->ordinal++;
	r = tv_json_parse(c->p, p, len, &it.p, &why);
	if (r == -ENOMEM) {
		return r;
	}
	if (r < 0) {
		return tv_read_reject(c->ctx, no, "invalid JSON: %s", why ? why : tv_strerror(r));
	}
	if (tv_jv_type(&it.p) != TV_J_OBJECT) {
		return tv_read_reject(c->ctx, no, "not a rollout line (not a JSON object)");
	}
	it.time = line_time(c, &it.p);
	ord = count(&it.p, "ordinal");
	if (inherited(c, &it, ord != TV_NONE ? ord : (int64_t)c->ordinal - 1)) {
		tv_read_skip_kind(c->ctx, "copied history (fork)");
		return 0;
	}
	r = dispatch(c, &it);
	if (r < 0 || r == REJECTED) {
		return r < 0 ? r : 0;
	}
	if (r == 0) {
		tv_read_skip(c->ctx);
		return 0;
	}
	c->used++;
	return c->keep ? tv_session_add_event(c->s, p, len) : 0;
}

/* rollout-<time>-<uuid>.jsonl: the uuid (the last 36 characters of the stem), else the stem. */
static int id_from_name(struct cx *c, const char *path)
{
	const char *b = strrchr(path, '/'), *dot;
	size_t n;

	if (c->s->id != NULL) {
		return 0;
	}
	b = strcmp(path, "-") == 0 ? "stdin" : b ? b + 1 : path;
	dot = strchr(b, '.');
	n = dot && dot > b ? (size_t)(dot - b) : strlen(b);
	if (n > 36 + 8 && memcmp(b, "rollout-", 8) == 0) {
		b += n - 36;
		n = 36;
	}
	return tv_set_str(&c->s->id, b, n);
}

/* ---- sub-agents: a spawned rollout read with the session that spawned it ---- */

#define MAX_AGENT_DEPTH 8 /* deeper sub-agents are sessions of their own */

static void cx_init(struct cx *c, struct tv_read_ctx *ctx)
{
	memset(c, 0, sizeof(*c));
	c->ctx = ctx;
	c->p = tv_read_parser(ctx);
	c->keep = tv_read_keep_events(ctx);
	c->total = c->time = c->own_from = c->born = TV_NONE;
	tv_strbuf_init(&c->buf);
	tv_strbuf_init(&c->text);
}

static void cx_free(struct cx *c)
{
	tv_session_destroy(c->s);
	tv_map_finish(&c->tools);
	free(c->model);
	tv_strbuf_finish(&c->buf);
	tv_strbuf_finish(&c->text);
}

struct agent_job {
	struct tv_read_ctx *ctx;
	int depth;
	struct tv_session *s; /* the sub-agent's session, taken by the caller */
	uint64_t used;
};

static int build(struct cx *c, struct tv_input *in, int depth, struct tv_error *err);

static int read_agent_cb(void *udata, struct tv_input *in, struct tv_error *err)
{
	struct agent_job *j = udata;
	struct cx c;
	int r;

	cx_init(&c, j->ctx);
	r = build(&c, in, j->depth, err);
	if (r == 0) {
		j->s = c.s;
		j->used = c.used;
		c.s = NULL;
	}
	cx_free(&c);
	return r;
}

/* the turn of @s that a sub-agent started at @t ran in: the last one begun by then */
static struct tv_turn *spawning_turn(struct tv_session *s, int64_t t)
{
	size_t k = 0;

	for (size_t i = 0; t != TV_NONE && i < s->n_turns; i++) {
		if (s->turns[i].start_time != TV_NONE && s->turns[i].start_time <= t) {
			k = i;
		}
	}
	return &s->turns[k];
}

static void span(int64_t *lo, int64_t *hi, int64_t t, int64_t dur)
{
	if (t == TV_NONE) {
		return;
	}
	*lo = *lo == TV_NONE || t < *lo ? t : *lo;
	t = dur != TV_NONE && dur > 0 ? tv_time_add(t, dur) : t;
	*hi = t != TV_NONE && (*hi == TV_NONE || t > *hi) ? t : *hi;
}

/* mark @extra as the agent @id's unless a deeper agent's already */
static int mark(struct tv_kvlist *extra, const char *id)
{
	return tv_kvlist_find(extra, "agent_id")
		       ? 0
		       : tv_kvlist_set_str(extra, "agent_id", id, strlen(id));
}

/* the calls and sub-agents of @from moved into @to, the calls marked as @id's */
static int move_turn(struct tv_turn *to, struct tv_turn *from, const char *id, int64_t *lo,
		     int64_t *hi)
{
	for (size_t i = 0; i < from->n_llm; i++) {
		struct tv_llm_call *k = tv_turn_add_llm(to);

		if (k == NULL) {
			return -ENOMEM;
		}
		*k = from->llm[i];
		memset(&from->llm[i], 0, sizeof(from->llm[i]));
		span(lo, hi, k->time, k->duration);
		if (mark(&k->extra, id) < 0) {
			return -ENOMEM;
		}
	}
	from->n_llm = 0;
	for (size_t i = 0; i < from->n_tools; i++) {
		struct tv_tool_call *k = tv_turn_add_tool(to);

		if (k == NULL) {
			return -ENOMEM;
		}
		*k = from->tools[i];
		memset(&from->tools[i], 0, sizeof(from->tools[i]));
		span(lo, hi, k->time, k->duration);
		if (mark(&k->extra, id) < 0) {
			return -ENOMEM;
		}
	}
	from->n_tools = 0;
	for (size_t i = 0; i < from->n_agents; i++) {
		struct tv_agent *a = tv_turn_add_agent(to);

		if (a == NULL) {
			return -ENOMEM;
		}
		*a = from->agents[i];
		memset(&from->agents[i], 0, sizeof(from->agents[i]));
		if (a->parent_id == NULL && tv_set_str(&a->parent_id, id, strlen(id)) < 0) {
			return -ENOMEM;
		}
	}
	from->n_agents = 0;
	return 0;
}

/*
 * The sub-agent @r's session @sub joined to the session of @c: its calls
 * join the turn it ran in, each marked with the call member agent_id; it
 * is one of that turn's agents (its role, what it was asked first, what
 * it answered last); its instructions are not prompts of the session.
 */
static int join(struct cx *c, const struct tv_cxrollout *r, struct tv_session *sub)
{
	struct tv_turn *to = spawning_turn(c->s, sub->turns[0].start_time);
	struct tv_turn *last = &sub->turns[sub->n_turns - 1];
	struct tv_agent *a;
	int64_t lo = sub->turns[0].start_time, hi = TV_NONE;
	int e = 0;

	for (size_t i = 0; e == 0 && i < sub->n_turns; i++) {
		span(&lo, &hi, sub->turns[i].end_time, 0);
		e = move_turn(to, &sub->turns[i], r->id, &lo, &hi);
	}
	a = e == 0 ? tv_turn_add_agent(to) : NULL;
	if (a == NULL) {
		return -ENOMEM;
	}
	a->instruction = sub->turns[0].prompt;
	sub->turns[0].prompt = NULL;
	a->output = last->output;
	last->output = NULL;
	a->success = last->success;
	a->start_time = lo;
	a->end_time = hi;
	a->duration = tv_time_diff(hi, lo);
	if (tv_set_str(&a->id, r->id, strlen(r->id)) < 0 ||
	    (r->role && tv_set_str(&a->name, r->role, strlen(r->role)) < 0)) {
		return -ENOMEM;
	}
	for (size_t i = 0; c->keep && i < sub->n_events; i++) {
		if (tv_session_add_event(c->s, sub->events[i], strlen(sub->events[i])) < 0) {
			return -ENOMEM;
		}
	}
	return 0;
}

/*
 * The rollouts the session of @c spawned (tv_codex_tree.h), each read
 * (through tv_read_nested(), which reports their lines under their own
 * names) and joined, their records counted as the session's.  A sub-agent
 * whose rollout holds no conversation adds only its records, counted as
 * skipped.
 */
static int join_agents(struct cx *c, int depth, struct tv_error *err)
{
	struct tv_cxtree *t = tv_read_state(c->ctx);
	const struct tv_cxrollout *r;
	int e = 0;

	if (t == NULL || c->s->id == NULL || c->s->n_turns == 0 || depth >= MAX_AGENT_DEPTH) {
		return 0;
	}
	for (r = tv_cxtree_first_child(t, c->s->id); e == 0 && r; r = tv_cxtree_next(t, r)) {
		struct agent_job j = { .ctx = c->ctx, .depth = depth + 1 };

		if (tv_cxtree_was_read(t, &r->file)) {
			continue;
		}
		if (tv_cxtree_mark_read(t, &r->file) < 0) {
			return tv_error_set(err, -ENOMEM, r->path, 0, "%s", tv_strerror(-ENOMEM));
		}
		e = tv_read_nested(c->ctx, r->path, read_agent_cb, &j, err);
		if (e == 0 && j.s->n_turns > 0) {
			c->used += j.used;
			e = join(c, r, j.s);
			e = e < 0 ? tv_error_set(err, e, r->path, 0, "%s", tv_strerror(e)) : 0;
		} else if (e == 0) {
			tv_read_count(c->ctx, j.used, false);
		}
		tv_session_destroy(j.s);
	}
	return e;
}

/* one rollout read whole into @c, its sub-agents joined: 0 or a negative code with @err set */
static int build(struct cx *c, struct tv_input *in, int depth, struct tv_error *err)
{
	int r;

	c->s = tv_session_create();
	r = c->s ? tv_read_lines(c->ctx, in, one_line, c, err) : -ENOMEM;
	if (r == 0) {
		r = id_from_name(c, tv_input_path(in));
	}
	if (r == -ENOMEM) {
		return tv_error_set(err, r, tv_input_name(in), 0, "%s", tv_strerror(r));
	}
	return r < 0 ? r : join_agents(c, depth, err);
}

/*
 * one rollout handed over as a session, with the rollouts it spawned when
 * it is a file of a sessions tree (@depth 0), else alone (MAX_AGENT_DEPTH)
 */
static int read_session(struct tv_read_ctx *ctx, struct tv_input *in, int depth,
			struct tv_error *err)
{
	struct cx c;
	int r;

	cx_init(&c, ctx);
	r = build(&c, in, depth, err);
	if (r == 0 && c.s->n_turns == 0) {
		tv_read_count(ctx, c.used, false); /* no conversation: bookkeeping only */
	} else if (r == 0) {
		r = tv_read_complete(ctx, c.s, c.used);
		c.s = NULL;
		if (r == -ENOMEM) {
			tv_error_set(err, r, tv_input_name(in), 0, "%s", tv_strerror(r));
		}
	}
	cx_free(&c);
	return r;
}

static int read_root_cb(void *udata, struct tv_input *in, struct tv_error *err)
{
	return read_session(udata, in, 0, err);
}

/* the top-most rollout above @me not read yet, or NULL */
static const struct tv_cxrollout *unread_root(const struct tv_cxtree *t,
					      const struct tv_cxrollout *me)
{
	const struct tv_cxrollout *up = NULL, *next;

	for (int d = 0; me && me->parent && d < MAX_AGENT_DEPTH; d++) {
		next = tv_cxtree_find(t, me->parent);
		if (next == NULL || next == me || tv_cxtree_was_read(t, &next->file)) {
			break;
		}
		up = me = next;
	}
	return up;
}

/*
 * A rollout met in the inputs: read already with the session that spawned
 * it, or a sub-agent whose spawning session is read now (and reads it),
 * or a session of its own.
 */
static int read_input(struct tv_read_ctx *ctx, struct tv_input *in, struct tv_error *err)
{
	struct tv_cxtree *t = tv_read_state(ctx);
	const char *path = tv_input_path(in);
	const struct tv_cxrollout *up;
	struct tv_cxfile f;
	int r;

	if (t == NULL) {
		return tv_error_set(err, -ENOMEM, tv_input_name(in), 0, "%s", tv_strerror(-ENOMEM));
	}
	if (strcmp(path, "-") == 0 || !tv_cxtree_file(path, &f)) {
		return read_session(ctx, in, MAX_AGENT_DEPTH,
				    err); /* stdin, a pipe, text in memory */
	}
	if (tv_cxtree_was_read(t, &f)) {
		return 0; /* read already, with the session that spawned it */
	}
	r = tv_cxtree_index(t, ctx, path);
	if (r < 0) {
		return tv_error_set(err, r, tv_input_name(in), 0, "%s", tv_strerror(r));
	}
	up = unread_root(t, tv_cxtree_at(t, &f));
	if (up != NULL) {
		if (tv_cxtree_mark_read(t, &up->file) < 0) {
			return tv_error_set(err, -ENOMEM, tv_input_name(in), 0, "%s",
					    tv_strerror(-ENOMEM));
		}
		r = tv_read_nested(ctx, up->path, read_root_cb, ctx, err);
		if (r < 0 || tv_cxtree_was_read(t, &f)) {
			return r;
		}
	}
	if (tv_cxtree_mark_read(t, &f) < 0) {
		return tv_error_set(err, -ENOMEM, tv_input_name(in), 0, "%s", tv_strerror(-ENOMEM));
	}
	return read_session(ctx, in, 0, err);
}

/* ---- detection ---- */

static bool detect(const struct tv_sniff *s)
{
	const char *l = s->line;
	size_t n = s->line_len;

	if (s->shape != TV_SHAPE_JSON_LINE) {
		return false;
	}
	if (tv_text_has(l, n, "\"payload\"") &&
	    (tv_text_has(l, n, "\"session_meta\"") || tv_text_has(l, n, "\"turn_context\"") ||
	     tv_text_has(l, n, "\"response_item\"") || tv_text_has(l, n, "\"event_msg\""))) {
		return true;
	}
	/* the older layout's header */
	return tv_text_has(l, n, "\"instructions\"") && tv_text_has(l, n, "\"id\"") &&
	       tv_text_has(l, n, "\"timestamp\"") && !tv_text_has(l, n, "\"type\"");
}

const struct tv_format tv_format_codex = {
	.name = "codex",
	.layout = TV_LAYOUT_JSON_LINES,
	.detect = detect,
	.read = read_input,
	.state_create = tv_cxtree_create,
	.state_destroy = tv_cxtree_destroy,
};
