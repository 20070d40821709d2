/* SPDX-License-Identifier: MIT */
/*
 * tv_agg_int: what the parts of the aggregate share; not for tools.
 *
 *   tv_agg_view.c    a canonical session object -> struct agg_view (borrowed strings)
 *   tv_agg_extra.c   what only the total has: the slowest calls, tallies,
 *                    the time series, waterfalls; and a hash index
 *   tv_agg.c         units -> groups and the total; merge (uses the two above)
 *   tv_agg_metric.c  metrics by name (reads the groups)
 *   tv_agg_state.c   the partial state written and read (uses tv_agg.c)
 */
#ifndef TV_AGG_INT_H
#define TV_AGG_INT_H

#include "libcommon/core/tv_int.h"
#include "libcommon/core/tv_strbuf.h"
#include "libcommon/expr/tv_expr.h"
#include "libcommon/stats/tv_agg.h"

/* a borrowed string from the DOM; s == NULL: null or absent */
struct vstr {
	const char *s;
	size_t n;
};

struct v_llm {
	struct vstr model, time, error;
	int64_t dur; /* ns, TV_NONE */
	int status;  /* 0 null, 1 ok, 2 error, 3 timeout (enum tv_status) */
	int64_t code;
	int64_t tok[5]; /* input, output, cached, thinking, total; TV_NONE */
	int cache_hit;	/* -1, 0, 1 */
	size_t turn;
};

enum {
	DEC_NONE,
	DEC_ACCEPT,
	DEC_REJECT,
	DEC_MODIFY,
	DEC_AUTO_ACCEPT,
	DEC_OTHER,
};

struct v_tool {
	struct vstr name, time, error;
	int64_t dur;
	int success;
	int decision; /* DEC_* */
	size_t turn;
	size_t req; /* the LLM call that asked for it, SIZE_MAX: none */
};

struct v_turn {
	struct vstr prompt, time;
	int64_t dur;
	int64_t prompt_len; /* characters, TV_NONE without a prompt */
	int success;
	size_t llm0, n_llm, tool0, n_tool;
};

struct agg_view {
	struct vstr id, skill, format, service, start_s;
	int64_t start; /* ns, TV_NONE */
	int64_t dur;
	int success;
	int64_t usage[5]; /* the session's usage, TV_NONE */
	double cost;	  /* usage.cost_usd, NaN */
	double weight;	  /* sampling.weight, 1 without */
	struct v_turn *turns;
	size_t n_turns, cap_turns;
	struct v_llm *llm;
	size_t n_llm, cap_llm;
	struct v_tool *tools;
	size_t n_tools, cap_tools;
	int64_t *starts; /* agg_view_requests(): each call's start */
	size_t cap_starts;
};

/** agg_view_parse: @v from the session object @root.  0 or -ENOMEM. */
int agg_view_parse(struct agg_view *v, const struct tv_jv *root);
/** agg_view_requests: set each tool call's req (parses the call times).  0 or -ENOMEM. */
int agg_view_requests(struct agg_view *v);
/** agg_view_time: a borrowed time string in ns, TV_NONE when null or bad. */
int64_t agg_view_time(struct vstr t);
void agg_view_finish(struct agg_view *v);

enum agg_key_kind {
	KEY_MODEL,
	KEY_STATUS,
	KEY_TOOL,
	KEY_SKILL,
	KEY_SOURCE,
	KEY_DAY,
	KEY_HOUR,
	KEY_PATH,
};

struct agg_key {
	enum agg_key_kind kind;
	struct tv_expr *path; /* KEY_PATH */
	char *name;
};

/* an open-addressing index of items 0..n-1 of an array the caller owns */
struct hindex {
	size_t *slot; /* item + 1; 0 is empty */
	size_t cap;
};

/* how the index sees the caller's items */
struct hindex_ops {
	uint64_t (*hash)(const void *ctx, size_t item);
	bool (*eq)(const void *ctx, size_t item, const void *key, size_t n);
	const void *ctx;
};

/** hindex_find: the item with @key (@n bytes, hash @h), or SIZE_MAX. */
size_t hindex_find(const struct hindex *x, const struct hindex_ops *ops, uint64_t h,
		   const void *key, size_t n);
/** hindex_build: index items 0..@n-1 afresh, room for at least @room items.  0 or -ENOMEM. */
int hindex_build(struct hindex *x, const struct hindex_ops *ops, size_t n, size_t room);
/** hindex_put: index item @item (hash @h); the table has room (see hindex_build). */
void hindex_put(struct hindex *x, uint64_t h, size_t item);
void hindex_free(struct hindex *x);

struct tv_agg {
	struct tv_agg_opts o; /* o.by points at @by */
	char **by;
	struct agg_key *keys;
	char *price_date, *price_source;
	bool weighted;
	struct tv_agg_group total;
	struct tv_agg_group **groups; /* the kept groups, in no order */
	size_t n_groups, cap_groups;
	struct hindex index;	      /* over groups */
	struct tv_agg_group *largest; /* the kept group with the largest key, NULL: unknown */
	struct tv_agg_group *other;
	struct tv_agg_group **sorted;
	struct tv_agg_call *slow; /* a heap: the fastest of the kept on top */
	size_t n_slow;
	struct tv_agg_tally tally[TV_AGG_NTALLY];
	struct hindex tally_index[TV_AGG_NTALLY];
	const struct tv_agg_name **tally_sorted;
	struct tv_agg_call *slow_sorted;
	struct tv_agg_point *points; /* sorted by start */
	size_t n_points, cap_points;
	unsigned level;			/* index into the bucket widths */
	struct tv_agg_waterfall *wf[2]; /* slowest, failed: heaps, the first to go on top */
	size_t n_wf[2];
	struct tv_agg_waterfall *wf_sorted[2];
	struct agg_view view;
	struct tv_strbuf enc, tmp;
	/* per session: each key's values for the unit at hand, the session-level ones */
	struct klist {
		struct vstr *v;
		size_t n, cap;
	} * kl;
	struct vstr *sval, *vals;
	struct tv_strbuf *sbuf;
	size_t *idx;
	int64_t *cost; /* per LLM call with prices: nanodollars, TV_NONE: no price */
	size_t cap_cost;
	bool call_tokens;		  /* some LLM call of the session has a token count */
	uint64_t state_lines, state_seen; /* reading a partial state */
};

/** agg_key_less: (hash, key) order, by which the smallest are kept. */
bool agg_key_less(uint64_t ha, const char *a, size_t an, uint64_t hb, const char *b, size_t bn);

/* the bucket widths of the time series, each a multiple of the one before */
extern const int64_t agg_widths[];
extern const size_t agg_n_widths;

/**
 * agg_group_get: the group of the encoded key tuple @enc (values @vals),
 * created, or the other group past the limit.  NULL on ENOMEM.
 */
struct tv_agg_group *agg_group_get(struct tv_agg *a, const char *enc, size_t enc_n,
				   const struct vstr *vals);
/** agg_group_merge: add group @src into @dst.  0 or -ENOMEM. */
int agg_group_merge(struct tv_agg *a, struct tv_agg_group *dst, const struct tv_agg_group *src);
/** agg_other: the other group, created.  NULL on ENOMEM. */
struct tv_agg_group *agg_other(struct tv_agg *a);
/** agg_key_encode: the encoded tuple of @vals into @out.  0 or -ENOMEM. */
int agg_key_encode(struct tv_strbuf *out, const struct vstr *vals, size_t n);
/** agg_tally_add: add @src (a name with its counts) to tally @k.  0 or -ENOMEM. */
int agg_tally_add(struct tv_agg *a, enum tv_agg_tally_kind k, const struct tv_agg_name *src);
/** agg_tally_other: add @src to the other entry of tally @k. */
void agg_tally_other(struct tv_agg *a, enum tv_agg_tally_kind k, const struct tv_agg_name *src);
/* a candidate for the slowest calls, with borrowed strings */
struct slow_cand {
	int64_t dur;
	struct vstr session, model;
	uint32_t turn, call;
	int64_t time;
	struct vstr time_s; /* parsed into time when kept, if time is TV_NONE */
};

/** agg_slow_offer: offer a slow call (its strings are copied when kept).  0 or -ENOMEM. */
int agg_slow_offer(struct tv_agg *a, const struct slow_cand *c);
/** agg_point_add: add @p to the series (merging equal starts).  0 or -ENOMEM. */
int agg_point_add(struct tv_agg *a, const struct tv_agg_point *p);
/** agg_set_level: coarsen the series to level @level at least.  0 or -ENOMEM. */
int agg_set_level(struct tv_agg *a, unsigned level);
/** agg_wf_wanted: true when a session of this start/duration would be kept. */
bool agg_wf_wanted(const struct tv_agg *a, int which, const char *id, size_t idn, int64_t start,
		   int64_t dur);
/** agg_wf_offer: offer a waterfall (taken over when kept, else freed).  0 or -ENOMEM. */
int agg_wf_offer(struct tv_agg *a, int which, struct tv_agg_waterfall *w);
/** agg_wf_build: the waterfall of the session in a->view.  0 or -ENOMEM. */
int agg_wf_build(struct tv_agg *a, struct tv_agg_waterfall *w);
/** agg_extras: what the session in a->view adds to the extras.  0 or -ENOMEM. */
int agg_extras(struct tv_agg *a);
/** agg_extra_free: free the slowest calls, tallies, series and waterfalls. */
void agg_extra_free(struct tv_agg *a);
/** agg_wf_copy: a deep copy of @src into @dst.  0 or -ENOMEM. */
int agg_wf_copy(struct tv_agg_waterfall *dst, const struct tv_agg_waterfall *src);
/** agg_wf_free: free what @w holds. */
void agg_wf_free(struct tv_agg_waterfall *w);
/** agg_str_set: a copy of @s/@n (NULL stays NULL) into @dst.  0 or -ENOMEM. */
int agg_str_set(struct tv_agg_str *dst, const char *s, size_t n);

#endif
