/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * hold.h - the daemon's own references to every object pinned under the
 * pin dir: the links (links/), the maps (maps/) and the programs (progs/).
 *
 * A pin is the only reference a link has once apply is done: removing it,
 * the pin dir, or unmounting the bpffs detaches the hooks at once. A
 * daemon that holds an fd of each keeps them attached while it runs, sees
 * a pin go (pc_hold_lost(), a stat per pin), and pins the object again
 * from its fd (pc_hold_repair()), remounting a bpffs portcullis mounted.
 */
#ifndef PC_HOLD_H
#define PC_HOLD_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "kernel/bpffs.h"
#include "kernel/state.h"

struct pc_hold_pin {
	enum pc_pin_sub kind;	/* its subdirectory: link, map or program */
	char name[NAME_MAX + 1];
	int fd;
	dev_t dev;		/* the pin as seen when held or last pinned */
	ino_t ino;
	bool lost;		/* pc_hold_lost() found no pin, or another object, there */
};

struct pc_hold {
	char pin_dir[PATH_MAX];
	struct pc_hold_pin *pins;
	size_t n, cap;
};

#define PC_HOLD_INIT { .pins = NULL }

/* What pc_hold_repair() did, for the log line and sd_notify's STATUS. */
struct pc_hold_repair {
	unsigned int repinned[PC_PIN__COUNT];	/* by kind */
	bool remade_dir;	/* the pin dir (or its bpffs) was made again */
	bool mounted;		/* ... by mounting a bpffs on it */
	int err;		/* 0, or the first failure: */
	char failed[PATH_MAX];	/* what it was about */
};

/*
 * Hold every object pinned under PIN_DIR now, after an apply whose state
 * is ST: links it unpinned (of a scope it dropped) are let go, which
 * detaches them. An object held before whose pin is missing, and that ST
 * still has (every map and program; the links of its scopes), was lost
 * since the apply: it stays held, lost, for pc_hold_repair(). Call under
 * the instance lock. 0 or a negative errno (the old set stays).
 */
int pc_hold_refresh(struct pc_hold *h, const char *pin_dir, const struct pc_state *st);

/* Mark every held object whose pin is gone (or is another object now)
 * as lost; return how many are. */
size_t pc_hold_lost(struct pc_hold *h);

/*
 * Pin every lost object again from its fd, after making the pin dir again
 * (pc_pin_dir_prepare(): a bpffs mounted where portcullis would mount one,
 * and only in the host's mount namespace). A pin whose path is taken by
 * another object stays lost. 0, or the first failure in R (the held fds
 * stay: enforcement goes on while the daemon runs).
 */
int pc_hold_repair(struct pc_hold *h, struct pc_hold_repair *r);

/* What a subdirectory holds: "links", "maps", "programs" (for messages). */
const char *pc_hold_kind_name(enum pc_pin_sub kind);

/* Close every fd: what only the daemon held detaches. */
void pc_hold_close(struct pc_hold *h);

#endif /* PC_HOLD_H */
