/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _BFT_CRYPTO_H
#define _BFT_CRYPTO_H

#include <linux/types.h>
#include <linux/uio.h>

#define BFT_MAC_KEY_LEN		32
#define BFT_MAC_TAG_LEN		32

struct crypto_shash;

/* One pairwise HMAC-SHA256 key, as a keyed transform ready to use. */
struct bft_mac_key {
	struct crypto_shash *tfm;
};

int bft_mac_key_init(struct bft_mac_key *k, const u8 *key, unsigned int len);
void bft_mac_key_destroy(struct bft_mac_key *k);

/* Any context, including softirq. */
int bft_mac_compute(const struct bft_mac_key *k, const struct kvec *iov,
		    unsigned int niov, u8 tag[BFT_MAC_TAG_LEN]);

#endif /* _BFT_CRYPTO_H */
