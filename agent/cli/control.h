/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * control.h - RUN_DIR/control: the running daemon does the commands marked
 * served in PC_COMMANDS (apply, mode, confirm, status) for the command line.
 *
 * Why: the daemon names every event by its tables. An 'apply' it does
 * itself changes those tables in the same step as the generation flip; one
 * done beside it is only noticed afterwards (RUN_DIR/state), and the events
 * in between carry the old names.
 *
 * How: an AF_UNIX SOCK_SEQPACKET socket, 0600, root's. The client sends
 * one request, the command's words and the global options that matter;
 * the daemon checks the peer is uid 0 (SO_PEERCRED), runs the very same
 * cmd_NAME() with ctx->out and ctx->err in memory, so the command renders
 * itself as it would on the command line, and sends back what it wrote
 * there and then the exit code; the client writes it to its own stdout and
 * stderr. The daemon never writes to a client's terminal or pipe, which a
 * stopped reader could block: a client that stops reading the socket is
 * dropped after PC_CONTROL_REQUEST_TIMEOUT. One request at a time.
 * No daemon (no socket, or one nobody listens on: a daemon killed -9) and
 * the command does the work itself; a daemon that does not answer is an
 * error, never a fallback that would race it.
 */
#ifndef PC_CONTROL_H
#define PC_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "cli/cli.h"

/* "pcC1": a request or answer of this version of the framing. */
#define PC_CONTROL_MAGIC	0x70634331u
/* Bytes of a request: its words, paths and SSH_CONNECTION. */
#define PC_CONTROL_MSG_MAX	(64 * 1024)
#define PC_CONTROL_ARGS_MAX	256
/* Bytes of output an answer message carries at most. */
#define PC_CONTROL_CHUNK	(16 * 1024)
/* Seconds a client waits for the answer (an apply loads programs: seconds
 * on a busy host), and the daemon for the request, or for the client to
 * take the next message of the answer, once connected. */
#define PC_CONTROL_ANSWER_TIMEOUT	120
#define PC_CONTROL_REQUEST_TIMEOUT	5

enum {
	PC_CONTROL_JSON		= 1 << 0,	/* --json */
	PC_CONTROL_CONFIG_GIVEN	= 1 << 1,	/* -c: a missing file is an error */
	PC_CONTROL_SSH		= 1 << 2,	/* SSH_CONNECTION is set (lock-out check) */
};

/*
 * A request: the command (argv[0], its full name) and its arguments, the
 * client's global options, paths absolute (the daemon's working directory
 * is not the client's). pin_dir and log_dir only to check they are the
 * daemon's; the options that shape a load (--tc-attach, --ct-entries,
 * --ct-new-entries) are the client's, as 'apply' loads its own programs.
 */
struct pc_control_req {
	unsigned int flags;
	int verbose;
	unsigned int tc_attach;		/* enum pc_tc_attach */
	unsigned int ct_entries, ct_new_entries;
	const char *config, *policy_dir, *pin_dir, *log_dir, *ssh;
	int argc;
	char **argv;	/* decoded: pointers into the message, argv[argc] NULL */
};

/* The framing: a header, then NUL-terminated strings (config, policy_dir,
 * pin_dir, log_dir, ssh, argv...) to the message's end. Encode returns the
 * length, or -ENOSPC/-EINVAL; decode 0, or -EBADMSG for anything else than
 * exactly that, and sets R's strings into BUF (free(r->argv) after). */
ssize_t pc_control_req_encode(const struct pc_control_req *r, char *buf, size_t len);
int pc_control_req_decode(char *buf, size_t len, struct pc_control_req *r);
/* The answer: messages of what the command wrote to its stdout and
 * stderr, PC_CONTROL_CHUNK bytes at most each, then the exit code with a
 * message of the daemon's own (empty: the command said all). DATA is
 * bytes, not a string. Decode points *DATA into BUF. */
enum pc_control_kind {
	PC_CONTROL_OUT = 1,
	PC_CONTROL_ERR,
	PC_CONTROL_EXIT,
};
ssize_t pc_control_ans_encode(enum pc_control_kind kind, int rc, const char *data, size_t n,
			      char *buf, size_t len);
int pc_control_ans_decode(const char *buf, size_t len, enum pc_control_kind *kind, int *rc,
			  const char **data, size_t *n);

/*
 * The client (main()): have the daemon of ctx->lib.run_dir run CMD with
 * ARGV. true: it did, or it runs but failed to (said in the sink), and *RC
 * is the exit code to return; false: no daemon listens, do it yourself.
 */
bool pc_control_call(struct pc_ctx *ctx, const struct pc_cmd *cmd, int argc, char **argv,
		     int *rc);

/* What a command run for a client may tell the daemon (ctx->served). */
struct pc_config;
struct pc_state;
struct pc_served {
	pid_t pid;		/* the client's */
	void *arg;
	/* After 'apply' put CFG in place (ST is the state it wrote), under the
	 * lock: the daemon takes CFG over (and leaves it zeroed). */
	void (*applied)(void *arg, struct pc_config *cfg, const struct pc_state *st);
};

/* The daemon: bind RUN_DIR/control, 0600 (a stale one from a daemon killed
 * -9 is removed; the caller made sure no daemon runs). fd or -errno. */
int pc_control_listen(const char *run_dir);
void pc_control_close(int fd, const char *run_dir);
/* Accept one client on LFD and serve it: BASE is the daemon's context
 * (directories, lock, flip hook), HOOKS its pc_served. What happened goes
 * to base->err, one line. */
void pc_control_serve(struct pc_ctx *base, int lfd, const struct pc_served *hooks);

#endif /* PC_CONTROL_H */
