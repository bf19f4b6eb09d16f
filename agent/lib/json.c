// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <inttypes.h>
#include <string.h>

#include "lib/json.h"
#include "lib/utf8.h"

void pc_json_init(struct pc_json *j, FILE *f)
{
	*j = (struct pc_json){ .f = f };
}

/* Before any value: a comma when a sibling came before, none after a key. */
static void value_prefix(struct pc_json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->need_comma[j->depth])
		fputc(',', j->f);
	j->need_comma[j->depth] = true;
}

static void container_begin(struct pc_json *j, char c)
{
	value_prefix(j);
	fputc(c, j->f);
	if (j->depth < PC_JSON_MAX_DEPTH - 1)
		j->depth++;
	j->need_comma[j->depth] = false;
}

static void container_end(struct pc_json *j, char c)
{
	fputc(c, j->f);
	if (j->depth > 0)
		j->depth--;
	if (j->depth == 0)
		fputc('\n', j->f);	/* one document a line */
}

void pc_json_begin_object(struct pc_json *j) { container_begin(j, '{'); }
void pc_json_end_object(struct pc_json *j) { container_end(j, '}'); }
void pc_json_begin_array(struct pc_json *j) { container_begin(j, '['); }
void pc_json_end_array(struct pc_json *j) { container_end(j, ']'); }

void pc_json_escape(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t k;

	fputc('"', f);
	for (; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			k = pc_utf8_printable(p, strnlen((const char *)p, 4));
			if (*p < 0x20 || *p == 0x7f) {
				fprintf(f, "\\u%04x", *p);
			} else if (!k) {
				/* Not UTF-8: a document must be, so the byte
				 * reads as the text \xNN, as in text output. */
				fprintf(f, "\\\\x%02x", *p);
			} else {
				fwrite(p, 1, k, f);
				p += k - 1;
			}
		}
	}
	fputc('"', f);
}

void pc_json_key(struct pc_json *j, const char *key)
{
	value_prefix(j);
	pc_json_escape(j->f, key);
	fputc(':', j->f);
	j->after_key = true;
}

void pc_json_string(struct pc_json *j, const char *s)
{
	value_prefix(j);
	if (s)
		pc_json_escape(j->f, s);
	else
		fputs("null", j->f);
}

void pc_json_uint(struct pc_json *j, uint64_t v)
{
	value_prefix(j);
	fprintf(j->f, "%" PRIu64, v);
}

void pc_json_int(struct pc_json *j, int64_t v)
{
	value_prefix(j);
	fprintf(j->f, "%" PRId64, v);
}

void pc_json_bool(struct pc_json *j, bool v)
{
	value_prefix(j);
	fputs(v ? "true" : "false", j->f);
}

void pc_json_null(struct pc_json *j)
{
	value_prefix(j);
	fputs("null", j->f);
}
