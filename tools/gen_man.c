// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * gen_man.c - a man page from its template (packaging/man/PAGE.in) and the
 * tables the program itself runs on, at build time, so the page cannot
 * name an option, a command, a statement or a name the program does not
 * have, nor leave one out.
 *
 *   gen_man TEMPLATE > PAGE
 *
 * The template is roff, with these lines or words replaced:
 *   @VERSION@, @CONFIG@, @POLICY_DIR@, @PIN_DIR@, @RUN_DIR@, @LOG_DIR@
 *                         PC_VERSION and the PC_DEFAULT_* paths (cli.h)
 *   @DATE@                the day of SOURCE_DATE_EPOCH (reproducible
 *                         builds' variable; the Makefile sets it from the
 *                         last commit), as YYYY-MM-DD
 *   @GLOBAL_OPTIONS@      a line: every global option (PC_OPTIONS)
 *   @COMMANDS@            a line: every command, its synopsis, help and
 *                         options (PC_COMMANDS, pc_opts_NAME[])
 *   @NAMES TABLE@         the names of a lib/names.h table, as a list
 *   @STATEMENT WORD@      a line: the heading of statement WORD's section.
 *                         A template with any must have one for each word
 *                         the parser takes as a statement, and no other.
 * Any other '@' word is an error: a typo never reaches a page. Comment
 * lines (.\") are copied as they are.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "lib/names.h"
#include "policy/policy.h"

static const char *template_path;
static unsigned int line_no;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%u: ", template_path, line_no);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* S as roff text: a backslash is \e, a '-' is \- (options are typed, and
 * a hyphen would not copy and paste as one), and a line never starts
 * with a control character. */
static void text(FILE *f, const char *s, bool line_start)
{
	for (; *s; s++) {
		if (line_start && (*s == '.' || *s == '\''))
			fputs("\\&", f);
		line_start = *s == '\n';
		if (*s == '\\')
			fputs("\\e", f);
		else if (*s == '-')
			fputs("\\-", f);
		else
			fputc(*s, f);
	}
}

/* "\fB\-f\fR, \fB\-\-follow\fR \fIN\fR"; in a synopsis (!BOTH) the
 * short form alone when there is one, as 'help' writes it. */
static void option_head(FILE *f, const struct pc_opt *o, bool both)
{
	if (o->letter)
		fprintf(f, "\\fB\\-%c\\fR%s", o->letter, both ? ", " : "");
	if (!o->letter || both) {
		fputs("\\fB\\-\\-", f);
		text(f, o->name, false);
		fputs("\\fR", f);
	}
	if (o->arg) {
		fputs(" \\fI", f);
		text(f, o->arg, false);
		fputs("\\fR", f);
	}
}

static void options(FILE *f, const struct pc_opt *opts)
{
	const struct pc_opt *o;
	char names[512];

	for (o = opts; o->id; o++) {
		fputs(".TP\n", f);
		option_head(f, o, true);
		fputc('\n', f);
		text(f, o->help, true);
		pc_opt_names(o, names, sizeof(names));
		if (*names) {
			fputs(" (", f);
			text(f, names, false);
			fputc(')', f);
		}
		fputs(".\n", f);
	}
}

static void commands(FILE *f)
{
	const struct pc_cmd *c;
	const struct pc_opt *o;

	for (c = pc_cmds; c->name; c++) {
		fprintf(f, ".SS %s\n.B portcullis\n.RI [ OPTIONS ]\n.B %s\n", c->name, c->name);
		if (*c->args) {
			fputs(".RI \"", f);
			text(f, c->args, false);
			fputs("\"\n", f);
		}
		for (o = c->opts; o->id; o++) {
			fputs("[", f);
			option_head(f, o, false);
			fputs("]\n", f);
		}
		fputs(".PP\n", f);
		text(f, c->help, true);
		fputs(".\n", f);
		if (c->full_word)
			fputs("Destructive: only the whole word runs it, never a prefix.\n", f);
		if (c->served)
			fputs("A running daemon does it, through\n.IR RUN_DIR /control.\n", f);
		options(f, c->opts);
	}
}

static const struct pc_names *names_table(const char *name)
{
	static const struct { const char *name; const struct pc_names *t; } tables[] = {
		{ "proto", &pc_names_proto }, { "icmp", &pc_names_icmp },
		{ "icmp6", &pc_names_icmp6 }, { "dir", &pc_names_dir },
		{ "mode", &pc_names_mode }, { "verdict", &pc_names_verdict },
		{ "reason", &pc_names_reason }, { "hook", &pc_names_hook },
		{ "scope_kind", &pc_names_scope_kind },
	};
	size_t i;

	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		if (!strcmp(name, tables[i].name))
			return tables[i].t;
	die("no names table '%s'", name);
}

static void names(FILE *f, const char *table)
{
	const char *v[PC_NAMES_MAX];
	size_t i, n = pc_names_list(names_table(table), v, PC_NAMES_MAX);

	for (i = 0; i < n; i++) {
		/* a line each: mandoc's lint wants short input lines */
		fputs(i ? ",\n\\fB" : "\\fB", f);
		text(f, v[i], false);
		fputs("\\fR", f);
	}
}

static bool statement_seen[PC_N_STATEMENT_WORDS];
static bool any_statement;

static void statement(FILE *f, const char *word)
{
	size_t i;

	for (i = 0; i < PC_N_STATEMENT_WORDS; i++)
		if (!strcmp(word, pc_statement_words[i]))
			break;
	if (i == PC_N_STATEMENT_WORDS)
		die("'%s' is no statement the parser takes", word);
	if (statement_seen[i])
		die("statement '%s' has a second section", word);
	statement_seen[i] = any_statement = true;
	fprintf(f, ".SS %s\n", word);
}

static void date(FILE *f)
{
	const char *epoch = getenv("SOURCE_DATE_EPOCH");
	char buf[16], *end;
	struct tm tm;
	time_t t;

	errno = 0;
	t = epoch ? (time_t)strtoll(epoch, &end, 10) : 0;
	if (!epoch || errno || end == epoch || *end || !gmtime_r(&t, &tm))
		die("@DATE@ needs SOURCE_DATE_EPOCH, seconds since 1970 (the Makefile sets it), "
		    "not '%s'", epoch ? epoch : "");
	strftime(buf, sizeof(buf), "%Y-%m-%d", &tm);
	fputs(buf, f);
}

/* One @...@ at S (after the '@'), written to F; returns past its '@'. */
static const char *marker(FILE *f, const char *s, bool alone)
{
	static const struct { const char *name, *value; } words[] = {
		{ "VERSION", PC_VERSION }, { "CONFIG", PC_DEFAULT_CONFIG },
		{ "POLICY_DIR", PC_DEFAULT_POLICY_DIR }, { "PIN_DIR", PC_DEFAULT_PIN_DIR },
		{ "RUN_DIR", PC_DEFAULT_RUN_DIR }, { "LOG_DIR", PC_DEFAULT_LOG_DIR },
	};
	const char *end = strchr(s, '@');
	char m[128];
	size_t i;

	if (!end || (size_t)(end - s) >= sizeof(m))
		die("an '@' without its closing '@': %s", s);
	memcpy(m, s, (size_t)(end - s));
	m[end - s] = '\0';
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (!strcmp(m, words[i].name)) {
			text(f, words[i].value, false);
			return end + 1;
		}
	}
	if (!strcmp(m, "DATE")) {
		date(f);
		return end + 1;
	}
	if (!strncmp(m, "NAMES ", 6)) {
		names(f, m + 6);
		return end + 1;
	}
	if (!alone)
		die("@%s@ stands on a line of its own, or is unknown", m);
	if (!strcmp(m, "GLOBAL_OPTIONS"))
		options(f, pc_global_opts);
	else if (!strcmp(m, "COMMANDS"))
		commands(f);
	else if (!strncmp(m, "STATEMENT ", 10))
		statement(f, m + 10);
	else
		die("unknown marker @%s@", m);
	return end + 1;
}

int main(int argc, char **argv)
{
	char *line = NULL;
	size_t cap = 0, i;
	FILE *in;

	if (argc != 2) {
		fprintf(stderr, "usage: gen_man TEMPLATE > PAGE\n");
		return 2;
	}
	template_path = argv[1];
	in = fopen(template_path, "r");
	if (!in) {
		fprintf(stderr, "gen_man: cannot read %s: %s\n", template_path, strerror(errno));
		return 1;
	}
	while (getline(&line, &cap, in) > 0) {
		const char *s = line, *at;
		size_t len = strlen(line);
		/* "@MARKER@" and nothing else on the line */
		bool alone = len > 2 && line[0] == '@' && strchr(line + 1, '@') == line + len - 2 &&
			     line[len - 1] == '\n';

		line_no++;
		if (!strncmp(line, ".\\\"", 3)) {
			fputs(line, stdout);
			continue;
		}
		while ((at = strchr(s, '@'))) {
			fwrite(s, 1, (size_t)(at - s), stdout);
			s = marker(stdout, at + 1, alone);
			if (alone)
				s = "";
		}
		fputs(s, stdout);
	}
	free(line);
	fclose(in);
	for (i = 0; any_statement && i < PC_N_STATEMENT_WORDS; i++) {
		if (!statement_seen[i]) {
			line_no = 0;
			die("statement '%s' of the parser has no @STATEMENT@ section", pc_statement_words[i]);
		}
	}
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "gen_man: cannot write the page: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}
