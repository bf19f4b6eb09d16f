// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * scope_ids.c - give scopes the ids the running instance has for their
 * names (scope_ids.h).
 *
 * Ids are small (pc_stats_v1 is an array indexed by them), so the lowest
 * free one is given, not a hash of the name: a hash would collide within
 * PC_SCOPE_NONE ids long before the table is full.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "policy/scope_ids.h"

/* The id of the first usable claim for NAME, or PC_SCOPE_NONE. */
static uint32_t claimed(const char *name, const struct pc_scope_claim *c, size_t n,
			const bool *given)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (c[i].name && c[i].scope < PC_SCOPE_NONE && !given[c[i].scope] &&
		    !strcmp(c[i].name, name))
			return c[i].scope;
	return PC_SCOPE_NONE;
}

static uint32_t lowest(const bool *held, const bool *given)
{
	uint32_t id;

	for (id = 0; id < PC_SCOPE_NONE; id++)
		if (!given[id] && (!held || !held[id]))
			return id;
	return PC_SCOPE_NONE;
}

/*
 * Rule keys sorted by scope first keep their order within a scope: moving
 * each scope's block to its new id's place (a stable counting sort) sorts
 * them again, in one pass.
 */
static int renumber_rules(struct pc_tables *t, const uint32_t *to)
{
	size_t start[PC_MAX_SCOPES + 1] = { 0 };
	struct pc_rule_key *k;
	struct pc_rule_val *v;
	size_t i;

	if (!t->n_rules)
		return 0;
	k = malloc(t->n_rules * sizeof(*k));
	v = malloc(t->n_rules * sizeof(*v));
	if (!k || !v) {
		free(k);
		free(v);
		return -ENOMEM;
	}
	for (i = 0; i < t->n_rules; i++)
		start[to[t->rule_keys[i].scope] + 1]++;
	for (i = 1; i <= PC_MAX_SCOPES; i++)
		start[i] += start[i - 1];
	for (i = 0; i < t->n_rules; i++) {
		size_t at = start[to[t->rule_keys[i].scope]]++;

		k[at] = t->rule_keys[i];
		k[at].scope = to[t->rule_keys[i].scope];
		v[at] = t->rule_vals[i];
	}
	free(t->rule_keys);
	free(t->rule_vals);
	t->rule_keys = k;
	t->rule_vals = v;
	return 0;
}

int pc_scope_ids_assign(struct pc_tables *t, const struct pc_scope_claim *claims,
			size_t n_claims, uint8_t *fresh)
{
	bool held[PC_SCOPE_NONE] = { false }, given[PC_SCOPE_NONE] = { false };
	uint32_t to[PC_MAX_SCOPES], *ids;
	bool same = true;
	size_t i;
	int err;

	if (t->n_scopes > PC_SCOPE_NONE)
		return -E2BIG;
	for (i = 0; i < t->n_scopes; i++)
		if (t->scopes[i].scope >= PC_SCOPE_NONE)
			return -EINVAL;
	ids = calloc(t->n_scopes + 1, sizeof(*ids));
	if (!ids)
		return -ENOMEM;
	for (i = 0; i < n_claims; i++)
		if (claims[i].scope < PC_SCOPE_NONE)
			held[claims[i].scope] = true;
	for (i = 0; i < t->n_scopes; i++) {
		ids[i] = claimed(t->scopes[i].name, claims, n_claims, given);
		if (ids[i] < PC_SCOPE_NONE)
			given[ids[i]] = true;
	}
	for (i = 0; i < t->n_scopes; i++) {
		if (fresh)
			fresh[i] = ids[i] >= PC_SCOPE_NONE;
		if (ids[i] < PC_SCOPE_NONE)
			continue;
		ids[i] = lowest(held, given);
		if (ids[i] >= PC_SCOPE_NONE)
			ids[i] = lowest(NULL, given);	/* every id held: take a dropped one */
		given[ids[i]] = true;
	}
	/* Rule keys carry the ids the tables had; map each to its new one. */
	for (i = 0; i < PC_MAX_SCOPES; i++)
		to[i] = (uint32_t)i;
	for (i = 0; i < t->n_scopes; i++) {
		to[t->scopes[i].scope] = ids[i];
		same &= t->scopes[i].scope == ids[i];
	}
	err = same ? 0 : renumber_rules(t, to);
	for (i = 0; !err && i < t->n_scopes; i++)
		t->scopes[i].scope = ids[i];
	free(ids);
	return err;
}
