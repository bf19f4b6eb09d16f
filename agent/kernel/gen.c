/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * gen.c - the map table, and a policy installed as a new generation (see
 * gen.h).
 *
 * Order of an install, and why:
 *   1. read pc_active: the live slot; we write only the other one;
 *   2. for every per-generation map, create a fresh inner map (the shape of
 *      its row, which is its inner template in bpf/lib/maps.h, sized to the
 *      policy) and fill it;
 *   3. put them in the inactive slot of their outer maps;
 *   4. flip pc_active (the only step the datapath notices);
 *   5. update the live slot once more with the same map: the kernel waits
 *      for running BPF programs on every outer-map update, so when this
 *      returns no packet still reads the old slot, and the next install
 *      may overwrite it;
 *   6. add one to pc_epoch: conntrack judges every flow again at its next
 *      packet (bpf/lib/ct.h). Only now, so that a packet that sees the
 *      new epoch has read the new slot: a flow judged again by the old
 *      rules and stamped with the new epoch would never be judged by the
 *      new ones.
 * A failure in 1-4 leaves pc_active as it was. The inner maps live on in
 * the outer maps; our fds are closed on every path.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "kernel/gen.h"

struct pc_gen_input {
	const struct pc_tables *t;
	const struct pc_scope_key *keys;	/* per scope of t; kind 0: not on this host */
	const uint32_t *modes;			/* per scope of t; NULL: t's own */
	const uint8_t *flags;			/* per scope of t: PC_SCOPE_F_*; NULL: none */
};

static int inner_create(const struct pc_map_desc *d, size_t n)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = d->inner.flags);
	int fd;

	if (n == 0)
		n = 1;	/* a map needs at least one slot; an empty one is fine */
	fd = bpf_map_create(d->inner.type, d->inner_name, d->inner.key_size, d->inner.value_size,
			    (uint32_t)n, &opts);
	return fd < 0 ? -errno : fd;
}

/*
 * Insert n key/value pairs (arrays of the map's key and value size): one
 * batch syscall, or one update per element where the kernel has no batch
 * update for the map type. Batch updates take no BPF_NOEXIST (elem_flags
 * only allows BPF_F_LOCK), so duplicates are caught before, by the caller.
 */
static int inner_fill(int fd, const void *keys, const void *vals, size_t n,
		      size_t key_size, size_t val_size)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts, .elem_flags = 0);
	__u32 count = (__u32)n;
	size_t i;
	int err;

	if (n == 0)
		return 0;
	err = bpf_map_update_batch(fd, keys, vals, &count, &opts);
	if (!err)
		return count == n ? 0 : -EIO;
	if (err != -EINVAL && err != -EOPNOTSUPP && err != -524 /* ENOTSUPP */)
		return err;

	/* No batch support: element by element (idempotent over a partial batch). */
	for (i = 0; i < n; i++) {
		err = bpf_map_update_elem(fd, (const char *)keys + i * key_size,
					  (const char *)vals + i * val_size, BPF_ANY);
		if (err)
			return -errno;
	}
	return 0;
}

static int read_active(int active_fd, uint32_t *slot)
{
	uint32_t zero = 0, s = 0;

	if (bpf_map_lookup_elem(active_fd, &zero, &s))
		return -errno;
	*slot = s;
	return 0;
}

static int check_tables(const struct pc_tables *t, const struct pc_scope_key *keys,
			const uint32_t *modes)
{
	size_t i;

	if (t->n_scopes > PC_SCOPE_NONE || t->n_rules > PC_MAX_RULE_KEYS ||
	    t->n_peers + t->n_exact > PC_MAX_PEER_PREFIXES)
		return -E2BIG;
	if ((t->n_rules && (!t->rule_keys || !t->rule_vals)) ||
	    (t->n_peers && (!t->peer_keys || !t->peer_vals)) ||
	    (t->n_exact && (!t->exact_keys || !t->exact_vals)) || (t->n_scopes && !keys))
		return -EINVAL;
	for (i = 0; i < t->n_scopes; i++) {
		uint32_t mode = modes ? modes[i] : t->scopes ? t->scopes[i].mode : PC_MODE_AUDIT;
		size_t j;

		if (mode != PC_MODE_AUDIT && mode != PC_MODE_ENFORCE)
			return -EINVAL;
		if (t->scopes && t->scopes[i].scope >= PC_SCOPE_NONE)
			return -EINVAL;
		for (j = 0; j < i; j++)
			if ((keys[i].kind && keys[j].id == keys[i].id &&
			     keys[j].kind == keys[i].kind) ||
			    (t->scopes && t->scopes[j].scope == t->scopes[i].scope))
				return -EEXIST;
	}
	/* Rule keys are sorted and unique (tables.h): a duplicate is adjacent. */
	for (i = 1; i < t->n_rules; i++)
		if (!memcmp(&t->rule_keys[i - 1], &t->rule_keys[i], sizeof(t->rule_keys[i])))
			return -EEXIST;
	return 0;
}

/* The mode of scope i in this install. */
static uint32_t scope_mode(const struct pc_gen_input *in, size_t i)
{
	if (in->modes)
		return in->modes[i];
	return in->t->scopes ? in->t->scopes[i].mode : PC_MODE_AUDIT;
}

/*
 * What each per-generation map holds in one install: how many entries
 * (its inner map's max_entries) and the entries themselves.
 */

static size_t rules_entries(const struct pc_gen_input *in)
{
	return in->t->n_rules;
}

static int rules_fill(int fd, const struct pc_gen_input *in)
{
	const struct pc_tables *t = in->t;

	return inner_fill(fd, t->rule_keys, t->rule_vals, t->n_rules, sizeof(*t->rule_keys),
			  sizeof(*t->rule_vals));
}

static size_t peers_entries(const struct pc_gen_input *in)
{
	return in->t->n_peers;
}

static int peers_fill(int fd, const struct pc_gen_input *in)
{
	const struct pc_tables *t = in->t;

	return inner_fill(fd, t->peer_keys, t->peer_vals, t->n_peers, sizeof(*t->peer_keys),
			  sizeof(*t->peer_vals));
}

static size_t exact_entries(const struct pc_gen_input *in)
{
	return in->t->n_exact;
}

static int exact_fill(int fd, const struct pc_gen_input *in)
{
	const struct pc_tables *t = in->t;

	return inner_fill(fd, t->exact_keys, t->exact_vals, t->n_exact, sizeof(*t->exact_keys),
			  sizeof(*t->exact_vals));
}

/* Tables made without set infos (tests) get one zeroed entry: every set in the trie. */
static size_t sets_entries(const struct pc_gen_input *in)
{
	return in->t->set_infos ? (size_t)in->t->n_peer_sets + 1 : 1;
}

/* The set infos of t as an array's keys and values: index = set id. */
static int sets_fill(int fd, const struct pc_gen_input *in)
{
	const struct pc_tables *t = in->t;
	size_t n = t->set_infos ? (size_t)t->n_peer_sets + 1 : 0, i;
	uint32_t *idx;
	int err;

	if (!n)
		return 0;
	idx = calloc(n, sizeof(*idx));
	if (!idx)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		idx[i] = (uint32_t)i;
	err = inner_fill(fd, idx, t->set_infos, n, sizeof(*idx), sizeof(*t->set_infos));
	free(idx);
	return err;
}

static size_t scopes_entries(const struct pc_gen_input *in)
{
	return in->t->n_scopes;
}

/* The scope map of t: one entry per resolved key, value {scope id, mode}. */
static int scopes_fill(int fd, const struct pc_gen_input *in)
{
	const struct pc_tables *t = in->t;
	struct pc_scope_key *k;
	struct pc_scope_val *v;
	size_t i, n = 0;
	int err;

	if (t->n_scopes == 0)
		return 0;
	k = calloc(t->n_scopes, sizeof(*k));
	v = calloc(t->n_scopes, sizeof(*v));
	if (!k || !v) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < t->n_scopes; i++) {
		if (in->keys[i].kind == 0)
			continue;
		k[n].id = in->keys[i].id;
		k[n].kind = in->keys[i].kind;
		k[n].pad = 0;
		v[n].scope = t->scopes ? t->scopes[i].scope : (uint32_t)i;
		v[n].mode = (uint16_t)scope_mode(in, i);
		v[n].flags = in->flags ? in->flags[i] : 0;
		n++;
	}
	err = inner_fill(fd, k, v, n, sizeof(*k), sizeof(*v));
out:
	free(k);
	free(v);
	return err;
}

/*
 * The table: every map of bpf/lib/maps.h, its shape as libbpf reports it.
 * The enum names the rows so the table reads by name, and so this file can
 * reach the two rows its code uses (pc_active for the flip, the scope map
 * for modes); elsewhere rows are iterated or found by name.
 */
enum {
	ROW_ACTIVE,
	ROW_EPOCH,
	ROW_RULES,
	ROW_PEERS,
	ROW_EXACT,
	ROW_SETS,
	ROW_SCOPES,
	ROW_STATS,
	ROW_REASONS,
	ROW_EVSTATS,
	ROW_CT,
	ROW_CTNEW,
	ROW_CTSTATS,
	ROW_FRAGS,
	ROW_RL,
	ROW_RLTIMER,
	ROW_EVENTS,
	N_ROWS
};

/* An outer map: PC_GENERATIONS slots, each an inner map's fd (libbpf: a 4-byte value). */
#define GEN_OUTER	{ BPF_MAP_TYPE_ARRAY_OF_MAPS, sizeof(__u32), sizeof(__u32), 0, PC_GENERATIONS }

/* Hash and trie inner maps grow as filled; an array of any size fits its
 * template only with BPF_F_INNER_MAP (on both). */
static const struct pc_map_desc rows[N_ROWS] = {
	[ROW_ACTIVE] = {
		PC_MAP_ACTIVE, { BPF_MAP_TYPE_ARRAY, sizeof(__u32), sizeof(__u32), 0, 1 },
		PC_MAP_USE_GEN,
	},
	[ROW_EPOCH] = {
		PC_MAP_EPOCH, { BPF_MAP_TYPE_ARRAY, sizeof(__u32), sizeof(__u32), 0, 1 },
		PC_MAP_USE_GEN,
	},
	[ROW_RULES] = {
		PC_MAP_RULES, GEN_OUTER, PC_MAP_USE_GEN,
		{ BPF_MAP_TYPE_HASH, sizeof(struct pc_rule_key), sizeof(struct pc_rule_val),
		  BPF_F_NO_PREALLOC, 0 },
		"pc_rules_gen", rules_entries, rules_fill,
	},
	[ROW_PEERS] = {
		PC_MAP_PEERS, GEN_OUTER, PC_MAP_USE_GEN,
		{ BPF_MAP_TYPE_LPM_TRIE, sizeof(struct pc_peer_key), sizeof(struct pc_peer_val),
		  BPF_F_NO_PREALLOC, 0 },
		"pc_peers_gen", peers_entries, peers_fill,
	},
	[ROW_EXACT] = {
		PC_MAP_EXACT, GEN_OUTER, PC_MAP_USE_GEN,
		{ BPF_MAP_TYPE_HASH, sizeof(struct pc_exact_key), sizeof(struct pc_peer_val),
		  BPF_F_NO_PREALLOC, 0 },
		"pc_exact_gen", exact_entries, exact_fill,
	},
	[ROW_SETS] = {
		PC_MAP_SETS, GEN_OUTER, PC_MAP_USE_GEN,
		{ BPF_MAP_TYPE_ARRAY, sizeof(__u32), sizeof(struct pc_set_info), BPF_F_INNER_MAP, 0 },
		"pc_sets_gen", sets_entries, sets_fill,
	},
	[ROW_SCOPES] = {
		PC_MAP_SCOPES, GEN_OUTER, PC_MAP_USE_GEN,
		{ BPF_MAP_TYPE_HASH, sizeof(struct pc_scope_key), sizeof(struct pc_scope_val),
		  BPF_F_NO_PREALLOC, 0 },
		"pc_scopes_gen", scopes_entries, scopes_fill,
	},
	[ROW_STATS] = {
		PC_MAP_STATS,
		{ BPF_MAP_TYPE_PERCPU_ARRAY, sizeof(__u32), sizeof(struct pc_stats), 0, PC_MAX_SCOPES },
	},
	[ROW_REASONS] = {
		PC_MAP_REASONS,
		{ BPF_MAP_TYPE_PERCPU_ARRAY, sizeof(__u32), sizeof(struct pc_reason_stats), 0,
		  PC_MAX_SCOPES * PC_REASON_SLOTS },
	},
	[ROW_EVSTATS] = {
		PC_MAP_EVSTATS,
		{ BPF_MAP_TYPE_PERCPU_ARRAY, sizeof(__u32), sizeof(struct pc_evstats), 0, 1 },
	},
	[ROW_CT] = {
		PC_MAP_CT,
		{ BPF_MAP_TYPE_LRU_HASH, sizeof(struct pc_ct_key), sizeof(struct pc_ct_val), 0,
		  PC_CT_ENTRIES },
	},
	[ROW_CTNEW] = {
		PC_MAP_CTNEW,
		{ BPF_MAP_TYPE_LRU_HASH, sizeof(struct pc_ct_key), sizeof(struct pc_ct_val), 0,
		  PC_CT_NEW_ENTRIES },
	},
	[ROW_CTSTATS] = {
		PC_MAP_CTSTATS,
		{ BPF_MAP_TYPE_PERCPU_ARRAY, sizeof(__u32), sizeof(struct pc_ctstats), 0, 1 },
	},
	[ROW_FRAGS] = {
		PC_MAP_FRAGS,
		{ BPF_MAP_TYPE_LRU_HASH, sizeof(struct pc_frag_key), sizeof(struct pc_frag_val), 0,
		  PC_FRAG_ENTRIES },
	},
	[ROW_RL] = {
		PC_MAP_RL,
		{ BPF_MAP_TYPE_HASH, sizeof(struct pc_rl_key), sizeof(struct pc_rl_val), 0,
		  PC_RL_ENTRIES },
	},
	[ROW_RLTIMER] = {
		PC_MAP_RLTIMER,
		{ BPF_MAP_TYPE_ARRAY, sizeof(__u32), sizeof(struct pc_rl_timer), 0, 1 },
	},
	/* No key or value; the daemon may size it at load. */
	[ROW_EVENTS] = {
		PC_MAP_EVENTS, { BPF_MAP_TYPE_RINGBUF, 0, 0, 0, 0 },
	},
};

_Static_assert(N_ROWS <= PC_MAPS_MAX, "raise PC_MAPS_MAX: struct pc_gen_maps has a fd per row");

const struct pc_map_table pc_map_table = { rows, N_ROWS };

static const char *type_name(uint32_t type)
{
	const char *s = libbpf_bpf_map_type_str((enum bpf_map_type)type);

	return s ? s : "unknown";
}

/* How MAP differs from SHAPE (PART: "" or "inner map's "): -EINVAL and WHY, or 0. */
static int shape_differs(const char *name, const char *part, const struct pc_map_shape *shape,
			 const struct bpf_map *map, char *why, size_t len)
{
	const struct pc_map_shape obj = {
		bpf_map__type(map), bpf_map__key_size(map), bpf_map__value_size(map),
		bpf_map__map_flags(map), bpf_map__max_entries(map),
	};
	static const char fmt_u[] = "map %s: %s%s is %u in the agent's map table, %u in the "
				    "BPF object";

	if (shape->type != obj.type)
		snprintf(why, len, "map %s: %stype is %s in the agent's map table, %s in the BPF "
			 "object", name, part, type_name(shape->type), type_name(obj.type));
	else if (shape->key_size != obj.key_size)
		snprintf(why, len, fmt_u, name, part, "key size", shape->key_size, obj.key_size);
	else if (shape->value_size != obj.value_size)
		snprintf(why, len, fmt_u, name, part, "value size", shape->value_size,
			 obj.value_size);
	else if (shape->flags != obj.flags)
		snprintf(why, len, "map %s: %sflags are 0x%x in the agent's map table, 0x%x in the "
			 "BPF object", name, part, shape->flags, obj.flags);
	else if (shape->max_entries && shape->max_entries != obj.max_entries)
		snprintf(why, len, fmt_u, name, part, "max_entries", shape->max_entries,
			 obj.max_entries);
	else
		return 0;
	return -EINVAL;
}

static const struct pc_map_desc *find_row(const struct pc_map_table *table, const char *name)
{
	size_t i;

	for (i = 0; i < table->n; i++)
		if (!strcmp(table->rows[i].name, name))
			return &table->rows[i];
	return NULL;
}

int pc_maps_check(const struct pc_map_table *table, const struct bpf_object *obj, char *why,
		  size_t len)
{
	struct bpf_map *map;
	size_t i;
	int err;

	if (len)
		why[0] = '\0';
	for (i = 0; i < table->n; i++) {
		const struct pc_map_desc *d = &table->rows[i];
		const struct bpf_map *inner;

		map = bpf_object__find_map_by_name(obj, d->name);
		if (!map) {
			snprintf(why, len, "map %s of the agent's map table is not in the BPF object",
				 d->name);
			return -ENOENT;
		}
		err = shape_differs(d->name, "", &d->shape, map, why, len);
		if (err)
			return err;
		inner = bpf_map__inner_map(map);
		if (!inner != !d->inner.type) {
			snprintf(why, len, "map %s: %s", d->name, inner
				 ? "the BPF object's map holds maps, the agent's map table has no "
				   "inner map for it"
				 : "the agent's map table has an inner map for it, the BPF object's "
				   "map holds none");
			return -EINVAL;
		}
		if (inner) {
			err = shape_differs(d->name, "inner map's ", &d->inner, inner, why, len);
			if (err)
				return err;
		}
	}
	/* The other way round: a map the agent would neither pin nor know. */
	bpf_object__for_each_map(map, obj) {
		const char *name = bpf_map__name(map);

		if (strncmp(name, "pc_", 3))
			continue;	/* .rodata and friends belong to one load */
		if (!find_row(table, name)) {
			snprintf(why, len, "map %s of the BPF object has no row in the agent's map "
				 "table", name);
			return -EINVAL;
		}
	}
	return 0;
}

int pc_gen_maps_from_object(const struct bpf_object *obj, struct pc_gen_maps *m)
{
	size_t i;

	*m = (struct pc_gen_maps)PC_GEN_MAPS_INIT;
	for (i = 0; i < N_ROWS; i++) {
		struct bpf_map *map = bpf_object__find_map_by_name(obj, rows[i].name);

		if (!map)
			return -ENOENT;
		m->fd[i] = bpf_map__fd(map);
	}
	return 0;
}

int pc_gen_map_fd(const struct pc_gen_maps *m, const char *name)
{
	const struct pc_map_desc *d = find_row(&pc_map_table, name);

	if (!d || m->fd[d - rows] < 0)
		return -ENOENT;
	return m->fd[d - rows];
}

/*
 * One more than the last epoch (a wrap is harmless: an entry is judged
 * again whenever its stamp differs from the live one).
 */
static int epoch_advance(int fd)
{
	uint32_t zero = 0, e = 0;

	if (bpf_map_lookup_elem(fd, &zero, &e))
		return -errno;
	e++;
	if (bpf_map_update_elem(fd, &zero, &e, BPF_ANY))
		return -errno;
	return 0;
}

int pc_gen_install(const struct pc_gen_maps *m, const struct pc_tables *t,
		   const struct pc_scope_key *keys, const uint32_t *modes)
{
	return pc_gen_install_flags(m, t, keys, modes, NULL);
}

int pc_gen_install_flags(const struct pc_gen_maps *m, const struct pc_tables *t,
			 const struct pc_scope_key *keys, const uint32_t *modes,
			 const uint8_t *flags)
{
	return pc_gen_install_then(m, t, keys, modes, flags, NULL, NULL);
}

int pc_gen_install_then(const struct pc_gen_maps *m, const struct pc_tables *t,
			const struct pc_scope_key *keys, const uint32_t *modes,
			const uint8_t *flags, int (*before_flip)(void *arg), void *arg)
{
	const struct pc_gen_input in = { t, keys, modes, flags };
	uint32_t live = 0, next, zero = 0;
	int fd[N_ROWS];
	int placed = 0, err;
	size_t i;

	for (i = 0; i < N_ROWS; i++)
		fd[i] = -1;
	err = check_tables(t, keys, modes);
	if (err)
		return err;
	err = read_active(m->fd[ROW_ACTIVE], &live);
	if (err)
		return err;
	next = live == 0 ? 1 : 0;

	for (i = 0; i < N_ROWS; i++) {
		if (!rows[i].fill)
			continue;	/* not a per-generation map */
		fd[i] = inner_create(&rows[i], rows[i].entries(&in));
		if (fd[i] < 0) {
			err = fd[i];
			goto out;
		}
		err = rows[i].fill(fd[i], &in);
		if (err)
			goto out;
	}

	placed = 1;
	for (i = 0; i < N_ROWS; i++)
		if (rows[i].fill && bpf_map_update_elem(m->fd[i], &next, &fd[i], BPF_ANY)) {
			err = -errno;
			goto out;
		}

	/* Last chance to act while the old generation is live (apply detaches here). */
	if (before_flip) {
		err = before_flip(arg);
		if (err)
			goto out;
	}
	/* The flip. */
	if (bpf_map_update_elem(m->fd[ROW_ACTIVE], &zero, &next, BPF_ANY)) {
		err = -errno;
		goto out;
	}
	placed = 0;
	/* Wait out programs that read the old slot (synchronize_rcu in the kernel). */
	bpf_map_update_elem(m->fd[ROW_SCOPES], &next, &fd[ROW_SCOPES], BPF_EXIST);
	/* The new policy is live: a failure here is one, said, not undone. */
	err = epoch_advance(m->fd[ROW_EPOCH]);
out:
	for (i = 0; i < N_ROWS; i++) {
		/* Not live: empty the inactive slot again rather than leave half a policy. */
		if (placed && rows[i].fill)
			bpf_map_delete_elem(m->fd[i], &next);
		if (fd[i] >= 0)
			close(fd[i]);
	}
	return err;
}

int pc_gen_active(const struct pc_gen_maps *m, uint32_t *slot)
{
	uint32_t s, id;
	int err;

	err = read_active(m->fd[ROW_ACTIVE], &s);
	if (err)
		return err;
	if (s >= PC_GENERATIONS)
		return -ENOENT;
	if (bpf_map_lookup_elem(m->fd[ROW_SCOPES], &s, &id))
		return -ENOENT;	/* empty slot: nothing installed yet */
	*slot = s;
	return 0;
}

/* An fd for the live generation's scope map. */
static int live_scopes_fd(const struct pc_gen_maps *m)
{
	uint32_t slot, id;
	int err, fd;

	err = pc_gen_active(m, &slot);
	if (err)
		return err;
	if (bpf_map_lookup_elem(m->fd[ROW_SCOPES], &slot, &id))
		return -errno;
	fd = bpf_map_get_fd_by_id(id);
	return fd < 0 ? -errno : fd;
}

int pc_gen_read_scopes(const struct pc_gen_maps *m, struct pc_scope_key *keys,
		       struct pc_scope_val *vals, size_t max, size_t *n)
{
	struct pc_scope_key key, next;
	int fd, err = 0;

	*n = 0;
	fd = live_scopes_fd(m);
	if (fd < 0)
		return fd;
	while (*n < max && bpf_map_get_next_key(fd, *n ? &key : NULL, &next) == 0) {
		key = next;
		if (bpf_map_lookup_elem(fd, &key, &vals[*n])) {
			err = -errno;
			break;
		}
		keys[(*n)++] = key;
	}
	close(fd);
	return err;
}

int pc_gen_set_mode(const struct pc_gen_maps *m, uint32_t scope, uint32_t mode)
{
	struct pc_scope_key key, next;
	struct pc_scope_val val;
	int fd, err = -ENOENT;
	void *prev = NULL;

	if (mode != PC_MODE_AUDIT && mode != PC_MODE_ENFORCE)
		return -EINVAL;
	fd = live_scopes_fd(m);
	if (fd < 0)
		return fd;
	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &val) || val.scope != scope)
			continue;
		val.mode = mode;
		if (bpf_map_update_elem(fd, &key, &val, BPF_EXIST)) {
			err = -errno;
			break;
		}
		err = 0;
	}
	close(fd);
	return err;
}

int pc_gen_get_mode(const struct pc_gen_maps *m, uint32_t scope, uint32_t *mode)
{
	struct pc_scope_key key, next;
	struct pc_scope_val val;
	int fd, err = -ENOENT;
	void *prev = NULL;

	fd = live_scopes_fd(m);
	if (fd < 0)
		return fd;
	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &val) == 0 && val.scope == scope) {
			*mode = val.mode;
			err = 0;
			break;
		}
	}
	close(fd);
	return err;
}

/*
 * Sum the per-CPU values of KEY in a PERCPU_ARRAY whose value is N __u64
 * counters, field by field, into SUM. Per-CPU values are laid out in
 * 8-byte multiples, which an array of __u64 already is.
 */
static int sum_percpu_u64(int fd, uint32_t key, uint64_t *sum, size_t n)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t *per;
	size_t f;
	int i;

	if (ncpu <= 0)
		return ncpu < 0 ? ncpu : -EINVAL;
	per = calloc((size_t)ncpu * n, sizeof(*per));
	if (!per)
		return -ENOMEM;
	if (bpf_map_lookup_elem(fd, &key, per)) {
		int err = -errno;

		free(per);
		return err;
	}
	memset(sum, 0, n * sizeof(*sum));
	for (i = 0; i < ncpu; i++)
		for (f = 0; f < n; f++)
			sum[f] += per[(size_t)i * n + f];
	free(per);
	return 0;
}

/* Both counter structs are nothing but __u64 fields (portcullis.h). */
_Static_assert(sizeof(struct pc_stats) % sizeof(uint64_t) == 0, "pc_stats is all __u64");
_Static_assert(sizeof(struct pc_evstats) % sizeof(uint64_t) == 0, "pc_evstats is all __u64");
_Static_assert(sizeof(struct pc_ctstats) % sizeof(uint64_t) == 0, "pc_ctstats is all __u64");
_Static_assert(sizeof(struct pc_reason_stats) % sizeof(uint64_t) == 0, "pc_reason_stats is all __u64");

int pc_gen_read_stats(int stats_fd, uint32_t scope, struct pc_stats *sum)
{
	if (scope >= PC_MAX_SCOPES)
		return -ERANGE;
	return sum_percpu_u64(stats_fd, scope, (uint64_t *)sum, sizeof(*sum) / sizeof(uint64_t));
}

int pc_gen_read_reasons(int reasons_fd, uint32_t scope, uint32_t reason,
			struct pc_reason_stats *sum)
{
	if (scope >= PC_MAX_SCOPES || reason >= PC_REASON_SLOTS)
		return -ERANGE;
	return sum_percpu_u64(reasons_fd, scope * PC_REASON_SLOTS + reason, (uint64_t *)sum,
			      sizeof(*sum) / sizeof(uint64_t));
}

int pc_gen_read_evstats(int evstats_fd, struct pc_evstats *sum)
{
	return sum_percpu_u64(evstats_fd, 0, (uint64_t *)sum, sizeof(*sum) / sizeof(uint64_t));
}

int pc_gen_read_ctstats(int ctstats_fd, struct pc_ctstats *sum)
{
	return sum_percpu_u64(ctstats_fd, 0, (uint64_t *)sum, sizeof(*sum) / sizeof(uint64_t));
}
