// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_apply.c - 'apply': compile a config and swap it in, atomically.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "cli/config.h"
#include "cli/lockout.h"
#include "kernel/apply.h"
#include "kernel/lock.h"
#include "lib/json.h"

static int quiet_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_DEBUG ? 0 : vfprintf(stderr, fmt, ap);
}

int cmd_apply(struct pc_ctx *ctx, int argc, char **argv)
{
	struct pc_instance in = { 0 };
	struct pc_config cfg;
	struct pc_state *st = NULL;
	int lock = -1, err, ret = PC_EXIT_FAIL;
	bool force = argc == 2 && !strcmp(argv[1], "--force");

	if (argc > 1 && !force)
		return pc_usage(ctx, "apply takes no arguments but --force; the config is -c FILE");
	if (!ctx->lib.verbose)
		libbpf_set_print(quiet_print);
	/* Compile first: a bad config never touches the kernel. */
	if (pc_config_load(ctx, ctx->config, true, &cfg))
		goto out;
	if (pc_cli_lockout_config(ctx, &cfg.tables, force)) {
		pc_diag_add(&ctx->lib.diag, PC_DIAG_NOTE, PC_DIAG_BARE, NULL, NULL,
			    "nothing was changed");
		goto out;
	}
	st = calloc(1, sizeof(*st));
	if (!st) {
		pc_fail(ctx, "cannot allocate the state record: %s; nothing was changed",
			strerror(ENOMEM));
		goto out;
	}
	lock = pc_lock_take(ctx->lib.run_dir);
	if (lock < 0) {
		pc_fail(ctx, "cannot lock %s: %s", ctx->lib.run_dir, strerror(-lock));
		goto out;
	}
	err = pc_state_read(ctx->lib.run_dir, st);
	if (err == -ENOENT) {
		pc_fail(ctx, "nothing runs with --run-dir %s; start 'portcullis daemon' first",
			ctx->lib.run_dir);
		goto out;
	}
	if (pc_apply_load_instance(&ctx->lib, &in))
		goto out;
	if (pc_apply(&ctx->lib, &in, &cfg.tables, ctx->config, st))
		goto out;
	if (ctx->json) {
		struct pc_json j;

		pc_json_init(&j, ctx->out);
		pc_json_begin_object(&j);
		pc_json_key(&j, "applied"); pc_json_string(&j, cfg.tables.digest);
		pc_json_key(&j, "scopes"); pc_json_uint(&j, cfg.tables.n_scopes);
		pc_json_key(&j, "rule_entries"); pc_json_uint(&j, cfg.tables.n_rules);
		pc_json_end_object(&j);
	} else {
		fprintf(ctx->out, "applied %s: %zu scopes, %zu rule entries\n", cfg.tables.digest,
			cfg.tables.n_scopes, cfg.tables.n_rules);
	}
	ret = PC_EXIT_OK;
out:
	if (in.skel)
		pc_instance_close(&in);
	pc_lock_release(lock);
	pc_config_free(&cfg);
	free(st);
	return ret;
}
