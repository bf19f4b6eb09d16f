// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_diag.c - diagnostics format, caps, and pc_suggest.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/diag.h"
#include "lib/json.h"

struct capture {
	char *buf;
	size_t len;
	FILE *f;
	struct pc_diag d;
};

static void cap_open(struct capture *c)
{
	c->buf = NULL;
	c->len = 0;
	c->f = NULL;
	pc_diag_init(&c->d);
}

/* The text rendering of the sink so far. */
static const char *cap_text(struct capture *c)
{
	free(c->buf);
	c->buf = NULL;
	c->f = open_memstream(&c->buf, &c->len);
	assert_non_null(c->f);
	pc_diag_render_text(&c->d, c->f);
	fclose(c->f);
	return c->buf;
}

static void cap_close(struct capture *c)
{
	pc_diag_free(&c->d);
	free(c->buf);
}

static struct pc_srcfile src = {
	.path = (char *)"roles/ssrs.conf",
	.text = (char *)"role ssrs {\n    allow in  htps  from crm-frontend\n\tallow\tout x\n}",
	.len = 0,
};

static int setup(void **state)
{
	src.len = strlen(src.text);
	return 0;
}

static void test_init_defaults(void **state)
{
	struct pc_diag d;

	memset(&d, 0x55, sizeof(d));
	pc_diag_init(&d);
	assert_null(d.entries);
	assert_int_equal(d.n, 0);
	assert_int_equal(d.n_errors, 0);
	assert_int_equal(d.n_warnings, 0);
	assert_int_equal(d.max_errors, 0);
	assert_int_equal(d.no_source_lines, 0);
}

static void test_error_with_caret(void **state)
{
	struct capture c;
	struct pc_loc loc = { &src, 2, 15, 4 };

	cap_open(&c);
	pc_diag_error(&c.d, &loc, "unknown service '%s'; did you mean '%s'?", "htps", "https");
	assert_string_equal(cap_text(&c),
		"roles/ssrs.conf:2:15: error: unknown service 'htps'; did you mean 'https'?\n"
		"    allow in  htps  from crm-frontend\n"
		"              ^~~~\n");
	assert_int_equal(c.d.n_errors, 1);
	cap_close(&c);
}

static void test_tabs_preserved(void **state)
{
	struct capture c;
	struct pc_loc loc = { &src, 3, 8, 3 };

	cap_open(&c);
	pc_diag_warning(&c.d, &loc, "w");
	assert_string_equal(cap_text(&c),
		"roles/ssrs.conf:3:8: warning: w\n"
		"\tallow\tout x\n"
		"\t     \t^~~\n");
	assert_int_equal(c.d.n_warnings, 1);
	assert_int_equal(c.d.n_errors, 0);
	cap_close(&c);
}

static void test_note_and_last_line(void **state)
{
	struct capture c;
	struct pc_loc loc = { &src, 4, 1, 1 };

	cap_open(&c);
	pc_diag_note(&c.d, &loc, "closed %s", "here");
	assert_string_equal(cap_text(&c),
		"roles/ssrs.conf:4:1: note: closed here\n"
		"}\n"
		"^\n");
	assert_int_equal(c.d.n_errors, 0);
	cap_close(&c);
}

/* An underline never runs past the end of its line; a caret after the
 * last character (an "end of line" error) still shows. */
static void test_caret_clamped(void **state)
{
	struct capture c;
	struct pc_loc past = { &src, 1, 12, 1 }, long_tok = { &src, 1, 6, 40 };

	cap_open(&c);
	pc_diag_error(&c.d, &past, "a");
	pc_diag_error(&c.d, &long_tok, "b");
	assert_string_equal(cap_text(&c),
		"roles/ssrs.conf:1:12: error: a\n"
		"role ssrs {\n"
		"           ^\n"
		"roles/ssrs.conf:1:6: error: b\n"
		"role ssrs {\n"
		"     ^~~~~~\n");
	cap_close(&c);
}

static void test_no_location(void **state)
{
	struct capture c;
	struct pc_loc none = { NULL, 0, 0, 0 };

	cap_open(&c);
	pc_diag_error(&c.d, NULL, "cannot read '%s'", "x.conf");
	pc_diag_error(&c.d, &none, "again");
	pc_diag_warning(&c.d, NULL, "w");
	pc_diag_note(&c.d, NULL, "n");
	assert_string_equal(cap_text(&c),
		"portcullis: error: cannot read 'x.conf'\n"
		"portcullis: error: again\n"
		"portcullis: warning: w\n"
		"portcullis: note: n\n");
	assert_int_equal(c.d.n_errors, 2);
	cap_close(&c);
}

static void test_no_source_lines(void **state)
{
	struct capture c;
	struct pc_loc loc = { &src, 2, 5, 5 };

	cap_open(&c);
	c.d.no_source_lines = 1;
	pc_diag_error(&c.d, &loc, "e");
	assert_string_equal(cap_text(&c), "roles/ssrs.conf:2:5: error: e\n");
	cap_close(&c);
}

/* A line the file does not have: only the message. */
static void test_line_out_of_range(void **state)
{
	struct capture c;
	struct pc_loc loc = { &src, 9, 1, 1 };

	cap_open(&c);
	pc_diag_error(&c.d, &loc, "e");
	assert_string_equal(cap_text(&c), "roles/ssrs.conf:9:1: error: e\n");
	cap_close(&c);
}

static void test_max_errors(void **state)
{
	struct capture c;
	int i;

	cap_open(&c);
	c.d.max_errors = 2;
	c.d.no_source_lines = 1;
	for (i = 1; i <= 5; i++) {
		struct pc_loc loc = { &src, 1, i, 1 };

		pc_diag_error(&c.d, &loc, "e%d", i);
		pc_diag_note(&c.d, &loc, "n%d", i);
	}
	pc_diag_warning(&c.d, NULL, "quiet");
	assert_string_equal(cap_text(&c),
		"roles/ssrs.conf:1:1: error: e1\n"
		"roles/ssrs.conf:1:1: note: n1\n"
		"roles/ssrs.conf:1:2: error: e2\n"
		"roles/ssrs.conf:1:2: note: n2\n"
		"portcullis: note: too many errors; only the first 2 are shown\n");
	assert_int_equal(c.d.n_errors, 5);
	assert_int_equal(c.d.n_warnings, 1);
	cap_close(&c);
}

/* One file's errors stop at PC_DIAG_MAX_PER_FILE, with one note that
 * counts the rest (their notes go with them); other files and the
 * command's own bare notes are not held back. Every error still counts. */
static void test_errors_capped_per_file(void **state)
{
	struct pc_srcfile other = { (char *)"other.conf", (char *)"x\n", 2 };
	struct pc_loc o = { &other, 1, 1, 1 };
	struct capture c;
	const char *text, *p;
	unsigned int i, n = 0;

	cap_open(&c);
	c.d.no_source_lines = 1;
	for (i = 1; i <= 400; i++) {
		struct pc_loc loc = { &src, 1, (int)i, 1 };

		if (i == 399)
			pc_diag_warning(&c.d, &loc, "w%u", i);
		else
			pc_diag_error(&c.d, &loc, "e%u", i);
		pc_diag_note(&c.d, &loc, "n%u", i);
	}
	pc_diag_error(&c.d, &o, "other");
	pc_diag_add(&c.d, PC_DIAG_NOTE, PC_DIAG_BARE, NULL, NULL, "summary");
	text = cap_text(&c);
	for (p = text; (p = strstr(p, "error: e")); p++)
		n++;
	assert_int_equal(n, 50);	/* PC_DIAG_MAX_PER_FILE */
	assert_non_null(strstr(text, "roles/ssrs.conf:1:50: error: e50\n"
				     "roles/ssrs.conf:1:50: note: n50\n"
				     "portcullis: note: ... and 349 more errors and 1 more warning "
				     "in roles/ssrs.conf\n"
				     "other.conf:1:1: error: other\n"
				     "portcullis: summary\n"));
	assert_null(strstr(text, "e51"));
	assert_null(strstr(text, "n51"));
	assert_int_equal(c.d.n_errors, 400);
	assert_int_equal(c.d.n_warnings, 1);
	cap_close(&c);
}

static void test_utf8_columns(void **state)
{
	struct pc_srcfile f = { (char *)"u.conf", (char *)"peer caf\xc3\xa9 x", 0 };
	struct pc_loc loc = { &f, 1, 12, 1 };
	struct capture c;

	f.len = strlen(f.text);
	cap_open(&c);
	pc_diag_error(&c.d, &loc, "e");
	assert_string_equal(cap_text(&c),
		"u.conf:1:12: error: e\n"
		"peer caf\xc3\xa9 x\n"
		"          ^\n");
	cap_close(&c);
}

/* Bytes of a config reach the terminal as \\xNN when they are control
 * characters or no UTF-8, in the quoted line, the message and the file
 * name alike; the caret still lands under the token. JSON stays valid
 * UTF-8 with the same \\xNN text. */
static void test_control_bytes_escaped(void **state)
{
	struct pc_srcfile f = { (char *)"e\x1b.conf",
				(char *)"x \"\x1b[2J\xff\" caf\xc3\xa9\x07 y", 0 };
	struct pc_loc loc = { &f, 1, 3, 7 }, end = { &f, 1, 18, 1 };
	struct capture c;
	struct pc_json j;
	char *json = NULL;
	size_t len = 0;
	FILE *out;

	f.len = strlen(f.text);
	cap_open(&c);
	pc_diag_error(&c.d, &loc, "got \"\x1b[2J\xff\"");
	pc_diag_error(&c.d, &end, "e");
	assert_string_equal(cap_text(&c),
		"e\\x1b.conf:1:3: error: got \"\\x1b[2J\\xff\"\n"
		"x \"\\x1b[2J\\xff\" caf\xc3\xa9\\x07 y\n"
		"  ^~~~~~~~~~~~~\n"
		"e\\x1b.conf:1:18: error: e\n"
		"x \"\\x1b[2J\\xff\" caf\xc3\xa9\\x07 y\n"
		"                         ^\n");

	out = open_memstream(&json, &len);
	assert_non_null(out);
	pc_json_init(&j, out);
	pc_json_begin_object(&j);
	pc_diag_render_json(&c.d, &j);
	pc_json_end_object(&j);
	fclose(out);
	assert_non_null(strstr(json, "\"file\":\"e\\u001b.conf\""));
	assert_non_null(strstr(json, "\"message\":\"got \\\"\\u001b[2J\\\\xff\\\"\""));
	free(json);
	cap_close(&c);
}

static void test_crlf(void **state)
{
	struct pc_srcfile f = { (char *)"w.conf", (char *)"mode x\r\nfailsafe on\r\n", 0 };
	struct pc_loc loc = { &f, 1, 6, 1 };
	struct capture c;

	f.len = strlen(f.text);
	cap_open(&c);
	pc_diag_error(&c.d, &loc, "e");
	assert_string_equal(cap_text(&c), "w.conf:1:6: error: e\nmode x\n     ^\n");
	cap_close(&c);
}

static const char *const kw[] = {
	"include", "service", "peer", "role", "override", "mode", "attach", "failsafe",
};
#define N_KW (sizeof(kw) / sizeof(kw[0]))

static void test_suggest_typos(void **state)
{
	static const char *const svc[] = { "http", "https", "ssh" };
	static const char *const proto[] = { "tcp", "udp", "icmp", "icmpv6" };

	assert_string_equal(pc_suggest("serivce", kw, N_KW), "service");
	assert_string_equal(pc_suggest("servce", kw, N_KW), "service");
	assert_string_equal(pc_suggest("atach", kw, N_KW), "attach");
	assert_string_equal(pc_suggest("htps", svc, 3), "https");
	assert_string_equal(pc_suggest("tpc", proto, 4), "tcp");	/* a swap is one edit */
	/* "icmp" is a prefix at distance 1, as close as "icmpv6": first wins */
	assert_string_equal(pc_suggest("icmp6", proto, 4), "icmp");
	assert_null(pc_suggest("frobnicate", kw, N_KW));
	assert_null(pc_suggest("xyz", svc, 3));
}

static void test_suggest_threshold(void **state)
{
	static const char *const c[] = { "abcdefghi" };

	/* strlen 9 -> up to 3 edits; 4 is too far */
	assert_string_equal(pc_suggest("abcdefxyz", c, 1), "abcdefghi");
	assert_null(pc_suggest("abcdewxyz", c, 1));
	/* short words still get one edit */
	assert_string_equal(pc_suggest("ab", (const char *const[]){ "ac" }, 1), "ac");
	assert_null(pc_suggest("ab", (const char *const[]){ "cd" }, 1));
}

static void test_suggest_prefix(void **state)
{
	static const char *const c[] = { "failsafe", "interface" };

	assert_string_equal(pc_suggest("fail", c, 2), "failsafe");
	assert_string_equal(pc_suggest("interfaces-all", c, 2), "interface");
}

static void test_suggest_ties_and_edges(void **state)
{
	static const char *const c[] = { "bat", "cat", "hat" };
	static const char *const holes[] = { NULL, "", "cat" };

	assert_string_equal(pc_suggest("xat", c, 3), "bat");	/* first of the ties */
	assert_string_equal(pc_suggest("cat", c, 3), "cat");	/* exact wins */
	assert_string_equal(pc_suggest("cbt", holes, 3), "cat");
	assert_null(pc_suggest("", c, 3));
	assert_null(pc_suggest(NULL, c, 3));
	assert_null(pc_suggest("cat", NULL, 0));
	assert_null(pc_suggest("cat", c, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_defaults),
		cmocka_unit_test(test_error_with_caret),
		cmocka_unit_test(test_tabs_preserved),
		cmocka_unit_test(test_note_and_last_line),
		cmocka_unit_test(test_caret_clamped),
		cmocka_unit_test(test_no_location),
		cmocka_unit_test(test_no_source_lines),
		cmocka_unit_test(test_line_out_of_range),
		cmocka_unit_test(test_max_errors),
		cmocka_unit_test(test_errors_capped_per_file),
		cmocka_unit_test(test_utf8_columns),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_control_bytes_escaped),
		cmocka_unit_test(test_suggest_typos),
		cmocka_unit_test(test_suggest_threshold),
		cmocka_unit_test(test_suggest_prefix),
		cmocka_unit_test(test_suggest_ties_and_edges),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
