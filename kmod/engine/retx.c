// SPDX-License-Identifier: GPL-2.0
/*
 * Retransmission. Ordering messages travel once; a replica that lost one
 * would wait for its view-change timer, time out alone and stay out of
 * the view the others keep running (a VIEW-CHANGE cannot be taken back).
 * So a replica in normal operation that knows of work it has not
 * executed, and executed nothing for an eighth of the view-change timeout
 * (at least xfer_retry_ms), multicasts FETCH(LOG) with its last executed
 * seq: operators set that timeout above the slowest normal commit, so a
 * slow cluster seldom asks for what is merely late, and a lossy one asks
 * about seven times before its timer would fire. Each peer answers with what it sent itself
 * for the later slots of its current view (the primary its PRE-PREPAREs,
 * backups their PREPAREs, everyone their COMMITs) and its CHECKPOINT if
 * the asker executed no further than it (it may have lost the CHECKPOINTs
 * that would make it stable, and a NEW-VIEW no longer does; its window
 * would stay behind): the stable one if the asker is at or below it,
 * else its own latest one the asker also reached. Answers are authenticated afresh for the asker;
 * nothing is relayed, so nothing needs a signature. An answer covers at
 * most K + W slots: an asker further behind is sent to state transfer by
 * the CHECKPOINT, and a faulty asker gets little for its FETCH.
 */
#include "internal.h"

static bool may_ask(const struct bft_engine *e)
{
	return e->status == BFT_ST_NORMAL && !e->xfer.active &&
	       !bft_joining(e) && bft_work_outstanding(e);
}

static u64 retx_gap(const struct bft_engine *e)
{
	u64 gap = e->cfg.vc_timeout_ms / 8;

	return gap > e->cfg.xfer_retry_ms ? gap : e->cfg.xfer_retry_ms;
}

void bft_retx_arm(struct bft_engine *e)
{
	if (e->retx.at != BFT_NO_DEADLINE || !may_ask(e))
		return;
	e->retx.at = e->now + retx_gap(e);
	e->retx.mark = e->log.last_exec;
}

void bft_retx_tick(struct bft_engine *e)
{
	if (e->retx.at == BFT_NO_DEADLINE || e->now < e->retx.at)
		return;
	e->retx.at = BFT_NO_DEADLINE;
	if (!may_ask(e))
		return;
	if (e->log.last_exec == e->retx.mark) {
		bft_retx_ask(e);
		e->ctr.retx_requests++;
		bft_ckpt_fetch_weak(e);
	}
	bft_retx_arm(e);
}

/* Multicast FETCH(LOG) for what follows our last executed seq. */
void bft_retx_ask(struct bft_engine *e)
{
	static const u8 zero[BFT_DIGEST_LEN];
	u32 n;

	n = bft_enc_fetch(e->tx, BFT_WIRE_MAX_DGRAM, e->id, e->view,
			  BFT_FETCH_LOG, e->log.last_exec, 0, zero);
	bft_multicast(e, e->tx, n);
}

/* Our own vote of @kind for s, again, to @to only. */
static u32 resend_vote(struct bft_engine *e, u32 to, struct bft_slot *s,
		       u8 kind)
{
	const struct bft_vote *v = kind == BFT_MSG_PREPARE ?
				   &s->prep[e->id] : &s->commit[e->id];
	u32 n;

	if (!v->valid || v->view != e->view)
		return 0;
	n = bft_enc_agree(e->tx, BFT_WIRE_MAX_DGRAM, kind, e->id, v->view,
			  s->seq, v->digest);
	bft_send_replica(e, to, e->tx, n);
	return 1;
}

/*
 * Our own CHECKPOINT above h that the asker reached too: it may be one
 * vote short of making it stable, and CHECKPOINTs travel once. Without
 * this, replicas that each lost a few votes stay below it for good, and
 * a primary among them stops at its high watermark.
 */
static u32 resend_own_ckpt(struct bft_engine *e, u32 to, u64 asker)
{
	u64 k = e->cfg.ckpt_interval;
	u64 seq = asker < e->log.last_exec ? asker : e->log.last_exec;
	const struct bft_ckpt *c;

	seq -= seq % k;
	c = seq > e->log.h ? bft_ckpt_find(e, seq) : NULL;
	if (!c || !c->mine)
		return 0;
	bft_send_ckpt(e, to, seq, c->digest);
	return 1;
}

int bft_on_fetch_log(struct bft_engine *e, u32 from,
		     const struct bft_fetch_view *f)
{
	bool primary = bft_is_primary(e);
	u64 seq, hi;
	u32 sent = 0, n;

	if (e->status != BFT_ST_NORMAL)
		return BFT_DROP_STATE;
	if (!bft_answer_due(e, &e->retx.answered[from]))
		return BFT_DROP_BUSY;
	if (f->seq <= e->log.h && e->log.h && bft_stable_resend(e, from))
		sent++;
	else
		sent += resend_own_ckpt(e, from, f->seq);
	seq = f->seq > e->log.h ? f->seq : e->log.h;
	hi = e->log.h + e->cfg.log_size;
	if (hi > e->log.max_seq)
		hi = e->log.max_seq;
	if (hi > seq + e->cfg.ckpt_interval + e->cfg.window)
		hi = seq + e->cfg.ckpt_interval + e->cfg.window;
	if (bft_epoch_old_asker(e) && hi > bft_epoch_floor(e))
		hi = bft_epoch_floor(e);
	while (++seq <= hi) {
		struct bft_slot *s = bft_slot_of(e, seq);

		if (s->seq != seq || s->view != e->view)
			continue;
		if (primary && (s->flags & SL_PP) && (s->flags & SL_BATCH) &&
		    s->count &&
		    !memcmp(s->content_digest, s->digest, BFT_DIGEST_LEN)) {
			n = bft_enc_preprepare(e->tx, BFT_WIRE_MAX_DGRAM, e->id,
					       s->view, seq, s->digest,
					       s->count, s->batch,
					       s->batch_len);
			bft_send_replica(e, from, e->tx, n);
			sent++;
		}
		if (!primary)
			sent += resend_vote(e, from, s, BFT_MSG_PREPARE);
		sent += resend_vote(e, from, s, BFT_MSG_COMMIT);
	}
	e->ctr.retx_sent += sent;
	return 0;
}
