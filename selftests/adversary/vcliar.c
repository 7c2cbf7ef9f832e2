// SPDX-License-Identifier: GPL-2.0
/*
 * vc-liar: a replica that lies in view changes. VIEW-CHANGE carries
 * claims, not proofs (MAC variant): the lies are prepared entries for
 * digests nobody pre-prepared, at sequence numbers the others did
 * prepare and above anything ever proposed, and a checkpoint nobody
 * took. nvcompute.c must out-vote them (A1 needs Q, A2 f+1 claims). On
 * top, each lie that can be counted exactly: a malformed VIEW-CHANGE
 * (vc_format), a second, different VIEW-CHANGE for the same view
 * (conflict), a NEW-VIEW for a view we are not primary of (not_primary)
 * and, when we are the new primary, NEW-VIEWs whose O or checkpoint does
 * not recompute from the VIEW-CHANGEs they name (nv_invalid).
 */
#include <stdlib.h>
#include <string.h>

#include "adversary.h"
#include "internal.h"

#define for_each_target(a, t) \
	for ((t) = 0; (t) < (a)->d.n; (t)++) \
		if ((a)->targets & (1ULL << (t)))

struct vl_state {
	uint8_t *vc[BFT_MAX_REPLICAS];	/* latest VIEW-CHANGE of each */
	uint32_t vc_len[BFT_MAX_REPLICAS];
	uint64_t vc_view[BFT_MAX_REPLICAS];
	uint64_t lied;		/* highest view we sent lies for */
	uint64_t cur;		/* highest view a target changes to */
	uint64_t nv_done;	/* view whose NEW-VIEW lies are out */
	uint64_t all_ms;	/* when every target's VIEW-CHANGE was in */
	struct bft_vc_entry_h *ent;
	struct bft_ckpt_h *o;
	struct bft_vc_view *vcs;
	struct bft_nv_vc_h vv[BFT_MAX_REPLICAS];
};

static void send_all(struct adv *a, uint32_t len)
{
	uint32_t t;

	for_each_target(a, t) {
		adv_seal(a, t, a->tx, len);
		adv_send(a, t, a->tx, len);
	}
}

static void expect_all(struct adv *a, int reason, uint32_t k)
{
	uint32_t t;

	for_each_target(a, t)
		a->expect[t][reason] += k;
}

/*
 * A well-formed VIEW-CHANGE for @v on the checkpoint of @base: every
 * entry of base claimed prepared in view v-1 with a digest of our own,
 * three more at the top of the window, and a checkpoint nobody took.
 */
static uint32_t lying_vc(struct adv *a, struct vl_state *s,
			 const struct bft_vc_view *base, uint64_t v)
{
	struct bft_ckpt_h ck[BFT_MAX_CKPTS_VC];
	struct bft_vc_entry_h *e = s->ent;
	uint64_t top = base->stable_seq + a->lim.log_size, seq, last = 0;
	uint32_t nc = 0, ne = 0, i;

	for (i = 0; i < base->n_ckpt && nc < BFT_MAX_CKPTS_VC - 1; i++)
		bft_vc_get_ckpt(base, i, &ck[nc++]);
	if (ck[nc - 1].seq < top) {
		ck[nc].seq = top;
		adv_fill(a, ck[nc++].digest, BFT_DIGEST_LEN);
	}
	for (i = 0; i < base->n_entries && ne + 3 < a->lim.log_size; i++) {
		bft_vc_get_entry(base, i, &e[ne]);
		last = e[ne].seq;
		e[ne].flags = BFT_VC_E_PREPARED;
		e[ne].pp_view = e[ne].p_view = v - 1;
		adv_fill(a, e[ne].pp_digest, BFT_DIGEST_LEN);
		memcpy(e[ne].p_digest, e[ne].pp_digest, BFT_DIGEST_LEN);
		ne++;
	}
	for (seq = top - 2; seq <= top; seq++) {
		if (seq <= last || seq <= base->stable_seq)
			continue;
		memset(&e[ne], 0, sizeof(e[ne]));
		e[ne].seq = seq;
		e[ne].flags = BFT_VC_E_PREPARED;
		e[ne].pp_view = e[ne].p_view = v - 1;
		adv_fill(a, e[ne].pp_digest, BFT_DIGEST_LEN);
		memcpy(e[ne].p_digest, e[ne].pp_digest, BFT_DIGEST_LEN);
		ne++;
	}
	return bft_enc_vc(a->tx, BFT_WIRE_MAX_DGRAM, a->d.id, v,
			  base->stable_seq, ck, nc, e, ne);
}

/* Everything we say about view @v, from what @base told us. */
static void lie_in(struct adv *a, struct vl_state *s,
		   const struct bft_vc_view *base, uint64_t v)
{
	struct bft_ckpt_h ck;
	struct bft_vc_entry_h *e = s->ent;
	uint32_t len;

	/* Prepared in a view above the one it pre-prepared in: malformed. */
	memset(e, 0, sizeof(*e));
	e->seq = base->stable_seq + 1;
	e->flags = BFT_VC_E_PREPARED;
	e->pp_view = v - 1;
	e->p_view = v;
	adv_fill(a, e->pp_digest, BFT_DIGEST_LEN);
	memcpy(e->p_digest, e->pp_digest, BFT_DIGEST_LEN);
	bft_vc_get_ckpt(base, 0, &ck);
	len = bft_enc_vc(a->tx, BFT_WIRE_MAX_DGRAM, a->d.id, v,
			 base->stable_seq, &ck, 1, e, 1);
	if (len) {
		send_all(a, len);
		expect_all(a, BFT_DROP_VC_FORMAT, 1);
	}
	/* The lies, then other lies for the same view: equivocation. */
	len = lying_vc(a, s, base, v);
	if (len)
		send_all(a, len);
	len = len ? lying_vc(a, s, base, v) : 0;
	if (len) {
		send_all(a, len);
		expect_all(a, BFT_DROP_CONFLICT, 1);
	}
	/* The NEW-VIEW of a view whose primary we are not. */
	if (v % a->d.n != a->d.id) {
		s->vv[0].replica = a->d.id;
		adv_fill(a, s->vv[0].digest, BFT_DIGEST_LEN);
		len = bft_enc_nv(a->tx, BFT_WIRE_MAX_DGRAM, a->d.id, v,
				 ck.seq, ck.digest, s->vv, 1, NULL, 0);
		if (len) {
			send_all(a, len);
			expect_all(a, BFT_DROP_NOT_PRIMARY, 1);
		}
	}
	a->views++;
}

static void send_nv(struct adv *a, struct vl_state *s, uint64_t v,
		    const struct bft_ckpt_h *ck, uint32_t k,
		    const struct bft_ckpt_h *o, uint32_t n_o)
{
	uint32_t len = bft_enc_nv(a->tx, BFT_WIRE_MAX_DGRAM, a->d.id, v,
				  ck->seq, ck->digest, s->vv, k, o, n_o);

	if (!len)
		return;
	send_all(a, len);
	expect_all(a, BFT_DROP_NV_INVALID, 1);
	a->new_views++;
}

/*
 * We are the primary of @v and hold every target's VIEW-CHANGE for it:
 * NEW-VIEWs naming exactly those (so the targets can check at once),
 * each wrong in one way.
 */
static void lie_as_primary(struct adv *a, struct vl_state *s, uint64_t v)
{
	uint32_t n = a->d.n, f = bft_quorum_f(n), q = bft_quorum_q(n);
	struct bft_ckpt_h ck, fake;
	struct bft_sha_ctx c;
	uint32_t t, m = 0, n_o = 0;

	for_each_target(a, t) {
		if (bft_wire_parse_vc(s->vc[t], s->vc_len[t], &a->lim,
				      &s->vcs[m]))
			return;
		s->vv[m].replica = t;
		bft_sha_init(&c);
		bft_sha_update(&c, s->vc[t], s->vc_len[t] - BFT_MAC_LEN);
		bft_sha_final(&c, s->vv[m].digest);
		m++;
	}
	if (m < q)
		return;
	if (bft_nv_compute(n, f, q, a->lim.log_size, s->vcs, m, &ck, s->o,
			   &n_o)) {
		bft_vc_get_ckpt(&s->vcs[0], 0, &ck);
		n_o = 0;
	}
	/* 1: a digest of ours where O has another one (or null). */
	if (!n_o) {
		s->o[0].seq = ck.seq + 1;
		n_o = 1;
		adv_fill(a, s->o[0].digest, BFT_DIGEST_LEN);
		send_nv(a, s, v, &ck, m, s->o, n_o);
		n_o = 0;
	} else {
		fake = s->o[0];
		adv_fill(a, s->o[0].digest, BFT_DIGEST_LEN);
		send_nv(a, s, v, &ck, m, s->o, n_o);
		s->o[0] = fake;
	}
	/* 2: one more sequence number, with a digest nobody has. */
	if (n_o < a->lim.log_size) {
		s->o[n_o].seq = ck.seq + n_o + 1;
		adv_fill(a, s->o[n_o].digest, BFT_DIGEST_LEN);
		send_nv(a, s, v, &ck, m, s->o, n_o + 1);
	}
	/* 3: a checkpoint nobody certified, O shifted onto it. */
	fake.seq = ck.seq + 1;
	adv_fill(a, fake.digest, BFT_DIGEST_LEN);
	send_nv(a, s, v, &fake, m, NULL, 0);
}

static void vl_take(struct adv *a, struct vl_state *s, uint32_t len)
{
	struct bft_vc_view vc;
	uint32_t from;

	if (len < BFT_HDR_LEN ||
	    bft_wget8(a->rx, bft_hdr, kind) != BFT_MSG_VIEW_CHANGE ||
	    bft_wire_verify(a->rx, len, a->d.id, a->d.n, bftd_mac, &a->d) ||
	    bft_wire_parse_vc(a->rx, len, &a->lim, &vc))
		return;
	from = bft_wget32(a->rx, bft_hdr, sender);
	if (from >= a->d.n || vc.new_view < s->vc_view[from])
		return;
	memcpy(s->vc[from], a->rx, len);
	s->vc_len[from] = len;
	s->vc_view[from] = vc.new_view;
	if (vc.new_view > s->cur)
		s->cur = vc.new_view;
	/*
	 * First sight of a view: lie in it and, ahead of time, in the next
	 * one, so those lies are in place before any replica can install it.
	 */
	if (vc.new_view > s->lied) {
		if (bft_wire_parse_vc(s->vc[from], len, &a->lim, &vc))
			return;
		lie_in(a, s, &vc, vc.new_view);
		lie_in(a, s, &vc, vc.new_view + 1);
		s->lied = vc.new_view + 1;
	}
}

/* Every target's latest VIEW-CHANGE is for @v. */
static bool all_in(const struct adv *a, const struct vl_state *s, uint64_t v)
{
	uint32_t t;

	for_each_target(a, t)
		if (s->vc_view[t] != v)
			return false;
	return true;
}

int adv_vc_liar(struct adv *a)
{
	struct vl_state *s = calloc(1, sizeof(*s));
	uint64_t v;
	uint32_t i;
	int n, ret = 1;

	if (!s)
		return 1;
	s->ent = calloc(a->lim.log_size + 1, sizeof(*s->ent));
	s->o = calloc(a->lim.log_size + 1, sizeof(*s->o));
	s->vcs = calloc(a->d.n, sizeof(*s->vcs));
	for (i = 0; i < a->d.n; i++)
		s->vc[i] = malloc(BFT_WIRE_MAX_DGRAM);
	for (i = 0; i < a->d.n; i++)
		if (!s->vc[i])
			goto out;
	if (!s->ent || !s->o || !s->vcs)
		goto out;
	while ((n = adv_recv(a, 20)) >= 0) {
		if (n > 0)
			vl_take(a, s, (uint32_t)n);
		v = s->cur;
		if (v <= s->nv_done)
			continue;
		if (v % a->d.n != a->d.id || !all_in(a, s, v)) {
			s->all_ms = 0;
			continue;
		}
		if (!s->all_ms)
			s->all_ms = bftd_mono_ms();
		/* Let their VIEW-CHANGEs reach each other as well. */
		if (bftd_mono_ms() - s->all_ms < a->grace_ms)
			continue;
		lie_as_primary(a, s, v);
		s->nv_done = v;
	}
	ret = 0;
out:
	for (i = 0; i < a->d.n; i++)
		free(s->vc[i]);
	free(s->ent);
	free(s->o);
	free(s->vcs);
	free(s);
	return ret;
}
