// SPDX-License-Identifier: MIT
/*
 * --fail-if: thresholds over the metrics.
 *
 *   expr    := or
 *   or      := and { ("||" | "or") and }
 *   and     := unary { ("&&" | "and") unary }
 *   unary   := ("!" | "not") unary | "(" expr ")" | compare
 *   compare := value op value            op: > >= < <= == !=
 *   value   := NUMBER [unit] | METRIC | STAT "(" DISTRIBUTION ")"
 *   unit    := % (a hundredth) | ms | s | m | h | d (a duration, in ms)
 *   STAT    := count | mean | avg | min | max | p50 | p90 | p95 | p99
 *
 * METRIC and DISTRIBUTION are the names of tv_agg_metric.c (error_rate,
 * llm.latency_ms, ...).  An expression is evaluated on the total and on
 * every group; a comparison with a metric that has no value (a rate over
 * nothing) is false.  Nesting is limited to MAX_DEPTH.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aggregate.h"
#include "tools/common/tool.h"
#include "tools/common/tool_where.h"

#define MAX_DEPTH 64
#define MAX_METRICS 32

enum node_kind {
	N_OR,
	N_AND,
	N_NOT,
	N_CMP,
};

enum cmp_op {
	OP_GT,
	OP_GE,
	OP_LT,
	OP_LE,
	OP_EQ,
	OP_NE,
};

struct operand {
	int metric; /* -1: a number */
	double num;
};

struct node {
	enum node_kind kind;
	enum cmp_op op;
	struct node *a, *b;
	struct operand l, r;
};

struct expr {
	const char *src;
	struct node *root;
	int metrics[MAX_METRICS]; /* the metrics it reads, for the message */
	size_t n_metrics;
};

struct alerts {
	struct expr *v;
	size_t n;
	struct fired *fired;
	size_t n_fired, cap_fired;
};

struct parser {
	const char *src, *p;
	struct expr *e;
	int depth;
	size_t col; /* of the error */
	char why[200];
};

/* ---- parsing ---- */

static int fail(struct parser *ps, const char *at, const char *why)
{
	ps->col = (size_t)(at - ps->src);
	snprintf(ps->why, sizeof(ps->why), "%s", why);
	return -TV_EPARSE;
}

static void skip(struct parser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n') {
		ps->p++;
	}
}

static bool ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.';
}

/* the keyword @kw (a word, not the start of a longer one) */
static bool word(struct parser *ps, const char *kw)
{
	size_t n = strlen(kw);

	skip(ps);
	if (strncmp(ps->p, kw, n) != 0 || (isalpha((unsigned char)kw[0]) && ident_char(ps->p[n]))) {
		return false;
	}
	ps->p += n;
	return true;
}

static struct node *node_new(enum node_kind kind)
{
	struct node *n = calloc(1, sizeof(*n));

	if (n) {
		n->kind = kind;
	}
	return n;
}

static void node_free(struct node *n)
{
	if (n) {
		node_free(n->a);
		node_free(n->b);
		free(n);
	}
}

static int parse_or(struct parser *ps, struct node **out);

static int number(struct parser *ps, struct operand *o)
{
	static const struct {
		const char *unit;
		double scale;
	} units[] = { { "ms", 1 },	{ "s", 1000 },	   { "m", 60000 },
		      { "h", 3600000 }, { "d", 86400000 }, { "%", 0.01 } };
	const char *start = ps->p;
	char *end;

	errno = 0;
	o->num = strtod(ps->p, &end);
	if (end == ps->p || errno || !isfinite(o->num)) {
		return fail(ps, start, "a number");
	}
	ps->p = end;
	o->metric = -1;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		size_t n = strlen(units[i].unit);

		if (strncmp(ps->p, units[i].unit, n) == 0 && !ident_char(ps->p[n])) {
			o->num *= units[i].scale;
			ps->p += n;
			break;
		}
	}
	if (ident_char(*ps->p)) {
		return fail(ps, ps->p, "a unit: %, ms, s, m, h or d");
	}
	return 0;
}

static int remember(struct parser *ps, int metric)
{
	for (size_t i = 0; i < ps->e->n_metrics; i++) {
		if (ps->e->metrics[i] == metric) {
			return 0;
		}
	}
	if (ps->e->n_metrics < MAX_METRICS) {
		ps->e->metrics[ps->e->n_metrics++] = metric;
	}
	return 0;
}

/* STAT(DISTRIBUTION) after the name, at '(' */
static int stat_call(struct parser *ps, const char *name, size_t n, struct operand *o)
{
	char full[96];
	const char *arg;
	size_t an;

	ps->p++;
	skip(ps);
	arg = ps->p;
	while (ident_char(*ps->p)) {
		ps->p++;
	}
	an = (size_t)(ps->p - arg);
	skip(ps);
	if (an == 0 || *ps->p != ')') {
		return fail(ps, ps->p, "a distribution and ')': p95(llm.latency_ms)");
	}
	ps->p++;
	if (n == 3 && memcmp(name, "avg", 3) == 0) {
		name = "mean";
		n = 4;
	}
	snprintf(full, sizeof(full), "%.*s(%.*s)", (int)(n < 20 ? n : 20), name,
		 (int)(an < 60 ? an : 60), arg);
	o->metric = tv_metric_find(full, strlen(full));
	if (o->metric >= 0) {
		return remember(ps, o->metric);
	}
	snprintf(full, sizeof(full), "%.*s(llm.latency_ms)", (int)(n < 20 ? n : 20), name);
	if (tv_metric_find(full, strlen(full)) < 0) {
		return fail(ps, name,
			    "unknown statistic (count, mean, avg, min, max, p50, p90, "
			    "p95, p99)");
	}
	return fail(ps, arg,
		    "unknown distribution (session.duration_ms, turn.duration_ms, "
		    "llm.latency_ms, tool.duration_ms, llm.tokens, prompt.length)");
}

static int value(struct parser *ps, struct operand *o)
{
	const char *name;
	size_t n;

	skip(ps);
	if (isdigit((unsigned char)*ps->p) || *ps->p == '.' || *ps->p == '-') {
		return number(ps, o);
	}
	name = ps->p;
	while (ident_char(*ps->p)) {
		ps->p++;
	}
	n = (size_t)(ps->p - name);
	if (n == 0) {
		return fail(ps, ps->p, "a metric or a number");
	}
	if (*ps->p == '(') {
		return stat_call(ps, name, n, o);
	}
	o->metric = tv_metric_find(name, n);
	if (o->metric < 0 || tv_metric_get((size_t)o->metric)->kind == TV_METRIC_DIST) {
		return fail(ps, name,
			    "unknown metric (sessions, success_rate, error_rate, "
			    "timeout_rate, cache_hit_rate, cost_usd, ...: see "
			    "televal-aggregate(1))");
	}
	return remember(ps, o->metric);
}

static int cmp_op(struct parser *ps, enum cmp_op *op)
{
	static const struct {
		const char *text;
		enum cmp_op op;
	} ops[] = { { ">=", OP_GE }, { "<=", OP_LE }, { "==", OP_EQ },
		    { "!=", OP_NE }, { ">", OP_GT },  { "<", OP_LT } };

	skip(ps);
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		size_t n = strlen(ops[i].text);

		if (strncmp(ps->p, ops[i].text, n) == 0) {
			ps->p += n;
			*op = ops[i].op;
			return 0;
		}
	}
	return fail(ps, ps->p, "a comparison: > >= < <= == !=");
}

static int compare(struct parser *ps, struct node **out)
{
	struct node *n = node_new(N_CMP);
	int r;

	if (n == NULL) {
		return -ENOMEM;
	}
	r = value(ps, &n->l);
	if (r == 0) {
		r = cmp_op(ps, &n->op);
	}
	if (r == 0) {
		r = value(ps, &n->r);
	}
	if (r < 0) {
		node_free(n);
		return r;
	}
	*out = n;
	return 0;
}

static int unary(struct parser *ps, struct node **out)
{
	struct node *n;
	int r;

	if (++ps->depth > MAX_DEPTH) {
		return fail(ps, ps->p, "nested too deeply");
	}
	skip(ps);
	if (*ps->p == '(') {
		ps->p++;
		r = parse_or(ps, &n);
		skip(ps);
		if (r == 0 && *ps->p != ')') {
			node_free(n);
			r = fail(ps, ps->p, "')'");
		}
		if (r == 0) {
			ps->p++;
			*out = n;
		}
	} else if (word(ps, "!") || word(ps, "not")) {
		n = node_new(N_NOT);
		r = n ? unary(ps, &n->a) : -ENOMEM;
		if (r < 0) {
			node_free(n);
		} else {
			*out = n;
		}
	} else {
		r = compare(ps, out);
	}
	ps->depth--;
	return r;
}

/* one level of a binary operator: left { OP right } */
static int binary(struct parser *ps, struct node **out, enum node_kind kind, const char *sym,
		  const char *kw, int (*next)(struct parser *, struct node **))
{
	struct node *left = NULL, *n;
	int r = next(ps, &left);

	while (r == 0 && (word(ps, sym) || word(ps, kw))) {
		n = node_new(kind);
		if (n == NULL) {
			node_free(left);
			return -ENOMEM;
		}
		n->a = left;
		r = next(ps, &n->b);
		left = n;
	}
	if (r < 0) {
		node_free(left);
		return r;
	}
	*out = left;
	return 0;
}

static int parse_and(struct parser *ps, struct node **out)
{
	return binary(ps, out, N_AND, "&&", "and", unary);
}

static int parse_or(struct parser *ps, struct node **out)
{
	return binary(ps, out, N_OR, "||", "or", parse_and);
}

static int compile_one(struct expr *e, const char *src)
{
	struct parser ps = { .src = src, .p = src, .e = e };
	int r;

	e->src = src;
	r = parse_or(&ps, &e->root);
	skip(&ps);
	if (r == 0 && *ps.p) {
		node_free(e->root);
		e->root = NULL;
		r = fail(&ps, ps.p, "the end of the expression (an operator is missing?)");
	}
	if (r == -TV_EPARSE) {
		tool_err("--fail-if: cannot read '%s'", src);
		return tool_expr_error(src, ps.col, ps.why);
	}
	if (r < 0) {
		tool_err("out of memory");
		return 1;
	}
	return 0;
}

int alerts_compile(const char **src, size_t n, struct alerts **out)
{
	struct alerts *al = calloc(1, sizeof(*al));
	int r = 0;

	if (al) {
		al->v = calloc(n ? n : 1, sizeof(*al->v));
	}
	if (al == NULL || al->v == NULL) {
		free(al);
		tool_err("out of memory");
		return 1;
	}
	for (size_t i = 0; r == 0 && i < n; i++) {
		r = compile_one(&al->v[i], src[i]);
		al->n++;
	}
	if (r) {
		alerts_destroy(al);
		return r;
	}
	*out = al;
	return 0;
}

void alerts_destroy(struct alerts *al)
{
	if (al == NULL) {
		return;
	}
	for (size_t i = 0; i < al->n; i++) {
		node_free(al->v[i].root);
	}
	for (size_t i = 0; i < al->n_fired; i++) {
		free(al->fired[i].values);
	}
	free(al->fired);
	free(al->v);
	free(al);
}

const char *alerts_source(const struct alerts *al, size_t i)
{
	return al->v[i].src;
}

size_t alerts_count(const struct alerts *al)
{
	return al->n;
}

const int *alerts_metrics(const struct alerts *al, size_t i, size_t *n)
{
	*n = al->v[i].n_metrics;
	return al->v[i].metrics;
}

/* ---- evaluation ---- */

static bool operand(struct tv_agg *a, struct tv_agg_group *g, const struct operand *o, double *v)
{
	if (o->metric < 0) {
		*v = o->num;
		return true;
	}
	return tv_metric_value(a, g, (size_t)o->metric, v);
}

static bool holds(struct tv_agg *a, struct tv_agg_group *g, const struct node *n)
{
	double l, r;

	switch (n->kind) {
	case N_OR:
		return holds(a, g, n->a) || holds(a, g, n->b);
	case N_AND:
		return holds(a, g, n->a) && holds(a, g, n->b);
	case N_NOT:
		return !holds(a, g, n->a);
	default:
		break;
	}
	if (!operand(a, g, &n->l, &l) || !operand(a, g, &n->r, &r)) {
		return false;
	}
	switch (n->op) {
	case OP_GT:
		return l > r;
	case OP_GE:
		return l >= r;
	case OP_LT:
		return l < r;
	case OP_LE:
		return l <= r;
	case OP_EQ:
		return l == r;
	default:
		return l != r;
	}
}

/* "metric = value, ..." of the metrics @e reads */
static char *values_text(struct tv_agg *a, struct tv_agg_group *g, const struct expr *e)
{
	struct tv_strbuf b;
	double v;

	tv_strbuf_init(&b);
	for (size_t i = 0; i < e->n_metrics; i++) {
		const char *name = tv_metric_get((size_t)e->metrics[i])->name;

		if (tv_metric_value(a, g, (size_t)e->metrics[i], &v)) {
			tv_strbuf_printf(&b, "%s%s = %.10g", i ? ", " : "", name, v);
		} else {
			tv_strbuf_printf(&b, "%s%s = none", i ? ", " : "", name);
		}
	}
	return tv_strbuf_steal(&b);
}

static int fire(struct alerts *al, struct tv_agg *a, struct tv_agg_group *g, size_t i)
{
	struct fired *f;

	if (al->n_fired == al->cap_fired) {
		size_t c = al->cap_fired ? al->cap_fired * 2 : 8;

		f = realloc(al->fired, c * sizeof(*f));
		if (f == NULL) {
			return -ENOMEM;
		}
		al->fired = f;
		al->cap_fired = c;
	}
	f = &al->fired[al->n_fired];
	*f = (struct fired){ .expr = i, .group = g == tv_agg_total(a) ? NULL : g };
	f->values = values_text(a, g, &al->v[i]);
	if (f->values == NULL) {
		return -ENOMEM;
	}
	al->n_fired++;
	return 0;
}

int alerts_eval(struct alerts *al, struct tv_agg *a, const struct fired **fired, size_t *n)
{
	size_t n_groups;
	struct tv_agg_group **groups = tv_agg_groups(a, &n_groups);
	int r = 0;

	for (size_t i = 0; r == 0 && i < al->n; i++) {
		if (holds(a, tv_agg_total(a), al->v[i].root)) {
			r = fire(al, a, tv_agg_total(a), i);
		}
		for (size_t k = 0; r == 0 && k < n_groups; k++) {
			if (holds(a, groups[k], al->v[i].root)) {
				r = fire(al, a, groups[k], i);
			}
		}
	}
	*fired = al->fired;
	*n = al->n_fired;
	return r;
}
