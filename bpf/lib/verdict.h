/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * verdict.h - the single exit of every judged packet or socket call:
 * count it in pc_stats, track it in conntrack, report it through
 * pc_events, and say whether it passes.
 *
 * Unjudged traffic (not IP, no scope, loopback, ...) never gets here and
 * is not counted.
 */
#ifndef PC_BPF_VERDICT_H
#define PC_BPF_VERDICT_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "portcullis.h"
#include "lib/maps.h"
#include "lib/parse.h"
#include "lib/ct.h"
#include "lib/policy.h"

#define PC_DROP	0
#define PC_PASS	1

/* Conntrack is created for TCP, UDP and ICMP echo requests. */
static __always_inline int pc_trackable(const struct pc_judge *j)
{
	return j->track && (j->pkt.kind == PC_K_PORTS || j->pkt.kind == PC_K_ECHO_REQ);
}

/* One pc_event for a deny or audit verdict. */
static __always_inline void pc_emit(const struct pc_judge *j, __u8 verdict)
{
	const struct pc_pkt *p = &j->pkt;
	struct pc_event *e;
	__u32 *s, *d;

	e = bpf_ringbuf_reserve(&pc_events_v1, sizeof(*e), 0);
	if (!e) {
		/*
		 * Ring buffer full: the event is lost. This is the one place
		 * where lost events are to be counted.
		 */
		return;
	}
	__builtin_memset(e, 0, sizeof(*e));
	e->ts_ns = bpf_ktime_get_boot_ns();
	e->scope = j->scope;
	e->count = 1;
	s = (__u32 *)e->saddr;
	d = (__u32 *)e->daddr;
	s[0] = p->t.saddr[0];
	s[1] = p->t.saddr[1];
	s[2] = p->t.saddr[2];
	s[3] = p->t.saddr[3];
	d[0] = p->t.daddr[0];
	d[1] = p->t.daddr[1];
	d[2] = p->t.daddr[2];
	d[3] = p->t.daddr[3];
	e->sport = p->ev_sport;
	e->dport = p->ev_dport;
	e->proto = p->t.proto;
	e->dir = j->dir;
	e->verdict = verdict;
	e->reason = j->reason;
	e->hook = j->hook;
	e->family = p->family;
	e->ifindex = j->ifindex;
	e->cgroup_id = j->cgroup_id;
	if (j->task) {
		__u64 pid_tgid = bpf_get_current_pid_tgid();
		__u64 uid_gid = bpf_get_current_uid_gid();

		e->flags = PC_EV_F_TASK;
		e->pid = pid_tgid >> 32;
		e->uid = (__u32)uid_gid;
		bpf_get_current_comm(e->comm, sizeof(e->comm));
	}
	bpf_ringbuf_submit(e, 0);
}

/*
 * Count, track and report the outcome of pc_decide() (or PC_OUT_DENY with
 * j->reason set for a malformed packet or a missing policy). Returns
 * PC_PASS or PC_DROP; the hook turns that into its own return code.
 */
static __always_inline int pc_verdict(struct pc_judge *j, int out)
{
	struct pc_stats *st = bpf_map_lookup_elem(&pc_stats_v1, &j->scope);
	int bad = j->reason == PC_REASON_MALFORMED || j->reason == PC_REASON_IPV6_EXT;

	if (out == PC_OUT_ALLOW) {
		if (st)
			st->allowed++;
		if (pc_trackable(j))
			pc_ct_track(&j->pkt.t, j->scope, 0);
		return PC_PASS;
	}
	if (out == PC_OUT_STATE) {
		if (st)
			st->allowed++;
		return PC_PASS;
	}
	if (out == PC_OUT_STATE_AUDIT) {
		if (st)
			st->audited++;	/* reported when its flow was first audited */
		return PC_PASS;
	}

	if (st && bad)
		st->malformed++;
	if (j->mode == PC_MODE_ENFORCE) {
		if (st)
			st->denied++;
		pc_emit(j, PC_VERDICT_DENY);
		return PC_DROP;
	}
	if (st)
		st->audited++;
	/* Track the audited flow so its replies and later packets are quiet. */
	if (!bad && pc_trackable(j))
		pc_ct_track(&j->pkt.t, j->scope, PC_CT_F_AUDIT);
	pc_emit(j, PC_VERDICT_AUDIT);
	return PC_PASS;
}

#endif /* PC_BPF_VERDICT_H */
