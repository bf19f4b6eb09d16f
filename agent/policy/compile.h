/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * compile.h - a parsed policy to the tables the kernel gets.
 */
#ifndef PC_POLICY_COMPILE_H
#define PC_POLICY_COMPILE_H

#include "policy/policy.h"
#include "policy/tables.h"

struct pc_compile_limits {
	size_t max_scopes;		/* PC_SCOPE_NONE: ids 0..PC_SCOPE_NONE-1 */
	size_t max_rule_keys;		/* PC_MAX_RULE_KEYS */
	size_t max_peer_prefixes;	/* PC_MAX_PEER_PREFIXES */
};

/* The limits the kernel maps are created with. */
extern const struct pc_compile_limits pc_default_limits;

/*
 * Resolve and compile P. Every error goes to DIAG; returns 0, -EINVAL
 * when any error was reported, -E2BIG when a capacity limit was hit (also
 * reported), -ENOMEM. OUT borrows strings from P (origins): keep P alive
 * as long as OUT. OUT is always safe to pc_tables_free().
 */
int pc_compile(const struct pc_policy *p, struct pc_diag *diag,
	       const struct pc_compile_limits *limits, struct pc_tables *out);

/* Order of rule keys in pc_tables: scope, dir, proto, port. */
int pc_rule_key_cmp(const struct pc_rule_key *a, const struct pc_rule_key *b);

#endif /* PC_POLICY_COMPILE_H */
