/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * policy.h - the generation, the scope, the rule + peer lookup, and the
 * decision shared by every hook (TC, cgroup_skb, cgroup sock_addr).
 */
#ifndef PC_BPF_POLICY_H
#define PC_BPF_POLICY_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "portcullis.h"
#include "lib/maps.h"
#include "lib/parse.h"
#include "lib/ct.h"

/* pc_decide() outcomes */
#define PC_OUT_ALLOW		0	/* a rule allows it */
#define PC_OUT_STATE		1	/* conntrack: part of an allowed flow */
#define PC_OUT_STATE_AUDIT	2	/* conntrack: part of an audited flow, audit mode */
#define PC_OUT_DENY		3	/* nothing allows it; j->reason says why */

/*
 * Everything one judgement needs. Filled by the hook, read by pc_decide()
 * and pc_verdict(). rules/peers are the inner maps of the generation the
 * hook read from pc_active once; NULL means that slot has no policy.
 */
struct pc_judge {
	struct pc_pkt pkt;
	void *rules;
	void *peers;
	void *exact;
	void *sets;
	__u64 cgroup_id;	/* cgroup hooks: the socket's / task's cgroup */
	__u32 scope;
	__u32 mode;
	__u32 ifindex;		/* TC hooks */
	__u8  dir;		/* PC_DIR_* */
	__u8  hook;		/* PC_HOOK_* */
	__u8  reason;		/* PC_OUT_DENY: PC_REASON_* */
	__u8  task;		/* 1: pid, uid and comm below are the sender's */
	__u8  track;		/* 1: packet hook, conntrack applies */
	__u8  slot;		/* the generation the hook read (pc_gen_policy) */
	__u8  pad[2];
	/*
	 * The calling task, read by the sock_addr hooks only (pc_task_fill):
	 * 6.1 gives sched_cls and cgroup_skb none of the bpf_get_current_*
	 * helpers and 6.12 only pid_tgid, and the verifier rejects a call it
	 * cannot prove dead, so the code shared with the packet hooks only
	 * copies these.
	 */
	__u32 pid;		/* tgid */
	__u32 uid;
	char  comm[16];
};

/*
 * The generation slot to use for this packet: read once, here. Returns the
 * scope map of that slot (NULL: nothing installed) and the slot in *slot.
 */
static __always_inline void *pc_gen_scopes(__u32 *slot)
{
	__u32 zero = 0;
	__u32 *a = bpf_map_lookup_elem(&pc_active_v1, &zero);
	__u32 s;

	if (!a)
		return NULL;
	s = *(volatile __u32 *)a;
	if (s >= PC_GENERATIONS)
		return NULL;
	*slot = s;
	return bpf_map_lookup_elem(&pc_scopes_v1, &s);
}

/* Load rules and peers of slot into j. */
static __always_inline void pc_gen_policy(struct pc_judge *j, __u32 slot)
{
	j->slot = (__u8)slot;
	j->rules = bpf_map_lookup_elem(&pc_rules_v1, &slot);
	j->peers = bpf_map_lookup_elem(&pc_peers_v1, &slot);
	j->exact = bpf_map_lookup_elem(&pc_exact_v1, &slot);
	j->sets = bpf_map_lookup_elem(&pc_sets_v1, &slot);
}

static __always_inline struct pc_scope_val *pc_scope_lookup(void *scopes, __u64 id, __u32 kind)
{
	struct pc_scope_key k = { .id = id, .kind = kind, .pad = 0 };

	return bpf_map_lookup_elem(scopes, &k);
}

/* One 32-bit word (network order) of an address masked to BITS of it. */
static __always_inline __u32 pc_mask_word(__u32 w, int bits)
{
	if (bits >= 32)
		return w;
	if (bits <= 0)
		return 0;
	return w & bpf_htonl(~0u << (32 - bits));
}

/*
 * Is PEER in set SET? A set in the exact table (portcullis.h): probe its
 * prefix lengths longest first, one hash lookup each; the first hit is the
 * longest match. Else the LPM trie. The two keys live in blocks of their
 * own, so they can share their stack slots.
 */
static __always_inline int pc_peer_in_set(void *sets, void *exact, void *peers, __u32 set,
					  const __u32 peer[4])
{
	struct pc_set_info *info;
	int i;

	info = bpf_map_lookup_elem(sets, &set);
	if (info && info->n_lens) {
		struct pc_exact_key ek = { .set = set };
		__u32 *e = (__u32 *)ek.addr;

		for (i = 0; i < PC_SET_MAX_LENS; i++) {
			int len;

			if (i >= info->n_lens)
				break;
			len = info->lens[i];
			ek.plen = (__u8)len;
			e[0] = pc_mask_word(peer[0], len);
			e[1] = pc_mask_word(peer[1], len - 32);
			e[2] = pc_mask_word(peer[2], len - 64);
			e[3] = pc_mask_word(peer[3], len - 96);
			if (bpf_map_lookup_elem(exact, &ek))
				return 1;
		}
		return 0;
	}
	{
		struct pc_peer_key pk = { .prefixlen = 32 + 128, .set = bpf_htonl(set) };
		__u32 *a = (__u32 *)pk.addr;

		a[0] = peer[0];
		a[1] = peer[1];
		a[2] = peer[2];
		a[3] = peer[3];
		return bpf_map_lookup_elem(peers, &pk) != NULL;
	}
}

/*
 * Rule + peer lookup for {j->scope, dir, proto, port} and peer address, in
 * j's generation. Returns PC_REASON_NONE when allowed, PC_REASON_NO_RULE
 * when no rule has the key, PC_REASON_PEER when the rule's peer set lacks
 * the address.
 */
static __always_inline __u8 pc_rule_check(const struct pc_judge *j, __u8 dir, __u8 proto,
					  __u16 port, const __u32 peer[4])
{
	struct pc_rule_key rk = { .scope = j->scope, .dir = dir, .proto = proto, .port = port };
	struct pc_rule_val *rv;

	rv = bpf_map_lookup_elem(j->rules, &rk);
	if (!rv)
		return PC_REASON_NO_RULE;
	if (rv->peer_set == 0)
		return PC_REASON_NONE;
	return pc_peer_in_set(j->sets, j->exact, j->peers, rv->peer_set, peer) ? PC_REASON_NONE
										 : PC_REASON_PEER;
}

/* The conntrack zone of a packet hook's judgement (portcullis.h says why). */
static __always_inline __u32 pc_ct_zone(const struct pc_judge *j)
{
	if (j->hook == PC_HOOK_TC_IN || j->hook == PC_HOOK_TC_OUT)
		return PC_CT_ZONE_IFACE;
	return PC_CT_ZONE_CGROUP(j->scope);
}

/* pc_peer_in_set() in the maps of generation SLOT; 0 if one is missing. */
static __always_inline int pc_peer_in_slot(__u32 slot, __u32 set, const __u32 peer[4])
{
	void *sets = bpf_map_lookup_elem(&pc_sets_v1, &slot);
	void *exact = bpf_map_lookup_elem(&pc_exact_v1, &slot);
	void *peers = bpf_map_lookup_elem(&pc_peers_v1, &slot);

	if (!sets || !exact || !peers)
		return 0;
	return pc_peer_in_set(sets, exact, peers, set, peer);
}

/*
 * Conntrack found entry V of an older policy epoch (lib/ct.h declares this
 * and says what it answers): judge its flow as its first packet was, in
 * its original direction, at the scope that allowed it, with the same rule
 * and peer lookup as a new packet, by generation SLOT. For a reply
 * (REVERSE) the original's ends are T's swapped.
 *
 * A global function, so the verifier checks it once, not again on every
 * path of every hook that reaches one of conntrack's four lookups (as a
 * static subprogram it made loading eight times slower). Hence plain
 * arguments, and the maps looked up again from the slot.
 */
__attribute__((noinline)) int pc_ct_rejudge(const struct pc_tuple *t, __u32 slot,
					    struct pc_ct_val *v, __u32 epoch, __u32 reverse)
{
	struct pc_rule_key rk = {};
	struct pc_rule_val *rv;
	const __u32 *peer;
	void *rules;

	if (!t || !v)
		return 0;
	rk.scope = v->scope;
	rk.dir = v->dir;
	rk.proto = t->proto;
	/* An echo flow was opened by its request: its type is the rule's port. */
	if (t->proto == IPPROTO_ICMP)
		rk.port = ICMP_ECHO;
	else if (t->proto == IPPROTO_ICMPV6)
		rk.port = ICMPV6_ECHO_REQUEST;
	else
		rk.port = reverse ? t->sport : t->dport;
	/* The remote end: the source of an inbound flow, the destination of an outbound one. */
	if ((rk.dir == PC_DIR_IN) != (reverse != 0))
		peer = t->saddr;
	else
		peer = t->daddr;
	/* As pc_rule_check(), in the maps of SLOT, looked up as they are needed. */
	rules = bpf_map_lookup_elem(&pc_rules_v1, &slot);
	rv = rules ? bpf_map_lookup_elem(rules, &rk) : NULL;
	if (rv && (rv->peer_set == 0 || pc_peer_in_slot(slot, rv->peer_set, peer))) {
		if (v->flags & PC_CT_F_AUDIT)
			v->flags &= ~PC_CT_F_AUDIT;
	} else if (!(v->flags & PC_CT_F_AUDIT)) {
		return 0;
	}
	v->epoch = epoch;
	return 1;
}

/* The remote end: the source of what comes in, the destination of what goes out. */
static __always_inline const __u32 *pc_peer_of(const struct pc_judge *j)
{
	return j->dir == PC_DIR_IN ? j->pkt.t.saddr : j->pkt.t.daddr;
}

/*
 * Decide a well-formed packet or socket call. Precedence: a rule, then
 * conntrack (an ICMP error is matched by the flow it quotes), else deny.
 * j->rules, j->peers, j->exact and j->sets must be non-NULL.
 */
static __always_inline int pc_decide(struct pc_judge *j)
{
	struct pc_pkt *p = &j->pkt;
	const struct pc_tuple *flow;
	__u8 r;
	int m;

	r = pc_rule_check(j, j->dir, p->t.proto, p->port,
			  pc_peer_of(j));
	if (r == PC_REASON_NONE)
		return PC_OUT_ALLOW;
	j->reason = r;
	if (!j->track || p->kind == PC_K_OTHER)
		return PC_OUT_DENY;

	flow = &p->t;
	if (p->kind == PC_K_ICMP_ERR) {
		/*
		 * An error goes back to the sender of the packet it quotes: one
		 * whose destination is not the quoted source is not about a
		 * flow of this host's, whatever flow it quotes.
		 */
		if (!pc_addr_equal(p->t.daddr, p->ref.saddr))
			return PC_OUT_DENY;
		flow = &p->ref;
	}
	m = pc_ct_match(flow, pc_ct_zone(j), j->slot, j->mode, p->kind != PC_K_ICMP_ERR,
			p->kind == PC_K_ICMP_ERR ? 0 : p->tcp_flags);
	if (m == PC_CT_HIT)
		return PC_OUT_STATE;
	if (m == PC_CT_HIT_AUDIT)
		return PC_OUT_STATE_AUDIT;
	return PC_OUT_DENY;
}

#endif /* PC_BPF_POLICY_H */
