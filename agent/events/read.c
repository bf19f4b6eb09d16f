// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * read.c - the event log reader: segments, gzip, and following across
 * rotations. See read.h.
 *
 * Finding where the current file ends and the rotated ones begin races
 * with the daemon rotating. The rule that keeps every line exactly once:
 * open events.log, read the rotated segments newer than the last one read,
 * then check that events.log is still the file we opened; if not, it was
 * rotated meanwhile and is now one of the segments: close it and go
 * round again (catch_up). The daemon numbers segments one up from the
 * newest on disk and never deletes the newest, so the file we follow
 * becomes segment LAST+1 when it rotates.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>

#include "events/log.h"
#include "events/read.h"
#include "lib/array.h"

#define READ_CHUNK	(64u << 10)
#define FOLLOW_POLL_MS	100
#define MTIME_SLACK_NS	(5ll * 1000000000ll)	/* clock steps between write and mtime */

/* --- listing ------------------------------------------------------------------ */

static int seg_cmp(const void *a, const void *b)
{
	const struct pc_event_segment *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int pc_event_log_list(const char *dir, struct pc_event_segment **out, size_t *n)
{
	struct pc_event_segment *v = NULL;
	enum pc_event_seg_form form;
	size_t cap = 0, i, k;
	DIR *d = opendir(dir);
	struct dirent *de;
	uint64_t seq;

	*out = NULL;
	*n = 0;
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (pc_event_seg_parse(de->d_name, &seq, &form) || form == PC_EVENT_SEG_GZ_TMP)
			continue;
		if (pc_array_reserve((void **)&v, &cap, *n + 1, sizeof(*v))) {
			free(v);
			closedir(d);
			*n = 0;
			return -ENOMEM;
		}
		v[(*n)++] = (struct pc_event_segment){ .seq = seq,
						       .raw = form == PC_EVENT_SEG_RAW,
						       .gz = form == PC_EVENT_SEG_GZ };
	}
	closedir(d);
	if (*n)
		qsort(v, *n, sizeof(*v), seg_cmp);
	/* merge the raw and gz entries of one seq */
	for (i = 0, k = 0; i < *n; i++) {
		if (k && v[k - 1].seq == v[i].seq) {
			v[k - 1].raw |= v[i].raw;
			v[k - 1].gz |= v[i].gz;
		} else {
			v[k++] = v[i];
		}
	}
	*n = k;
	*out = v;
	return 0;
}

int pc_event_log_probe(const char *dir)
{
	struct pc_event_segment *segs;
	char path[PATH_MAX];
	struct stat st;
	size_t n;
	int err = pc_event_log_list(dir, &segs, &n);

	if (err)
		return err;
	free(segs);
	if (n)
		return 1;
	err = pc_event_seg_name(path, sizeof(path), dir, 0, PC_EVENT_SEG_RAW);
	if (err)
		return err;
	return !stat(path, &st);
}

/* --- lines -------------------------------------------------------------------- */

struct lbuf {
	char *p;
	size_t len, cap;
};

struct cursor {
	int fd;			/* events.log as opened, -1 when there is none */
	struct stat st;		/* of fd */
	uint64_t last_seq;	/* every segment up to this one is older than fd */
	struct lbuf lb;
};

struct pc_event_reader {
	struct pc_event_reader_opts o;
	struct cursor c;
	char path[PATH_MAX];	/* the file last named, for messages */
};

static bool stopped(const struct pc_event_reader *rd)
{
	return rd->o.stop && *rd->o.stop;
}

/* Hand every complete line of LB over and keep the rest. */
static void take_lines(struct pc_event_reader *rd, struct lbuf *lb)
{
	size_t start = 0;
	char *nl;

	while ((nl = memchr(lb->p + start, '\n', lb->len - start))) {
		size_t end = (size_t)(nl - lb->p) + 1;

		rd->o.line(rd->o.arg, lb->p + start, end - start);
		start = end;
	}
	memmove(lb->p, lb->p + start, lb->len - start);
	lb->len -= start;
}

/* Room to read READ_CHUNK more bytes into LB. */
static int lbuf_room(struct lbuf *lb)
{
	return pc_array_reserve((void **)&lb->p, &lb->cap, lb->len + READ_CHUNK, 1);
}

/* Read FD to its end now; returns bytes read or a negative errno. */
static ssize_t read_fd(struct pc_event_reader *rd, int fd, struct lbuf *lb)
{
	ssize_t n, total = 0;

	for (;;) {
		if (lbuf_room(lb))
			return -ENOMEM;
		n = read(fd, lb->p + lb->len, lb->cap - lb->len);
		if (n < 0 && errno == EINTR)
			return total;	/* a signal: the caller looks at stop */
		if (n <= 0)
			return n < 0 ? -errno : total;
		lb->len += (size_t)n;
		total += n;
		take_lines(rd, lb);
	}
}

/* --- segments ----------------------------------------------------------------- */

static int open_path(struct pc_event_reader *rd, uint64_t seq, enum pc_event_seg_form form)
{
	int fd, err = pc_event_seg_name(rd->path, sizeof(rd->path), rd->o.dir, seq, form);

	if (err)
		return err;
	fd = open(rd->path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* Open a rotated segment: the raw file, or its gzip when gzip won the race. */
static int open_segment(struct pc_event_reader *rd, const struct pc_event_segment *s)
{
	int fd = -ENOENT;

	if (s->raw)
		fd = open_path(rd, s->seq, PC_EVENT_SEG_RAW);
	if (fd < 0)
		fd = open_path(rd, s->seq, PC_EVENT_SEG_GZ);
	return fd;
}

/* Whole segments older than 'since' are skipped unread: their last line
 * was written at their mtime. */
static bool segment_too_old(const struct pc_event_reader *rd, int fd)
{
	struct stat st;

	if (!rd->o.since || fstat(fd, &st))
		return false;
	return st.st_mtim.tv_sec * 1000000000ll + st.st_mtim.tv_nsec + MTIME_SLACK_NS <
	       rd->o.since_ns;
}

/* One rotated segment, raw or gzip; what cannot be read is said, not fatal. */
static void read_segment(struct pc_event_reader *rd, const struct pc_event_segment *s)
{
	struct lbuf lb = { 0 };
	gzFile gz;
	int fd = open_segment(rd, s), n = 0, zerr;

	if (fd == -ENOENT)
		return;		/* deleted by the disk bound meanwhile */
	if (fd < 0) {
		fprintf(rd->o.err, "portcullis: cannot read %s: %s; run as root\n", rd->path,
			strerror(-fd));
		return;
	}
	if (segment_too_old(rd, fd)) {
		close(fd);
		return;
	}
	/* gzdopen reads a raw segment as it is (transparent mode) */
	gz = gzdopen(fd, "rb");
	if (!gz) {
		close(fd);
		return;
	}
	gzbuffer(gz, READ_CHUNK);
	for (;;) {
		if (lbuf_room(&lb))
			break;
		n = gzread(gz, lb.p + lb.len, (unsigned)(lb.cap - lb.len));
		if (n <= 0)
			break;
		lb.len += (size_t)n;
		take_lines(rd, &lb);
	}
	if (n < 0) {
		const char *msg = gzerror(gz, &zerr);

		fprintf(rd->o.err, "portcullis: %s is damaged (%s); showing what could be "
			"read of it\n", rd->path, msg);
	}
	gzclose(gz);
	free(lb.p);
}

/* --- the current file ------------------------------------------------------------ */

static int open_current(struct pc_event_reader *rd, struct cursor *c)
{
	c->fd = open_path(rd, 0, PC_EVENT_SEG_RAW);
	if (c->fd < 0) {
		int err = c->fd;

		c->fd = -1;
		return err == -ENOENT ? 0 : err;
	}
	if (fstat(c->fd, &c->st)) {
		int err = -errno;

		close(c->fd);
		c->fd = -1;
		return err;
	}
	return 0;
}

/* Is events.log still the file C->fd has open (or still absent)? */
static bool current_unchanged(struct pc_event_reader *rd, const struct cursor *c)
{
	struct stat st;

	if (pc_event_seg_name(rd->path, sizeof(rd->path), rd->o.dir, 0, PC_EVENT_SEG_RAW) ||
	    stat(rd->path, &st))
		return c->fd < 0;
	return c->fd >= 0 && st.st_ino == c->st.st_ino && st.st_dev == c->st.st_dev;
}

/*
 * Read the rotated segments after C->last_seq (when READ) and open the
 * current file so that no line is missed or read twice (see the top).
 */
static int catch_up(struct pc_event_reader *rd, struct cursor *c, bool read)
{
	struct pc_event_segment *segs;
	size_t n, i;
	int err;

	for (;;) {
		err = open_current(rd, c);
		if (err)
			return err;
		err = pc_event_log_list(rd->o.dir, &segs, &n);
		if (err)
			return err;
		for (i = 0; i < n && !stopped(rd); i++) {
			if (segs[i].seq <= c->last_seq)
				continue;
			if (read)
				read_segment(rd, &segs[i]);
			c->last_seq = segs[i].seq;
		}
		free(segs);
		if (stopped(rd) || current_unchanged(rd, c))
			return 0;
		if (c->fd >= 0)
			close(c->fd);
		c->fd = -1;
	}
}

/* The segment number the rotated file C->fd now has: found by inode while
 * it waits for gzip, else the next one (see the top). */
static uint64_t rotated_seq(struct pc_event_reader *rd, const struct cursor *c)
{
	struct pc_event_segment *segs;
	struct stat st;
	size_t n, i;
	uint64_t seq = c->last_seq + 1;

	if (pc_event_log_list(rd->o.dir, &segs, &n))
		return seq;
	for (i = 0; i < n; i++) {
		if (!segs[i].raw || segs[i].seq <= c->last_seq)
			continue;
		if (pc_event_seg_name(rd->path, sizeof(rd->path), rd->o.dir, segs[i].seq,
				      PC_EVENT_SEG_RAW))
			continue;
		if (!stat(rd->path, &st) && st.st_ino == c->st.st_ino && st.st_dev == c->st.st_dev) {
			seq = segs[i].seq;
			break;
		}
	}
	free(segs);
	return seq;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = ms % 1000 * 1000000l };

	nanosleep(&ts, NULL);	/* a signal ends it early: that is the point */
}

/* --- the reader ------------------------------------------------------------------- */

int pc_event_reader_open(const struct pc_event_reader_opts *o, struct pc_event_reader **out)
{
	struct pc_event_reader *rd = calloc(1, sizeof(*rd));

	*out = NULL;
	if (!rd)
		return -ENOMEM;
	rd->o = *o;
	if (!rd->o.err)
		rd->o.err = stderr;
	rd->c.fd = -1;
	*out = rd;
	return 0;
}

int pc_event_reader_past(struct pc_event_reader *rd, bool segments)
{
	struct cursor *c = &rd->c;
	ssize_t n;
	int err;

	err = catch_up(rd, c, segments);
	if (err || c->fd < 0)
		return err;
	n = read_fd(rd, c->fd, &c->lb);
	return n < 0 ? (int)n : 0;
}

/* Follow events.log: new lines as they come, across rotation and truncation. */
int pc_event_reader_follow(struct pc_event_reader *rd)
{
	struct cursor *c = &rd->c;
	struct stat st;
	ssize_t n;
	int err;

	while (!stopped(rd)) {
		n = c->fd >= 0 ? read_fd(rd, c->fd, &c->lb) : 0;
		if (n < 0)
			return (int)n;
		if (n > 0 || stopped(rd))
			continue;
		if (rd->o.idle)
			rd->o.idle(rd->o.arg);
		if (!current_unchanged(rd, c)) {
			/* rotated: the old file is complete, take its rest first */
			if (c->fd >= 0) {
				n = read_fd(rd, c->fd, &c->lb);
				if (n < 0)
					return (int)n;
				close(c->fd);
				c->last_seq = rotated_seq(rd, c);
			}
			c->fd = -1;
			c->lb.len = 0;	/* a partial line of a finished file never ends */
			err = catch_up(rd, c, true);
			if (err)
				return err;
			continue;
		}
		if (c->fd >= 0 && !fstat(c->fd, &st) && st.st_size < lseek(c->fd, 0, SEEK_CUR)) {
			/* truncated in place (not our daemon's doing): start over */
			lseek(c->fd, 0, SEEK_SET);
			c->lb.len = 0;
			continue;
		}
		sleep_ms(FOLLOW_POLL_MS);
	}
	return 0;
}

void pc_event_reader_close(struct pc_event_reader *rd)
{
	if (!rd)
		return;
	if (rd->c.fd >= 0)
		close(rd->c.fd);
	free(rd->c.lb.p);
	free(rd);
}
