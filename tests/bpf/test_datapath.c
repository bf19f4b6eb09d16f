/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * test_datapath.c - the BPF datapath, for real: load the skeleton, install
 * policies through pc_gen_install(), run crafted packets through the
 * programs with BPF_PROG_TEST_RUN, and check verdicts, pc_stats, pc_ct and
 * pc_events.
 *
 * Each test has the PKTGEN / SETUP / CHECK shape of the style guide, in
 * plain C: build the packet(s), install the policy, run and assert.
 *
 * Environment (needs root, else every test is skipped with a message):
 *   - the process moves into a private network namespace, so TC test runs
 *     use that namespace's lo (ifindex 1, scope "interface 1") and the
 *     socket tests below can never reach a real network;
 *   - it creates a cgroup2 child "portcullis-test-PID/leaf" and moves
 *     itself into the leaf. A cgroup_skb test run gives its skb a socket of
 *     the calling task's cgroup, so cg_ingress/cg_egress are tested for real,
 *     ancestor walk included.
 *   - sock_addr programs have no BPF_PROG_TEST_RUN (cg_sock_addr_prog_ops
 *     has no .test_run: -ENOTSUPP). They share pc_decide()/pc_verdict()
 *     with the packet hooks, which the TC tests exercise, and they are
 *     also tested attached: connect()/sendto() from the test cgroup, in the
 *     private netns (lo down), give EPERM when denied and ENETUNREACH when
 *     allowed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <netinet/in.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <cmocka.h>

#include "cgroup_bed.h"
#include "kernel/gen.h"
#include "packet.h"
#include "policy/tables.h"
#include "portcullis.h"
#include "portcullis.skel.h"

#define TC_PASS		TC_ACT_UNSPEC
#define TC_DROP		TC_ACT_SHOT
#define CG_PASS		1
#define CG_DROP		0
#define LO_IFINDEX	1
#define TEST_CT_ENTRIES		2048	/* pc_ct_v2 in these tests */
#define TEST_CT_NEW_ENTRIES	512	/* pc_ctnew_v2 */

#define HOST		"10.0.0.1"	/* this host */
#define HOST6		"2001:db8:ff::1"
#define CLIENT		"198.51.100.7"	/* some remote end */
#define CLIENT6		"2001:db8:aa::7"

/* --- environment ------------------------------------------------------------ */

static struct {
	int ok;				/* root, skeleton loaded */
	const char *why;		/* else: why every test is skipped */
	struct portcullis_bpf *skel;
	struct pc_gen_maps maps;
	int stats_fd, ct_fd, ctnew_fd, rl_fd;
	struct ring_buffer *rb;
	struct cg_bed cg;		/* the test cgroup (cgroup_bed.h) */
} env;

static struct pc_event events[64];
static int n_events;	/* kept in events[] */
static int n_seen;	/* delivered, kept or not */

static int on_event(void *ctx, void *data, size_t size)
{
	n_seen++;
	if (size >= sizeof(struct pc_event) && n_events < (int)(sizeof(events) / sizeof(events[0])))
		memcpy(&events[n_events++], data, sizeof(struct pc_event));
	return 0;
}

/* Consume the ring buffer; returns the number of events now in events[]. */
static int take_events(void)
{
	ring_buffer__consume(env.rb);
	return n_events;
}

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
	env.skel = portcullis_bpf__open();
	if (!env.skel) {
		env.why = "cannot open the portcullis skeleton";
		return 0;
	}
	/* One page: a few dozen events, so a test can fill it (see test_ring_full). */
	bpf_map__set_max_entries(env.skel->maps.pc_events_v1, (uint32_t)getpagesize());
	/* Small conntrack tables, so a test can flood them in a moment. */
	bpf_map__set_max_entries(env.skel->maps.pc_ct_v2, TEST_CT_ENTRIES);
	bpf_map__set_max_entries(env.skel->maps.pc_ctnew_v2, TEST_CT_NEW_ENTRIES);
	err = portcullis_bpf__load(env.skel);
	if (err) {
		fprintf(stderr, "portcullis_bpf__load: %s\n", strerror(-err));
		env.why = "the verifier refused a program (see above)";
		return -1;	/* a real failure, not a skip */
	}
	if (pc_gen_maps_from_object(env.skel->obj, &env.maps))
		return -1;
	env.stats_fd = bpf_map__fd(env.skel->maps.pc_stats_v1);
	env.ct_fd = bpf_map__fd(env.skel->maps.pc_ct_v2);
	env.ctnew_fd = bpf_map__fd(env.skel->maps.pc_ctnew_v2);
	env.rl_fd = bpf_map__fd(env.skel->maps.pc_rl_v1);
	env.rb = ring_buffer__new(bpf_map__fd(env.skel->maps.pc_events_v1), on_event, NULL, NULL);
	if (!env.rb)
		return -1;
	cg_bed_setup(&env.cg, env.skel, "portcullis-test");
	env.ok = 1;
	return 0;
}

static int group_teardown(void **state)
{
	if (!env.skel)
		return 0;
	cg_bed_teardown(&env.cg);
	ring_buffer__free(env.rb);
	portcullis_bpf__destroy(env.skel);
	return 0;
}

/*
 * Empty the rate limit table, so no sweep flushes a test's held packets
 * into a later test, and every test starts with full buckets.
 */
static void rl_clear(void)
{
	struct pc_rl_key keys[256], k;
	int n, i;

	do {
		n = 0;
		while (n < 256 && bpf_map_get_next_key(env.rl_fd, n ? &keys[n - 1] : NULL, &k) == 0)
			keys[n++] = k;
		for (i = 0; i < n; i++)
			bpf_map_delete_elem(env.rl_fd, &keys[i]);
	} while (n);
}

/* Before each test: no conntrack, no rate limit state, no events, zero counters. */
/* Delete every entry of a hash map with keys of KEY_SIZE bytes. */
static void map_clear(int fd, size_t key_size)
{
	char key[64], next[64];

	assert_true(key_size <= sizeof(key));
	while (bpf_map_get_next_key(fd, NULL, next) == 0) {
		memcpy(key, next, key_size);
		if (bpf_map_delete_elem(fd, key))
			break;
	}
}

static int reset(void **state)
{
	struct pc_ct_key keys[256], k;
	size_t ncpu = (size_t)libbpf_num_possible_cpus();
	/* zeros for either per-CPU map: pc_ctstats is the larger value */
	void *zeros = calloc(ncpu, sizeof(struct pc_ctstats));
	uint32_t s;
	int n, i;

	if (!env.ok) {
		free(zeros);
		return 0;
	}
	do {
		n = 0;
		while (n < 256 && bpf_map_get_next_key(env.ct_fd, n ? &keys[n - 1] : NULL, &k) == 0)
			keys[n++] = k;
		for (i = 0; i < n; i++)
			bpf_map_delete_elem(env.ct_fd, &keys[i]);
	} while (n);
	map_clear(env.ctnew_fd, sizeof(struct pc_ct_key));
	map_clear(bpf_map__fd(env.skel->maps.pc_frags_v1), sizeof(struct pc_frag_key));
	rl_clear();
	for (s = 0; s < 8; s++)
		bpf_map_update_elem(env.stats_fd, &s, zeros, BPF_ANY);
	s = PC_SCOPE_NONE;
	bpf_map_update_elem(env.stats_fd, &s, zeros, BPF_ANY);
	for (s = 0; s < 8 * PC_REASON_SLOTS; s++)
		bpf_map_update_elem(bpf_map__fd(env.skel->maps.pc_reasons_v1), &s, zeros, BPF_ANY);
	for (s = PC_SCOPE_NONE * PC_REASON_SLOTS; s < PC_MAX_SCOPES * PC_REASON_SLOTS; s++)
		bpf_map_update_elem(bpf_map__fd(env.skel->maps.pc_reasons_v1), &s, zeros, BPF_ANY);
	s = 0;
	bpf_map_update_elem(bpf_map__fd(env.skel->maps.pc_ctstats_v1), &s, zeros, BPF_ANY);
	free(zeros);
	ring_buffer__consume(env.rb);
	n_events = 0;
	n_seen = 0;
	return 0;
}

/* --- policies ---------------------------------------------------------------- */

#define MAX_RULES	256
#define MAX_PEERS	64
#define MAX_SCOPES	4

struct policy {
	struct pc_rule_key rk[MAX_RULES];
	struct pc_rule_val rv[MAX_RULES];
	size_t nr;
	struct pc_peer_key pk[MAX_PEERS];
	struct pc_peer_val pv[MAX_PEERS];
	size_t np;
	struct pc_exact_key xk[MAX_PEERS];
	struct pc_peer_val xv[MAX_PEERS];
	size_t nx;
	struct pc_set_info sets[8];	/* by set id; none given: all in the trie */
	uint32_t n_sets;
	struct pc_scope_info si[MAX_SCOPES];
	struct pc_scope_key sk[MAX_SCOPES];
	uint32_t modes[MAX_SCOPES];
	size_t ns;
};

static struct policy pol;

static void pol_reset(void)
{
	memset(&pol, 0, sizeof(pol));
}

/* Adds a scope; its id is its index. */
static uint32_t pol_scope(uint32_t kind, uint64_t id, uint32_t mode)
{
	size_t i = pol.ns++;

	assert_true(i < MAX_SCOPES);
	pol.sk[i].id = id;
	pol.sk[i].kind = kind;
	pol.si[i].kind = (int)kind;
	pol.si[i].mode = mode;
	pol.si[i].name = kind == PC_SCOPE_IFACE ? "interface:test" : "cgroup:test";
	pol.si[i].scope = (uint32_t)i;
	pol.modes[i] = mode;
	return (uint32_t)i;
}

/* Rules for ports lo..hi (a range expanded as the compiler does). */
static void pol_rule(uint32_t scope, uint8_t dir, uint8_t proto, uint16_t lo, uint16_t hi,
		     uint32_t set)
{
	uint32_t port;

	for (port = lo; port <= hi; port++) {
		size_t i = pol.nr++;

		assert_true(i < MAX_RULES);
		pol.rk[i] = (struct pc_rule_key){ .scope = scope, .dir = dir, .proto = proto,
						  .port = (uint16_t)port };
		pol.rv[i] = (struct pc_rule_val){ .peer_set = set, .rule_id = (uint32_t)i };
	}
}

/* "10.1.2.0/24" or "2001:db8::/32" into peer set 'set'. */
static void pol_peer(uint32_t set, const char *cidr)
{
	char buf[64];
	char *slash;
	size_t i = pol.np++;
	int fam, len;

	assert_true(i < MAX_PEERS);
	snprintf(buf, sizeof(buf), "%s", cidr);
	slash = strchr(buf, '/');
	assert_non_null(slash);
	*slash = 0;
	len = atoi(slash + 1);
	fam = addr16(buf, pol.pk[i].addr);
	pol.pk[i].prefixlen = 32 + (fam == 4 ? 96 + len : len);
	pol.pk[i].set = htonl(set);
	pol.pv[i].rule_id = (uint32_t)i;
}

/* A prefix of a set in the exact table: masked, with its length. */
static void pol_exact(uint32_t set, const char *cidr)
{
	char buf[64];
	char *slash;
	size_t i = pol.nx++, k;
	int fam, len;

	assert_true(i < MAX_PEERS);
	snprintf(buf, sizeof(buf), "%s", cidr);
	slash = strchr(buf, '/');
	assert_non_null(slash);
	*slash = 0;
	len = atoi(slash + 1);
	memset(&pol.xk[i], 0, sizeof(pol.xk[i]));
	fam = addr16(buf, pol.xk[i].addr);
	len = fam == 4 ? 96 + len : len;
	for (k = 0; k < 16; k++)	/* mask to len, as the compiler does */
		if ((int)k * 8 >= len)
			pol.xk[i].addr[k] = 0;
		else if ((int)k * 8 + 8 > len)
			pol.xk[i].addr[k] &= (uint8_t)(0xff00 >> (len - (int)k * 8));
	pol.xk[i].set = set;
	pol.xk[i].plen = (uint8_t)len;
	pol.xv[i] = (struct pc_peer_val){ .rule_id = 1000 + (uint32_t)i };
}

/* The lengths (IPv6 bits, longest first) to probe for SET; 0 lengths: trie. */
static void pol_set_lens(uint32_t set, int n, const uint8_t *lens)
{
	assert_true(set < 8 && n <= PC_SET_MAX_LENS);
	pol.sets[set].n_lens = (uint8_t)n;
	memcpy(pol.sets[set].lens, lens, (size_t)n);
	if (pol.n_sets < set)
		pol.n_sets = set;
}

static int pol_try_install(void)
{
	struct pc_tables t = {
		.rule_keys = pol.rk, .rule_vals = pol.rv, .n_rules = pol.nr,
		.peer_keys = pol.pk, .peer_vals = pol.pv, .n_peers = pol.np,
		.exact_keys = pol.xk, .exact_vals = pol.xv, .n_exact = pol.nx,
		.set_infos = pol.n_sets ? pol.sets : NULL, .n_peer_sets = pol.n_sets,
		.scopes = pol.si, .n_scopes = pol.ns,
	};

	return pc_gen_install(&env.maps, &t, pol.sk, pol.modes);
}

static void pol_install(void)
{
	assert_int_equal(pol_try_install(), 0);
}

/* The usual: interface lo is scope 0 in 'mode'. */
static uint32_t pol_lo(uint32_t mode)
{
	pol_reset();
	return pol_scope(PC_SCOPE_IFACE, LO_IFINDEX, mode);
}

/* --- running ---------------------------------------------------------------- */

static int run_on(struct bpf_program *prog, const struct pkt *p, uint32_t ifindex)
{
	struct __sk_buff ctx = { .ifindex = ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = p->d, .data_size_in = (uint32_t)p->len,
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = 1);
	int err = bpf_prog_test_run_opts(bpf_program__fd(prog), &o);

	assert_int_equal(err, 0);
	return (int)o.retval;
}

static int tc_in(const struct pkt *p)
{
	return run_on(env.skel->progs.tc_ingress, p, LO_IFINDEX);
}

static int tc_out(const struct pkt *p)
{
	return run_on(env.skel->progs.tc_egress, p, LO_IFINDEX);
}

static int cg_in(const struct pkt *p)
{
	return run_on(env.skel->progs.cg_ingress, p, LO_IFINDEX);
}

static int cg_out(const struct pkt *p)
{
	return run_on(env.skel->progs.cg_egress, p, LO_IFINDEX);
}

static struct pc_stats stats(uint32_t scope)
{
	struct pc_stats s;

	assert_int_equal(pc_gen_read_stats(env.stats_fd, scope, &s), 0);
	return s;
}

static void assert_stats(uint32_t scope, uint64_t allowed, uint64_t denied, uint64_t audited,
			 uint64_t malformed)
{
	struct pc_stats s = stats(scope);

	assert_int_equal(s.allowed, allowed);
	assert_int_equal(s.denied, denied);
	assert_int_equal(s.audited, audited);
	assert_int_equal(s.malformed, malformed);
}

/* What pc_reasons_v1 counted for SCOPE and REASON: denied, audited. */
static void assert_reason(uint32_t scope, uint32_t reason, uint64_t denied, uint64_t audited)
{
	struct pc_reason_stats r;

	assert_int_equal(pc_gen_read_reasons(bpf_map__fd(env.skel->maps.pc_reasons_v1), scope,
					     reason, &r), 0);
	assert_int_equal(r.denied, denied);
	assert_int_equal(r.audited, audited);
}

/* Conntrack entry {src, dst, sport, dport, zone, proto}, replied or not:
 * 1 and *flags if present. */
static int ct_get(const char *src, const char *dst, uint16_t sport, uint16_t dport,
		  uint32_t zone, uint8_t proto, uint32_t *flags)
{
	struct pc_ct_key k;
	struct pc_ct_val v;

	memset(&k, 0, sizeof(k));
	addr16(src, k.saddr);
	addr16(dst, k.daddr);
	k.sport = sport;
	k.dport = dport;
	k.zone = zone;
	k.proto = proto;
	if (bpf_map_lookup_elem(env.ct_fd, &k, &v) && bpf_map_lookup_elem(env.ctnew_fd, &k, &v))
		return 0;
	if (flags)
		*flags = v.flags;
	return 1;
}

static int ct_count_in(int fd)
{
	struct pc_ct_key k, prev;
	int n = 0;

	while (bpf_map_get_next_key(fd, n ? &prev : NULL, &k) == 0) {
		prev = k;
		n++;
	}
	return n;
}

/* Entries of both tables, replied and not. */
static int ct_count(void)
{
	return ct_count_in(env.ct_fd) + ct_count_in(env.ctnew_fd);
}

static void assert_addr(const uint8_t a[16], const char *s)
{
	uint8_t want[16];

	addr16(s, want);
	assert_memory_equal(a, want, 16);
}

/* --- basic rules -------------------------------------------------------------- */

static void test_allow_tcp80_from_any(void **state)
{
	need_env();
	pol_lo(PC_MODE_ENFORCE);
	pol_rule(0, PC_DIR_IN, IPPROTO_TCP, 80, 80, 0);
	pol_install();

	assert_int_equal(tc_in(tcp4(CLIENT, 40000, HOST, 80, SYN)), TC_PASS);
	assert_int_equal(tc_in(tcp4("203.0.113.9", 40001, HOST, 80, SYN)), TC_PASS);
	assert_stats(0, 2, 0, 0, 0);
	assert_true(ct_get(CLIENT, HOST, 40000, 80, 0, IPPROTO_TCP, NULL));
	assert_int_equal(take_events(), 0);
}

static void test_deny_enforce_event(void **state)
{
	struct pc_event *e;

	need_env();
	pol_lo(PC_MODE_ENFORCE);
	pol_rule(0, PC_DIR_IN, IPPROTO_TCP, 80, 80, 0);
	pol_install();

	assert_int_equal(tc_in(tcp4(CLIENT, 40000, HOST, 81, SYN)), TC_DROP);
	assert_stats(0, 0, 1, 0, 0);
	assert_int_equal(ct_count(), 0);
	assert_int_equal(take_events(), 1);
	e = &events[0];
	assert_int_equal(e->verdict, PC_VERDICT_DENY);
	assert_int_equal(e->reason, PC_REASON_NO_RULE);
	assert_int_equal(e->hook, PC_HOOK_TC_IN);
	assert_int_equal(e->dir, PC_DIR_IN);
	assert_int_equal(e->family, 4);
	assert_int_equal(e->proto, IPPROTO_TCP);
	assert_int_equal(e->sport, 40000);
	assert_int_equal(e->dport, 81);
	assert_int_equal(e->ifindex, LO_IFINDEX);
	assert_int_equal(e->scope, 0);
	assert_int_equal(e->count, 1);
	assert_int_equal(e->flags, 0);
	assert_int_equal(e->pid, 0);
	assert_true(e->ts_ns > 0);
	assert_addr(e->saddr, CLIENT);
	assert_addr(e->daddr, HOST);
}

static void test_peer_set_24(void **state)
{
	need_env();
	pol_lo(PC_MODE_ENFORCE);
	pol_rule(0, PC_DIR_IN, IPPROTO_TCP, 22, 22, 1);
	pol_peer(1, "10.1.2.0/24");
	pol_install();

	assert_int_equal(tc_in(tcp4("10.1.2.99", 40000, HOST, 22, SYN)), TC_PASS);
	assert_int_equal(tc_in(tcp4("10.1.2.0", 40000, HOST, 22, SYN)), TC_PASS);
	assert_int_equal(tc_in(tcp4("10.1.3.1", 40000, HOST, 22, SYN)), TC_DROP);
	assert_int_equal(tc_in(tcp4("10.1.1.255", 40000, HOST, 22, SYN)), TC_DROP);
	assert_stats(0, 2, 2, 0, 0);
	assert_int_equal(take_events(), 2);
	assert_int_equal(events[0].reason, PC_REASON_PEER);
}

/*
 * A set in the exact table is probed at its lengths, longest first, and
 * never in the trie (its /16 there is a decoy that would admit 10.1.2.8);
 * a set without lengths is looked up in the trie.
 */
static void test_peer_exact_table(void **state)
{
	static const uint8_t lens1[] = { 128, 96 + 24 };

	need_env();
	pol_lo(PC_MODE_ENFORCE);
	pol_rule(0, PC_DIR_IN, IPPROTO_TCP, 22, 22, 1);
	pol_rule(0, PC_DIR_IN, IPPROTO_TCP, 443, 443, 2);
	pol_exact(1, "10.1.2.7/32");
	pol_exact(1, "10.1.3.0/24");
	pol_exact(1, "fd00::7/128");
	pol_set_lens(1, 2, lens1);
	pol_peer(1, "10.1.0.0/16");
	pol_peer(2, "10.1.0.0/16");
	pol_install();

	assert_int_equal(tc_in(tcp4("10.1.2.7", 40000, HOST, 22, SYN)), TC_PASS);
	assert_int_equal(tc_in(tcp4("10.1.3.200", 40000, HOST, 22, SYN)), TC_PASS);
	assert_int_equal(tc_in(tcp6("fd00::7", 40000, HOST6, 22, SYN)), TC_PASS);
	assert_int_equal(tc_in(tcp4("10.1.2.8", 40000, HOST, 22, SYN)), TC_DROP);
	assert_int_equal(tc_in(tcp4("10.1.4.1", 40000, HOST, 22, SYN)), TC_DROP);
	assert_int_equal(tc_in(tcp6("fd00::8", 40000, HOST6, 22, SYN)), TC_DROP);
	/* An IPv4-mapped IPv6 source is malformed, never the IPv4 host. */
	assert_int_equal(tc_in(tcp6("::ffff:10.1.2.7", 40000, HOST6, 22, SYN)), TC_DROP);
	assert_int_equal(tc_in(tcp4("10.1.2.8", 40001, HOST, 443, SYN)), TC_PASS);
	assert_int_equal(tc_in(tcp4("10.2.0.1", 40001, HOST, 443, SYN)), TC_DROP);
}

/* Two reports of one flow: every field the packet gives must agree. */
static void assert_same_report(const struct pc_event *a, const struct pc_event *b)
{
	assert_memory_equal(a->saddr, b->saddr, sizeof(a->saddr));
	assert_memory_equal(a->daddr, b->daddr, sizeof(a->daddr));
	assert_int_equal(a->sport, b->sport);
	assert_int_equal(a->dport, b->dport);
	assert_int_equal(a->proto, b->proto);
	assert_int_equal(a->family, b->family);
	assert_int_equal(a->dir, b->dir);
	assert_int_equal(a->reason, b->reason);
	assert_int_equal(a->verdict, b->verdict);
}

/*
 * The fast path (plain headers, read in place) and the full parser (forced
 * here by an IPv4 option or an IPv6 hop-by-hop header) judge every flow
 * alike and report it alike.
 */
static void test_fast_and_full_parsers_agree(void **state)
{
	need_env();
	pol_lo(PC_MODE_ENFORCE);
	pol_rule(0, PC_DIR_IN, IPPROTO_TCP, 80, 80, 1);
	pol_rule(0, PC_DIR_IN, IPPROTO_TCP, 443, 443, 0);
	pol_peer(1, "10.1.2.0/24");
	pol_peer(1, "fd00::/64");
	pol_install();

	assert_int_equal(tc_in(tcp4("10.1.2.5", 40000, HOST, 80, SYN)), TC_PASS);
	assert_int_equal(tc_in(tcp4_opt("10.1.2.5", 40001, HOST, 80, SYN)), TC_PASS);
	assert_int_equal(tc_in(tcp6("fd00::5", 40000, HOST6, 80, SYN)), TC_PASS);
	assert_int_equal(tc_in(tcp6_hbh("fd00::5", 40001, HOST6, 80, SYN)), TC_PASS);
	assert_int_equal(tc_in(tcp4("10.9.9.9", 40002, HOST, 443, SYN)), TC_PASS);
	assert_int_equal(tc_in(tcp4_opt("10.9.9.9", 40003, HOST, 443, SYN)), TC_PASS);
	assert_int_equal(take_events(), 0);

	assert_int_equal(tc_in(tcp4("10.9.9.9", 40004, HOST, 80, SYN)), TC_DROP);
	assert_int_equal(tc_in(tcp4_opt("10.9.9.9", 40004, HOST, 80, SYN)), TC_DROP);
	assert_int_equal(tc_in(udp4("10.9.9.9", 5353, HOST, 5353)), TC_DROP);
	assert_int_equal(tc_in(udp4_opt("10.9.9.9", 5353, HOST, 5353)), TC_DROP);
	assert_int_equal(tc_in(tcp6("fd01::9", 40005, HOST6, 80, SYN)), TC_DROP);
	assert_int_equal(tc_in(tcp6_hbh("fd01::9", 40005, HOST6, 80, SYN)), TC_DROP);
	assert_int_equal(take_events(), 6);
	assert_int_equal(events[0].reason, PC_REASON_PEER);
	assert_same_report(&events[0], &events[1]);
	assert_int_equal(events[2].reason, PC_REASON_NO_RULE);
	assert_same_report(&events[2], &events[3]);
	assert_int_equal(events[4].family, 6);
	assert_same_report(&events[4], &events[5]);
	assert_stats(0, 6, 6, 0, 0);
	/* the reasons add up to denied */
	assert_reason(0, PC_REASON_PEER, 4, 0);
	assert_reason(0, PC_REASON_NO_RULE, 2, 0);
	assert_reason(0, PC_REASON_MALFORMED, 0, 0);
}

static void test_peer_overlap_24_32(void **state)
{
	need_env();
	pol_lo(PC_MODE_ENFORCE);
	/* set 1: a /24; set 2: one host inside it; set 3: both */
	pol_rule(0, PC_DIR_IN, IPPROTO_TCP, 22, 22, 1);
	pol_rule(0, PC_DIR_IN, IPPROTO_TCP, 443, 443, 2);
	pol_rule(0, PC_DIR_IN, IPPROTO_TCP, 8443, 8443, 3);
	pol_peer(1, "10.1.2.0/24");
	pol_peer(2, "10.1.2.7/32");
	pol_peer(3, "10.1.2.0/24");
	pol_peer(3, "10.1.2.7/32");
	pol_install();

	assert_int_equal(tc_in(tcp4("10.1.2.7", 40000, HOST, 22, SYN)), TC_PASS);
	assert_int_equal(tc_in(tcp4("10.1.2.8", 40000, HOST, 22, SYN)), TC_PASS);
	assert_int_equal(tc_in(tcp4("10.1.2.7", 40000, HOST, 443, SYN)), TC_PASS);
	assert_int_equal(tc_in(tcp4("10.1.2.8", 40000, HOST, 443, SYN)), TC_DROP);
	assert_int_equal(tc_in(tcp4("10.1.2.8", 40000, HOST, 8443, SYN)), TC_PASS);
	assert_int_equal(tc_in(tcp4("10.1.2.7", 40000, HOST, 8443, SYN)), TC_PASS);
	assert_int_equal(tc_in(tcp4("10.1.9.7", 40000, HOST, 8443, SYN)), TC_DROP);
}

static void test_ipv6_peer(void **state)
{
	need_env();
	pol_lo(PC_MODE_ENFORCE);
	pol_rule(0, PC_DIR_IN, IPPROTO_TCP, 443, 443, 1);
	pol_peer(1, "2001:db8:1::/48");
	pol_install();

	assert_int_equal(tc_in(tcp6("2001:db8:1::5", 40000, HOST6, 443, SYN)), TC_PASS);
	assert_int_equal(tc_in(tcp6("2001:db8:2::5", 40000, HOST6, 443, SYN)), TC_DROP);
	assert_int_equal(tc_in(tcp6("2001:db8:1::5", 40000, HOST6, 444, SYN)), TC_DROP);
	assert_stats(0, 1, 2, 0, 0);
	assert_true(ct_get("2001:db8:1::5", HOST6, 40000, 443, 0, IPPROTO_TCP, NULL));
	assert_int_equal(take_events(), 2);
	assert_int_equal(events[0].family, 6);
	assert_int_equal(events[0].reason, PC_REASON_PEER);
	assert_addr(events[0].saddr, "2001:db8:2::5");
}

static void test_ipv4_mapped_distinct(void **state)
{
	need_env();
	pol_lo(PC_MODE_ENFORCE);
	pol_rule(0, PC_DIR_IN, IPPROTO_TCP, 22, 22, 1);
	pol_rule(0, PC_DIR_IN, IPPROTO_TCP, 23, 23, 2);
	pol_peer(1, "10.1.2.0/24");
	pol_peer(2, "2001:db8::/32");
	pol_install();

	/* IPv4 matches the IPv4 prefix, never the IPv6 one */
	assert_int_equal(tc_in(tcp4("10.1.2.3", 40000, HOST, 22, SYN)), TC_PASS);
	assert_int_equal(tc_in(tcp4("10.1.2.3", 40000, HOST, 23, SYN)), TC_DROP);
	/* an IPv6 packet from ::ffff:10.1.2.3 is not the IPv4 host: malformed */
	assert_int_equal(tc_in(tcp6("::ffff:10.1.2.3", 40000, HOST6, 22, SYN)), TC_DROP);
	assert_int_equal(tc_in(tcp6(CLIENT6, 40000, "::ffff:10.0.0.1", 22, SYN)), TC_DROP);
	assert_int_equal(tc_in(tcp6("2001:db8::3", 40000, HOST6, 23, SYN)), TC_PASS);
	assert_int_equal(tc_in(tcp6("2001:db8::3", 40000, HOST6, 22, SYN)), TC_DROP);
	assert_stats(0, 2, 4, 0, 2);
	assert_int_equal(take_events(), 4);
	assert_int_equal(events[1].reason, PC_REASON_MALFORMED);
	assert_int_equal(events[3].reason, PC_REASON_PEER);
}

static void test_port_range(void **state)
{
	need_env();
	pol_lo(PC_MODE_ENFORCE);
	pol_rule(0, PC_DIR_IN, IPPROTO_TCP, 8000, 8010, 0);
	pol_install();

	assert_int_equal(tc_in(tcp4(CLIENT, 40000, HOST, 8000, SYN)), TC_PASS);
	assert_int_equal(tc_in(tcp4(CLIENT, 40000, HOST, 8005, SYN)), TC_PASS);
	assert_int_equal(tc_in(tcp4(CLIENT, 40000, HOST, 8010, SYN)), TC_PASS);
	assert_int_equal(tc_in(tcp4(CLIENT, 40000, HOST, 7999, SYN)), TC_DROP);
	assert_int_equal(tc_in(tcp4(CLIENT, 40000, HOST, 8011, SYN)), TC_DROP);
	/* the protocol is part of the key */
	assert_int_equal(tc_in(udp4(CLIENT, 40000, HOST, 8005)), TC_DROP);
	assert_stats(0, 3, 3, 0, 0);
}

static void test_out_rule(void **state)
{
	need_env();
	pol_lo(PC_MODE_ENFORCE);
	pol_rule(0, PC_DIR_OUT, IPPROTO_UDP, 53, 53, 0);
	pol_rule(0, PC_DIR_IN, IPPROTO_TCP, 80, 80, 0);
	pol_install();

	assert_int_equal(tc_out(udp4(HOST, 5000, "9.9.9.9", 53)), TC_PASS);
	assert_int_equal(tc_out(udp4(HOST, 5000, "9.9.9.9", 54)), TC_DROP);
	/* an 'in' rule does not let this host open flows to that port */
	assert_int_equal(tc_out(tcp4(HOST, 40000, CLIENT, 80, SYN)), TC_DROP);
	/* nor does an 'out' rule admit flows from outside */
	assert_int_equal(tc_in(udp4("9.9.9.9", 5000, HOST, 53)), TC_DROP);
	assert_true(ct_get(HOST, "9.9.9.9", 5000, 53, 0, IPPROTO_UDP, NULL));
	/* the DNS answer comes back through conntrack */
	assert_int_equal(tc_in(udp4("9.9.9.9", 53, HOST, 5000)), TC_PASS);
	assert_int_equal(take_events(), 3);
	assert_int_equal(events[0].hook, PC_HOOK_TC_OUT);
	assert_int_equal(events[0].dir, PC_DIR_OUT);
	assert_int_equal(events[0].dport, 54);
}

/* --- conntrack --------------------------------------------------------------- */

static void test_reply_passes_via_conntrack(void **state)
{
	need_env();
	pol_lo(PC_MODE_ENFORCE);
	pol_rule(0, PC_DIR_IN, IPPROTO_TCP, 80, 80, 0);
	pol_install();

	assert_int_equal(tc_in(tcp4(CLIENT, 40000, HOST, 80, SYN)), TC_PASS);
	assert_int_equal(tc_out(tcp4(HOST, 80, CLIENT, 40000, SYN | ACK)), TC_PASS);
	assert_int_equal(tc_in(tcp4(CLIENT, 40000, HOST, 80, ACK)), TC_PASS);
	assert_int_equal(tc_out(tcp4(HOST, 80, CLIENT, 40000, ACK)), TC_PASS);
	/* same ports, other client: not that flow */
	assert_int_equal(tc_out(tcp4(HOST, 80, "198.51.100.8", 40000, SYN | ACK)), TC_DROP);
	assert_stats(0, 4, 1, 0, 0);
	assert_int_equal(ct_count(), 1);
}

static void test_reply_without_flow_denied(void **state)
{
	need_env();
	pol_lo(PC_MODE_ENFORCE);
	pol_rule(0, PC_DIR_IN, IPPROTO_TCP, 80, 80, 0);
	pol_install();

	assert_int_equal(tc_out(tcp4(HOST, 80, CLIENT, 40000, SYN | ACK)), TC_DROP);
	assert_int_equal(tc_in(udp4(CLIENT, 53, HOST, 5000)), TC_DROP);
	assert_stats(0, 0, 2, 0, 0);
	assert_int_equal(take_events(), 2);
	assert_int_equal(events[0].reason, PC_REASON_NO_RULE);
	assert_int_equal(ct_count(), 0);
}

/* Rules are per scope; conntrack of interface scopes is one zone. */
static void test_conntrack_is_per_scope(void **state)
{
	uint32_t a, b;

	need_env();
	pol_reset();
	a = pol_scope(PC_SCOPE_IFACE, LO_IFINDEX, PC_MODE_ENFORCE);
	b = pol_scope(PC_SCOPE_IFACE, 4242, PC_MODE_ENFORCE);
	pol_rule(a, PC_DIR_IN, IPPROTO_TCP, 80, 80, 0);
	pol_rule(b, PC_DIR_IN, IPPROTO_TCP, 81, 81, 0);
	pol_install();

	assert_int_equal(tc_in(tcp4(CLIENT, 40000, HOST, 80, SYN)), TC_PASS);
	assert_true(ct_get(CLIENT, HOST, 40000, 80, PC_CT_ZONE_IFACE, IPPROTO_TCP, NULL));
	/* scope b's rule is not scope a's */
	assert_int_equal(tc_in(tcp4(CLIENT, 40000, HOST, 81, SYN)), TC_DROP);
	assert_stats(a, 1, 1, 0, 0);
	assert_stats(b, 0, 0, 0, 0);
}

/*
 * Asymmetric paths: a flow that leaves by one interface is answered on
 * another (ECMP, two uplinks, a bond attached slave by slave). Both are
 * interface scopes, so their conntrack is one zone: the reply passes on
 * the interface whose scope has no rule for it, in both directions, and
 * a packet of no tracked flow there is still dropped.
 */
static void test_reply_on_another_interface(void **state)
{
	int ia, ib, r[7];
	uint32_t a, b;

	need_env();
	if (system("ip link add pc-ct-a type veth peer name pc-ct-b"))
		fail_msg("cannot create a veth pair in the test namespace");
	ia = (int)if_nametoindex("pc-ct-a");
	ib = (int)if_nametoindex("pc-ct-b");
	pol_reset();
	a = pol_scope(PC_SCOPE_IFACE, (uint64_t)ia, PC_MODE_ENFORCE);
	b = pol_scope(PC_SCOPE_IFACE, (uint64_t)ib, PC_MODE_ENFORCE);
	pol_rule(a, PC_DIR_OUT, IPPROTO_TCP, 443, 443, 0);
	pol_rule(a, PC_DIR_IN, IPPROTO_TCP, 80, 80, 0);
	pol_install();

	/* out by a, answered in by b; in by a, answered out by b */
	r[0] = run_on(env.skel->progs.tc_egress, tcp4(HOST, 40000, "192.0.2.10", 443, SYN),
		      (uint32_t)ia);
	r[1] = run_on(env.skel->progs.tc_ingress,
		      tcp4("192.0.2.10", 443, HOST, 40000, SYN | ACK), (uint32_t)ib);
	r[2] = run_on(env.skel->progs.tc_ingress, tcp4(CLIENT, 40001, HOST, 80, SYN),
		      (uint32_t)ia);
	r[3] = run_on(env.skel->progs.tc_egress, tcp4(HOST, 80, CLIENT, 40001, SYN | ACK),
		      (uint32_t)ib);
	/* the client's next packet by b is its flow's too */
	r[4] = run_on(env.skel->progs.tc_ingress, tcp4(CLIENT, 40001, HOST, 80, ACK),
		      (uint32_t)ib);
	/* not a tracked flow: b's own rules, none */
	r[5] = run_on(env.skel->progs.tc_ingress,
		      tcp4("192.0.2.10", 443, HOST, 40002, SYN | ACK), (uint32_t)ib);
	r[6] = run_on(env.skel->progs.tc_ingress, tcp4(CLIENT, 40002, HOST, 80, SYN),
		      (uint32_t)ib);
	if (system("ip link del pc-ct-a"))
		fail_msg("cannot delete the veth pair");
	assert_int_equal(r[0], TC_PASS);
	assert_int_equal(r[1], TC_PASS);
	assert_int_equal(r[2], TC_PASS);
	assert_int_equal(r[3], TC_PASS);
	assert_int_equal(r[4], TC_PASS);
	assert_int_equal(r[5], TC_DROP);
	assert_int_equal(r[6], TC_DROP);
	assert_stats(a, 2, 0, 0, 0);
	assert_stats(b, 3, 2, 0, 0);
}

/*
 * A cgroup scope tracks in a zone of its own: its flows admit no packet
 * at an interface, and an interface's flows none at its hooks.
 */
static void test_cgroup_zone_apart(void **state)
{
	uint32_t sc, lo;

	need_cgroup();
	pol_reset();
	sc = pol_scope(PC_SCOPE_CGROUP, env.cg.parent_id, PC_MODE_ENFORCE);
	lo = pol_scope(PC_SCOPE_IFACE, LO_IFINDEX, PC_MODE_ENFORCE);
	pol_rule(sc, PC_DIR_OUT, IPPROTO_TCP, 443, 443, 0);
	pol_rule(lo, PC_DIR_OUT, IPPROTO_TCP, 8443, 8443, 0);
	pol_install();

	assert_int_equal(cg_out(tcp4(HOST, 40000, "192.0.2.10", 443, SYN)), CG_PASS);
	assert_true(ct_get(HOST, "192.0.2.10", 40000, 443, PC_CT_ZONE_CGROUP(sc), IPPROTO_TCP,
			   NULL));
	assert_int_equal(tc_in(tcp4("192.0.2.10", 443, HOST, 40000, SYN | ACK)), TC_DROP);
	assert_int_equal(cg_in(tcp4("192.0.2.10", 443, HOST, 40000, SYN | ACK)), CG_PASS);

	assert_int_equal(tc_out(tcp4(HOST, 40001, "192.0.2.10", 8443, SYN)), TC_PASS);
	assert_int_equal(cg_in(tcp4("192.0.2.10", 8443, HOST, 40001, SYN | ACK)), CG_DROP);
	assert_int_equal(tc_in(tcp4("192.0.2.10", 8443, HOST, 40001, SYN | ACK)), TC_PASS);
}

/* --- audit and modes ---------------------------------------------------------- */

static void test_audit_passes_and_reports_once(void **state)
{
	uint32_t flags = 0;

	need_env();
	pol_lo(PC_MODE_AUDIT);
	pol_rule(0, PC_DIR_IN, IPPROTO_TCP, 80, 80, 0);
	pol_install();

	assert_int_equal(tc_in(tcp4(CLIENT, 40000, HOST, 81, SYN)), TC_PASS);
	assert_stats(0, 0, 0, 1, 0);
	assert_int_equal(take_events(), 1);
	assert_int_equal(events[0].verdict, PC_VERDICT_AUDIT);
	assert_int_equal(events[0].reason, PC_REASON_NO_RULE);
	assert_true(ct_get(CLIENT, HOST, 40000, 81, 0, IPPROTO_TCP, &flags));
	assert_int_equal(flags, PC_CT_F_AUDIT);

	/* the reply and later packets pass quietly, still counted as audited */
	assert_int_equal(tc_out(tcp4(HOST, 81, CLIENT, 40000, SYN | ACK)), TC_PASS);
	assert_int_equal(tc_in(tcp4(CLIENT, 40000, HOST, 81, ACK)), TC_PASS);
	assert_stats(0, 0, 0, 3, 0);
	assert_int_equal(take_events(), 1);
	/* allowed traffic in audit mode is just allowed */
	assert_int_equal(tc_in(tcp4(CLIENT, 40001, HOST, 80, SYN)), TC_PASS);
	assert_stats(0, 1, 0, 3, 0);
}

static void test_audit_flow_void_after_enforce(void **state)
{
	need_env();
	pol_lo(PC_MODE_AUDIT);
	pol_rule(0, PC_DIR_IN, IPPROTO_TCP, 80, 80, 0);
	pol_install();

	assert_int_equal(tc_in(tcp4(CLIENT, 40000, HOST, 81, SYN)), TC_PASS);
	assert_int_equal(pc_gen_set_mode(&env.maps, 0, PC_MODE_ENFORCE), 0);
	assert_int_equal(tc_out(tcp4(HOST, 81, CLIENT, 40000, SYN | ACK)), TC_DROP);
	assert_int_equal(tc_in(tcp4(CLIENT, 40000, HOST, 81, ACK)), TC_DROP);
	assert_stats(0, 0, 2, 1, 0);
	assert_int_equal(take_events(), 3);
	assert_int_equal(events[2].verdict, PC_VERDICT_DENY);
}

static void test_set_mode_in_place(void **state)
{
	uint32_t slot_before, slot_after, mode = 99;

	need_env();
	pol_lo(PC_MODE_ENFORCE);
	pol_rule(0, PC_DIR_IN, IPPROTO_TCP, 80, 80, 0);
	pol_install();
	assert_int_equal(pc_gen_active(&env.maps, &slot_before), 0);

	assert_int_equal(tc_in(tcp4(CLIENT, 40000, HOST, 81, SYN)), TC_DROP);
	assert_int_equal(pc_gen_set_mode(&env.maps, 0, PC_MODE_AUDIT), 0);
	assert_int_equal(pc_gen_get_mode(&env.maps, 0, &mode), 0);
	assert_int_equal(mode, PC_MODE_AUDIT);
	assert_int_equal(tc_in(tcp4(CLIENT, 40001, HOST, 81, SYN)), TC_PASS);
	assert_int_equal(pc_gen_set_mode(&env.maps, 0, PC_MODE_ENFORCE), 0);
	assert_int_equal(tc_in(tcp4(CLIENT, 40002, HOST, 81, SYN)), TC_DROP);
	assert_stats(0, 0, 2, 1, 0);

	assert_int_equal(pc_gen_active(&env.maps, &slot_after), 0);
	assert_int_equal(slot_before, slot_after);
	assert_int_equal(pc_gen_set_mode(&env.maps, 7, PC_MODE_AUDIT), -ENOENT);
	assert_int_equal(pc_gen_set_mode(&env.maps, 0, 5), -EINVAL);
}

static void test_generation_flip(void **state)
{
	uint32_t s1, s2, s3;

	need_env();
	pol_lo(PC_MODE_ENFORCE);
	pol_rule(0, PC_DIR_IN, IPPROTO_TCP, 80, 80, 0);
	pol_install();
	assert_int_equal(pc_gen_active(&env.maps, &s1), 0);
	assert_int_equal(tc_in(tcp4(CLIENT, 40000, HOST, 80, SYN)), TC_PASS);
	assert_int_equal(tc_in(tcp4(CLIENT, 40000, HOST, 81, SYN)), TC_DROP);

	pol_lo(PC_MODE_ENFORCE);
	pol_rule(0, PC_DIR_IN, IPPROTO_TCP, 81, 81, 0);
	pol_install();
	assert_int_equal(pc_gen_active(&env.maps, &s2), 0);
	assert_int_not_equal(s1, s2);
	assert_int_equal(tc_in(tcp4(CLIENT, 40001, HOST, 80, SYN)), TC_DROP);
	assert_int_equal(tc_in(tcp4(CLIENT, 40001, HOST, 81, SYN)), TC_PASS);

	/* and back: the old slot is reused with fresh maps */
	pol_lo(PC_MODE_ENFORCE);
	pol_rule(0, PC_DIR_IN, IPPROTO_TCP, 82, 82, 0);
	pol_install();
	assert_int_equal(pc_gen_active(&env.maps, &s3), 0);
	assert_int_equal(s3, s1);
	assert_int_equal(tc_in(tcp4(CLIENT, 40002, HOST, 80, SYN)), TC_DROP);
	assert_int_equal(tc_in(tcp4(CLIENT, 40002, HOST, 82, SYN)), TC_PASS);
}

static void test_failed_install_keeps_live_policy(void **state)
{
	uint32_t s1, s2;

	need_env();
	pol_lo(PC_MODE_ENFORCE);
	pol_rule(0, PC_DIR_IN, IPPROTO_TCP, 80, 80, 0);
	pol_install();
	assert_int_equal(pc_gen_active(&env.maps, &s1), 0);

	pol_lo(PC_MODE_ENFORCE);
	pol_rule(0, PC_DIR_IN, IPPROTO_TCP, 81, 81, 0);
	pol_rule(0, PC_DIR_IN, IPPROTO_TCP, 81, 81, 0);	/* repeated key */
	assert_int_equal(pol_try_install(), -EEXIST);
	pol_lo(PC_MODE_ENFORCE);
	pol_scope(PC_SCOPE_IFACE, LO_IFINDEX, PC_MODE_AUDIT);	/* same target twice */
	assert_int_equal(pol_try_install(), -EEXIST);
	pol_lo(7);	/* no such mode */
	assert_int_equal(pol_try_install(), -EINVAL);

	assert_int_equal(pc_gen_active(&env.maps, &s2), 0);
	assert_int_equal(s1, s2);
	assert_int_equal(tc_in(tcp4(CLIENT, 40000, HOST, 80, SYN)), TC_PASS);
	assert_int_equal(tc_in(tcp4(CLIENT, 40000, HOST, 81, SYN)), TC_DROP);
}

static void test_empty_policy_scope_denies_all(void **state)
{
	need_env();
	pol_lo(PC_MODE_ENFORCE);	/* a scope, no rules at all */
	pol_install();

	assert_int_equal(tc_in(tcp4(CLIENT, 40000, HOST, 22, SYN)), TC_DROP);
	assert_int_equal(tc_out(udp4(HOST, 5000, "9.9.9.9", 53)), TC_DROP);
	assert_stats(0, 0, 2, 0, 0);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The policy epoch the last install wrote. */
static uint32_t epoch_now(void)
{
	uint32_t zero = 0, e = 0;

	assert_int_equal(bpf_map_lookup_elem(pc_gen_map_fd(&env.maps, PC_MAP_EPOCH), &zero, &e), 0);
	return e;
}

/*
 * Plant a conntrack entry {src, dst, sport, dport, interface zone, proto}
 * last seen age_s ago: a flow this host opened (scope 0, out), judged
 * under the live epoch.
 */
static void ct_plant(const char *src, const char *dst, uint16_t sport, uint16_t dport,
		     uint8_t proto, uint64_t age_s, uint32_t flags)
{
	struct pc_ct_key k;
	struct pc_ct_val v = { .last_seen_ns = mono_ns() - age_s * 1000000000ull, .flags = flags,
			       .epoch = epoch_now(), .scope = 0, .dir = PC_DIR_OUT };

	memset(&k, 0, sizeof(k));
	addr16(src, k.saddr);
	addr16(dst, k.daddr);
	k.sport = sport;
	k.dport = dport;
	k.zone = PC_CT_ZONE_IFACE;
	k.proto = proto;
	assert_int_equal(bpf_map_update_elem(env.ct_fd, &k, &v, BPF_ANY), 0);
}

static void test_conntrack_timeouts(void **state)
{
	need_env();
	pol_lo(PC_MODE_ENFORCE);
	pol_install();

	/* UDP: 120 s */
	ct_plant(HOST, "9.9.9.9", 5000, 53, IPPROTO_UDP, 100, 0);
	assert_int_equal(tc_in(udp4("9.9.9.9", 53, HOST, 5000)), TC_PASS);
	ct_plant(HOST, "9.9.9.9", 5001, 53, IPPROTO_UDP, 130, 0);
	assert_int_equal(tc_in(udp4("9.9.9.9", 53, HOST, 5001)), TC_DROP);
	/* TCP: five days, past keepalive's two hours (idle SQL and LDAP sessions) */
	ct_plant(HOST, CLIENT, 40000, 443, IPPROTO_TCP, 3 * 3600, 0);
	assert_int_equal(tc_in(tcp4(CLIENT, 443, HOST, 40000, ACK)), TC_PASS);
	ct_plant(HOST, CLIENT, 40001, 443, IPPROTO_TCP, 5 * 86400 + 60, 0);
	assert_int_equal(tc_in(tcp4(CLIENT, 443, HOST, 40001, ACK)), TC_DROP);
	/* ICMP echo: 30 s */
	ct_plant(HOST, "9.9.9.9", 7, 0, IPPROTO_ICMP, 20, 0);
	assert_int_equal(tc_in(icmp4("9.9.9.9", HOST, 0, 7)), TC_PASS);
	ct_plant(HOST, "9.9.9.9", 8, 0, IPPROTO_ICMP, 40, 0);
	assert_int_equal(tc_in(icmp4("9.9.9.9", HOST, 0, 8)), TC_DROP);
	/* an audit-flagged entry means nothing in enforce */
	ct_plant(HOST, "9.9.9.9", 5002, 53, IPPROTO_UDP, 1, PC_CT_F_AUDIT);
	assert_int_equal(tc_in(udp4("9.9.9.9", 53, HOST, 5002)), TC_DROP);
	assert_stats(0, 3, 4, 0, 0);
}

/*
 * Spoofed SYNs from ever new sources to a port open to everyone (the
 * failsafe's SSH) must not cost an established flow its entry: three times
 * more SYNs than both tables hold (shrunk for the tests), then the flow's
 * next reply still passes.
 */
/*
 * A flood of spoofed SYNs to a port open to everyone: the host answers
 * each with a SYN-ACK, as a listener does, and nobody completes the
 * handshake. An established flow that is idle meanwhile keeps its entry:
 * a reply alone does not make a flow established, the handshake's last ACK
 * in the original direction does (nf_conntrack's ASSURED).
 */
static void test_conntrack_survives_syn_flood(void **state)
{
	struct pkt syn, synack;
	uint32_t i, n = 3 * (TEST_CT_ENTRIES + TEST_CT_NEW_ENTRIES);
	int passed = 0, answered = 0;

	need_env();
	pol_lo(PC_MODE_ENFORCE);
	pol_rule(0, PC_DIR_IN, IPPROTO_TCP, 22, 22, 0);
	pol_rule(0, PC_DIR_OUT, IPPROTO_TCP, 443, 443, 0);
	pol_install();

	assert_int_equal(tc_out(tcp4(HOST, 40000, "192.0.2.10", 443, SYN)), TC_PASS);
	assert_int_equal(tc_in(tcp4("192.0.2.10", 443, HOST, 40000, SYN | ACK)), TC_PASS);
	assert_int_equal(tc_out(tcp4(HOST, 40000, "192.0.2.10", 443, ACK)), TC_PASS);
	assert_int_equal(ct_count_in(env.ct_fd), 1);

	syn = *tcp4("10.0.0.0", 1024, HOST, 22, SYN);
	synack = *tcp4(HOST, 22, "10.0.0.0", 1024, SYN | ACK);
	for (i = 0; i < n; i++) {
		uint32_t src = htonl(0x0a000000u | (i + 1));

		/* saddr at 14 + 12, daddr at 14 + 16; the checksum does not matter */
		memcpy(syn.d + 14 + 12, &src, 4);
		memcpy(synack.d + 14 + 16, &src, 4);
		passed += tc_in(&syn) == TC_PASS;
		answered += tc_out(&synack) == TC_PASS;
	}
	assert_int_equal(passed, (int)n);
	assert_int_equal(answered, (int)n);
	assert_int_equal(tc_in(tcp4("192.0.2.10", 443, HOST, 40000, ACK)), TC_PASS);
	assert_true(ct_count_in(env.ctnew_fd) <= TEST_CT_NEW_ENTRIES);
	assert_int_equal(ct_count_in(env.ct_fd), 1);
}

/* A peer cannot open a connection back on a tuple the host opened. */
static void test_syn_only_in_original_direction(void **state)
{
	need_env();
	pol_lo(PC_MODE_ENFORCE);
	pol_rule(0, PC_DIR_OUT, IPPROTO_TCP, 443, 443, 0);
	pol_install();

	assert_int_equal(tc_out(tcp4(HOST, 40000, CLIENT, 443, SYN)), TC_PASS);
	/* the peer's SYN on the reversed tuple is a new connection: no rule */
	assert_int_equal(tc_in(tcp4(CLIENT, 443, HOST, 40000, SYN)), TC_DROP);
	/* its SYN-ACK is the reply */
	assert_int_equal(tc_in(tcp4(CLIENT, 443, HOST, 40000, SYN | ACK)), TC_PASS);
	assert_int_equal(tc_in(tcp4(CLIENT, 443, HOST, 40000, ACK)), TC_PASS);
	assert_stats(0, 3, 1, 0, 0);
}

/* FIN and RST shorten a flow's life; a fresh entry is never taken as expired. */
static void test_fin_rst_and_clock(void **state)
{
	uint32_t flags = 0;

	need_env();
	pol_lo(PC_MODE_ENFORCE);
	pol_install();

	/* a RST in the reply marks the entry; 10 s later it is gone */
	ct_plant(HOST, CLIENT, 40000, 443, IPPROTO_TCP, 5, 0);
	assert_int_equal(tc_in(tcp4(CLIENT, 443, HOST, 40000, RST | ACK)), TC_PASS);
	assert_true(ct_get(HOST, CLIENT, 40000, 443, 0, IPPROTO_TCP, &flags));
	assert_true(flags & PC_CT_F_RST);
	ct_plant(HOST, CLIENT, 40000, 443, IPPROTO_TCP, 11, PC_CT_F_RST);
	assert_int_equal(tc_in(tcp4(CLIENT, 443, HOST, 40000, ACK)), TC_DROP);
	/* after a FIN, two minutes */
	ct_plant(HOST, CLIENT, 40001, 443, IPPROTO_TCP, 5, 0);
	assert_int_equal(tc_in(tcp4(CLIENT, 443, HOST, 40001, FIN | ACK)), TC_PASS);
	assert_true(ct_get(HOST, CLIENT, 40001, 443, 0, IPPROTO_TCP, &flags));
	assert_true(flags & PC_CT_F_FIN);
	ct_plant(HOST, CLIENT, 40001, 443, IPPROTO_TCP, 60, PC_CT_F_FIN);
	assert_int_equal(tc_in(tcp4(CLIENT, 443, HOST, 40001, ACK)), TC_PASS);
	ct_plant(HOST, CLIENT, 40001, 443, IPPROTO_TCP, 130, PC_CT_F_FIN);
	assert_int_equal(tc_in(tcp4(CLIENT, 443, HOST, 40001, ACK)), TC_DROP);
	/* refreshed by another CPU whose coarse clock is ahead: fresh */
	ct_plant(HOST, CLIENT, 40002, 443, IPPROTO_TCP, 0, 0);
	{
		struct pc_ct_key k;
		struct pc_ct_val v = { .last_seen_ns = mono_ns() + 2000000000ull,
				       .epoch = epoch_now(), .dir = PC_DIR_OUT };

		memset(&k, 0, sizeof(k));
		addr16(HOST, k.saddr);
		addr16(CLIENT, k.daddr);
		k.sport = 40002;
		k.dport = 443;
		k.proto = IPPROTO_TCP;
		assert_int_equal(bpf_map_update_elem(env.ct_fd, &k, &v, BPF_ANY), 0);
	}
	assert_int_equal(tc_in(tcp4(CLIENT, 443, HOST, 40002, ACK)), TC_PASS);
	assert_stats(0, 4, 2, 0, 0);
}

/* The conntrack counters, summed over CPUs. */
static struct pc_ctstats ctstats(void)
{
	struct pc_ctstats c;

	assert_int_equal(pc_gen_read_ctstats(bpf_map__fd(env.skel->maps.pc_ctstats_v1), &c), 0);
	return c;
}

/*
 * Under a policy of in :80 from any and out :443 to 192.0.2.0/24, an
 * inbound flow to :80 and an outbound one to :443, each answered once.
 */
static void open_two_flows(void)
{
	pol_lo(PC_MODE_ENFORCE);
	pol_rule(0, PC_DIR_IN, IPPROTO_TCP, 80, 80, 0);
	pol_rule(0, PC_DIR_OUT, IPPROTO_TCP, 443, 443, 1);
	pol_peer(1, "192.0.2.0/24");
	pol_install();
	assert_int_equal(tc_in(tcp4(CLIENT, 40000, HOST, 80, SYN)), TC_PASS);
	assert_int_equal(tc_out(tcp4(HOST, 80, CLIENT, 40000, SYN | ACK)), TC_PASS);
	assert_int_equal(tc_out(tcp4(HOST, 40001, "192.0.2.10", 443, SYN)), TC_PASS);
	assert_int_equal(tc_in(tcp4("192.0.2.10", 443, HOST, 40001, SYN | ACK)), TC_PASS);
}

/*
 * A new policy that still allows a flow keeps it: its next packets, the
 * replies included, pass, and the entry takes the new epoch.
 */
static void test_flow_kept_by_policy_that_allows_it(void **state)
{
	struct pc_ct_key k;
	struct pc_ct_val v;
	uint32_t before;

	need_env();
	open_two_flows();
	before = epoch_now();

	pol_lo(PC_MODE_ENFORCE);	/* the same rules, and one more */
	pol_rule(0, PC_DIR_IN, IPPROTO_TCP, 22, 22, 0);
	pol_rule(0, PC_DIR_IN, IPPROTO_TCP, 80, 80, 0);
	pol_rule(0, PC_DIR_OUT, IPPROTO_TCP, 443, 443, 1);
	pol_peer(1, "192.0.2.0/24");
	pol_install();
	assert_int_equal(epoch_now(), before + 1);

	assert_int_equal(tc_out(tcp4(HOST, 80, CLIENT, 40000, ACK)), TC_PASS);
	assert_int_equal(tc_in(tcp4("192.0.2.10", 443, HOST, 40001, ACK)), TC_PASS);
	assert_int_equal(tc_in(tcp4(CLIENT, 40000, HOST, 80, ACK)), TC_PASS);
	assert_int_equal(take_events(), 0);
	assert_int_equal(ct_count(), 2);
	assert_int_equal(ctstats().revoked, 0);

	memset(&k, 0, sizeof(k));
	addr16(HOST, k.saddr);
	addr16("192.0.2.10", k.daddr);
	k.sport = 40001;
	k.dport = 443;
	k.zone = PC_CT_ZONE_IFACE;
	k.proto = IPPROTO_TCP;
	/* replies only, no ACK of ours yet: still among the unreplied */
	assert_int_equal(bpf_map_lookup_elem(env.ctnew_fd, &k, &v), 0);
	assert_int_equal(v.epoch, before + 1);
	assert_int_equal(v.dir, PC_DIR_OUT);
	assert_int_equal(v.scope, 0);
}

/*
 * Removing a rule cuts the flows it allowed at their next packet, replies
 * included: an inbound flow whose port rule is gone and an outbound flow
 * whose peer left the rule's set are dropped and reported, in both
 * directions, and their entries are gone.
 */
static void test_removed_rule_cuts_its_flows(void **state)
{
	need_env();
	open_two_flows();
	assert_int_equal(ct_count(), 2);

	pol_lo(PC_MODE_ENFORCE);	/* no :80; :443 only to another network */
	pol_rule(0, PC_DIR_IN, IPPROTO_TCP, 22, 22, 0);
	pol_rule(0, PC_DIR_OUT, IPPROTO_TCP, 443, 443, 1);
	pol_peer(1, "198.18.0.0/15");
	pol_install();

	/* the replies: out for the inbound flow, in for the outbound one */
	assert_int_equal(tc_out(tcp4(HOST, 80, CLIENT, 40000, ACK)), TC_DROP);
	assert_int_equal(tc_in(tcp4("192.0.2.10", 443, HOST, 40001, ACK)), TC_DROP);
	assert_int_equal(ct_count(), 0);
	assert_int_equal(ctstats().revoked, 2);
	/* and the original direction */
	assert_int_equal(tc_in(tcp4(CLIENT, 40000, HOST, 80, ACK)), TC_DROP);
	assert_int_equal(tc_out(tcp4(HOST, 40001, "192.0.2.10", 443, ACK)), TC_DROP);
	assert_stats(0, 4, 4, 0, 0);
	assert_int_equal(take_events(), 4);
	assert_int_equal(events[0].verdict, PC_VERDICT_DENY);
	assert_int_equal(events[0].hook, PC_HOOK_TC_OUT);
	assert_int_equal(events[0].sport, 80);
	assert_int_equal(events[1].verdict, PC_VERDICT_DENY);
	assert_int_equal(events[1].hook, PC_HOOK_TC_IN);
	assert_int_equal(events[1].sport, 443);
	assert_addr(events[1].saddr, "192.0.2.10");
	assert_int_equal(events[3].reason, PC_REASON_PEER);
}

/*
 * ICMP echo flows are judged again by the echo-request rule, and UDP as
 * TCP: the rule gone, the reply is dropped.
 */
static void test_removed_rule_cuts_echo_and_udp(void **state)
{
	need_env();
	pol_lo(PC_MODE_ENFORCE);
	pol_rule(0, PC_DIR_OUT, IPPROTO_ICMP, 8, 8, 0);
	pol_rule(0, PC_DIR_OUT, IPPROTO_UDP, 53, 53, 0);
	pol_install();
	assert_int_equal(tc_out(icmp4(HOST, "9.9.9.9", 8, 7)), TC_PASS);
	assert_int_equal(tc_out(udp4(HOST, 5000, "9.9.9.9", 53)), TC_PASS);

	pol_lo(PC_MODE_ENFORCE);	/* echo stays, DNS goes */
	pol_rule(0, PC_DIR_OUT, IPPROTO_ICMP, 8, 8, 0);
	pol_install();
	assert_int_equal(tc_in(icmp4("9.9.9.9", HOST, 0, 7)), TC_PASS);
	assert_int_equal(tc_in(udp4("9.9.9.9", 53, HOST, 5000)), TC_DROP);
	assert_int_equal(ctstats().revoked, 1);
}

/*
 * Audited flows keep their own rule across applies: one no rule allows
 * stays audited (quiet, counted audited), one a new rule allows becomes
 * an allowed flow.
 */
static void test_audited_flow_across_applies(void **state)
{
	uint32_t flags = 0;

	need_env();
	pol_lo(PC_MODE_AUDIT);
	pol_install();
	assert_int_equal(tc_in(tcp4(CLIENT, 40000, HOST, 81, SYN)), TC_PASS);
	assert_int_equal(take_events(), 1);

	pol_lo(PC_MODE_AUDIT);	/* still no rule */
	pol_install();
	assert_int_equal(tc_out(tcp4(HOST, 81, CLIENT, 40000, SYN | ACK)), TC_PASS);
	assert_stats(0, 0, 0, 2, 0);
	assert_true(ct_get(CLIENT, HOST, 40000, 81, PC_CT_ZONE_IFACE, IPPROTO_TCP, &flags));
	assert_int_equal(flags, PC_CT_F_AUDIT | PC_CT_F_REPLIED);

	pol_lo(PC_MODE_AUDIT);	/* now a rule allows it */
	pol_rule(0, PC_DIR_IN, IPPROTO_TCP, 81, 81, 0);
	pol_install();
	assert_int_equal(tc_out(tcp4(HOST, 81, CLIENT, 40000, ACK)), TC_PASS);
	assert_stats(0, 1, 0, 2, 0);
	assert_true(ct_get(CLIENT, HOST, 40000, 81, PC_CT_ZONE_IFACE, IPPROTO_TCP, &flags));
	assert_int_equal(flags, PC_CT_F_REPLIED);
	assert_int_equal(ctstats().revoked, 0);
}

/*
 * In audit mode a revoked flow is reported like any packet no rule
 * allows: it passes, counted audited, with an event.
 */
static void test_removed_rule_audit_reports(void **state)
{
	need_env();
	pol_lo(PC_MODE_AUDIT);
	pol_rule(0, PC_DIR_IN, IPPROTO_TCP, 80, 80, 0);
	pol_install();
	assert_int_equal(tc_in(tcp4(CLIENT, 40000, HOST, 80, SYN)), TC_PASS);

	pol_lo(PC_MODE_AUDIT);
	pol_install();
	assert_int_equal(tc_out(tcp4(HOST, 80, CLIENT, 40000, SYN | ACK)), TC_PASS);
	assert_stats(0, 1, 0, 1, 0);
	assert_int_equal(take_events(), 1);
	assert_int_equal(events[0].verdict, PC_VERDICT_AUDIT);
	assert_int_equal(ctstats().revoked, 1);
}

static void test_missing_policy_fails_closed(void **state)
{
	uint32_t slot;

	need_env();
	pol_lo(PC_MODE_ENFORCE);
	pol_rule(0, PC_DIR_IN, IPPROTO_TCP, 80, 80, 0);
	pol_install();
	assert_int_equal(pc_gen_active(&env.maps, &slot), 0);

	/* a live generation with a scope but no rule map: deny, not pass */
	assert_int_equal(bpf_map_delete_elem(pc_gen_map_fd(&env.maps, PC_MAP_RULES), &slot), 0);
	assert_int_equal(tc_in(tcp4(CLIENT, 40000, HOST, 80, SYN)), TC_DROP);
	assert_int_equal(take_events(), 1);
	assert_int_equal(events[0].reason, PC_REASON_NO_POLICY);
	assert_stats(0, 0, 1, 0, 0);

	pol_install();	/* a full install repairs it */
	assert_int_equal(tc_in(tcp4(CLIENT, 40000, HOST, 80, SYN)), TC_PASS);
}

static void test_ring_full(void **state)
{
	struct pc_stats st;
	int i;

	need_env();
	pol_lo(PC_MODE_ENFORCE);
	pol_install();

	/* far more denials than the one-page ring buffer holds, each its own flow */
	for (i = 0; i < 200; i++)
		assert_int_equal(tc_in(tcp4(CLIENT, (uint16_t)(40000 + i), HOST,
					    (uint16_t)(1000 + i), SYN)), TC_DROP);
	st = stats(0);
	assert_int_equal(st.denied, 200);
	take_events();
	/* 4096 bytes hold 39 events of 96 + 8 header bytes; the rest were lost */
	assert_int_equal(n_seen, (int)(getpagesize() / (sizeof(struct pc_event) + 8)));
	/* drained, it reports again */
	n_events = 0;
	assert_int_equal(tc_in(tcp4(CLIENT, 39999, HOST, 23, SYN)), TC_DROP);
	assert_int_equal(take_events(), 1);
	assert_int_equal(events[0].sport, 39999);
}

/* --- not judged ---------------------------------------------------------------- */

static void test_arp_unjudged(void **state)
{
	static const uint8_t arp[28] = { 0, 1, 8, 0, 6, 4, 0, 1 };

	need_env();
	pol_lo(PC_MODE_ENFORCE);
	pol_install();

	pk_init(&pk);
	pk_eth(&pk, ETH_P_ARP);
	put(&pk, arp, sizeof(arp));
	assert_int_equal(tc_in(&pk), TC_PASS);
	assert_int_equal(tc_out(&pk), TC_PASS);
	assert_stats(0, 0, 0, 0, 0);
	assert_int_equal(take_events(), 0);
}

static void test_ipv6_nd_and_mld_unjudged(void **state)
{
	uint8_t type;

	need_env();
	pol_lo(PC_MODE_ENFORCE);
	pol_install();

	for (type = 133; type <= 137; type++) {
		assert_int_equal(tc_in(icmp6("fe80::1", "ff02::1:ff00:1", type, 0)), TC_PASS);
		assert_int_equal(tc_out(icmp6("fe80::2", "fe80::1", type, 0)), TC_PASS);
	}
	/* MLD queries, reports, done, MLDv2 reports */
	for (type = 130; type <= 132; type++)
		assert_int_equal(tc_out(icmp6("fe80::2", "ff02::1:ff00:2", type, 0)), TC_PASS);
	assert_int_equal(tc_out(icmp6("fe80::2", "ff02::16", 143, 0)), TC_PASS);
	/* an echo request is judged */
	assert_int_equal(tc_in(icmp6(CLIENT6, HOST6, 128, 7)), TC_DROP);
	assert_stats(0, 0, 1, 0, 0);
}

/* A hook on an interface the live generation has no scope for: fail closed. */
static void test_unscoped_ifindex_dropped(void **state)
{
	need_env();
	pol_reset();
	pol_scope(PC_SCOPE_IFACE, 4242, PC_MODE_AUDIT);	/* not lo */
	pol_install();

	assert_int_equal(tc_in(tcp4(CLIENT, 40000, HOST, 22, SYN)), TC_DROP);
	assert_int_equal(tc_out(tcp4(HOST, 22, CLIENT, 40000, SYN | ACK)), TC_DROP);
	/* before any parsing: the scope says how to parse */
	assert_int_equal(tc_in(&(struct pkt){ .len = 20 }), TC_DROP);
	assert_stats(0, 0, 0, 0, 0);
	assert_stats(PC_SCOPE_NONE, 0, 3, 0, 0);
	assert_reason(PC_SCOPE_NONE, PC_REASON_NO_SCOPE, 3, 0);
	assert_int_equal(take_events(), 3);	/* one flow per hook */
	assert_int_equal(events[0].reason, PC_REASON_NO_SCOPE);
	assert_int_equal(events[0].verdict, PC_VERDICT_DENY);
	assert_int_equal(events[0].scope, PC_SCOPE_NONE);
	assert_int_equal(events[0].hook, PC_HOOK_TC_IN);
	assert_int_equal(events[0].ifindex, LO_IFINDEX);
	assert_int_equal(events[1].hook, PC_HOOK_TC_OUT);
}

static void test_unresolved_scope_skipped(void **state)
{
	uint32_t a, b;

	need_env();
	pol_reset();
	a = pol_scope(0, 0, PC_MODE_ENFORCE);	/* target absent on this host */
	b = pol_scope(PC_SCOPE_IFACE, LO_IFINDEX, PC_MODE_ENFORCE);
	pol_rule(a, PC_DIR_IN, IPPROTO_TCP, 80, 80, 0);
	pol_rule(b, PC_DIR_IN, IPPROTO_TCP, 81, 81, 0);
	pol_install();

	/* scope ids keep their config order: lo is scope 1 */
	assert_int_equal(tc_in(tcp4(CLIENT, 40000, HOST, 81, SYN)), TC_PASS);
	assert_int_equal(tc_in(tcp4(CLIENT, 40000, HOST, 80, SYN)), TC_DROP);
	assert_stats(b, 1, 1, 0, 0);
	assert_stats(a, 0, 0, 0, 0);
}

static void test_loopback_unjudged(void **state)
{
	need_env();
	pol_lo(PC_MODE_ENFORCE);
	pol_install();

	assert_int_equal(tc_in(tcp4("127.0.0.1", 40000, "127.0.0.1", 9999, SYN)), TC_PASS);
	assert_int_equal(tc_in(tcp6("::1", 40000, "::1", 9999, SYN)), TC_PASS);
	assert_stats(0, 0, 0, 0, 0);
	/* one loopback end on an interface is a spoof: judged */
	assert_int_equal(tc_in(tcp4("127.0.0.1", 40000, HOST, 9999, SYN)), TC_DROP);
	assert_stats(0, 0, 1, 0, 0);
}

/*
 * 127/8 and ::1 on a real interface are martians (with route_localnet=1 a
 * host would answer them): judged there, unjudged only on lo.
 */
static void test_loopback_judged_off_lo(void **state)
{
	int ifindex;

	need_env();
	if (system("ip link add pc-lo-a type veth peer name pc-lo-b && ip link set pc-lo-a up"))
		fail_msg("cannot create a veth pair in the test namespace");
	ifindex = (int)if_nametoindex("pc-lo-a");
	assert_true(ifindex > 1);
	pol_reset();
	pol_scope(PC_SCOPE_IFACE, (uint64_t)ifindex, PC_MODE_ENFORCE);
	pol_install();

	assert_int_equal(run_on(env.skel->progs.tc_ingress,
				tcp4("127.0.0.1", 40000, "127.0.0.1", 9999, SYN), (uint32_t)ifindex),
			 TC_DROP);
	assert_int_equal(run_on(env.skel->progs.tc_ingress,
				tcp6("::1", 40000, "::1", 9999, SYN), (uint32_t)ifindex), TC_DROP);
	assert_int_equal(run_on(env.skel->progs.tc_egress,
				tcp4("127.0.0.1", 9999, "127.0.0.1", 40000, SYN), (uint32_t)ifindex),
			 TC_DROP);
	assert_stats(0, 0, 3, 0, 0);
	if (system("ip link del pc-lo-a"))
		fail_msg("cannot delete the veth pair");
}

static void test_vlan(void **state)
{
	need_env();
	pol_lo(PC_MODE_ENFORCE);
	pol_rule(0, PC_DIR_IN, IPPROTO_TCP, 80, 80, 0);
	pol_install();

	/* VID 5: the subinterface's traffic, not judged here */
	pk_init(&pk);
	pk_eth(&pk, ETH_P_8021Q);
	pk_vlan(&pk, 5, ETH_P_IP);
	pk_ip4(&pk, CLIENT, HOST, IPPROTO_TCP);
	pk_tcp(&pk, 40000, 22, SYN);
	pk_finish(&pk);
	assert_int_equal(tc_in(&pk), TC_PASS);
	assert_stats(0, 0, 0, 0, 0);

	/* priority tag (VID 0): the parent's own traffic, judged */
	pk_init(&pk);
	pk_eth(&pk, ETH_P_8021Q);
	pk_vlan(&pk, 0, ETH_P_IP);
	pk_ip4(&pk, CLIENT, HOST, IPPROTO_TCP);
	pk_tcp(&pk, 40000, 22, SYN);
	pk_finish(&pk);
	assert_int_equal(tc_in(&pk), TC_DROP);

	pk_init(&pk);
	pk_eth(&pk, ETH_P_8021AD);
	pk_vlan(&pk, 0, ETH_P_8021Q);
	pk_vlan(&pk, 0, ETH_P_IP);
	pk_ip4(&pk, CLIENT, HOST, IPPROTO_TCP);
	pk_tcp(&pk, 40000, 80, SYN);
	pk_finish(&pk);
	assert_int_equal(tc_in(&pk), TC_PASS);
	assert_stats(0, 1, 1, 0, 0);
}

/*
 * The kernel strips any number of priority tags and delivers the frame to
 * the parent device: a stack of tags the parser did not walk to the end
 * must never pass unjudged (a neighbour would reach any port).
 */
static void test_vlan_tags_not_walked_are_malformed(void **state)
{
	static const uint16_t tpids[] = { ETH_P_8021Q, ETH_P_8021AD };
	size_t t;
	int i;

	need_env();
	pol_lo(PC_MODE_ENFORCE);
	pol_rule(0, PC_DIR_IN, IPPROTO_TCP, 80, 80, 0);
	pol_install();

	for (t = 0; t < 2; t++) {
		/* three and five priority tags, then TCP to an allowed port */
		for (i = 3; i <= 5; i += 2) {
			int k;

			pk_init(&pk);
			pk_eth(&pk, tpids[t]);
			for (k = 0; k < i; k++)
				pk_vlan(&pk, 0, k + 1 < i ? tpids[t] : ETH_P_IP);
			pk_ip4(&pk, CLIENT, HOST, IPPROTO_TCP);
			pk_tcp(&pk, 53, 80, SYN);
			pk_finish(&pk);
			assert_int_equal(tc_in(&pk), TC_DROP);
		}
	}
	/* a tag cut short */
	pk_init(&pk);
	pk_eth(&pk, ETH_P_8021Q);
	pk_vlan(&pk, 0, ETH_P_8021Q);
	pk_ip4(&pk, CLIENT, HOST, IPPROTO_TCP);
	pk.len = 14 + 4 + 2;
	assert_int_equal(tc_in(&pk), TC_DROP);
	assert_stats(0, 0, 5, 0, 5);
	assert_int_equal(take_events(), 5);
	assert_int_equal(events[0].reason, PC_REASON_MALFORMED);
}

/* --- malformed and fragments -------------------------------------------------- */

/* A packet run as a GSO super-packet (gso_size set), as BIG TCP makes them. */
static int tc_in_gso(const struct pkt *p, uint32_t gso_size)
{
	struct __sk_buff ctx = { .ifindex = LO_IFINDEX, .gso_size = gso_size, .gso_segs = 2 };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = p->d, .data_size_in = (uint32_t)p->len,
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = 1);

	assert_int_equal(bpf_prog_test_run_opts(bpf_program__fd(env.skel->progs.tc_ingress), &o), 0);
	return (int)o.retval;
}

/*
 * BIG TCP: an IPv4 GSO packet over 64 KiB has tot_len 0, an IPv6 one
 * payload length 0. Judged by their headers like any other; tot_len 0
 * without GSO is still malformed.
 */
static void test_big_tcp_judged(void **state)
{
	need_env();
	pol_lo(PC_MODE_ENFORCE);
	pol_rule(0, PC_DIR_IN, IPPROTO_TCP, 80, 80, 0);
	pol_install();

	tcp4(CLIENT, 40000, HOST, 80, ACK);
	pk.d[14 + 2] = 0;
	pk.d[14 + 3] = 0;
	assert_int_equal(tc_in_gso(&pk, 1448), TC_PASS);
	tcp4(CLIENT, 40000, HOST, 81, ACK);
	pk.d[14 + 2] = 0;
	pk.d[14 + 3] = 0;
	assert_int_equal(tc_in_gso(&pk, 1448), TC_DROP);
	tcp6(CLIENT6, 40000, HOST6, 80, ACK);
	pk.d[14 + 4] = 0;
	pk.d[14 + 5] = 0;
	assert_int_equal(tc_in_gso(&pk, 1428), TC_PASS);
	assert_stats(0, 2, 1, 0, 0);
	/* without GSO, tot_len 0 is a lie */
	tcp4(CLIENT, 40000, HOST, 80, ACK);
	pk.d[14 + 2] = 0;
	pk.d[14 + 3] = 0;
	assert_int_equal(tc_in(&pk), TC_DROP);
	assert_stats(0, 2, 2, 0, 1);
}

static void test_truncated_ipv4_header(void **state)
{
	need_env();
	pol_lo(PC_MODE_ENFORCE);
	pol_rule(0, PC_DIR_IN, IPPROTO_TCP, 80, 80, 0);
	pol_install();

	/*
	 * 12 of 20 header bytes. BPF_PROG_TEST_RUN refuses a frame of type IP
	 * shorter than an IP header (-EINVAL), so the short header comes
	 * behind a priority tag (VID 0), which the parser looks through.
	 */
	pk_init(&pk);
	pk_eth(&pk, ETH_P_8021Q);
	pk_vlan(&pk, 0, ETH_P_IP);
	pk_ip4(&pk, CLIENT, HOST, IPPROTO_TCP);
	pk.len -= 8;
	assert_int_equal(tc_in(&pk), TC_DROP);

	/* options announced (IHL 15) but not there */
	tcp4(CLIENT, 40000, HOST, 80, SYN);
	pk.d[14] = 0x4f;
	pk.len = 14 + 20 + 10;
	assert_int_equal(tc_in(&pk), TC_DROP);

	tcp4(CLIENT, 40000, HOST, 80, SYN);
	pk.d[14] = 0x44;	/* IHL 4 */
	assert_int_equal(tc_in(&pk), TC_DROP);

	tcp4(CLIENT, 40000, HOST, 80, SYN);
	pk.d[14] = 0x65;	/* version 6 in an IPv4 frame */
	assert_int_equal(tc_in(&pk), TC_DROP);

	/* the same for IPv6: 30 of 40 header bytes */
	pk_init(&pk);
	pk_eth(&pk, ETH_P_8021Q);
	pk_vlan(&pk, 0, ETH_P_IPV6);
	pk_ip6(&pk, CLIENT6, HOST6, IPPROTO_TCP);
	pk.len -= 10;
	assert_int_equal(tc_in(&pk), TC_DROP);

	assert_stats(0, 0, 5, 0, 5);
	assert_int_equal(take_events(), 5);
	assert_int_equal(events[0].reason, PC_REASON_MALFORMED);
	assert_int_equal(events[0].family, 4);
	assert_int_equal(events[4].family, 6);
}

static void test_truncated_l4_header(void **state)
{
	need_env();
	pol_lo(PC_MODE_AUDIT);
	pol_rule(0, PC_DIR_IN, IPPROTO_TCP, 80, 80, 0);
	pol_rule(0, PC_DIR_IN, IPPROTO_UDP, 53, 53, 0);
	pol_install();

	tcp4(CLIENT, 40000, HOST, 80, SYN);
	pk.len -= 10;	/* 10 of 20 TCP bytes */
	pk_finish(&pk);
	assert_int_equal(tc_in(&pk), TC_PASS);	/* audit */

	udp4(CLIENT, 40000, HOST, 53);
	pk.len -= 4;
	pk_finish(&pk);
	assert_int_equal(tc_in(&pk), TC_PASS);

	tcp4(CLIENT, 40000, HOST, 80, SYN);
	pk.d[14 + 20 + 12] = 4 << 4;	/* data offset 4 */
	assert_int_equal(tc_in(&pk), TC_PASS);

	/* audited, malformed, reported, and never tracked */
	assert_stats(0, 0, 0, 3, 3);
	assert_reason(0, PC_REASON_MALFORMED, 0, 3);
	assert_reason(0, PC_REASON_NO_RULE, 0, 0);
	assert_int_equal(take_events(), 3);
	assert_int_equal(events[0].verdict, PC_VERDICT_AUDIT);
	assert_int_equal(events[0].reason, PC_REASON_MALFORMED);
	assert_int_equal(events[1].proto, IPPROTO_UDP);
	assert_int_equal(ct_count(), 0);

	pc_gen_set_mode(&env.maps, 0, PC_MODE_ENFORCE);
	tcp4(CLIENT, 40000, HOST, 80, SYN);
	pk.len -= 10;
	pk_finish(&pk);
	assert_int_equal(tc_in(&pk), TC_DROP);
	assert_stats(0, 0, 1, 3, 4);
}

static void test_ipv4_fragments(void **state)
{
	uint16_t fo;

	need_env();
	pol_lo(PC_MODE_ENFORCE);
	pol_rule(0, PC_DIR_IN, IPPROTO_TCP, 80, 80, 0);
	pol_install();

	/* non-first fragment: no ports, passes unjudged */
	tcp4(CLIENT, 40000, HOST, 22, SYN);
	fo = htons(185);	/* offset 185*8 */
	memcpy(pk.d + 14 + 6, &fo, 2);
	assert_int_equal(tc_in(&pk), TC_PASS);
	assert_stats(0, 0, 0, 0, 0);

	/* first fragment (MF, offset 0): judged by its ports */
	tcp4(CLIENT, 40000, HOST, 22, SYN);
	fo = htons(0x2000);
	memcpy(pk.d + 14 + 6, &fo, 2);
	assert_int_equal(tc_in(&pk), TC_DROP);
	tcp4(CLIENT, 40000, HOST, 80, SYN);
	memcpy(pk.d + 14 + 6, &fo, 2);
	assert_int_equal(tc_in(&pk), TC_PASS);

	/* a first fragment too short for the TCP header is malformed */
	pk.len -= 12;
	pk_finish(&pk);
	assert_int_equal(tc_in(&pk), TC_DROP);
	assert_stats(0, 1, 2, 0, 1);
}

/* The IPv4 datagram's fragment: id, offset in 8-byte units, more to come. */
static struct pkt *frag4(const char *src, const char *dst, uint16_t id, uint16_t off8, int more)
{
	uint16_t v;

	udp4(src, 40000, dst, 5000);
	v = htons(id);
	memcpy(pk.d + 14 + 4, &v, 2);
	v = htons((uint16_t)(off8 | (more ? 0x2000 : 0)));
	memcpy(pk.d + 14 + 6, &v, 2);
	pk_finish(&pk);
	return &pk;
}

static struct pkt *frag6(const char *src, const char *dst, uint32_t id, uint16_t off8, int more)
{
	uint32_t nid = htonl(id);

	pk_init(&pk);
	pk_eth(&pk, ETH_P_IPV6);
	pk_ip6(&pk, src, dst, IPPROTO_FRAGMENT);
	pk_frag6(&pk, IPPROTO_UDP, off8, more);
	memcpy(pk.d + pk.len - 4, &nid, 4);
	if (off8)
		put(&pk, "later fragment bytes", 20);
	else
		pk_udp(&pk, 40000, 5000);
	pk_finish(&pk);
	return &pk;
}

/*
 * At egress the receiver is another host: a later fragment passes only
 * after its datagram's first fragment did. An unprivileged 8000-byte
 * sendto() to a denied destination must not leak its later fragments.
 */
static void test_fragments_at_egress(void **state)
{
	need_env();
	pol_lo(PC_MODE_ENFORCE);
	pol_rule(0, PC_DIR_OUT, IPPROTO_UDP, 5000, 5000, 0);
	pol_install();

	/* to an allowed port: the first fragment passes, then the rest */
	assert_int_equal(tc_out(frag4(HOST, "192.0.2.10", 7, 0, 1)), TC_PASS);
	assert_int_equal(tc_out(frag4(HOST, "192.0.2.10", 7, 185, 1)), TC_PASS);
	assert_int_equal(tc_out(frag4(HOST, "192.0.2.10", 7, 370, 0)), TC_PASS);
	assert_int_equal(tc_out(frag6(HOST6, "2001:db8::10", 70000, 0, 1)), TC_PASS);
	assert_int_equal(tc_out(frag6(HOST6, "2001:db8::10", 70000, 181, 0)), TC_PASS);
	assert_stats(0, 5, 0, 0, 0);

	/* a denied first fragment (port 6000), then its later ones: all dropped */
	frag4(HOST, "192.0.2.10", 8, 0, 1);
	pk.d[14 + 20 + 3] = 0x70;	/* dport 6000 */
	assert_int_equal(tc_out(&pk), TC_DROP);
	assert_int_equal(tc_out(frag4(HOST, "192.0.2.10", 8, 185, 1)), TC_DROP);
	assert_int_equal(tc_out(frag4(HOST, "192.0.2.10", 8, 370, 0)), TC_DROP);
	/* later fragments of other datagrams, or to another host */
	assert_int_equal(tc_out(frag4(HOST, "192.0.2.10", 9, 185, 0)), TC_DROP);
	assert_int_equal(tc_out(frag4(HOST, "192.0.2.11", 7, 185, 0)), TC_DROP);
	assert_int_equal(tc_out(frag6(HOST6, "2001:db8::10", 70001, 181, 0)), TC_DROP);
	assert_stats(0, 5, 6, 0, 0);
	assert_int_equal(take_events(), 6);
	assert_int_equal(events[1].reason, PC_REASON_FRAGMENT);
	assert_int_equal(events[5].reason, PC_REASON_FRAGMENT);
	assert_int_equal(events[5].family, 6);
}

/* At ingress reassembly protects the host: untracked later fragments pass. */
static void test_fragments_at_ingress(void **state)
{
	need_env();
	pol_lo(PC_MODE_ENFORCE);
	pol_rule(0, PC_DIR_IN, IPPROTO_UDP, 5000, 5000, 0);
	pol_install();

	assert_int_equal(tc_in(frag4(CLIENT, HOST, 21, 0, 1)), TC_PASS);
	assert_int_equal(tc_in(frag4(CLIENT, HOST, 21, 185, 0)), TC_PASS);
	assert_stats(0, 2, 0, 0, 0);
	/* reordered: a later fragment before its first passes, uncounted */
	assert_int_equal(tc_in(frag4(CLIENT, HOST, 22, 185, 0)), TC_PASS);
	assert_stats(0, 2, 0, 0, 0);
}

static void test_ipv6_extension_headers(void **state)
{
	need_env();
	pol_lo(PC_MODE_ENFORCE);
	pol_rule(0, PC_DIR_IN, IPPROTO_TCP, 443, 443, 0);
	pol_install();

	pk_init(&pk);
	pk_eth(&pk, ETH_P_IPV6);
	pk_ip6(&pk, CLIENT6, HOST6, IPPROTO_HOPOPTS);
	pk_ext6(&pk, IPPROTO_DSTOPTS);
	pk_ext6(&pk, IPPROTO_TCP);
	pk_tcp(&pk, 40000, 443, SYN);
	pk_finish(&pk);
	assert_int_equal(tc_in(&pk), TC_PASS);
	assert_true(ct_get(CLIENT6, HOST6, 40000, 443, 0, IPPROTO_TCP, NULL));

	pk_init(&pk);
	pk_eth(&pk, ETH_P_IPV6);
	pk_ip6(&pk, CLIENT6, HOST6, IPPROTO_HOPOPTS);
	pk_ext6(&pk, IPPROTO_ROUTING);
	pk_ext6(&pk, IPPROTO_DSTOPTS);
	pk_ext6(&pk, IPPROTO_TCP);
	pk_tcp(&pk, 40000, 444, SYN);
	pk_finish(&pk);
	assert_int_equal(tc_in(&pk), TC_DROP);
	assert_int_equal(take_events(), 1);
	assert_int_equal(events[0].reason, PC_REASON_NO_RULE);
	assert_int_equal(events[0].dport, 444);
	assert_int_equal(events[0].proto, IPPROTO_TCP);

	/* an extension header cut short is malformed */
	pk_init(&pk);
	pk_eth(&pk, ETH_P_IPV6);
	pk_ip6(&pk, CLIENT6, HOST6, IPPROTO_DSTOPTS);
	put(&pk, (uint8_t[2]){ IPPROTO_TCP, 0 }, 2);
	pk_finish(&pk);
	pk.len = 14 + 40 + 2;
	assert_int_equal(tc_in(&pk), TC_DROP);
	assert_stats(0, 1, 2, 0, 1);
}

static void test_ipv6_too_many_extension_headers(void **state)
{
	int i;

	need_env();
	pol_lo(PC_MODE_ENFORCE);
	pol_rule(0, PC_DIR_IN, IPPROTO_TCP, 443, 443, 0);
	pol_install();

	/* 8 are walked */
	pk_init(&pk);
	pk_eth(&pk, ETH_P_IPV6);
	pk_ip6(&pk, CLIENT6, HOST6, IPPROTO_DSTOPTS);
	for (i = 0; i < 7; i++)
		pk_ext6(&pk, IPPROTO_DSTOPTS);
	pk_ext6(&pk, IPPROTO_TCP);
	pk_tcp(&pk, 40000, 443, SYN);
	pk_finish(&pk);
	assert_int_equal(tc_in(&pk), TC_PASS);

	/* a 9th is too many */
	pk_init(&pk);
	pk_eth(&pk, ETH_P_IPV6);
	pk_ip6(&pk, CLIENT6, HOST6, IPPROTO_DSTOPTS);
	for (i = 0; i < 8; i++)
		pk_ext6(&pk, IPPROTO_DSTOPTS);
	pk_ext6(&pk, IPPROTO_TCP);
	pk_tcp(&pk, 40000, 443, SYN);
	pk_finish(&pk);
	assert_int_equal(tc_in(&pk), TC_DROP);

	/* AH is an extension header we do not walk */
	pk_init(&pk);
	pk_eth(&pk, ETH_P_IPV6);
	pk_ip6(&pk, CLIENT6, HOST6, IPPROTO_AH);
	pk_ext6(&pk, IPPROTO_TCP);
	pk_tcp(&pk, 40000, 443, SYN);
	pk_finish(&pk);
	assert_int_equal(tc_in(&pk), TC_DROP);

	assert_stats(0, 1, 2, 0, 2);
	assert_int_equal(take_events(), 2);
	assert_int_equal(events[0].reason, PC_REASON_IPV6_EXT);
	assert_int_equal(events[1].reason, PC_REASON_IPV6_EXT);
}

static void test_ipv6_fragments(void **state)
{
	need_env();
	pol_lo(PC_MODE_ENFORCE);
	pol_rule(0, PC_DIR_IN, IPPROTO_TCP, 443, 443, 0);
	pol_install();

	/* first fragment: judged by the TCP header after it */
	pk_init(&pk);
	pk_eth(&pk, ETH_P_IPV6);
	pk_ip6(&pk, CLIENT6, HOST6, IPPROTO_FRAGMENT);
	pk_frag6(&pk, IPPROTO_TCP, 0, 1);
	pk_tcp(&pk, 40000, 22, SYN);
	pk_finish(&pk);
	assert_int_equal(tc_in(&pk), TC_DROP);

	/* non-first: passes unjudged */
	pk_init(&pk);
	pk_eth(&pk, ETH_P_IPV6);
	pk_ip6(&pk, CLIENT6, HOST6, IPPROTO_FRAGMENT);
	pk_frag6(&pk, IPPROTO_TCP, 100, 0);
	put(&pk, "some payload bytes", 18);
	pk_finish(&pk);
	assert_int_equal(tc_in(&pk), TC_PASS);
	assert_stats(0, 0, 1, 0, 0);
}

/* --- ICMP ---------------------------------------------------------------------- */

static void test_icmp_echo_out_reply_in(void **state)
{
	need_env();
	pol_lo(PC_MODE_ENFORCE);
	pol_rule(0, PC_DIR_OUT, IPPROTO_ICMP, 8, 8, 0);	/* echo request */
	pol_install();

	assert_int_equal(tc_out(icmp4(HOST, "9.9.9.9", 8, 0x1234)), TC_PASS);
	assert_true(ct_get(HOST, "9.9.9.9", 0x1234, 0, 0, IPPROTO_ICMP, NULL));
	assert_int_equal(tc_in(icmp4("9.9.9.9", HOST, 0, 0x1234)), TC_PASS);
	/* other id, other host, or unsolicited request: no */
	assert_int_equal(tc_in(icmp4("9.9.9.9", HOST, 0, 0x1235)), TC_DROP);
	assert_int_equal(tc_in(icmp4("8.8.8.8", HOST, 0, 0x1234)), TC_DROP);
	assert_int_equal(tc_in(icmp4("9.9.9.9", HOST, 8, 0x1234)), TC_DROP);
	assert_stats(0, 2, 3, 0, 0);
	assert_int_equal(take_events(), 3);
	assert_int_equal(events[0].sport, 0);
	assert_int_equal(events[0].dport, 0);	/* ICMP: dport is the type */
	assert_int_equal(events[2].dport, 8);
}

static void test_icmp_echo_in_reply_out(void **state)
{
	need_env();
	pol_lo(PC_MODE_ENFORCE);
	pol_rule(0, PC_DIR_IN, IPPROTO_ICMP, 8, 8, 0);
	pol_rule(0, PC_DIR_IN, IPPROTO_ICMPV6, 128, 128, 0);
	pol_install();

	assert_int_equal(tc_in(icmp4(CLIENT, HOST, 8, 77)), TC_PASS);
	assert_int_equal(tc_out(icmp4(HOST, CLIENT, 0, 77)), TC_PASS);
	assert_int_equal(tc_in(icmp6(CLIENT6, HOST6, 128, 78)), TC_PASS);
	assert_int_equal(tc_out(icmp6(HOST6, CLIENT6, 129, 78)), TC_PASS);
	assert_int_equal(tc_out(icmp6(HOST6, CLIENT6, 129, 79)), TC_DROP);
	assert_stats(0, 4, 1, 0, 0);
}

/* ICMP error to this host quoting a packet HOST:sport -> dst:dport. */
static void icmp4_error_about(uint8_t type, uint8_t code, uint16_t sport, const char *dst,
			      uint16_t dport)
{
	pk_init(&pk);
	pk_eth(&pk, ETH_P_IP);
	pk_ip4(&pk, "203.0.113.1", HOST, IPPROTO_ICMP);
	pk_icmp(&pk, type, code, 0, 0);
	pk_ip4(&pk, HOST, dst, IPPROTO_TCP);
	put16(&pk, sport);
	put16(&pk, dport);
	put(&pk, "\0\0\0\1", 4);	/* sequence number: 8 bytes quoted */
	pk_finish(&pk);
}

static void test_icmp_error_about_allowed_flow(void **state)
{
	need_env();
	pol_lo(PC_MODE_ENFORCE);
	pol_rule(0, PC_DIR_OUT, IPPROTO_TCP, 443, 443, 0);
	pol_install();

	assert_int_equal(tc_out(tcp4(HOST, 40000, "192.0.2.10", 443, SYN)), TC_PASS);
	icmp4_error_about(3, 4, 40000, "192.0.2.10", 443);	/* frag needed */
	assert_int_equal(tc_in(&pk), TC_PASS);
	icmp4_error_about(11, 0, 40000, "192.0.2.10", 443);	/* time exceeded */
	assert_int_equal(tc_in(&pk), TC_PASS);
	/* about a flow that does not exist */
	icmp4_error_about(3, 3, 40000, "192.0.2.10", 444);
	assert_int_equal(tc_in(&pk), TC_DROP);
	icmp4_error_about(3, 3, 40001, "192.0.2.10", 443);
	assert_int_equal(tc_in(&pk), TC_DROP);
	/* a quote cut short is no flow: judged by the ICMP rules, here none */
	icmp4_error_about(3, 4, 40000, "192.0.2.10", 443);
	pk.len -= 8 + 10;
	assert_int_equal(tc_in(&pk), TC_DROP);
	assert_stats(0, 3, 3, 0, 0);
	assert_int_equal(take_events(), 3);
	assert_int_equal(events[0].proto, IPPROTO_ICMP);
	assert_int_equal(events[0].dport, 3);
	assert_int_equal(events[2].reason, PC_REASON_NO_RULE);
}

/*
 * An ICMP error with a short quote is an ICMP message like any other: a
 * rule for its type lets it in, and without one it is denied (never judged
 * malformed, never let through by conntrack). One whose destination is not
 * the quoted packet's source is not about this host's flow.
 */
static void test_icmp_error_judged_by_rules_and_addressed(void **state)
{
	need_env();
	pol_lo(PC_MODE_ENFORCE);
	pol_rule(0, PC_DIR_OUT, IPPROTO_TCP, 443, 443, 0);
	pol_install();

	assert_int_equal(tc_out(tcp4(HOST, 40000, "192.0.2.10", 443, SYN)), TC_PASS);
	/* the quoted flow is tracked, but the error goes to someone else */
	pk_init(&pk);
	pk_eth(&pk, ETH_P_IP);
	pk_ip4(&pk, "203.0.113.1", "10.0.0.2", IPPROTO_ICMP);
	pk_icmp(&pk, 3, 4, 0, 0);
	pk_ip4(&pk, HOST, "192.0.2.10", IPPROTO_TCP);
	put16(&pk, 40000);
	put16(&pk, 443);
	put(&pk, "\0\0\0\1", 4);
	pk_finish(&pk);
	assert_int_equal(tc_in(&pk), TC_DROP);
	/* only the IP header quoted: denied, and not as malformed */
	icmp4_error_about(3, 4, 40000, "192.0.2.10", 443);
	pk.len -= 8;
	assert_int_equal(tc_in(&pk), TC_DROP);
	assert_stats(0, 1, 2, 0, 0);

	/* a rule for destination-unreachable admits the short one */
	pol_lo(PC_MODE_ENFORCE);
	pol_rule(0, PC_DIR_IN, IPPROTO_ICMP, 3, 3, 0);
	pol_install();
	icmp4_error_about(3, 4, 40000, "192.0.2.10", 443);
	pk.len -= 8 + 10;
	assert_int_equal(tc_in(&pk), TC_PASS);
}

static void test_icmp6_error_about_inbound_flow(void **state)
{
	need_env();
	pol_lo(PC_MODE_ENFORCE);
	pol_rule(0, PC_DIR_IN, IPPROTO_TCP, 443, 443, 0);
	pol_install();

	assert_int_equal(tc_in(tcp6(CLIENT6, 40000, HOST6, 443, SYN)), TC_PASS);

	/* our reply was too big for a router on the way back */
	pk_init(&pk);
	pk_eth(&pk, ETH_P_IPV6);
	pk_ip6(&pk, "2001:db8:77::1", HOST6, IPPROTO_ICMPV6);
	pk_icmp(&pk, 2, 0, 0, 1280);
	pk_ip6(&pk, HOST6, CLIENT6, IPPROTO_TCP);
	pk_tcp(&pk, 443, 40000, SYN | ACK);
	pk_finish(&pk);
	assert_int_equal(tc_in(&pk), TC_PASS);

	/* the same about another port */
	pk_init(&pk);
	pk_eth(&pk, ETH_P_IPV6);
	pk_ip6(&pk, "2001:db8:77::1", HOST6, IPPROTO_ICMPV6);
	pk_icmp(&pk, 1, 4, 0, 0);
	pk_ip6(&pk, HOST6, CLIENT6, IPPROTO_TCP);
	pk_tcp(&pk, 443, 40001, SYN | ACK);
	pk_finish(&pk);
	assert_int_equal(tc_in(&pk), TC_DROP);
	assert_stats(0, 2, 1, 0, 0);
}

/* --- cgroup_skb ---------------------------------------------------------------- */

static void test_cgroup_skb_scope_and_verdicts(void **state)
{
	uint32_t sc;

	need_cgroup();
	pol_reset();
	sc = pol_scope(PC_SCOPE_CGROUP, env.cg.parent_id, PC_MODE_ENFORCE);
	pol_rule(sc, PC_DIR_IN, IPPROTO_TCP, 80, 80, 0);
	pol_install();

	/* the socket is in leaf; its ancestor 'parent' has the scope */
	assert_int_equal(cg_in(tcp4(CLIENT, 40000, HOST, 80, SYN)), CG_PASS);
	assert_int_equal(cg_out(tcp4(HOST, 80, CLIENT, 40000, SYN | ACK)), CG_PASS);
	assert_int_equal(cg_in(tcp4(CLIENT, 40000, HOST, 81, SYN)), CG_DROP);
	assert_int_equal(cg_out(tcp4(HOST, 40000, CLIENT, 443, SYN)), CG_DROP);
	assert_stats(sc, 2, 2, 0, 0);
	assert_int_equal(take_events(), 2);
	assert_int_equal(events[0].hook, PC_HOOK_CG_IN);
	assert_int_equal(events[1].hook, PC_HOOK_CG_OUT);
	assert_int_equal(events[0].cgroup_id, env.cg.leaf_id);
	assert_int_equal(events[0].ifindex, 0);
	assert_int_equal(events[0].flags & PC_EV_F_TASK, 0);
	/* TC scopes do not apply to cgroup hooks and vice versa: lo has none */
	assert_int_equal(tc_in(tcp4(CLIENT, 40000, HOST, 81, SYN)), TC_DROP);
	assert_int_equal(take_events(), 3);
	assert_int_equal(events[2].reason, PC_REASON_NO_SCOPE);
}

static void test_cgroup_skb_deepest_scope_wins(void **state)
{
	uint32_t parent, leaf;

	need_cgroup();
	pol_reset();
	parent = pol_scope(PC_SCOPE_CGROUP, env.cg.parent_id, PC_MODE_ENFORCE);
	leaf = pol_scope(PC_SCOPE_CGROUP, env.cg.leaf_id, PC_MODE_ENFORCE);
	pol_rule(parent, PC_DIR_IN, IPPROTO_TCP, 80, 80, 0);
	pol_rule(leaf, PC_DIR_IN, IPPROTO_TCP, 81, 81, 0);
	pol_install();

	assert_int_equal(cg_in(tcp4(CLIENT, 40000, HOST, 81, SYN)), CG_PASS);
	assert_int_equal(cg_in(tcp4(CLIENT, 40000, HOST, 80, SYN)), CG_DROP);
	assert_stats(leaf, 1, 1, 0, 0);
	assert_stats(parent, 0, 0, 0, 0);
}

static void test_cgroup_skb_malformed_and_loopback(void **state)
{
	uint32_t sc;

	need_cgroup();
	pol_reset();
	sc = pol_scope(PC_SCOPE_CGROUP, env.cg.leaf_id, PC_MODE_ENFORCE);
	pol_install();

	assert_int_equal(cg_out(tcp4("127.0.0.1", 40000, "127.0.0.1", 5432, SYN)), CG_PASS);
	tcp4(HOST, 40000, CLIENT, 443, SYN);
	pk.len -= 8;
	assert_int_equal(cg_out(&pk), CG_DROP);
	assert_stats(sc, 0, 1, 0, 1);
}

/* --- sock_addr, attached --------------------------------------------------------- */

/* connect() a non-blocking socket; 0 or errno. */
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

/* sendto() from a UDP socket bound to bind_port (0: any); 0 or errno. */
static int try_sendto4(uint16_t bind_port, const char *addr, uint16_t port)
{
	struct sockaddr_in s = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct sockaddr_in b = { .sin_family = AF_INET, .sin_port = htons(bind_port) };
	int fd, err = 0;

	assert_int_equal(inet_pton(AF_INET, addr, &s.sin_addr), 1);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	assert_true(fd >= 0);
	if (bind_port)
		assert_int_equal(bind(fd, (struct sockaddr *)&b, sizeof(b)), 0);
	if (sendto(fd, "x", 1, 0, (struct sockaddr *)&s, sizeof(s)) < 0)
		err = errno;
	close(fd);
	return err;
}

/* sendto() from an IPv6 UDP socket; 0 or errno. */
static int try_sendto6(const char *addr, uint16_t port)
{
	struct sockaddr_in6 s = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
	int fd, err = 0;

	assert_int_equal(inet_pton(AF_INET6, addr, &s.sin6_addr), 1);
	fd = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	assert_true(fd >= 0);
	if (sendto(fd, "x", 1, 0, (struct sockaddr *)&s, sizeof(s)) < 0)
		err = errno;
	close(fd);
	return err;
}

static void test_connect4_enforce(void **state)
{
	char comm[16] = { 0 };
	uint32_t sc;

	need_cgroup();
	pol_reset();
	sc = pol_scope(PC_SCOPE_CGROUP, env.cg.parent_id, PC_MODE_ENFORCE);
	pol_rule(sc, PC_DIR_OUT, IPPROTO_TCP, 443, 443, 1);
	pol_peer(1, "10.1.2.0/24");
	pol_install();

	/* allowed: the hook lets it through, then there is no route (private netns) */
	assert_int_not_equal(try_connect(AF_INET, SOCK_STREAM, "10.1.2.3", 443), EPERM);
	assert_int_equal(try_connect(AF_INET, SOCK_STREAM, "10.1.3.3", 443), EPERM);
	assert_int_equal(try_connect(AF_INET, SOCK_STREAM, "10.1.2.3", 444), EPERM);
	assert_int_equal(try_connect(AF_INET, SOCK_DGRAM, "10.1.2.3", 443), EPERM);
	assert_stats(sc, 1, 3, 0, 0);

	assert_int_equal(take_events(), 3);
	assert_int_equal(events[0].hook, PC_HOOK_CONNECT4);
	assert_int_equal(events[0].verdict, PC_VERDICT_DENY);
	assert_int_equal(events[0].reason, PC_REASON_PEER);
	assert_int_equal(events[0].dir, PC_DIR_OUT);
	assert_int_equal(events[0].family, 4);
	assert_int_equal(events[0].dport, 443);
	assert_addr(events[0].daddr, "10.1.3.3");
	assert_int_equal(events[0].flags, PC_EV_F_TASK);
	assert_int_equal(events[0].pid, (uint32_t)getpid());
	assert_int_equal(events[0].uid, (uint32_t)getuid());
	assert_int_equal(events[0].cgroup_id, env.cg.leaf_id);
	assert_int_equal(events[0].ifindex, 0);
	{
		FILE *f = fopen("/proc/self/comm", "r");

		assert_non_null(f);
		assert_non_null(fgets(comm, sizeof(comm), f));
		fclose(f);
		comm[strcspn(comm, "\n")] = 0;
		assert_string_equal(events[0].comm, comm);
	}
	assert_int_equal(events[2].proto, IPPROTO_UDP);
}

static void test_connect_audit_and_loopback(void **state)
{
	uint32_t sc;

	need_cgroup();
	pol_reset();
	sc = pol_scope(PC_SCOPE_CGROUP, env.cg.leaf_id, PC_MODE_AUDIT);
	pol_install();

	assert_int_not_equal(try_connect(AF_INET, SOCK_STREAM, "10.1.3.3", 443), EPERM);
	assert_stats(sc, 0, 0, 1, 0);
	assert_int_equal(take_events(), 1);
	assert_int_equal(events[0].verdict, PC_VERDICT_AUDIT);

	/* loopback and unspecified destinations are never judged */
	pc_gen_set_mode(&env.maps, sc, PC_MODE_ENFORCE);
	assert_int_not_equal(try_connect(AF_INET, SOCK_STREAM, "127.0.0.1", 9), EPERM);
	assert_int_not_equal(try_connect(AF_INET, SOCK_DGRAM, "127.0.0.53", 53), EPERM);
	assert_int_not_equal(try_connect(AF_INET, SOCK_STREAM, "0.0.0.0", 9), EPERM);
	assert_int_not_equal(try_connect(AF_INET6, SOCK_STREAM, "::1", 9), EPERM);
	assert_int_not_equal(try_connect(AF_INET6, SOCK_STREAM, "::ffff:127.0.0.1", 9), EPERM);
	assert_stats(sc, 0, 0, 1, 0);
	assert_int_equal(try_connect(AF_INET, SOCK_STREAM, "10.1.3.3", 443), EPERM);
}

static void test_connect6_and_mapped(void **state)
{
	uint32_t sc;

	need_cgroup();
	pol_reset();
	sc = pol_scope(PC_SCOPE_CGROUP, env.cg.parent_id, PC_MODE_ENFORCE);
	pol_rule(sc, PC_DIR_OUT, IPPROTO_TCP, 443, 443, 1);
	pol_peer(1, "2001:db8:1::/48");
	pol_peer(1, "10.1.2.0/24");
	pol_install();

	assert_int_not_equal(try_connect(AF_INET6, SOCK_STREAM, "2001:db8:1::9", 443), EPERM);
	assert_int_equal(try_connect(AF_INET6, SOCK_STREAM, "2001:db8:2::9", 443), EPERM);
	/* a dual-stack socket to ::ffff:a.b.c.d is IPv4 and meets the IPv4 prefix */
	assert_int_not_equal(try_connect(AF_INET6, SOCK_STREAM, "::ffff:10.1.2.3", 443), EPERM);
	assert_int_equal(try_connect(AF_INET6, SOCK_STREAM, "::ffff:10.1.3.3", 443), EPERM);
	assert_stats(sc, 2, 2, 0, 0);
	assert_int_equal(take_events(), 2);
	assert_int_equal(events[0].hook, PC_HOOK_CONNECT6);
	assert_int_equal(events[0].family, 6);
	assert_int_equal(events[1].family, 4);
	assert_addr(events[1].daddr, "10.1.3.3");
}

static void test_sendmsg(void **state)
{
	uint32_t sc;

	need_cgroup();
	pol_reset();
	sc = pol_scope(PC_SCOPE_CGROUP, env.cg.leaf_id, PC_MODE_ENFORCE);
	pol_rule(sc, PC_DIR_OUT, IPPROTO_UDP, 53, 53, 0);
	pol_rule(sc, PC_DIR_IN, IPPROTO_UDP, 5353, 5353, 1);
	pol_peer(1, "10.9.0.0/16");
	pol_install();

	assert_int_not_equal(try_sendto4(0, "9.9.9.9", 53), EPERM);
	assert_int_equal(try_sendto4(0, "9.9.9.9", 54), EPERM);
	/* a server's answer to a peer its 'in' rule admits: left to the packet hook */
	assert_int_not_equal(try_sendto4(5353, "10.9.9.9", 40000), EPERM);
	assert_int_equal(try_sendto4(5353, "10.8.9.9", 40000), EPERM);
	assert_stats(sc, 1, 2, 0, 0);
	assert_int_equal(take_events(), 2);
	assert_int_equal(events[0].hook, PC_HOOK_SENDMSG4);
	assert_int_equal(events[1].sport, 5353);

	assert_int_not_equal(try_sendto6("2001:db8::53", 53), EPERM);
	assert_int_equal(try_sendto6("2001:db8::53", 54), EPERM);
	assert_int_equal(take_events(), 3);
	assert_int_equal(events[2].hook, PC_HOOK_SENDMSG6);
	assert_int_equal(events[2].family, 6);
	assert_addr(events[2].daddr, "2001:db8::53");
}

/* A live slot without a scope map (nothing installed, or torn): fail closed. */
static void test_empty_slot_dropped(void **state)
{
	uint32_t slot, sc;

	need_cgroup();
	pol_reset();
	pol_scope(PC_SCOPE_IFACE, LO_IFINDEX, PC_MODE_AUDIT);
	sc = pol_scope(PC_SCOPE_CGROUP, env.cg.parent_id, PC_MODE_AUDIT);
	pol_rule(0, PC_DIR_IN, IPPROTO_TCP, 80, 80, 0);
	pol_rule(sc, PC_DIR_IN, IPPROTO_TCP, 80, 80, 0);
	pol_install();
	assert_int_equal(tc_in(tcp4(CLIENT, 40000, HOST, 80, SYN)), TC_PASS);
	assert_int_equal(cg_in(tcp4(CLIENT, 40000, HOST, 80, SYN)), CG_PASS);

	assert_int_equal(pc_gen_active(&env.maps, &slot), 0);
	assert_int_equal(bpf_map_delete_elem(pc_gen_map_fd(&env.maps, PC_MAP_SCOPES), &slot), 0);
	assert_int_equal(tc_in(tcp4(CLIENT, 40000, HOST, 80, SYN)), TC_DROP);
	assert_int_equal(cg_in(tcp4(CLIENT, 40000, HOST, 80, SYN)), CG_DROP);
	assert_int_equal(try_connect(AF_INET, SOCK_STREAM, "10.1.3.3", 443), EPERM);
	assert_stats(PC_SCOPE_NONE, 0, 3, 0, 0);
	assert_int_equal(take_events(), 3);
	assert_int_equal(events[0].reason, PC_REASON_NO_SCOPE);
	assert_int_equal(events[2].hook, PC_HOOK_CONNECT4);
	assert_true(events[2].flags & PC_EV_F_TASK);	/* who was refused */
	assert_int_equal(events[2].cgroup_id, env.cg.leaf_id);

	pol_install();	/* a full install repairs it */
	assert_int_equal(tc_in(tcp4(CLIENT, 40001, HOST, 80, SYN)), TC_PASS);
}

/* cgroup hooks whose socket or task has no scope among its ancestors: fail closed. */
static void test_cgroup_without_scope_dropped(void **state)
{
	need_cgroup();
	pol_reset();
	pol_scope(PC_SCOPE_CGROUP, 987654321, PC_MODE_AUDIT);	/* some other cgroup */
	pol_install();

	assert_int_equal(cg_in(tcp4(CLIENT, 40000, HOST, 80, SYN)), CG_DROP);
	assert_int_equal(cg_out(tcp4(HOST, 80, CLIENT, 40000, SYN | ACK)), CG_DROP);
	assert_int_equal(try_connect(AF_INET, SOCK_STREAM, "10.1.3.3", 443), EPERM);
	assert_int_equal(try_sendto4(0, "9.9.9.9", 54), EPERM);
	assert_stats(0, 0, 0, 0, 0);
	assert_stats(PC_SCOPE_NONE, 0, 4, 0, 0);
	assert_int_equal(take_events(), 4);
	assert_int_equal(events[0].reason, PC_REASON_NO_SCOPE);
	assert_int_equal(events[0].hook, PC_HOOK_CG_IN);
	assert_int_equal(events[0].cgroup_id, env.cg.leaf_id);
	assert_int_equal(events[2].hook, PC_HOOK_CONNECT4);
	assert_int_equal(events[3].hook, PC_HOOK_SENDMSG4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_allow_tcp80_from_any, reset),
		cmocka_unit_test_setup(test_deny_enforce_event, reset),
		cmocka_unit_test_setup(test_peer_set_24, reset),
		cmocka_unit_test_setup(test_peer_exact_table, reset),
		cmocka_unit_test_setup(test_fast_and_full_parsers_agree, reset),
		cmocka_unit_test_setup(test_peer_overlap_24_32, reset),
		cmocka_unit_test_setup(test_ipv6_peer, reset),
		cmocka_unit_test_setup(test_ipv4_mapped_distinct, reset),
		cmocka_unit_test_setup(test_port_range, reset),
		cmocka_unit_test_setup(test_out_rule, reset),
		cmocka_unit_test_setup(test_reply_passes_via_conntrack, reset),
		cmocka_unit_test_setup(test_reply_without_flow_denied, reset),
		cmocka_unit_test_setup(test_conntrack_is_per_scope, reset),
		cmocka_unit_test_setup(test_reply_on_another_interface, reset),
		cmocka_unit_test_setup(test_cgroup_zone_apart, reset),
		cmocka_unit_test_setup(test_audit_passes_and_reports_once, reset),
		cmocka_unit_test_setup(test_audit_flow_void_after_enforce, reset),
		cmocka_unit_test_setup(test_set_mode_in_place, reset),
		cmocka_unit_test_setup(test_generation_flip, reset),
		cmocka_unit_test_setup(test_failed_install_keeps_live_policy, reset),
		cmocka_unit_test_setup(test_empty_policy_scope_denies_all, reset),
		cmocka_unit_test_setup(test_conntrack_timeouts, reset),
		cmocka_unit_test_setup(test_syn_only_in_original_direction, reset),
		cmocka_unit_test_setup(test_conntrack_survives_syn_flood, reset),
		cmocka_unit_test_setup(test_fin_rst_and_clock, reset),
		cmocka_unit_test_setup(test_flow_kept_by_policy_that_allows_it, reset),
		cmocka_unit_test_setup(test_removed_rule_cuts_its_flows, reset),
		cmocka_unit_test_setup(test_removed_rule_cuts_echo_and_udp, reset),
		cmocka_unit_test_setup(test_audited_flow_across_applies, reset),
		cmocka_unit_test_setup(test_removed_rule_audit_reports, reset),
		cmocka_unit_test_setup(test_missing_policy_fails_closed, reset),
		cmocka_unit_test_setup(test_ring_full, reset),
		cmocka_unit_test_setup(test_arp_unjudged, reset),
		cmocka_unit_test_setup(test_ipv6_nd_and_mld_unjudged, reset),
		cmocka_unit_test_setup(test_unscoped_ifindex_dropped, reset),
		cmocka_unit_test_setup(test_empty_slot_dropped, reset),
		cmocka_unit_test_setup(test_unresolved_scope_skipped, reset),
		cmocka_unit_test_setup(test_loopback_unjudged, reset),
		cmocka_unit_test_setup(test_loopback_judged_off_lo, reset),
		cmocka_unit_test_setup(test_vlan, reset),
		cmocka_unit_test_setup(test_big_tcp_judged, reset),
		cmocka_unit_test_setup(test_vlan_tags_not_walked_are_malformed, reset),
		cmocka_unit_test_setup(test_truncated_ipv4_header, reset),
		cmocka_unit_test_setup(test_truncated_l4_header, reset),
		cmocka_unit_test_setup(test_ipv4_fragments, reset),
		cmocka_unit_test_setup(test_fragments_at_egress, reset),
		cmocka_unit_test_setup(test_fragments_at_ingress, reset),
		cmocka_unit_test_setup(test_ipv6_extension_headers, reset),
		cmocka_unit_test_setup(test_ipv6_too_many_extension_headers, reset),
		cmocka_unit_test_setup(test_ipv6_fragments, reset),
		cmocka_unit_test_setup(test_icmp_echo_out_reply_in, reset),
		cmocka_unit_test_setup(test_icmp_echo_in_reply_out, reset),
		cmocka_unit_test_setup(test_icmp_error_about_allowed_flow, reset),
		cmocka_unit_test_setup(test_icmp_error_judged_by_rules_and_addressed, reset),
		cmocka_unit_test_setup(test_icmp6_error_about_inbound_flow, reset),
		cmocka_unit_test_setup(test_cgroup_skb_scope_and_verdicts, reset),
		cmocka_unit_test_setup(test_cgroup_skb_deepest_scope_wins, reset),
		cmocka_unit_test_setup(test_cgroup_skb_malformed_and_loopback, reset),
		cmocka_unit_test_setup(test_connect4_enforce, reset),
		cmocka_unit_test_setup(test_connect_audit_and_loopback, reset),
		cmocka_unit_test_setup(test_connect6_and_mapped, reset),
		cmocka_unit_test_setup(test_sendmsg, reset),
		cmocka_unit_test_setup(test_cgroup_without_scope_dropped, reset),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
