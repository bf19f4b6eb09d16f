/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* cgroup.h - cgroup v2, found from the mount table (hybrid layouts too). */
#ifndef PC_CGROUP_H
#define PC_CGROUP_H

#include <stddef.h>
#include <stdint.h>

/* The cgroup2 mount point into BUF (e.g. /sys/fs/cgroup/unified); -ENOENT. */
int pc_cgroup2_root(char *buf, size_t len);

/*
 * Open the cgroup PATH (as written in a config: relative to the cgroup2
 * root, starting with '/'). Returns an O_RDONLY directory fd and its id
 * (what bpf_skb_cgroup_id() returns), or a negative errno.
 */
int pc_cgroup_open(const char *path, uint64_t *id);

#endif /* PC_CGROUP_H */
