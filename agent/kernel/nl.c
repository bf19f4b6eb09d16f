// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kernel/nl.h"

int pc_nl_open(int proto)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, proto);

	return fd < 0 ? -errno : fd;
}

int pc_nl_dump(int fd, struct nlmsghdr *req,
	       int (*cb)(const struct nlmsghdr *nh, void *arg), void *arg)
{
	static unsigned int seq;
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	/* Dumps come in parts of at most 32 KiB (NLMSG_GOODSIZE on 4 KiB pages
	 * is less); a bigger part would be cut (MSG_TRUNC), which is refused. */
	union {
		char buf[65536];
		struct nlmsghdr align;
	} u;
	ssize_t n;
	int err;

	req->nlmsg_flags |= NLM_F_REQUEST | NLM_F_DUMP;
	req->nlmsg_seq = ++seq;
	if (sendto(fd, req, req->nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return -errno;
	for (;;) {
		struct nlmsghdr *nh;

		n = recv(fd, u.buf, sizeof(u.buf), 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -ENODATA;
		for (nh = &u.align; NLMSG_OK(nh, (size_t)n); nh = NLMSG_NEXT(nh, n)) {
			if (nh->nlmsg_seq != req->nlmsg_seq)
				continue;	/* an answer to someone else's request */
			if (nh->nlmsg_type == NLMSG_DONE)
				return 0;
			if (nh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(nh);

				if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
					return -EBADMSG;
				return e->error ? e->error : -EBADMSG;
			}
			err = cb(nh, arg);
			if (err < 0)
				return err;
		}
	}
}

void pc_nl_attrs(const struct rtattr *a, int len, const struct rtattr **tb, int max)
{
	memset(tb, 0, sizeof(*tb) * (size_t)(max + 1));
	for (; RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		/* The top bits flag nested and byte-order attributes. */
		int type = a->rta_type & NLA_TYPE_MASK;

		if (type <= max && !tb[type])
			tb[type] = a;
	}
}
