// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mntent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/cgroup.h"

int pc_cgroup2_root(char *buf, size_t len)
{
	FILE *f = setmntent("/proc/self/mounts", "r");
	struct mntent *m;
	int err = -ENOENT;

	if (!f)
		return -errno;
	while ((m = getmntent(f))) {
		if (strcmp(m->mnt_type, "cgroup2"))
			continue;
		if (strlen(m->mnt_dir) >= len) {
			err = -ENAMETOOLONG;
			break;
		}
		strcpy(buf, m->mnt_dir);
		err = 0;
		break;
	}
	endmntent(f);
	return err;
}

int pc_cgroup_open(const char *path, uint64_t *id)
{
	struct {
		struct file_handle fh;
		uint64_t cgid;
	} h;
	char root[PATH_MAX], full[PATH_MAX * 2];
	int fd, mount_id, err;

	if (path[0] != '/')
		return -EINVAL;
	err = pc_cgroup2_root(root, sizeof(root));
	if (err)
		return err;
	/* The root cgroup is the whole host: never ours to filter. */
	if (!strcmp(path, "/"))
		return -EPERM;
	snprintf(full, sizeof(full), "%s%s", root, path);
	fd = open(full, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* The file handle of a cgroup2 directory is its 64-bit cgroup id. */
	h.fh.handle_bytes = sizeof(h.cgid);
	if (name_to_handle_at(fd, "", &h.fh, &mount_id, AT_EMPTY_PATH)) {
		err = -errno;
		close(fd);
		return err;
	}
	memcpy(id, h.fh.f_handle, sizeof(*id));
	return fd;
}

int pc_proc_cgroup(long pid, char *buf, size_t len)
{
	char path[64], line[PATH_MAX + 8];
	int err = -ENOENT;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/cgroup", pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "0::", 3)) {
			size_t n = strcspn(line + 3, "\n");

			err = -ENAMETOOLONG;
			if (n < len) {
				memcpy(buf, line + 3, n);
				buf[n] = '\0';
				err = 0;
			}
			break;
		}
	fclose(f);
	return err;
}
