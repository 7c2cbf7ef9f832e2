// SPDX-License-Identifier: GPL-2.0
/*
 * Simulator crypto on OpenSSL: SHA-256 and HMAC-SHA256 (one-shot
 * EVP interfaces), pairwise key derivation, and the key-value service.
 */
#include <string.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "crypto.h"

void sim_sha256(const void *a, size_t alen, const void *b, size_t blen,
		uint8_t out[32])
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned int olen = 32;

	EVP_DigestInit_ex(c, EVP_sha256(), NULL);
	if (alen)
		EVP_DigestUpdate(c, a, alen);
	if (blen)
		EVP_DigestUpdate(c, b, blen);
	EVP_DigestFinal_ex(c, out, &olen);
	EVP_MD_CTX_free(c);
}

void sim_key_derive(uint64_t seed, int a, int b, uint8_t key[SIM_KEY_LEN])
{
	uint8_t in[24];
	int lo = a < b ? a : b, hi = a < b ? b : a;

	memcpy(in, "bft-sim-key\0", 12);
	memcpy(in + 12, &seed, 8);
	in[20] = lo;
	in[21] = lo >> 8;
	in[22] = hi;
	in[23] = hi >> 8;
	sim_sha256(in, sizeof(in), NULL, 0, key);
}

void sim_hmac(const uint8_t key[SIM_KEY_LEN], const void *data, size_t len,
	      uint8_t tag[SIM_TAG_LEN])
{
	unsigned int tlen = SIM_TAG_LEN;

	HMAC(EVP_sha256(), key, SIM_KEY_LEN, data, len, tag, &tlen);
}

void svc_init(struct sim_service *s)
{
	memset(s, 0, sizeof(*s));
	sim_sha256("bft-sim-genesis", 15, NULL, 0, s->state);
}

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

int svc_decode(const void *op, size_t len, uint32_t *key, uint64_t *val)
{
	const uint8_t *p = op;

	if (len < SVC_OP_MIN || (p[0] != SVC_PUT && p[0] != SVC_GET) ||
	    p[1] >= SIM_KEYS)
		return 0;
	*key = p[1];
	*val = le64(p + 2);
	return p[0];
}

uint64_t svc_execute(struct sim_service *s, uint32_t client, uint64_t t,
		     const void *op, size_t len, uint64_t *val)
{
	uint8_t hdr[32 + 12], opd[32];
	uint64_t v;
	uint32_t k;
	int code = svc_decode(op, len, &k, &v);

	sim_sha256(op, len, NULL, 0, opd);
	memcpy(hdr, s->state, 32);
	memcpy(hdr + 32, &client, 4);
	memcpy(hdr + 36, &t, 8);
	sim_sha256(hdr, sizeof(hdr), opd, 32, s->state);
	s->nexec++;
	*val = 0;
	if (code == SVC_PUT)
		s->kv[k] = v;
	else if (code == SVC_GET)
		*val = s->kv[k];
	return le64(s->state);
}

uint64_t svc_read(const struct sim_service *s, const void *op, size_t len)
{
	uint64_t v;
	uint32_t k;

	return svc_decode(op, len, &k, &v) == SVC_GET ? s->kv[k] : 0;
}

void svc_snapshot(const struct sim_service *s, uint8_t out[SIM_SNAP_LEN])
{
	memcpy(out, s->state, 32);
	memcpy(out + 32, &s->nexec, 8);
	memcpy(out + 40, s->kv, sizeof(s->kv));
}

int svc_install(struct sim_service *s, const uint8_t *in, size_t len)
{
	if (len != SIM_SNAP_LEN)
		return -1;
	memcpy(s->state, in, 32);
	memcpy(&s->nexec, in + 32, 8);
	memcpy(s->kv, in + 40, sizeof(s->kv));
	return 0;
}
