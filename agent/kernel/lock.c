// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/lock.h"
#include "lib/file.h"

int pc_lock_take(const char *run_dir)
{
	char path[PATH_MAX];
	int fd;

	if (mkdir(run_dir, 0700) && errno != EEXIST)
		return -errno;
	snprintf(path, sizeof(path), "%s/lock", run_dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX)) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

void pc_lock_release(int fd)
{
	if (fd >= 0)
		close(fd);	/* closing drops the flock */
}

int pc_pidfile_write(const char *run_dir)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/daemon.pid", run_dir);
	f = pc_fopen_private(path);
	if (!f)
		return -errno;
	fprintf(f, "%d\n", (int)getpid());
	return fclose(f) ? -errno : 0;
}

int pc_pidfile_live(const char *run_dir)
{
	char path[PATH_MAX];
	FILE *f;
	int pid = 0;

	snprintf(path, sizeof(path), "%s/daemon.pid", run_dir);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fscanf(f, "%d", &pid) != 1)
		pid = 0;
	fclose(f);
	if (pid <= 0 || pid == getpid())
		return 0;
	return kill(pid, 0) == 0 || errno == EPERM ? pid : 0;
}

void pc_pidfile_remove(const char *run_dir)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/daemon.pid", run_dir);
	unlink(path);
}
