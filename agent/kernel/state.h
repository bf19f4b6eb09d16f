/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * state.h - what an instance made, in RUN_DIR/state, so that status can
 * describe it and unload can remove exactly it. Rewritten atomically
 * (temporary file + rename) after every apply.
 *
 * Text, one fact a line:
 *   version 2
 *   pin_dir PATH
 *   bpffs_mounted 0|1
 *   config PATH
 *   digest HEX
 *   loaded UNIX_SECONDS
 *   failsafe 0|1
 *   attach MODE tcx|clsact|cgroup|pending ID SCOPE NAME   (one per scope, in order)
 *
 * ID is the target's key (ifindex or cgroup id), SCOPE the scope id its
 * rules, conntrack and counters are keyed by. Version 1 had no SCOPE: the
 * scope id was the line's position, and reads so.
 *   clsact IFINDEX in|out HANDLE PRIORITY CREATED_QDISC
 */
#ifndef PC_STATE_H
#define PC_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "kernel/attach.h"
#include "portcullis.h"

struct pc_state_scope {
	char name[300];		/* "interface:eth0" */
	char how[8];		/* "tcx", "clsact", "cgroup" */
	uint64_t id;		/* ifindex or cgroup id */
	uint32_t scope;		/* scope id (pc_scope_val.scope) */
	uint32_t mode;		/* configured PC_MODE_* */
};

struct pc_state {
	int version;		/* of the file read; written: 2 */
	char pin_dir[4096];
	char config[4096];
	bool bpffs_mounted;
	char digest[65];
	time_t loaded;
	bool failsafe;
	struct pc_state_scope scopes[PC_MAX_SCOPES];
	int n_scopes;
	struct pc_clsact clsact[2 * PC_MAX_SCOPES];
	int n_clsact;
};

int pc_state_write(const char *run_dir, const struct pc_state *s);
/* -ENOENT when no instance ever ran with RUN_DIR. */
int pc_state_read(const char *run_dir, struct pc_state *s);
int pc_state_remove(const char *run_dir);

#endif /* PC_STATE_H */
