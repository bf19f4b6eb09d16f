/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * tables.h - a compiled policy: exactly the entries the kernel maps get.
 *
 * policy_compile.c produces it; gen.c installs it as a new generation;
 * query.c judges flows against it with the same lookups the BPF programs
 * do, so 'query' cannot disagree with the datapath.
 */
#ifndef PC_TABLES_H
#define PC_TABLES_H

#include <stddef.h>
#include <stdint.h>

#include "portcullis.h"

/* Where a compiled entry came from: one per source rule (plus failsafe). */
struct pc_rule_origin {
	const char *file;	/* path as in diagnostics; NULL for built-ins */
	int line;
	const char *role;	/* role name, or "failsafe" */
	const char *service;	/* service name */
	const char *peer;	/* peer name, "any" when omitted */
	int dir;		/* PC_DIR_* */
};

/*
 * One attached scope, in config order. Its rule keys carry its scope id,
 * which the compiler makes its index and apply makes the id the running
 * instance gave its name (scope_ids.h).
 */
struct pc_scope_info {
	char *name;		/* "interface:eth0" or "cgroup:/system.slice/x.service" */
	uint32_t scope;		/* scope id, < PC_SCOPE_NONE, unique in the tables */
	int kind;		/* PC_SCOPE_IFACE or PC_SCOPE_CGROUP */
	char *target;		/* interface name or cgroup path as written */
	char **roles;		/* role names attached here */
	size_t n_roles;
	uint32_t mode;		/* PC_MODE_* from the config */
};

struct pc_tables {
	struct pc_rule_key *rule_keys;	/* sorted (pc_rule_key_cmp), unique */
	struct pc_rule_val *rule_vals;
	size_t n_rules;

	struct pc_peer_key *peer_keys;	/* unique; the sets with many prefix lengths */
	struct pc_peer_val *peer_vals;
	size_t n_peers;
	struct pc_exact_key *exact_keys;	/* unique, sorted; the other sets' prefixes */
	struct pc_peer_val *exact_vals;
	size_t n_exact;
	struct pc_set_info *set_infos;	/* indexed by set id, 0..n_peer_sets */
	uint32_t n_peer_sets;		/* set ids are 1..n_peer_sets */

	struct pc_scope_info *scopes;	/* n_scopes < PC_MAX_SCOPES */
	size_t n_scopes;

	struct pc_rule_origin *origins;	/* indexed by rule_id */
	size_t n_origins;

	int failsafe;			/* 1: failsafe rules compiled in */
	char digest[65];		/* FNV-1a hex digest of every entry and scope */
};

void pc_tables_free(struct pc_tables *t);

/*
 * Scope keys are not known at compile time (ifindex and cgroup id are
 * resolved on the running host). gen.c takes them alongside the tables:
 * scope_keys[i] belongs to tables->scopes[i].
 */

#endif /* PC_TABLES_H */
