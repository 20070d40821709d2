/* SPDX-License-Identifier: MIT */
/*
 * tv_tmpl: YAML templates rendered through libyaml's emitter.
 *
 * A template is one YAML document.  Its scalars may hold placeholders,
 * `{{path | filter ...}}`, that name values of a context: a few named
 * roots, each a JSON value (struct tv_jv, e.g. the simdjson DOM of a
 * canonical session line, or of a small JSON text the caller computed).
 *
 *   path     ROOT ( .NAME | [N] | ["any key"] )*   e.g. turn.prompt,
 *            session.turns[0].output, session.metadata["host.name"]
 *   filters  first, last          an array's first/last element
 *            json                 the value as compact JSON text
 *            truncate N           at most N characters (a cut string ends in "…")
 *            default X            X (a literal "text", number, true, false,
 *                                 null, [] or {}, or a path) when the value is
 *                                 absent, null or ""
 *            omit                 drop the mapping entry or list item when the
 *                                 value is absent, null, "", [] or {}
 *            join "SEP"           an array's elements joined into text
 *            length               the number of elements or characters
 *
 * A scalar that is exactly one placeholder takes the value's own type (a
 * list stays a list, a number a number); placeholders inside text are
 * rendered as text.  `{{x}}` may be written unquoted (YAML reads it as a
 * flow mapping, which is recognised); `\{{` stands for a literal `{{`.
 *
 * Three mapping keys steer the rendering:
 *   _if: "{{path}}"     drop this mapping (from its list, its parent
 *                       mapping, or the whole output) unless the value is
 *                       truthy: not absent, null, false, 0, "", [] or {}
 *   _each: "{{path}}"   in a list item: one item per element of the list,
 *                       each rendered with the element bound to `item`
 *   _value: NODE        the mapping stands for NODE (rendered), so a list
 *                       item made by _each can be a scalar
 *
 * Lookups are strict: a member that is absent is an error (naming the
 * template, line and placeholder) unless a `default` or `omit` filter
 * follows; a path through null gives null.  Tags in templates are ignored.
 *
 * Output is emitted by libyaml, so it is valid YAML whatever the values
 * hold; strings that would read back as another type (true, 1.5, null,
 * 2024-01-01, ...) are quoted, multi-line text uses literal blocks when
 * that keeps the text exact, and the same context always gives the same
 * bytes.  The same tree can also be written as one line of JSON.
 *
 * Nesting is limited: a template nests at most TV_TMPL_MAX_DEPTH lists and
 * mappings as written (an unquoted {{x}} is a scalar; an alias counts as
 * the node it names, where it is used), and so does its output: a value
 * placed inside N lists and mappings may nest at most TV_TMPL_MAX_DEPTH - N
 * more.  Deeper is an error naming the template file and line (of the node
 * or of the placeholder), never a deep recursion.
 *
 * The engine's parts are described in tv_tmpl_int.h.
 */
#ifndef TV_TMPL_H
#define TV_TMPL_H

#include <stddef.h>

#include "libcommon/core/tv_error.h"
#include "libcommon/json/tv_json.h"
#include "libcommon/core/tv_strbuf.h"

/* the most lists and mappings a template, or what it renders, may nest */
#define TV_TMPL_MAX_DEPTH 64

/* the most bytes one tv_tmpl_render() call may append, unless changed with
 * tv_tmpl_set_max_output(): nested _each over long lists, and values as
 * large as a session, would otherwise let the output grow without bound */
#define TV_TMPL_MAX_OUTPUT ((size_t)64 << 20)

/* tv_tmpl_render() result: the root's _if was false, nothing was written */
#define TV_TMPL_SKIPPED 1

enum tv_tmpl_mode {
	TV_TMPL_DOCUMENT,   /* one YAML document without markers */
	TV_TMPL_STREAM_DOC, /* a document starting with "---" (for a stream) */
	TV_TMPL_LIST_ITEM,  /* a one-item block list ("- ..."): concatenated
				   renders form one list */
	TV_TMPL_JSON_LINE,  /* the same tree as one line of JSON and '\n' */
};

/* one root of the context: `name` in paths; the value is borrowed */
struct tv_tmpl_var {
	const char *name;
	struct tv_jv value;
};

struct tv_tmpl;

/**
 * tv_tmpl_parse: compile the template text @text (@len bytes).
 * @name: names the template in error messages (e.g. its file name).
 * @out: set on success; free with tv_tmpl_destroy().
 * @err: on failure, the message with @name as file and the line.
 * Returns: 0, -TV_EPARSE (bad YAML, more than one document, a bad
 * placeholder, nested deeper than TV_TMPL_MAX_DEPTH, aliases expanding too
 * much) or -ENOMEM.
 */
int tv_tmpl_parse(const char *name, const char *text, size_t len, struct tv_tmpl **out,
		  struct tv_error *err);

/**
 * tv_tmpl_load: read and compile the template file @path.
 * Returns: 0, -errno when it cannot be read, or as tv_tmpl_parse().
 */
int tv_tmpl_load(const char *path, struct tv_tmpl **out, struct tv_error *err);

/** tv_tmpl_destroy: free @t; @t may be NULL. */
void tv_tmpl_destroy(struct tv_tmpl *t);

/**
 * tv_tmpl_set_max_output: the most bytes one tv_tmpl_render() of @t may
 * append (TV_TMPL_MAX_OUTPUT until set; 0: no limit).
 */
void tv_tmpl_set_max_output(struct tv_tmpl *t, size_t max);

/** tv_tmpl_name: the name given when @t was compiled (borrowed). */
const char *tv_tmpl_name(const struct tv_tmpl *t);

/**
 * tv_tmpl_render: render @t against the roots @vars (@n_vars of them) and
 * append the result to @out in @mode.
 * Returns: 0, TV_TMPL_SKIPPED when the root's _if is false (nothing
 * appended), or a negative code with @err set (file and line of the
 * template, the placeholder in the message; @out is left as it was):
 * -TV_ETYPE for a lookup or type error, -TV_EDEPTH when a value would
 * nest the output deeper than TV_TMPL_MAX_DEPTH, -TV_ETOOBIG when the
 * output would pass the limit of tv_tmpl_set_max_output() (found as it
 * grows, one node at a time: it passes the limit by at most a node's
 * value), -ENOMEM.
 */
int tv_tmpl_render(const struct tv_tmpl *t, const struct tv_tmpl_var *vars, size_t n_vars,
		   enum tv_tmpl_mode mode, struct tv_strbuf *out, struct tv_error *err);

#endif
