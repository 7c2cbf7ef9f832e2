// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint export and seeding: a replica's stable checkpoint stream,
 * handed to an empty replica, is installed locally only when Q replicas
 * certify the same (seq, digest); a wrong digest, a stream that lies
 * about its digest and a stale seed each fall back to state transfer.
 */
#include <string.h>

#include "cluster.h"
#include "harness.h"
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
static void export_to(struct bft_stable_info *si, u32 to)
{
	struct tc_replica *r = &tc.r[to];
	u64 off = 0;
	long got;

	T_EQ(bft_engine_stable(tc.r[1].e, si), 0);
	T_CHECK(si->size <= sizeof(r->seed));
	while (off < si->size) {
		got = bft_engine_stable_read(tc.r[1].e, si->seq, off,
					     r->seed + off, 3);
		T_CHECK(got > 0);
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

static void t_export(void)
{
	struct bft_stable_info si, si2;
	u8 buf[64];

	T_EQ(tc_init(&tc, 4, 1, &small), 0);
	T_EQ(bft_engine_stable(tc.r[1].e, &si), -ENOENT);
	requests(9);
	export_to(&si, 3);
	T_EQ(si.seq, 8);
	T_EQ(si.size, si.esz + 8);
	/* Q attesters, every replica's digest equal. */
	T_CHECK(bft_popcount64(si.attest) >= 3);
	T_EQ(bft_engine_stable(tc.r[2].e, &si2), 0);
	T_CHECK(!memcmp(si.digest, si2.digest, BFT_DIGEST_LEN));
	T_EQ(bft_engine_stable_read(tc.r[1].e, 8, si.size, buf, 64), 0);
	T_EQ(bft_engine_stable_read(tc.r[1].e, 4, 0, buf, 64), -ENOENT);
	/* Executed something: no seeding. */
	T_EQ(bft_engine_seed(tc.r[1].e, si.seq, si.digest, si.size), -EBUSY);
	tc_free(&tc);
}

static void t_seed_match(void)
{
	struct bft_stable_info si;

	T_EQ(tc_init(&tc, 4, 1, &small), 0);
	requests(9);
	T_EQ(tc_restart(&tc, 3), 0);
	export_to(&si, 3);
	T_EQ(bft_engine_seed(tc.r[3].e, 3, si.digest, si.size), -EINVAL);
	T_EQ(bft_engine_seed(tc.r[3].e, si.seq, si.digest, si.size), 0);
	T_EQ(bft_engine_seed(tc.r[3].e, si.seq, si.digest, si.size), -EBUSY);
	/* Idle cluster: the seed's FETCH(STABLE) gets the certificate. */
	tc_advance(&tc, 300, 100);
	T_EQ(ctr3()->xfer_local, 1);
	T_EQ(ctr3()->seed_rejected, 0);
	T_EQ(tc.r[3].seed_releases, 1);
	T_EQ(tc.r[3].last_seq, 8);
	settle();
	T_CHECK(converged());
	tc_free(&tc);
}

static void t_seed_mismatch(void)
{
	struct bft_stable_info si;

	T_EQ(tc_init(&tc, 4, 1, &small), 0);
	requests(9);
	T_EQ(tc_restart(&tc, 3), 0);
	export_to(&si, 3);
	si.digest[0] ^= 1;
	T_EQ(bft_engine_seed(tc.r[3].e, si.seq, si.digest, si.size), 0);
	tc_advance(&tc, 300, 100);
	T_EQ(ctr3()->seed_rejected, 1);
	T_EQ(tc.r[3].events[BFT_EV_SEED_REJECTED], 1);
	T_EQ(ctr3()->xfer_local, 0);
	T_EQ(tc.r[3].seed_releases, 1);
	T_CHECK(ctr3()->state_transfers >= 1);
	settle();
	T_CHECK(converged());
	tc_free(&tc);
}

/* The digest is the certified one but the stream is not: re-hashed. */
static void t_seed_lying_stream(void)
{
	struct bft_stable_info si;

	T_EQ(tc_init(&tc, 4, 1, &small), 0);
	requests(9);
	T_EQ(tc_restart(&tc, 3), 0);
	export_to(&si, 3);
	tc.r[3].seed[si.size - 1] ^= 1;
	T_EQ(bft_engine_seed(tc.r[3].e, si.seq, si.digest, si.size), 0);
	tc_advance(&tc, 300, 100);
	T_EQ(ctr3()->seed_rejected, 1);
	T_EQ(ctr3()->xfer_local, 0);
	T_EQ(ctr3()->xfer_failures, 1);
	settle();
	T_CHECK(ctr3()->state_transfers >= 1);
	T_CHECK(converged());
	tc_free(&tc);
}

static void t_seed_stale(void)
{
	struct bft_stable_info si;

	T_EQ(tc_init(&tc, 4, 1, &small), 0);
	requests(9);
	export_to(&si, 3);
	tc.down[3] = true;
	requests(8);		/* stable 16 now */
	T_EQ(tc_restart(&tc, 3), 0);
	tc.r[3].seed_len = si.size;	/* tc_restart kept the bytes */
	T_EQ(bft_engine_seed(tc.r[3].e, si.seq, si.digest, si.size), 0);
	tc.down[3] = false;
	tc_advance(&tc, 300, 100);
	T_EQ(ctr3()->seed_stale, 1);
	T_EQ(ctr3()->seed_rejected, 0);
	T_EQ(ctr3()->xfer_local, 0);
	T_EQ(tc.r[3].seed_releases, 1);
	settle();
	T_CHECK(converged());
	tc_free(&tc);
}

/* A seed ahead of the cluster waits; once passed, it is let go. */
static void t_seed_passed(void)
{
	u8 d[BFT_DIGEST_LEN] = { 1 };

	T_EQ(tc_init(&tc, 4, 1, &small), 0);
	requests(5);		/* stable 4 */
	T_EQ(tc_restart(&tc, 3), 0);
	tc.r[3].seed_len = tc.r[3].e->esz + 8;
	T_EQ(bft_engine_seed(tc.r[3].e, 12, d, tc.r[3].seed_len), 0);
	tc_advance(&tc, 300, 100);
	T_EQ(tc.r[3].seed_releases, 0);	/* 4 < 12: still waiting */
	settle();
	requests(8);		/* past 12 */
	tc_advance(&tc, 300, 100);
	T_EQ(tc.r[3].seed_releases, 1);
	T_EQ(ctr3()->xfer_local, 0);
	T_EQ(ctr3()->seed_stale + ctr3()->seed_rejected, 1);
	tc_advance(&tc, 300, 100);
	T_EQ(tc.r[3].e->probe_at, BFT_NO_DEADLINE);
	T_CHECK(converged());
	tc_free(&tc);
}

/* A client asks for the digest of a stable checkpoint. */
static void t_stable_query(void)
{
	u8 buf[BFT_WIRE_MAX_DGRAM];
	struct bft_stable_info si;
	u32 len;

	T_EQ(tc_init(&tc, 4, 1, &small), 0);
	requests(9);
	T_EQ(bft_engine_stable(tc.r[1].e, &si), 0);
	len = bft_enc_fetch_stable(buf, sizeof(buf), BFT_PRINCIPAL_CLIENT, 0, 0,
				   8);
	T_CHECK(len > 0);
	/* Unauthenticated path: the MAC check is the engine's. */
	T_EQ(bft_engine_receive(tc.r[1].e, buf, len, 0), BFT_DROP_MAC);
	T_EQ(bft_engine_receive(tc.r[1].e, buf, len, BFT_RX_VERIFIED), 0);
	T_EQ(bft_engine_counters(tc.r[1].e)->stable_queries, 1);
	/* Clients may ask for nothing else. */
	buf[16] = BFT_FETCH_STATE;
	T_EQ(bft_engine_receive(tc.r[1].e, buf, len, BFT_RX_VERIFIED),
	     BFT_DROP_PRINCIPAL);
	tc_free(&tc);
}

UNIT_TESTS(seed_tests) = {
	{ "seed_export_stream_and_busy", t_export },
	{ "seed_match_installs_locally", t_seed_match },
	{ "seed_digest_mismatch_rejected", t_seed_mismatch },
	{ "seed_lying_stream_rehashed", t_seed_lying_stream },
	{ "seed_stale_discarded", t_seed_stale },
	{ "seed_passed_by_the_replica", t_seed_passed },
	{ "seed_client_stable_query", t_stable_query },
	UNIT_END
};
