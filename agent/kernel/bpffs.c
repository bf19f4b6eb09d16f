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

const char *pc_pin_sub_dir(enum pc_pin_sub sub)
{
	static const char *const dirs[PC_PIN__COUNT] = {
		[PC_PIN_LINKS] = "links",
		[PC_PIN_MAPS] = "maps",
		[PC_PIN_PROGS] = "progs",
	};

	return dirs[sub];
}

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

/* The boot mount namespace's inode: fixed since Linux 6.16 (MNT_NS_INIT_INO
 * in uapi nsfs.h); before, the first inode proc hands out, which it takes
 * (mnt_init() runs before anything else asks proc for one). */
#define PC_MNT_NS_INIT_INO	0xEFFFFFF8U
#define PC_MNT_NS_FIRST_INO	0xF0000000U

int pc_mount_ns_is_host(void)
{
	struct stat self, init;

	if (stat("/proc/self/ns/mnt", &self))
		return -errno;
	if (!stat("/proc/1/ns/mnt", &init))
		return self.st_dev == init.st_dev && self.st_ino == init.st_ino;
	/* PID 1 is hidden from us (no CAP_SYS_PTRACE over it, as in a systemd
	 * unit, or a PID 1 that is not dumpable): the boot namespace's inode
	 * says whether this is it. A container's own namespace is not. */
	if (errno != EACCES && errno != EPERM)
		return -errno;
	return self.st_ino == PC_MNT_NS_INIT_INO || self.st_ino == PC_MNT_NS_FIRST_INO;
}

/*
 * A bpffs mounted in a mount namespace of our own (a systemd unit's
 * PrivateTmp= or ProtectSystem=, 'unshare -m') is invisible to the host
 * and goes when the namespace goes, and with it every pin, so every link:
 * enforcement would end with the process. So mount only in the host's
 * (PID 1's) namespace; elsewhere, or when we cannot tell, -EXDEV and the
 * caller says how to mount it from the host. (Not setns(): that needs
 * CAP_SYS_CHROOT, escapes the sandbox the unit asked for, and a mount made
 * there may never propagate back into a private namespace like ours.)
 */
static int mount_bpffs(const char *path)
{
	if (pc_mount_ns_is_host() != 1)
		return -EXDEV;
	return mount("bpf", path, "bpf", 0, "mode=0700") ? -errno : 0;
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
	return mount_bpffs(std);
}

int pc_pin_dir_prepare(const char *path, bool *mounted)
{
	char sub[PATH_MAX];
	int i, err;

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
			err = mount_bpffs(path);
			if (err)
				return err;
			*mounted = true;
		}
	}
	for (i = 0; i < PC_PIN__COUNT; i++) {
		err = pc_pin_path(sub, sizeof(sub), path, pc_pin_sub_dir((enum pc_pin_sub)i), NULL);
		if (err)
			return err;
		if (mkdir(sub, 0700) && errno != EEXIST)
			return -errno;
	}
	return 0;
}
