// SPDX-License-Identifier: GPL-2.0
/*
 * The adversary's behaviours. Every datagram is built with the kernel's
 * own encoders, then made wrong in exactly one way, so each one lands in
 * a known drop counter at its target (a->expect) unless it is meant to be
 * valid.
 */
#include <stdlib.h>
#include <string.h>

#include "adversary.h"

#define for_each_target(a, t) \
	for ((t) = 0; (t) < (a)->d.n; (t)++) \
		if ((a)->targets & (1ULL << (t)))

int adv_silent(struct adv *a)
{
	while (adv_recv(a, 100) >= 0)
		;
	return 0;
}

/* Requests waiting for the next conflicting pair of pre-prepares. */
struct eq_state {
	uint8_t *batch;		/* X, then room for Y's extra request */
	uint32_t len;
	uint32_t count;
	uint32_t first_len;	/* X[0], appended to X to make Y */
	uint64_t first_ms;
	uint64_t seq;
	uint64_t *last_ts;	/* per client: newest request proposed */
};

static void eq_take(struct adv *a, struct eq_state *q, uint32_t len)
{
	struct bft_req_view r;
	uint32_t need;

	/* Only genuine client requests (the backups check them too); the
	 * kind first, so the replicas' own traffic costs us no HMAC.
	 */
	if (len < BFT_HDR_LEN || bft_wget8(a->rx, bft_hdr, kind) != BFT_MSG_REQUEST ||
	    bft_wire_verify(a->rx, len, a->d.id, a->d.n, bftd_mac, &a->d) ||
	    bft_wire_parse_request(a->rx, len, &a->lim, &r) ||
	    (r.flags & BFT_REQ_F_READONLY) || r.client >= a->d.n_clients ||
	    r.ts <= q->last_ts[r.client])
		return;
	/* Y = X + X[0] must fit the caps as well. */
	need = q->len + len + (q->count ? q->first_len : len);
	if (q->count + 2 > a->lim.batch_max || need > a->lim.batch_bytes)
		return;
	memcpy(q->batch + q->len, a->rx, len);
	if (!q->count) {
		q->first_len = len;
		q->first_ms = bftd_mono_ms();
	}
	q->len += len;
	q->count++;
	q->last_ts[r.client] = r.ts;
}

static void eq_send(struct adv *a, uint32_t to, uint64_t seq,
		    const uint8_t *digest, const uint8_t *batch, uint32_t len,
		    uint32_t count)
{
	uint32_t n = bft_enc_preprepare(a->tx, BFT_WIRE_MAX_DGRAM, a->d.id,
					a->view, seq, digest, count, batch, len);

	if (!n)
		return;
	adv_seal(a, to, a->tx, n);
	adv_send(a, to, a->tx, n);
}

/*
 * PRE-PREPARE(v, n, X) to the first half of the targets, (v, n, Y) to the
 * rest, and Y also to the first target: equivocation is only evidence
 * where both halves meet, as they would when backups compare notes.
 */
static void eq_propose(struct adv *a, struct eq_state *q)
{
	uint8_t dx[BFT_DIGEST_LEN], dy[BFT_DIGEST_LEN];
	uint32_t t, k = 0, i = 0, first = UINT32_MAX;

	memcpy(q->batch + q->len, q->batch, q->first_len);
	if (bft_batch_digest(q->batch, q->len, q->count, &a->lim, dx) ||
	    bft_batch_digest(q->batch, q->len + q->first_len, q->count + 1,
			     &a->lim, dy))
		goto out;
	q->seq++;
	for_each_target(a, t)
		k++;
	for_each_target(a, t) {
		if (i++ < (k + 1) / 2) {
			eq_send(a, t, q->seq, dx, q->batch, q->len, q->count);
			if (first == UINT32_MAX)
				first = t;
		} else {
			eq_send(a, t, q->seq, dy, q->batch,
				q->len + q->first_len, q->count + 1);
		}
	}
	if (first != UINT32_MAX)
		eq_send(a, first, q->seq, dy, q->batch, q->len + q->first_len,
			q->count + 1);
	a->proposals++;
out:
	q->len = 0;
	q->count = 0;
}

int adv_equivocate(struct adv *a)
{
	struct eq_state q = { .seq = a->first_seq - 1 };
	int n;

	if (a->view % a->d.n != a->d.id || a->lim.batch_max < 2) {
		fprintf(stderr, "adversary: replica %u is not the primary of view %llu (or BatchSize < 2)\n",
			a->d.id, (unsigned long long)a->view);
		return 1;
	}
	q.batch = malloc(a->lim.batch_bytes);
	q.last_ts = calloc(a->d.n_clients, sizeof(*q.last_ts));
	if (!q.batch || !q.last_ts)
		goto out;
	while ((n = adv_recv(a, q.count ? 2 : 100)) >= 0) {
		if (n > 0)
			eq_take(a, &q, (uint32_t)n);
		/* A short batching delay, as a real primary has. */
		if (q.count && (n == 0 || q.count + 2 > a->lim.batch_max ||
				bftd_mono_ms() - q.first_ms >= 5))
			eq_propose(a, &q);
	}
out:
	free(q.batch);
	free(q.last_ts);
	return 0;
}

/* A replica message of a fixed layout, @len bytes, MAC trailer unset. */
static uint32_t replica_msg(struct adv *a, uint8_t kind, uint32_t sender,
			   uint32_t k)
{
	uint8_t digest[BFT_DIGEST_LEN];

	adv_fill(a, digest, sizeof(digest));
	if (kind == BFT_MSG_CHECKPOINT)
		return bft_enc_checkpoint(a->tx, BFT_WIRE_MAX_DGRAM, sender,
					  k + 1, digest);
	return bft_enc_agree(a->tx, BFT_WIRE_MAX_DGRAM, kind, sender, 0, k + 1,
			     digest);
}

/*
 * Per target and k < count: a PREPARE/COMMIT/CHECKPOINT as us or as some
 * other replica with a MAC that is noise, and a client REQUEST whose
 * authenticator is noise.
 */
int adv_forge(struct adv *a)
{
	static const uint8_t kinds[] = {
		BFT_MSG_PREPARE, BFT_MSG_COMMIT, BFT_MSG_CHECKPOINT,
	};
	const struct bft_conf *c = &a->d.conf;
	uint32_t t, k, len, sender;

	for_each_target(a, t) {
		for (k = 0; k < a->count && !adv_stop; k++) {
			sender = (a->d.id + k) % a->d.n;
			if (sender == t)
				sender = a->d.id;
			len = replica_msg(a, kinds[k % 3], sender, k);
			adv_fill(a, a->tx + len - BFT_MAC_LEN, BFT_MAC_LEN);
			adv_send(a, t, a->tx, len);
			a->expect[t][BFT_DROP_MAC]++;
			if (!c->n_clients)
				continue;
			len = bft_enc_request(a->tx, BFT_WIRE_MAX_DGRAM,
					      c->clients[k % c->n_clients].id,
					      adv_rand(a), "forged", 6, 0,
					      (uint8_t)a->d.n);
			adv_fill(a, a->tx + len - a->d.n * BFT_MAC_LEN,
				 a->d.n * BFT_MAC_LEN);
			adv_send(a, t, a->tx, len);
			a->expect[t][BFT_DROP_AUTH]++;
		}
	}
	return 0;
}

/*
 * Per target, --count CHECKPOINTs from us with a valid MAC under key id
 * 0, the key setconf installed. Once the pair has rotated that key is
 * retired: each is dropped as BFT_DROP_KEY_ID, before any engine work.
 */
int adv_old_key(struct adv *a)
{
	uint32_t t, k, len;

	for_each_target(a, t) {
		for (k = 0; k < a->count && !adv_stop; k++) {
			len = replica_msg(a, BFT_MSG_CHECKPOINT, a->d.id, k);
			adv_seal(a, t, a->tx, len);
			adv_send(a, t, a->tx, len);
			a->expect[t][BFT_DROP_KEY_ID]++;
		}
	}
	return 0;
}

/* One malformed datagram for @t in a->tx; returns its length. */
static uint32_t garbage_one(struct adv *a, uint32_t t, uint32_t what,
			    uint32_t k, int *reason)
{
	uint8_t *b = a->tx;
	uint32_t len;

	/* A well-formed PREPARE from us with a good MAC, then one defect. */
	len = replica_msg(a, BFT_MSG_PREPARE, a->d.id, k);
	adv_seal(a, t, b, len);
	switch (what) {
	case 0:		/* shorter than a header */
		len = 1 + adv_rand(a) % (BFT_HDR_LEN - 1);
		*reason = BFT_DROP_SHORT;
		break;
	case 1:
		bft_put32(b, BFT_WIRE_MAGIC ^ (1 + adv_rand(a) % 0xffff));
		*reason = BFT_DROP_MAGIC;
		break;
	case 2:
		b[4] = BFT_WIRE_VERSION + 1 + adv_rand(a) % 200;
		*reason = BFT_DROP_VERSION;
		break;
	case 3:
		b[5] = k % 2 ? BFT_MSG_UNSPEC :
			       BFT_MSG_MAX + 1 + adv_rand(a) % 100;
		*reason = BFT_DROP_KIND;
		break;
	case 4:		/* header length disagrees with the datagram */
		bft_put32(b + 12, len + 1 + adv_rand(a) % 1000);
		*reason = BFT_DROP_LEN;
		break;
	case 5:		/* a replica message claiming to be from a client */
		b[6] = k % 2 ? BFT_PRINCIPAL_CLIENT : 2 + adv_rand(a) % 200;
		*reason = BFT_DROP_PRINCIPAL;
		break;
	case 6:		/* from an unknown replica, or from the target itself */
		bft_put32(b + 8, k % 2 ? t : a->d.n + adv_rand(a) % 1000);
		*reason = BFT_DROP_SENDER;
		break;
	case 7:		/* truncated, yet correctly MACed: the engine sees it */
		len = BFT_HDR_LEN + BFT_MAC_LEN;
		bft_put32(b + 12, len);
		adv_seal(a, t, b, len);
		*reason = BFT_DROP_SHORT;
		break;
	default:	/* oversized COMMIT, correctly MACed */
		len = BFT_WIRE_MAX_DGRAM;
		memset(b + BFT_AGREE_FIXED, 0, len - BFT_AGREE_FIXED);
		b[5] = BFT_MSG_COMMIT;
		bft_put32(b + 12, len);
		adv_seal(a, t, b, len);
		*reason = BFT_DROP_LEN;
		break;
	}
	return len;
}

#define GARBAGE_KINDS	9

int adv_garbage(struct adv *a)
{
	uint32_t t, k, w, len;
	int reason;

	for_each_target(a, t)
		for (w = 0; w < GARBAGE_KINDS; w++)
			for (k = 0; k < a->count && !adv_stop; k++) {
				len = garbage_one(a, t, w, k, &reason);
				adv_send(a, t, a->tx, len);
				a->expect[t][reason]++;
			}
	return 0;
}

/* A captured datagram. */
struct cap {
	uint32_t len;
	uint8_t *buf;
};

static void replay_one(struct adv *a, const struct cap *c)
{
	uint32_t t, from = bft_wget32(c->buf, bft_hdr, sender);

	for_each_target(a, t) {
		memcpy(a->tx, c->buf, c->len);
		/* A request's authenticator is valid at every replica. */
		adv_send(a, t, a->tx, c->len);
		if (bft_wget8(c->buf, bft_hdr, kind) == BFT_MSG_REQUEST)
			continue;
		/* Verbatim, the MAC was for us, not for t. */
		a->expect[t][t == from ? BFT_DROP_SENDER : BFT_DROP_MAC]++;
		/* Re-signed as ours: valid, but old. */
		bft_put32(a->tx + 8, a->d.id);
		adv_seal(a, t, a->tx, c->len);
		adv_send(a, t, a->tx, c->len);
	}
}

/*
 * Capture the last --count genuine datagrams for --capture-ms, then send
 * each to every target verbatim and re-signed as ours.
 */
int adv_replay(struct adv *a)
{
	uint64_t until = a->start_ms + a->capture_ms;
	struct cap *caps;
	uint32_t i, used = 0, next = 0;
	int n;

	caps = calloc(a->count ? a->count : 1, sizeof(*caps));
	if (!caps)
		return 1;
	while (bftd_mono_ms() < until && (n = adv_recv(a, 20)) >= 0) {
		if (n <= 0 || !a->count ||
		    bft_wire_verify(a->rx, n, a->d.id, a->d.n, bftd_mac, &a->d))
			continue;
		free(caps[next].buf);
		caps[next].buf = malloc(n);
		if (!caps[next].buf)
			break;
		memcpy(caps[next].buf, a->rx, n);
		caps[next].len = n;
		next = (next + 1) % a->count;
		if (used < a->count)
			used++;
	}
	for (i = 0; i < used && !adv_stop; i++)
		replay_one(a, &caps[(next + a->count - used + i) % a->count]);
	for (i = 0; i < a->count; i++)
		free(caps[i].buf);
	free(caps);
	return 0;
}

/*
 * As fast as the socket takes them: PREPAREs with noise for a MAC, the
 * most expensive thing to reject (a full HMAC each).
 */
int adv_flood(struct adv *a)
{
	uint32_t t, k = 0, len;

	a->rate = 0;
	while (!adv_done(a)) {
		for_each_target(a, t) {
			len = replica_msg(a, BFT_MSG_PREPARE, a->d.id, k);
			adv_fill(a, a->tx + len - BFT_MAC_LEN, BFT_MAC_LEN);
			adv_send(a, t, a->tx, len);
			a->expect[t][BFT_DROP_MAC]++;
		}
		/* Keep our own receive queue from growing. */
		if (!(++k % 1024))
			while (adv_recv(a, 0) > 0)
				;
	}
	return 0;
}
