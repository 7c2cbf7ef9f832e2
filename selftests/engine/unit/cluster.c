// SPDX-License-Identifier: GPL-2.0
/* In-process test cluster used by the unit tests. */
#include <stdio.h>
#include <openssl/hmac.h>
#include <openssl/evp.h>
#include "cluster.h"

struct tc_msg {
	struct tc_msg *next;
	u8 to_principal;
	u32 to;
	u32 from;		/* replica id or client id + TC_MAX_N */
	u32 len;
	u8 data[];
};

static struct tc_msg *qhead, *qtail;
static struct tc_msg *hhead, *htail;	/* parked by tc->hold */

/* Replica-replica keys also depend on both hosts' generations (replace). */
static void key_gen(u8 p1, u32 a, u8 ga, u8 p2, u32 b, u8 gb, u8 key[32])
{
	u8 in[16];

	/* Symmetric pairwise key, derived deterministically for tests. */
	if (p1 == p2 && a > b) {
		u32 t = a;
		u8 tg = ga;

		a = b;
		b = t;
		ga = gb;
		gb = tg;
	}
	if (p1 > p2) {
		u8 tp = p1;
		u32 t = a;

		p1 = p2;
		p2 = tp;
		a = b;
		b = t;
	}
	memset(in, 0, sizeof(in));
	in[0] = p1;
	in[1] = p2;
	if (p1 == p2) {
		in[2] = ga;
		in[3] = gb;
	}
	memcpy(in + 4, &a, 4);
	memcpy(in + 8, &b, 4);
	SHA256(in, sizeof(in), key);
}

static void key_for(u8 p1, u32 a, u8 p2, u32 b, u8 key[32])
{
	key_gen(p1, a, 0, p2, b, 0, key);
}

static void hmac_iov(const u8 key[32], const struct bft_iov *iov, u32 niov,
		     u8 tag[32])
{
	u8 buf[BFT_WIRE_MAX_DGRAM];
	unsigned int tl = 32;
	u32 off = 0, i;

	for (i = 0; i < niov; i++) {
		memcpy(buf + off, iov[i].base, iov[i].len);
		off += iov[i].len;
	}
	HMAC(EVP_sha256(), key, 32, buf, off, tag, &tl);
}

static int op_mac(void *ctx, u8 principal, u32 id, const struct bft_iov *iov,
		  u32 niov, u8 tag[BFT_MAC_LEN])
{
	struct tc_replica *r = ctx;
	u8 key[32];

	if (principal == BFT_PRINCIPAL_REPLICA && id < TC_MAX_N)
		key_gen(principal, r->id, r->gen, principal, id, r->peer_gen[id],
			key);
	else
		key_for(BFT_PRINCIPAL_REPLICA, r->id, principal, id, key);
	hmac_iov(key, iov, niov, tag);
	return 0;
}

/* The host's staging, as the STAGED query reports it. */
static bool op_staged(void *ctx, u64 *epoch, u8 *config)
{
	struct tc_replica *r = ctx;

	if (!r->staged_epoch)
		return false;
	*epoch = r->staged_epoch;
	memcpy(config, r->staged_config, BFT_DIGEST_LEN);
	return true;
}

/* The host side of a switch: replaced peers have new hosts and keys. */
static void op_reconfig(void *ctx, u64 epoch, u64 seq, u32 n, u64 replace,
			const u8 *config)
{
	struct tc_replica *r = ctx;
	u32 j;

	(void)config;
	r->staged_epoch = 0;	/* installed (or not): staging is spent */
	r->switched_epoch = epoch;
	r->switched_at = seq;
	r->switched_n = n;
	for (j = 0; j < TC_MAX_N; j++)
		if (replace & (1ULL << j) && j != r->id)
			r->peer_gen[j]++;
}

static u8 op_key_id(void *ctx, u8 principal, u32 id)
{
	struct tc_replica *r = ctx;
	u8 k = r->tc->key_id_of[r->id];

	/* Per pair, as rotations leave them: nonzero ids differ by peer. */
	return k && principal == BFT_PRINCIPAL_REPLICA ? (u8)(k + id) : k;
}

static void enqueue(u8 to_principal, u32 to, u32 from, const void *buf,
		    u32 len)
{
	struct tc_msg *m = malloc(sizeof(*m) + len);

	m->next = NULL;
	m->to_principal = to_principal;
	m->to = to;
	m->from = from;
	m->len = len;
	memcpy(m->data, buf, len);
	if (qtail)
		qtail->next = m;
	else
		qhead = m;
	qtail = m;
}

/* Unlink m (the tap may have queued more after it). */
static void drop_msg(struct tc_msg *m)
{
	struct tc_msg **pp = &qhead;

	while (*pp != m)
		pp = &(*pp)->next;
	*pp = m->next;
	qtail = NULL;
	for (pp = &qhead; *pp; pp = &(*pp)->next)
		qtail = *pp;
	free(m);
}

static void op_send(void *ctx, u8 principal, u32 id, const void *buf, u32 len)
{
	struct tc_replica *r = ctx;
	struct tc_msg *m;

	if (r->tc->down[r->id] || r->tc->mute[r->id])
		return;
	enqueue(principal, id, r->id, buf, len);
	m = qtail;
	if (r->tc->tap && principal == BFT_PRINCIPAL_REPLICA &&
	    !r->tc->tap(r->tc, r->id, id, m->data, len)) {
		drop_msg(m);
		return;
	}
	if (r->tc->corrupt_mac_from[r->id])
		m->data[len - 1] ^= 1;
	if (r->tc->vc_split_from[r->id] && (id & 1) &&
	    principal == BFT_PRINCIPAL_REPLICA && len > BFT_VC_FIXED + sizeof(struct bft_vc_ckpt) + BFT_MAC_LEN &&
	    bft_wget8(m->data, bft_hdr, kind) == BFT_MSG_VIEW_CHANGE) {
		struct bft_iov iov = { m->data, len - BFT_MAC_LEN };

		m->data[BFT_VC_FIXED + offsetof(struct bft_vc_ckpt, digest)] ^= 1;	/* first claim's digest */
		op_mac(ctx, principal, id, &iov, 1,
		       m->data + len - BFT_MAC_LEN);
	}
}

static u32 op_execute(void *ctx, u32 client, u64 ts, const void *op,
		      u32 op_len, bool readonly, void *result, u32 cap)
{
	struct tc_replica *r = ctx;

	(void)client;
	(void)ts;
	(void)op;
	if (!readonly)
		r->counter += op_len;
	if (cap < 8)
		return 0;
	memcpy(result, &r->counter, 8);
	return 8;
}

static int op_checkpoint(void *ctx, u64 seq)
{
	struct tc_replica *r = ctx;
	u32 i;

	for (i = 0; i < TC_MAX_SNAP; i++) {
		if (!r->snap_used[i] || r->snap_seq[i] == seq) {
			r->snap_used[i] = true;
			r->snap_seq[i] = seq;
			r->snap_val[i] = r->counter;
			return 0;
		}
	}
	return -ENOSPC;
}

static long op_snapshot_read(void *ctx, u64 seq, u64 off, void *buf, u32 cap)
{
	struct tc_replica *r = ctx;
	u32 i;

	for (i = 0; i < TC_MAX_SNAP; i++) {
		if (r->snap_used[i] && r->snap_seq[i] == seq) {
			if (off >= 8)
				return 0;
			if (cap > 8 - off)
				cap = (u32)(8 - off);
			memcpy(buf, (u8 *)&r->snap_val[i] + off, cap);
			return cap;
		}
	}
	return -ENOENT;
}

static u64 op_snapshot_max(void *ctx)
{
	(void)ctx;
	return 8;
}

static void op_snapshot_release(void *ctx, u64 seq)
{
	struct tc_replica *r = ctx;
	u32 i;

	for (i = 0; i < TC_MAX_SNAP; i++)
		if (r->snap_used[i] && r->snap_seq[i] == seq)
			r->snap_used[i] = false;
}

static int op_install(void *ctx, u64 seq, u64 off, const void *buf, u32 len)
{
	struct tc_replica *r = ctx;

	(void)seq;
	if (off + len > 8)
		return -EINVAL;
	memcpy(r->inst + off, buf, len);
	r->inst_len = off + len;
	return 0;
}

static void op_install_done(void *ctx, u64 seq, bool ok)
{
	struct tc_replica *r = ctx;

	if (ok && r->inst_len == 8) {
		memcpy(&r->counter, r->inst, 8);
		r->last_seq = seq;
		if (seq < 4096)
			r->exec_log[seq] = r->counter;
	}
	r->inst_len = 0;
}

static void op_event(void *ctx, const struct bft_event *ev)
{
	struct tc_replica *r = ctx;

	if (ev->type < 16)
		r->events[ev->type]++;
}

static void op_committed(void *ctx, u64 seq, u64 view, const void *batch,
			 u32 len, u32 count)
{
	struct tc_replica *r = ctx;

	(void)view;
	(void)batch;
	(void)len;
	(void)count;
	r->executed_seqs++;
	r->last_seq = seq;
	if (seq < 4096)
		r->exec_log[seq] = r->counter;
}

static long op_seed_read(void *ctx, u64 off, void *buf, u32 cap)
{
	struct tc_replica *r = ctx;

	if (off > r->seed_len)
		return -ENOENT;
	if (cap > r->seed_len - off)
		cap = (u32)(r->seed_len - off);
	memcpy(buf, r->seed + off, cap);
	return cap;
}

static void op_seed_release(void *ctx)
{
	struct tc_replica *r = ctx;

	r->seed_len = 0;
	r->seed_releases++;
}

static bool op_client_fresh(void *ctx, u32 client)
{
	struct tc_replica *r = ctx;

	if (r->refuse_fresh)
		return false;
	if (client < TC_MAX_C)
		r->fresh[client]++;
	return true;
}

static const struct bft_ops tc_ops = {
	.client_fresh = op_client_fresh,
	.seed_read = op_seed_read,
	.seed_release = op_seed_release,
	.mac = op_mac,
	.key_id = op_key_id,
	.send = op_send,
	.event = op_event,
	.committed = op_committed,
	.reconfig = op_reconfig,
	.staged = op_staged,
};

/* A counter service: each write adds its op length. */
static const struct bft_service_ops tc_service = {
	.execute = op_execute,
	.checkpoint = op_checkpoint,
	.snapshot_read = op_snapshot_read,
	.snapshot_release = op_snapshot_release,
	.snapshot_max = op_snapshot_max,
	.install = op_install,
	.install_done = op_install_done,
};

int tc_init(struct tc *tc, u32 n, u32 nc, const struct bft_config *over)
{
	u32 i;
	int err;

	memset(tc, 0, sizeof(*tc));
	tc->n = n;
	tc->nc = nc;
	tc->now = 1000;
	if (over)
		tc->cfg = *over;
	tc->cfg.n = n;
	tc->cfg.n_clients = nc;
	bft_config_defaults(&tc->cfg);
	for (i = 0; i < n; i++) {
		struct bft_config c = tc->cfg;

		c.id = i;
		tc->r[i].tc = tc;
		tc->r[i].id = i;
		tc->r[i].e = bft_engine_create(&c, &tc_ops, &tc->r[i],
					       &tc_service, &tc->r[i],
					       tc->now, &err);
		if (!tc->r[i].e)
			return err;
	}
	return 0;
}

/* Replica i gets a new host: new keys, empty, in @epoch. */
int tc_replace(struct tc *tc, u32 i, u64 epoch)
{
	struct tc_replica *r = &tc->r[i];
	u32 j;

	r->gen++;
	r->tx_epoch = epoch;
	for (j = 0; j < tc->n; j++)
		r->peer_gen[j] = tc->r[j].gen;
	r->peer_gen[i] = r->gen;
	tc->cfg.epoch = epoch;
	return tc_restart(tc, i);
}

/* Hosts for ids [n, n2) start empty in @epoch, with n2 replicas. */
int tc_grow(struct tc *tc, u32 n2, u64 epoch)
{
	u32 i, j, n = tc->n;
	int err;

	tc->cfg.n = n2;
	tc->cfg.epoch = epoch;
	tc->n = n2;
	for (i = n; i < n2; i++) {
		tc->r[i].tc = tc;
		tc->r[i].id = i;
		tc->r[i].tx_epoch = epoch;
		for (j = 0; j < n2; j++)
			tc->r[i].peer_gen[j] = tc->r[j].gen;
		err = tc_restart(tc, i);
		if (err)
			return err;
	}
	return 0;
}

int tc_restart(struct tc *tc, u32 i)
{
	struct tc_replica *r = &tc->r[i];
	struct bft_config c = tc->cfg;
	int err;

	bft_engine_destroy(r->e);
	r->counter = 0;
	memset(r->snap_used, 0, sizeof(r->snap_used));
	r->inst_len = 0;
	c.id = i;
	r->e = bft_engine_create(&c, &tc_ops, r, &tc_service, r, tc->now,
				 &err);
	return r->e ? 0 : err;
}

void tc_free(struct tc *tc)
{
	struct tc_msg *m;
	u32 i;

	for (i = 0; i < tc->n; i++)
		bft_engine_destroy(tc->r[i].e);
	while ((m = qhead)) {
		qhead = m->next;
		free(m);
	}
	qtail = NULL;
	while ((m = hhead)) {
		hhead = m->next;
		free(m);
	}
	htail = NULL;
}

u32 tc_primary(struct tc *tc)
{
	struct bft_info info;
	u32 i;

	for (i = 0; i < tc->n; i++) {
		if (tc->down[i])
			continue;
		bft_engine_info(tc->r[i].e, &info);
		return info.primary;
	}
	return 0;
}

/* Encode client c's next request; authenticator entries outside @valid are garbage. */
static void enc_op(struct tc *tc, u32 c, u8 flags, const void *op, u32 len,
		   u64 valid)
{
	struct tc_client *cl = &tc->c[c];
	u32 i, na = tc->n_auth ? tc->n_auth : tc->n;
	struct bft_iov iov;

	cl->ts++;
	cl->readonly = flags & BFT_REQ_F_READONLY;
	memset(cl->got, 0, sizeof(cl->got));
	memset(cl->n_staged, 0, sizeof(cl->n_staged));
	cl->req_len = bft_enc_request(cl->req, sizeof(cl->req), c, cl->ts, op,
				      len, flags, (u8)na);
	iov.base = cl->req;
	iov.len = cl->req_len - na * BFT_MAC_LEN;
	for (i = 0; i < na; i++) {
		u8 key[32];

		key_for(BFT_PRINCIPAL_CLIENT, c, BFT_PRINCIPAL_REPLICA, i, key);
		hmac_iov(key, &iov, 1, cl->req + iov.len + i * BFT_MAC_LEN);
		if (!(valid & (1ULL << i)))
			cl->req[iov.len + i * BFT_MAC_LEN] ^= 0x5a;
	}
	cl->sent_at = tc->now;
}

static void enc_request(struct tc *tc, u32 c, bool readonly, u64 valid)
{
	static const u8 op[3] = { 1, 2, 3 };

	enc_op(tc, c, readonly ? BFT_REQ_F_READONLY : 0, op, 1 + c % 3, valid);
}

void tc_submit_op(struct tc *tc, u32 c, u8 flags, const void *op, u32 len)
{
	u32 i;

	enc_op(tc, c, flags, op, len, ~0ULL);
	tc->c[c].busy = true;
	for (i = 0; i < tc->n; i++)
		enqueue(BFT_PRINCIPAL_REPLICA, i, TC_MAX_N + c, tc->c[c].req,
			tc->c[c].req_len);
}

void tc_submit_forged(struct tc *tc, u32 c, u64 valid)
{
	u32 i;

	enc_request(tc, c, false, valid);
	tc->c[c].busy = false;	/* never retransmitted */
	for (i = 0; i < tc->n; i++)
		enqueue(BFT_PRINCIPAL_REPLICA, i, TC_MAX_N + c, tc->c[c].req,
			tc->c[c].req_len);
}

void tc_submit(struct tc *tc, u32 c, bool readonly, bool to_all)
{
	struct tc_client *cl = &tc->c[c];
	u32 i;

	enc_request(tc, c, readonly, ~0ULL);
	cl->busy = true;
	if (to_all || readonly) {
		for (i = 0; i < tc->n; i++)
			enqueue(BFT_PRINCIPAL_REPLICA, i, TC_MAX_N + c, cl->req,
				cl->req_len);
	} else {
		enqueue(BFT_PRINCIPAL_REPLICA, tc_primary(tc), TC_MAX_N + c,
			cl->req, cl->req_len);
	}
}

static void client_rx(struct tc *tc, u32 c, const u8 *buf, u32 len)
{
	struct bft_wire_limits lim = { .n = tc->n, .max_result = 1024 };
	struct tc_client *cl = &tc->c[c];
	struct bft_reply_view rv;
	struct bft_iov iov = { buf, len - BFT_MAC_LEN };
	u8 key[32], tag[32];
	u32 i, k = 0, t = 0, need;
	u64 val;

	if (bft_wire_parse_reply(buf, len, &lim, &rv) || rv.client != c)
		return;
	key_for(BFT_PRINCIPAL_CLIENT, c, BFT_PRINCIPAL_REPLICA, rv.replica,
		key);
	hmac_iov(key, &iov, 1, tag);
	if (memcmp(tag, buf + len - BFT_MAC_LEN, 32))
		return;
	if (rv.result_len == BFT_STAGED_RES_LEN && rv.ts == cl->ts) {
		/* STAGED: each replica's own answer, kept, not voted on. */
		memcpy(cl->staged[rv.replica], rv.result, BFT_STAGED_RES_LEN);
		cl->n_staged[rv.replica]++;
		return;
	}
	if (!cl->busy || rv.ts != cl->ts ||
	    (rv.result_len != 8 && rv.result_len != BFT_RECONF_RES_LEN))
		return;
	memcpy(&val, rv.result, 8);	/* RECONFIG: status, n */
	cl->results[rv.replica] = val;
	cl->got[rv.replica] = true;
	cl->tent[rv.replica] = rv.flags & BFT_REPLY_F_TENTATIVE;
	cl->view[rv.replica] = rv.view;
	/* As client.c: f+1 committed, or Q with tentative ones of a view. */
	need = cl->readonly ? bft_quorum(tc->n) : bft_f(tc->n) + 1;
	for (i = 0; i < tc->n; i++)
		k += cl->got[i] && !cl->tent[i] && cl->results[i] == val;
	for (i = 0; i < tc->n && !cl->readonly; i++)
		t = cl->got[i] && (!cl->tent[i] ||
				   (rv.flags & BFT_REPLY_F_TENTATIVE &&
				    cl->view[i] == rv.view)) &&
		    cl->results[i] == val ? t + 1 : t;
	if (k >= need || t >= bft_quorum(tc->n)) {
		cl->busy = false;
		cl->accepted++;
		cl->last_result = val;
	}
}

u32 tc_run(struct tc *tc)
{
	struct tc_msg *m;
	u32 k = 0;

	while ((m = qhead)) {
		qhead = m->next;
		if (!qhead)
			qtail = NULL;
		k++;
		if (tc->drop_pct) {
			tc->rng = tc->rng * 6364136223846793005ULL +
				  1442695040888963407ULL;
			if ((tc->rng >> 33) % 100 < tc->drop_pct) {
				free(m);
				continue;
			}
		}
		if (m->from < TC_MAX_N && m->to_principal ==
		    BFT_PRINCIPAL_REPLICA && m->to < TC_MAX_N) {
			if (tc->cut[m->from][m->to]) {
				free(m);
				continue;
			}
			if (tc->hold[m->from][m->to]) {
				m->next = NULL;
				if (htail)
					htail->next = m;
				else
					hhead = m;
				htail = m;
				continue;
			}
		}
		if (m->to_principal == BFT_PRINCIPAL_CLIENT) {
			if (m->from >= TC_MAX_N || !tc->down[m->from])
				client_rx(tc, m->to, m->data, m->len);
		} else if (m->to < tc->n && !tc->down[m->to] &&
			   (m->from >= TC_MAX_N || !tc->down[m->from])) {
			bft_engine_receive(tc->r[m->to].e, m->data, m->len, 0);
		}
		free(m);
	}
	tc->delivered += k;
	return k;
}

void tc_advance(struct tc *tc, u64 ms, u64 step)
{
	u64 end = tc->now + ms;
	u32 i;

	while (tc->now < end) {
		tc->now += step;
		for (i = 0; i < tc->n; i++)
			if (!tc->down[i])
				bft_engine_tick(tc->r[i].e, tc->now);
		for (i = 0; i < tc->nc; i++) {
			struct tc_client *cl = &tc->c[i];
			u32 j;

			if (!cl->busy || tc->now - cl->sent_at < 500)
				continue;
			/* Retransmit to all replicas. */
			cl->sent_at = tc->now;
			for (j = 0; j < tc->n; j++)
				enqueue(BFT_PRINCIPAL_REPLICA, j,
					TC_MAX_N + i, cl->req, cl->req_len);
		}
		tc_run(tc);
	}
}

void tc_inject(struct tc *tc, u32 from, u32 to, u8 *buf, u32 len)
{
	struct bft_iov iov = { buf, len - BFT_MAC_LEN };
	u8 key[32];

	key_gen(BFT_PRINCIPAL_REPLICA, from, tc->r[from].gen,
		BFT_PRINCIPAL_REPLICA, to, tc->r[from].peer_gen[to], key);
	bft_wput64(buf, bft_hdr, epoch, tc->r[from].tx_epoch);
	hmac_iov(key, &iov, 1, buf + len - BFT_MAC_LEN);
	enqueue(BFT_PRINCIPAL_REPLICA, to, from, buf, len);
}

void tc_inject_all(struct tc *tc, u32 from, u8 *buf, u32 len)
{
	u32 j;

	for (j = 0; j < tc->n; j++)
		if (j != from)
			tc_inject(tc, from, j, buf, len);
}

void tc_release(struct tc *tc, u32 from, u32 to)
{
	struct tc_msg **pp = &hhead, *m;

	tc->hold[from][to] = false;
	htail = NULL;
	while ((m = *pp)) {
		if (m->from == from && m->to == to) {
			*pp = m->next;
			enqueue(m->to_principal, m->to, m->from, m->data,
				m->len);
			free(m);
			continue;
		}
		htail = m;
		pp = &m->next;
	}
}

void tc_isolate(struct tc *tc, u32 i, bool cut)
{
	u32 j;

	for (j = 0; j < tc->n; j++) {
		if (j == i)
			continue;
		tc->cut[i][j] = cut;
		tc->cut[j][i] = cut;
	}
}
