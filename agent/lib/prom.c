// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <string.h>

#include "lib/prom.h"
#include "lib/utf8.h"

static bool name_char(char c, bool first, bool colon)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	       (colon && c == ':') || (!first && c >= '0' && c <= '9');
}

static bool name_ok(const char *s, bool colon)
{
	const char *p;

	if (!s || !*s)
		return false;
	for (p = s; *p; p++)
		if (!name_char(*p, p == s, colon))
			return false;
	return true;
}

bool pc_prom_metric_name_ok(const char *s)
{
	return name_ok(s, true);
}

bool pc_prom_label_name_ok(const char *s)
{
	return name_ok(s, false) && strncmp(s, "__", 2);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && !strcmp(s + n - k, suffix);
}

int pc_prom_family_check(const struct pc_prom_family *f, char *why, size_t len)
{
	int i;

	if (!pc_prom_metric_name_ok(f->name)) {
		snprintf(why, len, "'%s' is no metric name", f->name ? f->name : "(null)");
		return -EINVAL;
	}
	if ((f->type == PC_PROM_COUNTER) != ends_with(f->name, "_total")) {
		snprintf(why, len, "%s: a counter's name ends in _total, and only a counter's",
			 f->name);
		return -EINVAL;
	}
	if (!f->help || !*f->help || strchr(f->help, '\n')) {
		snprintf(why, len, "%s: the help is one line, not empty", f->name);
		return -EINVAL;
	}
	for (i = 0; f->labels[i]; i++) {
		if (i == PC_PROM_MAX_LABELS) {
			snprintf(why, len, "%s: more than %d labels", f->name, PC_PROM_MAX_LABELS);
			return -EINVAL;
		}
		if (!pc_prom_label_name_ok(f->labels[i])) {
			snprintf(why, len, "%s: '%s' is no label name", f->name, f->labels[i]);
			return -EINVAL;
		}
	}
	return 0;
}

void pc_prom_label_value(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), k;

	while (n) {
		if (*p == '\\' || *p == '"' || *p == '\n') {
			fputc('\\', f);
			fputc(*p == '\n' ? 'n' : *p, f);
			k = 1;
		} else if ((k = pc_utf8_printable(p, n))) {
			fwrite(p, 1, k, f);
		} else {
			fputs("\xef\xbf\xbd", f);	/* U+FFFD */
			k = 1;
		}
		p += k;
		n -= k;
	}
}

/* A help text escapes backslash and newline only. */
static void help_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

void pc_prom_header(FILE *f, const struct pc_prom_family *fam)
{
	fprintf(f, "# HELP %s ", fam->name);
	help_text(f, fam->help);
	fprintf(f, "\n# TYPE %s %s\n", fam->name, fam->type == PC_PROM_COUNTER ? "counter" : "gauge");
}

void pc_prom_sample(FILE *f, const struct pc_prom_family *fam, const char *const *values,
		    uint64_t v)
{
	int i;

	fputs(fam->name, f);
	for (i = 0; fam->labels[i]; i++) {
		fprintf(f, "%c%s=\"", i ? ',' : '{', fam->labels[i]);
		pc_prom_label_value(f, values[i]);
		fputc('"', f);
	}
	fprintf(f, "%s %llu\n", i ? "}" : "", (unsigned long long)v);
}
