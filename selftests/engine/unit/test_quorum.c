// SPDX-License-Identifier: GPL-2.0
/* Quorum math for n = 4..13 and watermark arithmetic. */
#include "kselftest_harness.h"
#include "engine.h"
#include "quorum.h"

TEST(quorum_values_n4_5_6_7_10_13)
{
	/* n, f, Q = ceil((n+f+1)/2) */
	static const unsigned int tab[][3] = {
		{ 4, 1, 3 }, { 5, 1, 4 }, { 6, 1, 4 }, { 7, 2, 5 },
		{ 10, 3, 7 }, { 13, 4, 9 },
	};
	unsigned int i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		ASSERT_EQ(tab[i][1], bft_f(tab[i][0]));
		ASSERT_EQ(tab[i][2], bft_quorum(tab[i][0]));
	}
}

/* Any two quorums intersect in >= f+1 replicas, for every n. */
TEST(quorum_intersection_all_n)
{
	unsigned int n;

	for (n = 4; n <= BFT_MAX_REPLICAS; n++) {
		unsigned int f = bft_f(n), q = bft_quorum(n);

		ASSERT_TRUE(n >= 3 * f + 1);
		ASSERT_TRUE(2 * q >= n + f + 1);
		ASSERT_TRUE(q <= n - f);	/* live with f silent replicas */
		if (n == 3 * f + 1)
			ASSERT_EQ(2 * f + 1, q);
	}
}

TEST(popcount)
{
	ASSERT_EQ(0, bft_popcount64(0));
	ASSERT_EQ(8, bft_popcount64(0xffULL));
	ASSERT_EQ(64, bft_popcount64(~0ULL));
}

TEST(config_check)
{
	struct bft_config c = { .n = 4, .id = 0, .n_clients = 8 };

	bft_config_defaults(&c);
	ASSERT_EQ(0, bft_config_check(&c));
	ASSERT_EQ(2 * c.ckpt_interval, c.log_size);
	c.n = 3;
	ASSERT_EQ(-EINVAL, bft_config_check(&c));
	c.n = 4;
	c.id = 4;
	ASSERT_EQ(-EINVAL, bft_config_check(&c));
	c.id = 3;
	c.log_size = c.ckpt_interval * 2 + 1;
	ASSERT_EQ(-EINVAL, bft_config_check(&c));
	c.log_size = c.ckpt_interval * 2;
	c.window = c.log_size + 1;
	ASSERT_EQ(-EINVAL, bft_config_check(&c));
}

TEST_HARNESS_MAIN
