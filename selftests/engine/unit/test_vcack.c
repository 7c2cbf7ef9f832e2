// SPDX-License-Identifier: GPL-2.0
/*
 * VIEW-CHANGE-ACK: a replica that sends different VIEW-CHANGEs to
 * different replicas must not leave the backups unable to check the new
 * primary's NEW-VIEW.
 */
#include "harness.h"
#include "cluster.h"
#include "wire.h"

static struct tc tc;

static const struct bft_counters *ctr(u32 i)
{
	return bft_engine_counters(tc.r[i].e);
}

/* n=7: the primary crashed and r2 equivocates its VIEW-CHANGE. */
static void t_vcack_equivocating_author(void)
{
	struct bft_config o = { .batch_max = 1, .vc_timeout_ms = 1000 };
	struct bft_info info;
	u32 i;

	T_EQ(tc_init(&tc, 7, 1, &o), 0);
	tc_submit(&tc, 0, false, false);
	tc_run(&tc);
	tc.down[0] = true;
	tc.vc_split_from[2] = true;
	tc_submit(&tc, 0, false, true);
	tc_run(&tc);
	tc_advance(&tc, 4000, 50);
	T_EQ(tc.c[0].accepted, 2);
	for (i = 1; i < 7; i++) {
		if (i == 2)
			continue;
		bft_engine_info(tc.r[i].e, &info);
		T_EQ(info.view, 1);
		T_EQ(info.status, BFT_ST_NORMAL);
		T_EQ(ctr(i)->new_views, 1);
		T_EQ(ctr(i)->drop_reason[BFT_DROP_NV_INVALID], 0);
		T_EQ(tc.r[i].counter, tc.r[1].counter);
	}
	/* The new primary heard acks from every other live replica. */
	T_CHECK(ctr(1)->recv[BFT_MSG_VC_ACK] >= 4 * 3);
	T_EQ(ctr(2)->recv[BFT_MSG_VC_ACK], 0);	/* acks go to r1 only */
	tc_free(&tc);
}

/* Only the primary of the view takes acks, and never for itself. */
static void t_vcack_checks(void)
{
	struct bft_config o = { .batch_max = 1 };
	u8 buf[BFT_WIRE_MAX_DGRAM], d[BFT_DIGEST_LEN] = { 7 };
	struct bft_vc_ack_view a;
	u32 len;

	T_EQ(tc_init(&tc, 4, 1, &o), 0);
	len = bft_enc_vc_ack(buf, sizeof(buf), 2, 1, 3, d);
	T_EQ(len, BFT_VC_ACK_FIXED + BFT_MAC_LEN);
	T_EQ(bft_wire_parse_vc_ack(buf, len, &a), 0);
	T_EQ(a.view, 1);
	T_EQ(a.replica, 3);
	T_EQ(bft_wire_parse_vc_ack(buf, len - 1, &a), BFT_DROP_LEN);
	buf[28] = 1;
	T_EQ(bft_wire_parse_vc_ack(buf, len, &a), BFT_DROP_RESERVED);
	buf[28] = 0;
	/* View 1's primary is r1, not r0. */
	T_EQ(bft_engine_receive(tc.r[0].e, buf, len, BFT_RX_VERIFIED),
	     BFT_DROP_NOT_PRIMARY);
	T_EQ(bft_engine_receive(tc.r[1].e, buf, len, BFT_RX_VERIFIED), 0);
	T_EQ(bft_engine_receive(tc.r[1].e, buf, len, BFT_RX_VERIFIED),
	     BFT_DROP_DUPLICATE);
	/* An ack of the acker's own, or the primary's, VIEW-CHANGE. */
	len = bft_enc_vc_ack(buf, sizeof(buf), 2, 1, 2, d);
	T_EQ(bft_engine_receive(tc.r[1].e, buf, len, BFT_RX_VERIFIED),
	     BFT_DROP_RESERVED);
	len = bft_enc_vc_ack(buf, sizeof(buf), 2, 1, 1, d);
	T_EQ(bft_engine_receive(tc.r[1].e, buf, len, BFT_RX_VERIFIED),
	     BFT_DROP_RESERVED);
	len = bft_enc_vc_ack(buf, sizeof(buf), 2, 1, 9, d);
	T_EQ(bft_engine_receive(tc.r[1].e, buf, len, BFT_RX_VERIFIED),
	     BFT_DROP_RESERVED);
	tc_free(&tc);
}

UNIT_TESTS(vcack_tests) = {
	{ "vcack_equivocating_author_excluded", t_vcack_equivocating_author },
	{ "vcack_wire_and_checks", t_vcack_checks },
	UNIT_END
};
