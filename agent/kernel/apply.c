// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stddef.h>
#include <limits.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "kernel/apply.h"
#include "kernel/attach.h"
#include "kernel/cgroup.h"
#include "kernel/gen.h"
#include "policy/scope_ids.h"

int pc_apply_load_instance(struct pc_lib *lib, struct pc_instance *in)
{
	/* The object's ring size; conntrack as asked, or as pinned. */
	const struct pc_load_sizes sizes = {
		.ct_entries = lib->ct_entries, .ct_new_entries = lib->ct_new_entries,
	};
	const char *what = "";
	int err = pc_instance_load(in, lib->pin_dir, &sizes, &what);

	if (!err)
		return 0;
	/* A build whose agent and BPF object disagree: no pin or kernel can fix it. */
	if (in->mismatch[0])
		return pc_lib_error(lib, err, "build both from one source tree",
				    "the agent and its BPF object disagree: %s", in->mismatch);
	if (in->resize[0])
		return pc_lib_error(lib, err, "a pinned map keeps its size: stop the daemon, run "
				    "'portcullis unload' (tracked flows are forgotten: replies no "
				    "rule allows are dropped until the flows start again), then "
				    "start it with the new size; or leave the option out to keep "
				    "the pinned size", "cannot resize conntrack: %s", in->resize);
	/* A refused program is the kernel's verdict on our code, not on the pins. */
	if (!pc_instance_report_refusal(in, err, lib->verbose, &lib->diag))
		return err;
	if (err == -EXDEV)	/* pc_pin_dir_prepare(): a mount outside the host's namespace */
		return pc_lib_error(lib, err, "mount a bpffs from the host's mount namespace first "
				    "('mount -t bpf -o mode=0700 bpf /sys/fs/bpf' for the default pin "
				    "dir, or on your --pin-dir; the shipped unit mounts /sys/fs/bpf), or "
				    "run portcullis in the host's mount namespace",
				    "%s is on no bpffs, and portcullis will not mount one: it runs in "
				    "a mount namespace of its own, not PID 1's (or cannot tell), where "
				    "a bpffs would be invisible to the host and would vanish with this "
				    "process, and every link with it", lib->pin_dir);
	/* Root is the fix for EPERM, on a line of its own as it always was. */
	pc_diag_add(&lib->diag, PC_DIAG_ERROR, PC_DIAG_BARE | PC_DIAG_HINT_LINE, NULL,
		    err == -EPERM ? "run as root (CAP_BPF, CAP_NET_ADMIN, CAP_SYS_ADMIN)" : NULL,
		    "cannot %s at %s: %s", what, lib->pin_dir, strerror(-err));
	return err;
}

/* Scope keys exist only on a running host: ifindex and cgroup id. */
/*
 * A scope whose target is not here yet (a late wg0, a service's cgroup
 * before the service starts) is pending: kind 0 in KEYS, so it has no
 * entry in the scope map and no hook, and the rest is enforced. Refusing
 * the whole apply would leave nothing enforced at boot and the unit
 * restarting in a loop; the daemon attaches a pending scope when its
 * target appears (cmd_daemon.c). Said as a warning.
 */
static void pending(struct pc_lib *lib, struct pc_scope_key *key, const struct pc_scope_info *s,
		    const char *why)
{
	key->kind = 0;
	key->id = 0;
	pc_diag_add(&lib->diag, PC_DIAG_WARNING, 0, NULL,
		    "enforced as soon as it appears; 'portcullis status' lists it as pending",
		    "%s: pending: %s", s->name, why);
}

/* How deep below the cgroup2 root PATH (absolute, as written) is: "/a/b" is 2. */
static int cgroup_level(const char *path)
{
	int level = 0;
	size_t n;

	while (*path) {
		path += strspn(path, "/");
		n = strcspn(path, "/");
		if (n == 2 && !strncmp(path, "..", 2))
			level -= level > 0;
		else if (n && !(n == 1 && *path == '.'))
			level++;
		path += n;
	}
	return level;
}

static int resolve_keys(struct pc_lib *lib, const struct pc_tables *t, struct pc_scope_key *keys,
			uint8_t *flags)
{
	uint64_t cgid = 0;
	unsigned int type;
	size_t i;
	int fd, err;

	for (i = 0; i < t->n_scopes; i++) {
		const struct pc_scope_info *s = &t->scopes[i];

		memset(&keys[i], 0, sizeof(keys[i]));
		keys[i].kind = (uint32_t)s->kind;
		if (s->kind == PC_SCOPE_IFACE) {
			keys[i].id = if_nametoindex(s->target);
			if (!keys[i].id) {
				pending(lib, &keys[i], s, "no such interface here");
				continue;
			}
			err = pc_iface_link_flags(s->target, &flags[i], &type);
			if (err == -EPFNOSUPPORT)
				return pc_lib_error(lib, err, "attach a cgroup scope to its services "
						    "instead", "%s: link type %u: portcullis parses "
						    "Ethernet and IP-only (tun, WireGuard, ipip, gre, sit, "
						    "ppp) devices", s->name, type);
			if (err)
				return pc_lib_error(lib, err, NULL, "%s: cannot read the link type: %s",
						    s->name, strerror(-err));
			continue;
		}
		/*
		 * The hooks find a scope among the socket's (or task's) ancestors
		 * up to this level and drop what finds none (portcullis.bpf.c).
		 */
		if (cgroup_level(s->target) >= PC_MAX_CGROUP_DEPTH)
			return pc_lib_error(lib, -E2BIG, "attach it to an ancestor cgroup",
					    "%s: a cgroup %d levels deep; portcullis finds scopes "
					    "down to level %d", s->name, cgroup_level(s->target),
					    PC_MAX_CGROUP_DEPTH - 1);
		fd = pc_cgroup_open(s->target, &cgid);
		keys[i].id = cgid;
		if (fd == -ENOENT) {
			pending(lib, &keys[i], s, "no such cgroup yet");
			continue;
		}
		if (fd < 0)
			return pc_lib_error(lib, fd, "paths are relative to the cgroup2 mount "
					    "(start the service first)",
					    "%s: cannot open the cgroup: %s", s->name, strerror(-fd));
		close(fd);
	}
	return 0;
}

/* The pinned links' name prefixes of T's scopes: the links an apply keeps. */
static int keep_prefixes(const struct pc_tables *t, const struct pc_scope_key *keys, char **keep)
{
	size_t i;

	for (i = 0; i < t->n_scopes; i++) {
		keep[i] = malloc(300);
		if (!keep[i])
			return -ENOMEM;
		if (t->scopes[i].kind == PC_SCOPE_IFACE)
			pc_link_prefix_iface(keep[i], 300, t->scopes[i].target);
		else
			pc_link_prefix_cgroup(keep[i], 300, keys[i].kind ? keys[i].id : 0);
	}
	return 0;
}

static int attach_scopes(struct pc_lib *lib, struct pc_instance *in, const struct pc_tables *t,
			 const struct pc_scope_key *keys, struct pc_state *st)
{
	size_t i;
	int err, n;

	st->n_clsact = 0;
	for (i = 0; i < t->n_scopes; i++) {
		const struct pc_scope_info *s = &t->scopes[i];
		struct pc_state_scope *ss = &st->scopes[i];

		snprintf(ss->name, sizeof(ss->name), "%s", s->name);
		ss->id = keys[i].id;
		ss->scope = s->scope;
		ss->mode = s->mode;
		if (keys[i].kind == 0) {	/* pending: nothing to attach to yet */
			snprintf(ss->how, sizeof(ss->how), "pending");
			continue;
		}
		if (s->kind == PC_SCOPE_IFACE) {
			err = pc_attach_iface(in, s->target, lib->tc_attach, &st->clsact[st->n_clsact],
					      &n);
			snprintf(ss->how, sizeof(ss->how), "%s", n ? "clsact" : "tcx");
			st->n_clsact += n;
		} else {
			err = pc_attach_cgroup(in, s->target, keys[i].id);
			snprintf(ss->how, sizeof(ss->how), "cgroup");
		}
		if (err == -EOPNOTSUPP && s->kind == PC_SCOPE_IFACE) {
			struct utsname u;

			return pc_lib_error(lib, err, "use --tc-attach clsact, or auto (tcx "
					    "where the kernel has it, else clsact)",
					    "%s: cannot attach with tcx: tcx needs Linux 6.6 or "
					    "later, and this kernel is %s", s->name,
					    uname(&u) ? "older" : u.release);
		}
		if (err)
			return pc_lib_error(lib, err, NULL, "%s: cannot attach: %s", s->name,
					    strerror(-err));
	}
	st->n_scopes = (int)t->n_scopes;
	return 0;
}

/* A filter of ours goes, and with the second of an interface's two the
 * clsact qdisc we created there, unless others use it now. */
static void detach_clsact(const struct pc_clsact *c)
{
	size_t left;

	pc_detach_clsact(c);
	if (c->created_qdisc)
		pc_clsact_release(c->ifindex, &left);
}

/* clsact filters of the old state that the new one no longer has. */
static void detach_old_clsact(const struct pc_state *old, const struct pc_state *now)
{
	int i, j;

	for (i = 0; i < old->n_clsact; i++) {
		bool still = false;

		for (j = 0; j < now->n_clsact; j++)
			still |= old->clsact[i].ifindex == now->clsact[j].ifindex &&
				 old->clsact[i].egress == now->clsact[j].egress;
		if (!still)
			detach_clsact(&old->clsact[i]);
	}
}

/*
 * The ids the running instance holds: the live scope map's (a target of
 * T's there names its scope, whatever the state file says: an apply that
 * failed after its flip did not write it), then the state file's by name.
 */
static int running_claims(const struct pc_gen_maps *maps, const struct pc_tables *t,
			  const struct pc_scope_key *keys, const struct pc_state *old,
			  struct pc_scope_claim *c, size_t *n)
{
	struct pc_scope_key *lk = calloc(PC_MAX_SCOPES, sizeof(*lk));
	struct pc_scope_val *lv = calloc(PC_MAX_SCOPES, sizeof(*lv));
	size_t n_live = 0, i, j;
	int err;

	*n = 0;
	if (!lk || !lv) {
		err = -ENOMEM;
		goto out;
	}
	err = pc_gen_read_scopes(maps, lk, lv, PC_MAX_SCOPES, &n_live);
	if (err == -ENOENT)	/* nothing live yet */
		err = 0;
	if (err)
		goto out;
	for (i = 0; i < n_live; i++) {
		c[*n] = (struct pc_scope_claim){ .scope = lv[i].scope };
		for (j = 0; j < t->n_scopes; j++)
			if (keys[j].kind && keys[j].kind == lk[i].kind && keys[j].id == lk[i].id)
				c[*n].name = t->scopes[j].name;
		(*n)++;
	}
	for (i = 0; i < (size_t)old->n_scopes; i++)
		c[(*n)++] = (struct pc_scope_claim){ old->scopes[i].name, old->scopes[i].scope };
out:
	free(lk);
	free(lv);
	return err;
}

/*
 * Delete the entries of scope id SCOPE from a conntrack or fragment table:
 * the id is at OFF in the key, or in the value when VAL_SIZE is not 0
 * (conntrack keys hold the zone, their values the scope that allowed them).
 */
static int purge_scope(int fd, size_t key_size, size_t val_size, size_t off, uint32_t scope)
{
	char key[64], next[64], val[64];
	bool first = true;
	uint32_t s;

	while (bpf_map_get_next_key(fd, first ? NULL : key, next) == 0) {
		if (!val_size)
			memcpy(&s, next + off, sizeof(s));
		else if (bpf_map_lookup_elem(fd, next, val) == 0)
			memcpy(&s, val + off, sizeof(s));
		else
			s = scope + 1;	/* gone meanwhile (LRU): nothing to delete */
		if (s == scope && bpf_map_delete_elem(fd, next) == 0)
			continue;	/* deleted: the walk goes on from the previous key */
		memcpy(key, next, key_size);
		first = false;
	}
	return errno == ENOENT ? 0 : -errno;
}

/*
 * A scope id new to its name may have been another scope's: start its
 * counters, conntrack and fragment entries empty, so the new scope
 * inherits neither counts nor flows it never allowed.
 */
static int scope_id_clean(const struct pc_gen_maps *maps, uint32_t scope)
{
	int ncpu = libbpf_num_possible_cpus();
	int ct = pc_gen_map_fd(maps, PC_MAP_CT), ctnew = pc_gen_map_fd(maps, PC_MAP_CTNEW);
	int frags = pc_gen_map_fd(maps, PC_MAP_FRAGS), stats = pc_gen_map_fd(maps, PC_MAP_STATS);
	int reasons = pc_gen_map_fd(maps, PC_MAP_REASONS);
	uint32_t r, idx;
	void *zeros;
	int err;

	if (ncpu < 0)
		return ncpu;
	if (ct < 0 || ctnew < 0 || frags < 0 || stats < 0 || reasons < 0)
		return -ENOENT;
	/* pc_stats is the larger of the two values zeroed here */
	_Static_assert(sizeof(struct pc_stats) >= sizeof(struct pc_reason_stats), "zeros too small");
	zeros = calloc((size_t)ncpu, sizeof(struct pc_stats));
	if (!zeros)
		return -ENOMEM;
	err = bpf_map_update_elem(stats, &scope, zeros, BPF_ANY) ? -errno : 0;
	for (r = 0; r < PC_REASON_SLOTS && !err; r++) {
		idx = scope * PC_REASON_SLOTS + r;
		err = bpf_map_update_elem(reasons, &idx, zeros, BPF_ANY) ? -errno : 0;
	}
	free(zeros);
	if (!err)
		err = purge_scope(ct, sizeof(struct pc_ct_key), sizeof(struct pc_ct_val),
				  offsetof(struct pc_ct_val, scope), scope);
	if (!err)
		err = purge_scope(ctnew, sizeof(struct pc_ct_key), sizeof(struct pc_ct_val),
				  offsetof(struct pc_ct_val, scope), scope);
	if (!err)
		err = purge_scope(frags, sizeof(struct pc_frag_key), 0,
				  offsetof(struct pc_frag_key, scope), scope);
	return err;
}

/* What apply does while the old generation is still live. */
struct before_flip {
	struct pc_lib *lib;
	const struct pc_gen_maps *maps;
	const struct pc_tables *t;
	const struct pc_scope_key *keys;
	const uint8_t *fresh;
	const struct pc_state *old;
	char **keep;
};

/*
 * Hooks run only with their scope in the live generation: a hook whose
 * target has none drops everything (bpf/portcullis.bpf.c). So the hooks of
 * scopes the config drops go before the flip takes their scope keys away,
 * while the old generation still judges them; fresh ids are cleaned while
 * no live scope has them.
 */
static int detach_dropped(void *arg)
{
	struct before_flip *b = arg;
	size_t i, j;
	int err, k;

	err = pc_detach_links(b->lib->pin_dir, (const char *const *)b->keep, b->t->n_scopes);
	if (err < 0)
		return pc_lib_error(b->lib, err, "the running policy is unchanged",
				    "cannot detach the hooks of dropped scopes: cannot read %s/links: "
				    "%s", b->lib->pin_dir, strerror(-err));
	for (k = 0; k < b->old->n_clsact; k++) {
		bool still = false;

		for (j = 0; j < b->t->n_scopes; j++)
			still |= b->keys[j].kind == PC_SCOPE_IFACE &&
				 b->keys[j].id == (uint64_t)b->old->clsact[k].ifindex;
		if (!still)
			detach_clsact(&b->old->clsact[k]);
	}
	for (i = 0; i < b->t->n_scopes; i++) {
		if (!b->fresh[i])
			continue;
		err = scope_id_clean(b->maps, b->t->scopes[i].scope);
		if (err)
			return pc_lib_error(b->lib, err, "the running policy is unchanged",
					    "%s: cannot empty the counters and conntrack of its new "
					    "scope id %u: %s", b->t->scopes[i].name,
					    b->t->scopes[i].scope, strerror(-err));
	}
	if (b->lib->before_flip)
		b->lib->before_flip(b->lib->before_flip_arg);
	return 0;
}

static int assign_ids(struct pc_lib *lib, const struct pc_gen_maps *maps, struct pc_tables *t,
		      const struct pc_scope_key *keys, const struct pc_state *old, uint8_t *fresh)
{
	struct pc_scope_claim *c = calloc(2 * PC_MAX_SCOPES + 1, sizeof(*c));
	size_t n = 0;
	int err;

	err = c ? running_claims(maps, t, keys, old, c, &n) : -ENOMEM;
	if (!err)
		err = pc_scope_ids_assign(t, c, n, fresh);
	free(c);
	if (err)
		return pc_lib_error(lib, err, "the running policy is unchanged",
				    "cannot give the scopes their ids: %s", strerror(-err));
	return 0;
}

int pc_apply_state_ids(const struct pc_state *st, struct pc_tables *t)
{
	struct pc_scope_claim *c = calloc((size_t)st->n_scopes + 1, sizeof(*c));
	int i, err;

	if (!c)
		return -ENOMEM;
	for (i = 0; i < st->n_scopes; i++)
		c[i] = (struct pc_scope_claim){ st->scopes[i].name, st->scopes[i].scope };
	err = pc_scope_ids_assign(t, c, (size_t)st->n_scopes, NULL);
	free(c);
	return err;
}

int pc_apply(struct pc_lib *lib, struct pc_instance *in, struct pc_tables *t,
	     const char *config, struct pc_state *st)
{
	struct pc_scope_key *keys = calloc(t->n_scopes + 1, sizeof(*keys));
	uint32_t *modes = calloc(t->n_scopes + 1, sizeof(*modes));
	uint8_t *flags = calloc(t->n_scopes + 1, sizeof(*flags));
	char **keep = calloc(t->n_scopes + 1, sizeof(*keep));
	uint8_t *fresh = calloc(t->n_scopes + 1, sizeof(*fresh));
	struct pc_state *old = malloc(sizeof(*old));
	struct before_flip bf;
	struct pc_gen_maps maps;
	unsigned int errs;
	size_t i;
	int err;

	if (!keys || !modes || !flags || !keep || !fresh || !old) {
		err = pc_lib_error(lib, -ENOMEM, "the running policy is unchanged",
				   "cannot allocate the scope keys of %zu scopes: %s", t->n_scopes,
				   strerror(ENOMEM));
		goto out;
	}
	*old = *st;
	err = resolve_keys(lib, t, keys, flags);
	if (err)
		goto out;
	for (i = 0; i < t->n_scopes; i++)
		modes[i] = t->scopes[i].mode;
	err = pc_gen_maps_from_object(pc_instance_object(in), &maps);
	if (err) {
		pc_lib_error(lib, err, "the running policy is unchanged",
			     "cannot find the kernel maps: %s", strerror(-err));
		goto out;
	}
	err = assign_ids(lib, &maps, t, keys, old, fresh);
	if (!err)
		err = keep_prefixes(t, keys, keep);
	if (err)
		goto out;
	bf = (struct before_flip){ lib, &maps, t, keys, fresh, old, keep };
	errs = lib->diag.n_errors;
	err = pc_gen_install_then(&maps, t, keys, modes, flags, detach_dropped, &bf);
	if (err) {
		if (lib->diag.n_errors == errs)	/* else detach_dropped() said what */
			pc_lib_error(lib, err, "the running policy is unchanged",
				     "cannot install the policy in the kernel maps: %s",
				     strerror(-err));
		goto out;
	}
	err = attach_scopes(lib, in, t, keys, st);
	if (err) {
		pc_lib_error(lib, err, "fix the cause and apply again",
			     "the new policy is live, but not every scope is attached");
		goto out;
	}
	/* The qdisc we created stays ours across applies (and takeovers). */
	pc_clsact_inherit(st->clsact, st->n_clsact, old->clsact, old->n_clsact);
	/* A filter of an interface that moved from clsact to tcx: tcx judges it now. */
	detach_old_clsact(old, st);
	snprintf(st->pin_dir, sizeof(st->pin_dir), "%s", lib->pin_dir);
	/* Absolute, so the daemon can re-read what 'apply' ran from elsewhere. */
	if (!realpath(config, st->config))
		snprintf(st->config, sizeof(st->config), "%s", config);
	snprintf(st->digest, sizeof(st->digest), "%s", t->digest);
	st->bpffs_mounted |= in->bpffs_mounted;
	st->loaded = time(NULL);
	st->failsafe = t->failsafe;
	err = pc_state_write(lib->run_dir, st);
	if (err)
		pc_lib_error(lib, err, "'status' and 'unload' need it", "cannot write %s/state: %s",
			     lib->run_dir, strerror(-err));
out:
	for (i = 0; keep && i < t->n_scopes; i++)
		free(keep[i]);
	free(keep);
	free(keys);
	free(modes);
	free(flags);
	free(fresh);
	free(old);
	return err;
}
