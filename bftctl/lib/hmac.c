// SPDX-License-Identifier: GPL-2.0
/*
 * Pre-keyed HMAC-SHA256, see hmac.h.
 */
#include <errno.h>
#include <pthread.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "hmac.h"

static EVP_MAC *hmac_alg;
static pthread_once_t hmac_once = PTHREAD_ONCE_INIT;

/* Fetching the algorithm is a provider lookup: do it once per process. */
static void hmac_fetch(void)
{
	hmac_alg = EVP_MAC_fetch(NULL, "HMAC", NULL);
}

int bft_hmac_init(struct bft_hmac *h, const uint8_t key[BFT_HMAC_KEY_LEN])
{
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
						 "SHA256", 0),
		OSSL_PARAM_construct_end(),
	};

	h->ctx = NULL;
	pthread_once(&hmac_once, hmac_fetch);
	if (!hmac_alg)
		return -EINVAL;
	h->ctx = EVP_MAC_CTX_new(hmac_alg);
	if (!h->ctx)
		return -ENOMEM;
	if (!EVP_MAC_init(h->ctx, key, BFT_HMAC_KEY_LEN, params)) {
		bft_hmac_free(h);
		return -EINVAL;
	}
	return 0;
}

void bft_hmac_free(struct bft_hmac *h)
{
	/* EVP_MAC_CTX_free cleanses the keyed state. */
	EVP_MAC_CTX_free(h->ctx);
	h->ctx = NULL;
}

int bft_hmac_compute(struct bft_hmac *h, const struct iovec *iov,
		     unsigned int niov, uint8_t tag[BFT_HMAC_TAG_LEN])
{
	size_t len = 0;
	unsigned int i;

	if (!h->ctx)
		return -EINVAL;
	/* A NULL key restarts with the key already set. */
	if (!EVP_MAC_init(h->ctx, NULL, 0, NULL))
		return -EINVAL;
	for (i = 0; i < niov; i++)
		if (iov[i].iov_len &&
		    !EVP_MAC_update(h->ctx, iov[i].iov_base, iov[i].iov_len))
			return -EINVAL;
	if (!EVP_MAC_final(h->ctx, tag, &len, BFT_HMAC_TAG_LEN) ||
	    len != BFT_HMAC_TAG_LEN)
		return -EINVAL;
	return 0;
}
