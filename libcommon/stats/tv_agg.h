/* SPDX-License-Identifier: MIT */
/*
 * tv_agg: the metrics of a stream of canonical sessions, in one pass and
 * bounded memory, overall and per group, mergeable.
 *
 * Sessions are given as parsed canonical session objects (the DOM of one
 * line of the canonical stream, as tv_expr works on), so a line read from
 * canonical input is aggregated without being built into a struct
 * tv_session.  Each session is cut into units: the session, its turns, its
 * LLM calls and its tool calls; every unit adds to the total and to the
 * groups it belongs to.
 *
 * Grouping (--by KEY, several keys make tuples).  A key has a level:
 *   model, status    LLM call (status: ok, error, timeout)
 *   tool             tool call (its name)
 *   skill, source (service, else format), day, hour (of the session's
 *   start, UTC), and any session path (tv_expr_path_compile(); several
 *   values are joined with ",")   session
 * A unit below a key's level inherits the value (a turn's skill); a tool
 * call takes the model and status of the LLM call that asked for it (the
 * last one of its turn started at or before it, else the turn's first); an
 * LLM call takes the tools it asked for.  A unit above a key's level
 * belongs to the group of each distinct value below it: a session to each
 * model it called.  A unit without a value belongs to the group "none"
 * (a NULL value).  So per-model latency is over that model's calls, while
 * per-model sessions are the sessions that used the model.
 *
 * Bounded groups: at most max_groups groups are kept, the ones whose keys
 * have the smallest hashes; every other unit goes to one "other" group.
 * Which groups are kept does not depend on the input's order or on how it
 * was sharded, so merges of partial states equal one run.
 *
 * Weights: a session carrying sampling.weight (televal-filter's sampling)
 * counts that many times: every count, sum and distribution keeps the
 * exact number of units seen (n) and the weighted estimate (w).
 *
 * Exactness: counts and integer sums are exact (64-bit); costs are summed
 * in whole nanodollars; distributions are exact up to exact_max values,
 * then within alpha (tv_dist.h).  Weighted sums are floating point.
 */
#ifndef TV_AGG_H
#define TV_AGG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libcommon/core/tv_strbuf.h"
#include "libcommon/json/tv_json.h"
#include "libcommon/stats/tv_dist.h"
#include "libcommon/stats/tv_prices.h"

#define TV_AGG_MAX_GROUPS 200
#define TV_AGG_TOP 10
/* the largest options accepted (tv_agg_create refuses more: a partial state may claim anything) */
#define TV_AGG_GROUPS_LIMIT 100000
#define TV_AGG_TOP_LIMIT 10000
#define TV_AGG_EXACT_LIMIT 10000000
#define TV_AGG_WATERFALLS 5
#define TV_AGG_MAX_NAMES 1000 /* distinct tools, errors, operations counted */
#define TV_AGG_MAX_ROWS 200   /* rows kept per waterfall */
#define TV_AGG_MAX_POINTS 500 /* points of the time series */

enum tv_agg_count {
	TV_AGG_SESSIONS,
	TV_AGG_SESSIONS_OK,
	TV_AGG_SESSIONS_FAILED,
	TV_AGG_TURNS,
	TV_AGG_PROMPTS,
	TV_AGG_LLM_CALLS,
	TV_AGG_LLM_ERRORS, /* status error */
	TV_AGG_LLM_TIMEOUTS,
	TV_AGG_CACHE_KNOWN, /* cache_hit true or false */
	TV_AGG_CACHE_HITS,
	TV_AGG_TOOL_CALLS,
	TV_AGG_TOOL_KNOWN, /* success true or false */
	TV_AGG_TOOL_OK,
	TV_AGG_DECIDED, /* a decision recorded */
	TV_AGG_ACCEPT,
	TV_AGG_REJECT,
	TV_AGG_MODIFY,
	TV_AGG_AUTO_ACCEPT,
	TV_AGG_COSTED,	 /* units with a cost: sessions (data) or calls (prices) */
	TV_AGG_UNPRICED, /* LLM calls whose model has no price (with prices) */
	TV_AGG_NCOUNT,
};

enum tv_agg_sum {
	TV_AGG_INPUT_TOKENS,
	TV_AGG_OUTPUT_TOKENS,
	TV_AGG_CACHED_TOKENS,
	TV_AGG_THINKING_TOKENS,
	TV_AGG_TOTAL_TOKENS,
	TV_AGG_COST_NANO, /* nanodollars */
	TV_AGG_NSUM,
};

enum tv_agg_dist {
	TV_AGG_SESSION_DURATION, /* ns */
	TV_AGG_TURN_DURATION,	 /* ns */
	TV_AGG_LLM_LATENCY,	 /* ns */
	TV_AGG_TOOL_DURATION,	 /* ns */
	TV_AGG_LLM_TOKENS,	 /* tokens per call */
	TV_AGG_PROMPT_LENGTH,	 /* characters */
	TV_AGG_NDIST,
};

/* a count: exact units seen, and the weighted estimate */
struct tv_agg_num {
	uint64_t n;
	double w;
};

/* a sum: exact, and weighted */
struct tv_agg_sumv {
	int64_t v;
	double w;
};

/* a string with its length; s == NULL is "none" */
struct tv_agg_str {
	char *s;
	size_t n;
};

struct tv_agg_group {
	struct tv_agg_str *key; /* n_by values */
	bool other;		/* the group of everything past max_groups */
	uint64_t hash;
	char *enc; /* the encoded key tuple */
	size_t enc_n;
	struct tv_agg_num count[TV_AGG_NCOUNT];
	struct tv_agg_sumv sum[TV_AGG_NSUM];
	int64_t first_start, last_start; /* of its sessions; TV_NONE */
	struct tv_dist dist[TV_AGG_NDIST];
};

/* one of the slowest LLM calls */
struct tv_agg_call {
	int64_t dur;
	char *session, *model; /* model may be NULL */
	uint32_t turn, call;   /* 0-based */
	int64_t time;	       /* TV_NONE */
};

/* a name counted in a tally (tools, errors, operations) */
struct tv_agg_name {
	struct tv_agg_str name;
	uint64_t hash;
	struct tv_agg_num n, bad; /* uses; failed ones (tools) */
	int64_t dur_sum, dur_max; /* ns (operations) */
	uint64_t dur_n;
};

struct tv_agg_tally {
	struct tv_agg_name *v;
	size_t n, cap;
	struct tv_agg_name other; /* names past TV_AGG_MAX_NAMES */
	bool has_other;
};

enum tv_agg_series {
	TV_AGG_SERIES_SESSIONS,
	TV_AGG_SERIES_FAILED,
	TV_AGG_SERIES_LLM_CALLS,
	TV_AGG_SERIES_LLM_ERRORS, /* error or timeout */
	TV_AGG_NSERIES,
};

struct tv_agg_point {
	int64_t start; /* ns */
	struct tv_agg_num v[TV_AGG_NSERIES];
};

enum tv_agg_row_kind {
	TV_AGG_ROW_TURN,
	TV_AGG_ROW_LLM,
	TV_AGG_ROW_TOOL,
};

enum tv_agg_row_status {
	TV_AGG_ROW_UNKNOWN,
	TV_AGG_ROW_OK,
	TV_AGG_ROW_FAILED,
};

struct tv_agg_row {
	enum tv_agg_row_kind kind;
	enum tv_agg_row_status status;
	char *label;	    /* turn: the prompt's start; llm: model; tool: name */
	int64_t start, dur; /* ns after the session's start; TV_NONE */
};

/* a session drawn as a waterfall */
struct tv_agg_waterfall {
	char *id;
	int64_t start, dur; /* TV_NONE */
	int success;	    /* -1, 0, 1 */
	struct tv_agg_row *rows;
	size_t n_rows;
	uint64_t dropped; /* rows past TV_AGG_MAX_ROWS */
};

struct tv_agg_opts {
	const char *const *by; /* key names; see above */
	size_t n_by;
	size_t max_groups;		/* 0: TV_AGG_MAX_GROUPS */
	size_t exact_max;		/* values kept per distribution */
	double alpha;			/* the sketch's relative error */
	size_t top;			/* 0: TV_AGG_TOP */
	const struct tv_prices *prices; /* borrowed; NULL: costs from the data */
};

struct tv_agg;

/**
 * tv_agg_create: an empty aggregate for @o (copied; @o->prices must outlive
 * it).  Returns 0 and *@out (free with tv_agg_destroy()), -TV_EUSAGE with
 * @err set (for a key that is no path: err->file is the key, err->line its
 * bad column + 1), or -ENOMEM.
 */
int tv_agg_create(const struct tv_agg_opts *o, struct tv_agg **out, struct tv_error *err);
/** tv_agg_destroy: @a may be NULL. */
void tv_agg_destroy(struct tv_agg *a);

/**
 * tv_agg_add: add one canonical session object @session (borrowed).
 * Returns 0, or -ENOMEM (the session may then be partly counted).
 */
int tv_agg_add(struct tv_agg *a, const struct tv_jv *session);

/**
 * tv_agg_merge: add everything @src holds to @dst (their options must be
 * the same: -TV_EUSAGE otherwise).  Returns 0, -TV_EUSAGE or -ENOMEM.
 */
int tv_agg_merge(struct tv_agg *dst, const struct tv_agg *src);

/** tv_agg_options: the options @a was made with (borrowed). */
const struct tv_agg_opts *tv_agg_options(const struct tv_agg *a);
/**
 * tv_agg_prices: the date and source of the price table the costs come
 * from (borrowed), false when they come from the data.
 */
bool tv_agg_prices(const struct tv_agg *a, const char **date, const char **source);
/** tv_agg_weighted: true when a session carried a weight other than 1. */
bool tv_agg_weighted(const struct tv_agg *a);

/** tv_agg_total: the group of everything (key NULL). */
struct tv_agg_group *tv_agg_total(struct tv_agg *a);
/**
 * tv_agg_groups: the groups in their report order: by key (values compared
 * bytewise, none first), the "other" group last.  *@n is set.  Borrowed:
 * valid until @a changes.  NULL with *@n = 0 without --by or on ENOMEM.
 */
struct tv_agg_group **tv_agg_groups(struct tv_agg *a, size_t *n);

/** tv_agg_slowest: the slowest LLM calls, slowest first (borrowed: valid until @a changes). */
const struct tv_agg_call *tv_agg_slowest(struct tv_agg *a, size_t *n);

enum tv_agg_tally_kind {
	TV_AGG_TALLY_TOOLS,  /* name: tool; n: calls; bad: failed */
	TV_AGG_TALLY_ERRORS, /* name: "llm: message" or "tool NAME: message" */
	TV_AGG_TALLY_OPS,    /* name: "llm MODEL" or "tool NAME"; durations */
	TV_AGG_NTALLY,
};

/**
 * tv_agg_tally: the names of tally @k in report order (tools and errors by
 * count, operations by mean duration, larger first; then by name), at most
 * @a's top; the rest are only in the "other" entry (*@other, NULL if none).
 */
const struct tv_agg_name *const *tv_agg_tally(struct tv_agg *a, enum tv_agg_tally_kind k, size_t *n,
					      const struct tv_agg_name **other);

/**
 * tv_agg_series: the time series (sessions started, failed, LLM calls and
 * errors per bucket), oldest first, with *@width the bucket width in ns.
 */
const struct tv_agg_point *tv_agg_series(const struct tv_agg *a, size_t *n, int64_t *width);

/**
 * tv_agg_waterfalls: the slowest sessions (slowest first) or, when
 * @failed, the failed ones (the latest first); *@n set.  Borrowed: valid
 * until @a changes.  NULL (and *@n 0) when memory ran out.
 */
const struct tv_agg_waterfall *tv_agg_waterfalls(struct tv_agg *a, bool failed, size_t *n);

/* ---- metrics by name: --fail-if, --compare and the report formats ---- */

enum tv_metric_kind {
	TV_METRIC_COUNT,
	TV_METRIC_RATE,	  /* 0..1 */
	TV_METRIC_PER,	  /* a ratio of counts */
	TV_METRIC_TOKENS, /* a token sum */
	TV_METRIC_USD,
	TV_METRIC_DIST, /* a statistic of a distribution: ms, tokens, characters */
};

struct tv_metric {
	const char *name;    /* sessions, error_rate, p95(llm.latency_ms), ... */
	const char *section; /* counts, rates, per, tokens, cost, or a distribution's name */
	const char *key;     /* the member in its section: sessions, p95, ... */
	enum tv_metric_kind kind;
	int better; /* +1: higher is better, -1: lower is better, 0: neither */
};

/** tv_metric_count: how many metrics there are (their ids are 0 .. count - 1). */
size_t tv_metric_count(void);
/** tv_metric_get: the metric with id @id (static). */
const struct tv_metric *tv_metric_get(size_t id);
/** tv_metric_find: the id of the metric named @name (@n bytes), or -1. */
int tv_metric_find(const char *name, size_t n);

/**
 * tv_metric_value: metric @id of group @g in @a (weighted estimates when
 * @a is weighted).  Durations are in milliseconds.  Returns false when the
 * metric has no value (a rate over nothing, a distribution without values).
 */
bool tv_metric_value(struct tv_agg *a, struct tv_agg_group *g, size_t id, double *out);

/* ---- the partial state (--partial, --merge) ---- */

/**
 * tv_agg_state_write: @a as JSON Lines, each passed to @w with its "\n": a
 * header (format version, options, the number of lines that follow, and
 * @tool_json, an object the tool keeps there, or NULL), then the total, the
 * groups, the tallies, the slowest calls, the series and the waterfalls.
 * Returns 0 or the first error (of @w, or -ENOMEM).
 */
int tv_agg_state_write(struct tv_agg *a, const char *tool_json,
		       int (*w)(void *udata, const char *line, size_t n), void *udata);

/**
 * tv_agg_state_begin: an empty aggregate with the options of the header
 * line @header, and the tool's object (minified) in @tool_json (emptied
 * first; "{}" when absent).  Returns 0 and *@out, -TV_EPARSE with @why
 * set, or -ENOMEM.
 */
int tv_agg_state_begin(const struct tv_jv *header, struct tv_agg **out, struct tv_strbuf *tool_json,
		       const char **why);
/** tv_agg_state_line: add one line after the header.  0, -TV_EPARSE with @why, or -ENOMEM. */
int tv_agg_state_line(struct tv_agg *a, const struct tv_jv *line, const char **why);
/** tv_agg_state_end: check that every line the header announced came.  0 or -TV_EPARSE. */
int tv_agg_state_end(const struct tv_agg *a, const char **why);

/** tv_agg_dist_name: the name of distribution @d ("llm.latency_ms", ...). */
const char *tv_agg_dist_name(enum tv_agg_dist d);
/** tv_agg_dist_scale: what a value of @d is divided by to report it (1e6 for ns to ms). */
double tv_agg_dist_scale(enum tv_agg_dist d);

#endif
