// SPDX-License-Identifier: GPL-2.0
/*
 * bftd's pairwise keys and their live rotation, by the rules of
 * kmod/engine/keyrot.h that bft.ko follows too (kmod/keys.c), so kernel
 * and userspace replicas rotate with each other. Single-threaded: the
 * state word is updated in place.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bftd.h"

#define BFTD_MAX_IOV	4
/* Overlap of a rotation, in view-change timeouts (kmod/keys.h). */
#define BFTD_KEY_OVERLAP_VC	4

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
			ret = bft_hmac_init(&d->rpeer[i].key[0], key);
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

	for (i = 0; i < BFT_MAX_REPLICAS; i++) {
		bft_hmac_free(&d->rpeer[i].key[0]);
		bft_hmac_free(&d->rpeer[i].key[1]);
	}
	for (i = 0; d->cmac && i < d->n_clients; i++)
		bft_hmac_free(&d->cmac[i]);
	free(d->cmac);
	d->cmac = NULL;
}

/* The key a datagram naming @key_id is checked or MAC'd with, or NULL. */
static struct bft_hmac *peer_key(struct bftd_peer *p, uint8_t key_id)
{
	int slot = bft_kr_slot(p->kr, key_id);

	if (slot < 0 || p->id[slot] != key_id || !p->key[slot].ctx)
		return NULL;
	return &p->key[slot];
}

int bftd_mac(void *ctx, u8 principal, u32 id, const struct bft_iov *iov,
	     u32 niov, u8 tag[BFT_MAC_LEN])
{
	struct bftd *d = ctx;
	struct iovec v[BFTD_MAX_IOV];
	struct bft_hmac *h = NULL;
	uint8_t key_id;
	u32 i;

	/* The header, first in iov[0], names the key (engine.h). */
	if (!niov || niov > BFTD_MAX_IOV || iov[0].len < BFT_HDR_LEN)
		return -EINVAL;
	key_id = bft_wget8((const u8 *)iov[0].base, bft_hdr, key_id);
	if (principal == BFT_PRINCIPAL_REPLICA && id < d->n) {
		if (!d->rpeer[id].key[0].ctx && !d->rpeer[id].key[1].ctx)
			return -ENOKEY;
		h = peer_key(&d->rpeer[id], key_id);
		if (!h)
			return -EKEYREJECTED;
	} else if (principal == BFT_PRINCIPAL_CLIENT && id < d->n_clients) {
		/* Client keys are not rotated live: always id 0. */
		if (key_id)
			return -EKEYREJECTED;
		h = &d->cmac[id];
	}
	if (!h || !h->ctx)
		return -ENOKEY;
	for (i = 0; i < niov; i++) {
		v[i].iov_base = (void *)iov[i].base;
		v[i].iov_len = iov[i].len;
	}
	return bft_hmac_compute(h, v, niov, tag);
}

u8 bftd_key_id(void *ctx, u8 principal, u32 id)
{
	struct bftd *d = ctx;

	if (principal != BFT_PRINCIPAL_REPLICA || id >= d->n)
		return 0;
	return bft_kr_send_id(d->rpeer[id].kr, bftd_mono_ms(),
			      d->rpeer[id].switch_ms);
}

void bftd_keys_rx(struct bftd *d, const uint8_t *buf, uint32_t len,
		  int reason)
{
	struct bftd_peer *p;
	uint32_t sender, s;
	uint8_t key_id;

	if ((reason && reason != BFT_DROP_KEY_ID) || len < BFT_HDR_LEN ||
	    bft_wget8(buf, bft_hdr, principal) != BFT_PRINCIPAL_REPLICA)
		return;
	sender = bft_wget32(buf, bft_hdr, sender);
	if (sender >= d->n || sender == d->id)
		return;
	p = &d->rpeer[sender];
	key_id = bft_wget8(buf, bft_hdr, key_id);
	s = reason ? bft_kr_unknown(p->kr, key_id) : bft_kr_seen(p->kr, key_id);
	if (s == p->kr)
		return;
	p->kr = s;
	bftd_keys_work(d, bftd_mono_ms());
}

static uint64_t overlap_ms(struct bftd *d)
{
	struct bft_config cfg;

	bft_engine_get_config(d->engine, &cfg);
	return (uint64_t)BFTD_KEY_OVERLAP_VC * cfg.vc_timeout_ms;
}

/* Installs the ratchet's next key of @p, sending with it from @switch_ms. */
static int peer_install(struct bftd_peer *p, uint64_t switch_ms)
{
	uint8_t msg[BFT_KR_RATCHET_LEN], raw[BFT_HMAC_TAG_LEN];
	struct iovec v = { .iov_base = msg, .iov_len = sizeof(msg) };
	uint8_t cur = bft_kr_cur(p->kr), next = bft_kr_next(p->kr);
	struct bft_hmac *k = &p->key[next & 1];
	int slot = cur & 1, ret;

	if (p->kr & BFT_KR_NEXT)
		return -EBUSY;
	if (p->id[slot] != cur || !p->key[slot].ctx)
		return -ENOKEY;
	bft_kr_ratchet_msg(msg, next);
	ret = bft_hmac_compute(&p->key[slot], &v, 1, raw);
	if (!ret) {
		bft_hmac_free(k);
		ret = bft_hmac_init(k, raw);
	}
	bft_key_wipe(raw, sizeof(raw));
	if (ret)
		return ret;
	p->id[next & 1] = next;
	p->switch_ms = switch_ms;
	return bft_kr_install(&p->kr);
}

int bftd_keys_rotate(struct bftd *d, uint64_t now)
{
	uint32_t i, started = 0;
	int ret = -EBUSY;

	/* As kmod/keys.c: a pair already rotating is left alone. */
	for (i = 0; i < d->n; i++) {
		if (i == d->id)
			continue;
		ret = peer_install(&d->rpeer[i], now + overlap_ms(d));
		started += !ret;
	}
	d->rotated_ms = now;
	return started ? 0 : ret;
}

void bftd_keys_work(struct bftd *d, uint64_t now)
{
	struct bft_config cfg;
	struct bftd_peer *p;
	uint32_t i;

	bft_engine_get_config(d->engine, &cfg);
	if (cfg.key_rotation_sec &&
	    now >= d->rotated_ms + cfg.key_rotation_sec * 1000ULL) {
		/* A pair still rotating is left to finish first. */
		for (i = 0; i < d->n; i++)
			if (i != d->id && !(d->rpeer[i].kr & BFT_KR_NEXT))
				peer_install(&d->rpeer[i], now + overlap_ms(d));
		d->rotated_ms = now;
	}
	for (i = 0; i < d->n; i++) {
		p = &d->rpeer[i];
		if (i == d->id)
			continue;
		/* As kmod/keys.c: follow a peer that switched first. */
		if (p->kr & BFT_KR_FOLLOW) {
			p->kr = bft_kr_skip(p->kr);
			peer_install(p, now + overlap_ms(d));
		}
		/* A completed rotation: the old key goes now. */
		else if (!(p->kr & BFT_KR_NEXT))
			bft_hmac_free(&p->key[bft_kr_next(p->kr) & 1]);
	}
}
