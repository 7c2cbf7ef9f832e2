// SPDX-License-Identifier: GPL-2.0
/*
 * Retransmission: a replica that lost ordering messages asks with
 * FETCH(LOG) and catches up before its view-change timer, instead of
 * timing out alone.
 */
#include "kselftest_harness.h"
#include "cluster.h"

static struct tc tc;

static const struct bft_counters *ctr(u32 i)
{
	return bft_engine_counters(tc.r[i].e);
}

static void one_request(void)
{
	tc_submit(&tc, 0, false, false);
	tc_run(&tc);
}

/* Replica 3 missed all of seq 1; seq 2 commits there but cannot run. */
TEST(retx_missed_seq_caught_up)
{
	struct bft_config o = { .batch_max = 1, .batch_delay_ms = 0,
				.vc_timeout_ms = 1000 };
	u32 i;

	ASSERT_EQ(0, tc_init(&tc, 4, 1, &o));
	tc.down[3] = true;
	one_request();
	tc.down[3] = false;
	one_request();
	ASSERT_EQ(2, tc.c[0].accepted);
	ASSERT_EQ(0, tc.r[3].executed_seqs);
	tc_advance(&tc, 600, 50);
	ASSERT_EQ(2, tc.r[3].executed_seqs);
	ASSERT_EQ(2, tc.r[3].counter);
	ASSERT_EQ(1, ctr(3)->retx_requests);
	/* Each peer re-sent its two messages for seq 1 and for seq 2. */
	for (i = 0; i < 3; i++)
		ASSERT_EQ(4, ctr(i)->retx_sent);
	ASSERT_EQ(0, ctr(3)->retx_sent);
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, ctr(i)->view_changes);
	tc_advance(&tc, 2000, 100);
	ASSERT_EQ(1, ctr(3)->retx_requests);	/* level again: quiet */
	tc_free(&tc);
}

/* Idle and level: nobody asks, however long it stays idle. */
TEST(retx_quiet_when_level)
{
	struct bft_config o = { .batch_max = 1, .batch_delay_ms = 0 };
	u32 i;

	ASSERT_EQ(0, tc_init(&tc, 4, 1, &o));
	one_request();
	tc_advance(&tc, 5000, 100);
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, ctr(i)->retx_requests);
		ASSERT_EQ(0, ctr(i)->retx_sent);
		ASSERT_EQ(1, tc.r[i].executed_seqs);
	}
	tc_free(&tc);
}

/* Under 20% loss every replica ends level, with no view change. */
TEST(retx_lossy_all_level)
{
	/*
	 * Replies on commit: with tentative replies the client misses Q
	 * more often under loss and retransmits, which reshuffles this
	 * fixed loss pattern (see Documentation/engine.rst).
	 */
	struct bft_config o = { .batch_max = 1, .batch_delay_ms = 0,
				.vc_timeout_ms = 2000, .no_tentative = 1 };
	u64 asked = 0;
	u32 i, k;

	ASSERT_EQ(0, tc_init(&tc, 4, 1, &o));
	tc.drop_pct = 20;
	tc.rng = 7;
	for (k = 0; k < 30; k++) {
		tc_submit(&tc, 0, false, false);
		tc_run(&tc);
		tc_advance(&tc, 2000, 50);
	}
	tc.drop_pct = 0;
	tc_advance(&tc, 2000, 50);
	ASSERT_EQ(30, tc.c[0].accepted);
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(30, tc.r[i].executed_seqs);
		ASSERT_EQ(30, tc.r[i].counter);
		ASSERT_EQ(0, ctr(i)->view_changes);
		asked += ctr(i)->retx_requests;
	}
	ASSERT_TRUE(asked > 0);
	tc_free(&tc);
}

static int rx(u32 i, const u8 *buf, u32 len)
{
	return bft_engine_receive(tc.r[i].e, buf, len, BFT_RX_VERIFIED);
}

/*
 * A client retransmits to every replica while its request is
 * pre-prepared. A backup relays no first copy (the primary got one
 * too); on a second one, backups that accepted the PRE-PREPARE still do
 * not relay it (the primary would verify n-1 copies to drop them); one
 * that missed the PRE-PREPARE does, since the primary may never have
 * had it.
 */
TEST(retx_client_copy_relayed_only_if_unordered)
{
	struct bft_config o = { .batch_max = 1, .batch_delay_ms = 0 };
	u32 p, i, j, m3 = 0;
	u64 verified;

	ASSERT_EQ(0, tc_init(&tc, 4, 1, &o));
	p = tc_primary(&tc);
	/* PRE-PREPARE out, every backup's answer parked. */
	for (i = 0; i < 4; i++)
		for (j = 0; j < 4; j++)
			tc.hold[i][j] = i != p && i != j;
	tc_submit(&tc, 0, false, false);
	tc_run(&tc);
	ASSERT_EQ(0, tc.c[0].accepted);
	for (i = 0; i < 4; i++) {
		if (i == p)
			continue;
		ASSERT_EQ(0, rx(i, tc.c[0].req, tc.c[0].req_len));
		ASSERT_EQ(0, ctr(i)->sent[BFT_MSG_REQUEST]);
		ASSERT_EQ(0, ctr(i)->relays_saved);
		ASSERT_EQ(0, rx(i, tc.c[0].req, tc.c[0].req_len));
		ASSERT_EQ(0, ctr(i)->sent[BFT_MSG_REQUEST]);
		ASSERT_EQ(1, ctr(i)->relays_saved);
	}
	verified = ctr(p)->mac_verified;
	for (i = 0; i < 4; i++)
		for (j = 0; j < 4; j++)
			if (tc.hold[i][j])
				tc_release(&tc, i, j);
	tc_run(&tc);
	ASSERT_EQ(1, tc.c[0].accepted);
	ASSERT_EQ(0, ctr(p)->dropped[BFT_MSG_REQUEST]);
	/* 3 PREPAREs and 3 COMMITs, no relayed copy. */
	ASSERT_EQ(verified + 6, ctr(p)->mac_verified);

	/* The next PRE-PREPARE never reaches one backup: that one relays. */
	if (p == 3)
		m3 = 2;
	else
		m3 = 3;
	tc.cut[p][m3] = true;
	tc_submit(&tc, 0, false, false);
	tc_run(&tc);
	ASSERT_EQ(2, tc.c[0].accepted);
	verified = ctr(p)->replies_resent;
	ASSERT_EQ(0, rx(m3, tc.c[0].req, tc.c[0].req_len));
	ASSERT_EQ(0, ctr(m3)->sent[BFT_MSG_REQUEST]);
	ASSERT_EQ(0, rx(m3, tc.c[0].req, tc.c[0].req_len));
	ASSERT_EQ(1, ctr(m3)->sent[BFT_MSG_REQUEST]);
	ASSERT_EQ(1, ctr(m3)->relays_saved);
	tc_run(&tc);
	/* The primary executed it: the relayed copy gets the cached reply. */
	ASSERT_EQ(verified + 1, ctr(p)->replies_resent);
	tc_free(&tc);
}

TEST_HARNESS_MAIN
