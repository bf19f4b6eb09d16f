// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_apply.c - 'apply' (swap a new config in), 'unload' (remove exactly
 * what this instance made).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "apply.h"
#include "bpffs.h"
#include "lock.h"

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
	if (!st)
		goto out;
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

static int remove_pins(const char *pin_dir, const char *sub)
{
	char dir[PATH_MAX];
	int err = pc_pin_path(dir, sizeof(dir), pin_dir, sub, NULL);
	struct dirent *de;
	DIR *d;

	if (err)
		return err;
	/* bpffs directories hold only pins: remove them, then the directory. */
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			unlinkat(dirfd(d), de->d_name, 0);
	closedir(d);
	return rmdir(dir) && errno != ENOENT ? -errno : 0;
}

int cmd_unload(struct pc_ctx *ctx, int argc, char **argv)
{
	struct pc_state *st;
	int lock, err, i, pid;

	if (argc > 1)
		return pc_usage(ctx, "unload takes no arguments");
	pid = pc_pidfile_live(ctx->run_dir);
	if (pid)
		return pc_fail(ctx, "the daemon (pid %d) still runs; stop it first, then unload",
			       pid);
	st = calloc(1, sizeof(*st));
	if (!st)
		return pc_fail(ctx, "out of memory");
	lock = pc_lock_take(ctx->run_dir);
	if (lock < 0) {
		free(st);
		return pc_fail(ctx, "cannot lock %s: %s", ctx->run_dir, strerror(-lock));
	}
	err = pc_state_read(ctx->run_dir, st);
	if (err && err != -ENOENT) {
		pc_lock_release(lock);
		free(st);
		return pc_fail(ctx, "cannot read %s/state: %s", ctx->run_dir, strerror(-err));
	}
	/* Links first: once they are gone nothing is judged. */
	pc_detach_links(ctx->pin_dir, NULL, 0);
	for (i = 0; i < st->n_clsact; i++)
		pc_detach_clsact(&st->clsact[i]);
	remove_pins(ctx->pin_dir, "links");
	remove_pins(ctx->pin_dir, "progs");
	remove_pins(ctx->pin_dir, "maps");
	if (st->bpffs_mounted && umount2(ctx->pin_dir, MNT_DETACH) == 0)
		rmdir(ctx->pin_dir);
	else if (!st->bpffs_mounted && pc_is_bpffs(ctx->pin_dir))
		rmdir(ctx->pin_dir);	/* the directory we made on someone's bpffs */
	pc_state_remove(ctx->run_dir);
	pc_lock_release(lock);
	free(st);
	fprintf(ctx->out, "unloaded %s\n", ctx->pin_dir);
	return PC_EXIT_OK;
}
