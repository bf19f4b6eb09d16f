/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * pinned.h - the pinned maps of a loaded instance, for the commands that
 * read or switch it beside the daemon, without it: mode, status, stats.
 */
#ifndef PC_PINNED_H
#define PC_PINNED_H

#include "kernel/gen.h"
#include "kernel/state.h"
#include "lib/ctx.h"

struct pc_pinned {
	struct pc_gen_maps maps;	/* by row of pc_map_table */
	int stats_fd;		/* PC_MAP_STATS */
	int evstats_fd;		/* PC_MAP_EVSTATS; -1 if the instance predates it */
	int ctstats_fd;		/* PC_MAP_CTSTATS; -1 if the instance predates it */
	int reasons_fd;		/* PC_MAP_REASONS; -1 if the instance predates it */
};

#define PC_PINNED_INIT { .maps = PC_GEN_MAPS_INIT, .stats_fd = -1, .evstats_fd = -1, \
			 .ctstats_fd = -1, .reasons_fd = -1 }

/* Open the maps pinned under PIN_DIR/maps: in MAPS those of the generation
 * functions (PC_MAP_USE_GEN rows), and pc_stats, pc_reasons, pc_evstats and pc_ctstats. 0 or a
 * negative errno; on failure nothing stays open. */
int pc_pinned_open(const char *pin_dir, struct pc_pinned *p);
void pc_pinned_close(struct pc_pinned *p);

/*
 * The state (lib->run_dir/state) and pinned maps (lib->pin_dir) of a
 * loaded instance. 0, or a negative errno after saying why in lib->diag
 * (nothing loaded, not root, another --pin-dir).
 */
int pc_open_instance(struct pc_lib *lib, struct pc_state *st, struct pc_pinned *p);

#endif /* PC_PINNED_H */
