// SPDX-License-Identifier: GPL-2.0
/*
 * Scripted-insider regression tests (issue 10): a NEW-VIEW that one
 * faulty replica tries to make unverifiable (finding 3), retried help
 * for a straggler (6b), and drop counters charged only to authenticated
 * senders (6e).
 */
#include "harness.h"
#include "cluster.h"
#include "wire.h"

static struct tc tc;

static const struct bft_counters *ctr(u32 i)
{
	return bft_engine_counters(tc.r[i].e);
}

/* 6e: a forged datagram claiming to be from r2 is not r2's fault. */
static void t_forged_sender_not_charged(void)
{
	struct bft_config o = { .batch_max = 1 };
	u8 buf[BFT_WIRE_MAX_DGRAM], d[BFT_DIGEST_LEN] = { 1 };
	u32 len;

	T_EQ(tc_init(&tc, 4, 1, &o), 0);
	len = bft_enc_agree(buf, sizeof(buf), BFT_MSG_PREPARE, 2, 0, 1, d);
	memset(buf + len - BFT_MAC_LEN, 0x5a, BFT_MAC_LEN);
	T_EQ(bft_engine_receive(tc.r[0].e, buf, len, 0), BFT_DROP_MAC);
	/* A malformed one (reserved bits) is not charged either. */
	buf[3] ^= 0x80;
	T_CHECK(bft_engine_receive(tc.r[0].e, buf, len, 0) != 0);
	T_EQ(ctr(0)->drop_reason[BFT_DROP_MAC], 1);
	T_EQ(ctr(0)->mac_failed, 1);
	T_EQ(ctr(0)->dropped[BFT_MSG_PREPARE], 2);
	T_EQ(ctr(0)->peer[2].mac_failed, 0);
	T_EQ(ctr(0)->peer[2].dropped, 0);
	/* Correctly MAC'd but wrong: that is r2's doing. */
	buf[3] ^= 0x80;
	tc_inject(&tc, 2, 0, buf, len);	/* view 0 from a backup: fine */
	len = bft_enc_vc_ack(buf, sizeof(buf), 2, 1, 3, d);
	tc_inject(&tc, 2, 0, buf, len);	/* r0 is not view 1's primary */
	tc_run(&tc);
	T_EQ(ctr(0)->drop_reason[BFT_DROP_NOT_PRIMARY], 1);
	T_EQ(ctr(0)->peer[2].dropped, 1);
	T_EQ(ctr(0)->peer[2].recv, 1);
	tc_free(&tc);
}

static u64 vc_sent(void)
{
	u64 k = 0;
	u32 i;

	for (i = 0; i < tc.n; i++)
		k += ctr(i)->sent[BFT_MSG_VIEW_CHANGE] +
		     ctr(i)->sent[BFT_MSG_NEW_VIEW];
	return k;
}

/*
 * 6b: r3 missed the change to view 1; the help its VIEW-CHANGE(1) earns
 * is lost. Its resend must be helped again, and then the help stops.
 */
static void t_straggler_help_retried(void)
{
	struct bft_config o = { .batch_max = 1, .vc_timeout_ms = 1000 };
	struct bft_info info;
	u64 before;
	u32 i;

	T_EQ(tc_init(&tc, 4, 1, &o), 0);
	tc_submit(&tc, 0, false, false);
	tc_run(&tc);
	T_EQ(tc.c[0].accepted, 1);
	tc_isolate(&tc, 3, true);
	for (i = 0; i < 3; i++)
		bft_engine_request_view_change(tc.r[i].e);
	tc_run(&tc);
	bft_engine_info(tc.r[1].e, &info);
	T_EQ(info.view, 1);
	T_EQ(info.status, BFT_ST_NORMAL);
	/* r3 reaches the others, but their first help is lost. */
	for (i = 0; i < 3; i++)
		tc.cut[3][i] = false;
	bft_engine_request_view_change(tc.r[3].e);
	tc_run(&tc);
	for (i = 0; i < 3; i++)
		T_EQ(ctr(i)->recv[BFT_MSG_VIEW_CHANGE] >= 3, 1);
	tc_isolate(&tc, 3, false);
	tc_advance(&tc, 3000, 50);
	bft_engine_info(tc.r[3].e, &info);
	T_EQ(info.view, 1);
	T_EQ(info.status, BFT_ST_NORMAL);
	T_EQ(ctr(3)->new_views, 1);
	/* Idle and level: nobody helps anybody any more. */
	before = vc_sent();
	tc_advance(&tc, 20000, 50);
	T_EQ(vc_sent(), before);
	tc_submit(&tc, 0, false, false);
	tc_run(&tc);
	T_EQ(tc.c[0].accepted, 2);
	T_EQ(tc.r[3].counter, tc.r[1].counter);
	tc_free(&tc);
}

UNIT_TESTS(nvfetch_tests) = {
	{ "straggler_help_retried", t_straggler_help_retried },
	{ "forged_sender_not_charged", t_forged_sender_not_charged },
	UNIT_END
};
