// SPDX-License-Identifier: GPL-2.0
/*
 * State transfer: a replica behind a stable checkpoint fetches the state
 * stream (engine section, then service snapshot) in order, one chunk at a
 * time from whichever peer answers first, hashing as it goes; the install
 * commits only if the hash equals the digest certified by Q CHECKPOINTs.
 * Also fetches single batches a NEW-VIEW assigned but we never received
 * (checked by their digest).
 */
#include "internal.h"

static u32 next_peer(const struct bft_engine *e, u32 p)
{
	p = (p + 1) % e->n;
	if (p == e->id)
		p = (p + 1) % e->n;
	return p;
}

static void fetch_from(struct bft_engine *e, u32 peer)
{
	struct bft_xfer *x = &e->xfer;
	u32 n;

	n = bft_enc_fetch(e->tx, BFT_WIRE_MAX_DGRAM, e->id, e->view,
			  BFT_FETCH_STATE, x->seq, x->off, x->digest);
	bft_send_replica(e, peer, e->tx, n);
}

/*
 * Ask x->peer for the chunk at x->off. If it has not answered after a
 * quarter retry, the next replica is asked too (tick) and whichever
 * answers first carries on: a peer that answers just under the retry
 * time loses that race once and is left behind, instead of setting the
 * pace of the whole stream.
 */
static void send_fetch(struct bft_engine *e)
{
	struct bft_xfer *x = &e->xfer;
	u64 hedge = e->cfg.xfer_retry_ms / 4;

	fetch_from(e, x->peer);
	x->alt = x->peer;
	x->asked = e->now;
	x->deadline = e->now + (hedge ? hedge : 1);
}

void bft_xfer_restart(struct bft_engine *e)
{
	struct bft_xfer *x = &e->xfer;

	x->off = 0;
	x->total = 0;
	bft_sha_init(&x->sha);
	x->peer = next_peer(e, x->peer);
	send_fetch(e);
}

void bft_xfer_start(struct bft_engine *e, u64 seq, const u8 *digest)
{
	struct bft_xfer *x = &e->xfer;

	if (bft_seed_try(e, seq, digest))
		return;
	if (x->active) {
		if (x->seq >= seq)
			return;
		e->ops->install_done(e->ctx, x->seq, false);
		e->ctr.xfer_failures++;
	}
	x->active = true;
	x->seq = seq;
	memcpy(x->digest, digest, BFT_DIGEST_LEN);
	x->peer = e->id;
	bft_emit(e, BFT_EV_XFER_START, e->id, e->view, seq, digest);
	bft_xfer_restart(e);
}

static void fetch_batch_send(struct bft_engine *e, struct bft_slot *s)
{
	u32 n = bft_enc_fetch(e->tx, BFT_WIRE_MAX_DGRAM, e->id, e->view,
			      BFT_FETCH_BATCH, s->seq, 0, s->digest);

	bft_multicast(e, e->tx, n);
	s->fetch_at = e->now + e->cfg.xfer_retry_ms;
}

void bft_fetch_batch(struct bft_engine *e, struct bft_slot *s)
{
	s->flags |= SL_FETCH;
	fetch_batch_send(e, s);
}

void bft_xfer_tick(struct bft_engine *e)
{
	struct bft_xfer *x = &e->xfer;
	u32 i;

	if (x->active && e->now >= x->deadline) {
		if (x->alt == x->peer) {
			/* Slow: ask the next one too, the first wins. */
			x->alt = next_peer(e, x->peer);
			fetch_from(e, x->alt);
			x->deadline = x->asked + e->cfg.xfer_retry_ms;
		} else {
			/* Neither answered: continue from another one. */
			x->peer = next_peer(e, x->alt);
			send_fetch(e);
		}
	}
	for (i = 0; i < e->cfg.log_size; i++) {
		struct bft_slot *s = &e->slots[i];

		if (s->seq && (s->flags & SL_FETCH) && e->now >= s->fetch_at)
			fetch_batch_send(e, s);
	}
}

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

static int serve_state(struct bft_engine *e, u32 from,
		       const struct bft_fetch_view *f)
{
	struct bft_fetch_rl *rl = &e->state_answered[from];
	struct bft_ckpt *c = bft_ckpt_find(e, f->seq);
	u32 chunk = e->cfg.xfer_chunk, n;
	const u8 *src;
	long got;

	if (!c || !c->mine || memcmp(c->digest, f->digest, BFT_DIGEST_LEN))
		return BFT_DROP_XFER;
	if (f->offset >= c->size)
		return BFT_DROP_XFER;
	if (!fetch_due(e, rl, f->seq, f->offset))
		return BFT_DROP_BUSY;
	if (f->offset < e->esz) {
		if (chunk > e->esz - f->offset)
			chunk = (u32)(e->esz - f->offset);
		src = c->ts_snap + f->offset;
		got = chunk;
	} else {
		got = e->ops->snapshot_read(e->ctx, f->seq, f->offset - e->esz,
					    e->io, chunk);
		if (got <= 0 || got > chunk)
			return BFT_DROP_XFER;
		src = e->io;
	}
	fetch_answered(e, rl, f->seq, f->offset + (u64)got);
	n = bft_enc_data(e->tx, BFT_WIRE_MAX_DGRAM, e->id, BFT_FETCH_STATE,
			 f->seq, f->offset, c->size, 0, c->digest, src,
			 (u32)got);
	bft_send_replica(e, from, e->tx, n);
	return 0;
}

int bft_on_fetch(struct bft_engine *e, u32 from,
		 const struct bft_fetch_view *f)
{
	struct bft_slot *s;
	u32 n;

	if (f->what == BFT_FETCH_STATE)
		return serve_state(e, from, f);
	if (f->what == BFT_FETCH_STABLE)
		return bft_on_fetch_stable(e, from, f);
	if (f->what == BFT_FETCH_LOG)
		return bft_on_fetch_log(e, from, f);
	if (f->what == BFT_FETCH_VC)
		return bft_on_fetch_vc(e, from, f);
	s = bft_slot_of(e, f->seq);
	if (s->seq != f->seq || !(s->flags & SL_BATCH) ||
	    memcmp(s->content_digest, f->digest, BFT_DIGEST_LEN))
		return BFT_DROP_XFER;
	if (!fetch_due(e, &e->batch_answered[from], f->seq, 0))
		return BFT_DROP_BUSY;
	fetch_answered(e, &e->batch_answered[from], f->seq, 1);
	n = bft_enc_data(e->tx, BFT_WIRE_MAX_DGRAM, e->id, BFT_FETCH_BATCH,
			 f->seq, 0, s->batch_len, s->count, s->content_digest,
			 s->batch, s->batch_len);
	bft_send_replica(e, from, e->tx, n);
	return 0;
}

/* Commits the install if the stream hashed to the certified digest. */
bool bft_xfer_finish(struct bft_engine *e)
{
	struct bft_xfer *x = &e->xfer;
	u8 d[BFT_DIGEST_LEN];
	u32 i;

	bft_sha_final(&x->sha, d);
	if (memcmp(d, x->digest, BFT_DIGEST_LEN)) {
		e->ops->install_done(e->ctx, x->seq, false);
		e->ctr.xfer_failures++;
		bft_xfer_restart(e);
		return false;
	}
	e->ops->install_done(e->ctx, x->seq, true);
	x->active = false;
	bft_clients_load(e, x->staging);
	e->last_exec = x->seq;
	if (e->max_seq < x->seq)
		e->max_seq = x->seq;
	/*
	 * Above h (a checkpoint not yet stable: NEW-VIEW, weak certificate)
	 * keep the entries, which our VIEW-CHANGE still reports; only stop
	 * fetching their batches.
	 */
	for (i = 0; i < e->cfg.log_size; i++) {
		struct bft_slot *s = &e->slots[i];

		if (!s->seq || s->seq > x->seq)
			continue;
		if (s->seq <= e->h)
			bft_slot_clear(e, s);
		else
			s->flags &= ~SL_FETCH;
	}
	e->ctr.state_transfers++;
	bft_emit(e, BFT_EV_XFER_DONE, e->id, e->view, x->seq, x->digest);
	/* Keep a snapshot so we can serve this checkpoint in turn. */
	bft_take_checkpoint(e, x->seq);
	bft_try_execute(e);
	bft_timer_update(e);
	return true;
}

/*
 * One chunk of the stream at off, in order, from the network or from a
 * local seed: hashed, the engine section staged, the rest installed.
 * BFT_DROP_XFER: not the expected chunk, nothing changed. BFT_DROP_STATE:
 * the service refused it and the install was aborted.
 */
int bft_xfer_chunk(struct bft_engine *e, u64 off, u64 total, const u8 *p,
		   u32 len)
{
	struct bft_xfer *x = &e->xfer;
	u64 at = off;
	u32 k, rest = len;

	if (off != x->off)
		return BFT_DROP_XFER;
	if (!off) {
		if (e->ops->snapshot_max && total > e->esz &&
		    total - e->esz > e->ops->snapshot_max(e->ctx))
			return BFT_DROP_TOO_LONG;
		x->total = total;
	}
	if (total != x->total || !len || x->total < e->esz ||
	    len > total - off)
		return BFT_DROP_XFER;
	bft_sha_update(&x->sha, p, len);
	if (at < e->esz) {
		k = rest < e->esz - at ? rest : (u32)(e->esz - at);
		memcpy(x->staging + at, p, k);
		p += k;
		at += k;
		rest -= k;
	}
	if (rest && e->ops->install(e->ctx, x->seq, at - e->esz, p, rest)) {
		e->ops->install_done(e->ctx, x->seq, false);
		return BFT_DROP_STATE;
	}
	x->off = off + len;
	return 0;
}

static int on_state_data(struct bft_engine *e, u32 from,
			 const struct bft_data_view *d)
{
	struct bft_xfer *x = &e->xfer;
	int r;

	if (!x->active || (from != x->peer && from != x->alt) ||
	    d->seq != x->seq || memcmp(d->digest, x->digest, BFT_DIGEST_LEN))
		return BFT_DROP_XFER;
	r = bft_xfer_chunk(e, d->offset, d->total, d->chunk, d->chunk_len);
	if (!r)
		x->peer = from;	/* the first to answer carries on */
	if (r == BFT_DROP_STATE) {
		bft_xfer_restart(e);
		return BFT_DROP_XFER;
	}
	if (r == BFT_DROP_TOO_LONG) {
		/* More than the service could hold: a lie, ask another. */
		x->peer = next_peer(e, from);
		send_fetch(e);
		return r;
	}
	if (r)
		return r;
	if (x->off == x->total)
		bft_xfer_finish(e);
	else
		send_fetch(e);
	return 0;
}

int bft_on_data(struct bft_engine *e, u32 from, const struct bft_data_view *d)
{
	u8 dg[BFT_DIGEST_LEN];
	struct bft_slot *s;

	if (d->what == BFT_FETCH_STATE)
		return on_state_data(e, from, d);
	if (d->what == BFT_FETCH_VC)
		return bft_on_vc_data(e, from, d);
	if (d->what != BFT_FETCH_BATCH)
		return BFT_DROP_KIND;	/* STABLE answers go to clients */
	s = bft_slot_of(e, d->seq);
	if (s->seq != d->seq || !(s->flags & SL_FETCH) ||
	    memcmp(s->digest, d->digest, BFT_DIGEST_LEN))
		return BFT_DROP_XFER;
	if (bft_batch_digest(d->chunk, d->chunk_len, d->count, &e->lim, dg) ||
	    memcmp(dg, s->digest, BFT_DIGEST_LEN))
		return BFT_DROP_DIGEST;
	memcpy(s->batch, d->chunk, d->chunk_len);
	s->batch_len = d->chunk_len;
	s->count = d->count;
	memcpy(s->content_digest, dg, BFT_DIGEST_LEN);
	s->flags = (s->flags & ~SL_FETCH) | SL_BATCH;
	e->ctr.batch_fetches++;
	bft_try_execute(e);
	return 0;
}
