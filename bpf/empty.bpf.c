/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * empty.bpf.c - a TC program that does nothing, the baseline of
 * bench/bench_datapath.c (the cost of BPF_PROG_TEST_RUN itself).
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("tc")
int tc_empty(struct __sk_buff *skb)
{
	return TC_ACT_UNSPEC;
}
