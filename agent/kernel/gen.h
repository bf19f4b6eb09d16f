/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * gen.h - the maps of the BPF object as the agent knows them, and a
 * compiled policy installed as a new generation of them.
 *
 * Every map of bpf/lib/maps.h is one row of pc_map_table (gen.c): its
 * name, shape and, for a per-generation map, its inner maps' shape and
 * what an install puts in them. Pinning, opening pins and installing all
 * iterate that table, and pc_maps_check() holds it against the BPF object
 * at load, so the two cannot disagree silently.
 *
 * The datapath reads pc_active once per packet and uses that slot of every
 * per-generation map (an ARRAY_OF_MAPS). pc_gen_install() builds fresh
 * inner maps sized to the policy, puts them in the inactive slot, and
 * flips pc_active last: until the flip nothing the kernel judges by has
 * changed, after it every packet sees the whole new policy.
 *
 * Every function returns 0 or a negative errno. The fds are borrowed:
 * skeleton maps (bpf_map__fd) and pinned maps (bpf_obj_get) both work.
 */
#ifndef PC_GEN_H
#define PC_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "policy/tables.h"
#include "portcullis.h"

struct bpf_object;

/* A map as bpf/lib/maps.h declares it, in libbpf's terms (bpf_map__type()...). */
struct pc_map_shape {
	uint32_t type;		/* enum bpf_map_type */
	uint32_t key_size;
	uint32_t value_size;
	uint32_t flags;		/* map_flags */
	uint32_t max_entries;	/* 0: not fixed (set at load, or an inner template's 1) */
};

/* One install's input (tables, scope keys, modes), as the fill functions see it. */
struct pc_gen_input;

/* pc_map_desc.use */
#define PC_MAP_USE_GEN	0x1	/* the generation functions need its fd: pc_active and
				 * every per-generation map */

struct pc_map_desc {
	const char *name;		/* PC_MAP_*: the object's map and its pin */
	struct pc_map_shape shape;
	unsigned int use;		/* PC_MAP_USE_* */
	/* A per-generation map (ARRAY_OF_MAPS[PC_GENERATIONS]) only; else zero. */
	struct pc_map_shape inner;	/* its inner template in bpf/lib/maps.h */
	const char *inner_name;		/* kernel name of the inner maps an install makes */
	size_t (*entries)(const struct pc_gen_input *in);	/* max_entries; 0 means 1 */
	int (*fill)(int fd, const struct pc_gen_input *in);	/* put one policy's entries */
};

struct pc_map_table {
	const struct pc_map_desc *rows;
	size_t n;
};

/* Every map of bpf/portcullis.bpf.c, one row each (gen.c). */
extern const struct pc_map_table pc_map_table;

/* Room in struct pc_gen_maps; gen.c asserts that the table fits. */
#define PC_MAPS_MAX	20

/* The fds of an instance's maps, by row of pc_map_table; -1: not open. */
struct pc_gen_maps {
	int fd[PC_MAPS_MAX];
};

#define PC_GEN_MAPS_INIT { .fd = { [0 ... PC_MAPS_MAX - 1] = -1 } }

/*
 * Compare every row of TABLE with the map of that name in OBJ (opened, not
 * necessarily loaded): type, key size, value size, flags, max_entries when
 * the row fixes it, and the same of the inner map of a per-generation map.
 * Every map of OBJ named pc_* must have a row. On a difference: -EINVAL,
 * and WHY (LEN bytes) names the map and both values; a row OBJ lacks:
 * -ENOENT, said the same way.
 */
int pc_maps_check(const struct pc_map_table *table, const struct bpf_object *obj, char *why,
		  size_t len);

/* Borrow the fd of every map of pc_map_table from OBJ (loaded). -ENOENT if
 * one is missing; M is then partly filled and holds nothing to close. */
int pc_gen_maps_from_object(const struct bpf_object *obj, struct pc_gen_maps *m);

/* The fd in M of the map named NAME (PC_MAP_*), or -ENOENT. */
int pc_gen_map_fd(const struct pc_gen_maps *m, const char *name);

/*
 * Install t as the live policy. keys[i] is the resolved hook target of
 * t->scopes[i] (scope id t->scopes[i].scope) and modes[i] its PC_MODE_*; modes NULL takes
 * t->scopes[i].mode. A key with kind 0 (target absent on this host) is
 * skipped. Two scopes with the same key, or a repeated rule key (they are
 * sorted, so a repeat is adjacent), fail with -EEXIST; peer keys must be
 * unique as tables.h says (a repeat would silently take the later value).
 *
 * On failure the running policy is untouched (but for a failure to advance
 * pc_epoch after the flip: the new policy is live, its flows are not
 * judged again). On success the previous generation is no longer in use
 * by any BPF program when this returns (the kernel waits for running
 * programs on outer-map updates), so the next install may reuse its slot,
 * and pc_epoch is one more: conntrack judges every tracked flow again.
 */
int pc_gen_install(const struct pc_gen_maps *m, const struct pc_tables *t,
		   const struct pc_scope_key *keys, const uint32_t *modes);
/* The same with PC_SCOPE_F_* per scope (NULL: none), as apply resolves them. */
int pc_gen_install_flags(const struct pc_gen_maps *m, const struct pc_tables *t,
			 const struct pc_scope_key *keys, const uint32_t *modes,
			 const uint8_t *flags);

/*
 * The same, calling BEFORE_FLIP(ARG) once the new generation is in the
 * inactive slot and the old one still live; its error (negative errno)
 * cancels the install, leaving the old generation live.
 */
int pc_gen_install_then(const struct pc_gen_maps *m, const struct pc_tables *t,
			const struct pc_scope_key *keys, const uint32_t *modes,
			const uint8_t *flags, int (*before_flip)(void *arg), void *arg);

/* The live slot (0 or 1), or -ENOENT if no policy was ever installed. */
int pc_gen_active(const struct pc_gen_maps *m, uint32_t *slot);

/*
 * The live generation's scope map, up to MAX entries, into KEYS and VALS;
 * their number in *N. -ENOENT when no generation is live.
 */
int pc_gen_read_scopes(const struct pc_gen_maps *m, struct pc_scope_key *keys,
		       struct pc_scope_val *vals, size_t max, size_t *n);

/*
 * Change the mode of scope id 'scope' in the live generation, in place:
 * every scope key whose value names that scope. -ENOENT if none does.
 */
int pc_gen_set_mode(const struct pc_gen_maps *m, uint32_t scope, uint32_t mode);

/* The mode of scope id 'scope' in the live generation. -ENOENT if absent. */
int pc_gen_get_mode(const struct pc_gen_maps *m, uint32_t scope, uint32_t *mode);

/* Sum the per-CPU counters of scope id 'scope' in pc_stats into *sum. */
int pc_gen_read_stats(int stats_fd, uint32_t scope, struct pc_stats *sum);
/* Sum the per-CPU counters of SCOPE's REASON (PC_REASON_*) in pc_reasons
 * (PC_MAP_REASONS) into *sum. */
int pc_gen_read_reasons(int reasons_fd, uint32_t scope, uint32_t reason,
			struct pc_reason_stats *sum);

/* Sum the per-CPU event counters in pc_evstats (PC_MAP_EVSTATS) into *sum. */
int pc_gen_read_evstats(int evstats_fd, struct pc_evstats *sum);

/* Sum the per-CPU conntrack counters in pc_ctstats (PC_MAP_CTSTATS) into *sum. */
int pc_gen_read_ctstats(int ctstats_fd, struct pc_ctstats *sum);

#endif /* PC_GEN_H */
