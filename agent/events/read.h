/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * read.h - the event log read back: the rotated segments oldest first
 * (raw or gzip), then events.log, and with follow the lines still to come,
 * across rotations like 'tail -F', every line exactly once.
 *
 * It relies on what the writer (log.h) promises: segments are numbered one
 * up from the newest on disk and never reused, events.log is renamed to the
 * next number whole (lines are never split across segments), gzip replaces
 * a raw segment only once the .gz is complete, and the disk bound never
 * deletes the newest segment. Lines are handed over as they are; parsing
 * them (format.h) is the caller's.
 */
#ifndef PC_EVENT_READ_H
#define PC_EVENT_READ_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* A rotated segment on disk. Both may be set for a moment while gzip
 * finishes; both are complete then. */
struct pc_event_segment {
	uint64_t seq;
	bool raw;	/* events.log.SEQ */
	bool gz;	/* events.log.SEQ.gz */
};

/* The rotated segments in DIR, oldest first, in *OUT (free() it).
 * Returns 0 or a negative errno (-ENOENT: no such directory). */
int pc_event_log_list(const char *dir, struct pc_event_segment **out, size_t *n);

/* Does DIR hold a log? 1: a rotated segment or events.log; 0: the
 * directory only; a negative errno (-ENOENT, -ENOTDIR: no directory). */
int pc_event_log_probe(const char *dir);

struct pc_event_reader_opts {
	const char *dir;
	/* Rotated segments last written (mtime) before this, less a few
	 * seconds' slack for clock steps, are skipped unopened. */
	bool since;
	int64_t since_ns;	/* CLOCK_REALTIME */
	/* Every complete line, newline included (LINE is not NUL-terminated). */
	void (*line)(void *arg, const char *line, size_t len);
	/* Following, when everything there is has been read; may be NULL. */
	void (*idle)(void *arg);
	void *arg;
	/* Set by a signal handler: reading stops soon after. May be NULL. */
	const volatile sig_atomic_t *stop;
	FILE *err;		/* unreadable or damaged segments, said and skipped */
};

struct pc_event_reader;

/* Returns 0 or -ENOMEM. Nothing is opened yet. */
int pc_event_reader_open(const struct pc_event_reader_opts *o, struct pc_event_reader **out);

/*
 * The past: the rotated segments (only skipped over unless SEGMENTS), then
 * events.log up to its end now. Returns 0 or a negative errno.
 */
int pc_event_reader_past(struct pc_event_reader *rd, bool segments);

/*
 * After pc_event_reader_past: new lines as they are written, across
 * rotations, until *stop. Returns 0 or a negative errno.
 */
int pc_event_reader_follow(struct pc_event_reader *rd);

/* RD may be NULL. */
void pc_event_reader_close(struct pc_event_reader *rd);

#endif /* PC_EVENT_READ_H */
