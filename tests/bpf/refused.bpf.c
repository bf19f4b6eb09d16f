/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * refused.bpf.c - an object the verifier refuses on every kernel, for
 * test_load_log.c: tc_fine loads, tc_unchecked reads packet data without
 * checking it against data_end ("invalid access to packet").
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("tc")
int tc_fine(struct __sk_buff *skb)
{
	return TC_ACT_UNSPEC;
}

/* Some work first, so that the log is longer than the lines shown without -v. */
SEC("tc")
int tc_unchecked(struct __sk_buff *skb)
{
	__u8 *data = (__u8 *)(long)skb->data;
	__u32 x = skb->len;
	int i;

#pragma unroll
	for (i = 0; i < 16; i++)
		x = x * 31 + skb->mark;
	return data[0] == (__u8)x ? TC_ACT_SHOT : TC_ACT_UNSPEC;
}
