/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * textfile.h - the daemon's metrics for node_exporter's textfile
 * collector: every interval, what 'stats --prometheus' prints (metrics.h)
 * written whole into DIR/portcullis.prom (a temporary file in DIR, then a
 * rename: the collector never reads half a file), mode 0644 so that an
 * exporter running as another user reads it. A failure is said once when
 * it starts, or changes, and once when writes go again; the daemon goes on
 * enforcing either way.
 */
#ifndef PC_TEXTFILE_H
#define PC_TEXTFILE_H

#include <stdio.h>
#include <time.h>

#include "cli/metrics.h"
#include "lib/ctx.h"

#define PC_TEXTFILE_NAME	"portcullis.prom"
#define PC_TEXTFILE_INTERVAL	15	/* seconds, node_exporter's usual scrape */

struct pc_textfile {
	const char *dir;	/* NULL: no textfile */
	unsigned int interval;	/* seconds between writes */
	time_t next;		/* CLOCK_MONOTONIC s of the next write; 0: at once */
	char failed[1024];	/* the failure said last; "" while writes go */
	struct pc_state *st;	/* read each time: an 'apply' may have changed it */
	struct pc_metrics *m;
};

/* Ready TF for DIR (NULL: off) every INTERVAL seconds. 0 or -ENOMEM. */
int pc_textfile_init(struct pc_textfile *tf, const char *dir, unsigned int interval);
void pc_textfile_free(struct pc_textfile *tf);

/* At NOW (CLOCK_MONOTONIC s): write the file when it is due, reading the
 * instance LIB names; a change of failure is said on ERR. */
void pc_textfile_tick(struct pc_textfile *tf, const struct pc_lib *lib, FILE *err, time_t now);

/* Once now, whenever it is due: 0 or a negative errno, the reason in WHY. */
int pc_textfile_write(struct pc_textfile *tf, const struct pc_lib *lib, char *why, size_t len);

#endif /* PC_TEXTFILE_H */
