// SPDX-License-Identifier: MIT
/*
 * tv_collector: the OpenTelemetry collector's debug exporter text, as
 * Gemini CLI and Qwen Code write it to collector.log (docs/FORMATS.md#collector-log).
 *
 * The file is the collector's stdout and stderr: its own zap log lines
 * (`<ts>\t<level>\t<msg>\t{json}`) with the exporter's multi-line bodies
 * inside them.  A line-driven state machine copies the fields of each
 * LogRecord into one buffer, remembering offsets because the buffer may
 * move, and hands the record to tv_read_record() once it is complete.
 *
 * Values are printed unescaped (`Str(<raw text>)`), so a value that holds
 * newlines spills over several lines: it runs until the next line that
 * starts another attribute or a record field (see ends_value()), and its
 * closing `)` is the last one of that text.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libcommon/core/tv_text.h"
#include "libcommon/core/tv_time.h"
#include "libcommon/json/tv_jw.h"
#include "libcommon/read/formats/tv_dbgtext.h"
#include "libcommon/read/tv_backend.h"

/* An attribute (or the body) whose text lies in a buffer, by offsets. */
struct item {
	size_t koff, klen;
	size_t voff;
	enum tv_dbg_type type;
	struct tv_val v; /* v.s is NULL until the record is delivered */
};

struct items {
	struct item *v;
	size_t n, cap;
};

enum state {
	S_TOP,	 /* between collector log lines */
	S_BLOCK, /* in a ResourceLog block, outside records */
	S_REC,	 /* in a LogRecord */
	S_SKIP,	 /* in a metrics or traces block */
};

/* Where attribute lines go outside records. */
enum target {
	T_NONE,	 /* nowhere: they are out of place */
	T_RES,	 /* resource attributes */
	T_SCOPE, /* instrumentation scope attributes: dropped */
};

/* What continuation lines extend. */
enum pend {
	P_NONE,
	P_BODY,
	P_ATTR,
	P_RES,
	P_DISCARD,
};

struct coll {
	struct tv_read_ctx *ctx;
	size_t max;
	enum state state;
	enum target target;
	enum pend pend;
	bool stack; /* after a collector line: its stack trace may follow */
	uint64_t lineno;

	/* the resource of the current block */
	struct tv_strbuf rbuf;
	struct items ritems;
	struct tv_attrs rattrs;
	bool rdirty;
	bool rtoobig;

	/* the record being read */
	struct tv_strbuf buf;
	struct items items;
	struct tv_attrs attrs;
	struct item body;
	uint64_t line;
	int64_t observed, ts;
	bool bad_time;
	bool time_range; /* ... because it is outside TV_TIME_RANGE_TEXT */
	bool has_name;
	size_t name_off, name_len;
	size_t tid_off, tid_len;
	size_t ev_item; /* 1 + index of the event.name attribute, or 0 */
	bool complete;	/* saw Flags: */
	bool toobig;
	const char *bad;  /* why the record is rejected, or NULL */
	char bad_key[64]; /* the attribute it is about */
};

/* ---- buffers and items ---- */

static const char *at(const struct tv_strbuf *b, size_t off)
{
	return b->p != NULL ? b->p + off : "";
}

static struct item *items_push(struct items *a)
{
	struct item *v;
	size_t cap;

	if (a->n == a->cap) {
		cap = a->cap ? a->cap * 2 : 32;
		v = realloc(a->v, cap * sizeof(*v));
		if (v == NULL) {
			return NULL;
		}
		a->v = v;
		a->cap = cap;
	}
	memset(&a->v[a->n], 0, sizeof(a->v[0]));
	return &a->v[a->n++];
}

/* The buffer and item that continuation lines extend, or NULL. */
static struct item *pending(struct coll *c, struct tv_strbuf **buf)
{
	*buf = &c->buf;
	switch (c->pend) {
	case P_BODY:
		return &c->body;
	case P_ATTR:
		return &c->items.v[c->items.n - 1];
	case P_RES:
		*buf = &c->rbuf;
		return &c->ritems.v[c->ritems.n - 1];
	default:
		return NULL;
	}
}

/*
 * Append to the record or resource buffer; past the size limit the text
 * is dropped and the owner marked too big.  Returns 0 or -ENOMEM.
 */
static int put(struct coll *c, struct tv_strbuf *b, const char *s, size_t n)
{
	bool *toobig = b == &c->rbuf ? &c->rtoobig : &c->toobig;

	if (*toobig) {
		return 0;
	}
	if (n > c->max || b->len > c->max - n) {
		*toobig = true;
		return 0;
	}
	return tv_strbuf_append(b, s, n);
}

/* ---- values ---- */

/* The value text of @it, without the closing `)` of `Type(...)`. */
static size_t value_len(const struct tv_strbuf *b, const struct item *it)
{
	const char *s = at(b, it->voff);
	size_t n = b->len - it->voff, k = n;

	if (it->type == TV_DBG_T_RAW) {
		return n;
	}
	if (n > 0 && s[n - 1] == ')') {
		return n - 1;
	}
	/* blank lines after a cut-off value */
	while (k > 0 && s[k - 1] == '\n') {
		k--;
	}
	return k > 0 && s[k - 1] == ')' ? k - 1 : n;
}

static bool json_ok(struct coll *c, const char *s, size_t n)
{
	struct tv_json_parser *p = tv_read_parser(c->ctx);
	struct tv_jv root;

	/* tv_json_parse() reads TV_JSON_PAD bytes past @n: the buffer has them */
	return n > 0 && p != NULL && tv_json_parse(p, s, n, &root, NULL) == 0;
}

/* Turn the text of @it into its typed value (strings when they do not parse). */
/* a record value the record cannot be used with: reject it at its end */
static void mark_bad(struct coll *c, const struct tv_strbuf *b, const struct item *it,
		     const char *why)
{
	size_t n = it->klen < sizeof(c->bad_key) - 1 ? it->klen : sizeof(c->bad_key) - 1;

	if (c->bad != NULL || b != &c->buf) {
		return;
	}
	c->bad = why;
	memcpy(c->bad_key, it == &c->body ? "Body" : at(b, it->koff), it == &c->body ? 4 : n);
	c->bad_key[it == &c->body ? 4 : n] = '\0';
}

static void finish_item(struct coll *c, const struct tv_strbuf *b, struct item *it)
{
	const char *s = at(b, it->voff);
	struct tv_val *v = &it->v;

	v->n = value_len(b, it);
	v->type = TV_V_STR;
	if (memchr(s, '\0', v->n) != NULL) {
		mark_bad(c, b, it, "NUL byte in the value");
	} else if (!tv_utf8_valid(s, v->n)) {
		mark_bad(c, b, it, "invalid UTF-8 in the value");
	}
	switch (it->type) {
	case TV_DBG_T_INT:
		if (tv_parse_int64(s, v->n, &v->i) == 0) {
			v->type = TV_V_INT;
		} else {
			mark_bad(c, b, it, "Int value is not an integer");
		}
		break;
	case TV_DBG_T_DOUBLE:
		if (tv_parse_double(s, v->n, &v->d) == 0) {
			v->type = TV_V_DOUBLE;
		} else {
			mark_bad(c, b, it, "Double value is not a number");
		}
		break;
	case TV_DBG_T_BOOL:
		if (v->n == 4 && memcmp(s, "true", 4) == 0) {
			v->type = TV_V_BOOL;
			v->b = true;
		} else if (v->n == 5 && memcmp(s, "false", 5) == 0) {
			v->type = TV_V_BOOL;
		}
		break;
	case TV_DBG_T_SLICE:
	case TV_DBG_T_MAP:
		if (json_ok(c, s, v->n)) {
			v->type = TV_V_JSON;
		}
		break;
	case TV_DBG_T_EMPTY:
		v->type = TV_V_NONE;
		break;
	default:
		break;
	}
}

static void finish_pending(struct coll *c)
{
	struct tv_strbuf *b;
	struct item *it = pending(c, &b);

	c->pend = P_NONE;
	if (it == NULL) {
		return;
	}
	finish_item(c, b, it);
	if (b == &c->rbuf) {
		c->rdirty = true;
	} else if (it != &c->body && it->v.type == TV_V_STR && it->klen == 10 &&
		   memcmp(at(b, it->koff), "event.name", 10) == 0) {
		c->ev_item = c->items.n;
	}
}

/* A continuation line of the pending value: "\n" and the line. */
static int continue_value(struct coll *c, const struct tv_dbg_line *l)
{
	struct tv_strbuf *b;
	int r;

	if (pending(c, &b) == NULL) {
		return 0;
	}
	r = put(c, b, "\n", 1);
	if (r == 0) {
		r = put(c, b, l->s, l->n);
	}
	return r;
}

/* Start a value (attribute or body) of @type whose text begins at l->s + l->val. */
static int start_value(struct coll *c, struct tv_strbuf *b, struct item *it,
		       const struct tv_dbg_line *l, enum tv_dbg_type type)
{
	int r;

	it->type = type;
	it->koff = b->len;
	it->klen = l->klen;
	r = put(c, b, l->s + l->key, it->klen);
	if (r < 0) {
		return r;
	}
	it->voff = b->len;
	return put(c, b, l->s + l->val, l->n - l->val);
}

static int start_attr(struct coll *c, const struct tv_dbg_line *l, bool resource)
{
	struct items *a = resource ? &c->ritems : &c->items;
	struct tv_strbuf *b = resource ? &c->rbuf : &c->buf;
	bool toobig = resource ? c->rtoobig : c->toobig;
	struct item *it;

	if (toobig) {
		c->pend = P_DISCARD;
		return 0;
	}
	it = items_push(a);
	if (it == NULL) {
		return -ENOMEM;
	}
	c->pend = resource ? P_RES : P_ATTR;
	return start_value(c, b, it, l, l->type);
}

static int start_body(struct coll *c, struct tv_dbg_line *l)
{
	tv_dbg_body(l);
	c->pend = P_BODY;
	return start_value(c, &c->buf, &c->body, l, l->type);
}

/* ---- resources ---- */

static void clear_resource(struct coll *c)
{
	tv_strbuf_reset(&c->rbuf);
	c->ritems.n = 0;
	c->rdirty = true;
	c->rtoobig = false;
}

/* Point the resource attributes at the buffer once it no longer moves. */
static int build_resource(struct coll *c)
{
	struct item *it;
	int r;

	if (!c->rdirty) {
		return 0;
	}
	tv_attrs_reset(&c->rattrs);
	if (c->rtoobig) {
		tv_read_warn(c->ctx, c->line, "resource attributes longer than %zu bytes dropped",
			     c->max);
		c->ritems.n = 0;
	}
	for (size_t i = 0; i < c->ritems.n; i++) {
		it = &c->ritems.v[i];
		it->v.s = at(&c->rbuf, it->voff);
		r = tv_attrs_push(&c->rattrs, at(&c->rbuf, it->koff), it->klen, &it->v);
		if (r < 0) {
			return r;
		}
	}
	c->rdirty = false;
	return 0;
}

/* ---- records ---- */

static void start_record(struct coll *c, uint64_t line)
{
	tv_strbuf_reset(&c->buf);
	c->items.n = 0;
	memset(&c->body, 0, sizeof(c->body));
	c->line = line;
	c->observed = TV_NONE;
	c->ts = TV_NONE;
	c->bad_time = c->time_range = false;
	c->has_name = false;
	c->tid_len = 0;
	c->ev_item = 0;
	c->complete = false;
	c->toobig = false;
	c->bad = NULL;
	c->state = S_REC;
}

/* A Go time.String() field; the zero time (1970-01-01) means unset. */
static int64_t field_time(struct coll *c, const struct tv_dbg_line *l)
{
	int64_t ns;
	int r;

	if (l->val >= l->n) {
		return TV_NONE;
	}
	r = tv_time_parse(l->s + l->val, l->n - l->val, &ns, NULL);
	if (r < 0) {
		c->bad_time = true;
		c->time_range = c->time_range || r == -TV_ERANGE;
		return TV_NONE;
	}
	return ns == 0 ? TV_NONE : ns;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Copy a one-line field value into the record buffer. */
static int save_field(struct coll *c, const struct tv_dbg_line *l, size_t *off, size_t *len)
{
	size_t n = l->n - l->val;

	while (n > 0 && is_space(l->s[l->val + n - 1])) {
		n--;
	}
	*off = c->buf.len;
	*len = n;
	return put(c, &c->buf, l->s + l->val, n);
}

static int build_attrs(struct coll *c)
{
	struct item *it;
	int r;

	tv_attrs_reset(&c->attrs);
	for (size_t i = 0; i < c->items.n; i++) {
		it = &c->items.v[i];
		it->v.s = at(&c->buf, it->voff);
		r = tv_attrs_push(&c->attrs, at(&c->buf, it->koff), it->klen, &it->v);
		if (r < 0) {
			return r;
		}
	}
	if (c->body.v.type != TV_V_NONE) {
		c->body.v.s = at(&c->buf, c->body.voff);
	}
	return build_resource(c);
}

static void set_name(const struct coll *c, struct tv_record *rec)
{
	const struct item *it;

	if (c->has_name && c->name_len > 0) {
		rec->name = at(&c->buf, c->name_off);
		rec->name_len = c->name_len;
	} else if (c->ev_item > 0) {
		it = &c->items.v[c->ev_item - 1];
		rec->name = at(&c->buf, it->voff);
		rec->name_len = it->v.n;
	}
}

static int deliver(struct coll *c)
{
	struct tv_record rec = { 0 };
	int r = build_attrs(c);

	if (r < 0) {
		return r;
	}
	rec.line = c->line;
	rec.time = c->ts != TV_NONE ? c->ts : c->observed;
	if (rec.time == TV_NONE && c->bad_time) {
		tv_read_warn(c->ctx, c->line, "log record with %s",
			     c->time_range ? "a timestamp outside the range televal holds "
					     "(" TV_TIME_RANGE_TEXT ")"
					   : "an unreadable timestamp");
	}
	set_name(c, &rec);
	rec.body = c->body.v;
	rec.attrs = c->attrs.v;
	rec.n_attrs = c->attrs.n;
	rec.res = c->rattrs.v;
	rec.n_res = c->rattrs.n;
	if (c->tid_len > 0) {
		rec.trace_id = at(&c->buf, c->tid_off);
		rec.trace_id_len = c->tid_len;
	}
	return tv_read_record(c->ctx, &rec);
}

/* The record is over (Flags:, a new block, EOF): deliver or reject it. */
static int end_record(struct coll *c)
{
	if (c->state != S_REC) {
		return 0;
	}
	finish_pending(c);
	c->state = S_BLOCK;
	c->target = T_NONE;
	if (c->toobig) {
		return tv_read_reject(c->ctx, c->line, "log record longer than %zu bytes", c->max);
	}
	if (!c->complete) {
		return tv_read_reject(c->ctx, c->line,
				      "truncated log record (it has no Flags: line)");
	}
	if (c->bad) {
		return tv_read_reject(c->ctx, c->line, "log record: %s: %s", c->bad_key, c->bad);
	}
	return deliver(c);
}

/* ---- the state machine ---- */

static int record_line(struct coll *c, struct tv_dbg_line *l, enum tv_dbg_kind kind);
static int block_line(struct coll *c, struct tv_dbg_line *l, enum tv_dbg_kind kind);

/* The message of a zap line is its last field: the body's first line. */
static int zap_line(struct coll *c, const struct tv_dbg_line *l)
{
	enum tv_dbg_kind block = tv_dbg_zap_block(l->s, l->n, NULL);

	clear_resource(c);
	if (block == TV_DBG_K_RESOURCE_LOG) {
		c->state = S_BLOCK;
	} else if (block == TV_DBG_K_RESOURCE_OTHER) {
		c->state = S_SKIP;
	} else {
		c->state = S_TOP;
		c->stack = true;
		tv_read_skip_kind(c->ctx, "collector log lines");
	}
	return 0;
}

/* Lines whose meaning does not depend on the state: block boundaries. */
static int boundary_line(struct coll *c, struct tv_dbg_line *l, enum tv_dbg_kind kind)
{
	int r = end_record(c);

	if (r < 0) {
		return r;
	}
	c->target = T_NONE;
	switch (kind) {
	case TV_DBG_K_ZAP:
		return zap_line(c, l);
	case TV_DBG_K_TRAILER:
		c->state = S_TOP;
		tv_read_skip_kind(c->ctx, "batch trailers");
		break;
	case TV_DBG_K_RESOURCE_LOG:
		clear_resource(c);
		c->state = S_BLOCK;
		break;
	case TV_DBG_K_RESOURCE_OTHER:
		clear_resource(c);
		c->state = S_SKIP;
		break;
	case TV_DBG_K_METRIC:
		c->state = S_SKIP;
		tv_read_skip_kind(c->ctx, "metrics");
		break;
	case TV_DBG_K_SPAN:
		c->state = S_SKIP;
		tv_read_skip_kind(c->ctx, "spans in debug-exporter text");
		break;
	default:
		start_record(c, l->no);
		break;
	}
	return 0;
}

static int dispatch(struct coll *c, struct tv_dbg_line *l, enum tv_dbg_kind kind)
{
	bool stack = c->stack;

	c->stack = false;
	if (stack && kind == TV_DBG_K_OTHER && tv_dbg_is_stack(l->s, l->n)) {
		c->stack = true; /* part of the collector line already counted */
		return 0;
	}
	if (kind == TV_DBG_K_BLANK) {
		return 0;
	}
	if (tv_dbg_is_boundary(kind)) {
		return boundary_line(c, l, kind);
	}
	switch (c->state) {
	case S_SKIP:
		return 0;
	case S_REC:
		return record_line(c, l, kind);
	default:
		return block_line(c, l, kind);
	}
}

/* A block header inside a record: the record lacked its Flags: line. */
static int header_in_record(struct coll *c, struct tv_dbg_line *l, enum tv_dbg_kind kind)
{
	int r = end_record(c);

	return r < 0 ? r : block_line(c, l, kind);
}

static int record_line(struct coll *c, struct tv_dbg_line *l, enum tv_dbg_kind kind)
{
	switch (kind) {
	case TV_DBG_K_OBSERVED:
		c->observed = field_time(c, l);
		return 0;
	case TV_DBG_K_TIMESTAMP:
		c->ts = field_time(c, l);
		return 0;
	case TV_DBG_K_EVENT_NAME:
		c->has_name = true;
		return save_field(c, l, &c->name_off, &c->name_len);
	case TV_DBG_K_BODY:
		return start_body(c, l);
	case TV_DBG_K_ATTR:
		return start_attr(c, l, false);
	case TV_DBG_K_TRACE_ID:
		return save_field(c, l, &c->tid_off, &c->tid_len);
	case TV_DBG_K_FLAGS:
		c->complete = true;
		return end_record(c);
	case TV_DBG_K_RES_SCHEMA:
	case TV_DBG_K_RES_ATTRS:
	case TV_DBG_K_SCOPE:
	case TV_DBG_K_SCOPE_SCHEMA:
	case TV_DBG_K_ISCOPE:
	case TV_DBG_K_ISCOPE_ATTRS:
		return header_in_record(c, l, kind);
	default:
		/* SeverityText, Span ID, Attributes:, lines of later collectors */
		return 0;
	}
}

/* Outside records: the block header, or lines that fit nothing. */
static int block_line(struct coll *c, struct tv_dbg_line *l, enum tv_dbg_kind kind)
{
	switch (kind) {
	case TV_DBG_K_RES_SCHEMA:
		break;
	case TV_DBG_K_RES_ATTRS:
		clear_resource(c);
		c->target = T_RES;
		break;
	case TV_DBG_K_SCOPE:
	case TV_DBG_K_SCOPE_SCHEMA:
	case TV_DBG_K_ISCOPE:
		c->target = T_NONE;
		break;
	case TV_DBG_K_ISCOPE_ATTRS:
		c->target = T_SCOPE;
		break;
	case TV_DBG_K_ATTR:
		if (c->target == T_RES) {
			return start_attr(c, l, true);
		}
		if (c->target == T_SCOPE) {
			c->pend = P_DISCARD;
			return 0;
		}
		return tv_read_reject(c->ctx, l->no, "unrecognized line");
	default:
		return tv_read_reject(c->ctx, l->no, "unrecognized line");
	}
	c->state = S_BLOCK;
	return 0;
}

static int feed(struct coll *c, struct tv_dbg_line *l)
{
	enum tv_dbg_kind kind;

	kind = tv_dbg_classify(l);
	if (l->unknown_type && c->state == S_REC && c->bad == NULL) {
		/* an attribute of a type the debug exporter never writes */
		size_t n = l->klen < sizeof(c->bad_key) - 1 ? l->klen : sizeof(c->bad_key) - 1;

		memcpy(c->bad_key, l->s + l->key, n);
		c->bad_key[n] = '\0';
		c->bad = "unknown value type";
	}

	if (c->pend != P_NONE) {
		if (!tv_dbg_ends_value(kind, c->pend == P_BODY)) {
			return continue_value(c, l);
		}
		finish_pending(c);
	}
	return dispatch(c, l, kind);
}

static void coll_init(struct coll *c, struct tv_read_ctx *ctx)
{
	memset(c, 0, sizeof(*c));
	c->ctx = ctx;
	c->max = tv_read_max_record(ctx);
	if (c->max == 0) {
		c->max = TV_INPUT_DEFAULT_MAX_RECORD;
	}
	c->state = S_TOP;
	tv_strbuf_init(&c->rbuf);
	tv_strbuf_init(&c->buf);
	c->rdirty = true;
}

static void coll_finish(struct coll *c)
{
	tv_strbuf_finish(&c->rbuf);
	tv_strbuf_finish(&c->buf);
	free(c->ritems.v);
	free(c->items.v);
	tv_attrs_finish(&c->rattrs);
	tv_attrs_finish(&c->attrs);
}

/* Read one line into @l; returns 1, 0 at EOF, or a negative code. */
static int next_line(struct coll *c, struct tv_input *in, struct tv_dbg_line *l)
{
	bool first = c->lineno == 0;
	int r;

	for (;;) {
		r = tv_input_line(in, &l->s, &l->n, &l->no, NULL);
		c->lineno = l->no;
		if (r != -TV_ETOOBIG) {
			break;
		}
		/* inside a record the whole record goes, counted once */
		if (c->state == S_REC) {
			c->toobig = true;
		} else {
			tv_read_reject(c->ctx, l->no, "line longer than %zu bytes", c->max);
		}
		first = false;
	}
	if (r > 0 && first && l->n >= 3 && memcmp(l->s, "\xef\xbb\xbf", 3) == 0) {
		l->s += 3;
		l->n -= 3;
	}
	return r;
}

static int read_input(struct tv_read_ctx *ctx, struct tv_input *in, struct tv_error *err)
{
	struct coll c;
	struct tv_dbg_line l;
	int r;

	coll_init(&c, ctx);
	for (;;) {
		r = next_line(&c, in, &l);
		if (r <= 0) {
			break;
		}
		r = feed(&c, &l);
		if (r < 0) {
			goto fail;
		}
	}
	if (r < 0) {
		tv_error_set(err, r, tv_input_name(in), c.lineno, "cannot read: %s",
			     tv_strerror(r));
		goto out;
	}
	r = end_record(&c);
	if (r < 0) {
		goto fail;
	}
	goto out;
fail:
	tv_error_set(err, r, tv_input_name(in), c.lineno, "%s", tv_strerror(r));
out:
	coll_finish(&c);
	return r;
}

static bool isdig(char c)
{
	return c >= '0' && c <= '9';
}

/* zap console line: 2025-04-17T10:40:44.560+0200<TAB>level<TAB> */
static bool looks_zap(const char *s, size_t n)
{
	if (!tv_text_stamp(s, n, 'T') || n < 29 || s[19] != '.') {
		return false;
	}
	return isdig(s[20]) && isdig(s[21]) && isdig(s[22]) && (s[23] == '+' || s[23] == '-') &&
	       s[28] == '\t';
}

static bool looks_block_header(const char *s, size_t n)
{
	static const char *const heads[] = { "LogRecord #", "ResourceLog #", "ResourceMetrics #",
					     "ResourceSpans #" };

	for (size_t i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
		size_t k = strlen(heads[i]);

		if (n > k && memcmp(s, heads[i], k) == 0 && isdig(s[k])) {
			return true;
		}
	}
	return false;
}

static bool detect(const struct tv_sniff *s)
{
	return s->shape == TV_SHAPE_TEXT_LINE &&
	       (looks_zap(s->line, s->line_len) || looks_block_header(s->line, s->line_len));
}

const struct tv_format tv_format_collector_log = {
	.name = "collector-log",
	.layout = TV_LAYOUT_DBGTEXT,
	.detect = detect,
	.read = read_input,
};
