// SPDX-License-Identifier: GPL-2.0
/*
 * Serving state transfer: FETCH(TABLE) with our checkpoint's part table,
 * FETCH(STATE) with its parts, FETCH(BATCH) with a batch; dispatches the
 * other FETCH kinds. Rate-limited per asker (fetch_due).
 */
#include "internal.h"

/*
 * May @from be answered at (seq, off)? A fetcher that moves forward is
 * answered at once; asking again for what it was already sent, or for
 * less, is answered once per half retry (bft_answer_due). So a flood
 * costs its target at most one pass over the state, or over the log,
 * per half retry, and a correct fetcher, which only asks again after a
 * whole retry, is never held back.
 */
static bool fetch_due(struct bft_engine *e, struct bft_fetch_rl *rl, u64 seq,
		      u64 off)
{
	if (seq > rl->seq || (seq == rl->seq && off >= rl->next))
		return true;
	return bft_answer_due(e, &rl->last);
}

static void fetch_answered(struct bft_engine *e, struct bft_fetch_rl *rl,
			   u64 seq, u64 next)
{
	rl->seq = seq;
	rl->next = next;
	rl->last = e->now + 1;
}

/* Stream bytes [off, off + len) of our checkpoint at seq: 0 or -err. */
static int ckpt_read(struct bft_engine *e, u64 seq, u64 off, u8 *buf,
		     u32 len)
{
	u32 done = 0;
	long got;

	while (done < len) {
		got = bft_engine_stable_read(e, seq, off + done, buf + done,
					     len - done);
		if (got <= 0 || got > len - done)
			return -EIO;
		done += (u32)got;
	}
	return 0;
}

/* Table bytes [off, off + len) of checkpoint c, computed part by part. */
static int table_read(struct bft_engine *e, struct bft_ckpt *c, u64 off,
		      u8 *out, u32 len)
{
	u32 part = e->cfg.xfer_chunk, done = 0, at, k;
	u64 hend = bft_sdig_table_len(c->size, part) - BFT_SD_TRAILER;
	struct bft_sha_ctx sha;
	u8 b[BFT_SD_HASH];
	u64 p, i, plen;

	while (done < len) {
		p = off + done;
		if (p < BFT_SD_HDR) {
			bft_sdig_hdr(b, part);
			at = (u32)p;
			k = BFT_SD_HDR;
		} else if (p < hend) {
			i = (p - BFT_SD_HDR) / BFT_SD_HASH;
			plen = c->size - i * part;
			if (plen > part)
				plen = part;
			if (ckpt_read(e, c->seq, i * part, e->io, (u32)plen))
				return -EIO;
			bft_sha_init(&sha);
			bft_sha_update(&sha, e->io, (u32)plen);
			bft_sha_final(&sha, b);
			at = (u32)((p - BFT_SD_HDR) % BFT_SD_HASH);
			k = BFT_SD_HASH;
		} else {
			bft_put64(b, c->size);
			at = (u32)(p - hend);
			k = BFT_SD_TRAILER;
		}
		k -= at;
		if (k > len - done)
			k = len - done;
		memcpy(out + done, b + at, k);
		done += k;
	}
	return 0;
}

/* FETCH(STATE) or FETCH(TABLE) for a checkpoint of ours. */
static int serve_ckpt(struct bft_engine *e, u32 from,
		      const struct bft_fetch_view *f)
{
	bool tbl = f->what == BFT_FETCH_TABLE;
	struct bft_fetch_rl *rl = tbl ? &e->xs.table_answered[from] :
					&e->xs.state_answered[from];
	struct bft_ckpt *c = bft_ckpt_find(e, f->seq);
	u32 len = e->cfg.xfer_chunk, n;
	u8 *buf = tbl ? e->xs.tbl_io : e->io;
	u64 total;
	int err;

	if (!c || !c->mine || memcmp(c->digest, f->digest, BFT_DIGEST_LEN))
		return BFT_DROP_XFER;
	total = tbl ? bft_sdig_table_len(c->size, len) : c->size;
	if (f->offset >= total)
		return BFT_DROP_XFER;
	if (!fetch_due(e, rl, f->seq, f->offset))
		return BFT_DROP_BUSY;
	if (len > total - f->offset)
		len = (u32)(total - f->offset);
	err = tbl ? table_read(e, c, f->offset, buf, len) :
		    ckpt_read(e, f->seq, f->offset, buf, len);
	if (err)
		return BFT_DROP_XFER;
	fetch_answered(e, rl, f->seq, f->offset + len);
	n = bft_enc_data(e->tx, BFT_WIRE_MAX_DGRAM, e->id, f->what, f->seq,
			 f->offset, total, 0, c->digest, buf, len);
	bft_send_replica(e, from, e->tx, n);
	return 0;
}

int bft_on_fetch(struct bft_engine *e, u32 from,
		 const struct bft_fetch_view *f)
{
	struct bft_slot *s;
	u32 n;

	if (f->what == BFT_FETCH_STATE || f->what == BFT_FETCH_TABLE)
		return serve_ckpt(e, from, f);
	if (f->what == BFT_FETCH_STABLE)
		return bft_on_fetch_stable(e, from, f);
	if (f->what == BFT_FETCH_LOG)
		return bft_on_fetch_log(e, from, f);
	if (f->what == BFT_FETCH_VC)
		return bft_epoch_old_asker(e) ? BFT_DROP_EPOCH :
		       bft_on_fetch_vc(e, from, f);
	s = bft_slot_of(e, f->seq);
	if (s->seq != f->seq || !(s->flags & SL_BATCH) ||
	    memcmp(s->content_digest, f->digest, BFT_DIGEST_LEN))
		return BFT_DROP_XFER;
	if (!fetch_due(e, &e->xs.batch_answered[from], f->seq, 0))
		return BFT_DROP_BUSY;
	fetch_answered(e, &e->xs.batch_answered[from], f->seq, 1);
	n = bft_enc_data(e->tx, BFT_WIRE_MAX_DGRAM, e->id, BFT_FETCH_BATCH,
			 f->seq, 0, s->batch_len, s->count, s->content_digest,
			 s->batch, s->batch_len);
	bft_send_replica(e, from, e->tx, n);
	return 0;
}
