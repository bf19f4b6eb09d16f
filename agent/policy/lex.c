// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * lex.c - the policy language's lexer.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/utf8.h"
#include "policy/lex.h"

void pc_lex_init(struct pc_lexer *lx, const struct pc_srcfile *file, struct pc_diag *diag)
{
	lx->file = file;
	lx->diag = diag;
	lx->pos = file->text;
	lx->end = file->text + file->len;
	lx->line_start = file->text;
	lx->line = 1;
}

/* '@' is there for systemd template units in cgroup paths
 * (/system.slice/getty@tty1.service), '*' for names of globs. */
static bool is_word_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '/' ||
	       c == ':' || c == '*' || c == '-' || c == '@';
}

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Could C start a token (or be skipped as blank)? Everything else is a
 * stray character. */
static bool is_known(unsigned char c)
{
	return is_word_char(c) || is_space(c) || c == '\n' || c == '"' ||
	       c == '#' || c == ',' || c == '{' || c == '}';
}

static int col_of(const struct pc_lexer *lx, const char *p)
{
	return (int)(p - lx->line_start) + 1;
}

static void set_tok(struct pc_lexer *lx, struct pc_token *tok, enum pc_tok_kind kind,
		    const char *start, size_t len, const char *text, size_t text_len)
{
	tok->kind = kind;
	tok->loc.file = lx->file;
	tok->loc.line = lx->line;
	tok->loc.col = col_of(lx, start);
	tok->loc.len = len ? (int)len : 1;
	tok->text = text;
	tok->len = text_len;
}

/* One error for a whole run of stray bytes: binary junk should not bury
 * the real mistakes under thousands of lines. */
static void skip_stray(struct pc_lexer *lx)
{
	const char *start = lx->pos;
	unsigned char c = (unsigned char)*start;
	struct pc_loc loc;

	while (lx->pos < lx->end && !is_known((unsigned char)*lx->pos))
		lx->pos++;
	loc.file = lx->file;
	loc.line = lx->line;
	loc.col = col_of(lx, start);
	loc.len = (int)(lx->pos - start);
	if (c >= 0x21 && c < 0x7f)
		pc_diag_error(lx->diag, &loc, "stray character '%c'", c);
	else
		pc_diag_error(lx->diag, &loc, "stray byte 0x%02x", c);
}

/*
 * Strings and comments are shown back (descriptions and sources in
 * 'catalogue' and 'roles', quoted in errors, in JSON): a control byte or
 * one that is no UTF-8 there is an error, once per token, at the first,
 * so no such byte gets into the policy. A CR before the newline is the
 * CRLF line end, not text.
 */
static void check_text(struct pc_lexer *lx, const char *s, size_t n, const char *what)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;
	struct pc_loc loc;

	if (n && p[n - 1] == '\r')
		n--;
	while (i < n && (k = pc_utf8_printable(p + i, n - i)))
		i += k;
	if (i == n)
		return;
	loc = (struct pc_loc){ lx->file, lx->line, col_of(lx, s + i), 1 };
	if (p[i] < 0x20 || p[i] == 0x7f)
		pc_diag_error(lx->diag, &loc, "control byte 0x%02x in %s", p[i], what);
	else
		pc_diag_error(lx->diag, &loc, "byte 0x%02x in %s is not UTF-8: a config is "
			      "UTF-8 text", p[i], what);
}

/*
 * A string runs to the closing quote on the same line. \" and \\ are the
 * only escapes; anything else after a backslash is reported (and kept as
 * written) rather than guessed at.
 */
static void lex_string(struct pc_lexer *lx, struct pc_token *tok)
{
	const char *start = lx->pos, *p = lx->pos + 1;

	while (p < lx->end && *p != '"' && *p != '\n') {
		if (*p == '\\' && p + 1 < lx->end && p[1] != '\n') {
			if (p[1] != '"' && p[1] != '\\') {
				struct pc_loc loc = {
					lx->file, lx->line, col_of(lx, p), 2
				};

				pc_diag_error(lx->diag, &loc,
					      "unknown escape '\\%c' in string; only \\\" and \\\\ are allowed",
					      p[1] >= 0x20 && p[1] < 0x7f ? p[1] : '?');
			}
			p += 2;
			continue;
		}
		p++;
	}
	check_text(lx, start + 1, (size_t)(p - start - 1), "a string");
	if (p < lx->end && *p == '"') {
		set_tok(lx, tok, PC_TOK_STRING, start, (size_t)(p + 1 - start),
			start + 1, (size_t)(p - start - 1));
		lx->pos = p + 1;
		return;
	}
	set_tok(lx, tok, PC_TOK_STRING, start, (size_t)(p - start),
		start + 1, (size_t)(p - start - 1));
	pc_diag_error(lx->diag, &tok->loc, "unterminated string");
	lx->pos = p;
}

static void lex_comment(struct pc_lexer *lx, struct pc_token *tok)
{
	const char *start = lx->pos, *nl;

	nl = memchr(start, '\n', (size_t)(lx->end - start));
	if (!nl)
		nl = lx->end;
	check_text(lx, start + 1, (size_t)(nl - start - 1), "a comment");
	set_tok(lx, tok, PC_TOK_COMMENT, start, (size_t)(nl - start),
		start + 1, (size_t)(nl - start - 1));
	lx->pos = nl;
}

/* EOF points just past the last character of the last line, so "missing
 * '}' at end of file" lands on a line that exists. */
static void lex_eof(struct pc_lexer *lx, struct pc_token *tok)
{
	const char *text = lx->file->text;
	const char *p = lx->end;

	if (p > text && p[-1] == '\n' && lx->line > 1) {
		const char *ls = p - 1;

		while (ls > text && ls[-1] != '\n')
			ls--;
		tok->kind = PC_TOK_EOF;
		tok->loc.file = lx->file;
		tok->loc.line = lx->line - 1;
		tok->loc.col = (int)(p - 1 - ls) + 1;
		tok->loc.len = 1;
		tok->text = p;
		tok->len = 0;
		return;
	}
	set_tok(lx, tok, PC_TOK_EOF, p, 1, p, 0);
}

void pc_lex_next(struct pc_lexer *lx, struct pc_token *tok)
{
	for (;;) {
		const char *p;
		unsigned char c;

		while (lx->pos < lx->end && is_space((unsigned char)*lx->pos))
			lx->pos++;
		if (lx->pos >= lx->end) {
			lex_eof(lx, tok);
			return;
		}
		p = lx->pos;
		c = (unsigned char)*p;
		if (c == '\n') {
			set_tok(lx, tok, PC_TOK_NEWLINE, p, 1, p, 0);
			lx->pos++;
			lx->line++;
			lx->line_start = lx->pos;
			return;
		}
		if (is_word_char(c)) {
			while (lx->pos < lx->end && is_word_char((unsigned char)*lx->pos))
				lx->pos++;
			set_tok(lx, tok, PC_TOK_WORD, p, (size_t)(lx->pos - p),
				p, (size_t)(lx->pos - p));
			return;
		}
		switch (c) {
		case '"':
			lex_string(lx, tok);
			return;
		case '#':
			lex_comment(lx, tok);
			return;
		case ',':
		case '{':
		case '}':
			set_tok(lx, tok, c == ',' ? PC_TOK_COMMA :
				c == '{' ? PC_TOK_LBRACE : PC_TOK_RBRACE, p, 1, p, 1);
			lx->pos++;
			return;
		default:
			skip_stray(lx);
		}
	}
}

char *pc_tok_strdup(const struct pc_token *tok)
{
	char *s, *d;
	size_t i;

	s = malloc(tok->len + 1);
	if (!s)
		return NULL;
	if (tok->kind != PC_TOK_STRING) {
		memcpy(s, tok->text, tok->len);
		s[tok->len] = '\0';
		return s;
	}
	for (i = 0, d = s; i < tok->len; i++) {
		if (tok->text[i] == '\\' && i + 1 < tok->len &&
		    (tok->text[i + 1] == '"' || tok->text[i + 1] == '\\'))
			i++;
		*d++ = tok->text[i];
	}
	*d = '\0';
	return s;
}

bool pc_tok_is(const struct pc_token *tok, const char *w)
{
	return tok->kind == PC_TOK_WORD && strlen(w) == tok->len &&
	       !memcmp(tok->text, w, tok->len);
}

const char *pc_tok_kind_name(enum pc_tok_kind kind)
{
	switch (kind) {
	case PC_TOK_EOF:	return "end of file";
	case PC_TOK_NEWLINE:	return "end of line";
	case PC_TOK_WORD:	return "a word";
	case PC_TOK_STRING:	return "a string";
	case PC_TOK_COMMA:	return "','";
	case PC_TOK_LBRACE:	return "'{'";
	case PC_TOK_RBRACE:	return "'}'";
	case PC_TOK_COMMENT:	return "a comment";
	}
	return "?";
}
