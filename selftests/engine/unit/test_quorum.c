// SPDX-License-Identifier: GPL-2.0
/* Quorum math for n = 4..13 and watermark arithmetic. */
#include "harness.h"
#include "quorum.h"

static void t_quorum_values(void)
{
	/* n, f, Q = ceil((n+f+1)/2) */
	static const unsigned int tab[][3] = {
		{ 4, 1, 3 }, { 5, 1, 4 }, { 6, 1, 4 }, { 7, 2, 5 },
		{ 10, 3, 7 }, { 13, 4, 9 },
	};
	unsigned int i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		T_EQ(bft_f(tab[i][0]), tab[i][1]);
		T_EQ(bft_quorum(tab[i][0]), tab[i][2]);
	}
}

/* Any two quorums intersect in >= f+1 replicas, for every n. */
static void t_quorum_intersection(void)
{
	unsigned int n;

	for (n = 4; n <= BFT_MAX_REPLICAS; n++) {
		unsigned int f = bft_f(n), q = bft_quorum(n);

		T_CHECK(n >= 3 * f + 1);
		T_CHECK(2 * q >= n + f + 1);
		T_CHECK(q <= n - f);	/* live with f silent replicas */
		if (n == 3 * f + 1)
			T_EQ(q, 2 * f + 1);
	}
}

static void t_popcount(void)
{
	T_EQ(bft_popcount64(0), 0);
	T_EQ(bft_popcount64(0xffULL), 8);
	T_EQ(bft_popcount64(~0ULL), 64);
}

static void t_config_check(void)
{
	struct bft_config c = { .n = 4, .id = 0, .n_clients = 8 };

	bft_config_defaults(&c);
	T_EQ(bft_config_check(&c), 0);
	T_EQ(c.log_size, 2 * c.ckpt_interval);
	c.n = 3;
	T_EQ(bft_config_check(&c), -EINVAL);
	c.n = 4;
	c.id = 4;
	T_EQ(bft_config_check(&c), -EINVAL);
	c.id = 3;
	c.log_size = c.ckpt_interval * 2 + 1;
	T_EQ(bft_config_check(&c), -EINVAL);
	c.log_size = c.ckpt_interval * 2;
	c.window = c.log_size + 1;
	T_EQ(bft_config_check(&c), -EINVAL);
}

UNIT_TESTS(quorum_tests) = {
	{ "quorum_values_n4_5_6_7_10_13", t_quorum_values },
	{ "quorum_intersection_all_n", t_quorum_intersection },
	{ "popcount", t_popcount },
	{ "config_check", t_config_check },
	UNIT_END
};
