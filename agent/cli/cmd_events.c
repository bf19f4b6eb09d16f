// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_events.c - 'portcullis events': options, filters and output over the
 * log reader (events/read.h): one line an event (or the logged JSON),
 * oldest first, and with -f what comes after, like 'tail -F'.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "events/format.h"
#include "events/read.h"
#include "lib/addr.h"
#include "lib/array.h"
#include "lib/diag.h"
#include "lib/names.h"

#define DEFAULT_TAIL	10		/* -f without --since, like tail -f */

static volatile sig_atomic_t events_stop;

static void on_stop(int sig) { events_stop = 1; }

struct filter {
	const char *verdict;	/* NULL: any */
	const char *reason;	/* NULL: any; else only events that log this reason */
	const char *hook;	/* NULL: any */
	const char *scope;
	long port;		/* -1: any */
	bool has_peer;
	struct pc_addr peer;	/* --peer, IPv4 mapped */
	bool since;
	int64_t since_ns;
	char since_ts[PC_EVENT_TS_LEN + 1];
};

struct run {
	struct pc_ctx *ctx;
	struct filter f;
	bool follow, json;
	long tail;		/* -1: all; else keep only the last N of the past */
	char **ring;		/* tail: the last N outputs */
	size_t ring_n, ring_pos;
	bool past;		/* reading history (tail applies), not following */
	uint64_t bad_lines;
	char *scratch;		/* a copy of the line to parse in place */
	size_t scratch_cap;
};

/* --- options --------------------------------------------------------------- */

static int parse_duration(const char *s, int64_t *ns)
{
	static const struct { char unit; int64_t sec; } units[] = {
		{ 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 },
	};
	int64_t total = 0;
	size_t i;

	if (!*s)
		return -EINVAL;
	while (*s) {
		char *end;
		long long v;

		errno = 0;
		v = strtoll(s, &end, 10);
		if (errno || end == s || v < 0 || v > 100000000)
			return -EINVAL;
		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (*end == units[i].unit)
				break;
		if (i == sizeof(units) / sizeof(units[0]))
			return -EINVAL;
		total += v * units[i].sec;
		s = end + 1;
	}
	*ns = total * 1000000000ll;
	return 0;
}

static int parse_digits(const char **s, int n, int *v)
{
	*v = 0;
	while (n--) {
		if (**s < '0' || **s > '9')
			return -EINVAL;
		*v = *v * 10 + (*(*s)++ - '0');
	}
	return 0;
}

/* RFC 3339, with the date alone, minutes alone or no zone (UTC, as the
 * log) allowed: 2026-11-22, 2026-11-22T18:00, 2026-11-22 18:00:00.5+01:00. */
static int parse_timestamp(const char *s, int64_t *ns)
{
	struct tm tm = { 0 };
	int y, mo, d, h = 0, mi = 0, sec = 0, oh, om, sign;
	int64_t frac = 0, scale = 100000000, t;

	if (parse_digits(&s, 4, &y) || *s++ != '-' || parse_digits(&s, 2, &mo) || *s++ != '-' ||
	    parse_digits(&s, 2, &d))
		return -EINVAL;
	if (*s == 'T' || *s == 't' || *s == ' ') {
		s++;
		if (parse_digits(&s, 2, &h) || *s++ != ':' || parse_digits(&s, 2, &mi))
			return -EINVAL;
		if (*s == ':') {
			s++;
			if (parse_digits(&s, 2, &sec))
				return -EINVAL;
			if (*s == '.' || *s == ',') {
				for (s++; *s >= '0' && *s <= '9'; s++, scale /= 10)
					frac += (*s - '0') * scale;
			}
		}
	}
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -EINVAL;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = (int64_t)timegm(&tm);
	if (*s == 'Z' || *s == 'z') {
		s++;
	} else if (*s == '+' || *s == '-') {
		sign = *s++ == '+' ? 1 : -1;
		if (parse_digits(&s, 2, &oh) || *s++ != ':' || parse_digits(&s, 2, &om))
			return -EINVAL;
		t -= sign * (oh * 3600 + om * 60);
	}
	if (*s)
		return -EINVAL;
	*ns = t * 1000000000ll + frac;
	return 0;
}

static int parse_since(const char *s, int64_t *ns)
{
	struct timespec now;
	int64_t d;

	if (!parse_timestamp(s, ns))
		return 0;
	if (parse_duration(s, &d))
		return -EINVAL;
	clock_gettime(CLOCK_REALTIME, &now);
	*ns = now.tv_sec * 1000000000ll + now.tv_nsec - d;
	return 0;
}

enum {
	OPT_FOLLOW = 1, OPT_JSON, OPT_LINES, OPT_SINCE, OPT_VERDICT, OPT_REASON, OPT_HOOK,
	OPT_SCOPE, OPT_PORT, OPT_PEER,
};

const struct pc_opt pc_opts_events[] = {
	{ OPT_FOLLOW, 'f', "follow", NULL, "then wait for more, across rotations, like tail -F",
	  NULL },
	PC_OPT_ROW_JSON(OPT_JSON),
	{ OPT_LINES, 'n', "lines", "N", "only the last N events that match (-f: default "
	  PC_STR(DEFAULT_TAIL) ")", NULL },
	{ OPT_SINCE, 0, "since", "WHEN",
	  "from WHEN on: a duration ago (30s, 10m, 1h30m, 2d) or an RFC 3339 time", NULL },
	{ OPT_VERDICT, 0, "verdict", "VERDICT", "only this verdict", &pc_names_verdict },
	{ OPT_REASON, 0, "reason", "REASON", "only events that log this reason",
	  &pc_names_reason },
	{ OPT_HOOK, 0, "hook", "HOOK", "only events of this hook", &pc_names_hook },
	{ OPT_SCOPE, 0, "scope", "SCOPE", "only events of this scope (as mode --scope)", NULL },
	{ OPT_PORT, 0, "port", "PORT",
	  "only this destination port (the local port of an inbound flow)", NULL },
	{ OPT_PEER, 0, "peer", "ADDR[/LEN]", "only this remote address, or prefix", NULL },
	{ 0 },
};

static int parse_args(struct run *r, int argc, char **argv)
{
	struct filter *f = &r->f;
	struct pc_opt_parser args;
	const char *v;
	char *end;
	int opt, err;

	f->port = -1;
	r->tail = -1;
	pc_opt_begin(&args, r->ctx, "events", argc, argv);
	while ((opt = pc_opt_next(&args)) != PC_OPT_END) {
		v = args.arg;
		switch (opt) {
		case OPT_FOLLOW:
			r->follow = true;
			break;
		case OPT_JSON:
			r->json = true;
			break;
		case OPT_SINCE:
			if (parse_since(v, &f->since_ns))
				return pc_opt_usage(&args, "--since takes a duration (30s, 10m, 2h, "
						    "1d) or a time (2026-11-22T18:00:00Z), not '%s'", v);
			f->since = true;
			pc_event_format_ts(f->since_ns, f->since_ts);
			break;
		/* The parser checked the names of these against their tables. */
		case OPT_VERDICT:
			f->verdict = v;
			break;
		case OPT_REASON:
			f->reason = v;
			break;
		case OPT_HOOK:
			f->hook = v;
			break;
		case OPT_SCOPE:
			f->scope = v;
			break;
		case OPT_PORT:
			errno = 0;
			f->port = strtol(v, &end, 10);
			if (errno || *end || end == v || f->port < 0 || f->port > 65535)
				return pc_opt_usage(&args, "--port takes a port number 0-65535, "
						    "not '%s'", v);
			break;
		case OPT_PEER:
			/* A host with bits past /LEN stands for its network. */
			err = pc_addr_parse(v, strlen(v), &f->peer);
			if (err && err != -EADDRNOTAVAIL)
				return pc_opt_usage(&args, "--peer takes an address or prefix "
						    "(10.0.3.7, 2001:db8::/32), not '%s'", v);
			f->has_peer = true;
			break;
		case OPT_LINES:
			errno = 0;
			r->tail = strtol(v, &end, 10);
			if (errno || *end || end == v || r->tail < 0)
				return pc_opt_usage(&args, "-n takes a count of events, not '%s'", v);
			break;
		case PC_OPT_WORD:
			return pc_opt_usage(&args, "events takes no arguments, not '%s'", v);
		default:
			return PC_EXIT_USAGE;
		}
	}
	if (r->follow && !f->since && r->tail < 0)
		r->tail = DEFAULT_TAIL;
	return 0;
}

/* --- one line -------------------------------------------------------------- */

static bool matches(const struct filter *f, const struct pc_event_rec *e)
{
	uint8_t a[16] = { [10] = 0xff, [11] = 0xff };
	const char *peer;

	if (f->since && strcmp(e->ts, f->since_ts) < 0)
		return false;
	/* a change record (a revert) has no packet to filter: only --since picks it */
	if (e->kind)
		return !f->verdict && !f->reason && !f->hook && !f->scope && f->port < 0 &&
		       !f->has_peer;
	if (f->verdict && strcmp(e->verdict, f->verdict))
		return false;
	/* an older daemon's lines have no reason or hook: they match neither */
	if (f->reason && (!e->reason || strcmp(e->reason, f->reason)))
		return false;
	if (f->hook && (!e->hook || strcmp(e->hook, f->hook)))
		return false;
	if (f->scope && !pc_scope_matches(e->scope, f->scope))
		return false;
	if (f->port >= 0 && e->dport != f->port)
		return false;
	if (f->has_peer) {
		/* the remote end, as in the hint: src for in, dst for out */
		peer = strcmp(e->dir, "in") ? e->dst : e->src;
		if (inet_pton(AF_INET, peer, a + 12) != 1 && inet_pton(AF_INET6, peer, a) != 1)
			return false;
		if (!pc_addr_in_prefix(f->peer.addr, f->peer.plen, a))
			return false;
	}
	return true;
}

static void output(struct run *r, const char *text, size_t len)
{
	char *copy;

	if (!r->past || r->tail < 0) {
		fwrite(text, 1, len, r->ctx->out);
		return;
	}
	if (!r->tail)
		return;
	copy = strndup(text, len);
	if (!copy)
		return;
	free(r->ring[r->ring_pos]);
	r->ring[r->ring_pos] = copy;
	r->ring_pos = (r->ring_pos + 1) % (size_t)r->tail;
	if (r->ring_n < (size_t)r->tail)
		r->ring_n++;
}

static void flush_ring(struct run *r)
{
	size_t i, start;

	if (!r->ring_n)
		return;
	start = r->ring_n < (size_t)r->tail ? 0 : r->ring_pos;
	for (i = 0; i < r->ring_n; i++) {
		char **slot = &r->ring[(start + i) % (size_t)r->tail];

		fputs(*slot, r->ctx->out);
		free(*slot);
		*slot = NULL;
	}
	r->ring_n = r->ring_pos = 0;
}

/*
 * An event whose hint is several config lines (events/hint.h): the event's
 * line ends in "hint:" and the hint's lines follow, indented, so they
 * paste into a config as they are. Controls in them print as '?', as on
 * the event's line.
 */
static void output_with_hint(struct run *r, struct pc_event_rec *e)
{
	const char *hint = e->hint, *p;
	char *buf = NULL;
	size_t len = 0, n;
	FILE *f;

	e->has &= ~(1u << PC_EF_HINT);
	n = pc_event_format_text(NULL, 0, e);
	f = open_memstream(&buf, &len);
	if (!f)
		return;
	if (n) {
		char *line = malloc(n + 1);

		if (line) {
			pc_event_format_text(line, n + 1, e);
			fwrite(line, 1, n - 1, f);	/* without its newline */
			free(line);
		}
	}
	fputs(" hint:\n    ", f);
	for (p = hint; *p; p++) {
		if (*p == '\n')
			fputs("\n    ", f);
		else
			fputc((unsigned char)*p < 0x20 || *p == 0x7f ? '?' : *p, f);
	}
	fputc('\n', f);
	if (!fclose(f))
		output(r, buf, len);
	free(buf);
}

/* LINE (LEN bytes, newline included) from the log. */
static void one_line(void *arg, const char *line, size_t len)
{
	struct run *r = arg;
	struct pc_event_rec e;
	char text[PC_EVENT_LINE_MAX], *big;
	size_t n;

	if (pc_array_reserve((void **)&r->scratch, &r->scratch_cap, len + 1, 1))
		return;
	memcpy(r->scratch, line, len);
	r->scratch[len] = '\0';
	if (pc_event_parse_json(r->scratch, &e)) {
		r->bad_lines++;
		return;
	}
	if (!matches(&r->f, &e))
		return;
	if (r->json) {
		output(r, line, len);
		return;
	}
	if (pc_event_rec_has(&e, PC_EF_HINT) && strchr(e.hint, '\n')) {
		output_with_hint(r, &e);
		return;
	}
	n = pc_event_format_text(text, sizeof(text), &e);
	if (n < sizeof(text)) {
		output(r, text, n);
		return;
	}
	big = malloc(n + 1);
	if (!big)
		return;
	pc_event_format_text(big, n + 1, &e);
	output(r, big, n);
	free(big);
}

/* Following has caught up: what was printed should be seen now. */
static void idle(void *arg)
{
	struct run *r = arg;

	fflush(r->ctx->out);
}

/* --- the command ----------------------------------------------------------- */

static int no_log(struct run *r)
{
	return pc_fail(r->ctx, "no events in %s; is the daemon running with --log-dir %s?",
		       r->ctx->lib.log_dir, r->ctx->lib.log_dir);
}

/* Does the log directory hold a log at all? 0, or an exit code after saying why not. */
static int check_dir(struct run *r)
{
	int err = pc_event_log_probe(r->ctx->lib.log_dir);

	if (err == -ENOENT || err == -ENOTDIR)
		return no_log(r);
	if (err < 0)
		return pc_fail(r->ctx, "cannot read %s: %s; run as root", r->ctx->lib.log_dir,
			       strerror(-err));
	if (!err && !r->follow)
		return no_log(r);
	return 0;
}

static int run_events(struct run *r)
{
	struct pc_event_reader_opts o = {
		.dir = r->ctx->lib.log_dir, .since = r->f.since, .since_ns = r->f.since_ns,
		.line = one_line, .idle = idle, .arg = r, .stop = &events_stop, .err = r->ctx->err,
	};
	struct pc_event_reader *rd;
	int err;

	err = check_dir(r);
	if (err)
		return err;
	err = pc_event_reader_open(&o, &rd);
	if (err)
		return pc_fail(r->ctx, "out of memory reading the event log");
	/* with -f and no --since: only the tail of the current file */
	r->past = true;
	err = pc_event_reader_past(rd, !(r->follow && !r->f.since));
	flush_ring(r);
	r->past = false;
	if (!err && r->follow)
		err = pc_event_reader_follow(rd);
	pc_event_reader_close(rd);
	fflush(r->ctx->out);
	if (r->bad_lines)
		fprintf(r->ctx->err, "portcullis: skipped %llu lines of %s that are not events "
			"(written by something else, or cut short by a crash)\n",
			(unsigned long long)r->bad_lines, r->ctx->lib.log_dir);
	if (err)
		return pc_fail(r->ctx, "reading the event log in %s failed: %s; run as root",
			       r->ctx->lib.log_dir, strerror(-err));
	return PC_EXIT_OK;
}

int cmd_events(struct pc_ctx *ctx, int argc, char **argv)
{
	struct run r = { .ctx = ctx, .json = ctx->json };
	struct sigaction sa = { .sa_handler = on_stop }, old_int, old_term;
	int ret;

	ret = parse_args(&r, argc, argv);
	if (ret)
		return ret;
	if (r.tail > 0) {
		r.ring = calloc((size_t)r.tail, sizeof(*r.ring));
		if (!r.ring)
			return pc_fail(ctx, "out of memory for the last %ld events", r.tail);
	}
	events_stop = 0;
	if (r.follow) {
		/* no SA_RESTART: a signal ends the poll sleep at once */
		sigaction(SIGINT, &sa, &old_int);
		sigaction(SIGTERM, &sa, &old_term);
	}
	ret = run_events(&r);
	if (r.follow) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
	}
	flush_ring(&r);
	free(r.ring);
	free(r.scratch);
	return ret;
}
