/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* lock.h - one lock per instance (RUN_DIR/lock): writers take turns. */
#ifndef PC_LOCK_H
#define PC_LOCK_H

/* Take the lock, waiting for another writer. Returns an fd to pass to
 * pc_lock_release, or a negative errno. */
int pc_lock_take(const char *run_dir);
void pc_lock_release(int fd);

/* The daemon's pid file: RUN_DIR/daemon.pid. */
int pc_pidfile_write(const char *run_dir);
/* The pid of a live daemon of RUN_DIR, 0 when none runs. */
int pc_pidfile_live(const char *run_dir);
void pc_pidfile_remove(const char *run_dir);

#endif /* PC_LOCK_H */
