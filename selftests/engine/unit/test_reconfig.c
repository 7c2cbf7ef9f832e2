// SPDX-License-Identifier: GPL-2.0
/*
 * Membership epochs: RECONFIG is an ordered operation the engine runs
 * itself; bad ones are no-ops with an error result at every replica; a
 * good one switches every replica at the first checkpoint boundary at or
 * after it; messages of another epoch are dropped (Documentation/
 * engine.rst, "Changing membership").
 */
#include "kselftest_harness.h"
#include "cluster.h"
#include "wire.h"

static struct tc tc;

#define ADMIN	2	/* client 2 is the administrator (cfg.admin = 3) */

static const struct bft_counters *ctr(u32 i)
{
	return bft_engine_counters(tc.r[i].e);
}

static void info(u32 i, struct bft_info *in)
{
	bft_engine_info(tc.r[i].e, in);
}

/* op has room for BFT_RECONF_OP_LEN + 1 bytes. */
static void reconf_op(u8 *op, u64 epoch, u32 n, u64 replace)
{
	memset(op, 0, BFT_RECONF_OP_LEN + 1);
	bft_wput64(op, bft_reconfig_op, epoch, epoch);
	bft_wput32(op, bft_reconfig_op, n, n);
	bft_wput64(op, bft_reconfig_op, replace, replace);
	memset(bft_wptr(op, bft_reconfig_op, config), (int)epoch + 0x40,
	       BFT_DIGEST_LEN);
}

static void reconf(u32 c, u64 epoch, u32 n, u64 replace, u32 reserved,
		   u32 len)
{
	u8 op[BFT_RECONF_OP_LEN + 1];

	reconf_op(op, epoch, n, replace);
	bft_wput32(op, bft_reconfig_op, reserved, reserved);
	tc_submit_op(&tc, c, BFT_REQ_F_RECONFIG, op, len);
	tc_run(&tc);
}

/* The status in the result the client accepted (f+1 equal replies). */
static u32 status_of(u32 c)
{
	return (u32)tc.c[c].last_result;
}

static int setup(u32 nc)
{
	struct bft_config o = { .batch_max = 1, .ckpt_interval = 4,
				.admin = ADMIN + 1 };

	return tc_init(&tc, 4, nc, &o);
}

static void one(u32 c)
{
	tc_submit(&tc, c, false, false);
	tc_run(&tc);
}

/* Bad RECONFIGs are ordered, answered with an error, and change nothing. */
TEST(reconfig_bad_input_no_op)
{
	struct bft_info in;
	u64 acc;
	u32 i;

	ASSERT_EQ(0, setup(3));
	reconf(0, 1, 4, 0, 0, BFT_RECONF_OP_LEN);	/* not the admin */
	ASSERT_EQ(1, tc.c[0].accepted);
	EXPECT_EQ(BFT_RECONF_E_ADMIN, status_of(0));
	reconf(ADMIN, 2, 4, 0, 0, BFT_RECONF_OP_LEN);	/* skips epoch 1 */
	EXPECT_EQ(BFT_RECONF_E_EPOCH, status_of(ADMIN));
	reconf(ADMIN, 0, 4, 0, 0, BFT_RECONF_OP_LEN);	/* goes backwards */
	EXPECT_EQ(BFT_RECONF_E_EPOCH, status_of(ADMIN));
	reconf(ADMIN, 1, 3, 0, 0, BFT_RECONF_OP_LEN);	/* n' < 4 */
	EXPECT_EQ(BFT_RECONF_E_SIZE, status_of(ADMIN));
	reconf(ADMIN, 1, 5, 0, 0, BFT_RECONF_OP_LEN);	/* n' > max_n */
	EXPECT_EQ(BFT_RECONF_E_SIZE, status_of(ADMIN));
	reconf(ADMIN, 1, 4, 0x6, 0, BFT_RECONF_OP_LEN);	/* 2 new hosts > f */
	EXPECT_EQ(BFT_RECONF_E_SIZE, status_of(ADMIN));
	reconf(ADMIN, 1, 4, 0x10, 0, BFT_RECONF_OP_LEN);	/* id 4 of 4 */
	EXPECT_EQ(BFT_RECONF_E_SIZE, status_of(ADMIN));
	reconf(ADMIN, 1, 4, 0, 1, BFT_RECONF_OP_LEN);	/* reserved */
	EXPECT_EQ(BFT_RECONF_E_FORMAT, status_of(ADMIN));
	reconf(ADMIN, 1, 4, 0, 0, BFT_RECONF_OP_LEN + 1);	/* length */
	EXPECT_EQ(BFT_RECONF_E_FORMAT, status_of(ADMIN));
	acc = tc.c[ADMIN].accepted;
	EXPECT_EQ(8, acc);
	/* Read-only RECONFIG: refused by the decoder, never ordered. */
	tc_submit_op(&tc, ADMIN, BFT_REQ_F_RECONFIG | BFT_REQ_F_READONLY,
		     "x", 1);
	tc_run(&tc);
	EXPECT_EQ(acc, tc.c[ADMIN].accepted);
	for (i = 0; i < 4; i++) {
		info(i, &in);
		EXPECT_EQ(0, in.epoch);
		EXPECT_EQ(0, in.reconf_at);
		EXPECT_EQ(9, in.last_exec);
		EXPECT_EQ(1, ctr(i)->drop_reason[BFT_DROP_RESERVED]);
		EXPECT_EQ(0, tc.r[i].switched_epoch);
		EXPECT_EQ(0, tc.r[i].counter);	/* the service saw none */
	}
	tc_free(&tc);
}

/*
 * A faulty admin's second RECONFIG for epoch 2, sent as soon as the
 * primary fills the idle interval with its first null batch: the
 * primary orders it at the next seq, below the switch.
 */
static bool tap_second(struct tc *t, u32 from, u32 to, u8 *buf, u32 len)
{
	static u8 op[BFT_RECONF_OP_LEN + 1];

	(void)from;
	(void)to;
	if (bft_wget8(buf, bft_hdr, kind) != BFT_MSG_PRE_PREPARE ||
	    len < BFT_PP_FIXED || bft_wget32(buf, bft_preprepare, count))
		return true;
	t->tap = NULL;
	reconf_op(op, 2, 4, 1);
	tc_submit_op(t, ADMIN, BFT_REQ_F_RECONFIG, op, BFT_RECONF_OP_LEN);
	return true;
}

/*
 * A faulty admin sends two RECONFIGs for epoch 1: the first ordered one
 * wins at every replica, the second is BUSY; after the switch, the same
 * epoch again is EPOCH. The switch is at the first boundary at or after
 * the RECONFIG's seq, here the RECONFIG itself is the boundary batch.
 * With one batch in flight (W = 1), the second RECONFIG for epoch 2
 * reaches the primary while it fills the interval with null batches.
 */
TEST(reconfig_two_for_one_epoch)
{
	struct bft_config o = { .batch_max = 1, .ckpt_interval = 4,
				.admin = ADMIN + 1, .window = 1 };
	struct bft_info in;
	u32 i;

	ASSERT_EQ(0, tc_init(&tc, 4, 3, &o));
	one(0);
	one(0);
	one(0);
	reconf(ADMIN, 1, 4, 0, 0, BFT_RECONF_OP_LEN);	/* seq 4 */
	EXPECT_EQ(BFT_RECONF_OK, status_of(ADMIN));
	for (i = 0; i < 4; i++) {
		info(i, &in);
		EXPECT_EQ(1, in.epoch);
		EXPECT_EQ(4, in.epoch_base);
		EXPECT_EQ(1, tc.r[i].switched_epoch);
		EXPECT_EQ(4, tc.r[i].switched_at);
		EXPECT_EQ(1, tc.r[i].events[BFT_EV_EPOCH]);
	}
	reconf(ADMIN, 1, 4, 0, 0, BFT_RECONF_OP_LEN);	/* seq 5 */
	EXPECT_EQ(BFT_RECONF_E_EPOCH, status_of(ADMIN));
	tc.tap = tap_second;
	reconf(ADMIN, 2, 4, 0, 0, BFT_RECONF_OP_LEN);	/* seq 6: at 8 */
	EXPECT_EQ(NULL, tc.tap);
	tc_run(&tc);		/* seq 7 null, seq 8 the faulty one */
	EXPECT_EQ(BFT_RECONF_E_BUSY, status_of(ADMIN));
	for (i = 0; i < 4; i++) {
		info(i, &in);
		EXPECT_EQ(2, in.epoch);
		EXPECT_EQ(8, in.epoch_base);
		EXPECT_EQ(0, in.reconf_at);
		EXPECT_EQ(8, in.last_exec);
		EXPECT_EQ(3, tc.r[i].counter);
		EXPECT_EQ(1, ctr(i)->null_executed);
		EXPECT_FALSE(in.left);	/* replace 1 was BUSY: r0 stays */
	}
	tc_free(&tc);
}

/*
 * Idle: nothing but the RECONFIG arrives, and the primary fills the seqs
 * up to the switch with null batches, so the switch does not wait for
 * traffic that may never come.
 */
TEST(reconfig_idle_switch)
{
	struct bft_info in;
	u32 i;

	ASSERT_EQ(0, setup(3));
	one(0);
	reconf(ADMIN, 1, 4, 0, 0, BFT_RECONF_OP_LEN);	/* seq 2: at 4 */
	EXPECT_EQ(BFT_RECONF_OK, status_of(ADMIN));
	tc_advance(&tc, 1000, 50);
	for (i = 0; i < 4; i++) {
		info(i, &in);
		EXPECT_EQ(1, in.epoch);
		EXPECT_EQ(4, in.epoch_base);
		EXPECT_EQ(4, in.last_exec);
		EXPECT_EQ(4, in.stable_seq);
		EXPECT_EQ(2, ctr(i)->null_executed);
		EXPECT_EQ(1, tc.r[i].events[BFT_EV_EPOCH]);
	}
	tc_free(&tc);
}

/*
 * Replace replica 2: the old host leaves at the boundary, the others
 * switch to epoch 1 and its new key; the new host starts empty in epoch
 * 1 and catches up by state transfer. Messages of epoch 0, and the old
 * host's, are dropped by reason.
 */
TEST(reconfig_replace_replica)
{
	struct bft_info in, ref;
	u8 buf[256];
	u64 e0, mac0;
	u32 i, len;

	ASSERT_EQ(0, setup(3));
	one(0);
	one(1);
	reconf(ADMIN, 1, 4, 1ULL << 2, 0, BFT_RECONF_OP_LEN);	/* seq 3 */
	EXPECT_EQ(BFT_RECONF_OK, status_of(ADMIN));
	for (i = 0; i < 4; i++) {			/* seq 4: null */
		info(i, &in);
		EXPECT_EQ(1, in.epoch);
		EXPECT_EQ(4, in.last_exec);
		EXPECT_EQ(i == 2, in.left);
		EXPECT_EQ(i == 2, tc.r[i].events[BFT_EV_LEFT]);
	}
	/* The old host of r2, still with its old key, is not heard. */
	mac0 = ctr(0)->drop_reason[BFT_DROP_MAC];
	len = bft_enc_agree(buf, sizeof(buf), BFT_MSG_PREPARE, 2, 0, 5,
			    (u8 [BFT_DIGEST_LEN]){ 7 });
	tc.r[2].tx_epoch = 1;
	tc_inject(&tc, 2, 0, buf, len);
	tc_run(&tc);
	EXPECT_EQ(mac0 + 1, ctr(0)->drop_reason[BFT_DROP_MAC]);
	/* r1 speaking in epoch 0 after the switch: dropped by epoch. */
	e0 = ctr(0)->drop_reason[BFT_DROP_EPOCH];
	len = bft_enc_agree(buf, sizeof(buf), BFT_MSG_PREPARE, 1, 0, 5,
			    (u8 [BFT_DIGEST_LEN]){ 7 });
	tc.r[1].tx_epoch = 0;
	tc_inject(&tc, 1, 0, buf, len);
	tc_run(&tc);
	EXPECT_EQ(e0 + 1, ctr(0)->drop_reason[BFT_DROP_EPOCH]);

	ASSERT_EQ(0, tc_replace(&tc, 2, 1));
	for (i = 0; i < 6; i++) {
		one(i % 2);
		tc_advance(&tc, 400, 50);
	}
	info(0, &ref);
	EXPECT_EQ(10, ref.last_exec);
	for (i = 0; i < 4; i++) {
		info(i, &in);
		EXPECT_EQ(1, in.epoch);
		EXPECT_FALSE(in.left);
		EXPECT_EQ(ref.last_exec, in.last_exec);
		EXPECT_EQ(tc.r[0].counter, tc.r[i].counter);
	}
	EXPECT_EQ(1, ctr(2)->state_transfers);
	EXPECT_EQ(8, ref.stable_seq);
	tc_free(&tc);
}

/*
 * r3 is cut off while the others switch; back, it asks in epoch 0, the
 * others answer in epoch 0 up to the boundary, and it switches too; the
 * next request shows it the work of epoch 1 it missed.
 */
TEST(reconfig_laggard_catches_up)
{
	struct bft_info in;
	u32 i;

	ASSERT_EQ(0, setup(3));
	one(0);
	tc_isolate(&tc, 3, true);
	one(1);
	reconf(ADMIN, 1, 4, 0, 0, BFT_RECONF_OP_LEN);	/* seq 3 */
	one(1);				/* seq 4 was null; seq 5 */
	info(3, &in);
	EXPECT_EQ(0, in.epoch);
	EXPECT_EQ(1, in.last_exec);
	tc_isolate(&tc, 3, false);
	tc_advance(&tc, 3000, 50);
	info(3, &in);
	EXPECT_EQ(1, in.epoch);		/* answered in epoch 0 up to 4 */
	EXPECT_EQ(4, in.last_exec);
	one(0);						/* seq 6 */
	tc_advance(&tc, 3000, 50);
	for (i = 0; i < 4; i++) {
		info(i, &in);
		EXPECT_EQ(1, in.epoch);
		EXPECT_EQ(6, in.last_exec);
		EXPECT_EQ(tc.r[0].counter, tc.r[i].counter);
	}
	tc_free(&tc);
}

/*
 * As above, but the others run on in epoch 1 until checkpoint 8 is
 * stable and the base 4 is garbage-collected: they answer r3 with the
 * state at 8 instead, in epoch 0, and f+1 such votes let it fetch that
 * state and switch (Twins id 643190692 stalled here).
 */
TEST(reconfig_laggard_past_gc_base)
{
	struct bft_info in;
	u32 i;

	ASSERT_EQ(0, setup(3));
	one(0);
	tc_isolate(&tc, 3, true);
	one(1);
	reconf(ADMIN, 1, 4, 0, 0, BFT_RECONF_OP_LEN);	/* seq 3, null 4 */
	for (i = 0; i < 4; i++)
		one(i % 2);				/* seqs 5 .. 8 */
	info(0, &in);
	EXPECT_EQ(8, in.stable_seq);
	tc_isolate(&tc, 3, false);
	tc_advance(&tc, 3000, 50);
	info(3, &in);
	EXPECT_EQ(1, in.epoch);
	EXPECT_EQ(8, in.last_exec);
	one(0);						/* seq 9 */
	tc_advance(&tc, 3000, 50);
	for (i = 0; i < 4; i++) {
		info(i, &in);
		EXPECT_EQ(1, in.epoch);
		EXPECT_EQ(9, in.last_exec);
		EXPECT_EQ(tc.r[0].counter, tc.r[i].counter);
	}
	tc_free(&tc);
}

/* Client c asks every replica what its host staged. */
static void staged(u32 c, u32 op_len, u8 flags)
{
	tc_submit_op(&tc, c, BFT_REQ_F_STAGED | flags, "", op_len);
	tc_run(&tc);
	tc.c[c].busy = false;	/* answers are read, not voted on */
}

static void expect_staged(struct __test_metadata *_metadata, u32 i,
			  u64 epoch, u64 st, u8 fill, u32 left)
{
	const u8 *a = tc.c[ADMIN].staged[i];
	u8 cfg[BFT_DIGEST_LEN];

	memset(cfg, fill, sizeof(cfg));
	ASSERT_EQ(1, tc.c[ADMIN].n_staged[i]);
	EXPECT_EQ(epoch, bft_wget64(a, bft_staged_result, epoch));
	EXPECT_EQ(st, bft_wget64(a, bft_staged_result, staged));
	EXPECT_EQ(0, memcmp(cfg, bft_wptr(a, bft_staged_result, config),
			    BFT_DIGEST_LEN));
	EXPECT_EQ(left, bft_wget32(a, bft_staged_result, left));
	EXPECT_EQ(4, bft_wget32(a, bft_staged_result, n));
}

static void stage(u32 i, u64 epoch)
{
	tc.r[i].staged_epoch = epoch;
	memset(tc.r[i].staged_config, (int)epoch + 0x40, BFT_DIGEST_LEN);
}

/*
 * STAGED: every replica answers the admin at once with its own host's
 * staging, nothing is ordered; from anyone else it is dropped by reason
 * before the MAC check; malformed ones are refused by the decoder. A
 * replaced replica still answers (left), the others report the new epoch
 * with the staging spent.
 */
TEST(staged_query)
{
	u64 mv[4];
	u32 i;

	ASSERT_EQ(0, setup(3));
	one(0);
	staged(ADMIN, 0, 0);
	for (i = 0; i < 4; i++) {
		expect_staged(_metadata, i, 0, 0, 0, 0);
		EXPECT_EQ(1, ctr(i)->staged_queries);
		EXPECT_EQ(1, ctr(i)->requests_executed);
	}
	for (i = 0; i < 3; i++)
		stage(i, 1);
	staged(ADMIN, 0, 0);
	for (i = 0; i < 3; i++)
		expect_staged(_metadata, i, 0, 1, 0x41, 0);
	expect_staged(_metadata, 3, 0, 0, 0, 0);	/* not staged there */

	for (i = 0; i < 4; i++)
		mv[i] = ctr(i)->mac_verified;
	staged(0, 0, 0);				/* not the admin */
	staged(ADMIN, 1, 0);				/* an operation */
	staged(ADMIN, 0, BFT_REQ_F_READONLY);		/* two kinds */
	for (i = 0; i < 4; i++) {
		EXPECT_EQ(0, tc.c[0].n_staged[i]);
		EXPECT_EQ(0, tc.c[ADMIN].n_staged[i]);
		EXPECT_EQ(1, ctr(i)->drop_reason[BFT_DROP_ADMIN]);
		EXPECT_EQ(1, ctr(i)->drop_reason[BFT_DROP_OP_LEN]);
		EXPECT_EQ(1, ctr(i)->drop_reason[BFT_DROP_RESERVED]);
		EXPECT_EQ(mv[i], ctr(i)->mac_verified);
		EXPECT_EQ(2, ctr(i)->staged_queries);
	}

	stage(3, 1);
	reconf(ADMIN, 1, 4, 1ULL << 2, 0, BFT_RECONF_OP_LEN);	/* seq 2 */
	EXPECT_EQ(BFT_RECONF_OK, status_of(ADMIN));	/* 3, 4 null: switch */
	staged(ADMIN, 0, 0);
	for (i = 0; i < 4; i++)
		expect_staged(_metadata, i, 1, 0, 0, i == 2);
	for (i = 0; i < 4; i++)
		EXPECT_EQ(3, ctr(i)->staged_queries);
	tc_free(&tc);
}

/*
 * Replicas sized for 7 (max_n) in a 4-replica epoch take a request with
 * 7 authenticator entries (a client that also knows a 7-replica
 * configuration) and refuse one with 3, by reason, at every replica.
 */
TEST(reconfig_auth_entries_past_n)
{
	struct bft_config o = { .batch_max = 1, .ckpt_interval = 4,
				.admin = ADMIN + 1, .max_n = 7 };
	struct bft_info in;
	u32 i;

	ASSERT_EQ(0, tc_init(&tc, 4, 3, &o));
	tc.n_auth = 7;
	one(0);
	one(1);
	EXPECT_EQ(1, tc.c[0].accepted);
	EXPECT_EQ(1, tc.c[1].accepted);
	tc.n_auth = 3;
	tc_submit(&tc, 0, false, true);
	tc_run(&tc);
	EXPECT_EQ(1, tc.c[0].accepted);
	for (i = 0; i < 4; i++) {
		info(i, &in);
		EXPECT_EQ(2, in.last_exec);
		EXPECT_EQ(3, tc.r[i].counter);	/* ops of 1 and 2 bytes */
		EXPECT_EQ(1, ctr(i)->drop_reason[BFT_DROP_NAUTH]);
	}
	tc_free(&tc);
}

/* Replicas [0, n) agree on epoch, n, last executed seq and state. */
static void agree(struct __test_metadata *_metadata, u32 n, u64 epoch,
		  u64 seq)
{
	struct bft_info in;
	u32 i;

	for (i = 0; i < n; i++) {
		info(i, &in);
		EXPECT_EQ(epoch, in.epoch);
		EXPECT_FALSE(in.left);
		EXPECT_EQ(seq, in.last_exec);
		EXPECT_EQ(bft_f(n), in.f);
		EXPECT_EQ(bft_quorum(n), in.quorum);
		EXPECT_EQ(tc.r[0].counter, tc.r[i].counter);
		EXPECT_EQ(tc.r[0].exec_log[seq], tc.r[i].exec_log[seq]);
	}
}

/*
 * Grow 4 -> 7: clients send 7 entries throughout; the RECONFIG switches
 * the 4 members at the boundary, ids 4..6 start empty in epoch 1 and
 * catch up by state transfer; then all 7 order, with f = 2 and Q = 5,
 * and the primary is view mod 7.
 */
TEST(reconfig_grow_4_to_7)
{
	struct bft_config o = { .batch_max = 1, .ckpt_interval = 4,
				.admin = ADMIN + 1, .max_n = 7 };
	struct bft_info in;
	u32 i;

	ASSERT_EQ(0, tc_init(&tc, 4, 3, &o));
	tc.n_auth = 7;
	one(0);
	one(1);
	reconf(ADMIN, 1, 7, 0, 0, BFT_RECONF_OP_LEN);	/* seq 3, null 4 */
	EXPECT_EQ(BFT_RECONF_OK, status_of(ADMIN));
	for (i = 0; i < 4; i++) {
		info(i, &in);
		EXPECT_EQ(1, in.epoch);
		EXPECT_EQ(4, in.epoch_base);
		EXPECT_EQ(2, in.f);
		EXPECT_EQ(5, in.quorum);
		EXPECT_EQ(7, tc.r[i].switched_n);
	}
	ASSERT_EQ(0, tc_grow(&tc, 7, 1));
	for (i = 0; i < 6; i++) {
		one(i % 2);
		tc_advance(&tc, 400, 50);
	}
	agree(_metadata, 7, 1, 10);
	for (i = 4; i < 7; i++)
		EXPECT_EQ(1, ctr(i)->state_transfers);
	info(0, &in);
	EXPECT_EQ(8, in.stable_seq);
	/* A view change in the new epoch: 7 members, primary 1 of 7. */
	for (i = 0; i < 7; i++)
		bft_engine_request_view_change(tc.r[i].e);
	tc_run(&tc);
	one(0);
	tc_advance(&tc, 400, 50);
	agree(_metadata, 7, 1, 11);
	info(5, &in);
	EXPECT_EQ(1, in.view);
	EXPECT_EQ(1, in.primary);
	tc_free(&tc);
}

/*
 * Shrink 7 -> 4: ids 4..6 leave at the boundary (left, no more
 * answers); ids 0..3 go on with f = 1 and Q = 3, also after view
 * changes to view 5, whose primary is 5 mod 4 = 1.
 */
TEST(reconfig_shrink_7_to_4)
{
	struct bft_config o = { .batch_max = 1, .ckpt_interval = 4,
				.admin = ADMIN + 1 };
	struct bft_info in;
	u64 sent;
	u32 i, v;

	ASSERT_EQ(0, tc_init(&tc, 7, 3, &o));
	one(0);
	reconf(ADMIN, 1, 4, 0, 0, BFT_RECONF_OP_LEN);	/* seq 2, nulls */
	EXPECT_EQ(BFT_RECONF_OK, status_of(ADMIN));
	for (i = 0; i < 7; i++) {
		info(i, &in);
		EXPECT_EQ(i >= 4, in.left);
		EXPECT_EQ(i >= 4, tc.r[i].events[BFT_EV_LEFT]);
		EXPECT_EQ(i < 4, tc.r[i].events[BFT_EV_EPOCH]);
		EXPECT_EQ(4, in.last_exec);
	}
	sent = ctr(5)->sent[BFT_MSG_COMMIT];
	for (i = 0; i < 4; i++) {
		one(i % 2);
		tc_advance(&tc, 400, 50);
	}
	agree(_metadata, 4, 1, 8);
	EXPECT_EQ(sent, ctr(5)->sent[BFT_MSG_COMMIT]);	/* left: silent */
	/* Views 1..5: view 5's primary is 5 mod 4 = 1 (5 of 7 has left). */
	for (v = 0; v < 5; v++) {
		for (i = 0; i < 4; i++)
			bft_engine_request_view_change(tc.r[i].e);
		tc_run(&tc);
	}
	one(0);
	tc_advance(&tc, 3000, 50);
	agree(_metadata, 4, 1, 9);
	info(0, &in);
	EXPECT_EQ(5, in.view);
	EXPECT_EQ(1, in.primary);
	tc_free(&tc);
}

/*
 * What ids that leave said is forgotten: r5 and r6 suspect primary 0
 * in epoch 0 (2 of 7, no more than f = 2); after the shrink to 4 one
 * SUSPECT of r3 is one, not three, and f' = 1: r1 stays in view 0.
 */
TEST(reconfig_shrink_forgets_leavers)
{
	struct bft_config o = { .batch_max = 1, .ckpt_interval = 4,
				.admin = ADMIN + 1 };
	struct bft_info in;
	u8 buf[128];
	u32 i, len;

	ASSERT_EQ(0, tc_init(&tc, 7, 3, &o));
	one(0);
	len = bft_enc_suspect(buf, sizeof(buf), 5, 0);
	tc_inject(&tc, 5, 1, buf, len);
	len = bft_enc_suspect(buf, sizeof(buf), 6, 0);
	tc_inject(&tc, 6, 1, buf, len);
	tc_run(&tc);
	EXPECT_EQ(2, ctr(1)->recv[BFT_MSG_SUSPECT]);
	reconf(ADMIN, 1, 4, 0, 0, BFT_RECONF_OP_LEN);	/* seq 2 */
	one(0);
	one(1);						/* seq 4 */
	info(1, &in);
	ASSERT_EQ(1, in.epoch);
	ASSERT_EQ(0, in.view);
	tc.r[3].tx_epoch = 1;
	len = bft_enc_suspect(buf, sizeof(buf), 3, 0);
	tc_inject(&tc, 3, 1, buf, len);
	tc_run(&tc);
	EXPECT_EQ(3, ctr(1)->recv[BFT_MSG_SUSPECT]);
	for (i = 0; i < 4; i++) {
		info(i, &in);
		EXPECT_EQ(0, in.view);
		EXPECT_EQ(BFT_ST_NORMAL, in.status);
		EXPECT_EQ(0, tc.r[i].events[BFT_EV_VIEW_CHANGE]);
	}
	tc_free(&tc);
}

/*
 * Shrink 7 -> 4 while r1 is cut off, then r2 goes down: r1 needs Q = 5
 * CHECKPOINTs of the base in epoch 0, and only r0 and r3 switched as
 * members, so the ids that left (4..6) answer its VIEW-CHANGE too. Then
 * r0, r1 and r3 (Q' = 3) order in epoch 1.
 */
TEST(reconfig_shrink_leavers_help_laggard)
{
	struct bft_config o = { .batch_max = 1, .ckpt_interval = 4,
				.admin = ADMIN + 1 };
	struct bft_info in;
	u32 i;

	ASSERT_EQ(0, tc_init(&tc, 7, 3, &o));
	one(0);
	tc_isolate(&tc, 1, true);
	reconf(ADMIN, 1, 4, 0, 0, BFT_RECONF_OP_LEN);	/* seq 2, nulls */
	EXPECT_EQ(BFT_RECONF_OK, status_of(ADMIN));
	info(0, &in);
	ASSERT_EQ(1, in.epoch);
	info(1, &in);
	ASSERT_EQ(0, in.epoch);
	tc.down[2] = true;
	tc_isolate(&tc, 1, false);
	tc_advance(&tc, 5000, 50);
	info(1, &in);
	EXPECT_EQ(1, in.epoch);
	EXPECT_EQ(4, in.last_exec);
	one(0);
	tc_advance(&tc, 3000, 50);
	for (i = 0; i < 4; i++) {
		if (i == 2)
			continue;
		info(i, &in);
		EXPECT_EQ(1, in.epoch);
		EXPECT_EQ(5, in.last_exec);
		EXPECT_EQ(tc.r[0].counter, tc.r[i].counter);
	}
	tc_free(&tc);
}

TEST_HARNESS_MAIN
