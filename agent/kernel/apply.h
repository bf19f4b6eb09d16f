/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * apply.h - make the running instance match a compiled config.
 *
 * Order, so no packet meets a half-made state (systemd's "compile, then
 * install"): resolve every scope's key on this host; give every scope the
 * id the running instance has for its name (scope_ids.h); fill the new
 * generation's inactive maps; detach the hooks of scopes the config
 * dropped while the old generation still has their keys (a hook without
 * its scope drops everything) and empty the counters and conntrack of ids
 * new to their names; flip; attach or update the hooks of every scope
 * (their keys are live now); last, record the state. A failure before the
 * flip leaves the old policy live (the dropped scopes' hooks may be gone).
 */
#ifndef PC_APPLY_H
#define PC_APPLY_H

#include "kernel/instance.h"
#include "kernel/state.h"
#include "lib/ctx.h"
#include "policy/tables.h"

/* Apply the compiled tables T, from the host config CONFIG, to the loaded
 * instance IN; ST is read and rewritten. T's scope ids become the running
 * ones (its rule keys are renumbered). 0, or a negative errno after adding
 * to lib->diag what failed and what to do next. */
int pc_apply(struct pc_lib *lib, struct pc_instance *in, struct pc_tables *t,
	     const char *config, struct pc_state *st);

/* Give T the scope ids ST records for its names, as the apply that wrote
 * ST did: for a reader of what runs (the daemon naming events). 0 or a
 * negative errno (pc_scope_ids_assign()). */
int pc_apply_state_ids(const struct pc_state *st, struct pc_tables *t);

/* Load the instance for lib->pin_dir (reusing pinned maps). 0, or a
 * negative errno after saying why in lib->diag. */
int pc_apply_load_instance(struct pc_lib *lib, struct pc_instance *in);

#endif /* PC_APPLY_H */
