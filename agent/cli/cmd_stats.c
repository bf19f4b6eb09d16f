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
 *               apply, and inserts that failed (pc_ctstats_v1; the rows of
 *               metrics.c's table that every format prints)
 *
 * Once quiet (docs/events.md): the sum of count over delivered events plus
 * lost equals the sum of denied and audited; delivered + suppressed equals
 * the sum of count.
 *
 * --json is docs/cli.md's shape:
 *   {"scopes":{"interface:eth0":{"allowed":120,"denied":7,"audited":0}},
 *    "no_scope":0,"events":{"delivered":5,"suppressed":2,"lost":0},
 *    "conntrack":{"created":9,"create_failed":0,...}}
 * --prometheus is the text exposition format, every metric of metrics.c's
 * table (docs/metrics.md), as the daemon's --textfile-dir writes it too.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/metrics.h"
#include "kernel/pinned.h"
#include "kernel/state.h"
#include "lib/json.h"
#include "lib/names.h"

enum stats_format { FMT_TEXT, FMT_JSON, FMT_PROMETHEUS };

/* The conntrack counters in text and --json: the table's PC_METRIC_CT rows,
 * by their key. */
#define FOR_CT_COUNTERS(r) \
	for (r = pc_metrics; r < pc_metrics + pc_metrics_n; r++) \
		if (r->src == PC_METRIC_CT)

/* The reasons scope I has counts for, by name (PC_REASON_*): a JSON object. */
static void json_reasons(struct pc_json *j, const struct pc_metrics *s, int i)
{
	char num[16];
	uint32_t r;

	pc_json_begin_object(j);
	for (r = 0; r < PC_REASON_SLOTS; r++) {
		const struct pc_reason_stats *c = &s->reason[i][r];

		if (!c->denied && !c->audited)
			continue;
		pc_json_key(j, pc_name_or_number(&pc_names_reason, r, num, sizeof(num)));
		pc_json_begin_object(j);
		pc_json_key(j, "denied"); pc_json_uint(j, c->denied);
		pc_json_key(j, "audited"); pc_json_uint(j, c->audited);
		pc_json_end_object(j);
	}
	pc_json_end_object(j);
}

/* Text: "  why: 4 peer, 2 no-rule" under a scope that denied or audited. */
static void text_reasons(FILE *f, const struct pc_metrics *s, int i)
{
	char num[16];
	uint32_t r;
	int n = 0;

	for (r = 0; r < PC_REASON_SLOTS; r++) {
		const struct pc_reason_stats *c = &s->reason[i][r];

		if (!c->denied && !c->audited)
			continue;
		fprintf(f, "%s %llu %s", n++ ? "," : "  why:",
			(unsigned long long)(c->denied + c->audited),
			pc_name_or_number(&pc_names_reason, r, num, sizeof(num)));
	}
	if (n)
		fputc('\n', f);
}

static void print_json(FILE *f, const struct pc_state *st, const struct pc_metrics *s)
{
	const struct pc_metric *r;
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
		pc_json_key(&j, "reasons");
		if (s->have_reasons)
			json_reasons(&j, s, i);
		else
			pc_json_null(&j);
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
		FOR_CT_COUNTERS(r) {
			pc_json_key(&j, r->key);
			pc_json_uint(&j, pc_metric_field(r, s));
		}
		pc_json_end_object(&j);
	} else {
		pc_json_null(&j);
	}
	pc_json_end_object(&j);
}

static void print_text(FILE *f, const struct pc_state *st, const struct pc_metrics *s)
{
	const struct pc_metric *r;
	int i;

	fprintf(f, "%-40s %12s %12s %12s\n", "SCOPE", "ALLOWED", "DENIED", "AUDITED");
	for (i = 0; i < st->n_scopes; i++) {
		fprintf(f, "%-40s %12llu %12llu %12llu\n", st->scopes[i].name,
			(unsigned long long)s->scope[i].allowed,
			(unsigned long long)s->scope[i].denied,
			(unsigned long long)s->scope[i].audited);
		text_reasons(f, s, i);
	}
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
	i = 0;
	FOR_CT_COUNTERS(r)
		fprintf(f, "%s %llu %s", i++ ? "," : "", (unsigned long long)pc_metric_field(r, s),
			r->key);
	fputc('\n', f);
}

enum { OPT_JSON = 1, OPT_PROMETHEUS };

const struct pc_opt pc_opts_stats[] = {
	PC_OPT_ROW_JSON(OPT_JSON),
	{ OPT_PROMETHEUS, 0, "prometheus", NULL, "the Prometheus text exposition format", NULL },
	{ 0 },
};

int cmd_stats(struct pc_ctx *ctx, int argc, char **argv)
{
	struct pc_opt_parser args;
	enum stats_format fmt = ctx->json ? FMT_JSON : FMT_TEXT;
	struct pc_state *st = calloc(1, sizeof(*st));
	struct pc_metrics *s = calloc(1, sizeof(*s));
	struct pc_pinned p = PC_PINNED_INIT;
	int opt, ret = PC_EXIT_FAIL;

	if (!st || !s) {
		free(st);
		free(s);
		return pc_fail(ctx, "out of memory");
	}
	pc_opt_begin(&args, ctx, "stats", argc, argv);
	while ((opt = pc_opt_next(&args)) != PC_OPT_END) {
		if (opt == OPT_JSON && fmt != FMT_PROMETHEUS) {
			fmt = FMT_JSON;
			ctx->json = true;
		} else if (opt == OPT_PROMETHEUS && fmt != FMT_JSON) {
			fmt = FMT_PROMETHEUS;
		} else {
			ret = opt == OPT_JSON || opt == OPT_PROMETHEUS
			      ? pc_opt_usage(&args, "stats: --json and --prometheus exclude each other")
			      : opt == PC_OPT_WORD ? pc_opt_usage(&args, "stats takes no arguments")
			      : PC_EXIT_USAGE;
			goto out;
		}
	}
	if (pc_open_instance(&ctx->lib, st, &p))
		goto out;
	if (pc_metrics_read(&ctx->lib, st, &p, s))
		goto out;
	if (fmt == FMT_JSON)
		print_json(ctx->out, st, s);
	else if (fmt == FMT_PROMETHEUS)
		pc_metrics_write(ctx->out, st, s);
	else
		print_text(ctx->out, st, s);
	ret = PC_EXIT_OK;
out:
	pc_pinned_close(&p);
	free(st);
	free(s);
	return ret;
}
