// SPDX-License-Identifier: MIT
/*
 * tv_expr_int: what the --where compiler (tv_expr.c) and its evaluator
 * (tv_expr_eval.c) share: tokens, the tree, and the values a path yields.
 * Private to libcommon/expr.  A tree is owned by its struct tv_expr and
 * freed by tv_expr_destroy(); evaluation borrows it (and its scratch).
 */
#ifndef TV_EXPR_INT_H
#define TV_EXPR_INT_H

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pcre2.h>

#include "libcommon/core/tv_strbuf.h"

/* ---- tokens ---- */

enum tok {
	T_EOF,
	T_LP,
	T_RP,
	T_LB,
	T_RB,
	T_COMMA,
	T_DOT,
	T_NOT,
	T_AND,
	T_OR,
	T_EQ,
	T_NE,
	T_LT,
	T_LE,
	T_GT,
	T_GE,
	T_MATCH,
	T_NMATCH,
	T_IN,
	T_NUM,
	T_STR,
	T_NAME,
	T_TRUE,
	T_FALSE,
	T_NULL,
};

struct token {
	enum tok t;
	size_t pos;
	double num;
	char *str; /* T_STR, T_NAME: owned */
	size_t len;
};

/* ---- the tree ---- */

enum ntype {
	N_OR,
	N_AND,
	N_NOT,
	N_CMP,
	N_IN,
	N_MATCH,
	N_LIT,
	N_PATH,
	N_AGG,
	N_LIST
};
enum lit {
	L_NULL,
	L_BOOL,
	L_NUM,
	L_STR
};
enum comp {
	C_NONE,
	C_PROMPT,
	C_OUTPUT,
	C_ERRORS
};
enum agg {
	F_MAX,
	F_MIN,
	F_SUM,
	F_AVG,
	F_COUNT
};

enum akind {
	A_NULL,
	A_BOOL,
	A_NUM,
	A_STR,
	A_OBJ
};

struct atom {
	enum akind k;
	bool b;
	double num;
	const char *s;
	size_t n;
};

struct vals {
	struct atom *v;
	size_t n, cap;
	bool counted; /* the path ended on arrays: count = their total length */
	int64_t count;
	bool time; /* values are timestamps */
};

struct node {
	enum ntype type;
	size_t pos; /* where it starts in the source, for messages */
	enum tok op;
	struct node *a, *b;
	/* literal */
	enum lit lit;
	double num;
	bool bval;
	char *s;
	size_t slen;
	bool has_time;
	int64_t time_ns;
	/* path */
	char **seg;
	size_t nseg;
	enum comp comp;
	bool time_field;
	bool array_field; /* the path ends on a schema array: none is a count of 0 */
	/* aggregate */
	enum agg fn;
	/* list */
	struct node **items;
	size_t nitems;
	/* regex */
	pcre2_code *re;
	pcre2_match_data *md;
	/* evaluation scratch */
	struct vals buf;
};

struct tv_expr {
	struct node *root;
	struct tv_strbuf tmp;
};

#endif
