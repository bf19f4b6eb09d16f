// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_apply.c - 'apply': compile a config and swap it in, atomically.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "cli/config.h"
#include "cli/control.h"
#include "cli/lockout.h"
#include "kernel/apply.h"
#include "kernel/confirm.h"
#include "kernel/gen.h"
#include "kernel/lock.h"
#include "lib/json.h"

static int quiet_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_DEBUG ? 0 : vfprintf(stderr, fmt, ap);
}

/* --confirm: record what runs, and the text of its config, before the swap. */
static int apply_confirm_begin(struct pc_ctx *ctx, const struct pc_state *st,
			       const struct pc_instance *in, const struct pc_tables *t,
			       unsigned int seconds, struct pc_confirm **out)
{
	struct pc_confirm *c = calloc(1, sizeof(*c));
	struct pc_gen_maps maps;
	int err;

	if (!c)
		return pc_fail(ctx, "out of memory; nothing was changed");
	c->kind = PC_CONFIRM_APPLY;
	snprintf(c->change, sizeof(c->change), "apply %s", t->digest);
	err = pc_gen_maps_from_object(pc_instance_object(in), &maps);
	if (err)
		err = pc_fail(ctx, "cannot read the modes that run: %s; nothing was changed",
			      strerror(-err));
	else
		err = pc_confirm_begin(ctx, st, &maps, seconds, c);
	if (err) {
		free(c);
		return err;
	}
	*out = c;
	return 0;
}

enum { OPT_FORCE = 1, OPT_CONFIRM };

const struct pc_opt pc_opts_apply[] = {
	PC_OPT_ROW_FORCE(OPT_FORCE),
	PC_OPT_ROW_CONFIRM(OPT_CONFIRM),
	{ 0 },
};

int cmd_apply(struct pc_ctx *ctx, int argc, char **argv)
{
	struct pc_opt_parser args;
	struct pc_instance in = { 0 };
	struct pc_confirm *confirm = NULL;
	struct pc_config cfg;
	struct pc_state *st = NULL;
	unsigned int seconds = 0;
	int opt, lock = -1, err, ret = PC_EXIT_FAIL;
	bool force = false;

	pc_opt_begin(&args, ctx, "apply", argc, argv);
	while ((opt = pc_opt_next(&args)) != PC_OPT_END) {
		switch (opt) {
		case OPT_FORCE:
			force = true;
			break;
		case OPT_CONFIRM:
			ret = pc_confirm_arg(ctx, args.arg, &seconds);
			if (ret)
				return ret;
			break;
		case PC_OPT_WORD:
			return pc_opt_usage(&args, "apply takes no arguments; the config is -c FILE");
		default:
			return PC_EXIT_USAGE;
		}
	}
	ret = PC_EXIT_FAIL;
	if (!ctx->lib.verbose)
		libbpf_set_print(quiet_print);
	/* Compile first: a bad config never touches the kernel. */
	if (pc_config_load(ctx, ctx->config, true, &cfg))
		goto out;
	/* --confirm is the way back from a lock-out: what it finds is a warning */
	if (pc_cli_lockout_config(ctx, &cfg.tables, force || seconds)) {
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
	if (seconds && apply_confirm_begin(ctx, st, &in, &cfg.tables, seconds, &confirm))
		goto out;
	if (pc_apply(&ctx->lib, &in, &cfg.tables, ctx->config, st))
		goto out;
	pc_confirm_keep_config(ctx, &cfg.policy);	/* for a later --confirm to go back to */
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
	/* Run by the daemon (control.h): its events name these tables from
	 * the flip on. Still under the lock: no other apply comes between. */
	if (ctx->served && ctx->served->applied)
		ctx->served->applied(ctx->served->arg, &cfg, st);
	ret = PC_EXIT_OK;
out:
	if (in.skel)
		pc_instance_close(&in);
	pc_lock_release(lock);
	/* recorded: it reverts, also after an apply that failed half-way */
	if (confirm)
		pc_confirm_arm(ctx, confirm);
	free(confirm);
	pc_config_free(&cfg);
	free(st);
	return ret;
}
