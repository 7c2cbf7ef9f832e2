// SPDX-License-Identifier: GPL-2.0
/* Codec round trips and rejection of malformed input, per reason code. */
#include "harness.h"
#include "wire.h"

static u8 buf[BFT_WIRE_MAX_DGRAM];
static const struct bft_wire_limits lim = {
	.n = 4, .n_clients = 16, .max_op = 256, .max_result = 256,
	.batch_max = 8, .batch_bytes = 4096, .log_size = 16,
};

static void t_hdr_rejects(void)
{
	struct bft_msg_hdr h;
	u32 len = bft_enc_agree(buf, sizeof(buf), BFT_MSG_PREPARE, 1, 2, 3,
				(u8 [BFT_DIGEST_LEN]){ 1 });

	T_EQ(len, BFT_AGREE_FIXED + BFT_MAC_LEN);
	T_EQ(bft_wire_parse_hdr(buf, len, &h), 0);
	T_EQ(h.kind, BFT_MSG_PREPARE);
	T_EQ(h.sender, 1);
	T_EQ(bft_wire_parse_hdr(buf, 15, &h), BFT_DROP_SHORT);
	T_EQ(bft_wire_parse_hdr(buf, len - 1, &h), BFT_DROP_LEN);
	buf[0] ^= 1;
	T_EQ(bft_wire_parse_hdr(buf, len, &h), BFT_DROP_MAGIC);
	buf[0] ^= 1;
	buf[4] = 2;
	T_EQ(bft_wire_parse_hdr(buf, len, &h), BFT_DROP_VERSION);
	buf[4] = 1;
	buf[5] = BFT_MSG_MAX + 1;
	T_EQ(bft_wire_parse_hdr(buf, len, &h), BFT_DROP_KIND);
	buf[5] = 0;
	T_EQ(bft_wire_parse_hdr(buf, len, &h), BFT_DROP_KIND);
	buf[5] = BFT_MSG_PREPARE;
	buf[6] = BFT_PRINCIPAL_CLIENT;
	T_EQ(bft_wire_parse_hdr(buf, len, &h), BFT_DROP_PRINCIPAL);
}

static void t_request_roundtrip(void)
{
	struct bft_req_view r;
	u32 len = bft_enc_request(buf, sizeof(buf), 5, 77, "hello", 5,
				  BFT_REQ_F_READONLY, 4);

	T_EQ(len, BFT_REQ_FIXED + 5 + 4 * BFT_MAC_LEN);
	T_EQ(bft_wire_parse_request(buf, len, &lim, &r), 0);
	T_EQ(r.client, 5);
	T_EQ(r.ts, 77);
	T_EQ(r.op_len, 5);
	T_CHECK(!memcmp(r.op, "hello", 5));
	T_EQ(r.flags, BFT_REQ_F_READONLY);
	T_EQ(r.signed_len, BFT_REQ_FIXED + 5);
	T_EQ(bft_wire_parse_any(buf, len, &lim), 0);
	/* wrong authenticator size */
	len = bft_enc_request(buf, sizeof(buf), 5, 77, "x", 1, 0, 3);
	T_EQ(bft_wire_parse_request(buf, len, &lim, &r), BFT_DROP_NAUTH);
	/* unknown client */
	len = bft_enc_request(buf, sizeof(buf), 16, 77, "x", 1, 0, 4);
	T_EQ(bft_wire_parse_request(buf, len, &lim, &r), BFT_DROP_SENDER);
	/* op too long */
	len = bft_enc_request(buf, sizeof(buf), 1, 1, buf + 1000, 257, 0, 4);
	T_EQ(bft_wire_parse_request(buf, len, &lim, &r), BFT_DROP_OP_LEN);
	/* reserved flags */
	len = bft_enc_request(buf, sizeof(buf), 1, 1, "x", 1, 0x80, 4);
	T_EQ(bft_wire_parse_request(buf, len, &lim, &r), BFT_DROP_RESERVED);
	/* op_len lies: claims more than present */
	len = bft_enc_request(buf, sizeof(buf), 1, 1, "xy", 2, 0, 4);
	bft_put32(buf + 24, 3);
	T_EQ(bft_wire_parse_request(buf, len, &lim, &r), BFT_DROP_SHORT);
	bft_put32(buf + 24, 1);
	T_EQ(bft_wire_parse_request(buf, len, &lim, &r), BFT_DROP_LEN);
}

static u32 make_batch(u8 *out, u32 count)
{
	u32 off = 0, i;

	for (i = 0; i < count; i++)
		off += bft_enc_request(out + off, 4096 - off, i, 10 + i, "op",
				       2, 0, 4);
	return off;
}

static void t_preprepare_roundtrip(void)
{
	static u8 batch[4096];
	u8 d[BFT_DIGEST_LEN], d2[BFT_DIGEST_LEN];
	struct bft_pp_view pp;
	u32 blen = make_batch(batch, 3), len;

	T_EQ(bft_batch_digest(batch, blen, 3, &lim, d), 0);
	len = bft_enc_preprepare(buf, sizeof(buf), 0, 7, 9, d, 3, batch, blen);
	T_EQ(bft_wire_parse_preprepare(buf, len, &lim, &pp), 0);
	T_EQ(pp.view, 7);
	T_EQ(pp.seq, 9);
	T_EQ(pp.count, 3);
	T_EQ(pp.batch_len, blen);
	T_CHECK(!memcmp(pp.digest, d, BFT_DIGEST_LEN));
	T_EQ(bft_wire_parse_any(buf, len, &lim), 0);
	/* digest covers count and order */
	T_EQ(bft_batch_digest(batch, blen, 2, &lim, d2), BFT_DROP_BATCH_COUNT);
	T_EQ(bft_batch_digest(batch, blen, 4, &lim, d2), BFT_DROP_BATCH_COUNT);
	T_EQ(bft_batch_digest(batch, blen - 1, 3, &lim, d2), BFT_DROP_INNER);
	T_EQ(bft_batch_digest(batch, 0, 0, &lim, d2), 0);
	bft_null_digest(d);
	T_CHECK(!memcmp(d, d2, BFT_DIGEST_LEN));
	/* caps */
	bft_put32(buf + 64, lim.batch_max + 1);
	T_EQ(bft_wire_parse_preprepare(buf, len, &lim, &pp),
	     BFT_DROP_BATCH_COUNT);
	bft_put32(buf + 64, 3);
	bft_put32(buf + 68, lim.batch_bytes + 1);
	T_EQ(bft_wire_parse_preprepare(buf, len, &lim, &pp),
	     BFT_DROP_BATCH_BYTES);
	bft_put32(buf + 68, blen + 1);
	T_EQ(bft_wire_parse_preprepare(buf, len, &lim, &pp), BFT_DROP_LEN);
}

static void t_reply_ckpt_roundtrip(void)
{
	struct bft_reply_view r;
	struct bft_ckpt_view c;
	u32 len;

	len = bft_enc_reply(buf, sizeof(buf), 2, 5, 99, 3, 0, "res", 3);
	T_EQ(bft_wire_parse_reply(buf, len, &lim, &r), 0);
	T_EQ(r.replica, 2);
	T_EQ(r.view, 5);
	T_EQ(r.ts, 99);
	T_EQ(r.client, 3);
	T_EQ(r.result_len, 3);
	T_CHECK(!memcmp(r.result, "res", 3));
	buf[45] = 1;
	T_EQ(bft_wire_parse_reply(buf, len, &lim, &r), BFT_DROP_RESERVED);
	len = bft_enc_checkpoint(buf, sizeof(buf), 1, 128,
				 (u8 [BFT_DIGEST_LEN]){ 9 });
	T_EQ(bft_wire_parse_checkpoint(buf, len, &c), 0);
	T_EQ(c.seq, 128);
	T_EQ(c.digest[0], 9);
	T_EQ(bft_wire_parse_checkpoint(buf, len - 1, &c), BFT_DROP_LEN);
}

static void t_vc_nv_roundtrip(void)
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
	T_EQ(bft_wire_parse_vc(buf, len, &lim, &vc), 0);
	T_EQ(vc.new_view, 3);
	T_EQ(vc.n_ckpt, 2);
	T_EQ(vc.n_entries, 2);
	bft_vc_get_entry(&vc, 1, &e);
	T_EQ(e.seq, 10);
	T_EQ(e.p_view, 2);
	T_EQ(e.flags, BFT_VC_E_PREPARED);
	/* entries must ascend above the stable checkpoint */
	ent[0].seq = 8;
	len = bft_enc_vc(buf, sizeof(buf), 2, 3, 8, ck, 2, ent, 2);
	T_EQ(bft_wire_parse_vc(buf, len, &lim, &vc), BFT_DROP_VC_FORMAT);
	ent[0].seq = 9;
	/* pre-prepared in a view not below the new view */
	ent[0].pp_view = 3;
	len = bft_enc_vc(buf, sizeof(buf), 2, 3, 8, ck, 2, ent, 2);
	T_EQ(bft_wire_parse_vc(buf, len, &lim, &vc), BFT_DROP_VC_FORMAT);
	ent[0].pp_view = 1;
	/* first checkpoint must be the stable one */
	len = bft_enc_vc(buf, sizeof(buf), 2, 3, 16, ck, 2, ent, 0);
	T_EQ(bft_wire_parse_vc(buf, len, &lim, &vc), BFT_DROP_VC_FORMAT);
	/* too many entries for L */
	bft_put16(buf + 34, lim.log_size + 1);
	T_EQ(bft_wire_parse_vc(buf, len, &lim, &vc), BFT_DROP_VC_FORMAT);

	len = bft_enc_nv(buf, sizeof(buf), 3, 3, 8, ck[0].digest, vv, 3, o, 2);
	T_EQ(bft_wire_parse_nv(buf, len, &lim, &nv), 0);
	T_EQ(nv.view, 3);
	T_EQ(nv.n_vc, 3);
	T_EQ(nv.n_o, 2);
	o[1].seq = 11;	/* gap */
	len = bft_enc_nv(buf, sizeof(buf), 3, 3, 8, ck[0].digest, vv, 3, o, 2);
	T_EQ(bft_wire_parse_nv(buf, len, &lim, &nv), BFT_DROP_VC_FORMAT);
	o[1].seq = 10;
	vv[2].replica = 1;	/* not ascending */
	len = bft_enc_nv(buf, sizeof(buf), 3, 3, 8, ck[0].digest, vv, 3, o, 2);
	T_EQ(bft_wire_parse_nv(buf, len, &lim, &nv), BFT_DROP_VC_FORMAT);
}

static void t_fetch_data(void)
{
	struct bft_fetch_view f;
	struct bft_data_view d;
	u32 len;

	len = bft_enc_fetch(buf, sizeof(buf), 1, 0, BFT_FETCH_STATE, 64, 100,
			    (u8 [BFT_DIGEST_LEN]){ 0 });
	T_EQ(bft_wire_parse_fetch(buf, len, &f), 0);
	T_EQ(f.seq, 64);
	T_EQ(f.offset, 100);
	buf[16] = 9;
	T_EQ(bft_wire_parse_fetch(buf, len, &f), BFT_DROP_RESERVED);
	len = bft_enc_data(buf, sizeof(buf), 1, BFT_FETCH_STATE, 64, 10, 20, 0,
			   (u8 [BFT_DIGEST_LEN]){ 0 }, "0123456789", 10);
	T_EQ(bft_wire_parse_data(buf, len, &lim, &d), 0);
	T_EQ(d.chunk_len, 10);
	/* chunk beyond total */
	len = bft_enc_data(buf, sizeof(buf), 1, BFT_FETCH_STATE, 64, 15, 20, 0,
			   (u8 [BFT_DIGEST_LEN]){ 0 }, "0123456789", 10);
	T_EQ(bft_wire_parse_data(buf, len, &lim, &d), BFT_DROP_LEN);
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
static void t_screen_before_mac(void)
{
	u32 len, min, max;

	len = bft_enc_agree(buf, sizeof(buf), BFT_MSG_PREPARE, 1, 2, 3,
			    (u8 [BFT_DIGEST_LEN]){ 1 });
	memset(buf + len, 0, BFT_WIRE_MAX_DGRAM - len);
	relen(BFT_WIRE_MAX_DGRAM);
	mac_calls = mac_bytes = 0;
	T_EQ(rx_check(BFT_WIRE_MAX_DGRAM), BFT_DROP_LEN);
	T_EQ(mac_calls, 0);
	T_EQ(mac_bytes, 0);
	relen(len);
	/* The real size is MACed (the all-zero tag matches). */
	T_EQ(rx_check(len), 0);
	T_EQ(mac_calls, 1);
	T_EQ(mac_bytes, BFT_AGREE_FIXED);

	/* REQUEST: up to max_op with n authenticator entries. */
	T_CHECK(bft_wire_size_bounds(&lim, BFT_MSG_REQUEST, &min, &max));
	T_EQ(min, BFT_REQ_FIXED);
	T_EQ(max, BFT_REQ_FIXED + 256 + 4 * BFT_MAC_LEN);
	len = bft_enc_request(buf, sizeof(buf), 1, 7, (u8 [256]){ 0 }, 256,
			      0, 4);
	T_EQ(len, max);
	T_EQ(bft_wire_screen(buf, len, &lim), 0);
	relen(len + 1);
	T_EQ(bft_wire_screen(buf, len + 1, &lim), BFT_DROP_TOO_LONG);
	relen(60000);
	mac_calls = 0;
	T_EQ(rx_check(60000), BFT_DROP_TOO_LONG);
	T_EQ(mac_calls, 0);

	/* PRE-PREPARE: batch_bytes; VIEW-CHANGE and NEW-VIEW: log size. */
	T_CHECK(bft_wire_size_bounds(&lim, BFT_MSG_PRE_PREPARE, &min, &max));
	T_EQ(max, BFT_PP_FIXED + 4096 + BFT_MAC_LEN);
	T_CHECK(bft_wire_size_bounds(&lim, BFT_MSG_VIEW_CHANGE, &min, &max));
	T_EQ(max, BFT_VC_FIXED + BFT_MAX_CKPTS_VC * BFT_VC_CKPT_LEN +
		  16 * BFT_VC_ENTRY_LEN + BFT_MAC_LEN);
	T_CHECK(bft_wire_size_bounds(&lim, BFT_MSG_NEW_VIEW, &min, &max));
	T_EQ(max, BFT_NV_FIXED + 4 * BFT_NV_VC_LEN + 16 * BFT_NV_O_LEN +
		  BFT_MAC_LEN);
	T_CHECK(bft_wire_size_bounds(&lim, BFT_MSG_DATA, &min, &max));
	T_EQ(max, BFT_WIRE_MAX_DGRAM);
	T_CHECK(bft_wire_size_bounds(&lim, BFT_MSG_CHECKPOINT, &min, &max));
	T_EQ(min, max);
	T_CHECK(!bft_wire_size_bounds(&lim, BFT_MSG_REPLY, &min, &max));

	/* A short fixed-size message, and a REPLY sent to a replica. */
	len = bft_enc_agree(buf, sizeof(buf), BFT_MSG_COMMIT, 1, 2, 3,
			    (u8 [BFT_DIGEST_LEN]){ 1 });
	relen(BFT_HDR_LEN + BFT_MAC_LEN);
	T_EQ(bft_wire_screen(buf, BFT_HDR_LEN + BFT_MAC_LEN, &lim),
	     BFT_DROP_SHORT);
	buf[5] = BFT_MSG_REPLY;
	relen(len);
	mac_calls = 0;
	T_EQ(rx_check(len), BFT_DROP_KIND);
	T_EQ(mac_calls, 0);
}

UNIT_TESTS(wire_tests) = {
	{ "wire_screen_kind_and_size_before_mac", t_screen_before_mac },
	{ "wire_hdr_rejects", t_hdr_rejects },
	{ "wire_request_roundtrip_rejects", t_request_roundtrip },
	{ "wire_preprepare_batch_digest", t_preprepare_roundtrip },
	{ "wire_reply_checkpoint", t_reply_ckpt_roundtrip },
	{ "wire_viewchange_newview", t_vc_nv_roundtrip },
	{ "wire_fetch_data", t_fetch_data },
	UNIT_END
};
