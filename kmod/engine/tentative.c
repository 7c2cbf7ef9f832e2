// SPDX-License-Identifier: GPL-2.0
/*
 * Tentative execution (TOCS 2002, section 5.1.2): the batch after the
 * last committed one runs as soon as it is prepared in the current view,
 * and its replies say so; the client needs Q of them (client.c). At most
 * one batch is tentative at a time, since it needs every predecessor
 * committed. A NEW-VIEW that does not assign it again undoes it: the
 * service and the client table go back to this replica's latest own
 * checkpoint and the committed batches above it run again (quietly).
 * See Documentation/engine.rst, "Tentative execution".
 */
#include "internal.h"

bool bft_tent_ready(struct bft_engine *e, struct bft_slot *s)
{
	return !e->cfg.no_tentative && !e->log.tent_seq &&
	       e->status == BFT_ST_NORMAL && s->view == e->view &&
	       (s->flags & SL_PREPARED) && (s->flags & SL_BATCH) &&
	       !memcmp(s->content_digest, s->digest, BFT_DIGEST_LEN);
}

void bft_tent_run(struct bft_engine *e, struct bft_slot *s)
{
	e->log.tent_seq = s->seq;
	e->log.tent_reqs = 0;
	memcpy(e->log.tent_digest, s->digest, BFT_DIGEST_LEN);
	bft_execute_batch(e, s, BFT_EXEC_TENTATIVE);
	e->ctr.tentative_executed++;
}

/*
 * Slot s committed: true if it already ran tentatively, so it must not
 * run again; what it ran counts as executed only now, since a rollback
 * runs it (or other requests) again. A different batch than the one that ran cannot commit in
 * that view (prepared certificates intersect) and a NEW-VIEW assigning
 * another rolls back first; still, never let state and log disagree.
 */
bool bft_tent_commit(struct bft_engine *e, struct bft_slot *s)
{
	if (e->log.tent_seq != s->seq)
		return false;
	if (memcmp(e->log.tent_digest, s->digest, BFT_DIGEST_LEN)) {
		bft_tent_abort(e);
		return false;
	}
	e->log.tent_seq = 0;
	e->ctr.requests_executed += e->log.tent_reqs;
	if (!s->count)
		e->ctr.null_executed++;
	return true;
}

/* The client's cached reply is from a batch not yet committed. */
bool bft_tent_reply(const struct bft_engine *e, u32 c)
{
	return e->log.tent_seq && e->cl.tab[c].exec_seq == e->log.tent_seq;
}

/* Own snapshot at seq into the service: false if it is not all there. */
static bool restore(struct bft_engine *e, u64 seq)
{
	u64 off = 0;
	long got;

	for (;;) {
		got = e->svc_ops->snapshot_read(e->svc, seq, off, e->io,
						e->cfg.xfer_chunk);
		if (got < 0 || got > e->cfg.xfer_chunk)
			break;
		/* An empty snapshot still starts (off 0) an install. */
		if ((got || !off) &&
		    e->svc_ops->install(e->svc, seq, off, e->io, (u32)got))
			break;
		if (!got) {
			e->svc_ops->install_done(e->svc, seq, true);
			return true;
		}
		off += (u64)got;
	}
	e->svc_ops->install_done(e->svc, seq, false);
	return false;
}

/* Latest own checkpoint at or below last_exec, with its snapshot. */
static struct bft_ckpt *own_base(struct bft_engine *e)
{
	u64 k = e->cfg.ckpt_interval;
	u64 seq = e->log.last_exec - e->log.last_exec % k;
	struct bft_ckpt *c;

	for (; seq >= e->log.h; seq -= k) {
		c = bft_ckpt_find(e, seq);
		if (c && c->mine)
			return c;
		if (seq < k)
			break;
	}
	return NULL;
}

/* Every committed batch in (base, top] is still in the log. */
static bool replayable(struct bft_engine *e, u64 base, u64 top)
{
	u64 seq;

	for (seq = base + 1; seq <= top; seq++) {
		struct bft_slot *s = bft_slot_of(e, seq);

		if (s->seq != seq || !(s->flags & SL_BATCH) ||
		    memcmp(s->content_digest, s->digest, BFT_DIGEST_LEN))
			return false;
	}
	return true;
}

/*
 * Undo the tentative batch: back to the committed state at last_exec.
 * A state transfer under way replaces the state anyway. Without a local
 * snapshot (the service refused one), fetch the stable checkpoint; the
 * committed batches above it then run again as they would after any
 * transfer.
 */
void bft_tent_abort(struct bft_engine *e)
{
	u64 top = e->log.last_exec, seq;
	struct bft_ckpt *c;

	if (!e->log.tent_seq)
		return;
	e->log.tent_seq = 0;
	e->ctr.tentative_rollbacks++;
	if (e->xfer.active)
		return;
	c = own_base(e);
	if (!c || !replayable(e, c->seq, top) || !restore(e, c->seq)) {
		bft_xfer_begin(e, e->log.h, e->log.h_digest);
		bft_xfer_restart(e);
		return;
	}
	bft_section_load(e, c->ts_snap);
	for (seq = c->seq + 1; seq <= top; seq++) {
		struct bft_slot *s = bft_slot_of(e, seq);

		e->log.last_exec = seq - 1;
		bft_execute_batch(e, s, BFT_EXEC_REPLAY);
	}
	e->log.last_exec = top;
}

/*
 * A NEW-VIEW is being installed with O: keep the tentative batch only if
 * O assigns it again at its seq (then it commits in the new view and
 * does not run twice); anything else, a checkpoint above it included,
 * undoes it.
 */
void bft_tent_new_view(struct bft_engine *e, const struct bft_ckpt_h *o,
		       u32 n_o)
{
	u32 i;

	if (!e->log.tent_seq)
		return;
	for (i = 0; i < n_o; i++)
		if (o[i].seq == e->log.tent_seq &&
		    !memcmp(o[i].digest, e->log.tent_digest, BFT_DIGEST_LEN))
			return;
	bft_tent_abort(e);
}
