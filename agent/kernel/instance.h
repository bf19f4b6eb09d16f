/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * instance.h - one portcullis instance: its BPF object loaded with maps
 * pinned under PIN_DIR/maps (reused when already there, so a new daemon
 * takes over the state of the last), programs under PIN_DIR/progs.
 */
#ifndef PC_INSTANCE_H
#define PC_INSTANCE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "kernel/load_log.h"

struct bpf_object;
struct bpf_program;

struct pc_instance {
	struct portcullis_bpf *skel;
	const char *pin_dir;
	bool bpffs_mounted;	/* this call mounted bpffs at pin_dir */
	struct pc_load_log log;	/* after a refused load: the verifier's log */
	char mismatch[256];	/* after a failed map check: how the BPF object and
				 * the agent's map table differ (pc_maps_check()) */
	char resize[256];	/* after a refused size: the pinned map and both sizes */
};

/* Map sizes a load sets; 0: the object's default, or a pinned map's own. */
struct pc_load_sizes {
	uint32_t ringbuf_bytes;		/* PC_MAP_EVENTS */
	uint32_t ct_entries;		/* PC_MAP_CT */
	uint32_t ct_new_entries;	/* PC_MAP_CTNEW */
};

/* The programs, by the role they play. */
enum pc_prog {
	PC_PROG_TC_IN,
	PC_PROG_TC_OUT,
	PC_PROG_CG_IN,
	PC_PROG_CG_OUT,
	PC_PROG_CONNECT4,
	PC_PROG_CONNECT6,
	PC_PROG_SENDMSG4,
	PC_PROG_SENDMSG6,
	PC_PROG__COUNT,
};

/* Prepare the pin dir, open, size (SIZES may be NULL), load and pin. Prints
 * nothing (the caller reports): returns a negative errno; *what names the
 * step that failed. When the kernel refused a program, in->log holds why
 * (pc_load_log_report()); pc_instance_close() frees it. A conntrack size
 * that differs from the pinned map's is refused with -EEXIST before the
 * load, and in->resize says which. */
int pc_instance_load(struct pc_instance *in, const char *pin_dir,
		     const struct pc_load_sizes *sizes, const char **what);
void pc_instance_close(struct pc_instance *in);

/* After pc_instance_load() failed with ERR: if the kernel refused a
 * program, add it to DIAG (pc_load_log_report()) and return 0; else
 * -ENOENT, nothing added. */
int pc_instance_report_refusal(const struct pc_instance *in, int err, int full,
			       struct pc_diag *diag);

struct bpf_program *pc_instance_prog(const struct pc_instance *in, enum pc_prog p);

/* The BPF object of the instance (opened, loaded once pc_instance_load()
 * succeeded), for what iterates its maps: pc_gen_maps_from_object(). */
const struct bpf_object *pc_instance_object(const struct pc_instance *in);

/* fd of a map of the loaded object by its PC_MAP_* name, or -ENOENT. */
int pc_instance_map_fd(const struct pc_instance *in, const char *name);

/* Open a pinned map of an instance that is not loaded here (status,
 * mode, stats): PIN_DIR/maps/NAME. Returns an fd or a negative errno. */
int pc_pinned_map_open(const char *pin_dir, const char *name);

#endif /* PC_INSTANCE_H */
