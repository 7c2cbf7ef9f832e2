// SPDX-License-Identifier: GPL-2.0
/* NEW-VIEW computation: given VIEW-CHANGE messages, the O set. */
#include "kselftest_harness.h"
#include "engine.h"
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

TEST(newview_empty_and_quorum)
{
	struct bft_ckpt_h ck, o[NVT_L];
	u32 n_o = 99;

	ASSERT_EQ(0, mk(0, 0, 7, NULL, 0));
	ASSERT_EQ(0, mk(1, 0, 7, NULL, 0));
	ASSERT_EQ(-EAGAIN, compute(2, &ck, o, &n_o));	/* below Q */
	ASSERT_EQ(0, mk(2, 0, 7, NULL, 0));
	ASSERT_EQ(0, compute(3, &ck, o, &n_o));
	ASSERT_EQ(0, ck.seq);
	ASSERT_EQ(7, ck.digest[0]);
	ASSERT_EQ(0, n_o);
}

TEST(newview_prepared_with_null_fill)
{
	struct bft_vc_entry_h a[2], b[2];
	struct bft_ckpt_h ck, o[NVT_L];
	u8 null[BFT_DIGEST_LEN];
	u32 n_o;

	a[0] = ent(1, 0, 1, true, 0, 1);
	a[1] = ent(3, 0, 3, true, 0, 3);
	b[0] = ent(1, 0, 1, false, 0, 0);
	b[1] = ent(3, 0, 3, true, 0, 3);
	ASSERT_EQ(0, mk(0, 0, 7, a, 2));
	ASSERT_EQ(0, mk(1, 0, 7, b, 2));
	ASSERT_EQ(0, mk(2, 0, 7, NULL, 0));
	ASSERT_EQ(0, compute(3, &ck, o, &n_o));
	ASSERT_EQ(3, n_o);
	bft_null_digest(null);
	ASSERT_EQ(1, o[0].seq);
	ASSERT_EQ(1, o[0].digest[0]);
	ASSERT_EQ(2, o[1].seq);
	ASSERT_TRUE(!memcmp(o[1].digest, null, BFT_DIGEST_LEN));	/* null fill */
	ASSERT_EQ(3, o[2].seq);
	ASSERT_EQ(3, o[2].digest[0]);
}

TEST(newview_lone_claim_not_adopted)
{
	struct bft_vc_entry_h x = ent(1, 0, 9, true, 0, 9);
	struct bft_ckpt_h ck, o[NVT_L];
	u32 n_o;

	/* One (possibly lying) replica claims a prepared request. */
	ASSERT_EQ(0, mk(0, 0, 7, NULL, 0));
	ASSERT_EQ(0, mk(1, 0, 7, NULL, 0));
	ASSERT_EQ(0, mk(2, 0, 7, &x, 1));
	ASSERT_EQ(-EAGAIN, compute(3, &ck, o, &n_o));	/* wait for more */
	ASSERT_EQ(0, mk(3, 0, 7, NULL, 0));
	ASSERT_EQ(0, compute(4, &ck, o, &n_o));
	ASSERT_EQ(0, n_o);				/* not adopted: null */
}

TEST(newview_later_view_wins)
{
	struct bft_vc_entry_h a = ent(1, 1, 2, true, 1, 2);
	struct bft_vc_entry_h b = ent(1, 0, 1, true, 0, 1);
	struct bft_vc_entry_h c = ent(1, 1, 2, false, 0, 0);
	struct bft_ckpt_h ck, o[NVT_L];
	u32 n_o;

	ASSERT_EQ(0, mk(0, 0, 7, &a, 1));
	ASSERT_EQ(0, mk(1, 0, 7, &b, 1));
	ASSERT_EQ(0, mk(2, 0, 7, &c, 1));
	ASSERT_EQ(0, compute(3, &ck, o, &n_o));
	ASSERT_EQ(1, n_o);
	ASSERT_EQ(2, o[0].digest[0]);
}

TEST(newview_checkpoint_choice)
{
	struct bft_vc_entry_h a = ent(9, 1, 5, true, 1, 5);
	struct bft_ckpt_h ck, o[NVT_L];
	u32 n_o;

	/* Two claim (8, d4): f+1 claimants make it the start. */
	ASSERT_EQ(0, mk(0, 8, 4, &a, 1));
	ASSERT_EQ(0, mk(1, 8, 4, &a, 1));
	ASSERT_EQ(0, mk(2, 0, 7, NULL, 0));
	ASSERT_EQ(0, compute(3, &ck, o, &n_o));
	ASSERT_EQ(8, ck.seq);
	ASSERT_EQ(4, ck.digest[0]);
	ASSERT_EQ(1, n_o);
	ASSERT_EQ(9, o[0].seq);
	ASSERT_EQ(5, o[0].digest[0]);
	/* A lone claim of 16 is not adopted, and it leaves only two
	 * senders at or below 8: wait for a fourth VIEW-CHANGE.
	 */
	ASSERT_EQ(0, mk(2, 16, 6, NULL, 0));
	ASSERT_EQ(-EAGAIN, compute(3, &ck, o, &n_o));
	ASSERT_EQ(0, mk(3, 8, 4, NULL, 0));
	ASSERT_EQ(0, compute(4, &ck, o, &n_o));
	ASSERT_EQ(8, ck.seq);
	ASSERT_EQ(1, n_o);
}

TEST_HARNESS_MAIN
