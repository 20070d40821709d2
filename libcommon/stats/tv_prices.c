// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "libcommon/core/tv_yaml_depth.h"
#include "libcommon/core/tv_strbuf.h"
#include "libcommon/core/tv_time.h"
#include "libcommon/stats/tv_prices.h"

/* no real price is near this; a typo (a price per token, per thousand) is caught */
#define MAX_PRICE 100000.0

struct ctx {
	yaml_document_t *doc;
	const char *file;
	struct tv_error *err;
	struct tv_prices *p;
};

static int fail(struct ctx *c, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct ctx *c, const yaml_node_t *n, const char *fmt, ...)
{
	char msg[TV_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return tv_error_set(c->err, -TV_EPARSE, c->file, n ? (uint64_t)n->start_mark.line + 1 : 0,
			    "%s", msg);
}

/* YYYY-MM-DD with a month and a day that exist */
static bool valid_date(const char *s)
{
	unsigned y = 0, m, d;
	static const unsigned mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-') {
		return false;
	}
	for (int i = 0; i < 10; i++) {
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) {
			return false;
		}
	}
	for (int i = 0; i < 4; i++) {
		y = y * 10 + (unsigned)(s[i] - '0');
	}
	m = (unsigned)(s[5] - '0') * 10 + (unsigned)(s[6] - '0');
	d = (unsigned)(s[8] - '0') * 10 + (unsigned)(s[9] - '0');
	return y > 0 && m >= 1 && m <= 12 && d >= 1 && d <= mdays[m - 1];
}

static const char *scalar(const yaml_node_t *n)
{
	if (n == NULL || n->type != YAML_SCALAR_NODE) {
		return NULL;
	}
	return (const char *)n->data.scalar.value;
}

static yaml_node_t *node(struct ctx *c, int i)
{
	return yaml_document_get_node(c->doc, i);
}

static int get_price(struct ctx *c, yaml_node_t *n, const char *what, double *out)
{
	const char *s = scalar(n);

	if (s == NULL || tv_parse_double(s, strlen(s), out) < 0 || !(*out >= 0) ||
	    *out > MAX_PRICE) {
		return fail(c, n, "%s: a price in dollars per million tokens (0 to 100000)", what);
	}
	return 0;
}

static int price_field(struct ctx *c, struct tv_price *p, yaml_node_t *k, yaml_node_t *v)
{
	const char *name = scalar(k);

	if (name && strcmp(name, "input") == 0) {
		return get_price(c, v, "input", &p->input);
	}
	if (name && strcmp(name, "output") == 0) {
		return get_price(c, v, "output", &p->output);
	}
	if (name && strcmp(name, "cached_input") == 0) {
		return get_price(c, v, "cached_input", &p->cached_input);
	}
	return fail(c, k, "unknown price '%s' (input, output, cached_input)", name ? name : "?");
}

static int one_model(struct ctx *c, yaml_node_t *k, yaml_node_t *v)
{
	struct tv_price *p = &c->p->v[c->p->n];
	const char *name = scalar(k);
	yaml_node_pair_t *pr;
	int e = 0;

	if (name == NULL || name[0] == '\0' || v->type != YAML_MAPPING_NODE) {
		return fail(c, k, "a model is a name with {input, output, cached_input}");
	}
	*p = (struct tv_price){ .input = NAN, .output = NAN, .cached_input = NAN };
	for (pr = v->data.mapping.pairs.start; e == 0 && pr < v->data.mapping.pairs.top; pr++) {
		e = price_field(c, p, node(c, pr->key), node(c, pr->value));
	}
	if (e == 0 && (isnan(p->input) || isnan(p->output))) {
		e = fail(c, k, "model '%s' needs an input and an output price", name);
	}
	if (e < 0) {
		return e;
	}
	if (isnan(p->cached_input)) {
		p->cached_input = p->input;
	}
	for (size_t i = 0; i < c->p->n; i++) {
		if (strcmp(c->p->v[i].model, name) == 0) {
			return fail(c, k, "model '%s' is listed twice", name);
		}
	}
	p->model = strdup(name);
	if (p->model == NULL) {
		return -ENOMEM;
	}
	c->p->n++;
	return 0;
}

static int sec_models(struct ctx *c, yaml_node_t *n)
{
	size_t count;
	yaml_node_pair_t *pr;
	int e = 0;

	if (n->type != YAML_MAPPING_NODE) {
		return fail(c, n, "models: a mapping of model names to prices");
	}
	count = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
	c->p->v = calloc(count ? count : 1, sizeof(*c->p->v));
	if (c->p->v == NULL) {
		return -ENOMEM;
	}
	for (pr = n->data.mapping.pairs.start; e == 0 && pr < n->data.mapping.pairs.top; pr++) {
		e = one_model(c, node(c, pr->key), node(c, pr->value));
	}
	return e;
}

static int top_str(struct ctx *c, yaml_node_t *v, const char *what, char **out)
{
	const char *s = scalar(v);

	if (s == NULL || s[0] == '\0' || *out) {
		return fail(c, v, "%s: one non-empty text", what);
	}
	*out = strdup(s);
	return *out ? 0 : -ENOMEM;
}

static int section(struct ctx *c, yaml_node_t *k, yaml_node_t *v)
{
	const char *name = scalar(k);

	if (name && strcmp(name, "date") == 0) {
		int e = top_str(c, v, "date", &c->p->date);

		if (e == 0 && !valid_date(c->p->date)) {
			e = fail(c, v, "date: YYYY-MM-DD, the day the prices were read");
		}
		return e;
	}
	if (name && strcmp(name, "source") == 0) {
		return top_str(c, v, "source", &c->p->source);
	}
	if (name && strcmp(name, "currency") == 0) {
		const char *s = scalar(v);

		return s && strcmp(s, "USD") == 0 ? 0 : fail(c, v, "currency: only USD");
	}
	if (name && strcmp(name, "models") == 0 && c->p->v == NULL) {
		return sec_models(c, v);
	}
	return fail(c, k, "unknown or repeated key '%s' (date, source, currency, models)",
		    name ? name : "?");
}

static int walk(struct ctx *c)
{
	yaml_node_t *root = yaml_document_get_root_node(c->doc);
	yaml_node_pair_t *pr;
	int e = 0;

	if (root == NULL || root->type != YAML_MAPPING_NODE) {
		return fail(c, root, "a price table is a mapping: date, source, models");
	}
	for (pr = root->data.mapping.pairs.start; e == 0 && pr < root->data.mapping.pairs.top;
	     pr++) {
		e = section(c, node(c, pr->key), node(c, pr->value));
	}
	if (e == 0 && (c->p->date == NULL || c->p->source == NULL || c->p->v == NULL)) {
		e = fail(c, root, "a price table needs a date, a source and models");
	}
	return e;
}

static int load_doc(const char *file, FILE *f, struct tv_prices *p, struct tv_error *err)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	struct ctx c = { &doc, file, err, p };
	int e;

	if (!yaml_parser_initialize(&parser)) {
		return -ENOMEM;
	}
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &doc)) {
		e = tv_error_set(err, -TV_EPARSE, file, (uint64_t)parser.problem_mark.line + 1,
				 "bad YAML: %s", parser.problem ? parser.problem : "error");
		yaml_parser_delete(&parser);
		return e;
	}
	e = walk(&c);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return e;
}

int tv_prices_load(const char *file, struct tv_prices **out, struct tv_error *err)
{
	struct tv_prices *p = calloc(1, sizeof(*p));
	FILE *f;
	int e;

	if (p == NULL) {
		return -ENOMEM;
	}
	f = fopen(file, "rb");
	if (f == NULL) {
		e = -errno;
		free(p);
		return tv_error_set(err, e, file, 0, "cannot open the price table: %s",
				    strerror(-e));
	}
	e = tv_yaml_check_depth(f, file, TV_PRICES_MAX_DEPTH, err);
	if (e == 0) {
		e = load_doc(file, f, p, err);
	}
	fclose(f);
	if (e < 0) {
		tv_prices_destroy(p);
		return e;
	}
	*out = p;
	return 0;
}

void tv_prices_destroy(struct tv_prices *p)
{
	if (p == NULL) {
		return;
	}
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].model);
	}
	free(p->v);
	free(p->date);
	free(p->source);
	free(p);
}

const struct tv_price *tv_prices_find(const struct tv_prices *p, const char *model, size_t n)
{
	const struct tv_price *best = NULL;
	size_t best_len = 0;

	for (size_t i = 0; i < p->n; i++) {
		const char *m = p->v[i].model;
		size_t len = strlen(m);

		if (len == n && memcmp(m, model, n) == 0) {
			return &p->v[i];
		}
		if (len > 0 && m[len - 1] == '*' && len - 1 <= n &&
		    memcmp(m, model, len - 1) == 0 && (best == NULL || len > best_len)) {
			best = &p->v[i];
			best_len = len;
		}
	}
	return best;
}

static double pos(int64_t v)
{
	return v > 0 ? (double)v : 0;
}

int64_t tv_price_nano(const struct tv_price *p, int64_t input, int64_t cached, int64_t output,
		      int64_t thinking)
{
	double in = pos(input), ca = fmin(pos(cached), in);
	/* dollars per million tokens = nanodollars per thousandth of a token: * 1e3 */
	double nano = ((in - ca) * p->input + ca * p->cached_input +
		       (pos(output) + pos(thinking)) * p->output) *
		      1e3;

	/* token counts past any real bill (a hostile file) cost the most there is */
	if (!(nano < 9223372036854775807.0)) {
		return INT64_MAX;
	}
	return (int64_t)llround(nano);
}
