// SPDX-License-Identifier: MIT
// The shape of one trace: turns, sub-agents, llm calls (see tv_tree.h).
// Walks up the parents are bounded by the span count, so a cycle of
// parent ids in bad input ends like a root.
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libcommon/core/tv_time.h"
#include "libcommon/read/tv_tree.h"

/* the per-span counts and marks used while building */
struct work {
	ssize_t *top;	      /* the top-most agent at or above, or -1 */
	ssize_t *root;	      /* the root of the span's tree */
	bool *direct_work;    /* roots: GenAI work outside any agent below them */
	size_t *n_direct;     /* agents: llm and tool spans whose nearest agent it is */
	size_t *n_child;      /* agents: agents whose nearest agent above it is */
	ssize_t *first_child; /* agents: the first of those */
	ssize_t *leaf_of; /* llm spans: the one innermost llm span of its group, -1 if several */
};

static bool is_call(enum tv_tree_role r)
{
	return r == TV_TREE_LLM || r == TV_TREE_TOOL;
}

/* true when @a is at or above @i */
static bool above(const struct tv_tree *tr, ssize_t a, ssize_t i)
{
	for (size_t guard = 0; i >= 0 && guard <= tr->n; guard++) {
		if (i == a) {
			return true;
		}
		i = tr->parent[i];
	}
	return false;
}

/* ---- missing parents ---- */

/* the innermost of the @na agent spans @agents whose time holds span @i, not below it */
static ssize_t holder(const struct tv_tree *tr, const struct tv_tree_span *in, size_t i,
		      const size_t *agents, size_t na)
{
	ssize_t best = -1;

	if (in[i].start == TV_NONE || in[i].end == TV_NONE) {
		return -1;
	}
	for (size_t k = 0; k < na; k++) {
		size_t j = agents[k];
		const struct tv_tree_span *c = &in[j];

		if (j == i || c->start == TV_NONE || c->end == TV_NONE || c->start > in[i].start ||
		    c->end < in[i].end || above(tr, (ssize_t)i, (ssize_t)j)) {
			continue;
		}
		if (best < 0 || c->start > in[best].start ||
		    (c->start == in[best].start && c->end < in[best].end)) {
			best = (ssize_t)j;
		}
	}
	return best;
}

static int attach_orphans(struct tv_tree *tr, const struct tv_tree_span *in)
{
	size_t *agents = malloc((tr->n ? tr->n : 1) * sizeof(*agents)), na = 0;

	if (agents == NULL) {
		return -ENOMEM;
	}
	for (size_t j = 0; j < tr->n; j++) {
		if (!in[j].skip && tr->role[j] == TV_TREE_AGENT) {
			agents[na++] = j;
		}
	}
	for (size_t i = 0; i < tr->n && na > 0; i++) {
		if (!in[i].skip && in[i].names_parent && tr->parent[i] < 0) {
			tr->parent[i] = holder(tr, in, i, agents, na);
		}
	}
	free(agents);
	return 0;
}

/* ---- tokens, and spans that are calls only because they carry them ---- */

static void mark_usage(struct tv_tree *tr, const struct tv_tree_span *in)
{
	for (size_t i = 0; i < tr->n; i++) {
		ssize_t p = tr->parent[i];

		for (size_t guard = 0; in[i].usage && !in[i].skip && p >= 0 && guard <= tr->n;
		     guard++) {
			if (tr->usage_below[p]) {
				break;
			}
			tr->usage_below[p] = true;
			p = tr->parent[p];
		}
	}
	for (size_t i = 0; i < tr->n; i++) {
		bool counted = in[i].usage && !tr->usage_below[i] && !in[i].skip;

		if (counted && tr->role[i] == TV_TREE_OTHER) {
			tr->role[i] = TV_TREE_LLM;
		} else if (counted && tr->role[i] != TV_TREE_LLM) {
			tr->usage_call[i] = true;
		}
	}
}

/* ---- agents and turns ---- */

static void walk_up(struct tv_tree *tr, struct work *w, size_t i)
{
	ssize_t cur = (ssize_t)i, near = -1, top = -1, root = (ssize_t)i;

	for (size_t guard = 0; cur >= 0 && guard <= tr->n; guard++) {
		if (tr->role[cur] == TV_TREE_AGENT) {
			near = near < 0 ? cur : near;
			top = cur;
		}
		root = cur;
		cur = tr->parent[cur];
	}
	tr->agent_of[i] = near;
	w->top[i] = top;
	w->root[i] = root;
}

/* the agent nearest above agent @a (not @a itself), or -1 */
static ssize_t agent_above(const struct tv_tree *tr, size_t a)
{
	return tr->parent[a] >= 0 ? tr->agent_of[tr->parent[a]] : -1;
}

static void count_agents(struct tv_tree *tr, struct work *w, const struct tv_tree_span *in)
{
	for (size_t i = 0; i < tr->n; i++) {
		w->first_child[i] = -1;
		if (in[i].skip) {
			continue;
		}
		if (is_call(tr->role[i]) && tr->agent_of[i] < 0) {
			w->direct_work[w->root[i]] = true;
		} else if (is_call(tr->role[i])) {
			w->n_direct[tr->agent_of[i]]++;
		}
	}
	for (size_t i = 0; i < tr->n; i++) {
		ssize_t a = tr->role[i] == TV_TREE_AGENT && !in[i].skip ? agent_above(tr, i) : -1;

		if (a >= 0 && w->n_child[a]++ == 0) {
			w->first_child[a] = (ssize_t)i;
		}
	}
}

/* an agent with nothing of its own and one agent below it hands its turn on */
static ssize_t through_relays(const struct tv_tree *tr, const struct work *w,
			      const struct tv_tree_span *in, ssize_t t)
{
	for (size_t guard = 0; guard <= tr->n; guard++) {
		if (t < 0 || tr->role[t] != TV_TREE_AGENT || in[t].text || w->n_direct[t] > 0 ||
		    w->n_child[t] != 1) {
			break;
		}
		t = w->first_child[t];
	}
	return t;
}

static void assign_turns(struct tv_tree *tr, struct work *w, const struct tv_tree_span *in)
{
	for (size_t i = 0; i < tr->n; i++) {
		ssize_t r = w->root[i], t;

		t = w->direct_work[r] ? r : w->top[i] >= 0 ? w->top[i] : r;
		tr->turn_of[i] = through_relays(tr, w, in, t);
	}
	for (size_t i = 0; i < tr->n; i++) {
		tr->sub[i] = tr->role[i] == TV_TREE_AGENT && !in[i].skip &&
			     tr->turn_of[i] != (ssize_t)i && above(tr, tr->turn_of[i], (ssize_t)i);
	}
	for (size_t i = 0; i < tr->n; i++) {
		ssize_t a = tr->agent_of[i], up = tr->sub[i] ? agent_above(tr, i) : -1;

		tr->sub_parent[i] = up >= 0 && tr->sub[up] ? up : -1;
		tr->call_agent[i] = is_call(tr->role[i]) && a >= 0 && tr->sub[a] ? a : -1;
	}
}

/* ---- llm spans around llm spans ---- */

/* the llm span around llm span @i, through spans of no role; -1 if none */
static ssize_t llm_around(const struct tv_tree *tr, size_t i)
{
	ssize_t p = tr->parent[i];

	for (size_t guard = 0; p >= 0 && guard <= tr->n; guard++) {
		if (tr->role[p] == TV_TREE_LLM) {
			return p;
		}
		if (tr->role[p] != TV_TREE_OTHER) {
			return -1; /* an agent or a tool between: another call */
		}
		p = tr->parent[p];
	}
	return -1;
}

/* the outermost llm span of @i's group */
static ssize_t group_top(const struct tv_tree *tr, ssize_t i)
{
	for (size_t guard = 0; tr->llm_up[i] >= 0 && guard <= tr->n; guard++) {
		i = tr->llm_up[i];
	}
	return i;
}

static int group_calls(struct tv_tree *tr, struct work *w, const struct tv_tree_span *in)
{
	bool *inner = calloc(tr->n ? tr->n : 1, sizeof(*inner)); /* has an llm span inside */

	if (inner == NULL) {
		return -ENOMEM;
	}
	for (size_t i = 0; i < tr->n; i++) {
		bool llm = tr->role[i] == TV_TREE_LLM && !in[i].skip;

		tr->llm_up[i] = llm ? llm_around(tr, i) : -1;
		tr->call_of[i] = -1;
		w->leaf_of[i] = -2; /* no leaf seen yet */
	}
	for (size_t i = 0; i < tr->n; i++) {
		if (tr->llm_up[i] >= 0) {
			inner[tr->llm_up[i]] = true;
		}
	}
	for (size_t i = 0; i < tr->n; i++) { /* each group's leaf, or -1 for several */
		ssize_t g;

		if (tr->role[i] != TV_TREE_LLM || in[i].skip || inner[i]) {
			continue;
		}
		g = group_top(tr, (ssize_t)i);
		w->leaf_of[g] = w->leaf_of[g] == -2 ? (ssize_t)i : -1;
	}
	for (size_t i = 0; i < tr->n; i++) {
		ssize_t leaf;

		if (tr->role[i] != TV_TREE_LLM || in[i].skip) {
			continue;
		}
		leaf = w->leaf_of[group_top(tr, (ssize_t)i)];
		if (leaf >= 0) {
			tr->call_of[i] = leaf; /* one call: the innermost span's, completed */
		} else if (!inner[i] || (in[i].usage && !tr->usage_below[i])) {
			tr->call_of[i] = (ssize_t)i; /* several: each innermost, and tokens once */
		}
	}
	free(inner);
	return 0;
}

/* ---- the whole ---- */

void tv_tree_free(struct tv_tree *tr)
{
	free(tr->role);
	free(tr->parent);
	free(tr->agent_of);
	free(tr->turn_of);
	free(tr->sub);
	free(tr->sub_parent);
	free(tr->call_agent);
	free(tr->call_of);
	free(tr->llm_up);
	free(tr->usage_call);
	free(tr->usage_below);
	memset(tr, 0, sizeof(*tr));
}

static void work_free(struct work *w)
{
	free(w->top);
	free(w->root);
	free(w->direct_work);
	free(w->n_direct);
	free(w->n_child);
	free(w->first_child);
	free(w->leaf_of);
}

static int alloc_all(struct tv_tree *tr, struct work *w, size_t n)
{
	size_t k = n ? n : 1;

	tr->n = n;
	tr->role = calloc(k, sizeof(*tr->role));
	tr->parent = calloc(k, sizeof(*tr->parent));
	tr->agent_of = calloc(k, sizeof(*tr->agent_of));
	tr->turn_of = calloc(k, sizeof(*tr->turn_of));
	tr->sub = calloc(k, sizeof(*tr->sub));
	tr->sub_parent = calloc(k, sizeof(*tr->sub_parent));
	tr->call_agent = calloc(k, sizeof(*tr->call_agent));
	tr->call_of = calloc(k, sizeof(*tr->call_of));
	tr->llm_up = calloc(k, sizeof(*tr->llm_up));
	tr->usage_call = calloc(k, sizeof(*tr->usage_call));
	tr->usage_below = calloc(k, sizeof(*tr->usage_below));
	w->top = calloc(k, sizeof(*w->top));
	w->root = calloc(k, sizeof(*w->root));
	w->direct_work = calloc(k, sizeof(*w->direct_work));
	w->n_direct = calloc(k, sizeof(*w->n_direct));
	w->n_child = calloc(k, sizeof(*w->n_child));
	w->first_child = calloc(k, sizeof(*w->first_child));
	w->leaf_of = calloc(k, sizeof(*w->leaf_of));
	return tr->role && tr->parent && tr->agent_of && tr->turn_of && tr->sub && tr->sub_parent &&
			       tr->call_agent && tr->call_of && tr->llm_up && tr->usage_call &&
			       tr->usage_below && w->top && w->root && w->direct_work &&
			       w->n_direct && w->n_child && w->first_child && w->leaf_of
		       ? 0
		       : -ENOMEM;
}

int tv_tree_build(struct tv_tree *tr, const struct tv_tree_span *in, size_t n)
{
	struct work w = { 0 };
	int r;

	memset(tr, 0, sizeof(*tr));
	if (alloc_all(tr, &w, n) < 0) {
		work_free(&w);
		tv_tree_free(tr);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		tr->role[i] = in[i].skip ? TV_TREE_OTHER : in[i].role;
		tr->parent[i] = in[i].parent;
	}
	r = attach_orphans(tr, in);
	if (r == 0) {
		mark_usage(tr, in);
		for (size_t i = 0; i < n; i++) {
			walk_up(tr, &w, i);
		}
		count_agents(tr, &w, in);
		assign_turns(tr, &w, in);
		r = group_calls(tr, &w, in);
	}
	work_free(&w);
	if (r < 0) {
		tv_tree_free(tr);
	}
	return r;
}
