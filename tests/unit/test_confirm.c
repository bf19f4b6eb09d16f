// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_confirm.c - RUN_DIR/confirm/: the record of a change that awaits
 * confirmation is read back as written (whoever reverts it may be another
 * process, or a daemon started after the one that saw it was killed), is
 * root's alone, and a file that is not a whole record is refused rather
 * than half believed.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "kernel/confirm.h"

static char dir_tmpl[] = "/tmp/pc-confirm-XXXXXX";

static int setup(void **state)
{
	return mkdtemp(dir_tmpl) ? 0 : -1;
}

static int teardown(void **state)
{
	char path[256];

	pc_confirm_remove(dir_tmpl);
	snprintf(path, sizeof(path), "%s/confirm", dir_tmpl);
	rmdir(path);
	return rmdir(dir_tmpl);
}

static void write_raw(const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/confirm", dir_tmpl);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/confirm/pending", dir_tmpl);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_mode_round_trip(void **state)
{
	struct pc_confirm *c = calloc(1, sizeof(*c)), *r = calloc(1, sizeof(*r));
	char path[256];
	struct stat sb;

	assert_non_null(c);
	assert_non_null(r);
	c->kind = PC_CONFIRM_MODE;
	snprintf(c->change, sizeof(c->change), "mode enforce --scope lan0");
	c->deadline = 1764000000;
	pc_confirm_boot_id(c->boot_id, sizeof(c->boot_id));
	c->n_scopes = 2;
	snprintf(c->scopes[0].name, sizeof(c->scopes[0].name), "interface:lan0");
	c->scopes[0].mode = PC_MODE_AUDIT;
	snprintf(c->scopes[1].name, sizeof(c->scopes[1].name), "cgroup:/system.slice/x y.service");
	c->scopes[1].mode = PC_MODE_ENFORCE;
	assert_int_equal(pc_confirm_write(dir_tmpl, c, NULL, 0), 0);

	snprintf(path, sizeof(path), "%s/confirm/pending", dir_tmpl);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);

	assert_int_equal(pc_confirm_read(dir_tmpl, r), 0);
	assert_int_equal(r->kind, PC_CONFIRM_MODE);
	assert_string_equal(r->change, c->change);
	assert_int_equal(r->deadline, c->deadline);
	assert_string_equal(r->boot_id, c->boot_id);
	assert_int_equal(r->n_scopes, 2);
	assert_string_equal(r->scopes[1].name, "cgroup:/system.slice/x y.service");
	assert_int_equal(r->scopes[0].mode, PC_MODE_AUDIT);
	assert_int_equal(r->scopes[1].mode, PC_MODE_ENFORCE);

	assert_int_equal(pc_confirm_remove(dir_tmpl), 0);
	assert_int_equal(pc_confirm_read(dir_tmpl, r), -ENOENT);
	free(c);
	free(r);
}

static void test_apply_keeps_the_text(void **state)
{
	static const char text[] = "mode audit\nattach interface lan0 role web\n";
	struct pc_confirm *c = calloc(1, sizeof(*c)), *r = calloc(1, sizeof(*r));
	char *got = NULL;
	size_t len = 0;

	assert_non_null(c);
	assert_non_null(r);
	c->kind = PC_CONFIRM_APPLY;
	snprintf(c->change, sizeof(c->change), "apply 0123abcd");
	snprintf(c->digest, sizeof(c->digest), "fedc9876");
	snprintf(c->config, sizeof(c->config), "/etc/portcullis/portcullis.conf");
	c->deadline = 1764000000;
	assert_int_equal(pc_confirm_write(dir_tmpl, c, text, sizeof(text) - 1), 0);
	assert_int_equal(pc_confirm_read(dir_tmpl, r), 0);
	assert_int_equal(r->kind, PC_CONFIRM_APPLY);
	assert_string_equal(r->digest, "fedc9876");
	assert_string_equal(r->config, "/etc/portcullis/portcullis.conf");
	assert_string_equal(r->boot_id, "");	/* none known: written as "-" */
	assert_int_equal(pc_confirm_read_previous(dir_tmpl, &got, &len), 0);
	assert_int_equal(len, sizeof(text) - 1);
	assert_string_equal(got, text);
	free(got);
	assert_int_equal(pc_confirm_remove(dir_tmpl), 0);
	assert_int_equal(pc_confirm_read_previous(dir_tmpl, &got, &len), -ENOENT);
	free(c);
	free(r);
}

/* What every apply keeps is not a pending change: confirm has nothing to
 * act on, and removing a pending change leaves it. */
static void test_kept_text_is_apart(void **state)
{
	static const char text[] = "mode enforce\n";
	struct pc_confirm *r = calloc(1, sizeof(*r));
	char path[256], *got = NULL;
	struct stat sb;
	size_t len = 0;

	assert_non_null(r);
	assert_int_equal(pc_confirm_keep(dir_tmpl, text, sizeof(text) - 1), 0);
	snprintf(path, sizeof(path), "%s/confirm/running.conf", dir_tmpl);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(pc_confirm_read(dir_tmpl, r), -ENOENT);
	assert_int_equal(pc_confirm_remove(dir_tmpl), 0);
	assert_int_equal(pc_confirm_read_kept(dir_tmpl, &got, &len), 0);
	assert_int_equal(len, sizeof(text) - 1);
	assert_string_equal(got, text);
	free(got);
	unlink(path);
	free(r);
}

/* Half a record reverts nothing: without version, deadline or (apply) the
 * policy to go back to, it is not ours. */
static void test_refuses_what_it_did_not_write(void **state)
{
	struct pc_confirm *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	write_raw("kind mode\ndeadline 1764000000\n");
	assert_int_equal(pc_confirm_read(dir_tmpl, r), -EINVAL);
	write_raw("version 1\nkind mode\nchange mode enforce\n");
	assert_int_equal(pc_confirm_read(dir_tmpl, r), -EINVAL);
	write_raw("version 1\nkind apply\nchange apply x\ndeadline 1764000000\n");
	assert_int_equal(pc_confirm_read(dir_tmpl, r), -EINVAL);
	write_raw("version 1\nkind reboot\nchange x\ndeadline 1764000000\n");
	assert_int_equal(pc_confirm_read(dir_tmpl, r), -EINVAL);
	write_raw("version 1\nkind mode\nchange x\ndeadline 1764000000\nscope sometimes lan0\n");
	assert_int_equal(pc_confirm_read(dir_tmpl, r), -EINVAL);
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mode_round_trip),
		cmocka_unit_test(test_apply_keeps_the_text),
		cmocka_unit_test(test_kept_text_is_apart),
		cmocka_unit_test(test_refuses_what_it_did_not_write),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
