/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * json.h - a small streaming JSON writer for --json output and event logs.
 * Commas and nesting are tracked for the caller; strings are escaped.
 */
#ifndef PC_JSON_H
#define PC_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define PC_JSON_MAX_DEPTH 16

struct pc_json {
	FILE *f;
	int depth;
	bool need_comma[PC_JSON_MAX_DEPTH];
	bool after_key;
};

void pc_json_init(struct pc_json *j, FILE *f);
void pc_json_begin_object(struct pc_json *j);
void pc_json_end_object(struct pc_json *j);
void pc_json_begin_array(struct pc_json *j);
void pc_json_end_array(struct pc_json *j);
void pc_json_key(struct pc_json *j, const char *key);
void pc_json_string(struct pc_json *j, const char *s);	/* NULL -> null */
void pc_json_uint(struct pc_json *j, uint64_t v);
void pc_json_int(struct pc_json *j, int64_t v);
void pc_json_bool(struct pc_json *j, bool v);
void pc_json_null(struct pc_json *j);

/* Write S as a JSON string literal (with quotes) to F. */
void pc_json_escape(FILE *f, const char *s);

#endif /* PC_JSON_H */
