// SPDX-License-Identifier: MIT
/*
 * tv_tmpl_render: the walk over a compiled template.  Every list item,
 * mapping value and the root is a slot: its _if may drop it, its _value
 * stands for it, an `omit` placeholder that comes out empty drops it; a
 * list item with _each is repeated for every element of its list.  What
 * remains goes to the output (tv_tmpl_emit.c) node by node, placeholders
 * evaluated by tv_tmpl_eval.c.
 */
#include <errno.h>
#include <string.h>

#include <yaml.h>

#include "libcommon/tmpl/tv_tmpl_int.h"

struct rctx {
	const struct tv_tmpl *t;
	struct tmpl_scope sc;
	struct tmpl_out out;
	size_t visits;
	const struct tv_strbuf *buf; /* the output, and its length before */
	size_t orig;
};

/* a node in a list item, mapping value or the root, after _if/_value/omit */
struct slot {
	int id;
	bool has_val;
	struct tmpl_val v;
};

static int render_node(struct rctx *r, int id);

/* the text of a scalar with placeholders, appended to @b */
static int text_of(struct rctx *r, const struct tmpl_node *in, struct tv_strbuf *b)
{
	struct tmpl_val v;
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < in->n_segs; i++) {
		if (in->segs[i].ex == NULL) {
			rc = tv_strbuf_append(b, in->segs[i].text, in->segs[i].len);
			continue;
		}
		rc = tmpl_eval(&r->sc, in->segs[i].ex, &v);
		if (rc == 0) {
			rc = tmpl_val_text(&v, b, false);
			tmpl_val_free(&v);
		}
	}
	return rc;
}

/* a scalar with placeholders, as a key or as a string */
static int out_text(struct rctx *r, const yaml_node_t *node, const struct tmpl_node *in, bool key)
{
	struct tv_strbuf b;
	int rc;

	tv_strbuf_init(&b);
	rc = text_of(r, in, &b);
	if (rc == 0 && key) {
		rc = tmpl_out_key(&r->out, b.p ? b.p : "", b.len, node->data.scalar.style, false);
	} else if (rc == 0) {
		rc = tmpl_out_string(&r->out, b.p ? b.p : "", b.len, node->data.scalar.style);
	}
	tv_strbuf_finish(&b);
	return rc;
}

/* a scalar without placeholders, as written (\{{ escapes resolved) */
static int out_literal(struct rctx *r, const yaml_node_t *node, const struct tmpl_node *in,
		       bool key)
{
	const char *s = in->lit ? in->lit : (const char *)node->data.scalar.value;
	size_t n = in->lit ? in->lit_len : node->data.scalar.length;
	yaml_scalar_style_t st = node->data.scalar.style;

	if (key) {
		return tmpl_out_key(&r->out, s, n, st, true);
	}
	return tmpl_out_literal(&r->out, s, n, st, in->lit == NULL);
}

/* ---- slots ---- */

/* the _if whose value is the node @if_id: 0 (true), 1 (false) or an error */
static int eval_if(struct rctx *r, int if_id)
{
	struct tmpl_val cond;
	bool truthy;
	int rc;

	rc = tmpl_eval(&r->sc, tmpl_node(r->t, if_id)->ex, &cond);
	if (rc < 0) {
		return rc;
	}
	truthy = tmpl_val_truthy(&cond);
	tmpl_val_free(&cond);
	return truthy ? 0 : 1;
}

/* what the node *@id stands for after its _if and _value: 0, 1 (dropped) or an error */
static int follow_value(struct rctx *r, int *id)
{
	const struct tmpl_node *in = tmpl_node(r->t, *id);
	const yaml_node_t *node = tmpl_yaml_node(r->t, *id);
	int rc, hops = 0;

	while (node->type == YAML_MAPPING_NODE && in->role != TMPL_R_SINGLE) {
		if (in->if_id) {
			rc = eval_if(r, in->if_id);
			if (rc != 0) {
				return rc;
			}
		}
		if (in->value_id == 0 || ++hops > TV_TMPL_MAX_DEPTH) {
			break;
		}
		*id = in->value_id;
		in = tmpl_node(r->t, *id);
		node = tmpl_yaml_node(r->t, *id);
	}
	return 0;
}

/* Returns 0 (ready: emit with slot_emit), 1 (dropped) or a negative error. */
static int slot_prepare(struct rctx *r, int id, struct slot *s)
{
	const struct tmpl_node *in;
	int rc;

	memset(s, 0, sizeof(*s));
	rc = follow_value(r, &id);
	if (rc != 0) {
		return rc;
	}
	s->id = id;
	in = tmpl_node(r->t, id);
	if (in->role != TMPL_R_SINGLE) {
		return 0;
	}
	rc = tmpl_eval(&r->sc, in->ex, &s->v);
	if (rc < 0) {
		return rc;
	}
	s->has_val = true;
	if (in->ex->omit && tmpl_val_empty(&s->v)) {
		tmpl_val_free(&s->v);
		return 1;
	}
	return 0;
}

/* the value of the placeholder @e with its own type, if the output has room for it */
static int out_value(struct rctx *r, const struct tmpl_expr *e, const struct tmpl_val *v)
{
	int rc = tmpl_out_val(&r->out, v);

	if (rc == -TV_EDEPTH) {
		return tmpl_expr_error(&r->sc, e, rc,
				       "the value nests too deep: the output would have more "
				       "than %d levels of lists and mappings",
				       TV_TMPL_MAX_DEPTH);
	}
	return rc;
}

static int slot_emit(struct rctx *r, struct slot *s)
{
	int rc;

	if (!s->has_val) {
		return render_node(r, s->id);
	}
	rc = out_value(r, tmpl_node(r->t, s->id)->ex, &s->v);
	tmpl_val_free(&s->v);
	return rc;
}

static int render_item(struct rctx *r, int id)
{
	struct slot s;
	int rc = slot_prepare(r, id, &s);

	if (rc != 0) {
		return rc < 0 ? rc : 0;
	}
	return slot_emit(r, &s);
}

static int render_each(struct rctx *r, int id)
{
	const struct tmpl_expr *e = tmpl_node(r->t, tmpl_node(r->t, id)->each_id)->ex;
	struct tv_jiter it;
	struct tv_jv el;
	const char *k;
	size_t kn;
	struct tmpl_val list;
	int rc;

	rc = tmpl_eval(&r->sc, e, &list);
	if (rc < 0) {
		return rc;
	}
	if (tmpl_val_empty(&list) && list.k != TMPL_V_JV) {
		tmpl_val_free(&list);
		return 0;
	}
	if (list.k != TMPL_V_JV || tv_jv_type(&list.jv) != TV_J_ARRAY) {
		tmpl_val_free(&list);
		return tmpl_expr_error(&r->sc, e, -TV_ETYPE, "_each needs a list");
	}
	if (r->sc.n_items == TMPL_MAX_LOOPS) {
		return tmpl_expr_error(&r->sc, e, -TV_ETYPE, "_each nested too deep");
	}
	tv_jv_iter_init(&list.jv, &it);
	while (tv_jv_iter_next(&it, &k, &kn, &el)) {
		r->sc.items[r->sc.n_items++] = el;
		rc = render_item(r, id);
		r->sc.n_items--;
		if (rc < 0) {
			return rc;
		}
	}
	return 0;
}

/* ---- keys, lists, mappings ---- */

/* a key that is one placeholder: its value, which must be a scalar, as text */
static int render_key_value(struct rctx *r, const struct tmpl_expr *ex)
{
	struct tv_strbuf b;
	struct tmpl_val v;
	int rc;

	rc = tmpl_eval(&r->sc, ex, &v);
	if (rc < 0) {
		return rc;
	}
	if (v.k == TMPL_V_JV || v.k == TMPL_V_LIST0 || v.k == TMPL_V_MAP0) {
		tmpl_val_free(&v);
		return tmpl_expr_error(&r->sc, ex, -TV_ETYPE, "a key must be a scalar");
	}
	tv_strbuf_init(&b);
	rc = tmpl_val_text(&v, &b, false);
	tmpl_val_free(&v);
	if (rc == 0) {
		rc = tmpl_out_key(&r->out, b.p ? b.p : "", b.len, YAML_ANY_SCALAR_STYLE, false);
	}
	tv_strbuf_finish(&b);
	return rc;
}

static int render_key(struct rctx *r, int id)
{
	const yaml_node_t *node = tmpl_yaml_node(r->t, id);
	const struct tmpl_node *in = tmpl_node(r->t, id);

	if (in->role == TMPL_R_PLAIN && node->type == YAML_SCALAR_NODE) {
		return out_literal(r, node, in, true);
	}
	if (in->role == TMPL_R_TEXT) {
		return out_text(r, node, in, true);
	}
	return render_key_value(r, in->ex);
}

static int render_seq(struct rctx *r, const yaml_node_t *node)
{
	int rc;

	rc = tmpl_out_seq_begin(&r->out, node->data.sequence.style);
	for (yaml_node_item_t *it = node->data.sequence.items.start;
	     rc == 0 && it < node->data.sequence.items.top; it++) {
		const struct tmpl_node *in = tmpl_node(r->t, *it);

		if (tmpl_yaml_node(r->t, *it)->type == YAML_MAPPING_NODE && in->each_id &&
		    in->role != TMPL_R_SINGLE) {
			rc = render_each(r, *it);
		} else {
			rc = render_item(r, *it);
		}
	}
	if (rc < 0) {
		return rc;
	}
	return tmpl_out_seq_end(&r->out);
}

/* one pair of a mapping, unless its value is dropped */
static int render_pair(struct rctx *r, const yaml_node_pair_t *p)
{
	struct slot s;
	int rc;

	if (tmpl_node(r->t, p->key)->special) {
		return 0;
	}
	rc = slot_prepare(r, p->value, &s);
	if (rc != 0) {
		return rc < 0 ? rc : 0;
	}
	rc = render_key(r, p->key);
	if (rc < 0) {
		if (s.has_val) {
			tmpl_val_free(&s.v);
		}
		return rc;
	}
	return slot_emit(r, &s);
}

static int render_map(struct rctx *r, const yaml_node_t *node)
{
	int rc;

	rc = tmpl_out_map_begin(&r->out, node->data.mapping.style);
	for (yaml_node_pair_t *p = node->data.mapping.pairs.start;
	     rc == 0 && p < node->data.mapping.pairs.top; p++) {
		rc = render_pair(r, p);
	}
	if (rc < 0) {
		return rc;
	}
	return tmpl_out_map_end(&r->out);
}

/* a node that is exactly one placeholder: its value */
static int render_single(struct rctx *r, const struct tmpl_node *in)
{
	struct tmpl_val v;
	int rc;

	rc = tmpl_eval(&r->sc, in->ex, &v);
	if (rc == 0) {
		rc = out_value(r, in->ex, &v);
		tmpl_val_free(&v);
	}
	return rc;
}

/* the output has passed the template's max_out: say so (at @line) */
static bool too_big(struct rctx *r, size_t line)
{
	if (r->t->max_out == 0 || r->buf->len - r->orig <= r->t->max_out) {
		return false;
	}
	tv_error_set(r->sc.err, -TV_ETOOBIG, r->t->name, line, "output larger than %zu bytes",
		     r->t->max_out);
	return true;
}

static int render_node(struct rctx *r, int id)
{
	const yaml_node_t *node = tmpl_yaml_node(r->t, id);
	const struct tmpl_node *in = tmpl_node(r->t, id);
	int rc;

	/* the nesting is bounded: tv_tmpl_parse() checked it */
	if (++r->visits > TMPL_MAX_VISITS) {
		return tv_error_set(r->sc.err, -TV_ETYPE, r->t->name, node->start_mark.line + 1,
				    "template expands too much (more than %d nodes)",
				    TMPL_MAX_VISITS);
	}
	if (too_big(r, node->start_mark.line + 1)) {
		return -TV_ETOOBIG;
	}
	if (in->role == TMPL_R_SINGLE) {
		return render_single(r, in);
	}
	switch (node->type) {
	case YAML_SCALAR_NODE:
		if (in->role == TMPL_R_TEXT) {
			rc = out_text(r, node, in, false);
		} else {
			rc = out_literal(r, node, in, false);
		}
		break;
	case YAML_SEQUENCE_NODE:
		rc = render_seq(r, node);
		break;
	case YAML_MAPPING_NODE:
		rc = render_map(r, node);
		break;
	default:
		rc = 0;
		break;
	}
	return rc;
}

/* the root slot, between the output's beginning and end */
static int render_root(struct rctx *r, struct slot *root, enum tv_tmpl_mode mode,
		       struct tv_strbuf *out)
{
	int rc = tmpl_out_begin(&r->out, mode, out);

	if (rc < 0) {
		if (root->has_val) {
			tmpl_val_free(&root->v);
		}
		return rc;
	}
	rc = slot_emit(r, root);
	if (rc == 0) {
		rc = tmpl_out_end(&r->out, mode);
	}
	if (rc == 0 && too_big(r, 0)) {
		rc = -TV_ETOOBIG;
	}
	return rc;
}

int tv_tmpl_render(const struct tv_tmpl *t, const struct tv_tmpl_var *vars, size_t n_vars,
		   enum tv_tmpl_mode mode, struct tv_strbuf *out, struct tv_error *err)
{
	struct rctx r = { .t = t, .buf = out, .orig = out->len };
	size_t orig = out->len;
	struct slot root;
	int rc;

	r.sc = (struct tmpl_scope){ .name = t->name, .vars = vars, .n_vars = n_vars, .err = err };
	tmpl_out_init(&r.out, t->name, err);
	rc = slot_prepare(&r, 1, &root);
	if (rc == 0) {
		rc = render_root(&r, &root, mode, out);
	}
	tmpl_out_finish(&r.out);
	if (rc != 0) {
		out->len = orig;
		if (out->p) {
			out->p[orig] = '\0';
		}
	}
	if (rc == 1) {
		return TV_TMPL_SKIPPED;
	}
	return rc;
}
