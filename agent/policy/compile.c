// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * compile.c - flat rules to exact rule keys and LPM peer sets.
 *
 * Every port of every range becomes its own exact key, so the datapath
 * decides with one hash lookup whatever the rule count. All rules that
 * share a key merge into one peer set: the union of their peers'
 * prefixes, each prefix remembering the first rule that allowed it. Sets
 * with the same contents are interned, so a range of 16,384 ports from one
 * peer costs 16,384 hash keys but only one set of LPM entries.
 *
 * The work is a sort of (key, peer, rule) contributions and one pass over
 * the sorted array: O(n log n) in the number of ports the policy opens.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "lib/array.h"
#include "lib/names.h"
#include "policy/compile.h"
#include "policy/resolve.h"

const struct pc_compile_limits pc_default_limits = {
	.max_scopes = PC_SCOPE_NONE,	/* the last id is no scope's */
	.max_rule_keys = PC_MAX_RULE_KEYS,
	.max_peer_prefixes = PC_MAX_PEER_PREFIXES,
};

/* What the failsafe opens in every scope unless 'failsafe off'. */
static const struct {
	const char *service;
	int dir;
	uint8_t proto;
	uint16_t port;
} failsafe_rules[] = {
	{ "ssh",    PC_DIR_IN,  IPPROTO_TCP, 22 },
	{ "dns",    PC_DIR_OUT, IPPROTO_TCP, 53 },
	{ "dns",    PC_DIR_OUT, IPPROTO_UDP, 53 },
	{ "dhcp",   PC_DIR_OUT, IPPROTO_UDP, 67 },
	/* Offers and acks may be broadcast, so they match no reply state. */
	{ "dhcp",   PC_DIR_IN,  IPPROTO_UDP, 68 },
	{ "dhcpv6", PC_DIR_OUT, IPPROTO_UDP, 547 },
	{ "dhcpv6", PC_DIR_IN,  IPPROTO_UDP, 546 },
};

struct contrib {
	uint64_t key;		/* scope:32 dir:8 proto:8 port:16, sorts like the rule key */
	uint32_t rule_id;
	int32_t peer_idx;	/* -1: any */
};

/* N elements of SIZE bytes, allocated by pc_array_reserve() (CAP of them). */
struct vec {
	void *v;
	size_t n, cap, size;
};

/* A new last element, or NULL (out of memory) with V untouched. */
static void *vec_push(struct vec *v)
{
	if (pc_array_reserve(&v->v, &v->cap, v->n + 1, v->size))
		return NULL;
	return (char *)v->v + v->size * v->n++;
}

static uint64_t pack_key(uint32_t scope, int dir, uint8_t proto, uint16_t port)
{
	return (uint64_t)scope << 32 | (uint64_t)(uint8_t)dir << 24 | (uint64_t)proto << 16 | port;
}

static struct pc_rule_key unpack_key(uint64_t k)
{
	struct pc_rule_key key = {
		.scope = (uint32_t)(k >> 32),
		.dir = (uint8_t)(k >> 24),
		.proto = (uint8_t)(k >> 16),
		.port = (uint16_t)k,
	};
	return key;
}

int pc_rule_key_cmp(const struct pc_rule_key *a, const struct pc_rule_key *b)
{
	uint64_t x = pack_key(a->scope, a->dir, a->proto, a->port);
	uint64_t y = pack_key(b->scope, b->dir, b->proto, b->port);

	return x < y ? -1 : x > y;
}

static int contrib_cmp(const void *pa, const void *pb)
{
	const struct contrib *a = pa, *b = pb;

	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	if (a->peer_idx != b->peer_idx)
		return a->peer_idx < b->peer_idx ? -1 : 1;
	return a->rule_id < b->rule_id ? -1 : a->rule_id > b->rule_id;
}

struct compiler {
	const struct pc_policy *p;
	struct pc_diag *diag;
	const struct pc_compile_limits *lim;
	struct pc_resolved res;
	struct pc_tables *t;
	struct vec contribs;	/* struct contrib */
	struct vec origins;	/* struct pc_rule_origin */
	struct vec rkeys, rvals;/* pc_rule_key, pc_rule_val */
	/* interned peer sets: members are (peer_idx, rule_id) pairs */
	struct vec members;	/* uint32_t pairs, all sets back to back */
	struct vec sets;	/* struct set */
	uint32_t *htab;		/* open addressing: set index + 1, 0 empty */
	size_t hcap;
	uint32_t failsafe_origin;	/* first failsafe origin id */
};

struct set {
	uint64_t hash;
	size_t off, n;		/* in members, counted in pairs */
};

static int add_origin(struct compiler *c, const struct pc_rule_origin *o, uint32_t *id)
{
	struct pc_rule_origin *slot = vec_push(&c->origins);

	if (!slot)
		return -ENOMEM;
	*slot = *o;
	*id = (uint32_t)(c->origins.n - 1);
	return 0;
}

static int add_ports(struct compiler *c, uint32_t scope, const struct pc_flat_rule *fr,
		     uint32_t rule_id)
{
	const struct pc_service *svc = fr->service;
	size_t i;
	uint32_t port;

	for (i = 0; i < svc->n_ports; i++) {
		const struct pc_portspec *ps = &svc->ports[i];

		/* Keys merge only after sorting: bound the work before it. */
		if (c->contribs.n + (ps->hi - ps->lo + 1u) > 4 * c->lim->max_rule_keys)
			return -E2BIG;
		for (port = ps->lo; port <= ps->hi; port++) {
			struct contrib *ct = vec_push(&c->contribs);

			if (!ct)
				return -ENOMEM;
			ct->key = pack_key(scope, fr->rule->dir, ps->proto, (uint16_t)port);
			ct->rule_id = rule_id;
			ct->peer_idx = fr->peer_idx;
		}
	}
	return 0;
}

static int add_failsafe(struct compiler *c, uint32_t scope)
{
	size_t i;

	for (i = 0; i < sizeof(failsafe_rules) / sizeof(failsafe_rules[0]); i++) {
		struct contrib *ct = vec_push(&c->contribs);

		if (!ct)
			return -ENOMEM;
		ct->key = pack_key(scope, failsafe_rules[i].dir, failsafe_rules[i].proto,
				   failsafe_rules[i].port);
		ct->rule_id = c->failsafe_origin + (uint32_t)i;
		ct->peer_idx = -1;
	}
	return 0;
}

static char *join_roles(const struct pc_attach *a, char ***roles)
{
	size_t i;

	*roles = calloc(a->n_roles + 1, sizeof(char *));
	if (!*roles)
		return NULL;
	for (i = 0; i < a->n_roles; i++) {
		(*roles)[i] = strdup(a->roles[i].name);
		if (!(*roles)[i])
			return NULL;
	}
	return (char *)*roles;
}

static int add_scope(struct compiler *c, size_t si)
{
	const struct pc_resolved_scope *rs = &c->res.scopes[si];
	const struct pc_attach *a = rs->attach;
	struct pc_scope_info *info = &c->t->scopes[si];
	const char *kind = pc_name_of(&pc_names_scope_kind, a->kind);
	size_t i;
	int err;

	if (asprintf(&info->name, "%s:%s", kind, a->target.name) < 0) {
		info->name = NULL;
		return -ENOMEM;
	}
	info->scope = (uint32_t)si;	/* apply keeps the running ids (scope_ids.h) */
	info->kind = (int)a->kind;
	info->target = strdup(a->target.name);
	info->n_roles = a->n_roles;	/* before the copies: free() walks them */
	if (!info->target || !join_roles(a, &info->roles))
		return -ENOMEM;
	if (a->mode >= 0)
		info->mode = (uint32_t)a->mode;
	else if (c->p->mode >= 0)
		info->mode = (uint32_t)c->p->mode;
	else
		info->mode = PC_MODE_AUDIT;	/* nothing said: the safe choice */

	for (i = 0; i < rs->n_rules; i++) {
		const struct pc_flat_rule *fr = &rs->rules[i];
		struct pc_rule_origin o = {
			.file = fr->rule->loc.file ? fr->rule->loc.file->path : NULL,
			.line = fr->rule->loc.line,
			.role = fr->role->name,
			.service = fr->service->name,
			.peer = fr->peer ? fr->peer->name : "any",
			.dir = fr->rule->dir,
		};
		uint32_t id;

		err = add_origin(c, &o, &id);
		if (!err)
			err = add_ports(c, (uint32_t)si, fr, id);
		if (err)
			return err;
	}
	if (c->p->failsafe)
		return add_failsafe(c, (uint32_t)si);
	return 0;
}

static uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

/* Intern the (peer, rule) pairs of one key; returns the set id (>= 1). */
static int intern_set(struct compiler *c, const uint32_t *pairs, size_t n, uint32_t *id)
{
	uint64_t h = fnv1a(0xcbf29ce484222325ull, pairs, n * 2 * sizeof(uint32_t));
	size_t slot, i;
	struct set *s;

	if (c->sets.n * 2 >= c->hcap) {	/* keep the load under one half */
		size_t ncap = c->hcap ? c->hcap * 2 : 1024;
		uint32_t *nt = calloc(ncap, sizeof(*nt));

		if (!nt)
			return -ENOMEM;
		for (i = 0; i < c->sets.n; i++) {
			const struct set *e = (struct set *)c->sets.v + i;

			slot = e->hash & (ncap - 1);
			while (nt[slot])
				slot = (slot + 1) & (ncap - 1);
			nt[slot] = (uint32_t)(i + 1);
		}
		free(c->htab);
		c->htab = nt;
		c->hcap = ncap;
	}
	for (slot = h & (c->hcap - 1); c->htab[slot]; slot = (slot + 1) & (c->hcap - 1)) {
		s = (struct set *)c->sets.v + (c->htab[slot] - 1);
		if (s->hash == h && s->n == n &&
		    !memcmp((uint32_t *)c->members.v + s->off * 2, pairs, n * 2 * sizeof(uint32_t))) {
			*id = c->htab[slot];
			return 0;
		}
	}
	s = vec_push(&c->sets);
	if (!s)
		return -ENOMEM;
	s->hash = h;
	s->n = n;
	s->off = c->members.n / 2;
	for (i = 0; i < n * 2; i++) {
		uint32_t *m = vec_push(&c->members);

		if (!m)
			return -ENOMEM;
		*m = pairs[i];
	}
	c->htab[slot] = (uint32_t)c->sets.n;
	*id = (uint32_t)c->sets.n;
	return 0;
}

/* One run of contributions with the same key -> one rule entry. */
static int emit_key(struct compiler *c, const struct contrib *run, size_t n, uint32_t *pairs)
{
	struct pc_rule_key *k = vec_push(&c->rkeys);
	struct pc_rule_val *v = vec_push(&c->rvals);
	size_t i, np = 0;
	int err;

	if (!k || !v)
		return -ENOMEM;
	*k = unpack_key(run[0].key);
	memset(v, 0, sizeof(*v));
	/* Sorted by peer: 'any' (-1) comes first and covers everything. */
	if (run[0].peer_idx < 0) {
		v->peer_set = 0;
		v->rule_id = run[0].rule_id;
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (np && (int32_t)pairs[(np - 1) * 2] == run[i].peer_idx)
			continue;	/* same peer again: keep the first rule */
		pairs[np * 2] = (uint32_t)run[i].peer_idx;
		pairs[np * 2 + 1] = run[i].rule_id;
		np++;
	}
	err = intern_set(c, pairs, np, &v->peer_set);
	v->rule_id = pairs[1];
	return err;
}

static int build_rules(struct compiler *c)
{
	struct contrib *cs = c->contribs.v;
	size_t i, start, max_run = 1;
	uint32_t *pairs;
	int err = 0;

	if (c->contribs.n)
		qsort(cs, c->contribs.n, sizeof(*cs), contrib_cmp);
	for (start = 0, i = 1; i <= c->contribs.n; i++)
		if (i == c->contribs.n || cs[i].key != cs[start].key) {
			if (i - start > max_run)
				max_run = i - start;
			start = i;
		}
	pairs = malloc(max_run * 2 * sizeof(*pairs));
	if (!pairs)
		return -ENOMEM;
	for (start = 0, i = 1; !err && c->contribs.n && i <= c->contribs.n; i++)
		if (i == c->contribs.n || cs[i].key != cs[start].key) {
			err = emit_key(c, &cs[start], i - start, pairs);
			start = i;
		}
	free(pairs);
	return err;
}

static void mask_prefix(uint8_t *addr, unsigned int plen)
{
	unsigned int i;

	for (i = 0; i < 16; i++) {
		if (plen >= 8) {
			plen -= 8;
			continue;
		}
		addr[i] &= (uint8_t)(0xff00 >> plen);
		plen = 0;
	}
}

struct keyed_rule {
	struct pc_peer_key k;
	uint32_t rule;
};

/* Bitmaps of the prefix lengths (0..128) each set uses. */
#define LEN_WORDS 3

static void set_lens(struct pc_set_info *info, const uint64_t *bm)
{
	int len;

	info->n_lens = 0;
	for (len = 128; len >= 0; len--) {	/* longest first: the first hit wins */
		if (!(bm[len / 64] >> (len % 64) & 1))
			continue;
		if (info->n_lens == PC_SET_MAX_LENS) {
			info->n_lens = 0;	/* too many: the trie serves this set */
			return;
		}
		info->lens[info->n_lens++] = (uint8_t)len;
	}
}

/*
 * Sets with at most PC_SET_MAX_LENS prefix lengths go to the exact table,
 * the others to the trie (portcullis.h says why). E (n, unique, sorted by
 * pc_peer_key: length, set, address) keeps its order in both tables.
 */
static int place_prefixes(struct compiler *c, const struct keyed_rule *e, size_t n)
{
	struct pc_tables *t = c->t;
	uint64_t *bm = calloc((c->sets.n + 1) * LEN_WORDS, sizeof(*bm));
	size_t j;

	t->set_infos = calloc(c->sets.n + 1, sizeof(*t->set_infos));
	t->peer_keys = calloc(n + 1, sizeof(*t->peer_keys));
	t->peer_vals = calloc(n + 1, sizeof(*t->peer_vals));
	t->exact_keys = calloc(n + 1, sizeof(*t->exact_keys));
	t->exact_vals = calloc(n + 1, sizeof(*t->exact_vals));
	if (!bm || !t->set_infos || !t->peer_keys || !t->peer_vals || !t->exact_keys ||
	    !t->exact_vals) {
		free(bm);
		return -ENOMEM;
	}
	for (j = 0; j < n; j++) {
		uint32_t set = ntohl(e[j].k.set), len = e[j].k.prefixlen - 32;

		bm[set * LEN_WORDS + len / 64] |= 1ull << (len % 64);
	}
	for (j = 1; j <= c->sets.n; j++)
		set_lens(&t->set_infos[j], &bm[j * LEN_WORDS]);
	for (j = 0; j < n; j++) {
		uint32_t set = ntohl(e[j].k.set);
		struct pc_exact_key *x;

		if (!t->set_infos[set].n_lens) {
			t->peer_keys[t->n_peers] = e[j].k;
			t->peer_vals[t->n_peers++].rule_id = e[j].rule;
			continue;
		}
		x = &t->exact_keys[t->n_exact];
		memset(x, 0, sizeof(*x));
		x->set = set;
		x->plen = (uint8_t)(e[j].k.prefixlen - 32);
		memcpy(x->addr, e[j].k.addr, 16);	/* masked already */
		t->exact_vals[t->n_exact++].rule_id = e[j].rule;
	}
	free(bm);
	return 0;
}

/*
 * The LPM entries of every set. Within a set, one prefix named by two
 * peers keeps the rule that comes first in the config.
 */
static int keyed_rule_cmp(const void *pa, const void *pb)
{
	const struct keyed_rule *a = pa, *b = pb;
	int c = memcmp(&a->k, &b->k, sizeof(a->k));

	return c ? c : (a->rule > b->rule) - (a->rule < b->rule);
}

static int build_peers(struct compiler *c)
{
	struct vec e = { .size = sizeof(struct keyed_rule) };
	size_t si, m, j, out;
	int err = -ENOMEM;

	for (si = 0; si < c->sets.n; si++) {
		const struct set *s = (struct set *)c->sets.v + si;
		const uint32_t *pairs = (uint32_t *)c->members.v + s->off * 2;

		for (m = 0; m < s->n; m++) {
			uint32_t peer = pairs[m * 2], rule = pairs[m * 2 + 1];

			for (j = 0; j < c->res.n_peer_prefixes[peer]; j++) {
				const struct pc_prefix *px = &c->res.peer_prefixes[peer][j];
				struct keyed_rule *kr = vec_push(&e);

				if (!kr)
					goto out;
				memset(kr, 0, sizeof(*kr));
				kr->k.prefixlen = 32u + px->plen;
				kr->k.set = htonl((uint32_t)(si + 1));
				memcpy(kr->k.addr, px->addr, 16);
				mask_prefix(kr->k.addr, px->plen);
				kr->rule = rule;
			}
		}
	}
	/* One entry per prefix and set: the lowest rule id, the first in the config. */
	if (e.n)	/* qsort's array may not be NULL, even for no elements */
		qsort(e.v, e.n, e.size, keyed_rule_cmp);
	for (j = 0, out = 0; j < e.n; j++) {
		struct keyed_rule *v = e.v;

		if (out && !memcmp(&v[out - 1].k, &v[j].k, sizeof(v[j].k)))
			continue;
		v[out++] = v[j];
	}
	err = place_prefixes(c, e.v, out);
	c->t->n_peer_sets = (uint32_t)c->sets.n;
out:
	free(e.v);
	return err;
}

static void compute_digest(struct pc_tables *t)
{
	uint64_t h = 0xcbf29ce484222325ull;
	size_t i;

	h = fnv1a(h, t->rule_keys, t->n_rules * sizeof(*t->rule_keys));
	h = fnv1a(h, t->rule_vals, t->n_rules * sizeof(*t->rule_vals));
	h = fnv1a(h, t->peer_keys, t->n_peers * sizeof(*t->peer_keys));
	h = fnv1a(h, t->peer_vals, t->n_peers * sizeof(*t->peer_vals));
	h = fnv1a(h, t->exact_keys, t->n_exact * sizeof(*t->exact_keys));
	h = fnv1a(h, t->exact_vals, t->n_exact * sizeof(*t->exact_vals));
	if (t->set_infos)
		h = fnv1a(h, t->set_infos, (t->n_peer_sets + 1) * sizeof(*t->set_infos));
	for (i = 0; i < t->n_scopes; i++) {
		h = fnv1a(h, t->scopes[i].name, strlen(t->scopes[i].name) + 1);
		h = fnv1a(h, &t->scopes[i].mode, sizeof(t->scopes[i].mode));
	}
	snprintf(t->digest, sizeof(t->digest), "%016llx", (unsigned long long)h);
}

static const struct pc_loc *limit_loc(const struct pc_policy *p)
{
	return p->n_attaches ? &p->attaches[0].loc : NULL;
}

static int check_limits(struct compiler *c)
{
	const struct pc_loc *loc = limit_loc(c->p);

	if (c->t->n_rules > c->lim->max_rule_keys) {
		pc_diag_error(c->diag, loc,
			      "the policy needs %zu rule entries, more than the kernel table holds (%zu)",
			      c->t->n_rules, c->lim->max_rule_keys);
		pc_diag_note(c->diag, NULL,
			     "narrow wide port ranges, or attach fewer roles per scope");
		return -E2BIG;
	}
	if (c->t->n_peers + c->t->n_exact > c->lim->max_peer_prefixes) {
		pc_diag_error(c->diag, loc,
			      "the policy needs %zu peer prefixes, more than the kernel tables hold (%zu)",
			      c->t->n_peers + c->t->n_exact, c->lim->max_peer_prefixes);
		pc_diag_note(c->diag, NULL,
			     "merge peers into wider prefixes, or give rules on wide ranges fewer peers");
		return -E2BIG;
	}
	return 0;
}

static int add_failsafe_origins(struct compiler *c)
{
	size_t i;
	uint32_t id;
	int err;

	c->failsafe_origin = (uint32_t)c->origins.n;
	for (i = 0; i < sizeof(failsafe_rules) / sizeof(failsafe_rules[0]); i++) {
		struct pc_rule_origin o = {
			.role = "failsafe",
			.service = failsafe_rules[i].service,
			.peer = "any",
			.dir = failsafe_rules[i].dir,
			.line = (int)c->p->failsafe_loc.line,
			.file = c->p->failsafe_loc.file ? c->p->failsafe_loc.file->path : NULL,
		};

		err = add_origin(c, &o, &id);
		if (err)
			return err;
	}
	return 0;
}

int pc_compile(const struct pc_policy *p, struct pc_diag *diag,
	       const struct pc_compile_limits *limits, struct pc_tables *out)
{
	struct compiler c = {
		.p = p, .diag = diag, .t = out,
		.lim = limits ? limits : &pc_default_limits,
		.contribs = { .size = sizeof(struct contrib) },
		.origins = { .size = sizeof(struct pc_rule_origin) },
		.rkeys = { .size = sizeof(struct pc_rule_key) },
		.rvals = { .size = sizeof(struct pc_rule_val) },
		.members = { .size = sizeof(uint32_t) },
		.sets = { .size = sizeof(struct set) },
	};
	size_t i;
	int err;

	memset(out, 0, sizeof(*out));
	err = pc_resolve(p, diag, &c.res);
	if (err)
		goto out;
	if (p->n_attaches > c.lim->max_scopes) {
		pc_diag_error(diag, &p->attaches[c.lim->max_scopes].loc,
			      "more than %zu attachments; the kernel tables hold %zu scopes",
			      c.lim->max_scopes, c.lim->max_scopes);
		err = -E2BIG;
		goto out;
	}
	out->failsafe = p->failsafe;
	err = add_failsafe_origins(&c);
	if (err)
		goto out;
	out->scopes = calloc(p->n_attaches + 1, sizeof(*out->scopes));
	if (!out->scopes) {
		err = -ENOMEM;
		goto out;
	}
	out->n_scopes = p->n_attaches;
	for (i = 0; i < p->n_attaches && !err; i++)
		err = add_scope(&c, i);
	if (err == -E2BIG) {
		pc_diag_error(diag, &p->attaches[i - 1].loc,
			      "the policy opens more than %zu ports over its scopes and rules, "
			      "4 times what the kernel table holds", 4 * c.lim->max_rule_keys);
		pc_diag_note(diag, NULL,
			     "narrow wide port ranges, or attach fewer roles per scope");
		goto out;
	}
	if (!err)
		err = build_rules(&c);
	if (err)
		goto out;
	out->rule_keys = c.rkeys.v;
	out->rule_vals = c.rvals.v;
	out->n_rules = c.rkeys.n;
	c.rkeys.v = c.rvals.v = NULL;
	err = build_peers(&c);
	if (!err)
		err = check_limits(&c);
	if (!err)
		compute_digest(out);
out:
	out->origins = c.origins.v;
	out->n_origins = c.origins.n;
	free(c.contribs.v);
	free(c.rkeys.v);
	free(c.rvals.v);
	free(c.members.v);
	free(c.sets.v);
	free(c.htab);
	pc_resolved_free(&c.res);
	return err;
}

void pc_tables_free(struct pc_tables *t)
{
	size_t i, j;

	if (!t)
		return;
	for (i = 0; i < t->n_scopes; i++) {
		free(t->scopes[i].name);
		free(t->scopes[i].target);
		if (t->scopes[i].roles)
			for (j = 0; j < t->scopes[i].n_roles; j++)
				free(t->scopes[i].roles[j]);
		free(t->scopes[i].roles);
	}
	free(t->scopes);
	free(t->rule_keys);
	free(t->rule_vals);
	free(t->peer_keys);
	free(t->peer_vals);
	free(t->exact_keys);
	free(t->exact_vals);
	free(t->set_infos);
	free(t->origins);
	memset(t, 0, sizeof(*t));
}
