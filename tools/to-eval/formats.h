/* SPDX-License-Identifier: MIT */
/*
 * formats: the built-in output formats and their templates, which are
 * compiled into the program (templates.c is generated from templates/ at
 * build time) and also installed as examples to start one's own from.
 */
#ifndef TV_TO_EVAL_FORMATS_H
#define TV_TO_EVAL_FORMATS_H

#include <stddef.h>

#include "libcommon/tmpl/tv_tmpl.h"

struct builtin_template {
	const char *name; /* file name in templates/ */
	const char *text;
	size_t len;
};

/* generated: ends with a NULL name */
extern const struct builtin_template builtin_templates[];

struct format {
	const char *name;	     /* --format NAME */
	const char *task;	     /* template of one task */
	const char *suite;	     /* template of the suite file, or NULL */
	const char *suite_file;	     /* its name in DIR */
	enum tv_tmpl_mode out_mode;  /* standard output */
	enum tv_tmpl_mode file_mode; /* one file per task */
	const char *ext;	     /* task files' extension */
	const char *what;	     /* for --help */
};

/** format_find: the built-in format @name, or NULL. */
const struct format *format_find(const char *name);
/** format_list: "waza, promptfoo, ..." for messages. */
const char *format_list(void);
/** format_all: the table, ended by a NULL name. */
const struct format *format_all(void);
/** builtin_template: the embedded template file @name, or NULL. */
const struct builtin_template *builtin_template(const char *name);

#endif
