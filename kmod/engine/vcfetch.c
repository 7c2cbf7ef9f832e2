// SPDX-License-Identifier: GPL-2.0
/*
 * The VIEW-CHANGEs a NEW-VIEW names, for a backup that must check it.
 *
 * Keep: besides the latest VIEW-CHANGE of each author (viewchange.c), a
 * second copy, so an author's VIEW-CHANGE for a later view does not evict
 * the one a NEW-VIEW still to be checked names.
 *
 * Fetch: a backup that lacks a named copy, or holds another one, asks
 * every replica for (view, author, digest) with FETCH(VC). A replica that
 * holds that copy relays it in DATA(VC) under its own MAC (MACs cannot
 * forward the author's). The backup takes the bytes once f+1 replicas
 * relayed a copy with the named digest (one of them is correct and got
 * it from its author), or the author itself sent them.
 * Documentation/engine.rst has the argument.
 */
#include "internal.h"

/* A named copy we lack: who relayed one with the named digest. */
struct bft_vcf_want {
	bool active;
	u64 relayers;
	u8 digest[BFT_DIGEST_LEN];
};

int bft_vcf_alloc(struct bft_engine *e)
{
	u32 n = e->max_n;

	e->vcf.vk_mem = bft_zalloc((size_t)n * e->vc.max);
	e->vcf.vk_len = bft_zalloc(sizeof(u32) * n);
	e->vcf.vk_view = bft_zalloc(sizeof(u64) * n);
	e->vcf.want = bft_zalloc(sizeof(*e->vcf.want) * n);
	e->vcf.answered = bft_zalloc(sizeof(u64) * n * n);
	e->vcf.at = BFT_NO_DEADLINE;
	if (!e->vcf.vk_mem || !e->vcf.vk_len || !e->vcf.vk_view || !e->vcf.want ||
	    !e->vcf.answered)
		return -ENOMEM;
	return 0;
}

void bft_vcf_free(struct bft_engine *e)
{
	bft_free(e->vcf.vk_mem);
	bft_free(e->vcf.vk_len);
	bft_free(e->vcf.vk_view);
	bft_free(e->vcf.want);
	bft_free(e->vcf.answered);
}

/* A new epoch: no copy of an older one is named again. */
void bft_vcf_reset(struct bft_engine *e)
{
	u32 n = e->max_n;

	memset(e->vcf.vk_len, 0, sizeof(u32) * n);
	memset(e->vcf.vk_view, 0, sizeof(u64) * n);
	memset(e->vcf.want, 0, sizeof(*e->vcf.want) * n);
	e->vcf.at = BFT_NO_DEADLINE;
}

static u8 *latest_buf(struct bft_engine *e, u32 j)
{
	return e->vc.mem + (size_t)j * e->vc.max;
}

static u8 *keep_buf(struct bft_engine *e, u32 j)
{
	return e->vcf.vk_mem + (size_t)j * e->vc.max;
}

/* SHA-256 of a VIEW-CHANGE (without its trailer) is @digest. */
static bool digest_is(const u8 *buf, u32 len, const u8 *digest)
{
	u8 d[BFT_DIGEST_LEN];

	bft_msg_digest(buf, len - BFT_MAC_LEN, d);
	return !memcmp(d, digest, BFT_DIGEST_LEN);
}

/* The copy of @j's VIEW-CHANGE for view @v with @digest, if held. */
const u8 *bft_vc_copy(struct bft_engine *e, u32 j, u64 v, const u8 *digest,
		      u32 *len)
{
	/* The latest copy's digest was taken when vc_store() stored it. */
	if (e->vc.len[j] && e->vc.view[j] == v &&
	    !memcmp(e->vc.dig + (size_t)j * BFT_DIGEST_LEN, digest,
		    BFT_DIGEST_LEN)) {
		*len = e->vc.len[j];
		return latest_buf(e, j);
	}
	if (e->vcf.vk_len[j] && e->vcf.vk_view[j] == v &&
	    digest_is(keep_buf(e, j), e->vcf.vk_len[j], digest)) {
		*len = e->vcf.vk_len[j];
		return keep_buf(e, j);
	}
	return NULL;
}

/* Lower is worth keeping more: a pending NEW-VIEW's, then the nearest. */
static u64 keep_rank(const struct bft_engine *e, u64 v)
{
	if (e->vc.nv_pending && v == e->vc.nv_view)
		return 0;
	return v < e->view ? (u64)-1 : 1 + v - e->view;
}

/* @j's latest VIEW-CHANGE is about to give way to one for a later view. */
void bft_vc_keep(struct bft_engine *e, u32 j)
{
	if (!e->vc.len[j] || keep_rank(e, e->vc.view[j]) == (u64)-1)
		return;
	if (e->vcf.vk_len[j] &&
	    keep_rank(e, e->vcf.vk_view[j]) <= keep_rank(e, e->vc.view[j]))
		return;
	memcpy(keep_buf(e, j), latest_buf(e, j), e->vc.len[j]);
	e->vcf.vk_len[j] = e->vc.len[j];
	e->vcf.vk_view[j] = e->vc.view[j];
}

/* NEW-VIEW(v) names @digest for @j, and we hold no such copy. */
void bft_vcf_want(struct bft_engine *e, u64 v, u32 j, const u8 *digest)
{
	struct bft_vcf_want *w = &e->vcf.want[j];
	u32 i;

	if (e->vcf.view != v) {
		for (i = 0; i < e->n; i++)
			e->vcf.want[i].active = false;
		e->vcf.view = v;
	}
	if (w->active && !memcmp(w->digest, digest, BFT_DIGEST_LEN))
		return;
	w->active = true;
	w->relayers = 0;
	memcpy(w->digest, digest, BFT_DIGEST_LEN);
	/*
	 * Holding another copy for v, or a later one, the named copy is not
	 * coming from its author: ask at once. Holding none, it may merely
	 * be in flight (VCs go to everyone): ask after xfer_retry_ms.
	 */
	if ((e->vc.len[j] && e->vc.view[j] >= v) ||
	    (e->vcf.vk_len[j] && e->vcf.vk_view[j] == v))
		e->vcf.at = e->now;
	else if (e->vcf.at == BFT_NO_DEADLINE)
		e->vcf.at = e->now + e->cfg.xfer_retry_ms;
}

/* Ask every xfer_retry_ms while the NEW-VIEW waits for named copies. */
void bft_vcf_tick(struct bft_engine *e)
{
	struct bft_vcf_want *w;
	bool asked = false;
	u32 j, n, len;

	if (e->vcf.at == BFT_NO_DEADLINE || e->now < e->vcf.at)
		return;
	e->vcf.at = BFT_NO_DEADLINE;
	for (j = 0; j < e->n; j++) {
		w = &e->vcf.want[j];
		if (!w->active)
			continue;
		/* Done with, or arrived directly meanwhile. */
		if (!e->vc.nv_pending || e->vc.nv_view != e->vcf.view ||
		    e->vcf.view < e->view ||
		    bft_vc_copy(e, j, e->vcf.view, w->digest, &len)) {
			w->active = false;
			continue;
		}
		n = bft_enc_fetch(e->tx, BFT_WIRE_MAX_DGRAM, e->id, e->view,
				  BFT_FETCH_VC, e->vcf.view, j, w->digest);
		bft_multicast(e, e->tx, n);
		e->ctr.vc_fetch_requests++;
		asked = true;
	}
	if (asked)
		e->vcf.at = e->now + e->cfg.xfer_retry_ms;
}

/* Relay our copy, if we hold the one asked for; rate-limited per pair. */
int bft_on_fetch_vc(struct bft_engine *e, u32 from,
		    const struct bft_fetch_view *f)
{
	u32 j = (u32)f->offset, len, n;
	const u8 *p;

	if (j >= e->n)
		return BFT_DROP_RESERVED;
	if (!bft_answer_due(e, &e->vcf.answered[from * e->max_n + j]))
		return BFT_DROP_BUSY;
	p = bft_vc_copy(e, j, f->seq, f->digest, &len);
	if (!p)
		return 0;	/* not ours to tell */
	n = bft_enc_data(e->tx, BFT_WIRE_MAX_DGRAM, e->id, BFT_FETCH_VC,
			 f->seq, 0, len - BFT_MAC_LEN, j, f->digest, p,
			 len - BFT_MAC_LEN);
	e->ctr.vc_relayed++;
	bft_send_replica(e, from, e->tx, n);
	return 0;
}

int bft_on_vc_data(struct bft_engine *e, u32 from,
		   const struct bft_data_view *d)
{
	u32 j = d->count, len = d->chunk_len + BFT_MAC_LEN;
	struct bft_vcf_want *w = &e->vcf.want[j];
	struct bft_vc_view vc;

	if (!e->vcf.view || d->seq != e->vcf.view ||
	    (w->active && memcmp(w->digest, d->digest, BFT_DIGEST_LEN)))
		return BFT_DROP_XFER;
	if (!w->active)
		return BFT_DROP_DUPLICATE;
	if (w->relayers & (1ULL << from))
		return 0;	/* answers our next round: counted once */
	/* The chunk is followed by the DATA trailer: parse it in place. */
	if (!digest_is(d->chunk, len, w->digest))
		return BFT_DROP_DIGEST;
	if (bft_wire_parse_vc(d->chunk, len, &e->lim, &vc) ||
	    vc.replica != j || vc.new_view != d->seq)
		return BFT_DROP_VC_FORMAT;
	w->relayers |= 1ULL << from;
	/* From its author, under its MAC: as good as the VIEW-CHANGE. */
	if (from != j && bft_popcount64(w->relayers) < e->f + 1)
		return 0;
	w->active = false;
	memcpy(keep_buf(e, j), d->chunk, d->chunk_len);
	memset(keep_buf(e, j) + d->chunk_len, 0, BFT_MAC_LEN);
	e->vcf.vk_len[j] = len;
	e->vcf.vk_view[j] = d->seq;
	e->ctr.vc_fetched++;
	bft_nv_retry(e);
	return 0;
}
