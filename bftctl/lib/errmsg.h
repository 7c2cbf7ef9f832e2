/* SPDX-License-Identifier: GPL-2.0 */
/* Error text for the library's callers, who pass a buffer (or none). */
#ifndef BFT_ERRMSG_H
#define BFT_ERRMSG_H

#include <stddef.h>

/* Formats into err (when errlen > 0) and returns code. */
int bft_errf(char *err, size_t errlen, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
