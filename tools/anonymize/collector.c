// SPDX-License-Identifier: MIT
/*
 * collector.log (FORMATS.md A1) anonymized in place, line by line.
 *
 * Values are printed unescaped (`-> key: Str(<raw text>)`) and may spill
 * over several lines, so a value is gathered until the line that ends it
 * and scrubbed whole, under its key.  Which lines start and end a value is
 * decided exactly as libcommon/tv_read_collector.c decides it (the
 * classification below follows that file and must stay in step with it),
 * so the output reads back into the same records.
 *
 *   attribute values (records, resource, scope)  tv_pii_scrub under the key
 *   Body values                                  tv_pii_scrub without a key
 *   the collector's own lines                    their message and JSON fields
 *   lines of no known kind (stack traces, ...)   tv_pii_scrub without a key
 *   the record structure (LogRecord #, Timestamp:, Trace ID:, ...)  copied
 *
 * Int, Double, Bool and Empty values are copied: numbers are not scanned
 * in JSON either, and a rewritten Int would no longer read as one.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "anonymize.h"

enum kind {
	K_BLANK,
	K_OTHER,
	K_ZAP,
	K_TRAILER,
	K_ATTR,
	K_RESOURCE_LOG,
	K_RESOURCE_OTHER,
	K_RES_SCHEMA,
	K_RES_ATTRS,
	K_SCOPE,
	K_SCOPE_SCHEMA,
	K_ISCOPE,
	K_ISCOPE_ATTRS,
	K_LOG_RECORD,
	K_OBSERVED,
	K_TIMESTAMP,
	K_SEVERITY,
	K_EVENT_NAME,
	K_BODY,
	K_ATTRS,
	K_TRACE_ID,
	K_SPAN_ID,
	K_FLAGS,
	K_METRIC,
	K_SPAN,
};

enum otype {
	O_RAW,
	O_STR,
	O_INT,
	O_DOUBLE,
	O_BOOL,
	O_BYTES,
	O_SLICE,
	O_MAP,
	O_EMPTY,
};

enum state {
	S_TOP,
	S_BLOCK,
	S_REC,
	S_SKIP,
};

enum target {
	T_NONE,
	T_RES,
	T_SCOPE,
};

struct line {
	const char *s;
	size_t n;
	uint64_t no;
	size_t val;
	size_t key, klen;
	enum otype type;
};

struct cl {
	struct anon *a;
	enum state state;
	enum target target;
	bool pending;
	bool pend_body;
	bool toobig;		/* the pending value outgrew the record limit */
	struct tv_strbuf pre;	/* the first line of the value up to its text */
	struct tv_strbuf val;	/* the value text, lines joined by '\n' */
	size_t koff, klen;	/* the key, in pre */
	enum otype type;
	uint64_t first;		/* the line the value starts on */
	size_t max;
};

/* ---- classifying lines (as tv_read_collector.c does) ---- */

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
		return false;
	}
	l->val = i + tlen;
	return true;
}

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
	if (numbered(l->s, l->n, "ResourceLog #")) {
		return K_RESOURCE_LOG;
	}
	if (numbered(l->s, l->n, "ResourceMetrics #") || numbered(l->s, l->n, "ResourceSpans #")) {
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

/* Does a line of kind @k end the pending value?  (ends_value() of the reader) */
static bool ends_value(const struct cl *c, enum kind k)
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
		return c->pend_body;
	default:
		return false;
	}
}

/* ---- output ---- */

static int put(struct cl *c, const char *s, size_t n)
{
	return tv_strbuf_append(&c->a->buf, s, n) < 0 ? -ENOMEM : 0;
}

static void set_where(struct cl *c, const char *text, size_t n, uint64_t line)
{
	c->a->line = line;
	c->a->text = text;
	c->a->text_len = n;
}

/* a whole line scrubbed without a key */
static int text_line(struct cl *c, const struct line *l)
{
	int r;

	set_where(c, l->s, l->n, l->no);
	r = anon_scrub(c->a, NULL, 0, l->s, l->n);
	if (r < 0) {
		return r;
	}
	return put(c, "\n", 1);
}

static int copy_line(struct cl *c, const struct line *l)
{
	int r = put(c, l->s, l->n);

	if (r == 0) {
		r = put(c, "\n", 1);
	}
	return r < 0 ? r : anon_flush_maybe(c->a);
}

/* The value text without the closing `)` of `Type(...)` (value_len() of the reader). */
static size_t value_len(const struct cl *c)
{
	const char *s = c->val.p;
	size_t n = c->val.len, k = n;

	if (c->type == O_RAW || n == 0) {
		return n;
	}
	if (s[n - 1] == ')') {
		return n - 1;
	}
	while (k > 0 && s[k - 1] == '\n') {
		k--;
	}
	return k > 0 && s[k - 1] == ')' ? k - 1 : n;
}

static bool scanned_type(enum otype t)
{
	return t == O_RAW || t == O_STR || t == O_BYTES || t == O_MAP || t == O_SLICE;
}

/* The pending value is complete: write it, scrubbed. */
static int end_value(struct cl *c)
{
	struct anon *a = c->a;
	size_t mark = a->buf.len, inner;
	int r;

	c->pending = false;
	if (c->toobig) {
		/* fail closed: the value could not be held, so none of it is kept */
		anon_reject(a, c->first, "value longer than %zu bytes: replaced by <REDACTED>",
			    c->max);
		r = put(c, c->pre.p, c->pre.len);
		if (r == 0) {
			r = put(c, "<REDACTED>", 10);
		}
		if (r == 0 && c->type != O_RAW) {
			r = put(c, ")", 1);
		}
		return r < 0 ? r : put(c, "\n", 1);
	}
	inner = value_len(c);
	r = put(c, c->pre.p, c->pre.len);
	if (r < 0) {
		return r;
	}
	if (!scanned_type(c->type)) {
		r = put(c, c->val.p, c->val.len);
		return r < 0 ? r : put(c, "\n", 1);
	}
	set_where(c, c->val.p, c->val.len, c->first);
	r = anon_scrub(a, c->pend_body ? NULL : c->pre.p + c->koff, c->pend_body ? 0 : c->klen,
		       c->val.p, inner);
	if (r == TV_PII_DROPPED) {
		a->buf.len = mark;	/* the attribute goes, all its lines */
		a->buf.p[mark] = '\0';
		return 0;
	}
	if (r < 0) {
		return r;
	}
	r = put(c, c->val.p + inner, c->val.len - inner);
	return r < 0 ? r : put(c, "\n", 1);
}

/* Start a value whose text begins at l->s + l->val; @body: no key. */
static int start_value(struct cl *c, const struct line *l, bool body)
{
	c->pending = true;
	c->pend_body = body;
	c->toobig = false;
	c->type = l->type;
	c->koff = l->key;
	c->klen = l->klen;
	c->first = l->no;
	tv_strbuf_reset(&c->pre);
	tv_strbuf_reset(&c->val);
	if (tv_strbuf_append(&c->pre, l->s, l->val) < 0 ||
	    tv_strbuf_append(&c->val, l->s + l->val, l->n - l->val) < 0) {
		return -ENOMEM;
	}
	return 0;
}

static int continue_value(struct cl *c, const struct line *l)
{
	if (c->toobig) {
		return 0;
	}
	if (c->val.len + l->n + 1 > c->max) {
		c->toobig = true;
		tv_strbuf_reset(&c->val);
		return 0;
	}
	if (tv_strbuf_putc(&c->val, '\n') < 0 || tv_strbuf_append(&c->val, l->s, l->n) < 0) {
		return -ENOMEM;
	}
	return 0;
}

static int start_body(struct cl *c, struct line *l)
{
	enum otype type = O_RAW;
	size_t tlen = 0;

	value_type(l->s + l->val, l->n - l->val, &type, &tlen);
	l->val += tlen;
	l->type = type;
	l->key = 0;
	l->klen = 0;
	return start_value(c, l, true);
}

/* An attribute line out of any record: scrubbed on its own, under its key. */
static int lone_attr(struct cl *c, const struct line *l)
{
	int r = start_value(c, l, false);

	return r < 0 ? r : end_value(c);
}

/* ---- the collector's own lines ---- */

/* `pkg/path@v1.2.3/file.go:123`: zap's caller field */
static bool is_caller(const char *s, size_t n)
{
	size_t i = n;

	while (i > 0 && is_digit(s[i - 1])) {
		i--;
	}
	return i < n && i > 4 && s[i - 1] == ':' && memcmp(s + i - 4, ".go", 3) == 0 &&
	       !memchr(s, ' ', n);
}

/* one tab-separated field of a zap line */
static int zap_field(struct cl *c, const char *s, size_t n, bool last)
{
	size_t mark = c->a->buf.len;
	int r;

	if (is_caller(s, n)) {
		return put(c, s, n);
	}
	if (last && n > 0 && s[0] == '{') {
		r = anon_scrub_json(c->a, s, n);
		if (r >= 0 || (r != -TV_EPARSE && r != -TV_EDEPTH)) {
			return r < 0 ? r : 0;
		}
		c->a->buf.len = mark;
		c->a->buf.p[mark] = '\0';
	}
	r = anon_scrub(c->a, NULL, 0, s, n);
	return r < 0 ? r : 0;
}

/* `<ts>\t<level>\t[<caller>\t]<message>[\t{json}]`: time and level are kept */
static int zap_line(struct cl *c, const struct line *l)
{
	const char *s = l->s, *end = l->s + l->n, *tab;
	int r = 0;

	set_where(c, l->s, l->n, l->no);
	for (int i = 0; s <= end && r == 0; i++) {
		tab = memchr(s, '\t', (size_t)(end - s));
		if (tab == NULL) {
			tab = end;
		}
		if (i > 0) {
			r = put(c, "\t", 1);
		}
		if (r == 0) {
			r = i < 2 ? put(c, s, (size_t)(tab - s))
				  : zap_field(c, s, (size_t)(tab - s), tab == end);
		}
		s = tab + 1;
	}
	return r < 0 ? r : put(c, "\n", 1);
}

/* the state after a zap line: from its message, the last field */
static void zap_state(struct cl *c, const struct line *l)
{
	size_t i = l->n;

	while (i > 0 && l->s[i - 1] != '\t') {
		i--;
	}
	if (numbered(l->s + i, l->n - i, "ResourceLog #")) {
		c->state = S_BLOCK;
	} else if (numbered(l->s + i, l->n - i, "ResourceMetrics #") ||
		   numbered(l->s + i, l->n - i, "ResourceSpans #")) {
		c->state = S_SKIP;
	} else {
		c->state = S_TOP;
	}
}

/* `\t{json}`: the fields closing a zap entry */
static int trailer_line(struct cl *c, const struct line *l)
{
	int r = put(c, "\t", 1);

	set_where(c, l->s, l->n, l->no);
	if (r == 0) {
		r = zap_field(c, l->s + 1, l->n - 1, true);
	}
	return r < 0 ? r : put(c, "\n", 1);
}

/* ---- the state machine ---- */

static int boundary(struct cl *c, const struct line *l, enum kind kind)
{
	c->target = T_NONE;
	switch (kind) {
	case K_ZAP:
		zap_state(c, l);
		return zap_line(c, l);
	case K_TRAILER:
		c->state = S_TOP;
		return trailer_line(c, l);
	case K_RESOURCE_LOG:
		c->state = S_BLOCK;
		break;
	case K_RESOURCE_OTHER:
	case K_METRIC:
	case K_SPAN:
		c->state = S_SKIP;
		break;
	default:
		c->state = S_REC;
		break;
	}
	return copy_line(c, l);
}

/* outside records: block headers, resource and scope attributes */
static int block_line(struct cl *c, struct line *l, enum kind kind)
{
	switch (kind) {
	case K_RES_SCHEMA:
		break;
	case K_RES_ATTRS:
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
		if (c->target != T_NONE) {
			return start_value(c, l, false);
		}
		return lone_attr(c, l);
	case K_BLANK:
		return copy_line(c, l);
	default:
		return kind == K_OTHER || kind == K_BODY ? text_line(c, l) : copy_line(c, l);
	}
	c->state = S_BLOCK;
	return copy_line(c, l);
}

static int record_line(struct cl *c, struct line *l, enum kind kind)
{
	switch (kind) {
	case K_BODY:
		return start_body(c, l);
	case K_ATTR:
		return start_value(c, l, false);
	case K_FLAGS:
		c->state = S_BLOCK;
		c->target = T_NONE;
		return copy_line(c, l);
	case K_RES_SCHEMA:
	case K_RES_ATTRS:
	case K_SCOPE:
	case K_SCOPE_SCHEMA:
	case K_ISCOPE:
	case K_ISCOPE_ATTRS:
		c->state = S_BLOCK;
		c->target = T_NONE;
		return block_line(c, l, kind);
	case K_OTHER:
		return text_line(c, l);
	default:
		return copy_line(c, l);
	}
}

static int dispatch(struct cl *c, struct line *l, enum kind kind)
{
	switch (kind) {
	case K_BLANK:
		return copy_line(c, l);
	case K_ZAP:
	case K_TRAILER:
	case K_RESOURCE_LOG:
	case K_RESOURCE_OTHER:
	case K_METRIC:
	case K_SPAN:
	case K_LOG_RECORD:
		return boundary(c, l, kind);
	default:
		break;
	}
	switch (c->state) {
	case S_SKIP:
		if (kind == K_ATTR) {
			return lone_attr(c, l);
		}
		return kind == K_OTHER || kind == K_BODY ? text_line(c, l) : copy_line(c, l);
	case S_REC:
		return record_line(c, l, kind);
	default:
		return block_line(c, l, kind);
	}
}

static int feed(struct cl *c, struct line *l)
{
	enum kind kind = classify(l);
	int r;

	if (c->pending) {
		if (!ends_value(c, kind)) {
			return continue_value(c, l);
		}
		r = end_value(c);
		if (r < 0) {
			return r;
		}
	}
	r = dispatch(c, l, kind);
	return r < 0 ? r : anon_flush_maybe(c->a);
}

int anon_collector(struct anon *a, struct tv_input *in)
{
	struct cl c = { .a = a, .state = S_TOP };
	struct line l;
	bool first = true;
	int r;

	c.max = a->o.max_record ? a->o.max_record : TV_INPUT_DEFAULT_MAX_RECORD;
	tv_strbuf_init(&c.pre);
	tv_strbuf_init(&c.val);
	for (;;) {
		memset(&l, 0, sizeof(l));
		r = tv_input_line(in, &l.s, &l.n, &l.no, NULL);
		if (r == -TV_ETOOBIG) {
			a->records++;
			anon_reject(a, l.no, "line longer than %zu bytes: dropped", c.max);
			continue;
		}
		if (r <= 0) {
			break;
		}
		a->records++;
		if (first && starts(l.s, l.n, "\xef\xbb\xbf")) {
			r = put(&c, l.s, 3);	/* the BOM stays */
			l.s += 3;
			l.n -= 3;
		}
		first = false;
		if (r >= 0) {
			r = feed(&c, &l);
		}
		if (r < 0) {
			break;
		}
		a->written++;
	}
	if (r < 0 && r != -ENOMEM && r != -TV_EWRITE) {
		tool_err("%s:%llu: cannot read: %s", a->file, (unsigned long long)l.no,
			 tv_strerror(r));
	}
	if (r == 0 && c.pending) {
		r = end_value(&c);
	}
	tv_strbuf_finish(&c.pre);
	tv_strbuf_finish(&c.val);
	return r;
}
