// SPDX-License-Identifier: GPL-2.0
/*
 * What a backup expects of its primary (Aardvark, NSDI'09): the plain
 * view-change timer restarts on any progress, so a primary that orders
 * one client only, or each batch just before the timer expires, is never
 * replaced. Two checks, run by backups in a normal view only, each ending
 * in a SUSPECT to all; f+1 of them start the view change (see
 * Documentation/engine.rst):
 *
 * - late: a request a client sent this backup directly (it retransmits
 *   to all only when the primary was slow) is in no PRE-PREPARE after
 *   batch_delay_ms + expect_hb_ms (by default half the view-change
 *   timeout, not restarted by other clients' progress);
 * - rate: in a window of expect_window_ms with such requests waiting,
 *   the primary executed fewer than expect_pct percent of the best
 *   window of earlier views.
 *
 * A replica suspects on what it saw itself; it moves on f+1 suspicions,
 * since f faulty replicas alone must not replace a correct primary.
 */
#include "internal.h"

/* Rescan pending requests at most this often per heartbeat. */
#define EXPECT_SCAN_DIV		8

/* A joining host judges no primary: it cannot order yet (internal.h). */
static bool expect_on(const struct bft_engine *e)
{
	return e->status == BFT_ST_NORMAL && !bft_is_primary(e) &&
	       !bft_joining(e);
}

/* Replicas that suspect the primary of the current view. */
static u64 *suspects(struct bft_engine *e)
{
	if (e->ex.suspect_view != e->view) {
		e->ex.suspect_view = e->view;
		e->ex.suspects = 0;
	}
	return &e->ex.suspects;
}

/* f+1 suspect: at least one of them is correct. */
static void suspect_quorum(struct bft_engine *e)
{
	if (bft_popcount64(*suspects(e)) > e->f && e->view < BFT_VIEW_MAX)
		bft_start_view_change(e, e->view + 1);
}

/*
 * Suspect the primary, and say so again while it stays late or slow, in
 * case a SUSPECT was lost. A lone suspicion does not take us out of the
 * view: with MACs a client can make one backup alone see a request the
 * primary never will (its entry for the primary is garbage), and leaving
 * for it would cost a correct replica for nothing.
 */
static void complain(struct bft_engine *e, u64 *ctr)
{
	u64 *s = suspects(e);
	u32 len;

	if (!(*s & (1ULL << e->id)))
		(*ctr)++;
	*s |= 1ULL << e->id;
	len = bft_enc_suspect(e->tx, BFT_WIRE_MAX_DGRAM, e->id, e->view);
	if (len)
		bft_multicast(e, e->tx, len);
	suspect_quorum(e);
}

int bft_on_suspect(struct bft_engine *e, u32 from, u64 view)
{
	if (view < e->view)
		return BFT_DROP_STALE;
	if (view > e->view)
		return BFT_DROP_VIEW;
	if (e->status != BFT_ST_NORMAL)
		return BFT_DROP_STATE;
	/* The primary's word on itself is no evidence for f+1. */
	if (from == bft_primary(e, view))
		return BFT_DROP_SENDER;
	*suspects(e) |= 1ULL << from;
	suspect_quorum(e);
	return 0;
}

/*
 * Is the request already in a batch we hold but have not executed? The
 * PRE-PREPARE often beats the client's retransmission to a backup (a
 * slow commit, not a slow primary). Only requests clients send backups
 * directly come here, and at most log_size batches are looked at.
 */
static bool in_log(struct bft_engine *e, u32 c, u64 ts)
{
	struct bft_req_view r;
	u64 seq;

	for (seq = e->log.last_exec + 1; seq <= e->log.max_seq; seq++) {
		struct bft_slot *s = bft_slot_of(e, seq);
		u32 off = 0;

		if (!bft_in_window(e, seq) || s->seq != seq ||
		    !(s->flags & SL_BATCH))
			continue;
		while (!bft_batch_next(s->batch, s->batch_len, &off, &e->lim,
				       &r))
			if (r.client == c && r.ts >= ts)
				return true;
	}
	return false;
}

/* A client sent us a new request directly: it waited on the primary. */
void bft_expect_request(struct bft_engine *e, u32 c)
{
	struct bft_client *cl = &e->cl.tab[c];

	cl->pend_at = e->now;
	cl->pend_seen = false;
	if (!expect_on(e))
		return;
	cl->pend_seen = in_log(e, c, cl->pend_ts);
	if (cl->pend_seen)
		return;
	e->ex.demand++;
	if (e->ex.hb_at == BFT_NO_DEADLINE)
		e->ex.hb_at = e->now + e->cfg.expect_hb_ms +
			      e->cfg.batch_delay_ms;
}

/*
 * The primary proposed it: from here on, lost PREPAREs or COMMITs are
 * for retransmission (retx.c) and the view-change timer, not the primary.
 */
void bft_expect_proposed(struct bft_engine *e, const struct bft_req_view *r)
{
	struct bft_client *cl = &e->cl.tab[r->client];

	if (cl->pend_state != PEND_NONE && cl->pend_ts <= r->ts)
		cl->pend_seen = true;
}

/* Called with the view-change timer: start a window once there is work. */
void bft_expect_arm(struct bft_engine *e)
{
	if (e->ex.win_at != BFT_NO_DEADLINE || !expect_on(e) ||
	    !bft_work_outstanding(e))
		return;
	e->ex.win_at = e->now + e->cfg.expect_window_ms;
	e->ex.win_exec = e->ctr.requests_executed;
	e->ex.demand = 0;
}

/*
 * A view was installed: the best window of the last one becomes history,
 * and requests still waiting start a fresh heartbeat, since the new
 * primary is not to blame for its predecessor's delay.
 */
void bft_expect_new_view(struct bft_engine *e)
{
	u64 old = e->ex.peak - e->ex.peak / 4;
	bool waiting = false;
	u32 i;

	/* Decays, so no one lucky (or flooded) view sets the bar for ever. */
	e->ex.peak = e->ex.view_peak > old ? e->ex.view_peak : old;
	e->ex.view_peak = 0;
	e->ex.win_first = true;
	e->ex.hb_at = BFT_NO_DEADLINE;
	e->ex.win_at = BFT_NO_DEADLINE;
	e->ex.demand = 0;
	for (i = 0; i < e->cfg.n_clients; i++) {
		struct bft_client *cl = &e->cl.tab[i];

		if (cl->pend_state == PEND_NONE)
			continue;
		cl->pend_at = e->now;
		cl->pend_seen = false;
		waiting = true;
	}
	if (waiting && expect_on(e))
		e->ex.hb_at = e->now + e->cfg.expect_hb_ms +
			      e->cfg.batch_delay_ms;
}

/* Client with the oldest request waiting here; n_clients if none. */
static u32 oldest_pending(const struct bft_engine *e)
{
	u64 t = BFT_NO_DEADLINE;
	u32 i, c = e->cfg.n_clients;

	for (i = 0; i < e->cfg.n_clients; i++) {
		const struct bft_client *cl = &e->cl.tab[i];

		if (cl->pend_state != PEND_NONE && !cl->pend_seen &&
		    cl->pend_at < t) {
			t = cl->pend_at;
			c = i;
		}
	}
	return c;
}

static void late_check(struct bft_engine *e)
{
	/* A correct primary may hold a partial batch for batch_delay_ms. */
	u64 hb = e->cfg.expect_hb_ms + e->cfg.batch_delay_ms, t, gap;
	struct bft_client *cl;
	u32 c;

	e->ex.hb_at = BFT_NO_DEADLINE;
	if (!expect_on(e) || !bft_has_pending(e))
		return;
	for (;;) {
		c = oldest_pending(e);
		if (c == e->cfg.n_clients)
			return;
		cl = &e->cl.tab[c];
		t = cl->pend_at;
		if (e->now < t + hb)
			break;
		/* Proposed by a path that does not report it (NEW-VIEW). */
		if (!in_log(e, c, cl->pend_ts)) {
			complain(e, &e->ctr.expect_late);
			if (expect_on(e))
				e->ex.hb_at = e->now + hb;
			return;
		}
		cl->pend_seen = true;
	}
	gap = hb / EXPECT_SCAN_DIV;
	e->ex.hb_at = t + hb;
	if (e->ex.hb_at < e->now + gap)
		e->ex.hb_at = e->now + gap;
}

static void rate_check(struct bft_engine *e)
{
	u64 done = e->ctr.requests_executed - e->ex.win_exec;
	bool waiting = e->ex.demand && bft_has_pending(e);

	e->ex.win_at = BFT_NO_DEADLINE;
	if (!expect_on(e))
		return;
	if (done > e->ex.view_peak)
		e->ex.view_peak = done;
	/*
	 * The first window of a view holds the clients' return from their
	 * retransmission backoff: it sets the bar, it is not judged.
	 */
	if (e->ex.win_first) {
		e->ex.win_first = false;
	} else if (waiting && e->ex.peak &&
		   done * 100 < (u64)e->cfg.expect_pct * e->ex.peak) {
		complain(e, &e->ctr.expect_rate);
	}
	bft_expect_arm(e);
}

void bft_expect_tick(struct bft_engine *e)
{
	if (e->now >= e->ex.hb_at)
		late_check(e);
	if (e->now >= e->ex.win_at)
		rate_check(e);
}

u64 bft_expect_deadline(const struct bft_engine *e)
{
	return e->ex.hb_at < e->ex.win_at ? e->ex.hb_at : e->ex.win_at;
}
