// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_lex.c - the policy lexer: every token kind, locations, errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "policy/lex.h"

struct lexfix {
	struct pc_srcfile f;
	struct pc_lexer lx;
	struct pc_diag d;
	char *out;
	size_t out_len;
	FILE *mem;
};

static void lex_open(struct lexfix *x, const char *text)
{
	x->f.path = (char *)"t.conf";
	x->f.text = (char *)text;
	x->f.len = strlen(text);
	x->out = NULL;
	x->mem = NULL;
	pc_diag_init(&x->d);
	x->d.no_source_lines = 1;
	pc_lex_init(&x->lx, &x->f, &x->d);
}

/* The text of every diagnostic so far, rendered afresh from the sink. */
static const char *lex_errors(struct lexfix *x)
{
	free(x->out);
	x->out = NULL;
	x->mem = open_memstream(&x->out, &x->out_len);
	assert_non_null(x->mem);
	pc_diag_render_text(&x->d, x->mem);
	fclose(x->mem);
	return x->out ? x->out : "";
}

static void lex_close(struct lexfix *x)
{
	pc_diag_free(&x->d);
	free(x->out);
}

/* The next token must be KIND with TEXT at LINE:COL spanning LEN. */
static void expect_tok(struct lexfix *x, enum pc_tok_kind kind, const char *text,
		       int line, int col, int len)
{
	struct pc_token t;

	pc_lex_next(&x->lx, &t);
	assert_int_equal(t.kind, kind);
	if (text) {
		assert_int_equal(t.len, strlen(text));
		assert_memory_equal(t.text, text, t.len);
	}
	assert_ptr_equal(t.loc.file, &x->f);
	assert_int_equal(t.loc.line, line);
	assert_int_equal(t.loc.col, col);
	assert_int_equal(t.loc.len, len);
}

static void test_every_kind(void **state)
{
	struct lexfix x;

	lex_open(&x, "role r {\n  allow in a, b \"d\\\"x\" # note\n}");
	expect_tok(&x, PC_TOK_WORD, "role", 1, 1, 4);
	expect_tok(&x, PC_TOK_WORD, "r", 1, 6, 1);
	expect_tok(&x, PC_TOK_LBRACE, "{", 1, 8, 1);
	expect_tok(&x, PC_TOK_NEWLINE, NULL, 1, 9, 1);
	expect_tok(&x, PC_TOK_WORD, "allow", 2, 3, 5);
	expect_tok(&x, PC_TOK_WORD, "in", 2, 9, 2);
	expect_tok(&x, PC_TOK_WORD, "a", 2, 12, 1);
	expect_tok(&x, PC_TOK_COMMA, ",", 2, 13, 1);
	expect_tok(&x, PC_TOK_WORD, "b", 2, 15, 1);
	expect_tok(&x, PC_TOK_STRING, "d\\\"x", 2, 17, 6);
	expect_tok(&x, PC_TOK_COMMENT, " note", 2, 24, 6);
	expect_tok(&x, PC_TOK_NEWLINE, NULL, 2, 30, 1);
	expect_tok(&x, PC_TOK_RBRACE, "}", 3, 1, 1);
	expect_tok(&x, PC_TOK_EOF, NULL, 3, 2, 1);
	expect_tok(&x, PC_TOK_EOF, NULL, 3, 2, 1);	/* and again */
	assert_string_equal(lex_errors(&x), "");
	lex_close(&x);
}

/* Names, paths, prefixes and ranges are single words. */
static void test_words(void **state)
{
	struct lexfix x;

	lex_open(&x, "crm-frontend /system.slice/nginx.service 10.0.1.0/24 fd00:1::/64 "
		     "49152-65535 eth0 roles/*.conf getty@tty1 a_b");
	expect_tok(&x, PC_TOK_WORD, "crm-frontend", 1, 1, 12);
	expect_tok(&x, PC_TOK_WORD, "/system.slice/nginx.service", 1, 14, 27);
	expect_tok(&x, PC_TOK_WORD, "10.0.1.0/24", 1, 42, 11);
	expect_tok(&x, PC_TOK_WORD, "fd00:1::/64", 1, 54, 11);
	expect_tok(&x, PC_TOK_WORD, "49152-65535", 1, 66, 11);
	expect_tok(&x, PC_TOK_WORD, "eth0", 1, 78, 4);
	expect_tok(&x, PC_TOK_WORD, "roles/*.conf", 1, 83, 12);
	expect_tok(&x, PC_TOK_WORD, "getty@tty1", 1, 96, 10);
	expect_tok(&x, PC_TOK_WORD, "a_b", 1, 107, 3);
	expect_tok(&x, PC_TOK_EOF, NULL, 1, 110, 1);
	assert_string_equal(lex_errors(&x), "");
	lex_close(&x);
}

static void test_blanks_tabs_crlf(void **state)
{
	struct lexfix x;

	lex_open(&x, "\ta\t b\r\n\r\n c");
	expect_tok(&x, PC_TOK_WORD, "a", 1, 2, 1);
	expect_tok(&x, PC_TOK_WORD, "b", 1, 5, 1);
	expect_tok(&x, PC_TOK_NEWLINE, NULL, 1, 7, 1);
	expect_tok(&x, PC_TOK_NEWLINE, NULL, 2, 2, 1);
	expect_tok(&x, PC_TOK_WORD, "c", 3, 2, 1);
	expect_tok(&x, PC_TOK_EOF, NULL, 3, 3, 1);
	lex_close(&x);
}

/* EOF after a final newline points at that newline, on a line that
 * exists, so "missing '}' at end of file" can show it. */
static void test_eof_location(void **state)
{
	struct lexfix x;

	lex_open(&x, "a\nbc\n");
	expect_tok(&x, PC_TOK_WORD, "a", 1, 1, 1);
	expect_tok(&x, PC_TOK_NEWLINE, NULL, 1, 2, 1);
	expect_tok(&x, PC_TOK_WORD, "bc", 2, 1, 2);
	expect_tok(&x, PC_TOK_NEWLINE, NULL, 2, 3, 1);
	expect_tok(&x, PC_TOK_EOF, NULL, 2, 3, 1);
	lex_close(&x);

	lex_open(&x, "");
	expect_tok(&x, PC_TOK_EOF, NULL, 1, 1, 1);
	lex_close(&x);

	lex_open(&x, "\n");
	expect_tok(&x, PC_TOK_NEWLINE, NULL, 1, 1, 1);
	expect_tok(&x, PC_TOK_EOF, NULL, 1, 1, 1);
	lex_close(&x);
}

static void test_comments(void **state)
{
	struct lexfix x;

	lex_open(&x, "# Source: A document, table 1\nx #trailing \"not a string\" {\n#");
	expect_tok(&x, PC_TOK_COMMENT, " Source: A document, table 1", 1, 1, 29);
	expect_tok(&x, PC_TOK_NEWLINE, NULL, 1, 30, 1);
	expect_tok(&x, PC_TOK_WORD, "x", 2, 1, 1);
	expect_tok(&x, PC_TOK_COMMENT, "trailing \"not a string\" {", 2, 3, 26);
	expect_tok(&x, PC_TOK_NEWLINE, NULL, 2, 29, 1);
	expect_tok(&x, PC_TOK_COMMENT, "", 3, 1, 1);
	expect_tok(&x, PC_TOK_EOF, NULL, 3, 2, 1);
	assert_string_equal(lex_errors(&x), "");
	lex_close(&x);
}

static void test_string_escapes(void **state)
{
	struct lexfix x;
	struct pc_token t;
	char *s;

	lex_open(&x, "\"a \\\"q\\\" \\\\ b\" \"\" \"#x,{}\"");
	pc_lex_next(&x.lx, &t);
	assert_int_equal(t.kind, PC_TOK_STRING);
	s = pc_tok_strdup(&t);
	assert_string_equal(s, "a \"q\" \\ b");
	free(s);
	pc_lex_next(&x.lx, &t);
	assert_int_equal(t.kind, PC_TOK_STRING);
	assert_int_equal(t.len, 0);
	s = pc_tok_strdup(&t);
	assert_string_equal(s, "");
	free(s);
	pc_lex_next(&x.lx, &t);
	s = pc_tok_strdup(&t);
	assert_string_equal(s, "#x,{}");	/* no comment, no punctuation inside */
	free(s);
	expect_tok(&x, PC_TOK_EOF, NULL, 1, 26, 1);
	assert_string_equal(lex_errors(&x), "");
	lex_close(&x);
}

static void test_unterminated_string(void **state)
{
	struct lexfix x;
	struct pc_token t;
	char *s;

	lex_open(&x, "service a tcp 1 \"HTTP\nnext");
	expect_tok(&x, PC_TOK_WORD, "service", 1, 1, 7);
	expect_tok(&x, PC_TOK_WORD, "a", 1, 9, 1);
	expect_tok(&x, PC_TOK_WORD, "tcp", 1, 11, 3);
	expect_tok(&x, PC_TOK_WORD, "1", 1, 15, 1);
	pc_lex_next(&x.lx, &t);
	assert_int_equal(t.kind, PC_TOK_STRING);	/* what there is of it */
	assert_int_equal(t.loc.col, 17);
	assert_int_equal(t.loc.len, 5);
	s = pc_tok_strdup(&t);
	assert_string_equal(s, "HTTP");
	free(s);
	expect_tok(&x, PC_TOK_NEWLINE, NULL, 1, 22, 1);	/* the line still ends */
	expect_tok(&x, PC_TOK_WORD, "next", 2, 1, 4);
	assert_string_equal(lex_errors(&x), "t.conf:1:17: error: unterminated string\n");
	lex_close(&x);

	lex_open(&x, "\"abc\\");
	pc_lex_next(&x.lx, &t);
	assert_int_equal(t.kind, PC_TOK_STRING);
	expect_tok(&x, PC_TOK_EOF, NULL, 1, 6, 1);
	assert_string_equal(lex_errors(&x), "t.conf:1:1: error: unterminated string\n");
	lex_close(&x);
}

static void test_bad_escape(void **state)
{
	struct lexfix x;
	struct pc_token t;
	char *s;

	lex_open(&x, "\"C:\\temp\" x");
	pc_lex_next(&x.lx, &t);
	assert_int_equal(t.kind, PC_TOK_STRING);
	s = pc_tok_strdup(&t);
	assert_string_equal(s, "C:\\temp");	/* kept as written */
	free(s);
	expect_tok(&x, PC_TOK_WORD, "x", 1, 11, 1);
	assert_string_equal(lex_errors(&x),
		"t.conf:1:4: error: unknown escape '\\t' in string; only \\\" and \\\\ are allowed\n");
	lex_close(&x);
}

/* Stray characters are reported once per run and skipped. */
static void test_stray(void **state)
{
	struct lexfix x;

	lex_open(&x, "a; b $%^ c \x01\xff d");
	expect_tok(&x, PC_TOK_WORD, "a", 1, 1, 1);
	expect_tok(&x, PC_TOK_WORD, "b", 1, 4, 1);
	expect_tok(&x, PC_TOK_WORD, "c", 1, 10, 1);
	expect_tok(&x, PC_TOK_WORD, "d", 1, 15, 1);
	expect_tok(&x, PC_TOK_EOF, NULL, 1, 16, 1);
	assert_string_equal(lex_errors(&x),
		"t.conf:1:2: error: stray character ';'\n"
		"t.conf:1:6: error: stray character '$'\n"
		"t.conf:1:12: error: stray byte 0x01\n");
	assert_int_equal(x.d.n_errors, 3);
	lex_close(&x);
}

/* A control byte or a byte that is no UTF-8 in a string or a comment is
 * an error, once per token; UTF-8 text, tabs and a CRLF line end are not. */
static void test_text_is_utf8(void **state)
{
	struct lexfix x;

	lex_open(&x, "\"caf\xc3\xa9\t\" \"a\x1b[2J\x07\" \"\xff\xfe\" # ok \xe2\x9c\x93\r\n"
		     "# bad \x1b]0;x\x07\n");
	expect_tok(&x, PC_TOK_STRING, "caf\xc3\xa9\t", 1, 1, 8);
	expect_tok(&x, PC_TOK_STRING, "a\x1b[2J\x07", 1, 10, 8);
	expect_tok(&x, PC_TOK_STRING, "\xff\xfe", 1, 19, 4);
	expect_tok(&x, PC_TOK_COMMENT, NULL, 1, 24, 9);
	expect_tok(&x, PC_TOK_NEWLINE, NULL, 1, 33, 1);
	expect_tok(&x, PC_TOK_COMMENT, NULL, 2, 1, 12);
	expect_tok(&x, PC_TOK_NEWLINE, NULL, 2, 13, 1);
	assert_string_equal(lex_errors(&x),
		"t.conf:1:12: error: control byte 0x1b in a string\n"
		"t.conf:1:20: error: byte 0xff in a string is not UTF-8: a config is UTF-8 text\n"
		"t.conf:2:7: error: control byte 0x1b in a comment\n");
	lex_close(&x);
}

/* Text with a NUL inside: the length rules, not the NUL. */
static void test_embedded_nul(void **state)
{
	static const char text[] = "a\0b";
	struct lexfix x;

	lex_open(&x, "");
	x.f.text = (char *)text;
	x.f.len = 3;
	pc_lex_init(&x.lx, &x.f, &x.d);
	expect_tok(&x, PC_TOK_WORD, "a", 1, 1, 1);
	expect_tok(&x, PC_TOK_WORD, "b", 1, 3, 1);
	expect_tok(&x, PC_TOK_EOF, NULL, 1, 4, 1);
	assert_string_equal(lex_errors(&x), "t.conf:1:2: error: stray byte 0x00\n");
	lex_close(&x);
}

static void test_helpers(void **state)
{
	struct lexfix x;
	struct pc_token t;
	char *s;

	lex_open(&x, "tcp tcpx");
	pc_lex_next(&x.lx, &t);
	assert_true(pc_tok_is(&t, "tcp"));
	assert_false(pc_tok_is(&t, "tc"));
	assert_false(pc_tok_is(&t, "tcpx"));
	s = pc_tok_strdup(&t);
	assert_string_equal(s, "tcp");
	free(s);
	pc_lex_next(&x.lx, &t);
	assert_false(pc_tok_is(&t, "tcp"));
	lex_close(&x);

	lex_open(&x, "\"tcp\"");
	pc_lex_next(&x.lx, &t);
	assert_false(pc_tok_is(&t, "tcp"));	/* a string is not a keyword */
	lex_close(&x);

	assert_string_equal(pc_tok_kind_name(PC_TOK_NEWLINE), "end of line");
	assert_string_equal(pc_tok_kind_name(PC_TOK_EOF), "end of file");
	assert_string_equal(pc_tok_kind_name(PC_TOK_COMMA), "','");
	assert_string_equal(pc_tok_kind_name(PC_TOK_LBRACE), "'{'");
	assert_string_equal(pc_tok_kind_name(PC_TOK_RBRACE), "'}'");
	assert_string_equal(pc_tok_kind_name(PC_TOK_WORD), "a word");
	assert_string_equal(pc_tok_kind_name(PC_TOK_STRING), "a string");
	assert_string_equal(pc_tok_kind_name(PC_TOK_COMMENT), "a comment");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_kind),
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_blanks_tabs_crlf),
		cmocka_unit_test(test_eof_location),
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_string_escapes),
		cmocka_unit_test(test_unterminated_string),
		cmocka_unit_test(test_bad_escape),
		cmocka_unit_test(test_stray),
		cmocka_unit_test(test_text_is_utf8),
		cmocka_unit_test(test_embedded_nul),
		cmocka_unit_test(test_helpers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
