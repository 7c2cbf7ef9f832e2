// SPDX-License-Identifier: GPL-2.0
/*
 * Per-client table: last executed timestamp and reply (so a duplicate is
 * answered from the cache and never executed twice), plus the one request
 * a client may have pending. Sized by the configured client count.
 */
#include "internal.h"

int bft_clients_alloc(struct bft_engine *e)
{
	u32 nc = e->cfg.n_clients, i;
	size_t per = (size_t)e->cfg.max_result + e->req_max;

	e->cl.tab = bft_zalloc(sizeof(*e->cl.tab) * nc);
	e->cl.queue = bft_zalloc(sizeof(*e->cl.queue) * nc);
	e->cl.mem = bft_zalloc(per * nc);
	if (!e->cl.tab || !e->cl.queue || !e->cl.mem)
		return -ENOMEM;
	for (i = 0; i < nc; i++) {
		e->cl.tab[i].reply = e->cl.mem + per * i;
		e->cl.tab[i].pend = e->cl.tab[i].reply + e->cfg.max_result;
	}
	return 0;
}

void bft_clients_free(struct bft_engine *e)
{
	bft_free(e->cl.tab);
	bft_free(e->cl.queue);
	bft_free(e->cl.mem);
}

void bft_cache_reply(struct bft_engine *e, u32 c, u64 view, const u8 *res,
		     u32 len)
{
	struct bft_client *cl = &e->cl.tab[c];

	cl->reply_view = view;
	cl->reply_len = len;
	cl->have_reply = true;
	if (len)
		memcpy(cl->reply, res, len);
}

void bft_send_reply(struct bft_engine *e, u32 c, u64 ts, u8 flags,
		    const u8 *res, u32 len)
{
	u32 n = bft_enc_reply(e->tx, BFT_WIRE_MAX_DGRAM, e->id, e->view, ts, c,
			      flags, res, len);

	bft_send_client(e, c, e->tx, n);
}

void bft_send_cached_reply(struct bft_engine *e, u32 c)
{
	struct bft_client *cl = &e->cl.tab[c];
	u32 n;

	n = bft_enc_reply(e->tx, BFT_WIRE_MAX_DGRAM, e->id, cl->reply_view,
			  cl->last_ts, c,
			  bft_tent_reply(e, c) ? BFT_REPLY_F_TENTATIVE : 0,
			  cl->reply, cl->reply_len);
	bft_send_client(e, c, e->tx, n);
	e->ctr.replies_resent++;
}

/*
 * The engine's part of the replicated state, per client: last executed
 * timestamp and the cached reply (le32 present, le32 length, result
 * padded with zeros to max_result). The reply is state: a replica that
 * catches up by state transfer must still answer a retransmission of a
 * request it never executed itself. The reply's view is not: replicas
 * may execute the same batch in different views.
 */
u32 bft_clients_state_size(const struct bft_config *cfg)
{
	return cfg->n_clients * (16 + cfg->max_result);
}

void bft_clients_save(const struct bft_engine *e, u8 *out)
{
	u32 per = 16 + e->cfg.max_result, i;

	memset(out, 0, (size_t)per * e->cfg.n_clients);
	for (i = 0; i < e->cfg.n_clients; i++, out += per) {
		const struct bft_client *cl = &e->cl.tab[i];

		bft_put64(out, cl->last_ts);
		if (!cl->have_reply)
			continue;
		bft_put32(out + 8, 1);
		bft_put32(out + 12, cl->reply_len);
		memcpy(out + 16, cl->reply, cl->reply_len);
	}
}

void bft_clients_load(struct bft_engine *e, const u8 *in)
{
	u32 per = 16 + e->cfg.max_result, i, len;

	for (i = 0; i < e->cfg.n_clients; i++, in += per) {
		struct bft_client *cl = &e->cl.tab[i];

		cl->last_ts = bft_get64(in);
		cl->exec_seq = 0;
		len = bft_get32(in + 12);
		cl->have_reply = bft_get32(in + 8) == 1 &&
				 len <= e->cfg.max_result;
		if (!cl->have_reply)
			continue;
		cl->reply_len = len;
		cl->reply_view = e->view;
		memcpy(cl->reply, in + 16, len);
	}
	bft_pend_sweep(e);
}

bool bft_has_pending(const struct bft_engine *e)
{
	return e->cl.n_pend != 0;
}

void bft_pend_clear(struct bft_engine *e, u32 c)
{
	struct bft_client *cl = &e->cl.tab[c];

	if (cl->pend_state == PEND_NONE)
		return;
	if (cl->pend_state == PEND_QUEUED)
		e->cl.q_bytes -= e->cl.q_bytes < cl->pend_len ? e->cl.q_bytes :
			      cl->pend_len;
	cl->pend_state = PEND_NONE;
	e->cl.n_pend--;
}

/* Drop pending requests that are already executed (after a transfer). */
void bft_pend_sweep(struct bft_engine *e)
{
	u32 i;

	for (i = 0; i < e->cfg.n_clients; i++)
		if (e->cl.tab[i].pend_state != PEND_NONE &&
		    e->cl.tab[i].pend_ts <= e->cl.tab[i].last_ts)
			bft_pend_clear(e, i);
}
