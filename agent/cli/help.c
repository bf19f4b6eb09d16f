// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * help.c - 'portcullis help' and 'portcullis help COMMAND', printed from the
 * option and command tables (cli.h, opts.h) the parsers use.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

#define HELP_INDENT "                         "	/* 2 + 22 + 1: the help column */

/* One option a line: "  -f, --follow   HELP", the names it takes after. */
static void option_lines(FILE *f, const struct pc_opt *opts)
{
	const struct pc_opt *o;
	char left[64], names[512];

	for (o = opts; o->id; o++) {
		/* Without a letter, the long name lines up with the others'. */
		left[0] = left[1] = left[2] = left[3] = ' ';
		pc_opt_format(o, true, o->letter ? left : left + 4, sizeof(left) - 4);
		pc_opt_names(o, names, sizeof(names));
		/* a name too long for the column: its help on the next line */
		fprintf(f, "  %-22s%s%s%s%s%s\n", left, strlen(left) < 22 ? " " : "\n" HELP_INDENT,
			o->help, *names ? " (" : "", names, *names ? ")" : "");
	}
}

void pc_help(FILE *f)
{
	const struct pc_cmd *c;
	char usage[512];

	fprintf(f, "Usage: portcullis [OPTIONS] COMMAND [ARGS]\n\nOptions:\n");
	option_lines(f, pc_global_opts);
	fprintf(f, "\nCommands:\n");
	for (c = pc_cmds; c->name; c++) {
		const char *rest = usage + strlen(c->name);

		pc_cmd_usage(c, usage, sizeof(usage));
		if (*rest)
			fprintf(f, "  %-10s %s\n", c->name, rest + 1);
		else
			fprintf(f, "  %s\n", c->name);
		fprintf(f, "  %-10s   %s\n", "", c->help);
	}
	fprintf(f, "\n'portcullis help COMMAND' says more of one.\n"
		"Exit status: 0 done, 1 the request failed, 2 usage error.\n");
}

void pc_help_cmd(FILE *f, const struct pc_cmd *c)
{
	char usage[512];

	pc_cmd_usage(c, usage, sizeof(usage));
	fprintf(f, "Usage: portcullis [OPTIONS] %s\n\n%s\n", usage, c->help);
	if (c->opts->id) {
		fprintf(f, "\nOptions:\n");
		option_lines(f, c->opts);
	}
	fprintf(f, "\nThe global OPTIONS come before the command: 'portcullis help' lists them.\n");
}
