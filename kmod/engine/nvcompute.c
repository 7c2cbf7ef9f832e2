// SPDX-License-Identifier: GPL-2.0
/*
 * NEW-VIEW decision (Castro-Liskov TOCS 2002, MAC variant): a pure
 * function of the set S of VIEW-CHANGE messages, so backups validate a
 * NEW-VIEW by recomputing it from the same messages they received
 * themselves. Claims are never trusted singly: a checkpoint needs f+1
 * claimants, a prepared digest needs f+1 pre-prepared claims and a
 * quorum that prepared nothing newer or different.
 */
#include "internal.h"

/* Binary search a VIEW-CHANGE's entries (ascending by seq). */
static bool vc_entry(const struct bft_vc_view *vc, u64 seq,
		     struct bft_vc_entry_h *e)
{
	u32 lo = 0, hi = vc->n_entries;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;
		const u8 *p = vc->entries + (size_t)mid * BFT_VC_ENTRY_LEN;
		u64 s = bft_wget64(p, bft_vc_entry, seq);

		if (s == seq) {
			bft_vc_get_entry(vc, mid, e);
			return true;
		}
		if (s < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static bool vc_has_ckpt(const struct bft_vc_view *vc,
			const struct bft_ckpt_h *c)
{
	struct bft_ckpt_h x;
	u32 i;

	for (i = 0; i < vc->n_ckpt; i++) {
		bft_vc_get_ckpt(vc, i, &x);
		if (x.seq == c->seq &&
		    !memcmp(x.digest, c->digest, BFT_DIGEST_LEN))
			return true;
	}
	return false;
}

/* Highest checkpoint with f+1 claimants and Q senders at or below it. */
static int pick_ckpt(u32 f, u32 q, const struct bft_vc_view *vcs, u32 m,
		     struct bft_ckpt_h *best)
{
	struct bft_ckpt_h c;
	bool found = false;
	u32 i, j, k, claim, low;

	for (i = 0; i < m; i++) {
		for (k = 0; k < vcs[i].n_ckpt; k++) {
			bft_vc_get_ckpt(&vcs[i], k, &c);
			if (found && (c.seq < best->seq ||
				      (c.seq == best->seq &&
				       memcmp(c.digest, best->digest,
					      BFT_DIGEST_LEN) >= 0)))
				continue;
			claim = 0;
			low = 0;
			for (j = 0; j < m; j++) {
				claim += vc_has_ckpt(&vcs[j], &c);
				low += vcs[j].stable_seq <= c.seq;
			}
			if (claim >= f + 1 && low >= q) {
				*best = c;
				found = true;
			}
		}
	}
	return found ? 0 : -EAGAIN;
}

/* A1 and A2 for candidate (d, v) at seq. */
static bool can_choose(u32 f, u32 q, const struct bft_vc_view *vcs, u32 m,
		       u64 seq, u64 v, const u8 *d)
{
	struct bft_vc_entry_h e;
	u32 j, a1 = 0, a2 = 0;

	for (j = 0; j < m; j++) {
		bool has = vc_entry(&vcs[j], seq, &e);

		if (vcs[j].stable_seq < seq &&
		    (!has || !(e.flags & BFT_VC_E_PREPARED) || e.p_view < v ||
		     (e.p_view == v &&
		      !memcmp(e.p_digest, d, BFT_DIGEST_LEN))))
			a1++;
		if (has && e.pp_view >= v &&
		    !memcmp(e.pp_digest, d, BFT_DIGEST_LEN))
			a2++;
	}
	return a1 >= q && a2 >= f + 1;
}

/*
 * (d, v) prepared at seq cannot have committed if f+1 VIEW-CHANGEs (so
 * at least one correct replica) pre-prepared another digest at seq in a
 * later view: a correct replica accepts that only under a valid NEW-VIEW
 * that did not choose d, which no NEW-VIEW does once d committed. Such a
 * stale claim (from a replica that missed that NEW-VIEW) counts as "no
 * prepared entry"; without this, A2 can never hold for it (entries carry
 * the last pre-prepare only) and the view change is stuck for good.
 */
static bool superseded(u32 f, const struct bft_vc_view *vcs, u32 m, u64 seq,
		       u64 v, const u8 *d)
{
	struct bft_vc_entry_h e;
	u32 j, k = 0;

	for (j = 0; j < m; j++)
		if (vc_entry(&vcs[j], seq, &e) && e.pp_view > v &&
		    memcmp(e.pp_digest, d, BFT_DIGEST_LEN))
			k++;
	return k >= f + 1;
}

/* 1: chose *out, 0: null, -EAGAIN: undecided with these messages. */
static int decide(u32 f, u32 q, const struct bft_vc_view *vcs, u32 m,
		  u64 seq, u8 *out)
{
	struct bft_vc_entry_h e;
	bool chosen = false;
	u64 cv = 0;
	u32 i, none = 0;

	for (i = 0; i < m; i++) {
		if (!vc_entry(&vcs[i], seq, &e) ||
		    !(e.flags & BFT_VC_E_PREPARED) ||
		    superseded(f, vcs, m, seq, e.p_view, e.p_digest)) {
			none += vcs[i].stable_seq < seq;
			continue;
		}
		/* Prefer the highest view, then the smallest digest. */
		if (chosen && (e.p_view < cv ||
			       (e.p_view == cv &&
				memcmp(e.p_digest, out, BFT_DIGEST_LEN) >= 0)))
			continue;
		if (can_choose(f, q, vcs, m, seq, e.p_view, e.p_digest)) {
			chosen = true;
			cv = e.p_view;
			memcpy(out, e.p_digest, BFT_DIGEST_LEN);
		}
	}
	if (chosen)
		return 1;
	return none >= q ? 0 : -EAGAIN;
}

int bft_nv_compute(u32 n, u32 f, u32 q, u32 log_size,
		   const struct bft_vc_view *vcs, u32 m,
		   struct bft_ckpt_h *ckpt, struct bft_ckpt_h *o, u32 *n_o)
{
	u8 null[BFT_DIGEST_LEN];
	u64 seq, last;
	u32 i;
	int r;

	if (m < q || m > n)
		return -EAGAIN;
	r = pick_ckpt(f, q, vcs, m, ckpt);
	if (r)
		return r;
	bft_null_digest(null);
	last = ckpt->seq;
	for (i = 0; i < log_size; i++) {
		seq = ckpt->seq + 1 + i;
		o[i].seq = seq;
		r = decide(f, q, vcs, m, seq, o[i].digest);
		if (r < 0)
			return r;
		if (r)
			last = seq;
		else
			memcpy(o[i].digest, null, BFT_DIGEST_LEN);
	}
	*n_o = (u32)(last - ckpt->seq);
	return 0;
}
