// SPDX-License-Identifier: MIT
/*
 * tv_dbgtext: classifying the lines of the collector's debug-exporter text
 * (see tv_dbgtext.h).  Every decision looks at the start of one line only.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "libcommon/read/formats/tv_dbgtext.h"

static bool starts(const char *s, size_t n, const char *lit)
{
	size_t k = strlen(lit);

	return n >= k && memcmp(s, lit, k) == 0;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* `<lit><digits>` and nothing else */
static bool numbered(const char *s, size_t n, const char *lit)
{
	size_t k = strlen(lit);

	if (n <= k || memcmp(s, lit, k) != 0) {
		return false;
	}
	for (size_t i = k; i < n; i++) {
		if (!is_digit(s[i])) {
			return false;
		}
	}
	return true;
}

bool tv_dbg_is_zap(const char *s, size_t n)
{
	static const char pat[] = "dddd-dd-ddTdd:dd:dd";
	size_t i;

	if (n < sizeof(pat)) {
		return false;
	}
	for (i = 0; i < sizeof(pat) - 1; i++) {
		if (pat[i] == 'd' ? !is_digit(s[i]) : s[i] != pat[i]) {
			return false;
		}
	}
	for (; i < n && i < 48; i++) {
		if (s[i] == '\t') {
			return true;
		}
		if (!is_digit(s[i]) && !memchr(".,:+-Z", s[i], 6)) {
			return false;
		}
	}
	return false;
}

/* `Type(` at @s: sets *@len to the bytes matched */
static bool value_type(const char *s, size_t n, enum tv_dbg_type *type, size_t *len)
{
	static const struct {
		const char *name;
		enum tv_dbg_type type;
	} types[] = {
		{ "Str(", TV_DBG_T_STR },     { "Int(", TV_DBG_T_INT },
		{ "Bool(", TV_DBG_T_BOOL },   { "Double(", TV_DBG_T_DOUBLE },
		{ "Map(", TV_DBG_T_MAP },     { "Slice(", TV_DBG_T_SLICE },
		{ "Bytes(", TV_DBG_T_BYTES }, { "Empty(", TV_DBG_T_EMPTY },
	};

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (starts(s, n, types[i].name)) {
			*type = types[i].type;
			*len = strlen(types[i].name);
			return true;
		}
	}
	return false;
}

/* `Word(` with a capitalised word that is not a debug-exporter type */
static bool unknown_type(const char *s, size_t n)
{
	size_t i = 0;

	if (n == 0 || s[0] < 'A' || s[0] > 'Z') {
		return false;
	}
	while (i < n && ((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z'))) {
		i++;
	}
	return i < n && s[i] == '(';
}

/* `[blanks]-> key: Type(`: fills key, klen, type and val of @l */
static bool attr_start(struct tv_dbg_line *l)
{
	const char *s = l->s, *colon;
	size_t n = l->n, i = 0, tlen;

	while (i < n && is_space(s[i])) {
		i++;
	}
	if (n - i < 3 || memcmp(s + i, "-> ", 3) != 0) {
		return false;
	}
	i += 3;
	colon = memchr(s + i, ':', n - i);
	while (colon != NULL && (size_t)(colon - s) + 1 < n && colon[1] != ' ') {
		colon = memchr(colon + 1, ':', n - (size_t)(colon + 1 - s));
	}
	if (colon == NULL || (size_t)(colon - s) + 1 >= n) {
		return false;
	}
	l->key = i;
	l->klen = (size_t)(colon - s) - i;
	i = (size_t)(colon - s) + 2;
	if (!value_type(s + i, n - i, &l->type, &tlen)) {
		l->unknown_type = unknown_type(s + i, n - i);
		return false;
	}
	l->val = i + tlen;
	return true;
}

/* `<name>:` with the value after one optional space */
static bool field(struct tv_dbg_line *l, const char *name)
{
	size_t k = strlen(name);

	if (!starts(l->s, l->n, name)) {
		return false;
	}
	l->val = k < l->n && l->s[k] == ' ' ? k + 1 : k;
	return true;
}

static enum tv_dbg_kind classify_indented(struct tv_dbg_line *l)
{
	size_t i = 0;

	if (attr_start(l)) {
		return TV_DBG_K_ATTR;
	}
	if (l->n > 1 && l->s[0] == '\t' && l->s[1] == '{') {
		return TV_DBG_K_TRAILER;
	}
	while (i < l->n && is_space(l->s[i])) {
		i++;
	}
	return i == l->n ? TV_DBG_K_BLANK : TV_DBG_K_OTHER;
}

static enum tv_dbg_kind classify_r(struct tv_dbg_line *l)
{
	const char *s = l->s;
	size_t n = l->n;

	if (numbered(s, n, "ResourceLog #")) {
		return TV_DBG_K_RESOURCE_LOG;
	}
	if (numbered(s, n, "ResourceMetrics #") || numbered(s, n, "ResourceSpans #")) {
		return TV_DBG_K_RESOURCE_OTHER;
	}
	if (field(l, "Resource SchemaURL:")) {
		return TV_DBG_K_RES_SCHEMA;
	}
	return field(l, "Resource attributes:") ? TV_DBG_K_RES_ATTRS : TV_DBG_K_OTHER;
}

static enum tv_dbg_kind classify_s(struct tv_dbg_line *l)
{
	if (field(l, "SeverityText:") || field(l, "SeverityNumber:")) {
		return TV_DBG_K_SEVERITY;
	}
	if (field(l, "Span ID:")) {
		return TV_DBG_K_SPAN_ID;
	}
	if (numbered(l->s, l->n, "ScopeLogs #")) {
		return TV_DBG_K_SCOPE;
	}
	if (field(l, "ScopeLogs SchemaURL:")) {
		return TV_DBG_K_SCOPE_SCHEMA;
	}
	return numbered(l->s, l->n, "Span #") ? TV_DBG_K_SPAN : TV_DBG_K_OTHER;
}

static enum tv_dbg_kind classify_i(struct tv_dbg_line *l)
{
	if (field(l, "InstrumentationScope attributes:")) {
		return TV_DBG_K_ISCOPE_ATTRS;
	}
	return starts(l->s, l->n, "InstrumentationScope") ? TV_DBG_K_ISCOPE : TV_DBG_K_OTHER;
}

static enum tv_dbg_kind classify_t(struct tv_dbg_line *l)
{
	if (field(l, "Timestamp:")) {
		return TV_DBG_K_TIMESTAMP;
	}
	return field(l, "Trace ID:") ? TV_DBG_K_TRACE_ID : TV_DBG_K_OTHER;
}

/* a line that is a `<name>:` field or nothing */
static enum tv_dbg_kind one_field(struct tv_dbg_line *l, const char *name, enum tv_dbg_kind kind)
{
	return field(l, name) ? kind : TV_DBG_K_OTHER;
}

enum tv_dbg_kind tv_dbg_classify(struct tv_dbg_line *l)
{
	l->val = 0;
	l->key = 0;
	l->klen = 0;
	l->type = TV_DBG_T_RAW;
	l->unknown_type = false;
	if (l->n == 0) {
		return TV_DBG_K_BLANK;
	}
	switch (l->s[0]) {
	case ' ':
	case '\t':
	case '-':
		return classify_indented(l);
	case 'A':
		return one_field(l, "Attributes:", TV_DBG_K_ATTRS);
	case 'B':
		return one_field(l, "Body:", TV_DBG_K_BODY);
	case 'E':
		return one_field(l, "EventName:", TV_DBG_K_EVENT_NAME);
	case 'F':
		return one_field(l, "Flags:", TV_DBG_K_FLAGS);
	case 'I':
		return classify_i(l);
	case 'L':
		return numbered(l->s, l->n, "LogRecord #") ? TV_DBG_K_LOG_RECORD : TV_DBG_K_OTHER;
	case 'M':
		return numbered(l->s, l->n, "Metric #") ? TV_DBG_K_METRIC : TV_DBG_K_OTHER;
	case 'O':
		return one_field(l, "ObservedTimestamp:", TV_DBG_K_OBSERVED);
	case 'R':
		return classify_r(l);
	case 'S':
		return classify_s(l);
	case 'T':
		return classify_t(l);
	default:
		return is_digit(l->s[0]) && tv_dbg_is_zap(l->s, l->n) ? TV_DBG_K_ZAP
								      : TV_DBG_K_OTHER;
	}
}

void tv_dbg_body(struct tv_dbg_line *l)
{
	size_t tlen = 0;

	l->type = TV_DBG_T_RAW;
	value_type(l->s + l->val, l->n - l->val, &l->type, &tlen);
	l->val += tlen;
	l->key = 0;
	l->klen = 0;
}

bool tv_dbg_ends_value(enum tv_dbg_kind k, bool body)
{
	switch (k) {
	case TV_DBG_K_ATTR:
	case TV_DBG_K_TRACE_ID:
	case TV_DBG_K_SPAN_ID:
	case TV_DBG_K_FLAGS:
	case TV_DBG_K_LOG_RECORD:
	case TV_DBG_K_RESOURCE_LOG:
	case TV_DBG_K_RESOURCE_OTHER:
	case TV_DBG_K_SCOPE:
	case TV_DBG_K_ZAP:
		return true;
	case TV_DBG_K_ATTRS:
		return body;
	default:
		return false;
	}
}

bool tv_dbg_is_boundary(enum tv_dbg_kind k)
{
	switch (k) {
	case TV_DBG_K_ZAP:
	case TV_DBG_K_TRAILER:
	case TV_DBG_K_RESOURCE_LOG:
	case TV_DBG_K_RESOURCE_OTHER:
	case TV_DBG_K_METRIC:
	case TV_DBG_K_SPAN:
	case TV_DBG_K_LOG_RECORD:
		return true;
	default:
		return false;
	}
}

bool tv_dbg_is_stack(const char *s, size_t n)
{
	if (n > 0 && s[0] == '\t') {
		return true;
	}
	return n > 0 && !memchr(s, ' ', n) && !memchr(s, '\t', n) && memchr(s, '.', n) != NULL;
}

enum tv_dbg_kind tv_dbg_zap_block(const char *s, size_t n, size_t *msg)
{
	size_t i = n;

	while (i > 0 && s[i - 1] != '\t') {
		i--;
	}
	if (msg != NULL) {
		*msg = i;
	}
	s += i;
	n -= i;
	if (numbered(s, n, "ResourceLog #")) {
		return TV_DBG_K_RESOURCE_LOG;
	}
	if (numbered(s, n, "ResourceMetrics #") || numbered(s, n, "ResourceSpans #")) {
		return TV_DBG_K_RESOURCE_OTHER;
	}
	return TV_DBG_K_OTHER;
}
