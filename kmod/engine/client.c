// SPDX-License-Identifier: GPL-2.0
/*
 * PBFT client core.  See client.h.  One request is outstanding at a
 * time (as in PBFT); the replicas' last-reply cache answers
 * retransmissions, so a request is never executed twice.
 */
#include "client.h"
#include "quorum.h"

int bft_cli_init(struct bft_cli *c, const struct bft_cli_config *cfg,
		 const struct bft_cli_ops *ops, void *ctx)
{
	memset(c, 0, sizeof(*c));
	if (cfg->n < 4 || cfg->n > BFT_MAX_REPLICAS ||
	    cfg->id >= BFT_MAX_CLIENTS || !ops || !ops->mac || !ops->send)
		return -EINVAL;
	c->cfg = *cfg;
	if (!c->cfg.max_op || c->cfg.max_op > BFT_MAX_OP)
		c->cfg.max_op = BFT_MAX_OP;
	if (!c->cfg.max_result || c->cfg.max_result > BFT_MAX_RESULT)
		c->cfg.max_result = BFT_MAX_RESULT;
	if (!c->cfg.timeout_ms)
		c->cfg.timeout_ms = 100;
	if (c->cfg.timeout_max_ms < c->cfg.timeout_ms)
		c->cfg.timeout_max_ms = 8 * c->cfg.timeout_ms;
	c->ops = ops;
	c->ctx = ctx;
	c->n = cfg->n;
	c->f = bft_quorum_f(cfg->n);
	c->q = bft_quorum_q(cfg->n);
	c->lim.n = cfg->n;
	c->lim.n_clients = BFT_MAX_CLIENTS;
	c->lim.max_op = c->cfg.max_op;
	c->lim.max_result = c->cfg.max_result;
	c->ts = cfg->first_ts ? cfg->first_ts - 1 : 0;
	c->deadline = BFT_CLI_NO_DEADLINE;
	c->req_cap = BFT_REQ_FIXED + c->cfg.max_op + c->n * BFT_MAC_LEN;
	c->req = bft_zalloc(c->req_cap);
	c->op_copy = bft_zalloc(c->cfg.max_op);
	if (!c->req || !c->op_copy) {
		bft_cli_destroy(c);
		return -ENOMEM;
	}
	return 0;
}

void bft_cli_destroy(struct bft_cli *c)
{
	bft_free(c->req);
	bft_free(c->op_copy);
	c->req = NULL;
	c->op_copy = NULL;
}

static void cli_send(struct bft_cli *c, u32 replica)
{
	c->st.sent++;
	c->ops->send(c->ctx, replica, c->req, c->req_len);
}

static void cli_send_all(struct bft_cli *c)
{
	u32 i;

	for (i = 0; i < c->n; i++)
		cli_send(c, i);
}

/* Encode the pending request with a fresh timestamp and authenticator. */
static int cli_build(struct bft_cli *c, bool readonly)
{
	struct bft_iov iov;
	u32 i, len;

	len = bft_enc_request(c->req, c->req_cap, c->cfg.id, c->ts + 1,
			      c->op_copy, c->op_len,
			      readonly ? BFT_REQ_F_READONLY : c->op_flags,
			      (u8)c->n);
	if (!len)
		return -EINVAL;
	c->ts++;
	c->req_len = len;
	iov.base = c->req;
	iov.len = BFT_REQ_FIXED + c->op_len;
	for (i = 0; i < c->n; i++) {
		c->st.mac_computed++;
		if (c->ops->mac(c->ctx, BFT_PRINCIPAL_REPLICA, i, &iov, 1,
				c->req + iov.len + i * BFT_MAC_LEN))
			return -EINVAL;
	}
	c->readonly = readonly;
	c->conflict_seen = false;
	memset(c->vote, 0, sizeof(c->vote));
	return 0;
}

static void cli_arm(struct bft_cli *c, u64 now_ms)
{
	c->deadline = now_ms + c->timeout;
}

/*
 * The first retransmission waits the configured timeout or, once round
 * trips are known, srtt + 4 rttvar if longer (Jacobson/Karels, RFC
 * 6298), up to the backoff cap: a loaded cluster slower than the timer
 * is not sent every request again (n copies, n MACs at the primary for
 * nothing), and a lost request still goes again within about a round
 * trip of its expected reply.
 */
static void cli_first_timeout(struct bft_cli *c)
{
	u64 rto = (c->srtt8 >> 3) + c->rttvar4;

	c->timeout = c->cfg.timeout_ms;
	if (c->srtt8 && rto > c->timeout)
		c->timeout = rto < c->cfg.timeout_max_ms ? rto :
			     c->cfg.timeout_max_ms;
}

/* Karn: only a request sent once gives an unambiguous round trip. */
static void cli_rtt_sample(struct bft_cli *c, u64 now_ms)
{
	u64 m, dev;

	if (c->resent || now_ms < c->sent_at)
		return;
	m = now_ms - c->sent_at;
	if (!c->srtt8) {
		c->srtt8 = (m << 3) | 1;
		c->rttvar4 = m << 1;
		return;
	}
	dev = m > (c->srtt8 >> 3) ? m - (c->srtt8 >> 3) : (c->srtt8 >> 3) - m;
	c->srtt8 = c->srtt8 - (c->srtt8 >> 3) + m;
	c->rttvar4 = c->rttvar4 - (c->rttvar4 >> 2) + dev;
	if (!c->srtt8)
		c->srtt8 = 1;
}

int bft_cli_submit(struct bft_cli *c, const void *op, u32 op_len,
		   bool readonly, u64 now_ms)
{
	int ret;

	if (c->status != BFT_CLI_IDLE)
		return -EBUSY;
	if (op_len > c->cfg.max_op || (op_len && !op))
		return -EINVAL;
	if (op_len)
		memcpy(c->op_copy, op, op_len);
	c->op_len = op_len;
	ret = cli_build(c, readonly);
	if (ret)
		return ret;
	c->st.requests++;
	c->status = BFT_CLI_WAIT;
	cli_first_timeout(c);
	c->sent_at = now_ms;
	c->resent = false;
	cli_arm(c, now_ms);
	/* Read-only requests go to everyone; others to the primary. */
	if (readonly)
		cli_send_all(c);
	else
		cli_send(c, (u32)(c->view % c->n));
	return 0;
}

/* Read-only result did not gather n matching replies: order it. */
static void cli_ro_fallback(struct bft_cli *c, u64 now_ms)
{
	c->st.ro_fallbacks++;
	c->resent = true;
	if (cli_build(c, false))
		return;
	c->timeout = c->cfg.timeout_ms;
	cli_arm(c, now_ms);
	cli_send_all(c);
}

void bft_cli_tick(struct bft_cli *c, u64 now_ms)
{
	if (c->status != BFT_CLI_WAIT || now_ms < c->deadline)
		return;
	if (c->readonly) {
		cli_ro_fallback(c, now_ms);
		return;
	}
	c->st.retransmits++;
	c->resent = true;
	c->timeout *= 2;
	if (c->timeout > c->cfg.timeout_max_ms)
		c->timeout = c->cfg.timeout_max_ms;
	cli_arm(c, now_ms);
	cli_send_all(c);
}

u64 bft_cli_next_deadline(const struct bft_cli *c)
{
	return c->status == BFT_CLI_WAIT ? c->deadline : BFT_CLI_NO_DEADLINE;
}

void bft_cli_cancel(struct bft_cli *c)
{
	c->status = BFT_CLI_IDLE;
	c->deadline = BFT_CLI_NO_DEADLINE;
}

static void result_digest(const struct bft_reply_view *r, u8 *out)
{
	struct bft_sha_ctx s;

	bft_sha_init(&s);
	bft_sha_update(&s, r->result, r->result_len);
	bft_sha_final(&s, out);
}

/* A later reply of the same replica may replace its tentative one. */
static bool cli_replaces(const struct bft_cli_vote *old,
			 const struct bft_reply_view *r)
{
	if (!(old->flags & BFT_REPLY_F_TENTATIVE))
		return false;
	return !(r->flags & BFT_REPLY_F_TENTATIVE) || r->view > old->view;
}

/*
 * Replies matching vote d: committed ones (any view), and the most
 * tentative ones of one view plus the committed ones.
 */
static void cli_count(const struct bft_cli *c, const u8 *d, u32 *committed,
		      u32 *mixed, u64 *view)
{
	u32 i, j, k;

	*committed = 0;
	*mixed = 0;
	*view = (u64)-1;
	for (i = 0; i < c->n; i++) {
		const struct bft_cli_vote *v = &c->vote[i];

		if (!v->valid || memcmp(v->digest, d, BFT_DIGEST_LEN))
			continue;
		if (v->view < *view)
			*view = v->view;
		if (!(v->flags & BFT_REPLY_F_TENTATIVE)) {
			(*committed)++;
			continue;
		}
		for (j = 0, k = 0; j < c->n; j++)
			k += c->vote[j].valid &&
			     (c->vote[j].flags & BFT_REPLY_F_TENTATIVE) &&
			     c->vote[j].view == v->view &&
			     !memcmp(c->vote[j].digest, d, BFT_DIGEST_LEN);
		if (k > *mixed)
			*mixed = k;
	}
	*mixed += *committed;
}

int bft_cli_receive(struct bft_cli *c, const void *buf, u32 len, u64 now_ms,
		    struct bft_cli_result *res)
{
	struct bft_reply_view r;
	struct bft_cli_vote *v;
	u32 i, got = 0, best = 0, match, mixed, need;
	u64 view;
	int ret;

	ret = bft_wire_parse_reply(buf, len, &c->lim, &r);
	if (!ret)
		ret = bft_wire_verify(buf, len, c->n, c->n, c->ops->mac,
				      c->ctx);
	if (!ret && r.client != c->cfg.id)
		ret = BFT_DROP_SENDER;
	if (!ret && (c->status != BFT_CLI_WAIT || r.ts != c->ts))
		ret = BFT_DROP_STALE;
	if (!ret && c->vote[r.replica].valid &&
	    !cli_replaces(&c->vote[r.replica], &r))
		ret = BFT_DROP_DUPLICATE;
	if (!ret && !c->readonly && (r.flags & BFT_REPLY_F_READONLY))
		ret = BFT_DROP_STATE;
	if (ret) {
		c->st.dropped++;
		return -ret;
	}
	c->st.replies++;
	v = &c->vote[r.replica];
	v->valid = true;
	v->flags = r.flags;
	v->view = r.view;
	result_digest(&r, v->digest);

	/*
	 * A read-write result needs f+1 committed replies (one correct
	 * replica executed it in order), or Q tentative ones of one view:
	 * then f+1 correct replicas prepared it in that view, and every
	 * view-change quorum holds one of them, so the batch is assigned
	 * again and commits with this result. A committed reply counts
	 * toward Q too; a tentative one never toward f+1. A read-only
	 * result is computed at once from each replica's current state, so
	 * it must reflect every write accepted before, of which maybe only
	 * f+1 replicas know: only all n replies agreeing guarantee that
	 * (n - (f+1) + 1 + f = n). Otherwise the read is ordered like a
	 * write (cli_ro_fallback).
	 */
	cli_count(c, v->digest, &match, &mixed, &view);
	if (c->readonly ? match >= c->n :
	    match >= c->f + 1 || mixed >= c->q) {
		res->ts = c->ts;
		res->view = view;
		res->readonly = c->readonly;
		res->result = r.result;
		res->result_len = r.result_len;
		if (view > c->view && view != (u64)-1)
			c->view = view;
		cli_rtt_sample(c, now_ms);
		bft_cli_cancel(c);
		return BFT_CLI_DONE;
	}
	/*
	 * A tentative reply may still be replaced by a committed one: only
	 * final (committed or read-only) replies rule a result out.
	 */
	need = c->readonly ? c->n : c->f + 1;
	for (i = 0; i < c->n; i++) {
		u32 j, cnt = 0;

		if (!c->vote[i].valid ||
		    (c->vote[i].flags & BFT_REPLY_F_TENTATIVE))
			continue;
		got++;
		for (j = 0; j < c->n; j++)
			cnt += c->vote[j].valid &&
			       !(c->vote[j].flags & BFT_REPLY_F_TENTATIVE) &&
			       !memcmp(c->vote[j].digest, c->vote[i].digest,
				       BFT_DIGEST_LEN);
		if (cnt > best)
			best = cnt;
	}
	if (best + (c->n - got) < need) {
		/* Nothing can reach the threshold any more. */
		if (c->readonly) {
			cli_ro_fallback(c, now_ms);
			return BFT_CLI_PENDING;
		}
		if (!c->conflict_seen) {
			c->conflict_seen = true;
			c->st.conflicts++;
			return BFT_CLI_CONFLICT;
		}
	}
	return BFT_CLI_PENDING;
}
