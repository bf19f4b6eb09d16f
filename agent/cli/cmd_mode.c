// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_mode.c - 'mode': switch what runs between audit and enforce,
 * through the pinned maps (pinned.h), without the daemon.
 *
 * 'mode' writes the live generation's scope entries in place: one map
 * update per scope, each atomic. It holds until the next apply or daemon
 * start, which take the mode from the config again. With --confirm it goes
 * back by itself unless confirmed (cmd_confirm.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/config.h"
#include "cli/lockout.h"
#include "kernel/confirm.h"
#include "kernel/gen.h"
#include "kernel/lock.h"
#include "kernel/pinned.h"
#include "kernel/state.h"
#include "lib/json.h"
#include "lib/names.h"

/*
 * A unit name ("nginx.service") may match cgroups in two slices: a switch
 * is meant for one scope, so that is refused, with the names to choose
 * from, rather than switching both.
 */
static bool scope_ambiguous(struct pc_ctx *ctx, const struct pc_state *st, const char *scope)
{
	char names[1024] = "";
	size_t off = 0;
	int i, n = 0;

	if (!scope)
		return false;
	for (i = 0; i < st->n_scopes; i++) {
		if (!pc_scope_matches(st->scopes[i].name, scope))
			continue;
		if (off < sizeof(names))
			off += (size_t)snprintf(names + off, sizeof(names) - off, "%s%s",
						n ? ", " : "", st->scopes[i].name);
		n++;
	}
	if (n < 2)
		return false;
	pc_fail(ctx, "'%s' names %d scopes (%s): give the whole cgroup path", scope, n, names);
	return true;
}

/*
 * Before 'mode enforce': would it lock the operator out? The running
 * tables are the config it was applied from (state: config, digest); if
 * that file changed since, nothing can tell, and that is refused too. The
 * scopes the command leaves alone keep the mode they run in. Returns the
 * number of errors.
 */
static unsigned int lockout(struct pc_ctx *ctx, const struct pc_state *st,
			    const struct pc_pinned *p, const char *scope, bool force)
{
	struct pc_diag saved = ctx->lib.diag;
	struct pc_lockout_scope *ls = NULL;
	struct pc_config cfg;
	unsigned int n = 1;
	bool same;
	uint32_t m;
	size_t i;

	/* The file's own errors are not this command's: all that counts is
	 * whether it still compiles to what runs. */
	pc_diag_init(&ctx->lib.diag);
	same = !pc_config_load(ctx, st->config, true, &cfg) &&
	       !strcmp(cfg.tables.digest, st->digest) &&
	       cfg.tables.n_scopes == (size_t)st->n_scopes;
	pc_diag_free(&ctx->lib.diag);
	ctx->lib.diag = saved;
	if (!same) {
		pc_diag_add(&ctx->lib.diag, force ? PC_DIAG_WARNING : PC_DIAG_ERROR, 0, NULL,
			    "'portcullis apply' it first, or pass --force",
			    "cannot tell whether enforce locks you out: the running policy "
			    "(digest %s) is no longer what %s compiles to", st->digest, st->config);
		n = force ? 0 : 1;
		goto out;
	}
	ls = calloc(cfg.tables.n_scopes + 1, sizeof(*ls));
	if (!ls) {
		pc_fail(ctx, "cannot allocate the lock-out analysis: %s", strerror(ENOMEM));
		goto out;
	}
	for (i = 0; i < cfg.tables.n_scopes; i++) {
		ls[i].changes = pc_scope_matches(st->scopes[i].name, scope);
		if (ls[i].changes)
			ls[i].mode = PC_MODE_ENFORCE;
		else if (!pc_gen_get_mode(&p->maps, st->scopes[i].scope, &m))
			ls[i].mode = m;
		else
			ls[i].mode = st->scopes[i].mode;
	}
	n = pc_cli_lockout(ctx, &cfg.tables, ls, force);
out:
	free(ls);
	pc_config_free(&cfg);
	return n;
}

/* --confirm: record every scope's mode before any is switched. */
static int mode_confirm_begin(struct pc_ctx *ctx, const struct pc_state *st,
			      const struct pc_pinned *p, const char *mode, const char *scope,
			      unsigned int seconds, struct pc_confirm **out)
{
	struct pc_confirm *c = calloc(1, sizeof(*c));

	if (!c)
		return pc_fail(ctx, "out of memory; nothing was changed");
	c->kind = PC_CONFIRM_MODE;
	/* the command as typed, for status, the journal and the event */
	snprintf(c->change, sizeof(c->change), "mode %s%s%.200s", mode, scope ? " --scope " : "",
		 scope ? scope : "");
	if (pc_confirm_begin(ctx, st, &p->maps, seconds, c)) {
		free(c);
		return PC_EXIT_FAIL;
	}
	*out = c;
	return 0;
}

enum { OPT_SCOPE = 1, OPT_FORCE, OPT_CONFIRM };

const struct pc_opt pc_opts_mode[] = {
	{ OPT_SCOPE, 0, "scope", "SCOPE",
	  "only this scope: its name (interface:eth0), its target (eth0), a cgroup's last "
	  "components (nginx.service)", NULL },
	PC_OPT_ROW_FORCE(OPT_FORCE),
	PC_OPT_ROW_CONFIRM(OPT_CONFIRM),
	{ 0 },
};

/* The words after 'mode': *WORD, the *MODE it names, *SCOPE, *FORCE and
 * *SECONDS. */
static int parse_args(struct pc_ctx *ctx, int argc, char **argv, const char **word,
		      unsigned int *mode, const char **scope, bool *force, unsigned int *seconds)
{
	struct pc_opt_parser args;
	int opt, ret;

	pc_opt_begin(&args, ctx, "mode", argc, argv);
	while ((opt = pc_opt_next(&args)) != PC_OPT_END) {
		switch (opt) {
		case OPT_SCOPE:
			*scope = args.arg;
			break;
		case OPT_FORCE:
			*force = true;
			break;
		case OPT_CONFIRM:
			ret = pc_confirm_arg(ctx, args.arg, seconds);
			if (ret)
				return ret;
			break;
		case PC_OPT_WORD:
			if (*word)
				return pc_opt_usage(&args, "mode takes one mode, not '%s' too", args.arg);
			*word = args.arg;
			break;
		default:
			return PC_EXIT_USAGE;
		}
	}
	if (!*word)
		return pc_opt_usage(&args, "mode needs the mode: audit or enforce");
	if (pc_name_parse(&pc_names_mode, *word, mode))
		return pc_opt_usage(&args, "mode '%s': give audit or enforce", *word);
	return 0;
}

int cmd_mode(struct pc_ctx *ctx, int argc, char **argv)
{
	const char *word = NULL;
	struct pc_state *st = calloc(1, sizeof(*st));
	struct pc_pinned p = PC_PINNED_INIT;
	struct pc_confirm *confirm = NULL;
	const char *scope = NULL;
	unsigned int mode, seconds = 0;
	int i, lock = -1, n = 0, err, ret;
	bool force = false;
	struct pc_json j;

	if (!st)
		return pc_fail(ctx, "out of memory");
	ret = parse_args(ctx, argc, argv, &word, &mode, &scope, &force, &seconds);
	if (ret) {
		free(st);
		return ret;
	}
	ret = PC_EXIT_FAIL;
	lock = pc_lock_take(ctx->lib.run_dir);
	if (lock < 0) {
		free(st);
		return pc_fail(ctx, "cannot lock %s: %s", ctx->lib.run_dir, strerror(-lock));
	}
	if (pc_open_instance(&ctx->lib, st, &p))
		goto out;
	if (scope_ambiguous(ctx, st, scope))
		goto out;
	/* --confirm is the way back from a lock-out: what it finds is a warning */
	if (mode == PC_MODE_ENFORCE && lockout(ctx, st, &p, scope, force || seconds)) {
		pc_diag_add(&ctx->lib.diag, PC_DIAG_NOTE, PC_DIAG_BARE, NULL, NULL,
			    "no scope was switched");
		goto out;
	}
	if (seconds && mode_confirm_begin(ctx, st, &p, word, scope, seconds, &confirm))
		goto out;
	/* {"mode": M, "scopes": [switched...]}; on a failure main() prints the errors instead. */
	pc_json_init(&j, ctx->out);
	if (ctx->json) {
		pc_json_begin_object(&j);
		pc_json_key(&j, "mode"); pc_json_string(&j, word);
		pc_json_key(&j, "scopes");
		pc_json_begin_array(&j);
	}
	for (i = 0; i < st->n_scopes; i++) {
		if (!pc_scope_matches(st->scopes[i].name, scope))
			continue;
		/* By its id, which stays its name's across applies (scope_ids.h). */
		err = pc_gen_set_mode(&p.maps, st->scopes[i].scope, mode);
		if (err) {
			pc_fail(ctx, "%s: cannot switch to %s: %s", st->scopes[i].name, word,
				strerror(-err));
			goto out;
		}
		if (ctx->json)
			pc_json_string(&j, st->scopes[i].name);
		else
			fprintf(ctx->out, "%s: %s\n", st->scopes[i].name, word);
		n++;
	}
	if (ctx->json) {
		pc_json_end_array(&j);
		pc_json_end_object(&j);
	}
	if (!n) {
		pc_fail(ctx, "no scope '%s'; 'portcullis status' lists them", scope ? scope : "");
		if (confirm && !pc_confirm_remove(ctx->lib.run_dir)) {
			free(confirm);	/* nothing changed: nothing to go back to */
			confirm = NULL;
		}
		goto out;
	}
	ret = PC_EXIT_OK;
out:
	pc_pinned_close(&p);
	pc_lock_release(lock);
	/* recorded: it reverts, whether every switch above was made or not */
	if (confirm)
		pc_confirm_arm(ctx, confirm);
	free(confirm);
	free(st);
	return ret;
}
