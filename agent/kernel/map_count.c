// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include <bpf/bpf.h>

#include "kernel/map_count.h"

/* Entries fetched a syscall: a bucket larger than this makes the kernel
 * answer ENOSPC, and the batch is doubled. */
#define BATCH 4096u

int pc_map_count(int fd, uint32_t *n, uint32_t *max)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	struct bpf_map_info info = { 0 };
	uint32_t len = sizeof(info), batch = BATCH, got;
	uint64_t in = 0, out = 0;	/* the hash maps' cursor is a u32 bucket */
	bool first = true;
	void *keys = NULL, *vals = NULL;
	int err;

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	*max = info.max_entries;
	*n = 0;
	for (;;) {
		if (!keys) {
			keys = calloc(batch, info.key_size);
			vals = calloc(batch, info.value_size);
			if (!keys || !vals) {
				err = -ENOMEM;
				break;
			}
		}
		got = batch;
		err = bpf_map_lookup_batch(fd, first ? NULL : &in, &out, keys, vals, &got, &opts);
		if (err)
			err = -errno;
		/* ENOENT: the walk is over, with GOT entries of the last buckets */
		if (!err || err == -ENOENT)
			*n += got;
		if (err == -ENOSPC && !got && batch < (1u << 20)) {
			free(keys);
			free(vals);
			keys = vals = NULL;
			batch *= 2;
			continue;
		}
		if (err) {
			if (err == -ENOENT)
				err = 0;
			break;
		}
		first = false;
		in = out;
	}
	free(keys);
	free(vals);
	return err;
}
