// SPDX-License-Identifier: GPL-2.0
/*
 * Live key rotation: the accept/switch/complete rules of engine/keyrot.h
 * that bft.ko and bftd share, the drop reason a rejected key id gets, and
 * the engine naming the host's key id in what it sends.
 */
#include "kselftest_harness.h"
#include "cluster.h"
#include "keyrot.h"
#include "names.h"
#include "wire.h"

/* Accepted: the current id and the next two (wrapping), nothing else. */
TEST(keyrot_accepts_window_only)
{
	u32 s = 7;

	ASSERT_EQ(7 & 3, bft_kr_slot(s, 7));
	ASSERT_EQ(8 & 3, bft_kr_slot(s, 8));
	ASSERT_EQ(9 & 3, bft_kr_slot(s, 9));
	ASSERT_EQ(-1, bft_kr_slot(s, 10));
	ASSERT_EQ(-1, bft_kr_slot(s, 6));
	ASSERT_EQ(-1, bft_kr_slot(s, 7 + 128));
	s = 254;
	ASSERT_EQ(2, bft_kr_slot(s, 254));
	ASSERT_EQ(3, bft_kr_slot(s, 255));
	ASSERT_EQ(0, bft_kr_slot(s, 0));
	ASSERT_EQ(-1, bft_kr_slot(s, 1));
	ASSERT_EQ(-1, bft_kr_slot(s, 253));
	/* Rotating changes what we send, not what we accept. */
	ASSERT_EQ(0, bft_kr_rotate(&s));
	ASSERT_EQ(-1, bft_kr_slot(s, 1));
	ASSERT_EQ(2, bft_kr_slot(s, 254));
}

/* A rotation switches at once; one at a time until the peer follows. */
TEST(keyrot_rotate_switches_at_once)
{
	u32 s = 3;

	ASSERT_EQ(3, bft_kr_send_id(s));
	ASSERT_EQ(0, bft_kr_rotate(&s));
	ASSERT_EQ(4, bft_kr_send_id(s));
	ASSERT_EQ(3, bft_kr_cur(s));
	ASSERT_EQ(-EBUSY, bft_kr_rotate(&s));
	ASSERT_EQ(4, bft_kr_send_id(s));
	/* The peer still sends 3: accepted, nothing completes. */
	ASSERT_EQ(s, bft_kr_seen(s, 3));
	s = bft_kr_seen(s, 4);
	ASSERT_EQ(4U, s);		/* current, not rotating */
	ASSERT_EQ(0, bft_kr_rotate(&s));
	ASSERT_EQ(5, bft_kr_send_id(s));
}

/* Seeing the peer use a later key completes the rotation: old id dead. */
TEST(keyrot_old_key_refused_after_completion)
{
	u32 s = 255;

	ASSERT_EQ(0, bft_kr_rotate(&s));
	ASSERT_EQ(0, bft_kr_send_id(s));	/* wraps: 255 + 1 */
	s = bft_kr_seen(s, 0);
	ASSERT_EQ(0, bft_kr_cur(s));
	ASSERT_EQ(0U, s & BFT_KR_SEND);
	ASSERT_EQ(-1, bft_kr_slot(s, 255));	/* the old key */
	ASSERT_EQ(0, bft_kr_slot(s, 0));
	ASSERT_EQ(0, bft_kr_send_id(s));
	/* A second copy of the new id is no second rotation. */
	ASSERT_EQ(s, bft_kr_seen(s, 0));
	/* A passive end completes on the peer's next id too. */
	s = bft_kr_seen(s, 1);
	ASSERT_EQ(1U, s);
	ASSERT_EQ(-1, bft_kr_slot(s, 0));
}

/*
 * Both ends rotate: the peer saw our c + 1, completed and rotated again
 * before any of its c + 1 datagrams reached us. Its c + 2 is in our
 * window and completes both steps at once: no follow, nothing lost.
 */
TEST(keyrot_peer_two_ahead)
{
	u32 s = 20, peer = 20;

	ASSERT_EQ(0, bft_kr_rotate(&s));		/* we send 21 */
	peer = bft_kr_seen(peer, bft_kr_send_id(s));	/* peer: 21 */
	ASSERT_EQ(0, bft_kr_rotate(&peer));		/* peer sends 22 */
	ASSERT_EQ(22, bft_kr_send_id(peer));
	ASSERT_LE(0, bft_kr_slot(s, 22));
	s = bft_kr_seen(s, 22);
	ASSERT_EQ(22U, s);
	ASSERT_EQ(-1, bft_kr_slot(s, 21));
	ASSERT_EQ(-1, bft_kr_slot(s, 20));
	peer = bft_kr_seen(peer, bft_kr_send_id(s));
	ASSERT_EQ(s, peer);
}

/* Only a verified id moves the state; ids out of the window never do. */
TEST(keyrot_forged_id_changes_nothing)
{
	u32 s = 40;
	int d;

	for (d = 3; d < 256; d++)
		ASSERT_EQ(s, bft_kr_seen(s, (u8)(40 + d)));
	ASSERT_EQ(0, bft_kr_rotate(&s));
	ASSERT_EQ(s, bft_kr_seen(s, 43));
	ASSERT_EQ(s, bft_kr_seen(s, 39));
}

/*
 * A pair under random rotations, sends and losses, FIFO links (UDP on
 * one path rarely reorders): no datagram either end sends is ever
 * refused for its key id, and both ends end at the same id. This is the
 * invariant kernel.rst argues: a peer sends at most our id + 2.
 */
TEST(keyrot_pair_model_lossless)
{
	enum { Q = 64 };
	u8 q[2][Q];
	u32 st[2] = { 250, 250 }, head[2] = { 0 }, tail[2] = { 0 };
	u32 seed = 12345, i, a, rotations = 0, accepted = 0;

	for (i = 0; i < 200000; i++) {
		seed = seed * 1103515245 + 12345;
		a = (seed >> 16) & 1;
		switch ((seed >> 17) % 8) {
		case 0:
			rotations += !bft_kr_rotate(&st[a]);
			break;
		case 1: case 2: case 3:
			if (tail[a] - head[a] < Q)
				q[a][tail[a]++ % Q] = bft_kr_send_id(st[a]);
			break;
		case 4:		/* lost */
			if (head[a] != tail[a])
				head[a]++;
			break;
		default:	/* a's datagram reaches !a */
			if (head[a] == tail[a])
				break;
			ASSERT_LE(0, bft_kr_slot(st[!a], q[a][head[a] % Q]));
			st[!a] = bft_kr_seen(st[!a], q[a][head[a]++ % Q]);
			accepted++;
		}
	}
	ASSERT_LT(1000U, rotations);
	ASSERT_LT(50000U, accepted);
	/* No more rotations: a few datagrams each way settle the pair. */
	for (i = 0; i < 3; i++) {
		st[1] = bft_kr_seen(st[1], bft_kr_send_id(st[0]));
		st[0] = bft_kr_seen(st[0], bft_kr_send_id(st[1]));
	}
	ASSERT_EQ(st[0], st[1]);
	ASSERT_EQ(0U, st[0] & BFT_KR_SEND);
}

static int refuse_mac(void *ctx, u8 principal, u32 id,
		      const struct bft_iov *iov, u32 niov, u8 tag[BFT_MAC_LEN])
{
	u32 *s = ctx;
	u8 key_id = bft_wget8((const u8 *)iov[0].base, bft_hdr, key_id);

	(void)principal;
	(void)id;
	(void)niov;
	if (bft_kr_slot(*s, key_id) < 0)
		return -EKEYREJECTED;
	memset(tag, key_id, BFT_MAC_LEN);
	return 0;
}

/* The verifier reports the host's refusal as BFT_DROP_KEY_ID. */
TEST(keyrot_verify_drop_reason)
{
	static u8 buf[256];
	u32 s = 5, len;

	len = bft_enc_agree(buf, sizeof(buf), BFT_MSG_PREPARE, 1, 2, 3,
			    (u8 [BFT_DIGEST_LEN]){ 1 });
	bft_wput8(buf, bft_hdr, key_id, 4);
	memset(buf + len - BFT_MAC_LEN, 4, BFT_MAC_LEN);
	ASSERT_EQ(BFT_DROP_KEY_ID, bft_wire_verify(buf, len, 0, 4, refuse_mac, &s));
	bft_wput8(buf, bft_hdr, key_id, 5);
	ASSERT_EQ(BFT_DROP_MAC, bft_wire_verify(buf, len, 0, 4, refuse_mac, &s));
	memset(buf + len - BFT_MAC_LEN, 5, BFT_MAC_LEN);
	ASSERT_EQ(0, bft_wire_verify(buf, len, 0, 4, refuse_mac, &s));
	ASSERT_EQ(0, strcmp("key_id", bft_drop_name(BFT_DROP_KEY_ID)));
}

static u32 seen_id[TC_MAX_N][256];

static bool tap_ids(struct tc *tc, u32 from, u32 to, u8 *buf, u32 len)
{
	(void)tc;
	(void)to;
	(void)len;
	seen_id[from][bft_wget8(buf, bft_hdr, key_id)]++;
	return true;
}

/*
 * The engine writes the host's key id before the MAC: every datagram
 * names it, and since the MAC covers it the cluster still agrees.
 */
TEST(keyrot_engine_names_key_id)
{
	static struct tc tc;
	u32 i;

	ASSERT_EQ(0, tc_init(&tc, 4, 1, NULL));
	tc.key_id_of[1] = 42;
	tc.tap = tap_ids;
	tc_submit(&tc, 0, false, false);
	tc_run(&tc);
	ASSERT_EQ(1, tc.c[0].accepted);
	ASSERT_LT(0, seen_id[1][42]);	/* to replica 0 */
	ASSERT_LT(0, seen_id[1][44]);	/* to replica 2 */
	ASSERT_EQ(0, seen_id[1][0]);
	for (i = 0; i < 4; i++)
		if (i != 1)
			ASSERT_EQ(0, seen_id[i][42] + seen_id[i][44]);
	tc_free(&tc);
}

/*
 * A VIEW-CHANGE reaches each replica under another key id, yet its
 * digest (in VIEW-CHANGE-ACKs and NEW-VIEW) must be the same for all:
 * with pairs at different key ids a view change still completes.
 */
TEST(keyrot_view_change_across_key_ids)
{
	struct bft_config o = { .batch_max = 1, .vc_timeout_ms = 1000 };
	static struct tc tc;
	struct bft_info info;
	u32 i;

	ASSERT_EQ(0, tc_init(&tc, 4, 1, &o));
	for (i = 0; i < 4; i++)
		tc.key_id_of[i] = (u8)(10 * (i + 1));
	tc_submit(&tc, 0, false, false);
	tc_run(&tc);
	tc.down[0] = true;	/* primary crashes */
	tc_submit(&tc, 0, false, false);
	tc_run(&tc);
	tc_advance(&tc, 3000, 50);
	ASSERT_EQ(2, tc.c[0].accepted);
	for (i = 1; i < 4; i++) {
		bft_engine_info(tc.r[i].e, &info);
		ASSERT_EQ(1, info.view);
		ASSERT_EQ(BFT_ST_NORMAL, info.status);
	}
	tc_free(&tc);
}

TEST_HARNESS_MAIN
