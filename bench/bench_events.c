/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * bench_events.c - events per second into the event log, with loss
 * accounted, and the resident memory it takes.
 *
 *   make bench-events         (root for the kernel phase)
 *   bench_events [-t SECONDS] [-p PRODUCERS] [-d DIR] [-u] [-k]
 *
 * Phase 1, userspace: synthetic pc_events (4096 distinct flows, most with
 * a catalogue hint) through exactly what the daemon does per event: hint
 * lookup, JSON formatting, the log's buffer; one write per 1024-event
 * batch as after a ring-buffer poll; rotation at 16 MiB, gzip in the log's
 * thread, the 256 MiB bound. Run twice: as fast as it goes (capacity), and
 * paced at 1,000,000 events/s (does gzip keep up, or does the bound have
 * to delete segments before they are compressed?).
 *
 * Phase 2, kernel to log: the portcullis skeleton loaded in a private
 * network namespace, lo (ifindex 1) a scope with no rule for the probe
 * port, and a consumer thread running the daemon's loop (ring_buffer__poll,
 * hint, add, flush). Two producers of events:
 *   flows: audit mode, PRODUCERS threads run tc_ingress by BPF_PROG_TEST_RUN
 *          with one packet of a new flow per call (audit reports a flow's
 *          first packet): realistic, but bound by the syscall's cost;
 *   flood: enforce mode, the event rate limit off (when the datapath has
 *          one: pc_rl_interval_ns = 0), one packet repeated 65536 times a
 *          call: the kernel emits as fast as it can, so this measures what
 *          the consumer drains; a full ring buffer loses events, counted.
 * At the end the counters must balance (after the rate limit's sweep):
 *   denied + audited (pc_stats) = sum(count) consumed + lost (pc_evstats)
 * and "unaccounted" is what does not.
 *
 * -u: phase 1 only. -k: keep the log directory. -d: where to write (default a
 * new directory under /var/tmp: on disk, as /var/log is, not tmpfs).
 * -R: ring buffer bytes (default: the map's), to see its share of VmRSS
 * (the ring is mapped twice, so its pages count twice).
 * Each of the four runs takes SECONDS (default 6): under a minute in all.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <linux/if_ether.h>
#include <netinet/in.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "events/format.h"
#include "events/hint.h"
#include "events/log.h"
#include "kernel/gen.h"
#include "policy/tables.h"
#include "portcullis.h"
#include "portcullis.skel.h"

#define LO_IFINDEX	1
#define BATCH		1024
#define N_SYNTH		4096
#define PROBE_PORT	60000
#define FLOOD_REPEAT	65536

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t boot_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* "VmRSS 3.1 MiB (peak 3.9; anon 1.2, file 1.9, shmem 0.0)" from /proc/self/status. */
static void print_rss(const char *label)
{
	static const char *keys[] = { "VmRSS:", "VmHWM:", "RssAnon:", "RssFile:", "RssShmem:" };
	double kb[5] = { 0 };
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");
	size_t i;

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		for (i = 0; i < 5; i++)
			if (!strncmp(line, keys[i], strlen(keys[i])))
				kb[i] = strtod(line + strlen(keys[i]), NULL);
	fclose(f);
	printf("  %-13s VmRSS %.1f MiB (peak %.1f; anon %.1f, file %.1f, shmem %.1f)\n", label,
	       kb[0] / 1024, kb[1] / 1024, kb[2] / 1024, kb[3] / 1024, kb[4] / 1024);
}

static double rss_mib(void)
{
	char line[256];
	double kb = 0;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmRSS:", 6))
			kb = strtod(line + 6, NULL);
	fclose(f);
	return kb / 1024;
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(p);
}

/* --- what the daemon holds --------------------------------------------------- */

static char *bench_roles[] = { "bench" };
static struct pc_scope_info bench_scope = { .name = "interface:lo", .kind = PC_SCOPE_IFACE,
					    .roles = bench_roles, .n_roles = 1 };
static struct pc_tables bench_tables = { .scopes = &bench_scope, .n_scopes = 1 };

/* Hints from the shipped catalogue, as the daemon builds them from its config. */
static struct pc_hint_index *load_hints(void)
{
	struct pc_policy pol = { 0 };
	struct pc_hint_index *h = NULL;
	struct pc_diag d;
	FILE *devnull = fopen("/dev/null", "w");

	pc_diag_init(&d);
	if (pc_policy_parse_file("policies/catalogue.conf", &d, &pol) ||
	    pc_hint_index_build(&pol, NULL, &h))
		fprintf(stderr, "bench_events: no policies/catalogue.conf here; events without "
			"hints (run from the repository)\n");
	pc_policy_free(&pol);
	pc_diag_free(&d);
	if (devnull)
		fclose(devnull);
	return h;
}

struct consumer {
	struct pc_event_log *log;
	struct pc_event_ctx ev;
	struct pc_hint_index *hints;
	uint64_t events, sum_count;
};

/* The daemon's on_event. */
static void consume(struct consumer *c, const struct pc_event *e)
{
	char hint[1024];

	c->ev.hint = pc_event_hint(c->hints, e, hint, sizeof(hint));
	pc_event_log_add(c->log, &c->ev, e);
	c->events++;
	c->sum_count += e->count;
}

static int open_log(const char *dir, struct pc_event_log **log)
{
	struct pc_event_log_opts o = { .dir = dir, .err = stderr };
	int err = pc_event_log_open(&o, log);

	if (err)
		fprintf(stderr, "bench_events: cannot open the log in %s: %s\n", dir,
			strerror(-err));
	return err;
}

static void print_log(struct pc_event_log *log, double secs, double sync_s)
{
	struct pc_event_log_stats st;

	pc_event_log_get_stats(log, &st);
	printf("  %-13s %llu lines, %.0f MB of JSON (%.0f MB/s, %.0f bytes a line)\n", "written",
	       (unsigned long long)st.events, st.bytes / 1e6, st.bytes / 1e6 / secs,
	       st.events ? (double)st.bytes / (double)st.events : 0.0);
	printf("  %-13s %llu rotations at %llu MiB, %llu gzipped; gzip caught up %.2f s after "
	       "the run\n", "segments", (unsigned long long)st.rotations,
	       (unsigned long long)(PC_EVENT_LOG_MAX_SIZE >> 20),
	       (unsigned long long)st.compressed, sync_s);
	printf("  %-13s %.1f MiB of %llu MiB; %llu oldest segments deleted, %llu of them "
	       "before gzip\n", "disk", st.disk_bytes / 1048576.0,
	       (unsigned long long)(PC_EVENT_LOG_MAX_TOTAL >> 20),
	       (unsigned long long)st.deleted, (unsigned long long)st.deleted_raw);
	printf("  %-13s %llu\n", "write drops", (unsigned long long)st.dropped);
}

/* --- phase 1: userspace ---------------------------------------------------------- */

static void synth_events(struct pc_event *v, size_t n)
{
	static const uint16_t ports[] = { 445, 1433, 80, 443, 3389, 9999, 50000, 12345, 8443 };
	size_t i;

	for (i = 0; i < n; i++) {
		struct pc_event *e = &v[i];
		uint32_t src = htonl(0x0a000000u | (uint32_t)(i * 7919u & 0xffffff));

		memset(e, 0, sizeof(*e));
		e->count = 1;
		e->saddr[10] = e->saddr[11] = e->daddr[10] = e->daddr[11] = 0xff;
		memcpy(e->saddr + 12, &src, 4);
		inet_pton(AF_INET, "10.77.0.2", e->daddr + 12);
		e->sport = (uint16_t)(32768 + i % 28000);
		e->dport = ports[i % (sizeof(ports) / sizeof(ports[0]))];
		e->proto = IPPROTO_TCP;
		e->dir = PC_DIR_IN;
		e->verdict = i % 3 ? PC_VERDICT_AUDIT : PC_VERDICT_DENY;
		e->reason = PC_REASON_NO_RULE;
		e->hook = PC_HOOK_TC_IN;
		e->family = 4;
	}
}

static void sleep_until(double t)
{
	double d = t - now_s();
	struct timespec ts;

	if (d <= 0)
		return;
	ts.tv_sec = (time_t)d;
	ts.tv_nsec = (long)((d - (double)ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);
}

/* PACE: events per second to hold, 0 for as fast as it goes. */
static int phase_userspace(const char *dir, double secs, double pace,
			   struct pc_hint_index *hints, double *rate, uint64_t *deleted_raw)
{
	struct consumer c = { .hints = hints };
	struct pc_event *v = calloc(N_SYNTH, sizeof(*v));
	struct pc_event_log_stats st;
	double t0, t1, t2;
	size_t i = 0, j;

	if (!v || open_log(dir, &c.log)) {
		free(v);
		return -1;
	}
	synth_events(v, N_SYNTH);
	c.ev.tables = &bench_tables;
	pc_event_clock_init(&c.ev);
	t0 = now_s();
	do {
		uint64_t ts = boot_ns();

		for (j = 0; j < BATCH; j++, i++) {
			struct pc_event *e = &v[i % N_SYNTH];

			e->ts_ns = ts + j;
			consume(&c, e);
		}
		pc_event_log_flush(c.log);
		if (pace > 0)
			sleep_until(t0 + (double)i / pace);
	} while ((t1 = now_s()) - t0 < secs);
	pc_event_log_sync(c.log);
	t2 = now_s();
	*rate = (double)c.events / (t1 - t0);
	pc_event_log_get_stats(c.log, &st);
	*deleted_raw = st.deleted_raw;
	if (pace > 0)
		printf("\nuserspace, paced at %.0f events/s, %.1f s\n", pace, t1 - t0);
	else
		printf("userspace: hint + format + buffered write + rotate + gzip, synthetic "
		       "events, as fast as it goes, %.1f s\n", t1 - t0);
	printf("  %-13s %llu events, %.0f events/s\n", "events", (unsigned long long)c.events,
	       *rate);
	print_log(c.log, t1 - t0, t2 - t1);
	print_rss("memory");
	pc_event_log_close(c.log);
	free(v);
	return 0;
}

/* --- phase 2: kernel to log ------------------------------------------------------ */

struct pkt {
	uint8_t d[64];
	uint32_t len;
};

/* A TCP SYN from a.b.c.d:sport to 10.0.0.1:PROBE_PORT (no rule: audited). */
static void syn4(struct pkt *p, uint32_t src, uint16_t sport)
{
	uint16_t v;
	uint32_t be = htonl(src);

	memset(p, 0, sizeof(*p));
	p->d[12] = ETH_P_IP >> 8;
	p->d[13] = ETH_P_IP & 0xff;
	p->d[14] = 0x45;
	v = htons(40);
	memcpy(p->d + 16, &v, 2);
	p->d[22] = 64;
	p->d[23] = IPPROTO_TCP;
	memcpy(p->d + 26, &be, 4);
	inet_pton(AF_INET, "10.0.0.1", p->d + 30);
	v = htons(sport);
	memcpy(p->d + 34, &v, 2);
	v = htons(PROBE_PORT);
	memcpy(p->d + 36, &v, 2);
	p->d[46] = 5 << 4;
	p->d[47] = 0x02;
	p->len = 14 + 20 + 20;
}

struct producer {
	int prog_fd;
	bool flood;		/* one packet, FLOOD_REPEAT times a call */
	uint32_t first;		/* source addresses first, first + stride, ... */
	uint32_t stride;
	atomic_int *stop;
	uint64_t runs, errors;
	pthread_t th;
};

static void *produce(void *arg)
{
	struct producer *p = arg;
	struct __sk_buff ctx = { .ifindex = LO_IFINDEX };
	struct pkt pk;
	uint32_t src = p->first;

	syn4(&pk, 0x0b000000u | (src & 0xffffff), 1024);
	while (!atomic_load_explicit(p->stop, memory_order_relaxed)) {
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pk.d, .data_size_in = pk.len,
			    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx),
			    .repeat = p->flood ? FLOOD_REPEAT : 1);

		if (!p->flood)	/* a new flow every call: 11.0.0.0/8 by the stride */
			syn4(&pk, 0x0b000000u | (src & 0xffffff), (uint16_t)(1024 + (src >> 24)));
		if (bpf_prog_test_run_opts(p->prog_fd, &o))
			p->errors++;
		p->runs += o.repeat;
		src += p->stride;
	}
	return NULL;
}

struct consumer_thread {
	struct consumer c;
	struct ring_buffer *rb;
	atomic_int stop;
	int err;
	pthread_t th;
};

static int on_event(void *arg, void *data, size_t len)
{
	if (len >= sizeof(struct pc_event))
		consume(arg, data);
	return 0;
}

/* The daemon's loop. */
static void *consumer_loop(void *arg)
{
	struct consumer_thread *ct = arg;

	while (!atomic_load(&ct->stop)) {
		int err = ring_buffer__poll(ct->rb, 200);

		if (err < 0 && err != -EINTR) {
			ct->err = err;
			break;
		}
		pc_event_log_flush(ct->c.log);
	}
	ring_buffer__consume(ct->rb);
	pc_event_log_flush(ct->c.log);
	return NULL;
}

static int install_policy(struct portcullis_bpf *skel, uint32_t mode)
{
	struct pc_gen_maps m;
	int err = pc_gen_maps_from_object(skel->obj, &m);
	struct pc_rule_key rk = { .scope = 0, .dir = PC_DIR_IN, .proto = IPPROTO_TCP, .port = 22 };
	struct pc_rule_val rv = { 0 };
	struct pc_scope_key sk = { .id = LO_IFINDEX, .kind = PC_SCOPE_IFACE };
	struct pc_scope_info si = bench_scope;
	struct pc_tables t = { .rule_keys = &rk, .rule_vals = &rv, .n_rules = 1,
			       .scopes = &si, .n_scopes = 1 };

	if (err)
		return err;
	si.mode = mode;
	return pc_gen_install(&m, &t, &sk, &mode);
}

/*
 * Set a 'const volatile' of the BPF object before load, found by name in
 * the BTF of .rodata, so this compiles against datapaths with and without
 * the variable. Returns false when there is no such variable.
 */
static bool set_rodata(struct bpf_object *obj, const char *name, const void *val, size_t size)
{
	const struct btf *btf = bpf_object__btf(obj);
	const struct btf_var_secinfo *vs;
	const struct btf_type *sec;
	struct bpf_map *map, *rodata = NULL;
	size_t map_size;
	char *data;
	int id, i;

	bpf_object__for_each_map(map, obj) {
		const char *n = bpf_map__name(map);

		if (strlen(n) >= 7 && !strcmp(n + strlen(n) - 7, ".rodata"))
			rodata = map;
	}
	id = btf ? btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC) : -1;
	if (!rodata || id < 0)
		return false;
	sec = btf__type_by_id(btf, (uint32_t)id);
	/* before load this is the skeleton's writable rodata image (libbpf 1.1
	 * declares it const; newer versions do not) */
	data = (char *)(uintptr_t)bpf_map__initial_value(rodata, &map_size);
	vs = btf_var_secinfos(sec);
	for (i = 0; data && i < btf_vlen(sec); i++, vs++) {
		const struct btf_type *var = btf__type_by_id(btf, vs->type);

		if (!strcmp(btf__name_by_offset(btf, var->name_off), name) && vs->size == size &&
		    vs->offset + size <= map_size) {
			memcpy(data + vs->offset, val, size);
			return true;
		}
	}
	return false;
}

struct kcounts {
	uint64_t judged, delivered, suppressed, lost, lost_events, unlimited;
	bool have_evstats;
};

static void read_counts(struct portcullis_bpf *skel, struct kcounts *k)
{
	struct pc_stats s = { 0 };

	memset(k, 0, sizeof(*k));
	pc_gen_read_stats(bpf_map__fd(skel->maps.pc_stats_v1), 0, &s);
	k->judged = s.audited + s.denied;
#ifdef PC_MAP_EVSTATS
	{
		struct bpf_map *m = bpf_object__find_map_by_name(skel->obj, PC_MAP_EVSTATS);
		int ncpu = libbpf_num_possible_cpus(), i;
		struct pc_evstats *v = ncpu > 0 ? calloc((size_t)ncpu, sizeof(*v)) : NULL;
		uint32_t key = 0;

		if (m && v && !bpf_map_lookup_elem(bpf_map__fd(m), &key, v)) {
			for (i = 0; i < ncpu; i++) {
				k->delivered += v[i].delivered;
				k->suppressed += v[i].suppressed;
				k->lost += v[i].lost;
				k->lost_events += v[i].lost_events;
				k->unlimited += v[i].unlimited;
			}
			k->have_evstats = true;
		}
		free(v);
	}
#endif
}

struct kresult {
	double rate;		/* events consumed per second */
	bool balanced;		/* nothing unaccounted, and the kernel counts losses */
	double rss;		/* MiB while running */
};

static int phase_kernel(const char *dir, double secs, bool flood, int n_prod, uint32_t ring,
			struct pc_hint_index *hints, struct kresult *res)
{
	struct portcullis_bpf *skel = NULL;
	struct consumer_thread ct = { .c = { .hints = hints } };
	struct producer *prod = calloc((size_t)n_prod, sizeof(*prod));
	const uint64_t no_limit = 0;
	bool limit_off = false;
	atomic_int stop = 0;
	struct kcounts k;
	uint64_t runs = 0, errors = 0;
	int64_t unaccounted;
	double t0, t1;
	int i, ret = -1;

	if (!prod)
		return -1;
	skel = portcullis_bpf__open();
	if (!skel)
		goto fail_load;
	if (ring)
		bpf_map__set_max_entries(skel->maps.pc_events_v1, ring);
	if (flood)
		limit_off = set_rodata(skel->obj, "pc_rl_interval_ns", &no_limit, sizeof(no_limit));
	if (portcullis_bpf__load(skel) ||
	    install_policy(skel, flood ? PC_MODE_ENFORCE : PC_MODE_AUDIT))
		goto fail_load;
	if (open_log(dir, &ct.c.log))
		goto out;
	ct.c.ev.tables = &bench_tables;
	pc_event_clock_init(&ct.c.ev);
	ct.rb = ring_buffer__new(bpf_map__fd(skel->maps.pc_events_v1), on_event, &ct.c, NULL);
	if (!ct.rb || pthread_create(&ct.th, NULL, consumer_loop, &ct)) {
		fprintf(stderr, "bench_events: cannot read the ring buffer\n");
		goto out_log;
	}
	t0 = now_s();
	for (i = 0; i < n_prod; i++) {
		prod[i] = (struct producer){ .prog_fd = bpf_program__fd(skel->progs.tc_ingress),
					     .flood = flood, .first = (uint32_t)i,
					     .stride = (uint32_t)n_prod, .stop = &stop };
		pthread_create(&prod[i].th, NULL, produce, &prod[i]);
	}
	usleep((useconds_t)(secs * 1e6));
	atomic_store(&stop, 1);
	for (i = 0; i < n_prod; i++) {
		pthread_join(prod[i].th, NULL);
		runs += prod[i].runs;
		errors += prod[i].errors;
	}
	t1 = now_s();
	/* quiet: the rate limit's sweep flushes what it held within a tick */
	usleep(2500000);
	res->rss = rss_mib();
	atomic_store(&ct.stop, 1);
	pthread_join(ct.th, NULL);
	read_counts(skel, &k);
	pc_event_log_sync(ct.c.log);

	res->rate = (double)ct.c.events / (t1 - t0);
	unaccounted = (int64_t)(k.judged - ct.c.sum_count - k.lost);
	res->balanced = k.have_evstats && !unaccounted;
	if (flood)
		printf("\nkernel to log, flood: tc_ingress by BPF_PROG_TEST_RUN, enforce, one "
		       "packet x %d a call, rate limit %s, %.1f s\n", FLOOD_REPEAT,
		       limit_off ? "off" : "as built (no pc_rl_interval_ns)", t1 - t0);
	else
		printf("\nkernel to log, flows: tc_ingress by BPF_PROG_TEST_RUN, audit, a new flow "
		       "per packet, %d producer thread%s, %.1f s\n", n_prod, n_prod > 1 ? "s" : "",
		       t1 - t0);
	printf("  %-13s %llu judged (%llu test runs failed), %.0f per second\n", "packets",
	       (unsigned long long)runs, (unsigned long long)errors, runs / (t1 - t0));
	printf("  %-13s %llu events, %.0f events/s; sum of count %llu\n", "consumed",
	       (unsigned long long)ct.c.events, res->rate, (unsigned long long)ct.c.sum_count);
	if (k.have_evstats)
		printf("  %-13s denied+audited %llu = consumed count %llu + lost %llu (in %llu "
		       "events)\n  %-13s kernel: delivered %llu, suppressed %llu, unlimited %llu\n",
		       "accounting", (unsigned long long)k.judged,
		       (unsigned long long)ct.c.sum_count, (unsigned long long)k.lost,
		       (unsigned long long)k.lost_events, "",
		       (unsigned long long)k.delivered, (unsigned long long)k.suppressed,
		       (unsigned long long)k.unlimited);
	else
		printf("  %-13s denied+audited %llu, consumed count %llu; this datapath does not "
		       "count lost events, so the difference is lost or unaccounted\n",
		       "accounting", (unsigned long long)k.judged,
		       (unsigned long long)ct.c.sum_count);
	printf("  %-13s %lld\n", "unaccounted", (long long)unaccounted);
	print_log(ct.c.log, t1 - t0, 0);
	printf("  %-13s ring buffer %u KiB\n", "ring", bpf_map__max_entries(skel->maps.pc_events_v1) >> 10);
	print_rss("memory");
	ret = 0;
out_log:
	ring_buffer__free(ct.rb);
	pc_event_log_close(ct.c.log);
out:
	portcullis_bpf__destroy(skel);
	free(prod);
	return ret;
fail_load:
	fprintf(stderr, "bench_events: cannot load the BPF objects or install a policy\n");
	goto out;
}

int main(int argc, char **argv)
{
	char tmpl[] = "/var/tmp/pc-bench-events-XXXXXX", dir[4][300];
	const char *base = NULL;
	struct pc_hint_index *hints;
	struct kresult flows = { 0 }, flood = { 0 };
	double secs = 6, rate_u = 0, rate_p = 0;
	uint64_t raw_u = 0, raw_p = 0;
	bool user_only = false, keep = false;
	uint32_t ring = 0;
	int c, i, n_prod = 1, err = 0;

	while ((c = getopt(argc, argv, "t:p:d:R:ukh")) != -1) {
		if (c == 't')
			secs = atof(optarg);
		else if (c == 'p')
			n_prod = atoi(optarg);
		else if (c == 'd')
			base = optarg;
		else if (c == 'R')
			ring = (uint32_t)strtoul(optarg, NULL, 0);
		else if (c == 'u')
			user_only = true;
		else if (c == 'k')
			keep = true;
		else {
			fprintf(stderr, "usage: %s [-t SECONDS] [-p PRODUCERS] [-d DIR] [-R RING_BYTES] "
				"[-u] [-k]\n", argv[0]);
			return c == 'h' ? 0 : 2;
		}
	}
	if (secs <= 0 || secs > 10 || n_prod < 1 || n_prod > 64 ||
	    (ring && (ring & (ring - 1) || ring < 4096))) {
		fprintf(stderr, "bench_events: SECONDS 0-10 (four runs stay under a minute), "
			"PRODUCERS 1-64, RING_BYTES a power of 2 >= 4096\n");
		return 2;
	}
	if (!base) {
		if (!mkdtemp(tmpl)) {
			fprintf(stderr, "bench_events: cannot make a directory in /var/tmp: %s\n",
				strerror(errno));
			return 1;
		}
		base = tmpl;
	}
	for (i = 0; i < 4; i++)
		snprintf(dir[i], sizeof(dir[i]), "%s/run%d", base, i + 1);
	hints = load_hints();
	printf("event log benchmark: %ld CPUs, log in %s (segments %llu MiB, bound %llu MiB)\n\n",
	       sysconf(_SC_NPROCESSORS_ONLN), base,
	       (unsigned long long)(PC_EVENT_LOG_MAX_SIZE >> 20),
	       (unsigned long long)(PC_EVENT_LOG_MAX_TOTAL >> 20));
	print_rss("at start");
	if (phase_userspace(dir[0], secs, 0, hints, &rate_u, &raw_u) ||
	    phase_userspace(dir[1], secs, 1e6, hints, &rate_p, &raw_p))
		err = 1;
	if (!user_only && geteuid() != 0) {
		printf("\nkernel to log: skipped, needs root (BPF_PROG_TEST_RUN)\n");
		user_only = true;
	}
	if (!user_only && unshare(CLONE_NEWNET)) {
		fprintf(stderr, "bench_events: cannot make a private network namespace: %s\n",
			strerror(errno));
		user_only = true;
		err = 1;
	}
	if (!user_only && (phase_kernel(dir[2], secs, false, n_prod, ring, hints, &flows) ||
			   phase_kernel(dir[3], secs, true, 1, ring, hints, &flood)))
		err = 1;

	printf("\ngoal: 1,000,000 events/s sustained with nothing unaccounted; daemon under 10 MB "
	       "resident\n");
	printf("  userspace capacity     %9.0f events/s%s\n", rate_u,
	       raw_u ? " (faster than gzip: the bound deleted segments before gzip)" : "");
	printf("  userspace at 1M/s      %9.0f events/s, gzip %s\n", rate_p,
	       raw_p ? "fell behind" : "kept up");
	if (!user_only) {
		printf("  kernel, new flows      %9.0f events/s, %s (bound by the test-run syscall)\n",
		       flows.rate, flows.balanced ? "balanced" : "NOT balanced");
		printf("  kernel, flood          %9.0f events/s, %s\n", flood.rate,
		       flood.balanced ? "balanced" : "NOT balanced");
		printf("  resident while running %9.1f MiB\n", flood.rss);
		printf("  events/s: %s; nothing unaccounted: %s; under 10 MB: %s\n",
		       flood.rate >= 1e6 && rate_p >= 0.99e6 && !raw_p ? "met" : "NOT met",
		       flows.balanced && flood.balanced ? "met" : "NOT met",
		       flood.rss * 1048576 < 10e6 && flows.rss * 1048576 < 10e6 ? "met" : "NOT met");
	}
	pc_hint_index_free(hints);
	if (!keep)
		nftw(base, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return err;
}
