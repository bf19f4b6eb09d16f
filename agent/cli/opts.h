/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * opts.h - a command's options as one table that parses and prints: the
 * command parses its words with pc_opt_next() over it, and 'help', usage
 * errors, the man page (tools/man.c) and the completion ('complete',
 * complete.c) print from it, so none of them can name an option the
 * command does not take.
 */
#ifndef PC_OPTS_H
#define PC_OPTS_H

#include <stdbool.h>
#include <stddef.h>

struct pc_ctx;
struct pc_cmd;
struct pc_names;

struct pc_opt {
	int id;			/* > 0: what pc_opt_next() returns for it; 0 ends a table */
	char letter;		/* the short option (-f), or 0 */
	const char *name;	/* the long option, without "--" */
	/* The value's name, NULL for a flag. Its name says what the
	 * completion offers (pc_metavar_kind()): FILE, DIR, SCOPE, ROLE,
	 * SERVICE, PEER; or alternatives written as a|b. */
	const char *arg;
	const char *help;	/* one line, lower case, no full stop */
	/* The value must be one of these names: checked by the parser, with
	 * "did you mean", and listed by help, man page and completion. */
	const struct pc_names *names;
};

/* The rows more than one command shares, written once. */
#define PC_OPT_ROW_FORCE(id)							\
	{ id, 0, "force", NULL, "a lock-out that enforce would cause is a warning, not a refusal", \
	  NULL }
#define PC_OPT_ROW_CONFIRM(id)							\
	{ id, 0, "confirm", "SECONDS",						\
	  "revert by itself unless 'portcullis confirm' follows within SECONDS", NULL }
#define PC_OPT_ROW_JSON(id)							\
	{ id, 'j', "json", NULL, "JSON output, as the global -j", NULL }

/* pc_opt_next()'s answers besides an option's id. */
enum {
	PC_OPT_END = 0,		/* no words left */
	PC_OPT_WORD = -1,	/* a word that is no option: p->arg */
	PC_OPT_BAD = -2,	/* a usage error, in the sink: return PC_EXIT_USAGE */
};

struct pc_opt_parser {
	struct pc_ctx *ctx;
	const struct pc_cmd *cmd;
	int argc;
	char **argv;
	int i;			/* the next word */
	bool words_only;	/* after "--" */
	const char *arg;	/* the value of the option, or the word */
	const struct pc_opt *opt;	/* the option read */
};

/*
 * Read the words of command NAME (argv[0] its name) over its table:
 * "--name", "--name VALUE", "--name=VALUE", "-x", "-x VALUE", "--" ends
 * the options. Options and words may come in any order.
 */
void pc_opt_begin(struct pc_opt_parser *p, struct pc_ctx *ctx, const char *name, int argc,
		  char **argv);
int pc_opt_next(struct pc_opt_parser *p);
/* A usage error of P's command: MESSAGE, with its usage as the hint line.
 * Returns PC_EXIT_USAGE. */
int pc_opt_usage(struct pc_opt_parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The words of command NAME, for a command without options that takes at
 * most one word (*WORD, NULL when none; WORD NULL: it takes none): 0, or
 * PC_EXIT_USAGE after the usage error. */
int pc_opt_words(struct pc_ctx *ctx, const char *name, int argc, char **argv, const char **word);

/* The command NAME exactly, or NULL. */
const struct pc_cmd *pc_cmd_by_name(const char *name);
/* The command WORD names, the whole word or a prefix of one that is not
 * destructive (bpftool's matching): NULL with *AMBIGUOUS set when the
 * prefix fits several, NULL alone when none. */
const struct pc_cmd *pc_cmd_match(const char *word, bool *ambiguous);

/* "-f" or "--name", then " ARG": the option as help and usage write it. */
size_t pc_opt_format(const struct pc_opt *o, bool both, char *buf, size_t len);
/* "NAME ARGS [OPTION]...": C's usage line after "portcullis". */
size_t pc_cmd_usage(const struct pc_cmd *c, char *buf, size_t len);
/* "one of: a, b, c" for an option with names, else "" . */
size_t pc_opt_names(const struct pc_opt *o, char *buf, size_t len);

/* What the completion offers for a value named METAVAR. */
enum pc_metavar {
	PC_MV_NONE,		/* a number, a time, an address: nothing to offer */
	PC_MV_FILE, PC_MV_DIR,
	PC_MV_SCOPE, PC_MV_ROLE, PC_MV_SERVICE, PC_MV_PEER,
	PC_MV_WORDS,		/* the alternatives a|b|c, literally */
};
enum pc_metavar pc_metavar_kind(const char *metavar);

/* The global options (PC_OPTIONS in cli.h), ending with a zero row. */
extern const struct pc_opt pc_global_opts[];

#endif /* PC_OPTS_H */
