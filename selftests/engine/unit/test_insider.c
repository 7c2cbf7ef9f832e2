// SPDX-License-Identifier: GPL-2.0
/*
 * Scripted insider (issue 10): one faulty replica B sends correctly
 * authenticated messages of the test's choosing, and links are cut or
 * held, to build the schedules random Byzantine mutation never finds.
 */
#include "harness.h"
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
	return buf[5] == BFT_MSG_VC_ACK;
}

/*
 * Finding 1: B (r1, primary of view 1) sends NEW-VIEW(1) to r3 only and
 * a null PRE-PREPARE(v1, seq 1) to r2, which missed seq 1 and learnt of
 * view 1 from B and r3 alone. The view change to 2 then uses r0, r2 and
 * B, and B claims null prepared at seq 1 in view 1. r2 must not back
 * that claim: d committed at seq 1 in view 0.
 */
static void t_insider_jump_no_pp(void)
{
	struct bft_config o = { .batch_max = 1, .vc_timeout_ms = 1000 };
	u8 buf[BFT_WIRE_MAX_DGRAM], null[BFT_DIGEST_LEN];
	struct bft_vc_entry_h ent;
	struct bft_ckpt_h ck;
	struct bft_info in;
	u32 len, i, st2;

	T_EQ(tc_init(&tc, 4, 2, &o), 0);
	bft_null_digest(null);
	/* 1. d commits at seq 1 in view 0; r2 hears none of it. */
	for (i = 0; i < 4; i++)
		tc.cut[i][2] = true;
	tc_submit(&tc, 0, false, false);
	tc_run(&tc);
	T_EQ(tc.c[0].accepted, 1);
	T_EQ(tc.r[0].last_seq, 1);
	T_EQ(tc.r[2].last_seq, 0);
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
	T_EQ(in.view, 1);
	T_EQ(in.status, BFT_ST_NORMAL);
	info(0, &in);
	T_EQ(in.view, 1);
	T_EQ(in.status, BFT_ST_VIEW_CHANGE);
	info(2, &in);
	T_EQ(in.view, 0);
	/* 3.-4. r2 learns of view 1 from r3 and B; B pre-prepares null. */
	tc_release(&tc, 3, 2);
	tc_run(&tc);
	len = bft_enc_preprepare(buf, sizeof(buf), 1, 1, 1, null, 0, NULL, 0);
	tc_inject(&tc, 1, 2, buf, len);
	tc_run(&tc);
	tc_inject(&tc, 1, 2, buf, len);
	tc_run(&tc);
	info(2, &in);
	T_EQ(in.view, 1);
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
	T_EQ(tc.r[0].exec_log[1], 1);
	if (tc.r[2].last_seq)
		T_EQ(tc.r[2].exec_log[1], 1);
	/* r2 joined view change 1: no NEW-VIEW, so no normal status. */
	T_EQ(st2, BFT_ST_VIEW_CHANGE);
	/* 6. r3 comes back; the cluster must agree on seq 1 and go on. */
	tc_isolate(&tc, 3, false);
	tc_advance(&tc, 20000, 50);
	tc_submit(&tc, 1, false, true);
	tc_advance(&tc, 20000, 50);
	T_EQ(tc.c[1].accepted, 1);
	for (i = 0; i < 4; i++) {
		if (i == 1)
			continue;
		T_CHECK(tc.r[i].last_seq >= 2);
		T_EQ(tc.r[i].exec_log[1], tc.r[0].exec_log[1]);
		T_EQ(tc.r[i].counter, tc.r[0].counter);
	}
	T_EQ(tc.r[0].exec_log[1], 1);
	tc_free(&tc);
}

/*
 * Finding 2 and views stay bounded: one VIEW-CHANGE(2^64 - 2) from B
 * (r3) while the others are split between views (r0 cut off) must not
 * drag them there: the primary of view 2^64 - 1 is B, view + 1 wraps
 * to 0 and the timer died. A replica moves only on f+1 replicas' word
 * or its own timeout.
 */
static void t_insider_hostile_view(void)
{
	struct bft_config o = { .batch_max = 1, .vc_timeout_ms = 1000 };
	u8 buf[BFT_WIRE_MAX_DGRAM], d[BFT_DIGEST_LEN] = { 1 };
	struct bft_info in;
	u64 dropped[4];
	u32 len, i, k;

	T_EQ(tc_init(&tc, 4, 1, &o), 0);
	tc.mute[3] = true;
	tc_submit(&tc, 0, false, false);
	tc_run(&tc);
	T_EQ(tc.c[0].accepted, 1);
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
	T_EQ(tc.c[0].accepted, 2);
	/* Two more view changes: the timer must survive each. */
	for (k = 0; k < 2; k++) {
		for (i = 0; i < 4; i++)
			if (i != 3)
				bft_engine_request_view_change(tc.r[i].e);
		tc_submit(&tc, 0, false, true);
		tc_advance(&tc, 30000, 50);
		T_EQ(tc.c[0].accepted, 3 + k);
	}
	for (i = 0; i < 4; i++) {
		if (i == 3)
			continue;
		info(i, &in);
		if (in.view >= 16)
			printf("# r%u in view %llu\n", i,
			       (unsigned long long)in.view);
		T_CHECK(in.view < 16);
		T_EQ(in.status, BFT_ST_NORMAL);
		T_EQ(tc.r[i].counter, tc.r[0].counter);
		/* Both hostile views were dropped and counted. */
		T_EQ(dropped[i], 2);
	}
	tc_free(&tc);
}

/* At the cap a replica stays, its timer still set; above it, drops. */
static void t_insider_view_cap(void)
{
	struct bft_config o = { .batch_max = 1, .vc_timeout_ms = 1000 };
	u8 buf[BFT_WIRE_MAX_DGRAM], d[BFT_DIGEST_LEN] = { 1 };
	struct bft_engine *e;
	struct bft_info in;
	u32 len;

	T_EQ(tc_init(&tc, 4, 1, &o), 0);
	e = tc.r[0].e;
	len = enc_vc0(buf, 1, BFT_VIEW_MAX + 1);
	T_EQ(bft_engine_receive(e, buf, len, BFT_RX_VERIFIED), BFT_DROP_VIEW);
	len = bft_enc_agree(buf, sizeof(buf), BFT_MSG_COMMIT, 1,
			    BFT_VIEW_MAX + 1, 1, d);
	T_EQ(bft_engine_receive(e, buf, len, BFT_RX_VERIFIED), BFT_DROP_VIEW);
	/* f+1 replicas at the cap: r0 joins them there. */
	len = enc_vc0(buf, 1, BFT_VIEW_MAX);
	T_EQ(bft_engine_receive(e, buf, len, BFT_RX_VERIFIED), 0);
	len = enc_vc0(buf, 2, BFT_VIEW_MAX);
	T_EQ(bft_engine_receive(e, buf, len, BFT_RX_VERIFIED), 0);
	info(0, &in);
	T_EQ(in.view, BFT_VIEW_MAX);
	T_EQ(in.status, BFT_ST_VIEW_CHANGE);
	tc.mute[0] = true;
	bft_engine_request_view_change(e);
	tc_advance(&tc, 60000, 100);
	info(0, &in);
	T_EQ(in.view, BFT_VIEW_MAX);
	T_CHECK(bft_engine_next_deadline(e) <= tc.now + 1000);
	tc_free(&tc);
}

/*
 * Minor 6a: n=5 (Q=4, f=1). B (r2) gives VIEW-CHANGE X to the new
 * primary r1 and to r3, and Y to r0 and r4. Naming B's copy takes Q-2
 * acks besides the primary's and B's own (2 here, not 2f-1 = 1), or the
 * holders of Y reject a correct NEW-VIEW and accuse its primary.
 */
static void t_insider_vcack_quorum(void)
{
	struct bft_config o = { .batch_max = 1, .vc_timeout_ms = 1000 };
	u8 x[BFT_WIRE_MAX_DGRAM], y[BFT_WIRE_MAX_DGRAM];
	struct bft_info in;
	u32 len, i;

	T_EQ(tc_init(&tc, 5, 1, &o), 0);
	tc.mute[2] = true;
	len = enc_vc0(x, 2, 1);
	memcpy(y, x, len);
	y[BFT_VC_FIXED + 8] ^= 1;	/* Y claims another checkpoint digest */
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
		T_EQ(c->drop_reason[BFT_DROP_NV_INVALID], 0);
		T_EQ(c->evidence, 0);
		T_EQ(in.view, 1);
		T_EQ(in.status, BFT_ST_NORMAL);
	}
	tc_submit(&tc, 0, false, true);
	tc_advance(&tc, 5000, 50);
	T_EQ(tc.c[0].accepted, 1);
	tc_free(&tc);
}

/*
 * Minor 6d: VIEW-CHANGE-ACKs must not each re-hash every stored
 * VIEW-CHANGE. n=13, the primary is cut off, the other 12 change view:
 * the new primary gets up to 11 * 10 acks. Digests computed by the
 * whole cluster during the view change stay within one per stored
 * VIEW-CHANGE and per VIEW-CHANGE named in a NEW-VIEW checked.
 */
static void t_insider_vc_digest_cost(void)
{
	struct bft_config o = { .batch_max = 1, .vc_timeout_ms = 1000 };
	struct bft_info in;
	u64 before, used;
	u32 i, n = 13;

	T_EQ(tc_init(&tc, n, 1, &o), 0);
	tc_isolate(&tc, 0, true);
	before = bft_test_sha_calls;
	for (i = 1; i < n; i++)
		bft_engine_request_view_change(tc.r[i].e);
	tc_run(&tc);
	used = bft_test_sha_calls - before;
	printf("# n=%u view change: %llu digests\n", n,
	       (unsigned long long)used);
	for (i = 1; i < n; i++) {
		info(i, &in);
		T_EQ(in.view, 1);
		T_EQ(in.status, BFT_ST_NORMAL);
	}
	/* (n-1)^2 VIEW-CHANGEs stored, (n-2) backups check Q names each. */
	T_CHECK(used <= (u64)(n - 1) * (n - 1) +
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
static void t_insider_restart_idle(void)
{
	struct bft_config o = { .batch_max = 1, .vc_timeout_ms = 1000,
				.ckpt_interval = 4 };
	struct bft_info in, in1;
	u32 i, k;

	T_EQ(tc_init(&tc, 4, 1, &o), 0);
	primary_dies(3);
	for (k = 0; k < 3; k++) {
		tc_submit(&tc, 0, false, true);
		tc_advance(&tc, 200, 50);
	}
	T_EQ(tc.c[0].accepted, 6);
	info(1, &in1);
	T_EQ(in1.view, 1);
	T_EQ(in1.last_exec, 6);
	T_EQ(in1.stable_seq, 4);
	T_EQ(tc_restart(&tc, 0), 0);
	tc.down[0] = false;
	/* Not "normal, view 0, primary 0": the others left view 0. */
	info(0, &in);
	T_EQ(in.view, 0);
	T_EQ(in.status, BFT_ST_JOINING);
	/* No client traffic; probe gaps start at xfer_retry_ms (200). */
	for (k = 0; k < 200; k++) {
		tc_advance(&tc, 50, 50);
		info(0, &in);
		if (in.view == 1 && in.status == BFT_ST_NORMAL &&
		    in.last_exec == 6)
			break;
	}
	printf("# restarted r0 level after %u ms\n", (k + 1) * 50);
	T_CHECK(k < 40);	/* within 2 s: a few probe rounds */
	info(0, &in);
	for (i = 1; i < 4; i++) {
		info(i, &in1);
		T_EQ(in1.view, 1);
		T_EQ(in1.last_exec, 6);
		T_EQ(tc.r[i].counter, tc.r[1].counter);
	}
	printf("# restarted r0: view %llu status %u last_exec %llu\n",
	       (unsigned long long)in.view, in.status,
	       (unsigned long long)in.last_exec);
	T_EQ(in.view, 1);
	T_EQ(in.status, BFT_ST_NORMAL);
	T_EQ(in.last_exec, 6);
	T_EQ(tc.r[0].counter, tc.r[1].counter);
	tc_free(&tc);
}

/*
 * Finding 7, the report: a fresh cluster confirms view 0 from its peers'
 * probes within a round or two, even with one replica down.
 */
static void t_fresh_view_confirmed(void)
{
	struct bft_info in;
	u32 i;

	T_EQ(tc_init(&tc, 4, 1, NULL), 0);
	tc.down[3] = true;
	for (i = 0; i < 3; i++) {
		info(i, &in);
		T_EQ(in.status, BFT_ST_JOINING);
	}
	tc_advance(&tc, 1000, 50);
	for (i = 0; i < 3; i++) {
		info(i, &in);
		T_EQ(in.view, 0);
		T_EQ(in.status, BFT_ST_NORMAL);
	}
	tc_free(&tc);
}

/*
 * ... and one faulty peer cannot confirm a stale view to a restarted
 * replica: its FETCH in view 0 is one of the 2f needed.
 */
static void t_insider_stale_view_unconfirmed(void)
{
	struct bft_config o = { .batch_max = 1, .vc_timeout_ms = 1000 };
	static const u8 zero[BFT_DIGEST_LEN];
	struct bft_info in;
	u8 buf[256];
	u32 i, len;

	T_EQ(tc_init(&tc, 4, 1, &o), 0);
	primary_dies(1);
	/* r0 comes back cut off from the correct replicas 2 and 3. */
	T_EQ(tc_restart(&tc, 0), 0);
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
	T_EQ(in.view, 0);
	T_EQ(in.status, BFT_ST_JOINING);
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
	if (to == 2 && buf[5] == BFT_MSG_COMMIT)
		return false;
	return !(from == 1 && to == 2 && buf[5] == BFT_MSG_NEW_VIEW);
}

static void t_insider_nv_ckpt_one_holder(void)
{
	struct bft_config o = { .batch_max = 1, .vc_timeout_ms = 1000,
				.ckpt_interval = 4 };
	struct bft_info in;
	u32 i, k;

	T_EQ(tc_init(&tc, 4, 1, &o), 0);
	tc_isolate(&tc, 3, true);
	tc.tap = tap_nvck;
	for (k = 0; k < 4; k++) {
		tc_submit(&tc, 0, false, false);
		tc_run(&tc);
	}
	T_EQ(tc.c[0].accepted, 4);
	T_EQ(tc.r[0].last_seq, 4);
	T_EQ(tc.r[1].last_seq, 4);
	T_EQ(tc.r[2].last_seq, 0);
	info(0, &in);
	T_EQ(in.stable_seq, 0);
	/* View change to 1 among r0, B and r2; NEW-VIEW(1) to r0 only. */
	for (i = 0; i < 3; i++)
		bft_engine_request_view_change(tc.r[i].e);
	tc_run(&tc);
	info(0, &in);
	T_EQ(in.view, 1);
	T_EQ(in.status, BFT_ST_NORMAL);
	info(2, &in);
	T_EQ(in.status, BFT_ST_VIEW_CHANGE);
	/* B stops; the network heals. */
	tc.down[1] = true;
	tc.tap = NULL;
	tc_isolate(&tc, 3, false);
	tc_submit(&tc, 0, false, true);
	tc_advance(&tc, 120000, 50);
	info(0, &in);
	printf("# r0: view %llu status %u stable %llu last_exec %llu\n",
	       (unsigned long long)in.view, in.status,
	       (unsigned long long)in.stable_seq,
	       (unsigned long long)in.last_exec);
	T_EQ(tc.c[0].accepted, 5);
	for (i = 0; i < 4; i++) {
		if (i == 1)
			continue;
		info(i, &in);
		T_EQ(in.status, BFT_ST_NORMAL);
		T_EQ(in.last_exec, 5);
		T_EQ(tc.r[i].counter, tc.r[0].counter);
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
static void t_insider_stable_on_silent_vote(void)
{
	struct bft_config o = { .batch_max = 1, .vc_timeout_ms = 1000,
				.ckpt_interval = 4 };
	struct bft_info in;
	u32 i, k;

	T_EQ(tc_init(&tc, 4, 1, &o), 0);
	tc_isolate(&tc, 3, true);
	for (k = 0; k < 4; k++) {
		tc_submit(&tc, 0, false, false);
		tc_run(&tc);
	}
	info(0, &in);
	T_EQ(in.stable_seq, 4);
	tc.down[1] = true;
	tc_isolate(&tc, 3, false);
	tc_submit(&tc, 0, false, true);
	tc_advance(&tc, 20000, 50);
	T_EQ(tc.c[0].accepted, 5);
	info(3, &in);
	printf("# r3: view %llu status %u stable %llu last_exec %llu\n",
	       (unsigned long long)in.view, in.status,
	       (unsigned long long)in.stable_seq,
	       (unsigned long long)in.last_exec);
	T_EQ(in.last_exec, 5);
	T_EQ(in.view, 0);
	T_EQ(in.status, BFT_ST_NORMAL);
	/* And the cluster, which needs r3 for every quorum, goes on. */
	for (k = 0; k < 7; k++) {
		tc_submit(&tc, 0, false, true);
		tc_advance(&tc, 5000, 50);
	}
	T_EQ(tc.c[0].accepted, 12);
	for (i = 0; i < 4; i++) {
		if (i == 1)
			continue;
		info(i, &in);
		T_EQ(in.view, 0);
		T_EQ(in.status, BFT_ST_NORMAL);
		T_EQ(in.last_exec, 12);
		T_EQ(tc.r[i].counter, tc.r[0].counter);
	}
	tc_free(&tc);
}

/* Every datagram to r2 but ordering ones (PRE-PREPARE/PREPARE/COMMIT). */
static bool tap_nvck_nodata(struct tc *t, u32 from, u32 to, u8 *buf,
			    u32 len)
{
	if (to == 2 && buf[5] == BFT_MSG_DATA)
		return false;
	return tap_nvck(t, from, to, buf, len) ||
	       (from == 1 && to == 2 && buf[5] == BFT_MSG_NEW_VIEW);
}

/*
 * A replica that takes a NEW-VIEW's checkpoint without making it stable
 * keeps seqs at and below it in its window; a faulty primary of that
 * view must not get a PRE-PREPARE accepted there (the checkpoint decided
 * them). r2 gets NEW-VIEW(1) with checkpoint 4 while its state transfer
 * is starved; B pre-prepares null at seq 2.
 */
static void t_insider_pp_below_nv_ckpt(void)
{
	struct bft_config o = { .batch_max = 1, .vc_timeout_ms = 1000,
				.ckpt_interval = 4 };
	u8 buf[BFT_WIRE_MAX_DGRAM], null[BFT_DIGEST_LEN];
	const struct bft_counters *c;
	struct bft_info in;
	u64 stale;
	u32 i, k, len;

	T_EQ(tc_init(&tc, 4, 1, &o), 0);
	bft_null_digest(null);
	tc_isolate(&tc, 3, true);
	tc.tap = tap_nvck;
	for (k = 0; k < 4; k++) {
		tc_submit(&tc, 0, false, false);
		tc_run(&tc);
	}
	T_EQ(tc.r[2].last_seq, 0);
	tc.tap = tap_nvck_nodata;
	for (i = 0; i < 3; i++)
		bft_engine_request_view_change(tc.r[i].e);
	tc_run(&tc);
	info(2, &in);
	T_EQ(in.view, 1);
	T_EQ(in.status, BFT_ST_NORMAL);
	T_EQ(in.last_exec, 0);
	c = bft_engine_counters(tc.r[2].e);
	stale = c->drop_reason[BFT_DROP_STALE];
	len = bft_enc_preprepare(buf, sizeof(buf), 1, 1, 2, null, 0, NULL, 0);
	tc.mute[1] = true;
	tc_inject(&tc, 1, 2, buf, len);
	tc_run(&tc);
	T_EQ(c->drop_reason[BFT_DROP_STALE], stale + 1);
	tc_free(&tc);
}

UNIT_TESTS(insider_tests) = {
	{ "fresh_view_confirmed", t_fresh_view_confirmed },
	{ "insider_stale_view_unconfirmed", t_insider_stale_view_unconfirmed },
	{ "insider_jump_no_pp", t_insider_jump_no_pp },
	{ "insider_hostile_view", t_insider_hostile_view },
	{ "insider_view_cap", t_insider_view_cap },
	{ "insider_vcack_quorum", t_insider_vcack_quorum },
	{ "insider_vc_digest_cost", t_insider_vc_digest_cost },
	{ "insider_restart_idle", t_insider_restart_idle },
	{ "insider_nv_ckpt_one_holder", t_insider_nv_ckpt_one_holder },
	{ "insider_stable_on_silent_vote", t_insider_stable_on_silent_vote },
	{ "insider_pp_below_nv_ckpt", t_insider_pp_below_nv_ckpt },
	UNIT_END
};
