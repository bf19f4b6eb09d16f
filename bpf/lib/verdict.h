/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * verdict.h - the single exit of every judged packet or socket call:
 * count it in pc_stats, track it in conntrack, report it through
 * pc_events (rate-limited per flow, lib/ratelimit.h), and say whether it
 * passes.
 *
 * Unjudged traffic (not IP, loopback, ...) never gets here and is not
 * counted. A hook without a scope comes here to drop and count at
 * PC_SCOPE_NONE (portcullis.bpf.c, pc_no_scope).
 */
#ifndef PC_BPF_VERDICT_H
#define PC_BPF_VERDICT_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "portcullis.h"
#include "lib/maps.h"
#include "lib/parse.h"
#include "lib/ct.h"
#include "lib/frag.h"
#include "lib/policy.h"
#include "lib/ratelimit.h"

#define PC_DROP	0
#define PC_PASS	1

/* Conntrack is created for TCP, UDP and ICMP echo requests. */
static __always_inline int pc_trackable(const struct pc_judge *j)
{
	return j->track && (j->pkt.kind == PC_K_PORTS || j->pkt.kind == PC_K_ECHO_REQ);
}

/*
 * allowed, the hot path, is added plainly at TC, which runs in softirq or
 * with bottom halves off, so no other judgement interrupts it on its CPU,
 * and the lock prefix would cost every packet. The cgroup hooks run in
 * task context, where a packet of the same scope can interrupt them: there
 * it is atomic, like every other counter.
 */
static __always_inline void pc_count_allowed(const struct pc_judge *j, struct pc_stats *st)
{
	if (!st)
		return;
	if (j->hook == PC_HOOK_TC_IN || j->hook == PC_HOOK_TC_OUT)
		st->allowed++;
	else
		__sync_fetch_and_add(&st->allowed, 1);
}

/* The reason a packet was denied or audited, per scope (pc_reasons_v1). */
static __always_inline void pc_count_reason(const struct pc_judge *j, __u8 verdict)
{
	__u32 idx = j->scope * PC_REASON_SLOTS + (j->reason & (PC_REASON_SLOTS - 1));
	struct pc_reason_stats *rs = bpf_map_lookup_elem(&pc_reasons_v1, &idx);

	if (!rs)
		return;
	if (verdict == PC_VERDICT_DENY)
		__sync_fetch_and_add(&rs->denied, 1);
	else
		__sync_fetch_and_add(&rs->audited, 1);
}

/*
 * Count, track and report the outcome of pc_decide() (or PC_OUT_DENY with
 * j->reason set for a malformed packet or a missing policy). Returns
 * PC_PASS or PC_DROP; the hook turns that into its own return code.
 *
 * Every packet counted denied or audited goes through pc_report() exactly
 * once, so it is accounted in exactly one event's count (lib/ratelimit.h).
 * denied, audited and malformed are added atomically: a socket hook in
 * task context can be interrupted on its CPU by a packet of the same scope.
 */
static __always_inline int pc_verdict(struct pc_judge *j, int out)
{
	struct pc_stats *st = bpf_map_lookup_elem(&pc_stats_v1, &j->scope);
	int bad = j->reason == PC_REASON_MALFORMED || j->reason == PC_REASON_IPV6_EXT;
	int quiet = 0;
	__u8 verdict;

	if (out == PC_OUT_ALLOW || out == PC_OUT_STATE) {
		pc_count_allowed(j, st);
		if (out == PC_OUT_ALLOW && pc_trackable(j))
			pc_ct_track(&j->pkt.t, pc_ct_zone(j), j->scope, j->dir, 0,
				    j->pkt.tcp_flags);
		if (j->pkt.frag == PC_FRAG_FIRST)
			pc_frag_track(&j->pkt, j->scope);
		return PC_PASS;
	}

	if (out == PC_OUT_STATE_AUDIT) {
		/* A later packet or reply of an audited flow: folded, not reported alone. */
		verdict = PC_VERDICT_AUDIT;
		quiet = 1;
	} else if (j->mode == PC_MODE_ENFORCE) {
		verdict = PC_VERDICT_DENY;
	} else {
		verdict = PC_VERDICT_AUDIT;
		/* Track the audited flow so its replies and later packets are quiet. */
		if (!bad && pc_trackable(j))
			pc_ct_track(&j->pkt.t, pc_ct_zone(j), j->scope, j->dir, PC_CT_F_AUDIT,
				    j->pkt.tcp_flags);
	}
	if (st) {
		if (bad)
			__sync_fetch_and_add(&st->malformed, 1);
		if (verdict == PC_VERDICT_DENY)
			__sync_fetch_and_add(&st->denied, 1);
		else
			__sync_fetch_and_add(&st->audited, 1);
	}
	pc_count_reason(j, verdict);
	pc_report(j, verdict, quiet);
	return verdict == PC_VERDICT_DENY ? PC_DROP : PC_PASS;
}

#endif /* PC_BPF_VERDICT_H */
