// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoints every K: digest of the replicated state, CHECKPOINT votes,
 * stable checkpoints at Q matching votes, log garbage collection.
 *
 * State digest: of the stream (engine section || service snapshot) over
 * its part table (statedigest.h), where the engine section is the last
 * executed timestamp of every client (needed so a replica that installs
 * the state dedups exactly like the others).
 */
#include "internal.h"

int bft_ckpt_alloc(struct bft_engine *e)
{
	u32 i, n = e->max_n;
	size_t per = (size_t)n * BFT_DIGEST_LEN + e->esz;

	e->ck.n_rec = e->cfg.log_size / e->cfg.ckpt_interval + 2;
	e->ck.rec = bft_zalloc(sizeof(*e->ck.rec) * e->ck.n_rec);
	e->ck.mem = bft_zalloc(per * e->ck.n_rec);
	e->ck.peer_seq = bft_zalloc(sizeof(u64) * n);
	e->ck.peer_digest = bft_zalloc((size_t)n * BFT_DIGEST_LEN);
	if (!e->ck.rec || !e->ck.mem || !e->ck.peer_seq || !e->ck.peer_digest)
		return -ENOMEM;
	for (i = 0; i < e->ck.n_rec; i++) {
		e->ck.rec[i].votes = e->ck.mem + per * i;
		e->ck.rec[i].ts_snap = e->ck.rec[i].votes + (size_t)n * BFT_DIGEST_LEN;
	}
	return 0;
}

void bft_ckpt_free(struct bft_engine *e)
{
	bft_free(e->ck.rec);
	bft_free(e->ck.mem);
	bft_free(e->ck.peer_seq);
	bft_free(e->ck.peer_digest);
}

static struct bft_ckpt *rec_of(struct bft_engine *e, u64 seq)
{
	return &e->ck.rec[(seq / e->cfg.ckpt_interval) % e->ck.n_rec];
}

struct bft_ckpt *bft_ckpt_find(struct bft_engine *e, u64 seq)
{
	struct bft_ckpt *c = rec_of(e, seq);

	return c->valid && c->seq == seq ? c : NULL;
}

static void rec_reset(struct bft_engine *e, struct bft_ckpt *c)
{
	if (c->valid && c->mine)
		e->svc_ops->snapshot_release(e->svc, c->seq);
	c->valid = false;
	c->mine = false;
	c->vote_mask = 0;
}

static struct bft_ckpt *rec_get(struct bft_engine *e, u64 seq)
{
	struct bft_ckpt *c = rec_of(e, seq);

	if (!c->valid || c->seq != seq) {
		rec_reset(e, c);
		c->valid = true;
		c->seq = seq;
		memset(c->votes, 0, (size_t)e->max_n * BFT_DIGEST_LEN);
	}
	return c;
}

static u32 count_matching(struct bft_engine *e, struct bft_ckpt *c,
			  const u8 *d)
{
	u32 j, k = 0;

	for (j = 0; j < e->n; j++)
		if ((c->vote_mask & (1ULL << j)) &&
		    !memcmp(c->votes + (size_t)j * BFT_DIGEST_LEN, d,
			    BFT_DIGEST_LEN))
			k++;
	return k;
}

/*
 * Replicas whose latest CHECKPOINT is (seq, d), us included if we hold
 * it: Q of them certify it even above our window, where no vote record
 * is kept.
 */
static u32 latest_matching(struct bft_engine *e, u64 seq, const u8 *d)
{
	const struct bft_ckpt *mine = bft_ckpt_find(e, seq);
	u32 j, k = 0;

	for (j = 0; j < e->n; j++)
		if (j != e->id && e->ck.peer_seq[j] == seq &&
		    !memcmp(e->ck.peer_digest + (size_t)j * BFT_DIGEST_LEN, d,
			    BFT_DIGEST_LEN))
			k++;
	if (mine && mine->mine && !memcmp(mine->digest, d, BFT_DIGEST_LEN))
		k++;
	return k;
}

/* Snapshot the state at seq, hash it and announce it. */
int bft_take_checkpoint(struct bft_engine *e, u64 seq)
{
	struct bft_ckpt *c = rec_get(e, seq);
	struct bft_sdig sd;
	u64 off = 0;
	long got;
	int ret;

	if (c->mine)
		e->svc_ops->snapshot_release(e->svc, seq);
	c->mine = false;
	ret = e->svc_ops->checkpoint(e->svc, seq);
	if (ret)
		return ret;
	c->mine = true;
	bft_section_save(e, c->ts_snap);
	bft_sdig_init(&sd, e->cfg.xfer_chunk);
	bft_sdig_update(&sd, c->ts_snap, e->esz);
	for (;;) {
		got = e->svc_ops->snapshot_read(e->svc, seq, off, e->io,
					    e->cfg.xfer_chunk);
		if (got <= 0)
			break;
		if (got > e->cfg.xfer_chunk)
			got = e->cfg.xfer_chunk;
		bft_sdig_update(&sd, e->io, (u32)got);
		off += (u64)got;
	}
	bft_sdig_final(&sd, c->digest);
	c->size = e->esz + off;
	e->ctr.checkpoints++;
	c->vote_mask |= 1ULL << e->id;
	memcpy(c->votes + (size_t)e->id * BFT_DIGEST_LEN, c->digest,
	       BFT_DIGEST_LEN);
	bft_emit(e, BFT_EV_CHECKPOINT, e->id, e->view, seq, c->digest);
	if (!seq)
		return 0;
	bft_send_ckpt(e, e->n, seq, c->digest);
	if (seq > e->log.h && (count_matching(e, c, c->digest) >= e->q ||
			       latest_matching(e, seq, c->digest) >= e->q))
		bft_make_stable(e, seq, c->digest);
	return 0;
}

/* Our CHECKPOINT for @seq to replica @to, or to every replica if @to is n. */
void bft_send_ckpt(struct bft_engine *e, u32 to, u64 seq, const u8 *digest)
{
	u32 n = bft_enc_checkpoint(e->tx, BFT_WIRE_MAX_DGRAM, e->id, seq,
				   digest);

	if (to < e->n)
		bft_send_replica(e, to, e->tx, n);
	else
		bft_multicast(e, e->tx, n);
}

int bft_on_checkpoint(struct bft_engine *e, u32 from,
		      const struct bft_ckpt_view *v)
{
	struct bft_ckpt *c;

	if (!v->seq || v->seq % e->cfg.ckpt_interval)
		return BFT_DROP_RESERVED;
	if (v->seq <= e->log.h)
		return BFT_DROP_STALE;
	if (v->seq > e->ck.peer_seq[from]) {
		e->ck.peer_seq[from] = v->seq;
		memcpy(e->ck.peer_digest + (size_t)from * BFT_DIGEST_LEN,
		       v->digest, BFT_DIGEST_LEN);
	}
	if (v->seq <= e->log.h + e->cfg.log_size) {
		c = rec_get(e, v->seq);
		if (c->vote_mask & (1ULL << from)) {
			if (!memcmp(c->votes + (size_t)from * BFT_DIGEST_LEN,
				    v->digest, BFT_DIGEST_LEN))
				return BFT_DROP_DUPLICATE;
			bft_evidence(e, from, BFT_MSG_CHECKPOINT, 0, v->seq,
				     v->digest);
			return BFT_DROP_CONFLICT;
		}
		c->vote_mask |= 1ULL << from;
		memcpy(c->votes + (size_t)from * BFT_DIGEST_LEN, v->digest,
		       BFT_DIGEST_LEN);
		if (count_matching(e, c, v->digest) >= e->q) {
			bft_make_stable(e, v->seq, v->digest);
			return 0;
		}
	} else if (latest_matching(e, v->seq, v->digest) >= e->q) {
		/* Far ahead of us: Q replicas whose latest checkpoint agrees. */
		bft_make_stable(e, v->seq, v->digest);
		return 0;
	}
	/*
	 * Joining: f+1 (one correct) vouch for the state, so fetch it now
	 * rather than wait for a view change to name it; Q votes, ours among
	 * them once installed, make it stable.
	 */
	if (bft_joining(e) && !e->xfer.active)
		bft_ckpt_fetch_weak(e);
	return 0;
}

/* We need the state at (seq, digest): fetch it unless we hold it. */
void bft_ckpt_need(struct bft_engine *e, u64 seq, const u8 *digest)
{
	struct bft_ckpt *mine = bft_ckpt_find(e, seq);

	if (seq > e->log.last_exec ||
	    (mine && mine->mine &&
	     memcmp(mine->digest, digest, BFT_DIGEST_LEN)))
		bft_xfer_start(e, seq, digest);
}

/*
 * Stuck behind: f+1 replicas (so one correct one) announce the same
 * latest checkpoint past what we executed, in our window. That state is
 * correct, so fetch it (TOCS: a weak certificate suffices to fetch; h
 * moves only on Q votes, ours included once we hold it). Needed when the
 * Q CHECKPOINTs that made it stable elsewhere included one from a
 * faulty replica that has gone silent: we could never collect Q, and
 * the batches below it are gone. A seeded replica keeps waiting for Q
 * (stable.c): its seed is installed on nothing less.
 */
void bft_ckpt_fetch_weak(struct bft_engine *e)
{
	u32 i;

	if (e->st.seed.active)
		return;
	for (i = 0; i < e->n; i++) {
		u64 seq = e->ck.peer_seq[i];
		const u8 *d = e->ck.peer_digest + (size_t)i * BFT_DIGEST_LEN;

		if (i == e->id || seq <= e->log.last_exec ||
		    (seq > e->log.h + e->cfg.log_size && !bft_joining(e)))
			continue;
		/* Above last_exec: no vote of ours is among them. */
		if (latest_matching(e, seq, d) >= e->f + 1) {
			bft_xfer_start(e, seq, d);
			return;
		}
	}
}

/* Checkpoint (seq, digest) is certified by Q replicas: advance h. */
void bft_make_stable(struct bft_engine *e, u64 seq, const u8 *digest)
{
	u32 i;

	if (seq <= e->log.h)
		return;
	e->log.h = seq;
	memcpy(e->log.h_digest, digest, BFT_DIGEST_LEN);
	bft_stable_note(e, seq, digest);
	if (seq)
		e->ctr.stable_checkpoints++;
	for (i = 0; i < e->cfg.log_size; i++)
		if (e->log.slots[i].seq && e->log.slots[i].seq <= seq)
			bft_slot_clear(e, &e->log.slots[i]);
	for (i = 0; i < e->ck.n_rec; i++)
		if (e->ck.rec[i].valid && e->ck.rec[i].seq < seq)
			rec_reset(e, &e->ck.rec[i]);
	if (e->log.max_seq < seq)
		e->log.max_seq = seq;
	if (e->log.next_seq <= seq)
		e->log.next_seq = seq + 1;
	bft_emit(e, BFT_EV_STABLE, e->id, e->view, seq, digest);
	bft_ckpt_need(e, seq, digest);
	bft_seed_passed(e, seq);
	bft_reconf_stable(e, seq);
	if (bft_is_primary(e))
		bft_try_batch(e);
}
