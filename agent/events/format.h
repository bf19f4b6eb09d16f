/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * format.h - a kernel pc_event as a JSON line (the log), as key=value
 * text (syslog), and back: a parser for our own log lines and the
 * one-line human format of 'portcullis events'.
 *
 * The formatters write into a caller's buffer and return the length they
 * needed, like snprintf: the log writer formats a million events a second,
 * so there is no stdio and no gmtime() on this path.
 */
#ifndef PC_EVENT_FORMAT_H
#define PC_EVENT_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "policy/tables.h"
#include "portcullis.h"

/* What the kernel does not know: names for the scope, wall-clock time. */
struct pc_event_ctx {
	const struct pc_tables *tables;	/* scope names and roles; may be NULL */
	struct timespec boot_to_real;	/* add to ts_ns for CLOCK_REALTIME */
	const char *hint;		/* "allow in smb from ..." or NULL */
	const char *cgroup;		/* path of e->cgroup_id, or NULL */
};

/* Offset between CLOCK_BOOTTIME (bpf_ktime_get_boot_ns) and CLOCK_REALTIME. */
void pc_event_clock_init(struct pc_event_ctx *c);
/* Take a new offset when the wall clock was stepped (NTP, date -s) by more
 * than a millisecond since; smaller changes are the jitter of measuring. */
void pc_event_clock_follow(struct pc_event_ctx *c);

/* Room that is always enough for one line of an event whose scope name,
 * role names and hint are short (the writer checks and grows anyway). */
#define PC_EVENT_LINE_MAX	4096

/* The log's timestamp for REAL_NS since the epoch, UTC, nanoseconds:
 * "2026-11-22T18:00:00.123456789Z" (fixed width, so it sorts as text).
 * BUF needs PC_EVENT_TS_LEN + 1 bytes. */
#define PC_EVENT_TS_LEN		30
void pc_event_format_ts(int64_t real_ns, char *buf);

/* --- the record ------------------------------------------------------------ */

/*
 * The fields of an event as the log records them, in the order of the JSON
 * line. One table in format.c says, for each, its JSON key, its type, where
 * it comes from in struct pc_event, when it is present, and how the syslog
 * and the human lines show it: the JSON writer, the key=value writer, the
 * parser and the human line all follow that table. A new field is a row
 * there, a member of struct pc_event_rec and an id here.
 */
enum pc_event_field_id {
	PC_EF_TS,		/* "ts": UTC, nanoseconds, fixed width */
	PC_EF_KIND,		/* "kind": absent for a packet; "revert" (PC_EVENT_KIND_REVERT) */
	PC_EF_VERDICT,		/* "verdict": pc_names_verdict */
	PC_EF_SCOPE,		/* "scope": its name, "scope:N", or "none" (no-scope) */
	PC_EF_ROLES,		/* "roles": the scope's roles */
	PC_EF_DIR,		/* "dir": pc_names_dir */
	PC_EF_PROTO,		/* "proto": pc_names_proto, or the number */
	PC_EF_SRC,
	PC_EF_SPORT,
	PC_EF_DST,
	PC_EF_DPORT,		/* ICMP: the type */
	PC_EF_COUNT,
	PC_EF_HINT,		/* the rule that would allow it; optional */
	PC_EF_PID,		/* pid, comm, uid: with PC_EV_F_TASK */
	PC_EF_COMM,
	PC_EF_UID,
	PC_EF_CGROUP_ID,	/* at cgroup hooks: the socket's (or task's) cgroup */
	PC_EF_CGROUP,		/* the path of cgroup_id, when the daemon found it */
	PC_EF_REASON,		/* "reason": pc_names_reason; absent in older logs */
	PC_EF_HOOK,		/* "hook": pc_names_hook; absent in older logs */
	PC_EF_FAMILY,		/* 4, 6, or 0 when the IP header was unreadable */
	PC_EF_IFINDEX,		/* TC hooks: the interface */
	PC_EF_IFNAME,		/* its name, when the scope is that interface */
	PC_EF_CHANGE,		/* a change event: what was changed ("mode enforce") */
	PC_EF_RESTORED,		/* a revert: what runs again ("mode audit") */
	PC_EF_N
};

#define PC_EVENT_REC_MAX_ROLES	16

/*
 * One event as text and numbers: made from a struct pc_event by
 * pc_event_rec_from(), or parsed from a log line by pc_event_parse_json(),
 * whose strings then point into the line (decoded in place). Strings may
 * also point into the record's own store: do not copy a record.
 */
struct pc_event_rec {
	const char *ts;		/* as logged */
	const char *kind;	/* NULL: a packet; else a change of what runs (below) */
	const char *verdict;	/* "deny" or "audit" */
	const char *scope;
	const char *const *roles;
	size_t n_roles;		/* parsed: at most PC_EVENT_REC_MAX_ROLES, the first */
	const char *dir;	/* "in" or "out" */
	const char *proto;	/* "tcp", ... or the number as text */
	const char *src;
	uint16_t sport;
	const char *dst;
	uint16_t dport;
	uint32_t count;
	const char *hint;
	uint32_t pid;
	const char *comm;
	uint32_t uid;
	uint64_t cgroup_id;
	const char *cgroup;
	const char *reason;	/* "no-rule", ... or the number as text */
	const char *hook;	/* "tc-ingress", ... or the number as text */
	uint8_t family;
	uint32_t ifindex;
	const char *ifname;
	const char *change;
	const char *restored;
	uint32_t has;		/* 1u << PC_EF_*: the fields present */
	uint32_t plain;		/* 1u << PC_EF_*: text made here that JSON need not escape */
	struct {		/* text the record made itself */
		char ts[PC_EVENT_TS_LEN + 1];
		char src[48], dst[48];
		char comm[17];
		char scope[24];
		char num[PC_EF_N][4];	/* an enumerated field's number without a name */
		const char *roles[PC_EVENT_REC_MAX_ROLES];
	} store;
};

static inline bool pc_event_rec_has(const struct pc_event_rec *r, enum pc_event_field_id f)
{
	return r->has & (1u << f);
}

/* The JSON key of field F ("ts", ...). */
const char *pc_event_field_key(enum pc_event_field_id f);

/* E in the words of C (scope names, roles, hint, cgroup path, wall clock). */
void pc_event_rec_from(struct pc_event_rec *r, const struct pc_event_ctx *c,
		       const struct pc_event *e);

/* One JSON object and a newline, the fields of R that are present, into
 * BUF. Returns the length of the whole line; when that is > CAP the line
 * was cut short and the caller retries with more room. No NUL is written. */
size_t pc_event_rec_json(char *buf, size_t cap, const struct pc_event_rec *r);

/* --- writing ------------------------------------------------------------------- */

/* pc_event_rec_json() of E, the log's line. */
size_t pc_event_format_json(char *buf, size_t cap, const struct pc_event_ctx *c,
			    const struct pc_event *e);

/* One line of key=value pairs without a newline, for syslog:
 * verdict=deny scope=interface:eth0 roles=ssrs dir=in proto=tcp src=... sport=...
 * dst=... dport=... count=1 [pid=.. comm=.. uid=..] reason=no-rule hook=tc-ingress
 * [hint="..."]
 * Returns the length needed like pc_event_format_json; NUL-terminated when it fits. */
size_t pc_event_format_kv(char *buf, size_t cap, const struct pc_event_ctx *c,
			  const struct pc_event *e);

/* pc_event_format_kv() of the record R. */
size_t pc_event_rec_kv(char *buf, size_t cap, const struct pc_event_rec *r);

/*
 * The value of field ID of R as plain text, unquoted and unescaped: a
 * string as it is (line breaks and all), a number in decimal, the roles
 * joined by ','. For a writer that carries each field on its own, as the
 * journal does (events/journal.h). Returns the length needed like
 * pc_event_format_kv; NUL-terminated when it fits.
 */
size_t pc_event_rec_value(char *buf, size_t cap, const struct pc_event_rec *r,
			  enum pc_event_field_id id);

/* --- changes of what runs ---------------------------------------------------- */

/*
 * Beside the kernel's packet events, the log records what changed the
 * rules by itself: a change that was not confirmed in time and went back
 * ('mode --confirm', 'apply --confirm'). Such a record has "kind" and
 * "change" (and "restored") instead of a packet's verdict and flow; a
 * line without "kind" is a packet, so every older log still reads.
 */
#define PC_EVENT_KIND_REVERT	"revert"

/* R as a revert record, now: CHANGE went back to RESTORED. */
void pc_event_rec_revert(struct pc_event_rec *r, const char *change, const char *restored);

/* --- reading the log back --------------------------------------------------- */

/*
 * Parse one line of our own log (a trailing newline is allowed) into *R,
 * decoding strings in LINE itself. Strict: one JSON object whose values
 * are strings, unsigned integers, booleans, null or arrays of strings;
 * ts, verdict, scope, dir, proto, src, dst, dport and count must be there,
 * verdict and dir must be one of their names; a change record (with
 * "kind") needs ts and change instead. Keys we do not know are
 * skipped, so a newer daemon's log still reads, and fields a newer daemon
 * added are optional, so an older one's does.
 * Returns 0 or -EINVAL.
 */
int pc_event_parse_json(char *line, struct pc_event_rec *r);

/*
 * The human one-line form, like tcpdump, with a newline:
 * 2026-11-22T18:00:00.123Z deny  interface:eth0 in tcp 10.77.0.7:51234 > 10.77.0.2:80
 *   roles=ssrs count=1 reason=no-rule hint: allow in http from 10.77.0.7  # catalogue: ...
 * (one line). The hook shows only where the scope and direction do not
 * already say it: not for tc-ingress and tc-egress. Returns the length
 * needed; NUL-terminated when it fits.
 */
size_t pc_event_format_text(char *buf, size_t cap, const struct pc_event_rec *r);

#endif /* PC_EVENT_FORMAT_H */
