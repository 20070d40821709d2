// SPDX-License-Identifier: MIT
/*
 * tv_jsonseq: cutting a stream of concatenated (pretty-printed or one-line)
 * JSON values into single values, and skipping bad stretches.
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
#include <zlib.h>

#include "libcommon/core/tv_error.h"
#include "libcommon/json/tv_json.h"
#include "libcommon/json/tv_jsonseq.h"

#define MAX_ITEMS 512

/* One call's outcome. */
struct item {
	int ret;
	uint64_t first, last;
	char why[128];
	char *text; /* the value, for ret == 1 */
};

struct seq {
	struct item v[MAX_ITEMS];
	size_t n;
};

static void seq_free(struct seq *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].text);
	}
	memset(s, 0, sizeof(*s));
}

static void write_file(char *path, const char *data, size_t n)
{
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, n), (ssize_t)n);
	assert_int_equal(close(fd), 0);
}

/* Call tv_jsonseq_next until the end (or a fatal code) and record each result. */
static void run_path(struct seq *s, const char *path, size_t max_line, size_t max)
{
	struct tv_input *in = NULL;
	struct tv_strbuf buf;
	const char *why;
	int r;

	memset(s, 0, sizeof(*s));
	tv_strbuf_init(&buf);
	assert_int_equal(tv_input_open(path, max_line, &in), 0);
	for (;;) {
		struct item *it = &s->v[s->n];

		assert_true(s->n < MAX_ITEMS);
		why = NULL;
		r = tv_jsonseq_next(in, &buf, max, &it->first, &it->last, &why);
		if (r == 0) {
			break;
		}
		s->n++;
		it->ret = r;
		if (r == 1) {
			assert_null(why);
			it->text = tv_strndup(buf.p, buf.len);
			assert_non_null(it->text);
		} else {
			assert_non_null(why);
			snprintf(it->why, sizeof(it->why), "%s", why);
		}
		if (r < 0 && r != -TV_EPARSE && r != -TV_ETOOBIG) {
			break;
		}
	}
	tv_input_close(in);
	tv_strbuf_finish(&buf);
}

static void run_data(struct seq *s, const char *data, size_t n, size_t max_line, size_t max)
{
	char path[] = "/tmp/test_jsonseq_XXXXXX";

	write_file(path, data, n);
	run_path(s, path, max_line, max);
	unlink(path);
}

static void run_str(struct seq *s, const char *data)
{
	run_data(s, data, strlen(data), 0, 0);
}

/* A value must parse as one JSON document. */
static void assert_parses(const char *text)
{
	struct tv_json_parser *p = tv_json_parser_create();
	struct tv_strbuf b;
	struct tv_jv root;
	const char *why = NULL;
	int r;

	assert_non_null(p);
	tv_strbuf_init(&b);
	assert_int_equal(tv_strbuf_puts(&b, text), 0);
	r = tv_json_parse(p, b.p, b.len, &root, &why);
	if (r != 0) {
		fail_msg("does not parse (%s): %s", why, text);
	}
	tv_strbuf_finish(&b);
	tv_json_parser_destroy(p);
}

static void assert_value(const struct seq *s, size_t i, uint64_t first, uint64_t last)
{
	assert_true(i < s->n);
	if (s->v[i].ret != 1) {
		fail_msg("item %zu: ret %d (%s), lines %llu-%llu", i, s->v[i].ret, s->v[i].why,
			 (unsigned long long)s->v[i].first, (unsigned long long)s->v[i].last);
	}
	assert_int_equal(s->v[i].first, first);
	assert_int_equal(s->v[i].last, last);
	assert_parses(s->v[i].text);
}

static void assert_bad(const struct seq *s, size_t i, int ret, uint64_t first, uint64_t last,
		       const char *why)
{
	assert_true(i < s->n);
	assert_int_equal(s->v[i].ret, ret);
	assert_int_equal(s->v[i].first, first);
	assert_int_equal(s->v[i].last, last);
	if (strstr(s->v[i].why, why) == NULL) {
		fail_msg("item %zu: why \"%s\" lacks \"%s\"", i, s->v[i].why, why);
	}
}

/* ---- good input ---- */

#define PRETTY_A "{\n  \"a\": {\n    \"b\": [\n      1,\n      2\n    ]\n  }\n}\n"
#define PRETTY_B "{\n  \"c\": \"d\"\n}\n"

static void test_empty(void **state)
{
	struct seq s;

	(void)state;
	run_str(&s, "");
	assert_int_equal(s.n, 0);
	run_str(&s, "\n\n   \n\t\r\n");
	assert_int_equal(s.n, 0);
}

static void test_pretty(void **state)
{
	struct seq s;

	(void)state;
	run_str(&s, PRETTY_A PRETTY_B "\n" PRETTY_A);
	assert_int_equal(s.n, 3);
	assert_value(&s, 0, 1, 8);
	assert_value(&s, 1, 9, 11);
	assert_value(&s, 2, 13, 20);
	assert_string_equal(s.v[1].text, PRETTY_B);
	seq_free(&s);
}

static void test_lines(void **state)
{
	struct seq s;

	(void)state;
	run_str(&s, "{\"a\":1}\n{\"b\":[{}]}\n\n  [1,2]  \n{\"c\":{\"d\":\"}\"}}");
	assert_int_equal(s.n, 4);
	assert_value(&s, 0, 1, 1);
	assert_value(&s, 1, 2, 2);
	assert_value(&s, 2, 4, 4);
	assert_value(&s, 3, 5, 5);
	assert_string_equal(s.v[0].text, "{\"a\":1}\n");
	assert_string_equal(s.v[2].text, "[1,2]  \n");
	seq_free(&s);
}

/* one-line and pretty values mixed; braces in strings do not count */
static void test_mixed_and_strings(void **state)
{
	struct seq s;

	(void)state;
	run_str(&s, "{\"x\": \"}}]]\\\"{{\"}\n"
		    "{\n  \"y\": \"\\\\\",\n  \"z\": \"{\\\\\\\"\"\n}\n"
		    "{\"q\": \"[\"}\n");
	assert_int_equal(s.n, 3);
	assert_value(&s, 0, 1, 1);
	assert_value(&s, 1, 2, 5);
	assert_value(&s, 2, 6, 6);
	seq_free(&s);
}

static void test_crlf_bom(void **state)
{
	struct seq s;
	const char data[] = "\xef\xbb\xbf{\r\n  \"a\": 1\r\n}\r\n{\"b\":2}\r\n";

	(void)state;
	run_str(&s, data);
	assert_int_equal(s.n, 2);
	assert_value(&s, 0, 1, 3);
	assert_value(&s, 1, 4, 4);
	assert_string_equal(s.v[0].text, "{\n  \"a\": 1\n}\n");
	seq_free(&s);
}

/* a value closing on a line with only blanks after it */
static void test_trailing_blanks(void **state)
{
	struct seq s;

	(void)state;
	run_str(&s, "{\n  \"a\": 1\n}   \t\n[\n]\n");
	assert_int_equal(s.n, 2);
	assert_value(&s, 0, 1, 3);
	assert_value(&s, 1, 4, 5);
	seq_free(&s);
}

/* framing only counts brackets: 10,000 levels are one value (the parser refuses it) */
static void test_deep(void **state)
{
	struct seq s;
	size_t depth = 10000, n = 2 * depth + 1;
	char *data = malloc(n + 1);

	(void)state;
	assert_non_null(data);
	memset(data, '[', depth);
	memset(data + depth, ']', depth);
	data[n - 1] = '\n';
	run_data(&s, data, n, 0, 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.v[0].ret, 1);
	assert_int_equal(strlen(s.v[0].text), n);
	free(data);
	seq_free(&s);
}

/* NUL bytes are data: framing goes on, the parser rejects that value */
static void test_nul(void **state)
{
	struct seq s;
	const char data[] = "{\"a\": \"x\0y\"}\n{\n  \"b\": 1\n}\n";

	(void)state;
	run_data(&s, data, sizeof(data) - 1, 0, 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.v[0].ret, 1);
	assert_value(&s, 1, 2, 4);
	seq_free(&s);
}

static void test_gzip(void **state)
{
	char path[] = "/tmp/test_jsonseq_XXXXXX";
	int fd = mkstemp(path);
	gzFile gz;
	struct seq s;

	(void)state;
	assert_true(fd >= 0);
	gz = gzdopen(fd, "wb");
	assert_non_null(gz);
	assert_true(gzputs(gz, PRETTY_A PRETTY_B) > 0);
	assert_int_equal(gzclose(gz), Z_OK);
	run_path(&s, path, 0, 0);
	unlink(path);
	assert_int_equal(s.n, 2);
	assert_value(&s, 0, 1, 8);
	assert_value(&s, 1, 9, 11);
	seq_free(&s);
}

/* ---- bad stretches ---- */

static void test_text_outside(void **state)
{
	struct seq s;

	(void)state;
	run_str(&s, "hello\n" PRETTY_B "  42\n\"str\"\n}\n" PRETTY_B);
	assert_int_equal(s.n, 6);
	assert_bad(&s, 0, -TV_EPARSE, 1, 1, "outside");
	assert_value(&s, 1, 2, 4);
	assert_bad(&s, 2, -TV_EPARSE, 5, 5, "outside");
	assert_bad(&s, 3, -TV_EPARSE, 6, 6, "outside");
	assert_bad(&s, 4, -TV_EPARSE, 7, 7, "outside");
	assert_value(&s, 5, 8, 10);
	seq_free(&s);
}

static void test_unterminated(void **state)
{
	struct seq s;

	(void)state;
	run_str(&s, PRETTY_B "{\n  \"a\": [\n    1,");
	assert_int_equal(s.n, 2);
	assert_value(&s, 0, 1, 3);
	assert_bad(&s, 1, -TV_EPARSE, 4, 6, "unterminated");
	seq_free(&s);
	/* an unterminated string at the very end */
	run_str(&s, "{\"a\": \"abc");
	assert_int_equal(s.n, 1);
	assert_bad(&s, 0, -TV_EPARSE, 1, 1, "unterminated");
	seq_free(&s);
}

/* cat of files without a final newline: `}{` cannot be split statelessly */
static void test_several_on_a_line(void **state)
{
	struct seq s;

	(void)state;
	/* `}{` (cat of files without a final newline): each value on its own */
	run_str(&s,
		"{\n  \"a\": 1\n}{\n  \"b\": 2\n}\n" PRETTY_B "{\"c\":1} {\"d\":2}\n{\"e\":3}\n");
	assert_int_equal(s.n, 6);
	assert_value(&s, 0, 1, 3);
	assert_value(&s, 1, 3, 5);
	assert_value(&s, 2, 6, 8);
	assert_value(&s, 3, 9, 9);
	assert_value(&s, 4, 9, 9);
	assert_value(&s, 5, 10, 10);
	assert_string_equal(s.v[0].text, "{\n  \"a\": 1\n}\n");
	assert_string_equal(s.v[1].text, "{\n  \"b\": 2\n}\n");
	assert_string_equal(s.v[3].text, "{\"c\":1}\n");
	assert_string_equal(s.v[4].text, "{\"d\":2}\n");
	seq_free(&s);
}

static void test_text_after(void **state)
{
	struct seq s;

	(void)state;
	run_str(&s, "{\"a\":1},\n{\n  \"b\": 1\n} trailing\n{\"c\":1}}\n{\"d\":1}\n");
	assert_int_equal(s.n, 4);
	assert_bad(&s, 0, -TV_EPARSE, 1, 1, "after");
	assert_bad(&s, 1, -TV_EPARSE, 2, 4, "after");
	assert_bad(&s, 2, -TV_EPARSE, 5, 5, "after");
	assert_value(&s, 3, 6, 6);
	seq_free(&s);
}

/*
 * A pretty value cut short mid-file (its writer died) and the next one
 * appended: one bad stretch up to the next closer in column 0, then the
 * framing is back in step.
 */
static void test_truncated_resync(void **state)
{
	struct seq s;

	(void)state;
	run_str(&s, "{\n  \"a\": {\n    \"b\": [\n" PRETTY_B PRETTY_A);
	assert_int_equal(s.n, 2);
	assert_bad(&s, 0, -TV_EPARSE, 1, 6, "truncated");
	assert_value(&s, 1, 7, 14);
	seq_free(&s);
	/* cut inside a string, the next object glued to it */
	run_str(&s, "{\n  \"a\": \"abc{\n  \"c\": \"d\"\n}\n" PRETTY_B);
	assert_int_equal(s.n, 2);
	assert_bad(&s, 0, -TV_EPARSE, 1, 4, "string runs past");
	assert_value(&s, 1, 5, 7);
	seq_free(&s);
}

/* values over the limit are skipped whole; the next one is fine */
static void test_too_big(void **state)
{
	const char *data = PRETTY_A PRETTY_B
		"{\"x\":\"0123456789012345678901234567890123456789\"}\n" PRETTY_B;
	struct seq s;

	(void)state;
	run_data(&s, data, strlen(data), 0, 40);
	assert_int_equal(s.n, 4);
	assert_bad(&s, 0, -TV_ETOOBIG, 1, 8, "larger");
	assert_value(&s, 1, 9, 11);
	assert_bad(&s, 2, -TV_ETOOBIG, 12, 12, "larger");
	assert_value(&s, 3, 13, 15);
	seq_free(&s);
}

/* lines over tv_input's limit: skipped by it, the value around them too */
static void test_long_line(void **state)
{
	struct seq s;
	char data[512];

	(void)state;
	snprintf(data, sizeof(data),
		 "{\"x\":\"%0100d\"}\n%s{\n  \"y\": \"%0100d\",\n  \"z\": 1\n}\n%s", 0, PRETTY_B, 0,
		 PRETTY_B);
	run_data(&s, data, strlen(data), 64, 0);
	assert_int_equal(s.n, 4);
	assert_bad(&s, 0, -TV_ETOOBIG, 1, 1, "longer");
	assert_value(&s, 1, 2, 4);
	assert_bad(&s, 2, -TV_ETOOBIG, 5, 8, "larger");
	assert_value(&s, 3, 9, 11);
	seq_free(&s);
}

/* a gzip stream cut short is a read error, not a bad record */
static void test_corrupt_gzip(void **state)
{
	char path[] = "/tmp/test_jsonseq_XXXXXX";
	int fd = mkstemp(path);
	gzFile gz;
	struct seq s;
	char big[4096];
	off_t size;

	(void)state;
	assert_true(fd >= 0);
	gz = gzdopen(dup(fd), "wb");
	assert_non_null(gz);
	for (int i = 0; i < 200; i++) {
		snprintf(big, sizeof(big), "{\n  \"n\": %d,\n  \"pad\": \"%0*d\"\n}\n", i,
			 (i * 37) % 2000, i);
		assert_true(gzputs(gz, big) > 0);
	}
	assert_int_equal(gzclose(gz), Z_OK);
	size = lseek(fd, 0, SEEK_END);
	assert_int_equal(ftruncate(fd, size / 2), 0);
	close(fd);
	run_path(&s, path, 0, 0);
	unlink(path);
	assert_true(s.n > 0);
	assert_true(s.v[s.n - 1].ret < 0);
	assert_int_not_equal(s.v[s.n - 1].ret, -TV_EPARSE);
	assert_int_not_equal(s.v[s.n - 1].ret, -TV_ETOOBIG);
	seq_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),	     cmocka_unit_test(test_pretty),
		cmocka_unit_test(test_lines),	     cmocka_unit_test(test_mixed_and_strings),
		cmocka_unit_test(test_crlf_bom),     cmocka_unit_test(test_trailing_blanks),
		cmocka_unit_test(test_deep),	     cmocka_unit_test(test_nul),
		cmocka_unit_test(test_gzip),	     cmocka_unit_test(test_text_outside),
		cmocka_unit_test(test_unterminated), cmocka_unit_test(test_several_on_a_line),
		cmocka_unit_test(test_text_after),   cmocka_unit_test(test_truncated_resync),
		cmocka_unit_test(test_too_big),	     cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_corrupt_gzip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
