/* SPDX-License-Identifier: MIT */
/*
 * tool_where: the session selection the tools share: --where expressions
 * (tv_expr.h), ANDed, and the shorthands that become expressions (--since,
 * --until, --model, ...), their compilation with a caret under a bad
 * column, and their evaluation on a canonical session object.
 */
#ifndef TOOL_WHERE_H
#define TOOL_WHERE_H

#include <stdbool.h>
#include <stddef.h>

#include "libcommon/expr/tv_expr.h"
#include "libcommon/json/tv_json.h"

struct tool_where {
	const char **expr; /* the expressions, ANDed (borrowed or in owned) */
	size_t n;
	char **owned; /* expressions built from shorthands */
	size_t n_owned;
	struct tv_expr **compiled; /* after tool_where_compile() */
	size_t n_compiled;
};

/** tool_where_add: add the expression @expr (borrowed: it must outlive @w).  0 or -ENOMEM. */
int tool_where_add(struct tool_where *w, const char *expr);

/**
 * tool_where_shorthand: add the expression @fmt with every %s replaced by
 * @arg as an expression string literal (null when @arg is NULL), and every
 * %r by a literal of a pattern that matches @arg as one element of a ", "
 * list (as source.service lists a trace's services).  0 or -ENOMEM.
 */
int tool_where_shorthand(struct tool_where *w, const char *fmt, const char *arg);

/**
 * tool_where_time: --since/--until (@opt): @arg is an RFC 3339 time, a
 * date (YYYY-MM-DD) or a duration before now (7d, 24h); added as @fmt with
 * the time (start_time >= %s).  Returns 0, or 2 after reporting a usage error.
 */
int tool_where_time(struct tool_where *w, const char *opt, const char *arg, const char *fmt);

/**
 * tool_expr_error: report that @src does not compile (@why) with a caret
 * under byte @col, counted in characters on screen; a long expression is
 * shown as a window around the column.  Returns 2, the usage error status.
 */
int tool_expr_error(const char *src, size_t col, const char *why);

/** tool_where_compile: compile every expression.  0, 1 (out of memory) or 2, reported. */
int tool_where_compile(struct tool_where *w);

/** tool_where_eval: true when @session satisfies every compiled expression. */
bool tool_where_eval(const struct tool_where *w, const struct tv_jv *session);

/** tool_where_free: free what @w holds (@w may then be reused zeroed). */
void tool_where_free(struct tool_where *w);

#endif
