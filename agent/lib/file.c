// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/file.h"

static FILE *fopen_mode(const char *path, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	FILE *f;
	int err;

	if (fd < 0)
		return NULL;
	if (fchmod(fd, mode) || !(f = fdopen(fd, "w"))) {
		err = errno;
		close(fd);
		errno = err;
		return NULL;
	}
	return f;
}

FILE *pc_fopen_private(const char *path)
{
	return fopen_mode(path, 0600);
}

int pc_write_private_atomic(const char *path, int (*write)(FILE *f, const void *arg),
			    const void *arg)
{
	return pc_write_atomic(path, 0600, write, arg);
}

int pc_write_atomic(const char *path, mode_t mode, int (*write)(FILE *f, const void *arg),
		    const void *arg)
{
	char tmp[PATH_MAX + 8];
	FILE *f;
	int n, err;

	n = snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return -ENAMETOOLONG;
	f = fopen_mode(tmp, mode);
	if (!f)
		return -errno;
	err = write(f, arg);
	if (!err && (fflush(f) || fsync(fileno(f))))
		err = -errno;
	if (fclose(f) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}
