/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * confirm.h - a change that awaits confirmation ('mode --confirm N',
 * 'apply --confirm N'), on disk in RUN_DIR/confirm/, so that whoever
 * reverts it (the daemon, the waiter the command left behind, or a daemon
 * started after both died) knows what to go back to and when. Written
 * before the change is made, atomically (temporary file + rename), 0600.
 *
 *   RUN_DIR/confirm/pending        what to go back to (below)
 *   RUN_DIR/confirm/previous.conf  'apply': the text of the config that ran
 *   RUN_DIR/confirm/running.conf   the text of the config every apply put in
 *                                  place, kept for 'apply --confirm': the
 *                                  operator edits that file before it
 *
 * pending, text, one fact a line:
 *   version 1
 *   kind mode|apply
 *   change TEXT                what awaits confirmation ("mode enforce")
 *   deadline UNIX_SECONDS      CLOCK_REALTIME: a sleeping host still reverts
 *   boot_id UUID               the pins die with the boot, and the change with them
 *   digest HEX                 'apply': the policy to go back to
 *   config PATH                'apply': where previous.conf was read from
 *   scope MODE NAME            every scope's mode before the change
 *
 * Readers and writers hold RUN_DIR/lock (lock.h): the reverter re-reads the
 * record under it, so exactly one of them acts.
 */
#ifndef PC_CONFIRM_H
#define PC_CONFIRM_H

#include <stdint.h>
#include <time.h>

#include "portcullis.h"

enum pc_confirm_kind {
	PC_CONFIRM_MODE,
	PC_CONFIRM_APPLY,
};

struct pc_confirm_scope {
	char name[300];		/* as RUN_DIR/state names it */
	uint32_t mode;		/* PC_MODE_* before the change */
};

struct pc_confirm {
	enum pc_confirm_kind kind;
	char change[256];
	time_t deadline;
	char boot_id[40];
	char digest[65];	/* apply */
	char config[4096];	/* apply */
	struct pc_confirm_scope scopes[PC_MAX_SCOPES];
	int n_scopes;
};

/* The longest wait 'SECONDS' may ask for: a day. A pending change is a
 * safety net for minutes, not a timer for tomorrow. */
#define PC_CONFIRM_MAX_SECONDS	86400

/* The kernel's id of this boot into BUF (at least 37 bytes); "" when the
 * kernel gives none. */
void pc_confirm_boot_id(char *buf, size_t len);

/* Write C, and for 'apply' the previous config's TEXT (LEN bytes; NULL for
 * 'mode'), to RUN_DIR/confirm/. 0 or a negative errno; on failure nothing
 * is pending. */
int pc_confirm_write(const char *run_dir, const struct pc_confirm *c, const char *text,
		     size_t len);

/* Read the pending record into *C: 0, -ENOENT when nothing is pending,
 * -EINVAL when the file is not one we wrote. */
int pc_confirm_read(const char *run_dir, struct pc_confirm *c);

/* The whole regular file PATH into *TEXT (malloc'd, NUL-terminated), its
 * length in *LEN. 0 or a negative errno. */
int pc_confirm_read_text(const char *path, char **text, size_t *len);

/* Keep TEXT (LEN bytes), the config an apply just put in place, as
 * running.conf. 0 or a negative errno. */
int pc_confirm_keep(const char *run_dir, const char *text, size_t len);

/* The text of running.conf, as pc_confirm_read_previous(). */
int pc_confirm_read_kept(const char *run_dir, char **text, size_t *len);

/* The text of previous.conf into *TEXT (malloc'd, NUL-terminated). */
int pc_confirm_read_previous(const char *run_dir, char **text, size_t *len);

/* Nothing pending any more: remove the record and previous.conf. */
int pc_confirm_remove(const char *run_dir);

/* The kind's name, as the record and events spell it. */
const char *pc_confirm_kind_name(enum pc_confirm_kind k);

#endif /* PC_CONFIRM_H */
