/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * journal.h - events to journald with structured fields, in journald's
 * native protocol: one datagram per event to /run/systemd/journal/socket,
 * each field "NAME=value\n", or "NAME\n", the value's length as 64 bits
 * little-endian, the value and "\n" when the value has a line break.
 *
 * Every field of the event record (events/format.h) becomes PORTCULLIS_
 * and its key in capitals (verdict: PORTCULLIS_VERDICT, cgroup_id:
 * PORTCULLIS_CGROUP_ID), beside MESSAGE (the syslog line), PRIORITY,
 * SYSLOG_IDENTIFIER=portcullis and a MESSAGE_ID per kind of entry.
 *
 * Why not libsystemd's sd_journal_sendv(): it always sends to the one
 * socket path it has built in, so a test on a machine without journald
 * (CI, this build host) could not read what was sent; the protocol is a
 * few lines. The socket is non-blocking: when journald's queue is full
 * the entry is lost (counted), never the daemon's event intake stalled,
 * and the event log has every event anyway.
 *
 * Not thread-safe: one thread sends.
 */
#ifndef PC_EVENT_JOURNAL_H
#define PC_EVENT_JOURNAL_H

#include <stdint.h>
#include <stdio.h>

#include "events/format.h"

#define PC_JOURNAL_SOCKET	"/run/systemd/journal/socket"
/* Tests point the daemon at a socket of their own (docs/events.md). */
#define PC_JOURNAL_SOCKET_ENV	"PORTCULLIS_JOURNAL_SOCKET"
#define PC_JOURNAL_PREFIX	"PORTCULLIS_"
#define PC_JOURNAL_IDENTIFIER	"portcullis"

/* The kinds of entries, each with a fixed MESSAGE_ID (journal.c). */
enum pc_journal_kind {
	PC_JOURNAL_DENY,	/* an event with verdict deny */
	PC_JOURNAL_AUDIT,	/* an event with verdict audit */
	PC_JOURNAL_SKIPPED,	/* how many events the rate cap kept out */
	PC_JOURNAL_KIND_N
};

/* The MESSAGE_ID of KIND (32 hex digits) and its name (the verdict's, or
 * "skipped"), for docs and tests. NULL past the last. */
const char *pc_journal_kind_id(enum pc_journal_kind kind);
const char *pc_journal_kind_name(enum pc_journal_kind kind);

/* The journal field name of event field F: PC_JOURNAL_PREFIX and the key
 * in capitals, into BUF (64 bytes, journald's limit). */
#define PC_JOURNAL_NAME_MAX	64
void pc_journal_field_name(enum pc_event_field_id f, char buf[PC_JOURNAL_NAME_MAX]);

/*
 * The datagram of the event R into BUF: every field R has, then MESSAGE,
 * PRIORITY, SYSLOG_IDENTIFIER and MESSAGE_ID. Returns the length needed
 * when it is more than CAP (at most a few bytes more than needed), and
 * then the caller grows BUF and calls again; else the datagram's length.
 */
size_t pc_journal_encode_event(char *buf, size_t cap, const struct pc_event_rec *r);

struct pc_journal;

/*
 * A sender to the journal socket at PATH; LOG_DIR names the event log in
 * what it says on ERR: once when the socket is missing or sending fails
 * (then nothing more until sending works again, which it says too).
 * A missing socket is not an error: the daemon runs on and the entries
 * are counted lost. 0 or a negative errno (no memory, no socket).
 */
int pc_journal_open(const char *path, const char *log_dir, FILE *err, struct pc_journal **out);

/* Send the event R. 0, or a negative errno when it was lost (counted). */
int pc_journal_send_event(struct pc_journal *j, const struct pc_event_rec *r);

/* Say that SKIPPED events over PER_SEC a second were not sent. */
int pc_journal_send_skipped(struct pc_journal *j, uint64_t skipped, unsigned per_sec);

/* Entries sent, and lost (no socket, journald's queue full, too big). */
void pc_journal_counts(const struct pc_journal *j, uint64_t *sent, uint64_t *lost);

/* J may be NULL. */
void pc_journal_close(struct pc_journal *j);

#endif /* PC_EVENT_JOURNAL_H */
