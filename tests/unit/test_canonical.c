// SPDX-License-Identifier: MIT
/*
 * tv_read_canonical: canonical session JSON Lines read through
 * tv_read_file(): good lines come out unchanged, bad ones are rejected with
 * their line numbers, blank lines are ignored and the counts add up.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "libcommon/read/tv_reader.h"
#include "libcommon/model/tv_session.h"
#include "libcommon/core/tv_time.h"

#include "reader_fixture.h"

#define T0 INT64_C(1751360400000000000)
#define MS TV_NS_PER_MS

/* three canonical sessions of different shapes, each as its JSON line */
static char *line_of(struct tv_session *s)
{
	struct tv_strbuf b;

	tv_strbuf_init(&b);
	assert_int_equal(tv_session_write(s, &b), 0);
	tv_session_destroy(s);
	return tv_strbuf_steal(&b);
}

static char *make_line(int which)
{
	struct tv_session *s = tv_session_create();
	struct tv_turn *t;
	struct tv_llm_call *c;
	struct tv_tool_call *k;

	assert_non_null(s);
	switch (which) {
	case 0:
		assert_int_equal(tv_set_str(&s->id, "only-id", 7), 0);
		break;
	case 1:
		assert_int_equal(tv_set_str(&s->id, "s-1", 3), 0);
		assert_int_equal(tv_set_str(&s->source_format, "collector-log", 13), 0);
		assert_int_equal(tv_set_str(&s->source_file, "/home/u/collector.log", 21), 0);
		t = tv_session_add_turn(s);
		assert_int_equal(tv_set_str(&t->prompt, "caf\xc3\xa9 \"x\"\n\ty", 12), 0);
		c = tv_turn_add_llm(t);
		c->time = T0;
		c->duration = 1234567;
		c->status = TV_STATUS_OK;
		c->input_tokens = 9;
		assert_int_equal(tv_set_str(&c->model, "gemini-2.5-pro", 14), 0);
		k = tv_turn_add_tool(t);
		k->time = T0 + 2 * MS;
		k->success = 1;
		assert_int_equal(tv_set_str(&k->args_json, "{\"a\":[1,{\"b\":null}]}", 20), 0);
		assert_int_equal(tv_kvlist_set(&s->extra, "sampling", 8, "{\"rate\":0.5}", 12), 0);
		tv_session_finalize(s);
		break;
	default:
		assert_int_equal(tv_set_str(&s->id, "s-2", 3), 0);
		s->usage.cost_usd = 0.125;
		assert_int_equal(tv_session_add_event(s, "{\"e\":1}", 7), 0);
		assert_int_equal(tv_kvlist_set(&s->metadata, "k", 1, "\"v\"", 3), 0);
		t = tv_session_add_turn(s);
		c = tv_turn_add_llm(t);
		c->status = TV_STATUS_ERROR;
		assert_int_equal(tv_set_str(&c->error, "boom", 4), 0);
		tv_session_finalize(s);
		break;
	}
	return line_of(s);
}

static void expect_written(struct tv_session *s, const char *want)
{
	struct tv_strbuf b;

	tv_strbuf_init(&b);
	assert_int_equal(tv_session_write(s, &b), 0);
	if (strcmp(b.p, want) != 0) {
		fail_msg("rewritten differs\ngot  %s\nwant %s", b.p, want);
	}
	tv_strbuf_finish(&b);
}

static void test_good_lines_unchanged(void **state)
{
	struct rf_run *f = *state;
	char *l[3];
	struct tv_strbuf data;

	tv_strbuf_init(&data);
	for (int i = 0; i < 3; i++) {
		l[i] = make_line(i);
		assert_int_equal(tv_strbuf_puts(&data, l[i]), 0);
	}
	rf_run_data(f, data.p, data.len, rf_fmt("canonical"), 0, false);
	assert_int_equal(f->ret, 0);
	assert_int_equal(f->n, 3);
	for (int i = 0; i < 3; i++) {
		expect_written(f->s[i], l[i]);
	}
	/* the source fields are the original ones, not this file */
	assert_null(f->s[0]->source_file);
	assert_string_equal(f->s[1]->source_file, "/home/u/collector.log");
	assert_int_equal(f->st.files, 1);
	assert_int_equal(f->st.records_read, 3);
	assert_int_equal(f->st.records_used, 3);
	assert_int_equal(f->st.records_rejected, 0);
	assert_int_equal(f->st.sessions, 3);
	assert_int_equal(f->st.bytes, data.len);
	assert_int_equal(f->n_msgs, 0);
	for (int i = 0; i < 3; i++) {
		free(l[i]);
	}
	tv_strbuf_finish(&data);
}

static void test_detected(void **state)
{
	struct rf_run *f = *state;
	char *l = make_line(1);

	rf_run_data(f, l, strlen(l), NULL, 0, false);
	assert_int_equal(f->ret, 0);
	assert_int_equal(f->n, 1);
	expect_written(f->s[0], l);
	free(l);
}

static void test_bad_lines(void **state)
{
	struct rf_run *f = *state;
	char *l[3];
	struct tv_strbuf data;
	const struct rf_msg *m;

	tv_strbuf_init(&data);
	for (int i = 0; i < 3; i++) {
		l[i] = make_line(i);
	}
	/* 1 */ assert_int_equal(tv_strbuf_puts(&data, l[0]), 0);
	/* 2 */ assert_int_equal(tv_strbuf_puts(&data, "\n"), 0);
	/* 3 */ assert_int_equal(tv_strbuf_puts(&data, "{\"televal\":1,\"id\":\"x\",\n"), 0);
	/* 4 */ assert_int_equal(tv_strbuf_puts(&data, " \t \n"), 0);
	/* 5 */ assert_int_equal(tv_strbuf_puts(&data, l[1]), 0);
	/* 6 */ assert_int_equal(tv_strbuf_puts(&data, "{\"resourceLogs\":[]}\n"), 0);
	/* 7 */ assert_int_equal(tv_strbuf_puts(&data, "[1,2]\n"), 0);
	/* 8 */ assert_int_equal(tv_strbuf_puts(&data, "{\"televal\":1,\"id\":5}\n"), 0);
	/* 9 */ assert_int_equal(tv_strbuf_puts(&data, "{\"televal\":1,\"id\":\"\xff\"}\n"), 0);
	/* 10 */ assert_int_equal(tv_strbuf_puts(&data, "\r\n"), 0);
	/* 11 */ assert_int_equal(tv_strbuf_append(&data, l[2], strlen(l[2]) - 1), 0);
	rf_run_data(f, data.p, data.len, rf_fmt("canonical"), 0, false);
	assert_int_equal(f->ret, 0);

	/* the good lines, in order and unchanged; the last one lacked its "\n" */
	assert_int_equal(f->n, 3);
	expect_written(f->s[0], l[0]);
	expect_written(f->s[1], l[1]);
	expect_written(f->s[2], l[2]);

	/* one report per bad line, at its line, naming the file */
	assert_int_equal(f->n_msgs, 5);
	for (size_t i = 0; i < f->n_msgs; i++) {
		assert_int_equal(f->msgs[i].level, TV_REPORT_REJECT);
		assert_string_equal(f->msgs[i].file, f->path);
	}
	m = rf_msg_at(f, 3);
	assert_non_null(strstr(m->text, "invalid JSON"));
	m = rf_msg_at(f, 6);
	assert_non_null(strstr(m->text, "not a canonical session"));
	m = rf_msg_at(f, 7);
	assert_non_null(strstr(m->text, "not a canonical session"));
	m = rf_msg_at(f, 8);
	assert_non_null(strstr(m->text, "id is not a string"));
	m = rf_msg_at(f, 9);
	assert_non_null(strstr(m->text, "invalid JSON"));
	assert_int_equal(f->msgs[0].line, 3);
	assert_int_equal(f->msgs[4].line, 9);

	/* blank lines are not records; the rest add up */
	assert_int_equal(f->st.records_read, 8);
	assert_int_equal(f->st.records_used, 3);
	assert_int_equal(f->st.records_rejected, 5);
	assert_int_equal(f->st.records_skipped, 0);
	assert_int_equal(f->st.sessions, 3);
	assert_int_equal(f->st.bytes, data.len);
	for (int i = 0; i < 3; i++) {
		free(l[i]);
	}
	tv_strbuf_finish(&data);
}

static void test_crlf_and_bom(void **state)
{
	struct rf_run *f = *state;
	char *l = make_line(2);
	struct tv_strbuf data;

	tv_strbuf_init(&data);
	assert_int_equal(tv_strbuf_puts(&data, "\xef\xbb\xbf"), 0);
	assert_int_equal(tv_strbuf_append(&data, l, strlen(l) - 1), 0);
	assert_int_equal(tv_strbuf_puts(&data, "\r\n"), 0);
	assert_int_equal(tv_strbuf_append(&data, l, strlen(l) - 1), 0);
	assert_int_equal(tv_strbuf_puts(&data, "\r\n"), 0);
	rf_run_data(f, data.p, data.len, rf_fmt("canonical"), 0, false);
	assert_int_equal(f->ret, 0);
	assert_int_equal(f->n, 2);
	expect_written(f->s[0], l);
	expect_written(f->s[1], l);
	assert_int_equal(f->n_msgs, 0);
	free(l);
	tv_strbuf_finish(&data);
}

static void test_too_long(void **state)
{
	struct rf_run *f = *state;
	char *small = make_line(0), *big = make_line(1);
	struct tv_strbuf data;

	assert_true(strlen(small) < 400);
	assert_true(strlen(big) > 400);
	tv_strbuf_init(&data);
	assert_int_equal(tv_strbuf_puts(&data, small), 0);
	assert_int_equal(tv_strbuf_puts(&data, big), 0);
	assert_int_equal(tv_strbuf_puts(&data, small), 0);
	rf_run_data(f, data.p, data.len, rf_fmt("canonical"), 400, false);
	assert_int_equal(f->ret, 0);
	assert_int_equal(f->n, 2);
	assert_int_equal(f->n_msgs, 1);
	assert_int_equal(f->msgs[0].line, 2);
	assert_int_equal(f->msgs[0].level, TV_REPORT_REJECT);
	assert_non_null(strstr(f->msgs[0].text, "longer than"));
	assert_int_equal(f->st.records_read, 3);
	assert_int_equal(f->st.records_rejected, 1);
	free(small);
	free(big);
	tv_strbuf_finish(&data);
}

static void test_empty_and_blank(void **state)
{
	struct rf_run *f = *state;

	rf_run_data(f, "\n\n  \n", 5, rf_fmt("canonical"), 0, false);
	assert_int_equal(f->ret, 0);
	assert_int_equal(f->n, 0);
	assert_int_equal(f->n_msgs, 0);
	assert_int_equal(f->st.records_read, 0);
	assert_int_equal(f->st.files, 1);
}

static void test_missing_file(void **state)
{
	struct rf_run *f = *state;

	rf_run_file(f, "/nonexistent/televal/x.jsonl", rf_fmt("canonical"), 0, false);
	assert_int_equal(f->ret, -ENOENT);
	assert_int_equal(f->err.code, -ENOENT);
	assert_string_equal(f->err.file, "/nonexistent/televal/x.jsonl");
	assert_true(f->err.msg[0] != '\0');
	assert_int_equal(f->n, 0);
}

/* one canonical file read, written, read again: the same bytes */
static void test_reread_stable(void **state)
{
	struct rf_run *f = *state;
	struct tv_strbuf first, second;
	char *l[3];

	tv_strbuf_init(&first);
	tv_strbuf_init(&second);
	for (int i = 0; i < 3; i++) {
		l[i] = make_line(i);
		assert_int_equal(tv_strbuf_puts(&first, l[i]), 0);
		free(l[i]);
	}
	rf_run_data(f, first.p, first.len, rf_fmt("canonical"), 0, false);
	for (size_t i = 0; i < f->n; i++) {
		assert_int_equal(tv_session_write(f->s[i], &second), 0);
	}
	assert_int_equal(second.len, first.len);
	assert_memory_equal(second.p, first.p, first.len);
	tv_strbuf_finish(&first);
	tv_strbuf_finish(&second);
}

#define TEST(f) cmocka_unit_test_setup_teardown(f, rf_setup, rf_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_good_lines_unchanged),
		TEST(test_detected),
		TEST(test_bad_lines),
		TEST(test_crlf_and_bom),
		TEST(test_too_long),
		TEST(test_empty_and_blank),
		TEST(test_missing_file),
		TEST(test_reread_stable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
