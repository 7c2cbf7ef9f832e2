// SPDX-License-Identifier: GPL-2.0
/*
 * Membership epochs: RECONFIG as an ordered operation the engine executes
 * itself, the switch at the first checkpoint boundary at or after it, and
 * which messages of another epoch are still taken. The safety argument is
 * in Documentation/engine.rst, "Changing membership".
 */
#include "internal.h"

u32 bft_section_size(const struct bft_config *cfg)
{
	return bft_clients_state_size(cfg) + BFT_EP_SECTION;
}

static void rec_put(u8 *p, const struct bft_ep_rec *r)
{
	bft_put64(p, r->epoch);
	bft_put64(p + 8, r->base);
	bft_put64(p + 16, r->replace);
	bft_put32(p + 24, r->n);
	bft_put32(p + 28, 0);
	memcpy(p + 32, r->config, BFT_DIGEST_LEN);
}

static void rec_get(const u8 *p, struct bft_ep_rec *r)
{
	r->epoch = bft_get64(p);
	r->base = bft_get64(p + 8);
	r->replace = bft_get64(p + 16);
	r->n = bft_get32(p + 24);
	memcpy(r->config, p + 32, BFT_DIGEST_LEN);
}

/* The engine section of a checkpoint: clients, then the epoch record. */
void bft_section_save(const struct bft_engine *e, u8 *out)
{
	bft_clients_save(e, out);
	rec_put(out + bft_clients_state_size(&e->cfg), &e->ep.rec);
}

static void ep_switch(struct bft_engine *e);

/*
 * Installed state (transfer or rollback). No checkpoint holds a pending
 * RECONFIG; a rollback replays the committed one if it is above the
 * restored checkpoint. A record of a later epoch than ours means we
 * missed the switch: we take it once the base is stable here, as a
 * replica that executed the base does (a NEW-VIEW's or a weak
 * checkpoint is not yet).
 */
void bft_section_load(struct bft_engine *e, const u8 *in)
{
	bft_clients_load(e, in);
	rec_get(in + bft_clients_state_size(&e->cfg), &e->ep.rec);
	e->ep.pend = false;
	bft_reconf_stable(e, e->log.h);
}

bool bft_is_admin(const struct bft_engine *e, u32 client)
{
	return e->cfg.admin && client == e->cfg.admin - 1;
}

/* Deterministic: depends on replicated state and the request only. */
static u32 reconf_check(struct bft_engine *e, const struct bft_req_view *r,
			struct bft_ep_rec *nx)
{
	u64 all;

	if (r->op_len != BFT_RECONF_OP_LEN)
		return BFT_RECONF_E_FORMAT;
	if (!bft_is_admin(e, r->client))
		return BFT_RECONF_E_ADMIN;
	if (e->ep.pend)
		return BFT_RECONF_E_BUSY;
	nx->epoch = bft_wget64(r->op, bft_reconfig_op, epoch);
	nx->n = bft_wget32(r->op, bft_reconfig_op, n);
	nx->replace = bft_wget64(r->op, bft_reconfig_op, replace);
	memcpy(nx->config, bft_wptr(r->op, bft_reconfig_op, config),
	       BFT_DIGEST_LEN);
	if (bft_wget32(r->op, bft_reconfig_op, reserved))
		return BFT_RECONF_E_FORMAT;
	if (nx->epoch != e->ep.rec.epoch + 1)
		return BFT_RECONF_E_EPOCH;
	/*
	 * New hosts start empty and count against f until they caught up;
	 * a replaced id is a member before and after. max_n is the same at
	 * every replica (shared configuration, like admin).
	 */
	if (nx->n < 4 || nx->n > e->max_n)
		return BFT_RECONF_E_SIZE;
	all = (1ULL << (nx->n < e->n ? nx->n : e->n)) - 1;
	if ((nx->replace & ~all) || bft_popcount64(nx->replace) > e->f)
		return BFT_RECONF_E_SIZE;
	return BFT_RECONF_OK;
}

/* Execute RECONFIG at seq; returns the result length. */
u32 bft_reconf_exec(struct bft_engine *e, u64 seq,
		    const struct bft_req_view *r, u8 *res, u32 cap)
{
	u64 k = e->cfg.ckpt_interval;
	struct bft_ep_rec nx;
	u32 st;

	memset(&nx, 0, sizeof(nx));
	st = reconf_check(e, r, &nx);
	if (st == BFT_RECONF_OK) {
		e->ep.pend = true;
		e->ep.pend_at = (seq + k - 1) / k * k;
		nx.base = e->ep.pend_at;
		e->ep.next = nx;
	}
	if (cap < BFT_RECONF_RES_LEN)
		return 0;
	memset(res, 0, BFT_RECONF_RES_LEN);
	bft_wput32(res, bft_reconfig_result, status, st);
	bft_wput32(res, bft_reconfig_result, n,
		   st == BFT_RECONF_OK ? nx.n : e->n);
	bft_wput64(res, bft_reconfig_result, epoch,
		   st == BFT_RECONF_OK ? nx.epoch : e->ep.rec.epoch);
	bft_wput64(res, bft_reconfig_result, at,
		   st == BFT_RECONF_OK ? e->ep.pend_at : 0);
	return BFT_RECONF_RES_LEN;
}

/* Forget what replaced ids told us: their new hosts know none of it. */
static void forget_peer(struct bft_engine *e, u32 j)
{
	u32 i;

	for (i = 0; i < e->ck.n_rec; i++)
		e->ck.rec[i].vote_mask &= ~(1ULL << j);
	e->ck.peer_seq[j] = 0;
	e->vc.view_hint[j] = 0;
	e->vc.helped[j] = 0;
	e->vc.help_at[j] = 0;
	e->xfer.bad &= ~(1ULL << j);
	e->ex.suspects &= ~(1ULL << j);
	e->st.answered[j] = 0;
	e->retx.answered[j] = 0;
}

/*
 * Engine side of the switch to ep.rec (at its base checkpoint, or by an
 * installed state). Ordering work of the old epoch above the base is
 * void: no correct replica executes it (the switch comes first), the
 * new epoch orders those seqs afresh.
 */
static void ep_switch(struct bft_engine *e)
{
	const struct bft_ep_rec *r = &e->ep.rec;
	const struct bft_ckpt *c;
	bool was_old = e->epoch < r->epoch;
	bool missed = e->ep.ahead != 0;
	u32 i;

	/* A new host starts in the epoch: nothing of an older one to drop. */
	if (!was_old)
		return;
	e->epoch = r->epoch;
	e->ep.tx_epoch = r->epoch;
	e->ep.ahead = 0;
	if (e->ops->reconfig)
		e->ops->reconfig(e->ctx, r->epoch, r->base, r->n, r->replace,
				 r->config);
	/*
	 * Also at a replica that leaves: a state installed at the base must
	 * not run old-epoch commits above it (a faulty primary's).
	 */
	for (i = 0; i < e->cfg.log_size; i++)
		if (e->log.slots[i].seq > r->base)
			bft_slot_clear(e, &e->log.slots[i]);
	if (e->log.max_seq > r->base)
		e->log.max_seq = r->base > e->log.last_exec ? r->base :
				 e->log.last_exec;
	e->log.next_seq = e->log.max_seq + 1;
	/* Replaced, or past the new n: this host is no member any more. */
	if ((r->replace & (1ULL << e->id)) || e->id >= r->n) {
		e->ep.left = true;
		e->vc.deadline = BFT_NO_DEADLINE;
		e->cl.batch_deadline = BFT_NO_DEADLINE;
		bft_emit(e, BFT_EV_LEFT, e->id, e->view, r->base, r->config);
		return;
	}
	/* New hosts (replaced or added ids) and ids that left. */
	for (i = 0; i < e->max_n; i++)
		if ((r->replace & (1ULL << i)) || i >= e->n || i >= r->n)
			forget_peer(e, i);
	bft_set_n(e, r->n);
	bft_vc_epoch_reset(e);
	bft_queue_reset(e);
	bft_emit(e, BFT_EV_EPOCH, e->id, e->view, r->base, r->config);
	/* Our vote for the base, for peers that switched first and new hosts. */
	c = bft_ckpt_find(e, r->base);
	if (c && c->mine && r->base)
		bft_send_ckpt(e, e->n, r->base, c->digest);
	/* We dropped ordering of this epoch before we got here: ask again. */
	if (missed && e->status == BFT_ST_NORMAL)
		bft_retx_ask(e);
	bft_timer_update(e);
}

/*
 * Batch seq executed (committed); at a checkpoint boundary take the
 * checkpoint, and switch if a RECONFIG waits for this one. The
 * checkpoint is taken, and announced, under the old epoch, with the new
 * record in its engine section: whoever installs it is in the new epoch.
 */
void bft_reconf_boundary(struct bft_engine *e, u64 seq)
{
	if (seq % e->cfg.ckpt_interval)
		return;
	if (e->ep.pend && e->ep.pend_at == seq) {
		e->ep.rec = e->ep.next;
		e->ep.pend = false;
	}
	bft_take_checkpoint(e, seq);
}

/* Executed the base, not yet stable: still a member of the old epoch. */
bool bft_reconf_waiting(const struct bft_engine *e)
{
	return e->ep.rec.epoch > e->epoch;
}

/*
 * The switch itself waits until the base checkpoint is stable (Q votes
 * of the old epoch): until then we still take part in the old epoch's
 * view changes, which may need us to bring the replicas behind us to the
 * base; afterwards f+1 correct replicas hold the base, and a replica
 * behind it fetches it (bft_epoch_help) instead of ordering in the old
 * epoch.
 */
void bft_reconf_stable(struct bft_engine *e, u64 seq)
{
	if (bft_reconf_waiting(e) && seq >= e->ep.rec.base)
		ep_switch(e);
}

/*
 * Installed the state at seq. Above the base of a later epoch's record,
 * that state was executed in the new epoch: its certificate (f+1 votes
 * at least, so one correct replica) vouches for the record, and the old
 * epoch has nothing left for us to do, so switch without waiting for
 * the base to become stable here, which it may never (its voters moved
 * on and garbage-collected it).
 */
void bft_reconf_installed(struct bft_engine *e, u64 seq)
{
	if (bft_reconf_waiting(e) && seq > e->ep.rec.base)
		ep_switch(e);
}

/*
 * Waiting for the base to become stable while changing views: our vote
 * for it went out once, and the view change that would bring the
 * retransmissions may never complete (the others may have switched), so
 * send it again with each VIEW-CHANGE resend.
 */
void bft_reconf_resend(struct bft_engine *e)
{
	const struct bft_ckpt *c;

	if (!bft_reconf_waiting(e) || e->status != BFT_ST_VIEW_CHANGE)
		return;
	c = bft_ckpt_find(e, e->ep.rec.base);
	if (c && c->mine)
		bft_send_ckpt(e, e->n, e->ep.rec.base, c->digest);
}

/*
 * An old member of the previous epoch is behind the switch (it sent a
 * VIEW-CHANGE or FETCH of that epoch): send it our CHECKPOINT of the
 * base in its epoch, at most every half retry. Q of them make the base
 * stable there, and it fetches the state and switches.
 */
void bft_epoch_help(struct bft_engine *e, u32 from)
{
	const struct bft_ckpt *c = bft_ckpt_find(e, e->ep.rec.base);

	/*
	 * The base is gone once h moved past it in this epoch: the latest
	 * stable state carries the epoch record too, and f+1 kept members
	 * vouching for it let the asker fetch it and switch.
	 */
	if ((!c || !c->mine) && e->log.h > e->ep.rec.base)
		c = bft_ckpt_find(e, e->log.h);
	if (!c || !c->mine || !e->ep.rec.base ||
	    !bft_answer_due(e, &e->ep.helped[from]))
		return;
	e->ep.tx_epoch = e->epoch - 1;
	bft_send_ckpt(e, from, c->seq, c->digest);
	e->ep.tx_epoch = e->epoch;
}

/*
 * A replica message of another epoch. From the previous epoch, by a
 * member that keeps its id and host, we still take a CHECKPOINT at or
 * below the base (its vote for the boundary, sent before it knew we
 * switched) and a FETCH (a replica that missed the switch catches up
 * from our state at or below the base, answered in its epoch). Anything
 * else is dropped: the sender is behind, or ahead of us, and the
 * membership its message counts in is not ours.
 */
int bft_epoch_admit(struct bft_engine *e, const struct bft_msg_hdr *h,
		    const u8 *buf, u32 len)
{
	if (h->epoch == e->epoch)
		return 0;
	/* Noted once its MAC checks (engine.c), then dropped. */
	if (h->epoch == e->epoch + 1)
		return 0;
	if (h->epoch + 1 != e->epoch || e->ep.rec.epoch != e->epoch ||
	    (e->ep.rec.replace & (1ULL << h->sender)))
		return BFT_DROP_EPOCH;
	if (h->kind == BFT_MSG_FETCH || h->kind == BFT_MSG_VIEW_CHANGE)
		return 0;
	if (h->kind == BFT_MSG_CHECKPOINT && len >= BFT_CKPT_FIXED &&
	    bft_wget64(buf, bft_checkpoint, seq) <= e->ep.rec.base)
		return 0;
	return BFT_DROP_EPOCH;
}

/*
 * A peer was heard in the next epoch. Only a hint (a faulty peer can send
 * it): it makes a replica changing views also fetch a checkpoint that f+1
 * latest CHECKPOINTs agree on, which is safe on any word.
 */
bool bft_epoch_behind(const struct bft_engine *e)
{
	return e->ep.ahead != 0;
}

/*
 * A replica that left still helps a member of the previous epoch that
 * is behind the switch (its VIEW-CHANGE or FETCH is answered as by any
 * switched replica, up to the base): after a shrink the members that
 * switched may be too few to make the base stable there on their own.
 */
bool bft_epoch_left_helps(const struct bft_engine *e,
			  const struct bft_msg_hdr *h)
{
	return h->principal == BFT_PRINCIPAL_REPLICA &&
	       h->epoch + 1 == e->epoch &&
	       (h->kind == BFT_MSG_FETCH || h->kind == BFT_MSG_VIEW_CHANGE);
}

/* Answering a FETCH of the previous epoch: at or below its base only. */
bool bft_epoch_old_asker(const struct bft_engine *e)
{
	return e->ep.tx_epoch != e->epoch;
}

/* The lowest seq of the current epoch's ordering: above its base. */
u64 bft_epoch_floor(const struct bft_engine *e)
{
	return e->ep.rec.epoch == e->epoch ? e->ep.rec.base : 0;
}

/* Highest seq the primary may assign: not past a pending switch. */
u64 bft_batch_limit(const struct bft_engine *e)
{
	if (e->ep.pend)
		return e->ep.pend_at;
	return bft_reconf_waiting(e) ? e->ep.rec.base : (u64)-1;
}

/*
 * The admin's STAGED query (bftctl reconfig asks every replica of the new
 * configuration before it submits a RECONFIG): answered at once, by this
 * replica alone, from its host's staging; nothing replicated is read but
 * the epoch, so there is nothing to order or to vote on. The client took
 * the MAC check; its timestamp is not recorded (queries are idempotent).
 */
void bft_staged_answer(struct bft_engine *e, const struct bft_req_view *r)
{
	u8 res[BFT_STAGED_RES_LEN];
	u64 staged = 0;

	memset(res, 0, sizeof(res));
	if (e->ops->staged &&
	    !e->ops->staged(e->ctx, &staged,
			    bft_wptr(res, bft_staged_result, config))) {
		staged = 0;
		memset(bft_wptr(res, bft_staged_result, config), 0,
		       BFT_DIGEST_LEN);
	}
	bft_wput64(res, bft_staged_result, epoch, e->epoch);
	bft_wput64(res, bft_staged_result, staged, staged);
	bft_wput32(res, bft_staged_result, left, e->ep.left ? 1 : 0);
	bft_wput32(res, bft_staged_result, n, e->n);
	e->ctr.staged_queries++;
	bft_send_reply(e, r->client, r->ts, BFT_REPLY_F_READONLY, res,
		       sizeof(res));
}
