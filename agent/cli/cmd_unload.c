// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_unload.c - 'unload': remove exactly what this instance made: its
 * links, clsact filters, pins, the bpffs it mounted, its state.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "cli/cli.h"
#include "kernel/attach.h"
#include "kernel/bpffs.h"
#include "kernel/lock.h"
#include "kernel/state.h"

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
