// SPDX-License-Identifier: MIT
/*
 * collector.log (docs/FORMATS.md#collector-log) anonymized in place, line by line.
 *
 * Values are printed unescaped (`-> key: Str(<raw text>)`) and may spill
 * over several lines, so a value is gathered until the line that ends it
 * and scrubbed whole, under its key.  Which lines start and end a value is
 * decided by libcommon/tv_dbgtext.c, as in libcommon/tv_read_collector.c,
 * so the output reads back into the same records.
 *
 *   attribute values (records, resource, scope)  tv_pii_scrub under the key
 *   Body values                                  tv_pii_scrub without a key
 *   the collector's own lines                    their message and JSON fields
 *   lines of no known kind                       tv_pii_scrub without a key
 *   stack trace lines after a collector line     the same, kept in their shape
 *   the record structure (LogRecord #, Timestamp:, Trace ID:, keys)  tv_pii_scrub
 *                                     without a key: unchanged unless a rule
 *                                     finds something where it should not be
 *
 * Int, Double, Bool and Empty values are copied: numbers are not scanned
 * in JSON either, and a rewritten Int would no longer read as one.
 *
 * A log record (`LogRecord #N` to its `Flags:` line) is held in the output
 * buffer until it ends, so that one cut short by the end of the input (a
 * file still being written, a truncated copy) is taken back and rejected
 * whole, as televal-filter rejects it: a value cut in the middle may hold
 * the first half of an e-mail address that no rule would find.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "anonymize.h"
#include "libcommon/read/formats/tv_dbgtext.h"

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

struct cl {
	struct anon *a;
	enum state state;
	enum target target;
	bool pending;
	bool pend_body;
	bool toobig;	      /* the pending value outgrew the record limit */
	struct tv_strbuf pre; /* the first line of the value up to its text */
	struct tv_strbuf val; /* the value text, lines joined by '\n' */
	size_t koff, klen;    /* the key, in pre */
	enum tv_dbg_type type;
	uint64_t first; /* the line the value starts on */
	size_t max;
	size_t rec_mark;       /* a->buf's length where the open log record starts */
	uint64_t rec_line;     /* its LogRecord line */
	uint64_t rec_lines;    /* the lines read of it */
	bool stack;	       /* after a collector line: its stack trace may follow */
	struct tv_strbuf line; /* a stack line, scrubbed */
};

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
static int text_line(struct cl *c, const struct tv_dbg_line *l)
{
	int r;

	set_where(c, l->s, l->n, l->no);
	r = anon_scrub(c->a, NULL, 0, l->s, l->n);
	if (r < 0) {
		return r;
	}
	return put(c, "\n", 1);
}

/* would the reader take @s as a line of a stack trace? */
static bool keeps_stack(const char *s, size_t n)
{
	struct tv_dbg_line l = { .s = s, .n = n };

	return tv_dbg_is_stack(s, n) && tv_dbg_classify(&l) == TV_DBG_K_OTHER;
}

/*
 * a line of the stack trace after a zap line, which the reader counts as
 * part of that line: it must stay a stack line, or it would read back as a
 * line of its own.  A replacement that took the dots away gets a leading
 * tab (the shape of a `file:line` line); failing that, the line is
 * `\t<REDACTED>`.
 */
static int stack_line(struct cl *c, const struct tv_dbg_line *l)
{
	struct tv_strbuf *b = &c->line;
	int r;

	set_where(c, l->s, l->n, l->no);
	tv_strbuf_reset(b);
	r = tv_strbuf_append(b, "\t", 1) < 0 ? -ENOMEM : 0;
	if (r == 0) {
		r = tv_pii_scrub(c->a->pii, NULL, 0, l->s, l->n, b);
	}
	if (r < 0) {
		return r;
	}
	if (keeps_stack(b->p + 1, b->len - 1)) {
		r = put(c, b->p + 1, b->len - 1);
	} else if (keeps_stack(b->p, b->len)) {
		r = put(c, b->p, b->len);
	} else {
		r = put(c, "\t<REDACTED>", 11);
	}
	return r < 0 ? r : put(c, "\n", 1);
}

/*
 * text the format puts there (a record line, a key, a time, a level),
 * scanned all the same: a file written by something else may hold
 * anything there, and nothing unread is copied.  Text of the expected
 * shape has no finding and comes out as it went in.
 */
static int structure(struct cl *c, const char *s, size_t n)
{
	int r = anon_scrub(c->a, NULL, 0, s, n);

	return r < 0 ? r : 0;
}

/*
 * The literal a structure line's kind is told by: a field's `Name: `, else
 * its first word (`InstrumentationScope`, `LogRecord`).  It is copied as it
 * is, so that what follows, replaced or not, leaves the line of its kind.
 */
static size_t kind_prefix(const struct tv_dbg_line *l)
{
	size_t i = 0;

	if (l->val > 0) {
		return l->val;
	}
	while (i < l->n &&
	       ((l->s[i] >= 'A' && l->s[i] <= 'Z') || (l->s[i] >= 'a' && l->s[i] <= 'z'))) {
		i++;
	}
	return i;
}

static int copy_line(struct cl *c, const struct tv_dbg_line *l)
{
	size_t k = kind_prefix(l);
	int r;

	set_where(c, l->s, l->n, l->no);
	r = put(c, l->s, k);
	if (r == 0) {
		r = structure(c, l->s + k, l->n - k);
	}
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

	if (c->type == TV_DBG_T_RAW || n == 0) {
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

static bool scanned_type(enum tv_dbg_type t)
{
	return t == TV_DBG_T_RAW || t == TV_DBG_T_STR || t == TV_DBG_T_BYTES || t == TV_DBG_T_MAP ||
	       t == TV_DBG_T_SLICE;
}

/*
 * the start of the pending value's first line: `     -> KEY: Type(` with
 * the key scanned (a Body has none), the format's own text around it copied
 */
static int put_pre(struct cl *c)
{
	const char *s = c->pre.p;
	size_t k = c->pend_body ? c->pre.len : c->koff, end = c->pend_body ? k : k + c->klen;
	int r = put(c, s, k);

	if (r == 0 && end > k) {
		set_where(c, c->pre.p, c->pre.len, c->first);
		r = structure(c, s + k, end - k);
	}
	return r == 0 ? put(c, s + end, c->pre.len - end) : r;
}

/* the text of an Int, Double, Bool or Empty value: digits, signs, a point, an exponent, NaN, Inf */
static bool plain_value(const char *s, size_t n)
{
	if ((n == 5 && memcmp(s, "true)", 5) == 0) || (n == 6 && memcmp(s, "false)", 6) == 0)) {
		return true;
	}
	for (size_t i = 0; i < n; i++) {
		if (strchr("0123456789+-.eENaInf)", s[i]) == NULL || s[i] == '\0') {
			return false;
		}
	}
	return true;
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
		r = put_pre(c);
		if (r == 0) {
			r = put(c, "<REDACTED>", 10);
		}
		if (r == 0 && c->type != TV_DBG_T_RAW) {
			r = put(c, ")", 1);
		}
		return r < 0 ? r : put(c, "\n", 1);
	}
	inner = value_len(c);
	r = put_pre(c);
	if (r < 0) {
		return r;
	}
	if (!scanned_type(c->type)) {
		/* a number or a boolean as it is; anything else there is scanned */
		r = plain_value(c->val.p, c->val.len) ? put(c, c->val.p, c->val.len)
						      : structure(c, c->val.p, c->val.len);
		return r < 0 ? r : put(c, "\n", 1);
	}
	set_where(c, c->val.p, c->val.len, c->first);
	r = anon_scrub(a, c->pend_body ? NULL : c->pre.p + c->koff, c->pend_body ? 0 : c->klen,
		       c->val.p, inner);
	if (r == TV_PII_DROPPED) {
		a->buf.len = mark; /* the attribute goes, all its lines */
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
static int start_value(struct cl *c, const struct tv_dbg_line *l, bool body)
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

static int continue_value(struct cl *c, const struct tv_dbg_line *l)
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

static int start_body(struct cl *c, struct tv_dbg_line *l)
{
	tv_dbg_body(l);
	return start_value(c, l, true);
}

/* An attribute line out of any record: scrubbed on its own, under its key. */
static int lone_attr(struct cl *c, const struct tv_dbg_line *l)
{
	int r = start_value(c, l, false);

	return r < 0 ? r : end_value(c);
}

/* ---- the collector's own lines ---- */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

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
		return structure(c, s, n);
	}
	if (last && n > 0 && s[0] == '{') {
		r = anon_scrub_json(c->a, s, n);
		if (r >= 0 || (r != -TV_EPARSE && r != -TV_EDEPTH)) {
			return r < 0 ? r : 0;
		}
		c->a->buf.len = mark;
		c->a->buf.p[mark] = '\0';
		/* not JSON: the brace stays, so the line is still a trailer; the rest is text */
		r = put(c, "{", 1);
		if (r == 0) {
			r = anon_scrub(c->a, NULL, 0, s + 1, n - 1);
		}
		return r < 0 ? r : 0;
	}
	r = anon_scrub(c->a, NULL, 0, s, n);
	return r < 0 ? r : 0;
}

/* `<ts>\t<level>\t[<caller>\t]<message>[\t{json}]`: time and level as structure */
static int zap_line(struct cl *c, const struct tv_dbg_line *l)
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
			r = i < 2 ? structure(c, s, (size_t)(tab - s))
				  : zap_field(c, s, (size_t)(tab - s), tab == end);
		}
		s = tab + 1;
	}
	return r < 0 ? r : put(c, "\n", 1);
}

/* the state after a zap line: from its message, the last field */
static void zap_state(struct cl *c, const struct tv_dbg_line *l)
{
	enum tv_dbg_kind block = tv_dbg_zap_block(l->s, l->n, NULL);

	if (block == TV_DBG_K_RESOURCE_LOG) {
		c->state = S_BLOCK;
	} else if (block == TV_DBG_K_RESOURCE_OTHER) {
		c->state = S_SKIP;
	} else {
		c->state = S_TOP;
		c->stack = true;
	}
}

/* `\t{json}`: the fields closing a zap entry */
static int trailer_line(struct cl *c, const struct tv_dbg_line *l)
{
	int r = put(c, "\t", 1);

	set_where(c, l->s, l->n, l->no);
	if (r == 0) {
		r = zap_field(c, l->s + 1, l->n - 1, true);
	}
	return r < 0 ? r : put(c, "\n", 1);
}

/* ---- the state machine ---- */

static int boundary(struct cl *c, const struct tv_dbg_line *l, enum tv_dbg_kind kind)
{
	c->target = T_NONE;
	switch (kind) {
	case TV_DBG_K_ZAP:
		zap_state(c, l);
		return zap_line(c, l);
	case TV_DBG_K_TRAILER:
		c->state = S_TOP;
		return trailer_line(c, l);
	case TV_DBG_K_RESOURCE_LOG:
		c->state = S_BLOCK;
		break;
	case TV_DBG_K_RESOURCE_OTHER:
	case TV_DBG_K_METRIC:
	case TV_DBG_K_SPAN:
		c->state = S_SKIP;
		break;
	default:
		c->state = S_REC;
		c->rec_mark = c->a->buf.len;
		c->rec_line = l->no;
		c->rec_lines = 0;
		break;
	}
	return copy_line(c, l);
}

/* outside records: block headers, resource and scope attributes */
static int block_line(struct cl *c, struct tv_dbg_line *l, enum tv_dbg_kind kind)
{
	switch (kind) {
	case TV_DBG_K_RES_SCHEMA:
		break;
	case TV_DBG_K_RES_ATTRS:
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
		if (c->target != T_NONE) {
			return start_value(c, l, false);
		}
		return lone_attr(c, l);
	case TV_DBG_K_BLANK:
		return copy_line(c, l);
	default:
		if (kind == TV_DBG_K_OTHER || kind == TV_DBG_K_BODY) {
			return text_line(c, l);
		}
		return copy_line(c, l);
	}
	c->state = S_BLOCK;
	return copy_line(c, l);
}

static int record_line(struct cl *c, struct tv_dbg_line *l, enum tv_dbg_kind kind)
{
	switch (kind) {
	case TV_DBG_K_BODY:
		return start_body(c, l);
	case TV_DBG_K_ATTR:
		return start_value(c, l, false);
	case TV_DBG_K_FLAGS:
		c->state = S_BLOCK;
		c->target = T_NONE;
		return copy_line(c, l);
	case TV_DBG_K_RES_SCHEMA:
	case TV_DBG_K_RES_ATTRS:
	case TV_DBG_K_SCOPE:
	case TV_DBG_K_SCOPE_SCHEMA:
	case TV_DBG_K_ISCOPE:
	case TV_DBG_K_ISCOPE_ATTRS:
		c->state = S_BLOCK;
		c->target = T_NONE;
		return block_line(c, l, kind);
	case TV_DBG_K_OTHER:
		return text_line(c, l);
	default:
		return copy_line(c, l);
	}
}

static int dispatch(struct cl *c, struct tv_dbg_line *l, enum tv_dbg_kind kind)
{
	bool stack = c->stack;

	/* as the reader decides (tv_collector.c's dispatch) */
	c->stack = false;
	if (stack && kind == TV_DBG_K_OTHER && tv_dbg_is_stack(l->s, l->n)) {
		c->stack = true;
		return stack_line(c, l);
	}
	if (kind == TV_DBG_K_BLANK) {
		return copy_line(c, l);
	}
	if (tv_dbg_is_boundary(kind)) {
		return boundary(c, l, kind);
	}
	switch (c->state) {
	case S_SKIP:
		if (kind == TV_DBG_K_ATTR) {
			return lone_attr(c, l);
		}
		if (kind == TV_DBG_K_OTHER || kind == TV_DBG_K_BODY) {
			return text_line(c, l);
		}
		return copy_line(c, l);
	case S_REC:
		return record_line(c, l, kind);
	default:
		return block_line(c, l, kind);
	}
}

static int feed(struct cl *c, struct tv_dbg_line *l)
{
	enum tv_dbg_kind kind = tv_dbg_classify(l);
	int r;

	if (c->pending) {
		if (!tv_dbg_ends_value(kind, c->pend_body)) {
			return continue_value(c, l);
		}
		r = end_value(c);
		if (r < 0) {
			return r;
		}
	}
	r = dispatch(c, l, kind);
	c->a->hold = c->state == S_REC && c->a->buf.len - c->rec_mark <= c->max;
	c->rec_lines += c->state == S_REC;
	return r < 0 ? r : anon_flush_maybe(c->a);
}

/*
 * The last line has no line end: the file was cut short or is still being
 * written.  Inside a log record the record goes (cut_record() at the end),
 * else the line.  Returns 0.
 */
static int last_line_cut(struct cl *c, const struct tv_dbg_line *l)
{
	if (c->state == S_REC) {
		c->a->written++; /* taken back with its record */
		c->rec_lines++;
		return 0;
	}
	anon_reject(c->a, l->no,
		    "a line without its end (a file cut short, or still being "
		    "written): left out");
	return 0;
}

/* the input ended inside a log record: it is taken back and rejected */
static void cut_record(struct cl *c)
{
	struct anon *a = c->a;

	c->pending = false;
	if (a->hold) {
		a->buf.len = c->rec_mark;
		a->buf.p[c->rec_mark] = '\0';
	}
	anon_reject(a, c->rec_line, "truncated log record (it has no Flags: line): %s",
		    a->hold ? "left out" : "partly written");
	a->written -= c->rec_lines;
	a->rejected += c->rec_lines - 1;
	a->hold = false;
}

int anon_collector(struct anon *a, struct tv_input *in)
{
	struct cl c = { .a = a, .state = S_TOP };
	struct tv_dbg_line l;
	bool first = true, unterminated = false;
	int r;

	c.max = a->o.in.max_record ? a->o.in.max_record : TV_INPUT_DEFAULT_MAX_RECORD;
	tv_strbuf_init(&c.pre);
	tv_strbuf_init(&c.val);
	tv_strbuf_init(&c.line);
	for (;;) {
		memset(&l, 0, sizeof(l));
		r = tv_input_line(in, &l.s, &l.n, &l.no, &unterminated);
		if (r == -TV_ETOOBIG) {
			a->records++;
			anon_reject(a, l.no, "line longer than %zu bytes: dropped", c.max);
			continue;
		}
		if (r <= 0) {
			break;
		}
		a->records++;
		if (unterminated) {
			r = last_line_cut(&c, &l);
			break;
		}
		if (first && l.n >= 3 && memcmp(l.s, "\xef\xbb\xbf", 3) == 0) {
			r = put(&c, l.s, 3); /* the BOM stays */
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
	if (r == 0 && c.state == S_REC) {
		cut_record(&c);
	}
	a->hold = false;
	if (r == 0 && c.pending) {
		r = end_value(&c);
	}
	tv_strbuf_finish(&c.pre);
	tv_strbuf_finish(&c.val);
	tv_strbuf_finish(&c.line);
	return r;
}
