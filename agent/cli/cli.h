/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * cli.h - the command line: one context passed to every command, and the
 * command tables (bpftool's cmds[] shape; full words for destructive verbs).
 */
#ifndef PC_CLI_H
#define PC_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "cli/opts.h"
#include "lib/ctx.h"

/* The one place the version is written: --version prints it, and the
 * packages check theirs against it. A test build may define another
 * (tests/integration/test_upgrade.sh). */
#ifndef PC_VERSION
#define PC_VERSION		"0.1.0"
#endif

/* The host config and the shipped catalogue.conf and roles/ where 'make
 * install' puts them: the Makefile defines both from sysconfdir and datadir
 * (PREFIX /usr/local; the packages build with /usr). These are the defaults
 * of a compiler run without it. The source tree's are in policies/: give
 * --policy-dir policies there. */
#ifndef PC_DEFAULT_CONFIG
#define PC_DEFAULT_CONFIG	"/etc/portcullis/portcullis.conf"
#endif
#ifndef PC_DEFAULT_POLICY_DIR
#define PC_DEFAULT_POLICY_DIR	"/usr/local/share/portcullis"
#endif
#define PC_DEFAULT_PIN_DIR	"/sys/fs/bpf/portcullis"
#define PC_DEFAULT_RUN_DIR	"/run/portcullis"
#define PC_DEFAULT_LOG_DIR	"/var/log/portcullis"

/* Exit codes of the command line contract. */
#define PC_EXIT_OK	0
#define PC_EXIT_FAIL	1
#define PC_EXIT_USAGE	2

struct pc_served;

struct pc_ctx {
	struct pc_lib lib;	/* directories, verbosity, and the diagnostics sink */
	const char *config;
	bool config_given;	/* -c: a missing file is an error, never replaced */
	const char *policy_dir;	/* the shipped catalogue.conf and roles/ */
	bool json;
	/* Results. Under --json a memory stream main() prints, or replaces by
	 * {"errors": [...]}, after the command: one document either way. */
	FILE *out;
	FILE *err;		/* progress and runtime messages that are no result */
	/* Set while the daemon runs a command for a client of RUN_DIR/control
	 * (control.h); NULL on the command line. */
	const struct pc_served *served;
};

/*
 * The global options, in the order --help lists them: the value getopt
 * returns (a letter: also the short option), the long name, the argument
 * (NULL: none) and one line of help. main() makes its getopt table from
 * this one list, and pc_global_opts[] (opts.h) holds it for the help, the
 * man page and the completion.
 */
/* A macro's value as a string, for the defaults in the help. */
#define PC_STR_(x) #x
#define PC_STR(x) PC_STR_(x)

enum {
	PC_OPT_PIN_DIR = 256, PC_OPT_RUN_DIR, PC_OPT_LOG_DIR, PC_OPT_POLICY_DIR,
	PC_OPT_TC_ATTACH, PC_OPT_CT_ENTRIES, PC_OPT_CT_NEW_ENTRIES, PC_OPT_VERSION,
};

#define PC_OPTIONS(X)								\
	X('c', "config", "FILE", "host config (default " PC_DEFAULT_CONFIG ")")		\
	X(PC_OPT_PIN_DIR, "pin-dir", "DIR",						\
	  "pinned maps, programs, links (default " PC_DEFAULT_PIN_DIR ")")		\
	X(PC_OPT_RUN_DIR, "run-dir", "DIR",						\
	  "state, lock, control socket, changes to confirm (default " PC_DEFAULT_RUN_DIR ")")			\
	X(PC_OPT_LOG_DIR, "log-dir", "DIR", "event log (default " PC_DEFAULT_LOG_DIR ")")	\
	X(PC_OPT_POLICY_DIR, "policy-dir", "DIR",					\
	  "shipped catalogue.conf and roles/ (default " PC_DEFAULT_POLICY_DIR ")")	\
	X(PC_OPT_TC_ATTACH, "tc-attach", "M",						\
	  "auto (tcx where the kernel has it, else clsact), tcx, clsact")		\
	X(PC_OPT_CT_ENTRIES, "ct-entries", "N",						\
	  "conntrack size: established flows (default " PC_STR(PC_CT_ENTRIES) ")")	\
	X(PC_OPT_CT_NEW_ENTRIES, "ct-new-entries", "N",					\
	  "conntrack size: flows not established yet (default " PC_STR(PC_CT_NEW_ENTRIES) ")") \
	X('j', "json", NULL, "JSON output")						\
	X('v', "verbose", NULL, "more detail, libbpf debug output")			\
	X(PC_OPT_VERSION, "version", NULL, "print the version and exit")		\
	X('h', "help", NULL, "print this help and exit")

struct pc_cmd {
	const char *name;
	int (*fn)(struct pc_ctx *ctx, int argc, char **argv);
	const char *args;	/* the words after the name that are no options */
	const char *help;	/* one line */
	const struct pc_opt *opts;	/* pc_opts_NAME[] in cmd_NAME.c, parsed by opts.c */
	bool full_word;		/* destructive: no prefix abbreviation */
	/* Its output is a stream of lines by nature (the event log, the
	 * daemon): under --json they go straight to stdout, one JSON object a
	 * line, and a failure adds a last {"errors": [...]} line. */
	bool stream;
	/* A running daemon does it, through RUN_DIR/control (control.h), so
	 * that it changes its own tables in the same step; without a daemon
	 * the command line does it itself. */
	bool served;
};

extern const struct pc_cmd pc_cmds[];

/* 'portcullis complete WORD...': the candidates for the last WORD, one a
 * line, for the bash completion (complete.c). Not a command of the table:
 * main() runs it before any other, and 'help' does not list it. */
int pc_complete(struct pc_ctx *ctx, int argc, char **argv);

/* 'portcullis help': the global options and every command; 'portcullis
 * help COMMAND': C's usage, help and options (help.c). */
void pc_help(FILE *f);
void pc_help_cmd(FILE *f, const struct pc_cmd *c);

/* Add the error MESSAGE to the sink; main() renders it after the command,
 * "portcullis: MESSAGE" on stderr, or in {"errors": [...]} with --json.
 * Returns PC_EXIT_FAIL so callers can 'return pc_fail(...)'. */
int pc_fail(struct pc_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same for a usage error, with the hint "see 'portcullis help'" (its
 * own line as text): returns PC_EXIT_USAGE. */
int pc_usage(struct pc_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Render the sink as text on ctx->err now and empty it: for the daemon,
 * whose reloads fail and recover long before it exits. */
void pc_report_flush(struct pc_ctx *ctx);
/* After the command: render the sink once, as text on ctx->err, or with
 * --json as {"errors": [...]} on stdout when there are errors, else the
 * LEN bytes of BUF the command wrote when BUFFERED. Returns RC. */
int pc_report_finish(struct pc_ctx *ctx, bool buffered, int rc, const char *buf, size_t len);
/* Run CMD with ARGV (argv[0] its name) and render its result once, as
 * main() and the daemon's control socket both do: ctx->out is where the
 * result goes (under --json for a command that is no stream, buffered
 * first). Returns the exit code. */
int pc_run(struct pc_ctx *ctx, const struct pc_cmd *cmd, int argc, char **argv);

/*
 * The commands, in the order 'help' lists them and prefixes match them
 * (bpftool's cmds[]): name (cmd_NAME() in cli/cmd_NAME.c implements it,
 * with its options in pc_opts_NAME[] there), the words that are no options
 * (metavariables as pc_metavar_kind() reads them), one line of help,
 * destructive (no prefix abbreviation), and stream, and served (both see
 * struct pc_cmd). The table in commands.c and the prototypes below are
 * both made from this one list.
 */
#define PC_COMMANDS(X)								\
	X(check,     "[FILE]",								\
	  "parse and compile the config; print every error; change nothing", false, false, false)	\
	X(daemon,    "",									\
	  "load, attach per config, enforce, and log events; SIGHUP re-reads the config",	\
	  false, true, false)								\
	X(apply,     "",									\
	  "compile the config and swap it in atomically; on any error nothing changes",	\
	  true, false, true)								\
	X(mode,      "audit|enforce",							\
	  "switch at once, every scope or one (interface:eth0, cgroup:/x.service)", true, false, true) \
	X(confirm,   "",									\
	  "keep what 'mode --confirm' or 'apply --confirm' changed; else it reverts by itself", \
	  true, false, true)								\
	X(status,    "",									\
	  "running or not, mode per scope, attachments, policy digest, failsafe, counters",	\
	  false, false, true)								\
	X(stats,     "",									\
	  "counters: allowed, denied, audited per scope; events delivered, suppressed, lost",	\
	  false, false, false)								\
	X(unload,    "",									\
	  "detach everything this instance attached and remove its pins", true, false, false)	\
	X(events,    "",									\
	  "the event log, oldest first; -f follows it across rotations like tail -F",	\
	  false, true, false)								\
	X(query,     "in|out PROTO/PORT [from|to ADDR[/LEN]|PEER]",			\
	  "judge one flow against the config, offline, and name the rule", false, false, false)	\
	X(catalogue, "[SERVICE]",							\
	  "list the services of the catalogue, or show one with its source", false, false, false)	\
	X(roles,     "[ROLE]",								\
	  "list the roles, or show one expanded with its sources", false, false, false)

/*
 * Commit-confirmed (cmd_confirm.c; the record is kernel/confirm.h). A
 * command given '--confirm SECONDS' reads them with pc_confirm_arg(); under
 * RUN_DIR/lock and before it changes anything, pc_confirm_begin() records
 * what runs (every scope's mode from MAPS, and for C->kind apply the text of
 * ST's config, as pc_confirm_keep_config() kept it or the file still has
 * it), or refuses with the reason in the sink (exit code returned);
 * after the change and the lock, pc_confirm_arm() leaves the waiter behind
 * and says when it reverts.
 */
struct pc_confirm;
struct pc_gen_maps;
struct pc_json;
struct pc_state;
int pc_confirm_arg(struct pc_ctx *ctx, const char *arg, unsigned int *seconds);
int pc_confirm_begin(struct pc_ctx *ctx, const struct pc_state *st, const struct pc_gen_maps *maps,
		     unsigned int seconds, struct pc_confirm *c);
void pc_confirm_arm(struct pc_ctx *ctx, const struct pc_confirm *c);
/* Revert what is pending when its deadline has passed (the daemon, once a
 * second and at start; the waiter): 1 reverted, 0 nothing due, or a
 * negative errno after saying what failed. Takes RUN_DIR/lock itself. */
int pc_confirm_tick(struct pc_ctx *ctx);
/* After every apply, under the lock: keep the text of the config POL that
 * now runs, for a later 'apply --confirm' to go back to after the file
 * was edited. A failure is a warning: the apply stands. */
struct pc_policy;
void pc_confirm_keep_config(struct pc_ctx *ctx, const struct pc_policy *pol);
/* 'status': the pending change and its deadline, a line or a "pending" key. */
void pc_confirm_show(struct pc_ctx *ctx, struct pc_json *j);

#define PC_CMD_PROTO(name, args, help, full_word, stream, served) \
	int cmd_##name(struct pc_ctx *ctx, int argc, char **argv);	\
	extern const struct pc_opt pc_opts_##name[];
PC_COMMANDS(PC_CMD_PROTO)
#undef PC_CMD_PROTO

#endif /* PC_CLI_H */
