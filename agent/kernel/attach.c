// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/bpf.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib/ctx.h"
#include "kernel/attach.h"
#include "kernel/bpffs.h"
#include "kernel/cgroup.h"

/* Debian 12's UAPI header predates tcx (Linux 6.6). */
#ifndef BPF_TCX_INGRESS
#define BPF_TCX_INGRESS 46
#define BPF_TCX_EGRESS 47
#endif

void pc_link_prefix_iface(char *buf, size_t len, const char *ifname)
{
	snprintf(buf, len, "if_%s_", ifname);
}

void pc_link_prefix_cgroup(char *buf, size_t len, uint64_t id)
{
	snprintf(buf, len, "cg_%" PRIu64 "_", id);
}

/*
 * Point the link pinned at PATH at PROG, or create it with CREATE and pin
 * it. A pinned link whose target is gone (interface deleted) is replaced.
 */
static int link_pinned(const char *path, int prog_fd, int target_fd, enum bpf_attach_type type)
{
	int fd = bpf_obj_get(path), err;

	if (fd >= 0) {
		err = bpf_link_update(fd, prog_fd, NULL);
		close(fd);
		if (!err)
			return 0;
		if (errno != ENOLINK && errno != EINVAL)
			return -errno;
		unlink(path);	/* defunct: its target went away */
	}
	fd = bpf_link_create(prog_fd, target_fd, type, NULL);
	if (fd < 0)
		return -errno;
	err = bpf_obj_pin(fd, path) ? -errno : 0;
	close(fd);
	return err;
}

static int attach_clsact(const struct pc_instance *in, int ifindex, bool egress,
			 struct pc_clsact *rec)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
			    .attach_point = egress ? BPF_TC_EGRESS : BPF_TC_INGRESS);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = PC_CLSACT_HANDLE,
			    .priority = PC_CLSACT_PRIORITY, .flags = BPF_TC_F_REPLACE);
	struct bpf_program *p = pc_instance_prog(in, egress ? PC_PROG_TC_OUT : PC_PROG_TC_IN);
	int err;

	libbpf_print_fn_t print;

	/* bpf_tc_hook_create makes the clsact qdisc; EEXIST: someone's is there
	 * (ours from a previous run, or another tool's). libbpf would print the
	 * kernel's "Exclusivity flag on" for that expected case: mute it. */
	print = libbpf_set_print(NULL);
	err = bpf_tc_hook_create(&hook);
	libbpf_set_print(print);
	if (err && err != -EEXIST)
		return err;
	rec->created_qdisc = !err;
	opts.prog_fd = bpf_program__fd(p);
	err = bpf_tc_attach(&hook, &opts);
	if (err)
		return err;
	rec->ifindex = ifindex;
	rec->egress = egress;
	rec->handle = opts.handle;
	rec->priority = opts.priority;
	return 0;
}

int pc_attach_iface(const struct pc_instance *in, const char *ifname, int how,
		    struct pc_clsact *clsact, int *n_clsact)
{
	static const struct { const char *suffix; enum pc_prog prog; int type; } hooks[] = {
		{ "in", PC_PROG_TC_IN, BPF_TCX_INGRESS },
		{ "out", PC_PROG_TC_OUT, BPF_TCX_EGRESS },
	};
	char path[PATH_MAX], name[64];
	int ifindex = (int)if_nametoindex(ifname);
	size_t i;
	int err;

	*n_clsact = 0;
	if (!ifindex)
		return -ENODEV;
	for (i = 0; i < 2; i++) {
		int prog_fd = bpf_program__fd(pc_instance_prog(in, hooks[i].prog));

		snprintf(name, sizeof(name), "if_%s_%s", ifname, hooks[i].suffix);
		err = pc_pin_path(path, sizeof(path), in->pin_dir, "links", name);
		if (err)
			return err;
		err = how == PC_TC_CLSACT ? -EOPNOTSUPP
					  : link_pinned(path, prog_fd, ifindex, hooks[i].type);
		/* Before 6.6 the kernel knows no tcx attach type: EINVAL. */
		if (err == -EINVAL)
			err = -EOPNOTSUPP;
		if (err == -EOPNOTSUPP && how != PC_TC_TCX) {
			/* No tcx on this kernel (before 6.6), or clsact asked for. */
			err = attach_clsact(in, ifindex, i == 1, &clsact[*n_clsact]);
			if (!err)
				(*n_clsact)++;
			/* Never both: a tcx link left from an earlier attach goes. */
			if (!err && unlink(path) && errno != ENOENT)
				err = -errno;
		}
		if (err)
			return err;
	}
	return 0;
}

int pc_attach_cgroup(const struct pc_instance *in, const char *path, uint64_t id)
{
	static const struct { const char *suffix; enum pc_prog prog; enum bpf_attach_type type; } hooks[] = {
		{ "in", PC_PROG_CG_IN, BPF_CGROUP_INET_INGRESS },
		{ "out", PC_PROG_CG_OUT, BPF_CGROUP_INET_EGRESS },
		{ "connect4", PC_PROG_CONNECT4, BPF_CGROUP_INET4_CONNECT },
		{ "connect6", PC_PROG_CONNECT6, BPF_CGROUP_INET6_CONNECT },
		{ "sendmsg4", PC_PROG_SENDMSG4, BPF_CGROUP_UDP4_SENDMSG },
		{ "sendmsg6", PC_PROG_SENDMSG6, BPF_CGROUP_UDP6_SENDMSG },
	};
	char pin[PATH_MAX], name[64];
	uint64_t check_id;
	size_t i;
	int cg_fd, err = 0;

	cg_fd = pc_cgroup_open(path, &check_id);
	if (cg_fd < 0)
		return cg_fd;
	if (check_id != id) {
		close(cg_fd);
		return -ESTALE;	/* recreated since the scope key was taken */
	}
	for (i = 0; i < sizeof(hooks) / sizeof(hooks[0]) && !err; i++) {
		int prog_fd = bpf_program__fd(pc_instance_prog(in, hooks[i].prog));

		snprintf(name, sizeof(name), "cg_%" PRIu64 "_%s", id, hooks[i].suffix);
		err = pc_pin_path(pin, sizeof(pin), in->pin_dir, "links", name);
		if (!err)
			err = link_pinned(pin, prog_fd, cg_fd, hooks[i].type);
	}
	close(cg_fd);
	return err;
}

static bool kept(const char *name, const char *const *keep, size_t n_keep)
{
	size_t i;

	for (i = 0; keep && i < n_keep; i++)
		if (!strncmp(name, keep[i], strlen(keep[i])))
			return true;
	return false;
}

int pc_detach_links(const char *pin_dir, const char *const *keep, size_t n_keep)
{
	char dir[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int n = 0, err;

	err = pc_pin_path(dir, sizeof(dir), pin_dir, "links", NULL);
	if (err)
		return err;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || kept(de->d_name, keep, n_keep))
			continue;
		/* The pin is the last reference: removing it detaches. */
		if (unlinkat(dirfd(d), de->d_name, 0) == 0)
			n++;
	}
	closedir(d);
	return n;
}

int pc_detach_clsact(const struct pc_clsact *c)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = c->ifindex,
			    .attach_point = c->egress ? BPF_TC_EGRESS : BPF_TC_INGRESS);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = c->handle, .priority = c->priority);
	int err = bpf_tc_detach(&hook, &opts);

	return err && err != -ENOENT ? err : 0;
}
