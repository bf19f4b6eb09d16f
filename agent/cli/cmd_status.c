// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_status.c - 'status': what runs, its scopes, modes and counters,
 * read through the pinned maps (pinned.h), without the daemon.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "cli/cli.h"
#include "kernel/attach.h"
#include "kernel/bpffs.h"
#include "kernel/gen.h"
#include "kernel/instance.h"
#include "kernel/lock.h"
#include "kernel/pinned.h"
#include "kernel/state.h"
#include "lib/json.h"
#include "lib/names.h"

/* Where our tc programs run in a tcx scope's chains (pc_tcx_position()). */
struct chain_pos {
	unsigned int pos[2], of[2];	/* [0] ingress, [1] egress; of 0: not known */
};

static uint32_t pinned_prog_id(const char *pin_dir, const char *name)
{
	struct bpf_prog_info info = { 0 };
	uint32_t len = sizeof(info);
	char path[PATH_MAX];
	int fd;

	if (pc_pin_path(path, sizeof(path), pin_dir, "progs", name))
		return 0;
	fd = bpf_obj_get(path);
	if (fd < 0)
		return 0;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		info.id = 0;
	close(fd);
	return info.id;
}

static void chain_of(const char *pin_dir, const struct pc_state_scope *s, struct chain_pos *c)
{
	static const char *const progs[2] = { "tc_ingress", "tc_egress" };
	static const int types[2] = { BPF_TCX_INGRESS, BPF_TCX_EGRESS };
	int k;

	memset(c, 0, sizeof(*c));
	if (strcmp(s->how, "tcx"))
		return;
	for (k = 0; k < 2; k++)
		pc_tcx_position((int)s->id, (enum bpf_attach_type)types[k],
				pinned_prog_id(pin_dir, progs[k]), &c->pos[k], &c->of[k]);
}

static void print_scope_json(struct pc_json *j, const struct pc_state_scope *s, uint32_t mode,
			     bool live, const struct pc_stats *c, const struct chain_pos *cp)
{
	static const char *const dirs[2] = { "ingress", "egress" };
	int k;

	pc_json_begin_object(j);
	pc_json_key(j, "name"); pc_json_string(j, s->name);
	pc_json_key(j, "attach"); pc_json_string(j, s->how);
	pc_json_key(j, "mode"); pc_json_string(j, pc_mode_name(mode));
	pc_json_key(j, "live"); pc_json_bool(j, live);
	pc_json_key(j, "allowed"); pc_json_uint(j, c->allowed);
	pc_json_key(j, "denied"); pc_json_uint(j, c->denied);
	pc_json_key(j, "audited"); pc_json_uint(j, c->audited);
	pc_json_key(j, "malformed"); pc_json_uint(j, c->malformed);
	if (cp->of[0] || cp->of[1]) {
		/* position 1: no program runs before ours to pass what we never see */
		pc_json_key(j, "tcx");
		pc_json_begin_object(j);
		for (k = 0; k < 2; k++) {
			pc_json_key(j, dirs[k]);
			pc_json_begin_object(j);
			pc_json_key(j, "position"); pc_json_uint(j, cp->pos[k]);
			pc_json_key(j, "of"); pc_json_uint(j, cp->of[k]);
			pc_json_end_object(j);
		}
		pc_json_end_object(j);
	}
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
		pc_confirm_show(ctx, &j);
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
		pc_confirm_show(ctx, &j);
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
		/* A link whose pin is gone, with no daemon holding it, is detached. */
		unsigned int unpinned = pc_scope_links_missing(st->pin_dir, st->scopes[i].name,
							       st->scopes[i].how, st->scopes[i].id);
		struct chain_pos cp;
		int k;

		chain_of(st->pin_dir, &st->scopes[i], &cp);
		if (unpinned && !pid) {
			live = false;
			how = "lost";
		}

		pc_gen_get_mode(&p.maps, st->scopes[i].scope, &mode);
		pc_gen_read_stats(p.stats_fd, st->scopes[i].scope, &c);
		if (ctx->json)
			print_scope_json(&j, &st->scopes[i], mode, live, &c, &cp);
		else
			fprintf(ctx->out, "%-40s %-7s %-8s %12llu %12llu %12llu\n", st->scopes[i].name,
				how, pc_mode_name(mode), (unsigned long long)c.allowed,
				(unsigned long long)c.denied, (unsigned long long)c.audited);
		if (!ctx->json && unpinned)
			fprintf(ctx->out, "  %u of its link pins are gone from %s/links: %s\n",
				unpinned, st->pin_dir, pid ? "the daemon pins them again"
				: "those hooks are detached; apply again");
		for (k = 0; !ctx->json && k < 2; k++) {
			const char *dir = k ? "egress" : "ingress";

			if (cp.of[k] && !cp.pos[k])
				fprintf(ctx->out, "  %s: portcullis is not in the tcx chain (%u other "
					"programs): apply again\n", dir, cp.of[k]);
			else if (cp.pos[k] > 1)
				fprintf(ctx->out, "  %s: %u tcx program(s) run before portcullis and "
					"can pass what it never sees\n", dir, cp.pos[k] - 1);
		}
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
