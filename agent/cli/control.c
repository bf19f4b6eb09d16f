// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * control.c - both ends of RUN_DIR/control (control.h): the command line
 * hands a served command to the running daemon, which runs it as the
 * command line would have and sends back what it wrote.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli/control.h"

/* RUN_DIR/control into SA; -ENAMETOOLONG when sun_path cannot hold it. */
static int control_addr(const char *run_dir, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if ((size_t)snprintf(sa->sun_path, sizeof(sa->sun_path), "%s/control", run_dir) >=
	    sizeof(sa->sun_path))
		return -ENAMETOOLONG;
	return 0;
}

static void set_timeout(int fd, int seconds)
{
	struct timeval tv = { .tv_sec = seconds };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* PATH made absolute against the client's working directory: the daemon's
 * is another. As given when that fails (the command then says why). */
static const char *absolute(const char *path, char *buf, size_t len)
{
	char cwd[PATH_MAX];

	if (!path || path[0] == '/' || !getcwd(cwd, sizeof(cwd)) ||
	    (size_t)snprintf(buf, len, "%s/%s", cwd, path) >= len)
		return path;
	return buf;
}

/* Ask the daemon listening on FD; the exit code, or PC_EXIT_FAIL after
 * saying why in the sink. What the command wrote comes first, and goes
 * to our stdout and stderr as it comes. */
static int ask(struct pc_ctx *ctx, int fd, const char *path, const struct pc_control_req *r)
{
	char *buf = malloc(PC_CONTROL_MSG_MAX);
	enum pc_control_kind kind;
	const char *data;
	size_t len;
	ssize_t n;
	int rc = PC_EXIT_FAIL, got;

	if (!buf)
		return pc_fail(ctx, "out of memory");
	n = pc_control_req_encode(r, buf, PC_CONTROL_MSG_MAX);
	if (n < 0) {
		pc_fail(ctx, "the request is too long for %s (%d bytes at most); nothing was "
			"changed", path, PC_CONTROL_MSG_MAX);
		goto out;
	}
	if (send(fd, buf, (size_t)n, MSG_NOSIGNAL) != n) {
		pc_fail(ctx, "cannot send the request to the daemon at %s: %s; nothing was changed",
			path, strerror(errno));
		goto out;
	}
	for (;;) {
		n = recv(fd, buf, PC_CONTROL_MSG_MAX, 0);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			pc_fail(ctx, "the daemon at %s did not answer within %d s; it may still do "
				"'%s': 'portcullis status' shows what runs, its journal what it did",
				path, PC_CONTROL_ANSWER_TIMEOUT, r->argv[0]);
		} else if (n < 0) {
			pc_fail(ctx, "no answer from the daemon at %s: %s; 'portcullis status' shows "
				"what runs", path, strerror(errno));
		} else if (n == 0) {
			pc_fail(ctx, "the daemon at %s hung up without an answer (did it stop?); "
				"'portcullis status' shows what runs", path);
		} else if (pc_control_ans_decode(buf, (size_t)n, &kind, &got, &data, &len)) {
			pc_fail(ctx, "the daemon at %s answered something else than the command's "
				"output: is it another version of portcullis?", path);
		} else if (kind != PC_CONTROL_EXIT) {
			fwrite(data, 1, len, kind == PC_CONTROL_OUT ? ctx->out : ctx->err);
			continue;
		} else {
			rc = got;
			if (len)	/* the daemon's own word: refused, or not done */
				pc_fail(ctx, "%.*s", (int)len, data);
		}
		break;
	}
out:
	free(buf);
	return rc;
}

bool pc_control_call(struct pc_ctx *ctx, const struct pc_cmd *cmd, int argc, char **argv,
		     int *rc)
{
	char config[PATH_MAX], policy_dir[PATH_MAX], pin_dir[PATH_MAX], log_dir[PATH_MAX];
	const char *ssh = getenv("SSH_CONNECTION");
	struct pc_control_req r = {
		.flags = (ctx->json ? PC_CONTROL_JSON : 0) |
			 (ctx->config_given ? PC_CONTROL_CONFIG_GIVEN : 0) |
			 (ssh ? PC_CONTROL_SSH : 0),
		.verbose = ctx->lib.verbose,
		.tc_attach = ctx->lib.tc_attach,
		.ct_entries = ctx->lib.ct_entries,
		.ct_new_entries = ctx->lib.ct_new_entries,
		.config = absolute(ctx->config, config, sizeof(config)),
		.policy_dir = absolute(ctx->policy_dir, policy_dir, sizeof(policy_dir)),
		.pin_dir = absolute(ctx->lib.pin_dir, pin_dir, sizeof(pin_dir)),
		.log_dir = absolute(ctx->lib.log_dir, log_dir, sizeof(log_dir)),
		.ssh = ssh,
		.argc = argc,
		.argv = argv,
	};
	struct sockaddr_un sa;
	char *word = argv[0];
	int fd;

	/* A path too long to bind: the daemon said so when it started. */
	if (control_addr(ctx->lib.run_dir, &sa))
		return false;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		*rc = pc_fail(ctx, "cannot make a socket to reach the daemon: %s; nothing was "
			      "changed", strerror(errno));
		goto out;
	}
	/* Also bounds connect(): a daemon that stopped taking requests
	 * leaves them queued until its backlog is full. */
	set_timeout(fd, PC_CONTROL_ANSWER_TIMEOUT);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		/* Nobody listens: no daemon, or one killed -9 that left the file. */
		if (errno == ENOENT || errno == ECONNREFUSED) {
			close(fd);
			return false;
		}
		*rc = pc_fail(ctx, "cannot reach the daemon at %s: %s%s; nothing was changed",
			      sa.sun_path, strerror(errno), errno == EACCES
			      ? " (the control socket is root's alone)" : errno == EAGAIN
			      ? " (it takes no requests: stopped, or stuck)" : "");
		goto out;
	}
	argv[0] = (char *)cmd->name;	/* the word typed may be a prefix */
	fflush(ctx->out);
	fflush(ctx->err);
	*rc = ask(ctx, fd, sa.sun_path, &r);
	argv[0] = word;
out:
	if (fd >= 0)
		close(fd);
	*rc = pc_report_finish(ctx, false, *rc, NULL, 0);
	return true;
}

int pc_control_listen(const char *run_dir)
{
	struct sockaddr_un sa;
	mode_t old;
	int fd, err;

	err = control_addr(run_dir, &sa);
	if (err)
		return err;
	if (mkdir(run_dir, 0700) && errno != EEXIST)
		return -errno;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	/* A daemon killed -9 left it; the caller made sure none runs now. */
	if (unlink(sa.sun_path) && errno != ENOENT)
		goto fail;
	/* Made 0600 at once, not chmod-ed after a moment of the umask's mode. */
	old = umask(0177);
	err = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (err || chmod(sa.sun_path, 0600) || listen(fd, 8))
		goto fail;
	return fd;
fail:
	err = -errno;
	close(fd);
	return err;
}

void pc_control_close(int fd, const char *run_dir)
{
	struct sockaddr_un sa;

	if (fd < 0)
		return;
	close(fd);
	if (!control_addr(run_dir, &sa))
		unlink(sa.sun_path);
}

/* Send LEN bytes of BUF on FD as KIND pieces; false when the client
 * does not take them (gone, or not reading for the send timeout). */
static bool send_all(int fd, enum pc_control_kind kind, const char *buf, size_t len)
{
	char msg[64 + PC_CONTROL_CHUNK];
	size_t off = 0, n;
	ssize_t m;

	do {
		n = len - off < PC_CONTROL_CHUNK ? len - off : PC_CONTROL_CHUNK;
		m = pc_control_ans_encode(kind, 0, buf + off, n, msg, sizeof(msg));
		if (m < 0 || send(fd, msg, (size_t)m, MSG_NOSIGNAL) != m)
			return false;
		off += n;
	} while (off < len);
	return true;
}

/* The last piece of the answer on FD: the exit code RC and the daemon's
 * own message MSG ("": none). */
static void answer(int fd, int rc, const char *msg)
{
	char buf[1024];
	ssize_t n = pc_control_ans_encode(PC_CONTROL_EXIT, rc, msg, strlen(msg), buf, sizeof(buf));

	if (n > 0)
		send(fd, buf, (size_t)n, MSG_NOSIGNAL);	/* a client gone: nobody to tell */
}

/* Receive the request into BUF: its length, 0 when the client hung up, or
 * a negative errno (-EMSGSIZE: longer than BUF). */
static ssize_t recv_request(int fd, char *buf, size_t len)
{
	struct iovec iov = { buf, len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n = recvmsg(fd, &msg, 0);

	if (n < 0)
		return -errno;
	return msg.msg_flags & MSG_TRUNC ? -EMSGSIZE : n;
}

/* The same directory, by identity; by name when either is not there. */
static bool same_dir(const char *a, const char *b)
{
	struct stat sa, sb;

	if (stat(a, &sa) || stat(b, &sb))
		return !strcmp(a, b);
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static const struct pc_cmd *served_cmd(const char *name)
{
	const struct pc_cmd *c;

	for (c = pc_cmds; c->name; c++)
		if (c->served && !strcmp(c->name, name))
			return c;
	return NULL;
}

/* Run R's command with ctx->out and ctx->err on OUT and ERR (memory). */
static int run(struct pc_ctx *base, const struct pc_control_req *r, const struct pc_cmd *cmd,
	       const struct pc_served *served, FILE *out, FILE *err)
{
	struct pc_ctx ctx = *base;
	char *had = getenv("SSH_CONNECTION");
	int rc;

	pc_diag_init(&ctx.lib.diag);
	ctx.config = r->config;
	ctx.config_given = r->flags & PC_CONTROL_CONFIG_GIVEN;
	ctx.policy_dir = r->policy_dir;
	ctx.json = r->flags & PC_CONTROL_JSON;
	ctx.lib.verbose = r->verbose;
	ctx.lib.tc_attach = (enum pc_tc_attach)r->tc_attach;
	ctx.lib.ct_entries = r->ct_entries;
	ctx.lib.ct_new_entries = r->ct_new_entries;
	ctx.out = out;
	ctx.err = err;
	ctx.served = served;
	/* The lock-out check judges the client's SSH session, not ours. */
	had = had ? strdup(had) : NULL;
	if (r->flags & PC_CONTROL_SSH)
		setenv("SSH_CONNECTION", r->ssh, 1);
	else
		unsetenv("SSH_CONNECTION");
	rc = pc_run(&ctx, cmd, r->argc, r->argv);
	if (had)
		setenv("SSH_CONNECTION", had, 1);
	else
		unsetenv("SSH_CONNECTION");
	free(had);
	return rc;
}

/* Run R's command, and send what it wrote, then its exit code, on FD. */
static void run_and_answer(struct pc_ctx *base, int fd, const struct pc_control_req *r,
			   const struct pc_cmd *cmd, const struct pc_served *served)
{
	char *obuf = NULL, *ebuf = NULL;
	size_t olen = 0, elen = 0;
	FILE *out = open_memstream(&obuf, &olen);
	FILE *err = open_memstream(&ebuf, &elen);
	int rc;

	if (!out || !err) {
		answer(fd, PC_EXIT_FAIL, "the daemon is out of memory; nothing was changed");
		rc = -1;
		goto out;
	}
	rc = run(base, r, cmd, served, out, err);
	fclose(out);
	fclose(err);
	out = err = NULL;
	if (send_all(fd, PC_CONTROL_OUT, obuf, olen) && send_all(fd, PC_CONTROL_ERR, ebuf, elen))
		answer(fd, rc, "");
	else	/* done all the same: its journal line is all that says so */
		fprintf(base->err, "portcullis: control: pid %d did not take the answer: %s\n",
			(int)served->pid, strerror(errno));
out:
	fprintf(base->err, "portcullis: control: pid %d: %s%s: exit %d\n", (int)served->pid,
		r->argv[0], r->argc > 1 ? " ..." : "", rc);
	if (out)
		fclose(out);
	if (err)
		fclose(err);
	free(obuf);
	free(ebuf);
}

/* Serve the connected client FD, whose credentials are CRED. */
static void serve(struct pc_ctx *base, int fd, const struct ucred *cred,
		  const struct pc_served *hooks)
{
	char *buf = malloc(PC_CONTROL_MSG_MAX), msg[PATH_MAX + 256];
	struct pc_served served = *hooks;
	struct pc_control_req r = { 0 };
	const struct pc_cmd *cmd;
	ssize_t n;

	if (!buf) {
		answer(fd, PC_EXIT_FAIL, "the daemon is out of memory; nothing was changed");
		return;
	}
	n = recv_request(fd, buf, PC_CONTROL_MSG_MAX);
	if (n <= 0) {
		if (n < 0)
			answer(fd, PC_EXIT_FAIL, "the daemon got no request in time, or one too "
			       "long; nothing was changed");
		fprintf(base->err, "portcullis: control: pid %d sent no request: %s\n",
			(int)cred->pid, n == -EAGAIN ? "timed out" : n ? strerror((int)-n) : "hung up");
		goto out;
	}
	if (cred->uid != 0) {
		/* The socket is 0600, root's: only a changed mode lets one in.
		 * Answered after its request is read: the client then reads
		 * this answer, not a connection reset. */
		answer(fd, PC_EXIT_FAIL, "the daemon takes requests from root only; nothing "
		       "was changed");
		fprintf(base->err, "portcullis: control: refused pid %d: uid %u is not root\n",
			(int)cred->pid, (unsigned int)cred->uid);
		goto out;
	}
	if (pc_control_req_decode(buf, (size_t)n, &r)) {
		answer(fd, PC_EXIT_FAIL, "the daemon cannot read the request: is it another "
		       "version of portcullis? nothing was changed");
		fprintf(base->err, "portcullis: control: pid %d sent a malformed request\n",
			(int)cred->pid);
		goto out;
	}
	cmd = served_cmd(r.argv[0]);
	if (!cmd) {
		snprintf(msg, sizeof(msg), "the daemon does not run '%.64s' for the command line",
			 r.argv[0]);
		answer(fd, PC_EXIT_USAGE, msg);
		goto out;
	}
	if (!same_dir(base->lib.pin_dir, r.pin_dir) || !same_dir(base->lib.log_dir, r.log_dir)) {
		snprintf(msg, sizeof(msg), "the daemon of %.1024s runs with --pin-dir %.1024s "
			 "--log-dir %.1024s: give those, or another --run-dir; nothing was changed",
			 base->lib.run_dir, base->lib.pin_dir, base->lib.log_dir);
		answer(fd, PC_EXIT_FAIL, msg);
		goto out;
	}
	served.pid = cred->pid;
	run_and_answer(base, fd, &r, cmd, &served);
out:
	free(r.argv);
	free(buf);
}

void pc_control_serve(struct pc_ctx *base, int lfd, const struct pc_served *hooks)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int fd;

	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;	/* the client went away first */
	/* A client that connects and says nothing cannot hold the daemon. */
	set_timeout(fd, PC_CONTROL_REQUEST_TIMEOUT);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len))
		fprintf(base->err, "portcullis: control: cannot tell who connected: %s\n",
			strerror(errno));
	else
		serve(base, fd, &cred, hooks);
	close(fd);
}
