// SPDX-License-Identifier: GPL-2.0
/* In-process replicas over a perfect (or lossy-by-replica) network. */
#include <stdio.h>
#include "harness.h"
#include "cluster.h"

static struct tc tc;

static u64 macs(u32 i)
{
	const struct bft_counters *c = bft_engine_counters(tc.r[i].e);

	return c->mac_computed + c->mac_verified;
}

static bool same_state(void)
{
	u32 i;

	for (i = 1; i < tc.n; i++)
		if (!tc.down[i] && tc.r[i].counter != tc.r[0].counter)
			return false;
	return true;
}

static void t_normal_b1(void)
{
	struct bft_config o = { .batch_max = 1, .batch_delay_ms = 0 };
	const struct bft_counters *c;
	u64 m0;
	u32 i;

	T_EQ(tc_init(&tc, 4, 2, &o), 0);
	m0 = macs(0);
	for (i = 0; i < 20; i++) {
		tc_submit(&tc, 0, false, false);
		tc_run(&tc);
		T_CHECK(!tc.c[0].busy);
	}
	T_EQ(tc.c[0].accepted, 20);
	for (i = 0; i < 4; i++) {
		T_EQ(tc.r[i].executed_seqs, 20);
		T_EQ(tc.r[i].counter, 20);
	}
	/* MACs at the primary per request: 2 + 4(n-1)/b = 14 */
	T_EQ(macs(0) - m0, 20 * 14);
	c = bft_engine_counters(tc.r[0].e);
	T_EQ(c->sent[BFT_MSG_PRE_PREPARE], 20 * 3);
	T_EQ(c->recv[BFT_MSG_PREPARE], 20 * 3);
	T_EQ(c->recv[BFT_MSG_COMMIT], 20 * 3);
	T_EQ(c->sent[BFT_MSG_REPLY], 20);
	T_EQ(c->mac_failed, 0);
	for (i = 0; i < __BFT_DROP_MAX; i++)
		T_EQ(c->drop_reason[i], 0);
	tc_free(&tc);
}

static void batch_run(u32 b, u32 rounds)
{
	struct bft_config o = { .batch_max = b, .batch_delay_ms = 5,
				.batch_bytes = 65536 - 200 };
	u64 m0, total = (u64)b * rounds;
	u32 i, k;

	T_EQ(tc_init(&tc, 4, b, &o), 0);
	m0 = macs(0);
	for (k = 0; k < rounds; k++) {
		for (i = 0; i < b; i++)
			tc_submit(&tc, i, false, false);
		tc_run(&tc);
	}
	for (i = 0; i < b; i++)
		T_EQ(tc.c[i].accepted, rounds);
	T_EQ(bft_engine_counters(tc.r[0].e)->batches, rounds);
	/* 2 per request + 4(n-1) per batch, measured exactly. */
	T_EQ(macs(0) - m0, 2 * total + 12 * rounds);
	printf("# n=4 b=%u: %.3f MAC ops per committed request at primary\n",
	       b, (double)(macs(0) - m0) / (double)total);
	T_CHECK(same_state());
	tc_free(&tc);
}

static void t_batch16(void)
{
	batch_run(16, 3);
}

static void t_batch64(void)
{
	batch_run(64, 2);
}

static void t_batch_deadline(void)
{
	struct bft_config o = { .batch_max = 8, .batch_delay_ms = 10 };

	T_EQ(tc_init(&tc, 4, 4, &o), 0);
	tc_submit(&tc, 0, false, false);
	tc_submit(&tc, 1, false, false);
	tc_run(&tc);
	T_CHECK(tc.c[0].busy);	/* partial batch waits for the deadline */
	T_EQ(bft_engine_next_deadline(tc.r[0].e), tc.now + 10);
	tc_advance(&tc, 10, 1);
	T_CHECK(!tc.c[0].busy && !tc.c[1].busy);
	T_EQ(bft_engine_counters(tc.r[0].e)->batches, 1);
	tc_free(&tc);
}

static void t_reply_cache(void)
{
	struct bft_config o = { .batch_max = 1 };
	const struct bft_counters *c;
	u32 i;

	T_EQ(tc_init(&tc, 4, 1, &o), 0);
	tc_submit(&tc, 0, false, false);
	tc_run(&tc);
	T_EQ(tc.c[0].accepted, 1);
	/* Retransmit the same request to everyone: cached, not re-run. */
	tc.c[0].busy = true;
	memset(tc.c[0].got, 0, sizeof(tc.c[0].got));
	tc_advance(&tc, 600, 100);
	T_EQ(tc.c[0].accepted, 2);
	for (i = 0; i < 4; i++) {
		c = bft_engine_counters(tc.r[i].e);
		T_EQ(c->requests_executed, 1);
		T_EQ(c->replies_resent, 1);
		T_EQ(tc.r[i].counter, 1);
	}
	tc_free(&tc);
}

static void t_readonly(void)
{
	T_EQ(tc_init(&tc, 4, 1, NULL), 0);
	tc_submit(&tc, 0, true, true);
	tc_run(&tc);
	T_EQ(tc.c[0].accepted, 1);
	T_EQ(tc.c[0].last_result, 0);
	T_EQ(bft_engine_counters(tc.r[1].e)->readonly_executed, 1);
	T_EQ(bft_engine_counters(tc.r[1].e)->batches_executed, 0);
	tc_free(&tc);
}

static void t_checkpoint_gc(void)
{
	struct bft_config o = { .batch_max = 1, .ckpt_interval = 4,
				.log_size = 8, .window = 2 };
	struct bft_info info;
	u32 i, k;

	T_EQ(tc_init(&tc, 4, 3, &o), 0);
	for (k = 0; k < 10; k++) {
		for (i = 0; i < 3; i++)
			tc_submit(&tc, i, false, false);
		tc_run(&tc);
	}
	for (i = 0; i < 4; i++) {
		bft_engine_info(tc.r[i].e, &info);
		T_EQ(info.last_exec, 30);
		T_EQ(info.stable_seq, 28);
		T_EQ(bft_engine_counters(tc.r[i].e)->stable_checkpoints, 7);
		T_EQ(bft_engine_counters(tc.r[i].e)->checkpoints, 8);
	}
	T_CHECK(same_state());
	tc_free(&tc);
}

static void t_view_change(void)
{
	struct bft_config o = { .batch_max = 1, .vc_timeout_ms = 1000 };
	struct bft_info info;
	u32 i;

	T_EQ(tc_init(&tc, 4, 1, &o), 0);
	tc_submit(&tc, 0, false, false);
	tc_run(&tc);
	tc.down[0] = true;	/* primary crashes */
	tc_submit(&tc, 0, false, false);
	tc_run(&tc);
	T_CHECK(tc.c[0].busy);
	tc_advance(&tc, 3000, 50);
	T_CHECK(!tc.c[0].busy);
	T_EQ(tc.c[0].accepted, 2);
	for (i = 1; i < 4; i++) {
		bft_engine_info(tc.r[i].e, &info);
		T_EQ(info.view, 1);
		T_EQ(info.status, BFT_ST_NORMAL);
		T_EQ(tc.r[i].counter, 2);
		T_EQ(bft_engine_counters(tc.r[i].e)->new_views, 1);
	}
	/* The next request goes straight to the new primary. */
	tc_submit(&tc, 0, false, false);
	tc_run(&tc);
	T_EQ(tc.c[0].accepted, 3);
	tc_free(&tc);
}

/*
 * bftctl view-change on f+1 replicas moves everyone by one view; on one
 * replica alone it moves only that one, which then waits in view-change
 * (no timer is armed below Q VIEW-CHANGEs, so it does not climb) while
 * the rest serve requests (view_change.sh does the same in the VM).
 */
static void t_manual_vc_alone(void)
{
	struct bft_config o = { .batch_max = 1, .vc_timeout_ms = 1000 };
	struct bft_info info;
	u32 i, k;

	T_EQ(tc_init(&tc, 4, 1, &o), 0);
	tc_submit(&tc, 0, false, false);
	tc_run(&tc);
	bft_engine_request_view_change(tc.r[1].e);
	tc_run(&tc);
	bft_engine_request_view_change(tc.r[2].e);
	tc_run(&tc);
	for (i = 0; i < 4; i++) {
		bft_engine_info(tc.r[i].e, &info);
		T_EQ(info.view, 1);
		T_EQ(info.status, BFT_ST_NORMAL);
		T_EQ(bft_engine_counters(tc.r[i].e)->view_changes, 1);
	}
	bft_engine_request_view_change(tc.r[3].e);
	tc_run(&tc);
	for (k = 0; k < 10; k++) {
		tc_submit(&tc, 0, false, false);
		tc_run(&tc);
		tc_advance(&tc, 500, 10);
		T_CHECK(!tc.c[0].busy);
	}
	T_EQ(tc.c[0].accepted, 11);
	for (i = 0; i < 4; i++) {
		bft_engine_info(tc.r[i].e, &info);
		T_EQ(info.view, i == 3 ? 2 : 1);
		T_EQ(info.status, i == 3 ? BFT_ST_VIEW_CHANGE : BFT_ST_NORMAL);
		T_EQ(bft_engine_counters(tc.r[i].e)->view_changes,
		     i == 3 ? 2 : 1);
	}
	tc_free(&tc);
}

static void t_state_transfer(void)
{
	struct bft_config o = { .batch_max = 1, .ckpt_interval = 4,
				.log_size = 8 };
	struct bft_info info;
	u32 k;

	T_EQ(tc_init(&tc, 4, 1, &o), 0);
	tc.down[3] = true;
	for (k = 0; k < 13; k++) {
		tc_submit(&tc, 0, false, false);
		tc_run(&tc);
	}
	T_EQ(tc.c[0].accepted, 13);
	tc.down[3] = false;
	for (k = 0; k < 6; k++) {
		tc_submit(&tc, 0, false, false);
		tc_run(&tc);
		tc_advance(&tc, 300, 100);
	}
	bft_engine_info(tc.r[3].e, &info);
	/* Its FETCH(STABLE) may fetch 12 first, then 16 (13 was missed). */
	T_CHECK(bft_engine_counters(tc.r[3].e)->state_transfers >= 1);
	T_EQ(info.last_exec, 19);
	T_CHECK(same_state());
	T_EQ(tc.r[3].counter, 19);
	tc_free(&tc);
}

static void t_bad_mac_dropped(void)
{
	struct bft_config o = { .batch_max = 1 };
	const struct bft_counters *c;

	T_EQ(tc_init(&tc, 4, 1, &o), 0);
	tc.corrupt_mac_from[2] = true;
	tc_submit(&tc, 0, false, false);
	tc_run(&tc);
	T_EQ(tc.c[0].accepted, 1);	/* n=4 tolerates one bad replica */
	c = bft_engine_counters(tc.r[0].e);
	T_EQ(c->drop_reason[BFT_DROP_MAC], 2);	/* its PREPARE + COMMIT */
	T_EQ(c->mac_failed, 2);
	T_EQ(c->peer[2].mac_failed, 0);	/* a claim, not its fault */
	T_EQ(c->peer[2].dropped, 0);
	tc_free(&tc);
}

/* Every pair of replicas agrees on every sequence both executed. */
static bool logs_agree(void)
{
	u32 i, j;
	u64 s;

	for (i = 0; i < tc.n; i++)
		for (j = i + 1; j < tc.n; j++)
			for (s = 1; s < 4096; s++) {
				u64 a = tc.r[i].exec_log[s];
				u64 b = tc.r[j].exec_log[s];

				if (a && b && a != b)
					return false;
			}
	return true;
}

static void lossy_run(u64 seed, u32 drop)
{
	struct bft_config o = { .batch_max = 4, .batch_delay_ms = 2,
				.ckpt_interval = 4, .log_size = 8,
				.vc_timeout_ms = 300 };
	u32 i, k, busy;

	T_EQ(tc_init(&tc, 4, 3, &o), 0);
	tc.rng = seed;
	tc.drop_pct = drop;
	for (k = 0; k < 12; k++) {
		for (i = 0; i < 3; i++)
			if (!tc.c[i].busy)
				tc_submit(&tc, i, false, false);
		tc_advance(&tc, 200, 10);
		T_CHECK(logs_agree());
	}
	tc.drop_pct = 0;
	for (k = 0, busy = 1; k < 60 && busy; k++) {
		tc_advance(&tc, 1000, 10);
		for (i = 0, busy = 0; i < 3; i++)
			busy += tc.c[i].busy;
	}
	if (busy)
		printf("# seed %llu: %u clients still busy\n",
		       (unsigned long long)seed, busy);
	T_EQ(busy, 0);
	T_CHECK(logs_agree());
	tc_free(&tc);
}

static void t_lossy(void)
{
	u64 seed;

	for (seed = 1; seed <= 20; seed++) {
		int before = t_failed_checks;

		lossy_run(seed, 15);
		if (t_failed_checks != before) {
			printf("# failing seed %llu\n",
			       (unsigned long long)seed);
			tc_free(&tc);
			return;
		}
	}
}

static u64 rnd(u64 *x)
{
	*x = *x * 6364136223846793005ULL + 1442695040888963407ULL;
	return *x >> 33;
}

/*
 * Mutated copies of real traffic, delivered as if already authenticated
 * so they reach the protocol handlers: no crash, no sanitizer report,
 * and the honest replicas still agree afterwards.
 */
static void t_mutated_verified(void)
{
	static u8 cap[64][2048];
	static u32 cap_len[64];
	struct bft_config o = { .batch_max = 2, .ckpt_interval = 4,
				.log_size = 8 };
	u8 m[2048];
	u64 x = 42;
	u32 i, k, nc = 0, len;

	T_EQ(tc_init(&tc, 4, 2, &o), 0);
	/* Capture a variety of valid datagrams by building them. */
	for (k = 0; k < 64; k++) {
		u8 d[BFT_DIGEST_LEN] = { (u8)k };
		struct bft_ckpt_h ck = { .seq = 0 };
		struct bft_vc_entry_h ve = { .seq = 1 + k % 8, .pp_view = 0 };
		struct bft_nv_vc_h vv[3] = { { .replica = 0 }, { .replica = 1 },
					     { .replica = 2 } };
		struct bft_ckpt_h oe = { .seq = 1 };
		u8 *b = cap[nc];

		switch (k % 8) {
		case 0:
			len = bft_enc_agree(b, 2048, BFT_MSG_PREPARE, 1 + k % 3,
					    k % 3, 1 + k % 9, d);
			break;
		case 1:
			len = bft_enc_agree(b, 2048, BFT_MSG_COMMIT, 1 + k % 3,
					    k % 3, 1 + k % 9, d);
			break;
		case 2:
			len = bft_enc_checkpoint(b, 2048, 1 + k % 3, 4 * (k % 4),
						 d);
			break;
		case 3:
			len = bft_enc_vc(b, 2048, 1 + k % 3, 1 + k % 2, 0, &ck,
					 1, &ve, 1);
			break;
		case 4:
			len = bft_enc_nv(b, 2048, 1, 1, 0, d, vv, 3, &oe, 1);
			break;
		case 5:
			len = bft_enc_fetch(b, 2048, 1 + k % 3, 0, 1 + k % 2,
					    k % 5, 0, d);
			break;
		case 6:
			len = bft_enc_data(b, 2048, 1 + k % 3, 1, 4, 0, 16, 0,
					   d, "0123456789abcdef", 16);
			break;
		default:
			len = bft_enc_request(b, 2048, k % 2, k, "op", 2, 0, 4);
			break;
		}
		cap_len[nc++] = len;
	}
	for (i = 0; i < 20000; i++) {
		k = rnd(&x) % nc;
		len = cap_len[k];
		memcpy(m, cap[k], len);
		for (k = rnd(&x) % 4; k; k--)
			m[BFT_HDR_LEN + rnd(&x) % (len - BFT_HDR_LEN)] =
				(u8)rnd(&x);
		if (rnd(&x) % 8 == 0)
			len = BFT_HDR_LEN + rnd(&x) % (len - BFT_HDR_LEN + 1);
		bft_put32(m + 12, len);
		bft_engine_receive(tc.r[3].e, m, len, BFT_RX_VERIFIED);
		bft_engine_receive(tc.r[0].e, m, len, BFT_RX_VERIFIED);
		tc_run(&tc);
	}
	tc_free(&tc);
}

static void t_quorum_short(void)
{
	struct bft_config o = { .flags = BFT_CFG_F_QUORUM_SHORT };
	struct bft_info info;

	T_EQ(tc_init(&tc, 4, 1, &o), 0);
	bft_engine_info(tc.r[0].e, &info);
	T_EQ(info.quorum, 2);	/* test-only: one vote short of Q = 3 */
	T_EQ(info.f, 1);
	tc_free(&tc);
}

/* n = 7 tolerates f = 2: the primary and one backup crash. */
static void t_n7_two_crashed(void)
{
	struct bft_config o = { .batch_max = 1, .vc_timeout_ms = 500 };
	struct bft_info info;
	u32 i;

	T_EQ(tc_init(&tc, 7, 1, &o), 0);
	bft_engine_info(tc.r[0].e, &info);
	T_EQ(info.quorum, 5);
	tc_submit(&tc, 0, false, false);
	tc_run(&tc);
	T_EQ(tc.c[0].accepted, 1);
	tc.down[0] = true;
	tc.down[4] = true;
	tc_submit(&tc, 0, false, false);
	tc_advance(&tc, 5000, 50);
	T_EQ(tc.c[0].accepted, 2);
	for (i = 1; i < 7; i++) {
		if (tc.down[i])
			continue;
		bft_engine_info(tc.r[i].e, &info);
		T_EQ(info.view, 1);
		T_EQ(tc.r[i].counter, 2);
	}
	tc_free(&tc);
}

static void restart_run(bool after_view_change)
{
	struct bft_config o = { .batch_max = 1, .ckpt_interval = 4,
				.log_size = 8, .vc_timeout_ms = 500 };
	struct bft_info info;
	u64 view;
	u32 k;

	T_EQ(tc_init(&tc, 4, 1, &o), 0);
	if (after_view_change) {
		tc.down[0] = true;
		tc_submit(&tc, 0, false, false);
		tc_advance(&tc, 3000, 50);
		T_EQ(tc.c[0].accepted, 1);
		tc.down[0] = false;
	}
	for (k = 0; k < 6; k++) {
		tc_submit(&tc, 0, false, false);
		tc_advance(&tc, 100, 50);
	}
	T_EQ(tc_restart(&tc, 3), 0);
	for (k = 0; k < 24; k++) {
		tc_submit(&tc, 0, false, false);
		tc_advance(&tc, 100, 50);
	}
	tc_advance(&tc, 3000, 50);
	T_CHECK(!tc.c[0].busy);
	bft_engine_info(tc.r[1].e, &info);
	view = info.view;
	/*
	 * Replica 0 missed view 1 and seq 1, and 3 restarted: two replicas
	 * behind is more than f = 1, so no checkpoint gets Q votes until a
	 * further view change installs one; that is the expected recovery.
	 */
	T_CHECK(after_view_change ? view >= 1 : view == 0);
	bft_engine_info(tc.r[3].e, &info);
	T_EQ(info.view, view);
	T_CHECK(bft_engine_counters(tc.r[3].e)->state_transfers >= 1);
	T_EQ(tc.r[3].counter, tc.r[1].counter);
	T_CHECK(tc.r[3].counter >= 20);	/* requests may be superseded */
	T_CHECK(logs_agree());
	tc_free(&tc);
}

static void t_restart(void)
{
	restart_run(false);
}

static void t_restart_in_later_view(void)
{
	restart_run(true);
}

UNIT_TESTS(cluster_tests) = {
	{ "cluster_n4_b1_mac_count", t_normal_b1 },
	{ "cluster_n4_b16_mac_count", t_batch16 },
	{ "cluster_n4_b64_mac_count", t_batch64 },
	{ "cluster_batch_deadline", t_batch_deadline },
	{ "cluster_reply_cache", t_reply_cache },
	{ "cluster_readonly", t_readonly },
	{ "cluster_checkpoint_gc", t_checkpoint_gc },
	{ "cluster_view_change", t_view_change },
	{ "cluster_manual_vc_alone", t_manual_vc_alone },
	{ "cluster_state_transfer", t_state_transfer },
	{ "cluster_bad_mac_dropped", t_bad_mac_dropped },
	{ "cluster_lossy_15pct_20_seeds", t_lossy },
	{ "cluster_mutated_verified_input", t_mutated_verified },
	{ "cluster_quorum_short_switch", t_quorum_short },
	{ "cluster_n7_two_crashed", t_n7_two_crashed },
	{ "cluster_restart_catches_up", t_restart },
	{ "cluster_restart_in_later_view", t_restart_in_later_view },
	UNIT_END
};
