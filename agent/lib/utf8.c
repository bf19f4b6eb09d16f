// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * utf8.c - printable characters of a byte string (RFC 3629 well-formed
 * UTF-8, without control characters).
 */
#include "lib/utf8.h"

size_t pc_utf8_printable(const unsigned char *s, size_t n)
{
	unsigned int cp, min;
	size_t len, i;

	if (s[0] == '\t' || (s[0] >= 0x20 && s[0] < 0x7f))
		return 1;
	if (s[0] < 0xc2 || s[0] > 0xf4)	/* controls, DEL, continuations, overlongs */
		return 0;
	if (s[0] < 0xe0) {
		len = 2, cp = s[0] & 0x1f, min = 0x80;
	} else if (s[0] < 0xf0) {
		len = 3, cp = s[0] & 0x0f, min = 0x800;
	} else {
		len = 4, cp = s[0] & 0x07, min = 0x10000;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3fu);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ||
	    (cp >= 0x80 && cp < 0xa0))
		return 0;
	return len;
}
