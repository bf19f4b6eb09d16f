// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_daemon.c - 'portcullis daemon': load, fill, attach, then stream
 * events until SIGTERM. Enforcement lives in pinned links and maps, not
 * in this process: SIGTERM and SIGKILL both leave it in place, and the
 * next daemon takes it over (same maps, links updated to its programs).
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "apply.h"
#include "event_format.h"
#include "lock.h"

static volatile sig_atomic_t stop_requested, reload_requested;

static void on_stop(int sig) { stop_requested = 1; }
static void on_reload(int sig) { reload_requested = 1; }

struct daemon {
	struct pc_ctx *ctx;
	struct pc_instance in;
	struct pc_config cfg;
	struct pc_state *st;
	struct pc_event_ctx ev;
	FILE *log;
};

static int on_event(void *arg, void *data, size_t len)
{
	struct daemon *d = arg;

	if (len < sizeof(struct pc_event))
		return 0;
	pc_event_write_json(d->log, &d->ev, data);
	return 0;
}

static int open_log(struct daemon *d)
{
	char path[PATH_MAX];

	if (mkdir(d->ctx->log_dir, 0750) && errno != EEXIST)
		return -errno;
	snprintf(path, sizeof(path), "%s/events.log", d->ctx->log_dir);
	d->log = fopen(path, "a");
	return d->log ? 0 : -errno;
}

/* Compile and apply under the instance lock. On failure the running
 * policy stays and *D keeps its config. */
static int apply_config(struct daemon *d)
{
	struct pc_config next;
	int lock, err;

	err = pc_config_load(d->ctx, d->ctx->config, true, &next);
	if (err) {
		pc_config_free(&next);
		return err;
	}
	lock = pc_lock_take(d->ctx->run_dir);
	if (lock < 0) {
		pc_config_free(&next);
		fprintf(d->ctx->err, "portcullis: cannot lock %s: %s\n", d->ctx->run_dir,
			strerror(-lock));
		return lock;
	}
	err = pc_state_read(d->ctx->run_dir, d->st);
	if (err && err != -ENOENT)
		fprintf(d->ctx->err, "portcullis: ignoring unreadable %s/state: %s\n",
			d->ctx->run_dir, strerror(-err));
	err = pc_apply(d->ctx, &d->in, &next, d->st);
	pc_lock_release(lock);
	if (err) {
		pc_config_free(&next);
		return err;
	}
	pc_config_free(&d->cfg);
	d->cfg = next;
	d->ev.tables = &d->cfg.tables;
	fprintf(d->ctx->err, "portcullis: policy %s applied: %zu scopes, %zu rule entries, failsafe %s\n",
		d->cfg.tables.digest, d->cfg.tables.n_scopes, d->cfg.tables.n_rules,
		d->cfg.tables.failsafe ? "on" : "off");
	return 0;
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

int cmd_daemon(struct pc_ctx *ctx, int argc, char **argv)
{
	struct daemon d = { .ctx = ctx };
	struct ring_buffer *rb = NULL;
	struct sigaction sa = { 0 };
	int pid, err, ret = PC_EXIT_FAIL;

	if (argc > 1)
		return pc_usage(ctx, "daemon takes no arguments");
	if (!ctx->verbose)
		libbpf_set_print(libbpf_print);
	pid = pc_pidfile_live(ctx->run_dir);
	if (pid)
		return pc_fail(ctx, "a daemon already runs for %s (pid %d); stop it, or give "
			       "another --run-dir and --pin-dir", ctx->run_dir, pid);
	d.st = calloc(1, sizeof(*d.st));
	if (!d.st)
		return pc_fail(ctx, "out of memory");
	if (pc_apply_load_instance(ctx, &d.in))
		goto out;
	if (apply_config(&d))
		goto out;
	err = open_log(&d);
	if (err) {
		pc_fail(ctx, "cannot open the event log in %s: %s", ctx->log_dir, strerror(-err));
		goto out;
	}
	pc_event_clock_init(&d.ev);
	rb = ring_buffer__new(pc_instance_map_fd(&d.in, PC_MAP_EVENTS), on_event, &d, NULL);
	if (!rb) {
		pc_fail(ctx, "cannot read the event ring buffer: %s", strerror(errno));
		goto out;
	}
	pc_pidfile_write(ctx->run_dir);
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_reload;
	sigaction(SIGHUP, &sa, NULL);
	fprintf(ctx->err, "portcullis: running; events in %s/events.log; SIGHUP re-reads %s\n",
		ctx->log_dir, ctx->config);
	while (!stop_requested) {
		err = ring_buffer__poll(rb, 200);
		if (err < 0 && err != -EINTR) {
			pc_fail(ctx, "reading events failed: %s", strerror(-err));
			goto out;
		}
		fflush(d.log);
		if (reload_requested) {
			reload_requested = 0;
			apply_config(&d);	/* a bad config keeps the running one */
		}
	}
	fprintf(ctx->err, "portcullis: stopping; enforcement stays in place "
		"('portcullis unload' removes it)\n");
	ret = PC_EXIT_OK;
out:
	pc_pidfile_remove(ctx->run_dir);
	ring_buffer__free(rb);
	if (d.log)
		fclose(d.log);
	pc_config_free(&d.cfg);
	if (d.in.skel)
		pc_instance_close(&d.in);
	free(d.st);
	return ret;
}
