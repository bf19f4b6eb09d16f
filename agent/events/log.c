// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * log.c - the event log writer: buffered JSON lines, size rotation,
 * gzip in a background thread, a bound on disk use. See log.h.
 *
 * Threads: the caller's thread formats, writes and rotates; one compressor
 * thread gzips rotated segments. They share only the segment list, under
 * a mutex. The compressor runs at nice 10 and with every signal blocked, so
 * on a busy host it yields to event intake, and SIGTERM/SIGHUP still wake
 * the daemon's epoll.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>

#include "events/journal.h"
#include "events/log.h"
#include "lib/array.h"

#define BUF_SIZE	(256u << 10)	/* a batch; write(2) when full */
#define Z_CHUNK		(128u << 10)	/* compressor read and write size */

enum seg_state { SEG_RAW, SEG_COMPRESSING, SEG_GZ, SEG_RAW_FAILED };

/* A cap of PC_EVENT_LOG_SYSLOG_PER_SEC events a second for a copy of the
 * log (syslog, the journal): the rest are counted, and said each second. */
struct rate {
	time_t sec;
	uint32_t in_sec;
	uint64_t skipped_sec;	/* over the cap in second sec */
};

struct seg {
	uint64_t seq;
	uint64_t size;		/* bytes on disk, counted in seg_bytes unless doomed */
	enum seg_state state;
	bool doomed;		/* over the bound while compressing: compressor deletes it */
};

struct pc_event_log {
	char *dir;
	int dirfd;
	int fd;			/* current segment, -1 after a failed reopen */
	uint64_t max_size, max_total;
	FILE *err;

	uint64_t cur_size;
	bool cur_partial;	/* a failed write left half a line */
	char *buf;
	size_t len;
	uint64_t next_seq;

	/* shared with the compressor, under mu */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t thread;
	bool thread_started, stopping;
	struct seg *segs;	/* rotated segments, by seq */
	size_t n_segs, cap_segs;
	uint64_t seg_bytes;	/* sum of segs[].size that are not doomed */
	uint64_t compressed;
	bool said_gzip;
	atomic_bool cancel;	/* the segment being compressed fell off the bound */

	struct pc_event_log_stats st;	/* writer's own counters */
	bool said_write, said_rotate, said_behind;
	uint64_t dropped_at_error;

	bool syslog;
	struct rate syslog_rate;
	struct pc_journal *journal;	/* NULL: no --journal */
	struct rate journal_rate;
};

static const char *const seg_suffix[] = {
	[PC_EVENT_SEG_RAW] = "",
	[PC_EVENT_SEG_GZ] = ".gz",
	[PC_EVENT_SEG_GZ_TMP] = ".gz.tmp",
};

int pc_event_seg_name(char *buf, size_t size, const char *dir, uint64_t seq,
		      enum pc_event_seg_form form)
{
	int n;

	if (!seq)
		n = snprintf(buf, size, "%s%s" PC_EVENT_LOG_FILE, dir ? dir : "", dir ? "/" : "");
	else
		n = snprintf(buf, size, "%s%s" PC_EVENT_LOG_FILE ".%" PRIu64 "%s", dir ? dir : "",
			     dir ? "/" : "", seq, seg_suffix[form]);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int pc_event_seg_parse(const char *name, uint64_t *seq, enum pc_event_seg_form *form)
{
	static const char prefix[] = PC_EVENT_LOG_FILE ".";
	size_t i;
	char *end;

	if (strncmp(name, prefix, sizeof(prefix) - 1))
		return -EINVAL;
	name += sizeof(prefix) - 1;
	if (*name < '1' || *name > '9')
		return -EINVAL;
	errno = 0;
	*seq = strtoull(name, &end, 10);
	if (errno)
		return -EINVAL;
	for (i = 0; i < sizeof(seg_suffix) / sizeof(seg_suffix[0]); i++) {
		if (!strcmp(end, seg_suffix[i])) {
			*form = (enum pc_event_seg_form)i;
			return 0;
		}
	}
	return -EINVAL;
}

/* A name relative to the log directory: always fits. */
static void seg_name(char buf[PC_EVENT_SEG_NAME_MAX], uint64_t seq, enum pc_event_seg_form form)
{
	pc_event_seg_name(buf, PC_EVENT_SEG_NAME_MAX, NULL, seq, form);
}

/* --- the segment list (caller holds mu) ------------------------------------ */

static struct seg *seg_find(struct pc_event_log *l, uint64_t seq)
{
	size_t i;

	for (i = 0; i < l->n_segs; i++)
		if (l->segs[i].seq == seq)
			return &l->segs[i];
	return NULL;
}

static void seg_remove(struct pc_event_log *l, struct seg *s)
{
	size_t i = (size_t)(s - l->segs);

	memmove(s, s + 1, (l->n_segs - i - 1) * sizeof(*s));
	l->n_segs--;
}

/* Insert in seq order (segments arrive in order, except at open). */
static int seg_add(struct pc_event_log *l, uint64_t seq, uint64_t size, enum seg_state state)
{
	size_t i;

	if (pc_array_reserve((void **)&l->segs, &l->cap_segs, l->n_segs + 1, sizeof(*l->segs)))
		return -ENOMEM;
	for (i = l->n_segs; i > 0 && l->segs[i - 1].seq > seq; i--)
		l->segs[i] = l->segs[i - 1];
	l->segs[i] = (struct seg){ .seq = seq, .size = size, .state = state };
	l->n_segs++;
	l->seg_bytes += size;
	return 0;
}

/* --- compression ----------------------------------------------------------- */

static int write_all(int fd, const char *p, size_t len, size_t *done)
{
	*done = 0;
	while (*done < len) {
		ssize_t n = write(fd, p + *done, len - *done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		*done += (size_t)n;
	}
	return 0;
}

int pc_event_log_append(const char *dir, const struct pc_event_rec *r)
{
	char line[PC_EVENT_LINE_MAX], path[PATH_MAX];
	size_t len = pc_event_rec_json(line, sizeof(line), r), done;
	int fd, err;

	if (len > sizeof(line))
		return -E2BIG;	/* a change record is a few short strings */
	if (mkdir(dir, 0750) && errno != EEXIST)
		return -errno;
	if (pc_event_seg_name(path, sizeof(path), dir, 0, PC_EVENT_SEG_RAW))
		return -ENAMETOOLONG;
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (fd < 0)
		return -errno;
	err = write_all(fd, line, len, &done);
	if (close(fd) && !err)
		err = -errno;
	return err;
}

/* Deflate IN to OUT as gzip (level 1: 12x on event lines at ~375 MB/s,
 * against 14x at half the speed for level 6). */
static int gzip_fd(int in, int out, uint64_t *out_size, atomic_bool *cancel)
{
	unsigned char *ibuf = malloc(Z_CHUNK), *obuf = malloc(Z_CHUNK);
	z_stream z = { 0 };
	int flush = Z_NO_FLUSH, err = 0, zr;
	size_t done;

	*out_size = 0;
	if (!ibuf || !obuf || deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8,
					   Z_DEFAULT_STRATEGY) != Z_OK) {
		free(ibuf);
		free(obuf);
		return -ENOMEM;
	}
	while (!err && flush != Z_FINISH) {
		ssize_t n;

		if (atomic_load(cancel)) {
			err = -ECANCELED;
			break;
		}
		n = read(in, ibuf, Z_CHUNK);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			break;
		}
		flush = n == 0 ? Z_FINISH : Z_NO_FLUSH;
		z.next_in = ibuf;
		z.avail_in = (uInt)n;
		do {
			z.next_out = obuf;
			z.avail_out = Z_CHUNK;
			zr = deflate(&z, flush);
			if (zr == Z_STREAM_ERROR) {
				err = -EIO;
				break;
			}
			err = write_all(out, (char *)obuf, Z_CHUNK - z.avail_out, &done);
			*out_size += done;
		} while (!err && z.avail_out == 0);
	}
	deflateEnd(&z);
	free(ibuf);
	free(obuf);
	return err;
}

/* events.log.SEQ -> events.log.SEQ.gz, 0640, with the segment's mtime. */
static int compress_segment(struct pc_event_log *l, uint64_t seq, uint64_t *gz_size)
{
	char raw[PC_EVENT_SEG_NAME_MAX], tmp[PC_EVENT_SEG_NAME_MAX], gz[PC_EVENT_SEG_NAME_MAX];
	struct timespec times[2];
	struct stat st;
	int in, out, err;

	seg_name(raw, seq, PC_EVENT_SEG_RAW);
	seg_name(tmp, seq, PC_EVENT_SEG_GZ_TMP);
	seg_name(gz, seq, PC_EVENT_SEG_GZ);
	in = openat(l->dirfd, raw, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	unlinkat(l->dirfd, tmp, 0);
	out = openat(l->dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	if (out < 0) {
		err = -errno;
		close(in);
		return err;
	}
	err = gzip_fd(in, out, gz_size, &l->cancel);
	if (!err && fstat(in, &st))
		err = -errno;
	if (!err) {
		/* readers skip whole segments by mtime: keep the last write's */
		times[0] = st.st_atim;
		times[1] = st.st_mtim;
		fchmod(out, 0640);
		if (futimens(out, times))
			err = -errno;
	}
	close(in);
	if (close(out) && !err)
		err = -errno;
	if (!err && renameat(l->dirfd, tmp, l->dirfd, gz))
		err = -errno;
	if (err) {
		unlinkat(l->dirfd, tmp, 0);
		return err;
	}
	unlinkat(l->dirfd, raw, 0);
	return 0;
}

static void delete_segment_files(struct pc_event_log *l, uint64_t seq)
{
	char name[PC_EVENT_SEG_NAME_MAX];

	seg_name(name, seq, PC_EVENT_SEG_RAW);
	unlinkat(l->dirfd, name, 0);
	seg_name(name, seq, PC_EVENT_SEG_GZ);
	unlinkat(l->dirfd, name, 0);
}

/* After a segment's gzip: account for it, or delete it if it was doomed. */
static void compress_done(struct pc_event_log *l, uint64_t seq, int err, uint64_t gz_size)
{
	struct seg *s = seg_find(l, seq);

	if (!s)
		return;
	if (s->doomed) {
		delete_segment_files(l, seq);
		seg_remove(l, s);
		return;
	}
	if (err) {
		s->state = SEG_RAW_FAILED;	/* stays readable, uncompressed */
		if (!l->said_gzip) {
			l->said_gzip = true;
			fprintf(l->err, "portcullis: cannot compress %s/" PC_EVENT_LOG_FILE
				".%" PRIu64 ": %s; keeping it uncompressed (the next start "
				"retries); check free space in %s\n", l->dir, seq,
				strerror(-err), l->dir);
		}
		return;
	}
	l->seg_bytes = l->seg_bytes - s->size + gz_size;
	s->size = gz_size;
	s->state = SEG_GZ;
	l->compressed++;
}

static struct seg *next_raw(struct pc_event_log *l)
{
	size_t i;

	for (i = 0; i < l->n_segs; i++)
		if (l->segs[i].state == SEG_RAW && !l->segs[i].doomed)
			return &l->segs[i];
	return NULL;
}

static void *compressor(void *arg)
{
	struct pc_event_log *l = arg;
	uint64_t seq, gz_size = 0;
	struct seg *s;
	int err;

	/* best effort: a busy host gives event intake the CPU first */
	setpriority(PRIO_PROCESS, (id_t)gettid(), 10);
	pthread_mutex_lock(&l->mu);
	for (;;) {
		s = next_raw(l);
		if (!s) {
			if (l->stopping)
				break;
			pthread_cond_wait(&l->cv, &l->mu);
			continue;
		}
		s->state = SEG_COMPRESSING;
		seq = s->seq;
		atomic_store(&l->cancel, false);
		pthread_mutex_unlock(&l->mu);
		err = compress_segment(l, seq, &gz_size);
		pthread_mutex_lock(&l->mu);
		compress_done(l, seq, err, gz_size);
		pthread_cond_broadcast(&l->cv);
	}
	pthread_mutex_unlock(&l->mu);
	return NULL;
}

/* --- the disk bound -------------------------------------------------------- */

/* Delete the oldest rotated segments until everything fits in max_total.
 * The one being compressed is only marked; its thread deletes it. */
static void enforce_bound(struct pc_event_log *l)
{
	uint64_t del[16];
	size_t n_del = 0, i;

	pthread_mutex_lock(&l->mu);
	i = 0;
	while (l->cur_size + l->seg_bytes > l->max_total && i < l->n_segs &&
	       n_del < sizeof(del) / sizeof(del[0])) {
		struct seg *s = &l->segs[i];

		if (s->doomed) {
			i++;
			continue;
		}
		l->seg_bytes -= s->size;
		l->st.deleted++;
		l->st.deleted_raw += s->state != SEG_GZ;
		del[n_del++] = s->seq;
		if (s->state == SEG_COMPRESSING) {
			/* its thread has the file open: unlinking the names is safe,
			 * and the cancel stops it writing the gzip */
			s->doomed = true;
			atomic_store(&l->cancel, true);
			i++;
		} else {
			seg_remove(l, s);
		}
	}
	pthread_mutex_unlock(&l->mu);
	for (i = 0; i < n_del; i++)
		delete_segment_files(l, del[i]);
	if (l->st.deleted_raw && !l->said_behind) {
		l->said_behind = true;
		fprintf(l->err, "portcullis: events come faster than gzip compresses them: the "
			"oldest segments in %s are deleted uncompressed to stay within "
			"--log-max-total; raise it, or find the flood with 'portcullis events'\n",
			l->dir);
	}
	if (n_del == sizeof(del) / sizeof(del[0]))
		enforce_bound(l);	/* more to delete than one round takes */
}

/* --- writing --------------------------------------------------------------- */

static int open_current(struct pc_event_log *l)
{
	struct stat st;
	char last;

	l->fd = openat(l->dirfd, PC_EVENT_LOG_FILE, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
		       0640);
	if (l->fd < 0)
		return -errno;
	if (fstat(l->fd, &st)) {
		int err = -errno;

		close(l->fd);
		l->fd = -1;
		return err;
	}
	l->cur_size = (uint64_t)st.st_size;
	l->cur_partial = false;
	/* a crash mid-write leaves half a line: end it before the next one */
	if (st.st_size > 0) {
		int rfd = openat(l->dirfd, PC_EVENT_LOG_FILE, O_RDONLY | O_CLOEXEC);

		if (rfd >= 0) {
			l->cur_partial = pread(rfd, &last, 1, st.st_size - 1) == 1 && last != '\n';
			close(rfd);
		}
	}
	return 0;
}

static uint32_t count_lines(const char *p, size_t len)
{
	uint32_t n = 0;
	const char *end = p + len;

	while (p < end && (p = memchr(p, '\n', (size_t)(end - p)))) {
		n++;
		p++;
	}
	return n;
}

static void say_write_error(struct pc_event_log *l, int err)
{
	if (l->said_write)
		return;
	l->said_write = true;
	l->dropped_at_error = l->st.dropped;
	fprintf(l->err, "portcullis: cannot write events to %s/" PC_EVENT_LOG_FILE ": %s; "
		"dropping them (counted) until writing works again; free space in %s or "
		"lower --log-max-total\n", l->dir, strerror(-err), l->dir);
}

static void say_write_recovered(struct pc_event_log *l)
{
	if (!l->said_write)
		return;
	l->said_write = false;
	fprintf(l->err, "portcullis: writing events to %s/" PC_EVENT_LOG_FILE " again; %" PRIu64
		" events were dropped\n", l->dir, l->st.dropped - l->dropped_at_error);
}

/* Write whole lines to the current segment; count what does not make it. */
static int write_lines(struct pc_event_log *l, const char *p, size_t len)
{
	size_t done = 0;
	uint32_t lines = count_lines(p, len);
	int err = 0;

	if (!len)
		return 0;
	if (l->fd < 0)
		err = open_current(l);
	if (!err && l->cur_partial) {
		err = write_all(l->fd, "\n", 1, &done);
		l->cur_size += done;
		l->cur_partial = err != 0;
	}
	if (!err) {
		err = write_all(l->fd, p, len, &done);
		l->cur_size += done;
		if (err && done)
			l->cur_partial = p[done - 1] != '\n';
	}
	if (err) {
		uint32_t ok = count_lines(p, done);

		l->st.events += ok;
		l->st.bytes += done;
		l->st.dropped += lines - ok;
		say_write_error(l, err);
		return err;
	}
	l->st.events += lines;
	l->st.bytes += len;
	say_write_recovered(l);
	return 0;
}

static int rotate_now(struct pc_event_log *l)
{
	char name[PC_EVENT_SEG_NAME_MAX];
	uint64_t size = l->cur_size;
	int err;

	if (l->fd < 0 || !size)
		return 0;
	if (l->cur_partial) {
		size_t done;

		if (!write_all(l->fd, "\n", 1, &done))
			size++;
	}
	seg_name(name, l->next_seq, PC_EVENT_SEG_RAW);
	if (renameat(l->dirfd, PC_EVENT_LOG_FILE, l->dirfd, name)) {
		err = -errno;
		if (!l->said_rotate) {
			l->said_rotate = true;
			fprintf(l->err, "portcullis: cannot rotate %s/" PC_EVENT_LOG_FILE ": %s; "
				"writing on to it; check the permissions of %s\n", l->dir,
				strerror(-err), l->dir);
		}
		return err;
	}
	close(l->fd);
	l->fd = -1;
	pthread_mutex_lock(&l->mu);
	err = seg_add(l, l->next_seq++, size, SEG_RAW);
	pthread_cond_signal(&l->cv);
	pthread_mutex_unlock(&l->mu);
	l->st.rotations++;
	l->cur_size = 0;
	if (!err)
		err = open_current(l);	/* on failure the next write retries */
	return err;
}

static int flush_buf(struct pc_event_log *l)
{
	int err = write_lines(l, l->buf, l->len);

	l->len = 0;
	return err;
}

int pc_event_log_flush(struct pc_event_log *l)
{
	int err = flush_buf(l);

	enforce_bound(l);
	return err;
}

int pc_event_log_rotate(struct pc_event_log *l)
{
	int err = flush_buf(l);

	if (!err)
		err = rotate_now(l);
	enforce_bound(l);
	return err;
}

/* Whether one more event goes out at second NOW; else it is counted in
 * *SKIPPED. *SAY: how many the last second skipped, when a new one began. */
static bool rate_admit(struct rate *rt, time_t now, uint64_t *skipped, uint64_t *say)
{
	*say = 0;
	if (now != rt->sec) {
		*say = rt->skipped_sec;
		rt->sec = now;
		rt->in_sec = 0;
		rt->skipped_sec = 0;
	}
	if (rt->in_sec >= PC_EVENT_LOG_SYSLOG_PER_SEC) {
		rt->skipped_sec++;
		(*skipped)++;
		return false;
	}
	rt->in_sec++;
	return true;
}

static void to_syslog(struct pc_event_log *l, const struct pc_event_ctx *c,
		      const struct pc_event *e, time_t now)
{
	char line[1024];
	uint64_t say;
	bool send = rate_admit(&l->syslog_rate, now, &l->st.syslog_skipped, &say);

	if (say)
		syslog(LOG_DAEMON | LOG_WARNING, "%" PRIu64 " events over %d/s not sent "
		       "to syslog; every event is in %s/" PC_EVENT_LOG_FILE,
		       say, PC_EVENT_LOG_SYSLOG_PER_SEC, l->dir);
	if (!send)
		return;
	pc_event_format_kv(line, sizeof(line), c, e);
	syslog(LOG_DAEMON | LOG_WARNING, "%s", line);
}

/* The journal has its own rate limit, but by the time it applies a flood
 * has pushed out what else the host logged: the same cap as syslog. */
static void to_journal(struct pc_event_log *l, const struct pc_event_ctx *c,
		       const struct pc_event *e, time_t now)
{
	struct pc_event_rec r;
	uint64_t say;
	bool send = rate_admit(&l->journal_rate, now, &l->st.journal_skipped, &say);

	if (say)
		pc_journal_send_skipped(l->journal, say, PC_EVENT_LOG_SYSLOG_PER_SEC);
	if (!send)
		return;
	pc_event_rec_from(&r, c, e);
	pc_journal_send_event(l->journal, &r);
}

/* A line longer than the whole buffer: written on its own. */
static int add_long_line(struct pc_event_log *l, const struct pc_event_ctx *c,
			 const struct pc_event *e, size_t n)
{
	char *line = malloc(n);
	int err;

	if (!line) {
		l->st.dropped++;
		return -ENOMEM;
	}
	pc_event_format_json(line, n, c, e);
	err = flush_buf(l);
	if (!err && l->cur_size && l->cur_size + n > l->max_size)
		err = rotate_now(l);
	if (!err)
		err = write_lines(l, line, n);
	else
		l->st.dropped++;
	free(line);
	return err;
}

int pc_event_log_add(struct pc_event_log *l, const struct pc_event_ctx *c,
		     const struct pc_event *e)
{
	size_t n;
	int err = 0;

	if (l->syslog || l->journal) {
		time_t now = time(NULL);

		if (l->syslog)
			to_syslog(l, c, e, now);
		if (l->journal)
			to_journal(l, c, e, now);
	}
	if (BUF_SIZE - l->len < PC_EVENT_LINE_MAX)
		flush_buf(l);
	n = pc_event_format_json(l->buf + l->len, BUF_SIZE - l->len, c, e);
	if (n > BUF_SIZE - l->len) {
		if (n > BUF_SIZE)
			return add_long_line(l, c, e, n);
		flush_buf(l);
		pc_event_format_json(l->buf, BUF_SIZE, c, e);
	}
	/* rotate at a line boundary, before the line that would not fit */
	if (l->cur_size + l->len + n > l->max_size && l->cur_size + l->len > 0) {
		err = write_lines(l, l->buf, l->len);
		if (!err)
			err = rotate_now(l);
		enforce_bound(l);
		memmove(l->buf, l->buf + l->len, n);
		l->len = 0;
	}
	l->len += n;
	return err;
}

/* --- open, sync, close ----------------------------------------------------- */

/* Find the segments a previous run left: queue raw ones for gzip. */
static int scan_existing(struct pc_event_log *l)
{
	DIR *d = fdopendir(dup(l->dirfd));
	struct dirent *de;
	enum pc_event_seg_form form;
	uint64_t seq, max = 0;
	struct stat st;
	int err = 0;

	if (!d)
		return -errno;
	while (!err && (de = readdir(d))) {
		if (pc_event_seg_parse(de->d_name, &seq, &form))
			continue;
		if (form == PC_EVENT_SEG_GZ_TMP) {	/* a gzip a crash cut short */
			unlinkat(l->dirfd, de->d_name, 0);
			continue;
		}
		if (fstatat(l->dirfd, de->d_name, &st, 0))
			continue;
		max = seq > max ? seq : max;
		pthread_mutex_lock(&l->mu);
		if (seg_find(l, seq)) {
			/* both: the gzip finished but the raw was not yet removed */
			struct seg *s = seg_find(l, seq);
			char raw[PC_EVENT_SEG_NAME_MAX];

			seg_name(raw, seq, PC_EVENT_SEG_RAW);
			unlinkat(l->dirfd, raw, 0);
			l->seg_bytes -= s->size;
			s->size = form == PC_EVENT_SEG_GZ ? (uint64_t)st.st_size : s->size;
			l->seg_bytes += s->size;
			s->state = SEG_GZ;
		} else {
			err = seg_add(l, seq, (uint64_t)st.st_size,
				      form == PC_EVENT_SEG_GZ ? SEG_GZ : SEG_RAW);
		}
		pthread_mutex_unlock(&l->mu);
	}
	closedir(d);
	l->next_seq = max + 1;
	return err;
}

static int start_compressor(struct pc_event_log *l)
{
	sigset_t all, old;
	int err;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	err = -pthread_create(&l->thread, NULL, compressor, l);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	l->thread_started = !err;
	return err;
}

static int open_fail(struct pc_event_log *l, int err, const char *what)
{
	fprintf(l->err, "portcullis: cannot %s %s: %s; check that the directory is writable "
		"by root, or give another --log-dir\n", what, l->dir, strerror(-err));
	pc_event_log_close(l);
	return err;
}

int pc_event_log_open(const struct pc_event_log_opts *o, struct pc_event_log **out)
{
	struct pc_event_log *l = calloc(1, sizeof(*l));
	int err;

	*out = NULL;
	if (!l)
		return -ENOMEM;
	l->fd = l->dirfd = -1;
	l->err = o->err ? o->err : stderr;
	l->max_size = o->max_size ? o->max_size : PC_EVENT_LOG_MAX_SIZE;
	l->max_total = o->max_total ? o->max_total : PC_EVENT_LOG_MAX_TOTAL;
	pthread_mutex_init(&l->mu, NULL);
	pthread_cond_init(&l->cv, NULL);
	l->dir = strdup(o->dir);
	l->buf = malloc(BUF_SIZE);
	if (!l->dir || !l->buf) {
		pc_event_log_close(l);
		return -ENOMEM;
	}
	if (l->max_total < 2 * l->max_size) {
		fprintf(l->err, "portcullis: the event log bound (%" PRIu64 " bytes) must be at "
			"least twice the segment size (%" PRIu64 "); raise --log-max-total or "
			"lower --log-max-size\n", l->max_total, l->max_size);
		pc_event_log_close(l);
		return -EINVAL;
	}
	if (mkdir(l->dir, 0750) && errno != EEXIST)
		return open_fail(l, -errno, "create the event log directory");
	l->dirfd = open(l->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (l->dirfd < 0)
		return open_fail(l, -errno, "open the event log directory");
	err = scan_existing(l);
	if (err)
		return open_fail(l, err, "read the event log directory");
	err = open_current(l);
	if (err)
		return open_fail(l, err, "open the event log in");
	err = start_compressor(l);
	if (err)
		return open_fail(l, err, "start the log compressor for");
	if (o->journal) {
		err = pc_journal_open(o->journal, l->dir, l->err, &l->journal);
		if (err) {
			pc_event_log_close(l);
			return err;
		}
	}
	l->syslog = o->syslog;
	if (l->syslog)
		openlog("portcullis", LOG_PID, LOG_DAEMON);
	enforce_bound(l);
	*out = l;
	return 0;
}

void pc_event_log_sync(struct pc_event_log *l)
{
	size_t i;
	bool busy;

	pthread_mutex_lock(&l->mu);
	for (;;) {
		busy = false;
		for (i = 0; i < l->n_segs; i++)
			busy |= l->segs[i].state == SEG_RAW || l->segs[i].state == SEG_COMPRESSING;
		if (!busy || !l->thread_started)
			break;
		pthread_cond_wait(&l->cv, &l->mu);
	}
	pthread_mutex_unlock(&l->mu);
}

void pc_event_log_get_stats(struct pc_event_log *l, struct pc_event_log_stats *s)
{
	*s = l->st;
	if (l->journal)
		pc_journal_counts(l->journal, &s->journal_sent, &s->journal_lost);
	pthread_mutex_lock(&l->mu);
	s->compressed = l->compressed;
	s->disk_bytes = l->cur_size + l->seg_bytes;
	pthread_mutex_unlock(&l->mu);
}

void pc_event_log_close(struct pc_event_log *l)
{
	if (!l)
		return;
	if (l->buf)
		flush_buf(l);
	if (l->thread_started) {
		pthread_mutex_lock(&l->mu);
		l->stopping = true;
		pthread_cond_signal(&l->cv);
		pthread_mutex_unlock(&l->mu);
		pthread_join(l->thread, NULL);
		enforce_bound(l);
	}
	if (l->syslog)
		closelog();
	pc_journal_close(l->journal);
	if (l->fd >= 0)
		close(l->fd);
	if (l->dirfd >= 0)
		close(l->dirfd);
	pthread_mutex_destroy(&l->mu);
	pthread_cond_destroy(&l->cv);
	free(l->segs);
	free(l->buf);
	free(l->dir);
	free(l);
}
