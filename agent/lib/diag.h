/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * diag.h - located diagnostics, collected in a sink and rendered once by
 * the caller, nft-style as text:
 *
 *   roles/ssrs.conf:4:15: error: unknown service 'htps'; did you mean 'https'?
 *       allow in  htps  from crm-frontend
 *                 ^~~~
 *
 * or as JSON objects {"severity","file","line","col","message","hint"}.
 *
 * The library (policy, kernel, events) only adds entries; nothing below
 * the command line prints them. Entries are counted, and kept up to
 * d->max_errors errors: past the cap they are counted but not kept.
 */
#ifndef PC_DIAG_H
#define PC_DIAG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

struct pc_json;

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

enum pc_diag_severity {
	PC_DIAG_ERROR,
	PC_DIAG_WARNING,
	PC_DIAG_NOTE,
};

/* How an entry reads as text (JSON carries the same fields either way). */
#define PC_DIAG_BARE		0x1u	/* "portcullis: MSG", no "error:": the
					 * command line's own failures */
#define PC_DIAG_HINT_LINE	0x2u	/* the hint on its own "portcullis: HINT"
					 * line instead of "MSG; HINT" */

/* One diagnostic. Everything is copied: the entry outlives the policy and
 * source files it was about. */
struct pc_diag_entry {
	enum pc_diag_severity severity;
	unsigned int flags;	/* PC_DIAG_* */
	char *file;		/* NULL: no location */
	int line;
	int col;
	int len;
	char *message;
	char *hint;		/* NULL: none; e.g. "did you mean 'https'?" */
	char *source;		/* the source line for the caret line; NULL: none */
};

/* Errors and warnings of one file so far, for the per-file cap. */
struct pc_diag_file {
	char *path;
	unsigned int kept;		/* errors and warnings kept */
	unsigned int more_errors;	/* past the cap: counted, not kept */
	unsigned int more_warnings;
	size_t note;			/* the entry that says how many more */
};

/* Errors and warnings kept per file by default: a file of binary junk or
 * a generated config with one mistake on every line would otherwise bury
 * the other files' errors under thousands of lines. */
#define PC_DIAG_MAX_PER_FILE	50u

struct pc_diag {
	struct pc_diag_entry *entries;
	size_t n;
	size_t cap;
	unsigned int n_errors;	/* reported, including those past the cap */
	unsigned int n_warnings;
	unsigned int n_lost;	/* not kept for want of memory */
	unsigned int max_errors;/* 0: unlimited; else keep no more than this */
	/* Keep no more than this many errors and warnings of one file (0,
	 * as a zeroed sink has it: PC_DIAG_MAX_PER_FILE; UINT_MAX: all);
	 * past it one note says "... and N more errors in FILE". */
	unsigned int max_per_file;
	int no_source_lines;	/* 1: keep and render only the FILE:LINE:COL line */
	/* private */
	struct pc_diag_file *files;
	size_t n_files, cap_files;
	int quiet;		/* the last error or warning was not kept: nor are its notes */
};

void pc_diag_init(struct pc_diag *d);
/* Drop every entry; D may be reported into again (counts are reset too). */
void pc_diag_free(struct pc_diag *d);

/* Report at LOC (NULL or no file: no location). */
void pc_diag_error(struct pc_diag *d, const struct pc_loc *loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void pc_diag_warning(struct pc_diag *d, const struct pc_loc *loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A note that belongs to the previous error (e.g. "defined here"). */
void pc_diag_note(struct pc_diag *d, const struct pc_loc *loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Room for a hint the caller formats ("did you mean 'https'?"): names are
 * short, and a longer hint is cut, not lost. */
#define PC_DIAG_HINT_MAX	512

/* An error with what to do about it as its own field (HINT NULL: none). */
void pc_diag_error_hint(struct pc_diag *d, const struct pc_loc *loc, const char *hint,
			const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The general form: any severity, PC_DIAG_* flags, hint. */
void pc_diag_add(struct pc_diag *d, enum pc_diag_severity sev, unsigned int flags,
		 const struct pc_loc *loc, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
void pc_diag_vadd(struct pc_diag *d, enum pc_diag_severity sev, unsigned int flags,
		  const struct pc_loc *loc, const char *hint, const char *fmt, va_list ap)
	__attribute__((format(printf, 6, 0)));

/*
 * Every entry as text on OUT, in the order reported:
 * "FILE:LINE:COL: SEVERITY: MESSAGE[; HINT]", the source line and a caret
 * line (unless no_source_lines); "portcullis: SEVERITY: MESSAGE" without a
 * location; "portcullis: MESSAGE" for PC_DIAG_BARE.
 */
void pc_diag_render_text(const struct pc_diag *d, FILE *out);
/*
 * Into the open object of J: "errors": [...] (errors and the notes that
 * follow them, in order) and, when there are any, "warnings": [...]. Each
 * entry is {"severity", "message"} plus "file", "line", "col" when it has
 * a location and "hint" when it has one: absent keys are omitted, never null.
 */
void pc_diag_render_json(const struct pc_diag *d, struct pc_json *j);

/*
 * The closest of CANDIDATES (n of them) to WORD by edit distance, or NULL
 * when none is close enough to be a useful "did you mean". Close enough:
 * distance <= max(1, strlen(word) / 3), or one is a prefix of the other.
 */
const char *pc_suggest(const char *word, const char *const *candidates, size_t n);

#endif /* PC_DIAG_H */
