// SPDX-License-Identifier: MIT
/*
 * The metrics by name: one table that --fail-if, --compare and every
 * report format read, so a metric is named and computed one way.
 */
#include <math.h>
#include <string.h>

#include "libcommon/core/tv_time.h"
#include "libcommon/stats/tv_agg_int.h"

enum {
	M_SESSIONS,
	M_FAILED_SESSIONS,
	M_TURNS,
	M_PROMPTS,
	M_LLM_CALLS,
	M_LLM_ERRORS,
	M_LLM_TIMEOUTS,
	M_TOOL_CALLS,
	M_TOOL_FAILURES,
	M_SUCCESS_RATE,
	M_ERROR_RATE,
	M_TIMEOUT_RATE,
	M_TOOL_SUCCESS_RATE,
	M_CACHE_HIT_RATE,
	M_ACCEPT_RATE,
	M_REJECT_RATE,
	M_MODIFY_RATE,
	M_AUTO_ACCEPT_RATE,
	M_SESSIONS_PER_HOUR,
	M_SESSIONS_PER_DAY,
	M_TURNS_PER_SESSION,
	M_LLM_CALLS_PER_SESSION,
	M_TOOL_CALLS_PER_SESSION,
	M_INPUT_TOKENS,
	M_OUTPUT_TOKENS,
	M_CACHED_TOKENS,
	M_THINKING_TOKENS,
	M_TOTAL_TOKENS,
	M_COST_USD,
	M_COST_PER_SESSION,
	M_NSCALAR,
};

enum {
	S_COUNT,
	S_MEAN,
	S_MIN,
	S_MAX,
	S_P50,
	S_P90,
	S_P95,
	S_P99,
	S_N,
};

static const struct tv_metric metrics[] = {
	{ "sessions", "counts", "sessions", TV_METRIC_COUNT, 0 },
	{ "failed_sessions", "counts", "failed_sessions", TV_METRIC_COUNT, -1 },
	{ "turns", "counts", "turns", TV_METRIC_COUNT, 0 },
	{ "prompts", "counts", "prompts", TV_METRIC_COUNT, 0 },
	{ "llm_calls", "counts", "llm_calls", TV_METRIC_COUNT, 0 },
	{ "llm_errors", "counts", "llm_errors", TV_METRIC_COUNT, -1 },
	{ "llm_timeouts", "counts", "llm_timeouts", TV_METRIC_COUNT, -1 },
	{ "tool_calls", "counts", "tool_calls", TV_METRIC_COUNT, 0 },
	{ "tool_failures", "counts", "tool_failures", TV_METRIC_COUNT, -1 },
	{ "success_rate", "rates", "success_rate", TV_METRIC_RATE, 1 },
	{ "error_rate", "rates", "error_rate", TV_METRIC_RATE, -1 },
	{ "timeout_rate", "rates", "timeout_rate", TV_METRIC_RATE, -1 },
	{ "tool_success_rate", "rates", "tool_success_rate", TV_METRIC_RATE, 1 },
	{ "cache_hit_rate", "rates", "cache_hit_rate", TV_METRIC_RATE, 1 },
	{ "accept_rate", "rates", "accept_rate", TV_METRIC_RATE, 1 },
	{ "reject_rate", "rates", "reject_rate", TV_METRIC_RATE, -1 },
	{ "modify_rate", "rates", "modify_rate", TV_METRIC_RATE, 0 },
	{ "auto_accept_rate", "rates", "auto_accept_rate", TV_METRIC_RATE, 0 },
	{ "sessions_per_hour", "per", "sessions_per_hour", TV_METRIC_PER, 0 },
	{ "sessions_per_day", "per", "sessions_per_day", TV_METRIC_PER, 0 },
	{ "turns_per_session", "per", "turns_per_session", TV_METRIC_PER, 0 },
	{ "llm_calls_per_session", "per", "llm_calls_per_session", TV_METRIC_PER, 0 },
	{ "tool_calls_per_session", "per", "tool_calls_per_session", TV_METRIC_PER, 0 },
	{ "input_tokens", "tokens", "input_tokens", TV_METRIC_TOKENS, 0 },
	{ "output_tokens", "tokens", "output_tokens", TV_METRIC_TOKENS, 0 },
	{ "cached_tokens", "tokens", "cached_tokens", TV_METRIC_TOKENS, 0 },
	{ "thinking_tokens", "tokens", "thinking_tokens", TV_METRIC_TOKENS, 0 },
	{ "total_tokens", "tokens", "total_tokens", TV_METRIC_TOKENS, 0 },
	{ "cost_usd", "cost", "cost_usd", TV_METRIC_USD, -1 },
	{ "cost_per_session", "cost", "cost_per_session", TV_METRIC_USD, -1 },
	{ "count(session.duration_ms)", "session.duration_ms", "count", TV_METRIC_DIST, 0 },
	{ "mean(session.duration_ms)", "session.duration_ms", "mean", TV_METRIC_DIST, -1 },
	{ "min(session.duration_ms)", "session.duration_ms", "min", TV_METRIC_DIST, -1 },
	{ "max(session.duration_ms)", "session.duration_ms", "max", TV_METRIC_DIST, -1 },
	{ "p50(session.duration_ms)", "session.duration_ms", "p50", TV_METRIC_DIST, -1 },
	{ "p90(session.duration_ms)", "session.duration_ms", "p90", TV_METRIC_DIST, -1 },
	{ "p95(session.duration_ms)", "session.duration_ms", "p95", TV_METRIC_DIST, -1 },
	{ "p99(session.duration_ms)", "session.duration_ms", "p99", TV_METRIC_DIST, -1 },
	{ "count(turn.duration_ms)", "turn.duration_ms", "count", TV_METRIC_DIST, 0 },
	{ "mean(turn.duration_ms)", "turn.duration_ms", "mean", TV_METRIC_DIST, -1 },
	{ "min(turn.duration_ms)", "turn.duration_ms", "min", TV_METRIC_DIST, -1 },
	{ "max(turn.duration_ms)", "turn.duration_ms", "max", TV_METRIC_DIST, -1 },
	{ "p50(turn.duration_ms)", "turn.duration_ms", "p50", TV_METRIC_DIST, -1 },
	{ "p90(turn.duration_ms)", "turn.duration_ms", "p90", TV_METRIC_DIST, -1 },
	{ "p95(turn.duration_ms)", "turn.duration_ms", "p95", TV_METRIC_DIST, -1 },
	{ "p99(turn.duration_ms)", "turn.duration_ms", "p99", TV_METRIC_DIST, -1 },
	{ "count(llm.latency_ms)", "llm.latency_ms", "count", TV_METRIC_DIST, 0 },
	{ "mean(llm.latency_ms)", "llm.latency_ms", "mean", TV_METRIC_DIST, -1 },
	{ "min(llm.latency_ms)", "llm.latency_ms", "min", TV_METRIC_DIST, -1 },
	{ "max(llm.latency_ms)", "llm.latency_ms", "max", TV_METRIC_DIST, -1 },
	{ "p50(llm.latency_ms)", "llm.latency_ms", "p50", TV_METRIC_DIST, -1 },
	{ "p90(llm.latency_ms)", "llm.latency_ms", "p90", TV_METRIC_DIST, -1 },
	{ "p95(llm.latency_ms)", "llm.latency_ms", "p95", TV_METRIC_DIST, -1 },
	{ "p99(llm.latency_ms)", "llm.latency_ms", "p99", TV_METRIC_DIST, -1 },
	{ "count(tool.duration_ms)", "tool.duration_ms", "count", TV_METRIC_DIST, 0 },
	{ "mean(tool.duration_ms)", "tool.duration_ms", "mean", TV_METRIC_DIST, -1 },
	{ "min(tool.duration_ms)", "tool.duration_ms", "min", TV_METRIC_DIST, -1 },
	{ "max(tool.duration_ms)", "tool.duration_ms", "max", TV_METRIC_DIST, -1 },
	{ "p50(tool.duration_ms)", "tool.duration_ms", "p50", TV_METRIC_DIST, -1 },
	{ "p90(tool.duration_ms)", "tool.duration_ms", "p90", TV_METRIC_DIST, -1 },
	{ "p95(tool.duration_ms)", "tool.duration_ms", "p95", TV_METRIC_DIST, -1 },
	{ "p99(tool.duration_ms)", "tool.duration_ms", "p99", TV_METRIC_DIST, -1 },
	{ "count(llm.tokens)", "llm.tokens", "count", TV_METRIC_DIST, 0 },
	{ "mean(llm.tokens)", "llm.tokens", "mean", TV_METRIC_DIST, 0 },
	{ "min(llm.tokens)", "llm.tokens", "min", TV_METRIC_DIST, 0 },
	{ "max(llm.tokens)", "llm.tokens", "max", TV_METRIC_DIST, 0 },
	{ "p50(llm.tokens)", "llm.tokens", "p50", TV_METRIC_DIST, 0 },
	{ "p90(llm.tokens)", "llm.tokens", "p90", TV_METRIC_DIST, 0 },
	{ "p95(llm.tokens)", "llm.tokens", "p95", TV_METRIC_DIST, 0 },
	{ "p99(llm.tokens)", "llm.tokens", "p99", TV_METRIC_DIST, 0 },
	{ "count(prompt.length)", "prompt.length", "count", TV_METRIC_DIST, 0 },
	{ "mean(prompt.length)", "prompt.length", "mean", TV_METRIC_DIST, 0 },
	{ "min(prompt.length)", "prompt.length", "min", TV_METRIC_DIST, 0 },
	{ "max(prompt.length)", "prompt.length", "max", TV_METRIC_DIST, 0 },
	{ "p50(prompt.length)", "prompt.length", "p50", TV_METRIC_DIST, 0 },
	{ "p90(prompt.length)", "prompt.length", "p90", TV_METRIC_DIST, 0 },
	{ "p95(prompt.length)", "prompt.length", "p95", TV_METRIC_DIST, 0 },
	{ "p99(prompt.length)", "prompt.length", "p99", TV_METRIC_DIST, 0 },
};

static const char *const dist_names[TV_AGG_NDIST] = {
	"session.duration_ms", "turn.duration_ms", "llm.latency_ms",
	"tool.duration_ms",    "llm.tokens",	   "prompt.length",
};

size_t tv_metric_count(void)
{
	return sizeof(metrics) / sizeof(metrics[0]);
}

const struct tv_metric *tv_metric_get(size_t id)
{
	return id < tv_metric_count() ? &metrics[id] : NULL;
}

int tv_metric_find(const char *name, size_t n)
{
	for (size_t i = 0; i < tv_metric_count(); i++) {
		if (strlen(metrics[i].name) == n && memcmp(metrics[i].name, name, n) == 0) {
			return (int)i;
		}
	}
	return -1;
}

const char *tv_agg_dist_name(enum tv_agg_dist d)
{
	return dist_names[d];
}

double tv_agg_dist_scale(enum tv_agg_dist d)
{
	return d <= TV_AGG_TOOL_DURATION ? 1e6 : 1;
}

/* a count as reported: the weighted estimate when the input was weighted */
static double num(const struct tv_agg *a, const struct tv_agg_num *c)
{
	return a->weighted ? c->w : (double)c->n;
}

static double sum(const struct tv_agg *a, const struct tv_agg_sumv *s)
{
	return a->weighted ? s->w : (double)s->v;
}

static bool ratio(double x, double y, double *out)
{
	if (!(y > 0)) {
		return false;
	}
	*out = x / y;
	return true;
}

static double c(const struct tv_agg *a, const struct tv_agg_group *g, enum tv_agg_count k)
{
	return num(a, &g->count[k]);
}

/* whole hours (or days) from the first session's to the last one's, both counted */
static bool span(const struct tv_agg_group *g, int64_t unit, double *out)
{
	int64_t f = g->first_start, l = g->last_start;

	if (f == TV_NONE || l == TV_NONE) {
		return false;
	}
	f = f / unit - (f % unit < 0);
	l = l / unit - (l % unit < 0);
	*out = (double)(l - f + 1);
	return true;
}

static bool per_value(const struct tv_agg *a, const struct tv_agg_group *g, size_t id, double *out)
{
	double s = c(a, g, TV_AGG_SESSIONS), units;

	switch (id) {
	case M_SESSIONS_PER_HOUR:
	case M_SESSIONS_PER_DAY:
		if (!span(g, (id == M_SESSIONS_PER_HOUR ? 1 : 24) * 3600 * TV_NS_PER_SEC, &units)) {
			return false;
		}
		return ratio(s, units, out);
	case M_TURNS_PER_SESSION:
		return ratio(c(a, g, TV_AGG_TURNS), s, out);
	case M_LLM_CALLS_PER_SESSION:
		return ratio(c(a, g, TV_AGG_LLM_CALLS), s, out);
	default:
		return ratio(c(a, g, TV_AGG_TOOL_CALLS), s, out);
	}
}

static bool rate_value(const struct tv_agg *a, const struct tv_agg_group *g, size_t id, double *out)
{
	static const enum tv_agg_count decision[] = { TV_AGG_ACCEPT, TV_AGG_REJECT, TV_AGG_MODIFY,
						      TV_AGG_AUTO_ACCEPT };
	double calls = c(a, g, TV_AGG_LLM_CALLS);

	switch (id) {
	case M_SUCCESS_RATE:
		return ratio(c(a, g, TV_AGG_SESSIONS_OK),
			     c(a, g, TV_AGG_SESSIONS_OK) + c(a, g, TV_AGG_SESSIONS_FAILED), out);
	case M_ERROR_RATE:
		return ratio(c(a, g, TV_AGG_LLM_ERRORS) + c(a, g, TV_AGG_LLM_TIMEOUTS), calls, out);
	case M_TIMEOUT_RATE:
		return ratio(c(a, g, TV_AGG_LLM_TIMEOUTS), calls, out);
	case M_TOOL_SUCCESS_RATE:
		return ratio(c(a, g, TV_AGG_TOOL_OK), c(a, g, TV_AGG_TOOL_KNOWN), out);
	case M_CACHE_HIT_RATE:
		return ratio(c(a, g, TV_AGG_CACHE_HITS), c(a, g, TV_AGG_CACHE_KNOWN), out);
	default:
		return ratio(c(a, g, decision[id - M_ACCEPT_RATE]), c(a, g, TV_AGG_DECIDED), out);
	}
}

static bool count_value(const struct tv_agg *a, const struct tv_agg_group *g, size_t id,
			double *out)
{
	static const enum tv_agg_count direct[] = {
		TV_AGG_SESSIONS,  TV_AGG_SESSIONS_FAILED, TV_AGG_TURNS,	       TV_AGG_PROMPTS,
		TV_AGG_LLM_CALLS, TV_AGG_LLM_ERRORS,	  TV_AGG_LLM_TIMEOUTS, TV_AGG_TOOL_CALLS,
	};

	if (id == M_TOOL_FAILURES) {
		*out = c(a, g, TV_AGG_TOOL_KNOWN) - c(a, g, TV_AGG_TOOL_OK);
	} else {
		*out = c(a, g, direct[id]);
	}
	return true;
}

static bool money_value(const struct tv_agg *a, const struct tv_agg_group *g, size_t id,
			double *out)
{
	double usd = sum(a, &g->sum[TV_AGG_COST_NANO]) / 1e9;

	if (g->count[TV_AGG_COSTED].n == 0) {
		return false;
	}
	if (id == M_COST_USD) {
		*out = usd;
		return true;
	}
	return ratio(usd, c(a, g, TV_AGG_SESSIONS), out);
}

static bool dist_value(struct tv_agg *a, struct tv_agg_group *g, size_t id, double *out)
{
	static const unsigned bp[] = { 5000, 9000, 9500, 9900 };
	size_t d = (id - M_NSCALAR) / S_N, s = (id - M_NSCALAR) % S_N;
	struct tv_dist *dist = &g->dist[d];
	double scale = tv_agg_dist_scale((enum tv_agg_dist)d), v;
	bool ok;

	if (s == S_COUNT) {
		*out = a->weighted ? dist->w : (double)dist->n;
		return true;
	}
	if (s == S_MEAN) {
		ok = tv_dist_mean(dist, &v);
	} else if (s == S_MIN || s == S_MAX) {
		ok = tv_dist_percentile(dist, s == S_MIN ? 0 : 10000, &v);
	} else {
		ok = tv_dist_percentile(dist, bp[s - S_P50], &v);
	}
	if (ok) {
		*out = v / scale;
	}
	return ok;
}

bool tv_metric_value(struct tv_agg *a, struct tv_agg_group *g, size_t id, double *out)
{
	if (id >= tv_metric_count()) {
		return false;
	}
	if (id >= M_NSCALAR) {
		return dist_value(a, g, id, out);
	}
	if (id >= M_COST_USD) {
		return money_value(a, g, id, out);
	}
	if (id >= M_INPUT_TOKENS) {
		*out = sum(a, &g->sum[TV_AGG_INPUT_TOKENS + (id - M_INPUT_TOKENS)]);
		return true;
	}
	if (id >= M_SESSIONS_PER_HOUR) {
		return per_value(a, g, id, out);
	}
	if (id >= M_SUCCESS_RATE) {
		return rate_value(a, g, id, out);
	}
	return count_value(a, g, id, out);
}
