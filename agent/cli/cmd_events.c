// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_events.c - 'portcullis events': read the event log, oldest first,
 * filter it, print one line an event (or the logged JSON), and with -f
 * follow it across rotations like 'tail -F'.
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
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>

#include "cli/cli.h"
#include "events/format.h"
#include "events/log.h"

#define READ_CHUNK	(64u << 10)
#define FOLLOW_POLL_MS	100
#define DEFAULT_TAIL	10		/* -f without --since, like tail -f */
#define MTIME_SLACK_NS	(5ll * 1000000000ll)	/* clock steps between write and mtime */

static volatile sig_atomic_t events_stop;

static void on_stop(int sig) { events_stop = 1; }

struct filter {
	const char *verdict;	/* NULL: any */
	const char *scope;
	long port;		/* -1: any */
	bool peer;
	uint8_t peer_addr[16];	/* IPv4 mapped */
	int peer_plen;		/* over the 128 bits */
	bool since;
	int64_t since_ns;
	char since_ts[PC_EVENT_TS_LEN + 1];
};

struct run {
	struct pc_ctx *ctx;
	struct filter f;
	bool follow, json;
	long tail;		/* -1: all; else keep only the last N of the past */
	char **ring;		/* tail: the last N outputs */
	size_t ring_n, ring_pos;
	bool past;		/* reading history (tail applies), not following */
	uint64_t bad_lines;
	char *scratch;		/* a copy of the line to parse in place */
	size_t scratch_cap;
	char path[PATH_MAX];
};

struct lbuf {
	char *p;
	size_t len, cap;
};

/* --- options --------------------------------------------------------------- */

static int parse_duration(const char *s, int64_t *ns)
{
	static const struct { char unit; int64_t sec; } units[] = {
		{ 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 },
	};
	int64_t total = 0;
	size_t i;

	if (!*s)
		return -EINVAL;
	while (*s) {
		char *end;
		long long v;

		errno = 0;
		v = strtoll(s, &end, 10);
		if (errno || end == s || v < 0 || v > 100000000)
			return -EINVAL;
		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (*end == units[i].unit)
				break;
		if (i == sizeof(units) / sizeof(units[0]))
			return -EINVAL;
		total += v * units[i].sec;
		s = end + 1;
	}
	*ns = total * 1000000000ll;
	return 0;
}

static int parse_digits(const char **s, int n, int *v)
{
	*v = 0;
	while (n--) {
		if (**s < '0' || **s > '9')
			return -EINVAL;
		*v = *v * 10 + (*(*s)++ - '0');
	}
	return 0;
}

/* RFC 3339, with the date alone, minutes alone or no zone (UTC, as the
 * log) allowed: 2026-11-22, 2026-11-22T18:00, 2026-11-22 18:00:00.5+01:00. */
static int parse_timestamp(const char *s, int64_t *ns)
{
	struct tm tm = { 0 };
	int y, mo, d, h = 0, mi = 0, sec = 0, oh, om, sign;
	int64_t frac = 0, scale = 100000000, t;

	if (parse_digits(&s, 4, &y) || *s++ != '-' || parse_digits(&s, 2, &mo) || *s++ != '-' ||
	    parse_digits(&s, 2, &d))
		return -EINVAL;
	if (*s == 'T' || *s == 't' || *s == ' ') {
		s++;
		if (parse_digits(&s, 2, &h) || *s++ != ':' || parse_digits(&s, 2, &mi))
			return -EINVAL;
		if (*s == ':') {
			s++;
			if (parse_digits(&s, 2, &sec))
				return -EINVAL;
			if (*s == '.' || *s == ',') {
				for (s++; *s >= '0' && *s <= '9'; s++, scale /= 10)
					frac += (*s - '0') * scale;
			}
		}
	}
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -EINVAL;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = (int64_t)timegm(&tm);
	if (*s == 'Z' || *s == 'z') {
		s++;
	} else if (*s == '+' || *s == '-') {
		sign = *s++ == '+' ? 1 : -1;
		if (parse_digits(&s, 2, &oh) || *s++ != ':' || parse_digits(&s, 2, &om))
			return -EINVAL;
		t -= sign * (oh * 3600 + om * 60);
	}
	if (*s)
		return -EINVAL;
	*ns = t * 1000000000ll + frac;
	return 0;
}

static int parse_since(const char *s, int64_t *ns)
{
	struct timespec now;
	int64_t d;

	if (!parse_timestamp(s, ns))
		return 0;
	if (parse_duration(s, &d))
		return -EINVAL;
	clock_gettime(CLOCK_REALTIME, &now);
	*ns = now.tv_sec * 1000000000ll + now.tv_nsec - d;
	return 0;
}

/* ADDR or ADDR/LEN, IPv4 kept as IPv4-mapped like the datapath. */
static int parse_peer(const char *s, uint8_t addr[16], int *plen)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash, *end;
	bool v4;
	long len;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	memset(addr, 0, 16);
	v4 = inet_pton(AF_INET, buf, addr + 12) == 1;
	if (v4)
		addr[10] = addr[11] = 0xff;
	else if (inet_pton(AF_INET6, buf, addr) != 1)
		return -EINVAL;
	len = v4 ? 32 : 128;
	if (slash) {
		errno = 0;
		len = strtol(slash + 1, &end, 10);
		if (errno || *end || end == slash + 1 || len < 0 || len > (v4 ? 32 : 128))
			return -EINVAL;
	}
	*plen = (int)len + (v4 ? 96 : 0);
	return 0;
}

static bool prefix_match(const uint8_t *a, const uint8_t *b, int plen)
{
	int full = plen / 8, rest = plen % 8;

	if (memcmp(a, b, (size_t)full))
		return false;
	return !rest || !((a[full] ^ b[full]) & (0xff00 >> rest));
}

static const char usage_text[] =
	"usage: events [-f] [--json] [-n N] [--since WHEN] [--verdict deny|audit] "
	"[--scope S] [--port N] [--peer ADDR[/LEN]]";

static int parse_args(struct run *r, int argc, char **argv)
{
	struct filter *f = &r->f;
	char *end;
	int i;

	f->port = -1;
	r->tail = -1;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "-f") || !strcmp(a, "--follow")) {
			r->follow = true;
			continue;
		}
		if (!strcmp(a, "--json") || !strcmp(a, "-j")) {
			r->json = true;
			continue;
		}
		if (!v)
			return pc_usage(r->ctx, "'%s' is not an option of events, or needs a "
					"value; %s", a, usage_text);
		i++;
		if (!strcmp(a, "--since")) {
			if (parse_since(v, &f->since_ns))
				return pc_usage(r->ctx, "--since takes a duration (30s, 10m, 2h, "
						"1d) or a time (2026-11-22T18:00:00Z), not '%s'", v);
			f->since = true;
			pc_event_format_ts(f->since_ns, f->since_ts);
		} else if (!strcmp(a, "--verdict")) {
			if (strcmp(v, "deny") && strcmp(v, "audit"))
				return pc_usage(r->ctx, "--verdict is deny or audit, not '%s'", v);
			f->verdict = v;
		} else if (!strcmp(a, "--scope")) {
			f->scope = v;
		} else if (!strcmp(a, "--port")) {
			errno = 0;
			f->port = strtol(v, &end, 10);
			if (errno || *end || end == v || f->port < 0 || f->port > 65535)
				return pc_usage(r->ctx, "--port takes a port number 0-65535, "
						"not '%s'", v);
		} else if (!strcmp(a, "--peer")) {
			if (parse_peer(v, f->peer_addr, &f->peer_plen))
				return pc_usage(r->ctx, "--peer takes an address or prefix "
						"(10.0.3.7, 2001:db8::/32), not '%s'", v);
			f->peer = true;
		} else if (!strcmp(a, "-n") || !strcmp(a, "--lines")) {
			errno = 0;
			r->tail = strtol(v, &end, 10);
			if (errno || *end || end == v || r->tail < 0)
				return pc_usage(r->ctx, "-n takes a count of events, not '%s'", v);
		} else {
			return pc_usage(r->ctx, "'%s' is not an option of events; %s", a,
					usage_text);
		}
	}
	if (r->follow && !f->since && r->tail < 0)
		r->tail = DEFAULT_TAIL;
	return 0;
}

/* --- one line -------------------------------------------------------------- */

static bool scope_matches(const char *name, const char *want)
{
	const char *colon = strchr(name, ':');

	return !strcmp(name, want) || (colon && !strcmp(colon + 1, want));
}

static bool matches(const struct filter *f, const struct pc_event_rec *e)
{
	uint8_t a[16] = { [10] = 0xff, [11] = 0xff };
	const char *peer;

	if (f->since && strcmp(e->ts, f->since_ts) < 0)
		return false;
	if (f->verdict && strcmp(e->verdict, f->verdict))
		return false;
	if (f->scope && !scope_matches(e->scope, f->scope))
		return false;
	if (f->port >= 0 && e->dport != f->port)
		return false;
	if (f->peer) {
		/* the remote end, as in the hint: src for in, dst for out */
		peer = strcmp(e->dir, "in") ? e->dst : e->src;
		if (inet_pton(AF_INET, peer, a + 12) != 1 && inet_pton(AF_INET6, peer, a) != 1)
			return false;
		if (!prefix_match(a, f->peer_addr, f->peer_plen))
			return false;
	}
	return true;
}

static void output(struct run *r, const char *text, size_t len)
{
	char *copy;

	if (!r->past || r->tail < 0) {
		fwrite(text, 1, len, r->ctx->out);
		return;
	}
	if (!r->tail)
		return;
	copy = strndup(text, len);
	if (!copy)
		return;
	free(r->ring[r->ring_pos]);
	r->ring[r->ring_pos] = copy;
	r->ring_pos = (r->ring_pos + 1) % (size_t)r->tail;
	if (r->ring_n < (size_t)r->tail)
		r->ring_n++;
}

static void flush_ring(struct run *r)
{
	size_t i, start;

	if (!r->ring_n)
		return;
	start = r->ring_n < (size_t)r->tail ? 0 : r->ring_pos;
	for (i = 0; i < r->ring_n; i++) {
		char **slot = &r->ring[(start + i) % (size_t)r->tail];

		fputs(*slot, r->ctx->out);
		free(*slot);
		*slot = NULL;
	}
	r->ring_n = r->ring_pos = 0;
}

/* LINE (LEN bytes, newline included) from the log. */
static void one_line(struct run *r, const char *line, size_t len)
{
	struct pc_event_rec e;
	char text[PC_EVENT_LINE_MAX], *big;
	size_t n;

	if (len + 1 > r->scratch_cap) {
		char *s = realloc(r->scratch, len + 1);

		if (!s)
			return;
		r->scratch = s;
		r->scratch_cap = len + 1;
	}
	memcpy(r->scratch, line, len);
	r->scratch[len] = '\0';
	if (pc_event_parse_json(r->scratch, &e)) {
		r->bad_lines++;
		return;
	}
	if (!matches(&r->f, &e))
		return;
	if (r->json) {
		output(r, line, len);
		return;
	}
	n = pc_event_format_text(text, sizeof(text), &e);
	if (n < sizeof(text)) {
		output(r, text, n);
		return;
	}
	big = malloc(n + 1);
	if (!big)
		return;
	pc_event_format_text(big, n + 1, &e);
	output(r, big, n);
	free(big);
}

/* Hand every complete line of LB to one_line and keep the rest. */
static void take_lines(struct run *r, struct lbuf *lb)
{
	size_t start = 0;
	char *nl;

	while ((nl = memchr(lb->p + start, '\n', lb->len - start))) {
		size_t end = (size_t)(nl - lb->p) + 1;

		one_line(r, lb->p + start, end - start);
		start = end;
	}
	memmove(lb->p, lb->p + start, lb->len - start);
	lb->len -= start;
}

static int lbuf_room(struct lbuf *lb)
{
	char *p;

	if (lb->cap - lb->len >= READ_CHUNK)
		return 0;
	p = realloc(lb->p, lb->len + READ_CHUNK);
	if (!p)
		return -ENOMEM;
	lb->p = p;
	lb->cap = lb->len + READ_CHUNK;
	return 0;
}

/* Read FD to its end now; returns bytes read or a negative errno. */
static ssize_t read_fd(struct run *r, int fd, struct lbuf *lb)
{
	ssize_t n, total = 0;

	for (;;) {
		if (lbuf_room(lb))
			return -ENOMEM;
		n = read(fd, lb->p + lb->len, lb->cap - lb->len);
		if (n < 0 && errno == EINTR)
			return total;	/* a signal: the caller looks at events_stop */
		if (n <= 0)
			return n < 0 ? -errno : total;
		lb->len += (size_t)n;
		total += n;
		take_lines(r, lb);
	}
}

/* --- segments -------------------------------------------------------------- */

static void seg_path(struct run *r, uint64_t seq, bool gz)
{
	pc_event_seg_name(r->path, sizeof(r->path), r->ctx->log_dir, seq,
			  gz ? PC_EVENT_SEG_GZ : PC_EVENT_SEG_RAW);
}

/* Open a rotated segment: the raw file, or its gzip when gzip won the race. */
static int open_segment(struct run *r, const struct pc_event_segment *s)
{
	int fd = -1;

	if (s->raw) {
		seg_path(r, s->seq, false);
		fd = open(r->path, O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0) {
		seg_path(r, s->seq, true);
		fd = open(r->path, O_RDONLY | O_CLOEXEC);
	}
	return fd < 0 ? -errno : fd;
}

/* Whole segments older than --since are skipped unread: their last line
 * was written at their mtime. */
static bool segment_too_old(struct run *r, int fd)
{
	struct stat st;

	if (!r->f.since || fstat(fd, &st))
		return false;
	return st.st_mtim.tv_sec * 1000000000ll + st.st_mtim.tv_nsec + MTIME_SLACK_NS <
	       r->f.since_ns;
}

static void read_segment(struct run *r, const struct pc_event_segment *s)
{
	struct lbuf lb = { 0 };
	gzFile gz;
	int fd = open_segment(r, s), n = 0, zerr;

	if (fd == -ENOENT)
		return;		/* deleted by the disk bound meanwhile */
	if (fd < 0) {
		fprintf(r->ctx->err, "portcullis: cannot read %s: %s; run as root\n", r->path,
			strerror(-fd));
		return;
	}
	if (segment_too_old(r, fd)) {
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
		take_lines(r, &lb);
	}
	if (n < 0) {
		const char *msg = gzerror(gz, &zerr);

		fprintf(r->ctx->err, "portcullis: %s is damaged (%s); showing what could be "
			"read of it\n", r->path, msg);
	}
	gzclose(gz);
	free(lb.p);
}

struct cursor {
	int fd;			/* events.log as opened, -1 when there is none */
	struct stat st;		/* of fd */
	uint64_t last_seq;	/* every segment up to this one is older than fd */
	struct lbuf lb;
};

static int open_current(struct run *r, struct cursor *c)
{
	seg_path(r, 0, false);
	c->fd = open(r->path, O_RDONLY | O_CLOEXEC);
	if (c->fd < 0)
		return errno == ENOENT ? 0 : -errno;
	if (fstat(c->fd, &c->st)) {
		close(c->fd);
		c->fd = -1;
		return -errno;
	}
	return 0;
}

/* Is events.log still the file C->fd has open (or still absent)? */
static bool current_unchanged(struct run *r, const struct cursor *c)
{
	struct stat st;

	seg_path(r, 0, false);
	if (stat(r->path, &st))
		return c->fd < 0;
	return c->fd >= 0 && st.st_ino == c->st.st_ino && st.st_dev == c->st.st_dev;
}

/*
 * Read the rotated segments after C->last_seq (when READ) and open the
 * current file so that no line is missed or read twice (see the top).
 */
static int catch_up(struct run *r, struct cursor *c, bool read)
{
	struct pc_event_segment *segs;
	size_t n, i;
	int err;

	for (;;) {
		err = open_current(r, c);
		if (err)
			return err;
		err = pc_event_log_list(r->ctx->log_dir, &segs, &n);
		if (err)
			return err;
		for (i = 0; i < n && !events_stop; i++) {
			if (segs[i].seq <= c->last_seq)
				continue;
			if (read)
				read_segment(r, &segs[i]);
			c->last_seq = segs[i].seq;
		}
		free(segs);
		if (events_stop || current_unchanged(r, c))
			return 0;
		if (c->fd >= 0)
			close(c->fd);
		c->fd = -1;
	}
}

/* The segment number the rotated file C->fd now has: found by inode while
 * it waits for gzip, else the next one (see the top). */
static uint64_t rotated_seq(struct run *r, const struct cursor *c)
{
	struct pc_event_segment *segs;
	struct stat st;
	size_t n, i;
	uint64_t seq = c->last_seq + 1;

	if (pc_event_log_list(r->ctx->log_dir, &segs, &n))
		return seq;
	for (i = 0; i < n; i++) {
		if (!segs[i].raw || segs[i].seq <= c->last_seq)
			continue;
		seg_path(r, segs[i].seq, false);
		if (!stat(r->path, &st) && st.st_ino == c->st.st_ino && st.st_dev == c->st.st_dev) {
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

/* Follow events.log: new lines as they come, across rotation and truncation. */
static int follow(struct run *r, struct cursor *c)
{
	struct stat st;
	ssize_t n;
	int err;

	while (!events_stop) {
		n = c->fd >= 0 ? read_fd(r, c->fd, &c->lb) : 0;
		if (n < 0)
			return (int)n;
		if (n > 0 || events_stop)
			continue;
		fflush(r->ctx->out);
		if (!current_unchanged(r, c)) {
			/* rotated: the old file is complete, take its rest first */
			if (c->fd >= 0) {
				n = read_fd(r, c->fd, &c->lb);
				if (n < 0)
					return (int)n;
				close(c->fd);
				c->last_seq = rotated_seq(r, c);
			}
			c->fd = -1;
			c->lb.len = 0;	/* a partial line of a finished file never ends */
			err = catch_up(r, c, true);
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

/* --- the command ----------------------------------------------------------- */

static int no_log(struct run *r)
{
	return pc_fail(r->ctx, "no events in %s; is the daemon running with --log-dir %s?",
		       r->ctx->log_dir, r->ctx->log_dir);
}

/* Does the log directory hold a log at all? 0, or an exit code after saying why not. */
static int check_dir(struct run *r)
{
	struct pc_event_segment *segs;
	struct stat st;
	size_t n;
	int err = pc_event_log_list(r->ctx->log_dir, &segs, &n);

	if (err == -ENOENT || err == -ENOTDIR)
		return no_log(r);
	if (err)
		return pc_fail(r->ctx, "cannot read %s: %s; run as root", r->ctx->log_dir,
			       strerror(-err));
	free(segs);
	seg_path(r, 0, false);
	if (!n && stat(r->path, &st) && !r->follow)
		return no_log(r);
	return 0;
}

static int run_events(struct run *r)
{
	struct cursor c = { .fd = -1 };
	int err;

	err = check_dir(r);
	if (err)
		return err;
	/* with -f and no --since: only the tail of the current file */
	r->past = true;
	err = catch_up(r, &c, !(r->follow && !r->f.since));
	if (!err && c.fd >= 0)
		err = read_fd(r, c.fd, &c.lb) < 0 ? -EIO : 0;
	flush_ring(r);
	r->past = false;
	if (!err && r->follow)
		err = follow(r, &c);
	if (c.fd >= 0)
		close(c.fd);
	free(c.lb.p);
	fflush(r->ctx->out);
	if (r->bad_lines)
		fprintf(r->ctx->err, "portcullis: skipped %llu lines of %s that are not events "
			"(written by something else, or cut short by a crash)\n",
			(unsigned long long)r->bad_lines, r->ctx->log_dir);
	if (err)
		return pc_fail(r->ctx, "reading the event log in %s failed: %s; run as root",
			       r->ctx->log_dir, strerror(-err));
	return PC_EXIT_OK;
}

int cmd_events(struct pc_ctx *ctx, int argc, char **argv)
{
	struct run r = { .ctx = ctx, .json = ctx->json };
	struct sigaction sa = { .sa_handler = on_stop }, old_int, old_term;
	int ret;

	ret = parse_args(&r, argc, argv);
	if (ret)
		return ret;
	if (r.tail > 0) {
		r.ring = calloc((size_t)r.tail, sizeof(*r.ring));
		if (!r.ring)
			return pc_fail(ctx, "out of memory for the last %ld events", r.tail);
	}
	events_stop = 0;
	if (r.follow) {
		/* no SA_RESTART: a signal ends the poll sleep at once */
		sigaction(SIGINT, &sa, &old_int);
		sigaction(SIGTERM, &sa, &old_term);
	}
	ret = run_events(&r);
	if (r.follow) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
	}
	flush_ring(&r);
	free(r.ring);
	free(r.scratch);
	return ret;
}
