/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * cgroup_name.h - cgroup id (what BPF reports) to path (what operators
 * write in 'attach cgroup'), for events. Cached: a busy service sends many
 * events from one cgroup, and each lookup costs three syscalls.
 */
#ifndef PC_CGROUP_NAME_H
#define PC_CGROUP_NAME_H

#include <stdint.h>

struct pc_cgroup_names;

/* Open the cgroup2 root for lookups. 0 or a negative errno. */
int pc_cgroup_names_new(struct pc_cgroup_names **out);
/* The path of cgroup ID relative to the cgroup2 root ("/system.slice/x"),
 * or NULL when it is gone or unknown. Valid until the next call. */
const char *pc_cgroup_name(struct pc_cgroup_names *c, uint64_t id);
void pc_cgroup_names_free(struct pc_cgroup_names *c);

#endif /* PC_CGROUP_NAME_H */
