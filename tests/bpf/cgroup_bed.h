/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * cgroup_bed.h - a throwaway cgroup for the BPF tests: ROOT/NAME-PID with
 * this process in its child "leaf", and the four sock_addr programs of a
 * skeleton attached at the parent. cgroup_skb runs for real on the test
 * process's own sockets this way, and connect/sendmsg can be exercised
 * (the kernel cannot test-run sock_addr programs).
 */
#ifndef PC_TEST_CGROUP_BED_H
#define PC_TEST_CGROUP_BED_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "kernel/cgroup.h"
#include "portcullis.skel.h"

struct cg_bed {
	int ok;				/* set up: we are in the leaf, programs attached */
	char root[PATH_MAX];		/* the cgroup2 mount */
	char parent[PATH_MAX + 64];
	char leaf[PATH_MAX + 128];
	uint64_t parent_id, leaf_id;
	struct bpf_link *links[4];
};

static inline int cg_bed_write(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	close(fd);
	return n < 0 ? -errno : 0;
}

/* A cgroup's id: its cgroup2 file handle. 0 when it cannot be read. */
static inline uint64_t cg_bed_id(const char *path)
{
	union {
		struct file_handle fh;
		char buf[sizeof(struct file_handle) + sizeof(uint64_t)];
	} h;
	uint64_t id;
	int mount_id;

	h.fh.handle_bytes = sizeof(id);
	if (name_to_handle_at(AT_FDCWD, path, &h.fh, &mount_id, 0) < 0)
		return 0;
	memcpy(&id, h.fh.f_handle, sizeof(id));
	return id;
}

/* b->ok says whether it worked; cg_bed_teardown undoes any part of it. */
static inline void cg_bed_setup(struct cg_bed *b, struct portcullis_bpf *skel, const char *name)
{
	char procs[PATH_MAX + 192], pid[32];
	int i, fd;

	memset(b, 0, sizeof(*b));
	if (pc_cgroup2_root(b->root, sizeof(b->root)))
		return;
	snprintf(b->parent, sizeof(b->parent), "%s/%s-%d", b->root, name, (int)getpid());
	snprintf(b->leaf, sizeof(b->leaf), "%s/leaf", b->parent);
	if (mkdir(b->parent, 0755) || mkdir(b->leaf, 0755))
		return;
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", b->leaf);
	snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	if (cg_bed_write(procs, pid))
		return;
	b->parent_id = cg_bed_id(b->parent);
	b->leaf_id = cg_bed_id(b->leaf);
	fd = open(b->parent, O_RDONLY | O_DIRECTORY);
	if (fd < 0 || !b->parent_id || !b->leaf_id) {
		if (fd >= 0)
			close(fd);
		return;
	}
	b->links[0] = bpf_program__attach_cgroup(skel->progs.cg_connect4, fd);
	b->links[1] = bpf_program__attach_cgroup(skel->progs.cg_connect6, fd);
	b->links[2] = bpf_program__attach_cgroup(skel->progs.cg_sendmsg4, fd);
	b->links[3] = bpf_program__attach_cgroup(skel->progs.cg_sendmsg6, fd);
	close(fd);
	for (i = 0; i < 4; i++)
		if (!b->links[i])
			return;
	b->ok = 1;
}

/* Back to the root cgroup, then remove ours: a cgroup with a member stays. */
static inline void cg_bed_teardown(struct cg_bed *b)
{
	char procs[PATH_MAX + 192], pid[32];
	int i;

	for (i = 0; i < 4; i++)
		bpf_link__destroy(b->links[i]);
	if (!b->root[0] || !b->parent[0])
		return;
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", b->root);
	snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	cg_bed_write(procs, pid);
	rmdir(b->leaf);
	rmdir(b->parent);
}

#endif /* PC_TEST_CGROUP_BED_H */
