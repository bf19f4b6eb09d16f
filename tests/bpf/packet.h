/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * packet.h - build test packets for BPF_PROG_TEST_RUN: Ethernet, 802.1Q,
 * IPv4, IPv6 (+ extension headers), TCP, UDP, ICMP(v6), and addresses in
 * the datapath's form. Shared by the tests in tests/bpf; include after
 * <cmocka.h> (the helpers assert).
 *
 * The one-packet helpers (tcp4(), udp4(), ...) build into the file's own
 * static 'pk' and return it.
 */
#ifndef PC_TEST_PACKET_H
#define PC_TEST_PACKET_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <linux/if_ether.h>

/* --- addresses ----------------------------------------------------------------- */

/* An address as the datapath stores it: IPv6, IPv4 mapped. Returns 4 or 6. */
static inline int addr16(const char *s, uint8_t out[16])
{
	struct in_addr a4;

	memset(out, 0, 16);
	if (inet_pton(AF_INET, s, &a4) == 1) {
		out[10] = 0xff;
		out[11] = 0xff;
		memcpy(out + 12, &a4, 4);
		return 4;
	}
	assert_int_equal(inet_pton(AF_INET6, s, out), 1);
	return 6;
}

/* --- packets ----------------------------------------------------------------- */

struct pkt {
	uint8_t d[512];
	size_t len;
	size_t l3;	/* first IP header, for pk_finish; 0: none yet */
	int l3_fam;
};

static struct pkt pk;

static inline void put(struct pkt *p, const void *b, size_t n)
{
	assert_true(p->len + n <= sizeof(p->d));
	memcpy(p->d + p->len, b, n);
	p->len += n;
}

static inline void put16(struct pkt *p, uint16_t v)
{
	v = htons(v);
	put(p, &v, 2);
}

static inline void pk_init(struct pkt *p)
{
	memset(p, 0, sizeof(*p));
}

static inline void pk_eth(struct pkt *p, uint16_t type)
{
	static const uint8_t macs[12] = { 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2 };

	put(p, macs, sizeof(macs));
	put16(p, type);
}

/* An 802.1Q tag after an Ethernet header of type 0x8100. */
static inline void pk_vlan(struct pkt *p, uint16_t vid, uint16_t inner)
{
	put16(p, vid & 0x0fff);
	put16(p, inner);
}

static inline void pk_ip4(struct pkt *p, const char *src, const char *dst, uint8_t proto)
{
	uint8_t h[20] = { 0x45, 0, 0, 20, 0, 1, 0, 0, 64, proto };

	assert_int_equal(inet_pton(AF_INET, src, h + 12), 1);
	assert_int_equal(inet_pton(AF_INET, dst, h + 16), 1);
	if (!p->l3) {
		p->l3 = p->len;
		p->l3_fam = 4;
	}
	put(p, h, sizeof(h));
}

static inline void pk_ip6(struct pkt *p, const char *src, const char *dst, uint8_t nh)
{
	uint8_t h[40] = { 0x60, 0, 0, 0, 0, 0, nh, 64 };

	assert_int_equal(inet_pton(AF_INET6, src, h + 8), 1);
	assert_int_equal(inet_pton(AF_INET6, dst, h + 24), 1);
	if (!p->l3) {
		p->l3 = p->len;
		p->l3_fam = 6;
	}
	put(p, h, sizeof(h));
}

/* IPv4 with a 4-byte option (four NOPs, ihl 6): the full parser's case. */
static inline void pk_ip4_opt(struct pkt *p, const char *src, const char *dst, uint8_t proto)
{
	uint8_t h[24] = { 0x46, 0, 0, 24, 0, 1, 0, 0, 64, proto, 0, 0,
			  0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1 };

	assert_int_equal(inet_pton(AF_INET, src, h + 12), 1);
	assert_int_equal(inet_pton(AF_INET, dst, h + 16), 1);
	if (!p->l3) {
		p->l3 = p->len;
		p->l3_fam = 4;
	}
	put(p, h, sizeof(h));
}

/* An 8-byte hop-by-hop / routing / destination options header (PadN). */
static inline void pk_ext6(struct pkt *p, uint8_t nh)
{
	uint8_t h[8] = { nh, 0, 1, 4, 0, 0, 0, 0 };

	put(p, h, sizeof(h));
}

static inline void pk_frag6(struct pkt *p, uint8_t nh, uint16_t offset8, int more)
{
	uint8_t h[8] = { nh, 0 };
	uint16_t fo = htons((uint16_t)(offset8 << 3) | (more ? 1 : 0));

	memcpy(h + 2, &fo, 2);
	put(p, h, sizeof(h));
}

static inline void pk_tcp(struct pkt *p, uint16_t sport, uint16_t dport, uint8_t flags)
{
	uint8_t h[20] = { 0 };
	uint16_t s = htons(sport), d = htons(dport);

	memcpy(h, &s, 2);
	memcpy(h + 2, &d, 2);
	h[12] = 5 << 4;
	h[13] = flags;
	h[14] = 0xff;
	put(p, h, sizeof(h));
}

static inline void pk_udp(struct pkt *p, uint16_t sport, uint16_t dport)
{
	put16(p, sport);
	put16(p, dport);
	put16(p, 8);
	put16(p, 0);
}

static inline void pk_icmp(struct pkt *p, uint8_t type, uint8_t code, uint16_t id, uint16_t seq)
{
	uint8_t h[4] = { type, code, 0, 0 };

	put(p, h, sizeof(h));
	put16(p, id);
	put16(p, seq);
}

/* Fix the length fields of the first IP header. */
static inline void pk_finish(struct pkt *p)
{
	uint16_t v;

	if (p->l3_fam == 4) {
		v = htons((uint16_t)(p->len - p->l3));
		memcpy(p->d + p->l3 + 2, &v, 2);
	} else if (p->l3_fam == 6) {
		v = htons((uint16_t)(p->len - p->l3 - 40));
		memcpy(p->d + p->l3 + 4, &v, 2);
	}
}

#define FIN	0x01
#define SYN	0x02
#define RST	0x04
#define ACK	0x10

static inline struct pkt *tcp4(const char *src, uint16_t sport, const char *dst, uint16_t dport,
			uint8_t flags)
{
	pk_init(&pk);
	pk_eth(&pk, ETH_P_IP);
	pk_ip4(&pk, src, dst, IPPROTO_TCP);
	pk_tcp(&pk, sport, dport, flags);
	pk_finish(&pk);
	return &pk;
}

static inline struct pkt *udp4(const char *src, uint16_t sport, const char *dst, uint16_t dport)
{
	pk_init(&pk);
	pk_eth(&pk, ETH_P_IP);
	pk_ip4(&pk, src, dst, IPPROTO_UDP);
	pk_udp(&pk, sport, dport);
	pk_finish(&pk);
	return &pk;
}

static inline struct pkt *tcp6(const char *src, uint16_t sport, const char *dst, uint16_t dport,
			uint8_t flags)
{
	pk_init(&pk);
	pk_eth(&pk, ETH_P_IPV6);
	pk_ip6(&pk, src, dst, IPPROTO_TCP);
	pk_tcp(&pk, sport, dport, flags);
	pk_finish(&pk);
	return &pk;
}

static inline struct pkt *icmp4(const char *src, const char *dst, uint8_t type, uint16_t id)
{
	pk_init(&pk);
	pk_eth(&pk, ETH_P_IP);
	pk_ip4(&pk, src, dst, IPPROTO_ICMP);
	pk_icmp(&pk, type, 0, id, 1);
	pk_finish(&pk);
	return &pk;
}

static inline struct pkt *icmp6(const char *src, const char *dst, uint8_t type, uint16_t id)
{
	pk_init(&pk);
	pk_eth(&pk, ETH_P_IPV6);
	pk_ip6(&pk, src, dst, IPPROTO_ICMPV6);
	pk_icmp(&pk, type, 0, id, 1);
	pk_finish(&pk);
	return &pk;
}

static inline struct pkt *udp6(const char *src, uint16_t sport, const char *dst, uint16_t dport)
{
	pk_init(&pk);
	pk_eth(&pk, ETH_P_IPV6);
	pk_ip6(&pk, src, dst, IPPROTO_UDP);
	pk_udp(&pk, sport, dport);
	pk_finish(&pk);
	return &pk;
}

/*
 * The same flows with one more header each, which the datapath's fast path
 * leaves to the full parser: an IPv4 option, an IPv6 hop-by-hop header.
 */
static inline struct pkt *tcp4_opt(const char *src, uint16_t sport, const char *dst,
				   uint16_t dport, uint8_t flags)
{
	pk_init(&pk);
	pk_eth(&pk, ETH_P_IP);
	pk_ip4_opt(&pk, src, dst, IPPROTO_TCP);
	pk_tcp(&pk, sport, dport, flags);
	pk_finish(&pk);
	return &pk;
}

static inline struct pkt *udp4_opt(const char *src, uint16_t sport, const char *dst,
				   uint16_t dport)
{
	pk_init(&pk);
	pk_eth(&pk, ETH_P_IP);
	pk_ip4_opt(&pk, src, dst, IPPROTO_UDP);
	pk_udp(&pk, sport, dport);
	pk_finish(&pk);
	return &pk;
}

static inline struct pkt *tcp6_hbh(const char *src, uint16_t sport, const char *dst,
				   uint16_t dport, uint8_t flags)
{
	pk_init(&pk);
	pk_eth(&pk, ETH_P_IPV6);
	pk_ip6(&pk, src, dst, 0 /* hop-by-hop */);
	pk_ext6(&pk, IPPROTO_TCP);
	pk_tcp(&pk, sport, dport, flags);
	pk_finish(&pk);
	return &pk;
}

#endif /* PC_TEST_PACKET_H */
