/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Simulator crypto: pairwise HMAC-SHA256 keys per (principal, principal)
 * derived from the run seed, and the deterministic hash-chain service.
 */
#ifndef SIM_CRYPTO_H
#define SIM_CRYPTO_H

#include <stdint.h>
#include <stddef.h>

#define SIM_KEY_LEN	32
#define SIM_TAG_LEN	32


void sim_sha256(const void *a, size_t alen, const void *b, size_t blen,
		uint8_t out[32]);
void sim_key_derive(uint64_t seed, int a, int b, uint8_t key[SIM_KEY_LEN]);
void sim_hmac(const uint8_t key[SIM_KEY_LEN], const void *data, size_t len,
	      uint8_t tag[SIM_TAG_LEN]);

/*
 * Service: state = SHA-256 chain over (client, t, op); the result is
 * derived from the new state, so equal results mean equal histories.
 */
struct sim_service {
	uint8_t state[32];
	uint64_t nexec;
};

void svc_init(struct sim_service *s);
/* Returns the result: 8 bytes derived from the new state. */
uint64_t svc_execute(struct sim_service *s, uint32_t client, uint64_t t,
		     const void *op, size_t len);
uint64_t svc_read(const struct sim_service *s, const void *op, size_t len);

#define SIM_SNAP_LEN	40
void svc_snapshot(const struct sim_service *s, uint8_t out[SIM_SNAP_LEN]);
int svc_install(struct sim_service *s, const uint8_t *in, size_t len);

#endif
