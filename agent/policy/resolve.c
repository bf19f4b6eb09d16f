// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * resolve.c - peers to prefixes and attached roles to flat rules.
 *
 * Each role and each peer is resolved once, however many scopes reach it,
 * so an error inside a shared role (ad-member) is reported once.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/addr.h"
#include "lib/array.h"
#include "lib/names.h"
#include "policy/resolve.h"
#include "portcullis.h"

enum { UNSEEN = 0, ACTIVE, DONE, FAILED };

struct resolver {
	const struct pc_policy *p;
	struct pc_diag *diag;
	bool require_peers;	/* false for 'roles ROLE': peers may be absent */
	/* Roles and peers being resolved now, one C stack frame each: bounded
	 * by PC_RESOLVE_MAX_DEPTH, so a chain 19,000 long is an error at the
	 * line that crosses the limit instead of a stack overflow. */
	unsigned int role_depth, peer_depth;
	/* per peer index */
	uint8_t *peer_state;
	struct pc_prefix **peer_prefixes;
	size_t *n_peer_prefixes, *cap_peer_prefixes;
	/* per role index */
	uint8_t *role_state;
	struct pc_flat_rule **role_rules;
	size_t *n_role_rules, *cap_role_rules;
};

static size_t peer_index(const struct pc_policy *p, const struct pc_peer *peer)
{
	return (size_t)(peer - p->peers);
}

static size_t role_index(const struct pc_policy *p, const struct pc_role *role)
{
	return (size_t)(role - p->roles);
}

enum name_kind { NAME_SERVICE, NAME_PEER, NAME_ROLE };

static const char *name_at(const struct pc_policy *p, enum name_kind k, size_t i)
{
	switch (k) {
	case NAME_SERVICE: return p->services[i].name;
	case NAME_PEER: return p->peers[i].name;
	case NAME_ROLE: return p->roles[i].name;
	}
	return NULL;
}

/* The closest defined name of kind K, for "did you mean"; NULL if none. */
static const char *suggest(const struct pc_policy *p, enum name_kind k, const char *word)
{
	size_t n = k == NAME_SERVICE ? p->n_services : k == NAME_PEER ? p->n_peers : p->n_roles;
	const char **names = calloc(n + 1, sizeof(*names));
	const char *hit;
	size_t i;

	if (!names)
		return NULL;
	for (i = 0; i < n; i++)
		names[i] = name_at(p, k, i);
	if (k == NAME_PEER)
		names[n++] = "any";
	hit = pc_suggest(word, names, n);
	free(names);
	return hit;
}

/* "unknown KIND 'NAME' WHERE[; did you mean 'X'?]" at LOC. */
static void report_unknown(struct resolver *r, const struct pc_loc *loc, enum name_kind k,
			   const char *name, const char *where)
{
	static const char *const kinds[] = { "service", "peer", "role" };
	const char *hint = suggest(r->p, k, name);

	char mean[PC_DIAG_HINT_MAX];

	if (hint)
		snprintf(mean, sizeof(mean), "did you mean '%s'?", hint);
	pc_diag_error_hint(r->diag, loc, hint ? mean : NULL, "unknown %s '%s'%s", kinds[k], name,
			   where);
}

/* Peer IDX's prefixes, one more. */
static int prefix_push(struct resolver *r, size_t idx, const struct pc_prefix *x)
{
	if (pc_array_reserve((void **)&r->peer_prefixes[idx], &r->cap_peer_prefixes[idx],
			     r->n_peer_prefixes[idx] + 1, sizeof(*x)))
		return -ENOMEM;
	r->peer_prefixes[idx][r->n_peer_prefixes[idx]++] = *x;
	return 0;
}

static void prefix_from_item(const struct pc_peer_item *it, struct pc_prefix *out)
{
	memset(out, 0, sizeof(*out));
	if (it->family == 4) {
		out->addr[10] = 0xff;
		out->addr[11] = 0xff;
		memcpy(&out->addr[12], it->addr, 4);
		out->plen = (uint8_t)(96 + it->plen);
	} else {
		memcpy(out->addr, it->addr, 16);
		out->plen = it->plen;
	}
}

static int resolve_peer(struct resolver *r, size_t idx);

/* Would resolving KIND NAME, named at LOC, nest deeper than the limit? */
static bool too_deep(struct resolver *r, unsigned int depth, const struct pc_loc *loc,
		     const char *kind, const char *name)
{
	if (depth < PC_RESOLVE_MAX_DEPTH)
		return false;
	pc_diag_error_hint(r->diag, loc, "flatten the chain: name what it reaches directly",
			   "%s '%s' is nested more than %u deep", kind, name,
			   PC_RESOLVE_MAX_DEPTH);
	return true;
}

/* ::ffff:0:0/96, where IPv4 lives once resolved. */
static const uint8_t v4mapped[16] = { [10] = 0xff, [11] = 0xff };
#define V4MAPPED_PLEN	96

/*
 * An IPv6 prefix as written, without ::ffff:0:0/96: IPv4 is kept as mapped
 * IPv6 from here on, and an IPv6 prefix must never admit an IPv4 peer
 * (::/0 would admit all of them). A prefix that contains the mapped range
 * becomes the prefixes that cover the rest of it, one per bit from its
 * length to 96 (the sibling of the mapped range's path at that bit). One
 * inside the range is an IPv4 address written as IPv6: an error, as the
 * datapath judges such packets malformed and the operator meant IPv4.
 */
static int push_ipv6(struct resolver *r, size_t idx, const struct pc_peer_item *it,
		     const struct pc_prefix *pfx)
{
	struct pc_prefix sib;
	unsigned int d;
	int err;

	if (!pc_addr_in_prefix(pfx->addr, pfx->plen, v4mapped) &&
	    !(pfx->plen >= V4MAPPED_PLEN && pc_addr_in_prefix(v4mapped, V4MAPPED_PLEN, pfx->addr)))
		return prefix_push(r, idx, pfx);
	if (pfx->plen >= V4MAPPED_PLEN) {
		pc_diag_error(r->diag, &it->loc, "an IPv4-mapped address is IPv4: write it as "
			      "a.b.c.d (::ffff:0:0/96 never matches an IPv6 peer)");
		return -EINVAL;
	}
	for (d = pfx->plen; d < V4MAPPED_PLEN; d++) {
		memcpy(sib.addr, v4mapped, sizeof(sib.addr));
		sib.addr[d / 8] ^= (uint8_t)(0x80 >> (d % 8));
		sib.plen = (uint8_t)(d + 1);
		pc_addr_mask(sib.addr, sib.plen);
		err = prefix_push(r, idx, &sib);
		if (err)
			return err;
	}
	return 0;
}

static int resolve_peer_item(struct resolver *r, size_t idx, const struct pc_peer_item *it)
{
	const struct pc_peer *self = &r->p->peers[idx];
	const struct pc_peer *ref;
	struct pc_prefix pfx;
	size_t j, ri;
	int err;

	if (!it->is_name) {
		prefix_from_item(it, &pfx);
		return it->family == 6 ? push_ipv6(r, idx, it, &pfx) : prefix_push(r, idx, &pfx);
	}
	if (strcmp(it->name, "any") == 0) {
		memset(&pfx, 0, sizeof(pfx));
		return prefix_push(r, idx, &pfx);
	}
	if (strcmp(it->name, "none") == 0)
		return 0;	/* the empty set: a peer this site does not have */
	ref = pc_policy_peer(r->p, it->name);
	if (!ref) {
		char where[300];

		snprintf(where, sizeof(where), " in peer '%s'", self->name);
		report_unknown(r, &it->loc, NAME_PEER, it->name, where);
		return -EINVAL;
	}
	ri = peer_index(r->p, ref);
	if (r->peer_state[ri] == ACTIVE) {
		pc_diag_error(r->diag, &it->loc, "peer '%s' names itself through '%s'",
			      ref->name, self->name);
		return -ELOOP;
	}
	if (r->peer_state[ri] == UNSEEN &&
	    too_deep(r, r->peer_depth, &it->loc, "peer", ref->name))
		return -ELOOP;
	err = resolve_peer(r, ri);
	if (err)
		return err;
	for (j = 0; j < r->n_peer_prefixes[ri]; j++) {
		err = prefix_push(r, idx, &r->peer_prefixes[ri][j]);
		if (err)
			return err;
	}
	return 0;
}

static int resolve_peer(struct resolver *r, size_t idx)
{
	const struct pc_peer *peer = &r->p->peers[idx];
	int err = 0, e;
	size_t i;

	if (r->peer_state[idx] == DONE)
		return 0;
	if (r->peer_state[idx] == FAILED)
		return -EINVAL;
	r->peer_state[idx] = ACTIVE;
	r->peer_depth++;
	for (i = 0; i < peer->n_items; i++) {
		e = resolve_peer_item(r, idx, &peer->items[i]);
		if (e == -ENOMEM)
			return e;
		if (e && !err)
			err = e;
	}
	r->peer_depth--;
	r->peer_state[idx] = err ? FAILED : DONE;
	return err ? -EINVAL : 0;
}

/* *V (N rules, *CAP allocated), one more. */
static int flat_push(struct pc_flat_rule **v, size_t *n, size_t *cap, const struct pc_flat_rule *x)
{
	if (pc_array_reserve((void **)v, cap, *n + 1, sizeof(*x)))
		return -ENOMEM;
	(*v)[(*n)++] = *x;
	return 0;
}

/* The peer a rule names: NULL for any; sets *bad on an error. */
static const struct pc_peer *rule_peer(struct resolver *r, const struct pc_role *role,
				       const struct pc_rule *rule, int *peer_idx, bool *bad)
{
	const struct pc_peer *peer;
	char where[300];

	*peer_idx = -1;
	if (!rule->peer.name || strcmp(rule->peer.name, "any") == 0)
		return NULL;
	peer = pc_policy_peer(r->p, rule->peer.name);
	if (!peer) {
		if (!r->require_peers)
			return NULL;
		snprintf(where, sizeof(where), " in role '%s'", role->name);
		report_unknown(r, &rule->peer.loc, NAME_PEER, rule->peer.name, where);
		pc_diag_note(r->diag, NULL,
			     "define it in the host config, for example: peer %s 192.0.2.10, 2001:db8::10",
			     rule->peer.name);
		*bad = true;
		return NULL;
	}
	*peer_idx = (int)peer_index(r->p, peer);
	if (resolve_peer(r, (size_t)*peer_idx))
		*bad = true;
	return peer;
}

static int resolve_role(struct resolver *r, size_t idx);

static int resolve_allow(struct resolver *r, size_t idx, const struct pc_rule *rule)
{
	const struct pc_role *role = &r->p->roles[idx];
	struct pc_flat_rule fr = { .rule = rule, .role = role };
	bool bad = false;
	size_t i;
	int err;

	fr.peer = rule_peer(r, role, rule, &fr.peer_idx, &bad);
	for (i = 0; i < rule->n_services; i++) {
		const struct pc_name *sn = &rule->services[i];

		fr.service = pc_policy_service(r->p, sn->name);
		if (!fr.service) {
			char where[300];

			snprintf(where, sizeof(where), " in role '%s'", role->name);
			report_unknown(r, &sn->loc, NAME_SERVICE, sn->name, where);
			pc_diag_note(r->diag, NULL,
				     "define it, for example: service %s tcp PORT \"what it is\"",
				     sn->name);
			bad = true;
			continue;
		}
		if (bad)
			continue;
		err = flat_push(&r->role_rules[idx], &r->n_role_rules[idx], &r->cap_role_rules[idx],
				&fr);
		if (err)
			return err;
	}
	return bad ? -EINVAL : 0;
}

static int resolve_use(struct resolver *r, size_t idx, const struct pc_rule *rule)
{
	const struct pc_role *role = &r->p->roles[idx];
	const struct pc_role *used = pc_policy_role(r->p, rule->role.name);
	size_t ui, j;
	int err;

	if (!used) {
		char where[300];

		snprintf(where, sizeof(where), " used by role '%s'", role->name);
		report_unknown(r, &rule->role.loc, NAME_ROLE, rule->role.name, where);
		return -EINVAL;
	}
	ui = role_index(r->p, used);
	if (r->role_state[ui] == ACTIVE) {
		pc_diag_error(r->diag, &rule->role.loc, "role '%s' uses itself through role '%s'",
			      used->name, role->name);
		return -ELOOP;
	}
	if (r->role_state[ui] == UNSEEN &&
	    too_deep(r, r->role_depth, &rule->role.loc, "role", used->name))
		return -ELOOP;
	err = resolve_role(r, ui);
	if (err)
		return err;
	for (j = 0; j < r->n_role_rules[ui]; j++) {
		err = flat_push(&r->role_rules[idx], &r->n_role_rules[idx], &r->cap_role_rules[idx],
				&r->role_rules[ui][j]);
		if (err)
			return err;
	}
	return 0;
}

static int resolve_role(struct resolver *r, size_t idx)
{
	const struct pc_role *role = &r->p->roles[idx];
	int err = 0, e;
	size_t i;

	if (r->role_state[idx] == DONE)
		return 0;
	if (r->role_state[idx] == FAILED)
		return -EINVAL;
	r->role_state[idx] = ACTIVE;
	r->role_depth++;
	for (i = 0; i < role->n_rules; i++) {
		const struct pc_rule *rule = &role->rules[i];

		e = rule->kind == PC_RULE_USE ? resolve_use(r, idx, rule)
					      : resolve_allow(r, idx, rule);
		if (e == -ENOMEM)
			return e;
		if (e && !err)
			err = e;
	}
	r->role_depth--;
	r->role_state[idx] = err ? FAILED : DONE;
	return err ? -EINVAL : 0;
}

static int resolver_init(struct resolver *r, const struct pc_policy *p, struct pc_diag *diag)
{
	memset(r, 0, sizeof(*r));
	r->p = p;
	r->diag = diag;
	r->require_peers = true;
	r->peer_state = calloc(p->n_peers + 1, 1);
	r->peer_prefixes = calloc(p->n_peers + 1, sizeof(*r->peer_prefixes));
	r->n_peer_prefixes = calloc(p->n_peers + 1, sizeof(*r->n_peer_prefixes));
	r->cap_peer_prefixes = calloc(p->n_peers + 1, sizeof(*r->cap_peer_prefixes));
	r->role_state = calloc(p->n_roles + 1, 1);
	r->role_rules = calloc(p->n_roles + 1, sizeof(*r->role_rules));
	r->n_role_rules = calloc(p->n_roles + 1, sizeof(*r->n_role_rules));
	r->cap_role_rules = calloc(p->n_roles + 1, sizeof(*r->cap_role_rules));
	if (!r->peer_state || !r->peer_prefixes || !r->n_peer_prefixes ||
	    !r->cap_peer_prefixes || !r->role_state || !r->role_rules || !r->n_role_rules ||
	    !r->cap_role_rules)
		return -ENOMEM;
	return 0;
}

static void resolver_free_roles(struct resolver *r)
{
	size_t i;

	if (r->role_rules)
		for (i = 0; i < r->p->n_roles; i++)
			free(r->role_rules[i]);
	free(r->role_rules);
	free(r->n_role_rules);
	free(r->cap_role_rules);
	free(r->role_state);
	free(r->peer_state);
}

static void resolver_free_peers(struct resolver *r)
{
	size_t i;

	if (r->peer_prefixes)
		for (i = 0; i < r->p->n_peers; i++)
			free(r->peer_prefixes[i]);
	free(r->peer_prefixes);
	free(r->n_peer_prefixes);
	free(r->cap_peer_prefixes);
}

/* Two attachments of one target would make the second silently win. */
static int check_duplicate_attach(const struct pc_policy *p, struct pc_diag *diag, size_t i)
{
	const struct pc_attach *a = &p->attaches[i];
	size_t j;

	for (j = 0; j < i; j++) {
		const struct pc_attach *b = &p->attaches[j];

		if (a->kind == b->kind && strcmp(a->target.name, b->target.name) == 0) {
			pc_diag_error(diag, &a->target.loc, "%s '%s' is attached twice",
				      pc_name_of(&pc_names_scope_kind, a->kind),
				      a->target.name);
			pc_diag_note(diag, &b->target.loc,
				     "first attached here; list every role on one line: role A, B");
			return -EINVAL;
		}
	}
	return 0;
}

static int resolve_scope(struct resolver *r, size_t ai, struct pc_resolved_scope *s)
{
	const struct pc_attach *a = &r->p->attaches[ai];
	int err = 0, e;
	size_t i, j;

	s->attach = a;
	if (check_duplicate_attach(r->p, r->diag, ai))
		err = -EINVAL;
	for (i = 0; i < a->n_roles; i++) {
		const struct pc_role *role = pc_policy_role(r->p, a->roles[i].name);
		size_t ri;

		if (!role) {
			report_unknown(r, &a->roles[i].loc, NAME_ROLE, a->roles[i].name, "");
			err = -EINVAL;
			continue;
		}
		ri = role_index(r->p, role);
		e = resolve_role(r, ri);
		if (e == -ENOMEM)
			return e;
		if (e) {
			err = -EINVAL;
			continue;
		}
		for (j = 0; j < r->n_role_rules[ri]; j++) {
			e = flat_push(&s->rules, &s->n_rules, &s->cap_rules, &r->role_rules[ri][j]);
			if (e)
				return e;
		}
	}
	return err;
}

int pc_resolve(const struct pc_policy *p, struct pc_diag *diag, struct pc_resolved *out)
{
	struct resolver r;
	int err = 0, e;
	size_t i;

	memset(out, 0, sizeof(*out));
	e = resolver_init(&r, p, diag);
	if (e)
		goto done;
	out->scopes = calloc(p->n_attaches + 1, sizeof(*out->scopes));
	if (!out->scopes) {
		e = -ENOMEM;
		goto done;
	}
	out->n_scopes = p->n_attaches;
	for (i = 0; i < p->n_attaches; i++) {
		e = resolve_scope(&r, i, &out->scopes[i]);
		if (e == -ENOMEM)
			goto done;
		if (e)
			err = -EINVAL;
	}
	e = err;
done:
	/* The prefixes move to the result; the role lists were copied. */
	out->peer_prefixes = r.peer_prefixes;
	out->n_peer_prefixes = r.n_peer_prefixes;
	out->n_peers = p->n_peers;
	r.peer_prefixes = NULL;
	r.n_peer_prefixes = NULL;
	resolver_free_roles(&r);
	resolver_free_peers(&r);
	return e;
}

int pc_resolve_role(const struct pc_policy *p, const struct pc_role *role,
		    struct pc_diag *diag, struct pc_flat_rule **rules, size_t *n)
{
	struct resolver r;
	size_t ri = role_index(p, role);
	int err;

	*rules = NULL;
	*n = 0;
	err = resolver_init(&r, p, diag);
	if (!err) {
		r.require_peers = false;
		err = resolve_role(&r, ri);
	}
	if (!err) {
		*rules = r.role_rules[ri];
		*n = r.n_role_rules[ri];
		r.role_rules[ri] = NULL;
	}
	resolver_free_roles(&r);
	resolver_free_peers(&r);
	return err;
}

int pc_resolve_peer(const struct pc_policy *p, const struct pc_peer *peer,
		    struct pc_diag *diag, struct pc_prefix **prefixes, size_t *n)
{
	struct resolver r;
	size_t pi = peer_index(p, peer);
	int err;

	*prefixes = NULL;
	*n = 0;
	err = resolver_init(&r, p, diag);
	if (!err)
		err = resolve_peer(&r, pi);
	if (!err) {
		*prefixes = r.peer_prefixes[pi];
		*n = r.n_peer_prefixes[pi];
		r.peer_prefixes[pi] = NULL;
	}
	resolver_free_roles(&r);
	resolver_free_peers(&r);
	return err;
}

void pc_resolved_free(struct pc_resolved *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->n_scopes; i++)
		free(r->scopes[i].rules);
	free(r->scopes);
	if (r->peer_prefixes)
		for (i = 0; i < r->n_peers; i++)
			free(r->peer_prefixes[i]);
	free(r->peer_prefixes);
	free(r->n_peer_prefixes);
	memset(r, 0, sizeof(*r));
}
