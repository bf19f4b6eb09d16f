// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * host.c - the facts about this host that a lock-out judgement and
 * 'check' need (host.h).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <ifaddrs.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kernel/cgroup.h"
#include "kernel/host.h"

/* ADDR (IPv4 mapped) is SA's address. */
static bool sa_is(const struct sockaddr *sa, const uint8_t *addr)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };

	if (!sa)
		return false;
	if (sa->sa_family == AF_INET)
		return !memcmp(addr, mapped, 12) &&
		       !memcmp(addr + 12, &((const struct sockaddr_in *)sa)->sin_addr, 4);
	if (sa->sa_family == AF_INET6)
		return !memcmp(addr, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
	return false;
}

/* Mark the scopes of interface NAME as a way in; false: none judges it. */
static bool mark_iface(const struct pc_tables *t, const char *name, struct pc_lockout_scope *ls)
{
	bool found = false;
	size_t i;

	for (i = 0; i < t->n_scopes; i++)
		if (t->scopes[i].kind == PC_SCOPE_IFACE && !strcmp(t->scopes[i].target, name))
			found = ls[i].way_in = true;
	return found;
}

/* CG (from /proc/PID/cgroup) is TARGET or below it. */
static bool cgroup_below(const char *cg, const char *target)
{
	size_t n = strlen(target);

	if (!strcmp(target, "/"))
		return true;
	return !strncmp(cg, target, n) && (cg[n] == '\0' || cg[n] == '/');
}

static bool proc_is_sshd(const char *pid)
{
	char path[300], comm[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%s/comm", pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	if (!fgets(comm, sizeof(comm), f))
		comm[0] = '\0';
	fclose(f);
	comm[strcspn(comm, "\n")] = '\0';
	return !strcmp(comm, "sshd");
}

/*
 * Mark the cgroup scopes that hold a process named sshd. Its listening
 * socket, and so every connection it accepts, belongs to its cgroup: a
 * cgroup scope there judges every SSH login. A process that vanishes
 * while we look is no error.
 */
static void mark_sshd(const struct pc_tables *t, struct pc_lockout_scope *ls)
{
	char cg[PATH_MAX];
	struct dirent *de;
	DIR *dir;
	size_t i;

	dir = opendir("/proc");
	if (!dir)
		return;
	while ((de = readdir(dir))) {
		if (!isdigit((unsigned char)de->d_name[0]) || !proc_is_sshd(de->d_name) ||
		    pc_proc_cgroup(strtol(de->d_name, NULL, 10), cg, sizeof(cg)))
			continue;
		for (i = 0; i < t->n_scopes; i++)
			if (t->scopes[i].kind == PC_SCOPE_CGROUP &&
			    cgroup_below(cg, t->scopes[i].target))
				ls[i].holds_sshd = ls[i].sees_session = true;
	}
	closedir(dir);
}

int pc_host_lockout_facts(const struct pc_tables *t, const struct pc_session *session,
			  struct pc_lockout_scope *ls, bool *all_ifaces_scoped)
{
	struct ifaddrs *ifs, *ifa;
	bool any = false, all = true;
	size_t i;

	if (getifaddrs(&ifs))
		return -errno;
	for (ifa = ifs; ifa; ifa = ifa->ifa_next) {
		/* A way in needs an interface that is up, and lo is no way in. */
		if ((ifa->ifa_flags & IFF_LOOPBACK) || !(ifa->ifa_flags & IFF_UP))
			continue;
		any = true;
		if (!mark_iface(t, ifa->ifa_name, ls))
			all = false;
		/* The interface that holds the server address receives the session
		 * (unless routing is asymmetric: docs/cli.md says so). */
		if (!session || !sa_is(ifa->ifa_addr, session->server_addr))
			continue;
		for (i = 0; i < t->n_scopes; i++)
			if (t->scopes[i].kind == PC_SCOPE_IFACE &&
			    !strcmp(t->scopes[i].target, ifa->ifa_name))
				ls[i].sees_session = true;
	}
	freeifaddrs(ifs);
	*all_ifaces_scoped = any && all;
	mark_sshd(t, ls);
	return 0;
}

static bool is_loopback(const char *name)
{
	struct ifaddrs *ifs, *ifa;
	bool lo = !strcmp(name, "lo");

	if (getifaddrs(&ifs))
		return lo;
	for (ifa = ifs; ifa; ifa = ifa->ifa_next)
		if (!strcmp(ifa->ifa_name, name) && (ifa->ifa_flags & IFF_LOOPBACK))
			lo = true;
	freeifaddrs(ifs);
	return lo;
}

static void lint_iface(const struct pc_attach *a, struct pc_diag *d)
{
	const char *name = a->target.name;

	if (is_loopback(name)) {
		pc_diag_error_hint(d, &a->target.loc,
				   "attach the interfaces the traffic arrives on",
				   "'%s' is the loopback interface: the datapath never judges "
				   "loopback traffic", name);
		return;
	}
	if (!if_nametoindex(name))
		pc_diag_add(d, PC_DIAG_WARNING, 0, &a->target.loc,
			    "the scope stays pending and is enforced as soon as it appears",
			    "no interface '%s' on this host (yet)", name);
}

static void lint_cgroup(const struct pc_attach *a, const char *root, struct pc_diag *d)
{
	const char *path = a->target.name;
	char full[PATH_MAX * 2];
	struct stat sb;

	if (!strcmp(path, "/")) {
		pc_diag_error_hint(d, &a->target.loc,
				   "attach the cgroup of each service, e.g. /system.slice/nginx.service",
				   "'attach cgroup /' would judge every socket of the host: "
				   "the root cgroup is never attached");
		return;
	}
	if (!root) {
		pc_diag_add(d, PC_DIAG_WARNING, 0, &a->target.loc, NULL,
			    "no cgroup2 mount on this host: cannot tell whether '%s' exists", path);
		return;
	}
	snprintf(full, sizeof(full), "%s%s", root, path);
	if (stat(full, &sb) || !S_ISDIR(sb.st_mode))
		pc_diag_add(d, PC_DIAG_WARNING, 0, &a->target.loc,
			    "the scope stays pending and is enforced as soon as it appears",
			    "no cgroup '%s' on this host (yet)", path);
}

unsigned int pc_host_lint(const struct pc_policy *p, struct pc_diag *d)
{
	unsigned int before = d->n_errors;
	char root[PATH_MAX];
	bool have_root;
	size_t i;

	have_root = !pc_cgroup2_root(root, sizeof(root));
	if (!p->n_attaches)
		pc_diag_add(d, PC_DIAG_WARNING, 0, NULL,
			    "add 'attach interface NAME role ROLE' (docs/policy.md)",
			    "the config attaches nothing: it judges no traffic");
	for (i = 0; i < p->n_attaches; i++) {
		const struct pc_attach *a = &p->attaches[i];

		if (a->kind == PC_ATTACH_IFACE)
			lint_iface(a, d);
		else
			lint_cgroup(a, have_root ? root : NULL, d);
	}
	return d->n_errors - before;
}
