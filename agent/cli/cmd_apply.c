// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_apply.c - 'apply': compile a config and swap it in, atomically.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "kernel/apply.h"
#include "kernel/lock.h"

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

	if (argc > 1)
		return pc_usage(ctx, "apply takes no arguments; the config is -c FILE");
	if (!ctx->verbose)
		libbpf_set_print(quiet_print);
	/* Compile first: a bad config never touches the kernel. */
	if (pc_config_load(ctx, ctx->config, true, &cfg))
		goto out;
	st = calloc(1, sizeof(*st));
	if (!st) {
		pc_fail(ctx, "cannot allocate the state record: %s; nothing was changed",
			strerror(ENOMEM));
		goto out;
	}
	lock = pc_lock_take(ctx->run_dir);
	if (lock < 0) {
		pc_fail(ctx, "cannot lock %s: %s", ctx->run_dir, strerror(-lock));
		goto out;
	}
	err = pc_state_read(ctx->run_dir, st);
	if (err == -ENOENT) {
		pc_fail(ctx, "nothing runs with --run-dir %s; start 'portcullis daemon' first",
			ctx->run_dir);
		goto out;
	}
	if (pc_apply_load_instance(ctx, &in))
		goto out;
	if (pc_apply(ctx, &in, &cfg, st))
		goto out;
	fprintf(ctx->out, "applied %s: %zu scopes, %zu rule entries\n", cfg.tables.digest,
		cfg.tables.n_scopes, cfg.tables.n_rules);
	ret = PC_EXIT_OK;
out:
	if (in.skel)
		pc_instance_close(&in);
	pc_lock_release(lock);
	pc_config_free(&cfg);
	free(st);
	return ret;
}
