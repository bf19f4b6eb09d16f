// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_catalogue.c - 'catalogue [SERVICE]' and 'roles [ROLE]': what the
 * config (and what it includes) defines, with the sources it cites.
 */
#include <string.h>

#include "config.h"
#include "json.h"
#include "policy_print.h"
#include <stdlib.h>

#include "policy_resolve.h"

static void loc_format(const struct pc_loc *l, char *buf, size_t len)
{
	snprintf(buf, len, "%s:%d", l->file ? l->file->path : "<input>", l->line);
}

static void service_json(struct pc_json *j, const struct pc_service *s)
{
	char ports[1024], where[512];

	pc_service_format_ports(s, ports, sizeof(ports));
	loc_format(&s->loc, where, sizeof(where));
	pc_json_begin_object(j);
	pc_json_key(j, "name"); pc_json_string(j, s->name);
	pc_json_key(j, "ports"); pc_json_string(j, ports);
	pc_json_key(j, "description"); pc_json_string(j, s->desc);
	pc_json_key(j, "source"); pc_json_string(j, s->source);
	pc_json_key(j, "defined"); pc_json_string(j, where);
	pc_json_key(j, "override"); pc_json_bool(j, s->override);
	pc_json_end_object(j);
}

/* The definition that counts: overrides come later and win. */
static bool is_current(const struct pc_policy *p, const struct pc_service *s)
{
	return pc_policy_service(p, s->name) == s;
}

int cmd_catalogue(struct pc_ctx *ctx, int argc, char **argv)
{
	struct pc_config cfg;
	struct pc_json j;
	char ports[1024], where[512];
	size_t i;

	if (argc > 2)
		return pc_usage(ctx, "usage: catalogue [SERVICE]");
	if (pc_config_load(ctx, ctx->config, false, &cfg)) {
		pc_config_free(&cfg);
		return PC_EXIT_FAIL;
	}
	pc_json_init(&j, ctx->out);
	if (argc == 2) {
		const struct pc_service *s = pc_policy_service(&cfg.policy, argv[1]);

		if (!s) {
			pc_config_free(&cfg);
			return pc_fail(ctx, "no service '%s' in %s; 'portcullis catalogue' lists them",
				       argv[1], ctx->config);
		}
		pc_service_format_ports(s, ports, sizeof(ports));
		loc_format(&s->loc, where, sizeof(where));
		if (ctx->json) {
			service_json(&j, s);
		} else {
			fprintf(ctx->out, "service %s\n  ports:       %s\n", s->name, ports);
			fprintf(ctx->out, "  description: %s\n", s->desc ? s->desc : "-");
			fprintf(ctx->out, "  source:      %s\n", s->source ? s->source : "-");
			fprintf(ctx->out, "  defined:     %s%s\n", where,
				s->override ? " (override)" : "");
		}
		pc_config_free(&cfg);
		return PC_EXIT_OK;
	}
	if (ctx->json)
		pc_json_begin_array(&j);
	for (i = 0; i < cfg.policy.n_services; i++) {
		const struct pc_service *s = &cfg.policy.services[i];

		if (!is_current(&cfg.policy, s))
			continue;
		if (ctx->json) {
			service_json(&j, s);
			continue;
		}
		pc_service_format_ports(s, ports, sizeof(ports));
		fprintf(ctx->out, "%-22s %-32s %s\n", s->name, ports, s->desc ? s->desc : "");
	}
	if (ctx->json)
		pc_json_end_array(&j);
	pc_config_free(&cfg);
	return PC_EXIT_OK;
}

static void print_role_rules(struct pc_ctx *ctx, struct pc_json *j, const struct pc_flat_rule *r,
			     size_t n)
{
	char ports[1024], where[512];
	size_t i;

	for (i = 0; i < n; i++) {
		const char *peer = r[i].rule->peer.name ? r[i].rule->peer.name : "any";
		const char *dir = r[i].rule->dir == PC_DIR_IN ? "in" : "out";

		pc_service_format_ports(r[i].service, ports, sizeof(ports));
		loc_format(&r[i].rule->loc, where, sizeof(where));
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

int cmd_roles(struct pc_ctx *ctx, int argc, char **argv)
{
	struct pc_config cfg;
	struct pc_flat_rule *rules = NULL;
	struct pc_diag diag;
	struct pc_json j;
	size_t i, n = 0;
	int ret = PC_EXIT_OK;

	if (argc > 2)
		return pc_usage(ctx, "usage: roles [ROLE]");
	if (pc_config_load(ctx, ctx->config, false, &cfg)) {
		pc_config_free(&cfg);
		return PC_EXIT_FAIL;
	}
	pc_json_init(&j, ctx->out);
	if (argc == 1) {
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
		const struct pc_role *role = pc_policy_role(&cfg.policy, argv[1]);

		if (!role) {
			ret = pc_fail(ctx, "no role '%s' in %s; 'portcullis roles' lists them", argv[1],
				      ctx->config);
			goto out;
		}
		pc_diag_init(&diag, ctx->err);
		if (pc_resolve_role(&cfg.policy, role, &diag, &rules, &n)) {
			ret = pc_fail(ctx, "role '%s' does not resolve; run 'portcullis check'", argv[1]);
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
