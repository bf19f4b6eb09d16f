/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* proto.h - protocol and ICMP type names, both ways. */
#ifndef PC_PROTO_H
#define PC_PROTO_H

#include <stdint.h>

/* "tcp", "udp", "icmp", "icmpv6"; NULL for others. */
const char *pc_proto_name(uint8_t proto);
/* IPPROTO_* for a name, or -EPROTONOSUPPORT. */
int pc_proto_parse(const char *name);
/* "echo-request" etc. for an ICMP (proto 1) or ICMPv6 (58) type; NULL if unnamed. */
const char *pc_icmp_type_name(uint8_t proto, uint8_t type);
/* The type number for a name, or -ENOENT. */
int pc_icmp_type_parse(uint8_t proto, const char *name);

#endif /* PC_PROTO_H */
