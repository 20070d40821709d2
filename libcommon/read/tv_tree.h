/* SPDX-License-Identifier: MIT */
/*
 * tv_tree: the shape of one trace, for the trace mapper (read/tv_trace.c):
 * which span is the turn of each span, which agents are sub-agents of a
 * turn, and which llm spans make one llm_call.  Only indexes, roles, times
 * and flags: nothing here knows an attribute name.  Private to read/.
 *
 *   - A span whose parent is named but missing from the trace (a span an
 *     exporter dropped, typically between two services of an A2A call)
 *     hangs under the innermost agent span whose time holds it.
 *   - The turn of a span is the root of its tree when something outside
 *     any agent did GenAI work there (the root is then the user's turn and
 *     every agent below it a sub-agent); else the top-most agent above it;
 *     else the root.  An agent that only relays (no text, no call of its
 *     own, exactly one agent below it: an A2A proxy) hands its turn to the
 *     agent it relays to.
 *   - Every other agent inside a turn is a sub-agent of it, and the calls
 *     made inside a sub-agent are marked as its (call_agent).
 *   - Llm spans nested in llm spans (a framework's span around the client
 *     library's) are one call when there is one innermost llm span: its
 *     call, completed from the spans around it.  Usage is counted where
 *     the source put it, exactly once: a span's tokens count when no span
 *     below it carries tokens; a span that carries tokens but has no other
 *     GenAI role is an llm_call (TV_TREE_LLM), and an agent or tool span
 *     whose tokens are not counted below it makes an llm_call too.
 */
#ifndef TV_TREE_H
#define TV_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum tv_tree_role {
	TV_TREE_OTHER,
	TV_TREE_AGENT,
	TV_TREE_LLM,
	TV_TREE_TOOL,
};

/* what the mapper tells of one span */
struct tv_tree_span {
	ssize_t parent;	   /* index of the parent span, -1 for none or missing */
	bool names_parent; /* the span names a parent (which may be missing) */
	bool skip;	   /* a second copy of a span: not part of the tree */
	enum tv_tree_role role;
	int64_t start, end; /* TV_NONE if unknown */
	bool usage;	    /* carries token counts */
	bool text;	    /* carries a prompt or an output of its own */
};

struct tv_tree {
	size_t n;
	enum tv_tree_role *role; /* the roles, a usage-only span made TV_TREE_LLM */
	ssize_t *parent;	 /* after missing parents were found */
	ssize_t *agent_of;	 /* the nearest agent span at or above, or -1 */
	ssize_t *turn_of;	 /* the span whose turn a span belongs to */
	bool *sub;		 /* agent spans that are sub-agents of their turn */
	ssize_t *sub_parent;	 /* for a sub-agent: the sub-agent it runs under, or -1 */
	ssize_t *call_agent;	 /* for llm and tool spans: the sub-agent making the call, or -1 */
	ssize_t *call_of;	 /* llm spans: the span whose call this one is part of, -1: none */
	ssize_t *llm_up;	 /* llm spans: the llm span around this one, or -1 */
	bool *usage_call;	 /* agent and tool spans whose tokens make an llm_call */
	bool *usage_below;	 /* some span below carries tokens */
};

/**
 * tv_tree_build: the shape of the @n spans @in.  Returns 0 and fills @tr
 * (free with tv_tree_free()), or -ENOMEM.
 */
int tv_tree_build(struct tv_tree *tr, const struct tv_tree_span *in, size_t n);

/** tv_tree_free: free what tv_tree_build() made; @tr may be all zeros. */
void tv_tree_free(struct tv_tree *tr);

#endif
