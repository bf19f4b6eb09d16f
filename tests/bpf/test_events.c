/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * test_events.c - what the datapath reports and how it is accounted: every
 * field of struct pc_event at the TC, cgroup_skb and socket hooks, IPv4 and
 * IPv6; the per-flow rate limit (burst, folding into count, the flush
 * timer at every program type); loss with a full ring buffer; and the
 * invariant of docs/events.md, checked exactly:
 *
 *   sum(count of consumed events) + lost = sum(denied + audited)
 *   delivered + suppressed               = sum(count of consumed events)
 *
 * Same environment as test_datapath.c (root, a private network namespace,
 * a cgroup2 child with the test in its leaf, sock_addr programs attached
 * to it); the packet builders are shared through packet.h. A "bed" is one
 * loaded skeleton with its ring buffer: most tests share the main one,
 * the loss and table-full tests load their own with smaller maps. The
 * last test runs 'portcullis stats' (cmd_stats) over the main bed's maps,
 * pinned under /sys/fs/bpf.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <linux/pkt_cls.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <cmocka.h>

#include "cgroup_bed.h"
#include "cli/cli.h"
#include "kernel/gen.h"
#include "kernel/state.h"
#include "packet.h"
#include "policy/tables.h"
#include "portcullis.h"
#include "portcullis.skel.h"

#define TC_PASS		TC_ACT_UNSPEC
#define TC_DROP		TC_ACT_SHOT
#define CG_PASS		1
#define CG_DROP		0
#define LO_IFINDEX	1

#define HOST		"10.0.0.1"
#define HOST6		"2001:db8:ff::1"
#define CLIENT		"198.51.100.7"
#define CLIENT6		"2001:db8:aa::7"
#define OTHER		"203.0.113.9"

/* The bound docs/events.md gives for held-back repeats once a flow is quiet, and a margin. */
#define FLUSH_BOUND_S	5.0
#define MARGIN_S	1.5

/* --- beds: a loaded skeleton and its ring buffer ------------------------------ */

struct bed {
	struct portcullis_bpf *skel;
	struct pc_gen_maps maps;
	int stats_fd, ct_fd, rl_fd, evstats_fd;
	struct ring_buffer *rb;
};

/* Every event consumed, in order (the first MAX_EV kept), and their counts. */
#define MAX_EV	4096
static struct pc_event ev[MAX_EV];
static int n_ev;		/* consumed */
static uint64_t ev_sum;		/* sum of count over consumed events */

static int on_event(void *ctx, void *data, size_t size)
{
	const struct pc_event *e = data;

	if (size < sizeof(*e))
		return 0;
	if (n_ev < MAX_EV)
		ev[n_ev] = *e;
	n_ev++;
	ev_sum += e->count;
	return 0;
}

static void sink_reset(void)
{
	n_ev = 0;
	ev_sum = 0;
}

/*
 * Open and load with a ring buffer of ring_bytes and a rate limit table
 * of rl_entries (0: defaults); interval_ns UINT64_MAX keeps the default.
 */
static int bed_load(struct bed *b, uint32_t ring_bytes, uint32_t rl_entries, uint64_t interval_ns)
{
	int err;

	memset(b, 0, sizeof(*b));
	b->skel = portcullis_bpf__open();
	if (!b->skel)
		return -errno;
	if (ring_bytes)
		bpf_map__set_max_entries(b->skel->maps.pc_events_v1, ring_bytes);
	if (rl_entries)
		bpf_map__set_max_entries(b->skel->maps.pc_rl_v1, rl_entries);
	if (interval_ns != UINT64_MAX)
		b->skel->rodata->pc_rl_interval_ns = interval_ns;
	err = portcullis_bpf__load(b->skel);
	if (!err)
		err = pc_gen_maps_from_object(b->skel->obj, &b->maps);
	if (err) {
		portcullis_bpf__destroy(b->skel);
		b->skel = NULL;
		return err;
	}
	b->stats_fd = bpf_map__fd(b->skel->maps.pc_stats_v1);
	b->ct_fd = bpf_map__fd(b->skel->maps.pc_ct_v2);
	b->rl_fd = bpf_map__fd(b->skel->maps.pc_rl_v1);
	b->evstats_fd = bpf_map__fd(b->skel->maps.pc_evstats_v1);
	b->rb = ring_buffer__new(bpf_map__fd(b->skel->maps.pc_events_v1), on_event, NULL, NULL);
	if (!b->rb) {
		err = -errno;
		portcullis_bpf__destroy(b->skel);
		b->skel = NULL;
		return err;
	}
	return 0;
}

static void bed_free(struct bed *b)
{
	ring_buffer__free(b->rb);
	portcullis_bpf__destroy(b->skel);
	memset(b, 0, sizeof(*b));
}

static int rl_entries(const struct bed *b)
{
	struct pc_rl_key k, prev;
	int n = 0;

	while (bpf_map_get_next_key(b->rl_fd, n ? &prev : NULL, &k) == 0) {
		prev = k;
		n++;
	}
	return n;
}

/* Delete every entry of a map whose keys are at most 64 bytes. */
static void map_clear(int fd, size_t key_size)
{
	uint8_t keys[256][64], k[64];
	int n, i;

	assert_true(key_size <= sizeof(k));
	do {
		n = 0;
		while (n < 256 && bpf_map_get_next_key(fd, n ? keys[n - 1] : NULL, k) == 0)
			memcpy(keys[n++], k, key_size);
		for (i = 0; i < n; i++)
			bpf_map_delete_elem(fd, keys[i]);
	} while (n);
}

/* No rate limit state (timers cancelled with their entries), no conntrack, zero counters. */
static void bed_reset(struct bed *b)
{
	size_t ncpu = (size_t)libbpf_num_possible_cpus();
	void *zeros = calloc(ncpu, sizeof(struct pc_stats) > sizeof(struct pc_evstats)
				   ? sizeof(struct pc_stats) : sizeof(struct pc_evstats));
	uint32_t s, zero = 0;

	assert_non_null(zeros);
	map_clear(b->rl_fd, sizeof(struct pc_rl_key));
	map_clear(b->ct_fd, sizeof(struct pc_ct_key));
	map_clear(bpf_map__fd(b->skel->maps.pc_ctnew_v2), sizeof(struct pc_ct_key));
	for (s = 0; s < 8; s++)
		bpf_map_update_elem(b->stats_fd, &s, zeros, BPF_ANY);
	/* pc_reason_stats is smaller than pc_stats */
	for (s = 0; s < 8 * PC_REASON_SLOTS; s++)
		bpf_map_update_elem(bpf_map__fd(b->skel->maps.pc_reasons_v1), &s, zeros, BPF_ANY);
	bpf_map_update_elem(b->evstats_fd, &zero, zeros, BPF_ANY);
	free(zeros);
	ring_buffer__consume(b->rb);
	sink_reset();
}

/* --- environment --------------------------------------------------------------- */

static struct {
	int ok;
	const char *why;
	struct bed main;
	struct cg_bed cg;		/* the test cgroup (cgroup_bed.h) */
} env;

static void need_env(void)
{
	static int said;

	if (!env.ok) {
		if (!said++)
			print_message("skipping every test: %s\n", env.why);
		skip();
	}
}

static void need_cgroup(void)
{
	need_env();
	if (!env.cg.ok) {
		print_message("skipped: no cgroup2 hierarchy to run cgroup programs in\n");
		skip();
	}
}

static int group_setup(void **state)
{
	int err;

	if (geteuid() != 0) {
		env.why = "needs root (BPF_PROG_TEST_RUN, map creation, cgroups)";
		return 0;
	}
	if (unshare(CLONE_NEWNET)) {
		env.why = "cannot create a private network namespace";
		return 0;
	}
	err = bed_load(&env.main, 0, 0, UINT64_MAX);
	if (err) {
		fprintf(stderr, "portcullis_bpf__load: %s\n", strerror(-err));
		env.why = "the verifier refused a program (see above)";
		return -1;
	}
	cg_bed_setup(&env.cg, env.main.skel, "portcullis-events");
	env.ok = 1;
	return 0;
}

static int group_teardown(void **state)
{
	if (!env.main.skel)
		return 0;
	cg_bed_teardown(&env.cg);
	bed_free(&env.main);
	return 0;
}

static int reset(void **state)
{
	if (env.ok)
		bed_reset(&env.main);
	return 0;
}

/* --- policies ------------------------------------------------------------------- */

#define MAX_RULES	8

struct policy {
	struct pc_rule_key rk[MAX_RULES];
	struct pc_rule_val rv[MAX_RULES];
	size_t nr;
	struct pc_peer_key pk[MAX_RULES];
	struct pc_peer_val pv[MAX_RULES];
	size_t np;
	struct pc_scope_info si[2];
	struct pc_scope_key sk[2];
	uint32_t modes[2];
	size_t ns;
};

static struct policy pol;

/* One scope (id 0) of kind/id in mode, no rules yet. */
static void pol_scope(uint32_t kind, uint64_t id, uint32_t mode)
{
	memset(&pol, 0, sizeof(pol));
	pol.sk[0] = (struct pc_scope_key){ .id = id, .kind = kind };
	pol.si[0].kind = (int)kind;
	pol.si[0].mode = mode;
	pol.si[0].name = kind == PC_SCOPE_IFACE ? "interface:test" : "cgroup:test";
	pol.modes[0] = mode;
	pol.ns = 1;
}

/* A rule on scope 0; with cidr, only from/to that prefix (peer set 1). */
static void pol_rule(uint8_t dir, uint8_t proto, uint16_t port, const char *cidr)
{
	size_t i = pol.nr++;

	assert_true(i < MAX_RULES);
	pol.rk[i] = (struct pc_rule_key){ .dir = dir, .proto = proto, .port = port };
	pol.rv[i] = (struct pc_rule_val){ .peer_set = cidr ? 1 : 0, .rule_id = (uint32_t)i };
	if (cidr) {
		char buf[64];
		char *slash;
		size_t j = pol.np++;
		int fam, len;

		snprintf(buf, sizeof(buf), "%s", cidr);
		slash = strchr(buf, '/');
		assert_non_null(slash);
		*slash = 0;
		len = atoi(slash + 1);
		fam = addr16(buf, pol.pk[j].addr);
		pol.pk[j].prefixlen = 32 + (fam == 4 ? 96 + len : len);
		pol.pk[j].set = htonl(1);
		pol.pv[j].rule_id = (uint32_t)i;
	}
}

static void pol_install_on(struct bed *b)
{
	struct pc_tables t = {
		.rule_keys = pol.rk, .rule_vals = pol.rv, .n_rules = pol.nr,
		.peer_keys = pol.pk, .peer_vals = pol.pv, .n_peers = pol.np,
		.scopes = pol.si, .n_scopes = pol.ns,
	};

	assert_int_equal(pc_gen_install(&b->maps, &t, pol.sk, pol.modes), 0);
}

/* Interface lo as scope 0 in mode, no rules, on the main bed. */
static void lo_scope(uint32_t mode)
{
	pol_scope(PC_SCOPE_IFACE, LO_IFINDEX, mode);
	pol_install_on(&env.main);
}

/* --- running --------------------------------------------------------------------- */

static int run_n(struct bpf_program *prog, const struct pkt *p, uint32_t repeat)
{
	struct __sk_buff ctx = { .ifindex = LO_IFINDEX };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = p->d, .data_size_in = (uint32_t)p->len,
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = repeat);

	assert_int_equal(bpf_prog_test_run_opts(bpf_program__fd(prog), &o), 0);
	return (int)o.retval;
}

static int tc_in_on(struct bed *b, const struct pkt *p)
{
	return run_n(b->skel->progs.tc_ingress, p, 1);
}

static int tc_in(const struct pkt *p)
{
	return tc_in_on(&env.main, p);
}

static int tc_out(const struct pkt *p)
{
	return run_n(env.main.skel->progs.tc_egress, p, 1);
}

static int cg_in(const struct pkt *p)
{
	return run_n(env.main.skel->progs.cg_ingress, p, 1);
}

static int cg_out(const struct pkt *p)
{
	return run_n(env.main.skel->progs.cg_egress, p, 1);
}

static int try_connect(int family, int type, const char *addr, uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, err = 0;

	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET) {
		struct sockaddr_in *s = (struct sockaddr_in *)&ss;

		s->sin_family = AF_INET;
		s->sin_port = htons(port);
		assert_int_equal(inet_pton(AF_INET, addr, &s->sin_addr), 1);
		len = sizeof(*s);
	} else {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)&ss;

		s->sin6_family = AF_INET6;
		s->sin6_port = htons(port);
		assert_int_equal(inet_pton(AF_INET6, addr, &s->sin6_addr), 1);
		len = sizeof(*s);
	}
	fd = socket(family, type | SOCK_NONBLOCK, 0);
	assert_true(fd >= 0);
	if (connect(fd, (struct sockaddr *)&ss, len))
		err = errno;
	close(fd);
	return err;
}

/* sendto() from a UDP socket of 'family' bound to bind_port (0: unbound); 0 or errno. */
static int try_sendto(int family, uint16_t bind_port, const char *addr, uint16_t port)
{
	struct sockaddr_storage ss, bs;
	socklen_t len;
	int fd, err = 0;

	memset(&ss, 0, sizeof(ss));
	memset(&bs, 0, sizeof(bs));
	if (family == AF_INET) {
		struct sockaddr_in *s = (struct sockaddr_in *)&ss, *b = (struct sockaddr_in *)&bs;

		s->sin_family = b->sin_family = AF_INET;
		s->sin_port = htons(port);
		b->sin_port = htons(bind_port);
		assert_int_equal(inet_pton(AF_INET, addr, &s->sin_addr), 1);
		len = sizeof(*s);
	} else {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)&ss, *b = (struct sockaddr_in6 *)&bs;

		s->sin6_family = b->sin6_family = AF_INET6;
		s->sin6_port = htons(port);
		b->sin6_port = htons(bind_port);
		assert_int_equal(inet_pton(AF_INET6, addr, &s->sin6_addr), 1);
		len = sizeof(*s);
	}
	fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	assert_true(fd >= 0);
	if (bind_port)
		assert_int_equal(bind(fd, (struct sockaddr *)&bs, len), 0);
	if (sendto(fd, "x", 1, 0, (struct sockaddr *)&ss, len) < 0)
		err = errno;
	close(fd);
	return err;
}

/* --- reading back ------------------------------------------------------------------ */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t boot_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static struct pc_evstats evstats(const struct bed *b)
{
	struct pc_evstats s;

	assert_int_equal(pc_gen_read_evstats(b->evstats_fd, &s), 0);
	return s;
}

/* denied + audited over the scopes a test uses (ids 0 and 1). */
static uint64_t judged_bad(const struct bed *b)
{
	struct pc_stats s;
	uint64_t n = 0;
	uint32_t i;

	for (i = 0; i < 2; i++) {
		assert_int_equal(pc_gen_read_stats(b->stats_fd, i, &s), 0);
		n += s.denied + s.audited;
	}
	return n;
}

static int consume(struct bed *b)
{
	ring_buffer__consume(b->rb);
	return n_ev;
}

/* Both equations of the invariant, on what has been consumed so far. */
static int invariant_holds(struct bed *b)
{
	struct pc_evstats es;

	consume(b);
	es = evstats(b);
	return ev_sum + es.lost == judged_bad(b) && es.delivered + es.suppressed == ev_sum &&
	       es.delivered == (uint64_t)n_ev;
}

/*
 * Consume until the invariant holds (every held packet flushed) or
 * FLUSH_BOUND_S + MARGIN_S have passed since 'quiet' (now_s() of the last
 * packet). Asserts it holds, within docs/events.md's five seconds; returns the
 * seconds it took.
 */
static double wait_flushed(struct bed *b, double quiet)
{
	double t;

	for (;;) {
		t = now_s() - quiet;
		if (invariant_holds(b))
			break;
		if (t > FLUSH_BOUND_S + MARGIN_S) {
			struct pc_evstats es = evstats(b);

			print_message("after %.1f s: consumed %d events, sum(count) %llu, "
				      "denied+audited %llu, delivered %llu, suppressed %llu, "
				      "lost %llu\n", t, n_ev, (unsigned long long)ev_sum,
				      (unsigned long long)judged_bad(b),
				      (unsigned long long)es.delivered,
				      (unsigned long long)es.suppressed, (unsigned long long)es.lost);
			fail_msg("the invariant does not hold after %.1f s of quiet", t);
		}
		ring_buffer__poll(b->rb, 50);
	}
	assert_true(t <= FLUSH_BOUND_S);
	return t;
}

/* Wait until the rate limit table is empty (every flow quiet long enough). */
static void wait_rl_empty(struct bed *b, double max_s)
{
	double t0 = now_s();

	while (rl_entries(b) > 0) {
		if (now_s() - t0 > max_s)
			fail_msg("pc_rl_v1 still has %d entries after %.1f s", rl_entries(b), max_s);
		ring_buffer__poll(b->rb, 50);
	}
}

/*
 * Return just after a sweep of the main bed, with everything reset, so the
 * test has most of PC_RL_TICK_NS before the next one: a single denied
 * packet makes an entry, which the first sweep after PC_RL_INTERVAL_NS
 * deletes. (Leaves lo as scope 0, enforcing.)
 */
static void after_sweep(void)
{
	double t0;

	lo_scope(PC_MODE_ENFORCE);
	assert_int_equal(tc_in(tcp4("192.0.2.250", 1, HOST, 9, SYN)), TC_DROP);
	t0 = now_s();
	while (rl_entries(&env.main) > 0) {
		if (now_s() - t0 > 3.0)
			fail_msg("no sweep in 3 s");
		usleep(2000);
	}
	bed_reset(&env.main);
}

static void assert_addr(const uint8_t a[16], const char *s)
{
	uint8_t want[16];

	addr16(s, want);
	assert_memory_equal(a, want, 16);
}

static void assert_no_task(const struct pc_event *e)
{
	static const char zero[16];

	assert_int_equal(e->flags, 0);
	assert_int_equal(e->pid, 0);
	assert_int_equal(e->uid, 0);
	assert_memory_equal(e->comm, zero, sizeof(zero));
}

static void assert_task(const struct pc_event *e)
{
	char comm[16] = { 0 };
	FILE *f = fopen("/proc/self/comm", "r");

	assert_non_null(f);
	assert_non_null(fgets(comm, sizeof(comm), f));
	fclose(f);
	comm[strcspn(comm, "\n")] = 0;
	assert_int_equal(e->flags, PC_EV_F_TASK);
	assert_int_equal(e->pid, (uint32_t)getpid());
	assert_int_equal(e->uid, (uint32_t)getuid());
	assert_string_equal(e->comm, comm);
	assert_int_equal(e->cgroup_id, env.cg.leaf_id);
	assert_int_equal(e->ifindex, 0);
}

/* --- fields, hook by hook ------------------------------------------------------------ */

static void test_fields_tc_in_ipv4_deny(void **state)
{
	const struct pc_event *e = &ev[0];
	uint64_t t0, t1;

	need_env();
	lo_scope(PC_MODE_ENFORCE);
	t0 = boot_ns();
	assert_int_equal(tc_in(tcp4(CLIENT, 40000, HOST, 81, SYN)), TC_DROP);
	t1 = boot_ns();
	assert_int_equal(consume(&env.main), 1);
	assert_true(e->ts_ns >= t0 && e->ts_ns <= t1);
	assert_int_equal(e->scope, 0);
	assert_int_equal(e->count, 1);
	assert_addr(e->saddr, CLIENT);
	assert_addr(e->daddr, HOST);
	assert_int_equal(e->sport, 40000);
	assert_int_equal(e->dport, 81);
	assert_int_equal(e->proto, IPPROTO_TCP);
	assert_int_equal(e->dir, PC_DIR_IN);
	assert_int_equal(e->verdict, PC_VERDICT_DENY);
	assert_int_equal(e->reason, PC_REASON_NO_RULE);
	assert_int_equal(e->hook, PC_HOOK_TC_IN);
	assert_int_equal(e->family, 4);
	assert_int_equal(e->ifindex, LO_IFINDEX);
	assert_int_equal(e->cgroup_id, 0);
	assert_no_task(e);
	assert_true(invariant_holds(&env.main));
	assert_int_equal(rl_entries(&env.main), 1);
}

static void test_fields_tc_out_ipv6_audit(void **state)
{
	const struct pc_event *e = &ev[0];

	need_env();
	pol_scope(PC_SCOPE_IFACE, LO_IFINDEX, PC_MODE_AUDIT);
	pol_rule(PC_DIR_OUT, IPPROTO_UDP, 53, "2001:db8:53::/48");
	pol_install_on(&env.main);

	assert_int_equal(tc_out(udp6(HOST6, 5353, "2001:db8:99::1", 53)), TC_PASS);
	assert_int_equal(consume(&env.main), 1);
	assert_int_equal(e->count, 1);
	assert_addr(e->saddr, HOST6);
	assert_addr(e->daddr, "2001:db8:99::1");
	assert_int_equal(e->sport, 5353);
	assert_int_equal(e->dport, 53);
	assert_int_equal(e->proto, IPPROTO_UDP);
	assert_int_equal(e->dir, PC_DIR_OUT);
	assert_int_equal(e->verdict, PC_VERDICT_AUDIT);
	assert_int_equal(e->reason, PC_REASON_PEER);
	assert_int_equal(e->hook, PC_HOOK_TC_OUT);
	assert_int_equal(e->family, 6);
	assert_int_equal(e->ifindex, LO_IFINDEX);
	assert_int_equal(e->cgroup_id, 0);
	assert_no_task(e);
	assert_true(invariant_holds(&env.main));
}

static void test_fields_icmp_and_malformed(void **state)
{
	struct pc_stats st;

	need_env();
	lo_scope(PC_MODE_ENFORCE);
	assert_int_equal(tc_in(icmp4(CLIENT, HOST, 8, 77)), TC_DROP);
	assert_int_equal(tc_in(icmp6(CLIENT6, HOST6, 128, 77)), TC_DROP);
	/* a TCP header cut to 10 bytes */
	tcp4(CLIENT, 40000, HOST, 22, SYN);
	pk.len -= 10;
	pk_finish(&pk);
	assert_int_equal(tc_in(&pk), TC_DROP);

	assert_int_equal(consume(&env.main), 3);
	assert_int_equal(ev[0].proto, IPPROTO_ICMP);
	assert_int_equal(ev[0].sport, 0);
	assert_int_equal(ev[0].dport, 8);
	assert_int_equal(ev[0].family, 4);
	assert_int_equal(ev[1].proto, IPPROTO_ICMPV6);
	assert_int_equal(ev[1].sport, 0);
	assert_int_equal(ev[1].dport, 128);
	assert_int_equal(ev[1].family, 6);
	assert_addr(ev[1].saddr, CLIENT6);
	assert_int_equal(ev[2].reason, PC_REASON_MALFORMED);
	assert_int_equal(ev[2].verdict, PC_VERDICT_DENY);
	assert_int_equal(ev[2].family, 4);
	assert_int_equal(ev[2].count, 1);
	assert_addr(ev[2].saddr, CLIENT);
	assert_int_equal(pc_gen_read_stats(env.main.stats_fd, 0, &st), 0);
	assert_int_equal(st.denied, 3);
	assert_int_equal(st.malformed, 1);
	assert_true(invariant_holds(&env.main));
}

static void test_fields_cgroup_skb(void **state)
{
	need_cgroup();
	pol_scope(PC_SCOPE_CGROUP, env.cg.parent_id, PC_MODE_ENFORCE);
	pol_install_on(&env.main);

	assert_int_equal(cg_in(tcp4(CLIENT, 40000, HOST, 81, SYN)), CG_DROP);
	pc_gen_set_mode(&env.main.maps, 0, PC_MODE_AUDIT);
	assert_int_equal(cg_out(tcp6(HOST6, 40001, CLIENT6, 8443, SYN)), CG_PASS);

	assert_int_equal(consume(&env.main), 2);
	assert_int_equal(ev[0].hook, PC_HOOK_CG_IN);
	assert_int_equal(ev[0].dir, PC_DIR_IN);
	assert_int_equal(ev[0].verdict, PC_VERDICT_DENY);
	assert_int_equal(ev[0].reason, PC_REASON_NO_RULE);
	assert_int_equal(ev[0].family, 4);
	assert_int_equal(ev[0].proto, IPPROTO_TCP);
	assert_addr(ev[0].saddr, CLIENT);
	assert_addr(ev[0].daddr, HOST);
	assert_int_equal(ev[0].sport, 40000);
	assert_int_equal(ev[0].dport, 81);
	assert_int_equal(ev[0].scope, 0);
	assert_int_equal(ev[0].count, 1);
	/* the socket's cgroup (the leaf), though the scope is its parent */
	assert_int_equal(ev[0].cgroup_id, env.cg.leaf_id);
	assert_int_equal(ev[0].ifindex, 0);
	assert_no_task(&ev[0]);

	assert_int_equal(ev[1].hook, PC_HOOK_CG_OUT);
	assert_int_equal(ev[1].dir, PC_DIR_OUT);
	assert_int_equal(ev[1].verdict, PC_VERDICT_AUDIT);
	assert_int_equal(ev[1].family, 6);
	assert_addr(ev[1].saddr, HOST6);
	assert_addr(ev[1].daddr, CLIENT6);
	assert_int_equal(ev[1].sport, 40001);
	assert_int_equal(ev[1].dport, 8443);
	assert_int_equal(ev[1].cgroup_id, env.cg.leaf_id);
	assert_int_equal(ev[1].ifindex, 0);
	assert_no_task(&ev[1]);
	assert_true(invariant_holds(&env.main));
}

static void test_fields_connect_and_sendmsg(void **state)
{
	int i;

	need_cgroup();
	pol_scope(PC_SCOPE_CGROUP, env.cg.parent_id, PC_MODE_ENFORCE);
	pol_install_on(&env.main);

	assert_int_equal(try_connect(AF_INET, SOCK_STREAM, "10.1.3.3", 443), EPERM);
	assert_int_equal(try_connect(AF_INET6, SOCK_STREAM, "2001:db8:2::9", 8443), EPERM);
	assert_int_equal(try_sendto(AF_INET, 5353, "9.9.9.9", 54), EPERM);
	assert_int_equal(try_sendto(AF_INET6, 0, "2001:db8::53", 55), EPERM);

	assert_int_equal(consume(&env.main), 4);
	for (i = 0; i < 4; i++) {
		assert_int_equal(ev[i].verdict, PC_VERDICT_DENY);
		assert_int_equal(ev[i].reason, PC_REASON_NO_RULE);
		assert_int_equal(ev[i].dir, PC_DIR_OUT);
		assert_int_equal(ev[i].scope, 0);
		assert_int_equal(ev[i].count, 1);
		assert_true(ev[i].ts_ns > 0);
		assert_task(&ev[i]);
	}
	assert_int_equal(ev[0].hook, PC_HOOK_CONNECT4);
	assert_int_equal(ev[0].family, 4);
	assert_int_equal(ev[0].proto, IPPROTO_TCP);
	assert_addr(ev[0].daddr, "10.1.3.3");
	assert_int_equal(ev[0].dport, 443);

	assert_int_equal(ev[1].hook, PC_HOOK_CONNECT6);
	assert_int_equal(ev[1].family, 6);
	assert_addr(ev[1].daddr, "2001:db8:2::9");
	assert_int_equal(ev[1].dport, 8443);

	assert_int_equal(ev[2].hook, PC_HOOK_SENDMSG4);
	assert_int_equal(ev[2].family, 4);
	assert_int_equal(ev[2].proto, IPPROTO_UDP);
	assert_addr(ev[2].daddr, "9.9.9.9");
	assert_int_equal(ev[2].sport, 5353);	/* bound */
	assert_int_equal(ev[2].dport, 54);

	assert_int_equal(ev[3].hook, PC_HOOK_SENDMSG6);
	assert_int_equal(ev[3].family, 6);
	assert_int_equal(ev[3].proto, IPPROTO_UDP);
	assert_addr(ev[3].daddr, "2001:db8::53");
	assert_int_equal(ev[3].dport, 55);
	assert_true(invariant_holds(&env.main));
}

/* --- the rate limit ---------------------------------------------------------------- */

/* Burst of 5, the rest of one flow folded, flushed by the timer, then the entry goes. */
static void test_burst_fold_flush(void **state)
{
	struct pc_evstats es;
	double quiet, took;
	int i;

	need_env();
	after_sweep();
	lo_scope(PC_MODE_ENFORCE);
	/* one flow: the source port is not part of it */
	for (i = 0; i < 8; i++)
		assert_int_equal(tc_in(tcp4(CLIENT, (uint16_t)(50000 + i), HOST, 81, SYN)), TC_DROP);
	quiet = now_s();
	assert_int_equal(consume(&env.main), PC_RL_BURST);
	for (i = 0; i < PC_RL_BURST; i++) {
		assert_int_equal(ev[i].count, 1);
		assert_int_equal(ev[i].sport, 50000 + i);
	}
	assert_false(invariant_holds(&env.main));	/* 3 held */

	took = wait_flushed(&env.main, quiet);
	print_message("held packets flushed after %.2f s\n", took);
	assert_int_equal(n_ev, PC_RL_BURST + 1);
	/* the flush: the first packet held describes it, count folds all three */
	assert_int_equal(ev[5].count, 3);
	assert_int_equal(ev[5].sport, 50005);
	assert_int_equal(ev[5].dport, 81);
	assert_addr(ev[5].saddr, CLIENT);
	assert_addr(ev[5].daddr, HOST);
	assert_int_equal(ev[5].hook, PC_HOOK_TC_IN);
	assert_int_equal(ev[5].verdict, PC_VERDICT_DENY);
	assert_int_equal(ev[5].reason, PC_REASON_NO_RULE);
	assert_int_equal(ev[5].family, 4);
	assert_int_equal(ev[5].ifindex, LO_IFINDEX);
	assert_true(ev[5].ts_ns > ev[4].ts_ns);
	es = evstats(&env.main);
	assert_int_equal(es.delivered, 6);
	assert_int_equal(es.suppressed, 2);
	assert_int_equal(es.flushed, 1);
	assert_int_equal(es.lost, 0);
	assert_int_equal(es.unlimited, 0);

	/* quiet: the entry deletes itself; the flow starts with a full bucket again */
	wait_rl_empty(&env.main, 4.0);
	for (i = 0; i < PC_RL_BURST; i++)
		assert_int_equal(tc_in(tcp4(CLIENT, 41000, HOST, 81, SYN)), TC_DROP);
	assert_int_equal(consume(&env.main), 2 * PC_RL_BURST + 1);
	assert_true(invariant_holds(&env.main));
}

/* A token that comes back carries what was held, in the next packet's event. */
static void test_refill_carries_held(void **state)
{
	int i;

	need_env();
	after_sweep();
	lo_scope(PC_MODE_ENFORCE);
	for (i = 0; i < PC_RL_BURST + 2; i++)
		assert_int_equal(tc_in(tcp4(CLIENT, (uint16_t)(50000 + i), HOST, 81, SYN)), TC_DROP);
	/* one token per 200 ms; the next sweep is most of a second away */
	usleep((useconds_t)(PC_RL_INTERVAL_NS / 1000) + 50000);
	assert_int_equal(tc_in(tcp4(CLIENT, 50100, HOST, 81, SYN)), TC_DROP);
	assert_int_equal(consume(&env.main), PC_RL_BURST + 1);
	assert_int_equal(ev[PC_RL_BURST].count, 3);
	assert_int_equal(ev[PC_RL_BURST].sport, 50100);
	assert_int_equal(evstats(&env.main).flushed, 0);
	assert_true(invariant_holds(&env.main));
}

/*
 * 10,000 packets of one flow beside 20 of another, spread over two
 * seconds: the trickle's packets all get reported in its own events, the
 * flood's in a few events whose counts fold the rest.
 */
static void test_flood_beside_trickle(void **state)
{
	struct pkt flood;
	uint64_t flood_sum = 0, trickle_sum = 0;
	int i, flood_ev = 0, trickle_ev = 0, most;
	double start, quiet;

	need_env();
	lo_scope(PC_MODE_ENFORCE);
	flood = *tcp4(CLIENT, 40000, HOST, 23, SYN);
	start = now_s();
	for (i = 0; i < 20; i++) {
		assert_int_equal(run_n(env.main.skel->progs.tc_ingress, &flood, 500), TC_DROP);
		assert_int_equal(tc_in(tcp4(OTHER, (uint16_t)(30000 + i), HOST, 22, SYN)), TC_DROP);
		consume(&env.main);
		usleep(100000);
	}
	quiet = now_s();
	wait_flushed(&env.main, quiet);

	assert_true(n_ev <= MAX_EV);
	for (i = 0; i < n_ev; i++) {
		uint8_t other[16];

		addr16(OTHER, other);
		if (!memcmp(ev[i].saddr, other, 16)) {
			assert_int_equal(ev[i].dport, 22);
			trickle_ev++;
			trickle_sum += ev[i].count;
		} else {
			assert_int_equal(ev[i].dport, 23);
			flood_ev++;
			flood_sum += ev[i].count;
		}
	}
	print_message("flood: %d events for 10000 packets; trickle: %d events for 20\n",
		      flood_ev, trickle_ev);
	assert_int_equal(flood_sum, 10000);
	assert_int_equal(trickle_sum, 20);
	/* 5 at once, then one per 200 ms over the ~2 s it took, plus a flush a second */
	most = PC_RL_BURST + (int)((quiet - start) * (1e9 / PC_RL_INTERVAL_NS + 1e9 / PC_RL_TICK_NS)) + 2;
	assert_true(flood_ev >= PC_RL_BURST && flood_ev <= most);
	/* the trickle (10 per second) loses nothing to the flood: 5 + 2 s at 5/s */
	assert_true(trickle_ev >= 12);
	assert_int_equal(evstats(&env.main).lost, 0);
}

/* The replies and later packets of an audited flow are counted into flush events. */
static void test_audited_replies_accounted(void **state)
{
	struct pc_stats st;
	int i, first = -1, replies = -1, later = -1;

	need_env();
	after_sweep();
	lo_scope(PC_MODE_AUDIT);
	assert_int_equal(tc_in(tcp4(CLIENT, 40000, HOST, 81, SYN)), TC_PASS);
	for (i = 0; i < 10; i++) {
		assert_int_equal(tc_out(tcp4(HOST, 81, CLIENT, 40000, SYN | ACK)), TC_PASS);
		assert_int_equal(tc_in(tcp4(CLIENT, 40000, HOST, 81, ACK)), TC_PASS);
	}
	assert_int_equal(pc_gen_read_stats(env.main.stats_fd, 0, &st), 0);
	assert_int_equal(st.audited, 21);
	/* reported once at once, as before */
	assert_int_equal(consume(&env.main), 1);
	wait_flushed(&env.main, now_s());
	assert_int_equal(n_ev, 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(ev[i].verdict, PC_VERDICT_AUDIT);
		if (ev[i].count == 1)
			first = i;
		else if (ev[i].hook == PC_HOOK_TC_OUT)
			replies = i;
		else
			later = i;
	}
	assert_int_equal(first, 0);
	assert_true(replies > 0 && later > 0);
	assert_int_equal(ev[replies].count, 10);
	assert_int_equal(ev[replies].dir, PC_DIR_OUT);
	assert_int_equal(ev[replies].sport, 81);
	assert_int_equal(ev[replies].dport, 40000);
	assert_addr(ev[replies].saddr, HOST);
	assert_int_equal(ev[later].count, 10);
	assert_int_equal(ev[later].dir, PC_DIR_IN);
	assert_int_equal(ev[later].dport, 81);
	assert_int_equal(evstats(&env.main).suppressed, 18);
}

/*
 * The flush timer fires from entries made by every program type: cgroup_skb
 * and the sock_addr hooks, whose flush events keep the task details.
 */
static void test_flush_at_every_hook(void **state)
{
	int i, k, seen[9] = { 0 };

	need_cgroup();
	after_sweep();
	pol_scope(PC_SCOPE_CGROUP, env.cg.parent_id, PC_MODE_ENFORCE);
	pol_install_on(&env.main);
	for (i = 0; i < PC_RL_BURST + 2; i++) {
		assert_int_equal(cg_in(tcp4(CLIENT, (uint16_t)(40000 + i), HOST, 81, SYN)), CG_DROP);
		assert_int_equal(cg_out(tcp6(HOST6, (uint16_t)(40000 + i), CLIENT6, 82, SYN)),
				 CG_DROP);
		assert_int_equal(try_connect(AF_INET, SOCK_STREAM, "10.1.3.3", 443), EPERM);
		assert_int_equal(try_connect(AF_INET6, SOCK_STREAM, "2001:db8:2::9", 443), EPERM);
		assert_int_equal(try_sendto(AF_INET, 0, "9.9.9.9", 54), EPERM);
		assert_int_equal(try_sendto(AF_INET6, 0, "2001:db8::53", 55), EPERM);
	}
	wait_flushed(&env.main, now_s());
	assert_int_equal(n_ev, 6 * (PC_RL_BURST + 1));
	for (k = PC_RL_BURST * 6; k < n_ev; k++) {
		const struct pc_event *e = &ev[k];

		assert_int_equal(e->count, 2);
		assert_true(e->hook >= PC_HOOK_CG_IN && e->hook <= PC_HOOK_SENDMSG6);
		seen[e->hook]++;
		if (e->hook == PC_HOOK_CG_IN || e->hook == PC_HOOK_CG_OUT) {
			assert_int_equal(e->cgroup_id, env.cg.leaf_id);
			assert_int_equal(e->sport, 40000 + PC_RL_BURST);
			assert_no_task(e);
		} else {
			assert_task(e);
		}
	}
	for (k = PC_HOOK_CG_IN; k <= PC_HOOK_SENDMSG6; k++)
		assert_int_equal(seen[k], 1);
	assert_int_equal(evstats(&env.main).flushed, 6);
}

/*
 * The sweep timer armed by a cgroup_skb and by a sock_addr program: a bed
 * whose first report comes from that program type still flushes.
 */
static void flush_armed_by(int connect)
{
	struct bed b;
	struct bpf_link *link = NULL;
	double quiet;
	int i, fd;

	assert_int_equal(bed_load(&b, 0, 0, UINT64_MAX), 0);
	sink_reset();
	pol_scope(PC_SCOPE_CGROUP, env.cg.parent_id, PC_MODE_ENFORCE);
	pol_install_on(&b);
	if (connect) {
		fd = open(env.cg.parent, O_RDONLY | O_DIRECTORY);
		assert_true(fd >= 0);
		link = bpf_program__attach_cgroup(b.skel->progs.cg_connect4, fd);
		close(fd);
		assert_non_null(link);
	}
	for (i = 0; i < PC_RL_BURST + 2; i++) {
		if (connect)
			assert_int_equal(try_connect(AF_INET, SOCK_STREAM, "10.1.3.4", 443), EPERM);
		else
			assert_int_equal(run_n(b.skel->progs.cg_ingress,
					       tcp4(CLIENT, (uint16_t)(40000 + i), HOST, 81, SYN), 1),
					 CG_DROP);
	}
	quiet = now_s();
	bpf_link__destroy(link);
	wait_flushed(&b, quiet);
	assert_int_equal(n_ev, PC_RL_BURST + 1);
	assert_int_equal(ev[PC_RL_BURST].count, 2);
	assert_int_equal(ev[PC_RL_BURST].hook, connect ? PC_HOOK_CONNECT4 : PC_HOOK_CG_IN);
	assert_int_equal(evstats(&b).flushed, 1);
	bed_free(&b);
}

static void test_sweep_armed_by_cgroup_skb(void **state)
{
	need_cgroup();
	flush_armed_by(0);
}

static void test_sweep_armed_by_sock_addr(void **state)
{
	need_cgroup();
	flush_armed_by(1);
	/* the main bed's connect4 saw these calls too: drop its state */
	bed_reset(&env.main);
}

/* --- loss -------------------------------------------------------------------------- */

/*
 * A one-page ring buffer filled without consuming: events are lost, a lost
 * event's whole count with it (here a flush of 995 packets), and the
 * invariant holds exactly.
 */
static void test_tiny_ring_loss(void **state)
{
	struct bed b;
	struct pc_evstats es;
	struct pkt flood;
	double quiet;
	int i;

	need_env();
	assert_int_equal(bed_load(&b, (uint32_t)getpagesize(), 0, UINT64_MAX), 0);
	sink_reset();
	pol_scope(PC_SCOPE_IFACE, LO_IFINDEX, PC_MODE_ENFORCE);
	pol_install_on(&b);

	/* 200 flows, one packet each: more than the 39 events a page holds */
	for (i = 0; i < 200; i++)
		assert_int_equal(tc_in_on(&b, tcp4(CLIENT, 40000, HOST, (uint16_t)(1000 + i), SYN)),
				 TC_DROP);
	flood = *tcp4(OTHER, 40000, HOST, 23, SYN);
	assert_int_equal(run_n(b.skel->progs.tc_ingress, &flood, 1000), TC_DROP);
	quiet = now_s();
	es = evstats(&b);
	assert_int_equal(es.delivered, getpagesize() / (sizeof(struct pc_event) + 8));
	assert_int_equal(es.lost_events, 200 + PC_RL_BURST - es.delivered);
	assert_int_equal(es.lost, es.lost_events);

	/* the flood's flush comes while the ring is still full: lost, all 995 */
	while (evstats(&b).lost < es.lost + 1000 - PC_RL_BURST) {
		assert_true(now_s() - quiet < FLUSH_BOUND_S);
		usleep(20000);
	}
	es = evstats(&b);
	assert_int_equal(es.lost_events, 200 + PC_RL_BURST - es.delivered + 1);
	assert_int_equal(es.flushed, 0);

	wait_flushed(&b, quiet);
	assert_int_equal(n_ev, es.delivered);
	assert_int_equal(ev_sum + es.lost, 1200);
	bed_free(&b);
}

/* With the table full, new flows are reported without a limit, and counted. */
static void test_table_full_unlimited(void **state)
{
	struct bed b;
	struct pc_evstats es;
	int i;

	need_env();
	assert_int_equal(bed_load(&b, 0, 4, UINT64_MAX), 0);
	sink_reset();
	pol_scope(PC_SCOPE_IFACE, LO_IFINDEX, PC_MODE_ENFORCE);
	pol_install_on(&b);

	for (i = 0; i < 10; i++)
		assert_int_equal(tc_in_on(&b, tcp4(CLIENT, 40000, HOST, (uint16_t)(1000 + i), SYN)),
				 TC_DROP);
	assert_int_equal(rl_entries(&b), 4);
	for (i = 0; i < 20; i++)
		assert_int_equal(tc_in_on(&b, tcp4(OTHER, (uint16_t)(40000 + i), HOST, 23, SYN)),
				 TC_DROP);
	es = evstats(&b);
	assert_int_equal(es.unlimited, 6 + 20);
	assert_int_equal(consume(&b), 30);
	for (i = 0; i < 30; i++)
		assert_int_equal(ev[i].count, 1);
	assert_true(invariant_holds(&b));
	bed_free(&b);
}

/* pc_rl_interval_ns 0 (rodata): no limit, every packet its own event. */
static void test_interval_zero_no_limit(void **state)
{
	struct bed b;
	int i;

	need_env();
	assert_int_equal(bed_load(&b, 0, 0, 0), 0);
	sink_reset();
	pol_scope(PC_SCOPE_IFACE, LO_IFINDEX, PC_MODE_ENFORCE);
	pol_install_on(&b);
	for (i = 0; i < 50; i++)
		assert_int_equal(tc_in_on(&b, tcp4(CLIENT, 40000, HOST, 81, SYN)), TC_DROP);
	assert_int_equal(consume(&b), 50);
	assert_int_equal(evstats(&b).suppressed, 0);
	assert_true(invariant_holds(&b));
	bed_free(&b);
}

/* --- 'portcullis stats' over pinned maps ------------------------------------------ */

/* Zero the conntrack counters of bed B, on every CPU. */
static void ctstats_zero(struct bed *b)
{
	size_t ncpu = (size_t)libbpf_num_possible_cpus();
	void *zeros = calloc(ncpu, sizeof(struct pc_ctstats));
	uint32_t zero = 0;

	assert_non_null(zeros);
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(b->skel->maps.pc_ctstats_v1), &zero,
					     zeros, BPF_ANY), 0);
	free(zeros);
}

/* Run cmd_stats() with argv against pin_dir/run_dir; its output in *out (malloc'd). */
static int run_stats(const char *pin_dir, const char *run_dir, char **argv, int argc, char **out)
{
	size_t len = 0, elen = 0;
	char *err = NULL;
	struct pc_ctx ctx = { .lib = { .pin_dir = pin_dir, .run_dir = run_dir } };
	int rc;

	ctx.out = open_memstream(out, &len);
	ctx.err = open_memstream(&err, &elen);
	assert_non_null(ctx.out);
	assert_non_null(ctx.err);
	rc = cmd_stats(&ctx, argc, argv);
	pc_diag_render_text(&ctx.lib.diag, ctx.err);	/* as main() would */
	pc_diag_free(&ctx.lib.diag);
	fclose(ctx.out);
	fclose(ctx.err);
	if (rc)
		print_message("stats said: %s%s", *out, err);
	free(err);
	return rc;
}

/*
 * The command reads an instance from its pins and state file: the main
 * bed's maps pinned under a bpffs directory, and a state naming its scopes.
 */
static char pin_dir[128], maps_dir[160], run_dir[128];

/* Unpin and remove what test_stats_command made, passed or not. */
static int stats_cleanup(void **state)
{
	char path[256];
	size_t i;

	if (!pin_dir[0])
		return 0;
	for (i = 0; i < pc_map_table.n; i++) {
		snprintf(path, sizeof(path), "%s/%s", maps_dir, pc_map_table.rows[i].name);
		unlink(path);
	}
	rmdir(maps_dir);
	umount2(pin_dir, MNT_DETACH);
	rmdir(pin_dir);
	pc_state_remove(run_dir);
	rmdir(run_dir);
	return 0;
}

static void test_stats_command(void **state)
{
	char path[256], *out = NULL;
	char *json_argv[] = { "stats", "--json" }, *prom_argv[] = { "stats", "--prometheus" };
	char *text_argv[] = { "stats" };
	struct pc_state *st;
	size_t i;

	need_env();
	/* A bpffs of our own, so the test runs whatever the host mounted. */
	snprintf(pin_dir, sizeof(pin_dir), "/tmp/portcullis-events-pin-XXXXXX");
	assert_non_null(mkdtemp(pin_dir));
	assert_int_equal(mount("bpf", pin_dir, "bpf", 0, "mode=0700"), 0);
	snprintf(maps_dir, sizeof(maps_dir), "%s/maps", pin_dir);
	snprintf(run_dir, sizeof(run_dir), "/tmp/portcullis-events-test-%d", (int)getpid());
	assert_int_equal(mkdir(maps_dir, 0700), 0);
	/* Every map, as an instance pins them; the command opens what it needs. */
	for (i = 0; i < pc_map_table.n; i++) {
		const char *name = pc_map_table.rows[i].name;
		struct bpf_map *m = bpf_object__find_map_by_name(env.main.skel->obj, name);

		snprintf(path, sizeof(path), "%s/%s", maps_dir, name);
		assert_non_null(m);
		assert_int_equal(bpf_map__pin(m, path), 0);
	}
	st = calloc(1, sizeof(*st));
	assert_non_null(st);
	snprintf(st->pin_dir, sizeof(st->pin_dir), "%s", pin_dir);
	snprintf(st->config, sizeof(st->config), "/dev/null");
	st->n_scopes = 2;
	snprintf(st->scopes[0].name, sizeof(st->scopes[0].name), "interface:lo");
	snprintf(st->scopes[0].how, sizeof(st->scopes[0].how), "tcx");
	st->scopes[0].id = LO_IFINDEX;
	snprintf(st->scopes[1].name, sizeof(st->scopes[1].name), "cgroup:/a\"b\\c");
	snprintf(st->scopes[1].how, sizeof(st->scopes[1].how), "cgroup");
	st->scopes[1].id = 12345;
	st->scopes[1].scope = 1;
	assert_int_equal(pc_state_write(run_dir, st), 0);

	after_sweep();
	ctstats_zero(&env.main);
	pol_scope(PC_SCOPE_IFACE, LO_IFINDEX, PC_MODE_ENFORCE);
	pol_rule(PC_DIR_IN, IPPROTO_TCP, 22, NULL);
	pol_install_on(&env.main);
	assert_int_equal(tc_in(tcp4(CLIENT, 40000, HOST, 22, SYN)), TC_PASS);
	for (i = 0; i < 7; i++)
		assert_int_equal(tc_in(tcp4(CLIENT, (uint16_t)(41000 + i), HOST, 81, SYN)), TC_DROP);
	wait_flushed(&env.main, now_s());

	assert_int_equal(run_stats(pin_dir, run_dir, json_argv, 2, &out), 0);
	assert_string_equal(out, "{\"scopes\":{\"interface:lo\":{\"allowed\":1,\"denied\":7,"
			    "\"audited\":0,\"reasons\":{\"no-rule\":{\"denied\":7,\"audited\":0}}},"
			    "\"cgroup:/a\\\"b\\\\c\":{\"allowed\":0,"
			    "\"denied\":0,\"audited\":0,\"reasons\":{}}},\"no_scope\":0,\"events\":{\"delivered\":6,"
			    "\"suppressed\":1,\"lost\":0},\"conntrack\":{\"created\":1,"
			    "\"create_failed\":0,\"promoted\":0,\"promote_failed\":0,"
			    "\"revoked\":0}}\n");
	free(out);

	assert_int_equal(run_stats(pin_dir, run_dir, prom_argv, 2, &out), 0);
	assert_non_null(strstr(out, "# TYPE portcullis_verdicts_total counter\n"));
	assert_non_null(strstr(out, "portcullis_verdicts_total{scope=\"interface:lo\","
				    "verdict=\"denied\"} 7\n"));
	assert_non_null(strstr(out, "portcullis_verdicts_total{scope=\"cgroup:/a\\\"b\\\\c\","
				    "verdict=\"allowed\"} 0\n"));
	assert_non_null(strstr(out, "portcullis_scope_mode{scope=\"interface:lo\","
				    "mode=\"enforce\"} 1\n"));
	assert_non_null(strstr(out, "portcullis_scope_mode{scope=\"interface:lo\","
				    "mode=\"audit\"} 0\n"));
	assert_non_null(strstr(out, "portcullis_verdict_reasons_total{scope=\"interface:lo\","
				    "verdict=\"denied\",reason=\"no-rule\"} 7\n"));
	assert_null(strstr(out, "portcullis_verdict_reasons_total{scope=\"cgroup:"));
	assert_non_null(strstr(out, "# HELP portcullis_events_delivered_total "));
	assert_non_null(strstr(out, "portcullis_events_delivered_total 6\n"));
	assert_non_null(strstr(out, "portcullis_event_packets_suppressed_total 1\n"));
	assert_non_null(strstr(out, "portcullis_events_lost_total 0\n"));
	assert_non_null(strstr(out, "# TYPE portcullis_conntrack_created_total counter\n"));
	assert_non_null(strstr(out, "portcullis_conntrack_created_total 1\n"));
	assert_non_null(strstr(out, "portcullis_conntrack_create_failed_total 0\n"));
	/* the bed's pc_ctnew holds the one flow allowed */
	assert_non_null(strstr(out, "portcullis_conntrack_entries{table=\"new\"} 1\n"));
	free(out);

	assert_int_equal(run_stats(pin_dir, run_dir, text_argv, 1, &out), 0);
	assert_non_null(strstr(out, "events: 6 delivered, 1 suppressed"));
	assert_non_null(strstr(out, "conntrack: 1 created, 0 create_failed, 0 promoted, "
				    "0 promote_failed, 0 revoked\n"));
	free(out);
	free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_fields_tc_in_ipv4_deny, reset),
		cmocka_unit_test_setup(test_fields_tc_out_ipv6_audit, reset),
		cmocka_unit_test_setup(test_fields_icmp_and_malformed, reset),
		cmocka_unit_test_setup(test_fields_cgroup_skb, reset),
		cmocka_unit_test_setup(test_fields_connect_and_sendmsg, reset),
		cmocka_unit_test_setup(test_burst_fold_flush, reset),
		cmocka_unit_test_setup(test_refill_carries_held, reset),
		cmocka_unit_test_setup(test_flood_beside_trickle, reset),
		cmocka_unit_test_setup(test_audited_replies_accounted, reset),
		cmocka_unit_test_setup(test_flush_at_every_hook, reset),
		cmocka_unit_test_setup(test_sweep_armed_by_cgroup_skb, reset),
		cmocka_unit_test_setup(test_sweep_armed_by_sock_addr, reset),
		cmocka_unit_test_setup(test_tiny_ring_loss, reset),
		cmocka_unit_test_setup(test_table_full_unlimited, reset),
		cmocka_unit_test_setup(test_interval_zero_no_limit, reset),
		cmocka_unit_test_setup_teardown(test_stats_command, reset, stats_cleanup),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
