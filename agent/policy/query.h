/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * query.h - judge one flow against compiled tables, in userspace, with the
 * lookups the BPF programs make: the exact rule key, then the longest
 * matching prefix of the key's peer set.
 */
#ifndef PC_QUERY_H
#define PC_QUERY_H

#include <stdbool.h>
#include <stdint.h>

#include "policy/tables.h"

struct pc_flow {
	int dir;		/* PC_DIR_* */
	uint8_t proto;		/* IPPROTO_* */
	uint16_t port;		/* local (in) or remote (out) port; ICMP type */
	bool has_addr;		/* false: judge as "from/to any address" */
	uint8_t addr[16];	/* the peer, IPv4 mapped */
};

struct pc_verdict {
	bool allowed;
	bool unjudged;		/* the datapath never judges it (ICMPv6 ND, MLD) */
	uint8_t reason;		/* PC_REASON_* when denied */
	uint32_t rule_id;	/* when allowed: index into tables->origins */
	uint32_t peer_set;	/* the key's peer set, 0 for any or no key */
};

/* Judge F in t->scopes[SCOPE] (a position; its rules carry its scope id).
 * Returns 0, or -ERANGE for a scope the tables lack. */
int pc_query(const struct pc_tables *t, uint32_t scope, const struct pc_flow *f,
	     struct pc_verdict *v);

/* How much of a prefix of peers a flow's rule admits. */
enum pc_cover {
	PC_COVER_NONE,		/* no address of it */
	PC_COVER_SOME,		/* some addresses, not all */
	PC_COVER_ALL,		/* every address */
};

/*
 * Judge F in SCOPE for every address of the prefix F->addr/PLEN (IPv6
 * terms: IPv4 a.b.c.d/n is 96 + n; F->has_addr must be set): *COVER says
 * how much of it is allowed. V is as pc_query() gives it for one address,
 * allowed only for PC_COVER_ALL; for PC_COVER_SOME, rule_id names a rule
 * that admits part of it. PLEN 128 is pc_query(). Returns 0 or -ERANGE.
 */
int pc_query_prefix(const struct pc_tables *t, uint32_t scope, const struct pc_flow *f,
		    unsigned int plen, struct pc_verdict *v, enum pc_cover *cover);

/* Parse "tcp/443", "udp/53", "icmp/echo-request", "icmpv6/128". */
int pc_flow_parse_proto_port(const char *s, struct pc_flow *f);

#endif /* PC_QUERY_H */
