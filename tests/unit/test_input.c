// SPDX-License-Identifier: MIT
/*
 * tv_input: line reading over plain and gzip files: line ends, a final
 * line without "\n", BOM, NUL bytes, overlong lines, peeking, truncated
 * gzip, empty input, UTF-16 transcoded and invalid UTF-16 or UTF-32 named.
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
#include <unistd.h>

#include <cmocka.h>
#include <zlib.h>

#include "libcommon/core/tv_error.h"
#include "libcommon/core/tv_input.h"
#include "libcommon/core/tv_strbuf.h"

struct fix {
	char path[64];
	bool created;
	struct tv_input *in;
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	if (f == NULL) {
		return -1;
	}
	snprintf(f->path, sizeof(f->path), "/tmp/test_input_XXXXXX");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	tv_input_close(f->in);
	if (f->created) {
		unlink(f->path);
	}
	free(f);
	return 0;
}

static void write_plain(struct fix *f, const void *data, size_t n)
{
	int fd = mkstemp(f->path);

	assert_true(fd >= 0);
	f->created = true;
	assert_int_equal(write(fd, data, n), (ssize_t)n);
	assert_int_equal(close(fd), 0);
}

static void write_gz(struct fix *f, const void *data, size_t n)
{
	int fd = mkstemp(f->path);
	gzFile gz;

	assert_true(fd >= 0);
	f->created = true;
	assert_int_equal(close(fd), 0);
	gz = gzopen(f->path, "wb");
	assert_non_null(gz);
	if (n > 0) {
		assert_int_equal(gzwrite(gz, data, (unsigned)n), (int)n);
	}
	assert_int_equal(gzclose(gz), Z_OK);
}

static void open_in(struct fix *f, size_t max_record)
{
	assert_int_equal(tv_input_open(f->path, max_record, &f->in), 0);
	assert_non_null(f->in);
}

/* the next line is @want (n bytes) at @lineno */
static void expect_line(struct fix *f, const char *want, size_t n, uint64_t lineno,
			bool unterminated)
{
	const char *line = NULL;
	size_t len = 0;
	uint64_t no = 0;
	bool unt = !unterminated;
	int r = tv_input_line(f->in, &line, &len, &no, &unt);

	if (r != 1) {
		fail_msg("line %llu: tv_input_line = %d, want 1", (unsigned long long)lineno, r);
	}
	if (len != n || memcmp(line, want, n) != 0) {
		fail_msg("line %llu: got \"%.*s\" (%zu), want \"%.*s\" (%zu)",
			 (unsigned long long)lineno, (int)len, line, len, (int)n, want, n);
	}
	assert_int_equal(no, lineno);
	assert_int_equal(unt, unterminated);
	/* the parser's padding is readable after the line */
	for (size_t i = 0; i < TV_STRBUF_PAD; i++) {
		volatile char c = line[len + i];

		(void)c;
	}
}

static void expect_str(struct fix *f, const char *want, uint64_t lineno)
{
	expect_line(f, want, strlen(want), lineno, false);
}

static void expect_end(struct fix *f)
{
	const char *line;
	size_t len;
	uint64_t no;

	assert_int_equal(tv_input_line(f->in, &line, &len, &no, NULL), 0);
	/* and it stays at the end */
	assert_int_equal(tv_input_line(f->in, &line, &len, &no, NULL), 0);
}

static void expect_toobig(struct fix *f, uint64_t lineno)
{
	const char *line;
	size_t len;
	uint64_t no = 0;

	assert_int_equal(tv_input_line(f->in, &line, &len, &no, NULL), -TV_ETOOBIG);
	assert_int_equal(no, lineno);
}

static void test_open_errors(void **state)
{
	struct tv_input *in = NULL;

	(void)state;
	assert_int_equal(tv_input_open("/nonexistent/dir/file.log", 0, &in), -ENOENT);
	assert_null(in);
	tv_input_close(NULL);
}

static void test_names(void **state)
{
	struct fix *f = *state;
	struct tv_input *in = NULL;

	write_plain(f, "x\n", 2);
	open_in(f, 0);
	assert_string_equal(tv_input_name(f->in), f->path);
	assert_string_equal(tv_input_path(f->in), f->path);
	assert_false(tv_input_compressed(f->in));
	/* "-" is stdin, named for messages (when the test has a stdin) */
	if (tv_input_open("-", 0, &in) == 0) {
		assert_string_equal(tv_input_name(in), "<stdin>");
		assert_string_equal(tv_input_path(in), "-");
		tv_input_close(in);
	}
}

static void test_lf_crlf(void **state)
{
	struct fix *f = *state;
	const char data[] = "a\nbb\r\nccc\n\r\n\nlast\r\n";

	write_plain(f, data, sizeof(data) - 1);
	open_in(f, 0);
	expect_str(f, "a", 1);
	expect_str(f, "bb", 2);
	expect_str(f, "ccc", 3);
	expect_str(f, "", 4);
	expect_str(f, "", 5);
	expect_str(f, "last", 6);
	expect_end(f);
	assert_int_equal(tv_input_bytes(f->in), sizeof(data) - 1);
}

/* only a "\r" right before "\n" is a line end */
static void test_lone_cr_kept(void **state)
{
	struct fix *f = *state;
	const char data[] = "a\rb\n\rc\n";

	write_plain(f, data, sizeof(data) - 1);
	open_in(f, 0);
	expect_str(f, "a\rb", 1);
	expect_str(f, "\rc", 2);
	expect_end(f);
}

static void test_unterminated_last_line(void **state)
{
	struct fix *f = *state;
	const char data[] = "first\nsecond";

	write_plain(f, data, sizeof(data) - 1);
	open_in(f, 0);
	expect_line(f, "first", 5, 1, false);
	expect_line(f, "second", 6, 2, true);
	expect_end(f);
	assert_int_equal(tv_input_bytes(f->in), sizeof(data) - 1);
}

static void test_single_unterminated_line(void **state)
{
	struct fix *f = *state;

	write_plain(f, "ab", 2);
	open_in(f, 0);
	expect_line(f, "ab", 2, 1, true);
	expect_end(f);
}

static void test_unterminated_crlf(void **state)
{
	struct fix *f = *state;

	write_plain(f, "x\r\ny", 4);
	open_in(f, 0);
	expect_line(f, "x", 1, 1, false);
	expect_line(f, "y", 1, 2, true);
	expect_end(f);
}

static void test_bom(void **state)
{
	struct fix *f = *state;
	const char data[] = "\xef\xbb\xbfhello\nworld \xef\xbb\xbf\n";

	write_plain(f, data, sizeof(data) - 1);
	open_in(f, 0);
	expect_str(f, "hello", 1);
	/* a BOM elsewhere is data */
	expect_str(f, "world \xef\xbb\xbf", 2);
	expect_end(f);
}

static void test_bom_only(void **state)
{
	struct fix *f = *state;

	write_plain(f, "\xef\xbb\xbf", 3);
	open_in(f, 0);
	expect_end(f);
}

static void test_bom_then_empty_line(void **state)
{
	struct fix *f = *state;

	write_plain(f, "\xef\xbb\xbf\nx\n", 6);
	open_in(f, 0);
	expect_str(f, "", 1);
	expect_str(f, "x", 2);
	expect_end(f);
}

static void test_nul_bytes(void **state)
{
	struct fix *f = *state;
	const char data[] = "a\0b\n\0\n\0\0\0";

	write_plain(f, data, sizeof(data) - 1);
	open_in(f, 0);
	expect_line(f, "a\0b", 3, 1, false);
	expect_line(f, "\0", 1, 2, false);
	expect_line(f, "\0\0\0", 3, 3, true);
	expect_end(f);
}

static void test_empty_file(void **state)
{
	struct fix *f = *state;
	const char *data = NULL;
	size_t len = 99;

	write_plain(f, "", 0);
	open_in(f, 0);
	assert_int_equal(tv_input_peek(f->in, &data, &len), 0);
	assert_int_equal(len, 0);
	expect_end(f);
	assert_int_equal(tv_input_bytes(f->in), 0);
}

static void test_blank_lines(void **state)
{
	struct fix *f = *state;

	write_plain(f, "\n\n\n", 3);
	open_in(f, 0);
	expect_str(f, "", 1);
	expect_str(f, "", 2);
	expect_str(f, "", 3);
	expect_end(f);
}

static void test_too_long_small(void **state)
{
	struct fix *f = *state;
	const char data[] = "short\n"
			    "0123456789abcdefghijklmnopqrstuvwxyz\n"
			    "exactly10!\n"
			    "eleven1234!\n"
			    "after\n";

	write_plain(f, data, sizeof(data) - 1);
	open_in(f, 10);
	expect_str(f, "short", 1);
	expect_toobig(f, 2);
	expect_str(f, "exactly10!", 3);
	expect_toobig(f, 4);
	expect_str(f, "after", 5);
	expect_end(f);
	/* skipped bytes are consumed too */
	assert_int_equal(tv_input_bytes(f->in), sizeof(data) - 1);
}

/* a line much longer than the read buffer: skipped without holding it */
static void test_too_long_huge(void **state)
{
	struct fix *f = *state;
	size_t big = 3u << 20;
	struct tv_strbuf b;

	tv_strbuf_init(&b);
	assert_int_equal(tv_strbuf_puts(&b, "before\n"), 0);
	assert_int_equal(tv_strbuf_reserve(&b, big + 64), 0);
	memset(b.p + b.len, 'x', big);
	b.len += big;
	assert_int_equal(tv_strbuf_puts(&b, "\nafter\n"), 0);
	write_plain(f, b.p, b.len);
	open_in(f, 4096);
	expect_str(f, "before", 1);
	expect_toobig(f, 2);
	expect_str(f, "after", 3);
	expect_end(f);
	assert_int_equal(tv_input_bytes(f->in), b.len);
	tv_strbuf_finish(&b);
}

/* an overlong final line without "\n" */
static void test_too_long_last(void **state)
{
	struct fix *f = *state;
	size_t big = 2u << 20;
	char *data = malloc(big + 3);

	assert_non_null(data);
	memcpy(data, "a\n", 2);
	memset(data + 2, 'y', big);
	write_plain(f, data, big + 2);
	open_in(f, 1000);
	expect_str(f, "a", 1);
	expect_toobig(f, 2);
	expect_end(f);
	free(data);
	tv_input_close(f->in);
	/* the same, short enough to sit in one buffer */
	f->in = NULL;
	unlink(f->path);
	f->created = false;
	snprintf(f->path, sizeof(f->path), "/tmp/test_input_XXXXXX");
	write_plain(f, "a\nyyyyyyyyyyyyyyyy", 18);
	open_in(f, 8);
	expect_str(f, "a", 1);
	expect_toobig(f, 2);
	expect_end(f);
}

/* many lines of varying length across buffer refills */
static void test_many_lines(void **state)
{
	struct fix *f = *state;
	struct tv_strbuf b, want;
	const int n = 60000;

	tv_strbuf_init(&b);
	tv_strbuf_init(&want);
	for (int i = 0; i < n; i++) {
		assert_int_equal(tv_strbuf_printf(&b, "%d:", i), 0);
		for (int j = 0; j < i % 97; j++) {
			assert_int_equal(tv_strbuf_putc(&b, (char)('a' + j % 26)), 0);
		}
		assert_int_equal(tv_strbuf_puts(&b, i % 3 ? "\n" : "\r\n"), 0);
	}
	assert_true(b.len > (2u << 20));
	write_plain(f, b.p, b.len);
	open_in(f, 0);
	for (int i = 0; i < n; i++) {
		tv_strbuf_reset(&want);
		assert_int_equal(tv_strbuf_printf(&want, "%d:", i), 0);
		for (int j = 0; j < i % 97; j++) {
			assert_int_equal(tv_strbuf_putc(&want, (char)('a' + j % 26)), 0);
		}
		expect_line(f, want.p, want.len, (uint64_t)i + 1, false);
	}
	expect_end(f);
	assert_int_equal(tv_input_bytes(f->in), b.len);
	tv_strbuf_finish(&b);
	tv_strbuf_finish(&want);
}

static void test_peek_does_not_consume(void **state)
{
	struct fix *f = *state;
	const char data[] = "{\"televal\":1}\nsecond\n";
	const char *p = NULL;
	size_t len = 0;

	write_plain(f, data, sizeof(data) - 1);
	open_in(f, 0);
	assert_int_equal(tv_input_peek(f->in, &p, &len), 0);
	assert_int_equal(len, sizeof(data) - 1);
	assert_memory_equal(p, data, len);
	/* twice gives the same */
	assert_int_equal(tv_input_peek(f->in, &p, &len), 0);
	assert_int_equal(len, sizeof(data) - 1);
	assert_int_equal(tv_input_bytes(f->in), 0);
	expect_str(f, "{\"televal\":1}", 1);
	expect_str(f, "second", 2);
	expect_end(f);
}

static void test_peek_skips_bom(void **state)
{
	struct fix *f = *state;
	const char data[] = "\xef\xbb\xbf{\"a\":1}\n";
	const char *p = NULL;
	size_t len = 0;

	write_plain(f, data, sizeof(data) - 1);
	open_in(f, 0);
	assert_int_equal(tv_input_peek(f->in, &p, &len), 0);
	assert_int_equal(len, 8);
	assert_memory_equal(p, "{\"a\":1}\n", 8);
	expect_str(f, "{\"a\":1}", 1);
	expect_end(f);
}

/* peek is bounded: a large file is not read whole */
static void test_peek_large(void **state)
{
	struct fix *f = *state;
	size_t big = 4u << 20;
	char *data = malloc(big);
	const char *p;
	size_t len;

	assert_non_null(data);
	memset(data, 'z', big);
	data[10] = '\n';
	write_plain(f, data, big);
	open_in(f, 0);
	assert_int_equal(tv_input_peek(f->in, &p, &len), 0);
	assert_true(len >= 64u << 10);
	assert_true(len < big);
	assert_memory_equal(p, data, 64);
	expect_line(f, data, 10, 1, false);
	free(data);
}

static void test_gzip(void **state)
{
	struct fix *f = *state;
	const char data[] = "\xef\xbb\xbfone\r\ntwo\nthree";
	const char *p;
	size_t len;

	write_gz(f, data, sizeof(data) - 1);
	open_in(f, 0);
	assert_true(tv_input_compressed(f->in));
	assert_int_equal(tv_input_peek(f->in, &p, &len), 0);
	assert_int_equal(len, sizeof(data) - 1 - 3);
	assert_memory_equal(p, "one\r\n", 5);
	expect_str(f, "one", 1);
	expect_str(f, "two", 2);
	expect_line(f, "three", 5, 3, true);
	expect_end(f);
	assert_int_equal(tv_input_bytes(f->in), sizeof(data) - 1);
}

static void test_gzip_large(void **state)
{
	struct fix *f = *state;
	struct tv_strbuf b;
	const int n = 100000;
	char want[32];

	tv_strbuf_init(&b);
	for (int i = 0; i < n; i++) {
		assert_int_equal(tv_strbuf_printf(&b, "line %d\n", i), 0);
	}
	write_gz(f, b.p, b.len);
	open_in(f, 0);
	assert_true(tv_input_compressed(f->in));
	for (int i = 0; i < n; i++) {
		int k = snprintf(want, sizeof(want), "line %d", i);

		expect_line(f, want, (size_t)k, (uint64_t)i + 1, false);
	}
	expect_end(f);
	assert_int_equal(tv_input_bytes(f->in), b.len);
	tv_strbuf_finish(&b);
}

static void test_gzip_empty(void **state)
{
	struct fix *f = *state;

	write_gz(f, "", 0);
	open_in(f, 0);
	expect_end(f);
}

/* gzip members back to back read as one stream (like cat a.gz b.gz) */
static void test_gzip_members(void **state)
{
	struct fix *f = *state;
	gzFile gz;

	write_gz(f, "a\nb", 3);
	gz = gzopen(f->path, "ab");
	assert_non_null(gz);
	assert_int_equal(gzwrite(gz, "c\n", 2), 2);
	assert_int_equal(gzclose(gz), Z_OK);
	open_in(f, 0);
	expect_str(f, "a", 1);
	expect_str(f, "bc", 2);
	expect_end(f);
}

/* a gzip file cut short is an error, not a silent end */
static void test_gzip_truncated(void **state)
{
	struct fix *f = *state;
	struct tv_strbuf b;
	const char *line;
	size_t len;
	uint64_t no;
	long size;
	FILE *fp;
	int r, lines = 0;
	uint32_t x = 12345;

	tv_strbuf_init(&b);
	/* poorly compressible text so the cut lands inside the data */
	for (int i = 0; i < 20000; i++) {
		x = x * 1103515245u + 12345u;
		assert_int_equal(tv_strbuf_printf(&b, "%08x %u\n", x, x % 1000u), 0);
	}
	write_gz(f, b.p, b.len);
	fp = fopen(f->path, "rb+");
	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	size = ftell(fp);
	assert_true(size > 1000);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(truncate(f->path, size / 2), 0);
	open_in(f, 0);
	assert_true(tv_input_compressed(f->in));
	for (;;) {
		r = tv_input_line(f->in, &line, &len, &no, NULL);
		if (r != 1) {
			break;
		}
		lines++;
		assert_true(lines <= 20000);
	}
	tv_strbuf_finish(&b);
	if (r == 0) {
		fail_msg("truncated gzip read as a clean end after %d lines", lines);
	}
	assert_int_equal(r, -TV_ECORRUPT);
	assert_true(lines < 20000);
}

/* only the gzip trailer (CRC, size) missing */
static void test_gzip_truncated_trailer(void **state)
{
	struct fix *f = *state;
	const char *line;
	size_t len;
	uint64_t no;
	long size;
	FILE *fp;
	int r;

	write_gz(f, "hello\nworld\n", 12);
	fp = fopen(f->path, "rb");
	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	size = ftell(fp);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(truncate(f->path, size - 4), 0);
	open_in(f, 0);
	do {
		r = tv_input_line(f->in, &line, &len, &no, NULL);
	} while (r == 1);
	assert_int_equal(r, -TV_ECORRUPT);
}

/* a corrupt deflate stream */
static void test_gzip_corrupt(void **state)
{
	struct fix *f = *state;
	const char *line;
	size_t len;
	uint64_t no;
	FILE *fp;
	int r, c;

	write_gz(f, "hello hello hello\nworld world\n", 30);
	fp = fopen(f->path, "rb+");
	assert_non_null(fp);
	assert_int_equal(fseek(fp, 12, SEEK_SET), 0);
	c = fgetc(fp);
	assert_int_equal(fseek(fp, 12, SEEK_SET), 0);
	assert_int_not_equal(fputc(c ^ 0xff, fp), EOF);
	assert_int_equal(fseek(fp, 13, SEEK_SET), 0);
	assert_int_not_equal(fputc(0xff, fp), EOF);
	assert_int_equal(fclose(fp), 0);
	open_in(f, 0);
	do {
		r = tv_input_line(f->in, &line, &len, &no, NULL);
	} while (r == 1);
	assert_int_equal(r, -TV_ECORRUPT);
}

/* ---- UTF-16 with a byte-order mark: transcoded to UTF-8 ---- */

/* @s (UTF-8: ASCII, 2-, 3- and 4-byte sequences) as UTF-16 with a mark, into @b */
static void put_utf16(struct tv_strbuf *b, const char *s, bool le)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t c;

	assert_int_equal(tv_strbuf_append(b, le ? "\xff\xfe" : "\xfe\xff", 2), 0);
	while (*p) {
		int k = *p < 0x80 ? 0 : *p < 0xE0 ? 1 : *p < 0xF0 ? 2 : 3;
		uint32_t units[2];
		int nu = 1;

		c = k == 0 ? *p : (uint32_t)(*p & (0x3F >> k));
		for (int i = 1; i <= k; i++) {
			c = c << 6 | (p[i] & 0x3F);
		}
		p += k + 1;
		units[0] = c;
		if (c >= 0x10000) {
			units[0] = 0xD800 + ((c - 0x10000) >> 10);
			units[1] = 0xDC00 + ((c - 0x10000) & 0x3FF);
			nu = 2;
		}
		for (int i = 0; i < nu; i++) {
			char u[2] = { (char)(le ? units[i] & 0xFF : units[i] >> 8),
				      (char)(le ? units[i] >> 8 : units[i] & 0xFF) };

			assert_int_equal(tv_strbuf_append(b, u, 2), 0);
		}
	}
}

/* PowerShell's UTF-16LE: a mark, CRLF line ends, text beyond ASCII */
static void test_utf16le(void **state)
{
	struct fix *f = *state;
	const char text[] = "{\"a\": \"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"}\r\nsecond\r\n";
	const char *p = NULL;
	size_t len = 0;
	struct tv_strbuf b;

	tv_strbuf_init(&b);
	put_utf16(&b, text, true);
	write_plain(f, b.p, b.len);
	tv_strbuf_finish(&b);
	open_in(f, 0);
	assert_int_equal(tv_input_peek(f->in, &p, &len), 0);
	assert_int_equal(len, sizeof(text) - 1);
	assert_memory_equal(p, text, len);
	assert_string_equal(tv_input_encoding(f->in), "UTF-16LE");
	expect_str(f, "{\"a\": \"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"}", 1);
	expect_str(f, "second", 2);
	expect_end(f);
}

/* big-endian, and many lines: surrogate pairs cut by the reads are put together */
static void test_utf16be_large(void **state)
{
	struct fix *f = *state;
	struct tv_strbuf text, b;
	const int n = 60000;
	char want[64];

	tv_strbuf_init(&text);
	tv_strbuf_init(&b);
	for (int i = 0; i < n; i++) {
		assert_int_equal(tv_strbuf_printf(&text,
						  "%d \xf0\x9f\x98\x80\xc3\xa9"
						  "x\n",
						  i),
				 0);
	}
	put_utf16(&b, text.p, false);
	assert_true(b.len > (1u << 20));
	write_plain(f, b.p, b.len);
	open_in(f, 0);
	for (int i = 0; i < n; i++) {
		snprintf(want, sizeof(want),
			 "%d \xf0\x9f\x98\x80\xc3\xa9"
			 "x",
			 i);
		expect_str(f, want, (uint64_t)i + 1);
	}
	expect_end(f);
	assert_string_equal(tv_input_encoding(f->in), "UTF-16BE");
	tv_strbuf_finish(&text);
	tv_strbuf_finish(&b);
}

/* gzip of a UTF-16 file: the mark is looked for in the decompressed bytes */
static void test_utf16_gzip(void **state)
{
	struct fix *f = *state;
	struct tv_strbuf b;

	tv_strbuf_init(&b);
	put_utf16(&b, "one\ntwo", true);
	write_gz(f, b.p, b.len);
	tv_strbuf_finish(&b);
	open_in(f, 0);
	expect_str(f, "one", 1);
	expect_line(f, "two", 3, 2, true);
	expect_end(f);
}

/* what cannot be read says so: a lone surrogate, half a code unit, UTF-32 */
static void test_utf16_invalid(void **state)
{
	static const struct {
		const char *data;
		size_t n;
		const char *enc;
	} cases[] = {
		{ "\xff\xfe"
		  "a\0\n\0b\0\x00\xdc\n\0",
		  12, "UTF-16LE" }, /* a low half alone */
		{ "\xff\xfe"
		  "a\0\n\0\x00\xd8",
		  8, "UTF-16LE" },				  /* a high half at the end */
		{ "\xfe\xff\0a\0\n\xd8\x00\0b", 10, "UTF-16BE" }, /* a high half, no low one */
		{ "\xff\xfe"
		  "a\0\n\0b",
		  7, "UTF-16LE" }, /* half a code unit */
		{ "\xff\xfe\0\0"
		  "a\0\0\0",
		  8, "UTF-32LE" },
		{ "\0\0\xfe\xff\0\0\0"
		  "a",
		  8, "UTF-32BE" },
	};
	struct fix *f = *state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *line;
		size_t len;
		uint64_t no;
		int r;

		if (f->created) {
			tv_input_close(f->in);
			f->in = NULL;
			unlink(f->path);
			snprintf(f->path, sizeof(f->path), "/tmp/test_input_XXXXXX");
		}
		write_plain(f, cases[i].data, cases[i].n);
		open_in(f, 0);
		do {
			r = tv_input_line(f->in, &line, &len, &no, NULL);
		} while (r == 1);
		assert_int_equal(r, -TV_EENCODING);
		assert_string_equal(tv_input_encoding(f->in), cases[i].enc);
	}
}

/* text saved as UTF-16 without a mark is recognised for the message */
static void test_looks_utf16(void **state)
{
	(void)state;
	assert_string_equal(tv_input_looks_utf16("{\0\"\0a\0\"\0", 8), "UTF-16LE");
	assert_string_equal(tv_input_looks_utf16("\0{\0\"\0a\0\"", 8), "UTF-16BE");
	assert_null(tv_input_looks_utf16("{\"a\":1}", 7));
	assert_null(tv_input_looks_utf16("{\0", 2));
}

#define TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_errors),
		TEST(test_names),
		TEST(test_lf_crlf),
		TEST(test_lone_cr_kept),
		TEST(test_unterminated_last_line),
		TEST(test_single_unterminated_line),
		TEST(test_unterminated_crlf),
		TEST(test_bom),
		TEST(test_bom_only),
		TEST(test_bom_then_empty_line),
		TEST(test_nul_bytes),
		TEST(test_empty_file),
		TEST(test_blank_lines),
		TEST(test_too_long_small),
		TEST(test_too_long_huge),
		TEST(test_too_long_last),
		TEST(test_many_lines),
		TEST(test_peek_does_not_consume),
		TEST(test_peek_skips_bom),
		TEST(test_peek_large),
		TEST(test_gzip),
		TEST(test_gzip_large),
		TEST(test_gzip_empty),
		TEST(test_gzip_members),
		TEST(test_gzip_truncated),
		TEST(test_gzip_truncated_trailer),
		TEST(test_gzip_corrupt),
		TEST(test_utf16le),
		TEST(test_utf16be_large),
		TEST(test_utf16_gzip),
		TEST(test_utf16_invalid),
		cmocka_unit_test(test_looks_utf16),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
