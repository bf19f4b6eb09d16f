/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * attach.h - hooks of one scope, as pinned links under PIN_DIR/links.
 *
 * Interfaces get tcx links (kernel 6.6+); where the kernel refuses tcx,
 * clsact filters, recorded in the run-dir state because they are not
 * links. Cgroups get cgroup links (multi-attach: systemd's own programs
 * and others keep running beside ours). An existing link is updated in
 * place to the new program (bpf_link_update), so a takeover has no gap.
 */
#ifndef PC_ATTACH_H
#define PC_ATTACH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/bpf.h>

/* Debian 12's UAPI header predates tcx (Linux 6.6). */
#ifndef BPF_TCX_INGRESS
#define BPF_TCX_INGRESS 46
#define BPF_TCX_EGRESS 47
#endif

#include "kernel/instance.h"

/* One clsact filter we made (the fallback), for unload. */
struct pc_clsact {
	int ifindex;
	bool egress;
	uint32_t handle, priority;
	bool created_qdisc;	/* portcullis created the clsact qdisc (unload may delete it) */
};

#define PC_CLSACT_HANDLE	0x7063		/* "pc" */
#define PC_CLSACT_PRIORITY	0xc0de

/* Attach (or update) tc ingress and egress on IFNAME, as HOW says (an
 * enum pc_tc_attach). Fills CLSACT[0..1] and *n_clsact when clsact was used. */
int pc_attach_iface(const struct pc_instance *in, const char *ifname, int how,
		    struct pc_clsact *clsact, int *n_clsact);

/* Attach (or update) every cgroup hook on the cgroup PATH (id ID). */
int pc_attach_cgroup(const struct pc_instance *in, const char *path, uint64_t id);

/* Link pin names of a scope start with this prefix: "if_eth0_" or "cg_1234_". */
void pc_link_prefix_iface(char *buf, size_t len, const char *ifname);
void pc_link_prefix_cgroup(char *buf, size_t len, uint64_t id);

/* The prefix of the link pins of the scope NAME attached HOW ("tcx",
 * "cgroup") with key ID, into BUF; false when it has no links (clsact,
 * pending). */
bool pc_scope_link_prefix(const char *name, const char *how, uint64_t id, char *buf, size_t len);

/*
 * How many of the links of the scope NAME, attached HOW ("tcx", "cgroup")
 * with key ID, have no pin under PIN_DIR/links. Without a daemon holding
 * them, a link whose pin is gone is detached: its hooks judge nothing.
 * 0 for clsact filters (they hold their program) and pending scopes.
 */
unsigned int pc_scope_links_missing(const char *pin_dir, const char *name, const char *how,
				    uint64_t id);

/* Remove every pinned link under PIN_DIR/links whose name starts with none
 * of KEEP (n of them); KEEP NULL removes all. Returns how many, or -errno. */
int pc_detach_links(const char *pin_dir, const char *const *keep, size_t n_keep);

/* Remove a clsact filter. The qdisc stays: pc_clsact_release() decides. */
int pc_detach_clsact(const struct pc_clsact *c);

/*
 * Carry "portcullis created the qdisc" from the OLD records (N_OLD) to the
 * NOW ones (N_NOW) of the same interface: an apply after the first finds
 * the qdisc there (bpf_tc_hook_create's -EEXIST) because we made it.
 */
void pc_clsact_inherit(struct pc_clsact *now, int n_now, const struct pc_clsact *old, int n_old);

/*
 * After portcullis's filters on IFINDEX are gone, delete the clsact qdisc
 * portcullis created there, unless a filter is left on chain 0 of either
 * hook (others attached theirs since: the qdisc is theirs now; filters of
 * other chains run only by a goto from chain 0). 1: deleted; 0: kept,
 * *N_LEFT filters of others on it; -ENOENT: no clsact qdisc (or no such
 * interface) any more; else a negative errno.
 */
int pc_clsact_release(int ifindex, size_t *n_left);

/*
 * Where PROG_ID runs in IFINDEX's tcx chain TYPE: *POS 1 for first, 0 when
 * it is not there, of *OF programs. A program before ours that returns
 * TC_ACT_OK passes packets portcullis never sees ('status' says so).
 */
int pc_tcx_position(int ifindex, enum bpf_attach_type type, uint32_t prog_id, unsigned int *pos,
		    unsigned int *of);

/* The key a scope NAME ("interface:eth0", "cgroup:/x.service") would have
 * now: its target's ifindex or cgroup id, 0 when the target is not here. */
uint64_t pc_scope_target_id(const char *name);

/* Is the scope NAME ("interface:eth0", "cgroup:/x.service"), attached with
 * key ID, still what its target is? False when the target is gone or was
 * made anew (a new ifindex or cgroup id): its hooks judge nothing. */
bool pc_scope_live(const char *name, uint64_t id);

/* PC_SCOPE_F_L3 in *FLAGS when IFNAME has no link-layer header; *TYPE its
 * ARPHRD_*. -EPFNOSUPPORT for a link type portcullis cannot parse. */
int pc_iface_link_flags(const char *ifname, uint8_t *flags, unsigned int *type);

/* A tcx link of PROG_FD on IFINDEX (TYPE: BPF_TCX_INGRESS or _EGRESS) at the
 * head of the chain, so no earlier program can pass a packet past ours.
 * Returns the link fd, or a negative errno (-EINVAL before Linux 6.6). */
int pc_tcx_link_create(int prog_fd, int ifindex, enum bpf_attach_type type);

#endif /* PC_ATTACH_H */
