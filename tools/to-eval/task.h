/* SPDX-License-Identifier: MIT */
/*
 * task: what becomes a task, and what it expects.
 *
 * A session (the DOM of its canonical line) gives one task (--unit session:
 * the first prompt is the task's prompt, later prompts are follow-ups) or
 * one per prompted turn (--unit turn).  For each, task_build() writes the
 * computed roots of the template context as one JSON object:
 *
 *   {"task": {...}, "expect": {...}, "ref": {...}}
 *
 * task    id, title, description, prompt, follow_ups, messages, tags,
 *         unit, turn_index, turn_count, failed
 * expect  required_tools, forbidden_tools, max_tool_calls, output_contains,
 *         urls, paths, identifiers, contains, icontains, regex,
 *         max_duration_ms, max_cost_usd, max_tokens, behavior
 * ref     provenance, output, tool_calls, tool_names, tool_call_count,
 *         duration_ms, cost_usd, total_tokens, trace_id, ...
 *
 * Every member is always there (null or [] when unknown or switched off),
 * so templates can look them up strictly.
 */
#ifndef TV_TO_EVAL_TASK_H
#define TV_TO_EVAL_TASK_H

#include <stdbool.h>
#include <stddef.h>

#include "literals.h"
#include "libcommon/json/tv_json.h"
#include "libcommon/core/tv_strbuf.h"

#define EXPECT_REQUIRED_TOOLS 0x01u
#define EXPECT_FORBIDDEN_TOOLS 0x02u
#define EXPECT_TOOL_BUDGET 0x04u
#define EXPECT_LITERALS 0x08u
#define EXPECT_LATENCY 0x10u
#define EXPECT_COST 0x20u
#define EXPECT_TOKENS 0x40u
#define EXPECT_ALL 0x7fu

struct task_opts {
	bool turn_unit;
	bool include_failed;
	bool ignore_case;
	unsigned expect; /* EXPECT_* */
	double factor;	 /* budgets: observed value x factor */
	size_t max_literals;
	const char *id_prefix;
};

/** task_expect_parse: a comma-separated list of expectation names into EXPECT_* bits. */
int task_expect_parse(const char *list, unsigned *bits);
/** task_expect_names: the names task_expect_parse() knows, for messages. */
const char *task_expect_names(void);

/* a session's DOM, looked at once */
struct session_view {
	struct tv_jv root;
	struct tv_jv *turns;
	size_t n_turns, cap_turns;
	const char *id;
	size_t id_len;
	int success; /* -1 null, 0, 1 */
};

/** session_view_load: fill @v from a canonical session @root.  0 or -ENOMEM. */
int session_view_load(struct session_view *v, const struct tv_jv *root);
void session_view_finish(struct session_view *v);

enum verdict {
	V_TASK,	     /* becomes a task */
	V_NO_PROMPT, /* skipped: no prompt */
	V_FAILED,    /* skipped: failed (no --include-failed) */
};

/**
 * task_unit: the verdict for unit @k: with --unit session @k is ignored and
 * *@turn is set to the index of the first prompted turn; with --unit turn
 * @k is the turn's index (*@turn = @k).
 */
enum verdict task_unit(const struct task_opts *o, const struct session_view *v, size_t k,
		       size_t *turn);

/**
 * task_build: the computed roots of the task whose turn is @turn, as one
 * JSON object appended to @out.  @lits is scratch space.  0 or -ENOMEM.
 */
int task_build(const struct task_opts *o, const struct session_view *v, size_t turn,
	       struct literals *lits, struct tv_strbuf *out);

#endif
