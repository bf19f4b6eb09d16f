// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_check.c - 'portcullis check [FILE] [--force]': a dry run of apply,
 * and what this host makes of the config: attachments it refuses or
 * cannot judge, and whether enforcing it locks the operator out.
 */
#include <string.h>

#include "cli/config.h"
#include "cli/lockout.h"
#include "kernel/host.h"
#include "kernel/sockcg.h"
#include "lib/json.h"

enum { OPT_FORCE = 1 };

const struct pc_opt pc_opts_check[] = {
	PC_OPT_ROW_FORCE(OPT_FORCE),
	{ 0 },
};

int cmd_check(struct pc_ctx *ctx, int argc, char **argv)
{
	struct pc_opt_parser args;
	const char *path = NULL;
	struct pc_config cfg;
	const struct pc_tables *t = &cfg.tables;
	bool force = false;
	unsigned int n;
	size_t k;
	int opt, err;

	pc_opt_begin(&args, ctx, "check", argc, argv);
	while ((opt = pc_opt_next(&args)) != PC_OPT_END) {
		if (opt == OPT_FORCE)
			force = true;
		else if (opt == PC_OPT_WORD && !path)
			path = args.arg;
		else if (opt == PC_OPT_WORD)
			return pc_opt_usage(&args, "check takes at most one FILE");
		else
			return PC_EXIT_USAGE;
	}
	if (!path)
		path = ctx->config;
	err = pc_config_load(ctx, path, true, &cfg);
	if (err) {
		pc_config_free(&cfg);
		return PC_EXIT_FAIL;
	}
	/* Sockets its cgroup scopes would hold but never judge, where they run here. */
	for (k = 0; k < t->n_scopes; k++)
		if (t->scopes[k].kind == PC_SCOPE_CGROUP)
			pc_sockcg_warn(&ctx->lib.diag, t->scopes[k].name, t->scopes[k].target);
	n = pc_host_lint(&cfg.policy, &ctx->lib.diag);
	n += pc_cli_lockout_config(ctx, t, force);
	if (n) {
		pc_diag_add(&ctx->lib.diag, PC_DIAG_NOTE, PC_DIAG_BARE, NULL, NULL,
			    "%u error%s in %s on this host", n,
			    n == 1 ? "" : "s", path);
		pc_config_free(&cfg);
		return PC_EXIT_FAIL;
	}
	if (ctx->json) {
		struct pc_json j;

		pc_json_init(&j, ctx->out);
		pc_json_begin_object(&j);
		pc_json_key(&j, "config"); pc_json_string(&j, path);
		pc_json_key(&j, "ok"); pc_json_bool(&j, true);
		pc_json_key(&j, "scopes"); pc_json_uint(&j, t->n_scopes);
		pc_json_key(&j, "rule_entries"); pc_json_uint(&j, t->n_rules);
		pc_json_key(&j, "peer_prefixes"); pc_json_uint(&j, t->n_exact + t->n_peers);
		pc_json_key(&j, "peer_prefixes_in_trie"); pc_json_uint(&j, t->n_peers);
		pc_json_key(&j, "peer_sets"); pc_json_uint(&j, t->n_peer_sets);
		pc_json_key(&j, "failsafe"); pc_json_bool(&j, t->failsafe);
		pc_json_key(&j, "digest"); pc_json_string(&j, t->digest);
		pc_json_end_object(&j);
	} else {
		fprintf(ctx->out,
			"%s: ok: %zu scope%s, %zu rule entries, %zu peer prefixes in %u sets "
			"(%zu in the trie), failsafe %s, digest %s\n",
			path, t->n_scopes, t->n_scopes == 1 ? "" : "s", t->n_rules,
			t->n_exact + t->n_peers, t->n_peer_sets, t->n_peers,
			t->failsafe ? "on" : "off", t->digest);
	}
	pc_config_free(&cfg);
	return PC_EXIT_OK;
}
