/* SPDX-License-Identifier: GPL-2.0 */
/* Minimal TAP reporting for the libbftclient host tests. */
#ifndef BFT_TAP_H
#define BFT_TAP_H

#include <stdio.h>

static int tests, failed;

#define CHECK(cond, name) do {						\
	tests++;							\
	if (cond) {							\
		printf("ok %d %s\n", tests, name);			\
	} else {							\
		failed++;						\
		printf("not ok %d %s (%s:%d)\n", tests, name,		\
		       __FILE__, __LINE__);				\
	}								\
} while (0)

#endif
