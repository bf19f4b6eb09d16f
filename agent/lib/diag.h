/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * diag.h - located diagnostics, printed nft-style:
 *
 *   roles/ssrs.conf:4:15: error: unknown service 'htps'; did you mean 'https'?
 *       allow in  htps  from crm-frontend
 *                 ^~~~
 *
 * Errors are printed to diag->out as they are reported (tests swap the
 * stream for open_memstream), counted, and capped at diag->max_errors.
 */
#ifndef PC_DIAG_H
#define PC_DIAG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/* A file read by the parser; owns its path and text for caret lines. */
struct pc_srcfile {
	char *path;		/* as shown in diagnostics */
	char *text;		/* NUL-terminated contents */
	size_t len;
};

/* A position in a source file. file points into pc_policy.files[]. */
struct pc_loc {
	const struct pc_srcfile *file;	/* NULL: no location (command line) */
	int line;			/* 1-based */
	int col;			/* 1-based, in bytes */
	int len;			/* length of the token, >= 1, for the ~ line */
};

struct pc_diag {
	FILE *out;		/* where diagnostics go (stderr by default) */
	unsigned int n_errors;
	unsigned int n_warnings;
	unsigned int max_errors;/* 0: unlimited; else stop printing past it */
	int no_source_lines;	/* 1: print only the FILE:LINE:COL line */
};

void pc_diag_init(struct pc_diag *d, FILE *out);

/* Report at LOC. Format: "FILE:LINE:COL: error: MESSAGE", then the source
 * line and a caret line, unless no_source_lines. */
void pc_diag_error(struct pc_diag *d, const struct pc_loc *loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void pc_diag_warning(struct pc_diag *d, const struct pc_loc *loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A "note:" line that belongs to the previous error (e.g. "defined here"). */
void pc_diag_note(struct pc_diag *d, const struct pc_loc *loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * The closest of CANDIDATES (n of them) to WORD by edit distance, or NULL
 * when none is close enough to be a useful "did you mean". Close enough:
 * distance <= max(1, strlen(word) / 3), or one is a prefix of the other.
 */
const char *pc_suggest(const char *word, const char *const *candidates, size_t n);

#endif /* PC_DIAG_H */
