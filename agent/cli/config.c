// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <string.h>

#include "cli/config.h"
#include "policy/compile.h"

int pc_config_load(struct pc_ctx *ctx, const char *path, bool compile, struct pc_config *cfg)
{
	struct pc_diag *diag = &ctx->lib.diag;
	unsigned int before = diag->n_errors, n;
	int err;

	memset(cfg, 0, sizeof(*cfg));
	err = pc_policy_parse_file(path, diag, &cfg->policy);
	/* Resolve even after parse errors, so one run reports everything. */
	if (compile && err != -ENOENT && err != -EACCES) {
		int cerr = pc_compile(&cfg->policy, diag, NULL, &cfg->tables);

		if (!err)
			err = cerr;
		cfg->compiled = !err;
	}
	n = diag->n_errors - before;
	if (n) {
		/* The summary closes the list: a note, so it counts no error
		 * itself and is one more entry, not a second document, in JSON. */
		pc_diag_add(diag, PC_DIAG_NOTE, PC_DIAG_BARE, NULL, NULL,
			    "%u error%s in %s; nothing was changed", n, n == 1 ? "" : "s", path);
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
