// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_status.c - 'status': what runs, its scopes, modes and counters,
 * read through the pinned maps (pinned.h), without the daemon.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "kernel/attach.h"
#include "kernel/gen.h"
#include "kernel/instance.h"
#include "kernel/lock.h"
#include "kernel/pinned.h"
#include "kernel/state.h"
#include "lib/json.h"
#include "lib/names.h"

static void print_scope_json(struct pc_json *j, const struct pc_state_scope *s, uint32_t mode,
			     bool live, const struct pc_stats *c)
{
	pc_json_begin_object(j);
	pc_json_key(j, "name"); pc_json_string(j, s->name);
	pc_json_key(j, "attach"); pc_json_string(j, s->how);
	pc_json_key(j, "mode"); pc_json_string(j, pc_mode_name(mode));
	pc_json_key(j, "live"); pc_json_bool(j, live);
	pc_json_key(j, "allowed"); pc_json_uint(j, c->allowed);
	pc_json_key(j, "denied"); pc_json_uint(j, c->denied);
	pc_json_key(j, "audited"); pc_json_uint(j, c->audited);
	pc_json_key(j, "malformed"); pc_json_uint(j, c->malformed);
	pc_json_end_object(j);
}

int cmd_status(struct pc_ctx *ctx, int argc, char **argv)
{
	struct pc_state *st = calloc(1, sizeof(*st));
	struct pc_pinned p = PC_PINNED_INIT;
	struct pc_json j;
	char when[64];
	struct tm tm;
	int i, pid, ret = PC_EXIT_FAIL;

	if (!st)
		return pc_fail(ctx, "out of memory");
	if (argc > 1 && !(argc == 2 && !strcmp(argv[1], "--json"))) {
		free(st);
		return pc_usage(ctx, "usage: status [--json]");
	}
	if (argc == 2)
		ctx->json = true;
	if (pc_open_instance(&ctx->lib, st, &p))
		goto out;
	pid = pc_pidfile_live(ctx->lib.run_dir);
	gmtime_r(&st->loaded, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	pc_json_init(&j, ctx->out);
	if (ctx->json) {
		pc_json_begin_object(&j);
		pc_json_key(&j, "running"); pc_json_bool(&j, pid > 0);
		pc_json_key(&j, "pid"); pc_json_int(&j, pid);
		pc_json_key(&j, "config"); pc_json_string(&j, st->config);
		pc_json_key(&j, "pin_dir"); pc_json_string(&j, st->pin_dir);
		pc_json_key(&j, "digest"); pc_json_string(&j, st->digest);
		pc_json_key(&j, "loaded"); pc_json_string(&j, when);
		pc_json_key(&j, "failsafe"); pc_json_bool(&j, st->failsafe);
		pc_json_key(&j, "scopes");
		pc_json_begin_array(&j);
	} else {
		if (pid)
			fprintf(ctx->out, "daemon:   running (pid %d)\n", pid);
		else
			fprintf(ctx->out, "daemon:   not running (enforcement stays pinned in %s)\n",
				st->pin_dir);
		fprintf(ctx->out, "config:   %s\npolicy:   %s, loaded %s\n", st->config, st->digest,
			when);
		fprintf(ctx->out, "failsafe: %s\n", st->failsafe
			? "on (ssh in; dns, dhcp out: 'failsafe off' in the config drops it)" : "off");
		fprintf(ctx->out, "%-40s %-7s %-8s %12s %12s %12s\n", "SCOPE", "HOOK", "MODE",
			"ALLOWED", "DENIED", "AUDITED");
	}
	for (i = 0; i < st->n_scopes; i++) {
		struct pc_stats c = { 0 };
		uint32_t mode = st->scopes[i].mode;
		/* Its hooks judge only while its target is the one they hang on. */
		bool live = pc_scope_live(st->scopes[i].name, st->scopes[i].id);
		const char *how = live || !strcmp(st->scopes[i].how, "pending") ? st->scopes[i].how
										  : "stale";

		pc_gen_get_mode(&p.maps, (uint32_t)i, &mode);
		pc_gen_read_stats(p.stats_fd, (uint32_t)i, &c);
		if (ctx->json)
			print_scope_json(&j, &st->scopes[i], mode, live, &c);
		else
			fprintf(ctx->out, "%-40s %-7s %-8s %12llu %12llu %12llu\n", st->scopes[i].name,
				how, pc_mode_name(mode), (unsigned long long)c.allowed,
				(unsigned long long)c.denied, (unsigned long long)c.audited);
	}
	if (ctx->json) {
		pc_json_end_array(&j);
		pc_json_end_object(&j);
	}
	ret = PC_EXIT_OK;
out:
	pc_pinned_close(&p);
	free(st);
	return ret;
}
