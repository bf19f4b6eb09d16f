/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * scope_ids.h - scope ids by name, kept across applies.
 *
 * A scope id keys a scope's rules, conntrack entries and counters. The
 * compiler numbers scopes in config order; apply gives each the id the
 * running instance has for its name instead, so reordering, adding or
 * removing attach lines re-keys nothing, and a new name never takes an id
 * a running scope holds (docs/design.md, "Scope ids").
 */
#ifndef PC_POLICY_SCOPE_IDS_H
#define PC_POLICY_SCOPE_IDS_H

#include <stddef.h>
#include <stdint.h>

#include "policy/tables.h"

/* A scope id the running instance holds; name NULL: held, owner unknown. */
struct pc_scope_claim {
	const char *name;	/* "interface:eth0", as pc_scope_info.name */
	uint32_t scope;		/* its id; ids >= PC_SCOPE_NONE are ignored */
};

/*
 * Give every scope of T its id. A scope keeps the id of the first claim
 * with its name (unless an earlier scope of T took that id). The others,
 * in config order, get the lowest id no claim holds and no scope of T
 * took; only when none is left, the lowest id no scope of T took (the id
 * of a scope this apply drops). FRESH, if not NULL, gets per scope of T 1
 * when its id is new to its name: its counters and conntrack entries must
 * be emptied before the new policy goes live.
 *
 * Rewrites t->scopes[i].scope and the scope of every rule key, which stay
 * sorted. 0, -E2BIG (more scopes than ids), -EINVAL (T holds an id >=
 * PC_SCOPE_NONE) or -ENOMEM (T unchanged).
 */
int pc_scope_ids_assign(struct pc_tables *t, const struct pc_scope_claim *claims,
			size_t n_claims, uint8_t *fresh);

#endif /* PC_POLICY_SCOPE_IDS_H */
