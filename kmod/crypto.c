// SPDX-License-Identifier: GPL-2.0
/*
 * Pairwise HMAC-SHA256 keys on the kernel crypto API. Each key owns a
 * keyed shash transform, so computing a tag never touches shared state and
 * is safe from softirq on any CPU.
 */
#include <crypto/hash.h>
#include <linux/err.h>
#include <linux/string.h>

#include "crypto.h"

int bft_mac_key_init(struct bft_mac_key *k, const u8 *key, unsigned int len)
{
	struct crypto_shash *tfm;
	int err;

	tfm = crypto_alloc_shash("hmac(sha256)", 0, 0);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	err = crypto_shash_setkey(tfm, key, len);
	if (err) {
		crypto_free_shash(tfm);
		return err;
	}
	k->tfm = tfm;
	return 0;
}

void bft_mac_key_destroy(struct bft_mac_key *k)
{
	/* crypto_free_shash() wipes the keyed context. */
	crypto_free_shash(k->tfm);
	k->tfm = NULL;
}

int bft_mac_compute(const struct bft_mac_key *k, const struct kvec *iov,
		    unsigned int niov, u8 tag[BFT_MAC_TAG_LEN])
{
	SHASH_DESC_ON_STACK(desc, k->tfm);
	unsigned int i;
	int err;

	desc->tfm = k->tfm;
	err = crypto_shash_init(desc);
	for (i = 0; !err && i < niov; i++)
		err = crypto_shash_update(desc, iov[i].iov_base, iov[i].iov_len);
	if (!err)
		err = crypto_shash_final(desc, tag);
	shash_desc_zero(desc);
	return err;
}
