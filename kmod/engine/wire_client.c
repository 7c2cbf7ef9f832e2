// SPDX-License-Identifier: GPL-2.0
/*
 * Wire codec, the header and the client messages: REQUEST and REPLY, and
 * the MAC check every receiver runs. Offsets and sizes are the uapi
 * structs' (see wire.h). Every decoder checks the exact length implied by
 * its counts before touching variable parts, so a short or lying datagram
 * is never read past its end.
 */
#include "wire_codec.h"

int bft_wire_parse_hdr(const u8 *buf, u32 len, struct bft_msg_hdr *h)
{
	if (len < BFT_HDR_LEN)
		return BFT_DROP_SHORT;
	if (bft_wget32(buf, bft_hdr, magic) != BFT_WIRE_MAGIC)
		return BFT_DROP_MAGIC;
	if (bft_wget8(buf, bft_hdr, version) != BFT_WIRE_VERSION)
		return BFT_DROP_VERSION;
	h->kind = bft_wget8(buf, bft_hdr, kind);
	h->principal = bft_wget8(buf, bft_hdr, principal);
	h->key_id = bft_wget8(buf, bft_hdr, key_id);
	h->sender = bft_wget32(buf, bft_hdr, sender);
	h->len = bft_wget32(buf, bft_hdr, len);
	h->epoch = bft_wget64(buf, bft_hdr, epoch);
	if (h->kind == BFT_MSG_UNSPEC || h->kind > BFT_MSG_MAX)
		return BFT_DROP_KIND;
	if (h->len != len)
		return BFT_DROP_LEN;
	if (len > BFT_WIRE_MAX_DGRAM)
		return BFT_DROP_TOO_LONG;
	if (h->principal > BFT_PRINCIPAL_CLIENT)
		return BFT_DROP_PRINCIPAL;
	/*
	 * Only clients send requests; besides, clients only ask for stable
	 * checkpoint digests (FETCH, checked by its decoder).
	 */
	if (h->kind == BFT_MSG_REQUEST ?
	    h->principal != BFT_PRINCIPAL_CLIENT :
	    h->principal != BFT_PRINCIPAL_REPLICA &&
	    h->kind != BFT_MSG_FETCH)
		return BFT_DROP_PRINCIPAL;
	return 0;
}

int bft_wire_parse_hdr_kind(const u8 *buf, u32 len, u8 kind, u32 fixed,
			    struct bft_msg_hdr *h)
{
	int r = bft_wire_parse_hdr(buf, len, h);

	if (r)
		return r;
	if (h->kind != kind)
		return BFT_DROP_KIND;
	if (len < fixed)
		return BFT_DROP_SHORT;
	return 0;
}

int bft_wire_parse_fixed(const u8 *buf, u32 len, u8 kind, u32 fixed,
			 struct bft_msg_hdr *h)
{
	int r = bft_wire_parse_hdr_kind(buf, len, kind, fixed + BFT_MAC_LEN, h);

	if (!r && len != fixed + BFT_MAC_LEN)
		return BFT_DROP_LEN;
	return r;
}

void bft_wire_put_hdr(u8 *buf, u8 kind, u8 principal, u8 key_id, u32 sender,
		      u32 len)
{
	bft_wput32(buf, bft_hdr, magic, BFT_WIRE_MAGIC);
	bft_wput8(buf, bft_hdr, version, BFT_WIRE_VERSION);
	bft_wput8(buf, bft_hdr, kind, kind);
	bft_wput8(buf, bft_hdr, principal, principal);
	bft_wput8(buf, bft_hdr, key_id, key_id);
	bft_wput32(buf, bft_hdr, sender, sender);
	bft_wput32(buf, bft_hdr, len, len);
	bft_wput64(buf, bft_hdr, epoch, 0);
}

u32 bft_wire_put_rhdr(u8 *buf, u32 cap, u8 kind, u32 sender, u64 len)
{
	if (len > cap || len > BFT_WIRE_MAX_DGRAM)
		return 0;
	memset(buf, 0, (size_t)len);
	bft_wire_put_hdr(buf, kind, BFT_PRINCIPAL_REPLICA, 0, sender, (u32)len);
	return (u32)len;
}

int bft_wire_parse_request(const u8 *buf, u32 len,
			   const struct bft_wire_limits *lim,
			   struct bft_req_view *r)
{
	struct bft_msg_hdr h;
	u64 need;
	int ret;

	ret = bft_wire_parse_hdr_kind(buf, len, BFT_MSG_REQUEST, BFT_REQ_FIXED,
				      &h);
	if (ret)
		return ret;
	r->raw = buf;
	r->len = len;
	r->client = h.sender;
	r->ts = bft_wget64(buf, bft_request, timestamp);
	r->op_len = bft_wget32(buf, bft_request, op_len);
	r->flags = bft_wget8(buf, bft_request, flags);
	r->n_auth = bft_wget8(buf, bft_request, n_auth);
	/* One kind at most: a RECONFIG is never read-only, nor a query. */
	if (bft_wget16(buf, bft_request, reserved) ||
	    (r->flags & ~BFT_REQ_F_ALL) || (r->flags & (r->flags - 1)))
		return BFT_DROP_RESERVED;
	if (r->client >= lim->n_clients)
		return BFT_DROP_SENDER;
	if (r->op_len > lim->max_op ||
	    (r->op_len && (r->flags & BFT_REQ_F_STAGED)))
		return BFT_DROP_OP_LEN;
	/* Entries past n are for a configuration the client also knows. */
	if (r->n_auth < lim->n || r->n_auth > bft_lim_max_n(lim))
		return BFT_DROP_NAUTH;
	need = (u64)BFT_REQ_FIXED + r->op_len + (u64)r->n_auth * BFT_MAC_LEN;
	if (need != len)
		return len < need ? BFT_DROP_SHORT : BFT_DROP_LEN;
	r->op = buf + BFT_REQ_FIXED;
	r->signed_len = BFT_REQ_FIXED + r->op_len;
	r->auth = buf + r->signed_len;
	return 0;
}

void bft_req_digest(const struct bft_req_view *r, u8 out[BFT_DIGEST_LEN])
{
	struct bft_sha_ctx c;

	bft_sha_init(&c);
	bft_sha_update(&c, r->raw, r->signed_len);
	bft_sha_final(&c, out);
}

u32 bft_enc_request(u8 *buf, u32 cap, u32 client, u64 ts, const void *op,
		    u32 op_len, u8 flags, u8 n_auth)
{
	u64 len = (u64)BFT_REQ_FIXED + op_len + (u64)n_auth * BFT_MAC_LEN;

	if (len > cap || len > BFT_WIRE_MAX_DGRAM)
		return 0;
	memset(buf, 0, (size_t)len);
	bft_wire_put_hdr(buf, BFT_MSG_REQUEST, BFT_PRINCIPAL_CLIENT, 0, client,
			 (u32)len);
	bft_wput64(buf, bft_request, timestamp, ts);
	bft_wput32(buf, bft_request, op_len, op_len);
	bft_wput8(buf, bft_request, flags, flags);
	bft_wput8(buf, bft_request, n_auth, n_auth);
	if (op_len)
		memcpy(buf + BFT_REQ_FIXED, op, op_len);
	return (u32)len;
}

int bft_wire_parse_reply(const u8 *buf, u32 len,
			 const struct bft_wire_limits *lim,
			 struct bft_reply_view *r)
{
	struct bft_msg_hdr h;
	int ret;

	ret = bft_wire_parse_hdr_kind(buf, len, BFT_MSG_REPLY,
				      BFT_REPLY_FIXED + BFT_MAC_LEN, &h);
	if (ret)
		return ret;
	r->replica = h.sender;
	r->view = bft_wget64(buf, bft_reply, view);
	r->ts = bft_wget64(buf, bft_reply, timestamp);
	r->client = bft_wget32(buf, bft_reply, client);
	r->result_len = bft_wget32(buf, bft_reply, result_len);
	r->flags = bft_wget8(buf, bft_reply, flags);
	if (!bft_wzero(buf, struct bft_reply, reserved) ||
	    (r->flags & ~BFT_REPLY_F_ALL) || r->flags == BFT_REPLY_F_ALL)
		return BFT_DROP_RESERVED;
	if (r->replica >= lim->n)
		return BFT_DROP_SENDER;
	if (r->result_len > lim->max_result)
		return BFT_DROP_TOO_LONG;
	if ((u64)BFT_REPLY_FIXED + r->result_len + BFT_MAC_LEN != len)
		return BFT_DROP_LEN;
	r->result = buf + BFT_REPLY_FIXED;
	return 0;
}

u32 bft_enc_reply(u8 *buf, u32 cap, u32 replica, u64 view, u64 ts,
		  u32 client, u8 flags, const void *result, u32 result_len)
{
	u32 len = bft_wire_put_rhdr(buf, cap, BFT_MSG_REPLY, replica,
				    (u64)BFT_REPLY_FIXED + result_len +
				    BFT_MAC_LEN);

	if (!len)
		return 0;
	bft_wput64(buf, bft_reply, view, view);
	bft_wput64(buf, bft_reply, timestamp, ts);
	bft_wput32(buf, bft_reply, client, client);
	bft_wput32(buf, bft_reply, result_len, result_len);
	bft_wput8(buf, bft_reply, flags, flags);
	if (result_len)
		memcpy(buf + BFT_REPLY_FIXED, result, result_len);
	return len;
}

void bft_msg_digest(const u8 *buf, u32 len, u8 out[BFT_DIGEST_LEN])
{
	const u32 k = offsetof(struct bft_hdr, key_id);
	static const u8 zero;
	struct bft_sha_ctx c;

	bft_sha_init(&c);
	bft_sha_update(&c, buf, k);
	bft_sha_update(&c, &zero, 1);
	bft_sha_update(&c, buf + k + 1, len - k - 1);
	bft_sha_final(&c, out);
}

int bft_wire_verify(const u8 *buf, u32 len, u32 self, u32 n,
		    bft_mac_fn mac, void *ctx)
{
	struct bft_msg_hdr h;
	u8 tag[BFT_MAC_LEN];
	struct bft_iov iov;
	const u8 *want;
	int ret = bft_wire_parse_hdr(buf, len, &h);

	if (ret)
		return ret;
	if (h.kind == BFT_MSG_REQUEST) {
		u32 op_len, signed_len, n_auth;

		if (len < BFT_REQ_FIXED)
			return BFT_DROP_SHORT;
		op_len = bft_wget32(buf, bft_request, op_len);
		n_auth = bft_wget8(buf, bft_request, n_auth);
		if (n_auth < n || self >= n)
			return BFT_DROP_NAUTH;
		if ((u64)BFT_REQ_FIXED + op_len + (u64)n_auth * BFT_MAC_LEN != len)
			return BFT_DROP_LEN;
		signed_len = BFT_REQ_FIXED + op_len;
		iov.len = signed_len;
		want = buf + signed_len + (size_t)self * BFT_MAC_LEN;
	} else {
		/* A client FETCH: the client key lookup bounds the id. */
		if (h.principal == BFT_PRINCIPAL_REPLICA &&
		    (h.sender >= n || h.sender == self))
			return BFT_DROP_SENDER;
		if (len < BFT_HDR_LEN + BFT_MAC_LEN)
			return BFT_DROP_SHORT;
		iov.len = len - BFT_MAC_LEN;
		want = buf + iov.len;
	}
	iov.base = buf;
	ret = mac(ctx, h.principal, h.sender, &iov, 1, tag);
	if (ret)
		return bft_mac_err_reason(ret);
	if (bft_memneq(tag, want, BFT_MAC_LEN))
		return h.kind == BFT_MSG_REQUEST ? BFT_DROP_AUTH : BFT_DROP_MAC;
	return 0;
}
