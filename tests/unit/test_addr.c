// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_addr.c - pc_addr_parse(), the one ADDR[/LEN] reader: mapped
 * results, one errno per kind of mistake, and N bytes of a longer text.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/addr.h"

static int parse(const char *s, struct pc_addr *a)
{
	return pc_addr_parse(s, strlen(s), a);
}

static const uint8_t v4_10_0_1_0[16] = { [10] = 0xff, [11] = 0xff, 10, 0, 1, 0 };

static void test_ipv4(void **state)
{
	struct pc_addr a;

	assert_int_equal(parse("10.0.1.0/24", &a), 0);
	assert_int_equal(a.family, 4);
	assert_int_equal(a.plen, 96 + 24);
	assert_int_equal(pc_addr_written_plen(&a), 24);
	assert_memory_equal(a.addr, v4_10_0_1_0, 16);

	assert_int_equal(parse("10.0.1.0", &a), 0);
	assert_int_equal(a.plen, 128);
	assert_int_equal(pc_addr_written_plen(&a), 32);
	assert_int_equal(parse("0.0.0.0/0", &a), 0);
	assert_int_equal(a.plen, 96);
	assert_int_equal(parse("10.0.1.0/024", &a), 0);	/* digits, leading zero and all */
	assert_int_equal(a.plen, 120);
}

static void test_ipv6(void **state)
{
	static const uint8_t fd00[16] = { 0xfd, 0x00, 0, 1 };
	struct pc_addr a;

	assert_int_equal(parse("fd00:1::/64", &a), 0);
	assert_int_equal(a.family, 6);
	assert_int_equal(a.plen, 64);
	assert_memory_equal(a.addr, fd00, 16);
	assert_int_equal(parse("::/0", &a), 0);
	assert_int_equal(a.plen, 0);
	/* Written as IPv6, it stays IPv6, though it keys like 10.0.1.0/24. */
	assert_int_equal(parse("::ffff:10.0.1.0/120", &a), 0);
	assert_int_equal(a.family, 6);
	assert_int_equal(pc_addr_written_plen(&a), 120);
	assert_memory_equal(a.addr, v4_10_0_1_0, 16);
}

static void test_bad_address(void **state)
{
	struct pc_addr a;

	assert_int_equal(parse("10.0.1", &a), -EINVAL);
	assert_int_equal(a.family, 4);
	assert_int_equal(parse("10.0.0.256/8", &a), -EINVAL);
	assert_int_equal(parse("fd00::g", &a), -EINVAL);
	assert_int_equal(a.family, 6);	/* so an error can say "IPv6" */
	assert_int_equal(parse("", &a), -EINVAL);
	assert_int_equal(parse("/8", &a), -EINVAL);
	assert_int_equal(parse("1111:2222:3333:4444:5555:6666:7777:8888:9999:aaaa:bbbb:cccc/64", &a),
			 -EINVAL);
}

static void test_bad_length(void **state)
{
	struct pc_addr a;

	assert_int_equal(parse("10.0.0.0/33", &a), -ERANGE);
	assert_int_equal(a.family, 4);
	assert_int_equal(parse("::/129", &a), -ERANGE);
	assert_int_equal(a.family, 6);
	assert_int_equal(parse("10.0.0.0/", &a), -ERANGE);
	assert_int_equal(parse("10.0.0.0/+8", &a), -ERANGE);
	assert_int_equal(parse("10.0.0.0/-0", &a), -ERANGE);
	assert_int_equal(parse("10.0.0.0/ 8", &a), -ERANGE);
	assert_int_equal(parse("10.0.0.0/8x", &a), -ERANGE);
	assert_int_equal(parse("10.0.0.0/99999999999999999999", &a), -ERANGE);
}

/* Host bits: an error of its own, with what was written kept. */
static void test_host_bits(void **state)
{
	static const uint8_t host[16] = { [10] = 0xff, [11] = 0xff, 10, 0, 1, 5 };
	struct pc_addr a;

	assert_int_equal(parse("10.0.1.5/24", &a), -EADDRNOTAVAIL);
	assert_int_equal(a.family, 4);
	assert_int_equal(a.plen, 120);
	assert_memory_equal(a.addr, host, 16);
	pc_addr_mask(a.addr, a.plen);
	assert_memory_equal(a.addr, v4_10_0_1_0, 16);
	assert_int_equal(parse("fd00:1::1/64", &a), -EADDRNOTAVAIL);
	assert_int_equal(parse("10.0.0.129/25", &a), -EADDRNOTAVAIL);
	assert_int_equal(parse("10.0.0.128/25", &a), 0);
}

/* N bytes: a token in the middle of a line, not a C string. */
static void test_n_bytes(void **state)
{
	struct pc_addr a;

	assert_int_equal(pc_addr_parse("10.0.1.0/24, fd00::/8", 11, &a), 0);
	assert_int_equal(a.plen, 120);
	assert_int_equal(pc_addr_parse("10.0.1.0/24", 8, &a), 0);
	assert_int_equal(a.plen, 128);
	assert_int_equal(pc_addr_parse("10.0.1.0/24", 9, &a), -ERANGE);	/* "10.0.1.0/" */
}

static void test_mask_and_contains(void **state)
{
	uint8_t a[16], p[16];
	unsigned int plen;

	memset(a, 0xff, sizeof(a));
	for (plen = 0; plen <= 128; plen++) {
		memset(p, 0xff, sizeof(p));
		pc_addr_mask(p, plen);
		assert_true(pc_addr_in_prefix(p, plen, a));
		if (plen < 128) {
			assert_int_equal(p[plen / 8] & (0x80 >> (plen % 8)), 0);
			assert_false(pc_addr_in_prefix(p, plen + 1, a));
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_bad_address),
		cmocka_unit_test(test_bad_length),
		cmocka_unit_test(test_host_bits),
		cmocka_unit_test(test_n_bytes),
		cmocka_unit_test(test_mask_and_contains),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
