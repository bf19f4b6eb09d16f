/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * test_tcx_order.c - portcullis's tcx links go to the head of the chain:
 * a program attached before ours that returns TC_ACT_OK would otherwise
 * pass every packet past it. Asks the kernel for the chain's order
 * (BPF_PROG_QUERY). Needs root and Linux 6.6 (tcx); skipped below.
 */
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <cmocka.h>

#include "kernel/attach.h"
#include "empty.skel.h"
#include "refused.skel.h"

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return 0;
}

static uint32_t prog_id(int fd)
{
	struct bpf_prog_info info = { 0 };
	uint32_t len = sizeof(info);

	assert_int_equal(bpf_obj_get_info_by_fd(fd, &info, &len), 0);
	return info.id;
}

static void test_ours_runs_first(void **state)
{
	struct refused_bpf *other;
	struct empty_bpf *ours;
	uint32_t ids[8] = { 0 }, cnt = 8;
	int ifindex, lother, lours, err;

	if (geteuid() != 0) {
		print_message("skipped: needs root\n");
		skip();
	}
	assert_int_equal(unshare(CLONE_NEWNET), 0);
	assert_int_equal(system("ip link add pc-tcx-a type veth peer name pc-tcx-b"), 0);
	ifindex = (int)if_nametoindex("pc-tcx-a");
	assert_true(ifindex > 0);

	other = refused_bpf__open();
	assert_non_null(other);
	bpf_program__set_autoload(other->progs.tc_unchecked, false);
	assert_int_equal(refused_bpf__load(other), 0);
	ours = empty_bpf__open_and_load();
	assert_non_null(ours);

	/* another agent's program, attached first, the plain way: appended */
	lother = bpf_link_create(bpf_program__fd(other->progs.tc_fine), ifindex,
				 BPF_TCX_INGRESS, NULL);
	if (lother < 0 && errno == EINVAL) {
		print_message("skipped: this kernel has no tcx (Linux 6.6)\n");
		skip();
	}
	assert_true(lother >= 0);
	/* then ours */
	lours = pc_tcx_link_create(bpf_program__fd(ours->progs.tc_empty), ifindex,
				   BPF_TCX_INGRESS);
	assert_true(lours >= 0);

	err = bpf_prog_query(ifindex, BPF_TCX_INGRESS, 0, NULL, ids, &cnt);
	assert_int_equal(err, 0);
	assert_int_equal(cnt, 2);
	assert_int_equal(ids[0], prog_id(bpf_program__fd(ours->progs.tc_empty)));
	assert_int_equal(ids[1], prog_id(bpf_program__fd(other->progs.tc_fine)));

	{
		unsigned int pos, of;
		struct empty_bpf *third = empty_bpf__open_and_load();
		int lthird;

		assert_int_equal(pc_tcx_position(ifindex, BPF_TCX_INGRESS,
						 prog_id(bpf_program__fd(ours->progs.tc_empty)),
						 &pos, &of), 0);
		assert_int_equal(pos, 1);
		assert_int_equal(of, 2);
		/* a later program that asks for the head gets it: status must say so */
		assert_non_null(third);
		lthird = pc_tcx_link_create(bpf_program__fd(third->progs.tc_empty), ifindex,
					    BPF_TCX_INGRESS);
		assert_true(lthird >= 0);
		assert_int_equal(pc_tcx_position(ifindex, BPF_TCX_INGRESS,
						 prog_id(bpf_program__fd(ours->progs.tc_empty)),
						 &pos, &of), 0);
		assert_int_equal(pos, 2);
		assert_int_equal(of, 3);
		close(lthird);
		empty_bpf__destroy(third);
	}
	close(lours);
	close(lother);
	empty_bpf__destroy(ours);
	refused_bpf__destroy(other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ours_runs_first),
	};

	libbpf_set_print(quiet);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
