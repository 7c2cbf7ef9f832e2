// SPDX-License-Identifier: GPL-2.0
/*
 * Engine core: creation, configuration, datagram dispatch, authenticated
 * sending, timers. Protocol phases live in normal.c, batch.c,
 * checkpoint.c, viewchange.c and xfer.c.
 */
#include "internal.h"

#if defined(BFT_TESTING) && !defined(__KERNEL__)
u64 bft_test_sha_calls;
#endif

u32 bft_f(u32 n)
{
	return bft_quorum_f(n);
}

u32 bft_quorum(u32 n)
{
	return bft_quorum_q(n);
}

void bft_config_defaults(struct bft_config *c)
{
	if (!c->ckpt_interval)
		c->ckpt_interval = 64;
	if (!c->log_size)
		c->log_size = 2 * c->ckpt_interval;
	if (!c->batch_max)
		c->batch_max = 64;
	if (!c->batch_bytes)
		c->batch_bytes = 16384;
	if (!c->max_op)
		c->max_op = 1024;
	if (!c->max_result)
		c->max_result = 1024;
	if (!c->window)
		c->window = 4;
	if (!c->vc_timeout_ms)
		c->vc_timeout_ms = 1000;
	if (!c->vc_timeout_max_ms)
		c->vc_timeout_max_ms = 30000;
	if (!c->vc_backoff)
		c->vc_backoff = 2;
	if (!c->xfer_retry_ms)
		c->xfer_retry_ms = 200;
	if (!c->expect_hb_ms)
		c->expect_hb_ms = c->vc_timeout_ms;
	if (!c->expect_window_ms)
		c->expect_window_ms = 1000;
	if (!c->expect_pct)
		c->expect_pct = 50;
	if (!c->xfer_chunk)
		c->xfer_chunk = BFT_STATE_PART;
}

int bft_config_check(const struct bft_config *c)
{
	u32 req_max, max_n = c->max_n ? c->max_n : c->n;

	if (c->n < 4 || c->n > BFT_MAX_REPLICAS || c->id >= c->n ||
	    max_n < c->n || max_n > BFT_MAX_REPLICAS)
		return -EINVAL;
	if (!c->n_clients || c->n_clients > BFT_MAX_CLIENTS)
		return -EINVAL;
	if (!c->ckpt_interval || !c->log_size ||
	    c->log_size % c->ckpt_interval ||
	    c->log_size / c->ckpt_interval < 2 ||
	    c->log_size / c->ckpt_interval > BFT_MAX_CKPTS_VC - 2 ||
	    c->log_size > BFT_MAX_LOG)
		return -EINVAL;
	if (c->max_op > BFT_MAX_OP || c->max_result > BFT_MAX_RESULT)
		return -EINVAL;
	req_max = BFT_REQ_FIXED + c->max_op + max_n * BFT_MAC_LEN;
	if (!c->batch_max || c->batch_bytes < req_max ||
	    c->batch_bytes > BFT_WIRE_MAX_DGRAM - BFT_DATA_FIXED - BFT_MAC_LEN)
		return -EINVAL;
	if (!c->window || c->window > c->log_size)
		return -EINVAL;
	if (!c->vc_timeout_ms || c->vc_timeout_max_ms < c->vc_timeout_ms ||
	    c->vc_backoff < 1 || c->vc_backoff > 16 || !c->xfer_retry_ms)
		return -EINVAL;
	if (!c->expect_hb_ms || c->expect_hb_ms > c->vc_timeout_max_ms ||
	    !c->expect_window_ms || c->expect_window_ms > 600000 ||
	    !c->expect_pct || c->expect_pct > 100)
		return -EINVAL;
	if (c->xfer_chunk < 64 ||
	    c->xfer_chunk > BFT_WIRE_MAX_DGRAM - BFT_DATA_FIXED - BFT_MAC_LEN)
		return -EINVAL;
	if (c->flags & ~BFT_CFG_F_QUORUM_SHORT)
		return -EINVAL;
	if (c->admin > c->n_clients)
		return -EINVAL;
	return 0;
}

/* The membership size in force: n, f, Q and what a message may name. */
void bft_set_n(struct bft_engine *e, u32 n)
{
	e->n = n;
	e->f = bft_quorum_f(n);
	e->q = bft_quorum_q(n);
#ifdef BFT_TESTING
	if (e->cfg.flags & BFT_CFG_F_QUORUM_SHORT)
		e->q--;
#endif
	e->lim.n = n;
}

static void engine_free(struct bft_engine *e)
{
	bft_vcf_free(e);
	bft_vc_free(e);
	bft_ckpt_free(e);
	bft_clients_free(e);
	bft_free(e->log.slots);
	bft_free(e->log.votes);
	bft_free(e->log.batches);
	bft_free(e->tx);
	bft_free(e->io);
	bft_free(e->xs.tbl_io);
	bft_free(e->xfer.table);
	bft_free(e->result);
	bft_free(e->xfer.staging);
	bft_free(e);
}

static int log_alloc(struct bft_engine *e)
{
	u32 L = e->cfg.log_size, i;

	e->log.slots = bft_zalloc(sizeof(*e->log.slots) * L);
	e->log.votes = bft_zalloc(sizeof(*e->log.votes) * 2 * L * e->max_n);
	e->log.batches = bft_zalloc((size_t)L * e->cfg.batch_bytes);
	if (!e->log.slots || !e->log.votes || !e->log.batches)
		return -ENOMEM;
	for (i = 0; i < L; i++) {
		e->log.slots[i].prep = e->log.votes + (size_t)2 * i * e->max_n;
		e->log.slots[i].commit = e->log.slots[i].prep + e->max_n;
		e->log.slots[i].batch = e->log.batches + (size_t)i * e->cfg.batch_bytes;
	}
	return 0;
}

struct bft_engine *bft_engine_create(const struct bft_config *cfg,
				     const struct bft_ops *ops, void *ctx,
				     const struct bft_service_ops *svc_ops,
				     void *svc, u64 now_ms, int *err)
{
	struct bft_engine *e;
	int ret;

	ret = bft_config_check(cfg);
	if (ret)
		goto out;
	ret = -ENOMEM;
	e = bft_zalloc(sizeof(*e));
	if (!e)
		goto out;
	e->cfg = *cfg;
	e->ops = ops;
	e->ctx = ctx;
	e->svc_ops = svc_ops;
	e->svc = svc;
	e->now = now_ms;
	e->max_n = cfg->max_n ? cfg->max_n : cfg->n;
	e->id = cfg->id;
	bft_set_n(e, cfg->n);
	e->lim.max_n = e->max_n;
	e->lim.n_clients = cfg->n_clients;
	e->lim.max_op = cfg->max_op;
	e->lim.max_result = cfg->max_result;
	e->lim.batch_max = cfg->batch_max;
	e->lim.batch_bytes = cfg->batch_bytes;
	e->lim.log_size = cfg->log_size;
	e->req_max = BFT_REQ_FIXED + cfg->max_op + e->max_n * BFT_MAC_LEN;
	e->esz = bft_section_size(cfg);
	e->epoch = cfg->epoch;
	e->ep.tx_epoch = cfg->epoch;
	e->ep.rec.epoch = cfg->epoch;
	e->ep.rec.n = cfg->n;
	e->vc.timeout = cfg->vc_timeout_ms;
	e->vc.deadline = BFT_NO_DEADLINE;
	e->cl.batch_deadline = BFT_NO_DEADLINE;
	e->retx.at = BFT_NO_DEADLINE;
	e->ex.hb_at = BFT_NO_DEADLINE;
	e->ex.win_at = BFT_NO_DEADLINE;
	e->log.next_seq = 1;
	/* Ask around soon (keys come after create): an empty restarted
	 * replica then catches up even with the cluster idle.
	 */
	e->st.probe_left = BFT_PROBE_FRESH;
	e->st.probe_at = now_ms + cfg->xfer_retry_ms;
	e->st.probe_gap = cfg->xfer_retry_ms;
	e->tx = bft_zalloc(BFT_WIRE_MAX_DGRAM);
	e->io = bft_zalloc(BFT_WIRE_MAX_DGRAM);
	e->result = bft_zalloc(cfg->max_result);
	e->xfer.staging = bft_zalloc(e->esz);
	e->xs.tbl_io = bft_zalloc(e->cfg.xfer_chunk);
	if (!e->tx || !e->io || !e->result || !e->xfer.staging || !e->xs.tbl_io)
		goto fail;
	if (log_alloc(e) || bft_clients_alloc(e) || bft_ckpt_alloc(e) ||
	    bft_vc_alloc(e) || bft_vcf_alloc(e))
		goto fail;
	ret = bft_take_checkpoint(e, 0);
	if (ret)
		goto fail;
	memcpy(e->log.h_digest, bft_ckpt_find(e, 0)->digest, BFT_DIGEST_LEN);
	if (err)
		*err = 0;
	return e;
fail:
	engine_free(e);
out:
	if (err)
		*err = ret;
	return NULL;
}

void bft_engine_destroy(struct bft_engine *e)
{
	u32 i;

	if (!e)
		return;
	for (i = 0; i < e->ck.n_rec; i++)
		if (e->ck.rec[i].valid && e->ck.rec[i].mine)
			e->svc_ops->snapshot_release(e->svc, e->ck.rec[i].seq);
	if (e->xfer.active)
		e->svc_ops->install_done(e->svc, e->xfer.seq, false);
	if (e->st.seed.active)
		e->ops->seed_release(e->ctx);
	engine_free(e);
}

int bft_engine_set_config(struct bft_engine *e, const struct bft_config *cfg)
{
	const struct bft_config *o = &e->cfg;
	int ret = bft_config_check(cfg);

	if (ret)
		return ret;
	if (cfg->n != o->n || cfg->id != o->id ||
	    cfg->n_clients != o->n_clients ||
	    cfg->ckpt_interval != o->ckpt_interval ||
	    cfg->log_size != o->log_size || cfg->batch_max != o->batch_max ||
	    cfg->batch_bytes != o->batch_bytes || cfg->max_op != o->max_op ||
	    cfg->max_result != o->max_result || cfg->flags != o->flags ||
	    cfg->xfer_chunk != o->xfer_chunk || cfg->admin != o->admin ||
	    cfg->epoch != o->epoch || cfg->max_n != o->max_n)
		return -EINVAL;
	e->cfg = *cfg;
	if (e->vc.timeout < cfg->vc_timeout_ms)
		e->vc.timeout = cfg->vc_timeout_ms;
	if (e->vc.timeout > cfg->vc_timeout_max_ms)
		e->vc.timeout = cfg->vc_timeout_max_ms;
	bft_try_batch(e);
	return 0;
}

void bft_engine_get_config(const struct bft_engine *e, struct bft_config *cfg)
{
	*cfg = e->cfg;
}

void bft_engine_info(const struct bft_engine *e, struct bft_info *info)
{
	memset(info, 0, sizeof(*info));
	info->view = e->view;
	info->status = e->status;
	if (e->status == BFT_ST_NORMAL && !e->vc.view_known && bft_probing(e))
		info->status = BFT_ST_JOINING;
	info->primary = bft_primary(e, e->view);
	info->last_exec = e->log.last_exec;
	info->tent_seq = e->log.tent_seq;
	info->stable_seq = e->log.h;
	info->next_seq = e->log.next_seq;
	info->f = e->f;
	info->quorum = e->q;
	memcpy(info->stable_digest, e->log.h_digest, BFT_DIGEST_LEN);
	info->vc_timeout_ms = e->vc.timeout;
	info->epoch = e->epoch;
	info->epoch_base = bft_epoch_floor(e);
	info->reconf_at = e->ep.pend ? e->ep.pend_at : 0;
	info->left = e->ep.left;
}

const struct bft_counters *bft_engine_counters(const struct bft_engine *e)
{
	return &e->ctr;
}

const struct bft_wire_limits *bft_engine_limits(const struct bft_engine *e)
{
	return &e->lim;
}

/*
 * Per-peer counters only for datagrams whose MAC was checked (@authed):
 * the sender field of anything else is a claim, and charging it would
 * let an outsider make a correct replica look bad.
 */
static void count_drop(struct bft_engine *e, const u8 *buf, u32 len, int r,
		       bool authed)
{
	u32 sender;
	u8 kind = 0;

	if (r <= 0 || r > BFT_DROP_MAX)
		r = BFT_DROP_STATE;
	e->ctr.drop_reason[r]++;
	if (len >= BFT_HDR_LEN) {
		kind = bft_wget8(buf, bft_hdr, kind);
		if (kind > BFT_MSG_MAX)
			kind = 0;
		sender = bft_wget32(buf, bft_hdr, sender);
		if (authed && sender < e->n &&
		    bft_wget8(buf, bft_hdr, principal) == BFT_PRINCIPAL_REPLICA)
			e->ctr.peer[sender].dropped++;
	}
	e->ctr.dropped[kind]++;
}

/* The glue drops before authenticating (or after a failed MAC). */
void bft_engine_count_drop(struct bft_engine *e, const void *buf, u32 len,
			   int reason)
{
	count_drop(e, buf, len, reason, false);
}

static int mac_over(struct bft_engine *e, u8 principal, u32 id,
		    const u8 *buf, u32 len, u8 *tag)
{
	struct bft_iov iov = { .base = buf, .len = len };

	return e->ops->mac(e->ctx, principal, id, &iov, 1, tag);
}

/* The header names the key the MAC is about to use (key rotation). */
static void put_key_id(struct bft_engine *e, u8 principal, u32 id, u8 *buf)
{
	u8 key_id = e->ops->key_id ? e->ops->key_id(e->ctx, principal, id) : 0;

	bft_wput8(buf, bft_hdr, key_id, key_id);
}

void bft_send_replica(struct bft_engine *e, u32 j, u8 *buf, u32 len)
{
	if (j == e->id || !len)
		return;
	bft_wput64(buf, bft_hdr, epoch, e->ep.tx_epoch);
	put_key_id(e, BFT_PRINCIPAL_REPLICA, j, buf);
	if (mac_over(e, BFT_PRINCIPAL_REPLICA, j, buf, len - BFT_MAC_LEN,
		     buf + len - BFT_MAC_LEN))
		return;
	e->ctr.mac_computed++;
	e->ctr.sent[bft_wget8(buf, bft_hdr, kind)]++;
	e->ctr.peer[j].sent++;
	e->ops->send(e->ctx, BFT_PRINCIPAL_REPLICA, j, buf, len);
}

void bft_multicast(struct bft_engine *e, u8 *buf, u32 len)
{
	u32 j;

	for (j = 0; j < e->n; j++)
		bft_send_replica(e, j, buf, len);
}

void bft_send_client(struct bft_engine *e, u32 c, u8 *buf, u32 len)
{
	if (!len)
		return;
	bft_wput64(buf, bft_hdr, epoch, e->epoch);
	put_key_id(e, BFT_PRINCIPAL_CLIENT, c, buf);
	if (mac_over(e, BFT_PRINCIPAL_CLIENT, c, buf, len - BFT_MAC_LEN,
		     buf + len - BFT_MAC_LEN))
		return;
	e->ctr.mac_computed++;
	e->ctr.sent[bft_wget8(buf, bft_hdr, kind)]++;
	e->ops->send(e->ctx, BFT_PRINCIPAL_CLIENT, c, buf, len);
}

/* Our own authenticator entry of a request (in a batch or direct). */
bool bft_verify_auth(struct bft_engine *e, const struct bft_req_view *r)
{
	u8 tag[BFT_MAC_LEN];

	e->ctr.mac_verified++;
	if (mac_over(e, BFT_PRINCIPAL_CLIENT, r->client, r->raw,
		     r->signed_len, tag) ||
	    bft_memneq(tag, r->auth + (size_t)e->id * BFT_MAC_LEN,
		       BFT_MAC_LEN)) {
		e->ctr.mac_failed++;
		return false;
	}
	return true;
}

static int verify_trailer(struct bft_engine *e, u32 from, const u8 *buf,
			  u32 len)
{
	u8 tag[BFT_MAC_LEN];

	int err;

	e->ctr.mac_verified++;
	err = mac_over(e, BFT_PRINCIPAL_REPLICA, from, buf, len - BFT_MAC_LEN,
		       tag);
	if (err) {
		e->ctr.mac_failed++;
		return bft_mac_err_reason(err);
	}
	if (bft_memneq(tag, buf + len - BFT_MAC_LEN, BFT_MAC_LEN)) {
		e->ctr.mac_failed++;
		return BFT_DROP_MAC;
	}
	return 0;
}

void bft_emit(struct bft_engine *e, u32 type, u32 replica, u64 view, u64 seq,
	      const u8 *digest)
{
	struct bft_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.replica = replica;
	ev.view = view;
	ev.seq = seq;
	if (digest)
		memcpy(ev.digest, digest, BFT_DIGEST_LEN);
	if (e->ops->event)
		e->ops->event(e->ctx, &ev);
}

void bft_evidence(struct bft_engine *e, u32 replica, u32 kind, u64 view,
		  u64 seq, const u8 *digest)
{
	struct bft_event ev;

	e->ctr.evidence++;
	if (replica < e->n)
		e->ctr.peer[replica].evidence++;
	memset(&ev, 0, sizeof(ev));
	ev.type = BFT_EV_EVIDENCE;
	ev.replica = replica;
	ev.kind = kind;
	ev.view = view;
	ev.seq = seq;
	if (digest)
		memcpy(ev.digest, digest, BFT_DIGEST_LEN);
	if (e->ops->event)
		e->ops->event(e->ctx, &ev);
}

struct bft_slot *bft_slot_get(struct bft_engine *e, u64 seq)
{
	struct bft_slot *s = bft_slot_of(e, seq);

	if (s->seq != seq) {
		bft_slot_clear(e, s);
		s->seq = seq;
	}
	return s;
}

void bft_slot_clear(struct bft_engine *e, struct bft_slot *s)
{
	struct bft_vote *p = s->prep, *c = s->commit;
	u8 *b = s->batch;

	memset(p, 0, sizeof(*p) * e->max_n);
	memset(c, 0, sizeof(*c) * e->max_n);
	memset(s, 0, sizeof(*s));
	s->prep = p;
	s->commit = c;
	s->batch = b;
}

/* A request or an accepted slot we have not executed yet. */
bool bft_work_outstanding(const struct bft_engine *e)
{
	return bft_has_pending(e) || e->log.max_seq > e->log.last_exec;
}

/*
 * The view-change timer runs while we know of a request not yet executed;
 * it restarts on progress, so it measures time without progress.
 */
void bft_timer_update(struct bft_engine *e)
{
	bft_retx_arm(e);
	if (e->status == BFT_ST_VIEW_CHANGE)
		return;
	if (bft_work_outstanding(e) && !bft_joining(e)) {
		if (e->vc.deadline == BFT_NO_DEADLINE)
			e->vc.deadline = e->now + e->vc.timeout;
	} else {
		e->vc.deadline = BFT_NO_DEADLINE;
	}
	bft_expect_arm(e);
}

/* The only other thing a client may send: FETCH(STABLE). */
static int client_fetch(struct bft_engine *e, const struct bft_msg_hdr *h,
			const u8 *buf, u32 len, u32 flags)
{
	struct bft_fetch_view f;
	u8 tag[BFT_MAC_LEN];
	int r;

	r = bft_wire_parse_fetch(buf, len, &f);
	if (r)
		return r;
	if (h->sender >= e->cfg.n_clients)
		return BFT_DROP_SENDER;
	e->ctr.mac_verified++;
	if (!(flags & BFT_RX_VERIFIED)) {
		if (mac_over(e, BFT_PRINCIPAL_CLIENT, h->sender, buf,
			     len - BFT_MAC_LEN, tag)) {
			e->ctr.mac_failed++;
			return BFT_DROP_NO_KEY;
		}
		if (bft_memneq(tag, buf + len - BFT_MAC_LEN, BFT_MAC_LEN)) {
			e->ctr.mac_failed++;
			return BFT_DROP_MAC;
		}
	}
	bft_stable_query(e, h->sender, f.seq);
	return 0;
}

static int dispatch(struct bft_engine *e, const struct bft_msg_hdr *h,
		    const u8 *buf, u32 len, u32 flags, bool *authed)
{
	union {
		struct bft_req_view r;
		struct bft_pp_view pp;
		struct bft_agree_view a;
		struct bft_ckpt_view c;
		struct bft_fetch_view f;
		struct bft_data_view d;
		struct bft_vc_view vc;
		struct bft_nv_view nv;
		struct bft_vc_ack_view ack;
		u64 view;
	} u;
	int r;

	/* The glue checked the MAC before queueing (bft_wire_verify). */
	*authed = flags & BFT_RX_VERIFIED;
	if (h->kind == BFT_MSG_REQUEST) {
		r = bft_wire_parse_request(buf, len, &e->lim, &u.r);
		if (r)
			return r;
		/* Before the MAC: whom it is from decides, and it is cheap. */
		if ((u.r.flags & BFT_REQ_F_STAGED) &&
		    !bft_is_admin(e, u.r.client))
			return BFT_DROP_ADMIN;
		if (!(flags & BFT_RX_VERIFIED) && !bft_verify_auth(e, &u.r))
			return BFT_DROP_AUTH;
		if (flags & BFT_RX_VERIFIED)
			e->ctr.mac_verified++;
		return bft_on_request(e, &u.r);
	}
	if (h->principal == BFT_PRINCIPAL_CLIENT)
		return client_fetch(e, h, buf, len, flags);
	if (h->sender >= e->n || h->sender == e->id)
		return BFT_DROP_SENDER;
	switch (h->kind) {
	case BFT_MSG_PRE_PREPARE:
		r = bft_wire_parse_preprepare(buf, len, &e->lim, &u.pp);
		break;
	case BFT_MSG_PREPARE:
	case BFT_MSG_COMMIT:
		r = bft_wire_parse_agree(buf, len, &u.a);
		break;
	case BFT_MSG_CHECKPOINT:
		r = bft_wire_parse_checkpoint(buf, len, &u.c);
		break;
	case BFT_MSG_VIEW_CHANGE:
		r = bft_wire_parse_vc(buf, len, &e->lim, &u.vc);
		break;
	case BFT_MSG_NEW_VIEW:
		r = bft_wire_parse_nv(buf, len, &e->lim, &u.nv);
		break;
	case BFT_MSG_FETCH:
		r = bft_wire_parse_fetch(buf, len, &u.f);
		break;
	case BFT_MSG_DATA:
		r = bft_wire_parse_data(buf, len, &e->lim, &u.d);
		break;
	case BFT_MSG_VC_ACK:
		r = bft_wire_parse_vc_ack(buf, len, &u.ack);
		break;
	case BFT_MSG_SUSPECT:
		r = bft_wire_parse_suspect(buf, len, &u.view);
		break;
	default:
		/* REPLY is for clients only. */
		return BFT_DROP_KIND;
	}
	if (r)
		return r;
	/* Every kind parsed above but these starts with its view (wire.h). */
	if (h->kind != BFT_MSG_CHECKPOINT && h->kind != BFT_MSG_FETCH &&
	    h->kind != BFT_MSG_DATA && bft_get64(buf + BFT_HDR_LEN) > BFT_VIEW_MAX)
		return BFT_DROP_VIEW;
	r = bft_epoch_admit(e, h, buf, len);
	if (r)
		return r;
	if (flags & BFT_RX_VERIFIED) {
		e->ctr.mac_verified++;
	} else {
		r = verify_trailer(e, h->sender, buf, len);
		if (r)
			return r;
	}
	*authed = true;
	if (h->epoch > e->epoch) {
		e->ep.ahead |= 1ULL << h->sender;
		return BFT_DROP_EPOCH;
	}
	switch (h->kind) {
	case BFT_MSG_PRE_PREPARE:
		return bft_on_preprepare(e, h->sender, &u.pp);
	case BFT_MSG_PREPARE:
	case BFT_MSG_COMMIT:
		return bft_on_agree(e, h->kind, h->sender, &u.a);
	case BFT_MSG_CHECKPOINT:
		return bft_on_checkpoint(e, h->sender, &u.c);
	case BFT_MSG_VIEW_CHANGE:
		if (h->epoch != e->epoch) {
			bft_epoch_help(e, h->sender);
			return BFT_DROP_EPOCH;
		}
		return bft_on_vc(e, h->sender, buf, len);
	case BFT_MSG_NEW_VIEW:
		return bft_on_nv(e, h->sender, buf, len);
	case BFT_MSG_FETCH:
		if (h->epoch != e->epoch) {
			/* Answered in the asker's (previous) epoch. */
			bft_epoch_help(e, h->sender);
			e->ep.tx_epoch = h->epoch;
			r = bft_on_fetch(e, h->sender, &u.f);
			e->ep.tx_epoch = e->epoch;
			return r;
		}
		bft_peer_view(e, h->sender, u.f.view);
		return bft_on_fetch(e, h->sender, &u.f);
	case BFT_MSG_VC_ACK:
		return bft_on_vc_ack(e, h->sender, &u.ack);
	case BFT_MSG_SUSPECT:
		return bft_on_suspect(e, h->sender, u.view);
	default:
		return bft_on_data(e, h->sender, &u.d);
	}
}

static bool staged_query(const struct bft_msg_hdr *h, const u8 *buf, u32 len)
{
	return h->kind == BFT_MSG_REQUEST && len >= BFT_REQ_FIXED &&
	       (bft_wget8(buf, bft_request, flags) & BFT_REQ_F_STAGED);
}

int bft_engine_receive(struct bft_engine *e, const void *data, u32 len,
		       u32 flags)
{
	const u8 *buf = data;
	struct bft_msg_hdr h;
	bool authed = false;
	int r;

	r = bft_wire_screen(buf, len, &e->lim);
	if (!r)
		r = bft_wire_parse_hdr(buf, len, &h);
	/*
	 * Left: we answer nothing but the admin's STAGED query and the
	 * previous epoch's laggards (bft_epoch_left_helps).
	 */
	if (!r && e->ep.left && !staged_query(&h, buf, len) &&
	    !bft_epoch_left_helps(e, &h))
		r = BFT_DROP_EPOCH;
	if (!r)
		r = dispatch(e, &h, buf, len, flags, &authed);
	if (r) {
		count_drop(e, buf, len, r, authed);
		return r;
	}
	e->ctr.recv[h.kind]++;
	if (h.principal == BFT_PRINCIPAL_REPLICA && h.sender < e->n)
		e->ctr.peer[h.sender].recv++;
	return 0;
}

void bft_engine_tick(struct bft_engine *e, u64 now_ms)
{
	if (now_ms > e->now)
		e->now = now_ms;
	if (e->ep.left)
		return;
	if (e->vc.deadline != BFT_NO_DEADLINE && e->now >= e->vc.deadline) {
		e->vc.deadline = BFT_NO_DEADLINE;
		/*
		 * Fetching state that still comes in, we are behind by our
		 * own lag, not the primary's (and f+1 others' VIEW-CHANGEs
		 * still take us along). A transfer that stalled times out.
		 */
		if (e->status == BFT_ST_NORMAL && e->xfer.active &&
		    e->now - e->xfer.moved < e->vc.timeout)
			bft_timer_update(e);
		else
			bft_vc_timeout(e);
	}
	if (e->cl.batch_deadline != BFT_NO_DEADLINE &&
	    e->now >= e->cl.batch_deadline)
		bft_try_batch(e);
	bft_xfer_tick(e);
	bft_probe_tick(e);
	bft_retx_tick(e);
	bft_vcf_tick(e);
	bft_expect_tick(e);
}

static u64 min64(u64 a, u64 b)
{
	return a < b ? a : b;
}

u64 bft_engine_next_deadline(const struct bft_engine *e)
{
	u64 d = min64(e->vc.deadline, e->cl.batch_deadline);
	u32 L = e->cfg.log_size, i;

	if (e->ep.left)
		return BFT_NO_DEADLINE;
	if (e->xfer.active)
		d = min64(d, e->xfer.deadline);
	d = min64(d, e->st.probe_at);
	d = min64(d, e->retx.at);
	d = min64(d, e->vcf.at);
	d = min64(d, bft_expect_deadline(e));
	for (i = 0; i < L; i++)
		if (e->log.slots[i].seq && (e->log.slots[i].flags & SL_FETCH))
			d = min64(d, e->log.slots[i].fetch_at);
	return d;
}

void bft_engine_request_view_change(struct bft_engine *e)
{
	if (e->view < BFT_VIEW_MAX && !e->ep.left)
		bft_start_view_change(e, e->view + 1);
}
