/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * metrics.h - what a loaded instance counts, read once from its pinned maps
 * and state, and written in the Prometheus text format: by 'stats
 * --prometheus', and by the daemon into a node_exporter textfile
 * (textfile.h). Every metric is a row of one table (metrics.c), which
 * docs/metrics.md lists.
 */
#ifndef PC_METRICS_H
#define PC_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "kernel/pinned.h"
#include "kernel/state.h"
#include "lib/prom.h"

/* The two conntrack tables, as the label table="..." names them. */
enum { PC_CT_TABLE_ESTABLISHED, PC_CT_TABLE_NEW, PC_CT_TABLES };

/* One read of the instance's counters. */
struct pc_metrics {
	struct pc_stats scope[PC_MAX_SCOPES];	/* by the state's scope index */
	uint32_t mode[PC_MAX_SCOPES];		/* live PC_MODE_*, by scope index */
	struct pc_stats none;			/* PC_SCOPE_NONE */
	/* by the state's scope index and PC_REASON_* */
	struct pc_reason_stats reason[PC_MAX_SCOPES][PC_REASON_SLOTS];
	struct pc_evstats ev;
	struct pc_ctstats ct;
	uint32_t ct_entries[PC_CT_TABLES], ct_max[PC_CT_TABLES];
	bool have_ev;		/* the instance has pc_evstats_v1 */
	bool have_ct;		/* the instance has pc_ctstats_v1 */
	bool have_reasons;	/* the instance has pc_reasons_v1 */
	bool have_fill;		/* pc_ct_v2 and pc_ctnew_v2 were counted */
};

/* Where a row's sample comes from. */
enum pc_metric_src {
	PC_METRIC_OWN,		/* its .samples function (labels, the state) */
	PC_METRIC_EV,		/* the uint64 at .off in struct pc_evstats */
	PC_METRIC_CT,		/* the uint64 at .off in struct pc_ctstats */
};

struct pc_metric {
	struct pc_prom_family fam;
	enum pc_metric_src src;
	void (*samples)(FILE *f, const struct pc_prom_family *fam, const struct pc_state *st,
			const struct pc_metrics *m);	/* PC_METRIC_OWN */
	size_t off;		/* PC_METRIC_EV, _CT */
	const char *key;	/* PC_METRIC_CT: its name in 'stats' text and --json */
};

extern const struct pc_metric pc_metrics[];
extern const size_t pc_metrics_n;

/* Every row valid (pc_prom_family_check) and every name once. 0, or
 * -EINVAL with the reason in WHY. */
int pc_metrics_check(char *why, size_t len);

/* The value of a PC_METRIC_EV or PC_METRIC_CT row R in M. */
uint64_t pc_metric_field(const struct pc_metric *r, const struct pc_metrics *m);

/* Read M from the instance of ST and P (pc_open_instance()); LIB says
 * where its pins are and takes the error. 0 or a negative errno. */
int pc_metrics_read(struct pc_lib *lib, const struct pc_state *st, const struct pc_pinned *p,
		    struct pc_metrics *m);

/* Every family of the table with its samples, as of ST and M. */
void pc_metrics_write(FILE *f, const struct pc_state *st, const struct pc_metrics *m);

#endif /* PC_METRICS_H */
