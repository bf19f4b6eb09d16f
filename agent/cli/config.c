// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/config.h"
#include "policy/compile.h"

/* After loading PATH: the summary note when errors were reported since
 * BEFORE; returns ERR, or -EINVAL for errors without one. */
static int summarize(struct pc_diag *diag, unsigned int before, const char *path, int err)
{
	unsigned int n = diag->n_errors - before;

	if (!n)
		return err;
	/* The summary closes the list: a note, so it counts no error itself
	 * and is one more entry, not a second document, in JSON. */
	pc_diag_add(diag, PC_DIAG_NOTE, PC_DIAG_BARE, NULL, NULL,
		    "%u error%s in %s; nothing was changed", n, n == 1 ? "" : "s", path);
	return err ? err : -EINVAL;
}

int pc_config_load(struct pc_ctx *ctx, const char *path, bool compile, struct pc_config *cfg)
{
	struct pc_diag *diag = &ctx->lib.diag;
	unsigned int before = diag->n_errors;
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
	return summarize(diag, before, path, err);
}

int pc_config_load_listing(struct pc_ctx *ctx, struct pc_config *cfg, const char **shown)
{
	/* Relative to the policy directory, as a host config includes them. */
	static const char text[] = "include \"catalogue.conf\"\ninclude \"roles/*.conf\"\n";
	struct pc_diag *diag = &ctx->lib.diag;
	unsigned int before = diag->n_errors;
	char name[PATH_MAX], catalogue[PATH_MAX];
	int err;

	*shown = ctx->config;
	if (ctx->config_given || access(ctx->config, F_OK) == 0 || errno != ENOENT)
		return pc_config_load(ctx, ctx->config, false, cfg);
	memset(cfg, 0, sizeof(*cfg));
	*shown = ctx->policy_dir;
	/* The buffer is named as a file in DIR, so its includes resolve there. */
	if ((size_t)snprintf(catalogue, sizeof(catalogue), "%s/catalogue.conf",
			     ctx->policy_dir) >= sizeof(catalogue) ||
	    (size_t)snprintf(name, sizeof(name), "%s/shipped", ctx->policy_dir) >= sizeof(name))
		return pc_lib_error(&ctx->lib, -ENAMETOOLONG, NULL, "--policy-dir %s: path too long",
				    ctx->policy_dir);
	if (access(catalogue, R_OK)) {
		err = -errno;
		pc_lib_error(&ctx->lib, err, "give -c FILE, or --policy-dir DIR (policies/ in "
			     "the source tree)", "no host config (%s) and no shipped catalogue "
			     "(%s: %s)", ctx->config, catalogue, strerror(-err));
	} else {
		err = pc_policy_parse_buffer(name, text, sizeof(text) - 1, diag, &cfg->policy);
		err = summarize(diag, before, ctx->policy_dir, err);
	}
	return err;
}

void pc_config_free(struct pc_config *cfg)
{
	pc_tables_free(&cfg->tables);
	pc_policy_free(&cfg->policy);
	cfg->compiled = false;
}
