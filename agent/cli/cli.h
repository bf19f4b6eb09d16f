/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * cli.h - the command line: one context passed to every command, and the
 * command tables (bpftool's cmds[] shape; full words for destructive verbs).
 */
#ifndef PC_CLI_H
#define PC_CLI_H

#include <stdbool.h>
#include <stdio.h>

#define PC_DEFAULT_CONFIG	"/etc/portcullis/portcullis.conf"
#define PC_DEFAULT_PIN_DIR	"/sys/fs/bpf/portcullis"
#define PC_DEFAULT_RUN_DIR	"/run/portcullis"
#define PC_DEFAULT_LOG_DIR	"/var/log/portcullis"

/* Exit codes of the command line contract. */
#define PC_EXIT_OK	0
#define PC_EXIT_FAIL	1
#define PC_EXIT_USAGE	2

/* How interfaces are hooked: tcx links where the kernel has them (6.6+),
 * else clsact filters; or one of them, forced. */
enum pc_tc_attach {
	PC_TC_AUTO,
	PC_TC_TCX,
	PC_TC_CLSACT,
};

struct pc_ctx {
	const char *config;
	const char *pin_dir;
	const char *run_dir;
	const char *log_dir;
	bool json;
	int verbose;
	enum pc_tc_attach tc_attach;
	FILE *out;		/* results */
	FILE *err;		/* diagnostics and errors */
};

struct pc_cmd {
	const char *name;
	int (*fn)(struct pc_ctx *ctx, int argc, char **argv);
	const char *args;	/* usage after the name */
	const char *help;	/* one line */
	bool full_word;		/* destructive: no prefix abbreviation */
};

extern const struct pc_cmd pc_cmds[];

/* "portcullis: MESSAGE\n" on ctx->err, or {"error":"MESSAGE"} with --json.
 * Returns PC_EXIT_FAIL so callers can 'return pc_fail(...)'. */
int pc_fail(struct pc_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same for a usage error: returns PC_EXIT_USAGE. */
int pc_usage(struct pc_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Commands. */
int cmd_check(struct pc_ctx *ctx, int argc, char **argv);
int cmd_query(struct pc_ctx *ctx, int argc, char **argv);
int cmd_catalogue(struct pc_ctx *ctx, int argc, char **argv);
int cmd_roles(struct pc_ctx *ctx, int argc, char **argv);
int cmd_daemon(struct pc_ctx *ctx, int argc, char **argv);
int cmd_apply(struct pc_ctx *ctx, int argc, char **argv);
int cmd_mode(struct pc_ctx *ctx, int argc, char **argv);
int cmd_confirm(struct pc_ctx *ctx, int argc, char **argv);
int cmd_status(struct pc_ctx *ctx, int argc, char **argv);
int cmd_stats(struct pc_ctx *ctx, int argc, char **argv);
int cmd_unload(struct pc_ctx *ctx, int argc, char **argv);
int cmd_events(struct pc_ctx *ctx, int argc, char **argv);

#endif /* PC_CLI_H */
