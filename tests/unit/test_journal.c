// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_journal.c - events to journald's native protocol, without a
 * journald: the field names made from format.c's table, the encoding of
 * every field (a value with a line break in the binary-safe form),
 * datagrams read back from a socket of the test's own through the event
 * log's --journal, the rate cap, a missing socket said once, and the
 * MESSAGE_IDs written in docs/events.md.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>
#include <cmocka.h>

#include "events/format.h"
#include "events/journal.h"
#include "events/log.h"

/* --- reading a datagram back, as journald does --------------------------------- */

#define MAX_FIELDS 64

struct jfield {
	char name[PC_JOURNAL_NAME_MAX + 1];
	const char *val;	/* into the datagram; not NUL-terminated */
	size_t len;
	bool binary;
};

struct dgram {
	struct jfield f[MAX_FIELDS];
	size_t n;
};

/* Every field of the datagram P (N bytes); fails the test on bad framing. */
static void parse_dgram(const char *p, size_t n, struct dgram *d)
{
	const char *end = p + n;

	d->n = 0;
	while (p < end) {
		struct jfield *f = &d->f[d->n];
		const char *eq = p, *nl;
		size_t nlen;

		assert_true(d->n < MAX_FIELDS);
		while (eq < end && *eq != '=' && *eq != '\n')
			eq++;
		assert_true(eq < end);
		nlen = (size_t)(eq - p);
		assert_true(nlen > 0 && nlen <= PC_JOURNAL_NAME_MAX);
		memcpy(f->name, p, nlen);
		f->name[nlen] = '\0';
		if (*eq == '=') {
			nl = memchr(eq + 1, '\n', (size_t)(end - eq - 1));
			assert_non_null(nl);
			f->val = eq + 1;
			f->len = (size_t)(nl - eq - 1);
			f->binary = false;
			p = nl + 1;
		} else {
			uint64_t len = 0;
			int i;

			assert_true(end - eq >= 9);
			for (i = 7; i >= 0; i--)	/* little-endian */
				len = len << 8 | (uint8_t)eq[1 + i];
			assert_true(len <= (uint64_t)(end - eq - 9 - 1));
			f->val = eq + 9;
			f->len = (size_t)len;
			f->binary = true;
			assert_int_equal(f->val[len], '\n');
			p = f->val + len + 1;
		}
		d->n++;
	}
}

static const struct jfield *field(const struct dgram *d, const char *name)
{
	const struct jfield *found = NULL;
	size_t i;

	for (i = 0; i < d->n; i++)
		if (!strcmp(d->f[i].name, name)) {
			assert_null(found);	/* each name once */
			found = &d->f[i];
		}
	return found;
}

static void assert_field(const struct dgram *d, const char *name, const char *want)
{
	const struct jfield *f = field(d, name);

	if (!f)
		fail_msg("no field %s", name);
	if (f->len != strlen(want) || memcmp(f->val, want, f->len))
		fail_msg("%s: want '%s', got '%.*s'", name, want, (int)f->len, f->val);
}

/* --- an event with every field ------------------------------------------------- */

/* Every key of format.c's table, so every field is in the record; the hint
 * has a line break, the comm a quote. */
static const char every_field[] =
	"{\"ts\":\"2026-11-22T18:00:00.123456789Z\",\"kind\":\"revert\",\"verdict\":\"deny\","
	"\"scope\":\"interface:eth0\",\"roles\":[\"ssrs\",\"web\"],\"dir\":\"in\","
	"\"proto\":\"tcp\",\"src\":\"10.77.0.7\",\"sport\":51234,\"dst\":\"10.77.0.2\","
	"\"dport\":445,\"count\":3,"
	"\"hint\":\"peer host-10.77.0.7 10.77.0.7\\nallow in smb from host-10.77.0.7\","
	"\"pid\":7,\"comm\":\"sm\\\"bd\",\"uid\":33,\"cgroup_id\":77,"
	"\"cgroup\":\"/system.slice/x.service\",\"reason\":\"no-rule\",\"hook\":\"tc-ingress\","
	"\"family\":4,\"ifindex\":2,\"ifname\":\"eth0\",\"change\":\"mode enforce\","
	"\"restored\":\"mode audit\"}";

static void rec_every_field(char *line, struct pc_event_rec *r)
{
	strcpy(line, every_field);
	assert_int_equal(pc_event_parse_json(line, r), 0);
	/* a field added to the table but not above fails here */
	assert_int_equal(r->has, (1u << PC_EF_N) - 1);
}

/* Journal names are [A-Z0-9_], not starting with '_' (journald's trusted
 * fields), at most 64 bytes: every key of the table makes one. */
static void test_field_names(void **state)
{
	char name[PC_JOURNAL_NAME_MAX], want[PC_JOURNAL_NAME_MAX];
	int f, g;
	size_t i;

	for (f = 0; f < PC_EF_N; f++) {
		const char *key = pc_event_field_key((enum pc_event_field_id)f);

		pc_journal_field_name((enum pc_event_field_id)f, name);
		snprintf(want, sizeof(want), "PORTCULLIS_%s", key);
		for (i = 0; want[i]; i++)
			want[i] = (char)(want[i] >= 'a' && want[i] <= 'z' ? want[i] - 32 : want[i]);
		assert_string_equal(name, want);
		assert_true(name[0] != '_');
		for (i = 0; name[i]; i++)
			assert_true((name[i] >= 'A' && name[i] <= 'Z') ||
				    (name[i] >= '0' && name[i] <= '9') || name[i] == '_');
		for (g = 0; g < f; g++) {
			char other[PC_JOURNAL_NAME_MAX];

			pc_journal_field_name((enum pc_event_field_id)g, other);
			assert_string_not_equal(name, other);
		}
	}
	pc_journal_field_name(PC_EF_VERDICT, name);
	assert_string_equal(name, "PORTCULLIS_VERDICT");
	pc_journal_field_name(PC_EF_CGROUP_ID, name);
	assert_string_equal(name, "PORTCULLIS_CGROUP_ID");
}

static void test_encode_every_field(void **state)
{
	char line[sizeof(every_field)], buf[4096], kv[1024], name[PC_JOURNAL_NAME_MAX];
	struct pc_event_rec r;
	struct dgram d;
	size_t n;
	int f;

	rec_every_field(line, &r);
	n = pc_journal_encode_event(buf, sizeof(buf), &r);
	assert_true(n <= sizeof(buf));
	parse_dgram(buf, n, &d);

	/* every field of the table, once each */
	for (f = 0; f < PC_EF_N; f++) {
		pc_journal_field_name((enum pc_event_field_id)f, name);
		if (!field(&d, name))
			fail_msg("%s is not in the datagram", name);
	}
	assert_int_equal(d.n, PC_EF_N + 4);	/* and MESSAGE, PRIORITY, IDENTIFIER, ID */

	assert_field(&d, "PORTCULLIS_TS", "2026-11-22T18:00:00.123456789Z");
	assert_field(&d, "PORTCULLIS_VERDICT", "deny");
	assert_field(&d, "PORTCULLIS_SCOPE", "interface:eth0");
	assert_field(&d, "PORTCULLIS_ROLES", "ssrs,web");
	assert_field(&d, "PORTCULLIS_DIR", "in");
	assert_field(&d, "PORTCULLIS_PROTO", "tcp");
	assert_field(&d, "PORTCULLIS_SRC", "10.77.0.7");
	assert_field(&d, "PORTCULLIS_SPORT", "51234");
	assert_field(&d, "PORTCULLIS_DPORT", "445");
	assert_field(&d, "PORTCULLIS_COUNT", "3");
	assert_field(&d, "PORTCULLIS_COMM", "sm\"bd");
	assert_field(&d, "PORTCULLIS_CGROUP_ID", "77");
	assert_field(&d, "PORTCULLIS_CGROUP", "/system.slice/x.service");
	assert_field(&d, "PORTCULLIS_REASON", "no-rule");
	assert_field(&d, "PORTCULLIS_HOOK", "tc-ingress");
	assert_field(&d, "PORTCULLIS_FAMILY", "4");
	assert_field(&d, "PORTCULLIS_IFNAME", "eth0");
	assert_field(&d, "PORTCULLIS_RESTORED", "mode audit");

	/* the one value with a line break goes in the binary-safe form, whole */
	assert_true(field(&d, "PORTCULLIS_HINT")->binary);
	assert_field(&d, "PORTCULLIS_HINT",
		     "peer host-10.77.0.7 10.77.0.7\nallow in smb from host-10.77.0.7");
	for (f = 0; f < (int)d.n; f++)
		if (strcmp(d.f[f].name, "PORTCULLIS_HINT"))
			assert_false(d.f[f].binary);

	/* MESSAGE is the syslog line, which has no line break */
	pc_event_rec_kv(kv, sizeof(kv), &r);
	assert_field(&d, "MESSAGE", kv);
	assert_non_null(strstr(kv, "verdict=deny "));
	assert_field(&d, "PRIORITY", "4");
	assert_field(&d, "SYSLOG_IDENTIFIER", "portcullis");
	assert_field(&d, "MESSAGE_ID", pc_journal_kind_id(PC_JOURNAL_DENY));
}

/* An audit is a notice of its own kind; a verdict without a name has no
 * MESSAGE_ID to give, and still goes out. */
static void test_encode_kinds(void **state)
{
	static const char deny[] = "\"verdict\":\"deny\",", audit[] = "\"verdict\":\"audit\",";
	char line[sizeof(every_field) + 8], buf[4096];
	struct pc_event_rec r;
	struct dgram d;
	char *v;

	strcpy(line, every_field);
	v = strstr(line, deny);
	memmove(v + strlen(audit), v + strlen(deny), strlen(v + strlen(deny)) + 1);
	memcpy(v, audit, strlen(audit));
	assert_int_equal(pc_event_parse_json(line, &r), 0);
	parse_dgram(buf, pc_journal_encode_event(buf, sizeof(buf), &r), &d);
	assert_field(&d, "PORTCULLIS_VERDICT", "audit");
	assert_field(&d, "PRIORITY", "5");
	assert_field(&d, "MESSAGE_ID", pc_journal_kind_id(PC_JOURNAL_AUDIT));

	r.verdict = "9";
	parse_dgram(buf, pc_journal_encode_event(buf, sizeof(buf), &r), &d);
	assert_field(&d, "PORTCULLIS_VERDICT", "9");
	assert_field(&d, "PRIORITY", "4");
	assert_null(field(&d, "MESSAGE_ID"));

	/* the ids are distinct 128-bit hex, the form journalctl takes */
	assert_string_not_equal(pc_journal_kind_id(PC_JOURNAL_DENY),
				pc_journal_kind_id(PC_JOURNAL_AUDIT));
	for (v = (char *)pc_journal_kind_id(PC_JOURNAL_SKIPPED); *v; v++)
		assert_non_null(strchr("0123456789abcdef", *v));
	assert_int_equal(strlen(pc_journal_kind_id(PC_JOURNAL_SKIPPED)), 32);
	assert_null(pc_journal_kind_id(PC_JOURNAL_KIND_N));
}

/* Too small a buffer: the length returned is room enough, and the second
 * try writes exactly what a large buffer gets. */
static void test_encode_short_buffer(void **state)
{
	char line[sizeof(every_field)], big[4096], *small;
	struct pc_event_rec r;
	size_t n, need, cap;

	rec_every_field(line, &r);
	n = pc_journal_encode_event(big, sizeof(big), &r);
	for (cap = 0; cap < n; cap += 7) {
		small = malloc(cap + 1);
		need = pc_journal_encode_event(small, cap, &r);
		assert_true(need > cap);
		assert_true(need >= n);
		free(small);
		small = malloc(need);
		assert_int_equal(pc_journal_encode_event(small, need, &r), n);
		assert_memory_equal(small, big, n);
		free(small);
	}
}

/* --- through the event log to a socket ------------------------------------------ */

struct sink {
	char dir[64], path[96];
	char logdir[96];	/* for the event log */
	int fd;
	FILE *err;		/* what the log says, into errs */
	char *errs;
	size_t errs_len;
};

static void sink_open(struct sink *s)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = 2 };

	memset(s, 0, sizeof(*s));
	strcpy(s->dir, "/tmp/pc-journal-XXXXXX");
	assert_non_null(mkdtemp(s->dir));
	snprintf(s->path, sizeof(s->path), "%s/socket", s->dir);
	snprintf(s->logdir, sizeof(s->logdir), "%s/log", s->dir);
	s->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(s->fd >= 0);
	strcpy(sa.sun_path, s->path);
	assert_int_equal(bind(s->fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	setsockopt(s->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

/* The next datagram into BUF, parsed into D. */
static void sink_recv(struct sink *s, char *buf, size_t cap, struct dgram *d)
{
	ssize_t n = recv(s->fd, buf, cap, 0);

	assert_true(n > 0);
	parse_dgram(buf, (size_t)n, d);
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(p);
}

/* An event log in the sink's directory, sending to JOURNAL (NULL: the
 * sink's socket); what it says goes to s->errs (fflush(s->err) first). */
static struct pc_event_log *sink_log(struct sink *s, const char *journal)
{
	struct pc_event_log_opts o = { .dir = s->logdir, .journal = journal ? journal : s->path };
	struct pc_event_log *l;

	s->err = o.err = open_memstream(&s->errs, &s->errs_len);
	assert_non_null(s->err);
	assert_int_equal(pc_event_log_open(&o, &l), 0);
	return l;
}

static void sink_close(struct sink *s)
{
	if (s->err)
		fclose(s->err);
	free(s->errs);
	close(s->fd);
	nftw(s->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* How often ERRS says that sending to the journal failed. */
static int times_said(const char *errs)
{
	const char *p;
	int n = 0;

	for (p = errs; (p = strstr(p, "cannot send events to the journal")); p++)
		n++;
	return n;
}

static struct pc_event event(uint16_t dport, uint8_t verdict)
{
	struct pc_event e;

	memset(&e, 0, sizeof(e));
	e.ts_ns = 1795370400ull * 1000000000ull;
	e.count = 1;
	e.saddr[10] = e.saddr[11] = e.daddr[10] = e.daddr[11] = 0xff;
	e.saddr[12] = 10, e.saddr[15] = 7;
	e.daddr[12] = 10, e.daddr[15] = 2;
	e.sport = 40000;
	e.dport = dport;
	e.proto = 6;
	e.dir = PC_DIR_IN;
	e.verdict = verdict;
	e.reason = PC_REASON_NO_RULE;
	e.hook = PC_HOOK_TC_IN;
	e.family = 4;
	return e;
}

static int count_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	int ch, n = 0;

	assert_non_null(f);
	while ((ch = fgetc(f)) != EOF)
		n += ch == '\n';
	fclose(f);
	return n;
}

static void test_log_sends_to_journal(void **state)
{
	struct pc_event_log_stats st;
	struct pc_event_ctx c = { .hint = "peer a 10.0.0.7\nallow in http from a" };
	struct pc_event_log *l;
	struct pc_event e;
	struct sink s;
	struct dgram d;
	char buf[8192], path[160];

	sink_open(&s);
	l = sink_log(&s, NULL);
	e = event(80, PC_VERDICT_DENY);
	assert_int_equal(pc_event_log_add(l, &c, &e), 0);
	e = event(8443, PC_VERDICT_AUDIT);
	c.hint = NULL;
	assert_int_equal(pc_event_log_add(l, &c, &e), 0);

	sink_recv(&s, buf, sizeof(buf), &d);
	assert_field(&d, "PORTCULLIS_VERDICT", "deny");
	assert_field(&d, "PORTCULLIS_DPORT", "80");
	assert_field(&d, "PORTCULLIS_SCOPE", "scope:0");
	assert_field(&d, "PORTCULLIS_SRC", "10.0.0.7");
	assert_field(&d, "PORTCULLIS_HINT", "peer a 10.0.0.7\nallow in http from a");
	assert_field(&d, "SYSLOG_IDENTIFIER", "portcullis");
	assert_field(&d, "MESSAGE_ID", pc_journal_kind_id(PC_JOURNAL_DENY));
	sink_recv(&s, buf, sizeof(buf), &d);
	assert_field(&d, "PORTCULLIS_VERDICT", "audit");
	assert_field(&d, "PORTCULLIS_DPORT", "8443");
	assert_null(field(&d, "PORTCULLIS_HINT"));

	pc_event_log_get_stats(l, &st);
	assert_int_equal(st.journal_sent, 2);
	assert_int_equal(st.journal_lost, 0);
	pc_event_log_close(l);
	/* the file log has them too */
	snprintf(path, sizeof(path), "%s/events.log", s.logdir);
	assert_int_equal(count_lines(path), 2);
	sink_close(&s);
}

/* A flood: at most PC_EVENT_LOG_SYSLOG_PER_SEC a second are offered to the
 * journal, the rest counted; nobody reads the socket, so its queue fills
 * and the rest of those are lost, counted and said once, never waited on. */
static void test_rate_cap_and_full_queue(void **state)
{
	enum { N = 2 * PC_EVENT_LOG_SYSLOG_PER_SEC + 500 };
	struct pc_event_log_stats st;
	struct pc_event_ctx c = { 0 };
	struct pc_event_log *l;
	struct pc_event e = event(80, PC_VERDICT_DENY);
	struct sink s;
	int i;

	sink_open(&s);
	l = sink_log(&s, NULL);
	for (i = 0; i < N; i++)
		assert_int_equal(pc_event_log_add(l, &c, &e), 0);
	pc_event_log_get_stats(l, &st);
	pc_event_log_close(l);
	fflush(s.err);

	/* N events in at most two seconds: at least N - 2 * cap over it */
	assert_true(st.journal_skipped >= N - 2 * PC_EVENT_LOG_SYSLOG_PER_SEC);
	/* every other event was sent or lost; a new second adds one note */
	assert_true(st.journal_sent + st.journal_lost >= N - st.journal_skipped);
	assert_true(st.journal_sent + st.journal_lost <= N - st.journal_skipped + 1);
	assert_true(st.journal_lost > 0);
	assert_true(st.journal_sent > 0);
	assert_int_equal(times_said(s.errs), 1);
	assert_non_null(strstr(s.errs, "Resource temporarily unavailable"));
	sink_close(&s);
}

/* No journald: said once at start, every event still in the file log;
 * once a socket is there the next event goes out, and that is said. */
static void test_missing_socket(void **state)
{
	struct pc_event_log_stats st;
	struct pc_event_ctx c = { 0 };
	struct pc_event_log *l;
	struct pc_event e = event(445, PC_VERDICT_DENY);
	struct sink s;
	struct dgram d;
	char path[160], missing[128], buf[8192];
	int i;

	sink_open(&s);
	snprintf(missing, sizeof(missing), "%s/later", s.dir);
	l = sink_log(&s, missing);
	for (i = 0; i < 3; i++)
		assert_int_equal(pc_event_log_add(l, &c, &e), 0);
	pc_event_log_flush(l);
	pc_event_log_get_stats(l, &st);
	assert_int_equal(st.journal_lost, 3);
	assert_int_equal(st.journal_sent, 0);
	snprintf(path, sizeof(path), "%s/events.log", s.logdir);
	assert_int_equal(count_lines(path), 3);

	/* journald comes up: the sink's socket, under the missing name */
	assert_int_equal(rename(s.path, missing), 0);
	assert_int_equal(pc_event_log_add(l, &c, &e), 0);
	sink_recv(&s, buf, sizeof(buf), &d);
	assert_field(&d, "PORTCULLIS_DPORT", "445");
	pc_event_log_get_stats(l, &st);
	assert_int_equal(st.journal_sent, 1);
	pc_event_log_close(l);
	fflush(s.err);

	assert_int_equal(times_said(s.errs), 1);
	assert_non_null(strstr(s.errs, "No such file or directory"));
	assert_non_null(strstr(s.errs, "every event is in"));
	assert_non_null(strstr(s.errs, "to the journal at"));
	assert_non_null(strstr(s.errs, "again; lost meanwhile: 3\n"));
	sink_close(&s);
}

/* Sending fails while running: the journal went away (said, and said
 * again with the exact count when it is back), or its queue is full
 * (said once for good, however often it fills and drains). */
static void test_lost_then_back(void **state)
{
	struct pc_event_log_stats st;
	struct pc_event_ctx c = { 0 };
	struct pc_event_log *l;
	struct pc_event e = event(445, PC_VERDICT_DENY);
	struct sink s;
	struct dgram d;
	char away[128], buf[8192];
	int i, round;

	sink_open(&s);
	snprintf(away, sizeof(away), "%s/away", s.dir);
	l = sink_log(&s, NULL);
	assert_int_equal(pc_event_log_add(l, &c, &e), 0);
	sink_recv(&s, buf, sizeof(buf), &d);

	assert_int_equal(rename(s.path, away), 0);
	for (i = 0; i < 2; i++)
		assert_int_equal(pc_event_log_add(l, &c, &e), 0);
	assert_int_equal(rename(away, s.path), 0);
	assert_int_equal(pc_event_log_add(l, &c, &e), 0);
	sink_recv(&s, buf, sizeof(buf), &d);
	fflush(s.err);
	assert_non_null(strstr(s.errs, "No such file or directory"));
	assert_non_null(strstr(s.errs, "again; lost meanwhile: 2\n"));

	/* fill the queue, drain it, fill it again: within the rate cap */
	for (round = 0; round < 2; round++) {
		uint64_t lost;

		pc_event_log_get_stats(l, &st);
		lost = st.journal_lost;
		for (i = 0; i < 100 && st.journal_lost == lost; i++) {
			assert_int_equal(pc_event_log_add(l, &c, &e), 0);
			pc_event_log_get_stats(l, &st);
		}
		assert_true(st.journal_lost > lost);
		while (recv(s.fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
			;
		assert_int_equal(pc_event_log_add(l, &c, &e), 0);
		sink_recv(&s, buf, sizeof(buf), &d);
	}
	pc_event_log_close(l);
	fflush(s.err);
	assert_int_equal(times_said(s.errs), 2);	/* went away; full */
	assert_int_equal(strstr(strstr(s.errs, "Resource temporarily"), "again") == NULL, 1);
	sink_close(&s);
}

/* docs/events.md names every MESSAGE_ID, so an operator can look them up. */
static void test_ids_documented(void **state)
{
	FILE *f = fopen("docs/events.md", "r");
	char *doc = NULL;
	size_t len = 0;
	int k;

	if (!f)
		fail_msg("docs/events.md: run from the repository's top (tests/run.sh does)");
	assert_int_not_equal(getdelim(&doc, &len, '\0', f), -1);
	fclose(f);
	for (k = 0; k < PC_JOURNAL_KIND_N; k++) {
		char row[128];

		snprintf(row, sizeof(row), "| `%s` | `%s` |",
			 pc_journal_kind_name((enum pc_journal_kind)k),
			 pc_journal_kind_id((enum pc_journal_kind)k));
		if (!strstr(doc, row))
			fail_msg("docs/events.md lacks the row %s", row);
	}
	free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_field_names),
		cmocka_unit_test(test_encode_every_field),
		cmocka_unit_test(test_encode_kinds),
		cmocka_unit_test(test_encode_short_buffer),
		cmocka_unit_test(test_log_sends_to_journal),
		cmocka_unit_test(test_rate_cap_and_full_queue),
		cmocka_unit_test(test_missing_socket),
		cmocka_unit_test(test_lost_then_back),
		cmocka_unit_test(test_ids_documented),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
