/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * nl.h - one netlink dump, for what the kernel lists only over netlink:
 * sockets with their cgroup (sock_diag, sockcg.c) and tc filters
 * (rtnetlink, tcfilter.c). libbpf talks netlink inside but exports no
 * listing, and one request-and-walk loop is smaller than a library.
 */
#ifndef PC_NL_H
#define PC_NL_H

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

/* A NETLINK_* socket (PROTO) in the caller's network namespace: fd or -errno. */
int pc_nl_open(int proto);

/*
 * Send REQ (its nlmsg_len set; NLM_F_REQUEST | NLM_F_DUMP are added) on FD
 * and call CB for every reply message until NLMSG_DONE. 0, the kernel's
 * error as a negative errno, or CB's negative return (which stops the walk).
 */
int pc_nl_dump(int fd, struct nlmsghdr *req,
	       int (*cb)(const struct nlmsghdr *nh, void *arg), void *arg);

/* Index the attributes in LEN bytes at A by type into TB[0..MAX] (NULL:
 * absent). netlink attributes (nlattr) and rtattr share this layout. */
void pc_nl_attrs(const struct rtattr *a, int len, const struct rtattr **tb, int max);

#endif /* PC_NL_H */
