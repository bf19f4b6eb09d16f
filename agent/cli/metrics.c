// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * metrics.c - the metrics of an instance: one table, read and written.
 *
 * The datapath counts per scope what it passed, dropped and audited, and
 * which of those were malformed (pc_stats_v1), and per scope and reason
 * what it dropped and audited (pc_reasons_v1). Modes, pending scopes,
 * digest and load time come from the pinned pc_scopes and RUN_DIR/state.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "cli/cli.h"
#include "cli/metrics.h"
#include "kernel/bpffs.h"
#include "kernel/gen.h"
#include "kernel/map_count.h"
#include "lib/names.h"

static bool scope_pending(const struct pc_state_scope *s)
{
	return !strcmp(s->how, "pending");
}

static void build_info(FILE *f, const struct pc_prom_family *fam, const struct pc_state *st,
		       const struct pc_metrics *m)
{
	const char *v[] = { PC_VERSION };

	pc_prom_sample(f, fam, v, 1);
}

static void policy_info(FILE *f, const struct pc_prom_family *fam, const struct pc_state *st,
			const struct pc_metrics *m)
{
	const char *v[] = { st->digest };

	pc_prom_sample(f, fam, v, 1);
}

static void policy_loaded(FILE *f, const struct pc_prom_family *fam, const struct pc_state *st,
			  const struct pc_metrics *m)
{
	pc_prom_sample(f, fam, NULL, st->loaded > 0 ? (uint64_t)st->loaded : 0);
}

static void policy_failsafe(FILE *f, const struct pc_prom_family *fam, const struct pc_state *st,
			    const struct pc_metrics *m)
{
	pc_prom_sample(f, fam, NULL, st->failsafe);
}

/* One series per mode, 1 for the scope's: the usual shape of an enum. */
static void scope_mode(FILE *f, const struct pc_prom_family *fam, const struct pc_state *st,
		       const struct pc_metrics *m)
{
	static const uint32_t modes[] = { PC_MODE_AUDIT, PC_MODE_ENFORCE };
	size_t k;
	int i;

	for (i = 0; i < st->n_scopes; i++)
		for (k = 0; k < sizeof(modes) / sizeof(modes[0]); k++) {
			const char *v[] = { st->scopes[i].name, pc_mode_name(modes[k]) };

			pc_prom_sample(f, fam, v, m->mode[i] == modes[k]);
		}
}

static void scope_pending_samples(FILE *f, const struct pc_prom_family *fam,
				  const struct pc_state *st, const struct pc_metrics *m)
{
	int i;

	for (i = 0; i < st->n_scopes; i++) {
		const char *v[] = { st->scopes[i].name };

		pc_prom_sample(f, fam, v, scope_pending(&st->scopes[i]));
	}
}

static void verdicts(FILE *f, const struct pc_prom_family *fam, const struct pc_state *st,
		     const struct pc_metrics *m)
{
	int i;

	for (i = 0; i < st->n_scopes; i++) {
		const struct pc_stats *c = &m->scope[i];
		const char *allowed[] = { st->scopes[i].name, "allowed" };
		const char *denied[] = { st->scopes[i].name, "denied" };
		const char *audited[] = { st->scopes[i].name, "audited" };

		pc_prom_sample(f, fam, allowed, c->allowed);
		pc_prom_sample(f, fam, denied, c->denied);
		pc_prom_sample(f, fam, audited, c->audited);
	}
}

static void malformed(FILE *f, const struct pc_prom_family *fam, const struct pc_state *st,
		      const struct pc_metrics *m)
{
	int i;

	for (i = 0; i < st->n_scopes; i++) {
		const char *v[] = { st->scopes[i].name };

		pc_prom_sample(f, fam, v, m->scope[i].malformed);
	}
}

/* Only the reasons a scope has counts for: a scope that denies nothing
 * writes nothing, and the reasons of one add up to its denied and audited. */
static void reasons(FILE *f, const struct pc_prom_family *fam, const struct pc_state *st,
		    const struct pc_metrics *m)
{
	uint32_t r;
	int i;

	if (!m->have_reasons)
		return;
	for (i = 0; i < st->n_scopes; i++)
		for (r = 0; r < PC_REASON_SLOTS; r++) {
			const struct pc_reason_stats *c = &m->reason[i][r];
			char num[16];
			const char *name = pc_name_or_number(&pc_names_reason, r, num, sizeof(num));
			const char *denied[] = { st->scopes[i].name, "denied", name };
			const char *audited[] = { st->scopes[i].name, "audited", name };

			if (c->denied)
				pc_prom_sample(f, fam, denied, c->denied);
			if (c->audited)
				pc_prom_sample(f, fam, audited, c->audited);
		}
}

static void no_scope(FILE *f, const struct pc_prom_family *fam, const struct pc_state *st,
		     const struct pc_metrics *m)
{
	pc_prom_sample(f, fam, NULL, m->none.denied);
}

static const char *const ct_tables[PC_CT_TABLES] = {
	[PC_CT_TABLE_ESTABLISHED] = "established", [PC_CT_TABLE_NEW] = "new",
};
static const char *const ct_maps[PC_CT_TABLES] = {
	[PC_CT_TABLE_ESTABLISHED] = PC_MAP_CT, [PC_CT_TABLE_NEW] = PC_MAP_CTNEW,
};

static void ct_fill(FILE *f, const struct pc_prom_family *fam, const uint32_t *n,
		    const struct pc_metrics *m)
{
	int k;

	if (!m->have_fill)
		return;
	for (k = 0; k < PC_CT_TABLES; k++) {
		const char *v[] = { ct_tables[k] };

		pc_prom_sample(f, fam, v, n[k]);
	}
}

static void ct_entries(FILE *f, const struct pc_prom_family *fam, const struct pc_state *st,
		       const struct pc_metrics *m)
{
	ct_fill(f, fam, m->ct_entries, m);
}

static void ct_entries_max(FILE *f, const struct pc_prom_family *fam, const struct pc_state *st,
			   const struct pc_metrics *m)
{
	ct_fill(f, fam, m->ct_max, m);
}

#define OWN(fn) .src = PC_METRIC_OWN, .samples = fn
#define EV(field) .src = PC_METRIC_EV, .off = offsetof(struct pc_evstats, field)
#define CT(field) .src = PC_METRIC_CT, .off = offsetof(struct pc_ctstats, field), .key = #field

/* In the order they are written. docs/metrics.md lists them all. */
const struct pc_metric pc_metrics[] = {
	{ { "portcullis_build_info", PC_PROM_GAUGE,
	    "The portcullis that wrote these metrics: always 1, its version in the label.",
	    { "version" } }, OWN(build_info) },
	{ { "portcullis_policy_info", PC_PROM_GAUGE,
	    "The running policy: always 1, the digest of its rule entries in the label.",
	    { "digest" } }, OWN(policy_info) },
	{ { "portcullis_policy_load_timestamp_seconds", PC_PROM_GAUGE,
	    "When the running policy was applied, in seconds since the Unix epoch.", { NULL } },
	  OWN(policy_loaded) },
	{ { "portcullis_policy_failsafe", PC_PROM_GAUGE,
	    "1 when the failsafe rules (ssh in; dns, dhcp out) are in the running policy.", { NULL } },
	  OWN(policy_failsafe) },
	{ { "portcullis_scope_mode", PC_PROM_GAUGE,
	    "1 for the mode a scope runs in now (audit or enforce), 0 for the other.",
	    { "scope", "mode" } }, OWN(scope_mode) },
	{ { "portcullis_scope_pending", PC_PROM_GAUGE,
	    "1 while a scope's interface or cgroup does not exist: nothing is attached for it.",
	    { "scope" } }, OWN(scope_pending_samples) },
	{ { "portcullis_verdicts_total", PC_PROM_COUNTER,
	    "Packets and socket calls judged, by scope and verdict (allowed, denied, audited).",
	    { "scope", "verdict" } }, OWN(verdicts) },
	{ { "portcullis_verdict_reasons_total", PC_PROM_COUNTER,
	    "Packets and socket calls denied or audited, by scope, verdict and reason.",
	    { "scope", "verdict", "reason" } }, OWN(reasons) },
	{ { "portcullis_malformed_packets_total", PC_PROM_COUNTER,
	    "Packets that could not be parsed, by scope (counted in denied or audited too).",
	    { "scope" } }, OWN(malformed) },
	{ { "portcullis_no_scope_drops_total", PC_PROM_COUNTER,
	    "Packets and socket calls dropped by a hook whose target has no scope (apply again).",
	    { NULL } },
	  OWN(no_scope) },
	{ { "portcullis_events_delivered_total", PC_PROM_COUNTER,
	    "Deny and audit events put in the ring buffer for the daemon.", { NULL } }, EV(delivered) },
	{ { "portcullis_events_flushed_total", PC_PROM_COUNTER,
	    "Of the delivered events, those the rate limit's sweep sent for held packets.", { NULL } },
	  EV(flushed) },
	{ { "portcullis_events_lost_total", PC_PROM_COUNTER,
	    "Events that found the ring buffer full and were dropped.", { NULL } }, EV(lost_events) },
	{ { "portcullis_event_packets_suppressed_total", PC_PROM_COUNTER,
	    "Denied or audited packets folded into another event's count by the rate limit.", { NULL } },
	  EV(suppressed) },
	{ { "portcullis_event_packets_lost_total", PC_PROM_COUNTER,
	    "Denied or audited packets whose event was lost (the sum of the lost events' counts).",
	    { NULL } },
	  EV(lost) },
	{ { "portcullis_event_packets_unlimited_total", PC_PROM_COUNTER,
	    "Packets reported without a rate limit because the rate limit's flow table was full.",
	    { NULL } },
	  EV(unlimited) },
	{ { "portcullis_conntrack_entries", PC_PROM_GAUGE,
	    "Flows in a conntrack table now (established, or new: not established yet).",
	    { "table" } }, OWN(ct_entries) },
	{ { "portcullis_conntrack_entries_max", PC_PROM_GAUGE,
	    "Size of a conntrack table; when full, the least recently used flow is evicted.",
	    { "table" } }, OWN(ct_entries_max) },
	{ { "portcullis_conntrack_created_total", PC_PROM_COUNTER,
	    "Conntrack entries made for new flows (a flood turns these over).", { NULL } }, CT(created) },
	{ { "portcullis_conntrack_create_failed_total", PC_PROM_COUNTER,
	    "New flows whose entry could not be stored (their replies may be dropped).", { NULL } },
	  CT(create_failed) },
	{ { "portcullis_conntrack_promoted_total", PC_PROM_COUNTER,
	    "Flows moved to the established table (a reply, then a packet the original way).", { NULL } },
	  CT(promoted) },
	{ { "portcullis_conntrack_promote_failed_total", PC_PROM_COUNTER,
	    "Established flows whose move failed (the flow stays in the new table).", { NULL } },
	  CT(promote_failed) },
	{ { "portcullis_conntrack_revoked_total", PC_PROM_COUNTER,
	    "Conntrack entries deleted because the live policy no longer allows their flow.", { NULL } },
	  CT(revoked) },
};

const size_t pc_metrics_n = sizeof(pc_metrics) / sizeof(pc_metrics[0]);

int pc_metrics_check(char *why, size_t len)
{
	size_t i, k;
	int err;

	for (i = 0; i < pc_metrics_n; i++) {
		err = pc_prom_family_check(&pc_metrics[i].fam, why, len);
		if (err)
			return err;
		if (pc_metrics[i].src == PC_METRIC_OWN ? !pc_metrics[i].samples
		    : pc_metrics[i].fam.labels[0] != NULL) {
			snprintf(why, len, "%s: a counter read from a struct has no labels, "
				 "and every other row a function", pc_metrics[i].fam.name);
			return -EINVAL;
		}
		for (k = 0; k < i; k++)
			if (!strcmp(pc_metrics[k].fam.name, pc_metrics[i].fam.name)) {
				snprintf(why, len, "%s: named twice", pc_metrics[i].fam.name);
				return -EINVAL;
			}
	}
	return 0;
}

uint64_t pc_metric_field(const struct pc_metric *r, const struct pc_metrics *m)
{
	const void *s = r->src == PC_METRIC_EV ? (const void *)&m->ev : (const void *)&m->ct;
	uint64_t v;

	memcpy(&v, (const char *)s + r->off, sizeof(v));
	return v;
}

void pc_metrics_write(FILE *f, const struct pc_state *st, const struct pc_metrics *m)
{
	size_t i;

	for (i = 0; i < pc_metrics_n; i++) {
		const struct pc_metric *r = &pc_metrics[i];

		if ((r->src == PC_METRIC_EV && !m->have_ev) || (r->src == PC_METRIC_CT && !m->have_ct))
			continue;	/* an instance loaded by an older portcullis */
		pc_prom_header(f, &r->fam);
		if (r->src == PC_METRIC_OWN)
			r->samples(f, &r->fam, st, m);
		else
			pc_prom_sample(f, &r->fam, NULL, pc_metric_field(r, m));
	}
}

/* How full the conntrack tables are; -ENOENT when the instance has none. */
static int read_fill(const char *pin_dir, struct pc_metrics *m, const char **failed)
{
	char path[4200];
	int k, fd, err;

	for (k = 0; k < PC_CT_TABLES; k++) {
		*failed = ct_maps[k];
		err = pc_pin_path(path, sizeof(path), pin_dir, "maps", ct_maps[k]);
		if (err)
			return err;
		fd = bpf_obj_get(path);
		if (fd < 0)
			return -errno;
		err = pc_map_count(fd, &m->ct_entries[k], &m->ct_max[k]);
		close(fd);
		if (err)
			return err;
	}
	return 0;
}

int pc_metrics_read(struct pc_lib *lib, const struct pc_state *st, const struct pc_pinned *p,
		    struct pc_metrics *m)
{
	const char *failed = PC_MAP_STATS;
	int i, err = 0;

	for (i = 0; i < st->n_scopes && !err; i++) {
		uint32_t r;

		err = pc_gen_read_stats(p->stats_fd, st->scopes[i].scope, &m->scope[i]);
		for (r = 0; r < PC_REASON_SLOTS && !err && p->reasons_fd >= 0; r++)
			err = pc_gen_read_reasons(p->reasons_fd, st->scopes[i].scope, r,
						  &m->reason[i][r]);
		/* a pending scope has no key in pc_scopes: its configured mode */
		m->mode[i] = st->scopes[i].mode;
		pc_gen_get_mode(&p->maps, st->scopes[i].scope, &m->mode[i]);
	}
	m->have_reasons = !err && p->reasons_fd >= 0;
	if (!err)
		err = pc_gen_read_stats(p->stats_fd, PC_SCOPE_NONE, &m->none);
	if (!err && p->evstats_fd >= 0) {
		failed = PC_MAP_EVSTATS;
		err = pc_gen_read_evstats(p->evstats_fd, &m->ev);
		m->have_ev = !err;
	}
	if (!err && p->ctstats_fd >= 0) {
		failed = PC_MAP_CTSTATS;
		err = pc_gen_read_ctstats(p->ctstats_fd, &m->ct);
		m->have_ct = !err;
	}
	if (!err) {
		err = read_fill(lib->pin_dir, m, &failed);
		m->have_fill = !err;
		if (err == -ENOENT)	/* loaded by a portcullis before pc_ct_v2 */
			err = 0;
	}
	if (err)
		return pc_lib_error(lib, err, "run as root, or give the --pin-dir the daemon uses",
				    "cannot read %s in %s: %s", failed, lib->pin_dir, strerror(-err));
	return 0;
}
