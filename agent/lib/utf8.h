/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * utf8.h - what of a byte string is safe to show as it is. Config files
 * are text written by people, but a diagnostic quotes whatever bytes the
 * file holds: escape sequences must not reach a terminal, and invalid
 * UTF-8 must not reach a JSON document.
 */
#ifndef PC_UTF8_H
#define PC_UTF8_H

#include <stddef.h>

/*
 * The length of the printable character at S (N bytes left, N >= 1): 1 for
 * printable ASCII and tab, 2-4 for a well-formed UTF-8 sequence (shortest
 * form, no surrogates, no C1 control), 0 for a byte to escape (a control
 * character, DEL, or a byte that starts no valid sequence).
 */
size_t pc_utf8_printable(const unsigned char *s, size_t n);

#endif /* PC_UTF8_H */
