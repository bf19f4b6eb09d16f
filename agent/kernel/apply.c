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

int pc_apply_load_instance(struct pc_ctx *ctx, struct pc_instance *in)
{
	const char *what = "";
	int err = pc_instance_load(in, ctx->pin_dir, 0, &what);	/* the object's ring size */

	if (!err)
		return 0;
	/* A build whose agent and BPF object disagree: no pin or kernel can fix it. */
	if (in->mismatch[0]) {
		fprintf(ctx->err, "portcullis: the agent and its BPF object disagree: %s; build "
			"both from one source tree\n", in->mismatch);
		return err;
	}
	/* A refused program is the kernel's verdict on our code, not on the pins. */
	if (!pc_instance_report_refusal(in, err, ctx->verbose, ctx->err))
		return err;
	fprintf(ctx->err, "portcullis: cannot %s at %s: %s\n", what, ctx->pin_dir, strerror(-err));
	if (err == -EPERM)
		fprintf(ctx->err, "portcullis: run as root (CAP_BPF, CAP_NET_ADMIN, CAP_SYS_ADMIN)\n");
	return err;
}

/* Scope keys exist only on a running host: ifindex and cgroup id. */
static int resolve_keys(struct pc_ctx *ctx, const struct pc_tables *t, struct pc_scope_key *keys)
{
	uint64_t cgid = 0;
	size_t i;
	int fd;

	for (i = 0; i < t->n_scopes; i++) {
		const struct pc_scope_info *s = &t->scopes[i];

		memset(&keys[i], 0, sizeof(keys[i]));
		keys[i].kind = (uint32_t)s->kind;
		if (s->kind == PC_SCOPE_IFACE) {
			keys[i].id = if_nametoindex(s->target);
			if (!keys[i].id) {
				fprintf(ctx->err, "portcullis: %s: no such interface here; "
					"fix the attach line or create the interface first\n", s->name);
				return -ENODEV;
			}
			continue;
		}
		fd = pc_cgroup_open(s->target, &cgid);
		keys[i].id = cgid;
		if (fd < 0) {
			fprintf(ctx->err, "portcullis: %s: cannot open the cgroup: %s; "
				"paths are relative to the cgroup2 mount (start the service first)\n",
				s->name, strerror(-fd));
			return fd;
		}
		close(fd);
	}
	return 0;
}

static int attach_scopes(struct pc_ctx *ctx, struct pc_instance *in, const struct pc_tables *t,
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
		if (s->kind == PC_SCOPE_IFACE) {
			pc_link_prefix_iface(keep[i], 300, s->target);
			err = pc_attach_iface(in, s->target, ctx->tc_attach, &st->clsact[st->n_clsact],
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

			fprintf(ctx->err, "portcullis: %s: cannot attach with tcx: tcx needs Linux "
				"6.6 or later, and this kernel is %s; use --tc-attach clsact, or "
				"auto (tcx where the kernel has it, else clsact)\n", s->name,
				uname(&u) ? "older" : u.release);
			return err;
		}
		if (err) {
			fprintf(ctx->err, "portcullis: %s: cannot attach: %s\n", s->name,
				strerror(-err));
			return err;
		}
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

int pc_apply(struct pc_ctx *ctx, struct pc_instance *in, struct pc_config *cfg,
	     struct pc_state *st)
{
	const struct pc_tables *t = &cfg->tables;
	struct pc_scope_key *keys = calloc(t->n_scopes + 1, sizeof(*keys));
	uint32_t *modes = calloc(t->n_scopes + 1, sizeof(*modes));
	char **keep = calloc(t->n_scopes + 1, sizeof(*keep));
	struct pc_state *old = malloc(sizeof(*old));
	struct pc_gen_maps maps;
	size_t i;
	int err;

	if (!keys || !modes || !keep || !old) {
		err = -ENOMEM;
		fprintf(ctx->err, "portcullis: cannot allocate the scope keys of %zu scopes: %s; "
			"the running policy is unchanged\n", t->n_scopes, strerror(-err));
		goto out;
	}
	*old = *st;
	err = resolve_keys(ctx, t, keys);
	if (err)
		goto out;
	for (i = 0; i < t->n_scopes; i++)
		modes[i] = t->scopes[i].mode;
	err = pc_gen_maps_from_object(pc_instance_object(in), &maps);
	if (!err)
		err = pc_gen_install(&maps, t, keys, modes);
	if (err) {
		fprintf(ctx->err, "portcullis: cannot install the policy in the kernel maps: %s; "
			"the running policy is unchanged\n", strerror(-err));
		goto out;
	}
	err = attach_scopes(ctx, in, t, keys, st, keep);
	if (err) {
		fprintf(ctx->err, "portcullis: the new policy is live, but not every scope is "
			"attached; fix the cause and apply again\n");
		goto out;
	}
	err = pc_detach_links(ctx->pin_dir, (const char *const *)keep, t->n_scopes);
	if (err < 0) {
		fprintf(ctx->err, "portcullis: the new policy is live, but the hooks of dropped "
			"scopes may remain (they pass: no scope key): cannot read %s/links: %s\n",
			ctx->pin_dir, strerror(-err));
		goto out;
	}
	detach_old_clsact(old, st);
	snprintf(st->pin_dir, sizeof(st->pin_dir), "%s", ctx->pin_dir);
	/* Absolute, so the daemon can re-read what 'apply' ran from elsewhere. */
	if (!realpath(ctx->config, st->config))
		snprintf(st->config, sizeof(st->config), "%s", ctx->config);
	snprintf(st->digest, sizeof(st->digest), "%s", t->digest);
	st->bpffs_mounted |= in->bpffs_mounted;
	st->loaded = time(NULL);
	st->failsafe = t->failsafe;
	err = pc_state_write(ctx->run_dir, st);
	if (err)
		fprintf(ctx->err, "portcullis: cannot write %s/state: %s; 'status' and 'unload' "
			"need it\n", ctx->run_dir, strerror(-err));
out:
	for (i = 0; keep && i < t->n_scopes; i++)
		free(keep[i]);
	free(keep);
	free(keys);
	free(modes);
	free(old);
	return err;
}
