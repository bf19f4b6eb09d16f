// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "lib/names.h"
#include "policy/print.h"

void pc_service_format_ports(const struct pc_service *s, char *buf, size_t len)
{
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < s->n_ports && off < len; i++) {
		const struct pc_portspec *ps = &s->ports[i];
		const struct pc_names *icmp = pc_names_icmp_of(ps->proto);
		char pnum[4], tnum[8];
		const char *proto = pc_name_or_number(&pc_names_proto, ps->proto, pnum, sizeof(pnum));
		const char *sep = i ? ", " : "";
		int n;

		/* The parser's own table: what was written reads back the same. */
		if (icmp) {
			n = snprintf(buf + off, len - off, "%s%s %s", sep, proto,
				     pc_name_or_number(icmp, ps->lo, tnum, sizeof(tnum)));
		} else if (ps->lo == ps->hi) {
			n = snprintf(buf + off, len - off, "%s%s %u", sep, proto, ps->lo);
		} else {
			n = snprintf(buf + off, len - off, "%s%s %u-%u", sep, proto, ps->lo, ps->hi);
		}
		if (n < 0)
			return;
		off += (size_t)n;
	}
}

void pc_origin_format(const struct pc_rule_origin *o, char *buf, size_t len)
{
	if (!strcmp(o->role, "failsafe") && !o->file)
		snprintf(buf, len, "failsafe (built in; 'failsafe off' drops it)");
	else if (!strcmp(o->role, "failsafe"))
		snprintf(buf, len, "failsafe (%s:%d)", o->file, o->line);
	else
		snprintf(buf, len, "%s:%d", o->file ? o->file : "<input>", o->line);
}

void pc_loc_format(const struct pc_loc *l, char *buf, size_t len)
{
	snprintf(buf, len, "%s:%d", l->file ? l->file->path : "<input>", l->line);
}

void pc_prefix_format(const struct pc_prefix *p, char *buf, size_t len)
{
	static const uint8_t v4mapped[12] = { [10] = 0xff, [11] = 0xff };
	bool v4 = p->plen >= 96 && !memcmp(p->addr, v4mapped, sizeof(v4mapped));
	char a[INET6_ADDRSTRLEN];
	unsigned int plen = v4 ? p->plen - 96u : p->plen;

	inet_ntop(v4 ? AF_INET : AF_INET6, v4 ? p->addr + 12 : p->addr, a, sizeof(a));
	if (plen == (v4 ? 32u : 128u))
		snprintf(buf, len, "%s", a);
	else
		snprintf(buf, len, "%s/%u", a, plen);
}
