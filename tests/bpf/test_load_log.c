/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * test_load_log.c - a program the kernel refuses is named, with the
 * verifier's last lines and the kernel release, never blamed on pins
 * (agent/kernel/load_log.c). Loads tests/bpf/refused.bpf.c: needs root.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <bpf/libbpf.h>
#include <cmocka.h>

#include "kernel/load_log.h"
#include "lib/diag.h"
#include "refused.skel.h"

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return 0;
}

static void need_root(void)
{
	if (geteuid() != 0) {
		print_message("skipped: loading BPF programs needs root\n");
		skip();
	}
}

/* The report of a load of refused.bpf.c, FULL or not, in a malloc'd string. */
static char *report_of(int full, int *rc, const char **refused, int *err)
{
	struct pc_load_log ll = { 0 };
	struct refused_bpf *skel = refused_bpf__open();
	struct pc_diag d;
	char *text = NULL;
	size_t len = 0;
	FILE *out;

	assert_non_null(skel);
	assert_int_equal(pc_load_log_attach(&ll, skel->obj), 0);
	*err = refused_bpf__load(skel);
	*refused = pc_load_log_refused(&ll, skel->obj, &(const char *){ NULL });
	*refused = *refused ? strdup(*refused) : NULL;
	pc_diag_init(&d);
	*rc = pc_load_log_report(&ll, skel->obj, *err, full, &d);
	/* An error and a note with the verifier's lines, or nothing at all. */
	if (!*rc) {
		assert_int_equal(d.n, 2);
		assert_int_equal(d.entries[0].severity, PC_DIAG_ERROR);
		assert_int_equal(d.entries[1].severity, PC_DIAG_NOTE);
	}
	/* The text main() would print. */
	out = open_memstream(&text, &len);
	assert_non_null(out);
	pc_diag_render_text(&d, out);
	fclose(out);
	pc_diag_free(&d);
	pc_load_log_free(&ll);
	refused_bpf__destroy(skel);
	return text;
}

static void test_refused_program_named_with_reason(void **state)
{
	const char *refused;
	struct utsname u;
	int rc, err;
	char *text;

	need_root();
	text = report_of(0, &rc, &refused, &err);
	print_message("%s", text);
	assert_int_not_equal(err, 0);
	assert_string_equal(refused, "tc_unchecked");
	assert_int_equal(rc, 0);
	assert_non_null(strstr(text, "refused BPF program 'tc_unchecked'"));
	assert_non_null(strstr(text, "invalid access to packet"));	/* the verifier's reason */
	assert_int_equal(uname(&u), 0);
	assert_non_null(strstr(text, u.release));
	assert_non_null(strstr(text, "run again with -v"));
	assert_null(strstr(text, "pinned"));
	free((char *)refused);
	free(text);
}

static void test_full_log_is_longer(void **state)
{
	const char *refused;
	char *tail, *full;
	int rc, err;

	need_root();
	tail = report_of(0, &rc, &refused, &err);
	free((char *)refused);
	full = report_of(1, &rc, &refused, &err);
	free((char *)refused);
	assert_int_equal(rc, 0);
	assert_true(strlen(full) > strlen(tail));
	assert_null(strstr(full, "run again with -v"));
	assert_non_null(strstr(full, "invalid access to packet"));
	free(tail);
	free(full);
}

static void test_loaded_object_reports_nothing(void **state)
{
	struct pc_load_log ll = { 0 };
	struct refused_bpf *skel;
	struct pc_diag d;

	need_root();
	skel = refused_bpf__open();
	assert_non_null(skel);
	bpf_program__set_autoload(skel->progs.tc_unchecked, false);
	assert_int_equal(pc_load_log_attach(&ll, skel->obj), 0);
	assert_int_equal(refused_bpf__load(skel), 0);
	assert_null(pc_load_log_refused(&ll, skel->obj, &(const char *){ NULL }));
	pc_diag_init(&d);
	assert_int_equal(pc_load_log_report(&ll, skel->obj, -EINVAL, 0, &d), -ENOENT);
	assert_int_equal(d.n, 0);
	pc_diag_free(&d);
	pc_load_log_free(&ll);
	refused_bpf__destroy(skel);
}

static void test_tail_counts_lines_from_the_end(void **state)
{
	const char *log = "one\ntwo\nthree\n\n";
	const char *s;
	size_t len;

	s = pc_load_log_tail(log, 2, &len);
	assert_int_equal(len, strlen("two\nthree"));
	assert_memory_equal(s, "two\nthree", len);
	s = pc_load_log_tail(log, 1, &len);
	assert_int_equal(len, 5);
	assert_memory_equal(s, "three", len);
	s = pc_load_log_tail(log, 9, &len);
	assert_ptr_equal(s, log);
	assert_int_equal(len, strlen("one\ntwo\nthree"));
	s = pc_load_log_tail(log, 0, &len);
	assert_ptr_equal(s, log);
	assert_int_equal(len, strlen("one\ntwo\nthree"));
	s = pc_load_log_tail("", 3, &len);
	assert_int_equal(len, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tail_counts_lines_from_the_end),
		cmocka_unit_test(test_refused_program_named_with_reason),
		cmocka_unit_test(test_full_log_is_longer),
		cmocka_unit_test(test_loaded_object_reports_nothing),
	};

	libbpf_set_print(quiet);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
