// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_confirm.c - commit-confirmed: 'mode --confirm N' and 'apply --confirm
 * N' record what to go back to (kernel/confirm.h) before they change
 * anything, and go back by themselves at the deadline unless 'confirm'
 * arrives first: firewalld's --timeout, a router's commit confirmed.
 *
 * Two reverters watch one record: the running daemon, once a second
 * (also one started after the last was killed), and a detached waiter the
 * command leaves behind, so that nothing depends on a daemon running or
 * staying alive. Each takes RUN_DIR/lock and reads the record again under
 * it, so exactly one acts; the other finds nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "events/log.h"
#include "kernel/apply.h"
#include "kernel/confirm.h"
#include "kernel/gen.h"
#include "kernel/lock.h"
#include "kernel/pinned.h"
#include "lib/json.h"
#include "lib/names.h"
#include "policy/compile.h"

/* The waiter has no terminal: it says what it did to syslog. */
static bool to_syslog;

static void say(struct pc_ctx *ctx, int prio, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(struct pc_ctx *ctx, int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (to_syslog) {
		vsyslog(prio, fmt, ap);
	} else {
		fputs("portcullis: ", ctx->err);
		vfprintf(ctx->err, fmt, ap);
		fputc('\n', ctx->err);
	}
	va_end(ap);
}

/* "17:30:05" in local time, as an operator reads a clock. */
static void clock_time(time_t t, char *buf, size_t len)
{
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, len, "%H:%M:%S", &tm);
}

int pc_confirm_arg(struct pc_ctx *ctx, const char *arg, unsigned int *seconds)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = arg ? strtoul(arg, &end, 10) : 0;
	if (!arg || errno || end == arg || *end || *arg == '-' || !v ||
	    v > PC_CONFIRM_MAX_SECONDS)
		return pc_usage(ctx, "--confirm takes the seconds to wait for 'portcullis confirm', "
				"1 to %d", PC_CONFIRM_MAX_SECONDS);
	*seconds = (unsigned int)v;
	return 0;
}

/* Compile the config TEXT read from NAME (includes relative to it), as
 * 'apply' would have compiled the file. */
static int compile_text(struct pc_lib *lib, const char *name, const char *text, size_t len,
			struct pc_policy *pol, struct pc_tables *t)
{
	int err = pc_policy_parse_buffer(name, text, len, &lib->diag, pol);

	return err ? err : pc_compile(pol, &lib->diag, NULL, t);
}

/* A record of an earlier boot: its pins and links died with that boot. */
static bool stale_boot(const struct pc_confirm *c)
{
	char now[40];

	pc_confirm_boot_id(now, sizeof(now));
	return c->boot_id[0] && now[0] && strcmp(c->boot_id, now);
}

/* Does TEXT, read as ST's config, compile to what runs? 0, -ESTALE, or
 * what the compiler said. Its diagnostics are not the command's: a sink of
 * its own, dropped. */
static int runs(struct pc_ctx *ctx, const struct pc_state *st, const char *text, size_t len)
{
	struct pc_lib quiet = ctx->lib;
	struct pc_policy pol = { 0 };
	struct pc_tables t = { 0 };
	int err;

	pc_diag_init(&quiet.diag);
	err = compile_text(&quiet, st->config, text, len, &pol, &t);
	if (!err && strcmp(t.digest, st->digest))
		err = -ESTALE;
	pc_diag_free(&quiet.diag);
	pc_tables_free(&t);
	pc_policy_free(&pol);
	return err;
}

/*
 * The text of the config that runs, to go back to: what the last apply
 * kept (the operator has usually edited the file since, to make the
 * change), else the file itself while it still compiles to what runs.
 */
static int running_text(struct pc_ctx *ctx, const struct pc_state *st, char **text, size_t *len)
{
	int err = pc_confirm_read_kept(ctx->lib.run_dir, text, len);

	if (!err)
		err = runs(ctx, st, *text, *len);
	if (!err)
		return 0;
	free(*text);
	err = pc_confirm_read_text(st->config, text, len);
	if (!err)
		err = runs(ctx, st, *text, *len);
	if (err) {
		free(*text);
		*text = NULL;
	}
	return err;
}

void pc_confirm_keep_config(struct pc_ctx *ctx, const struct pc_policy *pol)
{
	int err = pol->n_files ? pc_confirm_keep(ctx->lib.run_dir, pol->files[0].text,
						  pol->files[0].len) : -ENOENT;

	if (err)
		say(ctx, LOG_WARNING, "cannot keep the text of the config in %s/confirm: %s; "
		    "'apply --confirm' needs the file unchanged until then", ctx->lib.run_dir,
		    strerror(-err));
}

int pc_confirm_begin(struct pc_ctx *ctx, const struct pc_state *st, const struct pc_gen_maps *maps,
		     unsigned int seconds, struct pc_confirm *c)
{
	struct pc_confirm *old = malloc(sizeof(*old));
	char *text = NULL, when[16];
	size_t len = 0;
	int i, err;

	if (!old)
		return pc_fail(ctx, "out of memory; nothing was changed");
	err = pc_confirm_read(ctx->lib.run_dir, old);
	if (!err && !stale_boot(old)) {
		/* Stacking would revert the second change to the first, which
		 * nobody confirmed either: one at a time. */
		clock_time(old->deadline, when, sizeof(when));
		pc_fail(ctx, "'%s' awaits confirmation (it reverts at %s); 'portcullis confirm' "
			"it first, or wait for it to revert; nothing was changed", old->change,
			when);
		free(old);
		return PC_EXIT_FAIL;
	}
	free(old);
	if (err && err != -ENOENT && err != -EINVAL)
		return pc_fail(ctx, "cannot read %s/confirm/pending: %s; nothing was changed",
			       ctx->lib.run_dir, strerror(-err));
	c->deadline = time(NULL) + (time_t)seconds;
	pc_confirm_boot_id(c->boot_id, sizeof(c->boot_id));
	/* What each scope runs now, as the kernel has it: 'mode' may have
	 * switched it since the config set it. */
	c->n_scopes = 0;
	for (i = 0; i < st->n_scopes; i++) {
		struct pc_confirm_scope *s = &c->scopes[c->n_scopes++];

		snprintf(s->name, sizeof(s->name), "%s", st->scopes[i].name);
		s->mode = st->scopes[i].mode;
		pc_gen_get_mode(maps, st->scopes[i].scope, &s->mode);	/* pending: the config's */
	}
	if (c->kind == PC_CONFIRM_APPLY) {
		snprintf(c->digest, sizeof(c->digest), "%s", st->digest);
		snprintf(c->config, sizeof(c->config), "%s", st->config);
		err = running_text(ctx, st, &text, &len);
		if (err) {
			pc_fail(ctx, "cannot keep the running policy to go back to; nothing was "
				"changed");
			pc_diag_add(&ctx->lib.diag, PC_DIAG_NOTE, PC_DIAG_BARE, NULL,
				    "put the new config in a file of its own and give it with -c; "
				    "the running one stays as it is until confirmed",
				    "--confirm goes back to the text of the config that runs (%s), "
				    "which neither %s/confirm/running.conf (kept at each apply) nor "
				    "%s holds: the file %s%s", st->digest, ctx->lib.run_dir, st->config,
				    err == -ESTALE ? "was edited since it was applied" :
				    err == -EINVAL ? "no longer compiles" : "cannot be read: ",
				    err == -ESTALE || err == -EINVAL ? "" : strerror(-err));
			return PC_EXIT_FAIL;
		}
	}
	err = pc_confirm_write(ctx->lib.run_dir, c, text, len);
	free(text);
	if (err)
		return pc_fail(ctx, "cannot write %s/confirm/: %s; nothing was changed",
			       ctx->lib.run_dir, strerror(-err));
	return 0;
}

/* The waiter: sleep until the deadline of the record C, then revert it
 * unless it was confirmed (or replaced) meanwhile. Never returns. */
static void wait_and_revert(struct pc_ctx *ctx, const struct pc_confirm *c)
{
	struct pc_confirm *now = malloc(sizeof(*now));
	int fd;

	setsid();
	if (!now || chdir("/"))
		_exit(1);	/* a running daemon still reverts it */
	/* No fd of the command's: a shell reading its output must see EOF. */
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd < 0 || dup2(fd, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
		_exit(1);
	/* All of them: forked from the daemon (control.h), that is every
	 * pin it holds and its sockets, beyond any fixed bound. */
	if (close_range(3, ~0U, 0))
		for (fd = 3; fd < 1024; fd++)
			close(fd);
	/* Forked from the daemon, it has the daemon's handlers: SIGTERM
	 * ends a waiter as it ends one the command line left. */
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	openlog("portcullis", LOG_PID, LOG_DAEMON);
	to_syslog = true;
	pc_diag_init(&ctx->lib.diag);
	ctx->err = stderr;
	for (;;) {
		/* wall-clock seconds: a suspended host wakes up past the deadline */
		if (pc_confirm_read(ctx->lib.run_dir, now) || now->deadline != c->deadline ||
		    strcmp(now->change, c->change))
			_exit(0);	/* confirmed, reverted by the daemon, or replaced */
		if (time(NULL) >= c->deadline)
			break;
		sleep(1);
	}
	pc_confirm_tick(ctx);
	_exit(0);
}

void pc_confirm_arm(struct pc_ctx *ctx, const struct pc_confirm *c)
{
	char when[16];
	pid_t pid;

	clock_time(c->deadline, when, sizeof(when));
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		wait_and_revert(ctx, c);
	if (pid < 0) {
		say(ctx, LOG_WARNING, "cannot start the waiter that reverts '%s': %s; a running "
		    "daemon still reverts it", c->change, strerror(errno));
		pid = 0;
	}
	say(ctx, LOG_NOTICE, "'%s' reverts at %s (in %lld s) unless 'portcullis confirm' comes "
	    "first (waiter pid %d; a daemon reverts it too)", c->change, when,
	    (long long)(c->deadline - time(NULL)), (int)pid);
}

/* What runs again after reverting C, in a few words, into BUF. */
static void restored_words(const struct pc_confirm *c, char *buf, size_t len)
{
	size_t n = 0;
	int i;

	if (c->kind == PC_CONFIRM_APPLY) {
		snprintf(buf, len, "policy %s from %.1500s", c->digest, c->config);
		return;
	}
	buf[0] = '\0';
	if (!c->n_scopes) {
		snprintf(buf, len, "no scope");
		return;
	}
	for (i = 1; i < c->n_scopes && c->scopes[i].mode == c->scopes[0].mode; i++)
		;
	if (i == c->n_scopes) {
		snprintf(buf, len, "mode %s", pc_mode_name(c->scopes[0].mode));
		return;
	}
	for (i = 0; i < c->n_scopes && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s %s", i ? ", " : "mode ",
				      c->scopes[i].name, pc_mode_name(c->scopes[i].mode));
}

/* The mode scope NAME ran in before C, or -1 when C does not know it. */
static int mode_before(const struct pc_confirm *c, const char *name)
{
	int k;

	for (k = 0; k < c->n_scopes; k++)
		if (!strcmp(name, c->scopes[k].name))
			return (int)c->scopes[k].mode;
	return -1;
}

/* Put each scope of C back in its mode of before, by name: an apply in
 * between may have numbered them anew. Through the pinned maps, as 'mode'.
 * C NULL: every scope to audit. */
static int restore_modes(struct pc_ctx *ctx, const struct pc_confirm *c)
{
	struct pc_state *st = calloc(1, sizeof(*st));
	struct pc_pinned p = PC_PINNED_INIT;
	int i, mode, err;

	if (!st)
		return -ENOMEM;
	err = pc_open_instance(&ctx->lib, st, &p);
	for (i = 0; !err && i < st->n_scopes; i++) {
		mode = c ? mode_before(c, st->scopes[i].name) : PC_MODE_AUDIT;
		if (mode < 0)
			continue;
		err = pc_gen_set_mode(&p.maps, st->scopes[i].scope, (uint32_t)mode);
		if (err == -ENOENT)
			err = 0;	/* pending: no key, nothing judged yet */
		if (err)
			pc_lib_error(&ctx->lib, err, NULL, "%s: cannot switch back to %s: %s",
				     st->scopes[i].name, pc_mode_name((uint32_t)mode),
				     strerror(-err));
	}
	pc_pinned_close(&p);
	free(st);
	return err;
}

/* The running config was edited in place to make the change: it still says
 * what was not confirmed, and the next daemon start, SIGHUP or re-attach
 * would apply it again. portcullis never writes the operator's files: say
 * so, and where the text that runs is. */
static void warn_edited(struct pc_ctx *ctx, const char *config, const char *text, size_t len)
{
	char *now = NULL;
	size_t n = 0;

	if (!pc_confirm_read_text(config, &now, &n) && n == len && !memcmp(now, text, len)) {
		free(now);
		return;
	}
	free(now);
	say(ctx, LOG_WARNING, "%s still holds the change that was not confirmed: the daemon's next "
	    "start or SIGHUP applies it again; the text that runs now is in %s/confirm/running.conf",
	    config, ctx->lib.run_dir);
}

/* Apply the config C kept, as 'apply' does. */
static int restore_policy(struct pc_ctx *ctx, const struct pc_confirm *c)
{
	struct pc_state *st = calloc(1, sizeof(*st));
	struct pc_instance in = { 0 };
	struct pc_policy pol = { 0 };
	struct pc_tables t = { 0 };
	char *text = NULL;
	size_t len = 0;
	int err;

	err = st ? pc_confirm_read_previous(ctx->lib.run_dir, &text, &len) : -ENOMEM;
	if (err) {
		pc_lib_error(&ctx->lib, err, NULL, "cannot read the config to go back to, "
			     "%s/confirm/previous.conf: %s", ctx->lib.run_dir, strerror(-err));
		goto out;
	}
	err = compile_text(&ctx->lib, c->config, text, len, &pol, &t);
	if (err)
		goto out;
	if (strcmp(t.digest, c->digest))
		say(ctx, LOG_WARNING, "the config that ran compiles to %s now, not %s: a file it "
		    "includes changed since; applying it", t.digest, c->digest);
	err = pc_state_read(ctx->lib.run_dir, st);
	if (!err)
		err = pc_apply_load_instance(&ctx->lib, &in);
	if (!err)
		err = pc_apply(&ctx->lib, &in, &t, c->config, st);
	if (!err) {
		pc_confirm_keep_config(ctx, &pol);
		warn_edited(ctx, c->config, text, len);
	}
	if (in.skel)
		pc_instance_close(&in);
out:
	pc_tables_free(&t);
	pc_policy_free(&pol);
	free(text);
	free(st);
	return err;
}

/* Revert C; the caller holds the lock. */
static int revert(struct pc_ctx *ctx, const struct pc_confirm *c)
{
	char restored[PC_EVENT_LINE_MAX / 2], when[16];
	const struct pc_confirm *modes = c;
	struct pc_event_rec r;
	int err = 0;

	clock_time(c->deadline, when, sizeof(when));
	if (c->kind == PC_CONFIRM_APPLY)
		err = restore_policy(ctx, c);
	if (err) {
		/* The session the change cut must come back all the same, and
		 * audit cuts none: loudly, not silently, the safe mode. */
		say(ctx, LOG_ERR, "'%s' was not confirmed by %s, and the policy before it cannot "
		    "be put back (%s): switching every scope to audit instead", c->change, when,
		    strerror(-err));
		modes = NULL;
	}
	/* after an apply too: 'mode' may have switched what ran before it */
	err = restore_modes(ctx, modes);
	if (err) {
		say(ctx, LOG_ERR, "'%s' was not confirmed by %s, and going back failed: %s; what "
		    "runs now is as the failure left it", c->change, when, strerror(-err));
		return err;
	}
	if (modes)
		restored_words(c, restored, sizeof(restored));
	else
		snprintf(restored, sizeof(restored), "mode audit (the policy before could not be "
			 "put back)");
	say(ctx, LOG_WARNING, "'%s' was not confirmed by %s: back to %s", c->change, when,
	    restored);
	pc_event_rec_revert(&r, c->change, restored);
	err = pc_event_log_append(ctx->lib.log_dir, &r);
	if (err)
		say(ctx, LOG_WARNING, "cannot log the revert in %s: %s", ctx->lib.log_dir,
		    strerror(-err));
	return 0;
}

/* What the library said while reverting: the daemon's stderr, or syslog. */
static void report(struct pc_ctx *ctx)
{
	FILE *err = ctx->err, *mem;
	char *buf = NULL, *line, *save;
	size_t len = 0;

	if (!to_syslog) {
		pc_report_flush(ctx);
		return;
	}
	mem = open_memstream(&buf, &len);
	if (!mem)
		return;
	ctx->err = mem;
	pc_report_flush(ctx);
	fclose(mem);
	ctx->err = err;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		syslog(LOG_ERR, "%s", line);
	free(buf);
}

int pc_confirm_tick(struct pc_ctx *ctx)
{
	struct pc_confirm *c = malloc(sizeof(*c));
	int lock = -1, err, ret = 0;

	if (!c)
		return -ENOMEM;
	/* unlocked first: once a second, nearly always nothing is due */
	err = pc_confirm_read(ctx->lib.run_dir, c);
	if (err || (c->deadline > time(NULL) && !stale_boot(c)))
		goto out;
	lock = pc_lock_take(ctx->lib.run_dir);
	if (lock < 0) {
		say(ctx, LOG_ERR, "cannot lock %s to revert '%s': %s", ctx->lib.run_dir, c->change,
		    strerror(-lock));
		ret = lock;
		goto out;
	}
	/* the other reverter, or 'confirm', may have been first */
	if (pc_confirm_read(ctx->lib.run_dir, c) || (c->deadline > time(NULL) && !stale_boot(c)))
		goto out;
	if (stale_boot(c)) {
		say(ctx, LOG_NOTICE, "dropping '%s': it was made before the last boot, and what "
		    "it changed did not survive it", c->change);
	} else {
		ret = revert(ctx, c) ? -EIO : 1;
	}
	/* a revert that failed is said; retrying every second would not fix it */
	pc_confirm_remove(ctx->lib.run_dir);
out:
	pc_lock_release(lock);
	free(c);
	report(ctx);
	return ret;
}

void pc_confirm_show(struct pc_ctx *ctx, struct pc_json *j)
{
	struct pc_confirm *c = malloc(sizeof(*c));
	char when[16];
	long long left;

	if (!c)
		return;
	if (pc_confirm_read(ctx->lib.run_dir, c) || stale_boot(c)) {
		free(c);
		return;
	}
	left = (long long)(c->deadline - time(NULL));
	clock_time(c->deadline, when, sizeof(when));
	if (ctx->json) {
		char iso[32];
		struct tm tm;

		gmtime_r(&c->deadline, &tm);
		strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%SZ", &tm);
		pc_json_key(j, "pending");
		pc_json_begin_object(j);
		pc_json_key(j, "change"); pc_json_string(j, c->change);
		pc_json_key(j, "reverts_at"); pc_json_string(j, iso);
		pc_json_key(j, "seconds_left"); pc_json_int(j, left > 0 ? (int)left : 0);
		pc_json_end_object(j);
	} else {
		fprintf(ctx->out, "pending:  %s, reverts at %s (in %lld s) unless 'portcullis "
			"confirm'\n", c->change, when, left > 0 ? left : 0);
	}
	free(c);
}

const struct pc_opt pc_opts_confirm[] = { { 0 } };

int cmd_confirm(struct pc_ctx *ctx, int argc, char **argv)
{
	struct pc_confirm *c;
	char when[16];
	int lock, err;

	if (pc_opt_words(ctx, "confirm", argc, argv, NULL))
		return PC_EXIT_USAGE;
	c = malloc(sizeof(*c));
	if (!c)
		return pc_fail(ctx, "out of memory");
	/* unlocked first, so that nothing pending makes nothing, not even RUN_DIR */
	err = pc_confirm_read(ctx->lib.run_dir, c);
	lock = err ? -1 : pc_lock_take(ctx->lib.run_dir);
	if (!err && lock < 0)
		err = lock;
	if (!err)
		err = pc_confirm_read(ctx->lib.run_dir, c);
	if (!err && (stale_boot(c) || c->deadline <= time(NULL)))
		err = -ETIME;	/* its reverter is at it, or the boot it was for is gone */
	if (!err)
		err = pc_confirm_remove(ctx->lib.run_dir);
	pc_lock_release(lock);
	clock_time(c->deadline, when, sizeof(when));
	if (err == -ENOENT)
		err = pc_fail(ctx, "nothing awaits confirmation: only 'mode --confirm' and "
			      "'apply --confirm' need it");
	else if (err == -ETIME)
		err = pc_fail(ctx, "too late: '%s' was due to revert at %s", c->change, when);
	else if (err)
		err = pc_fail(ctx, "cannot confirm: %s/confirm: %s", ctx->lib.run_dir,
			      strerror(-err));
	else if (ctx->json) {
		struct pc_json j;

		pc_json_init(&j, ctx->out);
		pc_json_begin_object(&j);
		pc_json_key(&j, "confirmed"); pc_json_string(&j, c->change);
		pc_json_end_object(&j);
	} else {
		fprintf(ctx->out, "confirmed: %s (it would have reverted at %s)\n", c->change, when);
	}
	free(c);
	return err ? err : PC_EXIT_OK;
}
