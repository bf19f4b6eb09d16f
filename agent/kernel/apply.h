/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * apply.h - make the running instance match a compiled config.
 *
 * Order, so no packet meets a half-made state (systemd's "compile, then
 * install"): resolve every scope's key on this host; install the tables
 * as a new generation (fill inactive maps, flip); attach or update the
 * hooks of every scope; then detach hooks of scopes the config dropped
 * (the new generation has no key for them, so they already pass); last,
 * record the state. Any failure before the flip changes nothing.
 */
#ifndef PC_APPLY_H
#define PC_APPLY_H

#include <stdio.h>

#include "cli/cli.h"
#include "cli/config.h"
#include "kernel/instance.h"
#include "kernel/state.h"

/* Apply CFG (compiled) to the loaded instance IN; ST is read and rewritten.
 * Errors are reported on ctx->err with what to do next. */
int pc_apply(struct pc_ctx *ctx, struct pc_instance *in, struct pc_config *cfg,
	     struct pc_state *st);

/* Load the instance for CTX's pin dir (reusing pinned maps). */
int pc_apply_load_instance(struct pc_ctx *ctx, struct pc_instance *in);

#endif /* PC_APPLY_H */
