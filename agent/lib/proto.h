/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * proto.h - the old protocol and ICMP type lookups, now over the tables of
 * lib/names.h. Only agent/events/format.c still calls them: delete this
 * file when it calls pc_name_of() and pc_name_parse() itself.
 */
#ifndef PC_PROTO_H
#define PC_PROTO_H

#include <errno.h>
#include <stdint.h>

#include "lib/names.h"

/* "tcp", "udp", "icmp", "icmpv6"; NULL for others. */
static inline const char *pc_proto_name(uint8_t proto)
{
	return pc_name_of(&pc_names_proto, proto);
}

/* IPPROTO_* for a name, or -EPROTONOSUPPORT. */
static inline int pc_proto_parse(const char *name)
{
	unsigned int v;

	return pc_name_parse(&pc_names_proto, name, &v) ? -EPROTONOSUPPORT : (int)v;
}

/* "echo-request" etc. for an ICMP (proto 1) or ICMPv6 (58) type; NULL if unnamed. */
static inline const char *pc_icmp_type_name(uint8_t proto, uint8_t type)
{
	const struct pc_names *t = pc_names_icmp_of(proto);

	return t ? pc_name_of(t, type) : NULL;
}

/* The type number for a name, or -ENOENT. */
static inline int pc_icmp_type_parse(uint8_t proto, const char *name)
{
	const struct pc_names *t = pc_names_icmp_of(proto);
	unsigned int v;

	return t && !pc_name_parse(t, name, &v) ? (int)v : -ENOENT;
}

#endif /* PC_PROTO_H */
