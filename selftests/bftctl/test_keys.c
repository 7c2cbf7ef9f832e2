// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests for libbftclient's key handling: X25519 against RFC 7748
 * section 6.1, symmetric pairwise HKDF keys, strict base64.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib/keys.h"

static const struct bft_principal_id r0 = { BFT_PRINCIPAL_REPLICA, 0 };
static const struct bft_principal_id r1 = { BFT_PRINCIPAL_REPLICA, 1 };
static const struct bft_principal_id c0 = { BFT_PRINCIPAL_CLIENT, 0 };

/* RFC 7748 section 6.1: Alice's and Bob's key pairs. */
FIXTURE(rfc7748) {
	uint8_t a_priv[32], a_pub[32], b_priv[32], b_pub[32];
};

static void hex(const char *s, uint8_t *out, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sscanf(s + 2 * i, "%2hhx", &out[i]);
}

FIXTURE_SETUP(rfc7748)
{
	hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
	    self->a_priv, 32);
	hex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
	    self->a_pub, 32);
	hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
	    self->b_priv, 32);
	hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
	    self->b_pub, 32);
}

FIXTURE_TEARDOWN(rfc7748)
{
}

TEST_F(rfc7748, public_key_alice)
{
	uint8_t pub[32];

	ASSERT_EQ(0, bft_key_public(self->a_priv, pub));
	ASSERT_EQ(0, memcmp(pub, self->a_pub, 32));
}

TEST_F(rfc7748, public_key_bob)
{
	uint8_t pub[32];

	ASSERT_EQ(0, bft_key_public(self->b_priv, pub));
	ASSERT_EQ(0, memcmp(pub, self->b_pub, 32));
}

TEST_F(rfc7748, pairwise_symmetric)
{
	uint8_t k1[32], k2[32];

	ASSERT_EQ(0, bft_key_pairwise(self->a_priv, self->b_pub, "test",
				      r0, c0, k1));
	ASSERT_EQ(0, bft_key_pairwise(self->b_priv, self->a_pub, "test",
				      c0, r0, k2));
	ASSERT_EQ(0, memcmp(k1, k2, 32));
}

TEST_F(rfc7748, cluster_name_separates_keys)
{
	uint8_t k1[32], k2[32];

	ASSERT_EQ(0, bft_key_pairwise(self->a_priv, self->b_pub, "test",
				      r0, c0, k1));
	ASSERT_EQ(0, bft_key_pairwise(self->a_priv, self->b_pub, "other",
				      r0, c0, k2));
	ASSERT_NE(0, memcmp(k1, k2, 32));
}

TEST_F(rfc7748, principal_ids_separate_keys)
{
	uint8_t k1[32], k2[32];

	ASSERT_EQ(0, bft_key_pairwise(self->a_priv, self->b_pub, "test",
				      r0, c0, k1));
	ASSERT_EQ(0, bft_key_pairwise(self->a_priv, self->b_pub, "test",
				      r0, r1, k2));
	ASSERT_NE(0, memcmp(k1, k2, 32));
}

TEST_F(rfc7748, self_pairing_refused)
{
	uint8_t k[32];

	ASSERT_NE(0, bft_key_pairwise(self->a_priv, self->b_pub, "test",
				      r0, r0, k));
}

TEST_F(rfc7748, low_order_public_key_refused)
{
	uint8_t zero[32] = { 0 }, k[32];

	ASSERT_NE(0, bft_key_pairwise(self->a_priv, zero, "test", r0, c0, k));
}

TEST_F(rfc7748, base64_round_trip)
{
	char b64[BFT_KEY_B64_LEN + 1];
	uint8_t key[32];

	bft_key_to_b64(self->a_pub, b64);
	ASSERT_EQ(BFT_KEY_B64_LEN, strlen(b64));
	ASSERT_EQ(0, bft_key_from_b64(b64, key));
	ASSERT_EQ(0, memcmp(key, self->a_pub, 32));
}

TEST_F(rfc7748, base64_bad_character)
{
	char b64[BFT_KEY_B64_LEN + 1];
	uint8_t key[32];

	bft_key_to_b64(self->a_pub, b64);
	b64[10] = '*';
	ASSERT_NE(0, bft_key_from_b64(b64, key));
}

TEST(base64_wrong_length)
{
	uint8_t key[32];

	ASSERT_NE(0, bft_key_from_b64("AAAA", key));
}

/* genkey > f: the shell made f before umask(077) could help. */
FIXTURE(keyfile) {
	char path[32];
	int fd;
};

FIXTURE_SETUP(keyfile)
{
	strcpy(self->path, "/tmp/bft-keyfd-XXXXXX");
	self->fd = mkstemp(self->path);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(keyfile)
{
	close(self->fd);
	unlink(self->path);
}

FIXTURE_VARIANT(keyfile) {
	mode_t mode;
	int exposed;
};

FIXTURE_VARIANT_ADD(keyfile, mode_0644) { .mode = 0644, .exposed = 1 };
FIXTURE_VARIANT_ADD(keyfile, mode_0640) { .mode = 0640, .exposed = 1 };
FIXTURE_VARIANT_ADD(keyfile, mode_0600) { .mode = 0600, .exposed = 0 };

TEST_F(keyfile, exposed_by_mode)
{
	ASSERT_EQ(0, fchmod(self->fd, variant->mode));
	ASSERT_EQ(variant->exposed, bft_key_fd_exposed(self->fd));
}

TEST(not_a_regular_file_not_exposed)
{
	int fd = open("/dev/null", O_WRONLY);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, bft_key_fd_exposed(fd));
	close(fd);
}

TEST(closed_descriptor_not_exposed)
{
	ASSERT_EQ(0, bft_key_fd_exposed(-1));
}

TEST_HARNESS_MAIN
