/* SPDX-License-Identifier: MIT */
/*
 * tv_expr: the --where expression language over canonical sessions.
 *
 *   expr   := or
 *   or     := and { ("||" | "or") and }
 *   and    := unary { ("&&" | "and") unary }
 *   unary  := ("!" | "not") unary | cmp
 *   cmp    := operand [ op operand | ["not"] "in" list ]
 *   op     := "==" | "!=" | "<" | "<=" | ">" | ">=" | "=~" | "!~"
 *   operand:= NUMBER [unit] | STRING | "true" | "false" | "null" | list
 *            | path | FUNC "(" path ")" | "(" expr ")"
 *   path   := NAME { "." (NAME | STRING) }
 *   list   := "[" [ operand { "," operand } ] "]"
 *   FUNC   := max | min | sum | avg | count
 *   unit   := ms | s | m | h | d | w          (a duration, in milliseconds)
 *
 * A path names session members (`usage.input_tokens`, `metadata.user_id`)
 * or computed fields: `llm_calls`, `tool_calls` (all turns' calls),
 * `prompt` (first turn's), `output` (last turn's), `errors` (llm calls
 * with status error or timeout).  A path through arrays yields every
 * element, and a comparison holds if it holds for any of them; an array
 * compared with a number compares its length (`turns > 1`).  Timestamps
 * compare as times (`start_time >= "2025-07-01"`).  `=~` is a PCRE2
 * regular expression (JIT-compiled) on the right-hand string.  Unknown
 * fields are compile errors.
 *
 * Expressions are evaluated on the simdjson DOM of a canonical session
 * line, so a kept line can be written unchanged.
 */
#ifndef TV_EXPR_H
#define TV_EXPR_H

#include <stdbool.h>
#include <stddef.h>

#include "libcommon/json/tv_json.h"

struct tv_expr;

/*
 * The most '(' and '!' (or `not`) open at one place in an expression: the
 * parser and the evaluator recurse on them, so the limit bounds the stack
 * they use.  A deeper expression is a compile error at the token that goes
 * one level too deep.  Chains of one operator (`a || b || c ...`) are not
 * nested and have no limit.
 */
#define TV_EXPR_MAX_DEPTH 256

/**
 * tv_expr_compile: compile @src.  Returns 0 and *@out (free with
 * tv_expr_destroy()), or -TV_EPARSE with @why (a buffer of @whylen bytes)
 * describing the error and *@col its 0-based byte column in @src.
 */
int tv_expr_compile(const char *src, struct tv_expr **out, size_t *col, char *why, size_t whylen);
/** tv_expr_destroy: @e may be NULL. */
void tv_expr_destroy(struct tv_expr *e);

/** tv_expr_eval: true if @session (a canonical session object) satisfies @e. */
bool tv_expr_eval(struct tv_expr *e, const struct tv_jv *session);

/**
 * tv_expr_path_compile: compile a bare path (for --per FIELD), checked
 * against the schema like paths in expressions.  Same returns as
 * tv_expr_compile.
 */
int tv_expr_path_compile(const char *src, struct tv_expr **out, size_t *col, char *why,
			 size_t whylen);

/**
 * tv_expr_path_values: call @fn with the text of each value the path yields
 * in @session (array elements one by one): strings as they are (unquoted),
 * numbers in %.17g, true/false, null for a missing member, "{...}" for an
 * object.  Returns 0 or the first non-zero @fn result.
 */
int tv_expr_path_values(struct tv_expr *e, const struct tv_jv *session,
			int (*fn)(void *udata, const char *json, size_t n), void *udata);

#endif
