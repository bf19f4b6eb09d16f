// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* test_compile.c - compiled tables: exact keys, peer sets, limits, errors. */
#include <netinet/in.h>
#include <arpa/inet.h>

#include "compile_helpers.h"

static const char base[] =
	"service http  tcp 80 \"HTTP\"\n"
	"service https tcp 443\n"
	"service dns   tcp 53, udp 53\n"
	"service rpc   tcp 49152-65535\n"
	"service ping  icmp echo-request, icmpv6 echo-request\n"
	"peer net24  10.0.1.0/24\n"
	"peer host32 10.0.1.7\n"
	"peer v6     fd00:1::/64\n"
	"peer both   net24, v6\n";

static void compile_with(struct compiled *c, const char *rest)
{
	compile_joined(c, base, rest, NULL);
}

static void test_exact_keys_and_failsafe_off(void **state)
{
	struct compiled c;

	compile_with(&c, "role r {\n allow in http\n allow out dns\n}\n"
			 "attach interface lan0 role r\nfailsafe off\n");
	assert_int_equal(c.err, 0);
	/* http in (1) + dns out tcp and udp (2) */
	assert_int_equal(c.tables.n_rules, 3);
	assert_int_equal(c.tables.n_peers, 0);
	assert_int_equal(c.tables.n_scopes, 1);
	assert_string_equal(c.tables.scopes[0].name, "interface:lan0");
	assert_int_equal(c.tables.scopes[0].mode, PC_MODE_AUDIT);	/* nothing said */
	assert_int_equal(c.tables.failsafe, 0);
	for (size_t i = 1; i < c.tables.n_rules; i++)
		assert_true(pc_rule_key_cmp(&c.tables.rule_keys[i - 1], &c.tables.rule_keys[i]) < 0);
	compiled_free(&c);
}

static void test_failsafe_on_by_default(void **state)
{
	struct compiled c;
	struct pc_verdict v;

	compile_with(&c, "role r {\n allow in http\n}\nattach interface lan0 role r\n");
	assert_int_equal(c.err, 0);
	assert_int_equal(c.tables.failsafe, 1);
	v = judge(&c, 0, "in", "tcp/22", "203.0.113.9");
	assert_true(v.allowed);
	assert_string_equal(c.tables.origins[v.rule_id].role, "failsafe");
	assert_true(judge(&c, 0, "out", "udp/53", "203.0.113.9").allowed);
	assert_true(judge(&c, 0, "out", "udp/67", "255.255.255.255").allowed);
	assert_false(judge(&c, 0, "in", "tcp/23", "203.0.113.9").allowed);
	compiled_free(&c);
}

static void test_range_expands_to_one_set(void **state)
{
	struct compiled c;

	compile_with(&c, "role r {\n allow in rpc from net24\n}\n"
			 "attach interface lan0 role r\nfailsafe off\n");
	assert_int_equal(c.err, 0);
	assert_int_equal(c.tables.n_rules, 65535 - 49152 + 1);
	assert_int_equal(c.tables.n_peer_sets, 1);	/* interned */
	/* One prefix length: the set is in the exact table, probed at /24. */
	assert_int_equal(c.tables.n_peers, 0);
	assert_int_equal(c.tables.n_exact, 1);
	assert_int_equal(c.tables.set_infos[1].n_lens, 1);
	assert_int_equal(c.tables.set_infos[1].lens[0], 96 + 24);
	assert_true(judge(&c, 0, "in", "tcp/49152", "10.0.1.200").allowed);
	assert_true(judge(&c, 0, "in", "tcp/65535", "10.0.1.1").allowed);
	assert_false(judge(&c, 0, "in", "tcp/49151", "10.0.1.1").allowed);
	assert_false(judge(&c, 0, "in", "tcp/50000", "10.0.2.1").allowed);
	compiled_free(&c);
}

static void test_overlapping_peers_most_specific_rule(void **state)
{
	struct compiled c;
	struct pc_verdict v;

	compile_with(&c, "role r {\n allow in https from net24\n allow in https from host32\n}\n"
			 "attach interface lan0 role r\nfailsafe off\n");
	assert_int_equal(c.err, 0);
	assert_int_equal(c.tables.n_peers, 0);
	assert_int_equal(c.tables.n_exact, 2);	/* the /24 and the /32 */
	assert_int_equal(c.tables.set_infos[1].n_lens, 2);
	assert_int_equal(c.tables.set_infos[1].lens[0], 128);	/* longest first */
	assert_int_equal(c.tables.set_infos[1].lens[1], 120);
	v = judge(&c, 0, "in", "tcp/443", "10.0.1.7");
	assert_true(v.allowed);
	assert_int_equal(c.tables.origins[v.rule_id].line, 12);	/* the /32's rule */
	v = judge(&c, 0, "in", "tcp/443", "10.0.1.8");
	assert_true(v.allowed);
	assert_int_equal(c.tables.origins[v.rule_id].line, 11);
	v = judge(&c, 0, "in", "tcp/443", "10.0.2.7");
	assert_false(v.allowed);
	assert_int_equal(v.reason, PC_REASON_PEER);
	compiled_free(&c);
}

static void test_ipv4_and_ipv6_exact(void **state)
{
	struct compiled c;

	compile_with(&c, "role r {\n allow in http from both\n}\n"
			 "attach interface lan0 role r\nfailsafe off\n");
	assert_int_equal(c.err, 0);
	assert_true(judge(&c, 0, "in", "tcp/80", "fd00:1::42").allowed);
	assert_false(judge(&c, 0, "in", "tcp/80", "fd00:2::42").allowed);
	assert_true(judge(&c, 0, "in", "tcp/80", "10.0.1.99").allowed);
	/* The IPv4-mapped form of an IPv4 peer is IPv4, not a v6 lookalike. */
	assert_true(judge(&c, 0, "in", "tcp/80", "::ffff:10.0.1.99").allowed);
	assert_false(judge(&c, 0, "in", "tcp/80", "::a00:163").allowed);	/* ::10.0.1.99 */
	compiled_free(&c);
}

/* IPv4 and IPv6 hosts share one length in the mapped form: one probe. */
static void test_exact_set_of_hosts(void **state)
{
	struct compiled c;
	struct pc_verdict v;

	compile_with(&c, "peer h2 10.0.1.8, fd00:1::8\n"
			 "role r {\n allow in http from host32\n allow in http from h2\n}\n"
			 "attach interface lan0 role r\nfailsafe off\n");
	assert_int_equal(c.err, 0);
	assert_int_equal(c.tables.n_peers, 0);
	assert_int_equal(c.tables.n_exact, 3);
	assert_int_equal(c.tables.n_rules, 1);
	assert_int_equal(c.tables.rule_vals[0].peer_set, 1);
	assert_int_equal(c.tables.set_infos[1].n_lens, 1);
	assert_int_equal(c.tables.set_infos[1].lens[0], 128);
	v = judge(&c, 0, "in", "tcp/80", "fd00:1::8");
	assert_true(v.allowed);
	assert_int_equal(c.tables.origins[v.rule_id].line, 13);
	assert_true(judge(&c, 0, "in", "tcp/80", "10.0.1.7").allowed);
	assert_false(judge(&c, 0, "in", "tcp/80", "10.0.1.9").allowed);
	compiled_free(&c);
}

/* More lengths than PC_SET_MAX_LENS: the set stays in the trie, and the
 * longest prefix still decides which rule allowed a flow. */
static void test_many_lengths_use_the_trie(void **state)
{
	struct compiled c;
	struct pc_verdict v;

	compile_with(&c, "peer wide 10.0.0.0/8, 10.1.0.0/16, fd00::/16, fd00:1::/32, fd00:1:2::/48\n"
			 "peer narrow 10.1.2.0/24, 10.1.2.3, fd00:1:2:3::/64\n"
			 "role r {\n allow in http from wide\n allow in http from narrow\n}\n"
			 "attach interface lan0 role r\nfailsafe off\n");
	assert_int_equal(c.err, 0);
	assert_int_equal(c.tables.set_infos[1].n_lens, 0);	/* 8 lengths */
	assert_int_equal(c.tables.n_exact, 0);
	assert_int_equal(c.tables.n_peers, 8);
	v = judge(&c, 0, "in", "tcp/80", "10.1.2.3");
	assert_true(v.allowed);
	assert_int_equal(c.tables.origins[v.rule_id].line, 14);	/* narrow */
	v = judge(&c, 0, "in", "tcp/80", "10.1.9.9");
	assert_true(v.allowed);
	assert_int_equal(c.tables.origins[v.rule_id].line, 13);	/* wide */
	assert_true(judge(&c, 0, "in", "tcp/80", "fd00:1:2:3::9").allowed);
	assert_false(judge(&c, 0, "in", "tcp/80", "11.0.0.1").allowed);
	assert_false(judge(&c, 0, "in", "tcp/80", "fd01::1").allowed);
	compiled_free(&c);
}

/* How much of PREFIX the rule for tcp/PORT admits in scope 0. */
static enum pc_cover cover_of(const struct compiled *c, const char *port, const char *prefix,
			      struct pc_verdict *v)
{
	struct pc_flow f = { .dir = PC_DIR_IN, .has_addr = true };
	enum pc_cover cover;
	struct pc_addr a;

	assert_int_equal(pc_flow_parse_proto_port(port, &f), 0);
	assert_int_equal(pc_addr_parse(prefix, strlen(prefix), &a), 0);
	memcpy(f.addr, a.addr, 16);
	assert_int_equal(pc_query_prefix(&c->tables, 0, &f, a.plen, v, &cover), 0);
	return cover;
}

/* A prefix is judged for all its addresses: every one (inside one prefix
 * of the rule's peer, or covered by several), some, or none; in exact
 * sets and in the trie alike. */
static void test_query_prefix(void **state)
{
	static const char *const sets[] = {
		"peer p 10.77.4.0/25, 10.77.4.128/25, fd00:1::/64\n",	/* exact: 2 lengths */
		"peer p 10.77.4.0/25, 10.77.4.128/25, fd00:1::/64, 10.9.0.0/16, 10.8.0.0/15,"
		" 10.4.0.0/14, 10.16.0.0/12, 10.32.0.0/11, 10.128.0.0/10\n",		/* trie: 8 lengths */
	};
	struct compiled c;
	struct pc_verdict v;
	char *rest;
	int k;

	for (k = 0; k < 2; k++) {
		assert_true(asprintf(&rest, "%srole r {\n allow in http from p\n allow in https\n}\n"
				     "attach interface lan0 role r\nfailsafe off\n", sets[k]) > 0);
		compile_with(&c, rest);
		free(rest);
		assert_int_equal(c.err, 0);
		assert_int_equal(c.tables.n_exact ? 0 : 1, k);
		/* inside one prefix of the peer */
		assert_int_equal(cover_of(&c, "tcp/80", "10.77.4.128/26", &v), PC_COVER_ALL);
		assert_true(v.allowed);
		assert_int_equal(c.tables.origins[v.rule_id].line, 12);
		/* covered by two */
		assert_int_equal(cover_of(&c, "tcp/80", "10.77.4.0/24", &v), PC_COVER_ALL);
		assert_true(v.allowed);
		/* partly */
		assert_int_equal(cover_of(&c, "tcp/80", "10.77.4.0/23", &v), PC_COVER_SOME);
		assert_false(v.allowed);
		assert_int_equal(c.tables.origins[v.rule_id].line, 12);
		assert_int_equal(cover_of(&c, "tcp/80", "0.0.0.0/0", &v), PC_COVER_SOME);
		assert_int_equal(cover_of(&c, "tcp/80", "::/0", &v), PC_COVER_SOME);
		/* none */
		assert_int_equal(cover_of(&c, "tcp/80", "10.78.0.0/16", &v), PC_COVER_NONE);
		assert_int_equal(v.reason, PC_REASON_PEER);
		assert_int_equal(cover_of(&c, "tcp/80", "fd00:2::/64", &v), PC_COVER_NONE);
		/* a rule for any peer, no rule: alike for every address */
		assert_int_equal(cover_of(&c, "tcp/443", "::/0", &v), PC_COVER_ALL);
		assert_int_equal(cover_of(&c, "tcp/22", "10.77.4.0/24", &v), PC_COVER_NONE);
		assert_int_equal(v.reason, PC_REASON_NO_RULE);
		/* one address is pc_query() */
		assert_int_equal(cover_of(&c, "tcp/80", "10.77.4.200", &v), PC_COVER_ALL);
		assert_int_equal(cover_of(&c, "tcp/80", "10.77.5.1", &v), PC_COVER_NONE);
		compiled_free(&c);
	}
}

static void test_any_wins_over_peers(void **state)
{
	struct compiled c;
	struct pc_verdict v;

	compile_with(&c, "role r {\n allow in http from net24\n allow in http\n}\n"
			 "attach interface lan0 role r\nfailsafe off\n");
	assert_int_equal(c.err, 0);
	v = judge(&c, 0, "in", "tcp/80", "198.51.100.1");
	assert_true(v.allowed);
	assert_int_equal(v.peer_set, 0);
	compiled_free(&c);
}

/*
 * IPv4 is kept as ::ffff:a.b.c.d, but an IPv6 prefix must never admit an
 * IPv4 peer: ::/0, ::/64, ::/80 cover ::ffff:0:0/96 only as written, and
 * 'any' alone means both families.
 */
static void test_ipv6_prefixes_never_match_ipv4(void **state)
{
	static const char *const wide[] = { "::/0", "::/64", "::/80", "::/95" };
	char text[512];
	struct compiled c;
	size_t i;

	for (i = 0; i < sizeof(wide) / sizeof(wide[0]); i++) {
		snprintf(text, sizeof(text),
			 "service web tcp 80\n"
			 "peer six %s\n"
			 "role r {\n allow in web from six\n}\n"
			 "failsafe off\nattach interface lan0 role r\n", wide[i]);
		compile_text(&c, "six.conf", text, NULL);
		assert_int_equal(c.err, 0);
		assert_false(judge(&c, 0, "in", "tcp/80", "10.0.0.1").allowed);
		assert_false(judge(&c, 0, "in", "tcp/80", "255.255.255.255").allowed);
		assert_false(judge(&c, 0, "in", "tcp/80", "0.0.0.0").allowed);
		/* the IPv6 rest of the prefix is still admitted, on either side */
		assert_true(judge(&c, 0, "in", "tcp/80", "::1").allowed);
		assert_true(judge(&c, 0, "in", "tcp/80", "::1:0:1").allowed);	/* next to the range */
		assert_true(judge(&c, 0, "in", "tcp/80", "::fffe:0:1").allowed == (i < 3));
		assert_true(judge(&c, 0, "in", "tcp/80", "::1:0:0:1").allowed == (i < 2));
		assert_true(judge(&c, 0, "in", "tcp/80", "2001:db8::1").allowed == (i == 0));
		compiled_free(&c);
	}
	/* 'any' still admits both */
	compile_text(&c, "any.conf",
		     "service web tcp 80\npeer both any\nrole r {\n allow in web from both\n}\n"
		     "failsafe off\nattach interface lan0 role r\n", NULL);
	assert_int_equal(c.err, 0);
	assert_true(judge(&c, 0, "in", "tcp/80", "10.0.0.1").allowed);
	assert_true(judge(&c, 0, "in", "tcp/80", "2001:db8::1").allowed);
	compiled_free(&c);
	/* an IPv4-mapped address written as IPv6 is IPv4: said so */
	compile_text(&c, "mapped.conf",
		     "service web tcp 80\npeer m ::ffff:10.0.0.1\nrole r {\n allow in web from m\n}\n"
		     "failsafe off\nattach interface lan0 role r\n", NULL);
	assert_int_not_equal(c.err, 0);
	assert_non_null(strstr(c.diag_text, "IPv4-mapped"));
	compiled_free(&c);
}

/*
 * 'none' is the empty set: a peer a role names but this site does not
 * have (the MPS engine at a site without MPS) is written 'peer NAME none'
 * and admits nobody, in either family; 'none' itself is built in.
 */
static void test_none_admits_nobody(void **state)
{
	struct compiled c;
	struct pc_verdict v;

	compile_text(&c, "none.conf",
		     "service web tcp 80\nservice ssh tcp 22\npeer engine none\n"
		     "peer admins engine, 10.9.0.0/24\n"
		     "role r {\n allow in web from engine\n allow in ssh from admins\n}\n"
		     "failsafe off\nattach interface lan0 role r\n", NULL);
	assert_int_equal(c.err, 0);
	v = judge(&c, 0, "in", "tcp/80", "10.0.0.1");
	assert_false(v.allowed);
	assert_int_equal(v.reason, PC_REASON_PEER);
	assert_false(judge(&c, 0, "in", "tcp/80", "2001:db8::1").allowed);
	assert_false(judge(&c, 0, "in", "tcp/80", "0.0.0.0").allowed);
	/* a set that holds it is the rest of the set */
	assert_true(judge(&c, 0, "in", "tcp/22", "10.9.0.7").allowed);
	assert_false(judge(&c, 0, "in", "tcp/22", "10.8.0.7").allowed);
	compiled_free(&c);

	compile_text(&c, "redef.conf", "peer none 10.0.0.1\n", NULL);
	assert_int_not_equal(c.err, 0);
	assert_non_null(strstr(c.diag_text, "built in"));
	compiled_free(&c);
}

static void test_icmp_types(void **state)
{
	struct compiled c;

	compile_with(&c, "role r {\n allow in ping\n}\nattach interface lan0 role r\nfailsafe off\n");
	assert_int_equal(c.err, 0);
	assert_true(judge(&c, 0, "in", "icmp/echo-request", NULL).allowed);
	assert_true(judge(&c, 0, "in", "icmpv6/128", NULL).allowed);
	assert_false(judge(&c, 0, "in", "icmp/echo-reply", NULL).allowed);
	assert_false(judge(&c, 0, "out", "icmp/8", NULL).allowed);
	/* Like the datapath: ND and MLD are never judged; other ICMPv6 is. */
	assert_true(judge(&c, 0, "in", "icmpv6/neighbor-solicitation", NULL).unjudged);
	assert_true(judge(&c, 0, "out", "icmpv6/143", NULL).allowed);
	assert_false(judge(&c, 0, "in", "icmpv6/129", NULL).allowed);
	compiled_free(&c);
}

static void test_scopes_modes_and_use(void **state)
{
	struct compiled c;

	compile_with(&c, "role a {\n allow in http\n}\nrole b {\n use a\n allow in https\n}\n"
			 "mode enforce\n"
			 "attach interface lan0 role a\n"
			 "attach cgroup /system.slice/x.service role b mode audit\nfailsafe off\n");
	assert_int_equal(c.err, 0);
	assert_int_equal(c.tables.n_scopes, 2);
	assert_int_equal(c.tables.scopes[0].mode, PC_MODE_ENFORCE);
	assert_int_equal(c.tables.scopes[1].mode, PC_MODE_AUDIT);
	assert_int_equal(c.tables.scopes[1].kind, PC_SCOPE_CGROUP);
	assert_string_equal(c.tables.scopes[1].name, "cgroup:/system.slice/x.service");
	assert_false(judge(&c, 0, "in", "tcp/443", NULL).allowed);
	assert_true(judge(&c, 1, "in", "tcp/443", NULL).allowed);
	assert_true(judge(&c, 1, "in", "tcp/80", NULL).allowed);
	compiled_free(&c);
}

static void test_digest_is_stable_and_sensitive(void **state)
{
	struct compiled a, b, d;

	compile_with(&a, "role r {\n allow in http\n}\nattach interface lan0 role r\n");
	compile_with(&b, "role r {\n allow in http\n}\nattach interface lan0 role r\n");
	compile_with(&d, "role r {\n allow in https\n}\nattach interface lan0 role r\n");
	assert_string_equal(a.tables.digest, b.tables.digest);
	assert_string_not_equal(a.tables.digest, d.tables.digest);
	compiled_free(&a);
	compiled_free(&b);
	compiled_free(&d);
}

/* 16,384 keys (plus the failsafe's) against a table of 5,000: the
 * expansion fits the bound below, the merged keys do not. */
static void test_capacity_limit_is_a_compile_error(void **state)
{
	struct pc_compile_limits tiny = { .max_scopes = 4, .max_rule_keys = 5000,
					  .max_peer_prefixes = 10 };
	struct compiled c;
	char *text;

	assert_true(asprintf(&text, "%srole r {\n allow in rpc\n}\nattach interface lan0 role r\n",
			     base) > 0);
	compile_text(&c, "test.conf", text, &tiny);
	free(text);
	assert_int_equal(c.err, -E2BIG);
	assert_int_equal(c.n_errors, 1);
	assert_non_null(strstr(c.diag_text, "needs 16391 rule entries, more than the kernel "
					    "table holds (5000)"));
	compiled_free(&c);
}

/* The expansion itself is bounded: 16,384 ports x 2 scopes is refused
 * before the compiler builds them, at the attach that crossed the line. */
static void test_expansion_is_bounded(void **state)
{
	struct pc_compile_limits tiny = { .max_scopes = 4, .max_rule_keys = 5000,
					  .max_peer_prefixes = 10 };
	struct compiled c;
	char *text;

	assert_true(asprintf(&text, "%srole r {\n allow in rpc\n allow out rpc\n}\n"
				    "attach interface lan0 role r\nattach interface lan1 role r\n",
			     base) > 0);
	compile_text(&c, "test.conf", text, &tiny);
	free(text);
	assert_int_equal(c.err, -E2BIG);
	assert_int_equal(c.n_errors, 1);
	assert_non_null(strstr(c.diag_text, "test.conf:14:1: error: the policy opens more than "
					    "20000 ports"));
	compiled_free(&c);
}

static void test_unknown_names_in_attached_roles(void **state)
{
	struct compiled c;

	compile_with(&c, "role r {\n allow in htps from nett24\n use nope\n}\n"
			 "role unattached {\n allow in bogus from nobody\n}\n"
			 "attach interface lan0 role r\nattach interface lan1 role rr\n");
	assert_int_equal(c.err, -EINVAL);
	assert_int_equal(c.n_errors, 4);
	assert_non_null(strstr(c.diag_text,
		"test.conf:11:11: error: unknown service 'htps' in role 'r'; did you mean 'https'?"));
	assert_non_null(strstr(c.diag_text,
		"test.conf:11:21: error: unknown peer 'nett24' in role 'r'; did you mean 'net24'?"));
	assert_non_null(strstr(c.diag_text, "peer nett24 192.0.2.10"));
	assert_non_null(strstr(c.diag_text, "test.conf:12:6: error: unknown role 'nope' used by role 'r'"));
	assert_non_null(strstr(c.diag_text, "error: unknown role 'rr'; did you mean 'r'?"));
	assert_null(strstr(c.diag_text, "bogus"));	/* not attached: not checked */
	compiled_free(&c);
}

static void test_cycles(void **state)
{
	struct compiled c;

	compile_with(&c, "peer p1 p2\npeer p2 p1\n"
			 "role a {\n use b\n}\nrole b {\n use a\n}\n"
			 "role c {\n allow in http from p1\n}\n"
			 "attach interface lan0 role a\nattach interface lan1 role c\n");
	assert_int_equal(c.err, -EINVAL);
	assert_non_null(strstr(c.diag_text, "uses itself"));
	assert_non_null(strstr(c.diag_text, "names itself"));
	compiled_free(&c);
}

/* A chain N long of KIND ("role" or "peer"), r0 first: roles 'use' the
 * next, peers name the next. */
static char *deep_chain(const char *kind, unsigned int n)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	unsigned int i;

	assert_non_null(f);
	fputs(base, f);
	for (i = 0; i < n; i++) {
		if (!strcmp(kind, "role"))
			fprintf(f, "role r%u {\n use r%u\n}\n", i, i + 1);
		else
			fprintf(f, "peer p%u p%u\n", i, i + 1);
	}
	if (!strcmp(kind, "role"))
		fprintf(f, "role r%u {\n allow in http\n}\nattach interface lan0 role r0\n", n);
	else
		fprintf(f, "peer p%u 10.0.0.1\nrole r {\n allow in http from p0\n}\n"
			   "attach interface lan0 role r\n", n);
	assert_int_equal(fclose(f), 0);
	return text;
}

/* 19,000 levels overflowed the resolver's stack (a segfault in check,
 * apply and daemon start): the chain stops at PC_RESOLVE_MAX_DEPTH with
 * one error at the line that crosses it; a chain within it compiles. */
static void test_deep_chains_are_bounded(void **state)
{
	static const char *const kinds[] = { "role", "peer" };
	struct compiled c;
	unsigned int k;
	char *text;

	for (k = 0; k < 2; k++) {
		text = deep_chain(kinds[k], 19000);
		compile_text(&c, "test.conf", text, NULL);
		free(text);
		assert_int_equal(c.err, -EINVAL);
		assert_int_equal(c.n_errors, 1);
		assert_non_null(strstr(c.diag_text, k == 0 ?
			"error: role 'r64' is nested more than 64 deep" :
			"error: peer 'p64' is nested more than 64 deep"));
		/* r63's 'use r64' is on line 10 + 3 * 63 + 1; p63 on 10 + 63. */
		assert_non_null(strstr(c.diag_text, k == 0 ? "test.conf:200:6:" : "test.conf:73:10:"));
		compiled_free(&c);

		text = deep_chain(kinds[k], 63);
		compile_text(&c, "test.conf", text, NULL);
		free(text);
		assert_int_equal(c.err, 0);
		compiled_free(&c);
	}
}

static void test_duplicate_attach(void **state)
{
	struct compiled c;

	compile_with(&c, "role r {\n allow in http\n}\n"
			 "attach interface lan0 role r\nattach interface lan0 role r\n");
	assert_int_equal(c.err, -EINVAL);
	assert_non_null(strstr(c.diag_text, "interface 'lan0' is attached twice"));
	compiled_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact_keys_and_failsafe_off),
		cmocka_unit_test(test_failsafe_on_by_default),
		cmocka_unit_test(test_range_expands_to_one_set),
		cmocka_unit_test(test_overlapping_peers_most_specific_rule),
		cmocka_unit_test(test_ipv4_and_ipv6_exact),
		cmocka_unit_test(test_exact_set_of_hosts),
		cmocka_unit_test(test_many_lengths_use_the_trie),
		cmocka_unit_test(test_query_prefix),
		cmocka_unit_test(test_any_wins_over_peers),
		cmocka_unit_test(test_ipv6_prefixes_never_match_ipv4),
		cmocka_unit_test(test_none_admits_nobody),
		cmocka_unit_test(test_icmp_types),
		cmocka_unit_test(test_scopes_modes_and_use),
		cmocka_unit_test(test_digest_is_stable_and_sensitive),
		cmocka_unit_test(test_capacity_limit_is_a_compile_error),
		cmocka_unit_test(test_expansion_is_bounded),
		cmocka_unit_test(test_unknown_names_in_attached_roles),
		cmocka_unit_test(test_cycles),
		cmocka_unit_test(test_deep_chains_are_bounded),
		cmocka_unit_test(test_duplicate_attach),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
