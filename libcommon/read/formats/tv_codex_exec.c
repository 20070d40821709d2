// SPDX-License-Identifier: MIT
/*
 * The JSON Lines that `codex exec --json` prints (docs/FORMATS.md#codex-exec),
 * which scripts and CI jobs keep as the log of a run:
 *
 *   {"type":"thread.started","thread_id":ID}   a session, ID its id
 *   {"type":"turn.started"}                    a turn; it has no prompt (codex
 *                                              exec takes it as an argument)
 *   {"type":"item.started"|"item.updated"|"item.completed","item":{...}}
 *   {"type":"turn.completed","usage":{...}}    the turn's llm_call and its usage
 *   {"type":"turn.failed","error":{"message"}} the turn's llm_call failed
 *   {"type":"error","message":...}             the session's error
 *
 * Items, by item.type: agent_message (the turn's output: the last one),
 * command_execution (a tool call "shell": command, exit_code, status),
 * file_change ("apply_patch": changes, status), mcp_tool_call
 * ("mcp__SERVER__TOOL", type mcp: arguments, status, error), web_search
 * ("web_search": query).  A tool item is one tool call from its first
 * line on, found again by item.id; reasoning and todo_list items, and
 * updates that change nothing kept, are skipped.  The stream has no times
 * and no model: the run's usage is one llm_call a turn.
 *
 * One input may hold several runs (a log appended to): each thread.started
 * hands the session before it over.  Lines before any thread.started
 * belong to a session named after the file.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libcommon/core/tv_map.h"
#include "libcommon/core/tv_text.h"
#include "libcommon/read/tv_backend.h"

#define REJECTED 3 /* a line handler's result for a line it rejected */
#define SKIPPED 4  /* ... for a line it counted as skipped */

struct xr {
	struct tv_read_ctx *ctx;
	struct tv_json_parser *p;
	bool keep;
	const char *path;
	struct tv_session *s;
	uint64_t used;
	struct tv_map items; /* item.id -> tool call index + 1 in the current turn */
	struct tv_strbuf buf;
};

static bool is(const char *s, size_t n, const char *lit)
{
	return s != NULL && n == strlen(lit) && memcmp(s, lit, n) == 0;
}

static const char *str(const struct tv_jv *obj, const char *key, size_t *n)
{
	const char *s = NULL;

	*n = 0;
	return tv_jv_opt_str(obj, key, &s, n) ? s : NULL;
}

/* ---- sessions ---- */

/* the session being built, made when the first line of a run comes: NULL on ENOMEM */
static struct tv_session *session(struct xr *x)
{
	if (x->s == NULL) {
		x->s = tv_session_create();
	}
	return x->s;
}

/* the session of the run before, handed over (or counted, when it holds no turn) */
static int hand_over(struct xr *x)
{
	const char *b, *dot;
	size_t n;
	int r;

	if (x->s == NULL) {
		return 0;
	}
	tv_map_finish(&x->items);
	if (x->s->n_turns == 0) {
		tv_read_count(x->ctx, x->used, false); /* no conversation: bookkeeping only */
		tv_session_destroy(x->s);
		x->s = NULL;
		x->used = 0;
		return 0;
	}
	if (x->s->id == NULL) {
		b = strcmp(x->path, "-") == 0 ? "stdin" : strrchr(x->path, '/');
		b = b && *b == '/' ? b + 1 : b ? b : x->path;
		dot = strchr(b, '.');
		n = dot && dot > b ? (size_t)(dot - b) : strlen(b);
		if (tv_set_str(&x->s->id, b, n) < 0) {
			return -ENOMEM;
		}
	}
	r = tv_read_complete(x->ctx, x->s, x->used);
	x->s = NULL;
	x->used = 0;
	return r;
}

/* the current turn, or a new one when a line of a turn came without turn.started */
static struct tv_turn *turn(struct xr *x)
{
	struct tv_session *s = session(x);

	if (s == NULL) {
		return NULL;
	}
	return s->n_turns > 0 ? &s->turns[s->n_turns - 1] : tv_session_add_turn(s);
}

/* ---- items ---- */

/* {"KEY": the item's KEY} as @k's arguments, when the item has it (@key a plain word) */
static int args_of(struct xr *x, struct tv_tool_call *k, const struct tv_jv *item, const char *key)
{
	struct tv_jv v;

	if (!tv_jv_get(item, key, &v)) {
		return 0;
	}
	tv_strbuf_reset(&x->buf);
	if (tv_strbuf_printf(&x->buf, "{\"%s\":", key) < 0 || tv_jv_minify(&v, &x->buf) < 0 ||
	    tv_strbuf_putc(&x->buf, '}') < 0) {
		return -ENOMEM;
	}
	return tv_set_str(&k->args_json, x->buf.p, x->buf.len);
}

/* an MCP call's arguments object as its arguments, else {"arguments": ...} */
static int mcp_args(struct xr *x, struct tv_tool_call *k, const struct tv_jv *item)
{
	struct tv_jv v;

	if (!tv_jv_get(item, "arguments", &v) || tv_jv_type(&v) != TV_J_OBJECT) {
		return args_of(x, k, item, "arguments");
	}
	tv_strbuf_reset(&x->buf);
	if (tv_jv_minify(&v, &x->buf) < 0) {
		return -ENOMEM;
	}
	return tv_set_str(&k->args_json, x->buf.p, x->buf.len);
}

/* the tool call of the item @id in the current turn, made on first sight */
static struct tv_tool_call *tool(struct xr *x, const char *id, size_t idn, bool *fresh)
{
	struct tv_turn *t = turn(x);
	uint64_t v;

	*fresh = false;
	if (t == NULL) {
		return NULL;
	}
	if (id && idn && tv_map_get(&x->items, id, idn, &v) && v <= t->n_tools) {
		return &t->tools[v - 1];
	}
	*fresh = true;
	if (tv_turn_add_tool(t) == NULL ||
	    (id && idn && tv_map_put(&x->items, id, idn, t->n_tools) < 0)) {
		return NULL;
	}
	return &t->tools[t->n_tools - 1];
}

/* the tool item @item (of @type) into its tool call: 1, or -ENOMEM */
static int tool_item(struct xr *x, const struct tv_jv *item, const char *type, size_t tn)
{
	const char *id, *status, *srv, *name, *msg;
	size_t idn, sn, srvn, namen, mn;
	struct tv_tool_call *k;
	struct tv_jv v;
	int64_t code;
	bool fresh;
	int r = 0;

	id = str(item, "id", &idn);
	k = tool(x, id, idn, &fresh);
	if (k == NULL) {
		return -ENOMEM;
	}
	if (fresh && is(type, tn, "command_execution")) {
		r = tv_set_str(&k->name, "shell", 5);
		r = r ? r : args_of(x, k, item, "command");
	} else if (fresh && is(type, tn, "file_change")) {
		r = tv_set_str(&k->name, "apply_patch", 11);
		r = r ? r : args_of(x, k, item, "changes");
	} else if (fresh && is(type, tn, "web_search")) {
		r = tv_set_str(&k->name, "web_search", 10);
		r = r ? r : args_of(x, k, item, "query");
	} else if (fresh) { /* mcp_tool_call */
		srv = str(item, "server", &srvn);
		name = str(item, "tool", &namen);
		tv_strbuf_reset(&x->buf);
		r = tv_strbuf_printf(&x->buf, "mcp__%.*s__%.*s", (int)srvn, srv ? srv : "",
				     (int)namen, name ? name : "");
		r = r < 0 ? -ENOMEM : tv_set_str(&k->name, x->buf.p, x->buf.len);
		r = r ? r : tv_set_str(&k->type, "mcp", 3);
		r = r ? r : mcp_args(x, k, item);
	}
	if (r < 0) {
		return -ENOMEM;
	}
	status = str(item, "status", &sn);
	if (tv_jv_get(item, "exit_code", &v) && tv_jv_int(&v, &code)) {
		k->success = code == 0;
	} else if (is(status, sn, "completed")) {
		k->success = 1;
	} else if (is(status, sn, "failed") || is(status, sn, "declined")) {
		k->success = 0;
	}
	if (is(status, sn, "declined") && tv_set_str(&k->decision, "reject", 6) < 0) {
		return -ENOMEM;
	}
	if (tv_jv_get(item, "error", &v)) {
		msg = str(&v, "message", &mn);
		if (msg && mn && tv_set_str(&k->error, msg, mn) < 0) {
			return -ENOMEM;
		}
		k->success = 0;
	}
	return 1;
}

static bool tool_type(const char *t, size_t n)
{
	return is(t, n, "command_execution") || is(t, n, "file_change") ||
	       is(t, n, "mcp_tool_call") || is(t, n, "web_search");
}

/* an item line: 1 used, SKIPPED (counted under its item type), REJECTED, -ENOMEM */
static int item_line(struct xr *x, const struct tv_jv *line, bool completed, uint64_t no)
{
	struct tv_jv item;
	const char *type, *text;
	size_t tn, n;
	struct tv_turn *t;

	if (!tv_jv_get(line, "item", &item) || tv_jv_type(&item) != TV_J_OBJECT) {
		tv_read_reject(x->ctx, no, "item line without an item object");
		return REJECTED;
	}
	type = str(&item, "type", &tn);
	type = type ? type : str(&item, "item_type", &tn); /* before 0.44 */
	if (tool_type(type, tn)) {
		return tool_item(x, &item, type, tn);
	}
	if (completed && is(type, tn, "agent_message")) {
		text = str(&item, "text", &n);
		t = turn(x);
		if (t == NULL) {
			return -ENOMEM;
		}
		return text && tv_set_str(&t->output, text, n) < 0 ? -ENOMEM : 1;
	}
	/* reasoning, todo_list, an agent_message still streaming, ... */
	tv_read_skip_as(x->ctx, 1, type ? type : "items without a type",
			type ? tn : strlen("items without a type"));
	return SKIPPED;
}

/* ---- turns ---- */

static void usage_of(struct tv_llm_call *k, const struct tv_jv *u)
{
	int64_t v;

	k->input_tokens = tv_jv_count(u, "input_tokens", &v) ? v : TV_NONE;
	k->cached_tokens = tv_jv_count(u, "cached_input_tokens", &v) ? v : TV_NONE;
	k->output_tokens = tv_jv_count(u, "output_tokens", &v) ? v : TV_NONE;
	k->thinking_tokens = tv_jv_count(u, "reasoning_output_tokens", &v) ? v : TV_NONE;
	if (k->input_tokens != TV_NONE && k->output_tokens != TV_NONE &&
	    k->input_tokens <= INT64_MAX - k->output_tokens) {
		k->total_tokens = k->input_tokens + k->output_tokens;
	}
}

/* turn.completed or turn.failed: the turn's one llm_call */
static int turn_end(struct xr *x, const struct tv_jv *line, bool ok)
{
	struct tv_turn *t = turn(x);
	struct tv_llm_call *k;
	struct tv_jv v;
	const char *msg;
	size_t n;

	k = t ? tv_turn_add_llm(t) : NULL;
	if (k == NULL) {
		return -ENOMEM;
	}
	k->status = ok ? TV_STATUS_OK : TV_STATUS_ERROR;
	if (ok && tv_jv_get(line, "usage", &v)) {
		usage_of(k, &v);
	}
	if (!ok && tv_jv_get(line, "error", &v) && (msg = str(&v, "message", &n)) != NULL &&
	    tv_set_str(&k->error, msg, n) < 0) {
		return -ENOMEM;
	}
	t->success = ok;
	tv_map_finish(&x->items);
	return 1;
}

static int dispatch(struct xr *x, const struct tv_jv *line, const char *type, size_t n, uint64_t no)
{
	const char *s;
	size_t sn;
	int r;

	if (is(type, n, "thread.started")) {
		r = hand_over(x);
		s = str(line, "thread_id", &sn);
		if (r < 0 || session(x) == NULL || (s && sn && tv_set_str(&x->s->id, s, sn) < 0)) {
			return r < 0 ? r : -ENOMEM;
		}
		return 1;
	}
	if (is(type, n, "turn.started")) {
		tv_map_finish(&x->items);
		return session(x) && tv_session_add_turn(x->s) ? 1 : -ENOMEM;
	}
	if (is(type, n, "item.started") || is(type, n, "item.updated") ||
	    is(type, n, "item.completed")) {
		return item_line(x, line, is(type, n, "item.completed"), no);
	}
	if (is(type, n, "turn.completed") || is(type, n, "turn.failed")) {
		return turn_end(x, line, is(type, n, "turn.completed"));
	}
	if (is(type, n, "error")) {
		s = str(line, "message", &sn);
		if (session(x) == NULL) {
			return -ENOMEM;
		}
		x->s->has_error = true;
		return s && tv_set_str(&x->s->error_message, s, sn) < 0 ? -ENOMEM : 1;
	}
	return 0;
}

static int one_line(void *udata, const char *p, size_t len, uint64_t no)
{
	struct xr *x = udata;
	struct tv_jv line;
	const char *type, *why = NULL;
	size_t n;
	int r;

	r = tv_json_parse(x->p, p, len, &line, &why);
	if (r == -ENOMEM) {
		return r;
	}
	if (r < 0) {
		return tv_read_reject(x->ctx, no, "invalid JSON: %s", why ? why : tv_strerror(r));
	}
	type = tv_jv_type(&line) == TV_J_OBJECT ? str(&line, "type", &n) : NULL;
	if (type == NULL) {
		return tv_read_reject(x->ctx, no, "not a codex exec event (no type)");
	}
	r = dispatch(x, &line, type, n, no);
	if (r < 0 || r == REJECTED || r == SKIPPED) {
		return r < 0 ? r : 0;
	}
	if (r == 0) {
		tv_read_skip_as(x->ctx, 1, type, n);
		return 0;
	}
	x->used++;
	return x->keep && session(x) ? tv_session_add_event(x->s, p, len) : 0;
}

static int read_input(struct tv_read_ctx *ctx, struct tv_input *in, struct tv_error *err)
{
	struct xr x = { .ctx = ctx, .p = tv_read_parser(ctx), .keep = tv_read_keep_events(ctx) };
	int r;

	x.path = tv_input_path(in);
	tv_strbuf_init(&x.buf);
	r = tv_read_lines(ctx, in, one_line, &x, err);
	if (r == 0) {
		r = hand_over(&x);
		if (r == -ENOMEM) {
			tv_error_set(err, r, tv_input_name(in), 0, "%s", tv_strerror(r));
		}
	}
	tv_session_destroy(x.s);
	tv_map_finish(&x.items);
	tv_strbuf_finish(&x.buf);
	return r;
}

/* ---- detection ---- */

static bool detect(const struct tv_sniff *s)
{
	const char *l = s->line;
	size_t n = s->line_len;

	if (s->shape != TV_SHAPE_JSON_LINE || tv_text_has(l, n, "\"payload\"")) {
		return false;
	}
	return (tv_text_has(l, n, "\"thread.started\"") && tv_text_has(l, n, "\"thread_id\"")) ||
	       tv_text_has(l, n, "\"turn.started\"") ||
	       (tv_text_has(l, n, "\"item.completed\"") && tv_text_has(l, n, "\"item\""));
}

const struct tv_format tv_format_codex_exec = {
	.name = "codex-exec",
	.layout = TV_LAYOUT_JSON_LINES,
	.detect = detect,
	.read = read_input,
};
