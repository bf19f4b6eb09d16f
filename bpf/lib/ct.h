/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * ct.h - connection tracking in two LRU hashes: pc_ct_v2 for established
 * flows (a reply, then a packet the original way), pc_ctnew_v2 for flows
 * that are not yet (lib/maps.h says why two).
 *
 * An entry is keyed by the flow as first allowed (original direction) and
 * its zone (every interface shares one, each cgroup scope has its own:
 * portcullis.h), and holds the time of its last packet and what allowed
 * it: scope, direction and the policy epoch it was last judged under. It
 * lives until it has been idle for its timeout, the LRU evicts it, or a
 * new policy no longer allows it: a hit on an entry of an older epoch
 * judges the flow again, in its original direction, by the rules of the
 * generation the packet reads (pc_ct_rejudge(), lib/policy.h), and
 * deletes the entry when no rule allows it any more. The same epoch, the
 * common case, costs one compare.
 *
 * TCP keeps just enough state to be safe: a SYN passes through conntrack
 * only in the original direction (a peer cannot open a connection back on
 * a tuple the host opened), and a FIN or RST shortens the entry's life
 * (PC_CT_TIMEOUT_TCP_FIN/RST_NS). Timestamps are CLOCK_MONOTONIC from
 * bpf_ktime_get_coarse_ns(): jiffy resolution is plenty for timeouts of
 * 30 s and more, and it costs ~3 ns where bpf_ktime_get_ns() costs ~25 ns
 * (measured on the 6.18 VM).
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
#define PC_CT_REVOKED	3	/* (pc_ct_lookup_one) its entry was deleted: no rule allows it now */

/*
 * Entry V is of an older epoch than EPOCH, the live one: does generation
 * SLOT still allow its flow? T is the packet's flow, REVERSE 1 when the
 * packet is its reply. Yes: V is stamped with EPOCH (an audited flow a
 * rule now allows becomes an allowed one), 1. No: an audited flow stays
 * audited, stamped (it was never allowed; the mode decides for it), 1;
 * any other is to be revoked, 0. The rules are the policy's: lib/policy.h
 * defines it.
 */
int pc_ct_rejudge(const struct pc_tuple *t, __u32 slot, struct pc_ct_val *v, __u32 epoch,
		  __u32 reverse);

/* Count one event of FIELD (struct pc_ctstats) on this CPU. */
#define PC_CT_COUNT(field)							\
	do {									\
		__u32 zero_ = 0;						\
		struct pc_ctstats *cs_ = bpf_map_lookup_elem(&pc_ctstats_v1, &zero_); \
										\
		if (cs_)							\
			__sync_fetch_and_add(&cs_->field, 1);			\
	} while (0)

/* The policy epoch the agent wrote last (pc_epoch_v1). */
static __always_inline __u32 pc_ct_epoch(void)
{
	__u32 zero = 0;
	__u32 *e = bpf_map_lookup_elem(&pc_epoch_v1, &zero);

	return e ? *(volatile __u32 *)e : 0;
}

/* How long an entry lives idle: by protocol, reply seen (est), FIN or RST. */
static __always_inline __u64 pc_ct_timeout(__u8 proto, __u32 flags, int est)
{
	if (proto == IPPROTO_TCP) {
		if (flags & PC_CT_F_RST)
			return PC_CT_TIMEOUT_TCP_RST_NS;
		if (flags & PC_CT_F_FIN)
			return PC_CT_TIMEOUT_TCP_FIN_NS;
		return est ? PC_CT_TIMEOUT_TCP_NS : PC_CT_TIMEOUT_TCP_NEW_NS;
	}
	if (proto == IPPROTO_UDP)
		return est ? PC_CT_TIMEOUT_UDP_NS : PC_CT_TIMEOUT_UDP_NEW_NS;
	return PC_CT_TIMEOUT_ICMP_NS;
}

/* Fill k from t, as is (reverse 0) or with ends swapped (reverse 1). */
static __always_inline void pc_ct_key_fill(struct pc_ct_key *k, const struct pc_tuple *t,
					   __u32 zone, int reverse)
{
	pc_addrs_store(k->saddr, k->daddr, reverse ? t->daddr : t->saddr,
		       reverse ? t->saddr : t->daddr);
	k->sport = reverse ? t->dport : t->sport;
	k->dport = reverse ? t->sport : t->dport;
	k->zone = zone;
	k->proto = t->proto;
	k->pad[0] = 0;
	k->pad[1] = 0;
	k->pad[2] = 0;
}

/* The entry flags a TCP packet's FIN or RST adds. */
static __always_inline __u32 pc_ct_tcp_close(__u8 proto, __u8 tcp_flags)
{
	if (proto != IPPROTO_TCP)
		return 0;
	if (tcp_flags & PC_TCP_RST)
		return PC_CT_F_RST;
	if (tcp_flags & PC_TCP_FIN)
		return PC_CT_F_FIN;
	return 0;
}

/*
 * Is the entry last seen at LAST still fresh at NOW? Signed: another CPU
 * may have refreshed it with a later coarse clock than ours, and a
 * timestamp a little ahead of now is fresh, never expired.
 */
static __always_inline int pc_ct_fresh(__u64 now, __u64 last, __u64 timeout)
{
	return (__s64)(now - last) <= (__s64)timeout;
}

/* What every lookup of one packet shares. */
struct pc_ct_ask {
	const struct pc_tuple *t;	/* the flow looked up */
	__u64 now;
	__u32 slot;			/* the generation the packet reads */
	__u32 mode;			/* the packet's scope's PC_MODE_* */
	__u32 epoch;			/* pc_ct_epoch() */
	__u32 close;			/* pc_ct_tcp_close() of the packet */
	int refresh;			/* a hit moves last_seen and takes close */
};

/*
 * Look up k (one direction of q->t; reverse: the packet is the reply) in
 * TABLE (est: pc_ct_v2, else pc_ctnew_v2). An entry counts when it is
 * fresh, if it was created by an audited flow only while the scope is in
 * audit mode, and if it is of an older epoch only when the live policy
 * still allows its flow; else it is deleted (PC_CT_REVOKED). refresh:
 * move last_seen to now on a hit, and note a FIN or RST (not for ICMP
 * errors). *hit: the entry, for a promotion.
 */
static __always_inline int pc_ct_lookup_one(void *table, int est, struct pc_ct_key *k,
					    const struct pc_ct_ask *q, int reverse,
					    struct pc_ct_val **hit)
{
	struct pc_ct_val *v;
	__u32 flags;

	v = bpf_map_lookup_elem(table, k);
	if (!v)
		return PC_CT_NONE;
	flags = v->flags;
	if (!pc_ct_fresh(q->now, *(volatile __u64 *)&v->last_seen_ns,
			 pc_ct_timeout(q->t->proto, flags, est)))
		return PC_CT_NONE;
	if ((flags & PC_CT_F_AUDIT) && q->mode != PC_MODE_AUDIT)
		return PC_CT_NONE;
	if (v->epoch != q->epoch) {
		if (!pc_ct_rejudge(q->t, q->slot, v, q->epoch, reverse)) {
			bpf_map_delete_elem(table, k);
			PC_CT_COUNT(revoked);
			return PC_CT_REVOKED;
		}
		flags = v->flags;
	}
	if (q->refresh) {
		v->last_seen_ns = q->now;
		if ((flags | q->close) != flags)
			v->flags = flags | q->close;
	}
	*hit = v;
	return (flags & PC_CT_F_AUDIT) ? PC_CT_HIT_AUDIT : PC_CT_HIT;
}

/*
 * A flow that had a reply and now another packet in its original direction
 * is established: move its entry to the table of replied flows. A reply
 * alone is not enough: a listener answers every spoofed SYN of a flood
 * with a SYN-ACK, and nobody completes those handshakes (nf_conntrack's
 * ASSURED, for the same reason). v is copied as it is, straight from the
 * map: no copy on the stack, which has no room left. If the insert fails
 * the entry stays where it is (the flow still works, without the flood
 * protection), counted.
 */
static __always_inline void pc_ct_promote(struct pc_ct_key *k, struct pc_ct_val *v)
{
	if (bpf_map_update_elem(&pc_ct_v2, k, v, BPF_ANY) == 0) {
		bpf_map_delete_elem(&pc_ctnew_v2, k);
		PC_CT_COUNT(promoted);
	} else {
		PC_CT_COUNT(promote_failed);
	}
}

/* A TCP SYN without ACK: it opens a connection and completes nothing. */
static __always_inline int pc_ct_opens(__u8 proto, __u8 tcp_flags)
{
	return proto == IPPROTO_TCP && (tcp_flags & (PC_TCP_SYN | PC_TCP_ACK)) == PC_TCP_SYN;
}

/*
 * A packet in the original direction of an unreplied-table entry V: after
 * a reply, anything but a SYN completes the exchange (TCP: the handshake's
 * last ACK) and promotes the flow.
 */
static __always_inline void pc_ct_forward(struct pc_ct_key *k, struct pc_ct_val *v,
					  const struct pc_tuple *t, __u8 tcp_flags)
{
	if ((v->flags & PC_CT_F_REPLIED) && !pc_ct_opens(t->proto, tcp_flags))
		pc_ct_promote(k, v);
}

/*
 * Does t belong to a tracked flow of ZONE (judged again, if need be, by
 * generation SLOT)? Tries the reply direction first (the common case),
 * replied flows before unreplied ones, then the original direction (later
 * packets of a flow whose first packet was allowed or audited). A TCP SYN
 * without ACK opens a connection: only the original direction can carry
 * it. The first reply promotes its flow. A revoked entry ends the search:
 * the flow is no longer allowed.
 */
static __always_inline int pc_ct_match(const struct pc_tuple *t, __u32 zone, __u32 slot,
				       __u32 mode, int refresh, __u8 tcp_flags)
{
	struct pc_ct_ask q = {
		.t = t, .slot = slot, .mode = mode, .refresh = refresh,
		.close = pc_ct_tcp_close(t->proto, tcp_flags),
	};
	struct pc_ct_val *v = NULL;
	struct pc_ct_key k;
	int r;

	if (t->proto == 0)
		return PC_CT_NONE;
	q.now = bpf_ktime_get_coarse_ns();
	q.epoch = pc_ct_epoch();
	if (!pc_ct_opens(t->proto, tcp_flags)) {
		pc_ct_key_fill(&k, t, zone, 1);
		r = pc_ct_lookup_one(&pc_ct_v2, 1, &k, &q, 1, &v);
		if (r != PC_CT_NONE)
			return r == PC_CT_REVOKED ? PC_CT_NONE : r;
		r = pc_ct_lookup_one(&pc_ctnew_v2, 0, &k, &q, 1, &v);
		if (r != PC_CT_NONE) {
			if (r == PC_CT_REVOKED)
				return PC_CT_NONE;
			if (q.refresh && v && !(v->flags & PC_CT_F_REPLIED))
				v->flags |= PC_CT_F_REPLIED;
			return r;
		}
	}
	pc_ct_key_fill(&k, t, zone, 0);
	r = pc_ct_lookup_one(&pc_ct_v2, 1, &k, &q, 0, &v);
	if (r != PC_CT_NONE)
		return r == PC_CT_REVOKED ? PC_CT_NONE : r;
	r = pc_ct_lookup_one(&pc_ctnew_v2, 0, &k, &q, 0, &v);
	if (r == PC_CT_REVOKED)
		return PC_CT_NONE;
	if (r != PC_CT_NONE && q.refresh && v)
		pc_ct_forward(&k, v, t, tcp_flags);
	return r;
}

/* The flags an entry takes from a packet of its flow (see pc_ct_track). */
static __always_inline __u32 pc_ct_flags_update(__u32 old, __u32 flags, __u32 close,
						__u8 proto, __u8 tcp_flags)
{
	/*
	 * The audit bit is this packet's (an audited flow allowed now is
	 * allowed); FIN, RST and a reply stay once seen, unless a new SYN
	 * starts the tuple over.
	 */
	if (pc_ct_opens(proto, tcp_flags))
		return flags | close;
	return flags | close | (old & (PC_CT_F_FIN | PC_CT_F_RST | PC_CT_F_REPLIED));
}

/*
 * Create or refresh the entry for t in its original direction, in ZONE:
 * refreshed where it is, else created among the flows without a reply.
 * SCOPE and DIR judged it now, under the live epoch: that is what allowed
 * it (or, PC_CT_F_AUDIT, passed it in audit mode).
 */
static __always_inline void pc_ct_track(const struct pc_tuple *t, __u32 zone, __u32 scope,
					__u8 dir, __u32 flags, __u8 tcp_flags)
{
	__u32 close = pc_ct_tcp_close(t->proto, tcp_flags);
	__u32 epoch = pc_ct_epoch();
	struct pc_ct_key k;
	struct pc_ct_val nv = {};
	struct pc_ct_val *v;
	__u64 now = bpf_ktime_get_coarse_ns();
	int unreplied = 0;
	__u32 want;

	pc_ct_key_fill(&k, t, zone, 0);
	v = bpf_map_lookup_elem(&pc_ct_v2, &k);
	if (!v) {
		v = bpf_map_lookup_elem(&pc_ctnew_v2, &k);
		unreplied = 1;
	}
	if (v) {
		v->last_seen_ns = now;
		want = pc_ct_flags_update(v->flags, flags, close, t->proto, tcp_flags);
		if (want != v->flags)
			v->flags = want;
		if (v->epoch != epoch || v->scope != scope || v->dir != dir) {
			v->epoch = epoch;
			v->scope = scope;
			v->dir = dir;
		}
		if (unreplied)
			pc_ct_forward(&k, v, t, tcp_flags);
		return;
	}
	nv.last_seen_ns = now;
	nv.flags = flags | close;
	nv.epoch = epoch;
	nv.scope = scope;
	nv.dir = dir;
	if (bpf_map_update_elem(&pc_ctnew_v2, &k, &nv, BPF_ANY) == 0)
		PC_CT_COUNT(created);
	else
		PC_CT_COUNT(create_failed);
}

#endif /* PC_BPF_CT_H */
