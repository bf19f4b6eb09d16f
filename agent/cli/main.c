// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * main.c - global options and command dispatch.
 *
 *   portcullis [OPTIONS] COMMAND [ARGS]: the options are PC_OPTIONS, the
 *   commands PC_COMMANDS (cli.h).
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/control.h"
#include "portcullis.h"

/* The rows of PC_OPTIONS and PC_COMMANDS: the arrays are in commands.c. */
#define PC_COUNT_ROW(...) + 1
#define N_OPTIONS (0 PC_OPTIONS(PC_COUNT_ROW))
#define N_COMMANDS (0 PC_COMMANDS(PC_COUNT_ROW))

/* getopt_long's tables from pc_global_opts[]: '+' first, so options after the
 * command belong to the command. */
static void getopt_tables(struct option *longs, char *shorts)
{
	size_t i;

	*shorts++ = '+';
	for (i = 0; i < N_OPTIONS; i++) {
		const struct pc_opt *o = &pc_global_opts[i];

		longs[i] = (struct option){ o->name, o->arg ? required_argument : no_argument,
					    NULL, o->id };
		if (o->letter) {
			*shorts++ = o->letter;
			if (o->arg)
				*shorts++ = ':';
		}
	}
	longs[N_OPTIONS] = (struct option){ 0 };
	*shorts = '\0';
}

/* A conntrack table size: a decimal count within PC_CT_ENTRIES_MIN..MAX. */
static int parse_ct_entries(const char *s, unsigned int *n)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || v < PC_CT_ENTRIES_MIN ||
	    v > PC_CT_ENTRIES_MAX)
		return -EINVAL;
	*n = (unsigned int)v;
	return 0;
}

/* bpftool's prefix matching, but an ambiguous or destructive prefix is an
 * error; an unknown word gets the closest command as "did you mean". */
static const struct pc_cmd *find_cmd(struct pc_ctx *ctx, const char *word)
{
	const char *names[N_COMMANDS];
	const struct pc_cmd *c;
	char mean[PC_DIAG_HINT_MAX];
	const char *near;
	size_t n_names = 0;
	bool ambiguous;

	c = pc_cmd_match(word, &ambiguous);
	if (c)
		return c;
	if (ambiguous) {
		pc_usage(ctx, "'%s' is ambiguous; type more of the command", word);
		return NULL;
	}
	for (c = pc_cmds; c->name; c++)
		names[n_names++] = c->name;
	near = pc_suggest(word, names, n_names);
	if (!near) {
		pc_usage(ctx, "unknown command '%s'", word);
		return NULL;
	}
	snprintf(mean, sizeof(mean), "did you mean '%s'?", near);
	pc_diag_add(&ctx->lib.diag, PC_DIAG_ERROR, PC_DIAG_BARE | PC_DIAG_HINT_LINE, NULL, mean,
		    "unknown command '%s'", word);
	return NULL;
}

/* 'portcullis help [COMMAND]'. */
static int help(struct pc_ctx *ctx, int argc, char **argv)
{
	const struct pc_cmd *c;

	if (argc == 1) {
		pc_help(stdout);
		return PC_EXIT_OK;
	}
	if (argc > 2)
		return pc_report_finish(ctx, false, pc_usage(ctx, "help takes one COMMAND"), NULL, 0);
	c = find_cmd(ctx, argv[1]);
	if (!c)
		return pc_report_finish(ctx, false, PC_EXIT_USAGE, NULL, 0);
	pc_help_cmd(stdout, c);
	return PC_EXIT_OK;
}

int main(int argc, char **argv)
{
	struct option opts[N_OPTIONS + 1];
	char shorts[2 * N_OPTIONS + 2];
	struct pc_ctx ctx = {
		.lib = {
			.pin_dir = PC_DEFAULT_PIN_DIR,
			.run_dir = PC_DEFAULT_RUN_DIR,
			.log_dir = PC_DEFAULT_LOG_DIR,
		},
		.config = PC_DEFAULT_CONFIG,
		.policy_dir = PC_DEFAULT_POLICY_DIR,
		.out = stdout,
		.err = stderr,
	};
	const struct pc_cmd *cmd = NULL;
	const char *bad = NULL;	/* a usage error, rendered once the options are read */
	char bad_buf[96];
	int opt, rc;

	getopt_tables(opts, shorts);
	while ((opt = getopt_long(argc, argv, shorts, opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			ctx.config = optarg;
			ctx.config_given = true;
			break;
		case PC_OPT_PIN_DIR: ctx.lib.pin_dir = optarg; break;
		case PC_OPT_RUN_DIR: ctx.lib.run_dir = optarg; break;
		case PC_OPT_LOG_DIR: ctx.lib.log_dir = optarg; break;
		case PC_OPT_POLICY_DIR: ctx.policy_dir = optarg; break;
		case PC_OPT_TC_ATTACH:
			if (!strcmp(optarg, "auto"))
				ctx.lib.tc_attach = PC_TC_AUTO;
			else if (!strcmp(optarg, "tcx"))
				ctx.lib.tc_attach = PC_TC_TCX;
			else if (!strcmp(optarg, "clsact"))
				ctx.lib.tc_attach = PC_TC_CLSACT;
			else
				/* -j may come later: rendered once the options are read */
				bad = "--tc-attach takes auto, tcx or clsact";
			break;
		case PC_OPT_CT_ENTRIES:
		case PC_OPT_CT_NEW_ENTRIES:
			if (parse_ct_entries(optarg, opt == PC_OPT_CT_ENTRIES ? &ctx.lib.ct_entries
								 : &ctx.lib.ct_new_entries)) {
				snprintf(bad_buf, sizeof(bad_buf), "--%s takes a number of flows "
					 "from %u to %u", opt == PC_OPT_CT_ENTRIES ? "ct-entries" : "ct-new-entries",
					 PC_CT_ENTRIES_MIN, PC_CT_ENTRIES_MAX);
				bad = bad_buf;
			}
			break;
		case 'j': ctx.json = true; break;
		case 'v': ctx.lib.verbose++; break;
		case 'h': pc_help(stdout); return PC_EXIT_OK;
		case PC_OPT_VERSION: printf("portcullis %s\n", PC_VERSION); return PC_EXIT_OK;
		default:
			fprintf(stderr, "portcullis: see 'portcullis --help'\n");
			return PC_EXIT_USAGE;
		}
	}
	if (bad)
		return pc_report_finish(&ctx, false, pc_usage(&ctx, "%s", bad), NULL, 0);
	if (optind >= argc) {
		pc_help(stderr);
		return PC_EXIT_USAGE;
	}
	if (!strcmp(argv[optind], "complete"))
		return pc_complete(&ctx, argc - optind, argv + optind);
	if (!strcmp(argv[optind], "help"))
		return help(&ctx, argc - optind, argv + optind);
	cmd = find_cmd(&ctx, argv[optind]);
	if (!cmd)
		return pc_report_finish(&ctx, false, PC_EXIT_USAGE, NULL, 0);
	/* Commands see their own name as argv[0] and parse the rest. */
	argc -= optind;
	argv += optind;
	/* A running daemon does what it serves itself (control.h). */
	if (cmd->served && pc_control_call(&ctx, cmd, argc, argv, &rc))
		return rc;
	rc = pc_run(&ctx, cmd, argc, argv);
	return rc;
}
