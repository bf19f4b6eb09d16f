// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* lockout.c - the lock-out analysis of check, apply and mode enforce (lockout.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/lockout.h"
#include "kernel/host.h"

unsigned int pc_cli_lockout(struct pc_ctx *ctx, const struct pc_tables *t,
			    struct pc_lockout_scope *ls, bool force)
{
	const char *env = getenv("SSH_CONNECTION");
	struct pc_lockout_host h = { .scopes = ls };
	struct pc_session s;
	int err;

	if (env && *env) {
		if (pc_session_parse(env, &s))
			pc_diag_add(&ctx->lib.diag, PC_DIAG_WARNING, 0, NULL, NULL,
				    "SSH_CONNECTION='%s' is not 'CLIENT_IP CLIENT_PORT SERVER_IP "
				    "SERVER_PORT': the session it names is not judged", env);
		else
			h.session = &s;
	}
	err = pc_host_lockout_facts(t, h.session, ls, &h.all_ifaces_scoped);
	if (err && !force) {
		pc_fail(ctx, "cannot list this host's interfaces to tell whether enforce locks "
			"you out: %s; pass --force to go on without", strerror(-err));
		return 1;
	}
	return pc_lockout_judge(t, &h, force, &ctx->lib.diag);
}

unsigned int pc_cli_lockout_config(struct pc_ctx *ctx, const struct pc_tables *t, bool force)
{
	struct pc_lockout_scope *ls = calloc(t->n_scopes + 1, sizeof(*ls));
	unsigned int n;
	size_t i;

	if (!ls) {
		pc_fail(ctx, "cannot allocate the lock-out analysis: %s", strerror(ENOMEM));
		return 1;
	}
	for (i = 0; i < t->n_scopes; i++)
		ls[i] = (struct pc_lockout_scope){ .mode = t->scopes[i].mode, .changes = true };
	n = pc_cli_lockout(ctx, t, ls, force);
	free(ls);
	return n;
}
