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

static int peer_fill(struct bftd_peer *p);

/* Every key of @p freed, its rotation state zero. */
void bftd_peer_clear(struct bftd_peer *p)
{
	int i;

	for (i = 0; i < BFT_KR_SLOTS; i++)
		bft_hmac_free(&p->key[i]);
	memset(p, 0, sizeof(*p));
}

/*
 * Gives @p the key @k (taken over) as id 0, and the ratchet's next two:
 * a new host, a new key, its rotation starts over.
 */
int bftd_peer_set_key(struct bftd_peer *p, struct bft_hmac *k)
{
	bftd_peer_clear(p);
	p->key[0] = *k;
	k->ctx = NULL;
	return peer_fill(p);
}

/* Keys with every other replica and every configured client. */
int bftd_keys(struct bftd *d, const uint8_t priv[BFT_KEY_LEN], char *err,
	      size_t errlen)
{
	struct bft_principal_id me = { BFT_PRINCIPAL_REPLICA, d->id };
	struct bft_hmac h = { 0 };
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
			ret = bft_hmac_init(&h, key);
		if (!ret)
			ret = bftd_peer_set_key(&d->rpeer[i], &h);
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
		bftd_peer_clear(&d->rpeer[i]);
	for (i = 0; d->cmac && i < d->n_clients; i++)
		bft_hmac_free(&d->cmac[i]);
	free(d->cmac);
	d->cmac = NULL;
}

/*
 * The key a datagram naming @key_id is checked or MAC'd with, or NULL: an
 * id out of the window, or whose key could not be derived.
 */
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
		if (!d->rpeer[id].key[bft_kr_slot_of(bft_kr_cur(d->rpeer[id].kr))].ctx)
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
	return bft_kr_send_id(d->rpeer[id].kr);
}

/* Only a verified datagram moves the state (engine/keyrot.h). */
void bftd_keys_rx(struct bftd *d, const uint8_t *buf, uint32_t len,
		  int reason)
{
	struct bftd_peer *p;
	uint32_t sender, s;

	if (reason || len < BFT_HDR_LEN ||
	    bft_wget8(buf, bft_hdr, principal) != BFT_PRINCIPAL_REPLICA)
		return;
	sender = bft_wget32(buf, bft_hdr, sender);
	if (sender >= d->n || sender == d->id)
		return;
	p = &d->rpeer[sender];
	s = bft_kr_seen(p->kr, bft_wget8(buf, bft_hdr, key_id));
	if (s == p->kr)
		return;
	p->kr = s;
	peer_fill(p);
}

/*
 * Installs keys c + 1 and c + 2 where missing (the ratchet) and frees the
 * one below c, a completed rotation's old key, as kmod/keys.c does.
 */
static int peer_fill(struct bftd_peer *p)
{
	uint8_t msg[BFT_KR_RATCHET_LEN], raw[BFT_HMAC_TAG_LEN];
	struct iovec v = { .iov_base = msg, .iov_len = sizeof(msg) };
	uint8_t id = bft_kr_cur(p->kr);
	struct bft_hmac *prev = &p->key[bft_kr_slot_of(id)], *k;
	int i, ret = 0;

	if (p->id[bft_kr_slot_of(id)] != id || !prev->ctx)
		return -ENOKEY;
	for (i = 1; i < BFT_KR_WINDOW && !ret; i++) {
		id++;
		k = &p->key[bft_kr_slot_of(id)];
		if (p->id[bft_kr_slot_of(id)] != id || !k->ctx) {
			bft_kr_ratchet_msg(msg, id);
			ret = bft_hmac_compute(prev, &v, 1, raw);
			bft_hmac_free(k);
			if (!ret)
				ret = bft_hmac_init(k, raw);
			p->id[bft_kr_slot_of(id)] = id;
		}
		prev = k;
	}
	bft_key_wipe(raw, sizeof(raw));
	id++;
	bft_hmac_free(&p->key[bft_kr_slot_of(id)]);
	return ret;
}

/* Starts a rotation of @p; -EBUSY while one is in progress. */
static int peer_rotate(struct bftd_peer *p)
{
	int ret = (p->kr & BFT_KR_SEND) ? -EBUSY : peer_fill(p);

	return ret ? ret : bft_kr_rotate(&p->kr);
}

int bftd_keys_rotate(struct bftd *d, uint64_t now)
{
	uint32_t i, started = 0;
	int ret = -EBUSY;

	/* As kmod/keys.c: a pair already rotating is left alone. */
	for (i = 0; i < d->n; i++) {
		if (i == d->id)
			continue;
		ret = peer_rotate(&d->rpeer[i]);
		started += !ret;
	}
	d->rotated_ms = now;
	return started ? 0 : ret;
}

/* Periodic rotation, and keys a failed derivation left missing. */
void bftd_keys_work(struct bftd *d, uint64_t now)
{
	struct bft_config cfg;
	uint32_t i;

	bft_engine_get_config(d->engine, &cfg);
	if (cfg.key_rotation_sec &&
	    now >= d->rotated_ms + cfg.key_rotation_sec * 1000ULL)
		bftd_keys_rotate(d, now);
	for (i = 0; i < d->n; i++)
		if (i != d->id)
			peer_fill(&d->rpeer[i]);
}
