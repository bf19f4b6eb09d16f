// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * main.c - global options and command dispatch.
 *
 *   portcullis [-c FILE] [--pin-dir DIR] [--run-dir DIR] [--log-dir DIR]
 *              [-j|--json] [-v] COMMAND [ARGS]
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "portcullis.h"

const struct pc_cmd pc_cmds[] = {
#define PC_CMD_ROW(name, args, help, full_word, stream) \
	{ #name, cmd_##name, args, help, full_word, stream },
	PC_COMMANDS(PC_CMD_ROW)
#undef PC_CMD_ROW
	{ NULL },
};

static void usage(FILE *f)
{
	const struct pc_cmd *c;

	fprintf(f,
		"Usage: portcullis [OPTIONS] COMMAND [ARGS]\n"
		"\n"
		"Options:\n"
		"  -c, --config FILE   host config (default " PC_DEFAULT_CONFIG ")\n"
		"      --pin-dir DIR   pinned maps, programs, links (default " PC_DEFAULT_PIN_DIR ")\n"
		"      --run-dir DIR   control socket and lock (default " PC_DEFAULT_RUN_DIR ")\n"
		"      --log-dir DIR   event log (default " PC_DEFAULT_LOG_DIR ")\n"
		"      --tc-attach M   auto (tcx where the kernel has it, else clsact), tcx, clsact\n"
		"      --ct-entries N  conntrack size: flows that saw a reply (default %u)\n"
		"      --ct-new-entries N\n"
		"                      conntrack size: flows without a reply yet (default %u)\n"
		"  -j, --json          JSON output\n"
		"  -v, --verbose       more detail, libbpf debug output\n"
		"  -h, --help          this text\n"
		"\n"
		"Commands:\n", PC_CT_ENTRIES, PC_CT_NEW_ENTRIES);
	for (c = pc_cmds; c->name; c++)
		fprintf(f, "  %-10s %s\n  %-10s   %s\n", c->name, c->args, "", c->help);
	fprintf(f, "\nExit status: 0 done, 1 the request failed, 2 usage error.\n");
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

/* bpftool's prefix matching, but an ambiguous or destructive prefix is an error. */
static const struct pc_cmd *find_cmd(struct pc_ctx *ctx, const char *word)
{
	const struct pc_cmd *c, *hit = NULL;
	size_t len = strlen(word);
	int n = 0;

	for (c = pc_cmds; c->name; c++) {
		if (!strcmp(c->name, word))
			return c;
		if (!c->full_word && len && !strncmp(c->name, word, len)) {
			hit = c;
			n++;
		}
	}
	if (n == 1)
		return hit;
	if (n > 1)
		pc_usage(ctx, "'%s' is ambiguous; type more of the command", word);
	else
		pc_usage(ctx, "unknown command '%s'", word);
	return NULL;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config",  required_argument, NULL, 'c' },
		{ "pin-dir", required_argument, NULL, 'P' },
		{ "run-dir", required_argument, NULL, 'R' },
		{ "log-dir", required_argument, NULL, 'L' },
		{ "tc-attach", required_argument, NULL, 'T' },
		{ "ct-entries", required_argument, NULL, 'E' },
		{ "ct-new-entries", required_argument, NULL, 'N' },
		{ "json",    no_argument,       NULL, 'j' },
		{ "verbose", no_argument,       NULL, 'v' },
		{ "help",    no_argument,       NULL, 'h' },
		{ NULL },
	};
	struct pc_ctx ctx = {
		.lib = {
			.pin_dir = PC_DEFAULT_PIN_DIR,
			.run_dir = PC_DEFAULT_RUN_DIR,
			.log_dir = PC_DEFAULT_LOG_DIR,
		},
		.config = PC_DEFAULT_CONFIG,
		.out = stdout,
		.err = stderr,
	};
	const struct pc_cmd *cmd = NULL;
	char *buf = NULL;
	size_t len = 0;
	const char *bad = NULL;	/* a usage error, rendered once the options are read */
	char bad_buf[96];
	bool buffered;
	int opt, rc;

	/* '+': options after the command belong to the command. */
	while ((opt = getopt_long(argc, argv, "+c:jvh", opts, NULL)) != -1) {
		switch (opt) {
		case 'c': ctx.config = optarg; break;
		case 'P': ctx.lib.pin_dir = optarg; break;
		case 'R': ctx.lib.run_dir = optarg; break;
		case 'L': ctx.lib.log_dir = optarg; break;
		case 'T':
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
		case 'E':
		case 'N':
			if (parse_ct_entries(optarg, opt == 'E' ? &ctx.lib.ct_entries
								 : &ctx.lib.ct_new_entries)) {
				snprintf(bad_buf, sizeof(bad_buf), "--%s takes a number of flows "
					 "from %u to %u", opt == 'E' ? "ct-entries" : "ct-new-entries",
					 PC_CT_ENTRIES_MIN, PC_CT_ENTRIES_MAX);
				bad = bad_buf;
			}
			break;
		case 'j': ctx.json = true; break;
		case 'v': ctx.lib.verbose++; break;
		case 'h': usage(stdout); return PC_EXIT_OK;
		default:
			fprintf(stderr, "portcullis: see 'portcullis --help'\n");
			return PC_EXIT_USAGE;
		}
	}
	if (bad)
		return pc_report_finish(&ctx, false, pc_usage(&ctx, "%s", bad), NULL, 0);
	if (optind >= argc || !strcmp(argv[optind], "help")) {
		usage(optind >= argc ? stderr : stdout);
		return optind >= argc ? PC_EXIT_USAGE : PC_EXIT_OK;
	}
	cmd = find_cmd(&ctx, argv[optind]);
	if (!cmd)
		return pc_report_finish(&ctx, false, PC_EXIT_USAGE, NULL, 0);
	/* Under --json the command writes into a buffer, so that a failure
	 * half-way replaces it with the errors: one document either way. */
	buffered = ctx.json && !cmd->stream;
	if (buffered) {
		ctx.out = open_memstream(&buf, &len);
		if (!ctx.out) {
			ctx.out = stdout;
			rc = pc_fail(&ctx, "cannot buffer the JSON output: %s", strerror(errno));
			return pc_report_finish(&ctx, false, rc, NULL, 0);
		}
	}
	/* Commands see their own name as argv[0] and parse the rest. */
	optind++;
	rc = cmd->fn(&ctx, argc - optind + 1, argv + optind - 1);
	if (ctx.out != stdout)
		fclose(ctx.out);
	rc = pc_report_finish(&ctx, buffered, rc, buf, len);
	free(buf);
	return rc;
}
