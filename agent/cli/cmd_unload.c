// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_unload.c - 'unload': remove exactly what this instance made: its
 * links, clsact filters, the clsact qdiscs it created that nobody else
 * uses, pins, the bpffs it mounted, its state. It leaves the event log:
 * an operator reads it after.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <net/if.h>
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

/* DIR holds only files we made (pins, or what confirm.h keeps): remove
 * them, then DIR. */
static int remove_dir(const char *dir)
{
	struct dirent *de;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			unlinkat(dirfd(d), de->d_name, 0);
	closedir(d);
	return rmdir(dir) && errno != ENOENT ? -errno : 0;
}

static int remove_pins(const char *pin_dir, const char *sub)
{
	char dir[PATH_MAX];
	int err = pc_pin_path(dir, sizeof(dir), pin_dir, sub, NULL);

	return err ? err : remove_dir(dir);
}

/* What became of the clsact qdisc on one interface. */
struct qdisc_fate {
	int ifindex;
	char ifname[IF_NAMESIZE];
	const char *what;	/* "removed", "kept", "gone" */
	char why[160];
};

/*
 * The clsact qdiscs of the interfaces ST had filters on, after the filters
 * went: the ones portcullis created go unless others' filters use them
 * now; one that was there before stays. One entry per interface in *F.
 */
static size_t release_qdiscs(const struct pc_state *st, struct qdisc_fate *f)
{
	size_t n = 0, k, left;
	int i, j, r;

	for (i = 0; i < st->n_clsact; i++) {
		struct qdisc_fate *q = &f[n];
		bool created = false, seen = false;

		for (k = 0; k < n; k++)
			seen |= f[k].ifindex == st->clsact[i].ifindex;
		if (seen)
			continue;
		for (j = i; j < st->n_clsact; j++)
			created |= st->clsact[j].ifindex == st->clsact[i].ifindex &&
				   st->clsact[j].created_qdisc;
		q->ifindex = st->clsact[i].ifindex;
		if (!if_indextoname((unsigned int)q->ifindex, q->ifname))
			snprintf(q->ifname, sizeof(q->ifname), "ifindex %d", q->ifindex);
		r = created ? pc_clsact_release(q->ifindex, &left) : 0;
		q->what = r == 1 ? "removed" : r == -ENOENT ? "gone" : "kept";
		if (!created)
			snprintf(q->why, sizeof(q->why), "it was there before portcullis");
		else if (r == 1)
			snprintf(q->why, sizeof(q->why), "portcullis created it; nothing else used it");
		else if (r == 0)
			snprintf(q->why, sizeof(q->why), "portcullis created it, but %zu filters of "
				 "others are on it now", left);
		else if (r == -ENOENT)
			snprintf(q->why, sizeof(q->why), "it or its interface was removed already");
		else
			snprintf(q->why, sizeof(q->why), "cannot list its filters or delete it: %s; "
				 "'tc qdisc del dev %s clsact' once nothing uses it", strerror(-r),
				 q->ifname);
		n++;
	}
	return n;
}

const struct pc_opt pc_opts_unload[] = { { 0 } };

int cmd_unload(struct pc_ctx *ctx, int argc, char **argv)
{
	struct qdisc_fate *fate = NULL;
	char confirm_dir[PATH_MAX];
	struct pc_state *st;
	size_t n_fate, k;
	int lock, err, i, pid;

	if (pc_opt_words(ctx, "unload", argc, argv, NULL))
		return PC_EXIT_USAGE;
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
	/* One per interface at most; without memory the qdiscs stay. */
	fate = calloc((size_t)st->n_clsact + 1, sizeof(*fate));
	n_fate = fate ? release_qdiscs(st, fate) : 0;
	remove_pins(ctx->lib.pin_dir, "links");
	remove_pins(ctx->lib.pin_dir, "progs");
	remove_pins(ctx->lib.pin_dir, "maps");
	if (st->bpffs_mounted && umount2(ctx->lib.pin_dir, MNT_DETACH) == 0)
		rmdir(ctx->lib.pin_dir);
	else if (!st->bpffs_mounted && pc_is_bpffs(ctx->lib.pin_dir))
		rmdir(ctx->lib.pin_dir);	/* the directory we made on someone's bpffs */
	pc_state_remove(ctx->lib.run_dir);
	/* A change awaiting confirmation, and the configs kept for it, describe
	 * what is gone now: a daemon started later must not revert to them.
	 * RUN_DIR itself and its lock stay (a waiter may hold the lock file
	 * open; RUN_DIR is on tmpfs, gone at boot). */
	if (snprintf(confirm_dir, sizeof(confirm_dir), "%s/confirm", ctx->lib.run_dir) <
	    (int)sizeof(confirm_dir))
		remove_dir(confirm_dir);
	pc_lock_release(lock);
	free(st);
	if (ctx->json) {
		struct pc_json j;

		pc_json_init(&j, ctx->out);
		pc_json_begin_object(&j);
		pc_json_key(&j, "unloaded"); pc_json_string(&j, ctx->lib.pin_dir);
		pc_json_key(&j, "clsact_qdiscs");
		pc_json_begin_array(&j);
		for (k = 0; k < n_fate; k++) {
			pc_json_begin_object(&j);
			pc_json_key(&j, "interface"); pc_json_string(&j, fate[k].ifname);
			pc_json_key(&j, "qdisc"); pc_json_string(&j, fate[k].what);
			pc_json_key(&j, "why"); pc_json_string(&j, fate[k].why);
			pc_json_end_object(&j);
		}
		pc_json_end_array(&j);
		pc_json_key(&j, "event_log"); pc_json_string(&j, ctx->lib.log_dir);
		pc_json_end_object(&j);
	} else {
		for (k = 0; k < n_fate; k++)
			fprintf(ctx->out, "clsact qdisc on %s: %s (%s)\n", fate[k].ifname,
				fate[k].what, fate[k].why);
		fprintf(ctx->out, "unloaded %s; the event log stays in %s\n", ctx->lib.pin_dir,
			ctx->lib.log_dir);
	}
	free(fate);
	return PC_EXIT_OK;
}
