// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* ctx.c - the library context's error helper (see ctx.h). */
#include "lib/ctx.h"

int pc_lib_error(struct pc_lib *lib, int err, const char *hint, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pc_diag_vadd(&lib->diag, PC_DIAG_ERROR, PC_DIAG_BARE, NULL, hint, fmt, ap);
	va_end(ap);
	return err;
}
