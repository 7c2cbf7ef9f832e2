// SPDX-License-Identifier: GPL-2.0
/*
 * VIEW-CHANGE-ACK: a replica that sends different VIEW-CHANGEs to
 * different replicas must not leave the backups unable to check the new
 * primary's NEW-VIEW.
 */
#include "kselftest_harness.h"
#include "cluster.h"
#include "wire.h"

static struct tc tc;

static const struct bft_counters *ctr(u32 i)
{
	return bft_engine_counters(tc.r[i].e);
}

/* n=7: the primary crashed and r2 equivocates its VIEW-CHANGE. */
TEST(vcack_equivocating_author_excluded)
{
	struct bft_config o = { .batch_max = 1, .vc_timeout_ms = 1000 };
	struct bft_info info;
	u32 i;

	ASSERT_EQ(0, tc_init(&tc, 7, 1, &o));
	tc_submit(&tc, 0, false, false);
	tc_run(&tc);
	tc.down[0] = true;
	tc.vc_split_from[2] = true;
	tc_submit(&tc, 0, false, true);
	tc_run(&tc);
	tc_advance(&tc, 4000, 50);
	ASSERT_EQ(2, tc.c[0].accepted);
	for (i = 1; i < 7; i++) {
		if (i == 2)
			continue;
		bft_engine_info(tc.r[i].e, &info);
		ASSERT_EQ(1, info.view);
		ASSERT_EQ(BFT_ST_NORMAL, info.status);
		ASSERT_EQ(1, ctr(i)->new_views);
		ASSERT_EQ(0, ctr(i)->drop_reason[BFT_DROP_NV_INVALID]);
		ASSERT_EQ(tc.r[1].counter, tc.r[i].counter);
	}
	/* The new primary heard acks from every other live replica. */
	ASSERT_TRUE(ctr(1)->recv[BFT_MSG_VC_ACK] >= 4 * 3);
	ASSERT_EQ(0, ctr(2)->recv[BFT_MSG_VC_ACK]);	/* acks go to r1 only */
	tc_free(&tc);
}

/* Only the primary of the view takes acks, and never for itself. */
TEST(vcack_wire_and_checks)
{
	struct bft_config o = { .batch_max = 1 };
	u8 buf[BFT_WIRE_MAX_DGRAM], d[BFT_DIGEST_LEN] = { 7 };
	struct bft_vc_ack_view a;
	u32 len;

	ASSERT_EQ(0, tc_init(&tc, 4, 1, &o));
	len = bft_enc_vc_ack(buf, sizeof(buf), 2, 1, 3, d);
	ASSERT_EQ(BFT_VC_ACK_FIXED + BFT_MAC_LEN, len);
	ASSERT_EQ(0, bft_wire_parse_vc_ack(buf, len, &a));
	ASSERT_EQ(1, a.view);
	ASSERT_EQ(3, a.replica);
	ASSERT_EQ(BFT_DROP_LEN, bft_wire_parse_vc_ack(buf, len - 1, &a));
	buf[BFT_HDR_LEN + 12] = 1;
	ASSERT_EQ(BFT_DROP_RESERVED, bft_wire_parse_vc_ack(buf, len, &a));
	buf[BFT_HDR_LEN + 12] = 0;
	/* View 1's primary is r1, not r0. */
	ASSERT_EQ(BFT_DROP_NOT_PRIMARY,
		  bft_engine_receive(tc.r[0].e, buf, len, BFT_RX_VERIFIED));
	ASSERT_EQ(0, bft_engine_receive(tc.r[1].e, buf, len, BFT_RX_VERIFIED));
	ASSERT_EQ(BFT_DROP_DUPLICATE,
		  bft_engine_receive(tc.r[1].e, buf, len, BFT_RX_VERIFIED));
	/* An ack of the acker's own, or the primary's, VIEW-CHANGE. */
	len = bft_enc_vc_ack(buf, sizeof(buf), 2, 1, 2, d);
	ASSERT_EQ(BFT_DROP_RESERVED,
		  bft_engine_receive(tc.r[1].e, buf, len, BFT_RX_VERIFIED));
	len = bft_enc_vc_ack(buf, sizeof(buf), 2, 1, 1, d);
	ASSERT_EQ(BFT_DROP_RESERVED,
		  bft_engine_receive(tc.r[1].e, buf, len, BFT_RX_VERIFIED));
	len = bft_enc_vc_ack(buf, sizeof(buf), 2, 1, 9, d);
	ASSERT_EQ(BFT_DROP_RESERVED,
		  bft_engine_receive(tc.r[1].e, buf, len, BFT_RX_VERIFIED));
	tc_free(&tc);
}

TEST_HARNESS_MAIN
