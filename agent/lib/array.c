// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "lib/array.h"

int pc_array_reserve(void **arr, size_t *cap, size_t want, size_t size)
{
	size_t ncap = *cap ? *cap : 8;
	void *nv;

	if (want <= *cap)
		return 0;
	while (ncap < want) {
		if (ncap > SIZE_MAX / 2)
			return -ENOMEM;
		ncap *= 2;
	}
	if (ncap > SIZE_MAX / size)
		return -ENOMEM;
	nv = realloc(*arr, ncap * size);
	if (!nv)
		return -ENOMEM;
	*arr = nv;
	*cap = ncap;
	return 0;
}
