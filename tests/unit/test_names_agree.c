// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_names_agree.c - the parser, the printer 'catalogue' and 'roles'
 * use, 'query' and the text form of 'events' take and give the same
 * protocol and ICMP type names: every row of lib/names.c goes through all
 * four.
 *
 * Before the tables were shared, 'service sq icmp source-quench' passed
 * 'check' while 'catalogue' printed 'icmp 4' and 'query in
 * icmp/source-quench' was a usage error.
 */
#include <netinet/in.h>

#include "compile_helpers.h"
#include "events/format.h"
#include "lib/names.h"
#include "policy/print.h"

/* One service of PROTO NAME: parsed to VALUE, printed back as written. */
static void service_round_trip(const char *proto, const char *name, unsigned int value)
{
	struct compiled c;
	char text[128], want[64], ports[64];
	const struct pc_service *s;

	snprintf(text, sizeof(text), "service s %s %s\n", proto, name);
	compile_text(&c, "t.conf", text, NULL);
	if (c.n_errors)
		print_error("%s", c.diag_text);
	assert_int_equal(c.n_errors, 0);
	s = pc_policy_service(&c.policy, "s");
	assert_non_null(s);
	assert_int_equal(s->n_ports, 1);
	assert_int_equal(s->ports[0].lo, value);
	assert_int_equal(s->ports[0].hi, value);
	pc_service_format_ports(s, ports, sizeof(ports));
	snprintf(want, sizeof(want), "%s %s", proto, name);
	assert_string_equal(ports, want);
	compiled_free(&c);
}

/* 'query' takes PROTO/NAME as the parser takes 'PROTO NAME'. */
static void query_takes(const char *proto, unsigned int proto_num, const char *name,
			unsigned int value)
{
	struct pc_flow f = { 0 };
	char arg[64];

	snprintf(arg, sizeof(arg), "%s/%s", proto, name);
	assert_int_equal(pc_flow_parse_proto_port(arg, &f), 0);
	assert_int_equal(f.proto, proto_num);
	assert_int_equal(f.port, value);
}

/* An event of PROTO type VALUE reads as NAME in 'events' (a logged line, parsed). */
static void event_prints(const char *proto, unsigned int value, const char *name)
{
	struct pc_event_rec r;
	char line[512], text[256], want[64];

	snprintf(line, sizeof(line),
		 "{\"ts\":\"2026-11-22T18:00:00.123456789Z\",\"verdict\":\"deny\","
		 "\"scope\":\"interface:eth0\",\"roles\":[],\"dir\":\"in\",\"proto\":\"%s\","
		 "\"src\":\"10.0.0.7\",\"sport\":0,\"dst\":\"10.0.0.2\",\"dport\":%u,"
		 "\"count\":1}", proto, value);
	assert_int_equal(pc_event_parse_json(line, &r), 0);
	pc_event_format_text(text, sizeof(text), &r);
	snprintf(want, sizeof(want), " 10.0.0.7 > 10.0.0.2 %s ", name);
	if (!strstr(text, want))
		fail_msg("'%s' lacks '%s'", text, want);
}

static void test_every_icmp_name_everywhere(void **state)
{
	static const struct { const char *proto; unsigned int num; const struct pc_names *t; } fam[] = {
		{ "icmp", IPPROTO_ICMP, &pc_names_icmp },
		{ "icmpv6", IPPROTO_ICMPV6, &pc_names_icmp6 },
	};
	size_t f, i;

	for (f = 0; f < 2; f++) {
		assert_ptr_equal(pc_names_icmp_of((uint8_t)fam[f].num), fam[f].t);
		for (i = 0; i < fam[f].t->n; i++) {
			const struct pc_name_val *v = &fam[f].t->v[i];

			service_round_trip(fam[f].proto, v->name, v->value);
			query_takes(fam[f].proto, fam[f].num, v->name, v->value);
			event_prints(fam[f].proto, v->value, v->name);
		}
	}
}

/* The bug as reported: one name the parser knew and the others did not. */
static void test_source_quench(void **state)
{
	service_round_trip("icmp", "source-quench", 4);
	query_takes("icmp", IPPROTO_ICMP, "source-quench", 4);
	query_takes("icmpv6", IPPROTO_ICMPV6, "mld-listener-done", 132);
	event_prints("icmp", 4, "source-quench");
}

/* An unnamed type prints as its number, and reads back as one. */
static void test_unnamed_type_is_a_number(void **state)
{
	service_round_trip("icmp", "200", 200);
	service_round_trip("icmpv6", "143", 143);
	query_takes("icmp", IPPROTO_ICMP, "200", 200);
}

/* Every protocol name; a port for the two that have ports. */
static void test_every_protocol_name(void **state)
{
	size_t i;

	for (i = 0; i < pc_names_proto.n; i++) {
		const struct pc_name_val *v = &pc_names_proto.v[i];
		const char *item = pc_names_icmp_of((uint8_t)v->value) ? "200" : "80";

		service_round_trip(v->name, item, (unsigned int)atoi(item));
		query_takes(v->name, v->value, item, (unsigned int)atoi(item));
	}
}

/* A name of the other family is not taken. */
static void test_family_names_kept_apart(void **state)
{
	struct pc_flow f = { 0 };

	assert_int_not_equal(pc_flow_parse_proto_port("icmp/packet-too-big", &f), 0);
	assert_int_not_equal(pc_flow_parse_proto_port("icmpv6/source-quench", &f), 0);
	assert_int_not_equal(pc_flow_parse_proto_port("sctp/80", &f), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_icmp_name_everywhere),
		cmocka_unit_test(test_source_quench),
		cmocka_unit_test(test_unnamed_type_is_a_number),
		cmocka_unit_test(test_every_protocol_name),
		cmocka_unit_test(test_family_names_kept_apart),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
