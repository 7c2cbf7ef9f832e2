// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests for the checkpoint file codec: a built file parses back to
 * exact values; truncation, extension, a flipped byte, a bad magic or
 * version, out-of-range fields and a stream that does not hash to its
 * digest are each refused with their own error, corruption first.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"
#include <errno.h>

#include "lib/ckptfile.h"
#include "statedigest.h"

#define SLEN	300

static uint8_t stream[SLEN];

static void build(struct bft_ckpt_file *f, uint8_t *out)
{
	memset(f, 0, sizeof(*f));
	f->n = 4;
	f->replica = 1;
	f->esz = 128;
	f->seq = 64;
	f->view = 2;
	f->attest = 0xb;
	f->len = SLEN;
	f->stream = stream;
	bft_state_digest(stream, SLEN, BFT_STATE_PART, f->digest);
	bft_ckpt_file_build(f, out);
}

/* Recompute the trailer after an edit, as a forger would. */
static void reseal(uint8_t *buf, size_t len)
{
	bft_ckpt_sha256(buf, len - 32, buf + len - 32);
}

static int parse(const uint8_t *buf, size_t len, unsigned int flags,
		 char *err)
{
	struct bft_ckpt_file f;

	return bft_ckpt_file_parse(buf, len, flags, &f, err, 256);
}

int main(void)
{
	struct bft_ckpt_file in, out;
	size_t len, i;
	uint8_t *buf, *b;
	char err[256];

	for (i = 0; i < SLEN; i++)
		stream[i] = (uint8_t)(i * 7);
	memset(&in, 0, sizeof(in));
	in.len = SLEN;
	len = bft_ckpt_file_size(&in);
	CHECK(len == 96 + SLEN + 32, "size is header + stream + trailer");
	buf = malloc(len);
	b = malloc(len + 1);
	build(&in, buf);

	CHECK(!bft_ckpt_file_parse(buf, len, 0, &out, err, sizeof(err)) &&
	      out.n == 4 && out.replica == 1 && out.esz == 128 &&
	      out.seq == 64 && out.view == 2 && out.attest == 0xb &&
	      out.len == SLEN && !memcmp(out.digest, in.digest, 32) &&
	      out.stream == buf + 96, "round trip");

	memcpy(b, buf, len);
	b[0] ^= 1;
	CHECK(parse(b, len, 0, err) == BFT_CKPT_E_MAGIC &&
	      strstr(err, "not a bft checkpoint"), "bad magic");
	CHECK(parse(buf, 7, 0, err) == BFT_CKPT_E_MAGIC, "shorter than the magic");
	CHECK(parse(buf, 100, 0, err) == BFT_CKPT_E_CORRUPT &&
	      strstr(err, "file is corrupt"), "truncated in the header");
	CHECK(parse(buf, len - 1, 0, err) == BFT_CKPT_E_CORRUPT, "truncated trailer");
	memcpy(b, buf, len);
	b[len] = 0;
	CHECK(parse(b, len + 1, 0, err) == BFT_CKPT_E_CORRUPT, "extended");

	for (i = 8; i < len; i += 37) {
		memcpy(b, buf, len);
		b[i] ^= 0x40;
		if (parse(b, len, 0, err) != BFT_CKPT_E_CORRUPT)
			break;
	}
	CHECK(i >= len, "any flipped byte is corruption");

	memcpy(b, buf, len);
	b[96 + SLEN - 1] ^= 1;
	reseal(b, len);
	CHECK(parse(b, len, 0, err) == BFT_CKPT_E_TAMPERED &&
	      !strcmp(err, "tampered: snapshot does not hash to the recorded digest"),
	      "tampered stream with a valid trailer");
	CHECK(parse(b, len, BFT_CKPT_F_NO_DIGEST, err) == BFT_CKPT_OK,
	      "the digest check can be left to the kernel");

	memcpy(b, buf, len);
	b[8] = 2;
	reseal(b, len);
	CHECK(parse(b, len, 0, err) == BFT_CKPT_E_VERSION, "unknown version");

	memcpy(b, buf, len);
	b[12] = 3;		/* n = 3 */
	reseal(b, len);
	CHECK(parse(b, len, 0, err) == BFT_CKPT_E_FIELD, "n below 4");
	memcpy(b, buf, len);
	b[16] = 4;		/* replica 4 of n = 4 */
	reseal(b, len);
	CHECK(parse(b, len, 0, err) == BFT_CKPT_E_FIELD, "replica id >= n");
	memcpy(b, buf, len);
	memset(b + 24, 0, 8);	/* seq 0 */
	reseal(b, len);
	CHECK(parse(b, len, 0, err) == BFT_CKPT_E_FIELD, "seq 0");
	memcpy(b, buf, len);
	b[21] = 0x10;		/* esz 4096 + 128 > stream */
	reseal(b, len);
	CHECK(parse(b, len, 0, err) == BFT_CKPT_E_FIELD, "engine section past the stream");
	memcpy(b, buf, len);
	b[40] = 0x1f;		/* attester 4 of n = 4 */
	reseal(b, len);
	CHECK(parse(b, len, 0, err) == BFT_CKPT_E_FIELD, "attester id >= n");
	memcpy(b, buf, len);
	b[90] = 1;		/* reserved */
	reseal(b, len);
	CHECK(parse(b, len, 0, err) == BFT_CKPT_E_FIELD, "reserved bytes set");
	memcpy(b, buf, len);
	b[84] = 1;		/* stream length lies */
	reseal(b, len);
	CHECK(parse(b, len, 0, err) == BFT_CKPT_E_CORRUPT, "length field disagrees");

	/* An empty stream is nothing to import: refused with a reason. */
	{
		struct bft_ckpt_file e;
		uint8_t eb[96 + 32];

		build(&e, b);
		e.len = 0;
		e.esz = 0;
		bft_ckpt_sha256(stream, 0, e.digest);
		bft_ckpt_file_build(&e, eb);
		CHECK(parse(eb, sizeof(eb), BFT_CKPT_F_NO_DIGEST, err) ==
		      BFT_CKPT_E_FIELD && strstr(err, "empty stream"),
		      "0-byte stream refused: empty stream");
	}

	/* Exports hold the replicated state: 0600, even over a 0644 file. */
	{
		char path[] = "/tmp/bft-ckptfile-XXXXXX";
		struct stat st;
		uint8_t back[16];
		int fd = mkstemp(path);
		mode_t old = umask(0);

		CHECK(fd >= 0 && !fchmod(fd, 0644) && !close(fd),
		      "a 0644 file exists at the export path");
		CHECK(!bft_ckpt_file_write(path, "0123456789abcdef", 16),
		      "export written");
		CHECK(!stat(path, &st) && (st.st_mode & 0777) == 0600 &&
		      st.st_size == 16, "existing file: now 0600, 16 bytes");
		fd = open(path, O_RDONLY);
		CHECK(fd >= 0 && read(fd, back, 16) == 16 &&
		      !memcmp(back, "0123456789abcdef", 16) && !close(fd),
		      "contents read back");
		unlink(path);
		CHECK(!bft_ckpt_file_write(path, "x", 1) && !stat(path, &st) &&
		      (st.st_mode & 0777) == 0600, "new file: 0600 under umask 0");
		CHECK(bft_ckpt_file_write("/nonexistent/dir/f", "x", 1) == -ENOENT,
		      "unwritable path: -errno");
		unlink(path);
		umask(old);
	}

	free(buf);
	free(b);
	printf("# %d passed, %d failed\n", tests - failed, failed);
	return failed ? 1 : 0;
}
