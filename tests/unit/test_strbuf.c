// SPDX-License-Identifier: MIT
/*
 * tv_strbuf: the growable byte buffer (append, printf, reserve, steal,
 * reset) and the zeroed padding it keeps after len for the JSON parser.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "libcommon/core/tv_strbuf.h"

/* p[len] and the TV_STRBUF_PAD bytes after it are zero. */
static void assert_padded(const struct tv_strbuf *b)
{
	assert_non_null(b->p);
	for (size_t i = 0; i <= TV_STRBUF_PAD; i++) {
		if (b->p[b->len + i] != '\0') {
			fail_msg("byte %zu after len %zu is 0x%02x", i, b->len,
				 (unsigned char)b->p[b->len + i]);
		}
	}
}

static void test_init_finish(void **state)
{
	struct tv_strbuf b;

	(void)state;
	tv_strbuf_init(&b);
	assert_null(b.p);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	tv_strbuf_finish(&b);
	assert_null(b.p);
	/* reusable after finish */
	assert_int_equal(tv_strbuf_puts(&b, "x"), 0);
	assert_string_equal(b.p, "x");
	tv_strbuf_finish(&b);
	assert_null(b.p);
	assert_int_equal(b.len, 0);
}

static void test_append(void **state)
{
	struct tv_strbuf b;

	(void)state;
	tv_strbuf_init(&b);
	assert_int_equal(tv_strbuf_append(&b, "abc", 3), 0);
	assert_int_equal(b.len, 3);
	assert_string_equal(b.p, "abc");
	assert_padded(&b);
	assert_int_equal(tv_strbuf_append(&b, "defgh", 2), 0);
	assert_int_equal(b.len, 5);
	assert_string_equal(b.p, "abcde");
	assert_int_equal(tv_strbuf_puts(&b, "!"), 0);
	assert_int_equal(tv_strbuf_putc(&b, '?'), 0);
	assert_string_equal(b.p, "abcde!?");
	assert_int_equal(b.len, 7);
	assert_padded(&b);
	/* zero bytes: still NUL-terminated, nothing added */
	assert_int_equal(tv_strbuf_append(&b, NULL, 0), 0);
	assert_int_equal(b.len, 7);
	tv_strbuf_finish(&b);
}

static void test_append_empty_allocates(void **state)
{
	struct tv_strbuf b;

	(void)state;
	tv_strbuf_init(&b);
	assert_int_equal(tv_strbuf_append(&b, "", 0), 0);
	assert_non_null(b.p);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.p, "");
	assert_padded(&b);
	tv_strbuf_finish(&b);
}

static void test_embedded_nul(void **state)
{
	struct tv_strbuf b;

	(void)state;
	tv_strbuf_init(&b);
	assert_int_equal(tv_strbuf_append(&b, "a\0b", 3), 0);
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.p, "a\0b", 4);
	tv_strbuf_finish(&b);
}

static void test_grow_large(void **state)
{
	struct tv_strbuf b;
	char chunk[1000];

	(void)state;
	memset(chunk, 'x', sizeof(chunk));
	tv_strbuf_init(&b);
	for (int i = 0; i < 1000; i++) {
		assert_int_equal(tv_strbuf_append(&b, chunk, sizeof(chunk)), 0);
		assert_true(b.cap > b.len);
	}
	assert_int_equal(b.len, 1000000);
	for (size_t i = 0; i < b.len; i++) {
		if (b.p[i] != 'x') {
			fail_msg("byte %zu is 0x%02x", i, (unsigned char)b.p[i]);
		}
	}
	assert_padded(&b);
	tv_strbuf_finish(&b);
}

static void test_putc_many(void **state)
{
	struct tv_strbuf b;

	(void)state;
	tv_strbuf_init(&b);
	for (int i = 0; i < 5000; i++) {
		assert_int_equal(tv_strbuf_putc(&b, (char)('a' + i % 26)), 0);
		assert_true(b.len < b.cap);
		assert_int_equal(b.p[b.len], '\0');
	}
	assert_int_equal(b.len, 5000);
	for (int i = 0; i < 5000; i++) {
		assert_int_equal(b.p[i], 'a' + i % 26);
	}
	assert_padded(&b);
	tv_strbuf_finish(&b);
}

static void test_printf(void **state)
{
	struct tv_strbuf b;
	char big[3000];

	(void)state;
	tv_strbuf_init(&b);
	assert_int_equal(tv_strbuf_printf(&b, "%d-%s-%05.1f", 42, "x", 3.25), 0);
	assert_string_equal(b.p, "42-x-003.2");
	assert_int_equal(b.len, strlen("42-x-003.2"));
	assert_int_equal(tv_strbuf_printf(&b, "[%s]", ""), 0);
	assert_string_equal(b.p, "42-x-003.2[]");
	assert_padded(&b);
	/* more than the initial allocation in one go */
	memset(big, 'y', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(tv_strbuf_printf(&b, "<%s>", big), 0);
	assert_int_equal(b.len, strlen("42-x-003.2[]") + 2 + sizeof(big) - 1);
	assert_int_equal(b.p[b.len - 1], '>');
	assert_padded(&b);
	tv_strbuf_finish(&b);
}

static void test_printf_empty(void **state)
{
	struct tv_strbuf b;

	(void)state;
	tv_strbuf_init(&b);
	assert_int_equal(tv_strbuf_printf(&b, "%s", ""), 0);
	assert_int_equal(b.len, 0);
	assert_non_null(b.p);
	assert_string_equal(b.p, "");
	tv_strbuf_finish(&b);
}

static void test_reserve(void **state)
{
	struct tv_strbuf b;
	char *p;
	size_t cap;

	(void)state;
	tv_strbuf_init(&b);
	assert_int_equal(tv_strbuf_reserve(&b, 10000), 0);
	assert_non_null(b.p);
	assert_int_equal(b.len, 0);
	assert_true(b.cap >= 10001);
	assert_padded(&b);
	p = b.p;
	cap = b.cap;
	/* appending within the reservation does not move the bytes */
	for (int i = 0; i < 10000; i++) {
		assert_int_equal(tv_strbuf_putc(&b, 'z'), 0);
	}
	assert_ptr_equal(b.p, p);
	assert_int_equal(b.cap, cap);
	assert_padded(&b);
	/* a reservation that is already there changes nothing */
	assert_int_equal(tv_strbuf_reserve(&b, 0), 0);
	assert_ptr_equal(b.p, p);
	/* overflow is refused, not wrapped */
	assert_int_equal(tv_strbuf_reserve(&b, SIZE_MAX), -ENOMEM);
	assert_int_equal(tv_strbuf_reserve(&b, SIZE_MAX - b.len), -ENOMEM);
	assert_int_equal(b.len, 10000);
	tv_strbuf_finish(&b);
}

static void test_reset(void **state)
{
	struct tv_strbuf b;
	char *p;

	(void)state;
	tv_strbuf_init(&b);
	tv_strbuf_reset(&b); /* on an empty buffer: no crash */
	assert_null(b.p);
	assert_int_equal(tv_strbuf_puts(&b, "hello world"), 0);
	p = b.p;
	tv_strbuf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_ptr_equal(b.p, p);
	assert_string_equal(b.p, "");
	assert_int_equal(tv_strbuf_puts(&b, "hi"), 0);
	assert_string_equal(b.p, "hi");
	assert_int_equal(b.len, 2);
	tv_strbuf_finish(&b);
}

/* After a long text, reset and a short one: the old bytes are not visible in the pad. */
static void test_padding_after_shrink(void **state)
{
	struct tv_strbuf b;
	char big[200];

	(void)state;
	memset(big, 'q', sizeof(big));
	tv_strbuf_init(&b);
	assert_int_equal(tv_strbuf_append(&b, big, sizeof(big)), 0);
	tv_strbuf_reset(&b);
	assert_int_equal(tv_strbuf_append(&b, "ab", 2), 0);
	/* p[len] is NUL; the bytes after it may be stale, but grow() zeroes on realloc */
	assert_int_equal(b.p[b.len], '\0');
	/* growing zeroes everything past len */
	assert_int_equal(tv_strbuf_reserve(&b, b.cap * 4), 0);
	assert_padded(&b);
	tv_strbuf_finish(&b);
}

static void test_steal(void **state)
{
	struct tv_strbuf b;
	char *s;

	(void)state;
	tv_strbuf_init(&b);
	assert_int_equal(tv_strbuf_puts(&b, "owned"), 0);
	s = tv_strbuf_steal(&b);
	assert_non_null(s);
	assert_string_equal(s, "owned");
	assert_null(b.p);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	free(s);
	/* the buffer is usable again */
	assert_int_equal(tv_strbuf_puts(&b, "again"), 0);
	assert_string_equal(b.p, "again");
	tv_strbuf_finish(&b);
}

static void test_steal_empty(void **state)
{
	struct tv_strbuf b;
	char *s;

	(void)state;
	tv_strbuf_init(&b);
	s = tv_strbuf_steal(&b);
	assert_non_null(s);
	assert_string_equal(s, "");
	free(s);
	/* allocated but emptied buffer */
	assert_int_equal(tv_strbuf_puts(&b, "x"), 0);
	tv_strbuf_reset(&b);
	s = tv_strbuf_steal(&b);
	assert_non_null(s);
	assert_string_equal(s, "");
	assert_null(b.p);
	free(s);
}

static void test_strndup(void **state)
{
	char *s;

	(void)state;
	s = tv_strndup("abcdef", 3);
	assert_non_null(s);
	assert_string_equal(s, "abc");
	free(s);
	s = tv_strndup(NULL, 0);
	assert_non_null(s);
	assert_string_equal(s, "");
	free(s);
	s = tv_strndup("a\0b", 3);
	assert_non_null(s);
	assert_memory_equal(s, "a\0b", 4);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_finish),
		cmocka_unit_test(test_append),
		cmocka_unit_test(test_append_empty_allocates),
		cmocka_unit_test(test_embedded_nul),
		cmocka_unit_test(test_grow_large),
		cmocka_unit_test(test_putc_many),
		cmocka_unit_test(test_printf),
		cmocka_unit_test(test_printf_empty),
		cmocka_unit_test(test_reserve),
		cmocka_unit_test(test_reset),
		cmocka_unit_test(test_padding_after_shrink),
		cmocka_unit_test(test_steal),
		cmocka_unit_test(test_steal_empty),
		cmocka_unit_test(test_strndup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
