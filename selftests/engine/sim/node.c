// SPDX-License-Identifier: GPL-2.0
/*
 * Replica glue: pairwise HMAC keys, the engine's ops callbacks (MAC,
 * send, execute on the key-value service, snapshots for checkpoints
 * and state transfer, events, ordered-log delivery), timers and
 * crash/restart.  Correct replicas feed every execution to the
 * checkers.
 */
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <stdlib.h>
#include <string.h>
#include <inttypes.h>
#include <openssl/sha.h>

#include "sim.h"

/* ---- HMAC-SHA256 with cached pads per (node, node) pair ---- */

struct hmac_pads {
	SHA256_CTX ictx, octx;
};

void sim_keys_init(struct sim *s)
{
	s->keys = kv_new(sizeof(struct hmac_pads));
}

static struct hmac_pads *pads_for(struct sim *s, int a, int b)
{
	int lo = a < b ? a : b, hi = a < b ? b : a, created, i;
	struct hmac_pads *p;
	uint8_t key[SIM_KEY_LEN], pad[64];

	p = kv_get(s->keys, (uint64_t)lo << 32 | (uint32_t)hi, 1, &created);
	if (!created)
		return p;
	sim_key_derive(s->cfg.seed, lo, hi, key);
	memset(pad, 0x36, sizeof(pad));
	for (i = 0; i < SIM_KEY_LEN; i++)
		pad[i] ^= key[i];
	SHA256_Init(&p->ictx);
	SHA256_Update(&p->ictx, pad, sizeof(pad));
	memset(pad, 0x5c, sizeof(pad));
	for (i = 0; i < SIM_KEY_LEN; i++)
		pad[i] ^= key[i];
	SHA256_Init(&p->octx);
	SHA256_Update(&p->octx, pad, sizeof(pad));
	return p;
}

int sim_mac(struct sim *s, int self, int peer, const struct bft_iov *iov,
	    uint32_t niov, uint8_t tag[BFT_MAC_LEN])
{
	struct hmac_pads *p;
	SHA256_CTX c;
	uint8_t inner[32];
	uint32_t i;

	/* Replica keys of a later host generation: id + SIM_GEN * gen. */
	if (peer < 0 || peer % SIM_GEN >= s->nnodes)
		return -ENOKEY;
	p = pads_for(s, self, peer);
	c = p->ictx;
	for (i = 0; i < niov; i++)
		SHA256_Update(&c, iov[i].base, iov[i].len);
	SHA256_Final(inner, &c);
	c = p->octx;
	SHA256_Update(&c, inner, sizeof(inner));
	SHA256_Final(tag, &c);
	return 0;
}

void sim_mac_trailer(struct sim *s, int self, int peer, uint8_t *buf,
		     uint32_t len)
{
	struct bft_iov iov = { .base = buf, .len = len - BFT_MAC_LEN };

	if (len >= BFT_HDR_LEN + BFT_MAC_LEN)
		sim_mac(s, self, peer, &iov, 1, buf + iov.len);
}

/* ---- trace helpers ---- */

int sim_mtype(const uint8_t *buf, size_t len)
{
	int mt;

	if (len < BFT_HDR_LEN ||
	    bft_wget32(buf, bft_hdr, magic) != BFT_WIRE_MAGIC)
		return 0;
	mt = bft_wget8(buf, bft_hdr, kind);
	return mt <= BFT_MSG_MAX ? mt : 0;
}

/* Trace detail: view/what and seq of ordering and transfer messages. */
void sim_msg_detail(const uint8_t *buf, size_t len, uint64_t *a,
		    uint64_t *b)
{
	int mt = sim_mtype(buf, len);

	if (len < BFT_HDR_LEN + 24)
		return;
	switch (mt) {
	case BFT_MSG_PRE_PREPARE:
		*a = bft_wget64(buf, bft_preprepare, view);
		*b = bft_wget64(buf, bft_preprepare, seq);
		break;
	case BFT_MSG_PREPARE:
	case BFT_MSG_COMMIT:
		*a = bft_wget64(buf, bft_agree, view);
		*b = bft_wget64(buf, bft_agree, seq);
		break;
	case BFT_MSG_CHECKPOINT:
		*b = bft_wget64(buf, bft_checkpoint, seq);
		break;
	case BFT_MSG_VIEW_CHANGE:
		*a = bft_wget64(buf, bft_view_change, new_view);
		*b = bft_wget64(buf, bft_view_change, stable_seq);
		break;
	case BFT_MSG_NEW_VIEW:
		*a = bft_wget64(buf, bft_new_view, view);
		*b = bft_wget64(buf, bft_new_view, ckpt_seq);
		break;
	case BFT_MSG_SUSPECT:
		*a = bft_wget64(buf, bft_suspect, view);
		break;
	case BFT_MSG_VC_ACK:
		*a = bft_wget64(buf, bft_vc_ack, view);
		*b = bft_wget32(buf, bft_vc_ack, replica);
		break;
	case BFT_MSG_FETCH:
		*a = bft_wget8(buf, bft_fetch, what);
		*b = bft_wget64(buf, bft_fetch, seq);
		break;
	case BFT_MSG_DATA:
		*a = bft_wget8(buf, bft_data, what);
		*b = bft_wget64(buf, bft_data, seq);
		break;
	case BFT_MSG_REQUEST:
		*b = bft_wget64(buf, bft_request, timestamp);
		break;
	case BFT_MSG_REPLY:
		*b = bft_wget64(buf, bft_reply, timestamp);
		break;
	}
}

/* Kind 0 marks junk the Byzantine replicas send. */
const char *sim_mtype_name(int mt)
{
	return mt ? bft_msg_name(mt) : "junk";
}

/* ---- engine callbacks ---- */

static int peer_node(struct sim_replica *r, u8 principal, u32 id)
{
	if (principal == BFT_PRINCIPAL_REPLICA)
		return id < (u32)r->sim->cfg.n ? (int)id : -1;
	return id < (u32)r->sim->ncli ? r->sim->cfg.n + (int)id : -1;
}

static int op_mac(void *ctx, u8 principal, u32 id, const struct bft_iov *iov,
		  u32 niov, u8 tag[BFT_MAC_LEN])
{
	struct sim_replica *r = ctx;
	int peer = peer_node(r, principal, id);

	/* Replica-replica keys change with a replaced id's new host. */
	if (principal == BFT_PRINCIPAL_REPLICA && peer >= 0)
		return sim_mac(r->sim, r->id + SIM_GEN * r->gen,
			       peer + SIM_GEN * r->peer_gen[peer], iov, niov,
			       tag);
	return sim_mac(r->sim, r->id, peer, iov, niov, tag);
}

static void op_reconfig(void *ctx, u64 epoch, u64 seq, u32 n, u64 replace,
			const u8 *config)
{
	struct sim_replica *r = ctx;

	(void)config;
	sim_reconf_switched(r, epoch, seq, n, replace);
}

/*
 * Pairs at different key ids, as live key rotation leaves them: nothing
 * the replicas compare across pairs may depend on the header's key_id.
 */
static u8 op_key_id(void *ctx, u8 principal, u32 id)
{
	struct sim_replica *r = ctx;

	return principal == BFT_PRINCIPAL_REPLICA ?
	       (u8)(r->id * BFT_MAX_REPLICAS + id + 1) : 0;
}

void sim_rep_transmit(struct sim_replica *r, int to, const uint8_t *buf,
		      uint32_t len)
{
	int mt = sim_mtype(buf, len);

	/*
	 * A correct replica never sends two digests for one (v, n) of one
	 * epoch (a new epoch orders the seqs above its base afresh).
	 */
	if (!r->byz && len >= BFT_AGREE_FIXED &&
	    (mt == BFT_MSG_PRE_PREPARE || mt == BFT_MSG_PREPARE ||
	     mt == BFT_MSG_COMMIT))
		check_vote(&r->sim->check, r->sim->sched.now, r->id, mt,
			   bft_wget64(buf, bft_agree, view) |
			   bft_wget64(buf, bft_hdr, epoch) << 8,
			   bft_wget64(buf, bft_agree, seq),
			   bft_wptr(buf, bft_agree, digest));
	net_send(&r->sim->net, r->node, to, buf, len);
}

static void op_send(void *ctx, u8 principal, u32 id, const void *buf,
		    u32 len)
{
	struct sim_replica *r = ctx;
	int to = peer_node(r, principal, id);

	if (to < 0)
		return;
	if (r->byz)
		byz_output(r, to, buf, len);
	else
		sim_rep_transmit(r, to, buf, len);
}

/* Check executions up to seq (all: UINT64_MAX); they are final. */
static void exec_flush(struct sim_replica *r, uint64_t seq)
{
	struct sim *s = r->sim;
	int i, k = 0;

	for (i = 0; i < r->npend; i++) {
		struct sim_exec *x = &r->pend[i];

		if (x->seq <= seq)
			check_exec(&s->check, s->sched.now, r->id, x->seq,
				   x->client, x->t, x->res);
		else
			r->pend[k++] = *x;
	}
	r->npend = k;
}

static void exec_note(struct sim_replica *r, uint32_t client, uint64_t t,
		      uint64_t res)
{
	struct sim_exec *x;

	if (r->npend == SIM_PEND)
		exec_flush(r, UINT64_MAX);
	x = &r->pend[r->npend++];
	x->seq = r->cur_seq;
	x->client = client;
	x->t = t;
	x->res = res;
}

static u32 op_execute(void *ctx, u32 client, u64 ts, const void *op,
		      u32 op_len, bool readonly, void *result, u32 cap)
{
	struct sim_replica *r = ctx;
	struct sim *s = r->sim;
	struct bft_info info;
	uint64_t res = 0, val;

	/* execution is in order: this is batch last_exec + 1 */
	bft_engine_info(r->e, &info);
	r->cur_seq = info.last_exec + 1;
	if (readonly) {
		/* stalero: answer from the state before the last write */
		val = svc_read(r->byz == BYZ_STALERO ? &r->stale : &r->svc,
			       op, op_len);
	} else {
		if (r->byz == BYZ_STALERO)
			r->stale = r->svc;
		res = svc_execute(&r->svc, client, ts, op, op_len, &val);
		if (!r->byz)
			exec_note(r, client, ts, res);
		trace_add(&s->trace, s->sched.now, TR_EXEC, r->node,
			  s->cfg.n + client, -1, 0, r->cur_seq, ts, NULL);
	}
	if (cap < SIM_RES_LEN)
		return 0;
	bft_put64(result, res);
	bft_put64((u8 *)result + 8, val);
	return SIM_RES_LEN;
}

static struct sim_snap *snap_find(struct sim_replica *r, uint64_t seq)
{
	int i;

	for (i = 0; i < SIM_SNAPS; i++)
		if (r->snap[i].used && r->snap[i].seq == seq)
			return &r->snap[i];
	return NULL;
}

static int op_checkpoint(void *ctx, u64 seq)
{
	struct sim_replica *r = ctx;
	struct sim *s = r->sim;
	struct sim_snap *sn = snap_find(r, seq);
	int i;

	for (i = 0; !sn && i < SIM_SNAPS; i++)
		if (!r->snap[i].used)
			sn = &r->snap[i];
	if (!sn)
		return -ENOSPC;
	sn->used = 1;
	sn->seq = seq;
	svc_snapshot(&r->svc, sn->data);
	if (!r->byz)
		check_state(&s->check, s->sched.now, r->id, seq, r->svc.state);
	trace_add(&s->trace, s->sched.now, TR_CKPT, r->node, -1, -1, 0, seq, 0,
		  NULL);
	return 0;
}

static u64 op_snapshot_max(void *ctx)
{
	(void)ctx;
	return SIM_SNAP_LEN;
}

static long op_snapshot_read(void *ctx, u64 seq, u64 off, void *buf, u32 cap)
{
	struct sim_snap *sn = snap_find(ctx, seq);
	uint64_t n;

	if (!sn)
		return -ENOENT;
	if (off >= SIM_SNAP_LEN)
		return 0;
	n = SIM_SNAP_LEN - off;
	if (n > cap)
		n = cap;
	memcpy(buf, sn->data + off, n);
	return (long)n;
}

static void op_snapshot_release(void *ctx, u64 seq)
{
	struct sim_snap *sn = snap_find(ctx, seq);

	if (sn)
		sn->used = 0;
}

static int op_install(void *ctx, u64 seq, u64 off, const void *buf, u32 len)
{
	struct sim_replica *r = ctx;

	(void)seq;
	if (!off)
		r->staged = 0;
	if (off != r->staged || off + len > SIM_SNAP_LEN)
		return -EINVAL;
	memcpy(r->staging + off, buf, len);
	r->staged += len;
	return 0;
}

static void op_install_done(void *ctx, u64 seq, bool ok)
{
	struct sim_replica *r = ctx;
	struct sim *s = r->sim;

	if (ok && r->staged == SIM_SNAP_LEN &&
	    !svc_install(&r->svc, r->staging, SIM_SNAP_LEN)) {
		/* Tentative executions the installed state undoes. */
		r->npend = 0;
		check_reset(&s->check, r->id, seq);
		if (!r->byz)
			check_state(&s->check, s->sched.now, r->id, seq,
				    r->svc.state);
		s->st.xfers++;
	}
	r->staged = 0;
	trace_add(&s->trace, s->sched.now, TR_NOTE, r->node, -1, -1, 0, seq, ok,
		  "state installed");
}

static void op_event(void *ctx, const struct bft_event *ev)
{
	struct sim_replica *r = ctx;
	struct sim *s = r->sim;

	switch (ev->type) {
	case BFT_EV_VIEW_CHANGE:
		s->st.view_changes++;
		break;
	case BFT_EV_NEW_VIEW:
		s->st.new_views++;
		break;
	case BFT_EV_STABLE:
		s->st.stable_ckpts++;
		break;
	case BFT_EV_EVIDENCE:
		s->st.evidence++;
		break;
	case BFT_EV_XFER_START:
	case BFT_EV_XFER_DONE:
	case BFT_EV_VIEW_JUMP:
		break;
	default:
		return;
	}
	trace_add(&s->trace, s->sched.now, TR_VIEW, r->node, -1, -1, 0,
		  ev->view, ev->seq, bft_event_name(ev->type));
}

static void op_committed(void *ctx, u64 seq, u64 view, const void *batch,
			 u32 len, u32 count)
{
	struct sim_replica *r = ctx;
	struct sim *s = r->sim;
	struct bft_config c;
	struct bft_wire_limits lim;
	uint8_t d[BFT_DIGEST_LEN];

	(void)view;
	if (r->byz)
		return;
	exec_flush(r, seq);
	bft_engine_get_config(r->e, &c);
	lim.n = c.n;
	lim.n_clients = c.n_clients;
	lim.max_op = c.max_op;
	lim.max_result = c.max_result;
	lim.batch_max = c.batch_max;
	lim.batch_bytes = c.batch_bytes;
	lim.log_size = c.log_size;
	if (bft_batch_digest(batch, len, count, &lim, d)) {
		check_fail(&s->check, s->sched.now,
			   "SAFETY: r%d committed a malformed batch at seq %"
			   PRIu64, r->id, seq);
		return;
	}
	check_batch(&s->check, s->sched.now, r->id, seq, d);
	sim_reconf_committed(r, seq);
}

static const struct bft_ops sim_ops = {
	.mac = op_mac,
	.key_id = op_key_id,
	.send = op_send,
	.event = op_event,
	.committed = op_committed,
	.reconfig = op_reconfig,
};

/*
 * The simulator's own service (sim svc_*): it feeds executions and
 * states to the checkers and lets a stale-read replica lie.
 */
static const struct bft_service_ops sim_service = {
	.execute = op_execute,
	.checkpoint = op_checkpoint,
	.snapshot_read = op_snapshot_read,
	.snapshot_release = op_snapshot_release,
	.snapshot_max = op_snapshot_max,
	.install = op_install,
	.install_done = op_install_done,
};

/* ---- lifecycle and driving ---- */

void sim_engine_config(struct sim *s, struct bft_config *c, int id)
{
	memset(c, 0, sizeof(*c));
	c->epoch = sim_reconf_start_epoch(s, id);
	c->n = (u32)sim_reconf_n(s, c->epoch);
	c->max_n = s->cfg.n;
	c->id = id;
	c->n_clients = s->ncli;
	c->ckpt_interval = s->cfg.ckpt;
	c->log_size = 2 * s->cfg.ckpt;
	c->batch_max = s->cfg.batch;
	c->max_op = 256;
	c->max_result = 64;
	c->batch_bytes = s->cfg.batch * (BFT_REQ_FIXED + 256 +
					 s->cfg.n * BFT_MAC_LEN);
	c->batch_delay_ms = s->cfg.batch_delay_ms;
	c->window = s->cfg.window;
	c->vc_timeout_ms = s->cfg.vc_ms;
	c->vc_timeout_max_ms = s->cfg.vc_max_ms;
	c->vc_backoff = 2;
	c->xfer_retry_ms = 50;
	c->xfer_chunk = 64;
	c->no_tentative = s->cfg.no_tentative;
	c->expect_hb_ms = s->cfg.expect_hb_ms;
	c->admin = s->admin >= 0 ? (u32)s->admin + 1 : 0;
	if (s->cfg.broken_quorum)
		c->flags |= BFT_CFG_F_QUORUM_SHORT;
	bft_config_defaults(c);
}

int sim_rep_start(struct sim *s, int i)
{
	return sim_rep_start_as(s, &s->rep[i], i, i);
}

/* The replica instance at a network node (a twin has its own node). */
struct sim_replica *sim_rep_of_node(struct sim *s, int node)
{
	if (s->twin_node && node == s->twin_node)
		return &s->twin;
	return node >= 0 && node < s->cfg.n ? &s->rep[node] : NULL;
}

int sim_rep_start_as(struct sim *s, struct sim_replica *r, int i, int node)
{
	struct bft_config c;
	int err = 0, k;

	memset(r->snap, 0, sizeof(r->snap));
	r->sim = s;
	r->id = i;
	r->node = node;
	r->staged = 0;
	r->cur_seq = 0;
	r->npend = 0;
	svc_init(&r->svc);
	r->stale = r->svc;
	for (k = 0; k < s->cfg.n; k++)
		r->peer_gen[k] = sim_reconf_gen(s, k);
	sim_engine_config(s, &c, i);
	r->start_epoch = c.epoch;
	r->e = bft_engine_create(&c, &sim_ops, r, &sim_service, r,
				 SIM_NOW_MS(s), &err);
	if (!r->e)
		return err ? err : -ENOMEM;
	r->up = 1;
	r->timer_at = SIM_NEVER;
	sim_rep_resched(r);
	return 0;
}

void sim_rep_stop(struct sim_replica *r)
{
	int i;

	if (r->e)
		bft_engine_destroy(r->e);
	r->e = NULL;
	r->up = 0;
	r->timer_gen++;
	r->timer_at = SIM_NEVER;
	for (i = 0; i < r->capn; i++)
		free(r->cap[i].buf);
	r->capn = 0;
	r->capi = 0;
}

void sim_rep_resched(struct sim_replica *r)
{
	struct sim *s = r->sim;
	struct sim_event ev = { .kind = SEV_TIMER, .from = -1, .to = r->node };
	u64 d;

	if (!r->up)
		return;
	d = bft_engine_next_deadline(r->e);
	if (d == BFT_NO_DEADLINE) {
		r->timer_at = SIM_NEVER;
		r->timer_gen++;
		return;
	}
	ev.at = d * SIM_MS;
	if (ev.at < s->sched.now)
		ev.at = s->sched.now;
	if (ev.at == r->timer_at)
		return;
	r->timer_at = ev.at;
	ev.arg = ++r->timer_gen;
	sched_push(&s->sched, &ev);
}

void sim_rep_timer(struct sim_replica *r, uint64_t gen)
{
	struct sim *s = r->sim;

	if (!r->up || gen != r->timer_gen)
		return;
	r->timer_at = SIM_NEVER;
	trace_add(&s->trace, s->sched.now, TR_TIMER, r->node, -1, -1, 0, 0, 0,
		  NULL);
	bft_engine_tick(r->e, SIM_NOW_MS(s));
	sim_rep_resched(r);
}

void sim_rep_deliver(struct sim_replica *r, int from, const uint8_t *buf,
		     uint32_t len)
{
	struct sim *s = r->sim;
	int ret;

	if (!r->up) {
		trace_add(&s->trace, s->sched.now, TR_DROP, from, r->node,
			  sim_mtype(buf, len), len, 0, 0, "down");
		return;
	}
	if (r->byz && byz_input(r, from, buf, len)) {
		trace_add(&s->trace, s->sched.now, TR_DROP, from, r->node,
			  sim_mtype(buf, len), len, 0, 0, "selective");
		return;
	}
	bft_engine_tick(r->e, SIM_NOW_MS(s));
	ret = bft_engine_receive(r->e, buf, len, 0);
	trace_add(&s->trace, s->sched.now, TR_DELIVER, from, r->node,
		  sim_mtype(buf, len), len, ret, 0, NULL);
	sim_rep_resched(r);
}
