// SPDX-License-Identifier: GPL-2.0
/*
 * Primary batching: pending client requests wait in a FIFO of client ids
 * (one request per client, so the FIFO is bounded by the client count)
 * until a batch is full by count or bytes, or the flush deadline passes,
 * and the pipeline window has room. Every client has one queue entry at
 * most, so the FIFO is round-robin over clients with a pending request:
 * a flooding client gets one request per batch, like any other.
 */
#include "internal.h"

/* First backoff in units of the view-change timeout, and the cap. */
#define THROTTLE_BASE	16
#define THROTTLE_SHIFT	4

/*
 * Aardvark's MAC attack: a request in the primary's PRE-PREPARE whose
 * authenticator entry fails here stalls its batch until a view change.
 * Its entry for the primary is good, which only the client and the
 * primary could make, so a third party cannot get a client struck. Each
 * strike doubles the window in which the client's new requests are
 * dropped (all correct replicas strike it for the same PRE-PREPARE, so
 * the next primary will not order it); a client quiet for as long as its
 * last window starts again at the base.
 */
void bft_client_strike(struct bft_engine *e, u32 c, u64 ts)
{
	struct bft_client *cl = &e->cl.tab[c];
	u64 win;

	if (ts <= cl->last_ts || ts == cl->strike_ts)
		return;
	cl->strike_ts = ts;
	win = (u64)THROTTLE_BASE * e->cfg.vc_timeout_ms;
	if (cl->strikes && e->now >= cl->throttle_until +
	    (win << (cl->strikes - 1)))
		cl->strikes = 0;
	if (cl->strikes < THROTTLE_SHIFT + 1)
		cl->strikes++;
	cl->throttle_until = e->now + (win << (cl->strikes - 1));
	e->ctr.clients_throttled++;
}

bool bft_client_throttled(const struct bft_engine *e, u32 c)
{
	return e->now < e->cl.tab[c].throttle_until;
}

static void queue_push(struct bft_engine *e, u32 c)
{
	u32 nc = e->cfg.n_clients;

	if (e->cl.q_len >= nc)
		return;
	e->cl.queue[(e->cl.q_head + e->cl.q_len) % nc] = c;
	e->cl.q_len++;
}

/* Store a client's request as pending; queue it if we are primary. */
void bft_queue_request(struct bft_engine *e, const struct bft_req_view *r)
{
	struct bft_client *cl = &e->cl.tab[r->client];
	bool primary = bft_is_primary(e) && e->status == BFT_ST_NORMAL;

	if (cl->pend_state == PEND_QUEUED) {
		/* Newer request replaces the queued one in place. */
		e->cl.q_bytes -= e->cl.q_bytes < cl->pend_len ? e->cl.q_bytes :
			      cl->pend_len;
	} else {
		if (cl->pend_state == PEND_NONE)
			e->cl.n_pend++;
		cl->pend_state = PEND_QUEUED;
		if (primary)
			queue_push(e, r->client);
	}
	memcpy(cl->pend, r->raw, r->len);
	cl->pend_len = r->len;
	cl->pend_ts = r->ts;
	e->cl.q_bytes += r->len;
	if (primary && e->cl.batch_deadline == BFT_NO_DEADLINE)
		e->cl.batch_deadline = e->now + e->cfg.batch_delay_ms;
}

/* Rebuild the FIFO from pending requests when a view starts. */
void bft_queue_reset(struct bft_engine *e)
{
	u32 i;

	e->cl.q_head = 0;
	e->cl.q_len = 0;
	e->cl.q_bytes = 0;
	e->cl.batch_deadline = BFT_NO_DEADLINE;
	for (i = 0; i < e->cfg.n_clients; i++) {
		struct bft_client *cl = &e->cl.tab[i];

		if (cl->pend_state == PEND_NONE)
			continue;
		cl->pend_state = PEND_QUEUED;
		if (!bft_is_primary(e) || e->status != BFT_ST_NORMAL)
			continue;
		queue_push(e, i);
		e->cl.q_bytes += cl->pend_len;
	}
	if (e->cl.q_len)
		e->cl.batch_deadline = e->now + e->cfg.batch_delay_ms;
}

static bool window_open(const struct bft_engine *e)
{
	return e->log.next_seq <= e->log.h + e->cfg.log_size &&
	       e->log.next_seq <= bft_batch_limit(e) &&
	       e->log.next_seq - 1 - e->log.last_exec < e->cfg.window;
}

/* Order the next batch from the FIFO; an empty one only if @null. */
static void propose(struct bft_engine *e, bool null)
{
	struct bft_slot *s = bft_slot_get(e, e->log.next_seq);
	u32 nc = e->cfg.n_clients, len = 0, count = 0, n;
	u8 d[BFT_DIGEST_LEN];

	while (e->cl.q_len && count < e->cfg.batch_max) {
		u32 c = e->cl.queue[e->cl.q_head];
		struct bft_client *cl = &e->cl.tab[c];

		if (cl->pend_state == PEND_QUEUED &&
		    len + cl->pend_len > e->cfg.batch_bytes)
			break;
		e->cl.q_head = (e->cl.q_head + 1) % nc;
		e->cl.q_len--;
		if (cl->pend_state != PEND_QUEUED)
			continue;	/* executed or re-queued meanwhile */
		memcpy(s->batch + len, cl->pend, cl->pend_len);
		len += cl->pend_len;
		count++;
		e->cl.q_bytes -= e->cl.q_bytes < cl->pend_len ? e->cl.q_bytes :
			      cl->pend_len;
		cl->pend_state = PEND_ORDERED;
	}
	if (!count && !null)
		return;
	/* Requests were validated on arrival; this only hashes. */
	if (bft_batch_digest(s->batch, len, count, &e->lim, d))
		return;
	s->view = e->view;
	memcpy(s->digest, d, BFT_DIGEST_LEN);
	memcpy(s->content_digest, d, BFT_DIGEST_LEN);
	s->batch_len = len;
	s->count = count;
	s->flags = SL_PP | SL_BATCH;
	s->pp_valid = true;
	s->pp_view = e->view;
	memcpy(s->pp_digest, d, BFT_DIGEST_LEN);
	n = bft_enc_preprepare(e->tx, BFT_WIRE_MAX_DGRAM, e->id, e->view,
			       e->log.next_seq, d, count, s->batch, len);
	bft_multicast(e, e->tx, n);
	if (e->log.next_seq > e->log.max_seq)
		e->log.max_seq = e->log.next_seq;
	e->log.next_seq++;
	e->ctr.batches++;
}

void bft_try_batch(struct bft_engine *e)
{
	if (e->status != BFT_ST_NORMAL || !bft_is_primary(e)) {
		e->cl.batch_deadline = BFT_NO_DEADLINE;
		return;
	}
	while (e->cl.q_len && window_open(e)) {
		bool full = e->cl.q_len >= e->cfg.batch_max ||
			    e->cl.q_bytes >= e->cfg.batch_bytes;

		if (!full && e->now < e->cl.batch_deadline &&
		    e->cl.batch_deadline != BFT_NO_DEADLINE)
			break;
		propose(e, false);
	}
	/*
	 * A pending switch waits for its boundary c, which traffic may
	 * never bring: with nothing queued, fill the seqs up to c with
	 * null batches (PBFT's null requests; window_open stops at c).
	 */
	while (e->ep.pend && !e->cl.q_len && window_open(e))
		propose(e, true);
	if (!e->cl.q_len || !window_open(e))
		e->cl.batch_deadline = BFT_NO_DEADLINE;
	else if (e->cl.batch_deadline == BFT_NO_DEADLINE)
		e->cl.batch_deadline = e->now + e->cfg.batch_delay_ms;
	bft_timer_update(e);
}
