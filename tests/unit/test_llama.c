// SPDX-License-Identifier: MIT
/*
 * tv_read_llama: Llama Stack telemetry SQLite stores, built here with the
 * sqlite3 C API and read through tv_read_file() into sessions.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>
#include <zlib.h>

#include "libcommon/read/tv_reader.h"
#include "libcommon/core/tv_time.h"

#include "reader_fixture.h"

/* A test's store, and what reading it produced. */
struct fix {
	struct rf_run run;
	int64_t gap;   /* --gap for the next read */
	char path[64]; /* the database of the test */
	sqlite3 *db;   /* open on it while the test builds it */
};

/* Read @path in @fmt into f->run (freeing what it held). */
static void run_path(struct fix *f, const char *path, const struct tv_format *fmt, bool keep_events)
{
	const struct rf_opts o = { .gap = f->gap, .keep_events = keep_events };

	rf_free(&f->run);
	rf_run_paths(&f->run, &path, 1, fmt, &o);
}

/* close the test's connection and read its database */
static void run_db(struct fix *f, bool keep_events)
{
	assert_int_equal(sqlite3_close(f->db), SQLITE_OK);
	f->db = NULL;
	run_path(f, f->path, rf_fmt("llama-stack"), keep_events);
}

/* ---- building stores ---- */

/* the sink's schema, as sqlite_span_processor.py creates it */
static const char schema[] =
	"CREATE TABLE traces (trace_id TEXT PRIMARY KEY, service_name TEXT, root_span_id TEXT,"
	" start_time TIMESTAMP, end_time TIMESTAMP, created_at TIMESTAMP DEFAULT"
	" CURRENT_TIMESTAMP);"
	"CREATE TABLE spans (span_id TEXT PRIMARY KEY, trace_id TEXT REFERENCES"
	" traces(trace_id), parent_span_id TEXT, name TEXT, start_time TIMESTAMP, end_time"
	" TIMESTAMP, attributes TEXT, status TEXT, kind TEXT);"
	"CREATE TABLE span_events (id INTEGER PRIMARY KEY AUTOINCREMENT, span_id TEXT"
	" REFERENCES spans(span_id), name TEXT, timestamp TIMESTAMP, attributes TEXT);"
	"CREATE INDEX idx_traces_created_at ON traces(created_at);";

static void exec(struct fix *f, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(f->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fail_msg("%s: %s", sql, msg);
	}
}

/* exec a sqlite3_mprintf() statement (%Q quotes and NULL-safe) */
static void execf(struct fix *f, const char *fmt, ...)
{
	va_list ap;
	char *sql;

	va_start(ap, fmt);
	sql = sqlite3_vmprintf(fmt, ap);
	va_end(ap);
	assert_non_null(sql);
	exec(f, sql);
	sqlite3_free(sql);
}

/* a new empty file for the test; @sql (may be NULL) run on it */
static void db_new(struct fix *f, const char *sql)
{
	int fd;

	snprintf(f->path, sizeof(f->path), "/tmp/test_llama_XXXXXX");
	fd = mkstemp(f->path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(sqlite3_open(f->path, &f->db), SQLITE_OK);
	if (sql != NULL) {
		exec(f, sql);
	}
}

static void add_trace(struct fix *f, const char *id, const char *root, const char *start,
		      const char *end)
{
	execf(f, "INSERT INTO traces VALUES (%Q, 'llama-stack', %Q, %Q, %Q, CURRENT_TIMESTAMP)", id,
	      root, start, end);
}

static void add_span(struct fix *f, const char *id, const char *trace, const char *parent,
		     const char *name, const char *start, const char *end, const char *attrs,
		     const char *status)
{
	execf(f, "INSERT INTO spans VALUES (%Q, %Q, %Q, %Q, %Q, %Q, %Q, %Q, 'INTERNAL')", id, trace,
	      parent, name, start, end, attrs, status);
}

static void add_event(struct fix *f, const char *span, const char *name, const char *t,
		      const char *attrs)
{
	execf(f,
	      "INSERT INTO span_events (span_id, name, timestamp, attributes) VALUES "
	      "(%Q, %Q, %Q, %Q)",
	      span, name, t, attrs);
}

#define SID "d73d9aaa-65ac-4255-8153-9f5cbff6e01e"
#define T1 "0123456789abcdef0123456789abcdef"
#define T2 "fedcba9876543210fedcba9876543210"
#define T0(s) "2025-03-01T12:00:" s "+00:00"

/* one agent turn: root, turn span, inference, tool_execution, final inference */
static void add_turn(struct fix *f, const char *trace, const char *sid, const char *sec,
		     const char *prompt, const char *answer)
{
	char id[5][24], attrs[1024], when[4][40];

	for (int i = 0; i < 5; i++) {
		snprintf(id[i], sizeof(id[i]), "%.8s%08d", trace, i);
	}
	for (int i = 0; i < 4; i++) {
		snprintf(when[i], sizeof(when[i]), "2025-03-01T12:%s:0%d.250000+00:00", sec, i);
	}
	add_trace(f, trace, id[0], when[0], when[3]);
	add_span(f, id[0], trace, NULL, "/v1/agents/{agent_id}/session/{session_id}/turn", when[0],
		 when[3], "{\"__root__\": true, \"__location__\": \"server\"}", "OK");
	snprintf(attrs, sizeof(attrs),
		 "{\"session_id\": \"%s\", \"agent_id\": \"agent-1\", "
		 "\"turn_id\": \"turn-%s\", \"request\": \"{\\\"messages\\\": [{\\\"role\\\": "
		 "\\\"user\\\", \\\"content\\\": \\\"%s\\\"}]}\"}",
		 sid, sec, prompt);
	add_span(f, id[1], trace, id[0], "create_and_execute_turn", when[0], when[3], attrs, "OK");
	add_span(f, id[2], trace, id[1], "inference", when[0], when[1],
		 "{\"model_id\": \"llama3.2:3b\", \"stop_reason\": \"end_of_turn\", "
		 "\"input\": \"[]\", \"output\": \"{\\\"content\\\": \\\"\\\", \\\"tool_calls\\\": "
		 "[{\\\"call_id\\\": \\\"c1\\\", \\\"tool_name\\\": \\\"ls\\\", \\\"arguments\\\": "
		 "{\\\"dir\\\": \\\"/\\\"}}]}\"}",
		 "OK");
	add_span(f, id[3], trace, id[1], "tool_execution", when[1], when[2],
		 "{\"tool_name\": \"ls\", \"input\": \"{\\\"dir\\\": \\\"/\\\"}\", \"output\": "
		 "\"{\\\"role\\\": \\\"tool\\\", \\\"call_id\\\": \\\"c1\\\", \\\"content\\\": "
		 "\\\"bin etc\\\"}\"}",
		 "OK");
	snprintf(attrs, sizeof(attrs),
		 "{\"model_id\": \"llama3.2:3b\", \"output\": "
		 "\"{\\\"content\\\": \\\"%s\\\", \\\"tool_calls\\\": []}\"}",
		 answer);
	add_span(f, id[4], trace, id[1], "inference", when[2], when[3], attrs, "OK");
}

/* ---- the notebook's real span attributes ---- */

/* the Python repr '...' on the line after @key, unescaped (\\ and \'); NULL if absent */
static char *repr_value(const char *text, const char *key, int nth)
{
	const char *p = text, *q, *eol;
	char *out;
	size_t n = 0;

	for (int i = 0; i <= nth; i++) {
		p = strstr(p, key);
		if (p == NULL) {
			return NULL;
		}
		p += strlen(key);
	}
	eol = strchr(p, '\n');
	q = eol;
	while (q > p && *q != '\'') {
		q--;
	}
	out = malloc((size_t)(q - p) + 1);
	assert_non_null(out);
	for (; p < q; p++) {
		if (*p == '\\' && p + 1 < q) {
			p++;
		}
		out[n++] = *p;
	}
	out[n] = '\0';
	return out;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL) {
		return NULL;
	}
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* the attributes JSON {@k1: @v1, @k2: @v2} as the sink writes it (json.dumps) */
static char *attrs2(const char *k1, const char *v1, const char *k2, const char *v2)
{
	struct tv_strbuf b;
	const char *k[2] = { k1, k2 }, *v[2] = { v1, v2 };

	tv_strbuf_init(&b);
	assert_int_equal(tv_strbuf_putc(&b, '{'), 0);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(tv_strbuf_printf(&b, "%s\"%s\": \"", i ? ", " : "", k[i]), 0);
		for (const char *p = v[i]; *p; p++) {
			if (*p == '"' || *p == '\\') {
				assert_int_equal(tv_strbuf_putc(&b, '\\'), 0);
			}
			assert_int_equal(tv_strbuf_putc(&b, *p), 0);
		}
		assert_int_equal(tv_strbuf_putc(&b, '"'), 0);
	}
	assert_int_equal(tv_strbuf_putc(&b, '}'), 0);
	return tv_strbuf_steal(&b);
}

/* the notebook's two spans: their input/output texts and attributes as stored */
struct notebook {
	char *text;
	char *in1, *out1, *in2, *out2;
	char *inference, *tool; /* attributes JSON */
};

static bool notebook_load(struct notebook *nb)
{
	const char *shared = getenv("TV_SHARED");
	char path[4096], *a2;
	size_t n;

	snprintf(path, sizeof(path),
		 "%s/reference/llama-stack-sqlite/"
		 "getting_started_ipynb_query_spans_cells.txt",
		 shared ? shared : "");
	nb->text = shared != NULL ? read_file(path) : NULL;
	if (nb->text == NULL) {
		print_message("skipped: %s is not there\n", path);
		return false;
	}
	nb->in1 = repr_value(nb->text, "'input': '", 0);
	nb->out1 = repr_value(nb->text, "'output': '", 0);
	nb->in2 = repr_value(nb->text, "'input': '", 1);
	nb->out2 = repr_value(nb->text, "'output': '", 1);
	assert_non_null(nb->out2);
	nb->inference = attrs2("input", nb->in1, "output", nb->out1);
	/* the real span also has tool_name: the query asked for input and output only */
	a2 = attrs2("input", nb->in2, "output", nb->out2);
	n = strlen(a2) + 64;
	nb->tool = malloc(n);
	assert_non_null(nb->tool);
	snprintf(nb->tool, n, "{\"tool_name\": \"brave_search\", %s", a2 + 1);
	free(a2);
	return true;
}

static void notebook_free(struct notebook *nb)
{
	free(nb->text);
	free(nb->in1);
	free(nb->out1);
	free(nb->in2);
	free(nb->out2);
	free(nb->inference);
	free(nb->tool);
}

/*
 * The getting_started notebook's query_spans output: an inference span and
 * a tool_execution span of session SID, with their input/output verbatim.
 */
static void test_notebook(void **state)
{
	struct fix *f = *state;
	struct rf_run *r = &f->run;
	struct notebook nb = { 0 };
	const struct tv_turn *t;
	struct tv_session *s;

	if (!notebook_load(&nb)) {
		skip();
	}
	db_new(f, schema);
	add_trace(f, T1, "r1", T0("00.000000"), T0("09.000000"));
	add_span(f, "r1", T1, NULL, "/v1/agents/{agent_id}/session/{session_id}/turn",
		 T0("00.000000"), T0("09.000000"), "{\"__root__\": true}", "OK");
	add_span(f, "t1", T1, "r1", "create_and_execute_turn", T0("00.100000"), T0("08.900000"),
		 "{\"session_id\": \"" SID "\", \"turn_id\": \"turn-1\"}", "OK");
	add_span(f, "i1", T1, "t1", "inference", T0("00.200000"), T0("02.200000"), nb.inference,
		 "OK");
	add_span(f, "x1", T1, "t1", "tool_execution", T0("02.300000"), T0("03.300000"), nb.tool,
		 "OK");
	run_db(f, false);
	assert_int_equal(r->ret, 0);
	assert_int_equal(r->n, 1);
	assert_int_equal(r->st.records_used, 4);
	s = rf_session(r, SID);
	assert_string_equal(s->source_format, "llama-stack");
	assert_string_equal(s->source_service, "llama-stack");
	assert_int_equal(s->n_turns, 1);
	t = &s->turns[0];
	assert_string_equal(t->id, "turn-1");
	/* no request attribute: the prompt comes from the inference input */
	assert_string_equal(t->prompt, "Which teams played in the NBA western conference finals "
				       "of 2024. Search the web for the answer.");
	assert_null(t->output); /* the only inference answered with a tool call */
	assert_int_equal(t->start_time, rf_ts("2025-03-01T12:00:00.100Z"));
	assert_int_equal(t->end_time, rf_ts("2025-03-01T12:00:08.900Z"));
	assert_int_equal(t->n_llm, 1);
	assert_string_equal(t->llm[0].request_text, nb.in1);
	assert_string_equal(t->llm[0].response_text, nb.out1);
	assert_int_equal(t->llm[0].duration, 2000 * TV_NS_PER_MS);
	assert_int_equal(t->llm[0].status, TV_STATUS_OK);
	assert_null(t->llm[0].model);
	assert_int_equal(t->n_tools, 1);
	assert_string_equal(t->tools[0].name, "brave_search");
	assert_string_equal(t->tools[0].args_json,
			    "{\"query\":\"NBA Western Conference Finals 2024 teams\"}");
	assert_int_equal(t->tools[0].success, 1);
	assert_null(t->tools[0].error);
	assert_int_equal(t->tools[0].time, rf_ts("2025-03-01T12:00:02.300Z"));
	assert_int_equal(t->tools[0].duration, 1000 * TV_NS_PER_MS);
	notebook_free(&nb);
}

/* two traces of one session (inserted out of order) are its two turns, in time order */
static void test_turns_merge(void **state)
{
	struct fix *f = *state;
	struct rf_run *r = &f->run;
	const struct tv_turn *t;
	struct tv_session *s;

	db_new(f, schema);
	add_turn(f, T2, SID, "05", "second question", "second answer");
	add_turn(f, T1, SID, "01", "first question", "first answer");
	run_db(f, false);
	assert_int_equal(r->ret, 0);
	assert_int_equal(r->n, 1);
	assert_int_equal(r->st.records_read, 10);
	assert_int_equal(r->st.records_used, 10);
	s = rf_session(r, SID);
	assert_int_equal(s->n_turns, 2);
	assert_string_equal(s->turns[0].prompt, "first question");
	assert_string_equal(s->turns[0].output, "first answer");
	assert_string_equal(s->turns[1].prompt, "second question");
	assert_string_equal(s->turns[1].output, "second answer");
	assert_string_equal(s->turns[1].id, "turn-05");
	assert_int_equal(s->start_time, rf_ts("2025-03-01T12:01:00.250Z"));
	assert_int_equal(s->end_time, rf_ts("2025-03-01T12:05:03.250Z"));
	assert_string_equal(tv_kvlist_find(&s->metadata, "agent_id"), "\"agent-1\"");
	assert_int_equal(s->n_models, 1);
	assert_string_equal(s->models[0], "llama3.2:3b");
	t = &s->turns[0];
	assert_int_equal(t->n_llm, 2);
	assert_string_equal(t->llm[0].finish_reason, "end_of_turn");
	assert_int_equal(t->llm[1].time, rf_ts("2025-03-01T12:01:02.250Z"));
	assert_int_equal(t->n_tools, 1);
	assert_string_equal(t->tools[0].name, "ls");
	assert_string_equal(t->tools[0].args_json, "{\"dir\":\"/\"}");
	assert_int_equal(s->success, 1);
}

/*
 * With a 1h gap: a 2h turn is not idle time, and another session's long
 * turn does not push the clock past the next turn of the first.
 */
static void test_gap(void **state)
{
	struct fix *f = *state;
	struct rf_run *r = &f->run;
	static const char *const ids[] = { "00000000000000000000000000000001",
					   "00000000000000000000000000000002",
					   "00000000000000000000000000000003" };
	static const char *const when[][2] = {
		{ "2025-03-01T10:00:00+00:00", "2025-03-01T12:00:00+00:00" }, /* A, 2h */
		{ "2025-03-01T10:30:00+00:00", "2025-03-01T14:00:00+00:00" }, /* B, 3.5h */
		{ "2025-03-01T12:10:00+00:00", "2025-03-01T12:20:00+00:00" }, /* A again */
	};
	static const char *const sess[] = { "A", "B", "A" };
	char attrs[128];

	db_new(f, schema);
	exec(f, "BEGIN");
	for (int i = 0; i < 3; i++) {
		snprintf(attrs, sizeof(attrs), "{\"session_id\": \"%s\"}", sess[i]);
		add_trace(f, ids[i], ids[i], when[i][0], when[i][1]);
		add_span(f, ids[i], ids[i], NULL, "create_and_execute_turn", when[i][0], when[i][1],
			 attrs, "OK");
		/* enough traces to pass the group's expiry check interval, before A's second */
		for (int k = 0; k < 600; k++) {
			const char *t = i == 2 ? "2025-03-01T12:05:00+00:00" : when[i][0];
			char id[40];

			snprintf(id, sizeof(id), "%s-%d", ids[i], k);
			add_trace(f, id, id, t, t);
			add_span(f, id, id, NULL, "/v1/models", t, t, "{}", "OK");
		}
	}
	exec(f, "COMMIT");
	f->gap = 3600 * TV_NS_PER_SEC;
	run_db(f, false);
	assert_int_equal(r->ret, 0);
	assert_int_equal(r->n, 2);
	assert_int_equal(rf_session(r, "A")->n_turns, 2);
	assert_int_equal(r->st.late_records, 0);
}

/* no session_id: the trace id is the session; traces without agent spans are skipped */
static void test_trace_key_and_skip(void **state)
{
	struct fix *f = *state;
	struct rf_run *r = &f->run;
	struct tv_session *s;

	db_new(f, schema);
	add_trace(f, T1, "a", T0("00"), T0("01"));
	add_span(f, "a", T1, NULL, "/v1/inference/chat-completion", T0("00"), T0("01"),
		 "{\"__root__\": true}", "OK");
	add_span(f, "b", T1, "a", "inference", T0("00.5"), T0("01"),
		 "{\"input\": \"[{\\\"role\\\": \\\"user\\\", \\\"content\\\": [{\\\"type\\\": "
		 "\\\"text\\\", \\\"text\\\": \\\"hi \\\"}, {\\\"type\\\": \\\"image\\\"}, "
		 "{\\\"type\\\": \\\"text\\\", \\\"text\\\": \\\"there\\\"}]}]\", "
		 "\"output\": \"not json\"}",
		 "UNSET");
	add_trace(f, T2, "c", T0("02"), T0("03"));
	add_span(f, "c", T2, NULL, "/v1/models", T0("02"), T0("03"), "{}", "OK");
	add_event(f, "c", "log", T0("02.5"), "{\"message\": \"listed\"}");
	run_db(f, false);
	assert_int_equal(r->ret, 0);
	assert_int_equal(r->n, 1);
	assert_int_equal(r->st.records_read, 4);
	assert_int_equal(r->st.records_used, 2);
	assert_int_equal(r->st.records_skipped, 2);
	s = rf_session(r, T1);
	assert_string_equal(s->turns[0].id, T1);
	assert_string_equal(s->turns[0].prompt, "hi there");
	assert_string_equal(s->turns[0].output, "not json");
	assert_int_equal(s->turns[0].llm[0].status, TV_STATUS_OK); /* UNSET */
	assert_int_equal(s->turns[0].start_time, rf_ts("2025-03-01T12:00:00Z"));
}

/* ERROR spans: an exception event gives the llm error, a tool's output its error */
static void test_errors(void **state)
{
	struct fix *f = *state;
	struct rf_run *r = &f->run;
	const struct tv_turn *t;
	struct tv_session *s;

	db_new(f, schema);
	add_trace(f, T1, "a", T0("00"), T0("09"));
	add_span(f, "a", T1, NULL, "create_and_execute_turn", T0("00"), T0("09"),
		 "{\"session_id\": \"s1\", \"request\": \"{\\\"messages\\\": [{\\\"role\\\": "
		 "\\\"user\\\", \\\"content\\\": \\\"one\\\"}, {\\\"role\\\": \\\"assistant\\\", "
		 "\\\"content\\\": \\\"x\\\"}, {\\\"role\\\": \\\"user\\\", \\\"content\\\": "
		 "\\\"two\\\"}]}\"}",
		 "ERROR");
	add_span(f, "b", T1, "a", "tool_execution", T0("01"), T0("02"),
		 "{\"tool_name\": \"web\", \"input\": \"ls -l\", \"output\": \"{\\\"role\\\": "
		 "\\\"tool\\\", \\\"content\\\": [{\\\"type\\\": \\\"text\\\", \\\"text\\\": "
		 "\\\"HTTP 500\\\"}]}\"}",
		 "ERROR");
	add_span(f, "c", T1, "a", "inference", T0("03"), T0("04"), "{\"model_id\": \"m\"}",
		 "StatusCode.ERROR");
	add_event(f, "c", "exception", T0("04"),
		  "{\"exception.type\": \"TimeoutError\", \"exception.message\": \"read timed "
		  "out\", \"exception.stacktrace\": \"...\"}");
	add_event(f, "zz", "exception", T0("04"), "{}");
	run_db(f, true);
	assert_int_equal(r->ret, 0);
	assert_int_equal(r->n, 1);
	assert_int_equal(r->st.records_read, 5);
	assert_int_equal(r->st.records_used, 4);
	assert_int_equal(r->st.records_skipped, 1);
	assert_true(rf_find_msg(r, TV_REPORT_WARN, "not in table spans") != NULL);
	s = rf_session(r, "s1");
	t = &s->turns[0];
	assert_string_equal(t->prompt, "two");
	assert_int_equal(t->n_tools, 1);
	assert_int_equal(t->tools[0].success, 0);
	assert_string_equal(t->tools[0].error, "HTTP 500");
	assert_string_equal(t->tools[0].args_json, "\"ls -l\"");
	assert_int_equal(t->llm[0].status, TV_STATUS_ERROR);
	assert_string_equal(t->llm[0].error, "read timed out");
	assert_null(t->output);
	assert_int_equal(s->success, 0);
	assert_true(s->has_error);
	assert_int_equal(s->n_events, 4); /* three spans and the exception event */
	assert_non_null(strstr(s->events[3], "\"table\":\"span_events\""));
	assert_non_null(strstr(s->events[3], "\"exception.message\":\"read timed out\""));
	assert_non_null(strstr(s->events[0], "\"table\":\"spans\""));
}

/* rows that cannot be read are rejected one by one; the rest still counts */
static void test_bad_rows(void **state)
{
	struct fix *f = *state;
	struct rf_run *r = &f->run;
	struct tv_session *s;

	db_new(f, schema);
	add_turn(f, T1, SID, "01", "q", "a");
	add_span(f, "bad1", T1, NULL, "inference", T0("01"), T0("02"), "{not json", "OK");
	add_span(f, "bad2", T1, NULL, "inference", T0("01"), T0("02"), "[1, 2]", "OK");
	add_span(f, "bad3", T1, NULL, "inference", T0("01"), T0("02"), "\"text\"", "OK");
	exec(f, "INSERT INTO spans VALUES ('bad4', '" T1 "', NULL, 'inference', 1, 2, 42, 'OK', "
		"'INTERNAL')");
	exec(f, "INSERT INTO spans VALUES ('bad5', '" T1 "', NULL, 'inference', NULL, NULL, "
		"x'7b7d', 'OK', NULL)");
	exec(f, "INSERT INTO spans VALUES (NULL, '" T1 "', NULL, 'inference', NULL, NULL, '{}', "
		"'OK', NULL)");
	exec(f, "INSERT INTO spans VALUES ('bad6', NULL, NULL, 'inference', NULL, NULL, '{}', "
		"'OK', NULL)");
	/* numbers where times belong: the span stays, its times are left empty */
	exec(f, "INSERT INTO spans VALUES ('odd', '" T1 "', NULL, 'tool_execution', 1740830400, "
		"2.5, '{\"tool_name\": \"x\"}', 7, NULL)");
	add_event(f, "odd", "log", T0("01"), "not json");
	run_db(f, false);
	assert_int_equal(r->ret, 0);
	assert_int_equal(r->n, 1);
	assert_int_equal(r->st.records_read, 14);
	assert_int_equal(r->st.records_rejected, 8);
	assert_int_equal(r->st.records_used, 6);
	assert_true(rf_find_msg(r, TV_REPORT_REJECT, "(span bad1): attributes is not JSON") !=
		    NULL);
	assert_true(rf_find_msg(r, TV_REPORT_REJECT,
				"(span bad2): attributes is not a JSON object") != NULL);
	assert_true(rf_find_msg(r, TV_REPORT_REJECT,
				"(span bad3): attributes is not a JSON object") != NULL);
	/* TEXT affinity stored 42 as '42' */
	assert_true(rf_find_msg(r, TV_REPORT_REJECT,
				"(span bad4): attributes is not a JSON object") != NULL);
	assert_true(rf_find_msg(r, TV_REPORT_REJECT, "(span bad5): attributes is a blob") != NULL);
	assert_true(rf_find_msg(r, TV_REPORT_REJECT, ": no span_id") != NULL);
	assert_true(rf_find_msg(r, TV_REPORT_REJECT, "(span bad6): no trace_id") != NULL);
	assert_true(rf_find_msg(r, TV_REPORT_REJECT, "span_events row 1: attributes is not JSON") !=
		    NULL);
	assert_true(rf_find_msg(r, TV_REPORT_WARN, "start_time is not an ISO 8601 time") != NULL);
	for (size_t i = 0; i < r->n_msgs; i++) {
		assert_int_equal(r->msgs[i].line, 0);
	}
	/* finalize puts calls in time order, those without a time last */
	s = rf_session(r, SID);
	assert_int_equal(s->turns[0].n_tools, 2);
	assert_string_equal(s->turns[0].tools[1].name, "x");
	assert_int_equal(s->turns[0].tools[1].time, TV_NONE);
	assert_int_equal(s->turns[0].tools[1].success, 1);
}

/* columns declared without types keep what was stored: numbers, blobs, text ids */
static void test_column_types(void **state)
{
	struct fix *f = *state;
	struct rf_run *r = &f->run;
	struct tv_session *s;

	db_new(f, "CREATE TABLE traces (trace_id, service_name, root_span_id, start_time, "
		  "end_time, created_at);"
		  "CREATE TABLE spans (span_id, trace_id, parent_span_id, name, start_time, "
		  "end_time, attributes, status, kind);"
		  "CREATE TABLE span_events (id INTEGER PRIMARY KEY, span_id, name, timestamp, "
		  "attributes);");
	exec(f, "INSERT INTO traces VALUES (7, 3, 1, 1.5, NULL, NULL)");
	exec(f, "INSERT INTO spans VALUES (1, 7, NULL, 'inference', 1.5, 2, 42, 'OK', 1)");
	exec(f, "INSERT INTO spans VALUES (2, 7, NULL, 'inference', 'x', NULL, 4.5, 'OK', 1)");
	exec(f, "INSERT INTO spans VALUES (3, 7, NULL, 'inference', '" T0(
			"01") "', NULL, "
			      "'{\"session_id\": 99, \"model_id\": [\"a\"]}', 'OK', 1)");
	exec(f, "INSERT INTO span_events VALUES (NULL, 3, 'log', 5, '{}')");
	run_db(f, true);
	assert_int_equal(r->ret, 0);
	assert_int_equal(r->st.records_read, 4);
	assert_int_equal(r->st.records_rejected, 2);
	assert_int_equal(r->st.records_used, 2);
	assert_true(rf_find_msg(r, TV_REPORT_REJECT, "(span 1): attributes is a number") != NULL);
	assert_true(rf_find_msg(r, TV_REPORT_REJECT, "(span 2): attributes is a number") != NULL);
	assert_true(rf_find_msg(r, TV_REPORT_WARN, "is not an ISO 8601 time") != NULL);
	assert_int_equal(r->n, 1);
	s = rf_session(r, "99"); /* a number as session_id: its JSON text */
	assert_string_equal(s->source_service, "3");
	assert_string_equal(s->turns[0].llm[0].model, "[\"a\"]");
	assert_int_equal(s->n_events, 2);
	assert_non_null(strstr(s->events[1], "\"timestamp\":null"));
}

/* a writer holding the database: a clear error, not a crash or a wait forever */
static void test_locked(void **state)
{
	struct fix *f = *state;
	struct rf_run *r = &f->run;
	sqlite3 *writer;

	db_new(f, schema);
	add_turn(f, T1, SID, "01", "q", "a");
	assert_int_equal(sqlite3_close(f->db), SQLITE_OK);
	f->db = NULL;
	assert_int_equal(sqlite3_open(f->path, &writer), SQLITE_OK);
	assert_int_equal(sqlite3_exec(writer, "BEGIN EXCLUSIVE", NULL, NULL, NULL), SQLITE_OK);
	run_path(f, f->path, rf_fmt("llama-stack"), false);
	assert_int_equal(r->ret, -EBUSY);
	assert_non_null(strstr(r->err.msg, "database is locked"));
	assert_int_equal(r->n, 0);
	assert_int_equal(sqlite3_exec(writer, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(writer);
	run_path(f, f->path, rf_fmt("llama-stack"), false);
	assert_int_equal(r->ret, 0);
	assert_int_equal(r->n, 1);
}

static void write_bytes(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

/* the SQLite header and then garbage, detected or forced: an error for that input */
static void test_corrupt(void **state)
{
	struct fix *f = *state;
	struct rf_run *r = &f->run;
	char data[4096];

	db_new(f, NULL);
	sqlite3_close(f->db);
	f->db = NULL;
	memset(data, 0xa5, sizeof(data));
	memcpy(data, "SQLite format 3", 16);
	write_bytes(f->path, data, sizeof(data));
	run_path(f, f->path, NULL, false);
	assert_true(r->ret < 0);
	assert_true(strstr(r->err.msg, "file is not a database") != NULL ||
		    strstr(r->err.msg, "malformed") != NULL);
	assert_int_equal(r->n, 0);
	/* a text file forced as a store */
	write_bytes(f->path, "hello\n", 6);
	run_path(f, f->path, rf_fmt("llama-stack"), false);
	assert_true(r->ret < 0);
	assert_non_null(strstr(r->err.msg, "file is not a database"));
}

/* a SQLite database of something else: missing tables, missing columns */
static void test_wrong_schema(void **state)
{
	struct fix *f = *state;
	struct rf_run *r = &f->run;

	db_new(f, "CREATE TABLE traces (trace_id TEXT); CREATE TABLE spans (span_id TEXT);");
	run_db(f, false);
	assert_int_equal(r->ret, -TV_EFORMAT);
	assert_non_null(strstr(r->err.msg, "no table span_events"));
	unlink(f->path);
	db_new(f, "CREATE TABLE traces (trace_id TEXT); CREATE TABLE spans (span_id TEXT);"
		  "CREATE TABLE span_events (id INTEGER PRIMARY KEY, span_id TEXT);");
	run_db(f, false);
	assert_true(r->ret < 0);
	assert_non_null(strstr(r->err.msg, "not a Llama Stack telemetry store: no such column"));
	unlink(f->path);
	/* a view is not the sink's table */
	db_new(f, schema);
	exec(f, "DROP TABLE span_events; CREATE VIEW span_events AS SELECT 1 AS id;");
	run_db(f, false);
	assert_int_equal(r->ret, -TV_EFORMAT);
}

/* tables but no rows: nothing, and no error */
static void test_empty(void **state)
{
	struct fix *f = *state;
	struct rf_run *r = &f->run;

	db_new(f, schema);
	run_db(f, false);
	assert_int_equal(r->ret, 0);
	assert_int_equal(r->n, 0);
	assert_int_equal(r->st.records_read, 0);
	assert_int_equal(r->n_msgs, 0);
}

/* what cannot be a database file: standard input, a gzip stream */
static void test_not_a_file(void **state)
{
	struct fix *f = *state;
	struct rf_run *r = &f->run;
	char gz[] = "/tmp/test_llama_gz_XXXXXX";
	char *db;
	gzFile g;
	int fd;

	run_path(f, "-", rf_fmt("llama-stack"), false);
	assert_true(r->ret < 0);
	assert_non_null(strstr(r->err.msg, "standard input"));
	db_new(f, schema);
	add_turn(f, T1, SID, "01", "q", "a");
	sqlite3_close(f->db);
	f->db = NULL;
	fd = mkstemp(gz);
	assert_true(fd >= 0);
	g = gzdopen(fd, "wb");
	assert_non_null(g);
	db = read_file(f->path);
	assert_non_null(db);
	/* the header is all the reader looks at before it refuses */
	assert_int_equal(gzwrite(g, db, 100), 100);
	free(db);
	assert_int_equal(gzclose(g), Z_OK);
	run_path(f, gz, NULL, false);
	assert_true(r->ret < 0);
	assert_non_null(strstr(r->err.msg, "gzip"));
	unlink(gz);
}

static void copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	char buf[4096];
	size_t n;

	assert_non_null(in);
	assert_non_null(out);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0) {
		assert_int_equal(fwrite(buf, 1, n, out), n);
	}
	fclose(in);
	assert_int_equal(fclose(out), 0);
}

/* a path with bytes that mean something in a URI: ' ', '?', '#', '%' */
static void test_uri_path(void **state)
{
	struct fix *f = *state;
	struct rf_run *r = &f->run;
	char odd[] = "/tmp/test llama?mode=rw#y%41_XXXXXX";
	int fd;

	db_new(f, schema);
	add_turn(f, T1, SID, "01", "q", "a");
	sqlite3_close(f->db);
	f->db = NULL;
	fd = mkstemp(odd);
	assert_true(fd >= 0);
	close(fd);
	copy_file(f->path, odd);
	run_path(f, odd, NULL, false);
	assert_int_equal(r->ret, 0);
	assert_int_equal(r->n, 1);
	assert_string_equal(r->s[0]->source_file, odd);
	unlink(odd);
}

static int setup(void **state)
{
	*state = calloc(1, sizeof(struct fix));
	return *state == NULL ? -1 : 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	rf_free(&f->run);
	if (f->db != NULL) {
		sqlite3_close(f->db);
	}
	if (f->path[0] != '\0') {
		unlink(f->path);
	}
	free(f);
	return 0;
}

#define TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_notebook),	       TEST(test_turns_merge), TEST(test_gap),
		TEST(test_trace_key_and_skip), TEST(test_errors),      TEST(test_bad_rows),
		TEST(test_column_types),       TEST(test_locked),      TEST(test_corrupt),
		TEST(test_wrong_schema),       TEST(test_empty),       TEST(test_not_a_file),
		TEST(test_uri_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
