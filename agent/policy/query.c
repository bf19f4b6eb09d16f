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
		.dir = (uint8_t)f->dir,
		.proto = f->proto,
		.port = f->port,
	};
	const struct pc_rule_val *rv;
	const struct pc_peer_val *pv;

	memset(v, 0, sizeof(*v));
	if (scope >= t->n_scopes)
		return -ERANGE;
	k.scope = t->scopes[scope].scope;	/* the rule keys' id of the scope (tables.h) */
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

/* One prefix of a peer set and the rule it admits for. */
struct set_prefix {
	uint8_t addr[16];
	unsigned int plen;
	uint32_t rule_id;
};

/* Every prefix of SET, from the table the datapath reads it from; *N of
 * them in *OUT (malloc'd). 0 or -ENOMEM. */
static int set_prefixes(const struct pc_tables *t, uint32_t set, struct set_prefix **out,
			size_t *n)
{
	bool exact = t->set_infos && set <= t->n_peer_sets && t->set_infos[set].n_lens;
	size_t i, total = exact ? t->n_exact : t->n_peers, k = 0;
	struct set_prefix *v = calloc(total + 1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	for (i = 0; i < total; i++) {
		if (exact && t->exact_keys[i].set == set) {
			memcpy(v[k].addr, t->exact_keys[i].addr, 16);
			v[k].plen = t->exact_keys[i].plen;
			v[k++].rule_id = t->exact_vals[i].rule_id;
		} else if (!exact && t->peer_keys[i].set == htonl(set) &&
			   t->peer_keys[i].prefixlen >= 32) {
			memcpy(v[k].addr, t->peer_keys[i].addr, 16);
			v[k].plen = t->peer_keys[i].prefixlen - 32;
			v[k++].rule_id = t->peer_vals[i].rule_id;
		}
	}
	*out = v;
	*n = k;
	return 0;
}

typedef unsigned __int128 u128;

static u128 addr_u128(const uint8_t addr[16])
{
	u128 x = 0;
	int i;

	for (i = 0; i < 16; i++)
		x = x << 8 | addr[i];
	return x;
}

/* The host part of a /PLEN, as a mask. */
static u128 host_mask(unsigned int plen)
{
	return plen == 0 ? ~(u128)0 : plen >= 128 ? 0 : ((u128)1 << (128 - plen)) - 1;
}

static int cmp_start(const void *a, const void *b)
{
	u128 x = addr_u128(((const struct set_prefix *)a)->addr);
	u128 y = addr_u128(((const struct set_prefix *)b)->addr);

	return x < y ? -1 : x > y;
}

/* Do the N prefixes V, each inside BASE/PLEN, cover all of it? */
static bool covers(struct set_prefix *v, size_t n, const uint8_t base[16], unsigned int plen)
{
	u128 next = addr_u128(base), last = next | host_mask(plen), end;
	size_t i;

	qsort(v, n, sizeof(*v), cmp_start);
	for (i = 0; i < n; i++) {
		if (addr_u128(v[i].addr) > next)
			return false;		/* a gap before this one */
		end = addr_u128(v[i].addr) | host_mask(v[i].plen);
		if (end >= last)
			return true;
		if (end >= next)
			next = end + 1;
	}
	return false;
}

int pc_query_prefix(const struct pc_tables *t, uint32_t scope, const struct pc_flow *f,
		    unsigned int plen, struct pc_verdict *v, enum pc_cover *cover)
{
	struct set_prefix *all = NULL, *inside, best = { .plen = 0 };
	bool have_best = false;
	uint32_t set;
	uint8_t base[16];
	size_t i, n = 0, n_inside = 0;
	int err;

	err = pc_query(t, scope, f, v);
	*cover = v->allowed ? PC_COVER_ALL : PC_COVER_NONE;
	/* One address, an unjudged type, no rule, or a rule for any peer:
	 * every address of the prefix is judged alike. */
	if (err || plen >= 128 || v->unjudged || !v->peer_set)
		return err;
	memcpy(base, f->addr, 16);
	pc_addr_mask(base, plen);
	err = set_prefixes(t, v->peer_set, &all, &n);
	if (err)
		return err;
	/* A prefix of the set that holds the whole of ours (the longest
	 * wins, as for its addresses), else the ones inside ours. */
	inside = all;
	for (i = 0; i < n; i++) {
		if (all[i].plen <= plen && pc_addr_in_prefix(all[i].addr, all[i].plen, base)) {
			if (!have_best || all[i].plen > best.plen)
				best = all[i];
			have_best = true;
		} else if (all[i].plen > plen && pc_addr_in_prefix(base, plen, all[i].addr)) {
			inside[n_inside++] = all[i];
		}
	}
	set = v->peer_set;
	memset(v, 0, sizeof(*v));
	v->peer_set = set;
	if (have_best) {
		*cover = PC_COVER_ALL;
		v->allowed = true;
		v->rule_id = best.rule_id;
	} else if (n_inside) {
		v->rule_id = inside[0].rule_id;
		*cover = covers(inside, n_inside, base, plen) ? PC_COVER_ALL : PC_COVER_SOME;
		v->allowed = *cover == PC_COVER_ALL;
		if (!v->allowed)
			v->reason = PC_REASON_PEER;
	} else {
		*cover = PC_COVER_NONE;
		v->reason = PC_REASON_PEER;
	}
	free(all);
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
