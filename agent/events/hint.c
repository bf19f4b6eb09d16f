// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "events/hint.h"
#include "lib/names.h"
#include "policy/lockout.h"
#include "policy/print.h"

/* The documents the catalogue cites, by the title its citations name them
 * by (docs/sources.md), and what a hint calls them: short enough for one
 * log line. */
static const struct {
	const char *cited;
	const char *title;
} doc_titles[] = {
	{ "Connectivity and Firewall Port Requirements for Microsoft Dynamics CRM 2013",
	  "CRM 2013 connectivity paper" },
	{ "Network ports for Microsoft Dynamics CRM", "CRM network ports" },
	{ "MPS (Microsoft Provisioning System) port lists", "MPS port lists" },
	{ "Hybrid Identity Required Ports and Protocols", "hybrid identity ports" },
	{ "Setup Guide: Server-side synchronization for CRM Online",
	  "server-side synchronization guide" },
};

#define N_DOCS (sizeof(doc_titles) / sizeof(doc_titles[0]))

/* Protocols with hints, and how many "ports" each has (ICMP: types). */
enum { S_TCP, S_UDP, S_ICMP, S_ICMPV6, N_SLOTS };
static const uint32_t slot_ports[N_SLOTS] = { 65536, 65536, 256, 256 };

static int slot_of(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP: return S_TCP;
	case IPPROTO_UDP: return S_UDP;
	case IPPROTO_ICMP: return S_ICMP;
	case IPPROTO_ICMPV6: return S_ICMPV6;
	}
	return -1;
}

struct hint_entry {
	char *name;	/* the service */
	char *tail;	/* "  # catalogue: smb (tcp 445), CRM 2013 connectivity paper" */
};

/* One port item of a service, as a candidate for the ports it covers. */
struct cand {
	int slot;
	uint32_t lo, hi;
	uint32_t entry;		/* also the catalogue order */
};

/* The port items of the services some roles use: who is asking. */
struct cands {
	struct cand *c;
	size_t n;
};

struct pc_hint_index {
	struct hint_entry *entries;	/* one per (service, port item) */
	size_t n_entries;
	uint32_t *by_port[N_SLOTS];	/* entry index + 1, 0: none; NULL: no entry at all */
	struct cands *scopes;		/* per scope id: what its roles use */
	size_t n_scopes;
	struct cands host;		/* what every attached role uses */
};

static bool is_also(const char *source, const char *at)
{
	while (at > source && at[-1] == ' ')
		at--;
	return at - source >= 5 && !strncmp(at - 5, "also:", 5);
}

const char *pc_hint_source_title(const char *source)
{
	const char *primary = NULL, *any = NULL, *primary_title = NULL, *any_title = NULL;
	const char *q;
	size_t i;

	if (!source)
		return NULL;
	/* The catalogue puts "also: TITLE, ..." lines above the primary
	 * "TITLE, ..." line, and the parser joins them into one source. */
	for (i = 0; i < N_DOCS; i++)
		for (q = strstr(source, doc_titles[i].cited); q;
		     q = strstr(q + 1, doc_titles[i].cited)) {
			/* "TITLE, table, row": a longer title that starts
			 * with this one is another document. */
			if (q[strlen(doc_titles[i].cited)] != ',')
				continue;
			if (!any || q < any) {
				any = q;
				any_title = doc_titles[i].title;
			}
			if (!is_also(source, q) && (!primary || q < primary)) {
				primary = q;
				primary_title = doc_titles[i].title;
			}
		}
	return primary ? primary_title : any_title;
}

static bool is_current(const struct pc_policy *p, const struct pc_service *s)
{
	return pc_policy_service(p, s->name) == s;
}

static int entry_init(struct hint_entry *en, const struct pc_service *s,
		      const struct pc_portspec *ps)
{
	struct pc_service one = { .ports = (struct pc_portspec *)ps, .n_ports = 1 };
	const char *title = pc_hint_source_title(s->source);
	char ports[64];

	pc_service_format_ports(&one, ports, sizeof(ports));
	en->name = strdup(s->name);
	if (asprintf(&en->tail, "  # catalogue: %s (%s)%s%s", s->name, ports,
		     title ? ", " : "", title ? title : "") < 0)
		en->tail = NULL;
	return en->name && en->tail ? 0 : -ENOMEM;
}

static int cand_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	uint32_t wx = x->hi - x->lo, wy = y->hi - y->lo;

	if (wx != wy)
		return wx < wy ? -1 : 1;
	return x->entry < y->entry ? -1 : x->entry > y->entry;
}

/* The first port >= X not yet given to a service (union-find with path
 * halving): painting the candidates narrowest first then costs about one
 * step per port, however many services overlap. */
static uint32_t next_free(uint32_t *up, uint32_t x)
{
	while (up[x] != x) {
		up[x] = up[up[x]];
		x = up[x];
	}
	return x;
}

static int paint(struct pc_hint_index *h, const struct cand *c, size_t n, int slot)
{
	uint32_t *up, x, size = slot_ports[slot];
	size_t i;

	up = malloc((size + 1) * sizeof(*up));
	h->by_port[slot] = calloc(size, sizeof(uint32_t));
	if (!up || !h->by_port[slot]) {
		free(up);
		return -ENOMEM;
	}
	for (x = 0; x <= size; x++)
		up[x] = x;
	for (i = 0; i < n; i++) {
		if (c[i].slot != slot)
			continue;
		for (x = next_free(up, c[i].lo); x <= c[i].hi; x = next_free(up, x + 1)) {
			h->by_port[slot][x] = c[i].entry + 1;
			up[x] = x + 1;
		}
	}
	free(up);
	return 0;
}

static size_t count_items(const struct pc_policy *p)
{
	size_t i, n = 0;

	for (i = 0; i < p->n_services; i++)
		if (is_current(p, &p->services[i]))
			n += p->services[i].n_ports;
	return n;
}

/* The candidate of every port item of service NAME (current definition) to CS. */
static int add_service(struct cands *cs, const struct pc_policy *p, const size_t *base,
		       const char *name)
{
	const struct pc_service *s = pc_policy_service(p, name);
	struct cand *c;
	size_t j;
	int slot;

	if (!s)
		return 0;	/* resolve reports it; a hint has nothing to say */
	c = realloc(cs->c, (cs->n + s->n_ports + 1) * sizeof(*c));
	if (!c)
		return -ENOMEM;
	cs->c = c;
	for (j = 0; j < s->n_ports; j++) {
		const struct pc_portspec *ps = &s->ports[j];

		slot = slot_of(ps->proto);
		if (slot < 0 || ps->lo > ps->hi || ps->hi >= slot_ports[slot])
			continue;
		cs->c[cs->n++] = (struct cand){ .slot = slot, .lo = ps->lo, .hi = ps->hi,
						.entry = (uint32_t)(base[s - p->services] + j) };
	}
	return 0;
}

/* Every service ROLE names, through 'use' too (DEPTH bounds a cycle,
 * which resolve reports). */
static int add_role(struct cands *cs, const struct pc_policy *p, const size_t *base,
		    const char *role, unsigned int depth)
{
	const struct pc_role *r = pc_policy_role(p, role);
	size_t i, k;
	int err = 0;

	if (!r || depth > 64)
		return 0;
	for (i = 0; i < r->n_rules && !err; i++) {
		const struct pc_rule *ru = &r->rules[i];

		if (ru->kind == PC_RULE_USE)
			err = add_role(cs, p, base, ru->role.name, depth + 1);
		else
			for (k = 0; k < ru->n_services && !err; k++)
				err = add_service(cs, p, base, ru->services[k].name);
	}
	return err;
}

/*
 * Per scope id (attachment i's is t->scopes[i].scope, or i without T) and
 * for the host.
 */
static int add_asking(struct pc_hint_index *h, const struct pc_policy *p,
		      const struct pc_tables *t, const size_t *base)
{
	size_t i, k;
	int err = 0;

	h->scopes = calloc(PC_MAX_SCOPES, sizeof(*h->scopes));
	if (!h->scopes)
		return -ENOMEM;
	h->n_scopes = PC_MAX_SCOPES;
	for (i = 0; i < p->n_attaches && !err; i++) {
		size_t id = t && i < t->n_scopes ? t->scopes[i].scope : i;

		if (id >= PC_MAX_SCOPES)
			continue;
		for (k = 0; k < p->attaches[i].n_roles && !err; k++) {
			err = add_role(&h->scopes[id], p, base, p->attaches[i].roles[k].name, 0);
			if (!err)
				err = add_role(&h->host, p, base, p->attaches[i].roles[k].name, 0);
		}
	}
	return err;
}

int pc_hint_index_build(const struct pc_policy *p, const struct pc_tables *t,
			struct pc_hint_index **out)
{
	struct pc_hint_index *h = calloc(1, sizeof(*h));
	size_t i, j, n = count_items(p), nc = 0;
	bool used[N_SLOTS] = { false };
	struct cand *c = calloc(n ? n : 1, sizeof(*c));
	size_t *base = calloc(p->n_services + 1, sizeof(*base));
	int slot, err = -ENOMEM;

	*out = NULL;
	if (!h || !c || !base)
		goto fail;
	h->entries = calloc(n ? n : 1, sizeof(*h->entries));
	if (!h->entries)
		goto fail;
	for (i = 0; i < p->n_services; i++) {
		const struct pc_service *s = &p->services[i];

		if (!is_current(p, s))
			continue;
		base[i] = h->n_entries;
		for (j = 0; j < s->n_ports; j++) {
			const struct pc_portspec *ps = &s->ports[j];

			if (entry_init(&h->entries[h->n_entries++], s, ps))
				goto fail;
			slot = slot_of(ps->proto);
			if (slot < 0 || ps->lo > ps->hi || ps->hi >= slot_ports[slot])
				continue;
			c[nc++] = (struct cand){ .slot = slot, .lo = ps->lo, .hi = ps->hi,
						 .entry = (uint32_t)(h->n_entries - 1) };
			used[slot] = true;
		}
	}
	qsort(c, nc, sizeof(*c), cand_cmp);
	for (slot = 0; slot < N_SLOTS; slot++)
		if (used[slot] && paint(h, c, nc, slot))
			goto fail;
	if (add_asking(h, p, t, base))
		goto fail;
	free(c);
	free(base);
	*out = h;
	return 0;
fail:
	free(c);
	free(base);
	pc_hint_index_free(h);
	return err;
}

void pc_hint_index_free(struct pc_hint_index *h)
{
	size_t i;

	if (!h)
		return;
	for (i = 0; i < h->n_entries; i++) {
		free(h->entries[i].name);
		free(h->entries[i].tail);
	}
	free(h->entries);
	for (i = 0; i < N_SLOTS; i++)
		free(h->by_port[i]);
	for (i = 0; i < h->n_scopes; i++)
		free(h->scopes[i].c);
	free(h->scopes);
	free(h->host.c);
	free(h);
}

/* The narrowest of CS that has PORT (ties: the service defined first), or NULL. */
static const struct cand *best_of(const struct cands *cs, int slot, uint32_t port)
{
	const struct cand *best = NULL;
	size_t i;

	for (i = 0; i < cs->n; i++) {
		const struct cand *c = &cs->c[i];

		if (c->slot == slot && c->lo <= port && port <= c->hi &&
		    (!best || cand_cmp(c, best) < 0))
			best = c;
	}
	return best;
}

/*
 * The service for E's port, by who is asking: one the roles of E's scope
 * use, else one some attached role uses, else the catalogue's most
 * specific. NULL: no service has the port.
 */
static const struct hint_entry *entry_for(const struct pc_hint_index *h,
					  const struct pc_event *e, int slot)
{
	const struct cand *c = NULL;
	uint32_t idx;

	if (e->scope < h->n_scopes)
		c = best_of(&h->scopes[e->scope], slot, e->dport);
	if (!c)
		c = best_of(&h->host, slot, e->dport);
	if (c)
		return &h->entries[c->entry];
	idx = h->by_port[slot] ? h->by_port[slot][e->dport] : 0;
	return idx ? &h->entries[idx - 1] : NULL;
}

static const uint8_t v4_mapped[12] = { [10] = 0xff, [11] = 0xff };

/*
 * Not on the internet: RFC 1918, CGNAT (RFC 6598), link-local and
 * loopback for IPv4; ULA, link-local and loopback for IPv6.
 */
static bool is_private(const uint8_t *a)
{
	static const uint8_t v6_loopback[16] = { [15] = 1 };

	if (!memcmp(a, v4_mapped, sizeof(v4_mapped))) {
		const uint8_t *b = a + 12;

		return b[0] == 10 || b[0] == 127 || (b[0] == 172 && (b[1] & 0xf0) == 16) ||
		       (b[0] == 192 && b[1] == 168) || (b[0] == 169 && b[1] == 254) ||
		       (b[0] == 100 && (b[1] & 0xc0) == 64);
	}
	return (a[0] & 0xfe) == 0xfc || (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) ||
	       !memcmp(a, v6_loopback, 16);
}

static bool is_admin_port(const struct pc_event *e)
{
	size_t i;

	if (e->proto != IPPROTO_TCP)
		return false;
	for (i = 0; i < sizeof(pc_admin_ports) / sizeof(pc_admin_ports[0]); i++)
		if (e->dport == pc_admin_ports[i])
			return true;
	return false;
}

const char *pc_event_hint(const struct pc_hint_index *h, const struct pc_event *e,
			  char *buf, size_t len)
{
	const bool in = e->dir == PC_DIR_IN;
	const struct hint_entry *en;
	const uint8_t *peer;
	const char *proto;
	char addr[INET6_ADDRSTRLEN], name[INET6_ADDRSTRLEN + 8], svc[32], *q;
	int slot;

	if (!h || e->reason == PC_REASON_MALFORMED || e->reason == PC_REASON_IPV6_EXT)
		return NULL;
	slot = slot_of(e->proto);
	proto = pc_name_of(&pc_names_proto, e->proto);
	if (slot < 0 || !proto || e->dport >= slot_ports[slot])
		return NULL;
	/* the remote end: who would need the rule */
	peer = in ? e->saddr : e->daddr;
	if (!memcmp(peer, v4_mapped, sizeof(v4_mapped)))
		inet_ntop(AF_INET, peer + 12, addr, sizeof(addr));
	else
		inet_ntop(AF_INET6, peer, addr, sizeof(addr));
	/* Scanners knock on SSH and RDP from everywhere: the hint that
	 * opens them to the internet is the one never to give. */
	if (in && is_admin_port(e) && !is_private(peer)) {
		snprintf(buf, len, "# no rule suggested: %s/%u is for administration and %s is "
			 "on the internet; let admins in from a private network or a VPN",
			 proto, e->dport, addr);
		return buf;
	}
	en = entry_for(h, e, slot);
	/* A rule names a peer, never an address (docs/policy.md): define
	 * one named after the address; names take '.', not ':'. */
	snprintf(name, sizeof(name), "host-%s", addr);
	for (q = name; *q; q++)
		if (*q == ':')
			*q = '-';
	if (en) {
		snprintf(buf, len, "peer %s %s\nallow %s %s %s %s%s", name, addr, in ? "in" : "out",
			 en->name, in ? "from" : "to", name, en->tail);
		return buf;
	}
	/* No service has the port: a plain one named after it. */
	snprintf(svc, sizeof(svc), "%s-%u", proto, e->dport);
	snprintf(buf, len, "service %s %s %u  # not in the catalogue\npeer %s %s\nallow %s %s %s %s",
		 svc, proto, e->dport, name, addr, in ? "in" : "out", svc, in ? "from" : "to", name);
	return buf;
}
