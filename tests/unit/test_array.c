/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* test_array.c - pc_array_reserve(): grows, keeps what it holds, refuses overflow. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "lib/array.h"

static void test_grows_and_keeps(void **state)
{
	int *v = NULL;
	size_t n, cap = 0;

	for (n = 0; n < 1000; n++) {
		assert_int_equal(pc_array_reserve((void **)&v, &cap, n + 1, sizeof(*v)), 0);
		assert_true(cap >= n + 1);
		v[n] = (int)n;
	}
	for (n = 0; n < 1000; n++)
		assert_int_equal(v[n], (int)n);
	assert_int_equal(cap, 1024);
	free(v);
}

static void test_no_growth_when_room(void **state)
{
	int *v = NULL, *before;
	size_t cap = 0;

	assert_int_equal(pc_array_reserve((void **)&v, &cap, 3, sizeof(*v)), 0);
	assert_int_equal(cap, 8);
	before = v;
	assert_int_equal(pc_array_reserve((void **)&v, &cap, 8, sizeof(*v)), 0);
	assert_ptr_equal(v, before);
	free(v);
}

static void test_overflow_refused(void **state)
{
	void *v = NULL;
	size_t cap = 0;

	assert_int_equal(pc_array_reserve(&v, &cap, SIZE_MAX / 4, 16), -ENOMEM);
	assert_null(v);
	assert_int_equal(cap, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grows_and_keeps),
		cmocka_unit_test(test_no_growth_when_room),
		cmocka_unit_test(test_overflow_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
