// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/bpf.h>
#include <net/if_arp.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "kernel/attach.h"
#include "kernel/bpffs.h"
#include "kernel/cgroup.h"
#include "kernel/tcfilter.h"
#include "lib/ctx.h"
#include "portcullis.h"

#ifndef BPF_F_BEFORE
#define BPF_F_BEFORE	(1U << 3)	/* tcx (6.6): before the relative program, or all */
#endif

/*
 * BPF_LINK_CREATE's attribute as Linux 6.6 lays it out for tcx. Debian 12's
 * UAPI header and libbpf 1.1 predate tcx's fields (relative_fd,
 * expected_revision), so this one call is made by hand.
 */
struct pc_tcx_link_attr {
	__u32 prog_fd;
	__u32 target_ifindex;
	__u32 attach_type;
	__u32 flags;
	__u32 relative_fd;
	__u32 pad;
	__u64 expected_revision;
};

/*
 * A tcx link at the head of the interface's chain (attach.h). tcx runs programs in
 * order and one that returns TC_ACT_OK ends the chain: appended last, as a
 * plain bpf_link_create() does, portcullis would never see what an earlier
 * program passed. (A program attached later with BPF_F_BEFORE still goes
 * ahead; 'status' is where an operator sees that.)
 */
int pc_tcx_link_create(int prog_fd, int ifindex, enum bpf_attach_type type)
{
	union bpf_attr attr;
	struct pc_tcx_link_attr *la = (struct pc_tcx_link_attr *)&attr;
	int fd;

	_Static_assert(sizeof(struct pc_tcx_link_attr) <= sizeof(union bpf_attr),
		       "the tcx link attribute fits bpf_attr");
	memset(&attr, 0, sizeof(attr));
	la->prog_fd = (__u32)prog_fd;
	la->target_ifindex = (__u32)ifindex;
	la->attach_type = type;
	la->flags = BPF_F_BEFORE;
	fd = (int)syscall(__NR_bpf, BPF_LINK_CREATE, &attr, sizeof(attr));
	return fd < 0 ? -errno : fd;
}

/* The hooks of a scope, and the suffix of each one's link pin. */
struct hook {
	const char *suffix;
	enum pc_prog prog;
	int type;	/* enum bpf_attach_type; int: BPF_TCX_* are not in 6.1's enum */
};

static const struct hook tc_hooks[] = {
	{ "in", PC_PROG_TC_IN, BPF_TCX_INGRESS },
	{ "out", PC_PROG_TC_OUT, BPF_TCX_EGRESS },
};

static const struct hook cg_hooks[] = {
	{ "in", PC_PROG_CG_IN, BPF_CGROUP_INET_INGRESS },
	{ "out", PC_PROG_CG_OUT, BPF_CGROUP_INET_EGRESS },
	{ "connect4", PC_PROG_CONNECT4, BPF_CGROUP_INET4_CONNECT },
	{ "connect6", PC_PROG_CONNECT6, BPF_CGROUP_INET6_CONNECT },
	{ "sendmsg4", PC_PROG_SENDMSG4, BPF_CGROUP_UDP4_SENDMSG },
	{ "sendmsg6", PC_PROG_SENDMSG6, BPF_CGROUP_UDP6_SENDMSG },
};

#define N_HOOKS(a) (sizeof(a) / sizeof((a)[0]))

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
	if ((int)type == BPF_TCX_INGRESS || (int)type == BPF_TCX_EGRESS)
		fd = pc_tcx_link_create(prog_fd, target_fd, type);
	else if ((fd = bpf_link_create(prog_fd, target_fd, type, NULL)) < 0)
		fd = -errno;
	if (fd < 0)
		return fd;
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
	/* Recorded so that unload can delete what we made, and only that. */
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

#define PC_ARPHRD_IP6GRE	823	/* <linux/if_arp.h>; glibc's net/if_arp.h lacks it */

/*
 * How TC sees IFNAME's frames: *flags PC_SCOPE_F_L3 for a device without a
 * link-layer header. Asked with SIOCGIFHWADDR in this network namespace
 * (not /sys, which 'nsenter --net' leaves as another namespace's). A link
 * type whose header we do not know (InfiniBand, ...) is -EPFNOSUPPORT with
 * the type in *type: judging it as Ethernet would read garbage.
 */
int pc_iface_link_flags(const char *ifname, uint8_t *flags, unsigned int *type)
{
	struct ifreq ifr;
	int fd, err = 0;

	*flags = 0;
	*type = 0;
	if (strlen(ifname) >= sizeof(ifr.ifr_name))
		return -ENAMETOOLONG;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr))
		err = -errno;
	close(fd);
	if (err)
		return err;
	*type = ifr.ifr_hwaddr.sa_family;
	switch (*type) {
	case ARPHRD_ETHER:
	case ARPHRD_LOOPBACK:
		return 0;
	case ARPHRD_NONE:	/* tun, WireGuard */
	case ARPHRD_TUNNEL:	/* ipip */
	case ARPHRD_TUNNEL6:	/* ip6tnl */
	case ARPHRD_SIT:
	case ARPHRD_IPGRE:
	case PC_ARPHRD_IP6GRE:
	case ARPHRD_PPP:
	case ARPHRD_RAWIP:
		*flags = PC_SCOPE_F_L3;
		return 0;
	}
	return -EPFNOSUPPORT;
}

int pc_tcx_position(int ifindex, enum bpf_attach_type type, uint32_t prog_id, unsigned int *pos,
		    unsigned int *of)
{
	uint32_t ids[64], n = 64, i;

	*pos = 0;
	*of = 0;
	if (bpf_prog_query(ifindex, type, 0, NULL, ids, &n))
		return -errno;
	*of = n;
	for (i = 0; i < n && i < 64; i++)
		if (ids[i] == prog_id)
			*pos = i + 1;
	return 0;
}

uint64_t pc_scope_target_id(const char *name)
{
	uint64_t id = 0;
	int fd;

	if (!strncmp(name, "interface:", 10))
		return if_nametoindex(name + 10);
	if (!strncmp(name, "cgroup:", 7)) {
		fd = pc_cgroup_open(name + 7, &id);
		if (fd < 0)
			return 0;
		close(fd);
		return id;
	}
	return 0;
}

bool pc_scope_live(const char *name, uint64_t id)
{
	return id && pc_scope_target_id(name) == id;
}

/* The pin of hook H of the scope whose link names start with PREFIX. */
static int hook_pin(char *buf, size_t len, const char *pin_dir, const char *prefix,
		    const struct hook *h)
{
	char name[NAME_MAX + 1];
	int n = snprintf(name, sizeof(name), "%s%s", prefix, h->suffix);

	if (n < 0 || (size_t)n >= sizeof(name))
		return -ENAMETOOLONG;
	return pc_pin_path(buf, len, pin_dir, "links", name);
}

int pc_attach_iface(const struct pc_instance *in, const char *ifname, int how,
		    struct pc_clsact *clsact, int *n_clsact)
{
	const struct hook *hooks = tc_hooks;
	char path[PATH_MAX], prefix[64];
	int ifindex = (int)if_nametoindex(ifname);
	size_t i;
	int err;

	*n_clsact = 0;
	if (!ifindex)
		return -ENODEV;
	pc_link_prefix_iface(prefix, sizeof(prefix), ifname);
	for (i = 0; i < N_HOOKS(tc_hooks); i++) {
		int prog_fd = bpf_program__fd(pc_instance_prog(in, hooks[i].prog));

		err = hook_pin(path, sizeof(path), in->pin_dir, prefix, &hooks[i]);
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
	const struct hook *hooks = cg_hooks;
	char pin[PATH_MAX], prefix[64];
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
	pc_link_prefix_cgroup(prefix, sizeof(prefix), id);
	for (i = 0; i < N_HOOKS(cg_hooks) && !err; i++) {
		int prog_fd = bpf_program__fd(pc_instance_prog(in, hooks[i].prog));

		err = hook_pin(pin, sizeof(pin), in->pin_dir, prefix, &hooks[i]);
		if (!err)
			err = link_pinned(pin, prog_fd, cg_fd, (enum bpf_attach_type)hooks[i].type);
	}
	close(cg_fd);
	return err;
}

/* The hooks of a scope attached HOW, and the prefix of their link pins;
 * 0 when it has none (clsact filters hold their program; pending). */
static size_t scope_hooks(const char *name, const char *how, uint64_t id, char *prefix,
			  size_t len, const struct hook **hooks)
{
	if (!strcmp(how, "tcx") && !strncmp(name, "interface:", 10)) {
		pc_link_prefix_iface(prefix, len, name + 10);
		*hooks = tc_hooks;
		return N_HOOKS(tc_hooks);
	}
	if (!strcmp(how, "cgroup")) {
		pc_link_prefix_cgroup(prefix, len, id);
		*hooks = cg_hooks;
		return N_HOOKS(cg_hooks);
	}
	return 0;
}

bool pc_scope_link_prefix(const char *name, const char *how, uint64_t id, char *buf, size_t len)
{
	const struct hook *hooks;

	return scope_hooks(name, how, id, buf, len, &hooks) > 0;
}

unsigned int pc_scope_links_missing(const char *pin_dir, const char *name, const char *how,
				    uint64_t id)
{
	const struct hook *hooks;
	char prefix[64], path[PATH_MAX];
	unsigned int missing = 0;
	size_t i, n = scope_hooks(name, how, id, prefix, sizeof(prefix), &hooks);

	for (i = 0; i < n; i++)
		missing += hook_pin(path, sizeof(path), pin_dir, prefix, &hooks[i]) ||
			   access(path, F_OK);
	return missing;
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
		char path[PATH_MAX * 2];
		int fd;

		if (de->d_name[0] == '.' || kept(de->d_name, keep, n_keep))
			continue;
		/*
		 * Detach first, at once: the kernel frees a link whose last
		 * reference (the pin) goes later, from a work queue, and another
		 * holder would keep it attached. apply relies on the hook being
		 * gone before its scope key is: a hook without its scope drops
		 * everything (bpf/portcullis.bpf.c).
		 */
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		fd = bpf_obj_get(path);
		if (fd >= 0) {
			bpf_link_detach(fd);
			close(fd);
		}
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

void pc_clsact_inherit(struct pc_clsact *now, int n_now, const struct pc_clsact *old, int n_old)
{
	int i, j;

	for (i = 0; i < n_now; i++)
		for (j = 0; j < n_old; j++)
			if (old[j].ifindex == now[i].ifindex && old[j].created_qdisc)
				now[i].created_qdisc = true;
}

int pc_clsact_release(int ifindex, size_t *n_left)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
			    .attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS);
	struct pc_tcfilter *f;
	size_t n;
	int dir, err;

	*n_left = 0;
	for (dir = 0; dir < 2; dir++) {
		err = pc_tcfilter_list(ifindex, dir, &f, &n);
		if (err == -EINVAL || err == -ENODEV)
			return -ENOENT;	/* the qdisc or the interface went meanwhile */
		if (err)
			return err;
		free(f);
		*n_left += n;
	}
	if (*n_left)
		return 0;
	/* Ingress and egress together: the qdisc itself (libbpf's tc_qdisc_delete). */
	err = bpf_tc_hook_destroy(&hook);
	if (err == -EINVAL || err == -ENODEV)
		return -ENOENT;
	return err ? err : 1;
}
