/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * portcullis.bpf.c - the datapath: judge packets at TC and cgroup_skb, and
 * connect()/sendmsg() calls at cgroup sock_addr, against the policy of the
 * generation pc_active points to.
 *
 * Every judgement goes the same way:
 *
 *   1. read pc_active once; every lookup below uses that slot's inner maps,
 *      so a packet is never judged by half of one policy and half of another;
 *   2. find the scope (TC: {ifindex, PC_SCOPE_IFACE}; cgroup hooks: the
	 *      deepest ancestor cgroup that has a {id, PC_SCOPE_CGROUP} entry);
 *      no scope: dropped (fail closed, below);
 *   3. parse; what is not ours to judge passes unjudged (below);
 *   4. rule {scope, dir, proto, port}, then its peer set: the exact table at
 *      each of the set's prefix lengths, or the LPM trie (lib/policy.h);
 *   5. else conntrack: the reply of an allowed flow, or a later packet of
 *      it, passes while fresh; an ICMP error passes if the flow it quotes is
 *      tracked; an ICMP echo reply is matched by the echo identifier;
 *   6. else denied: enforce drops, audit passes; both count and are
 *      reported through the per-flow rate limit (lib/verdict.h is the only
 *      exit that counts or reports; lib/ratelimit.h folds and flushes).
 *
 * Direction: TC ingress and cgroup ingress judge PC_DIR_IN (peer = source,
 * port = destination port); TC egress, cgroup egress, connect and sendmsg
 * judge PC_DIR_OUT (peer = destination, port = destination port). ICMP uses
 * the message type as the port.
 *
 * Decisions (written here only; docs/design.md lists them, one line each):
 *
 * - Not judged, not counted: non-IP frames (ARP, LLDP, ...), IPv6
 *   neighbour discovery (ICMPv6 133-137) and MLD (ICMPv6 130-132, 143: on
 *   an MLD-snooping switch, ND's solicited-node multicast only reaches a
 *   host whose MLD reports get out; IGMP is judged, IPv4 unicast does not
 *   depend on it), and loopback: at packet hooks a packet on lo whose
 *   source and destination are both loopback (127/8, ::1); at
 *   connect/sendmsg a destination that is loopback or unspecified (0.0.0.0
 *   and :: reach the host itself). A packet on any other interface with a
 *   loopback end is a martian and is judged like any other (a host with
 *   route_localnet=1 would otherwise expose its 127.0.0.1 services). Traffic between the host's
 *   own non-loopback addresses is judged.
 *
 * - No scope, fail closed: a hook only runs where the agent attached it, to
 *   a target whose scope it installed first (and it detaches before it
 *   removes one), so a hook whose target has no entry in the live
 *   generation's scope map, or whose live slot has no scope map at all, is
 *   in a state portcullis did not mean. Everything it sees is dropped
 *   (TC_ACT_SHOT, 0, EPERM), before any parsing and before the
 *   not-judged cases above: the scope is what says how to parse at TC.
 *   Counted denied in pc_stats_v1 at PC_SCOPE_NONE and reported with
 *   reason no-scope, scope id PC_SCOPE_NONE, the hook, ifindex or the
 *   cgroup, and no addresses (one rate-limited flow per hook). A cgroup
 *   hook walks the socket's (or task's) ancestors up to level
 *   PC_MAX_CGROUP_DEPTH - 1, so a socket in any cgroup below the attach
 *   point finds its scope; the agent refuses to attach deeper. A socket
 *   used by a task outside the scope's cgroups (moved, or passed over
 *   SCM_RIGHTS) finds none at connect/sendmsg, which judge the task's
 *   cgroup: refused too.
 *
 * - Fragments, IPv4 and IPv6: the first fragment carries the ports and is
 *   judged; when it passes, its datagram is remembered (lib/frag.h), and
 *   its later fragments pass after it, counted allowed. At egress a later
 *   fragment of any other datagram is denied (PC_REASON_FRAGMENT): the
 *   receiver is another host. At ingress it passes unjudged: reassembly
 *   holds it until a first fragment is judged, and Linux discards
 *   overlapping fragments, so a later one cannot rewrite the judged ports.
 *   A first fragment too short to hold the L4 header is malformed.
 *
 * - IPv6 extension headers: up to 8 of hop-by-hop, routing, destination
 *   options and fragment are walked. A later fragment is decided as above.
 *   A 9th extension header, or one we do not walk (AH, mobility, HIP,
 *   shim6, 253/254), denies with PC_REASON_IPV6_EXT (counted as malformed).
 *   Any other next header is the upper-layer protocol (unknown ones are
 *   judged as {proto, port 0}).
 *
 * - IPv6 packets with an IPv4-mapped source or destination (::ffff:0:0/96)
 *   are malformed: they never appear on the wire, and in the shared trie
 *   they would match IPv4 peers. At connect6/sendmsg6 a mapped destination
 *   is an IPv4 connection through a dual-stack socket and is judged as
 *   IPv4 (event family 4).
 *
 * - Devices without a link-layer header (tun, WireGuard, ipip, gre, sit,
 *   ppp): the agent marks their scope PC_SCOPE_F_L3 from the link type, and
 *   TC parses them from the IP header with skb->protocol, as cgroup_skb
 *   does. Read as Ethernet, nearly every packet would pass unjudged.
 *
 * - VLAN at TC: a frame with a VLAN id (skb->vlan_present with VID != 0,
 *   or an 802.1Q/802.1ad tag in the header with VID != 0) passes unjudged:
 *   it belongs to the VLAN subinterface, which is its own attach point, and
 *   without one the stack drops it (PACKET_OTHERHOST). Priority-tagged
 *   frames (VID 0) are delivered to the parent interface itself, so their
 *   inner header is judged, through up to two VID-0 tags; a frame with more
 *   tags, 802.1Q or 802.1ad, or a tag cut short, is malformed (the kernel
 *   strips any number of priority tags, so passing it would open every
 *   port to a neighbour).
 *
 * - Truncated or unparsable IP/L4 headers deny with PC_REASON_MALFORMED,
 *   counted in malformed and in denied or audited; enforce drops them. TCP
 *   needs its 20-byte header, UDP 8 bytes, ICMP 8 bytes. An IPv4 tot_len
 *   of 0 is a BIG TCP GSO packet when the skb is GSO, else malformed. An
 *   ICMP error is
 *   matched through conntrack by the flow it quotes when the quote holds
 *   its IP header and the first 4 (ports) or 8 (echo) bytes of its L4
 *   header, and only when the error's destination is the quoted packet's
 *   source (the sender it goes back to); any other error, a short quote
 *   included, is judged by the ICMP rules alone.
 *
 * - Conntrack: allowed TCP, UDP and ICMP echo requests create or refresh an
 *   entry in their original direction {saddr, daddr, sport, dport, zone,
 *   proto}; echo requests use {id, 0}. A packet no rule allows passes if the
 *   reversed tuple (a reply) or the tuple itself (a later packet) has a
 *   fresh entry; a hit refreshes it. A flow lives in pc_ctnew_v2 until it
 *   is established: a reply, and then a packet in its original direction
 *   (TCP: the handshake's last ACK) move it to pc_ct_v2. A reply alone
 *   does not: a listener answers every spoofed SYN with a SYN-ACK. So a
 *   flood of new flows, answered or not, turns over only the first table
 *   (nf_conntrack's ASSURED, for the same reason). Entries idle out after PC_CT_TIMEOUT_*
 *   (established TCP 5 days, as nf_conntrack). TCP keeps what safety needs:
 *   a SYN passes through conntrack only in its original direction, and a
 *   FIN or RST shortens the entry's life to 2 minutes or 10 seconds.
 *   Zones: every interface scope tracks in one zone, so a flow is
 *   recognised on whichever attached interface its packets take (ECMP, two
 *   uplinks, bond slaves); each cgroup scope has a zone of its own, apart
 *   from the interfaces and from other services. A failed insert or
 *   promotion is counted in pc_ctstats_v1, as are new entries (a flood's
 *   turnover) and revoked ones.
 *   Removing a rule cuts the flows it allowed at their next packet,
 *   replies included: an entry remembers the scope and direction that
 *   allowed it and the policy epoch it was judged under; every install
 *   advances pc_epoch_v1, and a hit on an entry of an older epoch judges
 *   the flow again in its original direction with the rules of the
 *   generation the packet reads. Still allowed: the entry is restamped.
 *   Not: it is deleted and the packet is judged as any other (denied and
 *   reported in enforce, passed and reported in audit).
 *
 * - Audit: a denied packet passes, counts audited and is reported at once;
 *   its flow gets an entry flagged PC_CT_F_AUDIT, so its replies and later
 *   packets pass quietly while the scope stays in audit: counted audited,
 *   no event of their own, folded into their flow's count and reported by
 *   the rate limit's sweep (at most one event per flow a second). Switching
 *   the scope to enforce makes those entries void at once. A new policy
 *   that allows an audited flow makes it an allowed one; one that does not
 *   leaves it audited. Malformed packets are judged every time (no tuple
 *   to track).
 *
 * - connect4/6 and sendmsg4/6 judge TCP and UDP sockets only (others are
 *   judged per packet at cgroup_skb) and return 0 (EPERM) when denied in
 *   enforce. The scope comes from the calling task's cgroup
 *   (bpf_get_current_ancestor_cgroup_id: bpf_sk_*cgroup_id is not available
 *   to sock_addr programs), the socket's cgroup at cgroup_skb. A UDP
 *   sendmsg that no 'out' rule allows but whose local port has an 'in' rule
 *   admitting the destination is a server's reply: it is not judged here
 *   but per packet at cgroup egress, where conntrack knows the flow.
 *   In audit mode a flow refused at connect is reported twice: by connect
 *   (with pid, uid, comm) and by the first packet at cgroup egress.
 *
 * - TC returns TC_ACT_UNSPEC to pass (tcx: next program, then pass; cls_bpf:
 *   next filter) so portcullis composes with other programs, and
 *   TC_ACT_SHOT to drop. cgroup programs return 1 to pass, 0 to drop/EPERM.
 *
 * - Events: every deny or audit is accounted in exactly one pc_event's
 *   count. Per flow (struct pc_rl_key: no source port) PC_RL_BURST events
 *   at once, then one per PC_RL_INTERVAL_NS; repeats in between are held
 *   and folded into the flow's next event, or flushed by a sweep once a
 *   second. pid, uid, comm and PC_EV_F_TASK only at connect/sendmsg, where
 *   the current task is the caller; cgroup_id at every cgroup hook (the
 *   socket's cgroup, or the task's at connect/sendmsg); ifindex at TC. If
 *   the ring buffer is full the event is lost and counted with its whole
 *   count in pc_evstats, per CPU (lib/ratelimit.h, docs/events.md).
 */

#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "portcullis.h"
#include "lib/maps.h"
#include "lib/parse.h"
#include "lib/ct.h"
#include "lib/policy.h"
#include "lib/verdict.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/*
 * Judge a parsed packet: j has scope, mode, dir, hook; parsed is the
 * pc_parse_* result; slot the generation read by the hook; dev the
 * skb's device (at cgroup_skb too: ingress sets it on receive, ip_output
 * before the egress hook).
 */
static __always_inline int pc_judge_packet(struct pc_judge *j, int parsed, __u32 slot,
					   __u32 dev)
{
	if (parsed == PC_PARSE_PASS)
		return PC_PASS;
	/* lo is ifindex 1 in every namespace (LOOPBACK_IFINDEX). */
	if (dev == PC_LOOPBACK_IFINDEX && pc_addr_is_loopback(j->pkt.t.saddr) &&
	    pc_addr_is_loopback(j->pkt.t.daddr))
		return PC_PASS;
	pc_gen_policy(j, slot);
	if (parsed == PC_PARSE_BAD) {
		j->reason = j->pkt.reason;
		return pc_verdict(j, PC_OUT_DENY);
	}
	if (j->pkt.frag == PC_FRAG_LATER) {	/* no ports: lib/frag.h */
		if (pc_frag_tracked(&j->pkt, j->scope))
			return pc_verdict(j, PC_OUT_STATE);
		if (j->dir == PC_DIR_IN)
			return PC_PASS;
		j->reason = PC_REASON_FRAGMENT;
		return pc_verdict(j, PC_OUT_DENY);
	}
	if (!j->rules || !j->peers || !j->exact || !j->sets) {
		j->reason = PC_REASON_NO_POLICY;
		return pc_verdict(j, PC_OUT_DENY);
	}
	return pc_verdict(j, pc_decide(j));
}

/*
 * A hook runs only where the agent attached it, and the agent installs a
 * target's scope before attaching and detaches before removing it, so a
 * miss (no entry for the target, or no scope map in the live slot) is a
 * state portcullis did not mean: fail closed. Drop, count in pc_stats_v1
 * at PC_SCOPE_NONE (denied) and report with reason no-scope, unparsed
 * (the L3 flag that says how to parse at TC is the scope's).
 */
static __always_inline int pc_no_scope(struct pc_judge *j)
{
	j->scope = PC_SCOPE_NONE;
	j->mode = PC_MODE_ENFORCE;
	j->reason = PC_REASON_NO_SCOPE;
	j->track = 0;
	return pc_verdict(j, PC_OUT_DENY);
}

/* --- TC: the whole host, per interface ------------------------------------ */

static __always_inline int pc_tc(struct __sk_buff *skb, __u8 dir, __u8 hook)
{
	struct pc_judge j = {};
	struct pc_scope_val *sv;
	void *scopes;
	__u32 slot = 0;
	int parsed;

	j.dir = dir;
	j.hook = hook;
	j.ifindex = skb->ifindex;
	scopes = pc_gen_scopes(&slot);
	sv = scopes ? pc_scope_lookup(scopes, skb->ifindex, PC_SCOPE_IFACE) : NULL;
	if (!sv)
		return pc_no_scope(&j) == PC_DROP ? TC_ACT_SHOT : TC_ACT_UNSPEC;
	j.scope = sv->scope;
	j.mode = sv->mode;
	j.track = 1;

	/* An L3 device's frames start at the IP header (Cilium: ETH_HLEN 0). */
	if (sv->flags & PC_SCOPE_F_L3)
		parsed = pc_parse_l3(skb, (__be16)skb->protocol, &j.pkt);
	else
		parsed = pc_parse_eth(skb, &j.pkt);
	if (pc_judge_packet(&j, parsed, slot, skb->ifindex) == PC_DROP)
		return TC_ACT_SHOT;
	return TC_ACT_UNSPEC;
}

SEC("tc")
int tc_ingress(struct __sk_buff *skb)
{
	return pc_tc(skb, PC_DIR_IN, PC_HOOK_TC_IN);
}

SEC("tc")
int tc_egress(struct __sk_buff *skb)
{
	return pc_tc(skb, PC_DIR_OUT, PC_HOOK_TC_OUT);
}

/* --- cgroup_skb: per socket cgroup ----------------------------------------- */

static __always_inline int pc_cg_skb(struct __sk_buff *skb, __u8 dir, __u8 hook)
{
	struct pc_judge j = {};
	struct pc_scope_val *sv = NULL;
	void *scopes;
	__u32 slot = 0;
	int parsed;
	int lvl;

	j.dir = dir;
	j.hook = hook;
	scopes = pc_gen_scopes(&slot);
	/* Deepest ancestor with a scope wins; levels below the socket's are 0. */
	for (lvl = PC_MAX_CGROUP_DEPTH - 1; lvl >= 0; lvl--) {
		__u64 id = bpf_skb_ancestor_cgroup_id(skb, lvl);

		if (!id)
			continue;
		if (!j.cgroup_id)
			j.cgroup_id = id;
		if (!scopes)
			break;
		sv = pc_scope_lookup(scopes, id, PC_SCOPE_CGROUP);
		if (sv)
			break;
	}
	if (!sv)
		return pc_no_scope(&j);
	j.scope = sv->scope;
	j.mode = sv->mode;
	j.track = 1;

	parsed = pc_parse_l3(skb, (__be16)skb->protocol, &j.pkt);
	return pc_judge_packet(&j, parsed, slot, skb->ifindex);
}

SEC("cgroup_skb/ingress")
int cg_ingress(struct __sk_buff *skb)
{
	return pc_cg_skb(skb, PC_DIR_IN, PC_HOOK_CG_IN);
}

SEC("cgroup_skb/egress")
int cg_egress(struct __sk_buff *skb)
{
	return pc_cg_skb(skb, PC_DIR_OUT, PC_HOOK_CG_OUT);
}

/* --- cgroup sock_addr: connect() and sendmsg() ------------------------------ */

/*
 * Who is calling: the one place the bpf_get_current_* helpers are called,
 * in code only the sock_addr programs contain (lib/policy.h, struct
 * pc_judge, says why).
 */
static __always_inline void pc_task_fill(struct pc_judge *j)
{
	j->task = 1;
	j->pid = bpf_get_current_pid_tgid() >> 32;
	j->uid = (__u32)bpf_get_current_uid_gid();
	bpf_get_current_comm(j->comm, sizeof(j->comm));
}

static __always_inline int pc_sock_addr(struct bpf_sock_addr *ctx, __u8 hook)
{
	struct pc_judge j = {};
	struct pc_scope_val *sv = NULL;
	struct pc_pkt *p = &j.pkt;
	struct bpf_sock *sk;
	void *scopes;
	__u32 slot = 0;
	__u32 proto = ctx->protocol;
	int v4 = hook == PC_HOOK_CONNECT4 || hook == PC_HOOK_SENDMSG4;
	int out;
	int lvl;

	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP)
		return PC_PASS;

	if (v4) {
		pc_addr_map4(p->t.daddr, ctx->user_ip4);
	} else {
		p->t.daddr[0] = ctx->user_ip6[0];
		p->t.daddr[1] = ctx->user_ip6[1];
		p->t.daddr[2] = ctx->user_ip6[2];
		p->t.daddr[3] = ctx->user_ip6[3];
	}
	if (pc_addr_is_loopback(p->t.daddr) || pc_addr_is_unspec(p->t.daddr))
		return PC_PASS;
	p->family = pc_addr_is_v4mapped(p->t.daddr) ? 4 : 6;

	j.dir = PC_DIR_OUT;
	j.hook = hook;
	scopes = pc_gen_scopes(&slot);
	for (lvl = PC_MAX_CGROUP_DEPTH - 1; lvl >= 0; lvl--) {
		__u64 id = bpf_get_current_ancestor_cgroup_id(lvl);

		if (!id)
			continue;
		if (!j.cgroup_id)
			j.cgroup_id = id;
		if (!scopes)
			break;
		sv = pc_scope_lookup(scopes, id, PC_SCOPE_CGROUP);
		if (sv)
			break;
	}
	if (!sv) {
		pc_task_fill(&j);
		return pc_no_scope(&j);
	}
	j.scope = sv->scope;
	j.mode = sv->mode;
	j.track = 0;

	/* The local end, as far as it is known before the first packet. */
	sk = ctx->sk;
	if (sk) {
		p->t.sport = sk->src_port;
		if (v4) {
			pc_addr_map4(p->t.saddr, sk->src_ip4);
		} else {
			p->t.saddr[0] = sk->src_ip6[0];
			p->t.saddr[1] = sk->src_ip6[1];
			p->t.saddr[2] = sk->src_ip6[2];
			p->t.saddr[3] = sk->src_ip6[3];
		}
	}
	if (hook == PC_HOOK_SENDMSG4 && ctx->msg_src_ip4)
		pc_addr_map4(p->t.saddr, ctx->msg_src_ip4);
	if (hook == PC_HOOK_SENDMSG6 && (ctx->msg_src_ip6[0] | ctx->msg_src_ip6[1] |
					 ctx->msg_src_ip6[2] | ctx->msg_src_ip6[3])) {
		p->t.saddr[0] = ctx->msg_src_ip6[0];
		p->t.saddr[1] = ctx->msg_src_ip6[1];
		p->t.saddr[2] = ctx->msg_src_ip6[2];
		p->t.saddr[3] = ctx->msg_src_ip6[3];
	}
	p->t.proto = proto;
	p->t.dport = bpf_ntohs((__u16)ctx->user_port);
	p->port = p->t.dport;
	p->ev_sport = p->t.sport;
	p->ev_dport = p->t.dport;
	p->kind = PC_K_PORTS;

	pc_gen_policy(&j, slot);
	if (!j.rules || !j.peers || !j.exact || !j.sets) {
		j.reason = PC_REASON_NO_POLICY;
		out = PC_OUT_DENY;
	} else {
		out = pc_decide(&j);
		/* A UDP server answering a peer its 'in' rule admits: judged per packet. */
		if (out == PC_OUT_DENY && proto == IPPROTO_UDP && p->t.sport &&
		    pc_rule_check(&j, PC_DIR_IN, IPPROTO_UDP, p->t.sport,
				  p->t.daddr) == PC_REASON_NONE)
			return PC_PASS;
	}
	/* Only a reported call needs to say who made it. */
	if (out != PC_OUT_ALLOW)
		pc_task_fill(&j);
	return pc_verdict(&j, out);
}

SEC("cgroup/connect4")
int cg_connect4(struct bpf_sock_addr *ctx)
{
	return pc_sock_addr(ctx, PC_HOOK_CONNECT4);
}

SEC("cgroup/connect6")
int cg_connect6(struct bpf_sock_addr *ctx)
{
	return pc_sock_addr(ctx, PC_HOOK_CONNECT6);
}

SEC("cgroup/sendmsg4")
int cg_sendmsg4(struct bpf_sock_addr *ctx)
{
	return pc_sock_addr(ctx, PC_HOOK_SENDMSG4);
}

SEC("cgroup/sendmsg6")
int cg_sendmsg6(struct bpf_sock_addr *ctx)
{
	return pc_sock_addr(ctx, PC_HOOK_SENDMSG6);
}
