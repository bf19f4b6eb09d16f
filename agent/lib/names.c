// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "lib/diag.h"
#include "lib/names.h"
#include "portcullis.h"

#define TABLE(sym, what_, ...)							\
	static const struct pc_name_val sym##_v[] = { __VA_ARGS__ };		\
	_Static_assert(sizeof(sym##_v) / sizeof(sym##_v[0]) <= PC_NAMES_MAX,	\
		       #sym " is longer than PC_NAMES_MAX");			\
	const struct pc_names sym = { (what_), sym##_v,			\
				      sizeof(sym##_v) / sizeof(sym##_v[0]) }

TABLE(pc_names_proto, "protocol",
	{ "tcp", IPPROTO_TCP },
	{ "udp", IPPROTO_UDP },
	{ "icmp", IPPROTO_ICMP },
	{ "icmpv6", IPPROTO_ICMPV6 },
);

/* RFC 792, 950, 1256; the names the policy language has always taken. */
TABLE(pc_names_icmp, "ICMP type",
	{ "echo-reply", 0 },
	{ "destination-unreachable", 3 },
	{ "source-quench", 4 },
	{ "redirect", 5 },
	{ "echo-request", 8 },
	{ "router-advertisement", 9 },
	{ "router-solicitation", 10 },
	{ "time-exceeded", 11 },
	{ "parameter-problem", 12 },
	{ "timestamp-request", 13 },
	{ "timestamp-reply", 14 },
);

/* RFC 4443, 4861, 2710. */
TABLE(pc_names_icmp6, "ICMPv6 type",
	{ "destination-unreachable", 1 },
	{ "packet-too-big", 2 },
	{ "time-exceeded", 3 },
	{ "parameter-problem", 4 },
	{ "echo-request", 128 },
	{ "echo-reply", 129 },
	{ "mld-listener-query", 130 },
	{ "mld-listener-report", 131 },
	{ "mld-listener-done", 132 },
	{ "router-solicitation", 133 },
	{ "router-advertisement", 134 },
	{ "neighbor-solicitation", 135 },
	{ "neighbor-advertisement", 136 },
	{ "redirect", 137 },
);

TABLE(pc_names_dir, "direction",
	{ "in", PC_DIR_IN },
	{ "out", PC_DIR_OUT },
);

TABLE(pc_names_mode, "mode",
	{ "audit", PC_MODE_AUDIT },
	{ "enforce", PC_MODE_ENFORCE },
);

TABLE(pc_names_verdict, "verdict",
	{ "deny", PC_VERDICT_DENY },
	{ "audit", PC_VERDICT_AUDIT },
);

/* The names events and 'events --reason' use for PC_REASON_* (portcullis.h). */
TABLE(pc_names_reason, "reason",
	{ "none", PC_REASON_NONE },
	{ "no-rule", PC_REASON_NO_RULE },
	{ "peer", PC_REASON_PEER },
	{ "malformed", PC_REASON_MALFORMED },
	{ "ipv6-ext", PC_REASON_IPV6_EXT },
	{ "no-policy", PC_REASON_NO_POLICY },
	{ "fragment", PC_REASON_FRAGMENT },
	{ "no-scope", PC_REASON_NO_SCOPE },
);

TABLE(pc_names_hook, "hook",
	{ "tc-ingress", PC_HOOK_TC_IN },
	{ "tc-egress", PC_HOOK_TC_OUT },
	{ "cgroup-ingress", PC_HOOK_CG_IN },
	{ "cgroup-egress", PC_HOOK_CG_OUT },
	{ "connect4", PC_HOOK_CONNECT4 },
	{ "connect6", PC_HOOK_CONNECT6 },
	{ "sendmsg4", PC_HOOK_SENDMSG4 },
	{ "sendmsg6", PC_HOOK_SENDMSG6 },
);

TABLE(pc_names_scope_kind, "scope kind",
	{ "interface", PC_SCOPE_IFACE },
	{ "cgroup", PC_SCOPE_CGROUP },
);

int pc_name_parse_n(const struct pc_names *t, const char *name, size_t n, unsigned int *value)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		if (strlen(t->v[i].name) == n && !memcmp(t->v[i].name, name, n)) {
			*value = t->v[i].value;
			return 0;
		}
	}
	return -ENOENT;
}

int pc_name_parse(const struct pc_names *t, const char *name, unsigned int *value)
{
	return pc_name_parse_n(t, name, strlen(name), value);
}

const char *pc_name_of(const struct pc_names *t, unsigned int value)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->v[i].value == value)
			return t->v[i].name;
	return NULL;
}

const char *pc_name_or_number(const struct pc_names *t, unsigned int value, char *buf,
			      size_t size)
{
	const char *name = pc_name_of(t, value);

	if (name)
		return name;
	snprintf(buf, size, "%u", value);
	return buf;
}

const char *pc_mode_name(uint32_t m)
{
	return pc_name_of(&pc_names_mode, m == PC_MODE_ENFORCE ? PC_MODE_ENFORCE : PC_MODE_AUDIT);
}

const struct pc_names *pc_names_icmp_of(uint8_t proto)
{
	if (proto == IPPROTO_ICMP)
		return &pc_names_icmp;
	if (proto == IPPROTO_ICMPV6)
		return &pc_names_icmp6;
	return NULL;
}

size_t pc_names_list(const struct pc_names *t, const char **out, size_t max)
{
	size_t i;

	for (i = 0; i < t->n && i < max; i++)
		out[i] = t->v[i].name;
	return i;
}

const char *pc_name_suggest(const struct pc_names *t, const char *word)
{
	const char *names[PC_NAMES_MAX];

	return pc_suggest(word, names, pc_names_list(t, names, PC_NAMES_MAX));
}

bool pc_scope_matches(const char *name, const char *want)
{
	const char *colon = strchr(name, ':'), *target;
	size_t tlen, wlen;

	if (!want || !strcmp(name, want))
		return true;
	/* The kind is a table word, which holds no ':': the target is
	 * everything after the first one, ':'s of its own and all. */
	if (!colon)
		return false;
	target = colon + 1;
	if (!strcmp(target, want))
		return true;
	/* A cgroup by its last components, as systemctl names a unit:
	 * "nginx.service" is /system.slice/nginx.service. */
	tlen = strlen(target);
	wlen = strlen(want);
	return target[0] == '/' && want[0] && want[0] != '/' && wlen < tlen &&
	       target[tlen - wlen - 1] == '/' && !strcmp(target + tlen - wlen, want);
}
