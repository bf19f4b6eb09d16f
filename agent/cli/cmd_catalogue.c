// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_catalogue.c - 'catalogue [SERVICE]': the services the config (and
 * what it includes) defines, with the sources they cite.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/config.h"
#include "lib/json.h"
#include "policy/print.h"

static void service_json(struct pc_json *j, const struct pc_service *s)
{
	char ports[1024], where[512];

	pc_service_format_ports(s, ports, sizeof(ports));
	pc_loc_format(&s->loc, where, sizeof(where));
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

const struct pc_opt pc_opts_catalogue[] = { { 0 } };

int cmd_catalogue(struct pc_ctx *ctx, int argc, char **argv)
{
	const char *which = NULL;
	struct pc_config cfg;
	const char *shown;
	struct pc_json j;
	char ports[1024], where[512];
	size_t i;

	if (pc_opt_words(ctx, "catalogue", argc, argv, &which))
		return PC_EXIT_USAGE;
	if (pc_config_load_listing(ctx, &cfg, &shown)) {
		pc_config_free(&cfg);
		return PC_EXIT_FAIL;
	}
	pc_json_init(&j, ctx->out);
	if (which) {
		const struct pc_service *s = pc_policy_service(&cfg.policy, which);

		if (!s) {
			pc_config_free(&cfg);
			return pc_fail(ctx, "no service '%s' in %s; 'portcullis catalogue' lists them",
				       which, shown);
		}
		pc_service_format_ports(s, ports, sizeof(ports));
		pc_loc_format(&s->loc, where, sizeof(where));
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
