// SPDX-License-Identifier: GPL-2.0
/*
 * mutate: structure-aware wire fuzzing from an insider. Valid datagrams
 * of every kind (the genuine traffic we receive, re-sent as ours, and
 * ones built with the kernel's encoders) get one to three defects: a
 * field set to a boundary value (0, 1, the current view or sequence
 * number and its neighbours, h + L, 2^31, 2^32 - 1, 2^32, 2^63,
 * 2^64 - 1, ...), a lying length or count, a body cut short or padded
 * with the header length kept consistent, or another kind's body. Each
 * is MACed correctly as ours, so it reaches the engine's decoders and
 * state machine, not just the MAC check. Sent at --rate to the targets
 * until --duration; the test checks that correct clients and replicas
 * do not notice.
 */
#include <stdlib.h>
#include <string.h>

#include "adversary.h"

#define MUT_POOL	64	/* captured templates kept */

struct mut {
	uint32_t len[MUT_POOL];
	uint8_t *buf[MUT_POOL];
	uint32_t used, next;
	uint64_t view, seq;	/* newest seen in genuine traffic */
	uint64_t by_kind[__BFT_MSG_MAX];
	uint64_t captured;
};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put64(uint8_t *p, uint64_t v)
{
	bft_put32(p, (uint32_t)v);
	bft_put32(p + 4, (uint32_t)(v >> 32));
}

/* Keeps a MAC-valid datagram from another replica as a template. */
static void mut_capture(struct adv *a, struct mut *m, uint32_t len)
{
	uint8_t kind = bft_wget8(a->rx, bft_hdr, kind);
	uint8_t *copy;

	if (len < BFT_HDR_LEN + BFT_MAC_LEN || kind == BFT_MSG_REQUEST ||
	    bft_wire_verify(a->rx, len, a->d.id, a->d.n, bftd_mac, &a->d))
		return;
	if ((kind >= BFT_MSG_PRE_PREPARE && kind <= BFT_MSG_COMMIT) &&
	    len >= BFT_AGREE_FIXED) {
		if (bft_wget64(a->rx, bft_agree, view) > m->view)
			m->view = bft_wget64(a->rx, bft_agree, view);
		if (bft_wget64(a->rx, bft_agree, seq) > m->seq)
			m->seq = bft_wget64(a->rx, bft_agree, seq);
	}
	copy = malloc(len);
	if (!copy)
		return;
	memcpy(copy, a->rx, len);
	free(m->buf[m->next]);
	m->buf[m->next] = copy;
	m->len[m->next] = len;
	m->next = (m->next + 1) % MUT_POOL;
	if (m->used < MUT_POOL)
		m->used++;
	m->captured++;
}

/* A fresh valid datagram of a random kind into a->tx. */
static uint32_t mut_build(struct adv *a, struct mut *m)
{
	struct bft_ckpt_h ck[2] = { { .seq = m->seq } };
	struct bft_vc_entry_h ent[2] = { { .seq = m->seq + 1 } };
	struct bft_nv_vc_h nvc[4];
	uint8_t dg[BFT_DIGEST_LEN], chunk[256];
	uint32_t i, id = a->d.id;
	uint64_t v = m->view;

	adv_fill(a, dg, sizeof(dg));
	adv_fill(a, chunk, sizeof(chunk));
	for (i = 0; i < 4; i++) {
		nvc[i].replica = i % a->d.n;
		adv_fill(a, nvc[i].digest, BFT_DIGEST_LEN);
	}
	ent[1] = ent[0];
	ent[1].seq++;
	ent[0].pp_view = ent[0].p_view = v;
	switch (adv_rand(a) % 10) {
	case 0:
		return bft_enc_preprepare(a->tx, BFT_WIRE_MAX_DGRAM, id, v,
					  m->seq + 1, dg, 0, NULL, 0);
	case 1:
		return bft_enc_agree(a->tx, BFT_WIRE_MAX_DGRAM, BFT_MSG_PREPARE,
				     id, v, m->seq + 1, dg);
	case 2:
		return bft_enc_agree(a->tx, BFT_WIRE_MAX_DGRAM, BFT_MSG_COMMIT,
				     id, v, m->seq + 1, dg);
	case 3:
		return bft_enc_checkpoint(a->tx, BFT_WIRE_MAX_DGRAM, id,
					  m->seq, dg);
	case 4:
		return bft_enc_vc(a->tx, BFT_WIRE_MAX_DGRAM, id, v + 1, m->seq,
				  ck, 1 + adv_rand(a) % 2, ent,
				  adv_rand(a) % 3);
	case 5:
		return bft_enc_nv(a->tx, BFT_WIRE_MAX_DGRAM, id, v + 1, m->seq,
				  dg, nvc, a->d.n < 4 ? a->d.n : 4, ck,
				  adv_rand(a) % 2);
	case 6:
		return bft_enc_fetch(a->tx, BFT_WIRE_MAX_DGRAM, id, v,
				     (uint8_t)(adv_rand(a) % 4), m->seq, 0, dg);
	case 7:
		return bft_enc_data(a->tx, BFT_WIRE_MAX_DGRAM, id,
				    (uint8_t)(adv_rand(a) % 4), m->seq,
				    adv_rand(a) % 2 ? 0 : sizeof(chunk),
				    4 * sizeof(chunk), 1, dg, chunk,
				    sizeof(chunk));
	case 8:
		return bft_enc_vc_ack(a->tx, BFT_WIRE_MAX_DGRAM, id, v + 1,
				      adv_rand(a) % a->d.n, dg);
	default:
		return bft_enc_reply(a->tx, BFT_WIRE_MAX_DGRAM, id, v,
				     adv_rand(a), 0, 0, chunk, 16);
	}
}

/* A boundary value for a field, near what the replicas hold now. */
static uint64_t mut_value(struct adv *a, const struct mut *m)
{
	uint64_t l = a->lim.log_size;
	uint64_t vals[] = {
		0, 1, 2, m->view, m->view + 1, m->view + 2, m->view - 1,
		m->seq, m->seq + 1, m->seq - 1, m->seq + l, m->seq + l + 1,
		m->seq + 2 * l, a->d.n, a->d.n - 1, a->d.n + 1, 0x7fffffffULL,
		0x80000000ULL, 0xffffffffULL, 0x100000000ULL, 0x100000001ULL,
		0x7fffffffffffffffULL, 0x8000000000000000ULL, ~0ULL, ~0ULL - 1,
		BFT_WIRE_MAX_DGRAM, a->lim.batch_bytes, a->lim.max_op + 1,
	};

	if (adv_rand(a) % 8 == 0)
		return (uint64_t)adv_rand(a) << 32 | adv_rand(a);
	return vals[adv_rand(a) % (sizeof(vals) / sizeof(vals[0]))];
}

/* One defect in a->tx[0, len); returns the new length. */
static uint32_t mut_once(struct adv *a, const struct mut *m, uint32_t len)
{
	uint32_t body = len - BFT_MAC_LEN, off, w, nl;
	uint64_t v;

	switch (adv_rand(a) % 8) {
	case 0:		/* cut short or padded; the header agrees */
		nl = BFT_HDR_LEN + BFT_MAC_LEN +
		     adv_rand(a) % (BFT_WIRE_MAX_DGRAM - BFT_HDR_LEN - BFT_MAC_LEN);
		if (adv_rand(a) % 2 && len > BFT_HDR_LEN + BFT_MAC_LEN)
			nl = BFT_HDR_LEN + BFT_MAC_LEN +
			     adv_rand(a) % (len - BFT_HDR_LEN - BFT_MAC_LEN);
		else if (adv_rand(a) % 2)
			nl = len + 1 + adv_rand(a) % 64;
		if (nl > BFT_WIRE_MAX_DGRAM)
			nl = BFT_WIRE_MAX_DGRAM;
		if (nl > len)
			adv_fill(a, a->tx + len, nl - len);
		bft_put32(a->tx + 12, nl);
		return nl;
	case 1:		/* another kind's body */
		a->tx[5] = (uint8_t)(1 + adv_rand(a) % (__BFT_MSG_MAX - 1));
		return len;
	case 2:		/* a header field: lying length, key_id, principal */
		if (adv_rand(a) % 2)
			bft_put32(a->tx + 12, (uint32_t)mut_value(a, m));
		else
			a->tx[6 + adv_rand(a) % 2] = (uint8_t)mut_value(a, m);
		return len;
	default:	/* a body field, at its natural alignment */
		if (body <= BFT_HDR_LEN)
			return len;
		w = 1u << (adv_rand(a) % 4);
		off = BFT_HDR_LEN + adv_rand(a) % (body - BFT_HDR_LEN);
		off &= ~(w - 1);
		if (off < BFT_HDR_LEN || off + w > body)
			return len;
		v = mut_value(a, m);
		if (w == 8)
			put64(a->tx + off, v);
		else if (w == 4)
			bft_put32(a->tx + off, (uint32_t)v);
		else if (w == 2)
			put16(a->tx + off, (uint16_t)v);
		else
			a->tx[off] = (uint8_t)v;
		return len;
	}
}

int adv_mutate(struct adv *a)
{
	struct mut m = { 0 };
	uint32_t t, i, k, len, pick;
	int n;

	while (!adv_done(a)) {
		while ((n = adv_recv(a, 0)) > 0)
			mut_capture(a, &m, (uint32_t)n);
		if (n < 0)
			break;
		/* Half re-sent genuine traffic, half freshly built. */
		pick = adv_rand(a);
		if (m.used && pick % 2) {
			i = (pick >> 1) % m.used;
			len = m.len[i];
			memcpy(a->tx, m.buf[i], len);
			bft_put32(a->tx + 8, a->d.id);
		} else {
			len = mut_build(a, &m);
		}
		if (!len)
			continue;
		m.by_kind[a->tx[5] % __BFT_MSG_MAX]++;
		for (k = 1 + adv_rand(a) % 3; k; k--)
			len = mut_once(a, &m, len);
		for (t = 0; t < a->d.n; t++) {
			if (!(a->targets & (1ULL << t)))
				continue;
			adv_seal(a, t, a->tx, len);
			adv_send(a, t, a->tx, len);
		}
	}
	printf("mutate: %llu templates captured; sent by kind:",
	       (unsigned long long)m.captured);
	for (i = 1; i < __BFT_MSG_MAX; i++)
		printf(" %u:%llu", i, (unsigned long long)m.by_kind[i]);
	printf("; newest view %llu seq %llu\n", (unsigned long long)m.view,
	       (unsigned long long)m.seq);
	for (i = 0; i < MUT_POOL; i++)
		free(m.buf[i]);
	return 0;
}
