// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_roles.c - 'roles [ROLE]': each role's rules as resolved, with the
 * rule and role they come from.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/config.h"
#include "lib/json.h"
#include "lib/names.h"
#include "policy/print.h"
#include "policy/resolve.h"

static void print_role_rules(struct pc_ctx *ctx, struct pc_json *j, const struct pc_flat_rule *r,
			     size_t n)
{
	char ports[1024], where[512];
	size_t i;

	for (i = 0; i < n; i++) {
		const char *peer = r[i].rule->peer.name ? r[i].rule->peer.name : "any";
		const char *dir = pc_name_of(&pc_names_dir, (unsigned int)r[i].rule->dir);

		pc_service_format_ports(r[i].service, ports, sizeof(ports));
		pc_loc_format(&r[i].rule->loc, where, sizeof(where));
		if (ctx->json) {
			pc_json_begin_object(j);
			pc_json_key(j, "dir"); pc_json_string(j, dir);
			pc_json_key(j, "service"); pc_json_string(j, r[i].service->name);
			pc_json_key(j, "ports"); pc_json_string(j, ports);
			pc_json_key(j, "peer"); pc_json_string(j, peer);
			pc_json_key(j, "role"); pc_json_string(j, r[i].role->name);
			pc_json_key(j, "rule"); pc_json_string(j, where);
			pc_json_end_object(j);
		} else {
			fprintf(ctx->out, "  allow %-3s %-16s %-4s %-18s %-28s %s (%s)\n", dir,
				r[i].service->name, r[i].rule->dir == PC_DIR_IN ? "from" : "to", peer,
				ports, where, r[i].role->name);
		}
	}
}

const struct pc_opt pc_opts_roles[] = { { 0 } };

int cmd_roles(struct pc_ctx *ctx, int argc, char **argv)
{
	const char *which = NULL;
	struct pc_config cfg;
	const char *shown;
	struct pc_flat_rule *rules = NULL;
	struct pc_json j;
	size_t i, n = 0;
	int ret = PC_EXIT_OK;

	if (pc_opt_words(ctx, "roles", argc, argv, &which))
		return PC_EXIT_USAGE;
	if (pc_config_load_listing(ctx, &cfg, &shown)) {
		pc_config_free(&cfg);
		return PC_EXIT_FAIL;
	}
	pc_json_init(&j, ctx->out);
	if (!which) {
		if (ctx->json)
			pc_json_begin_array(&j);
		for (i = 0; i < cfg.policy.n_roles; i++) {
			const struct pc_role *r = &cfg.policy.roles[i];

			if (ctx->json) {
				pc_json_begin_object(&j);
				pc_json_key(&j, "name"); pc_json_string(&j, r->name);
				pc_json_key(&j, "source"); pc_json_string(&j, r->source);
				pc_json_end_object(&j);
			} else {
				fprintf(ctx->out, "%-18s %s\n", r->name, r->source ? r->source : "");
			}
		}
		if (ctx->json)
			pc_json_end_array(&j);
		goto out;
	}
	{
		const struct pc_role *role = pc_policy_role(&cfg.policy, which);

		if (!role) {
			ret = pc_fail(ctx, "no role '%s' in %s; 'portcullis roles' lists them", which,
				      shown);
			goto out;
		}
		if (pc_resolve_role(&cfg.policy, role, &ctx->lib.diag, &rules, &n)) {
			ret = pc_fail(ctx, "role '%s' does not resolve; run 'portcullis check'", which);
			goto out;
		}
		if (ctx->json) {
			pc_json_begin_object(&j);
			pc_json_key(&j, "name"); pc_json_string(&j, role->name);
			pc_json_key(&j, "source"); pc_json_string(&j, role->source);
			pc_json_key(&j, "rules");
			pc_json_begin_array(&j);
			print_role_rules(ctx, &j, rules, n);
			pc_json_end_array(&j);
			pc_json_end_object(&j);
		} else {
			fprintf(ctx->out, "role %s\n  source: %s\n", role->name,
				role->source ? role->source : "-");
			print_role_rules(ctx, &j, rules, n);
		}
	}
out:
	free(rules);
	pc_config_free(&cfg);
	return ret;
}
