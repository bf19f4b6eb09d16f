/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * tcfilter.h - the filters on an interface's clsact hook, in the order
 * the kernel runs them, so 'status' can say where portcullis's filter
 * stands among them: one that runs first and returns TC_ACT_OK (any
 * classifier that matches without an action does) passes packets
 * portcullis never sees. libbpf lists no filters; this is the
 * RTM_GETTFILTER dump 'tc filter show dev IF ingress' makes.
 */
#ifndef PC_TCFILTER_H
#define PC_TCFILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pc_tcfilter {
	uint32_t priority;	/* tc's "pref": the lower runs first */
	uint32_t handle;
	uint16_t protocol;	/* ETH_P_* the filter takes, host order (ETH_P_ALL: all) */
	char kind[16];		/* "bpf", "u32", "flower", ... */
	char bpf_name[64];	/* cls_bpf: the name given at attach ("tc_ingress:[42]"), or "" */
	uint32_t bpf_id;	/* cls_bpf: the program's id, or 0 */
	bool ours;		/* portcullis's (PC_CLSACT_HANDLE at PC_CLSACT_PRIORITY) */
};

/*
 * The filters of chain 0 (the one clsact runs; other chains only by a
 * goto from it) on IFINDEX's clsact ingress or EGRESS, in the order they
 * run. *OUT (free() it) and *N; 0 or a negative errno (-EINVAL: no
 * clsact qdisc on IFINDEX, -ENODEV: no such interface).
 */
int pc_tcfilter_list(int ifindex, bool egress, struct pc_tcfilter **out, size_t *n);

#endif /* PC_TCFILTER_H */
