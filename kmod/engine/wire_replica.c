// SPDX-License-Identifier: GPL-2.0
/*
 * Wire codec, the replica messages: PRE-PREPARE and its batch, PREPARE,
 * COMMIT, CHECKPOINT, VIEW-CHANGE, NEW-VIEW, VC-ACK, FETCH and DATA, and
 * the receive-side screen by kind. Offsets and sizes are the uapi
 * structs' (see wire.h); lengths are checked as in wire_client.c.
 */
#include "wire_codec.h"

int bft_wire_parse_preprepare(const u8 *buf, u32 len,
			      const struct bft_wire_limits *lim,
			      struct bft_pp_view *pp)
{
	struct bft_msg_hdr h;
	int ret;

	ret = bft_wire_parse_hdr_kind(buf, len, BFT_MSG_PRE_PREPARE,
				      BFT_PP_FIXED + BFT_MAC_LEN, &h);
	if (ret)
		return ret;
	if (h.principal != BFT_PRINCIPAL_REPLICA)
		return BFT_DROP_PRINCIPAL;
	pp->view = bft_wget64(buf, bft_preprepare, view);
	pp->seq = bft_wget64(buf, bft_preprepare, seq);
	pp->digest = bft_wptr(buf, bft_preprepare, digest);
	pp->count = bft_wget32(buf, bft_preprepare, count);
	pp->batch_len = bft_wget32(buf, bft_preprepare, batch_len);
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
	a->view = bft_wget64(buf, bft_agree, view);
	a->seq = bft_wget64(buf, bft_agree, seq);
	a->digest = bft_wptr(buf, bft_agree, digest);
	return 0;
}

int bft_wire_parse_checkpoint(const u8 *buf, u32 len, struct bft_ckpt_view *c)
{
	struct bft_msg_hdr h;
	int ret;

	ret = bft_wire_parse_fixed(buf, len, BFT_MSG_CHECKPOINT, BFT_CKPT_FIXED, &h);
	if (ret)
		return ret;
	c->seq = bft_wget64(buf, bft_checkpoint, seq);
	c->digest = bft_wptr(buf, bft_checkpoint, digest);
	return 0;
}

int bft_wire_parse_vc_ack(const u8 *buf, u32 len, struct bft_vc_ack_view *a)
{
	struct bft_msg_hdr h;
	int ret;

	ret = bft_wire_parse_fixed(buf, len, BFT_MSG_VC_ACK, BFT_VC_ACK_FIXED, &h);
	if (ret)
		return ret;
	if (bft_wget32(buf, bft_vc_ack, reserved))
		return BFT_DROP_RESERVED;
	a->view = bft_wget64(buf, bft_vc_ack, view);
	a->replica = bft_wget32(buf, bft_vc_ack, replica);
	a->digest = bft_wptr(buf, bft_vc_ack, digest);
	return 0;
}

int bft_wire_parse_suspect(const u8 *buf, u32 len, u64 *view)
{
	struct bft_msg_hdr h;
	int ret;

	ret = bft_wire_parse_fixed(buf, len, BFT_MSG_SUSPECT, BFT_SUSPECT_FIXED,
				   &h);
	if (ret)
		return ret;
	*view = bft_wget64(buf, bft_suspect, view);
	return 0;
}

void bft_vc_get_ckpt(const struct bft_vc_view *vc, u32 i, struct bft_ckpt_h *c)
{
	const u8 *p = vc->ckpt + (size_t)i * BFT_VC_CKPT_LEN;

	c->seq = bft_wget64(p, bft_vc_ckpt, seq);
	memcpy(c->digest, bft_wptr(p, bft_vc_ckpt, digest), BFT_DIGEST_LEN);
}

void bft_vc_get_entry(const struct bft_vc_view *vc, u32 i,
		      struct bft_vc_entry_h *e)
{
	const u8 *p = vc->entries + (size_t)i * BFT_VC_ENTRY_LEN;

	e->seq = bft_wget64(p, bft_vc_entry, seq);
	e->pp_view = bft_wget64(p, bft_vc_entry, pp_view);
	e->p_view = bft_wget64(p, bft_vc_entry, p_view);
	memcpy(e->pp_digest, bft_wptr(p, bft_vc_entry, pp_digest),
	       BFT_DIGEST_LEN);
	memcpy(e->p_digest, bft_wptr(p, bft_vc_entry, p_digest),
	       BFT_DIGEST_LEN);
	e->flags = bft_wget32(p, bft_vc_entry, flags);
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

	ret = bft_wire_parse_hdr_kind(buf, len, BFT_MSG_VIEW_CHANGE,
				      BFT_VC_FIXED + BFT_MAC_LEN, &h);
	if (ret)
		return ret;
	vc->replica = h.sender;
	vc->new_view = bft_wget64(buf, bft_view_change, new_view);
	vc->stable_seq = bft_wget64(buf, bft_view_change, stable_seq);
	vc->n_ckpt = bft_wget16(buf, bft_view_change, n_ckpt);
	vc->n_entries = bft_wget16(buf, bft_view_change, n_entries);
	if (bft_wget32(buf, bft_view_change, reserved))
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
		const u8 *p = vc->entries + (size_t)i * BFT_VC_ENTRY_LEN;

		bft_vc_get_entry(vc, i, &e);
		if (e.seq <= prev || e.seq > vc->stable_seq + lim->log_size)
			return BFT_DROP_VC_FORMAT;
		if ((e.flags & ~BFT_VC_E_ALL) ||
		    bft_wget32(p, bft_vc_entry, reserved))
			return BFT_DROP_RESERVED;
		if (e.pp_view >= vc->new_view)
			return BFT_DROP_VC_FORMAT;
		if (e.flags & BFT_VC_E_PREPARED) {
			if (e.p_view > e.pp_view)
				return BFT_DROP_VC_FORMAT;
		} else if (e.p_view ||
			   !bft_all_zero(e.p_digest, BFT_DIGEST_LEN)) {
			return BFT_DROP_RESERVED;
		}
		prev = e.seq;
	}
	return 0;
}

void bft_nv_get_vc(const struct bft_nv_view *nv, u32 i, struct bft_nv_vc_h *v)
{
	const u8 *p = nv->vc + (size_t)i * BFT_NV_VC_LEN;

	v->replica = bft_wget32(p, bft_nv_vc, replica);
	memcpy(v->digest, bft_wptr(p, bft_nv_vc, digest), BFT_DIGEST_LEN);
}

void bft_nv_get_o(const struct bft_nv_view *nv, u32 i, struct bft_ckpt_h *o)
{
	const u8 *p = nv->o + (size_t)i * BFT_NV_O_LEN;

	o->seq = bft_wget64(p, bft_nv_entry, seq);
	memcpy(o->digest, bft_wptr(p, bft_nv_entry, digest), BFT_DIGEST_LEN);
}

int bft_wire_parse_nv(const u8 *buf, u32 len,
		      const struct bft_wire_limits *lim, struct bft_nv_view *nv)
{
	struct bft_msg_hdr h;
	struct bft_nv_vc_h v;
	struct bft_ckpt_h o;
	u32 i, prev = 0;
	int ret;

	ret = bft_wire_parse_hdr_kind(buf, len, BFT_MSG_NEW_VIEW,
				      BFT_NV_FIXED + BFT_MAC_LEN, &h);
	if (ret)
		return ret;
	nv->view = bft_wget64(buf, bft_new_view, view);
	nv->ckpt_seq = bft_wget64(buf, bft_new_view, ckpt_seq);
	nv->ckpt_digest = bft_wptr(buf, bft_new_view, ckpt_digest);
	nv->n_vc = bft_wget16(buf, bft_new_view, n_vc);
	nv->n_o = bft_wget16(buf, bft_new_view, n_o);
	if (bft_wget32(buf, bft_new_view, reserved))
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
		const u8 *p = nv->vc + (size_t)i * BFT_NV_VC_LEN;

		bft_nv_get_vc(nv, i, &v);
		if (v.replica >= lim->n || (i && v.replica <= prev))
			return BFT_DROP_VC_FORMAT;
		if (bft_wget32(p, bft_nv_vc, reserved))
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

	ret = bft_wire_parse_fixed(buf, len, BFT_MSG_FETCH, BFT_FETCH_FIXED, &h);
	if (ret)
		return ret;
	f->what = bft_wget8(buf, bft_fetch, what);
	if (!bft_wzero(buf, struct bft_fetch, reserved))
		return BFT_DROP_RESERVED;
	if (f->what < BFT_FETCH_STATE || f->what > BFT_FETCH_TABLE)
		return BFT_DROP_RESERVED;
	if (h.principal == BFT_PRINCIPAL_CLIENT && f->what != BFT_FETCH_STABLE)
		return BFT_DROP_PRINCIPAL;
	f->principal = h.principal;
	f->seq = bft_wget64(buf, bft_fetch, seq);
	f->offset = bft_wget64(buf, bft_fetch, offset);
	f->digest = bft_wptr(buf, bft_fetch, digest);
	f->view = bft_wget64(buf, bft_fetch, view);
	if (f->view > BFT_VIEW_MAX)
		return BFT_DROP_VIEW;
	if (h.principal == BFT_PRINCIPAL_CLIENT && f->view)
		return BFT_DROP_RESERVED;
	if (f->what == BFT_FETCH_VC ? f->offset >= BFT_MAX_REPLICAS :
	    f->what != BFT_FETCH_STATE && f->what != BFT_FETCH_TABLE &&
	    f->offset)
		return BFT_DROP_RESERVED;
	if ((f->what == BFT_FETCH_STABLE || f->what == BFT_FETCH_LOG) &&
	    !bft_all_zero(f->digest, BFT_DIGEST_LEN))
		return BFT_DROP_RESERVED;
	return 0;
}

int bft_wire_parse_data(const u8 *buf, u32 len,
			const struct bft_wire_limits *lim,
			struct bft_data_view *d)
{
	struct bft_msg_hdr h;
	int ret;

	ret = bft_wire_parse_hdr_kind(buf, len, BFT_MSG_DATA,
				      BFT_DATA_FIXED + BFT_MAC_LEN, &h);
	if (ret)
		return ret;
	d->what = bft_wget8(buf, bft_data, what);
	if (!bft_wzero(buf, struct bft_data, reserved))
		return BFT_DROP_RESERVED;
	d->seq = bft_wget64(buf, bft_data, seq);
	d->offset = bft_wget64(buf, bft_data, offset);
	d->total = bft_wget64(buf, bft_data, total);
	d->chunk_len = bft_wget32(buf, bft_data, chunk_len);
	d->count = bft_wget32(buf, bft_data, count);
	d->digest = bft_wptr(buf, bft_data, digest);
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
		u64 view;
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
	case BFT_MSG_SUSPECT:
		return bft_wire_parse_suspect(buf, len, &u.view);
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
	rlen = bft_wget32(batch + *off, bft_hdr, len);
	if (rlen > len - *off)
		return BFT_DROP_INNER;
	ret = bft_wire_parse_request(batch + *off, rlen, lim, r);
	/* A STAGED query is answered on arrival, never ordered. */
	if (ret || (r->flags & BFT_REQ_F_STAGED))
		return BFT_DROP_INNER;
	*off += rlen;
	return 0;
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

u32 bft_enc_preprepare(u8 *buf, u32 cap, u32 sender, u64 view, u64 seq,
		       const u8 *digest, u32 count, const void *batch,
		       u32 batch_len)
{
	u32 len = bft_wire_put_rhdr(buf, cap, BFT_MSG_PRE_PREPARE, sender,
				    (u64)BFT_PP_FIXED + batch_len +
				    BFT_MAC_LEN);

	if (!len)
		return 0;
	bft_wput64(buf, bft_preprepare, view, view);
	bft_wput64(buf, bft_preprepare, seq, seq);
	memcpy(bft_wptr(buf, bft_preprepare, digest), digest, BFT_DIGEST_LEN);
	bft_wput32(buf, bft_preprepare, count, count);
	bft_wput32(buf, bft_preprepare, batch_len, batch_len);
	if (batch_len)
		memcpy(buf + BFT_PP_FIXED, batch, batch_len);
	return len;
}

u32 bft_enc_agree(u8 *buf, u32 cap, u8 kind, u32 sender, u64 view, u64 seq,
		  const u8 *digest)
{
	u32 len = bft_wire_put_rhdr(buf, cap, kind, sender,
				    BFT_AGREE_FIXED + BFT_MAC_LEN);

	if (!len)
		return 0;
	bft_wput64(buf, bft_agree, view, view);
	bft_wput64(buf, bft_agree, seq, seq);
	memcpy(bft_wptr(buf, bft_agree, digest), digest, BFT_DIGEST_LEN);
	return len;
}

u32 bft_enc_vc_ack(u8 *buf, u32 cap, u32 sender, u64 view, u32 replica,
		   const u8 *digest)
{
	u32 len = bft_wire_put_rhdr(buf, cap, BFT_MSG_VC_ACK, sender,
				    BFT_VC_ACK_FIXED + BFT_MAC_LEN);

	if (!len)
		return 0;
	bft_wput64(buf, bft_vc_ack, view, view);
	bft_wput32(buf, bft_vc_ack, replica, replica);
	memcpy(bft_wptr(buf, bft_vc_ack, digest), digest, BFT_DIGEST_LEN);
	return len;
}

u32 bft_enc_suspect(u8 *buf, u32 cap, u32 sender, u64 view)
{
	u32 len = bft_wire_put_rhdr(buf, cap, BFT_MSG_SUSPECT, sender,
				    BFT_SUSPECT_FIXED + BFT_MAC_LEN);

	if (len)
		bft_wput64(buf, bft_suspect, view, view);
	return len;
}

u32 bft_enc_checkpoint(u8 *buf, u32 cap, u32 sender, u64 seq,
		       const u8 *digest)
{
	u32 len = bft_wire_put_rhdr(buf, cap, BFT_MSG_CHECKPOINT, sender,
				    BFT_CKPT_FIXED + BFT_MAC_LEN);

	if (!len)
		return 0;
	bft_wput64(buf, bft_checkpoint, seq, seq);
	memcpy(bft_wptr(buf, bft_checkpoint, digest), digest, BFT_DIGEST_LEN);
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
	len = bft_wire_put_rhdr(buf, cap, BFT_MSG_VIEW_CHANGE, sender,
				(u64)BFT_VC_FIXED +
				(u64)n_ckpt * BFT_VC_CKPT_LEN +
				(u64)n_ent * BFT_VC_ENTRY_LEN + BFT_MAC_LEN);
	if (!len)
		return 0;
	bft_wput64(buf, bft_view_change, new_view, new_view);
	bft_wput64(buf, bft_view_change, stable_seq, stable_seq);
	bft_wput16(buf, bft_view_change, n_ckpt, (u16)n_ckpt);
	bft_wput16(buf, bft_view_change, n_entries, (u16)n_ent);
	p = buf + BFT_VC_FIXED;
	for (i = 0; i < n_ckpt; i++, p += BFT_VC_CKPT_LEN) {
		bft_wput64(p, bft_vc_ckpt, seq, ckpt[i].seq);
		memcpy(bft_wptr(p, bft_vc_ckpt, digest), ckpt[i].digest,
		       BFT_DIGEST_LEN);
	}
	for (i = 0; i < n_ent; i++, p += BFT_VC_ENTRY_LEN) {
		bft_wput64(p, bft_vc_entry, seq, ent[i].seq);
		bft_wput64(p, bft_vc_entry, pp_view, ent[i].pp_view);
		bft_wput64(p, bft_vc_entry, p_view, ent[i].p_view);
		memcpy(bft_wptr(p, bft_vc_entry, pp_digest), ent[i].pp_digest,
		       BFT_DIGEST_LEN);
		memcpy(bft_wptr(p, bft_vc_entry, p_digest), ent[i].p_digest,
		       BFT_DIGEST_LEN);
		bft_wput32(p, bft_vc_entry, flags, ent[i].flags);
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
	len = bft_wire_put_rhdr(buf, cap, BFT_MSG_NEW_VIEW, sender,
				(u64)BFT_NV_FIXED + (u64)n_vc * BFT_NV_VC_LEN +
				(u64)n_o * BFT_NV_O_LEN + BFT_MAC_LEN);
	if (!len)
		return 0;
	bft_wput64(buf, bft_new_view, view, view);
	bft_wput64(buf, bft_new_view, ckpt_seq, ckpt_seq);
	memcpy(bft_wptr(buf, bft_new_view, ckpt_digest), ckpt_digest,
	       BFT_DIGEST_LEN);
	bft_wput16(buf, bft_new_view, n_vc, (u16)n_vc);
	bft_wput16(buf, bft_new_view, n_o, (u16)n_o);
	p = buf + BFT_NV_FIXED;
	for (i = 0; i < n_vc; i++, p += BFT_NV_VC_LEN) {
		bft_wput32(p, bft_nv_vc, replica, vc[i].replica);
		memcpy(bft_wptr(p, bft_nv_vc, digest), vc[i].digest,
		       BFT_DIGEST_LEN);
	}
	for (i = 0; i < n_o; i++, p += BFT_NV_O_LEN) {
		bft_wput64(p, bft_nv_entry, seq, o[i].seq);
		memcpy(bft_wptr(p, bft_nv_entry, digest), o[i].digest,
		       BFT_DIGEST_LEN);
	}
	return len;
}

u32 bft_enc_fetch(u8 *buf, u32 cap, u32 sender, u64 view, u8 what, u64 seq,
		  u64 off, const u8 *digest)
{
	u32 len = bft_wire_put_rhdr(buf, cap, BFT_MSG_FETCH, sender,
				    BFT_FETCH_FIXED + BFT_MAC_LEN);

	if (!len)
		return 0;
	bft_wput8(buf, bft_fetch, what, what);
	bft_wput64(buf, bft_fetch, seq, seq);
	bft_wput64(buf, bft_fetch, offset, off);
	memcpy(bft_wptr(buf, bft_fetch, digest), digest, BFT_DIGEST_LEN);
	bft_wput64(buf, bft_fetch, view, view);
	return len;
}

u32 bft_enc_fetch_stable(u8 *buf, u32 cap, u8 principal, u32 sender,
			 u64 view, u64 seq)
{
	static const u8 zero[BFT_DIGEST_LEN];
	u32 len = bft_enc_fetch(buf, cap, sender, view, BFT_FETCH_STABLE, seq,
				0, zero);

	if (len)
		bft_wput8(buf, bft_hdr, principal, principal);
	return len;
}

u32 bft_enc_data(u8 *buf, u32 cap, u32 sender, u8 what, u64 seq, u64 off,
		 u64 total, u32 count, const u8 *digest, const void *chunk,
		 u32 chunk_len)
{
	u32 len = bft_wire_put_rhdr(buf, cap, BFT_MSG_DATA, sender,
				    (u64)BFT_DATA_FIXED + chunk_len +
				    BFT_MAC_LEN);

	if (!len)
		return 0;
	bft_wput8(buf, bft_data, what, what);
	bft_wput64(buf, bft_data, seq, seq);
	bft_wput64(buf, bft_data, offset, off);
	bft_wput64(buf, bft_data, total, total);
	bft_wput32(buf, bft_data, chunk_len, chunk_len);
	bft_wput32(buf, bft_data, count, count);
	memcpy(bft_wptr(buf, bft_data, digest), digest, BFT_DIGEST_LEN);
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
		var = lim->max_op + (u64)(bft_lim_max_n(lim) - lim->n) *
		      BFT_MAC_LEN;
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
	case BFT_MSG_SUSPECT:
		fixed = BFT_SUSPECT_FIXED + BFT_MAC_LEN;
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
