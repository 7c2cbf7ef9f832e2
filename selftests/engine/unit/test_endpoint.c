// SPDX-License-Identifier: GPL-2.0
/*
 * A client's endpoint moves only on a request with a timestamp the
 * replica has never seen (ops->client_fresh). A replayed REQUEST, a
 * retransmission or a FETCH(STABLE) must not move it, or anyone who
 * captured one datagram could redirect or reflect the client's replies.
 */
#include "harness.h"
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
static void t_replay_not_learned(void)
{
	struct bft_config o = { .batch_max = 1, .batch_delay_ms = 0 };
	u8 old[2048];
	u32 p, old_len, i, k;

	T_EQ(tc_init(&tc, 4, 1, &o), 0);
	p = tc_primary(&tc);
	tc_submit(&tc, 0, false, false);
	tc_run(&tc);
	T_EQ(tc.c[0].accepted, 1);
	T_EQ(tc.r[p].fresh[0], 1);
	for (i = 0; i < 4; i++)
		if (i != p)
			T_EQ(tc.r[i].fresh[0], 0);	/* saw it in the PP */
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

			T_EQ(rx(i, old, old_len), 0);
			T_EQ(ctr(i)->replies_resent, resent + 1);
			T_EQ(tc.r[i].fresh[0], 1);
		}
	}
	tc_run(&tc);

	/* A newer one moves it; replaying the older one afterwards not. */
	tc_submit(&tc, 0, false, true);
	tc_run(&tc);
	T_EQ(tc.c[0].accepted, 2);
	for (i = 0; i < 4; i++) {
		T_EQ(tc.r[i].fresh[0], 2);
		T_EQ(rx(i, old, old_len), BFT_DROP_STALE);
		T_EQ(rx(i, tc.c[0].req, tc.c[0].req_len), 0);
		T_EQ(tc.r[i].fresh[0], 2);
	}
	tc_run(&tc);
	tc_free(&tc);
}

/* A read-only request replayed: executed again, learned once. */
static void t_readonly_replay_not_learned(void)
{
	u32 i;

	T_EQ(tc_init(&tc, 4, 1, NULL), 0);
	tc_submit(&tc, 0, true, true);
	tc_run(&tc);
	T_EQ(tc.c[0].accepted, 1);
	for (i = 0; i < 4; i++) {
		u64 ro = ctr(i)->readonly_executed;

		T_EQ(tc.r[i].fresh[0], 1);
		T_EQ(rx(i, tc.c[0].req, tc.c[0].req_len), 0);
		T_EQ(ctr(i)->readonly_executed, ro + 1);
		T_EQ(tc.r[i].fresh[0], 1);
	}
	tc_run(&tc);
	tc_free(&tc);
}

/* FETCH(STABLE) carries no timestamp: answered, never learned. */
static void t_fetch_not_learned(void)
{
	u8 buf[BFT_WIRE_MAX_DGRAM];
	u32 len, i;

	T_EQ(tc_init(&tc, 4, 1, NULL), 0);
	len = bft_enc_fetch_stable(buf, sizeof(buf), BFT_PRINCIPAL_CLIENT, 0, 0,
				   0);
	T_CHECK(len > 0);
	for (i = 0; i < 4; i++) {
		T_EQ(rx(i, buf, len), 0);
		T_EQ(ctr(i)->stable_queries, 1);
		T_EQ(tc.r[i].fresh[0], 0);
	}
	tc_run(&tc);
	tc_free(&tc);
}

/* A copy the glue refused (relayed by a backup) leaves the ts unclaimed. */
static void t_refused_copy_unclaimed(void)
{
	struct bft_config o = { .batch_max = 1, .batch_delay_ms = 0 };
	u32 p;

	T_EQ(tc_init(&tc, 4, 1, &o), 0);
	p = tc_primary(&tc);
	tc_submit(&tc, 0, false, false);
	tc.r[p].refuse_fresh = true;
	T_EQ(rx(p, tc.c[0].req, tc.c[0].req_len), 0);
	T_EQ(tc.r[p].fresh[0], 0);
	tc.r[p].refuse_fresh = false;
	/* The client's own copy of that timestamp is taken, once. */
	T_EQ(rx(p, tc.c[0].req, tc.c[0].req_len), BFT_DROP_DUPLICATE);
	T_EQ(tc.r[p].fresh[0], 1);
	T_EQ(rx(p, tc.c[0].req, tc.c[0].req_len), BFT_DROP_DUPLICATE);
	tc_run(&tc);
	T_EQ(tc.c[0].accepted, 1);
	T_EQ(tc.r[p].fresh[0], 1);
	tc_free(&tc);
}

UNIT_TESTS(endpoint_tests) = {
	{ "endpoint_replayed_request_not_learned", t_replay_not_learned },
	{ "endpoint_readonly_replay_not_learned",
	  t_readonly_replay_not_learned },
	{ "endpoint_fetch_not_learned", t_fetch_not_learned },
	{ "endpoint_refused_copy_unclaimed", t_refused_copy_unclaimed },
	UNIT_END
};
