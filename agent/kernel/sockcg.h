/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * sockcg.h - the sockets a cgroup scope holds but never judges.
 *
 * cgroup_skb judges a packet by its socket's cgroup, and a socket keeps
 * the cgroup it was made in: a listener systemd made for socket
 * activation, one made before its process moved into the cgroup, or one
 * passed in over SCM_RIGHTS is outside the scope, whatever process holds
 * it. The kernel tells each socket's cgroup only over sock_diag
 * (INET_DIAG_CGROUP_ID, Linux 5.9); /proc/PID/fd tells who holds it.
 * 'status' and 'check' name such sockets, with the answer: an interface
 * scope, as TC judges every packet whatever socket it belongs to.
 *
 * The other way round, a socket made in the scope stays judged by it
 * when the process that holds it runs elsewhere (moved out, or handed
 * the socket): named too, as it is judged by a policy not meant for it.
 */
#ifndef PC_SOCKCG_H
#define PC_SOCKCG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/diag.h"

/* One socket held in the scope's cgroup but made outside it, or
 * (held_outside) made in it but held only outside. */
struct pc_sockcg {
	uint8_t family;		/* AF_INET, AF_INET6 */
	uint8_t proto;		/* IPPROTO_TCP, IPPROTO_UDP */
	uint8_t state;		/* TCP_* as inet_diag says (UDP: 1 connected, 7 not) */
	uint8_t addr[16];	/* local address, network order (IPv4: the first 4 bytes) */
	uint16_t port;		/* local port, host order */
	uint64_t inode;
	bool held_outside;	/* judged by the scope, though no process of it holds it */
	int pid;		/* the lowest pid that holds it (in the scope, or outside) */
	char comm[16];
	/* The cgroup outside the scope: the one the socket was made in, or
	 * (held_outside) the one its holder runs in. */
	uint64_t cgroup_id;
	char cgroup[256];	/* its path under the cgroup2 root; "" when gone */
};

/*
 * The TCP and UDP sockets (IPv4 and IPv6, every state that has a socket)
 * held by processes in the cgroup PATH ("/system.slice/x.service") or
 * below it, whose own cgroup lies outside it; then those made in it and
 * held only by processes outside it (in the network namespaces of the
 * scope's processes): listeners first, then by protocol and port.
 * Processes in other network namespaces are asked in theirs. *OUT (free() it) and *N; 0 or a negative errno: -ENOENT when
 * the cgroup does not exist, -EPERM/-EACCES without root, -EOPNOTSUPP
 * when the kernel does not report a socket's cgroup (before 5.9),
 * -EPROTONOSUPPORT when it has no TCP or UDP sock_diag.
 */
int pc_sockcg_find(const char *path, struct pc_sockcg **out, size_t *n);

/* "tcp 0.0.0.0:8080 listen, pid 412 (socat), made in cgroup /system.slice/x.socket",
 * or held outside: "tcp 0.0.0.0:8080 listen, held by pid 412 (socat) in cgroup /y" */
void pc_sockcg_describe(const struct pc_sockcg *s, char *buf, size_t len);

/* Its state's name: "listen", "established", ..., for UDP "connected" or "bound". */
const char *pc_sockcg_state(const struct pc_sockcg *s);

/* Local ADDR as text, without brackets. */
void pc_sockcg_addr(const struct pc_sockcg *s, char *buf, size_t len);

/* What to do about such sockets: one sentence, for status and check;
 * the second for those held outside. */
extern const char pc_sockcg_hint[];
extern const char pc_sockcg_hint_held[];

/*
 * For 'check': a warning in D for each such socket of the cgroup scope
 * NAME (cgroup PATH), with its hint; nothing when the cgroup is not
 * there (the scope would be pending); a warning when it could not look.
 * Returns how many sockets it warned of.
 */
size_t pc_sockcg_warn(struct pc_diag *d, const char *name, const char *path);

#endif /* PC_SOCKCG_H */
