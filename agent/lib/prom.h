/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * prom.h - the Prometheus text exposition format (version 0.0.4): metric
 * families described by a table row, written with # HELP and # TYPE, and
 * label values escaped. Knows nothing of portcullis's counters: the rows
 * are agent/cli/metrics.c's.
 */
#ifndef PC_PROM_H
#define PC_PROM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum pc_prom_type { PC_PROM_COUNTER, PC_PROM_GAUGE };

#define PC_PROM_MAX_LABELS 3

/* One metric family: its name, type, help and label names (NULL-ended). */
struct pc_prom_family {
	const char *name;
	enum pc_prom_type type;
	const char *help;
	const char *labels[PC_PROM_MAX_LABELS + 1];
};

/* [a-zA-Z_:][a-zA-Z0-9_:]* */
bool pc_prom_metric_name_ok(const char *s);
/* [a-zA-Z_][a-zA-Z0-9_]*, not starting with "__" (reserved for Prometheus) */
bool pc_prom_label_name_ok(const char *s);

/*
 * Is F a family we may print? Its name and labels valid, a counter's name
 * ending in _total and a gauge's not, a help text of one line, at most
 * PC_PROM_MAX_LABELS labels. 0, or -EINVAL with the reason in WHY.
 */
int pc_prom_family_check(const struct pc_prom_family *f, char *why, size_t len);

/*
 * S as a label value, without the quotes: backslash, double quote and
 * newline escaped (\\, \", \n); a byte that is no valid UTF-8, or another
 * control character, written as U+FFFD, so that a scraper that wants UTF-8
 * and lines never sees a bad byte or a broken line.
 */
void pc_prom_label_value(FILE *f, const char *s);

/* # HELP and # TYPE of F. */
void pc_prom_header(FILE *f, const struct pc_prom_family *fam);

/* One sample of F: VALUES holds one value per label of F (NULL if none). */
void pc_prom_sample(FILE *f, const struct pc_prom_family *fam, const char *const *values,
		    uint64_t v);

#endif /* PC_PROM_H */
