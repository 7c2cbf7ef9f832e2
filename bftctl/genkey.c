// SPDX-License-Identifier: GPL-2.0
/*
 * bftctl genkey / pubkey: X25519 identities, printed as in wg(8).
 */
#include <stdio.h>
#include <sys/stat.h>

#include "bftctl.h"
#include "lib/keys.h"

int cmd_genkey(int argc, char **argv)
{
	char b64[BFT_KEY_B64_LEN + 1];
	uint8_t priv[BFT_KEY_LEN];

	if (argc > 1)
		return usage_error("genkey", "unexpected argument '%s'", argv[1]);
	/*
	 * The key goes to stdout: keep whatever file catches it private.
	 * A redirect made the file before this umask could apply.
	 */
	umask(077);
	if (bft_key_fd_exposed(fileno(stdout)))
		fprintf(stderr,
			"bftctl: warning: the private key goes to a file others can read; run umask 077 first or chmod 600 it\n");
	if (bft_key_generate(priv)) {
		fprintf(stderr, "bftctl: cannot generate an X25519 key\n");
		return 1;
	}
	bft_key_to_b64(priv, b64);
	puts(b64);
	bft_key_wipe(priv, sizeof(priv));
	bft_key_wipe(b64, sizeof(b64));
	return 0;
}

int cmd_pubkey(int argc, char **argv)
{
	char b64[BFT_KEY_B64_LEN + 1];
	uint8_t priv[BFT_KEY_LEN], pub[BFT_KEY_LEN];
	int err;

	if (argc > 1)
		return usage_error("pubkey", "unexpected argument '%s'", argv[1]);
	err = bft_key_read_file("-", priv);
	if (!err)
		err = bft_key_public(priv, pub);
	bft_key_wipe(priv, sizeof(priv));
	if (err) {
		fprintf(stderr, "bftctl: stdin is not a base64 X25519 private key\n");
		return 1;
	}
	bft_key_to_b64(pub, b64);
	puts(b64);
	return 0;
}
