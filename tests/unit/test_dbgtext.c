// SPDX-License-Identifier: MIT
/*
 * tv_dbgtext: the kinds of the debug exporter's lines, with the key, value
 * type and value start that classification finds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "libcommon/read/formats/tv_dbgtext.h"

#define ZAP_TS "2025-07-27T08:53:44.100+0000\t"

/* NONE: no key/value expectation (val is not checked) */
#define NONE NULL

struct row {
	const char *line;
	enum tv_dbg_kind kind;
	const char *key;       /* TV_DBG_K_ATTR, unknown types: the key, else NULL */
	enum tv_dbg_type type; /* TV_DBG_K_ATTR: the value type */
	const char *val;       /* the text from val on, or NULL not to check */
	bool unknown;	       /* unknown_type */
};

static const struct row rows[] = {
	/* blank and other */
	{ "", TV_DBG_K_BLANK, NONE, TV_DBG_T_RAW, NONE, false },
	{ "   ", TV_DBG_K_BLANK, NONE, TV_DBG_T_RAW, NONE, false },
	{ "\t \t", TV_DBG_K_BLANK, NONE, TV_DBG_T_RAW, NONE, false },
	{ "hello world", TV_DBG_K_OTHER, NONE, TV_DBG_T_RAW, NONE, false },
	{ "  continued text)", TV_DBG_K_OTHER, NONE, TV_DBG_T_RAW, NONE, false },
	{ "-", TV_DBG_K_OTHER, NONE, TV_DBG_T_RAW, NONE, false },
	{ "github.com/x/y.(*T).Run", TV_DBG_K_OTHER, NONE, TV_DBG_T_RAW, NONE, false },
	{ "\t/go/src/x.go:12", TV_DBG_K_OTHER, NONE, TV_DBG_T_RAW, NONE, false },

	/* zap lines and their trailer */
	{ ZAP_TS "info\tLogs\t{}", TV_DBG_K_ZAP, NONE, TV_DBG_T_RAW, NONE, false },
	{ "2025-07-27T08:53:44Z\twarn\tx", TV_DBG_K_ZAP, NONE, TV_DBG_T_RAW, NONE, false },
	{ "2025-07-27T08:53:44.1,2:3-4\tx", TV_DBG_K_ZAP, NONE, TV_DBG_T_RAW, NONE, false },
	{ "2025-07-27T08:53:44.100+0000 info", TV_DBG_K_OTHER, NONE, TV_DBG_T_RAW, NONE, false },
	{ "2025-07-27 08:53:44\tinfo", TV_DBG_K_OTHER, NONE, TV_DBG_T_RAW, NONE, false },
	{ "2025-07-27T08:53:44", TV_DBG_K_OTHER, NONE, TV_DBG_T_RAW, NONE, false },
	{ "2025", TV_DBG_K_OTHER, NONE, TV_DBG_T_RAW, NONE, false },
	{ "\t{\"otelcol.signal\": \"logs\"}", TV_DBG_K_TRAILER, NONE, TV_DBG_T_RAW, NONE, false },
	{ " {\"a\": 1}", TV_DBG_K_OTHER, NONE, TV_DBG_T_RAW, NONE, false },

	/* attributes, with 0 or more leading blanks */
	{ "-> service.name: Str(gemini-cli)", TV_DBG_K_ATTR, "service.name", TV_DBG_T_STR,
	  "gemini-cli)", false },
	{ "     -> n: Int(42)", TV_DBG_K_ATTR, "n", TV_DBG_T_INT, "42)", false },
	{ "\t-> d: Double(1.5)", TV_DBG_K_ATTR, "d", TV_DBG_T_DOUBLE, "1.5)", false },
	{ "  -> ok: Bool(true)", TV_DBG_K_ATTR, "ok", TV_DBG_T_BOOL, "true)", false },
	{ "-> b: Bytes(AAEC)", TV_DBG_K_ATTR, "b", TV_DBG_T_BYTES, "AAEC)", false },
	{ "-> s: Slice([1,2])", TV_DBG_K_ATTR, "s", TV_DBG_T_SLICE, "[1,2])", false },
	{ "-> m: Map({\"a\":1})", TV_DBG_K_ATTR, "m", TV_DBG_T_MAP, "{\"a\":1})", false },
	{ "-> e: Empty()", TV_DBG_K_ATTR, "e", TV_DBG_T_EMPTY, ")", false },
	{ "-> url:x: Str(http://h:1)", TV_DBG_K_ATTR, "url:x", TV_DBG_T_STR, "http://h:1)", false },
	{ "-> k: Str(", TV_DBG_K_ATTR, "k", TV_DBG_T_STR, "", false },
	{ "-> k: Str", TV_DBG_K_OTHER, "k", TV_DBG_T_RAW, NONE, false },
	{ "-> k:Str(x)", TV_DBG_K_OTHER, NONE, TV_DBG_T_RAW, NONE, false },
	{ "-> k: ", TV_DBG_K_OTHER, "k", TV_DBG_T_RAW, NONE, false },
	{ "->k: Str(x)", TV_DBG_K_OTHER, NONE, TV_DBG_T_RAW, NONE, false },
	{ "-> k: str(x)", TV_DBG_K_OTHER, "k", TV_DBG_T_RAW, NONE, false },

	/* unknown `Word(` types */
	{ "-> k: Float(1.5)", TV_DBG_K_OTHER, "k", TV_DBG_T_RAW, NONE, true },
	{ "   -> weird.key: Timestamp(0)", TV_DBG_K_OTHER, "weird.key", TV_DBG_T_RAW, NONE, true },
	{ "-> k: Float", TV_DBG_K_OTHER, "k", TV_DBG_T_RAW, NONE, false },
	{ "-> k: X1(2)", TV_DBG_K_OTHER, "k", TV_DBG_T_RAW, NONE, false },

	/* block headers */
	{ "ResourceLog #0", TV_DBG_K_RESOURCE_LOG, NONE, TV_DBG_T_RAW, NONE, false },
	{ "ResourceLog #12", TV_DBG_K_RESOURCE_LOG, NONE, TV_DBG_T_RAW, NONE, false },
	{ "ResourceLog #", TV_DBG_K_OTHER, NONE, TV_DBG_T_RAW, NONE, false },
	{ "ResourceLog #1 ", TV_DBG_K_OTHER, NONE, TV_DBG_T_RAW, NONE, false },
	{ "ResourceMetrics #0", TV_DBG_K_RESOURCE_OTHER, NONE, TV_DBG_T_RAW, NONE, false },
	{ "ResourceSpans #3", TV_DBG_K_RESOURCE_OTHER, NONE, TV_DBG_T_RAW, NONE, false },
	{ "Resource SchemaURL: https://x", TV_DBG_K_RES_SCHEMA, NONE, TV_DBG_T_RAW, "https://x",
	  false },
	{ "Resource attributes:", TV_DBG_K_RES_ATTRS, NONE, TV_DBG_T_RAW, "", false },
	{ "Resources", TV_DBG_K_OTHER, NONE, TV_DBG_T_RAW, NONE, false },
	{ "ScopeLogs #0", TV_DBG_K_SCOPE, NONE, TV_DBG_T_RAW, NONE, false },
	{ "ScopeLogs SchemaURL: ", TV_DBG_K_SCOPE_SCHEMA, NONE, TV_DBG_T_RAW, "", false },
	{ "InstrumentationScope gemini-cli ", TV_DBG_K_ISCOPE, NONE, TV_DBG_T_RAW, NONE, false },
	{ "InstrumentationScope attributes:", TV_DBG_K_ISCOPE_ATTRS, NONE, TV_DBG_T_RAW, "",
	  false },
	{ "Instrument", TV_DBG_K_OTHER, NONE, TV_DBG_T_RAW, NONE, false },
	{ "LogRecord #0", TV_DBG_K_LOG_RECORD, NONE, TV_DBG_T_RAW, NONE, false },
	{ "LogRecord #x", TV_DBG_K_OTHER, NONE, TV_DBG_T_RAW, NONE, false },
	{ "Metric #4", TV_DBG_K_METRIC, NONE, TV_DBG_T_RAW, NONE, false },
	{ "Metrics", TV_DBG_K_OTHER, NONE, TV_DBG_T_RAW, NONE, false },
	{ "Span #7", TV_DBG_K_SPAN, NONE, TV_DBG_T_RAW, NONE, false },
	{ "Span #", TV_DBG_K_OTHER, NONE, TV_DBG_T_RAW, NONE, false },

	/* record fields: the value after the colon and one optional space */
	{ "ObservedTimestamp: 2025-07-27 08:53:44 +0000 UTC", TV_DBG_K_OBSERVED, NONE, TV_DBG_T_RAW,
	  "2025-07-27 08:53:44 +0000 UTC", false },
	{ "Timestamp: 1970-01-01 00:00:00 +0000 UTC", TV_DBG_K_TIMESTAMP, NONE, TV_DBG_T_RAW,
	  "1970-01-01 00:00:00 +0000 UTC", false },
	{ "SeverityText: ", TV_DBG_K_SEVERITY, NONE, TV_DBG_T_RAW, "", false },
	{ "SeverityNumber: Unspecified(0)", TV_DBG_K_SEVERITY, NONE, TV_DBG_T_RAW, "Unspecified(0)",
	  false },
	{ "EventName: gemini_cli.user_prompt", TV_DBG_K_EVENT_NAME, NONE, TV_DBG_T_RAW,
	  "gemini_cli.user_prompt", false },
	{ "Body: Str(hello)", TV_DBG_K_BODY, NONE, TV_DBG_T_RAW, "Str(hello)", false },
	{ "Body:Str(x)", TV_DBG_K_BODY, NONE, TV_DBG_T_RAW, "Str(x)", false },
	{ "Body:  two", TV_DBG_K_BODY, NONE, TV_DBG_T_RAW, " two", false },
	{ "Bodies", TV_DBG_K_OTHER, NONE, TV_DBG_T_RAW, NONE, false },
	{ "Attributes:", TV_DBG_K_ATTRS, NONE, TV_DBG_T_RAW, "", false },
	{ "Attribute", TV_DBG_K_OTHER, NONE, TV_DBG_T_RAW, NONE, false },
	{ "Trace ID: 0af7651916cd43dd8448eb211c80319c", TV_DBG_K_TRACE_ID, NONE, TV_DBG_T_RAW,
	  "0af7651916cd43dd8448eb211c80319c", false },
	{ "Trace ID:", TV_DBG_K_TRACE_ID, NONE, TV_DBG_T_RAW, "", false },
	{ "Span ID: b7ad6b7169203331", TV_DBG_K_SPAN_ID, NONE, TV_DBG_T_RAW, "b7ad6b7169203331",
	  false },
	{ "Flags: 0", TV_DBG_K_FLAGS, NONE, TV_DBG_T_RAW, "0", false },
	{ "Flag", TV_DBG_K_OTHER, NONE, TV_DBG_T_RAW, NONE, false },
	{ "Events", TV_DBG_K_OTHER, NONE, TV_DBG_T_RAW, NONE, false },
	{ "Other: 1", TV_DBG_K_OTHER, NONE, TV_DBG_T_RAW, NONE, false },
};

static void check_row(const struct row *w)
{
	struct tv_dbg_line l = { .s = w->line, .n = strlen(w->line) };
	enum tv_dbg_kind kind;

	/* stale results of an earlier line must not leak into this one */
	l.val = 99;
	l.key = 99;
	l.klen = 99;
	l.type = TV_DBG_T_MAP;
	l.unknown_type = true;
	kind = tv_dbg_classify(&l);
	if (kind != w->kind) {
		fail_msg("\"%s\": kind %d, want %d", w->line, (int)kind, (int)w->kind);
	}
	if (l.unknown_type != w->unknown) {
		fail_msg("\"%s\": unknown_type %d, want %d", w->line, l.unknown_type, w->unknown);
	}
	if (w->key != NULL &&
	    (l.klen != strlen(w->key) || memcmp(l.s + l.key, w->key, l.klen) != 0)) {
		fail_msg("\"%s\": key \"%.*s\", want \"%s\"", w->line, (int)l.klen, l.s + l.key,
			 w->key);
	}
	if (w->key == NULL && l.klen != 0) {
		fail_msg("\"%s\": klen %zu, want 0", w->line, l.klen);
	}
	if (kind == TV_DBG_K_ATTR && l.type != w->type) {
		fail_msg("\"%s\": type %d, want %d", w->line, (int)l.type, (int)w->type);
	}
	if (w->val != NULL && strcmp(l.s + l.val, w->val) != 0) {
		fail_msg("\"%s\": value \"%s\", want \"%s\"", w->line, l.s + l.val, w->val);
	}
}

static void test_classify_table(void **state)
{
	bool seen[TV_DBG_K_SPAN + 1] = { false };

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		check_row(&rows[i]);
		seen[rows[i].kind] = true;
	}
	for (int k = 0; k <= TV_DBG_K_SPAN; k++) {
		if (!seen[k]) {
			fail_msg("no row of kind %d", k);
		}
	}
}

/* The line is only read up to n: a longer buffer does not change the kind. */
static void test_classify_length(void **state)
{
	struct tv_dbg_line l = { .s = "LogRecord #12xyz", .n = 13 };

	(void)state;
	assert_int_equal(tv_dbg_classify(&l), TV_DBG_K_LOG_RECORD);
	l.s = "-> k: Str(v)";
	l.n = 9;
	assert_int_equal(tv_dbg_classify(&l), TV_DBG_K_OTHER);
	l.n = 10;
	assert_int_equal(tv_dbg_classify(&l), TV_DBG_K_ATTR);
	assert_int_equal(l.val, 10);
}

static void check_body(const char *line, enum tv_dbg_type type, const char *val)
{
	struct tv_dbg_line l = { .s = line, .n = strlen(line) };

	assert_int_equal(tv_dbg_classify(&l), TV_DBG_K_BODY);
	l.key = 5;
	l.klen = 5;
	tv_dbg_body(&l);
	assert_int_equal(l.type, type);
	assert_string_equal(l.s + l.val, val);
	assert_int_equal(l.key, 0);
	assert_int_equal(l.klen, 0);
}

static void test_body(void **state)
{
	(void)state;
	check_body("Body: Str(hello)", TV_DBG_T_STR, "hello)");
	check_body("Body: Map({})", TV_DBG_T_MAP, "{})");
	check_body("Body: Empty()", TV_DBG_T_EMPTY, ")");
	check_body("Body: plain text", TV_DBG_T_RAW, "plain text");
	check_body("Body: ", TV_DBG_T_RAW, "");
	check_body("Body: Float(1)", TV_DBG_T_RAW, "Float(1)");
}

static void test_ends_value(void **state)
{
	static const enum tv_dbg_kind ends[] = {
		TV_DBG_K_ATTR,		 TV_DBG_K_TRACE_ID,   TV_DBG_K_SPAN_ID,
		TV_DBG_K_FLAGS,		 TV_DBG_K_LOG_RECORD, TV_DBG_K_RESOURCE_LOG,
		TV_DBG_K_RESOURCE_OTHER, TV_DBG_K_SCOPE,      TV_DBG_K_ZAP,
	};
	int n_end = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(ends) / sizeof(ends[0]); i++) {
		assert_true(tv_dbg_ends_value(ends[i], false));
		assert_true(tv_dbg_ends_value(ends[i], true));
	}
	for (int k = 0; k <= TV_DBG_K_SPAN; k++) {
		n_end += tv_dbg_ends_value((enum tv_dbg_kind)k, false);
	}
	assert_int_equal(n_end, (int)(sizeof(ends) / sizeof(ends[0])));
	assert_false(tv_dbg_ends_value(TV_DBG_K_ATTRS, false));
	assert_true(tv_dbg_ends_value(TV_DBG_K_ATTRS, true));
	assert_false(tv_dbg_ends_value(TV_DBG_K_OTHER, true));
	assert_false(tv_dbg_ends_value(TV_DBG_K_BLANK, true));
	assert_false(tv_dbg_ends_value(TV_DBG_K_TRAILER, true));
	assert_false(tv_dbg_ends_value(TV_DBG_K_METRIC, true));
}

static void test_is_boundary(void **state)
{
	static const enum tv_dbg_kind bounds[] = {
		TV_DBG_K_ZAP,	 TV_DBG_K_TRAILER, TV_DBG_K_RESOURCE_LOG, TV_DBG_K_RESOURCE_OTHER,
		TV_DBG_K_METRIC, TV_DBG_K_SPAN,	   TV_DBG_K_LOG_RECORD,
	};
	int n = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(bounds) / sizeof(bounds[0]); i++) {
		assert_true(tv_dbg_is_boundary(bounds[i]));
	}
	for (int k = 0; k <= TV_DBG_K_SPAN; k++) {
		n += tv_dbg_is_boundary((enum tv_dbg_kind)k);
	}
	assert_int_equal(n, (int)(sizeof(bounds) / sizeof(bounds[0])));
}

static enum tv_dbg_kind zap_block(const char *s, size_t *msg)
{
	return tv_dbg_zap_block(s, strlen(s), msg);
}

static void test_zap_block(void **state)
{
	size_t msg = 99;

	(void)state;
	assert_int_equal(zap_block(ZAP_TS "info\tResourceLog #0", &msg), TV_DBG_K_RESOURCE_LOG);
	assert_int_equal(msg, strlen(ZAP_TS "info\t"));
	assert_int_equal(zap_block(ZAP_TS "info\tResourceSpans #1", NULL), TV_DBG_K_RESOURCE_OTHER);
	assert_int_equal(zap_block(ZAP_TS "info\tResourceMetrics #2", NULL),
			 TV_DBG_K_RESOURCE_OTHER);
	assert_int_equal(zap_block(ZAP_TS "info\tLogs\t{\"a\": 1}", &msg), TV_DBG_K_OTHER);
	assert_int_equal(zap_block(ZAP_TS "info\tResourceLog #0 x", NULL), TV_DBG_K_OTHER);
	assert_int_equal(zap_block("ResourceLog #3", &msg), TV_DBG_K_RESOURCE_LOG);
	assert_int_equal(msg, 0);
	assert_int_equal(zap_block("a\t", &msg), TV_DBG_K_OTHER);
	assert_int_equal(msg, 2);
}

/* a fraction of 28 digits puts the tab at byte 48: one too late */
#define LATE_TAB "2025-07-27T08:53:44.0000000000000000000000000000\t"

static void test_is_zap(void **state)
{
	(void)state;
	assert_true(tv_dbg_is_zap(ZAP_TS "info", strlen(ZAP_TS "info")));
	assert_true(tv_dbg_is_zap("2025-07-27T08:53:44\t", 20));
	assert_false(tv_dbg_is_zap("2025-07-27T08:53:44", 19));
	assert_false(tv_dbg_is_zap("2025-07-27T08:53:44x\t", 21));
	assert_false(tv_dbg_is_zap("2025-07-2TT08:53:44.1\t", 22));
	/* the tab must come within 48 bytes */
	assert_false(tv_dbg_is_zap(LATE_TAB, strlen(LATE_TAB)));
	assert_true(tv_dbg_is_zap("2025-07-27T08:53:44.000000000000000000000000000\t", 48));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify_table), cmocka_unit_test(test_classify_length),
		cmocka_unit_test(test_body),	       cmocka_unit_test(test_ends_value),
		cmocka_unit_test(test_is_boundary),    cmocka_unit_test(test_zap_block),
		cmocka_unit_test(test_is_zap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
