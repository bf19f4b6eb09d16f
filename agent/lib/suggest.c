// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * suggest.c - "did you mean" candidates by edit distance.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/diag.h"

/* Names longer than this are not typos of a keyword or a name worth
 * suggesting; capping keeps the distance rows on the stack. */
#define SUGGEST_MAX_LEN 256

/*
 * Levenshtein distance, counting a swap of two adjacent characters as one
 * edit (optimal string alignment): "tpc" is one typo away from "tcp", not
 * two. Three rows; both strings at most SUGGEST_MAX_LEN.
 */
static size_t distance(const char *a, size_t la, const char *b, size_t lb)
{
	size_t row[3][SUGGEST_MAX_LEN + 1];
	size_t i, j, *prev2 = row[0], *prev = row[1], *cur = row[2], *t;

	for (j = 0; j <= lb; j++)
		prev[j] = j;
	for (i = 1; i <= la; i++) {
		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			size_t del = prev[j] + 1;
			size_t ins = cur[j - 1] + 1;

			cur[j] = sub < del ? sub : del;
			if (ins < cur[j])
				cur[j] = ins;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && prev2[j - 2] + 1 < cur[j])
				cur[j] = prev2[j - 2] + 1;
		}
		t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	return prev[lb];
}

static bool is_prefix(const char *a, size_t la, const char *b, size_t lb)
{
	return la <= lb ? !strncmp(a, b, la) : !strncmp(a, b, lb);
}

const char *pc_suggest(const char *word, const char *const *candidates, size_t n)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1, lw, limit, i;

	if (!word || !*word || !candidates)
		return NULL;
	lw = strlen(word);
	if (lw > SUGGEST_MAX_LEN)
		return NULL;
	limit = lw / 3 > 1 ? lw / 3 : 1;
	for (i = 0; i < n; i++) {
		const char *c = candidates[i];
		size_t lc, d;

		if (!c || !*c)
			continue;
		lc = strlen(c);
		if (lc > SUGGEST_MAX_LEN)
			continue;
		d = distance(word, lw, c, lc);
		if (d > limit && !is_prefix(word, lw, c, lc))
			continue;
		if (d < best_d) {	/* strict: ties keep the first */
			best = c;
			best_d = d;
		}
	}
	return best;
}
