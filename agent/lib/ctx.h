/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * ctx.h - the library context (as libnftables' nft_ctx is apart from nft):
 * what the policy, kernel and event code need from their caller, and the
 * sink their diagnostics go to. The library never prints them; the
 * command line renders the sink once, as text or JSON.
 */
#ifndef PC_CTX_H
#define PC_CTX_H

#include "lib/diag.h"

/* How interfaces are hooked: tcx links where the kernel has them (6.6+),
 * else clsact filters; or one of them, forced. */
enum pc_tc_attach {
	PC_TC_AUTO,
	PC_TC_TCX,
	PC_TC_CLSACT,
};

struct pc_lib {
	struct pc_diag diag;	/* every error, warning and note, in order */
	const char *pin_dir;	/* pinned maps, programs, links */
	const char *run_dir;	/* state record and lock */
	const char *log_dir;	/* event log */
	enum pc_tc_attach tc_attach;
	/* Conntrack table sizes at load (--ct-entries, --ct-new-entries); 0:
	 * the pinned map's, or else the default (PC_CT_ENTRIES...). */
	unsigned int ct_entries;
	unsigned int ct_new_entries;
	int verbose;		/* >0: whole verifier logs, libbpf debug */
	/* Called by an apply right before its generation flips, when set: the
	 * daemon reads the events of the old generation then, so that it
	 * names them by the old tables and every later one by the new. */
	void (*before_flip)(void *arg);
	void *before_flip_arg;
};

/*
 * A location-less error about the request, "portcullis: MESSAGE[; HINT]"
 * as text (HINT NULL: none). Returns ERR, so a caller can
 * 'return pc_lib_error(lib, err, ...)'.
 */
int pc_lib_error(struct pc_lib *lib, int err, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif /* PC_CTX_H */
