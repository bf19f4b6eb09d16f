/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* config.h - read a host config and compile it, reporting every error. */
#ifndef PC_CONFIG_H
#define PC_CONFIG_H

#include "cli/cli.h"
#include "policy/policy.h"
#include "policy/tables.h"

struct pc_config {
	struct pc_policy policy;
	struct pc_tables tables;
	bool compiled;		/* tables are valid */
};

/*
 * Parse PATH; when COMPILE, also compile it. Diagnostics go to the sink,
 * ctx->lib.diag, followed by a summary note. Returns 0, or a negative
 * errno after reporting; *cfg is always safe to pc_config_free().
 */
int pc_config_load(struct pc_ctx *ctx, const char *path, bool compile, struct pc_config *cfg);
/*
 * The policy 'catalogue' and 'roles' list, uncompiled: the host config,
 * or when no -c was given and the default config does not exist, the
 * shipped catalogue.conf and roles/ (each .conf) in ctx->policy_dir, so they
 * answer on a host not set up yet. *SHOWN names which, for messages.
 */
int pc_config_load_listing(struct pc_ctx *ctx, struct pc_config *cfg, const char **shown);
void pc_config_free(struct pc_config *cfg);

#endif /* PC_CONFIG_H */
