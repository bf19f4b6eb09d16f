// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "events/hint.h"
#include "policy/print.h"

/* The seed documents the catalogue cites, by file name, and what a hint
 * calls them: short enough for one log line. */
static const struct {
	const char *file;
	const char *title;
} seed_titles[] = {
	{ "000_dbf5024e212d9594.txt", "CRM 2013 connectivity paper" },
	{ "001_9894c7c41747a4bf.txt", "CRM network ports" },
	{ "002_c73e630b062bff89.txt", "MPS port lists" },
	{ "003_d0b9a4af218804de.txt", "hybrid identity ports" },
	{ "004_0f06098017ca4054.txt", "server-side synchronization guide" },
};

#define N_SEEDS (sizeof(seed_titles) / sizeof(seed_titles[0]))

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

struct pc_hint_index {
	struct hint_entry *entries;	/* one per (service, port item) */
	size_t n_entries;
	uint32_t *by_port[N_SLOTS];	/* entry index + 1, 0: none; NULL: no entry at all */
};

/* One port item of a service, as a candidate for the ports it covers. */
struct cand {
	int slot;
	uint32_t lo, hi;
	uint32_t entry;		/* also the catalogue order */
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
	/* The catalogue puts "also: FILE, ..." lines above the primary
	 * "FILE, ..." line, and the parser joins them into one source. */
	for (i = 0; i < N_SEEDS; i++)
		for (q = strstr(source, seed_titles[i].file); q;
		     q = strstr(q + 1, seed_titles[i].file)) {
			if (!any || q < any) {
				any = q;
				any_title = seed_titles[i].title;
			}
			if (!is_also(source, q) && (!primary || q < primary)) {
				primary = q;
				primary_title = seed_titles[i].title;
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

int pc_hint_index_build(const struct pc_policy *p, struct pc_hint_index **out)
{
	struct pc_hint_index *h = calloc(1, sizeof(*h));
	size_t i, j, n = count_items(p), nc = 0;
	bool used[N_SLOTS] = { false };
	struct cand *c = calloc(n ? n : 1, sizeof(*c));
	int slot, err = -ENOMEM;

	*out = NULL;
	if (!h || !c)
		goto fail;
	h->entries = calloc(n ? n : 1, sizeof(*h->entries));
	if (!h->entries)
		goto fail;
	for (i = 0; i < p->n_services; i++) {
		const struct pc_service *s = &p->services[i];

		if (!is_current(p, s))
			continue;
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
	free(c);
	*out = h;
	return 0;
fail:
	free(c);
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
	free(h);
}

const char *pc_event_hint(const struct pc_hint_index *h, const struct pc_event *e,
			  char *buf, size_t len)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	const struct hint_entry *en;
	const uint8_t *peer;
	char addr[INET6_ADDRSTRLEN];
	int slot;
	uint32_t idx;

	if (!h || e->reason == PC_REASON_MALFORMED || e->reason == PC_REASON_IPV6_EXT)
		return NULL;
	slot = slot_of(e->proto);
	if (slot < 0 || !h->by_port[slot] || e->dport >= slot_ports[slot])
		return NULL;
	idx = h->by_port[slot][e->dport];
	if (!idx)
		return NULL;
	en = &h->entries[idx - 1];
	/* the remote end: who would need the rule */
	peer = e->dir == PC_DIR_IN ? e->saddr : e->daddr;
	if (!memcmp(peer, mapped, sizeof(mapped)))
		inet_ntop(AF_INET, peer + 12, addr, sizeof(addr));
	else
		inet_ntop(AF_INET6, peer, addr, sizeof(addr));
	snprintf(buf, len, "allow %s %s %s %s%s", e->dir == PC_DIR_IN ? "in" : "out", en->name,
		 e->dir == PC_DIR_IN ? "from" : "to", addr, en->tail);
	return buf;
}
