// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_query.c - 'portcullis query [--scope S] in|out PROTO/PORT [from|to ADDR]'
 *
 * Judges with the compiled tables (query.c), so the answer is the one the
 * kernel would give to the first packet of the flow. Exit 0 when every
 * judged scope allows it, 1 when one denies it or the config is bad.
 */
#include <string.h>

#include "cli/config.h"
#include "lib/addr.h"
#include "lib/json.h"
#include "lib/names.h"
#include "policy/print.h"
#include "policy/query.h"
#include "policy/resolve.h"

#define UNJUDGED "never judged (IPv6 neighbour discovery and MLD always pass)"

static const char *reason_text(uint8_t reason)
{
	switch (reason) {
	case PC_REASON_NO_RULE: return "no rule for this direction, protocol and port";
	case PC_REASON_PEER: return "a rule has this port, but not for this peer";
	}
	return "denied";
}

static void print_verdict(struct pc_ctx *ctx, struct pc_json *j, const struct pc_tables *t,
			  const struct pc_scope_info *s, const char *flow, const struct pc_verdict *v)
{
	const struct pc_rule_origin *o = v->allowed && !v->unjudged ? &t->origins[v->rule_id] : NULL;
	char where[512];

	if (o)
		pc_origin_format(o, where, sizeof(where));
	if (ctx->json) {
		pc_json_begin_object(j);
		pc_json_key(j, "scope"); pc_json_string(j, s->name);
		pc_json_key(j, "verdict"); pc_json_string(j, v->allowed ? "allow" : "deny");
		if (v->unjudged) {
			pc_json_key(j, "reason"); pc_json_string(j, UNJUDGED);
		} else if (o) {
			pc_json_key(j, "rule"); pc_json_string(j, where);
			pc_json_key(j, "role"); pc_json_string(j, o->role);
			pc_json_key(j, "service"); pc_json_string(j, o->service);
			pc_json_key(j, "peer"); pc_json_string(j, o->peer);
		} else {
			pc_json_key(j, "reason"); pc_json_string(j, reason_text(v->reason));
		}
		pc_json_end_object(j);
		return;
	}
	if (v->unjudged)
		fprintf(ctx->out, "allow %s %s: %s\n", s->name, flow, UNJUDGED);
	else if (o)
		fprintf(ctx->out, "allow %s %s: %s (role %s, service %s, %s %s)\n", s->name, flow,
			where, o->role, o->service, o->dir == PC_DIR_IN ? "from" : "to", o->peer);
	else
		fprintf(ctx->out, "deny  %s %s: %s\n", s->name, flow, reason_text(v->reason));
}

int cmd_query(struct pc_ctx *ctx, int argc, char **argv)
{
	const char *scope = NULL, *addr = NULL;
	struct pc_flow f = { 0 };
	struct pc_addr a;
	struct pc_config cfg;
	struct pc_json j;
	char flow[256];
	unsigned int dir;
	int i = 1, judged = 0, denied = 0, err;
	size_t s;

	if (i + 1 < argc && !strcmp(argv[i], "--scope")) {
		scope = argv[i + 1];
		i += 2;
	}
	if (argc - i != 2 && argc - i != 4)
		return pc_usage(ctx, "usage: query [--scope S] in|out PROTO/PORT [from|to ADDR]");
	if (pc_name_parse(&pc_names_dir, argv[i], &dir))
		return pc_usage(ctx, "direction '%s': give 'in' or 'out'", argv[i]);
	f.dir = (int)dir;
	err = pc_flow_parse_proto_port(argv[i + 1], &f);
	if (err)
		return pc_usage(ctx, "'%s': give PROTO/PORT, e.g. tcp/443, udp/53, icmp/echo-request",
				argv[i + 1]);
	if (argc - i == 4) {
		const char *word = f.dir == PC_DIR_IN ? "from" : "to";

		if (strcmp(argv[i + 2], word))
			return pc_usage(ctx, "'%s': a flow %s is judged '%s ADDR'", argv[i + 2],
					argv[i], word);
		addr = argv[i + 3];
		/* One address: a prefix would judge many flows at once. */
		if (pc_addr_parse(addr, strlen(addr), &a) || a.plen != 128)
			return pc_usage(ctx, "'%s' is not an IPv4 or IPv6 address", addr);
		f.has_addr = true;
		memcpy(f.addr, a.addr, 16);
	}
	if (addr)
		snprintf(flow, sizeof(flow), "%s %s %s %s", argv[i], argv[i + 1], argv[i + 2], addr);
	else
		snprintf(flow, sizeof(flow), "%s %s", argv[i], argv[i + 1]);

	err = pc_config_load(ctx, ctx->config, true, &cfg);
	if (err) {
		pc_config_free(&cfg);
		return PC_EXIT_FAIL;
	}
	pc_json_init(&j, ctx->out);
	if (ctx->json)
		pc_json_begin_array(&j);
	for (s = 0; s < cfg.tables.n_scopes; s++) {
		struct pc_verdict v;

		if (!pc_scope_matches(cfg.tables.scopes[s].name, scope))
			continue;
		pc_query(&cfg.tables, (uint32_t)s, &f, &v);
		print_verdict(ctx, &j, &cfg.tables, &cfg.tables.scopes[s], flow, &v);
		judged++;
		denied += !v.allowed;
	}
	if (ctx->json)
		pc_json_end_array(&j);
	pc_config_free(&cfg);
	if (!judged)
		return scope ? pc_fail(ctx, "no attached scope '%s' in %s", scope, ctx->config)
			     : pc_fail(ctx, "%s attaches nothing; query judges attached scopes",
				       ctx->config);
	if (!addr && denied)
		fprintf(ctx->err, "portcullis: rules for some peers may exist: give '%s ADDR' to judge one\n",
			f.dir == PC_DIR_IN ? "from" : "to");
	return denied ? PC_EXIT_FAIL : PC_EXIT_OK;
}
