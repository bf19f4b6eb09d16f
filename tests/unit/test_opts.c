// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_opts.c - the command option tables (opts.h) and their one parser:
 * every table is well formed, and the parser reads every spelling the
 * command line has always taken and refuses the rest with usage errors
 * that name what was meant.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli/cli.h"
#include "lib/names.h"

/* --- the tables ------------------------------------------------------------- */

static void check_table(const char *what, const struct pc_opt *opts)
{
	const struct pc_opt *o, *q;

	for (o = opts; o->id; o++) {
		if (o->id < 0 || !o->name || !*o->name || !o->help || !*o->help)
			fail_msg("%s: --%s: an id > 0, a name and a help line", what,
				 o->name ? o->name : "?");
		if (o->name[0] == '-' || strchr(o->name, '=') || strchr(o->name, ' '))
			fail_msg("%s: --%s: a name without '-', '=' or spaces", what, o->name);
		if (o->names && !o->arg)
			fail_msg("%s: --%s: names, but no value", what, o->name);
		for (q = opts; q < o; q++) {
			if (q->id == o->id || !strcmp(q->name, o->name) ||
			    (o->letter && q->letter == o->letter))
				fail_msg("%s: --%s and --%s share an id, a name or a letter", what,
					 q->name, o->name);
		}
	}
}

static void test_tables(void **state)
{
	const struct pc_cmd *c;
	size_t n = 0;

	check_table("global", pc_global_opts);
	for (c = pc_cmds; c->name; c++, n++) {
		check_table(c->name, c->opts);
		assert_ptr_equal(pc_cmd_by_name(c->name), c);
		/* The options are the table's: the usage string holds words only. */
		if (strstr(c->args, "--"))
			fail_msg("%s: its args name an option: '%s'", c->name, c->args);
	}
	assert_true(n >= 12);
}

static void test_metavars(void **state)
{
	assert_int_equal(pc_metavar_kind("FILE"), PC_MV_FILE);
	assert_int_equal(pc_metavar_kind("SCOPE"), PC_MV_SCOPE);
	assert_int_equal(pc_metavar_kind("ROLE"), PC_MV_ROLE);
	assert_int_equal(pc_metavar_kind("SERVICE"), PC_MV_SERVICE);
	assert_int_equal(pc_metavar_kind("PEER"), PC_MV_PEER);
	assert_int_equal(pc_metavar_kind("audit|enforce"), PC_MV_WORDS);
	assert_int_equal(pc_metavar_kind("N"), PC_MV_NONE);
	assert_int_equal(pc_metavar_kind(NULL), PC_MV_NONE);
}

static void test_usage_line(void **state)
{
	char buf[512];

	pc_cmd_usage(pc_cmd_by_name("mode"), buf, sizeof(buf));
	assert_string_equal(buf, "mode audit|enforce [--scope SCOPE] [--force] [--confirm SECONDS]");
	pc_cmd_usage(pc_cmd_by_name("confirm"), buf, sizeof(buf));
	assert_string_equal(buf, "confirm");
	/* cut, still a string */
	pc_cmd_usage(pc_cmd_by_name("events"), buf, 8);
	assert_string_equal(buf, "events ");
}

static void test_cmd_match(void **state)
{
	bool amb;

	assert_non_null(pc_cmd_match("ev", &amb));
	assert_string_equal(pc_cmd_match("ev", &amb)->name, "events");
	assert_null(pc_cmd_match("stat", &amb));	/* status, stats */
	assert_true(amb);
	assert_non_null(pc_cmd_match("stats", &amb));	/* the whole word wins */
	assert_false(amb);
	assert_null(pc_cmd_match("unlo", &amb));	/* destructive: whole word only */
	assert_false(amb);
	assert_null(pc_cmd_match("", &amb));
}

/* --- the parser --------------------------------------------------------------- */

struct parsed {
	int ids[16];
	const char *args[16];
	int n;
	char *err;
	size_t err_len;
};

/* Parse the words of command NAME (NULL-terminated), collecting every answer
 * up to PC_OPT_END or PC_OPT_BAD, and the rendered diagnostics. */
static void parse(struct parsed *r, const char *name, ...)
{
	char *argv[16] = { (char *)name };
	struct pc_ctx ctx = { 0 };
	struct pc_opt_parser p;
	FILE *err;
	va_list ap;
	int argc = 1, id;

	va_start(ap, name);
	while ((argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	memset(r, 0, sizeof(*r));
	pc_opt_begin(&p, &ctx, name, argc, argv);
	do {
		id = pc_opt_next(&p);
		r->ids[r->n] = id;
		r->args[r->n++] = id == PC_OPT_END || id == PC_OPT_BAD ? NULL : p.arg;
	} while (id != PC_OPT_END && id != PC_OPT_BAD && r->n < 16);
	err = open_memstream(&r->err, &r->err_len);
	pc_diag_render_text(&ctx.lib.diag, err);
	pc_diag_free(&ctx.lib.diag);
	fclose(err);
}

/* The id of option NAME of command CMD. */
static int id_of(const char *cmd, const char *name)
{
	const struct pc_opt *o;

	for (o = pc_cmd_by_name(cmd)->opts; o->id; o++)
		if (!strcmp(o->name, name))
			return o->id;
	fail_msg("%s has no --%s", cmd, name);
	return 0;
}

static void test_spellings(void **state)
{
	struct parsed r;

	/* every spelling of a value, and words between options */
	parse(&r, "events", "-n", "5", "--lines=7", "--since", "10m", "-f", "x", NULL);
	assert_int_equal(r.n, 6);
	assert_int_equal(r.ids[0], id_of("events", "lines"));
	assert_string_equal(r.args[0], "5");
	assert_int_equal(r.ids[1], id_of("events", "lines"));
	assert_string_equal(r.args[1], "7");
	assert_int_equal(r.ids[2], id_of("events", "since"));
	assert_string_equal(r.args[2], "10m");
	assert_int_equal(r.ids[3], id_of("events", "follow"));
	assert_int_equal(r.ids[4], PC_OPT_WORD);
	assert_string_equal(r.args[4], "x");
	assert_int_equal(r.ids[5], PC_OPT_END);
	assert_string_equal(r.err, "");
	free(r.err);

	/* a value may start with '-'; after "--" everything is a word; "-" is one */
	parse(&r, "query", "--scope", "-odd", "--", "--scope", "-", NULL);
	assert_int_equal(r.n, 4);
	assert_int_equal(r.ids[0], id_of("query", "scope"));
	assert_string_equal(r.args[0], "-odd");
	assert_int_equal(r.ids[1], PC_OPT_WORD);
	assert_string_equal(r.args[1], "--scope");
	assert_int_equal(r.ids[2], PC_OPT_WORD);
	assert_string_equal(r.args[2], "-");
	free(r.err);
}

static void test_errors(void **state)
{
	struct parsed r;

	parse(&r, "check", "--forse", NULL);
	assert_int_equal(r.ids[0], PC_OPT_BAD);
	assert_non_null(strstr(r.err, "check has no option '--forse'; did you mean '--force'?"));
	assert_non_null(strstr(r.err, "usage: portcullis check [FILE] [--force]"));
	free(r.err);

	parse(&r, "confirm", "--now", NULL);
	assert_int_equal(r.ids[0], PC_OPT_BAD);
	assert_non_null(strstr(r.err, "confirm takes no options, not '--now'"));
	free(r.err);

	parse(&r, "mode", "enforce", "--confirm", NULL);
	assert_int_equal(r.ids[1], PC_OPT_BAD);
	assert_non_null(strstr(r.err, "--confirm needs SECONDS"));
	free(r.err);

	parse(&r, "stats", "--prometheus=yes", NULL);
	assert_int_equal(r.ids[0], PC_OPT_BAD);
	assert_non_null(strstr(r.err, "--prometheus takes no value"));
	free(r.err);

	/* a short option is one letter: no clusters */
	parse(&r, "events", "-fj", NULL);
	assert_int_equal(r.ids[0], PC_OPT_BAD);
	free(r.err);

	/* names are checked against their table, with the closest */
	parse(&r, "events", "--hook=connect", NULL);
	assert_int_equal(r.ids[0], PC_OPT_BAD);
	assert_non_null(strstr(r.err, "--hook takes a hook ("));
	assert_non_null(strstr(r.err, "not 'connect'; did you mean 'connect4'?"));
	free(r.err);
	parse(&r, "events", "--verdict", "audit", NULL);
	assert_int_equal(r.ids[0], id_of("events", "verdict"));
	assert_string_equal(r.err, "");
	free(r.err);
}

/* Commands without options: their words, and no more than they take. */
static void test_words(void **state)
{
	char *two[] = { "roles", "ssrs", "crm", NULL }, *one[] = { "roles", "--", "-odd", NULL };
	char *none[] = { "confirm", "now", NULL }, *flag[] = { "roles", "--all", NULL };
	struct pc_ctx ctx = { 0 };
	const char *word = NULL;

	assert_int_equal(pc_opt_words(&ctx, "roles", 2, one, &word), 0);
	assert_null(word);	/* "--" alone: no word */
	assert_int_equal(pc_opt_words(&ctx, "roles", 3, one, &word), 0);
	assert_string_equal(word, "-odd");
	assert_int_equal(ctx.lib.diag.n_errors, 0);
	word = NULL;
	assert_int_equal(pc_opt_words(&ctx, "roles", 3, two, &word), PC_EXIT_USAGE);
	assert_int_equal(pc_opt_words(&ctx, "confirm", 2, none, NULL), PC_EXIT_USAGE);
	assert_int_equal(pc_opt_words(&ctx, "roles", 2, flag, &word), PC_EXIT_USAGE);
	assert_int_equal(ctx.lib.diag.n_errors, 3);
	pc_diag_free(&ctx.lib.diag);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tables),
		cmocka_unit_test(test_metavars),
		cmocka_unit_test(test_usage_line),
		cmocka_unit_test(test_cmd_match),
		cmocka_unit_test(test_spellings),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
