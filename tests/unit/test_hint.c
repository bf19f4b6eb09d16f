// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_hint.c - hints that work: each hint, pasted into a config (its
 * 'service' and 'peer' lines at the top, its 'allow' line into a role),
 * passes the real parser, resolver and compiler, and the flow it was made
 * for is then allowed; a port outside the catalogue gets a plain service;
 * SSH and RDP from the internet get no rule; services rank by who asks.
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include "compile_helpers.h"
#include "events/hint.h"

/* An event of DIR over PROTO to PORT whose remote end is PEER, in SCOPE. */
static struct pc_event event(uint8_t dir, uint8_t proto, uint16_t port, const char *peer,
			     uint32_t scope)
{
	struct pc_event e = { .dir = dir, .proto = proto, .dport = port, .scope = scope,
			      .reason = PC_REASON_NO_RULE, .verdict = PC_VERDICT_DENY };
	struct pc_addr a;

	assert_int_equal(pc_addr_parse(peer, strlen(peer), &a), 0);
	memcpy(dir == PC_DIR_IN ? e.saddr : e.daddr, a.addr, 16);
	e.family = a.family;
	return e;
}

static struct pc_hint_index *index_of(const char *name, const char *text, struct pc_policy *pol)
{
	struct pc_hint_index *h;
	struct pc_diag d;

	memset(pol, 0, sizeof(*pol));
	pc_diag_init(&d);
	assert_int_equal(pc_policy_parse_buffer(name, text, strlen(text), &d, pol), 0);
	pc_diag_free(&d);
	assert_int_equal(pc_hint_index_build(pol, NULL, &h), 0);
	return h;
}

/*
 * Paste HINT into the minimal host config around it: the catalogue, the
 * hint's 'service' and 'peer' lines, a role with its 'allow' line,
 * attached. It must compile without a diagnostic, and allow E.
 */
static void paste_and_check(const char *hint, const struct pc_event *e)
{
	char top[1024] = "", role[1024] = "", text[4096];
	const char *line = hint, *nl;
	struct pc_flow f = { .dir = e->dir, .proto = e->proto, .port = e->dport, .has_addr = true };
	struct pc_verdict v;
	struct compiled c;

	for (; *line; line = nl + (*nl == '\n')) {
		nl = line + strcspn(line, "\n");
		strncat(!strncmp(line, "allow ", 6) ? role : top, line, (size_t)(nl - line + 1));
		if (!*nl)
			strcat(!strncmp(line, "allow ", 6) ? role : top, "\n");
	}
	assert_true(role[0]);
	snprintf(text, sizeof(text),
		 "include \"catalogue.conf\"\n%s"
		 "role pasted {\n    %s}\n"
		 "failsafe off\nattach interface eth0 role pasted\n", top, role);
	compile_text(&c, "policies/pasted.conf", text, NULL);
	if (c.n_errors || c.err || c.diag_len)
		fail_msg("the hint does not paste:\n%s\n--- gives:\n%s", text, c.diag_text);
	memcpy(f.addr, e->dir == PC_DIR_IN ? e->saddr : e->daddr, 16);
	assert_int_equal(pc_query(&c.tables, 0, &f, &v), 0);
	if (!v.allowed)
		fail_msg("the pasted hint does not allow its flow:\n%s", text);
	compiled_free(&c);
}

static void test_hints_paste(void **state)
{
	static const struct {
		uint8_t dir, proto;
		uint16_t port;
		const char *peer;
		const char *has;	/* in the hint */
	} cases[] = {
		{ PC_DIR_IN, IPPROTO_TCP, 445, "10.0.3.7", "allow in smb from host-10.0.3.7  #" },
		{ PC_DIR_OUT, IPPROTO_TCP, 1433, "10.0.2.5", "allow out mssql to host-10.0.2.5" },
		{ PC_DIR_IN, IPPROTO_UDP, 445, "2001:db8:3::7", "peer host-2001-db8-3--7 2001:db8:3::7\n" },
		{ PC_DIR_OUT, IPPROTO_TCP, 50000, "10.0.9.10", "allow out rpc-dynamic to" },
		{ PC_DIR_IN, IPPROTO_ICMP, 8, "10.0.3.7", "allow in ping from" },
		{ PC_DIR_IN, IPPROTO_ICMPV6, 128, "fe80::9", "peer host-fe80--9 fe80::9\n" },
		{ PC_DIR_IN, IPPROTO_TCP, 22, "10.0.3.7", "allow in ssh from host-10.0.3.7" },
		{ PC_DIR_IN, IPPROTO_TCP, 3389, "100.64.1.2", "allow in rdp from host-100.64.1.2" },
		{ PC_DIR_IN, IPPROTO_TCP, 22, "fd00:1::5", "allow in ssh from host-fd00-1--5" },
		/* out to the internet is not the door in */
		{ PC_DIR_OUT, IPPROTO_TCP, 22, "8.8.8.8", "allow out ssh to host-8.8.8.8" },
		/* outside the catalogue: a plain service of its own (tcp 4444 is not:
		 * it is in mps-rpc-dynamic, tcp 1025-5000) */
		{ PC_DIR_IN, IPPROTO_TCP, 4444, "10.0.3.7", "allow in mps-rpc-dynamic from" },
		{ PC_DIR_IN, IPPROTO_TCP, 7777, "10.0.3.7",
		  "service tcp-7777 tcp 7777  # not in the catalogue\n"
		  "peer host-10.0.3.7 10.0.3.7\nallow in tcp-7777 from host-10.0.3.7" },
		{ PC_DIR_OUT, IPPROTO_UDP, 4444, "2001:db8::4", "service udp-4444 udp 4444" },
		{ PC_DIR_IN, IPPROTO_ICMP, 13, "10.0.3.7", "service icmp-13 icmp 13" },
	};
	struct pc_policy pol;
	struct pc_hint_index *h = index_of("policies/x.conf", "include \"catalogue.conf\"\n", &pol);
	char buf[1024];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pc_event e = event(cases[i].dir, cases[i].proto, cases[i].port,
					  cases[i].peer, 0);
		const char *hint = pc_event_hint(h, &e, buf, sizeof(buf));

		assert_non_null(hint);
		if (!strstr(hint, cases[i].has))
			fail_msg("case %zu: '%s' lacks '%s'", i, hint, cases[i].has);
		paste_and_check(hint, &e);
	}
	pc_hint_index_free(h);
	pc_policy_free(&pol);
}

/* SSH and RDP in from an address on the internet: no rule, a reason. */
static void test_hints_no_admin_from_internet(void **state)
{
	static const struct {
		uint16_t port;
		const char *peer;
	} cases[] = {
		{ 22, "8.8.8.8" }, { 3389, "8.8.8.8" }, { 22, "172.32.0.1" }, { 22, "100.128.0.1" },
		{ 22, "2a00:1450::1" }, { 3389, "2001:db8::1" }, { 22, "192.169.0.1" },
	};
	struct pc_policy pol;
	struct pc_hint_index *h = index_of("policies/x.conf", "include \"catalogue.conf\"\n", &pol);
	char buf[1024];
	const char *hint;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pc_event e = event(PC_DIR_IN, IPPROTO_TCP, cases[i].port, cases[i].peer, 0);

		hint = pc_event_hint(h, &e, buf, sizeof(buf));
		assert_non_null(hint);
		if (strstr(hint, "allow") || strstr(hint, "peer ") || hint[0] != '#')
			fail_msg("case %zu: %s gets '%s'", i, cases[i].peer, hint);
	}
	{
		struct pc_event e = event(PC_DIR_IN, IPPROTO_TCP, 22, "8.8.8.8", 0);

		assert_string_equal(pc_event_hint(h, &e, buf, sizeof(buf)),
			"# no rule suggested: tcp/22 is for administration and 8.8.8.8 is on the "
			"internet; let admins in from a private network or a VPN");
	}
	/* the private ranges next to them are fine */
	{
		struct pc_event e = event(PC_DIR_IN, IPPROTO_TCP, 22, "172.31.255.1", 0);

		assert_non_null(strstr(pc_event_hint(h, &e, buf, sizeof(buf)), "allow in ssh"));
		e = event(PC_DIR_IN, IPPROTO_TCP, 22, "192.168.9.9", 0);
		assert_non_null(strstr(pc_event_hint(h, &e, buf, sizeof(buf)), "allow in ssh"));
		e = event(PC_DIR_IN, IPPROTO_TCP, 3389, "169.254.1.1", 0);
		assert_non_null(strstr(pc_event_hint(h, &e, buf, sizeof(buf)), "allow in rdp"));
		/* other services from the internet are the operator's call */
		e = event(PC_DIR_IN, IPPROTO_TCP, 443, "8.8.8.8", 0);
		assert_non_null(strstr(pc_event_hint(h, &e, buf, sizeof(buf)), "allow in https"));
	}
	pc_hint_index_free(h);
	pc_policy_free(&pol);
}

/* Who is asking: the scope's roles first, then the host's, then the catalogue. */
static void test_hints_rank_by_role(void **state)
{
	static const char text[] =
		"service http tcp 80\n"
		"service ews tcp 80, tcp 443\n"
		"service wide tcp 1000-2000\n"
		"service narrow tcp 1400-1500\n"
		"peer x 10.1.0.0/16\n"
		"role exch { allow in ews from x }\n"
		"role web { allow in http from x }\n"
		"role big { allow in wide from x }\n"
		"role uses-big { use big }\n"
		"role both { allow in wide, narrow from x }\n"
		"attach interface eth0 role exch\n"
		"attach interface eth1 role web\n"
		"attach interface eth2 role uses-big\n"
		"attach interface eth3 role both\n";
	struct pc_policy pol;
	struct pc_hint_index *h = index_of("t.conf", text, &pol);
	struct pc_event e;
	char buf[1024];

	(void)state;
	e = event(PC_DIR_IN, IPPROTO_TCP, 80, "10.1.2.3", 0);
	assert_non_null(strstr(pc_event_hint(h, &e, buf, sizeof(buf)), "allow in ews from"));
	e.scope = 1;
	assert_non_null(strstr(pc_event_hint(h, &e, buf, sizeof(buf)), "allow in http from"));
	/* through 'use', and before the narrower service nobody uses */
	e = event(PC_DIR_IN, IPPROTO_TCP, 1450, "10.1.2.3", 2);
	assert_non_null(strstr(pc_event_hint(h, &e, buf, sizeof(buf)), "allow in wide from"));
	/* a scope whose roles have nothing for the port: the host's roles */
	e = event(PC_DIR_IN, IPPROTO_TCP, 443, "10.1.2.3", 1);
	assert_non_null(strstr(pc_event_hint(h, &e, buf, sizeof(buf)), "allow in ews from"));
	/* among the services asked for, the narrowest that has the port */
	e = event(PC_DIR_IN, IPPROTO_TCP, 1450, "10.1.2.3", 3);
	assert_non_null(strstr(pc_event_hint(h, &e, buf, sizeof(buf)), "allow in narrow from"));
	e.dport = 1501;
	assert_non_null(strstr(pc_event_hint(h, &e, buf, sizeof(buf)), "allow in wide from"));
	/* an event of no scope the config has (a reload since): the host's roles */
	e = event(PC_DIR_IN, IPPROTO_TCP, 443, "10.1.2.3", 7);
	assert_non_null(strstr(pc_event_hint(h, &e, buf, sizeof(buf)), "allow in ews from"));
	pc_hint_index_free(h);
	pc_policy_free(&pol);

	/* nobody asks: the catalogue's most specific */
	h = index_of("t.conf", "service wide tcp 1000-2000\nservice narrow tcp 1400-1500\n", &pol);
	e = event(PC_DIR_IN, IPPROTO_TCP, 1450, "10.1.2.3", 0);
	assert_non_null(strstr(pc_event_hint(h, &e, buf, sizeof(buf)), "allow in narrow from"));
	pc_hint_index_free(h);
	pc_policy_free(&pol);
}

/* Events carry the scope ids apply kept by name, not the attachments' positions. */
static void test_hints_by_scope_id(void **state)
{
	static const char text[] =
		"service http tcp 80\n"
		"service ews tcp 80\n"
		"peer x 10.1.0.0/16\n"
		"role web { allow in http from x }\n"
		"role exch { allow in ews from x }\n"
		"attach interface eth1 role web\n"
		"attach interface eth0 role exch\n";
	/* eth0 kept id 0 and eth1 id 1 from a config that attached them the other way */
	struct pc_scope_info si[2] = { { .name = "interface:eth1", .scope = 1 },
				       { .name = "interface:eth0", .scope = 0 } };
	struct pc_tables t = { .scopes = si, .n_scopes = 2 };
	struct pc_hint_index *h;
	struct pc_policy pol;
	struct pc_event e;
	char buf[1024];

	(void)state;
	pc_hint_index_free(index_of("t.conf", text, &pol));
	assert_int_equal(pc_hint_index_build(&pol, &t, &h), 0);
	e = event(PC_DIR_IN, IPPROTO_TCP, 80, "10.1.2.3", 0);
	assert_non_null(strstr(pc_event_hint(h, &e, buf, sizeof(buf)), "allow in ews from"));
	e.scope = 1;
	assert_non_null(strstr(pc_event_hint(h, &e, buf, sizeof(buf)), "allow in http from"));
	pc_hint_index_free(h);
	pc_policy_free(&pol);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hints_paste),
		cmocka_unit_test(test_hints_no_admin_from_internet),
		cmocka_unit_test(test_hints_rank_by_role),
		cmocka_unit_test(test_hints_by_scope_id),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
