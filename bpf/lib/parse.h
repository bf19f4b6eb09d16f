/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * parse.h - IPv4/IPv6 + L4 header parsing for skb programs.
 *
 * Every read goes through pc_load() (bpf_skb_load_bytes()) with the size of
 * the header it fills, so a short or non-linear packet is handled the same
 * way at TC (offsets from the MAC header) and at cgroup_skb (offsets from
 * the network header); a read that fails means the header is truncated.
 *
 * Return contract of the pc_parse_* functions:
 *   PC_PARSE_OK        judge the packet; p is filled
 *   PC_PARSE_PASS      not ours to judge (not IP, neighbour discovery,
 *                      a VLAN id): pass, uncounted
 *   PC_PARSE_BAD       judge as malformed; p->reason says why, and what was
 *                      parsed before the fault (family, addresses) is kept
 */
#ifndef PC_BPF_PARSE_H
#define PC_BPF_PARSE_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/icmpv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "portcullis.h"

#define PC_PARSE_OK	0
#define PC_PARSE_PASS	1
#define PC_PARSE_BAD	2
#define PC_PARSE_SLOW	3	/* the fast path declines: use the full parser */

#define PC_IPV6_MAX_EXT	8	/* extension headers walked before giving up */
#define PC_VLAN_MAX	2	/* priority (VID 0) tags looked through */

#ifndef ETH_P_8021Q
#define ETH_P_8021Q	0x8100
#endif
#ifndef ETH_P_8021AD
#define ETH_P_8021AD	0x88A8
#endif
/*
 * ICMPv4 types. <linux/icmp.h> pulls in <linux/if.h> and through it libc's
 * <sys/socket.h>, which does not build for -target bpf, so these are here.
 */
#define ICMP_ECHOREPLY		0
#define ICMP_DEST_UNREACH	3
#define ICMP_ECHO		8
#define ICMP_TIME_EXCEEDED	11
#define ICMP_PARAMETERPROB	12

#define PC_VLAN_VID_MASK	0x0fff
#define PC_LOOPBACK_IFINDEX	1	/* lo, in every network namespace */
#define PC_IP_OFFSET_MASK	0x1fff	/* IPv4 fragment offset bits */
#define PC_IP6_OFFSET_MASK	0xfff8	/* IPv6 fragment header offset bits */

/* What kind of L4 message a packet is; decides ports and conntrack use. */
#define PC_K_OTHER	0	/* rule lookup only, port 0 or ICMP type */
#define PC_K_PORTS	1	/* TCP, UDP: tracked */
#define PC_K_ECHO_REQ	2	/* ICMP(v6) echo request: tracked by id */
#define PC_K_ECHO_REP	3	/* ICMP(v6) echo reply: matched by id */
#define PC_K_ICMP_ERR	4	/* ICMP(v6) error: matched by the embedded flow */

/* Where a packet stands in a fragmented datagram (pc_pkt.frag). */
#define PC_FRAG_NONE	0	/* not fragmented */
#define PC_FRAG_FIRST	1	/* offset 0, more to come: judged by its ports */
#define PC_FRAG_LATER	2	/* offset > 0: no ports; lib/frag.h decides */
#define PC_IP_MF	0x2000	/* IPv4 more fragments */

/* TCP header flags (byte 13). */
#define PC_TCP_FIN	0x01
#define PC_TCP_SYN	0x02
#define PC_TCP_RST	0x04
#define PC_TCP_ACK	0x10

/*
 * A flow as conntrack sees it. Addresses are IPv4-mapped IPv6 in network
 * order, kept as 32-bit words so every copy is aligned. For ICMP echo,
 * the request is (id, 0) and the reply (0, id), so reversing the reply
 * gives the request. proto 0 means "cannot be tracked".
 */
struct pc_tuple {
	__u32 saddr[4];
	__u32 daddr[4];
	__u16 sport;	/* host order */
	__u16 dport;	/* host order */
	__u8  proto;
	__u8  pad[3];
};

struct pc_pkt {
	struct pc_tuple t;	/* this packet's flow */
	struct pc_tuple ref;	/* PC_K_ICMP_ERR: the flow it reports on */
	__u16 port;		/* rule key port: destination port, or ICMP type */
	__u16 ev_sport;		/* event ports: TCP/UDP ports; ICMP 0 and type */
	__u16 ev_dport;
	__u8  family;		/* 4 or 6; 0 before the IP header was read */
	__u8  kind;		/* PC_K_* */
	__u8  reason;		/* PC_PARSE_BAD: PC_REASON_MALFORMED or _IPV6_EXT */
	__u8  frag;		/* PC_FRAG_* */
	__u8  tcp_flags;	/* TCP: FIN, SYN, RST, ... (PC_TCP_*) */
	__u8  pad;
	__u32 frag_id;		/* PC_FRAG_FIRST, _LATER: the datagram's id */
};

/* ::ffff:a.b.c.d from a (network order). */
static __always_inline void pc_addr_map4(__u32 dst[4], __be32 a)
{
	dst[0] = 0;
	dst[1] = 0;
	dst[2] = bpf_htonl(0x0000ffff);
	dst[3] = a;
}

static __always_inline void pc_addr_copy6(__u32 dst[4], const struct in6_addr *a)
{
	dst[0] = a->in6_u.u6_addr32[0];
	dst[1] = a->in6_u.u6_addr32[1];
	dst[2] = a->in6_u.u6_addr32[2];
	dst[3] = a->in6_u.u6_addr32[3];
}

/* 1 if a is in ::ffff:0:0/96 (an IPv4 address in mapped form). */
static __always_inline int pc_addr_is_v4mapped(const __u32 a[4])
{
	return a[0] == 0 && a[1] == 0 && a[2] == bpf_htonl(0x0000ffff);
}

/* Store source S and destination D (32-bit words) into the byte arrays of a
 * map key, word by word: the keys' addresses are aligned to 4. */
static __always_inline void pc_addrs_store(__u8 saddr[16], __u8 daddr[16], const __u32 s[4],
					   const __u32 d[4])
{
	__u32 *ks = (__u32 *)saddr;
	__u32 *kd = (__u32 *)daddr;

	ks[0] = s[0];
	ks[1] = s[1];
	ks[2] = s[2];
	ks[3] = s[3];
	kd[0] = d[0];
	kd[1] = d[1];
	kd[2] = d[2];
	kd[3] = d[3];
}

static __always_inline int pc_addr_equal(const __u32 a[4], const __u32 b[4])
{
	return a[0] == b[0] && a[1] == b[1] && a[2] == b[2] && a[3] == b[3];
}

/* 1 for 127.0.0.0/8 (mapped) and ::1. */
static __always_inline int pc_addr_is_loopback(const __u32 a[4])
{
	if (pc_addr_is_v4mapped(a))
		return (bpf_ntohl(a[3]) >> 24) == 127;
	return a[0] == 0 && a[1] == 0 && a[2] == 0 && a[3] == bpf_htonl(1);
}

/* 1 for 0.0.0.0 (mapped) and ::, which connect() sends to the host itself. */
static __always_inline int pc_addr_is_unspec(const __u32 a[4])
{
	if (pc_addr_is_v4mapped(a))
		return a[3] == 0;
	return a[0] == 0 && a[1] == 0 && a[2] == 0 && a[3] == 0;
}

/*
 * The packet being parsed. One accessor for every header: a copy through
 * bpf_skb_load_bytes(), which reaches non-linear data too.
 *
 * A fork at every read (direct access, else the helper) multiplies verifier
 * states past the 1M instruction limit (the IPv6 extension header loop), so
 * the full parser copies; the common frame takes pc_parse_fast() instead,
 * one fork before parsing, which reads in place (~25 ns a packet saved).
 */
struct pc_buf {
	struct __sk_buff *skb;
};

static __always_inline void pc_buf_init(struct pc_buf *b, struct __sk_buff *skb)
{
	b->skb = skb;
}

/* Copy len bytes at off into buf. 0, or <0 when the packet is shorter. */
static __always_inline int pc_load(const struct pc_buf *b, __u32 off, void *buf, __u32 len)
{
	return bpf_skb_load_bytes(b->skb, off, buf, len);
}

static __always_inline int pc_bad(struct pc_pkt *p, __u8 reason)
{
	p->reason = reason;
	return PC_PARSE_BAD;
}

static __always_inline int pc_ipv6_is_ext(__u8 nh)
{
	return nh == IPPROTO_HOPOPTS || nh == IPPROTO_ROUTING ||
	       nh == IPPROTO_DSTOPTS || nh == IPPROTO_FRAGMENT;
}

/*
 * Extension headers we do not walk (AH, mobility, HIP, shim6, the two
 * experimental values): after them we could not find the L4 header.
 */
static __always_inline int pc_ipv6_is_unwalked_ext(__u8 nh)
{
	return nh == IPPROTO_AH || nh == 135 || nh == 139 || nh == 140 ||
	       nh == 253 || nh == 254;
}

/*
 * Walk IPv6 extension headers from *off with next header *nh, leaving both
 * at the upper-layer header, or just past the fragment header of a later
 * fragment (*frag PC_FRAG_LATER: nothing after it can be read). *frag and
 * *frag_id say where the packet stands in a datagram. Returns PC_PARSE_OK,
 * or PC_PARSE_BAD with *reason set.
 */
static __always_inline int pc_ipv6_walk(const struct pc_buf *b, __u32 *off, __u8 *nh,
					__u8 *frag, __u32 *frag_id, __u8 *reason)
{
	__u8 hdr[8];
	__u32 o = *off;
	__u8 n = *nh;
	int i;

	for (i = 0; i < PC_IPV6_MAX_EXT; i++) {
		if (!pc_ipv6_is_ext(n))
			break;
		/* Fragment: next(1) reserved(1) offset|M(2) id(4); others: next(1) len(1) */
		if (pc_load(b, o, hdr, sizeof(hdr)) < 0) {
			*reason = PC_REASON_MALFORMED;
			return PC_PARSE_BAD;
		}
		if (n == IPPROTO_FRAGMENT) {
			__u16 fo = ((__u16)hdr[2] << 8) | hdr[3];

			*frag_id = ((__u32)hdr[4] << 24) | ((__u32)hdr[5] << 16) |
				   ((__u32)hdr[6] << 8) | hdr[7];
			o += 8;
			n = hdr[0];
			if (fo & PC_IP6_OFFSET_MASK) {
				*frag = PC_FRAG_LATER;
				break;
			}
			if (fo & 1)
				*frag = PC_FRAG_FIRST;
			continue;
		}
		o += ((__u32)hdr[1] + 1) * 8;
		n = hdr[0];
	}
	if (*frag != PC_FRAG_LATER && (pc_ipv6_is_ext(n) || pc_ipv6_is_unwalked_ext(n))) {
		*reason = PC_REASON_IPV6_EXT;
		return PC_PARSE_BAD;
	}
	*off = o;
	*nh = n;
	return PC_PARSE_OK;
}

/* ICMP(v6) header: type, code, checksum, then id and sequence for echo. */
struct pc_icmp_hdr {
	__u8  type;
	__u8  code;
	__u16 csum;
	__be16 id;
	__be16 seq;
};

static __always_inline int pc_is_icmp_proto(__u8 family, __u8 proto)
{
	return (family == 4 && proto == IPPROTO_ICMP) ||
	       (family == 6 && proto == IPPROTO_ICMPV6);
}

/*
 * The first bytes of the packet an ICMP error quotes: its IP header and
 * 8 bytes of L4 (all RFC 792 promises). Fills p->ref. A quote that cannot
 * be tracked (other protocol, non-first fragment, other ICMP, cut short,
 * unparsable) leaves ref.proto 0: the error is then judged by the ICMP
 * rules alone, like any other ICMP message, and never through conntrack.
 * An attacker gains nothing by cutting a quote: only a rule lets it in.
 * Always PC_PARSE_OK.
 */
static __always_inline int pc_parse_quote(const struct pc_buf *b, __u32 off, struct pc_pkt *p)
{
	struct pc_icmp_hdr l4;
	__u8 proto;

	if (p->family == 4) {
		struct iphdr ip;

		if (pc_load(b, off, &ip, sizeof(ip)) < 0)
			return PC_PARSE_OK;
		if (ip.version != 4 || ip.ihl < 5)
			return PC_PARSE_OK;
		pc_addr_map4(p->ref.saddr, ip.saddr);
		pc_addr_map4(p->ref.daddr, ip.daddr);
		if (ip.frag_off & bpf_htons(PC_IP_OFFSET_MASK))
			return PC_PARSE_OK;
		proto = ip.protocol;
		off += (__u32)ip.ihl * 4;
	} else {
		struct ipv6hdr ip6;
		__u8 frag = PC_FRAG_NONE, reason;
		__u32 id;

		if (pc_load(b, off, &ip6, sizeof(ip6)) < 0)
			return PC_PARSE_OK;
		if (ip6.version != 6)
			return PC_PARSE_OK;
		pc_addr_copy6(p->ref.saddr, &ip6.saddr);
		pc_addr_copy6(p->ref.daddr, &ip6.daddr);
		proto = ip6.nexthdr;
		off += sizeof(ip6);
		if (pc_ipv6_walk(b, &off, &proto, &frag, &id, &reason) != PC_PARSE_OK ||
		    frag == PC_FRAG_LATER)
			return PC_PARSE_OK;	/* a later fragment, or unwalkable */
	}

	if (proto == IPPROTO_TCP || proto == IPPROTO_UDP) {
		__be16 ports[2];

		if (pc_load(b, off, ports, sizeof(ports)) < 0)
			return PC_PARSE_OK;
		p->ref.sport = bpf_ntohs(ports[0]);
		p->ref.dport = bpf_ntohs(ports[1]);
		p->ref.proto = proto;
		return PC_PARSE_OK;
	}
	if (pc_is_icmp_proto(p->family, proto)) {
		__u8 req = p->family == 4 ? ICMP_ECHO : ICMPV6_ECHO_REQUEST;
		__u8 rep = p->family == 4 ? ICMP_ECHOREPLY : ICMPV6_ECHO_REPLY;

		if (pc_load(b, off, &l4, sizeof(l4)) < 0)
			return PC_PARSE_OK;
		if (l4.type == req) {
			p->ref.sport = bpf_ntohs(l4.id);
			p->ref.proto = proto;
		} else if (l4.type == rep) {
			p->ref.dport = bpf_ntohs(l4.id);
			p->ref.proto = proto;
		}
	}
	return PC_PARSE_OK;
}

static __always_inline int pc_icmp_is_error(__u8 family, __u8 type)
{
	if (family == 4)
		return type == ICMP_DEST_UNREACH || type == ICMP_TIME_EXCEEDED ||
		       type == ICMP_PARAMETERPROB;
	return type == ICMPV6_DEST_UNREACH || type == ICMPV6_PKT_TOOBIG ||
	       type == ICMPV6_TIME_EXCEED || type == ICMPV6_PARAMPROB;
}

/* A TCP or UDP flow's ports (network order in), for the rule key, the
 * tuple and the event: the one place both parsers fill them. */
static __always_inline int pc_set_ports(struct pc_pkt *p, __be16 sport, __be16 dport)
{
	p->t.sport = bpf_ntohs(sport);
	p->t.dport = bpf_ntohs(dport);
	p->port = p->t.dport;
	p->ev_sport = p->t.sport;
	p->ev_dport = p->t.dport;
	p->kind = PC_K_PORTS;
	return PC_PARSE_OK;
}

/* Upper-layer header at off, protocol p->t.proto, family p->family set. */
static __always_inline int pc_parse_l4(const struct pc_buf *b, __u32 off, struct pc_pkt *p)
{
	__u8 proto = p->t.proto;

	if (proto == IPPROTO_TCP) {
		struct tcphdr th;

		if (pc_load(b, off, &th, sizeof(th)) < 0 || th.doff < 5)
			return pc_bad(p, PC_REASON_MALFORMED);
		p->tcp_flags = ((__u8 *)&th)[13];
		return pc_set_ports(p, th.source, th.dest);
	}
	if (proto == IPPROTO_UDP) {
		struct udphdr uh;

		if (pc_load(b, off, &uh, sizeof(uh)) < 0)
			return pc_bad(p, PC_REASON_MALFORMED);
		return pc_set_ports(p, uh.source, uh.dest);
	}
	if (pc_is_icmp_proto(p->family, proto)) {
		struct pc_icmp_hdr ih;
		__u8 req = p->family == 4 ? ICMP_ECHO : ICMPV6_ECHO_REQUEST;
		__u8 rep = p->family == 4 ? ICMP_ECHOREPLY : ICMPV6_ECHO_REPLY;

		if (pc_load(b, off, &ih, sizeof(ih)) < 0)
			return pc_bad(p, PC_REASON_MALFORMED);
		/*
		 * Neighbour discovery (RS, RA, NS, NA, redirect: 133-137) is never
		 * judged, nor is MLD (130-132, 143): ND's solicited-node multicast
		 * reaches a host behind an MLD-snooping switch only while its MLD
		 * reports get out.
		 */
		if (p->family == 6 && ((ih.type >= 133 && ih.type <= 137) ||
				       (ih.type >= 130 && ih.type <= 132) || ih.type == 143))
			return PC_PARSE_PASS;
		p->port = ih.type;
		p->ev_sport = 0;
		p->ev_dport = ih.type;
		if (ih.type == req) {
			p->kind = PC_K_ECHO_REQ;
			p->t.sport = bpf_ntohs(ih.id);
		} else if (ih.type == rep) {
			p->kind = PC_K_ECHO_REP;
			p->t.dport = bpf_ntohs(ih.id);
		} else if (pc_icmp_is_error(p->family, ih.type)) {
			p->kind = PC_K_ICMP_ERR;
			return pc_parse_quote(b, off + sizeof(ih), p);
		}
		return PC_PARSE_OK;
	}
	/* Any other protocol: judged by {proto, port 0}, not tracked. */
	return PC_PARSE_OK;
}

/* IPv4 header at off. */
static __always_inline int pc_parse_ip4(const struct pc_buf *b, __u32 off, struct pc_pkt *p)
{
	struct iphdr ip;

	p->family = 4;
	if (pc_load(b, off, &ip, sizeof(ip)) < 0)
		return pc_bad(p, PC_REASON_MALFORMED);
	if (ip.version != 4 || ip.ihl < 5)
		return pc_bad(p, PC_REASON_MALFORMED);
	/*
	 * BIG TCP (Linux 6.3+): an IPv4 GSO packet longer than 64 KiB carries
	 * tot_len 0 and its real length in the skb. IPv6 BIG TCP packets carry
	 * payload length 0, which the parser never reads.
	 */
	if (bpf_ntohs(ip.tot_len) < (__u32)ip.ihl * 4 && !(ip.tot_len == 0 && b->skb->gso_size))
		return pc_bad(p, PC_REASON_MALFORMED);
	pc_addr_map4(p->t.saddr, ip.saddr);
	pc_addr_map4(p->t.daddr, ip.daddr);
	p->t.proto = ip.protocol;
	if (ip.frag_off & bpf_htons(PC_IP_OFFSET_MASK | PC_IP_MF)) {
		p->frag_id = bpf_ntohs(ip.id);
		/* A later fragment has no ports: lib/frag.h decides it. */
		if (ip.frag_off & bpf_htons(PC_IP_OFFSET_MASK)) {
			p->frag = PC_FRAG_LATER;
			return PC_PARSE_OK;
		}
		p->frag = PC_FRAG_FIRST;
	}
	return pc_parse_l4(b, off + (__u32)ip.ihl * 4, p);
}

/* IPv6 header at off. */
static __always_inline int pc_parse_ip6(const struct pc_buf *b, __u32 off, struct pc_pkt *p)
{
	struct ipv6hdr ip6;
	__u8 nh;
	int r;

	p->family = 6;
	if (pc_load(b, off, &ip6, sizeof(ip6)) < 0)
		return pc_bad(p, PC_REASON_MALFORMED);
	if (ip6.version != 6)
		return pc_bad(p, PC_REASON_MALFORMED);
	pc_addr_copy6(p->t.saddr, &ip6.saddr);
	pc_addr_copy6(p->t.daddr, &ip6.daddr);
	/*
	 * IPv4-mapped addresses never appear on the wire (RFC 4291 2.5.5.2);
	 * in this trie they would alias IPv4 peers, so such a packet is bad.
	 */
	if (pc_addr_is_v4mapped(p->t.saddr) || pc_addr_is_v4mapped(p->t.daddr))
		return pc_bad(p, PC_REASON_MALFORMED);
	nh = ip6.nexthdr;
	off += sizeof(ip6);
	r = pc_ipv6_walk(b, &off, &nh, &p->frag, &p->frag_id, &p->reason);
	if (r != PC_PARSE_OK)
		return r;
	p->t.proto = nh;
	if (p->frag == PC_FRAG_LATER)
		return PC_PARSE_OK;
	return pc_parse_l4(b, off, p);
}

static __always_inline int pc_parse_net(const struct pc_buf *b, __u32 off, __be16 proto,
					struct pc_pkt *p)
{
	if (proto == bpf_htons(ETH_P_IP))
		return pc_parse_ip4(b, off, p);
	if (proto == bpf_htons(ETH_P_IPV6))
		return pc_parse_ip6(b, off, p);
	return PC_PARSE_PASS;	/* ARP and everything that is not IP */
}

/* cgroup_skb: the network header at offset 0, ethertype proto (network order). */
static __always_inline int pc_parse_l3(struct __sk_buff *skb, __be16 proto, struct pc_pkt *p)
{
	struct pc_buf b;

	pc_buf_init(&b, skb);
	return pc_parse_net(&b, 0, proto, p);
}

/*
 * The fast path for the common TC frame: Ethernet, IPv4 without options and
 * not a fragment, or IPv6 without extension headers, then TCP or UDP,
 * all in the skb's linear data. Read in place instead of copied by the
 * helper; anything else, and any doubt (a short or odd header, a mapped
 * IPv6 address), returns PC_PARSE_SLOW and the full parser decides. It is
 * one fork before parsing, not one per read, so the verifier explores the
 * two parsers side by side rather than their product.
 */
static __always_inline int pc_fast_l4(void *l4, void *end, __u8 proto, struct pc_pkt *p)
{
	__be16 sport, dport;

	if (proto == IPPROTO_TCP) {
		struct tcphdr *th = l4;

		if ((void *)(th + 1) > end || th->doff < 5)
			return PC_PARSE_SLOW;
		p->tcp_flags = ((__u8 *)th)[13];
		sport = th->source;
		dport = th->dest;
	} else if (proto == IPPROTO_UDP) {
		struct udphdr *uh = l4;

		if ((void *)(uh + 1) > end)
			return PC_PARSE_SLOW;
		sport = uh->source;
		dport = uh->dest;
	} else {
		return PC_PARSE_SLOW;
	}
	p->t.proto = proto;
	return pc_set_ports(p, sport, dport);
}

static __always_inline int pc_parse_fast(struct __sk_buff *skb, struct pc_pkt *p)
{
	void *data = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;

	if (skb->vlan_present || (void *)(eth + 1) > end)
		return PC_PARSE_SLOW;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);

		if ((void *)(ip + 1) > end || ip->version != 4 || ip->ihl != 5 ||
		    bpf_ntohs(ip->tot_len) < sizeof(*ip) ||
		    (ip->frag_off & bpf_htons(PC_IP_OFFSET_MASK | PC_IP_MF)))
			return PC_PARSE_SLOW;
		if (pc_fast_l4(ip + 1, end, ip->protocol, p) != PC_PARSE_OK)
			return PC_PARSE_SLOW;
		p->family = 4;
		pc_addr_map4(p->t.saddr, ip->saddr);
		pc_addr_map4(p->t.daddr, ip->daddr);
		return PC_PARSE_OK;
	}
	if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);

		if ((void *)(ip6 + 1) > end || ip6->version != 6)
			return PC_PARSE_SLOW;
		pc_addr_copy6(p->t.saddr, &ip6->saddr);
		pc_addr_copy6(p->t.daddr, &ip6->daddr);
		if (pc_addr_is_v4mapped(p->t.saddr) || pc_addr_is_v4mapped(p->t.daddr))
			return PC_PARSE_SLOW;	/* malformed: the full parser says so */
		if (pc_fast_l4(ip6 + 1, end, ip6->nexthdr, p) != PC_PARSE_OK)
			return PC_PARSE_SLOW;
		p->family = 6;
		return PC_PARSE_OK;
	}
	return PC_PARSE_SLOW;
}

/*
 * A TC frame: Ethernet, then up to PC_VLAN_MAX priority tags (VID 0), then
 * IP. A frame with a VLAN id (in skb metadata or in the header) belongs to
 * the VLAN subinterface and passes here: without one the stack drops it as
 * PACKET_OTHERHOST. The kernel strips any number of priority tags and
 * delivers the rest to this device, so a frame whose tags are not all
 * walked (more than PC_VLAN_MAX, 802.1Q or 802.1ad alike, or cut short)
 * is malformed: passing it would let a neighbour reach any port.
 */
static __always_inline int pc_parse_eth(struct __sk_buff *skb, struct pc_pkt *p)
{
	struct ethhdr eth;
	struct pc_buf buf;
	struct pc_buf *b = &buf;
	__u32 off = sizeof(eth);
	__be16 proto;
	int i, r;

	r = pc_parse_fast(skb, p);
	if (r != PC_PARSE_SLOW)
		return r;
	if (skb->vlan_present && (skb->vlan_tci & PC_VLAN_VID_MASK))
		return PC_PARSE_PASS;
	pc_buf_init(b, skb);
	if (pc_load(b, 0, &eth, sizeof(eth)) < 0)
		return PC_PARSE_PASS;	/* not even Ethernet: not IP */
	proto = eth.h_proto;
	for (i = 0; i < PC_VLAN_MAX; i++) {
		__be16 tag[2];	/* TCI, inner ethertype */

		if (proto != bpf_htons(ETH_P_8021Q) && proto != bpf_htons(ETH_P_8021AD))
			break;
		if (pc_load(b, off, tag, sizeof(tag)) < 0)
			return pc_bad(p, PC_REASON_MALFORMED);
		if (bpf_ntohs(tag[0]) & PC_VLAN_VID_MASK)
			return PC_PARSE_PASS;
		proto = tag[1];
		off += sizeof(tag);
	}
	if (proto == bpf_htons(ETH_P_8021Q) || proto == bpf_htons(ETH_P_8021AD))
		return pc_bad(p, PC_REASON_MALFORMED);
	return pc_parse_net(b, off, proto, p);
}

#endif /* PC_BPF_PARSE_H */
