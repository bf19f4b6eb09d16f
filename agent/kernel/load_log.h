/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * load_log.h - why the kernel refused a BPF object: the program its
 * verifier rejected, and the verifier's own words.
 *
 * libbpf loads each program without a log first; only a program that is
 * refused is loaded again at log level 1, into the buffer given here. A
 * load that succeeds costs nothing more.
 */
#ifndef PC_LOAD_LOG_H
#define PC_LOAD_LOG_H

#include <stddef.h>

struct bpf_object;
struct pc_diag;

struct pc_load_log {
	char **bufs;		/* one per program, in object order */
	size_t n;
	size_t size;		/* of each */
};

/* Give every program of OBJ (opened, not yet loaded) the log buffer. */
int pc_load_log_attach(struct pc_load_log *ll, struct bpf_object *obj);

/*
 * After a failed load of OBJ: the name of the program the kernel refused,
 * or NULL when no program was refused (the load failed before, at a map),
 * and its log in *LOG. A program gets a log only when it is refused, and
 * libbpf stops at the first refusal (then closes every program's fd, so
 * the fds cannot tell).
 */
const char *pc_load_log_refused(const struct pc_load_log *ll, struct bpf_object *obj,
				const char **log);

/* The last LINES lines of LOG (all of it when LINES is 0), *LEN bytes long
 * without the final newlines. */
const char *pc_load_log_tail(const char *log, int lines, size_t *len);

/*
 * Add to DIAG an error naming the program the kernel refused and the
 * kernel's release (hint: how to see the whole log, where the supported
 * kernels are listed), then a note with the verifier's last lines (all of
 * them when FULL). Returns 0 when a program was refused, -ENOENT when none
 * was (nothing added).
 */
int pc_load_log_report(const struct pc_load_log *ll, struct bpf_object *obj, int err,
		       int full, struct pc_diag *diag);

void pc_load_log_free(struct pc_load_log *ll);

#endif /* PC_LOAD_LOG_H */
