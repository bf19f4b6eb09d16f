// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include "kernel/bpffs.h"

bool pc_is_bpffs(const char *path)
{
	struct statfs st;

	return statfs(path, &st) == 0 && st.f_type == BPF_FS_MAGIC;
}

static int mkdir_p(const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	size_t i, len = strlen(path);

	if (len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (i = 1; i <= len; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, mode) && errno != EEXIST)
			return -errno;
		buf[i] = i == len ? '\0' : '/';
	}
	return 0;
}

int pc_pin_path(char *buf, size_t len, const char *pin_dir, const char *sub, const char *name)
{
	int n = name ? snprintf(buf, len, "%s/%s/%s", pin_dir, sub, name)
		     : snprintf(buf, len, "%s/%s", pin_dir, sub);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/*
 * The standard place, /sys/fs/bpf, is a directory of sysfs where nothing
 * can be created until a bpffs is mounted on it (systemd does that at
 * boot; some hosts never do). Mount it there, like systemd would, so the
 * default pin dir works everywhere. It stays mounted: it is the host's.
 */
static int mount_standard_bpffs(const char *path)
{
	static const char std[] = "/sys/fs/bpf";

	if (strncmp(path, std, sizeof(std) - 1) || path[sizeof(std) - 1] != '/')
		return 0;
	if (pc_is_bpffs(std))
		return 0;
	if (mount("bpf", std, "bpf", 0, "mode=0700"))
		return -errno;
	return 0;
}

int pc_pin_dir_prepare(const char *path, bool *mounted)
{
	static const char *const subs[] = { "maps", "progs", "links" };
	char sub[PATH_MAX];
	size_t i;
	int err;

	*mounted = false;
	err = mount_standard_bpffs(path);
	if (err)
		return err;
	if (!pc_is_bpffs(path)) {
		err = mkdir_p(path, 0700);
		if (err)
			return err;
		/* A fresh directory on bpffs (the parent's) needs no mount. */
		if (!pc_is_bpffs(path)) {
			if (mount("bpf", path, "bpf", 0, "mode=0700"))
				return -errno;
			*mounted = true;
		}
	}
	for (i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
		err = pc_pin_path(sub, sizeof(sub), path, subs[i], NULL);
		if (err)
			return err;
		if (mkdir(sub, 0700) && errno != EEXIST)
			return -errno;
	}
	return 0;
}
