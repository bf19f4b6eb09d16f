/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * test_sockcg.c - sockets a cgroup scope holds but never judges
 * (kernel/sockcg.c): how one is described, the netlink attribute index
 * both dumps use, and, as root, a real listener made outside a cgroup and
 * carried in by a process moved there (past a threaded child cgroup).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "kernel/cgroup.h"
#include "kernel/nl.h"
#include "kernel/sockcg.h"

static void test_describe(void **state)
{
	struct pc_sockcg s = {
		.family = AF_INET6, .proto = IPPROTO_TCP, .state = TCP_LISTEN, .port = 8080,
		.pid = 412, .comm = "nginx", .cgroup = "/system.slice/nginx.socket",
	};
	char buf[512];

	pc_sockcg_describe(&s, buf, sizeof(buf));
	assert_string_equal(buf, "tcp [::]:8080 listen, pid 412 (nginx), made in cgroup "
				 "/system.slice/nginx.socket");
	s.family = AF_INET;
	s.proto = IPPROTO_UDP;
	s.state = 7;	/* TCP_CLOSE: an unconnected UDP socket */
	inet_pton(AF_INET, "10.0.0.5", s.addr);
	s.cgroup[0] = '\0';
	pc_sockcg_describe(&s, buf, sizeof(buf));
	assert_string_equal(buf, "udp 10.0.0.5:8080 bound, pid 412 (nginx), made in a cgroup now gone");
	s.held_outside = true;
	snprintf(s.cgroup, sizeof(s.cgroup), "/user.slice");
	pc_sockcg_describe(&s, buf, sizeof(buf));
	assert_string_equal(buf, "udp 10.0.0.5:8080 bound, held by pid 412 (nginx) in cgroup /user.slice");
	s.state = TCP_ESTABLISHED;
	assert_string_equal(pc_sockcg_state(&s), "connected");
	s.proto = IPPROTO_TCP;
	assert_string_equal(pc_sockcg_state(&s), "established");
	s.state = 200;
	assert_string_equal(pc_sockcg_state(&s), "unknown");
}

/* Attributes by type, the nested flag masked, the first of a type kept. */
static void test_nl_attrs(void **state)
{
	union {
		char buf[64];
		struct rtattr align;
	} u;
	const struct rtattr *tb[5];
	struct rtattr *a = &u.align;
	int len = 0;

	memset(&u, 0, sizeof(u));
	a->rta_type = 2 | NLA_F_NESTED;
	a->rta_len = RTA_LENGTH(4);
	len += RTA_ALIGN(a->rta_len);
	a = (struct rtattr *)(u.buf + len);
	a->rta_type = 9;	/* past MAX: ignored */
	a->rta_len = RTA_LENGTH(2);
	len += RTA_ALIGN(a->rta_len);
	a = (struct rtattr *)(u.buf + len);
	a->rta_type = 2;	/* a second of type 2: the first stays */
	a->rta_len = RTA_LENGTH(8);
	len += RTA_ALIGN(a->rta_len);
	pc_nl_attrs(&u.align, len, tb, 4);
	assert_ptr_equal(tb[2], &u.align);
	assert_null(tb[0]);
	assert_null(tb[1]);
	assert_null(tb[4]);
}

static void test_refusals(void **state)
{
	struct pc_sockcg *v;
	size_t n;

	assert_int_equal(pc_sockcg_find("relative", &v, &n), -EINVAL);
	assert_int_equal(pc_sockcg_find("/pc-unit-no-such-cgroup", &v, &n), -ENOENT);
	assert_null(v);
	assert_int_equal(n, 0);
}

/* Move CHILD into the cgroup of PROCS, let it go on (GO), and wait until
 * it made its own listener (READY). 0 or -1. */
static int move_and_wait(const char *procs, pid_t child, int go, int ready)
{
	FILE *f = fopen(procs, "w");
	char c;

	if (!f)
		return -1;
	fprintf(f, "%d\n", (int)child);
	if (fclose(f) || write(go, "g", 1) != 1 || read(ready, &c, 1) != 1)
		return -1;
	return 0;
}

/*
 * A child inherits a listener its parent made, then moves into a fresh
 * cgroup and makes a second one there: the first is reported, made in the
 * parent's cgroup; the second, made inside, is not.
 */
static void test_moved_listener(void **state)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof(sa);
	char root[4096], cg[4200], procs[4300], thr[4300], type[4400], path[64];
	int lfd, go[2], ready[2], found = 0, err;
	struct pc_sockcg *v = NULL;
	uint16_t port;
	size_t n = 0, i;
	pid_t child;
	FILE *f;

	if (geteuid() || pc_cgroup2_root(root, sizeof(root))) {
		print_message("skipped: needs root and a cgroup2 mount\n");
		skip();
	}
	snprintf(path, sizeof(path), "/pc-unit-sockcg-%d", (int)getpid());
	snprintf(cg, sizeof(cg), "%s%s", root, path);
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", cg);
	assert_int_equal(mkdir(cg, 0755), 0);
	/* A threaded child, whose cgroup.procs cannot be read, is walked past. */
	snprintf(thr, sizeof(thr), "%s/thr", cg);
	assert_int_equal(mkdir(thr, 0755), 0);
	snprintf(type, sizeof(type), "%s/cgroup.type", thr);
	f = fopen(type, "w");
	assert_non_null(f);
	fputs("threaded\n", f);
	assert_int_equal(fclose(f), 0);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(lfd >= 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(lfd, 1), 0);
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&sa, &sl), 0);
	port = ntohs(sa.sin_port);
	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(ready), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		char c;
		int fd;

		/* moved by the parent; then a listener made inside */
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		fd = socket(AF_INET, SOCK_STREAM, 0);
		sa.sin_port = 0;
		if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 1))
			_exit(1);
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	/* Nothing asserted until the child and the cgroup are gone again. */
	err = move_and_wait(procs, child, go[1], ready[0]);
	if (!err)
		err = pc_sockcg_find(path, &v, &n);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	rmdir(thr);
	rmdir(cg);
	close(lfd);
	assert_int_equal(err, 0);
	for (i = 0; i < n; i++) {
		assert_int_equal(v[i].pid, child);
		if (v[i].port == port && v[i].proto == IPPROTO_TCP && v[i].state == TCP_LISTEN)
			found++;
	}
	free(v);
	/* the inherited listener, and nothing else: not the one made inside */
	assert_int_equal(found, 1);
	assert_int_equal(n, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_describe),
		cmocka_unit_test(test_nl_attrs),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_moved_listener),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
