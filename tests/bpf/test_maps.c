/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * test_maps.c - the agent's map table (agent/kernel/gen.c) against the BPF
 * object's own map definitions: the real table matches, and every kind of
 * difference a wrong row can have is refused with the map and both values
 * named. Only opens the object (no load), so it needs no privilege.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>
#include <cmocka.h>

#include "kernel/gen.h"
#include "portcullis.skel.h"

static struct portcullis_bpf *skel;

/* A copy of the table to break one row of; one spare slot to add a row. */
static struct pc_map_desc rows[PC_MAPS_MAX + 1];
static struct pc_map_table table;

static char why[256];

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return 0;
}

static int open_object(void **state)
{
	libbpf_set_print(quiet);
	skel = portcullis_bpf__open();
	return skel ? 0 : -1;
}

static int close_object(void **state)
{
	portcullis_bpf__destroy(skel);
	return 0;
}

static int copy_table(void **state)
{
	memset(rows, 0, sizeof(rows));
	memcpy(rows, pc_map_table.rows, pc_map_table.n * sizeof(rows[0]));
	table = (struct pc_map_table){ rows, pc_map_table.n };
	memset(why, 0, sizeof(why));
	return 0;
}

static struct pc_map_desc *row(const char *name)
{
	size_t i;

	for (i = 0; i < table.n; i++)
		if (!strcmp(rows[i].name, name))
			return &rows[i];
	fail_msg("no row %s in the map table", name);
	return NULL;
}

static int check(void)
{
	return pc_maps_check(&table, skel->obj, why, sizeof(why));
}

static void test_table_matches_object(void **state)
{
	assert_int_equal(pc_maps_check(&pc_map_table, skel->obj, why, sizeof(why)), 0);
	assert_string_equal(why, "");
}

/* What the code that iterates the table relies on, row by row. */
static void test_rows_are_consistent(void **state)
{
	size_t i, j;

	assert_true(pc_map_table.n <= PC_MAPS_MAX);
	for (i = 0; i < pc_map_table.n; i++) {
		const struct pc_map_desc *d = &pc_map_table.rows[i];
		int gen = d->inner.type != 0;

		assert_non_null(d->name);
		assert_true(strlen(d->name) < 16);	/* BPF_OBJ_NAME_LEN */
		for (j = 0; j < i; j++)
			assert_string_not_equal(d->name, pc_map_table.rows[j].name);
		/* A per-generation map is an outer map with everything an install needs. */
		assert_int_equal(gen, d->shape.type == BPF_MAP_TYPE_ARRAY_OF_MAPS);
		assert_int_equal(gen, d->entries != NULL);
		assert_int_equal(gen, d->fill != NULL);
		assert_int_equal(gen, d->inner_name != NULL);
		if (gen) {
			assert_true(d->use & PC_MAP_USE_GEN);
			assert_int_equal(d->shape.max_entries, PC_GENERATIONS);
			assert_true(strlen(d->inner_name) < 16);
		}
	}
}

static void test_inner_value_size_named(void **state)
{
	row(PC_MAP_RULES)->inner.value_size = 12;
	assert_int_equal(check(), -EINVAL);
	assert_string_equal(why, "map pc_rules_v1: inner map's value size is 12 in the agent's "
			    "map table, 8 in the BPF object");
}

static void test_inner_key_size_named(void **state)
{
	row(PC_MAP_PEERS)->inner.key_size = 20;
	assert_int_equal(check(), -EINVAL);
	assert_string_equal(why, "map pc_peers_v1: inner map's key size is 20 in the agent's "
			    "map table, 24 in the BPF object");
}

static void test_inner_type_named(void **state)
{
	row(PC_MAP_EXACT)->inner.type = BPF_MAP_TYPE_LPM_TRIE;
	assert_int_equal(check(), -EINVAL);
	assert_string_equal(why, "map pc_exact_v1: inner map's type is lpm_trie in the agent's "
			    "map table, hash in the BPF object");
}

/* The kernel compares inner-map flags when a map is put in a slot. */
static void test_inner_flags_named(void **state)
{
	row(PC_MAP_SETS)->inner.flags = BPF_F_NO_PREALLOC;
	assert_int_equal(check(), -EINVAL);
	assert_string_equal(why, "map pc_sets_v1: inner map's flags are 0x1 in the agent's map "
			    "table, 0x1000 in the BPF object");
}

static void test_type_named(void **state)
{
	row(PC_MAP_CT)->shape.type = BPF_MAP_TYPE_HASH;
	assert_int_equal(check(), -EINVAL);
	assert_string_equal(why, "map pc_ct_v2: type is hash in the agent's map table, lru_hash "
			    "in the BPF object");
}

static void test_key_size_named(void **state)
{
	row(PC_MAP_STATS)->shape.key_size = 8;
	assert_int_equal(check(), -EINVAL);
	assert_string_equal(why, "map pc_stats_v1: key size is 8 in the agent's map table, 4 in "
			    "the BPF object");
}

static void test_value_size_named(void **state)
{
	row(PC_MAP_EVSTATS)->shape.value_size = 40;
	assert_int_equal(check(), -EINVAL);
	assert_string_equal(why, "map pc_evstats_v1: value size is 40 in the agent's map table, "
			    "48 in the BPF object");
}

static void test_max_entries_named(void **state)
{
	row(PC_MAP_ACTIVE)->shape.max_entries = 2;
	assert_int_equal(check(), -EINVAL);
	assert_string_equal(why, "map pc_active_v1: max_entries is 2 in the agent's map table, 1 "
			    "in the BPF object");
}

/* max_entries 0 leaves the size to the object (the ring is sized at load). */
static void test_max_entries_zero_not_checked(void **state)
{
	row(PC_MAP_CT)->shape.max_entries = 0;
	assert_int_equal(check(), 0);
}

static void test_inner_shape_on_plain_map(void **state)
{
	row(PC_MAP_STATS)->inner = row(PC_MAP_RULES)->inner;
	assert_int_equal(check(), -EINVAL);
	assert_string_equal(why, "map pc_stats_v1: the agent's map table has an inner map for it, "
			    "the BPF object's map holds none");
}

static void test_object_map_without_row(void **state)
{
	struct pc_map_desc *rl = row(PC_MAP_RL);

	*rl = rows[table.n - 1];	/* drop pc_rl_v1 */
	table.n--;
	assert_int_equal(check(), -EINVAL);
	assert_string_equal(why, "map pc_rl_v1 of the BPF object has no row in the agent's map "
			    "table");
}

static void test_row_without_object_map(void **state)
{
	rows[table.n] = rows[0];
	rows[table.n].name = "pc_nosuch_v1";
	table.n++;
	assert_int_equal(check(), -ENOENT);
	assert_string_equal(why, "map pc_nosuch_v1 of the agent's map table is not in the BPF "
			    "object");
}

/* pc_gen_map_fd() finds a row's fd by the map's name. */
static void test_map_fd_by_name(void **state)
{
	struct pc_gen_maps m = PC_GEN_MAPS_INIT;
	size_t i;

	for (i = 0; i < pc_map_table.n; i++)
		m.fd[i] = 100 + (int)i;
	for (i = 0; i < pc_map_table.n; i++)
		assert_int_equal(pc_gen_map_fd(&m, pc_map_table.rows[i].name), 100 + (int)i);
	assert_int_equal(pc_gen_map_fd(&m, "pc_nosuch_v1"), -ENOENT);
	m.fd[0] = -1;
	assert_int_equal(pc_gen_map_fd(&m, pc_map_table.rows[0].name), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_matches_object),
		cmocka_unit_test(test_rows_are_consistent),
		cmocka_unit_test_setup(test_inner_value_size_named, copy_table),
		cmocka_unit_test_setup(test_inner_key_size_named, copy_table),
		cmocka_unit_test_setup(test_inner_type_named, copy_table),
		cmocka_unit_test_setup(test_inner_flags_named, copy_table),
		cmocka_unit_test_setup(test_type_named, copy_table),
		cmocka_unit_test_setup(test_key_size_named, copy_table),
		cmocka_unit_test_setup(test_value_size_named, copy_table),
		cmocka_unit_test_setup(test_max_entries_named, copy_table),
		cmocka_unit_test_setup(test_max_entries_zero_not_checked, copy_table),
		cmocka_unit_test_setup(test_inner_shape_on_plain_map, copy_table),
		cmocka_unit_test_setup(test_object_map_without_row, copy_table),
		cmocka_unit_test_setup(test_row_without_object_map, copy_table),
		cmocka_unit_test(test_map_fd_by_name),
	};

	return cmocka_run_group_tests(tests, open_object, close_object);
}
