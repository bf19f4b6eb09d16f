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
#include "lib/json.h"

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
	pid = pc_pidfile_live(ctx->lib.run_dir);
	if (pid)
		return pc_fail(ctx, "the daemon (pid %d) still runs; stop it first, then unload",
			       pid);
	st = calloc(1, sizeof(*st));
	if (!st)
		return pc_fail(ctx, "out of memory");
	lock = pc_lock_take(ctx->lib.run_dir);
	if (lock < 0) {
		free(st);
		return pc_fail(ctx, "cannot lock %s: %s", ctx->lib.run_dir, strerror(-lock));
	}
	err = pc_state_read(ctx->lib.run_dir, st);
	if (err && err != -ENOENT) {
		pc_lock_release(lock);
		free(st);
		return pc_fail(ctx, "cannot read %s/state: %s", ctx->lib.run_dir, strerror(-err));
	}
	/* Links first: once they are gone nothing is judged. */
	pc_detach_links(ctx->lib.pin_dir, NULL, 0);
	for (i = 0; i < st->n_clsact; i++)
		pc_detach_clsact(&st->clsact[i]);
	remove_pins(ctx->lib.pin_dir, "links");
	remove_pins(ctx->lib.pin_dir, "progs");
	remove_pins(ctx->lib.pin_dir, "maps");
	if (st->bpffs_mounted && umount2(ctx->lib.pin_dir, MNT_DETACH) == 0)
		rmdir(ctx->lib.pin_dir);
	else if (!st->bpffs_mounted && pc_is_bpffs(ctx->lib.pin_dir))
		rmdir(ctx->lib.pin_dir);	/* the directory we made on someone's bpffs */
	pc_state_remove(ctx->lib.run_dir);
	pc_lock_release(lock);
	free(st);
	if (ctx->json) {
		struct pc_json j;

		pc_json_init(&j, ctx->out);
		pc_json_begin_object(&j);
		pc_json_key(&j, "unloaded"); pc_json_string(&j, ctx->lib.pin_dir);
		pc_json_end_object(&j);
	} else {
		fprintf(ctx->out, "unloaded %s\n", ctx->lib.pin_dir);
	}
	return PC_EXIT_OK;
}
