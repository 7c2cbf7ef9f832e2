/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Simulator crypto: pairwise HMAC-SHA256 keys per (principal, principal)
 * derived from the run seed, and the deterministic service.
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
 * Service: a small key-value store of SIM_KEYS u64 registers (0: absent)
 * plus a SHA-256 chain over every executed (client, t, op).  An op
 * "P k v" (SVC_PUT) sets register k to v, "G k" (SVC_GET) reads it; any
 * other op only extends the chain.  An ordered execution's result is
 * SIM_RES_LEN bytes: a u64 derived from the new chain (equal results mean
 * equal histories) and the register's value (GET) or 0; a read-only GET
 * answers 0 and the value, so replicas in different states agree on it
 * as long as the register is the same.
 */
#define SIM_KEYS	3
#define SIM_RES_LEN	16
#define SVC_PUT		1
#define SVC_GET		2
#define SVC_OP_MIN	10	/* code, key, le64 value */

struct sim_service {
	uint8_t state[32];
	uint64_t nexec;
	uint64_t kv[SIM_KEYS];
};

void svc_init(struct sim_service *s);
/* Returns the chain part of the result; *val gets the value part. */
uint64_t svc_execute(struct sim_service *s, uint32_t client, uint64_t t,
		     const void *op, size_t len, uint64_t *val);
/* Read-only: the value part (the chain part is 0). */
uint64_t svc_read(const struct sim_service *s, const void *op, size_t len);
/* Decode an op: SVC_PUT/SVC_GET with *key, *val; 0 for other ops. */
int svc_decode(const void *op, size_t len, uint32_t *key, uint64_t *val);

#define SIM_SNAP_LEN	(40 + 8 * SIM_KEYS)
void svc_snapshot(const struct sim_service *s, uint8_t out[SIM_SNAP_LEN]);
int svc_install(struct sim_service *s, const uint8_t *in, size_t len);

#endif
