// SPDX-License-Identifier: GPL-2.0
/*
 * State transfer, the fetching side. A replica behind a stable checkpoint
 * first fetches its part table (statedigest.h) and checks it against the
 * digest certified by Q CHECKPOINTs, then fetches the stream (engine
 * section, then service snapshot) one part per DATA, in order, and checks
 * each part against the table before it is staged or installed. A peer
 * whose part or table fails is left for the rest of the transfer, so a
 * faulty peer costs one part, not a whole stream (TOCS 2002, section
 * 5.3). The install commits once every part is in. Also fetches single
 * batches a NEW-VIEW assigned but we never received (checked by their
 * digest).
 */
#include "internal.h"

/*
 * The next replica after p that is not us and has not lied to us, first
 * among those whose latest CHECKPOINT reached the one we fetch: after a
 * grow the other new hosts hold nothing yet.
 */
static u32 next_peer(struct bft_engine *e, u32 p)
{
	struct bft_xfer *x = &e->xfer;
	u32 i, q;

	for (i = 1; i < e->n; i++) {
		q = (p + i) % e->n;
		if (q != e->id && !(x->bad & (1ULL << q)) &&
		    e->ck.peer_seq[q] >= x->seq)
			return q;
	}
	for (i = 0; i < 2 * e->n; i++) {
		p = (p + 1) % e->n;
		if (p != e->id && !(x->bad & (1ULL << p)))
			break;
		if (i == e->n)
			x->bad = 0;	/* all others lied: n > 3f says no */
	}
	return p;
}

static void fetch_from(struct bft_engine *e, u32 peer)
{
	struct bft_xfer *x = &e->xfer;
	u32 n;

	n = bft_enc_fetch(e->tx, BFT_WIRE_MAX_DGRAM, e->id, e->view,
			  x->parts ? BFT_FETCH_STATE : BFT_FETCH_TABLE,
			  x->seq, x->off, x->digest);
	bft_send_replica(e, peer, e->tx, n);
}

/*
 * Ask x->peer for what comes at x->off. If it has not answered after a
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

static void table_drop(struct bft_xfer *x)
{
	bft_free(x->table);
	x->table = NULL;
	x->tbl_len = 0;
	x->parts = false;
}

/* Back to the stream's start; a checked table is kept. */
static void progress_reset(struct bft_engine *e)
{
	struct bft_xfer *x = &e->xfer;

	x->off = 0;
	if (!x->table)
		x->parts = false;
	bft_sdig_init(&x->sd, e->cfg.xfer_chunk);
}

void bft_xfer_restart(struct bft_engine *e)
{
	struct bft_xfer *x = &e->xfer;

	progress_reset(e);
	x->peer = next_peer(e, x->peer);
	send_fetch(e);
}

/* Sets up a transfer of (seq, digest), network or seed; asks no one. */
void bft_xfer_begin(struct bft_engine *e, u64 seq, const u8 *digest)
{
	struct bft_xfer *x = &e->xfer;

	if (x->active)
		e->svc_ops->install_done(e->svc, x->seq, false);
	x->active = true;
	x->seq = seq;
	memcpy(x->digest, digest, BFT_DIGEST_LEN);
	x->peer = e->id;
	x->moved = e->now;
	x->bad = 0;
	x->total = 0;
	table_drop(x);
	progress_reset(e);
	bft_emit(e, BFT_EV_XFER_START, e->id, e->view, seq, digest);
}

void bft_xfer_start(struct bft_engine *e, u64 seq, const u8 *digest)
{
	struct bft_xfer *x = &e->xfer;

	if (bft_seed_try(e, seq, digest))
		return;
	if (x->active) {
		if (x->seq >= seq)
			return;
		e->ctr.xfer_failures++;
	}
	bft_xfer_begin(e, seq, digest);
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
		struct bft_slot *s = &e->log.slots[i];

		if (s->seq && (s->flags & SL_FETCH) && e->now >= s->fetch_at)
			fetch_batch_send(e, s);
	}
}

/* Could the service hold a stream of @total bytes? */
bool bft_xfer_total_ok(struct bft_engine *e, u64 total)
{
	if (total < e->esz)
		return false;
	return !e->svc_ops->snapshot_max ||
	       total - e->esz <= e->svc_ops->snapshot_max(e->svc);
}

/* Commits the install if the stream hashed to the certified digest. */
bool bft_xfer_finish(struct bft_engine *e)
{
	struct bft_xfer *x = &e->xfer;
	u8 d[BFT_DIGEST_LEN];
	u32 i;

	bft_sdig_final(&x->sd, d);
	if (memcmp(d, x->digest, BFT_DIGEST_LEN)) {
		e->svc_ops->install_done(e->svc, x->seq, false);
		e->ctr.xfer_failures++;
		bft_xfer_restart(e);
		return false;
	}
	e->svc_ops->install_done(e->svc, x->seq, true);
	x->active = false;
	table_drop(x);
	bft_section_load(e, x->staging);
	e->log.last_exec = x->seq;
	e->log.tent_seq = 0;	/* whatever ran tentatively is replaced */
	if (e->log.max_seq < x->seq)
		e->log.max_seq = x->seq;
	/*
	 * Above h (a checkpoint not yet stable: NEW-VIEW, weak certificate)
	 * keep the entries, which our VIEW-CHANGE still reports; only stop
	 * fetching their batches.
	 */
	for (i = 0; i < e->cfg.log_size; i++) {
		struct bft_slot *s = &e->log.slots[i];

		if (!s->seq || s->seq > x->seq)
			continue;
		if (s->seq <= e->log.h)
			bft_slot_clear(e, s);
		else
			s->flags &= ~SL_FETCH;
	}
	e->ctr.state_transfers++;
	bft_emit(e, BFT_EV_XFER_DONE, e->id, e->view, x->seq, x->digest);
	/* Keep a snapshot so we can serve this checkpoint in turn. */
	bft_take_checkpoint(e, x->seq);
	bft_reconf_installed(e, x->seq);
	bft_try_execute(e);
	/* What was ordered past the state went by while we fetched it. */
	if (e->status == BFT_ST_NORMAL)
		bft_retx_ask(e);
	bft_timer_update(e);
	return true;
}

/*
 * The stream at off, in order, checked already (a part that matched the
 * table) or to be checked at the end (a local seed): hashed, the engine
 * section staged, the rest installed. BFT_DROP_XFER: not the expected
 * bytes, nothing changed. BFT_DROP_STATE: the service refused them and
 * the install was aborted.
 */
int bft_xfer_chunk(struct bft_engine *e, u64 off, u64 total, const u8 *p,
		   u32 len)
{
	struct bft_xfer *x = &e->xfer;
	u64 at = off;
	u32 k, rest = len;

	if (off != x->off || total != x->total || !len || len > total - off)
		return BFT_DROP_XFER;
	bft_sdig_update(&x->sd, p, len);
	if (at < e->esz) {
		k = rest < e->esz - at ? rest : (u32)(e->esz - at);
		memcpy(x->staging + at, p, k);
		p += k;
		at += k;
		rest -= k;
	}
	if (rest && e->svc_ops->install(e->svc, x->seq, at - e->esz, p, rest)) {
		e->svc_ops->install_done(e->svc, x->seq, false);
		return BFT_DROP_STATE;
	}
	x->off = off + len;
	return 0;
}

/* @from sent a part or table that fails its hash: ask another. */
static int caught(struct bft_engine *e, u32 from)
{
	struct bft_xfer *x = &e->xfer;

	x->bad |= 1ULL << from;
	e->ctr.xfer_bad_peers++;
	x->peer = next_peer(e, from);
	send_fetch(e);
	return BFT_DROP_DIGEST;
}

/* Whether a DATA answers the question we are asking now. */
static bool expected(struct bft_engine *e, u32 from,
		     const struct bft_data_view *d, bool parts)
{
	struct bft_xfer *x = &e->xfer;

	return x->active && x->parts == parts &&
	       (from == x->peer || from == x->alt) && d->seq == x->seq &&
	       !memcmp(d->digest, x->digest, BFT_DIGEST_LEN) &&
	       d->offset == x->off;
}

/* Largest table we would accept: for the largest stream we could hold. */
static u64 table_max(struct bft_engine *e)
{
	u64 m = e->svc_ops->snapshot_max ?
		e->svc_ops->snapshot_max(e->svc) : 1ULL << 32;

	return bft_sdig_table_len(e->esz + m, e->cfg.xfer_chunk);
}

/* The whole table is in: it must hash to the certified digest. */
static int table_check(struct bft_engine *e, u32 from)
{
	struct bft_xfer *x = &e->xfer;
	struct bft_sha_ctx sha;
	u8 d[BFT_DIGEST_LEN];
	u64 total;

	bft_sha_init(&sha);
	bft_sha_update(&sha, x->table, (u32)x->tbl_len);
	bft_sha_final(&sha, d);
	if (memcmp(d, x->digest, BFT_DIGEST_LEN) ||
	    bft_sdig_table_parse(x->table, x->tbl_len, e->cfg.xfer_chunk,
				 &total) || !bft_xfer_total_ok(e, total)) {
		bool alone = x->tbl_from == 1ULL << from;

		table_drop(x);
		progress_reset(e);
		if (alone)
			return caught(e, from);
		/* Pieced from several peers: we cannot tell who lied. */
		x->peer = next_peer(e, from);
		send_fetch(e);
		return BFT_DROP_DIGEST;
	}
	x->parts = true;
	x->total = total;
	progress_reset(e);
	send_fetch(e);
	return 0;
}

static int on_table_data(struct bft_engine *e, u32 from,
			 const struct bft_data_view *d)
{
	struct bft_xfer *x = &e->xfer;

	if (!expected(e, from, d, false) || !d->chunk_len)
		return BFT_DROP_XFER;
	if (!d->offset) {
		if (d->total > table_max(e)) {
			/* More than the service could hold: a lie. */
			x->peer = next_peer(e, from);
			send_fetch(e);
			return BFT_DROP_TOO_LONG;
		}
		bft_free(x->table);
		x->table = bft_zalloc(d->total);
		x->tbl_len = x->table ? d->total : 0;
		x->tbl_from = 0;
		if (!x->table)
			return BFT_DROP_NO_MEM;	/* the retry asks again */
	}
	if (d->total != x->tbl_len)
		return BFT_DROP_XFER;
	memcpy(x->table + d->offset, d->chunk, d->chunk_len);
	x->off += d->chunk_len;
	x->tbl_from |= 1ULL << from;
	x->peer = from;		/* the first to answer carries on */
	x->moved = e->now;
	if (x->off == x->tbl_len)
		return table_check(e, from);
	send_fetch(e);
	return 0;
}

/* One part of the stream: checked against the table before anything. */
static int on_state_data(struct bft_engine *e, u32 from,
			 const struct bft_data_view *d)
{
	struct bft_xfer *x = &e->xfer;
	u32 part = e->cfg.xfer_chunk;
	u64 i = x->off / part, want = x->total - x->off;
	struct bft_sha_ctx sha;
	u8 h[BFT_SD_HASH];
	int r;

	if (!expected(e, from, d, true) || !x->table)
		return BFT_DROP_XFER;
	if (want > part)
		want = part;
	bft_sha_init(&sha);
	bft_sha_update(&sha, d->chunk, d->chunk_len);
	bft_sha_final(&sha, h);
	if (d->total != x->total || d->chunk_len != want ||
	    memcmp(h, x->table + BFT_SD_HDR + i * BFT_SD_HASH, BFT_SD_HASH))
		return caught(e, from);
	r = bft_xfer_chunk(e, d->offset, d->total, d->chunk, d->chunk_len);
	if (r == BFT_DROP_STATE) {
		bft_xfer_restart(e);
		return BFT_DROP_XFER;
	}
	if (r)
		return r;
	x->peer = from;		/* the first to answer carries on */
	x->moved = e->now;
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
	if (d->what == BFT_FETCH_TABLE)
		return on_table_data(e, from, d);
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
