// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * fuzz_parse.c - libFuzzer entry for the policy parser, and for the
 * resolver and compiler behind it: whatever parses is compiled (under
 * small limits, so one input cannot take seconds) and a flow is judged.
 *
 * The input is parsed as a buffer named /nonexistent/fuzz.conf, so a
 * relative include resolves under a directory that does not exist and
 * fails cleanly. Absolute includes would read the fuzzing host's files
 * (or glob all of /proc), so the harness defuses them: on every line that
 * mentions "include", each '/' becomes '_'.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/compile.h"
#include "policy/policy.h"
#include "policy/query.h"

static const struct pc_compile_limits fuzz_limits = {
	.max_scopes = 8,
	.max_rule_keys = 1u << 16,
	.max_peer_prefixes = 1u << 12,
};

/* Judge one flow in every scope: query must be safe on any compiled table. */
static void judge_all(const struct pc_tables *t)
{
	struct pc_flow f = { .dir = PC_DIR_IN, .proto = 6, .port = 443, .has_addr = true,
			     .addr = { [10] = 0xff, [11] = 0xff, 10, 0, 1, 7 } };
	struct pc_verdict v;
	size_t s;

	for (s = 0; s < t->n_scopes; s++)
		if (!pc_query(t, (uint32_t)s, &f, &v) && v.allowed && !v.unjudged &&
		    v.rule_id >= t->n_origins)
			abort();	/* an allowed flow names a rule that exists */
}

static void defuse_includes(char *s, size_t len)
{
	size_t line = 0, i;

	for (i = 0; i <= len; i++) {
		if (i < len && s[i] != '\n')
			continue;
		if (memmem(s + line, i - line, "include", 7)) {
			char *p;

			for (p = s + line; p < s + i; p++)
				if (*p == '/')
					*p = '_';
		}
		line = i + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	struct pc_policy pol;
	struct pc_diag diag;
	char *copy;

	if (!devnull)
		devnull = fopen("/dev/null", "w");
	copy = malloc(size + 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	defuse_includes(copy, size);

	pc_diag_init(&diag);
	pc_policy_parse_buffer("/nonexistent/fuzz.conf", copy, size, &diag, &pol);
	{
		struct pc_tables t;

		if (pc_compile(&pol, &diag, &fuzz_limits, &t) == 0)
			judge_all(&t);
		pc_tables_free(&t);
	}
	/* Lookups over whatever was parsed must be safe too. */
	pc_policy_service(&pol, "http");
	pc_policy_peer(&pol, "any");
	pc_policy_role(&pol, "ssrs");
	pc_policy_free(&pol);
	pc_diag_free(&diag);
	free(copy);
	return 0;
}
