// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * bench_compile.c - parse + compile time for generated policies of 10,
 * 1,000 and 100,000 rules (make bench-compile). Each rule opens one port
 * from one peer; peers are /32s and /64s drawn from a pool, so the peer
 * sets are realistic rather than all alike. Reports the median of runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "policy/compile.h"
#include "policy/policy.h"

static char *make_policy(unsigned int rules)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	unsigned int i;

	for (i = 0; i < 256; i++)
		fprintf(f, "peer p%u 10.%u.%u.0/24, fd00:%x::/64\n", i, i / 16, i % 16, i);
	for (i = 0; i < rules; i++)
		fprintf(f, "service s%u %s %u\n", i, i & 1 ? "udp" : "tcp", 1 + i % 65535);
	fprintf(f, "role big {\n");
	for (i = 0; i < rules; i++)
		fprintf(f, "  allow %s s%u %s p%u\n", i & 2 ? "out" : "in", i, i & 2 ? "to" : "from", i % 256);
	fprintf(f, "}\nattach interface eth0 role big\n");
	fclose(f);
	return text;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(void)
{
	static const unsigned int sizes[] = { 10, 1000, 100000 };
	FILE *devnull = fopen("/dev/null", "w");
	size_t s;
	int fails = 0;

	printf("%-8s %12s %12s %12s %12s\n", "rules", "parse ms", "compile ms", "total ms", "entries");
	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		char *text = make_policy(sizes[s]);
		double tp[5], tc[5], tt[5];
		size_t entries = 0;
		int r;

		for (r = 0; r < 5; r++) {
			struct pc_policy p;
			struct pc_tables t;
			struct pc_diag d;
			double t0, t1, t2;

			memset(&p, 0, sizeof(p));
			pc_diag_init(&d);
			t0 = now();
			if (pc_policy_parse_buffer("bench.conf", text, strlen(text), &d, &p))
				fails++;
			t1 = now();
			if (pc_compile(&p, &d, NULL, &t))
				fails++;
			t2 = now();
			entries = t.n_rules;
			pc_tables_free(&t);
			pc_policy_free(&p);
			pc_diag_free(&d);
			tp[r] = (t1 - t0) * 1e3;
			tc[r] = (t2 - t1) * 1e3;
			tt[r] = (t2 - t0) * 1e3;
		}
		qsort(tp, 5, sizeof(double), cmp_double);
		qsort(tc, 5, sizeof(double), cmp_double);
		qsort(tt, 5, sizeof(double), cmp_double);
		printf("%-8u %12.2f %12.2f %12.2f %12zu\n", sizes[s], tp[2], tc[2], tt[2], entries);
		if (sizes[s] == 100000)
			printf("100,000 rules: %.0f ms, goal under 1000 ms: %s\n", tt[2],
			       tt[2] < 1000 ? "met" : "NOT met");
		free(text);
	}
	fclose(devnull);
	if (fails)
		fprintf(stderr, "bench_compile: %d parse/compile failures\n", fails);
	return fails ? 1 : 0;
}
