// SPDX-License-Identifier: MIT
/*
 * tv_pylog: Python logging lines `YYYY-MM-DD HH:MM:SS,mmm - logger -
 * LEVEL - {json}` carrying query events (docs/FORMATS.md#pylog), and plain JSON lines
 * of the same events (`{"event": "query_start", "query_id": ...}`).
 *
 * One query_id is one session with one turn and one llm_call:
 *   query_start    the turn's prompt (query_preview) and start time
 *   query_success  the call is ok; latency_ms its duration, model, cost_usd
 *                  the session's usage.cost_usd (tokens when present)
 *   query_error    the call failed: error_message (else error_type) is its
 *                  error, and error_type/error_message the session's error
 * Other events with a query_id are used but only kept as events (--events).
 * Records of one query may interleave with other queries', so sessions are
 * grouped through tv_read_open_session().
 *
 * Lines that are neither records nor JSON (a traceback, say) belong to the
 * record before them: after a query_error record they are appended, one
 * line each after a newline, to that query's llm_call error text (not the
 * session error message, which stays the logged error_message), up to the
 * record size limit; anywhere else they are counted as skipped.  Records
 * whose message is not JSON, and JSON without a query_id, are skipped too;
 * a message that starts with `{` but is not valid JSON is rejected.  Blank
 * lines are not records.
 *
 * Times: the event's own "timestamp" (ISO 8601, or Unix seconds) when it
 * has one, else the line's asctime.  Python logs local time without a zone;
 * such times are read as UTC, with one warning per input.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcommon/core/tv_text.h"
#include "libcommon/json/tv_jw.h"
#include "libcommon/read/tv_backend.h"

/* `YYYY-MM-DD HH:MM:SS,mmm` */
#define STAMP_LEN 23

/* the parts of one logging line; all borrowed from the line */
struct logline {
	const char *stamp;
	const char *logger, *level, *msg;
	size_t logger_len, level_len, msg_len;
};

struct pylog {
	struct tv_read_ctx *ctx;
	uint64_t lineno;
	bool warned_naive;
	bool warned_long;
	bool tb_open;		 /* the last record was a query_error: lines attach to it */
	struct tv_strbuf tb_key; /* its query_id */
	struct tv_strbuf key;	 /* the current record's query_id */
	struct tv_strbuf ev;	 /* an event being built */
	/* the map (tv_read_mapping): the text of the last record, with its traceback */
	const char *line; /* the line being read */
	size_t line_len;
	struct tv_strbuf map_text;
	struct tv_strbuf map_key;
	int64_t map_time;
	uint64_t map_line;
};

/* the JSON record being mapped */
struct rec {
	struct pylog *P;
	const struct logline *ll; /* NULL for a plain JSON line */
	struct tv_jv root;
	int64_t time;
	struct tv_session *s;
};

/* ---- the logging layout ---- */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool stamp_ok(const char *s, size_t n)
{
	static const char pat[] = "dddd-dd-dd dd:dd:dd,ddd";

	if (n < STAMP_LEN) {
		return false;
	}
	for (size_t i = 0; i < STAMP_LEN; i++) {
		if (pat[i] == 'd' ? !is_digit(s[i]) : s[i] != pat[i]) {
			return false;
		}
	}
	return true;
}

/* ` - LEVEL - ` at @s: the level's length, or 0 */
static size_t level_at(const char *s, size_t n)
{
	static const char *const levels[] = { "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL" };

	if (n < 3 || memcmp(s, " - ", 3) != 0) {
		return 0;
	}
	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		size_t k = strlen(levels[i]);

		if (n >= 3 + k + 3 && memcmp(s + 3, levels[i], k) == 0 &&
		    memcmp(s + 3 + k, " - ", 3) == 0) {
			return k;
		}
	}
	return 0;
}

/* `<stamp> - <logger> - <LEVEL> - <message>`, the logger as short as possible */
static bool parse_line(const char *s, size_t n, struct logline *ll)
{
	size_t i, k;

	if (!stamp_ok(s, n) || n < STAMP_LEN + 3 || memcmp(s + STAMP_LEN, " - ", 3) != 0) {
		return false;
	}
	for (i = STAMP_LEN + 4; i < n; i++) {
		k = level_at(s + i, n - i);
		if (k > 0) {
			ll->stamp = s;
			ll->logger = s + STAMP_LEN + 3;
			ll->logger_len = i - (STAMP_LEN + 3);
			ll->level = s + i + 3;
			ll->level_len = k;
			ll->msg = s + i + 3 + k + 3;
			ll->msg_len = n - (i + 3 + k + 3);
			return true;
		}
	}
	return false;
}

/* ---- fields of the record ---- */

static bool get_str(const struct rec *R, const char *key, const char **s, size_t *n)
{
	struct tv_jv v;

	return tv_jv_get(&R->root, key, &v) && tv_jv_str(&v, s, n);
}

static bool get_num(const struct rec *R, const char *key, double *d)
{
	struct tv_jv v;

	return tv_jv_get(&R->root, key, &v) && tv_jv_num(&v, d) && isfinite(*d);
}

static int64_t get_int(const struct rec *R, const char *key)
{
	struct tv_jv v;
	int64_t i;

	return tv_jv_get(&R->root, key, &v) && tv_jv_int(&v, &i) ? i : TV_NONE;
}

static int set_str(const struct rec *R, char **dst, const char *key)
{
	const char *s;
	size_t n;

	return get_str(R, key, &s, &n) ? tv_set_str(dst, s, n) : 0;
}

/* the record's query_id into P->key: 1, 0 when it has none, or -ENOMEM */
static int query_key(struct rec *R)
{
	struct tv_jv v;
	const char *s;
	size_t n;
	int64_t i;

	tv_strbuf_reset(&R->P->key);
	if (!tv_jv_get(&R->root, "query_id", &v)) {
		return 0;
	}
	if (tv_jv_str(&v, &s, &n) && tv_read_key_ok(s, n)) {
		return tv_strbuf_append(&R->P->key, s, n) < 0 ? -ENOMEM : 1;
	}
	if (tv_jv_int(&v, &i)) {
		return tv_strbuf_printf(&R->P->key, "%lld", (long long)i) < 0 ? -ENOMEM : 1;
	}
	return 0;
}

static void note_naive(struct pylog *P)
{
	if (!P->warned_naive) {
		P->warned_naive = true;
		tv_read_warn(P->ctx, P->lineno,
			     "times carry no time zone (Python logging writes "
			     "local time); they are read as UTC");
	}
}

/* *@t: the time @s says, TV_NONE if it is none; -TV_ERANGE for one televal cannot hold */
static int text_time(struct pylog *P, const char *s, size_t n, int64_t *t)
{
	bool naive = false;
	int r = tv_time_parse(s, n, t, &naive);

	if (r == -TV_ERANGE) {
		return r;
	}
	if (r < 0) {
		*t = TV_NONE;
		return 0;
	}
	if (naive) {
		note_naive(P);
	}
	return 0;
}

/* the event's "timestamp", else the line's asctime: 0, or -TV_ERANGE */
static int record_time(struct rec *R)
{
	const char *s;
	size_t n;
	double d;
	int r = 0;

	R->time = TV_NONE;
	if (get_str(R, "timestamp", &s, &n)) {
		r = text_time(R->P, s, n, &R->time);
	} else if (get_num(R, "timestamp", &d) && d > 0 && d < 1e11) {
		r = tv_time_scale_double(d, 1e9, &R->time); /* Unix seconds, as time.time() gives */
	}
	if (r == 0 && R->time == TV_NONE && R->ll != NULL) {
		r = text_time(R->P, R->ll->stamp, STAMP_LEN, &R->time);
	}
	return r;
}

/* a latency televal can hold, if any: 0 or -TV_ERANGE */
static int check_latency(const struct rec *R)
{
	double ms;
	int64_t ns;

	if (get_num(R, "latency_ms", &ms) && ms >= 0) {
		return tv_time_scale_double(ms, 1e6, &ns);
	}
	return 0;
}

/* ---- the query's session ---- */

/* the one llm_call of the query's one turn (whose id is the query_id) */
static struct tv_llm_call *query_call(struct tv_session *s)
{
	struct tv_turn *t = s->n_turns > 0 ? &s->turns[0] : tv_session_add_turn(s);

	if (t == NULL || (t->id == NULL && tv_set_str(&t->id, s->id, strlen(s->id)) < 0)) {
		return NULL;
	}
	return t->n_llm > 0 ? &t->llm[0] : tv_turn_add_llm(t);
}

/*
 * The call ends with this record: latency_ms is its duration, else the time
 * since its query_start; its start is derived when only the end is known.
 * A call too long for a duration (centuries) still ends its turn here.
 */
static void call_times(const struct rec *R, struct tv_llm_call *c)
{
	struct tv_turn *t = &R->s->turns[0];
	double ms;

	if (get_num(R, "latency_ms", &ms) && ms >= 0) {
		tv_time_scale_double(ms, 1e6, &c->duration); /* checked by check_latency() */
	} else if (c->time != TV_NONE && R->time != TV_NONE && R->time >= c->time) {
		c->duration = tv_time_diff(R->time, c->time);
		if (c->duration == TV_NONE && (t->end_time == TV_NONE || R->time > t->end_time)) {
			t->end_time = R->time;
		}
	}
	if (c->time == TV_NONE && R->time != TV_NONE) {
		c->time = c->duration != TV_NONE ? tv_time_add(R->time, -c->duration) : R->time;
	}
}

static int on_start(struct rec *R)
{
	struct tv_llm_call *c = query_call(R->s);
	struct tv_turn *t = &R->s->turns[0];
	int r;

	if (c == NULL) {
		return -ENOMEM;
	}
	if (R->time != TV_NONE && (t->start_time == TV_NONE || R->time < t->start_time)) {
		t->start_time = R->time;
	}
	if (R->time != TV_NONE && (c->time == TV_NONE || R->time < c->time)) {
		c->time = R->time;
	}
	r = t->prompt == NULL ? set_str(R, &t->prompt, "query_preview") : 0;
	if (r == 0 && t->prompt == NULL) {
		r = set_str(R, &t->prompt, "query");
	}
	if (r == 0 && c->model == NULL) {
		r = set_str(R, &c->model, "model");
	}
	return r;
}

static int on_success(struct rec *R)
{
	struct tv_llm_call *c = query_call(R->s);
	double cost;
	int r;

	if (c == NULL) {
		return -ENOMEM;
	}
	c->status = TV_STATUS_OK;
	call_times(R, c);
	if (get_num(R, "cost_usd", &cost)) {
		R->s->usage.cost_usd = cost;
	}
	c->input_tokens = get_int(R, "input_tokens");
	c->output_tokens = get_int(R, "output_tokens");
	c->total_tokens = get_int(R, "total_tokens");
	r = set_str(R, &c->model, "model");
	if (r == 0) {
		r = set_str(R, &c->finish_reason, "finish_reason");
	}
	return r;
}

static int on_error(struct rec *R)
{
	struct tv_llm_call *c = query_call(R->s);
	const char *type = NULL, *msg = NULL;
	size_t tn = 0, mn = 0;
	int r;

	if (c == NULL) {
		return -ENOMEM;
	}
	get_str(R, "error_type", &type, &tn);
	get_str(R, "error_message", &msg, &mn);
	call_times(R, c);
	c->status = tv_text_mentions_timeout(type, tn) || tv_text_mentions_timeout(msg, mn)
			    ? TV_STATUS_TIMEOUT
			    : TV_STATUS_ERROR;
	if (msg != NULL) {
		r = tv_set_str(&c->error, msg, mn);
	} else {
		r = type != NULL ? tv_set_str(&c->error, type, tn) : 0;
	}
	if (r == 0 && c->model == NULL) {
		r = set_str(R, &c->model, "model");
	}
	R->s->has_error = true;
	if (r == 0 && type != NULL) {
		r = tv_set_str(&R->s->error_type, type, tn);
	}
	if (r == 0 && msg != NULL) {
		r = tv_set_str(&R->s->error_message, msg, mn);
	}
	return r;
}

/* the record as an event: the JSON itself, wrapped with the line's fields */
static int add_event(struct rec *R)
{
	struct tv_strbuf *b = &R->P->ev;
	const struct logline *ll = R->ll;
	struct tv_jw w;
	int r;

	tv_strbuf_reset(b);
	if (ll == NULL) {
		r = tv_jv_minify(&R->root, b);
		return r ? r : tv_session_add_event(R->s, b->p, b->len);
	}
	tv_jw_init(&w, b);
	tv_jw_obj_begin(&w);
	tv_jw_key(&w, "asctime");
	tv_jw_str(&w, ll->stamp, STAMP_LEN);
	tv_jw_key(&w, "logger");
	tv_jw_str(&w, ll->logger, ll->logger_len);
	tv_jw_key(&w, "level");
	tv_jw_str(&w, ll->level, ll->level_len);
	tv_jw_key(&w, "message");
	r = tv_jw_error(&w);
	if (r == 0) {
		r = tv_jv_minify(&R->root, b);
	}
	w.need_comma = true;
	tv_jw_obj_end(&w);
	r = r ? r : tv_jw_error(&w);
	return r ? r : tv_session_add_event(R->s, b->p, b->len);
}

static bool event_is(const struct rec *R, const char *name)
{
	const char *s;
	size_t n;

	return get_str(R, "event", &s, &n) && n == strlen(name) && memcmp(s, name, n) == 0;
}

static int apply(struct rec *R)
{
	struct pylog *P = R->P;
	int r = 0;

	if (R->s->source_service == NULL && R->ll != NULL && R->ll->logger_len > 0) {
		r = tv_set_str(&R->s->source_service, R->ll->logger, R->ll->logger_len);
	}
	if (r == 0 && tv_read_keep_events(P->ctx)) {
		r = add_event(R);
	}
	if (r < 0) {
		return r;
	}
	if (event_is(R, "query_start")) {
		return on_start(R);
	}
	if (event_is(R, "query_success")) {
		return on_success(R);
	}
	if (event_is(R, "query_error")) {
		P->tb_open = true;
		tv_strbuf_reset(&P->tb_key);
		r = tv_strbuf_append(&P->tb_key, P->key.p, P->key.len);
		return r ? r : on_error(R);
	}
	return 0;
}

/* one JSON object record: into its query's session, or skipped */
/* the map: hand over the record kept, with the traceback lines after it */
static int map_flush(struct pylog *P)
{
	int r;

	if (P->map_text.len == 0) {
		return 0;
	}
	r = tv_read_map_text(P->ctx, P->map_key.p, P->map_key.len, P->map_time, P->map_line,
			     P->map_text.p, P->map_text.len);
	tv_strbuf_reset(&P->map_text);
	return r;
}

/* the map: keep the record's line as the session's until the next record */
static int map_record(struct pylog *P, struct rec *R)
{
	int r = map_flush(P);

	tv_strbuf_reset(&P->map_key);
	if (r == 0) {
		r = tv_strbuf_append(&P->map_key, P->key.p, P->key.len);
	}
	if (r == 0) {
		r = tv_strbuf_append(&P->map_text, P->line, P->line_len);
	}
	if (r < 0) {
		return r;
	}
	P->map_time = R->time;
	P->map_line = P->lineno;
	P->tb_open = event_is(R, "query_error");
	tv_read_count(P->ctx, 1, true);
	return tv_read_note_time(P->ctx, R->time);
}

/* the map: a traceback line goes with its record */
static int map_other(struct pylog *P, const char *s, size_t n)
{
	int r;

	if (!P->tb_open || P->map_text.len == 0) {
		tv_read_skip(P->ctx);
		return 0;
	}
	r = tv_strbuf_putc(&P->map_text, '\n');
	if (r == 0) {
		r = tv_strbuf_append(&P->map_text, s, n);
	}
	if (r == 0) {
		tv_read_count(P->ctx, 1, true);
	}
	return r;
}

static int on_record(struct pylog *P, const struct logline *ll, const struct tv_jv *root)
{
	struct rec R = { .P = P, .ll = ll, .root = *root };
	int r = query_key(&R);

	if (r < 0) {
		return r;
	}
	if (r == 0) {
		tv_read_skip_kind(P->ctx, "records without a query_id");
		return 0;
	}
	if (record_time(&R) < 0) {
		return tv_read_reject(P->ctx, P->lineno, "%s", tv_strerror(-TV_ERANGE));
	}
	if (check_latency(&R) < 0) {
		return tv_read_reject(
			P->ctx, P->lineno,
			"latency_ms is longer than televal can hold (about 292 years)");
	}
	if (tv_read_mapping(P->ctx)) {
		return map_record(P, &R);
	}
	R.s = tv_read_open_session(P->ctx, P->key.p, P->key.len, R.time, P->lineno);
	if (R.s == NULL) {
		return -ENOMEM;
	}
	tv_read_count(P->ctx, 1, true);
	r = apply(&R);
	return r ? r : tv_read_note_time(P->ctx, R.time);
}

/* a line that is no record: part of the traceback of the last query_error, or skipped */
static int on_other(struct pylog *P, const char *s, size_t n)
{
	struct tv_session *sess;
	struct tv_llm_call *c;
	size_t have;
	char *e;

	if (tv_read_mapping(P->ctx)) {
		return map_other(P, s, n);
	}
	if (!P->tb_open) {
		tv_read_skip_kind(P->ctx, "text lines");
		return 0;
	}
	sess = tv_read_open_session(P->ctx, P->tb_key.p, P->tb_key.len, TV_NONE, P->lineno);
	c = sess != NULL ? query_call(sess) : NULL;
	if (c == NULL) {
		return -ENOMEM;
	}
	have = c->error != NULL ? strlen(c->error) : 0;
	if (have + 1 + n > tv_read_max_record(P->ctx)) {
		if (!P->warned_long) {
			P->warned_long = true;
			tv_read_warn(P->ctx, P->lineno,
				     "traceback longer than %zu bytes: the rest "
				     "is skipped (counted)",
				     tv_read_max_record(P->ctx));
		}
		tv_read_skip_kind(P->ctx, "traceback lines over the record limit");
		return 0;
	}
	e = realloc(c->error, have + 1 + n + 1);
	if (e == NULL) {
		return -ENOMEM;
	}
	if (have > 0) {
		e[have++] = '\n';
	}
	memcpy(e + have, s, n);
	e[have + n] = '\0';
	c->error = e;
	tv_read_count(P->ctx, 1, true);
	return 0;
}

/* the JSON message @s (followed by the input's padding) of a record */
static int on_json(struct pylog *P, const struct logline *ll, const char *s, size_t n, bool cut)
{
	struct tv_jv root;
	const char *why = NULL;
	int r;

	r = tv_json_parse(tv_read_parser(P->ctx), s, n, &root, &why);
	if (r == -ENOMEM) {
		return r;
	}
	if (r < 0) {
		return tv_read_reject(P->ctx, P->lineno, "invalid JSON%s: %s",
				      cut ? " (the last line is cut short)" : "",
				      why ? why : tv_strerror(r));
	}
	if (tv_jv_type(&root) != TV_J_OBJECT) {
		tv_read_skip_kind(P->ctx, "JSON lines that are not objects");
		return 0;
	}
	return on_record(P, ll, &root);
}

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r') {
			return false;
		}
	}
	return true;
}

static int one_line(struct pylog *P, const char *s, size_t n, bool cut)
{
	struct logline ll;

	if (P->lineno == 1 && n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) {
		s += 3;
		n -= 3;
	}
	if (blank(s, n)) {
		return 0;
	}
	P->line = s;
	P->line_len = n;
	if (parse_line(s, n, &ll)) {
		P->tb_open = false;
		if (ll.msg_len > 0 && ll.msg[0] == '{') {
			return on_json(P, &ll, ll.msg, ll.msg_len, cut);
		}
		tv_read_skip_kind(P->ctx, "log lines without a JSON message");
		return 0;
	}
	if (s[0] == '{') {
		P->tb_open = false;
		return on_json(P, NULL, s, n, cut);
	}
	return on_other(P, s, n);
}

static int read_lines(struct pylog *P, struct tv_input *in, struct tv_error *err)
{
	const char *line;
	size_t len;
	bool cut;
	int r;

	for (;;) {
		r = tv_input_line(in, &line, &len, &P->lineno, &cut);
		if (r == 0) {
			return 0;
		}
		if (r == -TV_ETOOBIG) {
			P->tb_open = false;
			tv_read_reject(P->ctx, P->lineno, "line longer than %zu bytes",
				       tv_read_max_record(P->ctx));
			continue;
		}
		if (r < 0) {
			return tv_error_set(err, r, tv_input_name(in), P->lineno, "read error: %s",
					    tv_strerror(r));
		}
		r = one_line(P, line, len, cut);
		if (r < 0) {
			return tv_error_set(err, r, tv_input_name(in), P->lineno, "%s",
					    tv_strerror(r));
		}
	}
}

static int read_input(struct tv_read_ctx *ctx, struct tv_input *in, struct tv_error *err)
{
	struct pylog P = { .ctx = ctx };
	int r;

	tv_strbuf_init(&P.tb_key);
	tv_strbuf_init(&P.key);
	tv_strbuf_init(&P.ev);
	tv_strbuf_init(&P.map_text);
	tv_strbuf_init(&P.map_key);
	r = read_lines(&P, in, err);
	if (r == 0) {
		r = map_flush(&P);
		if (r < 0) {
			tv_error_set(err, r, tv_input_name(in), P.lineno, "%s", tv_strerror(r));
		}
	}
	tv_strbuf_finish(&P.map_text);
	tv_strbuf_finish(&P.map_key);
	tv_strbuf_finish(&P.tb_key);
	tv_strbuf_finish(&P.key);
	tv_strbuf_finish(&P.ev);
	return r;
}

/* 2025-01-01 12:00:00,123 - name - LEVEL - message */
static bool pylog_line(const char *s, size_t n)
{
	return tv_text_stamp(s, n, ' ') && n > 26 && s[19] == ',' && s[20] >= '0' && s[20] <= '9' &&
	       s[22] >= '0' && s[22] <= '9' && s[23] == ' ' && s[24] == '-' && s[25] == ' ';
}

static bool detect(const struct tv_sniff *s)
{
	if (s->shape == TV_SHAPE_TEXT_LINE) {
		return pylog_line(s->line, s->line_len);
	}
	return s->shape == TV_SHAPE_JSON_LINE &&
	       tv_text_has(s->line, s->line_len, "\"query_id\"") &&
	       tv_text_has(s->line, s->line_len, "\"event\"");
}

const struct tv_format tv_format_pylog = {
	.name = "pylog",
	.layout = TV_LAYOUT_PYLOG,
	.detect = detect,
	.read = read_input,
};
