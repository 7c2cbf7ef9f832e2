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

UNIT_TESTS(nvfetch_tests) = {
	{ "forged_sender_not_charged", t_forged_sender_not_charged },
	UNIT_END
};
