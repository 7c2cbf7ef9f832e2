// SPDX-License-Identifier: GPL-2.0
/*
 * Wire codec. Every decoder checks the exact length implied by its counts
 * before touching variable parts, so a short or lying datagram is never
 * read past its end.
 */
#include "wire.h"

static bool all_zero(const u8 *p, u32 n)
{
	u8 d = 0;
	u32 i;

	for (i = 0; i < n; i++)
		d |= p[i];
	return d == 0;
}

int bft_wire_parse_hdr(const u8 *buf, u32 len, struct bft_msg_hdr *h)
{
	if (len < BFT_HDR_LEN)
		return BFT_DROP_SHORT;
	if (bft_get32(buf) != BFT_WIRE_MAGIC)
		return BFT_DROP_MAGIC;
	if (buf[4] != BFT_WIRE_VERSION)
		return BFT_DROP_VERSION;
	h->kind = buf[5];
	h->principal = buf[6];
	h->key_id = buf[7];
	h->sender = bft_get32(buf + 8);
	h->len = bft_get32(buf + 12);
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

static int parse_hdr_kind(const u8 *buf, u32 len, u8 kind, u32 fixed,
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

int bft_wire_parse_request(const u8 *buf, u32 len,
			   const struct bft_wire_limits *lim,
			   struct bft_req_view *r)
{
	struct bft_msg_hdr h;
	u64 need;
	int ret;

	ret = parse_hdr_kind(buf, len, BFT_MSG_REQUEST, BFT_REQ_FIXED, &h);
	if (ret)
		return ret;
	r->raw = buf;
	r->len = len;
	r->client = h.sender;
	r->ts = bft_get64(buf + 16);
	r->op_len = bft_get32(buf + 24);
	r->flags = buf[28];
	r->n_auth = buf[29];
	if (bft_get16(buf + 30) || (r->flags & ~BFT_REQ_F_ALL))
		return BFT_DROP_RESERVED;
	if (r->client >= lim->n_clients)
		return BFT_DROP_SENDER;
	if (r->op_len > lim->max_op)
		return BFT_DROP_OP_LEN;
	if (r->n_auth != lim->n)
		return BFT_DROP_NAUTH;
	need = (u64)BFT_REQ_FIXED + r->op_len + (u64)r->n_auth * BFT_MAC_LEN;
	if (need != len)
		return len < need ? BFT_DROP_SHORT : BFT_DROP_LEN;
	r->op = buf + BFT_REQ_FIXED;
	r->signed_len = BFT_REQ_FIXED + r->op_len;
	r->auth = buf + r->signed_len;
	return 0;
}

int bft_wire_parse_preprepare(const u8 *buf, u32 len,
			      const struct bft_wire_limits *lim,
			      struct bft_pp_view *pp)
{
	struct bft_msg_hdr h;
	int ret;

	ret = parse_hdr_kind(buf, len, BFT_MSG_PRE_PREPARE,
			     BFT_PP_FIXED + BFT_MAC_LEN, &h);
	if (ret)
		return ret;
	if (h.principal != BFT_PRINCIPAL_REPLICA)
		return BFT_DROP_PRINCIPAL;
	pp->view = bft_get64(buf + 16);
	pp->seq = bft_get64(buf + 24);
	pp->digest = buf + 32;
	pp->count = bft_get32(buf + 64);
	pp->batch_len = bft_get32(buf + 68);
	if (pp->count > lim->batch_max)
		return BFT_DROP_BATCH_COUNT;
	if (pp->batch_len > lim->batch_bytes)
		return BFT_DROP_BATCH_BYTES;
	if ((u64)BFT_PP_FIXED + pp->batch_len + BFT_MAC_LEN != len)
		return BFT_DROP_LEN;
	pp->batch = buf + BFT_PP_FIXED;
	return 0;
}

int bft_wire_parse_agree(const u8 *buf, u32 len, struct bft_agree_view *a)
{
	struct bft_msg_hdr h;
	int ret = bft_wire_parse_hdr(buf, len, &h);

	if (ret)
		return ret;
	if (h.kind != BFT_MSG_PREPARE && h.kind != BFT_MSG_COMMIT)
		return BFT_DROP_KIND;
	if (len != BFT_AGREE_FIXED + BFT_MAC_LEN)
		return len < BFT_AGREE_FIXED + BFT_MAC_LEN ?
			BFT_DROP_SHORT : BFT_DROP_LEN;
	a->view = bft_get64(buf + 16);
	a->seq = bft_get64(buf + 24);
	a->digest = buf + 32;
	return 0;
}

int bft_wire_parse_reply(const u8 *buf, u32 len,
			 const struct bft_wire_limits *lim,
			 struct bft_reply_view *r)
{
	struct bft_msg_hdr h;
	int ret;

	ret = parse_hdr_kind(buf, len, BFT_MSG_REPLY,
			     BFT_REPLY_FIXED + BFT_MAC_LEN, &h);
	if (ret)
		return ret;
	r->replica = h.sender;
	r->view = bft_get64(buf + 16);
	r->ts = bft_get64(buf + 24);
	r->client = bft_get32(buf + 32);
	r->result_len = bft_get32(buf + 36);
	r->flags = buf[40];
	if (!all_zero(buf + 41, 7) || (r->flags & ~BFT_REPLY_F_READONLY))
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

int bft_wire_parse_checkpoint(const u8 *buf, u32 len, struct bft_ckpt_view *c)
{
	struct bft_msg_hdr h;
	int ret;

	ret = parse_hdr_kind(buf, len, BFT_MSG_CHECKPOINT,
			     BFT_CKPT_FIXED + BFT_MAC_LEN, &h);
	if (ret)
		return ret;
	if (len != BFT_CKPT_FIXED + BFT_MAC_LEN)
		return BFT_DROP_LEN;
	c->seq = bft_get64(buf + 16);
	c->digest = buf + 24;
	return 0;
}

int bft_wire_parse_vc_ack(const u8 *buf, u32 len, struct bft_vc_ack_view *a)
{
	struct bft_msg_hdr h;
	int ret;

	ret = parse_hdr_kind(buf, len, BFT_MSG_VC_ACK,
			     BFT_VC_ACK_FIXED + BFT_MAC_LEN, &h);
	if (ret)
		return ret;
	if (len != BFT_VC_ACK_FIXED + BFT_MAC_LEN)
		return BFT_DROP_LEN;
	if (bft_get32(buf + 28))
		return BFT_DROP_RESERVED;
	a->view = bft_get64(buf + 16);
	a->replica = bft_get32(buf + 24);
	a->digest = buf + 32;
	return 0;
}

void bft_vc_get_ckpt(const struct bft_vc_view *vc, u32 i, struct bft_ckpt_h *c)
{
	const u8 *p = vc->ckpt + (size_t)i * BFT_VC_CKPT_LEN;

	c->seq = bft_get64(p);
	memcpy(c->digest, p + 8, BFT_DIGEST_LEN);
}

void bft_vc_get_entry(const struct bft_vc_view *vc, u32 i,
		      struct bft_vc_entry_h *e)
{
	const u8 *p = vc->entries + (size_t)i * BFT_VC_ENTRY_LEN;

	e->seq = bft_get64(p);
	e->pp_view = bft_get64(p + 8);
	e->p_view = bft_get64(p + 16);
	memcpy(e->pp_digest, p + 24, BFT_DIGEST_LEN);
	memcpy(e->p_digest, p + 56, BFT_DIGEST_LEN);
	e->flags = bft_get32(p + 88);
}

int bft_wire_parse_vc(const u8 *buf, u32 len,
		      const struct bft_wire_limits *lim, struct bft_vc_view *vc)
{
	struct bft_vc_entry_h e;
	struct bft_ckpt_h c;
	struct bft_msg_hdr h;
	u64 prev;
	u32 i;
	int ret;

	ret = parse_hdr_kind(buf, len, BFT_MSG_VIEW_CHANGE,
			     BFT_VC_FIXED + BFT_MAC_LEN, &h);
	if (ret)
		return ret;
	vc->replica = h.sender;
	vc->new_view = bft_get64(buf + 16);
	vc->stable_seq = bft_get64(buf + 24);
	vc->n_ckpt = bft_get16(buf + 32);
	vc->n_entries = bft_get16(buf + 34);
	if (bft_get32(buf + 36))
		return BFT_DROP_RESERVED;
	if (!vc->n_ckpt || vc->n_ckpt > BFT_MAX_CKPTS_VC ||
	    vc->n_entries > lim->log_size || !vc->new_view)
		return BFT_DROP_VC_FORMAT;
	if ((u64)BFT_VC_FIXED + (u64)vc->n_ckpt * BFT_VC_CKPT_LEN +
	    (u64)vc->n_entries * BFT_VC_ENTRY_LEN + BFT_MAC_LEN != len)
		return BFT_DROP_LEN;
	vc->ckpt = buf + BFT_VC_FIXED;
	vc->entries = vc->ckpt + (size_t)vc->n_ckpt * BFT_VC_CKPT_LEN;
	for (i = 0; i < vc->n_ckpt; i++) {
		bft_vc_get_ckpt(vc, i, &c);
		if (i == 0 ? c.seq != vc->stable_seq : c.seq <= prev)
			return BFT_DROP_VC_FORMAT;
		if (c.seq > vc->stable_seq + lim->log_size)
			return BFT_DROP_VC_FORMAT;
		prev = c.seq;
	}
	prev = vc->stable_seq;
	for (i = 0; i < vc->n_entries; i++) {
		bft_vc_get_entry(vc, i, &e);
		if (e.seq <= prev || e.seq > vc->stable_seq + lim->log_size)
			return BFT_DROP_VC_FORMAT;
		if ((e.flags & ~BFT_VC_E_ALL) ||
		    bft_get32(vc->entries + (size_t)i * BFT_VC_ENTRY_LEN + 92))
			return BFT_DROP_RESERVED;
		if (e.pp_view >= vc->new_view)
			return BFT_DROP_VC_FORMAT;
		if (e.flags & BFT_VC_E_PREPARED) {
			if (e.p_view > e.pp_view)
				return BFT_DROP_VC_FORMAT;
		} else if (e.p_view || !all_zero(e.p_digest, BFT_DIGEST_LEN)) {
			return BFT_DROP_RESERVED;
		}
		prev = e.seq;
	}
	return 0;
}

void bft_nv_get_vc(const struct bft_nv_view *nv, u32 i, struct bft_nv_vc_h *v)
{
	const u8 *p = nv->vc + (size_t)i * BFT_NV_VC_LEN;

	v->replica = bft_get32(p);
	memcpy(v->digest, p + 8, BFT_DIGEST_LEN);
}

void bft_nv_get_o(const struct bft_nv_view *nv, u32 i, struct bft_ckpt_h *o)
{
	const u8 *p = nv->o + (size_t)i * BFT_NV_O_LEN;

	o->seq = bft_get64(p);
	memcpy(o->digest, p + 8, BFT_DIGEST_LEN);
}

int bft_wire_parse_nv(const u8 *buf, u32 len,
		      const struct bft_wire_limits *lim, struct bft_nv_view *nv)
{
	struct bft_msg_hdr h;
	struct bft_nv_vc_h v;
	struct bft_ckpt_h o;
	u32 i, prev = 0;
	int ret;

	ret = parse_hdr_kind(buf, len, BFT_MSG_NEW_VIEW,
			     BFT_NV_FIXED + BFT_MAC_LEN, &h);
	if (ret)
		return ret;
	nv->view = bft_get64(buf + 16);
	nv->ckpt_seq = bft_get64(buf + 24);
	nv->ckpt_digest = buf + 32;
	nv->n_vc = bft_get16(buf + 64);
	nv->n_o = bft_get16(buf + 66);
	if (bft_get32(buf + 68))
		return BFT_DROP_RESERVED;
	if (!nv->n_vc || nv->n_vc > lim->n || nv->n_o > lim->log_size ||
	    !nv->view)
		return BFT_DROP_VC_FORMAT;
	if ((u64)BFT_NV_FIXED + (u64)nv->n_vc * BFT_NV_VC_LEN +
	    (u64)nv->n_o * BFT_NV_O_LEN + BFT_MAC_LEN != len)
		return BFT_DROP_LEN;
	nv->vc = buf + BFT_NV_FIXED;
	nv->o = nv->vc + (size_t)nv->n_vc * BFT_NV_VC_LEN;
	for (i = 0; i < nv->n_vc; i++) {
		bft_nv_get_vc(nv, i, &v);
		if (v.replica >= lim->n || (i && v.replica <= prev))
			return BFT_DROP_VC_FORMAT;
		if (bft_get32(nv->vc + (size_t)i * BFT_NV_VC_LEN + 4))
			return BFT_DROP_RESERVED;
		prev = v.replica;
	}
	for (i = 0; i < nv->n_o; i++) {
		bft_nv_get_o(nv, i, &o);
		if (o.seq != nv->ckpt_seq + 1 + i)
			return BFT_DROP_VC_FORMAT;
	}
	return 0;
}

int bft_wire_parse_fetch(const u8 *buf, u32 len, struct bft_fetch_view *f)
{
	struct bft_msg_hdr h;
	int ret;

	ret = parse_hdr_kind(buf, len, BFT_MSG_FETCH,
			     BFT_FETCH_FIXED + BFT_MAC_LEN, &h);
	if (ret)
		return ret;
	if (len != BFT_FETCH_FIXED + BFT_MAC_LEN)
		return BFT_DROP_LEN;
	f->what = buf[16];
	if (!all_zero(buf + 17, 7))
		return BFT_DROP_RESERVED;
	if (f->what < BFT_FETCH_STATE || f->what > BFT_FETCH_TABLE)
		return BFT_DROP_RESERVED;
	if (h.principal == BFT_PRINCIPAL_CLIENT && f->what != BFT_FETCH_STABLE)
		return BFT_DROP_PRINCIPAL;
	f->principal = h.principal;
	f->seq = bft_get64(buf + 24);
	f->offset = bft_get64(buf + 32);
	f->digest = buf + 40;
	f->view = bft_get64(buf + 72);
	if (f->view > BFT_VIEW_MAX)
		return BFT_DROP_VIEW;
	if (h.principal == BFT_PRINCIPAL_CLIENT && f->view)
		return BFT_DROP_RESERVED;
	if (f->what == BFT_FETCH_VC ? f->offset >= BFT_MAX_REPLICAS :
	    f->what != BFT_FETCH_STATE && f->what != BFT_FETCH_TABLE &&
	    f->offset)
		return BFT_DROP_RESERVED;
	if ((f->what == BFT_FETCH_STABLE || f->what == BFT_FETCH_LOG) &&
	    !all_zero(f->digest, BFT_DIGEST_LEN))
		return BFT_DROP_RESERVED;
	return 0;
}

int bft_wire_parse_data(const u8 *buf, u32 len,
			const struct bft_wire_limits *lim,
			struct bft_data_view *d)
{
	struct bft_msg_hdr h;
	int ret;

	ret = parse_hdr_kind(buf, len, BFT_MSG_DATA,
			     BFT_DATA_FIXED + BFT_MAC_LEN, &h);
	if (ret)
		return ret;
	d->what = buf[16];
	if (!all_zero(buf + 17, 7))
		return BFT_DROP_RESERVED;
	d->seq = bft_get64(buf + 24);
	d->offset = bft_get64(buf + 32);
	d->total = bft_get64(buf + 40);
	d->chunk_len = bft_get32(buf + 48);
	d->count = bft_get32(buf + 52);
	d->digest = buf + 56;
	if ((u64)BFT_DATA_FIXED + d->chunk_len + BFT_MAC_LEN != len)
		return BFT_DROP_LEN;
	if (d->offset > d->total || d->chunk_len > d->total - d->offset)
		return BFT_DROP_LEN;
	switch (d->what) {
	case BFT_FETCH_STATE:
	case BFT_FETCH_TABLE:
		if (d->count)
			return BFT_DROP_RESERVED;
		break;
	case BFT_FETCH_STABLE:
		/* A digest only: no stream. */
		if (d->offset || d->total || d->count)
			return BFT_DROP_RESERVED;
		break;
	case BFT_FETCH_VC:
		/* One VIEW-CHANGE without its trailer; count: its author. */
		if (d->offset || d->chunk_len != d->total)
			return BFT_DROP_LEN;
		if (d->count >= lim->n)
			return BFT_DROP_RESERVED;
		if (d->chunk_len < BFT_VC_FIXED)
			return BFT_DROP_SHORT;
		if (d->chunk_len > BFT_VC_FIXED +
				   BFT_MAX_CKPTS_VC * BFT_VC_CKPT_LEN +
				   lim->log_size * BFT_VC_ENTRY_LEN)
			return BFT_DROP_TOO_LONG;
		break;
	case BFT_FETCH_BATCH:
		if (d->offset || d->chunk_len != d->total)
			return BFT_DROP_LEN;
		if (d->count > lim->batch_max)
			return BFT_DROP_BATCH_COUNT;
		if (d->chunk_len > lim->batch_bytes)
			return BFT_DROP_BATCH_BYTES;
		break;
	default:
		return BFT_DROP_RESERVED;
	}
	d->chunk = buf + BFT_DATA_FIXED;
	return 0;
}

int bft_wire_parse_any(const u8 *buf, u32 len,
		       const struct bft_wire_limits *lim)
{
	union {
		struct bft_req_view r;
		struct bft_pp_view pp;
		struct bft_agree_view a;
		struct bft_reply_view rp;
		struct bft_ckpt_view c;
		struct bft_vc_view vc;
		struct bft_nv_view nv;
		struct bft_fetch_view f;
		struct bft_data_view d;
		struct bft_vc_ack_view ack;
	} u;
	u8 d[BFT_DIGEST_LEN];
	struct bft_msg_hdr h;
	int ret = bft_wire_parse_hdr(buf, len, &h);

	if (ret)
		return ret;
	switch (h.kind) {
	case BFT_MSG_REQUEST:
		return bft_wire_parse_request(buf, len, lim, &u.r);
	case BFT_MSG_PRE_PREPARE:
		ret = bft_wire_parse_preprepare(buf, len, lim, &u.pp);
		if (ret)
			return ret;
		return bft_batch_digest(u.pp.batch, u.pp.batch_len,
					u.pp.count, lim, d);
	case BFT_MSG_PREPARE:
	case BFT_MSG_COMMIT:
		return bft_wire_parse_agree(buf, len, &u.a);
	case BFT_MSG_REPLY:
		return bft_wire_parse_reply(buf, len, lim, &u.rp);
	case BFT_MSG_CHECKPOINT:
		return bft_wire_parse_checkpoint(buf, len, &u.c);
	case BFT_MSG_VIEW_CHANGE:
		return bft_wire_parse_vc(buf, len, lim, &u.vc);
	case BFT_MSG_NEW_VIEW:
		return bft_wire_parse_nv(buf, len, lim, &u.nv);
	case BFT_MSG_FETCH:
		return bft_wire_parse_fetch(buf, len, &u.f);
	case BFT_MSG_DATA:
		return bft_wire_parse_data(buf, len, lim, &u.d);
	case BFT_MSG_VC_ACK:
		return bft_wire_parse_vc_ack(buf, len, &u.ack);
	}
	return BFT_DROP_KIND;
}

int bft_batch_next(const u8 *batch, u32 len, u32 *off,
		   const struct bft_wire_limits *lim, struct bft_req_view *r)
{
	u32 rlen;
	int ret;

	if (*off == len)
		return 1;
	if (len - *off < BFT_HDR_LEN)
		return BFT_DROP_INNER;
	rlen = bft_get32(batch + *off + 12);
	if (rlen > len - *off)
		return BFT_DROP_INNER;
	ret = bft_wire_parse_request(batch + *off, rlen, lim, r);
	if (ret)
		return BFT_DROP_INNER;
	*off += rlen;
	return 0;
}

void bft_req_digest(const struct bft_req_view *r, u8 out[BFT_DIGEST_LEN])
{
	struct bft_sha_ctx c;

	bft_sha_init(&c);
	bft_sha_update(&c, r->raw, r->signed_len);
	bft_sha_final(&c, out);
}

int bft_batch_digest(const u8 *batch, u32 len, u32 count,
		     const struct bft_wire_limits *lim, u8 out[BFT_DIGEST_LEN])
{
	struct bft_req_view r;
	u8 d[BFT_DIGEST_LEN], c4[4];
	struct bft_sha_ctx c;
	u32 off = 0, k = 0;
	int ret;

	if (count > lim->batch_max)
		return BFT_DROP_BATCH_COUNT;
	if (len > lim->batch_bytes)
		return BFT_DROP_BATCH_BYTES;
	bft_put32(c4, count);
	bft_sha_init(&c);
	bft_sha_update(&c, c4, 4);
	while ((ret = bft_batch_next(batch, len, &off, lim, &r)) == 0) {
		if (++k > count)
			return BFT_DROP_BATCH_COUNT;
		bft_req_digest(&r, d);
		bft_sha_update(&c, d, BFT_DIGEST_LEN);
	}
	if (ret != 1)
		return ret;
	if (k != count)
		return BFT_DROP_BATCH_COUNT;
	bft_sha_final(&c, out);
	return 0;
}

void bft_null_digest(u8 out[BFT_DIGEST_LEN])
{
	u8 c4[4] = { 0 };
	struct bft_sha_ctx c;

	bft_sha_init(&c);
	bft_sha_update(&c, c4, 4);
	bft_sha_final(&c, out);
}

void bft_wire_put_hdr(u8 *buf, u8 kind, u8 principal, u8 key_id, u32 sender,
		      u32 len)
{
	bft_put32(buf, BFT_WIRE_MAGIC);
	buf[4] = BFT_WIRE_VERSION;
	buf[5] = kind;
	buf[6] = principal;
	buf[7] = key_id;
	bft_put32(buf + 8, sender);
	bft_put32(buf + 12, len);
}

static u32 put_rhdr(u8 *buf, u32 cap, u8 kind, u32 sender, u64 len)
{
	if (len > cap || len > BFT_WIRE_MAX_DGRAM)
		return 0;
	memset(buf, 0, (size_t)len);
	bft_wire_put_hdr(buf, kind, BFT_PRINCIPAL_REPLICA, 0, sender, (u32)len);
	return (u32)len;
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
	bft_put64(buf + 16, ts);
	bft_put32(buf + 24, op_len);
	buf[28] = flags;
	buf[29] = n_auth;
	if (op_len)
		memcpy(buf + BFT_REQ_FIXED, op, op_len);
	return (u32)len;
}

u32 bft_enc_preprepare(u8 *buf, u32 cap, u32 sender, u64 view, u64 seq,
		       const u8 *digest, u32 count, const void *batch,
		       u32 batch_len)
{
	u32 len = put_rhdr(buf, cap, BFT_MSG_PRE_PREPARE, sender,
			   (u64)BFT_PP_FIXED + batch_len + BFT_MAC_LEN);

	if (!len)
		return 0;
	bft_put64(buf + 16, view);
	bft_put64(buf + 24, seq);
	memcpy(buf + 32, digest, BFT_DIGEST_LEN);
	bft_put32(buf + 64, count);
	bft_put32(buf + 68, batch_len);
	if (batch_len)
		memcpy(buf + BFT_PP_FIXED, batch, batch_len);
	return len;
}

u32 bft_enc_agree(u8 *buf, u32 cap, u8 kind, u32 sender, u64 view, u64 seq,
		  const u8 *digest)
{
	u32 len = put_rhdr(buf, cap, kind, sender,
			   BFT_AGREE_FIXED + BFT_MAC_LEN);

	if (!len)
		return 0;
	bft_put64(buf + 16, view);
	bft_put64(buf + 24, seq);
	memcpy(buf + 32, digest, BFT_DIGEST_LEN);
	return len;
}

u32 bft_enc_reply(u8 *buf, u32 cap, u32 replica, u64 view, u64 ts,
		  u32 client, u8 flags, const void *result, u32 result_len)
{
	u32 len = put_rhdr(buf, cap, BFT_MSG_REPLY, replica,
			   (u64)BFT_REPLY_FIXED + result_len + BFT_MAC_LEN);

	if (!len)
		return 0;
	bft_put64(buf + 16, view);
	bft_put64(buf + 24, ts);
	bft_put32(buf + 32, client);
	bft_put32(buf + 36, result_len);
	buf[40] = flags;
	if (result_len)
		memcpy(buf + BFT_REPLY_FIXED, result, result_len);
	return len;
}

u32 bft_enc_vc_ack(u8 *buf, u32 cap, u32 sender, u64 view, u32 replica,
		   const u8 *digest)
{
	u32 len = put_rhdr(buf, cap, BFT_MSG_VC_ACK, sender,
			   BFT_VC_ACK_FIXED + BFT_MAC_LEN);

	if (!len)
		return 0;
	bft_put64(buf + 16, view);
	bft_put32(buf + 24, replica);
	memcpy(buf + 32, digest, BFT_DIGEST_LEN);
	return len;
}

u32 bft_enc_checkpoint(u8 *buf, u32 cap, u32 sender, u64 seq,
		       const u8 *digest)
{
	u32 len = put_rhdr(buf, cap, BFT_MSG_CHECKPOINT, sender,
			   BFT_CKPT_FIXED + BFT_MAC_LEN);

	if (!len)
		return 0;
	bft_put64(buf + 16, seq);
	memcpy(buf + 24, digest, BFT_DIGEST_LEN);
	return len;
}

u32 bft_enc_vc(u8 *buf, u32 cap, u32 sender, u64 new_view, u64 stable_seq,
	       const struct bft_ckpt_h *ckpt, u32 n_ckpt,
	       const struct bft_vc_entry_h *ent, u32 n_ent)
{
	u32 len, i;
	u8 *p;

	if (n_ckpt > 0xffff || n_ent > 0xffff)
		return 0;
	len = put_rhdr(buf, cap, BFT_MSG_VIEW_CHANGE, sender,
		       (u64)BFT_VC_FIXED + (u64)n_ckpt * BFT_VC_CKPT_LEN +
		       (u64)n_ent * BFT_VC_ENTRY_LEN + BFT_MAC_LEN);
	if (!len)
		return 0;
	bft_put64(buf + 16, new_view);
	bft_put64(buf + 24, stable_seq);
	bft_put16(buf + 32, (u16)n_ckpt);
	bft_put16(buf + 34, (u16)n_ent);
	p = buf + BFT_VC_FIXED;
	for (i = 0; i < n_ckpt; i++, p += BFT_VC_CKPT_LEN) {
		bft_put64(p, ckpt[i].seq);
		memcpy(p + 8, ckpt[i].digest, BFT_DIGEST_LEN);
	}
	for (i = 0; i < n_ent; i++, p += BFT_VC_ENTRY_LEN) {
		bft_put64(p, ent[i].seq);
		bft_put64(p + 8, ent[i].pp_view);
		bft_put64(p + 16, ent[i].p_view);
		memcpy(p + 24, ent[i].pp_digest, BFT_DIGEST_LEN);
		memcpy(p + 56, ent[i].p_digest, BFT_DIGEST_LEN);
		bft_put32(p + 88, ent[i].flags);
	}
	return len;
}

u32 bft_enc_nv(u8 *buf, u32 cap, u32 sender, u64 view, u64 ckpt_seq,
	       const u8 *ckpt_digest, const struct bft_nv_vc_h *vc, u32 n_vc,
	       const struct bft_ckpt_h *o, u32 n_o)
{
	u32 len, i;
	u8 *p;

	if (n_vc > 0xffff || n_o > 0xffff)
		return 0;
	len = put_rhdr(buf, cap, BFT_MSG_NEW_VIEW, sender,
		       (u64)BFT_NV_FIXED + (u64)n_vc * BFT_NV_VC_LEN +
		       (u64)n_o * BFT_NV_O_LEN + BFT_MAC_LEN);
	if (!len)
		return 0;
	bft_put64(buf + 16, view);
	bft_put64(buf + 24, ckpt_seq);
	memcpy(buf + 32, ckpt_digest, BFT_DIGEST_LEN);
	bft_put16(buf + 64, (u16)n_vc);
	bft_put16(buf + 66, (u16)n_o);
	p = buf + BFT_NV_FIXED;
	for (i = 0; i < n_vc; i++, p += BFT_NV_VC_LEN) {
		bft_put32(p, vc[i].replica);
		memcpy(p + 8, vc[i].digest, BFT_DIGEST_LEN);
	}
	for (i = 0; i < n_o; i++, p += BFT_NV_O_LEN) {
		bft_put64(p, o[i].seq);
		memcpy(p + 8, o[i].digest, BFT_DIGEST_LEN);
	}
	return len;
}

u32 bft_enc_fetch(u8 *buf, u32 cap, u32 sender, u64 view, u8 what, u64 seq,
		  u64 off, const u8 *digest)
{
	u32 len = put_rhdr(buf, cap, BFT_MSG_FETCH, sender,
			   BFT_FETCH_FIXED + BFT_MAC_LEN);

	if (!len)
		return 0;
	buf[16] = what;
	bft_put64(buf + 24, seq);
	bft_put64(buf + 32, off);
	memcpy(buf + 40, digest, BFT_DIGEST_LEN);
	bft_put64(buf + 72, view);
	return len;
}

u32 bft_enc_fetch_stable(u8 *buf, u32 cap, u8 principal, u32 sender,
			 u64 view, u64 seq)
{
	static const u8 zero[BFT_DIGEST_LEN];
	u32 len = bft_enc_fetch(buf, cap, sender, view, BFT_FETCH_STABLE, seq,
				0, zero);

	if (len)
		buf[6] = principal;
	return len;
}

u32 bft_enc_data(u8 *buf, u32 cap, u32 sender, u8 what, u64 seq, u64 off,
		 u64 total, u32 count, const u8 *digest, const void *chunk,
		 u32 chunk_len)
{
	u32 len = put_rhdr(buf, cap, BFT_MSG_DATA, sender,
			   (u64)BFT_DATA_FIXED + chunk_len + BFT_MAC_LEN);

	if (!len)
		return 0;
	buf[16] = what;
	bft_put64(buf + 24, seq);
	bft_put64(buf + 32, off);
	bft_put64(buf + 40, total);
	bft_put32(buf + 48, chunk_len);
	bft_put32(buf + 52, count);
	memcpy(buf + 56, digest, BFT_DIGEST_LEN);
	if (chunk_len)
		memcpy(buf + BFT_DATA_FIXED, chunk, chunk_len);
	return len;
}

bool bft_wire_size_bounds(const struct bft_wire_limits *lim, u8 kind,
			  u32 *min, u32 *max)
{
	u64 fixed, var = 0;

	switch (kind) {
	case BFT_MSG_REQUEST:
		fixed = BFT_REQ_FIXED + (u64)lim->n * BFT_MAC_LEN;
		var = lim->max_op;
		break;
	case BFT_MSG_PRE_PREPARE:
		fixed = BFT_PP_FIXED + BFT_MAC_LEN;
		var = lim->batch_bytes;
		break;
	case BFT_MSG_PREPARE:
	case BFT_MSG_COMMIT:
		fixed = BFT_AGREE_FIXED + BFT_MAC_LEN;
		break;
	case BFT_MSG_CHECKPOINT:
		fixed = BFT_CKPT_FIXED + BFT_MAC_LEN;
		break;
	case BFT_MSG_VIEW_CHANGE:
		fixed = BFT_VC_FIXED + BFT_MAC_LEN;
		var = (u64)BFT_MAX_CKPTS_VC * BFT_VC_CKPT_LEN +
		      (u64)lim->log_size * BFT_VC_ENTRY_LEN;
		break;
	case BFT_MSG_NEW_VIEW:
		fixed = BFT_NV_FIXED + BFT_MAC_LEN;
		var = (u64)lim->n * BFT_NV_VC_LEN +
		      (u64)lim->log_size * BFT_NV_O_LEN;
		break;
	case BFT_MSG_FETCH:
		fixed = BFT_FETCH_FIXED + BFT_MAC_LEN;
		break;
	case BFT_MSG_DATA:
		fixed = BFT_DATA_FIXED + BFT_MAC_LEN;
		var = BFT_WIRE_MAX_DGRAM;
		break;
	case BFT_MSG_VC_ACK:
		fixed = BFT_VC_ACK_FIXED + BFT_MAC_LEN;
		break;
	default:
		return false;
	}
	/* A request's fixed part alone decides SHORT, as in its decoder. */
	*min = kind == BFT_MSG_REQUEST ? BFT_REQ_FIXED : (u32)fixed;
	*max = fixed + var > BFT_WIRE_MAX_DGRAM ? BFT_WIRE_MAX_DGRAM :
						   (u32)(fixed + var);
	return true;
}

int bft_wire_screen(const u8 *hdr, u32 len, const struct bft_wire_limits *lim)
{
	struct bft_msg_hdr h;
	u32 min, max;
	int ret;

	/* Reads only BFT_HDR_LEN bytes; checks h.len against len. */
	ret = bft_wire_parse_hdr(hdr, len, &h);
	if (ret)
		return ret;
	if (!bft_wire_size_bounds(lim, h.kind, &min, &max))
		return BFT_DROP_KIND;
	if (len < min)
		return BFT_DROP_SHORT;
	if (len > max)
		return min == max ? BFT_DROP_LEN : BFT_DROP_TOO_LONG;
	return 0;
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
		u32 op_len, signed_len;

		if (len < BFT_REQ_FIXED)
			return BFT_DROP_SHORT;
		op_len = bft_get32(buf + 24);
		if (buf[29] != n || self >= n)
			return BFT_DROP_NAUTH;
		if ((u64)BFT_REQ_FIXED + op_len + (u64)n * BFT_MAC_LEN != len)
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
	if (mac(ctx, h.principal, h.sender, &iov, 1, tag))
		return BFT_DROP_NO_KEY;
	if (bft_memneq(tag, want, BFT_MAC_LEN))
		return h.kind == BFT_MSG_REQUEST ? BFT_DROP_AUTH : BFT_DROP_MAC;
	return 0;
}
