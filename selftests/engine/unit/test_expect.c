// SPDX-License-Identifier: GPL-2.0
/*
 * What backups expect of a primary (expect.c): a late request makes a
 * backup SUSPECT the primary, and f+1 suspicions, not one, replace it.
 * With MACs one backup alone can be shown a request the primary never
 * gets: a faulty client whose entry is good at that backup only.
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

/*
 * Client 0 keeps the view busy (so the plain view-change timer keeps
 * restarting); client 1 sends one request, its entry good only for the
 * replicas in @valid; run 3 heartbeats.
 */
static void run(u64 valid)
{
	u64 end;

	tc_submit_forged(&tc, 1, valid);
	for (end = tc.now + 3000; tc.now < end;) {
		if (!tc.c[0].busy)
			tc_submit(&tc, 0, false, false);
		tc_advance(&tc, 20, 10);
	}
}

/*
 * One backup alone sees a request late. Before SUSPECT it left the view
 * on its own and sat in view change while the others went on: a client
 * could take correct replicas out one at a time.
 */
TEST(lone_suspicion_stays)
{
	struct bft_config o = { .vc_timeout_ms = 1000 };
	struct bft_info in;
	u32 i;

	ASSERT_EQ(0, tc_init(&tc, 4, 2, &o));
	run(1ULL << 1);
	EXPECT_LE(1, ctr(1)->expect_late);
	EXPECT_LE(1, ctr(1)->sent[BFT_MSG_SUSPECT]);
	for (i = 0; i < 4; i++) {
		info(i, &in);
		EXPECT_EQ(0, in.view);
		EXPECT_EQ(BFT_ST_NORMAL, in.status);
		EXPECT_EQ(0, ctr(i)->view_changes);
		if (i != 1)
			EXPECT_LE(1, ctr(i)->recv[BFT_MSG_SUSPECT]);
	}
	/* Replica 1 still takes part: all four executed the same. */
	for (i = 1; i < 4; i++)
		EXPECT_EQ(tc.r[0].last_seq, tc.r[i].last_seq);
	EXPECT_LT(20, tc.c[0].accepted);
	tc_free(&tc);
}

/* f+1 = 2 backups see it late: the primary is replaced. */
TEST(f_plus_one_suspicions_replace)
{
	struct bft_config o = { .vc_timeout_ms = 1000 };
	struct bft_info in;
	u32 i;

	ASSERT_EQ(0, tc_init(&tc, 4, 2, &o));
	run(1ULL << 1 | 1ULL << 2);
	EXPECT_LE(1, ctr(1)->expect_late);
	EXPECT_LE(1, ctr(2)->expect_late);
	for (i = 0; i < 4; i++) {
		info(i, &in);
		EXPECT_LE(1, in.view);
		EXPECT_EQ(BFT_ST_NORMAL, in.status);
	}
	tc_free(&tc);
}

/*
 * A faulty backup's SUSPECTs, however many, are one voice; the primary's
 * word on itself counts for nothing; a stale view's are dropped.
 */
TEST(faulty_suspects_alone)
{
	struct bft_config o = { .vc_timeout_ms = 1000 };
	struct bft_info in;
	u8 buf[64];
	u32 len, i, k;

	ASSERT_EQ(0, tc_init(&tc, 4, 1, &o));
	tc_submit(&tc, 0, false, true);
	tc_run(&tc);
	tc_advance(&tc, 200, 10);
	ASSERT_EQ(1, tc.c[0].accepted);
	tc.mute[3] = true;
	len = bft_enc_suspect(buf, sizeof(buf), 3, 0);
	ASSERT_EQ(BFT_SUSPECT_FIXED + BFT_MAC_LEN, len);
	for (k = 0; k < 5; k++)
		tc_inject_all(&tc, 3, buf, len);
	len = bft_enc_suspect(buf, sizeof(buf), 0, 0);
	tc_inject(&tc, 0, 1, buf, len);
	tc_run(&tc);
	for (i = 0; i < 3; i++) {
		info(i, &in);
		EXPECT_EQ(0, in.view);
		EXPECT_EQ(BFT_ST_NORMAL, in.status);
	}
	EXPECT_EQ(1, ctr(1)->drop_reason[BFT_DROP_SENDER]);
	tc_submit(&tc, 0, false, false);
	tc_run(&tc);
	tc_advance(&tc, 200, 10);
	EXPECT_EQ(2, tc.c[0].accepted);
	tc_free(&tc);
}

TEST_HARNESS_MAIN
