/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* file.h - files written whole, most of them only their owner may read. */
#ifndef PC_FILE_H
#define PC_FILE_H

#include <stdio.h>
#include <sys/types.h>

/*
 * PATH opened for writing, truncated, mode 0600 whatever the umask, and
 * made 0600 if it existed with a wider mode. NULL with errno set on
 * failure. What portcullis keeps in RUN_DIR (the state of what it made,
 * the daemon's pid) says how the host is defended: root's alone.
 */
FILE *pc_fopen_private(const char *path);

/*
 * PATH made from WRITE(f, ARG), whole or not at all: written to PATH.tmp
 * (pc_fopen_private), flushed to disk, then renamed over PATH, so a reader
 * or a crash sees the old file or the new one, never half of one. WRITE
 * returns 0 or a negative errno; so does this.
 */
int pc_write_private_atomic(const char *path, int (*write)(FILE *f, const void *arg),
			    const void *arg);

/* As pc_write_private_atomic(), with MODE (whatever the umask): for a file
 * others read, such as the metrics a node_exporter picks up. */
int pc_write_atomic(const char *path, mode_t mode, int (*write)(FILE *f, const void *arg),
		    const void *arg);

#endif /* PC_FILE_H */
