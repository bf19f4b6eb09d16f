// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/file.h"

FILE *pc_fopen_private(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	FILE *f;
	int err;

	if (fd < 0)
		return NULL;
	if (fchmod(fd, 0600) || !(f = fdopen(fd, "w"))) {
		err = errno;
		close(fd);
		errno = err;
		return NULL;
	}
	return f;
}
