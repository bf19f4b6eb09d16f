// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * pinned.c - open the pinned maps of a loaded instance (see pinned.h).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "kernel/instance.h"
#include "kernel/pinned.h"

void pc_pinned_close(struct pc_pinned *p)
{
	int *fds[] = { &p->maps.active_fd, &p->maps.rules_fd, &p->maps.peers_fd,
		       &p->maps.exact_fd, &p->maps.sets_fd, &p->maps.scopes_fd, &p->stats_fd,
		       &p->evstats_fd };
	size_t i;

	for (i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

int pc_pinned_open(const char *pin_dir, struct pc_pinned *p)
{
	p->maps.active_fd = pc_pinned_map_open(pin_dir, PC_MAP_ACTIVE);
	p->maps.rules_fd = pc_pinned_map_open(pin_dir, PC_MAP_RULES);
	p->maps.peers_fd = pc_pinned_map_open(pin_dir, PC_MAP_PEERS);
	p->maps.exact_fd = pc_pinned_map_open(pin_dir, PC_MAP_EXACT);
	p->maps.sets_fd = pc_pinned_map_open(pin_dir, PC_MAP_SETS);
	p->maps.scopes_fd = pc_pinned_map_open(pin_dir, PC_MAP_SCOPES);
	p->stats_fd = pc_pinned_map_open(pin_dir, PC_MAP_STATS);
	/* Optional: an instance loaded before event accounting has none. */
	p->evstats_fd = pc_pinned_map_open(pin_dir, PC_MAP_EVSTATS);
	if (p->evstats_fd < 0)
		p->evstats_fd = -1;
	if (p->maps.active_fd < 0 || p->maps.rules_fd < 0 || p->maps.peers_fd < 0 ||
	    p->maps.exact_fd < 0 || p->maps.sets_fd < 0 || p->maps.scopes_fd < 0 ||
	    p->stats_fd < 0) {
		int err = p->maps.active_fd < 0 ? p->maps.active_fd : -ENOENT;

		pc_pinned_close(p);	/* closes what did open; errnos are < 0 too */
		return err;
	}
	return 0;
}

int pc_open_instance(struct pc_ctx *ctx, struct pc_state *st, struct pc_pinned *p)
{
	int err = pc_state_read(ctx->run_dir, st);

	if (err == -ENOENT)
		return pc_fail(ctx, "nothing is loaded for --run-dir %s; start 'portcullis daemon'",
			       ctx->run_dir);
	if (err)
		return pc_fail(ctx, "cannot read %s/state: %s", ctx->run_dir, strerror(-err));
	err = pc_pinned_open(ctx->pin_dir, p);
	if (err)
		return pc_fail(ctx, "cannot open the pinned maps in %s: %s; run as root, or "
			       "give the --pin-dir the daemon uses", ctx->pin_dir, strerror(-err));
	return 0;
}
