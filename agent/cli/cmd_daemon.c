// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_daemon.c - 'portcullis daemon': load, fill, attach, then stream
 * events until SIGTERM. Enforcement lives in pinned links and maps, not
 * in this process: SIGTERM and SIGKILL both leave it in place, and the
 * next daemon takes it over (same maps, links updated to its programs).
 * While it runs, it also holds every pinned object itself (hold.h), so a
 * removed pin or an unmounted bpffs detaches nothing, and pins it again.
 * It also serves RUN_DIR/control (control.h): 'apply', 'mode', 'confirm'
 * and 'status' of the command line run here, one at a time, between two
 * reads of the ring buffer.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "cli/control.h"
#include "cli/sd_notify.h"
#include "cli/textfile.h"
#include "events/format.h"
#include "events/hint.h"
#include "events/journal.h"
#include "events/log.h"
#include "cli/config.h"
#include "kernel/apply.h"
#include "kernel/attach.h"
#include "kernel/cgroup_name.h"
#include "kernel/hold.h"
#include "kernel/lock.h"

static volatile sig_atomic_t stop_requested, reload_requested;

static void on_stop(int sig) { stop_requested = 1; }
static void on_reload(int sig) { reload_requested = 1; }

struct daemon {
	struct pc_ctx *ctx;
	struct pc_instance in;
	struct pc_config cfg;
	struct pc_state *st;
	struct pc_event_ctx ev;
	struct pc_event_log_opts log_opts;
	struct pc_event_log *log;
	const char *textfile_dir;	/* --textfile-dir; NULL: none */
	unsigned int textfile_interval;	/* --textfile-interval, seconds */
	struct pc_textfile textfile;
	struct pc_hint_index *hints;	/* of cfg.policy; NULL: events carry no hint */
	struct pc_cgroup_names *cgnames;/* NULL: events carry cgroup_id only */
	struct stat state_seen;		/* RUN_DIR/state as the daemon last wrote or read it */
	time_t follow_after;		/* CLOCK_MONOTONIC s: follow_targets() waits till then */
	struct pc_hold hold;		/* every pinned link, map and program, held */
	struct ring_buffer *rb;		/* the events; NULL until the first apply is done */
	char pins_note[512];		/* sd_notify STATUS about the pins; "" when in order */
	char pins_failed[PATH_MAX + 64];/* the last repair failure said, not to say it again */
};

/* RUN_DIR/state's identity: every apply replaces the file (rename). */
static void state_stat(struct daemon *d, struct stat *sb)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/state", d->ctx->lib.run_dir);
	if (stat(path, sb))
		memset(sb, 0, sizeof(*sb));
}

static bool state_same(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

static int on_event(void *arg, void *data, size_t len)
{
	struct daemon *d = arg;
	char hint[1024];

	if (len < sizeof(struct pc_event))
		return 0;
	d->ev.hint = pc_event_hint(d->hints, data, hint, sizeof(hint));
	d->ev.cgroup = pc_cgroup_name(d->cgnames, ((const struct pc_event *)data)->cgroup_id);
	pc_event_log_add(d->log, &d->ev, data);
	return 0;
}

/* BYTES with an optional K, M or G (KiB, MiB, GiB). */
static int parse_bytes(const char *s, uint64_t *v)
{
	static const char units[] = "KMG";
	const char *u;
	char *end;
	int shift;

	errno = 0;
	*v = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-')
		return -EINVAL;
	if (!*end)
		return 0;
	u = strchr(units, end[0] & ~0x20);
	if (!u || !*u || (end[1] && strcmp(end + 1, "iB")))
		return -EINVAL;
	shift = 10 * (int)(u - units + 1);
	if (*v > UINT64_MAX >> shift)
		return -EINVAL;
	*v <<= shift;
	return 0;
}

/* SECONDS: 1 to a day. */
static int parse_seconds(const char *s, unsigned int *v)
{
	unsigned long n;
	char *end;

	errno = 0;
	n = strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || n < 1 || n > 86400)
		return -EINVAL;
	*v = (unsigned int)n;
	return 0;
}

enum {
	OPT_LOG_MAX_SIZE = 1, OPT_LOG_MAX_TOTAL, OPT_SYSLOG, OPT_JOURNAL, OPT_TEXTFILE_DIR,
	OPT_TEXTFILE_INTERVAL,
};

const struct pc_opt pc_opts_daemon[] = {
	{ OPT_LOG_MAX_SIZE, 0, "log-max-size", "BYTES",
	  "rotate the event log at this size; K, M, G for KiB, MiB, GiB (default "
	  PC_STR(PC_EVENT_LOG_MAX_SIZE_MIB) "M)", NULL },
	{ OPT_LOG_MAX_TOTAL, 0, "log-max-total", "BYTES",
	  "keep the rotated logs within this total, at least twice --log-max-size (default "
	  PC_STR(PC_EVENT_LOG_MAX_TOTAL_MIB) "M)", NULL },
	{ OPT_SYSLOG, 0, "syslog", NULL, "also send each event to syslog", NULL },
	{ OPT_JOURNAL, 0, "journal", NULL,
	  "also send each event to journald, a PORTCULLIS_* field per event field", NULL },
	{ OPT_TEXTFILE_DIR, 0, "textfile-dir", "DIR",
	  "write the metrics of 'stats --prometheus' into node_exporter's textfile "
	  "collector directory DIR", NULL },
	{ OPT_TEXTFILE_INTERVAL, 0, "textfile-interval", "SECONDS",
	  "how often, 1 to 86400 (default " PC_STR(PC_TEXTFILE_INTERVAL) ")", NULL },
	{ 0 },
};

static int parse_args(struct daemon *d, int argc, char **argv)
{
	struct pc_event_log_opts *o = &d->log_opts;
	bool interval_given = false;
	struct pc_opt_parser args;
	uint64_t *size;
	int opt;

	o->max_size = PC_EVENT_LOG_MAX_SIZE;
	o->max_total = PC_EVENT_LOG_MAX_TOTAL;
	d->textfile_interval = PC_TEXTFILE_INTERVAL;
	pc_opt_begin(&args, d->ctx, "daemon", argc, argv);
	while ((opt = pc_opt_next(&args)) != PC_OPT_END) {
		switch (opt) {
		case OPT_SYSLOG:
			o->syslog = true;
			continue;
		case OPT_JOURNAL:
			/* a test's own socket: there is no journald to read back */
			o->journal = getenv(PC_JOURNAL_SOCKET_ENV);
			if (!o->journal || !*o->journal)
				o->journal = PC_JOURNAL_SOCKET;
			continue;
		case OPT_TEXTFILE_DIR:
			if (!args.arg[0])
				return pc_opt_usage(&args, "--textfile-dir takes the directory of "
						    "node_exporter's textfile collector");
			d->textfile_dir = args.arg;
			continue;
		case OPT_TEXTFILE_INTERVAL:
			if (parse_seconds(args.arg, &d->textfile_interval))
				return pc_opt_usage(&args, "--textfile-interval takes seconds, 1 to "
						    "86400 (default %d)", PC_TEXTFILE_INTERVAL);
			interval_given = true;
			continue;
		case OPT_LOG_MAX_SIZE:
			size = &o->max_size;
			break;
		case OPT_LOG_MAX_TOTAL:
			size = &o->max_total;
			break;
		case PC_OPT_WORD:
			return pc_opt_usage(&args, "daemon takes no arguments, not '%s'", args.arg);
		default:
			return PC_EXIT_USAGE;
		}
		if (parse_bytes(args.arg, size))
			return pc_opt_usage(&args, "--%s takes a size in bytes, with K, M or G for "
					    "KiB, MiB or GiB (16M)", args.opt->name);
	}
	if (interval_given && !d->textfile_dir)
		return pc_usage(d->ctx, "--textfile-interval needs --textfile-dir: where to write");
	if (o->max_size < 4096)
		return pc_usage(d->ctx, "--log-max-size must be at least 4096 bytes");
	if (o->max_total / 2 < o->max_size)
		return pc_usage(d->ctx, "--log-max-total (%" PRIu64 ") must be at least twice "
				"--log-max-size (%" PRIu64 "): the current segment and the one "
				"being compressed", o->max_total, o->max_size);
	return 0;
}

/* Hints come from the policy just applied: build them once per load. */
static void load_hints(struct daemon *d)
{
	struct pc_hint_index *h;

	if (pc_hint_index_build(&d->cfg.policy, &d->cfg.tables, &h)) {
		fprintf(d->ctx->err, "portcullis: out of memory for event hints; events go on "
			"without them\n");
		return;
	}
	pc_hint_index_free(d->hints);
	d->hints = h;
}

/* Right before an apply flips the generation (ours, or one served through
 * RUN_DIR/control): log what the old generation sent, by the old tables.
 * The daemon reads no event while it applies, so every later one is read
 * after the new tables are in place. */
static void before_flip(void *arg)
{
	struct daemon *d = arg;

	if (d->rb)
		ring_buffer__consume(d->rb);
}

/* After an apply whose state is in
 * d->st, under the lock: hold what is pinned now. Said when it fails: the
 * pins then go unwatched. */
static void hold_pins(struct daemon *d)
{
	int err = pc_hold_refresh(&d->hold, d->ctx->lib.pin_dir, d->st);

	if (err)
		fprintf(d->ctx->err, "portcullis: cannot hold the objects pinned in %s: %s; a "
			"removed pin detaches what it pinned until the next apply\n",
			d->ctx->lib.pin_dir, strerror(-err));
}

static void take_config(struct daemon *d, struct pc_config *next)
{
	pc_config_free(&d->cfg);
	d->cfg = *next;
	memset(next, 0, sizeof(*next));
	d->ev.tables = &d->cfg.tables;
	load_hints(d);
}

/*
 * Compile and apply PATH under the instance lock. On failure the running
 * policy stays and *D keeps its config. EXPECT (or NULL): apply only if
 * what runs is still that digest; -EAGAIN when someone applied meanwhile.
 */
static int apply_config(struct daemon *d, const char *path, const char *expect)
{
	struct pc_config next;
	int lock, err;

	err = pc_config_load(d->ctx, path, true, &next);
	if (err) {
		pc_config_free(&next);
		return err;
	}
	lock = pc_lock_take(d->ctx->lib.run_dir);
	if (lock < 0) {
		pc_config_free(&next);
		fprintf(d->ctx->err, "portcullis: cannot lock %s: %s\n", d->ctx->lib.run_dir,
			strerror(-lock));
		return lock;
	}
	err = pc_state_read(d->ctx->lib.run_dir, d->st);
	if (err && err != -ENOENT)
		fprintf(d->ctx->err, "portcullis: ignoring unreadable %s/state: %s\n",
			d->ctx->lib.run_dir, strerror(-err));
	if (expect && (err || strcmp(d->st->digest, expect))) {
		/* an 'apply' got in first: follow_apply() takes it up */
		pc_lock_release(lock);
		pc_config_free(&next);
		return -EAGAIN;
	}
	err = pc_apply(&d->ctx->lib, &d->in, &next.tables, path, d->st);
	if (!err) {
		state_stat(d, &d->state_seen);	/* ours: not an apply to follow */
		hold_pins(d);
		pc_confirm_keep_config(d->ctx, &next.policy);	/* for 'apply --confirm' */
	}
	pc_lock_release(lock);
	if (err) {
		pc_config_free(&next);
		return err;
	}
	take_config(d, &next);
	fprintf(d->ctx->err, "portcullis: policy %s applied: %zu scopes, %zu rule entries, failsafe %s\n",
		d->cfg.tables.digest, d->cfg.tables.n_scopes, d->cfg.tables.n_rules,
		d->cfg.tables.failsafe ? "on" : "off");
	return 0;
}

/*
 * 'portcullis apply' from the command line swaps the policy under a running
 * daemon when it cannot reach RUN_DIR/control (one started while the daemon
 * was starting, or of an older version), and events must name the scopes
 * and roles of what runs. So when
 * RUN_DIR/state was rewritten by someone else, compile the config it names
 * (changing nothing in the kernel) and take its tables and hints if they
 * are what runs: the digest covers the rule entries, not the names, so a
 * renamed role is only seen this way.
 */
static void follow_apply(struct daemon *d)
{
	struct pc_ctx quiet = *d->ctx;
	struct pc_config next = { 0 };
	struct stat sb;
	int lock, err;

	state_stat(d, &sb);
	if (!sb.st_ino || state_same(&sb, &d->state_seen))
		return;
	/* What the apply pinned is what runs now: hold that instead. */
	lock = pc_lock_take(d->ctx->lib.run_dir);
	if (lock < 0)
		fprintf(d->ctx->err, "portcullis: cannot lock %s to hold what 'apply' pinned: %s\n",
			d->ctx->lib.run_dir, strerror(-lock));
	state_stat(d, &sb);	/* the last of several applies, under the lock */
	d->state_seen = sb;
	err = pc_state_read(d->ctx->lib.run_dir, d->st);
	if (!err && lock >= 0)
		hold_pins(d);
	pc_lock_release(lock);
	if (err)
		return;
	/* Its errors are not the daemon's: a sink of its own, dropped unread. */
	pc_diag_init(&quiet.lib.diag);
	err = pc_config_load(&quiet, d->st->config, true, &next);
	pc_diag_free(&quiet.lib.diag);
	/* Compiled in config order: events carry the ids that apply kept. */
	if (!err && !strcmp(next.tables.digest, d->st->digest))
		err = pc_apply_state_ids(d->st, &next.tables);
	if (err || strcmp(next.tables.digest, d->st->digest)) {
		pc_config_free(&next);
		fprintf(d->ctx->err, "portcullis: the rules running (%s) came from %s, which no "
			"longer compiles to them; events name the scopes and roles of %s until the "
			"next apply or SIGHUP\n", d->st->digest, d->st->config, d->cfg.tables.digest);
		return;
	}
	take_config(d, &next);
	fprintf(d->ctx->err, "portcullis: events now name the scopes, roles and hints of %s "
		"(from %s, put in place by 'apply')\n", d->cfg.tables.digest, d->st->config);
}

static bool scope_pending(const struct pc_state_scope *s)
{
	return !strcmp(s->how, "pending");
}

/* STATUS= with what runs, its pending scopes and what happened to the
 * pins, after PREFIX ("READY=1\n" or ""), for 'systemctl status'. */
static void notify_status(const struct daemon *d, const char *prefix)
{
	char msg[1536];
	size_t len;
	int i, n = 0;

	len = (size_t)snprintf(msg, sizeof(msg), "%sSTATUS=policy %s: %zu scopes, %zu rule "
			       "entries", prefix, d->cfg.tables.digest, d->cfg.tables.n_scopes,
			       d->cfg.tables.n_rules);
	for (i = 0; i < d->st->n_scopes && len < sizeof(msg); i++) {
		if (!scope_pending(&d->st->scopes[i]))
			continue;
		len += (size_t)snprintf(msg + len, sizeof(msg) - len, "%s%s", n++ ? ", " : "; pending: ",
					d->st->scopes[i].name);
	}
	if (d->pins_note[0] && len < sizeof(msg))
		snprintf(msg + len, sizeof(msg) - len, "; %s", d->pins_note);
	pc_sd_notify(msg);
}

/* READY=1 with what runs. Enforcement is in place before this is sent:
 * the first apply has attached every scope whose target exists; the
 * others are named as pending. */
static void notify_ready(const struct daemon *d)
{
	notify_status(d, "READY=1\n");
}

/* The pin dir was made again with a bpffs mounted on it: record it, so
 * 'unload' unmounts it. Under the lock. */
static void record_mount(struct daemon *d)
{
	int err = pc_state_read(d->ctx->lib.run_dir, d->st);

	if (!err && !d->st->bpffs_mounted) {
		d->st->bpffs_mounted = true;
		err = pc_state_write(d->ctx->lib.run_dir, d->st);
		state_stat(d, &d->state_seen);	/* ours: not an apply to follow */
	}
	if (err)
		fprintf(d->ctx->err, "portcullis: cannot record the bpffs mounted at %s in %s/state "
			"(%s): 'unload' will leave it mounted\n", d->ctx->lib.pin_dir,
			d->ctx->lib.run_dir, strerror(-err));
}

/* The time of day in UTC, for STATUS: when the pins went or came back. */
static void utc_now(char *buf, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(buf, len, "%H:%M:%SZ", &tm);
}

/* Say what pc_hold_repair() did, on stderr (the journal) and in STATUS. */
static void report_repair(struct daemon *d, size_t lost, const struct pc_hold_repair *r)
{
	const char *pin_dir = d->ctx->lib.pin_dir;
	char what[256], when[32], failed[sizeof(d->pins_failed)];
	size_t len = 0;
	int k;

	utc_now(when, sizeof(when));
	if (r->err) {
		snprintf(failed, sizeof(failed), "%s: %s", r->failed, strerror(-r->err));
		snprintf(d->pins_note, sizeof(d->pins_note), "PINS LOST in %.150s since %s, "
			 "enforcement held by this daemon alone (cannot pin %.250s)", pin_dir, when, failed);
		if (strcmp(failed, d->pins_failed)) {	/* once per cause, not every second */
			fprintf(d->ctx->err, "portcullis: error: %zu pins are gone from %s and cannot "
				"be made again: %s. Enforcement goes on: this daemon holds every "
				"link and map; but stopping it now detaches them. Make %s usable "
				"(a bpffs, mounted in the host's mount namespace where portcullis "
				"cannot mount it) and the daemon pins them again within a second.\n",
				lost, pin_dir, failed, pin_dir);
			snprintf(d->pins_failed, sizeof(d->pins_failed), "%s", failed);
		}
		return;
	}
	d->pins_failed[0] = '\0';
	for (k = 0; k < PC_PIN__COUNT; k++)
		if (r->repinned[k])
			len += (size_t)snprintf(what + len, sizeof(what) - len, "%s%u %s",
						len ? ", " : "", r->repinned[k],
						pc_hold_kind_name((enum pc_pin_sub)k));
	snprintf(d->pins_note, sizeof(d->pins_note), "pins restored in %.150s at %s (%.250s)", pin_dir,
		 when, len ? what : "none");
	fprintf(d->ctx->err, "portcullis: %zu pins were gone from %s%s; pinned %s again from the "
		"daemon's own references: enforcement never stopped\n", lost, pin_dir,
		r->mounted ? " (its bpffs too: mounted again)" : r->remade_dir
		? " (the directory too: made again)" : "", len ? what : "none");
}

/* The pins we could not make again are there again (the cause undone). */
static void report_back(struct daemon *d)
{
	char when[32];

	utc_now(when, sizeof(when));
	d->pins_failed[0] = '\0';
	snprintf(d->pins_note, sizeof(d->pins_note), "pins back in %.150s at %s",
		 d->ctx->lib.pin_dir, when);
	fprintf(d->ctx->err, "portcullis: the pins in %s are back\n", d->ctx->lib.pin_dir);
	notify_status(d, "");
}

/*
 * Once a second: is every pin still there? Someone may have removed a pin,
 * the pin dir, or unmounted the bpffs; the links stay attached (we hold
 * them), but 'status', 'mode', a new daemon and 'apply' find them by their
 * pins. So pin them again, under the lock, from the fds held. One stat a pin.
 */
static void follow_pins(struct daemon *d)
{
	struct pc_hold_repair r;
	struct stat sb;
	size_t lost;
	int lock;

	if (!pc_hold_lost(&d->hold)) {
		if (d->pins_failed[0])	/* someone made them reachable again */
			report_back(d);
		return;
	}
	lock = pc_lock_take(d->ctx->lib.run_dir);
	if (lock < 0) {
		fprintf(d->ctx->err, "portcullis: pins are gone from %s, and %s/lock cannot be "
			"taken to pin them again: %s\n", d->ctx->lib.pin_dir, d->ctx->lib.run_dir,
			strerror(-lock));
		return;
	}
	state_stat(d, &sb);
	lost = state_same(&sb, &d->state_seen) ? pc_hold_lost(&d->hold) : 0;
	if (!lost) {	/* an apply made them anew (follow_apply() holds those) */
		pc_lock_release(lock);
		return;
	}
	pc_hold_repair(&d->hold, &r);
	if (r.mounted)
		record_mount(d);
	pc_lock_release(lock);
	report_repair(d, lost, &r);
	notify_status(d, "");
}

/*
 * Does scope I still point where it should? A pending scope's target has
 * appeared; an attached one's interface or cgroup was deleted or made
 * again (a new ifindex, a new cgroup id: 'systemctl restart' makes the
 * service's cgroup anew), so its key and hooks are dead.
 */
static bool scope_drifted(const struct pc_state_scope *ss)
{
	uint64_t id = pc_scope_target_id(ss->name);

	return scope_pending(ss) ? id != 0 : id != ss->id;
}

/*
 * Keep every scope enforced while the host changes under it: once a
 * second, when a pending target has appeared or an attached one was made
 * anew, apply the running config again, which resolves the new ids and
 * attaches to them (and makes a vanished target pending). One name lookup
 * per scope.
 */
static void follow_targets(struct daemon *d)
{
	const struct pc_tables *t = &d->cfg.tables;
	char path[PATH_MAX], digest[sizeof(d->st->digest)];
	const char *what = NULL;
	struct timespec now;
	int i, err;

	if ((size_t)d->st->n_scopes != t->n_scopes)
		return;	/* the state is not of this config (an apply in between) */
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec < d->follow_after)
		return;	/* the last try failed: not every second */
	for (i = 0; i < d->st->n_scopes && !what; i++)
		if (scope_drifted(&d->st->scopes[i]))
			what = d->st->scopes[i].name;
	if (!what)
		return;
	/* The config that runs: the daemon's own, or one 'apply' put in place. */
	snprintf(path, sizeof(path), "%s", d->st->config[0] ? d->st->config : d->ctx->config);
	fprintf(d->ctx->err, "portcullis: %s: its %s; applying %s again\n", what,
		scope_pending(&d->st->scopes[i - 1]) ? "target appeared" : "target was made anew",
		path);
	pc_sd_notify("RELOADING=1");
	/* d->st is re-read under the lock: compare with a copy */
	snprintf(digest, sizeof(digest), "%s", d->st->digest);
	err = apply_config(d, path, digest);
	d->follow_after = err && err != -EAGAIN ? now.tv_sec + 30 : 0;
	pc_report_flush(d->ctx);
	notify_ready(d);
}

/*
 * An 'apply' served through RUN_DIR/control put CFG in place, and ST is
 * the state it wrote; under its lock. Take its tables over before the next
 * event is read: the first one of the new generation names its scopes.
 */
static void on_applied(void *arg, struct pc_config *cfg, const struct pc_state *st)
{
	struct daemon *d = arg;

	*d->st = *st;
	state_stat(d, &d->state_seen);	/* done here: not an apply to follow */
	hold_pins(d);
	take_config(d, cfg);
	fprintf(d->ctx->err, "portcullis: policy %s applied for 'apply': %zu scopes, %zu rule "
		"entries, failsafe %s\n", d->cfg.tables.digest, d->cfg.tables.n_scopes,
		d->cfg.tables.n_rules, d->cfg.tables.failsafe ? "on" : "off");
	notify_status(d, "");	/* 'systemctl status' names what runs now */
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

int cmd_daemon(struct pc_ctx *ctx, int argc, char **argv)
{
	struct daemon d = { .ctx = ctx, .hold = PC_HOLD_INIT };
	const struct pc_served hooks = { .arg = &d, .applied = on_applied };
	struct sigaction sa = { 0 };
	struct pollfd pfd[2];
	struct timespec now;
	time_t last_check = 0;
	int pid, err, control = -1, ret = PC_EXIT_FAIL;

	ret = parse_args(&d, argc, argv);
	if (ret)
		return ret;
	ret = PC_EXIT_FAIL;
	if (!ctx->lib.verbose)
		libbpf_set_print(libbpf_print);
	pid = pc_pidfile_live(ctx->lib.run_dir);
	if (pid)
		return pc_fail(ctx, "a daemon already runs for %s (pid %d); stop it, or give "
			       "another --run-dir and --pin-dir", ctx->lib.run_dir, pid);
	d.st = calloc(1, sizeof(*d.st));
	if (!d.st || pc_textfile_init(&d.textfile, d.textfile_dir, d.textfile_interval)) {
		free(d.st);
		return pc_fail(ctx, "out of memory");
	}
	ctx->lib.before_flip = before_flip;
	ctx->lib.before_flip_arg = &d;
	if (pc_apply_load_instance(&ctx->lib, &d.in))
		goto out;
	if (apply_config(&d, ctx->config, NULL))
		goto out;
	d.log_opts.dir = ctx->lib.log_dir;
	d.log_opts.err = ctx->err;
	err = pc_event_log_open(&d.log_opts, &d.log);
	if (err) {
		pc_fail(ctx, "cannot open the event log in %s: %s", ctx->lib.log_dir, strerror(-err));
		goto out;
	}
	pc_event_clock_init(&d.ev);
	err = pc_cgroup_names_new(&d.cgnames);
	if (err)
		fprintf(ctx->err, "portcullis: events will name cgroups by id only: %s\n",
			strerror(-err));
	d.rb = ring_buffer__new(pc_instance_map_fd(&d.in, PC_MAP_EVENTS), on_event, &d, NULL);
	if (!d.rb) {
		pc_fail(ctx, "cannot read the event ring buffer: %s", strerror(errno));
		goto out;
	}
	/* No daemon runs (checked above): a control socket there is stale. */
	control = pc_control_listen(ctx->lib.run_dir);
	if (control < 0) {
		pc_fail(ctx, "cannot listen on %s/control: %s; without it 'apply' would race the "
			"daemon's names for events%s", ctx->lib.run_dir, strerror(-control),
			control == -ENAMETOOLONG ? ": give a shorter --run-dir" : "");
		goto out;
	}
	pc_pidfile_write(ctx->lib.run_dir);
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_reload;
	sigaction(SIGHUP, &sa, NULL);
	fprintf(ctx->err, "portcullis: running; events in %s/events.log; SIGHUP re-reads %s\n",
		ctx->lib.log_dir, ctx->config);
	notify_ready(&d);
	pfd[0] = (struct pollfd){ .fd = ring_buffer__epoll_fd(d.rb), .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = control, .events = POLLIN };
	while (!stop_requested) {
		pfd[0].revents = pfd[1].revents = 0;
		if (poll(pfd, 2, 200) < 0 && errno != EINTR) {
			pc_fail(ctx, "waiting for events failed: %s", strerror(errno));
			goto out;
		}
		/* Every event before a request is named before it is served. */
		err = ring_buffer__consume(d.rb);
		if (err < 0 && err != -EINTR) {
			pc_fail(ctx, "reading events failed: %s", strerror(-err));
			goto out;
		}
		if (pfd[1].revents & POLLIN)
			pc_control_serve(ctx, control, &hooks);
		pc_event_log_flush(d.log);	/* one write per batch, at least every 200 ms */
		pc_event_clock_follow(&d.ev);
		follow_apply(&d);	/* first: an 'apply' is what runs now */
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec != last_check) {	/* once a second, however busy */
			last_check = now.tv_sec;
			follow_pins(&d);	/* before an apply: it needs the pin dir */
			follow_targets(&d);
			pc_confirm_tick(ctx);	/* an unconfirmed change due to revert */
			pc_textfile_tick(&d.textfile, &ctx->lib, ctx->err, now.tv_sec);
			/* The waiters of '--confirm' changes served here are ours. */
			while (waitpid(-1, NULL, WNOHANG) > 0)
				;
		}
		if (reload_requested) {
			reload_requested = 0;
			pc_sd_notify("RELOADING=1");
			apply_config(&d, ctx->config, NULL);	/* a bad config keeps the running one */
			pc_report_flush(ctx);	/* why, now, not when the daemon exits */
			notify_ready(&d);
		}
	}
	pc_sd_notify("STOPPING=1");
	if (d.pins_failed[0])
		fprintf(ctx->err, "portcullis: error: stopping while pins are lost (%s): what "
			"only this daemon held detaches now; 'portcullis apply' attaches again once "
			"%s is usable\n", d.pins_failed, ctx->lib.pin_dir);
	else
		fprintf(ctx->err, "portcullis: stopping; enforcement stays in place "
			"('portcullis unload' removes it)\n");
	ret = PC_EXIT_OK;
out:
	pc_control_close(control, ctx->lib.run_dir);
	pc_pidfile_remove(ctx->lib.run_dir);
	ring_buffer__free(d.rb);
	pc_event_log_close(d.log);
	pc_hint_index_free(d.hints);
	pc_cgroup_names_free(d.cgnames);
	pc_config_free(&d.cfg);
	pc_textfile_free(&d.textfile);
	pc_hold_close(&d.hold);	/* what the pins hold stays; nothing else does */
	if (d.in.skel)
		pc_instance_close(&d.in);
	free(d.st);
	return ret;
}
