// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_status.c - 'status': what runs, its scopes, modes and counters,
 * read through the pinned maps (pinned.h), without the daemon.
 */
#include <arpa/inet.h>
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
#include "kernel/sockcg.h"
#include "kernel/state.h"
#include "kernel/tcfilter.h"
#include "lib/json.h"
#include "lib/names.h"

/* Where our tc programs run among the others on a scope's interface: in
 * the tcx chains (pc_tcx_position()) or the clsact filters (tcfilter.h). */
struct chain_pos {
	const char *kind;		/* "tcx" or "clsact"; NULL: no interface scope */
	const char *item;		/* what runs there: "program" or "filter" */
	unsigned int pos[2], of[2];	/* [0] ingress, [1] egress; of 0: not known */
	struct pc_tcfilter *filters[2];	/* clsact: every filter, in the order they run */
	size_t n_filters[2];
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
	size_t i;
	int k;

	memset(c, 0, sizeof(*c));
	if (!strcmp(s->how, "tcx")) {
		c->kind = "tcx";
		c->item = "program";
		for (k = 0; k < 2; k++)
			pc_tcx_position((int)s->id, (enum bpf_attach_type)types[k],
					pinned_prog_id(pin_dir, progs[k]), &c->pos[k], &c->of[k]);
	} else if (!strcmp(s->how, "clsact")) {
		c->kind = "clsact";
		c->item = "filter";
		for (k = 0; k < 2; k++) {
			/* A hook we cannot list stays "not known" (of 0), as for tcx. */
			if (pc_tcfilter_list((int)s->id, k, &c->filters[k], &c->n_filters[k]))
				continue;
			c->of[k] = (unsigned int)c->n_filters[k];
			for (i = 0; i < c->n_filters[k]; i++)
				if (c->filters[k][i].ours)
					c->pos[k] = (unsigned int)i + 1;
		}
	}
}

static void chain_free(struct chain_pos *c)
{
	free(c->filters[0]);
	free(c->filters[1]);
}

static void print_filters_json(struct pc_json *j, const struct pc_tcfilter *f, size_t n)
{
	size_t i;

	pc_json_key(j, "filters");
	pc_json_begin_array(j);
	for (i = 0; i < n; i++) {
		pc_json_begin_object(j);
		pc_json_key(j, "priority"); pc_json_uint(j, f[i].priority);
		pc_json_key(j, "handle"); pc_json_uint(j, f[i].handle);
		pc_json_key(j, "kind"); pc_json_string(j, f[i].kind);
		pc_json_key(j, "protocol"); pc_json_uint(j, f[i].protocol);
		if (f[i].bpf_id) {
			pc_json_key(j, "bpf_name"); pc_json_string(j, f[i].bpf_name);
			pc_json_key(j, "bpf_id"); pc_json_uint(j, f[i].bpf_id);
		}
		pc_json_key(j, "portcullis"); pc_json_bool(j, f[i].ours);
		pc_json_end_object(j);
	}
	pc_json_end_array(j);
}

/* In text, a hook's filters only when others share it: that is when order matters. */
static void print_filters_text(FILE *out, const char *dir, const struct pc_tcfilter *f, size_t n)
{
	size_t i;

	if (n < 2)
		return;
	fprintf(out, "  %s: clsact filters, in the order they run:\n", dir);
	for (i = 0; i < n; i++)
		fprintf(out, "    pref %u handle 0x%x %s%s%s%s\n", f[i].priority, f[i].handle,
			f[i].kind, f[i].bpf_name[0] ? " " : "", f[i].bpf_name,
			f[i].ours ? "  (portcullis)" : "");
}

/* Sockets a cgroup scope's processes hold but its hooks never judge (sockcg.h). */
struct unjudged {
	struct pc_sockcg *v;
	size_t n;
	bool known;	/* looked, and could */
};

/* The text shows this many of them; --json all. */
#define UNJUDGED_SHOWN 20

static void unjudged_of(struct pc_ctx *ctx, const struct pc_state_scope *s, bool live,
			struct unjudged *u)
{
	int err;

	memset(u, 0, sizeof(*u));
	/* A stale scope judges nothing at all, and says so already. */
	if (strcmp(s->how, "cgroup") || !live)
		return;
	err = pc_sockcg_find(s->name + strlen("cgroup:"), &u->v, &u->n);
	if (err)
		pc_diag_warning(&ctx->lib.diag, NULL,
				"%s: could not look for sockets made outside its cgroup: %s",
				s->name, strerror(-err));
	u->known = !err;
}

/* Under KEY, the sockets of U made outside the scope, or (HELD) held outside it. */
static void print_sockets_json(struct pc_json *j, const char *key, const struct unjudged *u,
			       bool held)
{
	char addr[INET6_ADDRSTRLEN];
	size_t i;

	pc_json_key(j, key);
	pc_json_begin_array(j);
	for (i = 0; i < u->n; i++) {
		const struct pc_sockcg *s = &u->v[i];

		if (s->held_outside != held)
			continue;
		pc_sockcg_addr(s, addr, sizeof(addr));
		pc_json_begin_object(j);
		pc_json_key(j, "proto");
		pc_json_string(j, pc_name_of(&pc_names_proto, s->proto));
		pc_json_key(j, "address"); pc_json_string(j, addr);
		pc_json_key(j, "port"); pc_json_uint(j, s->port);
		pc_json_key(j, "state"); pc_json_string(j, pc_sockcg_state(s));
		pc_json_key(j, "pid"); pc_json_int(j, s->pid);
		pc_json_key(j, "comm"); pc_json_string(j, s->comm);
		pc_json_key(j, "cgroup"); pc_json_string(j, s->cgroup[0] ? s->cgroup : NULL);
		pc_json_key(j, "cgroup_id"); pc_json_uint(j, s->cgroup_id);
		pc_json_end_object(j);
	}
	pc_json_end_array(j);
}

/* As print_sockets_json(), in text: LABEL a line, at most UNJUDGED_SHOWN, then why. */
static void print_sockets_text(FILE *out, const char *label, const struct unjudged *u, bool held,
			       const char *why)
{
	char line[512];
	size_t i, n = 0;

	for (i = 0; i < u->n; i++) {
		if (u->v[i].held_outside != held || ++n > UNJUDGED_SHOWN)
			continue;
		pc_sockcg_describe(&u->v[i], line, sizeof(line));
		fprintf(out, "  %s: %s\n", label, line);
	}
	if (n > UNJUDGED_SHOWN)
		fprintf(out, "  %s: %zu more ('status --json' lists them all)\n", label,
			n - UNJUDGED_SHOWN);
	if (n)
		fprintf(out, "  why: %s\n", why);
}

static void print_scope_json(struct pc_json *j, const struct pc_state_scope *s, uint32_t mode,
			     bool live, const struct pc_stats *c, const struct chain_pos *cp,
			     const struct unjudged *u)
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
		pc_json_key(j, cp->kind);
		pc_json_begin_object(j);
		for (k = 0; k < 2; k++) {
			pc_json_key(j, dirs[k]);
			pc_json_begin_object(j);
			pc_json_key(j, "position"); pc_json_uint(j, cp->pos[k]);
			pc_json_key(j, "of"); pc_json_uint(j, cp->of[k]);
			if (!strcmp(cp->kind, "clsact"))
				print_filters_json(j, cp->filters[k], cp->n_filters[k]);
			pc_json_end_object(j);
		}
		pc_json_end_object(j);
	}
	if (u->known) {
		print_sockets_json(j, "unjudged_sockets", u, false);
		print_sockets_json(j, "sockets_held_outside", u, true);
	}
	pc_json_end_object(j);
}

enum { OPT_JSON = 1 };

const struct pc_opt pc_opts_status[] = {
	PC_OPT_ROW_JSON(OPT_JSON),
	{ 0 },
};

int cmd_status(struct pc_ctx *ctx, int argc, char **argv)
{
	struct pc_opt_parser args;
	struct pc_state *st = calloc(1, sizeof(*st));
	struct pc_pinned p = PC_PINNED_INIT;
	struct pc_json j;
	char when[64];
	struct tm tm;
	int i, opt, pid, ret = PC_EXIT_FAIL;

	if (!st)
		return pc_fail(ctx, "out of memory");
	pc_opt_begin(&args, ctx, "status", argc, argv);
	while ((opt = pc_opt_next(&args)) != PC_OPT_END) {
		if (opt == OPT_JSON) {
			ctx->json = true;
			continue;
		}
		free(st);
		return opt == PC_OPT_WORD ? pc_opt_usage(&args, "status takes no arguments")
					  : PC_EXIT_USAGE;
	}
	if (pc_open_instance(&ctx->lib, st, &p))
		goto out;
	/* Run by the daemon for a client (control.h): that is the daemon. */
	pid = ctx->served ? (int)getpid() : pc_pidfile_live(ctx->lib.run_dir);
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
			fprintf(ctx->out, "daemon:   running (pid %d)%s%s%s\n", pid,
				!ctx->lib.verbose ? "" : ctx->served ? "; this answer came through "
				: "; not reached through ", ctx->lib.verbose ? ctx->lib.run_dir : "",
				ctx->lib.verbose ? "/control" : "");
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
		struct unjudged u;
		int k;

		chain_of(st->pin_dir, &st->scopes[i], &cp);
		if (unpinned && !pid) {
			live = false;
			how = "lost";
		}
		unjudged_of(ctx, &st->scopes[i], live, &u);

		pc_gen_get_mode(&p.maps, st->scopes[i].scope, &mode);
		pc_gen_read_stats(p.stats_fd, st->scopes[i].scope, &c);
		if (ctx->json)
			print_scope_json(&j, &st->scopes[i], mode, live, &c, &cp, &u);
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

			print_filters_text(ctx->out, dir, cp.filters[k], cp.n_filters[k]);
			if (cp.of[k] && !cp.pos[k])
				fprintf(ctx->out, "  %s: portcullis is not among the %u %s %ss: "
					"apply again\n", dir, cp.of[k], cp.kind, cp.item);
			else if (cp.pos[k] > 1)
				fprintf(ctx->out, "  %s: %u %s %s(s) run before portcullis and "
					"can pass what it never sees\n", dir, cp.pos[k] - 1, cp.kind,
					cp.item);
		}
		chain_free(&cp);
		if (!ctx->json) {
			print_sockets_text(ctx->out, "not judged", &u, false, pc_sockcg_hint);
			print_sockets_text(ctx->out, "held outside", &u, true, pc_sockcg_hint_held);
		}
		free(u.v);
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
