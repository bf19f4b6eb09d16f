// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>

#include "kernel/attach.h"
#include "kernel/nl.h"
#include "kernel/tcfilter.h"
#include "lib/array.h"

#define U32_NODE(h)	((h) & 0xfffu)	/* <linux/pkt_cls.h> TC_U32_NODE */

struct list {
	struct pc_tcfilter *v;
	size_t n, cap;
};

static int on_filter(const struct nlmsghdr *nh, void *arg)
{
	struct list *l = arg;
	const struct tcmsg *t = NLMSG_DATA(nh);
	const struct rtattr *tb[TCA_MAX + 1], *bpf[TCA_BPF_MAX + 1];
	struct pc_tcfilter *f;
	int err;

	if (nh->nlmsg_type != RTM_NEWTFILTER || nh->nlmsg_len < NLMSG_LENGTH(sizeof(*t)))
		return 0;
	pc_nl_attrs(TCA_RTA(t), (int)TCA_PAYLOAD(nh), tb, TCA_MAX);
	/* Handle 0 is the header the dump sends for each priority, no filter. */
	if (!t->tcm_handle || !tb[TCA_KIND])
		return 0;
	if (tb[TCA_CHAIN] && *(const uint32_t *)RTA_DATA(tb[TCA_CHAIN]))
		return 0;
	err = pc_array_reserve((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v));
	if (err)
		return err;
	f = &l->v[l->n];
	memset(f, 0, sizeof(*f));
	f->priority = TC_H_MAJ(t->tcm_info) >> 16;
	f->protocol = ntohs((uint16_t)TC_H_MIN(t->tcm_info));
	f->handle = t->tcm_handle;
	snprintf(f->kind, sizeof(f->kind), "%.*s", (int)RTA_PAYLOAD(tb[TCA_KIND]),
		 (const char *)RTA_DATA(tb[TCA_KIND]));
	/* A u32 hash table ("800:") holds filters and is none itself. */
	if (!strcmp(f->kind, "u32") && !U32_NODE(f->handle))
		return 0;
	if (!strcmp(f->kind, "bpf") && tb[TCA_OPTIONS]) {
		pc_nl_attrs(RTA_DATA(tb[TCA_OPTIONS]), (int)RTA_PAYLOAD(tb[TCA_OPTIONS]), bpf,
			    TCA_BPF_MAX);
		if (bpf[TCA_BPF_NAME])
			snprintf(f->bpf_name, sizeof(f->bpf_name), "%.*s",
				 (int)RTA_PAYLOAD(bpf[TCA_BPF_NAME]),
				 (const char *)RTA_DATA(bpf[TCA_BPF_NAME]));
		if (bpf[TCA_BPF_ID] && RTA_PAYLOAD(bpf[TCA_BPF_ID]) >= sizeof(uint32_t))
			memcpy(&f->bpf_id, RTA_DATA(bpf[TCA_BPF_ID]), sizeof(uint32_t));
		f->ours = f->handle == PC_CLSACT_HANDLE && f->priority == PC_CLSACT_PRIORITY;
	}
	l->n++;
	return 0;
}

int pc_tcfilter_list(int ifindex, bool egress, struct pc_tcfilter **out, size_t *n)
{
	struct {
		struct nlmsghdr nh;
		struct tcmsg t;
	} req = {
		.nh = { .nlmsg_len = sizeof(req), .nlmsg_type = RTM_GETTFILTER },
		.t = { .tcm_family = AF_UNSPEC, .tcm_ifindex = ifindex,
		       .tcm_parent = TC_H_MAKE(TC_H_CLSACT,
					       egress ? TC_H_MIN_EGRESS : TC_H_MIN_INGRESS) },
	};
	struct list l = { 0 };
	int fd, err;

	*out = NULL;
	*n = 0;
	fd = pc_nl_open(NETLINK_ROUTE);
	if (fd < 0)
		return fd;
	err = pc_nl_dump(fd, &req.nh, on_filter, &l);
	close(fd);
	if (err) {
		free(l.v);
		return err;
	}
	*out = l.v;
	*n = l.n;
	return 0;
}
