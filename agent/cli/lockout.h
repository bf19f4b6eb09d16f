/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * lockout.h - the lock-out analysis of the commands that may enforce
 * (check, apply, mode enforce): policy/lockout.c judges, kernel/host.c
 * says what this host has, SSH_CONNECTION names the session.
 */
#ifndef PC_CLI_LOCKOUT_H
#define PC_CLI_LOCKOUT_H

#include "cli/cli.h"
#include "policy/lockout.h"
#include "policy/tables.h"

/*
 * Judge T with LS[i].mode and .changes (one per scope, the caller's) and
 * report every finding into the sink: errors for what enforce would cut,
 * warnings in audit or with FORCE. Returns the number of errors.
 */
unsigned int pc_cli_lockout(struct pc_ctx *ctx, const struct pc_tables *t,
			    struct pc_lockout_scope *ls, bool force);

/* The same for a config about to be applied as it is: every scope takes
 * the mode the config gives it (running 'mode' switches do not survive an
 * apply). */
unsigned int pc_cli_lockout_config(struct pc_ctx *ctx, const struct pc_tables *t, bool force);

#endif /* PC_CLI_LOCKOUT_H */
