/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * frag.h - later fragments, which carry no ports to judge.
 *
 * A first fragment is judged by its ports like any packet; when it passes,
 * its datagram {scope, saddr, daddr, id, proto} goes into pc_frags_v1. A
 * later fragment passes when its datagram is there and fresh:
 *
 *   egress    otherwise denied (PC_REASON_FRAGMENT). The receiver is the
 *             other host: without this an unprivileged 8000-byte sendto()
 *             to a denied destination lost its first fragment and leaked
 *             the rest.
 *   ingress   otherwise passes unjudged: reassembly holds it until its
 *             first fragment comes, which is judged, and frees it if none
 *             does; dropping it would lose datagrams whose fragments were
 *             reordered on the way.
 *
 * An LRU: a datagram evicted before its last fragment costs that
 * datagram (at egress) and nothing else; PC_FRAG_ENTRIES datagrams in
 * flight at once are far more than one host sends.
 */
#ifndef PC_BPF_FRAG_H
#define PC_BPF_FRAG_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "portcullis.h"
#include "lib/maps.h"
#include "lib/parse.h"

static __always_inline void pc_frag_key_fill(struct pc_frag_key *k, const struct pc_pkt *p,
					     __u32 scope)
{
	pc_addrs_store(k->saddr, k->daddr, p->t.saddr, p->t.daddr);
	k->id = p->frag_id;
	k->scope = scope;
	k->proto = p->t.proto;
	k->pad[0] = 0;
	k->pad[1] = 0;
	k->pad[2] = 0;
}

/* A first fragment passed: let its datagram's later fragments follow. */
static __noinline void pc_frag_track(const struct pc_pkt *p, __u32 scope)
{
	struct pc_frag_key k;
	struct pc_frag_val v = { .first_ns = bpf_ktime_get_coarse_ns() };

	pc_frag_key_fill(&k, p, scope);
	bpf_map_update_elem(&pc_frags_v1, &k, &v, BPF_ANY);
}

/* 1 when the datagram of later fragment p had its first fragment pass. */
static __noinline int pc_frag_tracked(const struct pc_pkt *p, __u32 scope)
{
	struct pc_frag_key k;
	struct pc_frag_val *v;
	__u64 first;

	pc_frag_key_fill(&k, p, scope);
	v = bpf_map_lookup_elem(&pc_frags_v1, &k);
	if (!v)
		return 0;
	first = *(volatile __u64 *)&v->first_ns;
	/* A concurrent refresh can only make first later than now: fresh. */
	return (__s64)(bpf_ktime_get_coarse_ns() - first) < (__s64)PC_FRAG_TIMEOUT_NS;
}

#endif /* PC_BPF_FRAG_H */
