// SPDX-License-Identifier: MIT
/*
 * tv_pii_policy: read a tv_pii policy file (the format is described at the
 * top of tv_pii.c and in docs/policy.md) into a struct pii_policy.  This
 * file only checks the YAML shape and the scalar values; tv_pii.c compiles
 * the patterns and matches rule names, with the lines recorded here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "libcommon/core/tv_yaml_depth.h"
#include "libcommon/pii/tv_pii_int.h"

struct ctx {
	yaml_document_t *doc;
	const char *file;
	struct tv_error *err;
	struct pii_policy *pol;
};

static uint64_t line_of(const yaml_node_t *n)
{
	return (uint64_t)n->start_mark.line + 1;
}

static int fail(struct ctx *c, const yaml_node_t *n, const char *what, const char *arg)
{
	return tv_error_set(c->err, -TV_EPARSE, c->file, n ? line_of(n) : 0, "%s%s%s%s", what,
			    arg ? " '" : "", arg ? arg : "", arg ? "'" : "");
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

bool pii_op_parse(const char *s, enum tv_pii_op *op)
{
	static const struct {
		const char *name;
		enum tv_pii_op op;
	} ops[] = {
		{ "keep", TV_PII_KEEP },	   { "redact", TV_PII_REDACT },
		{ "pseudonym", TV_PII_PSEUDONYM }, { "mask", TV_PII_MASK },
		{ "drop", TV_PII_DROP },
	};
	size_t i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (strcmp(s, ops[i].name) == 0) {
			*op = ops[i].op;
			return true;
		}
	}
	return false;
}

static int get_str(struct ctx *c, const yaml_node_t *n, const char *what, char **out)
{
	const char *s = scalar(n);

	if (s == NULL) {
		return fail(c, n, what, NULL);
	}
	free(*out);
	*out = strdup(s);
	return *out ? 0 : -ENOMEM;
}

static int get_op(struct ctx *c, const yaml_node_t *n, enum tv_pii_op *op)
{
	const char *s = scalar(n);

	if (s == NULL) {
		return fail(c, n, "op must be a string", NULL);
	}
	if (!pii_op_parse(s, op)) {
		return tv_error_set(c->err, -TV_EPARSE, c->file, line_of(n),
				    "unknown op '%s' "
				    "(expected redact, pseudonym, mask, drop or keep)",
				    s);
	}
	return 0;
}

static int get_bool(struct ctx *c, const yaml_node_t *n, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on", "True", "TRUE" };
	static const char *const no[] = { "false", "no", "off", "False", "FALSE" };
	const char *s = scalar(n);
	size_t i;

	for (i = 0; s && i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcmp(s, yes[i]) == 0 || strcmp(s, no[i]) == 0) {
			*out = strcmp(s, yes[i]) == 0;
			return 0;
		}
	}
	return fail(c, n, "expected true or false, got", s ? s : "a collection");
}

static int get_uint(struct ctx *c, const yaml_node_t *n, unsigned *out)
{
	const char *s = scalar(n);
	char *end = NULL;
	long v;

	if (s == NULL) {
		return fail(c, n, "mask_keep must be a number", NULL);
	}
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end != '\0' || v < 0 || v > 64) {
		return fail(c, n, "mask_keep must be a number from 0 to 64, not", s);
	}
	*out = (unsigned)v;
	return 0;
}

static int grow(void **v, size_t n, size_t size)
{
	void *p = realloc(*v, (n + 1) * size);

	if (p == NULL) {
		return -ENOMEM;
	}
	*v = p;
	memset((char *)p + n * size, 0, size);
	return 0;
}

/* ---- rules: {name-or-glob: {op, mask_keep, disabled}} ---- */

static int rule_field(struct ctx *c, struct pii_rule_cfg *r, const char *k, yaml_node_t *v,
		      const yaml_node_t *kn)
{
	if (strcmp(k, "op") == 0) {
		r->has_op = true;
		return get_op(c, v, &r->op);
	}
	if (strcmp(k, "mask_keep") == 0) {
		r->has_keep = true;
		return get_uint(c, v, &r->mask_keep);
	}
	if (strcmp(k, "disabled") == 0) {
		r->has_disabled = true;
		return get_bool(c, v, &r->disabled);
	}
	return fail(c, kn, "unknown rule setting", k);
}

static int one_rule(struct ctx *c, yaml_node_t *kn, yaml_node_t *vn)
{
	struct pii_policy *pol = c->pol;
	struct pii_rule_cfg *r;
	yaml_node_pair_t *pr;
	int e;

	if (scalar(kn) == NULL || vn->type != YAML_MAPPING_NODE) {
		return fail(c, kn, "a rule entry is 'name: {op: OP, mask_keep: N, disabled: BOOL}'",
			    NULL);
	}
	e = grow((void **)&pol->rules, pol->nrules, sizeof(*pol->rules));
	if (e < 0) {
		return e;
	}
	r = &pol->rules[pol->nrules++];
	r->line = line_of(kn);
	r->mask_keep = PII_MASK_KEEP_DEFAULT;
	e = get_str(c, kn, "rule name", &r->glob);
	for (pr = vn->data.mapping.pairs.start; e == 0 && pr < vn->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = node(c, pr->key);

		e = scalar(k) ? rule_field(c, r, scalar(k), node(c, pr->value), k)
			      : fail(c, k, "a rule setting name must be a string", NULL);
	}
	return e;
}

static int sec_rules(struct ctx *c, yaml_node_t *n)
{
	yaml_node_pair_t *pr;
	int e = 0;

	if (n->type != YAML_MAPPING_NODE) {
		return fail(c, n, "'rules' must be a mapping of rule names", NULL);
	}
	for (pr = n->data.mapping.pairs.start; e == 0 && pr < n->data.mapping.pairs.top; pr++) {
		e = one_rule(c, node(c, pr->key), node(c, pr->value));
	}
	return e;
}

/* ---- keys: [{match: glob, op, type, mask_keep}] ---- */

static int key_field(struct ctx *c, struct pii_key_cfg *k, const char *f, yaml_node_t *v,
		     const yaml_node_t *fn, bool *has_op)
{
	if (strcmp(f, "match") == 0) {
		const char *s = scalar(v);

		if (s != NULL && *s == '\0') {
			return fail(c, v, "match must not be empty", NULL);
		}
		return get_str(c, v, "match must be a string", &k->glob);
	}
	if (strcmp(f, "op") == 0) {
		*has_op = true;
		return get_op(c, v, &k->op);
	}
	if (strcmp(f, "type") == 0) {
		return get_str(c, v, "type must be a string", &k->type);
	}
	if (strcmp(f, "mask_keep") == 0) {
		return get_uint(c, v, &k->mask_keep);
	}
	return fail(c, fn, "unknown key-policy setting", f);
}

static int one_key(struct ctx *c, yaml_node_t *n)
{
	struct pii_policy *pol = c->pol;
	struct pii_key_cfg *k;
	yaml_node_pair_t *pr;
	bool has_op = false;
	int e;

	if (n->type != YAML_MAPPING_NODE) {
		return fail(c, n, "a key policy is '{match: GLOB, op: OP}'", NULL);
	}
	e = grow((void **)&pol->keys, pol->nkeys, sizeof(*pol->keys));
	if (e < 0) {
		return e;
	}
	k = &pol->keys[pol->nkeys++];
	k->line = line_of(n);
	k->mask_keep = PII_MASK_KEEP_DEFAULT;
	for (pr = n->data.mapping.pairs.start; e == 0 && pr < n->data.mapping.pairs.top; pr++) {
		yaml_node_t *f = node(c, pr->key);

		e = scalar(f) ? key_field(c, k, scalar(f), node(c, pr->value), f, &has_op)
			      : fail(c, f, "a key-policy setting name must be a string", NULL);
	}
	if (e == 0 && (k->glob == NULL || !has_op)) {
		e = fail(c, n, "a key policy needs both 'match' and 'op'", NULL);
	}
	return e;
}

/* ---- add_rules: [{name, pattern, type, op, mask_keep}] ---- */

static int add_field(struct ctx *c, struct pii_add_cfg *a, const char *f, yaml_node_t *v,
		     const yaml_node_t *fn)
{
	if (strcmp(f, "name") == 0) {
		return get_str(c, v, "name must be a string", &a->name);
	}
	if (strcmp(f, "pattern") == 0) {
		return get_str(c, v, "pattern must be a string", &a->pattern);
	}
	if (strcmp(f, "type") == 0) {
		return get_str(c, v, "type must be a string", &a->type);
	}
	if (strcmp(f, "op") == 0) {
		return get_op(c, v, &a->op);
	}
	if (strcmp(f, "mask_keep") == 0) {
		return get_uint(c, v, &a->mask_keep);
	}
	return fail(c, fn, "unknown add_rules setting", f);
}

static int one_add(struct ctx *c, yaml_node_t *n)
{
	struct pii_policy *pol = c->pol;
	struct pii_add_cfg *a;
	yaml_node_pair_t *pr;
	int e;

	if (n->type != YAML_MAPPING_NODE) {
		return fail(c, n, "an added rule is '{name: N, pattern: RE, type: T, op: OP}'",
			    NULL);
	}
	e = grow((void **)&pol->adds, pol->nadds, sizeof(*pol->adds));
	if (e < 0) {
		return e;
	}
	a = &pol->adds[pol->nadds++];
	a->line = line_of(n);
	a->op = TV_PII_REDACT;
	a->mask_keep = PII_MASK_KEEP_DEFAULT;
	for (pr = n->data.mapping.pairs.start; e == 0 && pr < n->data.mapping.pairs.top; pr++) {
		yaml_node_t *f = node(c, pr->key);

		e = scalar(f) ? add_field(c, a, scalar(f), node(c, pr->value), f)
			      : fail(c, f, "an add_rules setting name must be a string", NULL);
	}
	if (e == 0 && (a->name == NULL || a->pattern == NULL)) {
		e = fail(c, n, "an added rule needs 'name' and 'pattern'", NULL);
	}
	return e;
}

static int each_item(struct ctx *c, yaml_node_t *n, const char *sec,
		     int (*fn)(struct ctx *, yaml_node_t *))
{
	yaml_node_item_t *it;
	int e = 0;

	if (n->type != YAML_SEQUENCE_NODE) {
		return fail(c, n, "this section must be a list:", sec);
	}
	for (it = n->data.sequence.items.start; e == 0 && it < n->data.sequence.items.top; it++) {
		e = fn(c, node(c, *it));
	}
	return e;
}

/* ---- allow: {values: [...], patterns: [...], defaults: bool} ---- */

static int allow_value(struct ctx *c, yaml_node_t *n)
{
	struct pii_policy *pol = c->pol;
	int e = grow((void **)&pol->allow_values, pol->nallow_values, sizeof(char *));

	if (e < 0) {
		return e;
	}
	e = get_str(c, n, "an allowed value must be a string",
		    &pol->allow_values[pol->nallow_values]);
	if (e == 0) {
		pol->nallow_values++;
	}
	return e;
}

static int allow_pattern(struct ctx *c, yaml_node_t *n)
{
	struct pii_policy *pol = c->pol;
	struct pii_pat_cfg *a;
	int e = grow((void **)&pol->allow_patterns, pol->nallow_patterns, sizeof(*a));

	if (e < 0) {
		return e;
	}
	a = &pol->allow_patterns[pol->nallow_patterns];
	a->line = line_of(n);
	e = get_str(c, n, "an allowed pattern must be a string", &a->pattern);
	if (e == 0) {
		pol->nallow_patterns++;
	}
	return e;
}

static int sec_allow(struct ctx *c, yaml_node_t *n)
{
	yaml_node_pair_t *pr;
	int e = 0;

	if (n->type != YAML_MAPPING_NODE) {
		return fail(c, n, "'allow' must be a mapping with values, patterns, defaults",
			    NULL);
	}
	for (pr = n->data.mapping.pairs.start; e == 0 && pr < n->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = node(c, pr->key), *v = node(c, pr->value);
		const char *name = scalar(k);

		if (name && strcmp(name, "values") == 0) {
			e = each_item(c, v, "allow.values", allow_value);
		} else if (name && strcmp(name, "patterns") == 0) {
			e = each_item(c, v, "allow.patterns", allow_pattern);
		} else if (name && strcmp(name, "defaults") == 0) {
			e = get_bool(c, v, &c->pol->allow_defaults);
		} else {
			e = fail(c, k, "unknown allow setting", name ? name : "?");
		}
	}
	return e;
}

static int section(struct ctx *c, yaml_node_t *kn, yaml_node_t *vn)
{
	const char *k = scalar(kn);

	if (k == NULL) {
		return fail(c, kn, "a section name must be a string", NULL);
	}
	if (vn->type == YAML_SCALAR_NODE && vn->data.scalar.length == 0) {
		return 0; /* "rules:" with nothing under it */
	}
	if (strcmp(k, "rules") == 0) {
		return sec_rules(c, vn);
	}
	if (strcmp(k, "keys") == 0) {
		return each_item(c, vn, "keys", one_key);
	}
	if (strcmp(k, "add_rules") == 0) {
		return each_item(c, vn, "add_rules", one_add);
	}
	if (strcmp(k, "allow") == 0) {
		return sec_allow(c, vn);
	}
	return tv_error_set(c->err, -TV_EPARSE, c->file, line_of(kn),
			    "unknown section '%s' (expected rules, keys, add_rules or allow)", k);
}

static int walk(struct ctx *c)
{
	yaml_node_t *root = yaml_document_get_root_node(c->doc);
	yaml_node_pair_t *pr;
	int e = 0;

	if (root == NULL) {
		return 0; /* an empty file: the defaults */
	}
	if (root->type != YAML_MAPPING_NODE) {
		return fail(c, root, "a policy is a mapping (rules, keys, add_rules, allow)", NULL);
	}
	for (pr = root->data.mapping.pairs.start; e == 0 && pr < root->data.mapping.pairs.top;
	     pr++) {
		e = section(c, node(c, pr->key), node(c, pr->value));
	}
	return e;
}

static int load_doc(const char *file, FILE *f, struct pii_policy *pol, struct tv_error *err)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	struct ctx c = { &doc, file, err, pol };
	int e;

	if (!yaml_parser_initialize(&parser)) {
		return -ENOMEM;
	}
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &doc)) {
		/* libyaml leaves some allocation failures unnamed: no error is one */
		e = parser.error == YAML_MEMORY_ERROR || parser.error == YAML_NO_ERROR ? -ENOMEM
										       : -TV_EPARSE;
		e = tv_error_set(err, e, file, (uint64_t)parser.problem_mark.line + 1,
				 "bad YAML: %s%s%s", parser.problem ? parser.problem : "error",
				 parser.context ? " " : "", parser.context ? parser.context : "");
		yaml_parser_delete(&parser);
		return e;
	}
	e = walk(&c);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return e;
}

int pii_policy_load(const char *file, struct pii_policy *pol, struct tv_error *err)
{
	FILE *f;
	int e;

	memset(pol, 0, sizeof(*pol));
	pol->allow_defaults = true;
	f = fopen(file, "rb");
	if (f == NULL) {
		e = -errno;
		return tv_error_set(err, e, file, 0, "cannot open policy: %s", strerror(-e));
	}
	e = tv_yaml_check_depth(f, file, TV_PII_POLICY_MAX_DEPTH, err);
	if (e == 0) {
		e = load_doc(file, f, pol, err);
	}
	fclose(f);
	return e;
}

void pii_policy_free(struct pii_policy *pol)
{
	size_t i;

	for (i = 0; i < pol->nrules; i++) {
		free(pol->rules[i].glob);
	}
	for (i = 0; i < pol->nkeys; i++) {
		free(pol->keys[i].glob);
		free(pol->keys[i].type);
	}
	for (i = 0; i < pol->nadds; i++) {
		free(pol->adds[i].name);
		free(pol->adds[i].pattern);
		free(pol->adds[i].type);
	}
	for (i = 0; i < pol->nallow_values; i++) {
		free(pol->allow_values[i]);
	}
	for (i = 0; i < pol->nallow_patterns; i++) {
		free(pol->allow_patterns[i].pattern);
	}
	free(pol->rules);
	free(pol->keys);
	free(pol->adds);
	free(pol->allow_values);
	free(pol->allow_patterns);
	memset(pol, 0, sizeof(*pol));
}
