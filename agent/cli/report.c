// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * report.c - how a command says it failed: one line on stderr, or a JSON
 * error object on stdout under --json (bpftool's p_err).
 */
#include <stdarg.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "lib/json.h"

static void vreport(struct pc_ctx *ctx, const char *fmt, va_list ap)
{
	char *msg = NULL;

	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	if (ctx->json) {
		struct pc_json j;

		pc_json_init(&j, ctx->out);
		pc_json_begin_object(&j);
		pc_json_key(&j, "error");
		pc_json_string(&j, msg ? msg : fmt);
		pc_json_end_object(&j);
	} else {
		fprintf(ctx->err, "portcullis: %s\n", msg ? msg : fmt);
	}
	free(msg);
}

int pc_fail(struct pc_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(ctx, fmt, ap);
	va_end(ap);
	return PC_EXIT_FAIL;
}

int pc_usage(struct pc_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(ctx, fmt, ap);
	va_end(ap);
	fprintf(ctx->err, "portcullis: see 'portcullis help'\n");
	return PC_EXIT_USAGE;
}
