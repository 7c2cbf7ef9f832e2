// SPDX-License-Identifier: GPL-2.0
/*
 * Live key rotation: the accept/switch/retire rules of engine/keyrot.h
 * that bft.ko and bftd share, the drop reason a rejected key id gets, and
 * the engine naming the host's key id in what it sends.
 */
#include "kselftest_harness.h"
#include "cluster.h"
#include "keyrot.h"
#include "names.h"
#include "wire.h"

/* A key id that is neither current nor next is refused, by reason. */
TEST(keyrot_accepts_current_and_next_only)
{
	u32 s = 7;

	ASSERT_EQ(7 & 1, bft_kr_slot(s, 7));
	ASSERT_EQ(-1, bft_kr_slot(s, 8));	/* no next key yet */
	ASSERT_EQ(-1, bft_kr_slot(s, 6));
	ASSERT_EQ(0, bft_kr_install(&s));
	ASSERT_EQ(7 & 1, bft_kr_slot(s, 7));
	ASSERT_EQ(8 & 1, bft_kr_slot(s, 8));
	ASSERT_EQ(-1, bft_kr_slot(s, 9));
	ASSERT_EQ(-1, bft_kr_slot(s, 6));
	ASSERT_EQ(-1, bft_kr_slot(s, 7 + 128));
	/* One rotation at a time. */
	ASSERT_EQ(-EBUSY, bft_kr_install(&s));
}

/* Seeing the peer use the next key completes the rotation: old id dead. */
TEST(keyrot_old_key_refused_after_completion)
{
	u32 s = 255;

	ASSERT_EQ(0, bft_kr_install(&s));
	/* The current key verifying changes nothing. */
	ASSERT_EQ(s, bft_kr_seen(s, 255));
	s = bft_kr_seen(s, 0);			/* wraps: 255 + 1 */
	ASSERT_EQ(0, bft_kr_cur(s));
	ASSERT_EQ(0U, s & BFT_KR_NEXT);
	ASSERT_EQ(-1, bft_kr_slot(s, 255));	/* the old key */
	ASSERT_EQ(0, bft_kr_slot(s, 0));
	ASSERT_EQ(0, bft_kr_send_id(s, 0, 0));
	/* A second copy of the new id is no second rotation. */
	ASSERT_EQ(s, bft_kr_seen(s, 0));
	ASSERT_EQ(s, bft_kr_seen(s, 1));
}

/* A sender switches after the bound even if the peer never answers. */
TEST(keyrot_switch_after_bound_without_peer)
{
	const u64 t0 = 1000, bound = 4 * 500;
	u32 s = 3;

	ASSERT_EQ(0, bft_kr_install(&s));
	ASSERT_EQ(3, bft_kr_send_id(s, t0, t0 + bound));
	ASSERT_EQ(3, bft_kr_send_id(s, t0 + bound - 1, t0 + bound));
	ASSERT_EQ(4, bft_kr_send_id(s, t0 + bound, t0 + bound));
	/* Switched, but the peer still sends 3: that stays accepted. */
	ASSERT_EQ(3 & 1, bft_kr_slot(s, 3));
	ASSERT_EQ(3, bft_kr_cur(s));
}

/* The peer sending cur + 1 first marks the pair to follow; nothing else. */
TEST(keyrot_follow_only_next)
{
	u32 s = 10;

	ASSERT_EQ(s, bft_kr_unknown(s, 12));
	ASSERT_EQ(s, bft_kr_unknown(s, 9));
	s = bft_kr_unknown(s, 11);
	ASSERT_EQ(BFT_KR_FOLLOW, s & BFT_KR_FOLLOW);
	ASSERT_EQ(10, bft_kr_cur(s));
	ASSERT_EQ(-1, bft_kr_slot(s, 11));	/* still no key for it */
	ASSERT_EQ(0, bft_kr_install(&s));
	ASSERT_EQ(0U, s & BFT_KR_FOLLOW);
	ASSERT_EQ(11 & 1, bft_kr_slot(s, 11));
	/* With the next key installed an unknown id follows nothing. */
	ASSERT_EQ(s, bft_kr_unknown(s, 11));
}

/*
 * The peer completed our next key and started the one after: that id is
 * followed too, by first making our next key current. Without it the
 * pair would wait forever: we accept cur and cur + 1, it sends cur + 2.
 */
TEST(keyrot_follow_past_next)
{
	u32 s = 20;

	ASSERT_EQ(0, bft_kr_install(&s));		/* 21 installed */
	ASSERT_EQ(s, bft_kr_unknown(s, 23));
	ASSERT_EQ(s, bft_kr_unknown(s, 19));
	s = bft_kr_unknown(s, 22);
	ASSERT_EQ(BFT_KR_FOLLOW, s & BFT_KR_FOLLOW);
	s = bft_kr_skip(s);
	ASSERT_EQ(21, bft_kr_cur(s));
	ASSERT_EQ(0U, s & BFT_KR_NEXT);
	ASSERT_EQ(-1, bft_kr_slot(s, 20));		/* old key retired */
	ASSERT_EQ(0, bft_kr_install(&s));		/* the ratchet's 22 */
	ASSERT_EQ(22 & 1, bft_kr_slot(s, 22));
	ASSERT_EQ(0U, s & BFT_KR_FOLLOW);
	/* Nothing to skip without FOLLOW. */
	ASSERT_EQ(s, bft_kr_skip(s));
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
