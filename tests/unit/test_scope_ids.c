// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_scope_ids.c - scope ids by name (agent/policy/scope_ids.c): a scope
 * keeps its id whatever the order of attach lines and whatever else is
 * added or removed, a new name never takes an id a running scope holds,
 * and the rule keys follow their scope.
 */
#include <netinet/in.h>

#include "compile_helpers.h"
#include "policy/scope_ids.h"

static const char roles[] =
	"service sx tcp 8080\nservice sy tcp 8081\nservice sz tcp 8082\n"
	"role rx {\n allow in sx\n}\n"
	"role ry {\n allow in sy\n}\n"
	"role rz {\n allow in sz\n}\n"
	"failsafe off\n";

static void compile_attach(struct compiled *c, const char *attach)
{
	compile_joined(c, roles, attach, NULL);
	if (c->err)
		fail_msg("%s", c->diag_text);
}

static uint32_t id_of(const struct compiled *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->tables.n_scopes; i++)
		if (!strcmp(c->tables.scopes[i].name, name))
			return c->tables.scopes[i].scope;
	fail_msg("no scope %s", name);
	return PC_SCOPE_NONE;
}

/* The scope id of the one rule key with PORT; the keys stay sorted. */
static uint32_t rule_scope(const struct compiled *c, uint16_t port)
{
	uint32_t scope = PC_SCOPE_NONE;
	size_t i;

	for (i = 0; i < c->tables.n_rules; i++) {
		if (i)
			assert_true(pc_rule_key_cmp(&c->tables.rule_keys[i - 1],
						    &c->tables.rule_keys[i]) < 0);
		if (c->tables.rule_keys[i].port == port) {
			assert_int_equal(scope, PC_SCOPE_NONE);
			scope = c->tables.rule_keys[i].scope;
		}
	}
	return scope;
}

/* The claims a running instance of C makes: its names and ids. */
static size_t claims_of(const struct compiled *c, struct pc_scope_claim *out)
{
	size_t i;

	for (i = 0; i < c->tables.n_scopes; i++)
		out[i] = (struct pc_scope_claim){ c->tables.scopes[i].name,
						  c->tables.scopes[i].scope };
	return c->tables.n_scopes;
}

static void test_nothing_running_config_order(void **state)
{
	struct compiled a;
	uint8_t fresh[2];

	compile_attach(&a, "attach interface x0 role rx\nattach interface y0 role ry\n");
	assert_int_equal(pc_scope_ids_assign(&a.tables, NULL, 0, fresh), 0);
	assert_int_equal(id_of(&a, "interface:x0"), 0);
	assert_int_equal(id_of(&a, "interface:y0"), 1);
	assert_true(fresh[0] && fresh[1]);
	assert_int_equal(rule_scope(&a, 8080), 0);
	assert_int_equal(rule_scope(&a, 8081), 1);
	compiled_free(&a);
}

/* A (x, y), then B (z first, then y, x): x and y keep theirs, z gets a free one. */
static void test_reorder_and_add_keep_ids(void **state)
{
	struct pc_scope_claim run[4];
	struct compiled a, b;
	uint8_t fresh[3];
	size_t n;

	compile_attach(&a, "attach interface x0 role rx\nattach interface y0 role ry\n");
	assert_int_equal(pc_scope_ids_assign(&a.tables, NULL, 0, NULL), 0);
	n = claims_of(&a, run);

	compile_attach(&b, "attach interface z0 role rz\nattach interface y0 role ry\n"
			   "attach interface x0 role rx\n");
	assert_int_equal(pc_scope_ids_assign(&b.tables, run, n, fresh), 0);
	assert_int_equal(id_of(&b, "interface:x0"), 0);
	assert_int_equal(id_of(&b, "interface:y0"), 1);
	assert_int_equal(id_of(&b, "interface:z0"), 2);
	assert_false(fresh[1]);
	assert_false(fresh[2]);
	assert_true(fresh[0]);
	/* the rules went with their scopes, and stay sorted */
	assert_int_equal(rule_scope(&b, 8080), 0);
	assert_int_equal(rule_scope(&b, 8081), 1);
	assert_int_equal(rule_scope(&b, 8082), 2);
	/* query asks by position and finds the rule under the id */
	{
		struct pc_flow f = { .dir = PC_DIR_IN, .proto = IPPROTO_TCP, .port = 8082 };
		struct pc_verdict v;

		assert_int_equal(pc_query(&b.tables, 0, &f, &v), 0);
		assert_true(v.allowed);
	}
	compiled_free(&a);
	compiled_free(&b);
}

/* A new name never takes the id of a scope that runs, even one this apply drops. */
static void test_new_name_skips_running_ids(void **state)
{
	struct pc_scope_claim run[] = { { "interface:x0", 0 }, { "interface:y0", 1 },
					{ NULL, 2 } /* live, its name unknown */ };
	struct compiled b;
	uint8_t fresh[2];

	compile_attach(&b, "attach interface z0 role rz\nattach interface y0 role ry\n");
	assert_int_equal(pc_scope_ids_assign(&b.tables, run, 3, fresh), 0);
	assert_int_equal(id_of(&b, "interface:y0"), 1);
	assert_int_equal(id_of(&b, "interface:z0"), 3);
	assert_true(fresh[0]);
	assert_false(fresh[1]);
	compiled_free(&b);
}

/* Ids run out only when every one is held: then a dropped scope's id is reused. */
static void test_reuses_dropped_ids_when_full(void **state)
{
	struct pc_scope_claim *run = calloc(PC_SCOPE_NONE, sizeof(*run));
	struct compiled b;
	uint8_t fresh[2];
	uint32_t i;

	assert_non_null(run);
	for (i = 0; i < PC_SCOPE_NONE; i++)
		run[i] = (struct pc_scope_claim){ i == 7 ? "interface:y0" : NULL, i };
	compile_attach(&b, "attach interface z0 role rz\nattach interface y0 role ry\n");
	assert_int_equal(pc_scope_ids_assign(&b.tables, run, PC_SCOPE_NONE, fresh), 0);
	assert_int_equal(id_of(&b, "interface:y0"), 7);
	assert_int_equal(id_of(&b, "interface:z0"), 0);
	assert_true(fresh[0]);
	assert_int_equal(rule_scope(&b, 8082), 0);
	assert_int_equal(rule_scope(&b, 8081), 7);
	compiled_free(&b);
	free(run);
}

/* Two names claim one id (a stale state file): the scope first in config order keeps it. */
static void test_conflicting_claims(void **state)
{
	struct pc_scope_claim run[] = { { "interface:x0", 4 }, { "interface:y0", 4 },
					{ "interface:y0", 300 } /* out of range: ignored */ };
	struct compiled b;

	compile_attach(&b, "attach interface y0 role ry\nattach interface x0 role rx\n");
	assert_int_equal(pc_scope_ids_assign(&b.tables, run, 3, NULL), 0);
	assert_int_equal(id_of(&b, "interface:y0"), 4);	/* the first in config order */
	assert_int_equal(id_of(&b, "interface:x0"), 0);
	compiled_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nothing_running_config_order),
		cmocka_unit_test(test_reorder_and_add_keep_ids),
		cmocka_unit_test(test_new_name_skips_running_ids),
		cmocka_unit_test(test_reuses_dropped_ids_when_full),
		cmocka_unit_test(test_conflicting_claims),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
