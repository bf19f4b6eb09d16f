// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_events_cmd.c - 'portcullis events' over logs written by event_log:
 * human and JSON output, filters, --since across gzip segments (whole
 * segments skipped by mtime), -n, errors, and -f following across
 * rotations (in a child process, stopped with SIGTERM).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "cli/cli.h"
#include "events/format.h"
#include "events/log.h"
#include "events/read.h"

/* --- helpers ---------------------------------------------------------------- */

static char *eth0_roles[] = { "ssrs" };
static struct pc_scope_info scopes[] = {
	{ .name = "interface:eth0", .kind = PC_SCOPE_IFACE, .roles = eth0_roles, .n_roles = 1 },
	{ .name = "cgroup:/system.slice/x.service", .scope = 1, .kind = PC_SCOPE_CGROUP },
};
static struct pc_tables tables = { .scopes = scopes, .n_scopes = 2 };

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

static void set_addr(uint8_t a[16], const char *s)
{
	memset(a, 0, 16);
	if (inet_pton(AF_INET, s, a + 12) == 1) {
		a[10] = a[11] = 0xff;
		return;
	}
	assert_int_equal(inet_pton(AF_INET6, s, a), 1);
}

/* An event at wall-clock time TS (the test context's clock is the identity). */
static struct pc_event ev(int64_t ts, uint32_t scope, uint8_t verdict, uint8_t dir, uint8_t proto,
			  const char *src, uint16_t sport, const char *dst, uint16_t dport)
{
	struct pc_event e;

	memset(&e, 0, sizeof(e));
	e.ts_ns = (uint64_t)ts;
	e.scope = scope;
	e.count = 1;
	e.verdict = verdict;
	e.dir = dir;
	e.proto = proto;
	set_addr(e.saddr, src);
	set_addr(e.daddr, dst);
	e.sport = sport;
	e.dport = dport;
	e.reason = PC_REASON_NO_RULE;
	e.family = strchr(src, ':') ? 6 : 4;
	/* scope 0 is an interface, 1 a cgroup: the hooks they have */
	if (scope == 0)
		e.hook = dir == PC_DIR_IN ? PC_HOOK_TC_IN : PC_HOOK_TC_OUT;
	else
		e.hook = dir == PC_DIR_IN ? PC_HOOK_CG_IN : PC_HOOK_CONNECT4;
	return e;
}

struct logdir {
	char *dir;
	struct pc_event_log *log;
	struct pc_event_ctx c;
	char *want;		/* every line written, in order */
	size_t want_len;
	FILE *w;
};

static void logdir_open(struct logdir *ld, uint64_t max_size)
{
	struct pc_event_log_opts o = { .max_size = max_size, .max_total = 64 << 20,
				       .err = stderr };

	memset(ld, 0, sizeof(*ld));
	ld->dir = strdup("/tmp/pc-events-XXXXXX");
	assert_non_null(mkdtemp(ld->dir));
	o.dir = ld->dir;
	assert_int_equal(pc_event_log_open(&o, &ld->log), 0);
	ld->c.tables = &tables;
	ld->w = open_memstream(&ld->want, &ld->want_len);
}

/* Log E and remember its line. */
static void put(struct logdir *ld, const struct pc_event *e, const char *hint)
{
	char line[PC_EVENT_LINE_MAX];
	size_t n;

	ld->c.hint = hint;
	n = pc_event_format_json(line, sizeof(line), &ld->c, e);
	fwrite(line, 1, n, ld->w);
	assert_int_equal(pc_event_log_add(ld->log, &ld->c, e), 0);
	ld->c.hint = NULL;
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(p);
}

static void logdir_close(struct logdir *ld)
{
	pc_event_log_close(ld->log);
	fclose(ld->w);
	free(ld->want);
	nftw(ld->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(ld->dir);
}

/* The lines number FIRST..LAST (0-based, inclusive) of what was logged. */
static char *want_lines(struct logdir *ld, int first, int last)
{
	char *p, *start = NULL, *end = NULL;
	int i = 0;

	fflush(ld->w);
	for (p = ld->want; *p; i++) {
		char *nl = strchr(p, '\n');

		if (i == first)
			start = p;
		if (i == last)
			end = nl + 1;
		p = nl + 1;
	}
	assert_non_null(start);
	assert_non_null(end);
	return strndup(start, (size_t)(end - start));
}

struct result {
	int rc;
	char *out, *err;
	size_t out_len, err_len;
};

/* Run 'events ARGS...' (NULL-terminated) on DIR. */
static void run(struct result *r, const char *dir, ...)
{
	char *argv[16] = { "events" };
	struct pc_ctx ctx = { .lib = { .log_dir = dir } };
	int argc = 1;
	va_list ap;

	va_start(ap, dir);
	while ((argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	memset(r, 0, sizeof(*r));
	ctx.out = open_memstream(&r->out, &r->out_len);
	ctx.err = open_memstream(&r->err, &r->err_len);
	r->rc = cmd_events(&ctx, argc, argv);
	pc_diag_render_text(&ctx.lib.diag, ctx.err);	/* as main() does */
	pc_diag_free(&ctx.lib.diag);
	fclose(ctx.out);
	fclose(ctx.err);
}

static void result_free(struct result *r)
{
	free(r->out);
	free(r->err);
}

/* Four events: two scopes, both verdicts, both directions, both families,
 * three reasons, three hooks (TC, cgroup_skb, connect4). */
static void four_events(struct logdir *ld, int64_t t)
{
	struct pc_event a = ev(t, 0, PC_VERDICT_DENY, PC_DIR_IN, IPPROTO_TCP, "10.0.3.7", 51234,
			       "10.77.0.2", 445);
	struct pc_event b = ev(t + 1000000, 0, PC_VERDICT_AUDIT, PC_DIR_IN, IPPROTO_TCP,
			       "2001:db8:3::9", 40000, "2001:db8::2", 80);
	struct pc_event c = ev(t + 2000000, 1, PC_VERDICT_DENY, PC_DIR_OUT, IPPROTO_TCP,
			       "10.77.0.2", 50000, "10.0.2.5", 1433);
	struct pc_event d = ev(t + 3000000, 1, PC_VERDICT_AUDIT, PC_DIR_IN, IPPROTO_UDP,
			       "10.0.4.1", 5353, "10.77.0.2", 53);

	b.reason = PC_REASON_PEER;
	d.reason = PC_REASON_MALFORMED;
	c.flags = PC_EV_F_TASK;
	c.pid = 321;
	c.uid = 33;
	memcpy(c.comm, "sqlcmd", 7);
	put(ld, &a, "allow in smb from 10.0.3.7  # catalogue: smb (tcp 445), CRM 2013 "
		    "connectivity paper");
	put(ld, &b, NULL);
	put(ld, &c, "allow out mssql to 10.0.2.5  # catalogue: mssql (tcp 1433), CRM 2013 "
		    "connectivity paper");
	put(ld, &d, NULL);
	pc_event_log_flush(ld->log);
}

/* 2026-11-22T18:00:00.5Z */
#define T0 (1795370400ll * 1000000000ll + 500000000ll)

/* --- output ----------------------------------------------------------------- */

static void test_human_lines(void **state)
{
	struct logdir ld;
	struct result r;

	logdir_open(&ld, 0);
	four_events(&ld, T0);
	run(&r, ld.dir, NULL);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out,
		"2026-11-22T18:00:00.500Z deny  interface:eth0 in tcp 10.0.3.7:51234 > "
		"10.77.0.2:445 roles=ssrs count=1 reason=no-rule hint: allow in smb from 10.0.3.7  "
		"# catalogue: smb (tcp 445), CRM 2013 connectivity paper\n"
		"2026-11-22T18:00:00.501Z audit interface:eth0 in tcp [2001:db8:3::9]:40000 > "
		"[2001:db8::2]:80 roles=ssrs count=1 reason=peer\n"
		"2026-11-22T18:00:00.502Z deny  cgroup:/system.slice/x.service out tcp "
		"10.77.0.2:50000 > 10.0.2.5:1433 count=1 pid=321 comm=sqlcmd uid=33 "
		"reason=no-rule hook=connect4 hint: allow out mssql to 10.0.2.5  "
		"# catalogue: mssql (tcp 1433), CRM 2013 connectivity paper\n"
		"2026-11-22T18:00:00.503Z audit cgroup:/system.slice/x.service in udp "
		"10.0.4.1:5353 > 10.77.0.2:53 count=1 reason=malformed hook=cgroup-ingress\n");
	assert_string_equal(r.err, "");
	result_free(&r);
	logdir_close(&ld);
}

/* A hint of several config lines (events/hint.h) prints under its event,
 * indented, to paste as it is; its controls are made safe as ever. */
static void test_hint_lines(void **state)
{
	struct pc_event a = ev(T0, 0, PC_VERDICT_DENY, PC_DIR_IN, IPPROTO_TCP, "10.0.3.7", 51234,
			       "10.77.0.2", 7777);
	struct logdir ld;
	struct result r;

	logdir_open(&ld, 0);
	put(&ld, &a, "service tcp-7777 tcp 7777  # not in the catalogue\n"
		     "peer host-10.0.3.7 10.0.3.7\nallow in tcp-7777 from host-10.0.3.7\x1b[2J");
	pc_event_log_flush(ld.log);
	run(&r, ld.dir, NULL);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out,
		"2026-11-22T18:00:00.500Z deny  interface:eth0 in tcp 10.0.3.7:51234 > "
		"10.77.0.2:7777 roles=ssrs count=1 reason=no-rule hint:\n"
		"    service tcp-7777 tcp 7777  # not in the catalogue\n"
		"    peer host-10.0.3.7 10.0.3.7\n"
		"    allow in tcp-7777 from host-10.0.3.7?[2J\n");
	result_free(&r);
	/* -n counts events, not lines */
	run(&r, ld.dir, "-n", "1", NULL);
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out, "    allow in tcp-7777"));
	result_free(&r);
	logdir_close(&ld);
}

static void test_json_lines(void **state)
{
	struct logdir ld;
	struct result r;
	char *want;

	logdir_open(&ld, 0);
	four_events(&ld, T0);
	run(&r, ld.dir, "--json", NULL);
	assert_int_equal(r.rc, 0);
	want = want_lines(&ld, 0, 3);
	assert_string_equal(r.out, want);	/* the logged lines, as they are */
	free(want);
	result_free(&r);
	run(&r, ld.dir, "-n", "1", "--json", NULL);
	want = want_lines(&ld, 3, 3);
	assert_string_equal(r.out, want);
	free(want);
	result_free(&r);
	logdir_close(&ld);
}

/* Which of the four events (a..d) a filter lets through. */
static void expect(struct logdir *ld, const char *which, const char *opt, const char *val,
		   const char *opt2, const char *val2)
{
	struct result r;
	char *want = strdup(""), *line;
	size_t i;

	for (i = 0; which[i]; i++) {
		line = want_lines(ld, which[i] - 'a', which[i] - 'a');
		want = realloc(want, strlen(want) + strlen(line) + 1);
		strcat(want, line);
		free(line);
	}
	run(&r, ld->dir, "--json", opt, val, opt2, val2, NULL);
	if (r.rc || strcmp(r.out, want))
		fail_msg("%s %s %s %s: want %s, got rc %d:\n%s%s", opt, val, opt2 ? opt2 : "",
			 val2 ? val2 : "", which, r.rc, r.out, r.err);
	free(want);
	result_free(&r);
}

static void test_filters(void **state)
{
	struct logdir ld;

	logdir_open(&ld, 0);
	four_events(&ld, T0);
	expect(&ld, "bd", "--verdict", "audit", NULL, NULL);
	expect(&ld, "ac", "--verdict", "deny", NULL, NULL);
	expect(&ld, "ab", "--scope", "interface:eth0", NULL, NULL);
	expect(&ld, "ab", "--scope", "eth0", NULL, NULL);
	expect(&ld, "cd", "--scope", "/system.slice/x.service", NULL, NULL);
	expect(&ld, "", "--scope", "eth1", NULL, NULL);
	expect(&ld, "c", "--port", "1433", NULL, NULL);
	expect(&ld, "", "--port", "50000", NULL, NULL);	/* the port a rule names: dport */
	/* the remote end: src for in, dst for out */
	expect(&ld, "c", "--peer", "10.0.2.5", NULL, NULL);
	expect(&ld, "", "--peer", "10.77.0.2", NULL, NULL);
	expect(&ld, "a", "--peer", "10.0.3.0/24", NULL, NULL);
	expect(&ld, "acd", "--peer", "10.0.0.0/16", NULL, NULL);
	expect(&ld, "b", "--peer", "2001:db8::/32", NULL, NULL);
	expect(&ld, "b", "--peer", "2001:db8:3::9", NULL, NULL);
	expect(&ld, "ac", "--peer", "10.0.0.0/16", "--verdict", "deny");
	/* a scope is its whole name, the part after "kind:", or a cgroup's
	 * last whole path components (a unit name), never a part of one */
	expect(&ld, "cd", "--scope", "x.service", NULL, NULL);
	expect(&ld, "cd", "--scope", "system.slice/x.service", NULL, NULL);
	expect(&ld, "", "--scope", ".service", NULL, NULL);
	/* why, and where */
	expect(&ld, "ac", "--reason", "no-rule", NULL, NULL);
	expect(&ld, "b", "--reason", "peer", NULL, NULL);
	expect(&ld, "d", "--reason", "malformed", NULL, NULL);
	expect(&ld, "", "--reason", "no-policy", NULL, NULL);
	expect(&ld, "", "--reason", "peer", "--verdict", "deny");
	expect(&ld, "c", "--reason", "no-rule", "--scope", "/system.slice/x.service");
	expect(&ld, "ab", "--hook", "tc-ingress", NULL, NULL);
	expect(&ld, "c", "--hook", "connect4", NULL, NULL);
	expect(&ld, "d", "--hook", "cgroup-ingress", NULL, NULL);
	expect(&ld, "", "--hook", "tc-egress", NULL, NULL);
	expect(&ld, "d", "--hook", "cgroup-ingress", "--reason", "malformed");
	logdir_close(&ld);
}

/* A line an older daemon wrote has no reason or hook: it shows as before,
 * and --reason and --hook pass it over. */
static void test_old_lines(void **state)
{
	static const char old[] =
		"{\"ts\":\"2026-11-22T18:00:00.400000000Z\",\"verdict\":\"deny\","
		"\"scope\":\"interface:eth0\",\"roles\":[\"ssrs\"],\"dir\":\"in\",\"proto\":\"tcp\","
		"\"src\":\"10.0.3.8\",\"sport\":40000,\"dst\":\"10.77.0.2\",\"dport\":445,"
		"\"count\":2}\n";
	struct logdir ld;
	struct result r;
	char path[300];
	FILE *f;

	logdir_open(&ld, 0);
	snprintf(path, sizeof(path), "%s/events.log", ld.dir);
	f = fopen(path, "a");
	assert_non_null(f);
	fputs(old, f);
	fclose(f);
	four_events(&ld, T0);
	run(&r, ld.dir, NULL);
	assert_int_equal(r.rc, 0);
	assert_true(!strncmp(r.out, "2026-11-22T18:00:00.400Z deny  interface:eth0 in tcp "
			     "10.0.3.8:40000 > 10.77.0.2:445 roles=ssrs count=2\n", 98));
	assert_string_equal(r.err, "");
	result_free(&r);
	run(&r, ld.dir, "--json", "--verdict", "deny", NULL);
	assert_true(!strncmp(r.out, old, strlen(old)));
	result_free(&r);
	run(&r, ld.dir, "--json", "--reason", "no-rule", NULL);
	assert_null(strstr(r.out, "10.0.3.8"));
	assert_non_null(strstr(r.out, "10.0.3.7"));
	result_free(&r);
	run(&r, ld.dir, "--json", "--hook", "tc-ingress", NULL);
	assert_null(strstr(r.out, "10.0.3.8"));
	result_free(&r);
	logdir_close(&ld);
}

/* Filters combine, and the human form comes out filtered too. */
static void test_scope_after_colon(void **state)
{
	struct logdir ld;
	struct result r;

	logdir_open(&ld, 0);
	four_events(&ld, T0);
	run(&r, ld.dir, "--scope", "cgroup:/system.slice/x.service", "--port", "53", NULL);
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out, "in udp 10.0.4.1:5353 > 10.77.0.2:53"));
	assert_null(strchr(strchr(r.out, '\n') + 1, '\n'));
	result_free(&r);
	logdir_close(&ld);
}

/* --- --since across gzip segments ------------------------------------------------ */

#define N_SINCE 120

/* Events every 60 s over the last two hours, rotated every ~20 lines. */
static int64_t since_log(struct logdir *ld)
{
	int64_t base = now_ns() - 7200ll * 1000000000ll + 30ll * 1000000000ll;
	int i;

	logdir_open(ld, 4096);
	for (i = 0; i < N_SINCE; i++) {
		char src[32];
		struct pc_event e;

		snprintf(src, sizeof(src), "10.1.0.%d", i);
		e = ev(base + i * 60ll * 1000000000ll, 0, PC_VERDICT_DENY, PC_DIR_IN, IPPROTO_TCP,
		       src, 1024, "10.77.0.2", 80);
		put(ld, &e, NULL);
		pc_event_log_flush(ld->log);
	}
	pc_event_log_sync(ld->log);
	return base;
}

static void test_since_across_segments(void **state)
{
	struct pc_event_segment *segs;
	struct logdir ld;
	struct result r;
	char ts[PC_EVENT_TS_LEN + 1], *want, offset[64];
	int64_t base = since_log(&ld);
	size_t n;

	assert_int_equal(pc_event_log_list(ld.dir, &segs, &n), 0);
	assert_true(n >= 5);
	assert_true(segs[0].gz);
	free(segs);

	/* now - 30 min: events 90..119 (each 30 s away from the boundary) */
	run(&r, ld.dir, "--json", "--since", "30m", NULL);
	assert_int_equal(r.rc, 0);
	want = want_lines(&ld, 90, N_SINCE - 1);
	assert_string_equal(r.out, want);
	free(want);
	result_free(&r);
	run(&r, ld.dir, "--json", "--since", "1h30m", NULL);
	want = want_lines(&ld, 30, N_SINCE - 1);
	assert_string_equal(r.out, want);
	free(want);
	result_free(&r);

	/* a timestamp: exactly event 50 and after */
	pc_event_format_ts(base + 50 * 60ll * 1000000000ll, ts);
	run(&r, ld.dir, "--json", "--since", ts, NULL);
	want = want_lines(&ld, 50, N_SINCE - 1);
	assert_string_equal(r.out, want);
	result_free(&r);
	/* the same instant as local time in New York (-05:00), and one ns later */
	pc_event_format_ts(base + 50 * 60ll * 1000000000ll - 5 * 3600ll * 1000000000ll, offset);
	strcpy(offset + PC_EVENT_TS_LEN - 1, "-05:00");
	run(&r, ld.dir, "--json", "--since", offset, NULL);
	assert_string_equal(r.out, want);
	result_free(&r);
	free(want);
	pc_event_format_ts(base + 50 * 60ll * 1000000000ll + 1, ts);
	run(&r, ld.dir, "--json", "--since", ts, NULL);
	want = want_lines(&ld, 51, N_SINCE - 1);
	assert_string_equal(r.out, want);
	free(want);
	result_free(&r);
	logdir_close(&ld);
}

/* Segments whose mtime is before --since are not opened: a damaged old
 * segment goes unnoticed with --since and is reported without. */
static void test_since_skips_old_segments(void **state)
{
	struct pc_event_segment *segs;
	struct logdir ld;
	struct result r;
	struct timespec times[2];
	char path[256], *want;
	int64_t base = since_log(&ld);
	size_t n;
	int fd;

	assert_int_equal(pc_event_log_list(ld.dir, &segs, &n), 0);
	/* the first segment holds events from base on: date it an hour before */
	snprintf(path, sizeof(path), "%s/events.log.%llu.gz", ld.dir,
		 (unsigned long long)segs[0].seq);
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "\x1f\x8b garbage", 10), 10);
	times[0].tv_sec = times[1].tv_sec = (base - 3600ll * 1000000000ll) / 1000000000ll;
	times[0].tv_nsec = times[1].tv_nsec = 0;
	assert_int_equal(futimens(fd, times), 0);
	close(fd);
	free(segs);

	run(&r, ld.dir, "--json", "--since", "30m", NULL);
	assert_int_equal(r.rc, 0);
	want = want_lines(&ld, 90, N_SINCE - 1);
	assert_string_equal(r.out, want);
	assert_string_equal(r.err, "");
	free(want);
	result_free(&r);

	run(&r, ld.dir, "--json", NULL);
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.err, "is damaged"));
	assert_non_null(strstr(r.out, "\"src\":\"10.1.0.119\""));
	result_free(&r);
	logdir_close(&ld);
}

/* --- errors ----------------------------------------------------------------- */

static void test_errors(void **state)
{
	static const char *const bad[][2] = {
		{ "--since", "yesterday" }, { "--since", "2026-13-01" }, { "--since", "10x" },
		{ "--verdict", "drop" }, { "--port", "70000" }, { "--port", "http" },
		{ "--peer", "10.0.0.0/33" }, { "--peer", "host" }, { "-n", "-1" },
		{ "--reason", "bogus" }, { "--reason", "" }, { "--hook", "tc" }, { "--bogus", NULL },
		{ "--reason", NULL },
	};
	struct logdir ld;
	struct result r;
	size_t i;

	run(&r, "/tmp/pc-no-such-log-dir", NULL);
	assert_int_equal(r.rc, PC_EXIT_FAIL);
	assert_string_equal(r.err, "portcullis: no events in /tmp/pc-no-such-log-dir; is the "
			    "daemon running with --log-dir /tmp/pc-no-such-log-dir?\n");
	result_free(&r);
	run(&r, "/tmp/pc-no-such-log-dir", "-f", NULL);
	assert_int_equal(r.rc, PC_EXIT_FAIL);
	result_free(&r);

	logdir_open(&ld, 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		run(&r, ld.dir, bad[i][0], bad[i][1], NULL);
		if (r.rc != PC_EXIT_USAGE)
			fail_msg("%s %s: rc %d", bad[i][0], bad[i][1] ? bad[i][1] : "", r.rc);
		assert_non_null(strstr(r.err, "portcullis: "));
		result_free(&r);
	}
	/* a name that is close: said, with the names there are */
	run(&r, ld.dir, "--reason", "no_rule", NULL);
	assert_int_equal(r.rc, PC_EXIT_USAGE);
	assert_non_null(strstr(r.err, "--reason takes a reason (none, no-rule, peer, malformed, "
				      "ipv6-ext, no-policy, fragment, no-scope), not 'no_rule'; did you mean 'no-rule'?"));
	result_free(&r);
	run(&r, ld.dir, "--hook", "connect", NULL);
	assert_int_equal(r.rc, PC_EXIT_USAGE);
	assert_non_null(strstr(r.err, "did you mean 'connect4'?"));
	result_free(&r);
	run(&r, ld.dir, "--verdict", "dney", NULL);
	assert_int_equal(r.rc, PC_EXIT_USAGE);
	assert_non_null(strstr(r.err, "--verdict takes a verdict (deny, audit), not 'dney'; "
				      "did you mean 'deny'?"));
	result_free(&r);
	/* an empty log is no error: nothing happened yet */
	run(&r, ld.dir, NULL);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out, "");
	result_free(&r);
	logdir_close(&ld);
}

/* --- -f ----------------------------------------------------------------------- */

static size_t count_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	size_t n = 0;
	int ch;

	if (!f)
		return 0;
	while ((ch = fgetc(f)) != EOF)
		n += ch == '\n';
	fclose(f);
	return n;
}

/* Wait up to 10 s for PATH to have N lines. */
static bool wait_lines(const char *path, size_t n)
{
	int i;

	for (i = 0; i < 1000; i++) {
		if (count_lines(path) >= n)
			return true;
		usleep(10000);
	}
	return false;
}

static pid_t start_follower(const char *dir, const char *out_path, const char *since)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		struct pc_ctx ctx = { .lib = { .log_dir = dir }, .err = stderr };
		char *argv[] = { "events", "-f", "--json", since ? "--since" : NULL,
				 (char *)since, NULL };

		ctx.out = fopen(out_path, "w");
		if (!ctx.out)
			_exit(99);
		_exit(cmd_events(&ctx, since ? 5 : 3, argv));
	}
	return pid;
}

static int stop_follower(pid_t pid)
{
	int status;

	kill(pid, SIGTERM);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void put_batch(struct logdir *ld, int *k, int n)
{
	for (; n > 0; n--, (*k)++) {
		char src[32];
		struct pc_event e;

		snprintf(src, sizeof(src), "10.2.%d.%d", *k / 256, *k % 256);
		e = ev(T0 + *k * 1000000ll, 0, PC_VERDICT_AUDIT, PC_DIR_IN, IPPROTO_TCP, src,
		       2000, "10.77.0.2", 443);
		put(ld, &e, NULL);
	}
	pc_event_log_flush(ld->log);
}

/* Every line exactly once, in order: across explicit rotations (three
 * within one poll interval) and size rotations under load, while gzip
 * removes the files the follower still reads. */
static void test_follow_survives_rotation(void **state)
{
	struct logdir ld;
	char out[300], *got = NULL, *want;
	size_t len = 0;
	pid_t pid;
	int k = 0, i;
	FILE *f;

	logdir_open(&ld, 4096);
	snprintf(out, sizeof(out), "%s.out", ld.dir);
	pid = start_follower(ld.dir, out, NULL);
	put_batch(&ld, &k, 5);
	if (!wait_lines(out, 5)) {
		kill(pid, SIGKILL);
		fail_msg("the follower did not print the first 5 events");
	}
	pc_event_log_rotate(ld.log);
	put_batch(&ld, &k, 5);
	pc_event_log_rotate(ld.log);
	put_batch(&ld, &k, 5);
	pc_event_log_rotate(ld.log);
	put_batch(&ld, &k, 5);
	for (i = 0; i < 40; i++) {
		put_batch(&ld, &k, 7);
		if (i % 10 == 0)
			usleep(150000);	/* let it catch up sometimes, not always */
	}
	if (!wait_lines(out, (size_t)k)) {
		kill(pid, SIGKILL);
		fail_msg("the follower printed %zu of %d events", count_lines(out), k);
	}
	usleep(300000);	/* a duplicate would come now */
	assert_int_equal(stop_follower(pid), 0);
	want = want_lines(&ld, 0, k - 1);
	f = fopen(out, "r");
	assert_non_null(f);
	assert_true(getdelim(&got, &len, '\0', f) > 0);
	fclose(f);
	assert_string_equal(got, want);
	free(got);
	free(want);
	unlink(out);
	logdir_close(&ld);
}

/* -f --since: the history from rotated segments first, then what comes;
 * -f alone: the last 10 of the current file, then what comes. */
static void test_follow_since_and_tail(void **state)
{
	struct logdir ld;
	char out[300], out2[300], *got = NULL, *want;
	pid_t pid, pid2;
	size_t len = 0;
	int k = 0;
	FILE *g;

	logdir_open(&ld, 4096);
	put_batch(&ld, &k, 60);	/* about three segments */
	/* the current file: 12, of which -f shows the last 10, whatever a line's length */
	pc_event_log_rotate(ld.log);
	put_batch(&ld, &k, 12);
	pc_event_log_sync(ld.log);
	snprintf(out, sizeof(out), "%s.out", ld.dir);
	snprintf(out2, sizeof(out2), "%s.out2", ld.dir);
	pid = start_follower(ld.dir, out, "2026-11-22T00:00:00Z");
	pid2 = start_follower(ld.dir, out2, NULL);
	if (!wait_lines(out, 72) || !wait_lines(out2, 10)) {
		kill(pid, SIGKILL);
		kill(pid2, SIGKILL);
		fail_msg("the followers did not print the past");
	}
	put_batch(&ld, &k, 30);
	if (!wait_lines(out, 102) || !wait_lines(out2, 40)) {
		kill(pid, SIGKILL);
		kill(pid2, SIGKILL);
		fail_msg("the followers did not follow");
	}
	usleep(200000);
	assert_int_equal(stop_follower(pid), 0);
	assert_int_equal(stop_follower(pid2), 0);
	g = fopen(out, "r");
	assert_true(getdelim(&got, &len, '\0', g) > 0);
	fclose(g);
	want = want_lines(&ld, 0, 101);
	assert_string_equal(got, want);
	free(want);
	g = fopen(out2, "r");
	assert_true(getdelim(&got, &len, '\0', g) > 0);
	fclose(g);
	want = want_lines(&ld, 0, 101);
	/* out2 is the last 40 lines of want */
	{
		char *p = want + strlen(want);
		int nl = 0;

		while (p > want && nl < 41)
			nl += *--p == '\n';
		assert_string_equal(got, p + 1);
	}
	free(want);
	free(got);
	unlink(out);
	unlink(out2);
	logdir_close(&ld);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_human_lines),
		cmocka_unit_test(test_hint_lines),
		cmocka_unit_test(test_json_lines),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_scope_after_colon),
		cmocka_unit_test(test_old_lines),
		cmocka_unit_test(test_since_across_segments),
		cmocka_unit_test(test_since_skips_old_segments),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_follow_survives_rotation),
		cmocka_unit_test(test_follow_since_and_tail),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
