// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * source.c - the files of a policy: read each once, follow includes and
 * globs relative to the including file, report cycles; the entry points
 * pc_policy_parse_file() and pc_policy_parse_buffer().
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy/parser.h"

static bool has_wildcard(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* Read PATH whole, NUL-terminated. 0 or -errno; -EINVAL: not a file. */
static int read_file(const char *path, char **text, size_t *len)
{
	struct stat st;
	size_t cap, n = 0;
	char *buf;
	ssize_t r;
	int fd, err = 0;

	/* O_NONBLOCK: a FIFO named by mistake must not hang the agent. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		err = -errno;
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		err = -EISDIR;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err = -EINVAL;
		goto out;
	}
	if ((unsigned long long)st.st_size > MAX_FILE_SIZE) {
		err = -EFBIG;
		goto out;
	}
	cap = (size_t)st.st_size + 1;
	buf = malloc(cap);
	if (!buf) {
		err = -ENOMEM;
		goto out;
	}
	/* The size may change under us; read to EOF within the cap. */
	for (;;) {
		if (n + 1 == cap) {
			if (cap > MAX_FILE_SIZE) {
				free(buf);
				err = -EFBIG;
				goto out;
			}
			if (pc_array_reserve((void **)&buf, &cap, cap + 1, 1)) {
				free(buf);
				err = -ENOMEM;
				goto out;
			}
		}
		r = read(fd, buf + n, cap - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = -errno;
			free(buf);
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
out:
	close(fd);
	return err;
}

/* Take ownership of PATH and TEXT as a new file of the policy. */
static struct pc_srcfile *add_file(struct ctx *cx, char *path, char *text, size_t len,
				   const struct pc_loc *at)
{
	struct pc_policy *p = cx->pol;
	struct pc_srcfile *sf;

	if (!p->files) {
		p->files = calloc(MAX_FILES, sizeof(*p->files));
		if (!p->files) {
			nomem(cx);
			goto fail;
		}
	}
	if (p->n_files == MAX_FILES) {
		pc_diag_error(cx->diag, at, "too many files: at most %d can be included",
			      MAX_FILES);
		goto fail;
	}
	sf = &p->files[p->n_files++];
	sf->path = path;
	sf->text = text;
	sf->len = len;
	return sf;
fail:
	free(path);
	free(text);
	return NULL;
}

static bool seen(const struct ctx *cx, const char *real)
{
	size_t i;

	for (i = 0; i < cx->n_seen; i++)
		if (!strcmp(cx->seen[i], real))
			return true;
	return false;
}

/* Is REAL being parsed? Report the chain of includes that leads back to it. */
static bool is_cycle(struct ctx *cx, const char *real, const char *shown,
		     const struct pc_loc *at)
{
	char *chain = NULL;
	size_t len = 0;
	FILE *f;
	int i, j;

	for (i = 0; i < cx->depth; i++)
		if (!strcmp(cx->stack[i].real, real))
			break;
	if (i == cx->depth)
		return false;
	f = open_memstream(&chain, &len);
	if (!f) {
		nomem(cx);
		return true;
	}
	for (j = i; j < cx->depth; j++)
		fprintf(f, "%s -> ", cx->stack[j].shown);
	fputs(shown, f);
	fclose(f);
	pc_diag_error(cx->diag, at, "include cycle: %s", chain);
	free(chain);
	return true;
}

/* Parse SF under the key REAL (taken). */
static int parse_keyed(struct ctx *cx, char *real, const struct pc_srcfile *sf)
{
	if (room_for_one(cx, (void **)&cx->seen, cx->n_seen, &cx->cap_seen, sizeof(*cx->seen))) {
		free(real);
		return -ENOMEM;
	}
	cx->seen[cx->n_seen++] = real;
	cx->stack[cx->depth].real = real;
	cx->stack[cx->depth].shown = sf->path;
	cx->depth++;
	pc_parse_src(cx, sf);
	cx->depth--;
	return 0;
}

/* The file SHOWN (as diagnostics name it), included at AT (NULL: the
 * top file). Each file is read once; a cycle is an error. -EMFILE: the
 * policy holds MAX_FILES already (reported). */
static int include_one(struct ctx *cx, const char *shown, const struct pc_loc *at)
{
	char *real = realpath(shown, NULL), *path, *text = NULL;
	const struct pc_srcfile *sf;
	size_t len = 0;
	int err;

	if (!real)	/* unreadable: let read_file() say why */
		real = strdup(shown);
	if (!real) {
		nomem(cx);
		return -ENOMEM;
	}
	if (is_cycle(cx, real, shown, at) || seen(cx, real)) {
		free(real);
		return 0;
	}
	if (cx->depth == MAX_INCLUDE_DEPTH) {
		pc_diag_error(cx->diag, at, "includes nested more than %d deep", MAX_INCLUDE_DEPTH);
		free(real);
		return -ELOOP;
	}
	err = read_file(shown, &text, &len);
	if (err) {
		pc_diag_error(cx->diag, at, "cannot read '%s': %s", shown,
			      err == -EINVAL ? "not a regular file" : strerror(-err));
		free(real);
		return err;
	}
	path = strdup(shown);
	if (!path) {
		free(text);
		free(real);
		nomem(cx);
		return -ENOMEM;
	}
	sf = add_file(cx, path, text, len, at);
	if (!sf) {
		free(real);
		return cx->nomem ? -ENOMEM : -EMFILE;
	}
	return parse_keyed(cx, real, sf);
}

/* DIR (up to and including its '/') then PAT; with ESCAPE, glob
 * metacharacters of DIR are escaped so only PAT's wildcards expand. */
static char *join_path(const char *dir, size_t dlen, const char *pat, bool escape)
{
	char *s = malloc(dlen * 2 + strlen(pat) + 1), *d = s;
	size_t i;

	if (!s)
		return NULL;
	for (i = 0; i < dlen; i++) {
		if (escape && strchr("*?[]\\", dir[i]))
			*d++ = '\\';
		*d++ = dir[i];
	}
	strcpy(d, pat);
	return s;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Expand PAT (relative to the including file's directory) and include
 * each match in byte order, whatever the locale. */
static void include_glob(struct parser *ps, const char *pat, const struct pc_loc *at)
{
	const char *slash = strrchr(ps->file->path, '/');
	size_t dlen = pat[0] == '/' || !slash ? 0 : (size_t)(slash - ps->file->path) + 1;
	char *full = join_path(ps->file->path, dlen, pat, true);
	glob_t g = { 0 };
	size_t i;
	int r;

	if (!full) {
		nomem(ps->cx);
		return;
	}
	r = glob(full, GLOB_NOSORT | GLOB_MARK, NULL, &g);
	if (r == GLOB_NOMATCH)
		pc_diag_warning(ps->cx->diag, at, "no file matches '%s'", pat);
	else if (r == GLOB_NOSPACE)
		nomem(ps->cx);
	else if (r)
		pc_diag_error(ps->cx->diag, at, "cannot expand '%s': read error", pat);
	if (!r) {
		qsort(g.gl_pathv, g.gl_pathc, sizeof(*g.gl_pathv), cmp_str);
		for (i = 0; i < g.gl_pathc && !ps->cx->nomem; i++) {
			size_t n = strlen(g.gl_pathv[i]);

			/* GLOB_MARK: directories end in '/'; a pattern
			 * of a directory means the files in it. */
			if (n && g.gl_pathv[i][n - 1] == '/')
				continue;
			/* Full: the rest of the matches would each say so
			 * again at this same include line. */
			if (include_one(ps->cx, g.gl_pathv[i], at) == -EMFILE) {
				pc_diag_note(ps->cx->diag, at, "'%s' matches %zu files; "
					     "%zu of them were not read", pat, g.gl_pathc,
					     g.gl_pathc - i);
				break;
			}
		}
	}
	globfree(&g);
	free(full);
}

void pc_include_path(struct parser *ps, const char *pat, const struct pc_loc *at)
{
	const char *slash = strrchr(ps->file->path, '/');
	size_t dlen = pat[0] == '/' || !slash ? 0 : (size_t)(slash - ps->file->path) + 1;
	char *full;

	if (has_wildcard(pat)) {
		include_glob(ps, pat, at);
		return;
	}
	full = join_path(ps->file->path, dlen, pat, false);
	if (!full) {
		nomem(ps->cx);
		return;
	}
	include_one(ps->cx, full, at);
	free(full);
}

/* --- entry points ---------------------------------------------------------- */

static int finish(struct ctx *cx, unsigned int errors_before, int err)
{
	size_t i;

	for (i = 0; i < cx->n_seen; i++)
		free(cx->seen[i]);
	free(cx->seen);
	if (err)
		return err;
	if (cx->nomem)
		return -ENOMEM;
	return cx->diag->n_errors > errors_before ? -EINVAL : 0;
}

int pc_policy_parse_file(const char *path, struct pc_diag *diag, struct pc_policy *out)
{
	struct ctx cx = { .pol = out, .diag = diag };
	unsigned int before = diag->n_errors;
	int err;

	pc_ast_init(out);
	err = include_one(&cx, path, NULL);
	return finish(&cx, before, err);
}

int pc_policy_parse_buffer(const char *name, const char *text, size_t len,
			   struct pc_diag *diag, struct pc_policy *out)
{
	struct ctx cx = { .pol = out, .diag = diag };
	unsigned int before = diag->n_errors;
	const struct pc_srcfile *sf;
	char *path, *copy, *real;

	pc_ast_init(out);
	path = strdup(name);
	copy = malloc(len + 1);
	real = realpath(name, NULL);
	if (!real)
		real = strdup(name);
	if (!path || !copy || !real) {
		free(path);
		free(copy);
		free(real);
		nomem(&cx);
		return finish(&cx, before, -ENOMEM);
	}
	memcpy(copy, text, len);
	copy[len] = '\0';
	sf = add_file(&cx, path, copy, len, NULL);
	if (!sf) {
		free(real);
		return finish(&cx, before, -ENOMEM);
	}
	parse_keyed(&cx, real, sf);
	return finish(&cx, before, 0);
}
