// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * lockout.c - judge whether enforcing compiled tables locks the operator
 * out: the session typed in, and any way in at all (lockout.h).
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "lib/addr.h"
#include "policy/lockout.h"
#include "policy/query.h"

const uint16_t pc_admin_ports[2] = { 22, 3389 };

/* One address of SSH_CONNECTION: no prefix; a zone ("fe80::1%eth0") is dropped. */
static int session_addr(const char *s, char *text, size_t len, uint8_t *addr)
{
	size_t n = strcspn(s, "%");
	struct pc_addr a;

	if (strchr(s, '/') || n >= len || pc_addr_parse(s, n, &a))
		return -EINVAL;
	memcpy(text, s, n);
	text[n] = '\0';
	memcpy(addr, a.addr, 16);
	return 0;
}

int pc_session_parse(const char *s, struct pc_session *out)
{
	char client[64], server[64];
	unsigned int cport, sport;
	int end = 0;

	memset(out, 0, sizeof(*out));
	if (!s || sscanf(s, "%63s %5u %63s %5u %n", client, &cport, server, &sport, &end) != 4 ||
	    s[end] || !cport || cport > 65535 || !sport || sport > 65535)
		return -EINVAL;
	if (session_addr(client, out->client, sizeof(out->client), out->client_addr) ||
	    session_addr(server, out->server, sizeof(out->server), out->server_addr))
		return -EINVAL;
	out->server_port = (uint16_t)sport;
	return 0;
}

/* Does scope S let tcp PORT in from ADDR; with ADDR NULL, from any peer at all? */
static bool admits(const struct pc_tables *t, uint32_t s, uint16_t port, const uint8_t *addr)
{
	struct pc_flow f = { .dir = PC_DIR_IN, .proto = IPPROTO_TCP, .port = port };
	struct pc_verdict v;

	if (addr) {
		f.has_addr = true;
		memcpy(f.addr, addr, 16);
	}
	if (pc_query(t, s, &f, &v))
		return false;
	/* Without an address a rule that names a peer answers "peer": it exists. */
	return v.allowed || (!addr && v.reason == PC_REASON_PEER);
}

/* An SSH or RDP rule, or one for the port sshd listens on for this session. */
static bool admin_rule(const struct pc_tables *t, const struct pc_lockout_host *h, uint32_t s)
{
	size_t i;

	if (h->session && admits(t, s, h->session->server_port, NULL))
		return true;
	for (i = 0; i < sizeof(pc_admin_ports) / sizeof(pc_admin_ports[0]); i++)
		if (admits(t, s, pc_admin_ports[i], NULL))
			return true;
	return false;
}

/* An error when the scope enforces after the command and nobody forced it. */
static enum pc_diag_severity severity(const struct pc_lockout_scope *ls, bool force)
{
	return ls->mode == PC_MODE_ENFORCE && !force ? PC_DIAG_ERROR : PC_DIAG_WARNING;
}

static const char *prefix(const struct pc_lockout_scope *ls)
{
	return ls->mode == PC_MODE_ENFORCE ? "" : "in audit now, but ";
}

static void judge_session(const struct pc_tables *t, const struct pc_lockout_host *h,
			  bool force, struct pc_diag *d)
{
	const struct pc_session *ss = h->session;
	char hint[PC_DIAG_HINT_MAX];
	size_t i;

	for (i = 0; i < t->n_scopes; i++) {
		const struct pc_lockout_scope *ls = &h->scopes[i];

		if (!ls->changes || !ls->sees_session ||
		    admits(t, (uint32_t)i, ss->server_port, ss->client_addr))
			continue;
		snprintf(hint, sizeof(hint),
			 "let it in with 'peer admin %s' and a rule like 'allow in %s from admin' "
			 "in a role of %s%s, or pass --force", ss->client,
			 ss->server_port == 22 ? "ssh" : "SERVICE", t->scopes[i].name,
			 ss->server_port == 22 ? "" : " (SERVICE: one with this tcp port)");
		pc_diag_add(d, severity(ls, force), 0, NULL, hint,
			    "%s: %senforce would cut this SSH session (SSH_CONNECTION): "
			    "nothing lets %s in to tcp %u", t->scopes[i].name, prefix(ls),
			    ss->client, ss->server_port);
	}
}

/* The cgroups that hold sshd: every connection to it is judged there. */
static void judge_sshd_cgroups(const struct pc_tables *t, const struct pc_lockout_host *h,
			       bool force, struct pc_diag *d)
{
	size_t i;

	for (i = 0; i < t->n_scopes; i++) {
		const struct pc_lockout_scope *ls = &h->scopes[i];

		if (!ls->changes || !ls->holds_sshd || admin_rule(t, h, (uint32_t)i))
			continue;
		pc_diag_add(d, severity(ls, force), 0, NULL,
			    "add a rule like 'allow in ssh from admin' (with 'peer admin ADDR') to a "
			    "role of it, turn the failsafe on, or pass --force",
			    "%s: %senforce would let no SSH (tcp 22) in to the sshd in this cgroup, "
			    "from anywhere", t->scopes[i].name, prefix(ls));
	}
}

/*
 * Every interface of the host is a scope and none of them has an SSH or
 * RDP rule: no way in is left. One finding for the host, listing them.
 */
static void judge_way_in(const struct pc_tables *t, const struct pc_lockout_host *h,
			 bool force, struct pc_diag *d)
{
	struct pc_lockout_scope worst = { .mode = PC_MODE_ENFORCE };
	char names[PC_DIAG_HINT_MAX] = "";
	size_t i, n = 0, used = 0;
	bool changes = false;

	if (!h->all_ifaces_scoped)
		return;
	for (i = 0; i < t->n_scopes; i++) {
		const struct pc_lockout_scope *ls = &h->scopes[i];
		int w;

		if (!ls->way_in)
			continue;
		if (admin_rule(t, h, (uint32_t)i))
			return;
		/* One interface left in audit still lets the operator in. */
		if (ls->mode != PC_MODE_ENFORCE)
			worst.mode = ls->mode;
		changes |= ls->changes;
		w = snprintf(names + used, sizeof(names) - used, "%s%s", n ? ", " : "",
			     t->scopes[i].name);
		if (w > 0 && (size_t)w < sizeof(names) - used)
			used += (size_t)w;
		n++;
	}
	if (!n || !changes)
		return;
	pc_diag_add(d, severity(&worst, force), 0, NULL,
		    "add a rule like 'allow in ssh from admin' (with 'peer admin ADDR') to a role "
		    "of each, turn the failsafe on, or pass --force",
		    "%senforce would leave no SSH (tcp 22) or RDP (tcp 3389) in from anywhere%s: "
		    "every interface of this host is judged (%s) and no rule of theirs lets "
		    "either in", prefix(&worst), t->failsafe ? "" : " ('failsafe off')", names);
}

unsigned int pc_lockout_judge(const struct pc_tables *t, const struct pc_lockout_host *h,
			      bool force, struct pc_diag *d)
{
	unsigned int before = d->n_errors;

	if (h->session)
		judge_session(t, h, force, d);
	judge_sshd_cgroups(t, h, force, d);
	judge_way_in(t, h, force, d);
	return d->n_errors - before;
}
