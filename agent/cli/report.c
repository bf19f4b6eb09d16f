// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * report.c - how a command says it failed, and the one place diagnostics
 * are rendered: commands and the library add entries to ctx->lib.diag;
 * after the command, pc_run() renders them once, as text on stderr or, with
 * --json, as the one document on stdout (ctx->out: a control client's
 * stdout when the daemon runs the command for it).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "lib/json.h"

int pc_fail(struct pc_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pc_diag_vadd(&ctx->lib.diag, PC_DIAG_ERROR, PC_DIAG_BARE, NULL, NULL, fmt, ap);
	va_end(ap);
	return PC_EXIT_FAIL;
}

int pc_usage(struct pc_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pc_diag_vadd(&ctx->lib.diag, PC_DIAG_ERROR, PC_DIAG_BARE | PC_DIAG_HINT_LINE, NULL,
		     "see 'portcullis help'", fmt, ap);
	va_end(ap);
	return PC_EXIT_USAGE;
}

void pc_report_flush(struct pc_ctx *ctx)
{
	pc_diag_render_text(&ctx->lib.diag, ctx->err);
	fflush(ctx->err);
	pc_diag_free(&ctx->lib.diag);
}

static void errors_document(struct pc_ctx *ctx)
{
	struct pc_json j;

	pc_json_init(&j, ctx->out);
	pc_json_begin_object(&j);
	pc_diag_render_json(&ctx->lib.diag, &j);
	pc_json_end_object(&j);	/* ends the line too */
}

int pc_report_finish(struct pc_ctx *ctx, bool buffered, int rc, const char *buf, size_t len)
{
	struct pc_diag *d = &ctx->lib.diag;

	if (!ctx->json) {
		pc_report_flush(ctx);
		return rc;
	}
	/* A failure that said nothing would leave no document: a bug, but the
	 * contract holds even then. */
	if (rc != PC_EXIT_OK && !d->n_errors && buffered && !len)
		pc_fail(ctx, "the command failed (exit status %d) without saying why", rc);
	if (d->n_errors) {
		/* What the command wrote before it failed is not the answer. */
		errors_document(ctx);
	} else {
		/* Unbuffered output (a stream, 'status --json') is out already. */
		if (buffered && len)
			fwrite(buf, 1, len, ctx->out);
		else if (buffered)
			fputs("{}\n", ctx->out);
		/* Warnings and notes of a success stay beside the document. */
		pc_diag_render_text(d, ctx->err);
	}
	fflush(ctx->out);
	pc_diag_free(d);
	return rc;
}

int pc_run(struct pc_ctx *ctx, const struct pc_cmd *cmd, int argc, char **argv)
{
	/* Under --json the command writes into a buffer, so that a failure
	 * half-way replaces it with the errors: one document either way. */
	bool buffered = ctx->json && !cmd->stream;
	FILE *out = ctx->out;
	char *buf = NULL;
	size_t len = 0;
	int rc;

	if (buffered) {
		ctx->out = open_memstream(&buf, &len);
		if (!ctx->out) {
			ctx->out = out;
			rc = pc_fail(ctx, "cannot buffer the JSON output: %s", strerror(errno));
			return pc_report_finish(ctx, false, rc, NULL, 0);
		}
	}
	rc = cmd->fn(ctx, argc, argv);
	if (buffered) {
		fclose(ctx->out);
		ctx->out = out;
	}
	rc = pc_report_finish(ctx, buffered, rc, buf, len);
	free(buf);
	return rc;
}
