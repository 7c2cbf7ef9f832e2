// SPDX-License-Identifier: GPL-2.0
/*
 * byz-client: a Byzantine client. It holds a client's key, so every
 * request it sends is genuine, and it abuses that: the same (client,
 * timestamp) with a different operation for different replicas (PUT
 * KEY=A-ts to the first half, PUT KEY=B-ts to the rest), and requests
 * whose authenticator is valid at the primary only ("primary-only"):
 * the primary can propose them, no backup can vouch for them. At most
 * one value per timestamp may execute, the same on every correct
 * replica; the primary-only requests cost a view change at worst.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "adversary.h"
#include "../../kmod/kv_codec.h"
#include "../../bftctl/lib/keys.h"

#define BYZ_KEY		"byz"

/* Pairwise client-replica keys, as libbftclient derives them. */
int adv_client_keys(struct adv *a, const char *keyfile)
{
	struct bft_principal_id me = { BFT_PRINCIPAL_CLIENT, a->client };
	uint8_t priv[BFT_KEY_LEN], pub[BFT_KEY_LEN], key[BFT_KEY_LEN];
	const struct bft_conf *c = &a->d.conf;
	uint32_t i;
	int ret = -1;

	for (i = 0; i < c->n_clients; i++)
		if (c->clients[i].id == a->client)
			break;
	if (i == c->n_clients || bft_key_read_file(keyfile, priv) ||
	    bft_key_public(priv, pub) ||
	    memcmp(pub, c->clients[i].pub, BFT_KEY_LEN)) {
		fprintf(stderr, "adversary: %s is not client %u's private key\n",
			keyfile, a->client);
		goto out;
	}
	for (i = 0; i < c->n_replicas; i++) {
		struct bft_principal_id peer = { BFT_PRINCIPAL_REPLICA, i };

		if (bft_key_pairwise(priv, c->replicas[i].pub, c->name, me,
				     peer, key) ||
		    bft_hmac_init(&a->cmac[i], key))
			goto out;
	}
	ret = 0;
out:
	bft_key_wipe(priv, sizeof(priv));
	bft_key_wipe(key, sizeof(key));
	return ret;
}

/*
 * A REQUEST of @client at @ts carrying @op into a->tx, with a valid
 * authenticator entry for the replicas in @valid, noise elsewhere.
 */
static uint32_t client_request(struct adv *a, uint32_t client, uint64_t ts,
			       const uint8_t *op, uint32_t olen, uint8_t flags,
			       uint64_t valid)
{
	struct iovec iov;
	uint32_t len, i;

	len = olen ? bft_enc_request(a->tx, BFT_WIRE_MAX_DGRAM, client, ts,
				     op, olen, flags, (uint8_t)a->d.n) : 0;
	if (!len)
		return 0;
	iov.iov_base = a->tx;
	iov.iov_len = BFT_REQ_FIXED + olen;
	for (i = 0; i < a->d.n; i++) {
		uint8_t *tag_at = a->tx + iov.iov_len + i * BFT_MAC_LEN;

		if (!(valid & (1ULL << i)) || client != a->client ||
		    bft_hmac_compute(&a->cmac[i], &iov, 1, tag_at))
			adv_fill(a, tag_at, BFT_MAC_LEN);
	}
	return len;
}

/* PUT BYZ_KEY=@tag-@ts as our client at @ts, valid for @valid. */
static uint32_t byz_request(struct adv *a, uint64_t ts, char tag,
			    uint64_t valid)
{
	uint8_t op[64];
	char val[32];
	uint32_t olen;

	snprintf(val, sizeof(val), "%c-%llu", tag, (unsigned long long)ts);
	olen = bft_kv_enc_put(op, sizeof(op), BYZ_KEY, strlen(BYZ_KEY), val,
			      strlen(val));
	return client_request(a, a->client, ts, op, olen, 0, valid);
}

/* Replies: track the view, so primary-only requests find the primary. */
static void byz_drain(struct adv *a, uint64_t *view)
{
	struct bft_reply_view r;
	int n;

	while ((n = adv_recv(a, 0)) > 0)
		if (bft_wget8(a->rx, bft_hdr, kind) == BFT_MSG_REPLY &&
		    !bft_wire_parse_reply(a->rx, (uint32_t)n, &a->lim, &r) &&
		    r.view > *view)
			*view = r.view;
}

int adv_byz_client(struct adv *a)
{
	uint64_t all = (1ULL << a->d.n) - 1, view = a->view, ts;
	uint64_t every, next_trick;
	uint32_t t, len, half = a->d.n / 2, tricks = 0;

	if (!a->duration_ms) {
		fprintf(stderr, "adversary: byz-client needs --duration\n");
		return 1;
	}
	/* Timestamps above anything the real client (bench) uses. */
	ts = ((uint64_t)1 << 40) + bftd_mono_ms();
	/* Spread the primary-only requests over the run. */
	every = a->duration_ms / (a->trick + 1);
	next_trick = a->start_ms + every;
	while (!adv_done(a)) {
		ts++;
		len = byz_request(a, ts, 'A', all);
		for (t = 0; t < half && len; t++)
			adv_send(a, t, a->tx, len);
		len = byz_request(a, ts, 'B', all);
		for (t = half; t < a->d.n && len; t++)
			adv_send(a, t, a->tx, len);
		a->proposals++;
		if (tricks < a->trick && bftd_mono_ms() >= next_trick) {
			uint32_t p = (uint32_t)(view % a->d.n);

			ts++;
			len = byz_request(a, ts, 'P', 1ULL << p);
			for (t = 0; t < a->d.n && len; t++) {
				adv_send(a, t, a->tx, len);
				if (t != p)
					a->expect[t][BFT_DROP_AUTH]++;
			}
			tricks++;
			next_trick += every;
		}
		byz_drain(a, &view);
	}
	printf("byz-client %u: %llu conflicting pairs, %u primary-only requests, last view seen %llu\n",
	       a->client, (unsigned long long)a->proposals, tricks,
	       (unsigned long long)view);
	return 0;
}

/*
 * One probe: a genuine read-only GET to every replica (a throttled client
 * still gets read-only answers); their replies name each replica's view.
 * Returns the view n - f replicas, its primary among them, name within
 * 50 ms (one lagging or lone replica must not stop the attack).
 */
static bool bad_probe(struct adv *a, uint64_t ts, uint64_t *view)
{
	uint64_t all = (1ULL << a->d.n) - 1, seen = 0, v[BFT_MAX_REPLICAS];
	uint32_t len, t, u, k, q = a->d.n - (a->d.n - 1) / 3;
	struct bft_reply_view r;
	uint8_t op[32];
	uint64_t end;
	int n;

	len = client_request(a, a->client, ts, op,
			     bft_kv_enc_get(op, sizeof(op), BYZ_KEY,
					    strlen(BYZ_KEY)),
			     BFT_REQ_F_READONLY, all);
	for (t = 0; t < a->d.n && len; t++)
		adv_send(a, t, a->tx, len);
	end = bftd_mono_ms() + 50;
	while (seen != all && bftd_mono_ms() < end) {
		n = adv_recv(a, (int)(end - bftd_mono_ms()));
		if (n < 0)
			return false;
		if (n == 0 || bft_wget8(a->rx, bft_hdr, kind) != BFT_MSG_REPLY ||
		    bft_wire_parse_reply(a->rx, (uint32_t)n, &a->lim, &r) ||
		    r.ts != ts || r.replica >= a->d.n)
			continue;
		v[r.replica] = r.view;
		seen |= 1ULL << r.replica;
	}
	for (t = 0; t < a->d.n; t++) {
		if (!(seen & (1ULL << t)))
			continue;
		for (u = 0, k = 0; u < a->d.n; u++)
			k += (seen & (1ULL << u)) && v[u] == v[t];
		/* The primary itself must name it: no backup gets one. */
		if (k >= q && (seen & (1ULL << (v[t] % a->d.n))) &&
		    v[v[t] % a->d.n] == v[t]) {
			*view = v[t];
			return true;
		}
	}
	return false;
}

/* One MAC-attack request to the primary, one forged one to everyone. */
static void bad_burst(struct adv *a, uint64_t view, uint64_t *ts,
		      uint64_t *victim_ts, uint64_t *mac, uint64_t *forged)
{
	uint32_t t, len;
	uint8_t op[64];

	if (a->bad_kinds & ADV_BAD_PRIMARY) {
		uint32_t p = (uint32_t)(view % a->d.n);

		len = byz_request(a, ++*ts, 'P', 1ULL << p);
		if (len) {
			adv_send(a, p, a->tx, len);
			++*mac;
		}
	}
	if (a->bad_kinds & ADV_BAD_ALL) {
		len = client_request(a, a->victim, ++*victim_ts, op,
				     bft_kv_enc_put(op, sizeof(op), "v", 1,
						    "forged", 6), 0, 0);
		for (t = 0; t < a->d.n && len; t++) {
			adv_send(a, t, a->tx, len);
			a->expect[t][BFT_DROP_AUTH]++;
		}
		*forged += !!len;
	}
}

/*
 * bad-client: Aardvark's faulty client, at --rate. Each round probes the
 * view; when n - f replicas name the same one, it sends --count times a
 * request valid at that view's primary only (the MAC attack; to the
 * primary alone, so no backup ever holds it), and a request in the name
 * of --victim whose authenticator is noise everywhere, to every replica. The latter land
 * exactly in drop_reason_auth at each replica and must not throttle the
 * victim; the former get this client throttled.
 */
int adv_bad_client(struct adv *a)
{
	uint64_t view = a->view, ts, victim_ts = (uint64_t)1 << 50;
	uint64_t rounds = 0, mac = 0, forged = 0;
	uint32_t k;

	if (!a->duration_ms) {
		fprintf(stderr, "adversary: bad-client needs --duration\n");
		return 1;
	}
	ts = ((uint64_t)1 << 40) + bftd_mono_ms();
	while (!adv_done(a)) {
		rounds++;
		if (!bad_probe(a, ++ts, &view))
			continue;
		for (k = 0; k < a->count; k++)
			bad_burst(a, view, &ts, &victim_ts, &mac, &forged);
	}
	printf("bad-client %u: %llu rounds, %llu primary-only requests, %llu all-bad as client %u, last view %llu\n",
	       a->client, (unsigned long long)rounds, (unsigned long long)mac,
	       (unsigned long long)forged, a->victim,
	       (unsigned long long)view);
	return 0;
}
