/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * lex.h - tokens of the policy language.
 *
 * Statements are line based, so newlines are tokens. Comments are tokens
 * too: the parser turns the comment lines above a 'service' or 'role' into
 * its 'source' citation. Lexical errors (stray characters, unterminated
 * strings, unknown escapes) are reported through the diag and lexing goes
 * on, so the parser always sees a well-formed token stream.
 */
#ifndef PC_POLICY_LEX_H
#define PC_POLICY_LEX_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/diag.h"

enum pc_tok_kind {
	PC_TOK_EOF,
	PC_TOK_NEWLINE,
	PC_TOK_WORD,		/* [A-Za-z0-9_./:*@-]+: names, numbers, addresses, paths */
	PC_TOK_STRING,		/* "..." with \" and \\ */
	PC_TOK_COMMA,
	PC_TOK_LBRACE,
	PC_TOK_RBRACE,
	PC_TOK_COMMENT,		/* '#' to the end of the line */
};

struct pc_token {
	enum pc_tok_kind kind;
	struct pc_loc loc;
	/* Into the source text: WORD the word; STRING the contents between
	 * the quotes, escapes not yet decoded; COMMENT the text after '#'
	 * (no newline); others empty. */
	const char *text;
	size_t len;
};

struct pc_lexer {
	const struct pc_srcfile *file;
	struct pc_diag *diag;
	const char *pos, *end;
	const char *line_start;
	int line;
};

void pc_lex_init(struct pc_lexer *lx, const struct pc_srcfile *file, struct pc_diag *diag);

/* The next token. After EOF, EOF again. */
void pc_lex_next(struct pc_lexer *lx, struct pc_token *tok);

/* The token's value as a new string: a WORD as written, a STRING with its
 * escapes decoded. NULL when out of memory. */
char *pc_tok_strdup(const struct pc_token *tok);

/* Is TOK the word W? */
bool pc_tok_is(const struct pc_token *tok, const char *w);

/* How a message names the kind: "end of line", "','", ... */
const char *pc_tok_kind_name(enum pc_tok_kind kind);

#endif /* PC_POLICY_LEX_H */
