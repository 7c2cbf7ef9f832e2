/* SPDX-License-Identifier: GPL-2.0 */
/* Tiny KTAP-style unit test harness for the host engine tests. */
#ifndef _BFT_UNIT_HARNESS_H
#define _BFT_UNIT_HARNESS_H

#include <stdio.h>
#include "engine.h"

extern int t_failed_checks;

#define T_CHECK(cond) do {						\
	if (!(cond)) {							\
		printf("# %s:%d: check failed: %s\n", __FILE__, __LINE__, \
		       #cond);						\
		t_failed_checks++;					\
		return;							\
	}								\
} while (0)

#define T_EQ(a, b) do {							\
	unsigned long long _a = (unsigned long long)(a);		\
	unsigned long long _b = (unsigned long long)(b);		\
	if (_a != _b) {							\
		printf("# %s:%d: %s == %llu, expected %s == %llu\n",	\
		       __FILE__, __LINE__, #a, _a, #b, _b);		\
		t_failed_checks++;					\
		return;							\
	}								\
} while (0)

struct unit_test {
	const char *name;
	void (*fn)(void);
};

#define UNIT_TESTS(name) const struct unit_test name[]
#define UNIT_END { NULL, NULL }

extern const struct unit_test quorum_tests[];
extern const struct unit_test wire_tests[];
extern const struct unit_test nv_tests[];
extern const struct unit_test cluster_tests[];
extern const struct unit_test seed_tests[];
extern const struct unit_test retx_tests[];
extern const struct unit_test vcack_tests[];
extern const struct unit_test insider_tests[];
extern const struct unit_test xfer_tests[];
extern const struct unit_test nvfetch_tests[];
extern const struct unit_test endpoint_tests[];

#endif
