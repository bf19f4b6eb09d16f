// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_prom.c - the Prometheus text format (lib/prom.h): label values
 * escaped, names held to the format's rules, and the metrics table
 * (cli/metrics.c) valid under those rules.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli/metrics.h"
#include "lib/prom.h"

/* What WRITE(f) printed, NUL-terminated; the caller frees it. */
#define CAPTURE(buf, write) do {					\
	size_t len_;							\
	FILE *f = open_memstream(&(buf), &len_);			\
	assert_non_null(f);						\
	write;								\
	assert_int_equal(fclose(f), 0);					\
} while (0)

static void expect_label(const char *in, const char *want)
{
	char *out = NULL;

	CAPTURE(out, pc_prom_label_value(f, in));
	assert_string_equal(out, want);
	free(out);
}

static void test_label_escapes(void **state)
{
	expect_label("interface:eth0", "interface:eth0");
	expect_label("", "");
	expect_label("cgroup:/a\"b\\c", "cgroup:/a\\\"b\\\\c");
	expect_label("two\nlines", "two\\nlines");
	expect_label("\\n", "\\\\n");	/* a backslash then n, not a newline */
	expect_label("caf\xc3\xa9", "caf\xc3\xa9");		/* UTF-8 stays */
	expect_label("a\xff" "b", "a\xef\xbf\xbd" "b");		/* no UTF-8: U+FFFD */
	expect_label("a\xc3", "a\xef\xbf\xbd");			/* cut sequence */
	expect_label("a\rb", "a\xef\xbf\xbd" "b");		/* control character */
	expect_label("tab\there", "tab\there");
}

static void test_metric_names(void **state)
{
	assert_true(pc_prom_metric_name_ok("portcullis_verdicts_total"));
	assert_true(pc_prom_metric_name_ok("a:b_c9"));
	assert_true(pc_prom_metric_name_ok("_x"));
	assert_false(pc_prom_metric_name_ok(""));
	assert_false(pc_prom_metric_name_ok(NULL));
	assert_false(pc_prom_metric_name_ok("9lives"));
	assert_false(pc_prom_metric_name_ok("a-b"));
	assert_false(pc_prom_metric_name_ok("a b"));
	assert_false(pc_prom_metric_name_ok("caf\xc3\xa9"));
}

static void test_label_names(void **state)
{
	assert_true(pc_prom_label_name_ok("scope"));
	assert_true(pc_prom_label_name_ok("_x1"));
	assert_false(pc_prom_label_name_ok("__name__"));	/* reserved */
	assert_false(pc_prom_label_name_ok("a:b"));		/* colons: metric names only */
	assert_false(pc_prom_label_name_ok("1a"));
	assert_false(pc_prom_label_name_ok(""));
}

static void test_family_rules(void **state)
{
	const struct pc_prom_family ok_counter = { "x_total", PC_PROM_COUNTER, "h", { "a" } };
	const struct pc_prom_family ok_gauge = { "x_bytes", PC_PROM_GAUGE, "h", { NULL } };
	const struct pc_prom_family counter_no_total = { "x", PC_PROM_COUNTER, "h", { NULL } };
	const struct pc_prom_family gauge_total = { "x_total", PC_PROM_GAUGE, "h", { NULL } };
	const struct pc_prom_family two_lines = { "x", PC_PROM_GAUGE, "a\nb", { NULL } };
	const struct pc_prom_family no_help = { "x", PC_PROM_GAUGE, "", { NULL } };
	const struct pc_prom_family bad_label = { "x", PC_PROM_GAUGE, "h", { "__a" } };
	const struct pc_prom_family bad_name = { "x-y", PC_PROM_GAUGE, "h", { NULL } };
	char why[256];

	assert_int_equal(pc_prom_family_check(&ok_counter, why, sizeof(why)), 0);
	assert_int_equal(pc_prom_family_check(&ok_gauge, why, sizeof(why)), 0);
	assert_int_equal(pc_prom_family_check(&counter_no_total, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "_total"));
	assert_int_equal(pc_prom_family_check(&gauge_total, why, sizeof(why)), -EINVAL);
	assert_int_equal(pc_prom_family_check(&two_lines, why, sizeof(why)), -EINVAL);
	assert_int_equal(pc_prom_family_check(&no_help, why, sizeof(why)), -EINVAL);
	assert_int_equal(pc_prom_family_check(&bad_label, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "__a"));
	assert_int_equal(pc_prom_family_check(&bad_name, why, sizeof(why)), -EINVAL);
}

static void test_header_and_samples(void **state)
{
	const struct pc_prom_family two = { "t_total", PC_PROM_COUNTER, "Back\\slash help.",
					    { "scope", "verdict" } };
	const struct pc_prom_family none = { "g", PC_PROM_GAUGE, "Plain.", { NULL } };
	const char *v[] = { "x\"y", "denied" };
	char *out = NULL;

	CAPTURE(out, pc_prom_header(f, &two); pc_prom_sample(f, &two, v, 18446744073709551615ull);
		pc_prom_header(f, &none); pc_prom_sample(f, &none, NULL, 0));
	assert_string_equal(out,
			    "# HELP t_total Back\\\\slash help.\n"
			    "# TYPE t_total counter\n"
			    "t_total{scope=\"x\\\"y\",verdict=\"denied\"} 18446744073709551615\n"
			    "# HELP g Plain.\n"
			    "# TYPE g gauge\n"
			    "g 0\n");
	free(out);
}

/* The table follows the rules above, names each metric once, and prefixes
 * every name with portcullis_. */
static void test_metrics_table(void **state)
{
	char why[256] = "";
	size_t i;

	if (pc_metrics_check(why, sizeof(why)))
		fail_msg("%s", why);
	for (i = 0; i < pc_metrics_n; i++)
		assert_int_equal(strncmp(pc_metrics[i].fam.name, "portcullis_", 11), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_label_escapes),
		cmocka_unit_test(test_metric_names),
		cmocka_unit_test(test_label_names),
		cmocka_unit_test(test_family_rules),
		cmocka_unit_test(test_header_and_samples),
		cmocka_unit_test(test_metrics_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
