/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * map_count.h - how full a hash map is. The kernel keeps no count an
 * unprivileged reader could ask for on 6.1 (BPF_MAP_TYPE_*_HASH got
 * bpf_map_sum_elem_count only in 6.6, and only for BPF iterators), so the
 * entries are walked: in batches (BPF_MAP_LOOKUP_BATCH, one syscall per
 * 4096 entries), not one BPF_MAP_GET_NEXT_KEY per key: a full
 * 65536-entry pc_ct takes 18 ms so, 71 ms key by key (docs/metrics.md).
 */
#ifndef PC_MAP_COUNT_H
#define PC_MAP_COUNT_H

#include <stdint.h>

/* The entries in hash map FD now (*N) and its max_entries (*MAX). 0 or a
 * negative errno. Entries added or removed meanwhile may or may not count. */
int pc_map_count(int fd, uint32_t *n, uint32_t *max);

#endif /* PC_MAP_COUNT_H */
