/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* file.h - files only their owner may read. */
#ifndef PC_FILE_H
#define PC_FILE_H

#include <stdio.h>

/*
 * PATH opened for writing, truncated, mode 0600 whatever the umask, and
 * made 0600 if it existed with a wider mode. NULL with errno set on
 * failure. What portcullis keeps in RUN_DIR (the state of what it made,
 * the daemon's pid) says how the host is defended: root's alone.
 */
FILE *pc_fopen_private(const char *path);

#endif /* PC_FILE_H */
