// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* cmd_check.c - 'portcullis check [FILE]': a dry run of apply. */
#include "cli/config.h"
#include "kernel/sockcg.h"
#include "lib/json.h"

int cmd_check(struct pc_ctx *ctx, int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : ctx->config;
	struct pc_config cfg;
	const struct pc_tables *t = &cfg.tables;
	size_t i;
	int err;

	if (argc > 2)
		return pc_usage(ctx, "check takes at most one FILE");
	err = pc_config_load(ctx, path, true, &cfg);
	if (err) {
		pc_config_free(&cfg);
		return PC_EXIT_FAIL;
	}
	/* Sockets its cgroup scopes would hold but never judge, where they run here. */
	for (i = 0; i < t->n_scopes; i++)
		if (t->scopes[i].kind == PC_SCOPE_CGROUP)
			pc_sockcg_warn(&ctx->lib.diag, t->scopes[i].name, t->scopes[i].target);
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
