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

#include "tap.h"
#include "lib/keys.h"


static void hex(const char *s, uint8_t *out, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sscanf(s + 2 * i, "%2hhx", &out[i]);
}

int main(void)
{
	const struct bft_principal_id r0 = { BFT_PRINCIPAL_REPLICA, 0 };
	const struct bft_principal_id c0 = { BFT_PRINCIPAL_CLIENT, 0 };
	uint8_t a_priv[32], a_pub[32], b_priv[32], b_pub[32], pub[32];
	uint8_t k1[32], k2[32], k3[32], k4[32], key[32];
	char b64[BFT_KEY_B64_LEN + 1];

	printf("TAP version 13\n1..15\n");
	hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
	    a_priv, 32);
	hex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
	    a_pub, 32);
	hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
	    b_priv, 32);
	hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
	    b_pub, 32);

	CHECK(!bft_key_public(a_priv, pub) && !memcmp(pub, a_pub, 32),
	      "x25519 public key matches RFC 7748 (alice)");
	CHECK(!bft_key_public(b_priv, pub) && !memcmp(pub, b_pub, 32),
	      "x25519 public key matches RFC 7748 (bob)");

	CHECK(!bft_key_pairwise(a_priv, b_pub, "test", r0, c0, k1) &&
	      !bft_key_pairwise(b_priv, a_pub, "test", c0, r0, k2) &&
	      !memcmp(k1, k2, 32), "pairwise key is symmetric");
	CHECK(!bft_key_pairwise(a_priv, b_pub, "other", r0, c0, k3) &&
	      memcmp(k1, k3, 32), "cluster name separates keys");
	{
		struct bft_principal_id r1 = { BFT_PRINCIPAL_REPLICA, 1 };

		CHECK(!bft_key_pairwise(a_priv, b_pub, "test", r0, r1, k4) &&
		      memcmp(k1, k4, 32), "principal ids separate keys");
	}
	CHECK(bft_key_pairwise(a_priv, b_pub, "test", r0, r0, k4) != 0,
	      "pairing a principal with itself is refused");
	memset(pub, 0, sizeof(pub));
	CHECK(bft_key_pairwise(a_priv, pub, "test", r0, c0, k4) != 0,
	      "low-order (all-zero) public key is refused");

	bft_key_to_b64(a_pub, b64);
	CHECK(strlen(b64) == BFT_KEY_B64_LEN && !bft_key_from_b64(b64, key) &&
	      !memcmp(key, a_pub, 32), "base64 round trip");
	b64[10] = '*';
	CHECK(bft_key_from_b64(b64, key) != 0, "base64 with a bad character");
	CHECK(bft_key_from_b64("AAAA", key) != 0, "base64 of the wrong length");

	/* genkey > f: the shell made f before umask(077) could help. */
	{
		char path[] = "/tmp/bft-keyfd-XXXXXX";
		int fd = mkstemp(path);

		CHECK(fd >= 0 && !fchmod(fd, 0644) &&
		      bft_key_fd_exposed(fd) == 1,
		      "0644 file: key output is exposed");
		CHECK(!fchmod(fd, 0640) && bft_key_fd_exposed(fd) == 1,
		      "0640 file: exposed to the group");
		CHECK(!fchmod(fd, 0600) && bft_key_fd_exposed(fd) == 0,
		      "0600 file: private");
		close(fd);
		unlink(path);
		fd = open("/dev/null", O_WRONLY);
		CHECK(fd >= 0 && bft_key_fd_exposed(fd) == 0,
		      "not a regular file (a pipe, a tty): no warning");
		close(fd);
		CHECK(bft_key_fd_exposed(-1) == 0, "closed descriptor: no warning");
	}

	printf("# %d passed, %d failed\n", tests - failed, failed);
	return failed ? 1 : 0;
}
