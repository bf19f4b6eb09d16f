// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "lib/proto.h"

#define NO_TYPE (-1)

static const struct {
	const char *name;
	int v4, v6;	/* ICMP and ICMPv6 type numbers, NO_TYPE where none */
} icmp_types[] = {
	{ "echo-reply",              0,       129 },
	{ "destination-unreachable", 3,       1 },
	{ "redirect",                5,       137 },
	{ "echo-request",            8,       128 },
	{ "router-advertisement",    9,       134 },
	{ "router-solicitation",     10,      133 },
	{ "time-exceeded",           11,      3 },
	{ "parameter-problem",       12,      4 },
	{ "timestamp-request",       13,      NO_TYPE },
	{ "timestamp-reply",         14,      NO_TYPE },
	{ "packet-too-big",          NO_TYPE, 2 },
	{ "neighbor-solicitation",   NO_TYPE, 135 },
	{ "neighbor-advertisement",  NO_TYPE, 136 },
};

#define N_ICMP_TYPES (sizeof(icmp_types) / sizeof(icmp_types[0]))

const char *pc_proto_name(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP: return "tcp";
	case IPPROTO_UDP: return "udp";
	case IPPROTO_ICMP: return "icmp";
	case IPPROTO_ICMPV6: return "icmpv6";
	}
	return NULL;
}

int pc_proto_parse(const char *name)
{
	if (!strcmp(name, "tcp"))
		return IPPROTO_TCP;
	if (!strcmp(name, "udp"))
		return IPPROTO_UDP;
	if (!strcmp(name, "icmp"))
		return IPPROTO_ICMP;
	if (!strcmp(name, "icmpv6"))
		return IPPROTO_ICMPV6;
	return -EPROTONOSUPPORT;
}

const char *pc_icmp_type_name(uint8_t proto, uint8_t type)
{
	size_t i;

	for (i = 0; i < N_ICMP_TYPES; i++)
		if ((proto == IPPROTO_ICMP ? icmp_types[i].v4 : icmp_types[i].v6) == type)
			return icmp_types[i].name;
	return NULL;
}

int pc_icmp_type_parse(uint8_t proto, const char *name)
{
	size_t i;
	int t;

	for (i = 0; i < N_ICMP_TYPES; i++) {
		if (strcmp(name, icmp_types[i].name))
			continue;
		t = proto == IPPROTO_ICMP ? icmp_types[i].v4 : icmp_types[i].v6;
		return t == NO_TYPE ? -ENOENT : t;
	}
	return -ENOENT;
}
