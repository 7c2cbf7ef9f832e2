// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint export and seeding: a replica's stable checkpoint stream,
 * handed to an empty replica, is installed locally only when Q replicas
 * certify the same (seq, digest); a wrong digest, a stream that lies
 * about its digest and a stale seed each fall back to state transfer.
 */
#include <string.h>

#include "cluster.h"
#include "kselftest_harness.h"
#include "internal.h"

static struct tc tc;

static const struct bft_config small = {
	.batch_max = 1, .ckpt_interval = 4, .log_size = 8,
};

static void requests(u32 k)
{
	while (k--) {
		tc_submit(&tc, 0, false, false);
		tc_run(&tc);
	}
}

/* Replica 1's stable checkpoint into the seed buffer of replica 3. */
static void export_to(struct __test_metadata *_metadata,
		      struct bft_stable_info *si, u32 to)
{
	struct tc_replica *r = &tc.r[to];
	u64 off = 0;
	long got;

	ASSERT_EQ(0, bft_engine_stable(tc.r[1].e, si));
	ASSERT_TRUE(si->size <= sizeof(r->seed));
	while (off < si->size) {
		got = bft_engine_stable_read(tc.r[1].e, si->seq, off,
					     r->seed + off, 3);
		ASSERT_TRUE(got > 0);
		if (got <= 0)
			return;
		off += (u64)got;
	}
	r->seed_len = si->size;
}

static bool converged(void)
{
	struct bft_info a, b;
	u32 i;

	bft_engine_info(tc.r[0].e, &a);
	for (i = 1; i < tc.n; i++) {
		bft_engine_info(tc.r[i].e, &b);
		if (b.last_exec != a.last_exec ||
		    tc.r[i].counter != tc.r[0].counter)
			return false;
	}
	return true;
}

static void settle(void)
{
	u32 k;

	for (k = 0; k < 6; k++) {
		requests(1);
		tc_advance(&tc, 300, 100);
	}
}

static const struct bft_counters *ctr3(void)
{
	return bft_engine_counters(tc.r[3].e);
}

TEST(seed_export_stream_and_busy)
{
	struct bft_stable_info si, si2;
	u8 buf[64];

	ASSERT_EQ(0, tc_init(&tc, 4, 1, &small));
	ASSERT_EQ(-ENOENT, bft_engine_stable(tc.r[1].e, &si));
	requests(9);
	export_to(_metadata, &si, 3);
	ASSERT_EQ(8, si.seq);
	ASSERT_EQ(si.esz + 8, si.size);
	/* Q attesters, every replica's digest equal. */
	ASSERT_TRUE(bft_popcount64(si.attest) >= 3);
	ASSERT_EQ(0, bft_engine_stable(tc.r[2].e, &si2));
	ASSERT_TRUE(!memcmp(si.digest, si2.digest, BFT_DIGEST_LEN));
	ASSERT_EQ(0, bft_engine_stable_read(tc.r[1].e, 8, si.size, buf, 64));
	ASSERT_EQ(-ENOENT, bft_engine_stable_read(tc.r[1].e, 4, 0, buf, 64));
	/* Executed something: no seeding. */
	ASSERT_EQ(-EBUSY,
		  bft_engine_seed(tc.r[1].e, si.seq, si.digest, si.size));
	tc_free(&tc);
}

TEST(seed_match_installs_locally)
{
	struct bft_stable_info si;

	ASSERT_EQ(0, tc_init(&tc, 4, 1, &small));
	requests(9);
	ASSERT_EQ(0, tc_restart(&tc, 3));
	export_to(_metadata, &si, 3);
	ASSERT_EQ(-EINVAL, bft_engine_seed(tc.r[3].e, 3, si.digest, si.size));
	ASSERT_EQ(0, bft_engine_seed(tc.r[3].e, si.seq, si.digest, si.size));
	ASSERT_EQ(-EBUSY,
		  bft_engine_seed(tc.r[3].e, si.seq, si.digest, si.size));
	/* Idle cluster: the seed's FETCH(STABLE) gets the certificate. */
	tc_advance(&tc, 300, 100);
	ASSERT_EQ(1, ctr3()->xfer_local);
	ASSERT_EQ(0, ctr3()->seed_rejected);
	ASSERT_EQ(1, tc.r[3].seed_releases);
	/* The install asked for the log past 8 at once: 9 is in too. */
	ASSERT_EQ(9, tc.r[3].last_seq);
	settle();
	ASSERT_TRUE(converged());
	tc_free(&tc);
}

TEST(seed_digest_mismatch_rejected)
{
	struct bft_stable_info si;

	ASSERT_EQ(0, tc_init(&tc, 4, 1, &small));
	requests(9);
	ASSERT_EQ(0, tc_restart(&tc, 3));
	export_to(_metadata, &si, 3);
	si.digest[0] ^= 1;
	ASSERT_EQ(0, bft_engine_seed(tc.r[3].e, si.seq, si.digest, si.size));
	tc_advance(&tc, 300, 100);
	ASSERT_EQ(1, ctr3()->seed_rejected);
	ASSERT_EQ(1, tc.r[3].events[BFT_EV_SEED_REJECTED]);
	ASSERT_EQ(0, ctr3()->xfer_local);
	ASSERT_EQ(1, tc.r[3].seed_releases);
	ASSERT_TRUE(ctr3()->state_transfers >= 1);
	settle();
	ASSERT_TRUE(converged());
	tc_free(&tc);
}

/* The digest is the certified one but the stream is not: re-hashed. */
TEST(seed_lying_stream_rehashed)
{
	struct bft_stable_info si;

	ASSERT_EQ(0, tc_init(&tc, 4, 1, &small));
	requests(9);
	ASSERT_EQ(0, tc_restart(&tc, 3));
	export_to(_metadata, &si, 3);
	tc.r[3].seed[si.size - 1] ^= 1;
	ASSERT_EQ(0, bft_engine_seed(tc.r[3].e, si.seq, si.digest, si.size));
	tc_advance(&tc, 300, 100);
	ASSERT_EQ(1, ctr3()->seed_rejected);
	ASSERT_EQ(0, ctr3()->xfer_local);
	ASSERT_EQ(1, ctr3()->xfer_failures);
	settle();
	ASSERT_TRUE(ctr3()->state_transfers >= 1);
	ASSERT_TRUE(converged());
	tc_free(&tc);
}

TEST(seed_stale_discarded)
{
	struct bft_stable_info si;

	ASSERT_EQ(0, tc_init(&tc, 4, 1, &small));
	requests(9);
	export_to(_metadata, &si, 3);
	tc.down[3] = true;
	requests(8);		/* stable 16 now */
	ASSERT_EQ(0, tc_restart(&tc, 3));
	tc.r[3].seed_len = si.size;	/* tc_restart kept the bytes */
	ASSERT_EQ(0, bft_engine_seed(tc.r[3].e, si.seq, si.digest, si.size));
	tc.down[3] = false;
	tc_advance(&tc, 300, 100);
	ASSERT_EQ(1, ctr3()->seed_stale);
	ASSERT_EQ(0, ctr3()->seed_rejected);
	ASSERT_EQ(0, ctr3()->xfer_local);
	ASSERT_EQ(1, tc.r[3].seed_releases);
	settle();
	ASSERT_TRUE(converged());
	tc_free(&tc);
}

/* A seed ahead of the cluster waits; once passed, it is let go. */
TEST(seed_passed_by_the_replica)
{
	u8 d[BFT_DIGEST_LEN] = { 1 };

	ASSERT_EQ(0, tc_init(&tc, 4, 1, &small));
	requests(5);		/* stable 4 */
	ASSERT_EQ(0, tc_restart(&tc, 3));
	tc.r[3].seed_len = tc.r[3].e->esz + 8;
	ASSERT_EQ(0, bft_engine_seed(tc.r[3].e, 12, d, tc.r[3].seed_len));
	tc_advance(&tc, 300, 100);
	ASSERT_EQ(0, tc.r[3].seed_releases);	/* 4 < 12: still waiting */
	settle();
	requests(8);		/* past 12 */
	tc_advance(&tc, 300, 100);
	ASSERT_EQ(1, tc.r[3].seed_releases);
	ASSERT_EQ(0, ctr3()->xfer_local);
	ASSERT_EQ(1, ctr3()->seed_stale + ctr3()->seed_rejected);
	tc_advance(&tc, 300, 100);
	ASSERT_EQ(BFT_NO_DEADLINE, tc.r[3].e->st.probe_at);
	ASSERT_TRUE(converged());
	tc_free(&tc);
}

/* A client asks for the digest of a stable checkpoint. */
TEST(seed_client_stable_query)
{
	u8 buf[BFT_WIRE_MAX_DGRAM];
	struct bft_stable_info si;
	u32 len;

	ASSERT_EQ(0, tc_init(&tc, 4, 1, &small));
	requests(9);
	ASSERT_EQ(0, bft_engine_stable(tc.r[1].e, &si));
	len = bft_enc_fetch_stable(buf, sizeof(buf), BFT_PRINCIPAL_CLIENT, 0, 0,
				   8);
	ASSERT_TRUE(len > 0);
	/* Unauthenticated path: the MAC check is the engine's. */
	ASSERT_EQ(BFT_DROP_MAC, bft_engine_receive(tc.r[1].e, buf, len, 0));
	ASSERT_EQ(0, bft_engine_receive(tc.r[1].e, buf, len, BFT_RX_VERIFIED));
	ASSERT_EQ(1, bft_engine_counters(tc.r[1].e)->stable_queries);
	/* Clients may ask for nothing else. */
	buf[BFT_HDR_LEN] = BFT_FETCH_STATE;
	ASSERT_EQ(BFT_DROP_PRINCIPAL,
		  bft_engine_receive(tc.r[1].e, buf, len, BFT_RX_VERIFIED));
	tc_free(&tc);
}

TEST_HARNESS_MAIN
