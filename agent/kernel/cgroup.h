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

/*
 * The cgroup v2 path of process PID (the "0::PATH" line of
 * /proc/PID/cgroup) into BUF; -ENOENT without one, -ENAMETOOLONG when it
 * does not fit, or the errno of opening the file (the process is gone).
 */
int pc_proc_cgroup(long pid, char *buf, size_t len);

#endif /* PC_CGROUP_H */
