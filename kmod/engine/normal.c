// SPDX-License-Identifier: GPL-2.0
/*
 * Normal-case operation: requests, PRE-PREPARE, PREPARE, COMMIT and
 * in-order execution with replies.
 */
#include "internal.h"

static void forward_to_primary(struct bft_engine *e,
			       const struct bft_req_view *r)
{
	struct bft_client *cl = &e->cl.tab[r->client];
	u32 p = bft_primary(e, e->view);

	/* Once per view: replicas that disagree on the primary must not
	 * bounce a request between them forever.
	 */
	if (cl->fwd_ts == r->ts && cl->fwd_view == e->view)
		return;
	cl->fwd_ts = r->ts;
	cl->fwd_view = e->view;
	/* The authenticator travels inside: relaying costs no MAC. */
	e->ctr.sent[BFT_MSG_REQUEST]++;
	e->ctr.peer[p].sent++;
	e->ops->send(e->ctx, BFT_PRINCIPAL_REPLICA, p, r->raw, r->len);
}

/*
 * Is the client's request @ts in a batch we accepted a PRE-PREPARE for
 * in this view and have not executed? Then the primary has it: relaying
 * a retransmission would cost the primary one MAC per backup for a copy
 * it drops. Our view-change timer runs meanwhile (the slot is
 * outstanding), so a primary that stalls after the PRE-PREPARE is still
 * caught. Only retransmissions reach this: clients send to the primary.
 */
static bool ordered_here(struct bft_engine *e, u32 client, u64 ts)
{
	struct bft_req_view r;
	u64 seq;
	u32 off;

	for (seq = e->log.last_exec + 1; seq <= e->log.max_seq; seq++) {
		const struct bft_slot *s = bft_slot_of(e, seq);

		if (s->seq != seq || s->view != e->view ||
		    (s->flags & (SL_PP | SL_BATCH)) != (SL_PP | SL_BATCH))
			continue;
		off = 0;
		while (!bft_batch_next(s->batch, s->batch_len, &off, &e->lim,
				       &r))
			if (r.client == client && r.ts == ts)
				return true;
	}
	return false;
}

static void relay(struct bft_engine *e, const struct bft_req_view *r)
{
	if (ordered_here(e, r->client, r->ts)) {
		e->ctr.relays_saved++;
		return;
	}
	forward_to_primary(e, r);
}

/*
 * Only a timestamp this replica has not taken before may move the
 * client's endpoint, and never an older one than the last executed: a
 * replay moves nothing. The last executed one still counts once, since
 * backups see most requests only inside a PRE-PREPARE and learn where
 * the client is from its retransmission.
 */
static void note_fresh(struct bft_engine *e, struct bft_client *cl,
		       const struct bft_req_view *r)
{
	if (!e->ops->client_fresh || r->ts < cl->last_ts ||
	    r->ts <= cl->fresh_ts)
		return;
	if (e->ops->client_fresh(e->ctx, r->client))
		cl->fresh_ts = r->ts;
}

int bft_on_request(struct bft_engine *e, const struct bft_req_view *r)
{
	struct bft_client *cl = &e->cl.tab[r->client];
	u32 n;

	note_fresh(e, cl, r);
	if (r->flags & BFT_REQ_F_STAGED) {
		bft_staged_answer(e, r);
		return 0;
	}
	if (r->flags & BFT_REQ_F_READONLY) {
		/* Tentative: runs now, the client waits for Q replies. */
		if (e->xfer.active)
			return BFT_DROP_STATE;
		n = e->svc_ops->execute(e->svc, r->client, r->ts, r->op,
					r->op_len, true, e->result,
					e->cfg.max_result);
		if (n > e->cfg.max_result)
			n = 0;
		e->ctr.readonly_executed++;
		bft_send_reply(e, r->client, r->ts, BFT_REPLY_F_READONLY,
			       e->result, n);
		return 0;
	}
	if (r->ts < cl->last_ts)
		return BFT_DROP_STALE;
	if (r->ts == cl->last_ts) {
		if (!cl->have_reply)
			return BFT_DROP_DUPLICATE;
		bft_send_cached_reply(e, r->client);
		return 0;
	}
	if (cl->pend_state != PEND_NONE) {
		if (r->ts < cl->pend_ts)
			return BFT_DROP_STALE;
		if (r->ts == cl->pend_ts) {
			/* A retransmission: the primary may have missed it. */
			if (bft_is_primary(e))
				return BFT_DROP_DUPLICATE;
			relay(e, r);
			return 0;
		}
		if (cl->pend_state == PEND_ORDERED)
			return BFT_DROP_BUSY;
	}
	if (bft_client_throttled(e, r->client))
		return BFT_DROP_THROTTLED;
	/*
	 * A backup relays only a second copy (above). A client sends a
	 * backup its first copy when it sends to all (announcing itself or
	 * retransmitting), so the primary has its own copy and relaying
	 * would cost it n-1 MACs for nothing; or when its view is stale,
	 * and then its retransmission reaches the primary too. Our timer
	 * runs for the pending request either way.
	 */
	bft_queue_request(e, r);
	if (!bft_is_primary(e))
		bft_expect_request(e, r->client);
	if (bft_is_primary(e))
		bft_try_batch(e);
	bft_timer_update(e);
	return 0;
}

void bft_send_agree(struct bft_engine *e, struct bft_slot *s, u8 kind)
{
	struct bft_vote *v = kind == BFT_MSG_PREPARE ? &s->prep[e->id] :
				&s->commit[e->id];
	u32 n;

	v->valid = true;
	v->view = s->view;
	memcpy(v->digest, s->digest, BFT_DIGEST_LEN);
	s->flags |= kind == BFT_MSG_PREPARE ? SL_SENT_PREP : SL_SENT_COMMIT;
	n = bft_enc_agree(e->tx, BFT_WIRE_MAX_DGRAM, kind, e->id, s->view,
			  s->seq, s->digest);
	bft_multicast(e, e->tx, n);
}

static u32 count_votes(const struct bft_engine *e, const struct bft_slot *s,
		       const struct bft_vote *v, bool skip_primary)
{
	u32 p = bft_primary(e, s->view), j, c = 0;

	for (j = 0; j < e->n; j++) {
		if (skip_primary && j == p)
			continue;
		if (v[j].valid && v[j].view == s->view &&
		    !memcmp(v[j].digest, s->digest, BFT_DIGEST_LEN))
			c++;
	}
	return c;
}

void bft_accept_pp(struct bft_engine *e, struct bft_slot *s)
{
	s->flags = (s->flags & ~(SL_AUTH_WAIT | SL_EARLY)) | SL_PP;
	s->pp_valid = true;
	s->pp_view = s->view;
	memcpy(s->pp_digest, s->digest, BFT_DIGEST_LEN);
	if (s->seq > e->log.max_seq)
		e->log.max_seq = s->seq;
	if (bft_primary(e, s->view) != e->id && !(s->flags & SL_SENT_PREP))
		bft_send_agree(e, s, BFT_MSG_PREPARE);
	bft_check_slot(e, s);
}

void bft_check_slot(struct bft_engine *e, struct bft_slot *s)
{
	if (s->view != e->view || e->status != BFT_ST_NORMAL)
		return;
	if (s->flags & SL_AUTH_WAIT) {
		/* f+1 backups vouch: one correct one checked the requests. */
		if (count_votes(e, s, s->prep, true) >= e->f + 1)
			bft_accept_pp(e, s);
		return;
	}
	if (!(s->flags & SL_PP))
		return;
	if (!(s->flags & SL_PREPARED) &&
	    count_votes(e, s, s->prep, true) + 1 >= e->q) {
		s->flags |= SL_PREPARED;
		s->p_valid = true;
		s->p_view = s->view;
		memcpy(s->p_digest, s->digest, BFT_DIGEST_LEN);
		if (!(s->flags & SL_SENT_COMMIT))
			bft_send_agree(e, s, BFT_MSG_COMMIT);
		if (s->seq == e->log.last_exec + 1)
			bft_try_execute(e);
	}
	if ((s->flags & SL_PREPARED) && !(s->flags & SL_COMMITTED) &&
	    count_votes(e, s, s->commit, false) >= e->q) {
		s->flags |= SL_COMMITTED;
		bft_try_execute(e);
	}
}

static int check_batch_auth(struct bft_engine *e, const struct bft_pp_view *pp,
			    bool *ok)
{
	struct bft_req_view r;
	u32 off = 0;
	int ret;

	*ok = true;
	while ((ret = bft_batch_next(pp->batch, pp->batch_len, &off, &e->lim,
				     &r)) == 0) {
		if (*ok && !bft_verify_auth(e, &r)) {
			*ok = false;
			bft_client_strike(e, r.client, r.ts);
		}
		bft_expect_proposed(e, &r);
	}
	return ret == 1 ? 0 : ret;
}

int bft_on_preprepare(struct bft_engine *e, u32 from,
		      const struct bft_pp_view *pp)
{
	u8 d[BFT_DIGEST_LEN];
	struct bft_slot *s;
	bool ok;
	int ret;

	bft_peer_view(e, from, pp->view);
	if (pp->view != e->view)
		return BFT_DROP_VIEW;
	if (from != bft_primary(e, pp->view))
		return BFT_DROP_NOT_PRIMARY;
	if (!bft_in_window(e, pp->seq))
		return BFT_DROP_WINDOW;
	/* At or below the NEW-VIEW's checkpoint: decided by its state. */
	if (pp->seq <= e->log.last_exec ||
	    (e->status == BFT_ST_NORMAL && pp->seq <= e->log.view_base))
		return BFT_DROP_STALE;
	s = bft_slot_get(e, pp->seq);
	if ((s->flags & (SL_PP | SL_AUTH_WAIT | SL_EARLY)) &&
	    s->view == pp->view) {
		if (!memcmp(s->digest, pp->digest, BFT_DIGEST_LEN))
			return BFT_DROP_DUPLICATE;
		bft_evidence(e, from, BFT_MSG_PRE_PREPARE, pp->view, pp->seq,
			     pp->digest);
		return BFT_DROP_CONFLICT;
	}
	ret = bft_batch_digest(pp->batch, pp->batch_len, pp->count, &e->lim, d);
	if (ret)
		return ret;
	if (memcmp(d, pp->digest, BFT_DIGEST_LEN))
		return BFT_DROP_DIGEST;
	ret = check_batch_auth(e, pp, &ok);
	if (ret)
		return ret;
	/*
	 * Before the NEW-VIEW is installed, the slot's content from an older
	 * view is what our VIEW-CHANGE reported as pre-prepared/prepared: the
	 * NEW-VIEW may choose it, and then nobody else may hold the batch.
	 */
	if (e->status != BFT_ST_NORMAL && (s->flags & SL_BATCH) &&
	    s->view < pp->view && (s->pp_valid || s->p_valid))
		return BFT_DROP_STATE;
	memcpy(s->batch, pp->batch, pp->batch_len);
	s->batch_len = pp->batch_len;
	s->count = pp->count;
	memcpy(s->content_digest, d, BFT_DIGEST_LEN);
	s->view = pp->view;
	memcpy(s->digest, d, BFT_DIGEST_LEN);
	s->flags = SL_BATCH;
	if (e->status != BFT_ST_NORMAL) {
		/* Hold it until the NEW-VIEW for this view is installed. */
		s->flags |= SL_EARLY | (ok ? 0 : SL_AUTH_WAIT);
		return 0;
	}
	if (ok) {
		bft_accept_pp(e, s);
	} else {
		s->flags |= SL_AUTH_WAIT;
		bft_check_slot(e, s);
	}
	bft_timer_update(e);
	return 0;
}

int bft_on_agree(struct bft_engine *e, u8 kind, u32 from,
		 const struct bft_agree_view *a)
{
	struct bft_vote *v;
	struct bft_slot *s;

	bft_peer_view(e, from, a->view);
	if (a->view != e->view)
		return BFT_DROP_VIEW;
	if (kind == BFT_MSG_PREPARE && from == bft_primary(e, a->view))
		return BFT_DROP_NOT_PRIMARY;
	if (!bft_in_window(e, a->seq))
		return BFT_DROP_WINDOW;
	s = bft_slot_get(e, a->seq);
	v = kind == BFT_MSG_PREPARE ? &s->prep[from] : &s->commit[from];
	if (v->valid && v->view == a->view) {
		if (!memcmp(v->digest, a->digest, BFT_DIGEST_LEN))
			return BFT_DROP_DUPLICATE;
		bft_evidence(e, from, kind, a->view, a->seq, a->digest);
		return BFT_DROP_CONFLICT;
	}
	v->valid = true;
	v->view = a->view;
	memcpy(v->digest, a->digest, BFT_DIGEST_LEN);
	bft_check_slot(e, s);
	return 0;
}

/*
 * Run a batch's requests in order. flags: 0 (committed),
 * BFT_EXEC_TENTATIVE (prepared only; the replies say so) or
 * BFT_EXEC_REPLAY (a rollback re-running committed batches: no replies,
 * nothing counted twice).
 */
void bft_execute_batch(struct bft_engine *e, struct bft_slot *s, u8 flags)
{
	struct bft_req_view r;
	u32 off = 0, n;

	while (!bft_batch_next(s->batch, s->batch_len, &off, &e->lim, &r)) {
		struct bft_client *cl = &e->cl.tab[r.client];

		if (cl->pend_state != PEND_NONE && cl->pend_ts <= r.ts)
			bft_pend_clear(e, r.client);
		/* Ordered twice (retransmission, new view): run once. */
		if (r.ts <= cl->last_ts)
			continue;
		if (r.flags & BFT_REQ_F_RECONFIG)
			n = bft_reconf_exec(e, s->seq, &r, e->result,
					    e->cfg.max_result);
		else
			n = e->svc_ops->execute(e->svc, r.client, r.ts, r.op,
						r.op_len,
						!!(r.flags & BFT_REQ_F_READONLY),
						e->result, e->cfg.max_result);
		if (n > e->cfg.max_result)
			n = 0;
		cl->last_ts = r.ts;
		cl->exec_seq = flags & BFT_EXEC_TENTATIVE ? s->seq : 0;
		bft_cache_reply(e, r.client, e->view, e->result, n);
		if (flags & BFT_EXEC_REPLAY)
			continue;
		bft_send_reply(e, r.client, r.ts, flags, e->result, n);
		if (flags & BFT_EXEC_TENTATIVE)
			e->log.tent_reqs++;
		else
			e->ctr.requests_executed++;
	}
	if (!s->count && !(flags & (BFT_EXEC_REPLAY | BFT_EXEC_TENTATIVE)))
		e->ctr.null_executed++;
}

void bft_try_execute(struct bft_engine *e)
{
	bool ran = false;

	while (!e->xfer.active) {
		u64 seq = e->log.last_exec + 1;
		struct bft_slot *s = bft_slot_of(e, seq);

		/* Past the base only in the new epoch. */
		if (bft_reconf_waiting(e) && seq > e->ep.rec.base)
			break;
		if (!bft_in_window(e, seq) || s->seq != seq)
			break;
		if (!(s->flags & SL_COMMITTED)) {
			if (bft_tent_ready(e, s))
				bft_tent_run(e, s);
			break;
		}
		if (!(s->flags & SL_BATCH) ||
		    memcmp(s->content_digest, s->digest, BFT_DIGEST_LEN)) {
			if (!(s->flags & SL_FETCH))
				bft_fetch_batch(e, s);
			break;
		}
		/* Run already if it ran tentatively (the same batch). */
		if (!bft_tent_commit(e, s))
			bft_execute_batch(e, s, 0);
		if (e->ops->committed)
			e->ops->committed(e->ctx, seq, s->view, s->batch,
					  s->batch_len, s->count);
		e->log.last_exec = seq;
		e->ctr.batches_executed++;
		ran = true;
		bft_reconf_boundary(e, seq);
	}
	if (!ran)
		return;
	/*
	 * Progress: restart the timer and forget the backoff. Not during a
	 * view change (executing what a state transfer or NEW-VIEW brought):
	 * that timer drives VIEW-CHANGE resends and giving up on the view.
	 */
	if (e->status == BFT_ST_NORMAL) {
		e->vc.timeout = e->cfg.vc_timeout_ms;
		e->vc.deadline = BFT_NO_DEADLINE;
		bft_timer_update(e);
	}
	if (bft_is_primary(e))
		bft_try_batch(e);
}
