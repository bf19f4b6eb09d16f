// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * journal.c - events to journald's native socket. See journal.h, and
 * docs/events.md for the fields and the MESSAGE_IDs.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include "events/journal.h"
#include "events/log.h"

#define BUF_START	8192		/* an event with a hint and a cgroup path */
#define BUF_MAX		(1u << 20)	/* far above any event; a bound on a bug */

/*
 * Each kind of entry has a fixed MESSAGE_ID, so 'journalctl
 * MESSAGE_ID=...' finds it whatever the words of MESSAGE; made once
 * with 'journalctl --new-id128', never to change. Deny is a warning like
 * the syslog line; an audited flow was let through: a notice.
 */
static const struct {
	const char *name;
	const char *id;
	int priority;
} kinds[PC_JOURNAL_KIND_N] = {
	[PC_JOURNAL_DENY] = { "deny", "446da00f4c76449fa3313e1198cad317", LOG_WARNING },
	[PC_JOURNAL_AUDIT] = { "audit", "4bc65ba243754bdeb926346b322ed6bc", LOG_NOTICE },
	[PC_JOURNAL_SKIPPED] = { "skipped", "9cb2fbddb88b4d3c993337324ace7090", LOG_WARNING },
};

const char *pc_journal_kind_id(enum pc_journal_kind kind)
{
	return kind < PC_JOURNAL_KIND_N ? kinds[kind].id : NULL;
}

const char *pc_journal_kind_name(enum pc_journal_kind kind)
{
	return kind < PC_JOURNAL_KIND_N ? kinds[kind].name : NULL;
}

void pc_journal_field_name(enum pc_event_field_id f, char buf[PC_JOURNAL_NAME_MAX])
{
	const char *key = pc_event_field_key(f);
	size_t n = sizeof(PC_JOURNAL_PREFIX) - 1, i;

	memcpy(buf, PC_JOURNAL_PREFIX, n);
	/* our keys are [a-z0-9_], short: journald's names are [A-Z0-9_] */
	for (i = 0; key && key[i] && n < PC_JOURNAL_NAME_MAX - 1; i++)
		buf[n++] = key[i] >= 'a' && key[i] <= 'z' ? (char)(key[i] - 'a' + 'A') : key[i];
	buf[n] = '\0';
}

/* --- encoding ----------------------------------------------------------------- */

/* The datagram so far; n counts on past cap, like format.c's buffer. */
struct jout {
	char *p;
	size_t n, cap;
};

static void jput(struct jout *o, const void *s, size_t len)
{
	if (o->n < o->cap)
		memcpy(o->p + o->n, s, len <= o->cap - o->n ? len : o->cap - o->n);
	o->n += len;
}

/*
 * A field is written in two steps, so that a value is formatted once,
 * right where it goes: value_at() gives the room after NAME and the
 * binary form's head ("NAME\n" and 8 bytes of length), the caller
 * formats the value there, and field_done() writes the head in front:
 * "NAME\n<le64>value\n" when the value has a line break, else it moves the
 * value up behind "NAME=" and ends it with "\n".
 */
static char *value_at(struct jout *o, const char *name, size_t *room)
{
	size_t start = o->n + strlen(name) + 1 + 8;

	*room = start < o->cap ? o->cap - start : 0;
	return *room ? o->p + start : NULL;
}

static void field_done(struct jout *o, const char *name, size_t len, size_t room)
{
	size_t nl = strlen(name);
	uint64_t le = 0;
	char *v;
	int i;

	if (len >= room) {
		/* did not fit: count the longer form, the caller retries */
		o->n += nl + 1 + 8 + len + 1;
		return;
	}
	v = o->p + o->n + nl + 1 + 8;
	if (memchr(v, '\n', len)) {
		for (i = 0; i < 8; i++)
			((uint8_t *)&le)[i] = (uint8_t)((uint64_t)len >> (8 * i));
		jput(o, name, nl);
		jput(o, "\n", 1);
		jput(o, &le, 8);
		o->n += len;
	} else {
		jput(o, name, nl);
		jput(o, "=", 1);
		memmove(o->p + o->n, v, len);
		o->n += len;
	}
	jput(o, "\n", 1);
}

static void put_field(struct jout *o, const char *name, const char *value)
{
	size_t room;
	char *v = value_at(o, name, &room);
	size_t len = strlen(value);

	if (len < room)
		memcpy(v, value, len + 1);
	field_done(o, name, len, room);
}

static void put_field_u64(struct jout *o, const char *name, uint64_t value)
{
	char num[24];

	snprintf(num, sizeof(num), "%" PRIu64, value);
	put_field(o, name, num);
}

/* The kind of an event by its verdict; PC_JOURNAL_KIND_N: none (a
 * verdict without a name, which the log writes as its number). */
static enum pc_journal_kind kind_of(const struct pc_event_rec *r)
{
	size_t i;

	for (i = 0; r->verdict && i < PC_JOURNAL_SKIPPED; i++)
		if (!strcmp(r->verdict, kinds[i].name))
			return (enum pc_journal_kind)i;
	return PC_JOURNAL_KIND_N;
}

/* PRIORITY, SYSLOG_IDENTIFIER, MESSAGE_ID: the same on every entry of KIND. */
static void put_trailer(struct jout *o, enum pc_journal_kind kind)
{
	put_field_u64(o, "PRIORITY", kind < PC_JOURNAL_KIND_N ? kinds[kind].priority : LOG_WARNING);
	put_field(o, "SYSLOG_IDENTIFIER", PC_JOURNAL_IDENTIFIER);
	if (kind < PC_JOURNAL_KIND_N)
		put_field(o, "MESSAGE_ID", kinds[kind].id);
}

size_t pc_journal_encode_event(char *buf, size_t cap, const struct pc_event_rec *r)
{
	struct jout o = { .p = buf, .cap = cap };
	char name[PC_JOURNAL_NAME_MAX];
	size_t room, len;
	char *v;
	int f;

	/* every field of the record, named after its key in format.c's table */
	for (f = 0; f < PC_EF_N; f++) {
		if (!pc_event_rec_has(r, (enum pc_event_field_id)f))
			continue;
		pc_journal_field_name((enum pc_event_field_id)f, name);
		v = value_at(&o, name, &room);
		len = pc_event_rec_value(v, room, r, (enum pc_event_field_id)f);
		field_done(&o, name, len, room);
	}
	/* the syslog line: one line, so it reads the same in 'journalctl' */
	v = value_at(&o, "MESSAGE", &room);
	len = pc_event_rec_kv(v, room, r);
	field_done(&o, "MESSAGE", len, room);
	put_trailer(&o, kind_of(r));
	return o.n;
}

/* --- sending ------------------------------------------------------------------ */

struct pc_journal {
	int fd;
	struct sockaddr_un sa;
	socklen_t salen;
	char *path;
	char *log_dir;
	FILE *err;
	char *buf;
	size_t cap;
	bool said;		/* a failure was said and sending has not worked since */
	bool said_full;		/* a full queue was said: once, as it comes and goes */
	uint64_t sent, lost;
	uint64_t lost_at_said;
};

/* Say why sending fails, the first time. A full queue is said once for
 * good: in a flood it fills and drains every second, and saying so each
 * time would flood stderr (the journal) in turn. */
static void say_failed(struct pc_journal *j, int err)
{
	const char *what;

	if (err == -EAGAIN ? j->said_full : j->said)
		return;
	switch (err) {
	case -ENOENT:
	case -ECONNREFUSED:
	case -ENOTSOCK:
		what = "is systemd-journald running? ('systemctl status systemd-journald')";
		break;
	case -EAGAIN:
		what = "journald does not keep up with a flood (its socket queue is "
		       "net.unix.max_dgram_qlen); said once, the count is in the statistics";
		break;
	default:
		what = "the journal gets nothing until this is fixed";
	}
	if (err == -EAGAIN) {
		j->said_full = true;
	} else {
		j->said = true;
		j->lost_at_said = j->lost;
	}
	fprintf(j->err, "portcullis: cannot send events to the journal at %s: %s; counting "
		"them lost, every event is in %s/" PC_EVENT_LOG_FILE "; %s\n", j->path,
		strerror(-err), j->log_dir, what);
}

/* One entry lost for ERR: counted, and said the first time. */
static int lose(struct pc_journal *j, int err)
{
	if (err == -EWOULDBLOCK)
		err = -EAGAIN;
	say_failed(j, err);
	j->lost++;
	return err;
}

static void say_recovered(struct pc_journal *j)
{
	if (!j->said)
		return;
	j->said = false;
	fprintf(j->err, "portcullis: sending events to the journal at %s again; lost meanwhile: "
		"%" PRIu64 "\n", j->path, j->lost - j->lost_at_said);
}

/* The datagram in j->buf: sent whole or lost; never waits (journal.h). */
static int send_buf(struct pc_journal *j, size_t len)
{
	int err = 0;

	if (sendto(j->fd, j->buf, len, MSG_DONTWAIT | MSG_NOSIGNAL, (struct sockaddr *)&j->sa,
		   j->salen) < 0)
		err = -errno;
	if (err)
		return lose(j, err);
	j->sent++;
	say_recovered(j);
	return 0;
}

/* Room for LEN bytes in j->buf. */
static int grow(struct pc_journal *j, size_t len)
{
	char *p;

	if (len <= j->cap)
		return 0;
	if (len > BUF_MAX)
		return -EMSGSIZE;
	p = realloc(j->buf, len);
	if (!p)
		return -ENOMEM;
	j->buf = p;
	j->cap = len;
	return 0;
}

int pc_journal_send_event(struct pc_journal *j, const struct pc_event_rec *r)
{
	size_t len = pc_journal_encode_event(j->buf, j->cap, r);
	int err;

	if (len > j->cap) {
		err = grow(j, len);
		if (err)
			return lose(j, err);
		len = pc_journal_encode_event(j->buf, j->cap, r);
	}
	return send_buf(j, len);
}

int pc_journal_send_skipped(struct pc_journal *j, uint64_t skipped, unsigned per_sec)
{
	struct jout o = { .p = j->buf, .cap = j->cap };
	char msg[PATH_MAX + 128];

	snprintf(msg, sizeof(msg), "%" PRIu64 " events over %u/s not sent to the journal; every "
		 "event is in %s/" PC_EVENT_LOG_FILE, skipped, per_sec, j->log_dir);
	put_field(&o, "MESSAGE", msg);
	put_field_u64(&o, PC_JOURNAL_PREFIX "SKIPPED", skipped);
	put_trailer(&o, PC_JOURNAL_SKIPPED);
	if (o.n > o.cap)	/* a log dir of thousands of bytes */
		return lose(j, -EMSGSIZE);
	return send_buf(j, o.n);
}

void pc_journal_counts(const struct pc_journal *j, uint64_t *sent, uint64_t *lost)
{
	*sent = j->sent;
	*lost = j->lost;
}

int pc_journal_open(const char *path, const char *log_dir, FILE *err, struct pc_journal **out)
{
	struct pc_journal *j;
	struct stat st;
	size_t len = strlen(path);

	*out = NULL;
	if (path[0] != '/' || len >= sizeof(j->sa.sun_path)) {
		fprintf(err, "portcullis: the journal socket '%s' is not an absolute path of at "
			"most %zu bytes\n", path, sizeof(j->sa.sun_path) - 1);
		return -EINVAL;
	}
	j = calloc(1, sizeof(*j));
	if (!j)
		return -ENOMEM;
	j->err = err;
	j->sa.sun_family = AF_UNIX;
	memcpy(j->sa.sun_path, path, len + 1);
	j->salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + 1);
	j->path = strdup(path);
	j->log_dir = strdup(log_dir);
	j->buf = malloc(BUF_START);
	j->cap = BUF_START;
	j->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (j->fd < 0) {
		int e = -errno;

		fprintf(err, "portcullis: cannot make a socket for the journal: %s\n",
			strerror(-e));
		pc_journal_close(j);
		return e;
	}
	if (!j->path || !j->log_dir || !j->buf) {
		pc_journal_close(j);
		return -ENOMEM;
	}
	/* Say at start what the first event would find: journald may come up
	 * later, and the sender says when it gets through. */
	if (stat(path, &st))
		say_failed(j, -errno);
	else if (!S_ISSOCK(st.st_mode))
		say_failed(j, -ENOTSOCK);
	*out = j;
	return 0;
}

void pc_journal_close(struct pc_journal *j)
{
	if (!j)
		return;
	if (j->fd >= 0)
		close(j->fd);
	free(j->buf);
	free(j->path);
	free(j->log_dir);
	free(j);
}
