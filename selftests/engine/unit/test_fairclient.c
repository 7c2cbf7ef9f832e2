// SPDX-License-Identifier: GPL-2.0
/*
 * Faulty clients (Aardvark, NSDI'09): a client whose authenticator is
 * good at the primary only (the MAC attack) must not stall the others
 * view change after view change, a flooding client must not fill the
 * batches, and nobody else can get an innocent client throttled.
 */
#include "kselftest_harness.h"
#include "cluster.h"
#include "wire.h"

static struct tc tc;

static const struct bft_counters *ctr(u32 i)
{
	return bft_engine_counters(tc.r[i].e);
}

static u64 max_view_changes(void)
{
	u64 m = 0;
	u32 i;

	for (i = 0; i < tc.n; i++)
		if (ctr(i)->view_changes > m)
			m = ctr(i)->view_changes;
	return m;
}

/* Clients [0, good) send a request per 50 ms if idle; run for @ms. */
static void run_good(u32 good, u64 ms, u32 bad, u64 bad_every, u64 valid)
{
	u64 end = tc.now + ms, next_bad = tc.now;
	u32 c;

	while (tc.now < end) {
		for (c = 0; c < good; c++)
			if (!tc.c[c].busy)
				tc_submit(&tc, c, false, false);
		if (bad_every && tc.now >= next_bad) {
			u32 p = tc_primary(&tc);

			tc_submit_forged(&tc, bad, valid ? valid : 1ULL << p);
			next_bad += bad_every;
		}
		tc_advance(&tc, 50, 10);
	}
}

/*
 * The MAC attack: client 2 sends, every 50 ms, a request whose entry is
 * good for the current primary only. The primary orders it, no backup
 * can vouch for it, its batch stalls until a view change. Every correct
 * backup strikes the client, so the next primary drops its requests and
 * the attack costs one view change per (doubling) backoff window, not
 * one per view change timeout.
 */
TEST(mac_attack_throttled)
{
	struct bft_config o = { .batch_max = 4, .vc_timeout_ms = 1000 };
	u64 vcs, thr = 0, strikes = 0;
	u32 i;

	ASSERT_EQ(0, tc_init(&tc, 4, 3, &o));
	run_good(2, 2000, 0, 0, 0);
	ASSERT_EQ(0, max_view_changes());
	run_good(2, 30000, 2, 50, 0);
	vcs = max_view_changes();
	for (i = 0; i < 4; i++) {
		thr += ctr(i)->drop_reason[BFT_DROP_THROTTLED];
		strikes += ctr(i)->clients_throttled;
	}
	TH_LOG("view changes %llu, strikes %llu, throttled drops %llu, accepted %llu + %llu",
	       (unsigned long long)vcs, (unsigned long long)strikes,
	       (unsigned long long)thr, (unsigned long long)tc.c[0].accepted,
	       (unsigned long long)tc.c[1].accepted);
	/*
	 * A 16 s window: 2 view changes in 30 s. Without the backoff
	 * every view change timeout costs one (27, and 95 requests
	 * accepted per correct client instead of 600).
	 */
	ASSERT_LE(vcs, 3);
	/* Each attack that got ordered struck each of the 3 backups once. */
	ASSERT_EQ(3 * vcs, strikes);
	ASSERT_GT(thr, 400);
	ASSERT_GT(tc.c[0].accepted, 500);
	ASSERT_GT(tc.c[1].accepted, 500);
	/* The same state everywhere. */
	for (i = 0; i < 4; i++)
		ASSERT_EQ(tc.r[0].counter, tc.r[i].counter);
	tc_free(&tc);
}

/*
 * A third party holds none of client 0's keys: requests in its name that
 * fail at the primary (all-bad, or good at the backups only) are dropped
 * as AUTH and strike nobody, and client 0 keeps being served.
 */
TEST(forged_requests_strike_nobody)
{
	struct bft_config o = { .batch_max = 4, .vc_timeout_ms = 1000 };
	u64 backups, auth = 0;
	u32 i, p;

	ASSERT_EQ(0, tc_init(&tc, 4, 2, &o));
	p = tc_primary(&tc);
	backups = ((1ULL << 4) - 1) & ~(1ULL << p);
	for (i = 0; i < 50; i++) {
		tc_submit_forged(&tc, 1, i & 1 ? backups : 0);
		tc_run(&tc);
	}
	run_good(2, 5000, 0, 0, 0);
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, ctr(i)->clients_throttled);
		ASSERT_EQ(0, ctr(i)->drop_reason[BFT_DROP_THROTTLED]);
		auth += ctr(i)->drop_reason[BFT_DROP_AUTH];
	}
	/*
	 * 25 all-bad at 4 replicas; 25 good at the backups only, which a
	 * backup relays only on a second copy: the primary drops 1 each.
	 */
	ASSERT_EQ(25 * 4 + 25, auth);
	ASSERT_EQ(0, max_view_changes());
	ASSERT_GT(tc.c[0].accepted, 90);
	ASSERT_GT(tc.c[1].accepted, 90);
	tc_free(&tc);
}

/*
 * Fair batching: client 0 floods genuine requests (a new timestamp every
 * 2 ms to every replica); the FIFO holds one entry per client, so each
 * batch carries at most one of its requests and clients 1-3 proceed.
 */
TEST(flooding_client_one_per_batch)
{
	struct bft_config o = { .batch_max = 4, .vc_timeout_ms = 1000 };
	u64 end;
	u32 c;

	ASSERT_EQ(0, tc_init(&tc, 4, 4, &o));
	end = tc.now + 1000;
	while (tc.now < end) {
		tc_submit(&tc, 0, false, true);
		for (c = 1; c < 4; c++)
			if (!tc.c[c].busy)
				tc_submit(&tc, c, false, false);
		tc_advance(&tc, 2, 2);
	}
	TH_LOG("accepted %llu %llu %llu %llu, batches %llu",
	       (unsigned long long)tc.c[0].accepted,
	       (unsigned long long)tc.c[1].accepted,
	       (unsigned long long)tc.c[2].accepted,
	       (unsigned long long)tc.c[3].accepted,
	       (unsigned long long)ctr(0)->batches);
	for (c = 1; c < 4; c++)
		ASSERT_GT(tc.c[c].accepted, 450);
	ASSERT_LE(ctr(0)->requests_executed, ctr(0)->batches_executed * 4);
	ASSERT_EQ(0, max_view_changes());
	tc_free(&tc);
}

TEST_HARNESS_MAIN
