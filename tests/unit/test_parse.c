// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_parse.c - the policy parser: every statement, every error message,
 * includes, overrides, recovery, and the language's first example.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "policy/policy.h"
#include "portcullis.h"

/* --- helpers ---------------------------------------------------------------- */

struct run {
	struct pc_policy pol;
	struct pc_diag d;
	char *buf;
	size_t len;
	FILE *f;
	int rc;
};

static void run_open(struct run *r, bool source_lines)
{
	r->buf = NULL;
	r->len = 0;
	r->f = NULL;
	pc_diag_init(&r->d);
	r->d.no_source_lines = !source_lines;
}

static void run_buf(struct run *r, const char *text, bool source_lines)
{
	run_open(r, source_lines);
	r->rc = pc_policy_parse_buffer("t.conf", text, strlen(text), &r->d, &r->pol);
}

static void run_file(struct run *r, const char *path, bool source_lines)
{
	run_open(r, source_lines);
	r->rc = pc_policy_parse_file(path, &r->d, &r->pol);
}

/* The text of every diagnostic so far, rendered afresh from the sink. */
static const char *run_out(struct run *r)
{
	free(r->buf);
	r->buf = NULL;
	r->f = open_memstream(&r->buf, &r->len);
	assert_non_null(r->f);
	pc_diag_render_text(&r->d, r->f);
	fclose(r->f);
	return r->buf ? r->buf : "";
}

static void run_done(struct run *r)
{
	pc_policy_free(&r->pol);
	pc_diag_free(&r->d);
	free(r->buf);
}

/* TEXT must parse with no diagnostic at all. */
static void run_clean(struct run *r, const char *text)
{
	run_buf(r, text, true);
	if (r->rc || r->d.n_errors || r->d.n_warnings)
		print_error("unexpected diagnostics for:\n%s\n---\n%s", text, run_out(r));
	assert_int_equal(r->rc, 0);
	assert_int_equal(r->d.n_errors, 0);
	assert_int_equal(r->d.n_warnings, 0);
}

static const struct pc_service *svc(const struct pc_policy *p, const char *name)
{
	const struct pc_service *s = pc_policy_service(p, name);

	if (!s)
		print_error("no service '%s'\n", name);
	assert_non_null(s);
	return s;
}

static void expect_port(const struct pc_portspec *ps, int proto, int lo, int hi)
{
	assert_int_equal(ps->proto, proto);
	assert_int_equal(ps->lo, lo);
	assert_int_equal(ps->hi, hi);
}

static void expect_loc(const struct pc_loc *l, const char *file, int line, int col, int len)
{
	assert_non_null(l->file);
	assert_string_equal(l->file->path, file);
	assert_int_equal(l->line, line);
	assert_int_equal(l->col, col);
	assert_int_equal(l->len, len);
}

/* --- temp dirs -------------------------------------------------------------- */

static char *tmpdir_new(void)
{
	char *d = strdup("/tmp/pc_parse_XXXXXX");

	assert_non_null(d);
	assert_non_null(mkdtemp(d));
	return d;
}

static char *path_in(const char *dir, const char *rel)
{
	char *p;

	assert_true(asprintf(&p, "%s/%s", dir, rel) > 0);
	return p;
}

/* Write DIR/REL, making its parent directories. */
static void write_file(const char *dir, const char *rel, const char *text)
{
	char *p = path_in(dir, rel), *s;
	FILE *f;

	for (s = p + strlen(dir) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		mkdir(p, 0700);
		*s = '/';
	}
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(p);
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(p);
}

static void tmpdir_free(char *d)
{
	nftw(d, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(d);
}

/* --- the language's first example ------------------------------------------ */

/* The example the language was first specified with, verbatim. */
static const char spec_example[] =
"# comments run from '#' to the end of the line\n"
"include \"catalogue.conf\"                 # relative to the including file; globs allowed, expanded in sorted order\n"
"include \"roles/*.conf\"\n"
"\n"
"service http        tcp 80               \"HTTP\"\n"
"service dns         tcp 53, udp 53       \"DNS name resolution\"\n"
"service netbios     udp 137-138, tcp 139\n"
"service rpc-dynamic tcp 49152-65535      \"RPC dynamic ports\"\n"
"service ping        icmp echo-request, icmpv6 echo-request\n"
"\n"
"peer crm-frontend   10.0.1.10, 10.0.1.11, fd00:1::/64\n"
"peer sql-server     10.0.2.5\n"
"peer servers        crm-frontend, sql-server       # a peer may name other peers\n"
"# 'any' is built in: 0.0.0.0/0 and ::/0\n"
"\n"
"role ssrs {\n"
"    allow in  http, https  from crm-frontend       # CRM report viewer -> SSRS web service\n"
"    allow out crm-sdk      to   crm-frontend       # Fetch reporting extension -> crmsdklistener\n"
"    allow out mssql        to   sql-server\n"
"    use ad-member                                  # every rule of another role\n"
"}\n"
"\n"
"override service crm-web tcp 5556        # this site moved the CRM web port\n"
"\n"
"mode enforce                             # default for every attachment: audit or enforce\n"
"attach interface eth0 role ssrs                                  # TC hooks, whole host\n"
"attach cgroup /system.slice/nginx.service role crm-proxy mode audit   # cgroup hooks, one service\n"
"failsafe off                             # only with this line may the failsafe be dropped\n";

static void test_spec_example(void **state)
{
	char *dir = tmpdir_new(), *main_conf = path_in(dir, "portcullis.conf");
	const struct pc_peer *peer;
	const struct pc_role *role;
	const struct pc_service *s;
	struct run r;
	static const uint8_t fd00[16] = { 0xfd, 0x00, 0x00, 0x01 };

	write_file(dir, "catalogue.conf",
		   "# Source: test catalogue\n"
		   "service https   tcp 443 \"HTTPS\"\n"
		   "service crm-web tcp 5555 \"CRM web\"\n"
		   "service crm-sdk tcp 808\n"
		   "service mssql   tcp 1433\n");
	write_file(dir, "roles/ad-member.conf", "role ad-member {\n    allow out dns\n}\n");
	write_file(dir, "roles/crm-proxy.conf", "role crm-proxy {\n    allow in https\n}\n");
	write_file(dir, "portcullis.conf", spec_example);

	run_file(&r, main_conf, true);
	if (r.d.n_errors || r.d.n_warnings)
		print_error("%s", run_out(&r));
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.d.n_errors, 0);
	assert_int_equal(r.d.n_warnings, 0);
	assert_int_equal(r.pol.n_files, 4);
	assert_int_equal(r.pol.n_services, 10);
	assert_int_equal(r.pol.n_peers, 3);
	assert_int_equal(r.pol.n_roles, 3);
	assert_int_equal(r.pol.n_attaches, 2);

	/* Includes are expanded in place: the catalogue comes first. */
	assert_string_equal(r.pol.services[0].name, "https");
	assert_string_equal(r.pol.services[0].source, "Source: test catalogue");
	assert_string_equal(r.pol.roles[0].name, "ad-member");
	assert_string_equal(r.pol.roles[1].name, "crm-proxy");

	s = svc(&r.pol, "http");
	assert_string_equal(s->desc, "HTTP");
	assert_int_equal(s->n_ports, 1);
	expect_port(&s->ports[0], IPPROTO_TCP, 80, 80);
	assert_null(s->source);	/* a blank line above it */
	assert_false(s->override);
	s = svc(&r.pol, "dns");
	assert_int_equal(s->n_ports, 2);
	expect_port(&s->ports[0], IPPROTO_TCP, 53, 53);
	expect_port(&s->ports[1], IPPROTO_UDP, 53, 53);
	assert_string_equal(s->desc, "DNS name resolution");
	s = svc(&r.pol, "netbios");
	assert_null(s->desc);
	expect_port(&s->ports[0], IPPROTO_UDP, 137, 138);
	expect_port(&s->ports[1], IPPROTO_TCP, 139, 139);
	s = svc(&r.pol, "rpc-dynamic");
	expect_port(&s->ports[0], IPPROTO_TCP, 49152, 65535);
	s = svc(&r.pol, "ping");
	expect_port(&s->ports[0], IPPROTO_ICMP, 8, 8);
	expect_port(&s->ports[1], IPPROTO_ICMPV6, 128, 128);

	/* The override wins the lookup; the original stays in the list. */
	s = svc(&r.pol, "crm-web");
	assert_true(s->override);
	expect_port(&s->ports[0], IPPROTO_TCP, 5556, 5556);
	assert_string_equal(s->source, "this site moved the CRM web port");
	assert_string_equal(r.pol.services[1].name, "crm-web");
	assert_false(r.pol.services[1].override);

	peer = pc_policy_peer(&r.pol, "crm-frontend");
	assert_non_null(peer);
	assert_int_equal(peer->n_items, 3);
	assert_false(peer->items[0].is_name);
	assert_int_equal(peer->items[0].family, 4);
	assert_int_equal(peer->items[0].plen, 32);
	assert_memory_equal(peer->items[0].addr, ((uint8_t[]){ 10, 0, 1, 10 }), 4);
	assert_int_equal(peer->items[2].family, 6);
	assert_int_equal(peer->items[2].plen, 64);
	assert_memory_equal(peer->items[2].addr, fd00, 16);
	peer = pc_policy_peer(&r.pol, "servers");
	assert_int_equal(peer->n_items, 2);
	assert_true(peer->items[0].is_name);
	assert_string_equal(peer->items[0].name, "crm-frontend");
	assert_string_equal(peer->items[1].name, "sql-server");

	role = pc_policy_role(&r.pol, "ssrs");
	assert_non_null(role);
	assert_int_equal(role->n_rules, 4);
	assert_int_equal(role->rules[0].kind, PC_RULE_ALLOW);
	assert_int_equal(role->rules[0].dir, PC_DIR_IN);
	assert_int_equal(role->rules[0].n_services, 2);
	assert_string_equal(role->rules[0].services[0].name, "http");
	assert_string_equal(role->rules[0].services[1].name, "https");
	assert_string_equal(role->rules[0].peer.name, "crm-frontend");
	expect_loc(&role->rules[0].loc, main_conf, 17, 5, 5);
	expect_loc(&role->rules[0].services[1].loc, main_conf, 17, 21, 5);
	expect_loc(&role->rules[0].peer.loc, main_conf, 17, 33, 12);
	assert_int_equal(role->rules[1].dir, PC_DIR_OUT);
	assert_string_equal(role->rules[1].services[0].name, "crm-sdk");
	assert_string_equal(role->rules[2].peer.name, "sql-server");
	assert_int_equal(role->rules[3].kind, PC_RULE_USE);
	assert_string_equal(role->rules[3].role.name, "ad-member");
	expect_loc(&role->rules[3].role.loc, main_conf, 20, 9, 9);

	assert_int_equal(r.pol.mode, PC_MODE_ENFORCE);
	expect_loc(&r.pol.mode_loc, main_conf, 25, 1, 4);
	assert_int_equal(r.pol.attaches[0].kind, PC_ATTACH_IFACE);
	assert_string_equal(r.pol.attaches[0].target.name, "eth0");
	assert_int_equal(r.pol.attaches[0].n_roles, 1);
	assert_string_equal(r.pol.attaches[0].roles[0].name, "ssrs");
	assert_int_equal(r.pol.attaches[0].mode, -1);
	assert_int_equal(r.pol.attaches[1].kind, PC_ATTACH_CGROUP);
	assert_string_equal(r.pol.attaches[1].target.name, "/system.slice/nginx.service");
	assert_string_equal(r.pol.attaches[1].roles[0].name, "crm-proxy");
	assert_int_equal(r.pol.attaches[1].mode, PC_MODE_AUDIT);
	assert_false(r.pol.failsafe);
	expect_loc(&r.pol.failsafe_loc, main_conf, 28, 1, 8);

	run_done(&r);
	free(main_conf);
	tmpdir_free(dir);
}

/* --- statements --------------------------------------------------------------- */

static void test_defaults(void **state)
{
	struct run r;

	run_clean(&r, "");
	assert_int_equal(r.pol.mode, -1);
	assert_true(r.pol.failsafe);
	assert_null(r.pol.failsafe_loc.file);
	assert_null(r.pol.mode_loc.file);
	assert_int_equal(r.pol.n_files, 1);
	assert_null(pc_policy_service(&r.pol, "x"));
	assert_null(pc_policy_peer(&r.pol, "x"));
	assert_null(pc_policy_role(&r.pol, "x"));
	run_done(&r);

	run_clean(&r, "\n\n# only a comment\n   \n");
	run_done(&r);
}

static void test_service_forms(void **state)
{
	const struct pc_service *s;
	struct run r;

	run_clean(&r,
		  "service web tcp 80, 443, 8000-8080 \"web \\\"ports\\\"\"\n"
		  "service mixed udp 1, tcp 2, 3, icmp 0, echo-request, icmpv6 packet-too-big, 135\n"
		  "service all-icmp icmp destination-unreachable, time-exceeded, echo-reply, 255\n"
		  "service nd icmpv6 neighbor-solicitation, neighbor-advertisement, echo-reply\n"
		  "service edge tcp 1, 65535, 1-65535\n");
	s = svc(&r.pol, "web");
	assert_int_equal(s->n_ports, 3);
	expect_port(&s->ports[1], IPPROTO_TCP, 443, 443);	/* the protocol carries on */
	expect_port(&s->ports[2], IPPROTO_TCP, 8000, 8080);
	assert_string_equal(s->desc, "web \"ports\"");
	expect_loc(&s->loc, "t.conf", 1, 1, 7);
	expect_loc(&s->ports[0].loc, "t.conf", 1, 17, 2);
	expect_loc(&s->ports[2].loc, "t.conf", 1, 26, 9);
	s = svc(&r.pol, "mixed");
	assert_int_equal(s->n_ports, 7);
	expect_port(&s->ports[0], IPPROTO_UDP, 1, 1);
	expect_port(&s->ports[1], IPPROTO_TCP, 2, 2);
	expect_port(&s->ports[2], IPPROTO_TCP, 3, 3);
	expect_port(&s->ports[3], IPPROTO_ICMP, 0, 0);
	expect_port(&s->ports[4], IPPROTO_ICMP, 8, 8);
	expect_port(&s->ports[5], IPPROTO_ICMPV6, 2, 2);
	expect_port(&s->ports[6], IPPROTO_ICMPV6, 135, 135);
	s = svc(&r.pol, "all-icmp");
	expect_port(&s->ports[0], IPPROTO_ICMP, 3, 3);
	expect_port(&s->ports[1], IPPROTO_ICMP, 11, 11);
	expect_port(&s->ports[2], IPPROTO_ICMP, 0, 0);
	expect_port(&s->ports[3], IPPROTO_ICMP, 255, 255);
	s = svc(&r.pol, "nd");
	expect_port(&s->ports[0], IPPROTO_ICMPV6, 135, 135);
	expect_port(&s->ports[1], IPPROTO_ICMPV6, 136, 136);
	expect_port(&s->ports[2], IPPROTO_ICMPV6, 129, 129);
	s = svc(&r.pol, "edge");
	expect_port(&s->ports[2], IPPROTO_TCP, 1, 65535);
	run_done(&r);
}

/* 'source': the comment lines right above, else the comment ending the
 * line, else nothing. */
static void test_source_citations(void **state)
{
	struct run r;

	run_clean(&r,
		  "# Source: 000.txt, table 1\n"
		  "#   row TCP 80   \n"
		  "service a tcp 1   # ignored: the block above wins\n"
		  "service b tcp 2   #  trailing cite \n"
		  "service c tcp 3\n"
		  "# far away\n"
		  "\n"
		  "service d tcp 4\n"
		  "##  double hash\n"
		  "#\n"
		  "override service d tcp 5\n"
		  "# role cite\n"
		  "role r {   # not this\n"
		  "    # rule comments are not the role's\n"
		  "    allow in a\n"
		  "}\n"
		  "role s {   # header cite\n"
		  "}\n"
		  "role t { use r }   # one-liner cite\n"
		  "role u {\n"
		  "}\n");
	assert_string_equal(r.pol.services[0].source, "Source: 000.txt, table 1 row TCP 80");
	assert_string_equal(r.pol.services[1].source, "trailing cite");
	assert_null(r.pol.services[2].source);
	assert_null(r.pol.services[3].source);
	assert_string_equal(r.pol.services[4].source, "double hash");
	assert_string_equal(pc_policy_role(&r.pol, "r")->source, "role cite");
	assert_string_equal(pc_policy_role(&r.pol, "s")->source, "header cite");
	assert_string_equal(pc_policy_role(&r.pol, "t")->source, "one-liner cite");
	assert_null(pc_policy_role(&r.pol, "u")->source);
	run_done(&r);
}

static void test_peer_forms(void **state)
{
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	const struct pc_peer *p;
	struct run r;

	run_clean(&r,
		  "peer a 192.0.2.1, 192.0.2.0/24, 0.0.0.0/0, 2001:db8::1, 2001:db8::/32, ::/0, any, b\n"
		  "peer b 10.0.0.0/8\n");
	p = pc_policy_peer(&r.pol, "a");
	assert_non_null(p);
	assert_int_equal(p->n_items, 8);
	assert_int_equal(p->items[0].plen, 32);
	assert_int_equal(p->items[1].plen, 24);
	assert_memory_equal(p->items[1].addr, ((uint8_t[]){ 192, 0, 2, 0 }), 4);
	assert_int_equal(p->items[2].plen, 0);
	assert_int_equal(p->items[3].family, 6);
	assert_int_equal(p->items[3].plen, 128);
	assert_memory_equal(p->items[3].addr, v6, 16);
	assert_int_equal(p->items[4].plen, 32);
	assert_int_equal(p->items[5].plen, 0);
	assert_true(p->items[6].is_name);
	assert_string_equal(p->items[6].name, "any");
	assert_string_equal(p->items[7].name, "b");
	expect_loc(&p->items[1].loc, "t.conf", 1, 19, 12);
	assert_false(p->override);
	run_done(&r);
}

static void test_role_forms(void **state)
{
	const struct pc_role *role;
	struct run r;

	run_clean(&r,
		  "role empty { }\n"
		  "role one { allow out dns }\n"
		  "role multi {\n"
		  "\n"
		  "    allow in a,b , c\n"
		  "    allow out d to any\n"
		  "    use one\n"
		  "    use empty }\n");
	role = pc_policy_role(&r.pol, "empty");
	assert_int_equal(role->n_rules, 0);
	role = pc_policy_role(&r.pol, "one");
	assert_int_equal(role->n_rules, 1);
	assert_null(role->rules[0].peer.name);	/* no 'to': any */
	role = pc_policy_role(&r.pol, "multi");
	expect_loc(&role->loc, "t.conf", 3, 1, 4);
	assert_int_equal(role->n_rules, 4);
	assert_int_equal(role->rules[0].n_services, 3);
	assert_string_equal(role->rules[0].services[2].name, "c");
	assert_string_equal(role->rules[1].peer.name, "any");
	assert_string_equal(role->rules[3].role.name, "empty");
	run_done(&r);
}

static void test_attach_forms(void **state)
{
	struct run r;

	run_clean(&r,
		  "attach interface eth0 role a, b mode enforce\n"
		  "attach interface \"wlp2s0\" role a\n"
		  "attach cgroup \"/system.slice/my app.service\" role a mode audit\n"
		  "attach cgroup /system.slice/getty@tty1.service role b\n"
		  "mode audit\n"
		  "failsafe on\n");
	assert_int_equal(r.pol.n_attaches, 4);
	assert_int_equal(r.pol.attaches[0].n_roles, 2);
	assert_string_equal(r.pol.attaches[0].roles[1].name, "b");
	assert_int_equal(r.pol.attaches[0].mode, PC_MODE_ENFORCE);
	expect_loc(&r.pol.attaches[0].loc, "t.conf", 1, 1, 6);
	expect_loc(&r.pol.attaches[0].target.loc, "t.conf", 1, 18, 4);
	assert_string_equal(r.pol.attaches[1].target.name, "wlp2s0");
	assert_string_equal(r.pol.attaches[2].target.name, "/system.slice/my app.service");
	assert_int_equal(r.pol.attaches[2].mode, PC_MODE_AUDIT);
	assert_string_equal(r.pol.attaches[3].target.name, "/system.slice/getty@tty1.service");
	assert_int_equal(r.pol.mode, PC_MODE_AUDIT);
	assert_true(r.pol.failsafe);
	expect_loc(&r.pol.failsafe_loc, "t.conf", 6, 1, 8);
	run_done(&r);
}

static void test_overrides(void **state)
{
	const struct pc_peer *p;
	struct run r;

	run_clean(&r,
		  "service web tcp 80\n"
		  "peer db 10.0.0.1\n"
		  "override service web tcp 8080\n"
		  "override peer db 10.0.0.2\n"
		  "override service web tcp 8081\n");
	assert_int_equal(r.pol.n_services, 3);
	expect_port(&svc(&r.pol, "web")->ports[0], IPPROTO_TCP, 8081, 8081);
	assert_true(svc(&r.pol, "web")->override);
	expect_loc(&svc(&r.pol, "web")->loc, "t.conf", 5, 1, 8);
	p = pc_policy_peer(&r.pol, "db");
	assert_true(p->override);
	assert_memory_equal(p->items[0].addr, ((uint8_t[]){ 10, 0, 0, 2 }), 4);
	assert_int_equal(r.pol.n_peers, 2);
	run_done(&r);
}

/* --- error messages ------------------------------------------------------------- */

struct err_case {
	const char *in;
	const char *out;
};

static const struct err_case err_cases[] = {
	/* statements */
	{ "serivce http tcp 80\n",
	  "t.conf:1:1: error: unknown statement 'serivce'; did you mean 'service'?\n" },
	{ "frobnicate x\n", "t.conf:1:1: error: unknown statement 'frobnicate'\n" },
	{ "\"x\" y\n", "t.conf:1:1: error: expected a statement, got \"x\"\n" },
	{ ", x\n", "t.conf:1:1: error: expected a statement, got ','\n" },
	{ "}\n", "t.conf:1:1: error: unmatched '}'\n" },
	{ "allow in a\n",
	  "t.conf:1:1: error: 'allow' is a rule: it belongs in a role body ('role NAME { ... }')\n" },
	{ "  use r\n",
	  "t.conf:1:3: error: 'use' is a rule: it belongs in a role body ('role NAME { ... }')\n" },
	/* service */
	{ "service http tcp 0\n", "t.conf:1:18: error: port 0 is out of range (1-65535)\n" },
	{ "service a tcp 80-70000\n", "t.conf:1:18: error: port 70000 is out of range (1-65535)\n" },
	{ "service a tcp 99999999999999999999\n",
	  "t.conf:1:15: error: port 99999999999999999999 is out of range (1-65535)\n" },
	{ "service a tcp 81-80\n",
	  "t.conf:1:15: error: port range 81-80 is reversed; did you mean 80-81?\n" },
	{ "service a tcp http\n",
	  "t.conf:1:15: error: invalid port 'http': expected a number 1-65535 or a range N-M\n" },
	{ "service a tcp 80-\n",
	  "t.conf:1:15: error: invalid port '80-': expected a number 1-65535 or a range N-M\n" },
	{ "service a tcp 1-2-3\n",
	  "t.conf:1:15: error: invalid port '1-2-3': expected a number 1-65535 or a range N-M\n" },
	{ "service a tpc 80\n", "t.conf:1:11: error: unknown protocol 'tpc'; did you mean 'tcp'?\n" },
	{ "service a tcp 80, tpc 81\n",
	  "t.conf:1:19: error: unknown protocol 'tpc'; did you mean 'tcp'?\n" },
	{ "service a sctp 80\n", "t.conf:1:11: error: unknown protocol 'sctp'\n" },
	{ "service a 80\n",
	  "t.conf:1:11: error: missing protocol before '80': write 'tcp 80' or 'udp 80'\n" },
	{ "service a\n",
	  "t.conf:1:10: error: expected a protocol (tcp, udp, icmp or icmpv6), got end of line\n" },
	{ "service a \"d\"\n",
	  "t.conf:1:11: error: expected a protocol (tcp, udp, icmp or icmpv6), got \"d\"\n" },
	{ "service tcp 80\n", "t.conf:1:9: error: missing service name before 'tcp'\n" },
	{ "service\n", "t.conf:1:8: error: expected a service name after 'service', got end of line\n" },
	{ "service 9x tcp 1\n",
	  "t.conf:1:9: error: invalid service name '9x': a name starts with a letter and holds letters, digits, '-', '_' and '.'\n" },
	{ "service a tcp\n",
	  "t.conf:1:14: error: expected a port or port range after 'tcp', got end of line\n" },
	{ "service a tcp 80,\n",
	  "t.conf:1:18: error: expected a port or port range after 'tcp', got end of line\n" },
	{ "service a icmp\n",
	  "t.conf:1:15: error: expected an ICMP type after 'icmp', got end of line\n" },
	{ "service a tcp 80 443\n",
	  "t.conf:1:18: error: expected ',', a description or end of line, got '443'\n" },
	{ "service a tcp 80 \"d\" x\n",
	  "t.conf:1:22: error: expected end of line after the description, got 'x'\n" },
	{ "service a icmp packet-too-big\n",
	  "t.conf:1:16: error: 'packet-too-big' is an icmpv6 type, not an icmp type\n" },
	{ "service a icmpv6 source-quench\n",
	  "t.conf:1:18: error: 'source-quench' is an icmp type, not an icmpv6 type\n" },
	{ "service a icmpv6 echo-requst\n",
	  "t.conf:1:18: error: unknown icmpv6 type 'echo-requst'; did you mean 'echo-request'?\n" },
	{ "service a icmp 256\n", "t.conf:1:16: error: icmp type 256 is out of range (0-255)\n" },
	{ "service a icmp frob\n",
	  "t.conf:1:16: error: unknown icmp type 'frob': expected a number 0-255 or a name like 'echo-request'\n" },
	{ "service a tcp 1\nservice a udp 2\n",
	  "t.conf:2:9: error: service 'a' redefined\n"
	  "t.conf:1:1: note: first defined here; 'override service a ...' replaces it on purpose\n" },
	{ "override service a tcp 1\n",
	  "t.conf:1:18: error: override of undefined service 'a': an override must follow the definition it replaces\n" },
	{ "service abc tcp 1\noverride service abd tcp 2\n",
	  "t.conf:2:18: error: override of undefined service 'abd'; did you mean 'abc'?\n" },
	{ "override role x\n",
	  "t.conf:1:10: error: roles cannot be overridden: define a new role and attach it instead\n" },
	{ "override servce a\n",
	  "t.conf:1:10: error: unknown override kind 'servce'; did you mean 'service'?\n" },
	{ "override\n",
	  "t.conf:1:9: error: expected 'service' or 'peer' after 'override', got end of line\n" },
	/* peer */
	{ "peer lan 10.0.1.5/24\n",
	  "t.conf:1:10: error: 10.0.1.5/24 has host bits set; did you mean 10.0.1.0/24?\n" },
	{ "peer lan fd00:1::1/64\n",
	  "t.conf:1:10: error: fd00:1::1/64 has host bits set; did you mean fd00:1::/64?\n" },
	{ "peer lan 10.0.0.128/25, 10.0.0.129/25\n",
	  "t.conf:1:25: error: 10.0.0.129/25 has host bits set; did you mean 10.0.0.128/25?\n" },
	{ "peer lan 10.0.0.0/33\n",
	  "t.conf:1:18: error: invalid prefix length '/33': IPv4 takes 0-32\n" },
	{ "peer lan ::/129\n", "t.conf:1:12: error: invalid prefix length '/129': IPv6 takes 0-128\n" },
	{ "peer lan 10.0.0.0/\n", "t.conf:1:18: error: invalid prefix length '/': IPv4 takes 0-32\n" },
	{ "peer lan 10.0.1\n", "t.conf:1:10: error: invalid IPv4 address '10.0.1'\n" },
	{ "peer lan 10.0.0.256/8\n", "t.conf:1:10: error: invalid IPv4 address '10.0.0.256'\n" },
	{ "peer lan fd00::g\n", "t.conf:1:10: error: invalid IPv6 address 'fd00::g'\n" },
	{ "peer 10.0.0.1\n", "t.conf:1:6: error: missing peer name before '10.0.0.1'\n" },
	{ "peer any 10.0.0.1\n",
	  "t.conf:1:6: error: peer 'any' is built in (0.0.0.0/0 and ::/0) and cannot be redefined\n" },
	{ "override peer any 10.0.0.1\n",
	  "t.conf:1:15: error: peer 'any' is built in (0.0.0.0/0 and ::/0) and cannot be overridden\n" },
	{ "peer lan\n",
	  "t.conf:1:9: error: expected an address, a prefix or a peer name, got end of line\n" },
	{ "peer lan 10.0.0.1,\n",
	  "t.conf:1:19: error: expected an address, a prefix or a peer name, got end of line\n" },
	{ "peer lan a b\n", "t.conf:1:12: error: expected ',' or end of line, got 'b'\n" },
	{ "peer lan a/b\n", "t.conf:1:10: error: invalid peer name 'a/b'\n" },
	{ "peer a 10.0.0.1\npeer a 10.0.0.2\n",
	  "t.conf:2:6: error: peer 'a' redefined\n"
	  "t.conf:1:1: note: first defined here; 'override peer a ...' replaces it on purpose\n" },
	{ "override peer lan 10.0.0.1\n",
	  "t.conf:1:15: error: override of undefined peer 'lan': an override must follow the definition it replaces\n" },
	/* role */
	{ "role r {\n  alow in a\n}\n",
	  "t.conf:2:3: error: unknown rule 'alow'; did you mean 'allow'?\n" },
	{ "role r {\n  allow inn a\n}\n",
	  "t.conf:2:9: error: unknown direction 'inn'; did you mean 'in'?\n" },
	{ "role r {\n  allow\n}\n",
	  "t.conf:2:8: error: expected 'in' or 'out' after 'allow', got end of line\n" },
	{ "role r {\n  allow in from x\n}\n",
	  "t.conf:2:12: error: expected a service name, got 'from'\n" },
	{ "role r {\n  allow in a to x\n}\n",
	  "t.conf:2:14: error: 'to' cannot follow 'allow in'; did you mean 'from'?\n" },
	{ "role r {\n  allow out a from x\n}\n",
	  "t.conf:2:15: error: 'from' cannot follow 'allow out'; did you mean 'to'?\n" },
	{ "role r {\n  allow in a from 10.0.0.1\n}\n",
	  "t.conf:2:19: error: a rule names a peer, not an address: define 'peer NAME 10.0.0.1' and write 'from NAME'\n" },
	{ "role r {\n  allow in a from p, q\n}\n",
	  "t.conf:2:20: error: a rule names one peer; define a peer that names the others: 'peer NAME p, ...'\n" },
	{ "role r {\n  allow in a from\n}\n",
	  "t.conf:2:18: error: expected a peer name, got end of line\n" },
	{ "role r {\n  allow in a b\n}\n",
	  "t.conf:2:14: error: expected ',', 'from' or end of line, got 'b'\n" },
	{ "role r {\n  allow out a b\n}\n",
	  "t.conf:2:15: error: expected ',', 'to' or end of line, got 'b'\n" },
	{ "role r {\n  allow in a,\n}\n",
	  "t.conf:2:14: error: expected a service name, got end of line\n" },
	{ "role r {\n  allow in 9a\n}\n", "t.conf:2:12: error: invalid service name '9a'\n" },
	{ "role r {\n  use x, y\n}\n",
	  "t.conf:2:8: error: 'use' takes one role; write one 'use' line per role\n" },
	{ "role r {\n  , x\n}\n",
	  "t.conf:2:3: error: expected a rule ('allow' or 'use'), got ','\n" },
	{ "role r {\n  use\n}\n",
	  "t.conf:2:6: error: expected a role name after 'use', got end of line\n" },
	{ "role r {\n  use x y\n}\n",
	  "t.conf:2:9: error: expected end of line or '}', got 'y'\n" },
	{ "role r\n", "t.conf:1:7: error: expected '{' after the role name, got end of line\n" },
	{ "role r { } x\n", "t.conf:1:12: error: expected end of line, got 'x'\n" },
	{ "role {\n  allow in a\n}\n",
	  "t.conf:1:6: error: expected a role name after 'role', got '{'\n" },
	{ "role r {\nservice a tcp 1\n",
	  "t.conf:2:1: error: missing '}' before 'service'\n"
	  "t.conf:1:8: note: role 'r' opened here\n" },
	{ "role r {\n  allow in a\n",
	  "t.conf:2:13: error: missing '}' at end of file\n"
	  "t.conf:1:8: note: role 'r' opened here\n" },
	{ "role r { }\nrole r { }\n",
	  "t.conf:2:6: error: role 'r' redefined\n"
	  "t.conf:1:1: note: first defined here\n" },
	/* mode, failsafe */
	{ "mode enforcing\n", "t.conf:1:6: error: unknown mode 'enforcing'; did you mean 'enforce'?\n" },
	{ "mode\n", "t.conf:1:5: error: expected 'audit' or 'enforce', got end of line\n" },
	{ "mode audit x\n", "t.conf:1:12: error: expected end of line, got 'x'\n" },
	{ "mode audit\nmode enforce\n",
	  "t.conf:2:1: error: 'mode enforce' contradicts an earlier 'mode'\n"
	  "t.conf:1:1: note: 'mode' first set here\n" },
	{ "failsafe of\n",
	  "t.conf:1:10: error: unknown failsafe setting 'of'; did you mean 'off'?\n" },
	{ "failsafe\n", "t.conf:1:9: error: expected 'on' or 'off' after 'failsafe', got end of line\n" },
	{ "failsafe off\nfailsafe on\n",
	  "t.conf:2:1: error: 'failsafe on' contradicts an earlier 'failsafe'\n"
	  "t.conf:1:1: note: 'failsafe' first set here\n" },
	/* attach */
	{ "attach interface eth0.* role s\n",
	  "t.conf:1:18: error: interface name 'eth0.*' is a pattern; attach each interface by name\n" },
	{ "attach interface averyveryverylongname role s\n",
	  "t.conf:1:18: error: interface name 'averyveryverylongname' is longer than 15 characters\n" },
	{ "attach interface .. role s\n", "t.conf:1:18: error: interface name '..' is not a valid name\n" },
	{ "attach interface \"a b\" role s\n",
	  "t.conf:1:18: error: interface name 'a b' holds '/', ':' or a blank\n" },
	{ "attach interface eth0 roles s\n",
	  "t.conf:1:23: error: unknown keyword 'roles'; did you mean 'role'?\n" },
	{ "attach interface eth0\n",
	  "t.conf:1:22: error: expected 'role' and the roles to attach, got end of line\n" },
	{ "attach cgroup system.slice role s\n",
	  "t.conf:1:15: error: cgroup path 'system.slice' must start with '/'; did you mean '/system.slice'?\n" },
	{ "attach cgroup\n", "t.conf:1:14: error: expected a cgroup path, got end of line\n" },
	{ "attach foo eth0\n", "t.conf:1:8: error: unknown attachment 'foo'\n" },
	{ "attach interfce eth0\n",
	  "t.conf:1:8: error: unknown attachment 'interfce'; did you mean 'interface'?\n" },
	{ "attach\n", "t.conf:1:7: error: expected 'interface' or 'cgroup' after 'attach', got end of line\n" },
	{ "attach interface eth0 role\n",
	  "t.conf:1:27: error: expected a role name, got end of line\n" },
	{ "attach interface eth0 role 9x\n", "t.conf:1:28: error: invalid role name '9x'\n" },
	{ "attach interface eth0 role a b\n",
	  "t.conf:1:30: error: expected ',', 'mode' or end of line, got 'b'\n" },
	{ "attach interface eth0 role a mode x\n", "t.conf:1:35: error: unknown mode 'x'\n" },
	/* include */
	{ "include\n", "t.conf:1:8: error: expected a file name after 'include', got end of line\n" },
	{ "include \"a\" b\n", "t.conf:1:13: error: expected end of line after the file name, got 'b'\n" },
	{ "include \"\"\n", "t.conf:1:9: error: empty file name\n" },
	/* lexical errors reach the same stream */
	{ "service a tcp 1 \"HTTP\n", "t.conf:1:17: error: unterminated string\n" },
	{ "service a tcp 1; \n", "t.conf:1:16: error: stray character ';'\n" },
};

static void test_error_messages(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(err_cases) / sizeof(err_cases[0]); i++) {
		const struct err_case *c = &err_cases[i];
		struct run r;

		run_buf(&r, c->in, false);
		if (strcmp(run_out(&r), c->out))
			print_error("case %zu: input:\n%s--- expected:\n%s--- got:\n%s", i,
				    c->in, c->out, run_out(&r));
		assert_string_equal(run_out(&r), c->out);
		assert_int_equal(r.rc, -EINVAL);
		run_done(&r);
	}
}

/* The full nft-style shape once: message, source line, carets. */
static void test_error_with_source_line(void **state)
{
	struct run r;

	run_buf(&r, "role ssrs {\n\tallow in  htps,  http  from crm-frontend\n\tallow out x from y\n}\n",
		true);
	assert_string_equal(run_out(&r),
		"t.conf:3:14: error: 'from' cannot follow 'allow out'; did you mean 'to'?\n"
		"\tallow out x from y\n"
		"\t            ^~~~\n");
	run_done(&r);
}

static void test_repeat_is_warning(void **state)
{
	struct run r;

	run_buf(&r, "mode audit\nmode audit\nfailsafe on\nfailsafe on\n", false);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.d.n_errors, 0);
	assert_int_equal(r.d.n_warnings, 2);
	assert_string_equal(run_out(&r),
		"t.conf:2:1: warning: 'mode audit' repeated\n"
		"t.conf:1:1: note: 'mode' first set here\n"
		"t.conf:4:1: warning: 'failsafe on' repeated\n"
		"t.conf:3:1: note: 'failsafe' first set here\n");
	run_done(&r);
}

/* --- recovery --------------------------------------------------------------------- */

/* Five different mistakes: exactly five errors, each where it is, and
 * what is right around them still parsed. */
static void test_five_mistakes(void **state)
{
	struct run r;

	run_buf(&r,
		"serivce http tcp 80\n"
		"service https tcp 0\n"
		"service ok tcp 1\n"
		"peer lan 10.0.1.5/24\n"
		"role web {\n"
		"\tallow out http from lan\n"
		"\tallow in ok\n"
		"}\n"
		"mode enforcing\n"
		"attach cgroup system.slice role web\n"
		"failsafe off\n",
		false);
	assert_string_equal(run_out(&r),
		"t.conf:1:1: error: unknown statement 'serivce'; did you mean 'service'?\n"
		"t.conf:2:19: error: port 0 is out of range (1-65535)\n"
		"t.conf:4:10: error: 10.0.1.5/24 has host bits set; did you mean 10.0.1.0/24?\n"
		"t.conf:6:17: error: 'from' cannot follow 'allow out'; did you mean 'to'?\n"
		"t.conf:9:6: error: unknown mode 'enforcing'; did you mean 'enforce'?\n"
		"t.conf:10:15: error: cgroup path 'system.slice' must start with '/'; did you mean '/system.slice'?\n");
	assert_int_equal(r.d.n_errors, 6);
	assert_int_equal(r.rc, -EINVAL);
	/* Definitions whose name parsed are kept, so later stages do not
	 * cascade "unknown service"; the rest of the file still counts. */
	assert_non_null(pc_policy_service(&r.pol, "https"));
	assert_non_null(pc_policy_service(&r.pol, "ok"));
	assert_non_null(pc_policy_peer(&r.pol, "lan"));
	assert_int_equal(pc_policy_role(&r.pol, "web")->n_rules, 2);
	assert_int_equal(r.pol.mode, -1);
	assert_int_equal(r.pol.n_attaches, 0);
	assert_false(r.pol.failsafe);
	run_done(&r);
}

/* A missing '}' does not turn every later statement into a bad rule. */
static void test_recover_missing_brace(void **state)
{
	struct run r;

	run_buf(&r,
		"role a {\n"
		"  allow in x\n"
		"role b {\n"
		"  allow in y\n"
		"}\n"
		"service s tcp 1\n",
		false);
	assert_string_equal(run_out(&r),
		"t.conf:3:1: error: missing '}' before 'role'\n"
		"t.conf:1:8: note: role 'a' opened here\n");
	assert_int_equal(pc_policy_role(&r.pol, "a")->n_rules, 1);
	assert_int_equal(pc_policy_role(&r.pol, "b")->n_rules, 1);
	assert_non_null(pc_policy_service(&r.pol, "s"));
	run_done(&r);
}

/* A bad header still has its body read as a body: its errors are
 * reported, and its rules do not read as statements. */
static void test_recover_bad_header(void **state)
{
	struct run r;

	run_buf(&r,
		"rol web {\n"
		"  allow in x\n"
		"  alow in y\n"
		"}\n"
		"role 1x { allow in z }\n"
		"service after tcp 1\n",
		false);
	assert_string_equal(run_out(&r),
		"t.conf:1:1: error: unknown statement 'rol'; did you mean 'role'?\n"
		"t.conf:3:3: error: unknown rule 'alow'; did you mean 'allow'?\n"
		"t.conf:5:6: error: invalid role name '1x': a name starts with a letter and holds letters, digits, '-', '_' and '.'\n");
	assert_int_equal(r.pol.n_roles, 0);
	assert_non_null(pc_policy_service(&r.pol, "after"));
	run_done(&r);
}

/* Several errors in one list are all reported. */
static void test_recover_within_lists(void **state)
{
	struct run r;

	run_buf(&r,
		"peer p fd00:1::1/64, 10.0.0.0/33, foo, 3com, 1.2.3\n"
		"service s tcp 0, 80, 70000, udp 53 \"d\"\n",
		false);
	assert_string_equal(run_out(&r),
		"t.conf:1:8: error: fd00:1::1/64 has host bits set; did you mean fd00:1::/64?\n"
		"t.conf:1:30: error: invalid prefix length '/33': IPv4 takes 0-32\n"
		"t.conf:1:40: error: invalid IPv4 address '3com'\n"
		"t.conf:1:46: error: invalid IPv4 address '1.2.3'\n"
		"t.conf:2:15: error: port 0 is out of range (1-65535)\n"
		"t.conf:2:22: error: port 70000 is out of range (1-65535)\n");
	assert_int_equal(pc_policy_peer(&r.pol, "p")->n_items, 1);
	assert_int_equal(svc(&r.pol, "s")->n_ports, 2);
	assert_string_equal(svc(&r.pol, "s")->desc, "d");
	run_done(&r);
}

/* An empty peer list or a trailing ',' is one error: the next line is
 * still read as a statement, and its own errors are reported. */
static void test_recover_after_empty_peer(void **state)
{
	struct run r;

	run_buf(&r,
		"peer a\n"
		"servce s tcp 80\n"
		"peer b 10.0.0.1,\n"
		"peer c 10.0.0.0/33\n"
		"peer d 10.0.0.2\n",
		false);
	assert_string_equal(run_out(&r),
		"t.conf:1:7: error: expected an address, a prefix or a peer name, got end of line\n"
		"t.conf:2:1: error: unknown statement 'servce'; did you mean 'service'?\n"
		"t.conf:3:17: error: expected an address, a prefix or a peer name, got end of line\n"
		"t.conf:4:16: error: invalid prefix length '/33': IPv4 takes 0-32\n");
	assert_non_null(pc_policy_peer(&r.pol, "d"));
	run_done(&r);
}

/* A redefinition is refused (the first one stays), not merged. */
static void test_redefinition_keeps_first(void **state)
{
	struct run r;

	run_buf(&r, "service a tcp 1\nservice a tcp 2\n", false);
	assert_int_equal(r.pol.n_services, 1);
	expect_port(&svc(&r.pol, "a")->ports[0], IPPROTO_TCP, 1, 1);
	run_done(&r);
}

/* --- includes ------------------------------------------------------------------------ */

static void test_include_glob_sorted(void **state)
{
	char *dir = tmpdir_new(), *top = path_in(dir, "top.conf");
	struct run r;
	size_t i;

	write_file(dir, "conf.d/z.conf", "service s-z tcp 3\n");
	write_file(dir, "conf.d/a.conf", "service s-a tcp 1\ninclude \"sub/*.conf\"\n");
	write_file(dir, "conf.d/M.conf", "service s-M tcp 2\n");
	write_file(dir, "conf.d/sub/x.conf", "service s-x tcp 4\n");	/* relative to a.conf */
	write_file(dir, "conf.d/notes.txt", "not a policy\n");
	write_file(dir, "conf.d/dir.conf/inner.conf", "service never tcp 9\n");
	write_file(dir, "top.conf", "include \"conf.d/*.conf\"\nservice last tcp 5\n");
	run_file(&r, top, false);
	assert_string_equal(run_out(&r), "");
	assert_int_equal(r.rc, 0);
	/* Byte order ('M' < 'a'), included files expanded in place. */
	assert_int_equal(r.pol.n_services, 5);
	assert_string_equal(r.pol.services[0].name, "s-M");
	assert_string_equal(r.pol.services[1].name, "s-a");
	assert_string_equal(r.pol.services[2].name, "s-x");
	assert_string_equal(r.pol.services[3].name, "s-z");
	assert_string_equal(r.pol.services[4].name, "last");
	assert_int_equal(r.pol.n_files, 5);
	for (i = 0; i < r.pol.n_files; i++)
		assert_non_null(strstr(r.pol.files[i].path, dir));
	expect_loc(&r.pol.services[2].loc, r.pol.files[3].path, 1, 1, 7);
	assert_non_null(strstr(r.pol.files[3].path, "conf.d/sub/x.conf"));
	run_done(&r);
	free(top);
	tmpdir_free(dir);
}

/* A file reached twice (two globs, or a glob and a path) is read once. */
static void test_include_once(void **state)
{
	char *dir = tmpdir_new(), *top = path_in(dir, "top.conf");
	struct run r;

	write_file(dir, "catalogue.conf", "service web tcp 80\n");
	write_file(dir, "roles/a.conf", "include \"../catalogue.conf\"\nrole a { allow in web }\n");
	write_file(dir, "roles/b.conf", "include \"../catalogue.conf\"\nrole b { allow in web }\n");
	write_file(dir, "top.conf",
		   "include \"catalogue.conf\"\ninclude \"roles/*.conf\"\ninclude \"roles/a*\"\n"
		   "include \"./catalogue.conf\"\n");
	run_file(&r, top, false);
	assert_string_equal(run_out(&r), "");
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.pol.n_files, 4);
	assert_int_equal(r.pol.n_services, 1);
	assert_int_equal(r.pol.n_roles, 2);
	run_done(&r);
	free(top);
	tmpdir_free(dir);
}

static void test_include_missing(void **state)
{
	char *dir = tmpdir_new(), *top = path_in(dir, "top.conf"), *exp;
	struct run r;

	write_file(dir, "top.conf",
		   "include \"nope.conf\"\n"
		   "include \"nothing/*.conf\"\n"
		   "include \"conf.d\"\n"
		   "service after tcp 1\n");
	write_file(dir, "conf.d/x.conf", "\n");
	run_file(&r, top, false);
	assert_true(asprintf(&exp,
		"%s:1:9: error: cannot read '%s/nope.conf': No such file or directory\n"
		"%s:2:9: warning: no file matches 'nothing/*.conf'\n"
		"%s:3:9: error: cannot read '%s/conf.d': Is a directory\n",
		top, dir, top, top, dir) > 0);
	assert_string_equal(run_out(&r), exp);
	assert_int_equal(r.rc, -EINVAL);
	assert_int_equal(r.d.n_errors, 2);
	assert_int_equal(r.d.n_warnings, 1);
	assert_non_null(pc_policy_service(&r.pol, "after"));
	free(exp);
	run_done(&r);

	/* A wildcard that matches nothing is only a warning. */
	write_file(dir, "top.conf", "include \"nothing/*.conf\"\n");
	run_file(&r, top, false);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.d.n_warnings, 1);
	run_done(&r);
	free(top);
	tmpdir_free(dir);
}

static void test_include_cycle(void **state)
{
	char *dir = tmpdir_new(), *a = path_in(dir, "a.conf"), *exp;
	struct run r;

	write_file(dir, "a.conf", "include \"sub/b.conf\"\nservice in-a tcp 1\n");
	write_file(dir, "sub/b.conf", "service in-b tcp 2\ninclude \"../a.conf\"\n");
	run_file(&r, a, false);
	assert_true(asprintf(&exp,
		"%s/sub/b.conf:2:9: error: include cycle: %s -> %s/sub/b.conf -> %s/sub/../a.conf\n",
		dir, a, dir, dir) > 0);
	assert_string_equal(run_out(&r), exp);
	assert_int_equal(r.rc, -EINVAL);
	assert_int_equal(r.pol.n_services, 2);	/* both files read once */
	free(exp);
	run_done(&r);

	write_file(dir, "a.conf", "include \"a.conf\"\n");
	run_file(&r, a, false);
	assert_true(asprintf(&exp, "%s:1:9: error: include cycle: %s -> %s/a.conf\n", a, a, dir) > 0);
	assert_string_equal(run_out(&r), exp);
	free(exp);
	run_done(&r);
	free(a);
	tmpdir_free(dir);
}

/* Errors of every file are reported, each with its own file name. */
static void test_errors_in_every_file(void **state)
{
	char *dir = tmpdir_new(), *top = path_in(dir, "top.conf"), *exp;
	struct run r;

	write_file(dir, "one.conf", "service a tcp 0\n");
	write_file(dir, "two.conf", "peer b 10.0.0.1/8\n");
	write_file(dir, "top.conf", "include \"one.conf\"\ninclude \"two.conf\"\nmode x\n");
	run_file(&r, top, true);
	assert_true(asprintf(&exp,
		"%s/one.conf:1:15: error: port 0 is out of range (1-65535)\n"
		"service a tcp 0\n"
		"              ^\n"
		"%s/two.conf:1:8: error: 10.0.0.1/8 has host bits set; did you mean 10.0.0.0/8?\n"
		"peer b 10.0.0.1/8\n"
		"       ^~~~~~~~~~\n"
		"%s:3:6: error: unknown mode 'x'\n"
		"mode x\n"
		"     ^\n",
		dir, dir, top) > 0);
	assert_string_equal(run_out(&r), exp);
	assert_int_equal(r.d.n_errors, 3);
	free(exp);
	run_done(&r);
	free(top);
	tmpdir_free(dir);
}

/* Relative includes are relative to the including file, not to the
 * working directory; a top file named without a directory works too. */
static void test_include_relative_names(void **state)
{
	char *dir = tmpdir_new(), cwd[PATH_MAX];
	struct run r;

	write_file(dir, "top.conf", "include \"lib/x.conf\"\n");
	write_file(dir, "lib/x.conf", "include \"y.conf\"\n");
	write_file(dir, "lib/y.conf", "service y tcp 1 # here\n");
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(dir), 0);
	run_file(&r, "top.conf", false);
	assert_int_equal(chdir(cwd), 0);
	assert_string_equal(run_out(&r), "");
	assert_int_equal(r.pol.n_files, 3);
	assert_string_equal(r.pol.files[1].path, "lib/x.conf");
	assert_string_equal(r.pol.files[2].path, "lib/y.conf");
	expect_loc(&svc(&r.pol, "y")->loc, "lib/y.conf", 1, 1, 7);
	run_done(&r);
	tmpdir_free(dir);
}

/* The top file itself: a missing one is reported and returns its errno. */
static void test_parse_file_missing(void **state)
{
	struct run r;

	run_file(&r, "/nonexistent/portcullis.conf", false);
	assert_int_equal(r.rc, -ENOENT);
	assert_string_equal(run_out(&r),
		"portcullis: error: cannot read '/nonexistent/portcullis.conf': No such file or directory\n");
	assert_int_equal(r.pol.n_files, 0);
	run_done(&r);

	/* A buffer's includes resolve against its name's directory. */
	run_open(&r, false);
	r.rc = pc_policy_parse_buffer("/nonexistent/b.conf", "include \"x.conf\"\n", 17, &r.d, &r.pol);
	assert_int_equal(r.rc, -EINVAL);
	assert_string_equal(run_out(&r),
		"/nonexistent/b.conf:1:9: error: cannot read '/nonexistent/x.conf': No such file or directory\n");
	run_done(&r);
}

/* Only regular files are read: a FIFO named by mistake must not hang. */
static void test_include_not_regular(void **state)
{
	char *dir = tmpdir_new(), *top = path_in(dir, "top.conf"), *fifo = path_in(dir, "fifo"), *exp;
	struct run r;

	assert_int_equal(mkfifo(fifo, 0600), 0);
	write_file(dir, "top.conf", "include \"fifo\"\n");
	run_file(&r, top, false);
	assert_true(asprintf(&exp, "%s:1:9: error: cannot read '%s': not a regular file\n",
			     top, fifo) > 0);
	assert_string_equal(run_out(&r), exp);
	free(exp);
	run_done(&r);
	free(fifo);
	free(top);
	tmpdir_free(dir);
}

/* A chain of distinct files deeper than the limit stops with an error. */
static void test_include_depth(void **state)
{
	char *dir = tmpdir_new(), *top = path_in(dir, "0.conf"), name[32], text[64];
	struct run r;
	int i;

	for (i = 0; i <= 70; i++) {
		snprintf(name, sizeof(name), "%d.conf", i);
		snprintf(text, sizeof(text), "include \"%d.conf\"\n", i + 1);
		write_file(dir, name, text);
	}
	run_file(&r, top, false);
	assert_int_equal(r.rc, -EINVAL);
	assert_int_equal(r.d.n_errors, 1);
	assert_non_null(strstr(run_out(&r), "63.conf:1:9: error: includes nested more than 64 deep\n"));
	assert_int_equal(r.pol.n_files, 64);
	run_done(&r);
	free(top);
	tmpdir_free(dir);
}

/* loc->file points into files[], which therefore never moves: there is a
 * cap on the number of files, reported like any other error, once for a
 * glob that matches past it. */
static void test_too_many_files(void **state)
{
	char *dir = tmpdir_new(), *top = path_in(dir, "top.conf"), name[32];
	struct run r;
	int i;

	for (i = 0; i < 1030; i++) {
		snprintf(name, sizeof(name), "d/%04d.conf", i);
		write_file(dir, name, "\n");
	}
	write_file(dir, "top.conf", "include \"d/*.conf\"\n");
	run_file(&r, top, false);
	assert_int_equal(r.rc, -EINVAL);
	assert_int_equal(r.pol.n_files, 1024);
	/* 1031 files, 1024 read: said once at the include, not per file */
	assert_int_equal(r.d.n_errors, 1);
	assert_non_null(strstr(run_out(&r), ":1:9: error: too many files: at most 1024 can be included\n"));
	assert_non_null(strstr(run_out(&r), ":1:9: note: 'd/*.conf' matches 1030 files; "
					    "7 of them were not read\n"));
	run_done(&r);
	free(top);
	tmpdir_free(dir);
}

static void test_long_address(void **state)
{
	struct run r;

	run_buf(&r, "peer p 1111:2222:3333:4444:5555:6666:7777:8888:9999:aaaa:bbbb:cccc/64\n", false);
	assert_string_equal(run_out(&r),
		"t.conf:1:8: error: invalid address '1111:2222:3333:4444:5555:6666:7777:8888:9999:aaaa:bbbb:cccc/64'\n");
	run_done(&r);
}

/* pc_policy_free leaves a policy that can be freed again or reused. */
static void test_free_twice(void **state)
{
	struct run r;

	run_clean(&r, "service a tcp 1\nrole r { use x }\npeer p a\nattach interface lo role r\n");
	pc_policy_free(&r.pol);
	assert_int_equal(r.pol.n_services, 0);
	assert_null(r.pol.files);
	run_done(&r);
	pc_policy_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_example),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_service_forms),
		cmocka_unit_test(test_source_citations),
		cmocka_unit_test(test_peer_forms),
		cmocka_unit_test(test_role_forms),
		cmocka_unit_test(test_attach_forms),
		cmocka_unit_test(test_overrides),
		cmocka_unit_test(test_error_messages),
		cmocka_unit_test(test_error_with_source_line),
		cmocka_unit_test(test_repeat_is_warning),
		cmocka_unit_test(test_five_mistakes),
		cmocka_unit_test(test_recover_missing_brace),
		cmocka_unit_test(test_recover_bad_header),
		cmocka_unit_test(test_recover_within_lists),
		cmocka_unit_test(test_recover_after_empty_peer),
		cmocka_unit_test(test_redefinition_keeps_first),
		cmocka_unit_test(test_include_glob_sorted),
		cmocka_unit_test(test_include_once),
		cmocka_unit_test(test_include_missing),
		cmocka_unit_test(test_include_cycle),
		cmocka_unit_test(test_errors_in_every_file),
		cmocka_unit_test(test_include_relative_names),
		cmocka_unit_test(test_parse_file_missing),
		cmocka_unit_test(test_include_not_regular),
		cmocka_unit_test(test_include_depth),
		cmocka_unit_test(test_too_many_files),
		cmocka_unit_test(test_long_address),
		cmocka_unit_test(test_free_twice),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
