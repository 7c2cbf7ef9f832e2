// SPDX-License-Identifier: GPL-2.0
/* NEW-VIEW computation: given VIEW-CHANGE messages, the O set. */
#include "harness.h"
#include "internal.h"

#define NVT_L	8

static u8 vbuf[6][4096];
static struct bft_vc_view vcs[6];
static const struct bft_wire_limits lim = {
	.n = 4, .n_clients = 4, .max_op = 64, .max_result = 64,
	.batch_max = 4, .batch_bytes = 4096, .log_size = NVT_L,
};

static void dg(u8 *d, u8 v)
{
	memset(d, 0, BFT_DIGEST_LEN);
	d[0] = v;
}

/* Build VIEW-CHANGE i for view 2 with one checkpoint and entries. */
static int mk(u32 i, u64 stable, u8 sd, const struct bft_vc_entry_h *e,
	      u32 ne)
{
	struct bft_ckpt_h ck = { .seq = stable };
	u32 len;

	dg(ck.digest, sd);
	len = bft_enc_vc(vbuf[i], sizeof(vbuf[i]), i, 2, stable, &ck, 1, e,
			 ne);
	return len ? bft_wire_parse_vc(vbuf[i], len, &lim, &vcs[i]) : -1;
}

static struct bft_vc_entry_h ent(u64 seq, u64 ppv, u8 ppd, bool prepared,
				 u64 pv, u8 pd)
{
	struct bft_vc_entry_h e;

	memset(&e, 0, sizeof(e));
	e.seq = seq;
	e.pp_view = ppv;
	dg(e.pp_digest, ppd);
	if (prepared) {
		e.flags = BFT_VC_E_PREPARED;
		e.p_view = pv;
		dg(e.p_digest, pd);
	}
	return e;
}

static int compute(u32 m, struct bft_ckpt_h *ck, struct bft_ckpt_h *o,
		   u32 *n_o)
{
	return bft_nv_compute(4, 1, 3, NVT_L, vcs, m, ck, o, n_o);
}

static void t_nv_empty(void)
{
	struct bft_ckpt_h ck, o[NVT_L];
	u32 n_o = 99;

	T_EQ(mk(0, 0, 7, NULL, 0), 0);
	T_EQ(mk(1, 0, 7, NULL, 0), 0);
	T_EQ(compute(2, &ck, o, &n_o), -EAGAIN);	/* below Q */
	T_EQ(mk(2, 0, 7, NULL, 0), 0);
	T_EQ(compute(3, &ck, o, &n_o), 0);
	T_EQ(ck.seq, 0);
	T_EQ(ck.digest[0], 7);
	T_EQ(n_o, 0);
}

static void t_nv_prepared_and_gap_fill(void)
{
	struct bft_vc_entry_h a[2], b[2];
	struct bft_ckpt_h ck, o[NVT_L];
	u8 null[BFT_DIGEST_LEN];
	u32 n_o;

	a[0] = ent(1, 0, 1, true, 0, 1);
	a[1] = ent(3, 0, 3, true, 0, 3);
	b[0] = ent(1, 0, 1, false, 0, 0);
	b[1] = ent(3, 0, 3, true, 0, 3);
	T_EQ(mk(0, 0, 7, a, 2), 0);
	T_EQ(mk(1, 0, 7, b, 2), 0);
	T_EQ(mk(2, 0, 7, NULL, 0), 0);
	T_EQ(compute(3, &ck, o, &n_o), 0);
	T_EQ(n_o, 3);
	bft_null_digest(null);
	T_EQ(o[0].seq, 1);
	T_EQ(o[0].digest[0], 1);
	T_EQ(o[1].seq, 2);
	T_CHECK(!memcmp(o[1].digest, null, BFT_DIGEST_LEN));	/* null fill */
	T_EQ(o[2].seq, 3);
	T_EQ(o[2].digest[0], 3);
}

static void t_nv_lone_claim(void)
{
	struct bft_vc_entry_h x = ent(1, 0, 9, true, 0, 9);
	struct bft_ckpt_h ck, o[NVT_L];
	u32 n_o;

	/* One (possibly lying) replica claims a prepared request. */
	T_EQ(mk(0, 0, 7, NULL, 0), 0);
	T_EQ(mk(1, 0, 7, NULL, 0), 0);
	T_EQ(mk(2, 0, 7, &x, 1), 0);
	T_EQ(compute(3, &ck, o, &n_o), -EAGAIN);	/* wait for more */
	T_EQ(mk(3, 0, 7, NULL, 0), 0);
	T_EQ(compute(4, &ck, o, &n_o), 0);
	T_EQ(n_o, 0);				/* not adopted: null */
}

static void t_nv_later_view_wins(void)
{
	struct bft_vc_entry_h a = ent(1, 1, 2, true, 1, 2);
	struct bft_vc_entry_h b = ent(1, 0, 1, true, 0, 1);
	struct bft_vc_entry_h c = ent(1, 1, 2, false, 0, 0);
	struct bft_ckpt_h ck, o[NVT_L];
	u32 n_o;

	T_EQ(mk(0, 0, 7, &a, 1), 0);
	T_EQ(mk(1, 0, 7, &b, 1), 0);
	T_EQ(mk(2, 0, 7, &c, 1), 0);
	T_EQ(compute(3, &ck, o, &n_o), 0);
	T_EQ(n_o, 1);
	T_EQ(o[0].digest[0], 2);
}

static void t_nv_checkpoint_choice(void)
{
	struct bft_vc_entry_h a = ent(9, 1, 5, true, 1, 5);
	struct bft_ckpt_h ck, o[NVT_L];
	u32 n_o;

	/* Two claim (8, d4): f+1 claimants make it the start. */
	T_EQ(mk(0, 8, 4, &a, 1), 0);
	T_EQ(mk(1, 8, 4, &a, 1), 0);
	T_EQ(mk(2, 0, 7, NULL, 0), 0);
	T_EQ(compute(3, &ck, o, &n_o), 0);
	T_EQ(ck.seq, 8);
	T_EQ(ck.digest[0], 4);
	T_EQ(n_o, 1);
	T_EQ(o[0].seq, 9);
	T_EQ(o[0].digest[0], 5);
	/* A lone claim of 16 is not adopted, and it leaves only two
	 * senders at or below 8: wait for a fourth VIEW-CHANGE.
	 */
	T_EQ(mk(2, 16, 6, NULL, 0), 0);
	T_EQ(compute(3, &ck, o, &n_o), -EAGAIN);
	T_EQ(mk(3, 8, 4, NULL, 0), 0);
	T_EQ(compute(4, &ck, o, &n_o), 0);
	T_EQ(ck.seq, 8);
	T_EQ(n_o, 1);
}

UNIT_TESTS(nv_tests) = {
	{ "newview_empty_and_quorum", t_nv_empty },
	{ "newview_prepared_with_null_fill", t_nv_prepared_and_gap_fill },
	{ "newview_lone_claim_not_adopted", t_nv_lone_claim },
	{ "newview_later_view_wins", t_nv_later_view_wins },
	{ "newview_checkpoint_choice", t_nv_checkpoint_choice },
	UNIT_END
};
