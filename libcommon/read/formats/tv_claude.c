// SPDX-License-Identifier: MIT
/*
 * Claude Code transcripts (docs/FORMATS.md#claude-code):
 * ~/.claude/projects/<project>/<session>.jsonl, one JSON object a line.
 *
 * Lines of type user and assistant make the conversation; the others
 * (summary, file-history-snapshot, queue-operation, progress, system, ...)
 * are bookkeeping and are skipped, except the few that say something about
 * the calls (API retries, compactions, a sub-agent's messages inside
 * progress lines).  A session is built whole and handed over at the end of
 * its file:
 *
 *   - a turn starts at a real prompt: a user line from the person, not a
 *     harness line (isMeta, slash-command and caveat wrappers, local
 *     command output, interrupt notices, task notifications, compaction
 *     summaries, tool results sent as user lines); a slash command becomes
 *     the prompt only when the model answers it;
 *   - one API response is spread over one line per content block, each
 *     repeating the usage: an llm_call per message.id (else requestId),
 *     its input and cache counts taken once and its output the largest seen;
 *   - tool_use blocks are tool calls, paired with their tool_result on the
 *     tool use id (duration, success, a user's rejection);
 *   - a sub-agent (sidechain) is part of the turn that started it: its calls
 *     go into that turn, marked with its agent id.  It is found inline
 *     (isSidechain lines, progress lines) or in files of its own, beside the
 *     session (agent-<id>.jsonl with the session's sessionId) or in
 *     <session>/subagents/; the session's reader reads those files too, and
 *     a sub-agent file met on its own reads its session when that file is
 *     there, so a project directory read whole gives each session once.
 *
 * The context's format state remembers the files already read (by device
 * and inode) and the agent files of the last directory looked at.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "libcommon/core/tv_hash.h"
#include "libcommon/core/tv_map.h"
#include "libcommon/core/tv_text.h"
#include "libcommon/core/tv_u64set.h"
#include "libcommon/core/tv_time.h"
#include "libcommon/json/tv_jw.h"
#include "libcommon/read/tv_backend.h"

#define REF(turn, i) (((uint64_t)(turn) << 32) | (uint64_t)(i))
#define REF_TURN(r) ((size_t)((r) >> 32))
#define REF_INDEX(r) ((size_t)((r)&0xffffffffu))
#define MAX_ERROR 2000 /* bytes of a tool's error output kept */

/* ---- the state kept across inputs ---- */

struct flat_agent {
	char *name; /* agent-<id>.jsonl */
	char *session;
};

struct state {
	struct tv_map done;	/* the paths of the files read */
	struct tv_u64set uuids; /* hashes of the record uuids seen in the directory below */
	char *uuid_dir;		/* that directory */
	char *dir;		/* the directory whose entries are listed */
	struct tv_map entries;	/* its entry names */
	struct flat_agent *flat;
	size_t n_flat;
};

static void flat_clear(struct state *st)
{
	for (size_t i = 0; i < st->n_flat; i++) {
		free(st->flat[i].name);
		free(st->flat[i].session);
	}
	free(st->flat);
	free(st->dir);
	tv_map_finish(&st->entries);
	st->flat = NULL;
	st->dir = NULL;
	st->n_flat = 0;
}

static void *state_create(void)
{
	return calloc(1, sizeof(struct state));
}

static void state_destroy(void *p)
{
	struct state *st = p;

	if (st == NULL) {
		return;
	}
	tv_map_finish(&st->done);
	tv_u64set_finish(&st->uuids);
	free(st->uuid_dir);
	flat_clear(st);
	free(st);
}

/*
 * The files read are remembered by path, as the directory walk and the
 * joins below spell it (the directory, "/", the name): no system call.
 */
static bool was_read(struct state *st, const char *path)
{
	uint64_t v;

	return st != NULL && tv_map_get(&st->done, path, strlen(path), &v);
}

static int mark_read(struct state *st, const char *path)
{
	return st == NULL ? 0 : tv_map_put(&st->done, path, strlen(path), 1);
}

/* ---- one read ---- */

struct sess {
	struct tv_session *s;
	struct tv_map msgs;   /* message id -> REF(turn, llm call) */
	struct tv_map tools;  /* tool use id -> REF(turn, tool call) */
	struct tv_map agents; /* agent id -> turn */
	size_t cur;	      /* the current turn + 1; 0: none yet */
	char *pending;	      /* a slash command not yet answered */
	char *pending_id;     /* its line's uuid */
	int64_t pending_time; /* and time */
	uint64_t used;	      /* lines used */
	char *out_msg;	      /* the message the current turn's output came from */
	int64_t retries;      /* system/api_error lines */
	int64_t compacts;     /* compaction boundaries */
	bool have_meta;	      /* cwd, version and branch taken */
	bool have_cost;
};

struct cc {
	struct tv_read_ctx *ctx;
	struct tv_json_parser *p;
	struct state *st;
	bool keep;
	struct tv_map ids; /* session id -> index into v */
	struct sess *v;
	size_t n, cap;
	size_t last;	      /* the session of the last line */
	char *stem;	      /* the file name without .jsonl: the id when lines have none */
	const char *force;    /* reading a sub-agent file of this session */
	const char *agent;    /* ... whose agent id is this */
	bool warmup;	      /* ... which is a pre-flight run */
	bool seen_user;	      /* ... whose first user line was seen */
	struct tv_strbuf buf; /* scratch */
	struct tv_strbuf text;
};

/* One line's envelope. */
struct line {
	uint64_t no;
	int64_t time;
	struct tv_jv v, msg;
	bool has_msg;
	bool side;	   /* a sub-agent's line */
	const char *agent; /* its agent id, when known */
	size_t agent_len;
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

/* a count, or TV_NONE */
static int64_t count(const struct tv_jv *obj, const char *key)
{
	int64_t v;

	return tv_jv_count(obj, key, &v) ? v : TV_NONE;
}

static const char *str(const struct tv_jv *obj, const char *key, size_t *n)
{
	const char *s = NULL;

	*n = 0;
	if (!tv_jv_opt_str(obj, key, &s, n)) {
		return NULL;
	}
	return s;
}

static bool next_block(struct tv_jiter *it, struct tv_jv *b)
{
	const char *k;
	size_t kn;

	return tv_jv_iter_next(it, &k, &kn, b);
}

static void sess_free(struct sess *x)
{
	tv_session_destroy(x->s);
	tv_map_finish(&x->msgs);
	tv_map_finish(&x->tools);
	tv_map_finish(&x->agents);
	free(x->pending);
	free(x->pending_id);
	free(x->out_msg);
}

static int grow_sessions(struct cc *c)
{
	struct sess *v;
	size_t cap;

	if (c->n < c->cap) {
		return 0;
	}
	cap = c->cap ? c->cap * 2 : 4;
	v = realloc(c->v, cap * sizeof(*v));
	if (v == NULL) {
		return -ENOMEM;
	}
	c->v = v;
	c->cap = cap;
	return 0;
}

/* The session @id (created if new), or NULL on ENOMEM. */
static struct sess *session(struct cc *c, const char *id, size_t n)
{
	struct sess *x;
	uint64_t i;

	if (c->last < c->n && strlen(c->v[c->last].s->id) == n &&
	    memcmp(c->v[c->last].s->id, id, n) == 0) {
		return &c->v[c->last]; /* a file is mostly one session */
	}
	if (tv_map_get(&c->ids, id, n, &i)) {
		c->last = (size_t)i;
		return &c->v[i];
	}
	if (grow_sessions(c) < 0 || tv_map_put(&c->ids, id, n, c->n) < 0) {
		return NULL;
	}
	x = &c->v[c->n];
	memset(x, 0, sizeof(*x));
	x->s = tv_session_create();
	if (x->s == NULL || tv_set_str(&x->s->id, id, n) < 0) {
		tv_session_destroy(x->s);
		return NULL;
	}
	c->last = c->n++;
	return x;
}

/* The line's session: the one being read for a sub-agent file, its sessionId, the file's name. */
static struct sess *line_session(struct cc *c, const struct tv_jv *v)
{
	const char *id;
	size_t n;

	if (c->force != NULL) {
		return session(c, c->force, strlen(c->force));
	}
	id = str(v, "sessionId", &n);
	if (id == NULL || n == 0) {
		id = c->stem;
		n = strlen(c->stem);
	}
	return session(c, id, n);
}

/* ---- turns ---- */

static struct tv_turn *new_turn(struct sess *x, int64_t t)
{
	struct tv_turn *turn = tv_session_add_turn(x->s);

	if (turn == NULL) {
		return NULL;
	}
	turn->start_time = t;
	x->cur = x->s->n_turns;
	free(x->out_msg);
	x->out_msg = NULL;
	return turn;
}

/* The turn a sub-agent's line belongs to: the one that started it, else the last begun by @t. */
static size_t agent_turn(struct sess *x, const struct line *l)
{
	uint64_t turn;

	if (l->agent != NULL && tv_map_get(&x->agents, l->agent, l->agent_len, &turn)) {
		return (size_t)turn;
	}
	if (l->time != TV_NONE) {
		for (size_t i = x->s->n_turns; i-- > 0;) {
			int64_t st = x->s->turns[i].start_time;

			if (st != TV_NONE && st <= l->time) {
				return i;
			}
		}
	}
	return x->cur ? x->cur - 1 : 0;
}

/* The turn @l's calls go into (made when there is none).  NULL on ENOMEM. */
static struct tv_turn *call_turn(struct sess *x, const struct line *l, size_t *index)
{
	if (x->s->n_turns == 0 && new_turn(x, l->time) == NULL) {
		return NULL;
	}
	*index = l->side ? agent_turn(x, l) : x->cur - 1;
	return &x->s->turns[*index];
}

/* A slash command the model answers is the turn's prompt. */
static int answer_pending(struct sess *x)
{
	struct tv_turn *turn;

	if (x->pending == NULL) {
		return 0;
	}
	turn = new_turn(x, x->pending_time);
	if (turn == NULL) {
		return -ENOMEM;
	}
	turn->prompt = x->pending;
	turn->id = x->pending_id;
	x->pending = x->pending_id = NULL;
	x->used++;
	return 0;
}

static void drop_pending(struct cc *c, struct sess *x)
{
	if (x->pending != NULL) {
		free(x->pending);
		free(x->pending_id);
		x->pending = x->pending_id = NULL;
		tv_read_skip_kind(c->ctx, "unanswered commands");
	}
}

/* ---- user lines ---- */

/* The text of a user message: a string, or its text blocks joined. */
static int user_text(struct cc *c, const struct tv_jv *msg, const char **s, size_t *n,
		     bool *results)
{
	struct tv_jv content, b;
	struct tv_jiter it;

	*s = NULL;
	*n = 0;
	*results = false;
	if (!tv_jv_get(msg, "content", &content)) {
		return 0;
	}
	if (tv_jv_str(&content, s, n)) {
		return 0;
	}
	tv_strbuf_reset(&c->text);
	tv_jv_iter_init(&content, &it);
	while (next_block(&it, &b)) {
		const char *type, *t;
		size_t tn, k;

		type = str(&b, "type", &tn);
		*results |= is(type, tn, "tool_result");
		t = is(type, tn, "text") ? str(&b, "text", &k) : NULL;
		if (t == NULL) {
			continue;
		}
		if ((c->text.len && tv_strbuf_putc(&c->text, '\n') < 0) ||
		    tv_strbuf_append(&c->text, t, k) < 0) {
			return -ENOMEM;
		}
	}
	*s = c->text.p;
	*n = c->text.len;
	return 0;
}

/* Harness text sent as a user line: wrappers, notices, command output. */
static bool harness_text(const char *s, size_t n)
{
	static const char *const prefixes[] = {
		"<local-command-",
		"Caveat: The messages below were generated",
		"<task-notification>",
		"<system-reminder>",
		"[Request interrupted by user",
		"<bash-input>",
		"<bash-stdout>",
		"<bash-stderr>",
		"<user-memory-input>",
		"This session is being continued from a previous conversation",
		NULL,
	};

	while (n > 0 && (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')) {
		s++;
		n--;
	}
	if (n == 0) {
		return true;
	}
	for (size_t i = 0; prefixes[i]; i++) {
		if (starts(s, n, prefixes[i])) {
			return true;
		}
	}
	return false;
}

/* The first @lit in the @n bytes at @s, or NULL. */
static const char *find(const char *s, size_t n, const char *lit)
{
	size_t k = strlen(lit);

	for (size_t i = 0; k > 0 && i + k <= n; i++) {
		if (s[i] == lit[0] && memcmp(s + i, lit, k) == 0) {
			return s + i;
		}
	}
	return NULL;
}

/* The text between <tag> and </tag> in @s, or NULL. */
static const char *between(const char *s, size_t n, const char *tag, const char *end, size_t *len)
{
	const char *a = find(s, n, tag), *b;

	if (a == NULL) {
		return NULL;
	}
	a += strlen(tag);
	b = find(a, (size_t)(s + n - a), end);
	if (b == NULL) {
		return NULL;
	}
	*len = (size_t)(b - a);
	return a;
}

/* A slash command echo: "/name args" into c->buf; false when @s is none. */
static bool command_text(struct cc *c, const char *s, size_t n)
{
	const char *name, *args;
	size_t nn, an = 0;

	name = between(s, n, "<command-name>", "</command-name>", &nn);
	if (name == NULL) {
		return false;
	}
	args = between(s, n, "<command-args>", "</command-args>", &an);
	tv_strbuf_reset(&c->buf);
	if ((nn == 0 || name[0] != '/') && tv_strbuf_putc(&c->buf, '/') < 0) {
		return true;
	}
	tv_strbuf_append(&c->buf, name, nn);
	if (args != NULL && an > 0) {
		tv_strbuf_putc(&c->buf, ' ');
		tv_strbuf_append(&c->buf, args, an);
	}
	return true;
}

static int mark_interrupted(struct sess *x)
{
	if (x->cur == 0) {
		return 0;
	}
	return tv_kvlist_set(&x->s->turns[x->cur - 1].extra, "interrupted", 11, "true", 4);
}

/* A prompt, a command, or harness text: 1 used, 0 skipped, < 0 error. */
static int user_prompt(struct cc *c, struct sess *x, const struct line *l, const char *s, size_t n)
{
	struct tv_turn *turn;

	if (command_text(c, s, n)) {
		drop_pending(c, x);
		x->pending = tv_strndup(c->buf.p, c->buf.len);
		x->pending_time = l->time;
		if ((s = str(&l->v, "uuid", &n)) != NULL && n > 0) {
			x->pending_id = tv_strndup(s, n);
		}
		return x->pending ? 2 : -ENOMEM; /* counted when answered or dropped */
	}
	if (starts(s, n, "[Request interrupted by user")) {
		return mark_interrupted(x) < 0 ? -ENOMEM : 0;
	}
	if (harness_text(s, n)) {
		return 0;
	}
	drop_pending(c, x);
	turn = new_turn(x, l->time);
	if (turn == NULL || tv_set_str(&turn->prompt, s, n) < 0) {
		return -ENOMEM;
	}
	if ((s = str(&l->v, "promptId", &n)) != NULL || (s = str(&l->v, "uuid", &n)) != NULL) {
		return tv_set_str(&turn->id, s, n) < 0 ? -ENOMEM : 1;
	}
	return 1;
}

static int tool_error(struct cc *c, struct tv_tool_call *t, const struct tv_jv *block)
{
	const char *s;
	size_t n;
	bool results;

	if (user_text(c, block, &s, &n, &results) < 0) {
		return -ENOMEM;
	}
	if (s == NULL) {
		return 0;
	}
	if (starts(s, n, "The user doesn't want to proceed with this tool use") &&
	    tv_set_str(&t->decision, "reject", 6) < 0) {
		return -ENOMEM;
	}
	return tv_set_str(&t->error, s, n > MAX_ERROR ? MAX_ERROR : n);
}

/* The agent a Task call ran, from the result's toolUseResult.agentId. */
static int note_agent(struct sess *x, const struct line *l, size_t turn)
{
	struct tv_jv r;
	const char *id;
	size_t n;

	if (!tv_jv_get(&l->v, "toolUseResult", &r) || tv_jv_type(&r) != TV_J_OBJECT) {
		return 0;
	}
	id = str(&r, "agentId", &n);
	if (id == NULL || n == 0) {
		return 0;
	}
	return tv_map_put(&x->agents, id, n, turn);
}

/* One tool_result block: pair it with its call.  1 paired, 0 not. */
static int tool_result(struct cc *c, struct sess *x, const struct line *l,
		       const struct tv_jv *block)
{
	struct tv_tool_call *t;
	const char *id;
	size_t n;
	uint64_t ref;

	id = str(block, "tool_use_id", &n);
	if (id == NULL || !tv_map_get(&x->tools, id, n, &ref)) {
		return 0;
	}
	t = &x->s->turns[REF_TURN(ref)].tools[REF_INDEX(ref)];
	if (l->time != TV_NONE && t->time != TV_NONE && l->time >= t->time) {
		t->duration = l->time - t->time;
	}
	t->success = !tv_jv_flag(block, "is_error");
	if (!t->success && tool_error(c, t, block) < 0) {
		return -ENOMEM;
	}
	return note_agent(x, l, REF_TURN(ref)) < 0 ? -ENOMEM : 1;
}

static int tool_results(struct cc *c, struct sess *x, const struct line *l)
{
	struct tv_jv content, b;
	struct tv_jiter it;
	int r, used = 0;

	if (!tv_jv_get(&l->msg, "content", &content)) {
		return 0;
	}
	tv_jv_iter_init(&content, &it);
	while (next_block(&it, &b)) {
		const char *type;
		size_t n;

		type = str(&b, "type", &n);
		if (!is(type, n, "tool_result")) {
			continue;
		}
		r = tool_result(c, x, l, &b);
		if (r < 0) {
			return r;
		}
		used |= r;
	}
	return used;
}

/* A user line: 1 used, 0 skipped, 2 counted later, < 0 error. */
static int user_line(struct cc *c, struct sess *x, const struct line *l)
{
	const char *s;
	size_t n;
	bool results;

	if (!l->has_msg) {
		return 0;
	}
	if (user_text(c, &l->msg, &s, &n, &results) < 0) {
		return -ENOMEM;
	}
	if (results) {
		return tool_results(c, x, l);
	}
	if (l->side) {
		if (c->force != NULL && !c->seen_user) {
			c->seen_user = true;
			c->warmup = is(s, n, "Warmup");
		}
		return 0; /* a sub-agent's instructions are not prompts */
	}
	if (s == NULL || tv_jv_flag(&l->v, "isMeta") || tv_jv_flag(&l->v, "isCompactSummary") ||
	    tv_jv_flag(&l->v, "isVisibleInTranscriptOnly")) {
		return 0;
	}
	return user_prompt(c, x, l, s, n);
}

/* ---- assistant lines ---- */

static int call_tokens(struct cc *c, struct tv_llm_call *k, const struct tv_jv *msg)
{
	struct tv_jv u;
	int64_t in, cr, cw, out;

	if (!tv_jv_get(msg, "usage", &u) || tv_jv_type(&u) != TV_J_OBJECT) {
		return 0;
	}
	in = count(&u, "input_tokens");
	cr = count(&u, "cache_read_input_tokens");
	cw = count(&u, "cache_creation_input_tokens");
	out = count(&u, "output_tokens");
	if (out != TV_NONE && (k->output_tokens == TV_NONE || out > k->output_tokens)) {
		k->output_tokens = out;
	}
	if (k->input_tokens != TV_NONE || in == TV_NONE) {
		return 0; /* input and cache counts repeat on every line: taken once */
	}
	k->input_tokens = in + (cr != TV_NONE ? cr : 0) + (cw != TV_NONE ? cw : 0);
	k->cached_tokens = cr;
	if (cr != TV_NONE) {
		k->cache_hit = cr > 0;
	}
	return cw != TV_NONE ? tv_kvlist_set_int(&k->extra, "cache_creation_tokens", cw) : 0;
}

static int api_error(struct cc *c, struct tv_llm_call *k, const struct line *l)
{
	const char *s;
	size_t n;
	bool results;
	int64_t code = count(&l->v, "apiErrorStatus");

	k->status = TV_STATUS_ERROR;
	if (code != TV_NONE) {
		k->status_code = code;
	}
	if (user_text(c, &l->msg, &s, &n, &results) < 0) {
		return -ENOMEM;
	}
	if (s == NULL || n == 0) {
		s = str(&l->v, "error", &n);
	}
	return s && n ? tv_set_str(&k->error, s, n > MAX_ERROR ? MAX_ERROR : n) : 0;
}

static int new_call_fields(struct cc *c, struct sess *x, struct tv_llm_call *k,
			   const struct line *l)
{
	const char *s;
	size_t n;
	double cost;
	struct tv_jv v;

	k->time = l->time;
	k->status = TV_STATUS_OK;
	s = str(&l->msg, "model", &n);
	if (s != NULL && n > 0 && !is(s, n, "<synthetic>") && tv_set_str(&k->model, s, n) < 0) {
		return -ENOMEM;
	}
	if (tv_jv_flag(&l->v, "isApiErrorMessage") && api_error(c, k, l) < 0) {
		return -ENOMEM;
	}
	if (tv_jv_get(&l->v, "costUSD", &v) && tv_jv_num(&v, &cost) && isfinite(cost)) {
		x->s->usage.cost_usd = x->have_cost ? x->s->usage.cost_usd + cost : cost;
		x->have_cost = true;
	}
	if (l->side && l->agent != NULL &&
	    tv_kvlist_set_str(&k->extra, "agent_id", l->agent, l->agent_len) < 0) {
		return -ENOMEM;
	}
	return 0;
}

/* The call of @l's message (made when new).  NULL on ENOMEM. */
static struct tv_llm_call *message_call(struct cc *c, struct sess *x, const struct line *l,
					size_t *turn)
{
	const char *id;
	size_t n;
	uint64_t ref;
	struct tv_llm_call *k;
	struct tv_turn *t;

	if ((id = str(&l->msg, "id", &n)) == NULL || n == 0) {
		if ((id = str(&l->v, "requestId", &n)) == NULL || n == 0) {
			id = str(&l->v, "uuid", &n);
		}
	}
	if (id != NULL && n > 0 && tv_map_get(&x->msgs, id, n, &ref)) {
		*turn = REF_TURN(ref);
		return &x->s->turns[*turn].llm[REF_INDEX(ref)];
	}
	t = call_turn(x, l, turn);
	k = t ? tv_turn_add_llm(t) : NULL;
	if (k == NULL || new_call_fields(c, x, k, l) < 0) {
		return NULL;
	}
	if (id != NULL && n > 0 && tv_map_put(&x->msgs, id, n, REF(*turn, t->n_llm - 1)) < 0) {
		return NULL;
	}
	return k;
}

static int tool_use(struct cc *c, struct sess *x, const struct line *l, size_t turn,
		    const struct tv_jv *b)
{
	struct tv_turn *t = &x->s->turns[turn];
	struct tv_tool_call *k;
	const char *id, *name;
	size_t n, nn;
	uint64_t ref;
	struct tv_jv input;

	id = str(b, "id", &n);
	if (id != NULL && n > 0 && tv_map_get(&x->tools, id, n, &ref)) {
		return 0; /* the same block again (a sub-agent's progress line and its file) */
	}
	k = tv_turn_add_tool(t);
	name = str(b, "name", &nn);
	if (k == NULL || (name && tv_set_str(&k->name, name, nn) < 0)) {
		return -ENOMEM;
	}
	k->time = l->time;
	if (name && tv_set_str(&k->type, starts(name, nn, "mcp__") ? "mcp" : "native",
			       starts(name, nn, "mcp__") ? 3 : 6) < 0) {
		return -ENOMEM;
	}
	if (tv_jv_get(b, "input", &input)) {
		tv_strbuf_reset(&c->buf);
		if (tv_jv_minify(&input, &c->buf) < 0 ||
		    tv_set_str(&k->args_json, c->buf.p, c->buf.len) < 0) {
			return -ENOMEM;
		}
	}
	if ((id && tv_kvlist_set_str(&k->extra, "id", id, n) < 0) ||
	    (l->side && l->agent &&
	     tv_kvlist_set_str(&k->extra, "agent_id", l->agent, l->agent_len) < 0)) {
		return -ENOMEM;
	}
	return id && n ? tv_map_put(&x->tools, id, n, REF(turn, t->n_tools - 1)) : 0;
}

/* A text block of the main conversation: the turn's output (one message's blocks joined). */
static int text_block(struct sess *x, const struct line *l, size_t turn, const struct tv_jv *b)
{
	struct tv_turn *t = &x->s->turns[turn];
	const char *s, *id;
	size_t n, in;
	struct tv_strbuf o;

	s = str(b, "text", &n);
	if (l->side || s == NULL || n == 0 || tv_jv_flag(&l->v, "isApiErrorMessage")) {
		return 0;
	}
	id = str(&l->msg, "id", &in);
	if (t->output && id && x->out_msg && is(id, in, x->out_msg)) {
		tv_strbuf_init(&o);
		if (tv_strbuf_printf(&o, "%s\n\n", t->output) < 0 ||
		    tv_strbuf_append(&o, s, n) < 0) {
			tv_strbuf_finish(&o);
			return -ENOMEM;
		}
		free(t->output);
		t->output = tv_strbuf_steal(&o);
		return t->output ? 0 : -ENOMEM;
	}
	free(x->out_msg);
	x->out_msg = id ? tv_strndup(id, in) : NULL;
	t->output_at = l->time;
	return tv_set_str(&t->output, s, n);
}

static int content_blocks(struct cc *c, struct sess *x, const struct line *l, size_t turn)
{
	struct tv_jv content, b;
	struct tv_jiter it;
	int r = 0;

	if (!tv_jv_get(&l->msg, "content", &content)) {
		return 0;
	}
	tv_jv_iter_init(&content, &it);
	while (r == 0 && next_block(&it, &b)) {
		const char *type;
		size_t n;

		type = str(&b, "type", &n);
		if (is(type, n, "tool_use")) {
			r = tool_use(c, x, l, turn, &b);
		} else if (is(type, n, "text")) {
			r = text_block(x, l, turn, &b);
		}
	}
	return r;
}

static int assistant_line(struct cc *c, struct sess *x, const struct line *l)
{
	struct tv_llm_call *k;
	size_t turn;

	if (!l->has_msg) {
		return 0;
	}
	if (!l->side && answer_pending(x) < 0) {
		return -ENOMEM;
	}
	k = message_call(c, x, l, &turn);
	if (k == NULL || call_tokens(c, k, &l->msg) < 0 || content_blocks(c, x, l, turn) < 0) {
		return -ENOMEM;
	}
	return 1;
}

/* ---- other lines ---- */

static int system_line(struct cc *c, struct sess *x, const struct line *l)
{
	const char *sub;
	size_t n;

	(void)c;
	sub = str(&l->v, "subtype", &n);
	if (is(sub, n, "api_error")) {
		x->retries++;
		return 1;
	}
	if (is(sub, n, "compact_boundary")) {
		x->compacts++;
		return 1;
	}
	return 0;
}

static int dispatch(struct cc *c, struct sess *x, const struct line *l, const char *type, size_t n);

/* A sub-agent's message inside a progress line (data.message). */
static int progress_line(struct cc *c, struct sess *x, const struct line *l)
{
	struct tv_jv data, inner;
	struct line m = *l;
	const char *type, *parent;
	size_t n, pn;
	uint64_t ref;

	if (!tv_jv_get(&l->v, "data", &data) || !tv_jv_get(&data, "message", &inner)) {
		return 0;
	}
	type = str(&data, "type", &n);
	if (!is(type, n, "agent_progress")) {
		return 0;
	}
	m.v = inner;
	m.has_msg = tv_jv_get(&inner, "message", &m.msg) && tv_jv_type(&m.msg) == TV_J_OBJECT;
	m.side = true;
	m.agent = str(&data, "agentId", &m.agent_len);
	parent = str(&l->v, "parentToolUseID", &pn);
	if (m.agent && parent && tv_map_get(&x->tools, parent, pn, &ref) &&
	    tv_map_put(&x->agents, m.agent, m.agent_len, REF_TURN(ref)) < 0) {
		return -ENOMEM;
	}
	type = str(&inner, "type", &n);
	if (is(type, n, "user")) {
		return user_line(c, x, &m) == 1; /* a result paired */
	}
	return is(type, n, "assistant") ? dispatch(c, x, &m, type, n) : 0;
}

/* The session's cwd, version and git branch, from its first line that has them. */
static int session_meta(struct cc *c, struct sess *x, const struct tv_jv *v)
{
	static const char *const keys[][2] = {
		{ "cwd", "cwd" },
		{ "version", "version" },
		{ "gitBranch", "git_branch" },
	};
	const char *s;
	size_t n;

	if (x->have_meta || str(v, "cwd", &n) == NULL) {
		return 0;
	}
	x->have_meta = true;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		s = str(v, keys[i][0], &n);
		if (s && n && tv_kvlist_set_str(&x->s->metadata, keys[i][1], s, n) < 0) {
			return -ENOMEM;
		}
	}
	return 0;
}

static int dispatch(struct cc *c, struct sess *x, const struct line *l, const char *type, size_t n)
{
	if (is(type, n, "user")) {
		return user_line(c, x, l);
	}
	if (is(type, n, "assistant")) {
		return assistant_line(c, x, l);
	}
	if (is(type, n, "system")) {
		return system_line(c, x, l);
	}
	if (is(type, n, "progress")) {
		return progress_line(c, x, l);
	}
	return 0; /* summary, file-history-snapshot, queue-operation, ... */
}

/* The line's type; a line with only message.usage (as usage tools write it) is an assistant's. */
static const char *line_type(const struct line *l, size_t *n)
{
	const char *type = str(&l->v, "type", n);

	if (type == NULL && l->has_msg) {
		type = str(&l->msg, "role", n);
	}
	return type;
}

static bool conversation(const char *type, size_t n)
{
	return is(type, n, "user") || is(type, n, "assistant") || is(type, n, "system") ||
	       is(type, n, "progress");
}

static void line_envelope(struct cc *c, struct line *l)
{
	const char *ts;
	size_t n;
	bool naive;

	l->time = TV_NONE;
	ts = str(&l->v, "timestamp", &n);
	if (ts == NULL || tv_time_parse(ts, n, &l->time, &naive) < 0) {
		l->time = TV_NONE;
	}
	l->has_msg = tv_jv_get(&l->v, "message", &l->msg) && tv_jv_type(&l->msg) == TV_J_OBJECT;
	l->side = tv_jv_flag(&l->v, "isSidechain") || c->force != NULL;
	l->agent = str(&l->v, "agentId", &l->agent_len);
	if ((l->agent == NULL || l->agent_len == 0) && c->agent != NULL) {
		l->agent = c->agent;
		l->agent_len = strlen(c->agent);
	}
}

static int keep_event(struct cc *c, struct sess *x, const char *p, size_t n)
{
	return c->keep ? tv_session_add_event(x->s, p, n) : 0;
}

/*
 * Was a record with @l's uuid read before in this project directory?
 * Resuming a session writes a new session file that begins with a copy of
 * the old one's records, uuids and message ids unchanged (under the new
 * sessionId): read again they would count every call twice.  Only ids
 * that are UUIDs, as Claude Code writes them, are remembered, by their
 * 64-bit hash (16 bytes or less each; two of a million collide with a
 * chance of about 3e-8).  1 (a copy),
 * 0 (first seen, remembered), or -ENOMEM.
 */
static int seen_before(struct cc *c, const struct line *l)
{
	const char *u;
	size_t n;

	u = str(&l->v, "uuid", &n);
	if (c->st == NULL || u == NULL || !tv_text_is_uuid(u, n)) {
		return 0; /* hand-written ids ("u1") repeat between files that are no copies */
	}
	return tv_u64set_add(&c->st->uuids, tv_hash64(u, n));
}

static int one_line(struct cc *c, const char *p, size_t len, uint64_t no)
{
	struct line l = { .no = no };
	struct sess *x;
	const char *type, *why = NULL;
	size_t n;
	int r;

	r = tv_json_parse(c->p, p, len, &l.v, &why);
	if (r == -ENOMEM) {
		return r;
	}
	if (r < 0) {
		return tv_read_reject(c->ctx, no, "invalid JSON: %s", why ? why : tv_strerror(r));
	}
	if (tv_jv_type(&l.v) != TV_J_OBJECT) {
		return tv_read_reject(c->ctx, no, "not a transcript line (not a JSON object)");
	}
	line_envelope(c, &l);
	type = line_type(&l, &n);
	if (type == NULL) {
		return tv_read_reject(c->ctx, no, "not a transcript line (no type)");
	}
	if (c->warmup) {
		tv_read_skip_kind(c->ctx, "warmup lines");
		return 0;
	}
	if (!conversation(type, n)) {
		tv_read_skip_as(c->ctx, 1, type,
				n); /* bookkeeping: summary, file-history-snapshot */
		return 0;
	}
	r = seen_before(c, &l);
	if (r != 0) {
		if (r > 0) {
			tv_read_skip_kind(c->ctx, "copied records (uuid seen before)");
		}
		return r < 0 ? r : 0;
	}
	x = line_session(c, &l.v);
	if (x == NULL || session_meta(c, x, &l.v) < 0) {
		return -ENOMEM;
	}
	r = dispatch(c, x, &l, type, n);
	if (r < 0) {
		return r;
	}
	if (r == 2) {
		return 0; /* a command: counted when answered or dropped */
	}
	if (r == 0) {
		tv_read_skip(c->ctx);
		return 0;
	}
	x->used++;
	return keep_event(c, x, p, len);
}

static int one_line_cb(void *udata, const char *line, size_t n, uint64_t no)
{
	return one_line(udata, line, n, no);
}

static int read_lines(void *udata, struct tv_input *in, struct tv_error *err)
{
	struct cc *c = udata;

	return tv_read_lines(c->ctx, in, one_line_cb, c, err);
}

/* ---- sub-agent files ---- */

static const char *base_name(const char *path)
{
	const char *b = strrchr(path, '/');

	return b ? b + 1 : path;
}

/* agent-<id>.jsonl: true and the id; false for another name */
static bool agent_file(const char *name, const char **id, size_t *n)
{
	size_t k = strlen(name);

	if (k <= 12 || memcmp(name, "agent-", 6) != 0 || strcmp(name + k - 6, ".jsonl") != 0) {
		return false;
	}
	*id = name + 6;
	*n = k - 12;
	return true;
}

static char *join(const char *dir, size_t dn, const char *name)
{
	struct tv_strbuf b;

	tv_strbuf_init(&b);
	if ((dn > 0 && (tv_strbuf_append(&b, dir, dn) < 0 || tv_strbuf_putc(&b, '/') < 0)) ||
	    tv_strbuf_puts(&b, name) < 0) {
		tv_strbuf_finish(&b);
		return NULL;
	}
	return tv_strbuf_steal(&b);
}

/* Read the sub-agent file @path into the session @id. */
static int read_agent(struct cc *c, const char *path, const char *id, struct tv_error *err)
{
	const char *aid, *name = base_name(path);
	size_t an;
	char *agent = NULL;
	int r;

	if (was_read(c->st, path) || !agent_file(name, &aid, &an)) {
		return 0;
	}
	agent = tv_strndup(aid, an);
	if (agent == NULL || mark_read(c->st, path) < 0) {
		free(agent);
		return tv_error_set(err, -ENOMEM, path, 0, "%s", tv_strerror(-ENOMEM));
	}
	c->force = id;
	c->agent = agent;
	c->warmup = c->seen_user = false;
	r = tv_read_nested(c->ctx, path, read_lines, c, err);
	c->force = c->agent = NULL;
	c->warmup = false;
	free(agent);
	return r;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The names in @dir matching agent-*.jsonl, sorted (*@names NULL when
 * none); every entry's name goes into @all when it is not NULL.
 */
static int list_agents(const char *dir, char ***names, size_t *n, struct tv_map *all)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **v = NULL, **nv;
	size_t k = 0;
	const char *id;
	size_t idn;

	*names = NULL;
	*n = 0;
	if (d == NULL) {
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		if (all != NULL && tv_map_put(all, de->d_name, strlen(de->d_name), 1) < 0) {
			break;
		}
		if (!agent_file(de->d_name, &id, &idn)) {
			continue;
		}
		nv = realloc(v, (k + 1) * sizeof(*v));
		if (nv == NULL || (nv[k] = tv_strndup(de->d_name, strlen(de->d_name))) == NULL) {
			v = nv ? nv : v;
			break;
		}
		v = nv;
		k++;
	}
	closedir(d);
	if (k > 1) {
		qsort(v, k, sizeof(*v), cmp_names);
	}
	*names = v;
	*n = k;
	return 0;
}

static void free_names(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i]);
	}
	free(v);
}

/* The sessionId on the first line of the file @path that has one, into @out. */
static int first_session_id(struct cc *c, const char *path, struct tv_strbuf *out)
{
	struct tv_input *in = NULL;
	const char *line, *why, *s;
	size_t len, n;
	uint64_t no = 0;
	struct tv_jv v;

	tv_strbuf_reset(out);
	if (tv_input_open(path, tv_read_max_record(c->ctx), &in) < 0) {
		return 0;
	}
	for (int i = 0; i < 8 && tv_input_line(in, &line, &len, &no, NULL) == 1; i++) {
		if (tv_json_parse(tv_read_parser2(c->ctx), line, len, &v, &why) == 0 &&
		    (s = str(&v, "sessionId", &n)) != NULL && n > 0) {
			tv_strbuf_append(out, s, n);
			break;
		}
	}
	tv_input_close(in);
	return 0;
}

/* The agent-*.jsonl files of @dir and the session each belongs to, listed once per directory. */
static int flat_list(struct cc *c, const char *dir)
{
	struct state *st = c->st;
	char **names, *full;
	size_t n;

	if (st->dir != NULL && strcmp(st->dir, dir) == 0) {
		return 0;
	}
	flat_clear(st);
	st->dir = tv_strndup(dir, strlen(dir));
	list_agents(dir, &names, &n, &st->entries);
	st->flat = calloc(n ? n : 1, sizeof(*st->flat));
	if (st->dir == NULL || st->flat == NULL) {
		free_names(names, n);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		full = join(dir, strlen(dir), names[i]);
		if (full == NULL) {
			break;
		}
		first_session_id(c, full, &c->text);
		free(full);
		st->flat[st->n_flat].name = names[i];
		st->flat[st->n_flat++].session =
			tv_strndup(c->text.p ? c->text.p : "", c->text.len);
		names[i] = NULL;
	}
	free_names(names, n);
	return 0;
}

/* <stem>/subagents/agent-*.jsonl of the session file @path (@dn: its directory's length) */
static int read_subfolder(struct cc *c, const char *path, size_t dn, const char *id,
			  struct tv_error *err)
{
	const char *name = path + dn;
	char *sub, *full, **names;
	size_t n;
	int r = 0;

	tv_strbuf_reset(&c->buf);
	if ((dn && tv_strbuf_append(&c->buf, path, dn) < 0) ||
	    tv_strbuf_append(&c->buf, name, strlen(name) - 6) < 0 ||
	    tv_strbuf_puts(&c->buf, "/subagents") < 0 ||
	    (sub = tv_strndup(c->buf.p, c->buf.len)) == NULL) {
		return -ENOMEM;
	}
	list_agents(sub, &names, &n, NULL);
	for (size_t i = 0; r == 0 && i < n; i++) {
		full = join(sub, strlen(sub), names[i]);
		r = full ? read_agent(c, full, id, err) : -ENOMEM;
		free(full);
	}
	free_names(names, n);
	free(sub);
	return r;
}

/* agent-*.jsonl beside the session file @path whose lines name the session @id */
static int read_flat(struct cc *c, const char *path, size_t dn, const char *id,
		     struct tv_error *err)
{
	char *full;
	int r = 0;

	for (size_t i = 0; r == 0 && i < c->st->n_flat; i++) {
		if (strcmp(c->st->flat[i].session, id) != 0) {
			continue;
		}
		full = join(path, dn ? dn - 1 : 0, c->st->flat[i].name); /* without its '/' */
		r = full ? read_agent(c, full, id, err) : -ENOMEM;
		free(full);
	}
	return r;
}

/*
 * The sub-agent files of the sessions read from @path: its <stem>/subagents/
 * folder belongs to the session named like the file (else the first one),
 * the agent files beside it to the session their lines name.  The
 * directory is listed once for all the sessions in it.
 */
static int read_agents(struct cc *c, const char *path, struct tv_error *err)
{
	const char *name = base_name(path);
	size_t dn = (size_t)(name - path), k = strlen(name);
	char *dir;
	uint64_t i;
	int r;

	if (c->st == NULL || c->n == 0 || k <= 6 || strcmp(name + k - 6, ".jsonl") != 0) {
		return 0;
	}
	dir = dn ? tv_strndup(path, dn - 1) : tv_strndup(".", 1);
	r = dir ? flat_list(c, dir) : -ENOMEM;
	free(dir);
	if (r == 0 && tv_map_get(&c->st->entries, name, k - 6, &i)) {
		struct sess *own = tv_map_get(&c->ids, c->stem, strlen(c->stem), &i) ? &c->v[i]
										     : &c->v[0];

		r = read_subfolder(c, path, dn, own->s->id, err);
	}
	for (size_t j = 0; r == 0 && j < c->n; j++) {
		r = read_flat(c, path, dn, c->v[j].s->id, err);
	}
	return r == -ENOMEM ? tv_error_set(err, r, path, 0, "%s", tv_strerror(r)) : r;
}

/* ---- sessions out ---- */

static int session_notes(struct cc *c, struct sess *x)
{
	if (x->retries > 0 && tv_kvlist_set_int(&x->s->metadata, "api_retries", x->retries) < 0) {
		return -ENOMEM;
	}
	if (x->compacts > 0 && tv_kvlist_set_int(&x->s->metadata, "compactions", x->compacts) < 0) {
		return -ENOMEM;
	}
	return 0;
}

/* Hand every session of the read over, in the order first seen. */
static int hand_over(struct cc *c, const char *path)
{
	int r = 0;

	for (size_t i = 0; i < c->n; i++) {
		struct sess *x = &c->v[i];
		struct tv_session *s = x->s;

		drop_pending(c, x);
		if (r < 0 || s->n_turns == 0) {
			tv_read_count(c->ctx, x->used, false); /* nothing but bookkeeping */
			continue;
		}
		r = session_notes(c, x);
		if (r == 0 && path && strcmp(path, "-") != 0) {
			r = tv_set_str(&s->source_file, path, strlen(path));
		}
		if (r < 0) {
			tv_read_count(c->ctx, x->used, false);
			continue;
		}
		x->s = NULL;
		r = tv_read_complete(c->ctx, s, x->used);
	}
	return r;
}

static void cc_free(struct cc *c)
{
	for (size_t i = 0; i < c->n; i++) {
		sess_free(&c->v[i]);
	}
	free(c->v);
	tv_map_finish(&c->ids);
	free(c->stem);
	tv_strbuf_finish(&c->buf);
	tv_strbuf_finish(&c->text);
}

static int set_stem(struct cc *c, const char *path)
{
	const char *b = strcmp(path, "-") == 0 ? "stdin" : base_name(path);
	const char *dot = strchr(b, '.');

	c->stem = tv_strndup(b, dot && dot > b ? (size_t)(dot - b) : strlen(b));
	return c->stem ? 0 : -ENOMEM;
}

/*
 * The uuids remembered are those of one project directory, @path's (a
 * session is resumed in the project it ran in): the set starts again when
 * a file of another directory comes, so memory grows with the records of
 * one project, not of the run.  0 or -ENOMEM.
 */
static int uuid_scope(struct state *st, const char *path)
{
	const char *b = strrchr(path, '/');
	size_t n = b ? (size_t)(b - path) : 0;

	if (st == NULL ||
	    (st->uuid_dir && strlen(st->uuid_dir) == n && memcmp(st->uuid_dir, path, n) == 0)) {
		return 0;
	}
	tv_u64set_finish(&st->uuids);
	free(st->uuid_dir);
	st->uuid_dir = tv_strndup(path, n);
	return st->uuid_dir ? 0 : -ENOMEM;
}

/* A session file and its sub-agents, from @in. */
static int read_session(struct tv_read_ctx *ctx, struct tv_input *in, struct tv_error *err)
{
	struct cc c = { .ctx = ctx, .p = tv_read_parser(ctx), .keep = tv_read_keep_events(ctx) };
	const char *path = tv_input_path(in);
	int r;

	c.st = tv_read_state(ctx);
	tv_strbuf_init(&c.buf);
	tv_strbuf_init(&c.text);
	r = set_stem(&c, path);
	if (r < 0) {
		r = tv_error_set(err, r, tv_input_name(in), 0, "%s", tv_strerror(r));
	}
	if (r == 0 && ((r = mark_read(c.st, path)) < 0 || (r = uuid_scope(c.st, path)) < 0)) {
		r = tv_error_set(err, r, tv_input_name(in), 0, "%s", tv_strerror(r));
	}
	if (r == 0) {
		r = read_lines(&c, in, err);
	}
	if (r == 0 && strcmp(path, "-") != 0) {
		r = read_agents(&c, path, err);
	}
	if (r == 0) {
		r = hand_over(&c, path);
		if (r < 0) {
			r = tv_error_set(err, r, tv_input_name(in), 0, "%s", tv_strerror(r));
		}
	}
	cc_free(&c);
	return r;
}

static int read_session_cb(void *udata, struct tv_input *in, struct tv_error *err)
{
	return read_session(udata, in, err);
}

static bool is_file(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* The session file a sub-agent file at @path belongs to, into @out: false when there is none. */
static bool parent_file(struct tv_read_ctx *ctx, const char *path, struct tv_strbuf *out)
{
	const char *name = base_name(path), *id;
	size_t dn = (size_t)(name - path), idn;
	struct cc probe = { .ctx = ctx };

	if (!agent_file(name, &id, &idn)) {
		return false;
	}
	tv_strbuf_reset(out);
	if (dn > 11 && memcmp(path + dn - 11, "/subagents/", 11) == 0) {
		tv_strbuf_append(out, path, dn - 11); /* <dir>/<session>/subagents/agent-x.jsonl */
		tv_strbuf_puts(out, ".jsonl");
		return is_file(out->p);
	}
	tv_strbuf_init(&probe.text);
	first_session_id(&probe, path, &probe.text);
	if (probe.text.len > 0) {
		tv_strbuf_append(out, path, dn);
		tv_strbuf_append(out, probe.text.p, probe.text.len);
		tv_strbuf_puts(out, ".jsonl");
	}
	tv_strbuf_finish(&probe.text);
	return out->len > 0 && strcmp(out->p, path) != 0 && is_file(out->p);
}

static int read_input(struct tv_read_ctx *ctx, struct tv_input *in, struct tv_error *err)
{
	struct state *st = tv_read_state(ctx);
	const char *path = tv_input_path(in);
	struct tv_strbuf parent;
	int r;

	if (strcmp(path, "-") != 0 && was_read(st, path)) {
		return 0; /* read already, with its session */
	}
	tv_strbuf_init(&parent);
	if (strcmp(path, "-") != 0 && parent_file(ctx, path, &parent) && !was_read(st, parent.p)) {
		r = tv_read_nested(ctx, parent.p, read_session_cb, ctx, err);
		tv_strbuf_finish(&parent);
		return r;
	}
	tv_strbuf_finish(&parent);
	return read_session(ctx, in, err);
}

/* ---- detection ---- */

static bool detect(const struct tv_sniff *s)
{
	const char *l = s->line;
	size_t n = s->line_len;

	if (s->shape != TV_SHAPE_JSON_LINE) {
		return false;
	}
	if (tv_text_has(l, n, "\"sessionId\"") &&
	    (tv_text_has(l, n, "\"parentUuid\"") || tv_text_has(l, n, "\"isSidechain\"") ||
	     tv_text_has(l, n, "\"costUSD\""))) {
		return true;
	}
	return (tv_text_has(l, n, "\"summary\"") && tv_text_has(l, n, "\"leafUuid\"")) ||
	       (tv_text_has(l, n, "\"file-history-snapshot\"") &&
		tv_text_has(l, n, "\"messageId\"")) ||
	       (tv_text_has(l, n, "\"queue-operation\"") && tv_text_has(l, n, "\"sessionId\""));
}

const struct tv_format tv_format_claude_code = {
	.name = "claude-code",
	.layout = TV_LAYOUT_JSON_LINES,
	.detect = detect,
	.read = read_input,
	.state_create = state_create,
	.state_destroy = state_destroy,
};
