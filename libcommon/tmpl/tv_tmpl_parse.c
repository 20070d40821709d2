// SPDX-License-Identifier: MIT
/*
 * tv_tmpl_parse: the template text becomes a struct tv_tmpl.
 *
 * The template stays a libyaml document (yaml_parser_load); compiling adds
 * one struct tmpl_node per node: a scalar's placeholders (tv_tmpl_lex.c),
 * a mapping's _if/_each/_value, an unquoted {{x}} (which YAML reads as a
 * flow mapping) recognised.  Then the tree is checked: where _each may be,
 * what _if and _each hold, how deep it nests (TV_TMPL_MAX_DEPTH, checked
 * before libyaml builds the document too) and how far aliases expand.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yaml.h>

#include "libcommon/tmpl/tv_tmpl_int.h"

#define TEMPLATE_MAX (16u << 20)

yaml_node_t *tmpl_yaml_node(const struct tv_tmpl *t, int id)
{
	return yaml_document_get_node((yaml_document_t *)&t->doc, id);
}

struct tmpl_node *tmpl_node(const struct tv_tmpl *t, int id)
{
	return &t->info[id - 1];
}

static void node_finish(struct tmpl_node *in)
{
	for (size_t i = 0; i < in->n_segs; i++) {
		free(in->segs[i].text);
		tmpl_expr_destroy(in->segs[i].ex);
	}
	free(in->segs);
	tmpl_expr_destroy(in->ex);
	free(in->lit);
}

void tv_tmpl_destroy(struct tv_tmpl *t)
{
	if (t == NULL) {
		return;
	}
	for (size_t i = 0; i < t->n; i++) {
		node_finish(&t->info[i]);
	}
	free(t->info);
	yaml_document_delete(&t->doc);
	free(t->name);
	free(t);
}

void tv_tmpl_set_max_output(struct tv_tmpl *t, size_t max)
{
	t->max_out = max;
}

const char *tv_tmpl_name(const struct tv_tmpl *t)
{
	return t->name;
}

/* ---- scalars: text and placeholders ---- */

static int seg_push(struct tmpl_node *in, char *text, size_t len, struct tmpl_expr *ex)
{
	struct tmpl_seg *v = realloc(in->segs, (in->n_segs + 1) * sizeof(*v));

	if (v == NULL) {
		free(text);
		tmpl_expr_destroy(ex);
		return -ENOMEM;
	}
	in->segs = v;
	in->segs[in->n_segs++] = (struct tmpl_seg){ .text = text, .len = len, .ex = ex };
	return 0;
}

static int flush_text(struct tmpl_node *in, struct tv_strbuf *b)
{
	size_t len = b->len;
	char *s;

	if (len == 0) {
		return 0;
	}
	s = tv_strbuf_steal(b);
	if (s == NULL) {
		return -ENOMEM;
	}
	return seg_push(in, s, len, NULL);
}

/* the template line of the byte @off of the scalar @node */
static unsigned long scalar_line(const yaml_node_t *node, const char *s, size_t off)
{
	unsigned long line = node->start_mark.line + 1;
	yaml_scalar_style_t st = node->data.scalar.style;

	if (st == YAML_LITERAL_SCALAR_STYLE || st == YAML_FOLDED_SCALAR_STYLE) {
		line++;
		for (size_t i = 0; i < off; i++) {
			line += s[i] == '\n';
		}
	}
	return line;
}

/* the placeholder at byte *@i (its "{{"): the text before it and itself as segments */
static int scan_placeholder(struct tv_tmpl *t, const yaml_node_t *node, struct tmpl_node *in,
			    struct tv_strbuf *b, size_t *i, struct tv_error *err)
{
	const char *s = (const char *)node->data.scalar.value;
	size_t n = node->data.scalar.length;
	const char *e = tmpl_placeholder_end(s + *i + 2, s + n);
	struct tmpl_expr *ex;
	int r;

	if (e == NULL) {
		return tv_error_set(err, -TV_EPARSE, t->name, scalar_line(node, s, *i),
				    "unterminated placeholder %.*s",
				    (int)(n - *i > 40 ? 40 : n - *i), s + *i);
	}
	r = flush_text(in, b);
	if (r == 0) {
		r = tmpl_expr_parse(s + *i + 2, (size_t)(e - (s + *i + 2)),
				    scalar_line(node, s, *i), t->name, &ex, err);
	}
	if (r == 0) {
		r = seg_push(in, NULL, 0, ex);
	}
	*i = (size_t)(e - s) + 2;
	return r;
}

/* after the scan: the role of @in, the text left in @b (taken) */
static int scan_finish(struct tmpl_node *in, struct tv_strbuf *b, bool escaped)
{
	int r;

	if (in->n_segs == 0) {
		/* no placeholder: keep the text when \{{ changed it */
		if (escaped) {
			in->lit_len = b->len;
			in->lit = tv_strbuf_steal(b);
			return in->lit ? 0 : -ENOMEM;
		}
		return 0;
	}
	r = flush_text(in, b);
	if (r < 0) {
		return r;
	}
	if (in->n_segs == 1 && in->segs[0].ex) {
		in->role = TMPL_R_SINGLE;
		in->ex = in->segs[0].ex;
		free(in->segs);
		in->segs = NULL;
		in->n_segs = 0;
	} else {
		in->role = TMPL_R_TEXT;
	}
	return 0;
}

static int scan_scalar(struct tv_tmpl *t, yaml_node_t *node, struct tmpl_node *in,
		       struct tv_error *err)
{
	const char *s = (const char *)node->data.scalar.value;
	size_t n = node->data.scalar.length, i = 0;
	struct tv_strbuf b;
	bool escaped = false;
	int r = 0;

	if (memchr(s, '{', n) == NULL) {
		return 0;
	}
	tv_strbuf_init(&b);
	while (i < n && r == 0) {
		if (s[i] == '\\' && i + 2 < n && s[i + 1] == '{' && s[i + 2] == '{') {
			tv_strbuf_append(&b, "{{", 2);
			escaped = true;
			i += 3;
		} else if (s[i] == '{' && i + 1 < n && s[i + 1] == '{') {
			r = scan_placeholder(t, node, in, &b, &i, err);
		} else {
			tv_strbuf_putc(&b, s[i++]);
		}
	}
	if (r == 0) {
		r = scan_finish(in, &b, escaped);
	}
	tv_strbuf_finish(&b);
	return r;
}

/* ---- mappings: an unquoted {{x}}, the special keys ---- */

static bool plain_empty(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE && n->data.scalar.length == 0 &&
	       n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

/* a flow mapping of one pair whose value is empty: its key, else NULL */
static const yaml_node_t *flow_single_key(const struct tv_tmpl *t, const yaml_node_t *node)
{
	const yaml_node_pair_t *p;

	if (node == NULL || node->type != YAML_MAPPING_NODE ||
	    node->data.mapping.style != YAML_FLOW_MAPPING_STYLE ||
	    node->data.mapping.pairs.top - node->data.mapping.pairs.start != 1) {
		return NULL;
	}
	p = node->data.mapping.pairs.start;
	if (!plain_empty(tmpl_yaml_node(t, p->value))) {
		return NULL;
	}
	return tmpl_yaml_node(t, p->key);
}

/* `{{x}}` unquoted reads as {{x: null}: null}: the text of x, or NULL */
static const yaml_node_t *unquoted_placeholder(const struct tv_tmpl *t, const yaml_node_t *node)
{
	const yaml_node_t *inner_k = flow_single_key(t, flow_single_key(t, node));

	if (inner_k == NULL || inner_k->type != YAML_SCALAR_NODE ||
	    inner_k->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) {
		return NULL;
	}
	return inner_k;
}

enum special {
	S_NONE,
	S_IF,
	S_EACH,
	S_VALUE
};

static enum special special_key(const yaml_node_t *k)
{
	const char *s;
	size_t n;

	if (k == NULL || k->type != YAML_SCALAR_NODE) {
		return S_NONE;
	}
	s = (const char *)k->data.scalar.value;
	n = k->data.scalar.length;
	if (tmpl_word_is(s, n, "_if")) {
		return S_IF;
	}
	if (tmpl_word_is(s, n, "_each")) {
		return S_EACH;
	}
	if (tmpl_word_is(s, n, "_value")) {
		return S_VALUE;
	}
	return S_NONE;
}

/* one pair of a mapping: its key must be a scalar; note a special key's value */
static int compile_pair(struct tv_tmpl *t, struct tmpl_node *in, const yaml_node_pair_t *p,
			struct tv_error *err)
{
	static const char *const names[] = { "", "_if", "_each", "_value" };
	yaml_node_t *k = tmpl_yaml_node(t, p->key);
	enum special sk = special_key(k);
	int *slot;

	if (k->type != YAML_SCALAR_NODE && unquoted_placeholder(t, k) == NULL) {
		return tv_error_set(err, -TV_EPARSE, t->name, k->start_mark.line + 1,
				    "mapping keys must be scalars");
	}
	if (sk == S_NONE) {
		return 0;
	}
	slot = sk == S_IF ? &in->if_id : sk == S_EACH ? &in->each_id : &in->value_id;
	if (*slot) {
		return tv_error_set(err, -TV_EPARSE, t->name, k->start_mark.line + 1,
				    "%s given twice", names[sk]);
	}
	*slot = p->value;
	tmpl_node(t, p->key)->special = true;
	return 0;
}

static int compile_mapping(struct tv_tmpl *t, int id, struct tv_error *err)
{
	yaml_node_t *node = tmpl_yaml_node(t, id);
	struct tmpl_node *in = tmpl_node(t, id);
	const yaml_node_t *ph = unquoted_placeholder(t, node);
	int r;

	if (ph) {
		in->role = TMPL_R_SINGLE;
		return tmpl_expr_parse((const char *)ph->data.scalar.value, ph->data.scalar.length,
				       node->start_mark.line + 1, t->name, &in->ex, err);
	}
	for (yaml_node_pair_t *p = node->data.mapping.pairs.start; p < node->data.mapping.pairs.top;
	     p++) {
		r = compile_pair(t, in, p, err);
		if (r < 0) {
			return r;
		}
	}
	return 0;
}

/* ---- checks that need the tree ---- */

static int too_deep(const struct tv_tmpl *t, unsigned long line, struct tv_error *err)
{
	return tv_error_set(err, -TV_EPARSE, t->name, line,
			    "template nested too deep: more than %d levels of lists and mappings",
			    TV_TMPL_MAX_DEPTH);
}

/* where a node is: _each only in a list item */
enum place {
	P_ROOT,
	P_ITEM,
	P_VALUE
};

struct check {
	struct tv_tmpl *t;
	size_t visits;
	struct tv_error *err;
};

static int check_node(struct check *c, int id, enum place where, int depth);

static int check_items(struct check *c, const yaml_node_t *node, int depth)
{
	int r;

	for (yaml_node_item_t *it = node->data.sequence.items.start;
	     it < node->data.sequence.items.top; it++) {
		r = check_node(c, *it, P_ITEM, depth + 1);
		if (r < 0) {
			return r;
		}
	}
	return 0;
}

/* _each only in a list item; _if and _each take one placeholder */
static int check_specials(struct check *c, const struct tmpl_node *in, enum place where,
			  unsigned long line)
{
	const char *why = NULL;

	if (in->each_id && where != P_ITEM) {
		why = "_each is only allowed in a list item";
	} else if (in->if_id && tmpl_node(c->t, in->if_id)->role != TMPL_R_SINGLE) {
		why = "_if needs one placeholder, like \"{{x}}\"";
	} else if (in->each_id && tmpl_node(c->t, in->each_id)->role != TMPL_R_SINGLE) {
		why = "_each needs one placeholder, like \"{{x}}\"";
	}
	if (why) {
		return tv_error_set(c->err, -TV_EPARSE, c->t->name, line, "%s", why);
	}
	return 0;
}

/* a mapping's values; its _value stands where the mapping is */
static int check_pairs(struct check *c, const yaml_node_t *node, const struct tmpl_node *in,
		       enum place where, int depth)
{
	int r;

	for (yaml_node_pair_t *p = node->data.mapping.pairs.start; p < node->data.mapping.pairs.top;
	     p++) {
		if (!tmpl_node(c->t, p->key)->special) {
			r = check_node(c, p->value, P_VALUE, depth + 1);
		} else if (p->value == in->value_id) {
			r = check_node(c, p->value, where, depth + 1);
		} else {
			r = 0;
		}
		if (r < 0) {
			return r;
		}
	}
	return 0;
}

/* @depth: the lists and mappings around the node, as written (through aliases) */
static int check_node(struct check *c, int id, enum place where, int depth)
{
	const yaml_node_t *node = tmpl_yaml_node(c->t, id);
	const struct tmpl_node *in = tmpl_node(c->t, id);
	unsigned long line = node->start_mark.line + 1;
	bool nests = node->type == YAML_SEQUENCE_NODE ||
		     (node->type == YAML_MAPPING_NODE && in->role != TMPL_R_SINGLE);
	int r;

	if (nests && depth >= TV_TMPL_MAX_DEPTH) {
		return too_deep(c->t, line, c->err);
	}
	if (++c->visits > TMPL_MAX_VISITS) {
		return tv_error_set(c->err, -TV_EPARSE, c->t->name, line,
				    "template expands too much (aliases?)");
	}
	if (node->type == YAML_SEQUENCE_NODE) {
		return check_items(c, node, depth);
	}
	if (node->type != YAML_MAPPING_NODE || in->role == TMPL_R_SINGLE) {
		return 0;
	}
	r = check_specials(c, in, where, line);
	if (r < 0) {
		return r;
	}
	return check_pairs(c, node, in, where, depth);
}

static int compile(struct tv_tmpl *t, struct tv_error *err)
{
	struct check c = { .t = t, .err = err };
	int r;

	t->n = (size_t)(t->doc.nodes.top - t->doc.nodes.start);
	t->info = calloc(t->n ? t->n : 1, sizeof(*t->info));
	if (t->info == NULL) {
		return -ENOMEM;
	}
	for (size_t i = 0; i < t->n; i++) {
		yaml_node_t *node = &t->doc.nodes.start[i];

		r = 0;
		if (node->type == YAML_SCALAR_NODE) {
			r = scan_scalar(t, node, &t->info[i], err);
		} else if (node->type == YAML_MAPPING_NODE) {
			r = compile_mapping(t, (int)i + 1, err);
		}
		if (r < 0) {
			return r;
		}
	}
	return check_node(&c, 1, P_ROOT, 0);
}

/* ---- loading ---- */

/*
 * Before libyaml builds the document: stop at the first list or mapping
 * nested too deep, as libyaml's scanner slows down with every level of a
 * flow collection.  An unquoted {{x}} is two flow mappings: two levels more
 * are let through for it, and check_node() counts exactly.  Past them, the
 * list or mapping one level too deep is a real one: its line is reported.
 * Syntax errors are left to load_doc(), which reports them.
 */
static int check_nesting(struct tv_tmpl *t, const char *text, size_t len, struct tv_error *err)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	unsigned long line = 0; /* of the last list or mapping one level too deep */
	int depth = 0, r = 0;
	bool end = false;

	if (!yaml_parser_initialize(&parser)) {
		return -ENOMEM;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	while (r == 0 && !end && yaml_parser_parse(&parser, &ev)) {
		if (ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_MAPPING_START_EVENT) {
			if (++depth == TV_TMPL_MAX_DEPTH + 1) {
				line = ev.start_mark.line + 1;
			}
		} else if (ev.type == YAML_SEQUENCE_END_EVENT ||
			   ev.type == YAML_MAPPING_END_EVENT) {
			depth--;
		}
		if (depth > TV_TMPL_MAX_DEPTH + 2) {
			r = too_deep(t, line, err);
		}
		end = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	return r;
}

/* after the document: nothing but the end of the stream */
static int load_rest(struct tv_tmpl *t, yaml_parser_t *parser, struct tv_error *err)
{
	yaml_document_t extra;
	int r = 0;

	if (!yaml_parser_load(parser, &extra)) {
		return tv_error_set(err, -TV_EPARSE, t->name, parser->problem_mark.line + 1, "%s",
				    parser->problem ? parser->problem : "bad YAML");
	}
	if (yaml_document_get_root_node(&extra) != NULL) {
		r = tv_error_set(err, -TV_EPARSE, t->name, extra.start_mark.line + 1,
				 "a template is one YAML document, this has more");
	}
	yaml_document_delete(&extra);
	return r;
}

static int load_doc(struct tv_tmpl *t, const char *text, size_t len, struct tv_error *err)
{
	yaml_parser_t parser;
	int r = 0;

	if (!yaml_parser_initialize(&parser)) {
		return -ENOMEM;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &t->doc)) {
		/* libyaml leaves some allocation failures unnamed: no error is one */
		r = parser.error == YAML_MEMORY_ERROR || parser.error == YAML_NO_ERROR ? -ENOMEM
										       : -TV_EPARSE;
		tv_error_set(err, r, t->name, parser.problem_mark.line + 1, "%s%s%s",
			     parser.problem ? parser.problem : "bad YAML",
			     parser.context ? " " : "", parser.context ? parser.context : "");
		yaml_parser_delete(&parser);
		memset(&t->doc, 0, sizeof(t->doc));
		return r;
	}
	if (yaml_document_get_root_node(&t->doc) == NULL) {
		r = tv_error_set(err, -TV_EPARSE, t->name, 1, "the template is empty");
	} else {
		r = load_rest(t, &parser, err);
	}
	yaml_parser_delete(&parser);
	return r;
}

int tv_tmpl_parse(const char *name, const char *text, size_t len, struct tv_tmpl **out,
		  struct tv_error *err)
{
	struct tv_tmpl *t = calloc(1, sizeof(*t));
	int r;

	if (t == NULL) {
		return -ENOMEM;
	}
	t->max_out = TV_TMPL_MAX_OUTPUT;
	t->name = strdup(name ? name : "template");
	if (t->name == NULL) {
		free(t);
		return -ENOMEM;
	}
	r = check_nesting(t, text, len, err);
	if (r == 0) {
		r = load_doc(t, text, len, err);
	}
	if (r == 0) {
		r = compile(t, err);
	}
	if (r < 0) {
		if (r == -ENOMEM) {
			tv_error_set(err, r, name, 0, "out of memory");
		}
		tv_tmpl_destroy(t);
		return r;
	}
	*out = t;
	return 0;
}

/* the whole of @fd into @b; -TV_ETOOBIG past TEMPLATE_MAX, or -errno */
static int read_all(int fd, struct tv_strbuf *b)
{
	char buf[65536];
	ssize_t n;

	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0) {
			return -errno;
		}
		if (n == 0) {
			return 0;
		}
		if (b->len + (size_t)n > TEMPLATE_MAX || tv_strbuf_append(b, buf, (size_t)n) < 0) {
			return -TV_ETOOBIG;
		}
	}
}

int tv_tmpl_load(const char *path, struct tv_tmpl **out, struct tv_error *err)
{
	struct tv_strbuf b;
	int fd, r;

	fd = open(path, O_RDONLY);
	if (fd < 0) {
		r = -errno;
		return tv_error_set(err, r, path, 0, "cannot open: %s", strerror(-r));
	}
	tv_strbuf_init(&b);
	r = read_all(fd, &b);
	close(fd);
	if (r == -TV_ETOOBIG) {
		tv_strbuf_finish(&b);
		return tv_error_set(err, r, path, 0, "template too large");
	}
	if (r < 0) {
		tv_strbuf_finish(&b);
		return tv_error_set(err, r, path, 0, "read error: %s", strerror(-r));
	}
	r = tv_tmpl_parse(path, b.p ? b.p : "", b.len, out, err);
	tv_strbuf_finish(&b);
	return r;
}
