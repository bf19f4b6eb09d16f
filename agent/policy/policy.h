/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * policy.h - the policy language as parsed: the AST that policy_parse.c
 * builds and policy_resolve.c / policy_compile.c consume.
 *
 * Everything is owned by struct pc_policy and freed by pc_policy_free().
 * Every node carries the location of its first token so any later stage
 * can report FILE:LINE:COL.
 */
#ifndef PC_POLICY_H
#define PC_POLICY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stddef.h>

#include "lib/diag.h"
#include "lib/name_index.h"
#include "portcullis.h"

/*
 * Arrays grow by pc_array_reserve() (lib/array.h): each count has a cap_
 * beside it, the elements allocated. A tree built by hand may leave cap_
 * 0; the array is then reallocated on its first growth, contents kept.
 */

/* One protocol/port item of a service: "tcp 80", "udp 137-138", "icmp echo-request". */
struct pc_portspec {
	struct pc_loc loc;
	uint8_t proto;		/* IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP, IPPROTO_ICMPV6 */
	uint16_t lo, hi;	/* inclusive; ICMP: lo == hi == type number */
};

struct pc_service {
	struct pc_loc loc;
	char *name;
	char *desc;		/* the quoted description, or NULL */
	struct pc_portspec *ports;
	size_t n_ports, cap_ports;
	bool override;		/* came from 'override service' */
	char *source;		/* the comment that directly precedes the
				 * statement or ends its line (without '#',
				 * trimmed), or NULL: catalogue citations */
};

/* One item of a peer: an address/prefix or the name of another peer. */
struct pc_peer_item {
	struct pc_loc loc;
	bool is_name;
	char *name;		/* is_name: the peer it names ('any' included) */
	uint8_t family;		/* !is_name: 4 or 6 */
	uint8_t addr[16];	/* !is_name: network order; IPv4 in addr[0..3] */
	uint8_t plen;		/* !is_name: prefix length (32/128 when omitted) */
};

struct pc_peer {
	struct pc_loc loc;
	char *name;
	struct pc_peer_item *items;
	size_t n_items, cap_items;
	bool override;		/* came from 'override peer' */
};

/* A name as written, with where it was written. */
struct pc_name {
	struct pc_loc loc;
	char *name;
};

enum pc_rule_kind {
	PC_RULE_ALLOW,		/* allow in|out SERVICES [from|to PEER] */
	PC_RULE_USE,		/* use ROLE */
};

struct pc_rule {
	struct pc_loc loc;	/* of the first token ('allow' or 'use') */
	enum pc_rule_kind kind;
	int dir;		/* PC_DIR_IN or PC_DIR_OUT (ALLOW) */
	struct pc_name *services;	/* ALLOW: one or more */
	size_t n_services, cap_services;
	struct pc_name peer;	/* ALLOW: peer.name NULL when omitted (any) */
	struct pc_name role;	/* USE: the role used */
};

struct pc_role {
	struct pc_loc loc;
	char *name;
	char *source;		/* preceding/trailing comment, like services */
	struct pc_rule *rules;
	size_t n_rules, cap_rules;
};

/* The kind of scope an attachment makes, so pc_names_scope_kind names both. */
enum pc_attach_kind {
	PC_ATTACH_IFACE = PC_SCOPE_IFACE,	/* attach interface NAME ... */
	PC_ATTACH_CGROUP = PC_SCOPE_CGROUP,	/* attach cgroup PATH ... */
};

struct pc_attach {
	struct pc_loc loc;
	enum pc_attach_kind kind;
	struct pc_name target;	/* interface name or cgroup path (as written) */
	struct pc_name *roles;	/* 'role A, B' */
	size_t n_roles, cap_roles;
	int mode;		/* PC_MODE_* or -1 when not given */
};

struct pc_policy {
	/* Statements in source order, includes expanded in place. */
	struct pc_service *services;	size_t n_services, cap_services;
	struct pc_peer *peers;		size_t n_peers, cap_peers;
	struct pc_role *roles;		size_t n_roles, cap_roles;
	struct pc_attach *attaches;	size_t n_attaches, cap_attaches;

	int mode;			/* 'mode' statement: PC_MODE_* or -1 */
	struct pc_loc mode_loc;
	bool failsafe;			/* true unless 'failsafe off' */
	struct pc_loc failsafe_loc;

	struct pc_srcfile *files;	/* every file read, owns text and path */
	size_t n_files;

	/* Name lookups for pc_policy_service/peer/role (latest definition). */
	struct pc_name_index service_index, peer_index, role_index;
};

/* The words that begin a statement, in the order docs/policy.md takes
 * them: the man page generator (tools/gen_man.c) refuses a portcullis.conf(5)
 * without a section for each. */
#define PC_N_STATEMENT_WORDS 8
extern const char *const pc_statement_words[PC_N_STATEMENT_WORDS];

/*
 * Parse PATH and everything it includes into *out (zeroed by the caller
 * or freshly allocated by this call: *out is always valid to free).
 * Errors go to DIAG; parsing goes on after an error so that every error of
 * every file is reported. Returns 0, or -EINVAL when any error was
 * reported, or another negative errno when PATH itself cannot be read
 * (also reported through DIAG).
 */
int pc_policy_parse_file(const char *path, struct pc_diag *diag, struct pc_policy *out);

/* Same, from a buffer; NAME is used in locations and as the base of
 * relative includes (its directory). */
int pc_policy_parse_buffer(const char *name, const char *text, size_t len,
			   struct pc_diag *diag, struct pc_policy *out);

void pc_policy_free(struct pc_policy *p);

/* Lookups by name over what was parsed; NULL when absent. Later
 * definitions win for 'override'; the parser reports plain duplicates. */
const struct pc_service *pc_policy_service(const struct pc_policy *p, const char *name);
const struct pc_peer *pc_policy_peer(const struct pc_policy *p, const char *name);
const struct pc_role *pc_policy_role(const struct pc_policy *p, const char *name);

#endif /* PC_POLICY_H */
