/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * compile_helpers.h - shared by the compiler, query and seed-table tests:
 * parse and compile a buffer, judge flows by text.
 */
#ifndef PC_TEST_COMPILE_HELPERS_H
#define PC_TEST_COMPILE_HELPERS_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/addr.h"
#include "policy/compile.h"
#include "policy/policy.h"
#include "policy/query.h"
#include "policy/resolve.h"

struct compiled {
	struct pc_policy policy;
	struct pc_tables tables;
	char *diag_text;	/* everything the diagnostics printed */
	size_t diag_len;
	unsigned int n_errors;
	int err;
};

/* Parse TEXT as file NAME (relative includes resolve beside NAME) and
 * compile it with LIMITS (NULL: the kernel's). */
static inline void compile_text(struct compiled *c, const char *name, const char *text,
				const struct pc_compile_limits *limits)
{
	struct pc_diag d;
	FILE *f;
	int err;

	memset(c, 0, sizeof(*c));
	f = open_memstream(&c->diag_text, &c->diag_len);
	assert_non_null(f);
	pc_diag_init(&d);
	d.no_source_lines = 1;
	err = pc_policy_parse_buffer(name, text, strlen(text), &d, &c->policy);
	c->err = pc_compile(&c->policy, &d, limits, &c->tables);
	if (!c->err)
		c->err = err;
	c->n_errors = d.n_errors;
	pc_diag_render_text(&d, f);
	pc_diag_free(&d);
	fclose(f);
}

/* compile_text() of BASE followed by REST, as test.conf. */
static inline void compile_joined(struct compiled *c, const char *base, const char *rest,
				  const struct pc_compile_limits *limits)
{
	char *text;

	assert_true(asprintf(&text, "%s%s", base, rest) > 0);
	compile_text(c, "test.conf", text, limits);
	free(text);
}

static inline void compiled_free(struct compiled *c)
{
	pc_tables_free(&c->tables);
	pc_policy_free(&c->policy);
	free(c->diag_text);
}

/* Judge "in tcp/443 from 10.0.0.1" style flows in SCOPE. */
static inline struct pc_verdict judge(const struct compiled *c, uint32_t scope, const char *dir,
				      const char *proto_port, const char *addr)
{
	struct pc_flow f = { .dir = strcmp(dir, "in") ? PC_DIR_OUT : PC_DIR_IN };
	struct pc_verdict v;
	struct pc_addr a;

	assert_int_equal(pc_flow_parse_proto_port(proto_port, &f), 0);
	if (addr) {
		assert_int_equal(pc_addr_parse(addr, strlen(addr), &a), 0);
		memcpy(f.addr, a.addr, 16);
		f.has_addr = true;
	}
	assert_int_equal(pc_query(&c->tables, scope, &f, &v), 0);
	return v;
}

#endif
