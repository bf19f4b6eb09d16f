/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * array.h - the one growable array of the agent: room for one more
 * element, doubling, overflow-checked.
 *
 *	struct pc_prefix *v = NULL; size_t n = 0, cap = 0;
 *	if (pc_array_reserve((void **)&v, &cap, n + 1, sizeof(*v)))
 *		return -ENOMEM;
 *	v[n++] = x;
 */
#ifndef PC_ARRAY_H
#define PC_ARRAY_H

#include <stddef.h>

/*
 * Make *ARR (of *CAP elements of SIZE bytes) hold at least WANT elements,
 * doubling from 8. 0, or -ENOMEM with *ARR and *CAP untouched.
 */
int pc_array_reserve(void **arr, size_t *cap, size_t want, size_t size);

#endif /* PC_ARRAY_H */
