/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * bench_datapath.c - ns per packet of tc_ingress under BPF_PROG_TEST_RUN,
 * against an empty TC program, with a 10-rule and a 100,000-rule policy.
 *
 *   make bench            (root)
 *   bench_datapath [-r ROUNDS] [-n REPEAT] [-s PEER_SETS]
 *
 * Every round installs the small policy, runs every case, installs the
 * large one, runs every case again; the table shows the median over rounds.
 * All cases run in one process, side by side, so they share CPU frequency
 * and cache state. ns/pkt is the kernel's own average (opts.duration,
 * integer ns; it leaves out time the task was preempted, which matters on
 * a busy machine); "wall" is wall-clock time of the syscall over REPEAT.
 *
 * The large policy: 100,000 rules over 4 scopes x 2 directions x TCP/UDP;
 * every 10th rule has a peer set, cycling over PEER_SETS sets (default 64,
 * as many as distinct peer lists a large config might have) with ~40,000
 * prefixes in all, /28s and /32s. The tables are laid out as the compiler
 * lays out sets with few prefix lengths: an exact hash probed at each of
 * the set's lengths, longest first ("host" hits at the first probe,
 * "prefix" at the second), so the cost is flat in prefixes and sets.
 *
 * Caveat: BPF_PROG_TEST_RUN repeats one packet, so the lookups hit hot
 * cache lines; the rule-table size then shows only through hashing and
 * bucket length, not through cache misses that mixed traffic would cause.
 *
 * Denied packets. The test run repeats one packet, so every denied case
 * after the first few packets measures one flow's steady state:
 *   - "audit, later packet": in audit mode only the first packet of a flow
 *     is reported at once; its conntrack entry (flagged audit) makes the
 *     rest quiet, and the rate limit folds them into the flow's count;
 *   - "rate-limited": enforce, one flow flooding: after its burst of
 *     PC_RL_BURST events every packet is folded (lookup, lock, held++);
 *   - "event sent" and "event lost" run on a second load of the object with
 *     pc_rl_interval_ns 0 (no limit: every packet its own event, through the
 *     whole rate limit path): with a thread draining the ring buffer every
 *     millisecond, and with the ring buffer full (every reserve fails: the
 *     cost of a lost event).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/if_ether.h>
#include <netinet/in.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "kernel/gen.h"
#include "policy/tables.h"
#include "portcullis.h"
#include "empty.skel.h"
#include "portcullis.skel.h"

#define LO_IFINDEX	1
#define N_LARGE		100000

/* --- policies ---------------------------------------------------------------- */

struct policy {
	struct pc_rule_key *rk;
	struct pc_rule_val *rv;
	size_t nr, cap_r;
	struct pc_exact_key *xk;	/* peer prefixes, as the compiler lays out a set */
	struct pc_peer_val *xv;		/* with few prefix lengths (all of these) */
	size_t nx, cap_x;
	struct pc_set_info *sets;	/* by set id */
	uint32_t max_set;
	struct pc_scope_info si[4];
	struct pc_scope_key sk[4];
	uint32_t modes[4];
	size_t ns;
};

static void add_rule(struct policy *p, uint32_t scope, uint8_t dir, uint8_t proto,
		     uint16_t port, uint32_t set)
{
	if (p->nr == p->cap_r) {
		p->cap_r = p->cap_r ? p->cap_r * 2 : 64;
		p->rk = realloc(p->rk, p->cap_r * sizeof(*p->rk));
		p->rv = realloc(p->rv, p->cap_r * sizeof(*p->rv));
		if (!p->rk || !p->rv)
			abort();
	}
	p->rk[p->nr] = (struct pc_rule_key){ .scope = scope, .dir = dir, .proto = proto,
					     .port = port };
	p->rv[p->nr] = (struct pc_rule_val){ .peer_set = set, .rule_id = (uint32_t)p->nr };
	p->nr++;
}

/* Length len into the set's lengths, longest first, as the compiler does. */
static void add_len(struct policy *p, uint32_t set, uint8_t len)
{
	struct pc_set_info *info;
	int i;

	if (set > p->max_set) {
		p->sets = realloc(p->sets, (set + 1) * sizeof(*p->sets));
		if (!p->sets)
			abort();
		memset(p->sets + p->max_set + 1, 0, (set - p->max_set) * sizeof(*p->sets));
		p->max_set = set;
	}
	info = &p->sets[set];
	for (i = 0; i < info->n_lens; i++)
		if (info->lens[i] == len)
			return;
	if (info->n_lens == PC_SET_MAX_LENS)
		abort();	/* the bench's sets use two lengths */
	for (i = info->n_lens; i > 0 && info->lens[i - 1] < len; i--)
		info->lens[i] = info->lens[i - 1];
	info->lens[i] = len;
	info->n_lens++;
}

/* IPv4 prefix a.b.c.d/len (host-order address) into set. */
static void add_peer4(struct policy *p, uint32_t set, uint32_t addr, int len)
{
	struct pc_exact_key *k;
	uint32_t be = htonl(len ? addr & ~0u << (32 - len) : 0);

	if (p->nx == p->cap_x) {
		p->cap_x = p->cap_x ? p->cap_x * 2 : 64;
		p->xk = realloc(p->xk, p->cap_x * sizeof(*p->xk));
		p->xv = realloc(p->xv, p->cap_x * sizeof(*p->xv));
		if (!p->xk || !p->xv)
			abort();
	}
	k = &p->xk[p->nx];
	memset(k, 0, sizeof(*k));
	k->set = set;
	k->plen = (uint8_t)(96 + len);
	k->addr[10] = 0xff;
	k->addr[11] = 0xff;
	memcpy(k->addr + 12, &be, 4);
	p->xv[p->nx] = (struct pc_peer_val){ .rule_id = (uint32_t)p->nx };
	p->nx++;
	add_len(p, set, (uint8_t)(96 + len));
}

static void add_scope(struct policy *p, uint64_t ifindex, uint32_t mode)
{
	size_t i = p->ns++;

	p->sk[i] = (struct pc_scope_key){ .id = ifindex, .kind = PC_SCOPE_IFACE };
	p->si[i] = (struct pc_scope_info){ .name = "interface:bench", .kind = PC_SCOPE_IFACE,
					   .mode = mode };
	p->modes[i] = mode;
}

/*
 * The rules the measured packets meet, the same in both policies:
 * tcp/80 in from any, tcp/443 in from peer set 1 (10.1.0.0/16 and more),
 * tcp/5432 out to any (its replies come back through conntrack).
 */
static void measured_rules(struct policy *p)
{
	add_rule(p, 0, PC_DIR_IN, IPPROTO_TCP, 80, 0);
	add_rule(p, 0, PC_DIR_IN, IPPROTO_TCP, 443, 1);
	add_rule(p, 0, PC_DIR_OUT, IPPROTO_TCP, 5432, 0);
	add_peer4(p, 1, 0x0a010000, 16);	/* 10.1.0.0/16 */
	add_peer4(p, 1, 0x0a010203, 32);	/* 10.1.2.3/32 inside it */
	add_peer4(p, 1, 0xc0a80000, 16);	/* 192.168.0.0/16 */
}

/* 10 rules on lo. */
static void policy_small(struct policy *p)
{
	uint16_t port;

	memset(p, 0, sizeof(*p));
	add_scope(p, LO_IFINDEX, PC_MODE_AUDIT);
	measured_rules(p);
	for (port = 20; p->nr < 10; port++)
		add_rule(p, 0, PC_DIR_IN, IPPROTO_UDP, port, 0);
}

/*
 * 100,000 rules over 4 scopes (lo and three absent interfaces), two
 * directions, TCP and UDP; every 10th has one of n_sets peer sets, which
 * hold ~40,000 prefixes in all.
 */
static void policy_large(struct policy *p, uint32_t n_sets)
{
	uint32_t scope, i, per_set = 40000 / n_sets;
	uint16_t port;
	int dir, proto;

	memset(p, 0, sizeof(*p));
	add_scope(p, LO_IFINDEX, PC_MODE_AUDIT);
	add_scope(p, 1001, PC_MODE_AUDIT);
	add_scope(p, 1002, PC_MODE_AUDIT);
	add_scope(p, 1003, PC_MODE_AUDIT);
	measured_rules(p);
	for (i = 0; i < n_sets; i++) {
		uint32_t set = 2 + i, k;

		for (k = 0; k < (per_set ? per_set : 1); k++)
			add_peer4(p, set, 0x0b000000 + (i << 16) + (k << 4), k % 3 ? 28 : 32);
	}
	for (scope = 0; scope < 4 && p->nr < N_LARGE; scope++)
		for (dir = 0; dir < 2 && p->nr < N_LARGE; dir++)
			for (proto = 0; proto < 2 && p->nr < N_LARGE; proto++)
				for (port = 1000; port < 13500 && p->nr < N_LARGE; port++) {
					uint8_t pr = proto ? IPPROTO_UDP : IPPROTO_TCP;
					uint32_t set = 0;

					if (scope == 0 && pr == IPPROTO_TCP &&
					    (port == 5432 || port == 80 || port == 443))
						continue;
					if (port % 10 == 0)
						set = 2 + (uint32_t)(p->nr % n_sets);
					add_rule(p, scope, (uint8_t)dir, pr, port, set);
				}
}

static int install(const struct pc_gen_maps *m, const struct policy *p)
{
	struct pc_tables t = {
		.rule_keys = p->rk, .rule_vals = p->rv, .n_rules = p->nr,
		.exact_keys = p->xk, .exact_vals = p->xv, .n_exact = p->nx,
		.set_infos = p->sets, .n_peer_sets = p->max_set,
		.scopes = (struct pc_scope_info *)p->si, .n_scopes = p->ns,
	};

	return pc_gen_install(m, &t, p->sk, p->modes);
}

/* --- packets ---------------------------------------------------------------- */

struct pkt {
	uint8_t d[128];
	uint32_t len;
};

static struct pkt tcp4(const char *src, uint16_t sport, const char *dst, uint16_t dport,
		       uint8_t flags)
{
	struct pkt p;
	uint16_t v;

	memset(&p, 0, sizeof(p));
	p.d[12] = ETH_P_IP >> 8;
	p.d[13] = ETH_P_IP & 0xff;
	p.d[14] = 0x45;
	v = htons(40);
	memcpy(p.d + 16, &v, 2);
	p.d[22] = 64;
	p.d[23] = IPPROTO_TCP;
	inet_pton(AF_INET, src, p.d + 26);
	inet_pton(AF_INET, dst, p.d + 30);
	v = htons(sport);
	memcpy(p.d + 34, &v, 2);
	v = htons(dport);
	memcpy(p.d + 36, &v, 2);
	p.d[46] = 5 << 4;
	p.d[47] = flags;
	p.len = 14 + 20 + 20;
	return p;
}

/* --- measuring ------------------------------------------------------------------ */

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

struct sample {
	double ns;	/* wall clock / repeat */
	uint32_t kns;	/* kernel's average */
};

static int run(int prog_fd, const struct pkt *p, uint32_t repeat, struct sample *s)
{
	struct __sk_buff ctx = { .ifindex = LO_IFINDEX };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = p->d, .data_size_in = p->len,
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = repeat);
	double t0, t1;
	int err;

	t0 = now_ns();
	err = bpf_prog_test_run_opts(prog_fd, &o);
	t1 = now_ns();
	if (err)
		return err;
	s->ns = (t1 - t0) / repeat;
	s->kns = o.duration;
	return 0;
}

static volatile int draining;

/*
 * A consumer that drains every millisecond, as an epoll reader does under a
 * flood (one wakeup per batch). A reader that spins and is always caught
 * up is the worst case instead: bpf_ringbuf_submit() then queues a wakeup
 * (irq_work) for every event, measured at 1-6 us per event on a VM.
 */
static void *drain(void *arg)
{
	struct ring_buffer *rb = arg;

	while (draining) {
		usleep(1000);
		ring_buffer__consume(rb);
	}
	return NULL;
}

static int noop_event(void *ctx, void *data, size_t size)
{
	return 0;
}

enum {
	C_EMPTY, C_ALLOW_ANY, C_ALLOW_PEER, C_ALLOW_NET, C_REPLY_CT, C_DENY_AUDIT, C_DENY_HELD, C_DENY_EVENT,
	C_DENY_LOST, N_CASES
};

static const char *case_name[N_CASES] = {
	"empty TC program",
	"allowed, rule from any",
	"allowed, peer set: host",
	"allowed, peer set: prefix",
	"reply via conntrack",
	"denied, audit, later packet",
	"denied, rate-limited (folded)",
	"denied, event sent (no limit)",
	"denied, event lost (no limit)",
};

/* The object loaded with the rate limit off: every denied packet its own event. */
static struct portcullis_bpf *load_nolimit(void)
{
	struct portcullis_bpf *skel = portcullis_bpf__open();

	if (!skel)
		return NULL;
	skel->rodata->pc_rl_interval_ns = 0;
	if (portcullis_bpf__load(skel)) {
		portcullis_bpf__destroy(skel);
		return NULL;
	}
	return skel;
}

/* Every map of the table is in the skeleton, so this cannot miss one. */
static struct pc_gen_maps gen_maps(struct portcullis_bpf *skel)
{
	struct pc_gen_maps m;

	pc_gen_maps_from_object(skel->obj, &m);
	return m;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
	struct portcullis_bpf *skel = NULL, *nolimit = NULL;
	struct empty_bpf *empty = NULL;
	struct ring_buffer *rb = NULL, *rb_nolimit = NULL;
	struct policy small, large;
	struct pc_gen_maps maps, maps_nolimit;
	uint32_t repeat = 1000000;
	int rounds = 5;
	uint32_t n_sets = 64;
	double (*ns)[2][N_CASES], (*kns)[2][N_CASES];
	struct pkt allow_any, allow_peer, allow_net, reply, deny, out_syn;
	int c, r, pol, err = 1;

	while ((c = getopt(argc, argv, "r:n:s:h")) != -1) {
		if (c == 'r')
			rounds = atoi(optarg);
		else if (c == 's')
			n_sets = (uint32_t)strtoul(optarg, NULL, 0);
		else if (c == 'n')
			repeat = (uint32_t)strtoul(optarg, NULL, 0);
		else {
			fprintf(stderr, "usage: %s [-r ROUNDS] [-n REPEAT] [-s PEER_SETS]\n",
				argv[0]);
			return c == 'h' ? 0 : 2;
		}
	}
	if (rounds < 1 || rounds > 64 || repeat < 1 || n_sets < 1 || n_sets > 40000) {
		fprintf(stderr, "bench_datapath: ROUNDS 1..64, REPEAT >= 1, PEER_SETS 1..40000\n");
		return 2;
	}
	if (geteuid() != 0) {
		fprintf(stderr, "bench_datapath: needs root (BPF_PROG_TEST_RUN)\n");
		return 1;
	}
	ns = calloc((size_t)rounds, sizeof(*ns));
	kns = calloc((size_t)rounds, sizeof(*kns));
	if (!ns || !kns)
		return 1;

	skel = portcullis_bpf__open_and_load();
	nolimit = load_nolimit();
	empty = empty_bpf__open_and_load();
	if (!skel || !nolimit || !empty) {
		fprintf(stderr, "bench_datapath: cannot load the BPF objects\n");
		goto out;
	}
	rb = ring_buffer__new(bpf_map__fd(skel->maps.pc_events_v1), noop_event, NULL, NULL);
	rb_nolimit = ring_buffer__new(bpf_map__fd(nolimit->maps.pc_events_v1), noop_event, NULL,
				      NULL);
	if (!rb || !rb_nolimit)
		goto out;
	maps = gen_maps(skel);
	maps_nolimit = gen_maps(nolimit);
	policy_small(&small);
	policy_large(&large, n_sets);

	allow_any = tcp4("198.51.100.7", 40000, "10.0.0.1", 80, 0x02);
	allow_peer = tcp4("10.1.2.3", 40000, "10.0.0.1", 443, 0x02);	/* the /32 */
	allow_net = tcp4("10.1.9.9", 40000, "10.0.0.1", 443, 0x02);	/* in the /16 */
	out_syn = tcp4("10.0.0.1", 40000, "10.5.5.5", 5432, 0x02);
	reply = tcp4("10.5.5.5", 5432, "10.0.0.1", 40000, 0x12);
	deny = tcp4("198.51.100.7", 40000, "10.0.0.1", 60000, 0x02);

	printf("tc_ingress under BPF_PROG_TEST_RUN, repeat %u, %d rounds, median; "
	       "policies: %zu and %zu rules (%zu and %zu peer prefixes, 1 and %u peer sets)\n\n",
	       repeat, rounds, small.nr, large.nr, small.nx, large.nx, n_sets + 1);

	for (r = 0; r < rounds; r++) {
		for (pol = 0; pol < 2; pol++) {
			struct policy *p = pol ? &large : &small;
			int fd = bpf_program__fd(skel->progs.tc_ingress);
			struct sample s;
			pthread_t th;

			err = install(&maps, p);
			if (!err)
				err = install(&maps_nolimit, p);
			if (!err)
				err = pc_gen_set_mode(&maps_nolimit, 0, PC_MODE_ENFORCE);
			if (err) {
				fprintf(stderr, "bench_datapath: install: %s\n", strerror(-err));
				goto out;
			}
			/* the outbound flow whose reply is measured */
			run(bpf_program__fd(skel->progs.tc_egress), &out_syn, 1, &s);

			for (c = 0; c < N_CASES; c++) {
				const struct pkt *pk = c == C_EMPTY ? &allow_any :
						       c == C_ALLOW_ANY ? &allow_any :
						       c == C_ALLOW_PEER ? &allow_peer :
						       c == C_ALLOW_NET ? &allow_net :
						       c == C_REPLY_CT ? &reply : &deny;
				int nfd = bpf_program__fd(nolimit->progs.tc_ingress);
				int pfd = c == C_EMPTY ? bpf_program__fd(empty->progs.tc_empty) :
					  c == C_DENY_EVENT || c == C_DENY_LOST ? nfd : fd;

				if (c == C_DENY_HELD)
					pc_gen_set_mode(&maps, 0, PC_MODE_ENFORCE);
				if (c == C_DENY_EVENT) {
					ring_buffer__consume(rb_nolimit);
					draining = 1;
					pthread_create(&th, NULL, drain, rb_nolimit);
				}
				if (c == C_DENY_LOST)	/* fill the ring buffer first */
					run(nfd, &deny, repeat / 4 + 100000, &s);
				err = run(pfd, pk, repeat, &s);
				if (c == C_DENY_EVENT) {
					draining = 0;
					pthread_join(th, NULL);
				}
				if (err) {
					fprintf(stderr, "bench_datapath: test run: %s\n",
						strerror(-err));
					goto out;
				}
				ns[r][pol][c] = s.ns;
				kns[r][pol][c] = s.kns;
			}
			ring_buffer__consume(rb);
			ring_buffer__consume(rb_nolimit);
		}
	}

	printf("%-30s %10s %8s %8s %11s %8s %8s %8s\n", "case", "10: ns/pkt", "x empty",
	       "wall", "100k: ns/pkt", "x empty", "wall", "100k/10");
	{
		double med[2][N_CASES], kmed[2][N_CASES], col[64];
		double worst_ratio = 0, worst_scale = 0;

		for (pol = 0; pol < 2; pol++)
			for (c = 0; c < N_CASES; c++) {
				for (r = 0; r < rounds; r++)
					col[r] = ns[r][pol][c];
				med[pol][c] = median(col, rounds);
				for (r = 0; r < rounds; r++)
					col[r] = kns[r][pol][c];
				kmed[pol][c] = median(col, rounds);
			}
		for (c = 0; c < N_CASES; c++) {
			double x0 = kmed[0][c] / kmed[0][C_EMPTY];
			double x1 = kmed[1][c] / kmed[1][C_EMPTY];
			double sc = kmed[1][c] / kmed[0][c];

			printf("%-30s %10.0f %7.2fx %8.1f %11.0f %7.2fx %8.1f %7.2fx\n",
			       case_name[c], kmed[0][c], x0, med[0][c], kmed[1][c], x1,
			       med[1][c], sc);
			if (c == C_ALLOW_ANY || c == C_ALLOW_PEER || c == C_ALLOW_NET ||
			    c == C_REPLY_CT) {
				worst_ratio = x1 > worst_ratio ? x1 : worst_ratio;
				worst_ratio = x0 > worst_ratio ? x0 : worst_ratio;
				worst_scale = sc > worst_scale ? sc : worst_scale;
			}
		}
		printf("\ngoals (allowed and conntrack cases): within 2.5x of empty: %s "
		       "(worst %.2fx); 100k within 15%% of 10: %s (worst %.2fx)\n",
		       worst_ratio <= 2.5 ? "met" : "NOT met", worst_ratio,
		       worst_scale <= 1.15 ? "met" : "NOT met", worst_scale);
	}
	err = 0;
out:
	ring_buffer__free(rb);
	ring_buffer__free(rb_nolimit);
	empty_bpf__destroy(empty);
	portcullis_bpf__destroy(skel);
	portcullis_bpf__destroy(nolimit);
	free(small.rk);
	free(small.rv);
	free(small.xk);
	free(small.xv);
	free(small.sets);
	free(large.rk);
	free(large.rv);
	free(large.xk);
	free(large.xv);
	free(large.sets);
	free(ns);
	free(kns);
	return err ? 1 : 0;
}
