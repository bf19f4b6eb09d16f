/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * names.h - every enumeration an operator reads or writes, as one table
 * each, used both to parse and to print (xdp-tools' enum_val tables,
 * bpftool's cmds[]): a name and its number, in the order 'help' and error
 * messages list them.
 *
 * Adding a protocol, an ICMP type, a reason or a hook is a row here; the
 * parser, 'query', 'catalogue', the event log and 'events' all follow.
 */
#ifndef PC_NAMES_H
#define PC_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The most rows a table has: suggestions list them on the stack. names.c
 * refuses to build a longer table. */
#define PC_NAMES_MAX 32

struct pc_name_val {
	const char *name;
	unsigned int value;
};

struct pc_names {
	const char *what;		/* "protocol", "ICMP type", ...: for messages */
	const struct pc_name_val *v;
	size_t n;
};

extern const struct pc_names pc_names_proto;	/* IPPROTO_*: tcp, udp, icmp, icmpv6 */
extern const struct pc_names pc_names_icmp;	/* ICMP (IPv4) types */
extern const struct pc_names pc_names_icmp6;	/* ICMPv6 types */
extern const struct pc_names pc_names_dir;	/* PC_DIR_*: in, out */
extern const struct pc_names pc_names_mode;	/* PC_MODE_*: audit, enforce */
extern const struct pc_names pc_names_verdict;	/* PC_VERDICT_*: deny, audit */
extern const struct pc_names pc_names_reason;	/* PC_REASON_*: no-rule, peer, malformed, ... */
extern const struct pc_names pc_names_hook;	/* PC_HOOK_*: tc-ingress, ..., sendmsg6 */
extern const struct pc_names pc_names_scope_kind; /* PC_SCOPE_*: interface, cgroup */

/* The value named NAME (N bytes; the whole string with pc_name_parse()):
 * 0, or -ENOENT when the table has no such name. Names are matched
 * exactly: the language and the command line are case-sensitive. */
int pc_name_parse_n(const struct pc_names *t, const char *name, size_t n, unsigned int *value);
int pc_name_parse(const struct pc_names *t, const char *name, unsigned int *value);

/* The name of VALUE, or NULL when it has none. */
const char *pc_name_of(const struct pc_names *t, unsigned int value);

/* The name of VALUE, or its number written into BUF when it has none. */
const char *pc_name_or_number(const struct pc_names *t, unsigned int value, char *buf,
			      size_t size);

/* The name of the mode a scope runs in: the datapath enforces only
 * PC_MODE_ENFORCE and audits anything else, so any other M is "audit". */
const char *pc_mode_name(uint32_t m);

/* The ICMP or ICMPv6 type table for an IPPROTO_ICMP/IPPROTO_ICMPV6, else NULL. */
const struct pc_names *pc_names_icmp_of(uint8_t proto);

/* Every name of T, as a NULL-free array for pc_suggest() and help lines. */
size_t pc_names_list(const struct pc_names *t, const char **out, size_t max);

/* The name of T closest to WORD, for "did you mean 'x'?" (pc_suggest()'s
 * rule: ties go to the earlier row), or NULL when none is close. */
const char *pc_name_suggest(const struct pc_names *t, const char *word);

/*
 * Does WANT, as an operator typed it after --scope, name the scope NAME?
 * A scope is named "KIND:TARGET" (a row of pc_names_scope_kind, then the
 * interface or cgroup path: "interface:eth0", "cgroup:/system.slice/x.service");
 * WANT is the whole name, the target alone ("eth0"), or a cgroup's last
 * path components ("nginx.service", "system.slice/nginx.service": whole
 * components, without the leading '/'), so the last may name several
 * scopes. NULL, no --scope, names every scope. 'query', 'mode' and
 * 'events' all use this.
 */
bool pc_scope_matches(const char *name, const char *want);

#endif /* PC_NAMES_H */
