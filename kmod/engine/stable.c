// SPDX-License-Identifier: GPL-2.0
/*
 * Stable checkpoints seen from outside: a ring of recent ones that
 * clients can confirm an exported checkpoint against (FETCH(STABLE) from
 * a client), a re-sent CHECKPOINT for a peer that asks (FETCH(STABLE)
 * from a replica, so an idle cluster still certifies its checkpoint to a
 * newcomer), and seeding an empty replica from an imported checkpoint.
 *
 * A seed is never executed or served on its own word: it is installed,
 * through the same path as a network state transfer, only once Q
 * replicas certified the very same (seq, digest).
 */
#include "internal.h"

static struct bft_stable_rec *ring_of(struct bft_engine *e, u64 seq)
{
	return &e->st.ring[(seq / e->cfg.ckpt_interval) % BFT_STABLE_RING];
}

/* h just became stable: remember it and who vouched for it. */
void bft_stable_note(struct bft_engine *e, u64 seq, const u8 *digest)
{
	struct bft_ckpt *c = bft_ckpt_find(e, seq);
	struct bft_stable_rec *s;
	u64 mask = 0;
	u32 j;

	for (j = 0; j < e->n; j++) {
		if (c && (c->vote_mask & (1ULL << j)) &&
		    !memcmp(c->votes + (size_t)j * BFT_DIGEST_LEN, digest,
			    BFT_DIGEST_LEN))
			mask |= 1ULL << j;
		if (e->ck.peer_seq[j] == seq &&
		    !memcmp(e->ck.peer_digest + (size_t)j * BFT_DIGEST_LEN,
			    digest, BFT_DIGEST_LEN))
			mask |= 1ULL << j;
	}
	e->st.attest = mask;
	e->st.view = e->view;
	if (!seq)
		return;
	s = ring_of(e, seq);
	s->seq = seq;
	memcpy(s->digest, digest, BFT_DIGEST_LEN);
}

/* Our own state at h, which we may vouch for and export. */
static struct bft_ckpt *own_stable(struct bft_engine *e)
{
	struct bft_ckpt *c = bft_ckpt_find(e, e->log.h);

	if (!c || !c->mine || memcmp(c->digest, e->log.h_digest, BFT_DIGEST_LEN))
		return NULL;
	return c;
}

/* A client confirms a checkpoint: one small datagram, no stream. */
void bft_stable_query(struct bft_engine *e, u32 client, u64 seq)
{
	struct bft_stable_rec *s = ring_of(e, seq);
	const u8 *d = e->log.h_digest;
	u64 ans = e->log.h;
	u32 n;

	if (seq && !(seq % e->cfg.ckpt_interval) && s->seq == seq) {
		ans = seq;
		d = s->digest;
	}
	n = bft_enc_data(e->tx, BFT_WIRE_MAX_DGRAM, e->id, BFT_FETCH_STABLE,
			 ans, 0, 0, 0, d, NULL, 0);
	e->ctr.stable_queries++;
	bft_send_client(e, client, e->tx, n);
}

/* Re-send our CHECKPOINT for h to replica j, if we hold that state. */
bool bft_stable_resend(struct bft_engine *e, u32 j)
{
	if (!own_stable(e) ||
	    (bft_epoch_old_asker(e) && e->log.h > bft_epoch_floor(e)))
		return false;
	bft_send_ckpt(e, j, e->log.h, e->log.h_digest);
	return true;
}

/* True (and noted) if @from may be answered now: one answer per half retry. */
bool bft_answer_due(struct bft_engine *e, u64 *last)
{
	if (*last && e->now + 1 < *last + e->cfg.xfer_retry_ms / 2)
		return false;
	*last = e->now + 1;
	return true;
}

/* A peer behind us asks: re-send our CHECKPOINT for h, rate-limited. */
int bft_on_fetch_stable(struct bft_engine *e, u32 from,
			const struct bft_fetch_view *f)
{
	if (f->seq >= e->log.h)
		return 0;	/* nothing newer to tell */
	if (!own_stable(e))
		return BFT_DROP_STATE;
	if (!bft_answer_due(e, &e->st.answered[from]))
		return BFT_DROP_BUSY;
	bft_stable_resend(e, from);
	return 0;
}

bool bft_probing(const struct bft_engine *e)
{
	return e->st.seed.active ||
	       (e->st.probe_left && !e->log.h && !e->log.last_exec);
}

void bft_probe_tick(struct bft_engine *e)
{
	u32 n;

	if (e->st.probe_at == BFT_NO_DEADLINE || e->now < e->st.probe_at)
		return;
	if (e->retx.tail_ask && e->status == BFT_ST_NORMAL) {
		e->retx.tail_ask = false;
		bft_retx_ask(e);
	}
	if (!bft_probing(e)) {
		e->st.probe_at = e->retx.tail_ask ? e->now + e->st.probe_gap :
					   BFT_NO_DEADLINE;
		return;
	}
	if (!e->st.seed.active)
		e->st.probe_left--;
	n = bft_enc_fetch_stable(e->tx, BFT_WIRE_MAX_DGRAM,
				 BFT_PRINCIPAL_REPLICA, e->id, e->view, e->log.h);
	bft_multicast(e, e->tx, n);
	/*
	 * And the log past it: replicas in a later view answer with their
	 * votes in it, from which we learn that view (bft_peer_view).
	 */
	if (!e->st.seed.active && !bft_joining(e))
		bft_retx_ask(e);
	e->st.probe_at = e->now + e->st.probe_gap;
	e->st.probe_gap *= 2;
	if (e->st.probe_gap > e->cfg.vc_timeout_max_ms)
		e->st.probe_gap = e->cfg.vc_timeout_max_ms;
}

static void seed_drop(struct bft_engine *e)
{
	if (!e->st.seed.active)
		return;
	e->st.seed.active = false;
	e->ops->seed_release(e->ctx);
	if (!bft_probing(e))
		e->st.probe_at = BFT_NO_DEADLINE;
}

static void seed_reject(struct bft_engine *e)
{
	e->ctr.seed_rejected++;
	bft_emit(e, BFT_EV_SEED_REJECTED, e->id, e->view, e->st.seed.seq,
		 e->st.seed.digest);
	seed_drop(e);
}

/* Feeds the seed through the state-transfer path; it re-hashes it all. */
static void seed_install(struct bft_engine *e)
{
	struct bft_xfer *x = &e->xfer;
	u64 off = 0, total = e->st.seed.total;
	long got;
	int r = 0;

	bft_xfer_begin(e, e->st.seed.seq, e->st.seed.digest);
	/* A local copy, hashed as a whole at the end: no table needed. */
	x->parts = true;
	x->total = total;
	if (!bft_xfer_total_ok(e, total))
		r = BFT_DROP_TOO_LONG;
	while (!r && off < total) {
		got = e->ops->seed_read(e->ctx, off, e->io, e->cfg.xfer_chunk);
		if (got <= 0 || got > e->cfg.xfer_chunk) {
			r = BFT_DROP_XFER;
			break;
		}
		r = bft_xfer_chunk(e, off, total, e->io, (u32)got);
		if (r)
			break;
		off += (u64)got;
	}
	if (r) {
		/* Unreadable or uninstallable: fetch it from the peers. */
		if (r != BFT_DROP_STATE)
			e->svc_ops->install_done(e->svc, x->seq, false);
		seed_reject(e);
		bft_xfer_restart(e);
		return;
	}
	if (!bft_xfer_finish(e)) {
		seed_reject(e);		/* finish fell back to the network */
		return;
	}
	e->ctr.xfer_local++;
	seed_drop(e);
}

/*
 * (seq, digest) is certified and we need its state. True if the seed
 * answered that need (installed, or found bad after the install began
 * and a network transfer took over); false to transfer as usual.
 */
bool bft_seed_try(struct bft_engine *e, u64 seq, const u8 *digest)
{
	struct bft_seed *sd = &e->st.seed;

	if (!sd->active || seq < sd->seq)
		return false;
	if (seq > sd->seq) {
		e->ctr.seed_stale++;
		seed_drop(e);
		return false;
	}
	if (memcmp(digest, sd->digest, BFT_DIGEST_LEN)) {
		seed_reject(e);
		return false;
	}
	seed_install(e);
	return true;
}

/* Reached seq without the seed (it waited for an older one): drop it. */
void bft_seed_passed(struct bft_engine *e, u64 seq)
{
	if (e->st.seed.active && seq >= e->st.seed.seq) {
		e->ctr.seed_stale++;
		seed_drop(e);
	}
}

int bft_engine_seed(struct bft_engine *e, u64 seq, const u8 *digest,
		    u64 total)
{
	struct bft_seed *sd = &e->st.seed;

	if (!e->ops->seed_read || !e->ops->seed_release)
		return -EOPNOTSUPP;
	if (!seq || seq % e->cfg.ckpt_interval || total < e->esz)
		return -EINVAL;
	if (e->log.last_exec || sd->active)
		return -EBUSY;
	sd->active = true;
	sd->seq = seq;
	memcpy(sd->digest, digest, BFT_DIGEST_LEN);
	sd->total = total;
	e->st.probe_at = e->now;
	e->st.probe_gap = e->cfg.xfer_retry_ms;
	/* Already fetching a certified checkpoint over the network? */
	if (e->xfer.active)
		bft_seed_try(e, e->xfer.seq, e->xfer.digest);
	return 0;
}

int bft_engine_stable(struct bft_engine *e, struct bft_stable_info *si)
{
	struct bft_ckpt *c;

	memset(si, 0, sizeof(*si));
	if (!e->log.h)
		return -ENOENT;
	c = own_stable(e);
	if (!c)
		return -EAGAIN;
	si->seq = e->log.h;
	si->view = e->st.view;
	si->attest = e->st.attest;
	si->size = c->size;
	si->esz = e->esz;
	memcpy(si->digest, e->log.h_digest, BFT_DIGEST_LEN);
	return 0;
}

long bft_engine_stable_read(struct bft_engine *e, u64 seq, u64 off, void *buf,
			    u32 cap)
{
	struct bft_ckpt *c = bft_ckpt_find(e, seq);
	u32 k;

	if (!c || !c->mine)
		return -ENOENT;
	if (off >= c->size || !cap)
		return 0;
	if (off < e->esz) {
		k = cap < e->esz - off ? cap : (u32)(e->esz - off);
		memcpy(buf, c->ts_snap + off, k);
		return k;
	}
	return e->svc_ops->snapshot_read(e->svc, seq, off - e->esz, buf, cap);
}
