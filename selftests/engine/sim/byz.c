// SPDX-License-Identifier: GPL-2.0
/*
 * Byzantine replicas.  Each wraps a real engine instance: its outputs
 * pass through byz_output(), which suppresses, mutates or multiplies
 * them, and byz_act() runs on a timer to craft messages of its own with
 * the wire encoder.  A Byzantine replica only ever holds its own keys:
 * everything it sends is MACed as itself (or carries garbage).
 */
#include <stdlib.h>
#include <string.h>
#include <inttypes.h>

#include "sim.h"

static const char *const byz_names[BYZ_NSTRAT] = {
	[BYZ_NONE] = "none", [BYZ_SILENT] = "silent",
	[BYZ_EQUIVOCATE] = "equivocate", [BYZ_MACFORGE] = "macforge",
	[BYZ_REPLAY] = "replay", [BYZ_VCLIAR] = "vcliar",
	[BYZ_FLOOD] = "flood", [BYZ_STALERO] = "stalero",
	[BYZ_SLOW] = "slow", [BYZ_SELECTIVE] = "selective",
};

const char *byz_name(int strat)
{
	return strat >= 0 && strat < BYZ_NSTRAT ? byz_names[strat] : "?";
}

int byz_parse(const char *name)
{
	int i;

	for (i = 0; i < BYZ_NSTRAT; i++)
		if (!strcmp(name, byz_names[i]))
			return i;
	return -1;
}

static void limits(struct sim_replica *r, struct bft_wire_limits *lim)
{
	struct bft_config c;

	bft_engine_get_config(r->e, &c);
	lim->n = c.n;
	lim->n_clients = c.n_clients;
	lim->max_op = c.max_op;
	lim->max_result = c.max_result;
	lim->batch_max = c.batch_max;
	lim->batch_bytes = c.batch_bytes;
	lim->log_size = c.log_size;
}

static void capture(struct sim_replica *r, int to, const uint8_t *buf,
		    uint32_t len)
{
	int i;

	if (r->capn < SIM_CAPTURE) {
		i = r->capn++;
	} else {
		/* keep a spread of old and new messages */
		i = (int)sim_rng_below(&r->brng, SIM_CAPTURE);
		free(r->cap[i].buf);
	}
	r->cap[i].buf = malloc(len ? len : 1);
	if (!r->cap[i].buf)
		abort();
	memcpy(r->cap[i].buf, buf, len);
	r->cap[i].len = len;
	r->cap[i].to = to;
}

/* Send a replica message as r, MACed for `to`. */
static void send_as_me(struct sim_replica *r, int to, uint8_t *buf,
		       uint32_t len)
{
	struct sim *s = r->sim;

	if (!len)
		return;
	sim_mac_trailer(s, r->id, to, buf, len);
	s->st.byz_msgs++;
	sim_rep_transmit(r, to, buf, len);
}

static int rand_replica(struct sim_replica *r)
{
	int n = r->sim->cfg.n, j = (int)sim_rng_below(&r->brng, n - 1);

	return j >= r->id ? j + 1 : j;
}

static void rand_bytes(struct sim_replica *r, uint8_t *p, uint32_t len)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)sim_rng_next(&r->brng);
}

/* ---- equivocation ---- */

/* An alternative valid batch for the same (v, n): reversed, or null. */
static uint32_t alt_batch(struct sim_replica *r, const struct bft_pp_view *pp,
			  uint8_t *out, uint32_t *count)
{
	struct bft_wire_limits lim;
	struct bft_req_view rv;
	uint32_t off = 0, offs[256], lens[256], k = 0, len = 0;
	int i;

	limits(r, &lim);
	while (k < 256 && !bft_batch_next(pp->batch, pp->batch_len, &off,
					  &lim, &rv)) {
		offs[k] = off - rv.len;
		lens[k++] = rv.len;
	}
	if (k >= 2) {
		for (i = (int)k - 1; i >= 0; i--) {
			memcpy(out + len, pp->batch + offs[i], lens[i]);
			len += lens[i];
		}
		*count = k;
		return len;
	}
	/* one request (or none): propose a captured client request instead */
	for (i = 0; i < r->capn; i++) {
		struct bft_req_view q;
		const uint8_t *b = r->cap[i].buf;

		if (r->cap[i].to != -2 || (k && r->cap[i].len == lens[0] &&
					   !memcmp(b, pp->batch, lens[0])))
			continue;
		if (bft_wire_parse_request(b, r->cap[i].len, &lim, &q))
			continue;
		memcpy(out, b, r->cap[i].len);
		*count = 1;
		return r->cap[i].len;
	}
	*count = 0;
	return 0;
}

static void equivocate_pp(struct sim_replica *r, int to, const uint8_t *buf,
			  uint32_t len)
{
	struct sim *s = r->sim;
	struct bft_wire_limits lim;
	struct bft_pp_view pp;
	uint8_t d[BFT_DIGEST_LEN], *alt, *out = s->scratch, agree[128];
	uint32_t count, alen, olen;
	int side;

	limits(r, &lim);
	if (bft_wire_parse_preprepare(buf, len, &lim, &pp)) {
		sim_rep_transmit(r, to, buf, len);
		return;
	}
	/* the split is fixed per (view, seq): to is on side A or B */
	side = (int)((pp.view * 31 + pp.seq * 17 + (uint64_t)to * 7 +
		      r->sim->cfg.seed) >> 1 & 1);
	if (to >= s->cfg.n || !side) {
		memcpy(d, pp.digest, BFT_DIGEST_LEN);
		sim_rep_transmit(r, to, buf, len);
	} else {
		alt = malloc(pp.batch_len + BFT_WIRE_MAX_DGRAM / 4);
		if (!alt)
			abort();
		alen = alt_batch(r, &pp, alt, &count);
		if (bft_batch_digest(alt, alen, count, &lim, d)) {
			free(alt);
			sim_rep_transmit(r, to, buf, len);
			return;
		}
		olen = bft_enc_preprepare(out, BFT_WIRE_MAX_DGRAM, r->id,
					  pp.view, pp.seq, d, count, alt,
					  alen);
		free(alt);
		trace_add(&s->trace, s->sched.now, TR_BYZ, r->id, to,
			  BFT_MSG_PRE_PREPARE, olen, pp.view, pp.seq,
			  "equivocating pre-prepare");
		send_as_me(r, to, out, olen);
	}
	/* back each side with matching votes of our own */
	olen = bft_enc_agree(agree, sizeof(agree), BFT_MSG_PREPARE, r->id,
			     pp.view, pp.seq, d);
	send_as_me(r, to, agree, olen);
	olen = bft_enc_agree(agree, sizeof(agree), BFT_MSG_COMMIT, r->id,
			     pp.view, pp.seq, d);
	send_as_me(r, to, agree, olen);
}

static void equivocate_agree(struct sim_replica *r, int to,
			     const uint8_t *buf, uint32_t len)
{
	struct bft_agree_view a;
	uint8_t out[128], d[BFT_DIGEST_LEN];
	uint32_t olen;

	if (bft_wire_parse_agree(buf, len, &a) ||
	    sim_rng_below(&r->brng, 2)) {
		sim_rep_transmit(r, to, buf, len);
		return;
	}
	rand_bytes(r, d, sizeof(d));
	olen = bft_enc_agree(out, sizeof(out), buf[5], r->id, a.view, a.seq,
			     d);
	send_as_me(r, to, out, olen);
}

/* ---- MAC forger ---- */

static void forge(struct sim_replica *r, int to, const uint8_t *buf,
		  uint32_t len)
{
	struct sim *s = r->sim;
	uint8_t *out = s->scratch;
	uint32_t k = (uint32_t)sim_rng_below(&r->brng, 100);

	if (k < 40 || len < BFT_HDR_LEN + BFT_MAC_LEN) {
		sim_rep_transmit(r, to, buf, len);
		return;
	}
	memcpy(out, buf, len);
	if (k < 65) {		/* garbage trailer */
		rand_bytes(r, out + len - BFT_MAC_LEN, BFT_MAC_LEN);
	} else if (k < 85) {	/* claim to be another replica */
		bft_put32(out + 8, (u32)rand_replica(r));
		sim_mac_trailer(s, r->id, to, out, len);
	} else {		/* corrupt the body, keep the old MAC */
		out[BFT_HDR_LEN + sim_rng_below(&r->brng, len - BFT_HDR_LEN)]
			^= 0x5a;
	}
	s->st.byz_msgs++;
	sim_rep_transmit(r, to, out, len);
}

/* ---- view-change liar ---- */

static void lie_vc(struct sim_replica *r, int to, const uint8_t *buf,
		   uint32_t len)
{
	struct sim *s = r->sim;
	struct bft_wire_limits lim;
	struct bft_vc_view vc;
	struct bft_ckpt_h ck[BFT_MAX_CKPTS_VC];
	struct bft_vc_entry_h *ent;
	uint32_t i, nck, nent, olen, K = (uint32_t)s->cfg.ckpt;

	limits(r, &lim);
	if (bft_wire_parse_vc(buf, len, &lim, &vc)) {
		sim_rep_transmit(r, to, buf, len);
		return;
	}
	ent = calloc(lim.log_size, sizeof(*ent));
	if (!ent)
		abort();
	nck = vc.n_ckpt < BFT_MAX_CKPTS_VC ? vc.n_ckpt : BFT_MAX_CKPTS_VC;
	for (i = 0; i < nck; i++)
		bft_vc_get_ckpt(&vc, i, &ck[i]);
	/* bogus checkpoint claim above everything we hold */
	if (nck && nck < BFT_MAX_CKPTS_VC && sim_rng_below(&r->brng, 2)) {
		ck[nck].seq = ck[nck - 1].seq + K;
		rand_bytes(r, ck[nck].digest, BFT_DIGEST_LEN);
		nck++;
	}
	/* bogus prepared certificates for every seq in the window */
	nent = 0;
	for (i = 1; i <= lim.log_size && nent < lim.log_size; i++) {
		struct bft_vc_entry_h *e = &ent[nent];

		if (sim_rng_below(&r->brng, 3) == 0)
			continue;
		e->seq = vc.stable_seq + i;
		e->p_view = vc.new_view - 1 -
			(vc.new_view > 1 ? sim_rng_below(&r->brng, 2) : 0);
		e->pp_view = e->p_view;
		rand_bytes(r, e->p_digest, BFT_DIGEST_LEN);
		memcpy(e->pp_digest, e->p_digest, BFT_DIGEST_LEN);
		e->flags = BFT_VC_E_PREPARED;
		nent++;
	}
	olen = bft_enc_vc(s->scratch, BFT_WIRE_MAX_DGRAM, r->id, vc.new_view,
			  vc.stable_seq, ck, nck, ent, nent);
	free(ent);
	trace_add(&s->trace, s->sched.now, TR_BYZ, r->id, to,
		  BFT_MSG_VIEW_CHANGE, olen, vc.new_view, nent,
		  "lying view-change");
	send_as_me(r, to, s->scratch, olen);
}

static void lie_nv(struct sim_replica *r, int to, const uint8_t *buf,
		   uint32_t len)
{
	struct sim *s = r->sim;
	struct bft_wire_limits lim;
	struct bft_nv_view nv;
	struct bft_nv_vc_h vcs[BFT_MAX_REPLICAS];
	struct bft_ckpt_h *o;
	uint32_t i, olen;

	limits(r, &lim);
	if (bft_wire_parse_nv(buf, len, &lim, &nv) ||
	    nv.n_vc > BFT_MAX_REPLICAS) {
		sim_rep_transmit(r, to, buf, len);
		return;
	}
	o = calloc(nv.n_o + 1, sizeof(*o));
	if (!o)
		abort();
	for (i = 0; i < nv.n_vc; i++)
		bft_nv_get_vc(&nv, i, &vcs[i]);
	for (i = 0; i < nv.n_o; i++) {
		bft_nv_get_o(&nv, i, &o[i]);
		if (sim_rng_below(&r->brng, 2))
			rand_bytes(r, o[i].digest, BFT_DIGEST_LEN);
	}
	olen = bft_enc_nv(s->scratch, BFT_WIRE_MAX_DGRAM, r->id, nv.view,
			  nv.ckpt_seq, nv.ckpt_digest, vcs, nv.n_vc, o,
			  nv.n_o);
	free(o);
	trace_add(&s->trace, s->sched.now, TR_BYZ, r->id, to,
		  BFT_MSG_NEW_VIEW, olen, nv.view, 0, "lying new-view");
	send_as_me(r, to, s->scratch, olen);
}

/* Unsolicited VIEW-CHANGE for a future view with bogus certificates. */
static void spontaneous_vc(struct sim_replica *r)
{
	struct sim *s = r->sim;
	struct bft_info info;
	struct bft_ckpt_h ck;
	struct bft_vc_entry_h e;
	uint32_t olen;
	int to;

	bft_engine_info(r->e, &info);
	ck.seq = info.stable_seq;
	memcpy(ck.digest, info.stable_digest, BFT_DIGEST_LEN);
	memset(&e, 0, sizeof(e));
	e.seq = info.stable_seq + 1;
	e.p_view = e.pp_view = info.view;
	rand_bytes(r, e.p_digest, BFT_DIGEST_LEN);
	memcpy(e.pp_digest, e.p_digest, BFT_DIGEST_LEN);
	e.flags = BFT_VC_E_PREPARED;
	for (to = 0; to < s->cfg.n; to++) {
		if (to == r->id)
			continue;
		olen = bft_enc_vc(s->scratch, BFT_WIRE_MAX_DGRAM, r->id,
				  info.view + 1 + sim_rng_below(&r->brng, 3),
				  info.stable_seq, &ck, 1, &e, 1);
		send_as_me(r, to, s->scratch, olen);
	}
}

/* ---- flooder ---- */

static void flood_one(struct sim_replica *r)
{
	struct sim *s = r->sim;
	uint8_t *out = s->scratch, d[BFT_DIGEST_LEN];
	struct bft_info info;
	uint32_t len = 0;
	int to = rand_replica(r);
	uint64_t seq;

	bft_engine_info(r->e, &info);
	seq = info.stable_seq + 1 + sim_rng_below(&r->brng,
						  2 * s->cfg.ckpt + 4);
	rand_bytes(r, d, sizeof(d));
	switch (sim_rng_below(&r->brng, 7)) {
	case 0:		/* raw junk */
		len = (uint32_t)sim_rng_below(&r->brng, 200);
		rand_bytes(r, out, len);
		s->st.byz_msgs++;
		sim_rep_transmit(r, to, out, len);
		return;
	case 1:		/* valid header, lying length */
		len = (uint32_t)sim_rng_range(&r->brng, BFT_HDR_LEN, 150);
		rand_bytes(r, out, len);
		bft_wire_put_hdr(out, (u8)sim_rng_range(&r->brng, 1,
							BFT_MSG_MAX),
				 BFT_PRINCIPAL_REPLICA, 0, r->id,
				 len + (uint32_t)sim_rng_below(&r->brng, 3));
		s->st.byz_msgs++;
		sim_rep_transmit(r, to, out, len);
		return;
	case 2:
		len = bft_enc_agree(out, BFT_WIRE_MAX_DGRAM, BFT_MSG_PREPARE,
				    r->id, info.view, seq, d);
		break;
	case 3:
		len = bft_enc_agree(out, BFT_WIRE_MAX_DGRAM, BFT_MSG_COMMIT,
				    r->id, info.view, seq, d);
		break;
	case 4:
		len = bft_enc_checkpoint(out, BFT_WIRE_MAX_DGRAM, r->id,
					 (seq / s->cfg.ckpt + 1) * s->cfg.ckpt,
					 d);
		break;
	case 5:
		len = bft_enc_fetch(out, BFT_WIRE_MAX_DGRAM, r->id, 0,
				    BFT_FETCH_STATE, info.stable_seq, 0,
				    info.stable_digest);
		break;
	default:
		if (r->capn) {
			int i = (int)sim_rng_below(&r->brng, r->capn);

			if (r->cap[i].to >= 0 && r->cap[i].to < s->cfg.n) {
				memcpy(out, r->cap[i].buf, r->cap[i].len);
				len = r->cap[i].len;
				to = r->cap[i].to;
			}
		}
		break;
	}
	send_as_me(r, to, out, len);
}

/* ---- replayer ---- */

static void replay_one(struct sim_replica *r)
{
	struct sim *s = r->sim;
	int i, to;

	if (!r->capn)
		return;
	i = (int)sim_rng_below(&r->brng, r->capn);
	memcpy(s->scratch, r->cap[i].buf, r->cap[i].len);
	if (r->cap[i].to == -2) {
		/* a client's request: its authenticator is valid for all */
		to = rand_replica(r);
		s->st.byz_msgs++;
		sim_rep_transmit(r, to, s->scratch, r->cap[i].len);
		return;
	}
	/* one of our own old messages, re-MACed for anyone */
	to = sim_rng_below(&r->brng, 2) && r->cap[i].to < s->cfg.n ?
		r->cap[i].to : rand_replica(r);
	trace_add(&s->trace, s->sched.now, TR_BYZ, r->id, to,
		  sim_mtype(s->scratch, r->cap[i].len), r->cap[i].len, 0, 0,
		  "replay");
	send_as_me(r, to, s->scratch, r->cap[i].len);
}

/* ---- hooks ---- */

void byz_output(struct sim_replica *r, int to, const uint8_t *buf,
		uint32_t len)
{
	int mt = sim_mtype(buf, len);

	if (r->byz != BYZ_SILENT)
		capture(r, to, buf, len);
	switch (r->byz) {
	case BYZ_SILENT:
		return;
	case BYZ_EQUIVOCATE:
		if (mt == BFT_MSG_PRE_PREPARE)
			equivocate_pp(r, to, buf, len);
		else if (mt == BFT_MSG_PREPARE || mt == BFT_MSG_COMMIT)
			equivocate_agree(r, to, buf, len);
		else
			sim_rep_transmit(r, to, buf, len);
		return;
	case BYZ_MACFORGE:
		forge(r, to, buf, len);
		return;
	case BYZ_SLOW:
		/* Just in time for the timer that restarts on progress. */
		if (mt == BFT_MSG_PRE_PREPARE)
			r->sim->net.extra = (sim_time_t)r->sim->cfg.vc_ms *
					    9 / 10 * SIM_MS;
		sim_rep_transmit(r, to, buf, len);
		r->sim->net.extra = 0;
		return;
	case BYZ_VCLIAR:
		if (mt == BFT_MSG_VIEW_CHANGE)
			lie_vc(r, to, buf, len);
		else if (mt == BFT_MSG_NEW_VIEW)
			lie_nv(r, to, buf, len);
		else
			sim_rep_transmit(r, to, buf, len);
		return;
	default:
		sim_rep_transmit(r, to, buf, len);
		return;
	}
}

/* 0: the engine gets the datagram; 1: the Byzantine replica drops it. */
int byz_input(struct sim_replica *r, int from, const uint8_t *buf,
	      uint32_t len)
{
	struct bft_msg_hdr h;

	(void)from;
	if (sim_mtype(buf, len) != BFT_MSG_REQUEST)
		return 0;
	capture(r, -2, buf, len);
	/* Selective: every other client's request, relayed or not, is lost. */
	return r->byz == BYZ_SELECTIVE && !bft_wire_parse_hdr(buf, len, &h) &&
	       h.sender != 0;
}

/* Periodic own initiative; reschedules itself. */
void byz_act(struct sim_replica *r)
{
	struct sim *s = r->sim;
	struct sim_event ev = { .kind = SEV_BYZ, .from = -1, .to = r->id };
	int i, k;

	if (!r->up || !r->e)
		return;
	switch (r->byz) {
	case BYZ_REPLAY:
		k = (int)sim_rng_range(&r->brng, 1, 4);
		for (i = 0; i < k; i++)
			replay_one(r);
		break;
	case BYZ_FLOOD:
		k = (int)sim_rng_range(&r->brng, 1, 8);
		for (i = 0; i < k; i++)
			flood_one(r);
		break;
	case BYZ_VCLIAR:
		if (sim_rng_below(&r->brng, 10) == 0)
			spontaneous_vc(r);
		break;
	default:
		return;
	}
	ev.at = s->sched.now + sim_rng_range(&r->brng, 1 * SIM_MS,
					     s->sched.now < s->cfg.stable_at ?
					     10 * SIM_MS : 25 * SIM_MS);
	sched_push(&s->sched, &ev);
}
