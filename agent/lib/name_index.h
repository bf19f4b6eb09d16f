/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * name_index.h - name -> array index, for services, peers and roles.
 *
 * A config of 100,000 services must not cost 100,000^2 string compares:
 * the parser checks every definition for a duplicate and the resolver
 * looks up every name a rule uses. Open addressing; the names are the
 * policy's own heap strings, which do not move when the arrays do.
 */
#ifndef PC_NAME_INDEX_H
#define PC_NAME_INDEX_H

#include <stddef.h>
#include <stdint.h>

struct pc_name_slot {
	const char *name;	/* NULL: empty */
	uint32_t idx;		/* latest definition (overrides replace) */
};

struct pc_name_index {
	struct pc_name_slot *slots;
	size_t cap;		/* power of two, or 0 */
	size_t n;
};

/* Map NAME to IDX, replacing an earlier mapping. 0 or -ENOMEM. */
int pc_name_index_put(struct pc_name_index *ix, const char *name, uint32_t idx);
/* The index of NAME, or -1. */
long pc_name_index_get(const struct pc_name_index *ix, const char *name);
void pc_name_index_free(struct pc_name_index *ix);

#endif /* PC_NAME_INDEX_H */
