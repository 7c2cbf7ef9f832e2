// SPDX-License-Identifier: GPL-2.0
/*
 * Scripted-insider regression tests (issue 10): a NEW-VIEW that one
 * faulty replica tries to make unverifiable (finding 3), retried help
 * for a straggler (6b), and drop counters charged only to authenticated
 * senders (6e).
 */
#include "kselftest_harness.h"
#include "cluster.h"
#include "wire.h"

static struct tc tc;

static const struct bft_counters *ctr(u32 i)
{
	return bft_engine_counters(tc.r[i].e);
}

/* 6e: a forged datagram claiming to be from r2 is not r2's fault. */
TEST(forged_sender_not_charged)
{
	struct bft_config o = { .batch_max = 1 };
	u8 buf[BFT_WIRE_MAX_DGRAM], d[BFT_DIGEST_LEN] = { 1 };
	u32 len;

	ASSERT_EQ(0, tc_init(&tc, 4, 1, &o));
	len = bft_enc_agree(buf, sizeof(buf), BFT_MSG_PREPARE, 2, 0, 1, d);
	memset(buf + len - BFT_MAC_LEN, 0x5a, BFT_MAC_LEN);
	ASSERT_EQ(BFT_DROP_MAC, bft_engine_receive(tc.r[0].e, buf, len, 0));
	/* A malformed one (reserved bits) is not charged either. */
	buf[3] ^= 0x80;
	ASSERT_TRUE(bft_engine_receive(tc.r[0].e, buf, len, 0) != 0);
	ASSERT_EQ(1, ctr(0)->drop_reason[BFT_DROP_MAC]);
	ASSERT_EQ(1, ctr(0)->mac_failed);
	ASSERT_EQ(2, ctr(0)->dropped[BFT_MSG_PREPARE]);
	ASSERT_EQ(0, ctr(0)->peer[2].mac_failed);
	ASSERT_EQ(0, ctr(0)->peer[2].dropped);
	/* Correctly MAC'd but wrong: that is r2's doing. */
	buf[3] ^= 0x80;
	tc_inject(&tc, 2, 0, buf, len);	/* view 0 from a backup: fine */
	len = bft_enc_vc_ack(buf, sizeof(buf), 2, 1, 3, d);
	tc_inject(&tc, 2, 0, buf, len);	/* r0 is not view 1's primary */
	tc_run(&tc);
	ASSERT_EQ(1, ctr(0)->drop_reason[BFT_DROP_NOT_PRIMARY]);
	ASSERT_EQ(1, ctr(0)->peer[2].dropped);
	ASSERT_EQ(1, ctr(0)->peer[2].recv);
	tc_free(&tc);
}

/* Correct replicas r0, r1 (view 1's primary) and r3 are in view 1. */
static void check_view1_clean(struct __test_metadata *_metadata)
{
	static const u32 good[] = { 0, 1, 3 };
	struct bft_info info;
	u32 k, i;

	for (k = 0; k < 3; k++) {
		i = good[k];
		bft_engine_info(tc.r[i].e, &info);
		if (info.view != 1 || info.status != BFT_ST_NORMAL)
			TH_LOG("r%u: view %llu status %u, nv_invalid %llu",
			       i, (unsigned long long)info.view, info.status,
			       (unsigned long long)
			       ctr(i)->drop_reason[BFT_DROP_NV_INVALID]);
		ASSERT_EQ(1, info.view);
		ASSERT_EQ(BFT_ST_NORMAL, info.status);
		ASSERT_EQ(1, ctr(i)->new_views);
		ASSERT_EQ(0, ctr(i)->drop_reason[BFT_DROP_NV_INVALID]);
		ASSERT_EQ(0, ctr(i)->peer[1].evidence);
	}
}

/*
 * Replicas 0..2 start the change to view 1; r3's VIEW-CHANGE does not
 * reach r1, so NEW-VIEW(1) names those of r0, r1 and B = r2.
 */
static void change_to_view1(void)
{
	u32 i;

	tc.cut[3][1] = true;
	for (i = 0; i < 3; i++)
		bft_engine_request_view_change(tc.r[i].e);
	tc_run(&tc);
	tc.cut[3][1] = false;
}

/*
 * Finding 3a: B's VIEW-CHANGE(1) is acked and named in NEW-VIEW(1); then,
 * before the NEW-VIEW reaches them, B sends the backups VIEW-CHANGE(2).
 * They must still validate the correct NEW-VIEW(1).
 */
TEST(nv_named_vc_overwritten)
{
	struct bft_config o = { .batch_max = 1, .vc_timeout_ms = 1000 };

	ASSERT_EQ(0, tc_init(&tc, 4, 1, &o));
	tc_submit(&tc, 0, false, false);
	tc_run(&tc);
	ASSERT_EQ(1, tc.c[0].accepted);
	tc.hold[1][0] = true;
	tc.hold[1][3] = true;
	change_to_view1();
	ASSERT_EQ(1, ctr(1)->new_views);
	/* B, already in view 1 at r1, asks the others for view 2. */
	bft_engine_request_view_change(tc.r[2].e);
	tc_run(&tc);
	ASSERT_EQ(1, ctr(0)->recv[BFT_MSG_VIEW_CHANGE] >= 2);
	tc_release(&tc, 1, 0);
	tc_release(&tc, 1, 3);
	tc_run(&tc);
	check_view1_clean(_metadata);
	/* The kept copy sufficed: nothing had to be fetched. */
	ASSERT_EQ(0, ctr(0)->vc_fetch_requests + ctr(3)->vc_fetch_requests);
	tc.mute[2] = true;	/* B is silent from now on */
	tc_submit(&tc, 0, false, true);
	tc_advance(&tc, 500, 50);
	ASSERT_EQ(2, tc.c[0].accepted);
	tc_free(&tc);
}

/*
 * Finding 3b: B sends its VIEW-CHANGE(1) only to the primary and one
 * acker (r0). r3 must obtain the named copy, not wait for ever.
 */
TEST(nv_named_vc_missing)
{
	struct bft_config o = { .batch_max = 1, .vc_timeout_ms = 1000 };

	ASSERT_EQ(0, tc_init(&tc, 4, 1, &o));
	tc_submit(&tc, 0, false, false);
	tc_run(&tc);
	ASSERT_EQ(1, tc.c[0].accepted);
	tc.cut[2][3] = true;
	change_to_view1();
	ASSERT_EQ(1, ctr(1)->new_views);
	tc.mute[2] = true;	/* B says nothing more */
	tc_advance(&tc, 500, 50);
	check_view1_clean(_metadata);
	ASSERT_EQ(1, ctr(3)->vc_fetched);
	tc_submit(&tc, 0, false, true);
	tc_advance(&tc, 500, 50);
	ASSERT_EQ(2, tc.c[0].accepted);
	tc_free(&tc);
}

/* r0's VIEW-CHANGE(1), as the tap saw it (to B). */
static u8 r0_vc[BFT_WIRE_MAX_DGRAM];
static u32 r0_vc_len;

static bool tap_r0_vc(struct tc *t, u32 from, u32 to, u8 *buf, u32 len)
{
	(void)t;
	if (from == 0 && to == 2 && bft_wget8(buf, bft_hdr, kind) == BFT_MSG_VIEW_CHANGE &&
	    bft_wget64(buf, bft_view_change, new_view) == 1) {
		memcpy(r0_vc, buf, len);
		r0_vc_len = len;
	}
	return true;
}

/* B relays @chunk to r3 as r0's VIEW-CHANGE(1), named @digest. */
static void b_relays(const u8 *chunk, u32 clen, const u8 *digest)
{
	static u8 out[BFT_WIRE_MAX_DGRAM];
	u32 n;

	n = bft_enc_data(out, sizeof(out), 2, BFT_FETCH_VC, 1, 0, clen, 0,
			 digest, chunk, clen);
	tc_inject(&tc, 2, 3, out, n);
	tc_run(&tc);
}

/*
 * f+1 relays, not fewer: r3 misses the VIEW-CHANGEs of r0 and B, and
 * only r1 relays at first. One faulty relayer (B) cannot complete r0's
 * copy with junk, only with the bytes r0 really sent.
 */
TEST(nv_fetch_needs_f_plus_1)
{
	struct bft_config o = { .batch_max = 1, .vc_timeout_ms = 1000 };
	u8 d[BFT_DIGEST_LEN], junk[BFT_VC_FIXED + 40];
	struct bft_sha_ctx c;
	struct bft_info info;

	ASSERT_EQ(0, tc_init(&tc, 4, 1, &o));
	tc.tap = tap_r0_vc;
	tc_submit(&tc, 0, false, false);
	tc_run(&tc);
	tc.cut[2][3] = true;
	tc.cut[0][3] = true;
	change_to_view1();
	tc.mute[2] = true;
	ASSERT_TRUE(r0_vc_len > BFT_VC_FIXED + BFT_MAC_LEN);
	tc_advance(&tc, 1000, 50);
	bft_engine_info(tc.r[3].e, &info);
	ASSERT_EQ(0, info.view);	/* NEW-VIEW(1) pending */
	ASSERT_TRUE(ctr(3)->vc_fetch_requests >= 2);
	ASSERT_TRUE(ctr(1)->vc_relayed >= 2);
	ASSERT_EQ(0, ctr(3)->vc_fetched);
	/* Junk under the named digest: dropped, and B's doing. */
	bft_sha_init(&c);
	bft_sha_update(&c, r0_vc, r0_vc_len - BFT_MAC_LEN);
	bft_sha_final(&c, d);
	memcpy(junk, r0_vc, sizeof(junk));
	junk[BFT_VC_FIXED] ^= 1;
	tc.cut[2][3] = false;	/* B is muted: only what we inject */
	b_relays(junk, sizeof(junk), d);
	ASSERT_EQ(1, ctr(3)->drop_reason[BFT_DROP_DIGEST]);
	ASSERT_EQ(1, ctr(3)->peer[2].dropped);
	ASSERT_EQ(0, ctr(3)->vc_fetched);
	/* The real bytes: B and r1 make f+1. */
	b_relays(r0_vc, r0_vc_len - BFT_MAC_LEN, d);
	ASSERT_EQ(1, ctr(3)->vc_fetched);
	bft_engine_info(tc.r[3].e, &info);
	ASSERT_EQ(0, info.view);	/* B's is still missing */
	tc.cut[0][3] = false;	/* r0 relays it too */
	tc_advance(&tc, 500, 50);
	ASSERT_EQ(2, ctr(3)->vc_fetched);
	check_view1_clean(_metadata);
	tc_free(&tc);
}

static bool tap_drop_r1_vc_to_r3(struct tc *t, u32 from, u32 to, u8 *buf,
				 u32 len)
{
	(void)t;
	(void)len;
	return !(from == 1 && to == 3 && bft_wget8(buf, bft_hdr, kind) == BFT_MSG_VIEW_CHANGE);
}

/*
 * r3 lost the new primary's own VIEW-CHANGE, and only the primary can
 * answer: a copy relayed by its author carries the author's MAC and is
 * taken at once (Twins found this stall, id 165416190998).
 */
TEST(nv_fetch_from_author)
{
	struct bft_config o = { .batch_max = 1, .vc_timeout_ms = 1000 };

	ASSERT_EQ(0, tc_init(&tc, 4, 1, &o));
	tc.tap = tap_drop_r1_vc_to_r3;
	tc_submit(&tc, 0, false, false);
	tc_run(&tc);
	change_to_view1();
	tc.cut[0][3] = true;
	tc.cut[2][3] = true;
	tc_advance(&tc, 500, 50);
	ASSERT_EQ(1, ctr(3)->vc_fetched);
	ASSERT_EQ(1, ctr(1)->vc_relayed);
	check_view1_clean(_metadata);
	tc_free(&tc);
}

/* FETCH(VC) and DATA(VC) decoders. */
TEST(vcfetch_wire)
{
	struct bft_wire_limits lim = { .n = 4, .log_size = 8 };
	u8 buf[BFT_WIRE_MAX_DGRAM], d[BFT_DIGEST_LEN] = { 9 };
	u8 chunk[BFT_VC_FIXED + 8 * 40 + 8 * 96 + 1] = { 0 };
	struct bft_fetch_view f;
	struct bft_data_view dv;
	u32 len;

	len = bft_enc_fetch(buf, sizeof(buf), 1, 0, BFT_FETCH_VC, 5, 3, d);
	ASSERT_EQ(0, bft_wire_parse_fetch(buf, len, &f));
	ASSERT_EQ(BFT_FETCH_VC, f.what);
	ASSERT_EQ(5, f.seq);
	ASSERT_EQ(3, f.offset);
	len = bft_enc_fetch(buf, sizeof(buf), 1, 0, BFT_FETCH_VC, 5,
			    BFT_MAX_REPLICAS, d);
	ASSERT_EQ(BFT_DROP_RESERVED, bft_wire_parse_fetch(buf, len, &f));
	len = bft_enc_data(buf, sizeof(buf), 1, BFT_FETCH_VC, 5, 0,
			   BFT_VC_FIXED, 3, d, chunk, BFT_VC_FIXED);
	ASSERT_EQ(0, bft_wire_parse_data(buf, len, &lim, &dv));
	ASSERT_EQ(3, dv.count);
	len = bft_enc_data(buf, sizeof(buf), 1, BFT_FETCH_VC, 5, 0,
			   BFT_VC_FIXED, 4, d, chunk, BFT_VC_FIXED);
	ASSERT_EQ(BFT_DROP_RESERVED, bft_wire_parse_data(buf, len, &lim, &dv));
	len = bft_enc_data(buf, sizeof(buf), 1, BFT_FETCH_VC, 5, 0,
			   BFT_VC_FIXED - 1, 3, d, chunk, BFT_VC_FIXED - 1);
	ASSERT_EQ(BFT_DROP_SHORT, bft_wire_parse_data(buf, len, &lim, &dv));
	len = bft_enc_data(buf, sizeof(buf), 1, BFT_FETCH_VC, 5, 0,
			   sizeof(chunk), 3, d, chunk, sizeof(chunk));
	ASSERT_EQ(BFT_DROP_TOO_LONG, bft_wire_parse_data(buf, len, &lim, &dv));
	len = bft_enc_data(buf, sizeof(buf), 1, BFT_FETCH_VC, 5, 1,
			   BFT_VC_FIXED + 1, 3, d, chunk, BFT_VC_FIXED);
	ASSERT_EQ(BFT_DROP_LEN, bft_wire_parse_data(buf, len, &lim, &dv));
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
TEST(straggler_help_retried)
{
	struct bft_config o = { .batch_max = 1, .vc_timeout_ms = 1000 };
	struct bft_info info;
	u64 before;
	u32 i;

	ASSERT_EQ(0, tc_init(&tc, 4, 1, &o));
	tc_submit(&tc, 0, false, false);
	tc_run(&tc);
	ASSERT_EQ(1, tc.c[0].accepted);
	tc_isolate(&tc, 3, true);
	for (i = 0; i < 3; i++)
		bft_engine_request_view_change(tc.r[i].e);
	tc_run(&tc);
	bft_engine_info(tc.r[1].e, &info);
	ASSERT_EQ(1, info.view);
	ASSERT_EQ(BFT_ST_NORMAL, info.status);
	/* r3 reaches the others, but their first help is lost. */
	for (i = 0; i < 3; i++)
		tc.cut[3][i] = false;
	bft_engine_request_view_change(tc.r[3].e);
	tc_run(&tc);
	for (i = 0; i < 3; i++)
		ASSERT_EQ(1, ctr(i)->recv[BFT_MSG_VIEW_CHANGE] >= 3);
	tc_isolate(&tc, 3, false);
	tc_advance(&tc, 3000, 50);
	bft_engine_info(tc.r[3].e, &info);
	ASSERT_EQ(1, info.view);
	ASSERT_EQ(BFT_ST_NORMAL, info.status);
	ASSERT_EQ(1, ctr(3)->new_views);
	/* Idle and level: nobody helps anybody any more. */
	before = vc_sent();
	tc_advance(&tc, 20000, 50);
	ASSERT_EQ(before, vc_sent());
	tc_submit(&tc, 0, false, false);
	tc_run(&tc);
	ASSERT_EQ(2, tc.c[0].accepted);
	ASSERT_EQ(tc.r[1].counter, tc.r[3].counter);
	tc_free(&tc);
}

TEST_HARNESS_MAIN
