// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <string.h>

#include "cli/config.h"
#include "policy/compile.h"

int pc_config_load(struct pc_ctx *ctx, const char *path, bool compile, struct pc_config *cfg)
{
	struct pc_diag diag;
	int err;

	memset(cfg, 0, sizeof(*cfg));
	pc_diag_init(&diag, ctx->err);
	err = pc_policy_parse_file(path, &diag, &cfg->policy);
	/* Resolve even after parse errors, so one run reports everything. */
	if (compile && err != -ENOENT && err != -EACCES) {
		int cerr = pc_compile(&cfg->policy, &diag, NULL, &cfg->tables);

		if (!err)
			err = cerr;
		cfg->compiled = !err;
	}
	if (diag.n_errors) {
		fprintf(ctx->err, "portcullis: %u error%s in %s; nothing was changed\n",
			diag.n_errors, diag.n_errors == 1 ? "" : "s", path);
		return err ? err : -EINVAL;
	}
	return err;
}

void pc_config_free(struct pc_config *cfg)
{
	pc_tables_free(&cfg->tables);
	pc_policy_free(&cfg->policy);
	cfg->compiled = false;
}
