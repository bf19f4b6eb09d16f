/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * parser.h - inside the policy parser, shared by its three files: the
 * grammar (parse.c), files and includes (source.c), and the tree's
 * lifetime (ast.c). Nothing outside agent/policy/ includes it.
 */
#ifndef PC_POLICY_PARSER_H
#define PC_POLICY_PARSER_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "lib/array.h"
#include "policy/lex.h"
#include "policy/policy.h"

/* loc->file points into pc_policy.files[], so that array must never move:
 * it is allocated once at this size. */
#define MAX_FILES		1024
#define MAX_INCLUDE_DEPTH	64
#define MAX_FILE_SIZE		(16u << 20)

/* parse_statement() and the body parser: cur already starts a statement. */
#define RESYNCED		1

struct include_frame {
	const char *real;	/* key in ctx.seen */
	const char *shown;	/* the srcfile's path */
};

/* State shared by every file of one parse. */
struct ctx {
	struct pc_policy *pol;
	struct pc_diag *diag;
	char **seen;		/* realpaths of files read: each is read once */
	size_t n_seen, cap_seen;
	struct include_frame stack[MAX_INCLUDE_DEPTH];
	int depth;
	bool nomem;
};

/* State of one file. */
struct parser {
	struct ctx *cx;
	const struct pc_srcfile *file;
	struct pc_lexer lx;
	struct pc_token cur;
	/* Comments for 'source': the comment-only lines above the current
	 * line (pending), those above the statement at cur (lead), and the
	 * comment that ends the current line (trailing). */
	char *pending;
	char *lead;
	char *trailing;
	bool line_has_tokens;
	bool line_has_comment;
	bool new_line;
};

static inline void nomem(struct ctx *cx)
{
	if (!cx->nomem)
		pc_diag_error(cx->diag, NULL, "out of memory");
	cx->nomem = true;
}

/* Room in *ARR (N elements, *CAP allocated) for one more: 0, or -ENOMEM
 * reported once through nomem() with the array untouched. */
static inline int room_for_one(struct ctx *cx, void **arr, size_t n, size_t *cap, size_t size)
{
	if (!pc_array_reserve(arr, cap, n + 1, size))
		return 0;
	nomem(cx);
	return -ENOMEM;
}

/* The tree (ast.c). */
void pc_ast_init(struct pc_policy *p);
void pc_ast_free_service(struct pc_service *s);
void pc_ast_free_peer(struct pc_peer *p);
void pc_ast_free_names(struct pc_name *v, size_t n);
void pc_ast_free_rule(struct pc_rule *r);
void pc_ast_free_role(struct pc_role *r);
void pc_ast_free_attach(struct pc_attach *a);

/* Parse the statements of SF (parse.c); errors go to cx->diag. */
int pc_parse_src(struct ctx *cx, const struct pc_srcfile *sf);

/* Include PAT, relative to the file ps is in, globbed if it has wildcards
 * (source.c). */
void pc_include_path(struct parser *ps, const char *pat, const struct pc_loc *at);

#endif /* PC_POLICY_PARSER_H */
