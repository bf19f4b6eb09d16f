// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "kernel/apply.h"
#include "kernel/attach.h"
#include "kernel/cgroup.h"
#include "kernel/gen.h"

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

static int attach_scopes(struct pc_lib *lib, struct pc_instance *in, const struct pc_tables *t,
			 const struct pc_scope_key *keys, struct pc_state *st, char **keep)
{
	size_t i;
	int err, n;

	st->n_clsact = 0;
	for (i = 0; i < t->n_scopes; i++) {
		const struct pc_scope_info *s = &t->scopes[i];
		struct pc_state_scope *ss = &st->scopes[i];

		keep[i] = malloc(300);
		if (!keep[i])
			return -ENOMEM;
		snprintf(ss->name, sizeof(ss->name), "%s", s->name);
		ss->id = keys[i].id;
		ss->mode = s->mode;
		if (keys[i].kind == 0) {	/* pending: nothing to attach to yet */
			if (s->kind == PC_SCOPE_IFACE)
				pc_link_prefix_iface(keep[i], 300, s->target);
			else
				pc_link_prefix_cgroup(keep[i], 300, 0);
			snprintf(ss->how, sizeof(ss->how), "pending");
			continue;
		}
		if (s->kind == PC_SCOPE_IFACE) {
			pc_link_prefix_iface(keep[i], 300, s->target);
			err = pc_attach_iface(in, s->target, lib->tc_attach, &st->clsact[st->n_clsact],
					      &n);
			snprintf(ss->how, sizeof(ss->how), "%s", n ? "clsact" : "tcx");
			st->n_clsact += n;
		} else {
			pc_link_prefix_cgroup(keep[i], 300, keys[i].id);
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
			pc_detach_clsact(&old->clsact[i]);
	}
}

int pc_apply(struct pc_lib *lib, struct pc_instance *in, const struct pc_tables *t,
	     const char *config, struct pc_state *st)
{
	struct pc_scope_key *keys = calloc(t->n_scopes + 1, sizeof(*keys));
	uint32_t *modes = calloc(t->n_scopes + 1, sizeof(*modes));
	uint8_t *flags = calloc(t->n_scopes + 1, sizeof(*flags));
	char **keep = calloc(t->n_scopes + 1, sizeof(*keep));
	struct pc_state *old = malloc(sizeof(*old));
	struct pc_gen_maps maps;
	size_t i;
	int err;

	if (!keys || !modes || !flags || !keep || !old) {
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
	if (!err)
		err = pc_gen_install_flags(&maps, t, keys, modes, flags);
	if (err) {
		pc_lib_error(lib, err, "the running policy is unchanged",
			     "cannot install the policy in the kernel maps: %s", strerror(-err));
		goto out;
	}
	err = attach_scopes(lib, in, t, keys, st, keep);
	if (err) {
		pc_lib_error(lib, err, "fix the cause and apply again",
			     "the new policy is live, but not every scope is attached");
		goto out;
	}
	err = pc_detach_links(lib->pin_dir, (const char *const *)keep, t->n_scopes);
	if (err < 0) {
		pc_lib_error(lib, err, NULL, "the new policy is live, but the hooks of dropped "
			     "scopes may remain (they pass: no scope key): cannot read %s/links: %s",
			     lib->pin_dir, strerror(-err));
		goto out;
	}
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
	free(old);
	return err;
}
