/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * test_names.c - every entry of every name table goes parse -> print ->
 * parse unchanged; names and numbers are unique within a table.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lib/names.h"
#include "portcullis.h"

static const struct pc_names *const tables[] = {
	&pc_names_proto, &pc_names_icmp, &pc_names_icmp6, &pc_names_dir, &pc_names_mode,
	&pc_names_verdict, &pc_names_reason, &pc_names_hook, &pc_names_scope_kind,
};

#define N_TABLES (sizeof(tables) / sizeof(tables[0]))

static void test_every_entry_round_trips(void **state)
{
	size_t t, i;

	for (t = 0; t < N_TABLES; t++) {
		const struct pc_names *n = tables[t];

		assert_true(n->n > 0);
		assert_non_null(n->what);
		for (i = 0; i < n->n; i++) {
			unsigned int v = ~0u, v2 = ~0u;
			const char *printed;

			assert_int_equal(pc_name_parse(n, n->v[i].name, &v), 0);
			assert_int_equal(v, n->v[i].value);
			printed = pc_name_of(n, v);
			assert_non_null(printed);
			assert_string_equal(printed, n->v[i].name);
			assert_int_equal(pc_name_parse(n, printed, &v2), 0);
			assert_int_equal(v2, v);
		}
	}
}

static void test_names_and_numbers_unique(void **state)
{
	size_t t, i, k;

	for (t = 0; t < N_TABLES; t++)
		for (i = 0; i < tables[t]->n; i++)
			for (k = i + 1; k < tables[t]->n; k++) {
				assert_string_not_equal(tables[t]->v[i].name, tables[t]->v[k].name);
				assert_int_not_equal(tables[t]->v[i].value, tables[t]->v[k].value);
			}
}

static void test_unknown_names_and_numbers(void **state)
{
	char buf[16];
	unsigned int v = 7;

	assert_int_equal(pc_name_parse(&pc_names_proto, "TCP", &v), -ENOENT);
	assert_int_equal(pc_name_parse(&pc_names_proto, "sctp", &v), -ENOENT);
	assert_int_equal(v, 7);
	assert_int_equal(pc_name_parse_n(&pc_names_proto, "tcpx", 3, &v), 0);
	assert_int_equal(v, 6);
	assert_null(pc_name_of(&pc_names_icmp, 200));
	assert_string_equal(pc_name_or_number(&pc_names_icmp, 200, buf, sizeof(buf)), "200");
	assert_string_equal(pc_name_or_number(&pc_names_icmp, 4, buf, sizeof(buf)), "source-quench");
	assert_ptr_equal(pc_names_icmp_of(1), &pc_names_icmp);
	assert_ptr_equal(pc_names_icmp_of(58), &pc_names_icmp6);
	assert_null(pc_names_icmp_of(6));
}

/* The kernel's enumerations have a name for every value it can report. */
static void test_kernel_values_named(void **state)
{
	unsigned int v;

	for (v = PC_HOOK_TC_IN; v <= PC_HOOK_SENDMSG6; v++)
		assert_non_null(pc_name_of(&pc_names_hook, v));
	for (v = PC_REASON_NONE; v <= PC_REASON_NO_SCOPE; v++)
		assert_non_null(pc_name_of(&pc_names_reason, v));
	assert_non_null(pc_name_of(&pc_names_verdict, PC_VERDICT_DENY));
	assert_non_null(pc_name_of(&pc_names_verdict, PC_VERDICT_AUDIT));
	assert_non_null(pc_name_of(&pc_names_mode, PC_MODE_AUDIT));
	assert_non_null(pc_name_of(&pc_names_mode, PC_MODE_ENFORCE));
}

/* A mode is printed as the datapath acts on it. */
static void test_mode_name(void **state)
{
	assert_string_equal(pc_mode_name(PC_MODE_ENFORCE), "enforce");
	assert_string_equal(pc_mode_name(PC_MODE_AUDIT), "audit");
	assert_string_equal(pc_mode_name(7), "audit");
}

/* "did you mean" over a table: pc_suggest()'s rule, ties to the earlier row. */
static void test_suggest(void **state)
{
	assert_string_equal(pc_name_suggest(&pc_names_proto, "tpc"), "tcp");
	assert_string_equal(pc_name_suggest(&pc_names_proto, "icmp6"), "icmp");
	assert_string_equal(pc_name_suggest(&pc_names_mode, "enforcing"), "enforce");
	assert_string_equal(pc_name_suggest(&pc_names_icmp, "echo-requets"), "echo-request");
	assert_null(pc_name_suggest(&pc_names_dir, "sideways"));
	assert_null(pc_name_suggest(&pc_names_proto, ""));
}

/* One --scope rule for every command: the whole name, the target, or a
 * cgroup's last components. */
static void test_scope_matches(void **state)
{
	assert_true(pc_scope_matches("interface:eth0", "interface:eth0"));
	assert_true(pc_scope_matches("interface:eth0", "eth0"));
	assert_true(pc_scope_matches("interface:eth0", NULL));
	assert_true(pc_scope_matches("cgroup:/system.slice/x.service", "/system.slice/x.service"));
	assert_true(pc_scope_matches("cgroup:/system.slice/x.service",
				     "cgroup:/system.slice/x.service"));
	/* a target with a ':' of its own */
	assert_true(pc_scope_matches("cgroup:/a:b", "/a:b"));
	assert_false(pc_scope_matches("cgroup:/a:b", "b"));
	assert_false(pc_scope_matches("interface:eth0", "eth"));
	assert_false(pc_scope_matches("interface:eth0", "eth1"));
	/* A cgroup by its unit name, as systemctl takes it: whole components. */
	assert_true(pc_scope_matches("cgroup:/system.slice/nginx.service", "nginx.service"));
	assert_true(pc_scope_matches("cgroup:/system.slice/nginx.service",
				     "system.slice/nginx.service"));
	assert_false(pc_scope_matches("cgroup:/system.slice/nginx.service", "x.service"));
	assert_false(pc_scope_matches("cgroup:/system.slice/nginx.service", "/nginx.service"));
	assert_false(pc_scope_matches("cgroup:/system.slice/nginx.service", ""));
	assert_false(pc_scope_matches("interface:a/eth0", "eth0"));
	assert_false(pc_scope_matches("interface:eth0", "interface"));
	assert_false(pc_scope_matches("interface:eth0", "interface:"));
	assert_false(pc_scope_matches("interface:eth0", ""));
	assert_true(pc_scope_matches("cgroup:/x.service", "x.service"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_entry_round_trips),
		cmocka_unit_test(test_names_and_numbers_unique),
		cmocka_unit_test(test_unknown_names_and_numbers),
		cmocka_unit_test(test_kernel_values_named),
		cmocka_unit_test(test_suggest),
		cmocka_unit_test(test_mode_name),
		cmocka_unit_test(test_scope_matches),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
