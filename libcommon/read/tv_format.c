// SPDX-License-Identifier: MIT
#include <stdbool.h>
#include <string.h>

#include "libcommon/read/tv_format.h"

static const char *const names[TV_FMT_COUNT] = {
	[TV_FMT_UNKNOWN] = "unknown",
	[TV_FMT_CANONICAL] = "canonical",
	[TV_FMT_COLLECTOR_LOG] = "collector-log",
	[TV_FMT_OUTFILE] = "outfile",
	[TV_FMT_OTLP] = "otlp",
	[TV_FMT_JAEGER] = "jaeger",
	[TV_FMT_LLAMA_STACK] = "llama-stack",
	[TV_FMT_ANYCLAUDE] = "anyclaude",
	[TV_FMT_WAZA] = "waza",
	[TV_FMT_PYLOG] = "pylog",
};

const char *tv_format_name(enum tv_format f)
{
	if ((int)f < 0 || f >= TV_FMT_COUNT)
		return "unknown";
	return names[f];
}

enum tv_format tv_format_from_name(const char *name)
{
	for (int f = TV_FMT_CANONICAL; f < TV_FMT_COUNT; f++) {
		if (strcmp(names[f], name) == 0)
			return (enum tv_format)f;
	}
	return TV_FMT_UNKNOWN;
}

const char *tv_format_list(void)
{
	return "canonical, collector-log, outfile, otlp, jaeger, llama-stack, anyclaude, waza, pylog";
}

static bool has(const char *d, size_t n, const char *needle)
{
	size_t k = strlen(needle);

	if (k == 0 || k > n)
		return k == 0;
	for (const char *p = d; (size_t)(p - d) + k <= n;) {
		const char *q = memchr(p, needle[0], n - (size_t)(p - d) - k + 1);

		if (q == NULL)
			return false;
		if (memcmp(q, needle, k) == 0)
			return true;
		p = q + 1;
	}
	return false;
}

static bool isdig(char c)
{
	return c >= '0' && c <= '9';
}

/* "dddd-dd-ddXdd:dd:dd" with X the given separator */
static bool stamp(const char *s, size_t n, char sep)
{
	static const char pat[] = "dddd-dd-ddXdd:dd:dd";

	if (n < sizeof(pat) - 1)
		return false;
	for (size_t i = 0; i < sizeof(pat) - 1; i++) {
		if (pat[i] == 'd' ? !isdig(s[i]) : pat[i] == 'X' ? s[i] != sep : s[i] != pat[i])
			return false;
	}
	return true;
}

/* zap console line: 2025-04-17T10:40:44.560+0200<TAB>level<TAB> */
static bool zap_line(const char *s, size_t n)
{
	if (!stamp(s, n, 'T') || n < 29 || s[19] != '.')
		return false;
	return isdig(s[20]) && isdig(s[21]) && isdig(s[22]) && (s[23] == '+' || s[23] == '-') &&
	       s[28] == '\t';
}

/* 2025-01-01 12:00:00,123 - name - LEVEL - message */
static bool pylog_line(const char *s, size_t n)
{
	return stamp(s, n, ' ') && n > 26 && s[19] == ',' && isdig(s[20]) && isdig(s[22]) &&
	       s[23] == ' ' && s[24] == '-' && s[25] == ' ';
}

static bool block_header(const char *s, size_t n)
{
	static const char *const heads[] = { "LogRecord #", "ResourceLog #", "ResourceMetrics #",
					     "ResourceSpans #" };

	for (size_t i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
		size_t k = strlen(heads[i]);

		if (n > k && memcmp(s, heads[i], k) == 0 && isdig(s[k]))
			return true;
	}
	return false;
}

static enum tv_format detect_json_line(const char *l, size_t n)
{
	if (has(l, n, "\"televal\":1") || has(l, n, "\"televal\": 1"))
		return TV_FMT_CANONICAL;
	if (has(l, n, "\"resourceLogs\"") || has(l, n, "\"resourceSpans\"") ||
	    has(l, n, "\"resourceMetrics\""))
		return TV_FMT_OTLP;
	if (has(l, n, "\"request_id\"") && has(l, n, "\"latency_ms\""))
		return TV_FMT_ANYCLAUDE;
	if (has(l, n, "\"total_requests\"") && has(l, n, "\"p95_latency_ms\""))
		return TV_FMT_ANYCLAUDE;	/* a SessionSummary on one line */
	if (has(l, n, "\"exported_at\"") && has(l, n, "\"sessions\""))
		return TV_FMT_WAZA;
	if (has(l, n, "\"traceID\"") && (has(l, n, "\"spans\"") || has(l, n, "\"operationName\"")))
		return TV_FMT_JAEGER;
	if (has(l, n, "\"hrTime\"") || has(l, n, "\"scopeMetrics\""))
		return TV_FMT_OUTFILE;
	if (has(l, n, "\"query_id\"") && has(l, n, "\"event\""))
		return TV_FMT_PYLOG;
	return TV_FMT_UNKNOWN;
}

static enum tv_format detect_pretty_json(const char *d, size_t n)
{
	/* OTLP first: its metrics also have "scopeMetrics", as the outfile's do */
	if (has(d, n, "\"resourceLogs\"") || has(d, n, "\"resourceSpans\"") ||
	    has(d, n, "\"resourceMetrics\""))
		return TV_FMT_OTLP;
	if (has(d, n, "\"hrTime\"") || has(d, n, "\"_rawAttributes\"") ||
	    has(d, n, "\"scopeMetrics\"") || has(d, n, "\"_spanContext\""))
		return TV_FMT_OUTFILE;
	if (has(d, n, "\"exported_at\""))
		return TV_FMT_WAZA;
	if (has(d, n, "\"total_requests\"") && has(d, n, "\"p95_latency_ms\""))
		return TV_FMT_ANYCLAUDE;	/* session-<id>-summary.json */
	if (has(d, n, "\"traceID\""))
		return TV_FMT_JAEGER;
	return TV_FMT_UNKNOWN;
}

enum tv_format tv_format_detect(const char *d, size_t n)
{
	const char *l, *nl;
	size_t ln;
	int lines = 0;

	if (n >= 16 && memcmp(d, "SQLite format 3", 16) == 0)
		return TV_FMT_LLAMA_STACK;
	if (n >= 3 && memcmp(d, "\xef\xbb\xbf", 3) == 0) {
		d += 3;
		n -= 3;
	}
	while (n > 0 && (*d == ' ' || *d == '\t' || *d == '\r' || *d == '\n')) {
		d++;
		n--;
	}
	if (n == 0)
		return TV_FMT_UNKNOWN;
	nl = memchr(d, '\n', n);
	ln = nl ? (size_t)(nl - d) : n;
	if (ln > 0 && d[ln - 1] == '\r')
		ln--;
	if (d[0] == '{' || d[0] == '[') {
		size_t k = 1;

		while (k < ln && (d[k] == ' ' || d[k] == '\t'))
			k++;
		if (k >= ln)	/* a lone "{": pretty-printed JSON */
			return detect_pretty_json(d, n);
		return detect_json_line(d, ln);
	}
	/* text formats: look at the first few lines */
	for (l = d; l < d + n && lines < 64; lines++) {
		nl = memchr(l, '\n', (size_t)(d + n - l));
		ln = nl ? (size_t)(nl - l) : (size_t)(d + n - l);
		if (zap_line(l, ln) || block_header(l, ln))
			return TV_FMT_COLLECTOR_LOG;
		if (pylog_line(l, ln))
			return TV_FMT_PYLOG;
		if (nl == NULL)
			break;
		l = nl + 1;
	}
	return TV_FMT_UNKNOWN;
}
