/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * gen.h - install a compiled policy as a new generation of kernel maps.
 *
 * The datapath reads pc_active once per packet and uses that slot of the
 * three ARRAY_OF_MAPS (rules, peers, scopes). pc_gen_install() builds fresh
 * inner maps sized to the policy, puts them in the inactive slot, and
 * flips pc_active last: until the flip nothing the kernel judges by has
 * changed, after it every packet sees the whole new policy.
 *
 * Every function returns 0 or a negative errno. The fds are borrowed:
 * skeleton maps (bpf_map__fd) and pinned maps (bpf_obj_get) both work.
 */
#ifndef PC_GEN_H
#define PC_GEN_H

#include <stdint.h>

#include "policy/tables.h"
#include "portcullis.h"

struct pc_gen_maps {
	int active_fd;	/* PC_MAP_ACTIVE */
	int rules_fd;	/* PC_MAP_RULES */
	int peers_fd;	/* PC_MAP_PEERS */
	int exact_fd;	/* PC_MAP_EXACT */
	int sets_fd;	/* PC_MAP_SETS */
	int scopes_fd;	/* PC_MAP_SCOPES */
};

/*
 * Install t as the live policy. keys[i] is the resolved hook target of
 * t->scopes[i] (scope id i) and modes[i] its PC_MODE_*; modes NULL takes
 * t->scopes[i].mode. A key with kind 0 (target absent on this host) is
 * skipped. Two scopes with the same key, or a repeated rule key (they are
 * sorted, so a repeat is adjacent), fail with -EEXIST; peer keys must be
 * unique as tables.h says (a repeat would silently take the later value).
 *
 * On failure the running policy is untouched. On success the previous
 * generation is no longer in use by any BPF program when this returns
 * (the kernel waits for running programs on outer-map updates), so the
 * next install may reuse its slot.
 */
int pc_gen_install(const struct pc_gen_maps *m, const struct pc_tables *t,
		   const struct pc_scope_key *keys, const uint32_t *modes);

/* The live slot (0 or 1), or -ENOENT if no policy was ever installed. */
int pc_gen_active(const struct pc_gen_maps *m, uint32_t *slot);

/*
 * Change the mode of scope id 'scope' in the live generation, in place:
 * every scope key whose value names that scope. -ENOENT if none does.
 */
int pc_gen_set_mode(const struct pc_gen_maps *m, uint32_t scope, uint32_t mode);

/* The mode of scope id 'scope' in the live generation. -ENOENT if absent. */
int pc_gen_get_mode(const struct pc_gen_maps *m, uint32_t scope, uint32_t *mode);

/* Sum the per-CPU counters of scope id 'scope' in pc_stats into *sum. */
int pc_gen_read_stats(int stats_fd, uint32_t scope, struct pc_stats *sum);

/* Sum the per-CPU event counters in pc_evstats (PC_MAP_EVSTATS) into *sum. */
int pc_gen_read_evstats(int evstats_fd, struct pc_evstats *sum);

#endif /* PC_GEN_H */
