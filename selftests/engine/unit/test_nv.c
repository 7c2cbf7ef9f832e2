// SPDX-License-Identifier: GPL-2.0
/* NEW-VIEW computation: given VIEW-CHANGE messages, the O set. */
#include "harness.h"

UNIT_TESTS(nv_tests) = {
	UNIT_END
};
