// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * diag.c - the diagnostics sink: entries are copied in as they are
 * reported and rendered once, as text (a FILE:LINE:COL line, the source
 * line, and a caret line under the offending token) or as JSON.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/array.h"
#include "lib/diag.h"
#include "lib/json.h"
#include "lib/utf8.h"

void pc_diag_init(struct pc_diag *d)
{
	memset(d, 0, sizeof(*d));
}

void pc_diag_free(struct pc_diag *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->entries[i].file);
		free(d->entries[i].message);
		free(d->entries[i].hint);
		free(d->entries[i].source);
	}
	free(d->entries);
	d->entries = NULL;
	d->n = d->cap = 0;
	d->n_errors = d->n_warnings = d->n_lost = 0;
	for (i = 0; i < d->n_files; i++)
		free(d->files[i].path);
	free(d->files);
	d->files = NULL;
	d->n_files = d->cap_files = 0;
	d->quiet = 0;
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

static struct pc_diag_entry *new_entry(struct pc_diag *d)
{
	struct pc_diag_entry *e;

	if (pc_array_reserve((void **)&d->entries, &d->cap, d->n + 1, sizeof(*e)))
		return NULL;
	e = &d->entries[d->n];
	memset(e, 0, sizeof(*e));
	return e;
}

/* Copy one entry in; on failure only n_lost says it was there. */
static void keep(struct pc_diag *d, enum pc_diag_severity sev, unsigned int flags,
		 const struct pc_loc *loc, const char *hint, const char *fmt, va_list ap)
{
	struct pc_diag_entry *e = new_entry(d);
	const char *line;
	size_t len;

	if (!e)
		goto lost;
	e->severity = sev;
	e->flags = flags;
	if (vasprintf(&e->message, fmt, ap) < 0) {
		e->message = NULL;
		goto lost;
	}
	if (hint && !(e->hint = strdup(hint)))
		goto lost_entry;
	if (loc && loc->file) {
		e->file = strdup(loc->file->path ? loc->file->path : "");
		if (!e->file)
			goto lost_entry;
		e->line = loc->line;
		e->col = loc->col;
		e->len = loc->len;
		if (!d->no_source_lines && find_line(loc->file, loc->line, &line, &len) &&
		    !(e->source = strndup(line, len)))
			goto lost_entry;
	}
	d->n++;
	return;
lost_entry:
	free(e->message);
	free(e->hint);
	free(e->file);
lost:
	/* The counts stay right; the renderers say how many went missing. */
	d->n_lost++;
}

static void keepf(struct pc_diag *d, enum pc_diag_severity sev, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void keepf(struct pc_diag *d, enum pc_diag_severity sev, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	keep(d, sev, 0, NULL, NULL, fmt, ap);
	va_end(ap);
}

/* The tally of PATH, made on first use; NULL for want of memory. */
static struct pc_diag_file *file_tally(struct pc_diag *d, const char *path)
{
	struct pc_diag_file *t;
	size_t i;

	for (i = 0; i < d->n_files; i++)
		if (!strcmp(d->files[i].path, path))
			return &d->files[i];
	if (pc_array_reserve((void **)&d->files, &d->cap_files, d->n_files + 1, sizeof(*t)))
		return NULL;
	t = &d->files[d->n_files];
	memset(t, 0, sizeof(*t));
	t->path = strdup(path);
	if (!t->path)
		return NULL;
	d->n_files++;
	return t;
}

static void plural(FILE *f, unsigned int n, const char *what)
{
	fprintf(f, "%u more %s%s", n, what, n == 1 ? "" : "s");
}

/* (Re)write T's note: "... and 349 more errors in FILE", placed where the
 * first one went unshown. */
static void note_more(struct pc_diag *d, struct pc_diag_file *t)
{
	struct pc_diag_entry *e;
	char *msg = NULL;
	size_t len = 0;
	FILE *f;

	if (!t->note) {
		size_t before = d->n;

		keepf(d, PC_DIAG_NOTE, "...");
		if (d->n == before)
			return;	/* lost: n_lost says so */
		t->note = d->n;	/* index + 1: 0 means none yet */
	}
	f = open_memstream(&msg, &len);
	if (!f)
		return;	/* the note stays as it was: a count behind */
	fputs("... and ", f);
	if (t->more_errors)
		plural(f, t->more_errors, "error");
	if (t->more_errors && t->more_warnings)
		fputs(" and ", f);
	if (t->more_warnings)
		plural(f, t->more_warnings, "warning");
	fprintf(f, " in %s", t->path);
	if (fclose(f)) {
		free(msg);
		return;
	}
	e = &d->entries[t->note - 1];
	free(e->message);
	e->message = msg;
}

/* Is an entry of SEV at LOC past its file's cap? Counts it there if so. A
 * note goes with its error, except a PC_DIAG_BARE one: the command's own
 * ("3 errors in FILE"). */
static bool over_file_cap(struct pc_diag *d, enum pc_diag_severity sev, unsigned int flags,
			  const struct pc_loc *loc)
{
	struct pc_diag_file *t;

	if (sev == PC_DIAG_NOTE)
		return d->quiet && !(flags & PC_DIAG_BARE);
	d->quiet = 0;
	if (!loc || !loc->file)
		return false;
	t = file_tally(d, loc->file->path ? loc->file->path : "");
	if (!t)
		return false;	/* keep it: better too much than nothing */
	if (t->kept < (d->max_per_file ? d->max_per_file : PC_DIAG_MAX_PER_FILE)) {
		t->kept++;
		return false;
	}
	if (sev == PC_DIAG_ERROR)
		t->more_errors++;
	else
		t->more_warnings++;
	note_more(d, t);
	d->quiet = 1;
	return true;
}

void pc_diag_vadd(struct pc_diag *d, enum pc_diag_severity sev, unsigned int flags,
		  const struct pc_loc *loc, const char *hint, const char *fmt, va_list ap)
{
	if (sev == PC_DIAG_ERROR)
		d->n_errors++;
	else if (sev == PC_DIAG_WARNING)
		d->n_warnings++;
	if (over_cap(d)) {
		/* Counted but not kept; say so exactly once. */
		if (sev == PC_DIAG_ERROR && d->n_errors == d->max_errors + 1)
			keepf(d, PC_DIAG_NOTE, "too many errors; only the first %u are shown",
			      d->max_errors);
		return;
	}
	if (over_file_cap(d, sev, flags, loc))
		return;
	keep(d, sev, flags, loc, hint, fmt, ap);
}

void pc_diag_add(struct pc_diag *d, enum pc_diag_severity sev, unsigned int flags,
		 const struct pc_loc *loc, const char *hint, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pc_diag_vadd(d, sev, flags, loc, hint, fmt, ap);
	va_end(ap);
}

void pc_diag_error(struct pc_diag *d, const struct pc_loc *loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pc_diag_vadd(d, PC_DIAG_ERROR, 0, loc, NULL, fmt, ap);
	va_end(ap);
}

void pc_diag_error_hint(struct pc_diag *d, const struct pc_loc *loc, const char *hint,
			const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pc_diag_vadd(d, PC_DIAG_ERROR, 0, loc, hint, fmt, ap);
	va_end(ap);
}

void pc_diag_warning(struct pc_diag *d, const struct pc_loc *loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pc_diag_vadd(d, PC_DIAG_WARNING, 0, loc, NULL, fmt, ap);
	va_end(ap);
}

void pc_diag_note(struct pc_diag *d, const struct pc_loc *loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pc_diag_vadd(d, PC_DIAG_NOTE, 0, loc, NULL, fmt, ap);
	va_end(ap);
}

static const char *severity_name(enum pc_diag_severity sev)
{
	switch (sev) {
	case PC_DIAG_ERROR: return "error";
	case PC_DIAG_WARNING: return "warning";
	case PC_DIAG_NOTE: return "note";
	}
	return "error";
}

/*
 * Text from a config file goes to a terminal: a control character or a
 * byte that is no UTF-8 prints as \xNN, so an escape sequence in a
 * config cannot repaint the screen and binary junk stays readable.
 * put_text() writes N bytes of S so.
 */
static void put_text(FILE *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;

	while (i < n) {
		k = pc_utf8_printable(p + i, n - i);
		if (k) {
			fwrite(p + i, 1, k, out);
			i += k;
		} else {
			fprintf(out, "\\x%02x", p[i]);
			i++;
		}
	}
}

static void put_str(FILE *out, const char *s)
{
	put_text(out, s, strlen(s));
}

/*
 * The source line, then '^' under column COL (in bytes) and '~' under the
 * rest of the token, as put_text() shows them: tabs before the token are
 * copied so the caret lines up whatever the reader's tab width, a
 * multi-byte character takes one column and an escaped byte four.
 */
static void print_source(FILE *out, const struct pc_diag_entry *e)
{
	const unsigned char *s = (const unsigned char *)e->source;
	size_t len = strlen(e->source), i = 0, k, col, end, n = 0;

	put_text(out, e->source, len);
	fputc('\n', out);

	col = e->col > 0 ? (size_t)e->col - 1 : 0;
	end = col + (e->len > 1 ? (size_t)e->len : 1);
	if (end > len)	/* the underline stays on the line */
		end = len > col ? len : col + 1;
	for (i = 0; i < col; i += k) {
		k = i < len ? pc_utf8_printable(s + i, len - i) : 1;
		if (i < len && s[i] == '\t')
			fputc('\t', out);
		else
			fputs(k ? " " : "    ", out);
		k = k ? k : 1;
	}
	for (; i < end; i += k) {
		k = i < len ? pc_utf8_printable(s + i, len - i) : 1;
		n += k ? 1 : 4;
		k = k ? k : 1;
	}
	fputc('^', out);
	while (--n > 0)
		fputc('~', out);
	fputc('\n', out);
}

void pc_diag_render_text(const struct pc_diag *d, FILE *out)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		const struct pc_diag_entry *e = &d->entries[i];

		if (e->file) {
			put_str(out, e->file);
			fprintf(out, ":%d:%d: %s: ", e->line, e->col, severity_name(e->severity));
		} else if (e->flags & PC_DIAG_BARE) {
			fputs("portcullis: ", out);
		} else {
			fprintf(out, "portcullis: %s: ", severity_name(e->severity));
		}
		put_str(out, e->message);
		if (e->hint && !(e->flags & PC_DIAG_HINT_LINE)) {
			fputs("; ", out);
			put_str(out, e->hint);
		}
		fputc('\n', out);
		if (e->hint && (e->flags & PC_DIAG_HINT_LINE)) {
			fputs("portcullis: ", out);
			put_str(out, e->hint);
			fputc('\n', out);
		}
		if (e->source && !d->no_source_lines)
			print_source(out, e);
	}
	if (d->n_lost)
		fprintf(out, "portcullis: note: %u more diagnostics were lost: out of memory\n",
			d->n_lost);
}

static void entry_json(struct pc_json *j, const struct pc_diag_entry *e)
{
	pc_json_begin_object(j);
	pc_json_key(j, "severity"); pc_json_string(j, severity_name(e->severity));
	if (e->file) {
		pc_json_key(j, "file"); pc_json_string(j, e->file);
		pc_json_key(j, "line"); pc_json_int(j, e->line);
		pc_json_key(j, "col"); pc_json_int(j, e->col);
	}
	pc_json_key(j, "message"); pc_json_string(j, e->message);
	if (e->hint) {
		pc_json_key(j, "hint"); pc_json_string(j, e->hint);
	}
	pc_json_end_object(j);
}

/* Entries of one bucket: a note goes with the error or warning before it. */
static void bucket_json(const struct pc_diag *d, struct pc_json *j, bool warnings)
{
	bool in_warning = false;
	size_t i;

	for (i = 0; i < d->n; i++) {
		const struct pc_diag_entry *e = &d->entries[i];

		if (e->severity != PC_DIAG_NOTE)
			in_warning = e->severity == PC_DIAG_WARNING;
		if (in_warning == warnings)
			entry_json(j, e);
	}
}

void pc_diag_render_json(const struct pc_diag *d, struct pc_json *j)
{
	pc_json_key(j, "errors");
	pc_json_begin_array(j);
	bucket_json(d, j, false);
	if (d->n_lost) {
		pc_json_begin_object(j);
		pc_json_key(j, "severity"); pc_json_string(j, "note");
		pc_json_key(j, "message");
		pc_json_string(j, "more diagnostics were lost: out of memory");
		pc_json_end_object(j);
	}
	pc_json_end_array(j);
	if (d->n_warnings) {
		pc_json_key(j, "warnings");
		pc_json_begin_array(j);
		bucket_json(d, j, true);
		pc_json_end_array(j);
	}
}
