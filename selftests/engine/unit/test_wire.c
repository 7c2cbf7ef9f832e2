// SPDX-License-Identifier: GPL-2.0
/* Codec round trips and rejection of malformed input, per reason code. */
#include "kselftest_harness.h"
#include "engine.h"
#include "wire.h"

static u8 buf[BFT_WIRE_MAX_DGRAM];
static const struct bft_wire_limits lim = {
	.n = 4, .n_clients = 16, .max_op = 256, .max_result = 256,
	.batch_max = 8, .batch_bytes = 4096, .log_size = 16,
};

TEST(wire_hdr_rejects)
{
	struct bft_msg_hdr h;
	u32 len = bft_enc_agree(buf, sizeof(buf), BFT_MSG_PREPARE, 1, 2, 3,
				(u8 [BFT_DIGEST_LEN]){ 1 });

	ASSERT_EQ(BFT_AGREE_FIXED + BFT_MAC_LEN, len);
	ASSERT_EQ(0, bft_wire_parse_hdr(buf, len, &h));
	ASSERT_EQ(BFT_MSG_PREPARE, h.kind);
	ASSERT_EQ(1, h.sender);
	ASSERT_EQ(BFT_DROP_SHORT, bft_wire_parse_hdr(buf, 15, &h));
	ASSERT_EQ(BFT_DROP_LEN, bft_wire_parse_hdr(buf, len - 1, &h));
	buf[0] ^= 1;
	ASSERT_EQ(BFT_DROP_MAGIC, bft_wire_parse_hdr(buf, len, &h));
	buf[0] ^= 1;
	buf[4] = BFT_WIRE_VERSION + 1;
	ASSERT_EQ(BFT_DROP_VERSION, bft_wire_parse_hdr(buf, len, &h));
	buf[4] = BFT_WIRE_VERSION;
	buf[5] = BFT_MSG_MAX + 1;
	ASSERT_EQ(BFT_DROP_KIND, bft_wire_parse_hdr(buf, len, &h));
	buf[5] = 0;
	ASSERT_EQ(BFT_DROP_KIND, bft_wire_parse_hdr(buf, len, &h));
	buf[5] = BFT_MSG_PREPARE;
	buf[6] = BFT_PRINCIPAL_CLIENT;
	ASSERT_EQ(BFT_DROP_PRINCIPAL, bft_wire_parse_hdr(buf, len, &h));
}

TEST(wire_request_roundtrip_rejects)
{
	struct bft_req_view r;
	u32 len = bft_enc_request(buf, sizeof(buf), 5, 77, "hello", 5,
				  BFT_REQ_F_READONLY, 4);

	ASSERT_EQ(BFT_REQ_FIXED + 5 + 4 * BFT_MAC_LEN, len);
	ASSERT_EQ(0, bft_wire_parse_request(buf, len, &lim, &r));
	ASSERT_EQ(5, r.client);
	ASSERT_EQ(77, r.ts);
	ASSERT_EQ(5, r.op_len);
	ASSERT_TRUE(!memcmp(r.op, "hello", 5));
	ASSERT_EQ(BFT_REQ_F_READONLY, r.flags);
	ASSERT_EQ(BFT_REQ_FIXED + 5, r.signed_len);
	ASSERT_EQ(0, bft_wire_parse_any(buf, len, &lim));
	/* wrong authenticator size */
	len = bft_enc_request(buf, sizeof(buf), 5, 77, "x", 1, 0, 3);
	ASSERT_EQ(BFT_DROP_NAUTH, bft_wire_parse_request(buf, len, &lim, &r));
	/* unknown client */
	len = bft_enc_request(buf, sizeof(buf), 16, 77, "x", 1, 0, 4);
	ASSERT_EQ(BFT_DROP_SENDER, bft_wire_parse_request(buf, len, &lim, &r));
	/* op too long */
	len = bft_enc_request(buf, sizeof(buf), 1, 1, buf + 1000, 257, 0, 4);
	ASSERT_EQ(BFT_DROP_OP_LEN, bft_wire_parse_request(buf, len, &lim, &r));
	/* reserved flags */
	len = bft_enc_request(buf, sizeof(buf), 1, 1, "x", 1, 0x80, 4);
	ASSERT_EQ(BFT_DROP_RESERVED,
		  bft_wire_parse_request(buf, len, &lim, &r));
	/* op_len lies: claims more than present */
	len = bft_enc_request(buf, sizeof(buf), 1, 1, "xy", 2, 0, 4);
	bft_put32(buf + BFT_HDR_LEN + 8, 3);
	ASSERT_EQ(BFT_DROP_SHORT, bft_wire_parse_request(buf, len, &lim, &r));
	bft_put32(buf + BFT_HDR_LEN + 8, 1);
	ASSERT_EQ(BFT_DROP_LEN, bft_wire_parse_request(buf, len, &lim, &r));
	/* STAGED: an empty query, one kind only */
	len = bft_enc_request(buf, sizeof(buf), 1, 1, NULL, 0,
			      BFT_REQ_F_STAGED, 4);
	ASSERT_EQ(0, bft_wire_parse_request(buf, len, &lim, &r));
	ASSERT_EQ(BFT_REQ_F_STAGED, r.flags);
	len = bft_enc_request(buf, sizeof(buf), 1, 1, "x", 1,
			      BFT_REQ_F_STAGED, 4);
	ASSERT_EQ(BFT_DROP_OP_LEN, bft_wire_parse_request(buf, len, &lim, &r));
	len = bft_enc_request(buf, sizeof(buf), 1, 1, NULL, 0,
			      BFT_REQ_F_STAGED | BFT_REQ_F_RECONFIG, 4);
	ASSERT_EQ(BFT_DROP_RESERVED,
		  bft_wire_parse_request(buf, len, &lim, &r));
	len = bft_enc_request(buf, sizeof(buf), 1, 1, NULL, 0,
			      BFT_REQ_F_STAGED | BFT_REQ_F_READONLY, 4);
	ASSERT_EQ(BFT_DROP_RESERVED,
		  bft_wire_parse_request(buf, len, &lim, &r));
}

static u32 make_batch(u8 *out, u32 count)
{
	u32 off = 0, i;

	for (i = 0; i < count; i++)
		off += bft_enc_request(out + off, 4096 - off, i, 10 + i, "op",
				       2, 0, 4);
	return off;
}

TEST(wire_preprepare_batch_digest)
{
	static u8 batch[4096];
	u8 d[BFT_DIGEST_LEN], d2[BFT_DIGEST_LEN];
	struct bft_pp_view pp;
	u32 blen = make_batch(batch, 3), len;

	ASSERT_EQ(0, bft_batch_digest(batch, blen, 3, &lim, d));
	len = bft_enc_preprepare(buf, sizeof(buf), 0, 7, 9, d, 3, batch, blen);
	ASSERT_EQ(0, bft_wire_parse_preprepare(buf, len, &lim, &pp));
	ASSERT_EQ(7, pp.view);
	ASSERT_EQ(9, pp.seq);
	ASSERT_EQ(3, pp.count);
	ASSERT_EQ(blen, pp.batch_len);
	ASSERT_TRUE(!memcmp(pp.digest, d, BFT_DIGEST_LEN));
	ASSERT_EQ(0, bft_wire_parse_any(buf, len, &lim));
	/* digest covers count and order */
	ASSERT_EQ(BFT_DROP_BATCH_COUNT,
		  bft_batch_digest(batch, blen, 2, &lim, d2));
	ASSERT_EQ(BFT_DROP_BATCH_COUNT,
		  bft_batch_digest(batch, blen, 4, &lim, d2));
	ASSERT_EQ(BFT_DROP_INNER,
		  bft_batch_digest(batch, blen - 1, 3, &lim, d2));
	ASSERT_EQ(0, bft_batch_digest(batch, 0, 0, &lim, d2));
	bft_null_digest(d);
	ASSERT_TRUE(!memcmp(d, d2, BFT_DIGEST_LEN));
	/* a STAGED query is never ordered */
	ASSERT_EQ(BFT_REQ_FIXED + 4 * BFT_MAC_LEN,
		  bft_enc_request(batch + blen, sizeof(batch) - blen, 5, 1,
				  NULL, 0, BFT_REQ_F_STAGED, 4));
	ASSERT_EQ(BFT_DROP_INNER,
		  bft_batch_digest(batch, blen + BFT_REQ_FIXED +
				   4 * BFT_MAC_LEN, 4, &lim, d2));
	/* caps */
	bft_put32(buf + BFT_HDR_LEN + 48, lim.batch_max + 1);
	ASSERT_EQ(BFT_DROP_BATCH_COUNT,
		  bft_wire_parse_preprepare(buf, len, &lim, &pp));
	bft_put32(buf + BFT_HDR_LEN + 48, 3);
	bft_put32(buf + BFT_HDR_LEN + 52, lim.batch_bytes + 1);
	ASSERT_EQ(BFT_DROP_BATCH_BYTES,
		  bft_wire_parse_preprepare(buf, len, &lim, &pp));
	bft_put32(buf + BFT_HDR_LEN + 52, blen + 1);
	ASSERT_EQ(BFT_DROP_LEN, bft_wire_parse_preprepare(buf, len, &lim, &pp));
}

TEST(wire_reply_checkpoint)
{
	struct bft_reply_view r;
	struct bft_ckpt_view c;
	u32 len;

	len = bft_enc_reply(buf, sizeof(buf), 2, 5, 99, 3, 0, "res", 3);
	ASSERT_EQ(0, bft_wire_parse_reply(buf, len, &lim, &r));
	ASSERT_EQ(2, r.replica);
	ASSERT_EQ(5, r.view);
	ASSERT_EQ(99, r.ts);
	ASSERT_EQ(3, r.client);
	ASSERT_EQ(3, r.result_len);
	ASSERT_TRUE(!memcmp(r.result, "res", 3));
	buf[BFT_HDR_LEN + 29] = 1;
	ASSERT_EQ(BFT_DROP_RESERVED, bft_wire_parse_reply(buf, len, &lim, &r));
	len = bft_enc_checkpoint(buf, sizeof(buf), 1, 128,
				 (u8 [BFT_DIGEST_LEN]){ 9 });
	ASSERT_EQ(0, bft_wire_parse_checkpoint(buf, len, &c));
	ASSERT_EQ(128, c.seq);
	ASSERT_EQ(9, c.digest[0]);
	ASSERT_EQ(BFT_DROP_LEN, bft_wire_parse_checkpoint(buf, len - 1, &c));
}

TEST(wire_viewchange_newview)
{
	struct bft_ckpt_h ck[2] = { { .seq = 8 }, { .seq = 16 } };
	struct bft_vc_entry_h ent[2] = {
		{ .seq = 9, .pp_view = 1 },
		{ .seq = 10, .pp_view = 2, .p_view = 2,
		  .flags = BFT_VC_E_PREPARED },
	};
	struct bft_nv_vc_h vv[3] = { { .replica = 0 }, { .replica = 1 },
				     { .replica = 3 } };
	struct bft_vc_entry_h e;
	struct bft_vc_view vc;
	struct bft_nv_view nv;
	struct bft_ckpt_h o[2] = { { .seq = 9 }, { .seq = 10 } };
	u32 len;

	len = bft_enc_vc(buf, sizeof(buf), 2, 3, 8, ck, 2, ent, 2);
	ASSERT_EQ(0, bft_wire_parse_vc(buf, len, &lim, &vc));
	ASSERT_EQ(3, vc.new_view);
	ASSERT_EQ(2, vc.n_ckpt);
	ASSERT_EQ(2, vc.n_entries);
	bft_vc_get_entry(&vc, 1, &e);
	ASSERT_EQ(10, e.seq);
	ASSERT_EQ(2, e.p_view);
	ASSERT_EQ(BFT_VC_E_PREPARED, e.flags);
	/* entries must ascend above the stable checkpoint */
	ent[0].seq = 8;
	len = bft_enc_vc(buf, sizeof(buf), 2, 3, 8, ck, 2, ent, 2);
	ASSERT_EQ(BFT_DROP_VC_FORMAT, bft_wire_parse_vc(buf, len, &lim, &vc));
	ent[0].seq = 9;
	/* pre-prepared in a view not below the new view */
	ent[0].pp_view = 3;
	len = bft_enc_vc(buf, sizeof(buf), 2, 3, 8, ck, 2, ent, 2);
	ASSERT_EQ(BFT_DROP_VC_FORMAT, bft_wire_parse_vc(buf, len, &lim, &vc));
	ent[0].pp_view = 1;
	/* first checkpoint must be the stable one */
	len = bft_enc_vc(buf, sizeof(buf), 2, 3, 16, ck, 2, ent, 0);
	ASSERT_EQ(BFT_DROP_VC_FORMAT, bft_wire_parse_vc(buf, len, &lim, &vc));
	/* too many entries for L */
	bft_put16(buf + BFT_HDR_LEN + 18, lim.log_size + 1);
	ASSERT_EQ(BFT_DROP_VC_FORMAT, bft_wire_parse_vc(buf, len, &lim, &vc));

	len = bft_enc_nv(buf, sizeof(buf), 3, 3, 8, ck[0].digest, vv, 3, o, 2);
	ASSERT_EQ(0, bft_wire_parse_nv(buf, len, &lim, &nv));
	ASSERT_EQ(3, nv.view);
	ASSERT_EQ(3, nv.n_vc);
	ASSERT_EQ(2, nv.n_o);
	o[1].seq = 11;	/* gap */
	len = bft_enc_nv(buf, sizeof(buf), 3, 3, 8, ck[0].digest, vv, 3, o, 2);
	ASSERT_EQ(BFT_DROP_VC_FORMAT, bft_wire_parse_nv(buf, len, &lim, &nv));
	o[1].seq = 10;
	vv[2].replica = 1;	/* not ascending */
	len = bft_enc_nv(buf, sizeof(buf), 3, 3, 8, ck[0].digest, vv, 3, o, 2);
	ASSERT_EQ(BFT_DROP_VC_FORMAT, bft_wire_parse_nv(buf, len, &lim, &nv));
}

TEST(wire_fetch_data)
{
	struct bft_fetch_view f;
	struct bft_data_view d;
	u32 len;

	len = bft_enc_fetch(buf, sizeof(buf), 1, 0, BFT_FETCH_STATE, 64, 100,
			    (u8 [BFT_DIGEST_LEN]){ 0 });
	ASSERT_EQ(0, bft_wire_parse_fetch(buf, len, &f));
	ASSERT_EQ(64, f.seq);
	ASSERT_EQ(100, f.offset);
	buf[BFT_HDR_LEN] = 9;
	ASSERT_EQ(BFT_DROP_RESERVED, bft_wire_parse_fetch(buf, len, &f));
	len = bft_enc_data(buf, sizeof(buf), 1, BFT_FETCH_STATE, 64, 10, 20, 0,
			   (u8 [BFT_DIGEST_LEN]){ 0 }, "0123456789", 10);
	ASSERT_EQ(0, bft_wire_parse_data(buf, len, &lim, &d));
	ASSERT_EQ(10, d.chunk_len);
	/* chunk beyond total */
	len = bft_enc_data(buf, sizeof(buf), 1, BFT_FETCH_STATE, 64, 15, 20, 0,
			   (u8 [BFT_DIGEST_LEN]){ 0 }, "0123456789", 10);
	ASSERT_EQ(BFT_DROP_LEN, bft_wire_parse_data(buf, len, &lim, &d));
}

static u32 mac_calls, mac_bytes;

static int count_mac(void *ctx, u8 principal, u32 id,
		     const struct bft_iov *iov, u32 niov, u8 tag[BFT_MAC_LEN])
{
	u32 i;

	(void)ctx;
	(void)principal;
	(void)id;
	mac_calls++;
	for (i = 0; i < niov; i++)
		mac_bytes += iov[i].len;
	memset(tag, 0, BFT_MAC_LEN);
	return 0;
}

/* What a receive path runs before queueing: screen, then the MAC. */
static int rx_check(u32 len)
{
	int r = bft_wire_screen(buf, len, &lim);

	return r ? r : bft_wire_verify(buf, len, 0, lim.n, count_mac, NULL);
}

/* Set the header's length field, as a liar would. */
static void relen(u32 len)
{
	bft_put32(buf + 12, len);
}

/*
 * Kind and size are refused before any MAC is computed: a spoofed
 * "PREPARE" of 64 KB costs no HMAC. Each kind's bound is exact.
 */
TEST(wire_screen_kind_and_size_before_mac)
{
	u32 len, min, max;

	len = bft_enc_agree(buf, sizeof(buf), BFT_MSG_PREPARE, 1, 2, 3,
			    (u8 [BFT_DIGEST_LEN]){ 1 });
	memset(buf + len, 0, BFT_WIRE_MAX_DGRAM - len);
	relen(BFT_WIRE_MAX_DGRAM);
	mac_calls = mac_bytes = 0;
	ASSERT_EQ(BFT_DROP_LEN, rx_check(BFT_WIRE_MAX_DGRAM));
	ASSERT_EQ(0, mac_calls);
	ASSERT_EQ(0, mac_bytes);
	relen(len);
	/* The real size is MACed (the all-zero tag matches). */
	ASSERT_EQ(0, rx_check(len));
	ASSERT_EQ(1, mac_calls);
	ASSERT_EQ(BFT_AGREE_FIXED, mac_bytes);

	/* REQUEST: up to max_op with n authenticator entries. */
	ASSERT_TRUE(bft_wire_size_bounds(&lim, BFT_MSG_REQUEST, &min, &max));
	ASSERT_EQ(BFT_REQ_FIXED, min);
	ASSERT_EQ(BFT_REQ_FIXED + 256 + 4 * BFT_MAC_LEN, max);
	len = bft_enc_request(buf, sizeof(buf), 1, 7, (u8 [256]){ 0 }, 256,
			      0, 4);
	ASSERT_EQ(max, len);
	ASSERT_EQ(0, bft_wire_screen(buf, len, &lim));
	relen(len + 1);
	ASSERT_EQ(BFT_DROP_TOO_LONG, bft_wire_screen(buf, len + 1, &lim));
	relen(60000);
	mac_calls = 0;
	ASSERT_EQ(BFT_DROP_TOO_LONG, rx_check(60000));
	ASSERT_EQ(0, mac_calls);

	/* PRE-PREPARE: batch_bytes; VIEW-CHANGE and NEW-VIEW: log size. */
	ASSERT_TRUE(bft_wire_size_bounds(&lim, BFT_MSG_PRE_PREPARE, &min, &max));
	ASSERT_EQ(BFT_PP_FIXED + 4096 + BFT_MAC_LEN, max);
	ASSERT_TRUE(bft_wire_size_bounds(&lim, BFT_MSG_VIEW_CHANGE, &min, &max));
	ASSERT_EQ(BFT_VC_FIXED + BFT_MAX_CKPTS_VC * BFT_VC_CKPT_LEN +
		  16 * BFT_VC_ENTRY_LEN + BFT_MAC_LEN, max);
	ASSERT_TRUE(bft_wire_size_bounds(&lim, BFT_MSG_NEW_VIEW, &min, &max));
	ASSERT_EQ(BFT_NV_FIXED + 4 * BFT_NV_VC_LEN + 16 * BFT_NV_O_LEN +
		  BFT_MAC_LEN, max);
	ASSERT_TRUE(bft_wire_size_bounds(&lim, BFT_MSG_DATA, &min, &max));
	ASSERT_EQ(BFT_WIRE_MAX_DGRAM, max);
	ASSERT_TRUE(bft_wire_size_bounds(&lim, BFT_MSG_CHECKPOINT, &min, &max));
	ASSERT_EQ(max, min);
	ASSERT_TRUE(!bft_wire_size_bounds(&lim, BFT_MSG_REPLY, &min, &max));

	/* A short fixed-size message, and a REPLY sent to a replica. */
	len = bft_enc_agree(buf, sizeof(buf), BFT_MSG_COMMIT, 1, 2, 3,
			    (u8 [BFT_DIGEST_LEN]){ 1 });
	relen(BFT_HDR_LEN + BFT_MAC_LEN);
	ASSERT_EQ(BFT_DROP_SHORT,
		  bft_wire_screen(buf, BFT_HDR_LEN + BFT_MAC_LEN, &lim));
	buf[5] = BFT_MSG_REPLY;
	relen(len);
	mac_calls = 0;
	ASSERT_EQ(BFT_DROP_KIND, rx_check(len));
	ASSERT_EQ(0, mac_calls);
}

/*
 * Across a change of n, a client sends max(n, n') entries: a replica
 * takes at least its n and at most max_n, and checks entry self only.
 */
TEST(wire_request_more_auth_entries_than_n)
{
	struct bft_wire_limits grow = lim;
	struct bft_req_view r;
	u32 len, min, max, k;

	grow.max_n = 7;
	for (k = 0; k <= 8; k++) {
		len = bft_enc_request(buf, sizeof(buf), 5, 77, "x", 1, 0,
				      (u8)k);
		ASSERT_EQ(k < 4 || k > 7 ? BFT_DROP_NAUTH : 0,
			  bft_wire_parse_request(buf, len, &grow, &r));
		/* Without a larger max_n only n itself. */
		ASSERT_EQ(k == 4 ? 0 : BFT_DROP_NAUTH,
			  bft_wire_parse_request(buf, len, &lim, &r));
	}
	len = bft_enc_request(buf, sizeof(buf), 5, 77, "x", 1, 0, 7);
	ASSERT_EQ(0, bft_wire_parse_request(buf, len, &grow, &r));
	ASSERT_EQ(7, r.n_auth);
	ASSERT_EQ(BFT_REQ_FIXED + 1, r.signed_len);
	ASSERT_EQ(0, bft_wire_parse_any(buf, len, &grow));
	ASSERT_TRUE(bft_wire_size_bounds(&grow, BFT_MSG_REQUEST, &min, &max));
	ASSERT_EQ(BFT_REQ_FIXED + 256 + 7 * BFT_MAC_LEN, max);
	ASSERT_EQ(0, bft_wire_screen(buf, len, &grow));
	/* The pre-queue check: n or more entries, own entry by self. */
	mac_calls = 0;
	ASSERT_EQ(0, bft_wire_verify(buf, len, 3, 4, count_mac, NULL));
	ASSERT_EQ(1, mac_calls);
	len = bft_enc_request(buf, sizeof(buf), 5, 77, "x", 1, 0, 3);
	ASSERT_EQ(BFT_DROP_NAUTH, bft_wire_verify(buf, len, 0, 4, count_mac,
						  NULL));
	ASSERT_EQ(1, mac_calls);
}

TEST_HARNESS_MAIN
