/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* bpffs.h - the pin directory: on a bpffs, mounted by us when none is. */
#ifndef PC_BPFFS_H
#define PC_BPFFS_H

#include <stdbool.h>
#include <stddef.h>

/* The pin dir's subdirectories: links/, maps/, progs/. */
enum pc_pin_sub { PC_PIN_LINKS, PC_PIN_MAPS, PC_PIN_PROGS, PC_PIN__COUNT };

/* "links", "maps", "progs". */
const char *pc_pin_sub_dir(enum pc_pin_sub sub);

/* Is PATH on a bpf filesystem? */
bool pc_is_bpffs(const char *path);

/*
 * Make PATH a usable pin directory with subdirectories maps/, progs/ and
 * links/. When PATH is not on a bpffs: a missing PATH whose parent is on
 * bpffs is created there; otherwise PATH is created where possible and a
 * bpffs mounted on it (*mounted = true, so unload can undo exactly that).
 * A mount happens only in the host's mount namespace (PID 1's): -EXDEV
 * when one is needed and this process runs in another, or cannot tell.
 * Called again on a pin dir that lost its bpffs or subdirectories, it
 * makes them again.
 */
int pc_pin_dir_prepare(const char *path, bool *mounted);

/* 1 when this process is in PID 1's mount namespace (or, when PID 1 is
 * hidden from it, in the one the kernel booted with), 0 when not, or a
 * negative errno when /proc cannot say. */
int pc_mount_ns_is_host(void);

/* PATH/SUB/NAME into BUF; -ENAMETOOLONG when it does not fit. */
int pc_pin_path(char *buf, size_t len, const char *pin_dir, const char *sub, const char *name);

#endif /* PC_BPFFS_H */
