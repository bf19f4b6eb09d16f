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

#include "kernel/instance.h"
#include "kernel/state.h"
#include "lib/ctx.h"
#include "policy/tables.h"

/* Apply the compiled tables T, from the host config CONFIG, to the loaded
 * instance IN; ST is read and rewritten. 0, or a negative errno after
 * adding to lib->diag what failed and what to do next. */
int pc_apply(struct pc_lib *lib, struct pc_instance *in, const struct pc_tables *t,
	     const char *config, struct pc_state *st);

/* Load the instance for lib->pin_dir (reusing pinned maps). 0, or a
 * negative errno after saying why in lib->diag. */
int pc_apply_load_instance(struct pc_lib *lib, struct pc_instance *in);

#endif /* PC_APPLY_H */
