// SPDX-License-Identifier: GPL-2.0
/*
 * Scripted insider (issue 10): one faulty replica B sends correctly
 * authenticated messages of the test's choosing, and links are cut or
 * held, to build the schedules random Byzantine mutation never finds.
 */
#include "kselftest_harness.h"
#include "cluster.h"
#include "wire.h"

extern u64 bft_test_sha_calls;

static struct tc tc;

static void info(u32 i, struct bft_info *in)
{
	bft_engine_info(tc.r[i].e, in);
}

/* A VIEW-CHANGE from @from for view @v claiming checkpoint 0 only. */
static u32 enc_vc0(u8 *buf, u32 from, u64 v)
{
	struct bft_ckpt_h ck;
	struct bft_info in;

	info(0, &in);
	ck.seq = 0;
	memcpy(ck.digest, in.stable_digest, BFT_DIGEST_LEN);
	return bft_enc_vc(buf, BFT_WIRE_MAX_DGRAM, from, v, 0, &ck, 1, NULL,
			  0);
}

/*
 * What B's own engine may send: only to @b_only_to (if < n), or only
 * VIEW-CHANGE-ACKs; the test scripts the rest.
 */
static u32 b_only_to;

static bool tap_b(struct tc *t, u32 from, u32 to, u8 *buf, u32 len)
{
	(void)len;
	if (from != 1)
		return true;
	if (b_only_to < t->n)
		return to == b_only_to;
	return bft_wget8(buf, bft_hdr, kind) == BFT_MSG_VC_ACK;
}

/*
 * Finding 1: B (r1, primary of view 1) sends NEW-VIEW(1) to r3 only and
 * a null PRE-PREPARE(v1, seq 1) to r2, which missed seq 1 and learnt of
 * view 1 from B and r3 alone. The view change to 2 then uses r0, r2 and
 * B, and B claims null prepared at seq 1 in view 1. r2 must not back
 * that claim: d committed at seq 1 in view 0.
 */
TEST(insider_jump_no_pp)
{
	struct bft_config o = { .batch_max = 1, .vc_timeout_ms = 1000 };
	u8 buf[BFT_WIRE_MAX_DGRAM], null[BFT_DIGEST_LEN];
	struct bft_vc_entry_h ent;
	struct bft_ckpt_h ck;
	struct bft_info in;
	u32 len, i, st2;

	ASSERT_EQ(0, tc_init(&tc, 4, 2, &o));
	bft_null_digest(null);
	/* 1. d commits at seq 1 in view 0; r2 hears none of it. */
	for (i = 0; i < 4; i++)
		tc.cut[i][2] = true;
	tc_submit(&tc, 0, false, false);
	tc_run(&tc);
	ASSERT_EQ(1, tc.c[0].accepted);
	ASSERT_EQ(1, tc.r[0].last_seq);
	ASSERT_EQ(0, tc.r[2].last_seq);
	/* 2. View change to 1: B's NEW-VIEW(1) reaches r3 only. */
	tc.cut[1][2] = false;
	tc.cut[3][2] = false;
	b_only_to = 3;
	tc.tap = tap_b;
	tc.hold[3][2] = true;
	bft_engine_request_view_change(tc.r[0].e);
	bft_engine_request_view_change(tc.r[3].e);
	tc_run(&tc);
	info(3, &in);
	ASSERT_EQ(1, in.view);
	ASSERT_EQ(BFT_ST_NORMAL, in.status);
	info(0, &in);
	ASSERT_EQ(1, in.view);
	ASSERT_EQ(BFT_ST_VIEW_CHANGE, in.status);
	info(2, &in);
	ASSERT_EQ(0, in.view);
	/* 3.-4. r2 learns of view 1 from r3 and B; B pre-prepares null. */
	tc_release(&tc, 3, 2);
	tc_run(&tc);
	len = bft_enc_preprepare(buf, sizeof(buf), 1, 1, 1, null, 0, NULL, 0);
	tc_inject(&tc, 1, 2, buf, len);
	tc_run(&tc);
	tc_inject(&tc, 1, 2, buf, len);
	tc_run(&tc);
	info(2, &in);
	ASSERT_EQ(1, in.view);
	st2 = in.status;
	/* 5. View change to 2 among r0, r2 and B; B claims null prepared. */
	tc_isolate(&tc, 3, true);
	tc.cut[0][2] = false;
	b_only_to = (u32)-1;
	info(0, &in);
	ck.seq = 0;
	memcpy(ck.digest, in.stable_digest, BFT_DIGEST_LEN);
	memset(&ent, 0, sizeof(ent));
	ent.seq = 1;
	ent.flags = BFT_VC_E_PREPARED;
	ent.pp_view = 1;
	ent.p_view = 1;
	memcpy(ent.pp_digest, null, BFT_DIGEST_LEN);
	memcpy(ent.p_digest, null, BFT_DIGEST_LEN);
	len = bft_enc_vc(buf, sizeof(buf), 1, 2, 0, &ck, 1, &ent, 1);
	tc_inject(&tc, 1, 0, buf, len);
	tc_inject(&tc, 1, 2, buf, len);
	tc_run(&tc);
	bft_engine_request_view_change(tc.r[0].e);
	tc_run(&tc);
	/* B completes whatever NEW-VIEW(2) assigned to seq 1. */
	len = bft_enc_agree(buf, sizeof(buf), BFT_MSG_PREPARE, 1, 2, 1, null);
	tc_inject(&tc, 1, 0, buf, len);
	tc_inject(&tc, 1, 2, buf, len);
	len = bft_enc_agree(buf, sizeof(buf), BFT_MSG_COMMIT, 1, 2, 1, null);
	tc_inject(&tc, 1, 0, buf, len);
	tc_inject(&tc, 1, 2, buf, len);
	tc_run(&tc);
	ASSERT_EQ(1, tc.r[0].exec_log[1]);
	if (tc.r[2].last_seq)
		ASSERT_EQ(1, tc.r[2].exec_log[1]);
	/* r2 joined view change 1: no NEW-VIEW, so no normal status. */
	ASSERT_EQ(BFT_ST_VIEW_CHANGE, st2);
	/* 6. r3 comes back; the cluster must agree on seq 1 and go on. */
	tc_isolate(&tc, 3, false);
	tc_advance(&tc, 20000, 50);
	tc_submit(&tc, 1, false, true);
	tc_advance(&tc, 20000, 50);
	ASSERT_EQ(1, tc.c[1].accepted);
	for (i = 0; i < 4; i++) {
		if (i == 1)
			continue;
		ASSERT_TRUE(tc.r[i].last_seq >= 2);
		ASSERT_EQ(tc.r[0].exec_log[1], tc.r[i].exec_log[1]);
		ASSERT_EQ(tc.r[0].counter, tc.r[i].counter);
	}
	ASSERT_EQ(1, tc.r[0].exec_log[1]);
	tc_free(&tc);
}

/*
 * Finding 2 and views stay bounded: one VIEW-CHANGE(2^64 - 2) from B
 * (r3) while the others are split between views (r0 cut off) must not
 * drag them there: the primary of view 2^64 - 1 is B, view + 1 wraps
 * to 0 and the timer died. A replica moves only on f+1 replicas' word
 * or its own timeout.
 */
TEST(insider_hostile_view)
{
	struct bft_config o = { .batch_max = 1, .vc_timeout_ms = 1000 };
	u8 buf[BFT_WIRE_MAX_DGRAM], d[BFT_DIGEST_LEN] = { 1 };
	struct bft_info in;
	u64 dropped[4];
	u32 len, i, k;

	ASSERT_EQ(0, tc_init(&tc, 4, 1, &o));
	tc.mute[3] = true;
	tc_submit(&tc, 0, false, false);
	tc_run(&tc);
	ASSERT_EQ(1, tc.c[0].accepted);
	len = enc_vc0(buf, 3, (u64)-2);
	tc_inject_all(&tc, 3, buf, len);
	len = bft_enc_agree(buf, sizeof(buf), BFT_MSG_PREPARE, 3, (u64)-1, 1,
			    d);
	tc_inject_all(&tc, 3, buf, len);
	tc_run(&tc);
	for (i = 0; i < 4; i++)
		dropped[i] = bft_engine_counters(tc.r[i].e)->
				drop_reason[BFT_DROP_VIEW];
	/* r0 is cut off while r2 and r3 give up on view 0. */
	tc_isolate(&tc, 0, true);
	tc_submit(&tc, 0, false, true);
	tc_advance(&tc, 10000, 50);
	tc_isolate(&tc, 0, false);
	tc_advance(&tc, 60000, 50);
	ASSERT_EQ(2, tc.c[0].accepted);
	/* Two more view changes: the timer must survive each. */
	for (k = 0; k < 2; k++) {
		for (i = 0; i < 4; i++)
			if (i != 3)
				bft_engine_request_view_change(tc.r[i].e);
		tc_submit(&tc, 0, false, true);
		tc_advance(&tc, 30000, 50);
		ASSERT_EQ(3 + k, tc.c[0].accepted);
	}
	for (i = 0; i < 4; i++) {
		if (i == 3)
			continue;
		info(i, &in);
		if (in.view >= 16)
			TH_LOG("r%u in view %llu", i,
			       (unsigned long long)in.view);
		ASSERT_TRUE(in.view < 16);
		ASSERT_EQ(BFT_ST_NORMAL, in.status);
		ASSERT_EQ(tc.r[0].counter, tc.r[i].counter);
		/* Both hostile views were dropped and counted. */
		ASSERT_EQ(2, dropped[i]);
	}
	tc_free(&tc);
}

/* At the cap a replica stays, its timer still set; above it, drops. */
TEST(insider_view_cap)
{
	struct bft_config o = { .batch_max = 1, .vc_timeout_ms = 1000 };
	u8 buf[BFT_WIRE_MAX_DGRAM], d[BFT_DIGEST_LEN] = { 1 };
	struct bft_engine *e;
	struct bft_info in;
	u32 len;

	ASSERT_EQ(0, tc_init(&tc, 4, 1, &o));
	e = tc.r[0].e;
	len = enc_vc0(buf, 1, BFT_VIEW_MAX + 1);
	ASSERT_EQ(BFT_DROP_VIEW,
		  bft_engine_receive(e, buf, len, BFT_RX_VERIFIED));
	len = bft_enc_agree(buf, sizeof(buf), BFT_MSG_COMMIT, 1,
			    BFT_VIEW_MAX + 1, 1, d);
	ASSERT_EQ(BFT_DROP_VIEW,
		  bft_engine_receive(e, buf, len, BFT_RX_VERIFIED));
	/* f+1 replicas at the cap: r0 joins them there. */
	len = enc_vc0(buf, 1, BFT_VIEW_MAX);
	ASSERT_EQ(0, bft_engine_receive(e, buf, len, BFT_RX_VERIFIED));
	len = enc_vc0(buf, 2, BFT_VIEW_MAX);
	ASSERT_EQ(0, bft_engine_receive(e, buf, len, BFT_RX_VERIFIED));
	info(0, &in);
	ASSERT_EQ(BFT_VIEW_MAX, in.view);
	ASSERT_EQ(BFT_ST_VIEW_CHANGE, in.status);
	tc.mute[0] = true;
	bft_engine_request_view_change(e);
	tc_advance(&tc, 60000, 100);
	info(0, &in);
	ASSERT_EQ(BFT_VIEW_MAX, in.view);
	ASSERT_TRUE(bft_engine_next_deadline(e) <= tc.now + 1000);
	tc_free(&tc);
}

/*
 * Minor 6a: n=5 (Q=4, f=1). B (r2) gives VIEW-CHANGE X to the new
 * primary r1 and to r3, and Y to r0 and r4. Naming B's copy takes Q-2
 * acks besides the primary's and B's own (2 here, not 2f-1 = 1), or the
 * holders of Y reject a correct NEW-VIEW and accuse its primary.
 */
TEST(insider_vcack_quorum)
{
	struct bft_config o = { .batch_max = 1, .vc_timeout_ms = 1000 };
	u8 x[BFT_WIRE_MAX_DGRAM], y[BFT_WIRE_MAX_DGRAM];
	struct bft_info in;
	u32 len, i;

	ASSERT_EQ(0, tc_init(&tc, 5, 1, &o));
	tc.mute[2] = true;
	len = enc_vc0(x, 2, 1);
	memcpy(y, x, len);
	y[BFT_VC_FIXED + offsetof(struct bft_vc_ckpt, digest)] ^= 1;	/* Y claims another checkpoint digest */
	tc_inject(&tc, 2, 1, x, len);
	tc_inject(&tc, 2, 3, x, len);
	tc_inject(&tc, 2, 0, y, len);
	tc_inject(&tc, 2, 4, y, len);
	tc_run(&tc);
	for (i = 0; i < 5; i++)
		if (i != 2)
			bft_engine_request_view_change(tc.r[i].e);
	tc_run(&tc);
	for (i = 0; i < 5; i++) {
		const struct bft_counters *c = bft_engine_counters(tc.r[i].e);

		if (i == 2)
			continue;
		info(i, &in);
		ASSERT_EQ(0, c->drop_reason[BFT_DROP_NV_INVALID]);
		ASSERT_EQ(0, c->evidence);
		ASSERT_EQ(1, in.view);
		ASSERT_EQ(BFT_ST_NORMAL, in.status);
	}
	tc_submit(&tc, 0, false, true);
	tc_advance(&tc, 5000, 50);
	ASSERT_EQ(1, tc.c[0].accepted);
	tc_free(&tc);
}

/*
 * Minor 6d: VIEW-CHANGE-ACKs must not each re-hash every stored
 * VIEW-CHANGE. n=13, the primary is cut off, the other 12 change view:
 * the new primary gets up to 11 * 10 acks. Digests computed by the
 * whole cluster during the view change stay within one per stored
 * VIEW-CHANGE and per VIEW-CHANGE named in a NEW-VIEW checked.
 */
TEST(insider_vc_digest_cost)
{
	struct bft_config o = { .batch_max = 1, .vc_timeout_ms = 1000 };
	struct bft_info in;
	u64 before, used;
	u32 i, n = 13;

	ASSERT_EQ(0, tc_init(&tc, n, 1, &o));
	tc_isolate(&tc, 0, true);
	before = bft_test_sha_calls;
	for (i = 1; i < n; i++)
		bft_engine_request_view_change(tc.r[i].e);
	tc_run(&tc);
	used = bft_test_sha_calls - before;
	TH_LOG("n=%u view change: %llu digests", n,
	       (unsigned long long)used);
	for (i = 1; i < n; i++) {
		info(i, &in);
		ASSERT_EQ(1, in.view);
		ASSERT_EQ(BFT_ST_NORMAL, in.status);
	}
	/* (n-1)^2 VIEW-CHANGEs stored, (n-2) backups check Q names each. */
	ASSERT_TRUE(used <= (u64)(n - 1) * (n - 1) +
		(u64)(n - 2) * bft_quorum(n) + 4 * n);
	tc_free(&tc);
}

/* @k requests execute in view 0, then r0 dies and the others go to view 1. */
static void primary_dies(u32 k)
{
	u32 i;

	while (k--) {
		tc_submit(&tc, 0, false, false);
		tc_run(&tc);
	}
	tc.down[0] = true;
	for (i = 1; i < 4; i++)
		bft_engine_request_view_change(tc.r[i].e);
	tc_run(&tc);
}

/*
 * Finding 7: r0 restarts on an idle cluster after a view change, with
 * the last executed seq past the last stable checkpoint. With no client
 * traffic it must learn the view from f+1 peers, fetch the tail and be
 * level within a few probe rounds.
 */
TEST(insider_restart_idle)
{
	struct bft_config o = { .batch_max = 1, .vc_timeout_ms = 1000,
				.ckpt_interval = 4 };
	struct bft_info in, in1;
	u32 i, k;

	ASSERT_EQ(0, tc_init(&tc, 4, 1, &o));
	primary_dies(3);
	for (k = 0; k < 3; k++) {
		tc_submit(&tc, 0, false, true);
		tc_advance(&tc, 200, 50);
	}
	ASSERT_EQ(6, tc.c[0].accepted);
	info(1, &in1);
	ASSERT_EQ(1, in1.view);
	ASSERT_EQ(6, in1.last_exec);
	ASSERT_EQ(4, in1.stable_seq);
	ASSERT_EQ(0, tc_restart(&tc, 0));
	tc.down[0] = false;
	/* Not "normal, view 0, primary 0": the others left view 0. */
	info(0, &in);
	ASSERT_EQ(0, in.view);
	ASSERT_EQ(BFT_ST_JOINING, in.status);
	/* No client traffic; probe gaps start at xfer_retry_ms (200). */
	for (k = 0; k < 200; k++) {
		tc_advance(&tc, 50, 50);
		info(0, &in);
		if (in.view == 1 && in.status == BFT_ST_NORMAL &&
		    in.last_exec == 6)
			break;
	}
	TH_LOG("restarted r0 level after %u ms", (k + 1) * 50);
	ASSERT_TRUE(k < 40);	/* within 2 s: a few probe rounds */
	info(0, &in);
	for (i = 1; i < 4; i++) {
		info(i, &in1);
		ASSERT_EQ(1, in1.view);
		ASSERT_EQ(6, in1.last_exec);
		ASSERT_EQ(tc.r[1].counter, tc.r[i].counter);
	}
	TH_LOG("restarted r0: view %llu status %u last_exec %llu",
	       (unsigned long long)in.view, in.status,
	       (unsigned long long)in.last_exec);
	ASSERT_EQ(1, in.view);
	ASSERT_EQ(BFT_ST_NORMAL, in.status);
	ASSERT_EQ(6, in.last_exec);
	ASSERT_EQ(tc.r[1].counter, tc.r[0].counter);
	tc_free(&tc);
}

/*
 * Finding 7, the report: a fresh cluster confirms view 0 from its peers'
 * probes within a round or two, even with one replica down.
 */
TEST(fresh_view_confirmed)
{
	struct bft_info in;
	u32 i;

	ASSERT_EQ(0, tc_init(&tc, 4, 1, NULL));
	tc.down[3] = true;
	for (i = 0; i < 3; i++) {
		info(i, &in);
		ASSERT_EQ(BFT_ST_JOINING, in.status);
	}
	tc_advance(&tc, 1000, 50);
	for (i = 0; i < 3; i++) {
		info(i, &in);
		ASSERT_EQ(0, in.view);
		ASSERT_EQ(BFT_ST_NORMAL, in.status);
	}
	tc_free(&tc);
}

/*
 * ... and one faulty peer cannot confirm a stale view to a restarted
 * replica: its FETCH in view 0 is one of the 2f needed.
 */
TEST(insider_stale_view_unconfirmed)
{
	struct bft_config o = { .batch_max = 1, .vc_timeout_ms = 1000 };
	static const u8 zero[BFT_DIGEST_LEN];
	struct bft_info in;
	u8 buf[256];
	u32 i, len;

	ASSERT_EQ(0, tc_init(&tc, 4, 1, &o));
	primary_dies(1);
	/* r0 comes back cut off from the correct replicas 2 and 3. */
	ASSERT_EQ(0, tc_restart(&tc, 0));
	tc.down[0] = false;
	tc.cut[0][2] = tc.cut[2][0] = true;
	tc.cut[0][3] = tc.cut[3][0] = true;
	tc.mute[1] = true;
	len = bft_enc_fetch(buf, sizeof(buf), 1, 0, BFT_FETCH_LOG, 0, 0, zero);
	for (i = 0; i < 5; i++) {
		tc_inject(&tc, 1, 0, buf, len);
		tc_advance(&tc, 100, 50);
	}
	info(0, &in);
	ASSERT_EQ(0, in.view);
	ASSERT_EQ(BFT_ST_JOINING, in.status);
	tc_free(&tc);
}

/*
 * Checkpoint 4 held by one correct replica and B only. r0 and B (r1)
 * execute seqs 1-4 on r2's PREPAREs and COMMITs, but r2 never sees a
 * COMMIT and r3 sees nothing: checkpoint 4 has two votes, not Q. B's
 * NEW-VIEW(1) names it (f+1 claims: r0 and B) and reaches r0 only; then
 * B stops for good. r0 must not take that checkpoint as stable and
 * discard seqs 1-4: it would be the only correct claimant of 4, and r2's
 * prepared seqs 1-4 would lack the f+1 pre-prepares A2 needs, so no
 * NEW-VIEW among r0, r2 and r3 would ever be decidable.
 */
static bool tap_nvck(struct tc *t, u32 from, u32 to, u8 *buf, u32 len)
{
	(void)t;
	(void)len;
	if (to == 2 && bft_wget8(buf, bft_hdr, kind) == BFT_MSG_COMMIT)
		return false;
	return !(from == 1 && to == 2 && bft_wget8(buf, bft_hdr, kind) == BFT_MSG_NEW_VIEW);
}

TEST(insider_nv_ckpt_one_holder)
{
	/* r0 and B commit alone: f+1 committed replies, never Q tentative. */
	struct bft_config o = { .batch_max = 1, .vc_timeout_ms = 1000,
				.ckpt_interval = 4, .no_tentative = 1 };
	struct bft_info in;
	u32 i, k;

	ASSERT_EQ(0, tc_init(&tc, 4, 1, &o));
	tc_isolate(&tc, 3, true);
	tc.tap = tap_nvck;
	for (k = 0; k < 4; k++) {
		tc_submit(&tc, 0, false, false);
		tc_run(&tc);
	}
	ASSERT_EQ(4, tc.c[0].accepted);
	ASSERT_EQ(4, tc.r[0].last_seq);
	ASSERT_EQ(4, tc.r[1].last_seq);
	ASSERT_EQ(0, tc.r[2].last_seq);
	info(0, &in);
	ASSERT_EQ(0, in.stable_seq);
	/* View change to 1 among r0, B and r2; NEW-VIEW(1) to r0 only. */
	for (i = 0; i < 3; i++)
		bft_engine_request_view_change(tc.r[i].e);
	tc_run(&tc);
	info(0, &in);
	ASSERT_EQ(1, in.view);
	ASSERT_EQ(BFT_ST_NORMAL, in.status);
	info(2, &in);
	ASSERT_EQ(BFT_ST_VIEW_CHANGE, in.status);
	/* B stops; the network heals. */
	tc.down[1] = true;
	tc.tap = NULL;
	tc_isolate(&tc, 3, false);
	tc_submit(&tc, 0, false, true);
	tc_advance(&tc, 120000, 50);
	info(0, &in);
	TH_LOG("r0: view %llu status %u stable %llu last_exec %llu",
	       (unsigned long long)in.view, in.status,
	       (unsigned long long)in.stable_seq,
	       (unsigned long long)in.last_exec);
	ASSERT_EQ(5, tc.c[0].accepted);
	for (i = 0; i < 4; i++) {
		if (i == 1)
			continue;
		info(i, &in);
		ASSERT_EQ(BFT_ST_NORMAL, in.status);
		ASSERT_EQ(5, in.last_exec);
		ASSERT_EQ(tc.r[0].counter, tc.r[i].counter);
	}
	tc_free(&tc);
}

/*
 * Checkpoint 4 became stable at r0 and r2 on B's CHECKPOINT; r3 missed
 * seqs 1-4, then B stops. r3 can never gather Q CHECKPOINTs for 4 and
 * the batches below it are gone: on an idle cluster (one request, which
 * completes on r0 and r2) it must fetch the state on the f+1 matching
 * CHECKPOINTs of r0 and r2, not time out alone into a view nobody joins.
 */
TEST(insider_stable_on_silent_vote)
{
	struct bft_config o = { .batch_max = 1, .vc_timeout_ms = 1000,
				.ckpt_interval = 4 };
	struct bft_info in;
	u32 i, k;

	ASSERT_EQ(0, tc_init(&tc, 4, 1, &o));
	tc_isolate(&tc, 3, true);
	for (k = 0; k < 4; k++) {
		tc_submit(&tc, 0, false, false);
		tc_run(&tc);
	}
	info(0, &in);
	ASSERT_EQ(4, in.stable_seq);
	tc.down[1] = true;
	tc_isolate(&tc, 3, false);
	tc_submit(&tc, 0, false, true);
	tc_advance(&tc, 20000, 50);
	ASSERT_EQ(5, tc.c[0].accepted);
	info(3, &in);
	TH_LOG("r3: view %llu status %u stable %llu last_exec %llu",
	       (unsigned long long)in.view, in.status,
	       (unsigned long long)in.stable_seq,
	       (unsigned long long)in.last_exec);
	ASSERT_EQ(5, in.last_exec);
	ASSERT_EQ(0, in.view);
	ASSERT_EQ(BFT_ST_NORMAL, in.status);
	/* And the cluster, which needs r3 for every quorum, goes on. */
	for (k = 0; k < 7; k++) {
		tc_submit(&tc, 0, false, true);
		tc_advance(&tc, 5000, 50);
	}
	ASSERT_EQ(12, tc.c[0].accepted);
	for (i = 0; i < 4; i++) {
		if (i == 1)
			continue;
		info(i, &in);
		ASSERT_EQ(0, in.view);
		ASSERT_EQ(BFT_ST_NORMAL, in.status);
		ASSERT_EQ(12, in.last_exec);
		ASSERT_EQ(tc.r[0].counter, tc.r[i].counter);
	}
	tc_free(&tc);
}

/* Every datagram to r2 but ordering ones (PRE-PREPARE/PREPARE/COMMIT). */
static bool tap_nvck_nodata(struct tc *t, u32 from, u32 to, u8 *buf,
			    u32 len)
{
	if (to == 2 && bft_wget8(buf, bft_hdr, kind) == BFT_MSG_DATA)
		return false;
	return tap_nvck(t, from, to, buf, len) ||
	       (from == 1 && to == 2 && bft_wget8(buf, bft_hdr, kind) == BFT_MSG_NEW_VIEW);
}

/*
 * A replica that takes a NEW-VIEW's checkpoint without making it stable
 * keeps seqs at and below it in its window; a faulty primary of that
 * view must not get a PRE-PREPARE accepted there (the checkpoint decided
 * them). r2 gets NEW-VIEW(1) with checkpoint 4 while its state transfer
 * is starved; B pre-prepares null at seq 2.
 */
TEST(insider_pp_below_nv_ckpt)
{
	struct bft_config o = { .batch_max = 1, .vc_timeout_ms = 1000,
				.ckpt_interval = 4 };
	u8 buf[BFT_WIRE_MAX_DGRAM], null[BFT_DIGEST_LEN];
	const struct bft_counters *c;
	struct bft_info in;
	u64 stale;
	u32 i, k, len;

	ASSERT_EQ(0, tc_init(&tc, 4, 1, &o));
	bft_null_digest(null);
	tc_isolate(&tc, 3, true);
	tc.tap = tap_nvck;
	for (k = 0; k < 4; k++) {
		tc_submit(&tc, 0, false, false);
		tc_run(&tc);
	}
	ASSERT_EQ(0, tc.r[2].last_seq);
	tc.tap = tap_nvck_nodata;
	for (i = 0; i < 3; i++)
		bft_engine_request_view_change(tc.r[i].e);
	tc_run(&tc);
	info(2, &in);
	ASSERT_EQ(1, in.view);
	ASSERT_EQ(BFT_ST_NORMAL, in.status);
	ASSERT_EQ(0, in.last_exec);
	c = bft_engine_counters(tc.r[2].e);
	stale = c->drop_reason[BFT_DROP_STALE];
	len = bft_enc_preprepare(buf, sizeof(buf), 1, 1, 2, null, 0, NULL, 0);
	tc.mute[1] = true;
	tc_inject(&tc, 1, 2, buf, len);
	tc_run(&tc);
	ASSERT_EQ(stale + 1, c->drop_reason[BFT_DROP_STALE]);
	tc_free(&tc);
}

TEST_HARNESS_MAIN
