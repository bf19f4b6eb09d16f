/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * cli.h - the command line: one context passed to every command, and the
 * command tables (bpftool's cmds[] shape; full words for destructive verbs).
 */
#ifndef PC_CLI_H
#define PC_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "lib/ctx.h"

#define PC_DEFAULT_CONFIG	"/etc/portcullis/portcullis.conf"
#define PC_DEFAULT_PIN_DIR	"/sys/fs/bpf/portcullis"
#define PC_DEFAULT_RUN_DIR	"/run/portcullis"
#define PC_DEFAULT_LOG_DIR	"/var/log/portcullis"

/* Exit codes of the command line contract. */
#define PC_EXIT_OK	0
#define PC_EXIT_FAIL	1
#define PC_EXIT_USAGE	2

struct pc_ctx {
	struct pc_lib lib;	/* directories, verbosity, and the diagnostics sink */
	const char *config;
	bool json;
	/* Results. Under --json a memory stream main() prints, or replaces by
	 * {"errors": [...]}, after the command: one document either way. */
	FILE *out;
	FILE *err;		/* progress and runtime messages that are no result */
};

struct pc_cmd {
	const char *name;
	int (*fn)(struct pc_ctx *ctx, int argc, char **argv);
	const char *args;	/* usage after the name */
	const char *help;	/* one line */
	bool full_word;		/* destructive: no prefix abbreviation */
	/* Its output is a stream of lines by nature (the event log, the
	 * daemon): under --json they go straight to stdout, one JSON object a
	 * line, and a failure adds a last {"errors": [...]} line. */
	bool stream;
};

extern const struct pc_cmd pc_cmds[];

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
