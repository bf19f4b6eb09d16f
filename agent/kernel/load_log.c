// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include <bpf/libbpf.h>

#include "kernel/load_log.h"
#include "lib/diag.h"

/*
 * As large as libbpf's own first try. Before Linux 6.4 a log that does not
 * fit is cut at its end and the load fails with ENOSPC instead of the
 * verifier's reason, so a buffer must hold a whole level-1 log. calloc
 * maps it lazily: only what the kernel writes is ever touched, and only a
 * refused program's log is written.
 */
#define PC_LOAD_LOG_SIZE	(16u << 20)

/* Lines of the log shown without -v: the verifier's reason is at the end. */
#define PC_LOAD_LOG_LINES	12

int pc_load_log_attach(struct pc_load_log *ll, struct bpf_object *obj)
{
	struct bpf_program *p;
	size_t n = 0;
	int err;

	bpf_object__for_each_program(p, obj)
		n++;
	ll->bufs = calloc(n, sizeof(*ll->bufs));
	if (!ll->bufs)
		return -ENOMEM;
	ll->n = n;
	ll->size = PC_LOAD_LOG_SIZE;
	n = 0;
	bpf_object__for_each_program(p, obj) {
		ll->bufs[n] = calloc(1, ll->size);
		if (!ll->bufs[n])
			return -ENOMEM;
		err = bpf_program__set_log_buf(p, ll->bufs[n++], ll->size);
		if (err)
			return err;
	}
	return 0;
}

const char *pc_load_log_refused(const struct pc_load_log *ll, struct bpf_object *obj,
				const char **log)
{
	struct bpf_program *p;
	size_t i = 0;

	bpf_object__for_each_program(p, obj) {
		if (i >= ll->n)
			break;
		if (ll->bufs[i][0]) {
			ll->bufs[i][ll->size - 1] = 0;
			*log = ll->bufs[i];
			return bpf_program__name(p);
		}
		i++;
	}
	return NULL;
}

const char *pc_load_log_tail(const char *log, int lines, size_t *len)
{
	size_t n = strlen(log);
	const char *s;

	while (n && log[n - 1] == '\n')
		n--;
	s = lines ? log + n : log;
	/* Back to the start of the LINES-th line from the end. */
	for (; lines && s > log; s--)
		if (s[-1] == '\n' && --lines == 0)
			break;
	*len = (size_t)(log + n - s);
	return s;
}

int pc_load_log_report(const struct pc_load_log *ll, struct bpf_object *obj, int err,
		       int full, struct pc_diag *diag)
{
	const char *log = NULL, *prog = pc_load_log_refused(ll, obj, &log);
	struct utsname u;
	const char *tail;
	size_t len;

	if (!prog)
		return -ENOENT;
	if (uname(&u))
		strcpy(u.release, "unknown");
	/* Text: the error, its hint on a line of its own, then the log. */
	pc_diag_add(diag, PC_DIAG_ERROR, PC_DIAG_BARE | PC_DIAG_HINT_LINE, NULL,
		    full ? "docs/kernels.md lists the kernels portcullis supports"
			 : "run again with -v for the whole log; docs/kernels.md lists the "
			   "kernels portcullis supports",
		    "the kernel (Linux %s) refused BPF program '%s': %s", u.release, prog,
		    strerror(-err));
	tail = pc_load_log_tail(log, full ? 0 : PC_LOAD_LOG_LINES, &len);
	pc_diag_add(diag, PC_DIAG_NOTE, PC_DIAG_BARE, NULL, NULL, "the verifier's %s:\n%.*s",
		    full ? "log" : "last lines", (int)len, tail);
	return 0;
}

void pc_load_log_free(struct pc_load_log *ll)
{
	size_t i;

	for (i = 0; i < ll->n; i++)
		free(ll->bufs[i]);
	free(ll->bufs);
	memset(ll, 0, sizeof(*ll));
}
