// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * diag.c - located diagnostics, printed nft-style: a FILE:LINE:COL line,
 * the source line, and a caret line under the offending token.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "lib/diag.h"

void pc_diag_init(struct pc_diag *d, FILE *out)
{
	memset(d, 0, sizeof(*d));
	d->out = out ? out : stderr;
}

/* Past the cap everything goes quiet, warnings and notes included: a note
 * after a suppressed error would describe something the reader never saw. */
static bool over_cap(const struct pc_diag *d)
{
	return d->max_errors && d->n_errors > d->max_errors;
}

/* Find line LINE (1-based) of F; false when F has no such line. */
static bool find_line(const struct pc_srcfile *f, int line,
		      const char **start, size_t *len)
{
	const char *p, *end, *nl;
	int n = 1;

	if (!f->text || line < 1)
		return false;
	p = f->text;
	end = f->text + f->len;
	while (n < line) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return false;
		p = nl + 1;
		n++;
	}
	nl = memchr(p, '\n', (size_t)(end - p));
	*start = p;
	*len = (size_t)((nl ? nl : end) - p);
	if (*len && p[*len - 1] == '\r')
		(*len)--;
	return true;
}

/*
 * The source line, then '^' under column COL and '~' for the rest of the
 * token. Tabs before the token are copied so the caret lines up whatever
 * the reader's tab width; UTF-8 continuation bytes take no column.
 */
static void print_source(FILE *out, const struct pc_loc *loc)
{
	const char *s;
	size_t len, i, col, n;

	if (!find_line(loc->file, loc->line, &s, &len))
		return;
	fwrite(s, 1, len, out);
	fputc('\n', out);

	col = loc->col > 0 ? (size_t)loc->col - 1 : 0;
	for (i = 0; i < col; i++) {
		unsigned char c = i < len ? (unsigned char)s[i] : ' ';

		if (c == '\t')
			fputc('\t', out);
		else if ((c & 0xc0) != 0x80)
			fputc(' ', out);
	}
	fputc('^', out);
	n = loc->len > 1 ? (size_t)loc->len : 1;
	if (col + n > len)	/* the underline stays on the line */
		n = len > col ? len - col : 1;
	for (i = 1; i < n; i++)
		fputc('~', out);
	fputc('\n', out);
}

static void report(struct pc_diag *d, const struct pc_loc *loc,
		   const char *kind, const char *fmt, va_list ap)
{
	FILE *out = d->out ? d->out : stderr;

	if (loc && loc->file)
		fprintf(out, "%s:%d:%d: %s: ", loc->file->path, loc->line,
			loc->col, kind);
	else
		fprintf(out, "portcullis: %s: ", kind);
	vfprintf(out, fmt, ap);
	fputc('\n', out);
	if (loc && loc->file && !d->no_source_lines)
		print_source(out, loc);
}

void pc_diag_error(struct pc_diag *d, const struct pc_loc *loc, const char *fmt, ...)
{
	va_list ap;

	d->n_errors++;
	if (over_cap(d)) {
		/* Counted but not shown; say so exactly once. */
		if (d->n_errors == d->max_errors + 1)
			fprintf(d->out ? d->out : stderr,
				"portcullis: note: too many errors; only the first %u are shown\n",
				d->max_errors);
		return;
	}
	va_start(ap, fmt);
	report(d, loc, "error", fmt, ap);
	va_end(ap);
}

void pc_diag_warning(struct pc_diag *d, const struct pc_loc *loc, const char *fmt, ...)
{
	va_list ap;

	d->n_warnings++;
	if (over_cap(d))
		return;
	va_start(ap, fmt);
	report(d, loc, "warning", fmt, ap);
	va_end(ap);
}

void pc_diag_note(struct pc_diag *d, const struct pc_loc *loc, const char *fmt, ...)
{
	va_list ap;

	if (over_cap(d))
		return;
	va_start(ap, fmt);
	report(d, loc, "note", fmt, ap);
	va_end(ap);
}
