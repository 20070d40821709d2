// SPDX-License-Identifier: MIT
/*
 * tv_llama: the Llama Stack meta-reference telemetry store, the SQLite
 * database of its `sqlite` sink (docs/FORMATS.md#llama-stack): tables traces, spans and
 * span_events.
 *
 * The database is opened read-only through a `file:` URI with mode=ro.  It
 * is not opened with immutable=1: the store may be live (the sink commits
 * every span as it ends), and immutable=1 skips locking, so a reader could
 * see half-written pages.  With mode=ro SQLite still takes its shared lock;
 * a writer holding the database (BEGIN EXCLUSIVE) makes the read fail with
 * "database is locked" once the busy timeout has passed.  The connection
 * also refuses to run schema-defined SQL (trusted_schema off, defensive on):
 * the file is data, not code.
 *
 * One query returns every spans row and then every span_events row of each
 * trace, ordered by the trace's start_time and trace_id, then (spans before
 * events) by start time and id, so the output is deterministic; rows are
 * stepped one at a time (SQLite sorts on disk when it must) and only the
 * rows of the current trace are held in memory.
 *
 * Mapping: a trace is one turn.  Its turn span is the first one named
 * create_and_execute_turn, else the first with a turn_id or session_id
 * attribute.  The session is the turn span's session_id (the key the
 * official notebook queries with json_extract(attributes,'$.session_id')),
 * else any span's session_id, else the trace id; turns of one session in
 * several traces (and files) merge through tv_read_open_session().
 * `inference` spans are llm_calls, `tool_execution` spans tool_calls.  A
 * trace with no turn span, inference or tool_execution span (a plain API
 * call such as GET /v1/models) holds no agent session: its rows are counted
 * as skipped.
 *
 * Every spans and span_events row is one record read.  Rows of a trace that
 * became a turn are used (span_events rows too: with --events they are kept,
 * and an `exception` event gives the error text of its ERROR span); rows of
 * other traces, and span_events rows whose span is not in spans, are skipped.
 * A row whose attributes are not a JSON object, or that lacks span_id or
 * trace_id, is rejected; the message names the table and rowid (line 0).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "libcommon/core/tv_text.h"
#include "libcommon/json/tv_jw.h"
#include "libcommon/read/tv_backend.h"

#define BUSY_TIMEOUT_MS 1000

/* the columns of the query below */
enum col {
	C_KIND, /* 0 spans row, 1 span_events row */
	C_ROWID,
	C_SPAN_ID,
	C_TRACE_ID,
	C_PARENT,
	C_NAME,
	C_START, /* span start_time, event timestamp */
	C_END,
	C_ATTRS,
	C_STATUS,
	C_SKIND,
	C_TSTART, /* the trace's start_time */
	C_ROOT,
	C_SERVICE,
};

/*
 * Each lookup goes through rowid = (SELECT ... LIMIT 1) rather than a plain
 * join so that a store without its primary keys cannot repeat rows.
 */
static const char query[] =
	"SELECT 0, s.rowid, s.span_id, s.trace_id, s.parent_span_id, s.name, s.start_time, "
	"s.end_time, s.attributes, s.status, s.kind, t.start_time, t.root_span_id, "
	"t.service_name "
	"FROM spans s LEFT JOIN traces t ON t.rowid = "
	"(SELECT rowid FROM traces WHERE trace_id = s.trace_id LIMIT 1) "
	"UNION ALL "
	"SELECT 1, e.rowid, e.span_id, x.trace_id, NULL, e.name, e.timestamp, NULL, "
	"e.attributes, NULL, NULL, t.start_time, t.root_span_id, t.service_name "
	"FROM span_events e LEFT JOIN spans x ON x.rowid = "
	"(SELECT rowid FROM spans WHERE span_id = e.span_id LIMIT 1) "
	"LEFT JOIN traces t ON t.rowid = "
	"(SELECT rowid FROM traces WHERE trace_id = x.trace_id LIMIT 1) "
	"ORDER BY 12, 4, 1, 7, 3, 2";

/* the span attributes the mapping reads, kept as text */
enum attr {
	A_SESSION_ID,
	A_TURN_ID,
	A_AGENT_ID,
	A_AGENT_NAME,
	A_REQUEST,
	A_INPUT,
	A_OUTPUT,
	A_MODEL_ID,
	A_MODEL,
	A_TOOL_NAME,
	A_STOP_REASON,
	A_N,
};

static const char *const attr_names[A_N] = {
	"session_id", "turn_id",  "agent_id", "agent_name", "request",	   "input",
	"output",     "model_id", "model",    "tool_name",  "stop_reason",
};

enum sstatus {
	ST_UNSET,
	ST_OK,
	ST_ERROR,
};

struct lspan {
	int64_t rowid;
	char *span_id, *parent_id, *name;
	int64_t start, end;
	enum sstatus status;
	char *a[A_N];	 /* strings as is, other values as JSON; NULL if absent */
	char *exception; /* the message of an `exception` span event */
};

/* the rows of one trace */
struct ltrace {
	bool open;
	char *trace_id; /* NULL: span_events rows whose span is unknown */
	char *root_span_id, *service;
	int64_t start;
	struct lspan *spans;
	size_t n_spans, cap_spans;
	uint64_t n_events; /* span_events rows, counted when the trace is done */
	char **ev;	   /* --events: JSON texts in row order */
	size_t n_ev, cap_ev;
};

struct llama {
	struct tv_read_ctx *ctx;
	const char *name;
	sqlite3 *db;
	sqlite3_stmt *st;
	struct ltrace tr;
	struct tv_strbuf buf; /* JSON text with the parser's padding */
	struct tv_strbuf txt; /* text pulled out of JSON */
	struct tv_strbuf ev;  /* an event being built */
	bool warned_time;
	bool warned_orphan;
};

/* ---- small helpers ---- */

static bool eq(const char *s, const char *lit)
{
	return s != NULL && strcmp(s, lit) == 0;
}

static bool jv_eq(const struct tv_jv *v, const char *lit)
{
	const char *s;
	size_t n;

	return tv_jv_str(v, &s, &n) && n == strlen(lit) && memcmp(s, lit, n) == 0;
}

static int dup(char **dst, const char *s)
{
	if (s == NULL) {
		return 0;
	}
	return tv_set_str(dst, s, strlen(s));
}

static const char *col_text(struct llama *L, int col, size_t *n)
{
	const unsigned char *s;

	if (sqlite3_column_type(L->st, col) == SQLITE_NULL) {
		*n = 0;
		return NULL;
	}
	s = sqlite3_column_text(L->st, col);
	*n = (size_t)sqlite3_column_bytes(L->st, col);
	return (const char *)s;
}

/* a copy of a text column; *@out stays NULL for SQL NULL.  0 or -ENOMEM */
static int col_dup(struct llama *L, int col, char **out)
{
	size_t n;
	const char *s = col_text(L, col, &n);

	*out = NULL;
	if (s == NULL) {
		return 0;
	}
	*out = tv_strndup(s, n);
	return *out ? 0 : -ENOMEM;
}

static int64_t col_time(struct llama *L, int col, const char *table, const char *what)
{
	int type = sqlite3_column_type(L->st, col); /* before any conversion */
	size_t n;
	const char *s = col_text(L, col, &n);
	int64_t ns;

	if (s == NULL) {
		return TV_NONE;
	}
	if (type == SQLITE_TEXT && tv_time_parse(s, n, &ns, NULL) == 0) {
		return ns;
	}
	if (!L->warned_time) {
		L->warned_time = true;
		tv_read_warn(L->ctx, 0,
			     "%s row %lld: %s is not an ISO 8601 time; such times "
			     "are left empty",
			     table, (long long)sqlite3_column_int64(L->st, C_ROWID), what);
	}
	return TV_NONE;
}

static enum sstatus col_status(struct llama *L)
{
	size_t n;
	const char *s = col_text(L, C_STATUS, &n);

	/* StatusCode.name; a str(StatusCode) ("StatusCode.ERROR") is taken too */
	if (s != NULL && n >= 5 && memcmp(s + n - 5, "ERROR", 5) == 0) {
		return ST_ERROR;
	}
	if (s != NULL && n >= 2 && memcmp(s + n - 2, "OK", 2) == 0) {
		return ST_OK;
	}
	return ST_UNSET;
}

/* parse JSON text with @p (copied for the parser's padding): 0 or tv_json_parse()'s code */
static int parse_json(struct llama *L, struct tv_json_parser *p, const char *s, size_t n,
		      struct tv_jv *root, const char **why)
{
	tv_strbuf_reset(&L->buf);
	if (tv_strbuf_append(&L->buf, s, n) < 0) {
		return -ENOMEM;
	}
	return tv_json_parse(p, L->buf.p, L->buf.len, root, why);
}

/* the same for text inside attribute values, with the second parser; true if it parsed */
static bool parse_text(struct llama *L, const char *s, struct tv_jv *root)
{
	const char *why;

	return s != NULL && parse_json(L, tv_read_parser2(L->ctx), s, strlen(s), root, &why) == 0;
}

/* ---- the trace being collected ---- */

static void span_free(struct lspan *sp)
{
	free(sp->span_id);
	free(sp->parent_id);
	free(sp->name);
	free(sp->exception);
	for (size_t i = 0; i < A_N; i++) {
		free(sp->a[i]);
	}
}

static void trace_reset(struct ltrace *tr)
{
	for (size_t i = 0; i < tr->n_spans; i++) {
		span_free(&tr->spans[i]);
	}
	for (size_t i = 0; i < tr->n_ev; i++) {
		free(tr->ev[i]);
	}
	free(tr->trace_id);
	free(tr->root_span_id);
	free(tr->service);
	tr->trace_id = tr->root_span_id = tr->service = NULL;
	tr->n_spans = 0;
	tr->n_ev = 0;
	tr->n_events = 0;
	tr->open = false;
}

static void trace_finish(struct ltrace *tr)
{
	trace_reset(tr);
	free(tr->spans);
	free(tr->ev);
}

static struct lspan *trace_add_span(struct ltrace *tr)
{
	if (tr->n_spans == tr->cap_spans) {
		size_t c = tr->cap_spans ? tr->cap_spans * 2 : 16;
		struct lspan *v = realloc(tr->spans, c * sizeof(*v));

		if (v == NULL) {
			return NULL;
		}
		tr->spans = v;
		tr->cap_spans = c;
	}
	memset(&tr->spans[tr->n_spans], 0, sizeof(tr->spans[0]));
	return &tr->spans[tr->n_spans++];
}

/* keep the event being built in L->ev */
static int trace_add_event(struct llama *L)
{
	struct ltrace *tr = &L->tr;
	char *s;

	if (tr->n_ev == tr->cap_ev) {
		size_t c = tr->cap_ev ? tr->cap_ev * 2 : 16;
		char **v = realloc(tr->ev, c * sizeof(*v));

		if (v == NULL) {
			return -ENOMEM;
		}
		tr->ev = v;
		tr->cap_ev = c;
	}
	s = tv_strndup(L->ev.p, L->ev.len);
	if (s == NULL) {
		return -ENOMEM;
	}
	tr->ev[tr->n_ev++] = s;
	return 0;
}

static struct lspan *trace_find(struct ltrace *tr, const char *span_id, size_t n)
{
	for (size_t i = 0; i < tr->n_spans; i++) {
		const char *id = tr->spans[i].span_id;

		if (strlen(id) == n && memcmp(id, span_id, n) == 0) {
			return &tr->spans[i];
		}
	}
	return NULL;
}

/* does the current row belong to the trace being collected? */
static bool same_trace(struct llama *L)
{
	size_t n;
	const char *id = col_text(L, C_TRACE_ID, &n);
	const char *cur = L->tr.trace_id;

	if (!L->tr.open) {
		return false;
	}
	if (id == NULL || cur == NULL) {
		return id == NULL && cur == NULL;
	}
	return strlen(cur) == n && memcmp(cur, id, n) == 0;
}

static int trace_begin(struct llama *L)
{
	struct ltrace *tr = &L->tr;
	int r;

	tr->open = true;
	r = col_dup(L, C_TRACE_ID, &tr->trace_id);
	if (r == 0) {
		r = col_dup(L, C_ROOT, &tr->root_span_id);
	}
	if (r == 0) {
		r = col_dup(L, C_SERVICE, &tr->service);
	}
	tr->start = col_time(L, C_TSTART, "traces", "start_time");
	return r;
}

/* ---- rows ---- */

/*
 * The row's attributes as a JSON object in @root (NULL counts as {}).
 * Returns 1, 0 when the row was rejected, or a negative code.
 */
static int row_attrs(struct llama *L, const char *table, const char *id, struct tv_jv *root)
{
	int64_t rowid = sqlite3_column_int64(L->st, C_ROWID);
	int type = sqlite3_column_type(L->st, C_ATTRS);
	const char *s, *why = NULL;
	size_t n;
	int r;

	if (type == SQLITE_BLOB || type == SQLITE_INTEGER || type == SQLITE_FLOAT) {
		return tv_read_reject(L->ctx, 0, "%s row %lld%s: attributes is %s, not JSON text",
				      table, (long long)rowid, id,
				      type == SQLITE_BLOB ? "a blob" : "a number");
	}
	s = col_text(L, C_ATTRS, &n);
	if (s == NULL) {
		s = "{}";
		n = 2;
	}
	if (n > tv_read_max_record(L->ctx)) {
		return tv_read_reject(L->ctx, 0, "%s row %lld%s: attributes longer than %zu bytes",
				      table, (long long)rowid, id, tv_read_max_record(L->ctx));
	}
	r = parse_json(L, tv_read_parser(L->ctx), s, n, root, &why);
	if (r == -ENOMEM) {
		return r;
	}
	if (r < 0) {
		return tv_read_reject(L->ctx, 0, "%s row %lld%s: attributes is not JSON: %s", table,
				      (long long)rowid, id, why ? why : "parse error");
	}
	if (tv_jv_type(root) != TV_J_OBJECT) {
		return tv_read_reject(L->ctx, 0, "%s row %lld%s: attributes is not a JSON object",
				      table, (long long)rowid, id);
	}
	return 1;
}

/* the attributes the mapping reads: strings as is, other values as JSON */
static int span_attrs(struct lspan *sp, const struct tv_jv *root, struct tv_strbuf *b)
{
	struct tv_jv v;
	const char *s;
	size_t n;
	int r;

	for (size_t i = 0; i < A_N; i++) {
		if (!tv_jv_get(root, attr_names[i], &v) || tv_jv_type(&v) == TV_J_NULL) {
			continue;
		}
		if (!tv_jv_str(&v, &s, &n)) {
			tv_strbuf_reset(b);
			r = tv_jv_minify(&v, b);
			if (r < 0) {
				return r;
			}
			s = b->p;
			n = b->len;
		}
		sp->a[i] = tv_strndup(s, n);
		if (sp->a[i] == NULL) {
			return -ENOMEM;
		}
	}
	return 0;
}

static void jw_col(struct tv_jw *w, struct llama *L, const char *key, int col)
{
	size_t n;
	const char *s = col_text(L, col, &n);

	tv_jw_key(w, key);
	if (s == NULL) {
		tv_jw_null(w);
	} else {
		tv_jw_str(w, s, n);
	}
}

/* the spans row as an event object for --events, into L->ev */
static int span_event(struct llama *L, const struct lspan *sp, const struct tv_jv *attrs)
{
	struct tv_jw w;
	int r;

	tv_strbuf_reset(&L->ev);
	tv_jw_init(&w, &L->ev);
	tv_jw_obj_begin(&w);
	tv_jw_key(&w, "table");
	tv_jw_str(&w, "spans", 5);
	jw_col(&w, L, "trace_id", C_TRACE_ID);
	jw_col(&w, L, "span_id", C_SPAN_ID);
	jw_col(&w, L, "parent_span_id", C_PARENT);
	jw_col(&w, L, "name", C_NAME);
	tv_jw_key(&w, "start_time");
	tv_jw_time(&w, sp->start);
	tv_jw_key(&w, "end_time");
	tv_jw_time(&w, sp->end);
	jw_col(&w, L, "status", C_STATUS);
	jw_col(&w, L, "kind", C_SKIND);
	tv_jw_key(&w, "attributes");
	r = tv_jw_error(&w);
	if (r == 0) {
		r = tv_jv_minify(attrs, &L->ev);
	}
	w.need_comma = true;
	tv_jw_obj_end(&w);
	return r ? r : tv_jw_error(&w);
}

/* the columns and attributes of the spans row */
static int span_fill(struct llama *L, struct lspan *sp, const struct tv_jv *attrs)
{
	int r;

	sp->start = col_time(L, C_START, "spans", "start_time");
	sp->end = col_time(L, C_END, "spans", "end_time");
	sp->status = col_status(L);
	r = col_dup(L, C_SPAN_ID, &sp->span_id);
	if (r == 0) {
		r = col_dup(L, C_PARENT, &sp->parent_id);
	}
	if (r == 0) {
		r = col_dup(L, C_NAME, &sp->name);
	}
	return r ? r : span_attrs(sp, attrs, &L->txt);
}

static int span_row(struct llama *L)
{
	int64_t rowid = sqlite3_column_int64(L->st, C_ROWID);
	char idbuf[96];
	struct tv_jv root;
	struct lspan *sp;
	size_t n;
	const char *id = col_text(L, C_SPAN_ID, &n);
	int r;

	if (id == NULL) {
		return tv_read_reject(L->ctx, 0, "spans row %lld: no span_id", (long long)rowid);
	}
	snprintf(idbuf, sizeof(idbuf), " (span %.*s)", (int)(n > 64 ? 64 : n), id);
	if (sqlite3_column_type(L->st, C_TRACE_ID) == SQLITE_NULL) {
		return tv_read_reject(L->ctx, 0, "spans row %lld%s: no trace_id", (long long)rowid,
				      idbuf);
	}
	r = row_attrs(L, "spans", idbuf, &root);
	if (r <= 0) {
		return r;
	}
	sp = trace_add_span(&L->tr);
	if (sp == NULL) {
		return -ENOMEM;
	}
	sp->rowid = rowid;
	r = span_fill(L, sp, &root);
	if (r == 0 && tv_read_keep_events(L->ctx)) {
		r = span_event(L, sp, &root);
		if (r == 0) {
			r = trace_add_event(L);
		}
	}
	return r;
}

/* the span_events row as an event object for --events, into L->ev */
static int event_event(struct llama *L, int64_t ts, const struct tv_jv *attrs)
{
	struct tv_jw w;
	int r;

	tv_strbuf_reset(&L->ev);
	tv_jw_init(&w, &L->ev);
	tv_jw_obj_begin(&w);
	tv_jw_key(&w, "table");
	tv_jw_str(&w, "span_events", 11);
	tv_jw_key(&w, "id");
	tv_jw_int(&w, sqlite3_column_int64(L->st, C_ROWID));
	jw_col(&w, L, "span_id", C_SPAN_ID);
	jw_col(&w, L, "name", C_NAME);
	tv_jw_key(&w, "timestamp");
	tv_jw_time(&w, ts);
	tv_jw_key(&w, "attributes");
	r = tv_jw_error(&w);
	if (r == 0) {
		r = tv_jv_minify(attrs, &L->ev);
	}
	w.need_comma = true;
	tv_jw_obj_end(&w);
	return r ? r : tv_jw_error(&w);
}

/* an OTel `exception` event: its message becomes its span's error text */
static int event_exception(struct llama *L, const struct tv_jv *attrs)
{
	struct lspan *sp;
	struct tv_jv v;
	const char *s;
	size_t idlen, n;
	const char *id = col_text(L, C_SPAN_ID, &idlen);

	sp = id != NULL ? trace_find(&L->tr, id, idlen) : NULL;
	if (sp == NULL || sp->exception != NULL) {
		return 0;
	}
	if ((tv_jv_get(attrs, "exception.message", &v) && tv_jv_str(&v, &s, &n) && n > 0) ||
	    (tv_jv_get(attrs, "exception.type", &v) && tv_jv_str(&v, &s, &n) && n > 0)) {
		sp->exception = tv_strndup(s, n);
		return sp->exception ? 0 : -ENOMEM;
	}
	return 0;
}

static int event_row(struct llama *L)
{
	struct tv_jv root;
	size_t n;
	const char *name = col_text(L, C_NAME, &n);
	int64_t ts;
	int r;

	r = row_attrs(L, "span_events", "", &root);
	if (r <= 0) {
		return r;
	}
	ts = col_time(L, C_START, "span_events", "timestamp");
	L->tr.n_events++;
	if (name != NULL && n == 9 && memcmp(name, "exception", 9) == 0) {
		r = event_exception(L, &root);
		if (r < 0) {
			return r;
		}
	}
	if (!tv_read_keep_events(L->ctx)) {
		return 0;
	}
	r = event_event(L, ts, &root);
	return r ? r : trace_add_event(L);
}

/* ---- text inside attribute values ---- */

/* append the text of a message content: a string, a content item, or a list of them */
static int content_text(const struct tv_jv *c, struct tv_strbuf *out)
{
	struct tv_jiter it;
	struct tv_jv item, txt;
	const char *k, *s;
	size_t kn, n;
	int r;

	if (tv_jv_str(c, &s, &n)) {
		return tv_strbuf_append(out, s, n);
	}
	if (tv_jv_type(c) == TV_J_OBJECT) {
		if (tv_jv_get(c, "text", &txt) && tv_jv_str(&txt, &s, &n)) {
			return tv_strbuf_append(out, s, n);
		}
		return 0;
	}
	tv_jv_iter_init(c, &it);
	while (tv_jv_iter_next(&it, &k, &kn, &item)) {
		if (tv_jv_type(&item) == TV_J_ARRAY) {
			continue; /* one level of lists only */
		}
		r = content_text(&item, out);
		if (r < 0) {
			return r;
		}
	}
	return 0;
}

/* the content of the last user message in @msgs (an array of messages) */
static bool last_user(const struct tv_jv *msgs, struct tv_jv *content)
{
	struct tv_jiter it;
	struct tv_jv m, role, c;
	const char *k;
	size_t kn;
	bool found = false;

	tv_jv_iter_init(msgs, &it);
	while (tv_jv_iter_next(&it, &k, &kn, &m)) {
		if (tv_jv_get(&m, "role", &role) && jv_eq(&role, "user") &&
		    tv_jv_get(&m, "content", &c)) {
			*content = c;
			found = true;
		}
	}
	return found;
}

/*
 * The user's prompt in a turn request ({"messages": [...]}) or an inference
 * input (a list of messages), into L->txt.  Returns 1 when found, 0, or -ENOMEM.
 */
static int prompt_text(struct llama *L, const char *text)
{
	struct tv_jv root, msgs, c;
	int r;

	if (!parse_text(L, text, &root)) {
		return 0;
	}
	msgs = root;
	if (tv_jv_type(&root) == TV_J_OBJECT && !tv_jv_get(&root, "messages", &msgs)) {
		return 0;
	}
	if (tv_jv_type(&msgs) != TV_J_ARRAY || !last_user(&msgs, &c)) {
		return 0;
	}
	tv_strbuf_reset(&L->txt);
	r = content_text(&c, &L->txt);
	return r < 0 ? r : 1;
}

/*
 * The content text of an output attribute ({"content": ..., ...} of an
 * inference or a ToolResponseMessage), into L->txt; text that is not JSON
 * is taken as is.  Returns the length, or -ENOMEM.
 */
static long output_text(struct llama *L, const char *text)
{
	struct tv_jv root, c;
	int r;

	tv_strbuf_reset(&L->txt);
	if (text == NULL) {
		return 0;
	}
	if (!parse_text(L, text, &root)) {
		r = tv_strbuf_append(&L->txt, text, strlen(text));
		return r < 0 ? r : (long)L->txt.len;
	}
	if (tv_jv_type(&root) != TV_J_OBJECT) {
		r = content_text(&root, &L->txt);
	} else if (tv_jv_get(&root, "content", &c)) {
		r = content_text(&c, &L->txt);
	} else {
		r = 0;
	}
	return r < 0 ? r : (long)L->txt.len;
}

/* ---- the trace into its session ---- */

static struct lspan *find_turn_span(struct ltrace *tr)
{
	for (size_t i = 0; i < tr->n_spans; i++) {
		if (eq(tr->spans[i].name, "create_and_execute_turn")) {
			return &tr->spans[i];
		}
	}
	for (size_t i = 0; i < tr->n_spans; i++) {
		if (tr->spans[i].a[A_TURN_ID] || tr->spans[i].a[A_SESSION_ID]) {
			return &tr->spans[i];
		}
	}
	return NULL;
}

static struct lspan *find_root_span(struct ltrace *tr)
{
	if (tr->root_span_id != NULL) {
		struct lspan *sp = trace_find(tr, tr->root_span_id, strlen(tr->root_span_id));

		if (sp != NULL) {
			return sp;
		}
	}
	for (size_t i = 0; i < tr->n_spans; i++) {
		if (tr->spans[i].parent_id == NULL) {
			return &tr->spans[i];
		}
	}
	return NULL;
}

static bool is_agent_trace(const struct ltrace *tr, const struct lspan *turn)
{
	if (turn != NULL) {
		return true;
	}
	for (size_t i = 0; i < tr->n_spans; i++) {
		if (eq(tr->spans[i].name, "inference") || eq(tr->spans[i].name, "tool_execution")) {
			return true;
		}
	}
	return false;
}

static const char *session_key(const struct ltrace *tr, const struct lspan *turn)
{
	if (turn != NULL && turn->a[A_SESSION_ID] != NULL && turn->a[A_SESSION_ID][0] != '\0') {
		return turn->a[A_SESSION_ID];
	}
	for (size_t i = 0; i < tr->n_spans; i++) {
		const char *k = tr->spans[i].a[A_SESSION_ID];

		if (k != NULL && k[0] != '\0') {
			return k;
		}
	}
	return tr->trace_id;
}

static int meta_str(struct llama *L, struct tv_session *s, const char *key, const char *val)
{
	struct tv_jw w;

	if (val == NULL || tv_kvlist_find(&s->metadata, key) != NULL) {
		return 0;
	}
	tv_strbuf_reset(&L->ev);
	tv_jw_init(&w, &L->ev);
	tv_jw_str(&w, val, strlen(val));
	if (tv_jw_error(&w) < 0) {
		return -ENOMEM;
	}
	return tv_kvlist_set(&s->metadata, key, strlen(key), L->ev.p, L->ev.len);
}

static int session_info(struct llama *L, struct tv_session *s, const struct lspan *turn)
{
	int r = 0;

	if (s->source_service == NULL) {
		r = dup(&s->source_service, L->tr.service);
	}
	if (r == 0 && turn != NULL) {
		r = meta_str(L, s, "agent_id", turn->a[A_AGENT_ID]);
	}
	if (r == 0 && turn != NULL) {
		r = meta_str(L, s, "agent_name", turn->a[A_AGENT_NAME]);
	}
	return r;
}

/* the prompt: the turn request's last user message, else the first inference input's */
static int turn_prompt(struct llama *L, struct tv_turn *t, const struct lspan *turn)
{
	int r = turn != NULL ? prompt_text(L, turn->a[A_REQUEST]) : 0;

	for (size_t i = 0; r == 0 && i < L->tr.n_spans; i++) {
		if (eq(L->tr.spans[i].name, "inference")) {
			r = prompt_text(L, L->tr.spans[i].a[A_INPUT]);
			break;
		}
	}
	if (r <= 0) {
		return r;
	}
	return tv_set_str(&t->prompt, L->txt.p, L->txt.len);
}

static int turn_head(struct llama *L, struct tv_turn *t, const struct lspan *turn)
{
	const struct lspan *when = turn != NULL ? turn : find_root_span(&L->tr);
	const char *id = turn != NULL && turn->a[A_TURN_ID] ? turn->a[A_TURN_ID] : L->tr.trace_id;
	int r;

	if (when != NULL) {
		t->start_time = when->start;
		t->end_time = when->end;
	}
	r = dup(&t->id, id);
	return r ? r : turn_prompt(L, t, turn);
}

static void span_times(const struct lspan *sp, int64_t *time, int64_t *duration)
{
	*time = sp->start;
	if (sp->start != TV_NONE && sp->end != TV_NONE && sp->end >= sp->start) {
		*duration = tv_time_diff(sp->end, sp->start);
	}
}

static int add_llm(struct tv_turn *t, const struct lspan *sp)
{
	struct tv_llm_call *c = tv_turn_add_llm(t);
	int r;

	if (c == NULL) {
		return -ENOMEM;
	}
	span_times(sp, &c->time, &c->duration);
	c->status = sp->status == ST_ERROR ? TV_STATUS_ERROR : TV_STATUS_OK;
	r = dup(&c->model, sp->a[A_MODEL_ID] ? sp->a[A_MODEL_ID] : sp->a[A_MODEL]);
	if (r == 0) {
		r = dup(&c->request_text, sp->a[A_INPUT]);
	}
	if (r == 0) {
		r = dup(&c->response_text, sp->a[A_OUTPUT]);
	}
	if (r == 0) {
		r = dup(&c->finish_reason, sp->a[A_STOP_REASON]);
	}
	if (r == 0 && sp->status == ST_ERROR) {
		r = dup(&c->error, sp->exception);
	}
	return r;
}

/*
 * The call_id of a ToolResponseMessage output, into @id (reset first).
 * 0 or -ENOMEM.
 */
static int tool_call_id(struct llama *L, const char *output, struct tv_strbuf *id)
{
	struct tv_jv root, v;
	const char *s;
	size_t n;

	tv_strbuf_reset(id);
	if (!parse_text(L, output, &root)) {
		return 0;
	}
	if (tv_jv_get(&root, "call_id", &v) && tv_jv_str(&v, &s, &n)) {
		return tv_strbuf_append(id, s, n);
	}
	return 0;
}

/* in a message's tool_calls[], the call @call_id, else the first named @name, else the first */
static bool pick_call(const struct tv_jv *calls, const struct tv_strbuf *call_id, const char *name,
		      struct tv_jv *out)
{
	struct tv_jiter it;
	struct tv_jv c, v;
	const char *k, *s;
	size_t kn, n;
	int best = 0; /* 3 by call_id, 2 by name, 1 first */

	tv_jv_iter_init(calls, &it);
	while (tv_jv_iter_next(&it, &k, &kn, &c)) {
		int score = 1;

		if (call_id->len > 0 && tv_jv_get(&c, "call_id", &v) && tv_jv_str(&v, &s, &n) &&
		    n == call_id->len && memcmp(s, call_id->p, n) == 0) {
			score = 3;
		} else if (name != NULL && tv_jv_get(&c, "tool_name", &v) && jv_eq(&v, name)) {
			score = 2;
		}
		if (score > best) {
			best = score;
			*out = c;
		}
	}
	return best > 0;
}

/* @v as args JSON into L->txt: a string holding a JSON object is that object */
static int args_value(struct llama *L, const struct tv_jv *v)
{
	struct tv_jv inner;
	const char *s, *why;
	size_t n;

	tv_strbuf_reset(&L->txt);
	if (tv_jv_str(v, &s, &n) && n > 0 && s[0] == '{') {
		/* with the other parser: @v stays valid; copied for the padding */
		struct tv_strbuf tmp;
		int r;

		tv_strbuf_init(&tmp);
		r = tv_strbuf_append(&tmp, s, n);
		if (r == 0 &&
		    tv_json_parse(tv_read_parser(L->ctx), tmp.p, tmp.len, &inner, &why) == 0 &&
		    tv_jv_type(&inner) == TV_J_OBJECT) {
			r = tv_jv_minify(&inner, &L->txt);
			tv_strbuf_finish(&tmp);
			return r;
		}
		tv_strbuf_finish(&tmp);
		if (r < 0) {
			return r;
		}
	}
	return tv_jv_minify(v, &L->txt);
}

/*
 * A tool_execution span's args: its input is the assistant message holding
 * the tool_calls (Llama Stack) or the arguments themselves; text that is not
 * JSON becomes a JSON string.
 */
static int tool_args(struct llama *L, const struct lspan *sp, struct tv_tool_call *c)
{
	struct tv_strbuf id;
	struct tv_jv root, calls, call, args;
	const char *in = sp->a[A_INPUT];
	struct tv_jw w;
	int r;

	if (in == NULL) {
		return 0;
	}
	tv_strbuf_init(&id);
	r = tool_call_id(L, sp->a[A_OUTPUT], &id);
	if (r == 0 && !parse_text(L, in, &root)) {
		tv_strbuf_reset(&L->txt);
		tv_jw_init(&w, &L->txt);
		tv_jw_str(&w, in, strlen(in));
		r = tv_jw_error(&w);
	} else if (r == 0 && tv_jv_get(&root, "tool_calls", &calls) &&
		   pick_call(&calls, &id, sp->a[A_TOOL_NAME], &call) &&
		   tv_jv_get(&call, "arguments", &args)) {
		r = args_value(L, &args);
	} else if (r == 0) {
		tv_strbuf_reset(&L->txt);
		r = tv_jv_minify(&root, &L->txt);
	}
	tv_strbuf_finish(&id);
	if (r < 0) {
		return r;
	}
	return tv_set_str(&c->args_json, L->txt.p, L->txt.len);
}

static int add_tool(struct llama *L, struct tv_turn *t, const struct lspan *sp)
{
	struct tv_tool_call *c = tv_turn_add_tool(t);
	long n;
	int r;

	if (c == NULL) {
		return -ENOMEM;
	}
	span_times(sp, &c->time, &c->duration);
	c->success = sp->status != ST_ERROR;
	r = dup(&c->name, sp->a[A_TOOL_NAME]);
	if (r == 0) {
		r = tool_args(L, sp, c);
	}
	if (r < 0 || sp->status != ST_ERROR) {
		return r;
	}
	n = output_text(L, sp->a[A_OUTPUT]);
	if (n < 0) {
		return (int)n;
	}
	if (n > 0) {
		return tv_set_str(&c->error, L->txt.p, L->txt.len);
	}
	return dup(&c->error, sp->exception);
}

/* the turn's output: the content of the last inference that did not fail and said something */
static int turn_output(struct llama *L, struct tv_turn *t)
{
	for (size_t i = L->tr.n_spans; i-- > 0;) {
		const struct lspan *sp = &L->tr.spans[i];
		long n;

		if (!eq(sp->name, "inference") || sp->status == ST_ERROR) {
			continue;
		}
		n = output_text(L, sp->a[A_OUTPUT]);
		if (n < 0) {
			return (int)n;
		}
		if (n > 0) {
			return tv_set_str(&t->output, L->txt.p, L->txt.len);
		}
	}
	return 0;
}

static int turn_calls(struct llama *L, struct tv_turn *t)
{
	int r = 0;

	for (size_t i = 0; r == 0 && i < L->tr.n_spans; i++) {
		const struct lspan *sp = &L->tr.spans[i];

		if (eq(sp->name, "inference")) {
			r = add_llm(t, sp);
		} else if (eq(sp->name, "tool_execution")) {
			r = add_tool(L, t, sp);
		}
	}
	return r ? r : turn_output(L, t);
}

static int64_t trace_end(const struct ltrace *tr)
{
	int64_t end = tr->start;

	for (size_t i = 0; i < tr->n_spans; i++) {
		if (tr->spans[i].end != TV_NONE && (end == TV_NONE || tr->spans[i].end > end)) {
			end = tr->spans[i].end;
		}
	}
	return end;
}

/*
 * The session is active from the trace's start to its end: a long turn is
 * not idle time.  (The input clock advances by trace starts, see trace_done().)
 */
static int trace_apply(struct llama *L, const struct lspan *turn, int64_t start)
{
	struct ltrace *tr = &L->tr;
	const char *key = session_key(tr, turn);
	struct tv_session *s;
	struct tv_turn *t;
	int r;

	s = tv_read_open_session(L->ctx, key, strlen(key), start, 0);
	if (s != NULL) {
		s = tv_read_open_session(L->ctx, key, strlen(key), trace_end(tr), 0);
	}
	if (s == NULL) {
		return -ENOMEM;
	}
	tv_read_count(L->ctx, tr->n_spans + tr->n_events, true);
	r = session_info(L, s, turn);
	if (r < 0) {
		return r;
	}
	t = tv_session_add_turn(s);
	if (t == NULL) {
		return -ENOMEM;
	}
	r = turn_head(L, t, turn);
	if (r == 0) {
		r = turn_calls(L, t);
	}
	for (size_t i = 0; r == 0 && i < tr->n_ev; i++) {
		r = tv_session_add_event(s, tr->ev[i], strlen(tr->ev[i]));
	}
	return r;
}

/* the trace is complete: map it, or count its rows as skipped */
static int trace_done(struct llama *L)
{
	struct ltrace *tr = &L->tr;
	struct lspan *turn;
	int64_t start;
	int r = 0;

	if (!tr->open) {
		return 0;
	}
	turn = find_turn_span(tr);
	if (tr->n_spans == 0 && tr->n_events > 0 && !L->warned_orphan) {
		L->warned_orphan = true;
		tv_read_warn(L->ctx, 0,
			     "span_events rows whose span is not in table spans "
			     "(or was rejected) are skipped (counted)");
	}
	/* rows come in trace start order: the clock never jumps past a later trace */
	start = tr->start != TV_NONE || tr->n_spans == 0 ? tr->start : tr->spans[0].start;
	if (is_agent_trace(tr, turn)) {
		r = trace_apply(L, turn, start);
	} else {
		const char *kind = "rows of traces without an agent turn";

		tv_read_skip_as(L->ctx, tr->n_spans + tr->n_events, kind, strlen(kind));
	}
	trace_reset(tr);
	if (r == 0) {
		r = tv_read_note_time(L->ctx, start);
	}
	return r;
}

static int one_row(struct llama *L)
{
	int r;

	if (!same_trace(L)) {
		r = trace_done(L);
		if (r == 0) {
			r = trace_begin(L);
		}
		if (r < 0) {
			return r;
		}
	}
	if (sqlite3_column_int(L->st, C_KIND) == 0) {
		return span_row(L);
	}
	return event_row(L);
}

/* ---- the database ---- */

static int db_code(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return -EBUSY;
	case SQLITE_NOMEM:
		return -ENOMEM;
	case SQLITE_NOTADB:
		return -TV_EFORMAT;
	case SQLITE_CORRUPT:
		return -TV_EPARSE;
	default:
		return -EIO;
	}
}

static int db_error(struct llama *L, struct tv_error *err, int rc, const char *what)
{
	const char *msg = L->db != NULL ? sqlite3_errmsg(L->db) : sqlite3_errstr(rc);

	return tv_error_set(err, db_code(rc), L->name, 0, "%s: %s", what, msg);
}

/* `file:` URI for @path, read-only: every byte but [A-Za-z0-9._~/-] percent-encoded */
static int db_uri(const char *path, struct tv_strbuf *b)
{
	static const char hex[] = "0123456789ABCDEF";
	int r = tv_strbuf_puts(b, path[0] == '/' ? "file://" : "file:");

	for (const unsigned char *p = (const unsigned char *)path; r == 0 && *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("._~/-", *p) != NULL) {
			r = tv_strbuf_putc(b, (char)*p);
		} else {
			r = tv_strbuf_printf(b, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
		}
	}
	return r ? r : tv_strbuf_puts(b, "?mode=ro");
}

static int db_open(struct llama *L, const char *path, struct tv_error *err)
{
	struct tv_strbuf uri;
	int rc;

	tv_strbuf_init(&uri);
	if (db_uri(path, &uri) < 0) {
		tv_strbuf_finish(&uri);
		return tv_error_set(err, -ENOMEM, L->name, 0, "%s", tv_strerror(-ENOMEM));
	}
	rc = sqlite3_open_v2(uri.p, &L->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
	tv_strbuf_finish(&uri);
	if (rc != SQLITE_OK) {
		return db_error(L, err, rc, "cannot open the SQLite database");
	}
	sqlite3_busy_timeout(L->db, BUSY_TIMEOUT_MS);
	sqlite3_db_config(L->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(L->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	return 0;
}

/* the three tables must be there (as tables, not views) */
static int db_check(struct llama *L, struct tv_error *err)
{
	static const char q[] = "SELECT name FROM sqlite_master WHERE type = 'table' AND "
				"name IN ('traces', 'spans', 'span_events')";
	static const char *const need[] = { "traces", "spans", "span_events" };
	unsigned seen = 0;
	int rc;

	rc = sqlite3_prepare_v2(L->db, q, -1, &L->st, NULL);
	if (rc == SQLITE_OK) {
		while ((rc = sqlite3_step(L->st)) == SQLITE_ROW) {
			const char *name = (const char *)sqlite3_column_text(L->st, 0);

			for (unsigned i = 0; i < 3; i++) {
				seen |= eq(name, need[i]) ? 1u << i : 0;
			}
		}
	}
	sqlite3_finalize(L->st);
	L->st = NULL;
	if (rc != SQLITE_DONE) {
		return db_error(L, err, rc, "cannot read the SQLite database");
	}
	for (unsigned i = 0; i < 3; i++) {
		if (!(seen & (1u << i))) {
			return tv_error_set(err, -TV_EFORMAT, L->name, 0,
					    "not a Llama Stack "
					    "telemetry store: no table %s (it needs traces, spans "
					    "and span_events)",
					    need[i]);
		}
	}
	return 0;
}

static int db_read(struct llama *L, struct tv_error *err)
{
	int rc, r;

	rc = sqlite3_prepare_v2(L->db, query, -1, &L->st, NULL);
	if (rc == SQLITE_ERROR) {
		return db_error(L, err, rc, "not a Llama Stack telemetry store");
	}
	if (rc != SQLITE_OK) {
		return db_error(L, err, rc, "cannot read the SQLite database");
	}
	while ((rc = sqlite3_step(L->st)) == SQLITE_ROW) {
		r = one_row(L);
		if (r < 0) {
			return tv_error_set(err, r, L->name, 0, "%s", tv_strerror(r));
		}
	}
	if (rc != SQLITE_DONE) {
		return db_error(L, err, rc, "cannot read the SQLite database");
	}
	r = trace_done(L);
	if (r < 0) {
		return tv_error_set(err, r, L->name, 0, "%s", tv_strerror(r));
	}
	return 0;
}

static int check_input(struct tv_input *in, struct tv_error *err)
{
	const char *path = tv_input_path(in);

	if (strcmp(path, "-") == 0) {
		return tv_error_set(err, -TV_EUSAGE, tv_input_name(in), 0,
				    "a Llama Stack SQLite "
				    "store cannot be read from standard input; give its path");
	}
	if (tv_input_compressed(in)) {
		return tv_error_set(err, -TV_EUSAGE, tv_input_name(in), 0,
				    "a gzip-compressed "
				    "SQLite database cannot be read; decompress it first");
	}
	return 0;
}

static int read_input(struct tv_read_ctx *ctx, struct tv_input *in, struct tv_error *err)
{
	struct llama L = { .ctx = ctx, .name = tv_input_name(in) };
	struct stat st;
	int r;

	r = check_input(in, err);
	if (r < 0) {
		return r;
	}
	tv_strbuf_init(&L.buf);
	tv_strbuf_init(&L.txt);
	tv_strbuf_init(&L.ev);
	r = db_open(&L, tv_input_path(in), err);
	if (r == 0) {
		r = db_check(&L, err);
	}
	if (r == 0) {
		r = db_read(&L, err);
	}
	if (r == 0 && stat(tv_input_path(in), &st) == 0) {
		tv_read_count_bytes(ctx, (uint64_t)st.st_size); /* nothing went through @in */
	}
	sqlite3_finalize(L.st);
	sqlite3_close(L.db);
	trace_finish(&L.tr);
	tv_strbuf_finish(&L.buf);
	tv_strbuf_finish(&L.txt);
	tv_strbuf_finish(&L.ev);
	return r;
}

static bool detect(const struct tv_sniff *s)
{
	return s->shape == TV_SHAPE_SQLITE;
}

const struct tv_format tv_format_llama_stack = {
	.name = "llama-stack",
	.layout = TV_LAYOUT_SQLITE,
	.detect = detect,
	.read = read_input,
};
