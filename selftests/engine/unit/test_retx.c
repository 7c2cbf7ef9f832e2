// SPDX-License-Identifier: GPL-2.0
/*
 * Retransmission: a replica that lost ordering messages asks with
 * FETCH(LOG) and catches up before its view-change timer, instead of
 * timing out alone.
 */
#include "harness.h"
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
static void t_retx_missed_seq(void)
{
	struct bft_config o = { .batch_max = 1, .batch_delay_ms = 0,
				.vc_timeout_ms = 1000 };
	u32 i;

	T_EQ(tc_init(&tc, 4, 1, &o), 0);
	tc.down[3] = true;
	one_request();
	tc.down[3] = false;
	one_request();
	T_EQ(tc.c[0].accepted, 2);
	T_EQ(tc.r[3].executed_seqs, 0);
	tc_advance(&tc, 600, 50);
	T_EQ(tc.r[3].executed_seqs, 2);
	T_EQ(tc.r[3].counter, 2);
	T_EQ(ctr(3)->retx_requests, 1);
	/* Each peer re-sent its two messages for seq 1 and for seq 2. */
	for (i = 0; i < 3; i++)
		T_EQ(ctr(i)->retx_sent, 4);
	T_EQ(ctr(3)->retx_sent, 0);
	for (i = 0; i < 4; i++)
		T_EQ(ctr(i)->view_changes, 0);
	tc_advance(&tc, 2000, 100);
	T_EQ(ctr(3)->retx_requests, 1);	/* level again: quiet */
	tc_free(&tc);
}

/* Idle and level: nobody asks, however long it stays idle. */
static void t_retx_quiet_when_level(void)
{
	struct bft_config o = { .batch_max = 1, .batch_delay_ms = 0 };
	u32 i;

	T_EQ(tc_init(&tc, 4, 1, &o), 0);
	one_request();
	tc_advance(&tc, 5000, 100);
	for (i = 0; i < 4; i++) {
		T_EQ(ctr(i)->retx_requests, 0);
		T_EQ(ctr(i)->retx_sent, 0);
		T_EQ(tc.r[i].executed_seqs, 1);
	}
	tc_free(&tc);
}

/* Under 20% loss every replica ends level, with no view change. */
static void t_retx_lossy_level(void)
{
	struct bft_config o = { .batch_max = 1, .batch_delay_ms = 0,
				.vc_timeout_ms = 2000 };
	u64 asked = 0;
	u32 i, k;

	T_EQ(tc_init(&tc, 4, 1, &o), 0);
	tc.drop_pct = 20;
	tc.rng = 7;
	for (k = 0; k < 30; k++) {
		tc_submit(&tc, 0, false, false);
		tc_run(&tc);
		tc_advance(&tc, 2000, 50);
	}
	tc.drop_pct = 0;
	tc_advance(&tc, 2000, 50);
	T_EQ(tc.c[0].accepted, 30);
	for (i = 0; i < 4; i++) {
		T_EQ(tc.r[i].executed_seqs, 30);
		T_EQ(tc.r[i].counter, 30);
		T_EQ(ctr(i)->view_changes, 0);
		asked += ctr(i)->retx_requests;
	}
	T_CHECK(asked > 0);
	tc_free(&tc);
}

UNIT_TESTS(retx_tests) = {
	{ "retx_missed_seq_caught_up", t_retx_missed_seq },
	{ "retx_quiet_when_level", t_retx_quiet_when_level },
	{ "retx_lossy_all_level", t_retx_lossy_level },
	UNIT_END
};
