/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* event_format.h - a kernel pc_event as a JSON line (the log) and as text. */
#ifndef PC_EVENT_FORMAT_H
#define PC_EVENT_FORMAT_H

#include <stdio.h>
#include <time.h>

#include "portcullis.h"
#include "tables.h"

/* What the kernel does not know: names for the scope, wall-clock time. */
struct pc_event_ctx {
	const struct pc_tables *tables;	/* scope names and roles; may be NULL */
	struct timespec boot_to_real;	/* add to ts_ns for CLOCK_REALTIME */
	const char *hint;		/* "allow in smb from ..." or NULL */
};

/* Offset between CLOCK_BOOTTIME (bpf_ktime_get_boot_ns) and CLOCK_REALTIME. */
void pc_event_clock_init(struct pc_event_ctx *c);

/* One JSON object and a newline, the fields of the spec's event. */
void pc_event_write_json(FILE *f, const struct pc_event_ctx *c, const struct pc_event *e);

#endif /* PC_EVENT_FORMAT_H */
