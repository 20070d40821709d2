/* SPDX-License-Identifier: MIT */
/*
 * tv_tmpl_int: what the parts of the template engine share.  Not for use
 * outside libcommon, except by the unit tests.
 *
 * The parts, each calling only parts listed above it:
 *   tv_tmpl_lex.c     the placeholder language: the text between {{ and }}
 *                     becomes a struct tmpl_expr (a path and filters)
 *   tv_tmpl_parse.c   the template text becomes a struct tv_tmpl: libyaml's
 *                     document plus one struct tmpl_node per node (its
 *                     placeholders, a mapping's _if/_each/_value), checked
 *   tv_tmpl_value.c   what a placeholder gives (struct tmpl_val): its type,
 *                     truth and text
 *   tv_tmpl_eval.c    a placeholder evaluated against the roots: the path
 *                     looked up, then the filters applied
 *   tv_tmpl_emit.c    the output (struct tmpl_out): events for libyaml's
 *                     emitter, or the JSON writer; knows no template
 *   tv_tmpl_render.c  the walk over the template: _if, _each, _value, omit,
 *                     keys, lists and mappings; tv_tmpl_render()
 */
#ifndef TV_TMPL_INT_H
#define TV_TMPL_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <yaml.h>

#include "libcommon/core/tv_error.h"
#include "libcommon/core/tv_strbuf.h"
#include "libcommon/json/tv_json.h"
#include "libcommon/json/tv_jw.h"
#include "libcommon/tmpl/tv_tmpl.h"

#define TMPL_MAX_VISITS 1000000 /* nodes checked, or rendered per call: stops alias bombs */
#define TMPL_MAX_LOOPS 16	/* nested _each */

/* ---- tv_tmpl_lex.c: placeholders ---- */

/* one step of a path: .key or ["key"] (key set), or [index] (key NULL) */
struct tmpl_step {
	char *key;
	size_t index;
};

struct tmpl_path {
	char *root;
	struct tmpl_step *steps;
	size_t n;
};

enum tmpl_lit_kind {
	TMPL_LIT_NULL,
	TMPL_LIT_BOOL,
	TMPL_LIT_INT,
	TMPL_LIT_DOUBLE,
	TMPL_LIT_STR,
	TMPL_LIT_LIST,
	TMPL_LIT_MAP
};

/* a literal written in a placeholder: default's value, join's separator */
struct tmpl_lit {
	enum tmpl_lit_kind kind;
	bool b;
	int64_t i;
	double d;
	char *s;
	size_t n;
};

enum tmpl_fkind {
	TMPL_F_FIRST,
	TMPL_F_LAST,
	TMPL_F_JSON,
	TMPL_F_TRUNCATE,
	TMPL_F_DEFAULT,
	TMPL_F_OMIT,
	TMPL_F_JOIN,
	TMPL_F_LENGTH
};

struct tmpl_filter {
	enum tmpl_fkind kind;
	size_t n;		/* truncate */
	struct tmpl_lit lit;	/* default (unless path), join */
	struct tmpl_path *path; /* default PATH */
};

/* one placeholder: `path | filter ...`; owns everything it points to */
struct tmpl_expr {
	char *text; /* as written, for messages */
	struct tmpl_path path;
	struct tmpl_filter *f;
	size_t nf;
	bool lenient; /* has default or omit: an absent member is no error */
	bool omit;
	unsigned long line;
};

/** tmpl_word_is: true when the @n bytes at @s are the word @w. */
bool tmpl_word_is(const char *s, size_t n, const char *w);

/**
 * tmpl_expr_parse: compile the placeholder text @s (@n bytes, without the
 * braces) found on line @line of the template @tname.
 * @out: set on success; free with tmpl_expr_destroy().
 * Returns: 0, -TV_EPARSE with @err set ("{{text}}: why" at @tname:@line),
 * or -ENOMEM (@err not set).
 */
int tmpl_expr_parse(const char *s, size_t n, unsigned long line, const char *tname,
		    struct tmpl_expr **out, struct tv_error *err);

/** tmpl_expr_destroy: free @e; @e may be NULL. */
void tmpl_expr_destroy(struct tmpl_expr *e);

/**
 * tmpl_placeholder_end: where the placeholder whose text starts at @p
 * (after its "{{") ends: its "}}", outside "strings"; NULL if none before
 * @end.
 */
const char *tmpl_placeholder_end(const char *p, const char *end);

/* ---- tv_tmpl_parse.c: the compiled template ---- */

enum tmpl_role {
	TMPL_R_PLAIN,  /* no placeholder */
	TMPL_R_TEXT,   /* text with placeholders */
	TMPL_R_SINGLE, /* exactly one placeholder (a scalar, or unquoted {{x}}) */
};

/* a piece of a TMPL_R_TEXT scalar: literal text, or a placeholder */
struct tmpl_seg {
	char *text; /* literal text, or NULL for the placeholder */
	size_t len;
	struct tmpl_expr *ex;
};

/* what compiling found in one node of the document */
struct tmpl_node {
	enum tmpl_role role;
	struct tmpl_seg *segs; /* TMPL_R_TEXT */
	size_t n_segs;
	struct tmpl_expr *ex; /* TMPL_R_SINGLE */
	char *lit;	      /* TMPL_R_PLAIN with \{{ escapes: the text to write */
	size_t lit_len;
	int if_id, each_id, value_id; /* a mapping's special keys: their values */
	bool special;		      /* a key scalar that is _if, _each or _value */
};

struct tv_tmpl {
	char *name;
	yaml_document_t doc;
	struct tmpl_node *info; /* indexed by node id - 1 */
	size_t n;
	size_t max_out; /* tv_tmpl_set_max_output(); 0: no limit */
};

/** tmpl_yaml_node: the document's node @id (1 is the root). */
yaml_node_t *tmpl_yaml_node(const struct tv_tmpl *t, int id);

/** tmpl_node: what compiling found in the node @id. */
struct tmpl_node *tmpl_node(const struct tv_tmpl *t, int id);

/* ---- tv_tmpl_value.c: what a placeholder gives ---- */

enum tmpl_vkind {
	TMPL_V_ABSENT,
	TMPL_V_NULL,
	TMPL_V_BOOL,
	TMPL_V_INT,
	TMPL_V_DOUBLE,
	TMPL_V_STR,
	TMPL_V_JV,
	TMPL_V_LIST0,
	TMPL_V_MAP0
};

struct tmpl_val {
	enum tmpl_vkind k;
	bool b;
	int64_t i;
	double d;
	const char *s;
	size_t n;
	struct tv_jv jv; /* TMPL_V_JV: an array or object */
	char *owned;	 /* a string this value owns */
};

/** tmpl_val_free: free the string @v owns (the value stays readable as its kind). */
void tmpl_val_free(struct tmpl_val *v);

/** tmpl_val_from_jv: @v is @jv (borrowed: strings and containers point into it). */
void tmpl_val_from_jv(const struct tv_jv *jv, struct tmpl_val *v);

/** tmpl_val_from_lit: @v is the literal @l (borrowed). */
void tmpl_val_from_lit(const struct tmpl_lit *l, struct tmpl_val *v);

/** tmpl_val_empty: true for absent, null, "", [] and {}. */
bool tmpl_val_empty(const struct tmpl_val *v);

/** tmpl_val_truthy: false for false, 0 and what tmpl_val_empty() calls empty. */
bool tmpl_val_truthy(const struct tmpl_val *v);

/**
 * tmpl_val_text: append @v as text to @b: a string as it is (as a JSON
 * string with @json), null as "" ("null" with @json), the rest as JSON.
 * Returns: 0 or -ENOMEM.
 */
int tmpl_val_text(const struct tmpl_val *v, struct tv_strbuf *b, bool json);

/**
 * tmpl_jv_deeper: true when @jv nests more than @levels lists and mappings
 * (a scalar nests none, [] and [1] one, [[1]] two).  Recurses at most
 * @levels + 1 deep.
 */
bool tmpl_jv_deeper(const struct tv_jv *jv, int levels);

/* ---- tv_tmpl_eval.c: placeholders against the roots ---- */

/* what a placeholder can see; `items` are the elements _each binds */
struct tmpl_scope {
	const char *name; /* the template's, for messages */
	const struct tv_tmpl_var *vars;
	size_t n_vars;
	struct tv_jv items[TMPL_MAX_LOOPS];
	size_t n_items;
	struct tv_error *err;
};

/**
 * tmpl_eval: the value of the placeholder @e in @sc.
 * @v: set on success; tmpl_val_free() it.
 * Returns: 0, or -TV_ETYPE or -ENOMEM with @sc->err set (@v freed).
 */
int tmpl_eval(struct tmpl_scope *sc, const struct tmpl_expr *e, struct tmpl_val *v);

/**
 * tmpl_expr_error: set @sc->err to "{{text}}: message" at the template's
 * line of @e, with the code @code.  Returns: @code.
 */
int tmpl_expr_error(struct tmpl_scope *sc, const struct tmpl_expr *e, int code, const char *fmt,
		    ...) __attribute__((format(printf, 4, 5)));

/* ---- tv_tmpl_emit.c: the output ---- */

/*
 * YAML through libyaml's emitter (em_live), or JSON through jw (json).
 * Lists and mappings nest at most TV_TMPL_MAX_DEPTH deep: opening one more,
 * or writing a value that would, is -TV_EDEPTH, with no message (the
 * caller knows the line).
 */
struct tmpl_out {
	bool json;
	struct tv_jw jw;
	yaml_emitter_t em;
	bool em_live;
	int depth;		  /* lists and mappings open */
	struct tv_strbuf scratch; /* minified JSON values */
	const char *name;	  /* the template's, for messages */
	struct tv_error *err;
};

/** tmpl_out_init: an output for the template @name, reporting to @err. */
void tmpl_out_init(struct tmpl_out *o, const char *name, struct tv_error *err);

/**
 * tmpl_out_begin: start writing to @out in @mode (for YAML: the stream,
 * the document and, for TV_TMPL_LIST_ITEM, the list around the item).
 * Returns: 0 or a negative code (-ENOMEM without a message when the
 * emitter cannot be made).
 */
int tmpl_out_begin(struct tmpl_out *o, enum tv_tmpl_mode mode, struct tv_strbuf *out);

/** tmpl_out_end: close what tmpl_out_begin() opened, flush.  Returns: 0 or a negative code. */
int tmpl_out_end(struct tmpl_out *o, enum tv_tmpl_mode mode);

/** tmpl_out_finish: free what @o holds (after tmpl_out_end() or an error). */
void tmpl_out_finish(struct tmpl_out *o);

int tmpl_out_seq_begin(struct tmpl_out *o, yaml_sequence_style_t style);
int tmpl_out_seq_end(struct tmpl_out *o);
int tmpl_out_map_begin(struct tmpl_out *o, yaml_mapping_style_t style);
int tmpl_out_map_end(struct tmpl_out *o);

/**
 * tmpl_out_literal: a template scalar as written, in its @style.  In JSON
 * a plain one is typed the way YAML reads it (null, bool, number) when
 * @typed, else a string.
 */
int tmpl_out_literal(struct tmpl_out *o, const char *s, size_t n, yaml_scalar_style_t style,
		     bool typed);

/**
 * tmpl_out_string: the string @s, quoted where it would read back as
 * another type; @hint, a quoted style, is kept when the text allows it.
 */
int tmpl_out_string(struct tmpl_out *o, const char *s, size_t n, yaml_scalar_style_t hint);

/**
 * tmpl_out_key: a mapping key: as written in @style when @as_written,
 * else as tmpl_out_string() writes it (a JSON key in either case).
 */
int tmpl_out_key(struct tmpl_out *o, const char *s, size_t n, yaml_scalar_style_t style,
		 bool as_written);

/** tmpl_out_val: the value @v with its own type (lists and mappings whole). */
int tmpl_out_val(struct tmpl_out *o, const struct tmpl_val *v);

#endif
