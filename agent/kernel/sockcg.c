// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * sockcg.c - sockets held in a cgroup scope but made outside it (sockcg.h).
 *
 * Three steps: the cgroup subtree (its cgroup ids, and its processes from
 * each cgroup.procs); the sockets those processes hold (socket:[INODE]
 * links in /proc/PID/fd); and a sock_diag dump of every TCP and UDP socket
 * in each network namespace those processes live in, which gives each
 * socket's inode and cgroup id. A socket held in the subtree whose cgroup
 * id is not one of the subtree's is never judged by the scope's hooks.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/cgroup.h"
#include "kernel/cgroup_name.h"
#include "kernel/nl.h"
#include "kernel/sockcg.h"
#include "lib/array.h"

/* cgroup v2 nests far less deep in practice (systemd: slices, a unit, and
 * a service's own delegated tree); the walk holds a directory fd a level,
 * so a deeper tree is refused (-ELOOP) rather than walked in part. */
#define MAX_DEPTH 64

const char pc_sockcg_hint[] =
	"the cgroup hooks judge a socket by the cgroup it was made in (socket activation, a "
	"process moved in, SCM_RIGHTS); attach the host's interface too: TC judges every packet";
const char pc_sockcg_hint_held[] =
	"a socket stays judged by the scope it was made in when its process moves out or hands "
	"it on: restart that process where it belongs";

struct held {
	uint64_t inode;
	int pid;
};

struct netns {
	uint64_t ino;
	int pid;	/* one process in it, to enter it by */
};

struct scan {
	uint64_t *cg;	/* the subtree's cgroup ids, sorted for bsearch */
	size_t n_cg, cap_cg;
	int *pids;
	size_t n_pids, cap_pids;
	struct held *held;	/* sorted by inode, one per inode */
	size_t n_held, cap_held;
	struct netns *ns;
	size_t n_ns, cap_ns;
	struct pc_sockcg *out;
	size_t n_out, cap_out;
	struct held *away;	/* held_outside entries of out: {inode, index}, sorted */
	size_t n_away, cap_away;
	const char *root;	/* the cgroup2 mount */
	uint8_t proto;		/* of the dump under way */
	bool no_cgroup_id;	/* a reply without INET_DIAG_CGROUP_ID */
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* bsearch() by inode alone: a struct held keyed by its inode. */
static int cmp_held_inode(const void *a, const void *b)
{
	const struct held *x = a, *y = b;

	return x->inode < y->inode ? -1 : x->inode > y->inode;
}

static int cmp_held(const void *a, const void *b)
{
	const struct held *x = a, *y = b;

	if (x->inode != y->inode)
		return x->inode < y->inode ? -1 : 1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

static int read_procs(int dir_fd, struct scan *s)
{
	int fd = openat(dir_fd, "cgroup.procs", O_RDONLY | O_CLOEXEC);
	FILE *f;
	int pid, err = 0;

	if (fd < 0)
		return -errno;
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return -ENOMEM;
	}
	errno = 0;
	while (!err && fscanf(f, "%d", &pid) == 1) {
		err = pc_array_reserve((void **)&s->pids, &s->cap_pids, s->n_pids + 1,
				       sizeof(*s->pids));
		if (!err)
			s->pids[s->n_pids++] = pid;
	}
	/* fscanf() stops at a read error as at the end: tell them apart, or
	 * a cgroup whose processes could not be read would look empty. */
	if (!err && ferror(f))
		err = errno ? -errno : -EIO;
	fclose(f);
	return err;
}

/* The cgroup at DIR_FD (consumed) and every cgroup below it. */
static int walk_cgroups(int dir_fd, struct scan *s, int depth)
{
	struct stat st;
	struct dirent *de;
	DIR *d;
	int err;

	/* A cgroup2 directory's inode number is its cgroup id (kernfs). */
	if (fstat(dir_fd, &st)) {
		err = -errno;
		close(dir_fd);
		return err;
	}
	err = pc_array_reserve((void **)&s->cg, &s->cap_cg, s->n_cg + 1, sizeof(*s->cg));
	if (!err) {
		s->cg[s->n_cg++] = st.st_ino;
		err = read_procs(dir_fd, s);
		/* A threaded cgroup refuses to list cgroup.procs: its processes
		 * are listed by its domain, higher up in the walk. */
		if (err == -EOPNOTSUPP)
			err = 0;
	}
	d = err ? NULL : fdopendir(dir_fd);
	if (!d) {
		err = err ? err : -errno;
		close(dir_fd);
		return err;
	}
	while (!err && (de = readdir(d))) {
		int fd;

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		if (depth >= MAX_DEPTH) {
			err = -ELOOP;
			break;
		}
		fd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0) {
			err = errno == ENOENT ? 0 : -errno;	/* ENOENT: removed meanwhile */
			continue;
		}
		err = walk_cgroups(fd, s, depth + 1);
		if (err == -ENOENT)
			err = 0;	/* removed meanwhile */
	}
	closedir(d);
	return err;
}

static int add_netns(struct scan *s, int pid)
{
	char path[64];
	struct stat st;
	size_t i;
	int err;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
	if (stat(path, &st))
		return errno == ENOENT ? 0 : -errno;	/* exited meanwhile */
	for (i = 0; i < s->n_ns; i++)
		if (s->ns[i].ino == st.st_ino)
			return 0;
	err = pc_array_reserve((void **)&s->ns, &s->cap_ns, s->n_ns + 1, sizeof(*s->ns));
	if (err)
		return err;
	s->ns[s->n_ns++] = (struct netns){ .ino = st.st_ino, .pid = pid };
	return 0;
}

/* Call CB for each socket PID holds (socket:[INODE] links in its fd table). */
static int pid_sockets(struct scan *s, int pid, int (*cb)(struct scan *s, uint64_t ino, int pid))
{
	char path[64], link[64];
	struct dirent *de;
	unsigned long long ino;
	DIR *d;
	int err = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	d = opendir(path);
	if (!d)
		return errno == ENOENT ? 0 : -errno;	/* exited meanwhile */
	while (!err && (de = readdir(d))) {
		ssize_t n = readlinkat(dirfd(d), de->d_name, link, sizeof(link) - 1);

		if (n <= 0)
			continue;
		link[n] = '\0';
		if (sscanf(link, "socket:[%llu]", &ino) == 1)
			err = cb(s, ino, pid);
	}
	closedir(d);
	return err;
}

static int add_held(struct scan *s, uint64_t ino, int pid)
{
	int err = pc_array_reserve((void **)&s->held, &s->cap_held, s->n_held + 1,
				   sizeof(*s->held));

	if (!err)
		s->held[s->n_held++] = (struct held){ .inode = ino, .pid = pid };
	return err;
}

/* The sockets a process of the subtree holds, and its network namespace. */
static int read_fds(struct scan *s, int pid)
{
	size_t before = s->n_held;
	int err = pid_sockets(s, pid, add_held);

	return err ? err : s->n_held > before ? add_netns(s, pid) : 0;
}

static int on_socket(const struct nlmsghdr *nh, void *arg)
{
	struct scan *s = arg;
	const struct inet_diag_msg *m = NLMSG_DATA(nh);
	const struct rtattr *tb[INET_DIAG_MAX + 1];
	struct held key, *h;
	struct pc_sockcg *o;
	uint64_t cg, *made_in;
	int err;

	if (nh->nlmsg_type != SOCK_DIAG_BY_FAMILY || nh->nlmsg_len < NLMSG_LENGTH(sizeof(*m)))
		return 0;
	key.inode = m->idiag_inode;
	if (!key.inode)
		return 0;	/* orphaned: closed, no process holds it */
	h = bsearch(&key, s->held, s->n_held, sizeof(*h), cmp_held_inode);
	pc_nl_attrs((const struct rtattr *)(m + 1), (int)(nh->nlmsg_len - NLMSG_LENGTH(sizeof(*m))),
		    tb, INET_DIAG_MAX);
	if (!tb[INET_DIAG_CGROUP_ID] || RTA_PAYLOAD(tb[INET_DIAG_CGROUP_ID]) < sizeof(cg)) {
		s->no_cgroup_id = true;
		return 0;
	}
	memcpy(&cg, RTA_DATA(tb[INET_DIAG_CGROUP_ID]), sizeof(cg));
	made_in = bsearch(&cg, s->cg, s->n_cg, sizeof(*s->cg), cmp_u64);
	/* Held and made in the subtree: judged as meant. Neither: not ours. */
	if (!h == !made_in)
		return 0;
	err = pc_array_reserve((void **)&s->out, &s->cap_out, s->n_out + 1, sizeof(*s->out));
	if (err)
		return err;
	o = &s->out[s->n_out++];
	memset(o, 0, sizeof(*o));
	o->family = m->idiag_family;
	o->proto = s->proto;
	o->state = m->idiag_state;
	memcpy(o->addr, m->id.idiag_src, o->family == AF_INET ? 4 : 16);
	o->port = ntohs(m->id.idiag_sport);
	o->inode = m->idiag_inode;
	if (h) {
		o->pid = h->pid;
		o->cgroup_id = cg;
		return 0;
	}
	/* Made in the subtree, held by no process of it: who holds it is
	 * found in all of /proc once the dumps are done (find_holders()). */
	o->held_outside = true;
	err = pc_array_reserve((void **)&s->away, &s->cap_away, s->n_away + 1, sizeof(*s->away));
	if (!err)
		s->away[s->n_away++] = (struct held){ .inode = o->inode, .pid = (int)(s->n_out - 1) };
	return err;
}

/* Every TCP and UDP socket of FD's network namespace through on_socket(). */
static int dump_sockets(int fd, struct scan *s)
{
	static const uint8_t families[] = { AF_INET, AF_INET6 };
	static const uint8_t protos[] = { IPPROTO_TCP, IPPROTO_UDP };
	size_t f, p;
	int err = 0;

	for (f = 0; !err && f < 2; f++) {
		for (p = 0; !err && p < 2; p++) {
			struct {
				struct nlmsghdr nh;
				struct inet_diag_req_v2 r;
			} req = {
				.nh = { .nlmsg_len = sizeof(req), .nlmsg_type = SOCK_DIAG_BY_FAMILY },
				.r = { .sdiag_family = families[f], .sdiag_protocol = protos[p],
				       /* TIME_WAIT and SYN_RECV minisocks have no inode */
				       .idiag_states = ~(1u << TCP_TIME_WAIT | 1u << 12) },
			};

			s->proto = protos[p];
			err = pc_nl_dump(fd, &req.nh, on_socket, s);
		}
	}
	/* sock_diag says ENOENT for a family or protocol it has no handler
	 * for (inet_diag, tcp_diag, udp_diag not built, not loadable): not a
	 * missing cgroup, which ENOENT means to the callers. */
	return err == -ENOENT ? -EPROTONOSUPPORT : err;
}

/*
 * A sock_diag socket in the network namespace of PID: netlink answers
 * about the namespace its socket was made in, so enter that one for the
 * socket() call and come back. The CLI is one thread: setns() moves it all.
 */
static int diag_socket_in(int pid, uint64_t ns_ino, uint64_t self_ino)
{
	char path[64];
	int self, target, fd, err;

	if (ns_ino == self_ino)
		return pc_nl_open(NETLINK_SOCK_DIAG);
	snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
	target = open(path, O_RDONLY | O_CLOEXEC);
	if (target < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0) {
		err = -errno;
		close(target);
		return err;
	}
	if (setns(target, CLONE_NEWNET)) {
		err = -errno;
	} else {
		fd = pc_nl_open(NETLINK_SOCK_DIAG);
		/* Staying in another namespace would make every later call lie. */
		if (setns(self, CLONE_NEWNET))
			abort();
		err = fd;
	}
	close(self);
	close(target);
	return err;
}

static int cmp_out(const void *a, const void *b)
{
	const struct pc_sockcg *x = a, *y = b;
	int lx = x->proto == IPPROTO_TCP && x->state == TCP_LISTEN;
	int ly = y->proto == IPPROTO_TCP && y->state == TCP_LISTEN;

	if (x->held_outside != y->held_outside)
		return x->held_outside - y->held_outside;
	if (lx != ly)
		return ly - lx;
	if (x->proto != y->proto)
		return x->proto - y->proto;
	if (x->port != y->port)
		return x->port - y->port;
	return (x->inode > y->inode) - (x->inode < y->inode);
}

static void read_comm(int pid, char *buf, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	buf[0] = '\0';
	f = fopen(path, "re");
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* away[].pid is the index in out of the socket with that inode. */
static int match_away(struct scan *s, uint64_t ino, int pid)
{
	struct held key = { .inode = ino }, *a;
	struct pc_sockcg *o;

	a = bsearch(&key, s->away, s->n_away, sizeof(*a), cmp_held_inode);
	if (!a)
		return 0;
	o = &s->out[a->pid];
	if (!o->pid || pid < o->pid)
		o->pid = pid;
	return 0;
}

/* The cgroup v2 path PID runs in ("0::PATH" in /proc/PID/cgroup) into O. */
static void holder_cgroup(const struct scan *s, struct pc_sockcg *o)
{
	char cg[PATH_MAX], full[PATH_MAX * 2];
	struct stat st;

	if (pc_proc_cgroup(o->pid, cg, sizeof(cg)))
		return;
	snprintf(full, sizeof(full), "%s%s", s->root, cg);
	if (!stat(full, &st))
		o->cgroup_id = st.st_ino;
	/* A path too long for the field is cut, as pc_cgroup_name() cuts. */
	snprintf(o->cgroup, sizeof(o->cgroup), "%.*s", (int)sizeof(o->cgroup) - 1, cg);
}

/*
 * Who holds the sockets made in the subtree that no process of it holds:
 * every other process's fd table. A socket no process holds (in flight in
 * a unix socket, or just closed) is dropped.
 */
static int find_holders(struct scan *s)
{
	struct dirent *de;
	size_t i, j;
	DIR *d;
	int err = 0;

	if (!s->n_away)
		return 0;
	qsort(s->away, s->n_away, sizeof(*s->away), cmp_held_inode);
	qsort(s->pids, s->n_pids, sizeof(*s->pids), cmp_int);
	d = opendir("/proc");
	if (!d)
		return -errno;
	while (!err && (de = readdir(d))) {
		int pid = atoi(de->d_name);

		if (pid <= 0 || bsearch(&pid, s->pids, s->n_pids, sizeof(*s->pids), cmp_int))
			continue;
		err = pid_sockets(s, pid, match_away);
	}
	closedir(d);
	for (i = 0, j = 0; i < s->n_out; i++) {
		if (s->out[i].held_outside && !s->out[i].pid)
			continue;
		s->out[j++] = s->out[i];
	}
	s->n_out = j;
	return err;
}

/* Name each socket's holder and cgroup, and order them. */
static void finish(struct scan *s)
{
	struct pc_cgroup_names *names = NULL;
	size_t i;

	pc_cgroup_names_new(&names);	/* without it: no paths, ids remain */
	for (i = 0; i < s->n_out; i++) {
		struct pc_sockcg *o = &s->out[i];
		const char *p = o->held_outside ? NULL : pc_cgroup_name(names, o->cgroup_id);

		read_comm(o->pid, o->comm, sizeof(o->comm));
		if (o->held_outside)
			holder_cgroup(s, o);
		else
			snprintf(o->cgroup, sizeof(o->cgroup), "%s", p ? p : "");
	}
	pc_cgroup_names_free(names);
	qsort(s->out, s->n_out, sizeof(*s->out), cmp_out);
}

static int scan_sockets(struct scan *s)
{
	struct stat self;
	size_t i, j;
	int err = 0;

	for (i = 0; !err && i < s->n_pids; i++)
		err = read_fds(s, s->pids[i]);
	if (err)
		return err;
	/* One entry per inode, the lowest pid: a forked server shares its listener. */
	qsort(s->held, s->n_held, sizeof(*s->held), cmp_held);
	for (i = 0, j = 0; i < s->n_held; i++)
		if (!j || s->held[j - 1].inode != s->held[i].inode)
			s->held[j++] = s->held[i];
	s->n_held = j;
	if (stat("/proc/self/ns/net", &self))
		return -errno;
	for (i = 0; !err && i < s->n_ns; i++) {
		int fd = diag_socket_in(s->ns[i].pid, s->ns[i].ino, self.st_ino);

		if (fd == -ESRCH)
			continue;	/* its only process we knew exited */
		if (fd < 0)
			return fd;
		err = dump_sockets(fd, s);
		close(fd);
	}
	if (!err && s->no_cgroup_id)
		err = -EOPNOTSUPP;
	return err ? err : find_holders(s);
}

int pc_sockcg_find(const char *path, struct pc_sockcg **out, size_t *n)
{
	struct scan s = { 0 };
	char root[PATH_MAX], full[PATH_MAX * 2];
	int fd, err;

	*out = NULL;
	*n = 0;
	if (path[0] != '/')
		return -EINVAL;
	err = pc_cgroup2_root(root, sizeof(root));
	if (err)
		return err;
	snprintf(full, sizeof(full), "%s%s", root, path);
	fd = open(full, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	s.root = root;
	err = walk_cgroups(fd, &s, 0);
	if (!err) {
		qsort(s.cg, s.n_cg, sizeof(*s.cg), cmp_u64);
		err = scan_sockets(&s);
	}
	if (!err) {
		finish(&s);
		*out = s.out;
		*n = s.n_out;
		s.out = NULL;
	}
	free(s.cg);
	free(s.pids);
	free(s.held);
	free(s.ns);
	free(s.away);
	free(s.out);
	return err;
}

const char *pc_sockcg_state(const struct pc_sockcg *s)
{
	/* Linux's TCP_* states (include/net/tcp_states.h), 1 to 11 */
	static const char *const tcp[] = {
		"unknown", "established", "syn-sent", "syn-recv", "fin-wait-1", "fin-wait-2",
		"time-wait", "close", "close-wait", "last-ack", "listen", "closing",
	};

	if (s->proto == IPPROTO_UDP)
		return s->state == TCP_ESTABLISHED ? "connected" : "bound";
	return s->state < sizeof(tcp) / sizeof(tcp[0]) ? tcp[s->state] : "unknown";
}

void pc_sockcg_addr(const struct pc_sockcg *s, char *buf, size_t len)
{
	if (!inet_ntop(s->family, s->addr, buf, (socklen_t)len))
		snprintf(buf, len, "?");
}

void pc_sockcg_describe(const struct pc_sockcg *s, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN];

	pc_sockcg_addr(s, addr, sizeof(addr));
	snprintf(buf, len, "%s %s%s%s:%u %s, %spid %d (%s)%s %s%s",
		 s->proto == IPPROTO_TCP ? "tcp" : "udp", s->family == AF_INET6 ? "[" : "", addr,
		 s->family == AF_INET6 ? "]" : "", s->port, pc_sockcg_state(s),
		 s->held_outside ? "held by " : "", s->pid, s->comm[0] ? s->comm : "?",
		 s->held_outside ? " in" : ", made in", s->cgroup[0] ? "cgroup " : "a cgroup now gone",
		 s->cgroup);
}

size_t pc_sockcg_warn(struct pc_diag *d, const char *name, const char *path)
{
	struct pc_sockcg *v;
	char line[512];
	size_t n, i;
	int err = pc_sockcg_find(path, &v, &n);

	if (err == -ENOENT)
		return 0;	/* not here yet: apply leaves the scope pending */
	if (err) {
		pc_diag_warning(d, NULL, "%s: could not look for sockets made outside its cgroup: %s%s",
				name, strerror(-err),
				err == -EPERM || err == -EACCES ? " (it needs root)" : "");
		return 0;
	}
	for (i = 0; i < n; i++) {
		pc_sockcg_describe(&v[i], line, sizeof(line));
		pc_diag_add(d, PC_DIAG_WARNING, 0, NULL,
			    v[i].held_outside ? pc_sockcg_hint_held : pc_sockcg_hint, "%s %s %s",
			    name, v[i].held_outside ? "judges, though held outside," : "never judges",
			    line);
	}
	free(v);
	return n;
}
