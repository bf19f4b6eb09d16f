// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * opts.c - the one parser of every command's options (opts.h), and the
 * usage lines made from the same tables.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "lib/diag.h"
#include "lib/names.h"

/* The most options a table holds: suggestions list them on the stack. */
#define OPTS_MAX 32

const struct pc_cmd *pc_cmd_by_name(const char *name)
{
	const struct pc_cmd *c;

	for (c = pc_cmds; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

const struct pc_cmd *pc_cmd_match(const char *word, bool *ambiguous)
{
	const struct pc_cmd *c, *hit = pc_cmd_by_name(word);
	size_t len = strlen(word);
	int n = 0;

	*ambiguous = false;
	if (hit)
		return hit;
	for (c = pc_cmds; c->name; c++) {
		if (!c->full_word && len && !strncmp(c->name, word, len)) {
			hit = c;
			n++;
		}
	}
	*ambiguous = n > 1;
	return n == 1 ? hit : NULL;
}

size_t pc_opt_format(const struct pc_opt *o, bool both, char *buf, size_t len)
{
	int n;

	if (o->letter && both)
		n = snprintf(buf, len, "-%c, --%s%s%s", o->letter, o->name, o->arg ? " " : "",
			     o->arg ? o->arg : "");
	else if (o->letter)
		n = snprintf(buf, len, "-%c%s%s", o->letter, o->arg ? " " : "", o->arg ? o->arg : "");
	else
		n = snprintf(buf, len, "--%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
	return n < 0 ? 0 : (size_t)n;
}

/* Append to BUF (LEN bytes, *OFF used) as snprintf would, keeping it a
 * string when it is cut. */
static void append(char *buf, size_t len, size_t *off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void append(char *buf, size_t len, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*off >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *off, len - *off, fmt, ap);
	va_end(ap);
	if (n > 0)
		*off += (size_t)n;
}

size_t pc_cmd_usage(const struct pc_cmd *c, char *buf, size_t len)
{
	const struct pc_opt *o;
	char one[128];
	size_t off = 0;

	append(buf, len, &off, "%s%s%s", c->name, *c->args ? " " : "", c->args);
	for (o = c->opts; o->id; o++) {
		pc_opt_format(o, false, one, sizeof(one));
		append(buf, len, &off, " [%s]", one);
	}
	return off < len ? off : len - 1;
}

size_t pc_opt_names(const struct pc_opt *o, char *buf, size_t len)
{
	const char *names[PC_NAMES_MAX];
	size_t i, n, off = 0;

	buf[0] = '\0';
	if (!o->names)
		return 0;
	n = pc_names_list(o->names, names, PC_NAMES_MAX);
	for (i = 0; i < n; i++)
		append(buf, len, &off, "%s%s", i ? ", " : "one of: ", names[i]);
	return off < len ? off : len - 1;
}

enum pc_metavar pc_metavar_kind(const char *metavar)
{
	static const struct { const char *name; enum pc_metavar kind; } kinds[] = {
		{ "FILE", PC_MV_FILE }, { "DIR", PC_MV_DIR }, { "SCOPE", PC_MV_SCOPE },
		{ "ROLE", PC_MV_ROLE }, { "SERVICE", PC_MV_SERVICE }, { "PEER", PC_MV_PEER },
	};
	size_t i;

	if (!metavar)
		return PC_MV_NONE;
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(metavar, kinds[i].name))
			return kinds[i].kind;
	/* Lower-case alternatives are literal words (audit|enforce). */
	return metavar[0] >= 'a' && metavar[0] <= 'z' ? PC_MV_WORDS : PC_MV_NONE;
}

static int usage_error(struct pc_opt_parser *p, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
static int usage_error(struct pc_opt_parser *p, const char *fmt, va_list ap)
{
	char line[PC_DIAG_HINT_MAX];
	size_t off = 0;

	append(line, sizeof(line), &off, "usage: portcullis ");
	pc_cmd_usage(p->cmd, line + off, sizeof(line) - off);
	pc_diag_vadd(&p->ctx->lib.diag, PC_DIAG_ERROR, PC_DIAG_BARE | PC_DIAG_HINT_LINE, NULL,
		     line, fmt, ap);
	return PC_EXIT_USAGE;
}

int pc_opt_usage(struct pc_opt_parser *p, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = usage_error(p, fmt, ap);
	va_end(ap);
	return rc;
}

static int bad(struct pc_opt_parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int bad(struct pc_opt_parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	usage_error(p, fmt, ap);
	va_end(ap);
	return PC_OPT_BAD;
}

void pc_opt_begin(struct pc_opt_parser *p, struct pc_ctx *ctx, const char *name, int argc,
		  char **argv)
{
	*p = (struct pc_opt_parser){ .ctx = ctx, .cmd = pc_cmd_by_name(name), .argc = argc,
				     .argv = argv, .i = 1 };
}

int pc_opt_words(struct pc_ctx *ctx, const char *name, int argc, char **argv, const char **word)
{
	struct pc_opt_parser p;
	int opt;

	pc_opt_begin(&p, ctx, name, argc, argv);
	while ((opt = pc_opt_next(&p)) != PC_OPT_END) {
		if (opt != PC_OPT_WORD)
			return PC_EXIT_USAGE;
		if (!word)
			return pc_opt_usage(&p, "%s takes no arguments", name);
		if (*word)
			return pc_opt_usage(&p, "%s takes one word at most, not '%s' too", name, p.arg);
		*word = p.arg;
	}
	return 0;
}

/* An option WORD that the table does not have: said with the closest. */
static int unknown(struct pc_opt_parser *p, const char *word, size_t len)
{
	char spelled[OPTS_MAX][64];
	const char *names[OPTS_MAX], *near;
	const struct pc_opt *o;
	size_t n = 0;

	for (o = p->cmd->opts; o->id && n < OPTS_MAX; o++, n++) {
		snprintf(spelled[n], sizeof(spelled[n]), "--%s", o->name);
		names[n] = spelled[n];
	}
	if (!n)
		return bad(p, "%s takes no options, not '%.*s'", p->cmd->name, (int)len, word);
	near = pc_suggest(word, names, n);
	if (near)
		return bad(p, "%s has no option '%.*s'; did you mean '%s'?", p->cmd->name,
			   (int)len, word, near);
	return bad(p, "%s has no option '%.*s'", p->cmd->name, (int)len, word);
}

/* VALUE for an option with names: one of them, or an error listing them. */
static int check_names(struct pc_opt_parser *p, const struct pc_opt *o, const char *value)
{
	const char *names[PC_NAMES_MAX], *near;
	char list[512];
	size_t i, n, off = 0;
	unsigned int v;

	if (!pc_name_parse(o->names, value, &v))
		return 0;
	n = pc_names_list(o->names, names, PC_NAMES_MAX);
	list[0] = '\0';
	for (i = 0; i < n; i++)
		append(list, sizeof(list), &off, "%s%s", i ? ", " : "", names[i]);
	near = pc_suggest(value, names, n);
	if (near)
		return bad(p, "--%s takes a %s (%s), not '%s'; did you mean '%s'?", o->name,
			   o->names->what, list, value, near);
	return bad(p, "--%s takes a %s (%s), not '%s'", o->name, o->names->what, list, value);
}

int pc_opt_next(struct pc_opt_parser *p)
{
	const struct pc_opt *o;
	const char *w, *eq;
	size_t len;

	if (!p->cmd)	/* a command without a row: a bug, said as one */
		return bad(p, "'%s' has no row in PC_COMMANDS", p->argv[0]);
	if (p->i >= p->argc)
		return PC_OPT_END;
	w = p->argv[p->i++];
	p->arg = w;
	if (p->words_only || w[0] != '-' || !w[1])
		return PC_OPT_WORD;
	if (!strcmp(w, "--")) {
		p->words_only = true;
		return pc_opt_next(p);
	}
	eq = w[1] == '-' ? strchr(w, '=') : NULL;
	len = eq ? (size_t)(eq - w) : strlen(w);
	for (o = p->cmd->opts; o->id; o++) {
		if (w[1] == '-' ? strlen(o->name) == len - 2 && !strncmp(w + 2, o->name, len - 2)
				: o->letter == w[1] && !w[2])
			break;
	}
	if (!o->id)
		return unknown(p, w, len);
	p->opt = o;
	if (!o->arg) {
		if (eq)
			return bad(p, "--%s takes no value", o->name);
		return o->id;
	}
	if (eq) {
		p->arg = eq + 1;
	} else {
		if (p->i >= p->argc)
			return bad(p, "%.*s needs %s", (int)len, w, o->arg);
		p->arg = p->argv[p->i++];
	}
	if (o->names && check_names(p, o, p->arg))
		return PC_OPT_BAD;
	return o->id;
}
