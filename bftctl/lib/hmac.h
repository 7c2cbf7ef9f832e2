/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pre-keyed HMAC-SHA256 on OpenSSL's EVP_MAC, shared by libbftclient and
 * bftd. The key is set once per peer; each tag then re-initialises the
 * context with the stored key, so no message pays for the key schedule.
 * One context is not thread-safe: give every thread its own.
 */
#ifndef BFT_HMAC_H
#define BFT_HMAC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#define BFT_HMAC_KEY_LEN	32
#define BFT_HMAC_TAG_LEN	32

struct evp_mac_ctx_st;

struct bft_hmac {
	struct evp_mac_ctx_st *ctx;	/* NULL: no key */
};

/* 0 or -ENOMEM / -EINVAL. The caller may wipe key afterwards. */
int bft_hmac_init(struct bft_hmac *h, const uint8_t key[BFT_HMAC_KEY_LEN]);
void bft_hmac_free(struct bft_hmac *h);
/* HMAC-SHA256 over the concatenation of iov; 0 or -EINVAL. */
int bft_hmac_compute(struct bft_hmac *h, const struct iovec *iov,
		     unsigned int niov, uint8_t tag[BFT_HMAC_TAG_LEN]);

#endif
