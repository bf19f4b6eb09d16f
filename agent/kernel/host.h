/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * host.h - what this host makes of a config's attachments: which of them
 * exist here, which see the SSH session the command runs in, which hold
 * sshd. policy/lockout.c judges with these facts; this file only looks.
 *
 * Everything is read in the caller's network namespace (getifaddrs,
 * if_nametoindex), so 'nsenter --net' asks about that namespace.
 */
#ifndef PC_HOST_H
#define PC_HOST_H

#include "lib/diag.h"
#include "policy/lockout.h"
#include "policy/policy.h"
#include "policy/tables.h"

/*
 * For each scope of T, into LS[i]: sees_session (an interface scope whose
 * interface holds SESSION's server address; a cgroup scope holding an
 * sshd), holds_sshd; and *ALL_IFACES_SCOPED. SESSION may be NULL. The
 * modes are the caller's. Returns 0 or a negative errno (the interface
 * list cannot be read).
 */
int pc_host_lockout_facts(const struct pc_tables *t, const struct pc_session *session,
			  struct pc_lockout_scope *ls, bool *all_ifaces_scoped);

/*
 * The attachments of P this host refuses or cannot judge, at their place
 * in the config: 'attach cgroup /' and a loopback interface are errors; an
 * interface or cgroup that does not exist here (yet) and a config that
 * attaches nothing are warnings. Returns the number of errors.
 */
unsigned int pc_host_lint(const struct pc_policy *p, struct pc_diag *d);

#endif /* PC_HOST_H */
