/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * gen.c - install a compiled policy as a new generation (see gen.h).
 *
 * Order of an install, and why:
 *   1. read pc_active: the live slot; we write only the other one;
 *   2. create fresh inner maps (same type/key/value/flags as the inner
 *      templates in bpf/lib/maps.h, sized to the policy) and fill them;
 *   3. put them in the inactive slot of pc_rules, pc_peers, pc_exact,
 *      pc_sets and pc_scopes;
 *   4. flip pc_active (the only step the datapath notices);
 *   5. update the live slot once more with the same map: the kernel waits
 *      for running BPF programs on every outer-map update, so when this
 *      returns no packet still reads the old slot, and the next install
 *      may overwrite it.
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

/* Inner map shapes: must match bpf/lib/maps.h. */
struct inner_shape {
	enum bpf_map_type type;
	const char *name;
	uint32_t key_size;
	uint32_t value_size;
	uint32_t flags;
};

/* Hash and trie maps grow as filled; an array of any size fits its
 * template only with BPF_F_INNER_MAP (on both). */
static const struct inner_shape rules_shape = {
	BPF_MAP_TYPE_HASH, "pc_rules_gen", sizeof(struct pc_rule_key), sizeof(struct pc_rule_val),
	BPF_F_NO_PREALLOC,
};
static const struct inner_shape peers_shape = {
	BPF_MAP_TYPE_LPM_TRIE, "pc_peers_gen", sizeof(struct pc_peer_key), sizeof(struct pc_peer_val),
	BPF_F_NO_PREALLOC,
};
static const struct inner_shape exact_shape = {
	BPF_MAP_TYPE_HASH, "pc_exact_gen", sizeof(struct pc_exact_key), sizeof(struct pc_peer_val),
	BPF_F_NO_PREALLOC,
};
static const struct inner_shape sets_shape = {
	BPF_MAP_TYPE_ARRAY, "pc_sets_gen", sizeof(uint32_t), sizeof(struct pc_set_info),
	BPF_F_INNER_MAP,
};
static const struct inner_shape scopes_shape = {
	BPF_MAP_TYPE_HASH, "pc_scopes_gen", sizeof(struct pc_scope_key), sizeof(struct pc_scope_val),
	BPF_F_NO_PREALLOC,
};

static int inner_create(const struct inner_shape *s, size_t n)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = s->flags);
	int fd;

	if (n == 0)
		n = 1;	/* a map needs at least one slot; an empty one is fine */
	fd = bpf_map_create(s->type, s->name, s->key_size, s->value_size, (uint32_t)n, &opts);
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

int pc_gen_active(const struct pc_gen_maps *m, uint32_t *slot)
{
	uint32_t s, id;
	int err;

	err = read_active(m->active_fd, &s);
	if (err)
		return err;
	if (s >= PC_GENERATIONS)
		return -ENOENT;
	if (bpf_map_lookup_elem(m->scopes_fd, &s, &id))
		return -ENOENT;	/* empty slot: nothing installed yet */
	*slot = s;
	return 0;
}

static int check_tables(const struct pc_tables *t, const struct pc_scope_key *keys,
			const uint32_t *modes)
{
	size_t i;

	if (t->n_scopes > PC_MAX_SCOPES || t->n_rules > PC_MAX_RULE_KEYS ||
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
		for (j = 0; j < i && keys[i].kind; j++)
			if (keys[j].id == keys[i].id && keys[j].kind == keys[i].kind)
				return -EEXIST;
	}
	/* Rule keys are sorted and unique (tables.h): a duplicate is adjacent. */
	for (i = 1; i < t->n_rules; i++)
		if (!memcmp(&t->rule_keys[i - 1], &t->rule_keys[i], sizeof(t->rule_keys[i])))
			return -EEXIST;
	return 0;
}

/* The scope map of t: one entry per resolved key, value {i, mode}. */
static int fill_scopes(int fd, const struct pc_tables *t, const struct pc_scope_key *keys,
		       const uint32_t *modes)
{
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
		if (keys[i].kind == 0)
			continue;
		k[n].id = keys[i].id;
		k[n].kind = keys[i].kind;
		k[n].pad = 0;
		v[n].scope = (uint32_t)i;
		v[n].mode = modes ? modes[i] : t->scopes ? t->scopes[i].mode : PC_MODE_AUDIT;
		n++;
	}
	err = inner_fill(fd, k, v, n, sizeof(*k), sizeof(*v));
out:
	free(k);
	free(v);
	return err;
}

/* The set infos of t as an array's keys and values: index = set id. Tables
 * made without them (tests) get one zeroed entry: every set in the trie. */
static int fill_sets(int fd, const struct pc_tables *t)
{
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

enum { IN_RULES, IN_PEERS, IN_EXACT, IN_SETS, IN_SCOPES, N_INNER };

int pc_gen_install(const struct pc_gen_maps *m, const struct pc_tables *t,
		   const struct pc_scope_key *keys, const uint32_t *modes)
{
	static const struct inner_shape *const shape[N_INNER] = {
		&rules_shape, &peers_shape, &exact_shape, &sets_shape, &scopes_shape,
	};
	const size_t size[N_INNER] = {
		t->n_rules, t->n_peers, t->n_exact, t->set_infos ? t->n_peer_sets + 1 : 1,
		t->n_scopes,
	};
	const int outer[N_INNER] = {
		m->rules_fd, m->peers_fd, m->exact_fd, m->sets_fd, m->scopes_fd,
	};
	int fd[N_INNER] = { -1, -1, -1, -1, -1 };
	uint32_t live = 0, next, zero = 0;
	int placed = 0, i;
	int err;

	err = check_tables(t, keys, modes);
	if (err)
		return err;
	err = read_active(m->active_fd, &live);
	if (err)
		return err;
	next = live == 0 ? 1 : 0;

	for (i = 0; i < N_INNER; i++) {
		fd[i] = inner_create(shape[i], size[i]);
		if (fd[i] < 0) {
			err = fd[i];
			goto out;
		}
	}
	err = inner_fill(fd[IN_RULES], t->rule_keys, t->rule_vals, t->n_rules,
			 sizeof(struct pc_rule_key), sizeof(struct pc_rule_val));
	if (!err)
		err = inner_fill(fd[IN_PEERS], t->peer_keys, t->peer_vals, t->n_peers,
				 sizeof(struct pc_peer_key), sizeof(struct pc_peer_val));
	if (!err)
		err = inner_fill(fd[IN_EXACT], t->exact_keys, t->exact_vals, t->n_exact,
				 sizeof(struct pc_exact_key), sizeof(struct pc_peer_val));
	if (!err)
		err = fill_sets(fd[IN_SETS], t);
	if (!err)
		err = fill_scopes(fd[IN_SCOPES], t, keys, modes);
	if (err)
		goto out;

	placed = 1;
	for (i = 0; i < N_INNER; i++)
		if (bpf_map_update_elem(outer[i], &next, &fd[i], BPF_ANY)) {
			err = -errno;
			goto out;
		}

	/* The flip. */
	if (bpf_map_update_elem(m->active_fd, &zero, &next, BPF_ANY)) {
		err = -errno;
		goto out;
	}
	placed = 0;
	/* Wait out programs that read the old slot (synchronize_rcu in the kernel). */
	bpf_map_update_elem(m->scopes_fd, &next, &fd[IN_SCOPES], BPF_EXIST);
	err = 0;
out:
	for (i = 0; i < N_INNER; i++) {
		/* Not live: empty the inactive slot again rather than leave half a policy. */
		if (placed)
			bpf_map_delete_elem(outer[i], &next);
		if (fd[i] >= 0)
			close(fd[i]);
	}
	return err;
}

/* An fd for the live generation's scope map. */
static int live_scopes_fd(const struct pc_gen_maps *m)
{
	uint32_t slot, id;
	int err, fd;

	err = pc_gen_active(m, &slot);
	if (err)
		return err;
	if (bpf_map_lookup_elem(m->scopes_fd, &slot, &id))
		return -errno;
	fd = bpf_map_get_fd_by_id(id);
	return fd < 0 ? -errno : fd;
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

int pc_gen_read_stats(int stats_fd, uint32_t scope, struct pc_stats *sum)
{
	if (scope >= PC_MAX_SCOPES)
		return -ERANGE;
	return sum_percpu_u64(stats_fd, scope, (uint64_t *)sum, sizeof(*sum) / sizeof(uint64_t));
}

int pc_gen_read_evstats(int evstats_fd, struct pc_evstats *sum)
{
	return sum_percpu_u64(evstats_fd, 0, (uint64_t *)sum, sizeof(*sum) / sizeof(uint64_t));
}
