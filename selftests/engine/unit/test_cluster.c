// SPDX-License-Identifier: GPL-2.0
/* In-process replicas over a perfect network. */
#include "harness.h"

UNIT_TESTS(cluster_tests) = {
	UNIT_END
};
