/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * lockout.h - would enforcing these tables lock the operator out?
 *
 * Two questions, both answered with pc_query() over the compiled tables,
 * so the answer is the kernel's:
 *
 *  - the session: the SSH connection the command is typed in
 *    (SSH_CONNECTION) must still be let in, on every scope that sees it;
 *  - a way in: some SSH (tcp 22, or the session's port) or RDP (tcp 3389)
 *    rule must be left, from any peer, unless the host keeps an interface
 *    that is up and that no scope judges; and a cgroup scope that holds
 *    sshd must keep one.
 *
 * What the host has (which interface holds the session's address, which
 * cgroup holds sshd, which interfaces exist) is the caller's to find
 * (kernel/host.h): this file only judges, so it is testable offline.
 */
#ifndef PC_POLICY_LOCKOUT_H
#define PC_POLICY_LOCKOUT_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/diag.h"
#include "policy/tables.h"

/* The SSH session, from SSH_CONNECTION="CLIENT_IP CLIENT_PORT SERVER_IP SERVER_PORT". */
struct pc_session {
	char client[64];	/* as written, for messages */
	char server[64];
	uint8_t client_addr[16];/* IPv4 mapped */
	uint8_t server_addr[16];
	uint16_t server_port;
};

/* Parse S. Returns 0, or -EINVAL when it is not four fields of that shape. */
int pc_session_parse(const char *s, struct pc_session *out);

/* What the host says about one scope of the tables. */
struct pc_lockout_scope {
	uint32_t mode;		/* PC_MODE_* the scope has after the command */
	bool changes;		/* the command sets this scope's mode (others stay as they run) */
	bool sees_session;	/* the session crosses it: an interface holding the
				 * server address, a cgroup holding sshd */
	bool holds_sshd;	/* a cgroup scope with an sshd in its subtree */
	bool way_in;		/* an interface scope on an interface of the host
				 * that is up and not loopback */
};

struct pc_lockout_host {
	const struct pc_session *session;	/* NULL: not typed over SSH */
	const struct pc_lockout_scope *scopes;	/* one per tables scope */
	/* Every interface of the host but loopback is an interface scope of
	 * the tables: no unjudged way in is left. */
	bool all_ifaces_scoped;
};

/*
 * Report, into D, each way enforcing T would lock the operator out: an
 * error for a scope that enforces after the command (unless FORCE: then a
 * warning), a warning for one left in audit (what enforce would do).
 * Returns the number of errors reported.
 */
unsigned int pc_lockout_judge(const struct pc_tables *t, const struct pc_lockout_host *h,
			      bool force, struct pc_diag *d);

/* The ports an operator administers a host through: SSH and RDP. */
extern const uint16_t pc_admin_ports[2];

#endif /* PC_POLICY_LOCKOUT_H */
