/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * ct.h - connection tracking in pc_ct_v1 (LRU hash).
 *
 * An entry is keyed by the flow as first allowed (original direction) and
 * holds the time of its last packet. No TCP state machine: an entry lives
 * until it has been idle for the protocol's timeout, or the LRU evicts it.
 * Timestamps are CLOCK_MONOTONIC from bpf_ktime_get_coarse_ns(): jiffy
 * resolution is plenty for timeouts of 30 s and more, and it costs ~3 ns
 * where bpf_ktime_get_ns() costs ~25 ns (measured on the 6.18 VM).
 */
#ifndef PC_BPF_CT_H
#define PC_BPF_CT_H

#include <linux/bpf.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>

#include "portcullis.h"
#include "lib/maps.h"
#include "lib/parse.h"

/* pc_ct_match() results */
#define PC_CT_NONE	0	/* no usable entry */
#define PC_CT_HIT	1	/* an allowed flow */
#define PC_CT_HIT_AUDIT	2	/* a flow passed in audit mode (scope still in audit) */

static __always_inline __u64 pc_ct_timeout(__u8 proto)
{
	if (proto == IPPROTO_TCP)
		return PC_CT_TIMEOUT_TCP_NS;
	if (proto == IPPROTO_UDP)
		return PC_CT_TIMEOUT_UDP_NS;
	return PC_CT_TIMEOUT_ICMP_NS;
}

/* Fill k from t, as is (reverse 0) or with ends swapped (reverse 1). */
static __always_inline void pc_ct_key_fill(struct pc_ct_key *k, const struct pc_tuple *t,
					   __u32 scope, int reverse)
{
	__u32 *s = (__u32 *)k->saddr;
	__u32 *d = (__u32 *)k->daddr;
	const __u32 *ts = reverse ? t->daddr : t->saddr;
	const __u32 *td = reverse ? t->saddr : t->daddr;

	s[0] = ts[0];
	s[1] = ts[1];
	s[2] = ts[2];
	s[3] = ts[3];
	d[0] = td[0];
	d[1] = td[1];
	d[2] = td[2];
	d[3] = td[3];
	k->sport = reverse ? t->dport : t->sport;
	k->dport = reverse ? t->sport : t->dport;
	k->scope = scope;
	k->proto = t->proto;
	k->pad[0] = 0;
	k->pad[1] = 0;
	k->pad[2] = 0;
}

/*
 * Look up one direction of t. An entry counts when it is fresh and, if it
 * was created by an audited flow, only while the scope is in audit mode.
 * refresh: move last_seen to now on a hit (not for ICMP errors).
 */
static __always_inline int pc_ct_lookup_one(struct pc_ct_key *k, const struct pc_tuple *t,
					    __u32 scope, int reverse, __u32 mode, __u64 now,
					    int refresh)
{
	struct pc_ct_val *v;

	pc_ct_key_fill(k, t, scope, reverse);
	v = bpf_map_lookup_elem(&pc_ct_v1, k);
	if (!v)
		return PC_CT_NONE;
	if (now - v->last_seen_ns > pc_ct_timeout(t->proto))
		return PC_CT_NONE;
	if ((v->flags & PC_CT_F_AUDIT) && mode != PC_MODE_AUDIT)
		return PC_CT_NONE;
	if (refresh)
		v->last_seen_ns = now;
	return (v->flags & PC_CT_F_AUDIT) ? PC_CT_HIT_AUDIT : PC_CT_HIT;
}

/*
 * Does t belong to a tracked flow? Tries the reply direction first (the
 * common case), then the original direction (later packets of a flow
 * whose first packet was allowed or audited).
 */
static __always_inline int pc_ct_match(const struct pc_tuple *t, __u32 scope, __u32 mode,
				       int refresh)
{
	struct pc_ct_key k;
	__u64 now;
	int r;

	if (t->proto == 0)
		return PC_CT_NONE;
	now = bpf_ktime_get_coarse_ns();
	r = pc_ct_lookup_one(&k, t, scope, 1, mode, now, refresh);
	if (r != PC_CT_NONE)
		return r;
	return pc_ct_lookup_one(&k, t, scope, 0, mode, now, refresh);
}

/* Create or refresh the entry for t in its original direction. */
static __always_inline void pc_ct_track(const struct pc_tuple *t, __u32 scope, __u32 flags)
{
	struct pc_ct_key k;
	struct pc_ct_val nv = {};
	struct pc_ct_val *v;
	__u64 now = bpf_ktime_get_coarse_ns();

	pc_ct_key_fill(&k, t, scope, 0);
	v = bpf_map_lookup_elem(&pc_ct_v1, &k);
	if (v) {
		v->last_seen_ns = now;
		if (v->flags != flags)
			v->flags = flags;
		return;
	}
	nv.last_seen_ns = now;
	nv.flags = flags;
	bpf_map_update_elem(&pc_ct_v1, &k, &nv, BPF_ANY);
}

#endif /* PC_BPF_CT_H */
