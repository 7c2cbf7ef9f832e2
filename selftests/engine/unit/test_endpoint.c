// SPDX-License-Identifier: GPL-2.0
/*
 * A client's endpoint moves only on a request with a timestamp the
 * replica has never seen (ops->client_fresh). A replayed REQUEST, a
 * retransmission or a FETCH(STABLE) must not move it, or anyone who
 * captured one datagram could redirect or reflect the client's replies.
 */
#include "kselftest_harness.h"
#include "cluster.h"

static struct tc tc;

static const struct bft_counters *ctr(u32 i)
{
	return bft_engine_counters(tc.r[i].e);
}

static int rx(u32 i, const u8 *buf, u32 len)
{
	return bft_engine_receive(tc.r[i].e, buf, len, BFT_RX_VERIFIED);
}

/* Replays of an executed request: answered from the cache, not learned. */
TEST(endpoint_replayed_request_not_learned)
{
	struct bft_config o = { .batch_max = 1, .batch_delay_ms = 0 };
	u8 old[2048];
	u32 p, old_len, i, k;

	ASSERT_EQ(0, tc_init(&tc, 4, 1, &o));
	p = tc_primary(&tc);
	tc_submit(&tc, 0, false, false);
	tc_run(&tc);
	ASSERT_EQ(1, tc.c[0].accepted);
	ASSERT_EQ(1, tc.r[p].fresh[0]);
	for (i = 0; i < 4; i++)
		if (i != p)
			ASSERT_EQ(0, tc.r[i].fresh[0]);	/* saw it in the PP */
	memcpy(old, tc.c[0].req, tc.c[0].req_len);
	old_len = tc.c[0].req_len;

	/*
	 * The same datagram again, twice, to every replica: cached replies.
	 * The first copy a backup gets straight from the client (as a
	 * retransmission) shows where the client is; a second copy is a
	 * replay and moves nothing.
	 */
	for (k = 0; k < 2; k++) {
		for (i = 0; i < 4; i++) {
			u64 resent = ctr(i)->replies_resent;

			ASSERT_EQ(0, rx(i, old, old_len));
			ASSERT_EQ(resent + 1, ctr(i)->replies_resent);
			ASSERT_EQ(1, tc.r[i].fresh[0]);
		}
	}
	tc_run(&tc);

	/* A newer one moves it; replaying the older one afterwards not. */
	tc_submit(&tc, 0, false, true);
	tc_run(&tc);
	ASSERT_EQ(2, tc.c[0].accepted);
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(2, tc.r[i].fresh[0]);
		ASSERT_EQ(BFT_DROP_STALE, rx(i, old, old_len));
		ASSERT_EQ(0, rx(i, tc.c[0].req, tc.c[0].req_len));
		ASSERT_EQ(2, tc.r[i].fresh[0]);
	}
	tc_run(&tc);
	tc_free(&tc);
}

/* A read-only request replayed: executed again, learned once. */
TEST(endpoint_readonly_replay_not_learned)
{
	u32 i;

	ASSERT_EQ(0, tc_init(&tc, 4, 1, NULL));
	tc_submit(&tc, 0, true, true);
	tc_run(&tc);
	ASSERT_EQ(1, tc.c[0].accepted);
	for (i = 0; i < 4; i++) {
		u64 ro = ctr(i)->readonly_executed;

		ASSERT_EQ(1, tc.r[i].fresh[0]);
		ASSERT_EQ(0, rx(i, tc.c[0].req, tc.c[0].req_len));
		ASSERT_EQ(ro + 1, ctr(i)->readonly_executed);
		ASSERT_EQ(1, tc.r[i].fresh[0]);
	}
	tc_run(&tc);
	tc_free(&tc);
}

/* FETCH(STABLE) carries no timestamp: answered, never learned. */
TEST(endpoint_fetch_not_learned)
{
	u8 buf[BFT_WIRE_MAX_DGRAM];
	u32 len, i;

	ASSERT_EQ(0, tc_init(&tc, 4, 1, NULL));
	len = bft_enc_fetch_stable(buf, sizeof(buf), BFT_PRINCIPAL_CLIENT, 0, 0,
				   0);
	ASSERT_TRUE(len > 0);
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, rx(i, buf, len));
		ASSERT_EQ(1, ctr(i)->stable_queries);
		ASSERT_EQ(0, tc.r[i].fresh[0]);
	}
	tc_run(&tc);
	tc_free(&tc);
}

/* A copy the glue refused (relayed by a backup) leaves the ts unclaimed. */
TEST(endpoint_refused_copy_unclaimed)
{
	struct bft_config o = { .batch_max = 1, .batch_delay_ms = 0 };
	u32 p;

	ASSERT_EQ(0, tc_init(&tc, 4, 1, &o));
	p = tc_primary(&tc);
	tc_submit(&tc, 0, false, false);
	tc.r[p].refuse_fresh = true;
	ASSERT_EQ(0, rx(p, tc.c[0].req, tc.c[0].req_len));
	ASSERT_EQ(0, tc.r[p].fresh[0]);
	tc.r[p].refuse_fresh = false;
	/* The client's own copy of that timestamp is taken, once. */
	ASSERT_EQ(BFT_DROP_DUPLICATE, rx(p, tc.c[0].req, tc.c[0].req_len));
	ASSERT_EQ(1, tc.r[p].fresh[0]);
	ASSERT_EQ(BFT_DROP_DUPLICATE, rx(p, tc.c[0].req, tc.c[0].req_len));
	tc_run(&tc);
	ASSERT_EQ(1, tc.c[0].accepted);
	ASSERT_EQ(1, tc.r[p].fresh[0]);
	tc_free(&tc);
}

TEST_HARNESS_MAIN
