// SPDX-License-Identifier: GPL-2.0
/*
 * View change: VIEW-CHANGE with checkpoints and prepared/pre-prepared
 * entries, joining at f+1, NEW-VIEW built by the new primary and
 * validated by backups by recomputing O from the VIEW-CHANGE messages
 * they received directly (nvcompute.c). Storage: the latest VIEW-CHANGE
 * of each replica, one slot each, so input cannot grow it. Each replica
 * acks every VIEW-CHANGE it holds to the new primary, which names only
 * acked copies (VIEW-CHANGE-ACK, see bft_wire.h).
 */
#include "internal.h"

int bft_vc_alloc(struct bft_engine *e)
{
	u32 n = e->max_n, L = e->cfg.log_size;

	e->vc.max = BFT_VC_FIXED + BFT_MAX_CKPTS_VC * BFT_VC_CKPT_LEN +
		    L * BFT_VC_ENTRY_LEN + BFT_MAC_LEN;
	e->vc.mem = bft_zalloc((size_t)n * e->vc.max);
	e->vc.len = bft_zalloc(sizeof(u32) * n);
	e->vc.view = bft_zalloc(sizeof(u64) * n);
	e->vc.dig = bft_zalloc((size_t)n * BFT_DIGEST_LEN);
	e->vc.nv_buf = bft_zalloc(BFT_NV_FIXED + n * BFT_NV_VC_LEN +
			       L * BFT_NV_O_LEN + BFT_MAC_LEN);
	e->vc.view_hint = bft_zalloc(sizeof(u64) * n);
	e->vc.vcv = bft_zalloc(sizeof(*e->vc.vcv) * n);
	e->vc.o_scratch = bft_zalloc(sizeof(*e->vc.o_scratch) * L);
	e->vc.e_scratch = bft_zalloc(sizeof(*e->vc.e_scratch) * L);
	e->vc.vv_scratch = bft_zalloc(sizeof(*e->vc.vv_scratch) * n);
	e->vc.helped = bft_zalloc(sizeof(*e->vc.helped) * n);
	e->vc.acks = bft_zalloc(sizeof(*e->vc.acks) * n * n);
	if (!e->vc.mem || !e->vc.len || !e->vc.view || !e->vc.dig ||
	    !e->vc.nv_buf ||
	    !e->vc.view_hint || !e->vc.vcv || !e->vc.o_scratch || !e->vc.e_scratch ||
	    !e->vc.vv_scratch || !e->vc.helped || !e->vc.acks)
		return -ENOMEM;
	return 0;
}

void bft_vc_free(struct bft_engine *e)
{
	bft_free(e->vc.mem);
	bft_free(e->vc.len);
	bft_free(e->vc.view);
	bft_free(e->vc.dig);
	bft_free(e->vc.nv_buf);
	bft_free(e->vc.view_hint);
	bft_free(e->vc.vcv);
	bft_free(e->vc.o_scratch);
	bft_free(e->vc.e_scratch);
	bft_free(e->vc.vv_scratch);
	bft_free(e->vc.helped);
	bft_free(e->vc.acks);
}

static u8 *vc_buf(struct bft_engine *e, u32 j)
{
	return e->vc.mem + (size_t)j * e->vc.max;
}

static void vc_digest(struct bft_engine *e, u32 j, u8 *out)
{
	memcpy(out, e->vc.dig + (size_t)j * BFT_DIGEST_LEN, BFT_DIGEST_LEN);
}

/* Keep @j's VIEW-CHANGE for v and its digest, hashed once here. */
static void vc_store(struct bft_engine *e, u32 j, const u8 *buf, u32 len,
		     u64 v)
{
	memcpy(vc_buf(e, j), buf, len);
	e->vc.len[j] = len;
	e->vc.view[j] = v;
	bft_msg_digest(buf, len - BFT_MAC_LEN,
		       e->vc.dig + (size_t)j * BFT_DIGEST_LEN);
}

static u32 build_vc(struct bft_engine *e, u64 v)
{
	struct bft_ckpt_h ck[BFT_MAX_CKPTS_VC];
	struct bft_vc_entry_h *ent = e->vc.e_scratch;
	u32 nc = 0, ne = 0, i;
	u64 seq;

	ck[nc].seq = e->log.h;
	memcpy(ck[nc++].digest, e->log.h_digest, BFT_DIGEST_LEN);
	for (seq = e->log.h + e->cfg.ckpt_interval;
	     seq <= e->log.h + e->cfg.log_size && nc < BFT_MAX_CKPTS_VC;
	     seq += e->cfg.ckpt_interval) {
		struct bft_ckpt *c = bft_ckpt_find(e, seq);

		if (c && c->mine) {
			ck[nc].seq = seq;
			memcpy(ck[nc++].digest, c->digest, BFT_DIGEST_LEN);
		}
	}
	for (i = 1; i <= e->cfg.log_size; i++) {
		struct bft_slot *s = bft_slot_of(e, e->log.h + i);

		if (s->seq != e->log.h + i || !s->pp_valid ||
		    s->seq <= bft_epoch_floor(e))
			continue;
		memset(&ent[ne], 0, sizeof(ent[ne]));
		ent[ne].seq = s->seq;
		ent[ne].pp_view = s->pp_view;
		memcpy(ent[ne].pp_digest, s->pp_digest, BFT_DIGEST_LEN);
		if (s->p_valid) {
			ent[ne].flags = BFT_VC_E_PREPARED;
			ent[ne].p_view = s->p_view;
			memcpy(ent[ne].p_digest, s->p_digest, BFT_DIGEST_LEN);
		}
		ne++;
	}
	return bft_enc_vc(e->tx, BFT_WIRE_MAX_DGRAM, e->id, v, e->log.h, ck, nc,
			  ent, ne);
}

static void try_new_view(struct bft_engine *e);
static int try_validate_nv(struct bft_engine *e);

/*
 * Replicas whose latest VIEW-CHANGE is for v or above: one slot per
 * replica keeps only the latest, so one that gave up on v already counts.
 */
static u32 vc_count(const struct bft_engine *e, u64 v)
{
	u32 j, k = 0;

	for (j = 0; j < e->n; j++)
		k += e->vc.view[j] >= v && e->vc.len[j];
	return k;
}

/*
 * PBFT: the timer for view v starts only once Q replicas are at v or
 * above (and the timeout backs off then); otherwise a replica climbs
 * views alone and never meets the others again. When it expires the
 * replica moves to v + 1, never further on one replica's word: a faulty
 * one could name any view. Until NEW-VIEW arrives the replica resends its
 * VIEW-CHANGE every vc_timeout_ms, so losses before the network
 * stabilises cannot leave the new primary short of Q.
 */
static void vc_arm(struct bft_engine *e)
{
	if (e->vc.armed != BFT_NO_DEADLINE)
		return;
	e->vc.armed = e->now + e->vc.timeout;
	e->vc.timeout *= e->cfg.vc_backoff;
	if (e->vc.timeout > e->cfg.vc_timeout_max_ms)
		e->vc.timeout = e->cfg.vc_timeout_max_ms;
	if (e->vc.armed < e->vc.deadline)
		e->vc.deadline = e->vc.armed;
}

static void vc_resend_timer(struct bft_engine *e)
{
	e->vc.deadline = e->now + e->cfg.vc_timeout_ms;
	/* Past: at BFT_VIEW_MAX there is no view to give up for. */
	if (e->vc.armed > e->now && e->vc.armed < e->vc.deadline)
		e->vc.deadline = e->vc.armed;
}

/* The view-change timer expired; it is always set again. */
void bft_vc_timeout(struct bft_engine *e)
{
	u32 len = e->vc.len[e->id];

	if ((e->status != BFT_ST_VIEW_CHANGE ||
	     (e->vc.armed != BFT_NO_DEADLINE && e->now >= e->vc.armed)) &&
	    e->view < BFT_VIEW_MAX) {
		bft_start_view_change(e, e->view + 1);
		return;
	}
	if (e->status == BFT_ST_VIEW_CHANGE && len &&
	    e->vc.view[e->id] == e->view) {
		memcpy(e->tx, vc_buf(e, e->id), len);
		bft_multicast(e, e->tx, len);
	}
	/*
	 * Peers moved to the next epoch: this one may never change views
	 * again, but they vouch for its base (bft_epoch_help).
	 */
	if (e->status == BFT_ST_VIEW_CHANGE && bft_epoch_behind(e))
		bft_ckpt_fetch_weak(e);
	bft_reconf_resend(e);
	vc_resend_timer(e);
}

/*
 * Switched epoch: VIEW-CHANGEs and acks of the old one name a membership
 * and a log that are gone. If we are changing views, start over in the
 * new epoch with a VIEW-CHANGE for the same view.
 */
void bft_vc_epoch_reset(struct bft_engine *e)
{
	u32 n = e->max_n, len;

	memset(e->vc.len, 0, sizeof(u32) * n);
	memset(e->vc.view, 0, sizeof(u64) * n);
	memset(e->vc.acks, 0, sizeof(*e->vc.acks) * n * n);
	e->vc.nv_pending = false;
	e->vc.nv_tried_view = 0;
	e->vc.nv_tried_mask = 0;
	bft_vcf_reset(e);
	if (e->status != BFT_ST_VIEW_CHANGE)
		return;
	len = build_vc(e, e->view);
	if (len) {
		vc_store(e, e->id, e->tx, len, e->view);
		bft_multicast(e, e->tx, len);
	}
	e->vc.armed = BFT_NO_DEADLINE;
	vc_resend_timer(e);
}

void bft_start_view_change(struct bft_engine *e, u64 v)
{
	u32 len;

	if (v <= e->view || v > BFT_VIEW_MAX)
		return;
	e->status = BFT_ST_VIEW_CHANGE;
	e->view = v;
	e->vc.view_heard = 0;
	e->ctr.view_changes++;
	e->cl.batch_deadline = BFT_NO_DEADLINE;
	bft_emit(e, BFT_EV_VIEW_CHANGE, e->id, v, e->log.last_exec, NULL);
	len = build_vc(e, v);
	if (len) {
		vc_store(e, e->id, e->tx, len, v);
		bft_multicast(e, e->tx, len);
	}
	e->vc.armed = BFT_NO_DEADLINE;
	vc_resend_timer(e);
	if (vc_count(e, v) >= e->q)
		vc_arm(e);
	try_new_view(e);
	if (e->vc.nv_pending)
		try_validate_nv(e);
}

/*
 * Another replica's VIEW-CHANGE may go into our NEW-VIEW once Q-2
 * replicas besides us and its author hold the same copy (Q with us and
 * the author; 2f-1 only when n = 3f+1): then its author sent that copy
 * to correct replicas (at most f are faulty, the author among them if it
 * equivocated), and the backups that must recompute our NEW-VIEW are not
 * left holding another one. Correct authors are acked by the n-f-2 >=
 * Q-2 other correct replicas.
 */
static bool vc_acked(struct bft_engine *e, u32 j, u64 v)
{
	u32 need = e->f ? e->q - 2 : 0, a, k = 0;
	u8 d[BFT_DIGEST_LEN];

	if (j == e->id || !need)
		return true;
	vc_digest(e, j, d);
	for (a = 0; a < e->n && k < need; a++) {
		const struct bft_vc_ack_rec *r = &e->vc.acks[j * e->max_n + a];

		k += r->view == v && !memcmp(r->digest, d, BFT_DIGEST_LEN);
	}
	return k >= need;
}

/* We hold @author's VIEW-CHANGE for v: tell v's primary which copy. */
static void send_vc_ack(struct bft_engine *e, u32 author, u64 v)
{
	u32 p = bft_primary(e, v), n;
	u8 d[BFT_DIGEST_LEN];

	if (p == e->id || p == author)
		return;
	vc_digest(e, author, d);
	n = bft_enc_vc_ack(e->tx, BFT_WIRE_MAX_DGRAM, e->id, v, author, d);
	bft_send_replica(e, p, e->tx, n);
}

int bft_on_vc_ack(struct bft_engine *e, u32 from,
		  const struct bft_vc_ack_view *a)
{
	struct bft_vc_ack_rec *r;

	if (a->replica >= e->n || a->replica == from ||
	    a->replica == e->id)
		return BFT_DROP_RESERVED;
	if (bft_primary(e, a->view) != e->id)
		return BFT_DROP_NOT_PRIMARY;
	r = &e->vc.acks[a->replica * e->max_n + from];
	if (a->view < e->view || a->view < r->view)
		return 0;	/* late: harmless */
	if (r->view == a->view &&
	    !memcmp(r->digest, a->digest, BFT_DIGEST_LEN))
		return BFT_DROP_DUPLICATE;
	r->view = a->view;
	memcpy(r->digest, a->digest, BFT_DIGEST_LEN);
	if (a->view == e->view)
		try_new_view(e);
	return 0;
}

/*
 * Parse the stored VIEW-CHANGEs for view v that we may name (vc_acked);
 * returns how many. 0 if we already tried exactly this set: the NEW-VIEW
 * decision depends on the set only (a replica's copy for v never changes),
 * so acks that name no new copy cost no recomputation.
 */
static u32 gather(struct bft_engine *e, u64 v, u64 *mask)
{
	u64 set = 0;
	u32 j, m = 0;

	*mask = 0;
	for (j = 0; j < e->n; j++)
		if (e->vc.view[j] == v && e->vc.len[j] && vc_acked(e, j, v))
			set |= 1ULL << j;
	if (v == e->vc.nv_tried_view && set == e->vc.nv_tried_mask)
		return 0;
	e->vc.nv_tried_view = v;
	e->vc.nv_tried_mask = set;
	for (j = 0; j < e->n; j++) {
		if (!(set & (1ULL << j)) ||
		    bft_wire_parse_vc(vc_buf(e, j), e->vc.len[j], &e->lim,
				      &e->vc.vcv[m]))
			continue;
		*mask |= 1ULL << j;
		m++;
	}
	return m;
}

static void install_view(struct bft_engine *e, const struct bft_ckpt_h *ck,
			 const struct bft_ckpt_h *o, u32 n_o)
{
	u8 null[BFT_DIGEST_LEN];
	u64 top = ck->seq + n_o;
	u32 i;

	bft_null_digest(null);
	bft_tent_new_view(e, o, n_o);
	/*
	 * The checkpoint has f+1 claims, not Q CHECKPOINTs: one correct
	 * replica holds it, but it need not be stable. Keep h and the log
	 * below it, which our next VIEW-CHANGE reports: if we were its
	 * only correct claimant, the prepared entries others report there
	 * would lack A2 once we dropped ours, and no NEW-VIEW would ever be
	 * decidable. Take it as stable only if O does not fit above h.
	 * Still in view change here: bft_make_stable() batches if we are
	 * primary, and a pre-prepare sent before O is installed reuses a
	 * sequence number O (or the next_seq below) assigns again.
	 */
	if (ck->seq > e->log.h && top > e->log.h + e->cfg.log_size)
		bft_make_stable(e, ck->seq, ck->digest);
	else if (ck->seq > e->log.h)
		bft_ckpt_need(e, ck->seq, ck->digest);
	e->log.view_base = ck->seq;
	e->status = BFT_ST_NORMAL;
	e->vc.view_known = true;
	e->vc.nv_pending = false;
	e->vc.deadline = BFT_NO_DEADLINE;
	e->ctr.new_views++;
	bft_expect_new_view(e);
	bft_emit(e, BFT_EV_NEW_VIEW, bft_primary(e, e->view), e->view,
		 ck->seq, ck->digest);
	/*
	 * Entries above O from older views were decided null-or-nothing.
	 * Pre-prepares of this view held early at or below the checkpoint
	 * are void: the checkpoint decided those seqs.
	 */
	for (i = 0; i < e->cfg.log_size; i++) {
		struct bft_slot *s = &e->log.slots[i];

		if (s->seq > top && s->view < e->view)
			bft_slot_clear(e, s);
		else if (s->seq && s->seq <= ck->seq && s->view == e->view)
			s->flags &= ~(SL_EARLY | SL_AUTH_WAIT | SL_PP);
	}
	for (i = 0; i < n_o; i++) {
		struct bft_slot *s;

		if (o[i].seq <= e->log.h)
			continue;
		s = bft_slot_get(e, o[i].seq);
		if (s->view == e->view && (s->flags & SL_EARLY) &&
		    memcmp(s->digest, o[i].digest, BFT_DIGEST_LEN))
			bft_evidence(e, bft_primary(e, e->view),
				     BFT_MSG_PRE_PREPARE, e->view, s->seq,
				     s->digest);
		if (!memcmp(o[i].digest, null, BFT_DIGEST_LEN)) {
			s->batch_len = 0;
			s->count = 0;
			memcpy(s->content_digest, null, BFT_DIGEST_LEN);
			s->flags |= SL_BATCH;
		}
		s->flags &= SL_BATCH;
		if (o[i].seq <= e->log.last_exec)
			s->flags |= SL_COMMITTED;
		s->view = e->view;
		memcpy(s->digest, o[i].digest, BFT_DIGEST_LEN);
		bft_accept_pp(e, s);
	}
	if (top > e->log.max_seq)
		e->log.max_seq = top;
	e->log.next_seq = (top > e->log.h ? top : e->log.h) + 1;
	/* Pre-prepares of this view that arrived before the NEW-VIEW. */
	for (i = 0; i < e->cfg.log_size; i++) {
		struct bft_slot *s = &e->log.slots[i];

		if (s->seq > top && s->view == e->view &&
		    (s->flags & SL_EARLY)) {
			if (s->flags & SL_AUTH_WAIT)
				s->flags &= ~SL_EARLY;
			else
				bft_accept_pp(e, s);
			bft_check_slot(e, s);
		}
	}
	/*
	 * Forget requests still pending from the old view. A Byzantine
	 * client's request that only we can authenticate would otherwise
	 * keep our timer running, and be proposed by us as primary, in
	 * every view. Correct clients retransmit to all replicas.
	 */
	for (i = 0; i < e->cfg.n_clients; i++)
		bft_pend_clear(e, i);
	bft_queue_reset(e);
	bft_try_execute(e);
	bft_try_batch(e);
	bft_timer_update(e);
}

static void try_new_view(struct bft_engine *e)
{
	struct bft_nv_vc_h *vv = e->vc.vv_scratch;
	struct bft_ckpt_h ck;
	u32 m, n_o, j, k = 0, len;
	u64 mask;

	if (e->status != BFT_ST_VIEW_CHANGE || !bft_is_primary(e))
		return;
	m = gather(e, e->view, &mask);
	if (m < e->q || bft_nv_compute(e->n, e->f, e->q, e->cfg.log_size,
				       e->vc.vcv, m, &ck, e->vc.o_scratch, &n_o))
		return;
	/* Seqs up to our epoch's base were decided in the old one. */
	if (ck.seq < bft_epoch_floor(e))
		return;
	for (j = 0; j < e->n; j++) {
		if (!(mask & (1ULL << j)))
			continue;
		vv[k].replica = j;
		vc_digest(e, j, vv[k++].digest);
	}
	len = bft_enc_nv(e->tx, BFT_WIRE_MAX_DGRAM, e->id, e->view, ck.seq,
			 ck.digest, vv, k, e->vc.o_scratch, n_o);
	if (!len)
		return;
	memcpy(e->vc.nv_buf, e->tx, len);
	e->vc.nv_len = len;
	e->vc.nv_view = e->view;
	bft_multicast(e, e->tx, len);
	install_view(e, &ck, e->vc.o_scratch, n_o);
}

/* 0: installed or waiting for VIEW-CHANGEs; else a drop reason. */
static int try_validate_nv(struct bft_engine *e)
{
	struct bft_ckpt_h ck, o;
	struct bft_nv_view nv;
	struct bft_nv_vc_h v;
	u32 i, m = 0, n_o, missing = 0, l;
	const u8 *p;

	if (bft_wire_parse_nv(e->vc.nv_buf, e->vc.nv_len, &e->lim, &nv))
		goto bad;
	if (nv.n_vc < e->q)
		goto bad;
	for (i = 0; i < nv.n_vc; i++) {
		bft_nv_get_vc(&nv, i, &v);
		p = bft_vc_copy(e, v.replica, nv.view, v.digest, &l);
		if (!p) {
			/* In flight, superseded, or another copy: fetch. */
			bft_vcf_want(e, nv.view, v.replica, v.digest);
			missing++;
			continue;
		}
		if (bft_wire_parse_vc(p, l, &e->lim, &e->vc.vcv[m++]))
			goto bad;
	}
	if (missing)
		return 0;
	if (bft_nv_compute(e->n, e->f, e->q, e->cfg.log_size, e->vc.vcv, m, &ck,
			   e->vc.o_scratch, &n_o))
		goto bad;
	if (ck.seq != nv.ckpt_seq || n_o != nv.n_o ||
	    ck.seq < bft_epoch_floor(e) ||
	    memcmp(ck.digest, nv.ckpt_digest, BFT_DIGEST_LEN))
		goto bad;
	for (i = 0; i < n_o; i++) {
		bft_nv_get_o(&nv, i, &o);
		if (o.seq != e->vc.o_scratch[i].seq ||
		    memcmp(o.digest, e->vc.o_scratch[i].digest, BFT_DIGEST_LEN))
			goto bad;
	}
	if (nv.view > e->view)
		e->view = nv.view;
	install_view(e, &ck, e->vc.o_scratch, n_o);
	return 0;
bad:
	e->vc.nv_pending = false;
	bft_evidence(e, bft_primary(e, nv.view), BFT_MSG_NEW_VIEW, nv.view, 0,
		     NULL);
	return BFT_DROP_NV_INVALID;
}

int bft_on_nv(struct bft_engine *e, u32 from, const u8 *buf, u32 len)
{
	u64 view = bft_wget64(buf, bft_new_view, view);

	if (view < e->view ||
	    (view == e->view && e->status == BFT_ST_NORMAL))
		return BFT_DROP_STALE;
	if (from != bft_primary(e, view))
		return BFT_DROP_NOT_PRIMARY;
	if (e->vc.nv_pending && e->vc.nv_view == view &&
	    e->vc.nv_len == len && !memcmp(e->vc.nv_buf, buf, len - BFT_MAC_LEN))
		return BFT_DROP_DUPLICATE;
	memcpy(e->vc.nv_buf, buf, len);
	e->vc.nv_len = len;
	e->vc.nv_view = view;
	e->vc.nv_pending = true;
	return try_validate_nv(e);
}

/* A named VIEW-CHANGE came by relay (vcfetch.c): check the NEW-VIEW. */
void bft_nv_retry(struct bft_engine *e)
{
	if (e->vc.nv_pending && e->vc.nv_view >= e->view)
		try_validate_nv(e);
}

static void maybe_join(struct bft_engine *e)
{
	u64 lowest = (u64)-1;
	u32 j, k = 0;

	for (j = 0; j < e->n; j++) {
		if (j == e->id || e->vc.view[j] <= e->view)
			continue;
		k++;
		if (e->vc.view[j] < lowest)
			lowest = e->vc.view[j];
	}
	/* f+1 replicas want a higher view: at least one is correct. */
	if (k >= e->f + 1)
		bft_start_view_change(e, lowest);
}

int bft_on_vc(struct bft_engine *e, u32 from, const u8 *buf, u32 len)
{
	u64 v = bft_wget64(buf, bft_view_change, new_view);

	if (v < e->view)
		return BFT_DROP_STALE;
	if (v == e->view && e->status == BFT_ST_NORMAL) {
		/*
		 * Sender lags in a view we installed: help it finish. It
		 * resends every vc_timeout_ms while it lags, so a lost help
		 * is retried then; help at most every vc_timeout_ms / 2, so
		 * two replicas in the view cannot answer each other's help
		 * without end (our help is a VIEW-CHANGE too).
		 */
		if (e->vc.helped[from] == v + 1 &&
		    e->now < e->vc.help_at[from] + e->cfg.vc_timeout_ms / 2)
			return 0;
		e->vc.helped[from] = v + 1;
		e->vc.help_at[from] = e->now;
		if (e->vc.view[e->id] == v && e->vc.len[e->id])
			bft_send_replica(e, from, vc_buf(e, e->id),
					 e->vc.len[e->id]);
		if (bft_is_primary(e) && e->vc.nv_view == v && e->vc.nv_len)
			bft_send_replica(e, from, e->vc.nv_buf, e->vc.nv_len);
		return 0;
	}
	if (e->vc.view[from] > v)
		return BFT_DROP_STALE;
	if (e->vc.view[from] == v && e->vc.len[from]) {
		if (e->vc.len[from] == len &&
		    !memcmp(vc_buf(e, from), buf, len - BFT_MAC_LEN)) {
			/* A resend: our ack may have been lost too. */
			send_vc_ack(e, from, v);
			return BFT_DROP_DUPLICATE;
		}
		bft_evidence(e, from, BFT_MSG_VIEW_CHANGE, v, 0, NULL);
		return BFT_DROP_CONFLICT;
	}
	bft_vc_keep(e, from);
	vc_store(e, from, buf, len, v);
	send_vc_ack(e, from, v);
	if (e->status == BFT_ST_VIEW_CHANGE && v >= e->view &&
	    vc_count(e, e->view) >= e->q)
		vc_arm(e);
	maybe_join(e);
	try_new_view(e);
	if (e->vc.nv_pending && e->vc.nv_view >= e->view)
		try_validate_nv(e);
	return 0;
}

/*
 * f+1 replicas run a view above ours (seen in authenticated ordering
 * messages): we missed its NEW-VIEW. Join that view change rather than
 * follow passively: a correct replica must not pre-prepare, vote or
 * report pre-prepared/prepared entries for a view whose NEW-VIEW it has
 * not validated (TOCS 2002, 4.4, A2 counts such reports). Our VIEW-CHANGE
 * makes replicas already in the view answer with theirs and the primary
 * with its NEW-VIEW; pre-prepares that arrive meanwhile are held early.
 */
static void bft_note_view(struct bft_engine *e, u32 from, u64 view)
{
	u64 best = 0;
	u32 i, j, k;

	if (view > e->vc.view_hint[from])
		e->vc.view_hint[from] = view;
	/* Largest view that f+1 replicas have reached or passed. */
	for (i = 0; i < e->n; i++) {
		if (e->vc.view_hint[i] <= e->view || e->vc.view_hint[i] <= best)
			continue;
		for (j = 0, k = 0; j < e->n; j++)
			k += e->vc.view_hint[j] >= e->vc.view_hint[i];
		if (k >= e->f + 1)
			best = e->vc.view_hint[i];
	}
	if (!best)
		return;
	bft_emit(e, BFT_EV_VIEW_JUMP, from, best, e->log.last_exec, NULL);
	bft_start_view_change(e, best);
	/* Once in, ask for the log of the view we missed (stable.c). */
	e->retx.tail_ask = true;
	if (e->st.probe_at == BFT_NO_DEADLINE)
		e->st.probe_at = e->now + e->cfg.xfer_retry_ms;
}

/*
 * Peer @from sent an authenticated message of @view. A later view counts
 * toward joining it (above); our own view, toward the Q - 1 peers that
 * confirm it to a replica created empty, which until then reports itself
 * as joining rather than as a normal replica (or primary) of a view the
 * others may have left long ago.
 */
void bft_peer_view(struct bft_engine *e, u32 from, u64 view)
{
	if (view > e->view) {
		bft_note_view(e, from, view);
		return;
	}
	if (view < e->view || e->vc.view_known)
		return;
	e->vc.view_heard |= 1ULL << from;
	if (bft_popcount64(e->vc.view_heard) + 1 >= e->q)
		e->vc.view_known = true;
}
