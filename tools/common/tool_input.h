/* SPDX-License-Identifier: MIT */
/*
 * tool_input: the input side every tool shares: the input options (--from,
 * --gap, --max-open, --max-record, --max-errors, --stats, --progress), their
 * --help text, and the loop that reads every FILE and DIR operand through
 * one reader context, naming each input that fails and going on.
 *
 * A tool merges the shared options into its own getopt table
 * (tool_input_options), hands each option to tool_input_parse() first, then
 * runs tool_input_start(), tool_input_read_all() and tool_input_end().
 */
#ifndef TOOL_INPUT_H
#define TOOL_INPUT_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "libcommon/read/tv_reader.h"
#include "tools/common/tool.h"

/* getopt values of the shared options; tools number their own below 0x1000 */
enum {
	TOOL_OPT_FROM = 0x1000,
	TOOL_OPT_GAP,
	TOOL_OPT_MAX_OPEN,
	TOOL_OPT_MAX_RECORD,
	TOOL_OPT_MAX_ERRORS,
	TOOL_OPT_STATS,
	TOOL_OPT_PROGRESS,
	TOOL_OPT_NO_PROGRESS,
};

/* which of the shared options a tool takes */
enum {
	TOOL_IN_FROM = 1 << 0,
	TOOL_IN_GAP = 1 << 1,
	TOOL_IN_MAX_OPEN = 1 << 2,
	TOOL_IN_MAX_RECORD = 1 << 3,
	TOOL_IN_MAX_ERRORS = 1 << 4,
	TOOL_IN_STATS = 1 << 5,
	TOOL_IN_PROGRESS = 1 << 6,
	TOOL_IN_ALL = (1 << 7) - 1,
};

struct tool_input_opts {
	const struct tv_format *from; /* NULL: detect each input */
	int64_t gap;		      /* ns; default 1h */
	size_t max_open;	      /* 0: the reader's default */
	size_t max_record;	      /* 0: the reader's default */
	uint64_t max_errors;	      /* rejected records shown; 0: all */
	bool stats;
	int progress; /* -1: when standard error is a terminal */
};

/** tool_input_defaults: the defaults of the shared options. */
void tool_input_defaults(struct tool_input_opts *o);

/**
 * tool_input_options: the getopt_long table @own (ending with a zero row)
 * followed by the shared options chosen by @which (TOOL_IN_*).
 * Returns: newly allocated; free with free().  NULL on ENOMEM.
 */
struct option *tool_input_options(const struct option *own, unsigned which);

/**
 * tool_input_parse: take option @c with @arg if it is a shared one.
 * Returns -1 when @c is not shared, 0 when taken, 2 after a usage error
 * (reported).
 */
int tool_input_parse(struct tool_input_opts *o, int c, const char *arg);

/** tool_input_help: print the --help lines of the options chosen by @which. */
void tool_input_help(unsigned which);

/* The run over all inputs: one reader context, the reports, the failures. */
struct tool_input {
	struct tool_input_opts o;
	struct tool_report rep;
	struct tv_read_ctx *ctx;
	bool failed;   /* an input could not be read (reported) */
	bool halted;   /* set by the tool: its callback failed and said why */
	bool keyed;    /* set by the tool: read keyed lines (tv_read_keyed) */
	bool progress; /* show the progress line */
	struct timespec last_progress;
	void *udata; /* the tool's, for its callbacks */
};

/**
 * tool_input_start: create the reader context of @in for @o, with @ro's
 * callbacks and @keep_events (its limits come from @o).  Returns 0, or 1
 * after reporting that memory ran out.
 */
int tool_input_start(struct tool_input *in, const struct tool_input_opts *o,
		     const struct tv_read_opts *ro);

/**
 * tool_input_read_all: read the operands (@argc of @argv; none is standard
 * input; a DIR recursively in name order), then the end of input.  An input
 * that fails is reported as `prog: FILE:LINE: message` and the rest is
 * read.  Returns 0, or a negative code that stopped the run: reported
 * unless @in->halted was set by the tool's callback.
 */
int tool_input_read_all(struct tool_input *in, int argc, char **argv);

/**
 * tool_input_progress: the progress line (MB, records, sessions, then @n
 * @what), at most four times a second unless @last, which ends the line.
 */
void tool_input_progress(struct tool_input *in, bool last, uint64_t n, const char *what);

/** tool_input_bad: true when a record was rejected or an input failed (exit 1). */
bool tool_input_bad(const struct tool_input *in);

/** tool_input_end: free the reader context (print the counts before). */
void tool_input_end(struct tool_input *in);

#endif
