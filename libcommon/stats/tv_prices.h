/* SPDX-License-Identifier: MIT */
/*
 * tv_prices: a dated table of per-model prices, in US dollars per million
 * tokens, read from YAML:
 *
 *   date: 2025-07-01          # when the prices were read (required)
 *   source: https://...       # where from (required)
 *   currency: USD             # optional; only USD
 *   models:
 *     gemini-2.5-pro: { input: 1.25, output: 10.00, cached_input: 0.31 }
 *     claude-sonnet-4*: { input: 3.00, output: 15.00, cached_input: 0.30 }
 *
 * A model matches its exact name first, then the longest name ending in
 * `*` that is a prefix of it.  The cost of one LLM call, in dollars:
 *
 *   ((input - cached) * input + cached * cached_input
 *    + (output + thinking) * output) / 1e6
 *
 * with cached tokens counted as part of the input tokens (as the OpenAI,
 * Gemini and OpenTelemetry GenAI usage fields count them) and thinking
 * tokens billed at the output price; cached_input defaults to input.
 */
#ifndef TV_PRICES_H
#define TV_PRICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libcommon/core/tv_error.h"

/* the most lists and mappings a price table may nest (a table needs 3) */
#define TV_PRICES_MAX_DEPTH 32

struct tv_price {
	char *model; /* a name, or a prefix followed by '*' */
	double input, output, cached_input;
};

struct tv_prices {
	char *date, *source;
	struct tv_price *v;
	size_t n;
};

/**
 * tv_prices_load: the table in the YAML file @file.  Returns 0 and *@out
 * (free with tv_prices_destroy()), or a negative code with @err set: -errno
 * when the file cannot be read, -TV_EPARSE (with the line of the problem),
 * -ENOMEM.
 */
int tv_prices_load(const char *file, struct tv_prices **out, struct tv_error *err);
/** tv_prices_destroy: @p may be NULL. */
void tv_prices_destroy(struct tv_prices *p);

/** tv_prices_find: the price of @model (@n bytes), or NULL (borrowed from @p). */
const struct tv_price *tv_prices_find(const struct tv_prices *p, const char *model, size_t n);

/**
 * tv_price_nano: the cost of a call in nanodollars (rounded), from its
 * token counts (negative counts as 0); INT64_MAX when it would not fit.
 */
int64_t tv_price_nano(const struct tv_price *p, int64_t input, int64_t cached, int64_t output,
		      int64_t thinking);

#endif
