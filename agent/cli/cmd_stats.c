// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_stats.c - 'stats [--json] [--prometheus]': the counters of a loaded
 * instance, read from its pinned maps (pinned.h), daemon or not.
 *
 *   per scope   packets and socket calls allowed, denied, audited
 *               (pc_stats_v1 at the scope's id, summed over CPUs)
 *   no scope    dropped by a hook that found no scope for its target
 *               (pc_stats_v1 at PC_SCOPE_NONE; 0 unless the state is broken)
 *   events      delivered: events put in the ring buffer; suppressed:
 *               packets folded into another event's count (the sum of
 *               count - 1); lost: packets whose event found the ring
 *               buffer full (pc_evstats_v1, summed over CPUs)
 *   conntrack   entries created, promoted once established, revoked by an
 *               apply, and inserts that failed (pc_ctstats_v1; the table
 *               ct_counters below is what every format prints)
 *
 * Once quiet (docs/events.md): the sum of count over delivered events plus
 * lost equals the sum of denied and audited; delivered + suppressed equals
 * the sum of count.
 *
 * --json is docs/cli.md's shape:
 *   {"scopes":{"interface:eth0":{"allowed":120,"denied":7,"audited":0}},
 *    "no_scope":0,"events":{"delivered":5,"suppressed":2,"lost":0},
 *    "conntrack":{"created":9,"create_failed":0,...}}
 * --prometheus is the text exposition format, with # HELP and # TYPE.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "kernel/gen.h"
#include "kernel/pinned.h"
#include "kernel/state.h"
#include "lib/json.h"

enum stats_format { FMT_TEXT, FMT_JSON, FMT_PROMETHEUS };

struct stats {
	struct pc_stats scope[PC_MAX_SCOPES];	/* by the state's scope index */
	struct pc_stats none;			/* PC_SCOPE_NONE */
	struct pc_evstats ev;
	struct pc_ctstats ct;
	bool have_ev;		/* the instance has pc_evstats_v1 */
	bool have_ct;		/* the instance has pc_ctstats_v1 */
};

/* The conntrack counters: name in every format, and what it counts. */
static const struct {
	const char *name;
	size_t off;
	const char *help;
} ct_counters[] = {
	{ "created", offsetof(struct pc_ctstats, created),
	  "entries made for new flows (a flood turns these over)" },
	{ "create_failed", offsetof(struct pc_ctstats, create_failed),
	  "new flows whose entry could not be stored (their replies may be dropped)" },
	{ "promoted", offsetof(struct pc_ctstats, promoted),
	  "flows moved to the table of established flows (a reply, then a packet the original way)" },
	{ "promote_failed", offsetof(struct pc_ctstats, promote_failed),
	  "established flows whose move failed (the flow stays among the new ones)" },
	{ "revoked", offsetof(struct pc_ctstats, revoked),
	  "entries deleted because the live policy no longer allows their flow" },
};

#define N_CT_COUNTERS (sizeof(ct_counters) / sizeof(ct_counters[0]))

static uint64_t ct_counter(const struct pc_ctstats *c, size_t i)
{
	return *(const uint64_t *)((const char *)c + ct_counters[i].off);
}

/* A Prometheus label value: backslash, double quote and newline escaped. */
static void prom_label(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

static void prom_family(FILE *f, const char *name, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s counter\n", name, help, name);
}

static void print_prometheus(FILE *f, const struct pc_state *st, const struct stats *s)
{
	static const char *verdicts[] = { "allowed", "denied", "audited" };
	int i, v;

	prom_family(f, "portcullis_packets_total",
		    "Packets and socket calls judged, by scope and verdict.");
	for (i = 0; i < st->n_scopes; i++) {
		const struct pc_stats *c = &s->scope[i];
		uint64_t n[] = { c->allowed, c->denied, c->audited };

		for (v = 0; v < 3; v++) {
			fputs("portcullis_packets_total{scope=\"", f);
			prom_label(f, st->scopes[i].name);
			fprintf(f, "\",verdict=\"%s\"} %llu\n", verdicts[v], (unsigned long long)n[v]);
		}
	}
	prom_family(f, "portcullis_malformed_total",
		    "Packets that could not be parsed, by scope (also in denied or audited).");
	for (i = 0; i < st->n_scopes; i++) {
		fputs("portcullis_malformed_total{scope=\"", f);
		prom_label(f, st->scopes[i].name);
		fprintf(f, "\"} %llu\n", (unsigned long long)s->scope[i].malformed);
	}
	prom_family(f, "portcullis_no_scope_total",
		    "Packets and socket calls dropped by a hook that found no scope for its target.");
	fprintf(f, "portcullis_no_scope_total %llu\n", (unsigned long long)s->none.denied);
	if (!s->have_ev)
		return;
	prom_family(f, "portcullis_events_total",
		    "Deny and audit reports: events delivered, packets suppressed (folded "
		    "into another event's count), packets lost with a full ring buffer.");
	fprintf(f, "portcullis_events_total{state=\"delivered\"} %llu\n",
		(unsigned long long)s->ev.delivered);
	fprintf(f, "portcullis_events_total{state=\"suppressed\"} %llu\n",
		(unsigned long long)s->ev.suppressed);
	fprintf(f, "portcullis_events_total{state=\"lost\"} %llu\n",
		(unsigned long long)s->ev.lost);
	prom_family(f, "portcullis_events_lost_records_total",
		    "Events that found the ring buffer full (their packets are in state=\"lost\").");
	fprintf(f, "portcullis_events_lost_records_total %llu\n",
		(unsigned long long)s->ev.lost_events);
	prom_family(f, "portcullis_events_unlimited_total",
		    "Packets reported without a rate limit because the flow table was full.");
	fprintf(f, "portcullis_events_unlimited_total %llu\n",
		(unsigned long long)s->ev.unlimited);
}

static void print_prometheus_ct(FILE *f, const struct stats *s)
{
	size_t i;

	if (!s->have_ct)
		return;
	for (i = 0; i < N_CT_COUNTERS; i++) {
		char name[64];

		snprintf(name, sizeof(name), "portcullis_conntrack_%s_total", ct_counters[i].name);
		prom_family(f, name, ct_counters[i].help);
		fprintf(f, "%s %llu\n", name, (unsigned long long)ct_counter(&s->ct, i));
	}
}

static void print_json(FILE *f, const struct pc_state *st, const struct stats *s)
{
	struct pc_json j;
	int i;

	pc_json_init(&j, f);
	pc_json_begin_object(&j);
	pc_json_key(&j, "scopes");
	pc_json_begin_object(&j);
	for (i = 0; i < st->n_scopes; i++) {
		pc_json_key(&j, st->scopes[i].name);
		pc_json_begin_object(&j);
		pc_json_key(&j, "allowed"); pc_json_uint(&j, s->scope[i].allowed);
		pc_json_key(&j, "denied"); pc_json_uint(&j, s->scope[i].denied);
		pc_json_key(&j, "audited"); pc_json_uint(&j, s->scope[i].audited);
		pc_json_end_object(&j);
	}
	pc_json_end_object(&j);
	pc_json_key(&j, "no_scope"); pc_json_uint(&j, s->none.denied);
	pc_json_key(&j, "events");
	if (s->have_ev) {
		pc_json_begin_object(&j);
		pc_json_key(&j, "delivered"); pc_json_uint(&j, s->ev.delivered);
		pc_json_key(&j, "suppressed"); pc_json_uint(&j, s->ev.suppressed);
		pc_json_key(&j, "lost"); pc_json_uint(&j, s->ev.lost);
		pc_json_end_object(&j);
	} else {
		pc_json_null(&j);
	}
	pc_json_key(&j, "conntrack");
	if (s->have_ct) {
		pc_json_begin_object(&j);
		for (i = 0; i < (int)N_CT_COUNTERS; i++) {
			pc_json_key(&j, ct_counters[i].name);
			pc_json_uint(&j, ct_counter(&s->ct, (size_t)i));
		}
		pc_json_end_object(&j);
	} else {
		pc_json_null(&j);
	}
	pc_json_end_object(&j);
}

static void print_text(FILE *f, const struct pc_state *st, const struct stats *s)
{
	int i;

	fprintf(f, "%-40s %12s %12s %12s\n", "SCOPE", "ALLOWED", "DENIED", "AUDITED");
	for (i = 0; i < st->n_scopes; i++)
		fprintf(f, "%-40s %12llu %12llu %12llu\n", st->scopes[i].name,
			(unsigned long long)s->scope[i].allowed,
			(unsigned long long)s->scope[i].denied,
			(unsigned long long)s->scope[i].audited);
	if (s->none.denied)
		fprintf(f, "no scope: %llu dropped by hooks whose target has no scope; "
			"apply again to repair\n", (unsigned long long)s->none.denied);
	if (!s->have_ev) {
		fprintf(f, "events: no counters (the instance was loaded by an older portcullis)\n");
	} else {
		fprintf(f, "events: %llu delivered, %llu suppressed (folded into counts), %llu lost",
			(unsigned long long)s->ev.delivered, (unsigned long long)s->ev.suppressed,
			(unsigned long long)s->ev.lost);
		if (s->ev.lost_events)
			fprintf(f, " in %llu events (ring buffer full)",
				(unsigned long long)s->ev.lost_events);
		fputc('\n', f);
		if (s->ev.unlimited)
			fprintf(f, "rate limit: flow table full %llu times; those packets were "
				"reported without a limit\n", (unsigned long long)s->ev.unlimited);
	}
	if (!s->have_ct)
		return;
	fputs("conntrack:", f);
	for (i = 0; i < (int)N_CT_COUNTERS; i++)
		fprintf(f, "%s %llu %s", i ? "," : "", (unsigned long long)ct_counter(&s->ct, (size_t)i),
			ct_counters[i].name);
	fputc('\n', f);
}

static int read_stats(struct pc_ctx *ctx, const struct pc_state *st, const struct pc_pinned *p,
		      struct stats *s)
{
	int i, err;

	for (i = 0; i < st->n_scopes; i++) {
		err = pc_gen_read_stats(p->stats_fd, st->scopes[i].scope, &s->scope[i]);
		if (err)
			return pc_fail(ctx, "cannot read %s: %s", PC_MAP_STATS, strerror(-err));
	}
	err = pc_gen_read_stats(p->stats_fd, PC_SCOPE_NONE, &s->none);
	if (err)
		return pc_fail(ctx, "cannot read %s: %s", PC_MAP_STATS, strerror(-err));
	if (p->evstats_fd >= 0) {
		err = pc_gen_read_evstats(p->evstats_fd, &s->ev);
		if (err)
			return pc_fail(ctx, "cannot read %s: %s", PC_MAP_EVSTATS, strerror(-err));
		s->have_ev = true;
	}
	if (p->ctstats_fd >= 0) {
		err = pc_gen_read_ctstats(p->ctstats_fd, &s->ct);
		if (err)
			return pc_fail(ctx, "cannot read %s: %s", PC_MAP_CTSTATS, strerror(-err));
		s->have_ct = true;
	}
	return 0;
}

int cmd_stats(struct pc_ctx *ctx, int argc, char **argv)
{
	enum stats_format fmt = ctx->json ? FMT_JSON : FMT_TEXT;
	struct pc_state *st = calloc(1, sizeof(*st));
	struct stats *s = calloc(1, sizeof(*s));
	struct pc_pinned p = PC_PINNED_INIT;
	int i, ret = PC_EXIT_FAIL;

	if (!st || !s) {
		free(st);
		free(s);
		return pc_fail(ctx, "out of memory");
	}
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json") && fmt != FMT_PROMETHEUS) {
			fmt = FMT_JSON;
			ctx->json = true;
		} else if (!strcmp(argv[i], "--prometheus") && fmt != FMT_JSON) {
			fmt = FMT_PROMETHEUS;
		} else {
			ret = !strcmp(argv[i], "--json") || !strcmp(argv[i], "--prometheus")
			      ? pc_usage(ctx, "stats: --json and --prometheus exclude each other")
			      : pc_usage(ctx, "usage: stats [--json] [--prometheus]");
			goto out;
		}
	}
	if (pc_open_instance(&ctx->lib, st, &p))
		goto out;
	if (read_stats(ctx, st, &p, s))
		goto out;
	if (fmt == FMT_JSON)
		print_json(ctx->out, st, s);
	else if (fmt == FMT_PROMETHEUS) {
		print_prometheus(ctx->out, st, s);
		print_prometheus_ct(ctx->out, s);
	}
	else
		print_text(ctx->out, st, s);
	ret = PC_EXIT_OK;
out:
	pc_pinned_close(&p);
	free(st);
	free(s);
	return ret;
}
