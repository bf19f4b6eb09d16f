// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * query.c - the datapath's decision, made in userspace over pc_tables.
 *
 * Mirrors bpf/lib/policy.h step for step; the compiled tables are the
 * only input, so 'query' and the kernel cannot disagree on a rule.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "lib/addr.h"
#include "lib/names.h"
#include "policy/compile.h"
#include "policy/query.h"

static const struct pc_rule_val *find_rule(const struct pc_tables *t, const struct pc_rule_key *k)
{
	size_t lo = 0, hi = t->n_rules;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = pc_rule_key_cmp(&t->rule_keys[mid], k);

		if (c == 0)
			return &t->rule_vals[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Order of exact keys in pc_tables: length, set, address. */
static int exact_cmp(const struct pc_exact_key *a, const struct pc_exact_key *b)
{
	if (a->plen != b->plen)
		return a->plen < b->plen ? -1 : 1;
	if (a->set != b->set)
		return a->set < b->set ? -1 : 1;
	return memcmp(a->addr, b->addr, 16);
}

static const struct pc_peer_val *find_exact(const struct pc_tables *t, const struct pc_exact_key *k)
{
	size_t lo = 0, hi = t->n_exact;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = exact_cmp(&t->exact_keys[mid], k);

		if (c == 0)
			return &t->exact_vals[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* As the datapath: the set's lengths, longest first, in the exact table. */
static const struct pc_peer_val *find_in_exact(const struct pc_tables *t, uint32_t set,
					       const struct pc_set_info *info, const uint8_t *addr)
{
	struct pc_exact_key k = { .set = set };
	const struct pc_peer_val *v;
	unsigned int i;

	for (i = 0; i < info->n_lens && i < PC_SET_MAX_LENS; i++) {
		k.plen = info->lens[i];
		memcpy(k.addr, addr, 16);
		pc_addr_mask(k.addr, k.plen);
		v = find_exact(t, &k);
		if (v)
			return v;
	}
	return NULL;
}

/* Longest prefix of SET that holds ADDR, like the kernel's LPM trie. */
static const struct pc_peer_val *find_peer(const struct pc_tables *t, uint32_t set,
					   const uint8_t *addr)
{
	const struct pc_peer_val *best = NULL;
	uint32_t best_len = 0, be_set = htonl(set);
	size_t i;

	for (i = 0; i < t->n_peers; i++) {
		const struct pc_peer_key *k = &t->peer_keys[i];

		if (k->set != be_set || k->prefixlen < 32)
			continue;
		if ((!best || k->prefixlen > best_len) &&
		    pc_addr_in_prefix(k->addr, k->prefixlen - 32, addr)) {
			best = &t->peer_vals[i];
			best_len = k->prefixlen;
		}
	}
	return best;
}

/*
 * ICMPv6 neighbour discovery (133-137) and MLD (130-132, 143) pass every
 * hook unjudged (bpf/lib/parse.h says why); say the same here.
 */
static bool never_judged(const struct pc_flow *f)
{
	return f->proto == IPPROTO_ICMPV6 &&
	       ((f->port >= 133 && f->port <= 137) || (f->port >= 130 && f->port <= 132) ||
		f->port == 143);
}

int pc_query(const struct pc_tables *t, uint32_t scope, const struct pc_flow *f,
	     struct pc_verdict *v)
{
	struct pc_rule_key k = {
		.scope = scope,
		.dir = (uint8_t)f->dir,
		.proto = f->proto,
		.port = f->port,
	};
	const struct pc_rule_val *rv;
	const struct pc_peer_val *pv;

	memset(v, 0, sizeof(*v));
	if (scope >= t->n_scopes)
		return -ERANGE;
	if (never_judged(f)) {
		v->allowed = v->unjudged = true;
		return 0;
	}
	rv = find_rule(t, &k);
	if (!rv) {
		v->reason = PC_REASON_NO_RULE;
		return 0;
	}
	v->peer_set = rv->peer_set;
	if (rv->peer_set == 0) {
		v->allowed = true;
		v->rule_id = rv->rule_id;
		return 0;
	}
	/* As the datapath: the set's exact lengths, or else the trie. */
	if (!f->has_addr)
		pv = NULL;
	else if (t->set_infos && rv->peer_set <= t->n_peer_sets &&
		 t->set_infos[rv->peer_set].n_lens)
		pv = find_in_exact(t, rv->peer_set, &t->set_infos[rv->peer_set], f->addr);
	else
		pv = find_peer(t, rv->peer_set, f->addr);
	if (!pv) {
		v->reason = PC_REASON_PEER;
		return 0;
	}
	v->allowed = true;
	v->rule_id = pv->rule_id;
	return 0;
}

int pc_flow_parse_proto_port(const char *s, struct pc_flow *f)
{
	const char *slash = strchr(s, '/');
	const char *arg = slash ? slash + 1 : NULL;
	const struct pc_names *icmp;
	unsigned int proto, type;
	unsigned long n;
	char *end;

	if (!slash || !slash[1])
		return -EINVAL;
	if (pc_name_parse_n(&pc_names_proto, s, (size_t)(slash - s), &proto))
		return -EPROTONOSUPPORT;
	f->proto = (uint8_t)proto;

	/* The names the policy language takes, from the same table. */
	icmp = pc_names_icmp_of(f->proto);
	if (icmp && !pc_name_parse(icmp, arg, &type)) {
		f->port = (uint16_t)type;
		return 0;
	}
	errno = 0;
	n = strtoul(arg, &end, 10);
	if (errno || *end || end == arg)
		return -EINVAL;
	if (icmp ? n > 255 : (n < 1 || n > 65535))
		return -ERANGE;
	f->port = (uint16_t)n;
	return 0;
}
