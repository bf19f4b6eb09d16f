// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_state.c - RUN_DIR/state, byte for byte: an instance written by one
 * portcullis is read by the next, so the words for modes and directions
 * must not change with the tables they come from.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "kernel/state.h"

static char dir_tmpl[] = "/tmp/pc-state-XXXXXX";

static int setup(void **state)
{
	return mkdtemp(dir_tmpl) ? 0 : -1;
}

static int teardown(void **state)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/state", dir_tmpl);
	unlink(path);
	return rmdir(dir_tmpl);
}

static char *read_all(const char *path)
{
	static char buf[4096];
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

static void test_written_as_before(void **state)
{
	struct pc_state *s = calloc(1, sizeof(*s)), *r = calloc(1, sizeof(*r));
	char path[256];

	assert_non_null(s);
	assert_non_null(r);
	snprintf(s->pin_dir, sizeof(s->pin_dir), "/sys/fs/bpf/portcullis");
	snprintf(s->config, sizeof(s->config), "/etc/portcullis/host.conf");
	snprintf(s->digest, sizeof(s->digest), "0123abcd");
	s->loaded = 1700000000;
	s->failsafe = true;
	s->n_scopes = 2;
	snprintf(s->scopes[0].name, sizeof(s->scopes[0].name), "interface:eth0");
	snprintf(s->scopes[0].how, sizeof(s->scopes[0].how), "clsact");
	s->scopes[0].id = 2;
	s->scopes[0].mode = PC_MODE_ENFORCE;
	snprintf(s->scopes[1].name, sizeof(s->scopes[1].name), "cgroup:/system.slice/x.service");
	snprintf(s->scopes[1].how, sizeof(s->scopes[1].how), "cgroup");
	s->scopes[1].id = 1234;
	s->scopes[1].scope = 7;	/* kept by name, not by position */
	s->scopes[1].mode = PC_MODE_AUDIT;
	s->n_clsact = 2;
	s->clsact[0] = (struct pc_clsact){ .ifindex = 2, .egress = false, .handle = 1,
					   .priority = 2, .created_qdisc = true };
	s->clsact[1] = (struct pc_clsact){ .ifindex = 2, .egress = true, .handle = 3,
					   .priority = 4 };

	assert_int_equal(pc_state_write(dir_tmpl, s), 0);
	snprintf(path, sizeof(path), "%s/state", dir_tmpl);
	assert_string_equal(read_all(path),
			    "version 2\n"
			    "pin_dir /sys/fs/bpf/portcullis\n"
			    "bpffs_mounted 0\n"
			    "config /etc/portcullis/host.conf\n"
			    "digest 0123abcd\n"
			    "loaded 1700000000\n"
			    "failsafe 1\n"
			    "attach enforce clsact 2 0 interface:eth0\n"
			    "attach audit cgroup 1234 7 cgroup:/system.slice/x.service\n"
			    "clsact 2 in 1 2 1\n"
			    "clsact 2 out 3 4 0\n");

	assert_int_equal(pc_state_read(dir_tmpl, r), 0);
	assert_int_equal(r->n_scopes, 2);
	assert_int_equal(r->scopes[0].mode, PC_MODE_ENFORCE);
	assert_int_equal(r->scopes[1].mode, PC_MODE_AUDIT);
	assert_string_equal(r->scopes[1].name, "cgroup:/system.slice/x.service");
	assert_int_equal(r->scopes[1].id, 1234);
	assert_int_equal(r->scopes[1].scope, 7);
	assert_int_equal(r->n_clsact, 2);
	assert_false(r->clsact[0].egress);
	assert_true(r->clsact[1].egress);
	free(s);
	free(r);
}

/* Read TEXT as the state file: a new pc_state to free. */
static struct pc_state *read_text(const char *text)
{
	struct pc_state *r = calloc(1, sizeof(*r));
	char path[256];
	FILE *f;

	assert_non_null(r);
	snprintf(path, sizeof(path), "%s/state", dir_tmpl);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(pc_state_read(dir_tmpl, r), 0);
	return r;
}

/* A word this version does not know reads as the safe choice. */
static void test_unknown_words(void **state)
{
	struct pc_state *r = read_text("version 1\nattach strict tcx 3 interface:eth1\n"
				       "clsact 3 up 1 2 0\n");

	assert_int_equal(r->n_scopes, 1);
	assert_int_equal(r->scopes[0].mode, PC_MODE_AUDIT);
	assert_int_equal(r->n_clsact, 1);
	assert_false(r->clsact[0].egress);
	free(r);
}

/* A version 1 file, written before scope ids were kept: the id was the position. */
static void test_version1_scope_ids(void **state)
{
	struct pc_state *r = read_text("version 1\nattach audit tcx 3 interface:eth1\n"
				       "attach enforce cgroup 99 cgroup:/a b.service\n");

	assert_int_equal(r->n_scopes, 2);
	assert_int_equal(r->scopes[0].scope, 0);
	assert_int_equal(r->scopes[1].scope, 1);
	assert_int_equal(r->scopes[1].id, 99);
	assert_string_equal(r->scopes[1].name, "cgroup:/a b.service");
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_written_as_before),
		cmocka_unit_test(test_unknown_words),
		cmocka_unit_test(test_version1_scope_ids),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
