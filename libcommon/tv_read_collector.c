// SPDX-License-Identifier: MIT
/*
 * tv_read_collector: the OpenTelemetry collector's debug exporter text, as
 * Gemini CLI and Qwen Code write it to collector.log (FORMATS.md A1).
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

#include "tv_jw.h"
#include "tv_reader.h"
#include "tv_time.h"

/* What one line of the file is, judged by its start alone. */
enum kind {
	K_BLANK,
	K_OTHER,
	K_ZAP,			/* a zap line: `<ts>\t<level>\t...` */
	K_TRAILER,		/* `\t{json}`: the fields that close a zap entry */
	K_ATTR,			/* `-> key: Type(value` */
	K_RESOURCE_LOG,		/* `ResourceLog #N` */
	K_RESOURCE_OTHER,	/* `ResourceMetrics #N`, `ResourceSpans #N` */
	K_RES_SCHEMA,		/* `Resource SchemaURL: ...` */
	K_RES_ATTRS,		/* `Resource attributes:` */
	K_SCOPE,		/* `ScopeLogs #N` */
	K_SCOPE_SCHEMA,		/* `ScopeLogs SchemaURL: ...` */
	K_ISCOPE,		/* `InstrumentationScope <name> <version>` */
	K_ISCOPE_ATTRS,		/* `InstrumentationScope attributes:` */
	K_LOG_RECORD,		/* `LogRecord #N` */
	K_OBSERVED,
	K_TIMESTAMP,
	K_SEVERITY,
	K_EVENT_NAME,
	K_BODY,
	K_ATTRS,		/* `Attributes:` */
	K_TRACE_ID,
	K_SPAN_ID,
	K_FLAGS,
	K_METRIC,		/* `Metric #N` */
	K_SPAN,			/* `Span #N` */
};

/* The pdata value types, as the exporter names them. */
enum otype {
	O_RAW,		/* no `Type(` prefix: the text as is */
	O_STR,
	O_INT,
	O_DOUBLE,
	O_BOOL,
	O_BYTES,
	O_SLICE,
	O_MAP,
	O_EMPTY,
};

struct line {
	const char *s;
	size_t n;
	uint64_t no;
	size_t val;		/* fields: where the value starts */
	size_t key, klen;	/* K_ATTR: the key */
	enum otype type;	/* K_ATTR: the value type; the value starts at val */
	bool unknown_type;	/* `-> key: Word(` with a type the exporter never writes */
};

/* An attribute (or the body) whose text lies in a buffer, by offsets. */
struct item {
	size_t koff, klen;
	size_t voff;
	enum otype type;
	struct tv_val v;	/* v.s is NULL until the record is delivered */
};

struct items {
	struct item *v;
	size_t n, cap;
};

enum state {
	S_TOP,		/* between collector log lines */
	S_BLOCK,	/* in a ResourceLog block, outside records */
	S_REC,		/* in a LogRecord */
	S_SKIP,		/* in a metrics or traces block */
};

/* Where attribute lines go outside records. */
enum target {
	T_NONE,		/* nowhere: they are out of place */
	T_RES,		/* resource attributes */
	T_SCOPE,	/* instrumentation scope attributes: dropped */
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
	bool stack;		/* after a collector line: its stack trace may follow */
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
	bool has_name;
	size_t name_off, name_len;
	size_t tid_off, tid_len;
	size_t ev_item;		/* 1 + index of the event.name attribute, or 0 */
	bool complete;		/* saw Flags: */
	bool toobig;
	const char *bad;	/* why the record is rejected, or NULL */
	char bad_key[64];	/* the attribute it is about */
};

/* ---- classifying lines ---- */

static bool starts(const char *s, size_t n, const char *lit)
{
	size_t k = strlen(lit);

	return n >= k && memcmp(s, lit, k) == 0;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* `<lit><digits>` and nothing else */
static bool numbered(const char *s, size_t n, const char *lit)
{
	size_t k = strlen(lit);

	if (n <= k || memcmp(s, lit, k) != 0) {
		return false;
	}
	for (size_t i = k; i < n; i++) {
		if (!is_digit(s[i])) {
			return false;
		}
	}
	return true;
}

/* `YYYY-MM-DDTHH:MM:SS<fraction and zone>\t`: the zap console encoder */
static bool is_zap(const char *s, size_t n)
{
	static const char pat[] = "dddd-dd-ddTdd:dd:dd";
	size_t i;

	if (n < sizeof(pat)) {
		return false;
	}
	for (i = 0; i < sizeof(pat) - 1; i++) {
		if (pat[i] == 'd' ? !is_digit(s[i]) : s[i] != pat[i]) {
			return false;
		}
	}
	for (; i < n && i < 48; i++) {
		if (s[i] == '\t') {
			return true;
		}
		if (!is_digit(s[i]) && !memchr(".,:+-Z", s[i], 6)) {
			return false;
		}
	}
	return false;
}

/* `Type(` at @s: sets *@len to the bytes matched */
static bool value_type(const char *s, size_t n, enum otype *type, size_t *len)
{
	static const struct {
		const char *name;
		enum otype type;
	} types[] = {
		{ "Str(", O_STR }, { "Int(", O_INT }, { "Bool(", O_BOOL },
		{ "Double(", O_DOUBLE }, { "Map(", O_MAP }, { "Slice(", O_SLICE },
		{ "Bytes(", O_BYTES }, { "Empty(", O_EMPTY },
	};

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (starts(s, n, types[i].name)) {
			*type = types[i].type;
			*len = strlen(types[i].name);
			return true;
		}
	}
	return false;
}

/* `Word(` with a capitalised word that is not a debug-exporter type */
static bool unknown_type(const char *s, size_t n)
{
	size_t i = 0;

	if (n == 0 || s[0] < 'A' || s[0] > 'Z')
		return false;
	while (i < n && ((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z')))
		i++;
	return i < n && s[i] == '(';
}

/* `[blanks]-> key: Type(`: fills key, klen, type and val of @l */
static bool attr_start(struct line *l)
{
	const char *s = l->s, *colon;
	size_t n = l->n, i = 0, tlen;

	while (i < n && is_space(s[i])) {
		i++;
	}
	if (n - i < 3 || memcmp(s + i, "-> ", 3) != 0) {
		return false;
	}
	i += 3;
	colon = memchr(s + i, ':', n - i);
	while (colon != NULL && (size_t)(colon - s) + 1 < n && colon[1] != ' ') {
		colon = memchr(colon + 1, ':', n - (size_t)(colon + 1 - s));
	}
	if (colon == NULL || (size_t)(colon - s) + 1 >= n) {
		return false;
	}
	l->key = i;
	l->klen = (size_t)(colon - s) - i;
	i = (size_t)(colon - s) + 2;
	if (!value_type(s + i, n - i, &l->type, &tlen)) {
		l->unknown_type = unknown_type(s + i, n - i);
		return false;
	}
	l->val = i + tlen;
	return true;
}

/* `<name>:` with the value after one optional space */
static bool field(struct line *l, const char *name)
{
	size_t k = strlen(name);

	if (!starts(l->s, l->n, name)) {
		return false;
	}
	l->val = k < l->n && l->s[k] == ' ' ? k + 1 : k;
	return true;
}

static enum kind classify_indented(struct line *l)
{
	size_t i = 0;

	if (attr_start(l)) {
		return K_ATTR;
	}
	if (l->n > 1 && l->s[0] == '\t' && l->s[1] == '{') {
		return K_TRAILER;
	}
	while (i < l->n && is_space(l->s[i])) {
		i++;
	}
	return i == l->n ? K_BLANK : K_OTHER;
}

static enum kind classify_r(struct line *l)
{
	const char *s = l->s;
	size_t n = l->n;

	if (numbered(s, n, "ResourceLog #")) {
		return K_RESOURCE_LOG;
	}
	if (numbered(s, n, "ResourceMetrics #") || numbered(s, n, "ResourceSpans #")) {
		return K_RESOURCE_OTHER;
	}
	if (field(l, "Resource SchemaURL:")) {
		return K_RES_SCHEMA;
	}
	return field(l, "Resource attributes:") ? K_RES_ATTRS : K_OTHER;
}

static enum kind classify_s(struct line *l)
{
	if (field(l, "SeverityText:") || field(l, "SeverityNumber:")) {
		return K_SEVERITY;
	}
	if (field(l, "Span ID:")) {
		return K_SPAN_ID;
	}
	if (numbered(l->s, l->n, "ScopeLogs #")) {
		return K_SCOPE;
	}
	if (field(l, "ScopeLogs SchemaURL:")) {
		return K_SCOPE_SCHEMA;
	}
	return numbered(l->s, l->n, "Span #") ? K_SPAN : K_OTHER;
}

static enum kind classify(struct line *l)
{
	if (l->n == 0) {
		return K_BLANK;
	}
	switch (l->s[0]) {
	case ' ':
	case '\t':
	case '-':
		return classify_indented(l);
	case 'A':
		return field(l, "Attributes:") ? K_ATTRS : K_OTHER;
	case 'B':
		return field(l, "Body:") ? K_BODY : K_OTHER;
	case 'E':
		return field(l, "EventName:") ? K_EVENT_NAME : K_OTHER;
	case 'F':
		return field(l, "Flags:") ? K_FLAGS : K_OTHER;
	case 'I':
		if (field(l, "InstrumentationScope attributes:")) {
			return K_ISCOPE_ATTRS;
		}
		return starts(l->s, l->n, "InstrumentationScope") ? K_ISCOPE : K_OTHER;
	case 'L':
		return numbered(l->s, l->n, "LogRecord #") ? K_LOG_RECORD : K_OTHER;
	case 'M':
		return numbered(l->s, l->n, "Metric #") ? K_METRIC : K_OTHER;
	case 'O':
		return field(l, "ObservedTimestamp:") ? K_OBSERVED : K_OTHER;
	case 'R':
		return classify_r(l);
	case 'S':
		return classify_s(l);
	case 'T':
		if (field(l, "Timestamp:")) {
			return K_TIMESTAMP;
		}
		return field(l, "Trace ID:") ? K_TRACE_ID : K_OTHER;
	default:
		return is_digit(l->s[0]) && is_zap(l->s, l->n) ? K_ZAP : K_OTHER;
	}
}

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

	if (it->type == O_RAW) {
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

	if (c->bad != NULL || b != &c->buf)
		return;
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
	if (memchr(s, '\0', v->n) != NULL)
		mark_bad(c, b, it, "NUL byte in the value");
	else if (!tv_utf8_valid(s, v->n))
		mark_bad(c, b, it, "invalid UTF-8 in the value");
	switch (it->type) {
	case O_INT:
		if (tv_parse_int64(s, v->n, &v->i) == 0) {
			v->type = TV_V_INT;
		} else {
			mark_bad(c, b, it, "Int value is not an integer");
		}
		break;
	case O_DOUBLE:
		if (tv_parse_double(s, v->n, &v->d) == 0) {
			v->type = TV_V_DOUBLE;
		} else {
			mark_bad(c, b, it, "Double value is not a number");
		}
		break;
	case O_BOOL:
		if (v->n == 4 && memcmp(s, "true", 4) == 0) {
			v->type = TV_V_BOOL;
			v->b = true;
		} else if (v->n == 5 && memcmp(s, "false", 5) == 0) {
			v->type = TV_V_BOOL;
		}
		break;
	case O_SLICE:
	case O_MAP:
		if (json_ok(c, s, v->n)) {
			v->type = TV_V_JSON;
		}
		break;
	case O_EMPTY:
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
static int continue_value(struct coll *c, const struct line *l)
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

/* Does a line of kind @k end the pending value? */
static bool ends_value(const struct coll *c, enum kind k)
{
	switch (k) {
	case K_ATTR:
	case K_TRACE_ID:
	case K_SPAN_ID:
	case K_FLAGS:
	case K_LOG_RECORD:
	case K_RESOURCE_LOG:
	case K_RESOURCE_OTHER:
	case K_SCOPE:
	case K_ZAP:
		return true;
	case K_ATTRS:
		return c->pend == P_BODY;
	default:
		return false;
	}
}

/* Start a value (attribute or body) of @type whose text begins at l->s + l->val. */
static int start_value(struct coll *c, struct tv_strbuf *b, struct item *it,
		       const struct line *l, enum otype type)
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

static int start_attr(struct coll *c, const struct line *l, bool resource)
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

static int start_body(struct coll *c, struct line *l)
{
	enum otype type = O_RAW;
	size_t tlen = 0;

	value_type(l->s + l->val, l->n - l->val, &type, &tlen);
	l->val += tlen;
	l->key = 0;
	l->klen = 0;
	c->pend = P_BODY;
	return start_value(c, &c->buf, &c->body, l, type);
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
	c->bad_time = false;
	c->has_name = false;
	c->tid_len = 0;
	c->ev_item = 0;
	c->complete = false;
	c->toobig = false;
	c->bad = NULL;
	c->state = S_REC;
}

/* A Go time.String() field; the zero time (1970-01-01) means unset. */
static int64_t field_time(struct coll *c, const struct line *l)
{
	int64_t ns;

	if (l->val >= l->n) {
		return TV_NONE;
	}
	if (tv_time_parse(l->s + l->val, l->n - l->val, &ns, NULL) < 0) {
		c->bad_time = true;
		return TV_NONE;
	}
	return ns == 0 ? TV_NONE : ns;
}

/* Copy a one-line field value into the record buffer. */
static int save_field(struct coll *c, const struct line *l, size_t *off, size_t *len)
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
		tv_read_warn(c->ctx, c->line, "log record with an unreadable timestamp");
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
		return tv_read_reject(c->ctx, c->line, "log record longer than %zu bytes",
				      c->max);
	}
	if (!c->complete) {
		return tv_read_reject(c->ctx, c->line, "truncated log record (it has no Flags: line)");
	}
	if (c->bad) {
		return tv_read_reject(c->ctx, c->line, "log record: %s: %s", c->bad_key, c->bad);
	}
	return deliver(c);
}

/* ---- the state machine ---- */

static int record_line(struct coll *c, struct line *l, enum kind kind);
static int block_line(struct coll *c, struct line *l, enum kind kind);

/* The message of a zap line is its last field: the body's first line. */
static int zap_line(struct coll *c, struct line *l)
{
	size_t i = l->n;

	while (i > 0 && l->s[i - 1] != '\t') {
		i--;
	}
	l->s += i;
	l->n -= i;
	clear_resource(c);
	if (numbered(l->s, l->n, "ResourceLog #")) {
		c->state = S_BLOCK;
	} else if (numbered(l->s, l->n, "ResourceMetrics #") ||
		   numbered(l->s, l->n, "ResourceSpans #")) {
		c->state = S_SKIP;
	} else {
		c->state = S_TOP;
		c->stack = true;
		tv_read_skip(c->ctx);
	}
	return 0;
}

/*
 * A line of the stack trace zap appends to error entries: a function
 * (`pkg/path.(*T).Method`, no blanks) or a tab and its `file:line`.
 */
static bool stack_line(const struct line *l)
{
	if (l->s[0] == '\t') {
		return true;
	}
	return !memchr(l->s, ' ', l->n) && !memchr(l->s, '\t', l->n) &&
	       memchr(l->s, '.', l->n) != NULL;
}

/* Lines whose meaning does not depend on the state: block boundaries. */
static int boundary_line(struct coll *c, struct line *l, enum kind kind)
{
	int r = end_record(c);

	if (r < 0) {
		return r;
	}
	c->target = T_NONE;
	switch (kind) {
	case K_ZAP:
		return zap_line(c, l);
	case K_TRAILER:
		c->state = S_TOP;
		tv_read_skip(c->ctx);
		break;
	case K_RESOURCE_LOG:
		clear_resource(c);
		c->state = S_BLOCK;
		break;
	case K_RESOURCE_OTHER:
		clear_resource(c);
		c->state = S_SKIP;
		break;
	case K_METRIC:
	case K_SPAN:
		c->state = S_SKIP;
		tv_read_skip(c->ctx);
		break;
	default:
		start_record(c, l->no);
		break;
	}
	return 0;
}

static int dispatch(struct coll *c, struct line *l, enum kind kind)
{
	bool stack = c->stack;

	c->stack = false;
	if (stack && kind == K_OTHER && stack_line(l)) {
		c->stack = true;	/* part of the collector line already counted */
		return 0;
	}
	switch (kind) {
	case K_BLANK:
		return 0;
	case K_ZAP:
	case K_TRAILER:
	case K_RESOURCE_LOG:
	case K_RESOURCE_OTHER:
	case K_METRIC:
	case K_SPAN:
	case K_LOG_RECORD:
		return boundary_line(c, l, kind);
	default:
		break;
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
static int header_in_record(struct coll *c, struct line *l, enum kind kind)
{
	int r = end_record(c);

	return r < 0 ? r : block_line(c, l, kind);
}

static int record_line(struct coll *c, struct line *l, enum kind kind)
{
	switch (kind) {
	case K_OBSERVED:
		c->observed = field_time(c, l);
		return 0;
	case K_TIMESTAMP:
		c->ts = field_time(c, l);
		return 0;
	case K_EVENT_NAME:
		c->has_name = true;
		return save_field(c, l, &c->name_off, &c->name_len);
	case K_BODY:
		return start_body(c, l);
	case K_ATTR:
		return start_attr(c, l, false);
	case K_TRACE_ID:
		return save_field(c, l, &c->tid_off, &c->tid_len);
	case K_FLAGS:
		c->complete = true;
		return end_record(c);
	case K_RES_SCHEMA:
	case K_RES_ATTRS:
	case K_SCOPE:
	case K_SCOPE_SCHEMA:
	case K_ISCOPE:
	case K_ISCOPE_ATTRS:
		return header_in_record(c, l, kind);
	default:
		/* SeverityText, Span ID, Attributes:, lines of later collectors */
		return 0;
	}
}

/* Outside records: the block header, or lines that fit nothing. */
static int block_line(struct coll *c, struct line *l, enum kind kind)
{
	switch (kind) {
	case K_RES_SCHEMA:
		break;
	case K_RES_ATTRS:
		clear_resource(c);
		c->target = T_RES;
		break;
	case K_SCOPE:
	case K_SCOPE_SCHEMA:
	case K_ISCOPE:
		c->target = T_NONE;
		break;
	case K_ISCOPE_ATTRS:
		c->target = T_SCOPE;
		break;
	case K_ATTR:
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

static int feed(struct coll *c, struct line *l)
{
	enum kind kind;

	l->unknown_type = false;
	kind = classify(l);
	if (l->unknown_type && c->state == S_REC && c->bad == NULL) {
		/* an attribute of a type the debug exporter never writes */
		size_t n = l->klen < sizeof(c->bad_key) - 1 ? l->klen : sizeof(c->bad_key) - 1;

		memcpy(c->bad_key, l->s + l->key, n);
		c->bad_key[n] = '\0';
		c->bad = "unknown value type";
	}

	if (c->pend != P_NONE) {
		if (!ends_value(c, kind)) {
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
static int next_line(struct coll *c, struct tv_input *in, struct line *l)
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
	if (r > 0 && first && starts(l->s, l->n, "\xef\xbb\xbf")) {
		l->s += 3;
		l->n -= 3;
	}
	return r;
}

int tv_read_collector_log(struct tv_read_ctx *ctx, struct tv_input *in, struct tv_error *err)
{
	struct coll c;
	struct line l;
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
