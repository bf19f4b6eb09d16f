/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * portcullis.h - every structure that crosses the kernel/user boundary.
 *
 * Included by the BPF programs and the agent alike, so the two sides can never
 * disagree on a layout. Rules for this file:
 *   - only __u8..__u64 and __be16/__be32; no bool, no enum-typed fields;
 *   - every hole is an explicit pad field that writers zero (hash and LPM
 *     keys are compared bytewise);
 *   - byte order is stated on every multi-byte field;
 *   - a layout change bumps the map's _vN suffix (PC_MAP_*), so a pinned
 *     map of an older layout is never reused by mistake.
 */
#ifndef PORTCULLIS_H
#define PORTCULLIS_H

#include <linux/types.h>
#include <linux/bpf.h>	/* struct bpf_timer, struct bpf_spin_lock in pc_rl_val */

/* Direction of a flow, seen from this host. */
#define PC_DIR_IN	0	/* arrives at a local port */
#define PC_DIR_OUT	1	/* leaves for a remote port */

/* Protocols use IPPROTO_* numbers (TCP 6, UDP 17, ICMP 1, ICMPV6 58). */

/* Per-scope mode. */
#define PC_MODE_AUDIT	0	/* pass what enforce would drop, and report it */
#define PC_MODE_ENFORCE	1	/* drop what no rule allows */

/* Scope kinds: what a scope key's id means. */
#define PC_SCOPE_IFACE	1	/* id is an ifindex (TC hooks) */
#define PC_SCOPE_CGROUP	2	/* id is a cgroup v2 id (cgroup hooks) */

/*
 * Capacity, checked by the compiler so the kernel never refuses an
 * update mid-load. Inner maps are sized to what a policy needs, up to these.
 */
#define PC_MAX_SCOPES		256
/*
 * Scope ids are 0..PC_MAX_SCOPES-2, kept per scope name across applies
 * (agent/policy/scope_ids.c). The last index of pc_stats_v1 is no scope's:
 * a hook that finds no scope for its target (an inconsistent state) drops
 * and counts there, and reports with this scope id (PC_REASON_NO_SCOPE).
 */
#define PC_SCOPE_NONE		(PC_MAX_SCOPES - 1)
#define PC_MAX_RULE_KEYS	(4u << 20)	/* exact {scope,dir,proto,port} keys */
#define PC_MAX_PEER_PREFIXES	(1u << 20)	/* LPM entries over all peer sets */
#define PC_MAX_CGROUP_DEPTH	16		/* ancestor levels walked for a scope */
/*
 * Conntrack LRUs, defaults: --ct-entries and --ct-new-entries size them at
 * load, within the bounds below (an LRU hash is preallocated: about 120
 * bytes an entry, so the defaults take 8 and 2 MB).
 */
#define PC_CT_ENTRIES		65536		/* established flows */
#define PC_CT_NEW_ENTRIES	16384		/* flows not established yet */
#define PC_CT_ENTRIES_MIN	1024		/* below, the per-CPU free lists starve */
#define PC_CT_ENTRIES_MAX	(1u << 24)	/* about 2 GB */
/*
 * The event ring buffer. The reader maps it twice (the kernel's trick for
 * records that wrap), so it counts twice in the daemon's resident memory:
 * 2 MiB keeps the daemon under 10 MB and holds ~20 ms of events at
 * 1,000,000 a second, the slack while the daemon recompiles on SIGHUP.
 */
#define PC_EVENTS_RING_BYTES	(2u << 20)

/*
 * Generations. Every policy lives in a set of inner maps that are swapped
 * in as a whole: userspace fills the inactive slot of each outer map, then
 * flips pc_active. A packet reads pc_active once and uses that slot for
 * every lookup, so it is never judged by half a policy.
 */
#define PC_GENERATIONS	2

/*
 * Rule table: exact match. One key per (scope, direction, protocol, port).
 * Port ranges are expanded by the compiler. For ICMP and ICMPv6, port is
 * the ICMP type of the message that opens the flow (echo-request).
 */
struct pc_rule_key {
	__u32 scope;	/* scope id, host order, < PC_MAX_SCOPES */
	__u8  dir;	/* PC_DIR_* */
	__u8  proto;	/* IPPROTO_* */
	__u16 port;	/* local port (in) or remote port (out), HOST order */
};

struct pc_rule_val {
	__u32 peer_set;	/* 0: any address; else the set id: its pc_sets entry
			 * says where its prefixes are (pc_exact or pc_peers) */
	__u32 rule_id;	/* index of the rule that allowed it (userspace table);
			 * with a peer set, the prefix entry's rule_id is used */
};

/*
 * Peer sets: an LPM trie over {set, address}. IPv4 is stored as an
 * IPv4-mapped IPv6 address (::ffff:a.b.c.d), so one trie serves both
 * families. prefixlen counts bits from the start of 'set': 32 + 96 + n for
 * an IPv4 /n, 32 + n for an IPv6 /n.
 */
struct pc_peer_key {
	__u32 prefixlen;	/* LPM prefix length in bits, host order */
	__u32 set;		/* peer set id, BIG-endian so it sorts as a prefix */
	__u8  addr[16];		/* network order; IPv4 mapped to ::ffff:0:0/96 */
};

struct pc_peer_val {
	__u32 rule_id;	/* rule that allowed this prefix (most specific wins) */
	__u32 pad;	/* zero */
};

/*
 * Peer sets as exact tables. Most sets use few prefix lengths (hosts, a
 * /24, a /64), so their prefixes go to an exact hash keyed {set, length,
 * masked address}, and a lookup probes the set's lengths longest first:
 * the first hit is the longest match, as the trie would give, at the cost
 * of one hash lookup per length, flat in the number of prefixes and sets.
 * A set with more than PC_SET_MAX_LENS lengths stays in the LPM trie.
 */
#define PC_SET_MAX_LENS	7

struct pc_exact_key {
	__u32 set;		/* peer set id, host order */
	__u8  plen;		/* prefix length in IPv6 bits (IPv4 /n: 96 + n) */
	__u8  pad[3];		/* zero */
	__u8  addr[16];		/* network order, IPv4 mapped, masked to plen */
};
/* The value is a struct pc_peer_val. */

/* Per set, an ARRAY indexed by set id. */
struct pc_set_info {
	__u8 n_lens;		/* 0: the set is in pc_peers (the trie); else
				 * how many of lens[] to probe in pc_exact */
	__u8 lens[PC_SET_MAX_LENS];	/* prefix lengths, longest first */
};

/* Scope table: which hook target belongs to which scope. */
struct pc_scope_key {
	__u64 id;	/* ifindex or cgroup id, host order */
	__u32 kind;	/* PC_SCOPE_* */
	__u32 pad;	/* zero */
};

struct pc_scope_val {
	__u32 scope;	/* scope id, index into pc_stats and rule keys; < PC_SCOPE_NONE */
	__u16 mode;	/* PC_MODE_*; updated in place by 'mode' */
	__u8  flags;	/* PC_SCOPE_F_* */
	__u8  pad;	/* zero */
};

/*
 * The interface has no link-layer header (tun, WireGuard, ipip, gre, sit,
 * ppp): TC sees the IP header first, and skb->protocol says which. Set by
 * the agent from the device's link type.
 */
#define PC_SCOPE_F_L3	0x1

/* Per-scope counters, a PERCPU_ARRAY indexed by scope id; PC_SCOPE_NONE
 * counts in denied what hooks without a scope dropped. */
struct pc_stats {
	__u64 allowed;	/* packets and socket calls passed by a rule or state */
	__u64 denied;	/* dropped in enforce mode */
	__u64 audited;	/* would have been dropped, passed in audit mode */
	__u64 malformed;/* subset of denied+audited: could not be parsed */
};

/*
 * Why a scope's packets were denied or audited: a PERCPU_ARRAY indexed by
 * scope id * PC_REASON_SLOTS + reason (PC_REASON_*), so the reasons of a
 * scope add up to its pc_stats denied and audited. Written only where a
 * packet is not allowed: the allowed fast path does not touch it.
 */
#define PC_REASON_SLOTS		8	/* a power of two above the last PC_REASON_* */
struct pc_reason_stats {
	__u64 denied;
	__u64 audited;
};

/*
 * Connection tracking, two LRU hashes (bpf/lib/ct.h). The key is the flow
 * as first allowed (original direction); a reply matches the key with
 * addresses and ports swapped. For ICMP echo, sport is the echo identifier
 * and dport 0.
 *
 * Zones: every interface scope tracks in one zone, so a reply is
 * recognised on whichever attached interface it comes in by (ECMP,
 * multi-homing, bonds attached slave by slave); each cgroup scope keeps a
 * zone of its own, so one service's flows never admit another's packets,
 * nor interface traffic (docs/design.md, "Datapath decisions").
 */
#define PC_CT_ZONE_IFACE		0			/* every interface scope */
#define PC_CT_ZONE_CGROUP(scope)	(1u + (__u32)(scope))	/* one per cgroup scope */

struct pc_ct_key {
	__u8  saddr[16];	/* network order, IPv4 mapped */
	__u8  daddr[16];	/* network order, IPv4 mapped */
	__u16 sport;		/* host order */
	__u16 dport;		/* host order */
	__u32 zone;		/* PC_CT_ZONE_*, host order */
	__u8  proto;		/* IPPROTO_* */
	__u8  pad[3];		/* zero */
};

#define PC_CT_F_AUDIT	0x1	/* created by an audited flow: only valid in audit mode */
#define PC_CT_F_FIN	0x2	/* TCP: a FIN was seen; the flow is closing */
#define PC_CT_F_RST	0x4	/* TCP: a RST was seen; the flow is over */
#define PC_CT_F_REPLIED	0x8	/* pc_ctnew: a reply was seen; the next packet the other way
				 * (TCP: not a SYN) makes the flow established */

/*
 * What allowed the flow is kept with it: scope and dir say which rule key
 * to look up again, epoch under which policy it was last found (the
 * datapath judges the flow again when pc_epoch has moved on since).
 */
struct pc_ct_val {
	__u64 last_seen_ns;	/* CLOCK_MONOTONIC of the last packet (bpf_ktime_get_coarse_ns) */
	__u32 flags;		/* PC_CT_F_* */
	__u32 epoch;		/* pc_epoch when a rule last allowed (or audit passed) it */
	__u32 scope;		/* scope id that judged it, host order */
	__u8  dir;		/* PC_DIR_* of the original direction at that scope */
	__u8  pad[3];		/* zero */
};

/*
 * Conntrack accounting, a PERCPU_ARRAY[1]; userspace sums the CPUs. A
 * failed insert is never silent: the flow still passes (its packet was
 * allowed) but its replies may not.
 */
struct pc_ctstats {
	__u64 created;		/* entries made in pc_ctnew: new flows, LRU turnover under a flood */
	__u64 create_failed;	/* a new flow's entry could not be stored */
	__u64 promoted;		/* flows moved to pc_ct once established */
	__u64 promote_failed;	/* such a move failed: the flow stays in pc_ctnew */
	__u64 revoked;		/* entries deleted: no rule of the live policy allows the flow */
};

/*
 * Fragments (bpf/lib/frag.h), an LRU hash: the datagrams whose first
 * fragment was allowed, so that their later fragments (no ports to judge)
 * pass after them and no others do at egress. IPv4 ids are 16 bits.
 */
struct pc_frag_key {
	__u8  saddr[16];	/* network order, IPv4 mapped */
	__u8  daddr[16];	/* network order, IPv4 mapped */
	__u32 id;		/* IP identification / fragment header id, host order */
	__u32 scope;		/* scope id that allowed the first fragment */
	__u8  proto;		/* IPPROTO_* of the datagram */
	__u8  pad[3];		/* zero */
};

struct pc_frag_val {
	__u64 first_ns;		/* CLOCK_MONOTONIC when the first fragment passed */
};

#define PC_FRAG_ENTRIES		8192
/* As long as Linux keeps a datagram in reassembly (ip6frag_time: 60 s). */
#define PC_FRAG_TIMEOUT_NS	(60ull * 1000000000ull)

/*
 * Timeouts after the last packet, in nanoseconds. An idle established TCP
 * flow lives as long as nf_conntrack keeps one (5 days), past Linux's
 * keepalive (2 hours), so idle SQL and LDAP sessions are not cut; one that
 * saw a FIN gets TIME_WAIT's 2 minutes, one that saw a RST 10 seconds.
 */
#define PC_CT_TIMEOUT_TCP_NS	(5ull * 24 * 3600 * 1000000000ull)
#define PC_CT_TIMEOUT_TCP_NEW_NS (120ull * 1000000000ull)	/* no reply yet: SYN_SENT */
#define PC_CT_TIMEOUT_UDP_NEW_NS (30ull * 1000000000ull)	/* no reply yet */
#define PC_CT_TIMEOUT_TCP_FIN_NS (120ull * 1000000000ull)
#define PC_CT_TIMEOUT_TCP_RST_NS (10ull * 1000000000ull)
#define PC_CT_TIMEOUT_UDP_NS	(120ull * 1000000000ull)
#define PC_CT_TIMEOUT_ICMP_NS	(30ull * 1000000000ull)

/*
 * Why a packet was denied. Stable numbers, never reused; a retired reason
 * becomes PC_REASON_UNUSEDn. The agent names them in agent/lib/names.c.
 */
#define PC_REASON_NONE		0	/* allowed */
#define PC_REASON_NO_RULE	1	/* no rule for scope/dir/proto/port */
#define PC_REASON_PEER		2	/* rule exists, peer not in its set */
#define PC_REASON_MALFORMED	3	/* truncated or unparsable header */
#define PC_REASON_IPV6_EXT	4	/* too many or unknown IPv6 ext headers */
#define PC_REASON_NO_POLICY	5	/* scope attached but no active policy */
#define PC_REASON_FRAGMENT	6	/* later fragment, its first not allowed (egress) */
#define PC_REASON_NO_SCOPE	7	/* hook attached, its target has no scope: dropped */
/* PC_REASON_SLOTS counts per reason: raise it with the next reason. */

/* Hooks, reported in events. */
#define PC_HOOK_TC_IN		1
#define PC_HOOK_TC_OUT		2
#define PC_HOOK_CG_IN		3
#define PC_HOOK_CG_OUT		4
#define PC_HOOK_CONNECT4	5
#define PC_HOOK_CONNECT6	6
#define PC_HOOK_SENDMSG4	7
#define PC_HOOK_SENDMSG6	8

/* Verdict as reported in events. */
#define PC_VERDICT_DENY		1
#define PC_VERDICT_AUDIT	2

/* Event flags. */
#define PC_EV_F_TASK	0x1	/* pid, uid, comm and cgroup_id are valid */

/* One deny or audit verdict, through the pc_events ring buffer. */
struct pc_event {
	__u64 ts_ns;		/* bpf_ktime_get_boot_ns() */
	__u64 cgroup_id;	/* socket's cgroup, when PC_EV_F_TASK */
	__u32 scope;		/* scope id */
	__u32 count;		/* packets this event stands for (>= 1) */
	__u8  saddr[16];	/* network order, IPv4 mapped */
	__u8  daddr[16];	/* network order, IPv4 mapped */
	__u16 sport;		/* host order; ICMP: 0 */
	__u16 dport;		/* host order; ICMP: type */
	__u8  proto;		/* IPPROTO_* */
	__u8  dir;		/* PC_DIR_* */
	__u8  verdict;		/* PC_VERDICT_* */
	__u8  reason;		/* PC_REASON_* */
	__u8  hook;		/* PC_HOOK_* */
	__u8  family;		/* 4 or 6 */
	__u16 flags;		/* PC_EV_F_* */
	__u32 pid;		/* tgid, when PC_EV_F_TASK */
	__u32 uid;		/* when PC_EV_F_TASK */
	char  comm[16];		/* when PC_EV_F_TASK */
	__u32 ifindex;		/* TC hooks: the interface; else 0 */
};

/*
 * Event rate limit (bpf/lib/ratelimit.h, docs/events.md). Every deny and
 * audit verdict goes through a token bucket per flow key: a flow may send
 * PC_RL_BURST events at once and one more per PC_RL_INTERVAL_NS; a packet
 * that finds no token is folded into the flow's 'held' count, which the
 * next event of the flow carries in its count. One timer sweeps the table
 * every PC_RL_TICK_NS: it flushes what is held and deletes the entries of
 * flows quiet long enough for their bucket to be full again.
 * The datapath reads burst and interval from rodata (pc_rl_burst,
 * pc_rl_interval_ns), set from these defaults; interval 0 turns the limit
 * off (every packet its own event).
 */
#define PC_RL_BURST		5				/* tokens of a quiet flow */
#define PC_RL_INTERVAL_NS	(200ull * 1000000ull)		/* one token per 200 ms */
#define PC_RL_TICK_NS		(1000ull * 1000000ull)		/* sweep period */
#define PC_RL_ENTRIES		16384	/* flows limited at once; beyond: unlimited */
#define PC_RL_DEAD		0x80000000u	/* in pc_rl_val.held: entry being deleted */

/*
 * A flow, for the rate limit: everything an event says about a packet
 * except its source port (a reconnect flood from one peer is one flow) and
 * what only the socket hooks know. hook and reason keep a connect() report
 * and the packet reports of the same flow apart, and a malformed packet
 * apart from a well-formed one.
 */
struct pc_rl_key {
	__u8  saddr[16];	/* network order, IPv4 mapped */
	__u8  daddr[16];	/* network order, IPv4 mapped */
	__u32 scope;		/* scope id, host order */
	__u16 dport;		/* host order; ICMP: type (as pc_event.dport) */
	__u8  proto;		/* IPPROTO_* */
	__u8  dir;		/* PC_DIR_* */
	__u8  verdict;		/* PC_VERDICT_* */
	__u8  hook;		/* PC_HOOK_* */
	__u8  reason;		/* PC_REASON_* */
	__u8  family;		/* 4 or 6; 0 if the IP header was unreadable */
};

/*
 * What a flush event says beyond its flow key: the first packet held since
 * the flow's last event. A packet's own event is filled from the same two
 * parts (bpf/lib/ratelimit.h, pc_ev_fill), so the two kinds cannot differ.
 */
struct pc_rl_sample {
	__u64 cgroup_id;		/* as pc_event.cgroup_id */
	__u32 ifindex;			/* as pc_event.ifindex */
	__u32 pid;			/* as pc_event.pid */
	__u32 uid;			/* as pc_event.uid */
	__u16 sport;			/* as pc_event.sport, host order */
	__u16 flags;			/* as pc_event.flags (PC_EV_F_*) */
	char  comm[16];			/* as pc_event.comm */
};

/*
 * State of one flow. The lock guards held and tat_ns; the sample is
 * written without it (a torn sample only mixes two packets of the same
 * flow in a flush event). Only the datapath reads and writes this.
 */
struct pc_rl_val {
	struct bpf_spin_lock lock;	/* guards held and tat_ns */
	__u32 held;			/* packets folded since the last event; | PC_RL_DEAD */
	__u64 tat_ns;			/* GCRA theoretical arrival time, coarse CLOCK_MONOTONIC */
	struct pc_rl_sample sample;	/* for the next flush event */
};

/* The sweep timer, an ARRAY[1]: armed by the first report, re-armed by itself. */
struct pc_rl_timer {
	struct bpf_timer timer;		/* fires every PC_RL_TICK_NS */
	__u32 armed;			/* 1 once started; 0: the next report starts it */
	__u32 pad;			/* zero */
};

/*
 * Event accounting, a PERCPU_ARRAY[1]; userspace sums the CPUs. Every
 * denied or audited packet or socket call ends up in exactly one event's
 * count, delivered or lost (or, for at most PC_RL_TICK_NS plus a token,
 * held in pc_rl_v1). Once quiet:
 *   sum(count of delivered events) + lost = sum(denied + audited) over scopes
 *   delivered + suppressed                = sum(count of delivered events)
 */
struct pc_evstats {
	__u64 delivered;	/* events submitted to pc_events */
	__u64 suppressed;	/* sum of (count - 1) over submitted events */
	__u64 lost_events;	/* events that found the ring buffer full */
	__u64 lost;		/* sum of count over those events */
	__u64 flushed;		/* submitted events sent by the sweep (in delivered) */
	__u64 unlimited;	/* packets reported without a limit: pc_rl_v1 was full */
};

/* Map names: pc_*, at most 15 characters, _vN bumped on a layout change.
 * Each is a row of the agent's map table too (agent/kernel/gen.c). */
#define PC_MAP_ACTIVE	"pc_active_v1"	/* ARRAY[1] of __u32: live generation */
#define PC_MAP_EPOCH	"pc_epoch_v1"	/* ARRAY[1] of __u32: policy epoch, +1 per install */
#define PC_MAP_RULES	"pc_rules_v1"	/* ARRAY_OF_MAPS[2] -> HASH rule_key->rule_val */
#define PC_MAP_PEERS	"pc_peers_v1"	/* ARRAY_OF_MAPS[2] -> LPM peer_key->peer_val */
#define PC_MAP_EXACT	"pc_exact_v1"	/* ARRAY_OF_MAPS[2] -> HASH exact_key->peer_val */
#define PC_MAP_SETS	"pc_sets_v1"	/* ARRAY_OF_MAPS[2] -> ARRAY of pc_set_info */
#define PC_MAP_SCOPES	"pc_scopes_v1"	/* ARRAY_OF_MAPS[2] -> HASH scope_key->scope_val */
#define PC_MAP_STATS	"pc_stats_v1"	/* PERCPU_ARRAY[PC_MAX_SCOPES] of pc_stats */
#define PC_MAP_REASONS	"pc_reasons_v1"	/* PERCPU_ARRAY[scopes * PC_REASON_SLOTS] of pc_reason_stats */
#define PC_MAP_CT	"pc_ct_v2"	/* LRU_HASH ct_key->ct_val: replied flows */
#define PC_MAP_CTNEW	"pc_ctnew_v2"	/* LRU_HASH ct_key->ct_val: not yet replied */
#define PC_MAP_CTSTATS	"pc_ctstats_v1"	/* PERCPU_ARRAY[1] of pc_ctstats */
#define PC_MAP_FRAGS	"pc_frags_v1"	/* LRU_HASH frag_key->frag_val */
#define PC_MAP_EVENTS	"pc_events_v1"	/* RINGBUF of pc_event */
#define PC_MAP_RL	"pc_rl_v1"	/* HASH rl_key->rl_val, PC_RL_ENTRIES */
#define PC_MAP_EVSTATS	"pc_evstats_v1"	/* PERCPU_ARRAY[1] of pc_evstats */
#define PC_MAP_RLTIMER	"pc_rltimer_v1"	/* ARRAY[1] of pc_rl_timer */

#ifndef __bpf__
_Static_assert(sizeof(struct pc_rule_key) == 8, "pc_rule_key layout");
_Static_assert(sizeof(struct pc_rule_val) == 8, "pc_rule_val layout");
_Static_assert(sizeof(struct pc_peer_key) == 24, "pc_peer_key layout");
_Static_assert(sizeof(struct pc_peer_val) == 8, "pc_peer_val layout");
_Static_assert(sizeof(struct pc_exact_key) == 24, "pc_exact_key layout");
_Static_assert(sizeof(struct pc_set_info) == 8, "pc_set_info layout");
_Static_assert(sizeof(struct pc_scope_key) == 16, "pc_scope_key layout");
_Static_assert(sizeof(struct pc_scope_val) == 8, "pc_scope_val layout");
_Static_assert(sizeof(struct pc_stats) == 32, "pc_stats layout");
_Static_assert(sizeof(struct pc_reason_stats) == 16, "pc_reason_stats layout");
_Static_assert(PC_REASON_NO_SCOPE < PC_REASON_SLOTS, "a reason without a slot in pc_reasons_v1");
_Static_assert(sizeof(struct pc_ct_key) == 44, "pc_ct_key layout");
_Static_assert(sizeof(struct pc_ct_val) == 24, "pc_ct_val layout");
_Static_assert(sizeof(struct pc_ctstats) == 40, "pc_ctstats layout");
_Static_assert(sizeof(struct pc_frag_key) == 44, "pc_frag_key layout");
_Static_assert(sizeof(struct pc_frag_val) == 8, "pc_frag_val layout");
_Static_assert(sizeof(struct pc_event) == 96, "pc_event layout");
_Static_assert(sizeof(struct pc_rl_key) == 44, "pc_rl_key layout");
_Static_assert(sizeof(struct pc_rl_sample) == 40, "pc_rl_sample layout");
/* The sample took the place of its fields: pc_rl_v1's layout is unchanged. */
_Static_assert(sizeof(struct pc_rl_val) == 56, "pc_rl_val layout");
_Static_assert(__builtin_offsetof(struct pc_rl_val, sample) == 16, "pc_rl_val layout");
_Static_assert(sizeof(struct pc_rl_timer) == 24, "pc_rl_timer layout");
_Static_assert(sizeof(struct pc_evstats) == 48, "pc_evstats layout");
#endif

#endif /* PORTCULLIS_H */
