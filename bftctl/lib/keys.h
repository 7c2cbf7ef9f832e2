/* SPDX-License-Identifier: GPL-2.0 */
/*
 * X25519 identities and pairwise HMAC key derivation, shared by bftctl and
 * libbftclient. Every replica and client owns an X25519 key pair; the key
 * that authenticates traffic between two principals is
 *
 *   HKDF-SHA256(ikm = X25519(priv_a, pub_b), salt = cluster name,
 *               info = "bft pairwise v1" || lo || hi)
 *
 * where lo and hi are the two principals (kind byte, le32 id) in canonical
 * order, so both ends derive the same key without ever sending it.
 */
#ifndef BFT_KEYS_H
#define BFT_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include <linux/bft_wire.h>

#define BFT_KEY_LEN		32
#define BFT_KEY_B64_LEN		44	/* without the NUL */

/* kind is enum bft_principal from the wire format. */
struct bft_principal_id {
	uint8_t kind;
	uint32_t id;
};

int bft_key_generate(uint8_t priv[BFT_KEY_LEN]);
int bft_key_public(const uint8_t priv[BFT_KEY_LEN], uint8_t pub[BFT_KEY_LEN]);
int bft_key_pairwise(const uint8_t my_priv[BFT_KEY_LEN],
		     const uint8_t peer_pub[BFT_KEY_LEN], const char *cluster,
		     struct bft_principal_id me, struct bft_principal_id peer,
		     uint8_t out[BFT_KEY_LEN]);

/* Base64 in the wg(8) style: exactly 44 characters for 32 bytes. */
void bft_key_to_b64(const uint8_t key[BFT_KEY_LEN],
		    char out[BFT_KEY_B64_LEN + 1]);
int bft_key_from_b64(const char *in, uint8_t key[BFT_KEY_LEN]);

/* Reads a base64 key from the first line of a file ("-" is stdin). */
int bft_key_read_file(const char *path, uint8_t key[BFT_KEY_LEN]);

void bft_key_wipe(void *p, size_t len);

/*
 * 1 if fd is a regular file that the group or others may read: a key
 * written there is exposed (`bftctl genkey > f` under umask 022).
 * 0 otherwise, including pipes, terminals and bad descriptors.
 */
int bft_key_fd_exposed(int fd);

#endif
