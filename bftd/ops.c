// SPDX-License-Identifier: GPL-2.0
/*
 * bftd's engine callbacks: pairwise HMAC keys, transmission, events and
 * ordered-log delivery. They mirror the kernel glue (kmod/send.c) so both
 * replicas behave the same; the service is the kernel's bft_kv_service.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "bftd.h"

#define BFTD_MAX_IOV	4

/* Keys with every other replica and every configured client. */
int bftd_keys(struct bftd *d, const uint8_t priv[BFT_KEY_LEN], char *err,
	      size_t errlen)
{
	struct bft_principal_id me = { BFT_PRINCIPAL_REPLICA, d->id };
	uint8_t key[BFT_KEY_LEN];
	uint32_t i;
	int ret = 0;

	d->cmac = calloc(d->n_clients, sizeof(*d->cmac));
	if (!d->cmac) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < d->n && !ret; i++) {
		struct bft_principal_id peer = { BFT_PRINCIPAL_REPLICA, i };

		if (i == d->id)
			continue;
		ret = bft_key_pairwise(priv, d->conf.replicas[i].pub,
				       d->conf.name, me, peer, key);
		if (ret)
			snprintf(err, errlen,
				 "cannot derive the key for replica %u", i);
		else
			ret = bft_hmac_init(&d->rmac[i], key);
	}
	for (i = 0; i < d->conf.n_clients && !ret; i++) {
		const struct bft_conf_client *c = &d->conf.clients[i];
		struct bft_principal_id peer = { BFT_PRINCIPAL_CLIENT, c->id };

		ret = bft_key_pairwise(priv, c->pub, d->conf.name, me, peer,
				       key);
		if (ret)
			snprintf(err, errlen,
				 "cannot derive the key for client %u", c->id);
		else
			ret = bft_hmac_init(&d->cmac[c->id], key);
	}
	bft_key_wipe(key, sizeof(key));
	if (ret && !err[0])
		snprintf(err, errlen, "cannot key HMAC-SHA256");
	return ret;
}

void bftd_keys_free(struct bftd *d)
{
	uint32_t i;

	for (i = 0; i < BFT_MAX_REPLICAS; i++)
		bft_hmac_free(&d->rmac[i]);
	for (i = 0; d->cmac && i < d->n_clients; i++)
		bft_hmac_free(&d->cmac[i]);
	free(d->cmac);
	d->cmac = NULL;
}

int bftd_mac(void *ctx, u8 principal, u32 id, const struct bft_iov *iov,
	     u32 niov, u8 tag[BFT_MAC_LEN])
{
	struct bftd *d = ctx;
	struct iovec v[BFTD_MAX_IOV];
	struct bft_hmac *h = NULL;
	u32 i;

	if (principal == BFT_PRINCIPAL_REPLICA && id < d->n)
		h = &d->rmac[id];
	else if (principal == BFT_PRINCIPAL_CLIENT && id < d->n_clients)
		h = &d->cmac[id];
	if (!h || !h->ctx)
		return -ENOKEY;
	if (niov > BFTD_MAX_IOV)
		return -EINVAL;
	for (i = 0; i < niov; i++) {
		v[i].iov_base = (void *)iov[i].base;
		v[i].iov_len = iov[i].len;
	}
	return bft_hmac_compute(h, v, niov, tag);
}

static void op_send(void *ctx, u8 principal, u32 id, const void *buf,
		    u32 len)
{
	struct bftd *d = ctx;

	if (bft_wire_answers_src(principal, buf) && d->rx_src &&
	    d->rx_slen <= sizeof(*d->rx_src)) {
		bftd_tx_queue(d, d->rx_src, d->rx_slen, buf, len);
	} else if (principal == BFT_PRINCIPAL_REPLICA && id < d->n &&
		   id != d->id) {
		bftd_tx_queue(d, &d->rep_ep[id], d->rep_len[id], buf, len);
	} else if (principal == BFT_PRINCIPAL_CLIENT && id < d->n_clients &&
		   d->cli_len[id]) {
		bftd_tx_queue(d, &d->cli_ep[id], d->cli_len[id], buf, len);
	} else {
		d->st.tx_no_endpoint++;
	}
}

static void op_event(void *ctx, const struct bft_event *ev)
{
	struct bftd *d = ctx;

	d->st.events++;
	/* Checkpoints are routine (-vv); everything else is worth a line. */
	if ((ev->type == BFT_EV_CHECKPOINT || ev->type == BFT_EV_STABLE) &&
	    d->verbose < 2)
		return;
	fprintf(stderr, "bftd[%u]: %s view %llu seq %llu", d->id,
		bft_event_name(ev->type),
		(unsigned long long)ev->view, (unsigned long long)ev->seq);
	if (ev->type == BFT_EV_EVIDENCE)
		fprintf(stderr, " replica %u kind %u", ev->replica, ev->kind);
	fputc('\n', stderr);
}

static void op_committed(void *ctx, u64 seq, u64 view, const void *batch,
			 u32 len, u32 count)
{
	struct bftd *d = ctx;

	(void)seq;
	(void)view;
	(void)batch;
	(void)len;
	(void)count;
	d->st.committed++;
}

const struct bft_ops bftd_ops = {
	.mac = bftd_mac,
	.send = op_send,
	.event = op_event,
	.committed = op_committed,
	.client_fresh = bftd_client_fresh,
	.reconfig = bftd_reconfig,
	.staged = bftd_staged,
};
