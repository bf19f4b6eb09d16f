// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/name_index.h"

static uint64_t hash_name(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;	/* FNV-1a */

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ull;
	}
	return h;
}

static struct pc_name_slot *find_slot(struct pc_name_slot *slots, size_t cap, const char *name)
{
	size_t i = hash_name(name) & (cap - 1);

	while (slots[i].name && strcmp(slots[i].name, name))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static int grow(struct pc_name_index *ix)
{
	size_t cap = ix->cap ? ix->cap * 2 : 64, i;
	struct pc_name_slot *slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (i = 0; i < ix->cap; i++)
		if (ix->slots[i].name)
			*find_slot(slots, cap, ix->slots[i].name) = ix->slots[i];
	free(ix->slots);
	ix->slots = slots;
	ix->cap = cap;
	return 0;
}

int pc_name_index_put(struct pc_name_index *ix, const char *name, uint32_t idx)
{
	struct pc_name_slot *s;

	if ((ix->n + 1) * 2 > ix->cap && grow(ix))	/* load stays under one half */
		return -ENOMEM;
	s = find_slot(ix->slots, ix->cap, name);
	if (!s->name)
		ix->n++;
	s->name = name;
	s->idx = idx;
	return 0;
}

long pc_name_index_get(const struct pc_name_index *ix, const char *name)
{
	const struct pc_name_slot *s;

	if (!ix->cap)
		return -1;
	s = find_slot(ix->slots, ix->cap, name);
	return s->name ? (long)s->idx : -1;
}

void pc_name_index_free(struct pc_name_index *ix)
{
	free(ix->slots);
	memset(ix, 0, sizeof(*ix));
}
