/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * resolve.h - names to things: peers to prefixes, roles to the
 * allow rules they contain (through 'use'), attachments to roles.
 *
 * Only what an attachment reaches is resolved, and so only that can fail:
 * a role nobody attaches may name peers this host does not define.
 */
#ifndef PC_POLICY_RESOLVE_H
#define PC_POLICY_RESOLVE_H

#include "policy/policy.h"

/* How deep 'use' (role in role) and peer names (peer in peer) may nest.
 * The shipped roles nest 3 deep; the bound keeps a generated or hostile
 * chain from overflowing the stack of check, apply and the daemon. */
#define PC_RESOLVE_MAX_DEPTH	64u

/* A prefix in IPv6 terms: IPv4 a.b.c.d/n is ::ffff:a.b.c.d/(96+n). */
struct pc_prefix {
	uint8_t addr[16];
	uint8_t plen;
};

/* An allow rule as it applies to a scope: one service, one peer. */
struct pc_flat_rule {
	const struct pc_rule *rule;	/* the 'allow' statement */
	const struct pc_role *role;	/* the role that contains it */
	const struct pc_service *service;
	const struct pc_peer *peer;	/* NULL: any */
	int peer_idx;			/* index in pc_policy.peers, -1: any */
};

struct pc_resolved_scope {
	const struct pc_attach *attach;
	struct pc_flat_rule *rules;
	size_t n_rules, cap_rules;	/* grown by pc_array_reserve() */
};

struct pc_resolved {
	struct pc_resolved_scope *scopes;	/* one per attach, config order */
	size_t n_scopes;
	/* Prefixes of every peer that a scope uses, by peer index; 'any'
	 * expands to ::/0 (and so covers IPv4-mapped addresses too). */
	struct pc_prefix **peer_prefixes;
	size_t *n_peer_prefixes;
	size_t n_peers;
};

/* Resolve every attachment of P. Errors go to DIAG; returns 0 or -EINVAL
 * when any was reported, -ENOMEM. *out is always safe to free. */
int pc_resolve(const struct pc_policy *p, struct pc_diag *diag, struct pc_resolved *out);

/* Resolve one role on its own (for 'roles ROLE'): its rules through
 * 'use', without requiring peers to be defined (peer_idx -1, peer NULL,
 * when undefined). Returns 0, -ENOENT for an unknown role, -ELOOP. */
int pc_resolve_role(const struct pc_policy *p, const struct pc_role *role,
		    struct pc_diag *diag, struct pc_flat_rule **rules, size_t *n);

/* The prefixes of one peer (for 'query ... from PEER'), as a scope that
 * names it gets them: IPv4 mapped, IPv6 without the mapped range. *PREFIXES
 * is malloc'd. Returns 0, -EINVAL (reported to DIAG), -ENOMEM. */
int pc_resolve_peer(const struct pc_policy *p, const struct pc_peer *peer,
		    struct pc_diag *diag, struct pc_prefix **prefixes, size_t *n);

void pc_resolved_free(struct pc_resolved *r);

#endif /* PC_POLICY_RESOLVE_H */
