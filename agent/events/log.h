/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * log.h - the daemon's event log: JSON lines in LOG_DIR/events.log,
 * rotated by size into events.log.N, compressed to events.log.N.gz (N grows
 * by one per rotation and is never reused: higher is newer), the whole
 * bounded in size by deleting the oldest segments.
 *
 *   events.log          current segment, appended to in whole lines
 *   events.log.N        rotated, waiting for gzip (or gzip failed: still readable)
 *   events.log.N.gz     rotated and compressed; mtime = when its last line was written
 *
 * Lines are formatted into one buffer and written with one write(2) per
 * ring-buffer batch (pc_event_log_flush) or when the buffer fills.
 * Compression runs in a thread of its own at a lower priority, so event
 * intake never waits for zlib; see docs/events.md.
 *
 * Not thread-safe: one thread adds, flushes and closes.
 */
#ifndef PC_EVENT_LOG_H
#define PC_EVENT_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "events/format.h"
#include "portcullis.h"

#define PC_EVENT_LOG_FILE		"events.log"
/* In MiB too, for the daemon's help. */
#define PC_EVENT_LOG_MAX_SIZE_MIB	16
#define PC_EVENT_LOG_MAX_TOTAL_MIB	256
#define PC_EVENT_LOG_MAX_SIZE		(PC_EVENT_LOG_MAX_SIZE_MIB * 1048576ull)	/* rotate above this */
#define PC_EVENT_LOG_MAX_TOTAL		(PC_EVENT_LOG_MAX_TOTAL_MIB * 1048576ull)	/* all segments together */
#define PC_EVENT_LOG_SYSLOG_PER_SEC	1000		/* to syslog, and to the journal:
							 * more are counted, not sent */

struct pc_event_log_opts {
	const char *dir;	/* created 0750 when missing */
	uint64_t max_size;	/* 0: PC_EVENT_LOG_MAX_SIZE */
	uint64_t max_total;	/* 0: PC_EVENT_LOG_MAX_TOTAL; at least 2 * max_size */
	bool syslog;		/* also syslog(3) each event, LOG_DAEMON|LOG_WARNING */
	const char *journal;	/* also send each event to the journald socket at
				 * this path (events/journal.h); NULL: not */
	FILE *err;		/* what went wrong, once per kind of failure */
};

struct pc_event_log_stats {
	uint64_t events;	/* lines written */
	uint64_t bytes;		/* of those lines */
	uint64_t dropped;	/* events a failed write lost (ENOSPC, EIO, ...) */
	uint64_t rotations;
	uint64_t compressed;	/* segments gzipped */
	uint64_t deleted;	/* segments removed to keep max_total */
	uint64_t deleted_raw;	/* of those, removed before gzip got to them:
				 * events arrive faster than gzip keeps up */
	uint64_t syslog_skipped;/* events over the syslog rate, not sent there */
	uint64_t journal_skipped;/* events over the same rate, not sent to the journal */
	uint64_t journal_sent;	/* journal entries sent (events, and "skipped" notes) */
	uint64_t journal_lost;	/* entries that could not be sent: no socket, full queue */
	uint64_t disk_bytes;	/* all segments now, current one included */
};

struct pc_event_log;

/*
 * Open (or continue) the log in O->dir: finds the segments already there,
 * queues uncompressed ones for gzip, enforces the bound, starts the
 * compressor. Returns 0 or a negative errno, with a message on O->err
 * saying what failed.
 */
int pc_event_log_open(const struct pc_event_log_opts *o, struct pc_event_log **out);

/* Format E (with C->hint) into the buffer; may write and rotate. Returns
 * 0, or a negative errno when the line was dropped (counted in stats). */
int pc_event_log_add(struct pc_event_log *l, const struct pc_event_ctx *c,
		     const struct pc_event *e);

/* Write what is buffered and apply the disk bound: after every batch. */
int pc_event_log_flush(struct pc_event_log *l);

/* Flush, and start a new segment if the current one has anything. */
int pc_event_log_rotate(struct pc_event_log *l);

/* Wait until every rotated segment is compressed (or failed to be). */
void pc_event_log_sync(struct pc_event_log *l);

void pc_event_log_get_stats(struct pc_event_log *l, struct pc_event_log_stats *s);

/* Flush, finish compressing, close. L may be NULL. */
void pc_event_log_close(struct pc_event_log *l);

/*
 * Append the record R (pc_event_rec_revert()) to DIR/events.log from any
 * process, whether a daemon writes the log or not: one O_APPEND write(2)
 * of the whole line, which lands between the writer's own lines, as they
 * are written the same way. 0 or a negative errno.
 */
int pc_event_log_append(const char *dir, const struct pc_event_rec *r);

/* --- segment names: the writer's, which every reader uses (events/read.h) --- */

enum pc_event_seg_form {
	PC_EVENT_SEG_RAW,	/* events.log.SEQ: rotated, waiting for gzip */
	PC_EVENT_SEG_GZ,	/* events.log.SEQ.gz: rotated and compressed */
	PC_EVENT_SEG_GZ_TMP,	/* events.log.SEQ.gz.tmp: the gzip being written */
};

/* Room for any segment's name without a directory, NUL included. */
#define PC_EVENT_SEG_NAME_MAX	48

/*
 * The name of segment SEQ into BUF (SIZE bytes), after "DIR/" unless DIR
 * is NULL: SEQ 0 is the current segment (events.log, FORM ignored), SEQ > 0
 * a rotated one in FORM. Returns 0, or -ENAMETOOLONG when it does not fit.
 */
int pc_event_seg_name(char *buf, size_t size, const char *dir, uint64_t seq,
		      enum pc_event_seg_form form);

/* NAME as a rotated segment's: 0 with *SEQ (> 0) and *FORM, or -EINVAL
 * for any other name, events.log included. */
int pc_event_seg_parse(const char *name, uint64_t *seq, enum pc_event_seg_form *form);

#endif /* PC_EVENT_LOG_H */
