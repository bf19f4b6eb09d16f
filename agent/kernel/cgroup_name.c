// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cgroup_name.c - a cgroup v2 id is its kernfs file handle: open it with
 * open_by_handle_at() on the cgroup2 mount, and read the path back from
 * /proc/self/fd. Needs CAP_DAC_READ_SEARCH, which the daemon has as root.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/cgroup.h"
#include "kernel/cgroup_name.h"

#define CACHE_SLOTS 256	/* direct-mapped by id: services are few */

struct slot {
	uint64_t id;	/* 0: empty */
	char path[256];
};

struct pc_cgroup_names {
	int root_fd;
	int handle_type;	/* what name_to_handle_at says for cgroup2 */
	char root[PATH_MAX];
	size_t root_len;
	struct slot cache[CACHE_SLOTS];
};

int pc_cgroup_names_new(struct pc_cgroup_names **out)
{
	struct pc_cgroup_names *c = calloc(1, sizeof(*c));
	struct {
		struct file_handle fh;
		uint64_t id;
	} h;
	int mount_id, err;

	*out = NULL;
	if (!c)
		return -ENOMEM;
	err = pc_cgroup2_root(c->root, sizeof(c->root));
	if (err) {
		free(c);
		return err;
	}
	c->root_len = strlen(c->root);
	c->root_fd = open(c->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	h.fh.handle_bytes = sizeof(h.id);
	if (c->root_fd < 0 ||
	    name_to_handle_at(c->root_fd, "", &h.fh, &mount_id, AT_EMPTY_PATH)) {
		err = -errno;
		if (c->root_fd >= 0)
			close(c->root_fd);
		free(c);
		return err;
	}
	c->handle_type = h.fh.handle_type;
	*out = c;
	return 0;
}

static int resolve(struct pc_cgroup_names *c, uint64_t id, char *buf, size_t len)
{
	struct {
		struct file_handle fh;
		uint64_t id;
	} h = { .fh = { .handle_bytes = sizeof(uint64_t), .handle_type = c->handle_type } };
	char link[64], full[PATH_MAX];
	ssize_t n;
	int fd;

	memcpy(h.fh.f_handle, &id, sizeof(id));
	fd = open_by_handle_at(c->root_fd, &h.fh, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, full, sizeof(full) - 1);
	close(fd);
	if (n < 0)
		return -errno;
	full[n] = '\0';
	if (strncmp(full, c->root, c->root_len))
		return -EXDEV;	/* not under our mount (another namespace) */
	snprintf(buf, len, "%s", full[c->root_len] ? full + c->root_len : "/");
	return 0;
}

const char *pc_cgroup_name(struct pc_cgroup_names *c, uint64_t id)
{
	struct slot *s;

	if (!c || !id)
		return NULL;
	s = &c->cache[id % CACHE_SLOTS];
	if (s->id == id)
		return s->path;
	if (resolve(c, id, s->path, sizeof(s->path))) {
		s->id = 0;
		return NULL;
	}
	s->id = id;
	return s->path;
}

void pc_cgroup_names_free(struct pc_cgroup_names *c)
{
	if (!c)
		return;
	close(c->root_fd);
	free(c);
}
