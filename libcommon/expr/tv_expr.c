// SPDX-License-Identifier: MIT
// The --where expression language (see tv_expr.h for the grammar).
#define PCRE2_CODE_UNIT_WIDTH 8
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcre2.h>

#include "libcommon/core/tv_error.h"
#include "libcommon/expr/tv_expr.h"
#include "libcommon/expr/tv_expr_int.h"
#include "libcommon/core/tv_time.h"

/* ---- the schema paths are checked against ---- */

struct field {
	const char *name;
	const struct field *sub; /* members, NULL-terminated; NULL: a leaf */
	bool any;		 /* any sub-path is allowed (free-form objects) */
	bool time;		 /* holds RFC 3339 timestamps */
};

static const struct field llm_fields[] = {
	{ "time", NULL, false, true },
	{ "model", NULL, false, false },
	{ "duration_ms", NULL, false, false },
	{ "status", NULL, false, false },
	{ "status_code", NULL, false, false },
	{ "input_tokens", NULL, false, false },
	{ "output_tokens", NULL, false, false },
	{ "cached_tokens", NULL, false, false },
	{ "thinking_tokens", NULL, false, false },
	{ "total_tokens", NULL, false, false },
	{ "cache_hit", NULL, false, false },
	{ "finish_reason", NULL, false, false },
	{ "error", NULL, false, false },
	{ "request_text", NULL, false, false },
	{ "response_text", NULL, false, false },
	{ NULL, NULL, false, false },
};

static const struct field tool_fields[] = {
	{ "time", NULL, false, true },	   { "name", NULL, false, false },
	{ "args", NULL, true, false },	   { "duration_ms", NULL, false, false },
	{ "success", NULL, false, false }, { "decision", NULL, false, false },
	{ "error", NULL, false, false },   { "type", NULL, false, false },
	{ NULL, NULL, false, false },
};

static const struct field turn_fields[] = {
	{ "id", NULL, false, false },
	{ "prompt", NULL, false, false },
	{ "output", NULL, false, false },
	{ "start_time", NULL, false, true },
	{ "end_time", NULL, false, true },
	{ "duration_ms", NULL, false, false },
	{ "success", NULL, false, false },
	{ "llm_calls", llm_fields, false, false },
	{ "tool_calls", tool_fields, false, false },
	{ NULL, NULL, false, false },
};

static const struct field source_fields[] = {
	{ "format", NULL, false, false },
	{ "service", NULL, false, false },
	{ "file", NULL, false, false },
	{ NULL, NULL, false, false },
};

static const struct field error_fields[] = {
	{ "type", NULL, false, false },
	{ "message", NULL, false, false },
	{ NULL, NULL, false, false },
};

static const struct field usage_fields[] = {
	{ "input_tokens", NULL, false, false },
	{ "output_tokens", NULL, false, false },
	{ "cached_tokens", NULL, false, false },
	{ "thinking_tokens", NULL, false, false },
	{ "total_tokens", NULL, false, false },
	{ "cost_usd", NULL, false, false },
	{ NULL, NULL, false, false },
};

static const struct field session_fields[] = {
	{ "televal", NULL, false, false },	   { "id", NULL, false, false },
	{ "source", source_fields, false, false }, { "start_time", NULL, false, true },
	{ "end_time", NULL, false, true },	   { "duration_ms", NULL, false, false },
	{ "skill", NULL, false, false },	   { "user", NULL, false, false },
	{ "models", NULL, false, false },	   { "success", NULL, false, false },
	{ "error", error_fields, false, false },   { "usage", usage_fields, false, false },
	{ "metadata", NULL, true, false },	   { "turns", turn_fields, false, false },
	{ "events", NULL, true, false },	   { "sampling", NULL, true, false },
	{ "redaction", NULL, true, false },	   { NULL, NULL, false, false },
};

struct parser {
	const char *src;
	size_t pos;
	struct token tok;
	char *why;
	size_t whylen;
	size_t errpos;
	bool failed;
	bool oom;	/* failed for want of memory: -ENOMEM, not a parse error */
	unsigned depth; /* open '(' and '!' around the current token */
};

static void node_free(struct node *n)
{
	if (n == NULL) {
		return;
	}
	node_free(n->a);
	node_free(n->b);
	free(n->s);
	for (size_t i = 0; i < n->nseg; i++) {
		free(n->seg[i]);
	}
	free(n->seg);
	for (size_t i = 0; i < n->nitems; i++) {
		node_free(n->items[i]);
	}
	free(n->items);
	if (n->md) {
		pcre2_match_data_free(n->md);
	}
	if (n->re) {
		pcre2_code_free(n->re);
	}
	free(n->buf.v);
	free(n);
}

static void oom(struct parser *p, size_t pos)
{
	if (!p->failed) {
		p->failed = true;
		p->oom = true;
		p->errpos = pos;
		snprintf(p->why, p->whylen, "out of memory");
	}
}

static struct node *node_new(struct parser *p, enum ntype t)
{
	struct node *n = calloc(1, sizeof(*n));

	if (n == NULL) {
		oom(p, p->tok.pos);
	}
	if (n) {
		n->type = t;
		n->pos = p->tok.pos;
	}
	return n;
}

static void fail(struct parser *p, size_t pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(struct parser *p, size_t pos, const char *fmt, ...)
{
	va_list ap;

	if (p->failed) {
		return;
	}
	p->failed = true;
	p->errpos = pos;
	va_start(ap, fmt);
	vsnprintf(p->why, p->whylen, fmt, ap);
	va_end(ap);
}

/* ---- lexer ---- */

static bool name_char(char c, bool first)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') {
		return true;
	}
	return !first && ((c >= '0' && c <= '9') || c == '-');
}

static double unit_ms(const char *u, size_t n)
{
	static const struct {
		const char *u;
		double ms;
	} units[] = { { "ms", 1 },     { "s", 1e3 },	 { "m", 60e3 },
		      { "h", 3600e3 }, { "d", 86400e3 }, { "w", 604800e3 } };

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strlen(units[i].u) == n && memcmp(units[i].u, u, n) == 0) {
			return units[i].ms;
		}
	}
	return 0;
}

static void lex_number(struct parser *p)
{
	const char *s = p->src + p->pos, *u;
	char *end;
	double v, mult;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno == ERANGE) {
		fail(p, p->pos, "invalid number");
		return;
	}
	u = end;
	while (name_char(*end, true)) {
		end++;
	}
	if (end > u) {
		mult = unit_ms(u, (size_t)(end - u));
		if (mult == 0) {
			fail(p, (size_t)(u - p->src), "unknown unit '%.*s' (ms, s, m, h, d, w)",
			     (int)(end - u), u);
			return;
		}
		v *= mult;
	}
	p->tok.t = T_NUM;
	p->tok.num = v;
	p->pos = (size_t)(end - p->src);
}

static void lex_string(struct parser *p)
{
	char q = p->src[p->pos], *out;
	size_t i = p->pos + 1, n = 0;

	out = malloc(strlen(p->src + p->pos) + 1);
	if (out == NULL) {
		oom(p, p->pos);
		return;
	}
	for (; p->src[i] && p->src[i] != q; i++) {
		char c = p->src[i];

		/* \\ \" \' \n \t \r are escapes; any other backslash stays (regexes: \d) */
		if (c == '\\' && p->src[i + 1]) {
			char e = p->src[i + 1];

			if (e == '\\' || e == '"' || e == '\'' || e == 'n' || e == 't' ||
			    e == 'r') {
				c = e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e;
				i++;
			}
		}
		out[n++] = c;
	}
	if (p->src[i] != q) {
		free(out);
		fail(p, p->pos, "unterminated string");
		return;
	}
	out[n] = '\0';
	p->tok.t = T_STR;
	p->tok.str = out;
	p->tok.len = n;
	p->pos = i + 1;
}

static void lex_name(struct parser *p)
{
	static const struct {
		const char *w;
		enum tok t;
	} words[] = { { "and", T_AND },	  { "or", T_OR },	{ "not", T_NOT },  { "in", T_IN },
		      { "true", T_TRUE }, { "false", T_FALSE }, { "null", T_NULL } };
	size_t start = p->pos, n;

	while (name_char(p->src[p->pos], p->pos == start)) {
		p->pos++;
	}
	n = p->pos - start;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (strlen(words[i].w) == n && memcmp(words[i].w, p->src + start, n) == 0) {
			p->tok.t = words[i].t;
			return;
		}
	}
	p->tok.t = T_NAME;
	p->tok.str = tv_strndup(p->src + start, n);
	p->tok.len = n;
	if (p->tok.str == NULL) {
		p->tok.t = T_EOF;
		oom(p, start);
	}
}

static bool two(struct parser *p, const char *op, enum tok t)
{
	if (strncmp(p->src + p->pos, op, 2) != 0) {
		return false;
	}
	p->tok.t = t;
	p->pos += 2;
	return true;
}

static void next(struct parser *p)
{
	static const char singles[] = "()[],.!<>";
	static const enum tok stoks[] = {
		T_LP, T_RP, T_LB, T_RB, T_COMMA, T_DOT, T_NOT, T_LT, T_GT
	};
	const char *c;

	free(p->tok.str);
	p->tok = (struct token){ .t = T_EOF };
	while (p->src[p->pos] == ' ' || p->src[p->pos] == '\t' || p->src[p->pos] == '\n') {
		p->pos++;
	}
	p->tok.pos = p->pos;
	if (p->failed || p->src[p->pos] == '\0') {
		return;
	}
	if (two(p, "&&", T_AND) || two(p, "||", T_OR) || two(p, "==", T_EQ) || two(p, "!=", T_NE) ||
	    two(p, "<=", T_LE) || two(p, ">=", T_GE) || two(p, "=~", T_MATCH) ||
	    two(p, "!~", T_NMATCH)) {
		return;
	}
	c = strchr(singles, p->src[p->pos]);
	if (c != NULL) {
		p->tok.t = stoks[c - singles];
		p->pos++;
		return;
	}
	if ((p->src[p->pos] >= '0' && p->src[p->pos] <= '9') ||
	    (p->src[p->pos] == '-' && p->src[p->pos + 1] >= '0' && p->src[p->pos + 1] <= '9')) {
		lex_number(p);
	} else if (p->src[p->pos] == '"' || p->src[p->pos] == '\'') {
		lex_string(p);
	} else if (name_char(p->src[p->pos], true)) {
		lex_name(p);
	} else if (p->src[p->pos] == '=') {
		fail(p, p->pos, "'=' is not an operator: use '==' to compare");
	} else {
		fail(p, p->pos, "unexpected character '%c'", p->src[p->pos]);
	}
}

/* ---- parser ---- */

static struct node *parse_or(struct parser *p);

static const struct field *find_field(const struct field *set, const char *name)
{
	for (; set && set->name; set++) {
		if (strcmp(set->name, name) == 0) {
			return set;
		}
	}
	return NULL;
}

static int push_seg(struct node *n, const char *s)
{
	char **v = realloc(n->seg, (n->nseg + 1) * sizeof(*v));

	if (v == NULL) {
		return -ENOMEM;
	}
	n->seg = v;
	n->seg[n->nseg] = tv_strndup(s, strlen(s));
	if (n->seg[n->nseg] == NULL) {
		return -ENOMEM;
	}
	n->nseg++;
	return 0;
}

/* map the first name to a path start; sets the field set for the next segment */
static bool path_start(struct parser *p, struct node *n, const char *name, size_t pos,
		       const struct field **cur, bool *any)
{
	static const struct {
		const char *name;
		enum comp comp;
	} comps[] = { { "prompt", C_PROMPT }, { "output", C_OUTPUT }, { "errors", C_ERRORS } };
	const struct field *f;

	*any = false;
	for (size_t i = 0; i < sizeof(comps) / sizeof(comps[0]); i++) {
		if (strcmp(name, comps[i].name) == 0) {
			n->comp = comps[i].comp;
			*cur = NULL;
			return true;
		}
	}
	if (strcmp(name, "llm_calls") == 0 || strcmp(name, "tool_calls") == 0) {
		if (push_seg(n, "turns") < 0 || push_seg(n, name) < 0) {
			oom(p, pos);
			return false;
		}
		*cur = name[0] == 'l' ? llm_fields : tool_fields;
		return true;
	}
	f = find_field(session_fields, name);
	if (f == NULL) {
		fail(p, pos, "unknown field '%s'", name);
		return false;
	}
	if (push_seg(n, name) < 0) {
		oom(p, pos);
		return false;
	}
	*cur = f->sub;
	*any = f->any;
	n->time_field = f->time;
	return true;
}

/* schema members that are arrays (models is one of strings) */
static bool is_array_field(const char *name)
{
	static const char *const arrays[] = { "turns", "models", "llm_calls", "tool_calls" };

	for (size_t i = 0; i < sizeof(arrays) / sizeof(arrays[0]); i++) {
		if (strcmp(name, arrays[i]) == 0) {
			return true;
		}
	}
	return false;
}

static struct node *parse_path(struct parser *p)
{
	struct node *n = node_new(p, N_PATH);
	const struct field *cur = NULL, *f;
	bool any = false;
	size_t pos = p->tok.pos;

	if (n == NULL || !path_start(p, n, p->tok.str, pos, &cur, &any)) {
		goto fail;
	}
	next(p);
	while (p->tok.t == T_DOT && !p->failed) {
		next(p);
		if (p->tok.t != T_NAME && p->tok.t != T_STR) {
			fail(p, p->tok.pos, "expected a field name after '.'");
			goto fail;
		}
		if (n->comp != C_NONE) {
			fail(p, p->tok.pos, "computed field has no members");
			goto fail;
		}
		if (!any) {
			f = find_field(cur, p->tok.str);
			if (f == NULL) {
				fail(p, p->tok.pos, "unknown field '%s'", p->tok.str);
				goto fail;
			}
			cur = f->sub;
			any = f->any;
			n->time_field = f->time;
		}
		if (push_seg(n, p->tok.str) < 0) {
			oom(p, p->tok.pos);
			goto fail;
		}
		next(p);
	}
	if (!p->failed) {
		n->array_field = n->comp == C_NONE && !any && n->nseg > 0 &&
				 is_array_field(n->seg[n->nseg - 1]);
		return n;
	}
fail:
	node_free(n);
	return NULL;
}

static bool expect(struct parser *p, enum tok t, const char *what)
{
	if (p->tok.t == t) {
		next(p);
		return true;
	}
	fail(p, p->tok.pos, "expected %s", what);
	return false;
}

static struct node *parse_literal(struct parser *p)
{
	struct node *n = node_new(p, N_LIT);

	if (n == NULL) {
		return NULL;
	}
	switch (p->tok.t) {
	case T_NUM:
		n->lit = L_NUM;
		n->num = p->tok.num;
		break;
	case T_STR:
		n->lit = L_STR;
		n->s = p->tok.str;
		n->slen = p->tok.len;
		p->tok.str = NULL;
		break;
	case T_TRUE:
	case T_FALSE:
		n->lit = L_BOOL;
		n->bval = p->tok.t == T_TRUE;
		break;
	default:
		n->lit = L_NULL;
		break;
	}
	next(p);
	return n;
}

static struct node *parse_list(struct parser *p)
{
	struct node *n = node_new(p, N_LIST), **v;

	if (n == NULL) {
		return NULL;
	}
	next(p);
	while (p->tok.t != T_RB && !p->failed) {
		if (p->tok.t != T_NUM && p->tok.t != T_STR && p->tok.t != T_TRUE &&
		    p->tok.t != T_FALSE && p->tok.t != T_NULL) {
			fail(p, p->tok.pos,
			     "expected a number, string, true, false or null in the list");
			break;
		}
		v = realloc(n->items, (n->nitems + 1) * sizeof(*v));
		if (v == NULL) {
			oom(p, p->tok.pos);
			break;
		}
		n->items = v;
		n->items[n->nitems] = parse_literal(p);
		if (n->items[n->nitems] == NULL) {
			break;
		}
		n->nitems++;
		if (p->tok.t == T_COMMA) {
			next(p);
		} else if (p->tok.t != T_RB) {
			fail(p, p->tok.pos, "expected ',' or ']'");
		}
	}
	if (!p->failed) {
		next(p);
	}
	if (p->failed) {
		node_free(n);
		return NULL;
	}
	return n;
}

/* one level deeper ('(' or '!'): the parser and the evaluator recurse on it */
static bool nest(struct parser *p)
{
	if (p->depth >= TV_EXPR_MAX_DEPTH) {
		fail(p, p->tok.pos, "nested deeper than %d levels of '(' and '!'",
		     TV_EXPR_MAX_DEPTH);
		return false;
	}
	p->depth++;
	return true;
}

static bool agg_name(const char *s, enum agg *fn)
{
	static const char *const names[] = { "max", "min", "sum", "avg", "count" };

	for (int i = 0; i < 5; i++) {
		if (strcmp(s, names[i]) == 0) {
			*fn = (enum agg)i;
			return true;
		}
	}
	return false;
}

static struct node *parse_operand(struct parser *p)
{
	struct node *n;
	enum agg fn;

	switch (p->tok.t) {
	case T_NUM:
	case T_STR:
	case T_TRUE:
	case T_FALSE:
	case T_NULL:
		return parse_literal(p);
	case T_LB:
		fail(p, p->tok.pos, "a list can only follow 'in'");
		return NULL;
	case T_LP:
		if (!nest(p)) {
			return NULL;
		}
		next(p);
		n = parse_or(p);
		p->depth--;
		if (n && !expect(p, T_RP, "')'")) {
			node_free(n);
			return NULL;
		}
		return n;
	case T_NAME:
		if (agg_name(p->tok.str, &fn) && p->src[p->pos] == '(') {
			next(p);
			next(p);
			if (p->tok.t != T_NAME) {
				fail(p, p->tok.pos, "expected a field path inside %s()",
				     "the function");
				return NULL;
			}
			n = node_new(p, N_AGG);
			if (n == NULL) {
				return NULL;
			}
			n->fn = fn;
			n->a = parse_path(p);
			if (n->a == NULL || !expect(p, T_RP, "')'")) {
				node_free(n);
				return NULL;
			}
			return n;
		}
		return parse_path(p);
	case T_EOF:
		fail(p, p->tok.pos, "expected a value, found the end of the expression");
		return NULL;
	default:
		fail(p, p->tok.pos, "expected a value");
		return NULL;
	}
}

static bool is_cmp(enum tok t)
{
	return t == T_EQ || t == T_NE || t == T_LT || t == T_LE || t == T_GT || t == T_GE;
}

/* a string compared with a timestamp field is read as a time */
static void bind_time(struct parser *p, struct node *path, struct node *lit)
{
	bool naive;

	if (path->type != N_PATH || !path->time_field || lit->type != N_LIT || lit->lit != L_STR) {
		return;
	}
	if (tv_time_parse(lit->s, lit->slen, &lit->time_ns, &naive) == 0) {
		lit->has_time = true;
		return;
	}
	if (lit->slen == 10) { /* a date: midnight UTC */
		char buf[32];

		snprintf(buf, sizeof(buf), "%.10sT00:00:00Z", lit->s);
		if (tv_time_parse(buf, strlen(buf), &lit->time_ns, &naive) == 0) {
			lit->has_time = true;
			return;
		}
	}
	fail(p, lit->pos, "'%s' is not a timestamp (RFC 3339 or YYYY-MM-DD)", lit->s);
}

static struct node *compile_regex(struct parser *p, struct node *n, size_t pos)
{
	PCRE2_SIZE eoff;
	int ecode;

	pos = n->b->pos;
	if (n->b->type != N_LIT || n->b->lit != L_STR) {
		fail(p, pos, "the right side of =~ must be a string (a PCRE2 pattern)");
		node_free(n);
		return NULL;
	}
	n->re = pcre2_compile((PCRE2_SPTR)n->b->s, n->b->slen, PCRE2_UTF | PCRE2_UCP, &ecode, &eoff,
			      NULL);
	if (n->re == NULL && ecode == PCRE2_ERROR_HEAP_FAILED) {
		oom(p, pos);
		node_free(n);
		return NULL;
	}
	if (n->re == NULL) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(ecode, msg, sizeof(msg));
		fail(p, pos, "invalid regular expression: %s at offset %zu", (char *)msg,
		     (size_t)eoff);
		node_free(n);
		return NULL;
	}
	pcre2_jit_compile(n->re, PCRE2_JIT_COMPLETE); /* falls back to the interpreter */
	n->md = pcre2_match_data_create_from_pattern(n->re, NULL);
	if (n->md == NULL) {
		oom(p, pos);
		node_free(n);
		return NULL;
	}
	return n;
}

static struct node *parse_cmp(struct parser *p)
{
	struct node *l = parse_operand(p), *n;
	enum tok op = p->tok.t;
	size_t pos = p->tok.pos;
	bool negate = false;

	if (l == NULL) {
		return NULL;
	}
	if (op == T_NOT) { /* "not in"? look one token ahead */
		size_t saved = p->pos;
		struct token tok = p->tok;

		p->tok.str = NULL; /* "not" owns no text */
		next(p);
		if (p->tok.t == T_IN) {
			negate = true;
			op = T_IN;
		} else {
			free(p->tok.str);
			p->tok = tok;
			p->pos = saved;
		}
	}
	if (!is_cmp(op) && op != T_MATCH && op != T_NMATCH && op != T_IN) {
		return l;
	}
	next(p);
	n = node_new(p, op == T_IN ? N_IN : (op == T_MATCH || op == T_NMATCH) ? N_MATCH : N_CMP);
	if (n == NULL) {
		node_free(l);
		return NULL;
	}
	n->op = op;
	n->a = l;
	if (op == T_IN && p->tok.t != T_LB) {
		fail(p, p->tok.pos, "expected '[' after in");
		node_free(n);
		return NULL;
	}
	n->b = op == T_IN ? parse_list(p) : parse_operand(p);
	if (n->b == NULL) {
		node_free(n);
		return NULL;
	}
	if (op == T_MATCH || op == T_NMATCH) {
		return compile_regex(p, n, pos);
	}
	bind_time(p, n->a, n->b);
	bind_time(p, n->b, n->a);
	if (negate) {
		struct node *x = node_new(p, N_NOT);

		if (x == NULL) {
			node_free(n);
			return NULL;
		}
		x->a = n;
		return x;
	}
	return n;
}

static struct node *parse_unary(struct parser *p)
{
	struct node *n;

	if (p->tok.t != T_NOT) {
		return parse_cmp(p);
	}
	if (!nest(p)) {
		return NULL;
	}
	next(p);
	n = node_new(p, N_NOT);
	if (n == NULL) {
		p->depth--;
		return NULL;
	}
	n->a = parse_unary(p);
	p->depth--;
	if (n->a == NULL) {
		node_free(n);
		return NULL;
	}
	return n;
}

/* append @item to the operands of @n (capacity doubles at powers of two) */
static bool add_item(struct parser *p, struct node *n, struct node *item)
{
	struct node **v;

	if (n->nitems >= 2 && (n->nitems & (n->nitems - 1)) == 0) {
		v = realloc(n->items, n->nitems * 2 * sizeof(*v));
	} else if (n->nitems == 0) {
		v = malloc(2 * sizeof(*v));
	} else {
		v = n->items;
	}
	if (v == NULL) {
		oom(p, p->tok.pos);
		return false;
	}
	n->items = v;
	n->items[n->nitems++] = item;
	return true;
}

/*
 * a chain of one operator: one node with every operand, so that a long
 * `a || b || c ...` is a loop, not a recursion as deep as the chain
 */
static struct node *parse_bin(struct parser *p, enum tok op, enum ntype t,
			      struct node *(*sub)(struct parser *))
{
	struct node *l = sub(p), *n;

	if (l == NULL || p->tok.t != op) {
		return l;
	}
	n = node_new(p, t);
	if (n == NULL || !add_item(p, n, l)) {
		node_free(n);
		node_free(l);
		return NULL;
	}
	while (p->tok.t == op) {
		next(p);
		l = sub(p);
		if (l == NULL || !add_item(p, n, l)) {
			node_free(l);
			node_free(n);
			return NULL;
		}
	}
	return n;
}

static struct node *parse_and(struct parser *p)
{
	return parse_bin(p, T_AND, N_AND, parse_unary);
}

static struct node *parse_or(struct parser *p)
{
	return parse_bin(p, T_OR, N_OR, parse_and);
}

static int finish_compile(struct parser *p, struct node *root, struct tv_expr **out, size_t *col)
{
	struct tv_expr *e;

	if (root && !p->failed && p->tok.t != T_EOF) {
		fail(p, p->tok.pos,
		     p->tok.t == T_RP
			     ? "unbalanced ')'"
			     : "expected an operator (&&, ||, ==, ...) or the end of the expression");
	}
	free(p->tok.str);
	p->tok.str = NULL;
	if (p->failed || root == NULL) {
		node_free(root);
		*col = p->errpos;
		return p->oom ? -ENOMEM : -TV_EPARSE;
	}
	e = calloc(1, sizeof(*e));
	if (e == NULL) {
		node_free(root);
		*col = 0;
		snprintf(p->why, p->whylen, "out of memory");
		return -ENOMEM;
	}
	e->root = root;
	tv_strbuf_init(&e->tmp);
	*out = e;
	return 0;
}

int tv_expr_compile(const char *src, struct tv_expr **out, size_t *col, char *why, size_t whylen)
{
	struct parser p = { .src = src, .why = why, .whylen = whylen };
	struct node *root;

	next(&p);
	if (p.tok.t == T_EOF && !p.failed) {
		fail(&p, 0, "empty expression");
	}
	root = p.failed ? NULL : parse_or(&p);
	return finish_compile(&p, root, out, col);
}

int tv_expr_path_compile(const char *src, struct tv_expr **out, size_t *col, char *why,
			 size_t whylen)
{
	struct parser p = { .src = src, .why = why, .whylen = whylen };
	struct node *root = NULL;

	next(&p);
	if (p.tok.t != T_NAME) {
		fail(&p, p.tok.pos, "expected a field name");
	} else {
		root = parse_path(&p);
	}
	return finish_compile(&p, root, out, col);
}

void tv_expr_destroy(struct tv_expr *e)
{
	if (e == NULL) {
		return;
	}
	node_free(e->root);
	tv_strbuf_finish(&e->tmp);
	free(e);
}
