// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * complete.c - 'portcullis complete WORD...': what may come next on a
 * command line, for the bash completion (packaging/completion/), one
 * candidate a line. The WORDs are the line after the program's name up to
 * the word being completed, which is last (empty when it is a new word).
 *
 * It reads the words with the tables the parsers read them with (cli.h,
 * opts.h), so the completion knows every command and option and no other;
 * and scope, role, service and peer names come from the config the line
 * names (-c FILE, else the default, else the shipped catalogue and roles),
 * parsed by the policy parser. A value that is a file or a directory is
 * the one line "@file" or "@dir": the shell completes those itself.
 * Nothing here fails aloud: a config that does not parse offers no names.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/config.h"
#include "lib/names.h"

struct line {
	struct pc_ctx *ctx;
	const char *cur;	/* the word being completed */
	size_t cur_len;
};

static void offer(const struct line *l, const char *word)
{
	if (word && !strncmp(word, l->cur, l->cur_len))
		printf("%s\n", word);
}

/* The names of KIND in the config of the line. */
static void offer_names(const struct line *l, enum pc_metavar kind)
{
	struct pc_config cfg;
	const char *shown;
	char scope[512];
	size_t i;

	if (pc_config_load_listing(l->ctx, &cfg, &shown) && !cfg.policy.n_files)
		goto out;
	/* What parsed is offered, even from a config with errors: it is being
	 * written, and completing it is how it gets written. */
	for (i = 0; kind == PC_MV_ROLE && i < cfg.policy.n_roles; i++)
		offer(l, cfg.policy.roles[i].name);
	for (i = 0; kind == PC_MV_SERVICE && i < cfg.policy.n_services; i++)
		offer(l, cfg.policy.services[i].name);
	if (kind == PC_MV_PEER)
		offer(l, "any");
	for (i = 0; kind == PC_MV_PEER && i < cfg.policy.n_peers; i++)
		offer(l, cfg.policy.peers[i].name);
	for (i = 0; kind == PC_MV_SCOPE && i < cfg.policy.n_attaches; i++) {
		const struct pc_attach *a = &cfg.policy.attaches[i];

		/* The name the compiler gives the scope (compile.c add_scope()). */
		snprintf(scope, sizeof(scope), "%s:%s",
			 pc_name_of(&pc_names_scope_kind, a->kind), a->target.name);
		offer(l, scope);
	}
out:
	pc_config_free(&cfg);
	pc_diag_free(&l->ctx->lib.diag);
}

/* Candidates for a value named METAVAR ("a|b|c" are alternatives), or
 * in the names table NAMES. */
static void offer_value(const struct line *l, const char *metavar, const struct pc_names *names)
{
	char alt[128], *tok, *save;
	size_t i;

	if (names) {
		for (i = 0; i < names->n; i++)
			offer(l, names->v[i].name);
		return;
	}
	if (!metavar)
		return;
	/* "[from|to" or "ADDR[/LEN]|PEER]": brackets say optional; drop them */
	for (i = 0; *metavar && i < sizeof(alt) - 1; metavar++)
		if (*metavar != '[' && *metavar != ']')
			alt[i++] = *metavar;
	alt[i] = '\0';
	for (tok = strtok_r(alt, "|", &save); tok; tok = strtok_r(NULL, "|", &save)) {
		enum pc_metavar kind = pc_metavar_kind(tok);

		if (kind == PC_MV_FILE || kind == PC_MV_DIR) {
			printf("%s\n", kind == PC_MV_FILE ? "@file" : "@dir");
			return;
		}
		if (kind == PC_MV_WORDS)
			offer(l, tok);
		else if (kind != PC_MV_NONE)
			offer_names(l, kind);
	}
}

static void offer_options(const struct line *l, const struct pc_opt *opts)
{
	const struct pc_opt *o;
	char word[64];

	for (o = opts; o->id; o++) {
		snprintf(word, sizeof(word), "--%s", o->name);
		offer(l, word);
	}
}

/* OPTS's option WORD ("--name", "--name=v", "-x"), or NULL. */
static const struct pc_opt *find_opt(const struct pc_opt *opts, const char *word)
{
	const struct pc_opt *o;
	size_t len;

	if (word[0] != '-' || !word[1])
		return NULL;
	len = strcspn(word, "=");
	for (o = opts; o->id; o++) {
		if (word[1] == '-' ? strlen(o->name) == len - 2 && !strncmp(word + 2, o->name, len - 2)
				   : o->letter == word[1])
			return o;
	}
	return NULL;
}

/* The Nth word of C's usage ("[FILE]", "in|out", ...), or NULL. */
static const char *usage_word(const struct pc_cmd *c, int n, char *buf, size_t len)
{
	const char *s = c->args;
	size_t w;

	for (;;) {
		s += strspn(s, " ");
		w = strcspn(s, " ");
		if (!w)
			return NULL;
		if (!n--) {
			snprintf(buf, len, "%.*s", (int)w, s);
			return buf;
		}
		s += w;
	}
}

/* The global option O with value V: the ones that say where names are. */
static void take_global(struct pc_ctx *ctx, const struct pc_opt *o, const char *v)
{
	if (o->letter == 'c') {
		ctx->config = v;
		ctx->config_given = true;
	} else if (!strcmp(o->name, "policy-dir")) {
		ctx->policy_dir = v;
	}
}

int pc_complete(struct pc_ctx *ctx, int argc, char **argv)
{
	struct line l = { .ctx = ctx, .cur = argc > 1 ? argv[argc - 1] : "" };
	const struct pc_opt *o, *want = NULL;	/* an option whose value is next */
	const struct pc_cmd *c = NULL, *k;
	bool ambiguous, help = false;
	int i, words = 0;
	char buf[128];

	l.cur_len = strlen(l.cur);
	/* The words before the one being completed: global options and their
	 * values, the command, its options and words. */
	for (i = 1; i < argc - 1; i++) {
		const char *w = argv[i];

		/* bash breaks --config=FILE into three words, "=" the middle one */
		if (want && !strcmp(w, "="))
			continue;
		if (want) {
			if (!c)
				take_global(ctx, want, w);
			want = NULL;
			continue;
		}
		o = find_opt(c ? c->opts : pc_global_opts, w);
		if (o) {
			const char *eq = w[1] == '-' ? strchr(w, '=') : NULL;
			const char *v = eq ? eq + 1 : w[1] != '-' && w[2] ? w + 2 : NULL;

			if (o->arg && !v)
				want = o;
			else if (o->arg && !c)
				take_global(ctx, o, v);
		} else if (!c && !help && w[0] != '-') {
			if (!strcmp(w, "help"))
				help = true;
			else if (!(c = pc_cmd_match(w, &ambiguous)))
				return PC_EXIT_OK;	/* no such command: nothing follows */
		} else if (c && w[0] != '-') {
			words++;
		}
	}
	if (want) {
		offer_value(&l, want->arg, want->names);
	} else if (help) {
		for (k = pc_cmds; k->name; k++)
			offer(&l, k->name);
	} else if (!c) {
		if (l.cur[0] == '-') {
			offer_options(&l, pc_global_opts);
		} else {
			for (k = pc_cmds; k->name; k++)
				offer(&l, k->name);
			offer(&l, "help");
		}
	} else if (l.cur[0] == '-') {
		offer_options(&l, c->opts);
	} else {
		offer_value(&l, usage_word(c, words, buf, sizeof(buf)), NULL);
	}
	return PC_EXIT_OK;
}
