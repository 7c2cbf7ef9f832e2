// SPDX-License-Identifier: GPL-2.0
/*
 * Tentative execution (TOCS 2002, 5.1.2): a batch runs once prepared,
 * its replies are marked tentative, and a view change that does not
 * assign it again rolls it back (service state and reply cache).
 */
#include "kselftest_harness.h"
#include "cluster.h"
#include "wire.h"

static struct tc tc;

static const struct bft_counters *ctr(u32 i)
{
	return bft_engine_counters(tc.r[i].e);
}

static void info(u32 i, struct bft_info *in)
{
	bft_engine_info(tc.r[i].e, in);
}

/* A fault-free request: every replica runs it tentatively, then commits. */
TEST(tentative_normal_case)
{
	struct bft_config o = { .batch_max = 1 };
	struct bft_info in;
	u32 i;

	ASSERT_EQ(0, tc_init(&tc, 4, 1, &o));
	tc_submit(&tc, 0, false, false);
	tc_run(&tc);
	ASSERT_EQ(1, tc.c[0].accepted);
	for (i = 0; i < 4; i++) {
		info(i, &in);
		EXPECT_EQ(1, in.last_exec);
		EXPECT_EQ(0, in.tent_seq);
		EXPECT_EQ(1, ctr(i)->tentative_executed);
		EXPECT_EQ(1, ctr(i)->requests_executed);
		EXPECT_EQ(0, ctr(i)->tentative_rollbacks);
		EXPECT_EQ(1, tc.r[i].counter);
	}
	tc_free(&tc);
}

/* Off: nothing runs before it commits, replies are not tentative. */
TEST(tentative_off)
{
	struct bft_config o = { .batch_max = 1, .no_tentative = 1 };
	u32 i;

	ASSERT_EQ(0, tc_init(&tc, 4, 1, &o));
	tc_submit(&tc, 0, false, false);
	tc_run(&tc);
	ASSERT_EQ(1, tc.c[0].accepted);
	for (i = 0; i < 4; i++) {
		EXPECT_EQ(0, ctr(i)->tentative_executed);
		EXPECT_EQ(1, ctr(i)->requests_executed);
		EXPECT_FALSE(tc.c[0].tent[i]);
	}
	tc_free(&tc);
}

/*
 * Only r2 prepares seq 2 (r0 sends the PRE-PREPARE, r3's PREPARE reaches
 * r2 alone, r2's reach no one) and runs it tentatively. View 1 is made
 * by r0, r1, r3 without it: seq 2 is not assigned again. r2 must roll
 * its counter and reply cache back; then everyone runs the same batches
 * and the checkpoint at 4 is stable with all four digests equal.
 */
TEST(tentative_rollback_on_view_change)
{
	struct bft_config o = { .batch_max = 1, .ckpt_interval = 4,
				.vc_timeout_ms = 1000 };
	struct bft_info in[4];
	u64 t0;
	u32 i;

	ASSERT_EQ(0, tc_init(&tc, 4, 3, &o));
	tc_submit(&tc, 0, false, false);
	tc_run(&tc);
	ASSERT_EQ(1, tc.c[0].accepted);

	/* Seq 2, client 1 (adds 2): prepared at r2 only. */
	tc.cut[0][1] = true;
	tc.cut[2][0] = tc.cut[2][1] = tc.cut[2][3] = true;
	tc.cut[3][0] = true;
	t0 = ctr(2)->tentative_executed;
	tc_submit(&tc, 1, false, false);
	tc_run(&tc);
	EXPECT_EQ(0, tc.c[1].accepted);
	EXPECT_EQ(t0 + 1, ctr(2)->tentative_executed);
	EXPECT_TRUE(tc.c[1].got[2]);
	EXPECT_TRUE(tc.c[1].tent[2]);
	EXPECT_EQ(3, tc.r[2].counter);	/* 1 + 2, tentatively */
	info(2, &in[2]);
	EXPECT_EQ(1, in[2].last_exec);
	EXPECT_EQ(2, in[2].tent_seq);
	for (i = 0; i < 4; i++)
		if (i != 2)
			EXPECT_EQ(1, tc.r[i].counter);

	/* View 1 without r2. */
	memset(tc.cut, 0, sizeof(tc.cut));
	tc_isolate(&tc, 2, true);
	bft_engine_request_view_change(tc.r[0].e);
	bft_engine_request_view_change(tc.r[1].e);
	bft_engine_request_view_change(tc.r[3].e);
	tc_run(&tc);
	info(1, &in[1]);
	ASSERT_EQ(1, in[1].view);
	ASSERT_EQ(BFT_ST_NORMAL, in[1].status);

	/* r2 joins view 1: its NEW-VIEW drops seq 2's batch. */
	tc_isolate(&tc, 2, false);
	EXPECT_EQ(0, ctr(2)->tentative_rollbacks);
	bft_engine_request_view_change(tc.r[2].e);
	tc_run(&tc);
	info(2, &in[2]);
	ASSERT_EQ(1, in[2].view);
	EXPECT_EQ(1, ctr(2)->tentative_rollbacks);
	EXPECT_EQ(0, in[2].tent_seq);
	EXPECT_EQ(1, tc.r[2].counter);

	/*
	 * Client 2 (adds 3) takes seq 2 in view 1, then client 1 retries
	 * (adds 2): a replica that kept the tentative work would run seq 2
	 * on 3, not 1, and answer client 1 from its cache (3, not 6).
	 */
	tc_submit(&tc, 2, false, true);
	tc_run(&tc);
	EXPECT_EQ(1, tc.c[2].accepted);
	EXPECT_EQ(4, tc.c[2].last_result);
	tc.c[1].ts--;
	tc_submit(&tc, 1, false, true);
	tc_run(&tc);
	EXPECT_EQ(1, tc.c[1].accepted);
	EXPECT_EQ(6, tc.c[1].last_result);
	EXPECT_EQ(6, tc.c[1].results[2]);
	for (i = 0; i < 3 && in[0].stable_seq < 4; i++) {
		tc_submit(&tc, 2, false, true);
		tc_run(&tc);
		tc_advance(&tc, 50, 10);
		info(0, &in[0]);
	}
	for (i = 0; i < 4; i++) {
		info(i, &in[i]);
		EXPECT_EQ(in[0].last_exec, in[i].last_exec);
		EXPECT_EQ(tc.r[0].counter, tc.r[i].counter);
		EXPECT_EQ(0, memcmp(tc.r[0].exec_log, tc.r[i].exec_log,
				    sizeof(tc.r[0].exec_log)));
		EXPECT_EQ(4, in[i].stable_seq);
		EXPECT_EQ(0, memcmp(in[0].stable_digest, in[i].stable_digest,
				    BFT_DIGEST_LEN));
		EXPECT_EQ(0, ctr(i)->evidence);
		/* Work a rollback undid is not counted: r2 ran client 1's twice. */
		EXPECT_EQ(ctr(0)->requests_executed,
			  ctr(i)->requests_executed);
	}
	EXPECT_EQ(0, ctr(0)->tentative_rollbacks + ctr(1)->tentative_rollbacks +
		  ctr(3)->tentative_rollbacks);
	tc_free(&tc);
}

TEST_HARNESS_MAIN
