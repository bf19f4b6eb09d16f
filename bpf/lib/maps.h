/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * maps.h - every map of portcullis.bpf.c, named as in portcullis.h.
 *
 * The per-generation maps are ARRAY_OF_MAPS with PC_GENERATIONS slots; the
 * inner templates below fix type, key, value and flags, and userspace
 * creates inner maps with exactly these, sized to the policy. Every map
 * here is a row of the agent's map table (agent/kernel/gen.c), which is
 * checked against this file's definitions at load: a map added here
 * without its row, or a row that disagrees, stops the load by name.
 * max_entries of an inner HASH or LPM_TRIE is not part of the template
 * check, so 1 here only describes the template.
 *
 * The inner templates give key_size/value_size rather than __type(): clang
 * 14 emits the key/value structs of a template reached only through
 * __array() as BTF forward declarations, which libbpf cannot size.
 * Inner maps created by userspace carry no BTF anyway.
 */
#ifndef PC_BPF_MAPS_H
#define PC_BPF_MAPS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "portcullis.h"

struct pc_rules_inner {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(struct pc_rule_key));
	__uint(value_size, sizeof(struct pc_rule_val));
};

struct pc_peers_inner {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(struct pc_peer_key));
	__uint(value_size, sizeof(struct pc_peer_val));
};

struct pc_exact_inner {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(struct pc_exact_key));
	__uint(value_size, sizeof(struct pc_peer_val));
};

/* An array of any size fits this template: BPF_F_INNER_MAP on both. */
struct pc_sets_inner {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_INNER_MAP);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(struct pc_set_info));
};

struct pc_scopes_inner {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(struct pc_scope_key));
	__uint(value_size, sizeof(struct pc_scope_val));
};

/* ARRAY[1]: the live generation slot, 0 or 1. Written last by an install. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} pc_active_v1 SEC(".maps");

/*
 * ARRAY[1]: the policy epoch, one more with every install, written after
 * the flip has been waited out (agent/kernel/gen.c). A conntrack entry
 * stamped with an older epoch is judged again before it lets a packet
 * pass (lib/ct.h). Apart from pc_active so that a packet that sees the
 * new epoch can only have read the new slot.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} pc_epoch_v1 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, PC_GENERATIONS);
	__type(key, __u32);
	__array(values, struct pc_rules_inner);
} pc_rules_v1 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, PC_GENERATIONS);
	__type(key, __u32);
	__array(values, struct pc_peers_inner);
} pc_peers_v1 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, PC_GENERATIONS);
	__type(key, __u32);
	__array(values, struct pc_exact_inner);
} pc_exact_v1 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, PC_GENERATIONS);
	__type(key, __u32);
	__array(values, struct pc_scopes_inner);
} pc_scopes_v1 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, PC_GENERATIONS);
	__type(key, __u32);
	__array(values, struct pc_sets_inner);
} pc_sets_v1 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, PC_MAX_SCOPES);
	__type(key, __u32);
	__type(value, struct pc_stats);
} pc_stats_v1 SEC(".maps");

/* Denied and audited by scope and reason (portcullis.h). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, PC_MAX_SCOPES * PC_REASON_SLOTS);
	__type(key, __u32);
	__type(value, struct pc_reason_stats);
} pc_reasons_v1 SEC(".maps");

/*
 * Conntrack (lib/ct.h) in two LRUs: established flows (a reply, then a
 * packet the original way), and flows that are not yet. A flood of
 * spoofed SYNs to a port open to everyone, which the host answers, turns
 * over the second only, and costs no established flow its entry.
 * Sizes are defaults; the agent sets them at load (--ct-entries,
 * --ct-new-entries).
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, PC_CT_ENTRIES);
	__type(key, struct pc_ct_key);
	__type(value, struct pc_ct_val);
} pc_ct_v2 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, PC_CT_NEW_ENTRIES);
	__type(key, struct pc_ct_key);
	__type(value, struct pc_ct_val);
} pc_ctnew_v2 SEC(".maps");

/* Conntrack accounting, one slot; userspace sums the CPUs. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pc_ctstats);
} pc_ctstats_v1 SEC(".maps");

/* Datagrams whose first fragment was allowed (lib/frag.h). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, PC_FRAG_ENTRIES);
	__type(key, struct pc_frag_key);
	__type(value, struct pc_frag_val);
} pc_frags_v1 SEC(".maps");

/*
 * Rate limit per flow (lib/ratelimit.h). A plain HASH, not an LRU: an LRU
 * would evict a flow with packets still held and lose their count without
 * a trace. The sweep deletes the entries of quiet flows; when the table is
 * full, a new flow is reported without a limit. The value holds a
 * bpf_spin_lock, so it needs BTF (__type).
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PC_RL_ENTRIES);
	__type(key, struct pc_rl_key);
	__type(value, struct pc_rl_val);
} pc_rl_v1 SEC(".maps");

/* The one timer that sweeps pc_rl_v1. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pc_rl_timer);
} pc_rltimer_v1 SEC(".maps");

/* Event accounting, one slot; userspace sums the CPUs. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pc_evstats);
} pc_evstats_v1 SEC(".maps");

/* Size is a default; userspace may bpf_map__set_max_entries() before load. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, PC_EVENTS_RING_BYTES);
} pc_events_v1 SEC(".maps");

#endif /* PC_BPF_MAPS_H */
