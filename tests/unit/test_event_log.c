// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_event_log.c - events from struct pc_event to disk, without BPF:
 * the JSON line (whole lines compared, IPv4 and IPv6), the syslog and
 * human forms, the parser, hints from a policy, rotation into gzip
 * segments (read back with zlib and with zcat), the disk bound, restarts,
 * and write failures.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <dirent.h>
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
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#include <cmocka.h>

#include "events/format.h"
#include "events/hint.h"
#include "events/log.h"
#include "events/read.h"
#include "lib/names.h"
#include "policy/policy.h"

/* --- helpers ---------------------------------------------------------------- */

/* 2026-11-22T18:00:00Z */
#define T0_SEC 1795370400ll

static void set_addr(uint8_t a[16], const char *s)
{
	memset(a, 0, 16);
	if (inet_pton(AF_INET, s, a + 12) == 1) {
		a[10] = a[11] = 0xff;
		return;
	}
	assert_int_equal(inet_pton(AF_INET6, s, a), 1);
}

static struct pc_event ev(const char *src, uint16_t sport, const char *dst, uint16_t dport,
			  uint8_t dir, uint8_t verdict)
{
	struct pc_event e;

	memset(&e, 0, sizeof(e));
	e.ts_ns = (uint64_t)T0_SEC * 1000000000ull + 123456789ull;
	e.scope = 0;
	e.count = 1;
	set_addr(e.saddr, src);
	set_addr(e.daddr, dst);
	e.sport = sport;
	e.dport = dport;
	e.proto = IPPROTO_TCP;
	e.dir = dir;
	e.verdict = verdict;
	e.reason = PC_REASON_NO_RULE;
	e.hook = dir == PC_DIR_IN ? PC_HOOK_TC_IN : PC_HOOK_TC_OUT;
	e.family = strchr(src, ':') ? 6 : 4;
	return e;
}

static char *ssrs_roles[] = { "ssrs" };
static char *two_roles[] = { "ad-member", "sql\"x" };
static struct pc_scope_info scopes[] = {
	{ .name = "interface:eth0", .kind = PC_SCOPE_IFACE, .target = "eth0", .roles = ssrs_roles,
	  .n_roles = 1 },
	{ .name = "cgroup:/system.slice/x.service", .scope = 1, .kind = PC_SCOPE_CGROUP,
	  .target = "/system.slice/x.service", .roles = two_roles, .n_roles = 2 },
};
static struct pc_tables tables = { .scopes = scopes, .n_scopes = 2 };

/* A context whose clock is the identity: ts_ns is the wall-clock time. */
static struct pc_event_ctx ctx0(void)
{
	return (struct pc_event_ctx){ .tables = &tables };
}

static char *json_line(const struct pc_event_ctx *c, const struct pc_event *e)
{
	static char buf[PC_EVENT_LINE_MAX];
	size_t n = pc_event_format_json(buf, sizeof(buf) - 1, c, e);

	assert_true(n < sizeof(buf));
	buf[n] = '\0';
	return buf;
}

static char *tmpdir(void)
{
	char *d = strdup("/tmp/pc-evlog-XXXXXX");

	assert_non_null(mkdtemp(d));
	return d;
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(p);
}

static void rmtree(char *d)
{
	nftw(d, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(d);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	int ch;

	assert_non_null(f);
	while ((ch = fgetc(f)) != EOF)
		fputc(ch, m);
	fclose(f);
	fclose(m);
	return buf;
}

/* Everything a gzip file holds, through zlib. */
static char *gunzip(const char *path)
{
	gzFile gz = gzopen(path, "rb");
	char *buf = NULL, chunk[4096];
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	int n;

	assert_non_null(gz);
	assert_true(gzdirect(gz) == 0);	/* really compressed */
	while ((n = gzread(gz, chunk, sizeof(chunk))) > 0)
		fwrite(chunk, 1, (size_t)n, m);
	assert_int_equal(n, 0);
	gzclose(gz);
	fclose(m);
	return buf;
}

static struct pc_event_log *log_open(const char *dir, uint64_t max_size, uint64_t max_total,
				     FILE *err)
{
	struct pc_event_log_opts o = { .dir = dir, .max_size = max_size, .max_total = max_total,
				       .err = err ? err : stderr };
	struct pc_event_log *l;

	assert_int_equal(pc_event_log_open(&o, &l), 0);
	return l;
}

/* Event number I: a distinct flow, so every line is different. */
static struct pc_event nth(unsigned i)
{
	char src[32];
	struct pc_event e;

	snprintf(src, sizeof(src), "10.%u.%u.%u", (i >> 16) & 255, (i >> 8) & 255, i & 255);
	e = ev(src, (uint16_t)(1024 + i % 60000), "10.77.0.2", 80, PC_DIR_IN, PC_VERDICT_DENY);
	e.ts_ns += (uint64_t)i * 1000;
	return e;
}

static uint64_t dir_bytes(const char *dir, int *n_files)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	struct stat st;
	char p[512];
	uint64_t total = 0;

	*n_files = 0;
	assert_non_null(d);
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		if (stat(p, &st))
			continue;	/* gzip just replaced it */
		total += (uint64_t)st.st_size;
		(*n_files)++;
	}
	closedir(d);
	return total;
}

/* --- the JSON line ------------------------------------------------------------ */

static void test_json_ipv4(void **state)
{
	struct pc_event_ctx c = ctx0();
	struct pc_event e = ev("10.77.0.7", 51234, "10.77.0.2", 80, PC_DIR_IN, PC_VERDICT_DENY);

	e.ifindex = 2;
	assert_string_equal(json_line(&c, &e),
		"{\"ts\":\"2026-11-22T18:00:00.123456789Z\",\"verdict\":\"deny\","
		"\"scope\":\"interface:eth0\",\"roles\":[\"ssrs\"],\"dir\":\"in\",\"proto\":\"tcp\","
		"\"src\":\"10.77.0.7\",\"sport\":51234,\"dst\":\"10.77.0.2\",\"dport\":80,"
		"\"count\":1,\"reason\":\"no-rule\",\"hook\":\"tc-ingress\",\"family\":4,"
		"\"ifindex\":2,\"ifname\":\"eth0\"}\n");
}

static void test_json_ipv6_task_hint(void **state)
{
	struct pc_event_ctx c = ctx0();
	struct pc_event e = ev("2001:db8::2", 40000, "2001:db8:aa::7", 1433, PC_DIR_OUT,
			       PC_VERDICT_AUDIT);

	e.scope = 1;
	e.count = 7;
	e.proto = IPPROTO_UDP;
	e.flags = PC_EV_F_TASK;
	e.pid = 4242;
	e.uid = 1000;
	e.cgroup_id = 9876543210ull;
	e.hook = PC_HOOK_SENDMSG6;
	memcpy(e.comm, "curl \"x\"\t\x01yzabcdef", 16);	/* 16 bytes, no NUL */
	c.hint = "allow out mssql to 2001:db8:aa::7  # catalogue: mssql (tcp 1433)";
	assert_string_equal(json_line(&c, &e),
		"{\"ts\":\"2026-11-22T18:00:00.123456789Z\",\"verdict\":\"audit\","
		"\"scope\":\"cgroup:/system.slice/x.service\",\"roles\":[\"ad-member\",\"sql\\\"x\"],"
		"\"dir\":\"out\",\"proto\":\"udp\",\"src\":\"2001:db8::2\",\"sport\":40000,"
		"\"dst\":\"2001:db8:aa::7\",\"dport\":1433,\"count\":7,"
		"\"hint\":\"allow out mssql to 2001:db8:aa::7  # catalogue: mssql (tcp 1433)\","
		"\"pid\":4242,\"comm\":\"curl \\\"x\\\"\\t\\u0001yzabcd\",\"uid\":1000,"
		"\"cgroup_id\":9876543210,\"reason\":\"no-rule\",\"hook\":\"sendmsg6\",\"family\":6}\n");
}

static void test_json_unknown_scope_proto_clock(void **state)
{
	struct pc_event_ctx c = { .tables = NULL };
	struct pc_event e = ev("192.0.2.1", 0, "192.0.2.2", 0, PC_DIR_IN, PC_VERDICT_DENY);

	e.scope = 9;
	e.proto = 132;	/* SCTP: no name */
	e.ts_ns = 5000000000ull;	/* 5 s after boot */
	c.boot_to_real.tv_sec = T0_SEC - 5;
	c.boot_to_real.tv_nsec = 1;
	assert_string_equal(json_line(&c, &e),
		"{\"ts\":\"2026-11-22T18:00:00.000000001Z\",\"verdict\":\"deny\","
		"\"scope\":\"scope:9\",\"roles\":[],\"dir\":\"in\",\"proto\":132,"
		"\"src\":\"192.0.2.1\",\"sport\":0,\"dst\":\"192.0.2.2\",\"dport\":0,"
		"\"count\":1,\"reason\":\"no-rule\",\"hook\":\"tc-ingress\",\"family\":4}\n");
}

/* The cut line says how much room it needed, and never writes past CAP. */
static void test_json_short_buffer(void **state)
{
	struct pc_event_ctx c = ctx0();
	struct pc_event e = nth(1);
	char full[PC_EVENT_LINE_MAX], small[40];
	size_t n = pc_event_format_json(full, sizeof(full), &c, &e);

	memset(small, 'X', sizeof(small));
	assert_int_equal(pc_event_format_json(small, 20, &c, &e), n);
	assert_memory_equal(small, full, 20);
	assert_int_equal(small[20], 'X');
}

/* The fast calendar against gmtime_r over 400 years and leap days. */
static void test_ts_against_gmtime(void **state)
{
	int64_t secs[] = { 0, 951782400 /* 2000-02-29 */, 1709164800 /* 2024-02-29 */,
			   4107542399ll /* 2100-02-28T23:59:59 */, T0_SEC,
			   9200000000ll /* 2261: int64 ns end in 2262 */ };
	char got[PC_EVENT_TS_LEN + 1], want[64];
	unsigned seed = 1;
	size_t i;

	for (i = 0; i < 2000; i++) {
		int64_t s = i < sizeof(secs) / sizeof(secs[0]) ? secs[i]
			    : (int64_t)rand_r(&seed) * 4 % 9200000000ll;
		time_t t = (time_t)s;
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(want, sizeof(want), "%Y-%m-%dT%H:%M:%S.000000042Z", &tm);
		pc_event_format_ts(s * 1000000000ll + 42, got);
		assert_string_equal(got, want);
	}
	pc_event_format_ts(-1, got);	/* a clock before 1970: still the format */
	assert_string_equal(got, "1969-12-31T23:59:59.999999999Z");
}

/* A stepped wall clock is followed; the jitter of measuring the offset is not. */
static void test_clock_follow(void **state)
{
	struct pc_event_ctx c = { 0 }, ref = { 0 };

	pc_event_clock_init(&ref);
	c.boot_to_real = ref.boot_to_real;
	c.boot_to_real.tv_sec -= 3600;	/* as if the clock was stepped an hour ahead */
	pc_event_clock_follow(&c);
	assert_true(llabs((long long)(c.boot_to_real.tv_sec - ref.boot_to_real.tv_sec)) <= 1);
	c.boot_to_real = ref.boot_to_real;
	c.boot_to_real.tv_nsec += c.boot_to_real.tv_nsec >= 500000 ? -500000 : 500000; /* 0.5 ms */
	ref = c;
	pc_event_clock_follow(&c);
	assert_memory_equal(&c.boot_to_real, &ref.boot_to_real, sizeof(c.boot_to_real));
}

/* --- syslog and human forms, and the parser -------------------------------------- */

static void test_kv_line(void **state)
{
	struct pc_event_ctx c = ctx0();
	struct pc_event e = ev("10.77.0.7", 51234, "10.77.0.2", 445, PC_DIR_IN, PC_VERDICT_DENY);
	char buf[512];

	c.hint = "allow in smb from 10.77.0.7  # catalogue: smb (tcp 445)";
	pc_event_format_kv(buf, sizeof(buf), &c, &e);
	assert_string_equal(buf,
		"verdict=deny scope=interface:eth0 roles=ssrs dir=in proto=tcp src=10.77.0.7 "
		"sport=51234 dst=10.77.0.2 dport=445 count=1 reason=no-rule hook=tc-ingress "
		"hint=\"allow in smb from 10.77.0.7  # catalogue: smb (tcp 445)\"");
	e.flags = PC_EV_F_TASK;
	e.pid = 7;
	e.hook = PC_HOOK_CONNECT4;
	e.reason = PC_REASON_MALFORMED;
	memcpy(e.comm, "a b", 4);
	c.hint = NULL;
	c.tables = NULL;
	pc_event_format_kv(buf, sizeof(buf), &c, &e);
	assert_string_equal(buf,
		"verdict=deny scope=scope:0 roles=- dir=in proto=tcp src=10.77.0.7 "
		"sport=51234 dst=10.77.0.2 dport=445 count=1 pid=7 comm=\"a b\" uid=0 "
		"reason=malformed hook=connect4");
}

static void test_parse_roundtrip_and_text(void **state)
{
	struct pc_event_ctx c = ctx0();
	struct pc_event e = ev("10.77.0.7", 51234, "10.77.0.2", 80, PC_DIR_IN, PC_VERDICT_DENY);
	struct pc_event_rec r;
	char line[PC_EVENT_LINE_MAX], text[PC_EVENT_LINE_MAX];

	c.hint = "allow in http from 10.77.0.7  # catalogue: http (tcp 80), CRM 2013 connectivity paper";
	strcpy(line, json_line(&c, &e));
	assert_int_equal(pc_event_parse_json(line, &r), 0);
	assert_string_equal(r.ts, "2026-11-22T18:00:00.123456789Z");
	assert_string_equal(r.verdict, "deny");
	assert_string_equal(r.scope, "interface:eth0");
	assert_int_equal(r.n_roles, 1);
	assert_string_equal(r.roles[0], "ssrs");
	assert_int_equal(r.sport, 51234);
	assert_int_equal(r.dport, 80);
	assert_int_equal(r.count, 1);
	assert_false(pc_event_rec_has(&r, PC_EF_PID));
	pc_event_format_text(text, sizeof(text), &r);
	assert_string_equal(text,
		"2026-11-22T18:00:00.123Z deny  interface:eth0 in tcp 10.77.0.7:51234 > "
		"10.77.0.2:80 roles=ssrs count=1 reason=no-rule hint: allow in http from 10.77.0.7  "
		"# catalogue: http (tcp 80), CRM 2013 connectivity paper\n");

	/* IPv6 with a task, two roles, an escaped comm */
	e = ev("2001:db8::2", 40000, "2001:db8:aa::7", 1433, PC_DIR_OUT, PC_VERDICT_AUDIT);
	e.scope = 1;
	e.count = 3;
	e.flags = PC_EV_F_TASK;
	e.pid = 99;
	e.uid = 5;
	e.cgroup_id = 77;
	e.hook = PC_HOOK_CONNECT6;
	e.reason = PC_REASON_PEER;
	memcpy(e.comm, "sq\"l\n", 6);
	c.hint = NULL;
	strcpy(line, json_line(&c, &e));
	assert_int_equal(pc_event_parse_json(line, &r), 0);
	assert_true(pc_event_rec_has(&r, PC_EF_PID));
	assert_int_equal(r.pid, 99);
	assert_int_equal(r.cgroup_id, 77);
	assert_string_equal(r.comm, "sq\"l\n");
	assert_string_equal(r.roles[1], "sql\"x");
	pc_event_format_text(text, sizeof(text), &r);
	assert_string_equal(text,
		"2026-11-22T18:00:00.123Z audit cgroup:/system.slice/x.service out tcp "
		"[2001:db8::2]:40000 > [2001:db8:aa::7]:1433 roles=ad-member,sql\"x count=3 "
		"pid=99 comm=sq\"l? uid=5 reason=peer hook=connect6\n");

	/* ICMP: the type, no ports */
	e = ev("10.0.0.7", 0, "10.0.0.2", 8, PC_DIR_IN, PC_VERDICT_DENY);
	e.proto = IPPROTO_ICMP;
	strcpy(line, json_line(&c, &e));
	assert_int_equal(pc_event_parse_json(line, &r), 0);
	pc_event_format_text(text, sizeof(text), &r);
	assert_string_equal(text, "2026-11-22T18:00:00.123Z deny  interface:eth0 in icmp "
				  "10.0.0.7 > 10.0.0.2 echo-request roles=ssrs count=1 reason=no-rule\n");

	/* a malformed packet does not read like a policy drop */
	e.proto = IPPROTO_TCP;
	e.reason = PC_REASON_MALFORMED;
	e.family = 0;
	strcpy(line, json_line(&c, &e));
	assert_int_equal(pc_event_parse_json(line, &r), 0);
	assert_string_equal(r.reason, "malformed");
	assert_int_equal(r.family, 0);
	assert_true(pc_event_rec_has(&r, PC_EF_FAMILY));
	pc_event_format_text(text, sizeof(text), &r);
	assert_non_null(strstr(text, " count=1 reason=malformed\n"));
}

static void test_parse_strict(void **state)
{
	static const char *bad[] = {
		"",
		"[]",
		"{\"ts\":\"x\"}",	/* required fields missing */
		"{\"ts\":\"t\",\"verdict\":\"deny\",\"scope\":\"s\",\"dir\":\"in\",\"proto\":\"tcp\","
		"\"src\":\"a\",\"dst\":\"b\",\"dport\":1,\"count\":1} trailing",
		"{\"ts\":\"t\",\"verdict\":\"drop\",\"scope\":\"s\",\"dir\":\"in\",\"proto\":\"tcp\","
		"\"src\":\"a\",\"dst\":\"b\",\"dport\":1,\"count\":1}",
		"{\"ts\":\"t\",\"verdict\":\"deny\",\"scope\":\"s\",\"dir\":\"in\",\"proto\":\"tcp\","
		"\"src\":\"a\",\"dst\":\"b\",\"dport\":65536,\"count\":1}",
		"{\"ts\":\"t\",\"verdict\":\"deny\",\"scope\":\"s\\q\",\"dir\":\"in\",\"proto\":\"tcp\","
		"\"src\":\"a\",\"dst\":\"b\",\"dport\":1,\"count\":1}",
		"{\"ts\":\"t\",\"verdict\":\"deny\",\"scope\":\"s\",\"dir\":\"in\",\"proto\":\"tcp\","
		"\"src\":\"a\",\"dst\":\"b\",\"dport\":1,\"count\":1,}",
		"{\"ts\":\"t\",\"verdict\":\"deny\",\"scope\":\"s\",\"dir\":\"in\",\"proto\":\"tcp\","
		"\"src\":\"a\",\"dst\":\"b\",\"dport\":1,\"count\":-1}",
		"{\"ts\":\"t\",\"verdict\":\"deny\",\"scope\":\"s",
		"{\"ts\":\"t\",\"verdict\":\"deny\",\"scope\":\"s\",\"dir\":\"in\",\"proto\":\"tcp\","
		"\"src\":\"a\",\"dst\":\"b\",\"dport\":1,\"count\":1,\"x\":{}}",
		/* verdict and dir are names, never numbers */
		"{\"ts\":\"t\",\"verdict\":1,\"scope\":\"s\",\"dir\":\"in\",\"proto\":\"tcp\","
		"\"src\":\"a\",\"dst\":\"b\",\"dport\":1,\"count\":1}",
		"{\"ts\":\"t\",\"verdict\":\"deny\",\"scope\":\"s\",\"dir\":\"up\",\"proto\":\"tcp\","
		"\"src\":\"a\",\"dst\":\"b\",\"dport\":1,\"count\":1}",
		/* the new fields have types too */
		"{\"ts\":\"t\",\"verdict\":\"deny\",\"scope\":\"s\",\"dir\":\"in\",\"proto\":\"tcp\","
		"\"src\":\"a\",\"dst\":\"b\",\"dport\":1,\"count\":1,\"reason\":[\"x\"]}",
		"{\"ts\":\"t\",\"verdict\":\"deny\",\"scope\":\"s\",\"dir\":\"in\",\"proto\":\"tcp\","
		"\"src\":\"a\",\"dst\":\"b\",\"dport\":1,\"count\":1,\"hook\":256}",
		"{\"ts\":\"t\",\"verdict\":\"deny\",\"scope\":\"s\",\"dir\":\"in\",\"proto\":\"tcp\","
		"\"src\":\"a\",\"dst\":\"b\",\"dport\":1,\"count\":1,\"family\":\"4\"}",
		"{\"ts\":\"t\",\"verdict\":\"deny\",\"scope\":\"s\",\"dir\":\"in\",\"proto\":\"tcp\","
		"\"src\":\"a\",\"dst\":\"b\",\"dport\":1,\"count\":1,\"ifindex\":4294967296}",
	};
	char good[] = "{\"ts\":\"t\",\"verdict\":\"deny\",\"scope\":\"s\",\"roles\":[],\"dir\":\"in\","
		      "\"proto\":6,\"src\":\"a\",\"dst\":\"b\",\"dport\":1,\"count\":1,"
		      "\"reason\":\"no-rule\",\"new\":[\"x\"],\"flag\":true,\"n\":null,\"big\":123}\n";
	struct pc_event_rec r;
	char buf[512];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		strcpy(buf, bad[i]);
		if (!pc_event_parse_json(buf, &r))
			fail_msg("accepted: %s", bad[i]);
	}
	/* unknown keys of a newer daemon are skipped; a numeric proto reads */
	assert_int_equal(pc_event_parse_json(good, &r), 0);
	assert_string_equal(r.proto, "6");
	assert_string_equal(r.reason, "no-rule");
	assert_false(pc_event_rec_has(&r, PC_EF_HOOK));
	/* a reason or hook a newer daemon names is kept as it is, not refused */
	strcpy(buf, "{\"ts\":\"t\",\"verdict\":\"deny\",\"scope\":\"s\",\"dir\":\"in\","
		    "\"proto\":\"tcp\",\"src\":\"a\",\"dst\":\"b\",\"dport\":1,\"count\":1,"
		    "\"reason\":\"rate\",\"hook\":9}");
	assert_int_equal(pc_event_parse_json(buf, &r), 0);
	assert_string_equal(r.reason, "rate");
	assert_string_equal(r.hook, "9");
}

/* A line an older daemon wrote, without reason, hook, family or ifindex,
 * still reads, and its human line says nothing it does not know. */
static void test_parse_old_line(void **state)
{
	char line[] = "{\"ts\":\"2026-11-22T18:00:00.123456789Z\",\"verdict\":\"deny\","
		      "\"scope\":\"interface:eth0\",\"roles\":[\"ssrs\"],\"dir\":\"in\","
		      "\"proto\":\"tcp\",\"src\":\"10.77.0.7\",\"sport\":51234,\"dst\":\"10.77.0.2\","
		      "\"dport\":80,\"count\":1}\n";
	char text[PC_EVENT_LINE_MAX], again[PC_EVENT_LINE_MAX];
	struct pc_event_rec r;
	size_t n;

	strcpy(again, line);
	assert_int_equal(pc_event_parse_json(line, &r), 0);
	assert_false(pc_event_rec_has(&r, PC_EF_REASON));
	assert_false(pc_event_rec_has(&r, PC_EF_HOOK));
	assert_false(pc_event_rec_has(&r, PC_EF_FAMILY));
	assert_false(pc_event_rec_has(&r, PC_EF_IFINDEX));
	assert_null(r.reason);
	pc_event_format_text(text, sizeof(text), &r);
	assert_string_equal(text, "2026-11-22T18:00:00.123Z deny  interface:eth0 in tcp "
				  "10.77.0.7:51234 > 10.77.0.2:80 roles=ssrs count=1\n");
	/* and written again it is the same line */
	n = pc_event_rec_json(text, sizeof(text), &r);
	assert_int_equal(n, strlen(again));
	assert_memory_equal(text, again, n);
}

/* --- what the kernel fills reaches the log ------------------------------------- */

/* reason, hook, family and ifindex are in the JSON and syslog lines, and
 * the human line tells a malformed packet from a policy drop. */
static void test_kernel_fields_logged(void **state)
{
	struct pc_event_ctx c = ctx0();
	struct pc_event e = ev("10.77.0.7", 51234, "10.77.0.2", 22, PC_DIR_IN, PC_VERDICT_DENY);
	char kv[512], line[PC_EVENT_LINE_MAX], text[PC_EVENT_LINE_MAX];
	struct pc_event_rec r;

	e.reason = PC_REASON_MALFORMED;
	e.ifindex = 7;
	strcpy(line, json_line(&c, &e));
	assert_non_null(strstr(line, "\"reason\":\"malformed\""));
	assert_non_null(strstr(line, "\"hook\":\"tc-ingress\""));
	assert_non_null(strstr(line, "\"family\":4"));
	assert_non_null(strstr(line, "\"ifindex\":7"));
	pc_event_format_kv(kv, sizeof(kv), &c, &e);
	assert_non_null(strstr(kv, " reason=malformed hook=tc-ingress"));
	assert_int_equal(pc_event_parse_json(line, &r), 0);
	pc_event_format_text(text, sizeof(text), &r);
	assert_non_null(strstr(text, " reason=malformed"));
	/* a cgroup_skb event has the socket's cgroup id without a task */
	e.hook = PC_HOOK_CG_IN;
	e.ifindex = 0;
	e.cgroup_id = 4242;
	e.reason = PC_REASON_NO_POLICY;
	strcpy(line, json_line(&c, &e));
	assert_non_null(strstr(line, "\"cgroup_id\":4242,"));
	assert_null(strstr(line, "\"ifindex\""));
	assert_int_equal(pc_event_parse_json(line, &r), 0);
	pc_event_format_text(text, sizeof(text), &r);
	assert_non_null(strstr(text, " reason=no-policy hook=cgroup-ingress\n"));
}

/* --- every kind of event, through write -> parse -> print ----------------------- */

static const uint8_t rt_verdicts[] = { PC_VERDICT_DENY, PC_VERDICT_AUDIT };
static const uint8_t rt_reasons[] = { PC_REASON_NONE, PC_REASON_NO_RULE, PC_REASON_PEER,
				      PC_REASON_MALFORMED, PC_REASON_IPV6_EXT,
				      PC_REASON_NO_POLICY, 77 /* a reason without a name */ };
static const uint8_t rt_hooks[] = { PC_HOOK_TC_IN, PC_HOOK_TC_OUT, PC_HOOK_CG_IN, PC_HOOK_CG_OUT,
				    PC_HOOK_CONNECT4, PC_HOOK_CONNECT6, PC_HOOK_SENDMSG4,
				    PC_HOOK_SENDMSG6, 0 /* no name */ };
static const uint8_t rt_families[] = { 4, 6, 0 /* the IP header was unreadable */ };
static const uint8_t rt_protos[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP, IPPROTO_ICMPV6,
				     132 /* SCTP: no name */ };

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static uint32_t rnd(unsigned *seed)
{
	return (uint32_t)rand_r(seed) << 16 ^ (uint32_t)rand_r(seed);
}

static void rnd_addr(uint8_t a[16], bool v6, unsigned *seed)
{
	size_t i;

	memset(a, 0, 16);
	for (i = v6 ? 0 : 12; i < 16; i++)
		a[i] = (uint8_t)rnd(seed);
	if (!v6)
		a[10] = a[11] = 0xff;
	else
		a[0] = 0x20;	/* global unicast, never IPv4-mapped */
}

static struct pc_event rnd_event(unsigned *seed, uint8_t verdict, uint8_t reason, uint8_t hook,
				 uint8_t family, bool task)
{
	bool tc = hook == PC_HOOK_TC_IN || hook == PC_HOOK_TC_OUT;
	struct pc_event e;
	size_t i;

	memset(&e, 0, sizeof(e));
	e.ts_ns = (uint64_t)T0_SEC * 1000000000ull + rnd(seed) * 1000ull + rnd(seed) % 1000;
	e.scope = rnd(seed) % 3;	/* 2: not in the tables, "scope:2" */
	e.count = 1 + rnd(seed) % 5 * (rnd(seed) % 100000);
	rnd_addr(e.saddr, family == 6, seed);
	rnd_addr(e.daddr, family == 6, seed);
	e.sport = (uint16_t)rnd(seed);
	e.dport = (uint16_t)rnd(seed);
	e.proto = rt_protos[rnd(seed) % N_OF(rt_protos)];
	e.dir = rnd(seed) % 2 ? PC_DIR_IN : PC_DIR_OUT;
	e.verdict = verdict;
	e.reason = reason;
	e.hook = hook;
	e.family = family;
	e.ifindex = tc ? 1 + rnd(seed) % 4096 : 0;
	e.cgroup_id = tc ? 0 : (uint64_t)rnd(seed) << 32 | rnd(seed);
	if (task) {
		e.flags = PC_EV_F_TASK;
		e.pid = rnd(seed);
		e.uid = rnd(seed);
		/* any bytes the kernel may give, a NUL somewhere or none */
		for (i = 0; i < sizeof(e.comm); i++)
			e.comm[i] = (char)(1 + rnd(seed) % 255);
		if (rnd(seed) % 2)
			e.comm[rnd(seed) % sizeof(e.comm)] = '\0';
	}
	return e;
}

static const char *name_or_num(const struct pc_names *t, unsigned v, char *buf)
{
	return pc_name_or_number(t, v, buf, 12);
}

/* R, parsed from E's line, says everything E said. */
static void assert_rec_is_event(const struct pc_event_rec *r, const struct pc_event *e,
				const struct pc_event_ctx *c)
{
	char buf[64], comm[17];
	uint8_t a[16] = { [10] = 0xff, [11] = 0xff };
	bool tc = e->hook == PC_HOOK_TC_IN || e->hook == PC_HOOK_TC_OUT;

	pc_event_format_ts((int64_t)e->ts_ns, buf);
	assert_string_equal(r->ts, buf);
	assert_string_equal(r->verdict, pc_name_of(&pc_names_verdict, e->verdict));
	if (e->scope < tables.n_scopes) {
		assert_string_equal(r->scope, scopes[e->scope].name);
		assert_int_equal(r->n_roles, scopes[e->scope].n_roles);
	} else {
		snprintf(buf, sizeof(buf), "scope:%u", e->scope);
		assert_string_equal(r->scope, buf);
		assert_int_equal(r->n_roles, 0);
	}
	assert_string_equal(r->dir, pc_name_of(&pc_names_dir, e->dir));
	assert_string_equal(r->proto, name_or_num(&pc_names_proto, e->proto, buf));
	if (inet_pton(AF_INET, r->src, a + 12) != 1)
		assert_int_equal(inet_pton(AF_INET6, r->src, a), 1);
	assert_memory_equal(a, e->saddr, 16);
	if (inet_pton(AF_INET, r->dst, a + 12) != 1)
		assert_int_equal(inet_pton(AF_INET6, r->dst, a), 1);
	assert_memory_equal(a, e->daddr, 16);
	assert_int_equal(r->sport, e->sport);
	assert_int_equal(r->dport, e->dport);
	assert_int_equal(r->count, e->count);
	assert_string_equal(r->reason, name_or_num(&pc_names_reason, e->reason, buf));
	assert_string_equal(r->hook, name_or_num(&pc_names_hook, e->hook, buf));
	assert_true(pc_event_rec_has(r, PC_EF_FAMILY));
	assert_int_equal(r->family, e->family);
	assert_int_equal(pc_event_rec_has(r, PC_EF_IFINDEX), e->ifindex != 0);
	assert_int_equal(r->ifindex, e->ifindex);
	if (tc && e->scope < tables.n_scopes && scopes[e->scope].kind == PC_SCOPE_IFACE)
		assert_string_equal(r->ifname, scopes[e->scope].target);
	else
		assert_false(pc_event_rec_has(r, PC_EF_IFNAME));
	assert_int_equal(pc_event_rec_has(r, PC_EF_CGROUP_ID),
			 (e->flags & PC_EV_F_TASK) || e->cgroup_id);
	assert_true(r->cgroup_id == e->cgroup_id);
	assert_int_equal(pc_event_rec_has(r, PC_EF_PID), !!(e->flags & PC_EV_F_TASK));
	if (e->flags & PC_EV_F_TASK) {
		memcpy(comm, e->comm, 16);
		comm[16] = '\0';
		assert_int_equal(r->pid, e->pid);
		assert_int_equal(r->uid, e->uid);
		assert_string_equal(r->comm, comm);
	}
	if (c->hint)
		assert_string_equal(r->hint, c->hint);
	else
		assert_null(r->hint);
	if (c->cgroup)
		assert_string_equal(r->cgroup, c->cgroup);
	else
		assert_null(r->cgroup);
}

/* Every verdict, reason, hook and family, with and without the task
 * fields, each with random addresses, ports, counts, comm and scope: the
 * JSON line parses back to all of it, is written again byte for byte from
 * what was parsed, and the human and syslog lines say the reason and
 * (where the scope and direction do not) the hook. */
static void test_roundtrip_every_kind(void **state)
{
	static const char *const hints[] = { NULL, "allow in smb from 10.0.3.7  # \"q\" \\ x" };
	static const char *const cgroups[] = { NULL, "/system.slice/a b.service" };
	char line[PC_EVENT_LINE_MAX], copy[PC_EVENT_LINE_MAX], again[PC_EVENT_LINE_MAX];
	char text[PC_EVENT_LINE_MAX], kv[PC_EVENT_LINE_MAX], want[64], num[12], num2[12];
	size_t v, re, h, f, t, round, n, cases = 0;
	struct pc_event_ctx c = ctx0();
	struct pc_event_rec r, from;
	unsigned seed = 12;

	for (round = 0; round < 3; round++)
	for (v = 0; v < N_OF(rt_verdicts); v++)
	for (re = 0; re < N_OF(rt_reasons); re++)
	for (h = 0; h < N_OF(rt_hooks); h++)
	for (f = 0; f < N_OF(rt_families); f++)
	for (t = 0; t < 2; t++) {
		struct pc_event e = rnd_event(&seed, rt_verdicts[v], rt_reasons[re], rt_hooks[h],
					      rt_families[f], t);
		bool tc = rt_hooks[h] == PC_HOOK_TC_IN || rt_hooks[h] == PC_HOOK_TC_OUT;

		c.hint = hints[rnd(&seed) % 2];
		c.cgroup = tc ? NULL : cgroups[rnd(&seed) % 2];
		n = pc_event_format_json(line, sizeof(line) - 1, &c, &e);
		assert_true(n < sizeof(line));
		line[n] = '\0';
		strcpy(copy, line);
		if (pc_event_parse_json(copy, &r))
			fail_msg("case %zu: does not parse: %s", cases, line);
		/* the fields the writer had are the fields the parser found */
		pc_event_rec_from(&from, &c, &e);
		if (r.has != from.has) {
			size_t k;

			for (k = 0; k < PC_EF_N; k++)
				if (((r.has ^ from.has) >> k) & 1)
					fail_msg("case %zu: %s lost: %s", cases,
						 pc_event_field_key((enum pc_event_field_id)k), line);
		}
		assert_rec_is_event(&r, &e, &c);
		n = pc_event_rec_json(again, sizeof(again) - 1, &r);
		again[n] = '\0';
		assert_string_equal(again, line);

		pc_event_format_text(text, sizeof(text), &r);
		snprintf(want, sizeof(want), " reason=%s",
			 name_or_num(&pc_names_reason, e.reason, num));
		if (!strstr(text, want))
			fail_msg("case %zu: no '%s' in %s", cases, want, text);
		snprintf(want, sizeof(want), " hook=%s", name_or_num(&pc_names_hook, e.hook, num));
		if (!strstr(text, want) != tc)
			fail_msg("case %zu: '%s' %s in %s", cases, want, tc ? "" : "not", text);
		pc_event_format_kv(kv, sizeof(kv), &c, &e);
		snprintf(want, sizeof(want), " reason=%s hook=%s",
			 name_or_num(&pc_names_reason, e.reason, num),
			 name_or_num(&pc_names_hook, e.hook, num2));
		if (!strstr(kv, want))
			fail_msg("case %zu: no '%s' in %s", cases, want, kv);
		cases++;
	}
	assert_int_equal(cases, 3 * 2 * 7 * 9 * 3 * 2);
}

/* --- hints ---------------------------------------------------------------------- */

static const char hint_policy[] =
	"# Connectivity and Firewall Port Requirements for Microsoft Dynamics CRM 2013,"
	" \"Network ports for the Microsoft Dynamics CRM web application\" table, rows TCP 445\n"
	"service smb tcp 445, udp 445 \"SMB\"\n"
	"# also: Network ports for Microsoft Dynamics CRM, \"ports\" table\n"
	"# Connectivity and Firewall Port Requirements for Microsoft Dynamics CRM 2013,"
	" \"SQL Server and CRM Reporting Extensions ports\" table\n"
	"service mssql tcp 1433 \"SQL Server\"\n"
	"# not from the cited documents\n"
	"service ssh tcp 22 \"SSH\"\n"
	"# also: Connectivity and Firewall Port Requirements for Microsoft Dynamics CRM 2013, text\n"
	"# Hybrid Identity Required Ports and Protocols, \"Table 1\" table, row RPC\n"
	"service rpc-dynamic tcp 49152-65535\n"
	"service wide tcp 1000-2000\n"
	"service narrow tcp 1400-1500\n"
	"service http tcp 80\n"
	"# Setup Guide: Server-side synchronization for CRM Online,"
	" \"Incoming and Outgoing Connection\" table\n"
	"service ews tcp 80, tcp 443\n"
	"service ping icmp echo-request, icmpv6 echo-request\n"
	"service old-web tcp 8080\n"
	"override service old-web tcp 8081\n";

struct hints {
	struct pc_policy pol;
	struct pc_hint_index *h;
};

static void hints_build(struct hints *hs, const char *text)
{
	struct pc_diag d;
	int rc;

	memset(hs, 0, sizeof(*hs));
	pc_diag_init(&d);
	rc = pc_policy_parse_buffer("t.conf", text, strlen(text), &d, &hs->pol);
	pc_diag_free(&d);
	assert_int_equal(rc, 0);
	assert_int_equal(pc_hint_index_build(&hs->pol, NULL, &hs->h), 0);
	/* the index owns what it needs: the policy may go (the daemon reloads) */
	pc_policy_free(&hs->pol);
}

static const char *hint_for(struct hints *hs, uint8_t proto, uint16_t dport, uint8_t dir,
			    const char *peer)
{
	static char buf[512];
	struct pc_event e = dir == PC_DIR_IN
		? ev(peer, 50000, strchr(peer, ':') ? "2001:db8::1" : "10.0.0.1", dport, dir,
		     PC_VERDICT_DENY)
		: ev(strchr(peer, ':') ? "2001:db8::1" : "10.0.0.1", 50000, peer, dport, dir,
		     PC_VERDICT_DENY);

	e.proto = proto;
	return pc_event_hint(hs->h, &e, buf, sizeof(buf));
}

static void test_hint_in_and_out(void **state)
{
	struct hints hs;

	hints_build(&hs, hint_policy);
	assert_string_equal(hint_for(&hs, IPPROTO_TCP, 445, PC_DIR_IN, "10.0.3.7"),
		"peer host-10.0.3.7 10.0.3.7\n"
		"allow in smb from host-10.0.3.7  # catalogue: smb (tcp 445), CRM 2013 connectivity paper");
	/* the primary citation counts, not the "also:" line above it */
	assert_string_equal(hint_for(&hs, IPPROTO_TCP, 1433, PC_DIR_OUT, "10.0.2.5"),
		"peer host-10.0.2.5 10.0.2.5\n"
		"allow out mssql to host-10.0.2.5  # catalogue: mssql (tcp 1433), CRM 2013 connectivity paper");
	assert_string_equal(hint_for(&hs, IPPROTO_UDP, 445, PC_DIR_IN, "2001:db8:3::7"),
		"peer host-2001-db8-3--7 2001:db8:3::7\n"
		"allow in smb from host-2001-db8-3--7  # catalogue: smb (udp 445), CRM 2013 connectivity paper");
	assert_string_equal(hint_for(&hs, IPPROTO_TCP, 22, PC_DIR_IN, "10.0.3.7"),
		"peer host-10.0.3.7 10.0.3.7\n"
		"allow in ssh from host-10.0.3.7  # catalogue: ssh (tcp 22)");
	assert_string_equal(hint_for(&hs, IPPROTO_TCP, 60000, PC_DIR_OUT, "10.0.9.10"),
		"peer host-10.0.9.10 10.0.9.10\n"
		"allow out rpc-dynamic to host-10.0.9.10  # catalogue: rpc-dynamic (tcp 49152-65535), "
		"hybrid identity ports");
	assert_string_equal(hint_for(&hs, IPPROTO_ICMP, 8, PC_DIR_IN, "10.0.3.7"),
		"peer host-10.0.3.7 10.0.3.7\n"
		"allow in ping from host-10.0.3.7  # catalogue: ping (icmp echo-request)");
	assert_string_equal(hint_for(&hs, IPPROTO_ICMPV6, 128, PC_DIR_IN, "2001:db8::9"),
		"peer host-2001-db8--9 2001:db8::9\n"
		"allow in ping from host-2001-db8--9  # catalogue: ping (icmpv6 echo-request)");
	pc_hint_index_free(hs.h);
}

static void test_hint_most_specific(void **state)
{
	struct hints hs;
	struct pc_event e = ev("10.0.3.7", 1, "10.0.0.1", 445, PC_DIR_IN, PC_VERDICT_DENY);
	char buf[256];

	hints_build(&hs, hint_policy);
	/* exact beats ranges; the narrower range beats the wider */
	assert_non_null(strstr(hint_for(&hs, IPPROTO_TCP, 1433, PC_DIR_IN, "10.0.3.7"), " mssql "));
	assert_non_null(strstr(hint_for(&hs, IPPROTO_TCP, 1450, PC_DIR_IN, "10.0.3.7"), " narrow "));
	assert_non_null(strstr(hint_for(&hs, IPPROTO_TCP, 1501, PC_DIR_IN, "10.0.3.7"), " wide "));
	assert_non_null(strstr(hint_for(&hs, IPPROTO_TCP, 1000, PC_DIR_IN, "10.0.3.7"), " wide "));
	/* two exact services: the one defined first */
	assert_non_null(strstr(hint_for(&hs, IPPROTO_TCP, 80, PC_DIR_IN, "10.0.3.7"), " http "));
	assert_string_equal(hint_for(&hs, IPPROTO_TCP, 443, PC_DIR_IN, "10.0.3.7"),
		"peer host-10.0.3.7 10.0.3.7\n"
		"allow in ews from host-10.0.3.7  # catalogue: ews (tcp 443), server-side synchronization guide");
	/* an override replaces the service's ports */
	assert_non_null(strstr(hint_for(&hs, IPPROTO_TCP, 8080, PC_DIR_IN, "10.0.3.7"),
			       "service tcp-8080 tcp 8080"));
	assert_non_null(strstr(hint_for(&hs, IPPROTO_TCP, 8081, PC_DIR_IN, "10.0.3.7"), " old-web "));
	/* no service has it: a plain one; or nothing to judge */
	assert_string_equal(hint_for(&hs, IPPROTO_TCP, 9999, PC_DIR_IN, "10.0.3.7"),
		"service tcp-9999 tcp 9999  # not in the catalogue\n"
		"peer host-10.0.3.7 10.0.3.7\nallow in tcp-9999 from host-10.0.3.7");
	assert_string_equal(hint_for(&hs, IPPROTO_UDP, 1433, PC_DIR_OUT, "10.0.3.7"),
		"service udp-1433 udp 1433  # not in the catalogue\n"
		"peer host-10.0.3.7 10.0.3.7\nallow out udp-1433 to host-10.0.3.7");
	assert_null(hint_for(&hs, 132, 445, PC_DIR_IN, "10.0.3.7"));
	e.reason = PC_REASON_MALFORMED;
	assert_null(pc_event_hint(hs.h, &e, buf, sizeof(buf)));
	assert_null(pc_event_hint(NULL, &e, buf, sizeof(buf)));
	pc_hint_index_free(hs.h);
}

/* The shipped catalogue: its citations give the titles of the brief. */
static void test_hint_catalogue(void **state)
{
	struct pc_policy pol = { 0 };
	struct pc_hint_index *h;
	struct pc_diag d;
	struct pc_event e = ev("10.0.3.7", 1, "10.0.0.1", 445, PC_DIR_IN, PC_VERDICT_DENY);
	char buf[512];

	pc_diag_init(&d);
	assert_int_equal(pc_policy_parse_file("policies/catalogue.conf", &d, &pol), 0);
	pc_diag_free(&d);
	assert_int_equal(pc_hint_index_build(&pol, NULL, &h), 0);
	assert_string_equal(pc_event_hint(h, &e, buf, sizeof(buf)),
		"peer host-10.0.3.7 10.0.3.7\n"
		"allow in smb from host-10.0.3.7  # catalogue: smb (tcp 445), CRM 2013 connectivity paper");
	e = ev("10.0.0.1", 1, "10.0.2.5", 1433, PC_DIR_OUT, PC_VERDICT_DENY);
	assert_string_equal(pc_event_hint(h, &e, buf, sizeof(buf)),
		"peer host-10.0.2.5 10.0.2.5\n"
		"allow out mssql to host-10.0.2.5  # catalogue: mssql (tcp 1433), CRM 2013 connectivity paper");
	e.dport = 50000;
	assert_string_equal(pc_event_hint(h, &e, buf, sizeof(buf)),
		"peer host-10.0.2.5 10.0.2.5\n"
		"allow out rpc-dynamic to host-10.0.2.5  # catalogue: rpc-dynamic (tcp 49152-65535), "
		"hybrid identity ports");
	pc_hint_index_free(h);
	pc_policy_free(&pol);
	assert_null(pc_hint_source_title("not from the cited documents"));
	assert_null(pc_hint_source_title(NULL));
	assert_string_equal(pc_hint_source_title("also: Network ports for Microsoft Dynamics CRM, x"),
			    "CRM network ports");
	/* A title that only starts like a cited one is another document. */
	assert_null(pc_hint_source_title("Network ports for Microsoft Dynamics CRM 2016, x"));
	assert_string_equal(pc_hint_source_title("MPS (Microsoft Provisioning System) port lists, x"),
			    "MPS port lists");
}

/* --- the writer ----------------------------------------------------------------- */

/* What the daemon does: hint, add, flush; the line on disk is exact. */
static void test_log_lines_on_disk(void **state)
{
	char *dir = tmpdir(), path[256], *text, want[2 * PC_EVENT_LINE_MAX];
	struct pc_event_ctx c = ctx0();
	struct pc_event e4 = ev("10.0.3.7", 51234, "10.77.0.2", 445, PC_DIR_IN, PC_VERDICT_DENY);
	struct pc_event e6 = ev("2001:db8::2", 40000, "2001:db8:aa::7", 1433, PC_DIR_OUT,
				PC_VERDICT_AUDIT);
	struct pc_event_log *l = log_open(dir, 0, 0, NULL);
	struct pc_event_log_stats st;
	struct hints hs;
	char hint[512];
	struct stat sb;

	hints_build(&hs, hint_policy);
	c.hint = pc_event_hint(hs.h, &e4, hint, sizeof(hint));
	assert_int_equal(pc_event_log_add(l, &c, &e4), 0);
	strcpy(want, json_line(&c, &e4));
	c.hint = pc_event_hint(hs.h, &e6, hint, sizeof(hint));
	assert_int_equal(pc_event_log_add(l, &c, &e6), 0);
	strcat(want, json_line(&c, &e6));
	snprintf(path, sizeof(path), "%s/events.log", dir);
	text = slurp(path);
	assert_string_equal(text, "");	/* buffered until the batch ends */
	free(text);
	assert_int_equal(pc_event_log_flush(l), 0);
	text = slurp(path);
	assert_string_equal(text,
		"{\"ts\":\"2026-11-22T18:00:00.123456789Z\",\"verdict\":\"deny\","
		"\"scope\":\"interface:eth0\",\"roles\":[\"ssrs\"],\"dir\":\"in\",\"proto\":\"tcp\","
		"\"src\":\"10.0.3.7\",\"sport\":51234,\"dst\":\"10.77.0.2\",\"dport\":445,\"count\":1,"
		"\"hint\":\"peer host-10.0.3.7 10.0.3.7\\n"
		"allow in smb from host-10.0.3.7  # catalogue: smb (tcp 445), CRM 2013 "
		"connectivity paper\",\"reason\":\"no-rule\",\"hook\":\"tc-ingress\",\"family\":4}\n"
		"{\"ts\":\"2026-11-22T18:00:00.123456789Z\",\"verdict\":\"audit\","
		"\"scope\":\"interface:eth0\",\"roles\":[\"ssrs\"],\"dir\":\"out\",\"proto\":\"tcp\","
		"\"src\":\"2001:db8::2\",\"sport\":40000,\"dst\":\"2001:db8:aa::7\",\"dport\":1433,"
		"\"count\":1,\"hint\":\"peer host-2001-db8-aa--7 2001:db8:aa::7\\n"
		"allow out mssql to host-2001-db8-aa--7  # catalogue: mssql "
		"(tcp 1433), CRM 2013 connectivity paper\",\"reason\":\"no-rule\",\"hook\":\"tc-egress\","
		"\"family\":6}\n");
	assert_string_equal(text, want);
	free(text);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0640);
	pc_event_log_get_stats(l, &st);
	assert_int_equal(st.events, 2);
	assert_int_equal(st.dropped, 0);
	pc_event_log_close(l);
	pc_hint_index_free(hs.h);
	rmtree(dir);
}

/* Every rotated segment: gzip (zlib and zcat agree), 0640, at most
 * max_size uncompressed, numbered in order, lines in order, none lost. */
static void test_rotation_gzip(void **state)
{
	char *dir = tmpdir(), path[256], cmd[300], *text, *want = NULL;
	struct pc_event_ctx c = ctx0();
	struct pc_event_log *l = log_open(dir, 4096, 1 << 20, NULL);
	struct pc_event_segment *segs;
	struct pc_event_log_stats st;
	size_t n, i, wlen = 0, got_len = 0;
	FILE *w = open_memstream(&want, &wlen), *all;
	char *got = NULL;
	struct stat sb;
	unsigned k;

	for (k = 0; k < 300; k++) {
		struct pc_event e = nth(k);

		fputs(json_line(&c, &e), w);
		assert_int_equal(pc_event_log_add(l, &c, &e), 0);
		if (k % 37 == 0)
			pc_event_log_flush(l);
	}
	fclose(w);
	pc_event_log_flush(l);
	pc_event_log_sync(l);
	pc_event_log_get_stats(l, &st);
	assert_true(st.rotations >= 10);
	assert_int_equal(st.compressed, st.rotations);
	assert_int_equal(st.events, 300);

	assert_int_equal(pc_event_log_list(dir, &segs, &n), 0);
	assert_int_equal(n, st.rotations);
	all = open_memstream(&got, &got_len);
	for (i = 0; i < n; i++) {
		assert_int_equal(segs[i].seq, i + 1);
		assert_true(segs[i].gz);
		assert_false(segs[i].raw);
		snprintf(path, sizeof(path), "%s/events.log.%zu.gz", dir, i + 1);
		assert_int_equal(stat(path, &sb), 0);
		assert_int_equal(sb.st_mode & 0777, 0640);
		text = gunzip(path);
		assert_true(strlen(text) <= 4096);
		assert_true(strlen(text) > 4096 - PC_EVENT_LINE_MAX / 8);
		assert_int_equal(text[strlen(text) - 1], '\n');
		fputs(text, all);
		if (i == n / 2) {	/* zcat reads what we write */
			char *z = NULL;
			size_t zl = 0;
			FILE *zm = open_memstream(&z, &zl), *p;
			int ch;

			snprintf(cmd, sizeof(cmd), "zcat '%s'", path);
			p = popen(cmd, "r");
			assert_non_null(p);
			while ((ch = fgetc(p)) != EOF)
				fputc(ch, zm);
			assert_int_equal(pclose(p), 0);
			fclose(zm);
			assert_string_equal(z, text);
			free(z);
		}
		free(text);
	}
	snprintf(path, sizeof(path), "%s/events.log", dir);
	text = slurp(path);
	fputs(text, all);
	free(text);
	fclose(all);
	assert_string_equal(got, want);
	free(got);
	free(want);
	free(segs);
	pc_event_log_close(l);
	rmtree(dir);
}

/* The bound holds on disk; what goes is the oldest. */
static void test_disk_bound(void **state)
{
	char *dir = tmpdir(), path[256], *text, last[PC_EVENT_LINE_MAX];
	struct pc_event_ctx c = ctx0();
	const uint64_t max_total = 3 * 4096;
	char *errs = NULL;
	size_t errs_len = 0;
	FILE *err = open_memstream(&errs, &errs_len);	/* gzip may fall behind: said there */
	struct pc_event_log *l = log_open(dir, 4096, max_total, err);
	struct pc_event_segment *segs;
	struct pc_event_log_stats st;
	size_t n, i;
	unsigned k;
	int files;

	for (k = 0; k < 3000; k++) {
		struct pc_event e = nth(k);

		assert_int_equal(pc_event_log_add(l, &c, &e), 0);
		if (k % 50 == 0) {
			pc_event_log_flush(l);
			/* the gzip being written is not counted: a fraction of a segment */
			assert_true(dir_bytes(dir, &files) <= max_total + 1024);
		}
		if (k == 2999)
			strcpy(last, json_line(&c, &e));
	}
	pc_event_log_flush(l);
	pc_event_log_sync(l);
	pc_event_log_flush(l);
	assert_true(dir_bytes(dir, &files) <= max_total);
	pc_event_log_get_stats(l, &st);
	assert_true(st.deleted > 0);
	assert_true(st.disk_bytes <= max_total);
	assert_int_equal(st.disk_bytes, dir_bytes(dir, &files));
	/* the survivors are the newest segments, without a gap */
	assert_int_equal(pc_event_log_list(dir, &segs, &n), 0);
	assert_true(n >= 2);
	assert_int_equal(segs[n - 1].seq, st.rotations);
	for (i = 1; i < n; i++)
		assert_int_equal(segs[i].seq, segs[i - 1].seq + 1);
	assert_int_equal(files, (int)n + 1);
	free(segs);
	/* and the newest event is in the current file */
	snprintf(path, sizeof(path), "%s/events.log", dir);
	text = slurp(path);
	assert_non_null(strstr(text, last));
	free(text);
	pc_event_log_close(l);
	fclose(err);
	assert_true(!st.deleted_raw || strstr(errs, "faster than gzip"));
	free(errs);
	rmtree(dir);
}

/* A restart continues the numbering, compresses what was left raw, cleans
 * up a cut gzip, and ends a half-written line before the next. */
static void test_restart(void **state)
{
	char *dir = tmpdir(), path[256], *text;
	struct pc_event_ctx c = ctx0();
	struct pc_event e = nth(1);
	struct pc_event_segment *segs;
	struct pc_event_log *l;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/events.log.5", dir);
	f = fopen(path, "w");
	fputs(json_line(&c, &e), f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/events.log.3.gz.tmp", dir);
	fclose(fopen(path, "w"));
	snprintf(path, sizeof(path), "%s/events.log", dir);
	f = fopen(path, "w");
	fputs("{\"cut short", f);
	fclose(f);

	l = log_open(dir, 4096, 1 << 20, NULL);
	pc_event_log_sync(l);
	assert_int_equal(pc_event_log_add(l, &c, &e), 0);
	assert_int_equal(pc_event_log_rotate(l), 0);
	pc_event_log_close(l);

	assert_int_equal(pc_event_log_list(dir, &segs, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(segs[0].seq, 5);
	assert_true(segs[0].gz && !segs[0].raw);
	assert_int_equal(segs[1].seq, 6);
	assert_true(segs[1].gz && !segs[1].raw);
	free(segs);
	snprintf(path, sizeof(path), "%s/events.log.3.gz.tmp", dir);
	assert_int_equal(access(path, F_OK), -1);
	snprintf(path, sizeof(path), "%s/events.log.6.gz", dir);
	text = gunzip(path);
	assert_true(!strncmp(text, "{\"cut short\n{\"ts\":", 18));
	free(text);
	rmtree(dir);
}

/* A write that fails (here: RLIMIT_FSIZE, as ENOSPC would) drops and counts
 * the events, says so once, and says again when writing works again. */
static void test_write_failure(void **state)
{
	char *dir = tmpdir(), path[256], *errs = NULL, *text;
	size_t errs_len = 0;
	FILE *err = open_memstream(&errs, &errs_len);
	struct pc_event_ctx c = ctx0();
	struct pc_event_log *l = log_open(dir, 1 << 20, 4 << 20, err);
	struct pc_event_log_stats st;
	struct rlimit old, lim;
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_sa;
	unsigned k;

	getrlimit(RLIMIT_FSIZE, &old);
	sigaction(SIGXFSZ, &ign, &old_sa);
	lim = old;
	lim.rlim_cur = 1000;	/* about 5 lines */
	setrlimit(RLIMIT_FSIZE, &lim);
	for (k = 0; k < 20; k++) {
		struct pc_event e = nth(k);

		pc_event_log_add(l, &c, &e);
	}
	assert_int_not_equal(pc_event_log_flush(l), 0);
	for (k = 20; k < 30; k++) {
		struct pc_event e = nth(k);

		pc_event_log_add(l, &c, &e);
		pc_event_log_flush(l);
	}
	setrlimit(RLIMIT_FSIZE, &old);
	sigaction(SIGXFSZ, &old_sa, NULL);
	pc_event_log_get_stats(l, &st);
	assert_int_equal(st.events + st.dropped, 30);
	assert_true(st.dropped >= 24);
	{
		struct pc_event e = nth(30);

		pc_event_log_add(l, &c, &e);
		assert_int_equal(pc_event_log_flush(l), 0);
	}
	fflush(err);
	/* one message for the failure, one for the recovery */
	assert_non_null(strstr(errs, "cannot write events to"));
	assert_null(strstr(strstr(errs, "cannot write events to") + 1, "cannot write events to"));
	assert_non_null(strstr(errs, "again; "));
	/* the half line was ended: every line but that one parses */
	snprintf(path, sizeof(path), "%s/events.log", dir);
	text = slurp(path);
	{
		char *line, *save = NULL;
		unsigned good = 0, bad = 0;
		struct pc_event_rec r;

		for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
			pc_event_parse_json(line, &r) ? bad++ : good++;
		assert_true(bad <= 1);
		assert_int_equal(good, st.events + 1);
	}
	free(text);
	pc_event_log_close(l);
	fclose(err);
	free(errs);
	rmtree(dir);
}

/* Segment names: built by one function for the writer and the reader, and read back. */
static void test_segment_names(void **state)
{
	static const struct { uint64_t seq; enum pc_event_seg_form form; const char *name; } v[] = {
		{ 0, PC_EVENT_SEG_GZ, "events.log" },
		{ 1, PC_EVENT_SEG_RAW, "events.log.1" },
		{ 42, PC_EVENT_SEG_GZ, "events.log.42.gz" },
		{ UINT64_MAX, PC_EVENT_SEG_GZ_TMP, "events.log.18446744073709551615.gz.tmp" },
	};
	static const char *const not_segments[] = {
		"events.log", "events.log.", "events.log.0", "events.log.01", "events.log.3.gz.x",
		"events.log.3x", "events.log.99999999999999999999", "x.log.3", "events.log.-1",
	};
	enum pc_event_seg_form form;
	char buf[PC_EVENT_SEG_NAME_MAX], path[64];
	uint64_t seq;
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(pc_event_seg_name(buf, sizeof(buf), NULL, v[i].seq, v[i].form), 0);
		assert_string_equal(buf, v[i].name);
		if (!v[i].seq)
			continue;
		assert_int_equal(pc_event_seg_parse(buf, &seq, &form), 0);
		assert_true(seq == v[i].seq);
		assert_int_equal(form, v[i].form);
	}
	for (i = 0; i < sizeof(not_segments) / sizeof(not_segments[0]); i++)
		if (!pc_event_seg_parse(not_segments[i], &seq, &form))
			fail_msg("taken for a segment: %s", not_segments[i]);
	assert_int_equal(pc_event_seg_name(path, sizeof(path), "/var/log/portcullis", 7,
					   PC_EVENT_SEG_GZ), 0);
	assert_string_equal(path, "/var/log/portcullis/events.log.7.gz");
	assert_int_equal(pc_event_seg_name(path, sizeof(path), "/var/log/portcullis", 0,
					   PC_EVENT_SEG_RAW), 0);
	assert_string_equal(path, "/var/log/portcullis/events.log");
	assert_int_equal(pc_event_seg_name(path, 20, "/var/log/portcullis", 7, PC_EVENT_SEG_GZ),
			 -ENAMETOOLONG);
}

static void test_open_refuses_bad_bound(void **state)
{
	char *errs = NULL;
	size_t len = 0;
	FILE *err = open_memstream(&errs, &len);
	struct pc_event_log_opts o = { .dir = "/tmp/pc-never-made", .max_size = 4096,
				       .max_total = 6000, .err = err };
	struct pc_event_log *l;

	assert_int_equal(pc_event_log_open(&o, &l), -EINVAL);
	assert_null(l);
	fclose(err);
	assert_non_null(strstr(errs, "raise --log-max-total or lower --log-max-size"));
	free(errs);
	o.dir = "/proc/no/such/dir";
	o.max_total = 0;
	o.max_size = 0;
	err = open_memstream(&errs, &len);
	o.err = err;
	assert_true(pc_event_log_open(&o, &l) < 0);
	fclose(err);
	assert_non_null(strstr(errs, "give another --log-dir"));
	free(errs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_ipv4),
		cmocka_unit_test(test_json_ipv6_task_hint),
		cmocka_unit_test(test_json_unknown_scope_proto_clock),
		cmocka_unit_test(test_json_short_buffer),
		cmocka_unit_test(test_ts_against_gmtime),
		cmocka_unit_test(test_clock_follow),
		cmocka_unit_test(test_kv_line),
		cmocka_unit_test(test_parse_roundtrip_and_text),
		cmocka_unit_test(test_parse_strict),
		cmocka_unit_test(test_parse_old_line),
		cmocka_unit_test(test_kernel_fields_logged),
		cmocka_unit_test(test_roundtrip_every_kind),
		cmocka_unit_test(test_hint_in_and_out),
		cmocka_unit_test(test_hint_most_specific),
		cmocka_unit_test(test_hint_catalogue),
		cmocka_unit_test(test_log_lines_on_disk),
		cmocka_unit_test(test_rotation_gzip),
		cmocka_unit_test(test_disk_bound),
		cmocka_unit_test(test_restart),
		cmocka_unit_test(test_write_failure),
		cmocka_unit_test(test_segment_names),
		cmocka_unit_test(test_open_refuses_bad_bound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
