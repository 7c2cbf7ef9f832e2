// SPDX-License-Identifier: GPL-2.0
/*
 * X25519 and HKDF-SHA256 through OpenSSL libcrypto.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include "keys.h"

#define PAIRWISE_INFO "bft pairwise v1"

void bft_key_wipe(void *p, size_t len)
{
	OPENSSL_cleanse(p, len);
}

int bft_key_generate(uint8_t priv[BFT_KEY_LEN])
{
	EVP_PKEY_CTX *ctx;
	EVP_PKEY *pkey = NULL;
	size_t len = BFT_KEY_LEN;
	int err = -EIO;

	ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_X25519, NULL);
	if (!ctx)
		return -ENOMEM;
	if (EVP_PKEY_keygen_init(ctx) == 1 && EVP_PKEY_keygen(ctx, &pkey) == 1 &&
	    EVP_PKEY_get_raw_private_key(pkey, priv, &len) == 1 &&
	    len == BFT_KEY_LEN)
		err = 0;
	EVP_PKEY_free(pkey);
	EVP_PKEY_CTX_free(ctx);
	return err;
}

int bft_key_public(const uint8_t priv[BFT_KEY_LEN], uint8_t pub[BFT_KEY_LEN])
{
	size_t len = BFT_KEY_LEN;
	EVP_PKEY *pkey;
	int err = -EIO;

	pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, priv,
					    BFT_KEY_LEN);
	if (!pkey)
		return -EINVAL;
	if (EVP_PKEY_get_raw_public_key(pkey, pub, &len) == 1 &&
	    len == BFT_KEY_LEN)
		err = 0;
	EVP_PKEY_free(pkey);
	return err;
}

static int x25519(const uint8_t priv[BFT_KEY_LEN],
		  const uint8_t pub[BFT_KEY_LEN], uint8_t out[BFT_KEY_LEN])
{
	EVP_PKEY *me, *peer = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	size_t len = BFT_KEY_LEN;
	int err = -EINVAL;

	me = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, priv,
					  BFT_KEY_LEN);
	peer = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, pub,
					   BFT_KEY_LEN);
	if (me && peer)
		ctx = EVP_PKEY_CTX_new(me, NULL);
	/* OpenSSL rejects low-order points, which yield an all-zero secret. */
	if (ctx && EVP_PKEY_derive_init(ctx) == 1 &&
	    EVP_PKEY_derive_set_peer(ctx, peer) == 1 &&
	    EVP_PKEY_derive(ctx, out, &len) == 1 && len == BFT_KEY_LEN)
		err = 0;
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(peer);
	EVP_PKEY_free(me);
	return err;
}

static size_t put_principal(uint8_t *p, struct bft_principal_id pr)
{
	p[0] = pr.kind;
	p[1] = pr.id & 0xff;
	p[2] = (pr.id >> 8) & 0xff;
	p[3] = (pr.id >> 16) & 0xff;
	p[4] = (pr.id >> 24) & 0xff;
	return 5;
}

static int principal_cmp(struct bft_principal_id a, struct bft_principal_id b)
{
	if (a.kind != b.kind)
		return a.kind < b.kind ? -1 : 1;
	if (a.id != b.id)
		return a.id < b.id ? -1 : 1;
	return 0;
}

int bft_key_pairwise(const uint8_t my_priv[BFT_KEY_LEN],
		     const uint8_t peer_pub[BFT_KEY_LEN], const char *cluster,
		     struct bft_principal_id me, struct bft_principal_id peer,
		     uint8_t out[BFT_KEY_LEN])
{
	uint8_t info[sizeof(PAIRWISE_INFO) - 1 + 10];
	uint8_t shared[BFT_KEY_LEN];
	size_t outlen = BFT_KEY_LEN;
	EVP_PKEY_CTX *ctx;
	size_t n;
	int err;

	if (!principal_cmp(me, peer))
		return -EINVAL;
	err = x25519(my_priv, peer_pub, shared);
	if (err)
		return err;

	memcpy(info, PAIRWISE_INFO, sizeof(PAIRWISE_INFO) - 1);
	n = sizeof(PAIRWISE_INFO) - 1;
	if (principal_cmp(me, peer) < 0) {
		n += put_principal(info + n, me);
		n += put_principal(info + n, peer);
	} else {
		n += put_principal(info + n, peer);
		n += put_principal(info + n, me);
	}

	err = -EIO;
	ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, NULL);
	if (ctx && EVP_PKEY_derive_init(ctx) == 1 &&
	    EVP_PKEY_CTX_set_hkdf_md(ctx, EVP_sha256()) == 1 &&
	    EVP_PKEY_CTX_set1_hkdf_salt(ctx, (const unsigned char *)cluster,
					(int)strlen(cluster)) == 1 &&
	    EVP_PKEY_CTX_set1_hkdf_key(ctx, shared, BFT_KEY_LEN) == 1 &&
	    EVP_PKEY_CTX_add1_hkdf_info(ctx, info, (int)n) == 1 &&
	    EVP_PKEY_derive(ctx, out, &outlen) == 1 && outlen == BFT_KEY_LEN)
		err = 0;
	EVP_PKEY_CTX_free(ctx);
	bft_key_wipe(shared, sizeof(shared));
	return err;
}

void bft_key_to_b64(const uint8_t key[BFT_KEY_LEN],
		    char out[BFT_KEY_B64_LEN + 1])
{
	EVP_EncodeBlock((unsigned char *)out, key, BFT_KEY_LEN);
}

int bft_key_from_b64(const char *in, uint8_t key[BFT_KEY_LEN])
{
	unsigned char buf[BFT_KEY_LEN + 3];
	int n;

	if (strlen(in) != BFT_KEY_B64_LEN || in[BFT_KEY_B64_LEN - 1] != '=' ||
	    in[BFT_KEY_B64_LEN - 2] == '=')
		return -EINVAL;
	n = EVP_DecodeBlock(buf, (const unsigned char *)in, BFT_KEY_B64_LEN);
	/* 44 characters decode to 33 bytes; the last is the '=' padding. */
	if (n != BFT_KEY_LEN + 1) {
		bft_key_wipe(buf, sizeof(buf));
		return -EINVAL;
	}
	memcpy(key, buf, BFT_KEY_LEN);
	bft_key_wipe(buf, sizeof(buf));
	return 0;
}

int bft_key_read_file(const char *path, uint8_t key[BFT_KEY_LEN])
{
	char line[128];
	FILE *f;
	size_t len;
	int err;

	f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (!f)
		return -errno;
	if (!fgets(line, sizeof(line), f)) {
		err = -EINVAL;
		goto out;
	}
	len = strcspn(line, "\r\n");
	line[len] = '\0';
	err = bft_key_from_b64(line, key);
out:
	bft_key_wipe(line, sizeof(line));
	if (f != stdin)
		fclose(f);
	return err;
}

int bft_key_fd_exposed(int fd)
{
	struct stat st;

	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode))
		return 0;
	return (st.st_mode & (S_IRWXG | S_IRWXO)) ? 1 : 0;
}
