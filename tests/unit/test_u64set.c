// SPDX-License-Identifier: MIT
/*
 * tv_u64set: the set of non-zero 64-bit numbers the Claude Code reader
 * keeps record uuid hashes in, across its growth; and tv_text_is_uuid,
 * which says which ids go in.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "libcommon/core/tv_text.h"
#include "libcommon/core/tv_u64set.h"

static void test_add(void **state)
{
	struct tv_u64set s = { 0 };

	(void)state;
	tv_u64set_finish(&s); /* an empty set */
	assert_int_equal(tv_u64set_add(&s, 42), 0);
	assert_int_equal(tv_u64set_add(&s, 42), 1);
	assert_int_equal(tv_u64set_add(&s, UINT64_MAX), 0);
	assert_int_equal(tv_u64set_add(&s, 0), -EINVAL);
	assert_int_equal(s.n, 2);
	tv_u64set_finish(&s);
	assert_null(s.v);
	assert_int_equal(tv_u64set_add(&s, 42), 0); /* usable again */
	tv_u64set_finish(&s);
}

/* numbers that share their low bits (one probe chain), through several growths */
static void test_grow(void **state)
{
	struct tv_u64set s = { 0 };
	const uint64_t n = 100000;

	(void)state;
	for (uint64_t i = 1; i <= n; i++) {
		assert_int_equal(tv_u64set_add(&s, i << 40), 0);
	}
	for (uint64_t i = 1; i <= n; i++) {
		assert_int_equal(tv_u64set_add(&s, i << 40), 1);
	}
	assert_int_equal(s.n, n);
	assert_true(s.cap >= 2 * n);
	tv_u64set_finish(&s);
}

static void test_is_uuid(void **state)
{
	static const char ok[] = "5f0c2a8e-1b7d-4C3E-9a6f-2d8e4b1c7a90";

	(void)state;
	assert_true(tv_text_is_uuid(ok, 36));
	assert_false(tv_text_is_uuid(ok, 35));
	assert_false(tv_text_is_uuid("u1", 2));
	assert_false(tv_text_is_uuid("5f0c2a8e-1b7d-4c3e-9a6f_2d8e4b1c7a90", 36));
	assert_false(tv_text_is_uuid("5f0c2a8e-1b7d-4c3e-9a6f-2d8e4b1c7a9g", 36));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add),
		cmocka_unit_test(test_grow),
		cmocka_unit_test(test_is_uuid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
