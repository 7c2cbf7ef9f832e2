// SPDX-License-Identifier: GPL-2.0
/* Runs every unit test and prints KTAP-ish results and a final count. */
#include "harness.h"

int t_failed_checks;

static const struct unit_test *suites[] = {
	quorum_tests, wire_tests, nv_tests, cluster_tests, seed_tests,
	retx_tests, vcack_tests, insider_tests, xfer_tests,
	nvfetch_tests, endpoint_tests,
};

int main(void)
{
	unsigned int i, k = 0, pass = 0, fail = 0, total = 0;
	const struct unit_test *t;

	for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		for (t = suites[i]; t->name; t++)
			total++;
	printf("TAP version 13\n1..%u\n", total);
	for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
		for (t = suites[i]; t->name; t++) {
			int before = t_failed_checks;

			t->fn();
			k++;
			if (t_failed_checks == before) {
				printf("ok %u %s\n", k, t->name);
				pass++;
			} else {
				printf("not ok %u %s\n", k, t->name);
				fail++;
			}
			fflush(stdout);
		}
	}
	printf("# engine-unit: %u passed, %u failed\n", pass, fail);
	return fail ? 1 : 0;
}
