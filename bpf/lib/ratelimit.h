/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * ratelimit.h - report deny and audit verdicts as pc_events, at most
 * pc_rl_burst at once and one per pc_rl_interval_ns per flow, folding the
 * rest into the count of a later event of the same flow.
 *
 * Contract: pc_report() accounts for exactly one packet (or socket call).
 * Its count ends up in exactly one event, and that event is either
 * submitted (pc_evstats.delivered, .suppressed) or finds the ring buffer
 * full (pc_evstats.lost_events, .lost): never in two events, never in none.
 * Until then it may be held in its flow's pc_rl_v1 entry: once the flow
 * is quiet, until the first sweep that finds a token for the flush, at
 * most PC_RL_INTERVAL_NS + PC_RL_TICK_NS later (1.2 s).
 *
 * A flow is a struct pc_rl_key. Its entry holds a GCRA token bucket
 * (tat_ns) and the count of packets held back. Per packet:
 *
 *   no entry      create it with a full bucket, then as below; table
 *                 full: an event of its own, no limit (.unlimited)
 *   a token       one event, count 1 + held; held = 0
 *   no token      held++ (the first one held also records the sample the
 *                 flush event will describe)
 *   quiet         held++, token or not (later packets of an audited flow:
 *                 they only show up in the counts of flush events)
 *   dead entry    an event of its own (the sweep is deleting the entry)
 *
 * Every PC_RL_TICK_NS one timer (pc_rltimer_v1, softirq) sweeps the table
 * with bpf_for_each_map_elem(), entry by entry:
 *
 *   held, a token          one event, count held (a flush); held = 0
 *   nothing held, bucket   mark dead, delete the entry: a new entry would
 *   full again             start exactly where this one is
 *
 * The first report arms the timer, which then re-arms itself. One timer,
 * not one per flow: bpf_timer_init() allocates with kmalloc_nolock() on
 * 6.18, and measured on the 6.18 VM it fails with -ENOMEM after 100-300
 * timers made in a row, so a timer per new flow would leave most flows of
 * a scan without a flush (docs/events.md).
 * The sweep walks all PC_RL_ENTRIES buckets once a second.
 *
 * Why a HASH and not an LRU: an LRU evicts silently, and an evicted entry
 * takes its held count with it. Here an entry only goes away in the sweep,
 * with nothing held, and a full table only costs the limit.
 *
 * Why a lock and not atomics: taking held, checking the bucket and marking
 * an entry dead must happen together; clang 14 with the default -mcpu
 * (v1) cannot emit BPF_XCHG or BPF_CMPXCHG either. The lock is taken for a
 * few loads and stores, never around a helper call. It disables
 * interrupts, so the sweep on the same CPU cannot interleave.
 *
 * Element reuse: a packet that looked up an entry just before the sweep
 * deleted it still holds the pointer. Under the lock it sees PC_RL_DEAD
 * and reports on its own; if the memory was meanwhile reused for another
 * flow (held rewritten as a whole word by the insert), its count goes to
 * that flow's next event. The total is exact either way.
 */
#ifndef PC_BPF_RATELIMIT_H
#define PC_BPF_RATELIMIT_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "portcullis.h"
#include "lib/maps.h"
#include "lib/parse.h"
#include "lib/policy.h"

#ifndef CLOCK_MONOTONIC
#define CLOCK_MONOTONIC	1
#endif
#define PC_EBUSY	16	/* bpf_timer_init() on a timer already initialised */

/* Set before load (skeleton rodata); interval 0: no limit at all. */
const volatile __u32 pc_rl_burst = PC_RL_BURST;
const volatile __u64 pc_rl_interval_ns = PC_RL_INTERVAL_NS;

/* --- accounting ------------------------------------------------------------ */

/*
 * Counters are per CPU, but a socket hook runs in task context and a tick
 * or a packet in softirq may interrupt it on the same CPU: every add is
 * atomic (BPF_ATOMIC add, no fetch: fine for -mcpu=v1).
 */
static __always_inline struct pc_evstats *pc_evstats_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&pc_evstats_v1, &zero);
}

static __always_inline void pc_ev_account(__u32 count, int sent, int flush)
{
	struct pc_evstats *es = pc_evstats_get();

	if (!es)
		return;
	if (!sent) {
		__sync_fetch_and_add(&es->lost_events, 1);
		__sync_fetch_and_add(&es->lost, (__u64)count);
		return;
	}
	__sync_fetch_and_add(&es->delivered, 1);
	if (count > 1)
		__sync_fetch_and_add(&es->suppressed, (__u64)(count - 1));
	if (flush)
		__sync_fetch_and_add(&es->flushed, 1);
}

/* --- events ------------------------------------------------------------------ */

/*
 * The one place an event is filled: the flow's key says what every packet
 * of the flow shares, the sample what one packet adds. A packet's own event
 * and a flush event differ only in where the sample lives (the stack, the
 * flow's entry), so they cannot disagree on a field.
 */
static __always_inline void pc_ev_fill(struct pc_event *e, const struct pc_rl_key *k,
				       const struct pc_rl_sample *s, __u32 count)
{
	__builtin_memset(e, 0, sizeof(*e));
	e->ts_ns = bpf_ktime_get_boot_ns();
	e->scope = k->scope;
	e->count = count;
	__builtin_memcpy(e->saddr, k->saddr, sizeof(e->saddr));
	__builtin_memcpy(e->daddr, k->daddr, sizeof(e->daddr));
	e->sport = s->sport;
	e->dport = k->dport;
	e->proto = k->proto;
	e->dir = k->dir;
	e->verdict = k->verdict;
	e->reason = k->reason;
	e->hook = k->hook;
	e->family = k->family;
	e->ifindex = s->ifindex;
	e->cgroup_id = s->cgroup_id;
	/* a stored sample keeps the task fields of an older packet: only the flag says */
	if (s->flags & PC_EV_F_TASK) {
		e->flags = PC_EV_F_TASK;
		e->pid = s->pid;
		e->uid = s->uid;
		__builtin_memcpy(e->comm, s->comm, sizeof(e->comm));
	}
}

/* Submit an event for 'count' packets of flow k, described by sample s. */
static __always_inline void pc_ev_submit(const struct pc_rl_key *k, const struct pc_rl_sample *s,
					 __u32 count, int flush)
{
	struct pc_event *e;

	e = bpf_ringbuf_reserve(&pc_events_v1, sizeof(*e), 0);
	if (!e) {
		pc_ev_account(count, 0, flush);
		return;
	}
	pc_ev_fill(e, k, s, count);
	pc_ev_account(count, 1, flush);
	bpf_ringbuf_submit(e, 0);
}

/* --- the limit ------------------------------------------------------------------ */

static __always_inline void pc_rl_key_fill(struct pc_rl_key *k, const struct pc_judge *j,
					   __u8 verdict)
{
	const struct pc_pkt *p = &j->pkt;

	pc_addrs_store(k->saddr, k->daddr, p->t.saddr, p->t.daddr);
	k->scope = j->scope;
	k->dport = p->ev_dport;
	k->proto = p->t.proto;
	k->dir = j->dir;
	k->verdict = verdict;
	k->hook = j->hook;
	k->reason = j->reason;
	k->family = p->family;
}

/* What this packet adds to its flow key in an event: its sample. */
static __always_inline void pc_rl_sample_fill(struct pc_rl_sample *s, const struct pc_judge *j)
{
	s->sport = j->pkt.ev_sport;
	s->ifindex = j->ifindex;
	s->cgroup_id = j->cgroup_id;
	if (j->task) {
		s->pid = j->pid;
		s->uid = j->uid;
		__builtin_memcpy(s->comm, j->comm, sizeof(s->comm));
		s->flags = PC_EV_F_TASK;
	} else {
		s->flags = 0;
	}
}

/* An event for this packet, standing for 'count' packets of its flow k. */
static __always_inline void pc_ev_send(const struct pc_judge *j, const struct pc_rl_key *k,
				       __u32 count)
{
	struct pc_rl_sample s = {};

	pc_rl_sample_fill(&s, j);
	pc_ev_submit(k, &s, count, 0);
}

/*
 * GCRA: take a token if the bucket has one. Call with v->lock held.
 * The bucket is full when tat_ns <= now; each token moves tat_ns on by
 * one interval; a packet finds a token while tat_ns is less than
 * burst - 1 intervals ahead of now.
 */
static __always_inline int pc_rl_token(struct pc_rl_val *v, __u64 now)
{
	__u64 t = v->tat_ns > now ? v->tat_ns : now;
	__u64 burst = pc_rl_burst ? pc_rl_burst : 1;

	if (t - now > (burst - 1) * pc_rl_interval_ns)
		return 0;
	v->tat_ns = t + pc_rl_interval_ns;
	return 1;
}

/*
 * One entry, in the sweep: flush what is held, or delete the entry if it is
 * done. The entry is looked up again rather than locked through the
 * callback's argument: 6.1's verifier ties a lock to the register id of the
 * map value it came from, and a callback's value argument has id 0
 * ("bpf_spin_unlock without taking a lock"). NULL: deleted meanwhile.
 */
static long pc_rl_sweep_one(void *map, struct pc_rl_key *k, struct pc_rl_val *arg, __u64 *now)
{
	struct pc_rl_val *v = bpf_map_lookup_elem(&pc_rl_v1, k);
	__u32 n = 0;
	int dead = 0;

	if (!v)
		return 0;
	bpf_spin_lock(&v->lock);
	if (!(v->held & PC_RL_DEAD)) {
		if (v->held && pc_rl_token(v, *now)) {
			n = v->held;
			v->held = 0;
		}
		if (!v->held && v->tat_ns <= *now) {
			v->held = PC_RL_DEAD;
			dead = 1;
		}
	}
	bpf_spin_unlock(&v->lock);
	if (n)
		pc_ev_submit(k, &v->sample, n, 1);
	if (dead)
		bpf_map_delete_elem(&pc_rl_v1, k);
	return 0;
}

/* The timer: sweep the table, come back in PC_RL_TICK_NS. */
static int pc_rl_tick(void *map, __u32 *key, struct pc_rl_timer *t)
{
	__u64 now = bpf_ktime_get_coarse_ns();

	bpf_for_each_map_elem(&pc_rl_v1, pc_rl_sweep_one, &now, 0);
	if (bpf_timer_start(&t->timer, PC_RL_TICK_NS, 0))
		t->armed = 0;	/* the next report tries again */
	return 0;
}

/*
 * Make sure the sweep runs: arm the timer if no report has yet. A failure
 * (-ENOMEM) leaves it to the next report; until then held packets wait.
 */
static __always_inline void pc_rl_arm(void)
{
	struct pc_rl_timer *t;
	__u32 zero = 0;
	long err;

	t = bpf_map_lookup_elem(&pc_rltimer_v1, &zero);
	if (!t || t->armed)
		return;
	err = bpf_timer_init(&t->timer, &pc_rltimer_v1, CLOCK_MONOTONIC);
	if (err && err != -PC_EBUSY)
		return;
	if (bpf_timer_set_callback(&t->timer, pc_rl_tick))
		return;
	if (bpf_timer_start(&t->timer, PC_RL_TICK_NS, 0) == 0)
		t->armed = 1;
}

/*
 * The entry of flow k, created with a full bucket if there is none.
 * NULL: the table is full, and the packet is reported without a limit.
 */
static __always_inline struct pc_rl_val *pc_rl_get(const struct pc_rl_key *k, __u64 now)
{
	struct pc_rl_val nv = {};
	struct pc_rl_val *v;

	v = bpf_map_lookup_elem(&pc_rl_v1, k);
	if (v)
		return v;
	nv.tat_ns = now;
	/* -EEXIST: another CPU made it, found below; -E2BIG: full, NULL below */
	bpf_map_update_elem(&pc_rl_v1, k, &nv, BPF_NOEXIST);
	return bpf_map_lookup_elem(&pc_rl_v1, k);
}

/*
 * Report one denied or audited packet or socket call. quiet: a later
 * packet of an audited flow, only counted into its flow's next flush.
 */
static __always_inline void pc_report(const struct pc_judge *j, __u8 verdict, int quiet)
{
	struct pc_evstats *es;
	struct pc_rl_key k;
	struct pc_rl_val *v;
	__u64 now = bpf_ktime_get_coarse_ns();
	__u32 count = 1, held;
	int hold = 0;

	pc_rl_arm();
	pc_rl_key_fill(&k, j, verdict);
	v = pc_rl_get(&k, now);
	if (!v) {
		/* the table is full: an event of its own (count 1), no limit */
		es = pc_evstats_get();
		if (es)
			__sync_fetch_and_add(&es->unlimited, 1);
	} else {
		bpf_spin_lock(&v->lock);
		held = v->held;
		if (held & PC_RL_DEAD) {
			/* the sweep is deleting it: report on our own (count 1) */
		} else if (!quiet && pc_rl_token(v, now)) {
			v->held = 0;
			count += held;
		} else {
			v->held = held + 1;
			hold = held ? 1 : 2;
		}
		bpf_spin_unlock(&v->lock);
		if (hold == 2)
			pc_rl_sample_fill(&v->sample, j);
	}
	/* one call site: the event is inlined once per hook, not twice */
	if (!hold)
		pc_ev_send(j, &k, count);
}

#endif /* PC_BPF_RATELIMIT_H */
