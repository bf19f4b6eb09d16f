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

/* One JSON object and a newline, the fields of the spec's event, into BUF.
 * Returns the length of the whole line; when that is > CAP the line was
 * cut short and the caller retries with more room. No NUL is written. */
size_t pc_event_format_json(char *buf, size_t cap, const struct pc_event_ctx *c,
			    const struct pc_event *e);


/* One line of key=value pairs without a newline, for syslog:
 * verdict=deny scope=interface:eth0 roles=ssrs dir=in proto=tcp src=... sport=...
 * dst=... dport=... count=1 [pid=.. comm=.. uid=..] [hint="..."]
 * Returns the length needed like pc_event_format_json; NUL-terminated when it fits. */
size_t pc_event_format_kv(char *buf, size_t cap, const struct pc_event_ctx *c,
			  const struct pc_event *e);

/* --- reading the log back --------------------------------------------------- */

#define PC_EVENT_REC_MAX_ROLES	16

/* One parsed log line. Strings point into the parsed line (decoded in place). */
struct pc_event_rec {
	const char *ts;		/* as logged */
	const char *verdict;	/* "deny" or "audit" */
	const char *scope;
	const char *roles[PC_EVENT_REC_MAX_ROLES];
	size_t n_roles;		/* in roles[]; a scope with more keeps the first */
	const char *dir;	/* "in" or "out" */
	const char *proto;	/* "tcp", ... or the number as text */
	const char *src, *dst;
	uint16_t sport, dport;
	uint32_t count;
	const char *hint;	/* NULL when absent */
	bool has_task;		/* pid, comm, uid, cgroup_id present */
	uint32_t pid, uid;
	const char *comm;
	uint64_t cgroup_id;
	char proto_num[4];	/* storage for a numeric proto */
};

/*
 * Parse one line of our own log (a trailing newline is allowed) into *R,
 * decoding strings in LINE itself. Strict: one JSON object whose values
 * are strings, unsigned integers, booleans, null or arrays of strings;
 * ts, verdict, scope, dir, proto, src, dst, dport and count must be there.
 * Keys we do not know are skipped, so a newer daemon's log still reads.
 * Returns 0 or -EINVAL.
 */
int pc_event_parse_json(char *line, struct pc_event_rec *r);

/*
 * The human one-line form, like tcpdump, with a newline:
 * 2026-11-22T18:00:00.123Z deny  interface:eth0 in tcp 10.77.0.7:51234 > 10.77.0.2:80
 *   roles=ssrs count=1 hint: allow in http from 10.77.0.7  # catalogue: ...
 * (one line). Returns the length needed; NUL-terminated when it fits.
 */
size_t pc_event_format_text(char *buf, size_t cap, const struct pc_event_rec *r);

#endif /* PC_EVENT_FORMAT_H */
